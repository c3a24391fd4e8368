// Crossbar core kernels at 1024 x 1024 (issue 4 targets): analog VMM/MVM with quantization vs an
// Eigen float GEMV of the same size, and OPU through the core with each device model.
// Run: build/bench/bench_cores --benchmark_repetitions=5 --benchmark_report_aggregates_only=true
#include <memory>
#include <random>
#include <vector>

#include <Eigen/Core>
#include <benchmark/benchmark.h>

#include "models/cores/analog_core.h"
#include "models/cores/digital_core.h"
#include "models/device/lookup_table.h"
#include "tests/tech.h"

using namespace xbar;

namespace {
constexpr int N = 1024;

std::vector<std::int8_t> random_codes(int n, int bits, unsigned seed) {
    std::mt19937 g(seed);
    const int m = (1 << (bits - 1)) - 1;
    std::uniform_int_distribution<int> u(-m, m);
    std::vector<std::int8_t> v(n);
    for (auto& c : v) c = std::int8_t(u(g));
    return v;
}

cores::AnalogCore make_core(cores::DeviceSpec::Kind kind, double read_noise = 0) {
    cores::AnalogCoreConfig cfg = xbar::tech::analog_config();
    cfg.device.kind = kind;
    cfg.device.analytic.alpha = 3.0f;
    cfg.device.analytic.write_noise = 0.02f;
    cfg.read_noise = read_noise;
    if (kind == cores::DeviceSpec::Kind::lut) {
        const std::string dir = std::string(XBAR_SOURCE_DIR) + "/datasets/device-luts/taox-1/";
        cfg.device.lut_increasing = std::make_shared<device::LookupTable>(device::load_lut(dir + "dG_increasing.txt.gz"));
        cfg.device.lut_decreasing = std::make_shared<device::LookupTable>(device::load_lut(dir + "dG_decreasing.txt.gz"));
    }
    cores::AnalogCore core(cfg);
    std::vector<float> w(std::size_t(N) * N);
    std::mt19937 g(1);
    std::uniform_real_distribution<float> u(-0.8f, 0.8f);
    for (auto& v : w) v = u(g);
    core.program({N, N}, w.data());
    return core;
}
}  // namespace

static void BM_EigenFloatGemv(benchmark::State& st) {
    Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor> w =
        Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>::Random(N, N);
    Eigen::VectorXf x = Eigen::VectorXf::Random(N), y(N);
    for (auto _ : st) {
        y.noalias() = w.transpose() * x;  // same access pattern as the analog VMM
        benchmark::DoNotOptimize(y.data());
    }
    st.counters["MAC/s"] = benchmark::Counter(double(N) * N, benchmark::Counter::kIsIterationInvariantRate);
}
BENCHMARK(BM_EigenFloatGemv);

static void BM_AnalogVmm(benchmark::State& st) {
    auto core = make_core(cores::DeviceSpec::Kind::ideal, st.range(0) ? 0.01 : 0.0);
    const auto x = random_codes(N, 8, 2);
    std::vector<std::int8_t> y(N);
    for (auto _ : st) {
        benchmark::DoNotOptimize(core.vmm({N, N}, x.data(), y.data(), 16.0f));
        benchmark::DoNotOptimize(y.data());
    }
    st.counters["MAC/s"] = benchmark::Counter(double(N) * N, benchmark::Counter::kIsIterationInvariantRate);
}
BENCHMARK(BM_AnalogVmm)->Arg(0)->Arg(1)->ArgName("read_noise");

static void BM_AnalogMvm(benchmark::State& st) {
    auto core = make_core(cores::DeviceSpec::Kind::ideal);
    const auto d = random_codes(N, 8, 3);
    std::vector<std::int8_t> z(N);
    for (auto _ : st) {
        benchmark::DoNotOptimize(core.mvm({N, N}, d.data(), z.data(), 16.0f));
        benchmark::DoNotOptimize(z.data());
    }
    st.counters["MAC/s"] = benchmark::Counter(double(N) * N, benchmark::Counter::kIsIterationInvariantRate);
}
BENCHMARK(BM_AnalogMvm);

// Dense x and delta: every cell is updated. Tiny updates keep the weights spread.
static void BM_AnalogOpu(benchmark::State& st) {
    auto core = make_core(static_cast<cores::DeviceSpec::Kind>(st.range(0)));
    auto x = random_codes(N, 8, 4), d = random_codes(N, 4, 5);
    for (auto& v : x) v = v ? v : 1;
    for (auto& v : d) v = v ? v : 1;
    float sign = 1e-4f;
    for (auto _ : st) {
        benchmark::DoNotOptimize(core.opu({N, N}, x.data(), d.data(), sign));
        sign = -sign;
    }
    st.counters["cells/s"] = benchmark::Counter(double(N) * N, benchmark::Counter::kIsIterationInvariantRate);
}
BENCHMARK(BM_AnalogOpu)->Arg(0)->Arg(1)->Arg(2)->ArgName("device(0=ideal,1=analytic,2=lut_taox)");

// Every variant at 128, 512 and 1024 (issue 9): one VMM, MVM and OPU on the whole array.
static std::unique_ptr<cores::CrossbarCore> any_core(int variant, int n) {
    std::vector<float> w(std::size_t(n) * n);
    std::mt19937 g(7);
    std::uniform_real_distribution<float> u(-0.8f, 0.8f);
    for (auto& v : w) v = u(g);
    std::unique_ptr<cores::CrossbarCore> c;
    if (variant == 0) {
        cores::AnalogCoreConfig a = xbar::tech::analog_config();
        a.params.rows = a.params.cols = n;
        c = std::make_unique<cores::AnalogCore>(a);
    } else {
        cores::DigitalCoreConfig d;
        d.params = xbar::tech::digital();
        d.memory = variant == 1 ? cores::DigitalCoreConfig::Memory::reram : cores::DigitalCoreConfig::Memory::sram;
        d.params.rows = d.params.cols = n;
        d.params.bits_delta = 4;
        c = std::make_unique<cores::DigitalCore>(d);
    }
    c->program({n, n}, w.data());
    return c;
}

static void BM_Kernel(benchmark::State& st) {
    const int variant = int(st.range(0)), n = int(st.range(1)), kernel = int(st.range(2));
    auto core = any_core(variant, n);
    auto x = random_codes(n, 8, 11), d = random_codes(n, 4, 12);
    std::vector<std::int8_t> y(n);
    float sign = 1e-3f;
    for (auto _ : st) {
        if (kernel == 0) benchmark::DoNotOptimize(core->vmm({n, n}, x.data(), y.data(), 16.0f));
        else if (kernel == 1) benchmark::DoNotOptimize(core->mvm({n, n}, x.data(), y.data(), 16.0f));
        else benchmark::DoNotOptimize(core->opu({n, n}, x.data(), d.data(), sign)), sign = -sign;
    }
    st.counters["cells/s"] = benchmark::Counter(double(n) * n, benchmark::Counter::kIsIterationInvariantRate);
}
BENCHMARK(BM_Kernel)
    ->ArgsProduct({{0, 1, 2}, {128, 512, 1024}, {0, 1, 2}})
    ->ArgNames({"variant(0=analog,1=dreram,2=sram)", "n", "kernel(0=vmm,1=mvm,2=opu)"});

BENCHMARK_MAIN();
