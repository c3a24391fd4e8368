// Calibration of the digital-ReRAM and SRAM cores against Marinella et al. 2018
// (reference/marinella2018.md §1.4, §1.5, §2): kernel energies are summed bottom-up from the events
// the core counts x the per-event energies of its table; latencies come from the memory organisation.
// Targets are the paper's Tables II-V with a tolerance just above the deviation the model shows
// (measured values noted next to each), the organisation's equations written out here, and, where
// the model follows the paper's text rather than a rounded table entry (the cross-core formula,
// 1M x 1.46 pJ of MACs, 8 Mbit / 4096 bits x 2 ns of SRAM reads), the value the text gives.
#include <cmath>
#include <map>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "models/cores/digital_core.h"
#include "tests/tech.h"

using namespace xbar;
using Memory = cores::DigitalCoreConfig::Memory;

namespace {

struct Breakdown {
    double latency_ns = 0;
    double total_nj = 0;
    std::map<std::string, double> by_component_nj;
    std::map<std::string, double> latency_parts_ns;
};

Breakdown sum(const cores::CrossbarCore& core, const cores::KernelCost& c) {
    Breakdown b;
    b.latency_ns = c.latency_ns;
    for (const auto& [idx, count] : c.events) {
        const auto& a = core.actions().at(idx);
        const double nj = count * a.energy_pj * 1e-3;
        b.total_nj += nj;
        b.by_component_nj[a.component] += nj;
    }
    for (const auto& [comp, ns] : c.latency_parts) b.latency_parts_ns[comp] += ns;
    return b;
}

struct Cycle {
    Breakdown vmm, mvm, opu;
    double area = 0;
    double energy() const { return vmm.total_nj + mvm.total_nj + opu.total_nj; }
    double latency() const { return vmm.latency_ns + mvm.latency_ns + opu.latency_ns; }
};

cores::DigitalCore make(Memory m, energy::DigitalParams p = tech::digital()) {
    cores::DigitalCoreConfig cfg;
    cfg.memory = m;
    cfg.params = p;
    return cores::DigitalCore(cfg);
}

Cycle run_cycle(Memory m, energy::DigitalParams p, cores::Region r) {
    cores::DigitalCore core = make(m, p);
    std::vector<std::int8_t> x(p.rows, 1), d(p.cols, 1), y(std::max(p.rows, p.cols));
    Cycle c;
    c.vmm = sum(core, core.vmm(r, x.data(), y.data(), 1.0f));
    c.mvm = sum(core, core.mvm(r, d.data(), y.data(), 1.0f));
    c.opu = sum(core, core.opu(r, x.data(), d.data(), 0.01f));
    for (const auto& a : core.area()) c.area += a.area_um2;
    return c;
}
Cycle run_cycle(Memory m, energy::DigitalParams p) { return run_cycle(m, p, {p.rows, p.cols}); }

#define EXPECT_WITHIN(actual, target, rel) EXPECT_NEAR(actual, target, std::abs(target) * (rel))

constexpr double kBits = 8.0 * 1024 * 1024;  // the 1 MB store, in bits

}  // namespace

TEST(DigitalCalibration, ReramEightBitKernelsMatchTableV) {
    const Cycle c = run_cycle(Memory::reram, tech::digital(8));
    // Energies sit below the table because the cross-core link follows the paper's formula
    // (397 nJ per read against the table's 431, see ComponentsMatchTableIV).
    EXPECT_WITHIN(c.vmm.total_nj, 2140.0, 0.005);  // measured 2136.3 nJ (-0.17 %)
    EXPECT_WITHIN(c.mvm.total_nj, 2140.0, 0.005);
    EXPECT_WITHIN(c.opu.total_nj, 3250.0, 0.02);   // measured 3209.7 nJ (-1.24 %)
    EXPECT_WITHIN(c.energy(), 7520.0, 0.01);       // measured 7482.3 nJ (-0.50 %)
    EXPECT_WITHIN(c.vmm.latency_ns, 176e3, 0.001);  // measured 176,131 ns (+0.07 %)
    EXPECT_WITHIN(c.mvm.latency_ns, 176e3, 0.001);
    EXPECT_WITHIN(c.opu.latency_ns, 340e3, 0.001);  // measured 339,971 ns (-0.01 %)
    EXPECT_WITHIN(c.latency(), 692e3, 0.001);       // measured 692,233 ns (+0.03 %)
}

