#include "http/server.h"

#include <atomic>
#include <boost/asio/dispatch.hpp>
#include <boost/asio/error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core/error.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/write.hpp>
#include <boost/system/system_error.hpp>
#include <cerrno>
#include <iterator>
#include <list>
#include <optional>
#include <string>
#include <vector>

#include <sys/socket.h>

#include "http/http_date.h"
#include "http/metrics.h"
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

class Session;

// Everything the sessions share. Handlers run on the io_context without a strand, so run() must
// be called from one thread only.
class Listener : public std::enable_shared_from_this<Listener> {
  public:
    Listener(asio::io_context& io, const tcp::endpoint& endpoint, const SnapshotSlot& snapshots,
             const ServerOptions& options)
        : Listener(io, snapshots, options) {
        acceptor_.open(endpoint.protocol());
        acceptor_.set_option(asio::socket_base::reuse_address(true));
        acceptor_.bind(endpoint);
        acceptor_.listen(asio::socket_base::max_listen_connections);
        local_ = acceptor_.local_endpoint();
    }

    Listener(asio::io_context& io, int fd, const SnapshotSlot& snapshots,
             const ServerOptions& options)
        : Listener(io, snapshots, options) {
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
    bool stopped() const { return stopped_; }

    // route()'s context for a request arriving now. The clock is read once per request and
    // shared with the Date header.
    RouteContext context() {
        const auto now = std::chrono::system_clock::now();
        const auto second = std::chrono::floor<std::chrono::seconds>(now);
        if (second != date_at_) {
            date_at_ = second;
            date_ = format_http_date(second);
        }
        return {now, options_.metrics, options_.max_age, options_.feed_limit};
    }
    // The Date header (RFC 9110 §6.6.1) of the last context(); formatted at most once a second.
    std::string_view date() const { return date_; }

    using Registration = std::list<std::weak_ptr<Session>>::iterator;
    Registration enroll() {
        if (options_.metrics != nullptr) options_.metrics->connection_opened();
        return sessions_.emplace(sessions_.end());
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
    Listener(asio::io_context& io, const SnapshotSlot& snapshots, const ServerOptions& options)
        : io_(io), acceptor_(io), retry_timer_(io), snapshots_(snapshots), options_(options) {
        date_at_ = std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now());
        date_ = format_http_date(date_at_);
    }

    static tcp listening_protocol(int fd);
    void accept();
    void on_accept(error_code ec, tcp::socket socket);

    asio::io_context& io_;
    tcp::acceptor acceptor_;
    asio::steady_timer retry_timer_;
    tcp::endpoint local_;
    const SnapshotSlot& snapshots_;
    const ServerOptions options_;
    std::list<std::weak_ptr<Session>> sessions_;
    std::atomic<bool> stop_requested_{false};  // stop() may come from any thread
    bool stopped_ = false;                     // only touched on the io_context
    bool paused_ = false;                      // at max_connections, no accept pending
    std::chrono::sys_seconds date_at_{};
    std::string date_;
};

// One connection: read a request, answer it, repeat while keep-alive holds.
class Session : public std::enable_shared_from_this<Session> {
  public:
    Session(tcp::socket socket, std::shared_ptr<Listener> listener)
        : stream_(std::move(socket)),
          buffer_(listener->limits().header_limit + listener->limits().pipeline_buffer),
          listener_(std::move(listener)),
          registration_(listener_->enroll()) {}
    ~Session() { listener_->withdraw(registration_); }

    void start() {
        *registration_ = weak_from_this();
        error_code ec;
        stream_.socket().set_option(tcp::no_delay(true), ec);
        do_read();
    }

    // Closes the connection now if it waits for a request; a response being written finishes
    // first (on_write sees the listener stopped and closes).
    void stop() {
        if (!writing_) stream_.cancel();
    }

