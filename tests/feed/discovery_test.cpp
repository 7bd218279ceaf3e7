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

}  // namespace
}  // namespace feedd::test
