// Pinger end to end against real peers: retries, coalescing, persistence across kill -9, stop.
#include "ping/pinger.h"

#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <boost/asio/executor_work_guard.hpp>
#include <mutex>
#include <thread>

#include "support/peers.h"

namespace feedd::ping {
namespace {

using namespace std::chrono_literals;
using test::Peer;
using test::wait_until;

// The daemon's io_context stand-in: runs the posted log lines and keeps them for assertions.
struct IoThread {
    boost::asio::io_context io;
    boost::asio::executor_work_guard<boost::asio::io_context::executor_type> work{
        io.get_executor()};
    std::thread thread{[this] { io.run(); }};
    std::mutex mutex;
    std::vector<std::string> lines;

    ~IoThread() {
        work.reset();
        io.stop();
        thread.join();
    }
    LogFn log() {
        return [this](LogLevel, const std::string& line) {
            std::lock_guard lock(mutex);
            lines.push_back(line);
        };
    }
    bool logged(const std::string& needle) {
        std::lock_guard lock(mutex);
        for (const auto& line : lines) {
            if (line.find(needle) != std::string::npos) return true;
        }
        return false;
    }
};

PingerOptions options(const std::filesystem::path& state_dir, std::vector<Endpoint> endpoints) {
    PingerOptions o;
    o.endpoints = std::move(endpoints);
    o.site_title = "Test Site";
    o.site_url = "https://site.example/";
    o.state_dir = state_dir;
    o.connect_timeout = 1s;
    o.total_timeout = 2s;
    o.retry.first_delay = 100ms;
    o.retry.max_delay = 1s;
    o.retry.settle = 50ms;
    o.retry.jitter = 0.2;
    return o;
}

Endpoint hub_at(const Peer& hub) {
    return {EndpointKind::websub, hub.url("/"), false};
}
Endpoint rpc_at(const Peer& server) {
    return {EndpointKind::xmlrpc, server.url("/RPC2"), false};
}

std::size_t accepted(const Peer& hub) {
    return hub.get_json("/_test/publishes")["accepted"].size();
}
std::size_t attempts(const Peer& hub) {
    return hub.get_json("/_test/publishes")["attempts"].size();
}
std::size_t rpc_calls(const Peer& server) {
    return server.get_json("/_test/received").size();
}

const std::vector<Topic> kTopics = {{"https://site.example/feed.xml", "\"r1\""},
                                    {"https://site.example/atom.xml", "\"a1\""}};

TEST(Pinger, AnnouncesEachTopicOncePerEndpointAndNotAgainForTheSameEtag) {
    feedd::test::TempDir dir;
    IoThread io;
    const auto hub = test::start_hub();
    const auto rpc = test::start_xmlrpc();
    Pinger pinger(io.io, options(dir.path(), {hub_at(hub), rpc_at(rpc)}), io.log());
    pinger.announce(kTopics);
    ASSERT_TRUE(wait_until([&] { return accepted(hub) == 2 && rpc_calls(rpc) == 2; }, 5s));
    ASSERT_TRUE(wait_until([&] { return pinger.stats().queue_length == 0; }, 2s));

    pinger.announce(kTopics);  // e.g. a rebuild that changed nothing
    std::this_thread::sleep_for(300ms);
    EXPECT_EQ(accepted(hub), 2u);
    EXPECT_EQ(rpc_calls(rpc), 2u);

    const auto stats = pinger.stats();
    ASSERT_EQ(stats.endpoints.size(), 2u);
    EXPECT_EQ(stats.endpoints[0].endpoint, hub_at(hub));
    EXPECT_TRUE(stats.endpoints[0].last_attempt.has_value());
    EXPECT_TRUE(stats.endpoints[0].last_outcome.starts_with("success"))
        << stats.endpoints[0].last_outcome;
    EXPECT_EQ(stats.endpoints[1].last_outcome, "success: Thanks for the ping.");
    EXPECT_FALSE(stats.endpoints[1].next_retry.has_value());
    const auto publishes = hub.get_json("/_test/publishes")["accepted"];
    EXPECT_EQ(publishes[0]["user_agent"], default_user_agent("https://site.example/"));
}

TEST(Pinger, BurstOfTwoHundredChangesGivesOnePingPerEndpointWithTheLatestState) {
    feedd::test::TempDir dir;
    IoThread io;
    const auto hub = test::start_hub();
    const auto rpc = test::start_xmlrpc();
    auto o = options(dir.path(), {hub_at(hub), rpc_at(rpc)});
    o.retry.settle = 300ms;
    Pinger pinger(io.io, o, io.log());
    for (int i = 0; i < 200; ++i) {
        pinger.announce({{"https://site.example/feed.xml", "\"v" + std::to_string(i) + "\""}});
    }
    ASSERT_TRUE(wait_until([&] { return accepted(hub) == 1 && rpc_calls(rpc) == 1; }, 5s));
    std::this_thread::sleep_for(500ms);
    EXPECT_EQ(accepted(hub), 1u);
    EXPECT_EQ(rpc_calls(rpc), 1u);
    EXPECT_EQ(pinger.stats().queue_length, 0u);
}

TEST(Pinger, ServerErrorsAreRetriedUntilTheHubRecovers) {
    feedd::test::TempDir dir;
    IoThread io;
    const auto hub = test::start_hub();
    hub.post_form("/_test/mode", "mode=status&status=500&count=2");
    Pinger pinger(io.io, options(dir.path(), {hub_at(hub)}), io.log());
    pinger.announce({kTopics[0]});
    ASSERT_TRUE(wait_until([&] { return accepted(hub) == 1; }, 5s));
    EXPECT_EQ(attempts(hub), 3u);
    EXPECT_TRUE(io.logged("HTTP 500"));
    EXPECT_TRUE(wait_until([&] { return pinger.stats().queue_length == 0; }, 1s));
}

TEST(Pinger, RetryAfterIsHonoured) {
    feedd::test::TempDir dir;
    IoThread io;
    const auto hub = test::start_hub();
    hub.post_form("/_test/mode", "mode=status&status=503&retry_after=1&count=1");
    Pinger pinger(io.io, options(dir.path(), {hub_at(hub)}), io.log());
    pinger.announce({kTopics[0]});
    ASSERT_TRUE(wait_until([&] { return accepted(hub) == 1; }, 5s));
    const auto tries = hub.get_json("/_test/publishes")["attempts"];
    ASSERT_EQ(tries.size(), 2u);
    // The backoff alone would have retried after about 100 ms.
    EXPECT_GE(tries[1]["time"].get<double>() - tries[0]["time"].get<double>(), 0.95);
}

TEST(Pinger, ClientErrorIsNotRetriedAndIsLoggedAsGivenUp) {
    feedd::test::TempDir dir;
    IoThread io;
    const auto hub = test::start_hub();
    hub.post_form("/_test/mode", "mode=status&status=404");
    Pinger pinger(io.io, options(dir.path(), {hub_at(hub)}), io.log());
    pinger.announce({kTopics[0]});
    ASSERT_TRUE(wait_until([&] { return attempts(hub) >= 1; }, 5s));
    std::this_thread::sleep_for(500ms);  // five backoff periods
    EXPECT_EQ(attempts(hub), 1u);
    EXPECT_EQ(pinger.stats().queue_length, 0u);
    EXPECT_TRUE(wait_until([&] { return io.logged("given up"); }, 1s));
}

TEST(Pinger, RefusedConnectionsAreRetriedUntilTheHubListens) {
    feedd::test::TempDir dir;
    IoThread io;
    const auto port = test::unused_port();
    const Endpoint endpoint{EndpointKind::websub, "http://127.0.0.1:" + std::to_string(port) + "/",
                            false};
    Pinger pinger(io.io, options(dir.path(), {endpoint}), io.log());
    pinger.announce({kTopics[0]});
    ASSERT_TRUE(wait_until(
        [&] { return pinger.stats().endpoints.at(0).last_outcome.starts_with("retry"); }, 3s));
    EXPECT_TRUE(pinger.stats().endpoints.at(0).next_retry.has_value());
    EXPECT_EQ(pinger.stats().endpoints.at(0).pending, 1u);
    const auto hub = test::start_hub({"--port", std::to_string(port)});
    ASSERT_TRUE(wait_until([&] { return accepted(hub) == 1; }, 5s));
}

TEST(Pinger, HangingHubTimesOutAndTheRetryArrives) {
    feedd::test::TempDir dir;
    IoThread io;
    const auto hub = test::start_hub();
    hub.post_form("/_test/mode", "mode=hang&hang_seconds=10&count=1");
    auto o = options(dir.path(), {hub_at(hub)});
    o.total_timeout = 300ms;
    Pinger pinger(io.io, o, io.log());
    pinger.announce({kTopics[0]});
    ASSERT_TRUE(wait_until([&] { return accepted(hub) == 1; }, 5s));
    EXPECT_EQ(attempts(hub), 2u);
    EXPECT_TRUE(io.logged("timed out"));
}

TEST(Pinger, KillNineLosesNothingAndRepeatsNothingDelivered) {
    feedd::test::TempDir dir;
    const auto good = test::start_hub();
    const auto down = test::start_hub();
    down.post_form("/_test/mode", "mode=status&status=503");
    const auto opts = options(dir.path(), {hub_at(good), hub_at(down)});

    const pid_t child = fork();
    ASSERT_GE(child, 0);
    if (child == 0) {
        // A feedd stand-in that announces and is then killed mid-retry.
        boost::asio::io_context io;
        Pinger pinger(io, opts, {});
        pinger.announce(kTopics);
        for (;;) pause();
    }
    // Killed once the good hub's answers are recorded on disk (a ping whose answer was not yet
    // recorded would be sent again: at-least-once) and the other hub has failed twice.
    const auto pending_on_disk = [&] {
        PingQueue on_disk;
        return on_disk.load(state_file(dir.path())).empty() ? on_disk.size() : 99;
    };
    const bool settled = wait_until(
        [&] { return accepted(good) == 2 && attempts(down) >= 2 && pending_on_disk() == 2; }, 5s);
    kill(child, SIGKILL);
    waitpid(child, nullptr, 0);
    ASSERT_TRUE(settled);
    EXPECT_EQ(accepted(down), 0u);

    down.post_form("/_test/mode", "mode=ok");
    IoThread io;
    Pinger restarted(io.io, opts, io.log());
    EXPECT_EQ(restarted.stats().queue_length, 2u) << "pending pings were on disk";
    restarted.announce(kTopics);  // what the daemon does at start: same ETags, nothing new
    ASSERT_TRUE(wait_until([&] { return accepted(down) == 2; }, 5s));
    std::this_thread::sleep_for(300ms);
    EXPECT_EQ(accepted(down), 2u);
    EXPECT_EQ(accepted(good), 2u) << "delivered pings are not repeated";
}

TEST(Pinger, ChangesWhileDownArePingedAtStart) {
    feedd::test::TempDir dir;
    const auto hub = test::start_hub();
    {
        IoThread io;
        Pinger pinger(io.io, options(dir.path(), {hub_at(hub)}), io.log());
        pinger.announce(kTopics);
        ASSERT_TRUE(wait_until([&] { return accepted(hub) == 2; }, 5s));
        pinger.stop();
    }
    IoThread io;
    Pinger pinger(io.io, options(dir.path(), {hub_at(hub)}), io.log());
    pinger.announce({kTopics[0], {kTopics[1].url, "\"a2\""}});  // atom.xml changed meanwhile
    ASSERT_TRUE(wait_until([&] { return accepted(hub) == 3; }, 5s));
    std::this_thread::sleep_for(300ms);
    const auto publishes = hub.get_json("/_test/publishes")["accepted"];
    ASSERT_EQ(publishes.size(), 3u);
    EXPECT_EQ(publishes[2]["topic"], kTopics[1].url);
}

TEST(Pinger, CorruptStateFileIsSetAsideWithAWarning) {
    feedd::test::TempDir dir;
    feedd::test::write_file(state_file(dir.path()), "\x01garbage{");
    const auto hub = test::start_hub();
    IoThread io;
    std::vector<std::string> direct;
    Pinger pinger(io.io, options(dir.path(), {hub_at(hub)}),
                  [&](LogLevel level, const std::string& line) {
                      if (level == LogLevel::warning) direct.push_back(line);
                  });
    ASSERT_EQ(direct.size(), 1u);
    EXPECT_NE(direct[0].find("unusable"), std::string::npos) << direct[0];
    pinger.announce({kTopics[0]});
    ASSERT_TRUE(wait_until([&] { return accepted(hub) == 1; }, 5s));
    pinger.stop();
    PingQueue reloaded;
    EXPECT_TRUE(reloaded.load(state_file(dir.path())).empty()) << "a good file was written";
}

TEST(Pinger, StopReturnsQuicklyWithARequestInFlightAndKeepsItQueued) {
    feedd::test::TempDir dir;
    IoThread io;
    const auto hub = test::start_hub();
    hub.post_form("/_test/mode", "mode=hang&hang_seconds=20");
    auto o = options(dir.path(), {hub_at(hub)});
    o.total_timeout = 15s;
    Pinger pinger(io.io, o, io.log());
    pinger.announce({kTopics[0]});
    ASSERT_TRUE(wait_until([&] { return attempts(hub) == 1; }, 5s));
    const auto start = std::chrono::steady_clock::now();
    pinger.stop();
    EXPECT_LT(std::chrono::steady_clock::now() - start, 1s);
    PingQueue saved;
    ASSERT_TRUE(saved.load(state_file(dir.path())).empty());
    ASSERT_EQ(saved.size(), 1u);
    EXPECT_EQ(saved.jobs()[0].topic, kTopics[0].url);
    pinger.stop();  // idempotent
}

TEST(PingAllNow, PingsEveryEndpointForEveryTopicAndLeavesNoState) {
    feedd::test::TempDir dir;
    const auto hub = test::start_hub();
    const auto rpc = test::start_xmlrpc({"--mode", "no-extended"});
    const auto deliveries = ping_all_now(options(dir.path(), {hub_at(hub), rpc_at(rpc)}), kTopics);
    ASSERT_EQ(deliveries.size(), 4u);
    for (const auto& d : deliveries) EXPECT_TRUE(d.outcome.ok()) << d.outcome.message;
    EXPECT_EQ(deliveries[0].endpoint, hub_at(hub));
    EXPECT_EQ(deliveries[1].topic, kTopics[1].url);
    EXPECT_EQ(deliveries[2].endpoint, rpc_at(rpc));
    EXPECT_EQ(accepted(hub), 2u);
    EXPECT_EQ(rpc_calls(rpc), 2u);
    EXPECT_FALSE(std::filesystem::exists(state_file(dir.path())));
}

TEST(DefaultUserAgent, NamesVersionAndSite) {
    EXPECT_EQ(default_user_agent("https://site.example/"),
              std::string("feedd/") + FEEDD_TEST_VERSION + " (+https://site.example/)");
}

}  // namespace
}  // namespace feedd::ping
