#include "daemon/daemon.h"

#include <cctype>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <iostream>
#include <sstream>

#include "daemon/article_store.h"
#include "daemon/build.h"
#include "daemon/ledger_file.h"
#include "daemon/log.h"
#include "daemon/pings.h"
#include "daemon/podcast_guids.h"
#include "daemon/reader_stats.h"
#include "daemon/service.h"
#include "feed/adoption.h"
#include "feed/feed.h"
#include "ping/fetch.h"
#include "ping/pinger.h"
#include "ping/queue.h"
#include "readers/stats_page.h"

namespace feedd {
namespace {

namespace fs = std::filesystem;

// One whole build for the one-shot commands, with the ids of the identity ledger (which they
// only read).
struct OneShot {
    ArticleStore store;
    Build build;
    IdentityLedger ledger;
    std::string ledger_error;  // the ledger could not be read: nothing was built
};

std::unique_ptr<OneShot> build_once(const Config& config) {
    const auto started = std::chrono::steady_clock::now();
    auto once = std::make_unique<OneShot>(ArticleStore(config.content), Build{}, IdentityLedger{},
                                          std::string{});
    auto ledger = load_ledger(ledger_file(config));
    if (!ledger) {
        once->ledger_error = ledger.error();
        return once;
    }
    once->ledger = std::move(*ledger);
    once->store.use_ledger(&once->ledger);
    once->store.keep_bodies_while_reading(bodies_kept_while_reading(config));
    once->store.rescan();
    once->build = render_site(once->store, config, now_seconds(), started, Deferred::render);
    return once;
}

void log_build(const Config& config, const OneShot& once) {
    const auto& build = once.build;
    const auto problems = once.store.problems();
    log_problems(config.content, problems);
    std::ostringstream summary;
    summary << "built " << build.snapshot->info.articles << " articles, "
            << collapse_repeated(problems).size() << " problems in "
            << build.snapshot->info.duration.count() / 1000.0 << " ms";
    log::info(summary.str());
    for (const auto& message : build.invalid) log::error("built feed is invalid: " + message);
}

// Resource keys are URL paths as clients send them ("/tags/t%C3%BCrkiye/feed.xml"); a static web
// server decodes a request before it looks on disk, so files carry the decoded UTF-8 names.
// Hand-written: the decoding of a path feedd itself encoded is four lines.
std::string percent_decoded(std::string_view path) {
    std::string out;
    for (std::size_t i = 0; i < path.size(); ++i) {
        if (path[i] == '%' && i + 2 < path.size() &&
            std::isxdigit(static_cast<unsigned char>(path[i + 1])) &&
            std::isxdigit(static_cast<unsigned char>(path[i + 2]))) {
            out += static_cast<char>(std::stoi(std::string(path.substr(i + 1, 2)), nullptr, 16));
            i += 2;
        } else {
            out += path[i];
        }
    }
    return out;
}

// What `feedd check` compares the next build with (daemon/podcast_guids.h); a failure to write
// it is logged, never a failed build.
void record_guids(const Config& config, const OneShot& once) {
    if (!config.podcast.enabled) return;
    const auto file = podcast_guids_file(config);
    auto recorded = load_podcast_guids(file);
    if (!recorded) {
        log::warning(recorded.error() + "; episode guids not recorded");
        return;
    }
    if (auto saved = record_podcast_guids(config, once.store.articles(), *recorded); !saved)
        log::warning(saved.error() + "; episode guids not recorded");
}

}  // namespace

int serve(const Config& config) {
    Service service(config);
    return service.run();
}

int build_to_directory(const Config& config, const fs::path& out_dir) {
    const auto once_made = build_once(config);
    const auto& once = *once_made;
    if (!once.ledger_error.empty()) {
        log::error(once.ledger_error + "; nothing built (the ids it records would be lost)");
        return kExitProblems;
    }
    const auto& build = once.build;
    log_build(config, once);
    if (!build.invalid.empty()) return kExitProblems;
    record_guids(config, once);
    std::error_code ec;
    fs::create_directories(out_dir, ec);
    if (ec) {
        log::error(out_dir.string() + ": cannot create the output directory: " + ec.message());
        return kExitProblems;
    }
    for (const auto& [url_path, document] : build.snapshot->resources) {
        const Resource* resource = document->get();  // rendered and checked by build_once
        if (!resource) continue;
        // URL paths map onto files the way a static web server maps them back.
        const auto decoded = percent_decoded(url_path);
        const auto relative =
            decoded.ends_with('/') ? decoded.substr(1) + "index.html" : decoded.substr(1);
        const auto file = out_dir / relative;
        // Atomic for a web server reading the folder meanwhile, but not fsynced
        // (ping::replace_file): a crash loses nothing that the next build does not make again.
        if (auto written = ping::replace_file(file, resource->body); !written) {
            log::error(written.error());
            return kExitProblems;
        }
    }
    log::info("wrote " + std::to_string(build.snapshot->resources.size()) + " files to " +
              out_dir.string());
    return kExitOk;
}

int ping_all(const Config& config) {
    const auto once = build_once(config);
    if (!once->ledger_error.empty()) {
        log::error(once->ledger_error);
        return kExitProblems;
    }
    return ping_now(config, *once->build.snapshot);
}

int check(const Config& config) {
    const auto once_made = build_once(config);
    const auto& once = *once_made;
    if (!once.ledger_error.empty()) {
        std::cout << once.ledger_error << '\n';
        return kExitProblems;
    }
    // An unknown key that a generator's site has in every file is one line, not one per file.
    auto problems = collapse_repeated(once.store.problems());
    if (config.podcast.enabled) {
        // The podcast lint (docs/podcasts.md): what directories would reject, and episode guids
        // changed since the last build recorded them.
        auto last = load_podcast_guids(podcast_guids_file(config));
        if (!last) {
            problems.push_back({"", 0, last.error(), Severity::warning});
            last = EpisodeGuids{};
        }
        auto lint = podcast_lint(config, once.store.articles(), *last, now_seconds());
        if (const auto guid = podcast_guid(config.site.url); !guid)
            lint.push_back({config.file.string(), 0, "podcast: no podcast:guid: " + guid.error(),
                            Severity::warning});
        problems.insert(problems.end(), lint.begin(), lint.end());
    }
    std::size_t errors = 0;
    for (const auto& problem : problems) {
        std::cout << problem_line(config.content, problem) << '\n';
        if (problem.severity == Severity::error) ++errors;
    }
    for (const auto& message : once.build.invalid)
        std::cout << "built feed is invalid: " << message << '\n';
    std::cerr << once.build.snapshot->info.articles << " articles published, " << problems.size()
              << " problems (" << errors << " errors, " << problems.size() - errors
              << " warnings)\n";
    // Where the dates came from that no metadata gave (docs/content.md): a site whose file names
    // carry them sees it here; the mtime ones are problems above.
    std::size_t from[static_cast<int>(DateSource::mtime) + 1] = {};
    const auto articles = once.store.articles();
    for (const Article* article : articles) ++from[static_cast<int>(article->date_source)];
    if (from[static_cast<int>(DateSource::metadata)] < articles.size()) {
        std::cerr << "dates not in metadata: " << from[static_cast<int>(DateSource::file_name)]
                  << " from file names, " << from[static_cast<int>(DateSource::path)]
                  << " from YYYY/MM/DD folders, " << from[static_cast<int>(DateSource::url)]
                  << " from urls, " << from[static_cast<int>(DateSource::mtime)]
                  << " from modification times\n";
    }
    // Warnings (an article published anyway: no date, an unknown key) are reported but do not
    // fail the check; a file that could not be read as the article it was meant to be does.
    return errors == 0 && once.build.invalid.empty() ? kExitOk : kExitProblems;
}

int adopt(const Config& config, const std::string& source) {
    std::string bytes;
    if (source.starts_with("http://") || source.starts_with("https://")) {
        ping::FetchOptions options;
        options.user_agent = ping::default_user_agent(config.site.url);
        auto fetched = ping::fetch_document(source, options);
        if (!fetched) {
            std::cerr << "feedd: " << fetched.error() << '\n';
            return kExitProblems;
        }
        bytes = std::move(*fetched);
    } else {
        std::ifstream in(source, std::ios::binary);
        if (!in) {
            std::cerr << "feedd: " << source << ": cannot read: " << std::strerror(errno) << '\n';
            return kExitProblems;
        }
        std::ostringstream text;
        text << in.rdbuf();
        bytes = text.str();
    }
    const auto entries = read_published_feed(bytes, source, config.content.timezone);
    if (!entries) {
        std::cerr << "feedd: " << entries.error() << '\n';
        return kExitProblems;
    }

    const auto file = ledger_file(config);
    auto ledger = load_ledger(file);
    if (!ledger) {
        std::cerr << "feedd: " << ledger.error() << '\n';
        return kExitProblems;
    }
    ArticleStore store(config.content);
    store.rescan();
    const auto adoption = match_published(*entries, store.articles(), config);

    std::size_t by_link = 0, recorded = 0, same = 0;
    for (const auto& match : adoption.matched) {
        by_link += match.by_link ? 1 : 0;
        if (ledger->assign(match.article->path, match.entry->id)) {
            ++recorded;
        } else {
            ++same;
        }
    }
    if (auto saved = save_ledger_changes(file, *ledger); !saved) {
        std::cerr << "feedd: " << saved.error() << "; no id recorded\n";
        return kExitProblems;
    }
    for (const PublishedEntry* entry : adoption.unmatched) {
        std::cout << "unmatched: \"" << entry->title << "\" "
                  << (entry->link.empty() ? entry->id : entry->link) << '\n';
    }
    std::cout << source << ": " << entries->size() << " entries, " << adoption.matched.size()
              << " matched (" << by_link << " by link, " << adoption.matched.size() - by_link
              << " by title and date), " << adoption.unmatched.size() << " unmatched; " << recorded
              << " ids recorded in " << file.string()
              << (same ? ", " + std::to_string(same) + " recorded already" : std::string()) << '\n';
    if (recorded > 0)
        std::cout << "A running feedd takes them at its next reload (SIGHUP, systemctl reload "
                     "feedd) or start.\n";
    return adoption.matched.empty() && !entries->empty() ? kExitProblems : kExitOk;
}

int print_stats(const Config& config) {
    const auto file = readers_file(config);
    const auto totals = load_reader_totals(file);
    if (!totals) {
        std::cerr << "feedd: " << totals.error() << '\n';
        return kExitProblems;
    }
    std::optional<readers::DailyDownloads> downloads;
    if (config.podcast.enabled) {
        auto kept = load_downloads(downloads_file(config));
        if (!kept) {
            std::cerr << "feedd: " << kept.error() << '\n';
            return kExitProblems;
        }
        downloads = std::move(*kept);
    }
    std::cout << readers::stats_table(*totals, now_seconds(), downloads ? &*downloads : nullptr);
    return kExitOk;
}

}  // namespace feedd
