// Front matter and sidecars are read with libyaml's document loader (yaml_parser_load), not
// yaml-cpp: yaml-cpp's regex-driven scanner and shared node graph cost about 35-40 us for a
// typical six-key front matter, which alone made a 10k-article cold start take 350+ ms; libyaml
// reads the same text in a few microseconds (see bench/content_parse_bench --front-matter). Its
// document API rather than the bare event stream: the tree is the library's, resolves aliases
// like yaml-cpp did, and keeps each node's start mark for the error lines, while the extra cost
// over events is small next to the rest of an article. (libfyaml would do too but is not
// installed here; libyaml is the older, more widely packaged of the two.) The config loader keeps
// yaml-cpp: it runs once.
#include "content/metadata.h"

#include <yaml.h>

#include <algorithm>
#include <charconv>
#include <exception>
#include <memory>
#include <set>

#include "content/dates.h"
#include "content/meta_tree.h"
#include "content/text_clean.h"

namespace feedd {
namespace {

// What yaml-cpp called Null: an empty or "~"/"null" plain scalar (a quoted one is text).
bool is_null_text(std::string_view s) {
    return s.empty() || s == "~" || s == "null" || s == "Null" || s == "NULL";
}

// A node of a document libyaml loaded: nullptr stands for "absent".
class LoadedNode {
  public:
    LoadedNode(yaml_document_t* doc, yaml_node_t* node) : doc_(doc), node_(node) {}

    bool defined() const { return node_ != nullptr; }
    // What yaml-cpp called Null: an empty or "~"/"null" plain scalar (a quoted one is text).
    bool is_null() const {
        if (!node_) return true;
        if (node_->type != YAML_SCALAR_NODE) return false;
        if (node_->data.scalar.style != YAML_PLAIN_SCALAR_STYLE) return false;
        return is_null_text(scalar());
    }
    bool is_scalar() const { return node_ && node_->type == YAML_SCALAR_NODE && !is_null(); }
    bool is_sequence() const { return node_ && node_->type == YAML_SEQUENCE_NODE; }
    bool is_map() const { return node_ && node_->type == YAML_MAPPING_NODE; }
    std::string_view scalar() const {
        return {reinterpret_cast<const char*>(node_->data.scalar.value), node_->data.scalar.length};
    }
    int line() const { return node_ ? static_cast<int>(node_->start_mark.line) : -1; }

    template <typename F>
    void each_item(F&& f) const {
        for (auto* i = node_->data.sequence.items.start; i < node_->data.sequence.items.top; ++i) {
            f(LoadedNode(doc_, yaml_document_get_node(doc_, *i)));
        }
    }
    template <typename F>
    void each_pair(F&& f) const {
        for (auto* p = node_->data.mapping.pairs.start; p < node_->data.mapping.pairs.top; ++p) {
            f(LoadedNode(doc_, yaml_document_get_node(doc_, p->key)),
              LoadedNode(doc_, yaml_document_get_node(doc_, p->value)));
        }
    }

  private:
    yaml_document_t* doc_;
    yaml_node_t* node_;
};

// --- Flat front matter, read without libyaml ---------------------------------------------------
//
// libyaml's scanner costs about 35,000 instructions for a five-line front matter (a fresh 64 KB
// parser, a token and a copy per scalar): at 10k articles that was 40% of the CPU time of reading
// them, and so the largest part of a cold start. Nearly all front matter is flat: one "key: value"
// per line, values plain or simply quoted, lists in [brackets] or as "- item" lines. FlatYaml
// reads only that, exactly as libyaml does, straight from the text; anything else (nesting,
// escapes, multi-line scalars, anchors, tags, comments after values, tabs, any character libyaml
// treats specially) makes it give up, and the text goes to libyaml. tests/content/metadata_test.cpp
// and the front_matter fuzz target check that both readings agree wherever FlatYaml reads.

struct FlatScalar {
    std::string_view text;
    int line = 0;  // 0-based, in the YAML text
    bool plain = true;
};

struct FlatValue {
    FlatScalar scalar;
    bool sequence = false;
    std::size_t first = 0, count = 0;  // the sequence's items in FlatDoc::items
    int line = 0;
};

struct FlatDoc {
    std::vector<std::pair<FlatScalar, FlatValue>> pairs;
    std::vector<FlatScalar> items;
};

// Characters whose meaning to libyaml goes beyond "a character": line breaks other than '\n'
// (CR, NEL, U+2028, U+2029), tabs, C1 controls, byte order marks, noncharacters, and whatever
// is_clean_text refuses (invalid UTF-8, C0 controls).
bool has_special_characters(std::string_view yaml) {
    if (!is_clean_text(yaml)) return true;
    for (std::size_t i = 0; i < yaml.size(); ++i) {
        const auto c = static_cast<unsigned char>(yaml[i]);
        if (c < 0x80) {
            if (c == '\t' || c == 0x7F) return true;
            continue;
        }
        const auto next = [&](std::size_t k) {
            return i + k < yaml.size() ? static_cast<unsigned char>(yaml[i + k]) : 0;
        };
        if (c == 0xC2 && next(1) < 0xA0) return true;
        if (c == 0xE2 && next(1) == 0x80 && (next(2) == 0xA8 || next(2) == 0xA9)) return true;
        if (c == 0xEF &&
            ((next(1) == 0xBB && next(2) == 0xBF) || (next(1) == 0xBF && next(2) >= 0xBE))) {
            return true;
        }
    }
    return false;
}

std::string_view trim_right_spaces(std::string_view s) {
    while (!s.empty() && s.back() == ' ') s.remove_suffix(1);
    return s;
}

class FlatYaml {
  public:
    // The document, or nullopt when the text is not flat (then libyaml reads it).
    static std::optional<FlatDoc> read(std::string_view yaml) {
        if (has_special_characters(yaml)) return std::nullopt;
        FlatYaml reader;
        if (!reader.read_lines(yaml) || reader.doc_.pairs.empty()) return std::nullopt;
        return std::move(reader.doc_);
    }

  private:
    FlatDoc doc_;

