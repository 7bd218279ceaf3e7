// Faults around a running feedd: whatever breaks on disk, the last good feeds keep being served and
// /healthz says what is wrong.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <thread>

#include "daemon/running_feedd.h"
#include "daemon/site_fixture.h"
#include "support/peers.h"

namespace feedd::test {
namespace {

using namespace std::chrono_literals;
namespace fs = std::filesystem;

constexpr const char* kSeedTitle = "Russia and Turkey may sign space cooperation agreement soon</title>";

nlohmann::json health(const RunningFeedd& feedd) {
    return nlohmann::json::parse(feedd.get("/healthz").body, nullptr, false);
}

// Kilobytes of the process's peak resident memory (VmHWM).
long peak_rss_kib(pid_t pid) {
    std::ifstream status("/proc/" + std::to_string(pid) + "/status");
    std::string line;
    while (std::getline(status, line)) {
        if (line.starts_with("VmHWM:")) return std::stol(line.substr(6));
    }
    return -1;
}

class Faults : public ::testing::Test {
protected:
    void SetUp() override { site_.write_config("127.0.0.1:0", "  debounce_ms: 50\n"); }
    SiteFixture site_;
};

TEST_F(Faults, ContentDirectoryDeletedAndRecreatedWhileServing) {
    RunningFeedd feedd(site_.config());
    const auto before = feedd.get("/feed.xml");
    ASSERT_NE(before.body.find(kSeedTitle), std::string::npos);

    fs::rename(site_.content(), site_.root() / "moved-away");
    ASSERT_TRUE(feedd.process().wait_for_line("keeping the last good feeds", 5s).size());
    const auto during = feedd.get("/feed.xml");
    EXPECT_EQ(during.status, 200);
    EXPECT_EQ(during.header("etag"), before.header("etag"));
    const auto sick = health(feedd);
    EXPECT_NE(sick["error"].get<std::string>().find("is missing"), std::string::npos) << sick.dump();

    fs::rename(site_.root() / "moved-away", site_.content());
    EXPECT_TRUE(feedd.wait_for("/healthz", lacks("\"error\"")));
    // The same content gives the same bytes again.
    EXPECT_EQ(feedd.get("/feed.xml").header("etag"), before.header("etag"));
}

TEST_F(Faults, AFileReplacedByAFolder) {
    RunningFeedd feedd(site_.config());
    const auto file = site_.content() / "news" / "ferry-timetable.md";
    fs::remove(file);
    fs::create_directories(file);
    write_file(file / "inside.md", "---\ntitle: Inside a folder named like a file\ndate: 2026-01-05\n---\nx\n");
    EXPECT_TRUE(feedd.wait_for("/feed.xml", contains("Inside a folder named like a file")));
    EXPECT_EQ(feedd.get("/feed.xml").body.find("Winter ferry timetable"), std::string::npos);
}

TEST_F(Faults, ASymlinkPointingOutsideIsReportedNotFollowed) {
    RunningFeedd feedd(site_.config());
    const auto problems_before = health(feedd)["problems"].get<int>();
    const auto outside = site_.root() / "outside.md";
    write_file(outside, "---\ntitle: Secret from outside the content dir\ndate: 2026-01-05\n---\nx\n");
    fs::create_symlink(outside, site_.content() / "news" / "link.md");
    EXPECT_FALSE(feedd.process().wait_for_line("symlink not followed", 5s).empty());
    EXPECT_TRUE(feedd.wait_for("/healthz", [&](const std::string& body) {
        return nlohmann::json::parse(body)["problems"].get<int>() == problems_before + 1;
    }));
    EXPECT_EQ(feedd.get("/feed.xml").body.find("Secret from outside"), std::string::npos);
}

TEST_F(Faults, AFileFeeddMayNotReadIsReportedAndTheRestServed) {
    // Root reads everything, so feedd runs as nobody here (setpriv, util-linux).
    if (geteuid() != 0 || !fs::exists("/usr/bin/setpriv")) GTEST_SKIP() << "needs root and setpriv to drop privileges";
    for (const auto& entry : fs::recursive_directory_iterator(site_.root())) {
        fs::permissions(entry.path(), entry.is_directory() ? fs::perms(0755) : fs::perms(0644));
    }
    fs::permissions(site_.root(), fs::perms(0755));
    fs::create_directories(site_.root() / "state");
    fs::permissions(site_.root() / "state", fs::perms(0777));
    const auto locked = site_.content() / "news" / "fishing-quotas.txt";
    fs::permissions(locked, fs::perms::none);

    const auto result = run_program({"/usr/bin/setpriv", "--reuid=65534", "--regid=65534", "--clear-groups",
                                     FEEDD_BINARY, "check", "-c", site_.config().string()});
    EXPECT_EQ(result.exit_code, 1);
    EXPECT_NE(result.out.find(locked.string() + ": cannot open: Permission denied"), std::string::npos) << result.out;
    EXPECT_NE(result.err.find("10 articles published"), std::string::npos) << result.err;  // all but the locked one
}

TEST_F(Faults, AHugeFileIsSkippedWithoutReadingIt) {
    RunningFeedd feedd(site_.config());
    // Against feedd's own peak so far: under the sanitizers that alone is near 100 MB.
    const auto before = peak_rss_kib(feedd.process().pid());
    const auto huge = site_.content() / "news" / "huge.md";
    {
        const int fd = ::open(huge.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
        ASSERT_GE(fd, 0);
        ASSERT_EQ(::ftruncate(fd, 200 * 1024 * 1024), 0);  // sparse: 200 MB that costs no disk
        ::close(fd);
    }
    const auto line = feedd.process().wait_for_line("huge.md", 5s);
    EXPECT_NE(line.find("larger than content.max_file_bytes"), std::string::npos) << line;
    EXPECT_LT(peak_rss_kib(feedd.process().pid()) - before, 100 * 1024)
        << "feedd read the 200 MB file into memory";
    EXPECT_EQ(feedd.get("/feed.xml").status, 200);
}

TEST_F(Faults, DiskFullWhenWritingStateKeepsTheOldState) {
    auto hub = ping::test::start_hub();
    hub.post_form("/_test/mode", "mode=status&status=503&retry_after=60");  // keep pings pending
    site_.write_config("127.0.0.1:0", "  debounce_ms: 50\n",
                       "ping:\n  websub: [\"" + hub.url("/") + "\"]\nstate_dir: ./state\n");
    const auto state = site_.root() / "state" / "ping-state.json";
    {
        RunningFeedd feedd(site_.config());
        ASSERT_TRUE(ping::test::wait_until([&] { return fs::exists(state); }, 10s));
    }
    const auto saved = read_file(state);
    ASSERT_FALSE(saved.empty());
    // Every write of the state now fails as on a full disk: its temporary file is /dev/full.
    fs::create_symlink("/dev/full", site_.root() / "state" / "ping-state.json.tmp");
    RunningFeedd feedd(site_.config());
    write_file(site_.content() / "news" / "more.md", "---\ntitle: More\ndate: 2026-01-06\n---\nx\n");
    EXPECT_FALSE(feedd.process().wait_for_line("No space left on device", 10s).empty())
        << feedd.process().stderr_text();
    EXPECT_EQ(read_file(state), saved);
    EXPECT_TRUE(feedd.wait_for("/feed.xml", contains("<title>More</title>")));
}

TEST_F(Faults, ACorruptStateFileIsSetAsideAndRebuilt) {
    auto hub = ping::test::start_hub();
    site_.write_config("127.0.0.1:0", "  debounce_ms: 50\n",
                       "ping:\n  websub: [\"" + hub.url("/") + "\"]\nstate_dir: ./state\n");
    write_file(site_.root() / "state" / "ping-state.json", "{ this is not json");
    RunningFeedd feedd(site_.config());
    EXPECT_FALSE(feedd.process().wait_for_line("ping-state.json", 5s).empty()) << feedd.process().stderr_text();
    // Every feed is announced once more, and a fresh state file is written.
    EXPECT_TRUE(ping::test::wait_until(
        [&] {
            const auto publishes = hub.get_json("/_test/publishes");
            for (const auto& publish : publishes["accepted"]) {
                if (publish["topic"] == "https://news.example.org/feed.xml") return true;
            }
            return false;
        },
        10s))
        << "hub saw: " << hub.get_json("/_test/publishes").dump() << "\nfeedd said:\n"
        << feedd.process().stderr_text();
    EXPECT_TRUE(ping::test::wait_until(
        [&] {
            return nlohmann::json::parse(read_file(site_.root() / "state" / "ping-state.json"), nullptr, false)
                .is_object();
        },
        5s));
    bool set_aside = false;
    for (const auto& entry : fs::directory_iterator(site_.root() / "state")) {
        set_aside = set_aside || entry.path().filename().string().starts_with("ping-state.json.corrupt");
    }
    EXPECT_TRUE(set_aside);
}

TEST_F(Faults, ConfigDeletedBeforeSighup) {
    RunningFeedd feedd(site_.config());
    fs::remove(site_.config());
    feedd.process().signal(SIGHUP);
    const auto line = feedd.process().wait_for_line("keeping the running configuration", 5s);
    EXPECT_NE(line.find(site_.config().string() + ": cannot read the config file"), std::string::npos) << line;
    EXPECT_EQ(feedd.get("/feed.xml").status, 200);
    EXPECT_NE(health(feedd)["config_error"].get<std::string>().find("cannot read the config file"),
              std::string::npos);
}

}  // namespace
}  // namespace feedd::test
