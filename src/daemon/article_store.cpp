#include "daemon/article_store.h"

#include <sys/stat.h>

#include <algorithm>
#include <filesystem>
#include <set>

#include "content/digest.h"
#include "content/episode_files.h"
#include "feed/feed.h"

namespace feedd {
namespace {

namespace fs = std::filesystem;

bool below(std::string_view path, std::string_view folder) {
    return path.size() > folder.size() && path.starts_with(folder) && path[folder.size()] == '/';
}

std::string_view file_name(std::string_view path) {
    const auto slash = path.rfind('/');
    return slash == std::string_view::npos ? path : path.substr(slash + 1);
}

bool inside_ignored_folder(std::string_view path) {
    for (std::size_t start = 0, end; (end = path.find('/', start)) != std::string_view::npos;
         start = end + 1) {
        if (is_ignored_name(path.substr(start, end - start))) return true;
    }
    return false;
}

// An article as the store keeps it: unchanging from now on (read_articles set its digest).
std::shared_ptr<const Article> held(Article article) {
    if (article.digest == 0) article.digest = article_digest(article);
    return std::make_shared<const Article>(std::move(article));
}

std::string folder_of(std::string_view path) {
    const auto slash = path.rfind('/');
    return std::string(slash == std::string_view::npos ? std::string_view{}
                                                       : path.substr(0, slash));
}

// What an article's episode files (the enclosure, transcript, chapters and image it took facts
// from) are now: a hash of each one's path, size, mtime and inode, or of its absence; 0 for an
// article with none. Taken right after a read, so a file replaced between the read and this stat
// is missed here, but not by the watcher, whose event comes after.
std::uint64_t episode_files_stamp(const fs::path& dir, const Article* article) {
    if (!article) return 0;
    std::vector<const std::string*> files;
    if (article->enclosure && !article->enclosure->file.empty())
        files.push_back(&article->enclosure->file);
    const Episode& episode = *article->episode;
    for (const std::string* file :
         {&episode.transcript.file, &episode.chapters.file, &episode.image_file}) {
        if (!file->empty()) files.push_back(file);
    }
    if (files.empty()) return 0;
    Hasher h;
    for (const std::string* file : files) {
        h.field(*file);
        struct stat st {};
        if (::stat((dir / *file).c_str(), &st) == 0) {
            h.number(static_cast<std::uint64_t>(st.st_size));
            h.number(static_cast<std::uint64_t>(st.st_mtim.tv_sec) * 1000000000u +
                     static_cast<std::uint64_t>(st.st_mtim.tv_nsec));
            h.number(static_cast<std::uint64_t>(st.st_ino));
        } else {
            h.number(~std::uint64_t{0});  // gone
        }
    }
    return h.value() | 1;  // never 0, which means "none"
}

bool same_site_suffix(const std::shared_ptr<const Article>& a,
                      const std::shared_ptr<const Article>& b) {
    return a && b && !a->title_site_suffix.empty() && a->title_site_suffix == b->title_site_suffix;
}

}  // namespace

ArticleStore::ArticleStore(ContentConfig content) : content_(std::move(content)) {}

// Every change of entries_ goes through put and erase, which keep the planner, the problem
// count and the site suffixes in step.
void ArticleStore::put(const std::string& path, Entry entry) {
    // The version it replaces leaves first. A new version with the same site suffix keeps its
    // place in the count (the folder's other pages keep their titles).
    bool replaced = false, same_suffix = false;
    if (!entries_.empty() && !(entries_.rbegin()->first < path)) {
        if (const auto old = entries_.find(path); old != entries_.end()) {
            same_suffix = same_site_suffix(old->second.article, entry.article);
            erase(old, /*gone=*/false, /*uncount=*/!same_suffix);
            replaced = true;
        }
    }
    if (same_suffix) {
        const auto& paths = site_suffixes_[{folder_of(path), entry.article->title_site_suffix}];
        const bool removed = paths.size() >= 2;
        if (entry.article->site_suffix_removed != removed)
            entry.article =
                std::make_shared<const Article>(with_site_suffix(*entry.article, removed));
    } else if (entry.article && !entry.article->title_site_suffix.empty()) {
        entry.article = count_site_suffix(path, std::move(entry.article));
    }
    problem_count_ += entry.problems.size();
    if (planner_ && entry.article) planner_->add(entry.article.get());
    // A first scan puts paths in order: after the last one, with no search of 100k keys. Renames
    // are looked for only among later arrivals: a first scan has nothing that left before it.
    if (entries_.empty() || entries_.rbegin()->first < path) {
        if (!gone_.empty() && entry.article) arrived_.push_back(path);
        entries_.emplace_hint(entries_.end(), path, std::move(entry));
        return;
    }
    const auto at = entries_.lower_bound(path);
    if (!replaced && !gone_.empty() && entry.article) arrived_.push_back(path);
    entries_.emplace_hint(at, path, std::move(entry));
}

std::shared_ptr<const Article> ArticleStore::count_site_suffix(
    const std::string& path, std::shared_ptr<const Article> article) {
    auto& paths = site_suffixes_[{folder_of(path), article->title_site_suffix}];
    paths.insert(path);
    if (paths.size() < 2) return article;
    if (paths.size() == 2) {
        for (const auto& other : paths) {
            if (other != path) set_site_suffix(other, true);
        }
    }
    if (article->site_suffix_removed) return article;
    return std::make_shared<const Article>(with_site_suffix(*article, true));
}

void ArticleStore::uncount_site_suffix(const std::string& path, const Article& article) {
    const auto found = site_suffixes_.find({folder_of(path), article.title_site_suffix});
    if (found == site_suffixes_.end()) return;
    found->second.erase(path);
    if (found->second.size() == 1) {
        set_site_suffix(*found->second.begin(), false);
    } else if (found->second.empty()) {
        site_suffixes_.erase(found);
    }
}

void ArticleStore::set_site_suffix(const std::string& path, bool removed) {
    const auto found = entries_.find(path);
    if (found == entries_.end() || !found->second.article ||
        found->second.article->site_suffix_removed == removed)
        return;
    auto changed =
        std::make_shared<const Article>(with_site_suffix(*found->second.article, removed));
    if (planner_) planner_->remove(found->second.article.get());
    found->second.article = std::move(changed);
    if (planner_) planner_->add(found->second.article.get());
}

ArticleStore::Entries::iterator ArticleStore::erase(Entries::iterator it, bool gone, bool uncount) {
    problem_count_ -= it->second.problems.size();
    if (planner_ && it->second.article) planner_->remove(it->second.article.get());
    if (uncount && it->second.article && !it->second.article->title_site_suffix.empty())
        uncount_site_suffix(it->first, *it->second.article);
    if (gone && it->second.article) {
        gone_.push_back({identity_fingerprint(*it->second.article), it->second.article});
        if (gone_.size() > kRecentlyGone) gone_.pop_front();
    }
    return entries_.erase(it);
}

std::shared_ptr<Article> ArticleStore::with_ledger_id(std::shared_ptr<Article> article) const {
    if (!ledger_ || !article || !article->id.empty()) return article;
    if (const std::string* id = ledger_->find(article->path)) {
        article->id = *id;
        article->digest = article_digest(*article);
    }
    return article;
}

std::vector<std::string> ArticleStore::keep_identities(
    IdentityLedger& ledger, const std::function<std::string(const Article&)>& id_of) {
    std::vector<std::string> kept;
    if (arrived_.empty() || gone_.empty()) {
        arrived_.clear();
        return kept;
    }
    for (const auto& path : arrived_) {
        const auto found = entries_.find(path);
        if (found == entries_.end() || !found->second.article || !found->second.article->id.empty())
            continue;
        const Article& arrived = *found->second.article;
        const auto fingerprint = identity_fingerprint(arrived);
        // The most recent one that left (a file moved twice keeps the id it had last): newest
        // first, comparing fingerprints kept since it left, then what they stand for.
        auto match = std::find_if(gone_.rbegin(), gone_.rend(), [&](const Gone& gone) {
            return gone.article && gone.fingerprint == fingerprint &&
                   title_as_read(*gone.article) == title_as_read(arrived) &&
                   gone.article->date == arrived.date;
        });
        if (match == gone_.rend()) continue;
        std::shared_ptr<const Article> old = std::exchange(match->article, nullptr);
        if (old->path == path) continue;  // back where it was: its own rule gives it its id again
        auto id = id_of(*old);
        ledger.forget(old->path);
        ledger.assign(path, id);
        auto renamed = std::make_shared<Article>(arrived);
        renamed->id = std::move(id);
        renamed->digest = article_digest(*renamed);
        Entry entry{found->second.version, std::move(renamed), found->second.problems};
        bodies_.erase(path);
        put(path, std::move(entry));
        kept.push_back(path);
    }
    arrived_.clear();
    return kept;
}

SitePlan ArticleStore::plan(const Config& config, Seconds now) {
    if (!planner_ || SitePlanner::settings_changed(planner_config_, config)) {
        planner_ = std::make_unique<SitePlanner>(config);
        planner_config_ = config;
        for (const auto& [path, entry] : entries_) {
            if (entry.article) planner_->add(entry.article.get());
        }
    }
    return planner_->plan(now);
}

std::optional<Seconds> ArticleStore::next_publication(Seconds now) const {
    return planner_ ? planner_->next_publication(now) : std::nullopt;
}

void ArticleStore::put_all(std::vector<ReadOutcome> outcomes, StoreUpdate& update) {
    for (auto& outcome : outcomes) {
        update.new_problems.insert(update.new_problems.end(), outcome.problems.begin(),
                                   outcome.problems.end());
        const auto episode_files = episode_files_stamp(content_.dir, outcome.article.get());
        put(outcome.stamp.path,
            Entry{FileVersion::of(outcome.stamp), with_ledger_id(std::move(outcome.article)),
                  std::move(outcome.problems), episode_files});
    }
    update.read += outcomes.size();
}

KeptBodies ArticleStore::bodies_to_keep() const {
    const Seconds now = std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now());
    return KeptBodies(
        keep_while_reading_, [now](const Article& a) { return is_published(a, now); },
        // select_published's order: newest first, ties by path.
        [](const Article& a, const Article& b) {
            const auto ta = publication_time(a), tb = publication_time(b);
            return ta != tb ? ta > tb : a.path < b.path;
        });
}

