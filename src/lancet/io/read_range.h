// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The lancet authors
//
// Byte ranges and the pure planning functions behind multi-range reads.
//
// A decoder asks for many small ranges of one file. Issuing one request per range is slow on
// every backend (syscalls locally, round trips on object stores), so ranges that are close to
// each other are merged into larger physical reads ("coalescing"), very large reads are split
// into requests that can run in parallel, and the merged buffers are sliced back into exactly
// one buffer per requested range. Everything here is a pure function of its inputs: no I/O, no
// shared state, safe to call from any thread. The I/O that executes a plan lives in
// RandomAccessFile::ReadMany and ReadPlanner.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "lancet/core/buffer.h"
#include "lancet/core/result.h"

namespace lancet::io {

/// A half-open byte range [offset, offset + length) of one file.
struct ReadRange {
  int64_t offset = 0;
  int64_t length = 0;

  /// \brief Return one past the last byte of the range.
  int64_t end() const { return offset + length; }
  /// \brief Return true if `other` lies entirely inside this range.
  bool Contains(const ReadRange& other) const {
    return other.offset >= offset && other.end() <= end();
  }
  bool operator==(const ReadRange& other) const = default;
  /// \brief Return "[offset, offset+length)" for messages.
  std::string ToString() const;
};

/// \brief Merge nearby ranges into fewer, larger ranges (Arrow's CoalesceReadRanges).
///
/// Zero-length ranges are dropped, the rest are sorted by offset. Two consecutive ranges are
/// merged when the gap between them is at most `hole_size_limit` bytes and the merged range
/// would not exceed `range_size_limit` bytes; a single input range larger than the limit is
/// kept whole (never truncated). Overlapping and duplicate ranges are always merged, whatever
/// the size limit, so that every non-empty input range is contained in exactly one output
/// range. The output is sorted, non-overlapping and covers every input byte.
std::vector<ReadRange> CoalesceRanges(std::vector<ReadRange> ranges, int64_t hole_size_limit,
                                      int64_t range_size_limit);

/// \brief Split `range` into consecutive pieces of at most `max_request_size` bytes.
///
/// Pieces are as equal as possible, so a 33 MiB range with a 16 MiB limit becomes three 11 MiB
/// requests rather than 16+16+1 (the tail request would otherwise finish early and idle). A
/// non-positive limit disables splitting. A zero-length range yields no pieces.
std::vector<ReadRange> SplitRange(const ReadRange& range, int64_t max_request_size);

/// Tuning knobs for turning many requested ranges into physical reads (Arrow's CacheOptions).
struct CoalesceOptions {
  /// Ranges whose gap is at most this many bytes are merged (reading the hole is cheaper than
  /// another request). Usually the backend's block size.
  int64_t hole_size_limit = 4 * 1024;
  /// Merging stops once a merged range would exceed this size.
  int64_t range_size_limit = 16 * 1024 * 1024;
  /// A single physical request never exceeds this size; larger merged ranges are split and
  /// the pieces read in parallel into one buffer.
  int64_t max_request_size = 16 * 1024 * 1024;
  /// At most this many physical requests of one ReadMany call run concurrently.
  int io_parallelism = 8;

  /// \brief Derive options from network figures (Arrow's MakeFromNetworkMetrics).
  ///
  /// The hole limit is what could be transferred during one request latency
  /// (latency * bandwidth): reading a smaller hole costs less than a new request. The range
  /// limit is the request size that keeps the link busy `ideal_utilization` of the time,
  /// i.e. size / (size + latency * bandwidth) = ideal_utilization, capped by
  /// `max_request_size` (which also caps the hole limit and bounds single requests).
  static CoalesceOptions FromNetwork(int64_t latency_ns, double bandwidth_bytes_per_sec,
                                     int io_parallelism, double ideal_utilization = 0.9,
                                     int64_t max_request_size = 64 * 1024 * 1024);
};

/// The physical reads that serve a set of requested ranges, and how to slice them back.
///
/// Built by ReadPlan::Make (pure); executed by RandomAccessFile::ReadMany / ReadPlanner:
/// allocate one buffer per entry of `reads`, fill it by issuing every entry of `requests`
/// (possibly in parallel, each into its slot of the read buffer), then call Assemble().
struct ReadPlan {
  /// One requested range mapped onto a merged read.
  struct Slice {
    static constexpr size_t kNoRead = static_cast<size_t>(-1);
    size_t read_index = kNoRead;  // kNoRead for zero-length requests (served as empty buffers)
    int64_t offset_in_read = 0;
    int64_t length = 0;
  };
  /// One physical request: bytes [offset, offset+length) of the file land at
  /// `offset - reads[read_index].offset` in the buffer of read `read_index`.
  struct Request {
    size_t read_index = 0;
    ReadRange range;
  };

  std::vector<ReadRange> reads;   // merged ranges, sorted, non-overlapping
  std::vector<Request> requests;  // physical requests (reads split by max_request_size)
  std::vector<Slice> slices;      // one per requested range, in request order

  /// \brief Plan the reads for `requested` (any order, overlaps and duplicates allowed).
  ///
  /// Returns InvalidArgument for a negative offset or length. Bounds against the file size are
  /// the caller's business (ReadMany checks them before planning).
  static Result<ReadPlan> Make(const std::vector<ReadRange>& requested,
                               const CoalesceOptions& options);

  /// \brief Return one zero-copy slice per requested range, given one buffer per read.
  ///
  /// Returns Internal if `read_buffers` does not match `reads` (count or sizes).
  Result<std::vector<Buffer>> Assemble(const std::vector<Buffer>& read_buffers) const;

  /// \brief Return the number of bytes the plan reads (requested bytes plus merged holes).
  int64_t bytes_to_read() const;
};

}  // namespace lancet::io
