#pragma once
// The tile's digital unit: elementwise work between crossbar kernels during training —
// activation with its derivative, and scaling an error by a stored derivative. Values arrive and
// leave as sign-magnitude int8 codes; derivatives stay in the unit's own float store. Pure C++.
#include <cstdint>
#include <limits>
#include <vector>

#include "models/tile/regmap.h"

namespace xbar::du {

// The op and activation codes are the register map's (DU_OP, DU_ACT).
using Op = regmap::DuOp;
using Act = regmap::DuAct;
using regmap::OP_ACTIVATE;
using regmap::OP_SCALE_BY_DERIV;
using regmap::ACT_SIGMOID;
using regmap::ACT_TANH;
using regmap::ACT_RELU;
using regmap::ACT_IDENTITY;

struct Args {
    std::uint32_t op, act, n;
    const std::int8_t* src;  // n codes of bits_src; value = code / M_src * in_scale
    std::int8_t* dst;        // n codes of bits_dst
    std::int8_t* dst2;       // OP_SCALE_BY_DERIV: the same deltas again as bits_dst2 codes
    float* deriv;            // n stored derivatives
    float in_scale, out_scale;
    int bits_src, bits_dst, bits_dst2;
};

struct Result {
    float max_abs = 0;  // OP_SCALE_BY_DERIV: the normalization factor m (0 if all deltas are 0)
    bool ok = true;     // false: unknown op or activation
};

Result run(const Args& a);

// Cost model: `lanes` elementwise units at `clock_ns`, one op per element. The timing and energy
// are technology entries (digital_unit.*, platform/technology.h), unset (NaN) until applied.
struct Params {
    int lanes = 256;
    double clock_ns = std::numeric_limits<double>::quiet_NaN();
    double pipeline_ns = std::numeric_limits<double>::quiet_NaN();
    double energy_pj_per_element = std::numeric_limits<double>::quiet_NaN();
};
double latency_ns(const Params& p, std::uint32_t n);

}  // namespace xbar::du
