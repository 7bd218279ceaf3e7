// plan_site kept up to date as articles come and go: a live rebuild after one edit costs in
// proportion to the edit, not to the site. At 100k articles plan_site takes about 100 ms (sorting
// and grouping every article, mostly cache misses); the planner touches only what changed.
#pragma once

#include <array>
#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "config/config.h"
#include "content/article.h"
#include "feed/site.h"

namespace feedd {

class SitePlanner {
  public:
    // The planner depends on these settings (site.author, feeds.limit, the topic options); the
    // caller makes a new planner when planner_settings_changed says they differ.
    SitePlanner(const Config& config, TopicFeedOptions topic_options);
    explicit SitePlanner(const Config& config);

    // An article now held (not owned: it must stay valid until removed). Drafts and articles
    // dated in the future are held too: they count for `newest`, and publish on time; one with
    // an expiry date leaves the feeds at that second.
    void add(const Article* article);
    // An article no longer held (or about to be replaced: remove the old, add the new).
    void remove(const Article* article);

    // Exactly plan_site(every held article, config, now, topic options), incrementally. `now`
    // should not go back in time (articles that were due stay published).
    SitePlan plan(Seconds now);

    // When the published set next changes by itself after `now`: a held article becomes due or a
    // published one expires (next_publication over the held ones).
    std::optional<Seconds> next_publication(Seconds now) const;

    std::size_t size() const { return held_; }

    // Whether `next` differs from `current` in anything a planner depends on.
    static bool settings_changed(const Config& current, const Config& next);

  private:
    struct Gathering {
        std::map<std::string, std::size_t, std::less<>> spellings;
        std::vector<const Article*> members;  // newest first
        bool dirty = true;
        Topic topic;  // as of the last plan, when not dirty
    };
    using Gatherings = std::map<std::string, Gathering>;  // by slug

    void publish(std::vector<const Article*> due);
    void settle_dates();
    void unpublish(const Article* article);
    // Each (kind, gathering, spelling) the article counts for, as plan_site counts it.
    template <typename Visit>
    void for_each_topic(const Article* article, Visit visit);
    Gathering& gathering(TopicKind kind, std::string_view name);

    Config config_;
    TopicFeedOptions topic_options_;
    std::size_t held_ = 0;
    // The dates of every held article, sorted, as of the last plan (for `newest`), and the
    // changes since: a first scan of 100k articles appends and sorts once instead of growing a
    // tree node by node.
    std::vector<Seconds> dates_;
    std::vector<Seconds> dates_added_;
    std::vector<Seconds> dates_removed_;
    std::vector<const Article*> incoming_;              // added since the last plan, not drafts
    std::multimap<Seconds, const Article*> scheduled_;  // not drafts, not yet due
    std::multimap<Seconds, const Article*> expiring_;   // published, by their expiry date
    std::unordered_set<const Article*> expired_;        // due, but past their expiry: not shown
    std::vector<const Article*> published_;             // newest first
    std::vector<std::uint64_t> published_digests_;      // summary_digest of each, in the same order
    std::array<Gatherings, 3> gathered_;                // by kind
    // Looked up by string_view: a first scan looks up every tag of every article.
    struct NameHash {
        using is_transparent = void;
        std::size_t operator()(std::string_view name) const {
            return std::hash<std::string_view>{}(name);
        }
    };
    std::array<std::unordered_map<std::string, Gathering*, NameHash, std::equal_to<>>, 3>
        by_name_;                                 // by kind: name → its slug's
    std::vector<const Gathering*> visited_tags_;  // for_each_topic's scratch
};

}  // namespace feedd
