// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The lancet authors
//
// IoStats: counters of the physical requests a FileSystem served, per request kind (the cost
// model of object stores: every GET, HEAD, LIST, PUT and DELETE is billed and has latency).
// Recorded by CountingFileSystem, surfaced by benchmarks and the metrics endpoint.
//
// Besides the per-kind counters it keeps what an object-store client learns on the wire: a
// latency histogram per kind (log2 buckets of microseconds, for percentiles), retries, HTTP
// status codes, bytes sent, and "sequential round trips" (see BeginRequest).
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
  int64_t retries = 0;     // requests that were a retry of a failed attempt (backends that retry)

  bool operator==(const IoKindStats&) const = default;
};

/// Latency histogram: bucket i counts requests with latency in [2^(i-1), 2^i) microseconds
/// (bucket 0: below 1 us; the last bucket is open-ended).
inline constexpr int kLatencyBuckets = 32;
struct LatencyHistogram {
  std::array<int64_t, kLatencyBuckets> buckets{};

  int64_t count() const;
  /// \brief Return the upper bound (ns) of the bucket holding quantile q in [0, 1]; 0 if empty.
  int64_t PercentileNanos(double q) const;
  bool operator==(const LatencyHistogram&) const = default;
};

/// HTTP status codes are counted in this many slots: 0 = transport failure (no response),
/// 100..599 = that status.
inline constexpr int kHttpStatusSlots = 600;

/// A plain copy of IoStats.
struct IoStatsSnapshot {
  std::array<IoKindStats, kNumIoKinds> kinds{};
  std::array<LatencyHistogram, kNumIoKinds> latency{};
  /// Responses per HTTP status (index = status; 0 = no response: connection dropped/time-out).
  std::array<int64_t, kHttpStatusSlots> http_status{};
  /// Bytes put on the wire for requests (bodies), as recorded by network backends.
  int64_t bytes_sent = 0;
  /// Requests that started while no other request of this IoStats was in flight: the number of
  /// latency-bound steps of a workload when requests are bracketed by BeginRequest/EndRequest.
  int64_t sequential_round_trips = 0;

  const IoKindStats& operator[](IoKind kind) const { return kinds[static_cast<int>(kind)]; }
  IoKindStats& operator[](IoKind kind) { return kinds[static_cast<int>(kind)]; }

  /// \brief Return the sum over all kinds.
  IoKindStats Total() const;
  /// \brief Return this minus `before`, counter by counter (per-query deltas).
  IoStatsSnapshot Since(const IoStatsSnapshot& before) const;
  /// \brief Return a JSON object: {"get": {"requests": .., ..., "p50_ns", "p99_ns"}, ...,
  /// "total": {...}, "http_status": {"200": n, ...}, "bytes_sent", "sequential_round_trips"}.
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

  /// \brief Count a retry of a request of `kind` (the retried attempt itself is Record()ed).
  void RecordRetry(IoKind kind);
  /// \brief Count one HTTP response with `status` (0: no response) and `bytes_sent` body bytes.
  void RecordHttp(int status, int64_t bytes_sent);
  /// \brief Bracket a physical request (network backends). A request that begins while no
  /// other is in flight counts as one sequential round trip.
  void BeginRequest();
  void EndRequest();

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
    std::atomic<int64_t> retries{0};
    std::array<std::atomic<int64_t>, kLatencyBuckets> histogram{};
  };
  std::array<Counters, kNumIoKinds> counters_;
  std::array<std::atomic<int64_t>, kHttpStatusSlots> http_status_{};
  std::atomic<int64_t> bytes_sent_{0};
  std::atomic<int64_t> in_flight_{0};
  std::atomic<int64_t> sequential_round_trips_{0};
};

}  // namespace lancet::io
