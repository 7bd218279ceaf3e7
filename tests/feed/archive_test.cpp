// RFC 5005 archive pages: paging from the oldest article, links, stability of closed pages.
#include <gtest/gtest.h>

#include <pugixml.hpp>

#include "feed/feed_test_support.h"
#include "feed/site.h"

namespace feedd {
namespace {

using test::article;
using test::at;

const Seconds kNow = at(2030, 1, 1);

std::vector<Article> history(std::size_t n) {
    std::vector<Article> out;
    for (std::size_t i = 0; i < n; ++i) {
        // One article a day from 2020-01-01, so article i is the i-th oldest.
        out.push_back(article("a/" + std::to_string(i) + ".md", "Article " + std::to_string(i),
                              at(2020, 1, 1) + std::chrono::days(i)));
    }
    return out;
}

Snapshot build(const std::vector<Article>& articles) {
    return make_site_snapshot(pointers_to(articles), test::site_config(), kNow);
}

struct Links {
    std::string self, current, prev, next;
    bool archive = false;
    std::vector<std::string> titles;
    bool has_content = false;
};

Links atom_links(const Resource& r) {
    pugi::xml_document doc;
    EXPECT_TRUE(doc.load_buffer(r.body.data(), r.body.size()));
    Links l;
    const auto feed = doc.child("feed");
    for (const auto& link : feed.children("link")) {
        const std::string rel = link.attribute("rel").value();
        const std::string href = link.attribute("href").value();
        if (rel == "self") l.self = href;
        if (rel == "current") l.current = href;
        if (rel == "prev-archive") l.prev = href;
        if (rel == "next-archive") l.next = href;
    }
    l.archive = static_cast<bool>(feed.child("fh:archive"));
    for (const auto& entry : feed.children("entry")) {
        l.titles.push_back(entry.child("title").text().get());
        if (entry.child("content")) l.has_content = true;
    }
    return l;
}

Links rss_links(const Resource& r) {
    pugi::xml_document doc;
    EXPECT_TRUE(doc.load_buffer(r.body.data(), r.body.size()));
    Links l;
    const auto channel = doc.child("rss").child("channel");
    for (const auto& link : channel.children("atom:link")) {
        const std::string rel = link.attribute("rel").value();
        const std::string href = link.attribute("href").value();
        if (rel == "self") l.self = href;
        if (rel == "current") l.current = href;
        if (rel == "prev-archive") l.prev = href;
        if (rel == "next-archive") l.next = href;
    }
    l.archive = static_cast<bool>(channel.child("fh:archive"));
    for (const auto& item : channel.children("item")) {
        l.titles.push_back(item.child("title").text().get());
        if (item.child("content:encoded")) l.has_content = true;
    }
    return l;
}

const std::string kSite = "https://news.example.org/";

TEST(Archive, PagesHoldTheWholeHistoryFromTheOldest) {
    const Snapshot s = build(history(250));
    ASSERT_NE(s.find("/archive/3.xml"), nullptr);
    EXPECT_EQ(s.find("/archive/4.xml"), nullptr);
    EXPECT_EQ(s.find("/archive/0.xml"), nullptr);
    const Links first = atom_links(*s.find("/archive/1.atom"));
    ASSERT_EQ(first.titles.size(), kArchivePageSize);
    EXPECT_EQ(first.titles.front(), "Article 99");  // newest first within a page
    EXPECT_EQ(first.titles.back(), "Article 0");
    const Links last = rss_links(*s.find("/archive/3.xml"));
    ASSERT_EQ(last.titles.size(), 50u);
    EXPECT_EQ(last.titles.front(), "Article 249");
    EXPECT_EQ(last.titles.back(), "Article 200");
}

TEST(Archive, PagesLinkTheirNeighboursAndTheCurrentFeed) {
    const Snapshot s = build(history(250));
    const Links atom = atom_links(*s.find("/archive/2.atom"));
    EXPECT_TRUE(atom.archive);
    EXPECT_EQ(atom.self, kSite + "archive/2.atom");
    EXPECT_EQ(atom.current, kSite + "atom.xml");
    EXPECT_EQ(atom.prev, kSite + "archive/1.atom");
    EXPECT_EQ(atom.next, kSite + "archive/3.atom");
    const Links rss = rss_links(*s.find("/archive/2.xml"));
    EXPECT_TRUE(rss.archive);
    EXPECT_EQ(rss.self, kSite + "archive/2.xml");
    EXPECT_EQ(rss.current, kSite + "feed.xml");
    EXPECT_EQ(rss.prev, kSite + "archive/1.xml");
    EXPECT_EQ(rss.next, kSite + "archive/3.xml");
    EXPECT_EQ(atom_links(*s.find("/archive/1.atom")).prev, "");
    EXPECT_EQ(atom_links(*s.find("/archive/3.atom")).next, "");
}

TEST(Archive, SubscriptionFeedLinksTheNewestPage) {
    const Snapshot s = build(history(250));
    const Links atom = atom_links(*s.find("/atom.xml"));
    EXPECT_FALSE(atom.archive);
    EXPECT_EQ(atom.prev, kSite + "archive/3.atom");
    EXPECT_EQ(rss_links(*s.find("/feed.xml")).prev, kSite + "archive/3.xml");
    // Topic feeds have no archives of their own.
    EXPECT_EQ(atom_links(*s.find("/a/atom.xml")).prev, "");
}

TEST(Archive, AnEmptySiteHasNoArchive) {
    const Snapshot s = build({});
    EXPECT_EQ(s.find("/archive/1.xml"), nullptr);
    EXPECT_EQ(atom_links(*s.find("/atom.xml")).prev, "");
}

TEST(Archive, PagesCarrySummariesNotBodiesAndAreNotAnnounced) {
    const Snapshot s = build(history(10));
    const Resource& page = *s.find("/archive/1.atom");
    EXPECT_FALSE(atom_links(page).has_content);
    EXPECT_FALSE(rss_links(*s.find("/archive/1.xml")).has_content);
    EXPECT_TRUE(atom_links(*s.find("/atom.xml")).has_content);
    EXPECT_NE(page.body.find("<summary type=\"text\">Summary of Article 3</summary>"), std::string::npos);
    EXPECT_EQ(page.self_url, "");  // not a subscription: no WebSub ping, no Link header
    EXPECT_EQ(page.link_header, "");
    EXPECT_EQ(page.content_type, "application/atom+xml; charset=utf-8");
}

TEST(Archive, OnlyPagesWithANewerPageAreImmutable) {
    const Snapshot s = build(history(200));
    EXPECT_TRUE(s.find("/archive/1.xml")->immutable);
    EXPECT_TRUE(s.find("/archive/1.atom")->immutable);
    EXPECT_FALSE(s.find("/archive/2.xml")->immutable);  // full, but the newest: no next link yet
    EXPECT_FALSE(s.find("/feed.xml")->immutable);
    EXPECT_FALSE(s.find("/tags/")->immutable);
}

TEST(Archive, ClosedPagesKeepTheirBytesAsArticlesAreAdded) {
    const Snapshot before = build(history(201));
    const Snapshot after = build(history(305));
    for (const char* key : {"/archive/1.xml", "/archive/1.atom", "/archive/2.xml", "/archive/2.atom"}) {
        ASSERT_TRUE(before.find(key)->immutable) << key;
        EXPECT_EQ(before.find(key)->body, after.find(key)->body) << key;
        EXPECT_EQ(before.find(key)->etag, after.find(key)->etag) << key;
    }
    EXPECT_NE(before.find("/archive/3.xml")->body, after.find("/archive/3.xml")->body);
    EXPECT_NE(after.find("/archive/4.xml"), nullptr);
}

}  // namespace
}  // namespace feedd

