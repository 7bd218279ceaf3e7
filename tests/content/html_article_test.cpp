#include "content/html_article.h"

#include <gtest/gtest.h>

#include <chrono>
#include <cstring>
#include <fstream>
#include <sstream>

#include "content/charset.h"
#include "content/date_fields.h"
#include "content/html_dom.h"
#include "content/html_metadata.h"
#include "content/test_util.h"

namespace feedd {
namespace {

using testing::find_problem;
using testing::iso;
using testing::parse;

std::string fixture(const std::string& name) {
    std::ifstream in(std::string(FEEDD_TEST_DATA_DIR) + "/html/" + name, std::ios::binary);
    std::stringstream s;
    s << in.rdbuf();
    EXPECT_FALSE(s.str().empty()) << name;
    return s.str();
}

ContentConfig lisbon() {
    ContentConfig c;
    c.timezone = "Europe/Lisbon";
    c.cut_markers = {"Latest news"};
    return c;
}

bool has(std::string_view haystack, std::string_view needle) {
    return haystack.find(needle) != std::string_view::npos;
}

TEST(HtmlArticle, NewsPageKeepsTheStoryAndDropsTheChrome) {
    const auto out = parse("news/ferry.html", fixture("news.html"), lisbon());
    ASSERT_TRUE(out.article) << (out.problems.empty() ? "" : to_string(out.problems[0]));
    const Article& a = *out.article;
    EXPECT_EQ(a.title, "Harbour town votes to keep its ferry running");
    EXPECT_EQ(iso(a.date), "2023-09-14T17:05:00Z");
    ASSERT_TRUE(a.updated);
    EXPECT_EQ(iso(*a.updated), "2023-09-15T07:30:00Z");
    // article:author is a profile URL: the <meta name=author> names the person.
    EXPECT_EQ(a.author.name, "Mira Olsen");
    EXPECT_EQ(a.tags, (std::vector<std::string>{"Transport", "Local politics"}));
    EXPECT_EQ(a.related_url, "https://ledger.example.com/news/2023/harbour-ferry-vote");
    EXPECT_EQ(a.image, "/media/ferry-at-dawn.jpg");
    EXPECT_EQ(a.lang, "en-GB");
    EXPECT_EQ(a.summary,
              "Councillors in Portwell backed a three-year subsidy for the island ferry after a "
              "packed public meeting.");
    const std::string& html = a.content_html;
    EXPECT_TRUE(has(html, "a plan islanders said would leave older residents stranded."));
    EXPECT_TRUE(has(html, "<h2>What the subsidy pays for</h2>"));
    EXPECT_TRUE(has(html, "<li>A new ramp at the island pier, due next spring</li>"));
    EXPECT_TRUE(has(html, "<blockquote><p>It was the biggest meeting"));
    EXPECT_TRUE(has(html, "<figcaption>The ferry leaves Portwell at dawn."));
    EXPECT_TRUE(
        has(html, "electric power <a href=\"/news/2023/electric-ferry-trial\">after a trial"));
    EXPECT_TRUE(has(html, "The subsidy will be reviewed in 2026."));
    for (const char* chrome :
         {"cookies", "Share on Social", "Advertisement", "Related stories", "morning briefing",
          "Latest news", "Lifeboat crew", "Most read", "All rights reserved", "Weather", "onclick",
          "<script", "dataLayer", "<h1", "<form", "<button", "class="}) {
        EXPECT_FALSE(has(html, chrome)) << chrome;
    }
    EXPECT_TRUE(out.problems.empty()) << to_string(out.problems[0]);
}

TEST(HtmlArticle, BlogPostWithHEntry) {
    const auto out = parse("blog/tour.html", fixture("blog-hentry.html"), lisbon());
    ASSERT_TRUE(out.article);
    const Article& a = *out.article;
    EXPECT_EQ(a.title, "Notes from a slow bike tour");
    // "2022-06-03 09:15" has no offset: Lisbon summer time.
    EXPECT_EQ(iso(a.date), "2022-06-03T08:15:00Z");
    EXPECT_EQ(a.author.name, "Juno Park");
    EXPECT_TRUE(has(a.content_html, "<pre><code>distance_km = 1100\ndays = 21\n"));
    EXPECT_TRUE(has(a.content_html, "<ol><li>Riding before breakfast"));
    // A lazily loaded image: the real source, not the placeholder.
    EXPECT_TRUE(
        has(a.content_html, "<img src=\"/img/road.jpg\" alt=\"A gravel road between fields\" />"));
    EXPECT_FALSE(has(a.content_html, "comments"));
    EXPECT_FALSE(has(a.content_html, "Great post"));
    EXPECT_FALSE(has(a.content_html, "Posted"));
    EXPECT_EQ(a.summary.substr(0, 40), "Three weeks, eleven hundred kilometres a");
}

TEST(HtmlArticle, JsonLdGraphWithAuthorListAndKeywords) {
    const auto out = parse("2021/shed.html", fixture("graph.html"), lisbon());
    ASSERT_TRUE(out.article);
    const Article& a = *out.article;
    EXPECT_EQ(a.title, "How we rebuilt the community garden shed");
    EXPECT_EQ(iso(a.date), "2021-03-27T10:12:44Z");
    ASSERT_TRUE(a.updated);
    EXPECT_EQ(iso(*a.updated), "2021-04-02T16:00:00Z");
    EXPECT_EQ(a.author.name, "Priya Nandakumar");  // the first of the list
    EXPECT_EQ(a.tags, (std::vector<std::string>{"gardening", "woodwork", "community"}));
    EXPECT_EQ(a.lang, "en-US");
    EXPECT_EQ(a.image, "https://diary.example.org/wp-content/uploads/2021/03/shed.jpg");
    EXPECT_EQ(a.summary, "Twelve volunteers, four weekends and a lot of reclaimed timber.");
    EXPECT_EQ(a.related_url, "https://diary.example.org/2021/shed/");
    EXPECT_TRUE(has(a.content_html, "<tr><td>Roofing felt</td><td>£64</td></tr>"));
    EXPECT_TRUE(has(a.content_html, "the most popular seat on the site."));
    for (const char* chrome :
         {"Share this", "Recent Posts", "Proudly powered", "Contact", "March 27, 2021"})
        EXPECT_FALSE(has(a.content_html, chrome)) << chrome;
}

TEST(HtmlArticle, PageWithoutMetadataIsScoredAndDatedByItsFile) {
    const auto out = parse("recipes/soup.html", fixture("plain.html"), lisbon());
    ASSERT_TRUE(out.article);
    const Article& a = *out.article;
    EXPECT_EQ(a.title, "Recipe: lentil soup for a cold evening");
    EXPECT_EQ(a.date_source, DateSource::mtime);
    EXPECT_TRUE(find_problem(out.problems, "no date found"));
    EXPECT_TRUE(has(a.content_html, "<p>Add 250 g of red lentils"));
    EXPECT_FALSE(has(a.content_html, "Recipes"));
    EXPECT_FALSE(has(a.content_html, "<td"));
    EXPECT_FALSE(has(a.content_html, "Last updated"));
    EXPECT_EQ(a.summary,
              "This soup takes forty minutes, costs very little, and feeds four people, or two "
              "people twice.");
}

TEST(HtmlArticle, Windows1251PageIsDecoded) {
    const std::string bytes = fixture("ru-cp1251.html");
    EXPECT_EQ(detect_charset(bytes).name, "WINDOWS-1251");
    const auto out = parse("ru/most.html", bytes, lisbon());
    ASSERT_TRUE(out.article);
    EXPECT_TRUE(out.problems.empty()) << to_string(out.problems[0]);
    const Article& a = *out.article;
    // The site's name after " — " goes: the page's <h1> is the title without it.
    EXPECT_EQ(a.title, "В Заречье открыли новый мост через реку");
    EXPECT_EQ(iso(a.date), "2021-04-05T11:20:00Z");
    EXPECT_EQ(a.author.name, "Ольга Смирнова");
    EXPECT_EQ(a.lang, "ru");
    EXPECT_TRUE(has(a.content_html, "«Теперь дорога до больницы занимает десять минут"));
    EXPECT_FALSE(has(a.content_html, "Главная"));
}

TEST(HtmlArticle, ShiftJisPageIsDecoded) {
    const std::string bytes = fixture("ja-shift_jis.html");
    EXPECT_EQ(detect_charset(bytes).name, "CP932");
    const auto out = parse("ja/library.html", bytes, lisbon());
    ASSERT_TRUE(out.article);
    EXPECT_TRUE(out.problems.empty()) << to_string(out.problems[0]);
    const Article& a = *out.article;
    EXPECT_EQ(a.title, "駅前の商店街に新しい図書館が開館");  // og:site_name names the suffix
    EXPECT_EQ(iso(a.date), "2020-11-02T01:00:00Z");
    EXPECT_TRUE(
        has(a.content_html, "館長は「買い物のついでに、気軽に立ち寄ってほしい」と話している。"));
    EXPECT_FALSE(has(a.content_html, "トップ"));
}

TEST(HtmlCharset, DeclarationsAndFallbacks) {
    EXPECT_EQ(detect_charset("\xEF\xBB\xBF<p>x").from, Charset::From::bom);
    EXPECT_EQ(detect_charset("<meta charset='ISO-8859-5'>").name, "ISO-8859-5");
    EXPECT_EQ(
        detect_charset("<META HTTP-EQUIV=\"content-type\" CONTENT=\"text/html; charset=koi8-r\">")
            .name,
        "KOI8-R");
    EXPECT_EQ(detect_charset("<meta charset=latin1>").name, "WINDOWS-1252");
    EXPECT_EQ(detect_charset("<meta charset=gb2312>").name, "GB18030");
    // Inside a comment or an attribute: no declaration.
    EXPECT_EQ(detect_charset("<!-- <meta charset=koi8-r> --><p>caf\xC3\xA9").from,
              Charset::From::valid_utf8);
    EXPECT_EQ(detect_charset("<a title='<meta charset=koi8-r>'>x</a>").name, "UTF-8");
    const Charset fallback = detect_charset("<p>caf\xE9</p>");
    EXPECT_EQ(fallback.name, "WINDOWS-1252");
    EXPECT_EQ(decode_to_utf8("<p>caf\xE9 \x80</p>", fallback).text,
              "<p>caf\xC3\xA9 \xE2\x82\xAC</p>");
}

TEST(HtmlCharset, InvalidBytesAreReplacedAndReportedWithTheirLine) {
    const std::string page =
        "<meta charset=\"shift_jis\">\n<title>x</title>\n<p>ok \x82\xA0 then \x85\x40 bad</p>\n";
    const auto out = parse("a.html", page);
    ASSERT_TRUE(out.article);
    const Problem* p = find_problem(out.problems, "bytes not valid in CP932 replaced by U+FFFD");
    ASSERT_TRUE(p);
    EXPECT_EQ(p->line, 3);
    EXPECT_TRUE(has(out.article->content_html, "ok \xE3\x81\x82 then \xEF\xBF\xBD"));

    const auto utf8 = parse("b.html", "<meta charset=utf-8>\n\n<p>bad \xFF here</p>");
    ASSERT_TRUE(utf8.article);
    const Problem* q = find_problem(utf8.problems, "invalid UTF-8 replaced by U+FFFD");
    ASSERT_TRUE(q);
    EXPECT_EQ(q->line, 3);

    const auto unknown = parse("c.html", "<meta charset=x-klingon><p>caf\xE9 au lait</p>");
    ASSERT_TRUE(unknown.article);
    EXPECT_TRUE(find_problem(unknown.problems, "unknown character set 'x-klingon'"));
    EXPECT_TRUE(has(unknown.article->content_html, "caf\xC3\xA9"));
}

TEST(HtmlArticle, JsonLdOddities) {
    // A WebSite without a name (the fuzz target's find: a missing key read from a const object),
    // CDATA around the block, broken JSON-LD before a good one, an author given as a string.
    const auto out = parse("j.html",
                           "<title>Page | Site</title>"
                           "<script type='application/ld+json'>{\"@type\": broken</script>"
                           "<script type='application/ld+json'>//<![CDATA[\n{\"@graph\":["
                           "{\"@type\":\"WebSite\"},{\"@type\":\"NewsArticle\","
                           "\"headline\":\"From JSON-LD\",\"author\":\"By Kim Lee\","
                           "\"datePublished\":\"2022-02-02T02:02:02+02:00\"}]}\n//]]></script>"
                           "<p>Text of the page.</p>");
    ASSERT_TRUE(out.article);
    EXPECT_EQ(out.article->title, "From JSON-LD");
    EXPECT_EQ(out.article->author.name, "Kim Lee");
    EXPECT_EQ(iso(out.article->date), "2022-02-02T00:02:02Z");
}

TEST(HtmlArticle, FrontMatterOutranksThePage) {
    const auto out = parse("p.html",
                           "---\ntitle: From the front matter\ndate: 2020-01-02\n---\n"
                           "<html><head><title>From the page</title>"
                           "<meta property='article:published_time' content='2019-05-05T10:00Z'>"
                           "<meta name=author content='Page Author'></head>"
                           "<body><p>Some text here, long enough.</p></body></html>");
    ASSERT_TRUE(out.article);
    EXPECT_EQ(out.article->title, "From the front matter");
    EXPECT_EQ(iso(out.article->date), "2020-01-02T00:00:00Z");
    EXPECT_EQ(out.article->author.name, "Page Author");
}

TEST(HtmlArticle, SidecarOutranksThePage) {
    SourceFile source;
    source.path = "p.html";
    source.bytes = "<title>Page title</title><p>Body text of the page.</p>";
    source.sidecar = "title: Sidecar title\ndate: 2021-02-03\n";
    const auto out = parse_article(source, ContentConfig{});
    ASSERT_TRUE(out.article);
    EXPECT_EQ(out.article->title, "Sidecar title");
    EXPECT_EQ(iso(out.article->date), "2021-02-03T00:00:00Z");
}

TEST(HtmlArticle, ProblemsFeeddCheckPrints) {
    const auto chrome = parse("menu.html",
                              "<title>Menu</title><body><nav><a href=/>Home</a></nav>"
                              "<footer>(c) 2020</footer></body>");
    EXPECT_FALSE(chrome.article);
    EXPECT_TRUE(find_problem(chrome.problems, "nothing that looks like an article"));

    const auto untitled = parse("2020-05-06-untitled.html", "<p>Only a paragraph of text.</p>");
    ASSERT_TRUE(untitled.article);
    EXPECT_EQ(untitled.article->title, "untitled");
    EXPECT_TRUE(find_problem(untitled.problems, "no title found"));
    EXPECT_EQ(untitled.article->date_source, DateSource::file_name);

    const auto bad_date = parse("d.html",
                                "<title>T</title><meta name=date content='the day after'>"
                                "<meta name=dc.date content='2020-02-02'><p>Text.</p>");
    ASSERT_TRUE(bad_date.article);
    EXPECT_EQ(iso(bad_date.article->date), "2020-02-02T00:00:00Z");
    EXPECT_TRUE(
        find_problem(bad_date.problems, "date 'the day after' of <meta date> not understood"));
}

TEST(HtmlArticle, UnsafeMarkupIsDropped) {
    const auto out = parse(
        "x.html",
        "<title>T</title><article><p style='color:red' onmouseover='steal()'>Hello "
        "<a href='javascript:alert(1)'>link</a> <b class=x>bold</b><iframe src=//ads></iframe>"
        "<custom-tag>kept text</custom-tag><span hidden>secret</span>"
        "<img src=x.png onerror=boom()><svg><text>svg text</text></svg></p>"
        "<p>Second paragraph with enough text to be the article, as pages have.</p>"
        "<p>Third paragraph, also with text, so that the article is long enough.</p></article>");
    ASSERT_TRUE(out.article);
    const std::string& h = out.article->content_html;
    EXPECT_TRUE(has(h, "<p>Hello <a>link</a> <b>bold</b>kept text<img src=\"x.png\" /></p>")) << h;
    for (const char* bad :
         {"style", "onmouseover", "javascript", "iframe", "secret", "svg", "onerror", "custom"})
        EXPECT_FALSE(has(h, bad)) << bad;
}

TEST(HtmlArticle, CutMarkerEndsTheText) {
    ContentConfig c;
    c.cut_markers = {"Read also"};
    const auto out =
        parse("x.html",
              "<title>T</title><article><p>First part of the story, which is kept.</p>"
              "<h3>Read also</h3><p>A teaser for another story entirely.</p></article>",
              c);
    ASSERT_TRUE(out.article);
    EXPECT_TRUE(has(out.article->content_html, "First part"));
    EXPECT_FALSE(has(out.article->content_html, "Read also"));
    EXPECT_FALSE(has(out.article->content_html, "teaser"));
}

TEST(HtmlArticle, TeaserArticlesDoNotHideTheStory) {
    // The story is in <div>s; the page's <article>s are cards linking to other stories.
    std::string story;
    for (const char* p :
         {"The harbour board met on Monday evening, and after a long debate, it agreed to dredge "
          "the channel before the autumn storms arrive.",
          "Fishing crews had warned for months that the silt bar at the entrance made the evening "
          "tide, the one most boats need, too shallow for loaded hulls.",
          "The work, paid for by the county, the board and the ferry company together, starts in "
          "September and should take three weeks, weather permitting.",
          "Residents near the slipway will see the dredger moored off the pier, lit at night, and "
          "the board promised a public meeting before the second phase."})
        story += std::string("<p>") + p + "</p>";
    const std::string page =
        "<html><head><title>Channel to be dredged</title></head><body>"
        "<div class=layout><div class=column><h1>Channel to be dredged</h1>" +
        story +
        "</div><div class=cards>"
        "<article><h3><a href=/a>Market hall reopens</a></h3><p>The market hall opens its doors "
        "again on Saturday after a year of repairs to the roof and the old clock tower, with "
        "forty stalls, a fish counter and a café on the gallery above the square.</p>"
        "</article><article><h3><a href=/b>Lifeboat day</a></h3><p>Crews show the new boat "
        "to visitors.</p></article></div></div></body></html>";
    const auto out = parse("news/dredging.html", page);
    ASSERT_TRUE(out.article);
    EXPECT_TRUE(has(out.article->content_html, "the silt bar at the entrance"));
    EXPECT_TRUE(has(out.article->content_html, "promised a public meeting"));
    EXPECT_FALSE(has(out.article->content_html, "Market hall reopens"));

    // The page's <article> stays its text beside a block outside it with less than twice its
    // text.
    const std::string marked = "<html><body><article><h1>Channel to be dredged</h1>" + story +
                               "</article><div class=column>" + story.substr(0, story.size() / 2) +
                               "<p>An older story, kept for the archive, which a scoring of "
                               "paragraphs alone might well prefer.</p></div></body></html>";
    const auto note = parse("news/note.html", marked);
    ASSERT_TRUE(note.article);
    EXPECT_TRUE(has(note.article->content_html, "promised a public meeting"));
    EXPECT_FALSE(has(note.article->content_html, "An older story"));
}

TEST(HtmlArticle, HundredThousandNestedDivsAreReadFlat) {
    std::string page = "<title>Deep</title>";
    constexpr int kDepth = 100000;
    for (int i = 0; i < kDepth; ++i) page += "<div>";
    page += "<p>The text at the bottom of the well, still found.</p>";
    for (int i = 0; i < kDepth; ++i) page += "</div>";
    const auto start = std::chrono::steady_clock::now();
    const auto out = parse("deep.html", page);
    const auto took = std::chrono::steady_clock::now() - start;
    ASSERT_TRUE(out.article);
    EXPECT_TRUE(has(out.article->content_html, "The text at the bottom of the well"));
    EXPECT_TRUE(find_problem(out.problems, "tag(s) dropped"));
    // Quadratic parsing took minutes here; linear takes well under a second even unoptimised.
    EXPECT_LT(took, std::chrono::seconds(20));
}

TEST(HtmlDom, PrepareForParserLeavesOrdinaryPagesAlone) {
    std::size_t dropped = 0;
    const std::string page =
        "<ul><li>a<li>b</ul><p>x<p>y<br><img src=a><textarea><div><div></textarea>"
        "<svg/><math><mi/><mi/></math><!----><!-->";
    EXPECT_EQ(html::prepare_for_parser(page, 2, dropped), "");
    EXPECT_EQ(dropped, 0u);
    // Scripts and styles are emptied before parsing, JSON-LD is kept.
    EXPECT_EQ(
        html::prepare_for_parser("<script>if (a<b) document.write('<div><div>')</script>"
                                 "<STYLE>p{}</STYLE><script type=application/ld+json>{}</script>",
                                 2, dropped),
        "<script></script><STYLE></STYLE><script type=application/ld+json>{}</script>");
    EXPECT_EQ(dropped, 0u);
    EXPECT_EQ(html::prepare_for_parser("<div><div><div>x</div></div></div>", 2, dropped),
              "<div><div>x</div></div></div>");
    EXPECT_EQ(dropped, 1u);
}

// Dates a page shows its readers, in its language (docs/content.md, "Dates"): read with the
// date reader of every article, in content.timezone (Lisbon: UTC+1 in summer, UTC in winter).
std::string page_date(const std::string& body, const std::string& head = {}) {
    const auto out = parse("news/page.html",
                           "<!doctype html><html><head><title>A ferry for the island</title>" +
                               head + "</head><body>" + body + "</body></html>",
                           lisbon());
    if (!out.article) return "no article";
    if (out.article->date_source != DateSource::metadata) return "no date";
    return iso(out.article->date);
}

const std::string kStory =
    "<p>The council voted on Tuesday to run a ferry to the island twice a day, starting in the "
    "spring, after three years of petitions from the people who live there.</p>";

TEST(HtmlDates, TimeWithoutDatetimeIsReadInThePagesLanguage) {
    EXPECT_EQ(page_date("<article><h1>Паром</h1><time>5 апреля 2021, 14:05</time>" + kStory +
                        "</article>"),
              "2021-04-05T13:05:00Z");
    EXPECT_EQ(
        page_date("<article><time>Publié le 3 mars 2020 à 14h05</time>" + kStory + "</article>"),
        "2020-03-03T14:05:00Z");
    // A <time> that holds no date is no date, and no warning either.
    const auto out =
        parse("news/page.html",
              "<html><body><article><time>3 hours ago</time>" + kStory + "</article></body></html>",
              lisbon());
    ASSERT_TRUE(out.article);
    EXPECT_EQ(out.article->date_source, DateSource::mtime);
    EXPECT_FALSE(find_problem(out.problems, "of <time>"));
    EXPECT_TRUE(find_problem(out.problems, "no date found"));
}

TEST(HtmlDates, BylineDateIsRead) {
    EXPECT_EQ(page_date("<article><p class=\"byline\">Por Ana Silva, 21 de dezembro de 2018 às "
                        "14h05</p>" +
                        kStory + "</article>"),
              "2018-12-21T14:05:00Z");
    EXPECT_EQ(page_date("<main><div class=\"post-meta entry-date\">Opublikowano: 5 kwietnia 2021 "
                        "r., godz. 9:30</div>" +
                        kStory + "</main>"),
              "2021-04-05T08:30:00Z");
    // Outside the article when the article has none.
    EXPECT_EQ(page_date("<div id=\"dateline\">Berlin, 5. April 2021</div><article>" + kStory +
                        "</article>"),
              "2021-04-04T23:00:00Z");
    // The article's own dateline before a list of other stories' dates that comes first.
    EXPECT_EQ(page_date("<aside><span class=\"date\">1 May 2020</span></aside><article><span "
                        "class=\"date\">2 June 2020</span>" +
                        kStory + "</article>"),
              "2020-06-01T23:00:00Z");
    // "Updated" is not when it was published.
    EXPECT_EQ(page_date("<article><p class=\"updated\">7 June 2020</p>" + kStory + "</article>"),
              "no date");
}

TEST(HtmlDates, MachineReadableDatesOutrankVisibleOnes) {
    EXPECT_EQ(page_date("<article><time datetime=\"2021-04-06T10:00:00Z\">5 апреля 2021</time>" +
                            kStory + "</article>",
                        "<meta property=\"article:published_time\" content=\"2021-04-07\">"),
              "2021-04-06T23:00:00Z");
    EXPECT_EQ(page_date("<article><p class=\"byline\">5 April 2021</p><time "
                        "datetime=\"2021-04-06T10:00:00Z\">x</time>" +
                        kStory + "</article>"),
              "2021-04-06T10:00:00Z");
}

TEST(HtmlDates, MetaAndMicrodataDatesInWords) {
    EXPECT_EQ(page_date("<article>" + kStory + "</article>",
                        "<meta name=\"date\" content=\"3 marzo 2020, 14:05\">"),
              "2020-03-03T14:05:00Z");
    EXPECT_EQ(page_date("<article>" + kStory + "</article>",
                        "<meta name=\"pubdate\" content=\"Publicado: 21 de dezembro de 2018\">"),
              "2018-12-21T00:00:00Z");
    EXPECT_EQ(page_date("<article><span itemprop=\"datePublished\">Veröffentlicht am 5. April "
                        "2021</span>" +
                        kStory + "</article>"),
              "2021-04-04T23:00:00Z");
    EXPECT_EQ(page_date("<div class=\"h-entry\"><span class=\"dt-published\">2021. április 5. "
                        "14:05</span><div class=\"e-content\">" +
                        kStory + "</div></div>"),
              "2021-04-05T13:05:00Z");
    // One that cannot be read is a warning naming its source; the next source is tried.
    const auto out = parse("news/page.html",
                           "<html><head><meta name=\"date\" content=\"le lendemain\"></head><body>"
                           "<article><time>8 luglio 2019</time>" +
                               kStory + "</article></body></html>",
                           lisbon());
    ASSERT_TRUE(out.article);
    EXPECT_EQ(iso(out.article->date), "2019-07-07T23:00:00Z");
    EXPECT_TRUE(find_problem(out.problems, "date 'le lendemain' of <meta date> not understood"));
}

TEST(FindDate, FindsTheFirstDateInRunningText) {
    const auto found = [](std::string_view text) {
        const auto d = find_date(text);
        return d ? std::string(*d) : std::string("none");
    };
    EXPECT_EQ(found("Published 5 April 2021 at 14:05 by Jane Doe"), "5 April 2021 at 14:05");
    EXPECT_EQ(found("Опубликовано: 5 апреля 2021, 14:05 — Москва"), "5 апреля 2021, 14:05");
    EXPECT_EQ(found("Publié le 3 mars 2020 à 14h05, mis à jour le 4 mars"),
              "le 3 mars 2020 à 14h05");
    EXPECT_EQ(found("Jane Doe | 2021-04-05 | 3 min read"), "2021-04-05");
    EXPECT_EQ(found("5 April, a spring day"), "none");  // no year: too weak in running text
    EXPECT_EQ(found("3 hours ago"), "none");
    EXPECT_EQ(found(""), "none");
    // Only the first 64 words are looked at.
    std::string far;
    for (int i = 0; i < 70; ++i) far += "word ";
    EXPECT_EQ(found(far + "5 April 2021"), "none");
}

TEST(HtmlDom, PrepareForParserDropsWhatIsNeverRead) {
    std::size_t dropped = 0;
    const auto prepared = [&](std::string_view page) {
        const std::string out = html::prepare_for_parser(page, 256, dropped);
        return out.empty() ? std::string(page) : out;
    };
    // Comments keep their place, not their text; they end where a tokenizer ends them.
    EXPECT_EQ(prepared("a<!-- <div><div> -->b<!-- x --!>c"), "a<!---->b<!----!>c");
    EXPECT_EQ(prepared("<!--><p>kept</p><!-- x -->"), "<!--><p>kept</p><!---->");
    EXPECT_EQ(prepared("<!---><p>kept</p>"), "<!---><p>kept</p>");
    // An icon's content goes, its element stays; nested <svg>s and CDATA are followed.
    EXPECT_EQ(prepared("<p>a<svg viewBox=\"0 0 1 1\"><svg><path d=\"M0 0\"/></svg>"
                       "<![CDATA[</svg>]]><title>Icon</title></svg>b</p>"),
              "<p>a<svg viewBox=\"0 0 1 1\"></svg>b</p>");
    // HTML inside an <svg> ends it in a parser: nothing is removed then.
    const std::string broken = "<svg><path/><p>Text of the page</p></svg>";
    EXPECT_EQ(prepared(broken), broken);
    // White space between tags: the first character of each run, but in <pre>; a doctype as
    // written.
    EXPECT_EQ(
        prepared("<!DOCTYPE html PUBLIC  \"-//W3C//DTD  HTML 4.01//EN\">\n\n<div>\n    <p>a  \t b"
                 "</p>\n  <pre>\n  x\n\n  y</pre>  <p title=\"a  b\">c  d</p></div>"),
        "<!DOCTYPE html PUBLIC  \"-//W3C//DTD  HTML 4.01//EN\">\n<div>\n<p>a b</p>\n<pre>\n  "
        "x\n\n  y</pre> <p title=\"a  b\">c d</p></div>");
    EXPECT_EQ(prepared("<textarea>a  b</textarea>  "), "<textarea>a  b</textarea> ");
}

TEST(HtmlDom, PrepareForParserDropsUnreadAttributesOnly) {
    std::size_t dropped = 0;
    EXPECT_EQ(html::prepare_for_parser("<img onclick=\"zoom(this)\" data-state='{\"a\":\"<b>\"}' "
                                       "data-src=/a.jpg DATA-LAZY-SRCSET=\"/a.jpg 2x\" "
                                       "src=x.gif><a href=/b data-x/>b</a data-y=1>",
                                       256, dropped),
              "<img   data-src=/a.jpg DATA-LAZY-SRCSET=\"/a.jpg 2x\" src=x.gif><a href=/b />b</a "
              "data-y=1>");
    // A tag nested too deep goes whole, its attributes with it.
    EXPECT_EQ(html::prepare_for_parser("<div><div data-a=1 onload=x>y</div></div>", 1, dropped),
              "<div>y</div></div>");
    EXPECT_EQ(dropped, 1u);
}

// The tree gumbo makes of `page`, as feedd reads it: elements and the attributes it reads, text
// with white space collapsed (but in <pre>), no comment's text, no <svg>'s content.
std::string shape(std::string_view page) {
    GumboOutput* output = gumbo_parse_with_options(&kGumboDefaultOptions, page.data(), page.size());
    std::string out;
    int pre = 0;
    html::walk(
        output->document,
        [&](const GumboNode* n) {
            if (n->type == GUMBO_NODE_COMMENT) {
                out += "<!>";
                return false;
            }
            if (n->type == GUMBO_NODE_TEXT || n->type == GUMBO_NODE_WHITESPACE ||
                n->type == GUMBO_NODE_CDATA) {
                bool space = false;
                for (const char* c = n->v.text.text; *c; ++c) {
                    const bool is_space = std::strchr(" \t\n\r\f", *c) != nullptr;
                    if (pre == 0 && is_space) {
                        space = true;
                        continue;
                    }
                    if (space) out += ' ';
                    space = false;
                    out += *c;
                }
                if (space) out += ' ';
                return false;
            }
            if (!html::is_element(n)) return true;
            out += "<" + std::string(gumbo_normalized_tagname(html::tag(n)));
            const GumboVector& attributes = n->v.element.attributes;
            for (unsigned i = 0; i < attributes.length; ++i) {
                const auto* a = static_cast<const GumboAttribute*>(attributes.data[i]);
                const std::string_view name = a->name;
                if (name.starts_with("on") ||
                    (name.starts_with("data-") && name != "data-src" && name != "data-srcset"))
                    continue;
                out += " " + std::string(name) + "=" + a->value;
            }
            out += ">";
            if (html::tag(n) == GUMBO_TAG_PRE) ++pre;
            // Scripts and styles are emptied on purpose (JSON-LD is kept: other tests).
            return html::tag(n) != GUMBO_TAG_SVG && html::tag(n) != GUMBO_TAG_SCRIPT &&
                   html::tag(n) != GUMBO_TAG_STYLE;
        },
        [&](const GumboNode* n) {
            if (html::tag(n) == GUMBO_TAG_PRE) --pre;
            if (html::is_element(n)) out += "</>";
        });
    gumbo_destroy_output(&kGumboDefaultOptions, output);
    return out;
}

TEST(HtmlDom, PreparedPagesMakeTheSameTree) {
    std::size_t dropped = 0;
    for (const char* name : {"news.html", "blog-hentry.html", "graph.html", "plain.html"}) {
        const std::string page = fixture(name);
        const std::string prepared = html::prepare_for_parser(page, html::kMaxDepth, dropped);
        if (prepared.empty()) continue;  // nothing to leave out
        EXPECT_LT(prepared.size(), page.size()) << name;
        EXPECT_EQ(shape(prepared), shape(page)) << name;
    }
    const std::string tricky =
        "<!DOCTYPE html>\n<table>  <tr>  <td>a  b</td>\n\n</tr>  x  </table>\n"
        "<p title='a > b'  onclick=\"if (a > b) go()\">  c  <b>d</b>  <i>e</i></p>"
        "<svg width=2><g><path d=\"M0 0\"/></g><text> icon </text></svg>"
        "<svg><foreignObject><div>kept</div></foreignObject></svg>"
        "<pre>\n\n  code  </pre>  <textarea>  t  </textarea><select>  <option>  o</select>"
        "<math><mi>x</mi>  </math><!-- c --><!--> f <!--->"
        "<script><!-- document.write('<script src=a.js></script>') --></script>  after"
        "<script><!--></script>g<script>a</scripts></script>h";
    const std::string prepared = html::prepare_for_parser(tricky, html::kMaxDepth, dropped);
    ASSERT_FALSE(prepared.empty());
    EXPECT_EQ(shape(prepared), shape(tricky));
}

TEST(HtmlArticle, PagePreparedForTheParserReadsAsItself) {
    // The same page with and without what prepare_for_parser removes gives the same entry.
    const std::string body =
        "<p>The ferry  council met on Tuesday, and voted, at length, to keep the winter "
        "timetable.</p><p>Residents of the island    said the vote was long overdue.</p>"
        "<pre>  two\n\n  lines</pre>";
    const std::string plain =
        "<html><head><title>Ferry vote</title></head><body><article>"
        "<h1>Ferry vote</h1>" +
        body + "</article></body></html>";
    const std::string noisy =
        "<!DOCTYPE html>\n<html>\n  <head>\n    <title>Ferry vote</title>\n  </head>\n  <body>\n"
        "    <!-- navigation -->\n    <article>\n      <h1>Ferry <svg><title>boat icon</title>"
        "<path d=\"M0 0h10v10z\"/></svg>vote</h1>\n      " +
        body + "\n    </article>\n  </body>\n</html>\n";
    const auto a = parse("plain.html", plain);
    const auto b = parse("noisy.html", noisy);
    ASSERT_TRUE(a.article);
    ASSERT_TRUE(b.article);
    EXPECT_EQ(a.article->title, "Ferry vote");
    EXPECT_EQ(b.article->title, a.article->title);
    EXPECT_EQ(b.article->content_html, a.article->content_html);
    EXPECT_TRUE(has(b.article->content_html, "<pre>  two\n\n  lines</pre>"));
    EXPECT_EQ(b.article->summary, a.article->summary);
}

TEST(HtmlTitle, SiteSuffixGoesOnlyWhenSomethingNamesTheSite) {
    using html::title_without_site;
    EXPECT_EQ(title_without_site("Ferry vote | The Ledger", "The Ledger", ""), "Ferry vote");
    EXPECT_EQ(title_without_site("Ferry vote - the ledger", "The Ledger", ""), "Ferry vote");
    EXPECT_EQ(title_without_site("The Ledger — Ferry vote", "The Ledger", ""), "Ferry vote");
    EXPECT_EQ(title_without_site("Ferry vote | The Ledger", "", "Ferry vote"), "Ferry vote");
    // Nothing says what "Part two" is: kept.
    EXPECT_EQ(title_without_site("Ferry vote - Part two", "The Ledger", "Something else"),
              "Ferry vote - Part two");
}

}  // namespace
}  // namespace feedd
