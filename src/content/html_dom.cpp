#include "content/html_dom.h"

#include <algorithm>
#include <array>
#include <cstdlib>
#include <cstring>
#include <new>

namespace feedd::html {
namespace {

char lower(char c) {
    return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
}
bool is_alpha(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}
bool is_space(char c) {
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f';
}

bool equals_ci(std::string_view a, std::string_view lower_b) {
    if (a.size() != lower_b.size()) return false;
    for (std::size_t i = 0; i < a.size(); ++i) {
        if (lower(a[i]) != lower_b[i]) return false;
    }
    return true;
}

bool find_ci(std::string_view text, std::string_view lower_needle) {
    if (text.size() < lower_needle.size()) return false;
    for (std::size_t i = 0; i + lower_needle.size() <= text.size(); ++i) {
        if (equals_ci(text.substr(i, lower_needle.size()), lower_needle)) return true;
    }
    return false;
}

template <std::size_t N>
bool one_of(std::string_view name, const std::array<std::string_view, N>& names) {
    return std::find(names.begin(), names.end(), name) != names.end();
}

// Elements that never hold others.
constexpr std::array<std::string_view, 20> kVoid = {
    "area",   "base",     "br",      "col",   "embed",  "hr",      "img",
    "input",  "link",     "meta",    "param", "source", "track",   "wbr",
    "keygen", "basefont", "bgsound", "frame", "image",  "menuitem"};
// Elements whose next sibling of the kind closes them (or that only live inside tables, where
// their table's depth is what counts): not depth, however many are left open.
constexpr std::array<std::string_view, 18> kSiblingClosed = {
    "p",     "li",    "dt",    "dd", "option", "optgroup", "tr", "td",      "th",
    "thead", "tbody", "tfoot", "rb", "rt",     "rtc",      "rp", "caption", "colgroup"};
// Elements whose content is text up to their end tag.
constexpr std::array<std::string_view, 9> kRawText = {
    "script", "style", "textarea", "title", "xmp", "iframe", "noembed", "noframes", "plaintext"};

// The end of the comment whose "<!--" is at `at` (just past its "-->"), as the HTML tokenizer
// finds it: "<!-->" and "<!--->" are whole (empty) comments and "--!>" also ends one; npos when
// it runs to the end of the page.
std::size_t comment_end(std::string_view s, std::size_t at) {
    std::size_t k = at + 4;
    if (s.substr(k, 1) == ">") return k + 1;
    if (s.substr(k, 2) == "->") return k + 2;
    while ((k = s.find("--", k)) != std::string_view::npos) {
        if (s.substr(k + 2, 1) == ">") return k + 3;
        if (s.substr(k + 2, 2) == "!>") return k + 4;
        ++k;
    }
    return std::string_view::npos;
}

// Where a tag ends, as the HTML tokenizer reads it from just after the tag's name (its
// attributes' names and quoted or unquoted values; a '>' in a quoted value is no end).
// `attribute(name_from, name_to, to)` is called for each attribute, `to` just past its value.
struct TagEnd {
    std::size_t end = std::string_view::npos;  // just past the '>'; npos: the page ends first
    bool self_closing = false;                 // "/>"
};
template <typename OnAttribute>
TagEnd read_tag(std::string_view s, std::size_t j, OnAttribute attribute) {
    const std::size_t n = s.size();
    for (;;) {
        while (j < n && is_space(s[j])) ++j;  // before an attribute's name
        if (j >= n) return {};
        if (s[j] == '>') return {j + 1, false};
        if (s[j] == '/') {
            if (++j < n && s[j] == '>') return {j + 1, true};
            continue;  // a '/' alone is nothing
        }
        const std::size_t name_from = j++;  // its first character may be '='
        while (j < n && !is_space(s[j]) && s[j] != '/' && s[j] != '>' && s[j] != '=') ++j;
        const std::size_t name_to = j;
        std::size_t k = j;
        while (k < n && is_space(s[k])) ++k;
        if (k >= n || s[k] != '=') {  // no value
            attribute(name_from, name_to, name_to);
            continue;
        }
        j = k + 1;
        while (j < n && is_space(s[j])) ++j;
        if (j >= n) return {};
        if (s[j] == '"' || s[j] == '\'') {
            const std::size_t close = s.find(s[j], j + 1);
            if (close == std::string_view::npos) return {};
            j = close + 1;
        } else {
            while (j < n && !is_space(s[j]) && s[j] != '>') ++j;  // empty before a '>'
        }
        attribute(name_from, name_to, j);
    }
}

TagEnd read_tag(std::string_view s, std::size_t j) {
    return read_tag(s, j, [](std::size_t, std::size_t, std::size_t) {});
}

// Attributes never read: event handlers (on*) and data-* but the lazy-loaded images' sources
// (html_extract.cpp reads data-src, data-lazy-src, data-original, data-srcset,
// data-lazy-srcset). Script frameworks keep whole JSON documents in data-* attributes.
bool is_unread_attribute(std::string_view name) {
    const auto starts = [&](std::string_view prefix) {
        return name.size() >= prefix.size() && equals_ci(name.substr(0, prefix.size()), prefix);
    };
    if (starts("on")) return true;
    if (!starts("data-")) return false;
    for (const std::string_view kept :
         {"data-src", "data-lazy-src", "data-original", "data-srcset", "data-lazy-srcset"}) {
        if (equals_ci(name, kept)) return false;
    }
    return true;
}

// The lower-case name of the tag whose name starts at `at`, and where it ends.
std::string_view tag_name(std::string_view s, std::size_t at, std::string& buffer) {
    buffer.clear();
    while (at < s.size() && !is_space(s[at]) && s[at] != '/' && s[at] != '>')
        buffer += lower(s[at++]);
    return buffer;
}

// Where the text of a raw text element (<script>, <style>, <title>, ...) whose start tag ends at
// `from` ends: at its end tag ("</name" then white space, '/' or '>'); npos when the page ends
// first. In a script, as in a tokenizer, "<!--" starts an escaped part where "<script" starts a
// nested one whose "</script>" does not end the element ("<!-- document.write('<script>...
// </script>') -->").
std::size_t raw_text_end(std::string_view s, std::size_t from, std::string_view name) {
    const auto at_tag = [&](std::size_t k, std::string_view open) {
        const std::size_t after = k + open.size() + name.size();
        return after < s.size() && equals_ci(s.substr(k, open.size()), open) &&
               equals_ci(s.substr(k + open.size(), name.size()), name) &&
               (is_space(s[after]) || s[after] == '/' || s[after] == '>');
    };
    enum { data, escaped, double_escaped } state = data;
    const bool script = name == "script";
    std::size_t k = from;
    for (;;) {
        if (state == data) {
            // Only '<' matters: memchr's pace over most of a page's scripts.
            k = s.find('<', k);
            if (k == std::string_view::npos) return k;
            if (at_tag(k, "</")) return k;
            if (script && s.substr(k, 4) == "<!--") {
                state = escaped;
                k += 2;  // its "--" may end it at once ("<!-->")
                continue;
            }
            ++k;
            continue;
        }
        while (k < s.size() && s[k] != '<' && s[k] != '-') ++k;
        if (k >= s.size()) return std::string_view::npos;
        if (s[k] == '<' && at_tag(k, "</")) {
            if (state == escaped) return k;
            state = escaped;
        } else if (state == escaped && s[k] == '<' && at_tag(k, "<")) {
            state = double_escaped;
        } else if (s.substr(k, 3) == "-->") {
            state = data;
            k += 2;
        }
        ++k;
    }
}

// Start tags that end an <svg> in HTML ("in foreign content": the parser closes the svg and reads
// them as HTML), <font> included whatever its attributes; the end tags </p> and </br> likewise.
constexpr std::array<std::string_view, 45> kBreakOut = {
    "b",      "big",  "blockquote", "body",  "br",   "center", "code",    "dd",   "div",
    "dl",     "dt",   "em",         "embed", "h1",   "h2",     "h3",      "h4",   "h5",
    "h6",     "head", "hr",         "i",     "img",  "li",     "listing", "menu", "meta",
    "nobr",   "ol",   "p",          "pre",   "ruby", "s",      "small",   "span", "strike",
    "strong", "sub",  "sup",        "table", "tt",   "u",      "ul",      "var",  "font"};

// Where the content of the <svg> whose start tag ends at `from` ends (at its "</svg"), when the
// parser would read all of it as SVG: npos when an HTML tag inside would take the parser out of
// it (see kBreakOut), or the page ends first.
std::size_t svg_content_end(std::string_view s, std::size_t from) {
    std::size_t depth = 1;
    std::string name_buffer;
    std::size_t k = from;
    while ((k = s.find('<', k)) != std::string_view::npos) {
        if (s.substr(k, 4) == "<!--") {
            k = comment_end(s, k);
            if (k == std::string_view::npos) return k;
            continue;
        }
        if (s.substr(k, 9) == "<![CDATA[") {
            k = s.find("]]>", k + 9);
            if (k == std::string_view::npos) return k;
            k += 3;
            continue;
        }
        const bool closing = k + 1 < s.size() && s[k + 1] == '/';
        const std::size_t name_at = k + (closing ? 2 : 1);
        if (name_at >= s.size() || !is_alpha(s[name_at])) {
            ++k;
            continue;
        }
        const std::string_view name = tag_name(s, name_at, name_buffer);
        const TagEnd tag = read_tag(s, name_at + name.size());
        if (tag.end == std::string_view::npos) return tag.end;
        if (closing) {
            if (name == "svg" && --depth == 0) return k;
            if (name == "p" || name == "br") return std::string_view::npos;
        } else if (one_of(name, kBreakOut)) {
            return std::string_view::npos;
        } else if (name == "svg" && !tag.self_closing) {
            ++depth;
        }
        k = tag.end;
    }
    return std::string_view::npos;
}

}  // namespace

std::string prepare_for_parser(std::string_view s, std::size_t max_depth, std::size_t& dropped) {
    dropped = 0;
    std::string out;
    std::size_t copied = 0;         // s[copied, i) is still to copy to `out`
    std::vector<std::string> open;  // names of the open elements that count as depth
    std::size_t foreign = 0;        // open <svg>/<math>: there "<x/>" closes itself
    std::size_t verbatim = 0;       // open <pre>/<listing>: their white space is their text's
    std::size_t i = 0;
    bool changed = false;
    // s[from, to) is left out of what gumbo reads.
    const auto skip = [&](std::size_t from, std::size_t to) {
        out.append(s.substr(copied, from - copied));
        copied = to;
        changed = true;
    };
    // Runs of white space in text between tags become their first character: what feedd reads
    // of text collapses them anyway (but in <pre>), and gumbo spends a token on each character;
    // on real pages indentation is a quarter of what is left after scripts and styles.
    const auto collapse_spaces = [&](std::size_t from, std::size_t to) {
        if (verbatim > 0) return;
        for (std::size_t k = from; k + 1 < to; ++k) {
            if (!is_space(s[k]) || !is_space(s[k + 1])) continue;
            std::size_t run = k + 1;
            while (run < to && is_space(s[run])) ++run;
            skip(k + 1, run);
            k = run;
        }
    };
    std::string name_buffer;
    std::vector<std::pair<std::size_t, std::size_t>> unread;  // a start tag's unread attributes
    std::size_t text_from = 0;  // where the text before the next tag starts
    while ((i = s.find('<', i)) != std::string_view::npos) {
        const std::size_t start = i;
        collapse_spaces(text_from, start);
        if (s.substr(i, 4) == "<!--") {
            // A comment's text is never read: it goes (the empty comment stays, so the tree keeps
            // its shape).
            const std::size_t end = comment_end(s, i);
            if (end == std::string_view::npos) break;
            const std::size_t body_end = end - (s[end - 2] == '!' ? 4 : 3);  // "--!>" or "-->"
            if (body_end > i + 4) skip(i + 4, body_end);
            i = text_from = end;
            continue;
        }
        const bool closing = i + 1 < s.size() && s[i + 1] == '/';
        std::size_t name_at = i + (closing ? 2 : 1);
        if (name_at >= s.size() || !is_alpha(s[name_at])) {
            // A doctype, "<?xml ...>", "</ x>": up to the next '>' (its white space kept: a
            // doctype's identifiers choose the parser's quirks mode); else a '<' in text.
            if (name_at < s.size() && (s[i + 1] == '!' || s[i + 1] == '?' || closing)) {
                const auto end = s.find('>', i);
                if (end == std::string_view::npos) break;
                i = text_from = end + 1;
            } else {
                text_from = start;
                ++i;
            }
            continue;
        }
        std::string name(tag_name(s, name_at, name_buffer));
        // A start tag's unread attributes go (an end tag's are ignored by parsers).
        unread.clear();
        const TagEnd tag = read_tag(
            s, name_at + name.size(), [&](std::size_t from, std::size_t to, std::size_t end) {
                if (!closing && is_unread_attribute(s.substr(from, to - from)))
                    unread.push_back({from, end});
            });
        if (tag.end == std::string_view::npos) break;  // unfinished: the rest as it is
        const std::size_t end = tag.end;
        const bool self_closing = tag.self_closing;
        i = text_from = end;
        if (closing) {
            // Closes the nearest open element of its name, and everything open inside it.
            const auto found = std::find(open.rbegin(), open.rend(), name);
            if (found != open.rend()) {
                const auto keep = static_cast<std::size_t>(open.rend() - found) - 1;
                for (std::size_t k = keep; k < open.size(); ++k) {
                    if (open[k] == "svg" || open[k] == "math") --foreign;
                    if (open[k] == "pre" || open[k] == "listing") --verbatim;
                }
                open.resize(keep);
            }
            continue;
        }
        const bool raw_text = one_of(name, kRawText);
        const bool counts = !raw_text && !one_of(name, kVoid) && !one_of(name, kSiblingClosed) &&
                            !(self_closing && foreign > 0);
        if (counts && open.size() >= max_depth) {
            skip(start, i);
            ++dropped;
            continue;
        }
        for (const auto& [from, to] : unread) skip(from, to);
        if (raw_text) {
            // Its text is no markup: skip to its end tag.
            const std::size_t k = raw_text_end(s, i, name);
            if (k == std::string_view::npos) break;
            // Scripts (but JSON-LD) and styles are never read: their text goes before gumbo
            // tokenizes it character by character (on news pages, often most of the bytes).
            const bool json_ld = name == "script" && find_ci(s.substr(start, i - start), "ld+json");
            if ((name == "script" && !json_ld) || name == "style") {
                if (k > i) skip(i, k);
            }
            i = text_from = k;
            continue;
        }
        if (!counts) continue;
        if (name == "svg" && foreign == 0 && !self_closing) {
            // An inline icon's paths are never read (feedd leaves <svg> out of the text): its
            // content goes, unless HTML inside it would end it early.
            const std::size_t content_end = svg_content_end(s, i);
            if (content_end != std::string_view::npos) {
                if (content_end > i) skip(i, content_end);
                i = text_from = content_end;
                continue;  // its "</svg>" closes nothing counted
            }
        }
        if (name == "svg" || name == "math") ++foreign;
        if (name == "pre" || name == "listing") ++verbatim;
        open.push_back(std::move(name));
    }
    if (i == std::string_view::npos) collapse_spaces(text_from, s.size());
    if (!changed) return {};
    out.append(s.substr(copied));
    return out;
}

// gumbo allocates a lot of small blocks and frees its tree by recursion; a bump allocator whose
// chunks are released together makes both cheap and flat.
struct Document::Arena {
    static constexpr std::size_t kChunk = 256 * 1024;
    std::vector<char*> chunks;  // kChunk bytes each
    std::vector<char*> big;     // blocks bigger than kChunk / 4, each its own
    char* at = nullptr;
    std::size_t left = 0;

