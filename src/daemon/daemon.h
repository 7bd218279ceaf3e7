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

// `feedd adopt` (docs/identity.md): reads the feed the site publishes today (`source`: a file, or
// an http(s) URL), matches its entries to the articles (feed/adoption.h) and records each matched
// entry's id in the identity ledger, so that feedd gives the article that id from now on. Prints
// how many it matched and names the others. kExitOk when at least one entry matched (or the feed
// has none), kExitProblems when the feed cannot be read or nothing matched.
int adopt(const Config& config, const std::string& source);

// `feedd stats`: the reader totals of today and yesterday from state_dir (as the running daemon
// last saved them, or as the last run left them), one line per feed and source.
int print_stats(const Config& config);

}  // namespace feedd
