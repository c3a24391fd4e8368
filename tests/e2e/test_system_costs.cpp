// Nothing in the system is free unless the output says so: a training run on two tiles walks its
// SystemC module tree (summary.json "modules", collected from sc_get_top_level_objects) and every
// hardware module either has energy in the ledger or is listed under "not_modelled"; every tile
// charges its buffers, derivative store and registers; the host charges its arithmetic, with a
// mini-batch accumulating its update on the host.
#include <fstream>
#include <set>

#include <gtest/gtest.h>

#include "e2e_util.h"

namespace {
using nlohmann::json;
namespace fs = std::filesystem;

// Every part of a tile that has area or latency (the core's area items and latency parts, the SRAM
// memories) also has ledger actions — a power.csv stream "<owner>.<component>", defined whether or
// not this run used it — or a not_modelled entry saying why not.
void expect_parts_charged_or_listed(const json& s, const std::string& why) {
    std::set<std::string> comp;
    for (const auto& st : s.at("power").at("streams")) comp.insert(st.get<std::string>());
    std::set<std::string> listed;
    for (const auto& n : s.at("not_modelled")) listed.insert(n.at("component").get<std::string>());
    auto check = [&](const std::string& tile, std::string part) {
        part = part.substr(0, part.find('.'));  // "temporal_driver.hv" is the temporal driver
        const std::string singular = part.back() == 's' ? part.substr(0, part.size() - 1) : part;  // "arrays"
        const bool charged = comp.count(tile + "." + part) || comp.count(tile + "." + singular);
        EXPECT_TRUE(charged || listed.count(tile + "." + part)) << why << ": " << tile << "." << part
                                                                 << " has area or time but no energy and no not_modelled entry";
    };
    for (const auto& [tile, a] : s.at("area").items()) {
        for (const auto& [part, um2] : a.at("components_um2").items()) check(tile, part);
        for (const auto& [part, um2] : a.at("memories_um2").items()) check(tile, part);
    }
    for (const auto& k : s.at("kernels"))
        for (const auto& [part, ns] : k.at("latency_breakdown_ns_mean").items()) check(k.at("tile"), part);
}

json train_two_tiles(const std::string& tag, int batch) {
    const fs::path w = e2e::scratch("system-" + tag);
    json doc = json::parse(e2e::slurp(fs::path(XBAR_SOURCE_DIR) / "scenarios/training/digits-two-tile-split.json"));
    doc["firmware"]["epochs"] = 1;
    doc["firmware"]["train_limit"] = 40;
    doc["firmware"]["test_limit"] = 20;
    doc["firmware"]["batch_size"] = batch;
    const auto r = e2e::run_doc(doc, w);
    EXPECT_EQ(r.exit_code, 0) << r.err;
    EXPECT_NE(r.out.find("not modelled (cost 0 in this run):"), std::string::npos) << r.out;
    return e2e::summary(w / "out");
}
}  // namespace

