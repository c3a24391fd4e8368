// libFuzzer target: the lookup-table parser must turn any file content into either a valid
// table or a LutError, never a crash, hang or sanitizer report. Built by tests/fuzz/run.sh.
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <string>

#include "models/device/lookup_table.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    static const std::string path = "/tmp/xbar-lut-fuzz-" + std::to_string(::getpid()) + ".txt";
    FILE* f = std::fopen(path.c_str(), "wb");
    if (!f) return 0;
    std::fwrite(data, 1, size, f);
    std::fclose(f);
    try {
        const auto t = xbar::device::load_lut(path);
        xbar::device::validate_lut(t);
    } catch (const xbar::device::LutError&) {
    }
    return 0;
}
