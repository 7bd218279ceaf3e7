#include "readers/day_map.h"

namespace feedd::readers {

std::string day_map_to_json(nlohmann::ordered_json days) {
    nlohmann::ordered_json document;
    document["version"] = 1;
    document["days"] = std::move(days);
    return document.dump(1) + "\n";
}

std::unexpected<std::string> day_map_error(std::string_view file, const std::string& why) {
    return std::unexpected(std::string(file) + ": " + why);
}

std::expected<nlohmann::json, std::string> day_map_from_json(std::string_view text,
                                                             std::string_view file,
                                                             std::string_view what) {
    nlohmann::json document;
    try {
        document = nlohmann::json::parse(text, nullptr, false);
    } catch (const nlohmann::json::exception& error) {  // a number beyond a double
        return day_map_error(file, std::string("not JSON feedd can read: ") + error.what());
    }
    if (document.is_discarded()) return day_map_error(file, "not JSON");
    // Compared as JSON values: a "version" of another type is simply not 1.
    if (!document.is_object() || !document.contains("version") || document["version"] != 1 ||
        !document.contains("days") || !document["days"].is_object())
        return day_map_error(
            file, "not feedd's " + std::string(what) + " file (version 1, with \"days\")");
    return std::move(document["days"]);
}

}  // namespace feedd::readers
