// Ideal and analytic device models against independent references: the literal equations of
// marinella2018.md §3.4 evaluated in long double (not the rearranged forms the kernels use).
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>
#include <random>
#include <stdexcept>
#include <vector>

#include "models/device/device_model.h"

using namespace xbar::device;

namespace {

using ld = long double;

// Deterministic analytic update written straight from the paper's equations.
ld ref_delta(const AnalyticParams& p, ld w, ld dw) {
    const ld range = static_cast<ld>(p.w_max) - p.w_min;
    const ld alpha = p.alpha;
    if (alpha == 0) return dw;
    const ld delta = dw / range;
    if (!p.symmetric) {
        const ld w0 = range / (1 - std::exp(-alpha));
        if (delta > 0) return (w0 + p.w_min - w) * (1 - std::exp(-alpha * delta));
        return (p.w_max - w0 - w) * (1 - std::exp(alpha * delta));
    }
    const ld A = range * (std::exp(alpha) + 1) / (std::exp(alpha) - 1);
    const ld B = -range / (std::exp(alpha) - 1) + p.w_min;
    const ld wn = A / (1 + std::exp(-2 * alpha * delta) * (A / (w - B) - 1)) + B;
    return wn - w;
}

ld clampl(ld x, ld lo, ld hi) {
    return std::min(std::max(x, lo), hi);
}

float ulp(float x) {
    const float ax = std::fabs(x);
    return std::nextafter(ax, std::numeric_limits<float>::infinity()) - ax;
}

struct Block {
    int rows, cols;
    std::ptrdiff_t ld;
    std::vector<float> w, a, b;
};

// Random block: a and b with some exact zeros, w spread over [lo, hi].
Block random_block(int rows, int cols, std::ptrdiff_t ldim, float lo, float hi, float amax, float bmax,
                   unsigned seed, double zero_frac = 0.2) {
    std::mt19937 g(seed);
    std::uniform_real_distribution<float> uw(lo, hi), ua(-amax, amax), ub(-bmax, bmax), u01(0, 1);
    Block k{rows,
            cols,
            ldim,
            std::vector<float>(static_cast<std::size_t>(rows) * ldim),
            std::vector<float>(rows),
            std::vector<float>(cols)};
    for (auto& x : k.w) x = uw(g);
    for (auto& x : k.a) x = u01(g) < zero_frac ? 0.f : ua(g);
    for (auto& x : k.b) x = u01(g) < zero_frac ? 0.f : ub(g);
    return k;
}

AnalyticParams params(float alpha, bool sym, float noise = 0.f) {
    AnalyticParams p;
    p.alpha = alpha;
    p.symmetric = sym;
    p.write_noise = noise;
    return p;
}

}  // namespace

// ---------------------------------------------------------------------------------------------
// Ideal

TEST(DeviceIdeal, ExactClampedOuterProduct) {
    auto dev = make_ideal(-1.f, 1.f);
    EXPECT_STREQ(dev->kind(), "ideal");
    for (int cols : {1, 7, 8, 29, 300}) {
        Block k = random_block(13, cols, cols + 3, -1.2f, 1.2f, 1.f, 0.5f, 100u + cols);
        const std::vector<float> w0 = k.w;
        const std::uint64_t n = dev->update_rank1(k.w.data(), k.rows, k.cols, k.ld, k.a.data(), k.b.data());
        std::uint64_t expect_n = 0;
        for (int i = 0; i < k.rows; ++i)
            for (std::ptrdiff_t j = 0; j < k.ld; ++j) {
                const std::size_t c = static_cast<std::size_t>(i * k.ld + j);
                if (j >= cols) {
                    EXPECT_EQ(k.w[c], w0[c]) << "padding touched";
                    continue;
                }
                const float dw = k.a[i] * k.b[j];
                if (dw == 0.f) {
                    EXPECT_EQ(std::memcmp(&k.w[c], &w0[c], 4), 0) << "zero request must leave the cell alone";
                    continue;
                }
                ++expect_n;
                const float ref = std::min(std::max(w0[c] + dw, -1.f), 1.f);
                EXPECT_EQ(k.w[c], ref) << i << "," << j;
            }
        EXPECT_EQ(n, expect_n);
    }
}

