// Whole feeds built from the test site (tests/data/site/content) with a fixed config and "now",
// compared byte for byte with tests/data/golden/. After an intended change of the output, run
// with FEEDD_UPDATE_GOLDEN=1 to rewrite the golden files, then review their diff before committing.
#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <sstream>

#include "content/scan.h"
#include "feed/compress.h"
#include "feed/feed.h"
#include "feed/feed_test_support.h"
#include "feed/site.h"
#include "feed/writers.h"

namespace feedd {
namespace {

const std::filesystem::path kGoldenDir = FEEDD_TEST_DATA_DIR "/golden";

Config golden_config() {
    Config config = test::site_config();
    config.site.author = {"The Desk", "desk@news.example.org"};
    config.content.dir = FEEDD_TEST_DATA_DIR "/site/content";
    config.content.timezone = "UTC";
    return config;
}

const Seconds kNow = test::at(2030, 1, 1);

Feed golden_feed() {
    const Config config = golden_config();
    const ContentSet content = scan_content(config.content);
    return make_feed(content.articles, config, kNow);
}

std::string read_file(const std::filesystem::path& file) {
    std::ifstream in(file, std::ios::binary);
    std::ostringstream bytes;
    bytes << in.rdbuf();
    return bytes.str();
}

// The first differing line, so a failure says where without dumping whole feeds.
std::string first_difference(const std::string& want, const std::string& got) {
    std::istringstream a(want), b(got);
    std::string la, lb;
    for (int line = 1;; ++line) {
        const bool more_a = static_cast<bool>(std::getline(a, la));
        const bool more_b = static_cast<bool>(std::getline(b, lb));
        if (!more_a && !more_b) return "equal";
        if (!more_a || !more_b || la != lb) {
            return "line " + std::to_string(line) + ":\n  golden: " + (more_a ? la : "<end>") +
                   "\n  actual: " + (more_b ? lb : "<end>");
        }
    }
}

void check_golden(const std::string& name, const std::string& actual) {
    const std::filesystem::path file = kGoldenDir / name;
    const char* update = std::getenv("FEEDD_UPDATE_GOLDEN");
    if (update && std::string(update) == "1") {
        std::filesystem::create_directories(kGoldenDir);
        std::ofstream(file, std::ios::binary) << actual;
    }
    ASSERT_TRUE(std::filesystem::exists(file))
        << file << " is missing; run with FEEDD_UPDATE_GOLDEN=1 to create it";
    const std::string golden = read_file(file);
    EXPECT_TRUE(golden == actual) << name << " differs from " << file << " at "
                                  << first_difference(golden, actual)
                                  << "\n(run with FEEDD_UPDATE_GOLDEN=1 after an intended change)";
}

// What the golden files must hold, stated independently of them: the draft, the 2099 article and
// the broken file stay out; the rest is newest first by date.
TEST(GoldenFeeds, TestSitePublishesTheExpectedArticles) {
    std::vector<std::string> ids;
    for (const Entry& e : golden_feed().entries) ids.push_back(e.id);
    EXPECT_EQ(ids, (std::vector<std::string>{
                       "https://news.example.org/guides/relative-links/",  // 2024-03-10 14:15
                       "https://news.example.org/news/harbour-ferries/",   // 2024-03-03 09:45
                       "https://news.example.org/hello-world/",            // 2024-03-01 08:00Z
                       "https://news.example.org/news/library-opening/",   // 2024-02-12
                   }));
}

TEST(GoldenFeeds, Rss) {
    check_golden("feed.xml", render_rss(golden_feed()));
}
TEST(GoldenFeeds, Atom) {
    check_golden("atom.xml", render_atom(golden_feed()));
}
TEST(GoldenFeeds, JsonFeed) {
    check_golden("feed.json", render_json(golden_feed()));
}

Snapshot golden_site() {
    const Config config = golden_config();
    const ContentSet content = scan_content(config.content);
    return make_site_snapshot(pointers_to(content.articles), config, kNow);
}

std::string body_of(const Snapshot& s, const std::string& key) {
    const Resource* r = s.find(key);
    EXPECT_NE(r, nullptr) << key;
    return r ? r->body : std::string{};
}

// The site feed of the whole-site build is the same document as make_feed's, plus its link to
// the newest archive page.
// A client that accepts both gets brotli (on a tie): it must be the smaller one on real feeds,
// which a quality chosen for speed alone was not.
TEST(GoldenFeeds, BrotliIsSmallerThanGzipForEachFormat) {
    const Feed feed = golden_feed();
    for (const std::string& body : {render_rss(feed), render_atom(feed), render_json(feed)}) {
        EXPECT_LT(brotli(body).size(), gzip(body).size()) << body.substr(0, 80);
    }
}

TEST(GoldenFeeds, SiteSnapshotFeedIsTheGoldenFeedWithItsArchiveLink) {
    std::string expected = render_atom(golden_feed());
    const std::string link =
        "  <link rel=\"prev-archive\" type=\"application/atom+xml\" "
        "href=\"https://news.example.org/archive/1.atom\" />\n";
    const auto generator = expected.find("  <generator");
    ASSERT_NE(generator, std::string::npos);
    expected.insert(generator, link);
    EXPECT_EQ(body_of(golden_site(), "/atom.xml"), expected);
}

TEST(GoldenFeeds, TagFeedRss) {
    check_golden("tags-local-feed.xml", body_of(golden_site(), "/tags/local/feed.xml"));
}
TEST(GoldenFeeds, TagFeedAtom) {
    check_golden("tags-local-atom.xml", body_of(golden_site(), "/tags/local/atom.xml"));
}
TEST(GoldenFeeds, ArchivePageAtom) {
    check_golden("archive-1.atom", body_of(golden_site(), "/archive/1.atom"));
}
TEST(GoldenFeeds, ArchivePageRss) {
    check_golden("archive-1.xml", body_of(golden_site(), "/archive/1.xml"));
}
TEST(GoldenFeeds, TagIndex) {
    check_golden("tags-index.html", body_of(golden_site(), "/tags/"));
}

}  // namespace
}  // namespace feedd
