#include "content/scan.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <condition_variable>
#include <cstring>
#include <deque>
#include <expected>
#include <filesystem>
#include <memory>
#include <mutex>
#include <thread>
#include <unordered_map>
#include <unordered_set>
#include <utility>

#include "config/glob.h"
#include "content/episode_files.h"

namespace feedd {
namespace {

namespace fs = std::filesystem;

// ASCII case-insensitive "ends with": extensions are ASCII, and lower-casing a copy of each with
// the locale's std::tolower was a fifth of the instructions of listing 10k files.
bool has_extension(std::string_view name, std::string_view lower_ext) {
    if (name.size() < lower_ext.size()) return false;
    const auto tail = name.substr(name.size() - lower_ext.size());
    for (std::size_t i = 0; i < tail.size(); ++i) {
        const char c =
            tail[i] >= 'A' && tail[i] <= 'Z' ? static_cast<char>(tail[i] - 'A' + 'a') : tail[i];
        if (c != lower_ext[i]) return false;
    }
    return true;
}

std::int64_t mtime_ns(const struct stat& st) {
    return static_cast<std::int64_t>(st.st_mtim.tv_sec) * 1'000'000'000 + st.st_mtim.tv_nsec;
}

// The stamp of `rel` from its lstat, with its sidecar's mtime when `sidecar_exists`.
SourceStamp make_stamp(const fs::path& root, std::string rel, const struct stat& st,
                       bool sidecar_exists) {
    SourceStamp stamp;
    stamp.mtime_ns = mtime_ns(st);
    stamp.size = static_cast<std::uintmax_t>(st.st_size);
    stamp.inode = static_cast<std::uintmax_t>(st.st_ino);
    if (sidecar_exists) {
        struct stat side_st {};
        if (::lstat((root / (without_extension(rel) + ".yaml")).c_str(), &side_st) == 0) {
            stamp.sidecar_mtime_ns = mtime_ns(side_st);
        }
    }
    stamp.path = std::move(rel);
    return stamp;
}

std::string errno_text(int err) {
    return std::strerror(err);
}

// One open, one fstat, one read (looping only on short reads). O_NOFOLLOW: a file replaced by a
// symlink after listing is refused, not followed.
// `file` is relative to `dir_fd` (the open content directory, so the kernel does not walk the
// configured path again for every file) or absolute with AT_FDCWD.
// `bytes` may come with capacity from an earlier read, to fill without allocating again.
std::expected<std::string, std::string> read_whole(int dir_fd, const char* file,
                                                   std::uintmax_t max_bytes, struct stat* read_st,
                                                   std::string bytes = {}) {
    const int fd = ::openat(dir_fd, file, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0) return std::unexpected("cannot open: " + errno_text(errno));
    struct stat st {};
    if (::fstat(fd, &st) != 0) {
        const int err = errno;
        ::close(fd);
        return std::unexpected("cannot stat: " + errno_text(err));
    }
    if (!S_ISREG(st.st_mode)) {
        ::close(fd);
        return std::unexpected("not a regular file");
    }
    const auto size = static_cast<std::uintmax_t>(st.st_size);
    if (size > max_bytes) {
        ::close(fd);
        return std::unexpected("file is larger than content.max_file_bytes (" +
                               std::to_string(size) + " > " + std::to_string(max_bytes) +
                               " bytes); skipped");
    }
    if (read_st) *read_st = st;
    int read_error = 0;
    // Not zero-filled first (a first scan reads every byte of the content directory).
    bytes.resize_and_overwrite(static_cast<std::size_t>(size),
                               [&](char* data, std::size_t capacity) {
                                   std::size_t got = 0;
                                   while (got < capacity) {
                                       const auto n = ::read(fd, data + got, capacity - got);
                                       if (n < 0 && errno == EINTR) continue;
                                       if (n < 0) {
                                           read_error = errno;
                                           break;
                                       }
                                       if (n == 0) break;  // shrank since fstat
                                       got += static_cast<std::size_t>(n);
                                   }
                                   return got;
                               });
    ::close(fd);
    if (read_error != 0) return std::unexpected("cannot read: " + errno_text(read_error));
    return bytes;
}

}  // namespace

// Editors' and tools' droppings, and hidden files: never content, never worth a warning.
bool is_ignored_name(std::string_view name) {
    return name.empty() || name.front() == '.' || name.back() == '~' || name.ends_with(".swp") ||
           name.ends_with(".tmp");
}

bool is_article_name(std::string_view name) {
    return has_extension(name, ".md") || has_extension(name, ".markdown") ||
           has_extension(name, ".txt") || has_extension(name, ".html") ||
           has_extension(name, ".htm");
}

std::string asset_folder_owner(std::string_view folder_name) {
    // A browser's "Save page as" keeps a page's images, styles and frames in "Page_files/".
    if (folder_name.size() > 6 && folder_name.ends_with("_files"))
        return std::string(folder_name.substr(0, folder_name.size() - 6));
    return std::string(folder_name);
}

bool is_sidecar_name(std::string_view name) {
    return has_extension(name, ".yaml");
}

std::string without_extension(std::string_view path) {
    const auto slash = path.rfind('/');
    const auto dot = path.rfind('.');
    if (dot == std::string_view::npos || (slash != std::string_view::npos && dot < slash)) {
        return std::string(path);
    }
    return std::string(path.substr(0, dot));
}

bool is_skipped_name(std::string_view name, bool folder) {
    if (is_ignored_name(name)) return true;
    return name.front() == '_' && !(folder && name == "_posts");
}

// Lower case only, as Hugo's: "index.MD" is an ordinary article.
bool is_index_name(std::string_view name) {
    return name == "index.md" || name == "index.markdown";
}

bool is_bundle_index(std::string_view article_path) {
    const auto slash = article_path.rfind('/');
    return slash != std::string_view::npos && is_index_name(article_path.substr(slash + 1));
}

std::string page_path(std::string_view article_path) {
    if (is_bundle_index(article_path))
        return std::string(article_path.substr(0, article_path.rfind('/')));
    return without_extension(article_path);
}

namespace {

bool is_regular(const fs::path& path) {
    struct stat st {};
    return ::lstat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode);
}

// `folder` (relative, not "") holds a page bundle's index file.
bool is_bundle_folder(const fs::path& root, std::string_view folder) {
    const fs::path dir = root / folder;
    return is_regular(dir / "index.md") || is_regular(dir / "index.markdown");
}

// `folder` (relative, not "") is the asset folder of the article beside it.
bool is_asset_folder(const fs::path& root, std::string_view folder) {
    const std::string base = (root / folder).string();
    if (is_regular(base + ".md") || is_regular(base + ".markdown") || is_regular(base + ".html") ||
        is_regular(base + ".htm"))
        return true;
    const auto slash = folder.rfind('/');
    const auto name = folder.substr(slash == std::string_view::npos ? 0 : slash + 1);
    const std::string owner = asset_folder_owner(name);
    if (owner.size() == name.size()) return false;
    const std::string page =
        (root / folder.substr(0, folder.size() - name.size())).string() + owner;
    return is_regular(page + ".html") || is_regular(page + ".htm");
}

// Nothing in `folder` (relative, not "") or below it is an article: a skipped name on the way, an
// asset folder, or a page bundle above it (`folder` itself being one leaves its index file). What
// walk_sources decides folder by folder, asked of one folder: a few lstat calls per level.
bool holds_no_articles(const fs::path& root, std::string_view folder) {
    for (std::size_t end = 0; end != std::string_view::npos;) {
        const std::size_t start = end == 0 ? 0 : end + 1;
        end = folder.find('/', start);
        const auto prefix = folder.substr(0, end);
        if (is_skipped_name(prefix.substr(start), true) || is_asset_folder(root, prefix))
            return true;
        if (end != std::string_view::npos && is_bundle_folder(root, prefix)) return true;
    }
    return false;
}

// content.include and content.exclude.
bool included(const ContentConfig& content, std::string_view path) {
    if (!content.include.empty() && !glob_match_any(content.include, path)) return false;
    return content.exclude.empty() || !glob_match_any(content.exclude, path);
}

}  // namespace

