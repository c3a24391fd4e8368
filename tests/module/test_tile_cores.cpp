// A tile of several cores: per-core register banks, kernels on different cores overlapping where
// the shared resources allow — the buffers' datapath ports, and an ADC bank when the cores share
// one — against the schedule the shared-resource model's equations give, evaluated here.
#include <algorithm>
#include <cmath>
#include <cstring>
#include <map>
#include <sstream>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "models/checker/tlm_checker.h"
#include "models/cores/analog_core.h"
#include "models/dram/dram.h"
#include "models/tile/regmap.h"
#include "models/tile/tile.h"
#include "test_initiator.h"
#include "tests/tech.h"

using namespace sc_core;
using namespace xbar;
namespace rm = xbar::regmap;

namespace {

constexpr int kRows = 64, kCols = 48, kCores = 4;

std::uint32_t fbits(float f) {
    std::uint32_t u;
    std::memcpy(&u, &f, 4);
    return u;
}

// The host drives the tile directly (no router: its register accesses take only the tile's time);
// the tile's bus master reaches a DRAM.
struct CoresBench {
    energy::Ledger ledger;
    trace::Timeline timeline;
    models::TileParams params;
    models::Dram dram{"dram", {16 << 20, 50.0, 25.6}};
    std::unique_ptr<models::Tile> tile;
    sc_signal<bool> irq{"irq"};
    checker::TlmChecker host_check{"host_check"}, dma_check{"dma_check"};
    std::unique_ptr<test::TestInitiator> host;

