// The libcurl client against real peers on 127.0.0.1: one request each, every outcome class.
#include "ping/client.h"

#include <gtest/gtest.h>

#include "support/peers.h"

namespace feedd::ping {
namespace {

using namespace std::chrono_literals;
using test::Peer;

const std::string kTopic = "https://site.example/feed.xml";

ClientOptions options() {
    ClientOptions o;
    o.user_agent = "feedd/test (+https://site.example/)";
    o.site_title = "Site & <Title>";
    o.site_url = "https://site.example/";
    o.connect_timeout = 1s;
    o.total_timeout = 2s;
    return o;
}

Outcome deliver(const Endpoint& endpoint, ClientOptions o = options()) {
    return deliver_all(o, {Request{endpoint, kTopic, 0}}).at(0);
}

Endpoint hub_at(const Peer& hub, const std::string& path = "/") {
    return {EndpointKind::websub, hub.url(path), false};
}
Endpoint rpc_at(const Peer& server) {
    return {EndpointKind::xmlrpc, server.url("/RPC2"), false};
}

std::size_t accepted(const Peer& hub) {
    return hub.get_json("/_test/publishes")["accepted"].size();
}

TEST(WebSubClient, PublishIsAcceptedWithFormBodyAndUserAgent) {
    const auto hub = test::start_hub();
    const auto outcome = deliver(hub_at(hub));
    EXPECT_EQ(outcome.kind, OutcomeKind::success) << outcome.message;
    EXPECT_EQ(outcome.http_status, 202);
    const auto publishes = hub.get_json("/_test/publishes")["accepted"];
    ASSERT_EQ(publishes.size(), 1u);
    EXPECT_EQ(publishes[0]["topic"], kTopic);
    EXPECT_EQ(publishes[0]["param"], "hub.url");
    EXPECT_EQ(publishes[0]["user_agent"], "feedd/test (+https://site.example/)");
    EXPECT_EQ(publishes[0]["content_type"], "application/x-www-form-urlencoded");
}

TEST(WebSubClient, TopicParamSendsHubTopic) {
    const auto hub = test::start_hub();
    Endpoint endpoint = hub_at(hub);
    endpoint.topic_param = true;
    EXPECT_TRUE(deliver(endpoint).ok());
    const auto publishes = hub.get_json("/_test/publishes")["accepted"];
    ASSERT_EQ(publishes.size(), 1u);
    EXPECT_EQ(publishes[0]["param"], "hub.topic");
    EXPECT_EQ(publishes[0]["topic"], kTopic);
}

TEST(WebSubClient, ServerErrorsAndTooManyRequestsAreRetryable) {
    const auto hub = test::start_hub();
    for (const char* status : {"500", "502", "429"}) {
        hub.post_form("/_test/mode", std::string("mode=status&status=") + status);
        const auto outcome = deliver(hub_at(hub));
        EXPECT_EQ(outcome.kind, OutcomeKind::retry) << status;
        EXPECT_EQ(outcome.http_status, std::stoi(status));
        EXPECT_FALSE(outcome.retry_after.has_value());
    }
}

TEST(WebSubClient, ServiceUnavailableCarriesRetryAfter) {
    const auto hub = test::start_hub();
    hub.post_form("/_test/mode", "mode=status&status=503&retry_after=7");
    const auto outcome = deliver(hub_at(hub));
    EXPECT_EQ(outcome.kind, OutcomeKind::retry);
    EXPECT_EQ(outcome.retry_after, 7s);
}

TEST(WebSubClient, ClientErrorsArePermanent) {
    const auto hub = test::start_hub();
    for (const char* status : {"400", "404", "410"}) {
        hub.post_form("/_test/mode", std::string("mode=status&status=") + status);
        const auto outcome = deliver(hub_at(hub));
        EXPECT_EQ(outcome.kind, OutcomeKind::permanent) << status;
        EXPECT_EQ(outcome.http_status, std::stoi(status));
    }
}

TEST(WebSubClient, RefusedConnectionIsRetryable) {
    const Endpoint endpoint{EndpointKind::websub,
                            "http://127.0.0.1:" + std::to_string(test::unused_port()) + "/", false};
    const auto outcome = deliver(endpoint);
    EXPECT_EQ(outcome.kind, OutcomeKind::retry);
    EXPECT_EQ(outcome.http_status, 0);
    EXPECT_FALSE(outcome.message.empty());
}

TEST(WebSubClient, HangingHubTimesOutAndIsRetryable) {
    const auto hub = test::start_hub();
    hub.post_form("/_test/mode", "mode=hang&hang_seconds=10");
    auto o = options();
    o.total_timeout = 300ms;
    const auto start = std::chrono::steady_clock::now();
    const auto outcome = deliver(hub_at(hub), o);
    const auto took = std::chrono::steady_clock::now() - start;
    EXPECT_EQ(outcome.kind, OutcomeKind::retry);
    EXPECT_NE(outcome.message.find("timed out"), std::string::npos) << outcome.message;
    EXPECT_LT(took, 2s);
    EXPECT_EQ(accepted(hub), 0u);
}

TEST(WebSubClient, RedirectToAnotherHostIsRefused) {
    const auto hub = test::start_hub();
    // localhost is the same machine but another host name: following it would deliver the ping.
    hub.post_form("/_test/mode", "mode=redirect&status=307&location=http%3A%2F%2Flocalhost%3A" +
                                     std::to_string(hub.port()) + "%2Fother&count=1");
    const auto outcome = deliver(hub_at(hub));
    EXPECT_EQ(outcome.kind, OutcomeKind::permanent);
    EXPECT_NE(outcome.message.find("another host"), std::string::npos) << outcome.message;
    EXPECT_EQ(accepted(hub), 0u);
}

TEST(WebSubClient, RedirectOnTheSameHostIsFollowedWithThePost) {
    const auto hub = test::start_hub();
    hub.post_form("/_test/mode", "mode=redirect&status=308&location=%2Fmoved&count=1");
    const auto outcome = deliver(hub_at(hub));
    EXPECT_EQ(outcome.kind, OutcomeKind::success) << outcome.message;
    const auto publishes = hub.get_json("/_test/publishes")["accepted"];
    ASSERT_EQ(publishes.size(), 1u);
    EXPECT_EQ(publishes[0]["path"], "/moved");
    EXPECT_EQ(publishes[0]["topic"], kTopic);
}

TEST(WebSubClient, OnlyHttpAndHttpsAreSpoken) {
    const auto outcome = deliver({EndpointKind::websub, "file:///etc/passwd", false});
    EXPECT_EQ(outcome.kind, OutcomeKind::permanent) << outcome.message;
}

TEST(XmlRpcClient, ExtendedPingSucceedsLikePingOMatic) {
    const auto server = test::start_xmlrpc();
    const auto outcome = deliver(rpc_at(server));
    EXPECT_EQ(outcome.kind, OutcomeKind::success) << outcome.message;
    EXPECT_EQ(outcome.message, "Thanks for the ping.");
    const auto calls = server.get_json("/_test/received");
    ASSERT_EQ(calls.size(), 1u);
    EXPECT_EQ(calls[0]["method"], "weblogUpdates.extendedPing");
    EXPECT_EQ(calls[0]["params"],
              nlohmann::json({"Site & <Title>", "https://site.example/", kTopic}));
    EXPECT_EQ(calls[0]["user_agent"], "feedd/test (+https://site.example/)");
}

TEST(XmlRpcClient, FlerrorIsAPermanentFailureWithItsMessageAndNoFallback) {
    const auto server = test::start_xmlrpc({"--mode", "flerror"});
    const auto outcome = deliver(rpc_at(server));
    EXPECT_EQ(outcome.kind, OutcomeKind::permanent);
    EXPECT_NE(outcome.message.find("Slow down: too many pings."), std::string::npos)
        << outcome.message;
    EXPECT_EQ(server.get_json("/_test/received").size(), 1u);
}

TEST(XmlRpcClient, MissingExtendedPingFallsBackToPing) {
    const auto server = test::start_xmlrpc({"--mode", "no-extended"});
    const auto outcome = deliver(rpc_at(server));
    EXPECT_EQ(outcome.kind, OutcomeKind::success) << outcome.message;
    const auto calls = server.get_json("/_test/received");
    ASSERT_EQ(calls.size(), 1u);  // the extendedPing fault comes from the dispatcher, unrecorded
    EXPECT_EQ(calls[0]["method"], "weblogUpdates.ping");
    EXPECT_EQ(calls[0]["params"], nlohmann::json({"Site & <Title>", "https://site.example/"}));
}

TEST(XmlRpcClient, FaultOnBothMethodsIsPermanentAndNamesTheFault) {
    const auto server = test::start_xmlrpc({"--mode", "fault"});
    const auto outcome = deliver(rpc_at(server));
    EXPECT_EQ(outcome.kind, OutcomeKind::permanent);
    EXPECT_NE(outcome.message.find("Ping refused: test fault"), std::string::npos)
        << outcome.message;
    const auto calls = server.get_json("/_test/received");
    ASSERT_EQ(calls.size(), 2u);
    EXPECT_EQ(calls[0]["method"], "weblogUpdates.extendedPing");
    EXPECT_EQ(calls[1]["method"], "weblogUpdates.ping");
}

TEST(XmlRpcClient, ServerErrorIsRetryable) {
    const auto server = test::start_xmlrpc({"--http-status", "503"});
    const auto outcome = deliver(rpc_at(server));
    EXPECT_EQ(outcome.kind, OutcomeKind::retry) << outcome.message;
}

TEST(XmlRpcClient, RequestsRunConcurrentlyAndKeepTheirOrder) {
    const auto hub = test::start_hub();
    const auto server = test::start_xmlrpc();
    const auto outcomes = deliver_all(
        options(), {Request{hub_at(hub), "http://a/1", 0}, Request{rpc_at(server), "http://a/2", 0},
                    Request{hub_at(hub), "http://a/3", 0}});
    ASSERT_EQ(outcomes.size(), 3u);
    EXPECT_EQ(outcomes[0].http_status, 202);
    EXPECT_EQ(outcomes[1].message, "Thanks for the ping.");
    EXPECT_EQ(outcomes[2].http_status, 202);
    EXPECT_EQ(accepted(hub), 2u);
}

}  // namespace
}  // namespace feedd::ping

