// UTF-8 validation is hand-written: it is a few dozen lines of well-specified rules (Unicode 15,
// table 3-7), and the policy around it is feedd's own — replace ill-formed sequences with U+FFFD
// (one per maximal subpart, as Unicode recommends), drop what XML 1.0 forbids, count both so the
// caller can warn with a line number. A library (ICU, utfcpp) would still leave that policy to us.
#include "content/text_clean.h"

#include <algorithm>
#include <array>
#ifdef __SSE2__
#include <emmintrin.h>
#include <immintrin.h>
#endif
#include <cstdint>
#include <cstring>

namespace feedd {
namespace {

constexpr std::string_view kReplacement = "\xEF\xBF\xBD";  // U+FFFD

bool in(unsigned char c, unsigned char lo, unsigned char hi) {
    return c >= lo && c <= hi;
}

// Valid range for the second byte of a sequence starting with `lead` (table 3-7).
bool second_ok(unsigned char lead, unsigned char c) {
    switch (lead) {
        case 0xE0:
            return in(c, 0xA0, 0xBF);
        case 0xED:
            return in(c, 0x80, 0xBF);  // surrogates (A0..BF) are accepted here, removed later
        case 0xF0:
            return in(c, 0x90, 0xBF);
        case 0xF4:
            return in(c, 0x80, 0x8F);
        default:
            return in(c, 0x80, 0xBF);
    }
}

int sequence_length(unsigned char lead) {
    if (lead < 0x80) return 1;
    if (in(lead, 0xC2, 0xDF)) return 2;
    if (in(lead, 0xE0, 0xEF)) return 3;
    if (in(lead, 0xF0, 0xF4)) return 4;
    return 0;  // C0, C1, F5..FF and stray continuation bytes never start a sequence
}

// A table rather than six comparisons: summaries are collapsed byte by byte for every article.
constexpr std::array<bool, 256> kSpace = [] {
    std::array<bool, 256> table{};
    for (const unsigned char c : {' ', '\t', '\n', '\r', '\f', '\v'}) table[c] = true;
    return table;
}();

bool is_space(char c) {
    return kSpace[static_cast<unsigned char>(c)];
}

}  // namespace

#ifdef __x86_64__
namespace {

// The leading 32-byte blocks of `bytes` that hold only printable ASCII, tabs and newlines, as
// is_clean_text's SSE2 loop below finds them 16 at a time, for CPUs with AVX2 (every x86-64 server
// of the last decade; the binary itself targets baseline x86-64): a first scan checks every byte
// of the content directory, and this halves the instructions it takes.
__attribute__((target("avx2"))) std::size_t plain_prefix_avx2(const char* data, std::size_t n) {
    const __m256i below_space = _mm256_set1_epi8(0x20);
    const __m256i tab = _mm256_set1_epi8('\t');
    const __m256i newline = _mm256_set1_epi8('\n');
    std::size_t i = 0;
    while (i + 32 <= n) {
        const __m256i v = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(data + i));
        // Signed compare: bytes of 0x80 and above are negative, so they count as "below".
        const unsigned suspect =
            static_cast<unsigned>(_mm256_movemask_epi8(_mm256_cmpgt_epi8(below_space, v)));
        const unsigned allowed = static_cast<unsigned>(_mm256_movemask_epi8(
            _mm256_or_si256(_mm256_cmpeq_epi8(v, tab), _mm256_cmpeq_epi8(v, newline))));
        if ((suspect & ~allowed) != 0) break;
        i += 32;
    }
    return i;
}

bool has_avx2() {
    static const bool yes = [] {
        __builtin_cpu_init();  // may run before libgcc's own constructor has
        return __builtin_cpu_supports("avx2") != 0;
    }();
    return yes;
}

}  // namespace
#endif

