#include "platform/host_cpu.h"

#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <stdexcept>

#include "firmware/hal_tlm.h"

namespace xbar::platform {

using namespace sc_core;

HostCpu::HostCpu(sc_module_name name, unsigned irq_lines, fw::Program program, fw::BootInfo boot,
                 const HostParams& hp, energy::Ledger& ledger, trace::Timeline& timeline, PhaseHook on_phase_end)
    : sc_module(name),
      socket("socket"),
      irq("irq", irq_lines),
      m_program(program),
      m_boot(std::move(boot)),
      m_timeline(timeline),
      m_on_phase_end(std::move(on_phase_end)),
      m_hp(hp),
      m_ledger(ledger) {
    if (!(hp.op_ns >= 0) || !(hp.op_pj >= 0))
        throw std::invalid_argument("host: arithmetic cost unset or invalid (apply a technology file)");
    m_op_action = m_ledger.define(basename(), "cpu", "arithmetic_op", hp.op_pj,
                                  "technology host.op_pj (one instruction per scalar op)", energy::Basis::assumption);
    SC_THREAD(run);
    SC_METHOD(on_irq);
    for (auto& line : irq) sensitive << line;
    dont_initialize();
}

void HostCpu::run() {
    std::vector<const sc_signal_in_if<bool>*> lines;
    for (auto& line : irq) lines.push_back(line.operator->());
    const int track = m_timeline.track(this->name(), "firmware");
    fw::HostHooks hooks;
    hooks.phase = [this, track](const std::string& name, std::uint64_t t0, std::uint64_t t1) {
        m_timeline.slice(track, name, "firmware", t0, t1);
        if (m_on_phase_end) m_on_phase_end(name, t0, t1);
    };
    // Console: firmware's lines with the wall-clock time; a progress bar with ETA on a terminal.
    const bool tty = ::isatty(2);
    const auto wall0 = std::chrono::steady_clock::now();
    auto elapsed = [wall0] { return std::chrono::duration<double>(std::chrono::steady_clock::now() - wall0).count(); };
    hooks.log = [tty, elapsed](const std::string& line) {
        std::fprintf(stderr, "%s[%7.1f s] %s\n", tty ? "\r\033[K" : "", elapsed(), line.c_str());
    };
    if (tty)
        hooks.progress = [elapsed](double f) {
            const double t = elapsed(), eta = f > 0 ? t * (1 - f) / f : 0;
            const int w = 30, fill = int(f * w + 0.5);
            std::fprintf(stderr, "\r[%s%s] %5.1f%%  %.0f s elapsed, ETA %.0f s", std::string(fill, '#').c_str(),
                         std::string(w - fill, ' ').c_str(), 100 * f, t, eta);
        };
    hooks.should_stop = m_should_stop;
    hooks.op_ns = m_hp.op_ns;
    hooks.compute = [this](std::uint64_t ops, std::uint64_t t0, std::uint64_t t1) {
        m_ledger.add(m_op_action, energy::Kernel::host, double(ops), t0, t1);
    };
    auto hal = fw::make_tlm_hal(socket, lines, m_irq_changed, std::move(hooks));
    // Guest failures (bus errors, device errors) end the program with a report, never the simulator.
    try {
        fw::Phase boot(*hal, m_boot.program);
        m_report = m_program(*hal, m_boot);
        m_interrupted = m_report.interrupted;
    } catch (const fw::BusError& e) {
        m_report.ok = false;
        m_report.error = std::string("firmware bus error: ") + e.what();
    } catch (const fw::Interrupted&) {
        m_report.ok = false;
        m_report.error = "interrupted by a signal; results cover the simulation up to that point";
        m_interrupted = true;
    } catch (const fw::DeviceError& e) {
        m_report.ok = false;
        m_report.error = std::string("firmware device error: ") + e.what();
    }
    hal->sync();
    hal.reset();
    if (tty) std::fprintf(stderr, "\r\033[K");
    m_finished = true;
    sc_stop();
}

}  // namespace xbar::platform
