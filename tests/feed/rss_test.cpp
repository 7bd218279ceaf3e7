#include <gtest/gtest.h>

#include <pugixml.hpp>

#include "feed/writers.h"
#include "feed/writers_test_support.h"

namespace feedd {
namespace {

pugi::xml_document parse(const std::string& xml) {
    pugi::xml_document doc;
    const pugi::xml_parse_result result = doc.load_string(xml.c_str());
    EXPECT_TRUE(result) << result.description() << "\n" << xml;
    return doc;
}

TEST(RssWriter, StartsWithTheUtf8Declaration) {
    const std::string xml = render_rss(test::sample_feed());
    EXPECT_EQ(xml.rfind("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<rss version=\"2.0\"", 0), 0u)
        << xml;
}

TEST(RssWriter, EscapesMarkupInTitles) {
    const std::string xml = render_rss(test::sample_feed());
    EXPECT_NE(xml.find("<title>News &amp; &lt;Views&gt;</title>"), std::string::npos) << xml;
    EXPECT_NE(xml.find("<title>Rockets &lt;b&gt;&amp;&lt;/b&gt; \"moons\"</title>"),
              std::string::npos)
        << xml;
    const auto doc = parse(xml);
    EXPECT_STREQ(doc.select_node("/rss/channel/item[1]/title").node().child_value(),
                 "Rockets <b>&</b> \"moons\"");
}

TEST(RssWriter, ChannelHasRequiredElements) {
    const auto doc = parse(render_rss(test::sample_feed()));
    const pugi::xml_node channel = doc.child("rss").child("channel");
    EXPECT_STREQ(channel.child_value("title"), "News & <Views>");
    EXPECT_STREQ(channel.child_value("link"), "https://news.example.org/");
    EXPECT_STREQ(channel.child_value("description"), "All the \"news\"");
    EXPECT_STREQ(channel.child_value("language"), "en");
    EXPECT_STREQ(channel.child_value("lastBuildDate"), "Fri, 05 Apr 2024 12:20:00 +0000");
    EXPECT_STREQ(channel.child_value("generator"), "feedd 0.1.0");
    const pugi::xml_node self = channel.child("atom:link");
    EXPECT_STREQ(self.attribute("href").value(), "https://news.example.org/feed.xml");
    EXPECT_STREQ(self.attribute("rel").value(), "self");
    EXPECT_STREQ(self.attribute("type").value(), "application/rss+xml");
}

TEST(RssWriter, DescriptionFallsBackToTitle) {
    Feed feed = test::sample_feed();
    feed.description.clear();
    const auto doc = parse(render_rss(feed));
    EXPECT_STREQ(doc.child("rss").child("channel").child_value("description"), "News & <Views>");
}

TEST(RssWriter, DatesAreRfc822WithFourDigitYears) {
    const auto doc = parse(render_rss(test::sample_feed()));
    // 2024-01-09 was a Tuesday.
    EXPECT_STREQ(doc.select_node("/rss/channel/item[2]/pubDate").node().child_value(),
                 "Tue, 09 Jan 2024 08:05:03 +0000");
    EXPECT_STREQ(doc.select_node("/rss/channel/item[1]/pubDate").node().child_value(),
                 "Fri, 05 Apr 2024 12:20:00 +0000");
}

TEST(RssWriter, GuidIsPermaLinkOnlyWhenIdIsTheLink) {
    const auto doc = parse(render_rss(test::sample_feed()));
    const pugi::xml_node first = doc.select_node("/rss/channel/item[1]/guid").node();
    const pugi::xml_node second = doc.select_node("/rss/channel/item[2]/guid").node();
    EXPECT_STREQ(first.child_value(), "https://news.example.org/world/space/");
    EXPECT_STREQ(first.attribute("isPermaLink").value(), "true");
    EXPECT_STREQ(second.child_value(), "tag:news.example.org,2024:b");
    EXPECT_STREQ(second.attribute("isPermaLink").value(), "false");
}

TEST(RssWriter, AuthorWithEmailElseDcCreator) {
    const auto doc = parse(render_rss(test::sample_feed()));
    const pugi::xml_node first = doc.select_node("/rss/channel/item[1]").node();
    const pugi::xml_node second = doc.select_node("/rss/channel/item[2]").node();
    EXPECT_STREQ(first.child_value("author"), "ada@example.org (Ada Lovelace)");
    EXPECT_FALSE(first.child("dc:creator"));
    EXPECT_STREQ(second.child_value("dc:creator"), "Grace Hopper");
    EXPECT_FALSE(second.child("author"));
}

TEST(RssWriter, ItemCarriesContentCategoriesEnclosureAndThumbnail) {
    const auto doc = parse(render_rss(test::sample_feed()));
    const pugi::xml_node item = doc.select_node("/rss/channel/item[1]").node();
    EXPECT_STREQ(item.child_value("link"), "https://news.example.org/world/space/");
    EXPECT_STREQ(item.child_value("description"), "Summary with <tags> & ampersands");
    EXPECT_STREQ(item.child_value("content:encoded"),
                 "<p>Body <a href=\"https://news.example.org/x\">link</a></p>");
    std::vector<std::string> categories;
    for (const pugi::xml_node c : item.children("category")) categories.push_back(c.child_value());
    EXPECT_EQ(categories, (std::vector<std::string>{"space", "Science"}));
    const pugi::xml_node enclosure = item.child("enclosure");
    EXPECT_STREQ(enclosure.attribute("url").value(), "https://news.example.org/a.mp3");
    EXPECT_STREQ(enclosure.attribute("length").value(), "1234");
    EXPECT_STREQ(enclosure.attribute("type").value(), "audio/mpeg");
    EXPECT_STREQ(item.child("media:thumbnail").attribute("url").value(),
                 "https://news.example.org/img/rocket.jpg");
    // The second item has none of these, and no empty elements stand in for them.
    const pugi::xml_node second = doc.select_node("/rss/channel/item[2]").node();
    EXPECT_FALSE(second.child("content:encoded"));
    EXPECT_FALSE(second.child("category"));
    EXPECT_FALSE(second.child("enclosure"));
    EXPECT_FALSE(second.child("media:thumbnail"));
}

TEST(RssWriter, DeclaresNamespacesOnlyWhenUsed) {
    const auto full = parse(render_rss(test::sample_feed()));
    const pugi::xml_node rss = full.child("rss");
    EXPECT_STREQ(rss.attribute("xmlns:atom").value(), "http://www.w3.org/2005/Atom");
    EXPECT_STREQ(rss.attribute("xmlns:content").value(),
                 "http://purl.org/rss/1.0/modules/content/");
    EXPECT_STREQ(rss.attribute("xmlns:dc").value(), "http://purl.org/dc/elements/1.1/");
    EXPECT_STREQ(rss.attribute("xmlns:media").value(), "http://search.yahoo.com/mrss/");

    Feed plain = test::sample_feed();
    for (Entry& e : plain.entries) {
        e.content_html.clear();
        e.image.clear();
        e.author = {"Someone", "someone@example.org"};
    }
    const std::string xml = render_rss(plain);
    EXPECT_EQ(xml.find("xmlns:content"), std::string::npos) << xml;
    EXPECT_EQ(xml.find("xmlns:dc"), std::string::npos) << xml;
    EXPECT_EQ(xml.find("xmlns:media"), std::string::npos) << xml;
    EXPECT_NE(xml.find("xmlns:atom"), std::string::npos) << xml;
}

TEST(RssWriter, EmptyFeedIsStillComplete) {
    Feed feed = test::sample_feed();
    feed.entries.clear();
    const auto doc = parse(render_rss(feed));
    const pugi::xml_node channel = doc.child("rss").child("channel");
    EXPECT_TRUE(channel.child("title"));
    EXPECT_TRUE(channel.child("description"));
    EXPECT_FALSE(channel.child("item"));
}

TEST(RssWriter, SameFeedGivesSameBytes) {
    EXPECT_EQ(render_rss(test::sample_feed()), render_rss(test::sample_feed()));
}

}  // namespace
}  // namespace feedd

namespace feedd::test {
namespace {

TEST(XmlWriters, NeverWriteCharactersXml10Forbids) {
    // Text can arrive decoded from character references ("&#1;" in Markdown) or from configuration.
    auto a = article("a.md", std::string("Title\x01 with a control"), at(2024, 3, 1));
    a.summary = std::string("Summary \x0c here");
    a.content_html = std::string("<p>form\x0c" "feed</p>");
    auto config = site_config();
    for (const auto& xml : {render_rss(make_feed(std::vector<Article>{a}, config, at(2024, 4, 1))),
                            render_atom(make_feed(std::vector<Article>{a}, config, at(2024, 4, 1)))}) {
        EXPECT_EQ(xml.find('\x01'), std::string::npos);
        EXPECT_EQ(xml.find('\x0c'), std::string::npos);
        EXPECT_EQ(xml.find("&#1;"), std::string::npos);
        EXPECT_EQ(xml.find("&#12;"), std::string::npos);
        EXPECT_NE(xml.find("Title with a control"), std::string::npos);
    }
}

}  // namespace
}  // namespace feedd::test
