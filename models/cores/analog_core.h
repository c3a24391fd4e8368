#pragma once
// Analog ReRAM neural core (Marinella et al. 2018): a weight array and a reference array at
// mid-range (signed weight = G - G_ref, normalized to [-1, 1]), sign-magnitude temporal-coded
// inputs, integrator + shared-ramp ADC outputs, OPU with x time-coded and delta voltage-coded.
#include <cstdint>
#include <memory>
#include <string>

#include <Eigen/Core>

#include "models/cores/crossbar_core.h"
#include "models/device/rng.h"
#include "models/energy/analog_costs.h"

namespace xbar::cores {

enum class Activity { nominal, data };

struct AnalogCoreConfig {
    energy::AnalogParams params;
    Activity activity = Activity::nominal;
    double read_noise = 0.0;  // sigma per cell per read, as a fraction of the weight range
    std::uint64_t seed = 1;
};

class AnalogCore final : public CrossbarCore {
public:
    explicit AnalogCore(const AnalogCoreConfig& cfg);
    ~AnalogCore() override;

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
    KernelCost read_back(Region r, float* w) override;

    const energy::AnalogCostTable& cost_table() const { return m_table; }
    // Normalized weights (row-major), for tests and the plain-numerics benchmark.
    using Matrix = Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
    const Matrix& weights() const { return m_w; }

private:
    // Shared by vmm and mvm: `in` drives `n_in` lines, `n_out` integrators/comparators convert.
    void read_costs(KernelCost& c, const std::int8_t* in, int n_in, int n_out) const;
    void add_read_noise(Eigen::Ref<Eigen::VectorXf> y, const Eigen::VectorXf& in);

    AnalogCoreConfig m_cfg;
    energy::AnalogCostTable m_table;
    Matrix m_w;
    device::Rng m_read_rng;
    Eigen::VectorXf m_in, m_out;  // scratch
};

}  // namespace xbar::cores
