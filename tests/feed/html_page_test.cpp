#include <gtest/gtest.h>

#include "feed/writers.h"
#include "feed/writers_test_support.h"

namespace feedd {
namespace {

bool contains(const std::string& haystack, const std::string& needle) {
    return haystack.find(needle) != std::string::npos;
}

TEST(IndexPage, HasAutodiscoveryLinksForEveryFeed) {
    const std::string html = render_index_html(test::sample_feed());
    EXPECT_EQ(html.rfind("<!DOCTYPE html>\n<html lang=\"en\">", 0), 0u) << html;
    EXPECT_TRUE(contains(html,
                         "<link rel=\"alternate\" type=\"application/rss+xml\" "
                         "title=\"News &amp; &lt;Views&gt; (RSS)\" "
                         "href=\"https://news.example.org/feed.xml\">"))
        << html;
    EXPECT_TRUE(contains(html, "type=\"application/atom+xml\""));
    EXPECT_TRUE(contains(html, "href=\"https://news.example.org/atom.xml\""));
    EXPECT_TRUE(contains(html, "type=\"application/feed+json\""));
    EXPECT_TRUE(contains(html, "href=\"https://news.example.org/feed.json\""));
}

TEST(IndexPage, ListsEntriesEscapedWithDates) {
    const std::string html = render_index_html(test::sample_feed());
    EXPECT_TRUE(contains(html, "<title>News &amp; &lt;Views&gt;</title>")) << html;
    EXPECT_TRUE(contains(html,
                         "<li><time datetime=\"2024-04-05T12:20:00Z\">2024-04-05</time> "
                         "<a href=\"https://news.example.org/world/space/\">"
                         "Rockets &lt;b&gt;&amp;&lt;/b&gt; &quot;moons&quot;</a></li>"))
        << html;
    EXPECT_FALSE(contains(html, "<b>"));
}

TEST(IndexPage, SaysWhenNothingIsPublished) {
    Feed feed = test::sample_feed();
    feed.entries.clear();
    const std::string html = render_index_html(feed);
    EXPECT_TRUE(contains(html, "Nothing published yet.")) << html;
    EXPECT_FALSE(contains(html, "<ul>"));
}

}  // namespace
}  // namespace feedd
