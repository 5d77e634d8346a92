// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The lancet authors
//
// IoStats: counters of the physical requests a FileSystem served, per request kind (the cost
// model of object stores: every GET, HEAD, LIST, PUT and DELETE is billed and has latency).
// Recorded by CountingFileSystem, surfaced by benchmarks and the metrics endpoint.
//
// Thread-safe: Record() uses relaxed atomics and may be called concurrently from any thread;
// Snapshot() is a consistent-enough copy (each counter is read atomically, counters are not
// read together under a lock). Snapshots are plain values.
#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <string>

namespace lancet::io {

/// The kinds of request IoStats distinguishes.
enum class IoKind : int {
  kGet = 0,      // ranged read (ReadAt, one physical request of ReadMany, ReadFile)
  kHead,         // metadata (GetFileInfo, Exists, OpenInputFile without a known size)
  kList,         // directory listing
  kPut,          // whole-object write (WriteFile, OutputStream::Close, CreateDir)
  kPutIfAbsent,  // conditional write (the commit primitive)
  kDelete,       // DeleteFile (one per path of DeleteFiles), DeleteDir
  kRename,       // Rename
};
inline constexpr int kNumIoKinds = 7;

/// \brief Return the lower-case name of a kind ("get", "put_if_absent", ...).
const char* IoKindName(IoKind kind);

/// Counters of one request kind.
struct IoKindStats {
  int64_t requests = 0;
  int64_t errors = 0;  // requests that returned a non-OK status
  int64_t bytes_read = 0;
  int64_t bytes_written = 0;
  int64_t latency_ns = 0;  // summed wall time of the requests

  bool operator==(const IoKindStats&) const = default;
};

/// A plain copy of IoStats.
struct IoStatsSnapshot {
  std::array<IoKindStats, kNumIoKinds> kinds{};

  const IoKindStats& operator[](IoKind kind) const { return kinds[static_cast<int>(kind)]; }
  IoKindStats& operator[](IoKind kind) { return kinds[static_cast<int>(kind)]; }

  /// \brief Return the sum over all kinds.
  IoKindStats Total() const;
  /// \brief Return this minus `before`, counter by counter (per-query deltas).
  IoStatsSnapshot Since(const IoStatsSnapshot& before) const;
  /// \brief Return a JSON object: {"get": {"requests": .., ...}, ..., "total": {...}}.
  std::string ToJson() const;

  bool operator==(const IoStatsSnapshot&) const = default;
};

class IoStats {
 public:
  IoStats() = default;
  IoStats(const IoStats&) = delete;
  IoStats& operator=(const IoStats&) = delete;

  /// \brief Count one request of `kind`.
  void Record(IoKind kind, int64_t bytes_read, int64_t bytes_written, int64_t latency_ns,
              bool ok = true);

  /// \brief Return a copy of all counters.
  IoStatsSnapshot Snapshot() const;
  /// \brief Return Snapshot().ToJson().
  std::string ToJson() const;
  /// \brief Zero all counters.
  void Reset();

 private:
  struct Counters {
    std::atomic<int64_t> requests{0};
    std::atomic<int64_t> errors{0};
    std::atomic<int64_t> bytes_read{0};
    std::atomic<int64_t> bytes_written{0};
    std::atomic<int64_t> latency_ns{0};
  };
  std::array<Counters, kNumIoKinds> counters_;
};

}  // namespace lancet::io
