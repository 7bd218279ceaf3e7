#include "daemon/article_store.h"

#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <thread>

#include "daemon/build.h"
#include "support/process.h"

namespace feedd {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

std::string md(const std::string& title, const std::string& date,
               const std::string& body = "Body text.") {
    return "---\ntitle: " + title + "\ndate: " + date + "\n---\n" + body + "\n";
}

class ArticleStoreTest : public ::testing::Test {
  protected:
    ArticleStoreTest() {
        content_.dir = dir_.path() / "content";
        fs::create_directories(content_.dir);
    }
    void write(const std::string& rel, const std::string& text) {
        test::write_file(content_.dir / rel, text);
    }
    // A later mtime than anything written before, so the stamp surely changes.
    void rewrite(const std::string& rel, const std::string& text) {
        write(rel, text);
        fs::last_write_time(content_.dir / rel, fs::last_write_time(content_.dir / rel) + 2s);
    }
    std::vector<std::string> titles(const ArticleStore& store) {
        std::vector<std::string> out;
        for (const auto* a : store.articles()) out.push_back(a->title);
        return out;
    }

    test::TempDir dir_;
    ContentConfig content_;
    const Seconds now_ = std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now());
};

TEST_F(ArticleStoreTest, ReadsOnlyWhatChanged) {
    write("a.md", md("A", "2024-01-01"));
    write("b.md", md("B", "2024-01-02"));
    ArticleStore store(content_);
    EXPECT_EQ(store.rescan().read, 2u);
    EXPECT_EQ(store.rescan().read, 0u);  // nothing changed
    rewrite("b.md", md("B2", "2024-01-02"));
    const auto update = store.update({"b.md"});
    EXPECT_EQ(update.read, 1u);
    EXPECT_EQ(titles(store), (std::vector<std::string>{"A", "B2"}));
}

TEST_F(ArticleStoreTest, FollowsDeletionsFoldersAndSidecars) {
    write("a.md", md("A", "2024-01-01"));
    write("world/b.md", md("B", "2024-01-02"));
    write("world/deep/c.md", md("C", "2024-01-03"));
    ArticleStore store(content_);
    store.rescan();
    fs::remove(content_.dir / "a.md");
    EXPECT_EQ(store.update({"a.md"}).removed, 1u);
    fs::rename(content_.dir / "world", content_.dir / "earth");
    const auto moved = store.update({"earth", "world"});
    EXPECT_EQ(moved.removed, 2u);
    EXPECT_EQ(moved.read, 2u);
    std::vector<std::string> paths;
    for (const auto* a : store.articles()) paths.push_back(a->path);
    EXPECT_EQ(paths, (std::vector<std::string>{"earth/b.md", "earth/deep/c.md"}));

    write("earth/b.yaml", "title: From the sidecar\n");
    EXPECT_EQ(store.update({"earth/b.yaml"}).read, 1u);
    EXPECT_EQ(store.articles()[0]->title, "From the sidecar");
    fs::remove(content_.dir / "earth/b.yaml");
    store.update({"earth/b.yaml"});
    EXPECT_EQ(store.articles()[0]->title, "B");
}

