// What a person and a machine see of the reader counts: GET /stats (HTML, no script, nothing
// fetched from elsewhere), /stats.json, the /metrics gauges, and `feedd stats`.
#pragma once

#include <string>
#include <vector>

#include "readers/counter.h"
#include "readers/downloads.h"
#include "readers/totals.h"

namespace feedd::readers {

// A table of feeds × sources (now, today, yesterday), and an inline SVG chart of each feed's
// daily readers (bots left out) over the last kChartDays days.
// With `downloads` (a podcast), a table of each episode's downloads (today, yesterday, the last 7
// and 30 days, all kept days) and the show's sum follows.
std::string stats_html(const DailyTotals& totals, const std::vector<FeedCounts>& now_counts,
                       Seconds now, const std::string& site_title,
                       const DailyDownloads* downloads = nullptr);
// {"generated": …, "feeds": [{"feed", "readers", "sources": {…}}], "days": {the last kChartDays
// days}}
// With `downloads`: "downloads": {"show": {"today", "yesterday", "last_7_days", "last_30_days",
// "total"}, "episodes": [{"media", the same numbers}], "days": {the last kChartDays days}}.
std::string stats_json(const DailyTotals& totals, const std::vector<FeedCounts>& now_counts,
                       Seconds now, const DailyDownloads* downloads = nullptr);
// Prometheus text lines: feedd_feed_subscribers{feed="/feed.xml",source="feedly"} 42.
std::string metrics_lines(const std::vector<FeedCounts>& now_counts);
// `feedd stats`: a plain-text table of each feed's sources on the latest days of `totals`.
std::string stats_table(const DailyTotals& totals, Seconds now,
                        const DailyDownloads* downloads = nullptr);
// feedd_podcast_downloads_total{media="/media/episodes/042-guest.mp3"} 12: each episode's
// downloads over the kept days.
std::string download_metrics_lines(const DailyDownloads& downloads);

inline constexpr int kChartDays = 90;

}  // namespace feedd::readers
