#include "models/cores/analog_core.h"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <stdexcept>

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

namespace {
std::unique_ptr<device::DeviceModel> make_device(const DeviceSpec& d, std::uint64_t seed) {
    switch (d.kind) {
        case DeviceSpec::Kind::ideal: return device::make_ideal(-1.f, 1.f);
        case DeviceSpec::Kind::analytic: {
            device::AnalyticParams p = d.analytic;
            p.w_min = -1.f;
            p.w_max = 1.f;
            return device::make_analytic(p, seed);
        }
        case DeviceSpec::Kind::lut: {
            device::LutMapping m = d.lut_mapping;
            m.w_min = -1.f;
            m.w_max = 1.f;
            return device::make_lut(d.lut_increasing, d.lut_decreasing, m, seed);
        }
    }
    return nullptr;
}
}  // namespace

AnalogCore::AnalogCore(const AnalogCoreConfig& cfg)
    : m_cfg(cfg),
      m_table(make_analog_cost_table(cfg.params)),
      m_read_rng(device::Rng::derive(cfg.seed, 0x52454144 /* "READ" */)) {
    const auto& c = cfg.carry;
    if (c.cells < 1 || c.cells > 8 || c.base < 2 || !(c.threshold > 0 && c.threshold <= 1) || c.every < 1)
        throw std::invalid_argument("periodic carry: cells in [1, 8], base >= 2, threshold in (0, 1], every >= 1");
    for (int k = 0; k < c.cells; ++k) {
        m_cells.push_back(Matrix::Zero(cfg.params.rows, cfg.params.cols));
        m_devices.push_back(make_device(cfg.device, device::Rng::derive(cfg.seed, 0x44455600u + k /* "DEV" */)));
        DeviceSpec closed_loop;
        if (cfg.device.kind == DeviceSpec::Kind::analytic && cfg.device.analytic.write_noise > 0) {
            closed_loop.kind = DeviceSpec::Kind::analytic;
            closed_loop.analytic.write_noise = cfg.device.analytic.write_noise;  // alpha 0: linear
        }
        m_calibrated.push_back(make_device(closed_loop, device::Rng::derive(cfg.seed, 0x43414C00u + k /* "CAL" */)));
    }
    if (c.cells > 1) {
        m_w = Matrix::Zero(cfg.params.rows, cfg.params.cols);
        m_dirty.assign(cfg.params.rows, 0);
    }
}

// Digit k of a weight counts base^(k - cells + 1): the highest digit carries the value.
static double digit_scale(int k, int cells, int base) { return std::pow(double(base), k - cells + 1); }

const AnalogCore::Matrix& AnalogCore::effective() {
    const int n = m_cfg.carry.cells;
    if (n == 1) return m_cells[0];
    if (m_any_dirty) {
        for (int i = 0; i < m_w.rows(); ++i) {
            if (!m_dirty[i]) continue;
            m_w.row(i) = m_cells[n - 1].row(i);
            for (int k = n - 2; k >= 0; --k)
                m_w.row(i) += float(digit_scale(k, n, m_cfg.carry.base)) * m_cells[k].row(i);
            m_dirty[i] = 0;
        }
        m_any_dirty = false;
    }
    return m_w;
}

AnalogCore::~AnalogCore() = default;

CodeFormat AnalogCore::format() const {
    const auto& p = m_cfg.params;
    return {p.bits_in, p.bits_out, p.bits_x, p.bits_delta};
}

const char* AnalogCore::activity() const {
    return m_cfg.activity == Activity::nominal ? "nominal" : "data";
}

