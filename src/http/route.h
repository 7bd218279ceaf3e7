// Request → response against one snapshot. Pure and total: every request gets a response, nothing
// throws.
#pragma once

#include <boost/beast/http/message.hpp>
#include <boost/beast/http/span_body.hpp>
#include <boost/beast/http/string_body.hpp>
#include <memory>

#include "feed/snapshot.h"

namespace feedd::http {

using Request = boost::beast::http::request<boost::beast::http::string_body>;
// The body points into the snapshot's bytes; the caller keeps the snapshot alive until it is sent.
using Response = boost::beast::http::response<boost::beast::http::span_body<const char>>;

// `snapshot` may be null (nothing built yet): 503 for everything.
Response route(const Request& request, const Snapshot* snapshot);

}  // namespace feedd::http
