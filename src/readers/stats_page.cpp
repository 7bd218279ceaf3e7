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

}  // namespace

std::string stats_html(const DailyTotals& totals, const std::vector<FeedCounts>& now_counts,
                       Seconds now, const std::string& site_title) {
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
    html << "</body></html>\n";
    return html.str();
}

std::string stats_json(const DailyTotals& totals, const std::vector<FeedCounts>& now_counts,
                       Seconds now) {
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

std::string stats_table(const DailyTotals& totals, Seconds now) {
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
    return out.str();
}

}  // namespace feedd::readers
