// site.permalink's template filled in for one article (docs/content.md, "Permalinks").
#pragma once

#include <string>
#include <string_view>

#include "content/article.h"

namespace feedd {

// Expands the placeholders of kPermalinkPlaceholders (config.h) in `pattern` for `article`,
// each value percent-encoded as a URL path (UTF-8 bytes as %XX, '/' kept); anything else is
// copied (config loading has rejected unknown "{name}"s) and percent-encoded where a URI needs it;
// every run of '/' becomes one, so an empty value leaves no "//". The result is relative to
// site.url.
//   {path}       `base` (the article's path without extension), its last segment replaced by
//                Article::slug when set: "posts/2020-my-file" + slug "nice" → "posts/nice"
//   {section}    the first folder of `base`; empty for a top-level file
//   {slug}       Article::slug, else the last segment of `base` without a leading "YYYY-MM-DD-"
//                (or "YYYY-MM-DD_")
//   {title}      title_slug(Article::title) (slug.h)
//   {title:hugo} hugo_title_slug(Article::title) (slug.h): Hugo's `:title`, which keeps '/'
//   {year} {month} {day}   of Article::date in `timezone`, zero-padded ("2024", "04", "09")
//   {categories} Article::categories lowercased, duplicates dropped, joined with '/' (Jekyll)
// Deterministic: no clock, and the tz database only for a date placeholder outside UTC.
std::string expand_permalink(std::string_view pattern, const Article& article,
                             std::string_view base, std::string_view timezone);

}  // namespace feedd
