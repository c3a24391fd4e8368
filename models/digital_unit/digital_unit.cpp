#include "models/digital_unit/digital_unit.h"

#include <algorithm>
#include <cmath>

namespace xbar::du {

namespace {
using regmap::code_max;
std::int8_t q(double v, int bits) { return regmap::to_code(v, bits); }
}  // namespace

Result run(const Args& a) {
    Result r;
    const double in = double(a.in_scale) / code_max(a.bits_src);
    if (a.op == OP_ACTIVATE) {
        for (std::uint32_t k = 0; k < a.n; ++k) {
            const double v = a.src[k] * in;
            double f, df;
            switch (a.act) {
                case ACT_SIGMOID: f = 1.0 / (1.0 + std::exp(-v)), df = f * (1.0 - f); break;
                case ACT_TANH: f = std::tanh(v), df = 1.0 - f * f; break;
                case ACT_RELU: f = v > 0 ? v : 0.0, df = v > 0 ? 1.0 : 0.0; break;
                case ACT_IDENTITY: f = v, df = 1.0; break;
                default: r.ok = false; return r;
            }
            a.dst[k] = q(f / a.out_scale, a.bits_dst);
            a.deriv[k] = float(df);
        }
        return r;
    }
    if (a.op == OP_SCALE_BY_DERIV) {
        double m = 0;
        for (std::uint32_t k = 0; k < a.n; ++k) m = std::max(m, std::abs(a.src[k] * in * a.deriv[k]));
        r.max_abs = float(m);
        for (std::uint32_t k = 0; k < a.n; ++k) {
            const double d = m > 0 ? a.src[k] * in * a.deriv[k] / m : 0.0;
            a.dst[k] = q(d, a.bits_dst);
            a.dst2[k] = q(d, a.bits_dst2);
        }
        return r;
    }
    r.ok = false;
    return r;
}

double latency_ns(const Params& p, std::uint32_t n) {
    return p.pipeline_ns + std::ceil(double(n) / p.lanes) * p.clock_ns;
}

}  // namespace xbar::du
