// Bulk random numbers and the polynomial math of the device kernels, against the C library.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>
#include <vector>

#include "models/device/bulk_rng.h"
#include "models/device/lookup_table.h"
#include "models/device/rng.h"
#include "models/device/simd_math.h"

using namespace xbar::device;

TEST(DeviceBulkRng, UniformMomentsRangeAndPadding) {
    BulkRng rng(11);
    const std::size_t n = 1 << 20;
    std::vector<float> u(n + 32, -1.f);
    rng.fill_uniform(u.data(), 1000);  // writes padded(1000) = 1008 values, no more
    EXPECT_EQ(u[1007] >= 0.f, true);
    EXPECT_EQ(u[1008], -1.f);
    rng.fill_uniform(u.data(), n);
    double m = 0, v = 0;
    std::vector<int> hist(16, 0);
    for (std::size_t k = 0; k < n; ++k) {
        ASSERT_GE(u[k], 0.f);
        ASSERT_LT(u[k], 1.f);
        m += u[k];
        v += (u[k] - 0.5) * (u[k] - 0.5);
        ++hist[static_cast<int>(u[k] * 16)];
    }
    EXPECT_NEAR(m / n, 0.5, 5 * std::sqrt(1.0 / 12 / n));
    EXPECT_NEAR(v / n, 1.0 / 12, 5 * std::sqrt(1.0 / 180 / n));
    double chi2 = 0;  // 15 degrees of freedom: P(chi2 > 40) ~ 5e-4
    for (int h : hist) chi2 += (h - n / 16.0) * (h - n / 16.0) / (n / 16.0);
    EXPECT_LT(chi2, 40.0);
}

TEST(DeviceBulkRng, NormalMomentsTailsAndIndependence) {
    BulkRng rng(12);
    const std::size_t n = 1 << 22;
    std::vector<float> z(n);
    rng.fill_normal(z.data(), n);
    double m1 = 0, m2 = 0, m3 = 0, m4 = 0, t2 = 0, t3 = 0, t4 = 0, zmax = 0, c1 = 0, c8 = 0;
    for (std::size_t k = 0; k < n; ++k) {
        const double x = z[k];
        m1 += x;
        m2 += x * x;
        m3 += x * x * x;
        m4 += x * x * x * x;
        t2 += std::fabs(x) > 2;
        t3 += std::fabs(x) > 3;
        t4 += std::fabs(x) > 4;
        zmax = std::max(zmax, std::fabs(x));
        if (k + 8 < n) {
            c1 += x * z[k + 1];
            c8 += x * z[k + 8];  // the two outputs of one Box-Muller pair
        }
    }
    const double dn = static_cast<double>(n);
    EXPECT_NEAR(m1 / dn, 0, 5 / std::sqrt(dn));
    EXPECT_NEAR(m2 / dn, 1, 5 * std::sqrt(2 / dn));
    EXPECT_NEAR(m3 / dn, 0, 5 * std::sqrt(15 / dn));
    EXPECT_NEAR(m4 / dn, 3, 5 * std::sqrt(96 / dn));
    EXPECT_NEAR(t2 / dn, 0.0455003, 5 * std::sqrt(0.0455 / dn));
    EXPECT_NEAR(t3 / dn, 0.0026998, 5 * std::sqrt(0.0027 / dn));
    EXPECT_NEAR(t4 / dn, 6.3342e-5, 5 * std::sqrt(6.3e-5 / dn));
    EXPECT_LE(zmax, 6.67);
    EXPECT_NEAR(c1 / dn, 0, 5 / std::sqrt(dn));
    EXPECT_NEAR(c8 / dn, 0, 5 / std::sqrt(dn));
}

TEST(DeviceBulkRng, DeterministicPerSeed) {
    std::vector<std::uint32_t> a(4096), b(4096), c(4096);
    BulkRng ra(5), rb(5), rc(6);
    ra.fill_u32(a.data(), a.size());
    rb.fill_u32(b.data(), b.size());
    rc.fill_u32(c.data(), c.size());
    EXPECT_EQ(a, b);
    EXPECT_NE(a, c);
    // Lanes are distinct streams.
    EXPECT_NE(a[0], a[1]);
    // Derived seeds differ from each other and from the parent.
    EXPECT_NE(Rng::derive(5, 1), Rng::derive(5, 2));
    EXPECT_NE(Rng::derive(5, 1), 5u);
}

