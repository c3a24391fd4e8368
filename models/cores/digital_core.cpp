#include "models/cores/digital_core.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace xbar::cores {

using namespace xbar::energy;

namespace {
// Product rounding of the header: drop s low bits, half away from zero (s > 0).
inline int round_product(int p, int s, int half) { return (p + half - (p < 0)) >> s; }
}  // namespace

DigitalCore::DigitalCore(const DigitalCoreConfig& cfg)
    : m_cfg(cfg),
      m_table(make_digital_cost_table(cfg.params, cfg.memory)),
      m_w(std::size_t(cfg.params.rows) * cfg.params.cols, 0),
      m_rng(device::Rng::derive(cfg.seed, 0x4F5055 /* "OPU" */)) {}

const char* DigitalCore::variant() const {
    return m_cfg.memory == DigitalCoreConfig::Memory::reram ? "digital_reram" : "sram";
}

CodeFormat DigitalCore::format() const {
    const auto& p = m_cfg.params;
    return {p.bits_in, p.bits_out, p.bits_x, p.bits_delta};
}

int DigitalCore::shift() const {
    const auto& p = m_cfg.params;
    return std::max(0, p.weight_bits + p.bits_in - p.product_bits);
}

static void check_region(const Region& r, int rows, int cols) {
    // The tile rejects bad regions as a guest error before calling a core: reaching here is a bug.
    if (r.rows < 1 || r.cols < 1 || r.row0 < 0 || r.col0 < 0 || r.row0 > rows - r.rows || r.col0 > cols - r.cols)
        throw std::out_of_range("digital core: region outside the array");
}

void DigitalCore::saturate_into(const std::int8_t* in, int n, int bits, std::vector<std::int32_t>& out) const {
    const int m = code_max(bits);
    out.resize(n);
    for (int k = 0; k < n; ++k) out[k] = std::clamp(int(in[k]), -m, m);
}

void DigitalCore::write_outputs(int n, int bits_in, float fs, std::int8_t* out) const {
    const auto& p = m_cfg.params;
    const int mo = code_max(p.bits_out);
    const double num = std::ldexp(double(mo), shift());  // acc * num is exact (< 2^53)
    const double den = double(code_max(p.weight_bits)) * code_max(bits_in) * double(fs);
    for (int k = 0; k < n; ++k) {
        const double v = double(m_acc[k]) * num / den;
        if (!(v == v)) {
            out[k] = 0;
            continue;
        }
        out[k] = static_cast<std::int8_t>(std::clamp(std::round(v), double(-mo), double(mo)));
    }
}

KernelCost DigitalCore::vmm(Region r, const std::int8_t* x, std::int8_t* y, float fs) {
    check_region(r, rows(), cols());
    const auto& p = m_cfg.params;
    saturate_into(x, r.rows, p.bits_in, m_in);
    m_acc.assign(r.cols, 0);
    const int s = shift(), half = s ? 1 << (s - 1) : 0;
    const int A = (1 << (p.acc_bits - 1)) - 1;
    std::int32_t* acc = m_acc.data();
    for (int i = 0; i < r.rows; ++i) {
        const int xi = m_in[i];
        if (xi == 0) continue;  // r = 0 leaves every accumulator unchanged
        const std::int8_t* w = &m_w[std::size_t(r.row0 + i) * cols() + r.col0];
        if (s == 0) {
            for (int j = 0; j < r.cols; ++j) acc[j] = std::min(std::max(acc[j] + w[j] * xi, -A), A);
        } else {
            for (int j = 0; j < r.cols; ++j)
                acc[j] = std::min(std::max(acc[j] + round_product(w[j] * xi, s, half), -A), A);
        }
    }
    write_outputs(r.cols, p.bits_in, fs, y);
    return read_kernel_cost(r, false);
}

