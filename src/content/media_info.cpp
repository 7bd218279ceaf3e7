#include "content/media_info.h"

#include <stb/stb_image.h>
#include <sys/stat.h>
#include <taglib/aifffile.h>
#include <taglib/audioproperties.h>
#include <taglib/fileref.h>
#include <taglib/flacfile.h>
#include <taglib/mp4file.h>
#include <taglib/mpegfile.h>
#include <taglib/opusfile.h>
#include <taglib/vorbisfile.h>
#include <taglib/wavfile.h>

#include <cerrno>
#include <cmath>
#include <cstring>
#include <fstream>
#include <map>
#include <memory>
#include <mutex>

namespace feedd {
namespace {

struct Cached {
    std::int64_t mtime_ns = 0;
    std::uint64_t size = 0;
    MediaInfo info;
};

std::mutex cache_mutex;
std::map<std::string, Cached, std::less<>> cache;  // by path
std::uint64_t reads = 0;

std::int64_t mtime_ns(const struct stat& st) {
    return static_cast<std::int64_t>(st.st_mtim.tv_sec) * 1'000'000'000 + st.st_mtim.tv_nsec;
}

// TagLib picks a reader by the file name's extension; the type read from the content decides
// here instead, so that a .mp3 holding AAC is measured as what it is.
std::unique_ptr<TagLib::File> open_for(const std::string& mime, const char* path) {
    if (mime == "audio/mpeg") return std::make_unique<TagLib::MPEG::File>(path);
    if (mime == "audio/x-m4a" || mime == "video/mp4" || mime == "video/x-m4v" ||
        mime == "video/quicktime")
        return std::make_unique<TagLib::MP4::File>(path);
    if (mime == "audio/opus") return std::make_unique<TagLib::Ogg::Opus::File>(path);
    if (mime == "audio/ogg") return std::make_unique<TagLib::Ogg::Vorbis::File>(path);
    if (mime == "audio/flac") return std::make_unique<TagLib::FLAC::File>(path);
    if (mime == "audio/wav") return std::make_unique<TagLib::RIFF::WAV::File>(path);
    return nullptr;
}

std::optional<std::int64_t> duration_of(const std::string& mime, const std::string& path) {
    auto file = open_for(mime, path.c_str());
    if (!file || !file->isValid() || !file->audioProperties()) return std::nullopt;
    const int ms = file->audioProperties()->lengthInMilliseconds();
    if (ms <= 0) return std::nullopt;
    return static_cast<std::int64_t>(std::llround(ms / 1000.0));
}

}  // namespace

std::expected<MediaInfo, std::string> probe_media(const std::filesystem::path& file) {
    const std::string path = file.string();
    struct stat st {};
    if (::stat(path.c_str(), &st) != 0) return std::unexpected(std::strerror(errno));
    if (!S_ISREG(st.st_mode)) return std::unexpected(std::string("not a regular file"));
    {
        const std::lock_guard lock(cache_mutex);
        const auto found = cache.find(path);
        if (found != cache.end() && found->second.mtime_ns == mtime_ns(st) &&
            found->second.size == static_cast<std::uint64_t>(st.st_size)) {
            return found->second.info;
        }
    }
    MediaInfo info;
    info.length = static_cast<std::uint64_t>(st.st_size);
    std::ifstream in(path, std::ios::binary);
    if (!in) return std::unexpected(std::string("cannot open it"));
    std::string head(512, '\0');
    in.read(head.data(), static_cast<std::streamsize>(head.size()));
    head.resize(static_cast<std::size_t>(in.gcount()));
    info.type = media_type_from_content(head);
    if (!info.type) info.type = media_type_from_name(path);
    if (info.type && (info.type->kind == MediaKind::audio || info.type->kind == MediaKind::video))
        info.duration_s = duration_of(info.type->mime, path);
    const std::lock_guard lock(cache_mutex);
    ++reads;
    cache[path] = Cached{mtime_ns(st), info.length, info};
    return info;
}

std::uint64_t media_probe_reads() {
    const std::lock_guard lock(cache_mutex);
    return reads;
}

std::expected<ImageInfo, std::string> probe_image(const std::filesystem::path& file) {
    std::ifstream in(file, std::ios::binary);
    if (!in) return std::unexpected(std::string("cannot open it"));
    // stbi_info reads only the header; the start of the file is enough for JPEG's SOF marker in
    // all but files with very large metadata blocks, so read up to 1 MiB.
    std::string head(1 << 20, '\0');
    in.read(head.data(), static_cast<std::streamsize>(head.size()));
    head.resize(static_cast<std::size_t>(in.gcount()));
    ImageInfo info;
    const auto type = media_type_from_content(head);
    if (type && type->kind == MediaKind::image) info.mime = type->mime;
    int components = 0;
    if (!info.mime.empty() && !stbi_info_from_memory(reinterpret_cast<const stbi_uc*>(head.data()),
                                                     static_cast<int>(head.size()), &info.width,
                                                     &info.height, &components)) {
        return std::unexpected(std::string("cannot read its size: ") + stbi_failure_reason());
    }
    return info;
}

}  // namespace feedd
