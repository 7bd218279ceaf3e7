#include "content/markdown.h"

#include <gtest/gtest.h>

#include "content/test_util.h"

namespace feedd {
namespace {

using testing::find_problem;
using testing::iso;
using testing::parse;
using testing::utc;

TEST(Markdown, FrontMatterWithEveryKey) {
    const auto out = parse("posts/all.md", R"(---
title: "Every key: a test"
date: 2021-04-05T12:20:00+02:00
updated: 2021-04-06 08:00
author:
  name: Jane Doe
  email: jane@example.org
tags: [space, turkey]
categories:
  - world
  - science
summary: A hand-written summary.
draft: true
id: urn:uuid:1b4e28ba-2fa1-11d2-883f-0016d3cca427
url: https://example.org/elsewhere/
image: images/cover.jpg
lang: de
enclosure:
  url: media/episode.mp3
  length: 12345
  type: audio/mpeg
---
Body text.
)");
    ASSERT_TRUE(out.article) << (out.problems.empty() ? "" : to_string(out.problems[0]));
    const Article& a = *out.article;
    EXPECT_EQ(a.path, "posts/all.md");
    EXPECT_EQ(a.title, "Every key: a test");
    EXPECT_EQ(iso(a.date), "2021-04-05T10:20:00Z");
    ASSERT_TRUE(a.updated);
    EXPECT_EQ(iso(*a.updated), "2021-04-06T08:00:00Z");  // local time in the default UTC
    EXPECT_EQ(a.author, (Person{"Jane Doe", "jane@example.org"}));
    EXPECT_EQ(a.tags, (std::vector<std::string>{"space", "turkey"}));
    EXPECT_EQ(a.categories, (std::vector<std::string>{"world", "science"}));
    EXPECT_EQ(a.summary, "A hand-written summary.");
    EXPECT_TRUE(a.draft);
    EXPECT_EQ(a.id, "urn:uuid:1b4e28ba-2fa1-11d2-883f-0016d3cca427");
    EXPECT_EQ(a.url, "https://example.org/elsewhere/");
    EXPECT_EQ(a.image, "images/cover.jpg");
    EXPECT_EQ(a.lang, "de");
    ASSERT_TRUE(a.enclosure);
    EXPECT_EQ(*a.enclosure,
              (Enclosure{"media/episode.mp3", 12345, "audio/mpeg", "", std::nullopt}));
    EXPECT_EQ(a.content_html, "<p>Body text.</p>\n");
    EXPECT_TRUE(out.problems.empty());
}

TEST(Markdown, TagsAsCommaSeparatedStringAndAuthorAsText) {
    const auto out = parse("a.md",
                           "---\ntitle: T\ndate: 2021-04-05\ntags: space, turkey , ,space\n"
                           "categories: news\nauthor: Jane Doe <jane@example.org>\n---\nx\n");
    ASSERT_TRUE(out.article);
    EXPECT_EQ(out.article->tags, (std::vector<std::string>{"space", "turkey"}));
    EXPECT_EQ(out.article->categories, (std::vector<std::string>{"news"}));
    EXPECT_EQ(out.article->author, (Person{"Jane Doe", "jane@example.org"}));
}

TEST(Markdown, DatesWithoutOffsetUseConfiguredZone) {
    ContentConfig config;
    config.timezone = "Europe/Berlin";
    const auto out = parse("a.md", "---\ntitle: T\ndate: 2021-03-28 02:30\n---\nx\n", config);
    ASSERT_TRUE(out.article);
    EXPECT_EQ(iso(out.article->date), "2021-03-28T01:30:00Z");
}

TEST(Markdown, UnknownKeyIsAWarningWithItsLine) {
    const auto out = parse("a.md", "---\ntitle: T\ndate: 2021-04-05\nmood: happy\n---\nx\n");
    ASSERT_TRUE(out.article);
    ASSERT_EQ(out.problems.size(), 1u);
    EXPECT_EQ(to_string(out.problems[0]), "a.md:4: unknown key 'mood' (ignored)");
    EXPECT_EQ(out.problems[0].severity, Severity::warning);
}

TEST(Markdown, WrongTypeIsAnErrorAtTheKeyLine) {
    auto out = parse("a.md", "---\ntitle: T\ndate: 2021-04-05\n\ntags: {a: b}\n---\nx\n");
    EXPECT_FALSE(out.article);
    ASSERT_EQ(out.problems.size(), 1u);
    EXPECT_EQ(out.problems[0].line, 5);
    EXPECT_EQ(out.problems[0].severity, Severity::error);
    EXPECT_NE(out.problems[0].message.find("'tags' must be a list or a comma-separated string"),
              std::string::npos);

    out = parse("a.md", "---\ntitle: T\ndraft: maybe\n---\nx\n");
    EXPECT_FALSE(out.article);
    ASSERT_EQ(out.problems.size(), 1u);
    EXPECT_EQ(to_string(out.problems[0]), "a.md:3: 'draft' must be true or false, not 'maybe'");

    out = parse("a.md", "---\ntitle: [a, b]\n---\nx\n");
    EXPECT_FALSE(out.article);
    ASSERT_FALSE(out.problems.empty());
    EXPECT_EQ(to_string(out.problems[0]), "a.md:2: 'title' must be text, not a list");

    out = parse("a.md", "---\ntitle: T\nenclosure:\n  url: a.mp3\n  length: lots\n---\nx\n");
    EXPECT_FALSE(out.article);
    ASSERT_FALSE(out.problems.empty());
    EXPECT_EQ(out.problems[0].line, 5);
}

TEST(Markdown, BadDateIsAnErrorAtTheKeyLine) {
    const auto out = parse("a.md", "---\ntitle: T\ndate: 31 Feb 2021\n---\nx\n");
    EXPECT_FALSE(out.article);
    ASSERT_EQ(out.problems.size(), 1u);
    EXPECT_EQ(to_string(out.problems[0]),
              "a.md:3: 'date': invalid date '31 Feb 2021': February 2021 has no day 31");
}

TEST(Markdown, BrokenYamlReportsTheLineInTheFile) {
    // yaml-cpp sees "  bad: indent" on its line 2 (1 counted from 0); in the file it is line 3.
    auto out = parse("p/broken.md", "---\ntitle: Hello\n  bad: indent\n---\nBody\n");
    EXPECT_FALSE(out.article);
    ASSERT_EQ(out.problems.size(), 1u);
    EXPECT_EQ(out.problems[0].path, "p/broken.md");
    EXPECT_EQ(out.problems[0].line, 3);
    EXPECT_EQ(out.problems[0].severity, Severity::error);
    EXPECT_NE(out.problems[0].message.find("invalid YAML"), std::string::npos);

    // An unclosed list is noticed at the end of the YAML: reported on its last line, not on
    // the closing "---".
    out = parse("a.md", "---\ntitle: Hello\ntags: [a, b\n---\nBody\n");
    EXPECT_FALSE(out.article);
    ASSERT_EQ(out.problems.size(), 1u);
    EXPECT_EQ(out.problems[0].line, 3);

    out = parse("a.md", "---\ntitle: Hello\ndate: 2021-04-05\n\nfoo: bar: baz\n---\nBody\n");
    EXPECT_FALSE(out.article);
    ASSERT_EQ(out.problems.size(), 1u);
    EXPECT_EQ(out.problems[0].line, 5);
}

TEST(Markdown, BrokenYamlMessageSaysWhatAndWhere) {
    // libyaml's own words, the column when it points into the line, and where the unfinished
    // construct began.
    auto out = parse("a.md", "---\ntitle: Hello\n  bad: indent\n---\nBody\n");
    ASSERT_EQ(out.problems.size(), 1u);
    EXPECT_EQ(to_string(out.problems[0]),
              "a.md:3: invalid YAML: mapping values are not allowed in this context (column 6)");

    out = parse("a.md", "---\ntitle: Hello\ntags: [a, b\n---\nBody\n");
    ASSERT_EQ(out.problems.size(), 1u);
    EXPECT_EQ(to_string(out.problems[0]),
              "a.md:3: invalid YAML: did not find expected ',' or ']', while parsing a flow "
              "sequence that starts on line 3");

    out = parse("a.md", "---\ntitle: x\nsummary: *nowhere\n---\nBody\n");
    ASSERT_EQ(out.problems.size(), 1u);
    EXPECT_EQ(to_string(out.problems[0]),
              "a.md:3: invalid YAML: found undefined alias (column 10)");
}

TEST(Markdown, YamlBooleansAliasesAndNulls) {
    for (const char* yes : {"true", "True", "TRUE", "yes", "Yes", "on", "y", "'yes'"}) {
        const auto out = parse("a.md", std::string("---\ntitle: T\ndraft: ") + yes + "\n---\nx\n");
        ASSERT_TRUE(out.article) << yes;
        EXPECT_TRUE(out.article->draft) << yes;
    }
    for (const char* no : {"false", "No", "OFF", "n"}) {
        const auto out = parse("a.md", std::string("---\ntitle: T\ndraft: ") + no + "\n---\nx\n");
        ASSERT_TRUE(out.article) << no;
        EXPECT_FALSE(out.article->draft) << no;
    }
    const auto mixed = parse("a.md", "---\ntitle: T\ndraft: yEs\n---\nx\n");
    EXPECT_FALSE(mixed.article);

    // An alias reads as the anchored value; "~" and an empty value are as if absent, while a
    // quoted 'null' is the text "null".
    const auto out = parse("a.md",
                           "---\ntitle: &t Same words\nsummary: *t\ntags: [a, ~, b]\n"
                           "image: ~\nlang:\nid: 'null'\ndate: 2021-04-05\n---\nx\n");
    ASSERT_TRUE(out.article);
    EXPECT_EQ(out.article->summary, "Same words");
    EXPECT_EQ(out.article->tags, (std::vector<std::string>{"a", "b"}));
    EXPECT_EQ(out.article->image, "");
    EXPECT_EQ(out.article->lang, "");
    EXPECT_EQ(out.article->id, "null");
    EXPECT_TRUE(out.problems.empty());
}

TEST(Markdown, UnclosedFrontMatterIsAnError) {
    const auto out = parse("a.md", "---\ntitle: Hello\n\nBody without a closing line\n");
    EXPECT_FALSE(out.article);
    ASSERT_EQ(out.problems.size(), 1u);
    EXPECT_EQ(to_string(out.problems[0]),
              "a.md:1: front matter is not closed: no '---' line after the one on line 1");
}

TEST(Markdown, NonMappingFrontMatterIsAnError) {
    const auto out = parse("a.md", "---\n- a\n- b\n---\nBody\n");
    EXPECT_FALSE(out.article);
    ASSERT_EQ(out.problems.size(), 1u);
    EXPECT_EQ(out.problems[0].line, 2);
}

TEST(Markdown, EmptyFrontMatterIsFine) {
    const auto out = parse("a.md", "---\n---\n# Heading\n\nText.\n");
    ASSERT_TRUE(out.article);
    EXPECT_EQ(out.article->title, "Heading");
}

TEST(Markdown, TitleFromFirstHeadingIsDroppedFromBody) {
    const auto out = parse("a.md", "---\ndate: 2021-04-05\n---\n\n# The *real* title\n\nFirst.\n");
    ASSERT_TRUE(out.article);
    EXPECT_EQ(out.article->title, "The real title");
    EXPECT_EQ(out.article->content_html, "<p>First.</p>\n");
    EXPECT_TRUE(out.problems.empty());

    // Setext heading, no front matter at all.
    const auto setext = parse("b.md", "Big title\n=========\n\nText.\n");
    ASSERT_TRUE(setext.article);
    EXPECT_EQ(setext.article->title, "Big title");
    EXPECT_EQ(setext.article->content_html, "<p>Text.</p>\n");
}

TEST(Markdown, HeadingStaysWhenFrontMatterHasTitle) {
    const auto out =
        parse("a.md", "---\ntitle: Meta\ndate: 2021-04-05\n---\n# Body heading\n\nx\n");
    ASSERT_TRUE(out.article);
    EXPECT_EQ(out.article->title, "Meta");
    EXPECT_EQ(out.article->content_html, "<h1>Body heading</h1>\n<p>x</p>\n");
}

TEST(Markdown, LaterHeadingIsTitleButKeptInBody) {
    const auto out = parse("a.md", "---\ndate: 2021-04-05\n---\nIntro.\n\n# Later\n");
    ASSERT_TRUE(out.article);
    EXPECT_EQ(out.article->title, "Later");
    EXPECT_EQ(out.article->content_html, "<p>Intro.</p>\n<h1>Later</h1>\n");
}

TEST(Markdown, NoTitleAnywhereUsesFileNameWithWarning) {
    const auto out = parse("notes/quick-note.md", "---\ndate: 2021-04-05\n---\n## Only h2\n\nx\n");
    ASSERT_TRUE(out.article);
    EXPECT_EQ(out.article->title, "quick-note");
    const Problem* p = find_problem(out.problems, "no title");
    ASSERT_NE(p, nullptr);
    EXPECT_EQ(to_string(*p), "notes/quick-note.md: no title; using the file name");
    EXPECT_EQ(p->severity, Severity::warning);
}

TEST(Markdown, NoDateUsesMtimeWithWarning) {
    const auto out = parse("a.md", "# T\n\nx\n", {}, utc(2024, 7, 1, 9, 30));
    ASSERT_TRUE(out.article);
    EXPECT_EQ(iso(out.article->date), "2024-07-01T09:30:00Z");
    ASSERT_EQ(out.problems.size(), 1u);
    EXPECT_EQ(to_string(out.problems[0]), "a.md: no date; using the file's modification time");
    EXPECT_EQ(out.problems[0].severity, Severity::warning);
}

TEST(Markdown, SummarySkipsParagraphsWithoutProse) {
    const auto out = parse("a.md",
                           "---\ntitle: T\ndate: 2021-04-05\n---\n"
                           "![alt text](pic.png)\n\nFirst words.\n\nSecond.\n");
    ASSERT_TRUE(out.article);
    EXPECT_EQ(out.article->summary, "First words.");
}

TEST(Markdown, SummaryFromFrontMatterWins) {
    const auto out = parse("a.md", "---\ntitle: T\ndate: 2021-04-05\nsummary: Mine.\n---\nBody.\n");
    ASSERT_TRUE(out.article);
    EXPECT_EQ(out.article->summary, "Mine.");
}

TEST(Markdown, SummaryStripsMarkupAndDecodesEntities) {
    const auto out = parse("a.md",
                           "---\ntitle: T\ndate: 2021-04-05\n---\n"
                           "Some *emphasis*, `code` &amp; a [link](https://example.org)\n"
                           "on two lines with <b>inline html</b> &#x263A;.\n\nSecond.\n");
    ASSERT_TRUE(out.article);
    EXPECT_EQ(out.article->summary,
              "Some emphasis, code & a link on two lines with inline html \xE2\x98\xBA.");
}

TEST(Markdown, LongSummaryIsCutAtAWordBoundary) {
    std::string para;
    for (int i = 0; i < 100; ++i) para += "word" + std::to_string(i) + " ";
    const auto out = parse("a.md", "---\ntitle: T\ndate: 2021-04-05\n---\n" + para + "\n");
    ASSERT_TRUE(out.article);
    const std::string& s = out.article->summary;
    ASSERT_TRUE(s.ends_with("\xE2\x80\xA6"));
    const std::string head = s.substr(0, s.size() - 3);
    EXPECT_LE(head.size(), 300u);
    EXPECT_GT(head.size(), 250u);
    EXPECT_TRUE(para.starts_with(head + " "));  // ends exactly at a word end
}

// The first paragraph is looked for in the head of a long body first; these are the cases where
// the head alone would be wrong.
std::string filler_lines(int count) {
    std::string out;
    for (int i = 0; i < count; ++i) out += "line " + std::to_string(i) + " of filler text\n";
    return out;
}

TEST(Markdown, SummaryAfterAFenceThatOutlastsTheHead) {
    const std::string body = "```\n" + filler_lines(40) + "\n" + filler_lines(40) + "\n" +
                             filler_lines(40) + "```\n\nThe prose.\n";
    const auto out = parse("a.md", "---\ntitle: T\ndate: 2021-04-05\n---\n" + body);
    ASSERT_TRUE(out.article);
    EXPECT_EQ(out.article->summary, "The prose.");
}

TEST(Markdown, SummaryUsesReferenceLinksDefinedAtTheEnd) {
    const std::string body =
        "See [the report][r] today.\n\n" + filler_lines(80) + "\n[r]: https://example.org/r\n";
    const auto out = parse("a.md", "---\ntitle: T\ndate: 2021-04-05\n---\n" + body);
    ASSERT_TRUE(out.article);
    EXPECT_EQ(out.article->summary, "See the report today.");
}

TEST(Markdown, TitleFromAHeadingFarDownALongBody) {
    const std::string body = "Intro.\n\n" + filler_lines(80) + "\n# Late heading\n\nMore.\n";
    const auto out = parse("a.md", "---\ndate: 2021-04-05\n---\n" + body);
    ASSERT_TRUE(out.article);
    EXPECT_EQ(out.article->title, "Late heading");
    EXPECT_EQ(out.article->summary, "Intro.");
}

TEST(Markdown, RendersCommonMarkWithExtensions) {
    const std::string html = markdown_to_html(
        "| a | b |\n|---|---|\n| 1 | 2 |\n\n~~gone~~ and https://example.org/x\n\n"
        "<div class=\"raw\">raw *html*</div>\n\n[rel](../other/) ![img](img/a.png)\n");
    EXPECT_NE(html.find("<table>"), std::string::npos);
    EXPECT_NE(html.find("<td>1</td>"), std::string::npos);
    EXPECT_NE(html.find("<del>gone</del>"), std::string::npos);
    EXPECT_NE(html.find("<a href=\"https://example.org/x\">https://example.org/x</a>"),
              std::string::npos);
    EXPECT_NE(html.find("<div class=\"raw\">raw *html*</div>"), std::string::npos);
    EXPECT_NE(html.find("<a href=\"../other/\">rel</a>"), std::string::npos);
    EXPECT_NE(html.find("<img src=\"img/a.png\" alt=\"img\" />"), std::string::npos);
}

TEST(Markdown, CharacterReferencesToCharactersXmlForbidsAreDropped) {
    // Found by markdown_fuzz (tests/fuzz/findings/xml-char-ref): md4c decodes "&#12;" to U+000C.
    const auto out =
        parse("a.md", "---\ntitle: T\ndate: 2021-04-05\n---\nform&#12;feed &#x1b;escape &#9;tab\n");
    ASSERT_TRUE(out.article.has_value());
    const auto& html = out.article->content_html;
    EXPECT_EQ(html.find('\x0c'), std::string::npos) << html;
    EXPECT_EQ(html.find('\x1b'), std::string::npos) << html;
    EXPECT_NE(html.find("formfeed"), std::string::npos) << html;
    EXPECT_NE(html.find('\t'), std::string::npos) << "TAB is allowed in XML and stays";
}

}  // namespace
}  // namespace feedd
