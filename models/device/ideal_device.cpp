// Ideal device: w + dw exactly (one float add), clamped to [w_min, w_max]. Zero rows skipped,
// 8 cells per step (GCC does not vectorize the scalar loop: mixed float / counter types).
#include <cmath>

#include "models/device/device_common.h"
#include "models/device/device_model.h"
#include "models/device/simd_math.h"

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
        for (int i = 0; i < rows; ++i) {
            const float ai = a[i];
            if (ai == 0.f) continue;  // limits.md §3b trick 1: work scales with nnz(a)
            count += row(w + i * ld, cols, b, ai);
        }
        return count;
    }

    std::uint64_t update_cells(float* w, const float* dw, std::size_t n) override {
        return detail::cells_via_rank1(*this, w, dw, n);
    }

private:
    std::uint64_t row(float* w, int cols, const float* b, float ai) const {
        std::uint64_t count = 0;
        int j = 0;
#ifdef XBAR_DEVICE_AVX2
        const __m256 vai = _mm256_set1_ps(ai), zero = _mm256_setzero_ps();
        const __m256 lo = _mm256_set1_ps(m_lo), hi = _mm256_set1_ps(m_hi);
        for (; j + 8 <= cols; j += 8) {
            const __m256 vw = _mm256_loadu_ps(w + j);
            const __m256 dw = _mm256_mul_ps(vai, _mm256_loadu_ps(b + j));
            const __m256 nz = _mm256_cmp_ps(dw, zero, _CMP_NEQ_UQ);
            const __m256 wn = _mm256_min_ps(_mm256_max_ps(_mm256_add_ps(vw, dw), lo), hi);
            _mm256_storeu_ps(w + j, _mm256_blendv_ps(vw, wn, nz));
            count += static_cast<unsigned>(__builtin_popcount(_mm256_movemask_ps(nz)));
        }
#endif
        for (; j < cols; ++j) {
            const float dw = ai * b[j];
            if (!(dw != 0.f)) continue;
            ++count;
            w[j] = std::fmin(std::fmax(w[j] + dw, m_lo), m_hi);
        }
        return count;
    }

    float m_lo, m_hi;
};

}  // namespace

std::unique_ptr<DeviceModel> make_ideal(float w_min, float w_max) {
    detail::check_range(w_min, w_max, "make_ideal");
    return std::make_unique<IdealDevice>(w_min, w_max);
}

}  // namespace xbar::device
