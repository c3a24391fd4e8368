#pragma once
// Analog ReRAM neural core (Marinella et al. 2018): a weight array and a reference array at
// mid-range (signed weight = G - G_ref, normalized to [-1, 1]), sign-magnitude temporal-coded
// inputs, integrator + shared-ramp ADC outputs, OPU with x time-coded and delta voltage-coded.
#include <cstdint>
#include <memory>
#include <string>

#include <Eigen/Core>

#include "models/cores/crossbar_core.h"
#include "models/device/bulk_rng.h"
#include "models/device/device_model.h"
#include "models/device/rng.h"
#include "models/energy/analog_costs.h"

namespace xbar::cores {

// What the event counts assume (scenario /tile/activity; docs/architecture.md, "Analog core
// model"): nominal = the paper's 50 % switching and on-state cells (M18 Eqs. 3, 4, four OPU
// phases), data = the real operands (code edges, pulse times, conductances, delta amplitudes,
// non-empty OPU phases). The numerics are the same in both.
enum class Activity { nominal, data };

// Which conductance-update model the cells follow (models/device/). Weights are normalized to
// [-1, 1]: signed weight = (G - G_ref) / ((Gmax - Gmin) / 2) with G_ref at mid-range.
struct DeviceSpec {
    enum class Kind { ideal, analytic, lut } kind = Kind::ideal;
    device::AnalyticParams analytic;  // w_min/w_max are forced to [-1, 1]
    std::shared_ptr<const device::LookupTable> lut_increasing, lut_decreasing;
    device::LutMapping lut_mapping;
};

// Periodic carry (Agarwal et al., VLSI 2017; M18 §3.7): `cells` arrays per weight, each a digit
// of a base-`base` number, w = sum_k W_k base^(k - cells + 1). Updates go to the lowest digit;
// every `every` updates, digits beyond `threshold` x full range are carried up one level.
struct CarrySpec {
    int cells = 1;  // 1 = no carry
    int base = 5;
    double threshold = 0.5;
    int every = 10;
};

struct AnalogCoreConfig {
    energy::AnalogParams params;
    Activity activity = Activity::nominal;
    double read_noise = 0.0;  // sigma per cell per read, as a fraction of the weight range
    DeviceSpec device;
    CarrySpec carry;
    std::uint64_t seed = 1;
};

class AnalogCore final : public CrossbarCore {
public:
    explicit AnalogCore(const AnalogCoreConfig& cfg);
    ~AnalogCore() override;
    AnalogCore(AnalogCore&&) noexcept = default;
    AnalogCore& operator=(AnalogCore&&) noexcept = default;

    const char* variant() const override { return "analog_reram"; }
    int rows() const override { return m_cfg.params.rows; }
    int cols() const override { return m_cfg.params.cols; }
    CodeFormat format() const override;
    const std::vector<energy::ActionCost>& actions() const override { return m_table.actions; }
    std::vector<energy::AreaItem> area() const override { return m_table.area; }
    const char* activity() const override;

    KernelCost vmm(Region r, const std::int8_t* x, std::int8_t* y, float fs) override;
    KernelCost mvm(Region r, const std::int8_t* d, std::int8_t* z, float fs) override;
    KernelCost opu(Region r, const std::int8_t* x, const std::int8_t* d, float scale) override;
    KernelCost program(Region r, const float* w) override;
    KernelCost update(Region r, const float* dw) override;
    KernelCost read_back(Region r, float* w) override;

    bool carry_due() const override;
    KernelCost carry() override;

    const energy::AnalogCostTable& cost_table() const { return m_table; }
    // Effective normalized weights (row-major), for tests and the plain-numerics benchmark.
    using Matrix = Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
    const Matrix& weights() { return effective(); }
    // One digit array of the periodic carry (0 = lowest order).
    const Matrix& cells(int k) const { return m_cells[k]; }

private:
    const Matrix& effective();  // the digit arrays combined in float (reads convert each array: read_digits)
    KernelCost serial_read_cost(Region r) const;
    KernelCost opu_costs(Region r, const std::int8_t* x, const std::int8_t* d) const;
    KernelCost serial_write_cost(Region r) const;
    void touch(Region r);  // grow the box the next carry must visit
    // Shared by vmm and mvm: `in` drives `n_in` lines, the ADC bank converts the `n_out` lines
    // from `out_first`. `data_cell_ns`: the data-mode count of array.read_cell_ns, summed over the
    // digit arrays.
    void read_costs(KernelCost& c, const std::int8_t* in, int n_in, int out_first, int n_out, double data_cell_ns) const;
    void add_read_noise(Eigen::Ref<Eigen::VectorXf> y, const Eigen::VectorXf& in);
    // Shared by vmm (forward: y = W^T m_in) and mvm (transpose: z = W m_in): every digit array is
    // read and converted by its own ADC; the codes are combined digitally into `out`.
    void read_digits(Region r, bool transpose, float fs, std::int8_t* out);
    // Data activity: on-state-equivalent cell-ns of both arrays of every digit array, / 2 (the
    // per-event energy of array.read_cell_ns covers two arrays). `codes` drive the block's rows
    // (forward) or columns (transpose) for |code| pulse units.
    double data_read_cell_ns(Region r, bool transpose, const std::int8_t* codes);

    AnalogCoreConfig m_cfg;
    energy::AnalogCostTable m_table;
    std::vector<Matrix> m_cells;  // digit arrays, lowest order first
    std::vector<std::unique_ptr<device::DeviceModel>> m_devices;  // one per digit array
    // Closed-loop (write-verify) writes used by the carry: the target is reached without the
    // update nonlinearity, with the device's write noise (CrossSim zero_reset = CALIBRATED).
    std::vector<std::unique_ptr<device::DeviceModel>> m_calibrated;
    Matrix m_w;                    // effective weights used by reads
    std::vector<char> m_dirty;     // rows of m_w to recompute
    bool m_any_dirty = false;
    std::uint64_t m_updates_since_carry = 0;
    int m_touch_r0 = 0, m_touch_r1 = 0, m_touch_c0 = 0, m_touch_c1 = 0;  // box updated since the last carry
    std::vector<float> m_a, m_b, m_dw;  // scratch for device requests
    device::BulkRng m_read_rng;
    std::vector<float> m_noise;  // scratch for one read's normals
    Eigen::VectorXf m_in, m_out;  // scratch
    Eigen::VectorXf m_pulse, m_sum;  // scratch: data-mode pulse times and conductance sums
    Eigen::VectorXd m_codes;         // scratch: digit codes combined
};

}  // namespace xbar::cores
