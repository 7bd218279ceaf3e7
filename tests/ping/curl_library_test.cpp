// libcurl through dlopen (src/ping/curl_library.h): what a ping says when the library or one of its
// functions cannot be loaded, and that the queue then treats it like an unreachable hub.
// (That feedd does not link libcurl, and that a process maps it only once a ping is sent, are
// tested by tests/support/library_not_needed.cmake and curl_loading_test.cpp.)
#include "ping/curl_library.h"

#include <gtest/gtest.h>

#include <boost/asio/executor_work_guard.hpp>
#include <mutex>
#include <thread>

#include "ping/client.h"
#include "ping/pinger.h"
#include "support/peers.h"
#include "support/process.h"

namespace feedd::ping {
namespace {

using namespace std::chrono_literals;

// A libcurl.so.4 that does not exist: what an operator without the libcurl4 package would see.
const std::string kMissing = "/nonexistent-feedd-test/libcurl.so.4";

// Points curl_library() at `soname` for the scope; the real libcurl afterwards.
struct CurlSoname {
    explicit CurlSoname(std::string soname) { set_curl_soname_for_testing(std::move(soname)); }
    ~CurlSoname() { set_curl_soname_for_testing(""); }
};

bool contains(const std::string& text, const std::string& needle) {
    return text.find(needle) != std::string::npos;
}

TEST(CurlLibrary, LoadsTheRealLibraryOnceAndKeepsIt) {
    const auto first = curl_library();
    ASSERT_TRUE(first.has_value()) << first.error();
    const auto second = curl_library();
    ASSERT_TRUE(second.has_value());
    EXPECT_EQ(*first, *second);
    EXPECT_NE((*first)->easy_setopt, nullptr);
}

TEST(CurlLibrary, MissingLibraryNamesItAndWhatDlopenSaid) {
    const auto opened = open_curl_library(kMissing);
    ASSERT_FALSE(opened.has_value());
    EXPECT_TRUE(contains(opened.error(), "cannot load " + kMissing)) << opened.error();
    EXPECT_TRUE(contains(opened.error(), "cannot open shared object file")) << opened.error();
}

TEST(CurlLibrary, LibraryWithoutCurlFunctionsNamesTheMissingSymbol) {
    const auto opened = open_curl_library("libz.so.1");  // loads, but is not libcurl
    ASSERT_FALSE(opened.has_value());
    EXPECT_TRUE(contains(opened.error(), "cannot use libz.so.1")) << opened.error();
    EXPECT_TRUE(contains(opened.error(), "undefined symbol: curl_global_init")) << opened.error();
}

TEST(CurlLibrary, PingWithoutLibcurlIsARetryNamingItAndTheNextPingLoadsIt) {
    const auto hub = test::start_hub();
    const Endpoint endpoint{EndpointKind::websub, hub.url("/"), false};
    ClientOptions options;
    options.user_agent = "feedd/test";
    {
        CurlSoname missing(kMissing);
        const auto outcome = deliver_all(options, {Request{endpoint, "http://a/f", 0}}).at(0);
        EXPECT_EQ(outcome.kind, OutcomeKind::retry);
        EXPECT_EQ(outcome.http_status, 0);
        EXPECT_TRUE(contains(outcome.message, "cannot load " + kMissing)) << outcome.message;
        EXPECT_TRUE(contains(outcome.message, "No such file or directory")) << outcome.message;
    }
    EXPECT_EQ(hub.get_json("/_test/publishes")["attempts"].size(), 0u);
    const auto outcome = deliver_all(options, {Request{endpoint, "http://a/f", 0}}).at(0);
    EXPECT_TRUE(outcome.ok()) << outcome.message;
}

TEST(CurlLibrary, PingerKeepsThePingQueuedAndRetriesItOnceLibcurlLoads) {
    boost::asio::io_context io;
    auto work = boost::asio::make_work_guard(io);
    std::mutex mutex;
    std::vector<std::string> lines;
    std::thread io_thread([&] { io.run(); });
    auto logged = [&](const std::string& needle) {
        std::lock_guard lock(mutex);
        for (const auto& line : lines) {
            if (contains(line, needle)) return true;
        }
        return false;
    };

    feedd::test::TempDir dir;
    const auto hub = test::start_hub();
    PingerOptions options;
    options.endpoints = {{EndpointKind::websub, hub.url("/"), false}};
    options.site_url = "https://site.example/";
    options.state_dir = dir.path();
    options.retry.first_delay = 300ms;
    options.retry.settle = 0ms;
    options.retry.jitter = 0;
    {
        std::optional<CurlSoname> missing(std::in_place, kMissing);
        Pinger pinger(io, options, [&](LogLevel, const std::string& line) {
            std::lock_guard lock(mutex);
            lines.push_back(line);
        });
        pinger.announce({{"https://site.example/feed.xml", "\"e1\""}});
        EXPECT_TRUE(
            test::wait_until([&] { return logged("failed (cannot load " + kMissing); }, 5s));
        EXPECT_TRUE(logged("; try 2 in "));
        const auto stats = pinger.stats();
        EXPECT_EQ(stats.queue_length, 1u);
        EXPECT_TRUE(
            stats.endpoints.at(0).last_outcome.starts_with("retry: cannot load " + kMissing))
            << stats.endpoints.at(0).last_outcome;

        missing.reset();  // as if the operator installed libcurl4: no restart needed
        EXPECT_TRUE(test::wait_until([&] { return pinger.stats().queue_length == 0; }, 5s));
        EXPECT_EQ(hub.get_json("/_test/publishes")["accepted"].size(), 1u);
        pinger.stop();
    }
    work.reset();
    io_thread.join();
}

}  // namespace
}  // namespace feedd::ping
