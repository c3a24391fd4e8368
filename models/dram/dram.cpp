#include "models/dram/dram.h"

#include <sys/mman.h>

#include <cerrno>
#include <cstring>
#include <string>
#include <stdexcept>

namespace xbar::models {

using namespace sc_core;

namespace {
unsigned char* map_lazily(std::uint64_t bytes) {
    if (bytes == 0) throw std::invalid_argument("dram: size must be positive");
    void* p = ::mmap(nullptr, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (p == MAP_FAILED)
        throw std::runtime_error("dram: cannot reserve " + std::to_string(bytes >> 20) +
                                 " MiB of address space (" + std::strerror(errno) + "): lower /platform/dram/size_mib");
    return static_cast<unsigned char*>(p);
}
}  // namespace

Dram::Dram(sc_module_name name, const DramParams& p, energy::Ledger* ledger)
    : sc_module(name), socket("socket"), m_p(p), m_size(p.size_bytes), m_mem(map_lazily(p.size_bytes)), m_ledger(ledger) {
    if (m_ledger) {
        if (!(p.read_pj_per_bit >= 0) || !(p.write_pj_per_bit >= 0)) {
            ::munmap(m_mem, m_size);
            throw std::invalid_argument("dram: energy per bit unset or invalid (apply a technology file)");
        }
        m_read_action = m_ledger->define(basename(), "memory", "read_bit", p.read_pj_per_bit,
                                         "technology dram.read_pj_per_bit", energy::Basis::assumption);
        m_write_action = m_ledger->define(basename(), "memory", "write_bit", p.write_pj_per_bit,
                                          "technology dram.write_pj_per_bit", energy::Basis::assumption);
    }
    socket.register_b_transport(this, &Dram::b_transport);
    socket.register_transport_dbg(this, &Dram::transport_dbg);
    socket.register_get_direct_mem_ptr(this, &Dram::get_direct_mem_ptr);
}

Dram::~Dram() { ::munmap(m_mem, m_size); }

void Dram::load(std::uint64_t offset, const void* data, std::size_t len) {
    if (offset > m_size || len > m_size - offset) throw std::out_of_range("dram: backdoor load beyond the memory");
    std::memcpy(m_mem + offset, data, len);
}

bool Dram::check(tlm::tlm_generic_payload& gp) const {
    const std::uint64_t a = gp.get_address(), n = gp.get_data_length();
    if (n == 0 || a >= m_size || n > m_size - a) {
        gp.set_response_status(tlm::TLM_ADDRESS_ERROR_RESPONSE);
        return false;
    }
    if (gp.get_command() != tlm::TLM_READ_COMMAND && gp.get_command() != tlm::TLM_WRITE_COMMAND) {
        gp.set_response_status(tlm::TLM_COMMAND_ERROR_RESPONSE);
        return false;
    }
    if (gp.get_byte_enable_ptr()) {
        gp.set_response_status(tlm::TLM_BYTE_ENABLE_ERROR_RESPONSE);
        return false;
    }
    if (gp.get_streaming_width() < n) {
        gp.set_response_status(tlm::TLM_BURST_ERROR_RESPONSE);
        return false;
    }
    return true;
}

void Dram::b_transport(tlm::tlm_generic_payload& gp, sc_time& delay) {
    if (!check(gp)) return;
    unsigned char* p = m_mem + gp.get_address();
    if (gp.is_read()) std::memcpy(gp.get_data_ptr(), p, gp.get_data_length());
    else std::memcpy(p, gp.get_data_ptr(), gp.get_data_length());
    const sc_time t0 = sc_time_stamp() + delay;
    delay += sc_time(m_p.latency_ns + double(gp.get_data_length()) / m_p.bytes_per_ns, SC_NS);
    if (m_ledger)
        m_ledger->add(gp.is_read() ? m_read_action : m_write_action, energy::Kernel::bus,
                      8.0 * gp.get_data_length(), t0.value(), (sc_time_stamp() + delay).value());
    gp.set_dmi_allowed(true);
    gp.set_response_status(tlm::TLM_OK_RESPONSE);
}

unsigned Dram::transport_dbg(tlm::tlm_generic_payload& gp) {
    const std::uint64_t a = gp.get_address();
    if (a >= m_size) {
        gp.set_response_status(tlm::TLM_ADDRESS_ERROR_RESPONSE);
        return 0;
    }
    const std::uint64_t n = std::min<std::uint64_t>(gp.get_data_length(), m_size - a);
    if (gp.is_read()) std::memcpy(gp.get_data_ptr(), m_mem + a, n);
    else if (gp.is_write()) std::memcpy(m_mem + a, gp.get_data_ptr(), n);
    gp.set_response_status(tlm::TLM_OK_RESPONSE);
    return static_cast<unsigned>(n);
}

bool Dram::get_direct_mem_ptr(tlm::tlm_generic_payload&, tlm::tlm_dmi& dmi) {
    dmi.allow_read_write();
    dmi.set_dmi_ptr(m_mem);
    dmi.set_start_address(0);
    dmi.set_end_address(m_size - 1);
    dmi.set_read_latency(sc_time(m_p.latency_ns, SC_NS));
    dmi.set_write_latency(sc_time(m_p.latency_ns, SC_NS));
    return true;
}

}  // namespace xbar::models
