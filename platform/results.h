#pragma once
// Results of one run, as plain data (no SystemC), and the writers for summary.json and the
// console table. Every energy number here is a view of the ledger.
#include <cstdint>
#include <map>
#include <ostream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "models/energy/ledger.h"
#include "platform/scenario.h"

namespace xbar::platform {

struct KernelResult {
    std::string tile;
    std::string kernel;
    std::uint64_t count = 0;
    double busy_ns = 0;     // the compute unit (core or digital unit)
    double energy_pj = 0;   // the compute unit's actions
    double staging_ns = 0, staging_pj = 0;  // operands and results moved through the tile's SRAM
    double macs = 0;  // multiply-accumulates (VMM/MVM) or cell updates (OPU) over all calls
    std::vector<std::pair<std::string, double>> latency_parts_ns;  // by component, over all calls
};

struct EnergyRow {
    std::string owner, component, action, kernel;
    double count = 0, energy_pj = 0, energy_per_event_pj = 0;
    std::string source, basis;
};

struct AreaRow {
    std::string tile, component;
    double area_um2 = 0;
    bool over_periphery = false;
    bool tile_level = false;  // the tile's own memories (buffers), not the core's
};

// A part of the system that costs nothing in the run because it is not modelled.
struct NotModelled {
    std::string component;  // "<owner>.<component>" or a system-wide item
    std::string what;       // why / what is and is not charged
};

// One SystemC module of the platform (the module tree, walked after elaboration).
struct ModuleRow {
    std::string name;
    bool hardware = true;  // false: instrumentation (protocol checkers, power probe)
};

struct RunResult {
    double sim_time_ns = 0;
    bool firmware_ok = true;
    bool interrupted = false;
    std::string firmware_error;
    std::map<std::string, double> firmware_metrics;
    std::vector<KernelResult> kernels;
    std::vector<EnergyRow> energy;
    std::vector<AreaRow> area;
    double total_energy_pj = 0;
    std::uint64_t bus_bytes = 0, bus_transactions = 0;
    double bus_busy_ns = 0;
    std::string activity;
    // Training: one row per epoch (firmware's accuracies plus the platform's time and energy,
    // with `energy_by_kernel_nj` and `energy_by_component_nj` objects).
    std::vector<nlohmann::json> epochs;
    // Power over time: energy per window per owner.component stream.
    energy::PowerTable power;
    std::uint64_t trace_events = 0, trace_dropped = 0;
    std::uint64_t checked_links = 0, checked_transactions = 0;  // with XBAR_TLM_CHECK=1
    std::uint64_t host_ops = 0;
    std::vector<NotModelled> not_modelled;
    std::vector<ModuleRow> modules;
};

nlohmann::json summary_json(const Scenario& s, const RunResult& r);
// power.csv: t_start_us,t_end_us,total_mw,<owner>.<component>_mw,... one row per window.
std::string power_csv(const RunResult& r);
void print_summary(std::ostream& os, const Scenario& s, const RunResult& r);

}  // namespace xbar::platform
