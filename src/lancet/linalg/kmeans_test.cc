// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The lancet authors
#include "lancet/linalg/kmeans.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <limits>
#include <random>
#include <set>
#include <vector>

namespace lancet::linalg {
namespace {

// `clusters` well separated gaussian blobs; returns the data, fills the true centers and labels.
std::vector<float> Blobs(size_t n, size_t dim, size_t clusters, uint64_t seed,
                         std::vector<float>* centers, std::vector<uint32_t>* labels) {
  std::mt19937_64 rng(seed);
  std::normal_distribution<float> noise(0.0f, 0.05f);
  std::uniform_real_distribution<float> u(-10.0f, 10.0f);
  centers->resize(clusters * dim);
  for (float& c : *centers) c = u(rng);
  labels->resize(n);
  std::vector<float> data(n * dim);
  for (size_t i = 0; i < n; ++i) {
    const uint32_t c = static_cast<uint32_t>(i % clusters);
    (*labels)[i] = c;
    for (size_t j = 0; j < dim; ++j) data[i * dim + j] = (*centers)[c * dim + j] + noise(rng);
  }
  return data;
}

std::vector<float> RandomFloats(size_t n, uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::normal_distribution<float> g(0.0f, 1.0f);
  std::vector<float> v(n);
  for (float& f : v) f = g(rng);
  return v;
}

TEST(KMeansTest, RecoversSeparatedClusters) {
  const size_t n = 4000, dim = 19, k = 8;
  std::vector<float> centers;
  std::vector<uint32_t> labels;
  const std::vector<float> data = Blobs(n, dim, k, 7, &centers, &labels);
  KMeansOptions opts;
  opts.num_threads = 2;
  Result<std::vector<float>> r = KMeansTrain(data.data(), n, dim, k, opts);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  ASSERT_EQ(r->size(), k * dim);
  // Every true center has a learned centroid within the noise radius, one-to-one.
  std::set<size_t> matched;
  for (size_t c = 0; c < k; ++c) {
    size_t best = 0;
    float best_d = std::numeric_limits<float>::infinity();
    for (size_t j = 0; j < k; ++j) {
      const float d = L2Sq(centers.data() + c * dim, r->data() + j * dim, dim);
      if (d < best_d) {
        best_d = d;
        best = j;
      }
    }
    EXPECT_LT(best_d, 0.01f) << "true cluster " << c;
    matched.insert(best);
  }
  EXPECT_EQ(matched.size(), k);
  // Assignment is pure: points of one blob share one id.
  std::vector<uint32_t> ids(n);
  std::vector<float> dist(n);
  AssignNearest(data.data(), n, r->data(), k, dim, MetricType::kL2, ids.data(), dist.data(), 2);
  for (size_t i = 0; i < n; ++i) EXPECT_EQ(ids[i], ids[labels[i]]) << i;
}

TEST(KMeansTest, DeterministicAndThreadCountIndependent) {
  const size_t n = 3000, dim = 33, k = 20;
  const std::vector<float> data = RandomFloats(n * dim, 3);
  KMeansOptions opts;
  opts.max_iters = 10;
  opts.sample_per_centroid = 100;  // exercises sampling (2000 of 3000 rows)
  opts.num_threads = 1;
  Result<std::vector<float>> a = KMeansTrain(data.data(), n, dim, k, opts);
  opts.num_threads = 3;
  Result<std::vector<float>> b = KMeansTrain(data.data(), n, dim, k, opts);
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_EQ(std::memcmp(a->data(), b->data(), a->size() * sizeof(float)), 0);
  opts.seed = 43;
  Result<std::vector<float>> c = KMeansTrain(data.data(), n, dim, k, opts);
  ASSERT_TRUE(c.ok());
  EXPECT_NE(std::memcmp(a->data(), c->data(), a->size() * sizeof(float)), 0);
}

TEST(KMeansTest, LloydReducesObjective) {
  const size_t n = 2000, dim = 16, k = 32;
  const std::vector<float> data = RandomFloats(n * dim, 11);
  auto objective = [&](const std::vector<float>& cent) {
    std::vector<uint32_t> ids(n);
    std::vector<float> dist(n);
    AssignNearest(data.data(), n, cent.data(), k, dim, MetricType::kL2, ids.data(), dist.data());
    double s = 0;
    for (float d : dist) s += d;
    return s;
  };
  KMeansOptions opts;
  opts.max_iters = 1;
  const double one = objective(*KMeansTrain(data.data(), n, dim, k, opts));
  opts.max_iters = 30;
  const double many = objective(*KMeansTrain(data.data(), n, dim, k, opts));
  EXPECT_LT(many, one * 0.97);
  opts.kmeans_plus_plus = false;
  Result<std::vector<float>> rnd = KMeansTrain(data.data(), n, dim, k, opts);
  ASSERT_TRUE(rnd.ok());
  EXPECT_LT(objective(*rnd), one);
}

TEST(KMeansTest, EmptyClustersAreRepaired) {
  // 40 rows but only 5 distinct points and k = 10: several clusters go empty and must be split
  // from populated ones, leaving no NaN and no exact duplicates.
  const size_t dim = 4, k = 10, n = 40;
  std::vector<float> data(n * dim);
  for (size_t i = 0; i < n; ++i) {
    for (size_t j = 0; j < dim; ++j) data[i * dim + j] = static_cast<float>((i % 5) * 3 + j);
  }
  KMeansOptions opts;
  opts.kmeans_plus_plus = false;
  Result<std::vector<float>> r = KMeansTrain(data.data(), n, dim, k, opts);
  ASSERT_TRUE(r.ok());
  for (float f : *r) EXPECT_TRUE(std::isfinite(f));
  std::vector<uint32_t> ids(n);
  AssignNearest(data.data(), n, r->data(), k, dim, MetricType::kL2, ids.data(), nullptr);
  // Every one of the 5 points is reproduced by some centroid (to within the split jitter).
  for (size_t p = 0; p < 5; ++p) {
    EXPECT_LT(L2Sq(data.data() + p * dim, r->data() + ids[p] * dim, dim), 0.01f);
  }
}

TEST(KMeansTest, CosineCentroidsAreUnitNorm) {
  const size_t n = 1500, dim = 24, k = 12;
  const std::vector<float> data = RandomFloats(n * dim, 5);
  KMeansOptions opts;
  opts.metric = MetricType::kCosine;
  Result<std::vector<float>> r = KMeansTrain(data.data(), n, dim, k, opts);
  ASSERT_TRUE(r.ok());
  for (size_t c = 0; c < k; ++c) EXPECT_NEAR(NormL2Sq(r->data() + c * dim, dim), 1.0f, 1e-4);
}

TEST(KMeansTest, InvalidInput) {
  std::vector<float> data(10 * 4, 1.0f);
  KMeansOptions opts;
  EXPECT_FALSE(KMeansTrain(data.data(), 10, 4, 0, opts).ok());
  EXPECT_FALSE(KMeansTrain(data.data(), 10, 0, 2, opts).ok());
  EXPECT_FALSE(KMeansTrain(data.data(), 3, 4, 5, opts).ok());
  data[17] = std::numeric_limits<float>::quiet_NaN();
  Result<std::vector<float>> r = KMeansTrain(data.data(), 10, 4, 2, opts);
  ASSERT_FALSE(r.ok());
  EXPECT_TRUE(r.status().IsInvalidArgument());
}

class AssignTest : public ::testing::TestWithParam<MetricType> {};

// The blocked fast path agrees with brute force DistanceBatch for every metric, across centroid
// chunk boundaries (k > 512) and odd sizes.
TEST_P(AssignTest, MatchesBruteForce) {
  const MetricType metric = GetParam();
  for (size_t dim : {size_t{3}, size_t{17}, size_t{64}}) {
    for (size_t k : {size_t{1}, size_t{7}, size_t{100}, size_t{530}}) {
      const size_t n = 301;
      const std::vector<float> data = RandomFloats(n * dim, dim * 1000 + k);
      const std::vector<float> cent = RandomFloats(k * dim, dim * 1000 + k + 1);
      std::vector<uint32_t> ids(n);
      std::vector<float> dist(n);
      AssignNearest(data.data(), n, cent.data(), k, dim, metric, ids.data(), dist.data(), 2);
      std::vector<float> ref(k);
      for (size_t i = 0; i < n; ++i) {
        DistanceBatch(metric, data.data() + i * dim, cent.data(), k, dim, ref.data());
        size_t best = 0;
        for (size_t j = 1; j < k; ++j) {
          if (ref[j] < ref[best]) best = j;
        }
        const float scale = metric == MetricType::kL2 ? ref[best] + 1.0f : 1.0f;
        ASSERT_LT(ids[i], k);
        // Same answer, or a near tie (the expanded form rounds differently).
        EXPECT_NEAR(ref[ids[i]], ref[best], 1e-4f * scale) << "dim=" << dim << " k=" << k;
        EXPECT_NEAR(dist[i], ref[ids[i]], 1e-4f * scale) << "dim=" << dim << " k=" << k;
      }
    }
  }
}

INSTANTIATE_TEST_SUITE_P(Metrics, AssignTest,
                         ::testing::Values(MetricType::kL2, MetricType::kCosine, MetricType::kDot),
                         [](const ::testing::TestParamInfo<MetricType>& info) {
                           return std::string(MetricTypeName(info.param));
                         });

}  // namespace
}  // namespace lancet::linalg
