#pragma once
// Where a per-event energy comes from (summary.json energy.actions[].basis).
#include <cstdint>

namespace xbar::energy {

enum class Basis : std::uint8_t {
    physics,     // an equation of technology entries (C V^2, I V t, ...)
    stated,      // a figure the reference states for a whole operation, restated per event
    assumption,  // a value the reference does not give: an assumption with its own source
};

inline const char* basis_name(Basis b) {
    switch (b) {
        case Basis::physics: return "physics";
        case Basis::stated: return "stated";
        case Basis::assumption: return "assumption";
    }
    return "?";
}

}  // namespace xbar::energy