// Event counts of one parallel read (docs/architecture.md, "Analog core model").
// Nominal: the paper's 50 % activity (M18 Eq. 3, §IV-B). Data: the real operands --
//  - line switches and level-shifter transitions follow the edges of each line's temporal code
//    (code_edges), transitions at td_transitions_per_edge so that the nominal edge count gives
//    the nominal figure;
//  - cell current follows the programmed conductances and each line's pulse time
//    (data_read_cell_ns, computed by the caller over every digit array).
void AnalogCore::read_costs(KernelCost& c, const std::int8_t* in, int n_in, int out_first, int n_out,
                            double data_cell_ns) const {
    const auto& p = m_cfg.params;
    const auto& t = m_table;
    const int b = p.bits_in, m = b - 1;
    const double pmax = t.pulse_max_ns(b);
    const bool data = m_cfg.activity == Activity::data;
    double switches, cell_ns, transitions;
    if (!data) {
        switches = 0.5 * m * n_in;                    // M18 Eq. 3: (n-1) edges, 50 % switch
        cell_ns = 0.5 * double(n_in) * n_out * pmax;  // 50 % of bits on, cells at on-state current
        transitions = t.td_transitions_per_row_bit * b * double(n_in);  // 170 pJ per 1024 rows (§IV-B)
    } else {
        double edges = 0;
        for (int i = 0; i < n_in; ++i) edges += code_edges(static_cast<unsigned>(std::abs(int(in[i]))), m);
        switches = edges;
        cell_ns = data_cell_ns;
        transitions = t.td_transitions_per_edge(b) * edges;
    }
    c.latency_ns = t.read_latency_ns(b, out_first, n_out);
    c.latency_parts = {{"temporal_driver", t.drive_window_ns(b)}, {"array", t.rc_settle_ns}, {"adc", t.adc_ns(out_first, n_out)}};
    c.events = {
        {kArrayReadSwitch, switches},
        {kArrayReadCellNs, cell_ns},
        {kTdTransition, transitions},
        {kTdLogicBit, double(b) * n_in},
        {kIntegratorNs, double(n_out) * pmax},  // integrators run as long as the drivers
        {kComparatorNs, t.adc_events(n_out)},
        {kLinkValue, double(n_in + n_out)},
    };
    // Every digit array of a periodic-carry weight is read, each with its own drivers, integrators
    // and ADC (its codes are combined digitally: read_digits). The data-mode cell count already
    // sums the digit arrays' own conductances.
    if (m_cfg.carry.cells > 1)
        for (auto& e : c.events)
            if (e.first != kLinkValue && !(data && e.first == kArrayReadCellNs)) e.second *= m_cfg.carry.cells;
}

void AnalogCore::add_read_noise(Eigen::Ref<Eigen::VectorXf> y, const Eigen::VectorXf& in) {
    if (m_cfg.read_noise <= 0) return;
    // Independent Gaussian noise on every cell of a read sums, per output line, to one Gaussian
    // of variance sigma^2 sum_i x_i^2: drawn once per output, exactly the same distribution.
    // With periodic carry every digit array adds its own (read_digits calls this per array).
    const double range = 2.0;  // weights span [-1, 1]
    const float s = float(m_cfg.read_noise * range * std::sqrt(double(in.squaredNorm())));
    m_noise.resize(device::BulkRng::padded(std::size_t(y.size())));
    m_read_rng.fill_normal(m_noise.data(), std::size_t(y.size()));  // bulk: ~0.7 ns per normal
    for (Eigen::Index j = 0; j < y.size(); ++j) y[j] += s * m_noise[std::size_t(j)];
}

// Periodic carry: each digit array is integrated and converted by its own ADC at the same full
// scale (the same periphery as a single array), and the digits' codes are combined digitally,
// code = sum_k base^(k - cells + 1) code_k, then rounded half away from zero and saturated to
// the output code. (CrossSim's periodic-carry core also converts every digit core with its own
// output quantizer and adds the results: sandialabs/cross-sim 39fd461,
// cross_sim/cross_sim/xbar_simulator/cores/pc_core.py, run_xbar_vmm.)
void AnalogCore::read_digits(Region r, bool transpose, float fs, std::int8_t* out) {
    const int bo = m_cfg.params.bits_out;
    const int n = m_cfg.carry.cells;
    const int n_out = transpose ? r.rows : r.cols;
    const double inv_fs = 1.0 / double(fs);
    auto read = [&](const Matrix& w) {
        const auto blk = w.block(r.row0, r.col0, r.rows, r.cols);
        if (transpose)
            m_out.noalias() = blk * m_in;
        else
            m_out.noalias() = blk.transpose() * m_in;
        add_read_noise(m_out, m_in);
    };
    if (n == 1) {
        read(m_cells[0]);
        for (int j = 0; j < n_out; ++j) out[j] = quantize(double(m_out[j]) * inv_fs, bo);
        return;
    }
    m_codes.setZero(n_out);
    for (int k = 0; k < n; ++k) {
        read(m_cells[k]);
        const double s = digit_scale(k, n, m_cfg.carry.base);
        for (int j = 0; j < n_out; ++j) m_codes[j] += s * quantize(double(m_out[j]) * inv_fs, bo);
    }
    const double mo = code_max(bo);
    for (int j = 0; j < n_out; ++j) out[j] = static_cast<std::int8_t>(std::clamp(std::round(m_codes[j]), -mo, mo));
}

