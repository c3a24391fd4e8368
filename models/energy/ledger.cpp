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
        case Kernel::carry: return "carry";
        case Kernel::digital: return "digital";
        case Kernel::update: return "update";
        case Kernel::dma: return "dma";
        case Kernel::bus: return "bus";
        case Kernel::host: return "host";
        case Kernel::count_: break;
    }
    return "?";
}

ActionId Ledger::define(std::string owner, std::string component, std::string action,
                        double energy_pj, std::string source, Basis basis) {
    if (!std::isfinite(energy_pj) || energy_pj < 0)
        throw std::invalid_argument("ledger: action " + owner + "." + component + "." + action +
                                    " has a non-finite or negative energy");
    m_defs.push_back({std::move(owner), std::move(component), std::move(action), energy_pj,
                      std::move(source), basis});
    m_counts.resize(m_defs.size() * kKernelCount, 0.0);
    const std::string stream = m_defs.back().owner + "." + m_defs.back().component;
    auto it = std::find(m_streams.begin(), m_streams.end(), stream);
    if (it == m_streams.end()) {
        m_streams.push_back(stream);
        m_bins.emplace_back(m_n_bins, 0.0);
        it = m_streams.end() - 1;
    }
    m_stream_of.push_back(std::size_t(it - m_streams.begin()));
    return static_cast<ActionId>(m_defs.size() - 1);
}

void Ledger::add(ActionId id, Kernel kernel, double count, std::uint64_t t0, std::uint64_t t1) {
    if (count == 0) return;
    m_counts[id * kKernelCount + int(kernel)] += count;
    const double e = count * m_defs[id].energy_pj;
    t1 = std::max(t1, t0);
    while ((t1 > t0 ? t1 - 1 : t0) / m_bin_ps >= m_max_bins) coarsen();
    const std::size_t last = static_cast<std::size_t>((t1 > t0 ? t1 - 1 : t0) / m_bin_ps);
    if (m_n_bins <= last) {
        m_n_bins = last + 1;
        for (auto& b : m_bins) b.resize(m_n_bins, 0.0);
    }
    std::vector<double>& bins = m_bins[m_stream_of[id]];
    if (t1 == t0) {  // instantaneous: all in its bin
        bins[t0 / m_bin_ps] += e;
        return;
    }
    const double per_ps = e / double(t1 - t0);
    for (std::size_t b = t0 / m_bin_ps; b <= last; ++b) {
        const std::uint64_t a = std::max<std::uint64_t>(t0, b * m_bin_ps);
        const std::uint64_t z = std::min<std::uint64_t>(t1, (b + 1) * m_bin_ps);
        bins[b] += per_ps * double(z - a);
    }
}

void Ledger::coarsen() {
    for (auto& b : m_bins) {
        for (std::size_t i = 0; 2 * i < b.size(); ++i) b[i] = b[2 * i] + (2 * i + 1 < b.size() ? b[2 * i + 1] : 0.0);
        b.resize((b.size() + 1) / 2);
    }
    m_n_bins = (m_n_bins + 1) / 2;
    m_bin_ps *= 2;
}

PowerTable Ledger::power_table() const { return {m_bin_ps, m_streams, m_bins}; }

std::vector<double> PowerTable::window_totals() const {
    std::vector<double> t(windows(), 0.0);
    for (const auto& b : bins)
        for (std::size_t i = 0; i < b.size(); ++i) t[i] += b[i];
    return t;
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
    if (window_ps == 0 || window_ps % m_bin_ps != 0)
        throw std::invalid_argument("ledger: the power window must be a positive multiple of the bin width");
    const std::uint64_t horizon = std::max<std::uint64_t>(t_end_ps, m_n_bins * m_bin_ps);
    const std::size_t n = static_cast<std::size_t>((horizon + window_ps - 1) / window_ps);
    const std::size_t per = static_cast<std::size_t>(window_ps / m_bin_ps);
    std::vector<PowerSample> out(n);
    for (std::size_t i = 0; i < n; ++i) out[i] = {i * window_ps, (i + 1) * window_ps, 0.0};
    const auto totals = power_table().window_totals();
    for (std::size_t b = 0; b < totals.size(); ++b) out[b / per].energy_pj += totals[b];
    return out;
}

double Ledger::energy_between(std::uint64_t t0, std::uint64_t t1) const {
    double s = 0;
    for (const auto& bins : m_bins)
        for (std::size_t b = t0 / m_bin_ps; b < bins.size() && b < t1 / m_bin_ps; ++b) s += bins[b];
    return s;
}

}  // namespace xbar::energy