    CoresBench(int cores, bool adc_shared, std::function<void(test::TestInitiator&, CoresBench&)> body) {
        const platform::SystemTech s = tech::system();
        params.digital_unit = tech::digital_unit();
        params.reg_access_ns = s.reg_access_ns;
        params.reg_fj_per_bit = s.reg_fj_per_bit;
        params.buffer_macro = {s.sram_macro_bits, s.sram_word_bits, s.sram_access_ns, s.sram_read_fj_per_bit,
                               s.sram_write_fj_per_bit, s.sram_macro_um2};
        params.adc_shared = adc_shared;
        std::vector<std::unique_ptr<cores::CrossbarCore>> cs;
        for (int c = 0; c < cores; ++c) {
            cores::AnalogCoreConfig cfg = tech::analog_config();
            cfg.params.rows = kRows;
            cfg.params.cols = kCols;
            cs.push_back(std::make_unique<cores::AnalogCore>(cfg));
        }
        tile = std::make_unique<models::Tile>("tile0", params, std::move(cs), ledger, timeline);
        host = std::make_unique<test::TestInitiator>("host", [this, body](test::TestInitiator& i) { body(i, *this); });
        host->socket.bind(host_check.target_socket);
        host_check.initiator_socket.bind(tile->target_socket);
        tile->initiator_socket.bind(dma_check.target_socket);
        dma_check.initiator_socket.bind(dram.socket);
        tile->irq.bind(irq);
    }
};

// The kernel slices of each core's trace track: [start, end) in ps, by core.
std::map<int, std::vector<std::pair<double, double>>> core_slices(const trace::Timeline& t) {
    std::ostringstream os;
    t.write(os);
    const auto doc = nlohmann::json::parse(os.str());
    std::map<std::pair<int, int>, std::string> thread;
    for (const auto& e : doc.at("traceEvents"))
        if (e.at("ph") == "M" && e.at("name") == "thread_name") thread[{e.at("pid"), e.at("tid")}] = e.at("args").at("name");
    std::map<int, std::vector<std::pair<double, double>>> out;
    for (const auto& e : doc.at("traceEvents")) {
        if (e.at("ph") != "X" || e.at("cat") != "kernel") continue;
        const std::string n = thread[{e.at("pid"), e.at("tid")}];
        if (n.rfind("core", 0) != 0) continue;
        const double t0 = std::round(e.at("ts").get<double>() * 1e6), d = std::round(e.at("dur").get<double>() * 1e6);
        out[std::stoi(n.substr(4))].push_back({t0, t0 + d});
    }
    return out;
}

// One SRAM buffer access of `bytes`: whole words over the buffer's macros, one access time per
// round (docs/architecture.md; the macro figures are the technology file's), in ps.
double sram_ps(const models::TileParams& p, std::uint64_t buffer_bytes, std::uint64_t bytes) {
    const double words = std::ceil(bytes * 8.0 / p.buffer_macro.word_bits);
    const double macros = std::ceil(buffer_bytes * 8.0 / p.buffer_macro.macro_bits);
    return std::round(std::ceil(words / macros) * p.buffer_macro.access_ns * 1e3);
}

struct Issued {
    std::vector<double> t_cmd;  // when each core's command started (ps)
    std::vector<std::uint32_t> status, done_count;
    std::uint32_t core_done = 0, cores_reg = 0;
};

// Sets up a VMM in every core's bank (disjoint input and output vectors), then writes the four CMD
// registers back to back and waits until every core's STATUS says done.
void issue_vmms(test::TestInitiator& i, Issued& out, int cores) {
    const std::uint64_t base = 0;
    out.cores_reg = i.read32(base + rm::CORES);
    std::vector<std::int8_t> x(kRows);
    for (int r = 0; r < kRows; ++r) x[r] = std::int8_t((r * 37) % 255 - 127);
    for (int c = 0; c < cores; ++c) {
        i.transact(tlm::TLM_WRITE_COMMAND, base + rm::IN_BUF + 256 * c, x.data(), kRows);
        i.write32(base + rm::core_reg(c, rm::IN_OFFSET), 256 * c);
        i.write32(base + rm::core_reg(c, rm::OUT_OFFSET), 256 * c);
        i.write32(base + rm::core_reg(c, rm::FWD_FULLSCALE), fbits(8.0f));
    }
    for (int c = 0; c < cores; ++c) {
        i.write32(base + rm::core_reg(c, rm::CMD), rm::CMD_VMM);
        out.t_cmd.push_back(double(sc_time_stamp().value()));  // the write's delay is waited: the command starts now
    }
    for (int c = 0; c < cores; ++c)
        while (i.read32(base + rm::core_reg(c, rm::STATUS)) & rm::ST_BUSY) wait(sc_time(50, SC_NS));
    for (int c = 0; c < cores; ++c) {
        out.status.push_back(i.read32(base + rm::core_reg(c, rm::STATUS)));
        out.done_count.push_back(i.read32(base + rm::core_reg(c, rm::KERNELS_DONE)));
    }
    out.core_done = i.read32(base + rm::CORE_DONE);
}

// The shared-resource model: the input buffer's datapath port serves the operand reads in turn,
// each core computes on its own, the output port serves the results in turn; a shared ADC bank
// serves the conversion phases in turn. Returns each command's end (ps).
std::vector<double> predicted_ends(const Issued& is, const models::TileParams& p, double drive_ps, double array_ps,
                                   double adc_ps, double rest_ps, bool adc_shared) {
    const double d_in = sram_ps(p, p.in_buf_bytes, kRows), d_out = sram_ps(p, p.out_buf_bytes, kCols);
    double in_free = 0, adc_free = 0, out_free = 0;
    std::vector<double> ends;
    for (double t : is.t_cmd) {
        const double in_start = std::max(t, in_free);
        in_free = in_start + d_in;
        double adc_start = in_free + drive_ps + array_ps;
        if (adc_shared) adc_start = std::max(adc_start, adc_free);
        adc_free = adc_start + adc_ps;
        const double core_end = adc_free + rest_ps;
        const double out_start = std::max(core_end, out_free);
        out_free = out_start + d_out;
        ends.push_back(out_free);
    }
    return ends;
}

// Returns the time from the first command's start to the last one's end (ps) and the ADC phase.
void check_schedule(bool adc_shared, double& makespan_ps, double& adc_ps) {
    Issued is;
    CoresBench b(kCores, adc_shared, [&](test::TestInitiator& i, CoresBench&) { issue_vmms(i, is, kCores); });
    sc_start();
    EXPECT_EQ(is.cores_reg, std::uint32_t(kCores));
    EXPECT_EQ(is.core_done, (1u << kCores) - 1);
    for (int c = 0; c < kCores; ++c) {
        EXPECT_EQ(is.status[c], rm::ST_DONE) << "core " << c;
        EXPECT_EQ(is.done_count[c], 1u) << "core " << c;
    }
    // The core's own latency and its phases (the same on every core), from the tile's stats: this
    // test checks when the phases run, not how long the core says they are.
    const models::KernelStat& st = b.tile->stat(energy::Kernel::vmm);
    ASSERT_EQ(st.count, std::uint64_t(kCores));
    std::map<std::string, double> part;
    for (const auto& [n, ns] : st.latency_parts_ns) part[n] = std::round(ns / kCores * 1e3);
    ASSERT_TRUE(part.count("temporal_driver") && part.count("array") && part.count("adc"));
    ASSERT_EQ(part.size(), 3u);  // the analog VMM's phases: drive, settle, convert
    const auto want = predicted_ends(is, b.params, part["temporal_driver"], part["array"], part["adc"], 0.0, adc_shared);
    const auto slices = core_slices(b.timeline);
    ASSERT_EQ(slices.size(), std::size_t(kCores));
    double last = 0;
    for (int c = 0; c < kCores; ++c) {
        ASSERT_EQ(slices.at(c).size(), 1u) << "core " << c;
        EXPECT_NEAR(slices.at(c)[0].first, is.t_cmd[c], 1.0) << "core " << c;
        EXPECT_NEAR(slices.at(c)[0].second, want[c], 4.0) << "core " << c;  // a few ps of rounding per phase
        last = std::max(last, slices.at(c)[0].second);
    }
    makespan_ps = last - is.t_cmd[0];
    adc_ps = part["adc"];
}

}  // namespace

// Four cores with their own ADC banks: only the buffers' datapath ports serialize.
TEST(TileCores, FourVmmsAtOnceTakeTheSharedBufferSchedule) {
    double makespan = 0, adc = 0;
    check_schedule(false, makespan, adc);
    EXPECT_LT(makespan, 2 * adc);  // the conversions overlap
}

// The same four VMMs when the cores share one ADC bank: the conversions serialize as well.
TEST(TileCores, FourVmmsOnASharedAdcBankSerializeTheirConversions) {
    double makespan = 0, adc = 0;
    check_schedule(true, makespan, adc);
    EXPECT_GT(makespan, kCores * adc);  // one conversion phase after the other
}
