#include "content/markdown.h"

#include <md4c-html.h>
#include <md4c.h>

#include <array>
#include <charconv>
#include <cstdint>

#include "content/text_clean.h"

namespace feedd {
namespace {

constexpr unsigned kParserFlags =
    MD_FLAG_TABLES | MD_FLAG_STRIKETHROUGH | MD_FLAG_TASKLISTS | MD_FLAG_PERMISSIVEAUTOLINKS;

void append_utf8(std::string& out, std::uint32_t cp) {
    if (cp == 0 || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF) || cp == 0xFFFE ||
        cp == 0xFFFF || (cp < 0x20 && cp != '\t' && cp != '\n' && cp != '\r')) {
        cp = 0xFFFD;  // what CommonMark prescribes for &#0; and friends
    }
    encode_utf8(out, cp);
}

// md4c hands entities over verbatim and does not export its entity table, so plain-text
// summaries decode the numeric ones and the few named ones prose actually uses; any other
// stays as written (harmless in a plain-text summary).
void append_entity(std::string& out, std::string_view entity) {
    if (entity.size() > 3 && entity[1] == '#') {
        std::string_view digits = entity.substr(2, entity.size() - 3);
        int base = 10;
        if (!digits.empty() && (digits[0] == 'x' || digits[0] == 'X')) {
            base = 16;
            digits.remove_prefix(1);
        }
        std::uint32_t cp = 0;
        const auto [ptr, ec] =
            std::from_chars(digits.data(), digits.data() + digits.size(), cp, base);
        if (ec == std::errc{} && ptr == digits.data() + digits.size()) {
            append_utf8(out, cp);
            return;
        }
        out += entity;
        return;
    }
    struct Named {
        std::string_view name;
        std::uint32_t cp;
    };
    static constexpr std::array<Named, 15> kNamed = {{{"&amp;", '&'},
                                                      {"&lt;", '<'},
                                                      {"&gt;", '>'},
                                                      {"&quot;", '"'},
                                                      {"&apos;", '\''},
                                                      {"&nbsp;", 0xA0},
                                                      {"&copy;", 0xA9},
                                                      {"&reg;", 0xAE},
                                                      {"&ndash;", 0x2013},
                                                      {"&mdash;", 0x2014},
                                                      {"&lsquo;", 0x2018},
                                                      {"&rsquo;", 0x2019},
                                                      {"&ldquo;", 0x201C},
                                                      {"&rdquo;", 0x201D},
                                                      {"&hellip;", 0x2026}}};
    for (const auto& n : kNamed) {
        if (entity == n.name) {
            append_utf8(out, n.cp);
            return;
        }
    }
    out += entity;
}

// Collects the plain text of the first level-1 heading and of the first paragraph, and whether
// the document starts with that heading.
struct PlainWalker {
    BodyNeeds needs;
    int depth = 0;  // block nesting; 1 = children of MD_BLOCK_DOC
    int image_depth = 0;
    bool first_block_seen = false;
    bool starts_with_h1 = false;
    enum class Target { none, heading, paragraph } target = Target::none;
    bool heading_done = false;
    bool paragraph_done = false;
    std::string heading;
    std::string paragraph;

    std::string* sink() {
        if (image_depth > 0) return nullptr;  // alt text is not part of the prose
        if (target == Target::heading) return &heading;
        if (target == Target::paragraph) return &paragraph;
        return nullptr;
    }

    // Everything wanted is known: the rest of the document need not be walked. (md4c has read
    // the whole block structure, link reference definitions included, before the first
    // callback, so stopping early changes nothing in what was collected.)
    bool satisfied() const {
        return first_block_seen && (!needs.title || heading_done) &&
               (!needs.summary || paragraph_done);
    }

