#include "http/server.h"

#include <algorithm>
#include <atomic>
#include <boost/asio/basic_socket_acceptor.hpp>
#include <boost/asio/basic_stream_socket.hpp>
#include <boost/asio/basic_waitable_timer.hpp>
#include <boost/asio/dispatch.hpp>
#include <boost/asio/error.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/thread_pool.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/error.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/string.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/write.hpp>
#include <boost/system/system_error.hpp>
#include <cerrno>
#include <chrono>
#include <cstdint>
#include <ctime>
#include <iterator>
#include <list>
#include <optional>
#include <string>
#include <vector>

#include <pthread.h>
#include <signal.h>
#include <sys/sendfile.h>
#include <sys/socket.h>
#include <sys/uio.h>

#include "http/http_date.h"
#include "http/media.h"
#include "http/metrics.h"
#include "http/readers_hooks.h"
#include "http/response_cache.h"
#include "http/responses.h"
#include "http/route.h"

namespace feedd::http {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = beast::http;
using tcp = asio::ip::tcp;
using boost::system::error_code;

namespace {

// After answering a malformed request we stop sending but keep reading (and discarding) for a
// moment: closing a socket with unread input makes the kernel send RST, which can destroy the
// error response before the client reads it.
constexpr std::chrono::seconds kLingerTime{2};
// Pause before accepting again when the process is out of descriptors or memory.
constexpr std::chrono::milliseconds kAcceptRetry{100};
// How often the listener closes sessions past their deadline (Listener::sweep): timeouts are kept
// to within this much.
constexpr std::chrono::milliseconds kSweepInterval{250};
// Bytes one response may send in one turn of the event loop before letting other handlers run.
constexpr std::size_t kWriteSlice = 1024 * 1024;
// Threads that render, compress and write the body file for the I/O thread
// (Session::start_preparation, ResponseCache): two, so that one long render does not hold up the
// others' work.
constexpr std::size_t kWorkers = 2;
// Threads that open and read podcast media (ServerOptions::media): apart from the render workers,
// so that a slow disk never delays a feed's preparation, nor a long render a media chunk.
constexpr std::size_t kDiskWorkers = 2;
// Bytes of a media file read at a time, per connection: what a download holds in memory.
constexpr std::size_t kMediaChunk = 64 * 1024;

// The io_context's own executor type instead of any_io_executor: no type-erased executor is
// copied, compared or destroyed per operation.
using Executor = asio::io_context::executor_type;
using Socket = asio::basic_stream_socket<tcp, Executor>;
using Acceptor = asio::basic_socket_acceptor<tcp, Executor>;
using Timer = asio::basic_waitable_timer<std::chrono::steady_clock,
                                         asio::wait_traits<std::chrono::steady_clock>, Executor>;
using Clock = std::chrono::steady_clock;
// Shared by the Server, its listener and each response cache that posts to it: a cache's strand
// must not outlive the pool, and caches may outlive the Server (held by handlers that the
// io_context destroys after it, when it is stopped with connections open).
using Workers = std::shared_ptr<asio::thread_pool>;

class Session;

// Everything the sessions share. Handlers run on the io_context without a strand, so run() must
// be called from one thread only.
class Listener : public std::enable_shared_from_this<Listener> {
  public:
    Listener(asio::io_context& io, Workers workers, Workers disk, const tcp::endpoint& endpoint,
             const SnapshotSlot& snapshots, const ServerOptions& options)
        : Listener(io, workers, disk, snapshots, options) {
        acceptor_.open(endpoint.protocol());
        acceptor_.set_option(asio::socket_base::reuse_address(true));
        acceptor_.bind(endpoint);
        acceptor_.listen(asio::socket_base::max_listen_connections);
        local_ = acceptor_.local_endpoint();
    }

    Listener(asio::io_context& io, Workers workers, Workers disk, int fd,
             const SnapshotSlot& snapshots, const ServerOptions& options)
        : Listener(io, workers, disk, snapshots, options) {
        acceptor_.assign(listening_protocol(fd), fd);
        local_ = acceptor_.local_endpoint();
    }

    void start() {
        asio::dispatch(io_, [self = shared_from_this()] {
            if (!self->stopped_) self->accept();
        });
    }
    void stop();

    const tcp::endpoint& local_endpoint() const { return local_; }
    const SnapshotSlot& snapshots() const { return snapshots_; }
    const ServerLimits& limits() const { return options_.limits; }
    Metrics* metrics() const { return options_.metrics; }
    const ServerOptions& options() const { return options_; }
    const HubEndpoint* hub() const { return options_.hub.get(); }
    bool stopped() const { return stopped_; }
    // Where what may block runs: renders, compression (Session::start_preparation) and the cache's
    // file.
    asio::thread_pool::executor_type workers() const { return workers_->executor(); }
    // Where media files are opened and read (only with ServerOptions::media).
    asio::thread_pool::executor_type disk() const { return disk_->executor(); }

    // route()'s context for a request arriving now, on the I/O thread: nothing that may take long
    // is done in resolve() (may_block false). The clock is read once per request and shared with
    // the Date header.
    RouteContext context() {
        const auto now = std::chrono::system_clock::now();
        const auto second = std::chrono::floor<std::chrono::seconds>(now);
        if (second != date_at_) {
            date_at_ = second;
            date_ = format_http_date(second);
        }
        return {now,  options_.metrics, options_.readers,
                true, options_.max_age, options_.feed_limit,
                false};
    }
    // The Date header (RFC 9110 §6.6.1) of the last context(); formatted at most once a second.
    std::string_view date() const { return date_; }

