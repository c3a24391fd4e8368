#pragma once
// What a technology entry changes: every output of the cost models (per-event energies, event
// counts, latency parts, areas, the digital ReRAM's CV^2 + IVt cross-check) evaluated for one
// technology, and the set of outputs that differ when one entry is doubled. Built from what the
// code does: the crossbar cores made from platform::analog_params / digital_params run their
// kernels on the reference geometry (1024 x 1024; analog 8-bit, nominal activity, ideal device;
// digital at the 8-bit design, or at the design a mac.*_<b>bit entry belongs to), plus the digital
// unit's and the interconnect wire's parameters. Used by test_technology_effects.cpp.
//
// Output names: "<where>: <kind> <name>" with <where> a tile variant or "every" (the tile's digital
// unit and the host interconnect, the same in every variant), and <kind>
//   E  per-event energy of an action (summary.json energy.actions[].energy_pj_per_event)
//   N  event count of an action in some kernel (energy.actions[].count)
//   L  a kernel's latency part, "<kernel>.<part>" (kernels[].latency_breakdown_ns_mean; the
//      digital unit's kernel has no parts: "digital", its latency for 1024 elements)
//   A  an area item (area.<tile>.components_um2)
//   X  the digital ReRAM cross-check (derived.<tile>.reram_bit_energy_equation_fj)
// An entry whose only effect lives in a SystemC model outside the cores (a field of SystemTech used
// by the tile, the DRAM or the host, or a new InterconnectTech field) shows up here only once its
// output is added to outputs() below.
#include <cmath>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "models/cores/analog_core.h"
#include "models/cores/digital_core.h"
#include "models/digital_unit/digital_unit.h"
#include "models/energy/digital_costs.h"
#include "platform/technology.h"

namespace xbar::tech_effects {

using Outputs = std::map<std::string, double>;

// The MAC design an entry belongs to (mac.*_4bit: 4), else the reference's 8-bit design.
inline int design_of(const platform::TechEntrySpec& e) {
    for (const auto& t : e.targets)
        if (t.design_bits) return t.design_bits;
    return 8;
}

namespace detail {
// Every kernel of a core on its whole array (nominal activity: the codes do not set the counts of
// the analog core; the digital cores' counts never depend on the data).
inline void run_kernels(cores::CrossbarCore& c, const std::string& where, Outputs& o) {
    for (const auto& a : c.actions()) o[where + ": E " + a.component + "." + a.action] = a.energy_pj;
    for (const auto& a : c.area()) o[where + ": A " + a.component] = a.area_um2;
    const cores::Region r{c.rows(), c.cols()};
    const std::vector<std::int8_t> x(std::size_t(c.rows()), 3), d(std::size_t(c.cols()), 1);
    std::vector<std::int8_t> y(std::size_t(std::max(c.rows(), c.cols())));
    std::vector<float> w(std::size_t(c.rows()) * c.cols(), 0.25f), dw(w.size(), 0.01f);
    const std::pair<const char*, cores::KernelCost> kernels[] = {
        {"program", c.program(r, w.data())},
        {"vmm", c.vmm(r, x.data(), y.data(), 1.0f)},
        {"mvm", c.mvm(r, d.data(), y.data(), 1.0f)},
        {"opu", c.opu(r, x.data(), d.data(), 0.01f)},
        {"update", c.update(r, dw.data())},
        {"readback", c.read_back(r, w.data())},
    };
    for (const auto& [k, cost] : kernels) {
        for (const auto& [idx, n] : cost.events) {
            const auto& a = c.actions()[std::size_t(idx)];
            o[where + ": N " + a.component + "." + a.action + "@" + k] += n;
        }
        for (const auto& [part, ns] : cost.latency_parts) o[where + ": L " + k + "." + part] += ns;
    }
}
}  // namespace detail

inline Outputs outputs(const platform::Technology& t, int digital_design = 8) {
    Outputs o;
    {
        cores::AnalogCoreConfig cfg;
        cfg.params = platform::analog_params(t);
        cores::AnalogCore core(cfg);
        detail::run_kernels(core, "analog_reram", o);
    }
    for (const auto memory : {energy::DigitalMemory::reram, energy::DigitalMemory::sram}) {
        cores::DigitalCoreConfig cfg;
        cfg.memory = memory;
        cfg.params = platform::digital_params(t, digital_design);
        const std::string where = memory == energy::DigitalMemory::reram ? "digital_reram" : "sram";
        cores::DigitalCore core(cfg);
        detail::run_kernels(core, where, o);
        if (memory == energy::DigitalMemory::reram) {
            const auto table = energy::make_digital_cost_table(cfg.params, memory);
            o[where + ": X reram_bit_energy_equation_fj.read"] = table.reram_read_bit_eq_fj;
            o[where + ": X reram_bit_energy_equation_fj.write"] = table.reram_write_bit_eq_fj;
        }
    }
    const du::Params du = platform::digital_unit_params(t);
    o["every: E digital_unit.element"] = du.energy_pj_per_element;
    o["every: L digital"] = du::latency_ns(du, 1024);
    // The link's energy per bit is activity x C x route length x V^2 (platform/system.cpp); activity
    // and length are scenario fields, so C x V^2 is what the technology sets.
    const platform::InterconnectTech ic = platform::interconnect_params(t);
    o["every: E interconnect.link.bit"] = ic.wire_c_af_per_um * ic.voltage * ic.voltage;
    return o;
}

// The outputs that differ between `a` and `b`; an action's counts are named once for all kernels
// ("N adc.comparator_ns", not per kernel).
inline std::set<std::string> changed(const Outputs& a, const Outputs& b) {
    std::set<std::string> out;
    for (const auto& [k, v] : a) {
        const auto it = b.find(k);
        const bool same = it != b.end() && (v == it->second || std::abs(v - it->second) <= 1e-12 * std::abs(v));
        if (same) continue;
        const auto at = k.find('@');
        out.insert(at == std::string::npos ? k : k.substr(0, at));
    }
    for (const auto& [k, v] : b)
        if (!a.count(k)) out.insert(k.substr(0, k.find('@')));
    return out;
}

// The outputs entry `k` of technology_entries() changes when it is doubled from `ref`'s value.
inline std::set<std::string> effects_of_doubling(const platform::Technology& ref, std::size_t k) {
    const int design = design_of(platform::technology_entries()[k]);
    platform::Technology t = ref;
    t.values[k].value *= 2;
    return changed(outputs(ref, design), outputs(t, design));
}

}  // namespace xbar::tech_effects