    static int enter_block(MD_BLOCKTYPE type, void* detail, void* self_ptr) {
        auto& self = *static_cast<PlainWalker*>(self_ptr);
        if (self.satisfied()) return 1;  // md_parse stops and returns this
        ++self.depth;
        const bool h1 = type == MD_BLOCK_H && static_cast<MD_BLOCK_H_DETAIL*>(detail)->level == 1;
        if (self.depth == 2 && !self.first_block_seen) {
            self.first_block_seen = true;
            self.starts_with_h1 = h1;
        }
        if (self.target == Target::none) {
            if (h1 && !self.heading_done) self.target = Target::heading;
            if (type == MD_BLOCK_P && !self.paragraph_done) self.target = Target::paragraph;
        }
        return 0;
    }
    static int leave_block(MD_BLOCKTYPE type, void*, void* self_ptr) {
        auto& self = *static_cast<PlainWalker*>(self_ptr);
        --self.depth;
        if (self.target == Target::heading && type == MD_BLOCK_H) {
            self.heading_done = true;
            self.target = Target::none;
        } else if (self.target == Target::paragraph && type == MD_BLOCK_P) {
            // A paragraph with no prose (only an image, only inline HTML) is no summary.
            self.paragraph_done = !is_blank(self.paragraph);
            if (!self.paragraph_done) self.paragraph.clear();
            self.target = Target::none;
        }
        return 0;
    }
    static int enter_span(MD_SPANTYPE type, void*, void* self_ptr) {
        if (type == MD_SPAN_IMG) ++static_cast<PlainWalker*>(self_ptr)->image_depth;
        return 0;
    }
    static int leave_span(MD_SPANTYPE type, void*, void* self_ptr) {
        if (type == MD_SPAN_IMG) --static_cast<PlainWalker*>(self_ptr)->image_depth;
        return 0;
    }
    static int text(MD_TEXTTYPE type, const MD_CHAR* text, MD_SIZE size, void* self_ptr) {
        auto& self = *static_cast<PlainWalker*>(self_ptr);
        std::string* out = self.sink();
        if (!out) return 0;
        const std::string_view s(text, size);
        switch (type) {
            case MD_TEXT_ENTITY:
                append_entity(*out, s);
                break;
            case MD_TEXT_NULLCHAR:
                append_utf8(*out, 0xFFFD);
                break;
            case MD_TEXT_BR:
            case MD_TEXT_SOFTBR:
                *out += ' ';
                break;
            case MD_TEXT_HTML:
                break;  // inline tags are markup, not prose
            default:
                *out += s;
        }
        return 0;
    }
};

// The start of `body` up to the first blank line at or after `min_bytes` (the whole body if there
// is none): a paragraph that ends inside it ends at the same place in the whole body.
std::string_view head_to_blank_line(std::string_view body, std::size_t min_bytes) {
    if (body.size() <= min_bytes) return body;
    for (auto pos = body.find('\n', min_bytes); pos != std::string_view::npos;
         pos = body.find('\n', pos + 1)) {
        const auto next = body.find('\n', pos + 1);
        const auto line = body.substr(
            pos + 1, next == std::string_view::npos ? std::string_view::npos : next - pos - 1);
        if (is_blank(line)) return body.substr(0, pos + 1);
    }
    return body;
}

PlainWalker walk(std::string_view markdown, BodyNeeds needs) {
    PlainWalker walker;
    walker.needs = needs;
    MD_PARSER parser{};
    parser.abi_version = 0;
    parser.flags = kParserFlags;
    parser.enter_block = &PlainWalker::enter_block;
    parser.leave_block = &PlainWalker::leave_block;
    parser.enter_span = &PlainWalker::enter_span;
    parser.leave_span = &PlainWalker::leave_span;
    parser.text = &PlainWalker::text;
    md_parse(markdown.data(), static_cast<MD_SIZE>(markdown.size()), &parser, &walker);
    return walker;
}

bool is_fence_line(std::string_view line, std::string_view fence) {
    while (!line.empty() && (line.back() == ' ' || line.back() == '\t')) line.remove_suffix(1);
    return line == fence;
}

// Offset just past the leading heading's source lines (ATX: one line; setext: up to the "==="
// underline). Only called when md4c says the document starts with a level-1 heading.
std::size_t leading_heading_end(std::string_view body) {
    std::size_t pos = 0;
    bool first = true;
    while (pos < body.size()) {
        auto end = body.find('\n', pos);
        if (end == std::string_view::npos) end = body.size();
        const auto line = body.substr(pos, end - pos);
        const auto t = trim(line);
        const std::size_t next = end < body.size() ? end + 1 : end;
        if (t.empty() && first) {  // blank lines before the heading
            pos = next;
            continue;
        }
        if (first && t.starts_with('#')) return next;
        first = false;
        if (!t.empty() && t.find_first_not_of('=') == std::string_view::npos) return next;
        pos = next;
    }
    return body.size();
}

}  // namespace

