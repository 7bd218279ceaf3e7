// Reader counts with the real feedd over real HTTP (docs/readers.md): aggregators' reported
// counts, distinct clients behind a trusted proxy, 304s, bots, who may see /stats, and the daily
// totals that outlive a restart without any address in state_dir.
#include <gtest/gtest.h>
#include <signal.h>

#include <nlohmann/json.hpp>

#include "daemon/running_feedd.h"
#include "daemon/site_fixture.h"
#include "support/process.h"

namespace feedd::test {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

std::uint64_t source_count(const nlohmann::json& stats, const std::string& feed,
                           const std::string& source) {
    for (const auto& f : stats["feeds"])
        if (f["feed"] == feed) return f["sources"].value(source, std::uint64_t{0});
    return 0;
}

class Readers : public ::testing::Test {
  protected:
    void SetUp() override {
        site_.write_config("127.0.0.1:0", "", "  trusted_proxies: [127.0.0.1]\n");
    }
    HttpResponse fetch(RunningFeedd& feedd, const std::string& path, const std::string& user_agent,
                       const std::string& client, std::map<std::string, std::string> extra = {}) {
        extra["User-Agent"] = user_agent;
        extra["X-Forwarded-For"] = client;
        return feedd.get(path, extra);
    }
    SiteFixture site_;
};

TEST_F(Readers, CountsAggregatorsClientsAndBotsFromRealRequests) {
    RunningFeedd feedd(site_.config());
    const std::string feedly = "Feedly/1.0 (+http://www.feedly.com/fetcher.html; %s subscribers; )";
    for (const char* n : {"40", "41", "42"})  // repeated polls: the latest counts
        EXPECT_EQ(fetch(feedd, "/feed.xml",
                        "Feedly/1.0 (+http://www.feedly.com/fetcher.html; " + std::string(n) +
                            " subscribers; )",
                        "54.1.2.3")
                      .status,
                  200);
    fetch(feedd, "/feed.xml", "newsboat/2.30.1 (Linux x86_64)", "198.51.100.7");
    fetch(feedd, "/feed.xml", "newsboat/2.30.1 (Linux x86_64)",
          "198.51.100.8");  // same /24, same reader
    // A conditional poll answered 304 counts like a 200.
    const auto etag =
        fetch(feedd, "/feed.xml", "NetNewsWire (RSS Reader)", "192.0.2.1").header("etag");
    EXPECT_EQ(fetch(feedd, "/feed.xml", "Tiny Tiny RSS/23.04 (https://tt-rss.org/)", "192.0.2.77",
                    {{"If-None-Match", etag}})
                  .status,
              304);
    fetch(feedd, "/feed.xml",
          "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
          "66.249.66.1");
    fetch(feedd, "/atom.xml", "Mozilla/5.0 (compatible; inoreader.com; 7 subscribers)", "3.3.3.3");
    // Through an untrusted hop the forwarded address is ignored: the connection's (127.0.0.1)
    // counts.
    fetch(feedd, "/feed.json", "newsboat/2.30.1 (Linux x86_64)", "6.6.6.6, 203.0.113.50");

    const auto stats = nlohmann::json::parse(feedd.get("/stats.json").body);
    EXPECT_EQ(source_count(stats, "/feed.xml", "feedly"), 42u);
    EXPECT_EQ(source_count(stats, "/feed.xml", "clients"),
              3u);  // newsboat, NetNewsWire, Tiny Tiny RSS
    EXPECT_EQ(source_count(stats, "/feed.xml", "bots"), 1u);
    EXPECT_EQ(source_count(stats, "/atom.xml", "inoreader"), 7u);
    EXPECT_EQ(source_count(stats, "/feed.json", "clients"), 1u);
    const auto metrics = feedd.get("/metrics").body;
    EXPECT_NE(metrics.find("feedd_feed_subscribers{feed=\"/feed.xml\",source=\"feedly\"} 42"),
              std::string::npos);
    const auto page = feedd.get("/stats");
    EXPECT_EQ(page.status, 200);
    EXPECT_NE(page.body.find("<td>/feed.xml</td><td>feedly</td><td>42</td>"), std::string::npos);
    // A browser's view of a feed is not a reader.
    feedd.get("/feed.xml", {{"User-Agent", "Mozilla/5.0 (X11; Linux x86_64) Firefox/128.0"},
                            {"X-Forwarded-For", "198.18.0.1"},
                            {"Sec-Fetch-Mode", "navigate"},
                            {"Sec-Fetch-Dest", "document"},
                            {"Accept", "text/html"}});
    EXPECT_EQ(
        source_count(nlohmann::json::parse(feedd.get("/stats.json").body), "/feed.xml", "clients"),
        3u);
}

TEST_F(Readers, StatsAndMetricsAnswerOnlyAllowedClients) {
    RunningFeedd feedd(site_.config());
    // Behind the (trusted) proxy, the client is the forwarded one: not loopback.
    for (const char* path : {"/stats", "/stats.json", "/metrics"}) {
        EXPECT_EQ(feedd.get(path, {{"X-Forwarded-For", "198.51.100.7"}}).status, 403) << path;
        EXPECT_EQ(feedd.get(path).status, 200) << path;
    }
    SiteFixture elsewhere;
    elsewhere.write_config("127.0.0.1:0", "", "  metrics_allow: [10.0.0.0/8]\n");
    RunningFeedd other(elsewhere.config());
    EXPECT_EQ(other.get("/stats").status, 403);
    EXPECT_EQ(other.get("/metrics").status, 403);
    EXPECT_EQ(other.get("/feed.xml").status, 200);
}

TEST_F(Readers, DailyTotalsOutliveARestartAndAKillWithoutAnyAddress) {
    const auto state = site_.root() / "state";
    {
        RunningFeedd feedd(site_.config());
        fetch(feedd, "/feed.xml",
              "Feedly/1.0 (+http://www.feedly.com/fetcher.html; 42 subscribers; )", "54.1.2.3");
        fetch(feedd, "/feed.xml", "newsboat/2.30.1 (Linux x86_64)", "198.51.100.7");
        EXPECT_EQ(feedd.stop(), 0);  // a stop saves them
    }
    const auto saved = read_file(state / "readers.json");
    EXPECT_NE(saved.find("\"feedly\": 42"), std::string::npos) << saved;
    {
        RunningFeedd feedd(site_.config());
        fetch(feedd, "/atom.xml",
              "Mozilla/5.0 (compatible; BazQux/2.4; +https://bazqux.com/fetcher; 3 subscribers)",
              "5.5.5.5");
        // A reload saves them too; then a kill -9 loses nothing of what was saved.
        feedd.process().signal(SIGHUP);
        ASSERT_FALSE(feedd.process().wait_for_line("reloading", 5s).empty());
        for (int i = 0;
             i < 200 && read_file(state / "readers.json").find("bazqux") == std::string::npos; ++i)
            std::this_thread::sleep_for(10ms);
        feedd.process().signal(SIGKILL);
        feedd.process().wait(5s);
    }
    const auto after = read_file(state / "readers.json");
    EXPECT_NE(after.find("\"feedly\": 42"), std::string::npos) << after;  // yesterday's run
    EXPECT_NE(after.find("\"bazqux\": 3"), std::string::npos) << after;
    const auto table = run_program({FEEDD_BINARY, "stats", "-c", site_.config().string()});
    EXPECT_EQ(table.exit_code, 0) << table.err;
    EXPECT_NE(table.out.find("feedly"), std::string::npos) << table.out;

    // No client address anywhere in state_dir, in any form.
    for (const auto& entry : fs::recursive_directory_iterator(state)) {
        if (!entry.is_regular_file()) continue;
        const auto bytes = read_file(entry.path());
        for (const char* address : {"54.1.2", "198.51.100", "5.5.5", "127.0.0.1"})
            EXPECT_EQ(bytes.find(address), std::string::npos)
                << entry.path() << " holds " << address;
    }
}

}  // namespace
}  // namespace feedd::test
