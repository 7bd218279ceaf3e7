// The live path never waits on the world outside feedd (issue 15). With a notify socket nobody
// reads, a stderr nobody reads, a state_dir on a full filesystem, or a hub whose connections hang,
// the real daemon keeps answering /healthz and /feed.xml within 100 ms at the 99th percentile for
// the fault's whole length (30 s, FEEDD_FAULT_SECONDS to change it), serves an article written
// meanwhile, and once the fault ends, what it queued (notify messages, log lines, the ping state,
// pings) gets out.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <iostream>
#include <nlohmann/json.hpp>
#include <thread>

#include "daemon/log.h"
#include "daemon/notify_socket.h"
#include "daemon/running_feedd.h"
#include "daemon/site_fixture.h"
#include "support/peers.h"

namespace feedd::test {
namespace {

using namespace std::chrono_literals;
namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

constexpr auto kP99Limit = 100ms;
constexpr auto kRequestLimit = 2s;  // a request slower than this counts as failed

std::chrono::seconds fault_length() {
    const char* value = std::getenv("FEEDD_FAULT_SECONDS");
    return std::chrono::seconds(value != nullptr ? std::max(3, std::atoi(value)) : 30);
}

struct Reply {
    int status = 0;  // 0: no whole response within the limit
    std::string body;
};

// One GET on a new connection that gives up at `limit`, whatever the server does (the test
// library's client would wait for ever on a server that stalls).
Reply timed_get(std::uint16_t port, const std::string& target, std::chrono::milliseconds limit) {
    const auto deadline = Clock::now() + limit;
    const auto left = [&] {
        return static_cast<int>(std::max<long>(
            0, std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now())
                   .count()));
    };
    Reply reply;
    const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0) return reply;
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(port);
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    pollfd wait{fd, POLLOUT, 0};
    if (::connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0 &&
        (errno != EINPROGRESS || ::poll(&wait, 1, left()) != 1)) {
        ::close(fd);
        return reply;
    }
    const std::string request =
        "GET " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n";
    if (::send(fd, request.data(), request.size(), MSG_NOSIGNAL) !=
        static_cast<ssize_t>(request.size())) {
        ::close(fd);
        return reply;
    }
    std::string response;
    wait = {fd, POLLIN, 0};
    for (;;) {
        if (::poll(&wait, 1, left()) != 1) {
            ::close(fd);
            return reply;
        }
        char buffer[16384];
        const auto n = ::recv(fd, buffer, sizeof buffer, 0);
        if (n < 0 && errno == EAGAIN) continue;
        if (n <= 0) break;
        response.append(buffer, static_cast<std::size_t>(n));
    }
    ::close(fd);
    const auto head_end = response.find("\r\n\r\n");
    if (!response.starts_with("HTTP/1.1 ") || head_end == std::string::npos) return reply;
    reply.status = std::atoi(response.c_str() + 9);
    reply.body = response.substr(head_end + 4);
    return reply;
}

std::string markdown(const std::string& title) {
    return "---\ntitle: " + title +
           "\ndate: 2026-02-01T10:00:00Z\n---\nWritten while something outside feedd was stuck.\n";
}

void save_atomically(const fs::path& path, const std::string& text) {
    const auto temporary = path.parent_path() / ("." + path.filename().string() + ".tmp");
    write_file(temporary, text);
    fs::rename(temporary, path);
}

struct FaultReport {
    std::size_t requests = 0;
    std::size_t failed = 0;  // not 200, or slower than kRequestLimit
    std::chrono::microseconds p99{};
    std::chrono::microseconds slowest{};
    bool article_served = false;
    std::chrono::milliseconds article_after{};
};

std::ostream& operator<<(std::ostream& out, const FaultReport& r) {
    return out << r.requests << " requests, " << r.failed << " failed, p99 "
               << r.p99.count() / 1000.0 << " ms, slowest " << r.slowest.count() / 1000.0
               << " ms, new article "
               << (r.article_served
                       ? "served after " + std::to_string(r.article_after.count()) + " ms"
                       : std::string("never served"));
}

