package org.edp4j.dp;

import java.util.ArrayList;
import java.util.List;
import org.edp4j.nn.Parameter;
import org.edp4j.tensor.Tensor;
import org.edp4j.tensor.UpdateNoise;

/**
 * Adam with bias correction and decoupled weight decay (AdamW when {@code weightDecay > 0}). With a
 * private optimizer, the gradient is the noisy clipped mean: DP-Adam. The moments are
 * post-processing of private values, so they cost no extra privacy.
 */
public final class Adam implements Optimizer {
    private final float lr;
    private final float beta1;
    private final float beta2;
    private final float eps;
    private final float weightDecay;
    private final List<Tensor> m = new ArrayList<>();
    private final List<Tensor> v = new ArrayList<>();

    /**
     * @param lr &gt; 0; betas in [0, 1); eps &gt; 0; weightDecay &gt;= 0
     */
    public Adam(double lr, double beta1, double beta2, double eps, double weightDecay) {
        if (!(lr > 0) || Double.isInfinite(lr)) {
            throw new IllegalArgumentException("learning rate must be > 0 and finite, got " + lr);
        }
        if (!(beta1 >= 0 && beta1 < 1) || !(beta2 >= 0 && beta2 < 1)) {
            throw new IllegalArgumentException("Adam betas must be in [0, 1), got " + beta1 + ", " + beta2);
        }
        if (!(eps > 0)) {
            throw new IllegalArgumentException("Adam eps must be > 0, got " + eps);
        }
        if (!(weightDecay >= 0) || Double.isInfinite(weightDecay)) {
            throw new IllegalArgumentException("weight decay must be >= 0 and finite, got " + weightDecay);
        }
        this.lr = (float) lr;
        this.beta1 = (float) beta1;
        this.beta2 = (float) beta2;
        this.eps = (float) eps;
        this.weightDecay = (float) weightDecay;
    }

    /** Adam with the usual defaults: betas 0.9, 0.999, eps 1e-8, no weight decay. */
    public static Adam of(double lr) {
        return new Adam(lr, 0.9, 0.999, 1e-8, 0);
    }

    @Override
    public void attach(List<Parameter> parameters) {
        m.clear();
        v.clear();
        for (Parameter p : parameters) {
            m.add(p.backend().zeros(p.value().shape().dims()));
            v.add(p.backend().zeros(p.value().shape().dims()));
        }
    }

    @Override
    public void update(int index, Parameter p, UpdateNoise noise, float gradScale, long t) {
        p.backend().adamUpdate(p.value(), p.grad(), noise, gradScale, lr, beta1, beta2, eps, weightDecay, t,
                m.get(index), v.get(index));
    }

    @Override
    public List<Tensor> state() {
        List<Tensor> s = new ArrayList<>(m);
        s.addAll(v);
        return s;
    }

    @Override
    public String describe() {
        return "Adam(lr=" + lr + ", betas=" + beta1 + "/" + beta2 + ")";
    }
}
