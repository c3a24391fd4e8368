#include "models/tile/tile.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <stdexcept>
#include <string>
#include <tuple>

namespace xbar::models {

using namespace sc_core;
namespace rm = xbar::regmap;
using energy::Kernel;

namespace {
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

namespace {
std::vector<std::unique_ptr<cores::CrossbarCore>> one(std::unique_ptr<cores::CrossbarCore> c) {
    std::vector<std::unique_ptr<cores::CrossbarCore>> v;
    v.push_back(std::move(c));
    return v;
}
}  // namespace

Tile::Tile(sc_module_name name, const TileParams& p, std::unique_ptr<cores::CrossbarCore> core,
           energy::Ledger& ledger, trace::Timeline& timeline)
    : Tile(name, p, one(std::move(core)), ledger, timeline) {}

Tile::Tile(sc_module_name name, const TileParams& p, std::vector<std::unique_ptr<cores::CrossbarCore>> cores,
           energy::Ledger& ledger, trace::Timeline& timeline)
    : sc_module(name),
      target_socket("target_socket"),
      initiator_socket("initiator_socket"),
      irq("irq"),
      m_p(p),
      m_core(cores.size() == 1 && cores[0] ? std::move(cores[0])
                                           : throw std::invalid_argument(std::string(name) + ": one core per tile")),
      m_ledger(ledger),
      m_timeline(timeline),
      m_regs(build_registers()),
      m_in_buf(rm::kBufBytes, 0),
      m_out_buf(rm::kBufBytes, 0),
      m_deriv(rm::kBufBytes, 0.0f),
      m_state("state"),
      m_busy("busy"),
      m_dma_busy("dma_busy"),
      m_adc_active("adc_active"),
      m_driver_active("driver_active"),
      m_power_mw("power_mw") {
    const du::Params& du = m_p.digital_unit;
    if (!(du.clock_ns > 0) || !(du.pipeline_ns >= 0) || !(du.energy_pj_per_element >= 0) || du.lanes < 1)
        throw std::invalid_argument(std::string(name) + ": digital-unit parameters unset or invalid (apply a technology file)");
    if (!(m_p.reg_access_ns >= 0) || !(m_p.reg_fj_per_bit >= 0))
        throw std::invalid_argument(std::string(name) + ": register parameters unset or invalid (apply a technology file)");
    // The buffers hold int8 codes; the derivative store one float32 per IN_BUF byte.
    m_mem = {SramBuffer(rm::kBufBytes, m_p.buffer_macro), SramBuffer(rm::kBufBytes, m_p.buffer_macro),
             SramBuffer(std::uint64_t(rm::kBufBytes) * 4, m_p.buffer_macro)};
    target_socket.register_b_transport(this, &Tile::b_transport);
    target_socket.register_transport_dbg(this, &Tile::transport_dbg);
    for (const auto& a : m_core->actions())
        m_action_ids.push_back(m_ledger.define(basename(), a.component, a.action, a.energy_pj, a.source, a.basis));
    m_du_action = m_ledger.define(basename(), "digital_unit", "element", m_p.digital_unit.energy_pj_per_element,
                                  "technology digital_unit.element_pj (assumption: one 8-bit multiply-add "
                                  "incl. write-back per element, M18 IV-J)",
                                  energy::Basis::assumption);
    m_reg_action = m_ledger.define(basename(), "registers", "access_bit", m_p.reg_fj_per_bit * 1e-3,
                                   "technology register.access_fj_per_bit (32 bits per access)", energy::Basis::assumption);
    for (int m = 0; m < int(Mem::count_); ++m)
        for (int w = 0; w < 2; ++w)
            m_mem_actions.push_back(m_ledger.define(
                basename(), memory_components()[m], w ? "write_bit" : "read_bit",
                w ? m_mem[m].write_pj_per_bit() : m_mem[m].read_pj_per_bit(),
                std::string("technology sram.") + (w ? "write" : "read") +
                    "_fj_per_bit (M18 IV-H SRAM macro; assumption: the tile's memories are those macros)",
                energy::Basis::assumption));
    m_kernel_track = m_timeline.track(basename(), "kernels");
    m_dma_track = m_timeline.track(basename(), "dma");
    SC_THREAD(command_thread);
    SC_THREAD(dma_thread);
    SC_METHOD(drive_irq);
    sensitive << m_irq_update;
    dont_initialize();
}

void Tile::trace(sc_trace_file* tf, bool detail) {
    m_traced = true;
    m_trace_detail = detail;
    const std::string n = name();
    if (detail) {
        sc_core::sc_trace(tf, m_adc_active, n + ".adc_active");
        sc_core::sc_trace(tf, m_driver_active, n + ".driver_active");
    }
    sc_core::sc_trace(tf, m_power_mw, n + ".power_mw");
    sc_core::sc_trace(tf, m_state, n + ".state");
    sc_core::sc_trace(tf, m_busy, n + ".busy");
    sc_core::sc_trace(tf, m_dma_busy, n + ".dma_busy");
    sc_core::sc_trace(tf, irq, n + ".irq");
}

// ---- target side: registers and buffers ---------------------------------------------------

void Tile::b_transport(tlm::tlm_generic_payload& gp, sc_time& delay) {
    const std::uint64_t a = gp.get_address();
    const unsigned len = gp.get_data_length();
    unsigned char* data = gp.get_data_ptr();
    if (gp.get_command() == tlm::TLM_IGNORE_COMMAND) {
        gp.set_response_status(tlm::TLM_COMMAND_ERROR_RESPONSE);
        return;
    }
    if (gp.get_byte_enable_ptr()) {
        gp.set_response_status(tlm::TLM_BYTE_ENABLE_ERROR_RESPONSE);
        return;
    }
    if (gp.get_streaming_width() < len) {
        gp.set_response_status(tlm::TLM_BURST_ERROR_RESPONSE);
        return;
    }
    // Buffers: any length inside one buffer.
    for (auto [base, buf, mem] : {std::tuple{std::uint64_t(rm::IN_BUF), &m_in_buf, Mem::in_buf},
                                  std::tuple{std::uint64_t(rm::OUT_BUF), &m_out_buf, Mem::out_buf}}) {
        if (a >= base && a - base < rm::kBufBytes) {
            if (len == 0 || len > rm::kBufBytes - (a - base)) {
                gp.set_response_status(tlm::TLM_ADDRESS_ERROR_RESPONSE);
                return;
            }
            auto* p = reinterpret_cast<unsigned char*>(buf->data()) + (a - base);
            if (gp.is_read()) std::memcpy(data, p, len);
            else std::memcpy(p, data, len);
            delay += sc_time(access(Kernel::bus, mem, gp.is_write(), len, sc_time_stamp() + delay), SC_NS);
            gp.set_response_status(tlm::TLM_OK_RESPONSE);
            return;
        }
    }
    // Registers: aligned 4-byte accesses, or 8-byte accesses to a 64-bit pair.
    if (a >= 0x1000 || (len != 4 && len != 8) || a % len != 0) {
        gp.set_response_status(a >= 0x1000 ? tlm::TLM_ADDRESS_ERROR_RESPONSE : tlm::TLM_BURST_ERROR_RESPONSE);
        return;
    }
    {
        const sc_time t0 = sc_time_stamp() + delay;
        delay += sc_time(m_p.reg_access_ns, SC_NS);  // one access, 4 or 8 bytes
        m_ledger.add(m_reg_action, Kernel::bus, 32.0 * (len / 4), t0.value(), (sc_time_stamp() + delay).value());
    }
    for (unsigned w = 0; w < len / 4; ++w) {
        std::uint32_t v;
        if (gp.is_read()) {
            if (!reg_read(a + 4 * w, v)) {
                gp.set_response_status(tlm::TLM_ADDRESS_ERROR_RESPONSE);
                return;
            }
            std::memcpy(data + 4 * w, &v, 4);
        } else {
            std::memcpy(&v, data + 4 * w, 4);
            if (!reg_write(a + 4 * w, v, delay)) {
                gp.set_response_status(tlm::TLM_ADDRESS_ERROR_RESPONSE);
                return;
            }
        }
    }
    gp.set_response_status(tlm::TLM_OK_RESPONSE);
}

unsigned Tile::transport_dbg(tlm::tlm_generic_payload& gp) {
    // Debug access reaches the buffers only (no side effects on registers).
    const std::uint64_t a = gp.get_address();
    for (auto [base, buf] : {std::pair{std::uint64_t(rm::IN_BUF), &m_in_buf},
                             std::pair{std::uint64_t(rm::OUT_BUF), &m_out_buf}})
        if (a >= base && a - base < rm::kBufBytes) {
            const unsigned n = std::min<std::uint64_t>(gp.get_data_length(), rm::kBufBytes - (a - base));
            auto* p = reinterpret_cast<unsigned char*>(buf->data()) + (a - base);
            if (gp.is_read()) std::memcpy(gp.get_data_ptr(), p, n);
            else if (gp.is_write()) std::memcpy(p, gp.get_data_ptr(), n);
            gp.set_response_status(tlm::TLM_OK_RESPONSE);
            return n;
        }
    gp.set_response_status(tlm::TLM_ADDRESS_ERROR_RESPONSE);
    return 0;
}

// ---- the register map (regmap.h) ----------------------------------------------------------

// One row per 32-bit register, in offset order. RegisterFile gives the access semantics: writes to
// RO registers are ignored, WO registers read 0, IRQ_STATUS is write-1-to-clear. The 64-bit pairs
// are two registers each (b_transport splits an 8-byte access into its two words).
std::vector<Register> Tile::build_registers() {
    using reg::constant, reg::view, reg::field, reg::low_word, reg::high_word, reg::reads, reg::calls;
    const cores::CodeFormat f = m_core->format();
    const std::uint32_t bits = f.bits_in | f.bits_out << 8 | f.bits_x << 16 | std::uint32_t(f.bits_delta) << 24;
    const std::uint32_t rows = m_core->rows(), cols = m_core->cols();
    return {
        constant("ID", rm::ID, rm::kTileId),
        constant("VERSION", rm::VERSION, rm::kTileVersion),
        constant("ROWS", rm::ROWS, rows),
        constant("COLS", rm::COLS, cols),
        constant("BITS", rm::BITS, bits),
        constant("VARIANT", rm::VARIANT, m_p.variant_code),
        {"CMD", rm::CMD, Access::WO, 0, nullptr, calls(this, &Tile::start_command)},
        view("STATUS", rm::STATUS, m_status, 0),
        {"IRQ_ENABLE", rm::IRQ_ENABLE, Access::RW, 0, reads(m_irq_enable), calls(this, &Tile::set_irq_enable)},
        {"IRQ_STATUS", rm::IRQ_STATUS, Access::W1C, 0, reads(m_irq_status), calls(this, &Tile::set_irq_status)},
        field("ACTIVE_ROWS", rm::ACTIVE_ROWS, m_active_rows, rows),
        field("ACTIVE_COLS", rm::ACTIVE_COLS, m_active_cols, cols),
        field("IN_OFFSET", rm::IN_OFFSET, m_in_off, 0),
        field("OUT_OFFSET", rm::OUT_OFFSET, m_out_off, 0),
        field("AUX_OFFSET", rm::AUX_OFFSET, m_aux_off, 0),
        field("FWD_FULLSCALE", rm::FWD_FULLSCALE, m_fwd_fs, 1.0f),
        field("BWD_FULLSCALE", rm::BWD_FULLSCALE, m_bwd_fs, 1.0f),
        field("OPU_SCALE", rm::OPU_SCALE, m_opu_scale, 0.0f),
        low_word("WEIGHT_ADDR_LO", rm::WEIGHT_ADDR, m_weight_addr, 0),
        high_word("WEIGHT_ADDR_HI", rm::WEIGHT_ADDR + 4, m_weight_addr, 0),
        view("ERROR_CODE", rm::ERROR_CODE, m_error, rm::ERR_NONE),
        view("KERNELS_DONE", rm::KERNELS_DONE, m_done_count, 0),
        low_word("DMA_SRC_LO", rm::DMA_SRC, m_dma_src, 0),
        high_word("DMA_SRC_HI", rm::DMA_SRC + 4, m_dma_src, 0),
        low_word("DMA_DST_LO", rm::DMA_DST, m_dma_dst, 0),
        high_word("DMA_DST_HI", rm::DMA_DST + 4, m_dma_dst, 0),
        field("DMA_LEN", rm::DMA_LEN, m_dma_len, 0),
        {"DMA_CTRL", rm::DMA_CTRL, Access::WO, 0, nullptr, calls(this, &Tile::start_dma)},
        view("DMA_STATUS", rm::DMA_STATUS, m_dma_status, 0),
        field("ROW_BASE", rm::ROW_BASE, m_row_base, 0),
        field("COL_BASE", rm::COL_BASE, m_col_base, 0),
        field("DU_OP", rm::DU_OP, m_du_op, 0),
        field("DU_ACT", rm::DU_ACT, m_du_act, rm::ACT_SIGMOID),
        field("DU_COUNT", rm::DU_COUNT, m_du_count, 0),
        field("DU_SRC", rm::DU_SRC, m_du_src, 0),
        field("DU_DST", rm::DU_DST, m_du_dst, 0),
        field("DU_DST2", rm::DU_DST2, m_du_dst2, 0),
        field("DU_DERIV", rm::DU_DERIV, m_du_deriv, 0),
        field("DU_IN_SCALE", rm::DU_IN_SCALE, m_du_in_scale, 1.0f),
        field("DU_OUT_SCALE", rm::DU_OUT_SCALE, m_du_out_scale, 1.0f),
        view("DU_RESULT", rm::DU_RESULT, m_du_result, 0.0f),
    };
}

bool Tile::reg_read(std::uint64_t off, std::uint32_t& v) const { return m_regs.read(off, v); }

bool Tile::reg_write(std::uint64_t off, std::uint32_t v, const sc_time& delay) {
    m_access_delay = delay;
    return m_regs.write(off, v);
}

void Tile::set_irq_enable(std::uint32_t v) {
    m_irq_enable = v & (rm::IRQ_CMD_DONE | rm::IRQ_DMA_DONE);
    update_irq();
}

void Tile::set_irq_status(std::uint32_t v) {  // the value after write-1-to-clear
    m_irq_status = v;
    update_irq();
}

void Tile::start_dma(std::uint32_t ctrl) {
    if (!(ctrl & 1)) return;  // bit 0: start
    if (m_dma_status & 1) {
        m_dma_status |= 4;  // start while busy: error bit, transfer continues
        return;
    }
    m_dma_status = 1;
    m_dma_event.notify(m_access_delay);
}

std::uint32_t Tile::validate(std::uint32_t cmd) const {
    if (cmd < rm::CMD_VMM || cmd > rm::CMD_UPDATE) return rm::ERR_BAD_COMMAND;
    auto fits = [](std::uint32_t off, std::uint32_t n) { return off <= rm::kBufBytes && n <= rm::kBufBytes - off; };
    if (cmd == rm::CMD_DIGITAL) {
        if (m_du_op != rm::OP_ACTIVATE && m_du_op != rm::OP_SCALE_BY_DERIV) return rm::ERR_BAD_DU_OP;
        if (m_du_act > rm::ACT_IDENTITY) return rm::ERR_BAD_DU_OP;
        const std::uint32_t n = m_du_count;
        if (!fits(m_du_src, n) || !fits(m_du_dst, n) || !fits(m_du_dst2, n) || !fits(m_du_deriv, n))
            return rm::ERR_BAD_OFFSET;
        if (!(std::isfinite(m_du_in_scale) && m_du_in_scale > 0 && std::isfinite(m_du_out_scale) && m_du_out_scale > 0))
            return rm::ERR_BAD_SCALE;
        return rm::ERR_NONE;
    }
    const std::uint64_t R = m_core->rows(), C = m_core->cols();
    if (m_active_rows < 1 || m_active_cols < 1 || std::uint64_t(m_row_base) + m_active_rows > R ||
        std::uint64_t(m_col_base) + m_active_cols > C)
        return rm::ERR_BAD_REGION;
    const std::uint32_t r = m_active_rows, c = m_active_cols;
    switch (cmd) {
        case rm::CMD_VMM:
            if (!fits(m_in_off, r) || !fits(m_out_off, c)) return rm::ERR_BAD_OFFSET;
            if (!(std::isfinite(m_fwd_fs) && m_fwd_fs > 0)) return rm::ERR_BAD_SCALE;
            break;
        case rm::CMD_MVM:
            if (!fits(m_in_off, c) || !fits(m_out_off, r)) return rm::ERR_BAD_OFFSET;
            if (!(std::isfinite(m_bwd_fs) && m_bwd_fs > 0)) return rm::ERR_BAD_SCALE;
            break;
        case rm::CMD_OPU:
            if (!fits(m_in_off, r) || !fits(m_aux_off, c)) return rm::ERR_BAD_OFFSET;
            if (!std::isfinite(m_opu_scale)) return rm::ERR_BAD_SCALE;
            break;
        default: break;
    }
    return rm::ERR_NONE;
}

void Tile::start_command(std::uint32_t cmd) {
    if (m_status & rm::ST_BUSY) {  // guest error: report it, keep running the current command
        m_error = rm::ERR_BUSY;
        m_status |= rm::ST_ERROR;
        return;
    }
    m_cmd = cmd;
    m_status = rm::ST_BUSY;
    m_error = rm::ERR_NONE;
    m_cmd_event.notify(m_access_delay);
}

void Tile::update_irq() { m_irq_update.notify(SC_ZERO_TIME); }
void Tile::drive_irq() { irq.write((m_irq_status & m_irq_enable) != 0); }

const std::vector<std::string>& Tile::memory_components() {
    static const std::vector<std::string> c{"input_buffer", "output_buffer", "derivative_store", "registers"};
    return c;
}

std::vector<energy::AreaItem> Tile::area() const {
    std::vector<energy::AreaItem> out;
    for (int m = 0; m < int(Mem::count_); ++m) out.push_back({memory_components()[m], m_mem[m].area_um2(), false});
    return out;
}

double Tile::access(Kernel k, Mem m, bool write, std::uint64_t bytes, const sc_time& at) {
    const SramBuffer& b = m_mem[int(m)];
    const double ns = b.access_ns(bytes);
    m_ledger.add(m_mem_actions[int(m) * 2 + write], k, b.bits(bytes), at.value(), (at + sc_time(ns, SC_NS)).value());
    return ns;
}

double Tile::stage(Kernel k, Mem m, bool write, std::uint64_t bytes, const sc_time& at) {
    const double ns = access(k, m, write, bytes, at);
    m_stats[int(k)].staging_ns += ns;
    return ns;
}

void Tile::finish(std::uint32_t error) {
    m_error = error;
    m_status = rm::ST_DONE | (error ? std::uint32_t(rm::ST_ERROR) : 0u);
    ++m_done_count;
    m_irq_status |= rm::IRQ_CMD_DONE;
    update_irq();
    m_busy.write(false);
    m_state.write(int(TileState::idle));
}

void Tile::run_for(const cores::KernelCost& c, double pre_ns, double post_ns) {
    const sc_time pre(pre_ns, SC_NS), lat(c.latency_ns, SC_NS), post(post_ns, SC_NS);
    if (!m_traced || c.latency_ns <= 0) {
        wait(pre + lat + post);  // one wait for the whole command, the same time as three
        return;
    }
    if (pre_ns > 0) wait(pre);
    double pj = 0;
    for (const auto& [idx, count] : c.events) pj += count * m_core->actions()[idx].energy_pj;
    m_power_mw.write(pj / c.latency_ns);  // pJ / ns = mW
    if (!m_trace_detail) {
        wait(lat);
    } else {
        double covered = 0;
        for (const auto& [comp, ns] : c.latency_parts) {
            const std::string part = comp;
            m_driver_active.write(part == "temporal_driver");
            m_adc_active.write(part == "adc");
            wait(sc_time(ns, SC_NS));
            covered += ns;
        }
        m_driver_active.write(false);
        m_adc_active.write(false);
        if (c.latency_ns > covered) wait(sc_time(c.latency_ns - covered, SC_NS));
    }
    m_power_mw.write(0.0);
    if (post_ns > 0) wait(post);
}

void Tile::book(Kernel k, const cores::KernelCost& c, sc_time t0, sc_time t1, sc_time cmd_t0, sc_time cmd_t1) {
    for (const auto& [idx, count] : c.events)
        m_ledger.add(m_action_ids[idx], k, count, t0.value(), t1.value());
    auto& parts = m_stats[int(k)].latency_parts_ns;
    for (const auto& [comp, ns] : c.latency_parts) {
        auto it = std::find_if(parts.begin(), parts.end(), [&](const auto& p) { return p.first == comp; });
        if (it == parts.end()) parts.emplace_back(comp, ns);
        else it->second += ns;
    }
    m_stats[int(k)].count++;
    m_stats[int(k)].busy_ns += (t1 - t0).to_seconds() * 1e9;
    if (k == Kernel::vmm || k == Kernel::mvm || k == Kernel::opu)  // MACs or cell updates
        m_stats[int(k)].macs += double(m_active_rows) * double(m_active_cols);
    // One slice for the whole command (buffer staging included), with the core's share as an arg.
    if (cmd_t1 == SC_ZERO_TIME) cmd_t0 = t0, cmd_t1 = t1;  // not given: the core's time
    m_timeline.slice(m_kernel_track, energy::kernel_name(k), "kernel", cmd_t0.value(), cmd_t1.value(),
                     {{"rows", double(m_active_rows)}, {"cols", double(m_active_cols)},
                      {"core_ns", (t1 - t0).to_seconds() * 1e9}});
}

// ---- the tile's command thread ------------------------------------------------------------

void Tile::command_thread() {
    for (;;) {
        wait(m_cmd_event);
        const std::uint32_t cmd = m_cmd;
        if (const std::uint32_t err = validate(cmd)) {
            finish(err);
            continue;
        }
        const Kernel k = kernel_of(cmd);
        m_busy.write(true);
        m_state.write(int(cmd));  // TileState follows the command numbering
        const cores::Region r{int(m_active_rows), int(m_active_cols), int(m_row_base), int(m_col_base)};
        if (cmd == rm::CMD_DIGITAL) run_digital(k);
        else if (cmd == rm::CMD_READBACK) run_readback(k, r);
        else run_kernel(cmd, k, r);
    }
}

// VMM, MVM, OPU, PROGRAM, UPDATE: operands out of IN_BUF, the core, results into OUT_BUF, all
// serialized; then a periodic carry when one is due (the tile stays busy until it is done).
void Tile::run_kernel(std::uint32_t cmd, Kernel k, const cores::Region& r) {
    const sc_time t_cmd = sc_time_stamp();
    const bool staged = cmd == rm::CMD_VMM || cmd == rm::CMD_MVM || cmd == rm::CMD_OPU;
    double pre = 0;
    if (staged) pre += stage(k, Mem::in_buf, false, cmd == rm::CMD_MVM ? r.cols : r.rows, t_cmd);
    if (cmd == rm::CMD_OPU) pre += stage(k, Mem::in_buf, false, std::uint32_t(r.cols), t_cmd + sc_time(pre, SC_NS));
    cores::KernelCost cost;
    switch (cmd) {
        case rm::CMD_VMM: cost = m_core->vmm(r, &m_in_buf[m_in_off], &m_out_buf[m_out_off], m_fwd_fs); break;
        case rm::CMD_MVM: cost = m_core->mvm(r, &m_in_buf[m_in_off], &m_out_buf[m_out_off], m_bwd_fs); break;
        case rm::CMD_OPU: cost = m_core->opu(r, &m_in_buf[m_in_off], &m_in_buf[m_aux_off], m_opu_scale); break;
        default: {  // PROGRAM, UPDATE: the weights come over the bus first
            std::vector<float> w(std::size_t(r.rows) * r.cols);
            if (!bus_copy(true, m_weight_addr, reinterpret_cast<unsigned char*>(w.data()), w.size() * 4)) {
                finish(rm::ERR_BUS);
                return;
            }
            cost = cmd == rm::CMD_PROGRAM ? m_core->program(r, w.data()) : m_core->update(r, w.data());
        }
    }
    const sc_time t1 = sc_time_stamp() + sc_time(pre, SC_NS);  // the core starts (after any weight fetch)
    const sc_time t_core = t1 + sc_time(cost.latency_ns, SC_NS);
    double post = 0;
    if (cmd == rm::CMD_VMM) post = stage(k, Mem::out_buf, true, r.cols, t_core);
    if (cmd == rm::CMD_MVM) post = stage(k, Mem::out_buf, true, r.rows, t_core);
    run_for(cost, pre, post);
    book(k, cost, t1, t_core, staged ? t_cmd : t1, sc_time_stamp());
    if (m_core->carry_due()) {
        m_state.write(int(TileState::carry));
        const sc_time t2 = sc_time_stamp();
        const cores::KernelCost cc = m_core->carry();
        run_for(cc);
        book(Kernel::carry, cc, t2, sc_time_stamp());
    }
    finish(rm::ERR_NONE);
}

// The digital unit: source codes (and stored derivatives) out of the SRAM, the elementwise op,
// results (and derivatives) back, serialized.
void Tile::run_digital(Kernel k) {
    const sc_time t_cmd = sc_time_stamp();
    const std::uint64_t n = m_du_count;
    const bool scale = m_du_op == rm::OP_SCALE_BY_DERIV;
    double pre = stage(k, Mem::out_buf, false, n, t_cmd);
    if (scale) pre += stage(k, Mem::deriv, false, 4 * n, t_cmd + sc_time(pre, SC_NS));
    const auto f = m_core->format();
    const du::Args a{m_du_op, m_du_act, m_du_count, &m_out_buf[m_du_src], &m_in_buf[m_du_dst], &m_in_buf[m_du_dst2],
                     &m_deriv[m_du_deriv], m_du_in_scale, m_du_out_scale, f.bits_out, f.bits_in, f.bits_delta};
    m_du_result = du::run(a).max_abs;
    const double lat = du::latency_ns(m_p.digital_unit, m_du_count);
    const sc_time t0 = t_cmd + sc_time(pre, SC_NS), t1 = t0 + sc_time(lat, SC_NS);
    double post = stage(k, Mem::in_buf, true, n, t1);  // the results, then the second copy or the derivatives
    post += scale ? stage(k, Mem::in_buf, true, n, t1 + sc_time(post, SC_NS))
                  : stage(k, Mem::deriv, true, 4 * n, t1 + sc_time(post, SC_NS));
    wait(sc_time(pre + lat + post, SC_NS));
    m_ledger.add(m_du_action, k, double(n), t0.value(), t1.value());
    m_stats[int(k)].count++;
    m_stats[int(k)].busy_ns += lat;
    m_timeline.slice(m_kernel_track, "digital", "kernel", t_cmd.value(), sc_time_stamp().value(),
                     {{"elements", double(n)}, {"core_ns", lat}});
    finish(rm::ERR_NONE);
}

// Serial read-back of the region, then the weights over the bus to WEIGHT_ADDR.
void Tile::run_readback(Kernel k, const cores::Region& r) {
    const sc_time t0 = sc_time_stamp();
    std::vector<float> w(std::size_t(r.rows) * r.cols);
    const cores::KernelCost cost = m_core->read_back(r, w.data());
    run_for(cost);
    book(k, cost, t0, sc_time_stamp());
    finish(bus_copy(false, m_weight_addr, reinterpret_cast<unsigned char*>(w.data()), w.size() * 4) ? rm::ERR_NONE
                                                                                                      : rm::ERR_BUS);
}

bool Tile::bus_copy(bool read, std::uint64_t bus, unsigned char* host, std::uint64_t len) {
    tlm::tlm_generic_payload gp;
    for (std::uint64_t done = 0; done < len;) {
        const unsigned n = unsigned(std::min<std::uint64_t>(m_p.dma_burst_bytes, len - done));
        sc_time delay = SC_ZERO_TIME;
        const sc_time t0 = sc_time_stamp();
        gp.set_command(read ? tlm::TLM_READ_COMMAND : tlm::TLM_WRITE_COMMAND);
        gp.set_address(bus + done);
        gp.set_data_ptr(host + done);
        gp.set_data_length(n);
        gp.set_streaming_width(n);
        gp.set_byte_enable_ptr(nullptr);
        gp.set_dmi_allowed(false);
        gp.set_response_status(tlm::TLM_INCOMPLETE_RESPONSE);
        initiator_socket->b_transport(gp, delay);
        if (!gp.is_response_ok()) return false;
        wait(delay);
        m_timeline.slice(m_dma_track, read ? "fetch" : "store", "dma", t0.value(), sc_time_stamp().value(),
                         {{"address", double(bus + done)}, {"bytes", double(n)}});
        done += n;
    }
    return true;
}

void Tile::dma_thread() {
    std::vector<unsigned char> staging;
    for (;;) {
        wait(m_dma_event);
        m_dma_busy.write(true);
        staging.resize(m_dma_len);
        const bool ok = bus_copy(true, m_dma_src, staging.data(), m_dma_len) &&
                        bus_copy(false, m_dma_dst, staging.data(), m_dma_len);
        m_dma_status = 2 | (ok ? 0 : 4);
        m_irq_status |= rm::IRQ_DMA_DONE;
        update_irq();
        m_dma_busy.write(false);
    }
}

}  // namespace xbar::models
