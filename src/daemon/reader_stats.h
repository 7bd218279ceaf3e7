// The daemon's side of reader counting (docs/readers.md): the counter the HTTP server reports to,
// the daily totals kept in state_dir/readers.json (saved every few minutes and at a stop, so a
// `kill -9` loses at most those minutes), and the pages that show them.
#pragma once

#include <expected>
#include <filesystem>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include "config/config.h"
#include "http/readers_hooks.h"
#include "readers/counter.h"
#include "readers/downloads.h"
#include "readers/totals.h"

namespace feedd {

std::filesystem::path readers_file(const Config& config);
// Podcast downloads per day and episode (readers/downloads.h): state_dir/downloads.json.
std::filesystem::path downloads_file(const Config& config);

// A missing file is no totals. The error names the file.
std::expected<readers::DailyTotals, std::string> load_reader_totals(
    const std::filesystem::path& file);

// A missing file is no downloads. The error names the file.
std::expected<readers::DailyDownloads, std::string> load_downloads(
    const std::filesystem::path& file);

class ReaderStats : public http::ReaderHooks {
  public:
    // `downloads`: the kept podcast downloads when the site is a podcast (counted and shown),
    // nullopt when not.
    ReaderStats(std::string site_title, readers::DailyTotals totals,
                std::optional<readers::DailyDownloads> downloads = std::nullopt);

    void feed_served(const http::FeedServed& served) override;
    // Audio and video only (not artwork, transcripts or chapters), as the IAB rules count.
    void media_served(const http::MediaServed& served) override;
    std::string stats_html() override;
    std::string stats_json() override;
    std::string metrics_text() override;

    readers::ReaderCounter& counter() { return counter_; }
    // Folds the current counts into today's totals and returns the file's new bytes (to be written
    // where the disk may be waited on). Thread-safe.
    std::string fold_for_saving();
    // The downloads file's new bytes; empty when the site is no podcast. Thread-safe.
    std::string downloads_for_saving();
    readers::DownloadCounter* downloads() { return downloads_.get(); }

  private:
    std::string site_title_;
    readers::ReaderCounter counter_;
    std::mutex mutex_;  // totals_
    readers::DailyTotals totals_;
    std::unique_ptr<readers::DownloadCounter> downloads_;
};

// Writes `bytes` to `file` atomically and durably (ping::write_file_atomically), mode 0644. The
// error names the file.
std::expected<void, std::string> save_reader_totals(const std::filesystem::path& file,
                                                    const std::string& bytes);

}  // namespace feedd
