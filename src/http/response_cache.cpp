#include "http/response_cache.h"

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

ResponseCache::ResponseCache(const std::shared_ptr<const Snapshot>& snapshot,
                             std::chrono::seconds max_age, std::string body_dir)
    : owner_(snapshot), max_age_(max_age), body_dir_(std::move(body_dir)) {}

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

ResponseCache::~ResponseCache() {
    // Pages already handed to TCP by sendfile stay referenced by the socket buffers.
    if (fd_ >= 0) ::close(fd_);
}

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
        build(served, scratch_, false);
        return scratch_;
    }
    Entry made;
    build(served, made, true);
    return entries_.emplace(key, std::move(made)).first->second;
}

void ResponseCache::build(const Served& served, Entry& entry, bool keep) {
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
    if (!served.not_modified) {
        const std::string& body = served.body();
        if (keep && body.size() >= kFileMin) entry.offset = store(body);
    }
}

// Appends `body` to the file; its offset, or -1 when it cannot (then the body is copied).
std::int64_t ResponseCache::store(const std::string& body) noexcept {
    if (file_failed_) return -1;
    if (fd_ < 0) {
        fd_ = open_file(body_dir_);
        if (fd_ < 0) {
            // Out of descriptors, or forbidden: every body is copied, as before.
            file_failed_ = true;
            return -1;
        }
    }
    // Each body starts on a page: sendfile of a body that starts mid-page cost the gzip case
    // 60% more CPU per response (every page of it straddles two of the file's pages).
    const std::size_t page = page_size();
    const std::size_t start = (file_size_ + page - 1) / page * page;
    if (start + body.size() > kFileMax) return -1;
    // Bytes once written are never changed: sendfile gives TCP references to these pages, not
    // copies, so a later write to them would change responses already sent.
    const auto offset = static_cast<off_t>(start);
    std::size_t done = 0;
    while (done < body.size()) {
        const ssize_t n = ::pwrite(fd_, body.data() + done, body.size() - done,
                                   offset + static_cast<off_t>(done));
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) {
            // Out of memory or disk space: keep what is there, copy from now on. The partial
            // bytes past file_size_ are never sent.
            file_failed_ = true;
            return -1;
        }
        done += static_cast<std::size_t>(n);
    }
    file_size_ = start + body.size();
    return offset;
}

}  // namespace feedd::http
