#include "daemon/systemd.h"

#include <systemd/sd-daemon.h>

#include <cstdint>

namespace feedd::systemd {
namespace {

void notify(const std::string& state) { sd_notify(0, state.c_str()); }

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
    std::uint64_t usec = 0;
    if (sd_watchdog_enabled(0, &usec) <= 0 || usec == 0) return std::nullopt;
    return std::chrono::microseconds(usec / 2);
}

std::vector<int> listen_fds() {
    std::vector<int> fds;
    const int count = sd_listen_fds(1);  // 1: unset LISTEN_* so children do not inherit them
    for (int i = 0; i < count; ++i) fds.push_back(SD_LISTEN_FDS_START + i);
    return fds;
}

}  // namespace feedd::systemd
