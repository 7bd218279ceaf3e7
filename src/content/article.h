// An article as read from one file of the content directory, and the problems found reading it.
// Everything here is plain values: no I/O, no clock.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "config/config.h"

namespace feedd {

using Seconds = std::chrono::sys_seconds;

struct Enclosure {
    // As written (may be relative to the article's link); empty when `file` was found by name.
    std::string url;
    std::uint64_t length = 0;
    std::string type;
    // A media file of the content directory (relative to content.dir, '/'-separated): the feed
    // stage makes its URL (podcast.media_url or site.url + podcast.media_path), and `length`,
    // `type` and `duration_s` were read from the file. Empty for a URL.
    std::string file;
    std::optional<std::int64_t> duration_s;  // whole seconds, rounded; unknown: nullopt
    bool operator==(const Enclosure&) const = default;
};

// A transcript or chapters file of an episode: a URL as written, or a file beside the article.
struct EpisodeLink {
    std::string url;   // as written (relative ones are relative to the article's link)
    std::string file;  // relative to content.dir, when `url` names a file or one was found
    std::string type;  // MIME type ("text/vtt", "application/json+chapters"), empty: unknown
    bool empty() const { return url.empty() && file.empty(); }
    bool operator==(const EpisodeLink&) const = default;
};

// podcast:person (Podcasting 2.0).
struct EpisodePerson {
    std::string name;
    std::string role;   // "host", "guest", ... (the namespace's taxonomy); empty: host
    std::string group;  // empty: cast
    std::string href;
    std::string img;
    bool operator==(const EpisodePerson&) const = default;
};

// podcast:soundbite: a part of the episode an app may play as a preview.
struct Soundbite {
    double start_s = 0;
    double duration_s = 0;
    std::string title;
    bool operator==(const Soundbite&) const = default;
};

// What an article says about itself as a podcast episode (docs/podcasts.md); all optional.
struct Episode {
    std::optional<long long> episode;
    std::optional<long long> season;
    std::string episode_type;              // full | trailer | bonus; empty: not said
    std::optional<bool> explicit_content;  // empty: the show's
    EpisodeLink transcript;
    EpisodeLink chapters;
    std::vector<EpisodePerson> persons;
    std::vector<Soundbite> soundbites;
    // Article::image when it is a file beside the article (podcast: served with the media).
    std::string image_file;
    bool empty() const { return *this == Episode{}; }
    bool operator==(const Episode&) const = default;
};

// An Episode kept out of line, and only when it says something: most articles are no episode,
// and inline it would add some 400 bytes to every one of them (the store keeps them all; the
// 10k-article memory target of docs/benchmarks.md). Reads see an empty Episode when there is none.
class EpisodeBox {
  public:
    EpisodeBox() = default;
    EpisodeBox(const EpisodeBox& other) { *this = *other; }
    EpisodeBox& operator=(const EpisodeBox& other) {
        if (this != &other) *this = *other;
        return *this;
    }
    EpisodeBox(EpisodeBox&&) noexcept = default;
    EpisodeBox& operator=(EpisodeBox&&) noexcept = default;
    EpisodeBox& operator=(Episode episode) {
        if (episode.empty())
            held_.reset();
        else
            held_ = std::make_unique<Episode>(std::move(episode));
        return *this;
    }
    const Episode& operator*() const { return held_ ? *held_ : kNone; }
    const Episode* operator->() const { return &**this; }
    bool operator==(const EpisodeBox& other) const { return **this == *other; }

  private:
    static inline const Episode kNone{};
    std::unique_ptr<Episode> held_;
};

// An optional value kept out of line: an std::optional with the interface the code uses, whose
// empty state costs a pointer. For what few articles have (an enclosure) and would otherwise make
// every article the store keeps larger (the 10k-article memory target, docs/benchmarks.md).
template <class T>
class OutOfLine {
  public:
    OutOfLine() = default;
    OutOfLine(std::nullopt_t) {}
    OutOfLine(T value) : held_(std::make_unique<T>(std::move(value))) {}
    OutOfLine(std::optional<T> value) { *this = std::move(value); }
    OutOfLine(const OutOfLine& other)
        : held_(other.held_ ? std::make_unique<T>(*other.held_) : nullptr) {}
    OutOfLine(OutOfLine&&) noexcept = default;
    OutOfLine& operator=(const OutOfLine& other) {
        if (this != &other) held_ = other.held_ ? std::make_unique<T>(*other.held_) : nullptr;
        return *this;
    }
    OutOfLine& operator=(OutOfLine&&) noexcept = default;
    OutOfLine& operator=(std::optional<T> value) {
        held_ = value ? std::make_unique<T>(std::move(*value)) : nullptr;
        return *this;
    }
    OutOfLine& operator=(T value) {
        held_ = std::make_unique<T>(std::move(value));
        return *this;
    }
    OutOfLine& operator=(std::nullopt_t) {
        held_.reset();
        return *this;
    }

    bool has_value() const { return held_ != nullptr; }
    explicit operator bool() const { return has_value(); }
    T& operator*() { return *held_; }
    const T& operator*() const { return *held_; }
    T* operator->() { return held_.get(); }
    const T* operator->() const { return held_.get(); }
    void reset() { held_.reset(); }
    template <class... Args>
    T& emplace(Args&&... args) {
        held_ = std::make_unique<T>(std::forward<Args>(args)...);
        return *held_;
    }
    bool operator==(const OutOfLine& other) const {
        return has_value() == other.has_value() && (!has_value() || *held_ == *other.held_);
    }

