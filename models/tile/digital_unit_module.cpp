#include "models/tile/digital_unit_module.h"

#include <cmath>
#include <stdexcept>
#include <string>

#include "models/tile/regmap.h"

namespace xbar::models {

using namespace sc_core;
namespace rm = xbar::regmap;

DigitalUnit::DigitalUnit(sc_module_name name, const du::Params& p, std::uint64_t store_entries, const TileContext& ctx)
    : sc_module(name),
      m_p(p),
      m_ctx(ctx),
      m_deriv(store_entries, 0.0f) {
    if (!(p.clock_ns > 0) || !(p.pipeline_ns >= 0) || !(p.energy_pj_per_element >= 0) || p.lanes < 1)
        throw std::invalid_argument(std::string(this->name()) + ": parameters unset or invalid (apply a technology file)");
    m_action = m_ctx.ledger.define(m_ctx.owner, "digital_unit", "element", p.energy_pj_per_element,
                                   "technology digital_unit.element_pj (assumption: one 8-bit multiply-add "
                                   "incl. write-back per element, M18 IV-J)",
                                   energy::Basis::assumption);
    m_track = m_ctx.track(this->name());
}

std::uint32_t DigitalUnit::validate(const DigitalCommand& c, std::uint64_t in_bytes, std::uint64_t out_bytes) const {
    if (c.op != rm::OP_ACTIVATE && c.op != rm::OP_SCALE_BY_DERIV) return rm::ERR_BAD_DU_OP;
    if (c.act > rm::ACT_IDENTITY) return rm::ERR_BAD_DU_OP;
    auto fits = [n = std::uint64_t(c.count)](std::uint64_t off, std::uint64_t size) { return off <= size && n <= size - off; };
    if (!fits(c.src, out_bytes) || !fits(c.dst, in_bytes) || !fits(c.dst2, in_bytes) || !fits(c.deriv, m_deriv.size()))
        return rm::ERR_BAD_OFFSET;
    if (!(std::isfinite(c.in_scale) && c.in_scale > 0 && std::isfinite(c.out_scale) && c.out_scale > 0))
        return rm::ERR_BAD_SCALE;
    return rm::ERR_NONE;
}

float DigitalUnit::run(const DigitalCommand& c, energy::Kernel k, TileBuffer& in, TileBuffer& out, int bits_src,
                       int bits_dst, int bits_dst2, KernelStat& stat) {
    const sc_time t_cmd = sc_time_stamp();
    const std::uint64_t n = c.count;
    const bool scale = c.op == rm::OP_SCALE_BY_DERIV;
    double& staging = stat.staging_ns;
    sc_time t = out.access(k, false, n, t_cmd, &staging);
    if (scale) t = m_store_buf->access(k, false, 4 * n, t, &staging);
    const du::Args a{c.op,  c.act, c.count, out.codes() + c.src, in.codes() + c.dst, in.codes() + c.dst2,
                     &m_deriv[c.deriv], c.in_scale, c.out_scale, bits_src, bits_dst, bits_dst2};
    const float result = du::run(a).max_abs;
    const double lat = du::latency_ns(m_p, c.count);
    const sc_time t0 = m_unit.reserve(t, sc_time(lat, SC_NS)), t1 = t0 + sc_time(lat, SC_NS);
    t = in.access(k, true, n, t1, &staging);  // the results, then the second copy or the derivatives
    t = scale ? in.access(k, true, n, t, &staging) : m_store_buf->access(k, true, 4 * n, t, &staging);
    wait(t - t_cmd);
    m_ctx.ledger.add(m_action, k, double(n), t0.value(), t1.value());
    stat.count++;
    stat.busy_ns += lat;
    m_ctx.timeline.slice(m_track, "digital", "kernel", t_cmd.value(), sc_time_stamp().value(),
                         {{"elements", double(n)}, {"core_ns", lat}});
    return result;
}

}  // namespace xbar::models
