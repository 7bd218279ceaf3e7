// RSS 2.0 as the RSS Advisory Board profile describes it (https://www.rssboard.org/rss-profile).
#include <feedd/version.h>

#include <algorithm>

#include "feed/format.h"
#include "feed/writers.h"
#include "feed/xml_out.h"

namespace feedd {
namespace {

constexpr const char* kAtomNs = "http://www.w3.org/2005/Atom";
constexpr const char* kContentNs = "http://purl.org/rss/1.0/modules/content/";
constexpr const char* kDcNs = "http://purl.org/dc/elements/1.1/";
constexpr const char* kMediaNs = "http://search.yahoo.com/mrss/";
constexpr const char* kHistoryNs = "http://purl.org/syndication/history/1.0";  // RFC 5005

// dc:creator carries a name when there is no email: RSS's own <author> must be an email address.
bool uses_dc_creator(const Entry& e) {
    return e.author.email.empty() && !e.author.name.empty();
}

void add_item(pugi::xml_node channel, const Entry& e) {
    using detail::add_text;
    pugi::xml_node item = channel.append_child("item");
    add_text(item, "title", e.title);
    add_text(item, "link", e.link);
    pugi::xml_node guid = add_text(item, "guid", e.id);
    if (guid) guid.append_attribute("isPermaLink") = e.id == e.link ? "true" : "false";
    add_text(item, "pubDate", detail::rfc822(e.published));
    add_text(item, "description", e.summary);
    add_text(item, "content:encoded", e.content_html);
    if (!e.author.email.empty()) {
        add_text(item, "author", detail::rss_author(e.author));
    } else {
        add_text(item, "dc:creator", e.author.name);
    }
    for (const std::string& category : e.categories) add_text(item, "category", category);
    if (e.enclosure && !e.enclosure->url.empty()) {
        pugi::xml_node enclosure = item.append_child("enclosure");
        enclosure.append_attribute("url") = e.enclosure->url.c_str();
        enclosure.append_attribute("length") = std::to_string(e.enclosure->length).c_str();
        // RSS requires a type; octet-stream is the honest "unknown".
        enclosure.append_attribute("type") =
            e.enclosure->type.empty() ? "application/octet-stream" : e.enclosure->type.c_str();
    }
    if (!e.image.empty()) {
        item.append_child("media:thumbnail").append_attribute("url") = e.image.c_str();
    }
}

}  // namespace

std::string render_rss(const Feed& feed) {
    const auto any = [&](auto predicate) {
        return std::any_of(feed.entries.begin(), feed.entries.end(), predicate);
    };
    pugi::xml_document doc;
    detail::add_declaration(doc);
    detail::add_stylesheet(doc, feed.stylesheet);
    pugi::xml_node rss = doc.append_child("rss");
    rss.append_attribute("version") = "2.0";
    // Namespaces only where used: the atom one always is (the self link).
    rss.append_attribute("xmlns:atom") = kAtomNs;
    if (any([](const Entry& e) { return !e.content_html.empty(); })) {
        rss.append_attribute("xmlns:content") = kContentNs;
    }
    if (any(uses_dc_creator)) rss.append_attribute("xmlns:dc") = kDcNs;
    if (any([](const Entry& e) { return !e.image.empty(); })) {
        rss.append_attribute("xmlns:media") = kMediaNs;
    }
    if (feed.archive) rss.append_attribute("xmlns:fh") = kHistoryNs;

    pugi::xml_node channel = rss.append_child("channel");
    using detail::add_text;
    add_text(channel, "title", feed.title);
    add_text(channel, "link", feed.urls.home);
    // <description> is required; the title is the best description we have without one.
    add_text(channel, "description", feed.description.empty() ? feed.title : feed.description);
    add_text(channel, "language", detail::language_tag(feed.language));
    add_text(channel, "lastBuildDate", detail::rfc822(feed.updated));
    add_text(channel, "generator", std::string("feedd ") + kVersion);
    // Where the RSS profile puts it, after <generator>. Archive pages have none: nobody polls them.
    if (feed.ttl_minutes && *feed.ttl_minutes > 0 && !feed.archive) {
        add_text(channel, "ttl", std::to_string(*feed.ttl_minutes));
    }
    pugi::xml_node self = channel.append_child("atom:link");
    self.append_attribute("href") = feed.urls.rss.c_str();
    self.append_attribute("rel") = "self";
    self.append_attribute("type") = "application/rss+xml";
    for (const auto& hub : feed.hubs) {
        pugi::xml_node link = channel.append_child("atom:link");
        link.append_attribute("href") = hub.c_str();
        link.append_attribute("rel") = "hub";
    }
    const auto history_link = [&](const char* rel, const std::string& href) {
        if (href.empty()) return;
        pugi::xml_node link = channel.append_child("atom:link");
        link.append_attribute("href") = href.c_str();
        link.append_attribute("rel") = rel;
        link.append_attribute("type") = "application/rss+xml";
    };
    history_link("current", feed.current.rss);
    history_link("prev-archive", feed.prev_archive.rss);
    history_link("next-archive", feed.next_archive.rss);
    if (feed.archive) channel.append_child("fh:archive");

    for (const Entry& e : feed.entries) add_item(channel, e);
    return detail::to_string(doc);
}

}  // namespace feedd
