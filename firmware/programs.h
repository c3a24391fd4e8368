#pragma once
// Firmware programs the platform can boot (see programs.cpp for the registry).
#include "firmware/hal.h"

namespace fw {
// Programs a seeded random matrix, runs VMMs and MVMs on seeded random inputs and checks every
// result against a float reference computed here, in LSB of the output code.
Report quickstart(Hal& hal, const BootInfo& boot);
// Reference-design kernels (Marinella 2018 Tables III-V): one VMM, one MVM and one worst-case OPU
// (every cell updated) on the whole core of every tile.
Report paper_kernels(Hal& hal, const BootInfo& boot);
// Trains an MLP (boot.layers) on the staged dataset with per-sample SGD on tile 0, next to a float
// twin with the same initialization and sample order; one report row per epoch.
Report train_mlp(Hal& hal, const BootInfo& boot);
// Makes one illegal access on purpose (boot arg "fault": 0 unmapped read, 1 bad tile command,
// 2 weight fetch from an unmapped address) to exercise the guest-error path.
Report fault_demo(Hal& hal, const BootInfo& boot);
}  // namespace fw
