// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The lancet authors
//
// S3FileSystem: the FileSystem of one bucket of an S3-compatible object store (AWS S3, S3 Express
// One Zone directory buckets, Cloudflare R2, MinIO, s3rver, ...), over libcurl with our own
// SigV4 signing (lancet/io/s3/).
//
// Paths are keys of the bucket spelled like absolute paths: "/prefix/ds/data/x.lance" is the key
// "prefix/ds/data/x.lance" (a leading '/' is optional; List returns paths spelled like the
// directory it was given). URIs: `s3://bucket/prefix?option=value&...` and the R2 preset
// `r2://bucket/prefix` (see S3Options::FromUri for the options).
//
// Requests, per FileSystem call (what CountingFileSystem would also count, and what is billed):
//   ReadAt                 one ranged GET (length 0: none); ReadMany coalesces and runs its
//                          physical requests in parallel (Capabilities::ObjectStore()).
//   OpenInputFile(p)       one HEAD (size). OpenInputFile(p, known_size): none.
//   ReadFile               one GET (no HEAD).
//   GetFileInfo / Exists   one HEAD; if 404, one LIST (max-keys=1) to find a "directory".
//   List                   LIST v2 (1000 keys per page).
//   WriteFile              one PUT.
//   PutIfAbsent            one PUT with If-None-Match: * (412/409 -> AlreadyExists).
//   OpenOutputStream       nothing until Close (<= part_size bytes: one PUT) or until part_size
//                          bytes are buffered (multipart: create, one PUT per equal-size part,
//                          complete; Abort sends abort).
//   DeleteFile             one DELETE. DeleteFiles: POST ?delete per 1000 keys.
//   DeleteDir              LIST + POST ?delete per 1000 keys.
//   Rename                 server-side copy (PUT x-amz-copy-source) + DELETE; not atomic.
//   CreateDir              HEAD (a file there is an error) + PUT of a zero-byte "dir/" marker.
// Throttling (429, 503 SlowDown), 5xx, time-outs and dropped connections are retried with
// exponential backoff and full jitter. A retried conditional PUT that finds the key taken
// checks whether the object is its own (ETag = MD5 of the data): a write that landed before the
// connection dropped is not reported as lost.
//
// Deliberate differences from the local backend (object stores have no directories): writing
// under a path whose parent is a file succeeds; PutIfAbsent and DeleteFile do not look for a
// directory of the same name; an opened file reads the current object, not a snapshot.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "lancet/io/file_system.h"
#include "lancet/io/io_stats.h"

namespace lancet::io {

struct S3RetryOptions {
  /// Attempts after the first one.
  int max_retries = 6;
  /// Backoff before retry n (0-based) is uniform in [0, min(max, initial * 2^n)] (full jitter).
  int64_t initial_backoff_ms = 100;
  int64_t max_backoff_ms = 5000;
};

struct S3Options {
  std::string bucket;
  /// "https://host[:port]" of an S3-compatible service; empty: AWS (https://s3.<region>.
  /// amazonaws.com, or the zonal endpoint of an S3 Express directory bucket).
  std::string endpoint;
  std::string region = "us-east-1";
  /// Path-style URLs (endpoint/bucket/key) instead of virtual-hosted (bucket.endpoint/key).
  /// Defaults to true for a custom endpoint, false for AWS.
  std::optional<bool> path_style;
  /// Permit a plain-http endpoint (local servers); refused otherwise.
  bool allow_http = false;
  std::string access_key_id;
  std::string secret_access_key;
  std::string session_token;
  /// Cloudflare R2: endpoint https://<account>.r2.cloudflarestorage.com, region "auto".
  std::string r2_account_id;
  /// S3 Express One Zone: set for buckets named "<name>--<az-id>--x-s3" (the zone is taken
  /// from the name); data requests then use CreateSession credentials.
  bool s3_express = false;

  int64_t connect_timeout_ms = 10000;
  /// Time limit of one request (attempt); a request that takes longer is retried.
  int64_t request_timeout_ms = 60000;
  S3RetryOptions retry;

