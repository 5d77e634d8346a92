// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The lancet authors
#include "lancet/io/io_stats.h"

namespace lancet::io {

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
  }
  return d;
}

namespace {

void AppendKind(std::string* out, const char* name, const IoKindStats& k) {
  *out += "\"";
  *out += name;
  *out += "\":{\"requests\":" + std::to_string(k.requests) +
          ",\"errors\":" + std::to_string(k.errors) +
          ",\"bytes_read\":" + std::to_string(k.bytes_read) +
          ",\"bytes_written\":" + std::to_string(k.bytes_written) +
          ",\"latency_ns\":" + std::to_string(k.latency_ns) + "}";
}

}  // namespace

std::string IoStatsSnapshot::ToJson() const {
  std::string out = "{";
  for (int i = 0; i < kNumIoKinds; ++i) {
    AppendKind(&out, IoKindName(static_cast<IoKind>(i)), kinds[i]);
    out += ",";
  }
  AppendKind(&out, "total", Total());
  out += "}";
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
}

IoStatsSnapshot IoStats::Snapshot() const {
  IoStatsSnapshot s;
  for (int i = 0; i < kNumIoKinds; ++i) {
    const Counters& c = counters_[i];
    s.kinds[i].requests = c.requests.load(std::memory_order_relaxed);
    s.kinds[i].errors = c.errors.load(std::memory_order_relaxed);
    s.kinds[i].bytes_read = c.bytes_read.load(std::memory_order_relaxed);
    s.kinds[i].bytes_written = c.bytes_written.load(std::memory_order_relaxed);
    s.kinds[i].latency_ns = c.latency_ns.load(std::memory_order_relaxed);
  }
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
  }
}

}  // namespace lancet::io