TEST(DigitalCalibration, SramEightBitKernelsMatchTableV) {
    const Cycle c = run_cycle(Memory::sram, tech::digital(8));
    // Below the table for the same reason: the formula's 982 nJ cross-core link against 1,065.
    EXPECT_WITHIN(c.vmm.total_nj, 2850.0, 0.025);  // measured 2797.6 nJ (-1.84 %)
    EXPECT_WITHIN(c.mvm.total_nj, 4855.0, 0.02);   // measured 4794.1 nJ (-1.25 %)
    EXPECT_WITHIN(c.opu.total_nj, 4300.0, 0.04);   // measured 4165.0 nJ (-3.14 %)
    EXPECT_WITHIN(c.energy(), 12010.0, 0.025);     // measured 11756.8 nJ (-2.11 %)
    // Latency: the tables print 4 / 32 / 8 / 44 us, rounded from the organisation's own
    // 8 Mbit / (64 macros x 64 bits) x 2 ns = 4.096 us per read (reference §2.2 checks), which the
    // README reports as 45.1 us per cycle. Asserted at that value; the model adds the 3 ns of
    // input register + MAC pipeline fill per kernel.
    const double read_us = 8.0 * 1024 * 1024 / (64 * 64) * 2 * 1e-3;
    EXPECT_WITHIN(c.vmm.latency_ns, read_us * 1e3, 0.001);          // measured 4,099 ns
    EXPECT_WITHIN(c.mvm.latency_ns, 8 * read_us * 1e3, 0.001);      // measured 32,771 ns
    EXPECT_WITHIN(c.opu.latency_ns, 2 * read_us * 1e3, 0.001);      // measured 8,195 ns
    EXPECT_WITHIN(c.latency(), (1 + 8 + 2) * read_us * 1e3, 0.001);  // measured 45,065 ns
}

TEST(DigitalCalibration, AreasMatchTableII) {
    EXPECT_WITHIN(run_cycle(Memory::reram, tech::digital(8)).area, 137000.0, 0.001);  // 137,000
    EXPECT_WITHIN(run_cycle(Memory::sram, tech::digital(8)).area, 836000.0, 0.001);   // 835,592 (-0.05 %)
    EXPECT_WITHIN(run_cycle(Memory::reram, tech::digital(4)).area, 114000.0, 0.01);   // 114,500 (+0.44 %)
    EXPECT_WITHIN(run_cycle(Memory::reram, tech::digital(2)).area, 101000.0, 0.005);  // 100,750 (-0.25 %)
    EXPECT_WITHIN(run_cycle(Memory::sram, tech::digital(4)).area, 814000.0, 0.002);   // 813,092 (-0.11 %)
    EXPECT_WITHIN(run_cycle(Memory::sram, tech::digital(2)).area, 800000.0, 0.002);   // 799,342 (-0.08 %)
    // Unit areas x counts, written out.
    const auto core = make(Memory::sram);
    std::map<std::string, double> a;
    for (const auto& item : core.area()) a[item.component] = item.area_um2;
    EXPECT_DOUBLE_EQ(a.at("sram_macro"), 64 * 12103.0);
    EXPECT_DOUBLE_EQ(a.at("mac"), 54000.0);
    EXPECT_DOUBLE_EQ(a.at("input_register"), 7000.0);
    EXPECT_DOUBLE_EQ(make(Memory::reram).area().at(0).area_um2, 8 * 9500.0);
}

