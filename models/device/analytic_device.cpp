// Analytic device: CrossSim v2 nonlinear update + write noise (marinella2018.md §3.4; CrossSim
// cross_sim/xbar_simulator/cores/numeric_core.py, _compute_nonlinear_update / _compute_write_noise).
//
// Fast path (limits.md §3b): zero rows skipped; per-column terms (exp argument, sqrt|b_j|) are
// computed once per call; one branch-free 8-wide loop per row with an inline polynomial expm1;
// normals generated in bulk per row.
//
// Cancellation-free forms used by the kernels (algebraically equal to §3.4):
//   asymmetric: delta = dw/range; dw>0: D = (w0+w_min-w)(1-e^{-a delta}); dw<=0: D = (w_max-w0-w)(1-e^{a
//   delta}).
//     Both are D = base * (-expm1(-a |delta|)), base = (dw>0 ? w0+w_min : w_max-w0) - w.
//   symmetric: w_new = A/(1+E(A/y-1)) + B with y = w-B, E = e^{-2 a delta} = 1+em. Then
//     D = -em y q / (1 + em q), q = (A-y)/A = (C-w)/A, C = A+B (the upper fixed point).
#include <cmath>
#include <string>
#include <vector>

#include "models/device/bulk_rng.h"
#include "models/device/device_common.h"
#include "models/device/device_model.h"
#include "models/device/simd_math.h"