    // The response cache of `snapshot`, made when the slot's snapshot has changed since the last
    // request. The previous one lives on in the sessions still writing from it.
    std::shared_ptr<ResponseCache> cache_for(const std::shared_ptr<const Snapshot>& snapshot) {
        if (!cache_ || !cache_->serves(snapshot)) {
            auto made = std::make_shared<ResponseCache>(
                snapshot, options_.max_age, options_.body_dir,
                ResponseCache::Offload{workers_->executor(), io_.get_executor(), workers_});
            // A session that waited for a worker may answer from a snapshot the slot has replaced
            // meanwhile: its cache is for that response only, not the new snapshot's.
            if (cache_ && snapshot != snapshots_.load()) return made;
            cache_ = std::move(made);
        }
        return cache_;
    }

    using Registration = std::list<std::weak_ptr<Session>>::iterator;
    Registration enroll() {
        if (options_.metrics != nullptr) options_.metrics->connection_opened();
        const auto at = sessions_.emplace(sessions_.end());
        watch();
        return at;
    }
    void withdraw(Registration at) {
        sessions_.erase(at);
        if (options_.metrics != nullptr) options_.metrics->connection_closed();
        // A slot is free again. stop_requested_ is also read because this runs from the
        // destructors of handlers when an io_context is destroyed without a stop having run.
        if (paused_ && !stopped_ && !stop_requested_.load()) {
            paused_ = false;
            accept();
        }
    }

  private:
    Listener(asio::io_context& io, Workers workers, Workers disk, const SnapshotSlot& snapshots,
             const ServerOptions& options)
        : io_(io),
          workers_(std::move(workers)),
          disk_(std::move(disk)),
          acceptor_(io),
          retry_timer_(io),
          sweep_timer_(io),
          snapshots_(snapshots),
          options_(options) {
        date_at_ = std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now());
        date_ = format_http_date(date_at_);
    }

    static tcp listening_protocol(int fd);
    void accept();
    void on_accept(error_code ec, Socket socket);
    // Timeouts: each session keeps a deadline (a plain time_point, set per read and per write)
    // and this timer, running while there are sessions, closes those past theirs. It replaces
    // beast::tcp_stream's timer per operation, which armed and cancelled a timer — and ran the
    // cancelled handler — for every read and every write.
    void watch();
    void sweep(error_code ec);

    asio::io_context& io_;
    Workers workers_;
    Workers disk_;
    Acceptor acceptor_;
    Timer retry_timer_;
    Timer sweep_timer_;
    tcp::endpoint local_;
    const SnapshotSlot& snapshots_;
    const ServerOptions options_;
    std::list<std::weak_ptr<Session>> sessions_;
    std::shared_ptr<ResponseCache> cache_;
    std::atomic<bool> stop_requested_{false};  // stop() may come from any thread
    bool stopped_ = false;                     // only touched on the io_context
    bool paused_ = false;                      // at max_connections, no accept pending
    bool sweeping_ = false;                    // sweep_timer_ has a wait pending
    std::chrono::sys_seconds date_at_{};
    std::string date_;
};

// sendfile(2) has no MSG_NOSIGNAL: writing to a connection the peer has closed raises SIGPIPE,
// whose default action ends the process (asio ignores SIGPIPE only on a few systems, not Linux,
// and relies on MSG_NOSIGNAL). So the thread that runs the server blocks SIGPIPE, once, before
// its first sendfile: the call then fails with EPIPE, and discard_sigpipe() takes back the signal
// left pending. Only this thread's mask changes (threads it starts later inherit it, which is
// harmless: nothing in feedd wants SIGPIPE).
void block_sigpipe() {
    thread_local bool blocked = false;
    if (blocked) return;
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGPIPE);
    pthread_sigmask(SIG_BLOCK, &set, nullptr);
    blocked = true;
}

void discard_sigpipe() {
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGPIPE);
    const timespec now{};
    while (sigtimedwait(&set, nullptr, &now) > 0) {
    }
}

// "HTTP/1.1 200 OK\r\n", as Beast's serializer writes it.
void append_status_line(std::string& out, unsigned version, bhttp::status status) {
    out += "HTTP/";
    out += static_cast<char>('0' + version / 10 % 10);
    out += '.';
    out += static_cast<char>('0' + version % 10);
    out += status == bhttp::status::ok ? " 200 " : " 304 ";
    out += bhttp::obsolete_reason(status);
    out += "\r\n";
}

// One connection: read a request, answer it, repeat while keep-alive holds.
class Session : public std::enable_shared_from_this<Session> {
  public:
    Session(Socket socket, std::shared_ptr<Listener> listener)
        : socket_(std::move(socket)),
          buffer_(listener->limits().header_limit + listener->limits().pipeline_buffer),
          listener_(std::move(listener)),
          registration_(listener_->enroll()) {}
    ~Session() { leave(); }

    void start() {
        *registration_ = weak_from_this();
        error_code ec;
        const auto remote = socket_.remote_endpoint(ec);
        if (!ec) {
            const auto address = remote.address();
            if (address.is_v4()) {
                const auto bytes = address.to_v4().to_bytes();
                std::copy(bytes.begin(), bytes.end(), peer_.bytes.begin());
            } else {
                const auto v6 = address.to_v6();
                if (v6.is_v4_mapped()) {
                    const auto bytes =
                        asio::ip::make_address_v4(asio::ip::v4_mapped, v6).to_bytes();
                    std::copy(bytes.begin(), bytes.end(), peer_.bytes.begin());
                } else {
                    const auto bytes = v6.to_bytes();
                    std::copy(bytes.begin(), bytes.end(), peer_.bytes.begin());
                    peer_.v4 = false;
                }
            }
        }
        socket_.set_option(tcp::no_delay(true), ec);
        // Snapshot documents are written with send/sendfile straight on the socket (pump()),
        // which must return instead of blocking when the socket buffer is full.
        socket_.non_blocking(true, ec);
        if (ec) return close();
        do_read();
    }

