#pragma once
// Internal helpers shared by the device implementations.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <stdexcept>
#include <string>

#include "models/device/device_model.h"

namespace xbar::device::detail {

// update_cells(w, dw, n) is the rank-1 update of one row with a = 1: dw = 1 * dw[k] exactly.
// Chunks keep the per-column scratch of the kernels in L1.
inline std::uint64_t cells_via_rank1(DeviceModel& d, float* w, const float* dw, std::size_t n) {
    constexpr std::size_t kChunk = 4096;
    const float one = 1.f;
    std::uint64_t count = 0;
    for (std::size_t k = 0; k < n; k += kChunk) {
        const int m = static_cast<int>(std::min(kChunk, n - k));
        count += d.update_rank1(w + k, 1, m, m, &one, dw + k);
    }
    return count;
}

inline void check_block(int rows, int cols, std::ptrdiff_t ld) {
    if (rows > 1 && ld < cols)
        throw std::invalid_argument("device update: leading dimension " + std::to_string(ld) + " < cols " +
                                    std::to_string(cols));
}

inline void check_range(float w_min, float w_max, const char* who) {
    if (!(w_max > w_min) || !(w_max - w_min < 3.0e38f))
        throw std::invalid_argument(std::string(who) + ": need finite w_min < w_max, got [" +
                                    std::to_string(w_min) + ", " + std::to_string(w_max) + "]");
}

}  // namespace xbar::device::detail
