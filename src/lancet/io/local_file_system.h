// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The lancet authors
//
// LocalFileSystem: the POSIX backend. Stateless apart from its capabilities, thread-safe, and
// normally used through the process-wide instance Default().
//
// Reads use pread on a descriptor opened O_CLOEXEC (looping until the range is complete and on
// EINTR). Every write publishes atomically: data goes to a hidden temporary sibling
// (".lancet-tmp.<name>.<random>", never returned by List), which is fsynced and then moved into
// place (rename for OutputStream/WriteFile; renameat2(RENAME_NOREPLACE), or link() where that is
// unsupported, for PutIfAbsent), followed by an fsync of the directory. A crash therefore leaves
// either no file or a complete one at the target path, possibly plus a stray temporary file.
// Directories created on the way are fsynced into their parents as well.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "lancet/io/file_system.h"

namespace lancet::io {

class LocalFileSystem : public FileSystem {
 public:
  /// \brief Construct with the given capabilities (Capabilities::Local() by default).
  explicit LocalFileSystem(Capabilities caps = Capabilities::Local());

  /// \brief Return the process-wide instance used by FileSystemFromUri.
  static std::shared_ptr<LocalFileSystem> Default();

  std::string type_name() const override { return "local"; }
  Capabilities capabilities() const override { return caps_; }

  Result<FileInfo> GetFileInfo(const std::string& path) override;
  Result<std::vector<FileInfo>> List(const std::string& prefix_dir, bool recursive) override;
  Result<std::vector<FileInfo>> ListTemporaries(const std::string& prefix_dir) override;
  /// Uses fstat for the size; the known_size overload is inherited and ignores the hint.
  Result<std::shared_ptr<RandomAccessFile>> OpenInputFile(const std::string& path) override;
  using FileSystem::OpenInputFile;
  Result<std::unique_ptr<OutputStream>> OpenOutputStream(const std::string& path) override;
  Status PutIfAbsent(const std::string& path, const Buffer& data) override;
  Status WriteFile(const std::string& path, const Buffer& data) override;
  Status DeleteFile(const std::string& path) override;
  Status DeleteDir(const std::string& path) override;
  Status Rename(const std::string& from, const std::string& to) override;
  Status CreateDir(const std::string& path) override;

 private:
  Capabilities caps_;
};

}  // namespace lancet::io
