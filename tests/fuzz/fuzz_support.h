// Checks shared by the fuzz targets. A failed invariant aborts (via FEEDD_FUZZ_CHECK), which
// libFuzzer reports as a crash with the input that caused it.
#pragma once

#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "config/config.h"
#include "content/article.h"

// Not assert(): the targets are built with NDEBUG in RelWithDebInfo, and a broken invariant must
// stop the fuzzer in every build type.
#define FEEDD_FUZZ_CHECK(condition, ...)                                                           \
    do {                                                                                           \
        if (!(condition)) {                                                                        \
            std::fprintf(stderr, "%s:%d: invariant failed: %s\n", __FILE__, __LINE__, #condition); \
            std::fprintf(stderr, "" __VA_ARGS__);                                                  \
            std::fputc('\n', stderr);                                                              \
            std::abort();                                                                          \
        }                                                                                          \
    } while (false)

// A known finding not fixed yet (tests/fuzz/findings/<id>/) is tolerated when FEEDD_FUZZ_KNOWN
// (space-separated ids; the Makefile lists that folder) names it, so fuzzing goes on past it; the
// moment its folder is removed, the check is enforced again.
#define FEEDD_FUZZ_CHECK_UNLESS_KNOWN(id, condition, ...) \
    FEEDD_FUZZ_CHECK((condition) || ::feedd::fuzz::is_known_finding(id), __VA_ARGS__)

namespace feedd::fuzz {

bool is_known_finding(std::string_view id);

// The config the article targets build feeds with: a plausible site, full content in feeds.
Config site_config();

// Renders the articles through make_feed and every writer, and checks each document: RSS and
// Atom are well-formed XML (pugixml) without characters XML 1.0 forbids (raw or as character
// references), JSON Feed parses as JSON, and every published article is an entry.
void check_feeds(const std::vector<Article>& articles, const Config& config);

// Splits the input at the first "\n%%sidecar%%\n" into the file and its sidecar, parses it as the
// article at `path` (its extension picks the parser), and checks: problems name the file or its
// sidecar; an article comes out only with no error; Detail::metadata agrees with Detail::full
// except for the body; the feeds built from it pass check_feeds.
void fuzz_article(std::string_view input, const std::string& path);

// The first code point XML 1.0 does not allow (Char production, §2.2) or the offset of invalid
// UTF-8; npos when the text is clean.
std::size_t first_forbidden_xml_char(std::string_view text);

}  // namespace feedd::fuzz