KernelCost DigitalCore::mvm(Region r, const std::int8_t* d, std::int8_t* z, float fs) {
    check_region(r, rows(), cols());
    const auto& p = m_cfg.params;
    saturate_into(d, r.cols, p.bits_in, m_in);
    m_acc.assign(r.rows, 0);
    const int s = shift(), half = s ? 1 << (s - 1) : 0;
    const int A = (1 << (p.acc_bits - 1)) - 1;
    auto rnd = [&](int prod) { return s ? round_product(prod, s, half) : prod; };
    // If the rounded magnitudes cannot add up past A, no partial sum saturates and the order of
    // the (vectorized) reduction does not matter; otherwise accumulate in order with saturation.
    const int mw = code_max(p.weight_bits);
    std::int64_t bound = 0;
    for (int j = 0; j < r.cols; ++j) bound += rnd(mw * std::abs(m_in[j]));
    const std::int32_t* dj = m_in.data();
    for (int i = 0; i < r.rows; ++i) {
        const std::int8_t* w = &m_w[std::size_t(r.row0 + i) * cols() + r.col0];
        std::int32_t a = 0;
        if (bound <= A) {
            if (s == 0) {
                for (int j = 0; j < r.cols; ++j) a += w[j] * dj[j];
            } else {
                for (int j = 0; j < r.cols; ++j) a += round_product(w[j] * dj[j], s, half);
            }
        } else {
            for (int j = 0; j < r.cols; ++j) a = std::min(std::max(a + rnd(w[j] * dj[j]), -A), A);
        }
        m_acc[i] = a;
    }
    write_outputs(r.rows, p.bits_in, fs, z);
    return read_kernel_cost(r, true);
}

KernelCost DigitalCore::read_kernel_cost(Region r, bool transpose) const {
    const auto& t = m_table;
    const MemAccess rd = t.read(r.rows, r.cols, r.col0, transpose);
    const double n = double(r.rows) * r.cols;
    const double t_mac = t.mac_ns(n);
    KernelCost c;
    // Reads are pipelined with the MACs: the slower stream sets the time, the pipeline fills once.
    c.latency_ns = std::max(rd.ns, t_mac) + t.fill_ns();
    c.latency_parts = {{t.memory_component(), rd.ns},
                       {"mac", std::max(0.0, t_mac - rd.ns) + t.p.mac_latency_ns},
                       {"input_register", t.p.reg_access_ns}};
    c.events = {{kDigReadBit, rd.bits}, {kDigMac, n}, {kDigLinkBit, n * t.p.weight_bits}};
    if (t.memory == DigitalMemory::reram) c.events.push_back({kDigSenseBit, rd.bits});
    return c;
}

KernelCost DigitalCore::opu(Region r, const std::int8_t* x, const std::int8_t* d, float scale) {
    check_region(r, rows(), cols());
    const auto& p = m_cfg.params;
    if (std::isfinite(scale)) {
        const int mw = code_max(p.weight_bits);
        saturate_into(x, r.rows, p.bits_x, m_in);
        saturate_into(d, r.cols, p.bits_delta, m_in2);
        const double k = double(scale) * mw / (double(code_max(p.bits_x)) * code_max(p.bits_delta));
        m_dd.assign(m_in2.begin(), m_in2.end());
        const double* dd = m_dd.data();
        const double lo = -mw, hi = mw;
        if (m_cfg.stochastic_rounding) m_u.resize(device::BulkRng::padded(std::size_t(r.cols)));
        for (int i = 0; i < r.rows; ++i) {
            if (m_in[i] == 0) continue;  // v = w exactly: unchanged under either rounding
            const double a = k * m_in[i];
            std::int8_t* w = &m_w[std::size_t(r.row0 + i) * cols() + r.col0];
            if (!m_cfg.stochastic_rounding) {
                for (int j = 0; j < r.cols; ++j) {
                    const double v = double(w[j]) + a * dd[j];
                    double q = std::trunc(v);
                    const double f = v - q;  // exact
                    q += double(f >= 0.5) - double(f <= -0.5);
                    w[j] = static_cast<std::int8_t>(std::min(std::max(q, lo), hi));
                }
            } else {
                m_rng.fill_u32(m_u.data(), std::size_t(r.cols));
                const std::uint32_t* u = m_u.data();
                for (int j = 0; j < r.cols; ++j) {
                    const double v = double(w[j]) + a * dd[j];
                    double q = std::floor(v);
                    q += double(double(u[j]) * 0x1p-32 < v - q);
                    w[j] = static_cast<std::int8_t>(std::min(std::max(q, lo), hi));
                }
            }
        }
    }
    return read_modify_write_cost(r);
}

