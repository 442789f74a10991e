package org.edp4j.dp;

import java.util.ArrayList;
import java.util.List;
import org.edp4j.nn.Parameter;
import org.edp4j.tensor.Tensor;
import org.edp4j.tensor.UpdateNoise;

/**
 * SGD with optional momentum and L2 weight decay: {@code v = mu v + g + wd w}; {@code w -= lr v}.
 * With a private optimizer, {@code g} is the noisy clipped mean: DP-SGD.
 */
public final class Sgd implements Optimizer {
    private final float lr;
    private final float momentum;
    private final float weightDecay;
    private final List<Tensor> velocity = new ArrayList<>();

    /**
     * @param lr learning rate, &gt; 0
     * @param momentum in [0, 1)
     * @param weightDecay &gt;= 0
     */
    public Sgd(double lr, double momentum, double weightDecay) {
        if (!(lr > 0) || Double.isInfinite(lr)) {
            throw new IllegalArgumentException("learning rate must be > 0 and finite, got " + lr);
        }
        if (!(momentum >= 0 && momentum < 1)) {
            throw new IllegalArgumentException("momentum must be in [0, 1), got " + momentum);
        }
        if (!(weightDecay >= 0) || Double.isInfinite(weightDecay)) {
            throw new IllegalArgumentException("weight decay must be >= 0 and finite, got " + weightDecay);
        }
        this.lr = (float) lr;
        this.momentum = (float) momentum;
        this.weightDecay = (float) weightDecay;
    }

    public static Sgd plain(double lr) {
        return new Sgd(lr, 0, 0);
    }

    public static Sgd withMomentum(double lr, double momentum) {
        return new Sgd(lr, momentum, 0);
    }

    @Override
    public void attach(List<Parameter> parameters) {
        velocity.clear();
        for (Parameter p : parameters) {
            velocity.add(momentum == 0f ? null : p.backend().zeros(p.value().shape().dims()));
        }
    }

    @Override
    public void update(int index, Parameter p, UpdateNoise noise, float gradScale, long t) {
        p.backend().sgdUpdate(p.value(), p.grad(), noise, gradScale, lr, momentum, weightDecay, velocity.get(index));
    }

    @Override
    public List<Tensor> state() {
        List<Tensor> s = new ArrayList<>();
        for (Tensor v : velocity) {
            if (v != null) {
                s.add(v);
            }
        }
        return s;
    }

    @Override
    public String describe() {
        return "SGD(lr=" + lr + ", momentum=" + momentum + (weightDecay > 0 ? ", weight decay=" + weightDecay : "")
                + ")";
    }
}
