// Why a hand-written attribute rewriter and not an HTML parser: the only parser in the stack that
// could read fragments is pugixml, and these fragments are HTML, not XML (md4c writes <br>, <img>
// without a slash; raw HTML from Markdown may be sloppier). A full HTML5 tokenizer (gumbo,
// lexbor) is not among the project's dependencies, and a parse-and-reserialize would also change
// bytes we have no reason to touch. The rewriter follows the HTML tokenizer's rules for what
// matters here: comments, CDATA, doctype/processing instructions, raw-text elements (script,
// style, textarea, title) and quoted/unquoted attribute values, and copies everything else as is.
#include "feed/html_links.h"
#include "content/text_clean.h"

#include <algorithm>
#include <cctype>
#include <cstdint>
#include <optional>

#include "feed/url.h"

namespace feedd::detail {
namespace {

bool is_space(char c) {
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f';
}

std::string lower(std::string_view s) {
    std::string out(s);
    for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return out;
}

bool iequals_at(std::string_view text, std::size_t pos, std::string_view word) {
    if (text.size() - pos < word.size()) return false;
    for (std::size_t i = 0; i < word.size(); ++i) {
        if (std::tolower(static_cast<unsigned char>(text[pos + i])) != word[i]) return false;
    }
    return true;
}

// Which attributes of which elements hold a URL (srcset: a list of them).
enum class UrlKind { none, single, srcset };

UrlKind url_kind(std::string_view tag, std::string_view attr) {
    if (attr == "href") return (tag == "a" || tag == "area") ? UrlKind::single : UrlKind::none;
    if (attr == "src") {
        return (tag == "img" || tag == "source" || tag == "audio" || tag == "video" ||
                tag == "iframe" || tag == "track")
                   ? UrlKind::single
                   : UrlKind::none;
    }
    if (attr == "poster") return tag == "video" ? UrlKind::single : UrlKind::none;
    if (attr == "srcset")
        return (tag == "img" || tag == "source") ? UrlKind::srcset : UrlKind::none;
    return UrlKind::none;
}

void append_utf8(std::string& out, std::uint32_t cp) {
    if (cp == 0 || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) cp = 0xFFFD;
    encode_utf8(out, cp);
}

// Decodes the character references that occur in URL attributes (md4c writes &amp; and numeric
// references; the named ones beyond the XML five do not occur in URLs). Returns false when the
// value holds a reference we do not know, so the caller leaves that attribute untouched.
bool decode_entities(std::string_view in, std::string& out) {
    out.clear();
    for (std::size_t i = 0; i < in.size(); ++i) {
        if (in[i] != '&') {
            out += in[i];
            continue;
        }
        const std::size_t semi = in.find(';', i);
        if (semi == std::string_view::npos) return false;
        const std::string_view name = in.substr(i + 1, semi - i - 1);
        if (name == "amp") {
            out += '&';
        } else if (name == "quot") {
            out += '"';
        } else if (name == "apos") {
            out += '\'';
        } else if (name == "lt") {
            out += '<';
        } else if (name == "gt") {
            out += '>';
        } else if (name.size() >= 2 && name[0] == '#') {
            const bool hex = name[1] == 'x' || name[1] == 'X';
            const std::string_view digits = name.substr(hex ? 2 : 1);
            if (digits.empty() || digits.size() > 8) return false;
            std::uint32_t cp = 0;
            for (const char c : digits) {
                const int d = std::isdigit(static_cast<unsigned char>(c)) ? c - '0'
                              : hex && std::isxdigit(static_cast<unsigned char>(c))
                                  ? std::tolower(static_cast<unsigned char>(c)) - 'a' + 10
                                  : -1;
                if (d < 0) return false;
                cp = cp * (hex ? 16 : 10) + static_cast<std::uint32_t>(d);
            }
            append_utf8(out, cp);
        } else {
            return false;
        }
        i = semi;
    }
    return true;
}

std::string_view trim(std::string_view s) {
    while (!s.empty() && is_space(s.front())) s.remove_prefix(1);
    while (!s.empty() && is_space(s.back())) s.remove_suffix(1);
    return s;
}

// Returns the resolved URL, or nothing when the value must stay as written.
std::optional<std::string> resolve_single(std::string_view value, std::string_view base) {
    const std::string_view url = trim(value);
    if (has_scheme(url)) return std::nullopt;
    std::string resolved = resolve_url(base, url);
    if (resolved.empty()) return std::nullopt;
    return resolved;
}

// "a.png 1x, b.png 2x" → each URL resolved. A srcset is "simple" when every candidate is a URL
// followed by at most one descriptor; anything else (e.g. a data: URL holding commas) is left
// alone.
std::optional<std::string> resolve_srcset(std::string_view value, std::string_view base) {
    std::string out;
    bool changed = false;
    std::size_t pos = 0;
    while (pos <= value.size()) {
        std::size_t comma = value.find(',', pos);
        if (comma == std::string_view::npos) comma = value.size();
        const std::string_view candidate = trim(value.substr(pos, comma - pos));
        if (candidate.empty()) return std::nullopt;
        std::size_t split = 0;
        while (split < candidate.size() && !is_space(candidate[split])) ++split;
        const std::string_view url = candidate.substr(0, split);
        const std::string_view descriptor = trim(candidate.substr(split));
        if (descriptor.find_first_of(" \t\n\r\f") != std::string_view::npos) return std::nullopt;
        if (has_scheme(url)) {
            if (url.find(',') != std::string_view::npos) return std::nullopt;
            if (!out.empty()) out += ", ";
            out += candidate;
        } else {
            const std::string resolved = resolve_url(base, url);
            if (resolved.empty()) return std::nullopt;
            if (!out.empty()) out += ", ";
            out += resolved;
            if (!descriptor.empty()) {
                out += ' ';
                out += descriptor;
            }
            changed = true;
        }
        pos = comma + 1;
        if (comma == value.size()) break;
    }
    if (!changed) return std::nullopt;
    return out;
}

class Rewriter {
  public:
    Rewriter(std::string_view html, std::string_view base) : html_(html), base_(base) {}

