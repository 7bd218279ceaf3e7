// The browser view is read back from the feed document rather than rendered from the Feed model:
// the snapshot does not keep the model, and every kind of feed (site, tag, section, author) gets
// its view the same way, from the bytes readers get. The page is one small fixed template, written
// by hand; every inserted value goes through escape().
#include "feed/browser_view.h"

#include <chrono>
#include <memory>
#include <nlohmann/json.hpp>
#include <pugixml.hpp>
#include <stdexcept>

#include "content/dates.h"
#include "content/text_clean.h"
#include "feed/compress.h"
#include "feed/snapshot.h"

namespace feedd {
namespace {

using Spans = std::vector<std::pair<std::size_t, std::size_t>>;

struct ViewEntry {
    std::string title;
    std::string link;
    std::string date;  // as the feed writes it
    std::string summary;
};

struct ViewModel {
    std::string format;  // "RSS", "Atom", "JSON Feed"
    std::string title;
    std::string description;
    std::string home;
    std::vector<ViewEntry> entries;
};

std::string escape(std::string_view text) {
    return escape_html(text, true);
}

// Only http(s) links become hrefs: a feed's text is not trusted to be a safe URL.
bool is_web_url(std::string_view url) {
    return url.starts_with("https://") || url.starts_with("http://");
}

// "5 April 2021", or the text as written when it is not a date feedd reads.
std::string display_date(std::string_view text) {
    static constexpr const char* kMonths[] = {"January",   "February", "March",    "April",
                                              "May",       "June",     "July",     "August",
                                              "September", "October",  "November", "December"};
    const auto parsed = parse_date(text, "UTC", std::chrono::sys_seconds{});
    if (!parsed) return std::string(text);
    const std::chrono::year_month_day ymd{std::chrono::floor<std::chrono::days>(*parsed)};
    return std::to_string(unsigned(ymd.day())) + " " + kMonths[unsigned(ymd.month()) - 1] + " " +
           std::to_string(int(ymd.year()));
}

// The start of `node`'s markup: offset_debug() points into the tag, not always at its '<'.
std::size_t markup_start(std::string_view doc, const pugi::xml_node& node) {
    const std::ptrdiff_t at = node.offset_debug();
    if (at < 0 || std::size_t(at) >= doc.size()) throw std::runtime_error("no source offset");
    const auto lt = doc.rfind('<', std::size_t(at));
    if (lt == std::string_view::npos) throw std::runtime_error("no '<' before an element");
    return lt;
}

// Spans of the `name` children of `parent`. Each ends at its own close tag, found backwards
// from where the next node (or the parent's close tag) begins: only whitespace lies between.
Spans element_spans(std::string_view doc, const pugi::xml_node& parent, const char* name) {
    Spans spans;
    const std::string close = std::string("</") + name + ">";
    const std::string parent_close = std::string("</") + parent.name() + ">";
    for (pugi::xml_node child = parent.child(name); child; child = child.next_sibling(name)) {
        const std::size_t begin = markup_start(doc, child);
        std::size_t bound;
        if (pugi::xml_node next = child.next_sibling()) {
            bound = markup_start(doc, next);
        } else {
            bound = doc.rfind(parent_close);
            if (bound == std::string_view::npos) throw std::runtime_error("no " + parent_close);
        }
        const auto end_tag = doc.rfind(close, bound);
        if (end_tag == std::string_view::npos || end_tag < begin) {
            throw std::runtime_error("no " + close + " for an entry");
        }
        spans.emplace_back(begin, end_tag + close.size());
    }
    return spans;
}

std::string child_text(const pugi::xml_node& node, const char* name) {
    return node.child(name).text().get();
}

void read_rss(std::string_view doc, const pugi::xml_document& xml, ViewModel& model, Spans& spans) {
    const pugi::xml_node channel = xml.child("rss").child("channel");
    if (!channel) throw std::runtime_error("no rss/channel element");
    model.format = "RSS";
    model.title = child_text(channel, "title");
    model.description = child_text(channel, "description");
    model.home = child_text(channel, "link");
    for (const pugi::xml_node item : channel.children("item")) {
        model.entries.push_back({child_text(item, "title"), child_text(item, "link"),
                                 child_text(item, "pubDate"), child_text(item, "description")});
    }
    spans = element_spans(doc, channel, "item");
}

std::string atom_alternate(const pugi::xml_node& node) {
    for (const pugi::xml_node link : node.children("link")) {
        const std::string_view rel = link.attribute("rel").as_string("alternate");
        if (rel == "alternate") return link.attribute("href").as_string();
    }
    return {};
}

void read_atom(std::string_view doc, const pugi::xml_document& xml, ViewModel& model,
               Spans& spans) {
    const pugi::xml_node feed = xml.child("feed");
    if (!feed) throw std::runtime_error("no feed element");
    model.format = "Atom";
    model.title = child_text(feed, "title");
    model.description = child_text(feed, "subtitle");
    model.home = atom_alternate(feed);
    for (const pugi::xml_node entry : feed.children("entry")) {
        std::string date = child_text(entry, "published");
        if (date.empty()) date = child_text(entry, "updated");
        model.entries.push_back({child_text(entry, "title"), atom_alternate(entry), date,
                                 child_text(entry, "summary")});
    }
    spans = element_spans(doc, feed, "entry");
}

// Byte positions of JSON values. Hand-written because nlohmann::json (which checks the document
// first) reports no positions; the document is known to be valid JSON here, so this only has to
// skip strings and nesting correctly.
class JsonScanner {
  public:
    explicit JsonScanner(std::string_view doc) : doc_(doc) {}

