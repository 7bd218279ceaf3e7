// Watches a directory tree with inotify, read through Asio on the caller's io_context, and reports
// debounced batches of changed paths.
#pragma once

#include <boost/asio/io_context.hpp>
#include <chrono>
#include <filesystem>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace feedd::watch {

struct Changes {
    // Paths relative to the root ('/'-separated) that were written, created, deleted or moved.
    // A directory path stands for everything below it.
    std::vector<std::string> paths;
    // Events were lost (queue overflow, a watch that could not be added, the root replaced):
    // the receiver must rescan everything.
    bool rescan = false;
    std::vector<std::string> warnings;  // why a rescan was asked for, for the log
};

struct WatchOptions {
    std::chrono::milliseconds debounce{200};   // quiet time that ends a burst
    std::chrono::milliseconds max_delay{2000}; // a steady stream of events still reports this often
    // Names (not paths) to ignore: temporary and hidden files.
    std::function<bool(std::string_view name)> ignore_name;
};

class DirectoryWatcher {
public:
    using Handler = std::function<void(Changes)>;

    // Starts watching `root` and every folder below it. Throws std::system_error when inotify cannot
    // be used at all; a root that does not exist yet is watched for when it appears (reported as rescan).
    DirectoryWatcher(boost::asio::io_context& io, std::filesystem::path root, WatchOptions options,
                     Handler on_change);
    ~DirectoryWatcher();
    DirectoryWatcher(const DirectoryWatcher&) = delete;
    DirectoryWatcher& operator=(const DirectoryWatcher&) = delete;

    std::size_t watch_count() const;

private:
    struct Impl;
    std::shared_ptr<Impl> impl_;
};

}  // namespace feedd::watch
