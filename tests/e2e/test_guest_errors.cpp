// Guest (firmware) errors end the run cleanly: exit code 4, summary.json "status": "failed" with
// a reason naming the address or the register, complete outputs, and never an abort.
#include <gtest/gtest.h>

#include "e2e_util.h"

TEST(GuestErrors, EachFaultIsReportedNotFatal) {
    const auto w = e2e::scratch("guest");
    std::filesystem::create_directories(w);
    const std::pair<int, const char*> faults[] = {
        {0, "bus read at 0x10 (4 bytes): address error"},
        {1, "ERROR_CODE=2 (bad command)"},
        {2, "ERROR_CODE=6 (the tile's own bus access failed (WEIGHT_ADDR/DMA))"},
    };
    for (const auto& [fault, reason] : faults) {
        const nlohmann::json s{{"name", "fault" + std::to_string(fault)},
                               {"firmware", {{"program", "fault_demo"}, {"fault", fault}}},
                               {"tile", {{"rows", 64}, {"cols", 64}}}};
        const auto file = w / ("f" + std::to_string(fault) + ".json");
        std::ofstream(file) << s.dump();
        const auto out = w / ("out" + std::to_string(fault));
        const auto r = e2e::xbar("run '" + file.string() + "' --out '" + out.string() + "'", w / ("r" + std::to_string(fault)));
        EXPECT_EQ(r.exit_code, 4) << r.err;
        const auto sum = e2e::summary(out);
        EXPECT_EQ(sum["status"], "failed");
        EXPECT_NE(sum["firmware"]["error"].get<std::string>().find(reason), std::string::npos) << sum["firmware"]["error"];
        EXPECT_NE(r.out.find("FAIL"), std::string::npos);
    }
}
