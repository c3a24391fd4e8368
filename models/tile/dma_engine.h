#pragma once
// The tile's bus master: the DMA engine the DMA_* registers drive (a copy between two bus
// addresses, staged through the engine) and the port the cores' weight fetches and stores go
// through. One port: transfers of the engine and of the cores take turns burst by burst. Each
// burst is a slice on the "dma" track.
#include <cstdint>
#include <functional>

#include <systemc>
#include <tlm>
#include <tlm_utils/simple_initiator_socket.h>

#include "models/tile/tile_context.h"

namespace xbar::models {

class DmaEngine : public sc_core::sc_module {
public:
    SC_HAS_PROCESS(DmaEngine);
    tlm_utils::simple_initiator_socket<DmaEngine> socket;

    // on_done: called (from the engine's thread) when a DMA_CTRL transfer ends.
    DmaEngine(sc_core::sc_module_name name, std::uint32_t burst_bytes, const TileContext& ctx,
              std::function<void()> on_done);
    void trace(sc_core::sc_trace_file* tf);

    // The DMA_* registers' state (the tile's register table binds them).
    std::uint64_t src = 0, dst = 0;
    std::uint32_t len = 0, status = 0;  // status: bit 0 busy, bit 1 done, bit 2 error
    // DMA_CTRL written at `at` (the access's annotated time): bit 0 starts a transfer.
    void control(std::uint32_t ctrl, const sc_core::sc_time& at);

    // Moves `bytes` between bus address `bus` and `host` memory in bursts; false on a bus error.
    // Called from a thread (it waits for the port and for each burst).
    bool copy(bool read, std::uint64_t bus, unsigned char* host, std::uint64_t bytes);

private:
    void thread();
    std::uint32_t m_burst;
    const TileContext& m_ctx;
    std::function<void()> m_on_done;
    int m_track;
    bool m_port_busy = false;
    sc_core::sc_event m_start, m_port_free;
    sc_core::sc_signal<bool> m_busy;
};

}  // namespace xbar::models
