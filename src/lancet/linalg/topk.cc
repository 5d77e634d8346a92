// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The lancet authors
#include "lancet/linalg/topk.h"

#include <algorithm>
#include <cmath>

namespace lancet::linalg {

TopK::TopK(size_t k) : k_(k) { heap_.reserve(k); }

bool TopK::Push(float distance, uint64_t id) {
  if (k_ == 0 || std::isnan(distance)) return false;
  const ScoredId e{distance, id};
  if (heap_.size() < k_) {
    heap_.push_back(e);
    std::push_heap(heap_.begin(), heap_.end(), ScoredIdLess);
    return true;
  }
  if (!ScoredIdLess(e, heap_.front())) return false;
  std::pop_heap(heap_.begin(), heap_.end(), ScoredIdLess);
  heap_.back() = e;
  std::push_heap(heap_.begin(), heap_.end(), ScoredIdLess);
  return true;
}

void TopK::PushBatch(const float* distances, size_t n, uint64_t base_id) {
  if (k_ == 0) return;
  for (size_t i = 0; i < n; ++i) {
    // Cheap reject without touching the heap (ties need the full comparison).
    if (full() && distances[i] > heap_.front().distance) continue;
    Push(distances[i], base_id + i);
  }
}

void TopK::PushBatch(const float* distances, const uint64_t* ids, size_t n) {
  if (k_ == 0) return;
  for (size_t i = 0; i < n; ++i) {
    if (full() && distances[i] > heap_.front().distance) continue;
    Push(distances[i], ids[i]);
  }
}

void TopK::Merge(const TopK& other) {
  for (const ScoredId& e : other.heap_) Push(e.distance, e.id);
}

std::vector<ScoredId> TopK::Finish() {
  std::vector<ScoredId> out = std::move(heap_);
  heap_.clear();
  std::sort(out.begin(), out.end(), ScoredIdLess);
  return out;
}

std::vector<ScoredId> SelectTopK(const float* distances, size_t n, size_t k) {
  std::vector<ScoredId> all;
  all.reserve(n);
  for (size_t i = 0; i < n; ++i) {
    if (!std::isnan(distances[i])) all.push_back({distances[i], static_cast<uint64_t>(i)});
  }
  if (k < all.size()) {
    std::nth_element(all.begin(), all.begin() + static_cast<std::ptrdiff_t>(k), all.end(),
                     ScoredIdLess);
    all.resize(k);
  }
  std::sort(all.begin(), all.end(), ScoredIdLess);
  return all;
}

}  // namespace lancet::linalg
