// Architecture scenarios: the ADC bank's sharing and converter type seen from a whole run. The
// expectations are the bank's equations written out here from the technology file's values
// (M18 §IV-E ramp: 2^8 levels x 1 ns, 5.7 um2 per comparator; ISAAC's SAR: 1/1.2 GHz and
// 1200 um2 per 8-bit converter), not the run's own numbers.
#include <algorithm>
#include <map>
#include <sstream>

#include <gtest/gtest.h>

#include "e2e_util.h"

namespace {
using nlohmann::json;
namespace fs = std::filesystem;
const fs::path kScenarios = fs::path(XBAR_SOURCE_DIR) / "scenarios";

json paper_8bit() {
    std::ifstream in(kScenarios / "paper/analog-8bit.json");
    return json::parse(in);
}

json run(json doc, const std::string& tag) {
    const fs::path w = e2e::scratch("arch-" + tag);
    const auto r = e2e::run_doc(doc, w);
    EXPECT_EQ(r.exit_code, 0) << r.err;
    return e2e::summary(w / "out");
}

const json& kernel(const json& s, const std::string& k) {
    for (const auto& x : s.at("kernels"))
        if (x.at("kernel") == k) return x;
    throw std::runtime_error("no kernel " + k);
}
}  // namespace

// The paper's full-array kernels with 8 columns per ramp ADC: the VMM's and MVM's ADC phase is 8
// ramps of 256 ns, the ADC area 128 comparators, and the OPU (no conversion) keeps its time.
TEST(Architecture, EightColumnsPerRampAdcSerializeTheReadsAndDivideTheArea) {
    json doc = paper_8bit();
    const json one = run(doc, "ramp1");
    doc["tile"]["adc"] = {{"columns_per_adc", 8}};
    const json eight = run(doc, "ramp8");
    for (const char* k : {"vmm", "mvm"}) {
        EXPECT_DOUBLE_EQ(kernel(one, k).at("latency_breakdown_ns_mean").at("adc").get<double>(), 256.0) << k;
        EXPECT_DOUBLE_EQ(kernel(eight, k).at("latency_breakdown_ns_mean").at("adc").get<double>(), 8 * 256.0) << k;
        EXPECT_NEAR(kernel(eight, k).at("latency_ns_mean").get<double>() - kernel(one, k).at("latency_ns_mean").get<double>(),
                    7 * 256.0, 1e-6) << k;
    }
    EXPECT_DOUBLE_EQ(kernel(eight, "opu").at("latency_breakdown_ns_mean").at("temporal_driver").get<double>(),
                     kernel(one, "opu").at("latency_breakdown_ns_mean").at("temporal_driver").get<double>());
    EXPECT_NEAR(one.at("area").at("tile0").at("components_um2").at("adc").get<double>(), 1024 * 5.7, 1e-9);
    EXPECT_NEAR(eight.at("area").at("tile0").at("components_um2").at("adc").get<double>(), 128 * 5.7, 1e-9);
    bool listed = false;  // the mux in front of each shared converter costs nothing: said so
    for (const auto& n : eight.at("not_modelled")) listed = listed || n.at("component") == "tile0.adc_mux";
    EXPECT_TRUE(listed);
}

// A SAR bank with 128 columns per converter (ISAAC's sharing): 8 converters of 1200 um2, the ADC
// phase 128 conversions of 1/1.2 ns, 1024 conversions of 16 mW / 8 / 1.2 GHz per full-array read.
TEST(Architecture, SarBankFollowsItsConversionFigures) {
    json doc = paper_8bit();
    doc["tile"]["adc"] = {{"type", "sar"}, {"columns_per_adc", 128}};
    const json s = run(doc, "sar128");
    EXPECT_NEAR(kernel(s, "vmm").at("latency_breakdown_ns_mean").at("adc").get<double>(), 128 / 1.2, 1e-9);
    EXPECT_NEAR(s.at("area").at("tile0").at("components_um2").at("adc").get<double>(), 8 * 1200.0, 1e-9);
    double vmm_nj = -1;
    for (const auto& a : s.at("energy").at("actions"))
        if (a.at("action") == "sar_conversion" && a.at("kernel") == "vmm")
            vmm_nj = a.at("energy_nj").get<double>() / kernel(s, "vmm").at("count").get<double>();
    EXPECT_NEAR(vmm_nj, 1024 * 16e-3 / 8 / 1.2e9 * 1e9, 1e-9);
}

