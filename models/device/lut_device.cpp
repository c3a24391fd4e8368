// Lookup-table device (measured dG statistics, marinella2018.md §3.3).
//
// Semantics follow CrossSim v2 (cross_sim/xbar_simulator/parameters/numeric_params.py,
// dGLookupParams.manual_post_set / compute_update), except where noted:
//  - Mapping: the [Gmin_relative, Gmax_relative] part of the table's G span maps linearly onto
//    [w_min, w_max]; weights are clipped at the full span (CrossSim weight_clipping = w_vec[0..-1]).
//  - Per-bin mean mu(G) and the CrossSim pulse size ave_dw_inc/dec = mean of mu over the bins
//    nearest to the targeted Gmin..Gmax (inclusive). CrossSim weights rows by diff(CDF) (a left
//    Riemann sum); here every mean uses the probabilities the sampler actually realises
//    (nearest_point_weights), so the noise term below has exactly zero mean.
//  - scaled mode (CrossSim compute_update): s = dw / ave_dw_dir, actual = s mu(G) + sqrt(s) (dG - mu(G))
//    ("scale error, assuming sigma^2 adds"), dG drawn at the G bin nearest the cell's G and the CDF
//    row nearest u ~ U(0,1). CrossSim rounds to the nearest bin/row only on uniform grids and
//    interpolates linearly otherwise; here nearest point always. On a non-uniform CDF grid the row is
//    drawn with exactly the nearest-point probabilities by Walker's alias method (two L1 gathers).
//  - pulses mode (not in CrossSim): n = floor(|dw|/dw_pulse + u0) pulses, capped at max_pulses, each
//    a fresh draw at the current G, clipped after each pulse.
//
// Fast path (limits.md §4): zero rows skipped, uniforms in bulk per row, AVX2 gathers from one
// table holding both directions, masked so zero-request cells do not touch the table.
#include <algorithm>
#include <cmath>
#include <limits>
#include <string>
#include <vector>

#include "models/device/bulk_rng.h"
#include "models/device/device_common.h"
#include "models/device/device_model.h"
#include "models/device/lookup_table.h"
#include "models/device/lut_internal.h"
#include "models/device/simd_math.h"

namespace xbar::device {

namespace {

// Index of the nearest of n increasing points, for float x. Uniform grids (CrossSim's own test:
// step spread < max step / 1e4) use round((x - x0)/step); others a guide table over K buckets plus
// up to `extra` forward steps over the midpoints (mid padded with +inf so the index stops at n-1).
struct Axis {
    int n = 0;
    bool uniform = true;
    float x0 = 0.f, inv_step = 0.f, top = 0.f;  // uniform: top = n - 1 (float)
    float lo = 0.f, scale = 0.f, kmax = 0.f;    // guided
    int extra = 0;
    std::vector<std::int32_t> guide;
    std::vector<float> mid;

    // CrossSim's uniformity test (numeric_params.py): spread of the steps < largest step / 1e4.
    static bool is_uniform(const std::vector<double>& pts) {
        if (pts.size() < 3) return true;
        double smin = pts[1] - pts[0], smax = smin;
        for (std::size_t k = 1; k + 1 < pts.size(); ++k) {
            smin = std::min(smin, pts[k + 1] - pts[k]);
            smax = std::max(smax, pts[k + 1] - pts[k]);
        }
        return (smax - smin) < smax / 1e4;
    }

    void build_uniform(const std::vector<double>& pts) {
        n = static_cast<int>(pts.size());
        x0 = static_cast<float>(pts[0]);
        top = static_cast<float>(n - 1);
        inv_step = n > 1 ? static_cast<float>((n - 1) / (pts[n - 1] - pts[0])) : 0.f;
    }

