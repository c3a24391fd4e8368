#include "platform/host_cpu.h"

#include "firmware/hal_tlm.h"

namespace xbar::platform {

using namespace sc_core;

HostCpu::HostCpu(sc_module_name name, unsigned irq_lines, fw::Program program, fw::BootInfo boot,
                 trace::Timeline& timeline)
    : sc_module(name),
      socket("socket"),
      irq("irq", irq_lines),
      m_program(program),
      m_boot(std::move(boot)),
      m_timeline(timeline) {
    SC_THREAD(run);
    SC_METHOD(on_irq);
    for (auto& line : irq) sensitive << line;
    dont_initialize();
}

void HostCpu::run() {
    std::vector<const sc_signal_in_if<bool>*> lines;
    for (auto& line : irq) lines.push_back(line.operator->());
    const int track = m_timeline.track("host", "firmware");
    auto hal = fw::make_tlm_hal(socket, lines, m_irq_changed, [this, track](const std::string& name, std::uint64_t t0,
                                                                             std::uint64_t t1) {
        m_timeline.slice(track, name, "firmware", t0, t1);
    });
    // Guest failures (bus errors, device errors) end the program with a report, never the simulator.
    try {
        fw::Phase boot(*hal, m_boot.program);
        m_report = m_program(*hal, m_boot);
    } catch (const fw::BusError& e) {
        m_report.ok = false;
        m_report.error = std::string("firmware bus error: ") + e.what();
    } catch (const fw::DeviceError& e) {
        m_report.ok = false;
        m_report.error = std::string("firmware device error: ") + e.what();
    }
    hal->sync();
    hal.reset();
    m_finished = true;
    sc_stop();
}

}  // namespace xbar::platform