    // Closes the connection now if it waits for a request; a response being written, or being
    // prepared, finishes first (after_write sees the listener stopped and closes).
    void stop() {
        error_code ignored;
        if (!writing_) socket_.cancel(ignored);
    }

    Clock::time_point deadline() const { return deadline_; }
    // Past the deadline: closing the socket ends the pending operation (operation_aborted), whose
    // handler finishes the session.
    void time_out() {
        if (phase_ == Phase::reading && listener_->metrics() != nullptr) {
            listener_->metrics()->record_timeout();
        }
        deadline_ = Clock::time_point::max();
        close();
        // A worker still holds the session until its preparation ends, which may be long after
        // the deadline (a render that hangs): the connection is closed, so free its slot now, and
        // let io.run() return after stop() without waiting for that worker.
        if (phase_ == Phase::preparing) leave();
    }

  private:
    enum class Phase : unsigned char { reading, preparing, writing, lingering };

    template <typename Name>
    static std::string_view header(const Request& request, Name name) {
        const auto found = request.find(name);
        if (found == request.end()) return {};
        return {found->value().data(), found->value().size()};
    }

    IpAddress peer_;    // the connection's other end
    IpAddress client_;  // the current request's client (client_address): for this request only

    void leave() {
        if (!enrolled_) return;
        enrolled_ = false;
        listener_->withdraw(registration_);
    }

    void do_read() {
        const ServerLimits& limits = listener_->limits();
        parser_.emplace();
        parser_->header_limit(static_cast<std::uint32_t>(limits.header_limit));
        parser_->body_limit(limits.body_limit);
        // Between requests the client may idle for keep_alive_timeout; a request already begun
        // (first on the connection, or pipelined bytes waiting) must arrive within read_timeout.
        const bool idle = served_ > 0 && buffer_.size() == 0;
        phase_ = Phase::reading;
        deadline_ = Clock::now() + (idle ? limits.keep_alive_timeout : limits.read_timeout);
        hub_request_ = false;
        if (listener_->hub() != nullptr) {
            // The hub's path takes a body. Beast checks a Content-Length against the limit as the
            // header ends, so the hub's limit holds until the target is known (on_header).
            parser_->body_limit(
                std::max<std::uint64_t>(limits.body_limit, listener_->hub()->body_limit));
            bhttp::async_read_header(
                socket_, buffer_, *parser_,
                [self = shared_from_this()](error_code ec, std::size_t) { self->on_header(ec); });
            return;
        }
        bhttp::async_read(
            socket_, buffer_, *parser_,
            [self = shared_from_this()](error_code ec, std::size_t) { self->on_read(ec); });
    }

    void on_header(error_code ec) {
        try {
            const HubEndpoint& hub = *listener_->hub();
            const Request& request = parser_->get();
            const std::string_view target = request.target();
            // Also after an error: a Content-Length over the limit ends a complete header.
            hub_request_ = target.substr(0, target.find('?')) == hub.path;
            if (ec) return on_read(ec);
            if (!hub_request_) {
                // As without a hub: other requests take no body (or the configured limit's).
                const std::size_t limit = listener_->limits().body_limit;
                const auto length = parser_->content_length();
                if ((length && *length > limit) || (parser_->chunked() && limit == 0)) {
                    return on_read(bhttp::error::body_limit);
                }
                parser_->body_limit(limit);
            } else if (request.method() == bhttp::verb::post) {
                parser_->body_limit(hub.body_limit);
                const auto expect = request[bhttp::field::expect];
                if (beast::iequals(expect, "100-continue") && !parser_->is_done()) {
                    // curl and others wait for it (a second) before sending a body over 1 KB.
                    static constexpr std::string_view kContinue = "HTTP/1.1 100 Continue\r\n\r\n";
                    return asio::async_write(
                        socket_, asio::buffer(kContinue.data(), kContinue.size()),
                        [self = shared_from_this()](error_code ec, std::size_t) {
                            if (ec) return self->close();
                            self->read_body();
                        });
                }
            }
            read_body();
        } catch (...) {
            close();
        }
    }

    void read_body() {
        if (parser_->is_done()) return on_read({});
        bhttp::async_read(
            socket_, buffer_, *parser_,
            [self = shared_from_this()](error_code ec, std::size_t) { self->on_read(ec); });
    }

    // A request to the hub's path: its answer comes from the hub at once, never from the
    // snapshot.
    void answer_hub(const Request& request) {
        const HubEndpoint& hub = *listener_->hub();
        HubAnswer answer;
        if (request.method() != bhttp::verb::post) {
            answer = {405, "Subscription requests are form-encoded POSTs (WebSub)."};
        } else {
            answer = hub.submit(request[bhttp::field::content_type], request.body());
        }
        auto text = std::make_shared<std::string>(answer.message + "\n");
        response_ = text_response(static_cast<bhttp::status>(answer.status), *text,
                                  request.version(), request.keep_alive());
        if (answer.status == 405) response_.set(bhttp::field::allow, "POST");
        generated_ = std::move(text);
        if (request.method() == bhttp::verb::head) response_.body() = {};
        do_write();
    }

