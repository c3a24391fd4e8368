#pragma once
// What a technology entry changes: every output of the cost models (per-event energies, event
// counts, latency parts, areas, the digital ReRAM's CV^2 + IVt cross-check) evaluated for one
// technology, and the set of outputs that differ when one entry is doubled. Built from what the
// code does: the crossbar cores made from platform::analog_params / digital_params run their
// kernels on the reference geometry (1024 x 1024; analog 8-bit, ideal device, nominal or data
// activity; digital at the 8-bit design, or at the design a mac.*_<b>bit entry belongs to), plus
// the digital unit's, the interconnect wire's and the system's parameters. Used by
// test_technology_effects.cpp.
//
// Output names: "<where>: <kind> <name>" with <where> a tile variant or "every" (the tile's digital
// unit and the host interconnect, the same in every variant), and <kind>
//   E  per-event energy of an action (summary.json energy.actions[].energy_pj_per_event)
//   N  event count of an action in some kernel (energy.actions[].count); for a tile memory, the
//      bits one 1 KiB access moves
//   L  a kernel's latency part, "<kernel>.<part>" (kernels[].latency_breakdown_ns_mean); also the
//      digital unit's kernel, "digital" (1024 elements, kernels[].latency_ns_mean), a tile memory's
//      1 KiB access, "<memory>.access_1KiB" (kernels[].buffer_ns_mean), a 1 KiB DRAM access,
//      "dram.access_1KiB", one register access, "registers.access", and one host operation,
//      "host.op"
//   A  an area item (area.<tile>.components_um2, memories_um2)
//   X  the digital ReRAM cross-check (derived.<tile>.reram_bit_energy_equation_fj)
// Outside the cores, the SystemC models take their technology as plain numbers: the tile's SRAM
// memories are models::SramBuffer objects (evaluated here: per-bit energies, area, bits and time of
// a 1 KiB access), the registers, the DRAM and the host use their SystemTech fields as the
// per-event energy and time (restated here, as platform/system.cpp passes them). A new entry that
// reaches a SystemC model some other way shows up only once its output is added to outputs().
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
#include "models/tile/regmap.h"
#include "models/tile/sram_buffer.h"
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
// Every kernel of a core on its whole array. The codes are fixed (x = 3, delta = 1, weights 0.25),
// so in data activity two technologies are compared on the same operands; nominal analog counts
// and the digital cores' counts never depend on the data.
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

// The analog core (reference geometry, ideal device) in the given activity mode and ADC type.
inline Outputs analog_outputs(const platform::Technology& t, cores::Activity activity = cores::Activity::nominal,
                              energy::AdcType adc = energy::AdcType::ramp) {
    Outputs o;
    cores::AnalogCoreConfig cfg;
    cfg.params = platform::analog_params(t);
    cfg.params.adc_type = adc;
    cfg.activity = activity;
    cores::AnalogCore core(cfg);
    detail::run_kernels(core, "analog_reram", o);
    return o;
}

// The digital-ReRAM and SRAM cores at one MAC design, with the ReRAM's CV^2 + IVt cross-check.
inline Outputs digital_outputs(const platform::Technology& t, int design) {
    Outputs o;
    for (const auto memory : {energy::DigitalMemory::reram, energy::DigitalMemory::sram}) {
        cores::DigitalCoreConfig cfg;
        cfg.memory = memory;
        cfg.params = platform::digital_params(t, design);
        const std::string where = memory == energy::DigitalMemory::reram ? "digital_reram" : "sram";
        cores::DigitalCore core(cfg);
        detail::run_kernels(core, where, o);
        if (memory == energy::DigitalMemory::reram) {
            const auto table = energy::make_digital_cost_table(cfg.params, memory);
            o[where + ": X reram_bit_energy_equation_fj.read"] = table.reram_read_bit_eq_fj;
            o[where + ": X reram_bit_energy_equation_fj.write"] = table.reram_write_bit_eq_fj;
        }
    }
    return o;
}

// What every variant has: the digital unit, the host link, the tile's memories and registers, the
// DRAM and the host CPU.
inline Outputs system_outputs(const platform::Technology& t) {
    Outputs o;
    const du::Params du = platform::digital_unit_params(t);
    o["every: E digital_unit.element"] = du.energy_pj_per_element;
    o["every: L digital"] = du::latency_ns(du, 1024);
    // The link's energy per bit is activity x C x route length x V^2 (platform/system.cpp); activity
    // and length are scenario fields, so C x V^2 is what the technology sets.
    const platform::InterconnectTech ic = platform::interconnect_params(t);
    o["every: E interconnect.link.bit"] = ic.wire_c_af_per_um * ic.voltage * ic.voltage;
    // The tile's memories (models/tile/tile.cpp: two 64 KiB code buffers and a derivative store of
    // one float per input-buffer byte), each accessed for 1 KiB (a 1024-line core's codes).
    const platform::SystemTech st = platform::system_params(t);
    const models::SramMacro macro{st.sram_macro_bits, st.sram_word_bits, st.sram_access_ns,
                                  st.sram_read_fj_per_bit, st.sram_write_fj_per_bit, st.sram_macro_um2};
    const std::pair<const char*, std::uint64_t> memories[] = {
        {"input_buffer", regmap::kBufBytes}, {"output_buffer", regmap::kBufBytes}, {"derivative_store", 4 * regmap::kBufBytes}};
    for (const auto& [name, bytes] : memories) {
        const models::SramBuffer b(bytes, macro);
        const std::string m = name;
        o["every: E " + m + ".read_bit"] = b.read_pj_per_bit();
        o["every: E " + m + ".write_bit"] = b.write_pj_per_bit();
        o["every: N " + m + ".read_bit@1KiB"] = b.bits(1024);
        o["every: N " + m + ".write_bit@1KiB"] = b.bits(1024);
        o["every: L " + m + ".access_1KiB"] = b.access_ns(1024);
        o["every: A " + m] = b.area_um2();
    }
    o["every: E registers.access_bit"] = st.reg_fj_per_bit;
    o["every: L registers.access"] = st.reg_access_ns;
    o["every: E dram.memory.read_bit"] = st.dram_read_pj_per_bit;
    o["every: E dram.memory.write_bit"] = st.dram_write_pj_per_bit;
    // One DRAM access of 1 KiB: latency + bytes / bandwidth (models/dram/dram.cpp).
    o["every: L dram.access_1KiB"] = st.dram_latency_ns + 1024.0 / st.dram_bytes_per_ns;
    o["every: E host.cpu.arithmetic_op"] = st.host_op_pj;
    o["every: L host.op"] = st.host_op_ns;
    return o;
}

// Everything: the analog core in nominal activity, the digital cores at `digital_design`, the rest.
inline Outputs outputs(const platform::Technology& t, int digital_design = 8) {
    Outputs o = analog_outputs(t);
    for (auto&& kv : digital_outputs(t, digital_design)) o.insert(kv);
    for (auto&& kv : system_outputs(t)) o.insert(kv);
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
