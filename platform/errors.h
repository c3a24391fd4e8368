#pragma once
// The error classes the CLI maps to exit codes (README, "Exit codes"). No SystemC here.
//   UsageError   -> 2  a command line that cannot be carried out (unknown option, an option that
//                      does not apply to the subcommand, an output path the platform refuses)
//   InputError   -> 2  a user or environment problem with an input or output path (a FIFO or a
//                      directory given as a file, an --out under a file): the message says what to fix
//   ScenarioError-> 2  (platform/scenario.h) bad scenario / spec content: file, JSON path, expectation
//   IoError      -> 3  the OS refused a write (full disk, size limit): the message carries the OS
//                      error text; the old result is left intact
#include <stdexcept>
#include <string>

namespace xbar::platform {

struct UsageError : std::runtime_error {
    using std::runtime_error::runtime_error;
};

struct InputError : std::runtime_error {
    using std::runtime_error::runtime_error;
};

struct IoError : std::runtime_error {
    using std::runtime_error::runtime_error;
};

}  // namespace xbar::platform