    void on_read(error_code ec) {
        // Nothing may escape a handler (it would leave io_context::run()); the only thing that can
        // throw here is allocation, and dropping the connection is the answer to that.
        try {
            if (ec) return on_read_error(ec);
            const Request& request = parser_->get();
            // Beast bounds the header's bytes but not its number of fields.
            if (static_cast<std::size_t>(std::distance(request.begin(), request.end())) >
                listener_->limits().header_fields_limit) {
                return answer_and_close(bhttp::status::request_header_fields_too_large,
                                        "Too many request header fields.\n");
            }
            if (hub_request_) {
                path_label_ = Metrics::path_label(request.target());
                return answer_hub(request);
            }
            snapshot_ = listener_->snapshots().load();  // once: the whole response uses this one
            path_label_ = Metrics::path_label(request.target());
            RouteContext context = listener_->context();
            const ServerOptions& options = listener_->options();
            client_ =
                client_address(peer_, header(request, "X-Forwarded-For"),
                               header(request, bhttp::field::forwarded), options.trusted_proxies);
            context.may_see_stats = any_contains(options.metrics_allow, client_);
            if (const auto target = request.target();
                options.media &&
                std::string_view(target.data(), target.size()).starts_with(options.media->path)) {
                snapshot_.reset();
                return start_media(request);
            }
            Resolved resolved = resolve(request, snapshot_.get(), context);
            if (resolved.needs_preparation) return start_preparation(context);
            answer(resolved, request);
        } catch (...) {
            close();
        }
    }

    void answer(Resolved& resolved, const Request& request) {
        const bool head = request.method() == bhttp::verb::head;
        if (resolved.served) {
            const Served& served = *resolved.served;
            // A reader's request for a subscription feed (not a browser's view of it).
            if (ReaderHooks* readers = listener_->options().readers;
                readers != nullptr && served.shown == served.document &&
                !served.document->self_url.empty()) {
                const auto target = request.target();
                readers->feed_served(
                    {std::string_view(target.data(), target.size()).substr(0, target.find('?')),
                     served.not_modified ? 304u : 200u, header(request, bhttp::field::user_agent),
                     client_});
            }
            return send_document(*resolved.served, request.version(), request.keep_alive(), head);
        }
        response_ = std::move(resolved.routed.response);
        generated_ = std::move(resolved.routed.generated);
        // HEAD gets every header GET would, Content-Length included, and no body.
        if (head) response_.body() = {};
        do_write();
    }

    // What resolve() may not do on this thread (a render, a browser view, a compressed variant)
    // runs on a worker; meanwhile other connections are served. The worker reads the request
    // (parser_) and the snapshot, which nothing on the I/O thread changes until on_prepared(). The
    // phase has the write timeout as its deadline, and stop() lets it finish like a write.
    void start_preparation(const RouteContext& context) {
        phase_ = Phase::preparing;
        writing_ = true;
        deadline_ = Clock::now() + listener_->limits().write_timeout;
        asio::post(listener_->workers(), [self = shared_from_this(), snapshot = snapshot_, context,
                                          home = socket_.get_executor()]() mutable {
            prepare(self->parser_->get(), *snapshot, context);
            // Both go back to the I/O thread, so that the session (whose destructor edits the
            // listener's list) and the snapshot are never released on a worker.
            asio::post(home, [self = std::move(self), snapshot = std::move(snapshot)] {
                self->on_prepared();
            });
        });
    }

    void on_prepared() {
        writing_ = false;
        if (!socket_.is_open()) return;  // timed out meanwhile (time_out() closed it)
        try {
            const Request& request = parser_->get();
            RouteContext context = listener_->context();
            context.may_see_stats = any_contains(listener_->options().metrics_allow, client_);
            Resolved resolved = resolve(request, snapshot_.get(), context);
            if (resolved.needs_preparation) {
                // The render threw, or a variant could not be made: prepare() once per request,
                // answered as route() answers a failure while building a response.
                response_ = text_response(bhttp::status::internal_server_error,
                                          "Internal server error.\n", request.version(), false);
                generated_.reset();
                return do_write();
            }
            answer(resolved, request);
        } catch (...) {
            close();
        }
    }

    // --- podcast media (ServerOptions::media, http/media.h) ---
    // The file is opened, checked and planned on a disk thread; then each chunk of it is read
    // there into the session's one buffer and sent from this thread, so a download holds
    // kMediaChunk bytes however large the file, and the I/O thread never waits for the disk. The
    // write timeout holds per chunk: a reader that takes no bytes for that long is closed.
    struct MediaStream {
        int fd = -1;
        MediaPlan plan;
        std::size_t part = 0;         // of plan.body, being sent
        std::uint64_t part_sent = 0;  // bytes of that part read so far
        ByteRange chunk{};            // the file bytes in body_
        std::uint64_t sent = 0;       // bytes of the response sent
        std::uint64_t file_size = 0;
        std::vector<ByteRange> delivered;  // file bytes sent, for the download count
        std::string path;
        std::string user_agent;
        std::unique_ptr<char[]> buffer;
        ~MediaStream() {
            if (fd >= 0) ::close(fd);
        }
    };

