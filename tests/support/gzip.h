// Test support: reading back what a server or feedd itself compressed.
#pragma once

#include <string>

namespace feedd::test {

// The bytes of a whole gzip stream (RFC 1952); empty when `gzipped` is not one.
std::string gunzip(const std::string& gzipped);
// The bytes of a whole brotli stream (RFC 7932); empty when `compressed` is not exactly one.
std::string unbrotli(const std::string& compressed);

}  // namespace feedd::test
