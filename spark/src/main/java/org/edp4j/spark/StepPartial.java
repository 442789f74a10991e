package org.edp4j.spark;

/**
 * The part of a DP-SGD step one partition computed: the clipped gradient sums of its sampled
 * examples (null when it sampled none) and the counts {@link org.edp4j.dp.PrivateStep#addClippedSums}
 * takes.
 */
final class StepPartial implements Summand<StepPartial> {
    private static final long serialVersionUID = 1L;

    float[][] sums;
    int examples;
    double loss;
    int withinBound;
    int clipped;

    @Override
    public StepPartial plus(StepPartial o) {
        if (o.sums != null) {
            if (sums == null) {
                sums = o.sums;
            } else {
                Arrays2.addInto(sums, o.sums);
            }
        }
        examples += o.examples;
        loss += o.loss;
        withinBound += o.withinBound;
        clipped += o.clipped;
        return this;
    }
}