    // Spans of the elements of the top-level member "items" (an array).
    Spans items() {
        skip_ws();
        expect('{');
        skip_ws();
        if (peek() == '}') return {};
        while (true) {
            skip_ws();
            const std::size_t key_begin = pos_;
            skip_string();
            const std::string_view key = doc_.substr(key_begin, pos_ - key_begin);
            skip_ws();
            expect(':');
            skip_ws();
            if (key == "\"items\"" && peek() == '[') return elements();
            skip_value();
            skip_ws();
            if (peek() != ',') throw std::runtime_error("JSON Feed without items");
            ++pos_;
        }
    }

  private:
    Spans elements() {
        Spans spans;
        expect('[');
        skip_ws();
        if (peek() == ']') return spans;
        while (true) {
            skip_ws();
            const std::size_t begin = pos_;
            skip_value();
            spans.emplace_back(begin, pos_);
            skip_ws();
            if (peek() == ']') return spans;
            expect(',');
        }
    }

    char peek() const {
        if (pos_ >= doc_.size()) throw std::runtime_error("JSON ends early");
        return doc_[pos_];
    }
    void expect(char c) {
        if (peek() != c) throw std::runtime_error(std::string("JSON: expected ") + c);
        ++pos_;
    }
    void skip_ws() {
        while (pos_ < doc_.size() && (doc_[pos_] == ' ' || doc_[pos_] == '\n' ||
                                      doc_[pos_] == '\r' || doc_[pos_] == '\t')) {
            ++pos_;
        }
    }
    void skip_string() {
        expect('"');
        while (peek() != '"') pos_ += peek() == '\\' ? 2 : 1;
        ++pos_;
    }
    void skip_value() {
        const char c = peek();
        if (c == '"') return skip_string();
        if (c != '{' && c != '[') {  // number, true, false, null
            while (pos_ < doc_.size() && doc_[pos_] != ',' && doc_[pos_] != '}' &&
                   doc_[pos_] != ']' && doc_[pos_] != ' ' && doc_[pos_] != '\n') {
                ++pos_;
            }
            return;
        }
        int depth = 0;
        do {
            const char d = peek();
            if (d == '"') {
                skip_string();
                continue;
            }
            if (d == '{' || d == '[') ++depth;
            if (d == '}' || d == ']') --depth;
            ++pos_;
        } while (depth > 0);
    }