    void build(const std::vector<double>& pts) {
        build_uniform(pts);
        uniform = is_uniform(pts);
        if (uniform) return;

        mid.assign(static_cast<std::size_t>(n), std::numeric_limits<float>::infinity());
        for (int k = 0; k + 1 < n; ++k) mid[k] = static_cast<float>(0.5 * (pts[k] + pts[k + 1]));
        // count of midpoints <= x (the exact nearest-point index for float x)
        auto index_of = [&](double x) {
            return static_cast<int>(
                std::upper_bound(mid.begin(), mid.end() - 1, x, [](double v, float m) { return v < m; }) -
                mid.begin());
        };
        const double span = pts[n - 1] - pts[0];
        for (int k = 16;; k *= 2) {
            const double width = span / k;
            std::vector<std::int32_t> g(static_cast<std::size_t>(k));
            int worst = 0;
            // Half-bucket margins on both sides absorb float rounding of the runtime bucket.
            for (int b = 0; b < k; ++b) {
                g[b] = index_of(pts[0] + (b - 0.5) * width);
                worst = std::max(worst, index_of(pts[0] + (b + 1.5) * width) - g[b]);
            }
            if (worst <= 3 || k >= (1 << 14)) {
                guide = std::move(g);
                extra = worst;
                lo = x0;
                scale = static_cast<float>(k / span);
                kmax = static_cast<float>(k - 1);
                return;
            }
        }
    }

    int index(float x) const {
        if (uniform) {
            const float f = std::fmin(std::fmax((x - x0) * inv_step + 0.5f, 0.f), top);
            return static_cast<int>(f);
        }
        const float f = std::fmin(std::fmax((x - lo) * scale, 0.f), kmax);
        int i = guide[static_cast<std::size_t>(f)];
        for (int e = 0; e < extra; ++e) i += mid[i] <= x;
        return i;
    }

#ifdef XBAR_DEVICE_AVX2
    __m256i index8(__m256 x) const {
        if (uniform) {
            const __m256 f = _mm256_fmadd_ps(_mm256_sub_ps(x, _mm256_set1_ps(x0)), _mm256_set1_ps(inv_step),
                                             _mm256_set1_ps(0.5f));
            return _mm256_cvttps_epi32(
                _mm256_min_ps(_mm256_max_ps(f, _mm256_setzero_ps()), _mm256_set1_ps(top)));
        }
        const __m256 f = _mm256_mul_ps(_mm256_sub_ps(x, _mm256_set1_ps(lo)), _mm256_set1_ps(scale));
        __m256i i = _mm256_i32gather_epi32(
            guide.data(),
            _mm256_cvttps_epi32(_mm256_min_ps(_mm256_max_ps(f, _mm256_setzero_ps()), _mm256_set1_ps(kmax))),
            4);
        for (int e = 0; e < extra; ++e) {
            const __m256 m = _mm256_i32gather_ps(mid.data(), i, 4);
            i = _mm256_sub_epi32(i, _mm256_castps_si256(_mm256_cmp_ps(m, x, _CMP_LE_OQ)));
        }
        return i;
    }
#endif
};

// CDF row for u ~ U(0,1). Uniform CDF grid: round(u (n-1)) as CrossSim. Otherwise Walker's alias
// method (Vose's construction) with the nearest-point probabilities: k = floor(u n),
// row = frac(u n) < prob[k] ? k : alias[k].
struct RowSampler {
    int n = 0;
    bool uniform = true;
    float x0 = 0.f, inv_step = 0.f, top = 0.f;  // uniform
    float fn = 0.f, kmax = 0.f;                 // alias
    std::vector<float> prob;
    std::vector<std::int32_t> alias;

    void build(const std::vector<double>& cdf) {
        Axis a;
        a.build_uniform(cdf);
        n = a.n;
        x0 = a.x0;
        inv_step = a.inv_step;
        top = a.top;
        uniform = Axis::is_uniform(cdf);
        if (uniform) return;
        const std::vector<double> p = detail::nearest_point_weights(cdf);
        std::vector<double> q(static_cast<std::size_t>(n));
        std::vector<int> small, large;
        for (int k = 0; k < n; ++k) {
            q[k] = p[k] * n;
            (q[k] < 1.0 ? small : large).push_back(k);
        }
        prob.assign(static_cast<std::size_t>(n), 1.f);
        alias.resize(static_cast<std::size_t>(n));
        for (int k = 0; k < n; ++k) alias[k] = k;
        while (!small.empty() && !large.empty()) {
            const int sm = small.back(), lg = large.back();
            small.pop_back();
            prob[sm] = static_cast<float>(q[sm]);
            alias[sm] = lg;
            q[lg] -= 1.0 - q[sm];
            if (q[lg] < 1.0) {
                large.pop_back();
                small.push_back(lg);
            }
        }
        fn = static_cast<float>(n);
        kmax = static_cast<float>(n - 1);
    }

