// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The lancet authors
//
// MemoryFileSystem: files held in process memory, for tests and as a cache substrate.
// Thread-safe (one reader/writer lock around the namespace; file contents are immutable
// Buffers, so readers never block writers for long and never see a torn file).
//
// Paths are normalized to absolute keys: "a//b/" and "/a/b" name the same file. Directories are
// tracked explicitly (CreateDir, or implicitly as the parents of every file written), so the
// backend behaves like a local disk for List/GetFileInfo. A RandomAccessFile is a snapshot of
// the file at open time: replacing or deleting the file afterwards does not affect open readers
// (like an unlinked-but-open local file, or an S3 read pinned to an ETag).
//
// Every mutation is atomic under the lock; PutIfAbsent is a true compare-and-set.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "lancet/io/file_system.h"

namespace lancet::io {

class MemoryFileSystem : public FileSystem {
 public:
  /// \brief Construct an empty file system with the given capabilities.
  explicit MemoryFileSystem(Capabilities caps = Capabilities::Local());

  /// \brief Return the process-wide instance called `name` (memory://name/...), creating it on
  /// first use. Instances live until process exit.
  static std::shared_ptr<MemoryFileSystem> Named(const std::string& name);

  /// \brief Normalize a path to the key form used internally ("/a/b"; "" and "/" are the root).
  static std::string NormalizePath(const std::string& path);

  std::string type_name() const override { return "memory"; }
  Capabilities capabilities() const override { return caps_; }

  Result<FileInfo> GetFileInfo(const std::string& path) override;
  Result<std::vector<FileInfo>> List(const std::string& prefix_dir, bool recursive) override;
  Result<std::shared_ptr<RandomAccessFile>> OpenInputFile(const std::string& path) override;
  using FileSystem::OpenInputFile;
  Result<std::unique_ptr<OutputStream>> OpenOutputStream(const std::string& path) override;
  Status PutIfAbsent(const std::string& path, const Buffer& data) override;
  Status WriteFile(const std::string& path, const Buffer& data) override;
  Result<Buffer> ReadFile(const std::string& path) override;
  Status DeleteFile(const std::string& path) override;
  Status DeleteDir(const std::string& path) override;
  Status Rename(const std::string& from, const std::string& to) override;
  Status CreateDir(const std::string& path) override;

  /// \brief Return the total bytes held in files (for tests and cache accounting).
  int64_t TotalBytes() const;

 private:
  struct State;  // the namespace; shared with open output streams, which publish into it

  const Capabilities caps_;
  const std::shared_ptr<State> state_;
};

}  // namespace lancet::io
