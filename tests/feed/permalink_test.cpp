// site.permalink's placeholders (feed/permalink.h), through make_feed as the feeds see them.
#include "feed/permalink.h"

#include <gtest/gtest.h>

#include "feed/feed.h"
#include "feed/feed_test_support.h"
#include "feed/slug.h"

namespace feedd {
namespace {

using test::article;
using test::at;
using test::site_config;

const Seconds kNow = at(2030, 1, 1);

struct Link {
    std::string link;
    std::string id;
};

Link entry_for(const Article& a, const std::string& permalink, const std::string& timezone = "UTC",
               const std::string& site_url = "https://news.example.org/") {
    Config config = site_config();
    config.site.url = site_url;
    config.site.permalink = permalink;
    config.content.timezone = timezone;
    const Feed feed = make_feed({a}, config, kNow);
    if (feed.entries.size() != 1) {
        ADD_FAILURE() << "no entry";
        return {};
    }
    return {feed.entries[0].link, feed.entries[0].id};
}

std::string link_for(const Article& a, const std::string& permalink,
                     const std::string& timezone = "UTC") {
    return entry_for(a, permalink, timezone).link;
}

Article with_slug(Article a, std::string slug) {
    a.slug = std::move(slug);
    return a;
}

// {path}

TEST(Permalink, PathIsThePathWithoutExtension) {
    EXPECT_EQ(link_for(article("posts/2020-my-file.md", "T", at(2024, 4, 1)), "/{path}/"),
              "https://news.example.org/posts/2020-my-file/");
}

TEST(Permalink, SlugReplacesTheFileNamePartOfThePath) {
    // As in Hugo: posts/2020-my-file.md with slug: nice is /posts/nice/.
    const Article a = article("posts/2020-my-file.md", "T", at(2024, 4, 1));
    EXPECT_EQ(link_for(with_slug(a, "nice"), "/{path}/"), "https://news.example.org/posts/nice/");
    EXPECT_EQ(link_for(with_slug(article("top.md", "T", at(2024, 4, 1)), "tops"), "/{path}/"),
              "https://news.example.org/tops/");
    // The slug is percent-encoded like the path.
    EXPECT_EQ(link_for(with_slug(a, "caf\xC3\xA9 au lait"), "/{path}/"),
              "https://news.example.org/posts/caf%C3%A9%20au%20lait/");
}

// {section}

TEST(Permalink, SectionIsTheFirstFolder) {
    EXPECT_EQ(
        link_for(article("world/europe/berlin.md", "T", at(2024, 4, 1)), "/{section}/{slug}/"),
        "https://news.example.org/world/berlin/");
}

TEST(Permalink, TopLevelFileHasAnEmptySectionAndNoDoubleSlash) {
    EXPECT_EQ(link_for(article("about.md", "T", at(2024, 4, 1)), "/{section}/{slug}/"),
              "https://news.example.org/about/");
    EXPECT_EQ(link_for(article("about.md", "T", at(2024, 4, 1)), "{section}/{slug}.html"),
              "https://news.example.org/about.html");
}

// {slug}

TEST(Permalink, SlugIsTheFileNameWithoutALeadingDate) {
    EXPECT_EQ(link_for(article("_posts/2014-05-06-jekyll-turns-2.markdown", "T", at(2014, 5, 6)),
                       "/{slug}/"),
              "https://news.example.org/jekyll-turns-2/");
    EXPECT_EQ(link_for(article("notes/2014-05-06_notes.md", "T", at(2014, 5, 6)), "/{slug}/"),
              "https://news.example.org/notes/");
    EXPECT_EQ(link_for(article("posts/no-date-here.md", "T", at(2014, 5, 6)), "/{slug}/"),
              "https://news.example.org/no-date-here/");
    // Not a date: kept whole. Only a date: kept (it is the whole name).
    EXPECT_EQ(link_for(article("2014-5-06-x.md", "T", at(2014, 5, 6)), "/{slug}/"),
              "https://news.example.org/2014-5-06-x/");
    EXPECT_EQ(link_for(article("2014-05-06.md", "T", at(2014, 5, 6)), "/{slug}/"),
              "https://news.example.org/2014-05-06/");
}

TEST(Permalink, SlugMetadataWinsOverTheFileName) {
    const Article a = article("_posts/2014-05-06-jekyll-turns-2.markdown", "T", at(2014, 5, 6));
    EXPECT_EQ(link_for(with_slug(a, "two"), "/{slug}/"), "https://news.example.org/two/");
    // Kept as written (a slug is the site's choice), only percent-encoded.
    EXPECT_EQ(link_for(with_slug(a, "2014-05-06-Two Words"), "/{slug}/"),
              "https://news.example.org/2014-05-06-Two%20Words/");
}

// {title}

TEST(Permalink, TitleIsSlugifiedLikePelicanAndHugo) {
    const auto title_link = [](const std::string& title) {
        return link_for(article("a.md", title, at(2024, 4, 1)), "/{title}/");
    };
    EXPECT_EQ(title_link("Hello, World!"), "https://news.example.org/hello-world/");
    // Punctuation dropped without a dash (don't → dont), runs of spaces and dashes one '-'.
    EXPECT_EQ(title_link("C++ & Rust --  don't   stop"),
              "https://news.example.org/c-rust-dont-stop/");
    EXPECT_EQ(title_link("  --Edge -- case--  "), "https://news.example.org/edge-case/");
    EXPECT_EQ(title_link("snake_case stays"), "https://news.example.org/snake_case-stays/");
    // Accents and other scripts kept and lowercased (Hugo; Pelican with SLUGIFY_USE_UNICODE).
    EXPECT_EQ(title_link("Caf\xC3\xA9 \xC3\x9C"
                         "ber"),
              "https://news.example.org/caf%C3%A9-%C3%BCber/");
    EXPECT_EQ(title_link("\xCE\x9D\xCE\xAD\xCE\xB1"),  // Νέα
              "https://news.example.org/%CE%BD%CE%AD%CE%B1/");
}

TEST(TitleSlug, Rules) {
    EXPECT_EQ(title_slug("Caf\xC3\xA9, C++ & Rust --  don't_stop   \xC3\x9Cn\xC3\xAF"
                         "code!"),
              "caf\xC3\xA9-c-rust-dont_stop-\xC3\xBCn\xC3\xAF"
              "code");
    EXPECT_EQ(title_slug("a\xC2\xA0"
                         "b\tc\n-d"),
              "a-b-c-d");  // no-break space, tab, newline
    EXPECT_EQ(title_slug("!!!"), "");
    EXPECT_EQ(title_slug("a\xFF"
                         "b"),
              "ab");  // invalid UTF-8 dropped
    EXPECT_EQ(title_slug("2024: A Year"), "2024-a-year");
}

// {title:hugo}: every expected value is what `hugo` 0.111.3 (Debian 12) made of the title with
// `permalinks: {posts: /:title/}` (its .RelPermalink, unescaped).
TEST(HugoTitleSlug, MatchesHugo0111) {
    struct Case {
        const char* title;
        const char* hugo;
    };
    const Case cases[] = {
        {"Confirmation prompt yes/no in Bash", "confirmation-prompt-yes/no-in-bash"},
        {"Caf\xC3\xA9, C++ & Rust -- don't_stop \xC3\x9Cn\xC3\xAF"
         "code!",
         "caf\xC3\xA9-c-rust--dont_stop-\xC3\xBCn\xC3\xAF"
         "code"},
        {"Rust -- don't", "rust--dont"},
        {"  --Edge -- case--  ", "--edge--case--"},
        {"a  -  - b", "a--b"},
        {"- start", "-start"},
        {"end -", "end-"},
        {"x/y/z", "x/y/z"},
        {"back\\slash and/slash // double", "back\\slash-and/slash-//-double"},  // "//": one later
        {"Tab\there", "tab-here"},
        {"a\xC2\xA0nbsp", "a-nbsp"},
        {"100% done", "100-done"},
        {"a & b = c? (yes) [no] {maybe} <tag>", "a-b-c-yes-no-maybe-tag"},
        {"a.b.html", "a.b.html"},
        {"x @y", "x-@y"},
        {"Q?x=1", "qx1"},
        {"a;b,c", "abc"},
        {"under_score and-dash", "under_score-and-dash"},
        {"emoji \xF0\x9F\x8E\x89 party", "emoji-party"},
        {"\xCE\xA9 \xCE\x9D\xCE\xAD\xCE\xB1 \xE2\x80\x98q\xE2\x80\x99 \xE2\x80\xA6 \xE2\x80\x93",
         "\xCF\x89-\xCE\xBD\xCE\xAD\xCE\xB1-q"},  // Ω Νέα ‘q’ … –
        {"a\xCC\x81 mark", "a\xCC\x81-mark"},     // a combining accent is kept
        // Unescaped as a URL query first, when every '%' starts an escape.
        {"1 a+b", "1-a-b"},
        {"5 C++ rocks", "5-c-rocks"},
        {"A%2Fb", "a/b"},
        {"a%41b", "aab"},
        {"7 a%20b", "7-a-b"},
        {"p%zzq", "pzzq"},  // not an escape: the title as it is, '%' dropped
    };
    for (const auto& c : cases) EXPECT_EQ(hugo_title_slug(c.title), c.hugo) << c.title;
}

TEST(Permalink, HugoTitleKeepsTheSlashOfTheTitle) {
    const Article a = article("blog/a.md", "Confirmation prompt yes/no in Bash", at(2024, 4, 1));
    EXPECT_EQ(link_for(a, "/{title:hugo}.html"),
              "https://news.example.org/confirmation-prompt-yes/no-in-bash.html");
    EXPECT_EQ(link_for(a, "/{title}.html"),
              "https://news.example.org/confirmation-prompt-yesno-in-bash.html");
    // Runs of '/' are one, as in Hugo's links.
    EXPECT_EQ(link_for(article("a.md", "/leading and trailing/", at(2024, 4, 1)), "/{title:hugo}/"),
              "https://news.example.org/leading-and-trailing/");
}

TEST(Permalink, EmptyTitleSlugCollapses) {
    EXPECT_EQ(link_for(article("news/a.md", "!!!", at(2024, 4, 1)), "/{section}/{title}/"),
              "https://news.example.org/news/");
}

// {year} {month} {day}

TEST(Permalink, DateInUtcIsZeroPadded) {
    EXPECT_EQ(
        link_for(article("a.md", "T", at(2024, 4, 9, 23, 59)), "/{year}/{month}/{day}/{slug}/"),
        "https://news.example.org/2024/04/09/a/");
}

TEST(Permalink, DateIsTheDayInContentTimezoneAcrossMidnight) {
    // 22:30 UTC is 00:30 the next day in Berlin (CEST, +2).
    const Article late = article("a.md", "T", at(2024, 4, 9, 22, 30));
    EXPECT_EQ(link_for(late, "/{year}/{month}/{day}/", "Europe/Berlin"),
              "https://news.example.org/2024/04/10/");
    EXPECT_EQ(link_for(late, "/{year}/{month}/{day}/", "UTC"),
              "https://news.example.org/2024/04/09/");
    // 21:59 UTC is still 23:59 on the 9th in Berlin.
    EXPECT_EQ(link_for(article("a.md", "T", at(2024, 4, 9, 21, 59)), "/{year}/{month}/{day}/",
                       "Europe/Berlin"),
              "https://news.example.org/2024/04/09/");
    // West of UTC, back across a year: 03:00 UTC on 1 January is 22:00 on 31 December in New York.
    EXPECT_EQ(link_for(article("a.md", "T", at(2024, 1, 1, 3)), "/{year}/{month}/{day}/",
                       "America/New_York"),
              "https://news.example.org/2023/12/31/");
}

// {categories}

TEST(Permalink, CategoriesAreLowercasedDedupedAndJoinedLikeJekyll) {
    Article a = article("_posts/2014-05-06-x.md", "T", at(2014, 5, 6));
    a.categories = {"Release Notes", "release notes", "Linux"};
    EXPECT_EQ(link_for(a, "/{categories}/{slug}.html"),
              "https://news.example.org/release%20notes/linux/x.html");
    a.categories.clear();
    EXPECT_EQ(link_for(a, "/{categories}/{slug}.html"), "https://news.example.org/x.html");
}

TEST(Permalink, TextAroundPlaceholdersIsKept) {
    const Article a = article("news/2024-04-09-launch.md", "Launch Day", at(2024, 4, 9));
    EXPECT_EQ(link_for(a, "/p/{year}-{month}-{day}-{slug}/{title}.html"),
              "https://news.example.org/p/2024-04-09-launch/launch-day.html");
    // Not a placeholder (config loading rejects it; a Config built in code keeps it as text).
    EXPECT_EQ(link_for(a, "/{nope}/{slug}"), "https://news.example.org/%7Bnope%7D/launch");
}

// The five generators' defaults (docs/content.md, "Permalinks").

TEST(PermalinkGenerators, Hugo) {
    // Hugo 0.111 without [permalinks]: the path, the slug replacing the file name.
    EXPECT_EQ(
        link_for(article("posts/my-first-post.md", "My First Post", at(2024, 4, 9)), "/{path}/"),
        "https://news.example.org/posts/my-first-post/");
    EXPECT_EQ(link_for(with_slug(article("posts/2024-04-09-x.md", "X", at(2024, 4, 9)), "launch"),
                       "/{path}/"),
              "https://news.example.org/posts/launch/");
}

TEST(PermalinkGenerators, Jekyll) {
    // permalink: date, /:categories/:year/:month/:day/:title:output_ext (:title is the file's
    // slug).
    Article a = article("_posts/2014-05-06-jekyll-turns-2-0-0.markdown", "Jekyll turns 2.0.0",
                        at(2014, 5, 6, 15));
    const std::string jekyll = "/{categories}/{year}/{month}/{day}/{slug}.html";
    EXPECT_EQ(link_for(a, jekyll), "https://news.example.org/2014/05/06/jekyll-turns-2-0-0.html");
    a.categories = {"Release"};
    EXPECT_EQ(link_for(a, jekyll),
              "https://news.example.org/release/2014/05/06/jekyll-turns-2-0-0.html");
}

TEST(PermalinkGenerators, Zola) {
    // Zola: the section's path, then the page's slug (its `slug`, else the file name without a
    // date).
    EXPECT_EQ(link_for(article("blog/first-post.md", "First", at(2024, 4, 9)), "/{path}/"),
              "https://news.example.org/blog/first-post/");
    EXPECT_EQ(link_for(with_slug(article("blog/first-post.md", "First", at(2024, 4, 9)), "hello"),
                       "/{path}/"),
              "https://news.example.org/blog/hello/");
    // Dated file names in one-level sections: /{section}/{slug}/ drops the date as Zola does.
    EXPECT_EQ(link_for(article("blog/2024-04-09-first-post.md", "First", at(2024, 4, 9)),
                       "/{section}/{slug}/"),
              "https://news.example.org/blog/first-post/");
}

TEST(PermalinkGenerators, Pelican) {
    // ARTICLE_URL = '{slug}.html'; Pelican's slug is `Slug:`, else the title slugified.
    Article a = article("content/2024-04-09-launch.md", "Launch Day: We're Live!", at(2024, 4, 9));
    EXPECT_EQ(link_for(a, "{title}.html"), "https://news.example.org/launch-day-were-live.html");
    EXPECT_EQ(link_for(with_slug(a, "launch"), "{slug}.html"),
              "https://news.example.org/launch.html");
    // ARTICLE_URL = 'blog/{date:%Y}/{date:%m}/{date:%d}/{slug}/'
    EXPECT_EQ(link_for(with_slug(a, "launch"), "blog/{year}/{month}/{day}/{slug}/", "Europe/Paris"),
              "https://news.example.org/blog/2024/04/09/launch/");
}

TEST(PermalinkGenerators, Eleventy) {
    // Eleventy: the input path without extension, as a folder.
    EXPECT_EQ(link_for(article("posts/my-post.md", "My Post", at(2024, 4, 9)), "/{path}/"),
              "https://news.example.org/posts/my-post/");
}

// The article's own url.

TEST(PermalinkOwnUrl, AbsoluteUrlIsTheLinkAndTheIdStaysThePermalink) {
    Article a = article("world/space.md", "Space", at(2024, 4, 9));
    a.url = "https://elsewhere.example.com/space?x=1";
    const Link e = entry_for(a, "/{year}/{slug}/");
    EXPECT_EQ(e.link, "https://elsewhere.example.com/space?x=1");
    EXPECT_EQ(e.id, "https://news.example.org/2024/space/");
}

TEST(PermalinkOwnUrl, RelativeUrlIsUnderSiteUrlByConcatenation) {
    Article a = article("world/space.md", "Space", at(2024, 4, 9));
    a.url = "/special/space-story/";
    const Link e = entry_for(a, "/{path}/", "UTC", "https://example.org/blog/");
    // Like the permalink (and Hugo's url), the site's own path is kept: not RFC 3986's /special/…
    EXPECT_EQ(e.link, "https://example.org/blog/special/space-story/");
    EXPECT_EQ(e.id, "https://example.org/blog/world/space/");
    a.url = "special/caf\xC3\xA9 story";
    EXPECT_EQ(entry_for(a, "/{path}/", "UTC", "https://example.org/blog/").link,
              "https://example.org/blog/special/caf%C3%A9%20story");
}

}  // namespace
}  // namespace feedd
