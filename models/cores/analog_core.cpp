#include "models/cores/analog_core.h"

#include <algorithm>
#include <cmath>
#include <cstdlib>

namespace xbar::cores {

using namespace xbar::energy;

namespace {
// Line edges of the temporal code of magnitude `mag` over `m` bit slots (slot k lasts 2^k pulse
// units and is on when bit k is set), counting the first rising edge and every change between
// consecutive slots: random bits give m/2 on average, the 50 % of M18 Eq. 3.
inline int code_edges(unsigned mag, int m) {
    const unsigned mask = (1u << m) - 1u;
    return __builtin_popcount((mag ^ (mag << 1)) & mask);
}
// Edges between consecutive slots only (M18 Eq. 4b counts nbits,T - 2 such edges).
inline int inner_edges(unsigned mag, int m) {
    const unsigned mask = ((1u << m) - 1u) & ~1u;
    return __builtin_popcount((mag ^ (mag << 1)) & mask);
}
}  // namespace

AnalogCore::AnalogCore(const AnalogCoreConfig& cfg)
    : m_cfg(cfg),
      m_table(make_analog_cost_table(cfg.params)),
      m_w(Matrix::Zero(cfg.params.rows, cfg.params.cols)),
      m_read_rng(device::Rng::derive(cfg.seed, 0x52454144 /* "READ" */)) {}

AnalogCore::~AnalogCore() = default;

CodeFormat AnalogCore::format() const {
    const auto& p = m_cfg.params;
    return {p.bits_in, p.bits_out, p.bits_x, p.bits_delta};
}

const char* AnalogCore::activity() const {
    return m_cfg.activity == Activity::nominal ? "nominal" : "data";
}

void AnalogCore::read_costs(KernelCost& c, const std::int8_t* in, int n_in, int n_out) const {
    const auto& p = m_cfg.params;
    const auto& t = m_table;
    const int b = p.bits_in, m = b - 1;
    const double pmax = t.pulse_max_ns(b);
    double switches, cell_ns, active_rows;
    if (m_cfg.activity == Activity::nominal) {
        switches = 0.5 * m * n_in;                 // M18 Eq. 3: (n-1) edges, 50 % switch
        cell_ns = 0.5 * double(n_in) * n_out * pmax;  // 50 % of bits on
        active_rows = n_in;
    } else {
        switches = 0, cell_ns = 0, active_rows = 0;
        for (int i = 0; i < n_in; ++i) {
            const unsigned mag = static_cast<unsigned>(std::abs(int(in[i])));
            switches += code_edges(mag, m);
            cell_ns += double(mag) * p.pulse_unit_ns * n_out;
            active_rows += mag != 0;
        }
    }
    c.latency_ns = t.read_latency_ns(b);
    c.events = {
        {kArrayReadSwitch, switches},
        {kArrayReadCellNs, cell_ns},
        {kTdTransition, t.td_transitions_per_row_bit * b * active_rows},
        {kTdLogicBit, double(b) * n_in},
        {kIntegratorNs, double(n_out) * pmax},  // integrators run as long as the drivers
        {kComparatorNs, double(n_out) * t.ramp_ns()},
        {kLinkValue, double(n_in + n_out)},
    };
}

void AnalogCore::add_read_noise(Eigen::Ref<Eigen::VectorXf> y, const Eigen::VectorXf& in) {
    if (m_cfg.read_noise <= 0) return;
    // Independent Gaussian noise on every cell of a read sums, per output line, to one Gaussian
    // of variance sigma^2 sum_i x_i^2: drawn once per output, exactly the same distribution.
    const double range = 2.0;  // weights span [-1, 1]
    const float s = float(m_cfg.read_noise * range * std::sqrt(double(in.squaredNorm())));
    for (Eigen::Index j = 0; j < y.size(); ++j) y[j] += s * m_read_rng.normal();
}

KernelCost AnalogCore::vmm(Region r, const std::int8_t* x, std::int8_t* y, float fs) {
    const auto& p = m_cfg.params;
    const float inv_mx = 1.0f / float(code_max(p.bits_in));
    m_in.resize(r.rows);
    for (int i = 0; i < r.rows; ++i) m_in[i] = float(x[i]) * inv_mx;
    m_out.noalias() = m_w.topLeftCorner(r.rows, r.cols).transpose() * m_in;
    add_read_noise(m_out, m_in);
    const double inv_fs = 1.0 / double(fs);
    for (int j = 0; j < r.cols; ++j) y[j] = quantize(double(m_out[j]) * inv_fs, p.bits_out);
    KernelCost c;
    read_costs(c, x, r.rows, r.cols);
    return c;
}

KernelCost AnalogCore::mvm(Region r, const std::int8_t* d, std::int8_t* z, float fs) {
    const auto& p = m_cfg.params;
    const float inv_md = 1.0f / float(code_max(p.bits_in));
    m_in.resize(r.cols);
    for (int j = 0; j < r.cols; ++j) m_in[j] = float(d[j]) * inv_md;
    m_out.noalias() = m_w.topLeftCorner(r.rows, r.cols) * m_in;
    add_read_noise(m_out, m_in);
    const double inv_fs = 1.0 / double(fs);
    for (int i = 0; i < r.rows; ++i) z[i] = quantize(double(m_out[i]) * inv_fs, p.bits_out);
    KernelCost c;
    read_costs(c, d, r.cols, r.rows);  // temporal code routed to the columns ("TC To Col")
    return c;
}

KernelCost AnalogCore::opu(Region r, const std::int8_t* x, const std::int8_t* d, float scale) {
    const auto& p = m_cfg.params;
    const auto& t = m_table;
    const float ax = scale / float(code_max(p.bits_x));
    const float bd = 1.0f / float(code_max(p.bits_delta));
    for (int i = 0; i < r.rows; ++i) {
        if (x[i] == 0) continue;
        const float a = ax * float(x[i]);
        float* row = m_w.data() + std::ptrdiff_t(i) * m_w.cols();
        for (int j = 0; j < r.cols; ++j)
            row[j] = std::clamp(row[j] + a * (bd * float(d[j])), -1.0f, 1.0f);
    }
    const int m = p.bits_x - 1;
    const double pmax = t.pulse_max_ns(p.bits_x);
    double transitions, cell_ns, active_rows, active_cols;
    if (m_cfg.activity == Activity::nominal) {
        transitions = 0.5 * r.rows * std::max(p.bits_x - 2, 0);  // M18 Eq. 4b
        cell_ns = 0.5 * double(r.rows) * r.cols * pmax;           // M18 Eq. 4c, every cell
        active_rows = r.rows;
        active_cols = r.cols;
    } else {
        transitions = 0, cell_ns = 0, active_rows = 0, active_cols = 0;
        double pulse_sum = 0;
        for (int i = 0; i < r.rows; ++i) {
            const unsigned mag = static_cast<unsigned>(std::abs(int(x[i])));
            transitions += inner_edges(mag, m);
            pulse_sum += double(mag) * p.pulse_unit_ns;
            active_rows += mag != 0;
        }
        for (int j = 0; j < r.cols; ++j) active_cols += d[j] != 0;
        cell_ns = pulse_sum * active_cols;  // a cell is written only if its column is driven
    }
    KernelCost c;
    c.latency_ns = t.opu_latency_ns();
    c.events = {
        {kArrayWriteSetup, 1.0},
        {kArrayWriteTransition, transitions},
        {kArrayWriteCellNs, cell_ns},
        // Drivers are used for two write cycles: twice the read energy (M18 IV-B).
        {kTdTransition, 2.0 * t.td_transitions_per_row_bit * p.bits_x * active_rows},
        {kTdLogicBit, 2.0 * p.bits_x * double(r.rows)},
        {kVdColumnWrite, active_cols},
        {kVdLogicBit, double(std::max(p.bits_in, p.bits_out)) * r.cols},
        {kLinkValue, double(r.rows + r.cols)},
    };
    return c;
}

// Serial program: one row at a time, SET then RESET polarity, each a full write window; the
// temporal drivers of that row and the voltage drivers of every column switch twice. Programming
// is assumed closed-loop (write-verify) so the cell reaches the target.
KernelCost AnalogCore::program(Region r, const float* w) {
    const auto& p = m_cfg.params;
    const auto& t = m_table;
    for (int i = 0; i < r.rows; ++i)
        for (int j = 0; j < r.cols; ++j)
            m_w(i, j) = std::clamp(w[std::ptrdiff_t(i) * r.cols + j], -1.0f, 1.0f);
    const double pmax = t.pulse_max_ns(p.bits_x);
    KernelCost c;
    c.latency_ns = double(r.rows) * 2.0 * t.drive_window_ns(p.bits_x);
    c.events = {
        {kArrayWriteCellNs, 0.5 * double(r.rows) * r.cols * pmax},
        {kTdTransition, 2.0 * t.td_transitions_per_row_bit * p.bits_x * r.rows},
        {kTdLogicBit, 2.0 * p.bits_x * double(r.rows)},
        {kVdColumnWrite, 2.0 * double(r.rows) * r.cols},
        {kLinkValue, double(r.rows) * r.cols},
    };
    return c;
}

// Serial read-back: one row driven at a time with a full-scale pulse, every column converted.
KernelCost AnalogCore::read_back(Region r, float* w) {
    const auto& p = m_cfg.params;
    const auto& t = m_table;
    const int mo = code_max(p.bits_out);
    for (int i = 0; i < r.rows; ++i)
        for (int j = 0; j < r.cols; ++j)
            w[std::ptrdiff_t(i) * r.cols + j] = float(quantize(m_w(i, j), p.bits_out)) / float(mo);
    const double pmax = t.pulse_max_ns(p.bits_in);
    KernelCost c;
    c.latency_ns = double(r.rows) * t.read_latency_ns(p.bits_in);
    c.events = {
        {kArrayReadSwitch, double(r.rows)},
        {kArrayReadCellNs, double(r.rows) * r.cols * pmax},
        {kTdTransition, t.td_transitions_per_row_bit * p.bits_in * r.rows},
        {kTdLogicBit, double(p.bits_in) * r.rows},
        {kIntegratorNs, double(r.rows) * r.cols * pmax},
        {kComparatorNs, double(r.rows) * r.cols * t.ramp_ns()},
        {kLinkValue, double(r.rows) * r.cols},
    };
    return c;
}

}  // namespace xbar::cores
