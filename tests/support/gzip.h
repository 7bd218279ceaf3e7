// Test support: reading back what a server or feedd itself gzipped.
#pragma once

#include <string>

namespace feedd::test {

// The bytes of a whole gzip stream (RFC 1952); empty when `gzipped` is not one.
std::string gunzip(const std::string& gzipped);

}  // namespace feedd::test
