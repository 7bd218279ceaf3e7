// The identity ledger's journal and `feedd adopt`'s feed reader: both read files feedd did not
// write itself (a ledger edited by hand, a feed from any server). Input: byte 0's low bit picks the
// reader; the rest is the file.
// Invariants: a journal that parses, written back compacted, parses to the same records, and its
// records written as journal lines after a header do too; a feed's entries carry an id whenever
// they carry a link.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "feed/adoption.h"
#include "feed/identity_ledger.h"
#include "fuzz/fuzz_support.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size < 1) return 0;
    const std::string_view text(reinterpret_cast<const char*>(data) + 1, size - 1);
    if (data[0] & 1) {
        const auto entries = feedd::read_published_feed(text, "feed.xml", "Europe/Berlin");
        if (!entries) {
            FEEDD_FUZZ_CHECK(entries.error().starts_with("feed.xml"),
                             "an error that does not name the feed");
            return 0;
        }
        for (const auto& entry : *entries)
            FEEDD_FUZZ_CHECK(entry.link.empty() || !entry.id.empty(),
                             "an entry with a link but no id");
        return 0;
    }
    const auto parsed = feedd::parse_ledger(text, "identity-ledger");
    if (!parsed) {
        FEEDD_FUZZ_CHECK(parsed.error().starts_with("identity-ledger:"),
                         "an error without file and line");
        return 0;
    }
    const auto compact = feedd::parse_ledger(feedd::format_ledger(parsed->ledger), "compact");
    FEEDD_FUZZ_CHECK(compact.has_value(), "the compacted ledger does not parse: %s",
                     compact.error().c_str());
    FEEDD_FUZZ_CHECK(compact->ledger == parsed->ledger, "compacting changed the records");
    FEEDD_FUZZ_CHECK(!compact->torn_tail, "a compacted ledger ends with half a line");

    feedd::IdentityLedger rebuilt;
    for (const auto& [path, id] : parsed->ledger.records()) rebuilt.assign(path, id);
    const auto journal =
        std::string(feedd::kLedgerHeader) + "\n" + feedd::ledger_lines(rebuilt.changes());
    const auto again = feedd::parse_ledger(journal, "journal");
    FEEDD_FUZZ_CHECK(again.has_value() && again->ledger == parsed->ledger,
                     "journal lines do not read back");
    return 0;
}