// docs/content.md, "Site structure": an update classifies a path as a scan would, and a change
// that turns other files into resources (or back) takes them out of (or into) the store.
TEST_F(ArticleStoreTest, UpdatesFollowBundlesAssetFoldersAndSectionPages) {
    write("posts/trip/day.md", md("Day", "2024-01-01"));
    write("posts/trip/data/log.md", md("Log", "2024-01-02"));
    write("posts/walk/notes.md", md("Notes", "2024-01-03"));
    ArticleStore store(content_);
    store.rescan();
    EXPECT_EQ(titles(store), (std::vector<std::string>{"Log", "Day", "Notes"}));

    write("posts/trip/index.md", md("Trip", "2024-01-04"));
    write("posts/walk.md", md("Walk", "2024-01-05"));
    write("posts/_index.md", md("Posts section", "2024-01-06"));
    store.update({"posts/trip/index.md", "posts/walk.md", "posts/_index.md"});
    EXPECT_EQ(titles(store), (std::vector<std::string>{"Trip", "Walk"}));
    // A file added inside a bundle or an asset folder stays a resource.
    write("posts/trip/more.md", md("More", "2024-01-07"));
    write("posts/walk/x/y.md", md("Y", "2024-01-07"));
    store.update({"posts/trip/more.md", "posts/walk/x"});
    EXPECT_EQ(titles(store), (std::vector<std::string>{"Trip", "Walk"}));
    // What a full rescan finds is the same.
    ArticleStore fresh(content_);
    fresh.rescan();
    EXPECT_EQ(titles(fresh), titles(store));

    fs::remove(content_.dir / "posts/trip/index.md");
    fs::remove(content_.dir / "posts/walk.md");
    store.update({"posts/trip/index.md", "posts/walk.md"});
    EXPECT_EQ(titles(store), (std::vector<std::string>{"Log", "Day", "More", "Notes", "Y"}));
}

// A saved web page whose <title> is `title` (and nothing else names the site).
std::string page(const std::string& title, const std::string& date) {
    return "<!doctype html><html><head><title>" + title + "</title><meta name=\"date\" content=\"" +
           date + "\"></head><body><article><p>The council met on " + date +
           " and talked about the ferry, the school roof, and the budget for next year.</p>"
           "</article></body></html>";
}

TEST_F(ArticleStoreTest, SiteSuffixRepeatedAcrossAFolderIsRemoved) {
    write("news/ferry.html", page("Ferry vote | The Ledger", "2024-01-01"));
    write("blog/roof.html", page("Roof repairs | The Ledger", "2024-01-02"));
    write("blog/part.html", page("Budget - Part two", "2024-01-03"));
    ArticleStore store(content_);
    store.rescan();
    // Alone in their folders: kept (nothing says what the ending is).
    EXPECT_EQ(titles(store),
              (std::vector<std::string>{"Budget - Part two", "Roof repairs | The Ledger",
                                        "Ferry vote | The Ledger"}));

    // A second page of news/ with the same ending: both lose it, and no other file is read.
    write("news/school.html", page("School roof | The Ledger", "2024-01-04"));
    auto update = store.update({"news/school.html"});
    EXPECT_EQ(update.read, 1u);
    EXPECT_EQ(titles(store),
              (std::vector<std::string>{"Budget - Part two", "Roof repairs | The Ledger",
                                        "Ferry vote", "School roof"}));
    // The feeds' full reads agree with the count.
    for (const auto* a : store.with_bodies(store.articles())) {
        if (a->path.starts_with("news/")) {
            EXPECT_EQ(a->title.find('|'), std::string::npos) << a->title;
        }
    }

    // An edit that keeps the ending keeps it removed; one that changes it leaves the other page
    // alone with its ending, which it gets back.
    rewrite("news/ferry.html", page("Ferry vote again | The Ledger", "2024-01-01"));
    store.update({"news/ferry.html"});
    EXPECT_EQ(titles(store)[2], "Ferry vote again");
    EXPECT_EQ(titles(store)[3], "School roof");
    rewrite("news/ferry.html", page("Ferry vote again", "2024-01-01"));
    store.update({"news/ferry.html"});
    EXPECT_EQ(titles(store)[2], "Ferry vote again");
    EXPECT_EQ(titles(store)[3], "School roof | The Ledger");

    // A page added later gets it removed, as the one already there; a deletion gives it back.
    write("news/tide.html", page("Tide tables | The Ledger", "2024-01-05"));
    store.update({"news/tide.html"});
    EXPECT_EQ(titles(store)[3], "School roof");
    EXPECT_EQ(titles(store)[4], "Tide tables");
    fs::remove(content_.dir / "news/tide.html");
    store.update({"news/tide.html"});
    EXPECT_EQ(titles(store)[3], "School roof | The Ledger");

    // A full rescan of a fresh store agrees with the updates.
    write("news/tide.html", page("Tide tables | The Ledger", "2024-01-05"));
    ArticleStore fresh(content_);
    fresh.rescan();
    EXPECT_EQ(titles(fresh),
              (std::vector<std::string>{"Budget - Part two", "Roof repairs | The Ledger",
                                        "Ferry vote again", "School roof", "Tide tables"}));
    // The id does not follow the title: the default permalink is the path.
    for (const auto* a : fresh.articles()) EXPECT_TRUE(a->id.empty());
}

