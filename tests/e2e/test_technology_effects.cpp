// One technology entry doubled, end to end: a scenario runs as is and with the entry doubled through
// /technology/overrides (written into the test's scratch folder). The actions the entry's equation
// names change their per-event energy (and energy) by the factor the equation gives, evaluated here
// from the technology values read from technologies/marinella2018.json; the latency parts the
// equation names change by their factor and the kernel latency by the difference; every other
// action, latency part and area is identical (docs/architecture.md, "Which outputs respond to which
// technology entries", lists every entry; tests/unit/test_technology_effects.cpp checks that table).
#include <cmath>
#include <fstream>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "e2e_util.h"

namespace {
using nlohmann::json;
namespace fs = std::filesystem;

// The reference technology: "group.entry" -> value in the entry's unit.
using Tech = std::map<std::string, double>;
const Tech& reference() {
    static const Tech t = [] {
        Tech out;
        const json f = json::parse(e2e::slurp(fs::path(XBAR_SOURCE_DIR) / "technologies/marinella2018.json"));
        for (const auto& [group, entries] : f.items())
            if (entries.is_object())
                for (const auto& [name, e] : entries.items()) out[group + "." + name] = e.at("value").get<double>();
        return out;
    }();
    return t;
}

// The equations (M18, reference/marinella2018.md §1.8, §IV), in the technology's units; only their
// ratios are used, so constant factors the entries do not reach are left out where noted.
using Eq = std::function<double(const Tech&)>;
double c_line_af(const Tech& t) {  // Eq. 3: C_line = n (C_wire pitch + C_cell), n = 1024 cells
    return 1024 * (t.at("wire.c_af_per_um") * t.at("wire.m1_pitch_um") + t.at("cell.c_af"));
}
double sq(double x) { return x * x; }
const Eq kReadLineSwitch = [](const Tech& t) { return 2 * c_line_af(t) * sq(t.at("analog_cell.v_read")); };
const Eq kReadCellNs = [](const Tech& t) { return 2 * t.at("analog_cell.i_read_na") * t.at("analog_cell.v_read"); };
const Eq kWriteSetup = [](const Tech& t) {  // Eq. 4a as reconstructed (docs/architecture.md)
    const double vw = t.at("analog_cell.v_write");
    return 0.5 * 1024 * c_line_af(t) * (3 * sq(vw / 3) + sq(vw) + sq(vw / 3));
};
const Eq kWriteTransition = [](const Tech& t) {  // Eq. 4b
    const double vw = t.at("analog_cell.v_write");
    return c_line_af(t) * (sq(vw / 3) + 4.0 / 9.0 * sq(vw));
};
// §IV-K: C_wire x core edge x V_logic^2; the edge (sqrt of the periphery area) is not a wire entry.
const Eq kCoreLink = [](const Tech& t) { return t.at("wire.c_af_per_um") * sq(t.at("transistor.v_logic")); };
const Eq kComparatorNs = [](const Tech& t) { return t.at("adc.comparator_ua") * t.at("adc.comparator_v"); };
// §IV-A: 2.2 R_line C_line, R_line = 1024 x pitch x R_wire.
const Eq kLineRc = [](const Tech& t) {
    return 2.2 * 1024 * t.at("wire.m1_pitch_um") * t.at("wire.r_ohm_per_um") * c_line_af(t);
};
// The host link per bit: activity x C x route length x V^2 (activity and length are scenario fields).
const Eq kLinkBit = [](const Tech& t) { return t.at("interconnect.wire_c_af_per_um") * sq(t.at("interconnect.voltage")); };
// DRAM: the technology entry is the energy per bit read.
const Eq kDramReadBit = [](const Tech& t) { return t.at("dram.read_pj_per_bit"); };
// §IV-G: C_line V^2 + I V tau per bit read, in fJ.
const Eq kReramReadBitEquation = [](const Tech& t) {
    const double v = t.at("binary_cell.v_read");
    return (c_line_af(t) * 1e-18 * v * v + t.at("binary_cell.i_read_na") * 1e-9 * v * t.at("digital_reram.read_ns") * 1e-9) * 1e15;
};

struct Case {
    const char* entry;                        // the technology entry doubled
    const char* scenario;                     // under the source tree
    const char* variant;                      // written into /tile/variant
    std::map<std::string, Eq> actions;        // "owner/component/action" (every kernel): per-event energy
    std::map<std::string, Eq> latency_parts;  // "tile/kernel/part" (kernels[].latency_breakdown_ns_mean)
    std::map<std::string, Eq> derived;        // JSON pointer under summary.json /derived
};

const char* const kAnalog8 = "scenarios/paper/analog-8bit.json";
const char* const kCompare8 = "scenarios/paper/compare-8bit.json";

const std::vector<Case>& cases() {
    static const std::vector<Case> c = {
        {"adc.comparator_ua", kAnalog8, "analog_reram", {{"tile0/adc/comparator_ns", kComparatorNs}}, {}, {}},
        {"analog_cell.v_read", kAnalog8, "analog_reram",
         {{"tile0/array/read_line_switch", kReadLineSwitch}, {"tile0/array/read_cell_ns", kReadCellNs}}, {}, {}},
        {"wire.c_af_per_um", kAnalog8, "analog_reram",
         {{"tile0/array/read_line_switch", kReadLineSwitch},
          {"tile0/array/write_setup", kWriteSetup},
          {"tile0/array/write_transition", kWriteTransition},
          {"tile0/core_link/value_transfer", kCoreLink}},
         {{"tile0/vmm/array", kLineRc}, {"tile0/mvm/array", kLineRc}}, {}},
        {"interconnect.wire_c_af_per_um", kAnalog8, "analog_reram", {{"interconnect/link/bit", kLinkBit}}, {}, {}},
        // The binary cell reaches only the digital ReRAM's cross-check of its stated bit energies.
        {"binary_cell.v_read", kCompare8, "digital_reram", {}, {},
         {{"/tile0/reram_bit_energy_equation_fj/read", kReramReadBitEquation}}},
        // DRAM energy per bit (an assumption of the technology file): the per-event energy is the entry.
        {"dram.read_pj_per_bit", kAnalog8, "analog_reram", {{"dram/memory/read_bit", kDramReadBit}}, {}, {}},
        // More cases: one row each (entry, scenario, variant, the actions / latency parts / derived
        // outputs its equation names with the equation).
    };
    return c;
}

void PrintTo(const Case& c, std::ostream* os) { *os << c.entry << " doubled (" << c.variant << ")"; }

struct Outcome {
    std::map<std::string, json> actions;  // "owner/component/action/kernel"
    std::map<std::string, json> kernels;  // "tile/kernel"
    json summary;
};

Outcome run(const std::string& tag, const Case& c, const json& overrides) {
    const fs::path w = e2e::scratch("tech-effects-" + tag);
    json doc = json::parse(e2e::slurp(fs::path(XBAR_SOURCE_DIR) / c.scenario));
    doc["tile"]["variant"] = c.variant;
    if (!overrides.is_null()) doc["technology"] = {{"overrides", overrides}};
    const auto r = e2e::run_doc(doc, w);
    EXPECT_EQ(r.exit_code, 0) << r.err;
    Outcome out;
    out.summary = e2e::summary(w / "out");
    for (const auto& a : out.summary.at("energy").at("actions"))
        out.actions[a.at("owner").get<std::string>() + "/" + a.at("component").get<std::string>() + "/" +
                    a.at("action").get<std::string>() + "/" + a.at("kernel").get<std::string>()] = a;
    for (const auto& k : out.summary.at("kernels"))
        out.kernels[k.at("tile").get<std::string>() + "/" + k.at("kernel").get<std::string>()] = k;
    return out;
}

const Outcome& baseline(const Case& c) {
    static std::map<std::string, Outcome> runs;
    const std::string key = std::string(c.scenario) + " " + c.variant;
    if (!runs.count(key)) runs[key] = run("base-" + std::to_string(runs.size()), c, nullptr);
    return runs.at(key);
}

double factor(const Eq& eq, const Tech& doubled) { return eq(doubled) / eq(reference()); }

class TechnologyDoubling : public testing::TestWithParam<Case> {};

TEST_P(TechnologyDoubling, DoublingChangesWhatTheEquationNamesByItsFactorAndNothingElse) {
    const Case& c = GetParam();
    Tech doubled = reference();
    ASSERT_TRUE(doubled.count(c.entry)) << c.entry << " is not in technologies/marinella2018.json";
    doubled[c.entry] *= 2;
    const Outcome& b = baseline(c);
    const Outcome r = run(c.entry, c, {{c.entry, doubled[c.entry]}});
    ASSERT_EQ(r.summary.at("technology").at("entries").at(c.entry).at("value").get<double>(), doubled[c.entry]);

    // Actions: the same rows and counts; the named ones scaled by their equation's factor.
    ASSERT_EQ(r.actions.size(), b.actions.size());
    std::map<std::string, int> seen;
    for (const auto& [key, base] : b.actions) {
        ASSERT_TRUE(r.actions.count(key)) << key;
        const json& a = r.actions.at(key);
        EXPECT_EQ(a.at("count"), base.at("count")) << key;
        const auto it = c.actions.find(key.substr(0, key.rfind('/')));
        if (it == c.actions.end()) {
            EXPECT_EQ(a.at("energy_pj_per_event"), base.at("energy_pj_per_event")) << key << " must not change";
            EXPECT_EQ(a.at("energy_nj"), base.at("energy_nj")) << key << " must not change";
            continue;
        }
        ++seen[it->first];
        const double f = factor(it->second, doubled);
        EXPECT_NE(f, 1.0) << key;
        const double pe = base.at("energy_pj_per_event").get<double>() * f, nj = base.at("energy_nj").get<double>() * f;
        EXPECT_NEAR(a.at("energy_pj_per_event").get<double>(), pe, 1e-12 * pe) << key << ": factor " << f;
        EXPECT_NEAR(a.at("energy_nj").get<double>(), nj, 1e-12 * nj) << key << ": factor " << f;
    }
    for (const auto& [name, eq] : c.actions) EXPECT_GT(seen[name], 0) << name << " never ran";

    // Kernels: the named latency parts scaled, the kernel latency moved by their change (the tile
    // waits in whole picoseconds: 1 ps of rounding each way), every other part the same.
    ASSERT_EQ(r.kernels.size(), b.kernels.size());
    int parts_seen = 0;
    for (const auto& [key, base] : b.kernels) {
        ASSERT_TRUE(r.kernels.count(key)) << key;
        const json& k = r.kernels.at(key);
        double delta_ns = 0;
        for (const auto& [part, ns] : base.at("latency_breakdown_ns_mean").items()) {
            const double now = k.at("latency_breakdown_ns_mean").at(part).get<double>();
            const auto it = c.latency_parts.find(key + "/" + part);
            if (it == c.latency_parts.end()) {
                EXPECT_EQ(now, ns.get<double>()) << key << "/" << part << " must not change";
                continue;
            }
            ++parts_seen;
            const double want = ns.get<double>() * factor(it->second, doubled);
            EXPECT_NEAR(now, want, 1e-12 * want) << key << "/" << part;
            delta_ns += now - ns.get<double>();
        }
        EXPECT_EQ(k.at("latency_breakdown_ns_mean").size(), base.at("latency_breakdown_ns_mean").size()) << key;
        EXPECT_NEAR(k.at("latency_ns_mean").get<double>(), base.at("latency_ns_mean").get<double>() + delta_ns, 1e-3 + 1e-9)
            << key;
        if (delta_ns == 0) {
            EXPECT_EQ(k.at("latency_ns_mean"), base.at("latency_ns_mean")) << key;
        }
    }
    EXPECT_EQ(parts_seen, int(c.latency_parts.size()));
    if (c.latency_parts.empty()) {
        EXPECT_EQ(r.summary.at("sim_time_ns"), b.summary.at("sim_time_ns"));
    }

    // Areas: unchanged (none of these entries is an area).
    EXPECT_EQ(r.summary.at("area"), b.summary.at("area"));

    // Derived outputs the equation names.
    for (const auto& [ptr, eq] : c.derived) {
        const json::json_pointer p(ptr);
        const double want = b.summary.at("derived").at(p).get<double>() * factor(eq, doubled);
        EXPECT_NEAR(r.summary.at("derived").at(p).get<double>(), want, 1e-12 * want) << ptr;
        EXPECT_NEAR(b.summary.at("derived").at(p).get<double>(), eq(reference()), 1e-12 * eq(reference())) << ptr;
    }
}

INSTANTIATE_TEST_SUITE_P(Entries, TechnologyDoubling, testing::ValuesIn(cases()),
                         [](const testing::TestParamInfo<Case>& i) {
                             std::string n = i.param.entry;
                             for (char& ch : n)
                                 if (ch == '.') ch = '_';
                             return n;
                         });

}  // namespace