TEST(DigitalCalibration, ComponentsMatchTableIV) {
    const Cycle r = run_cycle(Memory::reram, tech::digital(8));
    // ReRAM read 208 nJ = 166 nJ array + 8 x 5.2 nJ sense amps.
    EXPECT_WITHIN(r.vmm.by_component_nj.at("reram_array") + r.vmm.by_component_nj.at("sense_amp"), 208.0, 0.001);  // 207.94
    // Sense amps: 1024 x 1024 senses x 5 fJ = 5.24 nJ per array, printed 5.2: measured 41.94 (+0.82 %).
    EXPECT_WITHIN(r.vmm.by_component_nj.at("sense_amp"), 8 * 5.2, 0.01);
    EXPECT_NEAR(r.vmm.by_component_nj.at("sense_amp"), 8 * 1024 * 1024 * 5e-15 * 1e9, 1e-9);
    EXPECT_WITHIN(r.opu.by_component_nj.at("reram_array"), 166.0 + 676.0, 1e-9);
    // MACs: the text's 1.46 pJ x 1M operations = 1,531 nJ (reference §2.3), printed 1,500 (+2.1 %).
    EXPECT_NEAR(r.vmm.by_component_nj.at("mac"), 1024.0 * 1024 * 1.46e-3, 1e-9);
    // Cross-core: the paper's own formula gives 397 / 982 nJ against the table's 431 / 1,065
    // (reference §1.8: the table implies ~217 aF/um); the formula is implemented, not tuned, so
    // the documented 397 / 982 nJ are asserted, and the formula written out below.
    EXPECT_WITHIN(r.vmm.by_component_nj.at("core_link"), 397.0, 0.002);  // measured 397.43
    const double edge_r = std::sqrt(8 * 9500.0 + 54000 + 7000);
    EXPECT_NEAR(r.vmm.by_component_nj.at("core_link"), 200e-18 * edge_r * 0.64 * kBits * 1e9, 1e-6);
    EXPECT_NEAR(r.opu.by_component_nj.at("core_link"), 2 * r.vmm.by_component_nj.at("core_link"), 1e-6);

    const Cycle s = run_cycle(Memory::sram, tech::digital(8));
    EXPECT_WITHIN(s.vmm.by_component_nj.at("sram_macro"), 286.0, 0.005);          // 285.21 (-0.28 %)
    EXPECT_WITHIN(s.mvm.by_component_nj.at("sram_macro"), 2291.0, 0.005);         // 2281.70 (-0.41 %)
    EXPECT_WITHIN(s.opu.by_component_nj.at("sram_macro"), 286.0 + 385.0, 0.001);  // 671.09 (+0.01 %)
    // 8 Mbit x 34 fJ read, x 8 for the transpose, + 8 Mbit x 46 fJ written (reference §2.3).
    EXPECT_NEAR(s.vmm.by_component_nj.at("sram_macro"), kBits * 34e-6, 1e-9);
    EXPECT_NEAR(s.mvm.by_component_nj.at("sram_macro"), 8 * kBits * 34e-6, 1e-9);
    EXPECT_NEAR(s.opu.by_component_nj.at("sram_macro"), kBits * (34e-6 + 46e-6), 1e-9);
    EXPECT_WITHIN(s.vmm.by_component_nj.at("core_link"), 982.0, 0.002);  // measured 981.52
    const double edge_s = std::sqrt(64 * 12103.0 + 54000 + 7000);
    EXPECT_NEAR(s.vmm.by_component_nj.at("core_link"), 200e-18 * edge_s * 0.64 * kBits * 1e9, 1e-6);
    EXPECT_EQ(s.vmm.by_component_nj.count("sense_amp"), 0u);
}

TEST(DigitalCalibration, LatencyFollowsTheMemoryOrganisation) {
    const Cycle r = run_cycle(Memory::reram, tech::digital(8));
    // 1024 x 1024 bits per array / 512 per read x 86 ns; / 64 per write x 10 ns; MACs hidden.
    EXPECT_DOUBLE_EQ(r.vmm.latency_parts_ns.at("reram_array"), 1024.0 * 1024 / 512 * 86);
    EXPECT_DOUBLE_EQ(r.mvm.latency_parts_ns.at("reram_array"), 1024.0 * 1024 / 512 * 86);
    EXPECT_DOUBLE_EQ(r.opu.latency_parts_ns.at("reram_array"), 1024.0 * 1024 / 512 * 86 + 1024.0 * 1024 / 64 * 10);
    EXPECT_NEAR(r.vmm.latency_ns, 176128 + 1 + 2, 1e-9);  // + input register + MAC pipeline depth
    // SRAM: 8 Mbit / (64 macros x 64 bits) x 2 ns; transpose 8x; MACs 1M / 256 x 1 ns in parallel.
    const Cycle s = run_cycle(Memory::sram, tech::digital(8));
    EXPECT_DOUBLE_EQ(s.vmm.latency_parts_ns.at("sram_macro"), kBits / (64 * 64) * 2);
    EXPECT_DOUBLE_EQ(s.mvm.latency_parts_ns.at("sram_macro"), 8 * kBits / (64 * 64) * 2);
    EXPECT_NEAR(s.vmm.latency_ns, 4096 + 3, 1e-9);
    for (const Cycle* c : {&r, &s})
        for (const Breakdown* b : {&c->vmm, &c->mvm, &c->opu}) {
            double parts = 0;
            for (const auto& [k, ns] : b->latency_parts_ns) parts += ns;
            EXPECT_NEAR(parts, b->latency_ns, 1e-9);
        }
}

