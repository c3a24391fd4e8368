#include "models/tile/core_unit.h"

#include <algorithm>
#include <cmath>
#include <cstring>

#include "models/tile/regmap.h"

namespace xbar::models {

using namespace sc_core;
namespace rm = xbar::regmap;
using energy::Kernel;

namespace {
cores::Region region_of(const CoreCommand& c) { return {int(c.rows), int(c.cols), int(c.row0), int(c.col0)}; }
Kernel kernel_of(std::uint32_t cmd) {
    switch (cmd) {
        case rm::CMD_VMM: return Kernel::vmm;
        case rm::CMD_MVM: return Kernel::mvm;
        case rm::CMD_OPU: return Kernel::opu;
        case rm::CMD_PROGRAM: return Kernel::program;
        case rm::CMD_DIGITAL: return Kernel::digital;
        case rm::CMD_UPDATE: return Kernel::update;
        default: return Kernel::readback;
    }
}
}  // namespace

CoreUnit::CoreUnit(sc_module_name name, int index, std::unique_ptr<cores::CrossbarCore> core, const TileShared& shared,
                   const TileContext& ctx, const std::string& prefix)
    : sc_module(name),
      m_index(index),
      m_core(std::move(core)),
      m_shared(shared),
      m_ctx(ctx),
      m_driver_bank("driver_bank", "temporal_driver", ctx),
      m_adc_bank(shared.adc ? nullptr : std::make_unique<PeripheryBank>("adc_bank", "adc", ctx)),
      m_adc(shared.adc ? shared.adc : m_adc_bank.get()),
      m_state("state"),
      m_busy("busy") {
    for (const auto& a : m_core->actions())
        m_action_ids.push_back(
            m_ctx.ledger.define(m_ctx.owner, prefix + a.component, a.action, a.energy_pj, a.source, a.basis));
    m_track = m_ctx.track(this->name());
    SC_THREAD(thread);
}

void CoreUnit::trace(sc_trace_file* tf, bool detail) {
    m_traced = true;
    m_trace_detail = detail;
    const std::string n = name();
    if (detail) {
        m_driver_bank.trace(tf);
        if (m_adc_bank) m_adc_bank->trace(tf);
    }
    sc_core::sc_trace(tf, m_state, n + ".state");
    sc_core::sc_trace(tf, m_busy, n + ".busy");
}

void CoreUnit::start(const CoreCommand& c, const sc_time& at) {
    m_cmd = c;
    m_start.notify(at);
}

std::uint32_t CoreUnit::validate(const CoreCommand& c) const {
    if (c.cmd < rm::CMD_VMM || c.cmd > rm::CMD_UPDATE) return rm::ERR_BAD_COMMAND;
    const std::uint64_t in = m_shared.in->size(), out = m_shared.out->size();
    if (c.cmd == rm::CMD_DIGITAL) return m_shared.du->validate(c.du, in, out);
    const std::uint64_t rows = c.rows, cols = c.cols;
    if (rows < 1 || cols < 1 || c.row0 + rows > std::uint64_t(m_core->rows()) || c.col0 + cols > std::uint64_t(m_core->cols()))
        return rm::ERR_BAD_REGION;
    auto fits = [](std::uint64_t off, std::uint64_t n, std::uint64_t size) { return off <= size && n <= size - off; };
    switch (c.cmd) {
        case rm::CMD_VMM:
            if (!fits(c.in_off, rows, in) || !fits(c.out_off, cols, out)) return rm::ERR_BAD_OFFSET;
            if (!(std::isfinite(c.fwd_fs) && c.fwd_fs > 0)) return rm::ERR_BAD_SCALE;
            break;
        case rm::CMD_MVM:
            if (!fits(c.in_off, cols, in) || !fits(c.out_off, rows, out)) return rm::ERR_BAD_OFFSET;
            if (!(std::isfinite(c.bwd_fs) && c.bwd_fs > 0)) return rm::ERR_BAD_SCALE;
            break;
        case rm::CMD_OPU:
            if (!fits(c.in_off, rows, in) || !fits(c.aux_off, cols, in)) return rm::ERR_BAD_OFFSET;
            if (!std::isfinite(c.opu_scale)) return rm::ERR_BAD_SCALE;
            break;
        default: break;
    }
    return rm::ERR_NONE;
}

void CoreUnit::thread() {
    for (;;) {
        wait(m_start);
        const CoreCommand c = m_cmd;
        if (const std::uint32_t err = validate(c)) {
            m_shared.done(m_index, err, nullptr);
            continue;
        }
        const Kernel k = kernel_of(c.cmd);
        m_busy.write(true);
        m_state.write(int(c.cmd));  // CoreState follows the command numbering
        std::uint32_t err = rm::ERR_NONE;
        float result = 0.0f;
        if (c.cmd == rm::CMD_DIGITAL) {
            const cores::CodeFormat f = m_core->format();
            result = m_shared.du->run(c.du, k, *m_shared.in, *m_shared.out, f.bits_out, f.bits_in, f.bits_delta,
                                     (*m_shared.stats)[int(k)]);
        } else if (c.cmd == rm::CMD_READBACK) {
            err = run_readback(c, k);
        } else {
            err = run_kernel(c, k);
        }
        m_busy.write(false);
        m_state.write(int(CoreState::idle));
        m_shared.done(m_index, err, c.cmd == rm::CMD_DIGITAL ? &result : nullptr);
    }
}

// VMM, MVM, OPU, PROGRAM, UPDATE: operands out of the input buffer, the core, results into the
// output buffer, each when its resource is free; then a periodic carry when one is due.
std::uint32_t CoreUnit::run_kernel(const CoreCommand& c, Kernel k) {
    const sc_time t_cmd = sc_time_stamp();
    const cores::Region r = region_of(c);
    const bool staged = c.cmd == rm::CMD_VMM || c.cmd == rm::CMD_MVM || c.cmd == rm::CMD_OPU;
    double* staging = &(*m_shared.stats)[int(k)].staging_ns;
    TileBuffer &in = *m_shared.in, &out = *m_shared.out;
    sc_time ready = t_cmd;
    if (staged) ready = in.access(k, false, std::uint64_t(c.cmd == rm::CMD_MVM ? r.cols : r.rows), t_cmd, staging);
    if (c.cmd == rm::CMD_OPU) ready = in.access(k, false, std::uint64_t(r.cols), ready, staging);
    cores::KernelCost cost;
    switch (c.cmd) {
        case rm::CMD_VMM: cost = m_core->vmm(r, in.codes() + c.in_off, out.codes() + c.out_off, c.fwd_fs); break;
        case rm::CMD_MVM: cost = m_core->mvm(r, in.codes() + c.in_off, out.codes() + c.out_off, c.bwd_fs); break;
        case rm::CMD_OPU: cost = m_core->opu(r, in.codes() + c.in_off, in.codes() + c.aux_off, c.opu_scale); break;
        default: {  // PROGRAM, UPDATE: the weights come over the bus first
            std::vector<float> w(std::size_t(r.rows) * r.cols);
            if (!m_shared.dma->copy(true, c.weight_addr, reinterpret_cast<unsigned char*>(w.data()), w.size() * 4))
                return rm::ERR_BUS;
            cost = c.cmd == rm::CMD_PROGRAM ? m_core->program(r, w.data()) : m_core->update(r, w.data());
        }
    }
    const sc_time core_start = std::max(ready, sc_time_stamp());  // after the operands (or the weights)
    sc_time adc_wait;
    const sc_time core_end = schedule(cost, k, core_start, adc_wait);
    sc_time end = core_end;
    if (c.cmd == rm::CMD_VMM) end = out.access(k, true, std::uint64_t(r.cols), core_end, staging);
    if (c.cmd == rm::CMD_MVM) end = out.access(k, true, std::uint64_t(r.rows), core_end, staging);
    play(cost, core_start, adc_wait, end);
    book(k, cost, r, core_start, core_end, staged ? t_cmd : core_start, sc_time_stamp());
    carry_if_due(r);
    return rm::ERR_NONE;
}

void CoreUnit::carry_if_due(const cores::Region& r) {
    if (!m_core->carry_due()) return;
    m_state.write(int(CoreState::carry));
    const sc_time t0 = sc_time_stamp();
    const cores::KernelCost cc = m_core->carry();
    sc_time adc_wait;
    const sc_time end = schedule(cc, Kernel::carry, t0, adc_wait);
    play(cc, t0, adc_wait, end);
    book(Kernel::carry, cc, r, t0, end, t0, end);
}

// Serial read-back of the region, then the weights over the bus to WEIGHT_ADDR.
std::uint32_t CoreUnit::run_readback(const CoreCommand& c, Kernel k) {
    const sc_time t0 = sc_time_stamp();
    const cores::Region r = region_of(c);
    std::vector<float> w(std::size_t(r.rows) * r.cols);
    const cores::KernelCost cost = m_core->read_back(r, w.data());
    sc_time adc_wait;
    const sc_time end = schedule(cost, k, t0, adc_wait);
    play(cost, t0, adc_wait, end);
    book(k, cost, r, t0, end, t0, end);
    return m_shared.dma->copy(false, c.weight_addr, reinterpret_cast<unsigned char*>(w.data()), w.size() * 4)
               ? rm::ERR_NONE
               : rm::ERR_BUS;
}

PeripheryBank* CoreUnit::bank_for(const char* part) {
    if (m_adc && m_adc->phase() == part) return m_adc;
    if (m_driver_bank.phase() == part) return &m_driver_bank;
    return nullptr;
}

sc_time CoreUnit::schedule(const cores::KernelCost& c, Kernel k, const sc_time& start, sc_time& adc_wait) {
    adc_wait = SC_ZERO_TIME;
    const sc_time lat(c.latency_ns, SC_NS);
    if (!m_shared.adc && !m_ctx.detail) return start + lat;  // the core's own banks never wait
    sc_time t = start;
    for (const auto& [part, ns] : c.latency_parts) {
        const sc_time d(ns, SC_NS);
        PeripheryBank* b = bank_for(part);
        if (b && (m_ctx.detail || b == m_shared.adc)) {
            const sc_time s = b->reserve(t, d, energy::kernel_name(k));
            if (b == m_shared.adc) adc_wait += s - t;
            t = s;
        }
        t += d;
    }
    return start + lat + adc_wait;
}

void CoreUnit::play(const cores::KernelCost& c, const sc_time& core_start, const sc_time& adc_wait, const sc_time& end) {
    auto until = [](const sc_time& t) {
        if (t > sc_time_stamp()) sc_core::wait(t - sc_time_stamp());
    };
    if (!m_traced || c.latency_ns <= 0) {
        until(end);  // one wait for the whole command
        return;
    }
    until(core_start);
    double pj = 0;
    for (const auto& [idx, count] : c.events) pj += count * m_core->actions()[idx].energy_pj;
    m_shared.power(m_index, pj / c.latency_ns);  // pJ / ns = mW
    const sc_time core_end = core_start + sc_time(c.latency_ns, SC_NS) + adc_wait;
    if (m_trace_detail) {
        for (const auto& [part, ns] : c.latency_parts) {
            PeripheryBank* b = bank_for(part);
            if (b && b == m_shared.adc && adc_wait > SC_ZERO_TIME) wait(adc_wait);  // the shared bank is busy
            if (b) b->set_active(true);
            wait(sc_time(ns, SC_NS));
            if (b) b->set_active(false);
        }
    }
    until(core_end);
    m_shared.power(m_index, 0.0);
    until(end);
}

void CoreUnit::book(Kernel k, const cores::KernelCost& c, const cores::Region& r, sc_time t0, sc_time t1, sc_time cmd_t0,
                    sc_time cmd_t1) {
    for (const auto& [idx, count] : c.events) m_ctx.ledger.add(m_action_ids[idx], k, count, t0.value(), t1.value());
    KernelStat& st = (*m_shared.stats)[int(k)];
    for (const auto& [comp, ns] : c.latency_parts) {
        auto it = std::find_if(st.latency_parts_ns.begin(), st.latency_parts_ns.end(),
                               [&](const auto& p) { return p.first == comp; });
        if (it == st.latency_parts_ns.end()) st.latency_parts_ns.emplace_back(comp, ns);
        else it->second += ns;
    }
    st.count++;
    st.busy_ns += (t1 - t0).to_seconds() * 1e9;
    if (k == Kernel::vmm || k == Kernel::mvm || k == Kernel::opu)  // MACs or cell updates
        st.macs += double(r.rows) * double(r.cols);
    // One slice for the whole command (buffer staging included), with the core's share as an arg.
    m_ctx.timeline.slice(m_track, energy::kernel_name(k), "kernel", cmd_t0.value(), cmd_t1.value(),
                         {{"rows", double(r.rows)}, {"cols", double(r.cols)}, {"core_ns", (t1 - t0).to_seconds() * 1e9}});
}

}  // namespace xbar::models
