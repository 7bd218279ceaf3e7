#include "feed/site.h"

#include <algorithm>
#include <array>
#include <map>
#include <set>

#include "feed/feed.h"
#include "feed/slug.h"
#include "feed/writers.h"

namespace feedd {
namespace {

bool newest_first(const Article* x, const Article* y) {
    if (x->date != y->date) return x->date > y->date;
    return x->path < y->path;
}

std::string_view section_of(std::string_view path) {
    const auto slash = path.find('/');
    return slash == std::string_view::npos ? std::string_view{} : path.substr(0, slash);
}

// A topic while the articles are counted: every spelling with how often it is used.
struct Gathering {
    std::map<std::string, std::size_t, std::less<>> spellings;
    std::size_t count = 0;
    std::vector<const Article*> shown;
};

std::string folder_of(TopicKind kind, const std::string& slug) {
    const std::string encoded = slug_url(slug);
    switch (kind) {
        case TopicKind::tag:
            return "/tags/" + encoded + "/";
        case TopicKind::author:
            return "/authors/" + encoded + "/";
        case TopicKind::section:
            return is_reserved_section(slug) ? "/sections/" + encoded + "/" : "/" + encoded + "/";
    }
    return {};
}

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
    return {site_url(config, archive_key(page, ".xml")), site_url(config, archive_key(page, ".atom"))};
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
    if (config.ping.enabled) {
        for (const auto& hub : config.ping.websub) feed.hubs.push_back(hub.url);
    }
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
    feed.description = label + " \xE2\x80\x9C" + topic.name + "\xE2\x80\x9D" +
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

std::vector<TopicIndexItem> index_items(const SitePlan& plan, TopicKind kind, const Config& config) {
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
        item.page_url = kind == TopicKind::section ? std::string{} : site_url(config, t.folder.substr(1));
        item.rss_url = site_url(config, t.folder.substr(1) + "feed.xml");
        item.atom_url = site_url(config, t.folder.substr(1) + "atom.xml");
        item.json_url = site_url(config, t.folder.substr(1) + "feed.json");
        items.push_back(std::move(item));
    }
    return items;
}

}  // namespace

bool is_reserved_section(std::string_view slug) {
    static constexpr std::array<std::string_view, 6> kReserved = {
        "archive", "authors", "healthz", "metrics", "sections", "tags"};
    return std::find(kReserved.begin(), kReserved.end(), slug) != kReserved.end();
}

TopicFeedOptions topic_feed_options(const Config& config) {
    TopicFeedOptions options;
    options.limit = std::min(options.limit, static_cast<std::size_t>(std::max(config.feeds.limit, 0)));
    return options;
}

SitePlan plan_site(const std::vector<const Article*>& articles, const Config& config, Seconds now) {
    return plan_site(articles, config, now, topic_feed_options(config));
}

