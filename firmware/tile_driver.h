#pragma once
// Tile driver: the firmware's view of one crossbar core of one tile, built on the HAL and the
// register map only. Kernel registers (regmap::is_per_core) are the core's bank
// (regmap::core_reg); the tile-global ones (IRQ_*, DU_*, the geometry) are bank 0, and the input and
// output buffers belong to the tile, shared by its cores.
#include <cstdint>
#include <memory>
#include <string>

#include "firmware/hal.h"

namespace fw {

class TileDriver {
public:
    // A driver of core `core` of the tile at `base`. The drivers of several cores of one tile must
    // come from one driver through for_core(), so that they share one register shadow (see m_shadow).
    TileDriver(Hal& hal, std::uint64_t base, unsigned irq_line, std::string name, unsigned core = 0);
    Hal& hal() { return m_hal; }

    // Checks the ID register, reads the geometry, the code widths, the number of cores and the buffer
    // sizes, checks that this driver's core exists, and enables the done interrupt.
    void probe();
    // A driver of core `core` of the same tile, probed already (no bus access), sharing this one's
    // register shadow. Named "<name>.core<c>"; throws DeviceError if the tile has no such core.
    TileDriver for_core(unsigned core) const;
    unsigned core() const { return m_core; }
    unsigned cores() const { return m_cores; }  // cores of the tile (CORES)
    std::uint32_t in_buf_bytes() const { return m_in_buf_bytes; }    // IN_BUF_BYTES (shared by the cores)
    std::uint32_t out_buf_bytes() const { return m_out_buf_bytes; }  // OUT_BUF_BYTES
    int rows() const { return m_rows; }  // of each core's array
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
    // The same, issued without waiting: start several cores or tiles, then wait_done() on each.
    void start_vmm(std::uint32_t in_off, std::uint32_t out_off, float fullscale);
    void start_mvm(std::uint32_t in_off, std::uint32_t out_off, float fullscale);
    void start_opu(std::uint32_t x_off, std::uint32_t d_off, float scale);
    // Digital unit (the tile's one unit; the command goes to this core's CMD and reports in its
    // STATUS): op 1 activates OUT_BUF[src..] into IN_BUF[dst..] (derivatives kept in the unit at
    // `deriv`); op 2 scales OUT_BUF[src..] by the stored derivatives, normalizes by the max and
    // writes IN_BUF[dst..] (bits_in) and IN_BUF[dst2..] (bits_delta). Returns DU_RESULT.
    float digital(std::uint32_t op, std::uint32_t act, std::uint32_t n, std::uint32_t src, std::uint32_t dst,
                  std::uint32_t dst2, std::uint32_t deriv, float in_scale, float out_scale);

    // Issue without waiting (for overlapping several cores or tiles), then wait: one wait_done()
    // per issued command, in any order (the protocol is in tile_driver.cpp).
    void issue(std::uint32_t command);
    void wait_done();

private:
    // The last value firmware wrote to each register of one tile's register space (0x000..0xFFF),
    // indexed by the register's offset: per-core registers have an entry in each core's bank, the
    // tile-global ones (DU_*) one entry for the tile, which the drivers of all its cores share.
    struct Shadow {
        static constexpr std::size_t kWords = 0x1000 / 4;
        std::uint32_t value[kWords] = {};
        bool known[kWords] = {};
    };
    // The bus address of register `off`: this core's bank for a per-core register, else bank 0.
    std::uint64_t reg(std::uint64_t off) const;
    // Configuration registers keep their values: skip writes that would not change them.
    void set(std::uint64_t off, std::uint32_t v);
    void wait_done_single();
    std::uint32_t wait_done_shared();
    [[noreturn]] void fail(std::uint32_t status);

    Hal& m_hal;
    std::uint64_t m_base;
    unsigned m_irq;
    std::string m_name;
    unsigned m_core;
    std::shared_ptr<Shadow> m_shadow;
    std::uint32_t m_last_cmd = 0;
    unsigned m_cores = 0;
    std::uint32_t m_in_buf_bytes = 0, m_out_buf_bytes = 0;
    int m_rows = 0, m_cols = 0, m_bits_in = 0, m_bits_out = 0, m_bits_x = 0, m_bits_delta = 0;
};

}  // namespace fw
