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

TEST(AtomWriter, FeedHasRequiredElements) {
    const std::string xml = render_atom(test::sample_feed());
    EXPECT_EQ(xml.rfind("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<feed ", 0), 0u) << xml;
    const auto doc = parse(xml);
    const pugi::xml_node feed = doc.child("feed");
    EXPECT_STREQ(feed.attribute("xmlns").value(), "http://www.w3.org/2005/Atom");
    EXPECT_STREQ(feed.attribute("xml:lang").value(), "en");
    EXPECT_STREQ(feed.child_value("id"), "https://news.example.org/");
    EXPECT_STREQ(feed.child_value("title"), "News & <Views>");
    EXPECT_STREQ(feed.child("title").attribute("type").value(), "text");
    EXPECT_STREQ(feed.child_value("subtitle"), "All the \"news\"");
    EXPECT_STREQ(feed.child_value("updated"), "2024-04-05T12:20:00Z");
    EXPECT_STREQ(feed.find_child_by_attribute("link", "rel", "self").attribute("href").value(),
                 "https://news.example.org/atom.xml");
    EXPECT_STREQ(feed.find_child_by_attribute("link", "rel", "self").attribute("type").value(),
                 "application/atom+xml");
    EXPECT_STREQ(feed.find_child_by_attribute("link", "rel", "alternate").attribute("href").value(),
                 "https://news.example.org/");
    EXPECT_STREQ(feed.child_value("generator"), "feedd");
    EXPECT_STREQ(feed.child("generator").attribute("version").value(), "0.1.0");
}

TEST(AtomWriter, EscapesMarkupInTitles) {
    const std::string xml = render_atom(test::sample_feed());
    EXPECT_NE(xml.find("<title type=\"text\">Rockets &lt;b&gt;&amp;&lt;/b&gt; \"moons\"</title>"),
              std::string::npos)
        << xml;
}

TEST(AtomWriter, EntryHasEveryField) {
    const auto doc = parse(render_atom(test::sample_feed()));
    const pugi::xml_node entry = doc.child("feed").child("entry");
    EXPECT_STREQ(entry.attribute("xml:lang").value(), "fr");
    EXPECT_STREQ(entry.child_value("id"), "https://news.example.org/world/space/");
    EXPECT_STREQ(
        entry.find_child_by_attribute("link", "rel", "alternate").attribute("href").value(),
        "https://news.example.org/world/space/");
    EXPECT_STREQ(entry.child_value("published"), "2024-04-05T12:20:00Z");
    EXPECT_STREQ(entry.child_value("updated"), "2024-04-05T12:20:00Z");
    EXPECT_STREQ(entry.child("author").child_value("name"), "Ada Lovelace");
    EXPECT_STREQ(entry.child("author").child_value("email"), "ada@example.org");
    std::vector<std::string> terms;
    for (const pugi::xml_node c : entry.children("category"))
        terms.push_back(c.attribute("term").value());
    EXPECT_EQ(terms, (std::vector<std::string>{"space", "Science"}));
    EXPECT_STREQ(entry.child("summary").attribute("type").value(), "text");
    EXPECT_STREQ(entry.child_value("summary"), "Summary with <tags> & ampersands");
    EXPECT_STREQ(entry.child("content").attribute("type").value(), "html");
    EXPECT_STREQ(entry.child_value("content"),
                 "<p>Body <a href=\"https://news.example.org/x\">link</a></p>");
    const pugi::xml_node enclosure = entry.find_child_by_attribute("link", "rel", "enclosure");
    EXPECT_STREQ(enclosure.attribute("href").value(), "https://news.example.org/a.mp3");
    EXPECT_STREQ(enclosure.attribute("length").value(), "1234");
    EXPECT_STREQ(enclosure.attribute("type").value(), "audio/mpeg");
}

