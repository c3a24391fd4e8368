// libFuzzer target: the scenario parser must turn any bytes into either a valid scenario or a
// ScenarioError, never a crash, hang or sanitizer report. Built by tests/fuzz/run.sh.
#include <cstddef>
#include <cstdint>
#include <string>

#include "platform/scenario.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    // The same path as `xbar-vp validate`: text in, a scenario or a ScenarioError out.
    try {
        xbar::platform::parse_scenario_text(std::string(reinterpret_cast<const char*>(data), size), "fuzz.json");
    } catch (const xbar::platform::ScenarioError&) {
    }
    return 0;
}
