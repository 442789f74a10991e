// Binary cross-entropy on logits and mean squared error, summed per sample and fused with their
// gradients. One block per row, the outputs strided over its threads, the row's loss summed in
// double. CPU reference: CpuLosses.binaryCrossEntropy / meanSquaredError. A row with mask 0 gets
// loss 0 and gradient 0 (its inputs are not read).
#include "common.cuh"

__device__ __forceinline__ double sigmoid_d(double x) {
    if (x >= 0.0) return 1.0 / (1.0 + exp(-x));
    const double e = exp(x);
    return e / (1.0 + e);
}

// kind 0: BCE with logits, loss max(z,0) - z t + log1p(exp(-|z|)), grad sigmoid(z) - t.
// kind 1: MSE, loss (y - t)^2 / k, grad 2 (y - t) / k.
__global__ void __launch_bounds__(BLOCK) row_loss_kernel(int kind, int k, const float* out, const float* targets,
                                                         const float* mask, float* loss, float* grad) {
    __shared__ double shared[32];
    const long long b = blockIdx.x;
    const long long off = b * k;
    const float w = mask[b];
    if (w == 0.0f) {
        if (threadIdx.x == 0) loss[b] = 0.0f;
        for (int j = threadIdx.x; j < k; j += blockDim.x) grad[off + j] = 0.0f;
        return;
    }
    double s = 0.0;
    for (int j = threadIdx.x; j < k; j += blockDim.x) {
        const double x = out[off + j];
        const double t = targets[off + j];
        if (kind == 0) {
            s += fmax(x, 0.0) - x * t + log1p(exp(-fabs(x)));
            grad[off + j] = (float) (w * (sigmoid_d(x) - t));
        } else {
            const double e = x - t;
            s += e * e;
            grad[off + j] = (float) (w * 2.0 * e / k);
        }
    }
    s = block_sum(s, shared);
    if (threadIdx.x == 0) loss[b] = (float) (kind == 0 ? w * s : w * s / k);
}

static int launch_row_loss(int kind, int batch, int k, uintptr_t out, uintptr_t targets, uintptr_t mask,
                           uintptr_t loss, uintptr_t grad, uintptr_t stream) {
    if (batch <= 0) return 0;
    row_loss_kernel<<<batch, BLOCK, 0, S(stream)>>>(kind, k, CF(out), CF(targets), CF(mask), F(loss), F(grad));
    EDP4J_LAUNCHED();
}

extern "C" int edp4j_binary_xent(int batch, int outputs, uintptr_t logits, uintptr_t targets, uintptr_t mask,
                                 uintptr_t loss, uintptr_t grad, uintptr_t stream) {
    return launch_row_loss(0, batch, outputs, logits, targets, mask, loss, grad, stream);
}

extern "C" int edp4j_mean_squared_error(int batch, int outputs, uintptr_t predictions, uintptr_t targets,
                                        uintptr_t mask, uintptr_t loss, uintptr_t grad, uintptr_t stream) {
    return launch_row_loss(1, batch, outputs, predictions, targets, mask, loss, grad, stream);
}