    int row(float u) const {
        if (uniform) return static_cast<int>(std::fmin(std::fmax((u - x0) * inv_step + 0.5f, 0.f), top));
        const float x = u * fn;
        const float kf = std::fmin(std::floor(x), kmax);
        const int k = static_cast<int>(kf);
        return x - kf < prob[k] ? k : alias[k];
    }
};

#ifdef XBAR_DEVICE_AVX2
struct Out8 {
    __m256 res, nz;  // new weights, nonzero-request lanes
};
#endif

class LutDevice final : public DeviceModel {
public:
    LutDevice(const LookupTable& inc, const LookupTable& dec, const LutMapping& m, std::uint64_t seed)
        : m_map(m), m_rng(seed) {
        const int nb = inc.n_bins(), nc = inc.n_cdf();
        m_nb = nb;
        m_nc = nc;
        const double g0 = inc.g_bins.front(), g1 = inc.g_bins.back(), span = g1 - g0;
        const double glo = g0 + span * m.g_min_relative, ghi = g0 + span * m.g_max_relative;
        const double w_per_g = (static_cast<double>(m.w_max) - m.w_min) / (ghi - glo);
        auto w_of = [&](double g) { return m.w_min + (g - glo) * w_per_g; };
        m_clip_lo = static_cast<float>(w_of(g0));
        m_clip_hi = static_cast<float>(w_of(g1));
        std::vector<double> wb(static_cast<std::size_t>(nb));
        for (int i = 0; i < nb; ++i) wb[i] = w_of(inc.g_bins[i]);
        m_gaxis.build(wb);
        m_rows.build(inc.cdf);

        // Per-bin means (weight units) with the sampler's row probabilities.
        const std::vector<double> pr = detail::nearest_point_weights(inc.cdf);
        std::vector<double> mu[2];
        const LookupTable* tabs[2] = {&dec, &inc};
        for (int d = 0; d < 2; ++d) {
            mu[d].assign(static_cast<std::size_t>(nb), 0.0);
            for (int r = 0; r < nc; ++r)
                for (int i = 0; i < nb; ++i) mu[d][i] += pr[r] * tabs[d]->dG(r, i) * w_per_g;
        }
        // Targeted bins: nearest to Gmin and Gmax, inclusive (CrossSim idx_min / idx_max).
        auto nearest_bin = [&](double g) {
            int best = 0;
            for (int i = 1; i < nb; ++i)
                if (std::fabs(inc.g_bins[i] - g) < std::fabs(inc.g_bins[best] - g)) best = i;
            return best;
        };
        const int i0 = nearest_bin(glo), i1 = nearest_bin(ghi);
        double ave[2] = {0.0, 0.0};
        for (int d = 0; d < 2; ++d) {
            for (int i = i0; i <= i1; ++i) ave[d] += mu[d][i];
            ave[d] /= (i1 - i0 + 1);
        }
        // make_lut has checked the pair (check_lut_pair): ave[1] > 0 > ave[0].
        const double pulse[2] = {m.dw_pulse > 0.f ? m.dw_pulse : -ave[0],
                                 m.dw_pulse > 0.f ? m.dw_pulse : ave[1]};
        for (int d = 0; d < 2; ++d) {
            m_pulse[d] = static_cast<float>(pulse[d]);
            m_inv_pulse[d] = static_cast<float>(1.0 / pulse[d]);
            m_isq_pulse[d] = static_cast<float>(1.0 / std::sqrt(pulse[d]));
        }

        // One table for both directions: [dir][row][bin], dir 0 = decreasing, 1 = increasing.
        // scaled mode stores the noise dG - mu (weight units), pulses mode the raw dG.
        const std::size_t per = static_cast<std::size_t>(nb) * nc;
        m_tab.resize(2 * per);
        m_mu.resize(2 * static_cast<std::size_t>(nb));
        for (int d = 0; d < 2; ++d) {
            for (int i = 0; i < nb; ++i) m_mu[d * nb + i] = static_cast<float>(mu[d][i]);
            for (int r = 0; r < nc; ++r)
                for (int i = 0; i < nb; ++i) {
                    const double v = tabs[d]->dG(r, i) * w_per_g;
                    m_tab[d * per + static_cast<std::size_t>(r) * nb + i] =
                        static_cast<float>(m.mode == LutUpdateMode::scaled ? v - mu[d][i] : v);
                }
        }
        m_dir_off = static_cast<std::int32_t>(per);
    }

