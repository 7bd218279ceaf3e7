// Over TCP: what the server sends for snapshot documents — from its cached heads, with bodies from
// its file or from the snapshot (http/response_cache.h) — is what route() answers, byte for byte,
// for every variant, for HEAD and for 304; and a new snapshot is never answered with an old one's
// heads or bytes.
#include <gtest/gtest.h>

#include <algorithm>
#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <chrono>
#include <cstdint>
#include <future>
#include <map>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include <unistd.h>

#include "feed/snapshot.h"
#include "http/response_cache.h"
#include "http/route.h"
#include "http/server.h"
#include "http/test_server.h"

namespace feedd::http {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = beast::http;
using tcp = asio::ip::tcp;
using namespace std::chrono_literals;

// Words that do not compress away, the same on every run.
std::string noise(std::uint32_t& state, std::size_t words) {
    std::string out;
    for (std::size_t i = 0; i < words; ++i) {
        state = state * 1664525u + 1013904223u;
        out += ' ';
        for (int c = 0; c < 6; ++c) out += static_cast<char>('a' + (state >> (4 * c + 6)) % 26);
    }
    return out;
}

// Full-content entries: /feed.xml and its compressed variants are big enough for the file.
Feed big_feed(std::string_view word) {
    std::uint32_t state = 12345;
    Feed feed = testing::loopback_feed("Bytes test");
    for (int i = 0; i < 40; ++i) {
        Entry e;
        e.id = e.link = "http://127.0.0.1/post-" + std::to_string(i) + "/";
        e.title = std::string(word) + " number " + std::to_string(i);
        e.published = e.updated = feed.updated - std::chrono::hours{24 * i};
        e.summary = "A summary of entry " + std::to_string(i);
        for (int p = 0; p < 20; ++p) {
            e.content_html += "<p>" + std::string(word) + " paragraph " + std::to_string(p) +
                              " of entry " + std::to_string(i) + ":" + noise(state, 12) + "</p>";
        }
        feed.entries.push_back(e);
    }
    return feed;
}

using testing::TestServer;

// A blocking connection that sends raw requests and parses responses.
class Connection {
  public:
    explicit Connection(const tcp::endpoint& endpoint) : socket_(io_) { socket_.connect(endpoint); }

    bhttp::response<bhttp::string_body> exchange(const std::string& raw, bool head) {
        asio::write(socket_, asio::buffer(raw));
        bhttp::response_parser<bhttp::string_body> parser;
        parser.body_limit(boost::none);
        parser.skip(head);  // a response to HEAD has no body whatever its Content-Length says
        bhttp::read(socket_, buffer_, parser);
        return parser.release();
    }
    tcp::socket& socket() { return socket_; }

