// Shared helpers for the content tests.
#pragma once

#include <date/date.h>

#include <algorithm>
#include <chrono>
#include <string>
#include <string_view>
#include <vector>

#include "content/article.h"

namespace feedd::testing {

inline std::chrono::sys_seconds utc(int y, unsigned m, unsigned d, int h = 0, int min = 0,
                                    int s = 0) {
    return std::chrono::sys_seconds{date::sys_days{date::year{y} / m / d}.time_since_epoch()} +
           std::chrono::hours{h} + std::chrono::minutes{min} + std::chrono::seconds{s};
}

inline std::string iso(std::chrono::sys_seconds t) {
    return date::format("%FT%TZ", t);
}

inline ParseOutcome parse(std::string path, std::string bytes, ContentConfig config = {},
                          std::chrono::sys_seconds mtime = utc(2026, 2, 1, 8)) {
    SourceFile source;
    source.path = std::move(path);
    source.bytes = std::move(bytes);
    source.mtime = mtime;
    return parse_article(source, config);
}

inline const Problem* find_problem(const std::vector<Problem>& problems, std::string_view text) {
    const auto it = std::find_if(problems.begin(), problems.end(), [&](const Problem& p) {
        return p.message.find(text) != std::string::npos;
    });
    return it == problems.end() ? nullptr : &*it;
}

inline int count(std::string_view haystack, std::string_view needle) {
    int n = 0;
    for (auto pos = haystack.find(needle); pos != std::string_view::npos;
         pos = haystack.find(needle, pos + needle.size())) {
        ++n;
    }
    return n;
}

}  // namespace feedd::testing
