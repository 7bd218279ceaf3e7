// The long-running service: serves the current snapshot, watches the content directory, rebuilds
// incrementally off the I/O thread, publishes scheduled articles on time, reloads on SIGHUP and
// stops cleanly on SIGTERM/SIGINT, speaking systemd's notify protocol throughout.
#pragma once

#include <memory>

#include "config/config.h"

namespace feedd {

class Service {
public:
    explicit Service(Config config);
    ~Service();
    Service(const Service&) = delete;
    Service& operator=(const Service&) = delete;

    // Builds, binds, serves until a stop signal. Returns the process exit code.
    int run();

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace feedd
