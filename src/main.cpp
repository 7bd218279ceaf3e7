// feedd's command line: arguments → subcommand. Everything unexpected is caught here and becomes a
// message and an exit code. The parser is hand-written: six subcommands and four options do not
// justify a compiled Boost.Program_options dependency.
#include <cstring>
#include <exception>
#include <feedd/version.h>
#include <iostream>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "config/config.h"
#include "daemon/daemon.h"
#include "daemon/log.h"
#include "daemon/systemd.h"

namespace {

constexpr const char* kUsage = R"(Usage: feedd [COMMAND] -c FILE [OPTIONS]
       feedd adopt -c FILE FEED

Publishes a directory of articles as RSS 2.0, Atom 1.0 and JSON Feed.

Commands:
  serve   build the feeds, then serve them over HTTP until SIGTERM/SIGINT (the default)
  build   write feed.xml, atom.xml, feed.json and index.html into the directory given by -o
  check   read the config and every article; print one line per problem as "path:line: message"
  ping    tell every configured WebSub hub and ping service about every feed now; print each outcome
  stats   print today's and yesterday's readers per feed and source (from state_dir)
  adopt   take the ids of the feed the site publishes today (FEED: a file or an http(s) URL) for
          the articles its entries match, so readers do not see them again (docs/identity.md)

Options:
  -c, --config FILE     the YAML config file (required; see config/feedd.yaml)
  -o, --output DIR      build: where to write the files
      --log-level LEVEL debug, info (default), warning or error
  -h, --help            show this help
  -V, --version         show the version

Exit codes: 0 success (check: no errors, warnings allowed); 1 check found errors, a ping failed,
adopt matched nothing, or serve/build failed at run time; 2 invalid command line or config.
)";

struct Arguments {
    std::string command = "serve";
    std::string config;
    std::string output;
    std::string log_level;
    std::string feed;  // adopt's FEED
    bool help = false;
    bool version = false;
};

std::optional<Arguments> parse_arguments(int argc, char** argv, std::string& error) {
    Arguments args;
    const std::vector<std::string_view> words(argv + 1, argv + argc);
    for (std::size_t i = 0; i < words.size(); ++i) {
        const auto word = words[i];
        auto value = [&](std::string& into) {
            if (const auto eq = word.find('='); word.starts_with("--") && eq != std::string_view::npos) {
                into = word.substr(eq + 1);
                return true;
            }
            if (i + 1 >= words.size()) {
                error = "option " + std::string(word) + " needs a value";
                return false;
            }
            into = words[++i];
            return true;
        };
        const auto name = word.substr(0, word.find('='));
        if (word == "-h" || word == "--help") {
            args.help = true;
        } else if (word == "-V" || word == "--version") {
            args.version = true;
        } else if (name == "-c" || name == "--config") {
            if (!value(args.config)) return std::nullopt;
        } else if (name == "-o" || name == "--output") {
            if (!value(args.output)) return std::nullopt;
        } else if (name == "--log-level") {
            if (!value(args.log_level)) return std::nullopt;
        } else if (i == 0 && (word == "serve" || word == "build" || word == "check" || word == "ping" ||
                              word == "adopt" || word == "stats")) {
            args.command = word;
        } else if (args.command == "adopt" && args.feed.empty() && !word.starts_with("-")) {
            args.feed = word;
        } else {
            error = "unknown argument '" + std::string(word) + "'";
            return std::nullopt;
        }
    }
    return args;
}

int run(int argc, char** argv) {
    std::string error;
    const auto args = parse_arguments(argc, argv, error);
    if (!args) {
        std::cerr << "feedd: " << error << "\n\n" << kUsage;
        return feedd::kExitConfig;
    }
    if (args->help) {
        std::cout << kUsage;
        return feedd::kExitOk;
    }
    if (args->version) {
        std::cout << "feedd " << feedd::kVersion << '\n';
        return feedd::kExitOk;
    }
    if (!args->log_level.empty()) {
        feedd::log::Level level{};
        if (!feedd::log::parse_level(args->log_level, level)) {
            std::cerr << "feedd: unknown log level '" << args->log_level << "'\n";
            return feedd::kExitConfig;
        }
        feedd::log::set_level(level);
    }
    if (args->config.empty()) {
        std::cerr << "feedd: missing -c FILE (the config file)\n\n" << kUsage;
        return feedd::kExitConfig;
    }
    if (args->command == "build" && args->output.empty()) {
        std::cerr << "feedd: build needs -o DIR (where to write the feeds)\n";
        return feedd::kExitConfig;
    }

    if (args->command == "adopt" && args->feed.empty()) {
        std::cerr << "feedd: adopt needs FEED (the feed the site publishes today: a file or an http(s) URL)\n";
        return feedd::kExitConfig;
    }

    const auto config = feedd::load_config(args->config);
    if (!config) {
        std::cerr << config.error().message << '\n';
        return feedd::kExitConfig;
    }
    if (args->command == "check") return feedd::check(*config);
    if (args->command == "build") return feedd::build_to_directory(*config, args->output);
    if (args->command == "ping") return feedd::ping_all(*config);
    if (args->command == "adopt") return feedd::adopt(*config, args->feed);
    if (args->command == "stats") return feedd::print_stats(*config);
    return feedd::serve(*config);
}

}  // namespace

int main(int argc, char** argv) {
    int code = feedd::kExitProblems;
    try {
        code = run(argc, argv);
    } catch (const std::exception& error) {
        feedd::log::error(std::string("unexpected error: ") + error.what());
    } catch (...) {
        feedd::log::error("unexpected error");
    }
    // `serve` queues its log lines and notify messages (daemon/log.h, daemon/systemd.h): whatever
    // way it ended, they get a moment to get out; feedd exits anyway if nobody reads them.
    feedd::systemd::flush_notifications(std::chrono::milliseconds(500));
    feedd::log::flush(std::chrono::milliseconds(500));
    return code;
}
