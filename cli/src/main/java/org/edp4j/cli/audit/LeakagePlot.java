package org.edp4j.cli.audit;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * Leakage against epsilon as one PNG (XChart), three panels side by side: MIA AUC (loss, LiRA),
 * empirical epsilon lower bound next to the guarantee, mean canary exposure per repeat count. A
 * non-private run is drawn at twice the largest finite epsilon (the axis title says so).
 */
final class LeakagePlot {
    private LeakagePlot() {
    }

    /** The panels as PNG bytes (AWT runs headless); the caller writes them where {@code --plot} says. */
    static byte[] png(AuditConfig config, AuditData data, List<AuditRun.Result> results) throws IOException {
        System.setProperty("java.awt.headless", "true");
        double maxFinite = 1;
        for (AuditRun.Result r : results) {
            if (!Double.isInfinite(r.targetEpsilon())) {
                maxFinite = Math.max(maxFinite, r.targetEpsilon());
            }
        }
        int n = results.size();
        double[] x = new double[n];
        double[] aucLoss = new double[n];
        double[] aucLira = new double[n];
        double[] lb = new double[n];
        for (int i = 0; i < n; i++) {
            AuditRun.Result r = results.get(i);
            x[i] = Double.isInfinite(r.targetEpsilon()) ? 2 * maxFinite : r.targetEpsilon();
            aucLoss[i] = r.membership().attacks().get(0).auc();
            aucLira[i] = r.membership().attacks().get(1).auc();
            lb[i] = r.membership().epsilonLowerBound();
        }
        String xTitle = "target epsilon (non-private at " + (2 * maxFinite) + ")";
        List<XYChart> charts = new ArrayList<>();
        XYChart auc = chart("membership inference AUC", xTitle, "AUC (0.5 = chance)");
        auc.addSeries("loss threshold", x, aucLoss).setMarker(SeriesMarkers.CIRCLE);
        auc.addSeries("offline LiRA", x, aucLira).setMarker(SeriesMarkers.DIAMOND);
        charts.add(auc);
        XYChart eps = chart("empirical epsilon lower bound", xTitle, "epsilon");
        eps.addSeries("lower bound (95%)", x, lb).setMarker(SeriesMarkers.CIRCLE);
        eps.addSeries("guarantee (y = x)", new double[] {0, maxFinite}, new double[] {0, maxFinite})
                .setMarker(SeriesMarkers.NONE);
        charts.add(eps);
        if (data.canaries() != null) {
            XYChart exp = chart("canary exposure", xTitle, "mean exposure (bits)");
            for (int k : config.repeats()) {
                double[] y = new double[n];
                for (int i = 0; i < n; i++) {
                    for (AuditReport.Group g : AuditReport.groups(config, data, results.get(i).exposures())) {
                        if (g.repeats() == k) {
                            y[i] = g.mean();
                        }
                    }
                }
                exp.addSeries("k = " + k + " copies", x, y).setMarker(SeriesMarkers.CIRCLE);
            }
            charts.add(exp);
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        BitmapEncoder.saveBitmap(charts, 1, charts.size(), bytes, BitmapEncoder.BitmapFormat.PNG);
        return bytes.toByteArray();
    }

    private static XYChart chart(String title, String xTitle, String yTitle) {
        XYChart c = new XYChartBuilder().width(520).height(420).title(title).xAxisTitle(xTitle).yAxisTitle(yTitle)
                .build();
        c.getStyler().setLegendPosition(org.knowm.xchart.style.Styler.LegendPosition.InsideNW);
        return c;
    }
}
