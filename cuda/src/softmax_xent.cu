// Softmax cross-entropy summed per sample, fused with its gradient. One block per row.
// CPU reference: CpuBackend.softmaxCrossEntropy (exp and the sum in double).
//   loss[b] = mask[b] (logsumexp(z_b) - z_b[y_b]),  grad[b] = mask[b] (softmax(z_b) - onehot(y_b))
// A label outside [0, classes) on a row with a non-zero mask is reported in `bad`; its row is zeroed.
#include "common.cuh"

__global__ void __launch_bounds__(BLOCK) softmax_xent_kernel(int classes, const float* logits, const int* labels,
                                                             const float* mask, float* loss, float* grad, int* bad) {
    __shared__ double sharedD[32];
    __shared__ float sharedF[32];
    const long long b = blockIdx.x;
    const long long off = b * classes;
    const float w = mask[b];
    const int y = labels[b];
    if (w == 0.0f || y < 0 || y >= classes) {
        if (w != 0.0f && threadIdx.x == 0) report_bad(bad, EDP4J_OP_SOFTMAX_XENT, (int) b, y);
        if (threadIdx.x == 0) loss[b] = 0.0f;
        for (int c = threadIdx.x; c < classes; c += blockDim.x) grad[off + c] = 0.0f;
        return;
    }
    float mx = -INFINITY;
    for (int c = threadIdx.x; c < classes; c += blockDim.x) mx = fmaxf(mx, logits[off + c]);
    mx = block_max(mx, sharedF);
    double s = 0.0;
    for (int c = threadIdx.x; c < classes; c += blockDim.x) s += exp((double) (logits[off + c] - mx));
    const double lse = (double) mx + log(block_sum(s, sharedD));
    if (threadIdx.x == 0) loss[b] = (float) (w * (lse - logits[off + y]));
    for (int c = threadIdx.x; c < classes; c += blockDim.x) {
        grad[off + c] = (float) (w * exp(logits[off + c] - lse));
    }
    __syncthreads();  // the label's entry was written by some thread above
    if (threadIdx.x == 0) grad[off + y] -= w;
}

extern "C" int edp4j_softmax_xent(int batch, int classes, uintptr_t logits, uintptr_t labels, uintptr_t mask,
                                  uintptr_t loss, uintptr_t grad, uintptr_t bad, uintptr_t stream) {
    if (batch <= 0) return 0;
    softmax_xent_kernel<<<batch, BLOCK, 0, S(stream)>>>(classes, CF(logits), CI(labels), CF(mask), F(loss), F(grad),
                                                        I(bad));
    EDP4J_LAUNCHED();
}
