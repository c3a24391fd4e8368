// SIGINT during a long run stops it at a safe point: complete, valid outputs marked
// "interrupted" (with the epochs finished so far) and exit code 130 — never a truncated file.
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fcntl.h>

#include <chrono>
#include <thread>

#include <gtest/gtest.h>

#include "e2e_util.h"

extern char** environ;

TEST(Interrupt, SigintLeavesCompleteOutputsMarkedInterrupted) {
    const auto w = e2e::scratch("interrupt");
    std::filesystem::create_directories(w);
    auto s = nlohmann::json::parse(
        e2e::slurp(std::filesystem::path(XBAR_SOURCE_DIR) / "scenarios/training/digits-analog-ideal.json"));
    s["firmware"]["epochs"] = 1000;  // far longer than the test waits
    std::ofstream(w / "long.json") << s.dump();
    const std::string out = (w / "out").string(), scen = (w / "long.json").string();
    std::vector<std::string> args{XBAR_VP_BIN, "run", scen, "--out", out};
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    pid_t pid;
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_addopen(&fa, 1, (w / "stdout.txt").c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    posix_spawn_file_actions_addopen(&fa, 2, (w / "stderr.txt").c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    ASSERT_EQ(posix_spawn(&pid, XBAR_VP_BIN, &fa, nullptr, argv.data(), environ), 0);
    // Wait until training is under way (the first epoch line), then interrupt.
    for (int k = 0; k < 600 && e2e::slurp(w / "stderr.txt").find("epoch 1/") == std::string::npos; ++k)
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    ASSERT_EQ(kill(pid, SIGINT), 0);
    int status = 0;
    ASSERT_EQ(waitpid(pid, &status, 0), pid);
    posix_spawn_file_actions_destroy(&fa);
    ASSERT_TRUE(WIFEXITED(status));
    EXPECT_EQ(WEXITSTATUS(status), 130);
    const auto sum = e2e::summary(out);  // parses: the file is complete
    EXPECT_EQ(sum["status"], "interrupted");
    EXPECT_GE(sum["training"]["epochs"].size(), 1u);
    EXPECT_LT(sum["training"]["epochs"].size(), 1000u);
    EXPECT_NO_THROW(nlohmann::json::parse(e2e::slurp(std::filesystem::path(out) / "trace.json")));
    for (const auto& e : std::filesystem::directory_iterator(out))
        EXPECT_EQ(e.path().extension() == ".part", false) << e.path();
}
