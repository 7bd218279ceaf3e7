// Shared by the XML writers (private to src/feed; the only header that shows pugixml).
#pragma once

#include <string>
#include <string_view>

#include <pugixml.hpp>

namespace feedd::detail {

// A document with the declaration every feed starts with: <?xml version="1.0" encoding="utf-8"?>
void add_declaration(pugi::xml_document& doc);

// Appends <?xml-stylesheet type="text/xsl" href="HREF"?> (after the declaration), or nothing when
// href is empty. HREF is escaped as the pseudo-attribute value it is: &, <, >, " become references.
void add_stylesheet(pugi::xml_document& doc, std::string_view href);

// Appends <name>text</name>, or nothing when text is empty (empty elements are invalid in
// several places of RSS and Atom, and never useful).
pugi::xml_node add_text(pugi::xml_node parent, const char* name, std::string_view text);

// The document's bytes, two-space indented, UTF-8, ending with a newline.
std::string to_string(pugi::xml_document& doc);  // no character XML 1.0 forbids, whatever the input

}  // namespace feedd::detail
