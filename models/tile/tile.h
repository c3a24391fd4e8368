#pragma once
// A tile: control/status registers, input and output SRAM buffers, one crossbar core behind the
// CrossbarCore interface, a digital unit with its derivative store, a DMA engine (bus master) and a
// done interrupt. A kernel command is one register write; the tile thread reads the operands from
// the buffers, runs the core numerics, waits the modelled latency, writes the results back, books
// every event in the ledger and raises the interrupt. Register and buffer accesses from the bus
// cost time and energy too.
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
#include "models/tile/register_file.h"
#include "models/tile/regmap.h"
#include "models/tile/sram_buffer.h"
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
};

struct KernelStat {
    std::uint64_t count = 0;
    double busy_ns = 0;       // the compute unit (core or digital unit)
    double staging_ns = 0;    // operand reads and result writes in the tile's SRAM (serialized; the
                              // energy is the ledger's memory_components() rows of the kernel)
    double macs = 0;  // multiply-accumulates (VMM/MVM) or cell updates (OPU)
    std::vector<std::pair<std::string, double>> latency_parts_ns;  // summed over calls
};

// Values of the tile state signal (waves.vcd).
enum class TileState : int { idle = 0, vmm, mvm, opu, program, readback, digital, update, carry };

class Tile : public sc_core::sc_module {
public:
    SC_HAS_PROCESS(Tile);
    tlm_utils::simple_target_socket<Tile> target_socket;       // registers and buffers
    tlm_utils::simple_initiator_socket<Tile> initiator_socket; // DMA and weight fetch
    sc_core::sc_out<bool> irq;

    // cores: 1..regmap::kMaxCores crossbar cores of one geometry and code format.
    Tile(sc_core::sc_module_name name, const TileParams& p, std::vector<std::unique_ptr<cores::CrossbarCore>> cores,
         energy::Ledger& ledger, trace::Timeline& timeline);
    Tile(sc_core::sc_module_name name, const TileParams& p, std::unique_ptr<cores::CrossbarCore> core,
         energy::Ledger& ledger, trace::Timeline& timeline);

    // Adds the tile's signals to a VCD: state, busy, interrupt and power per kernel; with
    // `detail`, also which phase of a kernel runs (temporal drivers, ADC ramp).
    void trace(sc_core::sc_trace_file* tf, bool detail);
    const sc_core::sc_signal<double>& power_mw() const { return m_power_mw; }
    int core_count() const { return 1; }
    const cores::CrossbarCore& core(int c = 0) const { (void)c; return *m_core; }
    // Summed over the tile's cores (busy_ns is core time, so it can exceed the run's time).
    const KernelStat& stat(energy::Kernel k) const { return m_stats[int(k)]; }
    // The cores' area (each core with its periphery; a shared ADC bank counted once).
    std::vector<energy::AreaItem> core_area() const { return m_core->area(); }
    // The tile's own memories (input/output buffers, derivative store), not the core's.
    std::vector<energy::AreaItem> area() const;
    // Components whose ledger actions are staging or bus traffic, not the kernel's compute.
    static const std::vector<std::string>& memory_components();
    // The register map as built (name, offset, access, reset value), for documentation and tests.
    std::vector<RegInfo> registers() const { return m_regs.registers(); }

