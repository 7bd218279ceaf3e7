// Web pages (.html): the bytes of one saved page (optionally with a sidecar, see fuzz_article),
// read through charset detection, gumbo and the article extraction. Besides fuzz_article's
// checks, the article's HTML must be well-formed XML (the writer closes what it opens and
// escapes all text) without scripts, event handlers or styles.
#include <cstddef>
#include <cstdint>
#include <pugixml.hpp>
#include <string>
#include <string_view>

#include "fuzz/fuzz_support.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view input(reinterpret_cast<const char*>(data), size);
    feedd::fuzz::fuzz_article(input, "saved/page.html");

    feedd::SourceFile source;
    source.path = "saved/page.html";
    source.bytes = std::string(input);
    const feedd::ParseOutcome out = feedd::parse_article(source, feedd::ContentConfig{});
    if (!out.article) return 0;
    const std::string& html = out.article->content_html;
    const std::string wrapped = "<div>" + html + "</div>";
    pugi::xml_document doc;
    const pugi::xml_parse_result parsed = doc.load_buffer(wrapped.data(), wrapped.size());
    FEEDD_FUZZ_CHECK(parsed, "article HTML is not well-formed XML (%s at %td): %s",
                     parsed.description(), parsed.offset, html.c_str());
    const pugi::xml_node root = doc.child("div");
    for (const pugi::xpath_node& found : root.select_nodes("descendant::*")) {
        const pugi::xml_node element = found.node();
        const std::string name = element.name();
        FEEDD_FUZZ_CHECK(name != "script" && name != "style" && name != "iframe", "<%s> kept",
                         name.c_str());
        for (const pugi::xml_attribute a : element.attributes()) {
            const std::string attribute = a.name();
            FEEDD_FUZZ_CHECK(!attribute.starts_with("on") && attribute != "style",
                             "attribute %s kept", attribute.c_str());
        }
    }
    return 0;
}
