// Test peers (tests/peers/*.py) as child processes on 127.0.0.1, and a small HTTP client to
// read their records and set their test modes.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "support/process.h"

namespace feedd::ping::test {

class Peer {
  public:
    // Starts /usr/bin/python3 tests/peers/SCRIPT ARGS and waits until it says it is listening.
    Peer(const std::string& script, std::vector<std::string> args);
    std::uint16_t port() const { return port_; }
    std::string url(const std::string& path = "/") const;
    nlohmann::json get_json(const std::string& path) const;
    void post_form(const std::string& path, const std::string& body) const;
    pid_t pid() const { return process_->pid(); }

  private:
    std::unique_ptr<feedd::test::ChildProcess> process_;
    std::uint16_t port_ = 0;
};

// A WebSub hub peer. `extra` are more command-line arguments (e.g. --port, --delay-start).
Peer start_hub(std::vector<std::string> extra = {});
// An XML-RPC ping server peer, e.g. start_xmlrpc({"--mode", "fault"}).
Peer start_xmlrpc(std::vector<std::string> extra = {});

// A port on 127.0.0.1 that nothing listens on (at the time of asking).
std::uint16_t unused_port();

// Polls `condition` every 20 ms until it holds or `timeout` passes; returns its last value.
bool wait_until(const std::function<bool()>& condition, std::chrono::milliseconds timeout);

}  // namespace feedd::ping::test