  /// Multipart upload part size (all parts but the last have exactly this size, as R2
  /// requires); streams up to this size are uploaded with one PUT. S3's minimum is 5 MiB.
  int64_t part_size = 8 * 1024 * 1024;
  /// Keys per LIST page (1..1000); small values exercise pagination in tests.
  int list_page_size = 1000;
  /// Keys per batch DELETE (1..1000); small values exercise batching in tests.
  int delete_batch_size = 1000;
  /// Send UNSIGNED-PAYLOAD instead of hashing bodies (only sensible over https).
  bool unsigned_payload = false;

  /// Reads are planned with these (default: Capabilities::ObjectStore()).
  Capabilities capabilities = Capabilities::ObjectStore();
  /// Where requests are recorded; a fresh IoStats if null.
  std::shared_ptr<IoStats> stats;

  /// \brief Fill unset fields from the AWS environment: AWS_ACCESS_KEY_ID,
  /// AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN, AWS_REGION (or AWS_DEFAULT_REGION),
  /// AWS_ENDPOINT_URL (AWS_ENDPOINT_URL_S3 first), and for R2 R2_ACCOUNT_ID.
  void FillFromEnvironment();

  /// \brief Parse `s3://bucket/prefix?k=v&...` or `r2://bucket/prefix?...`; `path` receives
  /// "/prefix". Query options (aliases in parentheses): endpoint (endpoint_url, aws_endpoint),
  /// region (aws_region), allow_http, path_style (virtual_hosted_style_request: the inverse),
  /// access_key_id (aws_access_key_id), secret_access_key (aws_secret_access_key),
  /// session_token (aws_session_token), r2_account_id, connect_timeout_ms,
  /// request_timeout_ms (timeout_ms), max_retries, initial_backoff_ms, max_backoff_ms,
  /// part_size, list_page_size, unsigned_payload. Values are percent-decoded. The environment
  /// fills what the URI leaves unset. Unknown options are InvalidArgument.
  static Result<S3Options> FromUri(const std::string& uri, std::string* path);

  /// \brief Check the options and fill derived values (R2 preset, S3 Express, path style).
  Status Validate();
};

class S3FileSystem : public FileSystem {
 public:
  /// \brief Create a file system for `options.bucket` (validated; no request is made).
  static Result<std::shared_ptr<S3FileSystem>> Make(S3Options options);

  ~S3FileSystem() override;

  const S3Options& options() const;
  /// \brief Return the stats this file system records every HTTP request in.
  const std::shared_ptr<IoStats>& stats() const;
  /// \brief Return the URL of `path` (for messages and tests).
  std::string UrlOf(const std::string& path) const;

  std::string type_name() const override { return "s3"; }
  Capabilities capabilities() const override;
  Result<FileInfo> GetFileInfo(const std::string& path) override;
  Result<std::vector<FileInfo>> List(const std::string& prefix_dir, bool recursive) override;
  /// One LIST page (max-keys = min(max_entries, list_page_size), more pages only while fewer
  /// than max_entries entries came back).
  Result<std::vector<FileInfo>> ListFirst(const std::string& prefix_dir,
                                          int64_t max_entries) override;
  Result<std::shared_ptr<RandomAccessFile>> OpenInputFile(const std::string& path) override;
  Result<std::shared_ptr<RandomAccessFile>> OpenInputFile(const std::string& path,
                                                          int64_t known_size) override;
  Result<std::unique_ptr<OutputStream>> OpenOutputStream(const std::string& path) override;
  Status PutIfAbsent(const std::string& path, const Buffer& data) override;
  Status WriteFile(const std::string& path, const Buffer& data) override;
  Result<Buffer> ReadFile(const std::string& path) override;
  Status DeleteFile(const std::string& path) override;
  Status DeleteFiles(const std::vector<std::string>& paths) override;
  Status DeleteDir(const std::string& path) override;
  Status Rename(const std::string& from, const std::string& to) override;
  Status CreateDir(const std::string& path) override;

  class Impl;

 private:
  explicit S3FileSystem(std::shared_ptr<Impl> impl);
  std::shared_ptr<Impl> impl_;
};

/// \brief Resolve an `s3://` or `r2://` URI to a file system (shared by every URI with the same
/// options, so connections are reused) and the path in it.
Result<FileSystemAndPath> S3FileSystemFromUri(const std::string& uri);

/// \brief Register S3FileSystemFromUri for the schemes "s3" and "r2" (idempotent).
Status RegisterS3FileSystemSchemes();

}  // namespace lancet::io