bool is_article_path(const ContentConfig& content, std::string_view path) {
    const auto slash = path.rfind('/');
    const auto name = slash == std::string_view::npos ? path : path.substr(slash + 1);
    if (is_skipped_name(name, false) || !is_article_name(name)) return false;
    if (slash != std::string_view::npos) {
        // Every folder on the way must hold articles (not hidden, not a resource folder), and in
        // a page bundle only its index file is one.
        const auto folder = path.substr(0, slash);
        if (holds_no_articles(content.dir, folder)) return false;
        if (!is_index_name(name) && is_bundle_folder(content.dir, folder)) return false;
    }
    return included(content, path);
}

std::optional<SourceStamp> stamp_source(const ContentConfig& content, std::string_view path) {
    if (!is_article_path(content, path)) return std::nullopt;
    struct stat st {};
    if (::lstat((content.dir / path).c_str(), &st) != 0 || !S_ISREG(st.st_mode))
        return std::nullopt;
    struct stat side_st {};
    const auto side = without_extension(path) + ".yaml";
    const bool sidecar =
        ::lstat((content.dir / side).c_str(), &side_st) == 0 && S_ISREG(side_st.st_mode);
    return make_stamp(content.dir, std::string(path), st, sidecar);
}

namespace {

// POSIX directory reading rather than std::filesystem::directory_iterator: libstdc++'s
// directory_entry::symlink_status() lstat()s the full path again although readdir's d_type
// already told, and every later stat would walk the full path once more. Here each folder is
// opened once and its entries are stat'ed relative to it (fstatat), which made listing 10k
// articles about three times faster.
//
// Walks the tree below `under` folder by folder and hands each folder's article stamps (its
// sidecars paired: a sidecar sits beside its article) to `on_folder`, unsorted. A content
// directory that is missing or not a directory is one problem in `problems`.
template <typename OnFolder>
void walk_sources(const ContentConfig& content, std::vector<Problem>& problems,
                  std::string_view under, Listing listing, OnFolder on_folder,
                  const FolderHook& before_listing) {
    const fs::path& root = content.dir;
    std::error_code ec;
    const auto root_status = fs::status(root, ec);  // the configured dir itself may be a symlink
    if (!fs::exists(root_status)) {
        problems.push_back(
            {"", 0, "content directory " + root.string() + " does not exist", Severity::error});
        return;
    }
    if (!fs::is_directory(root_status)) {
        problems.push_back(
            {"", 0, "content directory " + root.string() + " is not a directory", Severity::error});
        return;
    }

    // Below `under`'s own structure (a resource folder lists nothing) only when it is not the
    // root: the walk decides for the folders it reaches itself.
    if (!under.empty() && holds_no_articles(root, under)) return;

    struct Listed {
        std::string rel;
        struct stat st;
    };
    struct Pending {
        std::string rel;
        // Inside a page bundle or an asset folder: listed only to be handed to `before_listing`
        // (a watcher then sees it change if it stops being one), never for articles.
        bool resources = false;
    };
    std::vector<Listed> articles;
    std::vector<std::string> folders;  // below the one being listed
    std::vector<std::string> links;    // symlinks, said unless they are resources
    std::unordered_map<std::string, std::int64_t> sidecars;  // rel path → mtime_ns
    std::vector<Pending> pending{{std::string(under)}};  // directories to read, relative to root
    const bool filtered = !content.include.empty() || !content.exclude.empty();
    while (!pending.empty()) {
        const Pending next = std::move(pending.back());
        const std::string& dir = next.rel;
        pending.pop_back();
        if (before_listing) before_listing(dir);
        articles.clear();
        folders.clear();
        links.clear();
        sidecars.clear();
        // The root may be reached through a symlink (it is configured); folders below it not.
        const int flags = O_RDONLY | O_DIRECTORY | O_CLOEXEC | (dir.empty() ? 0 : O_NOFOLLOW);
        const int fd = ::open((dir.empty() ? root : root / dir).c_str(), flags);
        DIR* handle = fd < 0 ? nullptr : ::fdopendir(fd);
        if (!handle) {
            const int err = errno;
            if (fd >= 0) ::close(fd);
            if (!next.resources) {
                problems.push_back(
                    {dir, 0, "cannot read directory: " + errno_text(err), Severity::error});
            }
            continue;
        }
        const std::unique_ptr<DIR, int (*)(DIR*)> guard(handle, ::closedir);
        bool bundle = false;  // this folder holds index.md or index.markdown
        while (true) {
            errno = 0;
            const dirent* entry = ::readdir(handle);
            if (!entry) {
                if (errno != 0 && !next.resources) {
                    problems.push_back(
                        {dir, 0, "cannot read directory: " + errno_text(errno), Severity::error});
                }
                break;
            }
            const std::string_view name = entry->d_name;
            // Also "." and ".."; '_' names are never listed (_posts is a folder).
            if (is_skipped_name(name, true)) continue;
            unsigned char type = entry->d_type;
            const bool article =
                !next.resources && type != DT_DIR && type != DT_LNK && is_article_name(name);
            const bool sidecar =
                !next.resources && type != DT_DIR && type != DT_LNK && is_sidecar_name(name);
            struct stat st {};
            const bool name_will_do = listing == Listing::names_only && article && type == DT_REG;
            if (!name_will_do && (type == DT_UNKNOWN || article || sidecar)) {
                if (::fstatat(fd, entry->d_name, &st, AT_SYMLINK_NOFOLLOW) != 0) {
                    if (article) {
                        problems.push_back(
                            {dir.empty() ? std::string(name) : dir + "/" + std::string(name), 0,
                             "cannot stat: " + errno_text(errno), Severity::error});
                    }
                    continue;
                }
                type = S_ISDIR(st.st_mode)   ? DT_DIR
                       : S_ISLNK(st.st_mode) ? DT_LNK
                       : S_ISREG(st.st_mode) ? DT_REG
                                             : DT_UNKNOWN;
            }
            if (next.resources && type != DT_DIR) continue;
            std::string rel = dir.empty() ? std::string(name) : dir + "/" + std::string(name);
            if (type == DT_LNK) {
                links.push_back(std::move(rel));
            } else if (type == DT_DIR) {
                folders.push_back(std::move(rel));
            } else if (type == DT_REG) {
                if (is_article_name(name)) {
                    if (!dir.empty() && is_index_name(name)) bundle = true;
                    articles.push_back({std::move(rel), st});
                } else if (is_sidecar_name(name)) {
                    sidecars.emplace(std::move(rel), mtime_ns(st));
                }
            }
        }

        // The folders below: a page bundle's and asset folders hold resources only.
        if (!folders.empty()) {
            std::unordered_set<std::string_view> owners;  // articles that may own a folder
            if (!bundle) {
                for (const auto& a : articles) {
                    // Lower case only, as stamp_source's is_asset_folder.
                    if (a.rel.ends_with(".md") || a.rel.ends_with(".markdown") ||
                        a.rel.ends_with(".html") || a.rel.ends_with(".htm"))
                        owners.insert(a.rel);
                }
            }
            for (auto& folder : folders) {
                const auto slash = folder.rfind('/');
                const std::string owner =
                    folder.substr(0, slash == std::string::npos ? 0 : slash + 1) +
                    asset_folder_owner(std::string_view(folder).substr(
                        slash == std::string::npos ? 0 : slash + 1));
                const bool resources =
                    next.resources || bundle || owners.contains(folder + ".md") ||
                    owners.contains(folder + ".markdown") || owners.contains(owner + ".html") ||
                    owners.contains(owner + ".htm");
                // Listed only for the watcher's sake.
                if (resources && !before_listing) continue;
                pending.push_back({std::move(folder), resources});
            }
        }
        if (next.resources) continue;
        if (bundle) {
            std::erase_if(articles, [](const Listed& a) {
                return !is_index_name(std::string_view(a.rel).substr(a.rel.rfind('/') + 1));
            });
        }
        for (auto& link : links) {
            // Said only where an article could be, as the live path (is_article_path) says it.
            const auto slash = link.rfind('/');
            if (bundle && !is_index_name(std::string_view(link).substr(
                              slash == std::string::npos ? 0 : slash + 1)))
                continue;
            if (filtered && !included(content, link)) continue;
            problems.push_back({std::move(link), 0, "symlink not followed", Severity::warning});
        }

        std::vector<SourceStamp> stamps;
        stamps.reserve(articles.size());
        std::unordered_set<std::string_view> sidecars_used;
        for (auto& [rel, st] : articles) {
            SourceStamp stamp;
            stamp.mtime_ns = mtime_ns(st);
            stamp.size = static_cast<std::uintmax_t>(st.st_size);
            stamp.inode = static_cast<std::uintmax_t>(st.st_ino);
            const auto side =
                sidecars.empty() ? sidecars.end() : sidecars.find(without_extension(rel) + ".yaml");
            if (side != sidecars.end()) {
                stamp.sidecar_mtime_ns = side->second;
                sidecars_used.insert(side->first);
            }
            stamp.path = std::move(rel);
            // After pairing: an excluded article's sidecar is not a sidecar without an article.
            if (filtered && !included(content, stamp.path)) continue;
            stamps.push_back(std::move(stamp));
        }
        for (const auto& [side, mtime] : sidecars) {
            if (!bundle && !sidecars_used.contains(side)) {
                problems.push_back({side, 0,
                                    "sidecar without an article (no .md, .markdown, .txt, "
                                    ".html or .htm of the same name); ignored",
                                    Severity::warning});
            }
        }
        if (!stamps.empty()) on_folder(std::move(stamps));
    }
}

}  // namespace

