#include "readers/totals.h"

#include <nlohmann/json.hpp>

#include <cstdio>

namespace feedd::readers {

std::string day_name(Seconds at) {
    const std::chrono::year_month_day ymd{std::chrono::floor<std::chrono::days>(at)};
    char text[16];
    std::snprintf(text, sizeof text, "%04d-%02u-%02u", static_cast<int>(ymd.year()),
                  static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()));
    return text;
}

void merge_counts(DailyTotals& totals, const std::vector<FeedCounts>& counts, Seconds now) {
    auto& day = totals[day_name(now)];
    for (const auto& feed : counts) {
        auto& sources = day[feed.feed];
        for (const auto& source : feed.sources) {
            auto& kept = sources[source.source];
            kept = std::max(kept, source.subscribers);
        }
    }
    const auto oldest = day_name(now - std::chrono::days(kKeptDays - 1));
    totals.erase(totals.begin(), totals.lower_bound(oldest));
}

std::string to_json(const DailyTotals& totals) {
    nlohmann::ordered_json days = nlohmann::ordered_json::object();
    for (const auto& [day, feeds] : totals) {
        auto& out = days[day];
        out = nlohmann::ordered_json::object();
        for (const auto& [feed, sources] : feeds) {
            auto& per_feed = out[feed];
            per_feed = nlohmann::ordered_json::object();
            for (const auto& [source, n] : sources) per_feed[source] = n;
        }
    }
    nlohmann::ordered_json document;
    document["version"] = 1;
    document["days"] = std::move(days);
    return document.dump(1) + "\n";
}

std::expected<DailyTotals, std::string> totals_from_json(std::string_view text,
                                                         std::string_view file) {
    const auto bad = [&](const std::string& why) {
        return std::unexpected(std::string(file) + ": " + why);
    };
    nlohmann::json document;
    try {
        document = nlohmann::json::parse(text, nullptr, false);
    } catch (const nlohmann::json::exception& error) {
        return bad(std::string("not JSON feedd can read: ") + error.what());
    }
    if (document.is_discarded()) return bad("not JSON");
    if (!document.is_object() || document.value("version", 0) != 1 || !document.contains("days") ||
        !document["days"].is_object())
        return bad("not feedd's readers file (version 1, with \"days\")");
    DailyTotals totals;
    for (const auto& [day, feeds] : document["days"].items()) {
        if (!feeds.is_object()) return bad("day " + day + " is not an object");
        for (const auto& [feed, sources] : feeds.items()) {
            if (!sources.is_object())
                return bad("day " + day + ", feed " + feed + " is not an object");
            for (const auto& [source, n] : sources.items()) {
                if (!n.is_number_unsigned())
                    return bad("day " + day + ", feed " + feed + ": " + source + " is not a count");
                totals[day][feed][source] = n.get<std::uint64_t>();
            }
        }
    }
    return totals;
}

}  // namespace feedd::readers
