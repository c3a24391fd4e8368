#include "models/tile/tile.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <stdexcept>
#include <string>

namespace xbar::models {

using namespace sc_core;
namespace rm = xbar::regmap;
using energy::Kernel;

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
      initiator_socket(m_dma.socket),
      irq("irq"),
      m_p(p),
      m_ctx{basename(), this->name(), ledger, timeline, p.trace_detail},
      m_dma("dma", p.dma_burst_bytes, m_ctx, [this] {
          m_irq_status |= rm::IRQ_DMA_DONE;
          update_irq();
      }),
      m_power_mw("power_mw") {
    const std::string n = this->name();
    if (cores.empty() || cores.size() > rm::kMaxCores)
        throw std::invalid_argument(n + ": a tile has 1 to " + std::to_string(rm::kMaxCores) + " cores");
    for (const auto& c : cores)
        if (!c || c->rows() != cores[0]->rows() || c->cols() != cores[0]->cols())
            throw std::invalid_argument(n + ": the cores of a tile have one geometry");
    if (!(m_p.reg_access_ns >= 0) || !(m_p.reg_fj_per_bit >= 0))
        throw std::invalid_argument(n + ": register parameters unset or invalid (apply a technology file)");
    if (p.in_buf_bytes == 0 || p.in_buf_bytes > rm::kBufBytes || p.out_buf_bytes == 0 || p.out_buf_bytes > rm::kBufBytes)
        throw std::invalid_argument(n + ": buffer sizes must be 1.." + std::to_string(rm::kBufBytes) + " bytes");
    // Children in the order their ledger actions were always defined: the cores' actions, the
    // digital unit's, the registers', then the memories'.
    if (p.adc_shared && cores.size() > 1) m_shared_adc = std::make_unique<PeripheryBank>("adc_bank", "adc", m_ctx);
    m_shared.adc = m_shared_adc.get();
    m_shared.stats = &m_stats;
    m_shared.dma = &m_dma;
    m_shared.done = [this](int c, std::uint32_t e, const float* r) { command_done(c, e, r); };
    m_shared.power = [this](int c, double mw) { core_power(c, mw); };
    for (std::size_t c = 0; c < cores.size(); ++c) {
        const std::string cn = "core" + std::to_string(c);
        m_cores.push_back(std::make_unique<CoreUnit>(cn.c_str(), int(c), std::move(cores[c]), m_shared, m_ctx,
                                                     cores.size() > 1 ? cn + "." : std::string()));
    }
    m_du = std::make_unique<DigitalUnit>("digital_unit", p.digital_unit, p.in_buf_bytes, m_ctx);  // a float per IN_BUF byte
    m_reg_action = m_ctx.ledger.define(m_ctx.owner, "registers", "access_bit", m_p.reg_fj_per_bit * 1e-3,
                                       "technology register.access_fj_per_bit (32 bits per access)",
                                       energy::Basis::assumption);
    const auto& mem = memory_components();
    m_in = std::make_unique<TileBuffer>("in_buf", p.in_buf_bytes, p.buffer_macro, true, mem[0], m_ctx);
    m_out = std::make_unique<TileBuffer>("out_buf", p.out_buf_bytes, p.buffer_macro, true, mem[1], m_ctx);
    m_deriv = std::make_unique<TileBuffer>("derivative_store", std::uint64_t(p.in_buf_bytes) * 4, p.buffer_macro, false,
                                           mem[2], m_ctx);
    m_du->attach_store(*m_deriv);
    m_shared.in = m_in.get();
    m_shared.out = m_out.get();
    m_shared.du = m_du.get();
    m_core_mw.assign(m_cores.size(), 0.0);
    m_banks.resize(m_cores.size());
    m_regs = RegisterFile(build_registers());
    target_socket.register_b_transport(this, &Tile::b_transport);
    target_socket.register_transport_dbg(this, &Tile::transport_dbg);
    SC_METHOD(drive_irq);
    sensitive << m_irq_update;
    dont_initialize();
}

void Tile::trace(sc_trace_file* tf, bool detail) {
    const std::string n = name();
    sc_core::sc_trace(tf, m_power_mw, n + ".power_mw");
    sc_core::sc_trace(tf, irq, n + ".irq");
    for (auto& c : m_cores) c->trace(tf, detail);
    if (detail && m_shared_adc) m_shared_adc->trace(tf);
    m_dma.trace(tf);
}

// ---- target side: registers and buffers ---------------------------------------------------

TileBuffer* Tile::buffer_at(std::uint64_t a, std::uint64_t& offset) {
    for (auto [base, buf] : {std::pair{std::uint64_t(rm::IN_BUF), m_in.get()}, std::pair{std::uint64_t(rm::OUT_BUF), m_out.get()}})
        if (a >= base && a - base < rm::kBufBytes) {  // the buffer's window (it may hold less)
            offset = a - base;
            return buf;
        }
    return nullptr;
}

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
    std::uint64_t off = 0;
    if (TileBuffer* buf = buffer_at(a, off)) {
        if (len == 0 || off >= buf->size() || len > buf->size() - off) {
            gp.set_response_status(tlm::TLM_ADDRESS_ERROR_RESPONSE);
            return;
        }
        auto* p = reinterpret_cast<unsigned char*>(buf->codes()) + off;
        if (gp.is_read()) std::memcpy(data, p, len);
        else std::memcpy(p, data, len);
        delay += buf->bus_access(gp.is_write(), len, sc_time_stamp() + delay);
        gp.set_response_status(tlm::TLM_OK_RESPONSE);
        return;
    }
    // Registers: aligned 4-byte accesses, or 8-byte accesses to a 64-bit pair.
    if (a >= 0x1000 || (len != 4 && len != 8) || a % len != 0) {
        gp.set_response_status(a >= 0x1000 ? tlm::TLM_ADDRESS_ERROR_RESPONSE : tlm::TLM_BURST_ERROR_RESPONSE);
        return;
    }
    {
        const sc_time t0 = sc_time_stamp() + delay;
        delay += sc_time(m_p.reg_access_ns, SC_NS);  // one access, 4 or 8 bytes
        m_ctx.ledger.add(m_reg_action, Kernel::bus, 32.0 * (len / 4), t0.value(), (sc_time_stamp() + delay).value());
    }
    for (unsigned w = 0; w < len / 4; ++w) {
        std::uint32_t v;
        bool ok;
        if (gp.is_read()) {
            ok = m_regs.read(a + 4 * w, v);
            if (ok) std::memcpy(data + 4 * w, &v, 4);
        } else {
            std::memcpy(&v, data + 4 * w, 4);
            m_access_delay = delay;
            ok = m_regs.write(a + 4 * w, v);
        }
        if (!ok) {
            gp.set_response_status(tlm::TLM_ADDRESS_ERROR_RESPONSE);
            return;
        }
    }
    gp.set_response_status(tlm::TLM_OK_RESPONSE);
}

