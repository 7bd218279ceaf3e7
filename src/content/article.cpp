#include "content/article.h"

#include <algorithm>
#include <exception>

#include "content/markdown.h"
#include "content/metadata.h"
#include "content/plain_text.h"
#include "content/text_clean.h"

namespace feedd {
namespace {

enum class Kind { markdown, text, other };

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
    return Kind::other;
}

std::string stem_of(std::string_view path) {
    const auto slash = path.rfind('/');
    auto name = slash == std::string_view::npos ? path : path.substr(slash + 1);
    name.remove_suffix(extension(name).size());
    return std::string(name);
}

std::string sidecar_path(std::string_view path) {
    std::string p(path);
    p.resize(p.size() - extension(path).size());
    return p + ".yaml";
}

// NUL bytes, invalid UTF-8 and XML-forbidden characters; nullopt when the bytes are unusable.
std::optional<std::string> clean_bytes(std::string_view bytes, const std::string& path,
                                       std::vector<Problem>& problems) {
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
    return std::move(clean.text);
}

std::optional<Article> parse(const SourceFile& source, const ContentConfig& content,
                             std::vector<Problem>& problems) {
    auto error = [&](std::string message) {
        problems.push_back({source.path, 0, std::move(message), Severity::error});
        return std::nullopt;
    };
    const Kind kind = kind_of(source.path);
    if (kind == Kind::other) return error("not an article (expected .md, .markdown or .txt)");
    if (source.bytes.size() > content.max_file_bytes) {
        return error("file is larger than content.max_file_bytes (" +
                     std::to_string(source.bytes.size()) + " > " +
                     std::to_string(content.max_file_bytes) + " bytes); skipped");
    }
    const auto text = clean_bytes(source.bytes, source.path, problems);
    if (!text) return std::nullopt;
    if (is_blank(*text)) return error("empty file; skipped");

    const MetadataSource meta_source{source.path, 1, content.timezone, source.mtime};
    auto body = kind == Kind::markdown
                    ? parse_markdown(*text, meta_source, problems)
                    : parse_plain_text(*text, meta_source, content.cut_markers, problems);
    if (!body) return std::nullopt;

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
        const MetadataSource side_source{side_path, 1, content.timezone, body->reference};
        const auto side = parse_metadata(*side_text, side_source, problems);
        if (!side) return std::nullopt;
        body->meta.overlay(*side);
    }

    Metadata& meta = body->meta;
    Article a;
    a.path = source.path;
    a.content_html = body->html;
    if (meta.title && !meta.title->empty()) {
        a.title = *meta.title;
        a.content_html = body->heading_html + body->html;
    } else if (!body->derived_title.empty()) {
        a.title = body->derived_title;  // its heading is left out of the body
    } else {
        a.title = stem_of(source.path);
        a.content_html = body->heading_html + body->html;
        problems.push_back({source.path, 0, "no title; using the file name", Severity::warning});
    }
    if (meta.date) {
        a.date = *meta.date;
    } else {
        a.date = source.mtime;
        problems.push_back(
            {source.path, 0, "no date; using the file's modification time", Severity::warning});
    }
    a.updated = meta.updated;
    if (meta.author) a.author = *meta.author;
    if (meta.tags) a.tags = *meta.tags;
    if (meta.categories) a.categories = *meta.categories;
    a.summary = meta.summary ? *meta.summary : body->derived_summary;
    a.draft = meta.draft.value_or(false);
    if (meta.id) a.id = *meta.id;
    if (meta.url) a.url = *meta.url;
    if (meta.image) a.image = *meta.image;
    if (meta.lang) a.lang = *meta.lang;
    a.enclosure = meta.enclosure;
    return a;
}

}  // namespace

std::string to_string(const Problem& problem) {
    std::string out = problem.path;
    if (problem.line > 0) out += ":" + std::to_string(problem.line);
    if (!out.empty()) out += ": ";
    return out + problem.message;
}

ParseOutcome parse_article(const SourceFile& source, const ContentConfig& content) {
    ParseOutcome out;
    try {
        out.article = parse(source, content, out.problems);
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
