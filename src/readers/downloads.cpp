#include "readers/downloads.h"

#include <algorithm>
#include <cmath>
#include <mutex>
#include <unordered_map>
#include <vector>

#include "readers/daily_keys.h"
#include "readers/day_map.h"
#include "readers/user_agents.h"

namespace feedd::readers {
namespace {

constexpr auto kWindow = std::chrono::hours(24);

// A client's requests for one episode since its window began: the union of the bytes it received,
// until they make a download (then only that it did, for the rest of the window).
struct ClientState {
    Seconds window_start{};
    std::vector<ByteSpan> spans;  // sorted, disjoint, not adjacent
    bool counted = false;
};

struct PerMedia {
    std::unordered_map<std::uint64_t, ClientState> today;      // under today's key
    std::unordered_map<std::uint64_t, ClientState> yesterday;  // under yesterday's
};

// Adds `span` to the sorted, disjoint `spans`, merging what it overlaps or touches: the same bytes
// sent twice count once.
void add_span(std::vector<ByteSpan>& spans, ByteSpan span, std::size_t limit) {
    auto at =
        std::lower_bound(spans.begin(), spans.end(), span,
                         [](const ByteSpan& a, const ByteSpan& b) { return a.last + 1 < b.first; });
    while (at != spans.end() && at->first <= span.last + 1 && span.first <= at->last + 1) {
        span.first = std::min(span.first, at->first);
        span.last = std::max(span.last, at->last);
        at = spans.erase(at);
    }
    spans.insert(at, span);
    // A client asking for ever more scattered ranges: its farthest ones are merged (counting
    // the gap between them as received), which only ever counts it sooner.
    while (spans.size() > limit) {
        spans[spans.size() - 2].last = spans.back().last;
        spans.pop_back();
    }
}

std::uint64_t covered(const std::vector<ByteSpan>& spans) {
    std::uint64_t n = 0;
    for (const auto& span : spans) n += span.last - span.first + 1;
    return n;
}

}  // namespace

std::uint64_t minute_bytes(std::uint64_t file_size, std::optional<double> duration_seconds) {
    std::uint64_t minute = kDefaultMinuteBytes;
    if (duration_seconds && std::isfinite(*duration_seconds) && *duration_seconds > 0) {
        const double bytes = std::ceil(static_cast<double>(file_size) * 60.0 / *duration_seconds);
        minute =
            bytes >= static_cast<double>(file_size) ? file_size : static_cast<std::uint64_t>(bytes);
    }
    return std::min(minute, file_size);
}

struct DownloadCounter::Impl {
    Impl(DailyDownloads kept, std::function<void(std::uint8_t*, std::size_t)> random)
        : keys(std::move(random)), downloads(std::move(kept)) {}
    std::mutex mutex;
    DailyKeys keys;
    DailyDownloads downloads;
    std::map<std::string, PerMedia, std::less<>> media;
    std::map<std::string, double, std::less<>> durations;

    void roll(Seconds at) {
        const auto how = keys.roll(at);
        if (how == DailyKeys::Roll::same_day) return;
        for (auto& [path, clients] : media) {
            if (how == DailyKeys::Roll::next_day) {
                clients.yesterday = std::move(clients.today);
            } else {
                clients.yesterday.clear();
            }
            clients.today.clear();
        }
    }
};

DownloadCounter::DownloadCounter(DailyDownloads kept,
                                 std::function<void(std::uint8_t*, std::size_t)> random)
    : impl_(std::make_unique<Impl>(std::move(kept), std::move(random))) {}

DownloadCounter::~DownloadCounter() = default;

bool DownloadCounter::record(const MediaFetch& fetch) {
    std::uint64_t bytes = 0;
    for (const auto& span : fetch.ranges) {
        if (span.last < span.first || span.last >= fetch.file_size)
            return false;  // not of this file
        bytes += span.last - span.first + 1;
    }
    if (bytes <= kProbeBytes) return false;
    if (classify_user_agent(fetch.user_agent).kind == ClientKind::bot) return false;

    std::lock_guard lock(impl_->mutex);
    impl_->roll(fetch.at);
    auto per = impl_->media.find(fetch.media);
    if (per == impl_->media.end())
        per = impl_->media.emplace(std::string(fetch.media), PerMedia{}).first;
    PerMedia& clients = per->second;
    const auto hash = impl_->keys.today(fetch.client, fetch.user_agent);
    auto state = clients.today.find(hash);
    if (state == clients.today.end() && impl_->keys.has_yesterday() && !clients.yesterday.empty()) {
        // Seen yesterday, under yesterday's key: its window may still be open.
        const auto before =
            clients.yesterday.find(impl_->keys.yesterday(fetch.client, fetch.user_agent));
        if (before != clients.yesterday.end()) {
            state = clients.today.emplace(hash, std::move(before->second)).first;
            clients.yesterday.erase(before);
        }
    }
    if (state == clients.today.end()) {
        if (clients.today.size() >= kMaxClientsPerMedia) return false;
        state = clients.today.emplace(hash, ClientState{fetch.at, {}, false}).first;
    }
    ClientState& client = state->second;
    if (fetch.at - client.window_start >= kWindow) client = {fetch.at, {}, false};
    if (client.counted) return false;
    for (const auto& span : fetch.ranges) add_span(client.spans, span, kMaxSpansPerClient);
    std::optional<double> duration;
    if (const auto known = impl_->durations.find(fetch.media); known != impl_->durations.end())
        duration = known->second;
    if (covered(client.spans) < minute_bytes(fetch.file_size, duration)) return false;
    client.counted = true;
    client.spans = {};
    ++impl_->downloads[day_name(fetch.at)][std::string(fetch.media)];
    return true;
}

void DownloadCounter::set_durations(std::map<std::string, double, std::less<>> durations) {
    std::lock_guard lock(impl_->mutex);
    impl_->durations = std::move(durations);
}

DailyDownloads DownloadCounter::totals(Seconds now) {
    std::lock_guard lock(impl_->mutex);
    auto& downloads = impl_->downloads;
    downloads.erase(downloads.begin(),
                    downloads.lower_bound(day_name(now - std::chrono::days(kKeptDays - 1))));
    return downloads;
}

std::string downloads_to_json(const DailyDownloads& downloads) {
    return day_map_to_json(counts_object(downloads));
}

std::expected<DailyDownloads, std::string> downloads_from_json(std::string_view text,
                                                               std::string_view file) {
    const auto days = day_map_from_json(text, file, "downloads");
    if (!days) return std::unexpected(days.error());
    const auto bad = [&](const std::string& why) { return day_map_error(file, why); };
    DailyDownloads downloads;
    for (const auto& [day, media] : days->items()) {
        if (!media.is_object()) return bad("day " + day + " is not an object");
        for (const auto& [path, n] : media.items()) {
            if (!n.is_number_unsigned()) return bad("day " + day + ", " + path + " is not a count");
            downloads[day][path] = n.get<std::uint64_t>();
        }
    }
    return downloads;
}

}  // namespace feedd::readers
