#include "feed/xml_out.h"

#include "content/text_clean.h"

namespace feedd::detail {
namespace {

struct StringWriter : pugi::xml_writer {
    std::string out;
    void write(const void* data, size_t size) override {
        out.append(static_cast<const char*>(data), size);
    }
};

// Characters XML 1.0 forbids (C0 controls but TAB/LF/CR, U+FFFE, U+FFFF) make a whole document
// unreadable, and pugixml would write them as "&#1;", which is no better. Articles are cleaned when
// read, but text also arrives decoded from character references (md4c) or from configuration, so
// the writers guarantee it for every text and attribute value, whatever the source.
void strip_forbidden(pugi::xml_node node) {
    for (pugi::xml_attribute attribute : node.attributes()) {
        if (!is_clean_text(attribute.value())) attribute.set_value(clean_text(attribute.value()).text.c_str());
    }
    for (pugi::xml_node child : node.children()) {
        if (child.type() == pugi::node_pcdata || child.type() == pugi::node_cdata) {
            if (!is_clean_text(child.value())) child.set_value(clean_text(child.value()).text.c_str());
        } else {
            strip_forbidden(child);
        }
    }
}

}  // namespace

void add_declaration(pugi::xml_document& doc) {
    pugi::xml_node decl = doc.append_child(pugi::node_declaration);
    decl.append_attribute("version") = "1.0";
    decl.append_attribute("encoding") = "utf-8";
}

void add_stylesheet(pugi::xml_document& doc, std::string_view href) {
    if (href.empty()) return;
    // A processing instruction has no escaping of its own; the xml-stylesheet recommendation lets
    // its pseudo-attributes use XML's predefined entity references, and with '>' escaped the value
    // can never hold the "?>" that would end the instruction.
    std::string value = "type=\"text/xsl\" href=\"";
    for (const char c : is_clean_text(href) ? std::string(href) : clean_text(href).text) {
        switch (c) {
            case '&':
                value += "&amp;";
                break;
            case '<':
                value += "&lt;";
                break;
            case '>':
                value += "&gt;";
                break;
            case '"':
                value += "&quot;";
                break;
            default:
                value += c;
        }
    }
    value += '"';
    pugi::xml_node pi = doc.append_child(pugi::node_pi);
    pi.set_name("xml-stylesheet");
    pi.set_value(value.c_str());
}

pugi::xml_node add_text(pugi::xml_node parent, const char* name, std::string_view text) {
    if (text.empty()) return {};
    pugi::xml_node node = parent.append_child(name);
    node.append_child(pugi::node_pcdata).set_value(std::string(text).c_str());
    return node;
}

std::string to_string(pugi::xml_document& doc) {
    strip_forbidden(doc);
    StringWriter writer;
    doc.save(writer, "  ", pugi::format_indent, pugi::encoding_utf8);
    return std::move(writer.out);
}

}  // namespace feedd::detail
