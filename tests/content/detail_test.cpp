// Detail::metadata must give the same article as Detail::full minus the body HTML, and
// read_articles the same outcomes as read_article one by one, whatever the thread count.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <random>

#include "content/scan.h"
#include "content/test_util.h"

namespace feedd {
namespace {

namespace fs = std::filesystem;

void expect_same_except_html(const ParseOutcome& full, const ParseOutcome& meta,
                             const std::string& what) {
    ASSERT_EQ(full.article.has_value(), meta.article.has_value()) << what;
    ASSERT_EQ(full.problems.size(), meta.problems.size()) << what;
    for (std::size_t i = 0; i < full.problems.size(); ++i) {
        EXPECT_EQ(to_string(full.problems[i]), to_string(meta.problems[i])) << what;
        EXPECT_EQ(full.problems[i].severity, meta.problems[i].severity) << what;
    }
    if (!full.article) return;
    Article expected = *full.article;
    EXPECT_FALSE(expected.content_html.empty()) << what;  // the case has a body worth comparing
    expected.content_html.clear();
    const Article& a = *meta.article;
    EXPECT_TRUE(a.content_html.empty()) << what;
    EXPECT_EQ(a.path, expected.path) << what;
    EXPECT_EQ(a.title, expected.title) << what;
    EXPECT_EQ(a.date, expected.date) << what;
    EXPECT_EQ(a.updated, expected.updated) << what;
    EXPECT_EQ(a.author, expected.author) << what;
    EXPECT_EQ(a.co_authors, expected.co_authors) << what;
    EXPECT_EQ(a.tags, expected.tags) << what;
    EXPECT_EQ(a.categories, expected.categories) << what;
    EXPECT_EQ(a.summary, expected.summary) << what;
    EXPECT_EQ(a.draft, expected.draft) << what;
    EXPECT_EQ(a.id, expected.id) << what;
    EXPECT_EQ(a.url, expected.url) << what;
    EXPECT_EQ(a.image, expected.image) << what;
    EXPECT_EQ(a.lang, expected.lang) << what;
    EXPECT_EQ(a.enclosure, expected.enclosure) << what;
}

ParseOutcome parse_as(const std::string& path, const std::string& bytes, Detail detail,
                      const std::optional<std::string>& sidecar = std::nullopt) {
    SourceFile source;
    source.path = path;
    source.bytes = bytes;
    source.sidecar = sidecar;
    source.mtime = testing::utc(2026, 2, 1, 8);
    return parse_article(source, ContentConfig{}, detail);
}

TEST(DetailMetadata, SameArticleWithoutBodyHtml) {
    struct Case {
        std::string path, bytes;
        std::optional<std::string> sidecar = std::nullopt;
    };
    std::string long_para;
    for (int i = 0; i < 120; ++i) long_para += "word" + std::to_string(i) + " ";
    const std::vector<Case> cases = {
        {"fm-title.md", "---\ntitle: T\ndate: 2021-04-05\n---\n# Head\n\nFirst *para*.\n\nMore.\n"},
        {"h1-title.md", "---\ndate: 2021-04-05\n---\n\n# The *real* title\n\nFirst.\n"},
        {"later-h1.md", "---\ndate: 2021-04-05\n---\nIntro &amp; more.\n\n# Later\n\nText.\n"},
        {"setext.md", "Big title\n=========\n\nText with [ref][r].\n\n[r]: https://example.org\n"},
        {"no-title.md", "## Only h2\n\n![img](a.png)\n\nProse after an image.\n"},
        {"fm-summary.md", "---\ntitle: T\nsummary: Mine.\n---\nBody.\n"},
        {"long.md", "---\ntitle: T\n---\n" + long_para + "\n\nSecond.\n"},
        {"quote.md", "---\ntitle: T\n---\n> Quoted first.\n\nThen prose.\n"},
        {"side-title.md", "---\ndate: 2021-04-05\n---\n# Heading\n\nFirst.\n",
         "title: From sidecar\n"},
        {"side-empty.md", "---\ntitle: FM\n---\n# Heading\n\nFirst.\n", "title: ''\n"},
        {"side-summary.md", "# Heading\n\nFirst.\n", "summary: From sidecar\n"},
        {"crlf.md", "---\r\ntitle: W\r\n---\r\nOne\r\ntwo\r\n"},
        {"news.txt", "Ferry title 5 Apr 2021\nFirst line.\nSecond line.\nLatest news\nOther\n"},
        {"untitled.txt", "Just a title\n\nOnly paragraph \xFF here.\n14 Jan 2026\n"},
        {"side.txt", "Title\nBody.\n14 Jan 2026\n", "date: 5 Apr 12:20\ntags: a, b\n"},
    };
    for (const auto& c : cases) {
        expect_same_except_html(parse_as(c.path, c.bytes, Detail::full, c.sidecar),
                                parse_as(c.path, c.bytes, Detail::metadata, c.sidecar), c.path);
    }
}

TEST(DetailMetadata, ErrorsAreTheSame) {
    for (const char* bytes :
         {"---\ntitle: [a\n---\nx\n", "---\ntitle: T\n", "  \n", "---\ndraft: maybe\n---\nx\n"}) {
        const auto full = parse_as("a.md", bytes, Detail::full);
        const auto meta = parse_as("a.md", bytes, Detail::metadata);
        EXPECT_FALSE(full.article) << bytes;
        expect_same_except_html(full, meta, bytes);
    }
}

TEST(DetailMetadata, SiteFixtureMatchesFullScan) {
    ContentConfig config;
    config.dir = FEEDD_TEST_DATA_DIR "/site/content";
    const auto full = scan_content(config);
    const auto meta = scan_content(config, Detail::metadata);
    ASSERT_EQ(full.articles.size(), meta.articles.size());
    ASSERT_EQ(full.problems.size(), meta.problems.size());
    for (std::size_t i = 0; i < full.articles.size(); ++i) {
        ParseOutcome f{full.articles[i], {}};
        ParseOutcome m{meta.articles[i], {}};
        expect_same_except_html(f, m, full.articles[i].path);
    }
}

// A scratch content directory with many small articles, removed afterwards.
class ReadArticlesTest : public ::testing::Test {
  protected:
    void SetUp() override {
        std::random_device rd;
        dir_ = fs::temp_directory_path() /
               ("feedd-read-" + std::to_string(::getpid()) + "-" + std::to_string(rd()));
        config_.dir = dir_;
        for (int i = 0; i < 60; ++i) {
            const std::string folder = "f" + std::to_string(i % 4);
            fs::create_directories(dir_ / folder);
            const std::string name = "a" + std::to_string(i);
            if (i % 5 == 0) {
                std::ofstream(dir_ / folder / (name + ".txt"))
                    << "Title " << i << " 5 Apr 2021\nBody " << i << ".\n";
            } else if (i % 7 == 0) {
                std::ofstream(dir_ / folder / (name + ".md")) << "---\ntitle: [broken\n---\nx\n";
            } else {
                std::ofstream(dir_ / folder / (name + ".md"))
                    << "---\ntitle: T" << i << "\ndate: 2021-04-05\n---\nBody " << i << ".\n";
            }
        }
    }
    void TearDown() override {
        std::error_code ec;
        fs::remove_all(dir_, ec);
    }
    fs::path dir_;
    ContentConfig config_;
};

TEST_F(ReadArticlesTest, SameOutcomesInInputOrderForAnyThreadCount) {
    std::vector<Problem> problems;
    auto stamps = list_sources(config_, problems);
    ASSERT_EQ(stamps.size(), 60u);
    std::reverse(stamps.begin(), stamps.end());  // not the listing order: order is the input's
    std::vector<ParseOutcome> one_by_one;
    for (const auto& s : stamps) one_by_one.push_back(read_article(config_, s));
    for (unsigned threads : {1u, 2u, 3u, 8u, 0u}) {
        const auto outcomes = read_articles(config_, stamps, Detail::full, threads);
        ASSERT_EQ(outcomes.size(), stamps.size());
        for (std::size_t i = 0; i < stamps.size(); ++i) {
            const auto what = stamps[i].path + " threads=" + std::to_string(threads);
            ASSERT_EQ(outcomes[i].article != nullptr, one_by_one[i].article.has_value()) << what;
            if (outcomes[i].article) {
                EXPECT_EQ(outcomes[i].article->path, stamps[i].path) << what;
                EXPECT_EQ(outcomes[i].article->title, one_by_one[i].article->title) << what;
                EXPECT_EQ(outcomes[i].article->content_html, one_by_one[i].article->content_html)
                    << what;
            } else {
                ASSERT_FALSE(outcomes[i].problems.empty()) << what;
                EXPECT_EQ(outcomes[i].problems[0].path, stamps[i].path) << what;
            }
        }
    }
    EXPECT_TRUE(read_articles(config_, {}, Detail::metadata).empty());
}

TEST_F(ReadArticlesTest, ScanContentInMetadataDetailKeepsNoHtml) {
    const auto set = scan_content(config_, Detail::metadata);
    EXPECT_EQ(set.articles.size(), 53u);  // 60 minus the 7 broken ones (i % 7 == 0, i % 5 != 0)
    for (const auto& a : set.articles) {
        EXPECT_TRUE(a.content_html.empty()) << a.path;
        EXPECT_TRUE(a.summary.starts_with("Body ")) << a.path;
    }
}

}  // namespace
}  // namespace feedd
