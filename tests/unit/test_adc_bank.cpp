// The analog core's ADC bank: lines sharing a converter serialize their conversions, converters
// divide, and the SAR converter follows its stated figures. Every expectation is an equation
// evaluated here from the technology file's values (ramp: M18 §IV-E, 2^b levels x ramp step, one
// comparator per converter; SAR: ISAAC's 8-bit figures scaled 2^(b-8) in energy and area and b/8
// in time), not the cost table's own numbers.
#include <cmath>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "models/cores/analog_core.h"
#include "tests/tech.h"

using namespace xbar;

namespace {

double entry(const char* name) { return tech::reference().value(name); }

cores::AnalogCore make(int rows, int cols, energy::AdcType type, int lines_per_adc, int bits_out = 8) {
    cores::AnalogCoreConfig cfg = tech::analog_config();
    cfg.params.rows = rows;
    cfg.params.cols = cols;
    cfg.params.bits_out = bits_out;
    cfg.params.adc_type = type;
    cfg.params.lines_per_adc = lines_per_adc;
    return cores::AnalogCore(cfg);
}

double part(const cores::KernelCost& c, const std::string& name) {
    double ns = 0;
    for (const auto& [p, v] : c.latency_parts)
        if (p == name) ns += v;
    return ns;
}
double events(const cores::CrossbarCore& core, const cores::KernelCost& c, const std::string& action) {
    double n = 0;
    for (const auto& [idx, count] : c.events)
        if (core.actions()[idx].action == action) n += count;
    return n;
}
double area(const cores::CrossbarCore& core, const std::string& component) {
    for (const auto& a : core.area())
        if (a.component == component) return a.area_um2;
    return -1;
}

struct Vmm {
    cores::KernelCost fwd, bwd;
};
Vmm run(cores::AnalogCore& core, cores::Region r) {
    std::vector<std::int8_t> x(std::size_t(core.rows()), 5), y(std::size_t(core.cols()));
    std::vector<std::int8_t> d(std::size_t(core.cols()), 3), z(std::size_t(core.rows()));
    return {core.vmm(r, x.data(), y.data(), 1.0f), core.mvm(r, d.data(), z.data(), 1.0f)};
}

}  // namespace

// 8 columns per ramp ADC: the ADC phase of a full-array VMM is 8 ramps, the other phases stay, the
// comparator area is 1/8, the comparator energy (one ramp per conversion) is unchanged.
TEST(AdcBank, RampSharingSerializesConversionsAndDividesArea) {
    const double ramp_ns = 256 * entry("adc.ramp_step_ns");
    auto one = make(1024, 1024, energy::AdcType::ramp, 1);
    auto eight = make(1024, 1024, energy::AdcType::ramp, 8);
    const Vmm a = run(one, {1024, 1024}), b = run(eight, {1024, 1024});
    EXPECT_DOUBLE_EQ(part(a.fwd, "adc"), ramp_ns);
    EXPECT_DOUBLE_EQ(part(b.fwd, "adc"), 8 * ramp_ns);
    EXPECT_DOUBLE_EQ(part(b.bwd, "adc"), 8 * ramp_ns);
    EXPECT_DOUBLE_EQ(b.fwd.latency_ns - a.fwd.latency_ns, 7 * ramp_ns);
    EXPECT_DOUBLE_EQ(part(b.fwd, "temporal_driver"), part(a.fwd, "temporal_driver"));
    EXPECT_DOUBLE_EQ(area(one, "adc"), 1024 * entry("adc.comparator_um2"));
    EXPECT_DOUBLE_EQ(area(eight, "adc"), 128 * entry("adc.comparator_um2"));
    EXPECT_DOUBLE_EQ(events(eight, b.fwd, "comparator_ns"), 1024 * ramp_ns);
    EXPECT_DOUBLE_EQ(area(eight, "integrators"), area(one, "integrators"));  // every line keeps its integrator
}

// A block of a shared bank: the converter with the most active lines sets the rounds. Columns
// [4, 52) over converters of 16 adjacent columns: 12, 16, 16 and 4 lines -> 16 rounds; columns
// [0, 8) -> 8; in MVM the rows convert: rows [20, 28) lie in one group -> 8, rows [12, 32) give 4
// and 16 -> 16.
TEST(AdcBank, ABlockConvertsInTheRoundsOfItsBusiestConverter) {
    const double ramp_ns = 256 * entry("adc.ramp_step_ns");
    auto core = make(128, 128, energy::AdcType::ramp, 16);
    EXPECT_DOUBLE_EQ(part(run(core, {40, 48, 0, 4}).fwd, "adc"), 16 * ramp_ns);
    EXPECT_DOUBLE_EQ(part(run(core, {40, 8, 0, 0}).fwd, "adc"), 8 * ramp_ns);
    EXPECT_DOUBLE_EQ(part(run(core, {8, 40, 20, 0}).bwd, "adc"), 8 * ramp_ns);
    EXPECT_DOUBLE_EQ(part(run(core, {20, 40, 12, 0}).bwd, "adc"), 16 * ramp_ns);
}

// Serial read-back converts each row's columns through the bank: rows x rounds x conversion.
TEST(AdcBank, ReadBackConvertsEveryRowThroughTheBank) {
    const double ramp_ns = 256 * entry("adc.ramp_step_ns");
    auto core = make(64, 64, energy::AdcType::ramp, 4);
    std::vector<float> w(64 * 64);
    const auto c = core.read_back({10, 64}, w.data());
    EXPECT_DOUBLE_EQ(part(c, "adc"), 10 * 4 * ramp_ns);
}

// SAR: conversion time b/8 x the 8-bit figure, energy per conversion 2^(b-8) x the 8-bit figure,
// area per converter 2^(b-8) x the 8-bit figure; 128 columns per converter as in ISAAC.
TEST(AdcBank, SarFollowsItsStatedFiguresScaledByResolution) {
    for (int b : {8, 6}) {
        auto core = make(1024, 1024, energy::AdcType::sar, 128, b);
        const Vmm v = run(core, {1024, 1024});
        const double conv_ns = entry("adc_sar.conversion_ns_8bit") * b / 8.0;
        const double scale = std::ldexp(1.0, b - 8);
        EXPECT_NEAR(part(v.fwd, "adc"), 128 * conv_ns, 1e-9) << b;
        EXPECT_DOUBLE_EQ(events(core, v.fwd, "sar_conversion"), 1024) << b;
        EXPECT_EQ(events(core, v.fwd, "comparator_ns"), 0) << b;
        double pj = -1;
        for (const auto& a : core.actions())
            if (std::string(a.action) == "sar_conversion") pj = a.energy_pj;
        EXPECT_NEAR(pj, entry("adc_sar.conversion_pj_8bit") * scale, 1e-12) << b;
        EXPECT_NEAR(area(core, "adc"), 8 * entry("adc_sar.area_um2_8bit") * scale, 1e-9) << b;
    }
}

TEST(AdcBank, LinesPerAdcMustDivideTheArray) {
    EXPECT_THROW(make(1024, 1000, energy::AdcType::ramp, 16), std::invalid_argument);
    EXPECT_THROW(make(64, 64, energy::AdcType::ramp, 0), std::invalid_argument);
    EXPECT_NO_THROW(make(64, 64, energy::AdcType::ramp, 64));
}