KernelCost DigitalCore::read_modify_write_cost(Region r) const {
    const auto& p = m_cfg.params;
    const auto& t = m_table;
    const MemAccess rd = t.read(r.rows, r.cols, r.col0, false);
    const MemAccess wr = t.write(r.rows, r.cols, r.col0);
    const double n = double(r.rows) * r.cols;
    const double t_mac = t.mac_ns(n);
    KernelCost c;
    // Read pipelined with the MACs, then the whole block written back (the arrays cannot read and
    // write at once): M18 Table III 176 + 164 us.
    c.latency_ns = std::max(rd.ns, t_mac) + t.fill_ns() + wr.ns;
    c.latency_parts = {{t.memory_component(), rd.ns + wr.ns},
                       {"mac", std::max(0.0, t_mac - rd.ns) + p.mac_latency_ns},
                       {"input_register", p.reg_access_ns}};
    // Every weight crosses the core edge twice: to the MACs and back (M18 Table IV compositions).
    c.events = {{kDigReadBit, rd.bits}, {kDigWriteBit, wr.bits}, {kDigMac, n},
                {kDigLinkBit, 2.0 * n * p.weight_bits}};
    if (t.memory == DigitalMemory::reram) c.events.push_back({kDigSenseBit, rd.bits});
    return c;
}

KernelCost DigitalCore::update(Region r, const float* dw) {
    check_region(r, rows(), cols());
    const int mw = code_max(m_cfg.params.weight_bits);
    for (int i = 0; i < r.rows; ++i) {
        std::int8_t* w = &m_w[std::size_t(r.row0 + i) * cols() + r.col0];
        for (int j = 0; j < r.cols; ++j) {
            const double v = double(w[j]) + double(dw[std::size_t(i) * r.cols + j]) * mw;
            w[j] = static_cast<std::int8_t>(std::clamp(std::round(v), double(-mw), double(mw)));
        }
    }
    return read_modify_write_cost(r);
}

KernelCost DigitalCore::program(Region r, const float* w) {
    check_region(r, rows(), cols());
    const auto& p = m_cfg.params;
    const auto& t = m_table;
    for (int i = 0; i < r.rows; ++i)
        for (int j = 0; j < r.cols; ++j) {
            const float v = w[std::size_t(i) * r.cols + j];
            m_w[std::size_t(r.row0 + i) * cols() + r.col0 + j] = quantize(std::clamp(double(v), -1.0, 1.0), p.weight_bits);
        }
    const MemAccess wr = t.write(r.rows, r.cols, r.col0);
    KernelCost c;
    c.latency_ns = wr.ns;
    c.latency_parts = {{t.memory_component(), wr.ns}};
    c.events = {{kDigWriteBit, wr.bits}, {kDigLinkBit, double(r.rows) * r.cols * p.weight_bits}};
    return c;
}

KernelCost DigitalCore::read_back(Region r, float* w) {
    check_region(r, rows(), cols());
    const auto& p = m_cfg.params;
    const auto& t = m_table;
    const float mw = float(code_max(p.weight_bits));
    for (int i = 0; i < r.rows; ++i)
        for (int j = 0; j < r.cols; ++j)
            w[std::size_t(i) * r.cols + j] = float(m_w[std::size_t(r.row0 + i) * cols() + r.col0 + j]) / mw;
    const MemAccess rd = t.read(r.rows, r.cols, r.col0, false);
    KernelCost c;
    c.latency_ns = rd.ns;
    c.latency_parts = {{t.memory_component(), rd.ns}};
    c.events = {{kDigReadBit, rd.bits}, {kDigLinkBit, double(r.rows) * r.cols * p.weight_bits}};
    if (t.memory == DigitalMemory::reram) c.events.push_back({kDigSenseBit, rd.bits});
    return c;
}

}  // namespace xbar::cores
