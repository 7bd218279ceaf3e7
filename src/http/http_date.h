// HTTP dates (RFC 9110 §5.6.7): IMF-fixdate out; IMF-fixdate, RFC 850 and asctime in.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace feedd::http {

// "Sun, 06 Nov 1994 08:49:37 GMT"
std::string format_http_date(std::chrono::sys_seconds time);

// Accepts the three forms RFC 9110 obliges recipients to read; nullopt for anything else.
std::optional<std::chrono::sys_seconds> parse_http_date(std::string_view text);

}  // namespace feedd::http
