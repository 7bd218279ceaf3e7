// Makes the links of an HTML fragment absolute (private to src/feed).
#pragma once

#include <string>
#include <string_view>

namespace feedd::detail {

// Rewrites relative URLs in href (a, area), src (img, source, audio, video, iframe, track),
// poster (video) and srcset (img, source) against `base`, an absolute URL. "#frag" becomes
// absolute too: a feed reader shows the entry without the page, so it has no base to use.
// Absolute URLs, "mailto:" and every other scheme stay exactly as written; so does everything
// that is not one of those attributes (the rest of the fragment is copied byte for byte).
std::string absolutize_links(std::string_view html, std::string_view base);

}  // namespace feedd::detail