    void start_media(const Request& request) {
        const auto method = request.method();
        if (method != bhttp::verb::get && method != bhttp::verb::head) {
            response_ = text_response(bhttp::status::method_not_allowed,
                                      "Media files are read with GET or HEAD.\n", request.version(),
                                      request.keep_alive());
            response_.set(bhttp::field::allow, "GET, HEAD");
            generated_.reset();
            return do_write();
        }
        const auto target = request.target();
        auto relative = media_relative_path(std::string_view(target.data(), target.size()),
                                            listener_->options().media->path);
        if (!relative) return answer_media_error(request, relative.error());
        MediaRequest conditions{method == bhttp::verb::head,
                                header(request, bhttp::field::range),
                                header(request, bhttp::field::if_range),
                                header(request, bhttp::field::if_match),
                                header(request, bhttp::field::if_none_match),
                                header(request, bhttp::field::if_modified_since),
                                header(request, bhttp::field::if_unmodified_since)};
        auto stream = std::make_unique<MediaStream>();
        stream->path.assign(target.data(), std::min(target.size(), target.find('?')));
        stream->user_agent = header(request, bhttp::field::user_agent);
        phase_ = Phase::preparing;
        writing_ = true;
        deadline_ = Clock::now() + listener_->limits().write_timeout;
        // The worker reads the request's headers (conditions), which nothing changes until
        // on_media_opened().
        asio::post(listener_->disk(), [self = shared_from_this(), relative = std::move(*relative),
                                       conditions, stream = std::move(stream),
                                       home = socket_.get_executor()]() mutable {
            auto opened = open_media(self->listener_->options().media->dir, relative);
            unsigned error = 0;
            if (opened) {
                stream->fd = opened->fd;
                stream->file_size = opened->file.size;
                stream->plan = plan_media_response(conditions, opened->file,
                                                   self->listener_->options().max_age);
            } else {
                error = opened.error();
            }
            asio::post(home, [self = std::move(self), stream = std::move(stream), error]() mutable {
                self->on_media_opened(std::move(stream), error);
            });
        });
    }

    void answer_media_error(const Request& request, unsigned status) {
        response_ =
            text_response(status == 400 ? bhttp::status::bad_request : bhttp::status::not_found,
                          status == 400 ? "Bad request.\n" : "Not found.\n", request.version(),
                          request.keep_alive());
        generated_.reset();
        if (request.method() == bhttp::verb::head) response_.body() = {};
        do_write();
    }

    void on_media_opened(std::unique_ptr<MediaStream> stream, unsigned error) {
        writing_ = false;
        if (!socket_.is_open()) return;  // timed out meanwhile
        try {
            const Request& request = parser_->get();
            if (error != 0) return answer_media_error(request, error);
            const auto status = static_cast<bhttp::status>(stream->plan.status);
            status_ = stream->plan.status;
            keep_alive_ = request.keep_alive() && !listener_->stopped();
            head_.clear();
            head_ += request.version() >= 11 ? "HTTP/1.1 " : "HTTP/1.0 ";
            head_ += std::to_string(status_);
            head_ += ' ';
            head_ += bhttp::obsolete_reason(status);
            head_ += "\r\n";
            head_ += stream->plan.fields;
            if (request.version() >= 11 && !keep_alive_) head_ += "Connection: close\r\n";
            if (request.version() < 11 && keep_alive_) head_ += "Connection: keep-alive\r\n";
            head_ += "Date: ";
            head_ += listener_->date();
            head_ += "\r\n\r\n";
            head_sent_ = 0;
            body_ = {};
            body_sent_ = 0;
            file_offset_ = -1;
            if (!stream->plan.body.empty()) stream->buffer.reset(new char[kMediaChunk]);
            media_ = std::move(stream);
            begin_write();
            media_next();
        } catch (...) {
            close();
        }
    }

    // head_ holds what to send next: the text parts up to the next file part are appended to it,
    // and that part's next chunk is read; the two go out together (pump()).
    void media_next() {
        MediaStream& media = *media_;
        while (media.part < media.plan.body.size()) {
            const BodyPart& part = media.plan.body[media.part];
            if (part.is_text()) {
                head_ += part.text;
                ++media.part;
                continue;
            }
            const std::uint64_t left = part.file.size() - media.part_sent;
            if (left == 0) {
                ++media.part;
                media.part_sent = 0;
                continue;
            }
            return read_media_chunk(
                part.file.first + media.part_sent,
                static_cast<std::size_t>(std::min<std::uint64_t>(left, kMediaChunk)));
        }
        if (head_sent_ < head_.size()) return pump_and_continue();
        finish_media({});
    }

    void read_media_chunk(std::uint64_t offset, std::size_t size) {
        phase_ = Phase::preparing;  // a disk that hangs: time_out() frees the slot
        deadline_ = Clock::now() + listener_->limits().write_timeout;
        asio::post(listener_->disk(), [self = shared_from_this(), fd = media_->fd,
                                       buffer = media_->buffer.get(), offset, size,
                                       home = socket_.get_executor()] {
            std::size_t got = 0;
            bool failed = false;
            while (got < size) {
                const auto n =
                    ::pread(fd, buffer + got, size - got, static_cast<off_t>(offset + got));
                if (n < 0 && errno == EINTR) continue;
                if (n <= 0) {  // an error, or the file shrank since it was opened
                    failed = true;
                    break;
                }
                got += static_cast<std::size_t>(n);
            }
            asio::post(home, [self = std::move(self), offset, got, failed] {
                self->on_media_chunk(offset, got, failed);
            });
        });
    }

    void on_media_chunk(std::uint64_t offset, std::size_t got, bool failed) {
        if (!socket_.is_open()) return finish_media(asio::error::operation_aborted);
        if (failed) {
            // The promised length can no longer be sent: the connection must end (the client
            // sees a short body).
            return finish_media(make_error_code(boost::system::errc::io_error));
        }
        phase_ = Phase::writing;
        deadline_ = Clock::now() + listener_->limits().write_timeout;
        media_->part_sent += got;
        media_->chunk = {offset, offset + got - 1};
        body_ = {media_->buffer.get(), got};
        body_sent_ = 0;
        pump_and_continue();
    }

    // A pump of head_ and body_ ended: note what went out, then go on or finish.
    void media_pumped(error_code ec) {
        MediaStream& media = *media_;
        media.sent += head_sent_ + body_sent_;
        if (body_sent_ > 0) {
            const ByteRange sent{media.chunk.first, media.chunk.first + body_sent_ - 1};
            if (!media.delivered.empty() && media.delivered.back().last + 1 == sent.first) {
                media.delivered.back().last = sent.last;
            } else {
                media.delivered.push_back(sent);
            }
        }
        head_.clear();
        head_sent_ = 0;
        body_ = {};
        body_sent_ = 0;
        if (ec) return finish_media(ec);
        media_next();
    }

