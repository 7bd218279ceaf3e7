// `feedd adopt`'s reading of a site's published feed and its matching of entries to articles
// (feed/adoption.h).
#include "feed/adoption.h"

#include <gtest/gtest.h>

#include "feed_test_support.h"

namespace feedd::test {
namespace {

TEST(Adoption, ReadsRssItems) {
    const auto entries = read_published_feed(R"(<?xml version="1.0"?>
<rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/"><channel><title>Old</title>
 <item><title>First &amp; best</title><link>https://news.example.org/first/</link>
  <guid isPermaLink="false">tag:news.example.org,2019:1</guid><pubDate>Fri, 05 Apr 2024 12:20:00 +0200</pubDate></item>
 <item><title><![CDATA[<em>Second</em>]]></title><link>https://news.example.org/second/</link>
  <dc:date>2024-04-06T08:00:00Z</dc:date></item>
 <item><title>Third</title><guid>https://news.example.org/third/</guid></item>
</channel></rss>)",
                                             "old.xml", "UTC");
    ASSERT_TRUE(entries) << entries.error();
    ASSERT_EQ(entries->size(), 3u);
    EXPECT_EQ((*entries)[0].id, "tag:news.example.org,2019:1");
    EXPECT_EQ((*entries)[0].title, "First & best");
    EXPECT_EQ((*entries)[0].date, at(2024, 4, 5, 10, 20));
    EXPECT_EQ((*entries)[1].id,
              "https://news.example.org/second/");  // no guid: readers key by link
    EXPECT_EQ((*entries)[1].title, "Second");
    EXPECT_EQ((*entries)[1].date, at(2024, 4, 6, 8));
    EXPECT_EQ((*entries)[2].link,
              "https://news.example.org/third/");  // a permalink guid is its link
    EXPECT_FALSE((*entries)[2].date);
}

TEST(Adoption, ReadsAtomEntries) {
    const auto entries =
        read_published_feed(R"(<feed xmlns="http://www.w3.org/2005/Atom"><title>Old</title>
 <entry><id>tag:news.example.org,2013-06-07:/blog/a/</id><title type="html">A &lt;b&gt;bold&lt;/b&gt; move</title>
  <link rel="enclosure" href="https://cdn.example.org/a.mp3"/><link href="https://news.example.org/blog/a/"/>
  <updated>2024-01-02T00:00:00Z</updated><published>2013-06-07T18:46:00-07:00</published></entry>
</feed>)",
                            "old.atom", "UTC");
    ASSERT_TRUE(entries) << entries.error();
    ASSERT_EQ(entries->size(), 1u);
    EXPECT_EQ((*entries)[0].id, "tag:news.example.org,2013-06-07:/blog/a/");
    EXPECT_EQ((*entries)[0].link, "https://news.example.org/blog/a/");
    EXPECT_EQ((*entries)[0].title, "A bold move");
    EXPECT_EQ((*entries)[0].date, at(2013, 6, 8, 1, 46));
}

TEST(Adoption, WhatIsNotAFeedIsSaidWithItsPlace) {
    const auto broken =
        read_published_feed("<rss>\n<channel>\n<item></channel></rss>", "old.xml", "UTC");
    ASSERT_FALSE(broken);
    EXPECT_EQ(broken.error().rfind("old.xml:3:", 0), 0u) << broken.error();
    const auto html = read_published_feed("<html><body/></html>", "index.html", "UTC");
    ASSERT_FALSE(html);
    EXPECT_EQ(html.error(), "index.html: not an RSS or Atom feed (its root element is <html>)");
}

TEST(Adoption, MatchesByLinkThenByTitleAndDate) {
    const auto config = site_config();  // links: https://news.example.org/{path}/
    const std::vector<Article> articles{
        article("world/space.md", "Space", at(2024, 4, 5, 12)),
        article("world/sea.md", "The Sea, Again", at(2024, 4, 6, 12)),
        article("world/sea-old.md", "The sea again", at(2023, 1, 1)),  // same title, a year away
        article("world/land.md", "Land", at(2024, 4, 7, 12)),
    };
    auto draft = article("world/draft.md", "Draft", at(2024, 4, 8));
    draft.draft = true;
    std::vector<const Article*> pointers;
    for (const auto& a : articles) pointers.push_back(&a);
    pointers.push_back(&draft);

    const std::vector<PublishedEntry> entries{
        // another scheme, host case and "index.html": the same page
        {"tag:1", "HTTP://News.Example.org/world/space/index.html", "Space", at(2024, 4, 5, 12)},
        // another link (the old site's scheme), same title in other case and punctuation, 9 h off
        {"tag:2", "https://old.example.org/2024/04/06/sea.html", "the sea — again!",
         at(2024, 4, 6, 21)},
        {"tag:3", "https://news.example.org/world/space/", "Space twice", at(2024, 4, 5)},  // taken
        {"tag:4", "", "Draft", at(2024, 4, 8)},                                             // never
        {"tag:5", "", "Land", at(2024, 4, 9, 12)},  // two days off: not the same
    };
    const auto adoption = match_published(entries, pointers, config);
    ASSERT_EQ(adoption.matched.size(), 2u);
    EXPECT_EQ(adoption.matched[0].entry->id, "tag:1");
    EXPECT_EQ(adoption.matched[0].article->path, "world/space.md");
    EXPECT_TRUE(adoption.matched[0].by_link);
    EXPECT_EQ(adoption.matched[1].entry->id, "tag:2");
    EXPECT_EQ(adoption.matched[1].article->path, "world/sea.md");
    EXPECT_FALSE(adoption.matched[1].by_link);
    ASSERT_EQ(adoption.unmatched.size(), 3u);
    EXPECT_EQ(adoption.unmatched[0]->id, "tag:3");
    EXPECT_EQ(adoption.unmatched[1]->id, "tag:4");
    EXPECT_EQ(adoption.unmatched[2]->id, "tag:5");
}

}  // namespace
}  // namespace feedd::test
