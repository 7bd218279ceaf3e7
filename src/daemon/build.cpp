#include "daemon/build.h"

#include <algorithm>

#include "daemon/log.h"
#include "feed/feed.h"
#include "feed/validate.h"

namespace feedd {

Seconds now_seconds() {
    return std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now());
}

std::string problem_line(const ContentConfig& content, const Problem& problem) {
    auto located = problem;
    located.path = problem.path.empty() ? content.dir.string() : (content.dir / problem.path).string();
    return to_string(located);
}

void log_problems(const ContentConfig& content, const std::vector<Problem>& problems) {
    for (const auto& problem : problems) {
        if (problem.severity == Severity::error) {
            log::error(problem_line(content, problem));
        } else {
            log::warning(problem_line(content, problem));
        }
    }
}

Build render_site(ArticleStore& store, const Config& config, Seconds now,
                  std::chrono::steady_clock::time_point started) {
    const auto articles = store.articles();
    const auto shown = store.feed_articles(static_cast<std::size_t>(config.feeds.limit), now,
                                           config.feeds.full_content);
    auto snapshot = make_snapshot(make_feed(shown, config, now));
    // Every published article, not just the ones the feeds have room for.
    snapshot.info.articles = static_cast<std::size_t>(std::count_if(
        articles.begin(), articles.end(), [&](const Article* a) { return is_published(*a, now); }));
    snapshot.info.problems = store.problem_count();
    snapshot.info.built_at = std::chrono::system_clock::now();
    snapshot.info.duration =
        std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() - started);
    Build build;
    build.invalid = validate_snapshot(snapshot);
    build.snapshot = std::make_shared<const Snapshot>(std::move(snapshot));
    build.next_publication = next_publication(articles, now);
    return build;
}

}  // namespace feedd