    void finish_media(error_code ec) {
        std::uint64_t file_bytes = 0;
        for (const auto& range : media_->delivered) file_bytes += range.size();
        if (Metrics* metrics = listener_->metrics()) metrics->record_media(file_bytes);
        if (ReaderHooks* readers = listener_->options().readers;
            readers != nullptr && file_bytes > 0) {
            try {
                readers->media_served({media_->path, status_, media_->file_size, media_->delivered,
                                       media_->user_agent, client_});
            } catch (...) {
                // Counting is no reason to lose the connection.
            }
        }
        after_write(ec, media_->sent);
    }

    void on_read_error(error_code ec) {
        using bhttp::error;
        if (ec.category() != bhttp::make_error_code(error::bad_target).category() ||
            ec == error::end_of_stream || ec == error::partial_message) {
            return close();  // the peer left, timed out, or we are stopping: nothing to answer
        }
        if (ec == error::header_limit) {
            // The parser fills in the target once the request line is complete: without one,
            // the line alone was too long.
            if (parser_->get().target().empty()) {
                return answer_and_close(bhttp::status::uri_too_long, "Request line too long.\n");
            }
            return answer_and_close(bhttp::status::request_header_fields_too_large,
                                    "Request header fields too large.\n");
        }
        if (ec == error::body_limit) {
            if (hub_request_) {
                return answer_and_close(bhttp::status::payload_too_large,
                                        "Request body too large for a subscription request.\n");
            }
            // Nothing feedd serves takes a body; a configured limit makes it a matter of size.
            if (listener_->limits().body_limit == 0) {
                return answer_and_close(bhttp::status::bad_request, "Requests take no body.\n");
            }
            return answer_and_close(bhttp::status::payload_too_large, "Request body too large.\n");
        }
        answer_and_close(bhttp::status::bad_request, "Malformed request.\n");
    }

    // An error the connection cannot recover from: answer, then stop reading requests.
    void answer_and_close(bhttp::status status, std::string_view body) {
        response_ = text_response(status, body, 11, false);
        generated_.reset();
        path_label_ = Metrics::path_label({});
        linger_ = true;
        do_write();
    }

    // Responses that are not a whole snapshot document (errors, /metrics, /healthz, ?limit=N):
    // Beast serializes them.
    void do_write() {
        response_.set(bhttp::field::date, listener_->date());
        if (listener_->stopped()) response_.keep_alive(false);
        status_ = response_.result_int();
        keep_alive_ = !response_.need_eof();
        begin_write();
        bhttp::async_write(socket_, response_,
                           [self = shared_from_this()](error_code ec, std::size_t bytes) {
                               self->after_write(ec, bytes);
                           });
    }

    // A snapshot document: the head is the cached header block of this (document, coding,
    // status) between a status line and Connection/Date, the only parts that vary per request;
    // the body goes out from the cache's file with sendfile when the cache put it there, else
    // straight from the snapshot's string, in one sendmsg with the head.
    void send_document(const Served& served, unsigned version, bool keep_alive, bool head) {
        const ResponseCache::Entry* entry = nullptr;
        const std::string* body = nullptr;
        try {
            cache_ = listener_->cache_for(snapshot_);
            entry = &cache_->entry(served);
            if (!served.not_modified && !head) body = &served.body();  // made by entry() already
        } catch (...) {
            // As route() answers a failure while building a response.
            cache_.reset();
            response_ = text_response(bhttp::status::internal_server_error,
                                      "Internal server error.\n", version, false);
            generated_.reset();
            return do_write();
        }
        const auto status = served.not_modified ? bhttp::status::not_modified : bhttp::status::ok;
        status_ = static_cast<unsigned>(status);
        keep_alive_ = keep_alive && !listener_->stopped();
        head_.clear();
        append_status_line(head_, version, status);
        head_ += entry->fields;
        // What Beast's keep_alive() would set on a response of this version.
        if (version >= 11 && !keep_alive_) head_ += "Connection: close\r\n";
        if (version < 11 && keep_alive_) head_ += "Connection: keep-alive\r\n";
        head_ += "Date: ";
        head_ += listener_->date();
        head_ += "\r\n\r\n";
        head_sent_ = 0;
        body_ = body != nullptr ? std::string_view(*body) : std::string_view{};
        body_sent_ = 0;
        file_offset_ = body != nullptr ? entry->offset : -1;
        begin_write();
        pump_and_continue();
    }

    void begin_write() {
        writing_ = true;
        phase_ = Phase::writing;
        deadline_ = Clock::now() + listener_->limits().write_timeout;
    }

    enum class Pumped { done, blocked, yielded };

