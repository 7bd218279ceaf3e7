// A build: articles → feed → snapshot, shared by the one-shot subcommands and the live service.
#pragma once

#include <chrono>
#include <memory>
#include <optional>
#include <vector>

#include "config/config.h"
#include "content/article.h"
#include "daemon/article_store.h"
#include "feed/snapshot.h"
#include "feed/validate.h"

namespace feedd {

struct Build {
    std::shared_ptr<const Snapshot> snapshot;
    std::vector<std::string>
        invalid;  // feedd's own checks that failed (the snapshot must not be served)
    std::optional<Seconds> next_publication;  // when a scheduled article becomes due
};

// Makes every document from the store's articles (render_plan) and checks them: the deferred
// ones too with Deferred::render (one-shot commands); the live service leaves them to check
// themselves when first asked for. `now` decides what is published. `started` is when the
// rebuild began (the snapshot records the duration).
Build render_site(ArticleStore& store, const Config& config, Seconds now,
                  std::chrono::steady_clock::time_point started,
                  Deferred deferred = Deferred::skip);

// How many bodies a store keeps while reading (ArticleStore::keep_bodies_while_reading): those
// of the site feed's articles when it carries them (topic feeds' are read again when asked for).
std::size_t bodies_kept_while_reading(const Config& config);

Seconds now_seconds();

// "CONTENT_DIR/path:line: message": a problem names its file as the operator finds it on disk.
std::string problem_line(const ContentConfig& content, const Problem& problem);
// Errors as error lines, warnings as warning lines; a repeated problem (an unknown key in many
// files) once (collapse_repeated).
void log_problems(const ContentConfig& content, const std::vector<Problem>& problems);

}  // namespace feedd
