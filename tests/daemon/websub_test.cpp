// End to end on 127.0.0.1: feedd announces a changed feed to a WebSub hub (tests/peers/websub_hub.py,
// written for the tests after the W3C spec), and a subscriber subscribed through that hub receives
// the new feed body.
#include <gtest/gtest.h>
#include <signal.h>

#include "daemon/running_feedd.h"
#include "daemon/site_fixture.h"
#include "support/peers.h"

namespace feedd::test {
namespace {

using namespace std::chrono_literals;
using ping::test::Peer;
using ping::test::start_hub;
using ping::test::unused_port;
using ping::test::wait_until;

class WebSub : public ::testing::Test {
protected:
    void SetUp() override {
        port_ = unused_port();
        const auto listen = "127.0.0.1:" + std::to_string(port_);
        site_url_ = "http://" + listen + "/";
        write_file(site_.config(), "site:\n  title: Hub Test\n  url: " + site_url_ +
                                       "\ncontent:\n  dir: ./content\n  debounce_ms: 50\n"
                                       "server:\n  listen: \"" + listen + "\"\n"
                                       "ping:\n  websub: [\"" + hub_.url("/") + "\"]\n"
                                       "state_dir: ./state\n");
    }

    std::vector<nlohmann::json> publishes_of(const std::string& topic) const {
        std::vector<nlohmann::json> out;
        const auto publishes = hub_.get_json("/_test/publishes");
        for (const auto& publish : publishes["accepted"]) {
            if (publish["topic"] == topic) out.push_back(publish);
        }
        return out;
    }

