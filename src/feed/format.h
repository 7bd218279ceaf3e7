// Small formatting rules shared by the writers (private to src/feed).
#pragma once

#include <string>
#include <string_view>

#include "content/article.h"

namespace feedd::detail {

// "Fri, 05 Apr 2024 12:20:00 +0000": RFC 822 as updated by RFC 1123 (4-digit year), which the
// RSS Advisory Board profile asks for.
std::string rfc822(Seconds t);

// "2024-04-05T12:20:00Z": RFC 3339 in UTC, for Atom and JSON Feed.
std::string rfc3339(Seconds t);

// A language as an RFC 5646-shaped tag ("en", "pt-BR"), or empty when `lang` is not one even
// after turning '_' into '-' (so "en_US" still works and garbage is left out, not published).
std::string language_tag(std::string_view lang);

// "Name <email>" is not a format any feed uses; these are the ones they do.
std::string rss_author(const Person& person);  // "email (Name)", or "email"; empty without email

}  // namespace feedd::detail
