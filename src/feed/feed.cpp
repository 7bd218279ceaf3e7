#include "feed/feed.h"

#include <algorithm>
#include <set>

#include "content/scan.h"
#include "feed/html_links.h"
#include "feed/permalink.h"
#include "feed/smart_titles.h"
#include "feed/url.h"

namespace feedd {
namespace {

// Joins so there is exactly one '/' between the two parts.
std::string join_site_url(std::string_view site_url, std::string_view tail) {
    std::string url(site_url);
    if (url.empty() || url.back() != '/') url += '/';
    if (!tail.empty() && tail.front() == '/') tail.remove_prefix(1);
    url += tail;
    return url;
}

// site.url + site.permalink filled in for the article (feed/permalink.h). Concatenation, not URL
// resolution, so a site living under a path ("https://example.org/blog/") keeps it.
std::string default_permalink(const Config& config, const Article& article) {
    // A page bundle's index.md stands for its folder (content/scan.h: page_path).
    const std::string base = page_path(article.path);
    return join_site_url(config.site.url, expand_permalink(config.site.permalink, article, base,
                                                           config.content.timezone));
}

// The article's own `url`: absolute as it is (percent-encoded where needed); relative ones are
// under site.url by concatenation, like the permalink ("/special/x" on https://example.org/blog/
// → https://example.org/blog/special/x, as Hugo does); "//host/x" takes site.url's scheme.
std::string own_link(const Config& config, std::string_view url) {
    if (detail::has_scheme(url)) return detail::escape_uri_reference(url);
    if (url.starts_with("//")) return detail::resolve_url(config.site.url, url);
    return join_site_url(config.site.url, detail::escape_uri_reference(url));
}

// For values feedd publishes as URLs (link, image, enclosure): relative ones are resolved, and
// absolute ones get their stray spaces/non-ASCII percent-encoded, since a feed must carry valid
// URIs. Empty when `ref` cannot be understood.
std::string absolute_url(std::string_view base, std::string_view ref) {
    if (detail::has_scheme(ref)) return detail::escape_uri_reference(ref);
    return detail::resolve_url(base, ref);
}

std::string absolute_or_empty(std::string_view base, std::string_view ref) {
    if (ref.empty()) return {};
    std::string resolved = absolute_url(base, ref);
    return resolved.empty() ? detail::escape_uri_reference(ref) : resolved;
}

// What relative links in an article's body (and its image, enclosure) are relative to: its link;
// for a page bundle, the bundle's folder, where its resources are published: "/posts/trip/" as
// it is, "/posts/trip.html" (a permalink without a trailing '/') as "/posts/trip/".
std::string link_base(const Article& a, const std::string& link) {
    if (!is_bundle_index(a.path) || link.empty() || link.back() == '/' ||
        link.find_first_of("?#") != std::string::npos)
        return link;
    std::string base = link;
    const auto slash = base.rfind('/');
    const auto dot = base.rfind('.');
    if (dot != std::string::npos && (slash == std::string::npos || dot > slash)) base.resize(dot);
    return base + '/';
}

}  // namespace

Entry make_entry(const Article& a, const Config& config) {
    Entry e;
    const std::string permalink = default_permalink(config, a);
    e.id = a.id.empty() ? permalink : a.id;
    e.link = permalink;
    if (!a.url.empty()) {
        std::string own = own_link(config, a.url);
        if (!own.empty()) e.link = std::move(own);
    }
    e.title = config.feeds.smart_titles ? smart_title(a.title) : a.title;
    e.published = a.date;
    e.updated = a.updated.value_or(a.date);
    e.author = a.author.empty() ? config.site.author : a.author;
    if (!a.author.empty()) e.co_authors = a.co_authors;
    std::set<std::string_view> seen;
    for (const auto* list : {&a.tags, &a.categories}) {
        for (const std::string& name : *list) {
            if (!name.empty() && seen.insert(name).second) e.categories.push_back(name);
        }
    }
    e.summary = a.summary;
    // A saved web page's relative links were written against its own URL, not feedd's.
    std::string related =
        a.related_url.empty() ? std::string{} : absolute_url(e.link, a.related_url);
    const std::string base = related.empty() ? link_base(a, e.link) : related;
    if (related != e.link) e.related = std::move(related);
    if (config.feeds.full_content) e.content_html = detail::absolutize_links(a.content_html, base);
    e.image = absolute_or_empty(base, a.image);
    e.lang = a.lang;
    // A show's files are served under podcast.media_path (or its media_url); without a show, a
    // file named as the enclosure is a link relative to the article, as it always was.
    const bool show = config.podcast.enabled;
    const auto file_or_url = [&](const std::string& file, const std::string& url) {
        return show && !file.empty() ? media_file_url(config, file) : absolute_or_empty(base, url);
    };
    if (a.enclosure) {
        e.enclosure = *a.enclosure;
        e.enclosure->url = file_or_url(a.enclosure->file, a.enclosure->url);
    }
    if (!a.episode->empty()) {
        Episode episode = *a.episode;
        for (EpisodeLink* link : {&episode.transcript, &episode.chapters})
            link->url = file_or_url(link->file, link->url);
        e.episode = std::move(episode);
    }
    if (show && !a.episode->image_file.empty())
        e.image = media_file_url(config, a.episode->image_file);
    return e;
}

std::optional<int> ttl_minutes_for(const Config& config) {
    if (config.server.max_age <= 0) return std::nullopt;
    return (config.server.max_age + 59) / 60;
}

std::string site_url(const Config& config, std::string_view relative) {
    return join_site_url(config.site.url, relative);
}

bool is_published(const Article& article, Seconds now) {
    return !article.draft && publication_time(article) <= now &&
           !(article.expires && *article.expires <= now);
}

std::vector<const Article*> select_published(const std::vector<const Article*>& articles,
                                             std::size_t limit, Seconds now) {
    std::vector<const Article*> chosen;
    for (const Article* a : articles) {
        if (is_published(*a, now)) chosen.push_back(a);
    }
    const auto newest_first = [](const Article* x, const Article* y) {
        if (x->date != y->date) return x->date > y->date;
        return x->path < y->path;
    };
    // Only the first `limit` need ordering: a live site may hold far more articles than a feed
    // shows.
    if (chosen.size() > limit) {
        std::partial_sort(chosen.begin(), chosen.begin() + static_cast<std::ptrdiff_t>(limit),
                          chosen.end(), newest_first);
        chosen.resize(limit);
    } else {
        std::sort(chosen.begin(), chosen.end(), newest_first);
    }
    return chosen;
}

Feed make_feed(const std::vector<Article>& articles, const Config& config, Seconds now) {
    return make_feed(pointers_to(articles), config, now);
}

std::vector<std::string> advertised_hubs(const Config& config) {
    std::vector<std::string> hubs;
    if (config.hub.enabled) hubs.push_back(join_site_url(config.site.url, config.hub.path));
    if (config.ping.enabled) {
        for (const auto& hub : config.ping.websub) hubs.push_back(hub.url);
    }
    return hubs;
}

Feed make_feed(const std::vector<const Article*>& articles, const Config& config, Seconds now) {
    Feed feed;
    feed.title = config.site.title;
    feed.description = config.site.description;
    feed.language = config.site.language;
    feed.author = config.site.author;
    feed.urls.home = config.site.url;
    feed.urls.rss = join_site_url(config.site.url, "feed.xml");
    feed.urls.atom = join_site_url(config.site.url, "atom.xml");
    feed.urls.json = join_site_url(config.site.url, "feed.json");
    feed.ttl_minutes = ttl_minutes_for(config);
    feed.stylesheet = config.feeds.stylesheet;
    feed.hubs = advertised_hubs(config);
    feed.show = make_show(config);

    const auto chosen =
        select_published(articles, static_cast<std::size_t>(std::max(config.feeds.limit, 0)), now);
    feed.entries.reserve(chosen.size());
    for (const Article* a : chosen) feed.entries.push_back(make_entry(*a, config));

    // Never the build time: the same content must give the same bytes (and ETags).
    Seconds updated{};
    if (!feed.entries.empty()) {
        for (const Entry& e : feed.entries) updated = std::max(updated, e.updated);
    } else {
        for (const Article* a : articles) updated = std::max(updated, a->date);
    }
    feed.updated = updated;
    return feed;
}

std::optional<Seconds> next_publication(const std::vector<const Article*>& articles, Seconds now) {
    std::optional<Seconds> next;
    const auto consider = [&](Seconds at) {
        if (!next || at < *next) next = at;
    };
    for (const Article* a : articles) {
        if (a->draft) continue;
        if (publication_time(*a) > now) {
            consider(publication_time(*a));
        } else if (a->expires && *a->expires > now) {
            consider(*a->expires);
        }
    }
    return next;
}

std::optional<Seconds> next_publication(const std::vector<Article>& articles, Seconds now) {
    return next_publication(pointers_to(articles), now);
}

std::vector<const Article*> pointers_to(const std::vector<Article>& articles) {
    std::vector<const Article*> pointers;
    pointers.reserve(articles.size());
    for (const Article& a : articles) pointers.push_back(&a);
    return pointers;
}

}  // namespace feedd
