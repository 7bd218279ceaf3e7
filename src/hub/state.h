// The WebSub hub's state machine (W3C WebSub §5–§7) for feedd's own feeds: subscription requests,
// verification of intent, leases, and which subscriber must be sent which topic when. Pure: no
// threads, no network, no clock, no randomness of its own (time and challenges are passed in), so
// its tests need only values. hub/hub.h runs it on a worker with ping/'s HttpClient and keeps it in
// state_dir.
//
// A subscription is the pair (callback, topic). What is remembered about a pending delivery is not
// the bytes but "this subscription has not yet received its topic's current document": when a
// topic changes twice before a delivery gets through, the subscriber gets the newer document once
// (a feed is a state, not a log of events), and 10,000 subscribers of one feed cost one copy of
// it.
#pragma once

#include <chrono>
#include <cstdint>
#include <expected>
#include <functional>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace feedd::hub {

using Clock = std::chrono::system_clock;  // wall clock: leases and retries survive a restart
using TimePoint = Clock::time_point;
using Seconds = std::chrono::seconds;

struct Limits {
    Seconds lease_min{3600};
    Seconds lease_max{30 * 24 * 3600};
    Seconds lease_default{10 * 24 * 3600};
    Seconds retry_min{60};             // after a delivery's first failure; doubles each time
    Seconds retry_max{24 * 3600};      // cap between two tries
    Seconds give_up_after{24 * 3600};  // a callback failing this long loses its subscriptions
    std::size_t max_subscriptions = 100'000;  // subscriptions and requests waiting, in all
    std::size_t max_per_host = 1000;          // the same, per callback host
    std::size_t max_secret_bytes = 200;       // WebSub §5.1: "less than 200 bytes"
    std::size_t max_url_bytes = 2048;
    std::size_t max_in_flight = 64;  // requests at once (verifications and deliveries)
    bool allow_private_callbacks =
        false;  // else IP-literal callbacks must be public (ping/address.h)
};

enum class Mode { subscribe, unsubscribe };

struct SubscriptionRequest {
    Mode mode = Mode::subscribe;
    std::string callback;
    std::string topic;
    std::string secret;  // empty: none
    std::optional<long long> lease_seconds;
};

// A form-encoded POST body → a request, or a one-line reason for the 400 (WebSub §5.1). Unknown
// parameters are ignored; a repeated one counts once, the last. `content_type` may be empty.
std::expected<SubscriptionRequest, std::string> parse_subscription_request(
    std::string_view content_type, std::string_view body, const Limits& limits);

// application/x-www-form-urlencoded: "hub.mode=denied&hub.topic=..." (unreserved bytes kept).
std::string form_encode(const std::vector<std::pair<std::string, std::string>>& fields);
// `url` with `fields` appended to its query (after '?' or '&'); a fragment is dropped.
std::string with_query(std::string_view url,
                       const std::vector<std::pair<std::string, std::string>>& fields);
// Lower-case host of an http(s) URL ("" if none): the per-host limit counts by it.
std::string url_host(std::string_view url);

struct Subscription {
    std::string callback;
    std::string topic;
    std::string secret;
    TimePoint expires{};
    // Delivery: the topic's current document has not reached this subscriber yet.
    bool pending = false;
    int failures = 0;                        // failed tries since the last success
    std::optional<TimePoint> failing_since;  // first failure since the last success
    TimePoint next_attempt{};
    // Not persisted.
    bool in_flight = false;
    std::uint64_t pending_seq = 0;  // changes when a newer document becomes pending
    bool indexed = false;           // in HubState's indexes (its own bookkeeping)
};

// Something to send. Verifications and denials are GETs to callback?hub.mode=…; deliveries are
// POSTs of the topic's document.
struct Action {
    enum class Kind { verify, deny, deliver };
    Kind kind = Kind::verify;
    std::uint64_t id = 0;
    std::string callback;
    std::string topic;
    Mode mode = Mode::subscribe;  // verify
    std::string challenge;        // verify
    Seconds lease{};              // verify (subscribe): clamped to the limits
    std::string reason;           // deny
    std::string secret;           // deliver; and verify (subscribe), kept when verified
    std::uint64_t seq = 0;        // deliver
    std::size_t subscribers = 0;  // active subscriptions of the topic (for the User-Agent)

    // The GET of a verification or denial (WebSub §5.2, §5.3).
    std::string url() const;
};

// How a callback answered.
struct Response {
    int status = 0;  // 0: no response (then `error` says why)
    std::string body;
    std::string error;
};

// What complete() made of an answer, for a log line.
struct Event {
    enum class Kind {
        subscribed,    // verified; a new subscription
        renewed,       // verified; the lease starts again
        unsubscribed,  // verified
        not_verified,  // the callback did not echo the challenge with a 2xx (or was unreachable)
        denied,        // the denial was sent (whatever the answer)
        delivered,
        retry,    // failed; tried again at `next_attempt`
        gone,     // 410: the subscription ends
        dropped,  // failing for give_up_after: the callback's subscriptions end
        ignored,  // nothing to record (the subscription ended meanwhile)
    };
    Kind kind = Kind::ignored;
    std::string message;  // one line, naming the callback and the topic
    std::optional<TimePoint> next_attempt;
};

struct Admission {
    int status = 202;     // 202, or 429 when a limit is reached
    std::string message;  // one line
};

