#include "feed/feed.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <random>

#include "content/scan.h"
#include "feed/feed_test_support.h"
#include "feed/writers.h"

#include <nlohmann/json.hpp>

namespace feedd {
namespace {

using test::article;
using test::at;
using test::site_config;

const Seconds kNow = at(2024, 4, 10, 12);

TEST(MakeFeed, DropsDraftsAndFutureArticles) {
    Article draft = article("draft.md", "Draft", at(2024, 4, 1));
    draft.draft = true;
    const std::vector<Article> articles = {
        article("old.md", "Old", at(2024, 4, 1)),
        draft,
        article("future.md", "Future", kNow + std::chrono::seconds{1}),
        article("now.md", "Exactly now", kNow),
    };
    const Feed feed = make_feed(articles, site_config(), kNow);
    ASSERT_EQ(feed.entries.size(), 2u);
    EXPECT_EQ(feed.entries[0].title, "Exactly now");
    EXPECT_EQ(feed.entries[1].title, "Old");
}

// Hugo 0.111 (checked): a page with a publishDate is left out until then, and its feed entry
// shows its `date`, even when that is later than the publishDate.
TEST(MakeFeed, PublishDateHoldsBackAndDateIsShown) {
    Article held = article("held.md", "Held", at(2024, 4, 1));
    held.publish_at = kNow + std::chrono::hours{2};
    Article shown = article("shown.md", "Shown", at(2099, 1, 1));
    shown.publish_at = at(2024, 4, 2);
    const std::vector<Article> articles = {held, shown};
    Feed feed = make_feed(articles, site_config(), kNow);
    ASSERT_EQ(feed.entries.size(), 1u);
    EXPECT_EQ(feed.entries[0].title, "Shown");
    EXPECT_EQ(feed.entries[0].published, at(2099, 1, 1));
    EXPECT_EQ(next_publication(articles, kNow), kNow + std::chrono::hours{2});
    feed = make_feed(articles, site_config(), kNow + std::chrono::hours{2});
    ASSERT_EQ(feed.entries.size(), 2u);
    EXPECT_EQ(feed.entries[1].title, "Held");
    EXPECT_EQ(feed.entries[1].published, at(2024, 4, 1));
}

TEST(MakeFeed, SortsNewestFirstWithPathBreakingTies) {
    const std::vector<Article> articles = {
        article("b.md", "B", at(2024, 4, 2)),
        article("c.md", "C", at(2024, 4, 3)),
        article("a.md", "A", at(2024, 4, 2)),
        article("d.md", "D", at(2024, 4, 1)),
    };
    const Feed feed = make_feed(articles, site_config(), kNow);
    ASSERT_EQ(feed.entries.size(), 4u);
    EXPECT_EQ(feed.entries[0].title, "C");
    EXPECT_EQ(feed.entries[1].title, "A");
    EXPECT_EQ(feed.entries[2].title, "B");
    EXPECT_EQ(feed.entries[3].title, "D");
}

TEST(MakeFeed, KeepsOnlyTheNewestUpToTheLimit) {
    Config config = site_config();
    config.feeds.limit = 2;
    const std::vector<Article> articles = {
        article("a.md", "A", at(2024, 4, 1)),
        article("b.md", "B", at(2024, 4, 3)),
        article("c.md", "C", at(2024, 4, 2)),
    };
    const Feed feed = make_feed(articles, config, kNow);
    ASSERT_EQ(feed.entries.size(), 2u);
    EXPECT_EQ(feed.entries[0].title, "B");
    EXPECT_EQ(feed.entries[1].title, "C");
}

TEST(MakeFeed, LinkAndIdComeFromThePermalinkWithoutExtension) {
    const Feed feed =
        make_feed({article("world/space.txt", "Space", at(2024, 4, 1))}, site_config(), kNow);
    ASSERT_EQ(feed.entries.size(), 1u);
    EXPECT_EQ(feed.entries[0].link, "https://news.example.org/world/space/");
    EXPECT_EQ(feed.entries[0].id, "https://news.example.org/world/space/");
}

TEST(MakeFeed, AWebPagesLinksResolveAgainstItsCanonicalUrlWhichIsTheRelatedLink) {
    const Config config = site_config();
    Article page = article("saved/ferry.html", "Ferry", at(2024, 4, 1));
    page.related_url = "https://ledger.example.com/news/2023/ferry";
    page.content_html = "<p><a href=\"trial\">trial</a> <img src=\"/media/a.jpg\" /></p>";
    page.image = "/media/b.jpg";
    const Entry e = make_entry(page, config);
    EXPECT_EQ(e.link, "https://news.example.org/saved/ferry/");
    EXPECT_EQ(e.related, "https://ledger.example.com/news/2023/ferry");
    EXPECT_EQ(e.content_html,
              "<p><a href=\"https://ledger.example.com/news/2023/trial\">trial</a> "
              "<img src=\"https://ledger.example.com/media/a.jpg\" /></p>");
    EXPECT_EQ(e.image, "https://ledger.example.com/media/b.jpg");
    const auto json =
        nlohmann::json::parse(render_json(make_feed(std::vector<Article>{page}, config, kNow)));
    EXPECT_EQ(json["items"][0]["external_url"], "https://ledger.example.com/news/2023/ferry");

    // A canonical URL that is the entry's own link is no related link.
    page.url = "https://ledger.example.com/news/2023/ferry";
    EXPECT_EQ(make_entry(page, config).related, "");
    // Other articles have none.
    EXPECT_EQ(make_entry(article("a.md", "A", at(2024, 4, 1)), config).related, "");
}

TEST(MakeFeed, PermalinkJoinsWithoutDoubleSlashes) {
    Config config = site_config();
    config.site.url = "https://example.org/blog/";
    config.site.permalink = "//posts//{path}.html";
    const Feed feed = make_feed({article("a/b.md", "B", at(2024, 4, 1))}, config, kNow);
    EXPECT_EQ(feed.entries[0].link, "https://example.org/blog/posts/a/b.html");

    config.site.permalink = "{path}";
    EXPECT_EQ(make_feed({article("a/b.md", "B", at(2024, 4, 1))}, config, kNow).entries[0].link,
              "https://example.org/blog/a/b");
}

// docs/content.md, "Site structure": a page bundle is its folder, and its resources sit in it.
TEST(MakeFeed, APageBundleIsLinkedAsItsFolderAndItsImagesResolveThere) {
    Article trip = article("posts/trip/index.md", "Trip", at(2024, 4, 1));
    trip.content_html = "<p><img src=\"photo.jpg\" alt=\"\"><a href=\"notes.txt\">notes</a></p>";
    trip.image = "cover.jpg";
    Config config = site_config();
    config.site.permalink = "/{path}/";
    Entry e = make_entry(trip, config);
    EXPECT_EQ(e.link, "https://news.example.org/posts/trip/");
    EXPECT_EQ(e.id, "https://news.example.org/posts/trip/");
    EXPECT_NE(e.content_html.find("src=\"https://news.example.org/posts/trip/photo.jpg\""),
              std::string::npos)
        << e.content_html;
    EXPECT_NE(e.content_html.find("href=\"https://news.example.org/posts/trip/notes.txt\""),
              std::string::npos);
    EXPECT_EQ(e.image, "https://news.example.org/posts/trip/cover.jpg");

    // A permalink without a trailing '/': the bundle's folder still holds its resources.
    config.site.permalink = "/{path}.html";
    e = make_entry(trip, config);
    EXPECT_EQ(e.link, "https://news.example.org/posts/trip.html");
    EXPECT_NE(e.content_html.find("https://news.example.org/posts/trip/photo.jpg"),
              std::string::npos)
        << e.content_html;
    // An ordinary article's links stay relative to its link.
    Article plain = article("posts/walk.md", "Walk", at(2024, 4, 1));
    plain.content_html = "<p><img src=\"photo.jpg\" alt=\"\"></p>";
    EXPECT_NE(
        make_entry(plain, config).content_html.find("https://news.example.org/posts/photo.jpg"),
        std::string::npos);
}

// A Hugo and a Jekyll tree read as feedd reads a site (scan_content) and made into the feed.
TEST(MakeFeed, AHugoAndJekyllSiteGiveOnlyTheirArticles) {
    namespace fs = std::filesystem;
    std::random_device rd;
    const fs::path dir =
        fs::temp_directory_path() /
        ("feedd-site-structure-" + std::to_string(::getpid()) + "-" + std::to_string(rd()));
    const auto write = [&](const std::string& rel, const std::string& bytes) {
        fs::create_directories((dir / rel).parent_path());
        std::ofstream(dir / rel, std::ios::binary) << bytes;
    };
    write("posts/_index.md", "---\ntitle: Posts\ndate: 2024-01-01\n---\nAll the posts.\n");
    write("posts/trip/index.md",
          "---\ntitle: The trip\ndate: 2024-03-01\n---\nA view: ![a view](photo.jpg)\n");
    write("posts/trip/photo.jpg", "JPEG");
    write("posts/trip/notes.txt", "Notes on the way 1 Mar 2024\n\nKilometres.\n");
    write("posts/walk.md", "---\ntitle: A walk\ndate: 2024-02-01\n---\nText.\n");
    write("posts/walk/data.txt", "Heights 1 Feb 2024\n\n120 m.\n");
    write("_posts/2014-05-06-jekyll.markdown", "---\ntitle: Jekyll post\n---\nText.\n");
    write("_drafts/unfinished.md", "---\ntitle: Unfinished\n---\nText.\n");
    write("_layouts/default.md", "{{ content }}\n");
    write("_includes/footer.md", "Footer.\n");
    write("assets/readme.md", "---\naliases: [/readme/]\n---\n");  // nothing in it
    write("old.md", "---\nredirect_to: /posts/walk/\n---\n");
    ContentConfig content;
    content.dir = dir;
    const ContentSet set = scan_content(content);
    fs::remove_all(dir);

    std::vector<std::string> paths;
    for (const auto& a : set.articles) paths.push_back(a.path);
    EXPECT_EQ(paths, (std::vector<std::string>{"_posts/2014-05-06-jekyll.markdown",
                                               "posts/trip/index.md", "posts/walk.md"}));
    Config config = site_config();
    config.site.permalink = "/{path}/";
    const Feed feed = make_feed(set.articles, config, kNow);
    ASSERT_EQ(feed.entries.size(), 3u);
    const Entry& trip = feed.entries[0];
    EXPECT_EQ(trip.title, "The trip");
    EXPECT_EQ(trip.link, "https://news.example.org/posts/trip/");
    EXPECT_NE(trip.content_html.find("src=\"https://news.example.org/posts/trip/photo.jpg\""),
              std::string::npos)
        << trip.content_html;
    // The two files that are read and are no articles: one warning line each.
    std::vector<std::string> problems;
    for (const auto& p : set.problems) problems.push_back(to_string(p));
    EXPECT_EQ(problems,
              (std::vector<std::string>{
                  "assets/readme.md: no title, date or text; not an article",
                  "old.md: a redirect (to '/posts/walk/') without text; not an article"}));
}

TEST(MakeFeed, PercentEncodesPathCharactersIncludingUtf8) {
    // "café au lait?.md": é is C3 A9 in UTF-8; space and '?' are not allowed in a path segment.
    const Feed feed = make_feed({article("notes/caf\xC3\xA9 au lait?.md", "Cafe", at(2024, 4, 1))},
                                site_config(), kNow);
    EXPECT_EQ(feed.entries[0].link, "https://news.example.org/notes/caf%C3%A9%20au%20lait%3F/");
}

TEST(MakeFeed, ExplicitUrlIsMadeAbsoluteAndDoesNotChangeTheId) {
    Article a = article("world/space.txt", "Space", at(2024, 4, 1));
    a.url = "/special/space-story";
    Article b = article("b.md", "B", at(2024, 4, 2));
    b.url = "https://elsewhere.example.com/b?x=1";
    const Feed feed = make_feed({a, b}, site_config(), kNow);
    EXPECT_EQ(feed.entries[1].link, "https://news.example.org/special/space-story");
    EXPECT_EQ(feed.entries[1].id, "https://news.example.org/world/space/");
    EXPECT_EQ(feed.entries[0].link, "https://elsewhere.example.com/b?x=1");
}

TEST(MakeFeed, ExplicitAbsoluteUrlIsPercentEncodedWhereNeeded) {
    Article a = article("a.md", "A", at(2024, 4, 1));
    a.url = "https://example.com/caf\xC3\xA9 menu?q=a b#top";
    a.image = "https://example.com/img/a%20b.png";
    const Feed feed = make_feed({a}, site_config(), kNow);
    EXPECT_EQ(feed.entries[0].link, "https://example.com/caf%C3%A9%20menu?q=a%20b#top");
    EXPECT_EQ(feed.entries[0].image, "https://example.com/img/a%20b.png");  // already encoded
}

TEST(MakeFeed, ExplicitIdWins) {
    Article a = article("a.md", "A", at(2024, 4, 1));
    a.id = "tag:news.example.org,2024:a";
    EXPECT_EQ(make_feed({a}, site_config(), kNow).entries[0].id, "tag:news.example.org,2024:a");
}

TEST(MakeFeed, IdIsStableAcrossEditsAndDateChanges) {
    Article a = article("world/space.txt", "Space", at(2024, 4, 1));
    const std::string before = make_feed({a}, site_config(), kNow).entries[0].id;
    a.title = "Space, corrected";
    a.content_html = "<p>New text</p>";
    a.date = at(2024, 4, 2);
    a.updated = at(2024, 4, 3);
    EXPECT_EQ(make_feed({a}, site_config(), kNow).entries[0].id, before);
}

TEST(MakeFeed, MakesRelativeLinksInContentAbsolute) {
    Article a = article("world/space.txt", "Space", at(2024, 4, 1));
    a.content_html =
        "<p><a href=\"../moon/\">moon</a> <a href=\"https://other.example/x\">abs</a> "
        "<a href=\"mailto:ed@example.org\">mail</a> <a href=\"#notes\">notes</a> "
        "<a href='/about?a=1&amp;b=2'>about</a></p>\n"
        "<p><img src=\"img/rocket.png\" alt=\"a &lt;rocket&gt;\" "
        "srcset=\"img/r1.png 1x, img/r2.png 2x\"></p>\n"
        "<pre><code>&lt;a href=\"kept.html\"&gt;</code></pre>\n";
    const Feed feed = make_feed({a}, site_config(), kNow);
    EXPECT_EQ(feed.entries[0].content_html,
              "<p><a href=\"https://news.example.org/world/moon/\">moon</a> "
              "<a href=\"https://other.example/x\">abs</a> "
              "<a href=\"mailto:ed@example.org\">mail</a> "
              "<a href=\"https://news.example.org/world/space/#notes\">notes</a> "
              "<a href=\"https://news.example.org/about?a=1&amp;b=2\">about</a></p>\n"
              "<p><img src=\"https://news.example.org/world/space/img/rocket.png\" "
              "alt=\"a &lt;rocket&gt;\" "
              "srcset=\"https://news.example.org/world/space/img/r1.png 1x, "
              "https://news.example.org/world/space/img/r2.png 2x\"></p>\n"
              "<pre><code>&lt;a href=\"kept.html\"&gt;</code></pre>\n");
}

TEST(MakeFeed, LeavesCommentsScriptsAndOtherAttributesAlone) {
    Article a = article("p.md", "P", at(2024, 4, 1));
    a.content_html =
        "<!-- <a href=\"c.html\"> --><div data-href=\"x.html\" title=\"src=y\">"
        "<script>var s = '<img src=\"z.png\">';</script><link href=\"l.css\"></div>";
    const Feed feed = make_feed({a}, site_config(), kNow);
    EXPECT_EQ(feed.entries[0].content_html, a.content_html);
}

TEST(MakeFeed, EncodesSpacesAndNonAsciiInRelativeLinks) {
    Article a = article("p.md", "P", at(2024, 4, 1));
    a.content_html = "<a href=\"my file \xC3\xA9.pdf\">f</a><a href=HTTP://x.example/>y</a>";
    const Feed feed = make_feed({a}, site_config(), kNow);
    EXPECT_EQ(feed.entries[0].content_html,
              "<a href=\"https://news.example.org/p/my%20file%20%C3%A9.pdf\">f</a>"
              "<a href=HTTP://x.example/>y</a>");
}

TEST(MakeFeed, NoContentWithoutFullContent) {
    Config config = site_config();
    config.feeds.full_content = false;
    const Feed feed = make_feed({article("a.md", "A", at(2024, 4, 1))}, config, kNow);
    EXPECT_TRUE(feed.entries[0].content_html.empty());
    EXPECT_EQ(feed.entries[0].summary, "Summary of A");
}

TEST(MakeFeed, AuthorFallsBackToTheSite) {
    Config config = site_config();
    config.site.author = {"Site Editor", "editor@example.org"};
    Article own = article("own.md", "Own", at(2024, 4, 2));
    own.author = {"Ada", ""};
    const Feed feed = make_feed({own, article("site.md", "Site", at(2024, 4, 1))}, config, kNow);
    EXPECT_EQ(feed.entries[0].author, (Person{"Ada", ""}));
    EXPECT_EQ(feed.entries[1].author, (Person{"Site Editor", "editor@example.org"}));
    EXPECT_EQ(feed.author, (Person{"Site Editor", "editor@example.org"}));
}

TEST(MakeFeed, CategoriesAreTagsThenCategoriesWithoutDuplicates) {
    Article a = article("a.md", "A", at(2024, 4, 1));
    a.tags = {"space", "nasa", "space", ""};
    a.categories = {"Science", "nasa", "World"};
    const Feed feed = make_feed({a}, site_config(), kNow);
    EXPECT_EQ(feed.entries[0].categories,
              (std::vector<std::string>{"space", "nasa", "Science", "World"}));
}

TEST(MakeFeed, ImageAndEnclosureBecomeAbsolute) {
    Article a = article("world/space.txt", "Space", at(2024, 4, 1));
    a.image = "/images/rocket.jpg";
    a.enclosure = Enclosure{"audio/launch.mp3", 1234, "audio/mpeg", "", std::nullopt};
    const Feed feed = make_feed({a}, site_config(), kNow);
    EXPECT_EQ(feed.entries[0].image, "https://news.example.org/images/rocket.jpg");
    ASSERT_TRUE(feed.entries[0].enclosure.has_value());
    EXPECT_EQ(feed.entries[0].enclosure->url,
              "https://news.example.org/world/space/audio/launch.mp3");
    EXPECT_EQ(feed.entries[0].enclosure->length, 1234u);
    EXPECT_EQ(feed.entries[0].enclosure->type, "audio/mpeg");
}

TEST(MakeFeed, UpdatedIsTheNewestEntryUpdate) {
    Article old = article("old.md", "Old", at(2024, 4, 1));
    old.updated = at(2024, 4, 9);
    const Feed feed =
        make_feed({old, article("new.md", "New", at(2024, 4, 5))}, site_config(), kNow);
    EXPECT_EQ(feed.entries[0].updated, at(2024, 4, 5));  // == published without `updated`
    EXPECT_EQ(feed.entries[1].updated, at(2024, 4, 9));
    EXPECT_EQ(feed.updated, at(2024, 4, 9));
}

TEST(MakeFeed, EmptyFeedUpdatedIsStableNotTheBuildTime) {
    Article future = article("f.md", "F", kNow + std::chrono::hours{5});
    const Feed feed = make_feed({future}, site_config(), kNow);
    EXPECT_TRUE(feed.entries.empty());
    EXPECT_EQ(feed.updated, future.date);
    EXPECT_EQ(make_feed(std::vector<Article>{}, site_config(), kNow).updated, Seconds{});
}

TEST(SelectPublished, KeepsTheNewestPublishedUpToTheLimitInFeedOrder) {
    std::vector<Article> articles;
    for (int day = 1; day <= 9; ++day) {
        articles.push_back(article("d" + std::to_string(day) + ".md", "D", at(2024, 3, day)));
    }
    articles.push_back(
        article("a-tie.md", "Tie", at(2024, 3, 9)));  // same date as d9: path decides
    articles[7].draft = true;                         // d8
    articles.push_back(article("later.md", "Later", kNow + std::chrono::hours{1}));
    const auto chosen = select_published(pointers_to(articles), 3, kNow);
    std::vector<std::string> paths;
    for (const Article* a : chosen) paths.push_back(a->path);
    EXPECT_EQ(paths, (std::vector<std::string>{"a-tie.md", "d9.md", "d7.md"}));
    // The same order make_feed publishes in.
    auto config = site_config();
    config.feeds.limit = 3;
    const auto feed = make_feed(articles, config, kNow);
    ASSERT_EQ(feed.entries.size(), 3u);
    EXPECT_EQ(feed.entries[2].link, "https://news.example.org/d7/");
}

TEST(MakeFeed, FeedUrlsHangOffTheSiteUrl) {
    const Feed feed = make_feed(std::vector<Article>{}, site_config(), kNow);
    EXPECT_EQ(feed.urls.home, "https://news.example.org/");
    EXPECT_EQ(feed.urls.rss, "https://news.example.org/feed.xml");
    EXPECT_EQ(feed.urls.atom, "https://news.example.org/atom.xml");
    EXPECT_EQ(feed.urls.json, "https://news.example.org/feed.json");
}

TEST(NextPublication, IsTheEarliestFutureNonDraft) {
    Article draft = article("d.md", "D", kNow + std::chrono::minutes{1});
    draft.draft = true;
    const std::vector<Article> articles = {
        article("past.md", "P", kNow - std::chrono::minutes{1}),
        draft,
        article("later.md", "L", kNow + std::chrono::hours{2}),
        article("soon.md", "S", kNow + std::chrono::minutes{30}),
    };
    EXPECT_EQ(next_publication(articles, kNow), kNow + std::chrono::minutes{30});
    EXPECT_EQ(next_publication({articles[0]}, kNow), std::nullopt);
}

}  // namespace
}  // namespace feedd
