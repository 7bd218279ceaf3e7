// Responses that do not come from the snapshot, shared by route() and the server's error path.
#pragma once

#include <boost/beast/http/status.hpp>
#include <string_view>

#include "http/route.h"

namespace feedd::http {

// "feedd/<version>"
std::string_view server_name();

// A short text/plain response. `body` must outlive the response (use string literals).
Response text_response(boost::beast::http::status status, std::string_view body, unsigned version,
                       bool keep_alive);

}  // namespace feedd::http
