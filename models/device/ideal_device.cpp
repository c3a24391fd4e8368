// Ideal device: w + dw exactly (one float add), clamped to [w_min, w_max].
#include <cmath>

#include "models/device/device_common.h"
#include "models/device/device_model.h"

namespace xbar::device {

namespace {

class IdealDevice final : public DeviceModel {
public:
    IdealDevice(float w_min, float w_max) : m_lo(w_min), m_hi(w_max) {}

    const char* kind() const override { return "ideal"; }
    float w_min() const override { return m_lo; }
    float w_max() const override { return m_hi; }

    std::uint64_t update_rank1(float* w, int rows, int cols, std::ptrdiff_t ld, const float* a,
                               const float* b) override {
        detail::check_block(rows, cols, ld);
        std::uint64_t count = 0;
        const float lo = m_lo, hi = m_hi;
        for (int i = 0; i < rows; ++i) {
            const float ai = a[i];
            if (ai == 0.f) continue;  // limits.md §3b trick 1: work scales with nnz(a)
            float* __restrict wr = w + i * ld;
            std::uint64_t c = 0;
            // Branch-free select; GCC vectorizes it with -fno-trapping-math (limits.md §3b trick 5).
            for (int j = 0; j < cols; ++j) {
                const float dw = ai * b[j];
                const float wn = std::fmin(std::fmax(wr[j] + dw, lo), hi);
                const bool nz = dw != 0.f;
                wr[j] = nz ? wn : wr[j];
                c += nz;
            }
            count += c;
        }
        return count;
    }

    std::uint64_t update_cells(float* w, const float* dw, std::size_t n) override {
        return detail::cells_via_rank1(*this, w, dw, n);
    }

private:
    float m_lo, m_hi;
};

}  // namespace

std::unique_ptr<DeviceModel> make_ideal(float w_min, float w_max) {
    detail::check_range(w_min, w_max, "make_ideal");
    return std::make_unique<IdealDevice>(w_min, w_max);
}

}  // namespace xbar::device
