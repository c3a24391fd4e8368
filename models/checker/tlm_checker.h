#pragma once
// A small TLM-2.0 LT base-protocol checker (own code): a pass-through module placed on a link.
// It checks the generic-payload rules around every b_transport / transport_dbg / DMI call and
// records violations. Module tests put it on their links; the platform puts one on every link
// when XBAR_TLM_CHECK=1 (the test suite sets it) and fails the run (exit 3) on any violation.
#include <cstdio>
#include <string>
#include <vector>

#include <systemc>
#include <tlm>
#include <tlm_utils/simple_initiator_socket.h>
#include <tlm_utils/simple_target_socket.h>

namespace xbar::checker {

class TlmChecker : public sc_core::sc_module {
public:
    tlm_utils::simple_target_socket<TlmChecker> target_socket;
    tlm_utils::simple_initiator_socket<TlmChecker> initiator_socket;
    std::vector<std::string> violations;
    unsigned transactions = 0;

    explicit TlmChecker(sc_core::sc_module_name name)
        : sc_module(name), target_socket("target_socket"), initiator_socket("initiator_socket") {
        target_socket.register_b_transport(this, &TlmChecker::b_transport);
        target_socket.register_transport_dbg(this, &TlmChecker::transport_dbg);
        target_socket.register_get_direct_mem_ptr(this, &TlmChecker::get_direct_mem_ptr);
        initiator_socket.register_invalidate_direct_mem_ptr(this, &TlmChecker::invalidate);
    }

private:
    void fail(const std::string& what, const tlm::tlm_generic_payload& gp) {
        violations.push_back(std::string(name()) + ": " + what + " (address 0x" + to_hex(gp.get_address()) + ")");
    }
    static std::string to_hex(sc_dt::uint64 v) {
        char b[32];
        std::snprintf(b, sizeof b, "%llx", static_cast<unsigned long long>(v));
        return b;
    }

    void b_transport(tlm::tlm_generic_payload& gp, sc_core::sc_time& delay) {
        ++transactions;
        // Initiator obligations (IEEE 1666-2011 §14.8, §14.17).
        if (gp.get_response_status() != tlm::TLM_INCOMPLETE_RESPONSE)
            fail("initiator must set TLM_INCOMPLETE_RESPONSE before the call", gp);
        if (gp.get_command() != tlm::TLM_IGNORE_COMMAND && !gp.get_data_ptr()) fail("null data pointer", gp);
        if (gp.get_data_length() == 0) fail("zero data length", gp);
        if (gp.get_streaming_width() == 0) fail("zero streaming width", gp);
        if (gp.get_byte_enable_ptr() && gp.get_byte_enable_length() == 0)
            fail("byte-enable pointer with zero byte-enable length", gp);
        const auto cmd = gp.get_command();
        const auto addr = gp.get_address();
        const auto len = gp.get_data_length();
        const auto* data = gp.get_data_ptr();
        const sc_core::sc_time before = delay;
        initiator_socket->b_transport(gp, delay);
        // Target obligations.
        if (gp.get_response_status() == tlm::TLM_INCOMPLETE_RESPONSE) fail("target left TLM_INCOMPLETE_RESPONSE", gp);
        if (delay < before) fail("target decreased the delay", gp);
        if (gp.get_command() != cmd) fail("command modified", gp);
        if (gp.get_address() != addr) fail("address not restored", gp);
        if (gp.get_data_length() != len) fail("data length modified", gp);
        if (gp.get_data_ptr() != data) fail("data pointer modified", gp);
    }

    unsigned transport_dbg(tlm::tlm_generic_payload& gp) {
        const auto addr = gp.get_address();
        const unsigned n = initiator_socket->transport_dbg(gp);
        if (n > gp.get_data_length()) fail("debug transport returned more bytes than requested", gp);
        if (gp.get_address() != addr) fail("debug transport changed the address", gp);
        return n;
    }

    bool get_direct_mem_ptr(tlm::tlm_generic_payload& gp, tlm::tlm_dmi& dmi) {
        const auto addr = gp.get_address();
        const bool ok = initiator_socket->get_direct_mem_ptr(gp, dmi);
        if (ok) {
            if (!dmi.get_dmi_ptr()) fail("DMI granted with a null pointer", gp);
            if (addr < dmi.get_start_address() || addr > dmi.get_end_address())
                fail("DMI region does not contain the requested address", gp);
            if (!dmi.is_read_allowed() && !dmi.is_write_allowed()) fail("DMI granted without access", gp);
        }
        return ok;
    }

    void invalidate(sc_dt::uint64 s, sc_dt::uint64 e) { target_socket->invalidate_direct_mem_ptr(s, e); }
};

}  // namespace xbar::checker