TEST(DeviceIdeal, UpdateCellsAndBadArgs) {
    auto dev = make_ideal(0.f, 2.f);
    std::vector<float> w = {0.5f, 1.9f, 0.1f, 3.f, 1.f};
    const std::vector<float> dw = {0.25f, 0.5f, -0.5f, 0.f, -0.125f};
    EXPECT_EQ(dev->update_cells(w.data(), dw.data(), w.size()), 4u);
    EXPECT_EQ(w, (std::vector<float>{0.75f, 2.f, 0.f, 3.f, 0.875f}));
    EXPECT_THROW(make_ideal(1.f, 1.f), std::invalid_argument);
    EXPECT_THROW(make_ideal(1.f, -1.f), std::invalid_argument);
    EXPECT_THROW(dev->update_rank1(w.data(), 2, 4, 3, dw.data(), dw.data()), std::invalid_argument);
}

// ---------------------------------------------------------------------------------------------
// Analytic, deterministic part

class AnalyticVsReference : public ::testing::TestWithParam<std::tuple<float, bool>> {};

TEST_P(AnalyticVsReference, FastKernelMatchesLongDoubleEquations) {
    const auto [alpha, sym] = GetParam();
    const AnalyticParams p = params(alpha, sym);
    auto dev = make_analytic(p, 7);
    EXPECT_STREQ(dev->kind(), "analytic");
    double worst = 0;
    for (int cols : {5, 16, 203}) {
        // Requests from tiny (1e-7 of range) to large (~range), both signs.
        Block k = random_block(40, cols, cols + 1, -1.f, 1.f, 1.f, 1.f, 7u + cols);
        for (int i = 0; i < k.rows; ++i) k.a[i] *= std::pow(10.f, -static_cast<float>(i % 7));
        const std::vector<float> w0 = k.w;
        dev->update_rank1(k.w.data(), k.rows, k.cols, k.ld, k.a.data(), k.b.data());
        for (int i = 0; i < k.rows; ++i)
            for (int j = 0; j < cols; ++j) {
                const std::size_t c = static_cast<std::size_t>(i * k.ld + j);
                const float dw = k.a[i] * k.b[j];
                if (dw == 0.f) {
                    EXPECT_EQ(k.w[c], w0[c]);
                    continue;
                }
                const ld d = ref_delta(p, w0[c], dw);
                const ld ref = clampl(w0[c] + d, p.w_min, p.w_max);
                const double err = std::fabs(static_cast<double>(k.w[c] - ref));
                const double tol = ulp(static_cast<float>(ref)) + 8e-6 * std::fabs(static_cast<double>(d));
                ASSERT_LE(err, tol) << "alpha=" << alpha << " sym=" << sym << " w=" << w0[c] << " dw=" << dw;
                worst = std::max(worst, err / tol);
            }
    }
    RecordProperty("worst_err_over_tol", std::to_string(worst));
}

INSTANTIATE_TEST_SUITE_P(Forms, AnalyticVsReference,
                         ::testing::Combine(::testing::Values(0.5f, 3.f, 8.f), ::testing::Bool()));

TEST(DeviceAnalytic, TinyUpdatesDoNotCancel) {
    // At w = 0 the new weight is the update itself, so float resolution does not hide it:
    // 1 - exp(-x) in float would return 0 or a 100%-wrong value here (limits.md §3 side finding).
    for (bool sym : {false, true}) {
        const AnalyticParams p = params(3.f, sym);
        auto dev = make_analytic(p, 1);
        for (float dw : {1e-9f, 3e-8f, -2e-7f, 5e-6f}) {
            float w = 0.f;
            dev->update_cells(&w, &dw, 1);
            const ld ref = ref_delta(p, 0.0L, dw);
            EXPECT_NEAR(w / static_cast<double>(ref), 1.0, 2e-6) << "sym=" << sym << " dw=" << dw;
        }
    }
}