    static bool is_key_char(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
               c == '_' || c == '-' || c == '.';
    }
    static bool starts_with_indicator(char c) {
        return std::string_view("-?:,[]{}#&*!|>'\"%@`").find(c) != std::string_view::npos;
    }

    // A quoted scalar at the start of `rest` (single or double quotes, no escapes, on one line);
    // `rest` is left after the closing quote.
    static std::optional<FlatScalar> quoted(std::string_view& rest, int line) {
        const char quote = rest.front();
        const auto close = rest.find(quote, 1);
        if (close == std::string_view::npos) return std::nullopt;
        const auto text = rest.substr(1, close - 1);
        if (quote == '"' && text.find('\\') != std::string_view::npos) return std::nullopt;
        if (quote == '\'' && close + 1 < rest.size() && rest[close + 1] == '\'')
            return std::nullopt;
        rest.remove_prefix(close + 1);
        return FlatScalar{text, line, false};
    }

    // A value in block context: the rest of a line after "key: " or "- ".
    static std::optional<FlatScalar> block_scalar(std::string_view rest, int line) {
        rest.remove_prefix(std::min(rest.find_first_not_of(' '), rest.size()));
        rest = trim_right_spaces(rest);
        if (rest.empty()) return std::nullopt;
        if (rest.front() == '"' || rest.front() == '\'') {
            auto scalar = quoted(rest, line);
            if (!scalar || !trim_right_spaces(rest).empty()) return std::nullopt;
            return scalar;
        }
        if (starts_with_indicator(rest.front())) return std::nullopt;
        if (rest.find(": ") != std::string_view::npos || rest.back() == ':' ||
            rest.find(" #") != std::string_view::npos) {
            return std::nullopt;
        }
        return FlatScalar{rest, line, true};
    }

    // "[a, "b", c]" on one line.
    bool flow_sequence(std::string_view rest, int line, FlatValue& value) {
        value.sequence = true;
        value.first = doc_.items.size();
        value.line = line;
        rest.remove_prefix(1);  // '['
        const auto skip_spaces = [&] {
            while (!rest.empty() && rest.front() == ' ') rest.remove_prefix(1);
        };
        skip_spaces();
        if (!rest.empty() && rest.front() == ']') {
            rest.remove_prefix(1);
            return trim_right_spaces(rest).empty();
        }
        while (true) {
            skip_spaces();
            if (rest.empty()) return false;
            if (rest.front() == '"' || rest.front() == '\'') {
                auto item = quoted(rest, line);
                if (!item) return false;
                doc_.items.push_back(*item);
            } else {
                if (starts_with_indicator(rest.front())) return false;
                const auto end = rest.find_first_of(",[]{}#:?\"'");
                if (end == std::string_view::npos) return false;
                doc_.items.push_back({trim_right_spaces(rest.substr(0, end)), line, true});
                rest.remove_prefix(end);
            }
            ++value.count;
            skip_spaces();
            if (rest.empty()) return false;
            if (rest.front() == ']') {
                rest.remove_prefix(1);
                return trim_right_spaces(rest).empty();
            }
            if (rest.front() != ',') return false;
            rest.remove_prefix(1);
        }
    }

    bool read_lines(std::string_view yaml) {
        FlatValue* open_list =
            nullptr;  // a "key:" with nothing after it, which "- item" lines fill
        std::size_t list_indent = 0;
        int line = 0;
        for (std::size_t pos = 0; pos < yaml.size(); ++line) {
            auto end = yaml.find('\n', pos);
            if (end == std::string_view::npos) end = yaml.size();
            const std::string_view text = yaml.substr(pos, end - pos);
            pos = end + 1;
            if (trim_right_spaces(text).empty() || text.front() == '#') continue;
            const auto indent = text.find_first_not_of(' ');
            if (text.substr(indent).starts_with("- ")) {
                if (!open_list || (open_list->count > 0 && indent != list_indent)) return false;
                if (open_list->count == 0) {
                    open_list->sequence = true;
                    open_list->first = doc_.items.size();
                    open_list->line = line;
                    list_indent = indent;
                }
                auto item = block_scalar(text.substr(indent + 2), line);
                if (!item) return false;
                doc_.items.push_back(*item);
                ++open_list->count;
                continue;
            }
            if (indent != 0) return false;
            open_list = nullptr;
            // "key:" then nothing, or ": " and a value.
            std::size_t key_end = 0;
            while (key_end < text.size() && is_key_char(text[key_end])) ++key_end;
            if (key_end == 0 || key_end > 100 || text.front() == '-' || text.front() == '.' ||
                key_end == text.size() || text[key_end] != ':') {
                return false;
            }
            FlatScalar key{text.substr(0, key_end), line, true};
            std::string_view rest = text.substr(key_end + 1);
            FlatValue value;
            value.line = line;
            if (trim_right_spaces(rest).empty()) {
                value.scalar = {{}, line, true};  // null, unless "- item" lines follow
                doc_.pairs.emplace_back(key, value);
                open_list = &doc_.pairs.back().second;
                continue;
            }
            if (rest.front() != ' ') return false;
            rest.remove_prefix(rest.find_first_not_of(' '));
            if (rest.front() == '[') {
                if (!flow_sequence(rest, line, value)) return false;
            } else {
                auto scalar = block_scalar(rest, line);
                if (!scalar) return false;
                value.scalar = *scalar;
            }
            doc_.pairs.emplace_back(key, value);
        }
        return true;
    }
};

// A node of a FlatDoc, with LoadedNode's interface (for Reader).
class FlatNode {
  public:
    static FlatNode root(const FlatDoc& doc) { return FlatNode(&doc, Kind::map, nullptr, nullptr); }
    static FlatNode of(const FlatDoc& doc, const FlatScalar& scalar) {
        return FlatNode(&doc, Kind::scalar, &scalar, nullptr);
    }
    static FlatNode of(const FlatDoc& doc, const FlatValue& value) {
        return value.sequence ? FlatNode(&doc, Kind::sequence, nullptr, &value)
                              : FlatNode(&doc, Kind::scalar, &value.scalar, nullptr);
    }

