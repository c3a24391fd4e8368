#include "models/tile/register_file.h"

#include <algorithm>
#include <cstring>
#include <set>
#include <stdexcept>

namespace xbar::models {

namespace {
std::uint32_t float_bits(float f) {
    std::uint32_t u;
    std::memcpy(&u, &f, 4);
    return u;
}
float bits_float(std::uint32_t u) {
    float f;
    std::memcpy(&f, &u, 4);
    return f;
}
bool readable(Access a) { return a != Access::WO; }
bool writable(Access a) { return a != Access::RO; }

// A callback that could never run, or a missing one, is a mistake in the table, not in the guest.
void check_row(const Register& r) {
    const std::string what = "register " + r.name + ": ";
    if (r.name.empty()) throw std::logic_error("register at offset " + std::to_string(r.offset) + " has no name");
    if (r.offset % 4 != 0) throw std::logic_error(what + "offset not 4-byte aligned");
    if (readable(r.access) != bool(r.on_read))
        throw std::logic_error(what + (r.on_read ? "a write-only register has a read callback" : "no read callback"));
    if (writable(r.access) != bool(r.on_write))
        throw std::logic_error(what + (r.on_write ? "a read-only register has a write callback" : "no write callback"));
}
}  // namespace

const char* access_name(Access a) {
    switch (a) {
        case Access::RO: return "RO";
        case Access::RW: return "RW";
        case Access::WO: return "WO";
        case Access::W1C: return "W1C";
    }
    return "?";
}

RegisterFile::RegisterFile(std::vector<Register> regs) : m_regs(std::move(regs)) {
    std::set<std::string> names;
    for (const Register& r : m_regs) {
        check_row(r);
        if (!names.insert(r.name).second) throw std::logic_error("register " + r.name + " listed twice");
    }
    std::stable_sort(m_regs.begin(), m_regs.end(), [](const Register& a, const Register& b) { return a.offset < b.offset; });
    // Every register is 4 bytes wide, so two overlap when their offsets are less than 4 apart.
    for (std::size_t k = 1; k < m_regs.size(); ++k)
        if (m_regs[k].offset - m_regs[k - 1].offset < 4)
            throw std::logic_error("registers " + m_regs[k - 1].name + " and " + m_regs[k].name + " overlap");
}

const Register* RegisterFile::find(std::uint64_t offset) const {
    auto it = std::lower_bound(m_regs.begin(), m_regs.end(), offset,
                               [](const Register& r, std::uint64_t off) { return r.offset < off; });
    return it != m_regs.end() && it->offset == offset ? &*it : nullptr;
}

bool RegisterFile::read(std::uint64_t offset, std::uint32_t& value) const {
    const Register* r = find(offset);
    if (!r) return false;
    value = r->access == Access::WO ? 0 : r->on_read();
    return true;
}

bool RegisterFile::write(std::uint64_t offset, std::uint32_t value) {
    const Register* r = find(offset);
    if (!r) return false;
    switch (r->access) {
        case Access::RO: return true;  // ignored, as on most hardware
        case Access::W1C: return r->on_write(r->on_read() & ~value);
        default: return r->on_write(value);
    }
}

std::vector<RegInfo> RegisterFile::registers() const {
    std::vector<RegInfo> out;
    for (const Register& r : m_regs) out.push_back({r.name, r.offset, r.access, r.reset});
    return out;
}

namespace reg {

Register constant(std::string name, std::uint64_t offset, std::uint32_t value) {
    return {std::move(name), offset, Access::RO, value, [value] { return value; }, nullptr};
}

Register view(std::string name, std::uint64_t offset, std::uint32_t& field, std::uint32_t reset) {
    field = reset;
    return {std::move(name), offset, Access::RO, reset, [&field] { return field; }, nullptr};
}

Register view(std::string name, std::uint64_t offset, float& field, float reset) {
    field = reset;
    return {std::move(name), offset, Access::RO, float_bits(reset), [&field] { return float_bits(field); }, nullptr};
}

Register field(std::string name, std::uint64_t offset, std::uint32_t& field, std::uint32_t reset) {
    field = reset;
    return {std::move(name), offset, Access::RW, reset, [&field] { return field; },
            [&field](std::uint32_t v) {
                field = v;
                return true;
            }};
}

Register field(std::string name, std::uint64_t offset, float& field, float reset) {
    field = reset;
    return {std::move(name), offset, Access::RW, float_bits(reset), [&field] { return float_bits(field); },
            [&field](std::uint32_t v) {
                field = bits_float(v);
                return true;
            }};
}

Register low_word(std::string name, std::uint64_t offset, std::uint64_t& field, std::uint32_t reset) {
    field = (field & ~0xFFFFFFFFull) | reset;
    return {std::move(name), offset, Access::RW, reset, [&field] { return std::uint32_t(field); },
            [&field](std::uint32_t v) {
                field = (field & ~0xFFFFFFFFull) | v;
                return true;
            }};
}

Register high_word(std::string name, std::uint64_t offset, std::uint64_t& field, std::uint32_t reset) {
    field = (field & 0xFFFFFFFFull) | std::uint64_t(reset) << 32;
    return {std::move(name), offset, Access::RW, reset, [&field] { return std::uint32_t(field >> 32); },
            [&field](std::uint32_t v) {
                field = (field & 0xFFFFFFFFull) | std::uint64_t(v) << 32;
                return true;
            }};
}

}  // namespace reg

}  // namespace xbar::models
