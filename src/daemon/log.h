// Log lines on stderr. Under systemd (JOURNAL_STREAM set) each line starts with its "<N>" syslog
// priority so the journal records the level.
//
// Lines are written at once until start_background_writer() (the one-shot commands). The daemon
// starts it: from then on a line goes into a bounded queue that a thread of the log's own writes
// out, so a stderr that is not being read (a full pipe, a journal that stopped reading) never
// stalls the thread that logs, above all the one serving HTTP. When the queue is full, lines are
// dropped and counted, and one line says how many once the writer catches up.
#pragma once

#include <chrono>
#include <cstddef>
#include <string_view>

namespace feedd::log {

enum class Level { debug = 7, info = 6, warning = 4, error = 3 };

// Lines below `level` are dropped. Default: info.
void set_level(Level level);
// "debug", "info", "warning", "error"; false for anything else.
bool parse_level(std::string_view name, Level& level);

void write(Level level, std::string_view message);
inline void debug(std::string_view message) {
    write(Level::debug, message);
}
inline void info(std::string_view message) {
    write(Level::info, message);
}
inline void warning(std::string_view message) {
    write(Level::warning, message);
}
inline void error(std::string_view message) {
    write(Level::error, message);
}

// Bytes of lines the queue holds at most before it drops new ones.
inline constexpr std::size_t kQueueBytes = 1024 * 1024;

// From now on, lines are queued and written by a thread of their own. Idempotent.
void start_background_writer();
// Waits until every queued line has been written, at most `timeout`; false if some were not (stderr
// is not being read). Before exit, so that the last lines are not lost when stderr is fine.
bool flush(std::chrono::milliseconds timeout);

}  // namespace feedd::log
