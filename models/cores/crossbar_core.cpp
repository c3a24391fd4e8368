#include "models/cores/crossbar_core.h"

#include <cmath>

namespace xbar::cores {

std::int8_t quantize(double v, int bits) {
    const int m = code_max(bits);
    if (!(v == v)) return 0;  // NaN carries no charge
    double c = std::round(v * m);  // std::round: half away from zero
    if (c > m) c = m;
    if (c < -m) c = -m;
    return static_cast<std::int8_t>(c);
}

}  // namespace xbar::cores
