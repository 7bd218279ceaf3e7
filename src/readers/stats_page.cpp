#include "readers/stats_page.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cstdio>
#include <set>
#include <sstream>

namespace feedd::readers {
namespace {

std::string escaped(std::string_view text) {
    std::string out;
    for (const char c : text) {
        switch (c) {
            case '&':
                out += "&amp;";
                break;
            case '<':
                out += "&lt;";
                break;
            case '>':
                out += "&gt;";
                break;
            case '"':
                out += "&quot;";
                break;
            default:
                out += c;
        }
    }
    return out;
}

std::uint64_t readers_of(const SourceTotals& sources) {
    std::uint64_t n = 0;
    for (const auto& [source, count] : sources) n += source == "bots" ? 0 : count;
    return n;
}

const SourceTotals* day_feed(const DailyTotals& totals, const std::string& day,
                             const std::string& feed) {
    const auto d = totals.find(day);
    if (d == totals.end()) return nullptr;
    const auto f = d->second.find(feed);
    return f == d->second.end() ? nullptr : &f->second;
}

std::uint64_t at(const SourceTotals* sources, const std::string& source) {
    if (!sources) return 0;
    const auto found = sources->find(source);
    return found == sources->end() ? 0 : found->second;
}

// The SVG chart: one polyline per feed (the 8 with most readers now), days on x.
std::string chart(const DailyTotals& totals, const std::vector<std::string>& feeds, Seconds now) {
    constexpr int kWidth = 720, kHeight = 240, kLeft = 48, kBottom = 24, kTop = 8;
    static constexpr const char* kColours[] = {"#1f77b4", "#d62728", "#2ca02c", "#9467bd",
                                               "#ff7f0e", "#17becf", "#8c564b", "#e377c2"};
    std::vector<std::string> days;
    for (int i = kChartDays - 1; i >= 0; --i) days.push_back(day_name(now - std::chrono::days(i)));
    std::uint64_t top = 1;
    for (const auto& feed : feeds)
        for (const auto& day : days)
            if (const auto* s = day_feed(totals, day, feed)) top = std::max(top, readers_of(*s));
    const double x_step = static_cast<double>(kWidth - kLeft - 8) / (kChartDays - 1);
    const double y_scale = static_cast<double>(kHeight - kBottom - kTop) / static_cast<double>(top);
    std::ostringstream svg;
    svg << "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"" << kWidth << "\" height=\""
        << kHeight << "\" role=\"img\" aria-label=\"Daily readers per feed, last " << kChartDays
        << " days\">\n";
    svg << "<line x1=\"" << kLeft << "\" y1=\"" << kHeight - kBottom << "\" x2=\"" << kWidth
        << "\" y2=\"" << kHeight - kBottom << "\" stroke=\"#888\"/>\n";
    svg << "<text x=\"" << kLeft - 4 << "\" y=\"" << kTop + 10
        << "\" text-anchor=\"end\" font-size=\"11\">" << top << "</text><text x=\"" << kLeft - 4
        << "\" y=\"" << kHeight - kBottom << "\" text-anchor=\"end\" font-size=\"11\">0</text>\n";
    svg << "<text x=\"" << kLeft << "\" y=\"" << kHeight - 6 << "\" font-size=\"11\">"
        << days.front() << "</text><text x=\"" << kWidth - 8 << "\" y=\"" << kHeight - 6
        << "\" text-anchor=\"end\" font-size=\"11\">" << days.back() << "</text>\n";
    for (std::size_t f = 0; f < feeds.size(); ++f) {
        svg << "<polyline fill=\"none\" stroke-width=\"2\" stroke=\"" << kColours[f % 8]
            << "\" points=\"";
        for (std::size_t i = 0; i < days.size(); ++i) {
            const auto* s = day_feed(totals, days[i], feeds[f]);
            const double y =
                kHeight - kBottom - (s ? static_cast<double>(readers_of(*s)) * y_scale : 0.0);
            char point[48];
            std::snprintf(point, sizeof point, "%s%.1f,%.1f", i ? " " : "",
                          kLeft + x_step * static_cast<double>(i), y);
            svg << point;
        }
        svg << "\"><title>" << escaped(feeds[f]) << "</title></polyline>\n";
    }
    svg << "</svg>\n";
    return svg.str();
}

std::string label_value(std::string_view text) {
    std::string out;
    for (const char c : text) {
        if (c == '\\' || c == '"') {
            out += '\\';
            out += c;
        } else if (c == '\n') {
            out += "\\n";
        } else {
            out += c;
        }
    }
    return out;
}

// One row of download numbers: an episode's, or the show's sum.
struct DownloadRow {
    std::uint64_t today = 0, yesterday = 0, week = 0, month = 0, total = 0;
    void add(const DownloadRow& other) {
        today += other.today;
        yesterday += other.yesterday;
        week += other.week;
        month += other.month;
        total += other.total;
    }
};

// By media path, and the show (every episode) last.
std::pair<std::map<std::string, DownloadRow>, DownloadRow> download_rows(
    const DailyDownloads& downloads, Seconds now) {
    const auto today = day_name(now);
    const auto yesterday = day_name(now - std::chrono::days(1));
    const auto week = day_name(now - std::chrono::days(6));
    const auto month = day_name(now - std::chrono::days(29));
    std::map<std::string, DownloadRow> rows;
    DownloadRow show;
    for (const auto& [day, media] : downloads) {
        for (const auto& [path, n] : media) {
            DownloadRow one;
            one.total = n;
            if (day == today) one.today = n;
            if (day == yesterday) one.yesterday = n;
            if (day >= week && day <= today) one.week = n;
            if (day >= month && day <= today) one.month = n;
            rows[path].add(one);
            show.add(one);
        }
    }
    return {std::move(rows), show};
}

nlohmann::ordered_json download_row_json(const DownloadRow& row) {
    nlohmann::ordered_json out;
    out["today"] = row.today;
    out["yesterday"] = row.yesterday;
    out["last_7_days"] = row.week;
    out["last_30_days"] = row.month;
    out["total"] = row.total;
    return out;
}

}  // namespace

std::string stats_html(const DailyTotals& totals, const std::vector<FeedCounts>& now_counts,
                       Seconds now, const std::string& site_title,
                       const DailyDownloads* downloads) {
    const auto today = day_name(now);
    const auto yesterday = day_name(now - std::chrono::days(1));
    std::vector<const FeedCounts*> order;
    for (const auto& feed : now_counts) order.push_back(&feed);
    std::stable_sort(order.begin(), order.end(),
                     [](auto* a, auto* b) { return a->readers > b->readers; });

    std::ostringstream html;
    html << "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
            "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
            "<title>Readers — "
         << escaped(site_title)
         << "</title>\n<style>body{font:15px/1.4 system-ui,sans-serif;margin:2em "
            "auto;max-width:48em;padding:0 1em}"
            "table{border-collapse:collapse}td,th{padding:.2em .8em;border-bottom:1px solid "
            "#ddd;text-align:right}"
            "td:first-child,th:first-child,td:nth-child(2),th:nth-child(2){text-align:left}"
            "tr.total td{font-weight:bold}</style></head>\n<body>\n<h1>Readers of "
         << escaped(site_title) << "</h1>\n";
    html << "<p>Counted " << escaped(today)
         << " (UTC) from the requests feedd served: aggregators' own reported counts (latest "
            "report of the last 48 h), "
            "other clients once per network and User-Agent in the last 24 h, bots apart. No "
            "address is kept.</p>\n";
    if (order.empty()) {
        html << "<p>No feed has been fetched yet.</p>\n";
    } else {
        html << "<table>\n<tr><th>feed</th><th>source</th><th>now</th><th>today</th><th>yesterday</"
                "th></tr>\n";
        for (const FeedCounts* feed : order) {
            const auto* day = day_feed(totals, today, feed->feed);
            const auto* before = day_feed(totals, yesterday, feed->feed);
            for (const auto& source : feed->sources) {
                html << "<tr><td>" << escaped(feed->feed) << "</td><td>" << escaped(source.source)
                     << "</td><td>" << source.subscribers << "</td><td>"
                     << std::max(at(day, source.source), source.subscribers) << "</td><td>"
                     << at(before, source.source) << "</td></tr>\n";
            }
            html << "<tr class=\"total\"><td>" << escaped(feed->feed) << "</td><td>readers</td><td>"
                 << feed->readers << "</td><td>"
                 << std::max(day ? readers_of(*day) : 0, feed->readers) << "</td><td>"
                 << (before ? readers_of(*before) : 0) << "</td></tr>\n";
        }
        html << "</table>\n";
    }
    std::vector<std::string> charted;
    for (const FeedCounts* feed : order) {
        if (charted.size() == 8) break;
        charted.push_back(feed->feed);
    }
    if (charted.empty()) {  // nothing fetched since the start: the feeds the totals know
        if (!totals.empty())
            for (const auto& [feed, sources] : totals.rbegin()->second)
                if (charted.size() < 8) charted.push_back(feed);
    }
    if (!charted.empty()) {
        html << "<h2>Daily readers, last " << kChartDays << " days</h2>\n"
             << chart(totals, charted, now);
        html << "<p>";
        static constexpr const char* kColours[] = {"#1f77b4", "#d62728", "#2ca02c", "#9467bd",
                                                   "#ff7f0e", "#17becf", "#8c564b", "#e377c2"};
        for (std::size_t i = 0; i < charted.size(); ++i)
            html << "<span style=\"color:" << kColours[i] << "\">■</span> " << escaped(charted[i])
                 << " ";
        html << "</p>\n";
    }
    if (downloads != nullptr) {
        const auto [rows, show] = download_rows(*downloads, now);
        html << "<h2>Podcast downloads</h2>\n<p>Counted as the IAB Podcast Measurement guidelines "
                "count them: one client (address and User-Agent, hashed) that received at least a "
                "minute of audio or the whole file within 24 h, its ranges added up; bots and "
                "2-byte probes left out.</p>\n";
        if (rows.empty()) {
            html << "<p>No episode has been downloaded yet.</p>\n";
        } else {
            html << "<table>\n<tr><th>episode</th><th>today</th><th>yesterday</th><th>7 "
                    "days</th><th>30 days</th><th>all</th></tr>\n";
            const auto row = [&html](const std::string& name, const DownloadRow& r, bool total) {
                html << (total ? "<tr class=\"total\">" : "<tr>") << "<td>" << escaped(name)
                     << "</td><td>" << r.today << "</td><td>" << r.yesterday << "</td><td>"
                     << r.week << "</td><td>" << r.month << "</td><td>" << r.total
                     << "</td></tr>\n";
            };
            for (const auto& [path, r] : rows) row(path, r, false);
            row("show", show, true);
            html << "</table>\n";
        }
    }
    html << "</body></html>\n";
    return html.str();
}

std::string stats_json(const DailyTotals& totals, const std::vector<FeedCounts>& now_counts,
                       Seconds now, const DailyDownloads* downloads) {
    nlohmann::ordered_json out;
    out["generated"] = day_name(now);
    out["feeds"] = nlohmann::ordered_json::array();
    for (const auto& feed : now_counts) {
        nlohmann::ordered_json f;
        f["feed"] = feed.feed;
        f["readers"] = feed.readers;
        f["sources"] = nlohmann::ordered_json::object();
        for (const auto& source : feed.sources) f["sources"][source.source] = source.subscribers;
        out["feeds"].push_back(std::move(f));
    }
    out["days"] = nlohmann::ordered_json::object();
    const auto oldest = day_name(now - std::chrono::days(kChartDays - 1));
    for (auto it = totals.lower_bound(oldest); it != totals.end(); ++it) {
        auto& day = out["days"][it->first];
        day = nlohmann::ordered_json::object();
        for (const auto& [feed, sources] : it->second) {
            day[feed] = nlohmann::ordered_json::object();
            for (const auto& [source, n] : sources) day[feed][source] = n;
        }
    }
    if (downloads != nullptr) {
        const auto [rows, show] = download_rows(*downloads, now);
        auto& d = out["downloads"];
        d["show"] = download_row_json(show);
        d["episodes"] = nlohmann::ordered_json::array();
        for (const auto& [path, row] : rows) {
            auto episode = download_row_json(row);
            episode["media"] = path;
            d["episodes"].push_back(std::move(episode));
        }
        d["days"] = nlohmann::ordered_json::object();
        for (auto it = downloads->lower_bound(oldest); it != downloads->end(); ++it) {
            auto& day = d["days"][it->first];
            day = nlohmann::ordered_json::object();
            for (const auto& [path, n] : it->second) day[path] = n;
        }
    }
    return out.dump(1) + "\n";
}

std::string metrics_lines(const std::vector<FeedCounts>& now_counts) {
    std::string out =
        "# HELP feedd_feed_subscribers Readers of a feed now, by source (docs/readers.md).\n"
        "# TYPE feedd_feed_subscribers gauge\n";
    for (const auto& feed : now_counts) {
        for (const auto& source : feed.sources) {
            out += "feedd_feed_subscribers{feed=\"" + label_value(feed.feed) + "\",source=\"" +
                   label_value(source.source) + "\"} " + std::to_string(source.subscribers) + "\n";
        }
    }
    return out;
}

std::string download_metrics_lines(const DailyDownloads& downloads) {
    std::map<std::string, std::uint64_t> per_media;
    for (const auto& [day, media] : downloads)
        for (const auto& [path, n] : media) per_media[path] += n;
    std::string out =
        "# HELP feedd_podcast_downloads_total Downloads of an episode over the kept days, by the "
        "IAB rules (docs/podcasts.md).\n"
        "# TYPE feedd_podcast_downloads_total counter\n";
    for (const auto& [path, n] : per_media)
        out += "feedd_podcast_downloads_total{media=\"" + label_value(path) + "\"} " +
               std::to_string(n) + "\n";
    return out;
}

std::string stats_table(const DailyTotals& totals, Seconds now, const DailyDownloads* downloads) {
    const auto today = day_name(now);
    const auto yesterday = day_name(now - std::chrono::days(1));
    std::set<std::string> feeds;
    std::map<std::string, std::set<std::string>> sources;
    for (const auto& day : {today, yesterday}) {
        if (const auto d = totals.find(day); d != totals.end())
            for (const auto& [feed, s] : d->second) {
                feeds.insert(feed);
                for (const auto& [source, n] : s) sources[feed].insert(source);
            }
    }
    std::ostringstream out;
    char line[256];
    std::snprintf(line, sizeof line, "%-40s %-20s %10s %10s\n", "feed", "source", today.c_str(),
                  yesterday.c_str());
    out << line;
    for (const auto& feed : feeds) {
        const auto* t = day_feed(totals, today, feed);
        const auto* y = day_feed(totals, yesterday, feed);
        for (const auto& source : sources[feed]) {
            std::snprintf(line, sizeof line, "%-40s %-20s %10llu %10llu\n", feed.c_str(),
                          source.c_str(), static_cast<unsigned long long>(at(t, source)),
                          static_cast<unsigned long long>(at(y, source)));
            out << line;
        }
        std::snprintf(line, sizeof line, "%-40s %-20s %10llu %10llu\n", feed.c_str(), "readers",
                      static_cast<unsigned long long>(t ? readers_of(*t) : 0),
                      static_cast<unsigned long long>(y ? readers_of(*y) : 0));
        out << line;
    }
    if (feeds.empty()) out << "(no reader counted today or yesterday)\n";
    if (downloads != nullptr) {
        const auto [rows, show] = download_rows(*downloads, now);
        out << "\n";
        std::snprintf(line, sizeof line, "%-50s %10s %10s %8s %8s %10s\n", "podcast downloads",
                      "today", "yesterday", "7 days", "30 days", "all");
        out << line;
        const auto row = [&](const std::string& name, const DownloadRow& r) {
            std::snprintf(line, sizeof line, "%-50s %10llu %10llu %8llu %8llu %10llu\n",
                          name.c_str(), static_cast<unsigned long long>(r.today),
                          static_cast<unsigned long long>(r.yesterday),
                          static_cast<unsigned long long>(r.week),
                          static_cast<unsigned long long>(r.month),
                          static_cast<unsigned long long>(r.total));
            out << line;
        };
        for (const auto& [path, r] : rows) row(path, r);
        row("show", show);
    }
    return out.str();
}

}  // namespace feedd::readers
