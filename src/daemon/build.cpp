#include "daemon/build.h"

#include "content/scan.h"
#include "feed/feed.h"

namespace feedd {

Build build_site(const Config& config, Seconds now) {
    const auto started = std::chrono::steady_clock::now();
    auto content = scan_content(config.content);
    const auto feed = make_feed(content.articles, config, now);
    auto snapshot = make_snapshot(feed);
    snapshot.info.problems = content.problems.size();
    snapshot.info.built_at = std::chrono::system_clock::now();
    snapshot.info.duration = std::chrono::duration_cast<std::chrono::microseconds>(
        std::chrono::steady_clock::now() - started);
    return Build{std::make_shared<const Snapshot>(std::move(snapshot)), std::move(content.problems),
                 next_publication(content.articles, now)};
}

}  // namespace feedd
