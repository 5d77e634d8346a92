// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The lancet authors
#include "lancet/io/read_range.h"

#include <algorithm>
#include <cmath>

namespace lancet::io {

std::string ReadRange::ToString() const {
  return "[" + std::to_string(offset) + ", " + std::to_string(end()) + ")";
}

std::vector<ReadRange> CoalesceRanges(std::vector<ReadRange> ranges, int64_t hole_size_limit,
                                      int64_t range_size_limit) {
  ranges.erase(std::remove_if(ranges.begin(), ranges.end(),
                              [](const ReadRange& r) { return r.length <= 0; }),
               ranges.end());
  if (ranges.empty()) return ranges;
  // Longest first among equal offsets, so that duplicates and prefixes fold into the first.
  std::sort(ranges.begin(), ranges.end(), [](const ReadRange& a, const ReadRange& b) {
    return a.offset != b.offset ? a.offset < b.offset : a.length > b.length;
  });

  std::vector<ReadRange> out;
  int64_t start = ranges[0].offset;
  int64_t end = ranges[0].end();
  for (size_t i = 1; i < ranges.size(); ++i) {
    const ReadRange& r = ranges[i];
    bool merge;
    if (r.offset < end) {
      merge = true;  // overlap: must merge so the range is contained in one read
    } else {
      int64_t gap = r.offset - end;
      merge = gap <= hole_size_limit && std::max(end, r.end()) - start <= range_size_limit;
    }
    if (merge) {
      end = std::max(end, r.end());
    } else {
      out.push_back({start, end - start});
      start = r.offset;
      end = r.end();
    }
  }
  out.push_back({start, end - start});
  return out;
}

std::vector<ReadRange> SplitRange(const ReadRange& range, int64_t max_request_size) {
  std::vector<ReadRange> out;
  if (range.length <= 0) return out;
  if (max_request_size <= 0 || range.length <= max_request_size) {
    out.push_back(range);
    return out;
  }
  int64_t pieces = (range.length + max_request_size - 1) / max_request_size;
  int64_t piece = (range.length + pieces - 1) / pieces;
  for (int64_t off = range.offset; off < range.end(); off += piece) {
    out.push_back({off, std::min(piece, range.end() - off)});
  }
  return out;
}

CoalesceOptions CoalesceOptions::FromNetwork(int64_t latency_ns, double bandwidth_bytes_per_sec,
                                             int io_parallelism, double ideal_utilization,
                                             int64_t max_request_size) {
  CoalesceOptions o;
  double latency_s = static_cast<double>(std::max<int64_t>(latency_ns, 0)) * 1e-9;
  double bytes_per_latency = latency_s * std::max(bandwidth_bytes_per_sec, 0.0);
  o.hole_size_limit = static_cast<int64_t>(std::llround(bytes_per_latency));
  double u = std::clamp(ideal_utilization, 0.0, 0.999);
  double ideal = u / (1.0 - u) * bytes_per_latency;
  int64_t cap = max_request_size > 0 ? max_request_size : o.range_size_limit;
  o.range_size_limit = std::max<int64_t>(1, std::min<int64_t>(cap, std::llround(ideal)));
  o.hole_size_limit = std::min(o.hole_size_limit, o.range_size_limit);
  o.max_request_size = cap;
  o.io_parallelism = std::max(io_parallelism, 1);
  return o;
}

Result<ReadPlan> ReadPlan::Make(const std::vector<ReadRange>& requested,
                                const CoalesceOptions& options) {
  for (const ReadRange& r : requested) {
    if (r.offset < 0 || r.length < 0) {
      return Status::InvalidArgument("invalid read range offset=" + std::to_string(r.offset) +
                                     " length=" + std::to_string(r.length));
    }
  }
  ReadPlan plan;
  plan.reads = CoalesceRanges(requested, options.hole_size_limit, options.range_size_limit);
  for (size_t i = 0; i < plan.reads.size(); ++i) {
    for (const ReadRange& piece : SplitRange(plan.reads[i], options.max_request_size)) {
      plan.requests.push_back({i, piece});
    }
  }
  plan.slices.reserve(requested.size());
  for (const ReadRange& r : requested) {
    Slice s;
    s.length = r.length;
    if (r.length > 0) {
      // Last read starting at or before r.offset; coalescing guarantees it contains r.
      auto it = std::upper_bound(plan.reads.begin(), plan.reads.end(), r.offset,
                                 [](int64_t off, const ReadRange& m) { return off < m.offset; });
      if (it == plan.reads.begin() || !(it - 1)->Contains(r)) {
        return Status::Internal("read plan does not cover " + r.ToString());
      }
      --it;
      s.read_index = static_cast<size_t>(it - plan.reads.begin());
      s.offset_in_read = r.offset - it->offset;
    }
    plan.slices.push_back(s);
  }
  return plan;
}

Result<std::vector<Buffer>> ReadPlan::Assemble(const std::vector<Buffer>& read_buffers) const {
  if (read_buffers.size() != reads.size()) {
    return Status::Internal("read plan expects " + std::to_string(reads.size()) + " buffers, got " +
                            std::to_string(read_buffers.size()));
  }
  for (size_t i = 0; i < reads.size(); ++i) {
    if (read_buffers[i].size() != reads[i].length) {
      return Status::Internal("read buffer " + std::to_string(i) + " has " +
                              std::to_string(read_buffers[i].size()) + " bytes, expected " +
                              std::to_string(reads[i].length));
    }
  }
  std::vector<Buffer> out;
  out.reserve(slices.size());
  for (const Slice& s : slices) {
    if (s.read_index == Slice::kNoRead) {
      out.emplace_back();
    } else {
      out.push_back(read_buffers[s.read_index].Slice(s.offset_in_read, s.length));
    }
  }
  return out;
}

int64_t ReadPlan::bytes_to_read() const {
  int64_t total = 0;
  for (const ReadRange& r : reads) total += r.length;
  return total;
}

}  // namespace lancet::io