TEST(DeviceAnalytic, MonotoneInWAndBounded) {
    for (bool sym : {false, true})
        for (float alpha : {1.f, 5.f})
            for (float dw : {0.3f, -0.3f, 0.01f, -0.01f}) {
                auto dev = make_analytic(params(alpha, sym), 3);
                std::vector<float> w(2001), req(w.size(), dw);
                for (std::size_t k = 0; k < w.size(); ++k) w[k] = -1.f + 2.f * k / (w.size() - 1);
                const std::vector<float> w0 = w;
                dev->update_cells(w.data(), req.data(), w.size());
                for (std::size_t k = 0; k < w.size(); ++k) {
                    ASSERT_GE(w[k], -1.f);
                    ASSERT_LE(w[k], 1.f);
                    if (k) {
                        ASSERT_GE(w[k], w[k - 1]) << "w -> w_new must preserve order";
                    }
                    if (dw > 0) {
                        ASSERT_GE(w[k], w0[k]);
                    } else {
                        ASSERT_LE(w[k], w0[k]);
                    }
                }
                // Step size vs state (none of these cells is clamped):
                // asymmetric: a positive step shrinks toward w_max, a negative one toward w_min;
                // symmetric: steps shrink toward both bounds.
                const double d_lo = std::fabs(w[300] - w0[300]), d_mid = std::fabs(w[1000] - w0[1000]),
                             d_hi = std::fabs(w[1700] - w0[1700]);
                if (sym) {
                    EXPECT_GT(d_mid, d_lo);
                    EXPECT_GT(d_mid, d_hi);
                } else if (dw > 0) {
                    EXPECT_GT(d_lo, d_mid);
                    EXPECT_GT(d_mid, d_hi);
                } else {
                    EXPECT_LT(d_lo, d_mid);
                    EXPECT_LT(d_mid, d_hi);
                }
            }
    // With noise and huge requests everything still lands in [w_min, w_max], including cells
    // that started outside the range.
    auto dev = make_analytic(params(3.f, false, 0.5f), 4);
    Block k = random_block(64, 64, 64, -1.5f, 1.5f, 10.f, 10.f, 5u, 0.0);
    dev->update_rank1(k.w.data(), k.rows, k.cols, k.ld, k.a.data(), k.b.data());
    for (float x : k.w) {
        ASSERT_GE(x, -1.f);
        ASSERT_LE(x, 1.f);
    }
}

TEST(DeviceAnalytic, AlphaToZeroApproachesLinear) {
    std::vector<double> dev_at;
    for (float alpha : {1e-1f, 1e-2f, 1e-3f, 1e-4f, 0.f}) {
        for (bool sym : {false, true}) {
            auto dev = make_analytic(params(alpha, sym), 9);
            Block k = random_block(16, 64, 64, -0.8f, 0.8f, 1.f, 0.1f, 11u, 0.0);
            const std::vector<float> w0 = k.w;
            dev->update_rank1(k.w.data(), k.rows, k.cols, k.ld, k.a.data(), k.b.data());
            double worst = 0;
            for (int i = 0; i < k.rows; ++i)
                for (int j = 0; j < k.cols; ++j) {
                    const std::size_t c = static_cast<std::size_t>(i * k.ld + j);
                    const float dw = k.a[i] * k.b[j];
                    if (alpha == 0.f) {
                        EXPECT_EQ(k.w[c], w0[c] + dw) << "alpha=0 is exactly linear";
                    } else if (std::fabs(dw) >= 0.01f) {  // float rounding of w stays < 1e-5 of dw
                        // asymmetric: relative deviation from linear is alpha ((centre - w)/range - delta/2);
                        // symmetric: O(alpha^2) (the logistic slope is flat to first order).
                        const double lin = static_cast<double>(w0[c]) + dw;
                        worst = std::max(worst, std::fabs(k.w[c] - lin) / std::fabs(dw));
                    }
                }
            if (alpha > 0) {
                EXPECT_LE(worst, alpha * 0.6 + 1e-5) << "alpha=" << alpha << " sym=" << sym;
                if (!sym && alpha >= 1e-3f) {
                    EXPECT_GT(worst, alpha * 0.05) << "nonlinearity must be visible";
                }
            }
        }
    }
}

TEST(DeviceAnalytic, AsymmetricPlusMinusDriftsToCentreSymmetricReturns) {
    const float dw = 0.05f;
    for (float start : {0.6f, -0.6f, 0.2f}) {
        // Asymmetric: one + and one - request of equal size do not cancel; the pair moves w toward
        // the centre (w_min+w_max)/2 by about 2 c (centre - w), c = 1 - e^{-alpha dw/range}.
        const AnalyticParams pa = params(3.f, false);
        auto asym = make_analytic(pa, 1);
        float w = start;
        const float up = dw, down = -dw;
        asym->update_cells(&w, &up, 1);
        asym->update_cells(&w, &down, 1);
        const ld w1 = start + ref_delta(pa, start, dw);
        const ld w2 = w1 + ref_delta(pa, w1, -dw);
        EXPECT_NEAR(w, static_cast<double>(w2), 1e-6);
        const double c = 1 - std::exp(-3.0 * dw / 2.0);
        EXPECT_NEAR(w - start, 2 * c * (0.0 - start), 0.25 * std::fabs(2 * c * start));  // first order
        EXPECT_LT(std::fabs(w), std::fabs(start));
        for (int k = 0; k < 300; ++k) {
            asym->update_cells(&w, &up, 1);
            asym->update_cells(&w, &down, 1);
        }
        EXPECT_LT(std::fabs(w), 0.05f) << "repeated +/- pairs converge near the centre";

        // Symmetric: the map is the flow of a logistic ODE, so -dw undoes +dw exactly in exact
        // arithmetic; only float rounding remains.
        auto sym = make_analytic(params(3.f, true), 1);
        float v = start;
        sym->update_cells(&v, &up, 1);
        EXPECT_GT(std::fabs(v - start), 1e-3f);
        sym->update_cells(&v, &down, 1);
        EXPECT_NEAR(v, start, 4 * ulp(start) + 1e-7);
        for (int k = 0; k < 300; ++k) {
            sym->update_cells(&v, &up, 1);
            sym->update_cells(&v, &down, 1);
        }
        EXPECT_NEAR(v, start, 2e-5) << "no systematic drift";
    }
}

