#pragma once
// Host CPU: a TLM initiator whose SC_THREAD boots a firmware program through the HAL, and the
// interrupt inputs from the tiles.
#include <functional>
#include <limits>
#include <string>

#include <systemc>
#include <tlm>
#include <tlm_utils/simple_initiator_socket.h>

#include "firmware/hal.h"
#include "models/energy/ledger.h"
#include "models/trace/timeline.h"

namespace xbar::platform {

// The host's arithmetic (technology host.*): time and energy per scalar op of firmware work.
struct HostParams {
    double op_ns = std::numeric_limits<double>::quiet_NaN();
    double op_pj = std::numeric_limits<double>::quiet_NaN();
};

class HostCpu : public sc_core::sc_module {
public:
    SC_HAS_PROCESS(HostCpu);
    tlm_utils::simple_initiator_socket<HostCpu> socket;
    sc_core::sc_vector<sc_core::sc_in<bool>> irq;

    // on_phase_end: the platform's hook for firmware phases (name, start ps, end ps), e.g. to
    // snapshot the ledger at epoch boundaries.
    using PhaseHook = std::function<void(const std::string&, std::uint64_t, std::uint64_t)>;
    HostCpu(sc_core::sc_module_name name, unsigned irq_lines, fw::Program program, fw::BootInfo boot,
            const HostParams& hp, energy::Ledger& ledger, trace::Timeline& timeline, PhaseHook on_phase_end = nullptr);
    energy::ActionId op_action() const { return m_op_action; }  // its count is the host's arithmetic ops

    const fw::Report& report() const { return m_report; }
    bool finished() const { return m_finished; }
    bool interrupted() const { return m_interrupted; }
    // Polled at the firmware's safe points; true ends the program early (outputs stay complete).
    void set_stop_check(std::function<bool()> f) { m_should_stop = std::move(f); }

private:
    void run();
    void on_irq() { m_irq_changed.notify(sc_core::SC_ZERO_TIME); }

    fw::Program m_program;
    fw::BootInfo m_boot;
    trace::Timeline& m_timeline;
    PhaseHook m_on_phase_end;
    HostParams m_hp;
    energy::Ledger& m_ledger;
    energy::ActionId m_op_action;
    fw::Report m_report;
    bool m_finished = false, m_interrupted = false;
    std::function<bool()> m_should_stop;
    sc_core::sc_event m_irq_changed;
};

}  // namespace xbar::platform
