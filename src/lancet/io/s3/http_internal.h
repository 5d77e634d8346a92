// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The lancet authors
//
// Private to lancet_io: one HTTP/1.1 exchange over libcurl, with a process-wide pool of easy
// handles so connections (and TLS sessions, DNS lookups) are reused across requests and threads.
// No retries here: the S3 client decides what is retryable. Thread-safe.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace lancet::io::s3::internal {

struct HttpRequest {
  std::string method;  // GET HEAD PUT POST DELETE
  std::string url;     // absolute, path and query already encoded
  std::vector<std::pair<std::string, std::string>> headers;
  std::string_view body;  // sent for PUT and POST (the caller keeps it alive)
  /// If set, a 2xx response body is written here; more than sink_capacity bytes is an error.
  void* sink = nullptr;
  int64_t sink_capacity = 0;
  /// Open a new connection instead of reusing a pooled one. For requests that must not be
  /// replayed: libcurl silently re-sends a request whose reused connection turns out dead, so
  /// a conditional PUT that was applied could come back as 412 with no sign of the first try.
  bool fresh_connection = false;
  int64_t connect_timeout_ms = 10000;
  int64_t timeout_ms = 60000;  // whole exchange; 0 = none
};

struct HttpResponse {
  /// HTTP status; 0 if no response was received (transport_error says why).
  int status = 0;
  std::vector<std::pair<std::string, std::string>> headers;  // names in lower case
  std::string body;        // the body unless it went to the sink
  int64_t sink_bytes = 0;  // bytes written to the sink
  std::string transport_error;
  bool timed_out = false;
  /// The response body did not fit the sink (not a transport problem; not retryable).
  bool body_overflow = false;
  /// True if the request may have reached the server (the connection was established and
  /// sending had begun), so a write may have been applied although no response came back.
  bool maybe_sent = false;

  /// \brief Return the value of header `name` (lower case), or "".
  std::string Header(std::string_view name) const;
};

/// \brief Perform one exchange on a pooled connection. Never throws; transport failures are
/// reported in the response (status 0).
HttpResponse PerformHttp(const HttpRequest& request);

}  // namespace lancet::io::s3::internal
