// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The lancet authors
#include "lancet/linalg/topk.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <random>
#include <vector>

namespace lancet::linalg {
namespace {

std::vector<ScoredId> BruteForce(const std::vector<float>& d, size_t k) {
  std::vector<ScoredId> all;
  for (size_t i = 0; i < d.size(); ++i) {
    if (!std::isnan(d[i])) all.push_back({d[i], i});
  }
  std::sort(all.begin(), all.end(), ScoredIdLess);
  if (all.size() > k) all.resize(k);
  return all;
}

void ExpectSame(const std::vector<ScoredId>& a, const std::vector<ScoredId>& b) {
  ASSERT_EQ(a.size(), b.size());
  for (size_t i = 0; i < a.size(); ++i) {
    EXPECT_EQ(a[i].id, b[i].id) << i;
    EXPECT_EQ(a[i].distance, b[i].distance) << i;
  }
}

TEST(TopKTest, MatchesSortWithTiesAndNaN) {
  std::mt19937 rng(5);
  for (size_t n : {0, 1, 5, 100, 1000}) {
    std::vector<float> d(n);
    // Few distinct values: lots of ties, which must be broken by the smaller id.
    for (float& v : d) v = static_cast<float>(rng() % 7);
    if (n > 3) d[2] = std::nanf("");
    for (size_t k : {0, 1, 3, 10, 2000}) {
      TopK heap(k);
      heap.PushBatch(d.data(), d.size(), 0);
      ExpectSame(heap.Finish(), BruteForce(d, k));
      ExpectSame(SelectTopK(d.data(), d.size(), k), BruteForce(d, k));
      // Reverse push order gives the same answer.
      TopK rev(k);
      for (size_t i = n; i-- > 0;) rev.Push(d[i], i);
      ExpectSame(rev.Finish(), BruteForce(d, k));
    }
  }
}

TEST(TopKTest, MergeAndThreshold) {
  TopK a(3), b(3);
  EXPECT_TRUE(std::isinf(a.Threshold()));
  a.Push(5.0f, 10);
  a.Push(1.0f, 11);
  a.Push(3.0f, 12);
  EXPECT_TRUE(a.full());
  EXPECT_EQ(a.Threshold(), 5.0f);
  EXPECT_FALSE(a.Push(6.0f, 1));
  EXPECT_TRUE(a.Push(5.0f, 9));  // tie, smaller id wins
  EXPECT_FALSE(a.Push(5.0f, 9999));
  const uint64_t ids[2] = {100, 101};
  const float ds[2] = {0.5f, 2.0f};
  b.PushBatch(ds, ids, 2);
  a.Merge(b);
  const std::vector<ScoredId> r = a.Finish();
  ASSERT_EQ(r.size(), 3u);
  EXPECT_EQ(r[0].id, 100u);
  EXPECT_EQ(r[1].id, 11u);
  EXPECT_EQ(r[2].id, 101u);
  EXPECT_EQ(a.size(), 0u);
}

}  // namespace
}  // namespace lancet::linalg
