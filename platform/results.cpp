#include "platform/results.h"

#include <charconv>
#include <cstdio>
#include <algorithm>

#include "models/energy/digital_costs.h"

namespace xbar::platform {

using nlohmann::json;

namespace {
constexpr const char* kVersion = "0.1.0";

// Mean latency and energy of one kernel type on one tile (0 if it never ran).
const KernelResult* find_kernel(const RunResult& r, const std::string& tile, const std::string& k) {
    for (const auto& kr : r.kernels)
        if (kr.tile == tile && kr.kernel == k && kr.count) return &kr;
    return nullptr;
}

std::vector<std::string> tiles_of(const RunResult& r) {
    std::vector<std::string> out;
    for (const auto& k : r.kernels)
        if (std::find(out.begin(), out.end(), k.tile) == out.end()) out.push_back(k.tile);
    return out;
}
// Core components (Table II: periphery, arrays on top) and the tile's own memories.
json area_json(const RunResult& r) {
    json area = json::object();
    for (const auto& a : r.area) {
        json& t = area[a.tile];
        if (t.is_null()) t = json::object();
        if (a.tile_level) {
            t["memories_um2"][a.component] = a.area_um2;
            t["memories_total_um2"] = t.value("memories_total_um2", 0.0) + a.area_um2;
            continue;
        }
        t["components_um2"][a.component] = a.area_um2;
        const char* key = a.over_periphery ? "array_um2" : "periphery_um2";
        t[key] = t.value(key, 0.0) + a.area_um2;
    }
    for (auto& [tile, t] : area.items())
        t["tile_um2"] = t.value("periphery_um2", 0.0) + t.value("memories_total_um2", 0.0);
    return area;
}

// What the run charges and what it does not: the module tree, the host's work, the parts not modelled.
void add_coverage(json& j, const RunResult& r) {
    json nm = json::array(), mods = json::array();
    for (const auto& n : r.not_modelled) nm.push_back({{"component", n.component}, {"what", n.what}});
    for (const auto& m : r.modules) mods.push_back({{"name", m.name}, {"hardware", m.hardware}});
    j["not_modelled"] = nm;
    j["modules"] = mods;
    j["host"] = {{"arithmetic_ops", r.host_ops}};
}

void print_coverage(std::ostream& os, const RunResult& r) {
    os << "\n  host arithmetic: " << r.host_ops << " ops\n  not modelled (cost 0 in this run):";
    for (const auto& n : r.not_modelled) os << " " << n.component;
    os << "\n";
}

// Energy by the basis of its per-event energy (energy::Basis: physics, stated, assumption), every
// basis listed (0 when no action of the run has it); the three add up to energy.total_nj.
json energy_by_basis(const RunResult& r) {
    json out = {{"physics", 0.0}, {"stated", 0.0}, {"assumption", 0.0}};
    for (const auto& e : r.energy) out[e.basis] = out.value(e.basis, 0.0) + e.energy_pj * 1e-3;
    return out;
}

// Digital ReRAM: the per-bit energies the reference's recipe gives (M18 §IV-G: C_line V^2 + I V tau
// with Table I's binary cell and the read / write access time), next to the stated per-bit figures
// the run charges (166 / 676 nJ per 8 Mbit). The stated ones are used (models/energy/digital_costs.cpp
// says why); the equation is a cross-check of the binary_cell.* entries, which nothing else uses.
// One table per tile, not per core: every core of a tile is built from the tile's one spec
// (platform/system.cpp), so they are identical by construction and the table is each core's.
void add_reram_bit_cross_check(json& derived, const Scenario& s, const RunResult& r) {
    const auto tiles = tiles_of(r);
    for (std::size_t k = 0; k < tiles.size() && k < s.tile_specs.size(); ++k) {
        const TileSpec& ts = s.tile(int(k));
        if (ts.variant != "digital_reram") continue;
        energy::DigitalParams p = digital_params(s.technology, 8);  // the cell and line do not depend on the MAC design
        p.rows = ts.rows;
        p.cols = ts.cols;
        const auto t = energy::make_digital_cost_table(p, energy::DigitalMemory::reram);
        derived[tiles[k]]["reram_bit_energy_equation_fj"] = {{"read", t.reram_read_bit_eq_fj}, {"write", t.reram_write_bit_eq_fj}};
        derived[tiles[k]]["reram_bit_energy_stated_fj"] = {{"read", t.actions[energy::kDigReadBit].energy_pj * 1e3},
                                                           {"write", t.actions[energy::kDigWriteBit].energy_pj * 1e3}};
    }
}

void print_energy_by_basis(std::ostream& os, const json& energy) {
    const double total = energy.value("total_nj", 0.0);
    os << "\n  energy by basis of the per-event energy:";
    char buf[96];
    const char* sep = " ";
    for (const char* basis : {"physics", "stated", "assumption"}) {
        const double nj = energy.at("by_basis_nj").value(basis, 0.0);
        const double pc = total > 0 ? 100.0 * nj / total : 0.0;
        if (pc > 0 && pc < 0.05)  // a tiny non-zero share is not "0.0%"
            std::snprintf(buf, sizeof buf, "%s%s %.4g nJ (<0.1%%)", sep, basis, nj);
        else
            std::snprintf(buf, sizeof buf, "%s%s %.4g nJ (%.1f%%)", sep, basis, nj, pc);
        sep = ", ";
        os << buf;
    }
    os << "\n";
}
}  // namespace

json summary_json(const Scenario& s, const RunResult& r) {
    json j;
    j["schema_version"] = 1;
    j["tool"] = {{"name", "xbar-vp"}, {"version", kVersion}};
    j["status"] = r.interrupted ? "interrupted" : r.firmware_ok ? "ok" : "failed";
    j["scenario"] = s.effective;
    j["technology"] = s.technology.to_json();
    j["sim_time_ns"] = r.sim_time_ns;
    j["firmware"] = {{"program", s.program}, {"ok", r.firmware_ok}, {"error", r.firmware_error},
                     {"metrics", r.firmware_metrics}};
    j["activity"] = r.activity;
    if (!r.epochs.empty()) j["training"] = {{"epochs", r.epochs}};
    {
        // Power: windows of the ledger's bin width; peak over windows, average over the run.
        double peak = 0, total = 0;
        for (const double e : r.power.window_totals()) {
            total += e;
            peak = std::max(peak, e / double(r.power.bin_ps) * 1e3);
        }
        j["power"] = {{"window_ns", double(r.power.bin_ps) * 1e-3},
                      {"peak_mw", peak},
                      {"average_mw", r.sim_time_ns > 0 ? total / (r.sim_time_ns * 1e3) * 1e3 : 0.0},
                      {"streams", r.power.streams}};
    }

    json kernels = json::array();
    for (const auto& k : r.kernels) {
        if (!k.count) continue;
        json parts = json::object();
        for (const auto& [comp, ns] : k.latency_parts_ns) parts[comp] = ns / double(k.count);
        const double n = double(k.count);
        kernels.push_back({{"tile", k.tile},
                           {"latency_breakdown_ns_mean", parts},
                           {"kernel", k.kernel},
                           {"count", k.count},
                           {"latency_ns_mean", k.busy_ns / n},
                           {"busy_ns", k.busy_ns},
                           {"energy_nj_mean", k.energy_pj * 1e-3 / n},
                           {"energy_nj_total", k.energy_pj * 1e-3},
                           {"buffer_ns_mean", k.staging_ns / n},
                           {"buffer_energy_nj_mean", k.staging_pj * 1e-3 / n},
                           {"tile_latency_ns_mean", (k.busy_ns + k.staging_ns) / n},
                           {"tile_energy_nj_mean", (k.energy_pj + k.staging_pj) * 1e-3 / n},
                           {"macs", k.macs}});
    }
    j["kernels"] = kernels;

    // One training cycle (VMM + MVM + OPU means) per tile, and derived efficiency metrics.
    json cycles = json::object(), derived = json::object();
    for (const auto& t : tiles_of(r)) {
        const auto *v = find_kernel(r, t, "vmm"), *m = find_kernel(r, t, "mvm"), *o = find_kernel(r, t, "opu");
        if (v) {
            const double macs = v->macs / double(v->count), e = v->energy_pj / double(v->count);
            derived[t]["fj_per_mac_vmm"] = e * 1e3 / macs;
            derived[t]["tops_per_w_vmm"] = 2.0 * macs / (e * 1e-12) / 1e12;
        }
        if (v && m && o) {
            double lat = 0, e = 0, macs = 0, buf_ns = 0, buf_pj = 0;
            for (const auto* k : {v, m, o}) {
                lat += k->busy_ns / double(k->count);
                e += k->energy_pj / double(k->count);
                macs += k->macs / double(k->count);
                buf_ns += k->staging_ns / double(k->count);
                buf_pj += k->staging_pj / double(k->count);
            }
            cycles[t] = {{"latency_ns", lat}, {"energy_nj", e * 1e-3}, {"tile_latency_ns", lat + buf_ns},
                         {"tile_energy_nj", (e + buf_pj) * 1e-3}};
            derived[t]["fj_per_mac_cycle"] = e * 1e3 / macs;
        }
    }
    add_reram_bit_cross_check(derived, s, r);
    j["cycle"] = cycles;
    j["derived"] = derived;

    json by_kernel = json::object(), by_component = json::object(), by_owner = json::object();
    json actions = json::array();
    for (const auto& e : r.energy) {
        by_kernel[e.kernel] = by_kernel.value(e.kernel, 0.0) + e.energy_pj * 1e-3;
        json& comp = by_component[e.owner + "." + e.component];
        if (comp.is_null()) comp = json::object();
        comp[e.kernel] = comp.value(e.kernel, 0.0) + e.energy_pj * 1e-3;
        by_owner[e.owner] = by_owner.value(e.owner, 0.0) + e.energy_pj * 1e-3;
        actions.push_back({{"owner", e.owner}, {"component", e.component}, {"action", e.action},
                           {"kernel", e.kernel}, {"count", e.count}, {"energy_pj_per_event", e.energy_per_event_pj},
                           {"energy_nj", e.energy_pj * 1e-3}, {"source", e.source},
                           {"basis", e.basis}});
    }
    j["energy"] = {{"total_nj", r.total_energy_pj * 1e-3}, {"by_kernel_nj", by_kernel},
                   {"by_component_nj", by_component}, {"by_owner_nj", by_owner}, {"actions", actions}};
    j["energy"]["by_basis_nj"] = energy_by_basis(r);

    j["area"] = area_json(r);
    add_coverage(j, r);
    j["interconnect"] = {{"bytes", r.bus_bytes}, {"transactions", r.bus_transactions}, {"busy_ns", r.bus_busy_ns},
                         {"utilization", r.sim_time_ns > 0 ? r.bus_busy_ns / r.sim_time_ns : 0.0}};
    j["trace"] = {{"events", r.trace_events}, {"dropped_events", r.trace_dropped}};
    if (r.checked_links) j["tlm_checker"] = {{"links", r.checked_links}, {"transactions", r.checked_transactions}, {"violations", 0}};
    return j;
}

std::string power_csv(const RunResult& r) {
    std::string out = "t_start_us,t_end_us,total_mw";
    for (const auto& s : r.power.streams) out += "," + s + "_mw";
    out += "\n";
    const auto totals = r.power.window_totals();
    const double w = double(r.power.bin_ps);
    // Shortest round-trip text of each double (std::to_chars): exact, and far cheaper than %.17g.
    char buf[32];
    auto put = [&](double v, bool comma) {
        if (comma) out += ',';
        out.append(buf, std::to_chars(buf, buf + sizeof buf, v).ptr);
    };
    for (std::size_t b = 0; b < totals.size(); ++b) {
        put(b * w * 1e-6, false);
        put((b + 1) * w * 1e-6, true);
        put(totals[b] / w * 1e3, true);
        for (const auto& s : r.power.bins) put(s[b] / w * 1e3, true);  // pJ / ps = W
        out += '\n';
    }
    return out;
}

void print_summary(std::ostream& os, const Scenario& s, const RunResult& r) {
    char buf[256];
    // "analog_reram 1024x1024" per kind of tile, "2 x" when repeated, "4x analog_reram 128x128" for
    // a tile of 4 cores ("2 x 4x analog_reram 128x128": two such tiles).
    std::string tiles;
    auto same = [](const TileSpec& a, const TileSpec& b) {
        return a.variant == b.variant && a.rows == b.rows && a.cols == b.cols && a.cores == b.cores;
    };
    for (std::size_t k = 0; k < s.tile_specs.size();) {
        const TileSpec& t = s.tile(int(k));
        std::size_t n = 1;
        while (k + n < s.tile_specs.size() && same(s.tile(int(k + n)), t)) ++n;
        tiles += (tiles.empty() ? "" : " + ") + (n > 1 ? std::to_string(n) + " x " : "") +
                 (t.cores > 1 ? std::to_string(t.cores) + "x " : "") + t.variant + " " + std::to_string(t.rows) + "x" +
                 std::to_string(t.cols);
        k += n;
    }
    std::snprintf(buf, sizeof buf, "xbar-vp %s  scenario %s  seed %llu  tiles %s  activity %s\n", kVersion, s.name.c_str(),
                  static_cast<unsigned long long>(s.seed), tiles.c_str(), r.activity.c_str());
    os << buf;
    std::snprintf(buf, sizeof buf, "simulated time %.3f us, total energy %.3f nJ\n\n", r.sim_time_ns * 1e-3,
                  r.total_energy_pj * 1e-3);
    os << buf;
    os << "  tile    kernel      count   latency/call      energy/call    latency by component (ns)\n";
    for (const auto& k : r.kernels) {
        if (!k.count) continue;
        std::snprintf(buf, sizeof buf, "  %-7s %-9s %7llu %11.1f ns %13.4f nJ   ", k.tile.c_str(), k.kernel.c_str(),
                      static_cast<unsigned long long>(k.count), k.busy_ns / double(k.count),
                      k.energy_pj * 1e-3 / double(k.count));
        os << buf;
        for (const auto& [comp, ns] : k.latency_parts_ns) {
            std::snprintf(buf, sizeof buf, " %s %.1f", comp.c_str(), ns / double(k.count));
            os << buf;
        }
        if (k.staging_ns > 0) {
            std::snprintf(buf, sizeof buf, "  + buffers %.1f ns %.4f nJ", k.staging_ns / double(k.count),
                          k.staging_pj * 1e-3 / double(k.count));
            os << buf;
        }
        os << "\n";
    }
    const json j = summary_json(s, r);
    for (const auto& [tile, c] : j["cycle"].items()) {
        std::snprintf(buf, sizeof buf, "  %-7s cycle (VMM+MVM+OPU): %.1f ns, %.4f nJ\n", tile.c_str(),
                      c["latency_ns"].get<double>(), c["energy_nj"].get<double>());
        os << buf;
    }
    for (const auto& [tile, d] : j["derived"].items())
        for (const auto& [k, v] : d.items()) {
            if (!v.is_number()) continue;  // the cross-check objects stay in summary.json
            std::snprintf(buf, sizeof buf, "  %-7s %-18s %.3f\n", tile.c_str(), k.c_str(), v.get<double>());
            os << buf;
        }
    os << "\n  energy by component (nJ, all calls):\n";
    for (const auto& [comp, per_kernel] : j["energy"]["by_component_nj"].items()) {
        std::string line;
        for (const auto& [k, v] : per_kernel.items()) {
            std::snprintf(buf, sizeof buf, " %s=%.4g", k.c_str(), v.get<double>());
            line += buf;
        }
        std::snprintf(buf, sizeof buf, "    %-28s%s\n", comp.c_str(), line.c_str());
        os << buf;
    }
    print_energy_by_basis(os, j["energy"]);
    os << "\n  area (um2):\n";
    for (const auto& [tile, a] : j["area"].items()) {
        std::snprintf(buf, sizeof buf, "    %-7s periphery %.0f, array on top %.0f:", tile.c_str(),
                      a.value("periphery_um2", 0.0), a.value("array_um2", 0.0));
        os << buf;
        for (const auto& [comp, um2] : a["components_um2"].items()) {
            std::snprintf(buf, sizeof buf, " %s %.0f", comp.c_str(), um2.get<double>());
            os << buf;
        }
        os << "\n";
    }
    std::snprintf(buf, sizeof buf, "\n  interconnect: %llu transactions, %llu bytes, %.1f%% busy\n",
                  static_cast<unsigned long long>(r.bus_transactions), static_cast<unsigned long long>(r.bus_bytes),
                  100.0 * j["interconnect"]["utilization"].get<double>());
    os << buf;
    print_coverage(os, r);
    if (!r.epochs.empty()) {
        os << "\n  epoch  train acc (float)   test acc (float)   sim time     energy\n";
        for (const auto& e : r.epochs) {
            auto f = [&](const char* k) { return e.at(k).get<double>(); };
            std::snprintf(buf, sizeof buf, "  %5.0f  %6.2f%% (%6.2f%%)  %6.2f%% (%6.2f%%)  %8.3f ms  %9.1f nJ\n",
                          f("epoch"), 100 * f("train_accuracy"), 100 * f("float_train_accuracy"),
                          100 * f("test_accuracy"), 100 * f("float_test_accuracy"), f("sim_time_ns") * 1e-6,
                          f("energy_nj"));
            os << buf;
        }
    }
    os << "  firmware " << s.program << ": " << (r.firmware_ok ? "PASS" : "FAIL");
    if (!r.firmware_error.empty()) os << " (" << r.firmware_error << ")";
    os << "\n";
    for (const auto& [k, v] : r.firmware_metrics) {
        std::snprintf(buf, sizeof buf, "    %-32s %.6g\n", k.c_str(), v);
        os << buf;
    }
}

}  // namespace xbar::platform