TEST(SystemCosts, EveryModuleIsChargedOrListedAsNotModelled) {
    const json s = train_two_tiles("walk", 1);
    std::set<std::string> owners, listed;
    for (const auto& [owner, nj] : s.at("energy").at("by_owner_nj").items())
        if (nj.get<double>() > 0) owners.insert(owner);
    for (const auto& n : s.at("not_modelled")) {
        const std::string c = n.at("component");
        listed.insert(c.substr(0, c.find('.')));
        EXPECT_FALSE(n.at("what").get<std::string>().empty()) << c;
    }
    // The hardware is one tree under "top": each of its children is a ledger owner with a
    // not-modelled entry; each module inside a tile is charged under the component the docs give
    // it (docs/architecture.md, module tree) or listed as not modelled.
    const std::map<std::string, std::string> inside_tile{
        {"core0", "array"}, {"core0.adc_bank", "adc"}, {"core0.driver_bank", "temporal_driver"},
        {"in_buf", "input_buffer"}, {"out_buf", "output_buffer"}, {"derivative_store", "derivative_store"},
        {"digital_unit", "digital_unit"}, {"dma", "dma_engine"}};
    const json& by_comp = s.at("energy").at("by_component_nj");
    int hardware = 0, tile_children = 0;
    std::map<std::string, bool> kinds;
    for (const auto& m : s.at("modules")) {
        if (!m.at("hardware").get<bool>()) continue;
        const std::string name = m.at("name");
        if (name == "top") continue;
        ASSERT_EQ(name.rfind("top.", 0), 0u) << name;
        const std::string path = name.substr(4);
        const std::string top = path.substr(0, path.find('.'));
        if (path == top) {
            ++hardware;
            EXPECT_TRUE(owners.count(top)) << name << " has no energy in the ledger";
            EXPECT_TRUE(listed.count(top)) << name << " has no not-modelled entry saying what it leaves out";
            continue;
        }
        ++tile_children;
        const auto it = inside_tile.find(path.substr(top.size() + 1));
        ASSERT_NE(it, inside_tile.end()) << name << " is not in the documented module tree";
        bool is_listed = false;
        for (const auto& n : s.at("not_modelled")) is_listed |= n.at("component") == top + "." + it->second;
        kinds[it->first] |= is_listed || by_comp.contains(top + "." + it->second);
    }
    // A module may idle in a run (tile1's digital unit here): its kind must be charged on some tile.
    for (const auto& [kind, ok] : kinds) EXPECT_TRUE(ok) << kind << ": neither charged on any tile nor listed";
    EXPECT_EQ(hardware, 5);  // host, interconnect, dram, tile0, tile1
    EXPECT_EQ(tile_children, 2 * 8);
    // Inside each tile: the core's actions, the SRAM memories and the registers all cost energy.
    const json& comp = s.at("energy").at("by_component_nj");
    for (const std::string t : {"tile0", "tile1"})
        for (const std::string c : {"input_buffer", "output_buffer", "registers", "array", "adc", "temporal_driver"})
            EXPECT_TRUE(comp.contains(t + "." + c)) << t << "." << c;
    EXPECT_TRUE(comp.contains("tile0.derivative_store"));  // the layers' activations run on tile0
    EXPECT_TRUE(comp.contains("tile0.digital_unit"));
    EXPECT_TRUE(comp.contains("dram.memory"));
    EXPECT_TRUE(comp.contains("host.cpu"));
    // And the tile's memories have area next to the core's.
    EXPECT_GT(s.at("area").at("tile0").at("memories_total_um2").get<double>(), 0);
    expect_parts_charged_or_listed(s, "analog training");
}

TEST(SystemCosts, EveryPartOfEachVariantsTileIsChargedOrListed) {
    for (const std::string v : {"analog_reram", "digital_reram", "sram"}) {
        const fs::path w = e2e::scratch("system-parts-" + v);
        const auto r = e2e::xbar("run '" + (fs::path(XBAR_SOURCE_DIR) / "scenarios/paper/analog-8bit.json").string() +
                                     "' --variant " + v + " --out '" + (w / "out").string() + "'",
                                 w);
        ASSERT_EQ(r.exit_code, 0) << r.err;
        expect_parts_charged_or_listed(e2e::summary(w / "out"), v);
    }
}

// The host's ops: per training sample the input encoding (3 per feature) and the output error
// (3 per class); with a mini-batch the accumulated update costs the host per nonzero input row
// 2 + 2 x n_out more, so a batch of 4 costs the host strictly more than batch 1 and its energy is
// ops x host.op_pj exactly.
TEST(SystemCosts, TheHostChargesItsArithmeticPerOp) {
    const json b1 = train_two_tiles("batch1", 1), b4 = train_two_tiles("batch4", 4);
    const double ops1 = b1.at("host").at("arithmetic_ops"), ops4 = b4.at("host").at("arithmetic_ops");
    EXPECT_GE(ops1, 40 * (3 * 64 + 3 * 10.0) + 20 * 3 * 64.0);
    EXPECT_GT(ops4, ops1);
    for (const json* s : {&b1, &b4}) {
        const json& host = s->at("energy").at("by_component_nj").at("host.cpu");
        EXPECT_NEAR(host.at("host").get<double>(), s->at("host").at("arithmetic_ops").get<double>() * 70e-3,
                    1e-9 * host.at("host").get<double>());
    }
}