void ArticleStore::put_kept(KeptBodies& kept) {
    for (auto& body : kept.take()) {
        const auto found = entries_.find(body.stamp.path);
        // Only the version the store holds now (a file read twice in one update keeps its last).
        if (found == entries_.end() || !(found->second.version == FileVersion::of(body.stamp)))
            continue;
        bodies_.insert_or_assign(found->first,
                                 Entry{found->second.version,
                                       held(std::move(*with_ledger_id(std::move(body.article)))),
                                       {}});
    }
}

StoreUpdate ArticleStore::rescan(const FolderHook& before_listing) {
    StoreUpdate update;
    std::vector<Problem> listing_problems;
    if (entries_.empty()) {
        // A first scan: everything listed is new, and it is read while the rest is listed.
        auto kept = bodies_to_keep();
        put_all(
            scan_sources(content_, listing_problems, Detail::metadata, 0, before_listing, &kept),
            update);
        put_kept(kept);
    } else {
        const auto stamps =
            list_sources(content_, listing_problems, {}, Listing::stamped, before_listing);
        std::set<std::string_view> listed;
        std::vector<SourceStamp> to_read;
        for (const auto& stamp : stamps) {
            listed.insert(stamp.path);
            const auto found = entries_.find(stamp.path);
            if (found == entries_.end() || !(found->second.version == FileVersion::of(stamp)) ||
                (found->second.episode_files != 0 &&
                 found->second.episode_files !=
                     episode_files_stamp(content_.dir, found->second.article.get()))) {
                if (found != entries_.end()) bodies_.erase(found->first);  // read with old facts
                to_read.push_back(stamp);
            }
        }
        for (auto it = entries_.begin(); it != entries_.end();) {
            if (listed.contains(it->first)) {
                ++it;
            } else {
                it = erase(it);
                ++update.removed;
            }
        }
        auto kept = bodies_to_keep();
        put_all(read_articles(content_, to_read, Detail::metadata, 0, &kept), update);
        put_kept(kept);
    }
    directory_problems_ = std::move(listing_problems);
    update.new_problems.insert(update.new_problems.begin(), directory_problems_.begin(),
                               directory_problems_.end());
    return update;
}

