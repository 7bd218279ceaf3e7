#include "http/response_cache.h"

#include <boost/asio/post.hpp>
#include <cerrno>
#include <functional>
#include <utility>

#include <fcntl.h>
#include <sys/mman.h>
#include <unistd.h>

namespace feedd::http {

#ifndef MFD_NOEXEC_SEAL
#define MFD_NOEXEC_SEAL 0x0008U  // Linux 6.3; older kernels refuse it with EINVAL
#endif

namespace {

std::size_t page_size() {
    static const std::size_t size = [] {
        const long value = ::sysconf(_SC_PAGESIZE);
        return value > 0 ? static_cast<std::size_t>(value) : std::size_t{4096};
    }();
    return size;
}

// An unnamed file in `dir` (O_TMPFILE: it is gone when closed, even after a crash), else a memfd.
// Why a file on disk first: sendfile from a filesystem's page cache costs the kernel less than
// from shmem (which a memfd is): it looks pages up in batches, and on filesystems with large
// folios (XFS; ext4 from Linux 6.16) it hands TCP a few big folios instead of one 4 KB page at a
// time. On this repository's benchmark the 286 KB feed took 11–18% less CPU per response from an
// ext4 file than from a memfd (docs/benchmarks.md). The pages are the page cache's, so the kernel
// may write them back and evict them under memory pressure, as it does nginx's files.
int open_file(const std::string& dir) {
    if (!dir.empty()) {
        const int fd = ::open(dir.c_str(), O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
        if (fd >= 0) return fd;
        // No such directory, not writable, or a filesystem without O_TMPFILE: a memfd.
    }
    int fd = ::memfd_create("feedd-bodies", MFD_CLOEXEC | MFD_NOEXEC_SEAL);
    if (fd < 0 && errno == EINVAL) fd = ::memfd_create("feedd-bodies", MFD_CLOEXEC);
    return fd;
}

}  // namespace

struct ResponseCache::File {
    explicit File(std::string directory) : dir(std::move(directory)) {}
    File(const File&) = delete;
    File& operator=(const File&) = delete;
    // Pages already handed to TCP by sendfile stay referenced by the socket buffers.
    ~File() {
        if (fd >= 0) ::close(fd);
    }

    Stored store(const std::string& body) noexcept;

    const std::string dir;
    int fd = -1;
    bool failed = false;
    std::size_t size = 0;
};

ResponseCache::ResponseCache(const std::shared_ptr<const Snapshot>& snapshot,
                             std::chrono::seconds max_age, std::string body_dir,
                             std::optional<Offload> offload)
    : owner_(snapshot), max_age_(max_age), file_(std::make_shared<File>(std::move(body_dir))) {
    if (offload) {
        workers_alive_ = std::move(offload->keep_alive);
        writer_.emplace(std::move(offload->workers));
        home_ = std::move(offload->home);
    }
}

ResponseCache::~ResponseCache() = default;

std::size_t ResponseCache::KeyHash::operator()(const Key& key) const noexcept {
    return std::hash<const void*>{}(key.shown) ^
           (static_cast<std::size_t>(key.coding) << 1 | std::size_t{key.not_modified});
}

const ResponseCache::Entry& ResponseCache::entry(const Served& served) {
    const Key key{served.shown, served.coding, served.not_modified};
    if (const auto found = entries_.find(key); found != entries_.end()) return found->second;
    if (entries_.size() >= kMaxEntries) {
        // Not kept, so its body is not put in the file either: that would copy it there again
        // for every request.
        scratch_ = Entry{};
        build(key, served, scratch_, false);
        return scratch_;
    }
    Entry made;
    build(key, served, made, true);
    return entries_.emplace(key, std::move(made)).first->second;
}

void ResponseCache::build(const Key& key, const Served& served, Entry& entry, bool keep) {
    // Beast makes the headers, once: the bytes are those route() gives, with no second
    // implementation of them to keep in step. Serialized by hand because Beast's serializer would
    // also write the status line and the final CRLF, which differ per request.
    const Response response = respond(served, 11, true, max_age_);
    for (const auto& field : response) {
        entry.fields.append(field.name_string());
        entry.fields.append(": ");
        entry.fields.append(field.value());
        entry.fields.append("\r\n");
    }
    if (served.not_modified) return;
    const std::string& body = served.body();
    if (!keep || body.size() < kFileMin || file_failed_) return;
    if (writer_) return store_later(key, body);
    const Stored result = file_->store(body);
    stored(key, result);  // not in entries_ yet: only the descriptor and the failure are kept
    entry.offset = result.offset;
}

// The write goes to a worker (open(2) and pwrite(2) may wait on the disk); the entry's body is
// copied until its offset comes back. The job holds the snapshot (the body is its bytes) and the
// file; the cache only weakly, as it may be replaced meanwhile. Both come back to the home thread,
// so that a snapshot is never released on a worker.
void ResponseCache::store_later(const Key& key, const std::string& body) {
    auto snapshot = owner_.lock();
    if (!snapshot) return;
    boost::asio::post(*writer_, [file = file_, body = &body, snapshot = std::move(snapshot), key,
                                 cache = weak_from_this(), home = home_]() mutable {
        const Stored result = file->store(*body);
        boost::asio::post(home,
                          [cache = std::move(cache), snapshot = std::move(snapshot), key, result] {
                              if (const auto self = cache.lock()) self->stored(key, result);
                          });
    });
}

void ResponseCache::stored(const Key& key, const Stored& result) noexcept {
    if (result.failed) file_failed_ = true;
    if (result.offset < 0) return;
    fd_ = result.fd;
    // A response being written keeps the offset it started with (-1: copied to its end).
    if (const auto found = entries_.find(key); found != entries_.end()) {
        found->second.offset = result.offset;
    }
}

// Appends `body` to the file: its offset, or -1 when it cannot (then the body is copied).
ResponseCache::Stored ResponseCache::File::store(const std::string& body) noexcept {
    if (failed) return {-1, fd, true};
    if (fd < 0) {
        fd = open_file(dir);
        if (fd < 0) {
            // Out of descriptors, or forbidden: every body is copied, as before.
            failed = true;
            return {-1, fd, true};
        }
    }
    // Each body starts on a page: sendfile of a body that starts mid-page cost the gzip case
    // 60% more CPU per response (every page of it straddles two of the file's pages).
    const std::size_t page = page_size();
    const std::size_t start = (size + page - 1) / page * page;
    if (start + body.size() > kFileMax) return {-1, fd, false};
    // Bytes once written are never changed: sendfile gives TCP references to these pages, not
    // copies, so a later write to them would change responses already sent.
    const auto offset = static_cast<off_t>(start);
    std::size_t done = 0;
    while (done < body.size()) {
        const ssize_t n =
            ::pwrite(fd, body.data() + done, body.size() - done, offset + static_cast<off_t>(done));
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) {
            // Out of memory or disk space: keep what is there, copy from now on. The partial
            // bytes past `size` are never sent.
            failed = true;
            return {-1, fd, true};
        }
        done += static_cast<std::size_t>(n);
    }
    size = start + body.size();
    return {offset, fd, false};
}

}  // namespace feedd::http