TEST(DeviceSimdMath, Expm1MatchesLibm) {
    double worst = 0;
    for (double x = -30.0; x <= 30.0; x += 0.0137) {
        const float xf = static_cast<float>(x);
        const double ref = std::expm1(static_cast<double>(xf));
        worst = std::max(worst, std::fabs(detail::expm1_poly(xf) - ref) / std::fabs(ref));
    }
    for (float x : {1e-30f, -1e-20f, 3e-9f, -7e-8f, 1e-4f, -0.3465f, 0.3466f}) {
        const double ref = std::expm1(static_cast<double>(x));
        worst = std::max(worst, std::fabs(detail::expm1_poly(x) - ref) / std::fabs(ref));
    }
    EXPECT_LT(worst, 4e-7);
    EXPECT_EQ(detail::expm1_poly(0.f), 0.f);
    EXPECT_NEAR(detail::expm1_poly(-200.f), -1.f, 1e-7);
}

TEST(DeviceSimdMath, LogAndSinCosMatchLibm) {
    double worst_log = 0;
    for (double e = -32; e <= 0; e += 0.001) {
        const float x = static_cast<float>(std::exp2(e));
        const double ref = std::log(static_cast<double>(x));
        const double err = std::fabs(detail::log_poly(x) - ref);
        worst_log = std::max(worst_log, ref != 0 ? err / std::fabs(ref) : err);
    }
    EXPECT_LT(worst_log, 3e-7);
    EXPECT_EQ(detail::log_poly(1.f), 0.f);
    double worst_sc = 0;
    for (double t = -0.7853981; t <= 0.7853981; t += 1e-4) {
        float s, c;
        detail::sincos_poly(static_cast<float>(t), s, c);
        const double ts = static_cast<float>(t);
        worst_sc = std::max({worst_sc, std::fabs(s - std::sin(ts)), std::fabs(c - std::cos(ts))});
    }
    EXPECT_LT(worst_sc, 2.5e-7);
}

#ifdef XBAR_DEVICE_AVX2
TEST(DeviceSimdMath, VectorMatchesScalar) {
    float x[8], out[8];
    for (int rep = 0; rep < 2000; ++rep) {
        for (int l = 0; l < 8; ++l)
            x[l] = std::ldexp(static_cast<float>((rep * 8 + l) % 977) - 488.f, -(rep % 30));
        _mm256_storeu_ps(out, detail::expm1_ps(_mm256_loadu_ps(x)));
        for (int l = 0; l < 8; ++l) ASSERT_EQ(out[l], detail::expm1_poly(x[l])) << x[l];
        for (int l = 0; l < 8; ++l) x[l] = std::ldexp(1.f + l / 8.f, -(rep % 31)) * 0.5f;
        _mm256_storeu_ps(out, detail::log_ps(_mm256_loadu_ps(x)));
        for (int l = 0; l < 8; ++l) ASSERT_EQ(out[l], detail::log_poly(x[l])) << x[l];
    }
}
#endif

TEST(DeviceNormalQuantile, InvertsErfc) {
    EXPECT_NEAR(normal_quantile(0.975), 1.959963984540054, 1e-13);
    EXPECT_NEAR(normal_quantile(0.5), 0.0, 1e-15);
    for (double p : {1e-300, 1e-12, 1e-6, 0.001, 0.02425, 0.1, 0.3, 0.5}) {
        const double x = normal_quantile(p);
        EXPECT_NEAR(0.5 * std::erfc(-x / std::sqrt(2.0)) / p, 1.0, 1e-12) << p;
        if (p >= 1e-6) {
            EXPECT_NEAR(normal_quantile(1 - p), -x, 1e-9 * std::max(1.0, std::fabs(x))) << p;
        }
    }
    EXPECT_TRUE(std::isinf(normal_quantile(0.0)));
    EXPECT_TRUE(std::isnan(normal_quantile(1.5)));
}
