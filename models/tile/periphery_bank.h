#pragma once
// A bank of a core's periphery whose work is one phase of a kernel: the ADC bank (the converters
// and their column sharing, phase "adc") or the driver bank (temporal row drivers and column
// voltage drivers, phase "temporal_driver"). The bank serves one kernel at a time (a Reservation):
// a bank of its own core never waits; an ADC bank the tile's cores share (TileParams::adc_shared)
// serializes their conversion phases. Its parameters (converter count, bits, columns per converter,
// driver counts) are the core's cost table; the bank models when it is busy: its VCD signal
// "active" and, at the detailed trace level, one slice per phase on its own track.
#include <string>

#include <systemc>

#include "models/tile/reservation.h"
#include "models/tile/tile_context.h"

namespace xbar::models {

class PeripheryBank : public sc_core::sc_module {
public:
    // phase: the core latency part this bank performs ("adc", "temporal_driver").
    PeripheryBank(sc_core::sc_module_name name, std::string phase, const TileContext& ctx);
    const std::string& phase() const { return m_phase; }
    // Books the bank for a phase of `duration` from `earliest`; returns the phase's start.
    sc_core::sc_time reserve(const sc_core::sc_time& earliest, const sc_core::sc_time& duration, const char* kernel);
    // A core's phase on the bank begins / ends now (the VCD signal is on while any is running;
    // several cores may write it at one time, so it follows a count, whatever their order).
    void set_active(bool on);
    void trace(sc_core::sc_trace_file* tf);

private:
    sc_core::sc_signal<bool, sc_core::SC_UNCHECKED_WRITERS> m_active;
    int m_running = 0;
    std::string m_phase;
    const TileContext& m_ctx;
    Reservation m_res;
    int m_track = -1;
};

}  // namespace xbar::models
