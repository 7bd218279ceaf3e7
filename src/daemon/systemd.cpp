// libsystemd is opened with dlopen() when systemd is talking to feedd (NOTIFY_SOCKET, LISTEN_FDS
// or WATCHDOG_USEC set), not linked. Why by hand: linking it made every feedd process load it and
// the six libraries it needs (libgcrypt, libgpg-error, liblzma, libzstd, liblz4, libcap) at
// start: measured on Debian 12 with an empty C program, 1.2 MB more resident and 0.5 ms more per
// start. Without those variables libsystemd's functions do nothing (sd_notify and sd_listen_fds
// return 0, sd_watchdog_enabled too), which is what feedd then does without it. The same way as
// libcurl (src/ping/curl_library.h); tests/daemon checks that the binary does not need it.
#include "daemon/systemd.h"

#include <dlfcn.h>
#include <systemd/sd-daemon.h>

#include <cstdint>
#include <cstdlib>

#include "daemon/log.h"

namespace feedd::systemd {
namespace {

// The libsystemd functions feedd calls, with their real prototypes (decltype).
struct Library {
    decltype(&sd_notify) notify = nullptr;
    decltype(&sd_watchdog_enabled) watchdog_enabled = nullptr;
    decltype(&sd_listen_fds) listen_fds = nullptr;
};

constexpr const char* kSoname = "libsystemd.so.0";

// Null when systemd is not talking to feedd, or when the library cannot be used (said once).
const Library* library() {
    static const Library* const opened = []() -> const Library* {
        if (!std::getenv("NOTIFY_SOCKET") && !std::getenv("LISTEN_FDS") &&
            !std::getenv("WATCHDOG_USEC")) {
            return nullptr;
        }
        void* handle = dlopen(kSoname, RTLD_NOW | RTLD_LOCAL);
        if (!handle) {
            log::error(std::string("cannot talk to systemd: ") + dlerror());
            return nullptr;
        }
        static Library table;
        table.notify = reinterpret_cast<decltype(&sd_notify)>(dlsym(handle, "sd_notify"));
        table.watchdog_enabled =
            reinterpret_cast<decltype(&sd_watchdog_enabled)>(dlsym(handle, "sd_watchdog_enabled"));
        table.listen_fds =
            reinterpret_cast<decltype(&sd_listen_fds)>(dlsym(handle, "sd_listen_fds"));
        if (!table.notify || !table.watchdog_enabled || !table.listen_fds) {
            log::error(std::string("cannot talk to systemd: ") + kSoname +
                       " lacks sd_notify, sd_watchdog_enabled or sd_listen_fds");
            return nullptr;
        }
        return &table;
    }();
    return opened;
}

void notify(const std::string& state) {
    if (const Library* sd = library()) sd->notify(0, state.c_str());
}

}  // namespace

void notify_ready(const std::string& status) { notify("READY=1\nSTATUS=" + status); }

void notify_reloading() {
    // Type=notify-reload (systemd 253+) also wants MONOTONIC_USEC; older managers ignore it.
    timespec now{};
    clock_gettime(CLOCK_MONOTONIC, &now);
    const auto usec = static_cast<std::uint64_t>(now.tv_sec) * 1'000'000 + now.tv_nsec / 1000;
    notify("RELOADING=1\nMONOTONIC_USEC=" + std::to_string(usec));
}

void notify_stopping() { notify("STOPPING=1"); }

void notify_status(const std::string& status) { notify("STATUS=" + status); }

void notify_watchdog() { notify("WATCHDOG=1"); }

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