    bool defined() const { return true; }
    bool is_null() const {
        return kind_ == Kind::scalar && scalar_->plain && is_null_text(scalar_->text);
    }
    bool is_scalar() const { return kind_ == Kind::scalar && !is_null(); }
    bool is_sequence() const { return kind_ == Kind::sequence; }
    bool is_map() const { return kind_ == Kind::map; }
    std::string_view scalar() const { return scalar_->text; }
    int line() const {
        if (kind_ == Kind::scalar) return scalar_->line;
        if (kind_ == Kind::sequence) return value_->line;
        return doc_->pairs.front().first.line;
    }

    template <typename F>
    void each_item(F&& f) const {
        for (std::size_t i = value_->first; i < value_->first + value_->count; ++i) {
            f(of(*doc_, doc_->items[i]));
        }
    }
    template <typename F>
    void each_pair(F&& f) const {
        for (const auto& [key, value] : doc_->pairs) f(of(*doc_, key), of(*doc_, value));
    }

  private:
    enum class Kind { map, scalar, sequence };
    FlatNode(const FlatDoc* doc, Kind kind, const FlatScalar* scalar, const FlatValue* value)
        : doc_(doc), kind_(kind), scalar_(scalar), value_(value) {}

    const FlatDoc* doc_;
    Kind kind_;
    const FlatScalar* scalar_;
    const FlatValue* value_;
};

// yaml-cpp's convert<bool> rules, which the tests and existing sites rely on: y/n, yes/no,
// true/false, on/off, each all lower case, all upper case or capitalised.
std::optional<bool> to_bool(std::string_view s) {
    if (s.empty()) return std::nullopt;
    const auto is_upper = [](char c) { return c >= 'A' && c <= 'Z'; };
    const auto is_lower = [](char c) { return c >= 'a' && c <= 'z'; };
    const bool rest_lower = std::all_of(s.begin() + 1, s.end(), is_lower);
    const bool rest_upper = std::all_of(s.begin() + 1, s.end(), is_upper);
    const bool flexible = (is_lower(s[0]) && rest_lower) || (is_upper(s[0]) && rest_lower) ||
                          (is_upper(s[0]) && rest_upper);
    if (!flexible) return std::nullopt;
    std::string lower(s);
    for (char& c : lower) {
        if (is_upper(c)) c = static_cast<char>(c - 'A' + 'a');
    }
    if (lower == "y" || lower == "yes" || lower == "true" || lower == "on") return true;
    if (lower == "n" || lower == "no" || lower == "false" || lower == "off") return false;
    return std::nullopt;
}

// A node of a MetaNode tree (TOML, JSON, Pelican), with LoadedNode's interface.
class TreeNode {
  public:
    explicit TreeNode(const MetaNode* node) : node_(node) {}

    bool defined() const { return node_ != nullptr; }
    bool is_null() const { return !node_ || node_->kind == MetaNode::Kind::null; }
    bool is_scalar() const { return node_ && node_->kind == MetaNode::Kind::scalar; }
    bool is_sequence() const { return node_ && node_->kind == MetaNode::Kind::sequence; }
    bool is_map() const { return node_ && node_->kind == MetaNode::Kind::map; }
    std::string_view scalar() const { return node_->text; }
    int line() const { return node_ ? node_->line : -1; }

    template <typename F>
    void each_item(F&& f) const {
        for (const auto& item : node_->items) f(TreeNode(&item));
    }
    template <typename F>
    void each_pair(F&& f) const {
        for (std::size_t i = 0; i + 1 < node_->items.size(); i += 2) {
            f(TreeNode(&node_->items[i]), TreeNode(&node_->items[i + 1]));
        }
    }

  private:
    const MetaNode* node_;
};

// The generators' names for metadata keys (lower case; a key matches in any case). Where several
// set one field, the highest rank wins whatever their order; docs/content.md lists them.
struct KeyName {
    std::string_view name;
    MetadataKey key;
    int rank;
};
constexpr KeyName kKeyNames[] = {
    {"title", MetadataKey::title, 0},
    {"date", MetadataKey::date, 0},
    // Hugo's publishDate (and its aliases): when the article may be published; `date` is the
    // date its feeds show (Hugo's .Date), and stands in for the other when alone.
    {"published", MetadataKey::published, 0},  // a date, or true/false
    {"pubdate", MetadataKey::publish_date, 1},
    {"publishdate", MetadataKey::publish_date, 2},
    {"updated", MetadataKey::updated, 2},
    {"lastmod", MetadataKey::updated, 1},
    {"modified", MetadataKey::updated, 0},
    {"expirydate", MetadataKey::expires, 1},
    {"expires", MetadataKey::expires, 0},
    {"author", MetadataKey::author, 1},
    {"authors", MetadataKey::authors, 0},
    {"tags", MetadataKey::tags, 0},
    {"categories", MetadataKey::categories, 1},
    {"category", MetadataKey::categories, 0},
    {"taxonomies", MetadataKey::taxonomies, 0},
    {"summary", MetadataKey::summary, 2},
    {"description", MetadataKey::summary, 1},
    {"excerpt", MetadataKey::summary, 0},
    {"draft", MetadataKey::draft, 0},
    {"status", MetadataKey::status, 0},
    {"id", MetadataKey::id, 0},
    {"url", MetadataKey::url, 1},
    {"permalink", MetadataKey::url, 0},
    {"image", MetadataKey::image, 2},
    {"images", MetadataKey::images, 1},
    {"cover", MetadataKey::cover, 0},
    {"lang", MetadataKey::lang, 0},
    {"slug", MetadataKey::slug, 0},
    {"enclosure", MetadataKey::enclosure, 0},
    {"episode", MetadataKey::episode, 0},
    {"season", MetadataKey::season, 0},
    {"episode_type", MetadataKey::episode_type, 0},
    {"explicit", MetadataKey::explicit_content, 0},
    {"transcript", MetadataKey::transcript, 0},
    {"chapters", MetadataKey::chapters, 0},
    {"persons", MetadataKey::persons, 0},
    {"soundbites", MetadataKey::soundbites, 0},
};

// A site's own name (content.keys) outranks every generator's.
constexpr int kSiteKeyRank = 100;

bool equals_lower(std::string_view name, std::string_view lower) {
    if (name.size() != lower.size()) return false;
    for (std::size_t i = 0; i < name.size(); ++i) {
        char c = name[i];
        if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
        if (c != lower[i]) return false;
    }
    return true;
}

bool equals_any_case(std::string_view a, std::string_view b) {
    if (a.size() != b.size()) return false;
    for (std::size_t i = 0; i < a.size(); ++i) {
        if (std::tolower(static_cast<unsigned char>(a[i])) !=
            std::tolower(static_cast<unsigned char>(b[i])))
            return false;
    }
    return true;
}

// Reads metadata from the root of a document: a LoadedNode or a FlatNode.
template <typename Node>
class Reader {
  public:
    Reader(const MetadataSource& source, std::vector<Problem>& problems)
        : source_(source), problems_(problems) {}

