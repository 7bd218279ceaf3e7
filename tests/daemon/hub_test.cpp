// feedd as a WebSub hub for its own feeds (hub.enabled), end to end on 127.0.0.1: the real daemon,
// and subscriber callbacks written for the tests (tests/peers/websub_callback.py) that check the
// X-Hub-Signature independently with Python's hmac. The websub.rocks hub tests 100–104 as
// integration tests, each feed format's content, denial, retries, 410 Gone, restarts and kill -9,
// and refusal of private callbacks.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/stat.h>

#include <regex>

#include "daemon/running_feedd.h"
#include "daemon/site_fixture.h"
#include "support/peers.h"

namespace feedd::test {
namespace {

using namespace std::chrono_literals;
using nlohmann::json;
using ping::test::Peer;
using ping::test::unused_port;
using ping::test::wait_until;

std::string encode(const std::string& text) {
    static constexpr char kHex[] = "0123456789ABCDEF";
    std::string out;
    for (const unsigned char c : text) {
        if (std::isalnum(c) || c == '-' || c == '.' || c == '_' || c == '~') {
            out += static_cast<char>(c);
        } else {
            out += '%';
            out += kHex[c >> 4];
            out += kHex[c & 15];
        }
    }
    return out;
}

class Hub : public ::testing::Test {
  protected:
    void SetUp() override { write_config(true); }

    void write_config(bool allow_private) {
        write_file(site_.config(),
                   "site:\n  title: Hub Site\n  url: " + site_url_ +
                       "\ncontent:\n  dir: ./content\n  debounce_ms: 50\n"
                       "server:\n  listen: \"127.0.0.1:" +
                       std::to_string(port_) +
                       "\"\n"
                       "ping:\n  enabled: false\n"
                       "hub:\n  enabled: true\n  retry_min_s: 1\n  lease_min_s: 60\n"
                       "  allow_private_callbacks: " +
                       (allow_private ? "true" : "false") +
                       "\n"
                       "state_dir: ./state\n");
    }

    std::string topic(const std::string& path = "feed.xml") const { return site_url_ + path; }
    std::string callback(const std::string& name) const { return callbacks_.url("/cb/" + name); }

    HttpResponse post(const std::string& body,
                      const std::string& type = "application/x-www-form-urlencoded") const {
        return http_request("127.0.0.1", port_, "POST", "/websub", {{"Content-Type", type}}, body);
    }

    HttpResponse request(const std::string& mode, const std::string& name,
                         const std::string& topic_url, const std::string& extra = "") const {
        return post("hub.mode=" + mode + "&hub.callback=" + encode(callback(name)) +
                    "&hub.topic=" + encode(topic_url) + extra);
    }

    void configure(const std::string& name, const std::string& settings) const {
        callbacks_.post_form("/_test/callback", "name=" + name + "&" + settings);
    }

    std::vector<json> logged(const std::string& kind, const std::string& name) const {
        std::vector<json> out;
        const auto log = callbacks_.get_json("/_test/log");  // kept: the loop reads into it
        for (const auto& entry : log[kind]) {
            if (entry["callback"] == name) out.push_back(entry);
        }
        return out;
    }

    // Subscribes and waits until the verification was answered and the hub has recorded it.
    void subscribe(RunningFeedd& feedd, const std::string& name, const std::string& topic_url,
                   const std::string& extra = "") {
        const auto before = logged("verifications", name).size();
        const auto answer = request("subscribe", name, topic_url, extra);
        ASSERT_EQ(answer.status, 202) << answer.body;
        ASSERT_TRUE(wait_until([&] { return logged("verifications", name).size() > before; }, 10s))
            << feedd.process().stderr_text();
        // "hub: subscribed CALLBACK (TOPIC) for …", or "renewed …": recorded (and saved).
        ASSERT_NE(
            feedd.process().wait_for_line(" " + callback(name) + " (" + topic_url + ") for ", 5s),
            "")
            << feedd.process().stderr_text();
    }

    void unsubscribe(RunningFeedd& feedd, const std::string& name, const std::string& topic_url) {
        ASSERT_EQ(request("unsubscribe", name, topic_url).status, 202);
        ASSERT_NE(feedd.process().wait_for_line(
                      "unsubscribed " + callback(name) + " (" + topic_url + ")", 10s),
                  "")
            << feedd.process().stderr_text();
    }

    static double subscriptions(const RunningFeedd& feedd) {
        const auto health = json::parse(feedd.get("/healthz").body, nullptr, false);
        return health.is_object() ? health.value("hub_subscriptions", 0.0) : 0.0;
    }

