#include "feed/xml_out.h"

namespace feedd::detail {
namespace {

struct StringWriter : pugi::xml_writer {
    std::string out;
    void write(const void* data, size_t size) override {
        out.append(static_cast<const char*>(data), size);
    }
};

}  // namespace

void add_declaration(pugi::xml_document& doc) {
    pugi::xml_node decl = doc.append_child(pugi::node_declaration);
    decl.append_attribute("version") = "1.0";
    decl.append_attribute("encoding") = "utf-8";
}

pugi::xml_node add_text(pugi::xml_node parent, const char* name, std::string_view text) {
    if (text.empty()) return {};
    pugi::xml_node node = parent.append_child(name);
    node.append_child(pugi::node_pcdata).set_value(std::string(text).c_str());
    return node;
}

std::string to_string(const pugi::xml_document& doc) {
    StringWriter writer;
    doc.save(writer, "  ", pugi::format_indent, pugi::encoding_utf8);
    return std::move(writer.out);
}

}  // namespace feedd::detail