    bool failed() const { return failed_; }

    int line_of(const Node& node) const {
        const int line = node.line();
        return line < 0 ? source_.first_line : source_.first_line + line;
    }
    void error(const Node& at, std::string message) {
        problems_.push_back(
            {std::string(source_.path), line_of(at), std::move(message), Severity::error});
        failed_ = true;
    }
    void warning(const Node& at, std::string message) {
        problems_.push_back(
            {std::string(source_.path), line_of(at), std::move(message), Severity::warning});
    }

    static std::string kind(const Node& node) {
        if (node.is_sequence()) return "a list";
        if (node.is_map()) return "a mapping";
        return "text";
    }

    std::optional<std::string> text(const std::string& key, const Node& key_node,
                                    const Node& value) {
        if (value.is_scalar()) return std::string(trim(value.scalar()));
        error(key_node, "'" + key + "' must be text, not " + kind(value));
        return std::nullopt;
    }

    // `optional_for_publishing`: a date the article can be published without (when it was last
    // updated): one that cannot be read is a warning and is left out, as generators do, rather
    // than an error that keeps the whole article off the feed.
    std::optional<Seconds> date(const std::string& key, const Node& key_node, const Node& value,
                                bool optional_for_publishing = false) {
        const auto s = text(key, key_node, value);
        if (!s) return std::nullopt;
        auto parsed = parse_date(*s, source_.timezone, source_.reference);
        if (!parsed) {
            if (optional_for_publishing) {
                warning(key_node, "'" + key + "': " + parsed.error() + "; left out");
            } else {
                error(key_node, "'" + key + "': " + parsed.error());
            }
            return std::nullopt;
        }
        return *parsed;
    }

    // A YAML list of words, or one string of comma-separated words ("a, b"); for Jekyll, a
    // string without commas is words separated by spaces.
    std::optional<std::vector<std::string>> words(const std::string& key, const Node& key_node,
                                                  const Node& value,
                                                  bool may_split_on_spaces = true) {
        std::vector<std::string> raw;
        if (value.is_scalar() && may_split_on_spaces && source_.split_words_on_spaces &&
            value.scalar().find(',') == std::string_view::npos) {
            std::string_view rest = value.scalar();
            while (!rest.empty()) {
                const auto space = rest.find_first_of(" \t");
                raw.emplace_back(rest.substr(0, space));
                if (space == std::string_view::npos) break;
                rest.remove_prefix(space + 1);
            }
        } else if (value.is_scalar()) {
            std::string_view rest = value.scalar();
            while (true) {
                const auto comma = rest.find(',');
                raw.emplace_back(trim(rest.substr(0, comma)));
                if (comma == std::string_view::npos) break;
                rest.remove_prefix(comma + 1);
            }
        } else if (value.is_sequence()) {
            bool ok = true;
            value.each_item([&](const Node& item) {
                if (!ok || item.is_null()) return;
                if (!item.is_scalar()) {
                    error(item, "'" + key + "' items must be text, not " + kind(item));
                    ok = false;
                    return;
                }
                raw.emplace_back(trim(item.scalar()));
            });
            if (!ok) return std::nullopt;
        } else {
            error(key_node,
                  "'" + key + "' must be a list or a comma-separated string, not " + kind(value));
            return std::nullopt;
        }
        std::vector<std::string> out;
        out.reserve(raw.size());
        for (auto& w : raw) {
            if (!w.empty() && std::find(out.begin(), out.end(), w) == out.end()) {
                out.push_back(std::move(w));
            }
        }
        return out;
    }

    // "Jane Doe" or "Jane Doe <jane@example.org>".
    static Person person_from_text(std::string_view text) {
        Person p;
        const std::string_view s = trim(text);
        const auto lt = s.rfind('<');
        if (lt != std::string_view::npos && s.ends_with('>')) {
            p.email = std::string(trim(s.substr(lt + 1, s.size() - lt - 2)));
            p.name = std::string(trim(s.substr(0, lt)));
        } else {
            p.name = std::string(s);
        }
        return p;
    }

    // "Jane Doe", "Jane Doe <jane@example.org>" or {name, email}.
    std::optional<Person> person(const Node& key_node, const Node& value) {
        Person p;
        if (value.is_scalar()) return person_from_text(value.scalar());
        if (!value.is_map()) {
            error(key_node, "'author' must be a name or {name, email}, not " + kind(value));
            return std::nullopt;
        }
        bool ok = true;
        value.each_pair([&](const Node& k, const Node& v) {
            if (!ok) return;
            const std::string sub(k.is_scalar() ? k.scalar() : std::string_view{});
            std::string* field = sub == "name" ? &p.name : sub == "email" ? &p.email : nullptr;
            if (!field) {
                warn_unknown(k, "author." + sub);
                return;
            }
            if (v.is_null()) return;
            auto t = text("author." + sub, k, v);
            if (!t) {
                ok = false;
                return;
            }
            *field = std::move(*t);
        });
        if (!ok) return std::nullopt;
        return p;
    }

