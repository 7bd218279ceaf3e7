// Readability's heuristics (Mozilla's Readability.js, itself after Arc90's) re-done over gumbo's
// tree: no packaged C or C++ library extracts an article from a page, and the rules are small
// enough to own. Every walk here is iterative and each node is scored once, so a page costs time
// linear in its size.
#include "content/html_extract.h"

#include <algorithm>
#include <array>
#include <unordered_map>

#include "content/text_clean.h"

namespace feedd::html {
namespace {

bool is_space(char c) {
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f';
}

// Blocks that are never the article, whatever else their class says.
constexpr std::array<std::string_view, 38> kJunkTokens = {
    "share",   "shares",      "sharing",         "sharebar",      "social",       "socials",
    "related", "newsletter",  "newsletters",     "subscribe",     "subscription", "signup",
    "promo",   "promotion",   "advert",          "advertisement", "ad",           "ads",
    "adv",     "advertising", "sponsor",         "sponsored",     "cookie",       "cookies",
    "consent", "gdpr",        "banner",          "breadcrumb",    "breadcrumbs",  "outbrain",
    "taboola", "recommended", "recommendations", "popup",         "modal",        "paywall",
    "toolbar", "skip"};
// Blocks that are not the article unless their class also names it ("comments" vs
// "article-body comments-open").
constexpr std::array<std::string_view, 19> kWeakJunkTokens = {
    "comment", "comments", "sidebar",    "footer", "header", "nav",  "navigation",
    "menu",    "widget",   "masthead",   "byline", "tags",   "meta", "bio",
    "author",  "disqus",   "pagination", "pager",  "more"};
constexpr std::array<std::string_view, 10> kGoodTokens = {
    "article", "body", "content", "entry", "main", "post", "story", "text", "prose", "blog"};

// What the lower-case words of an element's class and id ("post-share_box" → post, share, box)
// say of it. Read in place: this runs for every element of a page, several times.
struct NameKinds {
    bool junk = false, weak_junk = false, good = false;
};

// The kinds of a word in the three lists above, found by binary search (most words of a page's
// classes are in none of them).
enum : unsigned char { kJunk = 1, kWeakJunk = 2, kGood = 4 };
unsigned char word_kinds(std::string_view word) {
    static const std::vector<std::pair<std::string_view, unsigned char>> table = [] {
        std::vector<std::pair<std::string_view, unsigned char>> t;
        const auto add = [&](const auto& words, unsigned char kind) {
            for (const std::string_view w : words) {
                const auto it =
                    std::find_if(t.begin(), t.end(), [&](const auto& e) { return e.first == w; });
                if (it == t.end()) {
                    t.emplace_back(w, kind);
                } else {
                    it->second |= kind;
                }
            }
        };
        add(kJunkTokens, kJunk);
        add(kWeakJunkTokens, kWeakJunk);
        add(kGoodTokens, kGood);
        std::sort(t.begin(), t.end());
        return t;
    }();
    const auto it = std::lower_bound(table.begin(), table.end(), word,
                                     [](const auto& e, std::string_view w) { return e.first < w; });
    return it != table.end() && it->first == word ? it->second : 0;
}

NameKinds name_kinds(std::string_view class_value, std::string_view id_value) {
    NameKinds out;
    std::string word;  // short: in the string's own buffer, no allocation
    const auto judge = [&] {
        if (word.empty()) return;
        const unsigned char kinds = word_kinds(word);
        out.junk = out.junk || (kinds & kJunk);
        out.weak_junk = out.weak_junk || (kinds & kWeakJunk);
        out.good = out.good || (kinds & kGood);
        word.clear();
    };
    for (const std::string_view value : {class_value, id_value}) {
        for (const char c : value) {
            if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) {
                word += c;
            } else if (c >= 'A' && c <= 'Z') {
                word += static_cast<char>(c - 'A' + 'a');
            } else {
                judge();
            }
        }
        judge();
    }
    return out;
}

// The attributes an element is judged by, in one pass over its attributes.
struct Judged {
    bool hidden = false;  // the `hidden` attribute
    bool has_class_or_id = false;
    std::string_view aria_hidden, style, role, class_value, id_value;
};
Judged judged_attributes(const GumboNode* n) {
    Judged out;
    const GumboVector& list = n->v.element.attributes;
    for (unsigned i = 0; i < list.length; ++i) {
        const auto* a = static_cast<const GumboAttribute*>(list.data[i]);
        const std::string_view name = a->name;  // lower case (html_dom.cpp, find_attribute)
        if (name == "class") {
            out.class_value = a->value;
            out.has_class_or_id = true;
        } else if (name == "id") {
            out.id_value = a->value;
            out.has_class_or_id = true;
        } else if (name == "style") {
            out.style = a->value;
        } else if (name == "role") {
            out.role = a->value;
        } else if (name == "hidden") {
            out.hidden = true;
        } else if (name == "aria-hidden") {
            out.aria_hidden = a->value;
        }
    }
    return out;
}

bool is_hidden(const Judged& j) {
    if (j.hidden || j.aria_hidden == "true") return true;
    const auto style = j.style;
    if (style.empty()) return false;
    std::string compact;
    for (const char c : style) {
        if (!is_space(c)) compact += (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
    }
    return compact.find("display:none") != std::string::npos ||
           compact.find("visibility:hidden") != std::string::npos;
}

// Elements left out with everything in them: the page's chrome, anything interactive or
// scripted, embedded objects.
bool is_dropped_tag(GumboTag t) {
    switch (t) {
        case GUMBO_TAG_HEAD:
        case GUMBO_TAG_TITLE:
        case GUMBO_TAG_BASE:
        case GUMBO_TAG_LINK:
        case GUMBO_TAG_META:
        case GUMBO_TAG_STYLE:
        case GUMBO_TAG_SCRIPT:
        case GUMBO_TAG_NOSCRIPT:
        case GUMBO_TAG_TEMPLATE:
        case GUMBO_TAG_NAV:
        case GUMBO_TAG_HEADER:
        case GUMBO_TAG_FOOTER:
        case GUMBO_TAG_ASIDE:
        case GUMBO_TAG_FORM:
        case GUMBO_TAG_BUTTON:
        case GUMBO_TAG_INPUT:
        case GUMBO_TAG_SELECT:
        case GUMBO_TAG_OPTION:
        case GUMBO_TAG_TEXTAREA:
        case GUMBO_TAG_LABEL:
        case GUMBO_TAG_IFRAME:
        case GUMBO_TAG_FRAME:
        case GUMBO_TAG_FRAMESET:
        case GUMBO_TAG_OBJECT:
        case GUMBO_TAG_EMBED:
        case GUMBO_TAG_APPLET:
        case GUMBO_TAG_PARAM:
        case GUMBO_TAG_CANVAS:
        case GUMBO_TAG_SVG:
        case GUMBO_TAG_MATH:
        case GUMBO_TAG_AUDIO:
        case GUMBO_TAG_VIDEO:
        case GUMBO_TAG_SOURCE:
        case GUMBO_TAG_TRACK:
        case GUMBO_TAG_MAP:
        case GUMBO_TAG_AREA:
        case GUMBO_TAG_MENU:
        case GUMBO_TAG_WBR:
            return true;
        default:
            return false;
    }
}

// Elements kept as they are (with the attributes of kept_attributes): what a feed reader shows.
bool is_kept_tag(GumboTag t) {
    switch (t) {
        case GUMBO_TAG_P:
        case GUMBO_TAG_H1:
        case GUMBO_TAG_H2:
        case GUMBO_TAG_H3:
        case GUMBO_TAG_H4:
        case GUMBO_TAG_H5:
        case GUMBO_TAG_H6:
        case GUMBO_TAG_UL:
        case GUMBO_TAG_OL:
        case GUMBO_TAG_LI:
        case GUMBO_TAG_DL:
        case GUMBO_TAG_DT:
        case GUMBO_TAG_DD:
        case GUMBO_TAG_BLOCKQUOTE:
        case GUMBO_TAG_PRE:
        case GUMBO_TAG_CODE:
        case GUMBO_TAG_EM:
        case GUMBO_TAG_STRONG:
        case GUMBO_TAG_B:
        case GUMBO_TAG_I:
        case GUMBO_TAG_U:
        case GUMBO_TAG_S:
        case GUMBO_TAG_SUB:
        case GUMBO_TAG_SUP:
        case GUMBO_TAG_SMALL:
        case GUMBO_TAG_MARK:
        case GUMBO_TAG_BR:
        case GUMBO_TAG_HR:
        case GUMBO_TAG_A:
        case GUMBO_TAG_IMG:
        case GUMBO_TAG_FIGURE:
        case GUMBO_TAG_FIGCAPTION:
        case GUMBO_TAG_TABLE:
        case GUMBO_TAG_THEAD:
        case GUMBO_TAG_TBODY:
        case GUMBO_TAG_TFOOT:
        case GUMBO_TAG_TR:
        case GUMBO_TAG_TH:
        case GUMBO_TAG_TD:
        case GUMBO_TAG_CAPTION:
        case GUMBO_TAG_ABBR:
        case GUMBO_TAG_CITE:
        case GUMBO_TAG_Q:
        case GUMBO_TAG_DEL:
        case GUMBO_TAG_INS:
        case GUMBO_TAG_KBD:
        case GUMBO_TAG_SAMP:
        case GUMBO_TAG_VAR:
        case GUMBO_TAG_TIME:
        case GUMBO_TAG_DFN:
            return true;
        default:
            return false;
    }
}

bool is_block(GumboTag t) {
    switch (t) {
        case GUMBO_TAG_P:
        case GUMBO_TAG_DIV:
        case GUMBO_TAG_SECTION:
        case GUMBO_TAG_ARTICLE:
        case GUMBO_TAG_H1:
        case GUMBO_TAG_H2:
        case GUMBO_TAG_H3:
        case GUMBO_TAG_H4:
        case GUMBO_TAG_H5:
        case GUMBO_TAG_H6:
        case GUMBO_TAG_UL:
        case GUMBO_TAG_OL:
        case GUMBO_TAG_LI:
        case GUMBO_TAG_DL:
        case GUMBO_TAG_BLOCKQUOTE:
        case GUMBO_TAG_PRE:
        case GUMBO_TAG_TABLE:
        case GUMBO_TAG_FIGURE:
        case GUMBO_TAG_HR:
        case GUMBO_TAG_MAIN:
            return true;
        default:
            return false;
    }
}

// Left out with its content: a dropped tag, a hidden element, or (when `by_name`) a block named
// as chrome.
bool is_junk(const GumboNode* n, bool by_name) {
    if (n->type == GUMBO_NODE_COMMENT) return true;
    if (!is_element(n)) return false;
    const GumboTag t = tag(n);
    if (is_dropped_tag(t)) return true;
    const Judged j = judged_attributes(n);
    if (is_hidden(j)) return true;
    if (t == GUMBO_TAG_BODY || t == GUMBO_TAG_HTML) return false;
    const auto role = j.role;
    if (role == "navigation" || role == "banner" || role == "contentinfo" ||
        role == "complementary" || role == "dialog" || role == "alert")
        return true;
    if (!by_name || !j.has_class_or_id) return false;
    const NameKinds kinds = name_kinds(j.class_value, j.id_value);
    return kinds.junk || (kinds.weak_junk && !kinds.good);
}

struct Stats {
    std::size_t text = 0;       // bytes of text, whitespace runs counted once
    std::size_t link_text = 0;  // of which inside <a>
    std::size_t commas = 0;
    bool has_block_child = false;
    double score = 0;
    bool candidate = false;
};

// Readability's weights.
double tag_weight(GumboTag t) {
    switch (t) {
        case GUMBO_TAG_DIV:
            return 5;
        case GUMBO_TAG_PRE:
        case GUMBO_TAG_TD:
        case GUMBO_TAG_BLOCKQUOTE:
            return 3;
        case GUMBO_TAG_ADDRESS:
        case GUMBO_TAG_OL:
        case GUMBO_TAG_UL:
        case GUMBO_TAG_DL:
        case GUMBO_TAG_DD:
        case GUMBO_TAG_DT:
        case GUMBO_TAG_LI:
        case GUMBO_TAG_FORM:
            return -3;
        case GUMBO_TAG_H1:
        case GUMBO_TAG_H2:
        case GUMBO_TAG_H3:
        case GUMBO_TAG_H4:
        case GUMBO_TAG_H5:
        case GUMBO_TAG_H6:
        case GUMBO_TAG_TH:
            return -5;
        default:
            return 0;
    }
}
double class_weight(const GumboNode* n) {
    const NameKinds kinds = name_kinds(attr(n, "class"), attr(n, "id"));
    double w = 0;
    if (kinds.good) w += 25;
    if (kinds.weak_junk) w -= 25;
    return w;
}

double link_density(const Stats& s) {
    return s.text == 0 ? 0 : static_cast<double>(s.link_text) / static_cast<double>(s.text);
}

class Extractor {
  public:
    Extractor(const GumboNode* root, bool by_name) : root_(root), by_name_(by_name) {}

    // Text statistics of every element below `top` that is not junk, and the content scores.
    void measure(const GumboNode* top) {
        std::size_t in_link = 0;
        walk(
            top,
            [&](const GumboNode* n) {
                if (n->type == GUMBO_NODE_TEXT || n->type == GUMBO_NODE_CDATA) {
                    Stats& parent = stats_[n->parent];
                    std::size_t len = 0, commas = 0;
                    bool space = true;
                    for (const char* p = n->v.text.text; *p; ++p) {
                        if (is_space(*p)) {
                            if (!space) ++len;
                            space = true;
                            continue;
                        }
                        space = false;
                        ++len;
                        if (*p == ',') ++commas;
                        // "，" and "、" (U+FF0C, U+3001): CJK text's commas.
                        if ((p[0] == '\xEF' && p[1] == '\xBC' && p[2] == '\x8C') ||
                            (p[0] == '\xE3' && p[1] == '\x80' && p[2] == '\x81'))
                            ++commas;
                    }
                    parent.text += len;
                    parent.commas += commas;
                    if (in_link) parent.link_text += len;
                    return false;
                }
                if (!is_element(n) || (n != top && is_junk(n, by_name_))) return false;
                if (tag(n) == GUMBO_TAG_A) ++in_link;
                return true;
            },
            [&](const GumboNode* n) {
                if (tag(n) == GUMBO_TAG_A) --in_link;
                Stats& s = stats_[n];
                if (n != top && n->parent) {
                    Stats& parent = stats_[n->parent];
                    parent.text += s.text;
                    parent.link_text += s.link_text;
                    parent.commas += s.commas;
                    if (is_block(tag(n))) parent.has_block_child = true;
                }
                score(n, s);
            });
    }

    // The best-scored element; nullptr when nothing scored.
    const GumboNode* top_candidate() const {
        const GumboNode* best = nullptr;
        double best_score = 0;
        for (const GumboNode* n : candidates_) {
            const Stats& s = stats_.at(n);
            const double final_score = s.score * (1 - link_density(s));
            if (!best || final_score > best_score ||
                (final_score == best_score && n->index_within_parent < best->index_within_parent)) {
                best = n;
                best_score = final_score;
            }
        }
        return best;
    }
    double final_score(const GumboNode* n) const {
        const auto it = stats_.find(n);
        if (it == stats_.end() || !it->second.candidate) return 0;
        return it->second.score * (1 - link_density(it->second));
    }
    const Stats* stats(const GumboNode* n) const {
        const auto it = stats_.find(n);
        return it == stats_.end() ? nullptr : &it->second;
    }

  private:
    // A paragraph-like element with enough text gives its ancestors points (Readability's
    // _grabArticle): the parent all, the grandparent half, further ones a third per level.
    void score(const GumboNode* n, const Stats& s) {
        const GumboTag t = tag(n);
        // A cell or a <div> without blocks in it is a paragraph; one with blocks a container.
        const bool paragraph =
            t == GUMBO_TAG_P || t == GUMBO_TAG_PRE ||
            ((t == GUMBO_TAG_DIV || t == GUMBO_TAG_SECTION || t == GUMBO_TAG_TD) &&
             !s.has_block_child);
        if (!paragraph || s.text < 25) return;
        const double points = 1 + static_cast<double>(s.commas) +
                              static_cast<double>(std::min<std::size_t>(s.text / 100, 3));
        const GumboNode* ancestor = n->parent;
        for (int level = 0; level < 5 && ancestor && is_element(ancestor); ++level) {
            Stats& a = stats_[ancestor];
            if (!a.candidate) {
                a.candidate = true;
                a.score += tag_weight(tag(ancestor)) + class_weight(ancestor);
                candidates_.push_back(ancestor);
            }
            a.score += level == 0 ? points : level == 1 ? points / 2 : points / (level * 3);
            if (ancestor == root_) break;
            ancestor = ancestor->parent;
        }
    }

    const GumboNode* root_;
    bool by_name_;
    std::unordered_map<const GumboNode*, Stats> stats_;
    std::vector<const GumboNode*> candidates_;
};

bool starts_with_marker(std::string_view text, const std::vector<std::string>& markers) {
    for (const auto& m : markers) {
        if (!m.empty() && text.starts_with(m)) return true;
    }
    return false;
}

std::string_view absolute_or_lazy(const GumboNode* n, const char* attribute,
                                  std::initializer_list<const char*> lazy) {
    std::string_view v = trim(attr(n, attribute));
    if (v.empty() || v.starts_with("data:")) {
        for (const char* l : lazy) {
            const auto lv = trim(attr(n, l));
            if (!lv.empty()) return lv;
        }
    }
    return v;
}

bool is_script_url(std::string_view url) {
    std::string scheme;
    for (const char c : url) {
        if (c == ':') break;
        if (is_space(c)) continue;
        scheme += (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
        if (scheme.size() > 12) return false;
    }
    return scheme == "javascript" || scheme == "vbscript" || scheme == "data";
}

void append_attribute(std::string& out, std::string_view name, std::string_view value) {
    out += ' ';
    out += name;
    out += "=\"";
    out += escape_html(value);
    out += '"';
}

// The start tag feedd writes for a kept element (attributes it knows only); false when the
// element is left out after all (an image without a source, a tracking pixel).
bool open_tag(const GumboNode* n, std::string& out) {
    const GumboTag t = tag(n);
    const char* name = gumbo_normalized_tagname(t);
    std::string tag_text = "<";
    tag_text += name;
    switch (t) {
        case GUMBO_TAG_A: {
            const auto href = trim(attr(n, "href"));
            if (!href.empty() && !is_script_url(href)) append_attribute(tag_text, "href", href);
            if (const auto title = attr(n, "title"); !title.empty())
                append_attribute(tag_text, "title", title);
            break;
        }
        case GUMBO_TAG_IMG: {
            const auto src =
                absolute_or_lazy(n, "src", {"data-src", "data-lazy-src", "data-original"});
            if (src.empty() || is_script_url(src)) return false;
            if (attr(n, "width") == "1" && attr(n, "height") == "1") return false;
            append_attribute(tag_text, "src", src);
            const auto srcset = absolute_or_lazy(n, "srcset", {"data-srcset", "data-lazy-srcset"});
            if (!srcset.empty()) append_attribute(tag_text, "srcset", srcset);
            for (const char* a : {"alt", "title", "width", "height"}) {
                if (has_attr(n, a)) append_attribute(tag_text, a, attr(n, a));
            }
            break;
        }
        case GUMBO_TAG_TD:
        case GUMBO_TAG_TH:
            for (const char* a : {"colspan", "rowspan"}) {
                if (has_attr(n, a)) append_attribute(tag_text, a, attr(n, a));
            }
            break;
        case GUMBO_TAG_OL:
            if (has_attr(n, "start")) append_attribute(tag_text, "start", attr(n, "start"));
            break;
        case GUMBO_TAG_TIME:
            if (has_attr(n, "datetime"))
                append_attribute(tag_text, "datetime", attr(n, "datetime"));
            break;
        case GUMBO_TAG_ABBR:
        case GUMBO_TAG_DFN:
            if (has_attr(n, "title")) append_attribute(tag_text, "title", attr(n, "title"));
            break;
        default:
            break;
    }
    // Void elements XHTML-style, so the HTML is also XML (as markdown.cpp writes them).
    tag_text += (t == GUMBO_TAG_IMG || t == GUMBO_TAG_BR || t == GUMBO_TAG_HR) ? " />" : ">";
    out += tag_text;
    return true;
}

bool is_void(GumboTag t) {
    return t == GUMBO_TAG_IMG || t == GUMBO_TAG_BR || t == GUMBO_TAG_HR;
}

// Elements after whose start and end tags text starts afresh (no space needed before it).
bool starts_line(GumboTag t) {
    return is_block(t) || t == GUMBO_TAG_TR || t == GUMBO_TAG_TD || t == GUMBO_TAG_TH ||
           t == GUMBO_TAG_FIGCAPTION || t == GUMBO_TAG_DT || t == GUMBO_TAG_DD ||
           t == GUMBO_TAG_CAPTION;
}

// Elements that stay even when empty (a table's cells keep its shape).
bool keeps_when_empty(GumboTag t) {
    return t == GUMBO_TAG_TD || t == GUMBO_TAG_TH || t == GUMBO_TAG_TR;
}

class Writer {
  public:
    Writer(std::string_view title, const std::vector<std::string>& cut_markers, bool by_name)
        : title_(collapse_spaces(title)), markers_(cut_markers), by_name_(by_name) {}

    // The content of `top`, with its own tag when `own_tag` (a paragraph beside the best block).
    void write(const GumboNode* top, bool own_tag) {
        own_tag_ = own_tag;
        struct Open {
            const GumboNode* node;
            std::size_t at;    // where its start tag begins in out_ (npos: not written)
            std::size_t body;  // where its content begins
        };
        std::vector<Open> open;
        walk(
            top,
            [&](const GumboNode* n) {
                if (stopped_) return false;
                if (n->type == GUMBO_NODE_TEXT || n->type == GUMBO_NODE_WHITESPACE ||
                    n->type == GUMBO_NODE_CDATA) {
                    text(n->v.text.text);
                    return false;
                }
                if (!is_element(n)) return false;
                if (n != top && is_junk(n, by_name_)) return false;
                const GumboTag t = tag(n);
                if (n != top && is_block(t) && !markers_.empty()) {
                    const std::string start = text_of(n, 200, 64);
                    if (start.size() < 200 && starts_with_marker(start, markers_)) {
                        stopped_ = true;
                        return false;
                    }
                }
                if (t == GUMBO_TAG_H1 && !title_dropped_ && !title_.empty() &&
                    text_of(n, title_.size() + 8, 64) == title_) {
                    title_dropped_ = true;
                    return false;
                }
                if (t == GUMBO_TAG_P && first_paragraph_.empty()) {
                    first_paragraph_ =
                        summarize(text_of(n, kSummaryChars * 8, 4096), kSummaryChars);
                }
                Open o{n, std::string::npos, out_.size()};
                if ((n != top || own_tag_) && is_kept_tag(t)) {
                    // "word <a>link</a>": the space stays before the tag.
                    if (space_ && !line_start_ && !starts_line(t)) {
                        out_ += ' ';
                        space_ = false;
                    }
                    const std::size_t at = out_.size();
                    if (!open_tag(n, out_)) return false;
                    o.at = at;
                    o.body = out_.size();
                    if (is_void(t)) {
                        if (t == GUMBO_TAG_HR) out_ += '\n';
                        if (t != GUMBO_TAG_IMG) line_start_ = true;
                        space_ = false;
                        return false;
                    }
                    if (t == GUMBO_TAG_PRE) ++pre_;
                    if (starts_line(t)) {
                        line_start_ = true;
                        space_ = false;
                    }
                } else if (n != top && is_block(t)) {
                    space_ = true;
                }
                open.push_back(o);
                return true;
            },
            [&](const GumboNode* n) {
                if (open.empty() || open.back().node != n) return;
                const Open o = open.back();
                open.pop_back();
                if (o.at == std::string::npos) return;
                const GumboTag t = tag(n);
                if (t == GUMBO_TAG_PRE) --pre_;
                // An element left empty by what was dropped from it goes too.
                if (!keeps_when_empty(t) &&
                    std::all_of(out_.begin() + static_cast<std::ptrdiff_t>(o.body), out_.end(),
                                [](char c) { return is_space(c); })) {
                    out_.resize(o.at);
                    return;
                }
                out_ += "</";
                out_ += gumbo_normalized_tagname(t);
                out_ += '>';
                if (starts_line(t)) {
                    if (t != GUMBO_TAG_TD && t != GUMBO_TAG_TH) out_ += '\n';
                    line_start_ = true;
                    space_ = false;
                }
            });
    }

    std::string html() && { return std::move(out_); }
    std::size_t text_bytes() const { return text_bytes_; }
    std::string first_paragraph() const {
        return first_paragraph_.empty() ? summarize(plain_, kSummaryChars) : first_paragraph_;
    }

  private:
    void text(const char* s) {
        if (pre_ > 0) {
            const std::size_t before = out_.size();
            out_ += escape_html(s);
            text_bytes_ += out_.size() - before;
            line_start_ = false;
            return;
        }
        std::string piece;
        for (const char* p = s; *p; ++p) {
            if (is_space(*p)) {
                space_ = true;
                continue;
            }
            if (piece.empty()) line_start_was_ = line_start_ || space_;
            if (space_ && !line_start_) piece += ' ';
            space_ = false;
            line_start_ = false;
            piece += *p;
            ++text_bytes_;
        }
        if (plain_.size() < kSummaryChars * 8 && !piece.empty()) {
            if (!plain_.empty() && (piece.front() == ' ' || line_start_was_)) plain_ += ' ';
            plain_ += trim(piece);
        }
        out_ += escape_html(piece);
    }

    std::string title_;
    const std::vector<std::string>& markers_;
    bool by_name_;
    std::string out_;
    std::string first_paragraph_;
    std::size_t text_bytes_ = 0;
    int pre_ = 0;
    bool space_ = false;
    bool line_start_ = true;  // nothing written yet in the current block
    bool own_tag_ = false;
    bool line_start_was_ = false;
    std::string plain_;  // the text's start, for a summary when there is no <p>
    bool stopped_ = false;
    bool title_dropped_ = false;
};

const GumboNode* find_body(const GumboNode* root) {
    if (const GumboVector* kids = children(root)) {
        for (unsigned i = 0; i < kids->length; ++i) {
            const auto* child = static_cast<const GumboNode*>(kids->data[i]);
            if (has_tag(child, GUMBO_TAG_BODY)) return child;
        }
    }
    return root;
}

// Whether `n` is inside junk (a marked element inside a <footer> is not the article).
bool inside_junk(const GumboNode* n, const GumboNode* body, bool by_name) {
    for (const GumboNode* a = n; a && a != body; a = a->parent) {
        if (is_junk(a, by_name)) return true;
    }
    return false;
}

ExtractedText extract(const GumboNode* root, const PageMetadata& page, std::string_view title,
                      const std::vector<std::string>& cut_markers, bool want_html, bool by_name) {
    const GumboNode* body = find_body(root);
    Extractor extractor(body, by_name);
    extractor.measure(body);
    const auto text_size = [&](const GumboNode* n) {
        const Stats* s = extractor.stats(n);
        return s ? s->text : 0;
    };

    // The element the page marks as its article.
    std::vector<const GumboNode*> tops;
    ExtractedText out;
    constexpr std::size_t kMarkedMinimum = 140;  // less is a teaser, not the article
    if (page.article_body && !inside_junk(page.article_body, body, by_name) &&
        text_size(page.article_body) > 0) {
        tops = {page.article_body};
        out.chosen_by = "itemprop=articleBody";
    } else if (page.hentry_content && !inside_junk(page.hentry_content, body, by_name) &&
               text_size(page.hentry_content) > 0) {
        tops = {page.hentry_content};
        out.chosen_by = "h-entry e-content";
    } else {
        const GumboNode* best_article = nullptr;
        const GumboNode* main = nullptr;
        walk(body, [&](const GumboNode* n) {
            if (!is_element(n) || (n != body && is_junk(n, by_name))) return false;
            if (tag(n) == GUMBO_TAG_ARTICLE &&
                (!best_article || text_size(n) > text_size(best_article)))
                best_article = n;
            if (tag(n) == GUMBO_TAG_MAIN && !main) main = n;
            return true;
        });
        // A marked element is the article unless the best-scored block lies outside it with more
        // than twice its text: on many pages the <article>s are teasers of other stories (cards
        // in a list) and the story itself is in a <div>.
        const GumboNode* scored = extractor.top_candidate();
        const auto inside = [](const GumboNode* inner, const GumboNode* outer) {
            for (const GumboNode* a = inner; a; a = a->parent) {
                if (a == outer) return true;
            }
            return false;
        };
        const auto stands = [&](const GumboNode* marked) {
            if (text_size(marked) < kMarkedMinimum) return false;
            if (!scored || inside(scored, marked) || inside(marked, scored)) return true;
            return text_size(scored) <= 2 * text_size(marked);
        };
        if (best_article && stands(best_article)) {
            tops = {best_article};
            out.chosen_by = "<article>";
        } else if (main && stands(main)) {
            tops = {main};
            out.chosen_by = "<main>";
        } else if (const GumboNode* top = extractor.top_candidate()) {
            // The best block, and those of its siblings that look like part of it.
            out.chosen_by = "content score";
            const double threshold = std::max(10.0, extractor.final_score(top) * 0.2);
            const GumboNode* parent = top->parent;
            const GumboVector* siblings = parent ? children(parent) : nullptr;
            if (!siblings || top == body) {
                tops = {top};
            } else {
                for (unsigned i = 0; i < siblings->length; ++i) {
                    const auto* s = static_cast<const GumboNode*>(siblings->data[i]);
                    if (s == top) {
                        tops.push_back(s);
                        continue;
                    }
                    if (!is_element(s) || is_junk(s, by_name)) continue;
                    const Stats* st = extractor.stats(s);
                    if (!st) continue;
                    bool append = extractor.final_score(s) >= threshold;
                    if (!append && tag(s) == GUMBO_TAG_P) {
                        const double density = link_density(*st);
                        append = (st->text > 80 && density < 0.25) ||
                                 (st->text > 0 && density == 0 &&
                                  text_of(s, 400, 64).find(". ") != std::string::npos);
                    }
                    if (append) tops.push_back(s);
                }
            }
        } else {
            tops = {body};
            out.chosen_by = "<body>";
        }
    }

    Writer writer(title, cut_markers, by_name);
    for (const GumboNode* top : tops) {
        // A paragraph beside the best block keeps its own tag; of a container, its content.
        writer.write(top, tops.size() > 1 && tag(top) == GUMBO_TAG_P);
    }
    out.first_paragraph = writer.first_paragraph();
    out.text_bytes = writer.text_bytes();
    if (want_html) out.html = std::move(writer).html();
    return out;
}

}  // namespace

ExtractedText extract_text(const GumboNode* root, const PageMetadata& page, std::string_view title,
                           const std::vector<std::string>& cut_markers, bool want_html) {
    ExtractedText out = extract(root, page, title, cut_markers, want_html, true);
    // Almost nothing left: a wrapper of the whole page has a class that reads as chrome
    // ("page has-sidebar"). Again without judging classes, as Readability retries.
    constexpr std::size_t kTooLittle = 200;
    if (out.text_bytes < kTooLittle) {
        ExtractedText again = extract(root, page, title, cut_markers, want_html, false);
        if (again.text_bytes > out.text_bytes * 2) {
            again.chosen_by += " (classes not judged)";
            return again;
        }
    }
    return out;
}

}  // namespace feedd::html
