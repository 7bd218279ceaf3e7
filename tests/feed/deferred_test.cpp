// Documents made on first use (feed/snapshot.h): what render_plan renders at once and what it
// defers, that deferred bytes equal eager ones, that a deferred document checks itself, and that
// each lazily made part is made once.
#include <gtest/gtest.h>

#include <memory>
#include <thread>

#include "feed/feed_test_support.h"
#include "feed/site.h"
#include "feed/validate.h"

namespace feedd {
namespace {

using test::article;
using test::at;

const Seconds kNow = at(2030, 1, 1);

std::vector<Article> sample_articles() {
    std::vector<Article> out;
    for (int i = 0; i < 150; ++i) {
        Article a = article("desk/" + std::to_string(i) + ".md", "Story " + std::to_string(i),
                            at(2024, 1, 1) + std::chrono::hours(i));
        a.tags = {i % 2 ? "Odd" : "Even", "All"};
        out.push_back(std::move(a));
    }
    return out;
}

// Two old articles (not in the site feed, the newest 50) share an id and the tag "Rare": the
// tag's feed fails feedd's checks.
std::vector<Article> with_unsound_rare_tag() {
    auto articles = sample_articles();
    articles[3].id = articles[5].id = "urn:uuid:1b4e28ba-2fa1-11d2-883f-0016d3cca427";
    articles[3].tags.push_back("Rare");
    articles[5].tags.push_back("Rare");
    return articles;
}

TEST(DeferredDocuments, TheSiteFeedIsRenderedAtOnceEverythingElseOnFirstUse) {
    const auto articles = sample_articles();
    const Snapshot s = render_plan(plan_site(pointers_to(articles), test::site_config(), kNow),
                                   test::site_config());
    for (const char* path : {"/feed.xml", "/atom.xml", "/feed.json", "/", "/feed.xsl"}) {
        ASSERT_NE(s.document(path), nullptr) << path;
        EXPECT_TRUE(s.document(path)->rendered()) << path;
    }
    for (const char* path :
         {"/tags/", "/tags/odd/feed.xml", "/tags/odd/atom.xml", "/tags/odd/feed.json", "/tags/odd/",
          "/desk/feed.xml", "/archive/1.xml", "/archive/2.atom"}) {
        ASSERT_NE(s.document(path), nullptr) << path;
        EXPECT_FALSE(s.document(path)->rendered()) << path;
    }
    // A deferred feed knows its self URL and a version before it is rendered (for pings).
    const Document* odd = s.document("/tags/odd/feed.xml");
    EXPECT_EQ(odd->self_url(), "https://news.example.org/tags/odd/feed.xml");
    EXPECT_EQ(odd->version().size(), 16u);
    EXPECT_NE(odd->version(), s.document("/tags/even/feed.xml")->version());
    EXPECT_FALSE(odd->rendered());

    ASSERT_NE(s.find("/tags/odd/feed.xml"), nullptr);
    EXPECT_TRUE(odd->rendered());
    EXPECT_FALSE(s.document("/tags/odd/atom.xml")->rendered())
        << "each document renders on its own";
}

TEST(DeferredDocuments, RenderTheSameBytesAsAnEagerBuild) {
    const auto articles = sample_articles();
    const Config config = test::site_config();
    const Snapshot lazy = render_plan(plan_site(pointers_to(articles), config, kNow), config);
    const Snapshot eager = make_site_snapshot(pointers_to(articles), config, kNow);
    ASSERT_EQ(lazy.resources.size(), eager.resources.size());
    for (const auto& [path, document] : eager.resources) {
        EXPECT_TRUE(document->rendered()) << path;
        const Resource* deferred = lazy.find(path);
        ASSERT_NE(deferred, nullptr) << path;
        EXPECT_EQ(deferred->body, eager.at(path).body) << path;
        EXPECT_EQ(deferred->etag, eager.at(path).etag) << path;
        EXPECT_EQ(deferred->immutable, eager.at(path).immutable) << path;
    }
}

TEST(DeferredDocuments, AnUnsoundDeferredDocumentIsNotServedAndSaysWhy) {
    const auto articles = with_unsound_rare_tag();
    const Config config = test::site_config();
    const Snapshot s = render_plan(plan_site(pointers_to(articles), config, kNow), config);
    const Document* odd = s.document("/tags/rare/atom.xml");
    ASSERT_NE(odd, nullptr);
    EXPECT_EQ(odd->get(), nullptr);
    EXPECT_NE(odd->error().find("repeats the id urn:uuid:1b4e28ba"), std::string::npos)
        << odd->error();
    EXPECT_EQ(s.find("/tags/rare/atom.xml"), nullptr);
    EXPECT_THROW(s.at("/tags/rare/atom.xml"), std::out_of_range);
    // validate_snapshot reports it when asked to render deferred documents (feedd build, check).
    const auto errors = validate_snapshot(s, Deferred::render);
    bool named = false;
    for (const auto& e : errors) named = named || e.starts_with("/tags/rare/atom.xml: ");
    EXPECT_TRUE(named) << ::testing::PrintToString(errors);
}

TEST(DeferredDocuments, ValidateSkipsWhatIsNotRenderedAndWhatWasCheckedBefore) {
    const auto articles = with_unsound_rare_tag();
    const Config config = test::site_config();
    const Snapshot s = render_plan(plan_site(pointers_to(articles), config, kNow), config);
    EXPECT_EQ(validate_snapshot(s, Deferred::skip), std::vector<std::string>{})
        << "articles 3 and 5 are not in the site feed (the newest 50)";
    EXPECT_FALSE(s.document("/tags/rare/atom.xml")->rendered());
    EXPECT_FALSE(validate_snapshot(s, Deferred::render).empty());
    EXPECT_EQ(validate_snapshot(s, Deferred::render, &s), std::vector<std::string>{})
        << "documents shared with a checked snapshot are not checked again";
}

TEST(DeferredDocuments, UnchangedGroupsAreSharedWithThePreviousBuildRenderedOrNot) {
    auto articles = sample_articles();
    const Config config = test::site_config();
    RenderCache cache;
    auto first = std::make_shared<const Snapshot>(
        render_plan(plan_site(pointers_to(articles), config, kNow), config, &cache));
    cache.previous = first;
    ASSERT_NE(first->find("/tags/even/feed.xml"), nullptr);  // rendered by a request
    articles[149].title = "Story 149, corrected";            // Odd and All, not Even
    const Snapshot second =
        render_plan(plan_site(pointers_to(articles), config, kNow), config, &cache);
    EXPECT_EQ(second.resources.at("/tags/even/feed.xml"),
              first->resources.at("/tags/even/feed.xml"));
    EXPECT_TRUE(second.document("/tags/even/feed.xml")->rendered())
        << "what was rendered stays rendered";
    EXPECT_NE(second.resources.at("/tags/odd/feed.xml"), first->resources.at("/tags/odd/feed.xml"));
    EXPECT_NE(second.document("/tags/odd/feed.xml")->version(),
              first->document("/tags/odd/feed.xml")->version());
    EXPECT_NE(second.find("/tags/odd/feed.xml")->body.find("Story 149, corrected"),
              std::string::npos);
}

TEST(DeferredDocuments, HoldTheArticlesTheyShowUntilRendered) {
    std::vector<std::weak_ptr<const Article>> watch;
    Snapshot s;
    {
        std::vector<std::shared_ptr<const Article>> owned;
        for (auto& a : sample_articles())
            owned.push_back(std::make_shared<const Article>(std::move(a)));
        std::vector<const Article*> pointers;
        for (const auto& a : owned) {
            watch.push_back(a);
            pointers.push_back(a.get());
        }
        s = render_plan(plan_site(pointers, test::site_config(), kNow), test::site_config());
    }
    // Story 149 is in the site feed (rendered) and in deferred tag feeds and an archive page.
    EXPECT_FALSE(watch[149].expired()) << "deferred documents still need it";
    const Resource* odd = s.find("/tags/odd/atom.xml");
    ASSERT_NE(odd, nullptr);
    EXPECT_NE(odd->body.find("Story 149"), std::string::npos);
    for (const auto& [path, document] : s.resources) document->get();
    for (const auto& w : watch)
        EXPECT_TRUE(w.expired()) << "once everything is rendered the articles are let go";
}

TEST(LazyVariants, AreMadeOnceAndSharedByConcurrentReaders) {
    const auto r = make_page_resource(
        "application/rss+xml; charset=utf-8",
        "<rss version=\"2.0\"><channel><title>t</title></channel></rss>", Seconds{});
    const std::string* seen[4] = {};
    std::vector<std::jthread> readers;
    for (int i = 0; i < 4; ++i) readers.emplace_back([&, i] { seen[i] = &r->gzip_body(); });
    readers.clear();
    for (const auto* p : seen) EXPECT_EQ(p, &r->gzip_body());
    EXPECT_FALSE(r->gzip_body().empty());
    EXPECT_FALSE(r->br_body().empty());
    EXPECT_EQ(r->browser_view(), nullptr) << "no self URL: a page, not a feed";
    EXPECT_TRUE(r->entry_spans().empty());
}

}  // namespace
}  // namespace feedd
