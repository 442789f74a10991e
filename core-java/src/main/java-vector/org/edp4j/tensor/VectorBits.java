package org.edp4j.tensor;

import java.util.function.IntSupplier;
import jdk.incubator.vector.FloatVector;

/** The CPU's preferred SIMD width in bits, as the Vector API sees it ({@link Vectorization}'s probe). */
public final class VectorBits implements IntSupplier {
    @Override
    public int getAsInt() {
        return FloatVector.SPECIES_PREFERRED.vectorBitSize();
    }
}
