#include "feed/compress.h"

#include "content/digest.h"

#include <brotli/encode.h>
#include <zlib.h>

#include <cstdint>
#include <cstdio>
#include <stdexcept>

namespace feedd {

std::string gzip(std::string_view body) {
    z_stream zs{};
    if (deflateInit2(&zs, 6, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK) {
        throw std::runtime_error("zlib: deflateInit2 failed");
    }
    std::string out(deflateBound(&zs, static_cast<uLong>(body.size())) + 32, '\0');
    zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(body.data()));
    zs.avail_in = static_cast<uInt>(body.size());
    zs.next_out = reinterpret_cast<Bytef*>(out.data());
    zs.avail_out = static_cast<uInt>(out.size());
    const int rc = deflate(&zs, Z_FINISH);
    out.resize(zs.total_out);
    out.shrink_to_fit();  // the bound is about the body's size: kept per variant, it would double
                          // memory
    deflateEnd(&zs);
    if (rc != Z_STREAM_END) throw std::runtime_error("zlib: deflate did not finish");
    return out;
}

std::string brotli(std::string_view body) {
    std::size_t size = BrotliEncoderMaxCompressedSize(body.size());
    if (size == 0) throw std::runtime_error("brotli: input too large");
    std::string out(size, '\0');
    // A window no larger than the body (within brotli's 2^10..2^24): the same compression for
    // the body, and the encoder's ring buffer sized to it instead of 4 MB (BROTLI_DEFAULT_WINDOW).
    int window = BROTLI_MIN_WINDOW_BITS;
    while (window < BROTLI_MAX_WINDOW_BITS && (std::size_t{1} << window) - 16 < body.size())
        ++window;
    if (!BrotliEncoderCompress(kBrotliQuality, window, BROTLI_MODE_TEXT, body.size(),
                               reinterpret_cast<const std::uint8_t*>(body.data()), &size,
                               reinterpret_cast<std::uint8_t*>(out.data()))) {
        throw std::runtime_error("brotli: BrotliEncoderCompress failed");
    }
    out.resize(size);
    out.shrink_to_fit();
    return out;
}

std::string content_hash(std::string_view bytes) {
    char buf[17];
    std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(hash_bytes(bytes)));
    return buf;
}

}  // namespace feedd
