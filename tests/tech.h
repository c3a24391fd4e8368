#pragma once
// Parameters for tests that build cores or tiles directly: the default technology file
// (technologies/marinella2018.json) applied to the parameter structs, whose technology fields are
// unset in C++ (the values are written in the file only).
#include "models/cores/analog_core.h"
#include "platform/technology.h"

namespace xbar::tech {
inline const platform::Technology& reference() { return platform::reference_technology(); }
inline energy::AnalogParams analog() { return platform::analog_params(reference()); }
inline energy::DigitalParams digital(int design_bits = 8) { return platform::digital_params(reference(), design_bits); }
inline du::Params digital_unit() { return platform::digital_unit_params(reference()); }
inline platform::SystemTech system() { return platform::system_params(reference()); }
inline cores::AnalogCoreConfig analog_config() {
    cores::AnalogCoreConfig c;
    c.params = analog();
    return c;
}
}  // namespace xbar::tech
