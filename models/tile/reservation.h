#pragma once
// A resource that serves one request at a time: a request books the earliest interval at or after
// the time it asks for that overlaps no earlier booking (it may fill a gap between two). Commands
// book their phases when they start, in simulated-time order, so a booking is never moved; with
// one requester nothing ever waits. Bookings that ended before the current time are dropped.
// Deterministic: requests are served in the order the simulator runs the requesting processes.
#include <algorithm>
#include <utility>
#include <vector>

#include <sysc/kernel/sc_simcontext.h>
#include <sysc/kernel/sc_time.h>

namespace xbar::models {

class Reservation {
public:
    // The start of the booked interval [start, start + duration).
    sc_core::sc_time reserve(const sc_core::sc_time& earliest, const sc_core::sc_time& duration) {
        const sc_core::sc_time now = sc_core::sc_time_stamp();
        auto ended = [&](const Span& s) { return s.second <= now; };
        m_booked.erase(std::remove_if(m_booked.begin(), m_booked.end(), ended), m_booked.end());
        sc_core::sc_time start = earliest;
        auto it = m_booked.begin();  // sorted by start, disjoint
        for (; it != m_booked.end(); ++it) {
            if (start + duration <= it->first) break;  // fits in the gap before *it
            start = std::max(start, it->second);
        }
        if (duration > sc_core::SC_ZERO_TIME) m_booked.insert(it, {start, start + duration});
        return start;
    }

private:
    using Span = std::pair<sc_core::sc_time, sc_core::sc_time>;
    std::vector<Span> m_booked;
};

}  // namespace xbar::models