TEST_F(ArticleStoreTest, KeepsProblemsPerFile) {
    write("bad.md", "---\ntitle: [oops\n---\n");
    write("good.md", md("Good", "2024-01-01"));
    ArticleStore store(content_);
    const auto update = store.rescan();
    ASSERT_EQ(update.new_problems.size(), 1u);
    EXPECT_EQ(update.new_problems[0].path, "bad.md");
    EXPECT_EQ(store.problem_count(), 1u);
    rewrite("bad.md", md("Fixed", "2024-01-02"));
    EXPECT_TRUE(store.update({"bad.md"}).new_problems.empty());
    EXPECT_EQ(store.problem_count(), 0u);
}

TEST_F(ArticleStoreTest, HoldsBodiesOnlyForTheArticlesFeedsShow) {
    for (int day = 1; day <= 5; ++day) {
        write("d" + std::to_string(day) + ".md",
              md("D" + std::to_string(day), "2024-01-0" + std::to_string(day),
                 "Body of day " + std::to_string(day)));
    }
    ArticleStore store(content_);
    store.rescan();
    for (const auto* a : store.articles()) EXPECT_TRUE(a->content_html.empty()) << a->path;
    const auto shown = store.feed_articles(2, now_, true);
    ASSERT_EQ(shown.size(), 2u);
    EXPECT_EQ(shown[0]->path, "d5.md");
    EXPECT_NE(shown[0]->content_html.find("Body of day 5"), std::string::npos);
    EXPECT_NE(shown[1]->content_html.find("Body of day 4"), std::string::npos);
    EXPECT_TRUE(store.feed_articles(2, now_, false)[0]->content_html.empty());

    rewrite("d5.md", md("D5", "2024-01-05", "A new body"));
    store.update({"d5.md"});
    EXPECT_NE(store.feed_articles(2, now_, true)[0]->content_html.find("A new body"),
              std::string::npos);
}

