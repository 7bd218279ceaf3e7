// systemd's side of the notify protocol for tests: a datagram socket bound where NOTIFY_SOCKET
// names it, read only when a test asks (so a test can also leave it unread, as a busy manager).
#pragma once

#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <stdexcept>
#include <string>
#include <vector>

namespace feedd::test {

class NotifySocket {
  public:
    explicit NotifySocket(const std::filesystem::path& path)
        : path_(path), fd_(::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0)) {
        if (fd_ < 0) throw std::runtime_error("socket(AF_UNIX) failed");
        sockaddr_un address{};
        address.sun_family = AF_UNIX;
        std::snprintf(address.sun_path, sizeof address.sun_path, "%s", path.c_str());
        if (::bind(fd_, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0) {
            ::close(fd_);
            throw std::runtime_error("cannot bind " + path.string());
        }
    }
    ~NotifySocket() { ::close(fd_); }
    NotifySocket(const NotifySocket&) = delete;
    NotifySocket& operator=(const NotifySocket&) = delete;

    // What feedd's environment names it by.
    std::string variable() const { return "NOTIFY_SOCKET=" + path_.string(); }

    // The next datagram within `timeout`, or "".
    std::string next(std::chrono::milliseconds timeout) {
        pollfd wait{fd_, POLLIN, 0};
        if (::poll(&wait, 1, static_cast<int>(timeout.count())) <= 0) return {};
        char buffer[4096];
        const auto n = ::recv(fd_, buffer, sizeof buffer, 0);
        return n <= 0 ? std::string{} : std::string(buffer, static_cast<std::size_t>(n));
    }

    // The next datagram that contains `state` (STATUS= updates may come in between), or "".
    std::string receive(const std::string& state,
                        std::chrono::milliseconds timeout = std::chrono::seconds(10)) {
        const auto deadline = std::chrono::steady_clock::now() + timeout;
        for (;;) {
            const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
                deadline - std::chrono::steady_clock::now());
            if (left.count() <= 0) return {};
            std::string message = next(left);
            if (message.empty()) return {};
            if (message.find(state) != std::string::npos) return message;
        }
    }

  private:
    std::filesystem::path path_;
    int fd_;
};

}  // namespace feedd::test
