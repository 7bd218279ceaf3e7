// SitePlanner keeps plan_site's answer up to date: after any sequence of additions, removals and
// the passing of time, its plan equals plan_site over the articles it holds.
#include "feed/planner.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <list>
#include <random>

#include "feed/feed_test_support.h"

namespace feedd {
namespace {

using test::article;
using test::at;

std::vector<std::string> paths(const std::vector<const Article*>& articles) {
    std::vector<std::string> out;
    for (const Article* a : articles) out.push_back(a->path);
    return out;
}

void expect_same_plan(const SitePlan& got, const SitePlan& want, const std::string& when) {
    EXPECT_EQ(paths(got.main), paths(want.main)) << when;
    EXPECT_EQ(paths(got.history), paths(want.history)) << when;
    EXPECT_EQ(got.newest, want.newest) << when;
    std::vector<std::uint64_t> digests;
    for (const Article* a : want.history) digests.push_back(summary_digest(*a));
    EXPECT_EQ(got.history_digests, digests) << when;
    ASSERT_EQ(got.topics.size(), want.topics.size()) << when;
    for (std::size_t i = 0; i < want.topics.size(); ++i) {
        const Topic& g = got.topics[i];
        const Topic& w = want.topics[i];
        EXPECT_EQ(g.kind, w.kind) << when << " topic " << w.slug;
        EXPECT_EQ(g.slug, w.slug) << when;
        EXPECT_EQ(g.name, w.name) << when << " topic " << w.slug;
        EXPECT_EQ(g.spellings, w.spellings) << when << " topic " << w.slug;
        EXPECT_EQ(g.folder, w.folder) << when;
        EXPECT_EQ(g.count, w.count) << when << " topic " << w.slug;
        EXPECT_EQ(paths(g.shown), paths(w.shown)) << when << " topic " << w.slug;
    }
}

// Articles with colliding tag spellings, sections, authors (or none: the site's), drafts, and
// dates in the past and in the future of the clock below.
Article random_article(std::mt19937& rng, int serial) {
    static const std::vector<std::string> kTags = {"Space",   "space",      "SPACE",  "Türkiye",
                                                   "türkiye", "C++ & Rust", "c-rust", "",
                                                   "!!!",     "Ocean"};
    static const std::vector<std::string> kSections = {"world", "sport", "tags", ""};
    static const std::vector<std::string> kAuthors = {"", "Ada", "Grace", "ada"};
    auto pick = [&](const auto& list) {
        return list[std::uniform_int_distribution<std::size_t>(0, list.size() - 1)(rng)];
    };
    const std::string section = pick(kSections);
    Article a = article(
        (section.empty() ? "" : section + "/") + "a" + std::to_string(serial) + ".md",
        "Article " + std::to_string(serial),
        at(2024, 1, 1) + std::chrono::hours(std::uniform_int_distribution<int>(0, 400)(rng)));
    for (int i = std::uniform_int_distribution<int>(0, 3)(rng); i > 0; --i)
        a.tags.push_back(pick(kTags));
    if (std::uniform_int_distribution<int>(0, 3)(rng) == 0) a.categories.push_back(pick(kTags));
    a.author.name = pick(kAuthors);
    a.draft = std::uniform_int_distribution<int>(0, 9)(rng) == 0;
    // Some are held back by a publishDate beside their date (Hugo), earlier or later than it.
    if (std::uniform_int_distribution<int>(0, 4)(rng) == 0) {
        a.publish_at =
            a.date + std::chrono::hours(std::uniform_int_distribution<int>(-50, 100)(rng));
    }
    // Some expire (Hugo's expiryDate): before they are due, while the clock runs, or much later.
    if (std::uniform_int_distribution<int>(0, 3)(rng) == 0) {
        a.expires = a.date + std::chrono::hours(std::uniform_int_distribution<int>(-10, 200)(rng));
    }
    return a;
}

TEST(SitePlanner, EqualsPlanSiteAfterAnySequenceOfChanges) {
    Config config = test::site_config();
    config.feeds.limit = 7;
    config.site.author = {"The Desk", ""};
    const TopicFeedOptions options{3, false};
    for (unsigned seed = 1; seed <= 20; ++seed) {
        std::mt19937 rng(seed);
        std::list<Article> store;  // stable addresses, like the daemon's store
        SitePlanner planner(config, options);
        Seconds now = at(2024, 1, 5);
        int serial = 0;
        // A first scan: enough at once for the bulk path.
        for (int i = 0; i < 150; ++i) {
            store.push_back(random_article(rng, serial++));
            planner.add(&store.back());
        }
        for (int step = 0; step < 60; ++step) {
            const int action = std::uniform_int_distribution<int>(0, 9)(rng);
            if (action < 4 || store.empty()) {
                for (int n = action == 0 ? 80 : 1; n > 0;
                     --n) {  // sometimes a burst (git checkout)
                    store.push_back(random_article(rng, serial++));
                    planner.add(&store.back());
                }
            } else if (action < 7) {
                auto it = std::next(store.begin(), std::uniform_int_distribution<std::size_t>(
                                                       0, store.size() - 1)(rng));
                planner.remove(&*it);
                store.erase(it);
            } else if (action < 9) {  // an edit: the store replaces the article
                auto it = std::next(store.begin(), std::uniform_int_distribution<std::size_t>(
                                                       0, store.size() - 1)(rng));
                Article edited = random_article(rng, serial++);
                edited.path = it->path;
                planner.remove(&*it);
                *it = edited;
                planner.add(&*it);
            } else {
                now += std::chrono::hours(std::uniform_int_distribution<int>(1, 48)(rng));
            }
            std::vector<const Article*> held;
            for (const Article& a : store) held.push_back(&a);
            const std::string when =
                "seed " + std::to_string(seed) + " step " + std::to_string(step);
            expect_same_plan(planner.plan(now), plan_site(held, config, now, options), when);
            EXPECT_EQ(planner.next_publication(now), next_publication(held, now)) << when;
            EXPECT_EQ(planner.size(), store.size());
            if (HasFailure()) return;
        }
    }
}

TEST(SitePlanner, APublishDateHoldsAnArticleBackUntilThen) {
    const Config config = test::site_config();
    Article held = article("held.md", "Held", at(2024, 6, 1));
    held.publish_at = at(2024, 6, 2, 8);  // Hugo's publishDate after its date
    SitePlanner planner(config);
    planner.add(&held);
    EXPECT_TRUE(planner.plan(at(2024, 6, 2, 7)).main.empty());
    EXPECT_EQ(planner.next_publication(at(2024, 6, 2, 7)), at(2024, 6, 2, 8));
    EXPECT_EQ(paths(planner.plan(at(2024, 6, 2, 8)).main), std::vector<std::string>{"held.md"});
}

TEST(SitePlanner, AScheduledArticlePublishesWhenItsTimeComes) {
    const Config config = test::site_config();
    Article later = article("later.md", "Later", at(2024, 6, 1, 12));
    Article now_one = article("now.md", "Now", at(2024, 6, 1));
    SitePlanner planner(config);
    planner.add(&later);
    planner.add(&now_one);
    EXPECT_EQ(paths(planner.plan(at(2024, 6, 1, 11, 59, 59)).main),
              std::vector<std::string>{"now.md"});
    EXPECT_EQ(planner.next_publication(at(2024, 6, 1, 11, 59, 59)), at(2024, 6, 1, 12));
    EXPECT_EQ(paths(planner.plan(at(2024, 6, 1, 12)).main),
              (std::vector<std::string>{"later.md", "now.md"}));
    EXPECT_EQ(planner.next_publication(at(2024, 6, 1, 12)), std::nullopt);
}

TEST(SitePlanner, AnArticleLeavesTheFeedsWhenItExpires) {
    const Config config = test::site_config();
    Article offer = article("offer.md", "Winter offer", at(2024, 6, 1));
    offer.tags = {"offers"};
    offer.expires = at(2024, 6, 2, 12);
    Article stays = article("stays.md", "Stays", at(2024, 5, 1));
    Article gone = article("gone.md", "Expired before it was due", at(2024, 6, 3));
    gone.expires = at(2024, 6, 2);
    SitePlanner planner(config);
    for (const Article* a : {&offer, &stays, &gone}) planner.add(a);

    const auto before = planner.plan(at(2024, 6, 2, 11, 59, 59));
    EXPECT_EQ(paths(before.main), (std::vector<std::string>{"offer.md", "stays.md"}));
    const auto has_offers = [](const SitePlan& plan) {
        return std::any_of(plan.topics.begin(), plan.topics.end(),
                           [](const Topic& topic) { return topic.slug == "offers"; });
    };
    EXPECT_TRUE(has_offers(before));
    // The rebuild timer is set for the expiry, the next change that comes by itself.
    EXPECT_EQ(planner.next_publication(at(2024, 6, 2, 11, 59, 59)), at(2024, 6, 2, 12));

    const auto after = planner.plan(at(2024, 6, 2, 12));
    EXPECT_EQ(paths(after.main), std::vector<std::string>{"stays.md"});
    EXPECT_FALSE(has_offers(after));
    // gone.md is due at June 3rd but expired before: the timer still wakes for its date, and it
    // is not shown then either.
    EXPECT_EQ(planner.next_publication(at(2024, 6, 2, 12)), at(2024, 6, 3));
    EXPECT_EQ(paths(planner.plan(at(2024, 6, 3)).main), std::vector<std::string>{"stays.md"});
    // Removing an expired article is no change to the feeds.
    planner.remove(&offer);
    EXPECT_EQ(paths(planner.plan(at(2024, 6, 3)).main), std::vector<std::string>{"stays.md"});
    EXPECT_EQ(planner.size(), 2u);
}

TEST(SitePlanner, SettingsThatChangeThePlanAreNamed) {
    const Config a = test::site_config();
    Config b = a;
    EXPECT_FALSE(SitePlanner::settings_changed(a, b));
    b.feeds.limit = 10;
    EXPECT_TRUE(SitePlanner::settings_changed(a, b));
    b = a;
    b.site.author = {"Someone", ""};
    EXPECT_TRUE(SitePlanner::settings_changed(a, b));
    b = a;
    b.site.title = "Other";  // rendering, not planning
    EXPECT_FALSE(SitePlanner::settings_changed(a, b));
}

}  // namespace
}  // namespace feedd
