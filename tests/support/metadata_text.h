// parse_metadata's whole result as text, for tests that compare two readings of the same YAML
// (tests/content/metadata_test.cpp, the front_matter fuzz target).
#pragma once

#include <chrono>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "content/metadata.h"

namespace feedd {

inline std::string metadata_text(const std::optional<Metadata>& m,
                                 const std::vector<Problem>& problems) {
    std::ostringstream out;
    for (const auto& p : problems) {
        out << "problem " << p.line << " " << (p.severity == Severity::error ? "E " : "W ")
            << p.message << "\n";
    }
    if (!m) return out.str() + "failed\n";
    const auto list = [&](const char* name, const std::optional<std::vector<std::string>>& v) {
        if (!v) return;
        out << name << ":";
        for (const auto& s : *v) out << " [" << s << "]";
        out << "\n";
    };
    const auto text = [&](const char* name, const std::optional<std::string>& v) {
        if (v) out << name << ": [" << *v << "]\n";
    };
    const auto time = [&](const char* name, const std::optional<Seconds>& t) {
        if (t) out << name << ": " << t->time_since_epoch().count() << "\n";
    };
    text("title", m->title);
    time("date", m->date);
    time("updated", m->updated);
    if (m->authors) {
        out << "authors:";
        for (const auto& p : *m->authors) out << " [" << p.name << "] [" << p.email << "]";
        out << "\n";
    }
    list("tags", m->tags);
    list("categories", m->categories);
    text("summary", m->summary);
    if (m->draft) out << "draft: " << *m->draft << "\n";
    text("id", m->id);
    text("url", m->url);
    text("image", m->image);
    text("lang", m->lang);
    text("slug", m->slug);
    time("expires", m->expires);
    if (m->enclosure) {
        out << "enclosure: [" << m->enclosure->url << "] " << m->enclosure->length << " ["
            << m->enclosure->type << "]\n";
    }
    return out.str();
}

}  // namespace feedd
