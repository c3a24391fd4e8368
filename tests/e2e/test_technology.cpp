// The technology file end to end: doubling one of the system entries (host, SRAM buffers) through
// /technology/overrides changes exactly the actions whose equations contain it, by the factor the
// equation gives, and nothing else (the core, wire and DRAM entries: test_technology_effects.cpp);
// the effective technology is in summary.json; a bad technology file is exit 2 with its path and
// nothing written. Scenarios and technology files are written under the test's scratch folder.
#include <fstream>
#include <map>
#include <string>

#include <gtest/gtest.h>

#include "e2e_util.h"

namespace {
using nlohmann::json;
namespace fs = std::filesystem;

// M18 Table I: the read voltage, written out independently of technologies/marinella2018.json.
constexpr double kVread = 0.785;

struct Action {
    double count, energy_nj, pj_per_event;
};
struct Result {
    std::map<std::string, Action> actions;  // "owner.component.action@kernel"
    std::map<std::string, double> latency_parts_ns;  // "kernel.part"
    json area, summary;
};

// The 8-bit paper scenario (one VMM, one MVM, one worst-case OPU) with `technology` added.
Result run_paper(const std::string& name, const json& technology) {
    const fs::path w = e2e::scratch("tech-" + name);
    json doc = json::parse(e2e::slurp(fs::path(XBAR_SOURCE_DIR) / "scenarios/paper/analog-8bit.json"));
    if (!technology.is_null()) doc["technology"] = technology;
    const auto r = e2e::run_doc(doc, w);
    EXPECT_EQ(r.exit_code, 0) << r.err;
    Result out;
    out.summary = e2e::summary(w / "out");
    for (const auto& a : out.summary.at("energy").at("actions")) {
        const std::string key = a["owner"].get<std::string>() + "." + a["component"].get<std::string>() + "." +
                                a["action"].get<std::string>() + "@" + a["kernel"].get<std::string>();
        out.actions[key] = {a["count"], a["energy_nj"], a["energy_pj_per_event"]};
    }
    for (const auto& k : out.summary.at("kernels"))
        for (const auto& [part, ns] : k.at("latency_breakdown_ns_mean").items())
            out.latency_parts_ns[k["kernel"].get<std::string>() + "." + part] = ns;
    out.area = out.summary.at("area");
    return out;
}

const Result& baseline() {
    static const Result r = run_paper("baseline", nullptr);
    return r;
}

// Every action whose name starts with a prefix in `changed` has per-event energy `expected_pj`
// (the equation) and the same count; every other action and every latency part and area are
// exactly the baseline's.
void expect_only(const Result& r, const std::map<std::string, double>& changed, const char* why) {
    const Result& b = baseline();
    ASSERT_EQ(r.actions.size(), b.actions.size()) << why;
    int hits = 0;
    for (const auto& [key, base] : b.actions) {
        const Action& a = r.actions.at(key);
        EXPECT_EQ(a.count, base.count) << why << ": " << key;
        const std::string name = key.substr(0, key.find('@'));
        const auto it = changed.find(name);
        if (it == changed.end()) {
            EXPECT_EQ(a.energy_nj, base.energy_nj) << why << ": " << key << " must not change";
            continue;
        }
        ++hits;
        EXPECT_NEAR(a.pj_per_event, it->second, it->second * 1e-12) << why << ": " << key;
        EXPECT_NEAR(a.energy_nj, a.count * it->second * 1e-3, a.energy_nj * 1e-12) << why << ": " << key;
    }
    EXPECT_GE(hits, int(changed.size())) << why << ": every changed action must appear";
    EXPECT_EQ(r.area, b.area) << why;
}
}  // namespace

// The system around the core: DRAM per bit, the host's arithmetic, the tile's SRAM buffers.
// paper_kernels writes the 1024 x 1024 float32 weights into DRAM and PROGRAM reads them back;
// the firmware draws and scales each weight (2 host ops per weight).
TEST(Technology, TheHostsArithmeticCostsItsEntriesPerOp) {
    const double ops = 2.0 * 1024 * 1024;
    EXPECT_EQ(baseline().summary.at("host").at("arithmetic_ops").get<double>(), ops);
    const Result e = run_paper("host-pj", {{"overrides", {{"host.op_pj", 140}}}});
    expect_only(e, {{"host.cpu.arithmetic_op", 140.0}}, "host.op_pj = 140");
    EXPECT_EQ(e.actions.at("host.cpu.arithmetic_op@host").count, ops);
    // Host time is serial with everything else in this program: the run lasts ops x 1 ns longer.
    const Result t = run_paper("host-ns", {{"overrides", {{"host.op_ns", 2.0}}}});
    EXPECT_NEAR(t.summary.at("sim_time_ns").get<double>() - baseline().summary.at("sim_time_ns").get<double>(),
                ops * 1.0, 1e-6);
    EXPECT_EQ(t.latency_parts_ns, baseline().latency_parts_ns);
}

