#pragma once
// One timeline for the whole platform: spans (firmware phases, kernels, DMA bursts, bus
// transfers) and counters, written in the Chrome Trace Event Format that Perfetto and
// chrome://tracing open. Times are integer picoseconds so the output is byte-deterministic.
#include <cstdint>
#include <iosfwd>
#include <string>
#include <utility>
#include <vector>

namespace xbar::trace {

class Timeline {
public:
    // max_events caps the file; events past the cap are counted, not stored.
    explicit Timeline(bool enabled = true, std::size_t max_events = 2'000'000);

    // A track is one (process, thread) pair, e.g. ("tile0", "kernels").
    int track(const std::string& process, const std::string& thread);

    using Args = std::vector<std::pair<std::string, double>>;
    void slice(int track, const std::string& name, const char* category, std::uint64_t t0_ps,
               std::uint64_t t1_ps, Args args = {});
    void counter(int track, const std::string& name, std::uint64_t t_ps, double value);

    bool enabled() const { return m_enabled; }
    std::size_t size() const { return m_events.size(); }
    std::size_t dropped() const { return m_dropped; }
    void write(std::ostream& os) const;

private:
    struct Track {
        std::string process, thread;
        int pid, tid;
    };
    struct Event {
        char ph;  // 'X' slice, 'C' counter
        int track;
        std::string name;
        const char* category;
        std::uint64_t t0, t1;
        Args args;
    };
    bool m_enabled;
    std::size_t m_max;
    std::size_t m_dropped = 0;
    std::vector<Track> m_tracks;
    std::vector<std::string> m_processes;
    std::vector<Event> m_events;
};

}  // namespace xbar::trace
