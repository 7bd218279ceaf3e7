#include "support/http_client.h"

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <algorithm>
#include <cctype>

namespace feedd::test {

namespace beast = boost::beast;
namespace asio = boost::asio;

HttpResponse http_request(const std::string& host, std::uint16_t port, const std::string& method,
                          const std::string& target, const std::map<std::string, std::string>& headers,
                          const std::string& body) {
    asio::io_context io;
    beast::tcp_stream stream(io);
    stream.expires_after(std::chrono::seconds(10));
    stream.connect(asio::ip::tcp::endpoint(asio::ip::make_address(host), port));

    beast::http::request<beast::http::string_body> request;
    request.method_string(method);
    request.target(target);
    request.version(11);
    request.set(beast::http::field::host, host + ":" + std::to_string(port));
    request.set(beast::http::field::connection, "close");
    for (const auto& [name, value] : headers) request.set(name, value);
    if (!body.empty() || method == "POST") {
        request.body() = body;
        request.prepare_payload();
    }
    beast::http::write(stream, request);

    beast::flat_buffer buffer;
    beast::http::response_parser<beast::http::string_body> parser;
    parser.body_limit(64 * 1024 * 1024);
    parser.skip(method == "HEAD");
    beast::http::read(stream, buffer, parser);
    const auto& response = parser.get();

    HttpResponse out;
    out.status = static_cast<int>(response.result_int());
    for (const auto& field : response) {
        std::string name(field.name_string());
        std::transform(name.begin(), name.end(), name.begin(),
                       [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
        auto& slot = out.headers[name];
        slot = slot.empty() ? std::string(field.value()) : slot + ", " + std::string(field.value());
    }
    out.body = response.body();
    beast::error_code ec;
    stream.socket().shutdown(asio::ip::tcp::socket::shutdown_both, ec);
    return out;
}

}  // namespace feedd::test