std::vector<SourceStamp> list_sources(const ContentConfig& content, std::vector<Problem>& problems,
                                      std::string_view under, Listing listing,
                                      const FolderHook& before_listing) {
    std::vector<SourceStamp> stamps;
    walk_sources(
        content, problems, under, listing,
        [&](std::vector<SourceStamp> folder) {
            stamps.insert(stamps.end(), std::make_move_iterator(folder.begin()),
                          std::make_move_iterator(folder.end()));
        },
        before_listing);
    std::sort(stamps.begin(), stamps.end(),
              [](const SourceStamp& a, const SourceStamp& b) { return a.path < b.path; });
    return stamps;
}

namespace {

// The content directory, opened once for a batch of reads; AT_FDCWD and absolute paths when it
// cannot be opened (each read then reports its own error).
class ContentDir {
  public:
    explicit ContentDir(const fs::path& dir)
        : fd_(::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC)), dir_(dir) {}
    ~ContentDir() {
        if (fd_ >= 0) ::close(fd_);
    }
    ContentDir(const ContentDir&) = delete;
    ContentDir& operator=(const ContentDir&) = delete;

    int fd() const { return fd_; }
    const fs::path& path() const { return dir_; }

  private:
    int fd_;
    const fs::path& dir_;
};

// Reads files of the content directory for one thread, relative to the folder of the last one
// read: a batch comes sorted by path, so most files are opened by name in a folder already open
// rather than by walking their whole path from the root again.
class FolderReader {
  public:
    explicit FolderReader(const ContentDir& root) : root_(root) {}
    ~FolderReader() {
        if (fd_ >= 0) ::close(fd_);
    }
    FolderReader(const FolderReader&) = delete;
    FolderReader& operator=(const FolderReader&) = delete;

