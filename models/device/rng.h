#pragma once
// Seeded pseudo-random numbers for the device models. Every random draw in the simulator comes
// from one of these, seeded from the scenario seed, so a run is reproducible bit for bit.
#include <cstdint>

namespace xbar::device {

// SplitMix64: expands one 64-bit seed into well-mixed state words.
inline std::uint64_t splitmix64(std::uint64_t& state) {
    std::uint64_t z = (state += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

// xoshiro256** (Blackman & Vigna): a fast scalar generator for non-hot-path draws.
class Rng {
public:
    explicit Rng(std::uint64_t seed = 1);
    std::uint64_t next_u64();
    // Uniform in [0, 1) with 24 bits of resolution.
    float uniform();
    // Standard normal (Box-Muller, one value per call; the pair's second value is cached).
    float normal();
    // Derive an independent stream (e.g. one per tile or per core) from this seed and a tag.
    static std::uint64_t derive(std::uint64_t seed, std::uint64_t tag);

private:
    std::uint64_t m_s[4];
    bool m_has_spare = false;
    float m_spare = 0.f;
};

}  // namespace xbar::device