  private:
    std::unique_ptr<T> held_;
};

// Where an article's publication date came from: its metadata, else a "YYYY-MM-DD" its file name
// starts with (a page bundle's folder name for index.md), a "YYYY/MM/DD" in its path, one in its
// metadata's url, and only then the file's modification time.
enum class DateSource { metadata, file_name, path, url, mtime };

// Deferred documents hold the articles they will show through shared_from_this (feed/site.h), so
// an article the store keeps (in a shared_ptr) lives as long as any of them may still render it.
struct Article : std::enable_shared_from_this<Article> {
    std::string path;  // relative to content.dir, '/'-separated, with extension: "world/space.txt"
    std::string title;
    // A web page's <title> ending that may be the site's name (" | The Ledger"; docs/content.md,
    // "The site's name in <title>"), as read: `title` ends with it unless site_suffix_removed.
    // The article store removes it when two or more pages of the folder end with it
    // (with_site_suffix). Empty for other articles and other titles.
    std::string title_site_suffix;
    bool site_suffix_removed = false;
    Seconds date{};  // publication time; see date_source
    DateSource date_source = DateSource::metadata;
    // Hugo's publishDate beside a `date`: not published before it (the feeds still show `date`,
    // as Hugo's do). Absent: `date` is when it is published.
    std::optional<Seconds> publish_at;
    std::optional<Seconds> updated;
    Person author;  // empty: the site's author
    // The authors after the first (`authors: [a, b, c]`): Atom and JSON Feed name them all; RSS
    // and the author feeds know `author` only.
    std::vector<Person> co_authors;
    std::vector<std::string> tags;
    std::vector<std::string> categories;
    std::string summary;       // plain text
    std::string content_html;  // body as HTML, links as written in the source
    bool draft = false;  // never published (draft: true, published: false, status: draft|hidden)
    std::string id;      // explicit id from metadata; empty: derived from path by the feed stage
    std::string url;     // explicit link from metadata; empty: site.url + site.permalink
    std::string image;   // as written
    // A web page's canonical URL as written (rel=canonical, else og:url): the entry's related
    // link, and what relative links in its body are relative to. Empty for other articles.
    std::string related_url;
    std::string lang;
    OutOfLine<Enclosure> enclosure;
    EpisodeBox episode;
    std::string slug;                // as written in the metadata; empty: none
    std::optional<Seconds> expires;  // expiryDate/expires; kept for the feed stage
    // article_digest() of the fields above, so that change detection need not hash every field
    // at every build: read_articles (content/scan.h) sets it, and whoever changes a field must
    // reset it; 0 when not set.
    std::uint64_t digest = 0;
};

// A fingerprint (content/digest.h) of every field of the article except `digest`.
std::uint64_t article_digest(const Article& article);

// The title as its file gives it: with Article::title_site_suffix when the store removed it.
std::string title_as_read(const Article& article);

// A copy of `article` with its title_site_suffix removed from the title (`removed`) or kept as
// read, and its digest made again.
Article with_site_suffix(const Article& article, bool removed);

enum class Severity { warning, error };

// A problem with one file. `error`: the file was skipped. `warning`: published anyway.
struct Problem {
    Problem() = default;
    // Brace-initialised as {path, line, message, severity} everywhere; a constructor rather than
    // an aggregate so that repeat_key, rarely set, need not be written out.
    Problem(std::string path, int line, std::string message, Severity severity = Severity::error)
        : path(std::move(path)), line(line), message(std::move(message)), severity(severity) {}

    std::string path;  // relative to content.dir, like Article::path
    int line = 0;      // 1-based; 0 when the problem has no line
    std::string message;
    Severity severity = Severity::error;
    // Problems with the same non-empty `repeat_key` are one line per build (collapse_repeated):
    // an unknown metadata key, which a generator's site may have in every file ("version:").
    std::string repeat_key;
};

// "path:line: message" (or "path: message" without a line), the format `feedd check` prints.
// An empty path (a problem with the content directory itself) gives just the message.
std::string to_string(const Problem& problem);

// `problems` (in path order) with each repeat_key kept once: its first problem, whose message
// says how many files have it ("…; 90 files have it") when more than one does. Others unchanged,
// in their order.
std::vector<Problem> collapse_repeated(const std::vector<Problem>& problems);

// One source file with its optional sidecar, as read from disk.
struct SourceFile {
    std::string path;                    // relative to content.dir
    std::string bytes;                   // the whole file
    std::optional<std::string> sidecar;  // the bytes of NAME.yaml beside it, when present
    Seconds mtime{};
};

struct ParseOutcome {
    std::optional<Article> article;  // absent when the file was skipped
    std::vector<Problem> problems;
};

// How much of an article to produce. `metadata` is everything except the body HTML
// (Article::content_html stays empty; the summary is the same as in `full`): what a live store
// keeps for every article, re-reading in full only the few its feeds show.
enum class Detail { full, metadata };

// Parses a Markdown (.md, .markdown), plain-text (.txt) or web page (.html, .htm) article.
// Never throws.
ParseOutcome parse_article(const SourceFile& source, const ContentConfig& content,
                           Detail detail = Detail::full);

}  // namespace feedd
