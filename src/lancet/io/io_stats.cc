// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The lancet authors
#include "lancet/io/io_stats.h"

#include <bit>
#include <cmath>

namespace lancet::io {

namespace {

int LatencyBucket(int64_t latency_ns) {
  int64_t us = latency_ns / 1000;
  if (us <= 0) return 0;
  int b = std::bit_width(static_cast<uint64_t>(us));  // us in [2^(b-1), 2^b)
  return b < kLatencyBuckets ? b : kLatencyBuckets - 1;
}

}  // namespace

int64_t LatencyHistogram::count() const {
  int64_t n = 0;
  for (int64_t b : buckets) n += b;
  return n;
}

int64_t LatencyHistogram::PercentileNanos(double q) const {
  int64_t n = count();
  if (n == 0) return 0;
  if (q < 0) q = 0;
  if (q > 1) q = 1;
  // The rank of the quantile, 1-based: the smallest rank covering q of the requests.
  int64_t rank = static_cast<int64_t>(std::ceil(q * static_cast<double>(n) - 1e-9));
  if (rank < 1) rank = 1;
  int64_t seen = 0;
  for (int i = 0; i < kLatencyBuckets; ++i) {
    seen += buckets[i];
    if (seen >= rank) return (int64_t{1} << i) * 1000;
  }
  return (int64_t{1} << (kLatencyBuckets - 1)) * 1000;
}

const char* IoKindName(IoKind kind) {
  switch (kind) {
    case IoKind::kGet:
      return "get";
    case IoKind::kHead:
      return "head";
    case IoKind::kList:
      return "list";
    case IoKind::kPut:
      return "put";
    case IoKind::kPutIfAbsent:
      return "put_if_absent";
    case IoKind::kDelete:
      return "delete";
    case IoKind::kRename:
      return "rename";
  }
  return "unknown";
}

IoKindStats IoStatsSnapshot::Total() const {
  IoKindStats t;
  for (const IoKindStats& k : kinds) {
    t.requests += k.requests;
    t.errors += k.errors;
    t.bytes_read += k.bytes_read;
    t.bytes_written += k.bytes_written;
    t.latency_ns += k.latency_ns;
    t.retries += k.retries;
  }
  return t;
}

IoStatsSnapshot IoStatsSnapshot::Since(const IoStatsSnapshot& before) const {
  IoStatsSnapshot d;
  for (int i = 0; i < kNumIoKinds; ++i) {
    d.kinds[i].requests = kinds[i].requests - before.kinds[i].requests;
    d.kinds[i].errors = kinds[i].errors - before.kinds[i].errors;
    d.kinds[i].bytes_read = kinds[i].bytes_read - before.kinds[i].bytes_read;
    d.kinds[i].bytes_written = kinds[i].bytes_written - before.kinds[i].bytes_written;
    d.kinds[i].latency_ns = kinds[i].latency_ns - before.kinds[i].latency_ns;
    d.kinds[i].retries = kinds[i].retries - before.kinds[i].retries;
    for (int b = 0; b < kLatencyBuckets; ++b) {
      d.latency[i].buckets[b] = latency[i].buckets[b] - before.latency[i].buckets[b];
    }
  }
  for (int s = 0; s < kHttpStatusSlots; ++s) d.http_status[s] = http_status[s] - before.http_status[s];
  d.bytes_sent = bytes_sent - before.bytes_sent;
  d.sequential_round_trips = sequential_round_trips - before.sequential_round_trips;
  return d;
}

namespace {

void AppendKind(std::string* out, const char* name, const IoKindStats& k,
                const LatencyHistogram& h) {
  *out += "\"";
  *out += name;
  *out += "\":{\"requests\":" + std::to_string(k.requests) +
          ",\"errors\":" + std::to_string(k.errors) +
          ",\"bytes_read\":" + std::to_string(k.bytes_read) +
          ",\"bytes_written\":" + std::to_string(k.bytes_written) +
          ",\"latency_ns\":" + std::to_string(k.latency_ns) +
          ",\"retries\":" + std::to_string(k.retries);
  if (h.count() > 0) {
    *out += ",\"p50_ns\":" + std::to_string(h.PercentileNanos(0.5)) +
            ",\"p90_ns\":" + std::to_string(h.PercentileNanos(0.9)) +
            ",\"p99_ns\":" + std::to_string(h.PercentileNanos(0.99));
  }
  *out += "}";
}

}  // namespace

std::string IoStatsSnapshot::ToJson() const {
  std::string out = "{";
  LatencyHistogram all;
  for (int i = 0; i < kNumIoKinds; ++i) {
    AppendKind(&out, IoKindName(static_cast<IoKind>(i)), kinds[i], latency[i]);
    out += ",";
    for (int b = 0; b < kLatencyBuckets; ++b) all.buckets[b] += latency[i].buckets[b];
  }
  AppendKind(&out, "total", Total(), all);
  out += ",\"http_status\":{";
  bool first = true;
  for (int s = 0; s < kHttpStatusSlots; ++s) {
    if (http_status[s] == 0) continue;
    if (!first) out += ",";
    first = false;
    out += "\"" + std::to_string(s) + "\":" + std::to_string(http_status[s]);
  }
  out += "},\"bytes_sent\":" + std::to_string(bytes_sent) +
         ",\"sequential_round_trips\":" + std::to_string(sequential_round_trips) + "}";
  return out;
}

void IoStats::Record(IoKind kind, int64_t bytes_read, int64_t bytes_written, int64_t latency_ns,
                     bool ok) {
  Counters& c = counters_[static_cast<int>(kind)];
  c.requests.fetch_add(1, std::memory_order_relaxed);
  if (!ok) c.errors.fetch_add(1, std::memory_order_relaxed);
  if (bytes_read) c.bytes_read.fetch_add(bytes_read, std::memory_order_relaxed);
  if (bytes_written) c.bytes_written.fetch_add(bytes_written, std::memory_order_relaxed);
  c.latency_ns.fetch_add(latency_ns, std::memory_order_relaxed);
  c.histogram[LatencyBucket(latency_ns)].fetch_add(1, std::memory_order_relaxed);
}

void IoStats::RecordRetry(IoKind kind) {
  counters_[static_cast<int>(kind)].retries.fetch_add(1, std::memory_order_relaxed);
}

void IoStats::RecordHttp(int status, int64_t bytes_sent) {
  if (status < 0 || status >= kHttpStatusSlots) status = 0;
  http_status_[status].fetch_add(1, std::memory_order_relaxed);
  if (bytes_sent) bytes_sent_.fetch_add(bytes_sent, std::memory_order_relaxed);
}

void IoStats::BeginRequest() {
  if (in_flight_.fetch_add(1, std::memory_order_acq_rel) == 0) {
    sequential_round_trips_.fetch_add(1, std::memory_order_relaxed);
  }
}

void IoStats::EndRequest() { in_flight_.fetch_sub(1, std::memory_order_acq_rel); }

IoStatsSnapshot IoStats::Snapshot() const {
  IoStatsSnapshot s;
  for (int i = 0; i < kNumIoKinds; ++i) {
    const Counters& c = counters_[i];
    s.kinds[i].requests = c.requests.load(std::memory_order_relaxed);
    s.kinds[i].errors = c.errors.load(std::memory_order_relaxed);
    s.kinds[i].bytes_read = c.bytes_read.load(std::memory_order_relaxed);
    s.kinds[i].bytes_written = c.bytes_written.load(std::memory_order_relaxed);
    s.kinds[i].latency_ns = c.latency_ns.load(std::memory_order_relaxed);
    s.kinds[i].retries = c.retries.load(std::memory_order_relaxed);
    for (int b = 0; b < kLatencyBuckets; ++b) {
      s.latency[i].buckets[b] = c.histogram[b].load(std::memory_order_relaxed);
    }
  }
  for (int st = 0; st < kHttpStatusSlots; ++st) {
    s.http_status[st] = http_status_[st].load(std::memory_order_relaxed);
  }
  s.bytes_sent = bytes_sent_.load(std::memory_order_relaxed);
  s.sequential_round_trips = sequential_round_trips_.load(std::memory_order_relaxed);
  return s;
}

std::string IoStats::ToJson() const { return Snapshot().ToJson(); }

void IoStats::Reset() {
  for (Counters& c : counters_) {
    c.requests.store(0, std::memory_order_relaxed);
    c.errors.store(0, std::memory_order_relaxed);
    c.bytes_read.store(0, std::memory_order_relaxed);
    c.bytes_written.store(0, std::memory_order_relaxed);
    c.latency_ns.store(0, std::memory_order_relaxed);
    c.retries.store(0, std::memory_order_relaxed);
    for (auto& b : c.histogram) b.store(0, std::memory_order_relaxed);
  }
  for (auto& h : http_status_) h.store(0, std::memory_order_relaxed);
  bytes_sent_.store(0, std::memory_order_relaxed);
  sequential_round_trips_.store(0, std::memory_order_relaxed);
}

}  // namespace lancet::io
