#include "models/device/rng.h"

#include <cmath>

namespace xbar::device {

namespace {
inline std::uint64_t rotl(std::uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }
}  // namespace

Rng::Rng(std::uint64_t seed) {
    std::uint64_t sm = seed;
    for (auto& s : m_s) s = splitmix64(sm);
}

std::uint64_t Rng::next_u64() {
    const std::uint64_t result = rotl(m_s[1] * 5, 7) * 9;
    const std::uint64_t t = m_s[1] << 17;
    m_s[2] ^= m_s[0];
    m_s[3] ^= m_s[1];
    m_s[1] ^= m_s[2];
    m_s[0] ^= m_s[3];
    m_s[2] ^= t;
    m_s[3] = rotl(m_s[3], 45);
    return result;
}

float Rng::uniform() { return static_cast<float>(next_u64() >> 40) * (1.0f / 16777216.0f); }

float Rng::normal() {
    if (m_has_spare) {
        m_has_spare = false;
        return m_spare;
    }
    // u1 in (0, 1]: never log(0).
    const double u1 = (static_cast<double>(next_u64() >> 11) + 1.0) * (1.0 / 9007199254740992.0);
    const double u2 = static_cast<double>(next_u64() >> 11) * (1.0 / 9007199254740992.0);
    const double r = std::sqrt(-2.0 * std::log(u1));
    const double a = 6.283185307179586 * u2;
    m_spare = static_cast<float>(r * std::sin(a));
    m_has_spare = true;
    return static_cast<float>(r * std::cos(a));
}

std::uint64_t Rng::derive(std::uint64_t seed, std::uint64_t tag) {
    std::uint64_t s = seed ^ (tag * 0xD1B54A32D192ED03ull);
    splitmix64(s);
    return splitmix64(s);
}

}  // namespace xbar::device