// Cell read current follows the programmed conductance: G / Gmax = g_ref_rel + w g_half_range_rel
// on the weight array, g_ref_rel on the reference array, for each line's pulse time |code| pulse
// units. In on-state-equivalent cell-ns of both arrays, halved because array.read_cell_ns is
// 2 I_read V_read 1 ns (two arrays). Costs one extra matrix-vector product per digit array.
double AnalogCore::data_read_cell_ns(Region r, bool transpose, const std::int8_t* codes) {
    const auto& t = m_table;
    const int n_in = transpose ? r.cols : r.rows, n_out = transpose ? r.rows : r.cols;
    const int n = m_cfg.carry.cells;
    m_pulse.resize(n_in);
    double pulse_sum = 0;
    for (int i = 0; i < n_in; ++i) {
        const double ti = double(std::abs(int(codes[i]))) * m_cfg.params.pulse_unit_ns;
        m_pulse[i] = float(ti);
        pulse_sum += ti;
    }
    double wsum = 0;  // sum over digit arrays and cells of t_i w_ij
    for (int k = 0; k < n; ++k) {
        const auto blk = m_cells[k].block(r.row0, r.col0, r.rows, r.cols);
        if (transpose)
            m_sum.noalias() = blk * m_pulse;
        else
            m_sum.noalias() = blk.transpose() * m_pulse;
        wsum += m_sum.cast<double>().sum();
    }
    // Weight arrays: sum t_i (g_ref + h w_ij); reference arrays: sum t_i g_ref; every digit has both.
    const double ref = double(n) * t.g_ref_rel * n_out * pulse_sum;
    return (2.0 * ref + t.g_half_range_rel * wsum) / 2.0;
}

KernelCost AnalogCore::vmm(Region r, const std::int8_t* x, std::int8_t* y, float fs) {
    const auto& p = m_cfg.params;
    const float inv_mx = 1.0f / float(code_max(p.bits_in));
    m_in.resize(r.rows);
    for (int i = 0; i < r.rows; ++i) m_in[i] = float(x[i]) * inv_mx;
    read_digits(r, false, fs, y);
    KernelCost c;
    const double cell_ns = m_cfg.activity == Activity::data ? data_read_cell_ns(r, false, x) : 0.0;
    read_costs(c, x, r.rows, r.col0, r.cols, cell_ns);
    return c;
}

KernelCost AnalogCore::mvm(Region r, const std::int8_t* d, std::int8_t* z, float fs) {
    const auto& p = m_cfg.params;
    const float inv_md = 1.0f / float(code_max(p.bits_in));
    m_in.resize(r.cols);
    for (int j = 0; j < r.cols; ++j) m_in[j] = float(d[j]) * inv_md;
    read_digits(r, true, fs, z);
    KernelCost c;
    const double cell_ns = m_cfg.activity == Activity::data ? data_read_cell_ns(r, true, d) : 0.0;
    read_costs(c, d, r.cols, r.row0, r.rows, cell_ns);  // temporal code routed to the columns ("TC To Col")
    return c;
}

