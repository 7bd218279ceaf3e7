#include "content/plain_text.h"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "content/test_util.h"

namespace feedd {
namespace {

using testing::count;
using testing::find_problem;
using testing::iso;
using testing::parse;
using testing::utc;

std::string read_file(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

std::vector<std::string> lines_of(const std::string& text) {
    std::vector<std::string> lines;
    std::istringstream in(text);
    for (std::string line; std::getline(in, line);) lines.push_back(line);
    return lines;
}

std::string escaped(std::string_view s) {
    std::string out;
    for (char c : s) {
        if (c == '&')
            out += "&amp;";
        else if (c == '<')
            out += "&lt;";
        else if (c == '>')
            out += "&gt;";
        else if (c == '"')
            out += "&quot;";
        else
            out += c;
    }
    return out;
}

ContentConfig zone(std::string tz) {
    ContentConfig c;
    c.timezone = std::move(tz);
    return c;
}

class SeedArticle : public ::testing::Test {
  protected:
    void SetUp() override {
        bytes = read_file(FEEDD_SHARED_DIR "/samples/seed-article.txt");
        ASSERT_FALSE(bytes.empty()) << "sample missing";
        lines = lines_of(bytes);
    }
    std::string bytes;
    std::vector<std::string> lines;
};

TEST_F(SeedArticle, TitleAndYearlessDateResolvedAgainstFooter) {
    // mtime in mid-2026: were the footer (14 Jan 2026) ignored, "5 Apr" would land in 2026.
    const auto out = parse("world/seed-article.txt", bytes, zone("UTC"), utc(2026, 6, 1));
    ASSERT_TRUE(out.article);
    EXPECT_EQ(out.article->title + " 5 Apr in 12:20", lines[0]);
    EXPECT_EQ(iso(out.article->date), "2025-04-05T12:20:00Z");
    EXPECT_TRUE(out.problems.empty()) << to_string(out.problems[0]);

    const auto moscow = parse("seed.txt", bytes, zone("Europe/Moscow"), utc(2026, 6, 1));
    ASSERT_TRUE(moscow.article);
    EXPECT_EQ(iso(moscow.article->date), "2025-04-05T09:20:00Z");  // MSK is UTC+3
}

TEST_F(SeedArticle, ExactlySixBodyParagraphsAndNoBoilerplate) {
    const auto out = parse("seed.txt", bytes);
    ASSERT_TRUE(out.article);
    const std::string& html = out.article->content_html;
    EXPECT_EQ(count(html, "<p>"), 6);
    EXPECT_EQ(count(html, "</p>\n"), 6);
    // The six paragraphs are lines 3-8 of the sample, in order.
    std::string expected;
    for (int i = 2; i < 8; ++i) expected += "<p>" + escaped(lines[i]) + "</p>\n";
    EXPECT_EQ(html, expected);
    // Nothing from the "Latest news" block or the footer.
    EXPECT_EQ(html.find("Latest news"), std::string::npos);
    for (std::size_t i = 8; i < lines.size(); ++i) {
        if (lines[i].empty()) continue;
        const std::string probe =
            escaped(lines[i].substr(lines[i].starts_with("Latest news") ? 11 : 0));
        EXPECT_EQ(html.find(probe), std::string::npos) << probe;
    }
}

TEST_F(SeedArticle, SummaryIsFirstParagraph) {
    const auto out = parse("seed.txt", bytes);
    ASSERT_TRUE(out.article);
    ASSERT_LT(lines[2].size(), 300u);  // short enough not to be shortened
    EXPECT_EQ(out.article->summary, lines[2]);
}

TEST(PlainText, DateOnTheNextLine) {
    const auto out = parse("next.txt",
                           "Harbour ferries return to the winter timetable\n09.Jan.2026\n\n"
                           "The first paragraph.\n\nThe second paragraph.\n",
                           zone("Europe/Berlin"));
    ASSERT_TRUE(out.article);
    EXPECT_EQ(out.article->title, "Harbour ferries return to the winter timetable");
    EXPECT_EQ(iso(out.article->date), "2026-01-08T23:00:00Z");  // midnight in Berlin (CET)
    EXPECT_EQ(out.article->content_html,
              "<p>The first paragraph.</p>\n<p>The second paragraph.</p>\n");
    EXPECT_EQ(out.article->summary, "The first paragraph.");
    EXPECT_TRUE(out.problems.empty());
}

TEST(PlainText, TitleDateForms) {
    struct Case {
        const char* line;
        const char* title;
        const char* date;
    };
    const Case cases[] = {
        {"Boeing 737 deliveries resume 5 Apr 2021", "Boeing 737 deliveries resume",
         "2021-04-05T00:00:00Z"},
        {"Council votes on budget | 5 April 2021 12:20", "Council votes on budget",
         "2021-04-05T12:20:00Z"},
        {"Council votes on budget \xE2\x80\x94 April 5, 2021", "Council votes on budget",
         "2021-04-05T00:00:00Z"},
        {"Rising Sun Mon, 05 Apr 2021 12:20:00 +0000", "Rising Sun", "2021-04-05T12:20:00Z"},
        {"Results are in 2021-04-05T12:20:00Z", "Results are in", "2021-04-05T12:20:00Z"},
        {"Top 10 stories 09.Jan.2026", "Top 10 stories", "2026-01-09T00:00:00Z"},
    };
    for (const auto& c : cases) {
        const auto out = parse("t.txt", std::string(c.line) + "\nBody.\n");
        ASSERT_TRUE(out.article) << c.line;
        EXPECT_EQ(out.article->title, c.title) << c.line;
        EXPECT_EQ(iso(out.article->date), c.date) << c.line;
    }
}

TEST(PlainText, TitleDatesInOtherLanguages) {
    struct Case {
        const char* line;
        const char* title;
        const char* date;
    };
    const Case cases[] = {
        {"Паром до острова снова ходит 5 апреля в 12:20", "Паром до острова снова ходит",
         "2025-04-05T12:20:00Z"},  // no year: the latest before the reference (2026-02-01)
        {"Le conseil vote le budget | le 3 mars 2020 à 14h05", "Le conseil vote le budget",
         "2020-03-03T14:05:00Z"},
        {"Novo ferry para a ilha \xE2\x80\x94 21 de dezembro de 2018", "Novo ferry para a ilha",
         "2018-12-21T00:00:00Z"},
        {"Neue Fähre zur Insel, 5. April 2021", "Neue Fähre zur Insel", "2021-04-05T00:00:00Z"},
        {"Nowy prom na wyspę 5 kwietnia 2021 r.", "Nowy prom na wyspę", "2021-04-05T00:00:00Z"},
    };
    for (const auto& c : cases) {
        const auto out = parse("t.txt", std::string(c.line) + "\nBody.\n", {}, utc(2026, 2, 1));
        ASSERT_TRUE(out.article) << c.line;
        EXPECT_EQ(out.article->title, c.title) << c.line;
        EXPECT_EQ(iso(out.article->date), c.date) << c.line;
    }
    // A headline word that is a month abbreviation elsewhere is no date without a year or time.
    const auto out = parse("t.txt", "Top 5 set pieces of 2021\nBody.\n", {}, utc(2026, 2, 1, 8));
    ASSERT_TRUE(out.article);
    EXPECT_EQ(out.article->title, "Top 5 set pieces of 2021");
}

TEST(PlainText, NumbersInTitleAreNotDates) {
    const char* titles[] = {
        "Apollo 11 crew meets 2000 students",
        "Windows 10 May 2021 Update ships",
        "Party congress opens on 5 April",  // no year, no time: could be part of the headline
        "Meeting moved to 12:30",
        "2021",
    };
    for (const char* title : titles) {
        const auto out = parse("t.txt", std::string(title) + "\nBody.\n", {}, utc(2026, 2, 1, 8));
        ASSERT_TRUE(out.article) << title;
        EXPECT_EQ(out.article->title, title);
        EXPECT_EQ(iso(out.article->date), "2026-02-01T08:00:00Z") << title;
        EXPECT_NE(find_problem(out.problems, "no date; using the file's modification time"),
                  nullptr);
    }
}

TEST(PlainText, YearlessTitleDateUsesMtimeWithoutFooter) {
    auto out = parse("t.txt", "Title 5 Apr in 12:20\nBody.\n", {}, utc(2026, 3, 1));
    ASSERT_TRUE(out.article);
    EXPECT_EQ(iso(out.article->date), "2025-04-05T12:20:00Z");
    out = parse("t.txt", "Title 5 Apr in 12:20\nBody.\n", {}, utc(2026, 5, 1));
    ASSERT_TRUE(out.article);
    EXPECT_EQ(iso(out.article->date), "2026-04-05T12:20:00Z");
}

TEST(PlainText, DateOnlyFooterCoversItsWholeDay) {
    const auto out =
        parse("t.txt", "Title 14 Jan in 12:20\nBody.\n\n14 Jan 2026\n", {}, utc(2030, 1, 1));
    ASSERT_TRUE(out.article);
    EXPECT_EQ(iso(out.article->date), "2026-01-14T12:20:00Z");
    EXPECT_EQ(out.article->content_html, "<p>Body.</p>\n");  // footer date dropped
}

TEST(PlainText, CutsFromLineStartingWithMarker) {
    ContentConfig config;
    config.cut_markers = {"Read more", "Related:"};
    const auto out = parse("t.txt",
                           "Title 5 Apr 2021\nKeep me.\nA line mentioning Read more inside.\n"
                           "  Related: other things\nDropped.\n",
                           config);
    ASSERT_TRUE(out.article);
    EXPECT_EQ(out.article->content_html,
              "<p>Keep me.</p>\n<p>A line mentioning Read more inside.</p>\n");
}

TEST(PlainText, ParagraphsAreEscaped) {
    const auto out = parse("t.txt", "Title 5 Apr 2021\nA <b>bold</b> & \"quoted\" claim.\n");
    ASSERT_TRUE(out.article);
    EXPECT_EQ(out.article->content_html,
              "<p>A &lt;b&gt;bold&lt;/b&gt; &amp; &quot;quoted&quot; claim.</p>\n");
    EXPECT_EQ(out.article->summary, "A <b>bold</b> & \"quoted\" claim.");  // plain text
}

TEST(PlainText, InvalidTitleDateIsAWarningAndMtimeIsUsed) {
    const auto out = parse("t.txt", "Title 31 Feb 2021\nBody.\n", {}, utc(2026, 2, 1, 8));
    ASSERT_TRUE(out.article);
    EXPECT_EQ(out.article->title, "Title");
    EXPECT_EQ(iso(out.article->date), "2026-02-01T08:00:00Z");
    const Problem* p = find_problem(out.problems, "February 2021 has no day 31");
    ASSERT_NE(p, nullptr);
    EXPECT_EQ(p->line, 1);
    EXPECT_EQ(p->severity, Severity::warning);
}

TEST(PlainText, TitleOnlyIsPublishedWithWarning) {
    const auto out = parse("t.txt", "\n\nJust a headline 5 Apr 2021\n\n");
    ASSERT_TRUE(out.article);
    EXPECT_EQ(out.article->title, "Just a headline");
    EXPECT_EQ(out.article->content_html, "");
    const Problem* p = find_problem(out.problems, "no text after the title");
    ASSERT_NE(p, nullptr);
    EXPECT_EQ(p->line, 3);
}

}  // namespace
}  // namespace feedd
