// The counting rules of readers/counter.h, with a clock the tests move.
#include "readers/counter.h"

#include <gtest/gtest.h>

#include <cstring>

namespace feedd::readers {
namespace {

using namespace std::chrono_literals;

Seconds at(int day, int hour = 12, int minute = 0) {
    using namespace std::chrono;
    return sys_days{year{2026} / December / day} + hours{hour} + minutes{minute};
}

ClientPrefix v4(std::uint8_t a, std::uint8_t b, std::uint8_t c, std::uint8_t d) {
    const std::uint8_t address[4] = {a, b, c, d};
    return ipv4_prefix(address);
}

// Keys from a counter, not from the system: each call gives new bytes.
ReaderCounter counter() {
    return ReaderCounter([n = std::uint8_t{0}](std::uint8_t* out, std::size_t size) mutable {
        std::memset(out, ++n, size);
    });
}

std::uint64_t count_of(const std::vector<FeedCounts>& counts, const std::string& feed,
                       const std::string& source) {
    for (const auto& f : counts)
        if (f.feed == feed)
            for (const auto& s : f.sources)
                if (s.source == source) return s.subscribers;
    return 0;
}

constexpr const char* kFeedly =
    "Feedly/1.0 (+http://www.feedly.com/fetcher.html; %d subscribers; )";

std::string feedly(int n) {
    char ua[128];
    std::snprintf(ua, sizeof ua, kFeedly, n);
    return ua;
}

TEST(ReaderCounter, AnAggregatorCountsItsLatestReportNeverTheSumOfPolls) {
    auto c = counter();
    const auto client = v4(203, 0, 113, 5);
    for (int poll = 0; poll < 10; ++poll)
        c.record({"/feed.xml", feedly(40), client, at(1, 10, poll)});
    c.record({"/feed.xml", feedly(42), client, at(1, 11)});
    EXPECT_EQ(count_of(c.counts(at(1, 12)), "/feed.xml", "feedly"), 42u);
    EXPECT_EQ(c.counts(at(1, 12)).front().readers, 42u);  // and no "clients" from Feedly's polls
    EXPECT_EQ(count_of(c.counts(at(1, 12)), "/feed.xml", "clients"), 0u);
    // 48 h after its last report it no longer counts.
    EXPECT_EQ(count_of(c.counts(at(3, 10, 59)), "/feed.xml", "feedly"), 42u);
    EXPECT_EQ(count_of(c.counts(at(3, 11, 1)), "/feed.xml", "feedly"), 0u);
}

TEST(ReaderCounter, ReportsWithDifferentFeedIdsAddUp) {
    auto c = counter();
    c.record({"/feed.xml", "Feedbin feed-id:1 - 10 subscribers", v4(1, 2, 3, 4), at(1)});
    c.record({"/feed.xml", "Feedbin feed-id:2 - 5 subscribers", v4(1, 2, 3, 4), at(1)});
    c.record({"/feed.xml", "Feedbin feed-id:1 - 11 subscribers", v4(1, 2, 3, 4), at(1, 13)});
    EXPECT_EQ(count_of(c.counts(at(1, 14)), "/feed.xml", "feedbin"), 16u);
}

TEST(ReaderCounter, OtherClientsCountOncePerNetworkAndUserAgent) {
    auto c = counter();
    const std::string newsboat = "newsboat/2.30.1 (Linux x86_64)";
    c.record({"/feed.xml", newsboat, v4(198, 51, 100, 7), at(1, 8)});
    c.record({"/feed.xml", newsboat, v4(198, 51, 100, 7), at(1, 9)});   // polls again
    c.record({"/feed.xml", newsboat, v4(198, 51, 100, 99), at(1, 9)});  // same /24: same household
    c.record({"/feed.xml", "NetNewsWire (RSS Reader)", v4(198, 51, 100, 7),
              at(1, 9)});                                              // another reader
    c.record({"/feed.xml", newsboat, v4(198, 51, 101, 7), at(1, 9)});  // another network
    c.record({"/atom.xml", newsboat, v4(198, 51, 100, 7), at(1, 9)});  // another feed
    const auto counts = c.counts(at(1, 10));
    EXPECT_EQ(count_of(counts, "/feed.xml", "clients"), 3u);
    EXPECT_EQ(count_of(counts, "/atom.xml", "clients"), 1u);
}

TEST(ReaderCounter, IPv6ClientsShareTheirSlash56) {
    auto c = counter();
    std::uint8_t a[16] = {0x20, 0x01, 0x0d, 0xb8, 0, 1, 0x02, 0xaa};
    std::uint8_t b[16] = {0x20, 0x01, 0x0d, 0xb8, 0, 1, 0x02, 0xbb, 1};  // same first 56 bits
    std::uint8_t d[16] = {0x20, 0x01, 0x0d, 0xb8, 0, 1, 0x03};           // another /56
    c.record({"/feed.xml", "newsboat", ipv6_prefix(a), at(1)});
    c.record({"/feed.xml", "newsboat", ipv6_prefix(b), at(1)});
    c.record({"/feed.xml", "newsboat", ipv6_prefix(d), at(1)});
    EXPECT_EQ(count_of(c.counts(at(1)), "/feed.xml", "clients"), 2u);
}

TEST(ReaderCounter, ClientsCountForTwentyFourHoursAcrossTheDailyKeyChange) {
    auto c = counter();
    c.record({"/feed.xml", "newsboat", v4(10, 0, 0, 1), at(1, 20)});
    c.record({"/feed.xml", "miniflux", v4(10, 0, 1, 1), at(1, 22)});
    // Next UTC day: a new key; the one seen yesterday and again today still counts once.
    c.record({"/feed.xml", "newsboat", v4(10, 0, 0, 1), at(2, 6)});
    EXPECT_EQ(count_of(c.counts(at(2, 7)), "/feed.xml", "clients"), 2u);
    // miniflux was last seen at 22:00 the day before: gone after 24 h; newsboat (06:00) stays.
    EXPECT_EQ(count_of(c.counts(at(2, 21, 59)), "/feed.xml", "clients"), 2u);
    EXPECT_EQ(count_of(c.counts(at(2, 22, 1)), "/feed.xml", "clients"), 1u);
    // Two days on, everything from before is forgotten with its key.
    EXPECT_EQ(count_of(c.counts(at(4, 7)), "/feed.xml", "clients"), 0u);
}

TEST(ReaderCounter, BotsAreCountedApartAndAreNoReaders) {
    auto c = counter();
    c.record({"/feed.xml",
              "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
              v4(66, 249, 66, 1), at(1)});
    c.record({"/feed.xml", "newsboat", v4(10, 0, 0, 1), at(1)});
    const auto counts = c.counts(at(1));
    EXPECT_EQ(count_of(counts, "/feed.xml", "bots"), 1u);
    EXPECT_EQ(counts.front().readers, 1u);
}

TEST(ReaderCounter, ARequestWithoutUserAgentIsABot) {
    auto c = counter();
    c.record({"/feed.xml", std::string_view{}, v4(10, 0, 0, 1), at(1)});  // a view of nothing
    c.record({"/feed.xml", "", v4(10, 0, 0, 2), at(1)});
    EXPECT_EQ(count_of(c.counts(at(1)), "/feed.xml", "bots"), 1u);  // same /24, same (empty) agent
}

TEST(ReaderCounter, HubSubscriptionsAreASource) {
    auto c = counter();
    c.set_hub_subscribers({{"/feed.xml", 3}});
    const auto counts = c.counts(at(1));
    EXPECT_EQ(count_of(counts, "/feed.xml", "hub"), 3u);
    EXPECT_EQ(counts.front().readers, 3u);
}

}  // namespace
}  // namespace feedd::readers
