// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The lancet authors
//
// The encoder's building blocks: the fork-join pool, the column-split GEMM (against a double
// reference, odd shapes, every pool size), and the AVX2 LayerNorm against the portable one.
#include "lancet/embed/transformer_internal.h"

#include <gtest/gtest.h>

#include <atomic>
#include <cmath>
#include <random>
#include <vector>

#include "lancet/linalg/simd.h"

namespace lancet::embed::internal {
namespace {

TEST(ThreadPoolTest, EveryIndexRunsExactlyOnce) {
  for (int threads : {1, 2, 3, 5}) {
    ThreadPool pool(threads);
    EXPECT_EQ(pool.size(), threads);
    for (int n : {0, 1, 2, 7, 100, 1000}) {
      std::vector<std::atomic<int>> hits(n);
      for (int rep = 0; rep < 3; ++rep) {
        pool.ParallelFor(n, [&](int i) { hits[i].fetch_add(1); });
      }
      for (int i = 0; i < n; ++i) ASSERT_EQ(hits[i].load(), 3) << threads << " " << n << " " << i;
    }
  }
}

std::vector<float> Random(size_t n, std::mt19937* rng) {
  std::normal_distribution<float> nd;
  std::vector<float> v(n);
  for (float& x : v) x = nd(*rng);
  return v;
}

TEST(ParallelGemmTest, MatchesReferenceForOddShapesAndPoolSizes) {
  std::mt19937 rng(7);
  for (int threads : {1, 2, 3}) {
    ThreadPool pool(threads);
    for (int rows : {1, 5, 50}) {
      for (int out : {1, 17, 64, 130, 769}) {
        for (int in : {3, 64, 100}) {
          for (bool with_bias : {false, true}) {
            for (float beta : {0.0f, 1.0f}) {
              const int ldy = out + 3;  // y wider than the product: columns beyond stay put
              auto x = Random(static_cast<size_t>(rows) * in, &rng);
              auto w = Random(static_cast<size_t>(out) * in, &rng);
              auto bias = Random(out, &rng);
              auto y = Random(static_cast<size_t>(rows) * ldy, &rng);
              const std::vector<float> y0 = y;
              ParallelGemm(&pool, x.data(), rows, in, w.data(), out,
                           with_bias ? bias.data() : nullptr, beta, y.data(), ldy);
              for (int r = 0; r < rows; ++r) {
                for (int c = 0; c < ldy; ++c) {
                  const size_t at = static_cast<size_t>(r) * ldy + c;
                  if (c >= out) {
                    ASSERT_EQ(y[at], y0[at]);
                    continue;
                  }
                  double ref = beta * y0[at] + (with_bias ? bias[c] : 0.0);
                  for (int k = 0; k < in; ++k) {
                    ref += static_cast<double>(x[static_cast<size_t>(r) * in + k]) *
                           w[static_cast<size_t>(c) * in + k];
                  }
                  ASSERT_NEAR(y[at], ref, 1e-4 * (1 + std::sqrt(static_cast<double>(in))))
                      << threads << " " << rows << "x" << out << "x" << in << " at " << r << ","
                      << c;
                }
              }
            }
          }
        }
      }
    }
  }
}

TEST(LayerNormTest, AllSimdLevelsMatchDoubleReference) {
  std::mt19937 rng(3);
  const linalg::SimdLevel saved = linalg::ActiveSimdLevel();
  for (int d : {1, 7, 8, 33, 768}) {
    const int rows = 37;
    auto x = Random(static_cast<size_t>(rows) * d, &rng);
    for (float& v : x) v = v * 3 + 1.5f;  // non-zero mean
    LayerNormParams p;
    p.gamma = Random(d, &rng);
    p.beta = Random(d, &rng);
    for (linalg::SimdLevel level : {linalg::SimdLevel::kScalar, linalg::SimdLevel::kAvx2}) {
      linalg::SetActiveSimdLevel(level);
      std::vector<float> y(x.size());
      ThreadPool pool(2);
      ParallelLayerNorm(&pool, x.data(), rows, d, p, y.data());
      std::vector<float> inplace = x;
      LayerNorm(inplace.data(), rows, d, p, inplace.data());
      for (int r = 0; r < rows; ++r) {
        const float* xr = x.data() + static_cast<size_t>(r) * d;
        double mean = 0, var = 0;
        for (int k = 0; k < d; ++k) mean += xr[k];
        mean /= d;
        for (int k = 0; k < d; ++k) var += (xr[k] - mean) * (xr[k] - mean);
        var /= d;
        for (int k = 0; k < d; ++k) {
          const double ref = (xr[k] - mean) / std::sqrt(var + p.eps) * p.gamma[k] + p.beta[k];
          const size_t at = static_cast<size_t>(r) * d + k;
          ASSERT_NEAR(y[at], ref, 1e-4) << linalg::SimdLevelName(level) << " d=" << d;
          ASSERT_EQ(inplace[at], y[at]);
        }
      }
    }
  }
  linalg::SetActiveSimdLevel(saved);
}

}  // namespace
}  // namespace lancet::embed::internal
