// Watches a directory tree with inotify, read through Asio on the caller's io_context, and reports
// batches of changed paths: at once when a complete change arrives after quiet, debounced otherwise
// (see WatchOptions).
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

// When a batch of changes is reported:
//
// Leading edge: when the watcher has been quiet (no batch being collected and no report within the
// last `debounce`), the changes read together from inotify are reported at once, at the end of the
// read, provided they are complete: files closed after writing or renamed into place (moved in, or
// renamed within the tree), folders moved in, symlinks created. A single atomic save is reported
// within a millisecond or so, not after `debounce`.
//
// Trailing edge (as before): changes that come within `debounce` of a report, and changes that show
// work still in progress, are collected until `debounce` passes without events, or `max_delay`
// after the batch's first event. Work in progress is: a regular file created or modified and not
// closed yet (its path is reported only once closed), a folder created (`mkdir` then files, `git
// checkout`, `cp -r`), a file or folder deleted (git checkout deletes then recreates), a rename
// whose other half was not read with it (moved out of the tree, or not read yet), or a rescan (lost
// events, the root gone or back).
//
// So a burst gives one leading report and one trailing report (a few more when the burst is longer
// than `max_delay`); a file is never reported before it is complete, on either edge.
struct WatchOptions {
    // The settle window: quiet time that ends a batch, and how long after a report further changes
    // are gathered rather than reported at once.
    std::chrono::milliseconds debounce{200};
    std::chrono::milliseconds max_delay{2000}; // a steady stream of events still reports this often
    // false: every batch waits for `debounce` of quiet (trailing edge only, the behaviour before
    // issue #15).
    bool leading_edge = true;
    // Names (not paths) to ignore: temporary and hidden files.
    std::function<bool(std::string_view name)> ignore_name;
    // false: only the root is watched at the start, and the caller adds the folders below it with
    // watch_folder() as it lists them itself (the daemon's first scan), rather than the watcher
    // listing the whole tree once more (at 10k articles that walk was about 5% of a cold start).
    bool walk = true;
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

    // Watches one more folder (relative to the root, '/'-separated), not the ones below it. Call it
    // before listing the folder, so that a file the listing misses is reported as an event. Not
    // thread-safe: call it while the io_context runs none of this watcher's handlers (before
    // io.run(), as the daemon's first scan does).
    void watch_folder(const std::string& relative);

  private:
    struct Impl;
    std::shared_ptr<Impl> impl_;
};

}  // namespace feedd::watch
