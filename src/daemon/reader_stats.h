// The daemon's side of reader counting (docs/readers.md): the counter the HTTP server reports to,
// the daily totals kept in state_dir/readers.json (saved every few minutes and at a stop, so a
// `kill -9` loses at most those minutes), and the pages that show them.
#pragma once

#include <expected>
#include <filesystem>
#include <mutex>
#include <string>

#include "config/config.h"
#include "http/readers_hooks.h"
#include "readers/counter.h"
#include "readers/totals.h"

namespace feedd {

std::filesystem::path readers_file(const Config& config);

// A missing file is no totals. The error names the file.
std::expected<readers::DailyTotals, std::string> load_reader_totals(
    const std::filesystem::path& file);

class ReaderStats : public http::ReaderHooks {
  public:
    ReaderStats(std::string site_title, readers::DailyTotals totals);

    void feed_served(const http::FeedServed& served) override;
    std::string stats_html() override;
    std::string stats_json() override;
    std::string metrics_text() override;

    readers::ReaderCounter& counter() { return counter_; }
    // Folds the current counts into today's totals and returns the file's new bytes (to be written
    // where the disk may be waited on). Thread-safe.
    std::string fold_for_saving();

  private:
    std::string site_title_;
    readers::ReaderCounter counter_;
    std::mutex mutex_;  // totals_
    readers::DailyTotals totals_;
};

// Writes `bytes` to `file` through a temporary file, fsync and a rename. The error names the file.
std::expected<void, std::string> save_reader_totals(const std::filesystem::path& file,
                                                    const std::string& bytes);

}  // namespace feedd
