#include "support/gzip.h"

#include <brotli/decode.h>
#include <zlib.h>

#include <cstdint>

namespace feedd::test {

std::string gunzip(const std::string& gzipped) {
    z_stream stream{};
    if (inflateInit2(&stream, 16 + MAX_WBITS) != Z_OK) return {};  // gzip wrapper only
    stream.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(gzipped.data()));
    stream.avail_in = static_cast<uInt>(gzipped.size());
    std::string out;
    char chunk[16384];
    int status = Z_OK;
    while (status == Z_OK) {
        stream.next_out = reinterpret_cast<Bytef*>(chunk);
        stream.avail_out = sizeof chunk;
        status = inflate(&stream, Z_NO_FLUSH);
        out.append(chunk, sizeof chunk - stream.avail_out);
    }
    inflateEnd(&stream);
    return status == Z_STREAM_END ? out : std::string{};
}

std::string unbrotli(const std::string& compressed) {
    BrotliDecoderState* state = BrotliDecoderCreateInstance(nullptr, nullptr, nullptr);
    std::size_t in_left = compressed.size();
    const auto* in = reinterpret_cast<const std::uint8_t*>(compressed.data());
    std::string out;
    BrotliDecoderResult result = BROTLI_DECODER_RESULT_NEEDS_MORE_OUTPUT;
    while (result == BROTLI_DECODER_RESULT_NEEDS_MORE_OUTPUT) {
        std::uint8_t chunk[16384];
        std::size_t out_left = sizeof chunk;
        std::uint8_t* next = chunk;
        result = BrotliDecoderDecompressStream(state, &in_left, &in, &out_left, &next, nullptr);
        out.append(reinterpret_cast<char*>(chunk), sizeof chunk - out_left);
    }
    BrotliDecoderDestroyInstance(state);
    // Not a whole stream, or bytes after it.
    if (result != BROTLI_DECODER_RESULT_SUCCESS || in_left != 0) return {};
    return out;
}

}  // namespace feedd::test
