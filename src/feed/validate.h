// feedd's own checks on a built snapshot, run before it replaces the one being served: every feed
// parses, has its required elements, and no two entries share an id.
#pragma once

#include <string>
#include <vector>

#include "feed/snapshot.h"

namespace feedd {

// Which documents validate_snapshot looks at.
enum class Deferred {
    skip,    // the ones rendered already; a deferred one checks itself when rendered (see site.cpp)
    render,  // all of them, rendering the deferred ones (feedd build, feedd check)
};

// One message per failure ("/atom.xml: entry 3 has no <id>"); empty when the snapshot is sound.
// Documents shared with `checked` (the snapshot before, already checked) are not checked again.
std::vector<std::string> validate_snapshot(const Snapshot& snapshot,
                                           Deferred deferred = Deferred::skip,
                                           const Snapshot* checked = nullptr);

// The checks of one document: appends to `errors`.
void validate_document(const std::string& path, const Resource& resource,
                       std::vector<std::string>& errors);

}  // namespace feedd