// ---------------------------------------------------------------------------------------------
// Analytic, write noise

TEST(DeviceAnalytic, WriteNoiseStatistics) {
    const float sigma = 0.02f;
    for (bool sym : {false, true}) {
        const AnalyticParams p = params(3.f, sym, sigma);
        auto dev = make_analytic(p, 2024);
        const int rows = 256, cols = 1000;  // cols not a multiple of 8 or 16
        std::vector<double> z;
        z.reserve(static_cast<std::size_t>(rows) * cols * 4);
        std::vector<double> lag1, lag8;
        for (int rep = 0; rep < 4; ++rep) {
            Block k = random_block(rows, cols, cols, -0.5f, 0.5f, 1.f, 0.1f, 77u + rep, 0.0);
            const std::vector<float> w0 = k.w;
            dev->update_rank1(k.w.data(), rows, cols, cols, k.a.data(), k.b.data());
            for (int i = 0; i < rows; ++i) {
                std::vector<double> zr(cols);
                for (int j = 0; j < cols; ++j) {
                    const std::size_t c = static_cast<std::size_t>(i) * cols + j;
                    const float dw = k.a[i] * k.b[j];
                    const ld det = w0[c] + ref_delta(p, w0[c], dw);
                    const double sd = sigma * std::sqrt(std::fabs(static_cast<double>(dw)) * 2.0);
                    zr[j] = static_cast<double>(k.w[c] - det) / sd;
                    z.push_back(zr[j]);
                }
                for (int j = 0; j + 8 < cols; ++j) {
                    lag1.push_back(zr[j] * zr[j + 1]);
                    lag8.push_back(zr[j] * zr[j + 8]);
                }
            }
        }
        const double n = static_cast<double>(z.size());
        double m1 = 0, m2 = 0, m4 = 0, t2 = 0, t3 = 0, zmax = 0;
        for (double x : z) {
            m1 += x;
            m2 += x * x;
            m4 += x * x * x * x;
            t2 += std::fabs(x) > 2;
            t3 += std::fabs(x) > 3;
            zmax = std::max(zmax, std::fabs(x));
        }
        m1 /= n;
        m2 /= n;
        m4 /= n;
        const double sd = std::sqrt(m2 - m1 * m1), kurt = m4 / (m2 * m2);
        auto mean_of = [](const std::vector<double>& v) {
            double s = 0;
            for (double x : v) s += x;
            return s / v.size();
        };
        SCOPED_TRACE(sym ? "symmetric" : "asymmetric");
        EXPECT_NEAR(m1, 0.0, 5.0 / std::sqrt(n));
        EXPECT_NEAR(sd, 1.0, 5.0 / std::sqrt(2 * n));
        EXPECT_NEAR(kurt, 3.0, 5.0 * std::sqrt(24.0 / n));
        EXPECT_NEAR(t2 / n, 0.0455003, 5 * std::sqrt(0.0455 / n));
        EXPECT_NEAR(t3 / n, 0.0026998, 5 * std::sqrt(0.0027 / n));
        EXPECT_LE(zmax, 6.7);
        EXPECT_GT(zmax, 4.0);
        EXPECT_NEAR(mean_of(lag1), 0.0, 5.0 / std::sqrt(lag1.size()));
        EXPECT_NEAR(mean_of(lag8), 0.0, 5.0 / std::sqrt(lag8.size()));
    }
}

