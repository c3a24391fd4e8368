#pragma once
// A tile: an sc_module composed of child modules — crossbar cores (1..kMaxCores, CoreUnit, each
// with its driver bank and ADC bank), the input and output SRAM buffers and the derivative store
// (TileBuffer), the digital unit (DigitalUnit), the DMA engine / bus master (DmaEngine) and, when
// the cores share one, an ADC bank — plus the register file the firmware drives them through
// (regmap.h: tile-global registers and one bank per core) and the done interrupt. A kernel command
// is one register write; the core's thread runs it. Register and buffer accesses from the bus cost
// time and energy too.
#include <array>
#include <cstdint>
#include <limits>
#include <memory>
#include <string>
#include <vector>

#include <systemc>
#include <tlm>
#include <tlm_utils/simple_initiator_socket.h>
#include <tlm_utils/simple_target_socket.h>

#include "models/cores/crossbar_core.h"
#include "models/digital_unit/digital_unit.h"
#include "models/energy/ledger.h"
#include "models/tile/core_unit.h"
#include "models/tile/digital_unit_module.h"
#include "models/tile/dma_engine.h"
#include "models/tile/kernel_stat.h"
#include "models/tile/periphery_bank.h"
#include "models/tile/register_file.h"
#include "models/tile/regmap.h"
#include "models/tile/sram_buffer.h"
#include "models/tile/tile_buffer.h"
#include "models/tile/tile_context.h"
#include "models/trace/timeline.h"

namespace xbar::models {

struct TileParams {
    // Technology (register.*, sram.*): unset until a technology file is applied.
    double reg_access_ns = std::numeric_limits<double>::quiet_NaN();   // one register access
    double reg_fj_per_bit = std::numeric_limits<double>::quiet_NaN();  // per register bit accessed
    SramMacro buffer_macro;  // the macros of the input/output buffers and the derivative store
    std::uint32_t dma_burst_bytes = 4096;
    std::uint32_t variant_code = 0;    // VARIANT register
    du::Params digital_unit;
    // Architecture (scenario /tile): buffer sizes (at most regmap::kBufBytes, the window's room) and
    // whether the tile's cores share one ADC bank (conversions serialize, one bank's area).
    std::uint32_t in_buf_bytes = std::uint32_t(regmap::kBufBytes), out_buf_bytes = std::uint32_t(regmap::kBufBytes);
    bool adc_shared = false;
    bool trace_detail = false;  // the detailed trace level: phase and buffer slices on the timeline
};

class Tile : public sc_core::sc_module {
public:
    SC_HAS_PROCESS(Tile);
    tlm_utils::simple_target_socket<Tile> target_socket;  // registers and buffers
    tlm_utils::simple_initiator_socket<DmaEngine>& initiator_socket;  // the DMA engine's (bus master)
    sc_core::sc_out<bool> irq;

    // cores: 1..regmap::kMaxCores crossbar cores of one geometry and code format.
    Tile(sc_core::sc_module_name name, const TileParams& p, std::vector<std::unique_ptr<cores::CrossbarCore>> cores,
         energy::Ledger& ledger, trace::Timeline& timeline);
    Tile(sc_core::sc_module_name name, const TileParams& p, std::unique_ptr<cores::CrossbarCore> core,
         energy::Ledger& ledger, trace::Timeline& timeline);

    // Adds the tile's signals to a VCD: its power and interrupt, each core's state and busy, the
    // DMA engine's busy; with `detail`, also each driver and ADC bank's activity.
    void trace(sc_core::sc_trace_file* tf, bool detail);
    const sc_core::sc_signal_in_if<double>& power_mw() const { return m_power_mw; }
    int core_count() const { return int(m_cores.size()); }
    const cores::CrossbarCore& core(int c = 0) const { return m_cores.at(std::size_t(c))->core(); }
    // Summed over the tile's cores (busy_ns is core time, so it can exceed the run's time).
    const KernelStat& stat(energy::Kernel k) const { return m_stats[int(k)]; }
    // The cores' area (each core with its periphery; a shared ADC bank counted once).
    std::vector<energy::AreaItem> core_area() const;
    // The tile's own memories (input/output buffers, derivative store), not the cores'.
    std::vector<energy::AreaItem> area() const;
    // Components whose ledger actions are staging or bus traffic, not the kernel's compute.
    static const std::vector<std::string>& memory_components();
    // The register map as built (name, offset, access, reset value), for documentation and tests.
    std::vector<RegInfo> registers() const { return m_regs.registers(); }

private:
    // A core's register bank (regmap::is_per_core); CMD latches it into a CoreCommand.
    struct CoreBank {
        std::uint32_t status = 0, error = 0, done_count = 0;
        std::uint32_t active_rows = 0, active_cols = 0, row_base = 0, col_base = 0;
        std::uint32_t in_off = 0, out_off = 0, aux_off = 0;
        float fwd_fs = 0, bwd_fs = 0, opu_scale = 0;
        std::uint64_t weight_addr = 0;
    };

    void b_transport(tlm::tlm_generic_payload& gp, sc_core::sc_time& delay);
    unsigned transport_dbg(tlm::tlm_generic_payload& gp);
    TileBuffer* buffer_at(std::uint64_t address, std::uint64_t& offset);
    std::vector<Register> build_registers();
    void add_core_bank(std::vector<Register>& regs, unsigned c);
    // Write side effects of the registers; CMD starts the core's command at m_access_delay.
    void start_command(unsigned core, std::uint32_t cmd);
    void set_irq_enable(std::uint32_t v);
    void set_irq_status(std::uint32_t v);
    void set_core_done(std::uint32_t v);
    void command_done(int core, std::uint32_t error, const float* du_result);
    void core_power(int core, double mw);
    void update_irq();  // any process may call it; drive_irq is the signal's only writer
    void drive_irq();

    TileParams m_p;
    TileContext m_ctx;
    std::array<KernelStat, energy::kKernelCount> m_stats{};
    DmaEngine m_dma;
    std::vector<std::unique_ptr<CoreUnit>> m_cores;
    TileShared m_shared;
    std::unique_ptr<PeripheryBank> m_shared_adc;
    std::unique_ptr<DigitalUnit> m_du;
    energy::ActionId m_reg_action = 0;
    std::unique_ptr<TileBuffer> m_in, m_out, m_deriv;
    std::vector<double> m_core_mw;  // each core's kernel power (traced runs)

    // Register state; build_registers() states (and sets) the reset values.
    std::vector<CoreBank> m_banks;
    std::uint32_t m_irq_enable = 0, m_irq_status = 0, m_core_done = 0;
    DigitalCommand m_du_regs;
    float m_du_result = 0;
    RegisterFile m_regs{{}};          // built once the cores exist
    sc_core::sc_time m_access_delay;  // the annotated time of the bus access being decoded

    sc_core::sc_event m_irq_update;
    sc_core::sc_signal<double, sc_core::SC_UNCHECKED_WRITERS> m_power_mw;  // the cores' sum
};

}  // namespace xbar::models
