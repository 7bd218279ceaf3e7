#include "content/scan.h"

#include <grp.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <random>
#include <set>

#include "content/test_util.h"

namespace feedd {
namespace {

namespace fs = std::filesystem;
using testing::find_problem;

// A fresh directory under the system temp dir, removed with everything in it afterwards.
class ScanTest : public ::testing::Test {
  protected:
    void SetUp() override {
        std::random_device rd;
        dir_ = fs::temp_directory_path() /
               ("feedd-scan-" + std::to_string(::getpid()) + "-" + std::to_string(rd()));
        fs::create_directories(dir_ / "content");
        config_.dir = dir_ / "content";
    }
    void TearDown() override {
        std::error_code ec;
        fs::permissions(config_.dir / "locked", fs::perms::owner_all, ec);
        fs::remove_all(dir_, ec);
    }
    void write(const std::string& rel, const std::string& bytes) {
        const fs::path p = config_.dir / rel;
        fs::create_directories(p.parent_path());
        std::ofstream(p, std::ios::binary) << bytes;
    }
    std::vector<std::string> listed(std::vector<Problem>& problems) {
        std::vector<std::string> paths;
        for (const auto& s : list_sources(config_, problems)) paths.push_back(s.path);
        return paths;
    }

    fs::path dir_;
    ContentConfig config_;
};

const char* kMd = "---\ntitle: T\ndate: 2021-04-05\n---\nx\n";

TEST_F(ScanTest, ListsArticlesRecursivelySortedAndSkipsJunkSilently) {
    write("b.md", kMd);
    write("a.markdown", kMd);
    write("world/space.txt", "Title 5 Apr 2021\nBody.\n");
    write("world/deep/er/c.md", kMd);
    write(".hidden.md", kMd);
    write(".git/config.md", kMd);
    write("world/.drafts/d.md", kMd);
    write("b.md~", kMd);
    write("world/.space.txt.swp", kMd);
    write("e.md.swp", kMd);
    write("f.tmp", kMd);
    write("picture.png", "png");
    write("notes.pdf", "pdf");
    std::vector<Problem> problems;
    EXPECT_EQ(
        listed(problems),
        (std::vector<std::string>{"a.markdown", "b.md", "world/deep/er/c.md", "world/space.txt"}));
    EXPECT_TRUE(problems.empty()) << to_string(problems[0]);
}

TEST_F(ScanTest, SymlinksAreNotFollowed) {
    write("real.md", kMd);
    fs::create_directories(dir_ / "outside");
    std::ofstream(dir_ / "outside" / "secret.md") << kMd;
    fs::create_symlink(config_.dir / "real.md", config_.dir / "link.md");
    fs::create_directory_symlink(dir_ / "outside", config_.dir / "linked-dir");
    std::vector<Problem> problems;
    EXPECT_EQ(listed(problems), (std::vector<std::string>{"real.md"}));
    ASSERT_EQ(problems.size(), 2u);
    std::sort(problems.begin(), problems.end(),
              [](const Problem& a, const Problem& b) { return a.path < b.path; });
    EXPECT_EQ(to_string(problems[0]), "link.md: symlink not followed");
    EXPECT_EQ(to_string(problems[1]), "linked-dir: symlink not followed");
    EXPECT_EQ(problems[0].severity, Severity::warning);
}

TEST_F(ScanTest, SidecarsAreStampedNotListedAndOrphansWarned) {
    write("news/ferry.txt", "Ferry 5 Apr 2021\nBody.\n");
    write("news/ferry.yaml", "title: From sidecar\n");
    write("news/orphan.yaml", "title: Nobody\n");
    std::vector<Problem> problems;
    const auto stamps = list_sources(config_, problems);
    ASSERT_EQ(stamps.size(), 1u);
    EXPECT_EQ(stamps[0].path, "news/ferry.txt");
    EXPECT_GE(stamps[0].sidecar_mtime_ns, 0);
    EXPECT_GT(stamps[0].mtime_ns, 0);
    EXPECT_EQ(stamps[0].size, fs::file_size(config_.dir / "news/ferry.txt"));
    EXPECT_NE(stamps[0].inode, 0u);
    ASSERT_EQ(problems.size(), 1u);
    EXPECT_EQ(problems[0].path, "news/orphan.yaml");
    EXPECT_EQ(problems[0].severity, Severity::warning);

    const auto outcome = read_article(config_, stamps[0]);
    ASSERT_TRUE(outcome.article);
    EXPECT_EQ(outcome.article->title, "From sidecar");
}

TEST_F(ScanTest, MissingDirectoryIsAProblemNotAnException) {
    config_.dir = dir_ / "nope";
    std::vector<Problem> problems;
    EXPECT_TRUE(list_sources(config_, problems).empty());
    ASSERT_EQ(problems.size(), 1u);
    EXPECT_EQ(problems[0].path, "");
    EXPECT_NE(problems[0].message.find("does not exist"), std::string::npos);

    const auto set = scan_content(config_);
    EXPECT_TRUE(set.articles.empty());
    EXPECT_EQ(set.problems.size(), 1u);
}

TEST_F(ScanTest, FileAsContentDirIsAProblem) {
    write("plain.md", kMd);
    config_.dir = config_.dir / "plain.md";
    std::vector<Problem> problems;
    EXPECT_TRUE(list_sources(config_, problems).empty());
    ASSERT_EQ(problems.size(), 1u);
    EXPECT_NE(problems[0].message.find("is not a directory"), std::string::npos);
}

TEST_F(ScanTest, UnreadableSubdirectoryIsReportedAndTheRestScanned) {
    write("ok.md", kMd);
    write("locked/inside.md", kMd);
    fs::permissions(config_.dir / "locked", fs::perms::none);
    // "" when the listing is as expected, else what was wrong.
    const auto check = [&]() -> std::string {
        std::vector<Problem> problems;
        const auto paths = listed(problems);
        if (paths != std::vector<std::string>{"ok.md"}) {
            return "listed " + std::to_string(paths.size()) + " files";
        }
        if (problems.size() != 1) return std::to_string(problems.size()) + " problems";
        if (problems[0].path != "locked") return "a problem with " + problems[0].path;
        if (problems[0].message.find("cannot read directory") == std::string::npos) {
            return problems[0].message;
        }
        return "";
    };
    if (::geteuid() != 0) {
        EXPECT_EQ(check(), "");
        return;
    }
    // Root reads every folder: as root (CI), the listing runs in a child that became nobody.
    int out[2];
    ASSERT_EQ(::pipe(out), 0);
    const pid_t child = ::fork();
    ASSERT_GE(child, 0);
    if (child == 0) {
        ::close(out[0]);
        const bool nobody =
            ::setgroups(0, nullptr) == 0 && ::setgid(65534) == 0 && ::setuid(65534) == 0;
        const std::string result = nobody ? check() : "SKIP cannot become nobody";
        [[maybe_unused]] const auto written = ::write(out[1], result.data(), result.size());
        ::_exit(0);
    }
    ::close(out[1]);
    std::string result;
    char buffer[256];
    for (ssize_t n; (n = ::read(out[0], buffer, sizeof buffer)) > 0;) {
        result.append(buffer, static_cast<std::size_t>(n));
    }
    ::close(out[0]);
    int status = 0;
    ASSERT_EQ(::waitpid(child, &status, 0), child);
    ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    if (result.starts_with("SKIP")) GTEST_SKIP() << result;
    EXPECT_EQ(result, "");
}

TEST_F(ScanTest, OversizedFileIsSkippedBeforeReading) {
    write("big.md", std::string(2000, 'x'));
    write("small.md", kMd);
    config_.max_file_bytes = 1000;
    const auto set = scan_content(config_);
    ASSERT_EQ(set.articles.size(), 1u);
    EXPECT_EQ(set.articles[0].path, "small.md");
    ASSERT_EQ(set.problems.size(), 1u);
    EXPECT_EQ(set.problems[0].path, "big.md");
    EXPECT_NE(set.problems[0].message.find("larger than content.max_file_bytes (2000 > 1000"),
              std::string::npos);
}

TEST_F(ScanTest, ScanContentReadsEverythingSortedWithProblems) {
    write("z.md", kMd);
    write("a/broken.md", "---\ntitle: [\n---\nx\n");
    write("a/fine.txt", "Fine title 5 Apr 2021\nBody.\n");
    write("m/empty.txt", "");
    write("m/nodate.md", "# Undated\n\nText.\n");
    const auto set = scan_content(config_);
    std::vector<std::string> paths;
    for (const auto& a : set.articles) paths.push_back(a.path);
    EXPECT_EQ(paths, (std::vector<std::string>{"a/fine.txt", "m/nodate.md", "z.md"}));
    ASSERT_EQ(set.problems.size(), 3u);
    EXPECT_EQ(set.problems[0].path, "a/broken.md");
    EXPECT_EQ(set.problems[0].severity, Severity::error);
    EXPECT_EQ(set.problems[1].path, "m/empty.txt");
    EXPECT_EQ(set.problems[2].path, "m/nodate.md");
    EXPECT_EQ(set.problems[2].severity, Severity::warning);
    // The article date falls back to the file's mtime.
    const auto mtime = fs::last_write_time(config_.dir / "m/nodate.md");
    const auto sys = std::chrono::file_clock::to_sys(mtime);
    EXPECT_EQ(set.articles[1].date, std::chrono::floor<std::chrono::seconds>(sys));
}

}  // namespace
}  // namespace feedd

