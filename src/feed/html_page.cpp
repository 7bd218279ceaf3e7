// The site's index page: where a person lands, and where readers find the feeds (autodiscovery).
// Written by hand: it is one small fixed template, and every inserted value goes through escape().
#include <string_view>

#include "content/text_clean.h"
#include "feed/format.h"
#include "feed/writers.h"

namespace feedd {
namespace {

std::string escape(std::string_view text) {
    return escape_html(text, true);
}

std::string head(const Feed& feed) {
    const std::string title = escape(feed.title);
    const std::string lang = detail::language_tag(feed.language);
    std::string out;
    out += "<!DOCTYPE html>\n";
    out += lang.empty() ? "<html>\n" : "<html lang=\"" + escape(lang) + "\">\n";
    out += "<head>\n<meta charset=\"utf-8\">\n";
    out += "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n";
    out += "<title>" + title + "</title>\n";
    return out;
}

}  // namespace

std::string render_topic_index_html(const Feed& page, const std::vector<TopicIndexItem>& items) {
    std::string out = head(page);
    out += "<link rel=\"alternate\" type=\"application/rss+xml\" title=\"" + escape(page.title) +
           " (RSS)\" href=\"" + escape(page.urls.rss) + "\">\n";
    out += "</head>\n<body>\n";
    out += "<h1>" + escape(page.title) + "</h1>\n";
    out += "<p><a href=\"" + escape(page.urls.home) + "\">Home</a></p>\n";
    if (items.empty()) {
        out += "<p>No tags yet.</p>\n";
    } else {
        out += "<ul>\n";
        for (const TopicIndexItem& item : items) {
            out += "<li id=\"" + escape(item.anchor) + "\">";
            out += item.page_url.empty()
                       ? escape(item.name)
                       : "<a href=\"" + escape(item.page_url) + "\">" + escape(item.name) + "</a>";
            out += " (" + std::to_string(item.count) + ")";
            if (!item.also.empty()) {
                out += " <small>also:";
                for (std::size_t i = 0; i < item.also.size(); ++i)
                    out += (i ? ", " : " ") + escape(item.also[i]);
                out += "</small>";
            }
            out += " \xE2\x80\x94 <a href=\"" + escape(item.rss_url) + "\">RSS</a>, <a href=\"" +
                   escape(item.atom_url) + "\">Atom</a>, <a href=\"" + escape(item.json_url) +
                   "\">JSON Feed</a></li>\n";
        }
        out += "</ul>\n";
    }
    out += "</body>\n</html>\n";
    return out;
}

std::string render_index_html(const Feed& feed) {
    const std::string title = escape(feed.title);
    const std::string lang = detail::language_tag(feed.language);
    std::string out;
    out += "<!DOCTYPE html>\n";
    out += lang.empty() ? "<html>\n" : "<html lang=\"" + escape(lang) + "\">\n";
    out += "<head>\n<meta charset=\"utf-8\">\n";
    out += "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n";
    out += "<title>" + title + "</title>\n";
    if (!feed.description.empty()) {
        out += "<meta name=\"description\" content=\"" + escape(feed.description) + "\">\n";
    }
    out += "<link rel=\"alternate\" type=\"application/rss+xml\" title=\"" + title +
           " (RSS)\" href=\"" + escape(feed.urls.rss) + "\">\n";
    out += "<link rel=\"alternate\" type=\"application/atom+xml\" title=\"" + title +
           " (Atom)\" href=\"" + escape(feed.urls.atom) + "\">\n";
    out += "<link rel=\"alternate\" type=\"application/feed+json\" title=\"" + title +
           " (JSON Feed)\" href=\"" + escape(feed.urls.json) + "\">\n";
    out += "</head>\n<body>\n";
    out += "<h1><a href=\"" + escape(feed.urls.home) + "\">" + title + "</a></h1>\n";
    if (!feed.description.empty()) out += "<p>" + escape(feed.description) + "</p>\n";
    out += "<p>Feeds: <a href=\"" + escape(feed.urls.rss) + "\">RSS</a>, <a href=\"" +
           escape(feed.urls.atom) + "\">Atom</a>, <a href=\"" + escape(feed.urls.json) +
           "\">JSON Feed</a></p>\n";
    if (feed.entries.empty()) {
        out += "<p>Nothing published yet.</p>\n";
    } else {
        out += "<ul>\n";
        for (const Entry& e : feed.entries) {
            const std::string when = detail::rfc3339(e.published);
            out += "<li><time datetime=\"" + when + "\">" + when.substr(0, 10) +
                   "</time> <a href=\"" + escape(e.link) + "\">" +
                   escape(e.title.empty() ? e.link : e.title) + "</a></li>\n";
        }
        out += "</ul>\n";
    }
    out += "</body>\n</html>\n";
    return out;
}

}  // namespace feedd
