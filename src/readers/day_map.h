// The file format both daily ledgers share (readers.json, totals.h; downloads.json, downloads.h):
// {"version": 1, "days": {"YYYY-MM-DD": {...}}}, where each day holds nested objects of counts.
// Internal to readers/; nlohmann::json stays out of the modules' own headers.
#pragma once

#include <nlohmann/json.hpp>

#include <expected>
#include <map>
#include <string>
#include <string_view>
#include <type_traits>

namespace feedd::readers {

// A map of counts, or of maps of counts, as JSON objects in the map's (sorted) order.
template <class Map>
nlohmann::ordered_json counts_object(const Map& map) {
    nlohmann::ordered_json out = nlohmann::ordered_json::object();
    for (const auto& [key, value] : map) {
        if constexpr (std::is_arithmetic_v<std::decay_t<decltype(value)>>) {
            out[key] = value;
        } else {
            out[key] = counts_object(value);
        }
    }
    return out;
}

// The whole file for `days` (from counts_object), ending with a newline.
std::string day_map_to_json(nlohmann::ordered_json days);

// `file: why`, the form of every error about the file.
std::unexpected<std::string> day_map_error(std::string_view file, const std::string& why);

// The "days" object of a file written by day_map_to_json; an error naming `file` when the text is
// not JSON or not that envelope (`what` names the ledger in that message: "downloads", "readers").
// The caller checks what the days hold.
std::expected<nlohmann::json, std::string> day_map_from_json(std::string_view text,
                                                             std::string_view file,
                                                             std::string_view what);

}  // namespace feedd::readers
