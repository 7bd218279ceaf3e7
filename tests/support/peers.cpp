#include "support/peers.h"

#include <arpa/inet.h>
#include <curl/curl.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <stdexcept>
#include <thread>

namespace feedd::ping::test {
namespace {

size_t append(char* data, size_t size, size_t count, void* user) {
    static_cast<std::string*>(user)->append(data, size * count);
    return size * count;
}

std::string http(const std::string& url, const std::string* post_body) {
    CURL* easy = curl_easy_init();
    std::string body;
    curl_easy_setopt(easy, CURLOPT_URL, url.c_str());
    curl_easy_setopt(easy, CURLOPT_WRITEFUNCTION, append);
    curl_easy_setopt(easy, CURLOPT_WRITEDATA, &body);
    curl_easy_setopt(easy, CURLOPT_TIMEOUT_MS, 5000L);
    if (post_body) curl_easy_setopt(easy, CURLOPT_POSTFIELDS, post_body->c_str());
    const auto rc = curl_easy_perform(easy);
    long status = 0;
    curl_easy_getinfo(easy, CURLINFO_RESPONSE_CODE, &status);
    curl_easy_cleanup(easy);
    if (rc != CURLE_OK || status >= 300) {
        throw std::runtime_error("test peer request " + url + " failed: " + curl_easy_strerror(rc) +
                                 " status " + std::to_string(status));
    }
    return body;
}

}  // namespace

Peer::Peer(const std::string& script, std::vector<std::string> args) {
    std::vector<std::string> argv = {"/usr/bin/python3",
                                     std::string(FEEDD_SOURCE_DIR) + "/tests/peers/" + script};
    argv.insert(argv.end(), args.begin(), args.end());
    process_ = std::make_unique<feedd::test::ChildProcess>(argv);
    const auto line = process_->wait_for_line("listening on", std::chrono::seconds(10));
    const auto colon = line.rfind(':');
    if (line.empty() || colon == std::string::npos) {
        throw std::runtime_error(script + " did not start: " + process_->stderr_text());
    }
    port_ = static_cast<std::uint16_t>(std::stoi(line.substr(colon + 1)));
}

std::string Peer::url(const std::string& path) const {
    return "http://127.0.0.1:" + std::to_string(port_) + path;
}

nlohmann::json Peer::get_json(const std::string& path) const {
    return nlohmann::json::parse(http(url(path), nullptr));
}

void Peer::post_form(const std::string& path, const std::string& body) const {
    http(url(path), &body);
}

Peer start_hub(std::vector<std::string> extra) {
    return Peer("websub_hub.py", std::move(extra));
}
Peer start_xmlrpc(std::vector<std::string> extra) {
    return Peer("xmlrpc_ping_server.py", std::move(extra));
}

std::uint16_t unused_port() {
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = 0;
    socklen_t len = sizeof addr;
    if (::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 ||
        ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
        ::close(fd);
        throw std::runtime_error("cannot find a free port");
    }
    ::close(fd);
    return ntohs(addr.sin_port);
}

bool wait_until(const std::function<bool()>& condition, std::chrono::milliseconds timeout) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (!condition()) {
        if (std::chrono::steady_clock::now() >= deadline) return condition();
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    return true;
}

}  // namespace feedd::ping::test
