#include "feed/validate.h"

#include <gtest/gtest.h>

#include "feed/feed.h"
#include "feed/snapshot.h"
#include "feed_test_support.h"

namespace feedd::test {
namespace {

Snapshot built_snapshot() {
    const std::vector<Article> articles = {article("a.md", "First", at(2026, 1, 1)),
                                           article("b.md", "Second", at(2026, 1, 2))};
    return make_snapshot(make_feed(articles, site_config(), at(2026, 2, 1)));
}

// The document at `path` with other bytes (what a writer bug would have made).
void replace_body(Snapshot& snapshot, const std::string& path, std::string body) {
    const Resource& old = snapshot.at(path);
    snapshot.add(path, make_page_resource(old.content_type, std::move(body), old.last_modified));
}

bool mentions(const std::vector<std::string>& errors, const std::string& text) {
    for (const auto& error : errors) {
        if (error.find(text) != std::string::npos) return true;
    }
    return false;
}

TEST(ValidateSnapshot, ABuiltSnapshotIsSound) {
    EXPECT_EQ(validate_snapshot(built_snapshot()), std::vector<std::string>{});
}

TEST(ValidateSnapshot, ReportsXmlThatIsNotWellFormed) {
    auto snapshot = built_snapshot();
    const auto& rss = snapshot.at("/feed.xml").body;
    replace_body(snapshot, "/feed.xml", rss.substr(0, rss.size() / 2));
    const auto errors = validate_snapshot(snapshot);
    ASSERT_EQ(errors.size(), 1u);
    EXPECT_TRUE(errors[0].starts_with("/feed.xml: not well-formed XML")) << errors[0];
}

TEST(ValidateSnapshot, ReportsRepeatedIds) {
    std::vector<Article> articles = {article("a.md", "First", at(2026, 1, 1)),
                                     article("b.md", "Second", at(2026, 1, 2))};
    articles[0].id = articles[1].id = "urn:uuid:1b4e28ba-2fa1-11d2-883f-0016d3cca427";
    const auto errors =
        validate_snapshot(make_snapshot(make_feed(articles, site_config(), at(2026, 2, 1))));
    EXPECT_TRUE(mentions(errors, "/feed.xml: entry 2 repeats the id urn:uuid:"))
        << ::testing::PrintToString(errors);
    EXPECT_TRUE(mentions(errors, "/atom.xml: entry 2 repeats the id"))
        << ::testing::PrintToString(errors);
    EXPECT_TRUE(mentions(errors, "/feed.json: entry 2 repeats the id"))
        << ::testing::PrintToString(errors);
}

TEST(ValidateSnapshot, ReportsMissingRequiredElements) {
    auto snapshot = built_snapshot();
    replace_body(
        snapshot, "/atom.xml",
        "<?xml version=\"1.0\"?><feed xmlns=\"http://www.w3.org/2005/Atom\"><title>t</title>"
        "<entry><id>x</id><title>a</title></entry></feed>");
    replace_body(snapshot, "/feed.json", "{\"version\": \"https://jsonfeed.org/version/1.1\"}");
    const auto errors = validate_snapshot(snapshot);
    EXPECT_TRUE(mentions(errors, "/atom.xml: <feed> has no <id>"));
    EXPECT_TRUE(mentions(errors, "/atom.xml: <feed> has no <updated>"));
    EXPECT_TRUE(mentions(errors, "/atom.xml: entry 1 has no <updated>"));
    EXPECT_TRUE(mentions(errors, "/feed.json: no \"items\""));
}

// The JSON Feed check reads items' own "id" members only: an "id" deeper in an item (an
// author's, an attachment's) or outside "items" is not an item's id.
TEST(ValidateSnapshot, JsonFeedIdsAreTheItemsOwn) {
    auto snapshot = built_snapshot();
    const std::string head =
        "{\"version\": \"https://jsonfeed.org/version/1.1\", \"title\": \"t\", ";
    replace_body(
        snapshot, "/feed.json",
        head +
            "\"authors\": [{\"id\": \"x\"}], \"items\": ["
            "{\"authors\": [{\"id\": \"a\"}], \"id\": \"1\", \"attachments\": [{\"id\": \"1\"}]},"
            "{\"id\": \"2\", \"_meta\": {\"id\": \"1\"}},"
            "{\"title\": \"no id\", \"tags\": [\"id\"]},"
            "{\"id\": \"2\"}]}");
    auto errors = validate_snapshot(snapshot);
    EXPECT_EQ(errors, (std::vector<std::string>{"/feed.json: entry 3 has no id",
                                                "/feed.json: entry 4 repeats the id 2"}));

    replace_body(snapshot, "/feed.json", head + "\"items\": [{\"id\": \"1\"},]}");
    EXPECT_EQ(validate_snapshot(snapshot), std::vector<std::string>{"/feed.json: not valid JSON"});
    replace_body(snapshot, "/feed.json", "[{\"version\": 1, \"title\": 1, \"items\": []}]");
    EXPECT_EQ(validate_snapshot(snapshot), std::vector<std::string>{"/feed.json: not valid JSON"});
    replace_body(snapshot, "/feed.json", head + "\"items\": []} trailing");
    EXPECT_EQ(validate_snapshot(snapshot), std::vector<std::string>{"/feed.json: not valid JSON"});
    replace_body(snapshot, "/feed.json",
                 "{\"feed\": {\"version\": 1, \"title\": 1, \"items\": []}}");
    errors = validate_snapshot(snapshot);
    EXPECT_TRUE(mentions(errors, "/feed.json: no \"version\"")) << ::testing::PrintToString(errors);
    EXPECT_TRUE(mentions(errors, "/feed.json: no \"title\""));
    EXPECT_TRUE(mentions(errors, "/feed.json: no \"items\""));
}

}  // namespace
}  // namespace feedd::test
