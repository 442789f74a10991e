package org.edp4j.cli.federated;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import org.edp4j.cli.OutputFiles;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.SeriesMarkers;

/** Test accuracy against the round, one line per run, as a PNG (XChart, headless), written atomically. */
final class RoundsPlot {
    private RoundsPlot() {
    }

    static byte[] render(FederatedConfig c, List<FederatedRun.Result> results) throws IOException {
        System.setProperty("java.awt.headless", "true");
        XYChart chart = new XYChartBuilder().width(900).height(520)
                .title(String.format(Locale.ROOT, "edp federated: %s, %d devices (%s), %d per round, "
                        + "epsilon %.3g at delta %.0e", c.input().bundled() ? "SpamAssassin"
                        : java.nio.file.Path.of(c.input().train()).getFileName(), c.devices(), c.partitionDescription(),
                        c.clientsPerRound(),
                        c.targetEpsilon(), c.delta()))
                .xAxisTitle("round").yAxisTitle("test accuracy (%)").build();
        chart.getStyler().setYAxisDecimalPattern("0.0");
        chart.getStyler().setLegendPosition(Styler.LegendPosition.InsideSE);
        for (FederatedRun.Result r : results) {
            double[] x = new double[r.curve().size()];
            double[] y = new double[x.length];
            for (int i = 0; i < x.length; i++) {
                x[i] = r.evaluatedRounds().get(i);
                y[i] = 100 * r.curve().get(i);
            }
            chart.addSeries(r.label(), x, y).setMarker(SeriesMarkers.NONE);
        }
        return BitmapEncoder.getBitmapBytes(chart, BitmapEncoder.BitmapFormat.PNG);
    }

    static void write(Path png, FederatedConfig c, List<FederatedRun.Result> results) throws IOException {
        OutputFiles.write("--plot", png, render(c, results));
    }
}