std::string markdown_to_html(std::string_view markdown) {
    std::string html;
    html.reserve(markdown.size() + markdown.size() / 4);
    const int rc = md_html(
        markdown.data(), static_cast<MD_SIZE>(markdown.size()),
        [](const MD_CHAR* text, MD_SIZE size, void* out) {
            static_cast<std::string*>(out)->append(text, size);
        },
        &html, kParserFlags, MD_HTML_FLAG_XHTML);
    if (rc != 0) return "<pre>" + escape_html(markdown) + "</pre>\n";  // md4c fails only on OOM
    // md4c decodes numeric character references, so "&#12;" in clean source becomes a raw U+000C
    // that XML 1.0 forbids: one such character would make every feed unreadable to strict readers.
    if (!is_clean_text(html)) html = clean_text(html).text;
    return html;
}

namespace {

// Front matter between fence lines ("---" for YAML, "+++" for TOML), from line 1.
template <typename Parse>
std::optional<FrontMatter> fenced_front_matter(std::string_view text, std::string_view fence,
                                               bool yaml, const MetadataSource& source,
                                               std::vector<Problem>& problems, Parse&& parse) {
    FrontMatter out;
    const auto first_end = text.find('\n');
    std::size_t pos = first_end == std::string_view::npos ? text.size() : first_end + 1;
    const std::size_t start = pos;
    std::optional<std::size_t> end_of_metadata;
    while (pos < text.size()) {
        auto end = text.find('\n', pos);
        if (end == std::string_view::npos) end = text.size();
        const auto line = text.substr(pos, end - pos);
        if (is_fence_line(line, fence) || (yaml && is_fence_line(line, "..."))) {
            end_of_metadata = pos;
            pos = end < text.size() ? end + 1 : end;
            break;
        }
        pos = end + 1;
    }
    if (!end_of_metadata) {
        problems.push_back({std::string(source.path), 1,
                            "front matter is not closed: no '" + std::string(fence) +
                                "' line after the one on line 1",
                            Severity::error});
        return std::nullopt;
    }
    MetadataSource fm = source;
    fm.first_line = 2;
    auto meta = parse(text.substr(start, *end_of_metadata - start), fm, problems);
    if (!meta) return std::nullopt;
    out.meta = std::move(*meta);
    out.body = text.substr(std::min(pos, text.size()));
    return out;
}

// Hugo's JSON front matter: an object at the very top. Only '{' followed by a line break, a '"'
// or '}' counts, so that a body starting with a template ("{{< figure >}}") is not taken for one.
bool starts_with_json_object(std::string_view text) {
    if (!text.starts_with('{')) return false;
    const auto next = text.find_first_not_of(" \t", 1);
    return next == std::string_view::npos || text[next] == '\n' || text[next] == '"' ||
           text[next] == '}';
}

}  // namespace