    std::expected<std::string, std::string> read(const std::string& rel, std::uintmax_t max_bytes,
                                                 struct stat* st, std::string reuse = {}) {
        if (root_.fd() < 0)
            return read_whole(AT_FDCWD, (root_.path() / rel).c_str(), max_bytes, st,
                              std::move(reuse));
        const auto slash = rel.rfind('/');
        if (slash == std::string::npos)
            return read_whole(root_.fd(), rel.c_str(), max_bytes, st, std::move(reuse));
        const std::string_view folder(rel.data(), slash);
        if (fd_ < 0 || folder != folder_) {
            if (fd_ >= 0) ::close(fd_);
            folder_.assign(folder);
            fd_ = ::openat(root_.fd(), folder_.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC);
            // A folder that cannot be opened: the whole path gives the file's own error.
            if (fd_ < 0)
                return read_whole(root_.fd(), rel.c_str(), max_bytes, st, std::move(reuse));
        }
        return read_whole(fd_, rel.c_str() + slash + 1, max_bytes, st, std::move(reuse));
    }

    // The last article's bytes, kept for their capacity: most articles fit in it, and a first
    // scan then allocates no buffer per file.
    std::string scratch;

  private:
    const ContentDir& root_;
    std::string folder_;
    int fd_ = -1;
};

