#include "models/tile/dma_engine.h"

#include <algorithm>
#include <vector>

namespace xbar::models {

using namespace sc_core;

DmaEngine::DmaEngine(sc_module_name name, std::uint32_t burst_bytes, const TileContext& ctx,
                     std::function<void()> on_done)
    : sc_module(name), socket("socket"), m_burst(burst_bytes), m_ctx(ctx), m_on_done(std::move(on_done)), m_busy("busy") {
    m_track = m_ctx.track(this->name());
    SC_THREAD(thread);
}

void DmaEngine::trace(sc_trace_file* tf) { sc_core::sc_trace(tf, m_busy, std::string(name()) + ".busy"); }

void DmaEngine::control(std::uint32_t ctrl, const sc_time& at) {
    if (!(ctrl & 1)) return;  // bit 0: start
    if (status & 1) {
        status |= 4;  // start while busy: error bit, the transfer continues
        return;
    }
    status = 1;
    m_start.notify(at);
}

bool DmaEngine::copy(bool read, std::uint64_t bus, unsigned char* host, std::uint64_t bytes) {
    tlm::tlm_generic_payload gp;
    for (std::uint64_t done = 0; done < bytes;) {
        while (m_port_busy) wait(m_port_free);
        m_port_busy = true;
        const unsigned n = unsigned(std::min<std::uint64_t>(m_burst, bytes - done));
        sc_time delay = SC_ZERO_TIME;
        const sc_time t0 = sc_time_stamp();
        gp.set_command(read ? tlm::TLM_READ_COMMAND : tlm::TLM_WRITE_COMMAND);
        gp.set_address(bus + done);
        gp.set_data_ptr(host + done);
        gp.set_data_length(n);
        gp.set_streaming_width(n);
        gp.set_byte_enable_ptr(nullptr);
        gp.set_dmi_allowed(false);
        gp.set_response_status(tlm::TLM_INCOMPLETE_RESPONSE);
        socket->b_transport(gp, delay);
        const bool ok = gp.is_response_ok();
        if (ok) wait(delay);
        m_port_busy = false;
        m_port_free.notify(SC_ZERO_TIME);
        if (!ok) return false;
        m_ctx.timeline.slice(m_track, read ? "fetch" : "store", "dma", t0.value(), sc_time_stamp().value(),
                             {{"address", double(bus + done)}, {"bytes", double(n)}});
        done += n;
    }
    return true;
}

void DmaEngine::thread() {
    std::vector<unsigned char> staging;
    for (;;) {
        wait(m_start);
        m_busy.write(true);
        staging.resize(len);
        const bool ok = copy(true, src, staging.data(), len) && copy(false, dst, staging.data(), len);
        status = 2 | (ok ? 0 : 4);
        m_busy.write(false);
        m_on_done();
    }
}

}  // namespace xbar::models