StoreUpdate ArticleStore::update(const std::vector<std::string>& paths) {
    StoreUpdate update;
    std::vector<SourceStamp> to_read;
    std::set<std::string>
        queued;  // a folder's listing and its files' own events may name a file twice
    // A stamp to look at: read when new or changed, dropped when gone.
    auto refresh = [&](const std::string& path) {
        if (!queued.insert(path).second) return;
        const auto stamp = stamp_source(content_, path);
        const auto found = entries_.find(path);
        if (!stamp) {
            if (found != entries_.end()) {
                erase(found);
                ++update.removed;
            }
        } else if (found == entries_.end() || !(found->second.version == FileVersion::of(*stamp))) {
            to_read.push_back(*stamp);
        }
    };
    // Everything below `folder` listed again (content/scan.h's rules decide what is an article
    // there); what it held before and is no longer listed leaves.
    auto relist = [&](const std::string& folder) {
        std::set<std::string> seen;
        for (const auto& stamp : list_sources(content_, update.new_problems, folder)) {
            seen.insert(stamp.path);
            refresh(stamp.path);
        }
        for (auto it = entries_.lower_bound(folder);
             it != entries_.end() && below(it->first, folder);) {
            if (seen.contains(it->first)) {
                ++it;
            } else {
                it = erase(it);
                ++update.removed;
            }
        }
    };
    auto is_folder = [&](const std::string& path) {
        struct stat st {};
        return ::lstat((content_.dir / path).c_str(), &st) == 0 && S_ISDIR(st.st_mode);
    };
    // A change that changes what the files around it are (docs/content.md, "Site structure"):
    // a page bundle's index file makes its folder a bundle (or no longer one), `name.md` makes
    // `name/` its asset folder (or no longer).
    auto restructure = [&](const std::string& path, std::string_view name) {
        if (is_index_name(name)) {
            const auto slash = path.rfind('/');
            if (slash != std::string::npos && is_folder(path.substr(0, slash)))
                relist(path.substr(0, slash));
        }
        if (name.ends_with(".md") || name.ends_with(".markdown") || name.ends_with(".html") ||
            name.ends_with(".htm")) {
            const auto assets = without_extension(path);
            if (is_folder(assets)) relist(assets);
            if (!name.ends_with("md") && !name.ends_with("markdown") &&
                is_folder(assets + "_files"))
                relist(assets + "_files");
        }
    };
    for (const auto& path : paths) {
        if (path.empty()) return rescan();
        const auto name = file_name(path);
        if (is_ignored_name(name) || inside_ignored_folder(path)) continue;
        struct stat st {};
        const bool exists = ::lstat((content_.dir / path).c_str(), &st) == 0;
        if (exists && S_ISDIR(st.st_mode)) {
            // A folder that appeared (or moved in, or replaced a file of that name): list it; what
            // it held before is re-checked too.
            if (const auto replaced = entries_.find(path); replaced != entries_.end()) {
                erase(replaced);
                ++update.removed;
            }
            relist(path);
        } else if (is_sidecar_name(name)) {
            const auto stem = without_extension(path);
            for (const char* extension : {".md", ".markdown", ".txt", ".html", ".htm"})
                refresh(stem + extension);
        } else if (exists && S_ISLNK(st.st_mode) && is_article_name(name)) {
            // Never followed (it may point outside the content directory), but said, as a listing
            // says it (unless it is not where an article could be).
            if (const auto found = entries_.find(path);
                found != entries_.end() && found->second.article) {
                ++update.removed;
            }
            if (is_article_path(content_, path)) {
                Problem problem{path, 0, "symlink not followed", Severity::warning};
                update.new_problems.push_back(problem);
                put(path, Entry{FileVersion{}, nullptr, {problem}});
            } else if (const auto found = entries_.find(path); found != entries_.end()) {
                erase(found);
            }
            restructure(path, name);
        } else if (is_article_name(name)) {
            refresh(path);
            restructure(path, name);
        } else if (is_episode_file_name(name)) {
            // An episode's media, transcript or chapters file (content/episode_files.h): the
            // articles it belongs to are read again, though they did not change themselves, so
            // that a replaced file's length and duration (or a new or removed one) show.
            const auto reread = [&](const std::string& article) {
                if (queued.contains(article)) return;
                if (const auto stamp = stamp_source(content_, article)) {
                    queued.insert(article);
                    to_read.push_back(*stamp);
                    // Its body was read with the old file's facts, under the same stamp.
                    bodies_.erase(article);
                }
            };
            for (const auto& article : articles_named_after(path)) {
                if (entries_.contains(article)) reread(article);
            }
            for (const auto& [article_path, entry] : entries_) {
                const Article* a = entry.article.get();
                if (a && ((a->enclosure && a->enclosure->file == path) ||
                          a->episode->transcript.file == path ||
                          a->episode->chapters.file == path || a->episode->image_file == path))
                    reread(article_path);
            }
        } else if (!exists) {
            // Whatever was there is gone; if it was a folder, so is everything below it.
            for (auto it = entries_.lower_bound(path);
                 it != entries_.end() && below(it->first, path);) {
                it = erase(it);
                ++update.removed;
            }
        }
    }
    auto kept = bodies_to_keep();
    put_all(read_articles(content_, to_read, Detail::metadata, 0, &kept), update);
    put_kept(kept);
    return update;
}

