#include "firmware/hal.h"

#include <algorithm>
#include <cstdio>

namespace fw {

const char* to_string(BusStatus s) {
    switch (s) {
        case BusStatus::ok: return "ok";
        case BusStatus::address_error: return "address error";
        case BusStatus::command_error: return "command error";
        case BusStatus::burst_error: return "burst error";
        case BusStatus::byte_enable_error: return "byte-enable error";
        case BusStatus::generic_error: return "generic error";
    }
    return "?";
}

namespace {
[[noreturn]] void fail(BusStatus s, std::uint64_t addr, std::size_t len, bool write) {
    char buf[160];
    std::snprintf(buf, sizeof buf, "bus %s at 0x%llx (%zu bytes): %s", write ? "write" : "read",
                  static_cast<unsigned long long>(addr), len, to_string(s));
    throw BusError(s, addr, buf);
}
}  // namespace

void Hal::read(std::uint64_t addr, void* dst, std::size_t len) {
    if (auto s = try_read(addr, dst, len); s != BusStatus::ok) fail(s, addr, len, false);
}
void Hal::write(std::uint64_t addr, const void* src, std::size_t len) {
    if (auto s = try_write(addr, src, len); s != BusStatus::ok) fail(s, addr, len, true);
}
std::uint32_t Hal::read32(std::uint64_t addr) {
    std::uint32_t v;
    read(addr, &v, 4);
    return v;
}
void Hal::write32(std::uint64_t addr, std::uint32_t v) { write(addr, &v, 4); }
std::uint64_t Hal::read64(std::uint64_t addr) {
    std::uint64_t v;
    read(addr, &v, 8);
    return v;
}
void Hal::write64(std::uint64_t addr, std::uint64_t v) { write(addr, &v, 8); }

void Hal::write_block(std::uint64_t addr, const void* src, std::size_t len, std::size_t burst) {
    auto p = static_cast<const unsigned char*>(src);
    for (std::size_t off = 0; off < len; off += burst) write(addr + off, p + off, std::min(burst, len - off));
}
void Hal::read_block(std::uint64_t addr, void* dst, std::size_t len, std::size_t burst) {
    auto p = static_cast<unsigned char*>(dst);
    for (std::size_t off = 0; off < len; off += burst) read(addr + off, p + off, std::min(burst, len - off));
}

}  // namespace fw
