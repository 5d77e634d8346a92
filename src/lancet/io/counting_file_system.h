// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The lancet authors
//
// CountingFileSystem: a transparent decorator that records every request it forwards in an
// IoStats (IOPS, bytes and latency per request kind), so benchmarks can report the I/O cost of
// a query and tests can assert it exactly. Thread-safe.
//
// What counts as one request (the object-store cost model; the base may do more or less work):
//   get            each ReadAt of an opened file; each physical (merged, split) request of
//                  ReadMany; ReadFile. bytes_read = bytes returned.
//   head           GetFileInfo, Exists, OpenInputFile(path). OpenInputFile(path, known_size)
//                  records nothing (it needs no metadata request on object stores).
//   list           List.
//   put            WriteFile; OutputStream::Close (one request for the whole stream, bytes =
//                  bytes written, latency = time spent in Write calls plus Close); CreateDir
//                  (0 bytes). An aborted stream records nothing.
//   put_if_absent  PutIfAbsent (also when it returns AlreadyExists; counted as an error).
//   delete         DeleteFile, DeleteDir, and one per path of DeleteFiles.
//   rename         Rename.
// Bytes are counted only for requests that succeed. GetSize, WillNeed and OpenOutputStream
// record nothing. Every counted call is bracketed by IoStats::BeginRequest/EndRequest (an
// OutputStream at Close, DeleteFiles once for the batch), so `sequential_round_trips` counts
// the calls that began while no other counted call was in flight, on any backend.
//
// Optionally (set_read_log_enabled) every get is also appended to a log of (path, offset,
// length) that tests can inspect to check coalescing and access patterns.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "lancet/io/file_system_wrapper.h"
#include "lancet/io/io_stats.h"

namespace lancet::io {

/// One logged read request.
struct ReadLogEntry {
  std::string path;
  int64_t offset = 0;
  int64_t length = 0;

  bool operator==(const ReadLogEntry&) const = default;
};

class CountingFileSystem : public FileSystemWrapper {
 public:
  /// \brief Wrap `base`, recording into `stats` (a fresh IoStats if null).
  explicit CountingFileSystem(std::shared_ptr<FileSystem> base,
                              std::shared_ptr<IoStats> stats = nullptr);

  /// \brief Return the stats this file system records into.
  const std::shared_ptr<IoStats>& stats() const { return stats_; }

  /// \brief Start or stop logging individual reads (off by default).
  void set_read_log_enabled(bool enabled);
  /// \brief Return a copy of the logged reads, in completion order.
  std::vector<ReadLogEntry> read_log() const;
  /// \brief Forget the logged reads.
  void ClearReadLog();

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

  struct ReadLog;  // shared with the files this file system opens

 private:
  std::shared_ptr<RandomAccessFile> Wrap(std::shared_ptr<RandomAccessFile> file);

  std::shared_ptr<IoStats> stats_;
  std::shared_ptr<ReadLog> log_;
};

}  // namespace lancet::io
