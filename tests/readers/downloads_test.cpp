// The IAB download rules of readers/downloads.h, with a clock the tests move: a minute of audio or
// the whole file, the union of a client's ranges, probes and bots left out, the 24 h window across
// the day's key change, and the daily numbers kept.
#include "readers/downloads.h"

#include <gtest/gtest.h>

#include <cstring>
#include <vector>

namespace feedd::readers {
namespace {

using namespace std::chrono_literals;

constexpr const char* kEpisode = "/media/episodes/042-guest.mp3";
constexpr const char* kPlayer =
    "AppleCoreMedia/1.0.0.21A329 (iPhone; U; CPU OS 17_0 like Mac OS X)";
constexpr std::uint64_t kSize = 10'000'000;  // with the default bitrate, a minute is 960 000 bytes

Seconds at(int day, int hour = 12, int minute = 0) {
    using namespace std::chrono;
    return sys_days{year{2026} / December / day} + hours{hour} + minutes{minute};
}

ClientPrefix client(std::uint8_t last) {
    const std::uint8_t address[4] = {192, 0, 2, last};
    return ipv4_address(address);
}

DownloadCounter counter(DailyDownloads kept = {}) {
    return DownloadCounter(std::move(kept),
                           [n = std::uint8_t{0}](std::uint8_t* out, std::size_t size) mutable {
                               std::memset(out, ++n, size);
                           });
}

bool fetch(DownloadCounter& downloads, std::vector<ByteSpan> ranges, Seconds when,
           std::uint8_t who = 1, const char* agent = kPlayer, std::uint64_t size = kSize,
           const char* media = kEpisode) {
    return downloads.record({media, agent, client(who), size, ranges, when});
}

std::uint64_t on(DownloadCounter& downloads, Seconds day, const char* media = kEpisode) {
    const auto totals = downloads.totals(day);
    const auto d = totals.find(day_name(day));
    if (d == totals.end()) return 0;
    const auto m = d->second.find(media);
    return m == d->second.end() ? 0 : m->second;
}

TEST(MinuteBytes, FromTheDurationOrTheDefaultBitrateNeverMoreThanTheFile) {
    EXPECT_EQ(minute_bytes(kSize, std::nullopt), 960'000u);
    EXPECT_EQ(minute_bytes(500'000, std::nullopt), 500'000u);
    EXPECT_EQ(minute_bytes(6'000'000, 600.0), 600'000u);   // 80 kbit/s for 10 minutes
    EXPECT_EQ(minute_bytes(6'000'000, 30.0), 6'000'000u);  // shorter than a minute: the whole file
    EXPECT_EQ(minute_bytes(kSize, 0.0), 960'000u);
}

TEST(Downloads, AWholeFileOrAMinuteCountsOnce) {
    auto downloads = counter();
    EXPECT_TRUE(fetch(downloads, {{0, kSize - 1}}, at(5)));
    // The same client again within 24 h: the same download.
    EXPECT_FALSE(fetch(downloads, {{0, kSize - 1}}, at(5, 18)));
    // Another client with a minute's worth from the middle.
    EXPECT_TRUE(fetch(downloads, {{5'000'000, 5'959'999}}, at(5), 2));
    // Less than a minute: nothing yet.
    EXPECT_FALSE(fetch(downloads, {{0, 959'998}}, at(5), 3));
    EXPECT_EQ(on(downloads, at(5)), 2u);
    // A small file is a download once all of it is received.
    EXPECT_FALSE(fetch(downloads, {{0, 99'998}}, at(5), 4, kPlayer, 100'000, "/media/short.mp3"));
    EXPECT_TRUE(
        fetch(downloads, {{99'990, 99'999}}, at(5), 4, kPlayer, 100'000, "/media/short.mp3"));
    EXPECT_EQ(on(downloads, at(5), "/media/short.mp3"), 1u);
}

TEST(Downloads, RangesOfOneClientAddUpAsAUnion) {
    auto downloads = counter();
    // A player streaming in 256 KB ranges: the fourth crosses 960 000 bytes.
    for (std::uint64_t i = 0; i < 3; ++i)
        EXPECT_FALSE(fetch(downloads, {{i * 262'144, (i + 1) * 262'144 - 1}}, at(5, 12, int(i))));
    EXPECT_TRUE(fetch(downloads, {{786'432, 1'048'575}}, at(5, 12, 3)));
    // Repeating the same range does not add up: 10 × 500 000 bytes of the same range is no minute.
    for (int i = 0; i < 10; ++i) EXPECT_FALSE(fetch(downloads, {{0, 499'999}}, at(5, 13, i), 2));
    // Overlapping ranges count their union: 0–599 999 and 400 000–999 999 make 1 000 000.
    EXPECT_FALSE(fetch(downloads, {{0, 599'999}}, at(5), 3));
    EXPECT_TRUE(fetch(downloads, {{400'000, 999'999}}, at(5), 3));
    // Several ranges in one (multipart) response add up too.
    EXPECT_TRUE(fetch(downloads, {{0, 479'999}, {2'000'000, 2'479'999}}, at(5), 4));
    EXPECT_EQ(on(downloads, at(5)), 3u);
}

TEST(Downloads, ClientsAreAddressAndUserAgent) {
    auto downloads = counter();
    EXPECT_TRUE(fetch(downloads, {{0, kSize - 1}}, at(5), 1));
    EXPECT_TRUE(fetch(downloads, {{0, kSize - 1}}, at(5), 1,
                      "Overcast/3.0 (+http://overcast.fm/; iOS podcast app)"));
    // Another address on the same /24 is another client (the IAB rule is the address).
    EXPECT_TRUE(fetch(downloads, {{0, kSize - 1}}, at(5), 2));
    EXPECT_EQ(on(downloads, at(5)), 3u);
    // Each episode apart.
    EXPECT_TRUE(fetch(downloads, {{0, kSize - 1}}, at(5), 1, kPlayer, kSize, "/media/043.mp3"));
    EXPECT_EQ(on(downloads, at(5), "/media/043.mp3"), 1u);
}

TEST(Downloads, ProbesOfTwoBytesAndBotsNeverCount) {
    auto downloads = counter();
    // A whole file of 2 bytes is still a probe's size; bytes=0-1 from a player is not even a part
    // of a later download.
    EXPECT_FALSE(fetch(downloads, {{0, 1}}, at(5)));
    EXPECT_FALSE(fetch(downloads, {{0, 959'998}}, at(5)));
    EXPECT_FALSE(fetch(downloads, {{959'999, 960'000}}, at(5)));  // a 2-byte request: left out
    EXPECT_TRUE(fetch(downloads, {{959'999, 960'001}}, at(5)));   // 3 bytes: the minute is there
    EXPECT_FALSE(fetch(downloads, {{0, 1}}, at(5), 9, kPlayer, 2, "/media/tiny.mp3"));
    EXPECT_FALSE(fetch(downloads, {{0, kSize - 1}}, at(5), 7,
                       "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)"));
    EXPECT_EQ(on(downloads, at(5)), 1u);
    EXPECT_EQ(on(downloads, at(5), "/media/tiny.mp3"), 0u);
}

TEST(Downloads, TheWindowIs24HoursAcrossTheDaysKey) {
    auto downloads = counter();
    EXPECT_TRUE(fetch(downloads, {{0, kSize - 1}}, at(5, 22)));
    // Past midnight the key is another, but yesterday's is kept: still the same window.
    EXPECT_FALSE(fetch(downloads, {{0, kSize - 1}}, at(6, 3)));
    EXPECT_FALSE(fetch(downloads, {{0, kSize - 1}}, at(6, 21, 59)));
    // 24 h after the window began: a new download, on the day it happens.
    EXPECT_TRUE(fetch(downloads, {{0, kSize - 1}}, at(6, 22)));
    EXPECT_EQ(on(downloads, at(5, 23)), 1u);
    EXPECT_EQ(on(downloads, at(6, 23)), 1u);

    // Ranges received late on one day and early the next add up to one download.
    EXPECT_FALSE(fetch(downloads, {{0, 499'999}}, at(6, 23, 50), 2));
    EXPECT_TRUE(fetch(downloads, {{500'000, 999'999}}, at(7, 0, 10), 2));
    EXPECT_EQ(on(downloads, at(7)), 1u);
    // Ranges more than 24 h apart do not.
    EXPECT_FALSE(fetch(downloads, {{0, 499'999}}, at(7, 1), 3));
    EXPECT_FALSE(fetch(downloads, {{500'000, 999'999}}, at(8, 2), 3));
    // After a gap of days the old keys are gone: nothing carries over.
    EXPECT_FALSE(fetch(downloads, {{0, 499'999}}, at(8, 3), 4));
    EXPECT_FALSE(fetch(downloads, {{500'000, 999'999}}, at(11, 3), 4));
    EXPECT_EQ(on(downloads, at(11)), 0u);
}

TEST(Downloads, RangesOutsideTheFileAreNotCounted) {
    auto downloads = counter();
    EXPECT_FALSE(fetch(downloads, {{0, kSize}}, at(5)));
    EXPECT_FALSE(fetch(downloads, {{10, 5}}, at(5)));
    EXPECT_EQ(on(downloads, at(5)), 0u);
}

TEST(Downloads, KeptTotalsGrowAndOldDaysGo) {
    DailyDownloads kept{{"2025-01-01", {{kEpisode, 9}}}, {"2026-12-05", {{kEpisode, 4}}}};
    auto downloads = counter(kept);
    EXPECT_TRUE(fetch(downloads, {{0, kSize - 1}}, at(5)));
    const auto totals = downloads.totals(at(5));
    EXPECT_EQ(totals.at("2026-12-05").at(kEpisode), 5u);
    EXPECT_FALSE(totals.contains("2025-01-01"));  // more than 400 days before
}

TEST(Downloads, FileRoundTripAndErrorsNameTheFile) {
    const DailyDownloads totals{{"2026-12-05", {{kEpisode, 5}, {"/media/a b.mp3", 1}}}};
    const auto back = downloads_from_json(downloads_to_json(totals), "downloads.json");
    ASSERT_TRUE(back) << back.error();
    EXPECT_EQ(*back, totals);
    for (const char* bad :
         {"", "[]", "{\"version\": 2, \"days\": {}}", "{\"version\": 1, \"days\": {\"d\": 1}}",
          "{\"version\": 1, \"days\": {\"d\": {\"/m\": -1}}}",
          "{\"version\": 1, \"days\": {\"d\": {\"/m\": 1e999}}}"}) {
        const auto read = downloads_from_json(bad, "/state/downloads.json");
        ASSERT_FALSE(read) << bad;
        EXPECT_TRUE(read.error().starts_with("/state/downloads.json: ")) << read.error();
    }
}

}  // namespace
}  // namespace feedd::readers
