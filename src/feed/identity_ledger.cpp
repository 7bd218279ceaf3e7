#include "feed/identity_ledger.h"

#include "content/digest.h"

namespace feedd {
namespace {

void append_escaped(std::string& out, std::string_view text) {
    for (const char c : text) {
        if (c == '\\') {
            out += "\\\\";
        } else if (c == '\t') {
            out += "\\t";
        } else if (c == '\n') {
            out += "\\n";
        } else {
            out += c;
        }
    }
}

// Undoes append_escaped; false on a backslash followed by anything else.
bool unescape(std::string_view text, std::string& out) {
    out.clear();
    for (std::size_t i = 0; i < text.size(); ++i) {
        if (text[i] != '\\') {
            out += text[i];
            continue;
        }
        if (++i == text.size()) return false;
        switch (text[i]) {
            case '\\':
                out += '\\';
                break;
            case 't':
                out += '\t';
                break;
            case 'n':
                out += '\n';
                break;
            default:
                return false;
        }
    }
    return true;
}

}  // namespace

const std::string* IdentityLedger::find(std::string_view path) const {
    const auto found = records_.find(path);
    return found == records_.end() ? nullptr : &found->second;
}

bool IdentityLedger::assign(const std::string& path, std::string id) {
    const auto found = records_.find(path);
    if (found != records_.end() && found->second == id) return false;
    changes_.push_back({path, id});
    records_.insert_or_assign(path, std::move(id));
    return true;
}

bool IdentityLedger::forget(std::string_view path) {
    const auto found = records_.find(path);
    if (found == records_.end()) return false;
    changes_.push_back({found->first, {}});
    records_.erase(found);
    return true;
}

void IdentityLedger::apply(LedgerChange change) {
    if (change.id.empty()) {
        records_.erase(change.path);
    } else {
        records_.insert_or_assign(std::move(change.path), std::move(change.id));
    }
}

std::expected<ParsedLedger, std::string> parse_ledger(std::string_view text,
                                                      std::string_view file) {
    ParsedLedger parsed;
    std::size_t line_number = 0;
    std::string path, id;
    for (std::size_t start = 0; start < text.size();) {
        const auto end = text.find('\n', start);
        ++line_number;
        if (end == std::string_view::npos) {
            // A journal is only ever appended to, a line at a time: a last line without its newline
            // is an append that a crash or a full disk cut short. What it said was never relied on
            // (the change is made again at the next build), so it is left out. The header itself
            // may be what was cut short, but nothing else may stand in its place.
            if (line_number == 1 && !kLedgerHeader.starts_with(text.substr(start)))
                return std::unexpected(std::string(file) + ":1: not a feedd identity ledger");
            parsed.torn_tail = true;
            break;
        }
        const auto line = text.substr(start, end - start);
        start = end + 1;
        const auto where = std::string(file) + ":" + std::to_string(line_number) + ": ";
        if (line_number == 1) {
            if (line != kLedgerHeader)
                return std::unexpected(where +
                                       "not a feedd identity ledger (the first line is not '" +
                                       std::string(kLedgerHeader) + "')");
            continue;
        }
        if (line.empty() || line.front() == '#') continue;
        const auto tab = line.find('\t');
        if (tab == std::string_view::npos || line.find('\t', tab + 1) != std::string_view::npos)
            return std::unexpected(where + "expected 'path<TAB>id'");
        if (!unescape(line.substr(0, tab), path) || !unescape(line.substr(tab + 1), id))
            return std::unexpected(where + "a backslash that escapes nothing (\\\\, \\t or \\n)");
        if (path.empty()) return std::unexpected(where + "empty path");
        parsed.ledger.apply({path, id});
        ++parsed.lines;
    }
    return parsed;
}

std::string ledger_lines(const std::vector<LedgerChange>& changes) {
    std::string out;
    for (const auto& change : changes) {
        append_escaped(out, change.path);
        out += '\t';
        append_escaped(out, change.id);
        out += '\n';
    }
    return out;
}

std::string format_ledger(const IdentityLedger& ledger) {
    std::string out(kLedgerHeader);
    out += '\n';
    for (const auto& [path, id] : ledger.records()) {
        append_escaped(out, path);
        out += '\t';
        append_escaped(out, id);
        out += '\n';
    }
    return out;
}

std::uint64_t identity_fingerprint(const Article& article) {
    Hasher hasher;
    hasher.field(title_as_read(article));  // not what its folder's other pages make of it
    hasher.number(static_cast<std::uint64_t>(article.date.time_since_epoch().count()));
    return hasher.value();
}

}  // namespace feedd