    std::string run() {
        out_.reserve(html_.size() + html_.size() / 8);
        while (pos_ < html_.size()) {
            const std::size_t lt = html_.find('<', pos_);
            if (lt == std::string_view::npos) break;
            copy_to(lt);
            if (iequals_at(html_, lt, "<!--")) {
                skip_past(lt + 4, "-->");
            } else if (iequals_at(html_, lt, "<![cdata[")) {
                skip_past(lt + 9, "]]>");
            } else if (lt + 1 < html_.size() &&
                       (html_[lt + 1] == '!' || html_[lt + 1] == '?' || html_[lt + 1] == '/')) {
                skip_past(lt + 1, ">");
            } else if (lt + 1 < html_.size() &&
                       std::isalpha(static_cast<unsigned char>(html_[lt + 1]))) {
                start_tag(lt);
            } else {
                copy_to(lt + 1);  // a stray '<' in text
            }
        }
        copy_to(html_.size());
        return std::move(out_);
    }

  private:
    void copy_to(std::size_t end) {
        out_.append(html_.substr(pos_, end - pos_));
        pos_ = end;
    }

    void skip_past(std::size_t from, std::string_view terminator) {
        const std::size_t at = html_.find(terminator, from);
        copy_to(at == std::string_view::npos ? html_.size() : at + terminator.size());
    }

    void start_tag(std::size_t lt) {
        std::size_t i = lt + 1;
        while (i < html_.size() && !is_space(html_[i]) && html_[i] != '>' && html_[i] != '/') ++i;
        const std::string tag = lower(html_.substr(lt + 1, i - lt - 1));
        copy_to(i);
        while (pos_ < html_.size()) {
            while (pos_ < html_.size() && (is_space(html_[pos_]) || html_[pos_] == '/'))
                copy_to(pos_ + 1);
            if (pos_ >= html_.size()) break;
            if (html_[pos_] == '>') {
                copy_to(pos_ + 1);
                break;
            }
            attribute(tag);
        }
        if (tag == "script" || tag == "style" || tag == "textarea" || tag == "title") {
            skip_raw_text(tag);
        }
    }

    void attribute(const std::string& tag) {
        const std::size_t name_start = pos_;
        std::size_t i = pos_ + 1;  // the first character belongs to the name, even '='
        while (i < html_.size() && !is_space(html_[i]) && html_[i] != '>' && html_[i] != '/' &&
               html_[i] != '=') {
            ++i;
        }
        const std::string name = lower(html_.substr(name_start, i - name_start));
        std::size_t j = i;
        while (j < html_.size() && is_space(html_[j])) ++j;
        if (j >= html_.size() || html_[j] != '=') {
            copy_to(i);  // an attribute without a value
            return;
        }
        ++j;
        while (j < html_.size() && is_space(html_[j])) ++j;
        std::size_t value_start = j;
        std::size_t value_end = j;
        std::size_t attr_end = j;
        if (j < html_.size() && (html_[j] == '"' || html_[j] == '\'')) {
            const std::size_t close = html_.find(html_[j], j + 1);
            value_start = j + 1;
            value_end = close == std::string_view::npos ? html_.size() : close;
            attr_end = close == std::string_view::npos ? html_.size() : close + 1;
        } else {
            while (value_end < html_.size() && !is_space(html_[value_end]) &&
                   html_[value_end] != '>') {
                ++value_end;
            }
            attr_end = value_end;
        }
        const UrlKind kind = url_kind(tag, name);
        std::string decoded;
        std::optional<std::string> replaced;
        if (kind != UrlKind::none &&
            decode_entities(html_.substr(value_start, value_end - value_start), decoded)) {
            replaced = kind == UrlKind::single ? resolve_single(decoded, base_)
                                               : resolve_srcset(decoded, base_);
        }
        if (!replaced) {
            copy_to(attr_end);
            return;
        }
        out_.append(html_.substr(name_start, i - name_start));
        out_ += "=\"";
        out_ += escape_html(*replaced);
        out_ += '"';
        pos_ = attr_end;
    }

    void skip_raw_text(const std::string& tag) {
        const std::string close = "</" + tag;
        std::size_t at = pos_;
        while (true) {
            at = html_.find("</", at);
            if (at == std::string_view::npos) {
                copy_to(html_.size());
                return;
            }
            if (iequals_at(html_, at, close)) {
                copy_to(at);
                return;
            }
            at += 2;
        }
    }

    std::string_view html_;
    std::string_view base_;
    std::string out_;
    std::size_t pos_ = 0;
};

}  // namespace

std::string absolutize_links(std::string_view html, std::string_view base) {
    return Rewriter(html, base).run();
}

}  // namespace feedd::detail
