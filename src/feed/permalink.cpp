#include "feed/permalink.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <optional>
#include <vector>

#include "content/dates.h"
#include "feed/slug.h"
#include "feed/url.h"

namespace feedd {
namespace {

std::string_view last_segment(std::string_view path) {
    const std::size_t slash = path.rfind('/');
    return slash == std::string_view::npos ? path : path.substr(slash + 1);
}

std::string_view first_folder(std::string_view path) {
    const std::size_t slash = path.find('/');
    return slash == std::string_view::npos ? std::string_view{} : path.substr(0, slash);
}

bool digits(std::string_view s) {
    return std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

// "2014-05-06-jekyll-turns-2" → "jekyll-turns-2"; a name that is only a date stays.
std::string_view without_leading_date(std::string_view name) {
    if (name.size() > 11 && digits(name.substr(0, 4)) && name[4] == '-' &&
        digits(name.substr(5, 2)) && name[7] == '-' && digits(name.substr(8, 2)) &&
        (name[10] == '-' || name[10] == '_')) {
        return name.substr(11);
    }
    return name;
}

std::string path_value(const Article& article, std::string_view base) {
    if (article.slug.empty()) return std::string(base);
    const std::size_t slash = base.rfind('/');
    return slash == std::string_view::npos ? article.slug
                                           : std::string(base.substr(0, slash + 1)) + article.slug;
}

std::string categories_value(const Article& article) {
    std::vector<std::string> seen;
    std::string out;
    for (const std::string& category : article.categories) {
        std::string lower = lower_case(category);
        if (lower.empty() || std::find(seen.begin(), seen.end(), lower) != seen.end()) continue;
        if (!out.empty()) out += '/';
        out += lower;
        seen.push_back(std::move(lower));
    }
    return out;
}

std::string padded(int value, int width) {
    char buf[16];
    std::snprintf(buf, sizeof buf, "%0*d", width, value);
    return buf;
}

std::string collapse_slashes(std::string_view s) {
    std::string out;
    out.reserve(s.size());
    for (const char c : s) {
        if (c == '/' && !out.empty() && out.back() == '/') continue;
        out += c;
    }
    return out;
}

}  // namespace

std::string expand_permalink(std::string_view pattern, const Article& article,
                             std::string_view base, std::string_view timezone) {
    std::optional<std::chrono::year_month_day> date;  // computed once, when a date is asked for
    const auto local = [&]() -> const std::chrono::year_month_day& {
        if (!date) date = local_date(article.date, timezone);
        return *date;
    };
    std::string expanded;
    for (std::size_t i = 0; i < pattern.size();) {
        const std::size_t close = pattern[i] == '{' ? pattern.find('}', i) : std::string_view::npos;
        if (close == std::string_view::npos) {
            expanded += pattern[i++];
            continue;
        }
        const std::string_view name = pattern.substr(i + 1, close - i - 1);
        std::string value;
        if (name == "path") {
            value = path_value(article, base);
        } else if (name == "section") {
            value = first_folder(base);
        } else if (name == "slug") {
            value = article.slug.empty() ? std::string(without_leading_date(last_segment(base)))
                                         : article.slug;
        } else if (name == "title") {
            value = title_slug(article.title);
        } else if (name == "title:hugo") {
            value = hugo_title_slug(article.title);
        } else if (name == "year") {
            value = padded(static_cast<int>(local().year()), 4);
        } else if (name == "month") {
            value = padded(static_cast<int>(static_cast<unsigned>(local().month())), 2);
        } else if (name == "day") {
            value = padded(static_cast<int>(static_cast<unsigned>(local().day())), 2);
        } else if (name == "categories") {
            value = categories_value(article);
        } else {
            expanded += pattern[i++];  // not a placeholder: the '{' is text
            continue;
        }
        expanded += detail::encode_path(value);
        i = close + 1;
    }
    // The template's own text may hold characters a URI may not ('{', a space): escaped too (the
    // values are escaped already, and escaping keeps "%XX").
    return detail::escape_uri_reference(collapse_slashes(expanded));
}

}  // namespace feedd
