// Ledger views agree with each other; power over time integrates to the total; the timeline is
// valid Chrome-trace JSON.
#include <sstream>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "models/energy/ledger.h"
#include "models/trace/timeline.h"

using namespace xbar;

TEST(Ledger, TotalsPerKernelAndPowerWindowsAgree) {
    energy::Ledger l(100000);  // 100 ns bins
    const auto a = l.define("tile0", "adc", "comparator_ns", 0.036, "test", xbar::energy::Basis::physics);
    const auto b = l.define("tile0", "array", "cell_ns", 1.5, "test", xbar::energy::Basis::physics);
    l.add(a, energy::Kernel::vmm, 1000, 0, 384000);
    l.add(b, energy::Kernel::opu, 10, 384000, 896000);
    l.add(a, energy::Kernel::mvm, 500, 1000000, 1000000);  // instantaneous
    EXPECT_DOUBLE_EQ(l.total_pj(), 36.0 + 15.0 + 18.0);
    EXPECT_DOUBLE_EQ(l.total_pj(energy::Kernel::vmm), 36.0);
    EXPECT_DOUBLE_EQ(l.count(a, energy::Kernel::mvm), 500);
    double integral = 0;
    for (const auto& w : l.power(100000, 1000000)) integral += w.energy_pj;
    EXPECT_NEAR(integral, l.total_pj(), 1e-9 * l.total_pj());
    // The first window holds 100/384 of the VMM's ADC energy.
    EXPECT_NEAR(l.power(100000, 1000000)[0].energy_pj, 36.0 * 100.0 / 384.0, 1e-12);
    EXPECT_THROW(l.define("x", "y", "z", -1.0, "", xbar::energy::Basis::physics), std::invalid_argument);
    EXPECT_THROW(l.power(150000, 0), std::invalid_argument);  // not a multiple of the bin
    // energy_between over the whole run is the total; over the OPU's bins it is the OPU's energy.
    EXPECT_NEAR(l.energy_between(0, 1100000), l.total_pj(), 1e-9);
    // The OPU spans [384, 896) ns: 496 of its 512 ns fall in [400, 900).
    EXPECT_NEAR(l.energy_between(400000, 900000), 15.0 * 496.0 / 512.0, 1e-9);
    // Per-stream view: one stream per owner.component, their sum is the total.
    const auto pt = l.power_table();
    ASSERT_EQ(pt.streams.size(), 2u);
    EXPECT_EQ(pt.streams[0], "tile0.adc");
    double sum = 0;
    for (const auto& b : pt.bins) for (double e : b) sum += e;
    EXPECT_NEAR(sum, l.total_pj(), 1e-9);
}

TEST(Ledger, LongRunsCoarsenTheBinsButKeepTheTotal) {
    energy::Ledger l(1000, 8);  // 1 ns bins, at most 8 of them
    const auto a = l.define("t", "c", "x", 2.0, "test", xbar::energy::Basis::physics);
    for (std::uint64_t k = 0; k < 100; ++k) l.add(a, energy::Kernel::vmm, 1.0, k * 1000, k * 1000 + 500);
    // 99.5 ns of activity in at most 8 bins: the width doubles from 1 ns until 8 bins cover it,
    // 16 ns (8 ns bins would need 13).
    EXPECT_EQ(l.bin_ps(), 16000u);
    const auto table = l.power_table();
    // Each 16 ns bin holds 16 of the 2 pJ events; the seventh holds the last 4 (96..99 ns).
    ASSERT_EQ(table.bins[0].size(), 7u);
    for (std::size_t k = 0; k < 6; ++k) EXPECT_NEAR(table.bins[0][k], 32.0, 1e-9) << k;
    EXPECT_NEAR(table.bins[0][6], 8.0, 1e-9);
    double sum = 0;
    for (double e : table.bins[0]) sum += e;
    EXPECT_NEAR(sum, 200.0, 1e-9);
    EXPECT_NEAR(l.total_pj(), 200.0, 1e-12);
}

TEST(Timeline, WritesValidChromeTraceJsonAndCountsDrops) {
    trace::Timeline t(true, 3);
    const int k = t.track("tile0", "kernels");
    const int h = t.track("host", "firmware");
    t.slice(k, "vmm", "kernel", 1000, 385000, {{"rows", 1024}});
    t.slice(h, "phase \"a\"", "firmware", 0, 2000000);
    t.counter(k, "power_mw", 5000, 12.5);
    t.slice(k, "dropped", "kernel", 1, 2);
    EXPECT_EQ(t.dropped(), 1u);
    std::ostringstream os;
    t.write(os);
    const auto j = nlohmann::json::parse(os.str());
    ASSERT_TRUE(j.contains("traceEvents"));
    int slices = 0, counters = 0, meta = 0;
    for (const auto& e : j["traceEvents"]) {
        ASSERT_TRUE(e.contains("ph") && e.contains("pid") && e.contains("tid") && e.contains("name"));
        const std::string ph = e["ph"];
        if (ph == "X") {
            ++slices;
            EXPECT_TRUE(e.contains("ts") && e.contains("dur"));
        }
        counters += ph == "C";
        meta += ph == "M";
    }
    EXPECT_EQ(slices, 2);
    EXPECT_EQ(counters, 1);
    EXPECT_EQ(meta, 4);
    EXPECT_EQ(j["otherData"]["dropped_events"], 1);
    // Picosecond times print exactly: 385000 ps = 0.385 us, duration 0.384 us.
    EXPECT_NE(os.str().find("\"ts\":0.001000,\"dur\":0.384000"), std::string::npos) << os.str();
}