// For `length`, a client thread asks for /healthz and /feed.xml in turn, each on a new connection,
// and times every answer; a third of the way in, an article is written, and this thread waits for
// /feed.xml to show it. `each_second(n)` runs at the start of every second n (to keep the fault
// busy: more rebuilds, more log lines, more notify messages).
FaultReport serve_through_fault(std::uint16_t port, const fs::path& content,
                                std::chrono::seconds length,
                                const std::function<void(int)>& each_second = {}) {
    std::vector<std::chrono::microseconds> latencies;
    std::atomic<bool> done{false};
    std::size_t failed = 0;
    std::thread client([&] {
        for (std::size_t i = 0; !done.load(); ++i) {
            const auto started = Clock::now();
            const auto reply = timed_get(port, i % 2 ? "/feed.xml" : "/healthz", kRequestLimit);
            const auto took =
                std::chrono::duration_cast<std::chrono::microseconds>(Clock::now() - started);
            latencies.push_back(reply.status == 200 ? took
                                                    : std::chrono::microseconds(kRequestLimit));
            if (reply.status != 200) ++failed;
            std::this_thread::sleep_for(10ms);
        }
    });
    FaultReport report;
    const auto start = Clock::now();
    const std::string title = "Written during the fault";
    for (int second = 0; Clock::now() - start < length; ++second) {
        const auto tick = start + std::chrono::seconds(second);
        std::this_thread::sleep_until(tick);
        if (each_second) each_second(second);
        if (second == static_cast<int>(length.count() / 3)) {
            const auto written = Clock::now();
            save_atomically(content / "news" / "written-during-the-fault.md", markdown(title));
            while (Clock::now() - written < 10s) {
                if (timed_get(port, "/feed.xml", kRequestLimit).body.find(title) !=
                    std::string::npos) {
                    report.article_served = true;
                    report.article_after = std::chrono::duration_cast<std::chrono::milliseconds>(
                        Clock::now() - written);
                    break;
                }
                std::this_thread::sleep_for(5ms);
            }
        }
    }
    done = true;
    client.join();
    report.requests = latencies.size();
    report.failed = failed;
    std::sort(latencies.begin(), latencies.end());
    if (!latencies.empty()) {
        const auto at =
            static_cast<std::size_t>(std::ceil(0.99 * static_cast<double>(latencies.size()))) - 1;
        report.p99 = latencies[at];
        report.slowest = latencies.back();
    }
    return report;
}

void expect_served_through(const FaultReport& report, std::chrono::seconds length) {
    std::cout << "during the fault (" << length.count() << " s): " << report << "\n";
    // At least one request every 30 ms on average: serving did not stop.
    EXPECT_GT(report.requests, static_cast<std::size_t>(length.count()) * 30) << report;
    EXPECT_EQ(report.failed, 0u) << report;
    EXPECT_LT(report.p99, kP99Limit) << report;
    EXPECT_TRUE(report.article_served) << report;
}

// Whether the hub accepted a publish of the site's RSS feed.
bool heard_of_site_feed(const ping::test::Peer& hub) {
    const auto publishes = hub.get_json("/_test/publishes");  // a name: the loop reads into it
    for (const auto& publish : publishes["accepted"]) {
        if (publish["topic"] == "https://news.example.org/feed.xml") return true;
    }
    return false;
}

class Stalls : public ::testing::Test {
  protected:
    void SetUp() override { site_.write_config("127.0.0.1:0", "  debounce_ms: 50\n"); }
    SiteFixture site_;
};