bool is_web_page_name(std::string_view path) {
    return has_extension(path, ".html") || has_extension(path, ".htm");
}

ReadOutcome read_article_in(FolderReader& dir, const ContentConfig& content,
                            const SourceStamp& stamp, Detail detail, KeptBodies* keep = nullptr) {
    ReadOutcome out;
    out.stamp = stamp;
    SourceFile source;
    source.path = stamp.path;
    struct stat st {};
    auto bytes = dir.read(stamp.path, content.max_file_bytes, &st, std::move(dir.scratch));
    if (!bytes) {
        out.problems.push_back({stamp.path, 0, bytes.error(), Severity::error});
        return out;
    }
    out.stamp.mtime_ns = mtime_ns(st);
    out.stamp.size = static_cast<std::uintmax_t>(st.st_size);
    out.stamp.inode = static_cast<std::uintmax_t>(st.st_ino);
    source.bytes = std::move(*bytes);
    source.mtime =
        std::chrono::floor<std::chrono::seconds>(std::chrono::sys_time<std::chrono::nanoseconds>(
            std::chrono::nanoseconds(out.stamp.mtime_ns)));
    if (stamp.sidecar_mtime_ns >= 0) {
        const std::string side = without_extension(stamp.path) + ".yaml";
        auto side_bytes = dir.read(side, content.max_file_bytes, nullptr);
        if (side_bytes) {
            source.sidecar = std::move(*side_bytes);
        } else if (std::error_code ec; fs::exists(fs::symlink_status(content.dir / side, ec))) {
            // Removed since listing: read without it (the watcher triggers another rebuild).
            out.problems.push_back({side, 0, side_bytes.error(), Severity::error});
            return out;
        }
    }
    const bool page_in_full = keep && detail == Detail::metadata && is_web_page_name(stamp.path);
    auto parsed = parse_article(source, content, page_in_full ? Detail::full : detail);
    dir.scratch = std::move(source.bytes);
    out.problems = std::move(parsed.problems);
    if (parsed.article) {
        attach_episode_files(content, *parsed.article, out.problems);
        if (page_in_full) {
            if (!parsed.article->content_html.empty() && keep->worth_offering(*parsed.article)) {
                auto full = std::make_shared<Article>(*parsed.article);
                full->digest = article_digest(*full);
                keep->offer({out.stamp, std::move(full)});
            }
            std::string().swap(parsed.article->content_html);  // the outcome is metadata only
        }
        parsed.article->digest = article_digest(*parsed.article);  // on the worker threads
        out.article = std::make_shared<Article>(std::move(*parsed.article));
    }
    return out;
}

}  // namespace