namespace {

// How many leading bytes of `bytes` are clean as is_clean_text means it (whole well-formed
// sequences only): what clean_text copies as it is, in one piece.
std::size_t clean_prefix(std::string_view bytes) {
    constexpr std::uint64_t kOnes = 0x0101010101010101ULL;
    constexpr std::uint64_t kHigh = 0x8080808080808080ULL;
    const std::size_t n = bytes.size();
    std::size_t i = 0;
    while (i < n) {
#ifdef __x86_64__
        if (has_avx2()) i += plain_prefix_avx2(bytes.data() + i, n - i);
#endif
#ifdef __SSE2__
        // Skip blocks of 16 bytes of printable ASCII, tabs and newlines (line ends would stop
        // the word-wide loop below at every line): every article is checked in full.
        {
            const __m128i below_space = _mm_set1_epi8(0x20);
            const __m128i tab = _mm_set1_epi8('\t');
            const __m128i newline = _mm_set1_epi8('\n');
            while (i + 16 <= n) {
                const __m128i v =
                    _mm_loadu_si128(reinterpret_cast<const __m128i*>(bytes.data() + i));
                // Signed compare: bytes of 0x80 and above are negative, so they count as "below".
                const int suspect = _mm_movemask_epi8(_mm_cmplt_epi8(v, below_space));
                const int allowed = _mm_movemask_epi8(
                    _mm_or_si128(_mm_cmpeq_epi8(v, tab), _mm_cmpeq_epi8(v, newline)));
                if ((suspect & ~allowed) != 0) break;
                i += 16;
            }
        }
#endif
        // Skip words of printable ASCII: no high bit set and no byte below 0x20. The borrow in
        // the subtraction can flag a byte after a real hit, never miss one.
        while (i + 8 <= n) {
            std::uint64_t w;
            std::memcpy(&w, bytes.data() + i, 8);
            if (((w & kHigh) | ((w - 0x20 * kOnes) & ~w & kHigh)) != 0) break;
            i += 8;
        }
        if (i >= n) break;
        const auto c = static_cast<unsigned char>(bytes[i]);
        if (c < 0x80) {
            if (c < 0x20 && c != '\t' && c != '\n') return i;
            ++i;
            continue;
        }
        const int len = sequence_length(c);
        if (len == 0 || i + static_cast<std::size_t>(len) > n) return i;
        const auto b1 = static_cast<unsigned char>(bytes[i + 1]);
        if (!second_ok(c, b1)) return i;
        for (int k = 2; k < len; ++k) {
            if (!in(static_cast<unsigned char>(bytes[i + k]), 0x80, 0xBF)) return i;
        }
        if (c == 0xED && b1 >= 0xA0) return i;  // surrogate
        if (c == 0xEF && b1 == 0xBF && (static_cast<unsigned char>(bytes[i + 2]) & 0xFE) == 0xBE) {
            return i;  // U+FFFE, U+FFFF
        }
        i += static_cast<std::size_t>(len);
    }
    return n;
}

}  // namespace

bool is_clean_text(std::string_view bytes) {
    return !bytes.starts_with("\xEF\xBB\xBF") && clean_prefix(bytes) == bytes.size();
}

CleanText clean_text(std::string_view bytes) {
    CleanText out;
    out.text.reserve(bytes.size());
    if (bytes.starts_with("\xEF\xBB\xBF")) bytes.remove_prefix(3);

    // The line of the first of each problem: every line end so far became one '\n' of the text.
    const auto line_now = [&] {
        return 1 + static_cast<int>(std::count(out.text.begin(), out.text.end(), '\n'));
    };
    auto removed = [&] {
        if (out.removed_count++ == 0) out.removed_line = line_now();
    };
    auto invalid = [&] {
        if (out.invalid_utf8_count++ == 0) out.invalid_utf8_line = line_now();
        out.text += kReplacement;
    };

    const std::size_t n = bytes.size();
    std::size_t i = 0;
    while (i < n) {
        // What is clean already goes over in one piece (real pages are clean but for their CRLF
        // line ends, and went over byte by byte).
        const std::size_t run = clean_prefix(bytes.substr(i));
        out.text.append(bytes.substr(i, run));
        i += run;
        if (i >= n) break;
        const auto c = static_cast<unsigned char>(bytes[i]);
        if (c < 0x80) {
            if (c == '\r') {
                out.text += '\n';
                i += (i + 1 < n && bytes[i + 1] == '\n') ? 2 : 1;
            } else {
                removed();  // a control character
                ++i;
            }
            continue;
        }
        const int len = sequence_length(c);
        if (len == 0) {
            invalid();
            ++i;
            continue;
        }
        // Consume the longest well-formed prefix; if it is incomplete, that prefix is one
        // maximal subpart and becomes one U+FFFD.
        int got = 1;
        while (got < len && i + got < n) {
            const auto b = static_cast<unsigned char>(bytes[i + got]);
            if (got == 1 ? !second_ok(c, b) : !in(b, 0x80, 0xBF)) break;
            ++got;
        }
        if (got < len) {
            invalid();
            i += got;
            continue;
        }
        removed();  // a well-formed sequence that is not clean: a surrogate, U+FFFE or U+FFFF
        i += len;
    }
    return out;
}