    std::string_view doc_;
    std::size_t pos_ = 0;
};

std::string json_string(const nlohmann::json& object, const char* key) {
    const auto it = object.find(key);
    return it != object.end() && it->is_string() ? it->get<std::string>() : std::string{};
}

void read_json(std::string_view doc, ViewModel& model, Spans& spans) {
    const auto json = nlohmann::json::parse(doc, nullptr, false);
    if (!json.is_object()) throw std::runtime_error("not a JSON object");
    model.format = "JSON Feed";
    model.title = json_string(json, "title");
    model.description = json_string(json, "description");
    model.home = json_string(json, "home_page_url");
    if (const auto items = json.find("items"); items != json.end() && items->is_array()) {
        for (const auto& item : *items) {
            if (!item.is_object()) continue;
            std::string summary = json_string(item, "summary");
            if (summary.empty()) summary = json_string(item, "content_text");
            model.entries.push_back({json_string(item, "title"), json_string(item, "url"),
                                     json_string(item, "date_published"), summary});
        }
    }
    spans = JsonScanner(doc).items();
    if (spans.size() != model.entries.size()) throw std::runtime_error("JSON items miscounted");
}

constexpr std::string_view kStyle = R"(
body{font:17px/1.55 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#1f2328;background:#fff;margin:0}
main{max-width:46rem;margin:0 auto;padding:2rem 1.25rem 4rem}
.about{background:#fff8e1;border:1px solid #f0d98c;border-radius:8px;padding:1rem 1.25rem;margin:1.5rem 0 2rem}
.about p{margin:.4rem 0}
.url{display:block;font:15px/1.4 ui-monospace,SFMono-Regular,Menlo,monospace;background:#fff;border:1px solid #d0d7de;border-radius:6px;padding:.5rem .75rem;overflow-wrap:anywhere;user-select:all}
h1{font-size:1.9rem;line-height:1.2;margin:0 0 .25rem}
.description{color:#57606a;margin:0}
h2{font-size:1.2rem;margin:2rem 0 .5rem;border-bottom:1px solid #d8dee4;padding-bottom:.3rem}
ol{list-style:none;padding:0;margin:0}
li{margin:0 0 1.5rem}
li h3{font-size:1.15rem;margin:0}
a{color:#0969da}
time{color:#57606a;font-size:.9rem}
li p{margin:.3rem 0 0}
@media (prefers-color-scheme:dark){body{background:#0d1117;color:#e6edf3}.about{background:#2b2611;border-color:#6b5a1e}.url{background:#161b22;border-color:#30363d}.description,time{color:#8d96a0}a{color:#4493f8}h2{border-color:#30363d}}
)";

std::string render_page(const ViewModel& model, std::string_view feed_url,
                        std::string_view content_type) {
    const std::string title = model.title.empty() ? std::string("Feed") : model.title;
    std::string html;
    html.reserve(4096 + model.entries.size() * 512);
    html += "<!DOCTYPE html>\n<html>\n<head>\n<meta charset=\"utf-8\">\n";
    html += "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n";
    html += "<meta name=\"robots\" content=\"noindex\">\n";
    html += "<title>" + escape(title) + " (" + escape(model.format) + " feed)</title>\n";
    html += "<link rel=\"alternate\" type=\"" +
            escape(content_type.substr(0, content_type.find(';'))) + "\" title=\"" + escape(title) +
            "\" href=\"" + escape(feed_url) + "\">\n";
    html += "<style>" + std::string(kStyle) + "</style>\n</head>\n<body>\n<main>\n";
    html += "<h1>" + escape(title) + "</h1>\n";
    if (!model.description.empty() && model.description != model.title) {
        html += "<p class=\"description\">" + escape(model.description) + "</p>\n";
    }
    html += "<section class=\"about\">\n<p><strong>This is a web feed</strong> (" +
            escape(model.format) +
            "). Subscribe by copying its address into your feed reader:</p>\n";
    html += "<code class=\"url\">" + escape(feed_url) + "</code>\n";
    html +=
        "<p>Feed readers get new articles as soon as they are published. New to feeds? "
        "<a href=\"https://aboutfeeds.com/\">About Feeds</a> explains how they work.";
    if (is_web_url(model.home)) {
        html += " Or <a href=\"" + escape(model.home) + "\">visit the website</a>.";
    }
    html += "</p>\n</section>\n";
    html += "<h2>Latest entries</h2>\n";
    if (model.entries.empty()) html += "<p>No entries yet.</p>\n";
    html += "<ol>\n";
    for (const ViewEntry& e : model.entries) {
        const std::string entry_title = e.title.empty() ? std::string("(untitled)") : e.title;
        html += "<li>\n<h3>";
        if (is_web_url(e.link)) {
            html += "<a href=\"" + escape(e.link) + "\">" + escape(entry_title) + "</a>";
        } else {
            html += escape(entry_title);
        }
        html += "</h3>\n";
        if (!e.date.empty()) {
            html += "<time datetime=\"" + escape(e.date) + "\">" + escape(display_date(e.date)) +
                    "</time>\n";
        }
        if (!e.summary.empty()) html += "<p>" + escape(e.summary) + "</p>\n";
        html += "</li>\n";
    }
    html += "</ol>\n</main>\n</body>\n</html>\n";
    return html;
}

// Renders RSS 2.0 and Atom 1.0 in browsers that honour <?xml-stylesheet?> but send no
// Sec-Fetch-* headers (those get the HTML view instead).
constexpr std::string_view kStylesheet = R"xsl(<?xml version="1.0" encoding="utf-8"?>
<xsl:stylesheet version="1.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
    xmlns:atom="http://www.w3.org/2005/Atom" exclude-result-prefixes="atom">
  <xsl:output method="html" encoding="utf-8" doctype-system="about:legacy-compat"/>
  <xsl:template match="/">
    <xsl:variable name="title" select="rss/channel/title | atom:feed/atom:title"/>
    <html>
      <head>
        <meta name="viewport" content="width=device-width, initial-scale=1"/>
        <title><xsl:value-of select="$title"/> (web feed)</title>
        <style>body{font:17px/1.55 system-ui,sans-serif;max-width:46rem;margin:0 auto;padding:2rem 1.25rem}.about{background:#fff8e1;border:1px solid #f0d98c;border-radius:8px;padding:1rem 1.25rem}time{color:#57606a;font-size:.9rem}li{margin:0 0 1.5rem;list-style:none}ol{padding:0}h3{margin:0;font-size:1.15rem}</style>
      </head>
      <body>
        <h1><xsl:value-of select="$title"/></h1>
        <p><xsl:value-of select="rss/channel/description | atom:feed/atom:subtitle"/></p>
        <p class="about"><strong>This is a web feed.</strong> Subscribe by copying the address
          of this page from the address bar into your feed reader.</p>
        <ol>
          <xsl:for-each select="rss/channel/item | atom:feed/atom:entry">
            <li>
              <h3><a href="{link | atom:link[not(@rel) or @rel='alternate']/@href}"><xsl:value-of select="title | atom:title"/></a></h3>
              <time><xsl:value-of select="pubDate | atom:published | atom:updated[not(../atom:published)]"/></time>
              <p><xsl:value-of select="description | atom:summary"/></p>
            </li>
          </xsl:for-each>
        </ol>
      </body>
    </html>
  </xsl:template>
</xsl:stylesheet>
)xsl";

}  // namespace

std::expected<FeedView, std::string> view_feed(std::string_view content_type,
                                               std::string_view document,
                                               std::string_view feed_url) {
    try {
        ViewModel model;
        FeedView view;
        if (content_type.starts_with("application/feed+json")) {
            read_json(document, model, view.entry_spans);
        } else {
            pugi::xml_document xml;
            const pugi::xml_parse_result parsed = xml.load_buffer(document.data(), document.size());
            if (!parsed) return std::unexpected(std::string("XML: ") + parsed.description());
            if (content_type.starts_with("application/rss+xml")) {
                read_rss(document, xml, model, view.entry_spans);
            } else if (content_type.starts_with("application/atom+xml")) {
                read_atom(document, xml, model, view.entry_spans);
            } else {
                return std::unexpected("not a feed type: " + std::string(content_type));
            }
        }
        view.html = render_page(model, feed_url, content_type);
        return view;
    } catch (const std::exception& e) {
        return std::unexpected(std::string(e.what()));
    }
}

std::string limit_feed(std::string_view document, const Spans& entry_spans, std::size_t n) {
    if (n >= entry_spans.size()) return std::string(document);
    const std::size_t cut = n == 0 ? entry_spans.front().first : entry_spans[n - 1].second;
    const std::size_t resume = entry_spans.back().second;
    std::string out;
    out.reserve(cut + document.size() - resume);
    out.append(document.substr(0, cut));
    out.append(document.substr(resume));
    return out;
}

std::shared_ptr<Resource> stylesheet_resource() {
    return make_page_resource("text/xsl; charset=utf-8", std::string(kStylesheet), Seconds{});
}

}  // namespace feedd
