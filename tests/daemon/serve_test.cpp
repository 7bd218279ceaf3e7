// `feedd serve` started for real on 127.0.0.1 and spoken to over real HTTP.
#include <gtest/gtest.h>
#include <signal.h>

#include <memory>
#include <nlohmann/json.hpp>
#include <regex>

#include "daemon/site_fixture.h"
#include "daemon/running_feedd.h"
#include "support/http_client.h"
#include "support/process.h"

namespace feedd::test {
namespace {

using namespace std::chrono_literals;

class Serve : public ::testing::Test {
protected:
    HttpResponse get(const std::string& target, const std::map<std::string, std::string>& headers = {},
                     const std::string& method = "GET") {
        return feedd_->get(target, headers, method);
    }

    SiteFixture site_;
    std::unique_ptr<RunningFeedd> feedd_ = std::make_unique<RunningFeedd>(site_.config());
};

TEST_F(Serve, ServesEachFeedWithItsTypeAndValidators) {
    const std::map<std::string, std::string> types = {
        {"/feed.xml", "application/rss+xml; charset=utf-8"},
        {"/atom.xml", "application/atom+xml; charset=utf-8"},
        {"/feed.json", "application/feed+json; charset=utf-8"},
        {"/", "text/html; charset=utf-8"},
    };
    for (const auto& [path, type] : types) {
        const auto response = get(path);
        EXPECT_EQ(response.status, 200) << path;
        EXPECT_EQ(response.header("content-type"), type) << path;
        EXPECT_EQ(response.header("content-length"), std::to_string(response.body.size())) << path;
        EXPECT_TRUE(std::regex_match(response.header("etag"), std::regex(R"("[^"]+")"))) << path;
        EXPECT_TRUE(response.header("last-modified").ends_with(" GMT")) << path;
    }
    const auto rss = get("/feed.xml").body;
    EXPECT_NE(rss.find("<rss"), std::string::npos);
    EXPECT_NE(rss.find("Russia and Turkey may sign space cooperation agreement soon</title>"), std::string::npos);
    EXPECT_EQ(rss.find("Latest news"), std::string::npos);
    EXPECT_EQ(rss.find("Market opening hours"), std::string::npos) << "a draft was published";
    EXPECT_EQ(rss.find("Coastal marathon route"), std::string::npos) << "a future article was published";
}

// What a feed reader understands of each served feed: read back by Debian's python3-feedparser
// (JSON Feed: by Python's json module) through tests/feed/feed_reader.py.
nlohmann::json read_back(const std::filesystem::path& file) {
    const auto result = run_program({"/usr/bin/python3", FEEDD_SOURCE_DIR "/tests/feed/feed_reader.py", file.string()});
    EXPECT_EQ(result.exit_code, 0) << result.err;
    return nlohmann::json::parse(result.out, nullptr, false);
}

TEST_F(Serve, FeedReadersListEveryPublishedArticleWithTheSeedDatedByItsFooter) {
    using namespace std::chrono;
    const sys_seconds seed_published = sys_days{2025y / April / 5} + 12h + 20min;  // footer "14 Jan 2026"
    // The first "Latest news" headline of the sample, glued to the marker, must not be published.
    const auto sample = read_file(FEEDD_SHARED_DIR "/samples/seed-article.txt");
    const auto marker = sample.find("\nLatest news");
    ASSERT_NE(marker, std::string::npos);
    const auto headline_start = marker + std::string("\nLatest news").size();
    const auto headline = sample.substr(headline_start, sample.find('\n', headline_start) - headline_start);
    ASSERT_GT(headline.size(), 10u);
    for (const char* path : {"/feed.xml", "/atom.xml", "/feed.json"}) {
        const auto file = site_.root() / ("served" + std::string(path).substr(1));
        write_file(file, get(path).body);
        const auto feed = read_back(file);
        ASSERT_TRUE(feed.is_object()) << path;
        EXPECT_FALSE(feed["bozo"].get<bool>()) << path << ": " << feed["bozo_exception"];
        // The example site publishes 10 articles (one draft and one future one are held back), plus the seed.
        ASSERT_EQ(feed["entries"].size(), 11u) << path;
        const nlohmann::json* seed = nullptr;
        for (const auto& entry : feed["entries"]) {
            if (entry["link"] == "https://news.example.org/world/seed-article/") seed = &entry;
            EXPECT_FALSE(entry["title"].get<std::string>().empty()) << path;
            EXPECT_TRUE(entry["id"].is_string()) << path;
            EXPECT_TRUE(entry["published"].is_number()) << path;
        }
        ASSERT_NE(seed, nullptr) << path;
        EXPECT_EQ((*seed)["title"], "Russia and Turkey may sign space cooperation agreement soon") << path;
        EXPECT_EQ((*seed)["published"].get<long long>(), seed_published.time_since_epoch().count()) << path;
        const auto content = (*seed)["content"].get<std::string>();
        EXPECT_EQ(content.find("Latest news"), std::string::npos) << path;
        EXPECT_EQ(content.find(headline), std::string::npos) << path << ": a Latest-news headline leaked";
        EXPECT_EQ(content.find("14 Jan 2026"), std::string::npos) << path << ": the footer date leaked";
    }
}

TEST_F(Serve, HeadHasTheHeadersOfGetAndNoBody) {
    const auto full = get("/atom.xml");
    const auto head = get("/atom.xml", {}, "HEAD");
    EXPECT_EQ(head.status, 200);
    EXPECT_EQ(head.body, "");
    for (const char* name : {"content-type", "content-length", "etag", "last-modified", "cache-control"}) {
        EXPECT_EQ(head.header(name), full.header(name)) << name;
    }
}

TEST_F(Serve, ConditionalRequestsAnswerNotModified) {
    const auto first = get("/feed.xml");
    const auto by_etag = get("/feed.xml", {{"If-None-Match", first.header("etag")}});
    EXPECT_EQ(by_etag.status, 304);
    EXPECT_EQ(by_etag.body, "");
    EXPECT_EQ(by_etag.header("etag"), first.header("etag"));
    EXPECT_EQ(get("/feed.xml", {{"If-None-Match", "\"other\", W/" + first.header("etag")}}).status, 304);
    EXPECT_EQ(get("/feed.xml", {{"If-None-Match", "*"}}).status, 304);
    EXPECT_EQ(get("/feed.xml", {{"If-None-Match", "\"stale\""}}).status, 200);
    EXPECT_EQ(get("/feed.xml", {{"If-Modified-Since", first.header("last-modified")}}).status, 304);
    EXPECT_EQ(get("/feed.xml", {{"If-Modified-Since", "Thu, 01 Jan 1970 00:00:00 GMT"}}).status, 200);
}

TEST_F(Serve, GzipIsNegotiated) {
    const auto plain = get("/feed.xml");
    const auto gzip = get("/feed.xml", {{"Accept-Encoding", "gzip, deflate"}});
    EXPECT_EQ(gzip.status, 200);
    EXPECT_EQ(gzip.header("content-encoding"), "gzip");
    EXPECT_LT(gzip.body.size(), plain.body.size());
    EXPECT_NE(gzip.header("etag"), plain.header("etag"));
    EXPECT_NE(gzip.header("vary").find("Accept-Encoding"), std::string::npos);
    EXPECT_EQ(get("/feed.xml", {{"Accept-Encoding", "gzip;q=0"}}).header("content-encoding"), "");
    const auto brotli = get("/feed.xml", {{"Accept-Encoding", "br;q=1.0, gzip;q=0.8"}});
    EXPECT_EQ(brotli.header("content-encoding"), "br");
    EXPECT_LT(brotli.body.size(), plain.body.size());
    EXPECT_NE(brotli.header("etag"), gzip.header("etag"));
}

TEST_F(Serve, UnknownPathsAndMethodsAreRefused) {
    EXPECT_EQ(get("/nope.xml").status, 404);
    EXPECT_EQ(get("/../etc/passwd").status, 400);
    const auto post = get("/feed.xml", {}, "POST");
    EXPECT_EQ(post.status, 405);
    EXPECT_EQ(post.header("allow"), "GET, HEAD");
    EXPECT_EQ(get("/feed.xml", {}, "DELETE").status, 405);
}

TEST_F(Serve, SigtermStopsWithExitZero) {
    EXPECT_EQ(get("/feed.xml").status, 200);
    EXPECT_EQ(feedd_->stop(5s), 0) << feedd_->process().stderr_text();
}

TEST(ServeStartup, PortInUseIsAClearError) {
    SiteFixture first_site;
    ChildProcess first({FEEDD_BINARY, "serve", "-c", first_site.config().string()});
    const auto line = first.wait_for_line("serving http://", 20s);
    ASSERT_FALSE(line.empty()) << first.stderr_text();
    const auto address = line.substr(line.find("http://") + 7);
    const auto listen = address.substr(0, address.find('/'));

    SiteFixture second_site(listen);
    const auto second = run_program({FEEDD_BINARY, "serve", "-c", second_site.config().string()});
    EXPECT_EQ(second.exit_code, 1);
    EXPECT_NE(second.err.find("cannot listen on " + listen), std::string::npos) << second.err;
    // Said at once: the port is bound before the first build, which never started.
    EXPECT_EQ(second.err.find("build:"), std::string::npos) << second.err;
    first.signal(SIGTERM);
    EXPECT_EQ(first.wait(5s), 0);
}

}  // namespace
}  // namespace feedd::test
