// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The lancet authors
//
// Test-only: a real S3-compatible server for tests. S3TestServer starts
// `node tests/s3/server.mjs` (s3rver behind the lancet test proxy, which enforces
// If-None-Match, verifies SigV4, counts requests and injects faults; see tests/s3/README.md) on
// free loopback ports with its data in a fresh temp directory, waits until it accepts requests,
// and stops it (SIGTERM) when destroyed. The server also exits by itself if this process dies
// (it watches its stdin pipe).
//
// Needs `node` on PATH and `npm ci` done in tests/s3. The source tree is found through
// LANCET_SOURCE_DIR (set by ctest), else by walking up from the working directory and from the
// test executable.
//
// Reuse: any gtest can call SharedS3TestServer() (one server per process, started on first
// use) or own an S3TestServer; a Node script can run `node tests/s3/server.mjs` itself and read
// the same JSON line this class reads.
#pragma once

#include <memory>
#include <string>
#include <sys/types.h>

#include "lancet/core/result.h"
#include "lancet/core/status.h"
#include "lancet/io/s3_file_system.h"

namespace lancet::testing {

/// What server.mjs prints when it is ready.
struct S3ServerInfo {
  std::string endpoint;  // http://127.0.0.1:PORT (the proxy)
  std::string bucket;
  std::string region;
  std::string access_key_id;
  std::string secret_access_key;
  std::string control;   // http://127.0.0.1:PORT/__lancet/
  std::string backend;   // s3rver itself, bypassing the proxy
  std::string data_dir;
  std::string json;      // the whole line
};

class S3TestServer {
 public:
  struct StartOptions {
    bool verify_signatures = true;
    int ready_timeout_ms = 60000;
  };

  /// \brief Start a server and wait until it is ready.
  static Result<std::unique_ptr<S3TestServer>> Start(StartOptions options);
  static Result<std::unique_ptr<S3TestServer>> Start() { return Start(StartOptions{}); }

  ~S3TestServer();
  S3TestServer(const S3TestServer&) = delete;
  S3TestServer& operator=(const S3TestServer&) = delete;

  const S3ServerInfo& info() const { return info_; }

  /// \brief Options for an S3FileSystem on this server (path style, plain http, credentials,
  /// short timeouts and fast retries so fault tests run quickly).
  io::S3Options Options() const;

  /// \brief An s3:// URI for `prefix` ("/a/b") carrying endpoint, region and credentials as
  /// query options, plus `extra_query` ("k=v&k2=v2") if given.
  std::string Uri(const std::string& prefix, const std::string& extra_query = "") const;

  /// \brief GET <control>stats: the proxy's server-side counters as JSON.
  Result<std::string> StatsJson() const;
  /// \brief Zero the proxy's counters.
  Status ResetStats() const;
  /// \brief Arm faults: a JSON object such as {"slowdown_count": 3} or
  /// {"drop_after_count": 1, "kinds": ["put_if_absent"]} (see tests/s3/s3_proxy.mjs); "{}" disarms.
  Status SetFaults(const std::string& json) const;

  /// \brief Stop the server (also done by the destructor).
  Status Stop();

 private:
  S3TestServer() = default;
  Result<std::string> Control(const std::string& method, const std::string& path,
                              const std::string& body) const;

  S3ServerInfo info_;
  pid_t pid_ = -1;
  int stdin_fd_ = -1;
};

/// \brief The process-wide server, started on first use and stopped at exit. Tests share it:
/// use a unique key prefix per test.
Result<S3TestServer*> SharedS3TestServer();

/// \brief Return the lancet source directory (LANCET_SOURCE_DIR or found by walking up).
Result<std::string> LancetSourceDir();

}  // namespace lancet::testing
