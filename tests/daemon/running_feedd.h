// A `feedd serve` child process on 127.0.0.1 with a free port, and HTTP requests to it.
#pragma once

#include <signal.h>

#include <chrono>
#include <memory>
#include <regex>
#include <stdexcept>
#include <thread>

#include "support/http_client.h"
#include "support/process.h"

namespace feedd::test {

class RunningFeedd {
  public:
    // `prefix`: a command that runs feedd (its argv is appended), e.g. one that sets up a
    // namespace.
    explicit RunningFeedd(const std::filesystem::path& config,
                          const std::vector<std::string>& environment = {},
                          std::vector<std::string> prefix = {})
        : process_(
              std::make_unique<ChildProcess>(with_prefix(std::move(prefix), config), environment)) {
        const auto line = process_->wait_for_line("serving http://", std::chrono::seconds(20));
        std::smatch match;
        if (line.empty() ||
            !std::regex_search(line, match, std::regex(R"(http://127\.0\.0\.1:(\d+)/)"))) {
            throw std::runtime_error("feedd did not start:\n" + process_->stderr_text());
        }
        port_ = static_cast<std::uint16_t>(std::stoi(match[1]));
    }

    ~RunningFeedd() {
        if (process_) {
            process_->signal(SIGTERM);
            process_->wait(std::chrono::seconds(6));
        }
    }

    std::uint16_t port() const { return port_; }
    ChildProcess& process() { return *process_; }

    HttpResponse get(const std::string& target,
                     const std::map<std::string, std::string>& headers = {},
                     const std::string& method = "GET") const {
        return http_request("127.0.0.1", port_, method, target, headers);
    }

    // Polls `target` until `accept(body)` holds; returns the elapsed time, or nullopt at the
    // timeout.
    template <typename Predicate>
    std::optional<std::chrono::milliseconds> wait_for(
        const std::string& target, Predicate accept,
        std::chrono::milliseconds timeout = std::chrono::seconds(5)) const {
        const auto start = std::chrono::steady_clock::now();
        while (std::chrono::steady_clock::now() - start < timeout) {
            if (accept(get(target).body)) {
                return std::chrono::duration_cast<std::chrono::milliseconds>(
                    std::chrono::steady_clock::now() - start);
            }
            std::this_thread::sleep_for(std::chrono::milliseconds(5));
        }
        return std::nullopt;
    }

    // Sends SIGTERM and waits; the exit code, -1 if killed, -2 if still running after the timeout.
    int stop(std::chrono::milliseconds timeout = std::chrono::seconds(6)) {
        process_->signal(SIGTERM);
        const int code = process_->wait(timeout);
        return code;
    }

  private:
    static std::vector<std::string> with_prefix(std::vector<std::string> argv,
                                                const std::filesystem::path& config) {
        for (const char* arg : {FEEDD_BINARY, "serve", "-c"}) argv.emplace_back(arg);
        argv.push_back(config.string());
        return argv;
    }

    std::unique_ptr<ChildProcess> process_;
    std::uint16_t port_ = 0;
};

inline auto contains(std::string needle) {
    return [needle = std::move(needle)](const std::string& body) {
        return body.find(needle) != std::string::npos;
    };
}
inline auto lacks(std::string needle) {
    return [needle = std::move(needle)](const std::string& body) {
        return body.find(needle) == std::string::npos;
    };
}

}  // namespace feedd::test
