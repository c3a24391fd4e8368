#pragma once
// The HAL implemented over TLM-2.0: blocking transport through the host's initiator socket with a
// quantum keeper (loosely timed, temporally decoupled). Only the host CPU model includes this.
#include <memory>
#include <vector>

#include <systemc>
#include <tlm>

#include "firmware/hal.h"
#include "models/trace/timeline.h"

namespace fw {

std::unique_ptr<Hal> make_tlm_hal(tlm::tlm_initiator_socket<>& socket,
                                  std::vector<const sc_core::sc_signal_in_if<bool>*> irq_lines,
                                  const sc_core::sc_event& irq_changed,
                                  xbar::trace::Timeline& timeline, int track);

}  // namespace fw
