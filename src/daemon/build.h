// One whole build: content directory → articles → feed → snapshot. Used by every subcommand.
#pragma once

#include <chrono>
#include <memory>
#include <optional>
#include <vector>

#include "config/config.h"
#include "content/article.h"
#include "feed/snapshot.h"

namespace feedd {

struct Build {
    std::shared_ptr<const Snapshot> snapshot;
    std::vector<Problem> problems;
    std::optional<Seconds> next_publication;  // when a scheduled article becomes due
};

// Reads every article and renders every document. Bad articles become problems; never throws for
// content. `now` decides which articles are published.
Build build_site(const Config& config, Seconds now);

}  // namespace feedd
