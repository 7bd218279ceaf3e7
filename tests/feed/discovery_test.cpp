// WebSub discovery (WebSub §4): every feed names its hubs and itself, in the body and in Link.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <pugixml.hpp>

#include "feed/feed.h"
#include "feed/snapshot.h"
#include "feed/writers.h"
#include "feed_test_support.h"

namespace feedd::test {
namespace {

Config config_with_hubs(bool enabled) {
    auto config = site_config();
    config.ping.websub = {{"https://hub.example/", false}, {"https://hub2.example/hub", true}};
    config.ping.enabled = enabled;
    return config;
}

const std::vector<Article> kArticles = {article("a.md", "A", at(2024, 3, 1))};

std::vector<std::string> hrefs(const pugi::xml_node& parent, const char* element, const char* rel) {
    std::vector<std::string> out;
    for (const auto& link : parent.children(element)) {
        if (std::string_view(link.attribute("rel").value()) == rel) out.push_back(link.attribute("href").value());
    }
    return out;
}

const std::vector<std::string> kHubs = {"https://hub.example/", "https://hub2.example/hub"};

TEST(Discovery, RssAndAtomNameEveryHubAndThemselves) {
    const auto feed = make_feed(kArticles, config_with_hubs(true), at(2024, 4, 1));
    pugi::xml_document rss;
    ASSERT_TRUE(rss.load_string(render_rss(feed).c_str()));
    const auto channel = rss.child("rss").child("channel");
    EXPECT_EQ(hrefs(channel, "atom:link", "hub"), kHubs);
    EXPECT_EQ(hrefs(channel, "atom:link", "self"), std::vector<std::string>{"https://news.example.org/feed.xml"});

    pugi::xml_document atom;
    ASSERT_TRUE(atom.load_string(render_atom(feed).c_str()));
    EXPECT_EQ(hrefs(atom.child("feed"), "link", "hub"), kHubs);
    EXPECT_EQ(hrefs(atom.child("feed"), "link", "self"), std::vector<std::string>{"https://news.example.org/atom.xml"});
}

TEST(Discovery, JsonFeedListsHubs) {
    const auto json = nlohmann::json::parse(render_json(make_feed(kArticles, config_with_hubs(true), at(2024, 4, 1))));
    ASSERT_EQ(json["hubs"].size(), 2u);
    EXPECT_EQ(json["hubs"][0]["type"], "WebSub");
    EXPECT_EQ(json["hubs"][1]["url"], "https://hub2.example/hub");
}

TEST(Discovery, NoHubIsAdvertisedWhenPingsAreOff) {
    const auto feed = make_feed(kArticles, config_with_hubs(false), at(2024, 4, 1));
    EXPECT_TRUE(feed.hubs.empty());
    EXPECT_EQ(render_rss(feed).find("rel=\"hub\""), std::string::npos);
    EXPECT_EQ(render_atom(feed).find("rel=\"hub\""), std::string::npos);
    EXPECT_FALSE(nlohmann::json::parse(render_json(feed)).contains("hubs"));
}

TEST(Discovery, EachFeedResourceCarriesItsSelfUrlAndLinkHeader) {
    const auto snapshot = make_snapshot(make_feed(kArticles, config_with_hubs(true), at(2024, 4, 1)));
    for (const auto& [path, self] : std::map<std::string, std::string>{
             {"/feed.xml", "https://news.example.org/feed.xml"},
             {"/atom.xml", "https://news.example.org/atom.xml"},
             {"/feed.json", "https://news.example.org/feed.json"}}) {
        const auto* resource = snapshot.find(path);
        ASSERT_NE(resource, nullptr) << path;
        EXPECT_EQ(resource->self_url, self);
        EXPECT_EQ(resource->link_header, "<https://hub.example/>; rel=\"hub\", <https://hub2.example/hub>; "
                                         "rel=\"hub\", <" + self + ">; rel=\"self\"");
    }
    EXPECT_EQ(snapshot.find("/")->self_url, "");
    EXPECT_EQ(snapshot.find("/")->link_header, "");
}

TEST(Discovery, FeeddsOwnHubComesFirstAndNeedsNoPings) {
    auto config = config_with_hubs(true);
    config.hub.enabled = true;
    config.hub.path = "/hub/websub";
    const auto feed = make_feed(kArticles, config, at(2024, 4, 1));
    const std::vector<std::string> expected = {"https://news.example.org/hub/websub",
                                               "https://hub.example/", "https://hub2.example/hub"};
    EXPECT_EQ(feed.hubs, expected);
    pugi::xml_document rss;
    ASSERT_TRUE(rss.load_string(render_rss(feed).c_str()));
    EXPECT_EQ(hrefs(rss.child("rss").child("channel"), "atom:link", "hub"), expected);
    const auto snapshot = make_snapshot(feed);
    EXPECT_TRUE(snapshot.find("/feed.json")->link_header.starts_with(
        "<https://news.example.org/hub/websub>; rel=\"hub\", <https://hub.example/>; rel=\"hub\""))
        << snapshot.find("/feed.json")->link_header;

    // Pings off: outside hubs are not told of changes, feedd's own hub is.
    config.ping.enabled = false;
    EXPECT_EQ(make_feed(kArticles, config, at(2024, 4, 1)).hubs,
              std::vector<std::string>{"https://news.example.org/hub/websub"});
    const auto json = nlohmann::json::parse(render_json(make_feed(kArticles, config, at(2024, 4, 1))));
    ASSERT_EQ(json["hubs"].size(), 1u);
    EXPECT_EQ(json["hubs"][0]["url"], "https://news.example.org/hub/websub");
}

}  // namespace
}  // namespace feedd::test