    std::optional<Enclosure> enclosure(const Node& key_node, const Node& value) {
        // `enclosure: 042-guest.mp3`: a media file beside the article (or a URL); the scan
        // reads its length, type and duration (content/scan.cpp).
        if (value.is_scalar()) {
            Enclosure e;
            e.url = std::string(trim(value.scalar()));
            if (!e.url.empty()) return e;
        }
        if (!value.is_map()) {
            error(key_node,
                  "'enclosure' must be a file, a URL or a mapping {url, length, type}, not " +
                      kind(value));
            return std::nullopt;
        }
        Enclosure e;
        bool ok = true;
        value.each_pair([&](const Node& k, const Node& val) {
            if (!ok) return;
            const std::string sub(k.is_scalar() ? k.scalar() : std::string_view{});
            if (sub != "url" && sub != "length" && sub != "type") {
                warn_unknown(k, "enclosure." + sub);
                return;
            }
            auto v = text("enclosure." + sub, k, val);
            if (!v) {
                ok = false;
                return;
            }
            if (sub == "url") e.url = *v;
            if (sub == "type") e.type = *v;
            if (sub == "length") {
                const auto* end = v->data() + v->size();
                const auto [ptr, ec] = std::from_chars(v->data(), end, e.length);
                if (v->empty() || ec != std::errc{} || ptr != end) {
                    error(k,
                          "'enclosure.length' must be a whole number of bytes, not '" + *v + "'");
                    ok = false;
                }
            }
        });
        if (!ok) return std::nullopt;
        if (e.url.empty()) {
            error(key_node, "'enclosure' needs a 'url'");
            return std::nullopt;
        }
        return e;
    }

    // A whole number within [min, max] ("episode: 42").
    std::optional<long long> whole(const std::string& key, const Node& key_node, const Node& value,
                                   long long min, long long max) {
        const auto t = text(key, key_node, value);
        if (!t) return std::nullopt;
        long long n = 0;
        const auto* end = t->data() + t->size();
        const auto [ptr, ec] = std::from_chars(t->data(), end, n);
        if (t->empty() || ec != std::errc{} || ptr != end || n < min || n > max) {
            error(key_node, "'" + key + "' must be a whole number from " + std::to_string(min) +
                                " to " + std::to_string(max) + ", not '" + *t + "'");
            return std::nullopt;
        }
        return n;
    }

    // Seconds as a number ("12.5"), or [HH:]MM:SS[.fff] as apps show them.
    std::optional<double> seconds(const std::string& key, const Node& key_node,
                                  const std::optional<std::string>& t) {
        if (!t) return std::nullopt;
        double total = 0;
        int parts = 0;
        std::string_view rest = *t;
        bool ok = !rest.empty();
        while (ok && !rest.empty()) {
            const auto colon = rest.find(':');
            const std::string_view part = rest.substr(0, colon);
            double v = 0;
            const auto [ptr, ec] = std::from_chars(part.data(), part.data() + part.size(), v);
            ok = !part.empty() && ec == std::errc{} && ptr == part.data() + part.size() && v >= 0 &&
                 v < 1e9 && ++parts <= 3;
            total = total * 60 + v;
            if (colon == std::string_view::npos) break;
            rest.remove_prefix(colon + 1);
            ok = ok && !rest.empty();
        }
        if (!ok) {
            error(key_node, "'" + key + "' must be seconds (90.5) or [HH:]MM:SS, not '" + *t + "'");
            return std::nullopt;
        }
        return total;
    }

    std::optional<std::string> episode_type(const std::string& key, const Node& k, const Node& v) {
        auto t = text(key, k, v);
        if (!t) return std::nullopt;
        if (*t != "full" && *t != "trailer" && *t != "bonus") {
            error(k, "'" + key + "' must be full, trailer or bonus, not '" + *t + "'");
            return std::nullopt;
        }
        return t;
    }

    std::optional<bool> flag(const std::string& key, const Node& k, const Node& v) {
        const auto b = v.is_scalar() ? to_bool(v.scalar()) : std::nullopt;
        if (!b) {
            error(k, "'" + key + "' must be true or false, not " +
                         (v.is_scalar() ? "'" + std::string(v.scalar()) + "'" : kind(v)));
        }
        return b;
    }

    // Each item of a list of mappings, with its known sub-keys' text; unknown ones are warned
    // about. False after an error.
    template <typename F>
    bool each_record(const std::string& key, const Node& k, const Node& v,
                     std::initializer_list<std::string_view> fields, F&& on_item) {
        if (!v.is_sequence()) {
            error(k, "'" + key + "' must be a list of mappings, not " + kind(v));
            return false;
        }
        bool ok = true;
        v.each_item([&](const Node& item) {
            if (!ok || item.is_null()) return;
            if (!item.is_map()) {
                error(item, "'" + key + "' items must be mappings, not " + kind(item));
                ok = false;
                return;
            }
            std::vector<std::pair<std::string, std::pair<std::string, Node>>> values;
            item.each_pair([&](const Node& sub_k, const Node& sub_v) {
                if (!ok) return;
                const std::string sub(sub_k.is_scalar() ? sub_k.scalar() : std::string_view{});
                if (std::find(fields.begin(), fields.end(), sub) == fields.end()) {
                    warn_unknown(sub_k, key + "." + sub);
                    return;
                }
                if (sub_v.is_null()) return;
                auto t = text(key + "." + sub, sub_k, sub_v);
                if (!t) {
                    ok = false;
                    return;
                }
                values.push_back({sub, {std::move(*t), sub_k}});
            });
            if (ok) ok = on_item(item, values);
        });
        return ok;
    }

    // persons: [{name, role, group, href, img}] (podcast:person).
    std::optional<std::vector<EpisodePerson>> persons(const std::string& key, const Node& k,
                                                      const Node& v) {
        std::vector<EpisodePerson> all;
        const bool ok = each_record(key, k, v, {"name", "role", "group", "href", "img"},
                                    [&](const Node& item, auto& values) {
                                        EpisodePerson p;
                                        for (auto& [sub, value] : values) {
                                            std::string& field = sub == "name"    ? p.name
                                                                 : sub == "role"  ? p.role
                                                                 : sub == "group" ? p.group
                                                                 : sub == "href"  ? p.href
                                                                                  : p.img;
                                            field = std::move(value.first);
                                        }
                                        if (p.name.empty()) {
                                            error(item, "'" + key + "' items need a 'name'");
                                            return false;
                                        }
                                        all.push_back(std::move(p));
                                        return true;
                                    });
        if (!ok) return std::nullopt;
        return all;
    }

