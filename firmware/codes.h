#pragma once
// Firmware-side helpers for the tile's data formats: the sign-magnitude int8 codes of the register
// map (regmap.h: value c / M of the full scale, M = 2^(bits-1) - 1), and a small seeded generator
// for test data.
#include <cstdint>

#include "models/tile/regmap.h"

namespace fw {

using xbar::regmap::code_max;
using xbar::regmap::to_code;

// xorshift64* — firmware's own generator (firmware links nothing from the models).
class FwRandom {
public:
    explicit FwRandom(std::uint64_t seed) : m_s(seed * 0x9E3779B97F4A7C15ull + 0x2545F4914F6CDD1Dull) {
        if (!m_s) m_s = 1;
    }
    std::uint64_t next() {
        m_s ^= m_s >> 12;
        m_s ^= m_s << 25;
        m_s ^= m_s >> 27;
        return m_s * 0x2545F4914F6CDD1Dull;
    }
    // Uniform in [-1, 1).
    double symmetric() { return double(next() >> 11) * (2.0 / 9007199254740992.0) - 1.0; }

private:
    std::uint64_t m_s;
};

}  // namespace fw
