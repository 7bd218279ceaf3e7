// The systemd service protocol: notify messages (sent by a thread of feedd's own, so a manager that
// does not read them never stalls the caller), the watchdog and socket activation (through
// libsystemd, opened with dlopen only when systemd asks for them). Every call is a no-op when feedd
// does not run under systemd (no NOTIFY_SOCKET / LISTEN_FDS / WATCHDOG_USEC).
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
// Waits until every notify message has been sent, at most `timeout`; false when some could not be
// (nothing reads the socket). Called before exit so that STOPPING=1 gets out.
bool flush_notifications(std::chrono::milliseconds timeout);

// The interval at which WATCHDOG=1 must be sent (half of WatchdogSec=), when the watchdog is on.
std::optional<std::chrono::microseconds> watchdog_interval();

// Listening sockets passed by socket activation (LISTEN_FDS), as file descriptors.
std::vector<int> listen_fds();

}  // namespace feedd::systemd
