// One pass over a parameter: draw its Gaussian noise (ChaCha20 in-kernel), add it to the clipped
// gradient sum, scale, and apply the optimizer. CPU reference: CpuBackend.sgdUpdate / adamUpdate,
// with the normals the CPU reads from UpdateNoise.normals drawn here from UpdateNoise.key.
//
// A thread owns one ChaCha20 block = 8 consecutive stream elements; parameter element i is stream
// element firstElement + i, so the first and last blocks may be partial. Noise added to element i
// stddev * (float) z, as on the CPU (whose prefetched normals are float32): the noise is added to
// the gradient sum in double and the update is computed in double, rounded to float once.
#include "common.cuh"
#include "chacha20.cuh"

struct SgdOp {
    float* w;
    const float* g;
    float* v;  // may be null when momentum == 0
    float gradScale, lr, momentum, weightDecay;

    __device__ __forceinline__ void operator()(long long i, double noise) const {
        double gi = ((double) g[i] + noise) * gradScale + (double) weightDecay * w[i];
        if (v != nullptr) {
            gi = (double) momentum * v[i] + gi;
            v[i] = (float) gi;
        }
        w[i] = (float) (w[i] - (double) lr * gi);
    }
};

struct AdamOp {
    float* w;
    const float* g;
    float* m;
    float* v;
    float gradScale, lr, beta1, beta2, eps, weightDecay;
    double c1, c2;  // bias corrections 1/(1-beta^t) in double, as on the CPU (float rounds them)

    __device__ __forceinline__ void operator()(long long i, double noise) const {
        double gi = ((double) g[i] + noise) * gradScale;
        double mi = (double) beta1 * m[i] + (1.0 - beta1) * gi;
        double vi = (double) beta2 * v[i] + (1.0 - beta2) * gi * gi;
        m[i] = (float) mi;
        v[i] = (float) vi;
        w[i] = (float) (w[i] - (double) lr * (mi * c1 / (sqrt(vi * c2) + eps) + (double) weightDecay * w[i]));
    }
};

struct NoiseScaleOp {
    float* x;
    float scale;

    __device__ __forceinline__ void operator()(long long i, double noise) const {
        x[i] = (float) (((double) x[i] + noise) * scale);
    }
};

template <class Op>
__global__ void __launch_bounds__(BLOCK) noisy_update_kernel(long long n, long long first, long long blocks,
                                                             float stddev, ChaChaKey key, uint32_t streamId,
                                                             uint32_t stepLo, uint32_t stepHi, Op op) {
    for (long long q = blockIdx.x * (long long) blockDim.x + threadIdx.x; q < blocks;
         q += (long long) gridDim.x * blockDim.x) {
        const long long c = first / 8 + q;  // the ChaCha20 block
        uint32_t words[16];
        if (stddev != 0.0f) chacha20_block(key, (uint32_t) c, streamId, stepLo, stepHi, words);
#pragma unroll
        for (int pair = 0; pair < 4; pair++) {
            const long long i0 = c * 8 + 2 * pair - first;  // parameter index of z_{2 pair}
            if (i0 + 1 < 0 || i0 >= n) continue;
            double n0 = 0.0, n1 = 0.0;
            if (stddev != 0.0f) {
                double z0, z1;
                box_muller(chacha_uniform(words[4 * pair], words[4 * pair + 1]),
                           chacha_uniform(words[4 * pair + 2], words[4 * pair + 3]), &z0, &z1);
                n0 = (double) stddev * (double) __double2float_rn(z0);
                n1 = (double) stddev * (double) __double2float_rn(z1);
            }
            if (i0 >= 0) op(i0, n0);
            if (i0 + 1 < n) op(i0 + 1, n1);
        }
    }
}

template <class Op>
static int launch_update(long long n, float stddev, const int* key, int streamId, long long step, long long first,
                         Op op, uintptr_t stream) {
    if (n <= 0) return 0;
    if (first < 0 || (stddev != 0.0f && key == nullptr)) return EDP4J_ERR_BAD_ARGUMENT;
    // A stream has 2^32 blocks of 8 elements; past that the 32-bit counter would wrap and reuse
    // noise (GaussianNoise.MAX_ELEMENTS refuses the same on the CPU).
    if (stddev != 0.0f && first + n > (1LL << 35)) return EDP4J_ERR_BAD_ARGUMENT;
    ChaChaKey k = {};
    if (key != nullptr) {
        for (int i = 0; i < 8; i++) k.k[i] = (uint32_t) key[i];
    }
    const long long blocks = (first + n - 1) / 8 - first / 8 + 1;
    noisy_update_kernel<Op><<<grid_for(blocks), BLOCK, 0, S(stream)>>>(
        n, first, blocks, stddev, k, (uint32_t) streamId, (uint32_t) step, (uint32_t) ((uint64_t) step >> 32), op);
    EDP4J_LAUNCHED();
}

extern "C" int edp4j_sgd_update(long long n, uintptr_t param, uintptr_t gradSum, float stddev, const int* key,
                                int streamId, long long step, long long firstElement, float gradScale, float lr,
                                float momentum, float weightDecay, uintptr_t velocity, uintptr_t stream) {
    if (momentum != 0.0f && velocity == 0) return EDP4J_ERR_BAD_ARGUMENT;
    // As on the CPU: a velocity given with momentum 0 is still written (v = g).
    SgdOp op{F(param), CF(gradSum), velocity == 0 ? nullptr : F(velocity), gradScale, lr, momentum, weightDecay};
    return launch_update(n, stddev, key, streamId, step, firstElement, op, stream);
}

extern "C" int edp4j_add_noise_and_scale(long long n, uintptr_t x, float stddev, const int* key, int streamId,
                                         long long step, long long firstElement, float scale, uintptr_t stream) {
    NoiseScaleOp op{F(x), scale};
    return launch_update(n, stddev, key, streamId, step, firstElement, op, stream);
}

extern "C" int edp4j_adam_update(long long n, uintptr_t param, uintptr_t gradSum, float stddev, const int* key,
                                 int streamId, long long step, long long firstElement, float gradScale, float lr,
                                 float beta1, float beta2, float eps, float weightDecay, double c1, double c2,
                                 uintptr_t m, uintptr_t v, uintptr_t stream) {
    AdamOp op{F(param), CF(gradSum), F(m), F(v), gradScale, lr, beta1, beta2, eps, weightDecay, c1, c2};
    return launch_update(n, stddev, key, streamId, step, firstElement, op, stream);
}
