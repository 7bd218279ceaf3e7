// A parsed web page (gumbo's tree) and the small helpers the HTML reader's parts share: attribute
// lookup, text, class tokens, and walks that use an explicit stack (a page may nest elements
// thousands deep; none of these recurse). Internal to content/: gumbo's types stay in this
// module.
#pragma once

#include <gumbo.h>

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace feedd::html {

// Deeper nesting than this is flattened before gumbo sees the page: gumbo 0.10 checks the scope
// of most start and end tags by scanning the whole stack of open elements, so a page of 100 000
// nested <div>s cost it minutes (quadratic), and it frees its tree recursively. Browsers cap the
// depth too (Chromium at 512); real pages stay well under 100.
inline constexpr std::size_t kMaxDepth = 256;

// The parse of one page: gumbo's output in an arena that is released at once (gumbo's own
// gumbo_destroy_output recurses over the tree).
class Document {
  public:
    // `html` is UTF-8. Start tags nested deeper than kMaxDepth are dropped (their text stays);
    // dropped_tags() says how many. What feedd never reads is not parsed (prepare_for_parser).
    explicit Document(std::string_view html);
    ~Document();
    Document(const Document&) = delete;
    Document& operator=(const Document&) = delete;

    const GumboNode* root() const;  // the <html> element
    std::size_t dropped_tags() const { return dropped_; }

  private:
    struct Arena;
    std::unique_ptr<Arena> arena_;
    std::string limited_;  // the page with over-deep tags dropped, when there were some
    GumboOutput* output_ = nullptr;
    std::size_t dropped_ = 0;
};

// What gumbo is given (gumbo's time is most of a page's cost, and grows with every character it
// reads): the page with
// - start tags nested deeper than `max_depth` removed (the end tags left without one are ignored
//   by the parser; `dropped` counts them);
// - the text of <script> (but JSON-LD) and <style> elements removed;
// - the text of comments removed (an empty comment stays);
// - the content of an <svg> removed, unless an HTML tag inside it would end it in a parser;
// - runs of white space in text between tags cut to their first character, but in <pre> and
//   <listing> (every reader of the tree collapses white space; the tree keeps its shape);
// - attributes feedd never reads: on* event handlers, data-* but lazy images' sources;
// empty when nothing changed. Void elements, elements a sibling closes (<p>, <li>, <td>, ...),
// raw text (<script> with its escaped parts, <style>, <textarea>, <title>, ...), comments,
// doctypes and attributes (quoted or not) are read as the HTML tokenizer reads them: gumbo makes
// the same tree of both, but for what is removed (tests/content, PreparedPagesMakeTheSameTree).
std::string prepare_for_parser(std::string_view html, std::size_t max_depth, std::size_t& dropped);

// Inline: called for every node of every walk.
inline bool is_element(const GumboNode* node) {
    return node && (node->type == GUMBO_NODE_ELEMENT || node->type == GUMBO_NODE_TEMPLATE);
}
// GUMBO_TAG_UNKNOWN for anything but an element.
inline GumboTag tag(const GumboNode* node) {
    return is_element(node) ? node->v.element.tag : GUMBO_TAG_UNKNOWN;
}
inline bool has_tag(const GumboNode* node, GumboTag t) {
    return is_element(node) && node->v.element.tag == t;
}
// The attribute's value, empty when absent.
std::string_view attr(const GumboNode* node, const char* name);
bool has_attr(const GumboNode* node, const char* name);
// nullptr for text nodes.
inline const GumboVector* children(const GumboNode* node) {
    if (node->type == GUMBO_NODE_DOCUMENT) return &node->v.document.children;
    if (is_element(node)) return &node->v.element.children;
    return nullptr;
}
// Whether the whitespace-separated `class` attribute holds `token` (exactly).
bool has_class(const GumboNode* node, std::string_view token);

// The text inside `node` (scripts, styles and templates left out), whitespace collapsed; at most
// about `max_bytes`, visiting at most `max_nodes` nodes (0: no limit).
std::string text_of(const GumboNode* node, std::size_t max_bytes = 0, std::size_t max_nodes = 0);

// Pre-order walk: `enter(node)` for every node below `root` (root included); false skips its
// children.
template <typename Enter>
void walk(const GumboNode* root, Enter enter) {
    std::vector<const GumboNode*> stack{root};
    while (!stack.empty()) {
        const GumboNode* node = stack.back();
        stack.pop_back();
        if (!enter(node)) continue;
        if (const GumboVector* kids = children(node)) {
            for (unsigned i = kids->length; i-- > 0;)
                stack.push_back(static_cast<const GumboNode*>(kids->data[i]));
        }
    }
}

// Pre- and post-order: `enter(node)` as for walk, then `leave(node)` after its children (only for
// nodes entered with true).
template <typename Enter, typename Leave>
void walk(const GumboNode* root, Enter enter, Leave leave) {
    struct Frame {
        const GumboNode* node;
        unsigned next;
    };
    if (!enter(root)) return;
    std::vector<Frame> stack{{root, 0}};
    while (!stack.empty()) {
        Frame& top = stack.back();
        const GumboVector* kids = children(top.node);
        if (kids && top.next < kids->length) {
            const auto* child = static_cast<const GumboNode*>(kids->data[top.next++]);
            if (enter(child)) stack.push_back({child, 0});
            continue;
        }
        const GumboNode* done = top.node;
        stack.pop_back();
        leave(done);
    }
}

}  // namespace feedd::html