int first_nul_line(std::string_view bytes) {
    const auto nul = bytes.find('\0');
    if (nul == std::string_view::npos) return 0;
    int line = 1;
    for (std::size_t i = 0; i < nul; ++i) {
        if (bytes[i] == '\n' || (bytes[i] == '\r' && (i + 1 >= nul || bytes[i + 1] != '\n'))) {
            ++line;
        }
    }
    return line;
}

bool is_blank(std::string_view text) {
    for (char c : text) {
        if (!is_space(c)) return false;
    }
    return true;
}

std::string_view trim(std::string_view text) {
    while (!text.empty() && is_space(text.front())) text.remove_prefix(1);
    while (!text.empty() && is_space(text.back())) text.remove_suffix(1);
    return text;
}

std::vector<std::string_view> split_lines(std::string_view text) {
    std::vector<std::string_view> lines;
    std::size_t start = 0;
    while (start < text.size()) {
        const auto end = text.find('\n', start);
        if (end == std::string_view::npos) {
            lines.push_back(text.substr(start));
            break;
        }
        lines.push_back(text.substr(start, end - start));
        start = end + 1;
    }
    return lines;
}

std::string escape_html(std::string_view text, bool apostrophes) {
    const std::string_view specials = apostrophes ? "&<>\"'" : "&<>\"";
    std::string out;
    out.reserve(text.size() + text.size() / 8);
    while (!text.empty()) {
        const auto special = text.find_first_of(specials);
        out.append(text.substr(0, special));
        if (special == std::string_view::npos) break;
        switch (text[special]) {
            case '&':
                out += "&amp;";
                break;
            case '<':
                out += "&lt;";
                break;
            case '>':
                out += "&gt;";
                break;
            case '\'':
                out += "&#39;";
                break;
            default:
                out += "&quot;";
        }
        text.remove_prefix(special + 1);
    }
    return out;
}

