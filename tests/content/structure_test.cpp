// Site structure as generators see it (docs/content.md, "Site structure"): section pages, page
// bundles and their resources, asset folders, '_' names, content.include / content.exclude, and
// the files that are not articles.
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <random>

#include "config/glob.h"
#include "content/scan.h"
#include "content/test_util.h"

namespace feedd {
namespace {

namespace fs = std::filesystem;
using testing::find_problem;
using testing::parse;

TEST(PagePath, BundleIsItsFolderOtherArticlesLoseTheirExtension) {
    EXPECT_EQ(page_path("posts/trip/index.md"), "posts/trip");
    EXPECT_EQ(page_path("posts/trip/index.markdown"), "posts/trip");
    EXPECT_EQ(page_path("posts/a.md"), "posts/a");
    EXPECT_EQ(page_path("a.txt"), "a");
    EXPECT_EQ(page_path("index.md"), "index");  // the content root is no bundle
    EXPECT_EQ(page_path("posts/index.txt"), "posts/index");
    EXPECT_TRUE(is_bundle_index("posts/trip/index.md"));
    EXPECT_FALSE(is_bundle_index("index.md"));
    EXPECT_FALSE(is_bundle_index("posts/trip/index.txt"));
    EXPECT_FALSE(is_bundle_index("posts/trip/_index.md"));
}

TEST(Glob, StarAndQuestionMarkStayWithinAFolder) {
    EXPECT_TRUE(glob_match("*.md", "a.md"));
    EXPECT_FALSE(glob_match("*.md", "posts/a.md"));
    EXPECT_TRUE(glob_match("posts/*.md", "posts/a.md"));
    EXPECT_FALSE(glob_match("posts/*.md", "posts/x/a.md"));
    EXPECT_TRUE(
        glob_match("posts/20?"
                   "?-*.md",
                   "posts/2014-x.md"));
    EXPECT_FALSE(
        glob_match("posts/20?"
                   "?-*.md",
                   "posts/201-x.md"));
    EXPECT_FALSE(glob_match("p?sts/a.md", "p/sts/a.md"));
    EXPECT_TRUE(glob_match("[ab].md", "b.md"));
    EXPECT_FALSE(glob_match("[ab].md", "c.md"));
}

TEST(Glob, DoubleStarCrossesFolders) {
    EXPECT_TRUE(glob_match("**/*.md", "a.md"));  // none included
    EXPECT_TRUE(glob_match("**/*.md", "x/y/z/a.md"));
    EXPECT_TRUE(glob_match("posts/**", "posts/a.md"));
    EXPECT_TRUE(glob_match("posts/**", "posts/x/y/a.md"));
    EXPECT_FALSE(glob_match("posts/**", "news/a.md"));
    EXPECT_TRUE(glob_match("a/**/b/*.md", "a/b/c.md"));
    EXPECT_TRUE(glob_match("a/**/b/*.md", "a/x/y/b/c.md"));
    EXPECT_FALSE(glob_match("a/**/b/*.md", "a/x/y/c.md"));
    EXPECT_TRUE(glob_match("**/drafts/**", "x/drafts/y/z.md"));
    EXPECT_TRUE(glob_match_any({"x/*", "*.md"}, "a.md"));
    EXPECT_FALSE(glob_match_any({}, "a.md"));
}

TEST(Glob, BadGlobsAreNamed) {
    EXPECT_FALSE(glob_error("posts/**/*.md"));
    EXPECT_FALSE(glob_error("[!]x].md"));
    EXPECT_TRUE(glob_error(""));
    EXPECT_TRUE(glob_error("/posts/*.md"));
    EXPECT_TRUE(glob_error("../x/*.md"));
    EXPECT_TRUE(glob_error("posts//*.md"));
    EXPECT_TRUE(glob_error("posts/[ab.md"));
    EXPECT_TRUE(glob_error("posts/**.md"));
    EXPECT_TRUE(glob_error("a\\"));
}

// A fresh content directory, removed afterwards.
class StructureTest : public ::testing::Test {
  protected:
    void SetUp() override {
        std::random_device rd;
        dir_ = fs::temp_directory_path() /
               ("feedd-structure-" + std::to_string(::getpid()) + "-" + std::to_string(rd()));
        fs::create_directories(dir_ / "content");
        config_.dir = dir_ / "content";
    }
    void TearDown() override {
        std::error_code ec;
        fs::remove_all(dir_, ec);
    }
    void write(const std::string& rel, const std::string& bytes = kMd) {
        const fs::path p = config_.dir / rel;
        fs::create_directories(p.parent_path());
        std::ofstream(p, std::ios::binary) << bytes;
    }
    std::vector<std::string> listed(std::string_view under = {}) {
        std::vector<Problem> problems;
        std::vector<std::string> paths;
        for (const auto& s : list_sources(config_, problems, under)) paths.push_back(s.path);
        problems_ = problems;
        return paths;
    }
    // What stamp_source (the live path) says of each file the test wrote.
    std::vector<std::string> stamped(const std::vector<std::string>& candidates) {
        std::vector<std::string> paths;
        for (const auto& c : candidates) {
            if (stamp_source(config_, c)) paths.push_back(c);
        }
        std::sort(paths.begin(), paths.end());
        return paths;
    }

