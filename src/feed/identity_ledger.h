// The identity ledger (docs/identity.md): the ids articles keep whatever becomes of the rule that
// would give them one. It holds two kinds of records, path → id:
//  - the ids `feedd adopt` took from the feed a site published before feedd (so its readers do not
//    see the history again as unread);
//  - the ids of renamed or moved articles: the same article found under a new path keeps the id it
//    had under the old one.
// An article without a record has the default id (feed.h). The ledger is plain data here; the
// daemon keeps it as a journal in state_dir (daemon/ledger_file.h).
#pragma once

#include <cstdint>
#include <expected>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "content/article.h"

namespace feedd {

// One change: `path` now has `id`; an empty `id` forgets the path (a moved article's old path).
struct LedgerChange {
    std::string path;
    std::string id;
    bool operator==(const LedgerChange&) const = default;
};

class IdentityLedger {
  public:
    // The recorded id of the article at `path`, or null.
    const std::string* find(std::string_view path) const;
    // Records path → id (non-empty). False when the ledger said so already: adopting twice
    // changes nothing.
    bool assign(const std::string& path, std::string id);
    // False when there was nothing to forget.
    bool forget(std::string_view path);
    // Applies one journal line (assign, or forget for an empty id).
    void apply(LedgerChange change);

    std::size_t size() const { return records_.size(); }
    const std::map<std::string, std::string, std::less<>>& records() const { return records_; }
    // Changes made by assign/forget not yet written, in order, to be appended to the journal.
    const std::vector<LedgerChange>& changes() const { return changes_; }
    void clear_changes() { changes_.clear(); }

    bool operator==(const IdentityLedger& other) const { return records_ == other.records_; }

  private:
    std::map<std::string, std::string, std::less<>> records_;
    std::vector<LedgerChange> changes_;
};

// The journal as written in state_dir: the line kLedgerHeader, then one "path<TAB>id" line per
// change, later lines winning; an empty id forgets the path. A backslash escapes a tab, a newline
// or itself ("\t", "\n", "\\"), so any path and id fit on one line. Hand-written: feedd's own
// format, kept appendable (a change is one write(2)) and readable with grep.
inline constexpr std::string_view kLedgerHeader = "# feedd identity ledger 1";

struct ParsedLedger {
    IdentityLedger ledger;   // no pending changes
    std::size_t lines = 0;   // journal lines read (records plus superseded ones)
    bool torn_tail = false;  // a last line without its newline (an append cut short), ignored
};

// `file` names the journal in the error: "FILE:LINE: message".
std::expected<ParsedLedger, std::string> parse_ledger(std::string_view text, std::string_view file);
// Journal lines for these changes (no header).
std::string ledger_lines(const std::vector<LedgerChange>& changes);
// The whole ledger, compacted: the header and one line per record.
std::string format_ledger(const IdentityLedger& ledger);

// What "the same article" means when an article appears under a new path and one disappeared:
// the same title and publication time (a rename keeps both; an edit of either while moving the
// file gives the article a new id, as a new article would).
std::uint64_t identity_fingerprint(const Article& article);

}  // namespace feedd
