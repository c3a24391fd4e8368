#pragma once
// A checked destination for SystemC's VCD writer. SystemC writes waves.vcd through a FILE* of
// its own and never checks a write, so a full disk or a file-size limit would give a truncated
// waveform and exit 0. The sink hands SystemC a pipe instead: `<path>` is a symlink to the pipe's
// write end, and a thread copies the pipe into `<path>.part` with checked writes, blanking the
// `$date` field on the way (reproducible bytes); finish() puts the file in place. No SystemC here.
#include <cstddef>
#include <filesystem>
#include <string>
#include <thread>

namespace xbar::platform {

class VcdSink {
public:
    explicit VcdSink(std::filesystem::path path);  // path ends in .vcd
    ~VcdSink();
    VcdSink(const VcdSink&) = delete;
    VcdSink& operator=(const VcdSink&) = delete;

    // The name to give sc_create_vcd_trace_file (it appends ".vcd").
    std::string systemc_name() const;
    // After sc_close_vcd_trace_file: waits for the copy, throws IoError if a write failed, and
    // renames the copy to `path`.
    void finish();

private:
    void copy_loop();
    void put(const char* data, std::size_t len);
    void close_all();

    std::filesystem::path m_path;
    int m_read = -1, m_write = -1, m_out = -1, m_stop_read = -1, m_stop_write = -1;
    std::string m_error;  // the first failed write's message (IoError text)
    std::thread m_thread;
    bool m_finished = false;
};

}  // namespace xbar::platform
