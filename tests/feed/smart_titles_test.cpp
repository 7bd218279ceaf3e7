// Titles as jekyll-feed publishes them. Every expected value below is what Jekyll 4.3.1's smartify
// (kramdown 2.4.0, Debian 12) made of the input, after jekyll-feed's strip_html and HTML
// unescaping (the title a reader shows): `ruby -rjekyll`, Jekyll::Converters::SmartyPants#convert.
#include "feed/smart_titles.h"

#include <gtest/gtest.h>

#include "config/config.h"
#include "content/article.h"
#include "feed/feed.h"

namespace feedd {
namespace {

struct Case {
    const char* title;
    const char* jekyll;
};

constexpr Case kCases[] = {
    // apostrophes and closing quotes after a letter
    {"Jekyll's new site", "Jekyll’s new site"},
    {"don't stop", "don’t stop"},
    {"the kids' toys", "the kids’ toys"},
    {"café's \"naïve\" idea", "café’s “naïve” idea"},
    {"x'", "x’"},
    // opening quotes: at the start, after a space, after ( [ { -
    {"\"Stability Sam\" is here", "“Stability Sam” is here"},
    {"'Hello,' he said", "‘Hello,’ he said"},
    {"('paren')", "(‘paren’)"},
    {"[\"bracket\"]", "[“bracket”]"},
    {"{'brace'}", "{‘brace’}"},
    {"-'dash'", "-‘dash’"},
    {"rock 'n' roll", "rock ‘n’ roll"},
    {"'tis the season", "‘tis the season"},
    {"x\"'y", "x”‘y"},
    // nested quotes, decades, emphasis markers, punctuation after a quote
    {"He said, \"'Quoted' words in a larger quote.\"",
     "He said, “‘Quoted’ words in a larger quote.”"},
    {"'\"Double\" inside' out", "‘“Double” inside’ out"},
    {"'80s music", "’80s music"},
    {"the '80s", "the ’80s"},
    {"\"*emphasis*\" and '_under_'", "“*emphasis*” and ‘_under_’"},
    {"\"quote\", she said.", "“quote”, she said."},
    {"\".\"", "”.”"},
    {"\"...\" is ellipsis", "“…” is ellipsis"},
    {"\"(paren\" x", "“(paren” x"},
    {"'_' y", "‘_’ y"},
    {"\"#1\" pick", "“#1” pick"},
    {"\"'\" lone", "”’” lone"},
    {"it's 3'\"", "it’s 3’”"},
    {"\"s", "”s"},
    {"'sé'", "‘sé’"},
    // lone quotes
    {"'", "’"},
    {"\"", "”"},
    {"''", "’’"},
    {"\"\"", "””"},
    // a backslash does not escape a quote, it only keeps it from closing
    {"a\\'b", "a\\‘b"},
    // dashes, ellipsis, guillemets (with no-break spaces inside spaced ones)
    {"Jekyll 3.0... at last", "Jekyll 3.0… at last"},
    {"Pages -- and posts --- together", "Pages – and posts — together"},
    {"<< guillemets >>", "«\u00a0guillemets\u00a0»"},
    {"<<tight>>", "«tight»"},
    {"\\<<escaped>>", "<<escaped»"},
    // nothing to do
    {"Plain title 2.0", "Plain title 2.0"},
    {"", ""},
};

TEST(SmartTitles, MatchesJekyllsSmartify) {
    for (const auto& c : kCases) EXPECT_EQ(smart_title(c.title), c.jekyll) << c.title;
}

// feedd's titles are text: an HTML entity (which Jekyll would decode) is kept as written, but it
// is read as one piece, as kramdown reads it: the quote after it has no letter before it.
TEST(SmartTitles, EntitiesAreKeptAsWritten) {
    EXPECT_EQ(smart_title("a &amp; b's \"x\""), "a &amp; b’s “x”");
    EXPECT_EQ(smart_title("&copy;'s"), "&copy;’s");
    EXPECT_EQ(smart_title("AT&T's"), "AT&T’s");
}

// No quadratic work and no reading past the end on long or odd input.
TEST(SmartTitles, LongAndTruncatedInput) {
    const std::string quotes(100'000, '\'');
    EXPECT_EQ(smart_title(quotes).size(), quotes.size() * 3);
    EXPECT_EQ(smart_title("\xC3"), "\xC3");  // a cut UTF-8 sequence is copied
    EXPECT_EQ(smart_title("&#x"), "&#x");
}

TEST(SmartTitles, AppliesToEntriesOnlyWhenConfigured) {
    Config config;
    config.site.url = "https://example.org/";
    Article article;
    article.path = "posts/a.md";
    article.title = "Jekyll's \"new\" site";
    EXPECT_EQ(make_entry(article, config).title, "Jekyll's \"new\" site");
    config.feeds.smart_titles = true;
    EXPECT_EQ(make_entry(article, config).title, "Jekyll’s “new” site");
}

}  // namespace
}  // namespace feedd
