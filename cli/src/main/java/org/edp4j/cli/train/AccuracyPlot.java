package org.edp4j.cli.train;

import java.io.IOException;
import java.util.List;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.markers.SeriesMarkers;

/** Test accuracy against epsilon (RDP, as spent) with the non-private accuracy as a line, as a PNG (XChart). */
final class AccuracyPlot {
    private AccuracyPlot() {
    }

    /** The chart as PNG bytes (AWT runs headless); the caller writes them where {@code --plot} says. */
    static byte[] png(List<TextTrainingRun.Result> results, TextTrainingRun.Result plain) throws IOException {
        System.setProperty("java.awt.headless", "true");
        int n = results.size();
        double[] eps = new double[n];
        double[] acc = new double[n];
        for (int i = 0; i < n; i++) {
            eps[i] = results.get(i).epsilonRdp();
            acc[i] = 100 * results.get(i).accuracy();
        }
        XYChart chart = new XYChartBuilder().width(800).height(500)
                .title("edp train: SpamAssassin, test accuracy against epsilon (delta "
                        + results.get(0).delta() + ")")
                .xAxisTitle("epsilon (RDP)").yAxisTitle("test accuracy (%)").build();
        chart.getStyler().setXAxisLogarithmic(n > 1 && eps[0] > 0);
        chart.getStyler().setXAxisLogarithmicDecadeOnly(false);
        chart.getStyler().setYAxisDecimalPattern("0.0");
        chart.getStyler().setLegendPosition(org.knowm.xchart.style.Styler.LegendPosition.InsideSE);
        XYSeries dp = chart.addSeries("DP (bag model)", eps, acc);
        dp.setMarker(SeriesMarkers.CIRCLE);
        if (plain != null) {
            double lo = eps[0];
            double hi = eps[0];
            for (double e : eps) {
                lo = Math.min(lo, e);
                hi = Math.max(hi, e);
            }
            XYSeries np = chart.addSeries("non-private", new double[] {lo, hi},
                    new double[] {100 * plain.accuracy(), 100 * plain.accuracy()});
            np.setMarker(SeriesMarkers.NONE);
        }
        return BitmapEncoder.getBitmapBytes(chart, BitmapEncoder.BitmapFormat.PNG);
    }
}
