#include "daemon/reader_stats.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

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

ReaderStats::ReaderStats(std::string site_title, readers::DailyTotals totals)
    : site_title_(std::move(site_title)), totals_(std::move(totals)) {}

void ReaderStats::feed_served(const http::FeedServed& served) {
    // Only the network prefix goes further: the address itself ends with this request.
    const auto prefix = served.client.v4 ? readers::ipv4_prefix(served.client.bytes.data())
                                         : readers::ipv6_prefix(served.client.bytes.data());
    counter_.record({served.path, served.user_agent, prefix, now()});
}

std::string ReaderStats::stats_html() {
    const auto at = now();
    const auto counts = counter_.counts(at);
    std::lock_guard lock(mutex_);
    return readers::stats_html(totals_, counts, at, site_title_);
}

std::string ReaderStats::stats_json() {
    const auto at = now();
    const auto counts = counter_.counts(at);
    std::lock_guard lock(mutex_);
    return readers::stats_json(totals_, counts, at);
}

std::string ReaderStats::metrics_text() {
    return readers::metrics_lines(counter_.counts(now()));
}

std::string ReaderStats::fold_for_saving() {
    const auto at = now();
    const auto counts = counter_.counts(at);
    std::lock_guard lock(mutex_);
    readers::merge_counts(totals_, counts, at);
    return readers::to_json(totals_);
}

}  // namespace feedd