// systemd under load: its notify socket's queue (ten datagrams) fills and stays full. Every
// rebuild sends a STATUS line, and a SIGHUP sends RELOADING=1 then READY=1.
TEST_F(Stalls, NotifySocketThatNobodyReads) {
    NotifySocket systemd(site_.root() / "notify.sock");
    RunningFeedd feedd(site_.config(), {systemd.variable()});
    int written = 0;
    const auto length = fault_length();
    const auto report = serve_through_fault(feedd.port(), site_.content(), length, [&](int second) {
        if (second == static_cast<int>(length.count()) / 2) {
            feedd.process().signal(SIGHUP);
        } else {
            save_atomically(site_.content() / "news" / ("busy-" + std::to_string(second) + ".md"),
                            markdown("Busy article " + std::to_string(second)));
            ++written;
        }
    });
    expect_served_through(report, length);
    ASSERT_GT(written + 2, 12)
        << "too few notify messages to fill the socket's queue (ten datagrams)";

    // The manager reads again: the first READY, the reload's RELOADING and READY, in that order,
    // and the newest status last.
    std::vector<std::string> received;
    for (std::string message; !(message = systemd.next(3s)).empty();) received.push_back(message);
    const auto at = [&](const std::string& state, std::size_t from) {
        for (std::size_t i = from; i < received.size(); ++i) {
            if (received[i].find(state) != std::string::npos) return i;
        }
        return received.size();
    };
    std::string all;
    for (const auto& message : received) all += "[" + message + "] ";
    const auto ready = at("READY=1", 0);
    const auto reloading = at("RELOADING=1", ready + 1);
    ASSERT_LT(ready, received.size()) << all;
    ASSERT_LT(reloading, received.size()) << all;
    EXPECT_LT(at("READY=1", reloading + 1), received.size()) << all;
    const std::string newest = "STATUS=" + std::to_string(11 + written + 1) + " articles published";
    EXPECT_NE(received.back().find(newest), std::string::npos)
        << "expected " << newest << " last: " << all;

    EXPECT_EQ(feedd.stop(), 0);
    EXPECT_NE(systemd.receive("STOPPING=1", 3s), "");
}

// A stderr pipe that nobody reads (a stalled journal, a supervisor that stopped reading): it holds
// one page here, so it is full after a few lines. Broken files make an error line each, more than
// the log's queue holds (log::kQueueBytes), and every rebuild a line more.
TEST_F(Stalls, StderrThatNobodyReads) {
    RunningFeedd feedd(site_.config());
    ASSERT_TRUE(feedd.process().resize_stderr_pipe(4096));
    const auto length = fault_length();
    const std::string long_name(200, 'n');
    const int broken = static_cast<int>(2 * log::kQueueBytes / (long_name.size() + 100));
    const auto report = serve_through_fault(feedd.port(), site_.content(), length, [&](int second) {
        if (second == 1) {
            for (int i = 0; i < broken; ++i) {
                write_file(site_.content() / "broken" / (long_name + std::to_string(i) + ".md"),
                           "---\ntitle: [never closed\ndate: 2026-01-01\n---\nx\n");
            }
        } else if (second % 3 == 2) {
            save_atomically(site_.content() / "news" / ("busy-" + std::to_string(second) + ".md"),
                            markdown("Busy article " + std::to_string(second)));
        }
    });
    expect_served_through(report, length);
    // Reading again: what was queued comes out, then how many lines had to be dropped. Then the
    // pipe gets its usual size back, so that the lines of the stop fit in it while this test
    // waits for the exit without reading.
    EXPECT_NE(feedd.process().wait_for_line("log line(s) dropped", 30s), "")
        << feedd.process().stderr_text();
    EXPECT_TRUE(feedd.process().resize_stderr_pipe(65536));
    EXPECT_EQ(feedd.stop(), 0);
    EXPECT_NE(feedd.process().stderr_text().find("feedd: stopped"), std::string::npos);
}

// A filesystem of 64 KB mounted for the test (root only) and filled up.
class FullFilesystem {
  public:
    explicit FullFilesystem(const fs::path& where) : where_(where) {
        fs::create_directories(where);
        if (::mount("feedd-test", where.c_str(), "tmpfs", 0, "size=64k") != 0) return;
        mounted_ = true;
        const int fd = ::open((where / "filler").c_str(), O_WRONLY | O_CREAT | O_CLOEXEC, 0600);
        const std::string block(4096, 'x');
        while (fd >= 0 && ::write(fd, block.data(), block.size()) > 0) {
        }
        if (fd >= 0) ::close(fd);
    }
    ~FullFilesystem() {
        if (mounted_) ::umount2(where_.c_str(), MNT_DETACH);
    }
    bool mounted() const { return mounted_; }
    void free_space() { fs::remove(where_ / "filler"); }

  private:
    fs::path where_;
    bool mounted_ = false;
};

