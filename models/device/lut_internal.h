#pragma once
// Internal: lookup-table helpers shared by the parser/synthesizer and the LUT device.
#include <vector>

namespace xbar::device::detail {

// Probability of each CDF row when u ~ U(0,1) picks the row of the nearest CDF point.
std::vector<double> nearest_point_weights(const std::vector<double>& cdf);

}  // namespace xbar::device::detail
