#include "watch/watcher.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/inotify.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <boost/asio/posix/stream_descriptor.hpp>
#include <boost/asio/steady_timer.hpp>
#include <cerrno>
#include <cstring>
#include <optional>
#include <set>
#include <system_error>
#include <unordered_map>

namespace feedd::watch {
namespace {

namespace fs = std::filesystem;
namespace asio = boost::asio;
using Clock = std::chrono::steady_clock;

// Files are reported when closed after writing or moved, never on create or modify: a file still
// being written must not be read half-way. Create and modify only tell that a write is in progress
// (no leading edge then, see WatchOptions). Directories are reported on create so their contents
// get watched.
constexpr std::uint32_t kDirMask = IN_CLOSE_WRITE | IN_CREATE | IN_MODIFY | IN_DELETE |
                                   IN_MOVED_FROM | IN_MOVED_TO | IN_DELETE_SELF | IN_MOVE_SELF |
                                   IN_ONLYDIR | IN_DONT_FOLLOW | IN_EXCL_UNLINK;
constexpr std::uint32_t kParentMask = IN_CREATE | IN_MOVED_TO | IN_ONLYDIR | IN_DONT_FOLLOW;

std::string join(const std::string& dir, std::string_view name) {
    return dir.empty() ? std::string(name) : dir + "/" + std::string(name);
}

bool is_below(const std::string& path, const std::string& dir) {
    return dir.empty() || path == dir || (path.starts_with(dir) && path[dir.size()] == '/');
}

}  // namespace

struct DirectoryWatcher::Impl : std::enable_shared_from_this<Impl> {
    Impl(asio::io_context& io, fs::path root_path, WatchOptions opts, Handler handler)
        : root(std::move(root_path)),
          options(std::move(opts)),
          on_change(std::move(handler)),
          stream(io),
          timer(io) {}

    fs::path root;
    WatchOptions options;
    Handler on_change;
    asio::posix::stream_descriptor stream;
    asio::steady_timer timer;
    std::unordered_map<int, std::string> watched;  // watch descriptor → folder relative to root
    int parent_watch = -1;                         // set while the root is missing
    bool stopped = false;

    // The batch being collected.
    std::set<std::string> pending;
    bool rescan = false;
    std::vector<std::string> warnings;
    bool collecting = false;
    bool settle = false;  // the batch showed work in progress: no leading edge for it
    bool timer_waiting = false;
    Clock::time_point first_event{};
    Clock::time_point deadline{};
    std::optional<Clock::time_point> last_report;

    // Regular files created or modified and not closed yet, with the time of their last such event.
    // An entry older than `debounce` no longer counts (a hard link is created and never closed; a
    // file left open without writes is not a burst), and is dropped when next looked at.
    std::unordered_map<std::string, Clock::time_point> writing;
    // The read being parsed: whether it had an event that counts, and the cookies of renames whose
    // IN_MOVED_TO it did not hold.
    bool touched = false;
    std::set<std::uint32_t> unpaired_moves;

    alignas(inotify_event) char buffer[64 * 1024];

    void open() {
        const int fd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
        if (fd < 0) throw std::system_error(errno, std::generic_category(), "inotify_init1");
        stream.assign(fd);
        watch_root(options.walk);
        read();
    }

    int fd() { return stream.native_handle(); }

    // `walk`: the folders below the root too (false only at the start, see WatchOptions::walk).
    void watch_root(bool walk = true) {
        std::error_code ec;
        if (fs::is_directory(root, ec)) {
            if (parent_watch >= 0) {
                inotify_rm_watch(fd(), parent_watch);
                parent_watch = -1;
            }
            if (walk) {
                add_tree("");
            } else {
                add_folder("");
            }
            return;
        }
        // The root is missing (or not a folder): watch its parent for it to appear.
        warnings.push_back(root.string() +
                           ": content directory is missing; waiting for it to appear");
        const auto parent = root.parent_path();
        parent_watch = inotify_add_watch(fd(), parent.c_str(), kParentMask);
        if (parent_watch < 0) {
            warnings.push_back(parent.string() + ": cannot watch: " + std::strerror(errno));
        }
    }

    // Watches `relative` (not below it); false when it could not be watched.
    bool add_folder(const std::string& relative) {
        const auto folder = relative.empty() ? root : root / relative;
        const int wd = inotify_add_watch(fd(), folder.c_str(), kDirMask);
        if (wd < 0) {
            // ENOSPC: fs.inotify.max_user_watches reached. The receiver rescans, so nothing is
            // missed now; later changes in this folder are only seen by the next rescan.
            warnings.push_back(folder.string() + ": cannot watch: " + std::strerror(errno) +
                               (errno == ENOSPC ? " (raise fs.inotify.max_user_watches)" : ""));
            rescan = true;
            return false;
        }
        watched[wd] = relative;
        return true;
    }

