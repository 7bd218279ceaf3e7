// RSS 2.0 as the RSS Advisory Board profile describes it (https://www.rssboard.org/rss-profile).
#include <feedd/version.h>

#include <algorithm>
#include <cstdio>

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
constexpr const char* kItunesNs = "http://www.itunes.com/dtds/podcast-1.0.dtd";
constexpr const char* kPodcastNs = "https://podcastindex.org/namespace/1.0";

const char* yes_no(bool b) {
    return b ? "yes" : "no";
}

std::string number(double seconds) {
    // Soundbite times: whole seconds as integers, else up to milliseconds ("12.5").
    char out[32];
    std::snprintf(out, sizeof out, "%.3f", seconds);
    std::string s = out;
    while (s.ends_with('0')) s.pop_back();
    if (s.ends_with('.')) s.pop_back();
    return s;
}

// The itunes: and podcast: tags of an episode (Apple's and Podcasting 2.0's), after the RSS
// ones; nothing for an entry of a feed that is no show.
void add_episode(pugi::xml_node item, const Entry& e) {
    using detail::add_text;
    const Episode& ep = *e.episode;
    if (e.enclosure && e.enclosure->duration_s) {
        add_text(item, "itunes:duration", itunes_duration(*e.enclosure->duration_s));
    }
    if (!e.image.empty())
        item.append_child("itunes:image").append_attribute("href") = e.image.c_str();
    if (ep.explicit_content)
        add_text(item, "itunes:explicit", *ep.explicit_content ? "true" : "false");
    if (ep.episode) add_text(item, "itunes:episode", std::to_string(*ep.episode));
    if (ep.season) add_text(item, "itunes:season", std::to_string(*ep.season));
    add_text(item, "itunes:episodeType", ep.episode_type);
    if (!ep.transcript.url.empty()) {
        pugi::xml_node t = item.append_child("podcast:transcript");
        t.append_attribute("url") = ep.transcript.url.c_str();
        t.append_attribute("type") =
            ep.transcript.type.empty() ? "text/plain" : ep.transcript.type.c_str();
    }
    if (!ep.chapters.url.empty()) {
        pugi::xml_node c = item.append_child("podcast:chapters");
        c.append_attribute("url") = ep.chapters.url.c_str();
        c.append_attribute("type") = "application/json+chapters";
    }
    for (const EpisodePerson& person : ep.persons) {
        pugi::xml_node p = add_text(item, "podcast:person", person.name);
        if (!person.role.empty()) p.append_attribute("role") = person.role.c_str();
        if (!person.group.empty()) p.append_attribute("group") = person.group.c_str();
        if (!person.img.empty()) p.append_attribute("img") = person.img.c_str();
        if (!person.href.empty()) p.append_attribute("href") = person.href.c_str();
    }
    for (const Soundbite& bite : ep.soundbites) {
        pugi::xml_node b = item.append_child("podcast:soundbite");
        b.append_attribute("startTime") = number(bite.start_s).c_str();
        b.append_attribute("duration") = number(bite.duration_s).c_str();
        if (!bite.title.empty()) b.text().set(bite.title.c_str());
    }
}

// The show's channel tags (docs/podcasts.md lists them).
void add_show(pugi::xml_node channel, const Show& show, const std::string& feed_url) {
    using detail::add_text;
    add_text(channel, "itunes:author", show.author);
    if (!show.owner.empty()) {
        pugi::xml_node owner = channel.append_child("itunes:owner");
        add_text(owner, "itunes:name", show.owner.name);
        add_text(owner, "itunes:email", show.owner.email);
    }
    if (!show.image.empty()) {
        channel.append_child("itunes:image").append_attribute("href") = show.image.c_str();
    }
    for (const CategoryPath& category : show.categories) {
        pugi::xml_node top = channel.append_child("itunes:category");
        top.append_attribute("text") = category.category.c_str();
        if (!category.subcategory.empty()) {
            top.append_child("itunes:category").append_attribute("text") =
                category.subcategory.c_str();
        }
    }
    if (show.explicit_content) {
        add_text(channel, "itunes:explicit", *show.explicit_content ? "true" : "false");
    }
    add_text(channel, "itunes:type", show.type);
    if (show.complete) add_text(channel, "itunes:complete", "Yes");
    if (show.block) add_text(channel, "itunes:block", "Yes");
    add_text(channel, "itunes:new-feed-url", show.new_feed_url);
    pugi::xml_node locked = add_text(channel, "podcast:locked", yes_no(show.locked));
    if (!show.owner.email.empty()) locked.append_attribute("owner") = show.owner.email.c_str();
    for (const FundingLink& funding : show.funding) {
        pugi::xml_node f = channel.append_child("podcast:funding");
        f.append_attribute("url") = funding.url.c_str();
        if (!funding.text.empty()) f.text().set(funding.text.c_str());
    }
    add_text(channel, "podcast:medium", show.medium);
    // The show's identity across moves and renames: from the feed's URL, not its title. Left
    // out (and `feedd check` says why) when libcrypto cannot be loaded.
    if (const auto guid = podcast_guid(feed_url)) add_text(channel, "podcast:guid", *guid);
}

// dc:creator carries a name when there is no email: RSS's own <author> must be an email address.
bool uses_dc_creator(const Entry& e) {
    return e.author.email.empty() && !e.author.name.empty();
}

void add_item(pugi::xml_node channel, const Entry& e, bool show) {
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
    if (show) add_episode(item, e);
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
    if (feed.show) {
        rss.append_attribute("xmlns:itunes") = kItunesNs;
        rss.append_attribute("xmlns:podcast") = kPodcastNs;
    }

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

    // An archive page belongs to its subscription feed's show, and carries that feed's guid.
    if (feed.show)
        add_show(channel, *feed.show,
                 feed.archive && !feed.current.rss.empty() ? feed.current.rss : feed.urls.rss);
    for (const Entry& e : feed.entries) add_item(channel, e, feed.show.has_value());
    return detail::to_string(doc);
}

}  // namespace feedd
