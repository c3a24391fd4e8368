#pragma once
// An on-tile SRAM buffer built from SRAM macros (the sram.* technology entries): how long an
// access of `bytes` takes and how many bits it reads or writes. Words interleave over the
// macros, which all access in parallel; an access moves whole words. No SystemC here.
#include <cmath>
#include <cstdint>
#include <limits>
#include <stdexcept>
#include <string>

namespace xbar::models {

struct SramMacro {
    double macro_bits = std::numeric_limits<double>::quiet_NaN();
    double word_bits = std::numeric_limits<double>::quiet_NaN();
    double access_ns = std::numeric_limits<double>::quiet_NaN();
    double read_fj_per_bit = std::numeric_limits<double>::quiet_NaN();
    double write_fj_per_bit = std::numeric_limits<double>::quiet_NaN();
    double macro_um2 = std::numeric_limits<double>::quiet_NaN();
};

class SramBuffer {
public:
    // Throws std::invalid_argument when a parameter is unset or not physical.
    SramBuffer(std::uint64_t bytes, const SramMacro& m) : m_bytes(bytes), m_m(m) {
        if (!(m.macro_bits > 0) || !(m.word_bits > 0) || m.word_bits > m.macro_bits || !(m.access_ns > 0) ||
            !(m.read_fj_per_bit >= 0) || !(m.write_fj_per_bit >= 0) || !(m.macro_um2 >= 0) || bytes == 0)
            throw std::invalid_argument("SRAM buffer: macro parameters unset or invalid (apply a technology file)");
        m_macros = std::ceil(double(bytes) * 8.0 / m.macro_bits);
    }
    double macros() const { return m_macros; }
    double area_um2() const { return m_macros * m_m.macro_um2; }
    // Bits the macros move for an access of `bytes` (whole words).
    double bits(std::uint64_t bytes) const { return words(bytes) * m_m.word_bits; }
    // Time of an access of `bytes`: the words spread over the macros, one access time per round.
    double access_ns(std::uint64_t bytes) const {
        return bytes ? std::ceil(words(bytes) / m_macros) * m_m.access_ns : 0.0;
    }
    double read_pj_per_bit() const { return m_m.read_fj_per_bit * 1e-3; }
    double write_pj_per_bit() const { return m_m.write_fj_per_bit * 1e-3; }
    std::uint64_t bytes() const { return m_bytes; }

private:
    double words(std::uint64_t bytes) const { return std::ceil(double(bytes) * 8.0 / m_m.word_bits); }
    std::uint64_t m_bytes;
    SramMacro m_m;
    double m_macros = 1;
};

}  // namespace xbar::models