    // Chunks kept for the next page this thread reads: glibc maps a block this big afresh from
    // the kernel, which faults in and zeroes every page of it again (an eighth of a page's
    // cost, measured on Readability's test pages); a reused chunk is warm.
    struct Pool {
        static constexpr std::size_t kKept = 64;  // 16 MB a thread at most
        std::vector<char*> chunks;
        ~Pool() {
            for (char* c : chunks) std::free(c);
        }
    };
    static Pool& pool() {
        thread_local Pool p;
        return p;
    }

    ~Arena() {
        Pool& p = pool();
        for (char* c : chunks) {
            if (p.chunks.size() < Pool::kKept) {
                p.chunks.push_back(c);
            } else {
                std::free(c);
            }
        }
        for (char* b : big) std::free(b);
    }
    void* allocate(std::size_t size) {
        size = (size + 15) & ~std::size_t{15};
        if (size > left) {
            if (size > kChunk / 4) {  // a big block gets its own chunk
                char* own = static_cast<char*>(std::malloc(size));
                if (!own) throw std::bad_alloc();
                big.push_back(own);
                return own;
            }
            char* chunk = nullptr;
            if (Pool& p = pool(); !p.chunks.empty()) {
                chunk = p.chunks.back();
                p.chunks.pop_back();
            } else {
                chunk = static_cast<char*>(std::malloc(kChunk));
                if (!chunk) throw std::bad_alloc();
            }
            chunks.push_back(chunk);
            at = chunk;
            left = kChunk;
        }
        void* p = at;
        at += size;
        left -= size;
        return p;
    }
    static void* gumbo_allocate(void* self, std::size_t size) {
        return static_cast<Arena*>(self)->allocate(size);
    }
    static void gumbo_free(void*, void*) {}
};

Document::Document(std::string_view html) : arena_(std::make_unique<Arena>()) {
    limited_ = prepare_for_parser(html, kMaxDepth, dropped_);
    if (!limited_.empty()) html = limited_;
    GumboOptions options = kGumboDefaultOptions;
    options.allocator = &Arena::gumbo_allocate;
    options.deallocator = &Arena::gumbo_free;
    options.userdata = arena_.get();
    options.max_errors = 0;  // parse errors are not kept (a broken page has thousands)
    output_ = gumbo_parse_with_options(&options, html.data(), html.size());
}

// Nothing to destroy: the arena holds every byte of the output.
Document::~Document() = default;

const GumboNode* Document::root() const {
    return output_->root;
}

namespace {

// gumbo_get_attribute compares names with strcasecmp; the tokenizer has lower-cased them already
// (HTML attributes; feedd asks for no SVG one), so a plain comparison finds the same, faster.
const GumboAttribute* find_attribute(const GumboNode* node, const char* name) {
    if (!is_element(node)) return nullptr;
    const GumboVector& list = node->v.element.attributes;
    for (unsigned i = 0; i < list.length; ++i) {
        const auto* a = static_cast<const GumboAttribute*>(list.data[i]);
        if (std::strcmp(a->name, name) == 0) return a;
    }
    return nullptr;
}

}  // namespace

std::string_view attr(const GumboNode* node, const char* name) {
    const GumboAttribute* a = find_attribute(node, name);
    return a ? std::string_view(a->value) : std::string_view{};
}

bool has_attr(const GumboNode* node, const char* name) {
    return find_attribute(node, name) != nullptr;
}

bool has_class(const GumboNode* node, std::string_view token) {
    const std::string_view classes = attr(node, "class");
    std::size_t i = 0;
    while (i < classes.size()) {
        while (i < classes.size() && is_space(classes[i])) ++i;
        std::size_t j = i;
        while (j < classes.size() && !is_space(classes[j])) ++j;
        if (classes.substr(i, j - i) == token) return true;
        i = j;
    }
    return false;
}

std::string text_of(const GumboNode* node, std::size_t max_bytes, std::size_t max_nodes) {
    std::string out;
    bool space = false;
    std::size_t visited = 0;
    bool stop = false;
    walk(node, [&](const GumboNode* n) {
        if (stop) return false;
        if (max_nodes != 0 && ++visited > max_nodes) {
            stop = true;
            return false;
        }
        if (n->type == GUMBO_NODE_TEXT || n->type == GUMBO_NODE_WHITESPACE ||
            n->type == GUMBO_NODE_CDATA) {
            for (const char* p = n->v.text.text; *p; ++p) {
                if (is_space(*p)) {
                    space = true;
                    continue;
                }
                if (space && !out.empty()) out += ' ';
                space = false;
                out += *p;
            }
            if (max_bytes != 0 && out.size() >= max_bytes) stop = true;
            return false;
        }
        const GumboTag t = tag(n);
        // An <svg>'s <title> and <text> are an icon's, not the words around it (and the parser
        // may not see them: prepare_for_parser).
        if (t == GUMBO_TAG_SCRIPT || t == GUMBO_TAG_STYLE || t == GUMBO_TAG_TEMPLATE ||
            t == GUMBO_TAG_NOSCRIPT || t == GUMBO_TAG_SVG)
            return false;
        // Block boundaries separate words ("<p>a</p><p>b</p>" is "a b").
        if (t == GUMBO_TAG_BR || t == GUMBO_TAG_P || t == GUMBO_TAG_DIV || t == GUMBO_TAG_LI ||
            t == GUMBO_TAG_TD || t == GUMBO_TAG_TH)
            space = true;
        return n->type != GUMBO_NODE_COMMENT;
    });
    return out;
}

}  // namespace feedd::html