TEST(DigitalCalibration, ReducedPrecisionCyclesMatchTableIII_IV) {
    // Measured: ReRAM 5458.5 (-2.18 %) / 4236.0 nJ (-2.40 %), SRAM 9816.2 (-3.29 %) / 8650.8 nJ
    // (-3.56 %): below the table by the formula's cross-core link (363 / 341 nJ against 394 / 370
    // per ReRAM transfer, 968 / 960 against 1,051 / 1,042 for SRAM).
    const double reram[] = {5580.0, 4340.0}, sram[] = {10150.0, 8970.0};
    const double reram_tol[] = {0.025, 0.03}, sram_tol[] = {0.04, 0.04};
    // The MACs: Table IV's 900 / 520 nJ per 1M operations; measured 901.8 (+0.20 %) / 524.3 (+0.82 %).
    const double mac[] = {900.0, 520.0}, mac_tol[] = {0.005, 0.01};
    const double sram_cycle_ns = (1 + 8 + 2) * 8.0 * 1024 * 1024 / (64 * 64) * 2;  // 45.056 us, see above
    for (int k = 0; k < 2; ++k) {
        const int bits = k == 0 ? 4 : 2;
        SCOPED_TRACE(bits);
        const Cycle r = run_cycle(Memory::reram, tech::digital(bits));
        const Cycle s = run_cycle(Memory::sram, tech::digital(bits));
        EXPECT_WITHIN(r.energy(), reram[k], reram_tol[k]);
        EXPECT_WITHIN(s.energy(), sram[k], sram_tol[k]);
        EXPECT_WITHIN(r.latency(), 692e3, 0.001);  // latency does not depend on the I/O width
        EXPECT_WITHIN(s.latency(), sram_cycle_ns, 0.001);
        EXPECT_WITHIN(r.vmm.by_component_nj.at("mac"), mac[k], mac_tol[k]);
    }
}

TEST(DigitalCalibration, ReramArrayEnergyEquationsDoNotReproduceTheStatedFigures) {
    // The rejected derivation, written out: C_line V^2 + I V tau per bit with Table I values.
    const double c_line = 1024 * (200e-18 * 0.064 + 35e-18);
    const double rd = c_line * 0.954 * 0.954 + 98e-9 * 0.954 * 86e-9;
    const double wr = c_line * 1.8 * 1.8 + 846e-9 * 1.8 * 10e-9;
    const auto core = make(Memory::reram);
    EXPECT_NEAR(core.cost_table().reram_read_bit_eq_fj, rd * 1e15, 1e-9);
    EXPECT_NEAR(core.cost_table().reram_write_bit_eq_fj, wr * 1e15, 1e-9);
    // Per full 1 MB store that is 441 / 1,458 nJ (220 / 729 nJ with Eq. 3's 50 % activity) against
    // the stated 166 / 676 nJ, so the table uses the stated totals per bit.
    EXPECT_NEAR(core.actions()[energy::kDigReadBit].energy_pj, 166e3 / kBits, 1e-12);
    EXPECT_NEAR(core.actions()[energy::kDigWriteBit].energy_pj, 676e3 / kBits, 1e-12);
    EXPECT_NEAR(core.actions()[energy::kDigSenseBit].energy_pj, 0.005, 1e-15);
    EXPECT_NEAR(core.actions()[energy::kDigMac].energy_pj, 1.46, 1e-15);
}

