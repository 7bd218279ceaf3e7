#include "feed/site.h"

#include <gtest/gtest.h>

#include "feed/feed_test_support.h"
#include "feed/slug.h"
#include "feed/writers.h"

namespace feedd {
namespace {

using test::article;
using test::at;

const Seconds kNow = at(2024, 6, 1);

TEST(Slug, LowercasesAndJoinsWordsWithDashes) {
    EXPECT_EQ(slug_of("Climate Change"), "climate-change");
    EXPECT_EQ(slug_of("  C++ & Rust!  "), "c-rust");
    EXPECT_EQ(slug_of("rock'n'roll"), "rock-n-roll");
    EXPECT_EQ(slug_of("2024"), "2024");
    EXPECT_EQ(slug_of("a/b.c"), "a-b-c");  // never a path separator or a dot
}

TEST(Slug, KeepsNonAsciiLettersLowercased) {
    EXPECT_EQ(slug_of("T\xC3\xBCrkiye"), "t\xC3\xBCrkiye");  // Türkiye
    EXPECT_EQ(slug_of("T\xC3\x9CRK\xC4\xB0YE").substr(0, 3), "t\xC3\xBC");  // TÜRKİYE: Ü folds to ü
    // Азербайджан → азербайджан
    EXPECT_EQ(slug_of("\xD0\x90\xD0\xB7\xD0\xB5\xD1\x80\xD0\xB1\xD0\xB0\xD0\xB9\xD0\xB4\xD0\xB6\xD0\xB0\xD0\xBD"),
              "\xD0\xB0\xD0\xB7\xD0\xB5\xD1\x80\xD0\xB1\xD0\xB0\xD0\xB9\xD0\xB4\xD0\xB6\xD0\xB0\xD0\xBD");
    // Non-ASCII punctuation (an em dash, guillemets) separates like ASCII punctuation.
    EXPECT_EQ(slug_of("\xC2\xAB" "a\xE2\x80\x94" "b\xC2\xBB"), "a-b");
}

TEST(Slug, UrlFormPercentEncodesNonAsciiBytes) {
    EXPECT_EQ(slug_url(slug_of("T\xC3\xBCrkiye")), "t%C3%BCrkiye");
    EXPECT_EQ(slug_url("\xD0\xB0\xD0\xB7"), "%D0%B0%D0%B7");
    EXPECT_EQ(slug_url("plain-ascii"), "plain-ascii");
}

TEST(Slug, NeverEmptyAndStableForNamesWithoutLetters) {
    const std::string a = slug_of("!!!");
    EXPECT_EQ(a.size(), 9u);
    EXPECT_EQ(a[0], 'x');
    EXPECT_EQ(a, slug_of("!!!"));
    EXPECT_NE(a, slug_of("???"));
    EXPECT_FALSE(slug_of("").empty());
    EXPECT_FALSE(slug_of("\xFF\xFE").empty());  // invalid UTF-8 only
}

TEST(Slug, IsCutAtACharacterBoundary) {
    std::string long_name;
    for (int i = 0; i < 100; ++i) long_name += "\xC3\xBC";  // 200 bytes of ü
    const std::string s = slug_of(long_name);
    EXPECT_LE(s.size(), kMaxSlugBytes);
    EXPECT_EQ(s.size() % 2, 0u);
}

struct Site {
    Config config = test::site_config();
    std::vector<Article> articles;
    Site() {
        config.feeds.limit = 2;
        config.site.author = {"The Desk", ""};
        Article a = article("world/one.md", "One", at(2024, 1, 1));
        a.tags = {"Türkiye", "Space"};
        Article b = article("world/two.md", "Two", at(2024, 2, 1));
        b.tags = {"t\xC3\xBCrkiye"};  // lowercase spelling: same slug, merged
        b.author = {"Ada Lovelace", ""};
        Article c = article("tags/three.md", "Three", at(2024, 3, 1));
        c.categories = {"Space"};
        Article d = article("top.md", "Four", at(2024, 4, 1));
        d.tags = {"!!!"};
        Article draft = article("world/draft.md", "Draft", at(2024, 1, 2));
        draft.tags = {"Secret"};
        draft.draft = true;
        Article future = article("world/later.md", "Later", at(2030, 1, 1));
        future.tags = {"Space"};
        articles = {a, b, c, d, draft, future};
    }
    SitePlan plan() const { return plan_site(pointers_to(articles), config, kNow); }
};

const Topic* find_topic(const SitePlan& plan, TopicKind kind, std::string_view slug) {
    for (const Topic& t : plan.topics) {
        if (t.kind == kind && t.slug == slug) return &t;
    }
    return nullptr;
}

std::vector<std::string> titles(const std::vector<const Article*>& list) {
    std::vector<std::string> out;
    for (const Article* a : list) out.push_back(a->title);
    return out;
}

TEST(SitePlan, OneTopicPerTagSectionAndAuthorWithPublishedArticlesOnly) {
    const Site site;
    const SitePlan plan = site.plan();
    const Topic* space = find_topic(plan, TopicKind::tag, "space");
    ASSERT_NE(space, nullptr);
    EXPECT_EQ(space->count, 2u);  // the future article is not counted
    EXPECT_EQ(titles(space->shown), (std::vector<std::string>{"Three", "One"}));
    EXPECT_EQ(space->folder, "/tags/space/");
    EXPECT_EQ(find_topic(plan, TopicKind::tag, "secret"), nullptr);  // only on a draft
    const Topic* world = find_topic(plan, TopicKind::section, "world");
    ASSERT_NE(world, nullptr);
    EXPECT_EQ(world->folder, "/world/");
    EXPECT_EQ(titles(world->shown), (std::vector<std::string>{"Two", "One"}));
    const Topic* desk = find_topic(plan, TopicKind::author, "the-desk");
    ASSERT_NE(desk, nullptr);  // the site's author stands in for articles without one
    EXPECT_EQ(desk->count, 3u);
    EXPECT_EQ(desk->folder, "/authors/the-desk/");
    EXPECT_NE(find_topic(plan, TopicKind::author, "ada-lovelace"), nullptr);
}

TEST(SitePlan, NamesWithTheSameSlugShareOneFeed) {
    const Site site;
    const SitePlan plan = site.plan();
    const Topic* t = find_topic(plan, TopicKind::tag, "t\xC3\xBCrkiye");
    ASSERT_NE(t, nullptr);
    EXPECT_EQ(t->count, 2u);
    EXPECT_EQ(t->spellings, (std::vector<std::string>{"Türkiye", "t\xC3\xBCrkiye"}));
    EXPECT_EQ(t->name, "Türkiye");  // one use each: the smallest spelling wins the tie
    EXPECT_EQ(t->folder, "/tags/t%C3%BCrkiye/");
}

TEST(SitePlan, ReservedSectionNamesMoveUnderSections) {
    const Site site;
    const SitePlan plan = site.plan();
    const Topic* tags_section = find_topic(plan, TopicKind::section, "tags");
    ASSERT_NE(tags_section, nullptr);
    EXPECT_EQ(tags_section->folder, "/sections/tags/");
    EXPECT_TRUE(is_reserved_section("archive"));
    EXPECT_FALSE(is_reserved_section("world"));
}

TEST(SitePlan, PunctuationOnlyTagStillGetsAFeed) {
    const Site site;
    const SitePlan plan = site.plan();
    const Topic* t = find_topic(plan, TopicKind::tag, slug_of("!!!"));
    ASSERT_NE(t, nullptr);
    EXPECT_EQ(t->name, "!!!");
    EXPECT_EQ(titles(t->shown), (std::vector<std::string>{"Four"}));
}

std::vector<std::string> paths_of(const std::vector<const Article*>& list) {
    std::vector<std::string> paths;
    for (const Article* a : list) paths.push_back(a->path);
    return paths;
}

TEST(SitePlan, WithFullTopicFeedsContentIsNeededForTheUnionOfEveryFeedsArticles) {
    const Site site;
    const SitePlan plan = plan_site(pointers_to(site.articles), site.config, kNow, {2, true});
    // main shows Four and Three (limit 2); "space" adds One, "world" adds Two.
    EXPECT_EQ(paths_of(articles_with_content(plan)),
              (std::vector<std::string>{"tags/three.md", "top.md", "world/one.md", "world/two.md"}));
}

TEST(SitePlan, ByDefaultTopicFeedsCarrySummariesSoOnlyTheSiteFeedNeedsBodies) {
    const Site site;
    const SitePlan plan = site.plan();
    EXPECT_FALSE(plan.topic_options.full_content);
    EXPECT_EQ(paths_of(articles_with_content(plan)), (std::vector<std::string>{"tags/three.md", "top.md"}));
    const Snapshot s = render_plan(plan, site.config);
    EXPECT_EQ(s.find("/world/atom.xml")->body.find("<content"), std::string::npos);
    EXPECT_NE(s.find("/world/atom.xml")->body.find("<summary type=\"text\">Summary of Two</summary>"),
              std::string::npos);
    EXPECT_NE(s.find("/atom.xml")->body.find("<content type=\"html\">"), std::string::npos);
}

TEST(SitePlan, TopicFeedsShowAtMostTwentyAndNeverMoreThanTheSiteFeed) {
    Config config = test::site_config();
    config.feeds.limit = 50;
    EXPECT_EQ(topic_feed_options(config).limit, 20u);
    config.feeds.limit = 5;
    EXPECT_EQ(topic_feed_options(config).limit, 5u);
}

TEST(SiteSnapshot, HasEveryFeedWithItsOwnTitleSelfUrlAndEtag) {
    const Site site;
    const Snapshot s = make_site_snapshot(pointers_to(site.articles), site.config, kNow);
    for (const char* key : {"/feed.xml", "/atom.xml", "/feed.json", "/", "/tags/", "/tags/space/feed.xml",
                            "/tags/space/atom.xml", "/tags/space/feed.json", "/tags/space/",
                            "/tags/t%C3%BCrkiye/feed.xml", "/world/feed.xml", "/sections/tags/atom.xml",
                            "/authors/the-desk/feed.json", "/archive/1.xml", "/archive/1.atom"}) {
        EXPECT_NE(s.find(key), nullptr) << key;
    }
    EXPECT_EQ(s.find("/world/"), nullptr);  // a section's page is the site's own, not feedd's
    const Resource* rss = s.find("/tags/t%C3%BCrkiye/feed.xml");
    ASSERT_NE(rss, nullptr);
    EXPECT_EQ(rss->self_url, "https://news.example.org/tags/t%C3%BCrkiye/feed.xml");
    EXPECT_NE(rss->body.find("<title>Example News \xE2\x80\x94 Tag: Türkiye</title>"), std::string::npos)
        << rss->body;
    EXPECT_NE(rss->link_header.find("<https://news.example.org/tags/t%C3%BCrkiye/feed.xml>; rel=\"self\""),
              std::string::npos);
    EXPECT_NE(rss->etag, s.find("/feed.xml")->etag);
    // Entry ids do not depend on the feed that shows the entry.
    EXPECT_NE(rss->body.find("<guid isPermaLink=\"true\">https://news.example.org/world/one/</guid>"),
              std::string::npos);
    EXPECT_EQ(s.info.articles, 4u);
}

TEST(SiteSnapshot, TagIndexListsEveryTagWithCountAndEscapedLinks) {
    Site site;
    site.articles[3].tags = {"<b>&</b>"};
    const Snapshot s = make_site_snapshot(pointers_to(site.articles), site.config, kNow);
    const Resource* index = s.find("/tags/");
    ASSERT_NE(index, nullptr);
    EXPECT_EQ(index->content_type, "text/html; charset=utf-8");
    const std::string& html = index->body;
    EXPECT_NE(html.find(">Space</a> (2)"), std::string::npos) << html;  // the spelling most use
    EXPECT_NE(html.find("href=\"https://news.example.org/tags/t%C3%BCrkiye/feed.xml\""), std::string::npos);
    EXPECT_NE(html.find("&lt;b&gt;&amp;&lt;/b&gt;</a> (1)"), std::string::npos) << html;
    EXPECT_EQ(html.find("<b>&</b>"), std::string::npos);
}

TEST(SiteSnapshot, SameArticlesSameBytes) {
    const Site site;
    auto reversed = pointers_to(site.articles);
    std::reverse(reversed.begin(), reversed.end());
    const Snapshot a = make_site_snapshot(pointers_to(site.articles), site.config, kNow);
    const Snapshot b = make_site_snapshot(reversed, site.config, kNow);
    ASSERT_EQ(a.resources.size(), b.resources.size());
    for (const auto& [key, document] : a.resources) {
        const Resource& resource = a.at(key);
        const Resource* other = b.find(key);
        ASSERT_NE(other, nullptr) << key;
        EXPECT_EQ(resource.body, other->body) << key;
    }
}

}  // namespace
}  // namespace feedd