// What serialize() writes, copied out of the state: the hub writes it to disk without holding up
// the threads that read the state meanwhile.
struct SavedState {
    std::map<std::string, std::string> topics;
    std::vector<Subscription> subscriptions;
};
std::string serialize(const SavedState& saved);

// Every operation the hub's worker runs at each turn (take_due, expire, next_due, complete,
// pending_deliveries) costs O(log n) in the number of subscriptions, not a walk of them all: with
// 10 000 subscribers of a feed, a change is fanned out at the pace of the network (bench/
// hub_fanout.sh). Only set_topics (once per rebuild), restore and abandon_in_flight walk them.
class HubState {
  public:
    // `challenge` makes each hub.challenge (≥ 128 random bits in feedd; anything in tests).
    HubState(Limits limits, std::function<std::string()> challenge);
    // Not copyable: its indexes point into its own map of subscriptions.
    HubState(const HubState&) = delete;
    HubState& operator=(const HubState&) = delete;
    HubState(HubState&&) = default;  // map nodes, and so the indexes' iterators, stay valid
    HubState& operator=(HubState&&) = default;

    // A parsed request: queued for verification (or for denial, when its topic is not one of the
    // topics when it is taken). A new subscription beyond the limits gets a 429.
    Admission admit(SubscriptionRequest request, TimePoint now);

    // The topics served now (self URL → a version that changes with the document's bytes). Every
    // active subscription of a topic whose version changed gets the new document; a topic seen
    // for the first time is recorded without deliveries. Returns the changed topics that have
    // subscribers.
    std::vector<std::string> set_topics(const std::map<std::string, std::string>& versions,
                                        TimePoint now);
    bool serves(const std::string& topic) const { return topics_.contains(topic); }

    // Ends the subscriptions whose lease has run out; returns them.
    std::vector<Subscription> expire(TimePoint now);
    // Due requests, at most limits.max_in_flight in flight in all: verifications and denials
    // first (a subscriber waits for them), then deliveries in the order of their next attempt.
    std::vector<Action> take_due(TimePoint now);
    Event complete(const Action& action, const Response& response, TimePoint now);
    // A delivery that could not be made (its topic is no longer served): it is no longer pending.
    void cancel_delivery(const Action& action);
    // Un-marks everything in flight (stop).
    void abandon_in_flight();

    // When take_due or expire next has something to do; nullopt: nothing until a request comes.
    // With limits.max_in_flight requests in flight, only expire() (take_due waits for one to end).
    std::optional<TimePoint> next_due() const;

    std::size_t size() const { return subscriptions_.size(); }
    std::size_t subscribers(const std::string& topic) const;
    std::size_t pending_deliveries() const { return pending_; }
    std::size_t pending_requests() const { return intents_.size(); }
    std::size_t in_flight() const { return in_flight_; }
    const Subscription* find(const std::string& callback, const std::string& topic) const;
    std::vector<Subscription> subscriptions() const;
    // Verified subscriptions per topic (for the reader counts' `hub` source).
    std::map<std::string, std::size_t> subscribers_per_topic() const;

    // JSON: subscriptions (secrets included: the file must be readable by feedd's user only) with
    // their delivery state, and the topics' versions. Requests waiting for verification are not
    // kept: a subscriber whose verification never came asks again (§5.1 lets a hub drop them).
    std::string serialize() const { return hub::serialize(saved()); }
    SavedState saved() const;
    // Replaces the state with a serialize()d one; the error says what is wrong (nothing changes).
    std::expected<void, std::string> restore(std::string_view json);

  private:
    using Key = std::pair<std::string, std::string>;  // callback, topic
    struct Intent {
        std::uint64_t id = 0;
        SubscriptionRequest request;
        bool in_flight = false;
    };
    using Subscriptions = std::map<Key, Subscription>;
    // Subscriptions by a time, then in the map's order (as a stable sort of the map would be).
    struct ByTime {
        using Entry = std::pair<TimePoint, Subscriptions::iterator>;
        bool operator()(const Entry& a, const Entry& b) const {
            return a.first != b.first ? a.first < b.first : a.second->first < b.second->first;
        }
    };
    using TimeIndex = std::set<ByTime::Entry, ByTime>;

    void erase(Subscriptions::iterator it);
    void count_host(const std::string& callback, int delta);
    // Around every change to a subscription's pending, in_flight, next_attempt or expires: the
    // indexes hold what the fields were when index() was called.
    void index(Subscriptions::iterator it);
    void unindex(Subscriptions::iterator it);
    void reindex_all();

    Limits limits_;
    std::function<std::string()> challenge_;
    Subscriptions subscriptions_;
    TimeIndex due_;       // pending and not in flight, by next_attempt
    TimeIndex expiries_;  // all, by expires
    std::size_t pending_ = 0;
    std::map<std::string, std::size_t> per_host_;   // subscriptions + waiting requests per host
    std::map<std::string, std::size_t> per_topic_;  // subscriptions per topic
    // Requests waiting for verification or being verified, in arrival order (ids grow), and
    // the one waiting (not in flight) for each pair: so that a burst of requests costs a lookup
    // each on the I/O thread, not a scan of every request still waiting.
    std::map<std::uint64_t, Intent> intents_;
    std::map<Key, std::uint64_t> waiting_;
    std::map<std::string, std::string> topics_;  // self URL → version
    std::uint64_t next_id_ = 1;
    std::uint64_t next_seq_ = 1;
    std::size_t in_flight_ = 0;
};

}  // namespace feedd::hub
