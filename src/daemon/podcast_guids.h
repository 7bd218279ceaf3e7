// The episode guids each build published, by enclosure (feed/podcast.h EpisodeGuids), kept in
// state_dir/podcast-guids.tsv so that `feedd check` can say when an episode's guid changed
// (podcast apps would show it again as a new episode). Written by `feedd build` and by each
// rebuild of `feedd serve` that changes it; read by `feedd check`.
#pragma once

#include <expected>
#include <filesystem>
#include <string>
#include <vector>

#include "config/config.h"
#include "content/article.h"
#include "feed/podcast.h"

namespace feedd {

std::filesystem::path podcast_guids_file(const Config& config);

// A missing file is an empty map.
std::expected<EpisodeGuids, std::string> load_podcast_guids(const std::filesystem::path& file);

// Merges the guids `articles` have now over the recorded ones (an episode that left the feeds
// keeps its record) and writes the file (temporary file, fsync, rename) when that changes it.
// Nothing without podcast.enabled. `recorded` is what the file holds, updated on success.
std::expected<void, std::string> record_podcast_guids(const Config& config,
                                                      const std::vector<const Article*>& articles,
                                                      EpisodeGuids& recorded);

}  // namespace feedd