    const char* kind() const override { return "lut"; }
    float w_min() const override { return m_map.w_min; }
    float w_max() const override { return m_map.w_max; }
    float w_clip_min() const override { return m_clip_lo; }
    float w_clip_max() const override { return m_clip_hi; }

    std::uint64_t update_rank1(float* w, int rows, int cols, std::ptrdiff_t ld, const float* a,
                               const float* b) override {
        detail::check_block(rows, cols, ld);
        if (rows <= 0 || cols <= 0) return 0;
        const std::size_t padded = BulkRng::padded(static_cast<std::size_t>(cols));
        if (m_u.size() < padded) {
            m_u.assign(padded, 0.f);
            m_sqb.assign(padded, 0.f);
        }
        const bool scaled = m_map.mode == LutUpdateMode::scaled;
        if (scaled)
            for (int j = 0; j < cols; ++j) m_sqb[j] = std::sqrt(std::fabs(b[j]));
        std::uint64_t count = 0;
        for (int i = 0; i < rows; ++i) {
            const float ai = a[i];
            if (ai == 0.f) continue;
            m_rng.fill_uniform(m_u.data(), static_cast<std::size_t>(cols));
            float* wr = w + i * ld;
            const int variant = (m_gaxis.uniform ? 2 : 0) + (m_rows.uniform ? 1 : 0);
            switch (variant + (scaled ? 0 : 4)) {
                case 3:
                    count += row_scaled<true, true>(wr, cols, b, ai);
                    break;
                case 2:
                    count += row_scaled<true, false>(wr, cols, b, ai);
                    break;
                case 1:
                    count += row_scaled<false, true>(wr, cols, b, ai);
                    break;
                case 0:
                    count += row_scaled<false, false>(wr, cols, b, ai);
                    break;
                case 7:
                    count += row_pulses<true, true>(wr, cols, b, ai);
                    break;
                case 6:
                    count += row_pulses<true, false>(wr, cols, b, ai);
                    break;
                case 5:
                    count += row_pulses<false, true>(wr, cols, b, ai);
                    break;
                default:
                    count += row_pulses<false, false>(wr, cols, b, ai);
                    break;
            }
        }
        return count;
    }