namespace xbar::device {

namespace {

// Below this alpha the nonlinear forms differ from linear by < 1e-7 relative (O(alpha)),
// under float resolution; the linear kernel is used instead.
constexpr float kLinearAlpha = 1e-7f;

enum class Form { linear, asymmetric, symmetric };

struct RowConsts {
    float ai, abs_ai, nsc;  // a_i, |a_i|, sigma_wn sqrt(range |a_i|)
    float p_pos, p_neg;     // asymmetric targets w0 + w_min, w_max - w0
    float sym_b, sym_c, sym_inv_a;
    float lo, hi;
};

// Scalar twin of the vector kernel (used without AVX2); same operations, same order.
template <Form F, bool Noise>
std::uint64_t row_scalar(float* w, int cols, const float* b, const float* ce, const float* sq, const float* z,
                         const RowConsts& k) {
    std::uint64_t count = 0;
    for (int j = 0; j < cols; ++j) {
        const float dw = k.ai * b[j];
        if (!(dw != 0.f)) continue;
        ++count;
        const float wj = w[j];
        float wn;
        if constexpr (F == Form::linear) {
            wn = wj + dw;
        } else if constexpr (F == Form::asymmetric) {
            const float em = detail::expm1_poly(ce[j] * k.abs_ai);
            const float base = (dw > 0.f ? k.p_pos : k.p_neg) - wj;
            wn = std::fma(-base, em, wj);
        } else {
            const float em = detail::expm1_poly(ce[j] * k.ai);
            const float y = wj - k.sym_b;
            const float q = (k.sym_c - wj) * k.sym_inv_a;
            wn = wj - (em * y * q) / std::fma(em, q, 1.f);
        }
        if constexpr (Noise) wn = std::fma(k.nsc * sq[j], z[j], wn);
        w[j] = std::fmin(std::fmax(wn, k.lo), k.hi);
    }
    return count;
}

#ifdef XBAR_DEVICE_AVX2
template <Form F, bool Noise>
inline __m256 cell8(__m256 vw, __m256 dw, const float* ce, const float* sq, const float* z,
                    const RowConsts& k) {
    __m256 wn;
    if constexpr (F == Form::linear) {
        wn = _mm256_add_ps(vw, dw);
    } else if constexpr (F == Form::asymmetric) {
        const __m256 em = detail::expm1_ps(_mm256_mul_ps(_mm256_loadu_ps(ce), _mm256_set1_ps(k.abs_ai)));
        const __m256 pos = _mm256_cmp_ps(dw, _mm256_setzero_ps(), _CMP_GT_OQ);
        const __m256 base =
            _mm256_sub_ps(_mm256_blendv_ps(_mm256_set1_ps(k.p_neg), _mm256_set1_ps(k.p_pos), pos), vw);
        wn = _mm256_fnmadd_ps(base, em, vw);
    } else {
        const __m256 em = detail::expm1_ps(_mm256_mul_ps(_mm256_loadu_ps(ce), _mm256_set1_ps(k.ai)));
        const __m256 y = _mm256_sub_ps(vw, _mm256_set1_ps(k.sym_b));
        const __m256 q =
            _mm256_mul_ps(_mm256_sub_ps(_mm256_set1_ps(k.sym_c), vw), _mm256_set1_ps(k.sym_inv_a));
        const __m256 num = _mm256_mul_ps(_mm256_mul_ps(em, y), q);
        wn = _mm256_sub_ps(vw, _mm256_div_ps(num, _mm256_fmadd_ps(em, q, _mm256_set1_ps(1.f))));
    }
    if constexpr (Noise)
        wn = _mm256_fmadd_ps(_mm256_mul_ps(_mm256_set1_ps(k.nsc), _mm256_loadu_ps(sq)), _mm256_loadu_ps(z),
                             wn);
    return _mm256_min_ps(_mm256_max_ps(wn, _mm256_set1_ps(k.lo)), _mm256_set1_ps(k.hi));
}

template <Form F, bool Noise>
std::uint64_t row_avx2(float* w, int cols, const float* b, const float* ce, const float* sq, const float* z,
                       const RowConsts& k) {
    const __m256 vai = _mm256_set1_ps(k.ai);
    const __m256 zero = _mm256_setzero_ps();
    std::uint64_t count = 0;
    int j = 0;
    for (; j + 8 <= cols; j += 8) {
        const __m256 vw = _mm256_loadu_ps(w + j);
        const __m256 dw = _mm256_mul_ps(vai, _mm256_loadu_ps(b + j));
        const __m256 nz = _mm256_cmp_ps(dw, zero, _CMP_NEQ_UQ);
        const __m256 wn = cell8<F, Noise>(vw, dw, ce + j, sq + j, z + j, k);
        _mm256_storeu_ps(w + j, _mm256_blendv_ps(vw, wn, nz));
        count += static_cast<unsigned>(__builtin_popcount(_mm256_movemask_ps(nz)));
    }
    if (j < cols) {  // masked tail; scratch arrays are zero-padded, w and b are not
        const __m256i m = detail::tail_mask(cols - j);
        const __m256 vw = _mm256_maskload_ps(w + j, m);
        const __m256 dw = _mm256_mul_ps(vai, _mm256_maskload_ps(b + j, m));
        const __m256 nz = _mm256_and_ps(_mm256_cmp_ps(dw, zero, _CMP_NEQ_UQ), _mm256_castsi256_ps(m));
        const __m256 wn = cell8<F, Noise>(vw, dw, ce + j, sq + j, z + j, k);
        _mm256_maskstore_ps(w + j, m, _mm256_blendv_ps(vw, wn, nz));
        count += static_cast<unsigned>(__builtin_popcount(_mm256_movemask_ps(nz)));
    }
    return count;
}
#endif

template <Form F, bool Noise>
std::uint64_t run_row(float* w, int cols, const float* b, const float* ce, const float* sq, const float* z,
                      const RowConsts& k) {
#ifdef XBAR_DEVICE_AVX2
    return row_avx2<F, Noise>(w, cols, b, ce, sq, z, k);
#else
    return row_scalar<F, Noise>(w, cols, b, ce, sq, z, k);
#endif
}

class AnalyticDevice final : public DeviceModel {
public:
    AnalyticDevice(const AnalyticParams& p, std::uint64_t seed) : m_p(p), m_rng(seed) {
        const double range = static_cast<double>(p.w_max) - p.w_min;
        const double alpha = p.alpha;
        m_k.lo = p.w_min;
        m_k.hi = p.w_max;
        m_noise = static_cast<float>(p.write_noise * std::sqrt(range));
        if (p.alpha < kLinearAlpha) {
            m_form = Form::linear;
        } else if (!p.symmetric) {
            m_form = Form::asymmetric;
            const double w0 = range / -std::expm1(-alpha);  // (w_max-w_min)/(1-e^-alpha)
            m_k.p_pos = static_cast<float>(w0 + p.w_min);
            m_k.p_neg = static_cast<float>(p.w_max - w0);
            m_col_scale = static_cast<float>(-alpha / range);  // times |a_i b_j| = -alpha |delta|
        } else {
            m_form = Form::symmetric;
            const double em1 = std::expm1(alpha);  // e^alpha - 1
            const double a = range * (em1 + 2.0) / em1;
            const double bb = -range / em1 + p.w_min;
            m_k.sym_b = static_cast<float>(bb);
            m_k.sym_c = static_cast<float>(a + bb);
            m_k.sym_inv_a = static_cast<float>(1.0 / a);
            m_col_scale = static_cast<float>(-2.0 * alpha / range);  // times a_i b_j = -2 alpha delta
        }
    }

    const char* kind() const override { return "analytic"; }
    float w_min() const override { return m_p.w_min; }
    float w_max() const override { return m_p.w_max; }