    SiteFixture site_;
    Peer hub_ = start_hub();
    std::uint16_t port_ = 0;
    std::string site_url_;
};

TEST_F(WebSub, DiscoveryNamesTheHubAndSelfInHeadersAndBody) {
    RunningFeedd feedd(site_.config());
    for (const std::string path : {"feed.xml", "atom.xml", "feed.json"}) {
        const auto response = feedd.get("/" + path);
        const auto self = site_url_ + path;
        EXPECT_EQ(response.header("link"), "<" + hub_.url("/") + ">; rel=\"hub\", <" + self + ">; rel=\"self\"")
            << path;
        EXPECT_NE(response.body.find(hub_.url("/")), std::string::npos) << path;
        EXPECT_NE(response.body.find(self), std::string::npos) << path;
    }
}

TEST_F(WebSub, ASubscriberReceivesTheNewFeedAfterAnArticleIsAdded) {
    const auto topic = site_url_ + "feed.xml";
    RunningFeedd feedd(site_.config());
    Peer subscriber("subscriber.py", {"--hub", hub_.url("/"), "--topic", topic, "--secret", "s3cret"});
    ASSERT_TRUE(wait_until([&] { return !hub_.get_json("/_test/subscriptions").empty(); }, 10s));
    // At start, feedd announced each feed once (nothing was announced before in this state_dir).
    ASSERT_TRUE(wait_until([&] { return publishes_of(topic).size() == 1; }, 10s))
        << hub_.get_json("/_test/publishes").dump();

    write_file(site_.content() / "news" / "hub-news.md",
               "---\ntitle: News for subscribers\ndate: 2026-05-01T08:00:00Z\n---\nPushed through the hub.\n");
    ASSERT_TRUE(wait_until(
        [&] {
            const auto received = subscriber.get_json("/_test/received");
            for (const auto& delivery : received) {
                if (delivery["body"].get<std::string>().find("News for subscribers") != std::string::npos &&
                    delivery["signature"] == "ok") {
                    return true;
                }
            }
            return false;
        },
        15s))
        << subscriber.get_json("/_test/received").dump();
    // One change, one publish per topic: no storm.
    std::this_thread::sleep_for(1500ms);
    EXPECT_EQ(publishes_of(topic).size(), 2u);
    const auto last = publishes_of(topic).back();
    EXPECT_EQ(last["param"], "hub.url");
    EXPECT_TRUE(last["user_agent"].get<std::string>().starts_with("feedd/")) << last;
}

TEST_F(WebSub, ARestartAnnouncesOnlyWhatChangedWhileDown) {
    const auto topic = site_url_ + "atom.xml";
    {
        RunningFeedd feedd(site_.config());
        ASSERT_TRUE(wait_until([&] { return publishes_of(topic).size() == 1; }, 10s));
    }
    {
        RunningFeedd feedd(site_.config());  // unchanged content: nothing to announce
        std::this_thread::sleep_for(2s);
        EXPECT_EQ(publishes_of(topic).size(), 1u);
    }
    write_file(site_.content() / "while-down.md", "---\ntitle: Written while feedd was down\ndate: 2026-05-02\n---\nx\n");
    RunningFeedd feedd(site_.config());
    EXPECT_TRUE(wait_until([&] { return publishes_of(topic).size() == 2; }, 10s));
}

TEST_F(WebSub, ABurstOfChangesGivesOnePingPerTopic) {
    const auto topic = site_url_ + "feed.xml";
    RunningFeedd feedd(site_.config());
    ASSERT_TRUE(wait_until([&] { return publishes_of(topic).size() == 1; }, 10s))
        << "hub saw: " << hub_.get_json("/_test/publishes").dump() << "\nfeedd said:\n"
        << feedd.process().stderr_text();
    for (int i = 0; i < 200; ++i) {
        write_file(site_.content() / "burst" / ("b" + std::to_string(i) + ".md"),
                   "---\ntitle: Burst " + std::to_string(i) + "\ndate: 2026-06-01\n---\nx\n");
    }
    ASSERT_TRUE(wait_until([&] { return publishes_of(topic).size() >= 2; }, 10s));
    std::this_thread::sleep_for(2500ms);  // longer than the debounce and the pinger's settle delay
    EXPECT_EQ(publishes_of(topic).size(), 2u);
}

TEST_F(WebSub, PingsPendingWhenFeeddIsKilledAreDeliveredOnceAfterRestart) {
    const auto topic = site_url_ + "feed.xml";
    // The hub is down (answers 503) while feedd starts and announces.
    hub_.post_form("/_test/mode", "mode=status&status=503&retry_after=1");
    {
        RunningFeedd feedd(site_.config());
        ASSERT_TRUE(wait_until(
            [&] {
                const auto publishes = hub_.get_json("/_test/publishes");
                for (const auto& attempt : publishes["attempts"]) {
                    if (attempt["topic"] == topic) return true;
                }
                return false;
            },
            10s));
        ::kill(feedd.process().pid(), SIGKILL);
        feedd.process().wait(5s);
    }
    EXPECT_TRUE(publishes_of(topic).empty());
    hub_.post_form("/_test/mode", "mode=status&status=503&retry_after=1");
    {
        // While the hub is still down, the queue is visible in /healthz and /metrics.
        RunningFeedd feedd(site_.config());
        ASSERT_TRUE(wait_until(
            [&] {
                const auto health = nlohmann::json::parse(feedd.get("/healthz").body, nullptr, false);
                return health.is_object() && health.value("ping_queue", 0.0) > 0 &&
                       health.value("ping_endpoints", "").find("HTTP 503") != std::string::npos &&
                       health.value("ping_endpoints", "").find("next retry") != std::string::npos;
            },
            10s))
            << feedd.get("/healthz").body;
        const auto metrics = feedd.get("/metrics").body;
        EXPECT_NE(metrics.find("feedd_ping_queue_length "), std::string::npos) << metrics;
        EXPECT_NE(metrics.find("feedd_ping_next_retry_timestamp_seconds{endpoint=\"" + hub_.url("/") + "\"}"),
                  std::string::npos)
            << metrics;
        ::kill(feedd.process().pid(), SIGKILL);
        feedd.process().wait(5s);
    }
    EXPECT_TRUE(publishes_of(topic).empty());
    hub_.post_form("/_test/mode", "mode=ok");
    RunningFeedd feedd(site_.config());
    EXPECT_TRUE(wait_until([&] { return publishes_of(topic).size() == 1; }, 10s));
    std::this_thread::sleep_for(2s);
    EXPECT_EQ(publishes_of(topic).size(), 1u) << "a pending ping was delivered more than once";
}

}  // namespace
}  // namespace feedd::test
