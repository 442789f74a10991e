package org.edp4j.cli.train;

import org.edp4j.dp.StepReport;
import org.edp4j.nn.Sequential;
import org.edp4j.privacy.PrivacyAccountant;

/**
 * A listener that passes every event of a training run on to another one (the trained model too,
 * when that one is a {@link TextTrainingRun.ModelListener}); a subclass overrides the events it acts
 * on and calls {@code super} to pass them on.
 */
class ForwardingListener implements TextTrainingRun.ModelListener {
    private final TextTrainingRun.Listener inner;

    ForwardingListener(TextTrainingRun.Listener inner) {
        this.inner = inner;
    }

    @Override
    public void prepared(TextTrainingRun.Data data) {
        inner.prepared(data);
    }

    @Override
    public void start(boolean isPrivate, Sequential model, double sigma0, int resumedEpochs) {
        inner.start(isPrivate, model, sigma0, resumedEpochs);
    }

    @Override
    public void epochStart(int epoch, int steps, double sigma) {
        inner.epochStart(epoch, steps, sigma);
    }

    @Override
    public void step(StepReport report, PrivacyAccountant accountant) {
        inner.step(report, accountant);
    }

    @Override
    public void epochEnd(int epoch, double meanLoss, double testAccuracy, PrivacyAccountant accountant) {
        inner.epochEnd(epoch, meanLoss, testAccuracy, accountant);
    }

    @Override
    public void trained(Sequential model, TextTrainingRun.Data data, PrivacyAccountant accountant) {
        if (inner instanceof TextTrainingRun.ModelListener ml) {
            ml.trained(model, data, accountant);
        }
    }
}
