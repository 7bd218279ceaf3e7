// Daily totals of readers per feed and source, the only reader numbers feedd writes down (in
// state_dir/readers.json): counts, never clients. Kept 400 days.
#pragma once

#include <chrono>
#include <cstdint>
#include <expected>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "readers/counter.h"

namespace feedd::readers {

using SourceTotals = std::map<std::string, std::uint64_t>;  // source → subscribers
using FeedTotals = std::map<std::string, SourceTotals>;     // feed path → sources
using DailyTotals = std::map<std::string, FeedTotals>;      // "YYYY-MM-DD" (UTC) → feeds

inline constexpr int kKeptDays = 400;

std::string day_name(Seconds at);  // "2026-12-05", the UTC day

// Folds the counts of `now` into its day: a day's number for a feed and source is the highest seen
// that day (so a restart, whose distinct-client counts start again from nothing, never lowers
// it). Days older than kKeptDays before `now` are dropped.
void merge_counts(DailyTotals& totals, const std::vector<FeedCounts>& counts, Seconds now);

std::string to_json(const DailyTotals& totals);
// The error names `file` and says what is wrong.
std::expected<DailyTotals, std::string> totals_from_json(std::string_view text,
                                                         std::string_view file);

}  // namespace feedd::readers
