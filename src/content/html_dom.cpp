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

}  // namespace

std::string limit_nesting(std::string_view s, std::size_t max_depth, std::size_t& dropped) {
    dropped = 0;
    std::string out;
    std::size_t copied = 0;         // s[copied, i) is still to copy to `out`
    std::vector<std::string> open;  // names of the open elements that count as depth
    std::size_t foreign = 0;        // open <svg>/<math>: there "<x/>" closes itself
    std::size_t i = 0;
    bool changed = false;
    const auto drop = [&](std::size_t from, std::size_t to) {
        out.append(s.substr(copied, from - copied));
        copied = to;
        ++dropped;
        changed = true;
    };
    while ((i = s.find('<', i)) != std::string_view::npos) {
        const std::size_t start = i;
        if (s.substr(i, 4) == "<!--") {
            const auto end = s.find("-->", i + 4);
            if (end == std::string_view::npos) break;
            i = end + 3;
            continue;
        }
        const bool closing = i + 1 < s.size() && s[i + 1] == '/';
        std::size_t name_at = i + (closing ? 2 : 1);
        if (name_at >= s.size() || !is_alpha(s[name_at])) {
            ++i;
            continue;
        }
        std::size_t j = name_at;
        std::string name;
        while (j < s.size() && !is_space(s[j]) && s[j] != '/' && s[j] != '>') name += lower(s[j++]);
        // The end of the tag, quoted '>' included.
        bool self_closing = false;
        while (j < s.size() && s[j] != '>') {
            if ((s[j] == '"' || s[j] == '\'') && !closing) {
                const auto end = s.find(s[j], j + 1);
                if (end == std::string_view::npos) {
                    j = s.size();
                    break;
                }
                j = end;
            }
            ++j;
        }
        if (j >= s.size()) break;
        self_closing = s[j - 1] == '/';
        i = j + 1;
        if (closing) {
            // Closes the nearest open element of its name, and everything open inside it.
            const auto found = std::find(open.rbegin(), open.rend(), name);
            if (found != open.rend()) {
                const auto keep = static_cast<std::size_t>(open.rend() - found) - 1;
                for (std::size_t k = keep; k < open.size(); ++k) {
                    if (open[k] == "svg" || open[k] == "math") --foreign;
                }
                open.resize(keep);
            }
            continue;
        }
        if (one_of(name, kVoid) || one_of(name, kSiblingClosed) || (self_closing && foreign > 0)) {
            continue;
        }
        if (one_of(name, kRawText)) {
            // Its text is no markup: skip to its end tag.
            const std::string end_tag = "</" + name;
            std::size_t k = i;
            for (;;) {
                k = s.find("</", k);
                if (k == std::string_view::npos || equals_ci(s.substr(k, end_tag.size()), end_tag))
                    break;
                k += 2;
            }
            if (k == std::string_view::npos) break;
            // Scripts (but JSON-LD) and styles are never read: their text goes before gumbo
            // tokenizes it character by character (on news pages, often most of the bytes).
            const bool json_ld = name == "script" && find_ci(s.substr(start, i - start), "ld+json");
            if ((name == "script" && !json_ld) || name == "style") {
                if (k > i) {
                    out.append(s.substr(copied, i - copied));
                    copied = k;
                    changed = true;
                }
            }
            i = k;
            continue;
        }
        if (open.size() >= max_depth) {
            drop(start, i);
            continue;
        }
        if (name == "svg" || name == "math") ++foreign;
        open.push_back(std::move(name));
    }
    if (!changed) return {};
    out.append(s.substr(copied));
    return out;
}

// gumbo allocates a lot of small blocks and frees its tree by recursion; a bump allocator whose
// chunks are released together makes both cheap and flat.
struct Document::Arena {
    static constexpr std::size_t kChunk = 256 * 1024;
    std::vector<char*> chunks;
    char* at = nullptr;
    std::size_t left = 0;

    ~Arena() {
        for (char* c : chunks) std::free(c);
    }
    void* allocate(std::size_t size) {
        size = (size + 15) & ~std::size_t{15};
        if (size > left) {
            if (size > kChunk / 4) {  // a big block gets its own chunk
                char* own = static_cast<char*>(std::malloc(size));
                if (!own) throw std::bad_alloc();
                chunks.push_back(own);
                return own;
            }
            char* chunk = static_cast<char*>(std::malloc(kChunk));
            if (!chunk) throw std::bad_alloc();
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
    limited_ = limit_nesting(html, kMaxDepth, dropped_);
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

bool is_element(const GumboNode* node) {
    return node && (node->type == GUMBO_NODE_ELEMENT || node->type == GUMBO_NODE_TEMPLATE);
}

GumboTag tag(const GumboNode* node) {
    return is_element(node) ? node->v.element.tag : GUMBO_TAG_UNKNOWN;
}

bool has_tag(const GumboNode* node, GumboTag t) {
    return is_element(node) && node->v.element.tag == t;
}

std::string_view attr(const GumboNode* node, const char* name) {
    if (!is_element(node)) return {};
    const GumboAttribute* a = gumbo_get_attribute(&node->v.element.attributes, name);
    return a ? std::string_view(a->value) : std::string_view{};
}

bool has_attr(const GumboNode* node, const char* name) {
    return is_element(node) && gumbo_get_attribute(&node->v.element.attributes, name) != nullptr;
}

const GumboVector* children(const GumboNode* node) {
    if (node->type == GUMBO_NODE_DOCUMENT) return &node->v.document.children;
    if (is_element(node)) return &node->v.element.children;
    return nullptr;
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
        if (t == GUMBO_TAG_SCRIPT || t == GUMBO_TAG_STYLE || t == GUMBO_TAG_TEMPLATE ||
            t == GUMBO_TAG_NOSCRIPT)
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
