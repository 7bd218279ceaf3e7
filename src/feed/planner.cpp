#include "feed/planner.h"

#include <algorithm>
#include <future>
#include <iterator>

#include "feed/feed.h"
#include "feed/slug.h"

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

// newest_first over a whole list, comparing dates held beside the pointers: sorting 100k articles
// by dereferencing each in every comparison is mostly cache misses.
void sort_newest_first(std::vector<const Article*>& list) {
    std::vector<std::pair<Seconds, const Article*>> keyed;
    keyed.reserve(list.size());
    for (const Article* a : list) keyed.emplace_back(a->date, a);
    std::sort(keyed.begin(), keyed.end(), [](const auto& x, const auto& y) {
        if (x.first != y.first) return x.first > y.first;
        return x.second->path < y.second->path;
    });
    for (std::size_t i = 0; i < list.size(); ++i) list[i] = keyed[i].second;
}

// Where `a` goes (or is) in a newest-first list.
std::size_t insert_sorted(std::vector<const Article*>& list, const Article* a) {
    const auto at = std::lower_bound(list.begin(), list.end(), a, newest_first);
    const auto index = static_cast<std::size_t>(at - list.begin());
    list.insert(at, a);
    return index;
}

std::optional<std::size_t> erase_sorted(std::vector<const Article*>& list, const Article* a) {
    for (auto it = std::lower_bound(list.begin(), list.end(), a, newest_first); it != list.end();
         ++it) {
        if (*it == a) {
            const auto index = static_cast<std::size_t>(it - list.begin());
            list.erase(it);
            return index;
        }
        if (newest_first(a, *it)) break;  // past the articles that sort like it
    }
    return std::nullopt;
}

// Publishing this many at once re-sorts instead of inserting one by one (a first scan publishes
// every article: one by one would move the whole list each time).
constexpr std::size_t kBulk = 64;

}  // namespace

SitePlanner::SitePlanner(const Config& config, TopicFeedOptions topic_options)
    : config_(config), topic_options_(topic_options) {}

SitePlanner::SitePlanner(const Config& config) : SitePlanner(config, topic_feed_options(config)) {}

bool SitePlanner::settings_changed(const Config& current, const Config& next) {
    const auto a = topic_feed_options(current);
    const auto b = topic_feed_options(next);
    return current.feeds.limit != next.feeds.limit || !(current.site.author == next.site.author) ||
           a.limit != b.limit || a.full_content != b.full_content;
}

SitePlanner::Gathering& SitePlanner::gathering(TopicKind kind, std::string_view name) {
    auto& known = by_name_[static_cast<std::size_t>(kind)];
    const auto found = known.find(name);
    if (found != known.end()) return *found->second;
    // A site has far fewer names than uses of them: each is slugged once.
    Gathering* g = &gathered_[static_cast<std::size_t>(kind)][slug_of(name)];
    known.emplace(std::string(name), g);
    return *g;
}

template <typename Visit>
void SitePlanner::for_each_topic(const Article* a, Visit visit) {
    // Tags and categories are one vocabulary: the feeds publish both as categories. An article
    // counts once per topic even when two of its names slug the same.
    std::vector<const Gathering*>& tags = visited_tags_;  // reused: no allocation per article
    tags.clear();
    for (const auto* list : {&a->tags, &a->categories}) {
        for (const std::string& name : *list) {
            if (name.empty()) continue;
            Gathering& g = gathering(TopicKind::tag, name);
            if (std::find(tags.begin(), tags.end(), &g) != tags.end()) continue;
            tags.push_back(&g);
            visit(g, std::string_view(name));
        }
    }
    if (const std::string_view section = section_of(a->path); !section.empty()) {
        visit(gathering(TopicKind::section, section), section);
    }
    const Person& author = a->author.empty() ? config_.site.author : a->author;
    const std::string& author_name = author.name.empty() ? author.email : author.name;
    if (!author_name.empty())
        visit(gathering(TopicKind::author, author_name), std::string_view(author_name));
}

void SitePlanner::add(const Article* a) {
    ++held_;
    dates_added_.push_back(a->date);
    if (!a->draft) incoming_.push_back(a);
}

void SitePlanner::remove(const Article* a) {
    --held_;
    dates_removed_.push_back(a->date);
    if (a->draft) return;
    if (const auto it = std::find(incoming_.begin(), incoming_.end(), a); it != incoming_.end()) {
        incoming_.erase(it);
        return;
    }
    for (auto [it, end] = scheduled_.equal_range(publication_time(*a)); it != end; ++it) {
        if (it->second == a) {
            scheduled_.erase(it);
            return;
        }
    }
    if (expired_.erase(a) > 0) return;
    if (a->expires) {
        for (auto [it, end] = expiring_.equal_range(*a->expires); it != end; ++it) {
            if (it->second == a) {
                expiring_.erase(it);
                break;
            }
        }
    }
    unpublish(a);
}

void SitePlanner::publish(std::vector<const Article*> due) {
    if (due.empty()) return;
    const auto count_in_topics = [&](const Article* a, bool bulk) {
        for_each_topic(a, [&](Gathering& g, std::string_view name) {
            if (const auto s = g.spellings.find(name); s != g.spellings.end()) {
                ++s->second;
            } else {
                g.spellings.emplace(std::string(name), 1);
            }
            if (bulk) {
                g.members.push_back(a);
            } else {
                insert_sorted(g.members, a);
            }
            g.dirty = true;
        });
    };
    if (due.size() < kBulk) {
        for (const Article* a : due) {
            const auto index = insert_sorted(published_, a);
            published_digests_.insert(
                published_digests_.begin() + static_cast<std::ptrdiff_t>(index),
                summary_digest(*a));
            count_in_topics(a, false);
        }
        return;
    }
    // In bulk (a first build publishes every article at once) the site's list and the topics'
    // lists share nothing: the first is sorted on another thread while this one gathers the
    // topics (at 100k articles about 26 and 70 ms). Joined before `due` goes.
    auto site_list = std::async(std::launch::async, [this, &due] {
        published_.insert(published_.end(), due.begin(), due.end());
        sort_newest_first(published_);
        published_digests_.clear();
        published_digests_.reserve(published_.size());
        for (const Article* a : published_) published_digests_.push_back(summary_digest(*a));
    });
    for (const Article* a : due) count_in_topics(a, true);
    for (auto& kind : gathered_) {
        for (auto& [slug, g] : kind) {
            if (g.dirty) sort_newest_first(g.members);
        }
    }
    site_list.get();
}