  private:
    void do_read() {
        const ServerLimits& limits = listener_->limits();
        parser_.emplace();
        parser_->header_limit(static_cast<std::uint32_t>(limits.header_limit));
        parser_->body_limit(limits.body_limit);
        // Between requests the client may idle for keep_alive_timeout; a request already begun
        // (first on the connection, or pipelined bytes waiting) must arrive within read_timeout.
        const bool idle = served_ > 0 && buffer_.size() == 0;
        stream_.expires_after(idle ? limits.keep_alive_timeout : limits.read_timeout);
        bhttp::async_read(
            stream_, buffer_, *parser_,
            [self = shared_from_this()](error_code ec, std::size_t) { self->on_read(ec); });
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
            snapshot_ = listener_->snapshots().load();  // once: the whole response uses this one
            Routed routed = route(request, snapshot_.get(), listener_->context());
            response_ = std::move(routed.response);
            generated_ = std::move(routed.generated);
            path_label_ = Metrics::path_label(request.target());
            do_write();
        } catch (...) {
            close();
        }
    }

    void on_read_error(error_code ec) {
        using bhttp::error;
        if (ec == beast::error::timeout && listener_->metrics() != nullptr) {
            listener_->metrics()->record_timeout();
        }
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

    void do_write() {
        response_.set(bhttp::field::date, listener_->date());
        if (listener_->stopped()) response_.keep_alive(false);
        writing_ = true;
        stream_.expires_after(listener_->limits().write_timeout);
        bhttp::async_write(stream_, response_,
                           [self = shared_from_this()](error_code ec, std::size_t bytes) {
                               self->on_write(ec, bytes);
                           });
    }

    void on_write(error_code ec, std::size_t bytes) {
        writing_ = false;
        if (Metrics* metrics = listener_->metrics()) {
            metrics->record_response(path_label_, response_.result_int(), bytes);
        }
        const bool again = !ec && !response_.need_eof() && !listener_->stopped();
        response_.body() = {};
        snapshot_.reset();  // an idle connection must not pin an old snapshot
        generated_.reset();
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
        stream_.socket().shutdown(tcp::socket::shutdown_send, ignored);
        stream_.expires_after(kLingerTime);
        drain();
    }

    void drain() {
        buffer_.clear();
        stream_.async_read_some(buffer_.prepare(4096),
                                [self = shared_from_this()](error_code ec, std::size_t) {
                                    if (ec) return self->close();
                                    self->drain();
                                });
    }

    void close() {
        error_code ignored;
        stream_.socket().shutdown(tcp::socket::shutdown_send, ignored);
        stream_.socket().close(ignored);
    }

    beast::tcp_stream stream_;
    beast::flat_buffer buffer_;
    std::optional<bhttp::request_parser<bhttp::string_body>> parser_;
    std::shared_ptr<const Snapshot> snapshot_;      // keeps response_'s body alive during the write
    std::shared_ptr<const std::string> generated_;  // or this does, for /metrics and /healthz
    Response response_;
    // Of the request being answered; a static string, so nothing is copied per request.
    std::string_view path_label_;
    std::shared_ptr<Listener> listener_;
    Listener::Registration registration_;
    std::size_t served_ = 0;
    bool writing_ = false;
    bool linger_ = false;
};

void Listener::accept() {
    acceptor_.async_accept(io_, [self = shared_from_this()](error_code ec, tcp::socket socket) {
        self->on_accept(ec, std::move(socket));
    });
}

void Listener::on_accept(error_code ec, tcp::socket socket) {
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

struct Server::Impl {
    std::shared_ptr<Listener> listener;
};

Server::Server(asio::io_context& io, const tcp::endpoint& endpoint, const SnapshotSlot& snapshots,
               ServerOptions options)
    : impl_(std::make_shared<Impl>(
          Impl{std::make_shared<Listener>(io, endpoint, snapshots, options)})) {}

Server::Server(asio::io_context& io, int listening_fd, const SnapshotSlot& snapshots,
               ServerOptions options)
    : impl_(std::make_shared<Impl>(
          Impl{std::make_shared<Listener>(io, listening_fd, snapshots, options)})) {}

Server::~Server() {
    impl_->listener->stop();
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

}  // namespace feedd::http
