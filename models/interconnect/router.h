#pragma once
// Host interconnect: decodes addresses from a named map and forwards transactions to targets.
// All traffic shares one link: a transfer starts when the link is free (busy-until time) and
// occupies it for bytes / bandwidth, so contention between initiators shows up in timing.
#include <cstdint>
#include <deque>
#include <string>
#include <vector>

#include <systemc>
#include <tlm>
#include <tlm_utils/multi_passthrough_initiator_socket.h>
#include <tlm_utils/multi_passthrough_target_socket.h>

#include "models/energy/ledger.h"
#include "models/trace/timeline.h"

namespace xbar::models {

struct MapEntry {
    std::string name;
    std::uint64_t base;
    std::uint64_t size;
    int target;  // index of the initiator_socket binding
};

struct LinkParams {
    double hop_latency_ns = 2.0;   // router traversal
    double bytes_per_ns = 32.0;    // link width x clock (256 bit at 1 GHz)
    double energy_pj_per_bit = 0;  // wire energy per transferred bit
    std::string energy_source;
};

class Router : public sc_core::sc_module {
public:
    SC_HAS_PROCESS(Router);
    tlm_utils::multi_passthrough_target_socket<Router> target_socket;        // from initiators
    tlm_utils::multi_passthrough_initiator_socket<Router> initiator_socket;  // to targets

    // Throws std::invalid_argument if two map entries overlap (an elaboration error).
    Router(sc_core::sc_module_name name, std::vector<MapEntry> map, const LinkParams& link,
           energy::Ledger& ledger, trace::Timeline& timeline);

    // Adds the busy signal to a VCD; only then does the router schedule its edges.
    void trace(sc_core::sc_trace_file* tf);
    void set_trace_transfers(bool on) { m_trace_transfers = on; }  // one timeline slice per transfer
    std::uint64_t bytes_moved() const { return m_bytes; }
    std::uint64_t transactions() const { return m_transactions; }
    double busy_ns() const { return m_busy_ns; }

private:
    void b_transport(int id, tlm::tlm_generic_payload& gp, sc_core::sc_time& delay);
    unsigned transport_dbg(int id, tlm::tlm_generic_payload& gp);
    bool get_direct_mem_ptr(int id, tlm::tlm_generic_payload& gp, tlm::tlm_dmi& dmi);
    void invalidate_direct_mem_ptr(int id, sc_dt::uint64 start, sc_dt::uint64 end);
    const MapEntry* decode(std::uint64_t addr, std::uint64_t len) const;
    void update_busy_signal();

    std::vector<MapEntry> m_map;
    LinkParams m_link;
    energy::Ledger& m_ledger;
    energy::ActionId m_bit_action;
    trace::Timeline& m_timeline;
    int m_track;
    sc_core::sc_time m_busy_until;
    sc_core::sc_signal<bool> m_busy;
    sc_core::sc_event_queue m_edge;
    std::deque<std::pair<sc_core::sc_time, int>> m_pending;  // busy-signal edges (+1 / -1)
    int m_active = 0;
    bool m_traced = false, m_trace_transfers = true;
    std::uint64_t m_bytes = 0, m_transactions = 0;
    double m_busy_ns = 0;
};

}  // namespace xbar::models
