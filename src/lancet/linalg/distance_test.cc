// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The lancet authors
//
// Every SIMD level this CPU supports is checked against the scalar reference (and the scalar
// reference against double precision) on odd dimensions, unaligned pointers and random data.
#include "lancet/core/memory.h"
#include "lancet/linalg/distance.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdlib>
#include <limits>
#include <random>
#include <string>
#include <vector>

#include "lancet/linalg/simd.h"

namespace lancet::linalg {
namespace {

const size_t kDims[] = {1, 3, 7, 8, 15, 16, 17, 31, 32, 33, 63, 64, 65, 100, 512, 513, 1023};

std::vector<float> RandomFloats(size_t n, uint64_t seed, float lo = -1.0f, float hi = 1.0f) {
  std::mt19937_64 rng(seed);
  std::uniform_real_distribution<float> u(lo, hi);
  std::vector<float> v(n);
  for (float& f : v) f = u(rng);
  return v;
}

// Tolerance for float sums evaluated in a different order: proportional to the sum of the
// absolute values of the terms (a missing or doubled term is far outside it).
void ExpectClose(double expected, double actual, double abs_terms, const std::string& what) {
  const double tol = 1e-5 * abs_terms + 1e-6;
  EXPECT_NEAR(expected, actual, tol) << what;
}

double RefL2(const float* a, const float* b, size_t d, double* abs_terms) {
  double s = 0;
  for (size_t i = 0; i < d; ++i) s += (double(a[i]) - b[i]) * (double(a[i]) - b[i]);
  *abs_terms = s;
  return s;
}

double RefDot(const float* a, const float* b, size_t d, double* abs_terms) {
  double s = 0, t = 0;
  for (size_t i = 0; i < d; ++i) {
    s += double(a[i]) * b[i];
    t += std::fabs(double(a[i]) * b[i]);
  }
  *abs_terms = t;
  return s;
}

class KernelTest : public ::testing::TestWithParam<SimdLevel> {
 protected:
  void SetUp() override {
    if (GetParam() > DetectedSimdLevel()) {
      GTEST_SKIP() << SimdLevelName(GetParam()) << " not supported by this CPU (detected "
                   << SimdLevelName(DetectedSimdLevel()) << ")";
    }
    k_ = &KernelsFor(GetParam());
    ASSERT_EQ(k_->level, GetParam());
  }
  const DistanceKernels* k_ = nullptr;
  const DistanceKernels& ref_ = KernelsFor(SimdLevel::kScalar);
};

TEST_P(KernelTest, PairKernelsMatchReference) {
  for (size_t dim : kDims) {
    // +1 float offsets make both pointers unaligned (and differently so).
    std::vector<float> a = RandomFloats(dim + 1, dim * 7 + 1);
    std::vector<float> b = RandomFloats(dim + 3, dim * 7 + 2, -2.0f, 3.0f);
    const float* pa = a.data() + 1;
    const float* pb = b.data() + 3;
    const std::string what = "dim=" + std::to_string(dim);
    double t;
    double exp = RefL2(pa, pb, dim, &t);
    ExpectClose(exp, ref_.l2sq(pa, pb, dim), t, "scalar l2 " + what);
    ExpectClose(exp, k_->l2sq(pa, pb, dim), t, "l2 " + what);
    exp = RefDot(pa, pb, dim, &t);
    ExpectClose(exp, ref_.dot(pa, pb, dim), t, "scalar dot " + what);
    ExpectClose(exp, k_->dot(pa, pb, dim), t, "dot " + what);
    exp = RefDot(pa, pa, dim, &t);
    ExpectClose(exp, k_->norm_l2sq(pa, dim), t, "norm " + what);
  }
}

TEST_P(KernelTest, BatchKernelsMatchReference) {
  // Rows one float off a cache line and rows on cache lines (the vector cache's): the AVX-512
  // kernels take long aligned rows one at a time and the rest in blocks of 4.
  for (const size_t shift : {size_t{1}, size_t{0}})
  for (size_t dim : kDims) {
    for (size_t n : {size_t{0}, size_t{1}, size_t{3}, size_t{4}, size_t{5}, size_t{9}}) {
      std::vector<float> q = RandomFloats(dim + 1, dim + 11);
      const std::vector<float> random = RandomFloats(n * dim + 1, dim * 13 + n);
      std::vector<float, LargeAllocator<float>> data(random.begin(), random.end());
      if (n >= 3) {
        // A zero row exercises the cosine zero-norm rule.
        for (size_t j = 0; j < dim; ++j) data[shift + 2 * dim + j] = 0.0f;
      }
      const float* pq = q.data() + 1;
      const float* pd = data.data() + shift;
      std::vector<float> out(n + 1, -7.0f), out_norm(n), out_dot(n), out_cos(n);
      k_->l2sq_batch(pq, pd, n, dim, out.data());
      k_->dot_batch(pq, pd, n, dim, out_dot.data());
      k_->cosine_batch(pq, pd, n, dim, out_cos.data());
      k_->norm_l2sq_batch(pd, n, dim, out_norm.data());
      EXPECT_EQ(out[n], -7.0f) << "batch wrote past n";
      double tq;
      const double qn = std::sqrt(RefDot(pq, pq, dim, &tq));
      for (size_t i = 0; i < n; ++i) {
        const float* row = pd + i * dim;
        const std::string what = "dim=" + std::to_string(dim) + " row=" + std::to_string(i);
        double t = 0, tn = 0;
        const double l2 = RefL2(pq, row, dim, &t);
        ExpectClose(l2, out[i], t, "l2 batch " + what);
        const double dot = RefDot(pq, row, dim, &t);
        ExpectClose(dot, out_dot[i], t, "dot batch " + what);
        const double rn2 = RefDot(row, row, dim, &tn);
        ExpectClose(rn2, out_norm[i], tn, "norm batch " + what);
        const double denom = qn * std::sqrt(rn2);
        const double cos_d = denom > 0 ? 1.0 - dot / denom : 1.0;
        EXPECT_NEAR(cos_d, out_cos[i], 2e-5 * (denom > 0 ? t / denom : 1.0) + 1e-6)
            << "cosine batch " << what;
      }
    }
  }
}

TEST_P(KernelTest, PqAccumulateMatchesReference) {
  for (size_t m : {size_t{1}, size_t{3}, size_t{8}, size_t{32}}) {
    for (size_t n : {size_t{0}, size_t{1}, size_t{7}, size_t{15}, size_t{16}, size_t{17},
                     size_t{31}, size_t{32}, size_t{33}, size_t{100}, size_t{1000}}) {
      std::vector<float> table = RandomFloats(m * 256, m * 31 + n, 0.0f, 4.0f);
      std::vector<uint8_t> codes(m * n + 1);
      std::mt19937 rng(static_cast<uint32_t>(n * 131 + m));
      for (uint8_t& c : codes) c = static_cast<uint8_t>(rng() & 0xFF);
      // Force the extreme codes to appear.
      if (n > 0) {
        codes[1] = 0;
        codes[1 + (m * n - 1)] = 255;
      }
      const uint8_t* pc = codes.data() + 1;  // unaligned
      std::vector<float> out(n + 1, -3.0f);
      k_->pq_accumulate(table.data(), pc, n, m, out.data());
      EXPECT_EQ(out[n], -3.0f);
      for (size_t i = 0; i < n; ++i) {
        double exp = 0, t = 0;
        for (size_t s = 0; s < m; ++s) {
          exp += table[s * 256 + pc[s * n + i]];
          t += std::fabs(table[s * 256 + pc[s * n + i]]);
        }
        ExpectClose(exp, out[i], t, "pq m=" + std::to_string(m) + " n=" + std::to_string(n) +
                                        " i=" + std::to_string(i));
      }
    }
  }
}

TEST_P(KernelTest, DotBlockPackedMatchesReference) {
  for (size_t dim : {size_t{1}, size_t{3}, size_t{16}, size_t{17}, size_t{100}, size_t{513}}) {
    for (size_t nx : {size_t{1}, size_t{5}, size_t{6}, size_t{7}, size_t{13}}) {
      for (size_t nc : {size_t{1}, size_t{7}, size_t{8}, size_t{15}, size_t{16}, size_t{17},
                        size_t{33}, size_t{64}, size_t{70}}) {
        std::vector<float> x = RandomFloats(nx * dim + 1, dim * 100 + nx);
        std::vector<float> c = RandomFloats(nc * dim, dim * 100 + nc + 50);
        std::vector<float> packed(PackedPanelsSize(nc, dim, k_->panel_width));
        PackPanels(c.data(), nc, dim, k_->panel_width, packed.data());
        const size_t ldo = nc + 3;
        std::vector<float> out(nx * ldo, -5.0f);
        k_->dot_block_packed(x.data() + 1, nx, packed.data(), nc, dim, out.data(), ldo);
        for (size_t i = 0; i < nx; ++i) {
          for (size_t j = 0; j < ldo; ++j) {
            if (j >= nc) {
              EXPECT_EQ(out[i * ldo + j], -5.0f) << "wrote past nc";
              continue;
            }
            double t;
            const double exp = RefDot(x.data() + 1 + i * dim, c.data() + j * dim, dim, &t);
            ExpectClose(exp, out[i * ldo + j], t,
                        "dot_block dim=" + std::to_string(dim) + " nx=" + std::to_string(nx) +
                            " nc=" + std::to_string(nc) + " i=" + std::to_string(i) +
                            " j=" + std::to_string(j));
          }
        }
      }
    }
  }
}

TEST_P(KernelTest, ArgminAffineMatchesReference) {
  for (size_t n : {size_t{1}, size_t{5}, size_t{8}, size_t{15}, size_t{16}, size_t{17},
                   size_t{100}, size_t{256}, size_t{257}}) {
    for (int ties : {0, 1}) {
      std::vector<float> dots = RandomFloats(n, n * 3 + ties);
      std::vector<float> bias = RandomFloats(n, n * 3 + 100, 0.0f, 2.0f);
      std::vector<float> mult(n, -2.0f);
      if (ties) {
        // Few distinct values: the first index of the minimum must win.
        for (size_t j = 0; j < n; ++j) {
          dots[j] = static_cast<float>(j % 3);
          bias[j] = 1.0f;
        }
      }
      for (float start : {std::numeric_limits<float>::infinity(), -1.0f, 0.0f}) {
        float rb = start, kb = start;
        uint32_t rid = 12345, kid = 12345;
        ref_.argmin_affine(dots.data(), bias.data(), mult.data(), n, 1000, &rb, &rid);
        k_->argmin_affine(dots.data(), bias.data(), mult.data(), n, 1000, &kb, &kid);
        EXPECT_EQ(rb, kb) << "n=" << n << " ties=" << ties << " start=" << start;
        EXPECT_EQ(rid, kid) << "n=" << n << " ties=" << ties << " start=" << start;
        // The reference itself against a direct scan.
        float want = start;
        uint32_t want_id = 12345;
        for (size_t j = 0; j < n; ++j) {
          const float v = bias[j] + mult[j] * dots[j];
          if (v < want) {
            want = v;
            want_id = 1000 + static_cast<uint32_t>(j);
          }
        }
        EXPECT_EQ(rid, want_id);
      }
    }
  }
}

INSTANTIATE_TEST_SUITE_P(AllLevels, KernelTest,
                         ::testing::Values(SimdLevel::kScalar, SimdLevel::kAvx2,
                                           SimdLevel::kAvx512),
                         [](const ::testing::TestParamInfo<SimdLevel>& info) {
                           return std::string(SimdLevelName(info.param));
                         });

TEST(SimdLevelTest, NamesAndParse) {
  for (SimdLevel l : {SimdLevel::kScalar, SimdLevel::kAvx2, SimdLevel::kAvx512}) {
    Result<SimdLevel> r = ParseSimdLevel(SimdLevelName(l));
    ASSERT_TRUE(r.ok());
    EXPECT_EQ(*r, l);
  }
  EXPECT_EQ(*ParseSimdLevel("AVX512"), SimdLevel::kAvx512);
  EXPECT_FALSE(ParseSimdLevel("neon2").ok());
  EXPECT_FALSE(ParseSimdLevel("").ok());
}

TEST(SimdLevelTest, ResolveNeverExceedsCpu) {
  const SimdLevel detected = DetectedSimdLevel();
  std::printf("detected SIMD level: %s\n", SimdLevelName(detected));
  EXPECT_EQ(ResolveSimdLevel(nullptr), detected);
  EXPECT_EQ(ResolveSimdLevel(""), detected);
  EXPECT_EQ(ResolveSimdLevel("bogus"), detected);
  EXPECT_EQ(ResolveSimdLevel("scalar"), SimdLevel::kScalar);
  EXPECT_EQ(ResolveSimdLevel("avx2"), std::min(SimdLevel::kAvx2, detected));
  EXPECT_EQ(ResolveSimdLevel("avx512"), detected == SimdLevel::kAvx512 ? SimdLevel::kAvx512
                                                                       : detected);
  EXPECT_LE(KernelsFor(SimdLevel::kAvx512).level, detected);
}

TEST(SimdLevelTest, EnvironmentVariableForcesLowerLevel) {
  const char* old = std::getenv("LANCET_SIMD_LEVEL");
  const std::string saved = old ? old : "";
  ASSERT_EQ(setenv("LANCET_SIMD_LEVEL", "scalar", 1), 0);
  EXPECT_EQ(ReloadSimdLevelFromEnv(), SimdLevel::kScalar);
  EXPECT_EQ(ActiveSimdLevel(), SimdLevel::kScalar);
  EXPECT_EQ(ActiveKernels().level, SimdLevel::kScalar);
  ASSERT_EQ(setenv("LANCET_SIMD_LEVEL", "avx2", 1), 0);
  EXPECT_EQ(ReloadSimdLevelFromEnv(), std::min(SimdLevel::kAvx2, DetectedSimdLevel()));
  EXPECT_EQ(ActiveKernels().level, std::min(SimdLevel::kAvx2, DetectedSimdLevel()));
  ASSERT_EQ(setenv("LANCET_SIMD_LEVEL", "avx512", 1), 0);
  EXPECT_EQ(ReloadSimdLevelFromEnv(), DetectedSimdLevel());
  if (old) {
    setenv("LANCET_SIMD_LEVEL", saved.c_str(), 1);
  } else {
    unsetenv("LANCET_SIMD_LEVEL");
  }
  ReloadSimdLevelFromEnv();
  EXPECT_EQ(SetActiveSimdLevel(SimdLevel::kAvx512), DetectedSimdLevel());
  ReloadSimdLevelFromEnv();
}

TEST(MetricTest, NamesAndParse) {
  EXPECT_EQ(*ParseMetricType("l2"), MetricType::kL2);
  EXPECT_EQ(*ParseMetricType("Euclidean"), MetricType::kL2);
  EXPECT_EQ(*ParseMetricType("COSINE"), MetricType::kCosine);
  EXPECT_EQ(*ParseMetricType("dot"), MetricType::kDot);
  EXPECT_FALSE(ParseMetricType("hamming").ok());
  EXPECT_STREQ(MetricTypeName(MetricType::kL2), "l2");
  EXPECT_STREQ(MetricTypeName(MetricType::kCosine), "cosine");
  EXPECT_STREQ(MetricTypeName(MetricType::kDot), "dot");
}

TEST(MetricTest, LanceSemantics) {
  const float a[3] = {1.0f, 2.0f, 2.0f};
  const float b[3] = {2.0f, 0.0f, 1.0f};
  const float z[3] = {0.0f, 0.0f, 0.0f};
  EXPECT_FLOAT_EQ(L2Sq(a, b, 3), 1.0f + 4.0f + 1.0f);               // squared, not sqrt
  EXPECT_FLOAT_EQ(Dot(a, b, 3), 4.0f);
  EXPECT_FLOAT_EQ(DotDistance(a, b, 3), 1.0f - 4.0f);               // 1 - dot
  EXPECT_FLOAT_EQ(CosineDistance(a, b, 3), 1.0f - 4.0f / (3.0f * std::sqrt(5.0f)));
  EXPECT_FLOAT_EQ(CosineDistance(a, a, 3), 0.0f);
  EXPECT_FLOAT_EQ(CosineDistance(a, z, 3), 1.0f);
  EXPECT_FLOAT_EQ(NormL2Sq(a, 3), 9.0f);
  const float data[6] = {2.0f, 0.0f, 1.0f, 1.0f, 2.0f, 2.0f};
  float out[2];
  DistanceBatch(MetricType::kL2, a, data, 2, 3, out);
  EXPECT_FLOAT_EQ(out[0], 6.0f);
  EXPECT_FLOAT_EQ(out[1], 0.0f);
  DistanceBatch(MetricType::kDot, a, data, 2, 3, out);
  EXPECT_FLOAT_EQ(out[0], -3.0f);
  EXPECT_FLOAT_EQ(out[1], -8.0f);
  DistanceBatch(MetricType::kCosine, a, data, 2, 3, out);
  EXPECT_NEAR(out[1], 0.0f, 1e-6);
  EXPECT_FLOAT_EQ(Distance(MetricType::kDot, a, b, 3), -3.0f);
  float rows[6] = {3.0f, 4.0f, 0.0f, 0.0f, 0.0f, 0.0f};
  NormalizeRows(rows, 2, 3);
  EXPECT_FLOAT_EQ(rows[0], 0.6f);
  EXPECT_FLOAT_EQ(rows[1], 0.8f);
  EXPECT_EQ(rows[3], 0.0f);
}

TEST(DotBlockTest, ConvenienceFormMatchesPairs) {
  const size_t nx = 11, nc = 37, dim = 29;
  std::vector<float> x = RandomFloats(nx * dim, 1), c = RandomFloats(nc * dim, 2);
  std::vector<float> out(nx * nc);
  DotBlock(x.data(), nx, c.data(), nc, dim, out.data(), nc);
  for (size_t i = 0; i < nx; ++i) {
    for (size_t j = 0; j < nc; ++j) {
      double t;
      const double exp = RefDot(x.data() + i * dim, c.data() + j * dim, dim, &t);
      ExpectClose(exp, out[i * nc + j], t, "DotBlock");
    }
  }
}

}  // namespace
}  // namespace lancet::linalg
