#include "daemon/build.h"

#include <unistd.h>

#include <algorithm>
#include <fstream>
#include <unordered_map>

#include "daemon/log.h"
#include "feed/feed.h"
#include "feed/site.h"

namespace feedd {

Seconds now_seconds() {
    return std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now());
}

std::string problem_line(const ContentConfig& content, const Problem& problem) {
    auto located = problem;
    located.path =
        problem.path.empty() ? content.dir.string() : (content.dir / problem.path).string();
    return to_string(located);
}

void log_problems(const ContentConfig& content, const std::vector<Problem>& problems) {
    for (const auto& problem : collapse_repeated(problems)) {
        if (problem.severity == Severity::error) {
            log::error(problem_line(content, problem));
        } else {
            log::warning(problem_line(content, problem));
        }
    }
}

namespace {

// Resident memory now, from /proc/self/statm (0 if unreadable): for the debug line below.
long resident_kib() {
    std::ifstream statm("/proc/self/statm");
    long size = 0, resident = 0;
    statm >> size >> resident;
    return resident * (sysconf(_SC_PAGESIZE) / 1024);
}

}  // namespace

std::size_t bodies_kept_while_reading(const Config& config) {
    return config.feeds.full_content && config.feeds.limit > 0
               ? static_cast<std::size_t>(config.feeds.limit)
               : 0;
}

Build render_site(ArticleStore& store, const Config& config, Seconds now,
                  std::chrono::steady_clock::time_point started, Deferred deferred) {
    // Where a build's time goes, for `--log-level debug` (docs/benchmarks.md). The first phase,
    // from `started`, is the caller's listing and reading of the files.
    std::string phases;
    auto phase_start = started;
    const auto phase = [&](const char* name) {
        const auto end = std::chrono::steady_clock::now();
        phases +=
            std::string(phases.empty() ? "" : ", ") + name + " " +
            std::to_string(
                std::chrono::duration_cast<std::chrono::microseconds>(end - phase_start).count()) +
            " us (resident " + std::to_string(resident_kib() / 1024) + " MiB)";
        phase_start = end;
    };
    phase("read");

    // Planned on metadata; then only the articles some subscription feed shows are read in full
    // (archive pages carry summaries).
    SitePlan plan = store.plan(config, now);
    phase("plan");
    if (config.feeds.full_content) {
        const auto wanted = articles_with_content(plan);
        const auto full = store.with_bodies(wanted);
        std::unordered_map<const Article*, const Article*> replacement;
        replacement.reserve(wanted.size());
        for (std::size_t i = 0; i < wanted.size(); ++i) replacement.emplace(wanted[i], full[i]);
        // Feeds without bodies (by default tag, section and author feeds) keep the metadata.
        replace_articles(plan, [&](const Article* a) {
            const auto found = replacement.find(a);
            return found == replacement.end() ? a : found->second;
        });
        phase("bodies");
    }
    auto& cache = store.render_cache();
    const auto previous = cache.previous;  // render_plan lets go of it
    auto snapshot = render_plan(plan, config, &cache);
    phase("render");
    snapshot.info.problems = store.problem_count();
    Build build;
    build.invalid = validate_snapshot(snapshot, deferred, previous.get());
    phase("check");
    log::debug("build: " + phases + "; " + std::to_string(cache.rendered) +
               " document groups made, " + std::to_string(cache.reused) +
               " shared with the previous build");
    snapshot.info.built_at = std::chrono::system_clock::now();
    snapshot.info.duration = std::chrono::duration_cast<std::chrono::microseconds>(
        std::chrono::steady_clock::now() - started);
    build.snapshot = std::make_shared<const Snapshot>(std::move(snapshot));
    cache.previous = build.snapshot;
    build.next_publication = store.next_publication(now);
    return build;
}

}  // namespace feedd
