#pragma once
// Bulk random numbers for the device-update kernels: 16 independent xoshiro128++ lanes
// (Blackman & Vigna) stepped together, 16 values per step (limits.md §3b trick 4: 6 G u32/s on
// this machine class, against 13 ns per normal for std::normal_distribution + mt19937).
// A device owns one of these; same seed and same call sequence give bit-identical output.
#include <cstddef>
#include <cstdint>

namespace xbar::device {

class BulkRng {
public:
    static constexpr std::size_t kBlock = 16;  // values produced per step

    explicit BulkRng(std::uint64_t seed = 1);

    // All fills write round_up(n, kBlock) values: `out` must have room for them.
    void fill_u32(std::uint32_t* out, std::size_t n);
    // Uniform in [0, 1), 24-bit resolution.
    void fill_uniform(float* out, std::size_t n);
    // Standard normal: Box-Muller with a polynomial log and sin/cos; |z| <= 6.66.
    void fill_normal(float* out, std::size_t n);

    static constexpr std::size_t padded(std::size_t n) { return (n + kBlock - 1) / kBlock * kBlock; }

private:
    alignas(32) std::uint32_t m_s[4][kBlock];
};

}  // namespace xbar::device
