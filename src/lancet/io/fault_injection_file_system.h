// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The lancet authors
//
// FaultInjectionFileSystem: a decorator that makes chosen calls fail with IOError, to test how
// writers and the commit protocol behave when storage misbehaves (RocksDB's
// fault_injection_fs). Thread-safe; faults may be armed while other threads use the file
// system, and apply to the files and streams it opened.
//
// Write-type calls (each one counts): OpenOutputStream, OutputStream::Write,
// OutputStream::Close, PutIfAbsent, WriteFile, DeleteFile, DeleteFiles, DeleteDir, Rename,
// CreateDir. Read-type calls: GetFileInfo, Exists, List, OpenInputFile, ReadFile and each ReadAt
// of an opened file (hence each physical request of ReadMany).
//
// A fault injected kBefore the call fails it without touching the base (the operation did not
// happen; a failed Close aborts the stream, so nothing is published). A fault injected kAfter
// runs the operation and then reports an error: the caller cannot tell whether it happened,
// which is what a timed-out S3 PUT looks like and what a commit protocol must survive.
//
// The decorator does not retry; the S3 backend does its own retrying (exercised against real
// HTTP errors by the test proxy, tests/s3/). These faults test the layers above storage: what a
// table commit does when the store throttles (InjectSlowDown) or a write's outcome is unknown
// (InjectDroppedConnections).
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "lancet/io/file_system_wrapper.h"

namespace lancet::io {

class FaultInjectionFileSystem : public FileSystemWrapper {
 public:
  /// When an injected fault strikes relative to the real operation.
  enum class FaultTiming { kBefore, kAfter };

  explicit FaultInjectionFileSystem(std::shared_ptr<FileSystem> base);

  /// \brief Fail the n-th write-type call from now (n = 1: the next one), once.
  void FailNthWrite(int64_t n, FaultTiming timing = FaultTiming::kBefore);
  /// \brief Let the next n write-type calls succeed, then fail every following one.
  void FailWritesAfter(int64_t n, FaultTiming timing = FaultTiming::kBefore);
  /// \brief Fail (or stop failing) every read-type call.
  void SetFailReads(bool fail);
  /// \brief Mark injected errors retryable (default false).
  void SetRetryable(bool retryable);
  /// \brief Object-store throttling: the next `n` calls of any type fail before the operation
  /// with a retryable IOError whose message reads like S3's "503 SlowDown".
  void InjectSlowDown(int64_t n);
  /// \brief Object-store dropped connections: the next `n` write-type calls fail with a
  /// retryable IOError; kAfter performs the operation first (the outcome is unknown to the
  /// caller, like a PUT whose response was lost). Takes precedence over FailNthWrite and
  /// FailWritesAfter while armed; InjectSlowDown takes precedence over this.
  void InjectDroppedConnections(int64_t n, FaultTiming timing = FaultTiming::kAfter);
  /// \brief Disarm every fault and zero the counters.
  void Reset();

  /// \brief Return the number of write-type calls seen (since construction or Reset).
  int64_t write_calls() const;
  /// \brief Return the number of faults injected (since construction or Reset).
  int64_t injected_faults() const;

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

  struct State;  // shared with opened files and streams

 private:
  std::shared_ptr<State> state_;
};

}  // namespace lancet::io