unsigned Tile::transport_dbg(tlm::tlm_generic_payload& gp) {
    // Debug access reaches the buffers only (no side effects on registers).
    std::uint64_t off = 0;
    TileBuffer* buf = buffer_at(gp.get_address(), off);
    if (!buf || off >= buf->size()) {
        gp.set_response_status(tlm::TLM_ADDRESS_ERROR_RESPONSE);
        return 0;
    }
    const unsigned n = unsigned(std::min<std::uint64_t>(gp.get_data_length(), buf->size() - off));
    auto* p = reinterpret_cast<unsigned char*>(buf->codes()) + off;
    if (gp.is_read()) std::memcpy(gp.get_data_ptr(), p, n);
    else if (gp.is_write()) std::memcpy(p, gp.get_data_ptr(), n);
    gp.set_response_status(tlm::TLM_OK_RESPONSE);
    return n;
}

// ---- the register map (regmap.h) ----------------------------------------------------------

// One row per 32-bit register. RegisterFile gives the access semantics: writes to RO registers are
// ignored, WO registers read 0, IRQ_STATUS and CORE_DONE are write-1-to-clear. The 64-bit pairs
// are two registers each (b_transport splits an 8-byte access into its two words).
std::vector<Register> Tile::build_registers() {
    using reg::constant, reg::view, reg::field, reg::low_word, reg::high_word, reg::reads, reg::calls;
    const cores::CodeFormat f = core().format();
    const std::uint32_t bits = f.bits_in | f.bits_out << 8 | f.bits_x << 16 | std::uint32_t(f.bits_delta) << 24;
    DmaEngine& d = m_dma;
    DigitalCommand& du = m_du_regs;
    std::vector<Register> regs{
        constant("ID", rm::ID, rm::kTileId),
        constant("VERSION", rm::VERSION, rm::kTileVersion),
        constant("ROWS", rm::ROWS, std::uint32_t(core().rows())),
        constant("COLS", rm::COLS, std::uint32_t(core().cols())),
        constant("BITS", rm::BITS, bits),
        constant("VARIANT", rm::VARIANT, m_p.variant_code),
        constant("CORES", rm::CORES, std::uint32_t(m_cores.size())),
        {"IRQ_ENABLE", rm::IRQ_ENABLE, Access::RW, 0, reads(m_irq_enable), calls(this, &Tile::set_irq_enable)},
        {"IRQ_STATUS", rm::IRQ_STATUS, Access::W1C, 0, reads(m_irq_status), calls(this, &Tile::set_irq_status)},
        low_word("DMA_SRC_LO", rm::DMA_SRC, d.src, 0),
        high_word("DMA_SRC_HI", rm::DMA_SRC + 4, d.src, 0),
        low_word("DMA_DST_LO", rm::DMA_DST, d.dst, 0),
        high_word("DMA_DST_HI", rm::DMA_DST + 4, d.dst, 0),
        field("DMA_LEN", rm::DMA_LEN, d.len, 0),
        {"DMA_CTRL", rm::DMA_CTRL, Access::WO, 0, nullptr,
         [this](std::uint32_t v) {
             m_dma.control(v, m_access_delay);
             return true;
         }},
        view("DMA_STATUS", rm::DMA_STATUS, d.status, 0),
        field("DU_OP", rm::DU_OP, du.op, 0),
        field("DU_ACT", rm::DU_ACT, du.act, rm::ACT_SIGMOID),
        field("DU_COUNT", rm::DU_COUNT, du.count, 0),
        field("DU_SRC", rm::DU_SRC, du.src, 0),
        field("DU_DST", rm::DU_DST, du.dst, 0),
        field("DU_DST2", rm::DU_DST2, du.dst2, 0),
        field("DU_DERIV", rm::DU_DERIV, du.deriv, 0),
        field("DU_IN_SCALE", rm::DU_IN_SCALE, du.in_scale, 1.0f),
        field("DU_OUT_SCALE", rm::DU_OUT_SCALE, du.out_scale, 1.0f),
        view("DU_RESULT", rm::DU_RESULT, m_du_result, 0.0f),
        constant("IN_BUF_BYTES", rm::IN_BUF_BYTES, std::uint32_t(m_in->size())),
        constant("OUT_BUF_BYTES", rm::OUT_BUF_BYTES, std::uint32_t(m_out->size())),
        {"CORE_DONE", rm::CORE_DONE, Access::W1C, 0, reads(m_core_done), calls(this, &Tile::set_core_done)},
    };
    for (unsigned c = 0; c < m_cores.size(); ++c) add_core_bank(regs, c);
    return regs;
}