// Two architecture scenarios run (training on the digits; every committed scenario validates in
// test_technology.cpp) and train to the same accuracy: the ADC bank changes time, energy and
// area, not the numerics (both converters are uniform 8-bit quantizers).
TEST(Architecture, TheCommittedAdcScenariosRun) {
    double acc = -1;
    for (const char* name : {"adc-sharing-8", "adc-sar-128"}) {
        const fs::path w = e2e::scratch(std::string("arch-scn-") + name);
        const auto r = e2e::xbar("run '" + (kScenarios / "architecture" / (std::string(name) + ".json")).string() +
                                 "' --out '" + (w / "out").string() + "'", w);
        ASSERT_EQ(r.exit_code, 0) << name << ": " << r.err;
        const double a = e2e::summary(w / "out").at("firmware").at("metrics").at("test_accuracy").get<double>();
        if (acc < 0) acc = a;
        EXPECT_EQ(a, acc) << name;
        EXPECT_GT(a, 0.9) << name;
    }
}

// The architecture fields written at their defaults (1 core, one ADC bank per core, 64 KiB buffers,
// 256 digital-unit lanes) give the same summary.json and power.csv, byte for byte, as a scenario
// without them: a short noisy training run (read and write noise draw from the core's seed, the
// digital unit runs every sample) on two tiles of a /platform/tiles list. Both documents go
// through the same code, so this checks the defaults only, not that the outputs are those of the
// code before the fields existed (core 0 keeps a tile's old seed by construction,
// platform/system.cpp core_seed). Written in a list element, the defaults change nothing either
// but the echo of that list in summary.json (scenario.platform.tiles, as the user wrote it).
// /tile/adc/shared written on single-core tiles is a warning.
TEST(Architecture, TheArchitectureFieldsAtTheirDefaultsChangeNoOutput) {
    const json plain = {
        {"firmware", {{"program", "train_mlp"}, {"epochs", 1}, {"train_limit", 40}, {"test_limit", 20}}},
        {"tile", {{"rows", 128}, {"cols", 64}, {"activity", "data"}, {"read_noise", 0.01},
                  {"device", {{"model", "analytic"}, {"alpha", 2}, {"write_noise", 0.1}}}}},
        {"platform", {{"tiles", json::array({json::object(), {{"variant", "sram"}}})}}},
        {"outputs", {{"vcd", false}, {"trace", false}}}};
    json in_tile = plain;
    in_tile["tile"]["cores"] = 1;
    in_tile["tile"]["adc"]["shared"] = false;
    in_tile["tile"]["buffers"] = {{"input_bytes", 65536}, {"output_bytes", 65536}};
    in_tile["tile"]["digital_unit"]["lanes"] = 256;
    json in_list = plain;
    in_list["platform"]["tiles"][1].update({{"cores", 1}, {"buffers", {{"input_bytes", 65536}, {"output_bytes", 65536}}},
                                            {"digital_unit", {{"lanes", 256}}}});
    std::map<std::string, std::map<std::string, std::string>> out;
    for (const auto& [tag, doc] : {std::pair{"plain", plain}, std::pair{"tile", in_tile}, std::pair{"list", in_list}}) {
        const fs::path w = e2e::scratch(std::string("arch-defaults-") + tag);
        const auto r = e2e::run_doc(doc, w);
        ASSERT_EQ(r.exit_code, 0) << tag << ": " << r.err;
        EXPECT_EQ(r.err.find("/tile/adc/shared: has no effect") != std::string::npos, std::string(tag) == "tile") << r.err;
        for (const char* f : {"summary.json", "power.csv"}) out[tag][f] = e2e::slurp(w / "out" / f);
        ASSERT_FALSE(out[tag]["power.csv"].empty()) << tag;
    }
    EXPECT_TRUE(out["plain"]["summary.json"] == out["tile"]["summary.json"]) << "summary.json differs with /tile's defaults written";
    EXPECT_TRUE(out["plain"]["power.csv"] == out["tile"]["power.csv"]) << "power.csv differs with /tile's defaults written";
    EXPECT_TRUE(out["plain"]["power.csv"] == out["list"]["power.csv"]) << "power.csv differs with a list element's defaults written";
    json a = json::parse(out["plain"]["summary.json"]), b = json::parse(out["list"]["summary.json"]);
    EXPECT_NE(a, b);  // the echo of the list
    a["scenario"]["platform"].erase("tiles");
    b["scenario"]["platform"].erase("tiles");
    EXPECT_EQ(a, b);
}