KernelCost AnalogCore::opu(Region r, const std::int8_t* x, const std::int8_t* d, float scale) {
    const auto& p = m_cfg.params;
    // Requested change of the lowest digit: the weight change divided by its significance.
    const int n = m_cfg.carry.cells;
    const float ax = float(scale / digit_scale(0, n, m_cfg.carry.base)) / float(code_max(p.bits_x));
    const float bd = 1.0f / float(code_max(p.bits_delta));
    m_a.resize(r.rows);
    m_b.resize(r.cols);
    for (int i = 0; i < r.rows; ++i) m_a[i] = ax * float(x[i]);
    for (int j = 0; j < r.cols; ++j) m_b[j] = bd * float(d[j]);
    float* base = m_cells[0].data() + std::ptrdiff_t(r.row0) * m_cells[0].cols() + r.col0;
    m_devices[0]->update_rank1(base, r.rows, r.cols, m_cells[0].cols(), m_a.data(), m_b.data());
    if (n > 1) {
        for (int i = 0; i < r.rows; ++i)
            if (x[i] != 0) m_dirty[r.row0 + i] = 1, m_any_dirty = true;
        touch(r);
        ++m_updates_since_carry;
    }
    return opu_costs(r, x, d);
}

// OPU event counts: nominal, the paper's every-cell worst case at 50 % activity (M18 Eqs. 4a-c,
// §IV-B-C); data, the real operands.
KernelCost AnalogCore::opu_costs(Region r, const std::int8_t* x, const std::int8_t* d) const {
    const auto& p = m_cfg.params;
    const auto& t = m_table;
    const int m = p.bits_x - 1;
    // Nominal: four polarity phases, every cell at full amplitude for half the pulse window; the
    // drivers are used for two write cycles, twice the read energy (M18 IV-B).
    int phases = 4;
    double setup = 1.0, transitions = 0.5 * r.rows * std::max(p.bits_x - 2, 0);  // Eq. 4b
    double cell_ns = 0.5 * double(r.rows) * r.cols * t.pulse_max_ns(p.bits_x);      // Eq. 4c
    double ls = 2.0 * t.td_transitions_per_row_bit * p.bits_x * double(r.rows), driven_cols = r.cols;
    if (m_cfg.activity == Activity::data) {
        // Rows: pulse time |x_i| pulse units, temporal-code edges; columns: amplitude |d_j| / d_max.
        double edges = 0, inner = 0, pulse_sum = 0, amp2_sum = 0, active_cols = 0;
        bool row_pos = false, row_neg = false, col_pos = false, col_neg = false;
        for (int i = 0; i < r.rows; ++i) {
            const unsigned mag = static_cast<unsigned>(std::abs(int(x[i])));
            edges += code_edges(mag, m);
            inner += inner_edges(mag, m);
            pulse_sum += double(mag) * p.pulse_unit_ns;
            row_pos |= x[i] > 0, row_neg |= x[i] < 0;
        }
        const double inv_dmax = 1.0 / code_max(p.bits_delta);
        for (int j = 0; j < r.cols; ++j) {
            const double a = std::abs(int(d[j])) * inv_dmax;
            amp2_sum += a * a;
            active_cols += d[j] != 0;
            col_pos |= d[j] > 0, col_neg |= d[j] < 0;
        }
        // The controller skips a polarity phase (row sign, column sign) in which no driven row
        // meets a driven column. A driven row is pulsed in each phase of its sign that runs: once
        // per column sign present (twice with both, the paper's "two write cycles").
        const int col_signs = int(col_pos) + int(col_neg);
        phases = (int(row_pos) + int(row_neg)) * col_signs;
        const bool runs = phases > 0;
        setup = runs ? 1.0 : 0.0;
        transitions = runs ? inner : 0.0;  // Eq. 4b counts the inner edges once per row
        cell_ns = pulse_sum * amp2_sum;    // ohmic cell (assumption): I V scales with (|d_j| / d_max)^2
        ls = t.td_transitions_per_edge(p.bits_x) * edges * col_signs;
        driven_cols = runs ? active_cols : 0.0;
    }
    KernelCost c;
    c.latency_ns = phases * t.drive_window_ns(p.bits_x);
    c.latency_parts = {{"temporal_driver", c.latency_ns}};
    c.events = {
        {kArrayWriteSetup, setup},
        {kArrayWriteTransition, transitions},
        {kArrayWriteCellNs, cell_ns},
        {kTdTransition, ls},
        {kTdLogicBit, 2.0 * p.bits_x * double(r.rows)},
        {kVdColumnWrite, driven_cols},
        {kVdLogicBit, double(std::max(p.bits_in, p.bits_out)) * r.cols},
        {kLinkValue, double(r.rows + r.cols)},
    };
    return c;
}

