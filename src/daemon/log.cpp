#include "daemon/log.h"

#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <mutex>
#include <string>
#include <thread>

namespace feedd::log {
namespace {

std::atomic<Level> g_level{Level::info};

bool to_journal() {
    static const bool journal = std::getenv("JOURNAL_STREAM") != nullptr;
    return journal;
}

const char* label(Level level) {
    switch (level) {
        case Level::debug:
            return "debug";
        case Level::info:
            return "info";
        case Level::warning:
            return "warning";
        case Level::error:
            return "error";
    }
    return "info";
}

std::string format(Level level, std::string_view message) {
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
    return line;
}

// write(2) until done or a real error (then the bytes are lost: there is nowhere to say so).
void write_all(const std::string& bytes) {
    std::size_t done = 0;
    while (done < bytes.size()) {
        const ssize_t n = ::write(STDERR_FILENO, bytes.data() + done, bytes.size() - done);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) return;
        done += static_cast<std::size_t>(n);
    }
}

// The queue and its writer thread. Never destroyed: the thread may be blocked in write(2) on a
// stderr that nobody reads when the process exits, and must not find its state gone.
class Writer {
  public:
    void push(Level level, std::string line) {
        {
            const std::lock_guard lock(mutex_);
            if (queued_bytes_ + line.size() > kQueueBytes) {
                ++dropped_;
                dropped_level_ = std::min(static_cast<int>(level), dropped_level_);
                return;
            }
            queued_bytes_ += line.size();
            queue_ += line;
        }
        wake_.notify_one();
    }

    bool flush(std::chrono::milliseconds timeout) {
        std::unique_lock lock(mutex_);
        return idle_.wait_for(lock, timeout,
                              [this] { return queue_.empty() && !writing_ && dropped_ == 0; });
    }

    void run() {
        std::string batch;
        for (;;) {
            {
                std::unique_lock lock(mutex_);
                writing_ = false;
                if (queue_.empty() && dropped_ == 0) idle_.notify_all();
                wake_.wait(lock, [this] { return !queue_.empty() || dropped_ > 0; });
                batch.clear();
                batch.swap(queue_);
                queued_bytes_ = 0;
                if (dropped_ > 0) {
                    // Said after the lines that were queued before the drop, as one more line.
                    batch += format(static_cast<Level>(
                                        std::min(dropped_level_, static_cast<int>(Level::warning))),
                                    std::to_string(dropped_) +
                                        " log line(s) dropped: stderr was not being read");
                    dropped_ = 0;
                    dropped_level_ = static_cast<int>(Level::debug);
                }
                writing_ = true;
            }
            write_all(batch);
            if (batch.capacity() > 2 * kQueueBytes) batch = std::string();
        }
    }

  private:
    std::mutex mutex_;
    std::condition_variable wake_, idle_;
    std::string queue_;
    std::size_t queued_bytes_ = 0;
    std::size_t dropped_ = 0;
    int dropped_level_ = static_cast<int>(Level::debug);  // the most severe dropped line's
    bool writing_ = false;
};

std::atomic<Writer*> g_writer{nullptr};

}  // namespace

void set_level(Level level) {
    g_level.store(level);
}

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
    std::string line = format(level, message);
    if (Writer* writer = g_writer.load(std::memory_order_acquire))
        return writer->push(level, std::move(line));
    // One fwrite per line keeps lines whole when worker threads log too.
    static std::mutex mutex;
    const std::lock_guard lock(mutex);
    std::fwrite(line.data(), 1, line.size(), stderr);
    std::fflush(stderr);
}

void start_background_writer() {
    static std::once_flag once;
    std::call_once(once, [] {
        std::fflush(stderr);
        auto* writer = new Writer;  // never deleted (see Writer)
        std::thread([writer] { writer->run(); }).detach();
        g_writer.store(writer, std::memory_order_release);
    });
}

bool flush(std::chrono::milliseconds timeout) {
    Writer* writer = g_writer.load(std::memory_order_acquire);
    return writer == nullptr || writer->flush(timeout);
}

}  // namespace feedd::log