    static constexpr const char* kMd = "---\ntitle: T\ndate: 2021-04-05\n---\nx\n";
    fs::path dir_;
    ContentConfig config_;
    std::vector<Problem> problems_;
};

using Paths = std::vector<std::string>;

TEST_F(StructureTest, HugoSectionPagesAreNotArticlesAndBundleFilesAreResources) {
    const Paths all = {"posts/_index.md",
                       "posts/trip/index.md",
                       "posts/trip/notes.txt",
                       "posts/trip/data/x.md",
                       "posts/trip/extra.md",
                       "posts/a.md",
                       "_index.md"};
    for (const auto& p : all) write(p);
    write("posts/trip/photo.jpg", "JPEG");
    write("posts/trip/extra.yaml", "title: resource\n");  // a resource, not a lone sidecar
    fs::create_symlink("../a.md", config_.dir / "posts/trip/link.md");  // a resource: not said
    const Paths expected = {"posts/a.md", "posts/trip/index.md"};
    EXPECT_EQ(listed(), expected);
    EXPECT_EQ(stamped(all), expected);
    EXPECT_FALSE(find_problem(problems_, "sidecar")) << problems_.size();
    EXPECT_FALSE(find_problem(problems_, "symlink"));
    EXPECT_FALSE(is_article_path(config_, "posts/trip/link.md"));
    EXPECT_TRUE(is_article_path(config_, "posts/trip/index.md"));
    // A listing of a folder inside the bundle finds nothing, as stamp_source says.
    EXPECT_EQ(listed("posts/trip/data"), Paths{});
    EXPECT_EQ(listed("posts/trip"), Paths{"posts/trip/index.md"});
}

TEST_F(StructureTest, SavedWebPagesAreArticlesAndTheirFilesFoldersResources) {
    const Paths all = {"news/ferry.html",       "news/ferry_files/ad-frame.html",
                       "news/Bridge.htm",       "news/Bridge_files/frame.htm",
                       "news/story/index.html", "news/story/teaser.html",
                       "wiki/shed.htm",         "wiki/shed/embedded.html",
                       "wiki/drafts/wip.html",  "notes_files/readme.html"};
    for (const auto& p : all) write(p, "<title>T</title><p>x</p>");
    config_.exclude = {"**/drafts/**"};
    // "story/" with an index.html is no page bundle (a saved site's folders often hold one):
    // both pages are articles. "notes_files" belongs to no page beside it.
    const Paths expected = {"news/Bridge.htm",         "news/ferry.html",
                            "news/story/index.html",   "news/story/teaser.html",
                            "notes_files/readme.html", "wiki/shed.htm"};
    EXPECT_EQ(listed(), expected);
    EXPECT_EQ(stamped(all), expected);
}

TEST_F(StructureTest, JekyllUnderscoreFoldersAreSkippedExceptPosts) {
    const Paths all = {"_posts/2014-05-06-x.markdown",
                       "_drafts/y.md",
                       "_layouts/default.md",
                       "_includes/footer.md",
                       "assets/readme.md",
                       "_config.md",
                       "about.md"};
    for (const auto& p : all) write(p);
    const Paths expected = {"_posts/2014-05-06-x.markdown", "about.md", "assets/readme.md"};
    EXPECT_EQ(listed(), expected);
    EXPECT_EQ(stamped(all), expected);
    EXPECT_EQ(listed("_drafts"), Paths{});
}

TEST_F(StructureTest, AFolderNamedLikeAPostIsItsAssetFolder) {
    const Paths all = {"posts/2020-01-02-trip.md",
                       "posts/2020-01-02-trip/data.txt",
                       "posts/2020-01-02-trip/deeper/more.md",
                       "posts/other/b.md",
                       "notes.txt",
                       "notes/c.md"};  // only .md and .markdown have asset folders
    for (const auto& p : all) write(p);
    const Paths expected = {"notes.txt", "notes/c.md", "posts/2020-01-02-trip.md",
                            "posts/other/b.md"};
    EXPECT_EQ(listed(), expected);
    EXPECT_EQ(stamped(all), expected);
    EXPECT_EQ(listed("posts/2020-01-02-trip/deeper"), Paths{});
}

TEST_F(StructureTest, IncludeAndExcludeGlobs) {
    const Paths all = {"a.md",         "posts/b.md",  "posts/2020/c.md", "posts/x1.md",
                       "posts/x12.md", "drafts/d.md", "news/e.txt"};
    for (const auto& p : all) write(p);
    write("posts/b.yaml", "title: B\n");
    config_.include = {"posts/**", "*.md", "news/*.txt"};
    config_.exclude = {"posts/x?.md", "**/2020/**"};
    const Paths expected = {"a.md", "news/e.txt", "posts/b.md", "posts/x12.md"};
    EXPECT_EQ(listed(), expected);
    EXPECT_EQ(stamped(all), expected);
    config_.exclude = {"posts/b.md"};
    EXPECT_EQ(listed(),
              (Paths{"a.md", "news/e.txt", "posts/2020/c.md", "posts/x1.md", "posts/x12.md"}));
    // The sidecar of an excluded article is not "without an article".
    EXPECT_FALSE(find_problem(problems_, "sidecar"));
}

TEST(NotAnArticle, MarkdownWithoutTitleDateOrTextIsOneError) {
    const auto out = parse("posts/empty.md", "---\naliases: [/old/]\nweight: 3\n---\n\n");
    EXPECT_FALSE(out.article);
    ASSERT_EQ(out.problems.size(), 1u);
    EXPECT_EQ(out.problems[0].severity, Severity::error);  // skipped, as every error says
    EXPECT_NE(out.problems[0].message.find("not an article"), std::string::npos);
    // A title alone, or text alone, is an article.
    EXPECT_TRUE(parse("posts/t.md", "---\ntitle: About\n---\n").article);
    EXPECT_TRUE(parse("posts/b.md", "---\nweight: 1\n---\nSome text.\n").article);
}

TEST(NotAnArticle, RedirectStubIsSkipped) {
    const auto out = parse("old.md", "---\ntitle: Old\nredirect_to: /new/\n---\n");
    EXPECT_FALSE(out.article);
    ASSERT_EQ(out.problems.size(), 1u);
    EXPECT_EQ(out.problems[0].severity, Severity::error);
    EXPECT_NE(out.problems[0].message.find("redirect"), std::string::npos);
    const auto hugo = parse("old.md", "+++\nredirect = \"/new/\"\n+++\n");
    EXPECT_FALSE(hugo.article);
}

TEST(NotAnArticle, IndexPageWithoutDateIsSkippedWithDateIsAnArticle) {
    const auto home = parse("index.md", "---\ntitle: Home\n---\nWelcome.\n");
    EXPECT_FALSE(home.article);
    ASSERT_TRUE(find_problem(home.problems, "index page without a date"));
    EXPECT_TRUE(
        parse("posts/trip/index.md", "---\ntitle: Trip\ndate: 2020-01-02\n---\nx\n").article);
    // A bundle dated by its folder's name, titled by it when it has no title.
    const auto dated = parse("posts/2020-01-02-trip/index.md", "Text.\n");
    ASSERT_TRUE(dated.article);
    EXPECT_EQ(dated.article->title, "trip");
}

}  // namespace
}  // namespace feedd
