#include "daemon/daemon.h"

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/address.hpp>
#include <boost/asio/signal_set.hpp>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <sstream>

#include "daemon/build.h"
#include "daemon/log.h"
#include "http/server.h"

namespace feedd {
namespace {

namespace fs = std::filesystem;
namespace asio = boost::asio;

Seconds now_seconds() {
    return std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now());
}

std::string problem_line(const Config& config, const Problem& problem) {
    auto located = problem;
    located.path = (config.content.dir / problem.path).string();
    return to_string(located);
}

void log_build(const Config& config, const Build& build) {
    for (const auto& problem : build.problems) {
        const auto line = problem_line(config, problem);
        if (problem.severity == Severity::error) {
            log::error(line);
        } else {
            log::warning(line);
        }
    }
    std::ostringstream summary;
    summary << "built " << build.snapshot->info.articles << " articles, " << build.problems.size()
            << " problems in " << build.snapshot->info.duration.count() / 1000.0 << " ms";
    log::info(summary.str());
}

// Writes through a temporary file and a rename, so a reader of `path` never sees half a file.
bool write_file_atomically(const fs::path& path, const std::string& bytes, std::string& error) {
    const auto temporary = fs::path(path).concat(".tmp");
    {
        std::ofstream out(temporary, std::ios::binary | std::ios::trunc);
        out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
        out.flush();
        if (!out) {
            error = temporary.string() + ": cannot write";
            return false;
        }
    }
    std::error_code ec;
    fs::rename(temporary, path, ec);
    if (ec) {
        error = path.string() + ": " + ec.message();
        return false;
    }
    return true;
}

}  // namespace

int serve(const Config& config) {
    asio::io_context io(1);
    SnapshotSlot snapshots;

    auto build = build_site(config, now_seconds());
    log_build(config, build);
    snapshots.store(build.snapshot);

    boost::system::error_code ec;
    const auto address = asio::ip::make_address(config.server.host, ec);
    if (ec) {
        log::error(config.file.string() + ": server.listen: '" + config.server.host +
                   "' is not an IP address");
        return kExitConfig;
    }
    std::unique_ptr<http::Server> server;
    try {
        server = std::make_unique<http::Server>(io, asio::ip::tcp::endpoint(address, config.server.port),
                                                snapshots);
    } catch (const boost::system::system_error& error) {
        log::error("cannot listen on " + config.server.listen + ": " + error.code().message());
        return kExitProblems;
    }
    server->start();
    const auto endpoint = server->local_endpoint();
    const auto host = endpoint.address().is_v6() ? "[" + endpoint.address().to_string() + "]"
                                                 : endpoint.address().to_string();
    log::info("serving http://" + host + ":" + std::to_string(endpoint.port()) + "/feed.xml");

    asio::signal_set signals(io, SIGINT, SIGTERM);
    signals.async_wait([&](const boost::system::error_code& error, int signal) {
        if (error) return;
        log::info(std::string("received ") + (signal == SIGINT ? "SIGINT" : "SIGTERM") + ", stopping");
        server->stop();
    });
    io.run();
    log::info("stopped");
    return kExitOk;
}

int build_to_directory(const Config& config, const fs::path& out_dir) {
    const auto build = build_site(config, now_seconds());
    log_build(config, build);
    std::error_code ec;
    fs::create_directories(out_dir, ec);
    if (ec) {
        log::error(out_dir.string() + ": cannot create the output directory: " + ec.message());
        return kExitProblems;
    }
    for (const auto& [url_path, resource] : build.snapshot->resources) {
        // URL paths map onto files the way a static web server maps them back.
        const auto relative = url_path.ends_with('/') ? url_path.substr(1) + "index.html" : url_path.substr(1);
        const auto file = out_dir / relative;
        fs::create_directories(file.parent_path(), ec);
        std::string error;
        if (!write_file_atomically(file, resource.body, error)) {
            log::error(error);
            return kExitProblems;
        }
    }
    log::info("wrote " + std::to_string(build.snapshot->resources.size()) + " files to " + out_dir.string());
    return kExitOk;
}

int check(const Config& config) {
    const auto build = build_site(config, now_seconds());
    for (const auto& problem : build.problems) std::cout << problem_line(config, problem) << '\n';
    std::cerr << build.snapshot->info.articles << " articles published, " << build.problems.size()
              << " problems\n";
    return build.problems.empty() ? kExitOk : kExitProblems;
}

}  // namespace feedd