    void add_article(const std::string& slug, const std::string& title) const {
        write_file(
            site_.content() / "news" / (slug + ".md"),
            "---\ntitle: " + title + "\ndate: 2026-05-01T08:00:00Z\n---\nPushed by feedd's hub.\n");
    }

    // Deliveries to `name` whose body contains `needle`.
    std::vector<json> deliveries_with(const std::string& name, const std::string& needle) const {
        std::vector<json> out;
        for (const auto& d : logged("deliveries", name)) {
            if (d["body"].get<std::string>().find(needle) != std::string::npos) out.push_back(d);
        }
        return out;
    }

    bool delivered(const std::string& name, const std::string& needle,
                   std::chrono::milliseconds timeout = 15s) const {
        return wait_until([&] { return !deliveries_with(name, needle).empty(); }, timeout);
    }

    SiteFixture site_;
    std::uint16_t port_ = unused_port();
    std::string site_url_ = "http://127.0.0.1:" + std::to_string(port_) + "/";
    Peer callbacks_{"websub_callback.py", {}};
};

TEST_F(Hub, EveryFeedAdvertisesTheHubFirst) {
    RunningFeedd feedd(site_.config());
    for (const std::string path : {"feed.xml", "atom.xml", "feed.json"}) {
        const auto response = feedd.get("/" + path);
        EXPECT_EQ(response.header("link"),
                  "<" + site_url_ + "websub>; rel=\"hub\", <" + topic(path) + ">; rel=\"self\"")
            << path;
        EXPECT_NE(response.body.find(site_url_ + "websub"), std::string::npos) << path;
    }
}

// websub.rocks hub test 100: a typical subscription, verified, then content distribution.
TEST_F(Hub, Rocks100TypicalSubscription) {
    RunningFeedd feedd(site_.config());
    subscribe(feedd, "typical", topic());
    const auto verification = logged("verifications", "typical").at(0);
    EXPECT_EQ(verification["query"]["hub.mode"], "subscribe");
    EXPECT_EQ(verification["query"]["hub.topic"], topic());
    EXPECT_EQ(verification["query"]["hub.lease_seconds"], "864000");  // none asked: 10 days
    const auto challenge = verification["query"]["hub.challenge"].get<std::string>();
    EXPECT_GE(challenge.size(), 32u);  // ≥ 128 bits in hex
    EXPECT_TRUE(verification["user_agent"].get<std::string>().starts_with("feedd-hub/"));

    add_article("typical", "Typical news for subscribers");
    ASSERT_TRUE(delivered("typical", "Typical news for subscribers"))
        << callbacks_.get_json("/_test/log").dump();
    const auto delivery = deliveries_with("typical", "Typical news for subscribers").at(0);
    EXPECT_EQ(delivery["content_type"], "application/rss+xml; charset=utf-8");
    EXPECT_EQ(delivery["links"].dump(), json::array({"<" + site_url_ + "websub>; rel=\"hub\", <" +
                                                     topic() + ">; rel=\"self\""})
                                            .dump());
    EXPECT_EQ(delivery["signature"], "none");
    EXPECT_TRUE(std::regex_match(delivery["user_agent"].get<std::string>(),
                                 std::regex(R"(feedd-hub/[0-9.]+[^ ]* \(1 subscriber\))")))
        << delivery["user_agent"];
    // The document as served.
    EXPECT_EQ(delivery["body"], feedd.get("/feed.xml").body);
}

// websub.rocks hub test 101: with a secret, every delivery is signed (checked with Python's hmac).
TEST_F(Hub, Rocks101SubscriptionWithASecret) {
    RunningFeedd feedd(site_.config());
    configure("secret", "secret=" + encode("a secret, with & and ="));
    subscribe(feedd, "secret", topic("atom.xml"),
              "&hub.secret=" + encode("a secret, with & and ="));
    add_article("signed", "Signed news");
    ASSERT_TRUE(delivered("secret", "Signed news"));
    const auto delivery = deliveries_with("secret", "Signed news").at(0);
    EXPECT_TRUE(delivery["signature_header"].get<std::string>().starts_with("sha256=")) << delivery;
    EXPECT_EQ(delivery["signature"], "ok");
    EXPECT_EQ(delivery["content_type"], "application/atom+xml; charset=utf-8");
}

// websub.rocks hub test 102: parameters the hub does not know are ignored.
TEST_F(Hub, Rocks102ExtraParametersAreIgnored) {
    RunningFeedd feedd(site_.config());
    subscribe(feedd, "extra", topic(),
              "&foo=bar&hub.unknown=1&utm_source=x&hub.lease_seconds=7200");
    EXPECT_EQ(logged("verifications", "extra").at(0)["query"]["hub.lease_seconds"], "7200");
    add_article("extra", "Extra parameters news");
    EXPECT_TRUE(delivered("extra", "Extra parameters news"));
}

// websub.rocks hub test 103: re-subscribing before expiry renews, and leaves one subscription.
TEST_F(Hub, Rocks103ResubscriptionRenewsTheLease) {
    RunningFeedd feedd(site_.config());
    subscribe(feedd, "renew", topic(), "&hub.lease_seconds=120");
    ASSERT_EQ(request("subscribe", "renew", topic(), "&hub.lease_seconds=99999999").status, 202);
    ASSERT_TRUE(wait_until([&] { return logged("verifications", "renew").size() == 2; }, 10s));
    EXPECT_EQ(logged("verifications", "renew").at(1)["query"]["hub.lease_seconds"],
              "2592000");  // lease_max
    ASSERT_TRUE(wait_until(
        [&] {
            return feedd.get("/metrics").body.find("feedd_hub_verified_total 2") !=
                   std::string::npos;
        },
        5s))
        << feedd.get("/metrics").body;
    EXPECT_EQ(subscriptions(feedd), 1.0);
    add_article("renewed", "Renewed news");
    ASSERT_TRUE(delivered("renew", "Renewed news"));
    std::this_thread::sleep_for(1500ms);
    EXPECT_EQ(deliveries_with("renew", "Renewed news").size(), 1u);
}

// websub.rocks hub test 104: an unsubscription is verified, then nothing more is delivered.
// docs/readers.md: each verified callback is a reader of its feed, under the `hub` source.
TEST_F(Hub, VerifiedSubscriptionsCountAsReaders) {
    RunningFeedd feedd(site_.config());
    subscribe(feedd, "reader-one", topic());
    subscribe(feedd, "reader-two", topic());
    subscribe(feedd, "atom-reader", topic("atom.xml"));
    const auto hub_readers = [&](const std::string& feed) -> std::uint64_t {
        const auto stats = json::parse(feedd.get("/stats.json").body, nullptr, false);
        if (!stats.is_object()) return 0;
        for (const auto& f : stats["feeds"])
            if (f["feed"] == feed) return f["sources"].value("hub", std::uint64_t{0});
        return 0;
    };
    // Taken from the hub every 10 s.
    ASSERT_TRUE(wait_until(
        [&] { return hub_readers("/feed.xml") == 2 && hub_readers("/atom.xml") == 1; }, 15s))
        << feedd.get("/stats.json").body;
}

TEST_F(Hub, Rocks104Unsubscription) {
    RunningFeedd feedd(site_.config());
    subscribe(feedd, "leaving", topic());
    subscribe(feedd, "staying", topic());
    unsubscribe(feedd, "leaving", topic());
    ASSERT_EQ(logged("verifications", "leaving").size(), 2u);
    EXPECT_EQ(logged("verifications", "leaving").at(1)["query"]["hub.mode"], "unsubscribe");
    EXPECT_EQ(logged("verifications", "leaving").at(1)["query"].count("hub.lease_seconds"), 0u);
    ASSERT_TRUE(wait_until([&] { return subscriptions(feedd) == 1.0; }, 5s));
    add_article("after-leaving", "News after leaving");
    ASSERT_TRUE(delivered("staying", "News after leaving"));
    std::this_thread::sleep_for(1s);
    EXPECT_TRUE(logged("deliveries", "leaving").empty());
}

TEST_F(Hub, EachFeedFormatIsDeliveredAsServed) {
    RunningFeedd feedd(site_.config());
    const std::map<std::string, std::string> formats = {
        {"rss", "feed.xml"}, {"atom", "atom.xml"}, {"json", "feed.json"}};
    for (const auto& [name, path] : formats) subscribe(feedd, name, topic(path));
    add_article("formats", "News in every format");
    for (const auto& [name, path] : formats) {
        ASSERT_TRUE(delivered(name, "News in every format")) << name;
        const auto delivery = deliveries_with(name, "News in every format").at(0);
        const auto served = feedd.get("/" + path);
        EXPECT_EQ(delivery["body"], served.body) << name;
        EXPECT_EQ(delivery["content_type"], served.header("content-type")) << name;
        EXPECT_EQ(delivery["links"].at(0), served.header("link")) << name;
    }
    EXPECT_NO_THROW(json::parse(
        deliveries_with("json", "News in every format").at(0)["body"].get<std::string>()));
}

// The websub.rocks publisher check, on loopback, with feedd's own hub and no outside one: a
// subscriber that knows only the feed's URL discovers the hub and the topic from what feedd serves
// (tests/peers/subscriber.py --discover: the Link header and the document must agree), subscribes,
// is verified, and is sent the new document, signed, when an article is added.
TEST_F(Hub, PublisherCheckDiscoverSubscribeVerifyNotify) {
    RunningFeedd feedd(site_.config());
    for (const std::string path : {"feed.xml", "atom.xml", "feed.json"}) {
        Peer subscriber("subscriber.py", {"--discover", topic(path), "--secret", "publisher-check"});
        // The hub's log line names the callback and the topic the subscriber discovered.
        ASSERT_NE(feedd.process().wait_for_line(
                      " " + subscriber.url("/callback") + " (" + topic(path) + ") for ", 10s),
                  "")
            << path << "\n"
            << feedd.process().stderr_text();
        const auto title = "Published for the check of " + path;
        add_article("check-" + path.substr(0, path.find('.')) + "-" + path.substr(path.find('.') + 1),
                    title);
        json delivery;
        ASSERT_TRUE(wait_until(
            [&] {
                for (const auto& d : subscriber.get_json("/_test/received")) {
                    if (d["body"].get<std::string>().find(title) != std::string::npos) {
                        delivery = d;
                        return true;
                    }
                }
                return false;
            },
            15s))
            << path << "\n"
            << feedd.process().stderr_text();
        EXPECT_EQ(delivery["signature"], "ok") << path;
        EXPECT_EQ(delivery["body"], feedd.get("/" + path).body) << path;
    }
}

TEST_F(Hub, ATopicFeeddDoesNotServeIsDenied) {
    RunningFeedd feedd(site_.config());
    ASSERT_EQ(request("subscribe", "stranger", "https://elsewhere.example/feed.xml").status, 202);
    ASSERT_TRUE(wait_until([&] { return !logged("denials", "stranger").empty(); }, 10s));
    const auto denial = logged("denials", "stranger").at(0);
    EXPECT_EQ(denial["query"]["hub.topic"], "https://elsewhere.example/feed.xml");
    EXPECT_FALSE(denial["query"].value("hub.reason", "").empty());
    EXPECT_TRUE(logged("verifications", "stranger").empty());
}

TEST_F(Hub, BadRequestsGetAOneLineReason) {
    RunningFeedd feedd(site_.config());
    auto answer = post("hub.mode=subscribe&hub.topic=" + encode(topic()));
    EXPECT_EQ(answer.status, 400);
    EXPECT_EQ(answer.body, "hub.callback is missing\n");
    answer = request("subscribe", "x", topic(), "&hub.secret=" + std::string(200, 's'));
    EXPECT_EQ(answer.status, 400);
    EXPECT_EQ(answer.body, "hub.secret must be shorter than 200 bytes\n");
    answer = post("hub.mode=subscribe&hub.callback=ftp%3A%2F%2Fx%2F&hub.topic=" + encode(topic()));
    EXPECT_EQ(answer.status, 400);
    EXPECT_EQ(answer.body, "hub.callback must be an http(s) URL\n");
    answer = post("{\"hub.mode\": \"subscribe\"}", "application/json");
    EXPECT_EQ(answer.status, 400);
    answer = post("hub.mode=subscribe&hub.pad=" + std::string(70 * 1024, 'x'));
    EXPECT_EQ(answer.status, 413);
    answer = feedd.get("/websub");
    EXPECT_EQ(answer.status, 405);
    EXPECT_EQ(answer.header("allow"), "POST");
    // Feeds still take no body.
    EXPECT_EQ(http_request("127.0.0.1", port_, "POST", "/feed.xml", {}, "x=1").status, 400);
    EXPECT_EQ(feedd.get("/feed.xml").status, 200);
}

TEST_F(Hub, ACallbackFailingTwiceGetsTheDocumentOnTheThirdTry) {
    RunningFeedd feedd(site_.config());
    configure("flaky", "deliver=fail:2");
    subscribe(feedd, "flaky", topic());
    add_article("flaky", "News for a flaky reader");
    ASSERT_TRUE(wait_until(
        [&] { return deliveries_with("flaky", "News for a flaky reader").size() == 3; }, 20s))
        << callbacks_.get_json("/_test/log").dump();
    const auto tries = deliveries_with("flaky", "News for a flaky reader");
    EXPECT_EQ(tries[0]["answer"], 500);
    EXPECT_EQ(tries[1]["answer"], 500);
    EXPECT_EQ(tries[2]["answer"], 202);
    // retry_min_s 1: about 1 s, then 2 s.
    EXPECT_GE(tries[1]["time"].get<double>() - tries[0]["time"].get<double>(), 0.9);
    EXPECT_GE(tries[2]["time"].get<double>() - tries[1]["time"].get<double>(), 1.9);
    std::this_thread::sleep_for(2500ms);
    EXPECT_EQ(deliveries_with("flaky", "News for a flaky reader").size(), 3u);
}

TEST_F(Hub, GoneEndsTheSubscriptionAndRedirectsAreNotFollowed) {
    RunningFeedd feedd(site_.config());
    configure("gone", "deliver=gone");
    configure("moved", "deliver=redirect");
    subscribe(feedd, "gone", topic());
    subscribe(feedd, "moved", topic());
    add_article("gone-1", "First news");
    ASSERT_TRUE(delivered("gone", "First news"));
    ASSERT_TRUE(delivered("moved", "First news"));
    ASSERT_TRUE(wait_until([&] { return subscriptions(feedd) == 1.0; }, 5s));
    add_article("gone-2", "Second news");
    ASSERT_TRUE(
        wait_until([&] { return deliveries_with("moved", "Second news").size() >= 1; }, 10s));
    std::this_thread::sleep_for(1s);
    EXPECT_TRUE(deliveries_with("gone", "Second news").empty());
    EXPECT_TRUE(logged("deliveries", "moved-moved").empty());  // the 307 was not followed
}

TEST_F(Hub, SubscriptionsSurviveARestartAndKill9) {
    {
        RunningFeedd feedd(site_.config());
        subscribe(feedd, "durable", topic());
        EXPECT_EQ(feedd.stop(), 0);
    }
    const auto file = site_.root() / "state" / "hub-state.json";
    struct stat st {};
    ASSERT_EQ(::stat(file.c_str(), &st), 0);
    EXPECT_EQ(st.st_mode & 0777, 0600u);  // it holds secrets
    {
        RunningFeedd feedd(site_.config());
        ASSERT_TRUE(wait_until([&] { return subscriptions(feedd) == 1.0; }, 5s));
        subscribe(feedd, "killed", topic("atom.xml"));
        ::kill(feedd.process().pid(), SIGKILL);
        feedd.process().wait(5s);
    }
    RunningFeedd feedd(site_.config());
    add_article("after-restart", "News after a restart");
    EXPECT_TRUE(delivered("durable", "News after a restart"));
    EXPECT_TRUE(delivered("killed", "News after a restart"));
}

TEST_F(Hub, ANotificationPendingAtKill9IsDeliveredAfterRestart) {
    configure("late", "deliver=fail:1000");
    {
        RunningFeedd feedd(site_.config());
        subscribe(feedd, "late", topic());
        add_article("pending", "News waiting for a reader");
        ASSERT_TRUE(wait_until(
            [&] { return !deliveries_with("late", "News waiting for a reader").empty(); }, 10s));
        ::kill(feedd.process().pid(), SIGKILL);
        feedd.process().wait(5s);
    }
    configure("late", "deliver=ok");
    const auto saved = read_file(site_.root() / "state" / "hub-state.json");
    EXPECT_NE(saved.find("\"pending\": true"), std::string::npos) << saved;
    // Nothing changes while feedd is down: the delivery comes from the state file.
    RunningFeedd feedd(site_.config());
    ASSERT_TRUE(wait_until(
        [&] {
            for (const auto& d : deliveries_with("late", "News waiting for a reader")) {
                if (d["answer"] == 202) return true;
            }
            return false;
        },
        15s))
        << callbacks_.get_json("/_test/log").dump() << feedd.process().stderr_text();
}

TEST_F(Hub, PrivateCallbacksAreRefusedUnlessAllowed) {
    write_config(false);
    RunningFeedd feedd(site_.config());
    // An address in the URL: refused at once.
    const auto answer = request("subscribe", "private", topic());
    EXPECT_EQ(answer.status, 400);
    EXPECT_EQ(answer.body, "hub.callback is not a public address (127.0.0.1)\n");
    // A name (here a number the resolver reads as 127.0.0.1): refused when connecting.
    const auto by_name = "http://2130706433:" + std::to_string(callbacks_.port()) + "/cb/named";
    const auto named = post("hub.mode=subscribe&hub.callback=" + encode(by_name) +
                            "&hub.topic=" + encode(topic()));
    EXPECT_EQ(named.status, 202) << named.body;
    EXPECT_NE(feedd.process().wait_for_line("not a public address", 10s), "");
    EXPECT_TRUE(logged("verifications", "named").empty());
    EXPECT_EQ(subscriptions(feedd), 0.0);
}

}  // namespace
}  // namespace feedd::test
