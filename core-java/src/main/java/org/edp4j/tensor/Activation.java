package org.edp4j.tensor;

/** Pointwise nonlinearities the backends implement, forward and backward. */
public enum Activation {
    /** {@code max(0, x)}; derivative 1 for x &gt; 0, else 0. */
    RELU,
    /** {@code tanh(x)}; derivative {@code 1 - tanh(x)^2}. */
    TANH,
    /** GELU, tanh approximation: {@code 0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3)))}. */
    GELU
}
