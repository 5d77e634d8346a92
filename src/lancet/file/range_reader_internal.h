// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The lancet authors
//
// Private: encoding::RangeReader over an io::RandomAccessFile (ReadMany coalesces and
// parallelises; accounting happens in io decorators).
#pragma once

#include <condition_variable>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include "lancet/encoding/page.h"
#include "lancet/io/file_system.h"

namespace lancet::file {

/// Page metadata buffers (ByteRange::metadata) a FileReader keeps across reads, so a warm take
/// of a few rows costs one round of requests (the data) instead of two (metadata, then data).
/// Bounded by a byte budget; buffers that do not fit are simply read again. Thread-safe.
class PageMetadataCache {
 public:
  explicit PageMetadataCache(uint64_t budget_bytes) : budget_(budget_bytes) {}
  bool Get(const encoding::ByteRange& r, Buffer* out) const {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = map_.find({r.offset, r.length});
    if (it == map_.end()) return false;
    *out = it->second;
    return true;
  }
  void Put(const encoding::ByteRange& r, const Buffer& b) {
    std::lock_guard<std::mutex> lock(mu_);
    if (bytes_ + r.length > budget_ || map_.count({r.offset, r.length})) return;
    map_.emplace(std::make_pair(r.offset, r.length), b);
    bytes_ += r.length;
  }
  uint64_t bytes() const {
    std::lock_guard<std::mutex> lock(mu_);
    return bytes_;
  }

 private:
  mutable std::mutex mu_;
  uint64_t budget_;
  uint64_t bytes_ = 0;
  std::map<std::pair<uint64_t, uint64_t>, Buffer> map_;
};

class FileRangeReader : public encoding::RangeReader {
 public:
  explicit FileRangeReader(std::shared_ptr<io::RandomAccessFile> file,
                           PageMetadataCache* metadata_cache = nullptr)
      : file_(std::move(file)), cache_(metadata_cache) {}
  Result<std::vector<Buffer>> ReadRanges(const std::vector<encoding::ByteRange>& ranges) override {
    std::vector<Buffer> out(ranges.size());
    std::vector<size_t> missing;
    std::vector<io::ReadRange> rs;
    rs.reserve(ranges.size());
    for (size_t i = 0; i < ranges.size(); ++i) {
      const auto& r = ranges[i];
      if (cache_ && r.metadata && cache_->Get(r, &out[i])) continue;
      missing.push_back(i);
      rs.push_back({static_cast<int64_t>(r.offset), static_cast<int64_t>(r.length)});
    }
    if (rs.empty()) return out;
    LANCET_ASSIGN_OR_RETURN(std::vector<Buffer> got, file_->ReadMany(rs));
    if (got.size() != rs.size()) {
      return Status::IOError("read returned " + std::to_string(got.size()) + " buffers for " +
                             std::to_string(rs.size()) + " ranges");
    }
    for (size_t j = 0; j < missing.size(); ++j) {
      const auto& r = ranges[missing[j]];
      if (cache_ && r.metadata && static_cast<uint64_t>(got[j].size()) == r.length) {
        cache_->Put(r, got[j]);
      }
      out[missing[j]] = std::move(got[j]);
    }
    return out;
  }

 private:
  std::shared_ptr<io::RandomAccessFile> file_;
  PageMetadataCache* cache_;
};

/// Gathers the reads of several decoders that run side by side (one per field of a Read or
/// Take) into one ReadRanges call of `base` per round: each participant's call waits until every
/// participant still decoding has submitted, then one of them reads the union (coalesced by the
/// file into as few requests as the layout allows) and hands each its buffers. A participant
/// calls Leave() when it stops reading, so the others never wait for it. On an object store,
/// N fields of a take then cost one round of requests, not N sequential ones.
class GatheringRangeReader : public encoding::RangeReader {
 public:
  GatheringRangeReader(encoding::RangeReader* base, size_t participants)
      : base_(base), active_(participants) {}

  Result<std::vector<Buffer>> ReadRanges(const std::vector<encoding::ByteRange>& ranges) override {
    std::unique_lock<std::mutex> lock(mu_);
    std::shared_ptr<Round> round = current_;
    const size_t slot = round->requests.size();
    round->requests.push_back(ranges);
    if (round->requests.size() >= active_) {
      Flush(lock);
    } else {
      cv_.wait(lock, [&] { return round->done; });
    }
    if (!round->status.ok()) return round->status;
    return std::move(round->results[slot]);
  }

  /// rief The calling participant will not read again.
  void Leave() {
    std::unique_lock<std::mutex> lock(mu_);
    if (active_ > 0) --active_;
    if (!current_->requests.empty() && current_->requests.size() >= active_) Flush(lock);
  }

 private:
  struct Round {
    std::vector<std::vector<encoding::ByteRange>> requests;
    std::vector<std::vector<Buffer>> results;
    Status status;
    bool done = false;
  };

  // Called with the lock held by the participant completing the round. Every other member of
  // the round is waiting, so no one submits while the read runs.
  void Flush(std::unique_lock<std::mutex>& lock) {
    std::shared_ptr<Round> round = current_;
    current_ = std::make_shared<Round>();
    lock.unlock();
    std::vector<encoding::ByteRange> all;
    for (const auto& r : round->requests) all.insert(all.end(), r.begin(), r.end());
    Result<std::vector<Buffer>> got = encoding::ReadRangesChecked(base_, all);
    if (!got.ok()) {
      round->status = got.status();
    } else {
      size_t pos = 0;
      for (const auto& r : round->requests) {
        round->results.emplace_back(std::make_move_iterator(got->begin() + pos),
                                    std::make_move_iterator(got->begin() + pos + r.size()));
        pos += r.size();
      }
    }
    lock.lock();
    round->done = true;
    cv_.notify_all();
  }

  encoding::RangeReader* base_;
  std::mutex mu_;
  std::condition_variable cv_;
  size_t active_;
  std::shared_ptr<Round> current_ = std::make_shared<Round>();
};

}  // namespace lancet::file
