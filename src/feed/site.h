// Every document of a site: the main feed, one feed per tag, section and author, the tag index and
// the RFC 5005 archive pages. docs/feeds.md states the URL scheme and its rules.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "config/config.h"
#include "content/article.h"
#include "feed/snapshot.h"

namespace feedd {

enum class TopicKind { tag, section, author };

// A tag, section or author with a feed. Names that give the same slug share one topic (merged).
struct Topic {
    TopicKind kind = TopicKind::tag;
    std::string slug;                    // UTF-8 (slug_of)
    std::string name;                    // the spelling most articles use (ties: the smallest)
    std::vector<std::string> spellings;  // every name merged into this topic, sorted
    std::string folder;                  // resource key prefix: "/tags/t%C3%BCrkiye/"
    std::size_t count = 0;               // published articles
    std::vector<const Article*> shown;   // newest first, at most TopicFeedOptions::limit
};

// Tag, section and author feeds: how many entries, and whether with bodies. Measured at 10k
// articles (200 tags, 377 authors, 8 sections): with bodies and 50 entries they are 320 MB of
// documents before compression, against 0.8 MB for the site feed; every document of a snapshot
// lives in memory. So by default they carry summaries (readers follow the link, as the archive)
// and the newest 20 entries (WordPress shows 10). docs/feeds.md.
struct TopicFeedOptions {
    std::size_t limit = 20;
    bool full_content = false;
};

// The defaults above, never more entries than the site feed (feeds.limit).
TopicFeedOptions topic_feed_options(const Config& config);

// What each document shows, decided from metadata alone, so a store can read full bodies for just
// the articles the subscription feeds show before rendering.
struct SitePlan {
    std::vector<const Article*> main;     // the main feed: newest first, at most feeds.limit
    std::vector<Topic> topics;            // by kind (tags, sections, authors), then slug
    std::vector<const Article*> history;  // every published article, oldest first (archives)
    // summary_digest of each history article, when the planner has them at hand (else empty):
    // fingerprinting the archive pages then reads one array, not every article (cache misses).
    std::vector<std::uint64_t> history_digests;
    Seconds newest{};  // newest date of any article (an empty feed's date)
    TopicFeedOptions topic_options;
};

SitePlan plan_site(const std::vector<const Article*>& articles, const Config& config, Seconds now,
                   TopicFeedOptions topic_options);

// What identifies an article as a summaries-only feed shows it (archive pages): its digest
// without the body.
std::uint64_t summary_digest(const Article& article);
SitePlan plan_site(const std::vector<const Article*>& articles, const Config& config, Seconds now);

// The articles whose bodies some feed carries (the site feed's, and the topic feeds' when
// TopicFeedOptions::full_content), each once, in path order. Archive pages carry summaries only.
std::vector<const Article*> articles_with_content(const SitePlan& plan);

// Points the plan at other Article objects (say, the same articles read with their bodies):
// `replace(a)` returns the one to use instead of `a`.
template <typename Replace>
void replace_articles(SitePlan& plan, Replace replace) {
    for (auto& a : plan.main) a = replace(a);
    for (auto& topic : plan.topics) {
        for (auto& a : topic.shown) a = replace(a);
    }
}

// The documents of the previous build and a fingerprint of what each group of them (a feed's
// formats and page, an archive page, the tag index) was made from. render_plan shares a group
// whose inputs are unchanged with the previous build instead of making it again (a deferred one
// keeps what it rendered), so a live rebuild after one edit redoes only the feeds that show the
// edited article.
struct RenderCache {
    struct Group {
        std::uint64_t fingerprint = 0;
        std::vector<std::pair<std::string, std::shared_ptr<const Document>>> documents;
    };
    std::unordered_map<std::string, Group> groups;  // by the group's first key
    // The snapshot render_plan made, set by the caller: what the next build's checks need not
    // repeat (validate_snapshot).
    std::shared_ptr<const Snapshot> previous;
    std::size_t reused = 0;    // groups copied by the last render_plan
    std::size_t rendered = 0;  // groups rendered by the last render_plan
};

// The documents of the plan: the site feed (RSS, Atom, JSON) and page rendered now, every other
// document deferred until first asked for (feed/snapshot.h). Deterministic: the same plan gives
// the same bytes, with or without a cache. Deferred documents read the plan's articles when they
// render, possibly after later builds: each holds the shared_ptrs that own its articles
// (Article::weak_from_this); articles not owned by a shared_ptr must outlive the snapshot.
Snapshot render_plan(const SitePlan& plan, const Config& config, RenderCache* cache = nullptr);

// plan_site + render_plan, with every document rendered: the articles need not outlive the call.
Snapshot make_site_snapshot(const std::vector<const Article*>& articles, const Config& config,
                            Seconds now);

// Archive pages (RFC 5005) hold this many entries each, oldest page first, numbered from 1.
// Fixed rather than feeds.limit, so a config change never renumbers the closed pages.
inline constexpr std::size_t kArchivePageSize = 100;

// Top-level names of feedd's own resources; a section with one of these slugs is published under
// /sections/<slug>/ instead of /<slug>/.
bool is_reserved_section(std::string_view slug);

}  // namespace feedd
