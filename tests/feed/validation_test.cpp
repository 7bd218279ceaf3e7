// Reads the rendered feeds back with independent tools: the RFC 4287 RELAX NG schema (jing),
// libxml2's parser (xmllint), and feedparser (the parser many readers use), and compares what they
// understood with the Article values the feed was made from.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "feed/feed.h"
#include "feed/feed_test_support.h"
#include "feed/site.h"
#include "feed/writers.h"

namespace feedd {
namespace {

using test::article;
using test::at;

constexpr const char* kPython = "/usr/bin/python3";  // Debian's, where python3-feedparser lives
constexpr const char* kJing = "/usr/bin/jing";
constexpr const char* kXmllint = "/usr/bin/xmllint";
const Seconds kNow = at(2024, 4, 10, 12);

struct Expected {
    const Article* article;
    std::string link;
    std::string id;
    std::string author_name;
    std::string author_email;
    std::vector<std::string> categories;
    std::vector<std::string> co_author_names;  // Atom and JSON Feed name them after the author
};

struct Fixture {
    Config config = test::site_config();
    std::vector<Article> articles;
    std::vector<Expected> expected;  // newest first, as the feed orders them
    Feed feed;

    Fixture() {
        config.site.author = {"The Desk", "desk@example.org"};
        Article space =
            article("world/space.txt", "Rockets & \"moons\" \xE2\x80\x94 a caf\xC3\xA9 story",
                    at(2024, 4, 5, 12, 20, 0));
        space.updated = at(2024, 4, 6, 9, 0, 0);
        space.author = {"Ada Lovelace", "ada@example.org"};
        space.co_authors = {{"Charles Babbage", "charles@example.org"}, {"Mary Somerville", ""}};
        space.tags = {"space", "nasa"};
        space.categories = {"Science", "space"};
        space.content_html =
            "<p>See <a href=\"../moon/\">the moon</a> and <img src=\"rocket.png\" alt=\"r\"></p>";
        space.image = "rocket.png";
        space.enclosure = Enclosure{"launch.mp3", 1234, "audio/mpeg", "", std::nullopt};
        space.lang = "fr";

        Article named = article("notes/plain.md", "Only a name", at(2024, 1, 9, 8, 5, 3));
        named.author = {"Grace Hopper", ""};
        named.id = "tag:news.example.org,2024:plain";
        // A saved web page's canonical URL: <link rel="related">.
        named.related_url = "https://elsewhere.example.com/2024/plain?ref=a&b=c";

        Article site = article("about.md", "Site author", at(2023, 12, 31, 23, 59, 59));
        Article draft = article("draft.md", "Draft", at(2024, 4, 1));
        draft.draft = true;

        articles = {space, named, site, draft};
        feed = make_feed(articles, config, kNow);
        expected = {
            {&articles[0],
             "https://news.example.org/world/space/",
             "https://news.example.org/world/space/",
             "Ada Lovelace",
             "ada@example.org",
             {"space", "nasa", "Science"},
             {"Charles Babbage", "Mary Somerville"}},
            {&articles[1],
             "https://news.example.org/notes/plain/",
             "tag:news.example.org,2024:plain",
             "Grace Hopper",
             "",
             {},
             {}},
            {&articles[2],
             "https://news.example.org/about/",
             "https://news.example.org/about/",
             "The Desk",
             "desk@example.org",
             {},
             {}},
        };
    }
};

nlohmann::json read_back(const std::filesystem::path& file) {
    const test::CommandResult r = test::run_command(
        std::string(kPython) + " " + test::quote(FEEDD_SOURCE_DIR "/tests/feed/feed_reader.py") +
        " " + test::quote(file.string()));
    EXPECT_EQ(r.exit_code, 0) << r.output;
    if (r.exit_code != 0) return {};
    return nlohmann::json::parse(r.output);
}

::testing::AssertionResult have_feedparser() {
    if (auto ok = test::have_program(kPython, "python3"); !ok) return ok;
    const test::CommandResult r =
        test::run_command(std::string(kPython) + " -c 'import feedparser'");
    if (r.exit_code == 0) return ::testing::AssertionSuccess();
    return ::testing::AssertionFailure()
           << kPython << " cannot import feedparser: install the Debian package python3-feedparser";
}

std::string str(const nlohmann::json& j) {
    return j.is_string() ? j.get<std::string>() : "";
}

// Compares what the reader understood with the Article values, entry by entry.
// `has_co_authors`: the format names every author (Atom, JSON Feed); RSS has only the first.
void expect_entries(const nlohmann::json& parsed, const Fixture& f, bool has_updated,
                    bool has_co_authors, bool has_categories = true) {
    ASSERT_FALSE(parsed.is_null());
    EXPECT_FALSE(parsed["bozo"].get<bool>()) << parsed["bozo_exception"];
    const auto& entries = parsed["entries"];
    ASSERT_EQ(entries.size(), f.expected.size()) << parsed.dump(1);
    for (std::size_t i = 0; i < f.expected.size(); ++i) {
        SCOPED_TRACE("entry " + std::to_string(i) + " (" + f.expected[i].article->path + ")");
        const Expected& want = f.expected[i];
        const auto& got = entries[i];
        EXPECT_EQ(str(got["title"]), want.article->title);
        EXPECT_EQ(str(got["link"]), want.link);
        EXPECT_EQ(str(got["id"]), want.id);
        EXPECT_EQ(got["published"], want.article->date.time_since_epoch().count());
        if (has_updated) {
            EXPECT_EQ(
                got["updated"],
                want.article->updated.value_or(want.article->date).time_since_epoch().count());
        }
        EXPECT_EQ(str(got["author_name"]), want.author_name);
        EXPECT_EQ(str(got["author_email"]), want.author_email);
        std::vector<std::string> names = {want.author_name};
        if (has_co_authors) {
            names.insert(names.end(), want.co_author_names.begin(), want.co_author_names.end());
        }
        EXPECT_EQ(got["author_names"].get<std::vector<std::string>>(), names);
        if (has_categories) {
            EXPECT_EQ(got["categories"].get<std::vector<std::string>>(), want.categories);
        }
        EXPECT_EQ(str(got["summary"]), want.article->summary);
    }
}

TEST(FeedValidation, AtomMatchesTheRfc4287Schema) {
    ASSERT_TRUE(test::have_program(kJing, "jing"));
    const Fixture f;
    const auto file = test::write_temp("atom.xml", render_atom(f.feed));
    const test::CommandResult r = test::run_command(
        std::string(kJing) + " -c " + test::quote(FEEDD_SHARED_DIR "/schemas/atom.rnc") + " " +
        test::quote(file.string()));
    EXPECT_EQ(r.exit_code, 0) << r.output;
}

TEST(FeedValidation, EmptyAtomFeedMatchesTheSchema) {
    ASSERT_TRUE(test::have_program(kJing, "jing"));
    Config config = test::site_config();
    const auto file =
        test::write_temp("atom.xml", render_atom(make_feed(std::vector<Article>{}, config, kNow)));
    const test::CommandResult r = test::run_command(
        std::string(kJing) + " -c " + test::quote(FEEDD_SHARED_DIR "/schemas/atom.rnc") + " " +
        test::quote(file.string()));
    EXPECT_EQ(r.exit_code, 0) << r.output;
}

TEST(FeedValidation, RssAndAtomAreWellFormed) {
    ASSERT_TRUE(test::have_program(kXmllint, "libxml2-utils"));
    const Fixture f;
    for (const auto& [name, bytes] :
         {std::pair{"feed.xml", render_rss(f.feed)}, std::pair{"atom.xml", render_atom(f.feed)}}) {
        const auto file = test::write_temp(name, bytes);
        const test::CommandResult r =
            test::run_command(std::string(kXmllint) + " --noout " + test::quote(file.string()));
        EXPECT_EQ(r.exit_code, 0) << name << ": " << r.output;
        EXPECT_EQ(r.output, "") << name;
    }
}

TEST(FeedValidation, FeedparserReadsRssBack) {
    ASSERT_TRUE(have_feedparser());
    const Fixture f;
    const auto parsed = read_back(test::write_temp("feed.xml", render_rss(f.feed)));
    EXPECT_EQ(parsed["version"], "rss20");
    EXPECT_EQ(parsed["feed"]["title"], f.config.site.title);
    EXPECT_EQ(parsed["feed"]["link"], f.config.site.url);
    EXPECT_EQ(parsed["feed"]["updated"], at(2024, 4, 6, 9, 0, 0).time_since_epoch().count());
    // RSS items carry no modification date. (feedparser's guidislink is not compared: it is
    // false whenever the item also has a <link>, whatever isPermaLink says.)
    expect_entries(parsed, f, /*has_updated=*/false, /*has_co_authors=*/false);
}

TEST(FeedValidation, FeedparserReadsAtomBack) {
    ASSERT_TRUE(have_feedparser());
    const Fixture f;
    const auto parsed = read_back(test::write_temp("atom.xml", render_atom(f.feed)));
    EXPECT_EQ(parsed["version"], "atom10");
    EXPECT_EQ(parsed["feed"]["title"], f.config.site.title);
    EXPECT_EQ(parsed["feed"]["link"], f.config.site.url);
    EXPECT_EQ(parsed["feed"]["updated"], at(2024, 4, 6, 9, 0, 0).time_since_epoch().count());
    expect_entries(parsed, f, /*has_updated=*/true, /*has_co_authors=*/true);
    // The relative links of the article body arrive absolute.
    const std::string content = str(parsed["entries"][0]["content"]);
    EXPECT_NE(content.find("https://news.example.org/world/moon/"), std::string::npos) << content;
    EXPECT_NE(content.find("https://news.example.org/world/space/rocket.png"), std::string::npos)
        << content;
    bool enclosure = false;
    for (const auto& link : parsed["entries"][0]["links"]) {
        if (link["rel"] == "enclosure") {
            enclosure = true;
            EXPECT_EQ(link["href"], "https://news.example.org/world/space/launch.mp3");
            EXPECT_EQ(link["type"], "audio/mpeg");
            EXPECT_EQ(link["length"], "1234");
        }
    }
    EXPECT_TRUE(enclosure);
    bool related = false;
    for (const auto& link : parsed["entries"][1]["links"]) {
        if (link["rel"] == "related") {
            related = true;
            EXPECT_EQ(link["href"], "https://elsewhere.example.com/2024/plain?ref=a&b=c");
        }
    }
    EXPECT_TRUE(related);
}

TEST(FeedValidation, JsonFeedReadsBack) {
    ASSERT_TRUE(test::have_program(kPython, "python3"));
    const Fixture f;
    const auto parsed = read_back(test::write_temp("feed.json", render_json(f.feed)));
    EXPECT_EQ(parsed["version"], "https://jsonfeed.org/version/1.1");
    EXPECT_EQ(parsed["feed"]["title"], f.config.site.title);
    EXPECT_EQ(parsed["feed"]["link"], f.config.site.url);
    expect_entries(parsed, f, /*has_updated=*/true, /*has_co_authors=*/true);
}

// Tag, section, author and archive documents of the Fixture's site.
struct SiteDocuments {
    Fixture f;
    Snapshot snapshot = make_site_snapshot(pointers_to(f.articles), f.config, kNow);
    const std::string& body(const std::string& key) const {
        const Resource* r = snapshot.find(key);
        EXPECT_NE(r, nullptr) << key;
        static const std::string none;
        return r ? r->body : none;
    }
};

const std::vector<std::string> kExtraAtom = {
    "/tags/space/atom.xml",           "/tags/science/atom.xml",     "/world/atom.xml",
    "/authors/ada-lovelace/atom.xml", "/authors/the-desk/atom.xml", "/archive/1.atom"};

TEST(FeedValidation, TagSectionAuthorAndArchiveAtomMatchTheSchema) {
    ASSERT_TRUE(test::have_program(kJing, "jing"));
    const SiteDocuments site;
    for (const auto& key : kExtraAtom) {
        const auto file = test::write_temp("extra.atom", site.body(key));
        const test::CommandResult r = test::run_command(
            std::string(kJing) + " -c " + test::quote(FEEDD_SHARED_DIR "/schemas/atom.rnc") + " " +
            test::quote(file.string()));
        EXPECT_EQ(r.exit_code, 0) << key << ": " << r.output;
    }
}

TEST(FeedValidation, EveryXmlDocumentOfTheSiteIsWellFormed) {
    ASSERT_TRUE(test::have_program(kXmllint, "libxml2-utils"));
    const SiteDocuments site;
    std::size_t checked = 0;
    for (const auto& [key, document] : site.snapshot.resources) {
        const Resource& resource = site.snapshot.at(key);
        if (resource.content_type.find("xml") == std::string::npos) continue;
        ++checked;
        const auto file = test::write_temp("doc.xml", resource.body);
        const test::CommandResult r =
            test::run_command(std::string(kXmllint) + " --noout " + test::quote(file.string()));
        EXPECT_EQ(r.exit_code, 0) << key << ": " << r.output;
    }
    EXPECT_GE(checked, 2u * kExtraAtom.size());
}

TEST(FeedValidation, FeedparserReadsATagFeedBackWithItsEntries) {
    ASSERT_TRUE(have_feedparser());
    const SiteDocuments site;
    Fixture only_space;  // the tag "space" is on the first article only
    only_space.expected.resize(1);
    for (const char* key :
         {"/tags/space/feed.xml", "/tags/space/atom.xml", "/tags/space/feed.json"}) {
        SCOPED_TRACE(key);
        const std::string name = std::string(key).substr(std::string(key).rfind('/') + 1);
        const auto parsed = read_back(test::write_temp(name, site.body(key)));
        EXPECT_EQ(str(parsed["feed"]["title"]), "Example News \xE2\x80\x94 Tag: space");
        expect_entries(parsed, only_space, /*has_updated=*/name != "feed.xml",
                       /*has_co_authors=*/name != "feed.xml");
    }
}

TEST(FeedValidation, FeedparserReadsAnAuthorFeedBackWithItsEntries) {
    ASSERT_TRUE(have_feedparser());
    const SiteDocuments site;
    Fixture desk;  // "about.md" has no author: the site's stands in
    desk.expected = {desk.expected[2]};
    const auto parsed =
        read_back(test::write_temp("atom.xml", site.body("/authors/the-desk/atom.xml")));
    EXPECT_EQ(str(parsed["feed"]["link"]), "https://news.example.org/authors/the-desk/");
    expect_entries(parsed, desk, /*has_updated=*/true, /*has_co_authors=*/true);
}

TEST(FeedValidation, FeedparserReadsTheArchiveBackWithTheWholeHistory) {
    ASSERT_TRUE(have_feedparser());
    const SiteDocuments site;
    for (const char* key : {"/archive/1.xml", "/archive/1.atom"}) {
        SCOPED_TRACE(key);
        const auto parsed = read_back(test::write_temp(std::string(key).ends_with(".xml") ? "a.xml" : "a.atom",
                                                       site.body(key)));
        const bool atom = std::string(key).ends_with(".atom");
        expect_entries(parsed, site.f, /*has_updated=*/atom, /*has_co_authors=*/atom);
        for (const auto& entry : parsed["entries"]) EXPECT_TRUE(entry["content"].is_null());
    }
}

}  // namespace
}  // namespace feedd
