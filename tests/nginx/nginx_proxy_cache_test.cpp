// config/nginx-feedd.conf in front of a real `feedd serve`: Debian's nginx on 127.0.0.1 caches
// feeds, revalidates them with feedd's ETags after server.max_age, and shows a change after it.
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <memory>
#include <regex>
#include <string>
#include <thread>

#include "daemon/running_feedd.h"
#include "support/gzip.h"
#include "support/http_client.h"
#include "support/process.h"

namespace feedd::test {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

constexpr const char* kNginx = "/usr/sbin/nginx";
constexpr int kMaxAge = 2;  // server.max_age: small, so expiry is quick to wait for

std::string replace_all(std::string text, const std::string& from, const std::string& to) {
    for (auto at = text.find(from); at != std::string::npos; at = text.find(from, at + to.size())) {
        text.replace(at, from.size(), to);
    }
    return text;
}

// A port that was free a moment ago; nginx has to bind it itself (nginx cannot take port 0 and
// report it), so a lost race is retried by the caller.
std::uint16_t free_port() {
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t length = sizeof address;
    if (fd < 0 || ::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0 ||
        ::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length) != 0) {
        if (fd >= 0) ::close(fd);
        throw std::runtime_error("no free port on 127.0.0.1");
    }
    ::close(fd);
    return ntohs(address.sin_port);
}

// feedd_http_not_modified_total from feedd's /metrics.
long not_modified_total(const RunningFeedd& feedd) {
    const auto metrics = feedd.get("/metrics").body;
    std::smatch match;
    if (!std::regex_search(metrics, match,
                           std::regex(R"(\nfeedd_http_not_modified_total (\d+))"))) {
        return -1;
    }
    return std::stol(match[1]);
}

// The shipped config, rendered as envsubst would, inside a complete nginx.conf whose every path is
// in `dir`: nginx runs in the foreground as whoever runs the test.
std::string nginx_conf(const fs::path& dir, std::uint16_t nginx_port, std::uint16_t feedd_port) {
    std::string site = read_file(FEEDD_SOURCE_DIR "/config/nginx-feedd.conf");
    site = replace_all(site, "${FEEDD_UPSTREAM}", "127.0.0.1:" + std::to_string(feedd_port));
    site = replace_all(site, "${FEEDD_LISTEN}", "127.0.0.1:" + std::to_string(nginx_port));
    site = replace_all(site, "${FEEDD_SERVER_NAME}", "localhost");
    site = replace_all(site, "${FEEDD_CACHE_DIR}", (dir / "cache").string());
    const std::string d = dir.string();
    return "daemon off;\n"
           "master_process off;\n"
           "pid " +
           d +
           "/nginx.pid;\n"
           "error_log " +
           d +
           "/error.log info;\n"
           "events { worker_connections 64; }\n"
           "http {\n"
           "  access_log " +
           d +
           "/access.log;\n"
           "  client_body_temp_path " +
           d +
           "/client_body;\n"
           "  proxy_temp_path " +
           d +
           "/proxy;\n"
           "  fastcgi_temp_path " +
           d +
           "/fastcgi;\n"
           "  uwsgi_temp_path " +
           d +
           "/uwsgi;\n"
           "  scgi_temp_path " +
           d + "/scgi;\n" + site + "}\n";
}

class NginxInFront : public ::testing::Test {
  protected:
    void SetUp() override {
        ASSERT_TRUE(fs::exists(kNginx))
            << kNginx << " is missing: install the Debian package `nginx` (`make deps` does)";
        fs::copy(FEEDD_SOURCE_DIR "/examples/site/content", dir_.path() / "content",
                 fs::copy_options::recursive);
        write_file(dir_.path() / "feedd.yaml",
                   "site:\n"
                   "  title: Behind nginx\n"
                   "  url: https://news.example.org/\n"
                   "content:\n"
                   "  dir: ./content\n"
                   "  timezone: UTC\n"
                   "  debounce_ms: 50\n"
                   "server:\n"
                   "  listen: \"127.0.0.1:0\"\n"
                   "  max_age: " +
                       std::to_string(kMaxAge) +
                       "\n"
                       "ping:\n"
                       "  enabled: false\n"
                       "state_dir: ./state\n");
        feedd_ = std::make_unique<RunningFeedd>(dir_.path() / "feedd.yaml");
        start_nginx();
    }

    void TearDown() override {
        if (nginx_) {
            nginx_->signal(SIGQUIT);  // graceful: finishes requests, then exits
            if (nginx_->wait(5s) == -2) nginx_->signal(SIGKILL);
        }
    }

