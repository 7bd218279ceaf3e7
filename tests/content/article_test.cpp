#include "content/article.h"

#include <gtest/gtest.h>

#include "content/test_util.h"

namespace feedd {
namespace {

using testing::find_problem;
using testing::iso;
using testing::parse;
using testing::utc;

ParseOutcome parse_with_sidecar(std::string path, std::string bytes, std::string sidecar,
                                ContentConfig config = {}) {
    SourceFile source;
    source.path = std::move(path);
    source.bytes = std::move(bytes);
    source.sidecar = std::move(sidecar);
    source.mtime = utc(2026, 2, 1, 8);
    return parse_article(source, config);
}

TEST(ProblemToString, WithAndWithoutLine) {
    EXPECT_EQ(to_string(Problem{"a/b.md", 3, "bad", Severity::error}), "a/b.md:3: bad");
    EXPECT_EQ(to_string(Problem{"a/b.md", 0, "bad", Severity::warning}), "a/b.md: bad");
    EXPECT_EQ(to_string(Problem{"", 0, "no content dir", Severity::error}), "no content dir");
}

TEST(ParseArticle, BomIsStrippedBeforeFrontMatter) {
    const auto out = parse("a.md", "\xEF\xBB\xBF---\ntitle: With BOM\ndate: 2021-04-05\n---\nx\n");
    ASSERT_TRUE(out.article);
    EXPECT_EQ(out.article->title, "With BOM");
    EXPECT_TRUE(out.problems.empty());
}

TEST(ParseArticle, CrlfAndLoneCrAreAccepted) {
    auto out = parse("a.md", "---\r\ntitle: Windows\r\ndate: 2021-04-05\r\n---\r\nOne\r\ntwo\r\n");
    ASSERT_TRUE(out.article);
    EXPECT_EQ(out.article->title, "Windows");
    EXPECT_EQ(out.article->content_html, "<p>One\ntwo</p>\n");

    out = parse("a.txt", "Old Mac title 5 Apr 2021\rFirst.\rSecond.\r");
    ASSERT_TRUE(out.article);
    EXPECT_EQ(out.article->title, "Old Mac title");
    EXPECT_EQ(out.article->content_html, "<p>First.</p>\n<p>Second.</p>\n");
}

TEST(ParseArticle, InvalidUtf8IsReplacedWithWarning) {
    const auto out = parse("a.txt", "Title 5 Apr 2021\nGood line.\nBad \xFF byte.\n");
    ASSERT_TRUE(out.article);
    EXPECT_EQ(out.article->content_html, "<p>Good line.</p>\n<p>Bad \xEF\xBF\xBD byte.</p>\n");
    const Problem* p = find_problem(out.problems, "invalid UTF-8");
    ASSERT_NE(p, nullptr);
    EXPECT_EQ(p->line, 3);
    EXPECT_EQ(p->severity, Severity::warning);
}

TEST(ParseArticle, ForbiddenControlCharactersAreRemoved) {
    const auto out =
        parse("a.md", "---\ntitle: \"Bell\x07 title\"\ndate: 2021-04-05\n---\nText\x1B.\n");
    ASSERT_TRUE(out.article);
    EXPECT_EQ(out.article->title, "Bell title");
    EXPECT_EQ(out.article->content_html, "<p>Text.</p>\n");
    const Problem* p = find_problem(out.problems, "XML does not allow");
    ASSERT_NE(p, nullptr);
    EXPECT_EQ(p->line, 2);
}

TEST(ParseArticle, NulBytesSkipTheFile) {
    const auto out = parse("a.txt", std::string("Title\nbin\0ary\n", 13));
    EXPECT_FALSE(out.article);
    ASSERT_EQ(out.problems.size(), 1u);
    EXPECT_EQ(to_string(out.problems[0]), "a.txt:2: contains NUL bytes (a binary file?); skipped");
}

TEST(ParseArticle, EmptyOrBlankFilesAreSkipped) {
    for (const char* bytes : {"", "  \n\t\r\n", "\xEF\xBB\xBF"}) {
        for (const char* path : {"a.md", "a.txt"}) {
            const auto out = parse(path, bytes);
            EXPECT_FALSE(out.article);
            ASSERT_EQ(out.problems.size(), 1u);
            EXPECT_EQ(out.problems[0].message, "empty file; skipped");
            EXPECT_EQ(out.problems[0].severity, Severity::error);
        }
    }
}

TEST(ParseArticle, OversizedFileIsSkipped) {
    ContentConfig config;
    config.max_file_bytes = 10;
    const auto out = parse("a.md", "# Eleven ch", config);
    EXPECT_FALSE(out.article);
    ASSERT_EQ(out.problems.size(), 1u);
    EXPECT_NE(out.problems[0].message.find("larger than content.max_file_bytes (11 > 10 bytes)"),
              std::string::npos);
}

TEST(ParseArticle, UnknownExtensionIsAnError) {
    const auto out = parse("a.pdf", "whatever");
    EXPECT_FALSE(out.article);
    ASSERT_EQ(out.problems.size(), 1u);
}

TEST(Sidecar, OverridesAndAddsMetadata) {
    const auto out = parse_with_sidecar(
        "world/ferry.txt", "Ferry title 5 Apr 2021\nBody.\n",
        "title: Better title\ntags: boats, harbour\ndraft: yes\nauthor: {name: Ann}\n");
    ASSERT_TRUE(out.article);
    EXPECT_EQ(out.article->title, "Better title");
    EXPECT_EQ(out.article->tags, (std::vector<std::string>{"boats", "harbour"}));
    EXPECT_TRUE(out.article->draft);
    EXPECT_EQ(out.article->author, (Person{"Ann", ""}));
    EXPECT_EQ(iso(out.article->date), "2021-04-05T00:00:00Z");  // kept from the title line
    EXPECT_TRUE(out.problems.empty());
}

TEST(Sidecar, OverridesFrontMatter) {
    const auto out =
        parse_with_sidecar("p.md", "---\ntitle: FM\ndate: 2021-04-05\nlang: en\n---\nx\n",
                           "date: 2022-01-02T03:04:05Z\n");
    ASSERT_TRUE(out.article);
    EXPECT_EQ(out.article->title, "FM");
    EXPECT_EQ(out.article->lang, "en");
    EXPECT_EQ(iso(out.article->date), "2022-01-02T03:04:05Z");
}

TEST(Sidecar, ProblemsNameTheSidecarFile) {
    auto out = parse_with_sidecar("world/ferry.txt", "Ferry 5 Apr 2021\nBody.\n",
                                  "title: Fine\ncolour: blue\n");
    ASSERT_TRUE(out.article);
    ASSERT_EQ(out.problems.size(), 1u);
    EXPECT_EQ(to_string(out.problems[0]), "world/ferry.yaml:2: unknown key 'colour' (ignored)");

    // A broken sidecar skips the article: it might have been what marked it a draft.
    out = parse_with_sidecar("world/ferry.txt", "Ferry 5 Apr 2021\nBody.\n",
                             "title: Fine\ndraft: [\n");
    EXPECT_FALSE(out.article);
    ASSERT_EQ(out.problems.size(), 1u);
    EXPECT_EQ(out.problems[0].path, "world/ferry.yaml");
    EXPECT_EQ(out.problems[0].severity, Severity::error);
    EXPECT_GE(out.problems[0].line, 2);
}

TEST(Sidecar, YearlessDateUsesFooterReference) {
    const auto out =
        parse_with_sidecar("a.txt", "Title\nBody.\n14 Jan 2026\n", "date: 5 Apr 12:20\n");
    ASSERT_TRUE(out.article);
    EXPECT_EQ(iso(out.article->date), "2025-04-05T12:20:00Z");
}

}  // namespace
}  // namespace feedd