    // Sends what is left of head_ and the body without blocking. `ec` is set when the socket
    // failed (then done).
    Pumped pump(error_code& ec) {
        const int fd = socket_.native_handle();
        std::size_t this_turn = 0;
        for (;;) {
            const std::size_t head_left = head_.size() - head_sent_;
            const std::size_t body_left = body_.size() - body_sent_;
            if (head_left == 0 && body_left == 0) return Pumped::done;
            if (this_turn >= kWriteSlice) return Pumped::yielded;
            ssize_t n = 0;
            if (file_offset_ < 0) {
                iovec parts[2] = {{head_.data() + head_sent_, head_left},
                                  {const_cast<char*>(body_.data()) + body_sent_, body_left}};
                msghdr message{};
                message.msg_iov = head_left > 0 ? parts : parts + 1;
                message.msg_iovlen = head_left > 0 ? (body_left > 0 ? 2 : 1) : 1;
                n = ::sendmsg(fd, &message, MSG_NOSIGNAL);
            } else if (head_left > 0) {
                // MSG_MORE: the head waits for the body's first pages instead of going out as a
                // segment of its own (TCP_NODELAY is on).
                n = ::send(fd, head_.data() + head_sent_, head_left, MSG_NOSIGNAL | MSG_MORE);
            } else {
                block_sigpipe();
                off_t offset = static_cast<off_t>(file_offset_ + body_sent_);
                n = ::sendfile(fd, cache_->file(), &offset, body_left);
                if (n < 0 && errno == EPIPE) {
                    discard_sigpipe();  // sets errno
                    errno = EPIPE;
                }
                if (n == 0) {  // the file ended early: cannot happen, but must not spin
                    ec = make_error_code(boost::system::errc::io_error);
                    return Pumped::done;
                }
            }
            if (n < 0) {
                if (errno == EINTR) continue;
                if (errno == EAGAIN || errno == EWOULDBLOCK) return Pumped::blocked;
                ec.assign(errno, boost::system::system_category());
                return Pumped::done;
            }
            const auto sent = static_cast<std::size_t>(n);
            const std::size_t of_head = std::min(sent, head_left);
            head_sent_ += of_head;
            body_sent_ += sent - of_head;
            this_turn += sent;
        }
    }

    void pump_and_continue() {
        error_code ec;
        switch (pump(ec)) {
            case Pumped::done:
                if (media_) return media_pumped(ec);
                return after_write(ec, head_sent_ + body_sent_);
            case Pumped::blocked:
                return socket_.async_wait(Socket::wait_write,
                                          [self = shared_from_this()](error_code wait_ec) {
                                              self->resume_write(wait_ec);
                                          });
            case Pumped::yielded:
                return asio::post(socket_.get_executor(),
                                  [self = shared_from_this()] { self->resume_write({}); });
        }
    }

    void resume_write(error_code ec) {
        if (ec && media_) return media_pumped(ec);
        if (ec) return after_write(ec, head_sent_ + body_sent_);
        pump_and_continue();
    }

    void after_write(error_code ec, std::size_t bytes) {
        writing_ = false;
        if (Metrics* metrics = listener_->metrics()) {
            metrics->record_response(path_label_, status_, bytes);
        }
        const bool again = !ec && keep_alive_ && !listener_->stopped();
        response_.body() = {};
        body_ = {};
        snapshot_.reset();  // an idle connection must not pin an old snapshot
        generated_.reset();
        cache_.reset();
        media_.reset();
        if (!again) return linger_ && !ec ? linger() : close();
        ++served_;
        try {
            do_read();
        } catch (...) {
            close();
        }
    }

    void linger() {
        error_code ignored;
        socket_.shutdown(tcp::socket::shutdown_send, ignored);
        phase_ = Phase::lingering;
        deadline_ = Clock::now() + kLingerTime;
        drain();
    }

    void drain() {
        buffer_.clear();
        socket_.async_read_some(buffer_.prepare(4096),
                                [self = shared_from_this()](error_code ec, std::size_t) {
                                    if (ec) return self->close();
                                    self->drain();
                                });
    }

    void close() {
        error_code ignored;
        socket_.shutdown(tcp::socket::shutdown_send, ignored);
        socket_.close(ignored);
    }

    Socket socket_;
    beast::flat_buffer buffer_;
    std::optional<bhttp::request_parser<bhttp::string_body>> parser_;
    // Keep the bytes being written alive: the snapshot (body_ and response_'s body point into
    // it), a generated body (/metrics, /healthz, ?limit=N), the cache (its file).
    std::shared_ptr<const Snapshot> snapshot_;
    std::shared_ptr<const std::string> generated_;
    std::shared_ptr<ResponseCache> cache_;
    std::unique_ptr<MediaStream> media_;  // a media response being sent
    Response response_;                   // a response Beast writes (do_write)
    // A snapshot document (send_document): the head, its capacity reused from request to request,
    // and the body, in memory or at file_offset_ in cache_'s file.
    std::string head_;
    std::string_view body_;
    std::int64_t file_offset_ = -1;
    std::size_t head_sent_ = 0;
    std::size_t body_sent_ = 0;
    unsigned status_ = 0;
    bool keep_alive_ = false;
    // Of the request being answered; a static string, so nothing is copied per request.
    std::string_view path_label_;
    std::shared_ptr<Listener> listener_;
    Listener::Registration registration_;
    Clock::time_point deadline_ = Clock::time_point::max();
    std::size_t served_ = 0;
    Phase phase_ = Phase::reading;
    bool writing_ = false;  // writing or preparing: stop() lets it finish
    bool linger_ = false;
    bool hub_request_ = false;  // the request is to the hub's path (on_header)
    bool enrolled_ = true;      // in the listener's list (leave())
};

void Listener::watch() {
    if (sweeping_) return;
    sweeping_ = true;
    sweep_timer_.expires_after(kSweepInterval);
    sweep_timer_.async_wait([self = shared_from_this()](error_code ec) { self->sweep(ec); });
}

void Listener::sweep(error_code ec) {
    sweeping_ = false;
    if (ec) return;  // the io_context is going away
    const auto now = Clock::now();
    // Collect first: closing a session may end it, which edits the list.
    std::vector<std::shared_ptr<Session>> late;
    for (const auto& weak : sessions_) {
        if (auto session = weak.lock(); session && session->deadline() <= now) {
            late.push_back(std::move(session));
        }
    }
    for (const auto& session : late) session->time_out();
    // With no session left the timer stops, so an idle server does not wake up and io.run()
    // can return after stop(); the next session starts it again.
    if (!sessions_.empty()) watch();
}

