#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "feed/writers.h"
#include "feed/writers_test_support.h"

namespace feedd {
namespace {

TEST(JsonFeedWriter, TopLevelFields) {
    const auto j = nlohmann::json::parse(render_json(test::sample_feed()));
    EXPECT_EQ(j["version"], "https://jsonfeed.org/version/1.1");
    EXPECT_EQ(j["title"], "News & <Views>");
    EXPECT_EQ(j["home_page_url"], "https://news.example.org/");
    EXPECT_EQ(j["feed_url"], "https://news.example.org/feed.json");
    EXPECT_EQ(j["description"], "All the \"news\"");
    EXPECT_EQ(j["language"], "en");
    EXPECT_FALSE(j.contains("authors"));
    ASSERT_EQ(j["items"].size(), 2u);
}

TEST(JsonFeedWriter, ItemFields) {
    const auto j = nlohmann::json::parse(render_json(test::sample_feed()));
    const auto& a = j["items"][0];
    EXPECT_EQ(a["id"], "https://news.example.org/world/space/");
    EXPECT_EQ(a["url"], "https://news.example.org/world/space/");
    EXPECT_EQ(a["title"], "Rockets <b>&</b> \"moons\"");
    EXPECT_EQ(a["content_html"], "<p>Body <a href=\"https://news.example.org/x\">link</a></p>");
    EXPECT_FALSE(a.contains("content_text"));
    EXPECT_EQ(a["summary"], "Summary with <tags> & ampersands");
    EXPECT_EQ(a["image"], "https://news.example.org/img/rocket.jpg");
    EXPECT_EQ(a["date_published"], "2024-04-05T12:20:00Z");
    EXPECT_EQ(a["date_modified"], "2024-04-05T12:20:00Z");
    EXPECT_EQ(a["authors"][0]["name"], "Ada Lovelace");
    EXPECT_EQ(a["authors"][0]["url"], "mailto:ada@example.org");
    EXPECT_EQ(a["tags"], (nlohmann::json{"space", "Science"}));
    EXPECT_EQ(a["language"], "fr");
    EXPECT_EQ(a["attachments"][0]["url"], "https://news.example.org/a.mp3");
    EXPECT_EQ(a["attachments"][0]["mime_type"], "audio/mpeg");
    EXPECT_EQ(a["attachments"][0]["size_in_bytes"], 1234);
}

TEST(JsonFeedWriter, ContentTextIsTheSummaryWithoutFullContent) {
    const auto j = nlohmann::json::parse(render_json(test::sample_feed()));
    const auto& b = j["items"][1];
    EXPECT_FALSE(b.contains("content_html"));
    EXPECT_EQ(b["content_text"], "Only a summary");
    EXPECT_EQ(b["date_published"], "2024-01-09T08:05:03Z");
    EXPECT_EQ(b["date_modified"], "2024-02-29T23:59:59Z");
    EXPECT_EQ(b["authors"], (nlohmann::json::parse(R"([{"name":"Grace Hopper"}])")));
    EXPECT_FALSE(b.contains("tags"));
    EXPECT_FALSE(b.contains("attachments"));
}

TEST(JsonFeedWriter, SiteAuthorIsListed) {
    Feed feed = test::sample_feed();
    feed.author = {"Site", ""};
    const auto j = nlohmann::json::parse(render_json(feed));
    EXPECT_EQ(j["authors"], (nlohmann::json::parse(R"([{"name":"Site"}])")));
}

TEST(JsonFeedWriter, VersionComesFirstAndBytesAreStable) {
    const std::string text = render_json(test::sample_feed());
    EXPECT_EQ(text.rfind("{\n  \"version\": \"https://jsonfeed.org/version/1.1\"", 0), 0u) << text;
    EXPECT_EQ(text, render_json(test::sample_feed()));
}

}  // namespace
}  // namespace feedd