// Core c's bank: the per-core registers at core_reg(c, offset), named CORE<c>_<NAME> for c >= 1.
void Tile::add_core_bank(std::vector<Register>& regs, unsigned c) {
    using reg::view, reg::field, reg::low_word, reg::high_word;
    CoreBank& b = m_banks[c];
    const std::string p = c ? "CORE" + std::to_string(c) + "_" : "";
    auto at = [c](std::uint64_t off) { return rm::core_reg(c, off); };
    const std::uint32_t rows = std::uint32_t(core().rows()), cols = std::uint32_t(core().cols());
    for (Register r : std::vector<Register>{
             {"CMD", rm::CMD, Access::WO, 0, nullptr,
              [this, c](std::uint32_t v) {
                  start_command(c, v);
                  return true;
              }},
             view("STATUS", rm::STATUS, b.status, 0),
             field("ACTIVE_ROWS", rm::ACTIVE_ROWS, b.active_rows, rows),
             field("ACTIVE_COLS", rm::ACTIVE_COLS, b.active_cols, cols),
             field("IN_OFFSET", rm::IN_OFFSET, b.in_off, 0),
             field("OUT_OFFSET", rm::OUT_OFFSET, b.out_off, 0),
             field("AUX_OFFSET", rm::AUX_OFFSET, b.aux_off, 0),
             field("FWD_FULLSCALE", rm::FWD_FULLSCALE, b.fwd_fs, 1.0f),
             field("BWD_FULLSCALE", rm::BWD_FULLSCALE, b.bwd_fs, 1.0f),
             field("OPU_SCALE", rm::OPU_SCALE, b.opu_scale, 0.0f),
             low_word("WEIGHT_ADDR_LO", rm::WEIGHT_ADDR, b.weight_addr, 0),
             high_word("WEIGHT_ADDR_HI", rm::WEIGHT_ADDR + 4, b.weight_addr, 0),
             view("ERROR_CODE", rm::ERROR_CODE, b.error, rm::ERR_NONE),
             view("KERNELS_DONE", rm::KERNELS_DONE, b.done_count, 0),
             field("ROW_BASE", rm::ROW_BASE, b.row_base, 0),
             field("COL_BASE", rm::COL_BASE, b.col_base, 0),
         }) {
        r.name = p + r.name;
        r.offset = at(r.offset);
        regs.push_back(std::move(r));
    }
}