TEST_F(Stalls, StateDirOnAFullFilesystem) {
    if (geteuid() != 0) GTEST_SKIP() << "mounting a small tmpfs needs root";
    FullFilesystem disk(site_.root() / "state");
    if (!disk.mounted()) GTEST_SKIP() << "cannot mount a tmpfs here: " << std::strerror(errno);
    auto hub = ping::test::start_hub();
    site_.write_config("127.0.0.1:0", "  debounce_ms: 50\n",
                       "ping:\n  websub: [\"" + hub.url("/") + "\"]\nstate_dir: ./state\n");
    RunningFeedd feedd(site_.config());
    ASSERT_NE(feedd.process().wait_for_line("No space left on device", 10s), "")
        << feedd.process().stderr_text();
    const auto length = fault_length();
    const auto report = serve_through_fault(feedd.port(), site_.content(), length);
    expect_served_through(report, length);

    // Room again: the queue is saved, and the hub has heard of the site feed all along.
    disk.free_space();
    const auto state = site_.root() / "state" / "ping-state.json";
    EXPECT_TRUE(ping::test::wait_until(
        [&] { return nlohmann::json::parse(read_file(state), nullptr, false).is_object(); }, 10s))
        << feedd.process().stderr_text();
    EXPECT_TRUE(ping::test::wait_until([&] { return heard_of_site_feed(hub); }, 10s))
        << hub.get_json("/_test/publishes").dump() << "\n"
        << feedd.process().stderr_text();
}

// A listening socket whose accept queue is full and never drained: the kernel drops further
// SYNs, so a client's connect hangs until its own timeout, as with a hub behind a dead route.
class HangingListener {
  public:
    HangingListener() {
        listener_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
        sockaddr_in address{};
        address.sin_family = AF_INET;
        address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        socklen_t size = sizeof address;
        if (::bind(listener_, reinterpret_cast<sockaddr*>(&address), size) != 0 ||
            ::listen(listener_, 0) != 0 ||
            ::getsockname(listener_, reinterpret_cast<sockaddr*>(&address), &size) != 0) {
            throw std::runtime_error("cannot listen on 127.0.0.1");
        }
        port_ = ntohs(address.sin_port);
        // Connect until a connection no longer completes: the queue is full.
        for (int i = 0; i < 16; ++i) {
            const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
            fillers_.push_back(fd);
            ::connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address);
            pollfd wait{fd, POLLOUT, 0};
            if (::poll(&wait, 1, 300) == 0) {
                full_ = true;
                break;
            }
        }
    }
    ~HangingListener() { close(); }
    void close() {
        for (const int fd : fillers_) ::close(fd);
        fillers_.clear();
        if (listener_ >= 0) ::close(listener_);
        listener_ = -1;
    }
    std::uint16_t port() const { return port_; }
    bool full() const { return full_; }

  private:
    int listener_ = -1;
    std::vector<int> fillers_;
    std::uint16_t port_ = 0;
    bool full_ = false;
};

TEST_F(Stalls, HubWhoseConnectionsHang) {
    HangingListener hanging;
    ASSERT_TRUE(hanging.full()) << "the accept queue never filled";
    const auto hub_url = "http://127.0.0.1:" + std::to_string(hanging.port()) + "/";
    site_.write_config("127.0.0.1:0", "  debounce_ms: 50\n",
                       "ping:\n  websub: [\"" + hub_url + "\"]\nstate_dir: ./state\n");
    RunningFeedd feedd(site_.config());
    const auto length = fault_length();
    const auto report = serve_through_fault(feedd.port(), site_.content(), length);
    expect_served_through(report, length);
    EXPECT_NE(feedd.process().wait_for_line("failed (", 1s), "")
        << "no ping failed: was the hub really hanging?\n"
        << feedd.process().stderr_text();

    // The hub answers at last, on the same port: the pending pings are retried (the first retry
    // comes 30 s ± 20% after a failure) and the site feed's reaches it.
    hanging.close();
    auto hub = ping::test::start_hub({"--port", std::to_string(hanging.port())});
    EXPECT_TRUE(ping::test::wait_until([&] { return heard_of_site_feed(hub); }, 60s))
        << feedd.process().stderr_text();
}

