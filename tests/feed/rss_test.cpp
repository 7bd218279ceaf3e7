#include <gtest/gtest.h>

#include <pugixml.hpp>

#include "feed/site.h"
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

// <ttl> agrees with the Cache-Control max-age the server sends (issue #5).
TEST(RssWriter, TtlIsMaxAgeInMinutesRoundedUp) {
    const auto ttl_for = [](int max_age) {
        Config config = test::site_config();
        config.server.max_age = max_age;
        const Feed feed = make_feed({test::article("a.md", "A", test::at(2024, 4, 1))}, config,
                                    test::at(2024, 5, 1));
        return std::string(
            parse(render_rss(feed)).child("rss").child("channel").child_value("ttl"));
    };
    EXPECT_EQ(ttl_for(300), "5");  // the default
    EXPECT_EQ(ttl_for(90), "2");
    EXPECT_EQ(ttl_for(60), "1");
    EXPECT_EQ(ttl_for(61), "2");
    EXPECT_EQ(ttl_for(1), "1");
    EXPECT_EQ(ttl_for(0), "");  // not to be cached: no element at all
    EXPECT_EQ(ttl_minutes_for(test::site_config()), 5);
    Config uncached = test::site_config();
    uncached.server.max_age = 0;
    EXPECT_EQ(ttl_minutes_for(uncached), std::nullopt);
}

TEST(RssWriter, TtlFollowsGeneratorAndIsLeftOffArchivePages) {
    Feed feed = test::sample_feed();
    EXPECT_EQ(render_rss(feed).find("<ttl>"), std::string::npos);  // unset
    feed.ttl_minutes = 5;
    const std::string xml = render_rss(feed);
    EXPECT_NE(xml.find("  <generator>feedd 0.1.0</generator>\n    <ttl>5</ttl>\n"),
              std::string::npos)
        << xml;
    feed.archive = true;
    EXPECT_EQ(render_rss(feed).find("<ttl>"), std::string::npos);
}

// Every RSS subscription feed of a site has the ttl; archive pages have none.
TEST(RssWriter, EverySubscriptionFeedOfASiteHasTheTtlButNoArchivePage) {
    std::vector<Article> articles;
    for (int i = 0; i < 150; ++i) {  // two archive pages
        Article a = test::article("world/" + std::to_string(i) + ".md", "A" + std::to_string(i),
                                  test::at(2020, 1, 1) + std::chrono::days(i));
        a.tags = {"space"};
        a.author = {"Ada", ""};
        articles.push_back(std::move(a));
    }
    Config config = test::site_config();
    config.server.max_age = 90;
    const Snapshot site = make_site_snapshot(pointers_to(articles), config, test::at(2030, 1, 1));
    for (const char* key :
         {"/feed.xml", "/tags/space/feed.xml", "/world/feed.xml", "/authors/ada/feed.xml"}) {
        const Resource* r = site.find(key);
        ASSERT_NE(r, nullptr) << key;
        EXPECT_EQ(parse(r->body).child("rss").child("channel").child_value("ttl"), std::string("2"))
            << key;
    }
    for (const char* key : {"/archive/1.xml", "/archive/2.xml"}) {
        const Resource* r = site.find(key);
        ASSERT_NE(r, nullptr) << key;
        EXPECT_EQ(r->body.find("<ttl>"), std::string::npos) << key;
    }
}

TEST(RssWriter, StylesheetInstructionFollowsTheDeclarationOnlyWhenSet) {
    Feed feed = test::sample_feed();
    EXPECT_EQ(render_rss(feed).find("<?xml-stylesheet"), std::string::npos);
    feed.stylesheet = "/feed.xsl";
    EXPECT_EQ(render_rss(feed).rfind("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n"
                                     "<?xml-stylesheet type=\"text/xsl\" href=\"/feed.xsl\"?>\n"
                                     "<rss version=\"2.0\"",
                                     0),
              0u)
        << render_rss(feed);
    // The href is a pseudo-attribute: &, <, > and " are escaped, so the value can neither end the
    // attribute nor the instruction ("?>").
    feed.stylesheet = "https://cdn.example/f.xsl?a=1&b=\"2\"&c=<x>?>";
    const std::string xml = render_rss(feed);
    EXPECT_NE(
        xml.find(
            "<?xml-stylesheet type=\"text/xsl\" "
            "href=\"https://cdn.example/f.xsl?a=1&amp;b=&quot;2&quot;&amp;c=&lt;x&gt;?&gt;\"?>\n"),
        std::string::npos)
        << xml;
    pugi::xml_document doc;
    ASSERT_TRUE(doc.load_string(xml.c_str(), pugi::parse_default | pugi::parse_pi));
    EXPECT_EQ(doc.first_child().type(), pugi::node_pi);  // the declaration is not kept
    EXPECT_STREQ(doc.first_child().name(), "xml-stylesheet");
    EXPECT_STREQ(doc.document_element().name(), "rss");
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
