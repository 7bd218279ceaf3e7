// The articles of the content directory kept in memory between rebuilds, keyed by path with the
// (mtime, size, inode) stamp they were read at: an update re-reads only the files that changed.
// Every article is held as metadata only (no body HTML); full bodies are read for, and kept for,
// just the articles the subscription feeds show (the main feed and every tag, section and author
// feed), so memory grows with the number of feeds, not with the size of the site.
// Web pages whose <title>s end with the same site name (Article::title_site_suffix, " | The
// Ledger") in two or more pages of one folder lose it here, where the folder is known: counted
// per folder as pages come and go, so one page's change re-reads no other file, and only when
// the count crosses two do the folder's other pages with that ending get a new title.
// Not thread-safe: the daemon touches a store from its build thread only.
#pragma once

#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "config/config.h"
#include "content/article.h"
#include "content/scan.h"
#include "feed/identity_ledger.h"
#include "feed/planner.h"
#include "feed/site.h"

namespace feedd {

struct StoreUpdate {
    std::size_t read = 0;               // files (re)read
    std::size_t removed = 0;            // articles that left
    std::vector<Problem> new_problems;  // problems of the files read in this update (for the log)
};

class ArticleStore {
  public:
    explicit ArticleStore(ContentConfig content);

    const ContentConfig& content() const { return content_; }

    // Lists the whole directory and re-reads what changed since the last look (the first call reads
    // all). `before_listing` is called with each folder before it is listed (content/scan.h's
    // FolderHook).
    StoreUpdate rescan(const FolderHook& before_listing = {});
    // Looks only at these paths (relative to content.dir; a folder stands for everything below it).
    StoreUpdate update(const std::vector<std::string>& paths);

    // While reading web pages for their metadata, keeps the bodies of the `count` a feed would
    // show first (content/scan.h's KeptBodies) for with_bodies(), which then need not read them
    // again: a first build reads each page once. 0 (the default): no body is kept.
    void keep_bodies_while_reading(std::size_t count) { keep_while_reading_ = count; }

    // Articles read from now on take their id from `ledger` (when their metadata sets none):
    // docs/identity.md. Null: no ledger. The ledger must outlive the store, or the next call.
    void use_ledger(const IdentityLedger* ledger) { ledger_ = ledger; }
    // An article that appeared under a new path since the last call, with no id of its own or from
    // the ledger, and that is the same article (identity_fingerprint) as one that left (since the
    // last call, or before: the last kRecentlyGone that left while this store lived) keeps the id
    // that one had: `id_of` says what it was (its Entry::id), `ledger` records it for the new path
    // (and forgets the old path), and the held article takes it. Returns the paths that kept one.
    std::vector<std::string> keep_identities(
        IdentityLedger& ledger, const std::function<std::string(const Article&)>& id_of);
    static constexpr std::size_t kRecentlyGone = 10000;

    // Every article held (drafts and future ones included), metadata only, in path order.
    // Valid until the next update.
    std::vector<const Article*> articles() const;
    // The articles a feed of `limit` entries shows at `now`, in feed order, with their full bodies
    // when `with_bodies`. Valid until the next call or update.
    std::vector<const Article*> feed_articles(std::size_t limit, Seconds now, bool with_bodies);
    // The same articles (pointers from articles()) read in full, in the same order; an article
    // that cannot be read now stays as it is. Bodies are kept for exactly these articles until the
    // next call, so a rebuild re-reads only what changed or newly appears in a feed.
    // Valid until the next call or update.
    std::vector<const Article*> with_bodies(const std::vector<const Article*>& wanted);

    // What the feeds show at `now` (plan_site over articles()), kept up to date by every update
    // rather than recomputed (feed/planner.h).
    SitePlan plan(const Config& config, Seconds now);
    // When the next scheduled article is due after `now` (as of the last plan).
    std::optional<Seconds> next_publication(Seconds now) const;
    // Problems of the directory and of every file, sorted by path then line.
    std::vector<Problem> problems() const;
    std::size_t problem_count() const;
    std::size_t size() const { return entries_.size(); }
    // The previous build's documents, so the next build renders only the feeds whose articles
    // changed (render_plan). Kept here because the store is what lives from one build to the next.
    RenderCache& render_cache() { return render_cache_; }

