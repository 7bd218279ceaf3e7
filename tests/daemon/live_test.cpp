// The live daemon: changes in the content directory reach /feed.xml, and nothing half-built is
// ever served. Each test starts the real feedd and changes real files.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <atomic>
#include <stdexcept>
#include <thread>

#include "daemon/notify_socket.h"
#include "daemon/running_feedd.h"
#include "daemon/site_fixture.h"
#include "support/peers.h"

namespace feedd::test {
namespace {

using namespace std::chrono_literals;
namespace fs = std::filesystem;

std::string markdown(const std::string& title, const std::string& date,
                     const std::string& body = "Body.") {
    return "---\ntitle: " + title + "\ndate: " + date + "\n---\n" + body + "\n";
}

// Writes through a temporary name and a rename, as editors and rsync do.
void save_atomically(const fs::path& path, const std::string& text) {
    const auto temporary = path.parent_path() / ("." + path.filename().string() + ".tmp");
    write_file(temporary, text);
    fs::rename(temporary, path);
}

// RFC 3339 in UTC, seconds precision.
std::string date_text(std::chrono::sys_seconds when) {
    const std::time_t t = std::chrono::system_clock::to_time_t(when);
    std::tm tm{};
    gmtime_r(&t, &tm);
    char buffer[32];
    std::strftime(buffer, sizeof buffer, "%Y-%m-%dT%H:%M:%SZ", &tm);
    return buffer;
}

std::size_t count_of(const std::string& haystack, const std::string& needle) {
    std::size_t count = 0;
    for (auto at = haystack.find(needle); at != std::string::npos;
         at = haystack.find(needle, at + 1))
        ++count;
    return count;
}

class Live : public ::testing::Test {
  protected:
    void SetUp() override { site_.write_config("127.0.0.1:0", "  debounce_ms: 50\n"); }
    fs::path content() const { return site_.content(); }
    SiteFixture site_;
};

TEST_F(Live, AddModifyRenameAndDeleteReachTheFeed) {
    RunningFeedd feedd(site_.config());
    save_atomically(content() / "news" / "added.md",
                    markdown("Freshly added", "2026-01-02T10:00:00Z"));
    EXPECT_TRUE(feedd.wait_for("/feed.xml", contains("Freshly added</title>")));

    save_atomically(content() / "news" / "added.md",
                    markdown("Edited title", "2026-01-02T10:00:00Z"));
    EXPECT_TRUE(feedd.wait_for("/feed.xml", contains("Edited title</title>")));
    EXPECT_EQ(feedd.get("/feed.xml").body.find("Freshly added"), std::string::npos);

    fs::rename(content() / "news" / "added.md", content() / "news" / "renamed.md");
    EXPECT_TRUE(feedd.wait_for("/feed.xml", contains("/news/renamed/</link>")));
    // The link follows the file; the id stays (docs/identity.md, the identity ledger).
    const auto renamed = feedd.get("/feed.xml").body;
    EXPECT_EQ(renamed.find("/news/added/</link>"), std::string::npos);
    EXPECT_NE(
        renamed.find("<guid isPermaLink=\"false\">https://news.example.org/news/added/</guid>"),
        std::string::npos);

    fs::remove(content() / "news" / "renamed.md");
    EXPECT_TRUE(feedd.wait_for("/feed.xml", lacks("Edited title")));
}

TEST_F(Live, NewSubfoldersAndRemovedFoldersAreFollowed) {
    RunningFeedd feedd(site_.config());
    fs::create_directories(content() / "opinion" / "2026");
    write_file(content() / "opinion" / "2026" / "column.md",
               markdown("A new column", "2026-01-03"));
    EXPECT_TRUE(feedd.wait_for("/feed.xml", contains("A new column</title>")));
    fs::rename(content() / "opinion", content() / "views");
    EXPECT_TRUE(feedd.wait_for("/feed.xml", contains("/views/2026/column/</link>")));
    fs::remove_all(content() / "views");
    EXPECT_TRUE(feedd.wait_for("/feed.xml", lacks("A new column")));
}

TEST_F(Live, ASidecarChangeUpdatesItsArticle) {
    RunningFeedd feedd(site_.config());
    write_file(content() / "news" / "fishing-quotas.yaml", "tags: [sidecar-added-tag]\n");
    EXPECT_TRUE(feedd.wait_for("/feed.xml", contains("<category>sidecar-added-tag</category>")));
    fs::remove(content() / "news" / "fishing-quotas.yaml");
    EXPECT_TRUE(feedd.wait_for("/feed.xml", lacks("sidecar-added-tag")));
}

// docs/content.md, "Site structure": an index.md makes its folder a page bundle, and every other
// file in it a resource, at the next rebuild; without it they are articles again.
TEST_F(Live, AnIndexFileTurnsItsFolderIntoABundleAndBack) {
    RunningFeedd feedd(site_.config());
    fs::create_directories(content() / "posts" / "trip" / "data");
    write_file(content() / "posts" / "trip" / "day-one.md", markdown("Day one", "2026-01-04"));
    write_file(content() / "posts" / "trip" / "data" / "log.md", markdown("Raw log", "2026-01-04"));
    EXPECT_TRUE(feedd.wait_for("/feed.xml", [](const std::string& body) {
        return body.find("Day one</title>") != std::string::npos &&
               body.find("Raw log</title>") != std::string::npos;
    }));

    save_atomically(content() / "posts" / "trip" / "index.md",
                    markdown("The trip", "2026-01-05", "![a view](photo.jpg)"));
    EXPECT_TRUE(feedd.wait_for("/feed.xml", [](const std::string& body) {
        return body.find("The trip</title>") != std::string::npos &&
               body.find("Day one") == std::string::npos &&
               body.find("Raw log") == std::string::npos;
    }));
    const auto feed = feedd.get("/feed.xml").body;
    EXPECT_NE(feed.find("<link>https://news.example.org/posts/trip/</link>"), std::string::npos);
    EXPECT_NE(feed.find("https://news.example.org/posts/trip/photo.jpg"), std::string::npos);

    fs::remove(content() / "posts" / "trip" / "index.md");
    EXPECT_TRUE(feedd.wait_for("/feed.xml", [](const std::string& body) {
        return body.find("The trip</title>") == std::string::npos &&
               body.find("Day one</title>") != std::string::npos &&
               body.find("Raw log</title>") != std::string::npos;
    }));
}

TEST_F(Live, AnArticleFileMakesTheFolderOfItsNameAnAssetFolder) {
    RunningFeedd feedd(site_.config());
    write_file(content() / "posts" / "walk" / "notes.md", markdown("Walk notes", "2026-01-04"));
    EXPECT_TRUE(feedd.wait_for("/feed.xml", contains("Walk notes</title>")));
    save_atomically(content() / "posts" / "walk.md", markdown("A walk", "2026-01-05"));
    EXPECT_TRUE(feedd.wait_for("/feed.xml", [](const std::string& body) {
        return body.find("A walk</title>") != std::string::npos &&
               body.find("Walk notes") == std::string::npos;
    }));
}

// A saved web page is an article as soon as it is written, its edits and its sidecar reach the
// feed, and the "Page_files/" folder a browser saves beside it holds no articles.
TEST_F(Live, SavedWebPagesAndTheirFilesFolders) {
    RunningFeedd feedd(site_.config());
    const auto page = [](const std::string& title) {
        return "<html><head><title>" + title +
               " | Ledger</title><meta property='og:site_name' content='Ledger'>"
               "<meta property='article:published_time' content='2026-01-07T10:00:00Z'>"
               "<link rel=canonical "
               "href='https://ledger.example.com/x'></head><body><nav>Menu</nav>"
               "<article><p>The saved page's own text, long enough to be the article.</p>"
               "</article></body></html>";
    };
    write_file(content() / "saved" / "frame_files" / "ad.html", page("An ad frame"));
    EXPECT_TRUE(feedd.wait_for("/atom.xml", contains("An ad frame</title>")));
    save_atomically(content() / "saved" / "frame.html", page("A saved page"));
    EXPECT_TRUE(feedd.wait_for("/atom.xml", [](const std::string& body) {
        return body.find("A saved page</title>") != std::string::npos &&
               body.find("An ad frame") == std::string::npos &&
               body.find(
                   "rel=\"related\" type=\"text/html\" href=\"https://ledger.example.com/x\"") !=
                   std::string::npos;
    }));
    save_atomically(content() / "saved" / "frame.html", page("An edited page"));
    EXPECT_TRUE(feedd.wait_for("/atom.xml", contains("An edited page</title>")));
    write_file(content() / "saved" / "frame.yaml", "tags: [from-the-sidecar]\n");
    EXPECT_TRUE(feedd.wait_for("/atom.xml", contains("term=\"from-the-sidecar\"")));
}

TEST_F(Live, ASiteNameRepeatedAcrossAFolderLeavesEveryTitleOfIt) {
    RunningFeedd feedd(site_.config());
    // Nothing but the folder says that " | Pier Notes" is the site's name.
    const auto page = [](const std::string& title, const std::string& day) {
        return "<html><head><title>" + title +
               " | Pier Notes</title><meta name='date' content='2026-01-" + day +
               "T10:00:00Z'></head><body><article><p>The page's own text, long enough to be "
               "the article, about the pier.</p></article></body></html>";
    };
    save_atomically(content() / "pier" / "nets.html", page("Mending nets", "05"));
    EXPECT_TRUE(feedd.wait_for("/feed.xml", contains("Mending nets | Pier Notes</title>")));
    // A second page with the same ending: both lose it, the first without being touched.
    save_atomically(content() / "pier" / "gulls.html", page("Counting gulls", "06"));
    EXPECT_TRUE(feedd.wait_for("/feed.xml", [](const std::string& body) {
        return body.find("<title>Counting gulls</title>") != std::string::npos &&
               body.find("<title>Mending nets</title>") != std::string::npos;
    }));
    // The other one gone, the page left alone gets its whole <title> back.
    fs::remove(content() / "pier" / "gulls.html");
    EXPECT_TRUE(feedd.wait_for("/feed.xml", [](const std::string& body) {
        return body.find("Counting gulls") == std::string::npos &&
               body.find("Mending nets | Pier Notes</title>") != std::string::npos;
    }));
}

TEST_F(Live, SectionPagesNeverBecomeEntries) {
    RunningFeedd feedd(site_.config());
    write_file(content() / "news" / "_index.md", markdown("The news section", "2026-01-06"));
    write_file(content() / "news" / "after.md", markdown("After the section page", "2026-01-06"));
    EXPECT_TRUE(feedd.wait_for("/feed.xml", contains("After the section page</title>")));
    EXPECT_EQ(feedd.get("/feed.xml").body.find("The news section"), std::string::npos);
}

TEST_F(Live, SighupWithNewExcludeGlobsRescans) {
    RunningFeedd feedd(site_.config());
    write_file(content() / "drafts" / "plan.md", markdown("A plan", "2026-01-04"));
    EXPECT_TRUE(feedd.wait_for("/feed.xml", contains("A plan</title>")));
    site_.write_config("127.0.0.1:0", "  debounce_ms: 50\n  exclude: [\"drafts/**\"]\n");
    feedd.process().signal(SIGHUP);
    EXPECT_TRUE(feedd.wait_for("/feed.xml", lacks("A plan</title>")));
}

// content.keys changes how every file reads: a SIGHUP that changes it re-reads them all.
TEST_F(Live, SighupWithNewContentKeysRereadsTheArticles) {
    write_file(content() / "news" / "headline.md",
               "---\nheadline: Named by the site key\ndate: 2026-01-04\n---\nBody.\n");
    RunningFeedd feedd(site_.config());
    EXPECT_EQ(feedd.get("/feed.xml").body.find("Named by the site key"), std::string::npos);
    site_.write_config("127.0.0.1:0", "  debounce_ms: 50\n  keys: { title: [headline] }\n");
    feedd.process().signal(SIGHUP);
    EXPECT_TRUE(feedd.wait_for("/feed.xml", contains("Named by the site key</title>")))
        << feedd.get("/feed.xml").body;
}

TEST_F(Live, ABurstOfFiveHundredFilesGivesOneRebuild) {
    RunningFeedd feedd(site_.config());
    const auto before = feedd.process().stderr_text().size();
    fs::create_directories(content() / "burst");
    for (int i = 0; i < 500; ++i) {
        save_atomically(content() / "burst" / ("item-" + std::to_string(i) + ".md"),
                        markdown("Burst item " + std::to_string(i), "2026-02-01T00:00:00Z"));
    }
    // 11 articles before (10 of the example site and the seed), 500 more now.
    ASSERT_FALSE(feedd.process().wait_for_line("build: 511 articles", 10s).empty())
        << feedd.process().stderr_text();
    std::this_thread::sleep_for(300ms);
    feedd.process().wait_for_line("\x01never", 10ms);  // read what is left
    const auto log = feedd.process().stderr_text().substr(before);
    // The files are written in well under a second; with a 50 ms debounce a slow machine may split
    // the burst once or twice, but never into anything like one rebuild per file.
    EXPECT_LE(count_of(log, "build: "), 3u) << log;
}

// The watcher's leading edge (issue #15): after quiet, a complete article is rebuilt at once, not
// after content.debounce_ms (2 s here, so the bound leaves a slow machine room).
TEST_F(Live, AnAtomicSaveIsServedWellBeforeTheDebounce) {
    site_.write_config("127.0.0.1:0", "  debounce_ms: 2000\n");
    RunningFeedd feedd(site_.config());
    save_atomically(content() / "news" / "quick.md",
                    markdown("Served at once", "2026-01-02T10:00:00Z"));
    const auto elapsed = feedd.wait_for("/feed.xml", contains("Served at once</title>"), 5s);
    ASSERT_TRUE(elapsed);
    EXPECT_LT(*elapsed, 1000ms);
}

// Into an existing folder, so no folder creation makes the burst settle: one rebuild at once for
// the first files, the rest gathered while it runs and after it (the settle window is 300 ms here,
// so a hiccup of the writing loop does not split the burst).
TEST_F(Live, ABurstOfThreeHundredSavesGivesAtMostThreeRebuilds) {
    site_.write_config("127.0.0.1:0", "  debounce_ms: 300\n");
    RunningFeedd feedd(site_.config());
    const auto before = feedd.process().stderr_text().size();
    for (int i = 0; i < 300; ++i) {
        save_atomically(content() / "news" / ("burst-" + std::to_string(i) + ".md"),
                        markdown("Burst save " + std::to_string(i), "2026-02-01T00:00:00Z"));
    }
    ASSERT_FALSE(feedd.process().wait_for_line("build: 311 articles", 10s).empty())
        << feedd.process().stderr_text();
    std::this_thread::sleep_for(500ms);
    feedd.process().wait_for_line("\x01never", 10ms);  // read what is left
    const auto log = feedd.process().stderr_text().substr(before);
    EXPECT_LE(count_of(log, "build: "), 3u) << log;
}

TEST_F(Live, AFileWrittenInSlowChunksIsNeverServedHalfWritten) {
    RunningFeedd feedd(site_.config());
    const auto path = content() / "news" / "slow.md";
    const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    ASSERT_GE(fd, 0);
    const std::string first = "---\ntitle: Slowly written\ndate: 2026-03-01T00:00:00Z\n";
    const std::string second = "---\nThe first half of the body";
    const std::string third = " and the end of the body.\n";
    for (const auto& chunk : {first, second}) {
        ASSERT_EQ(::write(fd, chunk.data(), chunk.size()), static_cast<ssize_t>(chunk.size()));
        // Several debounce periods pass while the file is open: nothing of it may be published.
        for (int i = 0; i < 20; ++i) {
            EXPECT_EQ(feedd.get("/feed.xml").body.find("Slowly written"), std::string::npos);
            std::this_thread::sleep_for(15ms);
        }
    }
    ASSERT_EQ(::write(fd, third.data(), third.size()), static_cast<ssize_t>(third.size()));
    ::close(fd);
    EXPECT_TRUE(feedd.wait_for("/feed.xml", contains("and the end of the body.")));
}

TEST_F(Live, AScheduledArticleAppearsAtItsTimeWithoutAFileEvent) {
    using namespace std::chrono;
    const auto due = ceil<seconds>(system_clock::now()) + 2s;
    const auto stamp = date_text(due);
    write_file(content() / "news" / "scheduled.md", markdown("Scheduled story", stamp));
    RunningFeedd feedd(site_.config());
    EXPECT_EQ(feedd.get("/feed.xml").body.find("Scheduled story"), std::string::npos);
    EXPECT_TRUE(feedd.wait_for("/feed.xml", contains("Scheduled story</title>"), 5s));
    EXPECT_GE(system_clock::now(), due);
    // Published within a second of its time (the feed is polled every 5 ms).
    EXPECT_LT(system_clock::now(), due + 1s);
}

// Hugo's expiryDate: the article leaves the feeds at that second, with no file event either.
TEST_F(Live, AnExpiringArticleLeavesAtItsTimeWithoutAFileEvent) {
    using namespace std::chrono;
    const auto expiry = ceil<seconds>(system_clock::now()) + 2s;
    write_file(content() / "news" / "offer.md",
               "---\ntitle: Short-lived offer\ndate: 2026-01-05T10:00:00Z\nexpiryDate: " +
                   date_text(expiry) + "\n---\nOnly until the timer runs out.\n");
    RunningFeedd feedd(site_.config());
    EXPECT_NE(feedd.get("/feed.xml").body.find("Short-lived offer</title>"), std::string::npos);
    EXPECT_TRUE(feedd.wait_for("/feed.xml", lacks("Short-lived offer"), 5s));
    EXPECT_GE(system_clock::now(), expiry);
    EXPECT_LT(system_clock::now(), expiry + 1s);
}

TEST_F(Live, SighupAppliesAGoodConfigAndKeepsTheOldOneOnABadOne) {
    RunningFeedd feedd(site_.config());
    auto config = read_file(site_.config());
    config.replace(config.find("title: Test Site"), 16, "title: Renamed Site");
    write_file(site_.config(), config);
    feedd.process().signal(SIGHUP);
    EXPECT_TRUE(feedd.wait_for("/feed.xml", contains("<title>Renamed Site</title>")));

    write_file(site_.config(), config + "bogus_key: 1\n");
    feedd.process().signal(SIGHUP);
    const auto line = feedd.process().wait_for_line("keeping the running configuration", 5s);
    EXPECT_NE(line.find(site_.config().string() + ":"), std::string::npos) << line;
    EXPECT_NE(line.find("unknown key 'bogus_key'"), std::string::npos) << line;
    const auto feed = feedd.get("/feed.xml");
    EXPECT_EQ(feed.status, 200);
    EXPECT_NE(feed.body.find("<title>Renamed Site</title>"), std::string::npos);
}

TEST_F(Live, SigtermWhileRequestsAreInFlightLosesNoResponse) {
    RunningFeedd feedd(site_.config());
    const auto expected = feedd.get("/feed.xml").body;
    std::atomic<bool> done{false};
    std::atomic<int> complete{0}, refused{0}, broken{0};
    std::vector<std::thread> clients;
    for (int i = 0; i < 4; ++i) {
        clients.emplace_back([&] {
            while (!done) {
                try {
                    const auto response = feedd.get("/feed.xml");
                    (response.status == 200 && response.body == expected ? complete : broken)++;
                } catch (const std::exception&) {
                    ++refused;  // connecting after the listener closed
                }
            }
        });
    }
    std::this_thread::sleep_for(200ms);
    const auto stopped_at = std::chrono::steady_clock::now();
    EXPECT_EQ(feedd.stop(6s), 0);
    EXPECT_LT(std::chrono::steady_clock::now() - stopped_at, 5s);
    done = true;
    for (auto& client : clients) client.join();
    EXPECT_GT(complete.load(), 0);
    EXPECT_EQ(broken.load(), 0);
}

// systemd's notify protocol, read from a real datagram socket as systemd would.
TEST_F(Live, SpeaksTheSystemdNotifyProtocol) {
    NotifySocket systemd(site_.root() / "notify.sock");
    RunningFeedd feedd(site_.config(), {systemd.variable()});
    const auto ready = systemd.receive("READY=1");
    EXPECT_NE(ready.find("STATUS=11 articles published"), std::string::npos) << ready;

    feedd.process().signal(SIGHUP);
    EXPECT_NE(systemd.receive("RELOADING=1"), "");
    EXPECT_NE(systemd.receive("READY=1"), "");

    EXPECT_EQ(feedd.stop(), 0);
    EXPECT_NE(systemd.receive("STOPPING=1"), "");
}

// Socket activation as systemd does it (feedd.socket): systemd-socket-activate, from Debian's
// systemd package, binds the port, starts feedd at the first connection and passes the listening
// socket (LISTEN_FDS); feedd serves on it, and tells the notify socket it is ready.
TEST_F(Live, ServesOnASocketPassedBySystemd) {
    const auto activate = fs::path("/usr/bin/systemd-socket-activate");
    if (!fs::exists(activate)) GTEST_SKIP() << activate << " is not installed";
    NotifySocket systemd(site_.root() / "notify.sock");
    const auto port = ping::test::unused_port();
    const std::string listen = "127.0.0.1:" + std::to_string(port);
    ChildProcess activator({activate.string(), "-l", listen, "-E", systemd.variable(), FEEDD_BINARY,
                            "serve", "-c", site_.config().string()});
    ASSERT_NE(activator.wait_for_line("Listening on", 10s), "") << activator.stderr_text();
    // The config says port 0: only the passed socket can serve on this one.
    const auto response = http_request("127.0.0.1", port, "GET", "/feed.xml");
    EXPECT_EQ(response.status, 200) << activator.stderr_text();
    EXPECT_NE(response.body.find("<rss"), std::string::npos);
    EXPECT_NE(systemd.receive("READY=1"), "") << activator.stderr_text();
    EXPECT_NE(activator.wait_for_line("serving http://127.0.0.1:" + std::to_string(port), 5s), "")
        << activator.stderr_text();
    activator.signal(SIGTERM);
    EXPECT_EQ(activator.wait(6s), 0) << activator.stderr_text();
}

}  // namespace
}  // namespace feedd::test
