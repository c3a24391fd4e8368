// Device update kernels (models/device): updated cells per second of one rank-1 update.
// Setup as limits.md §3/§4: lr = 0.05, x ~ U(0,1) with a given fraction set to 0 (rows),
// delta ~ U(-0.07, 0.13) (columns), W0 ~ U(-0.8, 0.8); analytic: alpha = 3, sigma_wn = 0.02.
// Counters: upd_cells/s (cells with a nonzero request), cells/s (all matrix cells), s_per_upd.
// Run: bench_device --benchmark_repetitions=5 --benchmark_report_aggregates_only=true
#include <benchmark/benchmark.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <map>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "models/device/bulk_rng.h"
#include "models/device/device_model.h"
#include "models/device/lookup_table.h"

using namespace xbar::device;

namespace {

struct Problem {
    int rows, cols;
    std::vector<float> w, a, b;
    Problem(int r, int c, double zero_frac, float w_lo, float w_hi, unsigned seed = 1) : rows(r), cols(c) {
        std::mt19937 g(seed);
        std::uniform_real_distribution<float> uw(w_lo, w_hi), ux(0.f, 1.f), ud(-0.07f, 0.13f);
        w.resize(static_cast<std::size_t>(r) * c);
        for (auto& x : w) x = uw(g);
        a.resize(r);
        // exact zero fraction, shuffled (limits.md: "a given fraction set to 0")
        const int nz = static_cast<int>(std::lround(r * (1.0 - zero_frac)));
        for (int i = 0; i < r; ++i) a[i] = i < nz ? 0.05f * std::max(ux(g), 1e-3f) : 0.f;
        std::shuffle(a.begin(), a.end(), g);
        b.resize(c);
        for (auto& x : b) x = ud(g);
    }
};

void set_counters(benchmark::State& st, std::uint64_t updated, const Problem& p) {
    const double cells = static_cast<double>(st.iterations()) * p.rows * p.cols;
    st.counters["upd_cells/s"] =
        benchmark::Counter(static_cast<double>(updated), benchmark::Counter::kIsRate);
    st.counters["cells/s"] = benchmark::Counter(cells, benchmark::Counter::kIsRate);
    st.counters["s_per_upd"] = benchmark::Counter(static_cast<double>(updated),
                                                  benchmark::Counter::kIsRate | benchmark::Counter::kInvert);
}

// args: rows, cols, zero fraction in percent
void BM_Ideal(benchmark::State& st) {
    Problem p(static_cast<int>(st.range(0)), static_cast<int>(st.range(1)), st.range(2) / 100.0, -0.8f, 0.8f);
    auto dev = make_ideal(-1.f, 1.f);
    std::uint64_t upd = 0;
    for (auto _ : st) {
        for (auto& x : p.b) x = -x;  // alternate the sign so W does not saturate
        upd += dev->update_rank1(p.w.data(), p.rows, p.cols, p.cols, p.a.data(), p.b.data());
        benchmark::ClobberMemory();
    }
    set_counters(st, upd, p);
}

void BM_Analytic(benchmark::State& st) {
    Problem p(static_cast<int>(st.range(0)), static_cast<int>(st.range(1)), st.range(2) / 100.0, -0.8f, 0.8f);
    AnalyticParams ap;
    ap.alpha = 3.f;
    ap.write_noise = 0.02f;
    ap.symmetric = st.range(3) != 0;
    auto dev = make_analytic(ap, 1);
    std::uint64_t upd = 0;
    for (auto _ : st) {
        upd += dev->update_rank1(p.w.data(), p.rows, p.cols, p.cols, p.a.data(), p.b.data());
        benchmark::ClobberMemory();
    }
    set_counters(st, upd, p);
}

// Repository root: $XBAR_SOURCE_DIR, else the XBAR_SOURCE_DIR define, else derived from this file.
std::string source_dir() {
    if (const char* e = std::getenv("XBAR_SOURCE_DIR")) return e;
#ifdef XBAR_SOURCE_DIR
    return XBAR_SOURCE_DIR;
#else
    const std::string f = __FILE__;
    const std::size_t k = f.rfind("/bench/");
    return k == std::string::npos ? std::string(".") : f.substr(0, k);
#endif
}

std::shared_ptr<const LookupTable> table(const std::string& name, bool inc) {
    const std::string path = source_dir() + "/datasets/device-luts/" + name +
                             (inc ? "/dG_increasing.txt.gz" : "/dG_decreasing.txt.gz");
    return std::make_shared<const LookupTable>(load_lut(path));
}

// LUT update with conductances kept spread over the whole table span (limits.md §4 pitfall):
// W starts uniform over the clip range, the request sign alternates every call, and W is
// restored from the spread copy every 16 calls (outside the timed region). Counters at the end:
// spread_bins = fraction of G bins occupied, at_clip = fraction of cells at the clip limits.
void lut_bench(benchmark::State& st, std::shared_ptr<const LookupTable> inc,
               std::shared_ptr<const LookupTable> dec, const LutMapping& m) {
    auto dev = make_lut(inc, dec, m, 1);
    Problem p(static_cast<int>(st.range(0)), static_cast<int>(st.range(1)), st.range(2) / 100.0,
              dev->w_clip_min(), dev->w_clip_max());
    const std::vector<float> spread = p.w;
    std::uint64_t upd = 0;
    long calls = 0;
    for (auto _ : st) {
        if (++calls % 16 == 0) {
            st.PauseTiming();
            std::copy(spread.begin(), spread.end(), p.w.begin());
            st.ResumeTiming();
        }
        for (auto& x : p.b) x = -x;
        upd += dev->update_rank1(p.w.data(), p.rows, p.cols, p.cols, p.a.data(), p.b.data());
        benchmark::ClobberMemory();
    }
    set_counters(st, upd, p);
    const int nb = inc->n_bins();
    std::vector<char> seen(static_cast<std::size_t>(nb), 0);
    const float lo = dev->w_clip_min(), hi = dev->w_clip_max();
    std::size_t clipped = 0;
    for (float x : p.w) {
        seen[static_cast<std::size_t>(std::lround((x - lo) / (hi - lo) * (nb - 1)))] = 1;
        clipped += x <= lo || x >= hi;
    }
    st.counters["spread_bins"] = static_cast<double>(std::count(seen.begin(), seen.end(), 1)) / nb;
    st.counters["at_clip"] = static_cast<double>(clipped) / p.w.size();
}

struct Tables {
    std::shared_ptr<const LookupTable> inc, dec;
};
const Tables& measured(const std::string& name) {
    static std::map<std::string, Tables> cache;
    auto it = cache.find(name);
    if (it == cache.end()) it = cache.emplace(name, Tables{table(name, true), table(name, false)}).first;
    return it->second;
}
// 501 x 501 table from the analytic model of BM_Analytic, 1 pulse = nominal 1.25e-3 (the mean
// |request| of these problems, so ~1 pulse per cell, up to ~5).
const Tables& synthesized() {
    static const Tables t = [] {
        AnalyticParams ap;
        ap.alpha = 3.f;
        ap.write_noise = 0.02f;
        return Tables{std::make_shared<const LookupTable>(synthesize_lut(ap, 501, 501, 1e-5f, 1e-4f, 1.25e-3f)),
                      std::make_shared<const LookupTable>(synthesize_lut(ap, 501, 501, 1e-5f, 1e-4f, -1.25e-3f))};
    }();
    return t;
}

void BM_LutTaox(benchmark::State& st) {
    lut_bench(st, measured("taox-1").inc, measured("taox-1").dec, LutMapping{});
}
void BM_LutEnode(benchmark::State& st) {  // non-uniform CDF points: alias-method rows
    lut_bench(st, measured("enode").inc, measured("enode").dec, LutMapping{});
}
// pulses mode on taox: the calibrated pulse is ~1 weight unit, so almost no pulse fires.
void BM_LutTaoxPulses(benchmark::State& st) {
    LutMapping m;
    m.mode = LutUpdateMode::pulses;
    lut_bench(st, measured("taox-1").inc, measured("taox-1").dec, m);
}
// pulses mode with ~1 pulse per cell on the synthesized table (small steps keep W spread).
void BM_LutSynthPulses(benchmark::State& st) {
    LutMapping m;
    m.mode = LutUpdateMode::pulses;
    m.g_min_relative = 0.0;
    m.g_max_relative = 1.0;
    m.dw_pulse = 1.25e-3f;
    lut_bench(st, synthesized().inc, synthesized().dec, m);
}
void BM_LutSynthScaled(benchmark::State& st) {
    LutMapping m;
    m.g_min_relative = 0.0;
    m.g_max_relative = 1.0;
    m.dw_pulse = 1.25e-3f;
    lut_bench(st, synthesized().inc, synthesized().dec, m);
}

void BM_BulkNormals(benchmark::State& st) {
    BulkRng rng(1);
    std::vector<float> z(4096);
    for (auto _ : st) {
        rng.fill_normal(z.data(), z.size());
        benchmark::DoNotOptimize(z.data());
    }
    st.counters["normals/s"] =
        benchmark::Counter(static_cast<double>(st.iterations()) * z.size(), benchmark::Counter::kIsRate);
}

void sizes(benchmark::internal::Benchmark* b) {
    b->ArgNames({"rows", "cols", "zero%"});
    b->Args({1024, 1024, 0})->Args({1024, 1024, 50})->Args({784, 300, 0})->Args({784, 300, 50});
    b->Unit(benchmark::kMicrosecond)->MinTime(0.5);
}

}  // namespace

