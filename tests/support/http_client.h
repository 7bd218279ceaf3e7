// Test support: a plain HTTP/1.1 client over real TCP (Boost.Beast, synchronous).
#pragma once

#include <cstdint>
#include <map>
#include <string>

namespace feedd::test {

struct HttpResponse {
    int status = 0;
    std::map<std::string, std::string> headers;  // names lower-cased
    std::string body;

    std::string header(const std::string& lower_name) const {
        const auto it = headers.find(lower_name);
        return it == headers.end() ? std::string{} : it->second;
    }
};

// One request on a new connection. `headers` are added as given.
HttpResponse http_request(const std::string& host, std::uint16_t port, const std::string& method,
                          const std::string& target,
                          const std::map<std::string, std::string>& headers = {},
                          const std::string& body = {});

}  // namespace feedd::test
