#include "feed/browser_view.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <pugixml.hpp>
#include <string>

#include "feed/snapshot.h"
#include "feed/writers_test_support.h"

namespace feedd {
namespace {

// sample_feed() plus a third, oldest entry, so a cut has entries on both sides.
Feed three_entry_feed() {
    Feed feed = test::sample_feed();
    Entry c;
    c.id = "tag:news.example.org,2023:c";
    c.link = "https://news.example.org/c/";
    c.title = "Oldest </item></entry> ]},{ \"x";  // close tags and JSON syntax inside text
    c.published = c.updated = test::at(2023, 12, 24, 10, 0, 0);
    c.summary = "Third";
    feed.entries.push_back(c);
    return feed;
}

bool contains(const std::string& haystack, const std::string& needle) {
    return haystack.find(needle) != std::string::npos;
}

class BrowserViewTest : public ::testing::Test {
  protected:
    Feed feed = three_entry_feed();
    Snapshot snapshot = make_snapshot(feed);
};

TEST_F(BrowserViewTest, EveryFeedGetsAnHtmlViewWithItsOwnEtags) {
    for (const char* path : {"/feed.xml", "/atom.xml", "/feed.json"}) {
        const Resource& feed_resource = *snapshot.find(path);
        ASSERT_NE(feed_resource.browser_view(), nullptr) << path;
        const Resource& html = *feed_resource.browser_view();
        EXPECT_EQ(html.content_type, "text/html; charset=utf-8");
        EXPECT_FALSE(html.gzip_body().empty());
        EXPECT_FALSE(html.br_body().empty());
        for (const std::string* tag : {&html.etag, &html.gzip_etag, &html.br_etag}) {
            EXPECT_TRUE(tag->starts_with('"') && tag->ends_with('"')) << *tag;
            EXPECT_NE(*tag, feed_resource.etag);
            EXPECT_NE(*tag, feed_resource.gzip_etag);
            EXPECT_NE(*tag, feed_resource.br_etag);
        }
        EXPECT_NE(html.etag, html.gzip_etag);
        EXPECT_NE(html.etag, html.br_etag);
    }
    EXPECT_EQ(snapshot.find("/")->browser_view(), nullptr) << "pages are not feeds";
}

TEST_F(BrowserViewTest, PageShowsTitleSubscribeUrlAndEntries) {
    const std::string& html = snapshot.find("/feed.xml")->browser_view()->body;
    EXPECT_TRUE(html.starts_with("<!DOCTYPE html>"));
    EXPECT_TRUE(contains(html, "<h1>News &amp; &lt;Views&gt;</h1>"));
    EXPECT_TRUE(contains(html, "All the &quot;news&quot;"));
    EXPECT_TRUE(contains(html, "<code class=\"url\">https://news.example.org/feed.xml</code>"));
    EXPECT_TRUE(contains(html, "<link rel=\"alternate\" type=\"application/rss+xml\""));
    EXPECT_TRUE(contains(html, "<a href=\"https://news.example.org/\">visit the website</a>"));
    // Entry titles and summaries are text, escaped once more for HTML.
    EXPECT_TRUE(contains(html, "<a href=\"https://news.example.org/world/space/\">Rockets "
                               "&lt;b&gt;&amp;&lt;/b&gt; &quot;moons&quot;</a>"));
    EXPECT_TRUE(contains(html, "<p>Summary with &lt;tags&gt; &amp; ampersands</p>"));
    // Dates in words, in entry order; RSS gives pubDate (the published date).
    const auto first = html.find("5 April 2024");
    const auto second = html.find("9 January 2024");
    const auto third = html.find("24 December 2023");
    ASSERT_NE(first, std::string::npos);
    ASSERT_NE(second, std::string::npos);
    ASSERT_NE(third, std::string::npos);
    EXPECT_LT(first, second);
    EXPECT_LT(second, third);
    EXPECT_FALSE(contains(html, "<script")) << "no script: the page must work without it";
}

TEST_F(BrowserViewTest, AtomAndJsonViewsNameTheirOwnUrl) {
    const std::string& atom = snapshot.find("/atom.xml")->browser_view()->body;
    EXPECT_TRUE(contains(atom, "<code class=\"url\">https://news.example.org/atom.xml</code>"));
    EXPECT_TRUE(contains(atom, "(Atom)"));
    EXPECT_TRUE(contains(atom, "5 April 2024"));
    const std::string& json = snapshot.find("/feed.json")->browser_view()->body;
    EXPECT_TRUE(contains(json, "<code class=\"url\">https://news.example.org/feed.json</code>"));
    EXPECT_TRUE(contains(json, "(JSON Feed)"));
    EXPECT_TRUE(contains(json, "Only a summary"));
}

TEST(BrowserView, OnlyWebLinksBecomeHrefs) {
    const std::string rss =
        "<rss version=\"2.0\"><channel><title>T</title><link>javascript:alert(1)</link>"
        "<description>D</description><item><title>X</title><link>javascript:alert(2)</link>"
        "</item></channel></rss>";
    const auto view = view_feed("application/rss+xml", rss, "https://e.org/feed.xml");
    ASSERT_TRUE(view.has_value()) << view.error();
    EXPECT_FALSE(contains(view->html, "javascript:"));
    EXPECT_TRUE(contains(view->html, "<h3>X</h3>"));
}

TEST(BrowserView, RejectsWhatIsNotAFeed) {
    EXPECT_FALSE(view_feed("application/rss+xml", "<rss><channel>", "u").has_value());
    EXPECT_FALSE(view_feed("application/rss+xml", "<html/>", "u").has_value());
    EXPECT_FALSE(view_feed("text/html", "<rss/>", "u").has_value());
    EXPECT_FALSE(view_feed("application/feed+json", "[1]", "u").has_value());
}

TEST_F(BrowserViewTest, SpansCoverEachEntryExactly) {
    const Resource& rss = *snapshot.find("/feed.xml");
    ASSERT_EQ(rss.entry_spans().size(), 3u);
    for (const auto& [begin, end] : rss.entry_spans()) {
        const std::string entry = rss.body.substr(begin, end - begin);
        EXPECT_TRUE(entry.starts_with("<item>")) << entry;
        EXPECT_TRUE(entry.ends_with("</item>")) << entry;
    }
    const Resource& atom = *snapshot.find("/atom.xml");
    ASSERT_EQ(atom.entry_spans().size(), 3u);
    for (const auto& [begin, end] : atom.entry_spans()) {
        EXPECT_TRUE(atom.body.substr(begin, end - begin).starts_with("<entry"));
        EXPECT_TRUE(atom.body.substr(begin, end - begin).ends_with("</entry>"));
    }
    const Resource& json = *snapshot.find("/feed.json");
    ASSERT_EQ(json.entry_spans().size(), 3u);
    const auto items = nlohmann::json::parse(json.body)["items"];
    for (std::size_t i = 0; i < 3; ++i) {
        const auto [begin, end] = json.entry_spans()[i];
        EXPECT_EQ(nlohmann::json::parse(json.body.substr(begin, end - begin)), items[i]);
    }
}

// The cut documents are the same feed with the first N entries: well-formed, same channel data.
TEST_F(BrowserViewTest, LimitFeedKeepsTheNewestEntries) {
    const Resource& rss = *snapshot.find("/feed.xml");
    for (std::size_t n = 1; n <= 4; ++n) {
        const std::string cut = limit_feed(rss.body, rss.entry_spans(), n);
        pugi::xml_document doc;
        ASSERT_TRUE(doc.load_string(cut.c_str())) << cut;
        const pugi::xml_node channel = doc.child("rss").child("channel");
        EXPECT_STREQ(channel.child("title").text().get(), "News & <Views>");
        std::size_t items = 0;
        for (const pugi::xml_node item : channel.children("item")) {
            EXPECT_STREQ(item.child("title").text().get(), feed.entries[items].title.c_str());
            ++items;
        }
        EXPECT_EQ(items, std::min<std::size_t>(n, 3));
    }
    EXPECT_EQ(limit_feed(rss.body, rss.entry_spans(), 3), rss.body);

    const Resource& atom = *snapshot.find("/atom.xml");
    pugi::xml_document atom_doc;
    ASSERT_TRUE(atom_doc.load_string(limit_feed(atom.body, atom.entry_spans(), 2).c_str()));
    EXPECT_EQ(std::distance(atom_doc.child("feed").children("entry").begin(),
                            atom_doc.child("feed").children("entry").end()),
              2);

    const Resource& json = *snapshot.find("/feed.json");
    const auto full = nlohmann::json::parse(json.body);
    const auto one = nlohmann::json::parse(limit_feed(json.body, json.entry_spans(), 1));
    ASSERT_EQ(one["items"].size(), 1u);
    EXPECT_EQ(one["items"][0], full["items"][0]);
    EXPECT_EQ(one["title"], full["title"]);
}

TEST_F(BrowserViewTest, StylesheetIsServedAsXslt) {
    const Resource* xsl = snapshot.find(std::string(kStylesheetPath));
    ASSERT_NE(xsl, nullptr);
    EXPECT_EQ(xsl->content_type, "text/xsl; charset=utf-8");
    pugi::xml_document doc;
    ASSERT_TRUE(doc.load_string(xsl->body.c_str()));
    EXPECT_STREQ(doc.document_element().name(), "xsl:stylesheet");
    EXPECT_FALSE(xsl->br_body().empty());
}

}  // namespace
}  // namespace feedd