// /tile/digital_unit/lanes sets the digital unit's throughput: an op on n elements takes
// pipeline + ceil(n / lanes) clocks (technology: 2 ns pipeline, 1 ns clock) at 1.46 pJ per element
// whatever the lanes. The digits MLP's ops act on a layer's outputs (36 or 10 elements), so with
// 256 lanes each takes 3 ns, and with 1 lane 2 ns + n; the elements are counted from the energy
// (n x 1.46 pJ).
TEST(Architecture, DigitalUnitLanesSetItsThroughput) {
    json doc = {{"firmware", {{"program", "train_mlp"}, {"epochs", 1}, {"train_limit", 20}, {"test_limit", 10}}},
                {"tile", {{"rows", 128}, {"cols", 64}}},
                {"outputs", {{"vcd", false}, {"trace", false}}}};
    const json wide = run(doc, "lanes-256");
    doc["tile"]["digital_unit"] = {{"lanes", 1}};
    const json one = run(doc, "lanes-1");
    const json &w = kernel(wide, "digital"), &o = kernel(one, "digital");
    const double count = w.at("count").get<double>(), elements = w.at("energy_nj_total").get<double>() / 1.46e-3;
    ASSERT_GT(count, 0);
    EXPECT_EQ(o.at("count").get<double>(), count);
    EXPECT_NEAR(o.at("energy_nj_total").get<double>(), w.at("energy_nj_total").get<double>(), 1e-9);
    EXPECT_NEAR(w.at("busy_ns").get<double>(), count * 3.0, 1e-6);
    EXPECT_NEAR(o.at("busy_ns").get<double>(), count * 2.0 + elements, 1e-6 * elements);
}

// One ADC bank for all cores written on a single-core tile: a warning naming the field on
// validate and run (the run completes), an error under --strict with nothing written.
TEST(Architecture, SharedAdcOnOneCoreIsAWarning) {
    const fs::path w = e2e::scratch("arch-shared-warning");
    fs::create_directories(w);
    const fs::path file = w / "shared.json";
    std::ofstream(file) << R"({"tile": {"rows": 64, "cols": 64, "adc": {"shared": true}},
        "firmware": {"size": 16, "vmm_count": 2, "mvm_count": 2}, "outputs": {"vcd": false}})";
    const std::string warning = "xbar-vp: warning: " + file.string() +
                                ": /tile/adc/shared: has no effect: it applies only when /tile/variant is analog_reram "
                                "and /tile/cores is not 1, but /tile/cores is 1 (remove the field)\n";
    const auto v = e2e::xbar("validate '" + file.string() + "'", w / "v");
    EXPECT_EQ(v.exit_code, 0) << v.err;
    EXPECT_EQ(v.err, warning);
    const auto run = e2e::xbar("run '" + file.string() + "' --out '" + (w / "out").string() + "'", w / "run");
    EXPECT_EQ(run.exit_code, 0) << run.err;
    EXPECT_NE(run.err.find(warning), std::string::npos) << run.err;
    EXPECT_TRUE(fs::exists(w / "out" / "summary.json"));
    const auto strict = e2e::xbar("run '" + file.string() + "' --strict --out '" + (w / "strict").string() + "'", w / "s");
    EXPECT_EQ(strict.exit_code, 2) << strict.err;
    EXPECT_NE(strict.err.find("/tile/adc/shared: has no effect"), std::string::npos) << strict.err;
    EXPECT_FALSE(fs::exists(w / "strict"));
}

// The architecture cases of the bad-input corpus (tests/bad_inputs/arch-*.json: more cores than the
// window has banks for, 0 cores, a buffer smaller than one vector or larger than the window, 0
// digital-unit lanes, a bad field in a /platform/tiles element): `run` exits 2 with one line naming
// the file and the field's path (/platform/tiles/1/... for a list element) and writes nothing.
TEST(Architecture, BadArchitectureFieldsAreExit2AndWriteNothing) {
    const fs::path dir = fs::path(XBAR_SOURCE_DIR) / "tests/bad_inputs";
    std::istringstream manifest(e2e::slurp(dir / "manifest.tsv"));
    const fs::path w = e2e::scratch("arch-bad");
    int n = 0;
    for (std::string line; std::getline(manifest, line);) {
        if (line.rfind("arch-", 0) != 0) continue;
        const std::string file = line.substr(0, line.find('\t')), fragment = line.substr(line.rfind('\t') + 1);
        const fs::path out = w / ("out" + std::to_string(n));
        const auto r = e2e::xbar("run '" + (dir / file).string() + "' --out '" + out.string() + "'", w / std::to_string(n));
        EXPECT_EQ(r.exit_code, 2) << file << ": " << r.err;
        EXPECT_EQ(r.err.rfind("xbar-vp: " + (dir / file).string() + ": ", 0), 0u) << file << ": " << r.err;
        EXPECT_NE(r.err.find(fragment), std::string::npos) << file << ": expected \"" << fragment << "\" in " << r.err;
        EXPECT_TRUE(fragment.rfind("/tile/", 0) == 0 || fragment.rfind("/platform/tiles/1/", 0) == 0) << fragment;
        EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
        EXPECT_FALSE(fs::exists(out)) << file;
        ++n;
    }
    EXPECT_EQ(n, 10);
}

