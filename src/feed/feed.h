// The feed model: everything a writer needs, already resolved (absolute URLs, ids, dates, order).
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "config/config.h"
#include "content/article.h"
#include "feed/podcast.h"

namespace feedd {

// Identity (docs/identity.md): Entry::id is Article::id when the article sets one, else the
// article's default permalink: site.url + site.permalink filled in (feed/permalink.h; the default
// "/{path}/": Article::path without its extension, its slug replacing the file name,
// percent-encoded: "world/space.txt" → "https://news.example.org/world/space/"). It ignores
// Article::url, mtime and the text; with "/{path}/" only a rename/move, a new slug, or a change of
// site.url or site.permalink gives a new id (a template with {title} or {year} follows those).
// Entry::link is Article::url when set (absolute, or under site.url by concatenation), else the
// default permalink.
struct Entry {
    std::string id;  // stable: Article::id, else the default permalink (see above)
    std::string title;
    std::string link;  // absolute
    Seconds published{};
    Seconds updated{};                    // == published when the article has no `updated`
    Person author;                        // the article's, else the site's (may be empty)
    std::vector<Person> co_authors;       // the article's other authors (Atom, JSON Feed)
    std::vector<std::string> categories;  // tags then categories, duplicates removed
    std::string summary;                  // plain text
    // Relative href/src/srcset made absolute against `link` (a web page's: against its canonical
    // URL, where its links were written for); empty unless feeds.full_content.
    std::string content_html;
    std::string image;  // absolute, or empty
    // A web page's canonical URL (Article::related_url), absolute; empty for other articles and
    // when it is the entry's link. Atom <link rel="related">, JSON Feed external_url.
    std::string related;
    std::string lang;
    OutOfLine<Enclosure> enclosure;  // url absolute (a file's: feed/podcast.h media_file_url)
    // The article's episode keys; transcript and chapters urls absolute (empty when none).
    EpisodeBox episode;
};

struct FeedUrls {
    std::string home;  // site.url
    std::string rss;   // site.url + "feed.xml"
    std::string atom;  // site.url + "atom.xml"
    std::string json;  // site.url + "feed.json"
    std::string id;    // Atom feed id; empty: `home` (the main feed's id is site.url)
};

// RFC 5005 links, one URL per format: RSS documents link RSS pages, Atom documents Atom pages.
struct FormatLinks {
    std::string rss;
    std::string atom;
    bool empty() const { return rss.empty() && atom.empty(); }
};

struct Feed {
    std::string title;
    std::string description;
    std::string language;
    Person author;
    FeedUrls urls;
    std::vector<std::string> hubs;  // WebSub hubs to advertise (only when pings are enabled)
    Seconds updated{};              // newest entry's updated time; never the build time
    std::vector<Entry> entries;  // newest first, at most feeds.limit (archive pages: oldest first)
    // RFC 5005 (docs/feeds.md): an archive page has `archive` set (<fh:archive/>), `current` (the
    // subscription feed) and the neighbouring pages; a subscription feed links its newest page.
    bool archive = false;
    FormatLinks current;
    FormatLinks prev_archive;  // older
    FormatLinks next_archive;  // newer
    // RSS <ttl>: how many minutes a reader may cache the feed, ttl_minutes_for(config) so it agrees
    // with the Cache-Control max-age the server sends. Not written on archive pages (their
    // lifetime is their own) or when unset.
    std::optional<int> ttl_minutes;
    // feeds.stylesheet: href of the <?xml-stylesheet type="text/xsl"?> that starts the RSS and Atom
    // documents; empty: none.
    std::string stylesheet;
    // podcast.enabled: the feed is a show (feed/podcast.h); RSS carries the itunes: and podcast:
    // namespaces.
    std::optional<Show> show;
};

// One entry, identity and URLs resolved (the rule above). The same article gives the same entry
// in every feed that shows it.
Entry make_entry(const Article& article, const Config& config);

// ceil(server.max_age / 60) minutes; nothing when max_age is 0 (feeds are not to be cached).
std::optional<int> ttl_minutes_for(const Config& config);

// site.url joined with a relative path, exactly one '/' between them.
std::string site_url(const Config& config, std::string_view relative);

// The WebSub hubs a feed names (Feed::hubs): feedd's own (site.url + hub.path) first when
// hub.enabled, then the configured outside hubs when pings are on — a hub is advertised only when
// it hears of changes, otherwise subscribers would wait on a hub that never learns of an update.
std::vector<std::string> advertised_hubs(const Config& config);

// Published articles only: no drafts, nothing dated after `now` or expired by then. Deterministic
// for the same inputs.
Feed make_feed(const std::vector<Article>& articles, const Config& config, Seconds now);
Feed make_feed(const std::vector<const Article*>& articles, const Config& config, Seconds now);

// When an article is published: Article::publish_at (Hugo's publishDate) when set, else its date.
inline Seconds publication_time(const Article& article) {
    return article.publish_at.value_or(article.date);
}

// Not a draft, not to be published after `now` (publication_time), and not expired at `now`
// (Article::expires: Hugo's expiryDate, the second the article leaves every feed).
bool is_published(const Article& article, Seconds now);

// The articles a feed shows: published ones, newest first (ties by path), at most `limit`.
std::vector<const Article*> select_published(const std::vector<const Article*>& articles,
                                             std::size_t limit, Seconds now);

// The earliest time after `now` at which the published set changes by itself: an article becomes
// due, or a published one expires (a timer can rebuild then).
std::optional<Seconds> next_publication(const std::vector<Article>& articles, Seconds now);
std::optional<Seconds> next_publication(const std::vector<const Article*>& articles, Seconds now);

std::vector<const Article*> pointers_to(const std::vector<Article>& articles);

}  // namespace feedd