    // soundbites: [{start, duration, title}] (podcast:soundbite), times in seconds or MM:SS.
    std::optional<std::vector<Soundbite>> soundbites(const std::string& key, const Node& k,
                                                     const Node& v) {
        std::vector<Soundbite> all;
        const bool ok = each_record(
            key, k, v, {"start", "duration", "title"}, [&](const Node& item, auto& values) {
                Soundbite b;
                bool has_start = false, has_duration = false;
                for (auto& [sub, value] : values) {
                    if (sub == "title") {
                        b.title = std::move(value.first);
                        continue;
                    }
                    const auto s = seconds(key + "." + sub, value.second, value.first);
                    if (!s) return false;
                    (sub == "start" ? b.start_s : b.duration_s) = *s;
                    (sub == "start" ? has_start : has_duration) = true;
                }
                if (!has_start || !has_duration || b.duration_s <= 0) {
                    error(item, "'" + key + "' items need a 'start' and a 'duration' above 0");
                    return false;
                }
                all.push_back(std::move(b));
                return true;
            });
        if (!ok) return std::nullopt;
        return all;
    }

    // The Metadata field a key sets; several keys may set one (the key table's ranks decide).
    enum class Target {
        title,
        date,
        updated,
        author,
        tags,
        categories,
        summary,
        id,
        url,
        image,
        lang,
        enclosure,
        slug,
        expires,
        publish_date,
        none,
        count
    };

    bool take(Target target, int rank) {
        auto& current = ranks_[static_cast<int>(target)];
        if (rank < current) return false;
        current = rank;
        return true;
    }
    template <typename T>
    void set(std::optional<T>& field, Target target, int rank, std::optional<T>&& value) {
        if (value && take(target, rank)) field = std::move(value);
    }

    void unpublished(bool yes) {
        publish_flag_seen_ = true;
        unpublished_ = unpublished_ || yes;
    }

    // "draft", "published" (when true/false) and "status": any of them saying so makes a draft.
    void read_flag(MetadataKey key, const std::string& name, const Node& k, const Node& v) {
        const auto b = v.is_scalar() ? to_bool(v.scalar()) : std::nullopt;
        if (key == MetadataKey::status) {
            std::string s = v.is_scalar() ? std::string(trim(v.scalar())) : std::string{};
            for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
            if (s == "draft" || s == "hidden") {
                unpublished(true);
            } else if (s == "published") {
                unpublished(false);
            } else {
                warning(k, "'" + name + "' is draft, hidden or published, not " +
                               (v.is_scalar() ? "'" + std::string(v.scalar()) + "'" : kind(v)) +
                               " (ignored)");
            }
            return;
        }
        if (!b) {
            error(k, "'" + name + "' must be true or false, not " +
                         (v.is_scalar() ? "'" + std::string(v.scalar()) + "'" : kind(v)));
            return;
        }
        unpublished(key == MetadataKey::draft ? *b : !*b);
    }

    std::optional<std::vector<Person>> one_person(const Node& k, const Node& v) {
        auto p = person(k, v);
        if (!p) return std::nullopt;
        return std::vector<Person>{std::move(*p)};
    }

    // A list of people (each as `author` takes one), a comma-separated string of names, or one
    // person; nothing when the list is empty. The same person twice is kept once.
    std::optional<std::vector<Person>> people(const Node& k, const Node& v) {
        std::vector<Person> all;
        bool ok = true;
        const auto add = [&](std::optional<Person> p) {
            if (!p) {
                ok = false;
                return;
            }
            if (!p->empty() && std::find(all.begin(), all.end(), *p) == all.end())
                all.push_back(std::move(*p));
        };
        if (v.is_sequence()) {
            v.each_item([&](const Node& item) {
                if (ok && !item.is_null()) add(person(k, item));
            });
        } else if (v.is_scalar()) {
            const auto names = words("authors", k, v, false);
            if (!names) return std::nullopt;
            for (const std::string& name : *names) add(person_from_text(name));
        } else {
            add(person(k, v));
        }
        if (!ok || all.empty()) return std::nullopt;
        return all;
    }

    // "images": a list whose first item is the image, or one image.
    std::optional<std::string> first_text(const std::string& name, const Node& k, const Node& v) {
        if (!v.is_sequence()) return text(name, k, v);
        std::optional<std::string> first;
        bool done = false;
        v.each_item([&](const Node& item) {
            if (done || item.is_null()) return;
            done = true;
            first = text(name, item, item);
        });
        return first;
    }

    // "cover": an image, or a mapping with one under "image" (the rest of it is for the page).
    std::optional<std::string> cover(const std::string& name, const Node& k, const Node& v) {
        if (!v.is_map()) return text(name, k, v);
        std::optional<std::string> image;
        v.each_pair([&](const Node& sub_k, const Node& sub_v) {
            if (sub_k.is_scalar() && sub_k.scalar() == "image" && !sub_v.is_null())
                image = text(name + ".image", sub_k, sub_v);
        });
        return image;
    }

    // Zola's [taxonomies]: the tags and categories in it.
    void taxonomies(const std::string& name, const Node& v, Metadata& m) {
        if (!v.is_map()) {
            error(v, "'" + name + "' must be a mapping of taxonomy names to lists, not " + kind(v));
            return;
        }
        v.each_pair([&](const Node& k, const Node& item) {
            const std::string sub(k.is_scalar() ? k.scalar() : std::string_view{});
            const auto key = lookup_metadata_key(sub, nullptr);
            if (item.is_null()) return;
            if (key && key->key == MetadataKey::tags) {
                set(m.tags, Target::tags, key->rank, words(name + "." + sub, k, item));
            } else if (key && key->key == MetadataKey::categories) {
                set(m.categories, Target::categories, key->rank, words(name + "." + sub, k, item));
            } else {
                warn_unknown(k, name + "." + sub);
            }
        });
    }

    // Jekyll's jekyll-redirect-from stubs and Hugo's redirect pages: `redirect_to`, `redirect`.
    static bool is_redirect_key(std::string_view name) {
        std::string lower(name);
        for (char& c : lower) {
            if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
        }
        return lower == "redirect_to" || lower == "redirect";
    }

