// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The lancet authors
#include "lancet/linalg/pq.h"

#include <gtest/gtest.h>

#include <cmath>
#include <random>
#include <vector>

namespace lancet::linalg {
namespace {

std::vector<float> RandomFloats(size_t n, uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::normal_distribution<float> g(0.0f, 1.0f);
  std::vector<float> v(n);
  for (float& f : v) f = g(rng);
  return v;
}

TEST(PqTest, CodebookLayoutIsSubVectorMajor) {
  // A hand-made codebook: centroid c of sub-vector s is filled with 1000*s + c. Lance's flat
  // order is [s][c][sub_dim]; encoding a vector built from (s, c) pairs must return those c.
  const size_t dim = 8, m = 4, sd = 2, kc = 256;
  std::vector<float> cb(m * kc * sd);
  for (size_t s = 0; s < m; ++s) {
    for (size_t c = 0; c < kc; ++c) {
      for (size_t j = 0; j < sd; ++j) cb[(s * kc + c) * sd + j] = 1000.0f * s + c;
    }
  }
  Result<ProductQuantizer> pq = ProductQuantizer::FromCodebook(cb, dim, m, 8);
  ASSERT_TRUE(pq.ok()) << pq.status().ToString();
  EXPECT_EQ(pq->sub_dim(), sd);
  EXPECT_EQ(pq->centroid(2, 7)[0], 2007.0f);
  const uint8_t want[2][4] = {{3, 250, 0, 17}, {255, 1, 128, 64}};
  std::vector<float> v(2 * dim);
  for (size_t i = 0; i < 2; ++i) {
    for (size_t s = 0; s < m; ++s) {
      for (size_t j = 0; j < sd; ++j) v[i * dim + s * sd + j] = 1000.0f * s + want[i][s] + 0.2f;
    }
  }
  std::vector<uint8_t> codes(2 * m);
  pq->Encode(v.data(), 2, codes.data());
  for (size_t i = 0; i < 2; ++i) {
    for (size_t s = 0; s < m; ++s) EXPECT_EQ(codes[i * m + s], want[i][s]) << i << "," << s;
  }
  std::vector<float> back(2 * dim);
  pq->Decode(codes.data(), 2, back.data());
  EXPECT_EQ(back[dim + 2 * sd], 2128.0f);
}

TEST(PqTest, TrainEncodeAndAdcAgreeWithDecodedVectors) {
  const size_t n = 3000, dim = 32, m = 8;
  const std::vector<float> data = RandomFloats(n * dim, 9);
  KMeansOptions opts;
  opts.max_iters = 15;
  opts.num_threads = 2;
  Result<ProductQuantizer> pq = ProductQuantizer::Train(data.data(), n, dim, m, 8, opts);
  ASSERT_TRUE(pq.ok()) << pq.status().ToString();
  ASSERT_EQ(pq->codebook().size(), 256 * dim);
  std::vector<uint8_t> codes(n * m);
  pq->Encode(data.data(), n, codes.data(), 2);
  std::vector<float> recon(n * dim);
  pq->Decode(codes.data(), n, recon.data());
  // Quantisation error well below the data variance (dim * 1.0 per vector).
  double err = 0;
  for (size_t i = 0; i < n; ++i) err += L2Sq(data.data() + i * dim, recon.data() + i * dim, dim);
  EXPECT_LT(err / n, 0.5 * dim);
  // Each code is the nearest sub-centroid.
  for (size_t i = 0; i < 50; ++i) {
    for (size_t s = 0; s < m; ++s) {
      const float* x = data.data() + i * dim + s * pq->sub_dim();
      const float got = L2Sq(x, pq->centroid(s, codes[i * m + s]), pq->sub_dim());
      for (size_t c = 0; c < 256; ++c) {
        EXPECT_LE(got, L2Sq(x, pq->centroid(s, c), pq->sub_dim()) + 1e-4f);
      }
    }
  }
  // ADC over transposed codes == exact distance to the decoded vectors.
  std::vector<uint8_t> codes_t(n * m), again(n * m);
  ProductQuantizer::TransposeCodes(codes.data(), n, m, codes_t.data());
  ProductQuantizer::UntransposeCodes(codes_t.data(), n, m, again.data());
  EXPECT_EQ(again, codes);
  EXPECT_EQ(codes_t[3 * n + 5], codes[5 * m + 3]);
  const std::vector<float> q = RandomFloats(dim, 77);
  std::vector<float> table(m * 256), adc(n);
  pq->ComputeDistanceTable(q.data(), MetricType::kL2, table.data());
  PqDistanceAccumulate(table.data(), codes_t.data(), n, m, adc.data());
  for (size_t i = 0; i < n; ++i) {
    const float exact = L2Sq(q.data(), recon.data() + i * dim, dim);
    EXPECT_NEAR(adc[i], exact, 1e-4f * (1.0f + exact)) << i;
  }
  pq->ComputeDistanceTable(q.data(), MetricType::kDot, table.data());
  PqDistanceAccumulate(table.data(), codes_t.data(), n, m, adc.data());
  for (size_t i = 0; i < n; i += 7) {
    const float exact = DotDistance(q.data(), recon.data() + i * dim, dim);
    EXPECT_NEAR(adc[i], exact, 1e-4f * (1.0f + std::fabs(exact))) << i;
  }
}

TEST(PqTest, SmallTrainingSetAndErrors) {
  const size_t dim = 8;
  const std::vector<float> data = RandomFloats(50 * dim, 1);
  KMeansOptions opts;
  opts.max_iters = 5;
  Result<ProductQuantizer> pq = ProductQuantizer::Train(data.data(), 50, dim, 2, 8, opts);
  ASSERT_TRUE(pq.ok()) << pq.status().ToString();
  for (float f : pq->codebook()) EXPECT_TRUE(std::isfinite(f));
  EXPECT_FALSE(ProductQuantizer::Train(data.data(), 50, dim, 3, 8, opts).ok());
  EXPECT_TRUE(ProductQuantizer::Train(data.data(), 50, dim, 2, 4, opts).status().code() ==
              StatusCode::kNotSupported);
  EXPECT_FALSE(ProductQuantizer::FromCodebook(std::vector<float>(10), dim, 2, 8).ok());
}

}  // namespace
}  // namespace lancet::linalg
