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
#include "content/text_clean.h"

namespace feedd {
namespace {

// A node of a loaded document: nullptr stands for "absent".
class Node {
  public:
    Node(yaml_document_t* doc, yaml_node_t* node) : doc_(doc), node_(node) {}

    bool defined() const { return node_ != nullptr; }
    // What yaml-cpp called Null: an empty or "~"/"null" plain scalar (a quoted one is text).
    bool is_null() const {
        if (!node_) return true;
        if (node_->type != YAML_SCALAR_NODE) return false;
        if (node_->data.scalar.style != YAML_PLAIN_SCALAR_STYLE) return false;
        const auto s = scalar();
        return s.empty() || s == "~" || s == "null" || s == "Null" || s == "NULL";
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
            f(Node(doc_, yaml_document_get_node(doc_, *i)));
        }
    }
    template <typename F>
    void each_pair(F&& f) const {
        for (auto* p = node_->data.mapping.pairs.start; p < node_->data.mapping.pairs.top; ++p) {
            f(Node(doc_, yaml_document_get_node(doc_, p->key)),
              Node(doc_, yaml_document_get_node(doc_, p->value)));
        }
    }

  private:
    yaml_document_t* doc_;
    yaml_node_t* node_;
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

    std::optional<Seconds> date(const std::string& key, const Node& key_node, const Node& value) {
        const auto s = text(key, key_node, value);
        if (!s) return std::nullopt;
        auto parsed = parse_date(*s, source_.timezone, source_.reference);
        if (!parsed) {
            error(key_node, "'" + key + "': " + parsed.error());
            return std::nullopt;
        }
        return *parsed;
    }

    // A YAML list of words, or one string of comma-separated words ("a, b").
    std::optional<std::vector<std::string>> words(const std::string& key, const Node& key_node,
                                                  const Node& value) {
        std::vector<std::string> raw;
        if (value.is_scalar()) {
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

    // "Jane Doe", "Jane Doe <jane@example.org>" or {name, email}.
    std::optional<Person> person(const Node& key_node, const Node& value) {
        Person p;
        if (value.is_scalar()) {
            std::string_view s = trim(value.scalar());
            const auto lt = s.rfind('<');
            if (lt != std::string_view::npos && s.ends_with('>')) {
                p.email = std::string(trim(s.substr(lt + 1, s.size() - lt - 2)));
                p.name = std::string(trim(s.substr(0, lt)));
            } else {
                p.name = std::string(s);
            }
            return p;
        }
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
                warning(k, "unknown key 'author." + sub + "' (ignored)");
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
        if (!value.is_map()) {
            error(key_node,
                  "'enclosure' must be a mapping {url, length, type}, not " + kind(value));
            return std::nullopt;
        }
        Enclosure e;
        bool ok = true;
        value.each_pair([&](const Node& k, const Node& val) {
            if (!ok) return;
            const std::string sub(k.is_scalar() ? k.scalar() : std::string_view{});
            if (sub != "url" && sub != "length" && sub != "type") {
                warning(k, "unknown key 'enclosure." + sub + "' (ignored)");
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
            const std::string key(k.scalar());
            if (!seen.insert(key).second) {
                warning(k, "duplicate key '" + key + "'; the last one wins");
            }
            if (v.is_null()) return;  // "summary:" with nothing after it: as if absent
            if (key == "title")
                m.title = text(key, k, v);
            else if (key == "date")
                m.date = date(key, k, v);
            else if (key == "updated")
                m.updated = date(key, k, v);
            else if (key == "author")
                m.author = person(k, v);
            else if (key == "tags")
                m.tags = words(key, k, v);
            else if (key == "categories")
                m.categories = words(key, k, v);
            else if (key == "summary")
                m.summary = text(key, k, v);
            else if (key == "id")
                m.id = text(key, k, v);
            else if (key == "url")
                m.url = text(key, k, v);
            else if (key == "image")
                m.image = text(key, k, v);
            else if (key == "lang")
                m.lang = text(key, k, v);
            else if (key == "enclosure")
                m.enclosure = enclosure(k, v);
            else if (key == "draft") {
                const auto b = v.is_scalar() ? to_bool(v.scalar()) : std::nullopt;
                if (b) {
                    m.draft = *b;
                } else {
                    error(k, "'draft' must be true or false, not " +
                                 (v.is_scalar() ? "'" + std::string(v.scalar()) + "'" : kind(v)));
                }
            } else {
                warning(k, "unknown key '" + key + "' (ignored)");
            }
        });
    }

  private:
    const MetadataSource& source_;
    std::vector<Problem>& problems_;
    bool failed_ = false;
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
    take(mine.updated, std::forward<Over>(over).updated);
    take(mine.author, std::forward<Over>(over).author);
    take(mine.tags, std::forward<Over>(over).tags);
    take(mine.categories, std::forward<Over>(over).categories);
    take(mine.summary, std::forward<Over>(over).summary);
    take(mine.draft, std::forward<Over>(over).draft);
    take(mine.id, std::forward<Over>(over).id);
    take(mine.url, std::forward<Over>(over).url);
    take(mine.image, std::forward<Over>(over).image);
    take(mine.lang, std::forward<Over>(over).lang);
    take(mine.enclosure, std::forward<Over>(over).enclosure);
}
}  // namespace

void Metadata::overlay(const Metadata& over) {
    overlay_fields(*this, over);
}
void Metadata::overlay(Metadata&& over) {
    overlay_fields(*this, std::move(over));
}

std::optional<Metadata> parse_metadata(std::string_view yaml, const MetadataSource& source,
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

    Reader reader(source, problems);
    Metadata m;
    reader.read(Node(&document, yaml_document_get_root_node(&document)), m);
    if (reader.failed()) return std::nullopt;
    return m;
}

}  // namespace feedd