    std::uint64_t update_cells(float* w, const float* dw, std::size_t n) override {
        return detail::cells_via_rank1(*this, w, dw, n);
    }

private:
    // UG: uniform G bins, UC: uniform CDF points (compile-time so the common case has no branches).
    template <bool UG, bool UC>
    std::uint64_t row_scaled(float* w, int cols, const float* b, float ai) {
        const float sqa = std::sqrt(std::fabs(ai));
        std::uint64_t count = 0;
        int j = 0;
#ifdef XBAR_DEVICE_AVX2
        const __m256 vai = _mm256_set1_ps(ai), zero = _mm256_setzero_ps();
        const __m256 absmask = _mm256_castsi256_ps(_mm256_set1_epi32(0x7FFFFFFF));
        const __m256 inv_dec = _mm256_set1_ps(m_inv_pulse[0]), inv_inc = _mm256_set1_ps(m_inv_pulse[1]);
        const __m256 isq_dec = _mm256_set1_ps(sqa * m_isq_pulse[0]),
                     isq_inc = _mm256_set1_ps(sqa * m_isq_pulse[1]);
        const __m256 clo = _mm256_set1_ps(m_clip_lo), chi = _mm256_set1_ps(m_clip_hi);
        const __m256i nb = _mm256_set1_epi32(m_nb), off = _mm256_set1_epi32(m_dir_off);
        const float* tab = m_tab.data();
        const float* mu = m_mu.data();
        auto cell8 = [&](__m256 vw, __m256 vb, int jj, __m256 lanes) -> Out8 {
            const __m256 dw = _mm256_mul_ps(vai, vb);
            const __m256 nz = _mm256_and_ps(_mm256_cmp_ps(dw, zero, _CMP_NEQ_UQ), lanes);
            const __m256 pos = _mm256_cmp_ps(dw, zero, _CMP_GT_OQ);
            const __m256 s =
                _mm256_mul_ps(_mm256_and_ps(dw, absmask), _mm256_blendv_ps(inv_dec, inv_inc, pos));
            const __m256 rs =
                _mm256_mul_ps(_mm256_loadu_ps(m_sqb.data() + jj), _mm256_blendv_ps(isq_dec, isq_inc, pos));
            const __m256i bin = bins8<UG>(vw);
            const __m256i row = rows8<UC>(_mm256_loadu_ps(m_u.data() + jj));
            const __m256i posi = _mm256_castps_si256(pos);
            const __m256i ib = _mm256_add_epi32(_mm256_and_si256(posi, nb), bin);
            const __m256i it = _mm256_add_epi32(_mm256_add_epi32(_mm256_and_si256(posi, off), bin),
                                                _mm256_mullo_epi32(row, nb));
            const __m256 e = _mm256_mask_i32gather_ps(zero, tab, it, nz, 4);
            const __m256 m = _mm256_mask_i32gather_ps(zero, mu, ib, nz, 4);
            __m256 wn = _mm256_fmadd_ps(rs, e, _mm256_fmadd_ps(s, m, vw));
            wn = _mm256_min_ps(_mm256_max_ps(wn, clo), chi);
            return {_mm256_blendv_ps(vw, wn, nz), nz};
        };
        const __m256 all = _mm256_castsi256_ps(_mm256_set1_epi32(-1));
        for (; j + 8 <= cols; j += 8) {
            const __m256 vw = _mm256_loadu_ps(w + j);
            const auto [res, nz] = cell8(vw, _mm256_loadu_ps(b + j), j, all);
            _mm256_storeu_ps(w + j, res);
            count += static_cast<unsigned>(__builtin_popcount(_mm256_movemask_ps(nz)));
        }
        if (j < cols) {
            const __m256i mk = detail::tail_mask(cols - j);
            const __m256 vw = _mm256_maskload_ps(w + j, mk);
            const auto [res, nz] = cell8(vw, _mm256_maskload_ps(b + j, mk), j, _mm256_castsi256_ps(mk));
            _mm256_maskstore_ps(w + j, mk, res);
            count += static_cast<unsigned>(__builtin_popcount(_mm256_movemask_ps(nz)));
        }
#else
        (void)sqa;
        for (; j < cols; ++j) {
            const float dw = ai * b[j];
            if (!(dw != 0.f)) continue;
            ++count;
            const int d = dw > 0.f;
            const float s = std::fabs(dw) * m_inv_pulse[d];
            const float rs = m_sqb[j] * (sqa * m_isq_pulse[d]);
            const int bin = m_gaxis.index(w[j]);
            const int row = m_rows.row(m_u[j]);
            const float e =
                m_tab[d * static_cast<std::size_t>(m_dir_off) + static_cast<std::size_t>(row) * m_nb + bin];
            const float wn = std::fma(rs, e, std::fma(s, m_mu[d * m_nb + bin], w[j]));
            w[j] = std::fmin(std::fmax(wn, m_clip_lo), m_clip_hi);
        }
#endif
        return count;
    }

