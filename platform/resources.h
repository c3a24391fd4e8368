#pragma once
// Resource bounds checked before a simulation: an estimate of the memory a scenario needs,
// compared with a limit (by default a fraction of this machine's memory, or --max-memory).
// No SystemC here.
#include <cstdint>
#include <string>
#include <vector>

#include "platform/scenario.h"

namespace xbar::platform {

struct MemoryItem {
    std::string what;                 // "crossbar cells", "trace buffer", ...
    std::vector<std::string> fields;  // the scenario fields that drive it
    std::uint64_t bytes = 0;
};

struct MemoryEstimate {
    std::vector<MemoryItem> items;  // largest first
    std::uint64_t total = 0;        // includes the fixed base of the process
};

// Peak resident memory the run of `s` needs (calibration in resources.cpp).
MemoryEstimate estimate_memory(const Scenario& s);

// Default limit: half of the memory this machine can give (MemAvailable of /proc/meminfo, or
// the physical memory from sysconf when that is not readable).
std::uint64_t default_memory_limit();

// "8G", "512M", "1.5GiB", "4096K", "1000000" (bytes); binary units. UsageError-like
// ScenarioError naming --max-memory when the text is not a positive size.
std::uint64_t parse_memory_size(const std::string& text);

// ScenarioError (exit 2) when the estimate exceeds `limit`: the message names the estimate, the
// limit, and the fields of the largest items.
void check_memory(const Scenario& s, std::uint64_t limit);

// "1.5 GiB", "640 MiB", "12 KiB", "17 B".
std::string format_bytes(std::uint64_t bytes);

}  // namespace xbar::platform
