#pragma once
// One crossbar core of a tile as a module: the core numerics (a CrossbarCore, plain C++), its
// driver bank and — unless the tile's cores share one — its ADC bank (child modules), its ledger
// actions, its command thread, its VCD signals (state, busy) and its trace track ("core<c>").
// A command (registers latched when CMD was written) runs here: operands out of the tile's input
// buffer, the core, results into the output buffer; the buffers' datapath ports, a shared ADC
// bank, the digital unit and the tile's bus master are the tile's, so kernels on several cores
// overlap where those allow and wait where they do not.
#include <array>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include <systemc>

#include "models/cores/crossbar_core.h"
#include "models/tile/digital_unit_module.h"
#include "models/tile/dma_engine.h"
#include "models/tile/kernel_stat.h"
#include "models/tile/periphery_bank.h"
#include "models/tile/tile_buffer.h"
#include "models/tile/tile_context.h"

namespace xbar::models {

// Values of a core's state signal (waves.vcd): the command numbering, then the carry.
enum class CoreState : int { idle = 0, vmm, mvm, opu, program, readback, digital, update, carry };

// A core's registers as a command latched them (regmap.h: the per-core bank and DU_*).
struct CoreCommand {
    std::uint32_t cmd = 0;
    std::uint32_t rows = 0, cols = 0, row0 = 0, col0 = 0;  // the region (checked before it is used)
    std::uint32_t in_off = 0, out_off = 0, aux_off = 0;
    float fwd_fs = 1, bwd_fs = 1, opu_scale = 0;
    std::uint64_t weight_addr = 0;
    DigitalCommand du;
};

// What the cores of a tile share, owned by the tile (which sets every pointer before the
// simulation starts; `adc` before it builds the cores).
struct TileShared {
    TileBuffer* in = nullptr;
    TileBuffer* out = nullptr;
    DigitalUnit* du = nullptr;
    DmaEngine* dma = nullptr;
    PeripheryBank* adc = nullptr;  // the shared ADC bank, or null: each core has its own
    std::array<KernelStat, energy::kKernelCount>* stats = nullptr;
    // A command ended (du_result: DU_RESULT of a digital command, else null).
    std::function<void(int core, std::uint32_t error, const float* du_result)> done;
    std::function<void(int core, double mw)> power;  // the core's kernel power while it runs (traced only)
};

class CoreUnit : public sc_core::sc_module {
public:
    SC_HAS_PROCESS(CoreUnit);
    // prefix: put before the core's ledger components ("core1." in a tile of several cores, so each
    // core's rows are its own; "" for a tile's only core).
    CoreUnit(sc_core::sc_module_name name, int index, std::unique_ptr<cores::CrossbarCore> core, const TileShared& shared,
             const TileContext& ctx, const std::string& prefix);

    const cores::CrossbarCore& core() const { return *m_core; }
    // Starts a command at `at` (the CMD write's annotated time); the tile checks it is idle.
    void start(const CoreCommand& c, const sc_core::sc_time& at);
    void trace(sc_core::sc_trace_file* tf, bool detail);

private:
    void thread();
    std::uint32_t validate(const CoreCommand& c) const;
    std::uint32_t run_kernel(const CoreCommand& c, energy::Kernel k);
    std::uint32_t run_readback(const CoreCommand& c, energy::Kernel k);
    // The core's part of a kernel from `start`: when its ADC phase may begin on a shared bank, the
    // wait for it; the phases get their banks' slices at the detailed level. Returns the end.
    sc_core::sc_time schedule(const cores::KernelCost& c, energy::Kernel k, const sc_core::sc_time& start,
                              sc_core::sc_time& adc_wait);
    // Waits until `end`; when traced, phase by phase (drivers / ADC active) at the kernel's power.
    void play(const cores::KernelCost& c, const sc_core::sc_time& core_start, const sc_core::sc_time& adc_wait,
              const sc_core::sc_time& end);
    void book(energy::Kernel k, const cores::KernelCost& c, const cores::Region& r, sc_core::sc_time t0,
              sc_core::sc_time t1, sc_core::sc_time cmd_t0, sc_core::sc_time cmd_t1);
    void carry_if_due(const cores::Region& r);
    PeripheryBank* bank_for(const char* part);

    int m_index;
    std::unique_ptr<cores::CrossbarCore> m_core;
    const TileShared& m_shared;
    const TileContext& m_ctx;
    PeripheryBank m_driver_bank;
    std::unique_ptr<PeripheryBank> m_adc_bank;  // own bank (null when the tile's is shared)
    PeripheryBank* m_adc;                       // the bank the ADC phase books
    std::vector<energy::ActionId> m_action_ids;
    int m_track;
    CoreCommand m_cmd;
    sc_core::sc_event m_start;
    sc_core::sc_signal<int> m_state;
    sc_core::sc_signal<bool> m_busy;
    bool m_traced = false, m_trace_detail = false;
};

}  // namespace xbar::models