std::optional<FrontMatter> read_front_matter(std::string_view text, const MetadataSource& source,
                                             std::vector<Problem>& problems) {
    FrontMatter out;
    out.body = text;
    const auto first = text.substr(0, text.find('\n'));
    if (is_fence_line(first, "---")) {
        return fenced_front_matter(
            text, "---", true, source, problems,
            [](auto yaml, const auto& fm, auto& p) { return parse_metadata(yaml, fm, p); });
    }
    if (is_fence_line(first, "+++")) {
        return fenced_front_matter(
            text, "+++", false, source, problems,
            [](auto toml, const auto& fm, auto& p) { return parse_toml_metadata(toml, fm, p); });
    }
    if (starts_with_json_object(text)) {
        const auto length = json_object_length(text);
        if (length == std::string_view::npos) {
            problems.push_back({std::string(source.path), 1,
                                "JSON front matter is not closed: no '}' matches the '{' on line 1",
                                Severity::error});
            return std::nullopt;
        }
        MetadataSource fm = source;
        fm.first_line = 1;
        auto meta = parse_json_metadata(text.substr(0, length), fm, problems);
        if (!meta) return std::nullopt;
        out.meta = std::move(*meta);
        // The body starts on the line after the closing brace (Hugo allows nothing but spaces
        // after it).
        auto rest = text.substr(length);
        const auto newline = rest.find('\n');
        if (is_blank(rest.substr(0, newline))) {
            rest =
                newline == std::string_view::npos ? std::string_view{} : rest.substr(newline + 1);
        }
        out.body = rest;
        return out;
    }
    MetadataSource fm = source;
    fm.first_line = 1;
    if (const auto length = pelican_block_length(text, fm)) {
        auto meta = parse_pelican_metadata(text.substr(0, length), fm, problems);
        if (!meta) return std::nullopt;
        out.meta = std::move(*meta);
        out.body = text.substr(length);
    }
    return out;
}

void parse_markdown_body(std::string_view body, BodyNeeds needs, Detail detail, ParsedBody& out) {
    bool starts_with_h1 = false;
    if (needs.title || needs.summary) {
        // md4c reads a document's whole block structure before its first callback, so finding the
        // first paragraph of a 6 KB article costs a parse of all of it. CommonMark decides blocks
        // line by line, so a heading or paragraph that ends before a blank line is the same in
        // any head of the text that reaches that line, with one exception: a link reference
        // definition further down ("[label]: url") can change the paragraph's links. Without
        // "]:" anywhere there is none, and a walk of the first kilobyte or so that finds what it
        // needs is the walk of the whole body; otherwise the whole body is walked.
        const auto head =
            body.find("]:") == std::string_view::npos ? head_to_blank_line(body, 1024) : body;
        PlainWalker plain = walk(head, needs);
        if (head.size() < body.size() && !plain.satisfied()) plain = walk(body, needs);
        if (plain.heading_done) out.derived_title = collapse_spaces(plain.heading);
        if (plain.paragraph_done) {
            out.derived_summary = summarize(plain.paragraph, kSummaryChars);
        }
        starts_with_h1 = needs.title && plain.starts_with_h1;
    }
    if (detail == Detail::metadata) return;
    if (starts_with_h1) {
        // Rendered apart so the heading can be dropped when it becomes the title (a feed reader
        // shows the title already); rendering it alone gives the same HTML as in context.
        const auto cut = leading_heading_end(body);
        out.heading_html = markdown_to_html(body.substr(0, cut));
        out.html = markdown_to_html(body.substr(cut));
    } else {
        out.html = markdown_to_html(body);
    }
}

std::optional<ParsedBody> parse_markdown(std::string_view text, const MetadataSource& source,
                                         std::vector<Problem>& problems, Detail detail) {
    auto front = read_front_matter(text, source, problems);
    if (!front) return std::nullopt;
    ParsedBody out;
    out.reference = source.reference;
    out.meta = std::move(front->meta);
    parse_markdown_body(front->body, BodyNeeds{}, detail, out);
    return out;
}

}  // namespace feedd
