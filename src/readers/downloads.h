// Podcast downloads per episode, counted as the IAB Podcast Measurement Technical Guidelines (2.x)
// count them (docs/podcasts.md, "Serving media and downloads"): one download is one client — its
// address and User-Agent, held only as a keyed hash under the day's key (daily_keys.h) — that
// within 24 h received at least a minute of audio or the whole file, the byte ranges of its
// requests added up as a union. Known bots and requests of at most 2 bytes (players' probes) never
// count. Nothing kept names a client; the daily numbers go to state_dir/downloads.json.
#pragma once

#include <chrono>
#include <cstdint>
#include <expected>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "readers/counter.h"
#include "readers/totals.h"

namespace feedd::readers {

// Bytes first..last of a media file, both included.
struct ByteSpan {
    std::uint64_t first = 0;
    std::uint64_t last = 0;
};

// One media response's bytes sent to a client (200 or 206; HEAD and 304 are never reported).
struct MediaFetch {
    std::string_view media;  // the URL path, "/media/episodes/042-guest.mp3"
    std::string_view user_agent;
    ClientPrefix client;  // ipv4_address() or ipv6_subnet64()
    std::uint64_t file_size = 0;
    std::span<const ByteSpan> ranges;  // of the file, as sent
    Seconds at{};
};

// Bytes of one minute of audio: file size / duration × 60 when the duration is known, else a
// minute at 128 kbit/s (960 000 bytes); never more than the whole file.
std::uint64_t minute_bytes(std::uint64_t file_size, std::optional<double> duration_seconds);
inline constexpr std::uint64_t kDefaultMinuteBytes = 128'000 / 8 * 60;
// A fetch of at most this many bytes is a probe (Range: bytes=0-1), never part of a download.
inline constexpr std::uint64_t kProbeBytes = 2;

using MediaDownloads = std::map<std::string, std::uint64_t>;   // media path → downloads
using DailyDownloads = std::map<std::string, MediaDownloads>;  // "YYYY-MM-DD" (UTC) → media

// Thread-safe. Downloads are events: each is added to the UTC day when its client crossed the
// threshold, on top of the totals it was made with (those of the last run).
class DownloadCounter {
  public:
    explicit DownloadCounter(DailyDownloads kept = {},
                             std::function<void(std::uint8_t*, std::size_t)> random = {});
    ~DownloadCounter();

    // True when this fetch completed a download.
    bool record(const MediaFetch& fetch);
    // Episode durations in seconds by media path, from the files' tags (minute_bytes); others
    // use the default bitrate.
    void set_durations(std::map<std::string, double, std::less<>> durations);
    // The daily downloads, days older than kKeptDays before `now` dropped.
    DailyDownloads totals(Seconds now);

    // Clients followed per episode and day: past it a day's new clients are not counted (memory
    // stays bounded whatever the traffic).
    static constexpr std::size_t kMaxClientsPerMedia = 200'000;
    // Separate ranges kept per client until its download counts; more are merged into the last.
    static constexpr std::size_t kMaxSpansPerClient = 64;

  private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

std::string downloads_to_json(const DailyDownloads& downloads);
// The error names `file` and says what is wrong.
std::expected<DailyDownloads, std::string> downloads_from_json(std::string_view text,
                                                               std::string_view file);

}  // namespace feedd::readers