TEST(Technology, DoublingTheSramReadEnergyDoublesOnlyTheBufferReads) {
    const Result r = run_paper("sram-read", {{"overrides", {{"sram.read_fj_per_bit", 68}}}});
    // The analog tile's buffers are sram.* macros: every read bit of IN_BUF costs 68 fJ.
    expect_only(r, {{"tile0.input_buffer.read_bit", 68e-3}}, "sram.read_fj_per_bit = 68");
    // 1024 codes in 64-bit words over 4 macros of 2 ns: the VMM reads 1024 codes, the OPU 2 x 1024.
    const double bits = 1024.0 * 8;
    EXPECT_EQ(r.actions.at("tile0.input_buffer.read_bit@vmm").count, bits);
    EXPECT_EQ(r.actions.at("tile0.input_buffer.read_bit@opu").count, 2 * bits);
}

TEST(Technology, SummaryListsTheEffectiveTechnologyWithOverrides) {
    const Result r = run_paper("summary", {{"overrides", {{"adc.comparator_ua", 40}}}});
    const json& t = r.summary.at("technology");
    EXPECT_EQ(t.at("technology"), "marinella2018");
    EXPECT_EQ(t.at("file"), "technologies/marinella2018.json (default)");
    const json& e = t.at("entries");
    EXPECT_GE(e.size(), 60u);
    for (const auto& [name, v] : e.items()) {
        EXPECT_FALSE(v.at("unit").get<std::string>().empty()) << name;
        EXPECT_FALSE(v.at("source").get<std::string>().empty()) << name;
        EXPECT_EQ(v.at("overridden").get<bool>(), name == "adc.comparator_ua") << name;
    }
    EXPECT_EQ(e.at("adc.comparator_ua").at("value"), 40);
    EXPECT_NE(e.at("adc.comparator_ua").at("source").get<std::string>().find("/technology/overrides/adc.comparator_ua"),
              std::string::npos);
    // The reference values the paper prints (M18 Table I, §IV-E).
    EXPECT_EQ(e.at("analog_cell.v_read").at("value"), kVread);
    EXPECT_EQ(e.at("analog_cell.v_read").at("source"), "M18 Table I: analog read voltage 0.785 V");
    EXPECT_EQ(baseline().summary.at("technology").at("entries").at("adc.comparator_ua").at("value"), 20);
}

TEST(Technology, AFileNextToTheScenarioIsFoundAndABadOneIsExit2WithNothingWritten) {
    const fs::path w = e2e::scratch("tech-files");
    fs::create_directories(w / "tech");
    json t = json::parse(e2e::slurp(fs::path(XBAR_SOURCE_DIR) / "technologies/marinella2018.json"));
    t["technology"] = "low-voltage";
    t["analog_cell"]["v_read"] = {{"value", 0.5}, {"unit", "V"}, {"source", "assumption: a test"}};
    std::ofstream(w / "tech" / "low.json") << t.dump(1);
    json bad = t;
    bad["integrator"]["voltage"]["value"] = 0.0;  // a zero voltage
    std::ofstream(w / "tech" / "bad.json") << bad.dump(1);
    json doc = json::parse(e2e::slurp(fs::path(XBAR_SOURCE_DIR) / "scenarios/paper/analog-8bit.json"));
    doc["technology"] = {{"file", "tech/low.json"}};
    std::ofstream(w / "good.json") << doc.dump(1);
    doc["technology"] = {{"file", "tech/bad.json"}};
    std::ofstream(w / "bad.json") << doc.dump(1);

    const auto ok = e2e::xbar("run '" + (w / "good.json").string() + "' --out '" + (w / "good").string() + "'", w / "r1");
    ASSERT_EQ(ok.exit_code, 0) << ok.err;
    const json s = e2e::summary(w / "good");
    EXPECT_EQ(s.at("technology").at("technology"), "low-voltage");
    EXPECT_EQ(s.at("technology").at("file"), "tech/low.json");
    EXPECT_EQ(s.at("technology").at("entries").at("analog_cell.v_read").at("value"), 0.5);

    const auto r = e2e::xbar("run '" + (w / "bad.json").string() + "' --out '" + (w / "bad").string() + "'", w / "r2");
    EXPECT_EQ(r.exit_code, 2) << r.err;
    EXPECT_NE(r.err.find("tech/bad.json: /integrator/voltage/value: expected a physical value in (0, 10] V, got 0"),
              std::string::npos) << r.err;
    EXPECT_NE(r.err.find("bad.json, /technology/file"), std::string::npos) << r.err;
    EXPECT_FALSE(fs::exists(w / "bad"));
}

