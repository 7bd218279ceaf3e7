#include "content/article.h"

#include <algorithm>
#include <exception>
#include <map>
#include <set>
#include <string_view>

#include "content/dates.h"
#include "content/digest.h"
#include "content/html_article.h"
#include "content/markdown.h"
#include "content/metadata.h"
#include "content/plain_text.h"
#include "content/text_clean.h"

namespace feedd {
namespace {

enum class Kind { markdown, text, html, other };

std::string_view extension(std::string_view path) {
    const auto slash = path.rfind('/');
    const auto name = slash == std::string_view::npos ? path : path.substr(slash + 1);
    const auto dot = name.rfind('.');
    if (dot == std::string_view::npos || dot == 0) return {};
    return name.substr(dot);
}

Kind kind_of(std::string_view path) {
    std::string ext(extension(path));
    std::transform(ext.begin(), ext.end(), ext.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    if (ext == ".md" || ext == ".markdown") return Kind::markdown;
    if (ext == ".txt") return Kind::text;
    if (ext == ".html" || ext == ".htm") return Kind::html;
    return Kind::other;
}

std::string stem_of(std::string_view path) {
    const auto slash = path.rfind('/');
    auto name = slash == std::string_view::npos ? path : path.substr(slash + 1);
    name.remove_suffix(extension(name).size());
    return std::string(name);
}

bool is_digit(char c) {
    return c >= '0' && c <= '9';
}
bool all_digits(std::string_view s, std::size_t n) {
    return s.size() == n && std::all_of(s.begin(), s.end(), is_digit);
}

// "2014-05-06" when `name` starts with it and it is followed by '-', '_' or nothing.
std::optional<std::string> leading_date(std::string_view name) {
    if (name.size() < 10 || !all_digits(name.substr(0, 4), 4) || name[4] != '-' ||
        !all_digits(name.substr(5, 2), 2) || name[7] != '-' || !all_digits(name.substr(8, 2), 2)) {
        return std::nullopt;
    }
    if (name.size() > 10 && name[10] != '-' && name[10] != '_') return std::nullopt;
    return std::string(name.substr(0, 10));
}

// "2014-05-06" for the first "2014/05/06" (three whole '/'-separated segments) in `path`.
std::optional<std::string> path_date(std::string_view path) {
    std::vector<std::string_view> segments;
    for (std::size_t pos = 0; pos <= path.size();) {
        auto end = path.find_first_of("/?#", pos);
        if (end == std::string_view::npos) end = path.size();
        segments.push_back(path.substr(pos, end - pos));
        pos = end + 1;
    }
    for (std::size_t i = 0; i + 2 < segments.size(); ++i) {
        if (all_digits(segments[i], 4) && all_digits(segments[i + 1], 2) &&
            all_digits(segments[i + 2], 2)) {
            return std::string(segments[i]) + "-" + std::string(segments[i + 1]) + "-" +
                   std::string(segments[i + 2]);
        }
    }
    return std::nullopt;
}

// The name that dates an article: its file's stem, or for a page bundle's index.md its folder's.
std::string_view dating_name(std::string_view path, std::string_view stem) {
    if (stem != "index" && stem != "_index") return stem;
    const auto slash = path.rfind('/');
    if (slash == std::string_view::npos) return stem;
    const auto folder = path.substr(0, slash);
    const auto parent = folder.rfind('/');
    return parent == std::string_view::npos ? folder : folder.substr(parent + 1);
}

// Jekyll's posts live in _posts/ (at any depth).
bool is_jekyll_post(std::string_view path) {
    return path.starts_with("_posts/") || path.find("/_posts/") != std::string_view::npos;
}

std::string sidecar_path(std::string_view path) {
    std::string p(path);
    p.resize(p.size() - extension(path).size());
    return p + ".yaml";
}

// Text ready to parse: a view of the file's own bytes when they were clean already (the common
// case: no copy), else of the cleaned copy held here.
struct Text {
    std::string_view original;
    std::optional<std::string> cleaned;
    std::string_view view() const { return cleaned ? std::string_view(*cleaned) : original; }
};

// NUL bytes, invalid UTF-8 and XML-forbidden characters; nullopt when the bytes are unusable.
// The result views `bytes` or owns its text, so it must not outlive `bytes`.
std::optional<Text> clean_bytes(std::string_view bytes, const std::string& path,
                                std::vector<Problem>& problems) {
    Text out{bytes, std::nullopt};
    if (is_clean_text(bytes)) return out;  // no NUL either: a NUL is a control character
    if (const int line = first_nul_line(bytes)) {
        problems.push_back(
            {path, line, "contains NUL bytes (a binary file?); skipped", Severity::error});
        return std::nullopt;
    }
    CleanText clean = clean_text(bytes);
    if (clean.invalid_utf8_count > 0) {
        problems.push_back({path, clean.invalid_utf8_line,
                            "invalid UTF-8 replaced by U+FFFD (" +
                                std::to_string(clean.invalid_utf8_count) +
                                " sequence(s), first here)",
                            Severity::warning});
    }
    if (clean.removed_count > 0) {
        problems.push_back({path, clean.removed_line,
                            "removed " + std::to_string(clean.removed_count) +
                                " character(s) XML does not allow (control characters, U+FFFE, "
                                "U+FFFF or surrogates; first here)",
                            Severity::warning});
    }
    out.cleaned = std::move(clean.text);
    return out;
}

std::optional<Article> parse(const SourceFile& source, const ContentConfig& content, Detail detail,
                             std::vector<Problem>& problems) {
    auto error = [&](std::string message) {
        problems.push_back({source.path, 0, std::move(message), Severity::error});
        return std::nullopt;
    };
    const std::size_t first_problem = problems.size();
    const Kind kind = kind_of(source.path);
    if (kind == Kind::other)
        return error("not an article (expected .md, .markdown, .txt, .html or .htm)");
    if (source.bytes.size() > content.max_file_bytes) {
        return error("file is larger than content.max_file_bytes (" +
                     std::to_string(source.bytes.size()) + " > " +
                     std::to_string(content.max_file_bytes) + " bytes); skipped");
    }
    std::optional<Text> text;
    if (kind == Kind::html) {
        // A page's bytes are in its own character set (content/charset.h).
        auto page = decode_html_page(source.bytes, source.path, problems);
        if (!page) return std::nullopt;
        text.emplace(Text{{}, std::move(*page)});
    } else {
        text = clean_bytes(source.bytes, source.path, problems);
    }
    if (!text) return std::nullopt;
    if (is_blank(text->view())) return error("empty file; skipped");

    const bool jekyll = is_jekyll_post(source.path);
    const MetadataSource meta_source{source.path,   1,     content.timezone, source.mtime,
                                     &content.keys, jekyll};
    std::optional<ParsedBody> body;
    std::string_view markdown_body;
    std::string page_title;  // a web page's own title, before front matter and sidecar
    if (kind == Kind::markdown) {
        // The body comes after the sidecar here: what the metadata already has (a title, a
        // summary) need not be looked for in it. Problems keep their order: a Markdown body
        // reports none.
        auto front = read_front_matter(text->view(), meta_source, problems);
        if (!front) return std::nullopt;
        body.emplace();
        body->meta = std::move(front->meta);
        body->reference = source.mtime;
        markdown_body = front->body;
    } else if (kind == Kind::html) {
        // Front matter at the top of a page (Hugo and Jekyll allow it) outranks what the page
        // says about itself.
        auto front = read_front_matter(text->view(), meta_source, problems);
        if (!front) return std::nullopt;
        body = parse_html(front->body, meta_source, content.cut_markers, problems, detail);
        if (!body) return std::nullopt;
        page_title = body->meta.title.value_or(std::string{});
        body->meta.overlay(std::move(front->meta));
    } else {
        body = parse_plain_text(text->view(), meta_source, content.cut_markers, problems, detail);
        if (!body) return std::nullopt;
    }

    if (source.sidecar) {
        // A broken sidecar skips its article: it may have been what marks it a draft.
        const std::string side_path = sidecar_path(source.path);
        if (source.sidecar->size() > content.max_file_bytes) {
            problems.push_back(
                {side_path, 0, "sidecar is larger than content.max_file_bytes", Severity::error});
            return std::nullopt;
        }
        const auto side_text = clean_bytes(*source.sidecar, side_path, problems);
        if (!side_text) return std::nullopt;
        const MetadataSource side_source{side_path,     1,     content.timezone, body->reference,
                                         &content.keys, jekyll};
        auto side = parse_metadata(side_text->view(), side_source, problems);
        if (!side) return std::nullopt;
        body->meta.overlay(std::move(*side));
    }

    Metadata& meta = body->meta;
    const bool has_title = meta.title && !meta.title->empty();
    // Files of a site that are not articles (docs/content.md, "Site structure"): said in one
    // line instead of whatever else reading them found. An error, as for every skipped file
    // (Problem: an article comes out exactly when no problem is an error).
    const auto not_an_article = [&](std::string message) -> std::optional<Article> {
        problems.resize(first_problem);
        problems.push_back({source.path, 0, std::move(message), Severity::error});
        return std::nullopt;
    };
    if (kind == Kind::markdown && is_blank(markdown_body)) {
        if (meta.redirect) {
            return not_an_article("a redirect (to '" + *meta.redirect +
                                  "') without text; not an article");
        }
        if (!has_title && !meta.date && !meta.publish_date) {
            return not_an_article("no title, date or text; not an article");
        }
    }
    if (kind == Kind::markdown) {
        parse_markdown_body(markdown_body, BodyNeeds{!has_title, !meta.summary}, detail, *body);
    }

    Article a;
    a.path = source.path;
    if (has_title) {
        a.title = std::move(*meta.title);
        a.content_html = std::move(body->heading_html) + body->html;
        const auto& suffix = body->title_site_suffix;
        if (!suffix.empty() && a.title == page_title && a.title.size() > suffix.size() &&
            a.title.ends_with(suffix))
            a.title_site_suffix = suffix;
    } else if (!body->derived_title.empty()) {
        a.title = std::move(body->derived_title);  // its heading is left out of the body
        a.content_html = std::move(body->html);
    } else {
        const std::string stem = stem_of(source.path);
        a.title = dating_name(source.path, stem);  // a page bundle's: its folder's name
        // "2014-05-06-some-title": the date is not part of the title.
        if (leading_date(a.title) && a.title.size() > 11) a.title.erase(0, 11);
        a.content_html = std::move(body->heading_html) + body->html;
        problems.push_back(
            {source.path, 0,
             kind == Kind::html
                 ? "no title found (no <title>, <h1>, og:title or JSON-LD headline); "
                   "using the file name"
                 : "no title; using the file name",
             Severity::warning});
    }
    if (meta.date || meta.publish_date) {
        // As Hugo: the feeds show `date` (else publishDate), and a publishDate beside it holds
        // the article back until then.
        a.date = meta.date ? *meta.date : *meta.publish_date;
        if (meta.date && meta.publish_date) a.publish_at = *meta.publish_date;
        a.date_source = DateSource::metadata;
    } else {
        // A date the names carry, in content.timezone: the file's (or bundle's) name, a
        // YYYY/MM/DD in its path, one in its url.
        const std::string stem = stem_of(source.path);
        const auto slash = source.path.rfind('/');
        const std::string_view folders = slash == std::string::npos
                                             ? std::string_view{}
                                             : std::string_view(source.path).substr(0, slash);
        const std::pair<std::optional<std::string>, DateSource> candidates[] = {
            {leading_date(dating_name(source.path, stem)), DateSource::file_name},
            {path_date(folders), DateSource::path},
            {meta.url ? path_date(*meta.url) : std::nullopt, DateSource::url},
        };
        a.date_source = DateSource::mtime;
        for (const auto& [text, from] : candidates) {
            if (!text) continue;
            const auto parsed = parse_date(*text, content.timezone, source.mtime);
            if (!parsed) continue;  // "2014-13-45": no date
            a.date = *parsed;
            a.date_source = from;
            break;
        }
        if (a.date_source == DateSource::mtime && stem == "index") {
            // The site's home page (or a folder's index) rather than a dated article.
            return not_an_article("an index page without a date; not an article");
        }
        if (a.date_source == DateSource::mtime) {
            a.date = source.mtime;
            problems.push_back({source.path, 0,
                                kind == Kind::html
                                    ? "no date found (no JSON-LD, <meta>, <time> or dateline "
                                      "date in the page); using the file's modification time"
                                    : "no date; using the file's modification time",
                                Severity::warning});
        }
    }
    a.updated = meta.updated;
    if (meta.authors && !meta.authors->empty()) {
        a.author = std::move(meta.authors->front());
        a.co_authors.assign(std::make_move_iterator(meta.authors->begin() + 1),
                            std::make_move_iterator(meta.authors->end()));
    }
    if (meta.tags) a.tags = std::move(*meta.tags);
    if (meta.categories) a.categories = std::move(*meta.categories);
    a.summary = meta.summary ? std::move(*meta.summary) : std::move(body->derived_summary);
    a.draft = meta.draft.value_or(false);
    if (meta.id) a.id = std::move(*meta.id);
    if (meta.url) a.url = std::move(*meta.url);
    if (meta.image) a.image = std::move(*meta.image);
    a.related_url = std::move(body->related_url);
    if (meta.lang) a.lang = std::move(*meta.lang);
    a.enclosure = std::move(meta.enclosure);
    Episode episode;
    episode.episode = meta.episode;
    episode.season = meta.season;
    if (meta.episode_type) episode.episode_type = std::move(*meta.episode_type);
    episode.explicit_content = meta.explicit_content;
    if (meta.transcript) episode.transcript.url = std::move(*meta.transcript);
    if (meta.chapters) episode.chapters.url = std::move(*meta.chapters);
    if (meta.persons) episode.persons = std::move(*meta.persons);
    if (meta.soundbites) episode.soundbites = std::move(*meta.soundbites);
    a.episode = std::move(episode);
    if (meta.slug) a.slug = std::move(*meta.slug);
    a.expires = meta.expires;
    return a;
}

}  // namespace

std::uint64_t article_digest(const Article& a) {
    Hasher h;
    const auto time = [&](Seconds t) {
        h.number(static_cast<std::uint64_t>(t.time_since_epoch().count()));
    };
    h.field(a.path);
    h.field(a.title);
    h.field(a.title_site_suffix);
    h.number(a.site_suffix_removed);
    time(a.date);
    h.number(static_cast<std::uint64_t>(a.date_source));
    h.number(a.publish_at.has_value());
    if (a.publish_at) time(*a.publish_at);
    h.number(a.updated.has_value());
    if (a.updated) time(*a.updated);
    h.field(a.author.name);
    h.field(a.author.email);
    h.number(a.co_authors.size());
    for (const auto& p : a.co_authors) {
        h.field(p.name);
        h.field(p.email);
    }
    h.number(a.tags.size());
    for (const auto& t : a.tags) h.field(t);
    h.number(a.categories.size());
    for (const auto& c : a.categories) h.field(c);
    h.field(a.summary);
    h.field(a.content_html);
    h.number(a.draft);
    h.field(a.id);
    h.field(a.url);
    h.field(a.image);
    h.field(a.related_url);
    h.field(a.lang);
    h.number(a.enclosure.has_value());
    if (a.enclosure) {
        h.field(a.enclosure->url);
        h.number(a.enclosure->length);
        h.field(a.enclosure->type);
        h.field(a.enclosure->file);
        h.number(a.enclosure->duration_s.has_value());
        h.number(static_cast<std::uint64_t>(a.enclosure->duration_s.value_or(0)));
    }
    const Episode& ep = *a.episode;
    for (const auto* n : {&ep.episode, &ep.season}) {
        h.number(n->has_value());
        h.number(static_cast<std::uint64_t>(n->value_or(0)));
    }
    h.field(ep.episode_type);
    h.number(ep.explicit_content ? (*ep.explicit_content ? 2 : 1) : 0);
    for (const auto* link : {&ep.transcript, &ep.chapters}) {
        h.field(link->url);
        h.field(link->file);
        h.field(link->type);
    }
    h.number(ep.persons.size());
    for (const auto& p : ep.persons) {
        for (const auto* f : {&p.name, &p.role, &p.group, &p.href, &p.img}) h.field(*f);
    }
    h.field(ep.image_file);
    h.number(ep.soundbites.size());
    for (const auto& b : ep.soundbites) {
        h.field(std::to_string(b.start_s) + "/" + std::to_string(b.duration_s));
        h.field(b.title);
    }
    h.field(a.slug);
    h.number(a.expires.has_value());
    if (a.expires) time(*a.expires);
    return h.value();
}

std::string title_as_read(const Article& article) {
    return article.site_suffix_removed ? article.title + article.title_site_suffix : article.title;
}

Article with_site_suffix(const Article& article, bool removed) {
    Article out = article;
    if (!out.title_site_suffix.empty() && removed != out.site_suffix_removed) {
        if (removed) {
            out.title.resize(out.title.size() - out.title_site_suffix.size());
        } else {
            out.title += out.title_site_suffix;
        }
        out.site_suffix_removed = removed;
    }
    out.digest = article_digest(out);
    return out;
}

std::string to_string(const Problem& problem) {
    std::string out = problem.path;
    if (problem.line > 0) out += ":" + std::to_string(problem.line);
    if (!out.empty()) out += ": ";
    return out + problem.message;
}

std::vector<Problem> collapse_repeated(const std::vector<Problem>& problems) {
    struct Seen {
        std::size_t index;  // in `out`
        std::set<std::string_view> paths;
    };
    std::map<std::string_view, Seen> seen;
    std::vector<Problem> out;
    for (const Problem& problem : problems) {
        if (problem.repeat_key.empty()) {
            out.push_back(problem);
            continue;
        }
        const auto [it, first] = seen.try_emplace(problem.repeat_key, Seen{out.size(), {}});
        it->second.paths.insert(problem.path);
        if (first) out.push_back(problem);
    }
    for (const auto& [key, s] : seen) {
        if (s.paths.size() > 1)
            out[s.index].message += "; " + std::to_string(s.paths.size()) + " files have it";
    }
    return out;
}

ParseOutcome parse_article(const SourceFile& source, const ContentConfig& content, Detail detail) {
    ParseOutcome out;
    try {
        out.article = parse(source, content, detail, out.problems);
    } catch (const std::exception& e) {
        // Only allocation failures and library bugs get here; one file must not stop a rebuild.
        out.article.reset();
        out.problems.push_back(
            {source.path, 0, std::string("cannot parse: ") + e.what(), Severity::error});
    }
    if (std::any_of(out.problems.begin(), out.problems.end(),
                    [](const Problem& p) { return p.severity == Severity::error; })) {
        out.article.reset();
    }
    return out;
}

}  // namespace feedd