    template <bool UG, bool UC>
    std::uint64_t row_pulses(float* w, int cols, const float* b, float ai) {
        std::uint64_t count = 0;
        const float maxp = static_cast<float>(m_map.max_pulses);
        int j = 0;
#ifdef XBAR_DEVICE_AVX2
        const __m256 vai = _mm256_set1_ps(ai), zero = _mm256_setzero_ps();
        const __m256 absmask = _mm256_castsi256_ps(_mm256_set1_epi32(0x7FFFFFFF));
        const __m256 inv_dec = _mm256_set1_ps(m_inv_pulse[0]), inv_inc = _mm256_set1_ps(m_inv_pulse[1]);
        const __m256 clo = _mm256_set1_ps(m_clip_lo), chi = _mm256_set1_ps(m_clip_hi);
        const __m256i nb = _mm256_set1_epi32(m_nb), off = _mm256_set1_epi32(m_dir_off);
        const float* tab = m_tab.data();
        auto cell8 = [&](__m256 vw, __m256 vb, int jj, __m256 lanes) -> Out8 {
            const __m256 dw = _mm256_mul_ps(vai, vb);
            const __m256 nz = _mm256_and_ps(_mm256_cmp_ps(dw, zero, _CMP_NEQ_UQ), lanes);
            const __m256 pos = _mm256_cmp_ps(dw, zero, _CMP_GT_OQ);
            const __m256 r =
                _mm256_mul_ps(_mm256_and_ps(dw, absmask), _mm256_blendv_ps(inv_dec, inv_inc, pos));
            // stochastic rounding: floor(r + u0), capped; zero-request lanes get 0 pulses
            __m256 nf = _mm256_floor_ps(_mm256_add_ps(r, _mm256_loadu_ps(m_u.data() + jj)));
            nf = _mm256_and_ps(_mm256_min_ps(nf, _mm256_set1_ps(maxp)), nz);
            const __m256i n = _mm256_cvttps_epi32(nf);
            const __m256i dir = _mm256_and_si256(_mm256_castps_si256(pos), off);
            for (int k = 0;; ++k) {
                const __m256i act = _mm256_cmpgt_epi32(n, _mm256_set1_epi32(k));
                if (_mm256_testz_si256(act, act)) break;
                const __m256 u = _mm256_loadu_ps(next_pulse_uniforms8());
                const __m256i bin = bins8<UG>(vw);
                const __m256i row = rows8<UC>(u);
                const __m256i it = _mm256_add_epi32(_mm256_add_epi32(dir, bin), _mm256_mullo_epi32(row, nb));
                const __m256 actf = _mm256_castsi256_ps(act);
                const __m256 t = _mm256_mask_i32gather_ps(zero, tab, it, actf, 4);
                const __m256 wn = _mm256_min_ps(_mm256_max_ps(_mm256_add_ps(vw, t), clo), chi);
                vw = _mm256_blendv_ps(vw, wn, actf);
            }
            return {vw, nz};
        };
        const __m256 all = _mm256_castsi256_ps(_mm256_set1_epi32(-1));
        for (; j + 8 <= cols; j += 8) {
            const auto [res, nz] = cell8(_mm256_loadu_ps(w + j), _mm256_loadu_ps(b + j), j, all);
            _mm256_storeu_ps(w + j, res);
            count += static_cast<unsigned>(__builtin_popcount(_mm256_movemask_ps(nz)));
        }
        if (j < cols) {
            const __m256i mk = detail::tail_mask(cols - j);
            const auto [res, nz] = cell8(_mm256_maskload_ps(w + j, mk), _mm256_maskload_ps(b + j, mk), j,
                                         _mm256_castsi256_ps(mk));
            _mm256_maskstore_ps(w + j, mk, res);
            count += static_cast<unsigned>(__builtin_popcount(_mm256_movemask_ps(nz)));
        }
#else
        for (; j < cols; ++j) {
            const float dw = ai * b[j];
            if (!(dw != 0.f)) continue;
            ++count;
            const int d = dw > 0.f;
            const float r = std::fabs(dw) * m_inv_pulse[d];
            const int n = static_cast<int>(std::fmin(std::floor(r + m_u[j]), maxp));
            float wj = w[j];
            for (int k = 0; k < n; ++k) {
                const int bin = m_gaxis.index(wj);
                const int row = m_rows.row(next_pulse_uniform());
                const float t = m_tab[d * static_cast<std::size_t>(m_dir_off) +
                                      static_cast<std::size_t>(row) * m_nb + bin];
                wj = std::fmin(std::fmax(wj + t, m_clip_lo), m_clip_hi);
            }
            w[j] = wj;
        }
#endif
        return count;
    }

#ifdef XBAR_DEVICE_AVX2
    template <bool Uniform>
    __m256i bins8(__m256 w) const {
        if constexpr (Uniform)
            return uniform_index8(m_gaxis.x0, m_gaxis.inv_step, m_gaxis.top, w);
        else
            return m_gaxis.index8(w);
    }

