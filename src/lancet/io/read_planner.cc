// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The lancet authors
#include "lancet/io/read_planner.h"

#include <algorithm>
#include <utility>

#include "lancet/io/io_util_internal.h"

namespace lancet::io {

ReadPlanner::ReadPlanner(std::shared_ptr<RandomAccessFile> file)
    : ReadPlanner(file, file->coalesce_options()) {}

ReadPlanner::ReadPlanner(std::shared_ptr<RandomAccessFile> file, CoalesceOptions options)
    : file_(std::move(file)), options_(options) {}

Status ReadPlanner::Cache(const std::vector<ReadRange>& ranges) {
  std::vector<ReadRange> fresh;
  {
    std::lock_guard<std::mutex> lock(mu_);
    for (const ReadRange& r : ranges) {
      if (r.offset < 0 || r.length < 0) {
        return Status::InvalidArgument("invalid range " + r.ToString() + " of " + file_->path());
      }
    }
    for (const ReadRange& r : ranges) {
      if (r.length == 0 || FindLocked(r) != nullptr || IsPendingLocked(r)) continue;
      pending_.push_back(r);
      fresh.push_back(r);
    }
  }
  if (fresh.empty()) return Status::OK();
  return file_->WillNeed(fresh);
}

Status ReadPlanner::Load() {
  std::lock_guard<std::mutex> lock(mu_);
  return LoadLocked();
}

Status ReadPlanner::LoadLocked() {
  if (pending_.empty()) return Status::OK();
  LANCET_ASSIGN_OR_RETURN(int64_t size, file_->GetSize());
  for (const ReadRange& r : pending_) {
    if (r.end() > size) {
      return Status::IOError("read past end of " + file_->path() + ": offset " +
                             std::to_string(r.offset) + ", length " + std::to_string(r.length) +
                             ", file size " + std::to_string(size));
    }
  }
  LANCET_ASSIGN_OR_RETURN(ReadPlan plan, ReadPlan::Make(pending_, options_));
  LANCET_ASSIGN_OR_RETURN(std::vector<Buffer> buffers,
                          internal::ExecuteReads(file_.get(), plan, options_));
  for (size_t i = 0; i < plan.reads.size(); ++i) {
    const ReadRange& r = plan.reads[i];
    auto [it, inserted] = loaded_.emplace(r.offset, std::make_pair(r, buffers[i]));
    if (!inserted && it->second.first.length < r.length) it->second = {r, buffers[i]};
    max_loaded_length_ = std::max(max_loaded_length_, r.length);
  }
  pending_.clear();
  return Status::OK();
}

const ReadPlanner::Loaded* ReadPlanner::FindLocked(const ReadRange& range) const {
  // Loaded ranges may overlap (from separate loads); scan back from the last one starting at
  // or before `range` as long as a range that far back could still reach it.
  auto it = loaded_.upper_bound(range.offset);
  while (it != loaded_.begin()) {
    --it;
    const ReadRange& r = it->second.first;
    if (r.Contains(range)) return &it->second;
    if (range.offset - r.offset >= max_loaded_length_) break;
  }
  return nullptr;
}

bool ReadPlanner::IsPendingLocked(const ReadRange& range) const {
  for (const ReadRange& p : pending_) {
    if (p.Contains(range)) return true;
  }
  return false;
}

Result<Buffer> ReadPlanner::Read(const ReadRange& range) {
  if (range.offset < 0 || range.length < 0) {
    return Status::InvalidArgument("invalid range " + range.ToString() + " of " + file_->path());
  }
  if (range.length == 0) return Buffer();
  std::lock_guard<std::mutex> lock(mu_);
  const Loaded* hit = FindLocked(range);
  if (hit == nullptr && IsPendingLocked(range)) {
    LANCET_RETURN_NOT_OK(LoadLocked());
    hit = FindLocked(range);
  }
  if (hit == nullptr) {
    return Status::InvalidArgument("range " + range.ToString() + " of " + file_->path() +
                                   " was not registered with ReadPlanner::Cache");
  }
  return hit->second.Slice(range.offset - hit->first.offset, range.length);
}

Result<std::vector<Buffer>> ReadPlanner::ReadMany(const std::vector<ReadRange>& ranges) {
  std::vector<Buffer> out;
  out.reserve(ranges.size());
  for (const ReadRange& r : ranges) {
    LANCET_ASSIGN_OR_RETURN(Buffer b, Read(r));
    out.push_back(std::move(b));
  }
  return out;
}

int64_t ReadPlanner::cached_bytes() const {
  std::lock_guard<std::mutex> lock(mu_);
  int64_t total = 0;
  for (const auto& [offset, entry] : loaded_) total += entry.first.length;
  return total;
}

void ReadPlanner::Clear() {
  std::lock_guard<std::mutex> lock(mu_);
  pending_.clear();
  loaded_.clear();
  max_loaded_length_ = 0;
}

}  // namespace lancet::io
