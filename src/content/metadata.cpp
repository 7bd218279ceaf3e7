#include "content/metadata.h"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <charconv>
#include <exception>
#include <set>

#include "content/dates.h"
#include "content/text_clean.h"

namespace feedd {
namespace {

class Reader {
  public:
    Reader(const MetadataSource& source, std::vector<Problem>& problems)
        : source_(source), problems_(problems) {}

    bool failed() const { return failed_; }

    int line_of(const YAML::Node& node) const {
        const auto mark = node.Mark();
        return mark.is_null() ? source_.first_line : source_.first_line + mark.line;
    }
    void error(const YAML::Node& at, std::string message) {
        problems_.push_back(
            {std::string(source_.path), line_of(at), std::move(message), Severity::error});
        failed_ = true;
    }
    void warning(const YAML::Node& at, std::string message) {
        problems_.push_back(
            {std::string(source_.path), line_of(at), std::move(message), Severity::warning});
    }

    static std::string kind(const YAML::Node& node) {
        if (node.IsSequence()) return "a list";
        if (node.IsMap()) return "a mapping";
        return "text";
    }

    std::optional<std::string> text(const std::string& key, const YAML::Node& key_node,
                                    const YAML::Node& value) {
        if (value.IsScalar()) return std::string(trim(value.Scalar()));
        error(key_node, "'" + key + "' must be text, not " + kind(value));
        return std::nullopt;
    }

    std::optional<Seconds> date(const std::string& key, const YAML::Node& key_node,
                                const YAML::Node& value) {
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
    std::optional<std::vector<std::string>> words(const std::string& key,
                                                  const YAML::Node& key_node,
                                                  const YAML::Node& value) {
        std::vector<std::string> raw;
        if (value.IsScalar()) {
            std::string_view rest = value.Scalar();
            while (true) {
                const auto comma = rest.find(',');
                raw.emplace_back(trim(rest.substr(0, comma)));
                if (comma == std::string_view::npos) break;
                rest.remove_prefix(comma + 1);
            }
        } else if (value.IsSequence()) {
            for (const auto& item : value) {
                if (item.IsNull()) continue;
                if (!item.IsScalar()) {
                    error(item, "'" + key + "' items must be text, not " + kind(item));
                    return std::nullopt;
                }
                raw.emplace_back(trim(item.Scalar()));
            }
        } else {
            error(key_node,
                  "'" + key + "' must be a list or a comma-separated string, not " + kind(value));
            return std::nullopt;
        }
        std::vector<std::string> out;
        for (auto& w : raw) {
            if (!w.empty() && std::find(out.begin(), out.end(), w) == out.end()) {
                out.push_back(std::move(w));
            }
        }
        return out;
    }

    // "Jane Doe", "Jane Doe <jane@example.org>" or {name, email}.
    std::optional<Person> person(const YAML::Node& key_node, const YAML::Node& value) {
        Person p;
        if (value.IsScalar()) {
            std::string_view s = trim(value.Scalar());
            const auto lt = s.rfind('<');
            if (lt != std::string_view::npos && s.ends_with('>')) {
                p.email = std::string(trim(s.substr(lt + 1, s.size() - lt - 2)));
                p.name = std::string(trim(s.substr(0, lt)));
            } else {
                p.name = std::string(s);
            }
            return p;
        }
        if (!value.IsMap()) {
            error(key_node, "'author' must be a name or {name, email}, not " + kind(value));
            return std::nullopt;
        }
        for (const auto& kv : value) {
            const auto sub = kv.first.Scalar();
            std::string* field = sub == "name" ? &p.name : sub == "email" ? &p.email : nullptr;
            if (!field) {
                warning(kv.first, "unknown key 'author." + sub + "' (ignored)");
                continue;
            }
            if (kv.second.IsNull()) continue;
            auto v = text("author." + sub, kv.first, kv.second);
            if (!v) return std::nullopt;
            *field = std::move(*v);
        }
        return p;
    }

    std::optional<Enclosure> enclosure(const YAML::Node& key_node, const YAML::Node& value) {
        if (!value.IsMap()) {
            error(key_node,
                  "'enclosure' must be a mapping {url, length, type}, not " + kind(value));
            return std::nullopt;
        }
        Enclosure e;
        for (const auto& kv : value) {
            const auto sub = kv.first.Scalar();
            if (sub != "url" && sub != "length" && sub != "type") {
                warning(kv.first, "unknown key 'enclosure." + sub + "' (ignored)");
                continue;
            }
            auto v = text("enclosure." + sub, kv.first, kv.second);
            if (!v) return std::nullopt;
            if (sub == "url") e.url = *v;
            if (sub == "type") e.type = *v;
            if (sub == "length") {
                const auto* end = v->data() + v->size();
                const auto [ptr, ec] = std::from_chars(v->data(), end, e.length);
                if (v->empty() || ec != std::errc{} || ptr != end) {
                    error(kv.first,
                          "'enclosure.length' must be a whole number of bytes, not '" + *v + "'");
                    return std::nullopt;
                }
            }
        }
        if (e.url.empty()) {
            error(key_node, "'enclosure' needs a 'url'");
            return std::nullopt;
        }
        return e;
    }

    void read(const YAML::Node& root, Metadata& m) {
        if (!root.IsDefined() || root.IsNull()) return;
        if (!root.IsMap()) {
            error(root, "metadata must be a mapping of keys to values, not " + kind(root));
            return;
        }
        std::set<std::string> seen;
        for (const auto& kv : root) {
            const YAML::Node& k = kv.first;
            const YAML::Node& v = kv.second;
            if (!k.IsScalar()) {
                error(k, "keys must be text, not " + kind(k));
                continue;
            }
            const std::string key = k.Scalar();
            if (!seen.insert(key).second) {
                warning(k, "duplicate key '" + key + "'; the last one wins");
            }
            if (v.IsNull()) continue;  // "summary:" with nothing after it: as if absent
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
                bool b = false;
                if (v.IsScalar() && YAML::convert<bool>::decode(v, b)) {
                    m.draft = b;
                } else {
                    error(k, "'draft' must be true or false, not " +
                                 (v.IsScalar() ? "'" + v.Scalar() + "'" : kind(v)));
                }
            } else {
                warning(k, "unknown key '" + key + "' (ignored)");
            }
        }
    }

