#include "daemon/log.h"

#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <mutex>
#include <string>

namespace feedd::log {
namespace {

std::atomic<Level> g_level{Level::info};

bool to_journal() {
    static const bool journal = std::getenv("JOURNAL_STREAM") != nullptr;
    return journal;
}

const char* label(Level level) {
    switch (level) {
        case Level::debug: return "debug";
        case Level::info: return "info";
        case Level::warning: return "warning";
        case Level::error: return "error";
    }
    return "info";
}

}  // namespace

void set_level(Level level) { g_level.store(level); }

bool parse_level(std::string_view name, Level& level) {
    for (auto candidate : {Level::debug, Level::info, Level::warning, Level::error}) {
        if (name == label(candidate)) {
            level = candidate;
            return true;
        }
    }
    return false;
}

void write(Level level, std::string_view message) {
    if (static_cast<int>(level) > static_cast<int>(g_level.load())) return;
    std::string line;
    line.reserve(message.size() + 24);
    if (to_journal()) {
        line += '<';
        line += std::to_string(static_cast<int>(level));
        line += '>';
    } else {
        line += "feedd: ";
        if (level != Level::info) {
            line += label(level);
            line += ": ";
        }
    }
    line += message;
    line += '\n';
    // One fwrite per line keeps lines whole when worker threads log too.
    static std::mutex mutex;
    const std::lock_guard lock(mutex);
    std::fwrite(line.data(), 1, line.size(), stderr);
    std::fflush(stderr);
}

}  // namespace feedd::log
