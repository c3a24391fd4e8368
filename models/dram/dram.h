#pragma once
// DRAM: a byte-addressed memory target with a fixed access latency plus a transfer time at its
// bandwidth, and DMI for fast host access. The storage is allocated lazily: it is an anonymous
// private mapping reserved without swap accounting (MAP_NORESERVE), so the OS provides a page
// only when it is first written and untouched memory reads as zeros. A 16 GiB DRAM costs
// nothing until the firmware uses it, and one DMI region still covers all of it.
#include <cstdint>
#include <limits>

#include <systemc>
#include <tlm>
#include <tlm_utils/simple_target_socket.h>

#include "models/energy/ledger.h"

namespace xbar::models {

struct DramParams {
    std::uint64_t size_bytes = 64ull << 20;
    double latency_ns = 50.0;
    double bytes_per_ns = 25.6;  // one DDR4-3200 channel
    // Technology dram.*: energy per bit read / written (unset until a technology is applied).
    double read_pj_per_bit = std::numeric_limits<double>::quiet_NaN();
    double write_pj_per_bit = std::numeric_limits<double>::quiet_NaN();
};

class Dram : public sc_core::sc_module {
public:
    tlm_utils::simple_target_socket<Dram> socket;
    // Every b_transport access books its bits in `ledger` (kernel "bus"); the energy parameters
    // must then be set. Without a ledger (module tests of other parts) nothing is booked.
    Dram(sc_core::sc_module_name name, const DramParams& p, energy::Ledger* ledger = nullptr);
    ~Dram() override;
    Dram(const Dram&) = delete;
    Dram& operator=(const Dram&) = delete;
    std::uint64_t size() const { return m_size; }
    // Backdoor load at elaboration (boot image, datasets). Throws std::out_of_range.
    void load(std::uint64_t offset, const void* data, std::size_t len);

private:
    void b_transport(tlm::tlm_generic_payload& gp, sc_core::sc_time& delay);
    unsigned transport_dbg(tlm::tlm_generic_payload& gp);
    bool get_direct_mem_ptr(tlm::tlm_generic_payload& gp, tlm::tlm_dmi& dmi);
    // Checks the payload and returns false (status set) if it cannot be served.
    bool check(tlm::tlm_generic_payload& gp) const;

    DramParams m_p;
    std::uint64_t m_size = 0;
    unsigned char* m_mem = nullptr;  // m_size bytes, mapped lazily
    energy::Ledger* m_ledger = nullptr;
    energy::ActionId m_read_action = 0, m_write_action = 0;
};

}  // namespace xbar::models
