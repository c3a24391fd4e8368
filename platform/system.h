#pragma once
// Builds the SoC from a scenario (host CPU + firmware, interconnect, DRAM, tiles), runs the
// simulation and collects the results. One elaboration per process (SystemC cannot re-elaborate).
#include <string>

#include "models/trace/timeline.h"
#include "platform/results.h"
#include "platform/scenario.h"

namespace xbar::platform {

// vcd_path: file name without the .vcd extension, or empty for no waveform.
RunResult run_platform(const Scenario& s, const std::string& vcd_path, trace::Timeline& timeline);

}  // namespace xbar::platform
