// libsystemd is opened with dlopen() when systemd passes sockets or asks for a watchdog (LISTEN_FDS
// or WATCHDOG_USEC set), not linked. Why by hand: linking it made every feedd process load it and
// the six libraries it needs (libgcrypt, libgpg-error, liblzma, libzstd, liblz4, libcap) at
// start: measured on Debian 12 with an empty C program, 1.2 MB more resident and 0.5 ms more per
// start. Without those variables libsystemd's functions do nothing (sd_notify and sd_listen_fds
// return 0, sd_watchdog_enabled too), which is what feedd then does without it. The same way as
// libcurl (src/ping/curl_library.h); tests/daemon checks that the binary does not need it.
//
// The notify protocol itself (READY=1, STATUS=, WATCHDOG=1 …) is sent by feedd's own Notifier,
// not by sd_notify. Why by hand: sd_notify sends with a blocking sendmsg(), and when whatever reads
// $NOTIFY_SOCKET falls behind (systemd under load, a busy supervisor) its queue of ten datagrams
// (net.unix.max_dgram_qlen) fills and the caller waits until it is read: feedd's I/O thread stopped
// serving every client (issue 15). The protocol is one datagram of "KEY=value" lines to a Unix
// socket (sd_notify(3)); the Notifier sends it from a thread of its own, never blocking the caller.
#include "daemon/systemd.h"

#include <dlfcn.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <systemd/sd-daemon.h>
#include <unistd.h>

#include <cerrno>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <deque>
#include <mutex>
#include <thread>

#include "daemon/log.h"

namespace feedd::systemd {
namespace {

// The libsystemd functions feedd calls, with their real prototypes (decltype).
struct Library {
    decltype(&sd_watchdog_enabled) watchdog_enabled = nullptr;
    decltype(&sd_listen_fds) listen_fds = nullptr;
};

constexpr const char* kSoname = "libsystemd.so.0";

// Null when systemd is not talking to feedd, or when the library cannot be used (said once).
const Library* library() {
    static const Library* const opened = []() -> const Library* {
        if (!std::getenv("LISTEN_FDS") && !std::getenv("WATCHDOG_USEC")) {
            return nullptr;
        }
        void* handle = dlopen(kSoname, RTLD_NOW | RTLD_LOCAL);
        if (!handle) {
            log::error(std::string("cannot talk to systemd: ") + dlerror());
            return nullptr;
        }
        static Library table;
        table.watchdog_enabled =
            reinterpret_cast<decltype(&sd_watchdog_enabled)>(dlsym(handle, "sd_watchdog_enabled"));
        table.listen_fds =
            reinterpret_cast<decltype(&sd_listen_fds)>(dlsym(handle, "sd_listen_fds"));
        if (!table.watchdog_enabled || !table.listen_fds) {
            log::error(std::string("cannot talk to systemd: ") + kSoname +
                       " lacks sd_watchdog_enabled or sd_listen_fds");
            return nullptr;
        }
        return &table;
    }();
    return opened;
}

// Sends notify messages in order from its own thread. Messages that change the service's state
// (READY=1, RELOADING=1, STOPPING=1) are never dropped; a STATUS= line replaces one that is still
// waiting, and a WATCHDOG=1 waiting already makes another one pointless. So while the reader is
// stuck the backlog stays a few messages long, and once it reads again everything catches up, the
// newest STATUS last.
class Notifier {
  public:
    // Null when NOTIFY_SOCKET is not set or cannot be used (said once).
    static Notifier* instance() {
        // Never destroyed: its thread may still be waiting for the socket when feedd exits.
        static Notifier* const notifier = []() -> Notifier* {
            const char* address = std::getenv("NOTIFY_SOCKET");
            if (address == nullptr || *address == '\0') return nullptr;
            auto* made = new Notifier(address);
            if (made->fd_ < 0) return nullptr;  // leaked on purpose: one small object, once
            std::thread([made] { made->run(); }).detach();
            return made;
        }();
        return notifier;
    }

    enum class Kind { state, status, watchdog };

    void send(Kind kind, std::string message) {
        {
            const std::lock_guard lock(mutex_);
            if (kind == Kind::watchdog) {
                for (const auto& waiting : queue_) {
                    if (waiting.kind == Kind::watchdog) return;
                }
            }
            if (message.find("STATUS=") != std::string::npos) {
                // A newer status (alone, or in a state message) makes a waiting one stale.
                std::erase_if(queue_,
                              [](const Message& waiting) { return waiting.kind == Kind::status; });
            }
            queue_.push_back({kind, std::move(message)});
        }
        wake_.notify_all();
    }

    bool flush(std::chrono::milliseconds timeout) {
        std::unique_lock lock(mutex_);
        return drained_.wait_for(lock, timeout, [this] { return queue_.empty() && !sending_; });
    }

  private:
    struct Message {
        Kind kind;
        std::string text;
    };

    explicit Notifier(std::string address) : address_(std::move(address)) {
        fd_ = connect_socket();
    }

