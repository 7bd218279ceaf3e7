// The identity ledger's journal on disk (feed/identity_ledger.h): state_dir/identity-ledger. Read
// at start (and by `feedd adopt`, `build`, `check`), appended to by each build or adoption that
// changes it (one write(2) with O_APPEND, then fdatasync: a crash loses at most that append, which
// the next build makes again), and rewritten whole (ping::write_file_atomically) when most
// of its lines say something a later line took back.
#pragma once

#include <expected>
#include <filesystem>
#include <string>
#include <vector>

#include "config/config.h"
#include "feed/identity_ledger.h"

namespace feedd {

std::filesystem::path ledger_file(const Config& config);

// A missing file is an empty ledger. The error is "FILE:LINE: message" (or "FILE: message").
// Compacts the file when most of its lines are superseded (a failure to do so is only logged).
std::expected<IdentityLedger, std::string> load_ledger(const std::filesystem::path& file);

// Appends `changes` (creating state_dir and the file with its header when missing). The error
// names the file.
std::expected<void, std::string> append_ledger(const std::filesystem::path& file,
                                               const std::vector<LedgerChange>& changes);

// Writes the ledger's pending changes (IdentityLedger::changes) and clears them; on failure they
// stay pending for the next call, and the error is returned.
std::expected<void, std::string> save_ledger_changes(const std::filesystem::path& file,
                                                     IdentityLedger& ledger);

}  // namespace feedd