ParseOutcome read_article(const ContentConfig& content, const SourceStamp& stamp, Detail detail) {
    const ContentDir root(content.dir);
    FolderReader reader(root);
    auto read = read_article_in(reader, content, stamp, detail);
    ParseOutcome out;
    if (read.article) out.article = std::move(*read.article);
    out.problems = std::move(read.problems);
    return out;
}

KeptBodies::KeptBodies(std::size_t count, Wanted wanted, Before before)
    : count_(count), wanted_(std::move(wanted)), before_(std::move(before)) {}

bool KeptBodies::worth_offering(const Article& metadata) const {
    return count_ > 0 && (!wanted_ || wanted_(metadata));
}

void KeptBodies::offer(Body body) {
    // A max-heap by `before`: its top is the one a newcomer that comes before it pushes out.
    const auto later_on_top = [this](const Body& a, const Body& b) {
        return before_(*a.article, *b.article);
    };
    std::lock_guard lock(mutex_);
    if (heap_.size() < count_) {
        heap_.push_back(std::move(body));
        std::push_heap(heap_.begin(), heap_.end(), later_on_top);
    } else if (before_(*body.article, *heap_.front().article)) {
        std::pop_heap(heap_.begin(), heap_.end(), later_on_top);
        heap_.back() = std::move(body);  // the one pushed out is freed here
        std::push_heap(heap_.begin(), heap_.end(), later_on_top);
    }
}

std::vector<KeptBodies::Body> KeptBodies::take() {
    std::lock_guard lock(mutex_);
    return std::exchange(heap_, {});
}

std::vector<ReadOutcome> read_articles(const ContentConfig& content,
                                       const std::vector<SourceStamp>& stamps, Detail detail,
                                       unsigned threads, KeptBodies* keep) {
    std::vector<ReadOutcome> outcomes(stamps.size());
    if (threads == 0) threads = std::max(1u, std::thread::hardware_concurrency());
    // A few files per worker at least: a thread costs about as much as reading one.
    threads = static_cast<unsigned>(std::min<std::size_t>(threads, (stamps.size() + 7) / 8));
    const ContentDir dir(content.dir);
    std::atomic<std::size_t> next{0};
    auto work = [&] {
        FolderReader reader(dir);
        // Each index is read by exactly one worker and written to its own slot: no other sharing.
        for (std::size_t i; (i = next.fetch_add(1, std::memory_order_relaxed)) < stamps.size();) {
            outcomes[i] = read_article_in(reader, content, stamps[i], detail, keep);
        }
    };
    if (threads <= 1) {
        work();
        return outcomes;
    }
    {
        std::vector<std::jthread> workers;
        workers.reserve(threads - 1);
        for (unsigned t = 1; t < threads; ++t) workers.emplace_back(work);
        work();  // the calling thread is one of the workers
    }            // joined here
    return outcomes;
}

