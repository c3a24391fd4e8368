#include "firmware/tile_driver.h"

#include <cstdio>
#include <cstring>
#include <string>

#include "models/tile/regmap.h"

namespace fw {

namespace rm = xbar::regmap;

namespace {
std::uint32_t fbits(float f) {
    std::uint32_t u;
    std::memcpy(&u, &f, 4);
    return u;
}
const char* error_name(std::uint32_t e) {
    switch (e) {
        case rm::ERR_BUSY: return "busy";
        case rm::ERR_BAD_COMMAND: return "bad command";
        case rm::ERR_BAD_REGION: return "bad region (ACTIVE_ROWS/ACTIVE_COLS)";
        case rm::ERR_BAD_OFFSET: return "vector does not fit its buffer (IN/OUT/AUX_OFFSET)";
        case rm::ERR_BAD_SCALE: return "bad full scale (FWD/BWD_FULLSCALE or OPU_SCALE)";
        case rm::ERR_BUS: return "the tile's own bus access failed (WEIGHT_ADDR/DMA)";
        default: return "unknown error";
    }
}
}  // namespace

TileDriver::TileDriver(Hal& hal, std::uint64_t base, unsigned irq_line, std::string name, unsigned core)
    : m_hal(hal), m_base(base), m_irq(irq_line), m_name(std::move(name)), m_core(core),
      m_shadow(std::make_shared<Shadow>()) {}

void TileDriver::probe() {
    const std::uint32_t id = m_hal.read32(reg(rm::ID));
    if (id != rm::kTileId) {
        char buf[128];
        std::snprintf(buf, sizeof buf, "%s: ID register reads 0x%08x, expected 0x%08x", m_name.c_str(), id,
                      rm::kTileId);
        throw DeviceError(buf);
    }
    m_rows = int(m_hal.read32(reg(rm::ROWS)));
    m_cols = int(m_hal.read32(reg(rm::COLS)));
    const std::uint32_t bits = m_hal.read32(reg(rm::BITS));
    m_bits_in = bits & 0xFF;
    m_bits_out = (bits >> 8) & 0xFF;
    m_bits_x = (bits >> 16) & 0xFF;
    m_bits_delta = (bits >> 24) & 0xFF;
    m_cores = m_hal.read32(reg(rm::CORES));
    m_in_buf_bytes = m_hal.read32(reg(rm::IN_BUF_BYTES));
    m_out_buf_bytes = m_hal.read32(reg(rm::OUT_BUF_BYTES));
    char buf[200];
    if (m_cores < 1 || m_cores > rm::kMaxCores || !m_in_buf_bytes ||
        m_in_buf_bytes > rm::kBufBytes || !m_out_buf_bytes || m_out_buf_bytes > rm::kBufBytes) {
        std::snprintf(buf, sizeof buf, "%s: CORES = %u, IN_BUF_BYTES = %u, OUT_BUF_BYTES = %u (expected 1..%u cores, "
                      "buffers of 1..%llu bytes)", m_name.c_str(), m_cores, m_in_buf_bytes, m_out_buf_bytes,
                      rm::kMaxCores, static_cast<unsigned long long>(rm::kBufBytes));
        throw DeviceError(buf);
    }
    if (m_core >= m_cores) {
        std::snprintf(buf, sizeof buf, "%s: no core %u (CORES = %u)", m_name.c_str(), m_core, m_cores);
        throw DeviceError(buf);
    }
    m_hal.write32(reg(rm::IRQ_ENABLE), rm::IRQ_CMD_DONE);
}

TileDriver TileDriver::for_core(unsigned core) const {
    if (core >= m_cores) {
        char buf[160];
        std::snprintf(buf, sizeof buf, "%s: no core %u (CORES = %u)", m_name.c_str(), core, m_cores);
        throw DeviceError(buf);
    }
    TileDriver d = *this;
    d.m_core = core;
    d.m_name = m_name + ".core" + std::to_string(core);
    d.m_last_cmd = 0;
    return d;
}

std::uint64_t TileDriver::reg(std::uint64_t off) const {
    return m_base + (rm::is_per_core(off) ? rm::core_reg(m_core, off) : off);
}

void TileDriver::set(std::uint64_t off, std::uint32_t v) {
    const std::size_t k = (reg(off) - m_base) / 4;
    Shadow& s = *m_shadow;
    if (k < Shadow::kWords && s.known[k] && s.value[k] == v) return;
    m_hal.write32(reg(off), v);
    if (k < Shadow::kWords) s.value[k] = v, s.known[k] = true;
}

void TileDriver::set_region(int rows, int cols, int row0, int col0) {
    set(rm::ACTIVE_ROWS, std::uint32_t(rows));
    set(rm::ACTIVE_COLS, std::uint32_t(cols));
    set(rm::ROW_BASE, std::uint32_t(row0));
    set(rm::COL_BASE, std::uint32_t(col0));
}

float TileDriver::digital(std::uint32_t op, std::uint32_t act, std::uint32_t n, std::uint32_t src, std::uint32_t dst,
                          std::uint32_t dst2, std::uint32_t deriv, float in_scale, float out_scale) {
    set(rm::DU_OP, op);
    set(rm::DU_ACT, act);
    set(rm::DU_COUNT, n);
    set(rm::DU_SRC, src);
    set(rm::DU_DST, dst);
    set(rm::DU_DST2, dst2);
    set(rm::DU_DERIV, deriv);
    set(rm::DU_IN_SCALE, fbits(in_scale));
    set(rm::DU_OUT_SCALE, fbits(out_scale));
    issue(rm::CMD_DIGITAL);
    wait_done();
    if (op != 2) return 0.0f;
    const std::uint32_t r = m_hal.read32(reg(rm::DU_RESULT));
    float f;
    std::memcpy(&f, &r, 4);
    return f;
}

void TileDriver::write_input(std::uint32_t offset, const std::int8_t* codes, std::size_t n) {
    m_hal.write(m_base + rm::IN_BUF + offset, codes, n);
}

void TileDriver::read_output(std::uint32_t offset, std::int8_t* codes, std::size_t n) {
    m_hal.read(m_base + rm::OUT_BUF + offset, codes, n);
}

void TileDriver::read_input(std::uint32_t offset, std::int8_t* codes, std::size_t n) {
    m_hal.read(m_base + rm::IN_BUF + offset, codes, n);
}

void TileDriver::write_output(std::uint32_t offset, const std::int8_t* codes, std::size_t n) {
    m_hal.write(m_base + rm::OUT_BUF + offset, codes, n);
}

void TileDriver::issue(std::uint32_t command) {
    m_last_cmd = command;
    m_hal.write32(reg(rm::CMD), command);
}

// Waiting for a command: the protocol.
//
// The tile has one interrupt line, high while IRQ_STATUS & IRQ_ENABLE is nonzero (a level, not an
// edge); every command that finishes, on any core, sets IRQ_STATUS.CMD_DONE, and firmware clears it
// by writing 1. Each core has its own STATUS: BUSY from the CMD write until the command finishes,
// then DONE (and ERROR). Firmware is one thread: "waiters" are wait_done() calls that follow each
// other, one per issued command, in any order.
//
// One core on the tile (the single-core firmware's sequence, access for access): wait for the
// line, read STATUS, clear CMD_DONE. With one command in flight the line can only mean that one.
//
// Several cores: CMD_DONE does not say which core finished, and one waiter's clear may swallow the
// completion of a core another waiter has not come to yet. So the waiter trusts only its own core's
// STATUS and uses the line only to sleep:
//
//     loop { s = STATUS[core]; if !(s & BUSY) break; wait for the line; IRQ_STATUS = CMD_DONE; }
//
// It never sleeps on a finished core: STATUS is read before every wait, and a core that finishes
// after that read sets CMD_DONE after this waiter's last clear (the clear comes before the read), so
// the line is high and the wait returns. A clear can only hide completions whose cores' STATUS
// already says DONE, which their waiters read before sleeping. A completion no waiter slept on
// leaves CMD_DONE set: the next waiter of the tile takes one extra round (wait returns at once,
// clear, STATUS), nothing worse. CORE_DONE is not needed (each core's STATUS says the same) and is
// left to code that dispatches on it: it does not drive the line.
void TileDriver::wait_done() {
    if (m_cores <= 1) return wait_done_single();
    const std::uint32_t status = wait_done_shared();
    if (status & rm::ST_ERROR) fail(status);
}

void TileDriver::wait_done_single() {
    m_hal.wait_irq(m_irq);
    const std::uint32_t status = m_hal.read32(reg(rm::STATUS));
    m_hal.write32(reg(rm::IRQ_STATUS), rm::IRQ_CMD_DONE);
    if (status & rm::ST_ERROR) fail(status);
}

std::uint32_t TileDriver::wait_done_shared() {
    for (;;) {
        const std::uint32_t status = m_hal.read32(reg(rm::STATUS));
        if (!(status & rm::ST_BUSY)) return status;
        m_hal.wait_irq(m_irq);
        m_hal.write32(reg(rm::IRQ_STATUS), rm::IRQ_CMD_DONE);
    }
}

void TileDriver::fail(std::uint32_t status) {
    const std::uint32_t e = m_hal.read32(reg(rm::ERROR_CODE));
    char buf[200];
    std::snprintf(buf, sizeof buf, "%s: command %u failed: STATUS=0x%x ERROR_CODE=%u (%s)", m_name.c_str(),
                  m_last_cmd, status, e, error_name(e));
    throw DeviceError(buf);
}

void TileDriver::start_vmm(std::uint32_t in_off, std::uint32_t out_off, float fs) {
    set(rm::IN_OFFSET, in_off);
    set(rm::OUT_OFFSET, out_off);
    set(rm::FWD_FULLSCALE, fbits(fs));
    issue(rm::CMD_VMM);
}

void TileDriver::start_mvm(std::uint32_t in_off, std::uint32_t out_off, float fs) {
    set(rm::IN_OFFSET, in_off);
    set(rm::OUT_OFFSET, out_off);
    set(rm::BWD_FULLSCALE, fbits(fs));
    issue(rm::CMD_MVM);
}

void TileDriver::start_opu(std::uint32_t x_off, std::uint32_t d_off, float scale) {
    set(rm::IN_OFFSET, x_off);
    set(rm::AUX_OFFSET, d_off);
    set(rm::OPU_SCALE, fbits(scale));
    issue(rm::CMD_OPU);
}

void TileDriver::vmm(std::uint32_t in_off, std::uint32_t out_off, float fs) {
    start_vmm(in_off, out_off, fs);
    wait_done();
}

void TileDriver::mvm(std::uint32_t in_off, std::uint32_t out_off, float fs) {
    start_mvm(in_off, out_off, fs);
    wait_done();
}

void TileDriver::opu(std::uint32_t x_off, std::uint32_t d_off, float scale) {
    start_opu(x_off, d_off, scale);
    wait_done();
}

void TileDriver::update(std::uint64_t addr) {
    m_hal.write64(reg(rm::WEIGHT_ADDR), addr);
    issue(rm::CMD_UPDATE);
    wait_done();
}

void TileDriver::program(std::uint64_t addr) {
    m_hal.write64(reg(rm::WEIGHT_ADDR), addr);
    issue(rm::CMD_PROGRAM);
    wait_done();
}

void TileDriver::read_back(std::uint64_t addr) {
    m_hal.write64(reg(rm::WEIGHT_ADDR), addr);
    issue(rm::CMD_READBACK);
    wait_done();
}

}  // namespace fw