// Serial program: one row at a time, SET then RESET polarity, each a full write window; the
// temporal drivers of that row and the voltage drivers of every column switch twice. Programming
// is assumed closed-loop (write-verify) so the cell reaches the target.
KernelCost AnalogCore::program(Region r, const float* w) {
    const int n = m_cfg.carry.cells;
    for (int k = 0; k < n; ++k) {
        for (int i = 0; i < r.rows; ++i)
            for (int j = 0; j < r.cols; ++j)
                m_cells[k](r.row0 + i, r.col0 + j) =
                    k == n - 1 ? std::clamp(w[std::ptrdiff_t(i) * r.cols + j], -1.0f, 1.0f) : 0.0f;
    }
    if (n > 1) {
        for (int i = 0; i < r.rows; ++i) m_dirty[r.row0 + i] = 1;
        m_any_dirty = true;
    }
    KernelCost c = serial_write_cost(r);
    for (auto& e : c.events) e.second *= n;  // every digit array is written
    c.latency_ns *= n;
    for (auto& part : c.latency_parts) part.second *= n;
    return c;
}

// Serial update: each row's cells receive their requested change through the device (pulses, so
// nonlinearity and write noise apply), one row at a time like a serial write. With periodic carry
// the change goes to the lowest digit, as in the OPU.
KernelCost AnalogCore::update(Region r, const float* dw) {
    const int n = m_cfg.carry.cells;
    const float up = float(1.0 / digit_scale(0, n, m_cfg.carry.base));
    m_dw.resize(std::size_t(r.cols));
    for (int i = 0; i < r.rows; ++i) {
        for (int j = 0; j < r.cols; ++j) m_dw[j] = up * dw[std::size_t(i) * r.cols + j];
        m_devices[0]->update_cells(&m_cells[0](r.row0 + i, r.col0), m_dw.data(), std::size_t(r.cols));
        if (n > 1) m_dirty[r.row0 + i] = 1, m_any_dirty = true;
    }
    if (n > 1) {
        ++m_updates_since_carry;
        touch(r);
    }
    return serial_write_cost(r);
}

KernelCost AnalogCore::serial_write_cost(Region r) const {
    const auto& p = m_cfg.params;
    const auto& t = m_table;
    const double pmax = t.pulse_max_ns(p.bits_x);
    KernelCost c;
    c.latency_ns = double(r.rows) * 2.0 * t.drive_window_ns(p.bits_x);
    c.latency_parts = {{"temporal_driver", c.latency_ns}};
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
    const int mo = code_max(p.bits_out);
    const int n = m_cfg.carry.cells;
    // Each digit array is converted by its own ADC and the codes combined digitally, as in a
    // parallel read (read_digits).
    // One digit is its code (scale 1, already saturated by quantize).
    for (int i = 0; i < r.rows; ++i)
        for (int j = 0; j < r.cols; ++j) {
            double sum = 0;
            for (int k = 0; k < n; ++k)
                sum += digit_scale(k, n, m_cfg.carry.base) * quantize(m_cells[k](r.row0 + i, r.col0 + j), p.bits_out);
            w[std::ptrdiff_t(i) * r.cols + j] = float(std::clamp(std::round(sum), -double(mo), double(mo))) / float(mo);
        }
    KernelCost c = serial_read_cost(r);
    for (auto& e : c.events) e.second *= m_cfg.carry.cells;  // every digit array is read
    c.latency_ns *= m_cfg.carry.cells;
    for (auto& part : c.latency_parts) part.second *= m_cfg.carry.cells;
    return c;
}