    // Once per key and file here; once per build where problems are reported (collapse_repeated).
    void warn_unknown(const Node& k, const std::string& name) {
        if (!warned_.insert(name).second) return;
        warning(k, "unknown key '" + name + "' (ignored)");
        problems_.back().repeat_key = "unknown key " + name;
    }

    void read(const Node& root, Metadata& m) {
        if (!root.defined() || root.is_null()) return;
        if (!root.is_map()) {
            error(root, "metadata must be a mapping of keys to values, not " + kind(root));
            return;
        }
        std::set<std::string, std::less<>> seen;
        root.each_pair([&](const Node& k, const Node& v) {
            if (!k.is_scalar()) {
                error(k, "keys must be text, not " + kind(k));
                return;
            }
            const std::string name(k.scalar());
            if (!seen.insert(name).second) {
                warning(k, "duplicate key '" + name + "'; the last one wins");
            }
            if (v.is_null()) return;  // "summary:" with nothing after it: as if absent
            const auto key = lookup_metadata_key(name, source_.keys);
            if (!key) {
                if (is_redirect_key(name)) {
                    // A redirect stub's target: kept (not warned about) so that parse_article
                    // can tell a stub from an article.
                    m.redirect = v.is_scalar() ? std::string(v.scalar()) : std::string();
                    return;
                }
                warn_unknown(k, name);
                return;
            }
            const int rank = key->rank;
            switch (key->key) {
                case MetadataKey::title:
                    set(m.title, Target::title, rank, text(name, k, v));
                    break;
                case MetadataKey::date:
                    set(m.date, Target::date, rank, date(name, k, v));
                    break;
                case MetadataKey::publish_date:
                    set(m.publish_date, Target::publish_date, rank, date(name, k, v));
                    break;
                case MetadataKey::published:
                    if (v.is_scalar() && to_bool(v.scalar()))
                        read_flag(key->key, name, k, v);
                    else
                        set(m.publish_date, Target::publish_date, rank, date(name, k, v));
                    break;
                case MetadataKey::updated:
                    set(m.updated, Target::updated, rank,
                        date(name, k, v, /*optional_for_publishing=*/true));
                    break;
                case MetadataKey::expires:
                    set(m.expires, Target::expires, rank, date(name, k, v));
                    break;
                case MetadataKey::author:
                    set(m.authors, Target::author, rank, one_person(k, v));
                    break;
                case MetadataKey::authors:
                    set(m.authors, Target::author, rank, people(k, v));
                    break;
                case MetadataKey::tags:
                    set(m.tags, Target::tags, rank, words(name, k, v));
                    break;
                case MetadataKey::categories:
                    set(m.categories, Target::categories, rank, words(name, k, v));
                    break;
                case MetadataKey::taxonomies:
                    taxonomies(name, v, m);
                    break;
                case MetadataKey::summary:
                    set(m.summary, Target::summary, rank, text(name, k, v));
                    break;
                case MetadataKey::id:
                    set(m.id, Target::id, rank, text(name, k, v));
                    break;
                case MetadataKey::url:
                    set(m.url, Target::url, rank, text(name, k, v));
                    break;
                case MetadataKey::image:
                    set(m.image, Target::image, rank, text(name, k, v));
                    break;
                case MetadataKey::images:
                    set(m.image, Target::image, rank, first_text(name, k, v));
                    break;
                case MetadataKey::cover:
                    set(m.image, Target::image, rank, cover(name, k, v));
                    break;
                case MetadataKey::lang:
                    set(m.lang, Target::lang, rank, text(name, k, v));
                    break;
                case MetadataKey::slug:
                    set(m.slug, Target::slug, rank, text(name, k, v));
                    break;
                case MetadataKey::enclosure:
                    set(m.enclosure, Target::enclosure, rank, enclosure(k, v));
                    break;
                case MetadataKey::episode:
                    if (auto n = whole(name, k, v, 0, 1'000'000'000)) m.episode = n;
                    break;
                case MetadataKey::season:
                    if (auto n = whole(name, k, v, 0, 1'000'000'000)) m.season = n;
                    break;
                case MetadataKey::episode_type:
                    if (auto t = episode_type(name, k, v)) m.episode_type = std::move(t);
                    break;
                case MetadataKey::explicit_content:
                    if (auto b = flag(name, k, v)) m.explicit_content = b;
                    break;
                case MetadataKey::transcript:
                    if (auto t = text(name, k, v)) m.transcript = std::move(t);
                    break;
                case MetadataKey::chapters:
                    if (auto t = text(name, k, v)) m.chapters = std::move(t);
                    break;
                case MetadataKey::persons:
                    if (auto p = persons(name, k, v)) m.persons = std::move(p);
                    break;
                case MetadataKey::soundbites:
                    if (auto b = soundbites(name, k, v)) m.soundbites = std::move(b);
                    break;
                case MetadataKey::draft:
                case MetadataKey::status:
                    read_flag(key->key, name, k, v);
                    break;
            }
        });
        if (publish_flag_seen_) m.draft = unpublished_;
    }

  private:
    const MetadataSource& source_;
    std::vector<Problem>& problems_;
    bool failed_ = false;
    int ranks_[static_cast<int>(Target::count)] = {-1, -1, -1, -1, -1, -1, -1, -1,
                                                   -1, -1, -1, -1, -1, -1, -1, -1};
    bool publish_flag_seen_ = false;
    bool unpublished_ = false;
    std::set<std::string, std::less<>> warned_;
};

// The 0-based line of `yaml` a load error belongs to. Errors noticed at the end of the input (an
// unclosed list) are marked past the last line, which in a front matter is the closing "---"
// line; the last line of YAML is where the unfinished thing actually is.
int yaml_error_line(const yaml_parser_t& parser, std::string_view yaml) {
    std::size_t line = 0;
    if (parser.error == YAML_READER_ERROR) {
        const auto upto = yaml.substr(0, std::min(parser.problem_offset, yaml.size()));
        line = static_cast<std::size_t>(std::count(upto.begin(), upto.end(), '\n'));
    } else if (parser.error == YAML_SCANNER_ERROR || parser.error == YAML_PARSER_ERROR ||
               parser.error == YAML_COMPOSER_ERROR) {
        line = parser.problem_mark.line;
    }
    const std::size_t yaml_lines = split_lines(yaml).size();
    return static_cast<int>(std::min(line, yaml_lines > 0 ? yaml_lines - 1 : 0));
}

std::string yaml_error_message(const yaml_parser_t& parser, std::string_view yaml, int first_line) {
    if (parser.error == YAML_MEMORY_ERROR || !parser.problem) {
        return "cannot read metadata: out of memory";
    }
    std::string message = std::string("invalid YAML: ") + parser.problem;
    const bool marked = parser.error != YAML_READER_ERROR;
    if (marked && static_cast<int>(parser.problem_mark.line) == yaml_error_line(parser, yaml)) {
        message += " (column " + std::to_string(parser.problem_mark.column + 1) + ")";
    }
    if (marked && parser.context) {
        message += std::string(", ") + parser.context + " that starts on line " +
                   std::to_string(first_line + static_cast<int>(parser.context_mark.line));
    }
    return message;
}

}  // namespace

namespace {
template <typename M, typename Over>
void overlay_fields(M& mine, Over&& over) {
    auto take = [](auto& field, auto&& theirs) {
        if (theirs) field = std::forward<decltype(theirs)>(theirs);
    };
    take(mine.title, std::forward<Over>(over).title);
    take(mine.date, std::forward<Over>(over).date);
    take(mine.publish_date, std::forward<Over>(over).publish_date);
    take(mine.updated, std::forward<Over>(over).updated);
    take(mine.authors, std::forward<Over>(over).authors);
    take(mine.tags, std::forward<Over>(over).tags);
    take(mine.categories, std::forward<Over>(over).categories);
    take(mine.summary, std::forward<Over>(over).summary);
    take(mine.draft, std::forward<Over>(over).draft);
    take(mine.id, std::forward<Over>(over).id);
    take(mine.url, std::forward<Over>(over).url);
    take(mine.image, std::forward<Over>(over).image);
    take(mine.lang, std::forward<Over>(over).lang);
    take(mine.enclosure, std::forward<Over>(over).enclosure);
    take(mine.episode, std::forward<Over>(over).episode);
    take(mine.season, std::forward<Over>(over).season);
    take(mine.episode_type, std::forward<Over>(over).episode_type);
    take(mine.explicit_content, std::forward<Over>(over).explicit_content);
    take(mine.transcript, std::forward<Over>(over).transcript);
    take(mine.chapters, std::forward<Over>(over).chapters);
    take(mine.persons, std::forward<Over>(over).persons);
    take(mine.soundbites, std::forward<Over>(over).soundbites);
    take(mine.slug, std::forward<Over>(over).slug);
    take(mine.expires, std::forward<Over>(over).expires);
    take(mine.redirect, std::forward<Over>(over).redirect);
}
}  // namespace

void Metadata::overlay(const Metadata& over) {
    overlay_fields(*this, over);
}
void Metadata::overlay(Metadata&& over) {
    overlay_fields(*this, std::move(over));
}

namespace {

template <typename Node>
std::optional<Metadata> read_metadata(const Node& root, const MetadataSource& source,
                                      std::vector<Problem>& problems) {
    Reader<Node> reader(source, problems);
    Metadata m;
    reader.read(root, m);
    if (reader.failed()) return std::nullopt;
    return m;
}

}  // namespace

std::optional<Metadata> parse_metadata(std::string_view yaml, const MetadataSource& source,
                                       std::vector<Problem>& problems) {
    if (const auto flat = FlatYaml::read(yaml)) {
        return read_metadata(FlatNode::root(*flat), source, problems);
    }
    return detail::parse_metadata_with_libyaml(yaml, source, problems);
}

std::optional<KnownKey> lookup_metadata_key(std::string_view name, const MetadataKeyNames* site) {
    if (site) {
        for (const auto& [feedd_key, names] : *site) {
            for (const auto& site_name : names) {
                if (!equals_any_case(site_name, name)) continue;
                for (const auto& known : kKeyNames) {
                    if (known.name == feedd_key) return KnownKey{known.key, kSiteKeyRank};
                }
            }
        }
    }
    for (const auto& known : kKeyNames) {
        if (equals_lower(name, known.name)) return KnownKey{known.key, known.rank};
    }
    return std::nullopt;
}

std::optional<Metadata> parse_metadata_tree(const MetaNode& root, const MetadataSource& source,
                                            std::vector<Problem>& problems) {
    return read_metadata(TreeNode(&root), source, problems);
}

namespace detail {

bool is_flat_yaml(std::string_view yaml) {
    return FlatYaml::read(yaml).has_value();
}

std::optional<Metadata> parse_metadata_with_libyaml(std::string_view yaml,
                                                    const MetadataSource& source,
                                                    std::vector<Problem>& problems) {
    yaml_parser_t parser;
    if (!yaml_parser_initialize(&parser)) {
        problems.push_back({std::string(source.path), source.first_line,
                            "cannot read metadata: out of memory", Severity::error});
        return std::nullopt;
    }
    const std::unique_ptr<yaml_parser_t, void (*)(yaml_parser_t*)> parser_guard(&parser,
                                                                                yaml_parser_delete);
    yaml_parser_set_input_string(&parser, reinterpret_cast<const unsigned char*>(yaml.data()),
                                 yaml.size());
    yaml_parser_set_encoding(&parser, YAML_UTF8_ENCODING);
    yaml_document_t document;
    if (!yaml_parser_load(&parser, &document)) {
        problems.push_back({std::string(source.path),
                            source.first_line + yaml_error_line(parser, yaml),
                            yaml_error_message(parser, yaml, source.first_line), Severity::error});
        return std::nullopt;
    }
    const std::unique_ptr<yaml_document_t, void (*)(yaml_document_t*)> document_guard(
        &document, yaml_document_delete);
    return read_metadata(LoadedNode(&document, yaml_document_get_root_node(&document)), source,
                         problems);
}

}  // namespace detail
}  // namespace feedd
