// The front matter formats other than YAML: TOML (toml++, used header-only so that feedd needs no
// shared library for it), JSON (nlohmann-json) and Pelican/MultiMarkdown key blocks (by hand).
// Each is turned into a MetaNode tree that the YAML front matter's Reader reads (metadata.cpp),
// so every format knows the same keys and reports the same problems.
#define TOML_HEADER_ONLY 1
#define TOML_ENABLE_FORMATTERS 0
#include <toml++/toml.h>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cstdio>

#include "content/meta_tree.h"
#include "content/text_clean.h"

namespace feedd {
namespace {

int count_lines_before(std::string_view text, std::size_t offset) {
    const auto upto = text.substr(0, std::min(offset, text.size()));
    return static_cast<int>(std::count(upto.begin(), upto.end(), '\n'));
}

// --- TOML -----------------------------------------------------------------------------------

// toml++ 3.3.0 (Debian 12) reaches __builtin_unreachable() in is_non_ascii_horizontal_whitespace()
// for the code points below (its table leaves three of its blocks unhandled), and asks that of
// characters outside strings and after a backslash in multi-line basic strings: undefined
// behaviour on a content file (the front_matter fuzz target found it). Not in comments or literal
// strings, which it reads without asking.
bool toml_unsafe(char32_t c) {
    return (c >= 0xA1 && c <= 0x499) || (c >= 0x2C5E && c <= 0x3057 && c != 0x3000) ||
           (c >= 0xFB26 && c <= 0xFEFE);
}

// `text` with none of those code points left for toml++ to read: in basic strings they become
// \uXXXX escapes (the same value); anywhere else U+FFFD (in comments it changes nothing; where TOML
// allows no such character toml++ reports an error). Literal strings cannot escape them, and a
// quote inside broken text may not start a string for toml++ either, so one found in what looks
// like a literal string is reported (`literal_at`: its offset) rather than passed on. Everything
// else is byte for byte. Why by hand: it is the workaround for that one library bug.
struct SafeToml {
    std::string text;
    std::optional<std::size_t> literal_at;
};
SafeToml without_toml_unsafe_code_points(std::string_view text) {
    std::optional<std::size_t> literal_at;
    enum class In { code, comment, basic, multi_basic, literal, multi_literal };
    In in = In::code;
    std::string out;
    out.reserve(text.size());
    const auto starts = [&](std::size_t i, std::string_view what) {
        return text.substr(i, what.size()) == what;
    };
    for (std::size_t i = 0; i < text.size();) {
        const auto byte = static_cast<unsigned char>(text[i]);
        if (byte >= 0x80) {
            // One UTF-8 sequence; malformed ones are copied (toml++ reports them).
            const std::size_t length = byte >= 0xF0 ? 4 : byte >= 0xE0 ? 3 : byte >= 0xC0 ? 2 : 1;
            char32_t c = length == 1 ? byte : byte & (0x7F >> length);
            bool whole = i + length <= text.size();
            for (std::size_t k = 1; whole && k < length; ++k) {
                const auto next = static_cast<unsigned char>(text[i + k]);
                whole = (next & 0xC0) == 0x80;
                c = (c << 6) | (next & 0x3F);
            }
            if (!whole || length == 1 || !toml_unsafe(c)) {
                out.append(text.substr(i, whole ? length : 1));
                i += whole ? length : 1;
                continue;
            }
            if ((in == In::literal || in == In::multi_literal) && !literal_at) literal_at = i;
            if (in == In::basic || in == In::multi_basic) {
                char escape[8];
                std::snprintf(escape, sizeof escape, "\\u%04X", static_cast<unsigned>(c));
                out += escape;
            } else {
                out += "\xEF\xBF\xBD";
            }
            i += length;
            continue;
        }
        const char ch = text[i];
        std::size_t take = 1;
        switch (in) {
            case In::code:
                if (ch == '#') in = In::comment;
                if (ch == '"') in = starts(i, "\"\"\"") ? (take = 3, In::multi_basic) : In::basic;
                if (ch == '\'') in = starts(i, "'''") ? (take = 3, In::multi_literal) : In::literal;
                break;
            case In::comment:
                if (ch == '\n') in = In::code;
                break;
            case In::basic:
            case In::multi_basic:
                if (ch == '\\') {
                    // The escaped character: an unsafe one there is an invalid escape anyway.
                    out += ch;
                    ++i;
                    if (i < text.size() && static_cast<unsigned char>(text[i]) < 0x80) {
                        out += text[i];
                        ++i;
                    } else if (i < text.size()) {
                        out += "\xEF\xBF\xBD";
                        while (++i < text.size() &&
                               (static_cast<unsigned char>(text[i]) & 0xC0) == 0x80) {
                        }
                    }
                    continue;
                }
                if (in == In::basic && (ch == '"' || ch == '\n')) in = In::code;
                if (in == In::multi_basic && starts(i, "\"\"\"")) take = 3, in = In::code;
                break;
            case In::literal:
                if (ch == '\'' || ch == '\n') in = In::code;
                break;
            case In::multi_literal:
                if (starts(i, "'''")) take = 3, in = In::code;
                break;
        }
        out.append(text.substr(i, take));
        i += take;
    }
    return {std::move(out), literal_at};
}

std::string two(int v) {
    char buffer[8];
    std::snprintf(buffer, sizeof buffer, "%02d", v);
    return buffer;
}

std::string date_text(const toml::date& d) {
    char buffer[16];
    std::snprintf(buffer, sizeof buffer, "%04d-%02d-%02d", static_cast<int>(d.year),
                  static_cast<int>(d.month), static_cast<int>(d.day));
    return buffer;
}

std::string time_text(const toml::time& t) {
    return two(t.hour) + ":" + two(t.minute) + ":" + two(t.second);
}

int toml_line(const toml::source_region& region) {
    return region.begin.line > 0 ? static_cast<int>(region.begin.line) - 1 : 0;
}

MetaNode from_toml(const toml::node& node) {
    MetaNode out;
    out.line = toml_line(node.source());
    switch (node.type()) {
        case toml::node_type::table: {
            // toml++ keeps a table's keys sorted by name; in the order of the file, problems
            // come in the order of their lines.
            std::vector<std::pair<MetaNode, MetaNode>> pairs;
            for (auto&& [key, value] : *node.as_table()) {
                MetaNode k;
                k.kind = MetaNode::Kind::scalar;
                k.text = std::string(key.str());
                k.line = key.source().begin.line > 0 ? toml_line(key.source()) : out.line;
                pairs.emplace_back(std::move(k), from_toml(value));
            }
            std::stable_sort(pairs.begin(), pairs.end(), [](const auto& a, const auto& b) {
                return a.first.line < b.first.line;
            });
            out.kind = MetaNode::Kind::map;
            for (auto& [k, v] : pairs) {
                out.items.push_back(std::move(k));
                out.items.push_back(std::move(v));
            }
            break;
        }
        case toml::node_type::array:
            out.kind = MetaNode::Kind::sequence;
            for (const auto& item : *node.as_array()) out.items.push_back(from_toml(item));
            break;
        case toml::node_type::string:
            out.kind = MetaNode::Kind::scalar;
            out.text = node.as_string()->get();
            break;
        case toml::node_type::integer:
            out.kind = MetaNode::Kind::scalar;
            out.text = std::to_string(node.as_integer()->get());
            break;
        case toml::node_type::floating_point: {
            out.kind = MetaNode::Kind::scalar;
            char buffer[32];
            std::snprintf(buffer, sizeof buffer, "%g", node.as_floating_point()->get());
            out.text = buffer;
            break;
        }
        case toml::node_type::boolean:
            out.kind = MetaNode::Kind::scalar;
            out.text = node.as_boolean()->get() ? "true" : "false";
            break;
        case toml::node_type::date:
            out.kind = MetaNode::Kind::scalar;
            out.text = date_text(node.as_date()->get());
            break;
        case toml::node_type::time:
            out.kind = MetaNode::Kind::scalar;
            out.text = time_text(node.as_time()->get());
            break;
        case toml::node_type::date_time: {
            // Written back in RFC 3339, which parse_date reads: a local date-time (no offset)
            // then takes content.timezone, as YAML's would.
            const auto& dt = node.as_date_time()->get();
            out.kind = MetaNode::Kind::scalar;
            out.text = date_text(dt.date) + "T" + time_text(dt.time);
            if (dt.offset) {
                const int minutes = dt.offset->minutes;
                const int abs = minutes < 0 ? -minutes : minutes;
                out.text += (minutes < 0 ? "-" : "+") + two(abs / 60) + ":" + two(abs % 60);
            }
            break;
        }
        default:
            break;
    }
    return out;
}

// --- JSON -----------------------------------------------------------------------------------

using OrderedJson = nlohmann::ordered_json;

// nlohmann-json keeps no positions, so a key's line is found in the text: the first `"key":`
// after the previous key's (keys of one object come in order). Nested values take their key's line.
class JsonLines {
  public:
    explicit JsonLines(std::string_view text) : text_(text) {}
    int key_line(const std::string& key) {
        const std::string quoted = OrderedJson(key).dump();
        auto at = text_.find(quoted, pos_);
        if (at == std::string_view::npos) at = text_.find(quoted);
        if (at == std::string_view::npos) return last_line_;
        pos_ = at + quoted.size();
        last_line_ = count_lines_before(text_, at);
        return last_line_;
    }