SitePlan plan_site(const std::vector<const Article*>& articles, const Config& config, Seconds now,
                   TopicFeedOptions topic_options) {
    SitePlan plan;
    plan.topic_options = topic_options;
    const std::size_t limit = static_cast<std::size_t>(std::max(config.feeds.limit, 0));
    for (const Article* a : articles) {
        plan.newest = std::max(plan.newest, a->date);
        if (is_published(*a, now)) plan.history.push_back(a);
    }
    // Newest first, so each topic takes its first `limit` articles as it meets them.
    std::sort(plan.history.begin(), plan.history.end(), newest_first);
    plan.main.assign(plan.history.begin(),
                     plan.history.begin() + static_cast<std::ptrdiff_t>(std::min(limit, plan.history.size())));

    std::array<std::map<std::string, Gathering>, 3> gathered;  // by kind, then slug
    const auto add = [&](TopicKind kind, const std::string& name, const Article* a) {
        Gathering& g = gathered[static_cast<std::size_t>(kind)][slug_of(name)];
        ++g.spellings[name];
        ++g.count;
        if (g.shown.size() < topic_options.limit) g.shown.push_back(a);
    };
    for (const Article* a : plan.history) {
        // Tags and categories are one vocabulary: the feeds publish both as categories. An
        // article counts once per topic even when two of its names slug the same.
        std::set<std::string> slugs;
        for (const auto* list : {&a->tags, &a->categories}) {
            for (const std::string& name : *list) {
                if (!name.empty() && slugs.insert(slug_of(name)).second) add(TopicKind::tag, name, a);
            }
        }
        const std::string_view section = section_of(a->path);
        if (!section.empty()) add(TopicKind::section, std::string(section), a);
        const Person& author = a->author.empty() ? config.site.author : a->author;
        const std::string& author_name = author.name.empty() ? author.email : author.name;
        if (!author_name.empty()) add(TopicKind::author, author_name, a);
    }
    for (const TopicKind kind : {TopicKind::tag, TopicKind::section, TopicKind::author}) {
        for (auto& [slug, g] : gathered[static_cast<std::size_t>(kind)]) {
            Topic topic;
            topic.kind = kind;
            topic.slug = slug;
            std::size_t best = 0;
            for (const auto& [spelling, uses] : g.spellings) {
                topic.spellings.push_back(spelling);
                if (uses > best) best = uses, topic.name = spelling;  // map order: ties keep the smallest
            }
            topic.folder = folder_of(kind, slug);
            topic.count = g.count;
            topic.shown = std::move(g.shown);
            plan.topics.push_back(std::move(topic));
        }
    }
    std::reverse(plan.history.begin(), plan.history.end());  // oldest first
    return plan;
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

Snapshot render_plan(const SitePlan& plan, const Config& config) {
    const std::size_t pages = archive_page_count(plan);

    Feed main = feed_shell(config);
    main.urls = {config.site.url, site_url(config, "feed.xml"), site_url(config, "atom.xml"),
                 site_url(config, "feed.json"), {}};
    for (const Article* a : plan.main) main.entries.push_back(make_entry(*a, config));
    set_updated(main, plan.newest);
    if (pages > 0) main.prev_archive = archive_links(config, pages);
    Snapshot snapshot;
    add_feed_resources(snapshot, "/", main);
    snapshot.resources.insert_or_assign(
        "/", make_page_resource("text/html; charset=utf-8", render_index_html(main), main.updated));
    const FormatLinks current{main.urls.rss, main.urls.atom};
    const Seconds site_updated = main.updated;
    main = Feed{};  // its bodies are rendered; free them before the next feeds

    Config topic_config = config;
    topic_config.feeds.full_content = config.feeds.full_content && plan.topic_options.full_content;
    for (const Topic& topic : plan.topics) {
        const Feed feed = topic_feed(topic, topic_config, plan.newest);
        add_feed_resources(snapshot, topic.folder, feed);
        if (topic.kind != TopicKind::section) {
            snapshot.resources.insert_or_assign(
                topic.folder, make_page_resource("text/html; charset=utf-8", render_index_html(feed),
                                                 feed.updated));
        }
    }

    Feed tags_page = feed_shell(config);
    tags_page.title = config.site.title + " \xE2\x80\x94 Tags";
    tags_page.urls.home = config.site.url;
    tags_page.urls.rss = current.rss;
    tags_page.urls.atom = current.atom;
    tags_page.urls.json = site_url(config, "feed.json");
    snapshot.resources.insert_or_assign(
        "/tags/", make_page_resource("text/html; charset=utf-8",
                                     render_topic_index_html(tags_page, index_items(plan, TopicKind::tag, config)),
                                     site_updated));

    // Archive pages: summaries only (docs/feeds.md: every page stays in memory, and 100k bodies
    // would not fit), no hubs (nobody subscribes to a page).
    Config summaries = config;
    summaries.feeds.full_content = false;
    for (std::size_t page = 1; page <= pages; ++page) {
        Feed feed = feed_shell(config);
        feed.hubs.clear();
        feed.title = config.site.title + " \xE2\x80\x94 Archive, page " + std::to_string(page);
        feed.urls.home = config.site.url;
        const FormatLinks self = archive_links(config, page);
        feed.urls.rss = self.rss;
        feed.urls.atom = self.atom;
        feed.urls.id = config.site.url;  // the same logical feed as the subscription one
        feed.archive = true;
        feed.current = current;
        if (page > 1) feed.prev_archive = archive_links(config, page - 1);
        if (page < pages) feed.next_archive = archive_links(config, page + 1);
        const std::size_t begin = (page - 1) * kArchivePageSize;
        const std::size_t end = std::min(begin + kArchivePageSize, plan.history.size());
        for (std::size_t i = end; i-- > begin;) {  // newest first within the page, like every feed
            feed.entries.push_back(make_entry(*plan.history[i], summaries));
        }
        set_updated(feed, plan.newest);
        // Closed once a newer page exists: then nothing in it (entries, links) changes as
        // articles are added.
        const bool closed = page < pages;
        Resource rss = make_page_resource("application/rss+xml; charset=utf-8", render_rss(feed), feed.updated);
        Resource atom = make_page_resource("application/atom+xml; charset=utf-8", render_atom(feed), feed.updated);
        rss.immutable = atom.immutable = closed;
        snapshot.resources.insert_or_assign(archive_key(page, ".xml"), std::move(rss));
        snapshot.resources.insert_or_assign(archive_key(page, ".atom"), std::move(atom));
    }
    snapshot.info.articles = plan.history.size();
    return snapshot;
}

Snapshot make_site_snapshot(const std::vector<const Article*>& articles, const Config& config,
                            Seconds now) {
    return render_plan(plan_site(articles, config, now), config);
}

}  // namespace feedd
