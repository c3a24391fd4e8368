#include "models/tile/tile_buffer.h"

namespace xbar::models {

using namespace sc_core;

TileBuffer::TileBuffer(sc_module_name name, std::uint64_t bytes, const SramMacro& macro, bool holds_codes,
                       const std::string& component, const TileContext& ctx)
    : sc_module(name),
      m_sram(bytes, macro),
      m_component(component),
      m_codes(holds_codes ? bytes : 0, 0),
      m_ctx(ctx) {
    auto define = [&](bool w) {
        return m_ctx.ledger.define(m_ctx.owner, component, w ? "write_bit" : "read_bit",
                               w ? m_sram.write_pj_per_bit() : m_sram.read_pj_per_bit(),
                               std::string("technology sram.") + (w ? "write" : "read") +
                                   "_fj_per_bit (M18 IV-H SRAM macro; assumption: the tile's memories are those macros)",
                               energy::Basis::assumption);
    };
    m_read = define(false);
    m_write = define(true);
    if (m_ctx.detail) m_track = m_ctx.track(this->name());
}

sc_time TileBuffer::access(energy::Kernel k, bool write, std::uint64_t bytes, const sc_time& earliest, double* staging) {
    const double ns = m_sram.access_ns(bytes);
    const sc_time d(ns, SC_NS);
    const sc_time start = m_port.reserve(earliest, d), end = start + d;
    m_ctx.ledger.add(write ? m_write : m_read, k, m_sram.bits(bytes), start.value(), end.value());
    if (staging) *staging += ns;
    if (m_track >= 0 && ns > 0)
        m_ctx.timeline.slice(m_track, write ? "write" : "read", "buffer", start.value(), end.value(), {{"bytes", double(bytes)}});
    return end;
}

}  // namespace xbar::models

namespace xbar::models {

sc_core::sc_time TileBuffer::bus_access(bool write, std::uint64_t bytes, const sc_core::sc_time& at) {
    const sc_core::sc_time d(m_sram.access_ns(bytes), sc_core::SC_NS);
    m_ctx.ledger.add(write ? m_write : m_read, energy::Kernel::bus, m_sram.bits(bytes), at.value(), (at + d).value());
    return d;
}

}  // namespace xbar::models