namespace feedd {
namespace {

void expect_same_documents(const Snapshot& a, const Snapshot& b) {
    ASSERT_EQ(a.resources.size(), b.resources.size());
    for (const auto& [key, document] : a.resources) {
        const Resource& resource = a.at(key);
        const Resource* other = b.find(key);
        ASSERT_NE(other, nullptr) << key;
        EXPECT_EQ(resource.body, other->body) << key;
        EXPECT_EQ(resource.etag, other->etag) << key;
        EXPECT_EQ(resource.immutable, other->immutable) << key;
        EXPECT_EQ(resource.self_url, other->self_url) << key;
    }
}

TEST(RenderCache, AnUnchangedSiteIsCopiedNotRendered) {
    auto articles = history(250);
    articles[10].tags = {"Space"};
    const Config config = test::site_config();
    RenderCache cache;
    const SitePlan plan = plan_site(pointers_to(articles), config, kNow);
    cache.previous = std::make_shared<const Snapshot>(render_plan(plan, config, &cache));
    EXPECT_EQ(cache.reused, 0u);
    const std::size_t groups = cache.rendered;
    const Snapshot again = render_plan(plan, config, &cache);
    EXPECT_EQ(cache.rendered, 0u);
    EXPECT_EQ(cache.reused, groups);
    expect_same_documents(again, render_plan(plan, config));
}

TEST(RenderCache, AnEditRendersOnlyTheDocumentsThatShowTheArticle) {
    auto articles = history(250);
    const Config config = test::site_config();
    RenderCache cache;
    cache.previous =
        std::make_shared<const Snapshot>(render_plan(plan_site(pointers_to(articles), config, kNow), config, &cache));
    articles[10].title = "Article 10, corrected";  // archive page 1, section "a"; not in the site feed
    const SitePlan plan = plan_site(pointers_to(articles), config, kNow);
    const Snapshot edited = render_plan(plan, config, &cache);
    EXPECT_EQ(cache.rendered, 1u);  // archive page 1 (section "a" shows the newest 20 only)
    expect_same_documents(edited, render_plan(plan, config));
    EXPECT_NE(edited.find("/archive/1.atom")->body.find("Article 10, corrected"), std::string::npos);
}

TEST(RenderCache, ANewArticleRendersTheFeedsThatShowItAndTheNewestArchivePage) {
    auto articles = history(250);
    const Config config = test::site_config();
    RenderCache cache;
    cache.previous =
        std::make_shared<const Snapshot>(render_plan(plan_site(pointers_to(articles), config, kNow), config, &cache));
    articles.push_back(article("b/new.md", "New", at(2029, 1, 1)));
    articles.back().tags = {"fresh"};
    const SitePlan plan = plan_site(pointers_to(articles), config, kNow);
    const Snapshot next = render_plan(plan, config, &cache);
    // The site feed, section "b", tag "fresh", the tag index, archive page 3; pages 1 and 2 are
    // copied (section "a" and its page are unchanged too).
    EXPECT_EQ(cache.rendered, 5u);
    expect_same_documents(next, render_plan(plan, config));
}

}  // namespace
}  // namespace feedd
