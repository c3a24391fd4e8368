#pragma once
// The HAL implemented over TLM-2.0: blocking transport through the host's initiator socket with a
// quantum keeper (loosely timed, temporally decoupled). Only the host CPU model includes this.
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include <systemc>
#include <tlm>

#include "firmware/hal.h"

namespace fw {

// Where the host routes what firmware reports: phase ends (name, start ps, end ps) to the
// timeline, log lines and progress to the console.
struct HostHooks {
    std::function<void(const std::string&, std::uint64_t, std::uint64_t)> phase;
    std::function<void(const std::string&)> log;
    std::function<void(double)> progress;
    std::function<bool()> should_stop;  // checked at every interrupt wait (a safe point)
    double op_ns = 0;                   // host time per arithmetic op
    std::function<void(std::uint64_t ops, std::uint64_t t0_ps, std::uint64_t t1_ps)> compute;  // books the energy
};

std::unique_ptr<Hal> make_tlm_hal(tlm::tlm_initiator_socket<>& socket,
                                  std::vector<const sc_core::sc_signal_in_if<bool>*> irq_lines,
                                  const sc_core::sc_event& irq_changed, HostHooks hooks);

}  // namespace fw
