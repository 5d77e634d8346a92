// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The lancet authors
//
// Top-k selection of (distance, id) pairs: keeps the k smallest distances, ties broken by the
// smaller id, so results are deterministic regardless of push order. NaN distances are ignored.
// TopK is a value type; not thread-safe (use one per thread and Merge()).
#pragma once

#include <cstddef>
#include <cstdint>
#include <limits>
#include <vector>

namespace lancet::linalg {

struct ScoredId {
  float distance;
  uint64_t id;
};

/// Strict weak order: by distance, then by id.
inline bool ScoredIdLess(const ScoredId& a, const ScoredId& b) {
  return a.distance < b.distance || (a.distance == b.distance && a.id < b.id);
}

/// Fixed-k max-heap: the root is the worst kept entry.
class TopK {
 public:
  explicit TopK(size_t k);

  size_t k() const { return k_; }
  size_t size() const { return heap_.size(); }
  bool full() const { return heap_.size() >= k_; }

  /// \brief The distance an entry must beat (or tie with a smaller id) to enter; +inf while not
  /// full. Useful to skip work (e.g. refine) early.
  float Threshold() const {
    return full() && k_ > 0 ? heap_.front().distance : std::numeric_limits<float>::infinity();
  }

  /// \brief Offer one entry. Returns true when it was kept.
  bool Push(float distance, uint64_t id);

  /// \brief Offer n entries: distances[i] with id base_id + i.
  void PushBatch(const float* distances, size_t n, uint64_t base_id);

  /// \brief Offer n entries with explicit ids.
  void PushBatch(const float* distances, const uint64_t* ids, size_t n);

  /// \brief Offer every entry of `other`.
  void Merge(const TopK& other);

  /// \brief The kept entries sorted ascending by (distance, id); leaves this TopK empty.
  std::vector<ScoredId> Finish();

  /// \brief The kept entries in heap order (unsorted).
  const std::vector<ScoredId>& entries() const { return heap_; }

 private:
  size_t k_;
  std::vector<ScoredId> heap_;
};

/// \brief The k smallest of distances[0..n) (ids 0..n-1), sorted by (distance, id).
/// Uses a partial select; NaN entries are ignored.
std::vector<ScoredId> SelectTopK(const float* distances, size_t n, size_t k);

}  // namespace lancet::linalg