BENCHMARK(BM_Ideal)->Apply(sizes);
BENCHMARK(BM_Analytic)
    ->ArgNames({"rows", "cols", "zero%", "sym"})
    ->Args({1024, 1024, 0, 0})
    ->Args({1024, 1024, 50, 0})
    ->Args({784, 300, 0, 0})
    ->Args({784, 300, 50, 0})
    ->Args({1024, 1024, 0, 1})
    ->Unit(benchmark::kMicrosecond)
    ->MinTime(0.5);
BENCHMARK(BM_LutTaox)->Apply(sizes);
BENCHMARK(BM_LutTaoxPulses)->Args({1024, 1024, 0})->Unit(benchmark::kMicrosecond)->MinTime(0.5);
BENCHMARK(BM_LutSynthScaled)->Args({1024, 1024, 0})->Unit(benchmark::kMicrosecond)->MinTime(0.5);
BENCHMARK(BM_LutSynthPulses)->Args({1024, 1024, 0})->Unit(benchmark::kMicrosecond)->MinTime(0.5);
BENCHMARK(BM_LutEnode)->Args({1024, 1024, 0})->Unit(benchmark::kMicrosecond)->MinTime(0.5);
BENCHMARK(BM_BulkNormals)->MinTime(0.5);

BENCHMARK_MAIN();
