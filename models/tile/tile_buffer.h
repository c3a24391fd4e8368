#pragma once
// An SRAM buffer of the tile as a module: its macros (SramBuffer), its contents, its ledger actions
// and two ports. The datapath port serves the tile's cores and digital unit one access at a time
// (a Reservation: kernels on several cores take turns for their operands and results); the bus
// port serves the tile bus (firmware's reads and writes), which is not serialized with the
// datapath (assumption: a dual-ported buffer). Every access books its bits and its time; with the
// timeline's detail level each datapath access is a slice on the buffer's track.
#include <cstdint>
#include <string>
#include <vector>

#include <systemc>

#include "models/tile/reservation.h"
#include "models/tile/sram_buffer.h"
#include "models/tile/tile_context.h"

namespace xbar::models {

class TileBuffer : public sc_core::sc_module {
public:
    // component: its ledger rows (e.g. "input_buffer"). holds_codes: the buffer's contents live
    // here (int8 codes); otherwise its owner keeps them (the digital unit's derivative store).
    TileBuffer(sc_core::sc_module_name name, std::uint64_t bytes, const SramMacro& macro, bool holds_codes,
               const std::string& component, const TileContext& ctx);

    std::int8_t* codes() { return m_codes.data(); }
    std::uint64_t size() const { return m_sram.bytes(); }
    double area_um2() const { return m_sram.area_um2(); }
    const std::string& component() const { return m_component; }

    // A datapath access of `bytes` that may start at `earliest`: books the port, the bits (under
    // kernel k) and returns when the access ends. `staging` (if given) accumulates the access time.
    sc_core::sc_time access(energy::Kernel k, bool write, std::uint64_t bytes, const sc_core::sc_time& earliest,
                            double* staging = nullptr);
    // A bus access at `at`: books the bits under Kernel::bus and returns its duration.
    sc_core::sc_time bus_access(bool write, std::uint64_t bytes, const sc_core::sc_time& at);

private:
    SramBuffer m_sram;
    std::string m_component;
    std::vector<std::int8_t> m_codes;
    const TileContext& m_ctx;
    energy::ActionId m_read, m_write;
    Reservation m_port;
    int m_track = -1;  // detail level only
};

}  // namespace xbar::models