  private:
    asio::io_context io_;
    tcp::socket socket_;
    beast::flat_buffer buffer_;
};

// Header name → values, without Date (its value is the second the response was made).
std::multimap<std::string, std::string> fields_of(const bhttp::fields& fields) {
    std::multimap<std::string, std::string> out;
    for (const auto& field : fields) {
        if (field.name() == bhttp::field::date) continue;
        out.emplace(std::string(field.name_string()), std::string(field.value()));
    }
    return out;
}

struct Case {
    std::string path;
    std::string accept;
    bool navigate = false;
    bool head = false;
    bool conditional = false;
    unsigned version = 11;
    bool close = false;
};

std::string describe(const Case& c) {
    return c.path + " accept=" + c.accept + (c.navigate ? " navigate" : "") +
           (c.head ? " HEAD" : " GET") + (c.conditional ? " conditional" : "") + " HTTP/" +
           std::to_string(c.version / 10) + "." + std::to_string(c.version % 10) +
           (c.close ? " close" : "");
}

// The request for `c`, as raw bytes and as route() takes it.
std::pair<std::string, Request> request_for(const Case& c, const Snapshot& snapshot) {
    Request request{c.head ? bhttp::verb::head : bhttp::verb::get, c.path, c.version};
    request.set(bhttp::field::host, "127.0.0.1");
    if (!c.accept.empty()) request.set(bhttp::field::accept_encoding, c.accept);
    if (c.navigate) request.set("Sec-Fetch-Mode", "navigate");
    if (c.close) request.set(bhttp::field::connection, "close");
    if (c.version == 10 && !c.close) request.set(bhttp::field::connection, "keep-alive");
    if (c.conditional) {
        // The ETag GET would give, from route() itself.
        Request plain = request;
        plain.method(bhttp::verb::get);
        const Routed routed = route(plain, &snapshot, RouteContext{});
        request.set(bhttp::field::if_none_match, routed.response[bhttp::field::etag]);
    }
    std::string raw = std::string(c.head ? "HEAD " : "GET ") + c.path + " HTTP/1." +
                      std::to_string(c.version % 10) + "\r\n";
    for (const auto& field : request) {
        raw += std::string(field.name_string()) + ": " + std::string(field.value()) + "\r\n";
    }
    raw += "\r\n";
    return {raw, request};
}

void expect_same_as_route(const Case& c, const Snapshot& snapshot, Connection& connection) {
    const auto [raw, request] = request_for(c, snapshot);
    const Routed expected = route(request, &snapshot, RouteContext{});
    const auto got = connection.exchange(raw, c.head);
    const std::string what = describe(c);
    EXPECT_EQ(got.result(), expected.response.result()) << what;
    EXPECT_EQ(got.version(), c.version) << what;
    EXPECT_EQ(fields_of(got.base()), fields_of(expected.response.base())) << what;
    EXPECT_EQ(got.count(bhttp::field::date), 1u) << what;
    const auto& body = expected.response.body();
    EXPECT_TRUE(got.body() == std::string_view(body.data(), body.size()))
        << what << ": " << got.body().size() << " bytes, expected " << body.size();
}

TEST(ServerBytes, EverySnapshotDocumentVariantIsWhatRouteAnswers) {
    auto made = std::make_shared<Snapshot>(make_snapshot(big_feed("Word")));
    // A closed archive page: Cache-Control immutable, from the document, not the request.
    auto archive = make_page_resource("application/rss+xml; charset=utf-8",
                                      made->at("/feed.xml").body, Seconds{});
    archive->immutable = true;
    made->add("/archive/1.xml", archive);
    const std::shared_ptr<const Snapshot> snapshot = made;
    ASSERT_GE(snapshot->at("/feed.xml").body.size(), 2 * ResponseCache::kFileMin);
    ASSERT_GE(snapshot->at("/feed.xml").gzip_body().size(), ResponseCache::kFileMin);
    TestServer server{snapshot};
    Connection connection{server.endpoint()};  // all on one keep-alive connection
    std::size_t cases = 0;
    for (const char* path :
         {"/feed.xml", "/atom.xml", "/feed.json", "/", "/index.html", "/archive/1.xml"}) {
        for (const char* accept : {"", "gzip", "br", "gzip, br", "identity;q=1, gzip;q=0.5"}) {
            for (const bool navigate : {false, true}) {
                for (const bool head : {false, true}) {
                    for (const bool conditional : {false, true}) {
                        expect_same_as_route({path, accept, navigate, head, conditional}, *snapshot,
                                             connection);
                        ++cases;
                    }
                }
            }
        }
    }
    EXPECT_EQ(cases, 240u);
}

TEST(ServerBytes, VersionAndConnectionCloseAreAnsweredPerRequest) {
    const auto snapshot = std::make_shared<const Snapshot>(make_snapshot(big_feed("Word")));
    TestServer server{snapshot};
    // HTTP/1.0 with keep-alive twice on one connection: the second reuses the cached head.
    {
        Connection connection{server.endpoint()};
        for (int i = 0; i < 2; ++i) {
            expect_same_as_route({"/feed.xml", "gzip", false, false, false, 10}, *snapshot,
                                 connection);
        }
    }
    for (const unsigned version : {10u, 11u}) {
        for (const bool conditional : {false, true}) {
            Connection connection{server.endpoint()};
            expect_same_as_route({"/feed.xml", "", false, false, conditional, version, true},
                                 *snapshot, connection);
            // The server closes after a response without keep-alive.
            beast::flat_buffer rest;
            boost::system::error_code ec;
            asio::read(connection.socket(), rest, ec);
            EXPECT_EQ(ec, asio::error::eof) << version << " " << conditional;
        }
    }
}

TEST(ServerBytes, ASwappedSnapshotGetsItsOwnHeadsAndBodies) {
    const auto first = std::make_shared<const Snapshot>(make_snapshot(big_feed("Alpha")));
    TestServer server{first};
    Connection connection{server.endpoint()};
    const std::vector<Case> cases = {{"/feed.xml", ""},
                                     {"/feed.xml", "gzip"},
                                     {"/feed.xml", "br"},
                                     {"/feed.xml", "", false, true},
                                     {"/feed.xml", "gzip", false, false, true},
                                     {"/atom.xml", "gzip"}};
    for (const Case& c : cases) expect_same_as_route(c, *first, connection);

    // Same paths, other bytes and lengths: every header and body must be the new snapshot's.
    const auto second = std::make_shared<const Snapshot>(make_snapshot(big_feed("Betamax")));
    ASSERT_NE(second->at("/feed.xml").body.size(), first->at("/feed.xml").body.size());
    server.slot.store(second);
    for (const Case& c : cases) expect_same_as_route(c, *second, connection);

    // A snapshot that shares the first one's documents, and the first one again: neither is
    // answered from the cache of the snapshot served just before.
    auto sharing = std::make_shared<Snapshot>();
    sharing->resources = first->resources;
    server.slot.store(sharing);
    for (const Case& c : cases) expect_same_as_route(c, *sharing, connection);
    server.slot.store(second);
    for (const Case& c : cases) expect_same_as_route(c, *second, connection);
    server.slot.store(first);
    for (const Case& c : cases) expect_same_as_route(c, *first, connection);
}

TEST(ServerBytes, APeerLeavingMidBodyDoesNotStopTheServer) {
    // sendfile to a connection the peer has reset raises SIGPIPE unless the server prevents it.
    auto snapshot = std::make_shared<Snapshot>();
    std::string big(8 * 1024 * 1024, 'x');
    snapshot->add("/feed.xml",
                  make_page_resource("application/rss+xml; charset=utf-8", big,
                                     std::chrono::sys_days{std::chrono::year{2024} / 5 / 1}));
    TestServer server{snapshot};
    for (int i = 0; i < 5; ++i) {
        Connection leaving{server.endpoint()};
        asio::write(leaving.socket(),
                    asio::buffer(std::string("GET /feed.xml HTTP/1.1\r\nHost: a\r\n\r\n")));
        std::vector<char> some(64 * 1024);
        asio::read(leaving.socket(), asio::buffer(some));
        // Unread bytes make close() send RST; the server's next write fails (EPIPE).
        leaving.socket().close();
        std::this_thread::sleep_for(50ms);
    }
    Connection staying{server.endpoint()};
    const auto reply = staying.exchange("GET /feed.xml HTTP/1.1\r\nHost: a\r\n\r\n", false);
    EXPECT_EQ(reply.result(), bhttp::status::ok);
    EXPECT_TRUE(reply.body() == big);
}

TEST(ResponseCache, IsForOneSnapshotObjectOnly) {
    auto first = std::make_shared<const Snapshot>(make_snapshot(big_feed("Word")));
    ResponseCache cache(first, std::chrono::seconds{300});
    EXPECT_TRUE(cache.serves(first));
    const auto copy = first;
    EXPECT_TRUE(cache.serves(copy));
    first.reset();
    // Even if the next snapshot is allocated where the first one was, the cache is not its.
    for (int i = 0; i < 4; ++i) {
        const auto next = std::make_shared<const Snapshot>();
        EXPECT_FALSE(cache.serves(next));
    }
    EXPECT_FALSE(cache.serves(nullptr));
}

class ResponseCacheFiles : public ::testing::TestWithParam<std::string> {};

// A file in the directory, a memfd without one, a memfd when the directory is not there.
INSTANTIATE_TEST_SUITE_P(BodyDirs, ResponseCacheFiles,
                         ::testing::Values("/var/tmp", "", "/nonexistent/feedd-test"));

TEST_P(ResponseCacheFiles, EntriesHoldRoutesHeadersAndTheBodyInTheFile) {
    const auto snapshot = std::make_shared<const Snapshot>(make_snapshot(big_feed("Word")));
    ResponseCache cache(snapshot, std::chrono::seconds{42}, GetParam());
    const Resource& rss = snapshot->at("/feed.xml");
    for (const Coding coding : {Coding::identity, Coding::gzip, Coding::br}) {
        for (const bool not_modified : {false, true}) {
            const Served served{&rss, &rss, coding, not_modified};
            const Response response = respond(served, 11, true, std::chrono::seconds{42});
            std::string fields;
            for (const auto& field : response) {
                fields +=
                    std::string(field.name_string()) + ": " + std::string(field.value()) + "\r\n";
            }
            const ResponseCache::Entry& entry = cache.entry(served);
            EXPECT_EQ(entry.fields, fields);
            EXPECT_NE(entry.fields.find("Cache-Control: public, max-age=42\r\n"),
                      std::string::npos);
            if (not_modified || served.body().size() < ResponseCache::kFileMin) {
                EXPECT_EQ(entry.offset, -1);
                continue;
            }
            ASSERT_GE(entry.offset, 0);
            EXPECT_EQ(entry.offset % ::sysconf(_SC_PAGESIZE), 0) << "bodies start on a page";
            const std::string& body = served.body();
            std::string stored(body.size(), '\0');
            ASSERT_EQ(::pread(cache.file(), stored.data(), stored.size(), entry.offset),
                      static_cast<ssize_t>(stored.size()));
            EXPECT_TRUE(stored == body);
            // The same entry, not a second copy of the body.
            EXPECT_EQ(&cache.entry(served), &entry);
        }
    }
    EXPECT_EQ(cache.size(), 6u);
}

TEST(ResponseCache, PastItsCapHeadsAreStillRightButNotKept) {
    auto snapshot = std::make_shared<Snapshot>();
    const Seconds modified = std::chrono::sys_days{std::chrono::year{2024} / 5 / 1};
    for (std::size_t i = 0; i < ResponseCache::kMaxEntries; ++i) {
        snapshot->add("/p" + std::to_string(i), make_page_resource("text/plain", "page", modified));
    }
    snapshot->add("/big", make_page_resource("text/plain", std::string(100'000, 'b'), modified));
    ResponseCache cache(snapshot, std::chrono::seconds{300}, "/var/tmp");
    for (std::size_t i = 0; i < ResponseCache::kMaxEntries; ++i) {
        const Resource* page = snapshot->find("/p" + std::to_string(i));
        cache.entry({page, page, Coding::identity, false});
    }
    EXPECT_EQ(cache.size(), ResponseCache::kMaxEntries);
    const Resource* big = snapshot->find("/big");
    const Served served{big, big, Coding::identity, false};
    for (int i = 0; i < 3; ++i) {
        const ResponseCache::Entry& entry = cache.entry(served);
        EXPECT_NE(entry.fields.find("Content-Length: 100000\r\n"), std::string::npos);
        EXPECT_EQ(entry.offset, -1) << "an entry that is not kept copies its body";
    }
    EXPECT_EQ(cache.size(), ResponseCache::kMaxEntries);
    EXPECT_EQ(cache.file(), -1) << "no body was put in a file";
}

}  // namespace
}  // namespace feedd::http