namespace feedd::ping {
namespace {

// The hub peer itself, as the daemon's end-to-end test will use it: a subscriber verified through
// the hub receives the topic's body, signed, after a publish from feedd's client.
TEST(WebSubHubPeer, DistributesTheTopicToAVerifiedSubscriberWithSignature) {
    const auto hub = test::start_hub();
    hub.post_form("/_test/topic",
                  "path=%2Ffeed.xml&content=%3Cfeed%3Enew%20entry%3C%2Ffeed%3E"
                  "&content_type=application%2Fatom%2Bxml");
    const auto topic = hub.url("/feed.xml");
    const auto subscriber = test::Peer(
        "subscriber.py", {"--hub", hub.url("/"), "--topic", topic, "--secret", "s3cr3t"});
    ASSERT_TRUE(
        test::wait_until([&] { return hub.get_json("/_test/subscriptions").size() == 1; }, 5s));

    const auto outcome = deliver_all(options(), {Request{hub_at(hub), topic, 0}}).at(0);
    ASSERT_TRUE(outcome.ok()) << outcome.message;
    ASSERT_TRUE(
        test::wait_until([&] { return subscriber.get_json("/_test/received").size() == 1; }, 5s));
    const auto got = subscriber.get_json("/_test/received")[0];
    EXPECT_EQ(got["body"], "<feed>new entry</feed>");
    EXPECT_EQ(got["content_type"], "application/atom+xml");
    EXPECT_EQ(got["signature"], "ok");
    ASSERT_EQ(got["links"].size(), 1u);
    const std::string links = got["links"][0];
    EXPECT_NE(links.find("<" + hub.url("/") + ">; rel=\"hub\""), std::string::npos) << links;
    EXPECT_NE(links.find("<" + topic + ">; rel=\"self\""), std::string::npos) << links;
}

}  // namespace
}  // namespace feedd::ping