    template <bool Uniform>
    __m256i rows8(__m256 u) const {
        if constexpr (Uniform) {
            return uniform_index8(m_rows.x0, m_rows.inv_step, m_rows.top, u);
        } else {
            const __m256 x = _mm256_mul_ps(u, _mm256_set1_ps(m_rows.fn));
            const __m256 kf = _mm256_min_ps(_mm256_floor_ps(x), _mm256_set1_ps(m_rows.kmax));
            const __m256i k = _mm256_cvttps_epi32(kf);
            const __m256 thr = _mm256_i32gather_ps(m_rows.prob.data(), k, 4);
            const __m256i al = _mm256_i32gather_epi32(m_rows.alias.data(), k, 4);
            const __m256 keep = _mm256_cmp_ps(_mm256_sub_ps(x, kf), thr, _CMP_LT_OQ);
            return _mm256_castps_si256(
                _mm256_blendv_ps(_mm256_castsi256_ps(al), _mm256_castsi256_ps(k), keep));
        }
    }

    static __m256i uniform_index8(float x0, float inv_step, float top, __m256 x) {
        const __m256 f = _mm256_fmadd_ps(_mm256_sub_ps(x, _mm256_set1_ps(x0)), _mm256_set1_ps(inv_step),
                                         _mm256_set1_ps(0.5f));
        return _mm256_cvttps_epi32(_mm256_min_ps(_mm256_max_ps(f, _mm256_setzero_ps()), _mm256_set1_ps(top)));
    }
#endif

    // Pulse uniforms come from a small refillable buffer, consumed in a fixed order.
    const float* next_pulse_uniforms8() {
        if (m_pu_pos + 8 > kPulseBuf) {
            m_rng.fill_uniform(m_pu, kPulseBuf);
            m_pu_pos = 0;
        }
        const float* p = m_pu + m_pu_pos;
        m_pu_pos += 8;
        return p;
    }
    float next_pulse_uniform() {
        if (m_pu_pos + 1 > kPulseBuf) {
            m_rng.fill_uniform(m_pu, kPulseBuf);
            m_pu_pos = 0;
        }
        return m_pu[m_pu_pos++];
    }

    static constexpr std::size_t kPulseBuf = 256;

    LutMapping m_map;
    BulkRng m_rng;
    int m_nb = 0, m_nc = 0;
    Axis m_gaxis;
    RowSampler m_rows;
    float m_clip_lo = 0.f, m_clip_hi = 0.f;
    float m_pulse[2] = {0.f, 0.f}, m_inv_pulse[2] = {0.f, 0.f}, m_isq_pulse[2] = {0.f, 0.f};
    std::int32_t m_dir_off = 0;
    std::vector<float> m_tab, m_mu, m_u, m_sqb;
    float m_pu[kPulseBuf] = {};
    std::size_t m_pu_pos = kPulseBuf;
};

void check_mapping(const LutMapping& m) {
    detail::check_range(m.w_min, m.w_max, "make_lut");
    if (!(m.g_min_relative >= 0.0 && m.g_min_relative < m.g_max_relative && m.g_max_relative <= 1.0))
        throw std::invalid_argument("make_lut: need 0 <= g_min_relative < g_max_relative <= 1");
    if (!(m.dw_pulse >= 0.f) || !std::isfinite(m.dw_pulse))
        throw std::invalid_argument("make_lut: dw_pulse must be finite and >= 0 (0 = from the table)");
    if (m.max_pulses < 1 || m.max_pulses > (1 << 20))
        throw std::invalid_argument("make_lut: max_pulses must be in [1, 2^20]");
}

}  // namespace

std::unique_ptr<DeviceModel> make_lut(std::shared_ptr<const LookupTable> inc,
                                      std::shared_ptr<const LookupTable> dec, const LutMapping& m,
                                      std::uint64_t seed) {
    if (!inc || !dec) throw std::invalid_argument("make_lut: null lookup table");
    check_mapping(m);
    validate_lut(*inc);
    validate_lut(*dec);
    check_lut_pair(*inc, *dec, m.g_min_relative, m.g_max_relative);
    if (2.0 * static_cast<double>(inc->dg.size()) > 2.0e9)
        throw LutError(inc->source, 0, "table too large for 32-bit gather indices");
    return std::make_unique<LutDevice>(*inc, *dec, m, seed);
}

}  // namespace xbar::device