    // A datagram socket connected to the manager's, so that poll() says when its queue has room.
    // "@name" is an abstract socket (sd_notify(3)).
    int connect_socket() {
        sockaddr_un peer{};
        peer.sun_family = AF_UNIX;
        if (address_.size() >= sizeof peer.sun_path || (address_[0] != '/' && address_[0] != '@')) {
            log::error("cannot talk to systemd: NOTIFY_SOCKET=" + address_ +
                       " is not a Unix socket path");
            return -1;
        }
        std::memcpy(peer.sun_path, address_.data(), address_.size());
        if (peer.sun_path[0] == '@') peer.sun_path[0] = '\0';
        const auto length =
            static_cast<socklen_t>(offsetof(sockaddr_un, sun_path) + address_.size());
        const int fd = ::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
        if (fd < 0 || ::connect(fd, reinterpret_cast<const sockaddr*>(&peer), length) != 0) {
            log::error("cannot talk to systemd: NOTIFY_SOCKET=" + address_ + ": " +
                       std::strerror(errno));
            if (fd >= 0) ::close(fd);
            return -1;
        }
        return fd;
    }

    void run() {
        for (;;) {
            std::string text;
            {
                std::unique_lock lock(mutex_);
                sending_ = false;
                if (queue_.empty()) drained_.notify_all();
                wake_.wait(lock, [this] { return !queue_.empty(); });
                text = queue_.front().text;
                sending_ = true;
            }
            if (deliver(text)) {
                const std::lock_guard lock(mutex_);
                // send() may have dropped or reordered messages meanwhile, but never the one at
                // the front, which is still this one unless a newer status replaced it.
                if (!queue_.empty() && queue_.front().text == text) queue_.pop_front();
            }
        }
    }

    // True when the message went out or can never go out (then it is dropped, and said once);
    // false to try again, after waiting up to a second for the socket to have room.
    bool deliver(const std::string& text) {
        const ssize_t sent = ::send(fd_, text.data(), text.size(), MSG_DONTWAIT | MSG_NOSIGNAL);
        if (sent >= 0) {
            failing_ = false;
            return true;
        }
        if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR) {
            pollfd wait{fd_, POLLOUT, 0};
            ::poll(&wait, 1, 1000);
            return false;
        }
        // The manager's socket went away (re-executed systemd): connect again, once per message.
        const int error = errno;
        if (!failing_) {
            failing_ = true;
            log::warning("systemd notify socket " + address_ + ": " + std::strerror(error));
        }
        const int fresh = connect_socket();
        if (fresh >= 0) {
            ::close(fd_);
            fd_ = fresh;
            return ::send(fd_, text.data(), text.size(), MSG_DONTWAIT | MSG_NOSIGNAL) >= 0 ||
                   errno != EAGAIN;
        }
        ::usleep(100'000);  // not a busy loop while the socket is gone
        return true;
    }

    std::string address_;
    int fd_ = -1;
    bool failing_ = false;  // only the thread touches it (after construction)
    std::mutex mutex_;
    std::condition_variable wake_, drained_;
    std::deque<Message> queue_;
    bool sending_ = false;  // the front message is being sent
};

void notify(Notifier::Kind kind, std::string message) {
    if (Notifier* notifier = Notifier::instance()) notifier->send(kind, std::move(message));
}

}  // namespace

void notify_ready(const std::string& status) {
    notify(Notifier::Kind::state, "READY=1\nSTATUS=" + status);
}

void notify_reloading() {
    // Type=notify-reload (systemd 253+) also wants MONOTONIC_USEC; older managers ignore it.
    timespec now{};
    clock_gettime(CLOCK_MONOTONIC, &now);
    const auto usec = static_cast<std::uint64_t>(now.tv_sec) * 1'000'000 + now.tv_nsec / 1000;
    notify(Notifier::Kind::state, "RELOADING=1\nMONOTONIC_USEC=" + std::to_string(usec));
}

void notify_stopping() {
    notify(Notifier::Kind::state, "STOPPING=1");
}

void notify_status(const std::string& status) {
    notify(Notifier::Kind::status, "STATUS=" + status);
}

void notify_watchdog() {
    notify(Notifier::Kind::watchdog, "WATCHDOG=1");
}

bool flush_notifications(std::chrono::milliseconds timeout) {
    Notifier* notifier = Notifier::instance();
    return notifier == nullptr || notifier->flush(timeout);
}

std::optional<std::chrono::microseconds> watchdog_interval() {
    const Library* sd = library();
    std::uint64_t usec = 0;
    if (!sd || sd->watchdog_enabled(0, &usec) <= 0 || usec == 0) return std::nullopt;
    return std::chrono::microseconds(usec / 2);
}

std::vector<int> listen_fds() {
    std::vector<int> fds;
    const Library* sd = library();
    if (!sd) return fds;
    const int count = sd->listen_fds(1);  // 1: unset LISTEN_* so children do not inherit them
    for (int i = 0; i < count; ++i) fds.push_back(SD_LISTEN_FDS_START + i);
    return fds;
}

}  // namespace feedd::systemd