// A first read of web pages keeps the bodies of the pages the site feed shows: with_bodies gives
// those from that read (a page changed in place behind the store's back, same stamp, still shows
// its first text) and reads only the others.
TEST_F(ArticleStoreTest, WebPagesTheFeedShowsAreReadOnce) {
    const auto page = [](int day, const std::string& word) {
        const auto n = std::to_string(day);
        return "<html><head><title>Page " + n +
               "</title><meta property=\"article:published_time\" content=\"2024-01-0" + n +
               "T10:00:00Z\"></head><body><article><p>The " + word + " of page " + n +
               ", long enough to be an article's paragraph.</p></article></body></html>";
    };
    for (int day = 1; day <= 4; ++day)
        write("p" + std::to_string(day) + ".html", page(day, "text"));
    ArticleStore store(content_);
    store.keep_bodies_while_reading(2);
    EXPECT_EQ(store.rescan().read, 4u);
    for (const auto* a : store.articles()) EXPECT_TRUE(a->content_html.empty()) << a->path;

    // The same bytes' length, the same inode and mtime: the store cannot tell.
    const auto same_stamp_rewrite = [&](int day) {
        const auto path = content_.dir / ("p" + std::to_string(day) + ".html");
        const auto mtime = fs::last_write_time(path);
        std::ofstream(path, std::ios::in | std::ios::out) << page(day, "TEXT");
        fs::last_write_time(path, mtime);
    };
    for (int day = 1; day <= 4; ++day) same_stamp_rewrite(day);
    const auto shown = store.feed_articles(3, now_, true);
    ASSERT_EQ(shown.size(), 3u);
    EXPECT_EQ(shown[0]->path, "p4.html");
    EXPECT_NE(shown[0]->content_html.find("The text of page 4"), std::string::npos);  // kept
    EXPECT_NE(shown[1]->content_html.find("The text of page 3"), std::string::npos);  // kept
    EXPECT_NE(shown[2]->content_html.find("The TEXT of page 2"), std::string::npos);  // read now

    // Without keeping, every body is read when the feed asks for it.
    ArticleStore plain(content_);
    plain.rescan();
    for (int day = 1; day <= 4; ++day) {
        const auto path = content_.dir / ("p" + std::to_string(day) + ".html");
        const auto mtime = fs::last_write_time(path);
        std::ofstream(path, std::ios::in | std::ios::out) << page(day, "WORD");
        fs::last_write_time(path, mtime);
    }
    EXPECT_NE(plain.feed_articles(1, now_, true)[0]->content_html.find("The WORD of page 4"),
              std::string::npos);
}

// A page that changes keeps its new body from the update that read it.
TEST_F(ArticleStoreTest, AnUpdatedWebPageBodyIsTheNewOne) {
    write("p.html",
          "<html><head><title>P</title><meta name=\"date\" "
          "content=\"2024-03-01\"></head><body><article><p>First version of the "
          "page, a paragraph long enough.</p></article></body></html>");
    ArticleStore store(content_);
    store.keep_bodies_while_reading(50);
    store.rescan();
    ASSERT_EQ(store.feed_articles(5, now_, true).size(), 1u);
    EXPECT_NE(store.feed_articles(5, now_, true)[0]->content_html.find("First version"),
              std::string::npos);
    rewrite("p.html",
            "<html><head><title>P</title><meta name=\"date\" "
            "content=\"2024-03-01\"></head><body><article><p>Second version of "
            "the page, a paragraph long enough.</p></article></body></html>");
    EXPECT_EQ(store.update({"p.html"}).read, 1u);
    EXPECT_TRUE(store.articles()[0]->content_html.empty());
    EXPECT_NE(store.feed_articles(5, now_, true)[0]->content_html.find("Second version"),
              std::string::npos);
}

// A media file replaced while the watcher missed it (no update() names it) is seen by the next
// rescan: its article is read again with the new file's length. An article without episode files
// is not read again.
TEST_F(ArticleStoreTest, ARescanSeesAReplacedMediaFile) {
    content_.episode_media = true;
    const auto mp3 = [](std::size_t frames) {
        // MPEG-1 Layer III frame headers (128 kbit/s, 44.1 kHz: 417 bytes a frame).
        std::string bytes;
        for (std::size_t i = 0; i < frames; ++i) {
            std::string frame(417, '\0');
            frame[0] = '\xFF';
            frame[1] = '\xFB';
            frame[2] = '\x90';
            frame[3] = '\x64';
            bytes += frame;
        }
        return bytes;
    };
    write("ep/001.md", md("One", "2024-01-01"));
    write("ep/001.mp3", mp3(10));
    write("other.md", md("Other", "2024-01-02"));
    ArticleStore store(content_);
    store.rescan();
    const auto length_of = [&](const std::string& path) -> std::uint64_t {
        for (const auto* a : store.articles())
            if (a->path == path && a->enclosure) return a->enclosure->length;
        return 0;
    };
    ASSERT_EQ(length_of("ep/001.md"), 4170u);
    EXPECT_EQ(store.rescan().read, 0u);  // nothing changed

    // Replaced as rsync does (a new file renamed over the old one), no update() for it.
    write("ep/.001.mp3.tmp", mp3(20));
    fs::rename(content_.dir / "ep/.001.mp3.tmp", content_.dir / "ep/001.mp3");
    EXPECT_EQ(store.rescan().read, 1u);
    EXPECT_EQ(length_of("ep/001.md"), 8340u);

    fs::remove(content_.dir / "ep/001.mp3");
    EXPECT_EQ(store.rescan().read, 1u);
    EXPECT_EQ(length_of("ep/001.md"), 0u);  // no enclosure any more
    EXPECT_EQ(store.rescan().read, 0u);
}

