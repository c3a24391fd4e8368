#pragma once
// DRAM: a byte-addressed memory target with a fixed access latency plus a transfer time at its
// bandwidth, and DMI for fast host access.
#include <cstdint>
#include <vector>

#include <systemc>
#include <tlm>
#include <tlm_utils/simple_target_socket.h>

namespace xbar::models {

struct DramParams {
    std::uint64_t size_bytes = 64ull << 20;
    double latency_ns = 50.0;
    double bytes_per_ns = 25.6;  // one DDR4-3200 channel
};

class Dram : public sc_core::sc_module {
public:
    tlm_utils::simple_target_socket<Dram> socket;
    Dram(sc_core::sc_module_name name, const DramParams& p);
    std::uint64_t size() const { return m_mem.size(); }
    // Backdoor load at elaboration (boot image, datasets). Throws std::out_of_range.
    void load(std::uint64_t offset, const void* data, std::size_t len);

private:
    void b_transport(tlm::tlm_generic_payload& gp, sc_core::sc_time& delay);
    unsigned transport_dbg(tlm::tlm_generic_payload& gp);
    bool get_direct_mem_ptr(tlm::tlm_generic_payload& gp, tlm::tlm_dmi& dmi);
    // Checks the payload and returns false (status set) if it cannot be served.
    bool check(tlm::tlm_generic_payload& gp) const;

    DramParams m_p;
    std::vector<unsigned char> m_mem;
};

}  // namespace xbar::models
