// The character set of a web page, and its bytes decoded to UTF-8 (what the HTML reader and the
// feeds need). Detection follows the WHATWG encoding sniffing order for a file without HTTP
// headers: a byte order mark, then a <meta charset> or <meta http-equiv="Content-Type"> in the
// first 4 KB, else UTF-8 when the bytes are valid UTF-8, else windows-1252 (what browsers assume
// for a Western page that declares nothing).
#pragma once

#include <string>
#include <string_view>

namespace feedd {

struct Charset {
    // The name iconv knows it by ("UTF-8", "WINDOWS-1251", "CP932", ...), after the WHATWG label
    // mapping ("latin1" and "iso-8859-1" are windows-1252, "shift_jis" is windows-31J, "gb2312"
    // and "gbk" are decoded as GB18030, their superset).
    std::string name;
    enum class From { bom, meta, valid_utf8, fallback } from = From::fallback;
    std::size_t bom_bytes = 0;  // length of the byte order mark to skip
    std::string declared;       // the label as the page wrote it (meta), for messages
};

// Looks at the bytes only; never fails.
Charset detect_charset(std::string_view bytes);

struct DecodedText {
    std::string text;              // UTF-8 (not yet cleaned: see text_clean.h)
    int invalid_count = 0;         // byte sequences the charset does not define, replaced by U+FFFD
    int invalid_line = 0;          // 1-based line of the first one
    bool unknown_charset = false;  // iconv does not know `charset.name`: decoded as windows-1252
};

// Decodes with glibc's iconv; UTF-8 is returned as it is (clean_text checks it).
DecodedText decode_to_utf8(std::string_view bytes, const Charset& charset);

}  // namespace feedd
