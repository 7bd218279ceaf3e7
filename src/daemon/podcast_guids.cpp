#include "daemon/podcast_guids.h"

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

#include "ping/queue.h"

namespace feedd {

namespace fs = std::filesystem;

fs::path podcast_guids_file(const Config& config) {
    return config.state_dir / "podcast-guids.tsv";
}

std::expected<EpisodeGuids, std::string> load_podcast_guids(const fs::path& file) {
    std::ifstream in(file, std::ios::binary);
    if (!in) {
        if (errno == ENOENT) return EpisodeGuids{};
        return std::unexpected(file.string() + ": cannot read: " + std::strerror(errno));
    }
    std::ostringstream text;
    text << in.rdbuf();
    return parse_episode_guids(text.str());
}

std::expected<void, std::string> record_podcast_guids(const Config& config,
                                                      const std::vector<const Article*>& articles,
                                                      EpisodeGuids& recorded) {
    if (!config.podcast.enabled) return {};
    EpisodeGuids merged = recorded;
    for (auto& [enclosure, guid] : episode_guids(articles, config)) merged[enclosure] = guid;
    if (merged == recorded) return {};
    // 0644 as before, not the helper's 0600: nothing in it is secret.
    if (auto written = ping::write_file_atomically(
            podcast_guids_file(config), format_episode_guids(merged), ping::kReadableByAll);
        !written)
        return std::unexpected(written.error());
    recorded = std::move(merged);
    return {};
}

}  // namespace feedd