    std::uint64_t update_rank1(float* w, int rows, int cols, std::ptrdiff_t ld, const float* a,
                               const float* b) override {
        detail::check_block(rows, cols, ld);
        if (rows <= 0 || cols <= 0) return 0;
        const bool noise = m_noise > 0.f;
        const std::size_t padded = BulkRng::padded(static_cast<std::size_t>(cols));
        if (m_ce.size() < padded) {
            m_ce.assign(padded, 0.f);
            m_sq.assign(padded, 0.f);
            m_z.assign(padded, 0.f);
        }
        // Per-column terms, once per call (limits.md §3b trick 2). Padding stays zero.
        for (int j = 0; j < cols; ++j) {
            const float bj = b[j];
            m_ce[j] = m_form == Form::symmetric ? m_col_scale * bj : m_col_scale * std::fabs(bj);
            m_sq[j] = std::sqrt(std::fabs(bj));
        }
        for (std::size_t j = static_cast<std::size_t>(cols); j < padded; ++j) m_ce[j] = m_sq[j] = 0.f;

        std::uint64_t count = 0;
        for (int i = 0; i < rows; ++i) {
            const float ai = a[i];
            if (ai == 0.f) continue;
            RowConsts k = m_k;
            k.ai = ai;
            k.abs_ai = std::fabs(ai);
            k.nsc = m_noise * std::sqrt(k.abs_ai);
            if (noise) m_rng.fill_normal(m_z.data(), static_cast<std::size_t>(cols));
            float* wr = w + i * ld;
            count += dispatch(noise, wr, cols, b, k);
        }
        return count;
    }

    std::uint64_t update_cells(float* w, const float* dw, std::size_t n) override {
        return detail::cells_via_rank1(*this, w, dw, n);
    }

private:
    std::uint64_t dispatch(bool noise, float* wr, int cols, const float* b, const RowConsts& k) {
        const float *ce = m_ce.data(), *sq = m_sq.data(), *z = m_z.data();
        switch (m_form) {
            case Form::linear:
                return noise ? run_row<Form::linear, true>(wr, cols, b, ce, sq, z, k)
                             : run_row<Form::linear, false>(wr, cols, b, ce, sq, z, k);
            case Form::asymmetric:
                return noise ? run_row<Form::asymmetric, true>(wr, cols, b, ce, sq, z, k)
                             : run_row<Form::asymmetric, false>(wr, cols, b, ce, sq, z, k);
            case Form::symmetric:
                return noise ? run_row<Form::symmetric, true>(wr, cols, b, ce, sq, z, k)
                             : run_row<Form::symmetric, false>(wr, cols, b, ce, sq, z, k);
        }
        return 0;
    }

    AnalyticParams m_p;
    Form m_form = Form::linear;
    RowConsts m_k{};
    float m_col_scale = 0.f;
    float m_noise = 0.f;  // sigma_wn sqrt(range)
    BulkRng m_rng;
    std::vector<float> m_ce, m_sq, m_z;
};

void check_params(const AnalyticParams& p) {
    detail::check_range(p.w_min, p.w_max, "make_analytic");
    if (!(p.alpha >= 0.f) || !std::isfinite(p.alpha) || p.alpha > 80.f)
        throw std::invalid_argument("make_analytic: alpha must be in [0, 80], got " +
                                    std::to_string(p.alpha));
    if (!(p.write_noise >= 0.f) || !std::isfinite(p.write_noise))
        throw std::invalid_argument("make_analytic: write_noise must be finite and >= 0, got " +
                                    std::to_string(p.write_noise));
}

}  // namespace

std::unique_ptr<DeviceModel> make_analytic(const AnalyticParams& p, std::uint64_t seed) {
    check_params(p);
    return std::make_unique<AnalyticDevice>(p, seed);
}

double analytic_delta(const AnalyticParams& p, double w, double dw) {
    check_params(p);
    const double range = static_cast<double>(p.w_max) - p.w_min;
    const double alpha = p.alpha;
    if (alpha == 0.0 || dw == 0.0) return dw;
    const double delta = dw / range;
    if (!p.symmetric) {
        const double w0 = range / -std::expm1(-alpha);
        return delta > 0 ? (w0 + p.w_min - w) * -std::expm1(-alpha * delta)
                         : (p.w_max - w0 - w) * -std::expm1(alpha * delta);
    }
    const double em1 = std::expm1(alpha);
    const double a = range * (em1 + 2.0) / em1;
    const double b = -range / em1 + p.w_min;
    const double y = w - b;
    const double em = std::expm1(-2.0 * alpha * delta);
    const double q = (a - y) / a;
    return -em * y * q / (1.0 + em * q);
}

}  // namespace xbar::device