  private:
    const MetadataSource& source_;
    std::vector<Problem>& problems_;
    bool failed_ = false;
};

}  // namespace

void Metadata::overlay(const Metadata& over) {
    auto take = [](auto& mine, const auto& theirs) {
        if (theirs) mine = theirs;
    };
    take(title, over.title);
    take(date, over.date);
    take(updated, over.updated);
    take(author, over.author);
    take(tags, over.tags);
    take(categories, over.categories);
    take(summary, over.summary);
    take(draft, over.draft);
    take(id, over.id);
    take(url, over.url);
    take(image, over.image);
    take(lang, over.lang);
    take(enclosure, over.enclosure);
}

std::optional<Metadata> parse_metadata(std::string_view yaml, const MetadataSource& source,
                                       std::vector<Problem>& problems) {
    Reader reader(source, problems);
    Metadata m;
    // yaml-cpp reports broken YAML by throwing; nothing of it may escape parse_article.
    try {
        const YAML::Node root = YAML::Load(std::string(yaml));
        reader.read(root, m);
    } catch (const YAML::Exception& e) {
        // yaml-cpp marks "not found" errors at the end of the input, which is the closing "---"
        // line; the last line of YAML is where the unfinished thing actually is.
        const int yaml_lines = static_cast<int>(split_lines(yaml).size());
        const int mark_line =
            e.mark.is_null() ? 0 : std::min(e.mark.line, std::max(yaml_lines - 1, 0));
        const int line = source.first_line + mark_line;
        std::string message = "invalid YAML: " + e.msg;
        if (!e.mark.is_null() && mark_line == e.mark.line) {
            message += " (column " + std::to_string(e.mark.column + 1) + ")";
        }
        problems.push_back({std::string(source.path), line, std::move(message), Severity::error});
        return std::nullopt;
    } catch (const std::exception& e) {
        problems.push_back({std::string(source.path), source.first_line,
                            std::string("cannot read metadata: ") + e.what(), Severity::error});
        return std::nullopt;
    }
    if (reader.failed()) return std::nullopt;
    return m;
}

}  // namespace feedd
