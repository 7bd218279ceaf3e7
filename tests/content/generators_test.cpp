// Content directories written for a static site generator (Hugo, Jekyll, Zola, Pelican,
// Eleventy): every front matter format, the keys each uses, and dates taken from file names.
// The fixtures are written here in each generator's format (issue 13).
#include <gtest/gtest.h>

#include <algorithm>

#include "content/article.h"
#include "content/digest.h"
#include "content/metadata.h"
#include "content/test_util.h"

namespace feedd {
namespace {

using testing::find_problem;
using testing::iso;
using testing::parse;
using testing::utc;

const Problem* first_error(const ParseOutcome& out) {
    for (const auto& p : out.problems) {
        if (p.severity == Severity::error) return &p;
    }
    return nullptr;
}

std::string problem_lines(const ParseOutcome& out) {
    std::string s;
    for (const auto& p : out.problems) s += to_string(p) + "\n";
    return s;
}

TEST(HugoFrontMatter, YamlWithPublishDateLastmodDraftAndExpiryDate) {
    const auto out = parse("posts/ferries.md",
                           "---\n"
                           "title: \"Harbour ferries go electric\"\n"
                           "date: 2021-03-01\n"
                           "publishDate: 2021-04-05T12:20:00+01:00\n"
                           "lastmod: 2021-05-01T08:00:00Z\n"
                           "expiryDate: 2030-01-01\n"
                           "draft: false\n"
                           "slug: electric-ferries\n"
                           "description: The last diesel ferry retires.\n"
                           "images: [/img/ferry.jpg, /img/other.jpg]\n"
                           "---\n"
                           "The harbour is quiet now.\n");
    ASSERT_TRUE(out.article) << problem_lines(out);
    const Article& a = *out.article;
    EXPECT_TRUE(out.problems.empty()) << problem_lines(out);
    // As Hugo 0.111: the feeds show `date`, and publishDate holds the article back until then.
    EXPECT_EQ(iso(a.date), "2021-03-01T00:00:00Z");
    ASSERT_TRUE(a.publish_at);
    EXPECT_EQ(iso(*a.publish_at), "2021-04-05T11:20:00Z");
    EXPECT_EQ(a.date_source, DateSource::metadata);
    ASSERT_TRUE(a.updated);
    EXPECT_EQ(iso(*a.updated), "2021-05-01T08:00:00Z");
    ASSERT_TRUE(a.expires);
    EXPECT_EQ(iso(*a.expires), "2030-01-01T00:00:00Z");
    EXPECT_FALSE(a.draft);
    EXPECT_EQ(a.slug, "electric-ferries");
    EXPECT_EQ(a.summary, "The last diesel ferry retires.");
    EXPECT_EQ(a.image, "/img/ferry.jpg");
}

// Checked with hugo 0.111.3: its RSS shows .Date (`date`) and leaves a page out until its
// publishDate (or pubdate); a publishDate alone is the date too.
TEST(HugoFrontMatter, PublishDateHoldsBackButDateIsShown) {
    const auto read = [](const std::string& front_matter) {
        auto out = parse("posts/a.md", "---\ntitle: T\n" + front_matter + "---\nBody\n");
        EXPECT_TRUE(out.article) << problem_lines(out);
        Article a;
        if (out.article) a = *out.article;
        return a;
    };
    const Article both = read("date: 2021-01-01T10:00:00Z\npublishDate: 2021-02-01T10:00:00Z\n");
    EXPECT_EQ(iso(both.date), "2021-01-01T10:00:00Z");
    EXPECT_EQ(both.publish_at, utc(2021, 2, 1, 10));  // tests/feed/feed_test.cpp: held back

    const Article future_date = read("date: 2099-01-01\npublishDate: 2021-03-01\n");
    EXPECT_EQ(iso(future_date.date), "2099-01-01T00:00:00Z");
    EXPECT_EQ(future_date.publish_at, utc(2021, 3, 1));

    const Article alone = read("publishDate: 2021-04-01T10:00:00Z\n");
    EXPECT_EQ(iso(alone.date), "2021-04-01T10:00:00Z");
    EXPECT_FALSE(alone.publish_at);

    const Article pubdate = read("date: 2021-01-05T10:00:00Z\npubdate: 2021-05-01T10:00:00Z\n");
    EXPECT_EQ(iso(pubdate.date), "2021-01-05T10:00:00Z");
    EXPECT_EQ(pubdate.publish_at, utc(2021, 5, 1, 10));
}

TEST(HugoFrontMatter, YamlDraftIsNeverPublished) {
    const auto out =
        parse("posts/wip.md", "---\ntitle: Not yet\ndate: 2021-04-05\ndraft: true\n---\nx\n");
    ASSERT_TRUE(out.article);
    EXPECT_TRUE(out.article->draft);
}

TEST(HugoFrontMatter, AnUnreadableLastmodIsLeftOutNotTheArticle) {
    // Hugo publishes such a page with its date; so does feedd, with a warning naming the line.
    const auto out = parse("posts/late.md",
                           "---\ntitle: Late edit\ndate: 2021-12-11T23:30:00Z\n"
                           "lastmod: the day after\n---\nBody.\n");
    ASSERT_TRUE(out.article) << problem_lines(out);
    EXPECT_EQ(iso(out.article->date), "2021-12-11T23:30:00Z");
    EXPECT_FALSE(out.article->updated);
    EXPECT_EQ(first_error(out), nullptr) << problem_lines(out);
    const Problem* warned = find_problem(out.problems, "'lastmod'");
    ASSERT_NE(warned, nullptr) << problem_lines(out);
    EXPECT_EQ(warned->line, 4);
    EXPECT_EQ(warned->severity, Severity::warning);
}

TEST(HugoFrontMatter, Toml) {
    ContentConfig config;
    config.timezone = "Europe/Berlin";
    const auto out = parse("posts/toml.md",
                           "+++\n"
                           "title = \"Ferries in TOML\"\n"
                           "date = 2021-04-05T12:20:00\n"  // local: content.timezone
                           "lastmod = 2021-05-01T08:00:00Z\n"
                           "expiryDate = 2030-01-01\n"
                           "draft = true\n"
                           "tags = [\"boats\", \"city\"]\n"
                           "author = \"Jane Doe <jane@example.org>\"\n"
                           "[params]\n"
                           "  mood = \"calm\"\n"
                           "+++\n"
                           "Body in **Markdown**.\n",
                           config);
    ASSERT_TRUE(out.article) << problem_lines(out);
    const Article& a = *out.article;
    EXPECT_EQ(a.title, "Ferries in TOML");
    EXPECT_EQ(iso(a.date), "2021-04-05T10:20:00Z");
    EXPECT_EQ(iso(*a.updated), "2021-05-01T08:00:00Z");
    EXPECT_EQ(iso(*a.expires), "2029-12-31T23:00:00Z");  // a TOML date: midnight in the zone
    EXPECT_TRUE(a.draft);
    EXPECT_EQ(a.tags, (std::vector<std::string>{"boats", "city"}));
    EXPECT_EQ(a.author.name, "Jane Doe");
    EXPECT_EQ(a.author.email, "jane@example.org");
    EXPECT_EQ(a.content_html, "<p>Body in <strong>Markdown</strong>.</p>\n");
    ASSERT_EQ(out.problems.size(), 1u) << problem_lines(out);
    EXPECT_EQ(to_string(out.problems[0]), "posts/toml.md:9: unknown key 'params' (ignored)");
}

TEST(HugoFrontMatter, Json) {
    const auto out = parse("posts/json.md",
                           "{\n"
                           "  \"title\": \"Ferries in JSON\",\n"
                           "  \"publishDate\": \"2021-04-05T12:20:00Z\",\n"
                           "  \"lastmod\": \"2021-05-01\",\n"
                           "  \"draft\": false,\n"
                           "  \"expiryDate\": \"2030-01-01\",\n"
                           "  \"categories\": [\"transport\"],\n"
                           "  \"weight\": 10\n"
                           "}\n"
                           "Body with {braces}.\n");
    ASSERT_TRUE(out.article) << problem_lines(out);
    const Article& a = *out.article;
    EXPECT_EQ(a.title, "Ferries in JSON");
    EXPECT_EQ(iso(a.date), "2021-04-05T12:20:00Z");
    EXPECT_EQ(iso(*a.updated), "2021-05-01T00:00:00Z");
    EXPECT_EQ(iso(*a.expires), "2030-01-01T00:00:00Z");
    EXPECT_FALSE(a.draft);
    EXPECT_EQ(a.categories, std::vector<std::string>{"transport"});
    EXPECT_EQ(a.content_html, "<p>Body with {braces}.</p>\n");
    ASSERT_EQ(out.problems.size(), 1u) << problem_lines(out);
    EXPECT_EQ(to_string(out.problems[0]), "posts/json.md:8: unknown key 'weight' (ignored)");
}

TEST(HugoFrontMatter, ABodyStartingWithATemplateIsNotJson) {
    const auto out = parse("posts/shortcode.md", "{{< figure src=\"a.jpg\" >}}\n\nText.\n");
    ASSERT_TRUE(out.article) << problem_lines(out);
    EXPECT_EQ(first_error(out), nullptr);
}

std::string utf8(char32_t c) {
    std::string out;
    if (c < 0x80) {
        out += static_cast<char>(c);
    } else if (c < 0x800) {
        out += static_cast<char>(0xC0 | (c >> 6));
        out += static_cast<char>(0x80 | (c & 0x3F));
    } else {
        out += static_cast<char>(0xE0 | (c >> 12));
        out += static_cast<char>(0x80 | ((c >> 6) & 0x3F));
        out += static_cast<char>(0x80 | (c & 0x3F));
    }
    return out;
}

// toml++ 3.3.0 has undefined behaviour for some code points where it checks for whitespace
// (metadata_formats.cpp): feedd hands it those code points escaped or replaced, and the values are
// what the file says.
TEST(HugoFrontMatter, TomlKeepsEveryCharacterOfItsStrings) {
    const auto out = parse("posts/yolka.md",
                           "+++\n"
                           "title = \"Ёлка – ñandú 〜 ﻿x\"  # a comment with Ё and ñ\n"
                           "summary = \"\"\"one \\\n    Ёлка\"\"\"\n"
                           "slug = \"ñandú\"\n"
                           "date = 2021-04-05\n"
                           "+++\nBody.\n");
    ASSERT_TRUE(out.article) << problem_lines(out);
    EXPECT_EQ(out.article->title, "Ёлка – ñandú 〜 ﻿x");
    EXPECT_EQ(out.article->summary, "one Ёлка");
    EXPECT_EQ(out.article->slug, "ñandú");
}

// Every code point of the Basic Multilingual Plane where toml++ asks whether it is whitespace: out
// of strings, and after a backslash in a multi-line string. Each is an error with a line (no
// undefined behaviour: the sanitizer run of the suite would stop here).
TEST(FrontMatterErrors, TomlNeverReachesTheLibrarysUndefinedBehaviour) {
    std::vector<Problem> problems;
    const MetadataSource source{"posts/x.md", 2, "UTC", utc(2026, 1, 14)};
    for (char32_t c = 0x80; c <= 0xFFFF; ++c) {
        if (c >= 0xD800 && c <= 0xDFFF) continue;
        const std::string ch = utf8(c);
        for (const std::string& toml :
             {ch + " = 1\n", "title = " + ch + "\n", "t = 1'" + ch + "\n", "t = 'a" + ch + "'\n",
              "# " + ch + "\nt = 1\n", "title = \"\"\"a \\" + ch + "\"\"\"\n",
              "title = \"\"\"a \\\n " + ch + "\"\"\"\n"}) {
            problems.clear();
            parse_toml_metadata(toml, source, problems);
        }
    }
    // In a literal string such a character cannot be escaped: a clear error, with its line.
    problems.clear();
    EXPECT_FALSE(parse_toml_metadata("title = 'x'\nslug = 'ñandú'\n", source, problems));
    ASSERT_EQ(problems.size(), 1u);
    EXPECT_EQ(problems[0].line, 3);
    EXPECT_NE(problems[0].message.find("double quotes"), std::string::npos);
    // And such a character where TOML allows none is reported, not dropped silently.
    problems.clear();
    EXPECT_FALSE(parse_toml_metadata("Ё = 1\n", source, problems));
    ASSERT_EQ(problems.size(), 1u);
    EXPECT_EQ(problems[0].line, 2);
    EXPECT_EQ(problems[0].severity, Severity::error);
}

TEST(FrontMatterErrors, BrokenTomlNamesTheFileLine) {
    const auto out = parse("posts/bad.md",
                           "+++\n"
                           "title = \"x\"\n"
                           "date = 2021-04-05\n"
                           "draft = tru\n"
                           "+++\n"
                           "Body.\n");
    EXPECT_FALSE(out.article);
    const Problem* e = first_error(out);
    ASSERT_NE(e, nullptr);
    EXPECT_EQ(e->path, "posts/bad.md");
    EXPECT_EQ(e->line, 4) << e->message;
    EXPECT_NE(e->message.find("invalid TOML"), std::string::npos) << e->message;
}

TEST(FrontMatterErrors, BrokenJsonNamesTheFileLine) {
    const auto out = parse("posts/bad.md",
                           "{\n"
                           "  \"title\": \"x\",\n"
                           "  \"date\": \"2021-04-05\",\n"
                           "  \"draft\": tru\n"
                           "}\n"
                           "Body.\n");
    EXPECT_FALSE(out.article);
    const Problem* e = first_error(out);
    ASSERT_NE(e, nullptr);
    EXPECT_EQ(e->line, 4) << e->message;
    EXPECT_NE(e->message.find("invalid JSON"), std::string::npos) << e->message;
}

// Found by the front_matter fuzz target: nlohmann-json throws out_of_range (not parse_error) for
// a number beyond a double, which must be a problem with the file, not an exception.
TEST(FrontMatterErrors, AJsonNumberTooLargeForADoubleIsAProblem) {
    const auto out = parse("posts/huge.md", "{\n  \"title\": 5209253e3333333333333\n}\nBody.\n");
    EXPECT_FALSE(out.article);
    const Problem* e = first_error(out);
    ASSERT_NE(e, nullptr);
    EXPECT_EQ(e->path, "posts/huge.md");
    EXPECT_EQ(e->line, 1) << e->message;
    EXPECT_NE(e->message.find("invalid JSON: number overflow"), std::string::npos) << e->message;
}

TEST(FrontMatterErrors, WrongTypesAndUnclosedFencesGiveTheLine) {
    auto out = parse("a.md", "+++\ntitle = \"x\"\n\ndate = [1, 2]\n+++\n");
    ASSERT_NE(first_error(out), nullptr);
    EXPECT_EQ(to_string(*first_error(out)), "a.md:4: 'date' must be text, not a list");
    out = parse("a.md", "+++\ntitle = \"x\"\n");
    ASSERT_NE(first_error(out), nullptr);
    EXPECT_EQ(to_string(*first_error(out)),
              "a.md:1: front matter is not closed: no '+++' line after the one on line 1");
    out = parse("a.md", "{\n  \"title\": \"x\"\n\nBody\n");
    ASSERT_NE(first_error(out), nullptr);
    EXPECT_EQ(first_error(out)->line, 1);
    out = parse("a.md", "{\n  \"title\": \"x\",\n  \"draft\": \"maybe\"\n}\n");
    ASSERT_NE(first_error(out), nullptr);
    EXPECT_EQ(to_string(*first_error(out)), "a.md:3: 'draft' must be true or false, not 'maybe'");
}

TEST(ZolaFrontMatter, TaxonomiesAndAuthors) {
    const auto out = parse("blog/zola.md",
                           "+++\n"
                           "title = \"A Zola post\"\n"
                           "date = 2019-01-02\n"
                           "updated = 2019-02-03\n"
                           "description = \"What Zola writes.\"\n"
                           "authors = [\"Ann Author\", \"Bob Second\"]\n"
                           "[taxonomies]\n"
                           "tags = [\"rust\", \"web\"]\n"
                           "categories = [\"programming\"]\n"
                           "series = [\"intro\"]\n"
                           "[extra]\n"
                           "toc = true\n"
                           "+++\n"
                           "Text.\n");
    ASSERT_TRUE(out.article) << problem_lines(out);
    const Article& a = *out.article;
    EXPECT_EQ(iso(a.date), "2019-01-02T00:00:00Z");
    EXPECT_EQ(iso(*a.updated), "2019-02-03T00:00:00Z");
    EXPECT_EQ(a.summary, "What Zola writes.");
    EXPECT_EQ(a.author.name, "Ann Author");  // the first of the authors
    EXPECT_EQ(a.co_authors, (std::vector<Person>{{"Bob Second", ""}}));
    EXPECT_EQ(a.tags, (std::vector<std::string>{"rust", "web"}));
    EXPECT_EQ(a.categories, std::vector<std::string>{"programming"});
    ASSERT_EQ(out.problems.size(), 2u) << problem_lines(out);
    EXPECT_EQ(to_string(out.problems[0]),
              "blog/zola.md:10: unknown key 'taxonomies.series' (ignored)");
    EXPECT_EQ(to_string(out.problems[1]), "blog/zola.md:11: unknown key 'extra' (ignored)");
}

TEST(JekyllPosts, DateFromTheFileNameWhenTheFrontMatterHasNone) {
    const auto out = parse("_posts/2014-05-06-some-title.markdown",
                           "---\nlayout: post\ntitle: Some title\ncategories: release notes\n"
                           "tags: a, b\n---\nText.\n");
    ASSERT_TRUE(out.article) << problem_lines(out);
    const Article& a = *out.article;
    EXPECT_EQ(iso(a.date), "2014-05-06T00:00:00Z");
    EXPECT_EQ(a.date_source, DateSource::file_name);
    // Jekyll splits a string of categories on spaces; with commas, the commas split.
    EXPECT_EQ(a.categories, (std::vector<std::string>{"release", "notes"}));
    EXPECT_EQ(a.tags, (std::vector<std::string>{"a", "b"}));
    EXPECT_EQ(find_problem(out.problems, "no date"), nullptr);
    EXPECT_NE(find_problem(out.problems, "unknown key 'layout'"), nullptr);
}

TEST(JekyllPosts, FrontMatterDateWinsAndPublishedFalseIsADraft) {
    auto out = parse("_posts/2014-05-06-some-title.markdown",
                     "---\ntitle: Some title\ndate: 2014-05-07 10:00:00 +0200\n"
                     "published: false\n---\nText.\n");
    ASSERT_TRUE(out.article) << problem_lines(out);
    EXPECT_EQ(iso(out.article->date), "2014-05-07T08:00:00Z");
    EXPECT_EQ(out.article->date_source, DateSource::metadata);
    EXPECT_TRUE(out.article->draft);

    out = parse("_posts/2014-05-06-some-title.markdown",
                "---\ntitle: Some title\npublished: true\n---\nText.\n");
    ASSERT_TRUE(out.article);
    EXPECT_FALSE(out.article->draft);
}

TEST(JekyllPosts, SpacesSplitCategoriesOnlyInJekyllPosts) {
    const auto out = parse("notes/page.md",
                           "---\ntitle: A page\ndate: 2021-01-01\ncategories: release notes\n---\n"
                           "x\n");
    ASSERT_TRUE(out.article);
    EXPECT_EQ(out.article->categories, std::vector<std::string>{"release notes"});
}

TEST(JekyllPosts, TitleFromTheFileNameLeavesTheDateOut) {
    const auto out = parse("_posts/2014-05-06-jekyll-turns-2-0-0.markdown", "Just text.\n");
    ASSERT_TRUE(out.article);
    EXPECT_EQ(out.article->title, "jekyll-turns-2-0-0");
    EXPECT_EQ(out.article->date_source, DateSource::file_name);
}

TEST(PelicanMetadata, KeyBlockAtTheTop) {
    const auto out = parse("content/my-super-post.md",
                           "Title: My super title\n"
                           "Date: 2013-06-07 18:46\n"
                           "Modified: 2013-06-08 09:00\n"
                           "Category: Python\n"
                           "Tags: pelican, publishing\n"
                           "Slug: my-super-post\n"
                           "Authors: Alexis Metaireau, Conan Doyle\n"
                           "Summary: Short version for index and feeds,\n"
                           "    continued on a second line.\n"
                           "\n"
                           "This is the content of my super blog post.\n");
    ASSERT_TRUE(out.article) << problem_lines(out);
    const Article& a = *out.article;
    EXPECT_TRUE(out.problems.empty()) << problem_lines(out);
    EXPECT_EQ(a.title, "My super title");
    EXPECT_EQ(iso(a.date), "2013-06-07T18:46:00Z");
    EXPECT_EQ(iso(*a.updated), "2013-06-08T09:00:00Z");
    EXPECT_EQ(a.categories, std::vector<std::string>{"Python"});
    EXPECT_EQ(a.tags, (std::vector<std::string>{"pelican", "publishing"}));
    EXPECT_EQ(a.slug, "my-super-post");
    EXPECT_EQ(a.author.name, "Alexis Metaireau");
    EXPECT_EQ(a.co_authors, (std::vector<Person>{{"Conan Doyle", ""}}));
    EXPECT_EQ(a.summary, "Short version for index and feeds, continued on a second line.");
    EXPECT_FALSE(a.draft);
    EXPECT_EQ(a.content_html, "<p>This is the content of my super blog post.</p>\n");
}

TEST(PelicanMetadata, StatusDraftAndHiddenAreNeverPublishedKeysInAnyCase) {
    for (const char* status : {"draft", "Hidden"}) {
        const auto out = parse("a.md", std::string("title: Lower case keys\nDATE: 2013-06-07\n"
                                                   "status: ") +
                                           status + "\n\nText.\n");
        ASSERT_TRUE(out.article) << problem_lines(out);
        EXPECT_EQ(out.article->title, "Lower case keys");
        EXPECT_TRUE(out.article->draft) << status;
    }
    const auto out = parse("a.md", "Title: Out\nDate: 2013-06-07\nStatus: published\n\nText.\n");
    ASSERT_TRUE(out.article);
    EXPECT_FALSE(out.article->draft);
}

// An ordinary article whose first line has a colon is prose, not a key block: the first key must
// be one feedd knows, every line up to the blank line a "Key: value" line, and the block must name
// a title or a date.
TEST(PelicanMetadata, ProseStartingWithAColonIsNotMetadata) {
    const char* prose[] = {
        "Note: the ferry timetable changed.\n\nMore text.\n",    // not a known key
        "Title: the word\nand then a sentence that goes on.\n",  // a line that is no key
        "Summary: we did it.\n\nThe rest of the story.\n",       // names no title or date
        "Update:we moved\n\nText.\n",                            // no space after the colon
        "Date:\n\nText.\n",                                      // no value
        "http://example.org: a link first\n\nText.\n",
    };
    for (const char* text : prose) {
        const auto out = parse("notes/colon.md", text);
        ASSERT_TRUE(out.article) << text;
        EXPECT_EQ(out.article->title, "colon") << text;
        EXPECT_EQ(out.article->date_source, DateSource::mtime) << text;
        EXPECT_NE(out.article->content_html.find(std::string(text).substr(0, 4)), std::string::npos)
            << text << out.article->content_html;
    }
}

TEST(PelicanMetadata, OnlyInMarkdown) {
    const auto out = parse("news/a.txt", "Title: Scraped 5 Apr 2021\nText line.\n");
    ASSERT_TRUE(out.article);
    EXPECT_TRUE(out.article->title.starts_with("Title:")) << out.article->title;
}

TEST(SiteKeys, ContentKeysMapTheSitesOwnNames) {
    ContentConfig config;
    config.keys = {{"author", {"by"}}, {"url", {"path", "Link"}}, {"summary", {"teaser"}}};
    auto out = parse("a.md",
                     "---\ntitle: x\ndate: 2021-01-01\nby: Jane Doe\npath: /x/\n"
                     "summary: generic\nteaser: the site's own\n---\nBody\n",
                     config);
    ASSERT_TRUE(out.article) << problem_lines(out);
    EXPECT_TRUE(out.problems.empty()) << problem_lines(out);
    EXPECT_EQ(out.article->author.name, "Jane Doe");
    EXPECT_EQ(out.article->url, "/x/");
    EXPECT_EQ(out.article->summary, "the site's own");  // the site's name outranks the generators'

    out = parse("a.md", "Title: Pelican\nDate: 2021-01-01\nlink: /p/\n\nBody\n", config);
    ASSERT_TRUE(out.article);
    EXPECT_EQ(out.article->url, "/p/");

    out = parse("a.md", "---\ntitle: x\ndate: 2021-01-01\nby: Jane Doe\n---\nBody\n");
    ASSERT_TRUE(out.article);
    EXPECT_NE(find_problem(out.problems, "unknown key 'by'"), nullptr);  // without content.keys
}

TEST(SiteKeys, UnknownKeysWarnOncePerKeyAndFile) {
    const auto out = parse("a.md",
                           "+++\ntitle = \"x\"\ndate = 2021-01-01\n"
                           "[[resources]]\nname = \"a\"\n[[resources]]\nname = \"b\"\n"
                           "[taxonomies]\nseries = [\"s\"]\n+++\nBody\n");
    ASSERT_TRUE(out.article) << problem_lines(out);
    EXPECT_EQ(testing::count(problem_lines(out), "'resources'"), 1) << problem_lines(out);
}

// feedd check and the build log show an unknown key once per build (collapse_repeated), counting
// the files that have it, however many times and in whichever front matter format.
TEST(SiteKeys, UnknownKeysAreOneLinePerBuild) {
    std::vector<Problem> all;
    const auto read = [&](std::string path, std::string text) {
        auto out = parse(path, text);
        EXPECT_TRUE(out.article) << path;
        all.insert(all.end(), out.problems.begin(), out.problems.end());
    };
    read("a.md", "---\ntitle: A\ndate: 2021-01-01\nweight: 1\nlayout: post\n---\nBody\n");
    read("b.md", "+++\ntitle = \"B\"\ndate = 2021-01-02\nweight = 2\n+++\nBody\n");
    read("c.md", "---\ntitle: C\ndate: 2021-01-03\nweight: 3\nauthor: {name: C, url: x}\n---\nx\n");
    read("d.md", "---\ntitle: D\n---\nBody\n");  // no date: a warning of its own kind
    std::sort(all.begin(), all.end(),
              [](const Problem& x, const Problem& y) { return x.path < y.path; });
    const auto lines = collapse_repeated(all);
    std::vector<std::string> text;
    for (const auto& p : lines) text.push_back(to_string(p));
    EXPECT_EQ(text, (std::vector<std::string>{
                        "a.md:4: unknown key 'weight' (ignored); 3 files have it",
                        "a.md:5: unknown key 'layout' (ignored)",
                        "c.md:5: unknown key 'author.url' (ignored)",
                        "d.md: no date; using the file's modification time",
                    }));
}

TEST(Sidecars, GeneratorKeysWorkInSidecars) {
    SourceFile source;
    source.path = "a.md";
    source.bytes = "+++\ntitle = \"From TOML\"\n+++\nBody\n";
    source.sidecar = "publishDate: 2021-04-05\nstatus: draft\nslug: side\n";
    source.mtime = utc(2026, 2, 1);
    const auto out = parse_article(source, {});
    ASSERT_TRUE(out.article) << problem_lines(out);
    EXPECT_EQ(out.article->title, "From TOML");
    EXPECT_EQ(iso(out.article->date), "2021-04-05T00:00:00Z");
    EXPECT_TRUE(out.article->draft);
    EXPECT_EQ(out.article->slug, "side");
}

TEST(DatesFromNames, PrecedenceAndForms) {
    struct Case {
        const char* path;
        const char* text;
        const char* date;
        DateSource source;
    };
    const Case cases[] = {
        {"2014-05-06-slug.md", "x\n", "2014-05-06T00:00:00Z", DateSource::file_name},
        {"2014-05-06_slug.md", "x\n", "2014-05-06T00:00:00Z", DateSource::file_name},
        {"2014-05-06.md", "x\n", "2014-05-06T00:00:00Z", DateSource::file_name},
        {"posts/2014-05-06-slug/index.md", "x\n", "2014-05-06T00:00:00Z", DateSource::file_name},
        {"blog/2014/05/06/slug.md", "x\n", "2014-05-06T00:00:00Z", DateSource::path},
        {"notes/slug.md", "---\nurl: /2015/01/02/slug/\n---\nx\n", "2015-01-02T00:00:00Z",
         DateSource::url},
        // the file name before the path, the path before the url, the metadata before all
        {"2014/05/06/2013-01-01-x.md", "x\n", "2013-01-01T00:00:00Z", DateSource::file_name},
        {"2014/05/06/x.md", "---\nurl: /2015/01/02/x/\n---\nx\n", "2014-05-06T00:00:00Z",
         DateSource::path},
        {"2014-05-06-x.md", "---\ndate: 2020-02-02\n---\nx\n", "2020-02-02T00:00:00Z",
         DateSource::metadata},
        // not dates
        {"2014-13-45-x.md", "x\n", "2026-02-01T08:00:00Z", DateSource::mtime},
        {"20140506-x.md", "x\n", "2026-02-01T08:00:00Z", DateSource::mtime},
        {"2014-05-06x.md", "x\n", "2026-02-01T08:00:00Z", DateSource::mtime},
        {"a/2014/5/6/x.md", "x\n", "2026-02-01T08:00:00Z", DateSource::mtime},
    };
    for (const auto& c : cases) {
        const auto out = parse(c.path, c.text);
        ASSERT_TRUE(out.article) << c.path << problem_lines(out);
        EXPECT_EQ(iso(out.article->date), c.date) << c.path;
        EXPECT_EQ(out.article->date_source, c.source) << c.path;
        EXPECT_EQ(find_problem(out.problems, "no date") != nullptr, c.source == DateSource::mtime)
            << c.path;
    }
}

TEST(DatesFromNames, TakeContentTimezone) {
    ContentConfig config;
    config.timezone = "Europe/Berlin";
    const auto out = parse("2014-05-06-slug.md", "x\n", config);
    ASSERT_TRUE(out.article);
    EXPECT_EQ(iso(out.article->date), "2014-05-05T22:00:00Z");
}

TEST(ArticleDigest, CoversSlugExpiresAndDateSource) {
    Article a;
    a.path = "a.md";
    const auto base = article_digest(a);
    Article b = a;
    b.slug = "s";
    EXPECT_NE(article_digest(b), base);
    b = a;
    b.expires = utc(2030, 1, 1);
    EXPECT_NE(article_digest(b), base);
    b = a;
    b.date_source = DateSource::file_name;
    EXPECT_NE(article_digest(b), base);
    b = a;
    b.co_authors = {{"Bob", ""}};
    EXPECT_NE(article_digest(b), base);
}

// authors: the first is the article's author (RSS, author feeds), every one goes to Atom and JSON
// Feed (tests/feed/validation_test.cpp reads them back).
TEST(Authors, EveryFormOfTheList) {
    struct Case {
        const char* what;
        const char* front_matter;
        std::vector<Person> all;
    };
    const Case cases[] = {
        {"YAML list of names and mappings",
         "authors:\n  - Ann Author <ann@example.org>\n  - {name: Bob Second, email: "
         "bob@example.org}\n"
         "  - Cy Third\n",
         {{"Ann Author", "ann@example.org"}, {"Bob Second", "bob@example.org"}, {"Cy Third", ""}}},
        {"comma-separated string",
         "authors: Ann Author, Bob Second\n",
         {{"Ann Author", ""}, {"Bob Second", ""}}},
        {"one mapping", "authors: {name: Ann Author}\n", {{"Ann Author", ""}}},
        {"the same person twice, and empty items",
         "authors: [Ann, ~, Bob, Ann]\n",
         {{"Ann", ""}, {"Bob", ""}}},
        {"author outranks authors, wherever it is",
         "authors: [Ann, Bob]\nauthor: Zed\n",
         {{"Zed", ""}}},
    };
    for (const auto& c : cases) {
        const auto out = parse("a.md", std::string("---\ntitle: T\ndate: 2021-01-01\n") +
                                           c.front_matter + "---\nBody\n");
        ASSERT_TRUE(out.article) << c.what << "\n" << problem_lines(out);
        EXPECT_TRUE(out.problems.empty()) << c.what << "\n" << problem_lines(out);
        std::vector<Person> all = {out.article->author};
        all.insert(all.end(), out.article->co_authors.begin(), out.article->co_authors.end());
        EXPECT_EQ(all, c.all) << c.what;
    }
    const auto empty = parse("a.md", "---\ntitle: T\ndate: 2021-01-01\nauthors: []\n---\nBody\n");
    ASSERT_TRUE(empty.article);
    EXPECT_TRUE(empty.article->author.empty());  // the site's author stands in
    EXPECT_TRUE(empty.article->co_authors.empty());
}

TEST(Authors, ASidecarsAuthorReplacesTheWholeList) {
    SourceFile source;
    source.path = "a.md";
    source.bytes = "---\ntitle: T\ndate: 2021-01-01\nauthors: [Ann, Bob]\n---\nBody\n";
    source.sidecar = "author: Zed\n";
    const auto out = parse_article(source, {});
    ASSERT_TRUE(out.article) << problem_lines(out);
    EXPECT_EQ(out.article->author, (Person{"Zed", ""}));
    EXPECT_TRUE(out.article->co_authors.empty());
}

}  // namespace
}  // namespace feedd