TEST(DeviceAnalytic, NoNoiseWithoutRequest) {
    // Rows with a=0, columns with b=0 and the padding beyond cols stay bit-identical even with
    // strong noise, including cells outside [w_min, w_max].
    auto dev = make_analytic(params(2.f, false, 0.3f), 5);
    Block k = random_block(33, 45, 50, -1.5f, 1.5f, 1.f, 1.f, 3u, 0.3);
    const std::vector<float> w0 = k.w;
    const std::uint64_t n = dev->update_rank1(k.w.data(), k.rows, k.cols, k.ld, k.a.data(), k.b.data());
    std::uint64_t expect = 0, changed = 0;
    for (int i = 0; i < k.rows; ++i)
        for (int j = 0; j < 50; ++j) {
            const std::size_t c = static_cast<std::size_t>(i) * 50 + j;
            if (j >= k.cols || k.a[i] * k.b[j] == 0.f) {
                ASSERT_EQ(std::memcmp(&k.w[c], &w0[c], 4), 0) << i << "," << j;
            } else {
                ++expect;
                changed += k.w[c] != w0[c];
            }
        }
    EXPECT_EQ(n, expect);
    EXPECT_GT(changed, expect * 9 / 10);
}

TEST(DeviceAnalytic, DeterministicPerSeed) {
    auto run = [](std::uint64_t seed) {
        auto dev = make_analytic(params(3.f, false, 0.05f), seed);
        Block k = random_block(50, 77, 80, -1.f, 1.f, 1.f, 0.2f, 1u);
        for (int call = 0; call < 3; ++call)
            dev->update_rank1(k.w.data(), k.rows, k.cols, k.ld, k.a.data(), k.b.data());
        std::vector<float> cells(k.w.begin(), k.w.begin() + 40);
        dev->update_cells(cells.data(), k.w.data() + 100, cells.size());
        k.w.insert(k.w.end(), cells.begin(), cells.end());
        return k.w;
    };
    const auto a = run(42), b = run(42), c = run(43);
    ASSERT_EQ(a.size(), b.size());
    EXPECT_EQ(std::memcmp(a.data(), b.data(), a.size() * 4), 0);
    std::size_t diff = 0;
    for (std::size_t k = 0; k < a.size(); ++k) diff += a[k] != c[k];
    EXPECT_GT(diff, a.size() / 2);
}

TEST(DeviceAnalytic, UpdateCellsMatchesReferenceAndCounts) {
    const AnalyticParams p = params(4.f, false);
    auto dev = make_analytic(p, 1);
    std::mt19937 g(5);
    std::uniform_real_distribution<float> u(-1.f, 1.f);
    std::vector<float> w(10007), dw(w.size());  // more than one internal chunk
    std::size_t nz = 0;
    for (std::size_t k = 0; k < w.size(); ++k) {
        w[k] = u(g);
        dw[k] = k % 5 == 0 ? 0.f : 0.1f * u(g);
        nz += dw[k] != 0.f;
    }
    const std::vector<float> w0 = w;
    EXPECT_EQ(dev->update_cells(w.data(), dw.data(), w.size()), nz);
    for (std::size_t k = 0; k < w.size(); ++k) {
        const ld d = ref_delta(p, w0[k], dw[k]);
        const ld ref = clampl(w0[k] + d, -1, 1);
        ASSERT_LE(std::fabs(static_cast<double>(w[k] - ref)),
                  ulp(static_cast<float>(ref)) + 8e-6 * std::fabs(static_cast<double>(d)));
    }
}

TEST(DeviceAnalytic, LibraryDeltaMatchesEquationsAndRejectsBadParams) {
    for (bool sym : {false, true})
        for (double w : {-0.9, 0.0, 0.7})
            for (double dw : {0.3, -0.3, 1e-6}) {
                const AnalyticParams p = params(2.5f, sym);
                const double ref = static_cast<double>(ref_delta(p, w, dw));
                EXPECT_NEAR(analytic_delta(p, w, dw), ref, 1e-13 + 1e-12 * std::fabs(ref));
            }
    EXPECT_EQ(analytic_delta(params(0.f, false), 0.3, 0.125), 0.125);
    EXPECT_THROW(make_analytic(params(-1.f, false), 1), std::invalid_argument);
    EXPECT_THROW(make_analytic(params(1.f, false, -0.1f), 1), std::invalid_argument);
    AnalyticParams bad;
    bad.w_min = 1.f;
    bad.w_max = 0.f;
    EXPECT_THROW(make_analytic(bad, 1), std::invalid_argument);
    EXPECT_THROW(make_analytic(params(std::nanf(""), false), 1), std::invalid_argument);
}
