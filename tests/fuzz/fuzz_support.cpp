#include "fuzz/fuzz_support.h"

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <nlohmann/json.hpp>
#include <pugixml.hpp>

#include "feed/feed.h"
#include "feed/writers.h"

namespace feedd::fuzz {

bool is_known_finding(std::string_view id) {
    static const std::string known = [] {
        const char* env = std::getenv("FEEDD_FUZZ_KNOWN");
        return " " + std::string(env ? env : "") + " ";
    }();
    return known.find(" " + std::string(id) + " ") != std::string::npos;
}

Config site_config() {
    Config config;
    config.file = "/fuzz/feedd.yaml";
    config.site.title = "Fuzz & <Friends>";
    config.site.url = "https://news.example.org/";
    config.site.description = "Articles made up by a fuzzer";
    config.site.author = {"Editor", "editor@example.org"};
    config.content.dir = "/fuzz/content";
    config.content.timezone = "Europe/Berlin";
    config.feeds.full_content = true;
    config.state_dir = "/fuzz/state";
    return config;
}

// Hand-written: the check must look at the serialized bytes and at decoded values alike, and the
// rule is one production of the XML spec.
std::size_t first_forbidden_xml_char(std::string_view text) {
    const auto* s = reinterpret_cast<const unsigned char*>(text.data());
    const std::size_t n = text.size();
    std::size_t i = 0;
    while (i < n) {
        const unsigned char c = s[i];
        char32_t cp = 0;
        std::size_t len = 0;
        if (c < 0x80) {
            cp = c;
            len = 1;
        } else if ((c & 0xE0) == 0xC0) {
            cp = c & 0x1F;
            len = 2;
        } else if ((c & 0xF0) == 0xE0) {
            cp = c & 0x0F;
            len = 3;
        } else if ((c & 0xF8) == 0xF0) {
            cp = c & 0x07;
            len = 4;
        } else {
            return i;
        }
        if (i + len > n) return i;
        for (std::size_t k = 1; k < len; ++k) {
            if ((s[i + k] & 0xC0) != 0x80) return i;
            cp = (cp << 6) | (s[i + k] & 0x3F);
        }
        constexpr char32_t kMin[] = {0, 0, 0x80, 0x800, 0x10000};
        if (cp < kMin[len]) return i;  // overlong
        const bool allowed = cp == 0x9 || cp == 0xA || cp == 0xD || (cp >= 0x20 && cp <= 0xD7FF) ||
                             (cp >= 0xE000 && cp <= 0xFFFD) || (cp >= 0x10000 && cp <= 0x10FFFF);
        if (!allowed) return i;
        i += len;
    }
    return std::string_view::npos;
}

namespace {

// For the failure message: the value with bytes outside printable ASCII as \xNN.
std::string shown(std::string_view value) {
    std::string out;
    for (const char c : value.substr(0, 200)) {
        const auto u = static_cast<unsigned char>(c);
        if (u >= 0x20 && u < 0x7F) {
            out += c;
        } else {
            constexpr char kHex[] = "0123456789abcdef";
            out += {'\\', 'x', kHex[u >> 4], kHex[u & 15]};
        }
    }
    return out;
}

void check_values(const pugi::xml_node& node, const char* document) {
    for (const pugi::xml_node& child : node.children()) {
        if (child.type() == pugi::node_pcdata || child.type() == pugi::node_cdata) {
            const std::size_t bad = first_forbidden_xml_char(child.value());
            // Raw bytes were checked before parsing: what is left came from a character reference.
            FEEDD_FUZZ_CHECK_UNLESS_KNOWN("xml-char-ref", bad == std::string_view::npos,
                                          "%s: forbidden character in the text of <%s>: '%s'",
                                          document, node.name(), shown(child.value()).c_str());
        }
        for (const pugi::xml_attribute& attribute : child.attributes()) {
            const std::size_t bad = first_forbidden_xml_char(attribute.value());
            FEEDD_FUZZ_CHECK_UNLESS_KNOWN("xml-char-ref", bad == std::string_view::npos,
                                          "%s: forbidden character in %s/@%s: '%s'", document,
                                          child.name(), attribute.name(),
                                          shown(attribute.value()).c_str());
        }
        check_values(child, document);
    }
}

void check_xml(const std::string& xml, const char* document, std::size_t entries,
               const char* entry_xpath) {
    const std::size_t bad = first_forbidden_xml_char(xml);
    FEEDD_FUZZ_CHECK_UNLESS_KNOWN(
        "config-invalid-utf8", bad == std::string_view::npos,
        "%s: forbidden byte at offset %zu: '%s'", document, bad,
        shown(std::string_view(xml).substr(bad > 40 ? bad - 40 : 0, 80)).c_str());
    pugi::xml_document doc;
    // Character and entity references are decoded, so check_values sees what a reader would.
    const pugi::xml_parse_result parsed = doc.load_buffer(
        xml.data(), xml.size(), pugi::parse_default | pugi::parse_declaration, pugi::encoding_utf8);
    FEEDD_FUZZ_CHECK(parsed, "%s: not well-formed: %s at offset %td", document,
                     parsed.description(), parsed.offset);
    check_values(doc, document);
    const std::size_t found = doc.select_nodes(entry_xpath).size();
    FEEDD_FUZZ_CHECK(found == entries, "%s: %zu entries, expected %zu", document, found, entries);
}

}  // namespace

void check_feeds(const std::vector<Article>& articles, const Config& config) {
    using namespace std::chrono;
    // Far enough ahead that any date the parsers accept with a four-digit year is published.
    const Seconds now = sys_days{year{9999} / December / 31};
    const Feed feed = make_feed(articles, config, now);
    const std::size_t published = static_cast<std::size_t>(std::count_if(
        articles.begin(), articles.end(), [&](const Article& a) { return is_published(a, now); }));
    const std::size_t expected = std::min<std::size_t>(published, config.feeds.limit);
    FEEDD_FUZZ_CHECK(feed.entries.size() == expected, "make_feed: %zu entries, expected %zu",
                     feed.entries.size(), expected);

    check_xml(render_rss(feed), "rss", expected, "/rss/channel/item");
    check_xml(render_atom(feed), "atom", expected,
              "/*[local-name()='feed']/*[local-name()='entry']");

    const std::string json = render_json(feed);
    FEEDD_FUZZ_CHECK(nlohmann::json::accept(json), "feed.json is not JSON");
    const nlohmann::json parsed = nlohmann::json::parse(json);
    FEEDD_FUZZ_CHECK(parsed.at("items").size() == expected, "feed.json: wrong item count");
}

void fuzz_article(std::string_view input, const std::string& path) {
    using namespace std::chrono;
    static const Config config = site_config();

    SourceFile source;
    source.path = path;
    constexpr std::string_view kSidecar = "\n%%sidecar%%\n";
    if (const auto split = input.find(kSidecar); split != std::string_view::npos) {
        source.sidecar = std::string(input.substr(split + kSidecar.size()));
        input = input.substr(0, split);
    }
    source.bytes = std::string(input);
    source.mtime = sys_days{year{2026} / January / 14} + hours{9};

    // A problem in the sidecar names the sidecar (NAME.yaml beside NAME.md).
    const std::string sidecar_path = path.substr(0, path.rfind('.')) + ".yaml";
    const ParseOutcome full = parse_article(source, config.content, Detail::full);
    bool any_error = false;
    for (const Problem& problem : full.problems) {
        FEEDD_FUZZ_CHECK(problem.path == path || problem.path == sidecar_path, "problem names %s",
                         problem.path.c_str());
        FEEDD_FUZZ_CHECK(!problem.message.empty(), "problem without a message");
        FEEDD_FUZZ_CHECK(problem.line >= 0, "negative line");
        any_error = any_error || problem.severity == Severity::error;
    }
    FEEDD_FUZZ_CHECK(full.article.has_value() != any_error,
                     "an article comes out exactly when no problem is an error");

    const ParseOutcome meta = parse_article(source, config.content, Detail::metadata);
    FEEDD_FUZZ_CHECK(meta.article.has_value() == full.article.has_value(),
                     "metadata and full disagree on skipping the file");
    // A metadata read looks at less of the file (scraped pages: the first lines and the last),
    // and must find the same problems on the same lines.
    FEEDD_FUZZ_CHECK(meta.problems.size() == full.problems.size(),
                     "%zu problems by metadata, %zu in full", meta.problems.size(),
                     full.problems.size());
    for (std::size_t i = 0; i < meta.problems.size(); ++i) {
        FEEDD_FUZZ_CHECK(to_string(meta.problems[i]) == to_string(full.problems[i]),
                         "metadata: %s; full: %s", to_string(meta.problems[i]).c_str(),
                         to_string(full.problems[i]).c_str());
    }
    if (!full.article) return;
    FEEDD_FUZZ_CHECK(full.article->path == path, "article path");
    FEEDD_FUZZ_CHECK(meta.article->content_html.empty(), "metadata has a body");
    Article without_body = *full.article;
    without_body.content_html.clear();
    FEEDD_FUZZ_CHECK(without_body.title == meta.article->title, "title differs by detail");
    FEEDD_FUZZ_CHECK(without_body.summary == meta.article->summary, "summary differs by detail");
    FEEDD_FUZZ_CHECK(without_body.date == meta.article->date, "date differs by detail");

    check_feeds({*full.article}, config);
}

}  // namespace feedd::fuzz