std::vector<ReadOutcome> scan_sources(const ContentConfig& content, std::vector<Problem>& problems,
                                      Detail detail, unsigned threads,
                                      const FolderHook& before_listing, KeptBodies* keep) {
    if (threads == 0) threads = std::max(1u, std::thread::hardware_concurrency());
    const ContentDir dir(content.dir);
    // Folders listed and not read yet, in small batches so that every thread has some till the
    // end (a folder of a large site holds a thousand files).
    constexpr std::size_t kBatch = 32;
    std::mutex mutex;
    std::condition_variable ready;
    std::deque<std::vector<SourceStamp>> queue;
    bool listed = false;
    std::vector<std::vector<ReadOutcome>> results(threads);
    const auto read_batches = [&](std::vector<ReadOutcome>& out) {
        FolderReader reader(dir);
        while (true) {
            std::vector<SourceStamp> batch;
            {
                std::unique_lock lock(mutex);
                ready.wait(lock, [&] { return !queue.empty() || listed; });
                if (queue.empty()) return;
                batch = std::move(queue.front());
                queue.pop_front();
            }
            for (const auto& stamp : batch)
                out.push_back(read_article_in(reader, content, stamp, detail, keep));
        }
    };
    // Tells the readers that nothing more comes, also when listing throws (out of memory):
    // otherwise they would wait forever and joining them would hang.
    const auto end_of_listing = [&] {
        {
            std::lock_guard lock(mutex);
            listed = true;
        }
        ready.notify_all();
    };
    {
        std::vector<std::jthread> workers;
        workers.reserve(threads - 1);
        for (unsigned t = 1; t < threads; ++t)
            workers.emplace_back([&, t] { read_batches(results[t]); });
        struct Finally {
            decltype(end_of_listing)& run;
            ~Finally() { run(); }
        } finally{end_of_listing};  // destroyed before `workers` are joined
        // This thread lists (names only: reading stamps each file) while the others read what is
        // listed, then reads too.
        walk_sources(
            content, problems, {}, Listing::names_only,
            [&](std::vector<SourceStamp> folder) {
                std::lock_guard lock(mutex);
                for (std::size_t at = 0; at < folder.size(); at += kBatch) {
                    const auto end = std::min(folder.size(), at + kBatch);
                    queue.emplace_back(
                        std::make_move_iterator(folder.begin() + static_cast<std::ptrdiff_t>(at)),
                        std::make_move_iterator(folder.begin() + static_cast<std::ptrdiff_t>(end)));
                }
                ready.notify_all();
            },
            before_listing);
        end_of_listing();
        read_batches(results[0]);
    }  // joined here
    // Sorted by pointer, then moved once: sorting the outcomes themselves moved each about
    // log2(n) times, and this runs on one thread while the other waits.
    std::vector<ReadOutcome*> order;
    for (auto& r : results) {
        for (auto& outcome : r) order.push_back(&outcome);
    }
    std::sort(order.begin(), order.end(), [](const ReadOutcome* a, const ReadOutcome* b) {
        return a->stamp.path < b->stamp.path;
    });
    std::vector<ReadOutcome> outcomes;
    outcomes.reserve(order.size());
    for (ReadOutcome* outcome : order) outcomes.push_back(std::move(*outcome));
    return outcomes;
}

ContentSet scan_content(const ContentConfig& content, Detail detail) {
    ContentSet set;
    auto outcomes = scan_sources(content, set.problems, detail);
    set.articles.reserve(outcomes.size());
    for (auto& outcome : outcomes) {
        if (outcome.article) set.articles.push_back(std::move(*outcome.article));
        for (auto& p : outcome.problems) set.problems.push_back(std::move(p));
    }
    std::stable_sort(set.problems.begin(), set.problems.end(),
                     [](const Problem& a, const Problem& b) {
                         if (a.path != b.path) return a.path < b.path;
                         return a.line < b.line;
                     });
    return set;
}

}  // namespace feedd
