// Over TCP: what may take long — rendering a deferred document, compressing, the body file — runs
// on the server's workers, never on its I/O thread: while it runs, other clients are answered.
#include <gtest/gtest.h>

#include <boost/asio/connect.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/thread_pool.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <chrono>
#include <cstdint>
#include <future>
#include <memory>
#include <stdexcept>
#include <string>
#include <thread>

#include <unistd.h>

#include "feed/snapshot.h"
#include "http/response_cache.h"
#include "http/route.h"
#include "http/server.h"
#include "http/test_server.h"
#include "support/gzip.h"

namespace feedd::http {
namespace {

using testing::Client;

using test::unbrotli;

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = beast::http;
using tcp = asio::ip::tcp;
using boost::system::error_code;
using namespace std::chrono_literals;
using testing::TestServer;
using Clock = std::chrono::steady_clock;

const Seconds kModified = std::chrono::sys_days{std::chrono::year{2024} / 5 / 1};

// Bytes that do not compress away, the same on every run.
std::string noise(std::size_t bytes) {
    std::uint32_t state = 12345;
    std::string out;
    out.reserve(bytes);
    while (out.size() < bytes) {
        state = state * 1664525u + 1013904223u;
        out += static_cast<char>('a' + (state >> 10) % 26);
        if (state % 7 == 0) out += ' ';
    }
    out.resize(bytes);
    return out;
}

// A render that waits until the test opens the gate (or the gate is destroyed: a failing test
// must not leave the server's worker stuck), and says on which thread it ran.
struct Gate {
    std::promise<std::thread::id> started;
    std::promise<void> open;
    std::shared_future<void> opened = open.get_future().share();
    bool is_open = false;
    void release() {
        if (!is_open) open.set_value();
        is_open = true;
    }
};

// Declared after the server: opens the gate before the server is destroyed (whose destructor waits
// for its workers), also when a check failed.
struct GateKeeper {
    std::shared_ptr<Gate> gate;
    ~GateKeeper() { gate->release(); }
};

// "/feed.xml" (ready) and "/tags/slow/feed.xml", deferred behind `gate`; its body is `slow_body`
// unless `throws`.
std::shared_ptr<const Snapshot> gated_snapshot(const std::shared_ptr<Gate>& gate,
                                               std::string slow_body, bool throws = false) {
    auto snapshot = std::make_shared<Snapshot>();
    snapshot->add("/feed.xml",
                  make_page_resource("application/rss+xml; charset=utf-8", "ready", kModified));
    snapshot->resources["/tags/slow/feed.xml"] = std::make_shared<const Document>(
        [gate, slow_body, throws]() -> Rendered {
            gate->started.set_value(std::this_thread::get_id());
            gate->opened.wait();
            if (throws) throw std::runtime_error("render failed");
            return std::shared_ptr<const Resource>(
                make_page_resource("application/rss+xml; charset=utf-8", slow_body, kModified));
        },
        "", "v1");
    return snapshot;
}

// One GET on a new connection, its status, and how long it took.
std::pair<unsigned, Clock::duration> timed_get(const tcp::endpoint& endpoint,
                                               std::string_view target,
                                               std::chrono::milliseconds limit) {
    const auto started = Clock::now();
    Client client{endpoint};
    client.get(target);
    const auto reply = client.read(limit);
    return {reply.ec ? 0u : reply.response.result_int(), Clock::now() - started};
}

std::thread::id io_thread_of(TestServer& server) {
    std::promise<std::thread::id> id;
    asio::post(server.io, [&] { id.set_value(std::this_thread::get_id()); });
    return id.get_future().get();
}

TEST(ServerPrepare, ABlockedRenderDoesNotStallOtherClients) {
    const auto gate = std::make_shared<Gate>();
    const std::string body = "the slow feed's bytes";
    TestServer server{gated_snapshot(gate, body)};
    GateKeeper keeper{gate};
    const auto endpoint = server.endpoint();
    const auto io_thread = io_thread_of(server);

    Client slow{endpoint};
    slow.get("/tags/slow/feed.xml");
    auto started = keeper.gate->started.get_future();
    ASSERT_EQ(started.wait_for(5s), std::future_status::ready) << "the render never started";
    EXPECT_NE(started.get(), io_thread) << "rendered on the I/O thread";

    // The render waits; every other client is answered meanwhile, and at once.
    for (int i = 0; i < 3; ++i) {
        for (const char* target : {"/healthz", "/feed.xml"}) {
            const auto [status, took] = timed_get(endpoint, target, 2000ms);
            EXPECT_EQ(status, 200u) << target;
            EXPECT_LT(took, 100ms) << target << " waited for another client's render";
        }
    }
    EXPECT_EQ(slow.pending(), 0u) << "answered before its document was rendered";

    keeper.gate->release();
    const auto reply = slow.read();
    ASSERT_FALSE(reply.ec) << reply.ec.message();
    EXPECT_EQ(reply.response.result(), bhttp::status::ok);
    EXPECT_EQ(reply.response.body(), body);
    // The connection stays usable, and the document is now answered without a worker.
    slow.get("/tags/slow/feed.xml");
    EXPECT_EQ(slow.read().response.body(), body);
}

TEST(ServerPrepare, ARenderThatThrowsIs500AndTheServerGoesOn) {
    const auto gate = std::make_shared<Gate>();
    gate->release();
    TestServer server{gated_snapshot(gate, "unused", true)};
    Client client{server.endpoint()};
    client.get("/tags/slow/feed.xml");
    const auto reply = client.read();
    ASSERT_FALSE(reply.ec) << reply.ec.message();
    EXPECT_EQ(reply.response.result(), bhttp::status::internal_server_error);
    EXPECT_EQ(reply.response.body(), "Internal server error.\n");
    const auto [status, took] = timed_get(server.endpoint(), "/feed.xml", 2000ms);
    EXPECT_EQ(status, 200u);
}

TEST(ServerPrepare, CompressedVariantsAreMadeOffTheIoThreadAndDecodeToTheBody) {
    // Big enough that compressing it takes long (brotli of 300 KB: about 10 ms).
    auto snapshot = std::make_shared<Snapshot>();
    snapshot->add("/big.xml", make_page_resource("application/rss+xml; charset=utf-8",
                                                 noise(12 * 1024 * 1024), kModified));
    const Resource& big = snapshot->at("/big.xml");
    TestServer server{snapshot};
    const auto endpoint = server.endpoint();
    ASSERT_FALSE(big.br_ready());

    Client client{endpoint};
    const auto started = Clock::now();
    client.get("/big.xml", "Accept-Encoding: br\r\n");
    // While brotli works on 12 MB, /healthz keeps being answered.
    Clock::duration slowest{};
    int answered = 0;
    while (!big.br_ready() && Clock::now() - started < 30s) {
        const auto [status, took] = timed_get(endpoint, "/healthz", 5000ms);
        EXPECT_EQ(status, 200u);
        slowest = std::max(slowest, took);
        ++answered;
    }
    const auto compressing = Clock::now() - started;
    auto reply = client.read(30s);
    ASSERT_FALSE(reply.ec) << reply.ec.message();
    EXPECT_EQ(reply.response.result(), bhttp::status::ok);
    EXPECT_EQ(reply.response[bhttp::field::content_encoding], "br");
    EXPECT_TRUE(unbrotli(reply.response.body()) == big.body);
    // Only meaningful when compressing took a while: then no /healthz waited for most of it.
    if (compressing > 200ms) {
        EXPECT_GE(answered, 2);
        EXPECT_LT(slowest, compressing / 2) << "a client waited for the compression";
    }

    client.get("/big.xml", "Accept-Encoding: gzip\r\n");
    reply = client.read(30s);
    ASSERT_FALSE(reply.ec) << reply.ec.message();
    EXPECT_EQ(reply.response[bhttp::field::content_encoding], "gzip");
    EXPECT_TRUE(test::gunzip(reply.response.body()) == big.body);
    EXPECT_TRUE(big.gzip_ready());
}

TEST(ServerPrepare, StopWhileARequestIsPreparedAnswersItThenStops) {
    const auto gate = std::make_shared<Gate>();
    TestServer server{gated_snapshot(gate, "late but whole")};
    GateKeeper keeper{gate};
    Client client{server.endpoint()};
    client.get("/tags/slow/feed.xml");
    ASSERT_EQ(keeper.gate->started.get_future().wait_for(5s), std::future_status::ready);
    server.server->stop();
    EXPECT_FALSE(server.finishes_within(100ms)) << "stop() must let the prepared request finish";
    keeper.gate->release();
    const auto reply = client.read();
    ASSERT_FALSE(reply.ec) << reply.ec.message();
    EXPECT_EQ(reply.response.result(), bhttp::status::ok);
    EXPECT_EQ(reply.response.body(), "late but whole");
    EXPECT_FALSE(reply.response.keep_alive());
    EXPECT_EQ(client.read().ec, bhttp::error::end_of_stream);
    EXPECT_TRUE(server.finishes_within(5000ms));
}

TEST(ServerPrepare, ASwapDuringPreparationAnswersFromTheRequestsSnapshot) {
    const auto gate = std::make_shared<Gate>();
    TestServer server{gated_snapshot(gate, "old bytes")};
    GateKeeper keeper{gate};
    Client waiting{server.endpoint()};
    waiting.get("/tags/slow/feed.xml");
    ASSERT_EQ(gate->started.get_future().wait_for(5s), std::future_status::ready);
    auto next = std::make_shared<Snapshot>();
    next->add("/tags/slow/feed.xml",
              make_page_resource("application/rss+xml; charset=utf-8", "new bytes", kModified));
    server.slot.store(next);
    Client other{server.endpoint()};
    other.get("/tags/slow/feed.xml");
    EXPECT_EQ(other.read().response.body(), "new bytes");

    gate->release();
    const auto reply = waiting.read();
    ASSERT_FALSE(reply.ec) << reply.ec.message();
    EXPECT_EQ(reply.response.body(), "old bytes") << "the request's own snapshot answers it";
    for (Client* client : {&waiting, &other}) {
        client->get("/tags/slow/feed.xml");
        EXPECT_EQ(client->read().response.body(), "new bytes");
    }
}

TEST(ServerPrepare, APreparationPastTheWriteTimeoutIsClosedAndStopDoesNotWaitForIt) {
    const auto gate = std::make_shared<Gate>();
    ServerOptions options;
    options.limits.write_timeout = std::chrono::seconds{1};
    TestServer server{gated_snapshot(gate, "too late"), options};
    GateKeeper keeper{gate};
    Client client{server.endpoint()};
    client.get("/tags/slow/feed.xml");
    ASSERT_EQ(keeper.gate->started.get_future().wait_for(5s), std::future_status::ready);
    const auto started = Clock::now();
    const auto reply = client.read(10s);
    EXPECT_TRUE(reply.ec) << "answered while the render still waits";
    EXPECT_LT(Clock::now() - started, 3s) << "the preparation outlived the write timeout";
    // The render still runs; the server stops anyway, and the worker's late answer (after the
    // gate opens, as the keeper goes) finds the session closed.
    server.server->stop();
    EXPECT_TRUE(server.finishes_within(5000ms)) << "stop() waited for a timed-out preparation";
    keeper.gate->release();
}

TEST(ServerPrepare, BigBodiesAreTheSameBeforeAndAfterTheFileIsWritten) {
    for (const std::string dir : {"/var/tmp", "/nonexistent/feedd-test"}) {
        auto snapshot = std::make_shared<Snapshot>();
        snapshot->add("/big.xml", make_page_resource("application/rss+xml; charset=utf-8",
                                                     noise(300 * 1024), kModified));
        const std::string& body = snapshot->at("/big.xml").body;
        ServerOptions options;
        options.body_dir = dir;
        TestServer server{snapshot, options};
        Client client{server.endpoint()};
        // The first answer is copied while a worker writes the file; later ones come from it.
        for (int i = 0; i < 20; ++i) {
            client.get("/big.xml");
            const auto reply = client.read();
            ASSERT_FALSE(reply.ec) << dir << ": " << reply.ec.message();
            EXPECT_EQ(reply.response.result(), bhttp::status::ok);
            EXPECT_TRUE(reply.response.body() == body) << dir << ", response " << i;
            if (i == 0) std::this_thread::sleep_for(50ms);
        }
    }
}

// The cache itself: with an Offload, entry() never writes the file; the worker's result comes
// back as a handler on the home executor and fills the entry in.
TEST(ResponseCacheOffload, TheFileIsWrittenByAWorkerAndTheOffsetComesBack) {
    for (const std::string dir : {"/var/tmp", "", "/nonexistent/feedd-test"}) {
        auto snapshot = std::make_shared<Snapshot>();
        snapshot->add("/big", make_page_resource("text/plain", noise(100'000), kModified));
        snapshot->add("/big2", make_page_resource("text/plain", noise(70'000), kModified));
        const std::shared_ptr<const Snapshot> shared = snapshot;
        asio::io_context home;
        auto work = asio::make_work_guard(home);
        asio::thread_pool workers(1);
        auto cache = std::make_shared<ResponseCache>(
            shared, std::chrono::seconds{300}, dir,
            ResponseCache::Offload{workers.get_executor(), home.get_executor(), nullptr});
        for (const char* path : {"/big", "/big2"}) {
            const Resource* big = shared->find(path);
            const Served served{big, big, Coding::identity, false};
            EXPECT_EQ(cache->entry(served).offset, -1) << "written on the calling thread";
            if (std::string_view(path) == "/big") {
                EXPECT_EQ(cache->file(), -1);
            }
            ASSERT_EQ(home.run_one_for(5s), 1u) << "no result came back";
            const ResponseCache::Entry& entry = cache->entry(served);
            ASSERT_GE(entry.offset, 0) << dir;
            EXPECT_EQ(entry.offset % ::sysconf(_SC_PAGESIZE), 0);
            std::string stored(big->body.size(), '\0');
            ASSERT_EQ(::pread(cache->file(), stored.data(), stored.size(), entry.offset),
                      static_cast<ssize_t>(stored.size()));
            EXPECT_TRUE(stored == big->body) << dir << path;
        }
        // A cache replaced before its write returns: the result is dropped.
        auto third = std::make_shared<Snapshot>();
        third->add("/big", make_page_resource("text/plain", noise(50'000), kModified));
        const std::shared_ptr<const Snapshot> third_shared = third;
        auto doomed = std::make_shared<ResponseCache>(
            third_shared, std::chrono::seconds{300}, dir,
            ResponseCache::Offload{workers.get_executor(), home.get_executor(), nullptr});
        const Resource* page = third_shared->find("/big");
        doomed->entry({page, page, Coding::identity, false});
        doomed.reset();
        EXPECT_EQ(home.run_one_for(5s), 1u);
        workers.join();
    }
}

}  // namespace
}  // namespace feedd::http
