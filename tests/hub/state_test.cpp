// The hub's state machine with values only: time is passed in, challenges are a counter.
#include "hub/state.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <set>

namespace feedd::hub {
namespace {

using namespace std::chrono_literals;

const std::string kTopic = "https://site.example/feed.xml";
const std::string kOther = "https://site.example/atom.xml";
const std::string kCallback = "https://reader.example/cb/1";
const TimePoint kT0 = TimePoint(std::chrono::seconds(1'700'000'000));

Limits limits() {
    Limits l;
    l.retry_min = 60s;
    return l;
}

class State : public ::testing::Test {
  protected:
    State() : state(limits(), [this] { return "challenge-" + std::to_string(++challenges); }) {
        state.set_topics({{kTopic, "v1"}, {kOther, "a1"}}, kT0);
    }

    SubscriptionRequest request(Mode mode = Mode::subscribe, std::string callback = kCallback,
                                std::string topic = kTopic) {
        SubscriptionRequest r;
        r.mode = mode;
        r.callback = std::move(callback);
        r.topic = std::move(topic);
        return r;
    }

    // Admits, takes the verification, answers it with `echo` and 200.
    Event subscribe(SubscriptionRequest r, TimePoint now, std::optional<std::string> echo = {}) {
        EXPECT_EQ(state.admit(r, now).status, 202);
        auto actions = state.take_due(now);
        EXPECT_EQ(actions.size(), 1u);
        if (actions.empty()) return {};
        return state.complete(actions[0], {200, echo.value_or(actions[0].challenge), ""}, now);
    }

    int challenges = 0;
    HubState state;
};

TEST(SubscriptionRequest, ParsesTheFormAndIgnoresUnknownParameters) {
    const auto r = parse_subscription_request(
        "application/x-www-form-urlencoded; charset=utf-8",
        "hub.mode=subscribe&hub.topic=https%3A%2F%2Fsite.example%2Ffeed.xml&foo=bar&hub.extra=1"
        "&hub.callback=https://reader.example/cb?a=1%26b%3D2&hub.lease_seconds=600&hub.secret=a+b",
        limits());
    ASSERT_TRUE(r.has_value()) << r.error();
    EXPECT_EQ(r->mode, Mode::subscribe);
    EXPECT_EQ(r->topic, kTopic);
    EXPECT_EQ(r->callback, "https://reader.example/cb?a=1&b=2");
    EXPECT_EQ(r->lease_seconds, 600);
    EXPECT_EQ(r->secret, "a b");
}

TEST(SubscriptionRequest, RefusesWhatIsMalformedWithOneLine) {
    const auto error = [](std::string_view body, std::string_view type = "") {
        const auto r = parse_subscription_request(type, body, limits());
        return r ? std::string("accepted") : r.error();
    };
    const std::string ok = "hub.topic=" + kTopic + "&hub.callback=" + kCallback;
    EXPECT_EQ(error(ok), "hub.mode is missing");
    EXPECT_EQ(error("hub.mode=publish&" + ok), "hub.mode must be subscribe or unsubscribe");
    EXPECT_EQ(error("hub.mode=subscribe&hub.topic=" + kTopic), "hub.callback is missing");
    EXPECT_EQ(error("hub.mode=subscribe&hub.callback=" + kCallback), "hub.topic is missing");
    EXPECT_EQ(error("hub.mode=subscribe&hub.topic=t&hub.callback=" + kCallback),
              "hub.topic must be an http(s) URL");
    EXPECT_EQ(error("hub.mode=subscribe&hub.topic=" + kTopic + "%A3&hub.callback=" + kCallback),
              "hub.topic must be an http(s) URL");  // bytes a URL %-encodes
    EXPECT_EQ(error("hub.mode=subscribe&" + ok + "&hub.secret=%FF%FE"),
              "hub.secret must be UTF-8 text");
    EXPECT_EQ(error("hub.mode=subscribe&" + ok + "&hub.secret=%C3%A9t%C3%A9"), "accepted");
    EXPECT_EQ(error("hub.mode=subscribe&hub.topic=t&hub.callback=ftp://x/"),
              "hub.callback must be an http(s) URL");
    EXPECT_EQ(error("hub.mode=subscribe&hub.topic=t&hub.callback=javascript:alert(1)"),
              "hub.callback must be an http(s) URL");
    EXPECT_EQ(error("hub.mode=subscribe&" + ok + "&hub.lease_seconds=-5"),
              "hub.lease_seconds must be a whole number of seconds");
    EXPECT_EQ(error("hub.mode=subscribe&" + ok + "&hub.secret=" + std::string(200, 's')),
              "hub.secret must be shorter than 200 bytes");
    EXPECT_EQ(error("hub.mode=subscribe&" + ok + "&hub.secret=" + std::string(199, 's')),
              "accepted");
    EXPECT_EQ(error("hub.mode=sub%zzscribe&" + ok), "malformed form encoding (a bad %-escape)");
    EXPECT_EQ(error("hub.mode=subscribe&" + ok + "%"), "malformed form encoding (a bad %-escape)");
    EXPECT_EQ(error("hub.mode=subscribe&" + ok, "application/json"),
              "the body must be application/x-www-form-urlencoded");
}

TEST(SubscriptionRequest, PrivateAddressCallbacksAreRefusedUnlessAllowed) {
    const std::string body = "hub.mode=subscribe&hub.topic=" + kTopic + "&hub.callback=";
    for (const char* callback : {"http://127.0.0.1:8080/cb", "http://[::1]/cb", "http://10.0.0.7/",
                                 "http://169.254.169.254/latest", "http://localhost:9/cb"}) {
        const auto r = parse_subscription_request("", body + callback, limits());
        ASSERT_FALSE(r.has_value()) << callback;
        EXPECT_TRUE(r.error().starts_with("hub.callback is not a public address")) << r.error();
        auto allowing = limits();
        allowing.allow_private_callbacks = true;
        EXPECT_TRUE(parse_subscription_request("", body + callback, allowing).has_value())
            << callback;
    }
}

TEST(VerificationUrl, KeepsTheCallbacksQueryAndEncodesTheFields) {
    Action a;
    a.callback = "https://reader.example/cb?id=7#frag";
    a.topic = "https://site.example/tags/caf%C3%A9/feed.xml";
    a.challenge = "abc";
    a.lease = 3600s;
    EXPECT_EQ(a.url(),
              "https://reader.example/cb?id=7&hub.mode=subscribe&hub.topic=https%3A%2F%2Fsite."
              "example%2Ftags%2Fcaf%25C3%25A9%2Ffeed.xml&hub.challenge=abc&hub.lease_seconds=3600");
    a.kind = Action::Kind::deny;
    a.callback = "http://reader.example/cb";
    a.reason = "no such feed";
    EXPECT_EQ(
        a.url(),
        "http://reader.example/cb?hub.mode=denied&hub.topic=https%3A%2F%2Fsite.example%2Ftags%"
        "2Fcaf%25C3%25A9%2Ffeed.xml&hub.reason=no%20such%20feed");
}

TEST_F(State, AnEchoedChallengeMakesASubscriptionWithAClampedLease) {
    auto r = request();
    r.lease_seconds = 10;  // below lease_min
    ASSERT_EQ(state.admit(r, kT0).status, 202);
    EXPECT_EQ(state.size(), 0u);  // not before verification
    const auto actions = state.take_due(kT0);
    ASSERT_EQ(actions.size(), 1u);
    EXPECT_EQ(actions[0].kind, Action::Kind::verify);
    EXPECT_EQ(actions[0].lease, 3600s);
    EXPECT_EQ(actions[0].challenge, "challenge-1");
    EXPECT_TRUE(state.take_due(kT0).empty());  // in flight
    const auto event = state.complete(actions[0], {200, "challenge-1", ""}, kT0);
    EXPECT_EQ(event.kind, Event::Kind::subscribed);
    ASSERT_NE(state.find(kCallback, kTopic), nullptr);
    EXPECT_EQ(state.find(kCallback, kTopic)->expires, kT0 + 3600s);

    auto longer = request();
    longer.lease_seconds = 99'999'999;
    EXPECT_EQ(subscribe(longer, kT0 + 10s).kind, Event::Kind::renewed);
    EXPECT_EQ(state.find(kCallback, kTopic)->expires, kT0 + 10s + limits().lease_max);
    EXPECT_EQ(subscribe(request(), kT0 + 20s).kind, Event::Kind::renewed);  // default lease
    EXPECT_EQ(state.find(kCallback, kTopic)->expires, kT0 + 20s + limits().lease_default);
    EXPECT_EQ(state.size(), 1u);
}

// A newer request for a pair replaces the one still waiting, among many others waiting; once
// that one is being verified, a newer request waits behind it as a request of its own.
TEST_F(State, ANewerRequestReplacesTheOneWaitingForItsPair) {
    for (int i = 0; i < 500; ++i) {
        ASSERT_EQ(
            state.admit(request(Mode::subscribe, kCallback + "-" + std::to_string(i)), kT0).status,
            202);
    }
    auto first = request();
    first.lease_seconds = 7200;
    ASSERT_EQ(state.admit(first, kT0).status, 202);
    auto second = request();
    second.lease_seconds = 9000;
    const auto replaced = state.admit(second, kT0);
    EXPECT_EQ(replaced.status, 202);
    EXPECT_NE(replaced.message.find("replaces"), std::string::npos) << replaced.message;
    EXPECT_EQ(state.pending_requests(), 501u);

    std::vector<Action> verifications;
    for (int turn = 0; turn < 100 && verifications.size() < 501; ++turn) {
        auto actions = state.take_due(kT0);
        for (auto& a : actions) {
            state.complete(a, {404, "", ""}, kT0);  // not verified: frees the slot
            verifications.push_back(std::move(a));
        }
    }
    ASSERT_EQ(verifications.size(), 501u);
    EXPECT_EQ(verifications.back().callback, kCallback);  // arrival order kept
    EXPECT_EQ(verifications.back().lease, 9000s);         // the newer request's lease
    EXPECT_EQ(state.pending_requests(), 0u);
    EXPECT_TRUE(state.take_due(kT0).empty());

    ASSERT_EQ(state.admit(first, kT0).status, 202);
    const auto in_flight = state.take_due(kT0);
    ASSERT_EQ(in_flight.size(), 1u);
    const auto behind = state.admit(second, kT0);
    EXPECT_EQ(behind.message.find("replaces"), std::string::npos) << behind.message;
    EXPECT_EQ(state.pending_requests(), 2u);
    EXPECT_EQ(state.take_due(kT0).size(), 1u);  // the one behind is taken at once
}

TEST_F(State, OnlyAnExactEchoWithA2xxVerifies) {
    EXPECT_EQ(subscribe(request(), kT0, "challenge-1 ").kind, Event::Kind::not_verified);
    EXPECT_EQ(subscribe(request(), kT0, "").kind, Event::Kind::not_verified);
    ASSERT_EQ(state.admit(request(), kT0).status, 202);
    auto actions = state.take_due(kT0);
    EXPECT_EQ(state.complete(actions[0], {404, actions[0].challenge, ""}, kT0).kind,
              Event::Kind::not_verified);
    ASSERT_EQ(state.admit(request(), kT0).status, 202);
    actions = state.take_due(kT0);
    EXPECT_EQ(state.complete(actions[0], {0, "", "connection refused"}, kT0).kind,
              Event::Kind::not_verified);
    EXPECT_EQ(state.size(), 0u);
    EXPECT_EQ(state.pending_requests(), 0u);
}

TEST_F(State, ATopicThatIsNotServedIsDenied) {
    ASSERT_EQ(
        state.admit(request(Mode::subscribe, kCallback, "https://elsewhere.example/feed"), kT0)
            .status,
        202);
    const auto actions = state.take_due(kT0);
    ASSERT_EQ(actions.size(), 1u);
    EXPECT_EQ(actions[0].kind, Action::Kind::deny);
    EXPECT_TRUE(actions[0].url().starts_with(kCallback +
                                             "?hub.mode=denied&hub.topic=https%3A%2F%2Felsewhere"));
    EXPECT_EQ(state.complete(actions[0], {200, "", ""}, kT0).kind, Event::Kind::denied);
    EXPECT_EQ(state.size(), 0u);
}

TEST_F(State, UnsubscribingNeedsVerificationToo) {
    subscribe(request(), kT0);
    EXPECT_EQ(subscribe(request(Mode::unsubscribe), kT0 + 1s, "nope").kind,
              Event::Kind::not_verified);
    EXPECT_EQ(state.size(), 1u);  // a stranger cannot unsubscribe someone
    ASSERT_EQ(state.admit(request(Mode::unsubscribe), kT0 + 2s).status, 202);
    const auto actions = state.take_due(kT0 + 2s);
    ASSERT_EQ(actions.size(), 1u);
    EXPECT_EQ(actions[0].url().find("hub.lease_seconds"), std::string::npos);
    EXPECT_EQ(state.complete(actions[0], {200, actions[0].challenge, ""}, kT0 + 2s).kind,
              Event::Kind::unsubscribed);
    EXPECT_EQ(state.size(), 0u);
}

TEST_F(State, LeasesExpireOnTime) {
    auto r = request();
    r.lease_seconds = 3600;
    subscribe(r, kT0);
    EXPECT_EQ(state.next_due(), kT0 + 3600s);
    EXPECT_TRUE(state.expire(kT0 + 3599s).empty());
    EXPECT_EQ(state.expire(kT0 + 3600s).size(), 1u);
    EXPECT_EQ(state.size(), 0u);
}

TEST_F(State, AChangedTopicIsDeliveredToItsSubscribersOnly) {
    subscribe(request(), kT0);
    subscribe(request(Mode::subscribe, "https://other.example/cb", kOther), kT0);
    subscribe(request(Mode::subscribe, "https://other.example/cb2", kTopic), kT0);
    EXPECT_TRUE(state.take_due(kT0).empty());  // nothing changed since they subscribed
    EXPECT_EQ(state.set_topics({{kTopic, "v2"}, {kOther, "a1"}}, kT0 + 5s),
              std::vector<std::string>{kTopic});
    auto actions = state.take_due(kT0 + 5s);
    ASSERT_EQ(actions.size(), 2u);
    for (const auto& a : actions) {
        EXPECT_EQ(a.kind, Action::Kind::deliver);
        EXPECT_EQ(a.topic, kTopic);
        EXPECT_EQ(a.subscribers, 2u);
        EXPECT_EQ(state.complete(a, {204, "", ""}, kT0 + 6s).kind, Event::Kind::delivered);
    }
    EXPECT_EQ(state.pending_deliveries(), 0u);
    EXPECT_TRUE(state.take_due(kT0 + 7s).empty());
}

TEST_F(State, FailuresBackOffExponentiallyAndAChangeMeanwhileIsSentOnce) {
    subscribe(request(), kT0);
    state.set_topics({{kTopic, "v2"}, {kOther, "a1"}}, kT0);
    auto now = kT0;
    std::vector<std::chrono::seconds> delays;
    for (int i = 0; i < 4; ++i) {
        auto actions = state.take_due(now);
        ASSERT_EQ(actions.size(), 1u) << i;
        const auto event = state.complete(actions[0], {503, "", ""}, now);
        ASSERT_EQ(event.kind, Event::Kind::retry);
        delays.push_back(
            std::chrono::duration_cast<std::chrono::seconds>(*event.next_attempt - now));
        EXPECT_TRUE(state.take_due(*event.next_attempt - 1s).empty());
        now = *event.next_attempt;
        if (i == 1)
            state.set_topics({{kTopic, "v3"}, {kOther, "a1"}}, now - 10s);  // not tried sooner
    }
    EXPECT_EQ(delays, (std::vector<std::chrono::seconds>{60s, 120s, 240s, 480s}));
    auto actions = state.take_due(now);
    ASSERT_EQ(actions.size(), 1u);
    EXPECT_EQ(state.complete(actions[0], {200, "", ""}, now).kind, Event::Kind::delivered);
    EXPECT_EQ(state.find(kCallback, kTopic)->failures, 0);
    EXPECT_TRUE(state.take_due(now + 1h).empty());  // v3 went out with that delivery
}

TEST_F(State, AChangeDuringADeliveryIsDeliveredAfterIt) {
    subscribe(request(), kT0);
    state.set_topics({{kTopic, "v2"}, {kOther, "a1"}}, kT0);
    auto first = state.take_due(kT0);
    ASSERT_EQ(first.size(), 1u);
    state.set_topics({{kTopic, "v3"}, {kOther, "a1"}}, kT0 + 1s);
    EXPECT_EQ(state.complete(first[0], {200, "", ""}, kT0 + 2s).kind, Event::Kind::delivered);
    EXPECT_EQ(state.take_due(kT0 + 2s).size(), 1u);
}

TEST_F(State, GoneEndsTheSubscription) {
    subscribe(request(), kT0);
    state.set_topics({{kTopic, "v2"}, {kOther, "a1"}}, kT0);
    const auto actions = state.take_due(kT0);
    EXPECT_EQ(state.complete(actions[0], {410, "", ""}, kT0).kind, Event::Kind::gone);
    EXPECT_EQ(state.size(), 0u);
}

TEST_F(State, ACallbackFailingFor24HoursLosesItsSubscriptions) {
    subscribe(request(), kT0);
    subscribe(request(Mode::subscribe, kCallback, kOther), kT0);
    subscribe(request(Mode::subscribe, "https://reader.example/cb/2", kTopic), kT0);
    state.set_topics({{kTopic, "v2"}, {kOther, "a1"}}, kT0);
    auto now = kT0;
    Event last;
    for (int i = 0; i < 30 && last.kind != Event::Kind::dropped; ++i) {
        for (const auto& a : state.take_due(now)) {
            const bool failing = a.callback == kCallback;
            const auto event = state.complete(a, {failing ? 500 : 200, "", ""}, now);
            if (failing) last = event;
        }
        if (last.kind == Event::Kind::retry) now = *last.next_attempt;
    }
    ASSERT_EQ(last.kind, Event::Kind::dropped);
    EXPECT_GE(now - kT0, 24h);
    EXPECT_EQ(state.find(kCallback, kTopic), nullptr);
    EXPECT_EQ(state.find(kCallback, kOther), nullptr);  // the callback's other topic too
    EXPECT_NE(state.find("https://reader.example/cb/2", kTopic), nullptr);
}

TEST_F(State, LimitsRefuseNewSubscriptionsButNotRenewals) {
    auto small = limits();
    small.max_subscriptions = 3;
    small.max_per_host = 2;
    HubState limited(small, [] { return std::string("c"); });
    limited.set_topics({{kTopic, "v1"}}, kT0);
    const auto admit = [&](const std::string& callback) {
        auto r = request(Mode::subscribe, callback);
        return limited.admit(r, kT0).status;
    };
    EXPECT_EQ(admit("https://a.example/1"), 202);
    EXPECT_EQ(admit("https://a.example/2"), 202);
    EXPECT_EQ(admit("https://A.example:443/3"),
              429);  // the host's limit, requests waiting included
    EXPECT_EQ(admit("https://b.example/1"), 202);
    EXPECT_EQ(admit("https://c.example/1"), 429);  // the hub's limit
    for (const auto& a : limited.take_due(kT0)) limited.complete(a, {200, "c", ""}, kT0);
    EXPECT_EQ(limited.size(), 3u);
    EXPECT_EQ(admit("https://a.example/1"), 202);  // a renewal
    EXPECT_EQ(admit("https://c.example/1"), 429);
}

TEST_F(State, SurvivesSerialization) {
    auto r = request();
    r.secret = "s3cret";
    subscribe(r, kT0);
    state.set_topics({{kTopic, "v2"}, {kOther, "a1"}}, kT0);
    const auto actions = state.take_due(kT0);
    state.complete(actions[0], {500, "", ""}, kT0);  // pending, failing since kT0

    HubState restored(limits(), [] { return std::string("x"); });
    ASSERT_TRUE(restored.restore(state.serialize()).has_value());
    const Subscription* sub = restored.find(kCallback, kTopic);
    ASSERT_NE(sub, nullptr);
    EXPECT_EQ(sub->secret, "s3cret");
    EXPECT_EQ(sub->expires, state.find(kCallback, kTopic)->expires);
    EXPECT_TRUE(sub->pending);
    EXPECT_EQ(sub->failures, 1);
    EXPECT_EQ(sub->failing_since, kT0);
    EXPECT_EQ(restored.take_due(kT0 + 60s).size(), 1u);
    // The topics' versions too: an unchanged topic is not delivered again after a restart.
    HubState again(limits(), [] { return std::string("x"); });
    ASSERT_TRUE(again.restore(state.serialize()).has_value());
    EXPECT_TRUE(again.set_topics({{kTopic, "v2"}, {kOther, "a1"}}, kT0).empty());
    EXPECT_EQ(again.set_topics({{kTopic, "v3"}, {kOther, "a1"}}, kT0),
              std::vector<std::string>{kTopic});

    EXPECT_FALSE(restored.restore("{\"version\": 1}").has_value());
    EXPECT_FALSE(restored.restore("not json").has_value());
    EXPECT_EQ(restored.size(), 1u);  // a failed restore changes nothing
}

// The worker's per-turn operations work from indexes kept beside the subscriptions (state.h): a
// fan-out to many subscribers, with failures, retries, leases ending and a restore on the way,
// must be scheduled exactly as a walk over every subscription would schedule it.
TEST_F(State, AFanOutToManySubscribersIsScheduledByNextAttemptThroughRetriesAndRestores) {
    constexpr int kSubscribers = 300;
    std::vector<std::string> callbacks;
    for (int i = 0; i < kSubscribers; ++i) {
        callbacks.push_back("https://r" + std::to_string(i % 7) + ".example/cb/" +
                            std::to_string(i));
        auto r = request(Mode::subscribe, callbacks.back());
        r.lease_seconds = i < 10 ? 3600 : 7200;  // ten leases end first
        subscribe(r, kT0);
    }
    EXPECT_EQ(state.next_due(), kT0 + 3600s);
    EXPECT_EQ(state.pending_deliveries(), 0u);
    state.set_topics({{kTopic, "v2"}, {kOther, "a1"}}, kT0 + 10s);
    EXPECT_EQ(state.pending_deliveries(), static_cast<std::size_t>(kSubscribers));
    EXPECT_EQ(state.next_due(), kT0 + 10s);

    // First turn: every delivery fails, so each gets a retry in 60 s.
    auto now = kT0 + 10s;
    std::set<std::string> tried;
    for (auto batch = state.take_due(now); !batch.empty(); batch = state.take_due(now)) {
        EXPECT_LE(batch.size(), limits().max_in_flight);
        EXPECT_EQ(state.in_flight(), batch.size());
        for (const auto& a : batch) {
            EXPECT_TRUE(tried.insert(a.callback).second) << a.callback << " taken twice";
            EXPECT_EQ(state.complete(a, {503, "", ""}, now).kind, Event::Kind::retry);
        }
        now += 1s;  // later failures are retried later
    }
    EXPECT_EQ(tried.size(), static_cast<std::size_t>(kSubscribers));
    EXPECT_EQ(state.pending_deliveries(), static_cast<std::size_t>(kSubscribers));
    EXPECT_EQ(state.next_due(), kT0 + 10s + 60s);  // the first batch's retries
    EXPECT_TRUE(state.take_due(kT0 + 69s).empty());

    // What a restart reads back schedules the same.
    HubState restored(limits(), [] { return std::string("x"); });
    ASSERT_TRUE(restored.restore(state.serialize()).has_value());
    EXPECT_EQ(restored.pending_deliveries(), static_cast<std::size_t>(kSubscribers));
    EXPECT_EQ(restored.next_due(), state.next_due());

    // Retries go out oldest first: all of the first batch before any of the second.
    const auto first_batch = state.take_due(kT0 + 70s);
    ASSERT_EQ(first_batch.size(), limits().max_in_flight);
    const auto restored_batch = restored.take_due(kT0 + 70s);
    ASSERT_EQ(restored_batch.size(), first_batch.size());
    for (std::size_t i = 0; i < first_batch.size(); ++i) {
        EXPECT_EQ(restored_batch[i].callback, first_batch[i].callback);
    }
    EXPECT_TRUE(state.take_due(kT0 + 70s).empty());  // at the bound
    for (const auto& a : first_batch) {
        EXPECT_EQ(state.complete(a, {204, "", ""}, kT0 + 70s).kind, Event::Kind::delivered);
    }
    EXPECT_EQ(state.pending_deliveries(), kSubscribers - first_batch.size());

    // Everything else is delivered before the first leases end; a 410 ends one subscription.
    now = kT0 + 3599s;
    std::size_t delivered = first_batch.size();
    for (auto batch = state.take_due(now); !batch.empty(); batch = state.take_due(now)) {
        for (const auto& a : batch) {
            const int status = a.callback == callbacks.back() ? 410 : 200;
            const auto kind = state.complete(a, {status, "", ""}, now).kind;
            EXPECT_EQ(kind, status == 410 ? Event::Kind::gone : Event::Kind::delivered);
            if (status != 410) ++delivered;
        }
    }
    EXPECT_EQ(delivered, static_cast<std::size_t>(kSubscribers - 1));
    EXPECT_EQ(state.pending_deliveries(), 0u);
    EXPECT_EQ(state.size(), static_cast<std::size_t>(kSubscribers - 1));
    // The ten shorter leases end at kT0 + 1 h, the others at kT0 + 2 h.
    EXPECT_EQ(state.next_due(), kT0 + 3600s);
    EXPECT_EQ(state.expire(kT0 + 3600s).size(), 10u);
    EXPECT_EQ(state.next_due(), kT0 + 7200s);
    EXPECT_EQ(state.expire(kT0 + 7200s).size(), static_cast<std::size_t>(kSubscribers - 11));
    EXPECT_EQ(state.size(), 0u);
    EXPECT_EQ(state.next_due(), std::nullopt);
}

TEST_F(State, ConcurrencyIsBounded) {
    auto small = limits();
    small.max_in_flight = 3;
    HubState bounded(small, [] { return std::string("c"); });
    bounded.set_topics({{kTopic, "v1"}}, kT0);
    for (int i = 0; i < 5; ++i)
        bounded.admit(request(Mode::subscribe, "https://r.example/" + std::to_string(i)), kT0);
    EXPECT_EQ(bounded.next_due(), TimePoint::min());  // requests wait
    auto first = bounded.take_due(kT0);
    EXPECT_EQ(first.size(), 3u);
    EXPECT_TRUE(bounded.take_due(kT0).empty());
    // Two requests still wait, but nothing can be taken before one of the three ends: the worker
    // sleeps until then (an answer woke it), rather than asking again and again.
    EXPECT_EQ(bounded.next_due(), std::nullopt);
    bounded.complete(first[0], {200, "c", ""}, kT0);
    EXPECT_EQ(bounded.next_due(), TimePoint::min());
    EXPECT_EQ(bounded.take_due(kT0).size(), 1u);
    EXPECT_EQ(bounded.next_due(), kT0 + limits().lease_default);  // only the lease remains
}

}  // namespace
}  // namespace feedd::hub
