#include "models/tile/periphery_bank.h"

namespace xbar::models {

using namespace sc_core;

PeripheryBank::PeripheryBank(sc_module_name name, std::string phase, const TileContext& ctx)
    : sc_module(name), m_active("active"), m_phase(std::move(phase)), m_ctx(ctx) {
    if (m_ctx.detail) m_track = m_ctx.track(this->name());
}

sc_time PeripheryBank::reserve(const sc_time& earliest, const sc_time& duration, const char* kernel) {
    const sc_time start = m_res.reserve(earliest, duration);
    if (m_track >= 0 && duration > SC_ZERO_TIME)
        m_ctx.timeline.slice(m_track, kernel, "phase", start.value(), (start + duration).value());
    return start;
}

void PeripheryBank::set_active(bool on) {
    m_running += on ? 1 : -1;
    m_active.write(m_running > 0);
}

void PeripheryBank::trace(sc_trace_file* tf) { sc_core::sc_trace(tf, m_active, std::string(name()) + ".active"); }

}  // namespace xbar::models
