package org.edp4j.dp;

import java.util.List;
import org.edp4j.nn.Parameter;
import org.edp4j.tensor.Tensor;
import org.edp4j.tensor.UpdateNoise;

/**
 * The update rule a private (or non-private) step ends with. Implementations keep their state
 * (momentum, Adam moments) per parameter and apply noise, scaling and the update in one fused
 * backend pass.
 */
public interface Optimizer {

    /** Allocates state for the parameters, in order. Called once by the private optimizer. */
    void attach(List<Parameter> parameters);

    /**
     * Updates parameter {@code index} from its summed gradient: {@code g = (sum + noise) * gradScale},
     * then the rule. {@code t} is the 1-based count of updates.
     */
    void update(int index, Parameter p, UpdateNoise noise, float gradScale, long t);

    /** The state tensors in a fixed order, for checkpoints. */
    List<Tensor> state();

    /** A short description: "SGD(lr=0.1, momentum=0.9)". */
    String describe();
}
