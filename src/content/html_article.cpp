#include "content/html_article.h"

#include "content/charset.h"
#include "content/html_dom.h"
#include "content/html_extract.h"
#include "content/html_metadata.h"
#include "content/text_clean.h"

namespace feedd {

std::optional<std::string> decode_html_page(std::string_view bytes, std::string_view path,
                                            std::vector<Problem>& problems) {
    const Charset charset = detect_charset(bytes);
    const std::string file(path);
    if (charset.name != "UTF-8" && charset.bom_bytes == 0) {
        // An 8-bit page with NUL bytes is no page (UTF-16 without a byte order mark included).
        if (const int line = first_nul_line(bytes)) {
            problems.push_back(
                {file, line, "contains NUL bytes (a binary file?); skipped", Severity::error});
            return std::nullopt;
        }
    }
    DecodedText decoded = decode_to_utf8(bytes, charset);
    if (decoded.unknown_charset) {
        problems.push_back(
            {file, 0,
             "unknown character set '" + charset.declared + "' declared; read as windows-1252",
             Severity::warning});
    }
    if (decoded.invalid_count > 0) {
        problems.push_back({file, decoded.invalid_line,
                            "bytes not valid in " + charset.name + " replaced by U+FFFD (" +
                                std::to_string(decoded.invalid_count) + " sequence(s), first here)",
                            Severity::warning});
    }
    if (is_clean_text(decoded.text)) return std::move(decoded.text);
    if (const int line = first_nul_line(decoded.text)) {
        problems.push_back(
            {file, line, "contains NUL bytes (a binary file?); skipped", Severity::error});
        return std::nullopt;
    }
    CleanText clean = clean_text(decoded.text);
    if (clean.invalid_utf8_count > 0) {
        problems.push_back({file, clean.invalid_utf8_line,
                            "invalid UTF-8 replaced by U+FFFD (" +
                                std::to_string(clean.invalid_utf8_count) +
                                " sequence(s), first here)",
                            Severity::warning});
    }
    if (clean.removed_count > 0) {
        problems.push_back({file, clean.removed_line,
                            "removed " + std::to_string(clean.removed_count) +
                                " character(s) XML does not allow (control characters, U+FFFE, "
                                "U+FFFF or surrogates; first here)",
                            Severity::warning});
    }
    return std::move(clean.text);
}

std::optional<ParsedBody> parse_html(std::string_view html, const MetadataSource& source,
                                     const std::vector<std::string>& cut_markers,
                                     std::vector<Problem>& problems, Detail detail) {
    const std::string path(source.path);
    const html::Document doc(html);
    if (doc.dropped_tags() > 0) {
        problems.push_back({path, 0,
                            "elements nested deeper than " + std::to_string(html::kMaxDepth) +
                                " levels: " + std::to_string(doc.dropped_tags()) +
                                " tag(s) dropped (their text is kept)",
                            Severity::warning});
    }
    html::PageMetadata page = html::read_page_metadata(doc.root(), source, problems);
    const std::string title = page.meta.title.value_or(std::string{});
    html::ExtractedText text =
        html::extract_text(doc.root(), page, title, cut_markers, detail == Detail::full);
    if (text.text_bytes == 0) {
        problems.push_back({path, 0, "nothing that looks like an article (no text found); skipped",
                            Severity::error});
        return std::nullopt;
    }
    ParsedBody out;
    out.meta = std::move(page.meta);
    out.html = std::move(text.html);
    out.derived_summary = std::move(text.first_paragraph);
    out.related_url = std::move(page.canonical);
    out.title_site_suffix = std::move(page.title_site_suffix);
    out.reference = source.reference;
    return out;
}

}  // namespace feedd