    enum class Mem : int { in_buf = 0, out_buf, deriv, count_ };

private:
    void b_transport(tlm::tlm_generic_payload& gp, sc_core::sc_time& delay);
    unsigned transport_dbg(tlm::tlm_generic_payload& gp);
    bool reg_read(std::uint64_t off, std::uint32_t& v) const;
    bool reg_write(std::uint64_t off, std::uint32_t v, const sc_core::sc_time& delay);
    std::vector<Register> build_registers();
    // Write side effects of the registers; CMD and DMA_CTRL start a thread at m_access_delay.
    void start_command(std::uint32_t cmd);
    void start_dma(std::uint32_t ctrl);
    void set_irq_enable(std::uint32_t v);
    void set_irq_status(std::uint32_t v);
    std::uint32_t validate(std::uint32_t cmd) const;
    void command_thread();
    void dma_thread();
    // Moves `len` bytes between bus address `bus` and `host` memory in bursts; false on error.
    bool bus_copy(bool read, std::uint64_t bus, unsigned char* host, std::uint64_t len);
    // Books a kernel's events over [t0, t1) (the core's time); the timeline slice spans the whole
    // command [cmd_t0, cmd_t1) when given (buffer staging included).
    void book(energy::Kernel k, const cores::KernelCost& c, sc_core::sc_time t0, sc_core::sc_time t1,
              sc_core::sc_time cmd_t0 = sc_core::SC_ZERO_TIME, sc_core::sc_time cmd_t1 = sc_core::SC_ZERO_TIME);
    // Waits out a kernel; with a VCD, phase by phase (driver / ADC active) at its average power.
    void run_for(const cores::KernelCost& c, double pre_ns = 0, double post_ns = 0);
    void finish(std::uint32_t error);
    // An access of `bytes` to memory `m` from time `at`: books its bits under kernel `k` over the
    // access time and returns that time (the caller waits it).
    double access(energy::Kernel k, Mem m, bool write, std::uint64_t bytes, const sc_core::sc_time& at);
    // The same for a kernel moving its operands and results (counted in the kernel's staging time).
    double stage(energy::Kernel k, Mem m, bool write, std::uint64_t bytes, const sc_core::sc_time& at);
    void run_kernel(std::uint32_t cmd, energy::Kernel k, const cores::Region& r);
    void run_digital(energy::Kernel k);
    void run_readback(energy::Kernel k, const cores::Region& r);

    void update_irq();  // any process may call it; drive_irq is the signal's only writer
    void drive_irq();

    TileParams m_p;
    std::unique_ptr<cores::CrossbarCore> m_core;
    energy::Ledger& m_ledger;
    trace::Timeline& m_timeline;
    std::vector<energy::ActionId> m_action_ids;
    energy::ActionId m_du_action, m_reg_action;
    std::vector<SramBuffer> m_mem;                 // indexed by Mem
    std::vector<energy::ActionId> m_mem_actions;   // [mem * 2 + write]
    int m_kernel_track, m_dma_track;
    std::array<KernelStat, energy::kKernelCount> m_stats{};

    // Register state; build_registers() states (and sets) the reset values.
    std::uint32_t m_status = 0, m_irq_enable = 0, m_irq_status = 0, m_error = 0, m_done_count = 0;
    std::uint32_t m_active_rows = 0, m_active_cols = 0, m_row_base = 0, m_col_base = 0;
    std::uint32_t m_in_off = 0, m_out_off = 0, m_aux_off = 0;
    float m_fwd_fs = 0, m_bwd_fs = 0, m_opu_scale = 0;
    std::uint64_t m_weight_addr = 0, m_dma_src = 0, m_dma_dst = 0;
    std::uint32_t m_dma_len = 0, m_dma_status = 0;
    std::uint32_t m_du_op = 0, m_du_act = 0, m_du_count = 0, m_du_src = 0, m_du_dst = 0, m_du_dst2 = 0, m_du_deriv = 0;
    float m_du_in_scale = 0, m_du_out_scale = 0, m_du_result = 0;
    RegisterFile m_regs;              // after the state it binds (built from it)
    sc_core::sc_time m_access_delay;  // the annotated time of the bus access being decoded
    std::uint32_t m_cmd = 0;          // the command the command thread runs

    std::vector<std::int8_t> m_in_buf, m_out_buf;
    std::vector<float> m_deriv;  // the digital unit's derivative store
    sc_core::sc_event m_cmd_event, m_dma_event, m_irq_update;
    sc_core::sc_signal<int> m_state;
    sc_core::sc_signal<bool> m_busy, m_dma_busy, m_adc_active, m_driver_active;
    sc_core::sc_signal<double> m_power_mw;
    bool m_traced = false, m_trace_detail = false;
};

}  // namespace xbar::models
