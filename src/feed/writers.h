// Feed model → document bytes. Pure functions: the same feed always gives the same bytes.
#pragma once

#include <string>

#include "feed/feed.h"

namespace feedd {

std::string render_rss(const Feed& feed);    // RSS 2.0
std::string render_atom(const Feed& feed);   // Atom 1.0 (RFC 4287)
std::string render_json(const Feed& feed);   // JSON Feed 1.1
std::string render_index_html(const Feed& feed);  // the site's small HTML page with autodiscovery links

}  // namespace feedd
