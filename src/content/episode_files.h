// An article's podcast files: its enclosure, transcript, chapters and image when they are files
// of the content directory, named in its metadata or found beside it (docs/podcasts.md,
// "Episodes"). The scan calls it for each article it reads.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "config/config.h"
#include "content/article.h"

namespace feedd {

// - A relative enclosure, transcript, chapters or image that names a file (relative to the
//   article's folder, never above content.dir) becomes that file (Enclosure::file,
//   EpisodeLink::file, Episode::image_file; the reference as written stays in `url`, which the
//   feeds use for sites without a show); a relative one naming no file stays a link
//   relative to the article, with a warning when content.episode_media.
// - With content.episode_media, what the metadata leaves out is found by name: for
//   "ep/042-guest.md", "ep/042-guest.mp3" (or another audio or video type), "ep/042-guest.vtt"
//   or ".srt", "ep/042-guest.chapters.json"; for a bundle "ep/042/index.md", the one audio or
//   video file in the bundle, and the transcript and chapters named after it.
// - An enclosure file is probed (content/media_info.h): length, type, duration.
// Problems (warnings) name the article.
void attach_episode_files(const ContentConfig& content, Article& article,
                          std::vector<Problem>& problems);

// The articles a media file (relative to content.dir) may belong to by name: "ep/042.mp3" →
// "ep/042.md", "ep/042.markdown", ..., and "ep/index.md", "ep/index.markdown" (a bundle's).
// The watcher re-reads them when the file changes.
std::vector<std::string> articles_named_after(std::string_view media_path);

// Whether a file name is one an episode may use (audio, video, image, transcript, chapters).
bool is_episode_file_name(std::string_view name);

}  // namespace feedd