  private:
    // A SourceStamp without its path, which is the entry's key: a site of 100k articles would
    // hold every path twice (three times with Article::path).
    struct FileVersion {
        std::int64_t mtime_ns = 0;
        std::uintmax_t size = 0;
        std::uintmax_t inode = 0;
        std::int64_t sidecar_mtime_ns = -1;
        static FileVersion of(const SourceStamp& s) {
            return {s.mtime_ns, s.size, s.inode, s.sidecar_mtime_ns};
        }
        SourceStamp stamp(std::string path) const {
            return {std::move(path), mtime_ns, size, inode, sidecar_mtime_ns};
        }
        bool operator==(const FileVersion&) const = default;
    };
    struct Entry {
        FileVersion version;
        std::shared_ptr<const Article> article;  // shared with documents deferred by past builds
        std::vector<Problem> problems;
        // The article's episode files as they were after it was read (episode_files_stamp in
        // the .cpp; 0: it has none), for rescan(): a media file replaced while the watcher missed
        // it (an overflow) changes no stamp of the article's own.
        std::uint64_t episode_files = 0;
    };

    using Entries = std::map<std::string, Entry, std::less<>>;
    // Each outcome becomes its path's entry; its problems are reported in `update`.
    void put_all(std::vector<ReadOutcome> outcomes, StoreUpdate& update);
    // A KeptBodies for a read that starts now (count 0 when none is to be kept).
    KeptBodies bodies_to_keep() const;
    // What a read kept, as bodies_ for with_bodies() (after put_all of the same read).
    void put_kept(KeptBodies& kept);
    void put(const std::string& path, Entry entry);
    // `gone`: the article left the site (not replaced by a newer read of its file). `uncount`:
    // its site suffix leaves its folder's count.
    Entries::iterator erase(Entries::iterator it, bool gone = true, bool uncount = true);
    // The article as the ledger has it.
    std::shared_ptr<Article> with_ledger_id(std::shared_ptr<Article> article) const;
    // Counts the site suffix of the article about to be put at `path` in its folder and returns
    // the article with it removed when the folder has two or more pages ending with it (the
    // page that makes two removes it from the other page too).
    std::shared_ptr<const Article> count_site_suffix(const std::string& path,
                                                     std::shared_ptr<const Article> article);
    // The article at `path` leaves its folder's count; the page left alone gets its suffix back.
    void uncount_site_suffix(const std::string& path, const Article& article);
    // The held article at `path` with its site suffix removed or kept (the planner follows).
    void set_site_suffix(const std::string& path, bool removed);

    ContentConfig content_;
    Entries entries_;
    std::size_t problem_count_ = 0;         // of all entries
    std::unique_ptr<SitePlanner> planner_;  // made by the first plan()
    Config planner_config_;
    std::map<std::string, Entry, std::less<>> bodies_;  // full reads of the articles feeds show
    std::size_t keep_while_reading_ = 0;
    std::vector<Problem> directory_problems_;  // from the last full listing
    RenderCache render_cache_;
    const IdentityLedger* ledger_ = nullptr;
    std::vector<std::string> arrived_;  // paths new to the store since keep_identities
    struct Gone {
        std::uint64_t fingerprint = 0;           // identity_fingerprint, made once as it leaves
        std::shared_ptr<const Article> article;  // null once another file took its id
    };
    std::deque<Gone> gone_;  // articles that left, newest last
    // (folder, title_site_suffix) → the paths of the pages in that folder whose title ends with it.
    std::map<std::pair<std::string, std::string>, std::set<std::string>> site_suffixes_;
};

}  // namespace feedd