TEST(AtomWriter, SecondEntryHasOnlyWhatItKnows) {
    const auto doc = parse(render_atom(test::sample_feed()));
    const pugi::xml_node entry = doc.child("feed").child("entry").next_sibling("entry");
    EXPECT_FALSE(entry.attribute("xml:lang"));
    EXPECT_STREQ(entry.child_value("id"), "tag:news.example.org,2024:b");
    EXPECT_STREQ(entry.child_value("published"), "2024-01-09T08:05:03Z");
    EXPECT_STREQ(entry.child_value("updated"), "2024-02-29T23:59:59Z");
    EXPECT_STREQ(entry.child("author").child_value("name"), "Grace Hopper");
    EXPECT_FALSE(entry.child("author").child("email"));
    EXPECT_FALSE(entry.child("content"));
    EXPECT_FALSE(entry.child("category"));
}

TEST(AtomWriter, EntryLangMatchingTheFeedIsNotRepeated) {
    Feed feed = test::sample_feed();
    feed.entries[0].lang = "en";
    const auto doc = parse(render_atom(feed));
    EXPECT_FALSE(doc.child("feed").child("entry").attribute("xml:lang"));
}

TEST(AtomWriter, FeedAuthorIsTheSiteTitleWhenNoAuthorIsKnown) {
    Feed feed = test::sample_feed();
    feed.entries[1].author = {};
    const auto doc = parse(render_atom(feed));
    EXPECT_STREQ(doc.child("feed").child("author").child_value("name"), "News & <Views>");

    feed.entries[1].author = {"Grace Hopper", ""};
    const auto all_known = parse(render_atom(feed));
    EXPECT_FALSE(all_known.child("feed").child("author"));

    feed.author = {"Site", "site@example.org"};
    const auto with_site = parse(render_atom(feed));
    EXPECT_STREQ(with_site.child("feed").child("author").child_value("email"), "site@example.org");
}

TEST(AtomWriter, StylesheetInstructionFollowsTheDeclarationOnlyWhenSet) {
    Feed feed = test::sample_feed();
    feed.ttl_minutes = 5;  // RSS only: Atom has no such element
    EXPECT_EQ(render_atom(feed).find("<?xml-stylesheet"), std::string::npos);
    EXPECT_EQ(render_atom(feed).find("ttl"), std::string::npos);
    feed.stylesheet = "/feed.xsl";
    const std::string xml = render_atom(feed);
    EXPECT_EQ(xml.rfind("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n"
                        "<?xml-stylesheet type=\"text/xsl\" href=\"/feed.xsl\"?>\n<feed ",
                        0),
              0u)
        << xml;
    feed.stylesheet = "/f.xsl?a=1&b=2";
    EXPECT_NE(render_atom(feed).find("href=\"/f.xsl?a=1&amp;b=2\"?>"), std::string::npos);
}

// feeds.stylesheet reaches every RSS and Atom document of a site, archive pages included, and
// never the JSON feed.
TEST(AtomWriter, StylesheetFromTheConfigIsInEveryXmlDocumentOfASite) {
    Article a = test::article("world/a.md", "A", test::at(2024, 4, 1));
    a.tags = {"space"};
    Config config = test::site_config();
    config.feeds.stylesheet = "/feed.xsl";
    const Snapshot site = make_site_snapshot({&a}, config, test::at(2024, 5, 1));
    const std::string pi = "<?xml-stylesheet type=\"text/xsl\" href=\"/feed.xsl\"?>";
    for (const char* key :
         {"/feed.xml", "/atom.xml", "/tags/space/feed.xml", "/tags/space/atom.xml",
          "/world/feed.xml", "/world/atom.xml", "/archive/1.xml", "/archive/1.atom"}) {
        const Resource* r = site.find(key);
        ASSERT_NE(r, nullptr) << key;
        EXPECT_NE(r->body.find(pi), std::string::npos) << key;
    }
    const Resource* json = site.find("/feed.json");
    ASSERT_NE(json, nullptr);
    EXPECT_EQ(json->body.find("xml-stylesheet"), std::string::npos);
    EXPECT_EQ(render_rss(make_feed({&a}, config, test::at(2024, 5, 1))).find(pi), 39u);
}

TEST(AtomWriter, SameFeedGivesSameBytes) {
    EXPECT_EQ(render_atom(test::sample_feed()), render_atom(test::sample_feed()));
}

}  // namespace
}  // namespace feedd