  private:
    std::string_view text_;
    std::size_t pos_ = 0;
    int last_line_ = 0;
};

// Deeper than any metadata goes (toml++ stops at 256 itself); deeper values are left out, so that
// a file of a million '[' cannot exhaust the stack.
constexpr int kMaxJsonDepth = 64;

MetaNode from_json(const OrderedJson& value, int line, JsonLines* lines, int depth = 0) {
    MetaNode out;
    out.line = line;
    if (depth > kMaxJsonDepth) return out;
    switch (value.type()) {
        case OrderedJson::value_t::object:
            out.kind = MetaNode::Kind::map;
            for (const auto& [key, item] : value.items()) {
                MetaNode k;
                k.kind = MetaNode::Kind::scalar;
                k.text = key;
                k.line = lines ? lines->key_line(key) : line;
                const int item_line = k.line;
                out.items.push_back(std::move(k));
                out.items.push_back(from_json(item, item_line, nullptr, depth + 1));
            }
            break;
        case OrderedJson::value_t::array:
            out.kind = MetaNode::Kind::sequence;
            for (const auto& item : value)
                out.items.push_back(from_json(item, line, nullptr, depth + 1));
            break;
        case OrderedJson::value_t::string:
            out.kind = MetaNode::Kind::scalar;
            out.text = value.get<std::string>();
            break;
        case OrderedJson::value_t::null:
        case OrderedJson::value_t::discarded:
            break;
        default:  // numbers and booleans, as JSON writes them
            out.kind = MetaNode::Kind::scalar;
            out.text = value.dump();
            break;
    }
    return out;
}

// --- Pelican / MultiMarkdown ----------------------------------------------------------------

bool is_key_start(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}
bool is_key_char(char c) {
    return is_key_start(c) || (c >= '0' && c <= '9') || c == '_' || c == '-';
}

// "Key: value" (a key of letters, digits, '_' and '-' starting with a letter, then ':' and a
// space or the end of the line): the key and the value; nullopt for any other line.
std::optional<std::pair<std::string_view, std::string_view>> key_line(std::string_view line) {
    if (line.empty() || !is_key_start(line.front())) return std::nullopt;
    std::size_t end = 1;
    while (end < line.size() && is_key_char(line[end])) ++end;
    if (end >= line.size() || line[end] != ':' || end > 64) return std::nullopt;
    const auto rest = line.substr(end + 1);
    if (!rest.empty() && rest.front() != ' ' && rest.front() != '\t') return std::nullopt;
    return std::pair{line.substr(0, end), trim(rest)};
}

bool is_continuation(std::string_view line) {
    return line.size() >= 2 && (line.front() == ' ' || line.front() == '\t') && !is_blank(line);
}

struct PelicanLine {
    std::string_view key;  // empty: a continuation of the previous key's value
    std::string_view value;
};

// The lines of a key block at the start of `text` and the block's length (up to and with the
// first blank line); nullopt when `text` does not start with one.
std::optional<std::pair<std::vector<PelicanLine>, std::size_t>> pelican_lines(
    std::string_view text, const MetadataSource& source) {
    std::vector<PelicanLine> lines;
    bool names_title_or_date = false;
    std::size_t pos = 0;
    while (pos < text.size()) {
        auto end = text.find('\n', pos);
        const bool last = end == std::string_view::npos;
        if (last) end = text.size();
        auto line = text.substr(pos, end - pos);
        if (line.ends_with('\r')) line.remove_suffix(1);
        const std::size_t next = last ? text.size() : end + 1;
        if (is_blank(line)) {
            pos = next;
            break;
        }
        if (auto kv = key_line(line)) {
            const auto known = lookup_metadata_key(kv->first, source.keys);
            if (lines.empty() && (kv->second.empty() || !known)) return std::nullopt;
            if (known &&
                (known->key == MetadataKey::title || known->key == MetadataKey::date ||
                 known->key == MetadataKey::publish_date || known->key == MetadataKey::published)) {
                names_title_or_date = true;
            }
            lines.push_back({kv->first, kv->second});
        } else if (!lines.empty() && is_continuation(line)) {
            lines.push_back({{}, trim(line)});
        } else {
            return std::nullopt;  // a paragraph that merely starts like "Note: ...": prose
        }
        pos = next;
    }
    if (lines.empty() || !names_title_or_date) return std::nullopt;
    return std::pair{std::move(lines), pos};
}

}  // namespace

std::optional<Metadata> parse_toml_metadata(std::string_view toml_text,
                                            const MetadataSource& source,
                                            std::vector<Problem>& problems) {
    try {
        const SafeToml safe = without_toml_unsafe_code_points(toml_text);
        if (safe.literal_at) {
            problems.push_back({std::string(source.path),
                                source.first_line + count_lines_before(toml_text, *safe.literal_at),
                                "TOML: a single-quoted (literal) string holds a character the TOML "
                                "library of this "
                                "system cannot read safely; write that value in double quotes",
                                Severity::error});
            return std::nullopt;
        }
        const toml::table table = toml::parse(safe.text);
        return parse_metadata_tree(from_toml(table), source, problems);
    } catch (const toml::parse_error& error) {
        const int line =
            error.source().begin.line > 0 ? static_cast<int>(error.source().begin.line) - 1 : 0;
        problems.push_back({std::string(source.path), source.first_line + line,
                            "invalid TOML: " + std::string(error.description()) + " (column " +
                                std::to_string(error.source().begin.column) + ")",
                            Severity::error});
        return std::nullopt;
    }
}

std::size_t json_object_length(std::string_view text) {
    if (text.empty() || text.front() != '{') return std::string_view::npos;
    int depth = 0;
    bool in_string = false;
    for (std::size_t i = 0; i < text.size(); ++i) {
        const char c = text[i];
        if (in_string) {
            if (c == '\\')
                ++i;
            else if (c == '"')
                in_string = false;
        } else if (c == '"') {
            in_string = true;
        } else if (c == '{' || c == '[') {
            ++depth;
        } else if (c == '}' || c == ']') {
            if (--depth == 0) return i + 1;
        }
    }
    return std::string_view::npos;
}

std::optional<Metadata> parse_json_metadata(std::string_view json, const MetadataSource& source,
                                            std::vector<Problem>& problems) {
    OrderedJson root;
    try {
        root = OrderedJson::parse(json);
    } catch (const OrderedJson::parse_error& error) {
        // error.byte is 1-based: the byte where parsing stopped.
        const std::size_t at = error.byte > 0 ? error.byte - 1 : 0;
        std::string message = error.what();
        // "[json.exception.parse_error.101] parse error at line 3, column 5: syntax error ...":
        // the part after the position is the explanation.
        if (const auto colon = message.find(": "); colon != std::string::npos)
            message = message.substr(colon + 2);
        problems.push_back({std::string(source.path),
                            source.first_line + count_lines_before(json, at),
                            "invalid JSON: " + message, Severity::error});
        return std::nullopt;
    } catch (const OrderedJson::exception& error) {
        // Well-formed but not representable, e.g. a number beyond a double ("1e400":
        // out_of_range.406), which nlohmann-json throws without a position.
        std::string message = error.what();
        if (const auto bracket = message.find("] "); bracket != std::string::npos)
            message = message.substr(bracket + 2);
        problems.push_back(
            {std::string(source.path), source.first_line, "invalid JSON: " + message, Severity::error});
        return std::nullopt;
    }
    JsonLines lines(json);
    return parse_metadata_tree(from_json(root, 0, &lines), source, problems);
}

std::size_t pelican_block_length(std::string_view text, const MetadataSource& source) {
    const auto block = pelican_lines(text, source);
    return block ? block->second : 0;
}

std::optional<Metadata> parse_pelican_metadata(std::string_view block, const MetadataSource& source,
                                               std::vector<Problem>& problems) {
    const auto lines = pelican_lines(block, source);
    MetaNode root;
    root.kind = MetaNode::Kind::map;
    if (lines) {
        int line = 0;
        for (const auto& l : lines->first) {
            if (l.key.empty()) {  // a continuation line
                auto& value = root.items.back();
                if (value.kind == MetaNode::Kind::null) {
                    value.kind = MetaNode::Kind::scalar;
                    value.text = std::string(l.value);
                } else {
                    value.text += " ";
                    value.text += l.value;
                }
            } else {
                MetaNode key{MetaNode::Kind::scalar, std::string(l.key), line, {}};
                MetaNode value{l.value.empty() ? MetaNode::Kind::null : MetaNode::Kind::scalar,
                               std::string(l.value),
                               line,
                               {}};
                root.items.push_back(std::move(key));
                root.items.push_back(std::move(value));
            }
            ++line;
        }
    }
    return parse_metadata_tree(root, source, problems);
}

}  // namespace feedd
