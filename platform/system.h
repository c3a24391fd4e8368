#pragma once
// Builds the SoC from a scenario (host CPU + firmware, interconnect, DRAM, tiles), runs the
// simulation and collects the results. One elaboration per process (SystemC cannot re-elaborate).
#include <functional>
#include <string>

#include "models/trace/timeline.h"
#include "platform/results.h"
#include "platform/scenario.h"

namespace xbar::platform {

// vcd_path: file name without the .vcd extension, or empty for no waveform.
// stop_requested: polled at the firmware's safe points (e.g. set by a signal handler).
RunResult run_platform(const Scenario& s, const std::string& vcd_path, trace::Timeline& timeline,
                       std::function<bool()> stop_requested = nullptr);

}  // namespace xbar::platform
