// feedd's own checks on a built snapshot, run before it replaces the one being served: every feed
// parses, has its required elements, and no two entries share an id.
#pragma once

#include <string>
#include <vector>

#include "feed/snapshot.h"

namespace feedd {

// One message per failure ("/atom.xml: entry 3 has no <id>"); empty when the snapshot is sound.
std::vector<std::string> validate_snapshot(const Snapshot& snapshot);

}  // namespace feedd