namespace {

// Whether `c` starts a code point (UTF-8 continuation bytes do not).
bool is_lead_byte(char c) {
    return (static_cast<unsigned char>(c) & 0xC0) != 0x80;
}

// The byte offset of code point number `n` (0-based) in `text`, or npos when it has no more than
// `n` code points: where truncate_words cuts.
std::size_t code_point_offset(std::string_view text, std::size_t n) {
    for (std::size_t i = 0; i < text.size(); ++i) {
        if (!is_lead_byte(text[i])) continue;
        if (n == 0) return i;
        --n;
    }
    return std::string_view::npos;
}

// collapse_spaces, stopping once the output holds more than `max_chars` code points: what it
// returns is then a prefix of the whole result (it stops between two words). Words joined by one
// ' ' are copied as one run: appending word by word was most of the time of summarizing.
// With `cut`, also sets what truncate_words would find: the byte offset of code point number
// `max_chars` (0-based) in the result, or npos when the result has no more than `max_chars`.
std::string collapse_spaces_up_to(std::string_view text, std::size_t max_chars,
                                  std::size_t* cut = nullptr) {
    std::string out;
    out.reserve(std::min(text.size(), max_chars < text.size() ? 4 * (max_chars + 1) : text.size()));
    if (cut) *cut = std::string_view::npos;
    std::size_t chars = 0;
    const char* p = text.data();
    const char* const end = p + text.size();
    bool full = false;
    while (!full) {
        while (p != end && is_space(*p)) ++p;
        if (p == end) break;
        if (!out.empty()) {
            out += ' ';
            ++chars;
        }
        const char* const run = p;
        std::size_t continuation = 0;  // UTF-8 continuation bytes: not code points of their own
        while (true) {
            const char* const word = p;
            const std::size_t continuation_before = continuation;
            while (p != end && !is_space(*p)) {
                continuation += !is_lead_byte(*p);
                ++p;
            }
            if (chars + static_cast<std::size_t>(p - run) - continuation > max_chars) {
                full = true;
                if (cut) {
                    // The cut is in this word, or is the ' ' before it: `before` code points
                    // precede the word, which starts at `at` in the result.
                    const std::size_t before =
                        chars + static_cast<std::size_t>(word - run) - continuation_before;
                    const std::size_t at = out.size() + static_cast<std::size_t>(word - run);
                    *cut = before > max_chars ? at - 1
                                              : at + code_point_offset(std::string_view(word, p),
                                                                       max_chars - before);
                }
                break;
            }
            if (p + 1 < end && *p == ' ' && !is_space(p[1])) {
                ++p;  // one ' ' between two words: the run goes on
                continue;
            }
            break;
        }
        out.append(run, static_cast<std::size_t>(p - run));
        chars += static_cast<std::size_t>(p - run) - continuation;
    }
    return out;
}

// truncate_words once the cut is known: back to a word boundary, then the ellipsis.
std::string shorten_at(std::string_view text, std::size_t cut) {
    // Leave room for the ellipsis, then back up to the last space so no word is split.
    std::string_view head = text.substr(0, cut);
    const auto space = head.find_last_of(' ');
    if (space != std::string_view::npos && space > cut / 2)
        head = head.substr(0, space);
    else {
        // One enormous word: cut at a code point boundary anyway.
        while (!head.empty() && !is_lead_byte(head.back())) head.remove_suffix(1);
        if (!head.empty()) head.remove_suffix(1);
    }
    head = trim(head);
    while (!head.empty() && (head.back() == ',' || head.back() == ';' || head.back() == ':')) {
        head.remove_suffix(1);
    }
    // Exact capacity: a summary is kept for every article, and "+" would double it.
    std::string out;
    out.reserve(head.size() + 3);
    out.append(head);
    out.append("\xE2\x80\xA6");
    return out;
}

}  // namespace

std::string collapse_spaces(std::string_view text) {
    return collapse_spaces_up_to(text, std::string_view::npos - 1);
}

std::string summarize(std::string_view text, std::size_t max_chars) {
    // truncate_words(collapse_spaces(text), max_chars), in one pass over the head it needs: a
    // paragraph of a scraped article can be kilobytes long, and every article gets a summary.
    std::size_t cut = std::string_view::npos;
    std::string collapsed = collapse_spaces_up_to(text, max_chars, &cut);
    if (cut == std::string_view::npos) return collapsed;
    return shorten_at(collapsed, cut);
}

std::string truncate_words(std::string_view text, std::size_t max_chars) {
    const std::size_t cut = code_point_offset(text, max_chars);
    if (cut == std::string_view::npos) return std::string(text);
    return shorten_at(text, cut);
}

void encode_utf8(std::string& out, char32_t cp) {
    if (cp < 0x80) {
        out += static_cast<char>(cp);
    } else if (cp < 0x800) {
        out += static_cast<char>(0xC0 | (cp >> 6));
        out += static_cast<char>(0x80 | (cp & 0x3F));
    } else if (cp < 0x10000) {
        out += static_cast<char>(0xE0 | (cp >> 12));
        out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
        out += static_cast<char>(0x80 | (cp & 0x3F));
    } else {
        out += static_cast<char>(0xF0 | (cp >> 18));
        out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
        out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
        out += static_cast<char>(0x80 | (cp & 0x3F));
    }
}

}  // namespace feedd