    void start_nginx() {
        const fs::path dir = dir_.path() / "nginx";
        fs::create_directories(dir);
        for (int attempt = 0; attempt < 5; ++attempt) {
            nginx_port_ = free_port();
            write_file(dir / "nginx.conf", nginx_conf(dir, nginx_port_, feedd_->port()));
            nginx_ = std::make_unique<ChildProcess>(std::vector<std::string>{
                kNginx, "-p", dir.string(), "-c", (dir / "nginx.conf").string(), "-e",
                (dir / "error.log").string()});
            for (auto until = std::chrono::steady_clock::now() + 10s;
                 std::chrono::steady_clock::now() < until;) {
                try {
                    if (http_request("127.0.0.1", nginx_port_, "GET", "/healthz").status == 200)
                        return;
                } catch (const std::exception&) {
                    // not listening yet
                }
                if (nginx_->wait(50ms) != -2) break;  // exited: port taken or config rejected
            }
            nginx_.reset();
        }
        FAIL() << "nginx did not start; its error log:\n" << read_file(dir / "error.log");
    }

    HttpResponse via_nginx(const std::map<std::string, std::string>& headers = {}) const {
        return http_request("127.0.0.1", nginx_port_, "GET", "/feed.xml", headers);
    }

    TempDir dir_;
    std::unique_ptr<RunningFeedd> feedd_;
    std::unique_ptr<ChildProcess> nginx_;
    std::uint16_t nginx_port_ = 0;
};

TEST_F(NginxInFront, SecondRequestIsACacheHitWithFeeddsBytesAndValidators) {
    const auto direct = feedd_->get("/feed.xml");
    ASSERT_EQ(direct.status, 200);
    const auto first = via_nginx();
    EXPECT_EQ(first.status, 200);
    EXPECT_EQ(first.header("x-cache-status"), "MISS");
    const auto second = via_nginx();
    EXPECT_EQ(second.status, 200);
    EXPECT_EQ(second.header("x-cache-status"), "HIT");
    EXPECT_EQ(second.body, direct.body);
    EXPECT_EQ(second.header("etag"), direct.header("etag"));
    EXPECT_EQ(second.header("last-modified"), direct.header("last-modified"));
    EXPECT_EQ(second.header("cache-control"), direct.header("cache-control"));
    EXPECT_EQ(second.header("vary"), direct.header("vary"));
    EXPECT_EQ(second.header("link"), direct.header("link"));

    // A reader's own conditional request is answered by nginx from the cache.
    const long before = not_modified_total(*feedd_);
    const auto conditional = via_nginx({{"If-None-Match", direct.header("etag")}});
    EXPECT_EQ(conditional.status, 304);
    EXPECT_TRUE(conditional.body.empty());
    EXPECT_EQ(not_modified_total(*feedd_), before) << "a cached 304 must not reach feedd";
}

TEST_F(NginxInFront, AfterMaxAgeNginxRevalidatesAndFeeddAnswers304) {
    const auto first = via_nginx();
    ASSERT_EQ(first.status, 200);
    const long before = not_modified_total(*feedd_);
    ASSERT_GE(before, 0) << "feedd_http_not_modified_total missing from /metrics";

    std::this_thread::sleep_for(std::chrono::seconds(kMaxAge) + 300ms);
    auto revalidated = via_nginx();
    // On a loaded machine the entry may still be fresh a moment longer: ask again until it is not.
    for (int i = 0; i < 40 && revalidated.header("x-cache-status") == "HIT"; ++i) {
        std::this_thread::sleep_for(100ms);
        revalidated = via_nginx();
    }
    EXPECT_EQ(revalidated.status, 200);
    EXPECT_EQ(revalidated.header("x-cache-status"), "REVALIDATED");
    EXPECT_EQ(revalidated.body, first.body);
    EXPECT_EQ(revalidated.header("etag"), first.header("etag"));
    // feedd counts a response once its write completes, which may be just after nginx has it.
    long counted = not_modified_total(*feedd_);
    for (int i = 0; i < 20 && counted < before + 1; ++i) {
        std::this_thread::sleep_for(50ms);
        counted = not_modified_total(*feedd_);
    }
    EXPECT_EQ(counted, before + 1) << "one conditional request, one 304";

    // The 304 renewed the entry for another max_age.
    const auto after = via_nginx();
    EXPECT_EQ(after.header("x-cache-status"), "HIT");
    EXPECT_EQ(not_modified_total(*feedd_), before + 1);

    // nginx's error log holds no complaint about the upstream (bad headers, buffering, ...).
    const auto errors = read_file(dir_.path() / "nginx" / "error.log");
    EXPECT_EQ(errors.find("[error]"), std::string::npos) << errors;
    EXPECT_EQ(errors.find("[warn]"), std::string::npos) << errors;
}

