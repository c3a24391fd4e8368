#include "models/interconnect/router.h"

#include <algorithm>
#include <stdexcept>

namespace xbar::models {

using namespace sc_core;

Router::Router(sc_module_name name, std::vector<MapEntry> map, const LinkParams& link,
               energy::Ledger& ledger, trace::Timeline& timeline)
    : sc_module(name),
      target_socket("target_socket"),
      initiator_socket("initiator_socket"),
      m_map(std::move(map)),
      m_link(link),
      m_ledger(ledger),
      m_timeline(timeline),
      m_busy("busy"),
      m_edge("edge") {
    std::sort(m_map.begin(), m_map.end(),
              [](const MapEntry& a, const MapEntry& b) { return a.base < b.base; });
    for (std::size_t i = 0; i < m_map.size(); ++i) {
        if (m_map[i].size == 0) throw std::invalid_argument("address map: " + m_map[i].name + " has size 0");
        if (m_map[i].base + m_map[i].size < m_map[i].base)
            throw std::invalid_argument("address map: " + m_map[i].name + " wraps around 2^64");
        if (i && m_map[i - 1].base + m_map[i - 1].size > m_map[i].base)
            throw std::invalid_argument("address map: " + m_map[i - 1].name + " overlaps " + m_map[i].name);
    }
    target_socket.register_b_transport(this, &Router::b_transport);
    target_socket.register_transport_dbg(this, &Router::transport_dbg);
    target_socket.register_get_direct_mem_ptr(this, &Router::get_direct_mem_ptr);
    initiator_socket.register_invalidate_direct_mem_ptr(this, &Router::invalidate_direct_mem_ptr);
    m_bit_action = m_ledger.define("interconnect", "link", "bit", m_link.energy_pj_per_bit,
                                   m_link.energy_source, energy::Basis::physics);
    m_track = m_timeline.track(this->name(), "link");
    SC_METHOD(update_busy_signal);
    sensitive << m_edge;
    dont_initialize();
}

const MapEntry* Router::decode(std::uint64_t addr, std::uint64_t len) const {
    for (const auto& e : m_map)
        if (addr >= e.base && addr - e.base < e.size) {
            // addr + len - 1 must stay inside, written without overflow
            if (len == 0 || len - 1 > e.size - 1 - (addr - e.base)) return nullptr;
            return &e;
        }
    return nullptr;
}

void Router::b_transport(int, tlm::tlm_generic_payload& gp, sc_time& delay) {
    const std::uint64_t addr = gp.get_address();
    const std::uint64_t len = gp.get_data_length();
    const MapEntry* e = decode(addr, len);
    if (!e) {
        gp.set_response_status(tlm::TLM_ADDRESS_ERROR_RESPONSE);
        return;
    }
    // Serialize on the shared link.
    const sc_time now = sc_time_stamp() + delay;
    const sc_time start = std::max(now, m_busy_until);
    const sc_time xfer = sc_time(double(len) / m_link.bytes_per_ns, SC_NS);
    const sc_time end = start + xfer;
    m_busy_until = end;
    delay = end - sc_time_stamp() + sc_time(m_link.hop_latency_ns, SC_NS);
    m_bytes += len;
    ++m_transactions;
    m_busy_ns += xfer.to_seconds() * 1e9;
    m_ledger.add(m_bit_action, energy::Kernel::bus, 8.0 * double(len), start.value(), end.value());
    if (m_trace_transfers)
        m_timeline.slice(m_track, gp.is_read() ? "read" : "write", "bus", start.value(), end.value(),
                         {{"address", double(addr)}, {"bytes", double(len)}});
    if (m_traced && end > start) {
        m_pending.push_back({start, +1});
        m_pending.push_back({end, -1});
        m_edge.notify(start - sc_time_stamp());
        m_edge.notify(end - sc_time_stamp());
    }

    gp.set_address(addr - e->base);
    initiator_socket[e->target]->b_transport(gp, delay);
    gp.set_address(addr);
}

void Router::update_busy_signal() {
    // Apply every edge due now, rises and falls together, then drive the level.
    std::sort(m_pending.begin(), m_pending.end());
    while (!m_pending.empty() && m_pending.front().first <= sc_time_stamp()) {
        m_active += m_pending.front().second;
        m_pending.pop_front();
    }
    m_busy.write(m_active > 0);
}

unsigned Router::transport_dbg(int, tlm::tlm_generic_payload& gp) {
    const std::uint64_t addr = gp.get_address();
    const MapEntry* e = decode(addr, gp.get_data_length());
    if (!e) {
        gp.set_response_status(tlm::TLM_ADDRESS_ERROR_RESPONSE);
        return 0;
    }
    gp.set_address(addr - e->base);
    const unsigned n = initiator_socket[e->target]->transport_dbg(gp);
    gp.set_address(addr);
    return n;
}

bool Router::get_direct_mem_ptr(int, tlm::tlm_generic_payload& gp, tlm::tlm_dmi& dmi) {
    const std::uint64_t addr = gp.get_address();
    const MapEntry* e = decode(addr, 1);
    if (!e) return false;
    gp.set_address(addr - e->base);
    const bool ok = initiator_socket[e->target]->get_direct_mem_ptr(gp, dmi);
    gp.set_address(addr);
    // Translate the granted range back to bus addresses, clipped to the map entry.
    const std::uint64_t lo = dmi.get_start_address(), hi = dmi.get_end_address();
    dmi.set_start_address(e->base + std::min<std::uint64_t>(lo, e->size - 1));
    dmi.set_end_address(e->base + std::min<std::uint64_t>(hi, e->size - 1));
    return ok;
}

void Router::invalidate_direct_mem_ptr(int id, sc_dt::uint64 start, sc_dt::uint64 end) {
    for (const auto& e : m_map)
        if (e.target == id) {
            const std::uint64_t last = e.base + e.size - 1;
            const std::uint64_t s = e.base + std::min<std::uint64_t>(start, e.size - 1);
            const std::uint64_t t = end >= e.size - 1 ? last : e.base + end;
            for (unsigned i = 0; i < target_socket.size(); ++i)
                target_socket[i]->invalidate_direct_mem_ptr(s, t);
        }
}

void Router::trace(sc_trace_file* tf) {
    m_traced = true;
    sc_core::sc_trace(tf, m_busy, std::string(name()) + ".busy");
}

}  // namespace xbar::models
