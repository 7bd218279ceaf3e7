// The config loader: the bytes of one feedd.yaml.
// Invariants: an error names the file; a loaded config keeps the promises of config.h (absolute
// paths, a known zone, an http(s) site URL ending in '/', limits in range), and feeds built with
// it (its title, description, author, permalink template and its placeholders) pass check_feeds.
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "config/config.h"
#include "content/dates.h"
#include "fuzz/fuzz_support.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using namespace std::chrono;
    const std::string_view yaml(reinterpret_cast<const char*>(data), size);
    const auto config = feedd::parse_config(yaml, "/fuzz/site/feedd.yaml");
    if (!config) {
        FEEDD_FUZZ_CHECK(config.error().message.starts_with("/fuzz/site/feedd.yaml"),
                         "error does not name the file: %s", config.error().message.c_str());
        return 0;
    }
    FEEDD_FUZZ_CHECK(!config->site.title.empty(), "empty site.title");
    FEEDD_FUZZ_CHECK(
        config->site.url.starts_with("http://") || config->site.url.starts_with("https://"),
        "site.url %s", config->site.url.c_str());
    FEEDD_FUZZ_CHECK(config->site.url.ends_with('/'), "site.url without '/'");
    // Every '{' of the permalink opens a known placeholder.
    const std::string& permalink = config->site.permalink;
    for (std::size_t open = permalink.find('{'); open != std::string::npos;
         open = permalink.find('{', open + 1)) {
        const std::size_t close = permalink.find('}', open);
        FEEDD_FUZZ_CHECK(close != std::string::npos, "unclosed '{' in permalink %s",
                         permalink.c_str());
        const std::string_view name =
            std::string_view(permalink).substr(open + 1, close - open - 1);
        bool known = false;
        for (const std::string_view p : feedd::kPermalinkPlaceholders) known = known || p == name;
        FEEDD_FUZZ_CHECK(known, "unknown placeholder in permalink %s", permalink.c_str());
    }
    FEEDD_FUZZ_CHECK(permalink.find("{path}") != std::string::npos ||
                         permalink.find("{slug}") != std::string::npos ||
                         permalink.find("{title}") != std::string::npos,
                     "permalink %s tells no articles apart", permalink.c_str());
    FEEDD_FUZZ_CHECK(config->content.dir.is_absolute(), "relative content.dir");
    FEEDD_FUZZ_CHECK(config->state_dir.is_absolute(), "relative state_dir");
    FEEDD_FUZZ_CHECK(feedd::is_known_timezone(config->content.timezone), "unknown zone");
    FEEDD_FUZZ_CHECK(config->feeds.limit >= 1, "feeds.limit");
    FEEDD_FUZZ_CHECK(config->server.max_age >= 0, "server.max_age");
    FEEDD_FUZZ_CHECK(config->content.debounce_ms >= 0, "content.debounce_ms");
    FEEDD_FUZZ_CHECK(config->content.max_file_bytes >= 1, "content.max_file_bytes");

    feedd::Article article;
    article.path = "world/a b/ünïcode & <more>.md";
    article.title = "An article";
    article.date = sys_days{year{2026} / January / 14};
    article.summary = "Summary";
    article.content_html = "<p>Body with <a href=\"../rel\">a relative link</a></p>";
    article.tags = {"tag"};
    article.categories = {"Cat \xC3\x9C", "x/y"};
    feedd::fuzz::check_feeds({article}, *config);
    return 0;
}