// A DNS server on 127.0.0.1:53 (root) that, until told to answer, never does: a resolver that
// hangs. Answering, it gives 127.0.0.1 for every A question and no address for others.
class SilentDns {
  public:
    SilentDns() {
        fd_ = ::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
        sockaddr_in address{};
        address.sin_family = AF_INET;
        address.sin_port = htons(53);
        address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        if (fd_ < 0 || ::bind(fd_, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0)
            return;
        bound_ = true;
        thread_ = std::thread([this] { serve(); });
    }
    ~SilentDns() {
        done_ = true;
        if (thread_.joinable()) thread_.join();
        if (fd_ >= 0) ::close(fd_);
    }
    bool bound() const { return bound_; }
    void start_answering() { answering_ = true; }
    int questions() const { return questions_.load(); }

  private:
    void serve() {
        while (!done_) {
            pollfd wait{fd_, POLLIN, 0};
            if (::poll(&wait, 1, 100) != 1) continue;
            unsigned char query[512];
            sockaddr_in from{};
            socklen_t from_size = sizeof from;
            const auto n = ::recvfrom(fd_, query, sizeof query, 0,
                                      reinterpret_cast<sockaddr*>(&from), &from_size);
            if (n < 17) continue;
            ++questions_;
            if (!answering_) continue;
            // The question: a name of labels up to a zero byte, then its type and class.
            std::size_t end = 12;
            while (end < static_cast<std::size_t>(n) && query[end] != 0) end += query[end] + 1;
            end += 5;
            if (end > static_cast<std::size_t>(n)) continue;
            const bool type_a = query[end - 4] == 0 && query[end - 3] == 1;
            std::string reply(reinterpret_cast<const char*>(query), end);
            reply[2] = static_cast<char>(0x81);  // a response, recursion desired
            reply[3] = static_cast<char>(0x80);  // recursion available, no error
            reply[6] = 0;
            reply[7] = type_a ? 1 : 0;  // answers
            reply[8] = reply[9] = reply[10] = reply[11] = 0;
            if (type_a) {
                // The name by pointer to the question, A, IN, TTL 0, four bytes: 127.0.0.1.
                reply += std::string(
                    "\xc0\x0c\x00\x01\x00\x01\x00\x00\x00\x00\x00\x04\x7f\x00\x00\x01", 16);
            }
            ::sendto(fd_, reply.data(), reply.size(), 0, reinterpret_cast<sockaddr*>(&from),
                     from_size);
        }
    }

    int fd_ = -1;
    bool bound_ = false;
    std::atomic<bool> done_{false}, answering_{false};
    std::atomic<int> questions_{0};
    std::thread thread_;
};

// The hub's name is looked up through a DNS server that does not answer (feedd runs in a mount
// namespace of its own whose /etc/resolv.conf names it): each lookup hangs far longer than a
// ping's timeout. Once the server answers, the pending pings reach the hub.
TEST_F(Stalls, HubWhoseNameLookupHangs) {
    if (geteuid() != 0 || !fs::exists("/usr/bin/unshare"))
        GTEST_SKIP() << "needs root and unshare(1)";
    SilentDns dns;
    if (!dns.bound()) GTEST_SKIP() << "127.0.0.1:53 is taken";
    auto hub = ping::test::start_hub();
    const auto resolv = site_.root() / "resolv.conf";
    write_file(resolv, "nameserver 127.0.0.1\noptions timeout:30 attempts:1\n");
    site_.write_config("127.0.0.1:0", "  debounce_ms: 50\n",
                       "ping:\n  websub: [\"http://hub.stalls.test:" + std::to_string(hub.port()) +
                           "/\"]\nstate_dir: ./state\n");
    RunningFeedd feedd(site_.config(), {},
                       {"/usr/bin/unshare", "--mount", "/bin/sh", "-c",
                        "mount --bind \"$0\" /etc/resolv.conf && exec \"$@\"", resolv.string()});
    const auto length = fault_length();
    const auto report = serve_through_fault(feedd.port(), site_.content(), length);
    expect_served_through(report, length);
    EXPECT_GT(dns.questions(), 0) << "feedd never asked the DNS server";
    EXPECT_NE(feedd.process().wait_for_line("failed (", 1s), "") << feedd.process().stderr_text();

    dns.start_answering();
    EXPECT_TRUE(ping::test::wait_until([&] { return heard_of_site_feed(hub); }, 60s))
        << feedd.process().stderr_text();
}

}  // namespace
}  // namespace feedd::test
