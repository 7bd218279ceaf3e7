#include "http/metrics.h"

#include <gtest/gtest.h>

#include <chrono>
#include <map>
#include <regex>
#include <set>
#include <sstream>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

namespace feedd::http {
namespace {

using namespace std::chrono_literals;

// The value of the sample line "<series> <value>", or -1 when there is none.
double sample(const std::string& text, const std::string& series) {
    std::istringstream in(text);
    for (std::string line; std::getline(in, line);) {
        if (line.size() > series.size() && line.compare(0, series.size(), series) == 0 &&
            line[series.size()] == ' ') {
            return std::stod(line.substr(series.size() + 1));
        }
    }
    return -1;
}

// Checks the rules of text format 0.0.4 that a scraper rejects: every family has one HELP and one
// TYPE before its samples, samples belong to the family announced last (histograms through their
// suffixes), names and label sets are well formed, and no series appears twice.
void expect_valid_exposition(const std::string& text) {
    static const std::regex help(R"(# HELP ([a-zA-Z_:][a-zA-Z0-9_:]*) .*)");
    static const std::regex type(R"(# TYPE ([a-zA-Z_:][a-zA-Z0-9_:]*) (counter|gauge|histogram))");
    static const std::regex series(
        R"re(([a-zA-Z_:][a-zA-Z0-9_:]*)(\{([a-zA-Z_][a-zA-Z0-9_]*="([^"\\\n]|\\[\\"n])*",?)*\})? )re"
        R"re((-?[0-9.e+-]+|\+Inf|-Inf|NaN))re");
    ASSERT_FALSE(text.empty());
    ASSERT_EQ(text.back(), '\n');
    std::set<std::string> families, seen;
    std::string family, family_type;
    std::istringstream in(text);
    for (std::string line; std::getline(in, line);) {
        std::smatch m;
        if (std::regex_match(line, m, help)) {
            EXPECT_TRUE(families.insert(m[1]).second) << "second HELP for " << m[1];
            family = m[1];
            family_type.clear();
        } else if (std::regex_match(line, m, type)) {
            EXPECT_EQ(m[1], family) << "TYPE without its HELP: " << line;
            family_type = m[2];
            if (family_type == "counter") {
                EXPECT_TRUE(family.ends_with("_total")) << family;
            }
        } else if (std::regex_match(line, m, series)) {
            const std::string name = m[1];
            EXPECT_FALSE(family_type.empty()) << "sample before TYPE: " << line;
            if (family_type == "histogram") {
                EXPECT_TRUE(name == family + "_bucket" || name == family + "_sum" ||
                            name == family + "_count")
                    << line;
            } else {
                EXPECT_EQ(name, family) << line;
            }
            const std::string key = line.substr(0, line.rfind(' '));
            EXPECT_TRUE(seen.insert(key).second) << "duplicate series " << key;
        } else {
            ADD_FAILURE() << "not an exposition line: '" << line << "'";
        }
    }
}

TEST(Metrics, PathLabelsBucketUnknownPaths) {
    EXPECT_EQ(Metrics::path_label("/feed.xml"), "/feed.xml");
    EXPECT_EQ(Metrics::path_label("/feed.xml?utm=1"), "/feed.xml");
    EXPECT_EQ(Metrics::path_label("/index.html"), "/");
    EXPECT_EQ(Metrics::path_label("/tags/rust/feed.xml"), "/tags/*");
    EXPECT_EQ(Metrics::path_label("/wp-login.php"), "other");
    EXPECT_EQ(Metrics::path_label(""), "other");
    // Labels map onto themselves, so the server can keep the label instead of the target.
    for (const char* target : {"/", "/feed.xml", "/healthz", "/tags/x", "/archive/1.xml", "/x"}) {
        const auto label = Metrics::path_label(target);
        EXPECT_EQ(Metrics::path_label(label), label);
    }
}

TEST(Metrics, CountsResponsesByPathAndStatusWithBytesAnd304s) {
    Metrics metrics;
    metrics.record_response("/feed.xml", 200, 1000);
    metrics.record_response("/feed.xml?x=1", 200, 500);
    metrics.record_response("/feed.xml", 304, 120);
    metrics.record_response("/nope", 404, 80);
    metrics.record_response("/feed.xml", 299, 10);
    const std::string text = metrics.render();
    expect_valid_exposition(text);
    EXPECT_EQ(sample(text, R"(feedd_http_requests_total{path="/feed.xml",code="200"})"), 2);
    EXPECT_EQ(sample(text, R"(feedd_http_requests_total{path="/feed.xml",code="304"})"), 1);
    EXPECT_EQ(sample(text, R"(feedd_http_requests_total{path="other",code="404"})"), 1);
    EXPECT_EQ(sample(text, R"(feedd_http_requests_total{path="/feed.xml",code="other"})"), 1);
    EXPECT_EQ(sample(text, "feedd_http_response_bytes_total"), 1710);
    EXPECT_EQ(sample(text, "feedd_http_not_modified_total"), 1);
    EXPECT_EQ(sample(text, R"(feedd_http_requests_total{path="/atom.xml",code="200"})"), -1)
        << "series that never happened are left out";
}

TEST(Metrics, AScannerCannotCreateSeries) {
    Metrics metrics;
    for (int i = 0; i < 2000; ++i) metrics.record_response("/probe/" + std::to_string(i), 404, 1);
    const std::string text = metrics.render();
    EXPECT_EQ(sample(text, R"(feedd_http_requests_total{path="other",code="404"})"), 2000);
    EXPECT_LT(text.size(), 8000u);
}

TEST(Metrics, ConnectionsAndTimeouts) {
    Metrics metrics;
    metrics.connection_opened();
    metrics.connection_opened();
    metrics.connection_closed();
    metrics.record_timeout();
    const std::string text = metrics.render();
    EXPECT_EQ(sample(text, "feedd_http_connections_total"), 2);
    EXPECT_EQ(sample(text, "feedd_http_connections_open"), 1);
    EXPECT_EQ(sample(text, "feedd_http_timeouts_total"), 1);
}

TEST(Metrics, BuildDurationsFormACumulativeHistogram) {
    Metrics metrics;
    const auto at = std::chrono::system_clock::time_point{std::chrono::seconds{1714564800}};
    metrics.record_build(3ms, 10, 0, true, at);
    metrics.record_build(40ms, 12, 1, true, at);
    metrics.record_build(2s, 99, 7, false, at + 5s);
    metrics.record_build(std::chrono::minutes{2}, 99, 7, false, at + 200s);
    const std::string text = metrics.render();
    expect_valid_exposition(text);
    const auto bucket = [&](const char* le) {
        return sample(text, std::string("feedd_build_duration_seconds_bucket{le=\"") + le + "\"}");
    };
    EXPECT_EQ(bucket("0.005"), 1);
    EXPECT_EQ(bucket("0.025"), 1);
    EXPECT_EQ(bucket("0.05"), 2);
    EXPECT_EQ(bucket("1"), 2);
    EXPECT_EQ(bucket("2.5"), 3);
    EXPECT_EQ(bucket("60"), 3);
    EXPECT_EQ(bucket("+Inf"), 4);
    EXPECT_EQ(sample(text, "feedd_build_duration_seconds_count"), 4);
    EXPECT_NEAR(sample(text, "feedd_build_duration_seconds_sum"), 122.043, 1e-9);
    EXPECT_EQ(sample(text, R"(feedd_builds_total{result="success"})"), 2);
    EXPECT_EQ(sample(text, R"(feedd_builds_total{result="failure"})"), 2);
    EXPECT_EQ(sample(text, "feedd_articles"), 12) << "a failed build is not what is served";
    EXPECT_EQ(sample(text, "feedd_problems"), 7);
    EXPECT_EQ(sample(text, "feedd_last_build_success"), 0);
    EXPECT_EQ(sample(text, "feedd_last_build_timestamp_seconds"), 1714564800 + 200);
}

TEST(Metrics, NoBuildYetHasAnEmptyHistogramAndNoTimestamp) {
    Metrics metrics;
    const std::string text = metrics.render();
    expect_valid_exposition(text);
    EXPECT_EQ(sample(text, R"(feedd_build_duration_seconds_bucket{le="+Inf"})"), 0);
    EXPECT_EQ(text.find("feedd_last_build_timestamp_seconds"), std::string::npos);
}

TEST(Metrics, FreeFormGaugesAndCountersWithEscapedLabels) {
    Metrics metrics;
    metrics.set_gauge("feedd_ping_queue_length", "Pings waiting to be sent.", 4);
    metrics.set_gauge("feedd_ping_queue_length", "ignored later help", 2);
    metrics.set_gauge("feedd_ping_endpoint_up", "1 if the last ping succeeded.",
                      {{"endpoint", "https://hub.example/?a=\"b\"\\c\nd"}}, 1);
    metrics.add_counter("feedd_pings_total", "Pings sent, by result.", {{"result", "ok"}});
    metrics.add_counter("feedd_pings_total", "Pings sent, by result.", {{"result", "ok"}}, 2);
    const std::string text = metrics.render();
    expect_valid_exposition(text);
    EXPECT_NE(text.find("# HELP feedd_ping_queue_length Pings waiting to be sent.\n"
                        "# TYPE feedd_ping_queue_length gauge\n"
                        "feedd_ping_queue_length 2\n"),
              std::string::npos)
        << text;
    EXPECT_EQ(
        sample(text, R"(feedd_ping_endpoint_up{endpoint="https://hub.example/?a=\"b\"\\c\nd"})"),
        1);
    EXPECT_EQ(sample(text, R"(feedd_pings_total{result="ok"})"), 3);
    metrics.remove("feedd_ping_endpoint_up");
    EXPECT_EQ(metrics.render().find("feedd_ping_endpoint_up"), std::string::npos);
}

TEST(Metrics, MisnamedSeriesAreRejected) {
    Metrics metrics;
    EXPECT_THROW(metrics.set_gauge("feedd-ping", "h", 1), std::invalid_argument);
    EXPECT_THROW(metrics.set_gauge("1feedd", "h", 1), std::invalid_argument);
    EXPECT_THROW(metrics.set_gauge("feedd_x_total", "a gauge named like a counter", 1),
                 std::invalid_argument);
    EXPECT_THROW(metrics.add_counter("feedd_pings", "a counter without _total", {}),
                 std::invalid_argument);
    EXPECT_THROW(metrics.add_counter("feedd_pings_total", "down", {}, -1), std::invalid_argument);
    EXPECT_THROW(metrics.set_gauge("feedd_x", "h", {{"bad:label", "v"}}, 1), std::invalid_argument);
    expect_valid_exposition(metrics.render());
    EXPECT_EQ(metrics.render().find("feedd_x"), std::string::npos);
}

TEST(Metrics, ConcurrentUpdatesAreAllCounted) {
    Metrics metrics;
    constexpr int kThreads = 4, kEach = 20000;
    std::vector<std::thread> threads;
    for (int t = 0; t < kThreads; ++t) {
        threads.emplace_back([&metrics, t] {
            for (int i = 0; i < kEach; ++i) {
                metrics.record_response(t % 2 ? "/feed.xml" : "/atom.xml", 200, 10);
                if (i % 1000 == 0) {
                    metrics.record_build(1ms, 1, 0, true);
                    metrics.set_gauge("feedd_thread_progress", "h", {{"t", std::to_string(t)}}, i);
                    (void)metrics.render();
                }
            }
        });
    }
    for (auto& thread : threads) thread.join();
    const std::string text = metrics.render();
    expect_valid_exposition(text);
    EXPECT_EQ(sample(text, R"(feedd_http_requests_total{path="/feed.xml",code="200"})"),
              kThreads / 2 * kEach);
    EXPECT_EQ(sample(text, R"(feedd_http_requests_total{path="/atom.xml",code="200"})"),
              kThreads / 2 * kEach);
    EXPECT_EQ(sample(text, "feedd_http_response_bytes_total"), 10.0 * kThreads * kEach);
    EXPECT_EQ(sample(text, "feedd_build_duration_seconds_count"), kThreads * kEach / 1000);
}

}  // namespace
}  // namespace feedd::http
