// The content directory: which files are articles, and reading them all.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "config/config.h"
#include "content/article.h"

namespace feedd {

// What identifies one version of an article file on disk (a rebuild re-reads it only when this
// changes).
struct SourceStamp {
    std::string path;  // relative to content.dir
    std::int64_t mtime_ns = 0;
    std::uintmax_t size = 0;
    std::uintmax_t inode = 0;
    std::int64_t sidecar_mtime_ns = -1;  // -1: no sidecar
    bool operator==(const SourceStamp&) const = default;
};

struct ContentSet {
    std::vector<Article>
        articles;  // every article read, drafts and future ones included, sorted by path
    std::vector<Problem> problems;  // sorted by path, then line
};

// Lists the article files under content.dir (recursively; hidden, temporary and editor backup files
// are skipped; symlinks are not followed). Problems with the directory itself go to `problems`.
// `under` (relative to content.dir, '/'-separated) limits the listing to that folder's subtree.
// With Listing::names_only, article files are not stat'ed (their stamps hold only the path; reading
// them fills in the rest): what a first scan needs, at one system call less per file.
enum class Listing { stamped, names_only };
// `before_listing`, when set, is called on the listing thread with each folder (relative to
// content.dir, "" for content.dir itself) just before it is listed: a watcher that starts watching
// it there misses nothing the listing does not see.
using FolderHook = std::function<void(const std::string& folder)>;
std::vector<SourceStamp> list_sources(const ContentConfig& content, std::vector<Problem>& problems,
                                      std::string_view under = {},
                                      Listing listing = Listing::stamped,
                                      const FolderHook& before_listing = {});

// Whether `path` (relative to content.dir) is where an article file would be read: its name, the
// folders on its way (site structure, below) and content.include / content.exclude. Looks at the
// folders around it (a few lstat calls per level), not at the file itself.
bool is_article_path(const ContentConfig& content, std::string_view path);

// The stamp of one article file now; nullopt when it is not (or no longer) an article file.
std::optional<SourceStamp> stamp_source(const ContentConfig& content, std::string_view path);

// File-name rules shared with whoever watches the directory.
bool is_ignored_name(std::string_view name);  // hidden, temporary and editor backup files
bool is_article_name(std::string_view name);  // .md, .markdown, .txt, .html, .htm
bool is_sidecar_name(std::string_view name);  // .yaml

// Site structure as generators see it (docs/content.md, "Site structure"); list_sources and
// stamp_source apply all of it, and content.include / content.exclude:
// - names starting with '_' are skipped (a Hugo section page `_index.md`, Jekyll's `_drafts/`,
//   `_layouts/`, ...), except the folder `_posts`;
// - a folder holding `index.md` or `index.markdown` is a page bundle: that file is its article,
//   everything else in it and below it a resource;
// - a folder `name/` beside `name.md`, `name.markdown`, `name.html` or `name.htm` is that
//   article's asset folder: nothing in it is an article; so is `name_files/` beside `name.html`
//   or `name.htm` (where a browser's "Save page as" puts a page's images, styles and frames).
bool is_skipped_name(std::string_view name, bool folder);  // is_ignored_name, or the '_' rule
bool is_index_name(std::string_view name);                 // index.md, index.markdown
// "Page_files" → "Page" (the saved page that owns that folder); any other name as it is.
std::string asset_folder_owner(std::string_view folder_name);
// "posts/trip/index.md" → "posts/trip" (a page bundle is its folder); "posts/a.md" → "posts/a".
// What the article's default link and id are made of (site.permalink's {path}).
std::string page_path(std::string_view article_path);
// Whether the article is a page bundle's index file (its body's relative links are relative to
// the bundle's folder).
bool is_bundle_index(std::string_view article_path);
// "news/a.yaml" → "news/a": the part an article and its sidecar share.
std::string without_extension(std::string_view path);

// Reads one listed file (and its sidecar) from disk and parses it.
ParseOutcome read_article(const ContentConfig& content, const SourceStamp& stamp,
                          Detail detail = Detail::full);

// A parse outcome (the article on the heap, ready to share: a first scan holds ten thousands
// of them at once) with the stamp of the file as it was read (from the open file: what the
// article was made of, even if the file changed since it was listed).
struct ReadOutcome {
    std::shared_ptr<Article> article;  // null when the file was skipped
    std::vector<Problem> problems;
    SourceStamp stamp;
};

// The bodies a metadata read keeps for the articles a feed shows in full (ArticleStore): once a
// web page is parsed for its metadata, its body costs little more (the extraction that finds its
// summary is most of the work), while reading the page again for the feed costs all of it. A
// metadata read given a KeptBodies reads web pages in full, hands each body `wanted` accepts to
// offer(), and keeps the bodies of the `count` pages that come first by `before` (a feed's order),
// dropping every other as soon as it is read or pushed out: at most `count` are held at once,
// besides the one each reading thread holds. The outcomes themselves carry no body. Markdown and
// text articles are not kept: reading a few again costs less than rendering every body of a site.
class KeptBodies {
  public:
    using Wanted = std::function<bool(const Article&)>;
    using Before = std::function<bool(const Article&, const Article&)>;
    KeptBodies(std::size_t count, Wanted wanted, Before before);

    struct Body {
        SourceStamp stamp;                 // the file as it was read
        std::shared_ptr<Article> article;  // in full, digest set
    };
    // Whether a page's body is worth offering (count > 0 and `wanted` accepts it). Thread-safe.
    bool worth_offering(const Article& metadata) const;
    // Keeps `body` if it is among the first `count` offered so far. Thread-safe.
    void offer(Body body);
    // The bodies kept, leaving this empty.
    std::vector<Body> take();

  private:
    std::size_t count_;
    Wanted wanted_;
    Before before_;
    std::mutex mutex_;
    std::vector<Body> heap_;  // the last by `before` on top
};

// read_article for each stamp, on `threads` threads (0: one per hardware thread, the caller's
// included). Outcomes are in the order of `stamps`. Articles come with their digest set.
// With `keep` (and Detail::metadata), web pages' bodies are offered to it.
std::vector<ReadOutcome> read_articles(const ContentConfig& content,
                                       const std::vector<SourceStamp>& stamps, Detail detail,
                                       unsigned threads = 0, KeptBodies* keep = nullptr);

// list_sources (names only) + read_articles for a first scan, overlapped: the calling thread lists
// the folders while the other threads read the files of the folders already listed. Outcomes are
// sorted by path; each carries its file's path and stamp. Listing problems go to `problems`.
// `before_listing` as for list_sources.
std::vector<ReadOutcome> scan_sources(const ContentConfig& content, std::vector<Problem>& problems,
                                      Detail detail, unsigned threads = 0,
                                      const FolderHook& before_listing = {},
                                      KeptBodies* keep = nullptr);

// list_sources + read_articles.
ContentSet scan_content(const ContentConfig& content, Detail detail = Detail::full);

}  // namespace feedd
