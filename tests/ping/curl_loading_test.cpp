// A process maps libcurl only once a ping is sent. This binary is linked without libcurl (and
// without feedd_test_support, whose peer client uses it), so /proc/self/maps shows what the ping
// client itself loads; its local hub is a few lines of sockets for the same reason.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <poll.h>
#include <strings.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <fstream>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "ping/client.h"

namespace feedd::ping {
namespace {

using namespace std::chrono_literals;

bool libcurl_mapped() {
    std::ifstream maps("/proc/self/maps");
    std::string line;
    while (std::getline(maps, line)) {
        if (line.find("/libcurl") != std::string::npos) return true;
    }
    return false;
}

// An HTTP server on 127.0.0.1 that answers every request "202 Accepted" and keeps what it got.
class AcceptingHub {
  public:
    AcceptingHub() {
        fd_ = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
        sockaddr_in addr{};
        addr.sin_family = AF_INET;
        addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        socklen_t len = sizeof addr;
        if (fd_ < 0 || bind(fd_, reinterpret_cast<sockaddr*>(&addr), len) != 0 ||
            listen(fd_, 16) != 0 ||
            getsockname(fd_, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
            throw std::runtime_error("cannot listen on 127.0.0.1");
        }
        port_ = ntohs(addr.sin_port);
        thread_ = std::thread([this] { serve(); });
    }
    ~AcceptingHub() {
        stop_ = true;
        thread_.join();
        close(fd_);
    }
    std::string url() const { return "http://127.0.0.1:" + std::to_string(port_) + "/"; }
    std::vector<std::string> requests() const {
        std::lock_guard lock(mutex_);
        return requests_;
    }

  private:
    void serve() {
        while (!stop_) {
            pollfd p{fd_, POLLIN, 0};
            if (poll(&p, 1, 50) <= 0) continue;
            const int c = accept4(fd_, nullptr, nullptr, SOCK_CLOEXEC);
            if (c < 0) continue;
            const timeval timeout{2, 0};
            setsockopt(c, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
            std::string request = read_request(c);
            {
                // Kept before answering: the client may look as soon as it has the answer.
                std::lock_guard lock(mutex_);
                requests_.push_back(std::move(request));
            }
            const std::string reply =
                "HTTP/1.1 202 Accepted\r\nContent-Length: 0\r\nConnection: close\r\n\r\n";
            send(c, reply.data(), reply.size(), MSG_NOSIGNAL);
            close(c);
        }
    }
    // Headers, then Content-Length bytes of body.
    static std::string read_request(int c) {
        std::string in;
        char buf[4096];
        std::size_t want = std::string::npos;
        while (want == std::string::npos || in.size() < want) {
            const auto n = recv(c, buf, sizeof buf, 0);
            if (n <= 0) break;
            in.append(buf, static_cast<std::size_t>(n));
            const auto end = in.find("\r\n\r\n");
            if (want != std::string::npos || end == std::string::npos) continue;
            std::size_t length = 0;
            for (std::size_t at = 0; at < end;) {
                const auto eol = in.find("\r\n", at);
                constexpr std::string_view name = "content-length:";
                if (strncasecmp(in.c_str() + at, name.data(), name.size()) == 0) {
                    length = std::stoul(in.substr(at + name.size(), eol - at - name.size()));
                }
                at = eol + 2;
            }
            want = end + 4 + length;
        }
        return in;
    }

    int fd_ = -1;
    std::uint16_t port_ = 0;
    std::atomic<bool> stop_{false};
    mutable std::mutex mutex_;
    std::vector<std::string> requests_;
    std::thread thread_;
};

TEST(CurlLoading, LibcurlIsLoadedByTheFirstPingAndNotBefore) {
    ASSERT_FALSE(libcurl_mapped()) << "this test binary must not be linked with libcurl";
    const AcceptingHub hub;
    ClientOptions options;
    options.user_agent = "feedd/test";
    {
        // The Pinger makes its Client at start and runs it while nothing is due.
        Client client(options);
        client.wakeup();
        EXPECT_TRUE(client.run(10ms).empty());
        EXPECT_EQ(client.active(), 0u);
        EXPECT_FALSE(libcurl_mapped());
    }
    const Endpoint endpoint{EndpointKind::websub, hub.url(), false};
    const auto outcome = deliver_all(options, {Request{endpoint, "http://a/feed.xml", 0}}).at(0);
    EXPECT_EQ(outcome.kind, OutcomeKind::success) << outcome.message;
    EXPECT_EQ(outcome.http_status, 202);
    EXPECT_TRUE(libcurl_mapped());
    const auto requests = hub.requests();
    ASSERT_EQ(requests.size(), 1u);
    EXPECT_NE(requests[0].find("hub.mode=publish&hub.url=http%3A%2F%2Fa%2Ffeed.xml"),
              std::string::npos)
        << requests[0];
}

}  // namespace
}  // namespace feedd::ping
