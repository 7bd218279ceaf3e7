#include "daemon/reader_stats.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

#include "content/media_types.h"
#include "readers/stats_page.h"

namespace feedd {
namespace {

readers::Seconds now() {
    return std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now());
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
    std::ifstream in(file, std::ios::binary);
    if (!in) {
        std::error_code ec;
        if (!std::filesystem::exists(file, ec) && !ec) return readers::DailyDownloads{};
        return std::unexpected(file.string() + ": cannot read: " + std::strerror(errno));
    }
    std::ostringstream text;
    text << in.rdbuf();
    return readers::downloads_from_json(text.str(), file.string());
}

std::expected<readers::DailyTotals, std::string> load_reader_totals(
    const std::filesystem::path& file) {
    std::ifstream in(file, std::ios::binary);
    if (!in) {
        std::error_code ec;
        if (!std::filesystem::exists(file, ec) && !ec) return readers::DailyTotals{};
        return std::unexpected(file.string() + ": cannot read: " + std::strerror(errno));
    }
    std::ostringstream text;
    text << in.rdbuf();
    return readers::totals_from_json(text.str(), file.string());
}

std::expected<void, std::string> save_reader_totals(const std::filesystem::path& file,
                                                    const std::string& bytes) {
    std::error_code ec;
    std::filesystem::create_directories(file.parent_path(), ec);
    if (ec)
        return std::unexpected(file.parent_path().string() + ": cannot create: " + ec.message());
    const auto temporary = std::filesystem::path(file).concat(".tmp");
    const int fd = ::open(temporary.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0)
        return std::unexpected(temporary.string() + ": cannot create: " + std::strerror(errno));
    std::string_view rest = bytes;
    bool ok = true;
    while (ok && !rest.empty()) {
        const auto n = ::write(fd, rest.data(), rest.size());
        if (n < 0 && errno == EINTR) continue;
        ok = n > 0;
        if (ok) rest.remove_prefix(static_cast<std::size_t>(n));
    }
    ok = ok && ::fsync(fd) == 0;
    const int saved = errno;
    ::close(fd);
    if (!ok) {
        ::unlink(temporary.c_str());
        return std::unexpected(temporary.string() + ": cannot write: " + std::strerror(saved));
    }
    if (::rename(temporary.c_str(), file.c_str()) != 0)
        return std::unexpected(file.string() + ": cannot replace: " + std::strerror(errno));
    return {};
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
