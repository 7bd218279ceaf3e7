// What the server reuses between responses for the same snapshot document: the serialized header
// block of each (document, coding, 200/304), and big bodies copied once into a file (an unnamed
// O_TMPFILE, else a memfd) so that they can be sent with sendfile(2).
//
// Why: with Beast building a fields object and serializing it for every response, and the body
// copied from the snapshot's std::string into the socket, a one-thread feedd answered 0.6–0.8× the
// requests/s of nginx serving the same bytes (docs/benchmarks.md). The header block of a snapshot
// document depends only on the document, the coding and the status, so it is made once; and
// sendfile hands the file's pages to TCP by reference instead of copying 286 KB per response, as
// nginx's sendfile does from the page cache.
//
// A cache belongs to one snapshot: its keys are Resource addresses, which mean nothing once that
// snapshot is gone, so the server replaces the cache when the slot's snapshot changes (serves()).
// Sessions hold the cache (with the snapshot) while a response is being written. Only the I/O
// thread touches a cache; with an Offload its file is opened and written by jobs on the worker
// pool (a disk that is slow or hung must not stall every client), one at a time, which hand each
// body's offset back to the I/O thread. Until then that entry's body is copied.
#pragma once

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/strand.hpp>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>

#include "feed/snapshot.h"
#include "http/route.h"

namespace feedd::http {

class ResponseCache : public std::enable_shared_from_this<ResponseCache> {
  public:
    // Bodies at least this big are sent from the file; smaller ones are copied (one sendmsg with
    // the head costs less than a send and a sendfile).
    static constexpr std::size_t kFileMin = 32 * 1024;
    // Bytes one snapshot's file may hold (its pages double the memory of the bodies it holds).
    // Bodies past it are copied into the socket as before.
    static constexpr std::size_t kFileMax = 64 * 1024 * 1024;
    // Entries kept; past it heads are still built, per request, but not kept (a crawler walking
    // every document of a big site cannot grow the cache without bound).
    static constexpr std::size_t kMaxEntries = 4096;

    // Where the file is written: jobs on `workers` (serialized by a strand), whose results are
    // posted to `home`, the thread that uses the cache. `keep_alive` is what must outlive the
    // cache's strand: the execution context of `workers` (a strand's destructor reaches into it).
    struct Offload {
        boost::asio::any_io_executor workers;
        boost::asio::any_io_executor home;
        std::shared_ptr<void> keep_alive;
    };

    // Bodies go to an unnamed file in `body_dir` (ServerOptions::body_dir), or to a memfd when
    // that is empty or cannot be used. Without `offload` they are written by entry() itself;
    // with it the cache must be owned by a shared_ptr.
    ResponseCache(const std::shared_ptr<const Snapshot>& snapshot, std::chrono::seconds max_age,
                  std::string body_dir = {}, std::optional<Offload> offload = std::nullopt);
    ~ResponseCache();
    ResponseCache(const ResponseCache&) = delete;
    ResponseCache& operator=(const ResponseCache&) = delete;

    // True when this cache was made for `snapshot` (the same object, not one at the same address:
    // the cache holds a weak reference to it).
    bool serves(const std::shared_ptr<const Snapshot>& snapshot) const noexcept {
        return !owner_.owner_before(snapshot) && !snapshot.owner_before(owner_);
    }

    struct Entry {
        // Every header line of respond(served, HTTP/1.1, keep-alive) in its order, each ending in
        // CRLF: no status line, no Date, no Connection, no final empty line.
        std::string fields;
        // Where the body starts in file(); -1 when it is to be copied from served.body() (also
        // while an Offload's job is writing it to the file).
        std::int64_t offset = -1;
    };
    // The entry for `served`, made on first use (throws what respond() throws): the body of a 200
    // must be made (Served::body()). Valid until the next call.
    const Entry& entry(const Served& served);
    // The file holding the bodies of entries with an offset (each starts on a page); -1 if none.
    int file() const noexcept { return fd_; }
    std::size_t size() const noexcept { return entries_.size(); }

  private:
    struct Key {
        const Resource* shown;
        Coding coding;
        bool not_modified;
        bool operator==(const Key&) const = default;
    };
    struct KeyHash {
        std::size_t operator()(const Key& key) const noexcept;
    };

    // The file and what has been written to it: touched by one thread at a time (entry(), or the
    // Offload's strand), shared with the jobs that write it, closed when the last one lets go.
    struct File;
    struct Stored {
        std::int64_t offset = -1;  // -1: not stored
        int fd = -1;
        bool failed = false;  // the file could not be made or written: copy from now on
    };

    void build(const Key& key, const Served& served, Entry& entry, bool keep);
    void store_later(const Key& key, const std::string& body);
    void stored(const Key& key, const Stored& result) noexcept;

    std::weak_ptr<const Snapshot> owner_;
    std::chrono::seconds max_age_;
    std::unordered_map<Key, Entry, KeyHash> entries_;
    Entry scratch_;  // past kMaxEntries
    std::shared_ptr<File> file_;
    std::shared_ptr<void> workers_alive_;  // destroyed after writer_
    std::optional<boost::asio::strand<boost::asio::any_io_executor>> writer_;
    boost::asio::any_io_executor home_;
    int fd_ = -1;               // the file's descriptor, once a body is in it
    bool file_failed_ = false;  // as the last result said: post no more writes
};

}  // namespace feedd::http
