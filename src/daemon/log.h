// Log lines on stderr. Under systemd (JOURNAL_STREAM set) each line starts with its "<N>" syslog
// priority so the journal records the level.
#pragma once

#include <string_view>

namespace feedd::log {

enum class Level { debug = 7, info = 6, warning = 4, error = 3 };

// Lines below `level` are dropped. Default: info.
void set_level(Level level);
// "debug", "info", "warning", "error"; false for anything else.
bool parse_level(std::string_view name, Level& level);

void write(Level level, std::string_view message);
inline void debug(std::string_view message) { write(Level::debug, message); }
inline void info(std::string_view message) { write(Level::info, message); }
inline void warning(std::string_view message) { write(Level::warning, message); }
inline void error(std::string_view message) { write(Level::error, message); }

}  // namespace feedd::log
