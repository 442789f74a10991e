package org.edp4j.tensor;

/**
 * The kernels a model needs, on one kind of hardware: the {@link TensorOps} of the forward and
 * backward passes and the {@link PerSampleOps} of book-keeping DP-SGD. Layers never touch tensor
 * storage; they call these operations, so a model moves between backends without changing a
 * line.
 *
 * <p>Implementations extend {@link AbstractBackend}, which checks every argument once for all
 * backends and then calls the backend's kernel.
 */
public interface Backend extends TensorOps, PerSampleOps {

    /** A short name: "cpu", "cuda". */
    String name();

    /**
     * True when the fused updates draw their Gaussian noise themselves from
     * {@link UpdateNoise#key()} (a device backend); false when they read prefetched normals from
     * {@link UpdateNoise#normals()} (the CPU, which fills them off the critical path).
     */
    default boolean drawsNoise() {
        return false;
    }
}
