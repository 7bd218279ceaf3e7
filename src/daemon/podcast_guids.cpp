#include "daemon/podcast_guids.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

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
    const fs::path file = podcast_guids_file(config);
    std::error_code ec;
    fs::create_directories(config.state_dir, ec);
    const std::string bytes = format_episode_guids(merged);
    const fs::path temporary = fs::path(file).concat(".tmp");
    const int fd = ::open(temporary.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0)
        return std::unexpected(temporary.string() + ": cannot write: " + std::strerror(errno));
    std::size_t written = 0;
    while (written < bytes.size()) {
        const ssize_t n = ::write(fd, bytes.data() + written, bytes.size() - written);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) {
            const std::string why = std::strerror(errno);
            ::close(fd);
            return std::unexpected(temporary.string() + ": cannot write: " + why);
        }
        written += static_cast<std::size_t>(n);
    }
    const bool synced = ::fsync(fd) == 0;
    ::close(fd);
    if (!synced)
        return std::unexpected(temporary.string() + ": cannot write: " + std::strerror(errno));
    fs::rename(temporary, file, ec);
    if (ec) return std::unexpected(file.string() + ": " + ec.message());
    recorded = std::move(merged);
    return {};
}

}  // namespace feedd
