// The noise stream of edp4j, drawn in-kernel: ChaCha20 (RFC 8439 block function) + Box-Muller.
//
// Stream (key, streamId, step): element j is z_{j % 8} of block j / 8, where block c is the
// ChaCha20 block with counter (uint32) c and nonce words (streamId, (int) step, (int)(step >>> 32)).
// Its 16 output words form x_k = word[2k] | word[2k+1] << 32 (k < 8), u_k = ((x_k >>> 12) + 0.5) 2^-52,
// and each pair gives z_{2m} = sqrt(-2 ln u_{2m}) cos(2 pi u_{2m+1}), z_{2m+1} = ... sin(...), in double.
// The CPU twin is org.edp4j.dp.noise.GaussianNoise; a float64 reference lives in the native tests.
// The _rn intrinsics keep nvcc from contracting into FMAs, so every step rounds as Java's does.
#pragma once
#include <stdint.h>

struct ChaChaKey {
    uint32_t k[8];
};

__device__ __forceinline__ uint32_t rotl32(uint32_t v, int c) {
    return __funnelshift_l(v, v, c);
}

#define CHACHA_QR(a, b, c, d)                 \
    a += b; d ^= a; d = rotl32(d, 16);        \
    c += d; b ^= c; b = rotl32(b, 12);        \
    a += b; d ^= a; d = rotl32(d, 8);         \
    c += d; b ^= c; b = rotl32(b, 7);

// out = ChaCha20 block (20 rounds, input added back) for key, counter and the three nonce words.
__device__ __forceinline__ void chacha20_block(const ChaChaKey& key, uint32_t counter, uint32_t n0, uint32_t n1,
                                               uint32_t n2, uint32_t out[16]) {
    uint32_t s[16] = {0x61707865u, 0x3320646eu, 0x79622d32u, 0x6b206574u,
                      key.k[0], key.k[1], key.k[2], key.k[3], key.k[4], key.k[5], key.k[6], key.k[7],
                      counter, n0, n1, n2};
#pragma unroll
    for (int i = 0; i < 16; i++) out[i] = s[i];
#pragma unroll
    for (int r = 0; r < 10; r++) {
        CHACHA_QR(out[0], out[4], out[8], out[12]);
        CHACHA_QR(out[1], out[5], out[9], out[13]);
        CHACHA_QR(out[2], out[6], out[10], out[14]);
        CHACHA_QR(out[3], out[7], out[11], out[15]);
        CHACHA_QR(out[0], out[5], out[10], out[15]);
        CHACHA_QR(out[1], out[6], out[11], out[12]);
        CHACHA_QR(out[2], out[7], out[8], out[13]);
        CHACHA_QR(out[3], out[4], out[9], out[14]);
    }
#pragma unroll
    for (int i = 0; i < 16; i++) out[i] += s[i];
}

// u = ((x >>> 12) + 0.5) * 2^-52, exact in double and in [2^-53, 1 - 2^-53] (GaussianNoise's formula).
__device__ __forceinline__ double chacha_uniform(uint32_t lo, uint32_t hi) {
    uint64_t x = ((uint64_t) hi << 32) | lo;
    return __dmul_rn(__dadd_rn((double) (x >> 12), 0.5), 2.220446049250313e-16 /* 2^-52 */);
}

// Box-Muller on one pair of uniforms: (z0, z1) = sqrt(-2 ln u0) (cos 2 pi u1, sin 2 pi u1).
__device__ __forceinline__ void box_muller(double u0, double u1, double* z0, double* z1) {
    const double r = sqrt(__dmul_rn(-2.0, log(u0)));
    double s, c;
    sincos(__dmul_rn(6.283185307179586 /* 2 * Math.PI */, u1), &s, &c);
    *z0 = __dmul_rn(r, c);
    *z1 = __dmul_rn(r, s);
}
