#pragma once
// The energy ledger: every model reports *actions* (an ADC conversion, a driver transition, a
// wire charge...) to one ledger. Actions are defined once at elaboration with their per-event
// energy; the hot path only adds counts. Every energy view (totals, per kernel, per component,
// per owner, power over time) is computed from the same counts, so the views agree exactly.
#include <cstdint>
#include <string>
#include <vector>

#include "models/energy/basis.h"

namespace xbar::energy {

// What the hardware was doing when it spent the energy.
// bus: traffic on the interconnect and the register, buffer and DRAM accesses it makes; host: the
// host CPU's arithmetic (firmware work between kernels).
enum class Kernel : std::uint8_t { vmm = 0, mvm, opu, program, readback, carry, digital, update, dma, bus, host, count_ };
constexpr int kKernelCount = static_cast<int>(Kernel::count_);
const char* kernel_name(Kernel k);

using ActionId = std::uint32_t;

struct ActionDef {
    std::string owner;      // e.g. "tile0", "interconnect"
    std::string component;  // e.g. "adc", "array", "temporal_driver"
    std::string action;     // e.g. "comparator_ns"
    double energy_pj = 0;   // energy of one event
    std::string source;     // where the per-event energy comes from (equation, paper section)
    Basis basis = Basis::physics;
};

// One row of the flat view: events of one action during one kernel type.
struct LedgerRow {
    const ActionDef* def;
    Kernel kernel;
    double count;
    double energy_pj;
};

// Energy spent in a time window by one owner/component (power-over-time view).
struct PowerSample {
    std::uint64_t t_start_ps;
    std::uint64_t t_end_ps;
    double energy_pj;
};

// Energy over time per stream (one stream per owner.component), in bins for power-over-time views.
struct PowerTable {
    std::uint64_t bin_ps = 0;
    std::vector<std::string> streams;         // "owner.component"
    std::vector<std::vector<double>> bins;    // [stream][bin] energy (pJ); all streams equally long

    std::size_t windows() const { return bins.empty() ? 0 : bins[0].size(); }
    std::vector<double> window_totals() const;  // energy (pJ) per bin, all streams
};

class Ledger {
public:
    // Energy over time is kept in bins of `bin_ps` (power-over-time resolution); totals are exact.
    // When a run outgrows `max_bins` bins the width doubles (pairs merge), so memory stays bounded.
    explicit Ledger(std::uint64_t bin_ps = 1'000'000, std::size_t max_bins = 1u << 16)
        : m_bin_ps(bin_ps), m_max_bins(max_bins) {}

    // Define an action (elaboration time). Energy must be finite and >= 0.
    ActionId define(std::string owner, std::string component, std::string action,
                    double energy_pj, std::string source, Basis basis);

    // Hot path: `count` events of `id` spread uniformly over [t_start_ps, t_end_ps).
    void add(ActionId id, Kernel kernel, double count, std::uint64_t t_start_ps,
             std::uint64_t t_end_ps);

    const std::vector<ActionDef>& actions() const { return m_defs; }
    std::vector<LedgerRow> rows() const;  // non-zero rows, in definition order
    double total_pj() const;
    double total_pj(Kernel k) const;
    double count(ActionId id, Kernel k) const { return m_counts[id * kKernelCount + int(k)]; }
    // Energy per fixed window of `window_ps` (a multiple of the bin width) up to t_end_ps.
    std::vector<PowerSample> power(std::uint64_t window_ps, std::uint64_t t_end_ps) const;
    // Energy spent in [t0_ps, t1_ps), both rounded down to the bin width.
    double energy_between(std::uint64_t t0_ps, std::uint64_t t1_ps) const;
    std::uint64_t bin_ps() const { return m_bin_ps; }
    PowerTable power_table() const;

private:
    void coarsen();  // double the bin width

    std::uint64_t m_bin_ps;
    std::size_t m_max_bins;
    std::vector<ActionDef> m_defs;
    std::vector<double> m_counts;  // [action][kernel]
    std::vector<std::size_t> m_stream_of;  // action -> stream
    std::vector<std::string> m_streams;
    std::vector<std::vector<double>> m_bins;  // [stream][bin] energy (pJ)
    std::size_t m_n_bins = 0;
};

}  // namespace xbar::energy