void Tile::set_irq_enable(std::uint32_t v) {
    m_irq_enable = v & (rm::IRQ_CMD_DONE | rm::IRQ_DMA_DONE);
    update_irq();
}

void Tile::set_irq_status(std::uint32_t v) {  // the value after write-1-to-clear
    m_irq_status = v;
    update_irq();
}

void Tile::set_core_done(std::uint32_t v) { m_core_done = v; }  // after write-1-to-clear

void Tile::start_command(unsigned c, std::uint32_t cmd) {
    CoreBank& b = m_banks[c];
    if (b.status & rm::ST_BUSY) {  // guest error: report it, keep running the current command
        b.error = rm::ERR_BUSY;
        b.status |= rm::ST_ERROR;
        return;
    }
    b.status = rm::ST_BUSY;
    b.error = rm::ERR_NONE;
    CoreCommand k;
    k.cmd = cmd;
    k.rows = b.active_rows, k.cols = b.active_cols, k.row0 = b.row_base, k.col0 = b.col_base;
    k.in_off = b.in_off, k.out_off = b.out_off, k.aux_off = b.aux_off;
    k.fwd_fs = b.fwd_fs, k.bwd_fs = b.bwd_fs, k.opu_scale = b.opu_scale;
    k.weight_addr = b.weight_addr;
    k.du = m_du_regs;
    m_cores[c]->start(k, m_access_delay);
}

void Tile::command_done(int c, std::uint32_t error, const float* du_result) {
    CoreBank& b = m_banks[std::size_t(c)];
    b.error = error;
    b.status = rm::ST_DONE | (error ? std::uint32_t(rm::ST_ERROR) : 0u);
    ++b.done_count;
    if (du_result) m_du_result = *du_result;
    m_core_done |= 1u << c;
    m_irq_status |= rm::IRQ_CMD_DONE;
    update_irq();
}

void Tile::core_power(int c, double mw) {
    m_core_mw[std::size_t(c)] = mw;
    double sum = 0;
    for (double v : m_core_mw) sum += v;
    m_power_mw.write(sum);
}

void Tile::update_irq() { m_irq_update.notify(SC_ZERO_TIME); }
void Tile::drive_irq() { irq.write((m_irq_status & m_irq_enable) != 0); }

const std::vector<std::string>& Tile::memory_components() {
    static const std::vector<std::string> c{"input_buffer", "output_buffer", "derivative_store", "registers"};
    return c;
}

std::vector<energy::AreaItem> Tile::area() const {
    const auto& mem = memory_components();
    return {{mem[0], m_in->area_um2(), false}, {mem[1], m_out->area_um2(), false}, {mem[2], m_deriv->area_um2(), false}};
}

std::vector<energy::AreaItem> Tile::core_area() const {
    std::vector<energy::AreaItem> out;
    for (std::size_t c = 0; c < m_cores.size(); ++c)
        for (const auto& a : m_cores[c]->core().area()) {
            if (m_shared_adc && c > 0 && a.component == "adc") continue;  // one bank serves every core
            auto it = std::find_if(out.begin(), out.end(), [&](const auto& x) { return x.component == a.component; });
            if (it == out.end()) out.push_back(a);
            else it->area_um2 += a.area_um2;
        }
    return out;
}

}  // namespace xbar::models
