#include "readers/counter.h"

#include <algorithm>
#include <cstring>

#include "readers/daily_keys.h"

namespace feedd::readers {
namespace {

// Heterogeneous lookup (by string_view) in the User-Agent cache: no string made per request.
struct TextHash {
    using is_transparent = void;
    std::size_t operator()(std::string_view text) const {
        return std::hash<std::string_view>{}(text);
    }
};

constexpr auto kReportWindow = std::chrono::hours(48);
constexpr auto kClientWindow = std::chrono::hours(24);
constexpr std::size_t kMaxCachedAgents = 4096;

// Distinct clients of one kind (readers or bots) for one feed: this UTC day's under today's key,
// and the day before's under yesterday's, of which those seen in the last 24 h still count.
struct Distinct {
    std::unordered_map<std::uint64_t, Seconds> today;
    std::unordered_map<std::uint64_t, Seconds> yesterday;
};

struct Report {
    std::uint64_t subscribers = 0;
    Seconds at{};
};

struct PerFeed {
    std::map<std::pair<std::string, std::string>, Report> reports;  // (source, feed id) → latest
    Distinct clients;
    Distinct bots;
};

}  // namespace

ClientPrefix ipv4_prefix(const std::uint8_t address[4]) {
    ClientPrefix prefix;
    prefix.bytes[0] = 4;
    std::memcpy(prefix.bytes.data() + 1, address, 3);
    return prefix;
}

ClientPrefix ipv6_prefix(const std::uint8_t address[16]) {
    ClientPrefix prefix;
    prefix.bytes[0] = 6;
    std::memcpy(prefix.bytes.data() + 1, address, 7);
    return prefix;
}

ClientPrefix ipv4_address(const std::uint8_t address[4]) {
    ClientPrefix key;
    key.bytes[0] = 44;  // apart from any /24 prefix
    std::memcpy(key.bytes.data() + 1, address, 4);
    return key;
}

ClientPrefix ipv6_subnet64(const std::uint8_t address[16]) {
    ClientPrefix key;
    key.bytes[0] = 66;
    std::memcpy(key.bytes.data() + 1, address, 8);
    return key;
}

struct ReaderCounter::Impl {
    explicit Impl(std::function<void(std::uint8_t*, std::size_t)> random)
        : keys(std::move(random)) {}
    std::mutex mutex;
    DailyKeys keys;
    std::map<std::string, PerFeed, std::less<>> feeds;
    std::unordered_map<std::string, ClientClass, TextHash, std::equal_to<>>
        agents;  // classify_user_agent's answers
    std::map<std::string, std::uint64_t> hub;

    // Called with the mutex held: a new UTC day gets a new key; yesterday's is kept a day longer to
    // recognise a client seen under it, then forgotten with its hashes.
    void roll(Seconds at) {
        const auto how = keys.roll(at);
        if (how == DailyKeys::Roll::same_day) return;
        const bool consecutive = how == DailyKeys::Roll::next_day;
        for (auto& [name, feed] : feeds) {
            for (Distinct* distinct : {&feed.clients, &feed.bots}) {
                if (consecutive) {
                    distinct->yesterday = std::move(distinct->today);
                } else {
                    distinct->yesterday.clear();
                }
                distinct->today.clear();
            }
        }
    }

    void see(Distinct& distinct, const FeedFetch& fetch) {
        const auto hash = keys.today(fetch.client, fetch.user_agent);
        if (keys.has_yesterday() && !distinct.yesterday.empty())
            distinct.yesterday.erase(keys.yesterday(fetch.client, fetch.user_agent));
        if (distinct.today.size() >= kMaxClientsPerFeed && !distinct.today.contains(hash)) return;
        distinct.today.insert_or_assign(hash, fetch.at);
    }

    static std::uint64_t count(const Distinct& distinct, Seconds now) {
        std::uint64_t n = distinct.today.size();
        for (const auto& [hash, seen] : distinct.yesterday) n += seen > now - kClientWindow ? 1 : 0;
        return n;
    }
};

ReaderCounter::ReaderCounter(std::function<void(std::uint8_t*, std::size_t)> random)
    : impl_(std::make_unique<Impl>(std::move(random))) {}

ReaderCounter::~ReaderCounter() = default;

void ReaderCounter::record(const FeedFetch& fetch) {
    std::lock_guard lock(impl_->mutex);
    impl_->roll(fetch.at);
    auto known = impl_->agents.find(fetch.user_agent);
    if (known == impl_->agents.end()) {
        if (impl_->agents.size() >= kMaxCachedAgents) impl_->agents.clear();
        known = impl_->agents
                    .emplace(std::string(fetch.user_agent), classify_user_agent(fetch.user_agent))
                    .first;
    }
    const ClientClass& client = known->second;
    auto feed = impl_->feeds.find(fetch.feed);
    if (feed == impl_->feeds.end())
        feed = impl_->feeds.emplace(std::string(fetch.feed), PerFeed{}).first;
    switch (client.kind) {
        case ClientKind::aggregator:
            feed->second.reports.insert_or_assign({client.source, client.feed_id},
                                                  Report{client.subscribers, fetch.at});
            break;
        case ClientKind::bot:
            impl_->see(feed->second.bots, fetch);
            break;
        case ClientKind::other:
            impl_->see(feed->second.clients, fetch);
            break;
    }
}

void ReaderCounter::set_hub_subscribers(std::map<std::string, std::uint64_t> per_feed) {
    std::lock_guard lock(impl_->mutex);
    impl_->hub = std::move(per_feed);
}

std::vector<FeedCounts> ReaderCounter::counts(Seconds now) {
    std::lock_guard lock(impl_->mutex);
    impl_->roll(now);
    std::map<std::string, std::map<std::string, std::uint64_t>> by_feed;
    for (const auto& [name, feed] : impl_->feeds) {
        auto& sources = by_feed[name];
        for (const auto& [key, report] : feed.reports) {
            if (report.at > now - kReportWindow) sources[key.first] += report.subscribers;
        }
        if (const auto n = Impl::count(feed.clients, now)) sources["clients"] = n;
        if (const auto n = Impl::count(feed.bots, now)) sources["bots"] = n;
    }
    for (const auto& [name, n] : impl_->hub) {
        if (n > 0) by_feed[name]["hub"] = n;
    }
    std::vector<FeedCounts> out;
    for (auto& [name, sources] : by_feed) {
        if (sources.empty()) continue;
        FeedCounts counts{name, {}, 0};
        for (const auto& [source, n] : sources) {
            counts.sources.push_back({source, n});
            if (source != "bots") counts.readers += n;
        }
        out.push_back(std::move(counts));
    }
    return out;
}

}  // namespace feedd::readers
