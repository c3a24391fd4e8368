#include "platform/compare.h"

#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>

#include <nlohmann/json.hpp>

#include "platform/csv.h"
#include "platform/files.h"
#include "platform/json_input.h"
#include "platform/output_dir.h"
#include "platform/report.h"
#include "platform/supervisor.h"
#include "platform/sweep.h"

namespace xbar::platform {

namespace fs = std::filesystem;
using nlohmann::json;

const std::vector<std::string>& variant_names() {
    static const std::vector<std::string> v{"analog_reram", "digital_reram", "sram"};
    return v;
}

namespace {

double kernel_field(const json& s, const char* kernel, const char* field) {
    if (!s.contains("kernels") || !s["kernels"].is_array()) return 0.0;
    for (const auto& k : s["kernels"])
        if (k.value("tile", "") == "tile0" && k.value("kernel", "") == kernel) return k.value(field, 0.0);
    return 0.0;
}

// One row of compare.json: the variant's per-call kernel figures, cycle, area and, when the
// analog tile ran, the ratios over it.
json variant_row(const std::string& variant, const json& s, const json* analog) {
    json r;
    r["variant"] = variant;
    for (const char* k : {"vmm", "mvm", "opu"}) {
        r[std::string(k) + "_latency_ns"] = kernel_field(s, k, "latency_ns_mean");
        r[std::string(k) + "_energy_nj"] = kernel_field(s, k, "energy_nj_mean");
    }
    const json cyc = s.value("cycle", json::object()).value("tile0", json::object());
    r["cycle_latency_ns"] = cyc.value("latency_ns", 0.0);
    r["cycle_energy_nj"] = cyc.value("energy_nj", 0.0);
    auto area = [](const json& x) { return x.value("area", json::object()).value("tile0", json::object()).value("periphery_um2", 0.0); };
    r["area_um2"] = area(s);
    r["total_energy_nj"] = s.value("energy", json::object()).value("total_nj", 0.0);
    r["sim_time_ns"] = s.value("sim_time_ns", 0.0);
    if (s.contains("training") && s["training"].contains("epochs") && !s["training"]["epochs"].empty())
        r["test_accuracy"] = s["training"]["epochs"].back()["test_accuracy"];
    if (analog) {
        const json ac = analog->value("cycle", json::object()).value("tile0", json::object());
        auto ratio = [](double a, double b) { return b > 0 ? a / b : 0.0; };
        r["energy_vs_analog"] = ratio(r["cycle_energy_nj"], ac.value("energy_nj", 0.0));
        r["latency_vs_analog"] = ratio(r["cycle_latency_ns"], ac.value("latency_ns", 0.0));
        r["area_vs_analog"] = ratio(r["area_um2"], area(*analog));
    }
    return r;
}

// The variant processes, supervised: codes[i] is variant i's exit code, -1 if it never started.
std::vector<int> run_variants(const CompareOptions& o, StagedOutput& staged, int& stop) {
    std::vector<ChildJob> jobs;
    for (const auto& v : o.variants) {
        ChildJob j{{o.self, "run", o.scenario, "--variant", v, "--out", (staged.dir() / v).string()}, staged.dir() / (v + ".log")};
        if (o.seed) j.argv.insert(j.argv.end(), {"--seed", std::to_string(*o.seed)});
        if (!o.max_memory.empty()) j.argv.insert(j.argv.end(), {"--max-memory", o.max_memory});
        jobs.push_back(std::move(j));
    }
    std::vector<int> codes(o.variants.size(), -1);
    Supervisor sup;
    sup.run(
        jobs, o.jobs,
        [&](std::size_t i) {
            staged.record(o.variants[i] + "/");
            staged.record(o.variants[i] + ".log");
        },
        [&](std::size_t i, const ChildExit& e) { codes[i] = e.code; });
    stop = sup.stop_signal();
    // A variant killed by a signal left its private temporary folder: remove it (own files only).
    for (const auto& v : o.variants) remove_stale_temporaries(staged.dir() / v);
    return codes;
}

std::string compare_csv(const json& rows) {
    const std::vector<std::string> cols{"variant", "vmm_latency_ns", "vmm_energy_nj", "mvm_latency_ns", "mvm_energy_nj",
                                        "opu_latency_ns", "opu_energy_nj", "cycle_latency_ns", "cycle_energy_nj",
                                        "area_um2", "energy_vs_analog", "latency_vs_analog", "area_vs_analog",
                                        "test_accuracy", "total_energy_nj", "sim_time_ns"};
    std::string csv = csv_record(cols);
    for (const auto& r : rows) {
        std::vector<std::string> cells;
        for (const auto& c : cols)
            cells.push_back(!r.contains(c) || r[c].is_null() ? std::string() : r[c].is_string() ? r[c].get<std::string>() : r[c].dump());
        csv += csv_record(cells);
    }
    return csv;
}

void print_table(const CompareOptions& o, const json& rows, const fs::path& out) {
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
              << "  outputs: " << (out / "compare.json").string() << ", " << (out / "compare.csv").string()
              << ", " << (out / "report.html").string() << ", and one folder per variant\n";
}

}  // namespace

int run_compare(const CompareOptions& o) {
    check_jobs(o.jobs, "compare");
    std::vector<std::string> planned{"compare.json", "compare.csv", "report.html"};
    for (const auto& v : o.variants) planned.insert(planned.end(), {v, v + ".log"});
    StagedOutput staged(o.out, "compare", "compare", planned);
    int stop = 0;
    std::vector<int> codes = run_variants(o, staged, stop);
    const fs::path out(o.out);
    // Only variants whose run finished (0) are compared; a failure is reported with its log.
    std::vector<json> sums(o.variants.size());
    for (std::size_t i = 0; i < o.variants.size(); ++i) {
        if (codes[i] != 0) continue;
        try {
            sums[i] = load_json_input((staged.dir() / o.variants[i] / "summary.json").string(), "summary");
        } catch (const std::exception& e) {
            std::cerr << "xbar-vp compare: variant " << o.variants[i] << ": " << e.what() << "\n";
            codes[i] = 3;
        }
    }
    for (std::size_t i = 0; i < o.variants.size() && !stop; ++i)
        if (codes[i] != 0) {
            std::cerr << "xbar-vp compare: variant " << o.variants[i] << " exited with " << codes[i] << ", see "
                      << (out / (o.variants[i] + ".log")).string() << "\n";
            staged.commit();  // the variants' folders and logs, no comparison
            // A variant killed by a signal (the OOM killer, a CPU limit: 128 + N) is a failed
            // variant, exit 4 like a sweep's failed point; 2, 3, 4 and 130 pass through.
            return codes[i] > 128 && codes[i] != 130 ? 4 : codes[i];
        }
    const json* analog = nullptr;
    for (std::size_t i = 0; i < o.variants.size(); ++i)
        if (o.variants[i] == "analog_reram" && codes[i] == 0) analog = &sums[i];
    json rows = json::array(), not_finished = json::array();
    std::vector<json> done_sums;
    for (std::size_t i = 0; i < o.variants.size(); ++i) {
        if (codes[i] != 0) {
            not_finished.push_back(o.variants[i]);
            continue;
        }
        rows.push_back(variant_row(o.variants[i], sums[i], analog));
        done_sums.push_back(sums[i]);
    }
    json result{{"schema_version", 1}, {"status", stop ? "interrupted" : "ok"}, {"scenario", o.scenario}, {"variants", rows}};
    if (stop) result["not_finished"] = not_finished;
    staged.write("compare.json", result.dump(2) + "\n");
    staged.write("report.html", render_compare_report(result, done_sums));
    staged.write("compare.csv", compare_csv(rows));
    staged.commit();
    print_table(o, rows, out);
    if (stop) {
        std::cout << "  interrupted by " << (stop == SIGINT ? "SIGINT" : "SIGTERM") << ": " << not_finished.size()
                  << " variant(s) did not finish: " << not_finished.dump() << "\n";
        return 130;
    }
    return 0;
}

}  // namespace xbar::platform
