#include "feed/site.h"

#include <algorithm>
#include <array>
#include <functional>
#include <future>
#include <iterator>
#include <map>
#include <set>
#include <unordered_map>

#include "content/digest.h"
#include "feed/browser_view.h"
#include "feed/feed.h"
#include "feed/planner.h"
#include "feed/slug.h"
#include "feed/validate.h"
#include "feed/writers.h"

namespace feedd {
namespace {

const char* label_of(TopicKind kind) {
    switch (kind) {
        case TopicKind::tag:
            return "Tag";
        case TopicKind::section:
            return "Section";
        case TopicKind::author:
            return "Author";
    }
    return "";
}

std::string archive_key(std::size_t page, const char* extension) {
    return "/archive/" + std::to_string(page) + extension;
}

FormatLinks archive_links(const Config& config, std::size_t page) {
    return {site_url(config, archive_key(page, ".xml")),
            site_url(config, archive_key(page, ".atom"))};
}

std::size_t archive_page_count(const SitePlan& plan) {
    return (plan.history.size() + kArchivePageSize - 1) / kArchivePageSize;
}

Feed feed_shell(const Config& config) {
    Feed feed;
    feed.title = config.site.title;
    feed.description = config.site.description;
    feed.language = config.site.language;
    feed.author = config.site.author;
    feed.ttl_minutes = ttl_minutes_for(config);  // the RSS writer leaves it off archive pages
    feed.stylesheet = config.feeds.stylesheet;
    feed.hubs = advertised_hubs(config);
    feed.show = make_show(config);  // podcast.enabled: every feed of the site is the show
    return feed;
}

// Never the build time: the newest entry's date, or without entries the newest article's.
void set_updated(Feed& feed, Seconds fallback) {
    Seconds updated{};
    for (const Entry& e : feed.entries) updated = std::max(updated, e.updated);
    feed.updated = feed.entries.empty() ? fallback : updated;
}

Feed topic_feed(const Topic& topic, const Config& config, Seconds fallback) {
    Feed feed = feed_shell(config);
    const std::string label = label_of(topic.kind);
    feed.title = config.site.title + " \xE2\x80\x94 " + label + ": " + topic.name;
    feed.description =
        label + " \xE2\x80\x9C" + topic.name + "\xE2\x80\x9D" +
        (config.site.description.empty() ? "" : " \xE2\x80\x94 " + config.site.description);
    const std::string folder = topic.folder.substr(1);  // relative to site.url
    // A section's page is the site's own (where its articles' permalinks live); feedd makes pages
    // for tags and authors only, under its own /tags/ and /authors/.
    feed.urls.home = topic.kind == TopicKind::section
                         ? site_url(config, slug_url(topic.spellings.front()) + "/")
                         : site_url(config, folder);
    feed.urls.rss = site_url(config, folder + "feed.xml");
    feed.urls.atom = site_url(config, folder + "atom.xml");
    feed.urls.json = site_url(config, folder + "feed.json");
    feed.urls.id = site_url(config, folder);
    for (const Article* a : topic.shown) feed.entries.push_back(make_entry(*a, config));
    set_updated(feed, fallback);
    return feed;
}

std::vector<TopicIndexItem> index_items(const SitePlan& plan, TopicKind kind,
                                        const Config& config) {
    std::vector<TopicIndexItem> items;
    for (const Topic& t : plan.topics) {
        if (t.kind != kind) continue;
        TopicIndexItem item;
        item.name = t.name;
        for (const auto& s : t.spellings) {
            if (s != t.name) item.also.push_back(s);
        }
        item.count = t.count;
        item.anchor = slug_url(t.slug);
        item.page_url =
            kind == TopicKind::section ? std::string{} : site_url(config, t.folder.substr(1));
        item.rss_url = site_url(config, t.folder.substr(1) + "feed.xml");
        item.atom_url = site_url(config, t.folder.substr(1) + "atom.xml");
        item.json_url = site_url(config, t.folder.substr(1) + "feed.json");
        items.push_back(std::move(item));
    }
    return items;
}

// A fingerprint of a document's inputs (content/digest.h), so an unchanged group is recognised
// without rendering it. 64 bits make an accidental match of two different inputs negligible.
struct Fingerprint {
    Hasher hash;
    std::uint64_t h() const { return hash.value(); }
    void bytes(std::string_view s) { hash.field(s); }
    void number(std::uint64_t v) { hash.number(v); }
    void time(Seconds t) { number(static_cast<std::uint64_t>(t.time_since_epoch().count())); }
    void person(const Person& p) {
        bytes(p.name);
        bytes(p.email);
    }
    // Every field make_entry reads. The store's articles carry their digest (computed once when
    // read), so a build hashes 8 bytes per article instead of all its text.
    void article(const Article& a, bool with_content) {
        number(with_content ? (a.digest != 0 ? a.digest : article_digest(a)) : summary_digest(a));
    }
    void config(const Config& c, const TopicFeedOptions& topics) {
        bytes(c.site.title);
        bytes(c.site.url);
        bytes(c.site.description);
        bytes(c.site.language);
        person(c.site.author);
        bytes(c.site.permalink);
        bytes(c.content.timezone);  // the permalink's {year}, {month}, {day}
        number(static_cast<std::uint64_t>(c.feeds.limit));
        number(c.feeds.full_content);
        number(c.feeds.smart_titles);
        number(c.ping.enabled);
        for (const auto& hub : c.ping.websub) bytes(hub.url);
        number(topics.limit);
        number(topics.full_content);
        bytes(c.feeds.stylesheet);
        number(static_cast<std::uint64_t>(c.server.max_age));  // the RSS <ttl>
    }
};

}  // namespace

std::uint64_t summary_digest(const Article& a) {
    if (a.content_html.empty()) return a.digest != 0 ? a.digest : article_digest(a);
    Article without_content = a;  // rare: an article read in full in a summaries-only feed
    without_content.content_html.clear();
    return article_digest(without_content);
}

bool is_reserved_section(std::string_view slug) {
    static constexpr std::array<std::string_view, 6> kReserved = {"archive", "authors",  "healthz",
                                                                  "metrics", "sections", "tags"};
    return std::find(kReserved.begin(), kReserved.end(), slug) != kReserved.end();
}

TopicFeedOptions topic_feed_options(const Config& config) {
    TopicFeedOptions options;
    options.limit =
        std::min(options.limit, static_cast<std::size_t>(std::max(config.feeds.limit, 0)));
    return options;
}

SitePlan plan_site(const std::vector<const Article*>& articles, const Config& config, Seconds now) {
    return plan_site(articles, config, now, topic_feed_options(config));
}

SitePlan plan_site(const std::vector<const Article*>& articles, const Config& config, Seconds now,
                   TopicFeedOptions topic_options) {
    SitePlanner planner(config, topic_options);
    for (const Article* a : articles) planner.add(a);
    return planner.plan(now);
}

std::vector<const Article*> articles_with_content(const SitePlan& plan) {
    std::vector<const Article*> out(plan.main.begin(), plan.main.end());
    if (plan.topic_options.full_content) {
        for (const Topic& t : plan.topics) out.insert(out.end(), t.shown.begin(), t.shown.end());
    }
    std::sort(out.begin(), out.end(),
              [](const Article* x, const Article* y) { return x->path < y->path; });
    out.erase(std::unique(out.begin(), out.end()), out.end());
    return out;
}

namespace {

std::string hex(std::uint64_t v) {
    static constexpr char kDigits[] = "0123456789abcdef";
    std::string out(16, '0');
    for (int i = 15; i >= 0; --i, v >>= 4) out[static_cast<std::size_t>(i)] = kDigits[v & 0xF];
    return out;
}

// A document rendered when first asked for. It checks itself then (validate_snapshot skips
// deferred documents), and is served only if sound.
std::shared_ptr<const Document> deferred(const std::string& path, std::string self_url,
                                         std::uint64_t version,
                                         std::function<std::shared_ptr<const Resource>()> render) {
    return std::make_shared<const Document>(
        [path, render = std::move(render)]() -> Rendered {
            auto resource = render();
            std::vector<std::string> errors;
            validate_document(path, *resource, errors);
            if (!errors.empty()) return std::unexpected("failed feedd's checks: " + errors.front());
            return resource;
        },
        std::move(self_url), hex(version));
}

}  // namespace

namespace {

// What keeps `articles` alive for a document rendered later: the shared_ptrs that own them (none
// for articles that are not owned by one: their owner keeps them, as tests do).
std::vector<std::shared_ptr<const Article>> owners_of(const std::vector<const Article*>& articles) {
    std::vector<std::shared_ptr<const Article>> owners;
    owners.reserve(articles.size());
    for (const Article* a : articles) {
        if (auto owner = a->weak_from_this().lock()) owners.push_back(std::move(owner));
    }
    return owners;
}

}  // namespace

Snapshot render_plan(const SitePlan& plan, const Config& config, RenderCache* cache) {
    const std::size_t pages = archive_page_count(plan);
    Fingerprint base;
    base.config(config, plan.topic_options);
    Snapshot snapshot;
    std::size_t reused = 0;
    std::size_t rendered = 0;
    // Shares the group's documents with the previous build when its fingerprint matches;
    // else render() adds new ones.
    // Shares the group's documents with the previous build when its fingerprint matches; else
    // render() adds new ones, and keys() names them for the next build.
    std::unordered_map<std::string, RenderCache::Group> groups;
    const auto group = [&](std::string first_key, const Fingerprint& fp, auto keys, auto render) {
        if (cache) {
            if (const auto old = cache->groups.find(first_key);
                old != cache->groups.end() && old->second.fingerprint == fp.h()) {
                for (const auto& [key, document] : old->second.documents)
                    snapshot.resources.emplace(key, document);
                groups.insert(cache->groups.extract(old));
                ++reused;
                return;
            }
        }
        render();
        ++rendered;
        if (cache) {
            RenderCache::Group made{fp.h(), {}};
            for (auto& key : keys()) {
                auto document = snapshot.resources.find(key)->second;
                made.documents.emplace_back(std::move(key), std::move(document));
            }
            groups.emplace(std::move(first_key), std::move(made));
        }
    };
    const auto feed_keys = [](const std::string& folder, bool page) {
        std::vector<std::string> keys = {folder + "feed.xml", folder + "atom.xml",
                                         folder + "feed.json"};
        if (page) keys.push_back(folder);
        return keys;
    };

    // The site feed and page are rendered now: they are what every reader asks for.
    const FormatLinks current{site_url(config, "feed.xml"), site_url(config, "atom.xml")};
    {
        Fingerprint fp = base;
        fp.bytes("main");
        fp.number(pages);
        fp.time(plan.newest);
        for (const Article* a : plan.main) fp.article(*a, config.feeds.full_content);
        group(
            "/feed.xml", fp, [&] { return feed_keys("/", true); },
            [&] {
                Feed main = feed_shell(config);
                main.urls = {
                    config.site.url, current.rss, current.atom, site_url(config, "feed.json"), {}};
                for (const Article* a : plan.main) main.entries.push_back(make_entry(*a, config));
                set_updated(main, plan.newest);
                if (pages > 0) main.prev_archive = archive_links(config, pages);
                // Two at a time: these four are most of a rebuild's work after an edit
                // (docs/benchmarks.md).
                auto atom_and_json = std::async(std::launch::async, [&main] {
                    return std::pair{make_feed_resource("atom.xml", main),
                                     make_feed_resource("feed.json", main)};
                });
                snapshot.add("/feed.xml", make_feed_resource("feed.xml", main));
                snapshot.add("/", make_page_resource("text/html; charset=utf-8",
                                                     render_index_html(main), main.updated));
                auto [atom, json] = atom_and_json.get();
                snapshot.add("/atom.xml", std::move(atom));
                snapshot.add("/feed.json", std::move(json));
            });
    }
    if (cache && cache->previous && cache->previous->resources.contains(kStylesheetPath)) {
        snapshot.resources.emplace(kStylesheetPath,
                                   cache->previous->resources.find(kStylesheetPath)->second);
    } else {
        snapshot.add(std::string(kStylesheetPath), stylesheet_resource());
    }

    // Everything else is deferred: rendered when first asked for, from the plan's articles, which
    // each document keeps alive (owners_of) until it has rendered.
    auto topic_config = std::make_shared<Config>(config);
    topic_config->feeds.full_content = config.feeds.full_content && plan.topic_options.full_content;
    const std::shared_ptr<const Config> shared_topic_config = topic_config;
    const Seconds newest = plan.newest;
    for (const Topic& topic : plan.topics) {
        const bool page = topic.kind != TopicKind::section;
        Fingerprint fp = base;
        fp.number(static_cast<std::uint64_t>(topic.kind));
        fp.bytes(topic.folder);
        fp.bytes(topic.name);
        for (const auto& spelling : topic.spellings) fp.bytes(spelling);
        for (const Article* a : topic.shown)
            fp.article(*a, shared_topic_config->feeds.full_content);
        group(
            topic.folder + "feed.xml", fp, [&] { return feed_keys(topic.folder, page); },
            [&] {
                auto shared_topic = std::make_shared<const Topic>(topic);
                auto owners = std::make_shared<const std::vector<std::shared_ptr<const Article>>>(
                    owners_of(topic.shown));
                const auto make = [shared_topic, shared_topic_config, newest, owners] {
                    return topic_feed(*shared_topic, *shared_topic_config, newest);
                };
                const Feed urls = [&] {  // the self URLs, without entries
                    Topic bare = topic;
                    bare.shown.clear();
                    return topic_feed(bare, *shared_topic_config, newest);
                }();
                for (const auto& [name, self] :
                     {std::pair<const char*, std::string>{"feed.xml", urls.urls.rss},
                      {"atom.xml", urls.urls.atom},
                      {"feed.json", urls.urls.json}}) {
                    const std::string key = topic.folder + name;
                    snapshot.resources.insert_or_assign(
                        key, deferred(key, self, fp.h(),
                                      [make, name] { return make_feed_resource(name, make()); }));
                }
                if (page) {
                    snapshot.resources.insert_or_assign(
                        topic.folder, deferred(topic.folder, {}, fp.h(), [make] {
                            const Feed feed = make();
                            return make_page_resource("text/html; charset=utf-8",
                                                      render_index_html(feed), feed.updated);
                        }));
                }
            });
    }

    {
        auto items = std::make_shared<const std::vector<TopicIndexItem>>(
            index_items(plan, TopicKind::tag, config));
        Fingerprint fp = base;
        fp.bytes("/tags/");
        fp.time(plan.newest);
        for (const Article* a : plan.main) fp.time(a->updated.value_or(a->date));
        for (const auto& item : *items) {
            fp.bytes(item.name);
            fp.bytes(item.anchor);
            fp.number(item.count);
            for (const auto& also : item.also) fp.bytes(also);
        }
        group(
            "/tags/", fp, [] { return std::vector<std::string>{"/tags/"}; },
            [&] {
                auto tags_page = std::make_shared<Feed>(feed_shell(config));
                tags_page->title = config.site.title + " \xE2\x80\x94 Tags";
                tags_page->urls.home = config.site.url;
                tags_page->urls.rss = current.rss;
                tags_page->urls.atom = current.atom;
                tags_page->urls.json = site_url(config, "feed.json");
                tags_page->updated = plan.newest;
                if (!plan.main.empty()) {
                    tags_page->updated = Seconds{};
                    for (const Article* a : plan.main) {
                        tags_page->updated =
                            std::max(tags_page->updated, a->updated.value_or(a->date));
                    }
                }
                snapshot.resources.insert_or_assign(
                    "/tags/", deferred("/tags/", {}, fp.h(),
                                       [tags_page = std::shared_ptr<const Feed>(tags_page), items] {
                                           return make_page_resource(
                                               "text/html; charset=utf-8",
                                               render_topic_index_html(*tags_page, *items),
                                               tags_page->updated);
                                       }));
            });
    }

    // Archive pages: summaries only (docs/feeds.md), no hubs (nobody subscribes to a page).
    auto summaries = std::make_shared<Config>(config);
    summaries->feeds.full_content = false;
    const std::shared_ptr<const Config> shared_summaries = summaries;
    for (std::size_t page = 1; page <= pages; ++page) {
        const std::size_t begin = (page - 1) * kArchivePageSize;
        const std::size_t end = std::min(begin + kArchivePageSize, plan.history.size());
        // Closed once a newer page exists: then nothing in it (entries, links) changes as
        // articles are added.
        const bool closed = page < pages;
        Fingerprint fp = base;
        fp.bytes("archive");
        fp.number(page);
        fp.number(closed);
        const bool known = plan.history_digests.size() == plan.history.size();
        for (std::size_t i = begin; i < end; ++i) {
            fp.number(known ? plan.history_digests[i] : summary_digest(*plan.history[i]));
        }
        group(
            archive_key(page, ".xml"), fp,
            [&] {
                return std::vector<std::string>{archive_key(page, ".xml"),
                                                archive_key(page, ".atom")};
            },
            [&] {
                // Newest first within the page, like every feed.
                auto entries = std::make_shared<const std::vector<const Article*>>(
                    std::make_reverse_iterator(plan.history.begin() +
                                               static_cast<std::ptrdiff_t>(end)),
                    std::make_reverse_iterator(plan.history.begin() +
                                               static_cast<std::ptrdiff_t>(begin)));
                auto owners = std::make_shared<const std::vector<std::shared_ptr<const Article>>>(
                    owners_of(*entries));
                const auto make = [entries, shared_summaries, page, closed, newest, current,
                                   owners] {
                    const Config& cfg = *shared_summaries;
                    Feed feed = feed_shell(cfg);
                    feed.hubs.clear();
                    feed.title =
                        cfg.site.title + " \xE2\x80\x94 Archive, page " + std::to_string(page);
                    feed.urls.home = cfg.site.url;
                    const FormatLinks self = archive_links(cfg, page);
                    feed.urls.rss = self.rss;
                    feed.urls.atom = self.atom;
                    feed.urls.id = cfg.site.url;  // the same logical feed as the subscription one
                    feed.archive = true;
                    feed.current = current;
                    if (page > 1) feed.prev_archive = archive_links(cfg, page - 1);
                    if (closed) feed.next_archive = archive_links(cfg, page + 1);
                    for (const Article* a : *entries) feed.entries.push_back(make_entry(*a, cfg));
                    set_updated(feed, newest);
                    return feed;
                };
                for (const bool rss : {true, false}) {
                    const std::string key = archive_key(page, rss ? ".xml" : ".atom");
                    snapshot.resources.insert_or_assign(
                        key, deferred(key, {}, fp.h(), [make, rss, closed] {
                            const Feed feed = make();
                            auto r = rss ? make_page_resource("application/rss+xml; charset=utf-8",
                                                              render_rss(feed), feed.updated)
                                         : make_page_resource("application/atom+xml; charset=utf-8",
                                                              render_atom(feed), feed.updated);
                            r->immutable = closed;
                            return r;
                        }));
                }
            });
    }

    snapshot.info.articles = plan.history.size();
    if (cache) {
        cache->groups = std::move(groups);
        cache->previous.reset();  // the caller sets it to this build's snapshot
        cache->reused = reused;
        cache->rendered = rendered;
    }
    return snapshot;
}

Snapshot make_site_snapshot(const std::vector<const Article*>& articles, const Config& config,
                            Seconds now) {
    Snapshot snapshot = render_plan(plan_site(articles, config, now), config);
    for (const auto& [path, document] : snapshot.resources)
        document->get();  // no longer needs the articles
    return snapshot;
}

}  // namespace feedd
