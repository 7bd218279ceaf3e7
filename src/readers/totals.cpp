#include "readers/totals.h"

#include <cstdio>

#include "readers/day_map.h"

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
    return day_map_to_json(counts_object(totals));
}

std::expected<DailyTotals, std::string> totals_from_json(std::string_view text,
                                                         std::string_view file) {
    const auto days = day_map_from_json(text, file, "readers");
    if (!days) return std::unexpected(days.error());
    const auto bad = [&](const std::string& why) { return day_map_error(file, why); };
    DailyTotals totals;
    for (const auto& [day, feeds] : days->items()) {
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