namespace feedd {
namespace {

// The shared site fixture (tests/data/site/content) other modules' golden and integration tests
// build on: this pins down what it contains.
// The first scan lists and reads at once (scan_sources); it must find exactly what listing then
// reading finds, in the same order, whatever the number of threads and folder sizes.
TEST_F(ScanTest, ScanningWhileListingEqualsListingThenReading) {
    for (int folder = 0; folder < 7; ++folder) {
        for (int i = 0; i < folder * 23 + 1; ++i) {  // from 1 file to more than a batch of 32
            const std::string base = "f" + std::to_string(folder) + "/sub" + std::to_string(i % 3) +
                                     "/a" + std::to_string(i);
            if (i % 2) {
                write(base + ".txt", "Title " + std::to_string(i) + " 5 Apr 2021\nBody.\n");
            } else {
                write(base + ".md", kMd);
            }
        }
    }
    write("f1/sub0/a0.yaml", "title: From the sidecar\n");
    write("top.md", kMd);
    write("broken.md", "---\ntitle: [unclosed\n---\nx\n");

    std::vector<Problem> listing_problems;
    const auto stamps = list_sources(config_, listing_problems, {}, Listing::names_only);
    const auto expected = read_articles(config_, stamps, Detail::metadata, 1);
    for (const unsigned threads : {1u, 2u, 4u}) {
        std::vector<Problem> problems;
        const auto got = scan_sources(config_, problems, Detail::metadata, threads);
        EXPECT_EQ(problems.size(), listing_problems.size());
        ASSERT_EQ(got.size(), expected.size()) << threads << " threads";
        for (std::size_t i = 0; i < got.size(); ++i) {
            EXPECT_EQ(got[i].stamp.path, stamps[i].path);
            EXPECT_EQ(got[i].stamp, expected[i].stamp);
            ASSERT_EQ(static_cast<bool>(got[i].article), static_cast<bool>(expected[i].article))
                << stamps[i].path;
            if (got[i].article) {
                EXPECT_EQ(got[i].article->title, expected[i].article->title);
                EXPECT_EQ(got[i].article->digest, expected[i].article->digest);
            }
            EXPECT_EQ(got[i].problems.size(), expected[i].problems.size()) << stamps[i].path;
        }
    }
}

// The daemon watches each folder in this hook: whatever is written to a folder once it is watched
// must then be listed (or be an event), so the hook runs before the folder is read.
TEST_F(ScanTest, EachFolderIsHandedToTheHookBeforeItIsListed) {
    write("top.md", kMd);
    write("news/2026/a.md", kMd);
    write("news/.drafts/hidden.md", kMd);
    write("blog/b.txt", "Title 5 Apr 2021\nBody.\n");
    fs::create_directory_symlink(config_.dir / "news", config_.dir / "linked");
    const auto late_in = [&](std::set<std::string>& folders) {
        return [&](const std::string& folder) {
            folders.insert(folder);
            write((folder.empty() ? std::string() : folder + "/") + "late.md", kMd);
        };
    };
    const std::set<std::string> expected_folders = {"", "blog", "news", "news/2026"};
    const std::vector<std::string> expected_paths = {
        "blog/b.txt",        "blog/late.md", "late.md", "news/2026/a.md",
        "news/2026/late.md", "news/late.md", "top.md"};

    std::set<std::string> scanned_folders;
    std::vector<Problem> problems;
    std::vector<std::string> scanned;
    for (const auto& outcome :
         scan_sources(config_, problems, Detail::metadata, 2, late_in(scanned_folders))) {
        EXPECT_TRUE(outcome.article) << outcome.stamp.path;
        scanned.push_back(outcome.stamp.path);
    }
    EXPECT_EQ(scanned_folders, expected_folders);
    EXPECT_EQ(scanned, expected_paths);

    std::set<std::string> listed_folders;
    std::vector<std::string> listed_paths;
    for (const auto& stamp :
         list_sources(config_, problems, {}, Listing::stamped, late_in(listed_folders))) {
        listed_paths.push_back(stamp.path);
    }
    EXPECT_EQ(listed_folders, expected_folders);
    EXPECT_EQ(listed_paths, expected_paths);
}

TEST(SiteFixture, ParsesAsDocumented) {
    ContentConfig config;
    config.dir = FEEDD_TEST_DATA_DIR "/site/content";
    const auto set = scan_content(config);

    std::vector<std::string> paths;
    for (const auto& a : set.articles) paths.push_back(a.path);
    EXPECT_EQ(paths,
              (std::vector<std::string>{"drafts/unfinished.md", "future/time-capsule.md",
                                        "guides/relative-links.md", "hello-world.md",
                                        "news/harbour-ferries.txt", "news/library-opening.txt"}));
    ASSERT_EQ(set.problems.size(), 1u);
    EXPECT_EQ(set.problems[0].path, "broken/bad-front-matter.md");
    EXPECT_EQ(set.problems[0].severity, Severity::error);

    auto get = [&](std::string_view path) -> const Article& {
        return *std::find_if(set.articles.begin(), set.articles.end(),
                             [&](const Article& a) { return a.path == path; });
    };
    EXPECT_TRUE(get("drafts/unfinished.md").draft);
    EXPECT_EQ(testing::iso(get("future/time-capsule.md").date), "2099-01-01T00:00:00Z");
    EXPECT_EQ(testing::iso(get("hello-world.md").date), "2024-03-01T08:00:00Z");
    EXPECT_EQ(get("hello-world.md").author, (Person{"Mira Falk", "mira@example.org"}));

    const Article& links = get("guides/relative-links.md");
    EXPECT_EQ(links.tags, (std::vector<std::string>{"guides", "links", "html"}));
    EXPECT_NE(links.content_html.find("href=\"../hello-world/\""), std::string::npos);
    EXPECT_NE(links.content_html.find("src=\"images/diagram.png\""), std::string::npos);
    ASSERT_TRUE(links.enclosure);
    EXPECT_EQ(links.enclosure->url, "media/walkthrough.mp3");

    const Article& ferries = get("news/harbour-ferries.txt");
    EXPECT_EQ(ferries.title, "Harbour ferries switch to electric engines");
    EXPECT_EQ(testing::iso(ferries.date), "2024-03-03T09:45:00Z");  // year from the footer
    EXPECT_EQ(testing::count(ferries.content_html, "<p>"), 3);
    EXPECT_EQ(ferries.content_html.find("cycle lanes"), std::string::npos);

    const Article& library = get("news/library-opening.txt");
    EXPECT_EQ(library.title, "Reading room reopens after roof repairs");
    EXPECT_EQ(testing::iso(library.date), "2024-02-12T00:00:00Z");
    EXPECT_EQ(library.tags, (std::vector<std::string>{"library", "city"}));  // from the sidecar
    EXPECT_EQ(library.author.name, "Ruth Okafor");
    EXPECT_EQ(testing::count(library.content_html, "<p>"), 3);
}

TEST_F(ScanTest, ListsOnlyTheSubtreeAskedFor) {
    write("a.md", kMd);
    write("world/b.md", kMd);
    write("world/europe/c.md", kMd);
    write("worldwide/d.md", kMd);
    std::vector<Problem> problems;
    std::vector<std::string> paths;
    for (const auto& s : list_sources(config_, problems, "world")) paths.push_back(s.path);
    EXPECT_EQ(paths, (std::vector<std::string>{"world/b.md", "world/europe/c.md"}));
    EXPECT_TRUE(problems.empty());
}

TEST_F(ScanTest, StampsOneFileLikeTheListingDoes) {
    write("world/b.md", kMd);
    write("world/b.yaml", "tags: [x]\n");
    std::vector<Problem> problems;
    const auto listed_stamps = list_sources(config_, problems);
    ASSERT_EQ(listed_stamps.size(), 1u);
    const auto one = stamp_source(config_, "world/b.md");
    ASSERT_TRUE(one.has_value());
    EXPECT_EQ(*one, listed_stamps[0]);
    EXPECT_GE(one->sidecar_mtime_ns, 0);
}

TEST_F(ScanTest, StampsNothingForWhatIsNotAnArticle) {
    write("b.yaml", "tags: [x]\n");
    write(".hidden/c.md", kMd);
    write("d.md.tmp", kMd);
    fs::create_directories(config_.dir / "folder.md");
    EXPECT_FALSE(stamp_source(config_, "b.yaml").has_value());
    EXPECT_FALSE(stamp_source(config_, ".hidden/c.md").has_value());
    EXPECT_FALSE(stamp_source(config_, "d.md.tmp").has_value());
    EXPECT_FALSE(stamp_source(config_, "folder.md").has_value());
    EXPECT_FALSE(stamp_source(config_, "missing.md").has_value());
}

// KeptBodies keeps the first `count` offered by its order, whatever order they come in, and
// what `wanted` refuses is not worth offering.
TEST(KeptBodiesTest, KeepsTheFirstByOrderAndNoMore) {
    KeptBodies kept(
        3, [](const Article& a) { return !a.draft; },
        [](const Article& a, const Article& b) { return a.title < b.title; });
    Article draft;
    draft.draft = true;
    EXPECT_FALSE(kept.worth_offering(draft));
    const Article published;
    EXPECT_TRUE(kept.worth_offering(published));
    EXPECT_FALSE(KeptBodies(0, {}, {}).worth_offering(published));

    std::vector<std::string> titles{"g", "c", "h", "a", "e", "b", "f", "d"};
    for (const auto& title : titles) {
        auto article = std::make_shared<Article>();
        article->title = title;
        article->path = title + ".html";
        kept.offer({SourceStamp{article->path}, article});
    }
    std::vector<std::string> got;
    for (const auto& body : kept.take()) {
        EXPECT_EQ(body.stamp.path, body.article->title + ".html");
        got.push_back(body.article->title);
    }
    std::sort(got.begin(), got.end());
    EXPECT_EQ(got, (std::vector<std::string>{"a", "b", "c"}));
    EXPECT_TRUE(kept.take().empty());
}

// A metadata read with a KeptBodies: the outcomes carry no body, and the bodies kept are those a
// full read gives.
TEST_F(ScanTest, AMetadataReadKeepsWebPagesBodiesAsAFullReadMakesThem) {
    for (int day = 1; day <= 4; ++day) {
        const auto n = std::to_string(day);
        write("p" + n + ".html",
              "<html><head><title>Page " + n +
                  "</title><meta property=\"article:published_time\" content=\"2024-01-0" + n +
                  "T10:00:00Z\"></head><body><article><h1>Page " + n + "</h1><p>The text of page " +
                  n + ", long enough to be an article's paragraph.</p></article></body></html>");
    }
    write("m.md", "---\ntitle: M\ndate: 2024-02-01\n---\nMarkdown body.\n");
    KeptBodies kept(2, {}, [](const Article& a, const Article& b) { return a.date > b.date; });
    std::vector<Problem> problems;
    const auto outcomes = scan_sources(config_, problems, Detail::metadata, 2, {}, &kept);
    ASSERT_EQ(outcomes.size(), 5u);
    for (const auto& outcome : outcomes) {
        ASSERT_TRUE(outcome.article) << outcome.stamp.path;
        EXPECT_TRUE(outcome.article->content_html.empty()) << outcome.stamp.path;
    }
    auto bodies = kept.take();
    ASSERT_EQ(bodies.size(), 2u);  // the Markdown article is newer, but not a web page
    std::sort(bodies.begin(), bodies.end(),
              [](const auto& a, const auto& b) { return a.stamp.path < b.stamp.path; });
    EXPECT_EQ(bodies[0].stamp.path, "p3.html");
    EXPECT_EQ(bodies[1].stamp.path, "p4.html");
    for (const auto& body : bodies) {
        const auto full = read_article(config_, body.stamp, Detail::full);
        ASSERT_TRUE(full.article);
        EXPECT_NE(body.article->content_html.find("The text of page"), std::string::npos);
        EXPECT_EQ(body.article->content_html, full.article->content_html);
        EXPECT_EQ(body.article->digest, article_digest(*full.article));
    }
}

}  // namespace
}  // namespace feedd
