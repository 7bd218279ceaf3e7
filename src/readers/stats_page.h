// What a person and a machine see of the reader counts: GET /stats (HTML, no script, nothing
// fetched from elsewhere), /stats.json, the /metrics gauges, and `feedd stats`.
#pragma once

#include <string>
#include <vector>

#include "readers/counter.h"
#include "readers/totals.h"

namespace feedd::readers {

// A table of feeds × sources (now, today, yesterday), and an inline SVG chart of each feed's
// daily readers (bots left out) over the last kChartDays days.
std::string stats_html(const DailyTotals& totals, const std::vector<FeedCounts>& now_counts,
                       Seconds now, const std::string& site_title);
// {"generated": …, "feeds": [{"feed", "readers", "sources": {…}}], "days": {the last kChartDays
// days}}
std::string stats_json(const DailyTotals& totals, const std::vector<FeedCounts>& now_counts,
                       Seconds now);
// Prometheus text lines: feedd_feed_subscribers{feed="/feed.xml",source="feedly"} 42.
std::string metrics_lines(const std::vector<FeedCounts>& now_counts);
// `feedd stats`: a plain-text table of each feed's sources on the latest days of `totals`.
std::string stats_table(const DailyTotals& totals, Seconds now);

inline constexpr int kChartDays = 90;

}  // namespace feedd::readers
