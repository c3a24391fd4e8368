#include "models/device/bulk_rng.h"

#include "models/device/rng.h"
#include "models/device/simd_math.h"

namespace xbar::device {

namespace {
inline std::uint32_t rotl32(std::uint32_t x, int k) {
    return (x << k) | (x >> (32 - k));
}

// One xoshiro128++ step of all 16 lanes (scalar twin of the AVX2 code below).
inline void step_scalar(std::uint32_t (&s)[4][BulkRng::kBlock], std::uint32_t* out) {
    for (std::size_t l = 0; l < BulkRng::kBlock; ++l) {
        out[l] = rotl32(s[0][l] + s[3][l], 7) + s[0][l];
        const std::uint32_t t = s[1][l] << 9;
        s[2][l] ^= s[0][l];
        s[3][l] ^= s[1][l];
        s[1][l] ^= s[2][l];
        s[0][l] ^= s[3][l];
        s[2][l] ^= t;
        s[3][l] = rotl32(s[3][l], 11);
    }
}

#ifdef XBAR_DEVICE_AVX2
inline __m256i rotl_epi32(__m256i x, int k) {
    return _mm256_or_si256(_mm256_slli_epi32(x, k), _mm256_srli_epi32(x, 32 - k));
}

// State held in 8 ymm registers for the whole fill; `emit(lo, hi)` consumes 16 words per step.
template <class Emit>
inline void run_avx2(std::uint32_t (&st)[4][BulkRng::kBlock], std::size_t steps, Emit&& emit) {
    __m256i s0a = _mm256_load_si256(reinterpret_cast<const __m256i*>(&st[0][0]));
    __m256i s0b = _mm256_load_si256(reinterpret_cast<const __m256i*>(&st[0][8]));
    __m256i s1a = _mm256_load_si256(reinterpret_cast<const __m256i*>(&st[1][0]));
    __m256i s1b = _mm256_load_si256(reinterpret_cast<const __m256i*>(&st[1][8]));
    __m256i s2a = _mm256_load_si256(reinterpret_cast<const __m256i*>(&st[2][0]));
    __m256i s2b = _mm256_load_si256(reinterpret_cast<const __m256i*>(&st[2][8]));
    __m256i s3a = _mm256_load_si256(reinterpret_cast<const __m256i*>(&st[3][0]));
    __m256i s3b = _mm256_load_si256(reinterpret_cast<const __m256i*>(&st[3][8]));
    for (std::size_t k = 0; k < steps; ++k) {
        const __m256i ra = _mm256_add_epi32(rotl_epi32(_mm256_add_epi32(s0a, s3a), 7), s0a);
        const __m256i rb = _mm256_add_epi32(rotl_epi32(_mm256_add_epi32(s0b, s3b), 7), s0b);
        const __m256i ta = _mm256_slli_epi32(s1a, 9);
        const __m256i tb = _mm256_slli_epi32(s1b, 9);
        s2a = _mm256_xor_si256(s2a, s0a);
        s2b = _mm256_xor_si256(s2b, s0b);
        s3a = _mm256_xor_si256(s3a, s1a);
        s3b = _mm256_xor_si256(s3b, s1b);
        s1a = _mm256_xor_si256(s1a, s2a);
        s1b = _mm256_xor_si256(s1b, s2b);
        s0a = _mm256_xor_si256(s0a, s3a);
        s0b = _mm256_xor_si256(s0b, s3b);
        s2a = _mm256_xor_si256(s2a, ta);
        s2b = _mm256_xor_si256(s2b, tb);
        s3a = rotl_epi32(s3a, 11);
        s3b = rotl_epi32(s3b, 11);
        emit(k, ra, rb);
    }
    _mm256_store_si256(reinterpret_cast<__m256i*>(&st[0][0]), s0a);
    _mm256_store_si256(reinterpret_cast<__m256i*>(&st[0][8]), s0b);
    _mm256_store_si256(reinterpret_cast<__m256i*>(&st[1][0]), s1a);
    _mm256_store_si256(reinterpret_cast<__m256i*>(&st[1][8]), s1b);
    _mm256_store_si256(reinterpret_cast<__m256i*>(&st[2][0]), s2a);
    _mm256_store_si256(reinterpret_cast<__m256i*>(&st[2][8]), s2b);
    _mm256_store_si256(reinterpret_cast<__m256i*>(&st[3][0]), s3a);
    _mm256_store_si256(reinterpret_cast<__m256i*>(&st[3][8]), s3b);
}
#endif
}  // namespace

BulkRng::BulkRng(std::uint64_t seed) {
    // Each lane gets its own 128-bit state from SplitMix64; an all-zero lane state is impossible
    // for xoshiro, so it is nudged (probability 2^-128, but cheap to rule out).
    std::uint64_t sm = seed;
    for (std::size_t l = 0; l < kBlock; ++l) {
        const std::uint64_t x = splitmix64(sm);
        const std::uint64_t y = splitmix64(sm);
        m_s[0][l] = static_cast<std::uint32_t>(x);
        m_s[1][l] = static_cast<std::uint32_t>(x >> 32);
        m_s[2][l] = static_cast<std::uint32_t>(y);
        m_s[3][l] = static_cast<std::uint32_t>(y >> 32);
        if ((m_s[0][l] | m_s[1][l] | m_s[2][l] | m_s[3][l]) == 0) m_s[0][l] = 1;
    }
}

void BulkRng::fill_u32(std::uint32_t* out, std::size_t n) {
    const std::size_t steps = padded(n) / kBlock;
#ifdef XBAR_DEVICE_AVX2
    run_avx2(m_s, steps, [out](std::size_t k, __m256i ra, __m256i rb) {
        _mm256_storeu_si256(reinterpret_cast<__m256i*>(out + k * kBlock), ra);
        _mm256_storeu_si256(reinterpret_cast<__m256i*>(out + k * kBlock + 8), rb);
    });
#else
    for (std::size_t k = 0; k < steps; ++k) step_scalar(m_s, out + k * kBlock);
#endif
}

void BulkRng::fill_uniform(float* out, std::size_t n) {
    const std::size_t steps = padded(n) / kBlock;
#ifdef XBAR_DEVICE_AVX2
    const __m256 scale = _mm256_set1_ps(5.9604644775390625e-08f);  // 2^-24
    run_avx2(m_s, steps, [out, scale](std::size_t k, __m256i ra, __m256i rb) {
        _mm256_storeu_ps(out + k * kBlock,
                         _mm256_mul_ps(_mm256_cvtepi32_ps(_mm256_srli_epi32(ra, 8)), scale));
        _mm256_storeu_ps(out + k * kBlock + 8,
                         _mm256_mul_ps(_mm256_cvtepi32_ps(_mm256_srli_epi32(rb, 8)), scale));
    });
#else
    std::uint32_t r[kBlock];
    for (std::size_t k = 0; k < steps; ++k) {
        step_scalar(m_s, r);
        for (std::size_t l = 0; l < kBlock; ++l)
            out[k * kBlock + l] = static_cast<float>(r[l] >> 8) * 5.9604644775390625e-08f;
    }
#endif
}

void BulkRng::fill_normal(float* out, std::size_t n) {
    const std::size_t steps = padded(n) / kBlock;
#ifdef XBAR_DEVICE_AVX2
    run_avx2(m_s, steps, [out](std::size_t k, __m256i ra, __m256i rb) {
        __m256 z0, z1;
        detail::box_muller_ps(ra, rb, z0, z1);
        _mm256_storeu_ps(out + k * kBlock, z0);
        _mm256_storeu_ps(out + k * kBlock + 8, z1);
    });
#else
    std::uint32_t r[kBlock];
    for (std::size_t k = 0; k < steps; ++k) {
        step_scalar(m_s, r);
        for (std::size_t l = 0; l < 8; ++l)
            detail::box_muller(r[l], r[l + 8], out[k * kBlock + l], out[k * kBlock + 8 + l]);
    }
#endif
}

}  // namespace xbar::device