std::vector<const Article*> ArticleStore::articles() const {
    std::vector<const Article*> out;
    out.reserve(entries_.size());
    for (const auto& [path, entry] : entries_) {
        if (entry.article) out.push_back(entry.article.get());
    }
    return out;
}

std::vector<const Article*> ArticleStore::feed_articles(std::size_t limit, Seconds now,
                                                        bool with_bodies) {
    auto chosen = select_published(articles(), limit, now);
    return with_bodies ? this->with_bodies(chosen) : chosen;
}

std::vector<const Article*> ArticleStore::with_bodies(const std::vector<const Article*>& wanted) {
    // The bodies not read yet (or read from an older version of their file), read on every
    // hardware thread: a first build reads all the site feed's.
    std::vector<SourceStamp> to_read;
    std::set<std::string_view> queued;
    for (const Article* article : wanted) {
        const auto found = entries_.find(article->path);
        if (found == entries_.end()) continue;
        const auto cached = bodies_.find(article->path);
        if ((cached == bodies_.end() || !(cached->second.version == found->second.version)) &&
            queued.insert(found->first).second) {
            to_read.push_back(found->second.version.stamp(found->first));
        }
    }
    auto outcomes = read_articles(content_, to_read, Detail::full);
    for (std::size_t i = 0; i < to_read.size(); ++i) {
        if (outcomes[i].article) {
            bodies_.insert_or_assign(
                to_read[i].path,
                Entry{FileVersion::of(to_read[i]),
                      held(std::move(*with_ledger_id(std::move(outcomes[i].article)))),
                      {}});
        } else {
            // Changed or gone since it was listed: publish what is known; the watcher brings the
            // rest.
            bodies_.erase(to_read[i].path);
        }
    }

    std::vector<const Article*> out;
    out.reserve(wanted.size());
    std::map<std::string, Entry, std::less<>> kept;
    for (const Article* article : wanted) {
        if (const auto again = kept.find(article->path); again != kept.end()) {
            out.push_back(again->second.article.get());
            continue;
        }
        const auto found = entries_.find(article->path);
        const auto cached = bodies_.find(article->path);
        if (found == entries_.end() || cached == bodies_.end() ||
            !(cached->second.version == found->second.version)) {
            out.push_back(article);
            continue;
        }
        // The title the folder's site suffix count gives it now (its body was read before).
        const Article& held_now = *found->second.article;
        if (cached->second.article->site_suffix_removed != held_now.site_suffix_removed) {
            cached->second.article = std::make_shared<const Article>(
                with_site_suffix(*cached->second.article, held_now.site_suffix_removed));
        }
        out.push_back(cached->second.article.get());
        kept.insert(bodies_.extract(cached));
    }
    bodies_ = std::move(kept);
    return out;
}

std::size_t ArticleStore::problem_count() const {
    return directory_problems_.size() + problem_count_;
}

std::vector<Problem> ArticleStore::problems() const {
    std::vector<Problem> out = directory_problems_;
    for (const auto& [path, entry] : entries_)
        out.insert(out.end(), entry.problems.begin(), entry.problems.end());
    std::stable_sort(out.begin(), out.end(), [](const Problem& a, const Problem& b) {
        if (a.path != b.path) return a.path < b.path;
        return a.line < b.line;
    });
    return out;
}

}  // namespace feedd
