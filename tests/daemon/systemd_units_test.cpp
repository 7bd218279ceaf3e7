// The shipped systemd units, checked by systemd's own verifier.
#include <gtest/gtest.h>

#include <filesystem>
#include <regex>

#include "support/process.h"

namespace feedd::test {
namespace {

constexpr const char* kAnalyze = "/usr/bin/systemd-analyze";

TEST(SystemdUnits, PassSystemdAnalyzeVerify) {
    if (!std::filesystem::exists(kAnalyze)) GTEST_SKIP() << "systemd-analyze is not installed";
    const TempDir dir;
    // The units name the installed binary; point them at the one just built so verify can check it.
    auto service = read_file(FEEDD_SOURCE_DIR "/systemd/feedd.service");
    service = std::regex_replace(service, std::regex("/usr/bin/feedd"), FEEDD_BINARY);
    write_file(dir.path() / "feedd.service", service);
    write_file(dir.path() / "feedd.socket", read_file(FEEDD_SOURCE_DIR "/systemd/feedd.socket"));
    const auto result = run_program({kAnalyze, "verify", (dir.path() / "feedd.service").string(),
                                     (dir.path() / "feedd.socket").string()});
    EXPECT_EQ(result.exit_code, 0) << result.out << result.err;
    EXPECT_EQ(result.err, "");
}

TEST(SystemdUnits, ServiceIsHardenedToTheOkBand) {
    if (!std::filesystem::exists(kAnalyze)) GTEST_SKIP() << "systemd-analyze is not installed";
    const auto result = run_program({kAnalyze, "security", "--offline=true", "--no-pager",
                                     FEEDD_SOURCE_DIR "/systemd/feedd.service"});
    std::smatch match;
    ASSERT_TRUE(std::regex_search(result.out, match, std::regex(R"(Overall exposure level for \S+: ([0-9.]+) (\w+))")))
        << result.out << result.err;
    EXPECT_LE(std::stod(match[1]), 4.9) << match[0];  // 0–4.9 is "OK" or better ("SAFE" below 2)
}

}  // namespace
}  // namespace feedd::test