    void add_tree(const std::string& relative) {
        if (!add_folder(relative)) return;
        for (const auto& sub : subfolders(relative.empty() ? root : root / relative)) {
            add_tree(join(relative, sub));
        }
    }

    // The names of the folders in `folder` (not symlinks to folders), from readdir's entry types:
    // std::filesystem::directory_iterator made a path object of every file, 10,000 instructions
    // a file, which was most of the watcher's start on a 10,000-article site.
    std::vector<std::string> subfolders(const fs::path& folder) const {
        std::vector<std::string> names;
        const int fd = ::open(folder.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        DIR* dir = fd < 0 ? nullptr : ::fdopendir(fd);
        if (!dir) {
            if (fd >= 0) ::close(fd);
            return names;  // gone or unreadable since the watch was added: its events will tell
        }
        while (const dirent* entry = ::readdir(dir)) {
            const std::string_view name = entry->d_name;
            if (name == "." || name == "..") continue;
            if (options.ignore_name && options.ignore_name(name)) continue;
            bool is_folder = entry->d_type == DT_DIR;
            if (entry->d_type == DT_UNKNOWN) {  // file systems that do not fill d_type
                struct stat st {};
                is_folder = ::fstatat(fd, entry->d_name, &st, AT_SYMLINK_NOFOLLOW) == 0 &&
                            S_ISDIR(st.st_mode);
            }
            if (is_folder) names.emplace_back(name);
        }
        ::closedir(dir);
        return names;
    }

    void forget_tree(const std::string& relative) {
        for (auto it = watched.begin(); it != watched.end();) {
            if (is_below(it->second, relative)) {
                inotify_rm_watch(fd(), it->first);
                it = watched.erase(it);
            } else {
                ++it;
            }
        }
    }

    void read() {
        stream.async_read_some(
            asio::buffer(buffer),
            [self = shared_from_this()](boost::system::error_code ec, std::size_t n) {
                if (self->stopped || ec == asio::error::operation_aborted) return;
                if (ec) {
                    self->warnings.push_back(std::string("inotify read failed: ") + ec.message());
                    self->note_rescan();
                    self->arm();
                    return;
                }
                self->parse(n);
                if (self->stopped) return;  // the handler of a leading-edge report stopped us
                self->read();
            });
    }

    void parse(std::size_t size) {
        const auto now = Clock::now();
        const bool quiet = !collecting && (!last_report || now - *last_report >= options.debounce);
        touched = false;
        unpaired_moves.clear();
        for (std::size_t offset = 0; offset + sizeof(inotify_event) <= size;) {
            inotify_event event;
            std::memcpy(&event, buffer + offset, sizeof event);
            const std::string_view name(
                buffer + offset + sizeof event,
                event.len ? std::strlen(buffer + offset + sizeof event) : 0);
            handle(event, name);
            offset += sizeof(inotify_event) + event.len;
        }
        if (!touched) return;
        if (!unpaired_moves.empty()) settle = true;
        if (pending.empty() && !rescan) {
            // Only writes in progress: nothing to report, but they keep a batch being collected
            // from ending.
            if (collecting) arm();
            return;
        }
        // The events read together go in one batch: reported now if they are complete and came
        // after quiet, otherwise when the batch settles.
        if (quiet && options.leading_edge && !settle && !rescan && !writes_in_progress(now)) {
            flush();
            return;
        }
        arm();
    }

    // Whether a regular file was created or modified within `debounce` and is not closed yet.
    bool writes_in_progress(Clock::time_point now) {
        bool any = false;
        for (auto it = writing.begin(); it != writing.end();) {
            if (now - it->second >= options.debounce) {
                it = writing.erase(it);
            } else {
                any = true;
                ++it;
            }
        }
        return any;
    }

    void handle(const inotify_event& event, std::string_view name) {
        if (event.mask & IN_Q_OVERFLOW) {
            warnings.push_back("inotify queue overflowed (events were lost)");
            note_rescan();
            return;
        }
        if (event.wd == parent_watch) {
            if ((event.mask & IN_ISDIR) && name == root.filename().string()) {
                watch_root();
                warnings.push_back(root.string() + ": content directory appeared");
                note_rescan();
            }
            return;
        }
        const auto found = watched.find(event.wd);
        if (found == watched.end()) return;
        const auto folder = found->second;
        if (event.mask & IN_IGNORED) {
            watched.erase(found);
            return;
        }
        if (event.mask & (IN_DELETE_SELF | IN_MOVE_SELF)) {
            if (folder.empty()) {  // the root itself went away
                forget_tree("");
                watch_root();
                note_rescan();
            }
            return;  // a subfolder's removal is reported by its parent's event
        }
        // A rename's two halves: its IN_MOVED_TO pairs with an IN_MOVED_FROM whatever the names
        // (an editor renames the article to a backup name, or a temporary name to the article).
        if (event.mask & IN_MOVED_TO) unpaired_moves.erase(event.cookie);
        if (name.empty() || (options.ignore_name && options.ignore_name(name))) return;
        if (event.mask & IN_MOVED_FROM) unpaired_moves.insert(event.cookie);
        const auto path = join(folder, name);
        touched = true;
        // A removal settles too: git checkout replaces a file by deleting and creating it, and a
        // report between the two would drop the article from the feed for a debounce.
        if (event.mask & IN_DELETE) settle = true;
        if (event.mask & IN_ISDIR) {
            if (event.mask & (IN_CREATE | IN_MOVED_TO)) add_tree(path);
            if (event.mask & (IN_DELETE | IN_MOVED_FROM)) forget_tree(path);
            // A new folder is filled next (mkdir then files, git checkout, cp -r): let it settle.
            if (event.mask & IN_CREATE) settle = true;
            note(path);
        } else if (event.mask & (IN_CLOSE_WRITE | IN_MOVED_TO | IN_DELETE | IN_MOVED_FROM)) {
            writing.erase(path);
            note(path);
        } else if ((event.mask & IN_CREATE) && is_symlink(path)) {
            note(path);  // a symlink is complete when created (and is reported, not followed)
        } else if (event.mask & (IN_CREATE | IN_MODIFY)) {
            writing[path] = Clock::now();  // reported when closed
        }
    }

    bool is_symlink(const std::string& path) const {
        std::error_code ec;
        return fs::is_symlink(fs::symlink_status(root / path, ec));
    }

    // Outside parse(), the caller arms the timer (parse() decides at the end of the read).
    void note_rescan() {
        rescan = true;
        settle = true;
        touched = true;
    }

    void note(std::string path) { pending.insert(std::move(path)); }

    // Trailing edge: a batch ends after `debounce` without events, or `max_delay` after its first
    // event.
    void arm() {
        const auto now = Clock::now();
        if (!collecting) {
            collecting = true;
            first_event = now;
        }
        deadline = std::min(now + options.debounce, first_event + options.max_delay);
        if (timer_waiting) return;  // the running wait re-checks the deadline when it fires
        wait_until_deadline();
    }

    void wait_until_deadline() {
        timer_waiting = true;
        timer.expires_at(deadline);
        timer.async_wait([self = shared_from_this()](boost::system::error_code ec) {
            self->timer_waiting = false;
            if (self->stopped || ec) return;
            if (Clock::now() < self->deadline) {
                self->wait_until_deadline();
                return;
            }
            self->flush();
        });
    }

    void flush() {
        Changes changes;
        changes.paths.assign(pending.begin(), pending.end());
        changes.rescan = rescan;
        changes.warnings = std::move(warnings);
        pending.clear();
        rescan = false;
        warnings.clear();
        collecting = false;
        settle = false;
        last_report = Clock::now();
        on_change(std::move(changes));
    }
};

DirectoryWatcher::DirectoryWatcher(asio::io_context& io, fs::path root, WatchOptions options,
                                   Handler on_change)
    : impl_(std::make_shared<Impl>(io, std::move(root), std::move(options), std::move(on_change))) {
    impl_->open();
    // Problems met while setting up (a missing root, a folder that could not be watched) are
    // reported through the handler like any later ones.
    if (impl_->rescan || !impl_->warnings.empty()) {
        impl_->note_rescan();
        impl_->arm();
    }
}

DirectoryWatcher::~DirectoryWatcher() {
    impl_->stopped = true;
    boost::system::error_code ec;
    impl_->timer.cancel();
    impl_->stream.close(ec);
}

std::size_t DirectoryWatcher::watch_count() const {
    return impl_->watched.size();
}

void DirectoryWatcher::watch_folder(const std::string& relative) {
    if (impl_->add_folder(relative)) return;
    impl_->note_rescan();  // reported through the handler once the io_context runs
    impl_->arm();
}

}  // namespace feedd::watch