TEST(DigitalCalibration, HalfSizeRegionFollowsTheOrganisation) {
    const energy::DigitalParams p = tech::digital(8);
    const Cycle full = run_cycle(Memory::reram, p);
    const Cycle quarter = run_cycle(Memory::reram, p, {512, 512});
    const Cycle half = run_cycle(Memory::reram, p, {512, 1024});
    // ReRAM: 512 rows x ceil(512 / 512) reads x 86 ns; 512 x ceil(512 / 64) writes x 10 ns.
    EXPECT_DOUBLE_EQ(quarter.vmm.latency_parts_ns.at("reram_array"), 512 * 86.0);
    EXPECT_DOUBLE_EQ(quarter.mvm.latency_parts_ns.at("reram_array"), 512 * 86.0);
    EXPECT_DOUBLE_EQ(quarter.opu.latency_parts_ns.at("reram_array"), 512 * 86.0 + 512 * 8 * 10.0);
    EXPECT_DOUBLE_EQ(half.vmm.latency_parts_ns.at("reram_array"), 0.5 * full.vmm.latency_parts_ns.at("reram_array"));
    EXPECT_DOUBLE_EQ(half.mvm.latency_parts_ns.at("reram_array"), 0.5 * full.mvm.latency_parts_ns.at("reram_array"));
    // Energy: every component moves a quarter of the bits (same core, same wire length).
    for (const auto& [comp, nj] : full.vmm.by_component_nj)
        EXPECT_NEAR(quarter.vmm.by_component_nj.at(comp), nj / 4, nj * 1e-12) << comp;
    for (const auto& [comp, nj] : full.opu.by_component_nj)
        EXPECT_NEAR(quarter.opu.by_component_nj.at(comp), nj / 4, nj * 1e-12) << comp;

    // SRAM: 512 rows x 64 words / 64 macros x 2 ns; transpose one word per weight.
    const Cycle s = run_cycle(Memory::sram, p, {512, 512});
    EXPECT_DOUBLE_EQ(s.vmm.latency_parts_ns.at("sram_macro"), 512.0 * 64 / 64 * 2);
    EXPECT_DOUBLE_EQ(s.mvm.latency_parts_ns.at("sram_macro"), 512.0 * 512 / 64 * 2);
    EXPECT_NEAR(s.vmm.by_component_nj.at("sram_macro"), 512.0 * 512 * 8 * 34e-6, 1e-9);
    // A region starting mid-word touches one more word per row.
    cores::DigitalCore sram = make(Memory::sram, p);
    std::vector<std::int8_t> x(512, 1), y(512);
    const Breakdown off = sum(sram, sram.vmm({512, 512, 0, 4}, x.data(), y.data(), 1.0f));
    EXPECT_DOUBLE_EQ(off.latency_parts_ns.at("sram_macro"), 512.0 * 65 / 64 * 2);

    // A core built 512 x 512: the SRAM needs a quarter of the macros, so its bandwidth drops too.
    energy::DigitalParams small = p;
    small.rows = small.cols = 512;
    const Cycle sc = run_cycle(Memory::sram, small);
    EXPECT_EQ(make(Memory::sram, small).cost_table().n_arrays, 16);
    EXPECT_DOUBLE_EQ(sc.vmm.latency_parts_ns.at("sram_macro"), 512.0 * 64 / 16 * 2);
    EXPECT_NEAR(sc.area, 16 * 12103.0 + 54000 + 512 * 8 * 7000.0 / 8192, 1e-6);
}

TEST(DigitalCalibration, RejectsMeaninglessParameters) {
    energy::DigitalParams p = tech::digital();
    p.bits_in = 9;
    EXPECT_THROW(make(Memory::reram, p), std::invalid_argument);
    p = tech::digital();
    p.acc_bits = 32;
    EXPECT_THROW(make(Memory::sram, p), std::invalid_argument);
    p = tech::digital();
    p.reram_read_ns = 0;
    EXPECT_THROW(make(Memory::reram, p), std::invalid_argument);
    EXPECT_THROW(energy::digital_design(6), std::invalid_argument);
    EXPECT_STREQ(make(Memory::reram).variant(), "digital_reram");
    EXPECT_STREQ(make(Memory::sram).variant(), "sram");
}
