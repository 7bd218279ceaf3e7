// Daily totals: what feedd writes down of its readers (readers/totals.h).
#include "readers/totals.h"

#include <gtest/gtest.h>

#include "readers/stats_page.h"

namespace feedd::readers {
namespace {

Seconds at(int y, unsigned m, unsigned d, int hour = 12) {
    using namespace std::chrono;
    return sys_days{year{y} / month{m} / day{d}} + hours{hour};
}

std::vector<FeedCounts> counts(std::uint64_t feedly, std::uint64_t clients) {
    return {{"/feed.xml", {{"clients", clients}, {"feedly", feedly}}, feedly + clients}};
}

TEST(DailyTotals, ADayKeepsTheHighestCountSeenThatDay) {
    DailyTotals totals;
    merge_counts(totals, counts(40, 5), at(2026, 12, 5, 1));
    merge_counts(totals, counts(42, 2),
                 at(2026, 12, 5, 9));  // a restart: clients start from nothing
    merge_counts(totals, counts(41, 3), at(2026, 12, 6, 0));
    EXPECT_EQ(totals["2026-12-05"]["/feed.xml"]["feedly"], 42u);
    EXPECT_EQ(totals["2026-12-05"]["/feed.xml"]["clients"], 5u);
    EXPECT_EQ(totals["2026-12-06"]["/feed.xml"]["feedly"], 41u);
}

TEST(DailyTotals, FourHundredDaysAreKept) {
    DailyTotals totals;
    merge_counts(totals, counts(1, 1), at(2025, 1, 1));
    merge_counts(totals, counts(1, 1), at(2025, 2, 4));  // 399 days before 2026-03-10
    merge_counts(totals, counts(2, 2), at(2026, 3, 10));
    EXPECT_FALSE(totals.contains("2025-01-01"));
    EXPECT_TRUE(totals.contains("2025-02-04"));
    EXPECT_EQ(totals.size(), 2u);
}

TEST(DailyTotals, ReadBackFromTheirFileAndErrorsNameIt) {
    DailyTotals totals;
    merge_counts(totals, counts(42, 3), at(2026, 12, 5));
    const auto again = totals_from_json(to_json(totals), "state/readers.json");
    ASSERT_TRUE(again) << again.error();
    EXPECT_EQ(*again, totals);
    const auto bad = totals_from_json(
        "{\"version\":1,\"days\":{\"2026-12-05\":{\"/feed.xml\":{\"feedly\":-1}}}}",
        "state/readers.json");
    ASSERT_FALSE(bad);
    EXPECT_EQ(bad.error(),
              "state/readers.json: day 2026-12-05, feed /feed.xml: feedly is not a count");
    EXPECT_FALSE(totals_from_json("not json", "f"));
    // Any "version" but the number 1 is another file: an error, never an exception.
    for (const char* other :
         {"{\"version\": \"1\", \"days\": {}}", "{\"version\": 1.5, \"days\": {}}",
          "{\"version\": true, \"days\": {}}"}) {
        const auto read = totals_from_json(other, "state/readers.json");
        ASSERT_FALSE(read) << other;
        EXPECT_EQ(read.error(),
                  "state/readers.json: not feedd's readers file (version 1, with \"days\")");
    }
}

TEST(StatsPage, ShowsEachFeedAndSourceAndAChartWithoutScripts) {
    DailyTotals totals;
    merge_counts(totals, counts(30, 1), at(2026, 12, 4));
    const auto now = at(2026, 12, 5);
    const auto html = stats_html(totals, counts(42, 3), now, "A <site>");
    EXPECT_NE(html.find("<title>Readers — A &lt;site&gt;</title>"), std::string::npos);
    EXPECT_NE(
        html.find("<tr><td>/feed.xml</td><td>feedly</td><td>42</td><td>42</td><td>30</td></tr>"),
        std::string::npos)
        << html;
    EXPECT_NE(html.find("<td>readers</td><td>45</td>"), std::string::npos);
    EXPECT_NE(html.find("<svg"), std::string::npos);
    EXPECT_EQ(html.find("<script"), std::string::npos);
    // Nothing fetched from elsewhere: no src, no stylesheet link (the SVG's xmlns is a name).
    EXPECT_EQ(html.find("src="), std::string::npos);
    EXPECT_EQ(html.find("<link"), std::string::npos);
    const auto metrics = metrics_lines(counts(42, 3));
    EXPECT_NE(metrics.find("feedd_feed_subscribers{feed=\"/feed.xml\",source=\"feedly\"} 42\n"),
              std::string::npos);
    EXPECT_NE(stats_json(totals, counts(42, 3), now).find("\"feedly\": 42"), std::string::npos);
    EXPECT_NE(stats_table(totals, now).find("feedly"), std::string::npos);
}

}  // namespace
}  // namespace feedd::readers