TEST(Technology, ASweepAxisCanBeATechnologyEntry) {
    const fs::path w = e2e::scratch("tech-sweep");
    fs::create_directories(w);
    const json spec = {{"name", "tech-sweep"},
                       {"scenario", (fs::path(XBAR_SOURCE_DIR) / "scenarios/paper/analog-8bit.json").string()},
                       {"grid", {{"/technology/overrides/adc.comparator_ua", {20, 40}}}}};
    std::ofstream(w / "spec.json") << spec.dump(1);
    const auto r = e2e::xbar("sweep '" + (w / "spec.json").string() + "' -j 2 --out '" + (w / "out").string() + "'", w);
    ASSERT_EQ(r.exit_code, 0) << r.err;
    std::vector<double> cycle_nj;
    for (const char* point : {"0", "1"}) {
        const fs::path run = w / "out" / "points" / point / "run";
        ASSERT_TRUE(fs::exists(run / "summary.json")) << run;
        EXPECT_EQ(e2e::summary(run).at("technology").at("entries").at("adc.comparator_ua").at("value"), point[0] == '0' ? 20 : 40);
        cycle_nj.push_back(e2e::summary(run).at("cycle").at("tile0").at("energy_nj").get<double>());
    }
    // Doubling the comparator current adds one more ADC energy per read: 2 reads x 1024 comparators
    // x 20 uA x 1.8 V x 256 ns (M18 §IV-E) = 2 x 9.437 nJ.
    EXPECT_NEAR(cycle_nj[1] - cycle_nj[0], 2 * 1024 * 20e-6 * 1.8 * 256e-9 * 1e9, 1e-9);
}

TEST(Technology, EveryCommittedScenarioValidates) {
    const fs::path root = fs::path(XBAR_SOURCE_DIR) / "scenarios";
    int n = 0;
    for (const auto& e : fs::recursive_directory_iterator(root)) {
        if (e.path().extension() != ".json" || e.path().parent_path().filename() == "sweeps") continue;
        const auto r = e2e::xbar("validate --strict '" + e.path().string() + "'", e2e::scratch("validate-" + std::to_string(n++)));
        EXPECT_EQ(r.exit_code, 0) << e.path() << ": " << r.err;
    }
    EXPECT_GE(n, 20);
}

TEST(Technology, TheComparatorScenarioHalvesTheAdcEnergy) {
    const fs::path w = e2e::scratch("tech-adc10");
    const auto r = e2e::xbar("run '" + (fs::path(XBAR_SOURCE_DIR) / "scenarios/technology/adc-comparator-10ua.json").string() +
                             "' --out '" + (w / "out").string() + "'", w);
    ASSERT_EQ(r.exit_code, 0) << r.err;
    const json s = e2e::summary(w / "out");
    // One 8-bit read: 1024 comparators x 10 uA x 1.8 V x 256 ns = 4.72 nJ (M18 §IV-E with the override).
    for (const auto& a : s.at("energy").at("actions")) {
        if (a["action"] == "comparator_ns") {
            EXPECT_NEAR(a["energy_nj"].get<double>(), 1024 * 10e-6 * 1.8 * 256e-9 * 1e9, 1e-9) << a.dump();
        }
    }
    EXPECT_NEAR(s.at("cycle").at("tile0").at("energy_nj").get<double>(),
                baseline().summary.at("cycle").at("tile0").at("energy_nj").get<double>() - 1024 * 10e-6 * 1.8 * 256e-9 * 2 * 1e9,
                1e-9);
}