void SitePlanner::unpublish(const Article* a) {
    if (const auto index = erase_sorted(published_, a)) {
        published_digests_.erase(published_digests_.begin() + static_cast<std::ptrdiff_t>(*index));
    }
    for_each_topic(a, [&](Gathering& g, std::string_view name) {
        if (const auto s = g.spellings.find(name); s != g.spellings.end() && --s->second == 0) {
            g.spellings.erase(s);
        }
        erase_sorted(g.members, a);
        g.dirty = true;
    });
}

void SitePlanner::settle_dates() {
    if (dates_added_.empty() && dates_removed_.empty()) return;
    std::sort(dates_added_.begin(), dates_added_.end());
    std::sort(dates_removed_.begin(), dates_removed_.end());
    // An article added and removed since the last plan cancels out; every other removed date is
    // in dates_ (each removed article was held).
    std::vector<Seconds> added, removed;
    std::set_difference(dates_added_.begin(), dates_added_.end(), dates_removed_.begin(),
                        dates_removed_.end(), std::back_inserter(added));
    std::set_difference(dates_removed_.begin(), dates_removed_.end(), dates_added_.begin(),
                        dates_added_.end(), std::back_inserter(removed));
    if (!removed.empty()) {
        std::vector<Seconds> kept;
        kept.reserve(dates_.size());
        std::set_difference(dates_.begin(), dates_.end(), removed.begin(), removed.end(),
                            std::back_inserter(kept));
        dates_.swap(kept);
    }
    const auto middle = static_cast<std::ptrdiff_t>(dates_.size());
    dates_.insert(dates_.end(), added.begin(), added.end());
    std::inplace_merge(dates_.begin(), dates_.begin() + middle, dates_.end());
    dates_added_.clear();
    dates_removed_.clear();
}

SitePlan SitePlanner::plan(Seconds now) {
    std::vector<const Article*> due;
    for (const Article* a : incoming_) {
        if (publication_time(*a) <= now) {
            due.push_back(a);
        } else {
            scheduled_.emplace(publication_time(*a), a);
        }
    }
    incoming_.clear();
    for (auto it = scheduled_.begin(); it != scheduled_.end() && it->first <= now;) {
        due.push_back(it->second);
        it = scheduled_.erase(it);
    }
    // Expiry (Hugo's expiryDate): due articles already past it are never shown; published ones
    // whose time came leave every feed.
    std::erase_if(due, [&](const Article* a) {
        if (!a->expires) return false;
        if (*a->expires <= now) {
            expired_.insert(a);
            return true;
        }
        expiring_.emplace(*a->expires, a);
        return false;
    });
    for (auto it = expiring_.begin(); it != expiring_.end() && it->first <= now;) {
        unpublish(it->second);
        expired_.insert(it->second);
        it = expiring_.erase(it);
    }
    publish(std::move(due));

    SitePlan plan;
    plan.topic_options = topic_options_;
    settle_dates();
    if (!dates_.empty()) plan.newest = dates_.back();
    const std::size_t limit = static_cast<std::size_t>(std::max(config_.feeds.limit, 0));
    plan.main.assign(published_.begin(), published_.begin() + static_cast<std::ptrdiff_t>(std::min(
                                                                  limit, published_.size())));
    for (const TopicKind kind : {TopicKind::tag, TopicKind::section, TopicKind::author}) {
        for (auto& [slug, g] : gathered_[static_cast<std::size_t>(kind)]) {
            if (g.members.empty()) continue;
            if (g.dirty) {
                Topic& topic = g.topic;
                topic = Topic{};
                topic.kind = kind;
                topic.slug = slug;
                std::size_t best = 0;
                for (const auto& [spelling, uses] : g.spellings) {
                    topic.spellings.push_back(spelling);
                    if (uses > best)
                        best = uses, topic.name = spelling;  // map order: ties keep the smallest
                }
                topic.folder = folder_of(kind, slug);
                topic.count = g.members.size();
                topic.shown.assign(
                    g.members.begin(),
                    g.members.begin() + static_cast<std::ptrdiff_t>(
                                            std::min(topic_options_.limit, g.members.size())));
                g.dirty = false;
            }
            plan.topics.push_back(g.topic);
        }
    }
    plan.history.assign(published_.rbegin(), published_.rend());  // oldest first
    plan.history_digests.assign(published_digests_.rbegin(), published_digests_.rend());
    return plan;
}

std::optional<Seconds> SitePlanner::next_publication(Seconds now) const {
    std::optional<Seconds> next;
    const auto consider = [&](Seconds at) {
        if (!next || at < *next) next = at;
    };
    for (const Article* a : incoming_) {
        if (publication_time(*a) > now) {
            consider(publication_time(*a));
        } else if (a->expires && *a->expires > now) {
            consider(*a->expires);
        }
    }
    for (const auto* times : {&scheduled_, &expiring_}) {
        if (const auto it = times->upper_bound(now); it != times->end()) consider(it->first);
    }
    return next;
}

}  // namespace feedd
