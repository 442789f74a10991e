package org.edp4j.nn;

import java.util.List;
import org.edp4j.tensor.Backend;
import org.edp4j.tensor.Tensor;

/**
 * Mean over the real tokens of each sequence: {@code [B, T, d] -> [B, d]}, weighting positions by
 * the batch's token mask (padding contributes nothing, and gets zero gradient).
 */
public final class MaskedMeanPool implements Layer {
    private final Backend backend;
    private Tensor output;
    private Tensor gradIn;
    private int seq;
    private int dim;

    public MaskedMeanPool(Backend backend) {
        this.backend = backend;
    }

    @Override
    public Tensor forward(Tensor x, Batch batch) {
        if (x == null || x.shape().rank() != 3 || x.dim(1) != batch.seqLen() || !batch.isTokenInput()) {
            throw new IllegalArgumentException("MaskedMeanPool expects [B, T, d] input of a token batch, got "
                    + (x == null ? "null" : x.shape().toString()));
        }
        seq = x.dim(1);
        dim = x.dim(2);
        output = Buffers.ensure(backend, output, x.dim(0), dim);
        gradIn = Buffers.ensure(backend, gradIn, x.shape().dims());
        backend.maskedMeanPool(x.dim(0), seq, dim, x, batch.tokenMask(), output);
        return output;
    }

    @Override
    public Tensor backward(Tensor g, Batch batch) {
        backend.maskedMeanPoolBackward(g.dim(0), seq, dim, g, batch.tokenMask(), gradIn);
        return gradIn;
    }

    @Override
    public List<Parameter> parameters() {
        return List.of();
    }

    @Override
    public void addSquaredNorms(Tensor sqNorms) {
    }

    @Override
    public void clippedSum(Tensor factors, float beta) {
    }

    @Override
    public String describe() {
        return "MaskedMeanPool";
    }
}