TEST_F(NginxInFront, AChangeIsVisibleThroughNginxAfterMaxAge) {
    const auto primed = via_nginx();
    ASSERT_EQ(primed.status, 200);
    const auto primed_at = std::chrono::steady_clock::now();
    const auto primed_gzip = via_nginx({{"Accept-Encoding", "gzip"}});
    ASSERT_EQ(primed_gzip.header("content-encoding"), "gzip");

    const std::string title = "Harbour reopens after the storm";
    fs::create_directories(dir_.path() / "content" / "world");
    // Any past date will do: the example site has fewer articles than feeds.limit.
    write_file(
        dir_.path() / "content" / "world" / "harbour.md",
        "---\ntitle: \"" + title + "\"\ndate: 2024-01-01T00:00:00Z\n---\n\nShips are back.\n");
    ASSERT_TRUE(feedd_->wait_for("/feed.xml", contains(title), 5s)) << "feedd did not rebuild";

    const auto cached = via_nginx();
    if (std::chrono::steady_clock::now() - primed_at < std::chrono::seconds(kMaxAge) - 500ms) {
        // Still fresh in nginx's cache: readers see the old feed until max_age has passed.
        EXPECT_EQ(cached.header("x-cache-status"), "HIT");
        EXPECT_EQ(cached.body.find(title), std::string::npos);
    }

    HttpResponse seen;
    const auto deadline = primed_at + std::chrono::seconds(kMaxAge) + 2s;
    while (std::chrono::steady_clock::now() < deadline) {
        seen = via_nginx();
        if (seen.body.find(title) != std::string::npos) break;
        std::this_thread::sleep_for(50ms);
    }
    ASSERT_NE(seen.body.find(title), std::string::npos) << "change not visible through nginx";
    EXPECT_GE(std::chrono::steady_clock::now() - primed_at, std::chrono::seconds(kMaxAge));
    EXPECT_EQ(seen.header("x-cache-status"), "EXPIRED") << "refetched in full, not a 304";
    EXPECT_EQ(seen.body, feedd_->get("/feed.xml").body);
    EXPECT_NE(seen.header("etag"), primed.header("etag"));

    // The gzip variant, cached separately, follows too.
    const auto gzip = via_nginx({{"Accept-Encoding", "gzip"}});
    EXPECT_EQ(gzip.header("content-encoding"), "gzip");
    EXPECT_NE(gunzip(gzip.body).find(title), std::string::npos);
}

TEST_F(NginxInFront, EachEncodingAndViewIsCachedSeparatelyWithFeeddsBytes) {
    // Every variant feedd can send: nginx must never hand one reader's variant to another.
    const std::vector<std::map<std::string, std::string>> variants = {
        {},
        {{"Accept-Encoding", "gzip"}},
        {{"Accept-Encoding", "gzip, deflate, br"}},
        {{"Accept-Encoding", "gzip;q=0, identity"}},
        {{"Sec-Fetch-Mode", "navigate"}, {"Sec-Fetch-Dest", "document"}},
        {{"Sec-Fetch-Mode", "navigate"},
         {"Sec-Fetch-Dest", "document"},
         {"Accept-Encoding", "gzip"}},
    };
    // Two rounds: the first fills the cache, the second must be served from it.
    for (int round = 0; round < 2; ++round) {
        for (const auto& headers : variants) {
            const auto direct = feedd_->get("/feed.xml", headers);
            const auto proxied = via_nginx(headers);
            std::string label;
            for (const auto& [name, value] : headers) label += name + ": " + value + "; ";
            SCOPED_TRACE("round " + std::to_string(round) + ", " + label);
            EXPECT_EQ(proxied.status, direct.status);
            EXPECT_EQ(proxied.header("content-type"), direct.header("content-type"));
            EXPECT_EQ(proxied.header("content-encoding"), direct.header("content-encoding"));
            EXPECT_EQ(proxied.header("etag"), direct.header("etag"));
            EXPECT_EQ(proxied.body, direct.body);
            if (round == 1) {
                EXPECT_EQ(proxied.header("x-cache-status"), "HIT");
            }
        }
    }
    // The gzip body is feedd's, and it decodes to the identity body.
    const auto plain = via_nginx();
    const auto gzip = via_nginx({{"Accept-Encoding", "gzip"}});
    ASSERT_EQ(gzip.header("content-encoding"), "gzip");
    EXPECT_EQ(gunzip(gzip.body), plain.body);
    EXPECT_NE(gzip.header("etag"), plain.header("etag"));
}

TEST_F(NginxInFront, MetricsAndHealthAreNeverCached) {
    const auto first = http_request("127.0.0.1", nginx_port_, "GET", "/metrics");
    EXPECT_EQ(first.status, 200);
    EXPECT_EQ(first.header("x-cache-status"), "");
    const auto health = http_request("127.0.0.1", nginx_port_, "GET", "/healthz");
    EXPECT_EQ(health.status, 200);
    EXPECT_EQ(health.header("x-cache-status"), "");
}

}  // namespace
}  // namespace feedd::test
