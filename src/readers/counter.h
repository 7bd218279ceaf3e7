// Subscriber counts from the feed requests feedd serves (docs/readers.md), with nothing kept that
// identifies a person: a client is its network prefix (/24, /56) and User-Agent, hashed with a
// key that is made at random, replaced every UTC day and never written anywhere; the raw address
// never reaches this module.
#pragma once

#include <array>
#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "readers/user_agents.h"

namespace feedd::readers {

using Seconds = std::chrono::sys_seconds;

// A client's network: its IPv4 /24 or IPv6 /56 (the part of an address that names a household or
// an office more than a device), tagged with its family. Podcast downloads, counted as the IAB
// guidelines say, use the whole IPv4 address or the IPv6 /64 instead (downloads.h).
struct ClientPrefix {
    std::array<std::uint8_t, 9> bytes{};
};
ClientPrefix ipv4_prefix(const std::uint8_t address[4]);
ClientPrefix ipv6_prefix(const std::uint8_t address[16]);
ClientPrefix ipv4_address(const std::uint8_t address[4]);
ClientPrefix ipv6_subnet64(const std::uint8_t address[16]);

// One feed served (200 or 304): what counting needs of a request, and nothing more.
struct FeedFetch {
    std::string_view feed;  // the feed's path, "/feed.xml"
    std::string_view user_agent;
    ClientPrefix client;
    Seconds at{};
};

struct SourceCount {
    std::string source;  // "feedly", …, "clients", "bots", "hub"
    std::uint64_t subscribers = 0;
    bool operator==(const SourceCount&) const = default;
};

struct FeedCounts {
    std::string feed;
    std::vector<SourceCount> sources;  // by source name
    std::uint64_t readers = 0;         // every source but bots
};

// The rules (docs/readers.md): an aggregator that reports a count counts its latest report of the
// last 48 h, per feed id it sends (never the sum of its polls); every other client counts once
// per distinct (prefix, User-Agent) that fetched in the last 24 h; bots likewise, apart, under
// "bots". Thread-safe; record() is a few hash lookups.
class ReaderCounter {
  public:
    // `random` fills the hash keys (libsodium's randombytes_buf by default; tests pass their own).
    explicit ReaderCounter(std::function<void(std::uint8_t*, std::size_t)> random = {});
    ~ReaderCounter();

    void record(const FeedFetch& fetch);
    // The numbers at `now`, by feed path.
    std::vector<FeedCounts> counts(Seconds now);
    // Subscriptions to feedd's own WebSub hub, per feed (replaces the previous numbers).
    void set_hub_subscribers(std::map<std::string, std::uint64_t> per_feed);

    // Distinct clients kept per feed and day: past it a feed's count stops growing (memory stays
    // bounded whatever the traffic).
    static constexpr std::size_t kMaxClientsPerFeed = 200'000;

  private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace feedd::readers
