// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The lancet authors
//
// SlowFileSystem: a decorator that makes every request slower by a fixed latency plus, if a
// bandwidth cap is set, the time to transfer its bytes at that rate (Arrow's io/slow.h). It
// lets experiments on a local disk or in memory approximate an object store: combine it with
// Capabilities::ObjectStore() so reads are coalesced and fanned out as they would be on S3.
// Thread-safe; requests issued concurrently sleep concurrently, so parallel reads overlap their
// latency exactly as parallel HTTP requests do. The cap is per request (per connection), not
// an aggregate limit.
//
// Delayed: every FileSystem method except OpenOutputStream, each ReadAt of an opened file (so
// each physical request of ReadMany), and OutputStream::Close (latency plus the whole stream's
// bytes). OutputStream::Write, GetSize and WillNeed are not delayed.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "lancet/io/file_system_wrapper.h"

namespace lancet::io {

struct SlowFileSystemOptions {
  /// Added to every request.
  int64_t latency_ns = 0;
  /// Transfer rate per request in bytes per second; 0 means unlimited.
  double bandwidth_bytes_per_sec = 0;
  /// If set, reported instead of the base's capabilities (and used by opened files to plan
  /// ReadMany), e.g. Capabilities::ObjectStore() to mimic S3.
  std::optional<Capabilities> capabilities;

  /// Profiles of real object stores (per-request time to first byte and per-connection
  /// throughput), with Capabilities::ObjectStore(). The figures and their sources are in
  /// src/lancet/io/README.md ("Latency profiles"); they are typical values, not guarantees.
  /// \brief S3 Standard: 100 ms first byte, 90 MB/s per connection.
  static SlowFileSystemOptions S3Standard();
  /// \brief S3 Express One Zone: 5 ms first byte, 90 MB/s per connection.
  static SlowFileSystemOptions S3Express();
  /// \brief Cloudflare R2: 60 ms first byte, 90 MB/s per connection (no published SLO; see
  /// README).
  static SlowFileSystemOptions R2();
  /// \brief Fixed latency, unlimited bandwidth, object-store capabilities (the 20 ms profile
  /// of the request-count benchmarks).
  static SlowFileSystemOptions FixedLatency(int64_t latency_ms);
  /// \brief Look a profile up by name: "s3", "s3-express", "r2", or "<N>ms".
  static Result<SlowFileSystemOptions> Profile(const std::string& name);
};

class SlowFileSystem : public FileSystemWrapper {
 public:
  SlowFileSystem(std::shared_ptr<FileSystem> base, SlowFileSystemOptions options);

  const SlowFileSystemOptions& options() const { return options_; }

  /// \brief Return the delay a request transferring `bytes` incurs.
  int64_t DelayNanos(int64_t bytes) const;

  Capabilities capabilities() const override;
  Result<FileInfo> GetFileInfo(const std::string& path) override;
  Result<bool> Exists(const std::string& path) override;
  Result<std::vector<FileInfo>> List(const std::string& prefix_dir, bool recursive) override;
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

 private:
  void Sleep(int64_t bytes) const;
  std::shared_ptr<RandomAccessFile> Wrap(std::shared_ptr<RandomAccessFile> file) const;

  const SlowFileSystemOptions options_;
};

}  // namespace lancet::io
