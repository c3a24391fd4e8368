#include "models/trace/timeline.h"

#include <algorithm>
#include <cinttypes>
#include <cstdio>
#include <ostream>

namespace xbar::trace {

namespace {
void put_string(std::ostream& os, const std::string& s) {
    os << '"';
    for (char c : s) {
        if (c == '"' || c == '\\') os << '\\' << c;
        else if (static_cast<unsigned char>(c) < 0x20) os << ' ';
        else os << c;
    }
    os << '"';
}
// Microseconds with picosecond resolution, fixed format: deterministic and exact.
void put_us(std::ostream& os, std::uint64_t ps) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%" PRIu64 ".%06" PRIu64, ps / 1000000, ps % 1000000);
    os << buf;
}
void put_number(std::ostream& os, double v) {
    char buf[40];
    std::snprintf(buf, sizeof buf, "%.17g", v);
    os << buf;
}
}  // namespace

Timeline::Timeline(bool enabled, std::size_t max_events) : m_enabled(enabled), m_max(max_events) {}

int Timeline::track(const std::string& process, const std::string& thread) {
    for (std::size_t i = 0; i < m_tracks.size(); ++i)
        if (m_tracks[i].process == process && m_tracks[i].thread == thread) return int(i);
    auto p = std::find(m_processes.begin(), m_processes.end(), process);
    int pid = int(p - m_processes.begin()) + 1;
    if (p == m_processes.end()) m_processes.push_back(process);
    int tid = 1;
    for (const auto& t : m_tracks)
        if (t.pid == pid) ++tid;
    m_tracks.push_back({process, thread, pid, tid});
    return int(m_tracks.size() - 1);
}

void Timeline::slice(int track, const std::string& name, const char* category, std::uint64_t t0,
                     std::uint64_t t1, Args args) {
    if (!m_enabled) return;
    if (m_events.size() >= m_max) {
        ++m_dropped;
        return;
    }
    m_events.push_back({'X', track, name, category, t0, std::max(t0, t1), std::move(args)});
}

void Timeline::counter(int track, const std::string& name, std::uint64_t t, double value) {
    if (!m_enabled) return;
    if (m_events.size() >= m_max) {
        ++m_dropped;
        return;
    }
    m_events.push_back({'C', track, name, "counter", t, t, {{name, value}}});
}

void Timeline::write(std::ostream& os) const {
    os << "{\"displayTimeUnit\":\"ns\",\"otherData\":{\"dropped_events\":" << m_dropped
       << "},\"traceEvents\":[\n";
    bool first = true;
    auto sep = [&] {
        if (!first) os << ",\n";
        first = false;
    };
    for (const auto& t : m_tracks) {
        sep();
        os << "{\"ph\":\"M\",\"name\":\"process_name\",\"pid\":" << t.pid << ",\"tid\":" << t.tid
           << ",\"args\":{\"name\":";
        put_string(os, t.process);
        os << "}},\n{\"ph\":\"M\",\"name\":\"thread_name\",\"pid\":" << t.pid << ",\"tid\":" << t.tid
           << ",\"args\":{\"name\":";
        put_string(os, t.thread);
        os << "}}";
    }
    for (const auto& e : m_events) {
        const Track& t = m_tracks[e.track];
        sep();
        os << "{\"ph\":\"" << e.ph << "\",\"name\":";
        put_string(os, e.name);
        os << ",\"cat\":\"" << e.category << "\",\"pid\":" << t.pid << ",\"tid\":" << t.tid
           << ",\"ts\":";
        put_us(os, e.t0);
        if (e.ph == 'X') {
            os << ",\"dur\":";
            put_us(os, e.t1 - e.t0);
        }
        if (!e.args.empty()) {
            os << ",\"args\":{";
            for (std::size_t i = 0; i < e.args.size(); ++i) {
                if (i) os << ',';
                put_string(os, e.args[i].first);
                os << ':';
                put_number(os, e.args[i].second);
            }
            os << '}';
        }
        os << '}';
    }
    os << "\n]}\n";
}

}  // namespace xbar::trace
