#include "readers/counter.h"

#include <sodium.h>

#include <algorithm>
#include <cstring>

namespace feedd::readers {
namespace {

using Key = std::array<std::uint8_t, crypto_shorthash_KEYBYTES>;

// SipHash-2-4 (libsodium's crypto_shorthash), a keyed hash made for hash tables: without the key,
// which lives only in this process's memory for a day, a value tells nothing of its input.
std::uint64_t keyed_hash(const Key& key, const ClientPrefix& client, std::string_view user_agent) {
    // On the stack: this runs for every feed request (a heap allocation would be a good part of
    // its cost). User-Agents are cut at 512 bytes, which tells any two real ones apart.
    unsigned char input[sizeof client.bytes + 512];
    user_agent = user_agent.substr(0, 512);
    std::memcpy(input, client.bytes.data(), client.bytes.size());
    // An empty view may point nowhere (null), which memcpy may not be given even for 0 bytes.
    if (!user_agent.empty())
        std::memcpy(input + client.bytes.size(), user_agent.data(), user_agent.size());
    std::uint64_t out = 0;
    crypto_shorthash(reinterpret_cast<unsigned char*>(&out), input,
                     client.bytes.size() + user_agent.size(), key.data());
    return out;
}

// Heterogeneous lookup (by string_view) in the User-Agent cache: no string made per request.
struct TextHash {
    using is_transparent = void;
    std::size_t operator()(std::string_view text) const {
        return std::hash<std::string_view>{}(text);
    }
};

std::int64_t day_of(Seconds at) {
    return std::chrono::floor<std::chrono::days>(at).time_since_epoch().count();
}

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

struct ReaderCounter::Impl {
    std::function<void(std::uint8_t*, std::size_t)> random;
    std::mutex mutex;
    std::int64_t day = 0;  // of `today_key`; 0: no key made yet
    Key today_key{};
    Key yesterday_key{};
    bool have_yesterday = false;
    std::map<std::string, PerFeed, std::less<>> feeds;
    std::unordered_map<std::string, ClientClass, TextHash, std::equal_to<>>
        agents;  // classify_user_agent's answers
    std::map<std::string, std::uint64_t> hub;

    // Called with the mutex held: a new UTC day gets a new key; yesterday's is kept a day longer to
    // recognise a client seen under it, then forgotten with its hashes.
    void roll(Seconds at) {
        const auto now_day = day_of(at);
        if (now_day == day) return;
        const bool consecutive = day != 0 && now_day == day + 1;
        if (consecutive) {
            yesterday_key = today_key;
            have_yesterday = true;
        } else {
            sodium_memzero(yesterday_key.data(), yesterday_key.size());
            have_yesterday = false;
        }
        random(today_key.data(), today_key.size());
        day = now_day;
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
        const auto hash = keyed_hash(today_key, fetch.client, fetch.user_agent);
        if (have_yesterday && !distinct.yesterday.empty())
            distinct.yesterday.erase(keyed_hash(yesterday_key, fetch.client, fetch.user_agent));
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
    : impl_(std::make_unique<Impl>()) {
    if (!random) {
        if (sodium_init() < 0) throw std::runtime_error("libsodium cannot start");
        random = [](std::uint8_t* out, std::size_t n) { randombytes_buf(out, n); };
    }
    impl_->random = std::move(random);
}

ReaderCounter::~ReaderCounter() {
    sodium_memzero(impl_->today_key.data(), impl_->today_key.size());
    sodium_memzero(impl_->yesterday_key.data(), impl_->yesterday_key.size());
}

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
