#include "daemon/reader_stats.h"

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

#include "content/media_types.h"
#include "ping/queue.h"
#include "readers/stats_page.h"

namespace feedd {
namespace {

readers::Seconds now() {
    return std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now());
}

// Reads `file` whole and parses it with `parse` (which names the file in its errors); a missing
// file is nothing kept yet, an empty value.
template <class Value>
std::expected<Value, std::string> load_json(
    const std::filesystem::path& file,
    std::expected<Value, std::string> (*parse)(std::string_view, std::string_view)) {
    std::ifstream in(file, std::ios::binary);
    if (!in) {
        std::error_code ec;
        if (!std::filesystem::exists(file, ec) && !ec) return Value{};
        return std::unexpected(file.string() + ": cannot read: " + std::strerror(errno));
    }
    std::ostringstream text;
    text << in.rdbuf();
    return parse(text.str(), file.string());
}

}  // namespace

std::filesystem::path readers_file(const Config& config) {
    return config.state_dir / "readers.json";
}

std::filesystem::path downloads_file(const Config& config) {
    return config.state_dir / "downloads.json";
}

std::expected<readers::DailyDownloads, std::string> load_downloads(
    const std::filesystem::path& file) {
    return load_json(file, readers::downloads_from_json);
}

std::expected<readers::DailyTotals, std::string> load_reader_totals(
    const std::filesystem::path& file) {
    return load_json(file, readers::totals_from_json);
}

std::expected<void, std::string> save_reader_totals(const std::filesystem::path& file,
                                                    const std::string& bytes) {
    // 0644 as before: counts per feed and source, no addresses (those never reach the disk).
    return ping::write_file_atomically(file, bytes, ping::kReadableByAll);
}

ReaderStats::ReaderStats(std::string site_title, readers::DailyTotals totals,
                         std::optional<readers::DailyDownloads> downloads)
    : site_title_(std::move(site_title)), totals_(std::move(totals)) {
    if (downloads) downloads_ = std::make_unique<readers::DownloadCounter>(std::move(*downloads));
}

void ReaderStats::media_served(const http::MediaServed& served) {
    if (!downloads_) return;
    const auto type = media_type_from_name(served.path);
    if (!type || (type->kind != MediaKind::audio && type->kind != MediaKind::video)) return;
    // As for feeds, the address goes no further than its keyed hash (the IAB rule names the
    // address itself, and an IPv6 client's /64).
    const auto client = served.client.v4 ? readers::ipv4_address(served.client.bytes.data())
                                         : readers::ipv6_subnet64(served.client.bytes.data());
    std::vector<readers::ByteSpan> spans;
    spans.reserve(served.ranges.size());
    for (const auto& range : served.ranges) spans.push_back({range.first, range.last});
    downloads_->record({served.path, served.user_agent, client, served.file_size, spans, now()});
}

std::string ReaderStats::downloads_for_saving() {
    if (!downloads_) return {};
    return readers::downloads_to_json(downloads_->totals(now()));
}

void ReaderStats::feed_served(const http::FeedServed& served) {
    // Only the network prefix goes further: the address itself ends with this request.
    const auto prefix = served.client.v4 ? readers::ipv4_prefix(served.client.bytes.data())
                                         : readers::ipv6_prefix(served.client.bytes.data());
    counter_.record({served.path, served.user_agent, prefix, now()});
}

std::string ReaderStats::stats_html() {
    const auto at = now();
    const auto counts = counter_.counts(at);
    const auto downloads = downloads_ ? std::optional(downloads_->totals(at)) : std::nullopt;
    std::lock_guard lock(mutex_);
    return readers::stats_html(totals_, counts, at, site_title_, downloads ? &*downloads : nullptr);
}

std::string ReaderStats::stats_json() {
    const auto at = now();
    const auto counts = counter_.counts(at);
    const auto downloads = downloads_ ? std::optional(downloads_->totals(at)) : std::nullopt;
    std::lock_guard lock(mutex_);
    return readers::stats_json(totals_, counts, at, downloads ? &*downloads : nullptr);
}

std::string ReaderStats::metrics_text() {
    auto lines = readers::metrics_lines(counter_.counts(now()));
    if (downloads_) lines += readers::download_metrics_lines(downloads_->totals(now()));
    return lines;
}

std::string ReaderStats::fold_for_saving() {
    const auto at = now();
    const auto counts = counter_.counts(at);
    std::lock_guard lock(mutex_);
    readers::merge_counts(totals_, counts, at);
    return readers::to_json(totals_);
}

}  // namespace feedd
