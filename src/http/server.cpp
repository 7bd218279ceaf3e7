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
#include <list>
#include <optional>
#include <string>
#include <vector>

#include "http/http_date.h"
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
             ServerLimits limits)
        : io_(io), acceptor_(io), retry_timer_(io), snapshots_(snapshots), limits_(limits) {
        acceptor_.open(endpoint.protocol());
        acceptor_.set_option(asio::socket_base::reuse_address(true));
        acceptor_.bind(endpoint);
        acceptor_.listen(asio::socket_base::max_listen_connections);
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
    const ServerLimits& limits() const { return limits_; }
    bool stopped() const { return stopped_; }

    // The Date header (RFC 9110 §6.6.1), formatted at most once a second.
    std::string_view date() {
        const auto now = std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now());
        if (now != date_at_) {
            date_at_ = now;
            date_ = format_http_date(now);
        }
        return date_;
    }

    using Registration = std::list<std::weak_ptr<Session>>::iterator;
    Registration enroll() { return sessions_.emplace(sessions_.end()); }
    void withdraw(Registration at) { sessions_.erase(at); }

  private:
    void accept();
    void on_accept(error_code ec, tcp::socket socket);

    asio::io_context& io_;
    tcp::acceptor acceptor_;
    asio::steady_timer retry_timer_;
    tcp::endpoint local_;
    const SnapshotSlot& snapshots_;
    const ServerLimits limits_;
    std::list<std::weak_ptr<Session>> sessions_;
    std::atomic<bool> stop_requested_{false};  // stop() may come from any thread
    bool stopped_ = false;                     // only touched on the io_context
    std::chrono::sys_seconds date_at_{};
    std::string date_;
};

// One connection: read a request, answer it, repeat while keep-alive holds.
class Session : public std::enable_shared_from_this<Session> {
  public:
    Session(tcp::socket socket, std::shared_ptr<Listener> listener)
        : stream_(std::move(socket)),
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
            snapshot_ = listener_->snapshots().load();  // once: the whole response uses this one
            response_ = route(parser_->get(), snapshot_.get());
            do_write();
        } catch (...) {
            close();
        }
    }

    void on_read_error(error_code ec) {
        using bhttp::error;
        if (ec.category() != bhttp::make_error_code(error::bad_target).category() ||
            ec == error::end_of_stream || ec == error::partial_message) {
            return close();  // the peer left, timed out, or we are stopping: nothing to answer
        }
        if (ec == error::header_limit) {
            response_ = text_response(bhttp::status::request_header_fields_too_large,
                                      "Request header fields too large.\n", 11, false);
        } else if (ec == error::body_limit) {
            response_ = text_response(bhttp::status::payload_too_large, "Request body too large.\n",
                                      11, false);
        } else {
            response_ =
                text_response(bhttp::status::bad_request, "Malformed request.\n", 11, false);
        }
        linger_ = true;
        do_write();
    }

    void do_write() {
        response_.set(bhttp::field::date, listener_->date());
        if (listener_->stopped()) response_.keep_alive(false);
        writing_ = true;
        stream_.expires_after(listener_->limits().write_timeout);
        bhttp::async_write(
            stream_, response_,
            [self = shared_from_this()](error_code ec, std::size_t) { self->on_write(ec); });
    }

    void on_write(error_code ec) {
        writing_ = false;
        const bool again = !ec && !response_.need_eof() && !listener_->stopped();
        response_.body() = {};
        snapshot_.reset();  // an idle connection must not pin an old snapshot
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
    std::shared_ptr<const Snapshot> snapshot_;  // keeps response_'s body alive during the write
    Response response_;
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
    accept();
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
               ServerLimits limits)
    : impl_(std::make_shared<Impl>(
          Impl{std::make_shared<Listener>(io, endpoint, snapshots, limits)})) {}

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