KernelCost AnalogCore::serial_read_cost(Region r) const {
    const auto& p = m_cfg.params;
    const auto& t = m_table;
    const double pmax = t.pulse_max_ns(p.bits_in);
    KernelCost c;
    // Row by row: each row drives its columns, which the ADC bank converts.
    c.latency_ns = double(r.rows) * t.read_latency_ns(p.bits_in, r.col0, r.cols);
    c.latency_parts = {{"temporal_driver", r.rows * t.drive_window_ns(p.bits_in)},
                       {"array", r.rows * t.rc_settle_ns},
                       {"adc", r.rows * t.adc_ns(r.col0, r.cols)}};
    c.events = {
        {kArrayReadSwitch, double(r.rows)},
        {kArrayReadCellNs, double(r.rows) * r.cols * pmax},
        {kTdTransition, t.td_transitions_per_row_bit * p.bits_in * r.rows},
        {kTdLogicBit, double(p.bits_in) * r.rows},
        {kIntegratorNs, double(r.rows) * r.cols * pmax},
        {kComparatorNs, t.adc_events(double(r.rows) * r.cols)},
        {kLinkValue, double(r.rows) * r.cols},
    };
    return c;
}

void AnalogCore::touch(Region r) {
    if (m_touch_r1 == m_touch_r0) {
        m_touch_r0 = r.row0, m_touch_r1 = r.row0 + r.rows, m_touch_c0 = r.col0, m_touch_c1 = r.col0 + r.cols;
        return;
    }
    m_touch_r0 = std::min(m_touch_r0, r.row0), m_touch_r1 = std::max(m_touch_r1, r.row0 + r.rows);
    m_touch_c0 = std::min(m_touch_c0, r.col0), m_touch_c1 = std::max(m_touch_c1, r.col0 + r.cols);
}

bool AnalogCore::carry_due() const {
    return m_cfg.carry.cells > 1 && m_updates_since_carry >= std::uint64_t(m_cfg.carry.every);
}

// Carry digits beyond the threshold one level up: the higher digit receives value / base and the
// lower digit is reset to zero, both with closed-loop writes (write noise, no update nonlinearity). Charged as a serial read of the lower array plus serial writes of both arrays (M18
// §3.7: "a carry is a serial read plus write of the array"), over the box of rows and columns
// the updates touched since the last carry.
KernelCost AnalogCore::carry() {
    const auto& c = m_cfg.carry;
    // Only the box the updates touched since the last carry is read and rewritten, row by row.
    const Region box{m_touch_r1 - m_touch_r0, m_touch_c1 - m_touch_c0, m_touch_r0, m_touch_c0};
    KernelCost total;
    m_updates_since_carry = 0;
    m_touch_r0 = m_touch_r1 = m_touch_c0 = m_touch_c1 = 0;
    if (box.rows <= 0 || box.cols <= 0) return total;
    const std::size_t n = std::size_t(box.cols);
    m_dw.resize(n);
    std::vector<float> reset(n);
    for (int l = 0; l + 1 < c.cells; ++l) {
        bool any = false;
        for (int i = box.row0; i < box.row0 + box.rows; ++i) {
            float* lo = &m_cells[l](i, box.col0);
            bool row_any = false;
            for (std::size_t k = 0; k < n; ++k) {
                const bool carry = std::abs(lo[k]) >= float(c.threshold);
                m_dw[k] = carry ? lo[k] / float(c.base) : 0.0f;
                reset[k] = carry ? -lo[k] : 0.0f;
                row_any |= carry;
            }
            if (!row_any) continue;
            any = true;
            m_calibrated[l + 1]->update_cells(&m_cells[l + 1](i, box.col0), m_dw.data(), n);
            m_calibrated[l]->update_cells(lo, reset.data(), n);
            m_dirty[i] = 1;
        }
        if (!any) continue;
        m_any_dirty = true;
        for (const KernelCost& part : {serial_read_cost(box), serial_write_cost(box), serial_write_cost(box)}) {
            total.latency_ns += part.latency_ns;
            total.events.insert(total.events.end(), part.events.begin(), part.events.end());
            total.latency_parts.insert(total.latency_parts.end(), part.latency_parts.begin(), part.latency_parts.end());
        }
    }
    return total;
}

}  // namespace xbar::cores