namespace {
json short_scenario(const std::string& name) {
    std::ifstream in(kScenarios / "architecture" / (name + ".json"));
    json doc = json::parse(in);
    doc["firmware"]["epochs"] = 1;
    doc["firmware"]["train_limit"] = 200;
    doc["firmware"]["test_limit"] = 100;
    return doc;
}
double area_of(const json& s, const std::string& comp) {
    return s.at("area").at("tile0").at("components_um2").at(comp).get<double>();
}
}  // namespace

// One platform of an analog ReRAM tile and an SRAM tile trains with the same firmware: the hidden
// layer runs on the analog tile (its ADC, array and drivers are charged), the output layer on the
// SRAM tile (its macro and MACs), and the platform tracks its float twin.
TEST(Architecture, MixedPlatformRunsTheLayersOnBothTileKinds) {
    const json s = run(short_scenario("mixed-analog-sram"), "mixed");
    const json& comp = s.at("energy").at("by_component_nj");
    for (const char* c : {"tile0.adc", "tile0.array", "tile0.temporal_driver", "tile1.sram_macro", "tile1.mac"}) {
        double nj = 0;  // by kernel
        if (comp.contains(c))
            for (const auto& [k, v] : comp.at(c).items()) nj += v.get<double>();
        EXPECT_GT(nj, 0.0) << c;
    }
    for (const char* c : {"tile0.sram_macro", "tile1.adc"}) EXPECT_FALSE(comp.contains(c)) << c;
    std::map<std::string, double> vmm;
    for (const auto& k : s.at("kernels"))
        if (k.at("kernel") == "vmm") vmm[k.at("tile")] = k.at("count").get<double>();
    EXPECT_EQ(vmm["tile0"], 300.0);  // one forward pass per training and test sample on each layer
    EXPECT_EQ(vmm["tile1"], 300.0);
    const json& m = s.at("firmware").at("metrics");
    EXPECT_EQ(m.at("tiles_used").get<double>(), 2.0);
    EXPECT_NEAR(m.at("test_accuracy").get<double>(), m.at("float_test_accuracy").get<double>(), 0.1);
}

// Four 64x64 cores of one tile: the 65-row hidden layer is cut into two parts on cores 0 and 1,
// which run each sample's VMM at the same time (their slices on the trace overlap); the output
// layer sits on core 2. Sharing one ADC bank leaves the numerics and the energy as they are,
// makes the run longer (the two parts' conversions take turns) and has one bank's comparators
// (64 columns x 5.7 um2, M18 Table II) instead of four.
TEST(Architecture, CoresOfOneTileRunALayersPartsAtOnce) {
    const fs::path w = e2e::scratch("arch-cores4");
    const auto r = e2e::run_doc(short_scenario("cores-4"), w);
    ASSERT_EQ(r.exit_code, 0) << r.err;
    const json s = e2e::summary(w / "out");
    const json& m = s.at("firmware").at("metrics");
    EXPECT_EQ(m.at("cores_used").get<double>(), 3.0);
    EXPECT_EQ(m.at("layer0.parts").get<double>(), 2.0);
    const json trace = json::parse(e2e::slurp(w / "out" / "trace.json"));
    std::map<std::pair<int, int>, std::string> thread;
    for (const auto& e : trace.at("traceEvents"))
        if (e.at("ph") == "M" && e.at("name") == "thread_name") thread[{e.at("pid"), e.at("tid")}] = e.at("args").at("name");
    std::map<std::string, std::vector<std::pair<double, double>>> vmm;
    for (const auto& e : trace.at("traceEvents"))
        if (e.at("ph") == "X" && e.at("name") == "vmm")
            vmm[thread[{e.at("pid"), e.at("tid")}]].push_back({e.at("ts"), e.at("ts").get<double>() + e.at("dur").get<double>()});
    ASSERT_EQ(vmm["core0"].size(), 300u);
    ASSERT_EQ(vmm["core1"].size(), 300u);
    int overlapping = 0;
    for (std::size_t k = 0; k < 300; ++k)
        overlapping += vmm["core0"][k].first < vmm["core1"][k].second && vmm["core1"][k].first < vmm["core0"][k].second;
    EXPECT_EQ(overlapping, 300);

    json shared_doc = short_scenario("cores-4-shared-adc");
    const json shared = run(shared_doc, "cores4-shared");
    EXPECT_NEAR(area_of(s, "adc"), 4 * 64 * 5.7, 1e-9);
    EXPECT_NEAR(area_of(shared, "adc"), 64 * 5.7, 1e-9);
    EXPECT_EQ(shared.at("firmware").at("metrics").at("test_accuracy"), m.at("test_accuracy"));
    EXPECT_NEAR(shared.at("energy").at("total_nj").get<double>(), s.at("energy").at("total_nj").get<double>(),
                1e-9 * s.at("energy").at("total_nj").get<double>());
    EXPECT_GT(shared.at("sim_time_ns").get<double>(), s.at("sim_time_ns").get<double>());
}