TEST_F(ArticleStoreTest, AFileReplacedByAFolderLeavesAndTheFolderIsRead) {
    write("x.md", md("X", "2024-01-01"));
    ArticleStore store(content_);
    store.rescan();
    fs::remove(content_.dir / "x.md");
    write("x.md/inner.md", md("Inner", "2024-01-02"));
    const auto update = store.update({"x.md"});
    EXPECT_EQ(update.removed, 1u);
    EXPECT_EQ(titles(store), std::vector<std::string>{"Inner"});
}

TEST_F(ArticleStoreTest, ASymlinkIsReportedNotFollowed) {
    write("outside.md", md("Outside", "2024-01-01"));
    fs::create_directories(content_.dir / "sub");
    ArticleStore store(content_);
    store.rescan();
    fs::create_symlink("/etc/passwd", content_.dir / "sub" / "link.md");
    const auto update = store.update({"sub/link.md"});
    ASSERT_EQ(update.new_problems.size(), 1u);
    EXPECT_EQ(update.new_problems[0].message, "symlink not followed");
    EXPECT_EQ(store.problem_count(), 1u);
    EXPECT_EQ(titles(store), std::vector<std::string>{"Outside"});
    fs::remove(content_.dir / "sub" / "link.md");
    store.update({"sub/link.md"});
    EXPECT_EQ(store.problem_count(), 0u);
}

// A tag feed is rendered on its first request, maybe builds later: the articles it shows must
// still be there although the store has since dropped or replaced them (ASan checks the reads).
TEST_F(ArticleStoreTest, DocumentsRenderedAfterLaterUpdatesShowWhatTheirBuildSaw) {
    write("a.md", "---\ntitle: Old title\ndate: 2024-01-01\ntags: [harbour]\n---\nBody.\n");
    write("b.md", "---\ntitle: Gone soon\ndate: 2024-01-02\ntags: [harbour]\n---\nBody.\n");
    Config config;
    config.site.title = "Site";
    config.site.url = "https://example.org/";
    config.content = content_;
    ArticleStore store(content_);
    store.rescan();
    const auto first = render_site(store, config, now_, std::chrono::steady_clock::now());
    ASSERT_TRUE(first.invalid.empty());
    ASSERT_FALSE(first.snapshot->document("/tags/harbour/feed.xml")->rendered());

    rewrite("a.md", "---\ntitle: New title\ndate: 2024-01-01\ntags: [harbour]\n---\nBody.\n");
    fs::remove(content_.dir / "b.md");
    store.update({"a.md", "b.md"});
    const auto second = render_site(store, config, now_, std::chrono::steady_clock::now());

    const Resource* old_feed = first.snapshot->find("/tags/harbour/feed.xml");
    ASSERT_NE(old_feed, nullptr);
    EXPECT_NE(old_feed->body.find("Old title"), std::string::npos);
    EXPECT_NE(old_feed->body.find("Gone soon"), std::string::npos);
    const Resource* new_feed = second.snapshot->find("/tags/harbour/feed.xml");
    ASSERT_NE(new_feed, nullptr);
    EXPECT_NE(new_feed->body.find("New title"), std::string::npos);
    EXPECT_EQ(new_feed->body.find("Gone soon"), std::string::npos);
}

}  // namespace
}  // namespace feedd
