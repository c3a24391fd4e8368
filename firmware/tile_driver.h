#pragma once
// Tile driver: the firmware's view of one tile, built on the HAL and the register map only.
#include <cstdint>
#include <string>

#include "firmware/hal.h"

namespace fw {

class TileDriver {
public:
    TileDriver(Hal& hal, std::uint64_t base, unsigned irq_line, std::string name);
    Hal& hal() { return m_hal; }

    // Checks the ID register, reads the geometry and code widths, enables the done interrupt.
    void probe();
    int rows() const { return m_rows; }
    int cols() const { return m_cols; }
    int bits_in() const { return m_bits_in; }
    int bits_out() const { return m_bits_out; }
    int bits_x() const { return m_bits_x; }
    int bits_delta() const { return m_bits_delta; }
    const std::string& name() const { return m_name; }

    void set_region(int rows, int cols, int row0 = 0, int col0 = 0);
    void write_input(std::uint32_t offset, const std::int8_t* codes, std::size_t n);
    void read_output(std::uint32_t offset, std::int8_t* codes, std::size_t n);
    void read_input(std::uint32_t offset, std::int8_t* codes, std::size_t n);
    void write_output(std::uint32_t offset, const std::int8_t* codes, std::size_t n);

    // Each call issues one command and waits for its interrupt; a device error throws DeviceError.
    void vmm(std::uint32_t in_off, std::uint32_t out_off, float fullscale);
    void mvm(std::uint32_t in_off, std::uint32_t out_off, float fullscale);
    void opu(std::uint32_t x_off, std::uint32_t d_off, float scale);
    void program(std::uint64_t weights_bus_addr);
    void read_back(std::uint64_t weights_bus_addr);
    void update(std::uint64_t delta_bus_addr);  // W += dW (float32 matrix in memory)
    // The same, issued without waiting: start several tiles, then wait_done() on each.
    void start_vmm(std::uint32_t in_off, std::uint32_t out_off, float fullscale);
    void start_mvm(std::uint32_t in_off, std::uint32_t out_off, float fullscale);
    void start_opu(std::uint32_t x_off, std::uint32_t d_off, float scale);
    // Digital unit: op 1 activates OUT_BUF[src..] into IN_BUF[dst..] (derivatives kept in the
    // unit at `deriv`); op 2 scales OUT_BUF[src..] by the stored derivatives, normalizes by the
    // max and writes IN_BUF[dst..] (bits_in) and IN_BUF[dst2..] (bits_delta). Returns DU_RESULT.
    float digital(std::uint32_t op, std::uint32_t act, std::uint32_t n, std::uint32_t src, std::uint32_t dst,
                  std::uint32_t dst2, std::uint32_t deriv, float in_scale, float out_scale);

    // Issue without waiting (for overlapping several tiles), then wait.
    void issue(std::uint32_t command);
    void wait_done();

private:
    std::uint64_t reg(std::uint64_t off) const { return m_base + off; }
    // Configuration registers keep their values: skip writes that would not change them.
    void set(std::uint64_t off, std::uint32_t v);

    Hal& m_hal;
    std::uint64_t m_base;
    unsigned m_irq;
    std::string m_name;
    std::uint32_t m_last_cmd = 0;
    std::uint32_t m_shadow[64] = {};  // last value written to registers 0x00..0xFC
    bool m_known[64] = {};
    int m_rows = 0, m_cols = 0, m_bits_in = 0, m_bits_out = 0, m_bits_x = 0, m_bits_delta = 0;
};

}  // namespace fw
