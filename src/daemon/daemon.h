// The subcommands. This is the one place that wires config, content, feed and http together.
#pragma once

#include <filesystem>

#include "config/config.h"

namespace feedd {

// Exit codes, documented in README.md.
enum ExitCode : int {
    kExitOk = 0,
    kExitProblems = 1,  // check: some files have errors; serve/build: a runtime failure
    kExitConfig = 2,    // the config (or the command line) is invalid
};

// Builds, serves on config.server.listen until SIGTERM/SIGINT, then returns kExitOk.
int serve(const Config& config);

// Writes every document of the snapshot into `out_dir` (feed.xml, atom.xml, feed.json, index.html).
int build_to_directory(const Config& config, const std::filesystem::path& out_dir);

// Pings every configured hub and ping service for every feed now; one line per outcome.
// kExitProblems when any failed.
int ping_all(const Config& config);

// Prints one line per problem ("path:line: message") to stdout, a repeated one (the same unknown
// key in many files) once; kExitProblems when there is an error (a file skipped) or an invalid
// feed, kExitOk when there are only warnings (articles published anyway).
int check(const Config& config);

}  // namespace feedd
