#include "models/energy/ledger.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace xbar::energy {

const char* kernel_name(Kernel k) {
    switch (k) {
        case Kernel::vmm: return "vmm";
        case Kernel::mvm: return "mvm";
        case Kernel::opu: return "opu";
        case Kernel::program: return "program";
        case Kernel::readback: return "readback";
        case Kernel::dma: return "dma";
        case Kernel::bus: return "bus";
        case Kernel::count_: break;
    }
    return "?";
}

ActionId Ledger::define(std::string owner, std::string component, std::string action,
                        double energy_pj, std::string source) {
    if (!std::isfinite(energy_pj) || energy_pj < 0)
        throw std::invalid_argument("ledger: action " + owner + "." + component + "." + action +
                                    " has a non-finite or negative energy");
    m_defs.push_back({std::move(owner), std::move(component), std::move(action), energy_pj,
                      std::move(source)});
    m_counts.resize(m_defs.size() * kKernelCount, 0.0);
    return static_cast<ActionId>(m_defs.size() - 1);
}

void Ledger::add(ActionId id, Kernel kernel, double count, std::uint64_t t0, std::uint64_t t1) {
    if (count == 0) return;
    m_counts[id * kKernelCount + int(kernel)] += count;
    m_spans.push_back({id, t0, std::max(t1, t0), count * m_defs[id].energy_pj});
}

std::vector<LedgerRow> Ledger::rows() const {
    std::vector<LedgerRow> out;
    for (ActionId id = 0; id < m_defs.size(); ++id)
        for (int k = 0; k < kKernelCount; ++k) {
            const double c = m_counts[id * kKernelCount + k];
            if (c != 0) out.push_back({&m_defs[id], Kernel(k), c, c * m_defs[id].energy_pj});
        }
    return out;
}

double Ledger::total_pj() const {
    double s = 0;
    for (const auto& r : rows()) s += r.energy_pj;
    return s;
}

double Ledger::total_pj(Kernel k) const {
    double s = 0;
    for (const auto& r : rows())
        if (r.kernel == k) s += r.energy_pj;
    return s;
}

std::vector<PowerSample> Ledger::power(std::uint64_t window_ps, std::uint64_t t_end_ps) const {
    if (window_ps == 0) throw std::invalid_argument("ledger: power window must be > 0");
    std::uint64_t horizon = t_end_ps;
    for (const auto& s : m_spans) horizon = std::max(horizon, s.t1);
    const std::size_t n = static_cast<std::size_t>(horizon / window_ps) + 1;
    std::vector<PowerSample> out(n);
    for (std::size_t i = 0; i < n; ++i) out[i] = {i * window_ps, (i + 1) * window_ps, 0.0};
    for (const auto& s : m_spans) {
        if (s.t1 == s.t0) {  // instantaneous: whole energy in its window
            out[s.t0 / window_ps].energy_pj += s.energy_pj;
            continue;
        }
        const double per_ps = s.energy_pj / double(s.t1 - s.t0);
        for (std::uint64_t w = s.t0 / window_ps; w * window_ps < s.t1; ++w) {
            const std::uint64_t a = std::max(s.t0, w * window_ps);
            const std::uint64_t b = std::min(s.t1, (w + 1) * window_ps);
            out[w].energy_pj += per_ps * double(b - a);
        }
    }
    return out;
}

}  // namespace xbar::energy
