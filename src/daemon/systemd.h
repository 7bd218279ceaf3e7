// The systemd service protocol (sd_notify, watchdog, socket activation) through libsystemd, which
// is opened (dlopen) only when systemd talks to feedd. Every call is a no-op when feedd does not
// run under systemd (no NOTIFY_SOCKET / LISTEN_FDS / WATCHDOG_USEC).
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <vector>

namespace feedd::systemd {

void notify_ready(const std::string& status);
void notify_reloading();
void notify_stopping();
void notify_status(const std::string& status);
void notify_watchdog();

// The interval at which WATCHDOG=1 must be sent (half of WatchdogSec=), when the watchdog is on.
std::optional<std::chrono::microseconds> watchdog_interval();

// Listening sockets passed by socket activation (LISTEN_FDS), as file descriptors.
std::vector<int> listen_fds();

}  // namespace feedd::systemd
