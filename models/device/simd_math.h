#pragma once
// Internal: polynomial math used by the device-update kernels (limits.md §3b, tricks 3 and 4).
// Each function has an AVX2/FMA version (8 lanes) and a scalar twin with the same algorithm, so a
// build without AVX2 computes the same model. Accuracy (checked in test_device_rng.cpp and by
// the kernel-vs-reference tests): expm1 ~2 ulp, log ~3e-7 relative, sin/cos ~2e-7 absolute.
#include <cmath>
#include <cstdint>
#include <cstring>

#if defined(__AVX2__) && defined(__FMA__)
#include <immintrin.h>
#define XBAR_DEVICE_AVX2 1
#endif

namespace xbar::device::detail {

// Cody-Waite split of ln 2: the high part has 12 zero low bits, so n * kLn2Hi is exact for |n| < 2^12.
constexpr float kLn2Hi = 0.693145751953125f;
constexpr float kLn2Lo = 1.42860676533018e-06f;
constexpr float kLog2e = 1.44269504088896341f;
constexpr float kLn2 = 0.693147180559945309f;
constexpr float kSqrt2 = 1.41421356237309505f;
constexpr float kPi4 = 0.785398163397448310f;

// expm1 Taylor coefficients 1/2! .. 1/7!: on |r| <= ln2/2 the truncation error is < 2e-8 relative.
constexpr float kE2 = 0.5f, kE3 = 1.f / 6, kE4 = 1.f / 24, kE5 = 1.f / 120, kE6 = 1.f / 720, kE7 = 1.f / 5040;

inline float bits_to_float(std::uint32_t u) {
    float f;
    std::memcpy(&f, &u, 4);
    return f;
}
inline std::uint32_t float_to_bits(float f) {
    std::uint32_t u;
    std::memcpy(&u, &f, 4);
    return u;
}

// expm1(x) = 2^n (1 + p(r)) - 1 = 2^n p(r) + (2^n - 1), r = x - n ln2. For |x| < ln2/2, n = 0 and the
// result is the polynomial itself: no cancellation for tiny updates (limits.md §3, side finding).
inline float expm1_poly(float x) {
    x = std::fmin(std::fmax(x, -87.f), 88.f);
    const float n = std::nearbyint(x * kLog2e);
    float r = std::fma(-n, kLn2Hi, x);
    r = std::fma(-n, kLn2Lo, r);
    float q = std::fma(kE7, r, kE6);
    q = std::fma(q, r, kE5);
    q = std::fma(q, r, kE4);
    q = std::fma(q, r, kE3);
    q = std::fma(q, r, kE2);
    const float p = std::fma(r * r, q, r);
    const float two_n = bits_to_float(static_cast<std::uint32_t>(static_cast<int>(n) + 127) << 23);
    return std::fma(two_n, p, two_n - 1.f);
}

// Natural log for x in (0, 1] (normal floats): x = m 2^e, m in [sqrt(1/2), sqrt(2)),
// ln m = 2 atanh(s), s = (m-1)/(m+1), odd series to s^9 (|s| <= 0.172, error < 3e-9).
inline float log_poly(float x) {
    const std::uint32_t b = float_to_bits(x);
    int e = static_cast<int>(b >> 23) - 127;
    float m = bits_to_float((b & 0x007FFFFFu) | 0x3F800000u);
    if (m > kSqrt2) {
        m *= 0.5f;
        e += 1;
    }
    const float s = (m - 1.f) / (m + 1.f);
    const float z = s * s;
    float q = std::fma(z, 1.f / 9, 1.f / 7);
    q = std::fma(q, z, 1.f / 5);
    q = std::fma(q, z, 1.f / 3);
    q = std::fma(q, z, 1.f);
    return std::fma(static_cast<float>(e), kLn2, 2.f * s * q);
}

// sin and cos on [-pi/4, pi/4]: Taylor to t^9 / t^10 (errors < 2e-9 / 2e-10).
inline void sincos_poly(float t, float& s, float& c) {
    const float z = t * t;
    float ps = std::fma(z, 1.f / 362880, -1.f / 5040);
    ps = std::fma(ps, z, 1.f / 120);
    ps = std::fma(ps, z, -1.f / 6);
    s = std::fma(ps * z, t, t);
    float pc = std::fma(z, -1.f / 3628800, 1.f / 40320);
    pc = std::fma(pc, z, -1.f / 720);
    pc = std::fma(pc, z, 1.f / 24);
    pc = std::fma(pc, z, -0.5f);
    c = std::fma(pc, z, 1.f);
}

// Box-Muller on one pair of raw 32-bit words (limits.md §3b trick 4): u1 from 31 bits in (0, 1]
// (|z| <= 6.66), angle = t + k pi/2 with t uniform in [-pi/4, pi/4) from 22 bits and k from 2 bits.
inline void box_muller(std::uint32_t ra, std::uint32_t rb, float& z0, float& z1) {
    const float u1 = std::fma(static_cast<float>(static_cast<std::int32_t>(ra >> 1)),
                              4.656612873077392578125e-10f, 2.3283064365386962890625e-10f);
    const float r = std::sqrt(std::fmax(-2.f * log_poly(u1), 0.f));
    const float t = std::fma(static_cast<float>(static_cast<std::int32_t>(rb >> 10)),
                             kPi4 * 4.76837158203125e-07f, -kPi4);  // (pi/2) 2^-22
    float s, c;
    sincos_poly(t, s, c);
    const std::uint32_t k = rb & 3u;
    const bool swap = (k & 1u) != 0;
    float x = swap ? s : c;
    float y = swap ? c : s;
    const std::uint32_t sx = ((k ^ (k >> 1)) & 1u) << 31;
    const std::uint32_t sy = (k & 2u) << 30;
    x = bits_to_float(float_to_bits(x) ^ sx);
    y = bits_to_float(float_to_bits(y) ^ sy);
    z0 = r * x;
    z1 = r * y;
}

#ifdef XBAR_DEVICE_AVX2
inline __m256 expm1_ps(__m256 x) {
    x = _mm256_min_ps(_mm256_max_ps(x, _mm256_set1_ps(-87.f)), _mm256_set1_ps(88.f));
    const __m256 n = _mm256_round_ps(_mm256_mul_ps(x, _mm256_set1_ps(kLog2e)),
                                     _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
    __m256 r = _mm256_fnmadd_ps(n, _mm256_set1_ps(kLn2Hi), x);
    r = _mm256_fnmadd_ps(n, _mm256_set1_ps(kLn2Lo), r);
    __m256 q = _mm256_fmadd_ps(_mm256_set1_ps(kE7), r, _mm256_set1_ps(kE6));
    q = _mm256_fmadd_ps(q, r, _mm256_set1_ps(kE5));
    q = _mm256_fmadd_ps(q, r, _mm256_set1_ps(kE4));
    q = _mm256_fmadd_ps(q, r, _mm256_set1_ps(kE3));
    q = _mm256_fmadd_ps(q, r, _mm256_set1_ps(kE2));
    const __m256 p = _mm256_fmadd_ps(_mm256_mul_ps(r, r), q, r);
    const __m256 two_n = _mm256_castsi256_ps(
        _mm256_slli_epi32(_mm256_add_epi32(_mm256_cvtps_epi32(n), _mm256_set1_epi32(127)), 23));
    return _mm256_fmadd_ps(two_n, p, _mm256_sub_ps(two_n, _mm256_set1_ps(1.f)));
}

inline __m256 log_ps(__m256 x) {
    const __m256i b = _mm256_castps_si256(x);
    __m256i e = _mm256_sub_epi32(_mm256_srli_epi32(b, 23), _mm256_set1_epi32(127));
    __m256 m = _mm256_castsi256_ps(
        _mm256_or_si256(_mm256_and_si256(b, _mm256_set1_epi32(0x007FFFFF)), _mm256_set1_epi32(0x3F800000)));
    const __m256 big = _mm256_cmp_ps(m, _mm256_set1_ps(kSqrt2), _CMP_GT_OQ);
    m = _mm256_blendv_ps(m, _mm256_mul_ps(m, _mm256_set1_ps(0.5f)), big);
    e = _mm256_sub_epi32(e, _mm256_castps_si256(big));  // mask is -1 where big
    const __m256 one = _mm256_set1_ps(1.f);
    const __m256 s = _mm256_div_ps(_mm256_sub_ps(m, one), _mm256_add_ps(m, one));
    const __m256 z = _mm256_mul_ps(s, s);
    __m256 q = _mm256_fmadd_ps(z, _mm256_set1_ps(1.f / 9), _mm256_set1_ps(1.f / 7));
    q = _mm256_fmadd_ps(q, z, _mm256_set1_ps(1.f / 5));
    q = _mm256_fmadd_ps(q, z, _mm256_set1_ps(1.f / 3));
    q = _mm256_fmadd_ps(q, z, one);
    return _mm256_fmadd_ps(_mm256_cvtepi32_ps(e), _mm256_set1_ps(kLn2),
                           _mm256_mul_ps(_mm256_add_ps(s, s), q));
}

inline void sincos_ps(__m256 t, __m256& s, __m256& c) {
    const __m256 z = _mm256_mul_ps(t, t);
    __m256 ps = _mm256_fmadd_ps(z, _mm256_set1_ps(1.f / 362880), _mm256_set1_ps(-1.f / 5040));
    ps = _mm256_fmadd_ps(ps, z, _mm256_set1_ps(1.f / 120));
    ps = _mm256_fmadd_ps(ps, z, _mm256_set1_ps(-1.f / 6));
    s = _mm256_fmadd_ps(_mm256_mul_ps(ps, z), t, t);
    __m256 pc = _mm256_fmadd_ps(z, _mm256_set1_ps(-1.f / 3628800), _mm256_set1_ps(1.f / 40320));
    pc = _mm256_fmadd_ps(pc, z, _mm256_set1_ps(-1.f / 720));
    pc = _mm256_fmadd_ps(pc, z, _mm256_set1_ps(1.f / 24));
    pc = _mm256_fmadd_ps(pc, z, _mm256_set1_ps(-0.5f));
    c = _mm256_fmadd_ps(pc, z, _mm256_set1_ps(1.f));
}

inline void box_muller_ps(__m256i ra, __m256i rb, __m256& z0, __m256& z1) {
    const __m256 u1 = _mm256_fmadd_ps(_mm256_cvtepi32_ps(_mm256_srli_epi32(ra, 1)),
                                      _mm256_set1_ps(4.656612873077392578125e-10f),
                                      _mm256_set1_ps(2.3283064365386962890625e-10f));
    const __m256 r =
        _mm256_sqrt_ps(_mm256_max_ps(_mm256_mul_ps(_mm256_set1_ps(-2.f), log_ps(u1)), _mm256_setzero_ps()));
    const __m256 t = _mm256_fmadd_ps(_mm256_cvtepi32_ps(_mm256_srli_epi32(rb, 10)),
                                     _mm256_set1_ps(kPi4 * 4.76837158203125e-07f), _mm256_set1_ps(-kPi4));
    __m256 s, c;
    sincos_ps(t, s, c);
    const __m256i k = _mm256_and_si256(rb, _mm256_set1_epi32(3));
    const __m256 swap = _mm256_castsi256_ps(
        _mm256_cmpeq_epi32(_mm256_and_si256(k, _mm256_set1_epi32(1)), _mm256_set1_epi32(1)));
    __m256 x = _mm256_blendv_ps(c, s, swap);
    __m256 y = _mm256_blendv_ps(s, c, swap);
    const __m256i sx = _mm256_slli_epi32(
        _mm256_and_si256(_mm256_xor_si256(k, _mm256_srli_epi32(k, 1)), _mm256_set1_epi32(1)), 31);
    const __m256i sy = _mm256_slli_epi32(_mm256_and_si256(k, _mm256_set1_epi32(2)), 30);
    x = _mm256_xor_ps(x, _mm256_castsi256_ps(sx));
    y = _mm256_xor_ps(y, _mm256_castsi256_ps(sy));
    z0 = _mm256_mul_ps(r, x);
    z1 = _mm256_mul_ps(r, y);
}

// Lane mask for the first `n` (0..8) lanes, for masked loads/stores of row tails.
inline __m256i tail_mask(int n) {
    const __m256i lanes = _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7);
    return _mm256_cmpgt_epi32(_mm256_set1_epi32(n), lanes);
}
#endif

}  // namespace xbar::device::detail
