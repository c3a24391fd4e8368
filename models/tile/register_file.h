#pragma once
// A register file as a table: each 32-bit register is a row {name, offset, access, reset value,
// read and write callbacks}, and a bus access is a lookup by offset. The tile states its register
// map as one such table (Tile::build_registers); registers() lists it for documentation and
// tests. No SystemC here.
//
// Access semantics (the bus side):
//   RO   read: on_read();  write: ignored, succeeds (as on most hardware)
//   RW   read: on_read();  write: on_write(value)
//   WO   read: 0;          write: on_write(value)
//   W1C  read: on_read();  write: on_write(on_read() & ~value) (every 1 written clears its bit)
// An offset no register occupies fails (the tile answers TLM_ADDRESS_ERROR_RESPONSE), and so does
// a write whose on_write returns false. A malformed table (overlapping or misaligned offsets,
// duplicate names, missing or pointless callbacks) is an elaboration bug: std::logic_error.
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace xbar::models {

enum class Access { RO, RW, WO, W1C };
const char* access_name(Access a);  // "RO", "RW", "WO", "W1C"

struct RegInfo {
    std::string name;
    std::uint64_t offset;
    Access access;
    std::uint32_t reset;  // what a read returns after reset (WO registers: 0)
};

struct Register {
    std::string name;
    std::uint64_t offset;  // 4-byte aligned; the register occupies [offset, offset + 4)
    Access access;
    std::uint32_t reset;
    std::function<std::uint32_t()> on_read;       // RO, RW, W1C (none for WO)
    std::function<bool(std::uint32_t)> on_write;  // RW, WO, W1C (none for RO); false: the access fails
};

class RegisterFile {
public:
    explicit RegisterFile(std::vector<Register> regs);

    // False when no register is at `offset` (a reserved or unaligned offset).
    bool read(std::uint64_t offset, std::uint32_t& value) const;
    bool write(std::uint64_t offset, std::uint32_t value);
    // The table in offset order, without its callbacks.
    std::vector<RegInfo> registers() const;

private:
    const Register* find(std::uint64_t offset) const;
    std::vector<Register> m_regs;  // sorted by offset
};

// Builders for the common rows. Those that bind a variable set it to the reset value, so the
// table is where the initial state is stated; the variable must outlive the register file.
namespace reg {
Register constant(std::string name, std::uint64_t offset, std::uint32_t value);  // RO
// RO: state the model changes (status, counters, results).
Register view(std::string name, std::uint64_t offset, std::uint32_t& field, std::uint32_t reset);
Register view(std::string name, std::uint64_t offset, float& field, float reset);  // float32 bits
// RW: plain storage the model reads.
Register field(std::string name, std::uint64_t offset, std::uint32_t& field, std::uint32_t reset);
Register field(std::string name, std::uint64_t offset, float& field, float reset);  // float32 bits
// The two halves of a 64-bit field, each its own RW register (an 8-byte bus access is two).
Register low_word(std::string name, std::uint64_t offset, std::uint64_t& field, std::uint32_t reset);
Register high_word(std::string name, std::uint64_t offset, std::uint64_t& field, std::uint32_t reset);

// Callbacks for hand-written rows: a variable's value, and a member function with a side effect
// (the write always succeeds).
inline std::function<std::uint32_t()> reads(const std::uint32_t& field) {
    return [&field] { return field; };
}
template <class T>
std::function<bool(std::uint32_t)> calls(T* object, void (T::*f)(std::uint32_t)) {
    return [object, f](std::uint32_t v) {
        (object->*f)(v);
        return true;
    };
}
}  // namespace reg

}  // namespace xbar::models