void Listener::accept() {
    acceptor_.async_accept([self = shared_from_this()](error_code ec, Socket socket) {
        self->on_accept(ec, std::move(socket));
    });
}

void Listener::on_accept(error_code ec, Socket socket) {
    if (stopped_ || ec == asio::error::operation_aborted) return;
    if (ec == asio::error::no_descriptors || ec == asio::error::no_buffer_space ||
        ec == asio::error::no_memory) {
        retry_timer_.expires_after(kAcceptRetry);
        retry_timer_.async_wait([self = shared_from_this()](error_code wait_ec) {
            if (!wait_ec && !self->stopped_) self->accept();
        });
        return;
    }
    if (!ec) {
        try {
            std::make_shared<Session>(std::move(socket), shared_from_this())->start();
        } catch (...) {
            // Out of memory for one more connection: the socket closes as it goes out of scope.
        }
    }
    // At the cap, stop accepting rather than accept-and-close: a burst of clients then waits in
    // the listen backlog and is served as connections free up (withdraw() resumes), instead of
    // getting errors; and a flood costs no CPU in an accept/close loop. Slow clients cannot hold
    // slots for longer than read_timeout / keep_alive_timeout.
    if (sessions_.size() >= options_.limits.max_connections) {
        paused_ = true;
        return;
    }
    accept();
}

tcp Listener::listening_protocol(int fd) {
    const auto fail = [](int code, const char* what) {
        throw boost::system::system_error(error_code(code, boost::system::system_category()), what);
    };
    sockaddr_storage address{};
    socklen_t length = sizeof address;
    if (::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length) != 0) {
        fail(errno, "getsockname on the passed socket");
    }
    int type = 0;
    int listening = 0;
    socklen_t size = sizeof type;
    if (::getsockopt(fd, SOL_SOCKET, SO_TYPE, &type, &size) != 0) fail(errno, "SO_TYPE");
    size = sizeof listening;
    if (::getsockopt(fd, SOL_SOCKET, SO_ACCEPTCONN, &listening, &size) != 0) {
        fail(errno, "SO_ACCEPTCONN");
    }
    if (type != SOCK_STREAM || (address.ss_family != AF_INET && address.ss_family != AF_INET6)) {
        fail(EAFNOSUPPORT, "the passed socket is not TCP over IPv4 or IPv6");
    }
    if (listening == 0) fail(EINVAL, "the passed socket is not listening");
    return address.ss_family == AF_INET ? tcp::v4() : tcp::v6();
}

void Listener::stop() {
    // The flag spares ~Server from queueing a second, pointless stop after a signal's.
    if (stop_requested_.exchange(true)) return;
    asio::dispatch(io_, [self = shared_from_this()] {
        self->stopped_ = true;
        error_code ignored;
        self->acceptor_.close(ignored);
        self->retry_timer_.cancel();
        // Collect first: stopping a session may end it, which edits the list.
        std::vector<std::shared_ptr<Session>> live;
        for (const auto& weak : self->sessions_) {
            if (auto session = weak.lock()) live.push_back(std::move(session));
        }
        for (const auto& session : live) session->stop();
    });
}

}  // namespace

namespace {

// The worker threads start with SIGPIPE blocked, as the I/O thread runs (block_sigpipe): they
// inherit the mask of the thread that makes them.
Workers make_workers(std::size_t threads) {
    sigset_t pipe, previous;
    sigemptyset(&pipe);
    sigaddset(&pipe, SIGPIPE);
    pthread_sigmask(SIG_BLOCK, &pipe, &previous);
    struct Restore {
        sigset_t* mask;
        ~Restore() { pthread_sigmask(SIG_SETMASK, mask, nullptr); }
    } restore{&previous};
    return std::make_shared<asio::thread_pool>(threads);
}

}  // namespace

struct Server::Impl {
    // Made before the listener, which shares it (as do its response caches); its threads are
    // joined in ~Server, the object goes with the last of them.
    Workers workers = make_workers(kWorkers);
    Workers disk;  // with ServerOptions::media only
    std::shared_ptr<Listener> listener;
};

Server::Server(asio::io_context& io, const tcp::endpoint& endpoint, const SnapshotSlot& snapshots,
               ServerOptions options)
    : impl_(std::make_shared<Impl>()) {
    if (options.media) impl_->disk = make_workers(kDiskWorkers);
    impl_->listener =
        std::make_shared<Listener>(io, impl_->workers, impl_->disk, endpoint, snapshots, options);
}

Server::Server(asio::io_context& io, int listening_fd, const SnapshotSlot& snapshots,
               ServerOptions options)
    : impl_(std::make_shared<Impl>()) {
    if (options.media) impl_->disk = make_workers(kDiskWorkers);
    impl_->listener = std::make_shared<Listener>(io, impl_->workers, impl_->disk, listening_fd,
                                                 snapshots, options);
}

Server::~Server() {
    if (impl_->listener) impl_->listener->stop();
    // Every job queued runs to its end (each posts its result to the io_context, which must
    // therefore outlive the Server), so that no session or cache is released on a worker.
    impl_->workers->join();
    if (impl_->disk) impl_->disk->join();
}

void Server::start() {
    impl_->listener->start();
}

void Server::stop() {
    impl_->listener->stop();
}

tcp::endpoint Server::local_endpoint() const {
    return impl_->listener->local_endpoint();
}

void Server::run_on_workers(std::function<void()> job) {
    asio::post(*impl_->workers, std::move(job));
}

}  // namespace feedd::http
