// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The lancet authors
//
// ReadPlanner: gathers the byte ranges a reader will need from one file, fetches them with few
// large (coalesced, split, parallel) requests, and serves any sub-range of them from memory.
// This is Arrow's ReadRangeCache; RandomAccessFile::ReadMany is the one-shot form of it.
//
// Usage:
//   1. ReadPlanner planner(file);                      // options: file->coalesce_options()
//   2. planner.Cache({{off1, len1}, {off2, len2}});    // register everything you will need
//   3. LANCET_ASSIGN_OR_RETURN(Buffer b, planner.Read({off1, len1}));
// The first Read of a registered range loads every pending range at once (or call Load()
// explicitly). Read serves any range contained in one registered range, as a zero-copy slice.
//
// Thread-safe: all methods may be called concurrently; a Load runs under the planner's lock,
// so concurrent readers wait for it rather than issuing duplicate requests. Returned buffers
// own their memory and outlive the planner.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <utility>
#include <vector>

#include "lancet/io/file_system.h"

namespace lancet::io {

class ReadPlanner {
 public:
  /// \brief Plan reads of `file` with the file's own coalesce options.
  explicit ReadPlanner(std::shared_ptr<RandomAccessFile> file);
  ReadPlanner(std::shared_ptr<RandomAccessFile> file, CoalesceOptions options);

  /// \brief Register ranges to be read later; passes them to file->WillNeed as a hint.
  ///
  /// Ranges already registered are ignored. InvalidArgument for negative offsets/lengths;
  /// out-of-bounds ranges fail on Load.
  Status Cache(const std::vector<ReadRange>& ranges);

  /// \brief Read every pending range now.
  Status Load();

  /// \brief Return the bytes of `range`, which must lie inside one registered range
  /// (InvalidArgument otherwise). Loads pending ranges first if needed.
  Result<Buffer> Read(const ReadRange& range);

  /// \brief Return one buffer per range (each must lie inside a registered range).
  Result<std::vector<Buffer>> ReadMany(const std::vector<ReadRange>& ranges);

  /// \brief Return the bytes held in loaded ranges.
  int64_t cached_bytes() const;

  /// \brief Forget all registered and loaded ranges (releasing their memory).
  void Clear();

 private:
  using Loaded = std::pair<ReadRange, Buffer>;  // a merged read and its bytes

  Status LoadLocked();
  /// The loaded read containing `range`, or null.
  const Loaded* FindLocked(const ReadRange& range) const;
  bool IsPendingLocked(const ReadRange& range) const;

  const std::shared_ptr<RandomAccessFile> file_;
  const CoalesceOptions options_;
  mutable std::mutex mu_;
  std::vector<ReadRange> pending_;
  std::map<int64_t, Loaded> loaded_;  // keyed by offset
  int64_t max_loaded_length_ = 0;
};

}  // namespace lancet::io
