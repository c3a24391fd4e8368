#include "platform/compare.h"

#include <sys/wait.h>

#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>
#include <thread>

#include <nlohmann/json.hpp>

#include "platform/files.h"
#include "platform/report.h"

namespace xbar::platform {

namespace fs = std::filesystem;
using nlohmann::json;

const std::vector<std::string>& variant_names() {
    static const std::vector<std::string> v{"analog_reram", "digital_reram", "sram"};
    return v;
}

namespace {

double kernel_field(const json& s, const char* kernel, const char* field) {
    for (const auto& k : s["kernels"])
        if (k["tile"] == "tile0" && k["kernel"] == kernel) return k[field].get<double>();
    return 0.0;
}

}  // namespace

int run_compare(const CompareOptions& o) {
    fs::create_directories(o.out);
    std::vector<int> codes(o.variants.size(), 0);
    std::atomic<std::size_t> next{0};
    auto worker = [&] {
        for (std::size_t i; (i = next++) < o.variants.size();) {
            const fs::path dir = fs::path(o.out) / o.variants[i];
            std::string cmd = shell_quote(o.self) + " run " + shell_quote(o.scenario) + " --variant " + o.variants[i] + " --out " +
                              shell_quote(dir.string());
            if (o.seed) cmd += " --seed " + std::to_string(*o.seed);
            cmd += " > " + shell_quote((fs::path(o.out) / (o.variants[i] + ".log")).string()) + " 2>&1";
            const int rc = std::system(cmd.c_str());
            codes[i] = WIFEXITED(rc) ? WEXITSTATUS(rc) : 3;
        }
    };
    std::vector<std::thread> pool;
    for (int k = 0; k < std::max(1, o.jobs); ++k) pool.emplace_back(worker);
    for (auto& t : pool) t.join();
    for (std::size_t i = 0; i < o.variants.size(); ++i)
        if (codes[i] != 0) {
            std::cerr << "xbar-vp compare: variant " << o.variants[i] << " exited with " << codes[i] << ", see "
                      << (fs::path(o.out) / (o.variants[i] + ".log")).string() << "\n";
            return codes[i];
        }

    // Gather: one row per variant, ratios against the analog tile when it ran.
    json rows = json::array();
    const json* analog = nullptr;
    std::vector<json> sums;
    for (const auto& v : o.variants) {
        std::ifstream in(fs::path(o.out) / v / "summary.json");
        sums.push_back(json::parse(in));
    }
    for (std::size_t i = 0; i < o.variants.size(); ++i)
        if (o.variants[i] == "analog_reram") analog = &sums[i];
    for (std::size_t i = 0; i < o.variants.size(); ++i) {
        const json& s = sums[i];
        json r;
        r["variant"] = o.variants[i];
        for (const char* k : {"vmm", "mvm", "opu"}) {
            r[std::string(k) + "_latency_ns"] = kernel_field(s, k, "latency_ns_mean");
            r[std::string(k) + "_energy_nj"] = kernel_field(s, k, "energy_nj_mean");
        }
        const json cyc = s["cycle"].value("tile0", json::object());
        r["cycle_latency_ns"] = cyc.value("latency_ns", 0.0);
        r["cycle_energy_nj"] = cyc.value("energy_nj", 0.0);
        r["area_um2"] = s["area"]["tile0"].value("periphery_um2", 0.0);
        r["total_energy_nj"] = s["energy"]["total_nj"];
        r["sim_time_ns"] = s["sim_time_ns"];
        if (s.contains("training")) r["test_accuracy"] = s["training"]["epochs"].back()["test_accuracy"];
        if (analog) {
            const json ac = (*analog)["cycle"].value("tile0", json::object());
            auto ratio = [](double a, double b) { return b > 0 ? a / b : 0.0; };
            r["energy_vs_analog"] = ratio(r["cycle_energy_nj"], ac.value("energy_nj", 0.0));
            r["latency_vs_analog"] = ratio(r["cycle_latency_ns"], ac.value("latency_ns", 0.0));
            r["area_vs_analog"] = ratio(r["area_um2"], (*analog)["area"]["tile0"].value("periphery_um2", 0.0));
        }
        rows.push_back(r);
    }
    json out{{"schema_version", 1}, {"scenario", o.scenario}, {"variants", rows}};
    write_file_atomically(fs::path(o.out) / "compare.json", out.dump(2) + "\n");
    write_file_atomically(fs::path(o.out) / "report.html", render_compare_report(out, sums));

    // CSV with a fixed column order.
    const std::vector<std::string> cols{"variant", "vmm_latency_ns", "vmm_energy_nj", "mvm_latency_ns", "mvm_energy_nj",
                                        "opu_latency_ns", "opu_energy_nj", "cycle_latency_ns", "cycle_energy_nj",
                                        "area_um2", "energy_vs_analog", "latency_vs_analog", "area_vs_analog",
                                        "test_accuracy", "total_energy_nj", "sim_time_ns"};
    std::ostringstream csv;
    for (std::size_t c = 0; c < cols.size(); ++c) csv << (c ? "," : "") << cols[c];
    csv << "\n";
    for (const auto& r : rows) {
        for (std::size_t c = 0; c < cols.size(); ++c) {
            csv << (c ? "," : "");
            if (!r.contains(cols[c])) continue;
            if (r[cols[c]].is_string()) csv << r[cols[c]].get<std::string>();
            else csv << r[cols[c]].dump();
        }
        csv << "\n";
    }
    write_file_atomically(fs::path(o.out) / "compare.csv", csv.str());

    char buf[256];
    std::cout << "xbar-vp compare " << o.scenario << "\n\n";
    std::snprintf(buf, sizeof buf, "  %-14s %12s %12s %12s %12s %12s %12s %10s %8s %8s %8s %8s\n", "variant", "VMM ns",
                  "VMM nJ", "MVM ns", "MVM nJ", "OPU ns", "OPU nJ", "area um2", "E/analog", "t/analog", "A/analog",
                  "test acc");
    std::cout << buf;
    for (const auto& r : rows) {
        std::snprintf(buf, sizeof buf, "  %-14s %12.1f %12.2f %12.1f %12.2f %12.1f %12.2f %10.0f %8.1f %8.1f %8.2f %8s\n",
                      r["variant"].get<std::string>().c_str(), r["vmm_latency_ns"].get<double>(),
                      r["vmm_energy_nj"].get<double>(), r["mvm_latency_ns"].get<double>(), r["mvm_energy_nj"].get<double>(),
                      r["opu_latency_ns"].get<double>(), r["opu_energy_nj"].get<double>(), r["area_um2"].get<double>(),
                      r.value("energy_vs_analog", 0.0), r.value("latency_vs_analog", 0.0), r.value("area_vs_analog", 0.0),
                      r.contains("test_accuracy") ? (std::to_string(100 * r["test_accuracy"].get<double>()).substr(0, 5) + "%").c_str() : "-");
        std::cout << buf;
    }
    std::cout << "\n  cycle = VMM + MVM + OPU; ratios are cycle energy, cycle latency and area over the analog tile's\n"
              << "  outputs: " << (fs::path(o.out) / "compare.json").string() << ", " << (fs::path(o.out) / "compare.csv").string()
              << ", " << (fs::path(o.out) / "report.html").string() << ", and one folder per variant\n";
    return 0;
}

}  // namespace xbar::platform
