// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The lancet authors
//
// AVX2 + FMA kernels (256-bit). Same structure as distance_avx512.cc with 8 lanes: 4 accumulators
// per pair kernel, 4 rows per query pass in the batch kernels, masked tails via vmaskmov (no
// over-read), and a 6 x 16 register tile for the blocked dot kernel (16 ymm registers).
#include "lancet/linalg/kernels/dispatch_internal.h"

#if LANCET_LINALG_X86
#include <immintrin.h>

#include <cmath>
#include <cstddef>
#include <cstdint>

namespace lancet::linalg::internal {
namespace {

alignas(64) const int32_t kMaskTable[16] = {-1, -1, -1, -1, -1, -1, -1, -1,
                                            0,  0,  0,  0,  0,  0,  0,  0};

// Lanes [0, r) set, r in [0, 8].
LANCET_TARGET_AVX2 inline __m256i TailMask(size_t r) {
  return _mm256_loadu_si256(reinterpret_cast<const __m256i*>(kMaskTable + 8 - r));
}

LANCET_TARGET_AVX2 inline float HSum(__m256 v) {
  const __m128 lo = _mm256_castps256_ps128(v);
  const __m128 hi = _mm256_extractf128_ps(v, 1);
  __m128 s = _mm_add_ps(lo, hi);
  s = _mm_add_ps(s, _mm_movehl_ps(s, s));
  s = _mm_add_ss(s, _mm_movehdup_ps(s));
  return _mm_cvtss_f32(s);
}

LANCET_TARGET_AVX2 float L2SqAvx2(const float* a, const float* b, size_t dim) {
  __m256 s0 = _mm256_setzero_ps(), s1 = _mm256_setzero_ps();
  __m256 s2 = _mm256_setzero_ps(), s3 = _mm256_setzero_ps();
  size_t i = 0;
  for (; i + 32 <= dim; i += 32) {
    const __m256 d0 = _mm256_sub_ps(_mm256_loadu_ps(a + i), _mm256_loadu_ps(b + i));
    const __m256 d1 = _mm256_sub_ps(_mm256_loadu_ps(a + i + 8), _mm256_loadu_ps(b + i + 8));
    const __m256 d2 = _mm256_sub_ps(_mm256_loadu_ps(a + i + 16), _mm256_loadu_ps(b + i + 16));
    const __m256 d3 = _mm256_sub_ps(_mm256_loadu_ps(a + i + 24), _mm256_loadu_ps(b + i + 24));
    s0 = _mm256_fmadd_ps(d0, d0, s0);
    s1 = _mm256_fmadd_ps(d1, d1, s1);
    s2 = _mm256_fmadd_ps(d2, d2, s2);
    s3 = _mm256_fmadd_ps(d3, d3, s3);
  }
  for (; i + 8 <= dim; i += 8) {
    const __m256 d = _mm256_sub_ps(_mm256_loadu_ps(a + i), _mm256_loadu_ps(b + i));
    s0 = _mm256_fmadd_ps(d, d, s0);
  }
  if (i < dim) {
    const __m256i m = TailMask(dim - i);
    const __m256 d = _mm256_sub_ps(_mm256_maskload_ps(a + i, m), _mm256_maskload_ps(b + i, m));
    s1 = _mm256_fmadd_ps(d, d, s1);
  }
  return HSum(_mm256_add_ps(_mm256_add_ps(s0, s1), _mm256_add_ps(s2, s3)));
}

LANCET_TARGET_AVX2 float DotAvx2(const float* a, const float* b, size_t dim) {
  __m256 s0 = _mm256_setzero_ps(), s1 = _mm256_setzero_ps();
  __m256 s2 = _mm256_setzero_ps(), s3 = _mm256_setzero_ps();
  size_t i = 0;
  for (; i + 32 <= dim; i += 32) {
    s0 = _mm256_fmadd_ps(_mm256_loadu_ps(a + i), _mm256_loadu_ps(b + i), s0);
    s1 = _mm256_fmadd_ps(_mm256_loadu_ps(a + i + 8), _mm256_loadu_ps(b + i + 8), s1);
    s2 = _mm256_fmadd_ps(_mm256_loadu_ps(a + i + 16), _mm256_loadu_ps(b + i + 16), s2);
    s3 = _mm256_fmadd_ps(_mm256_loadu_ps(a + i + 24), _mm256_loadu_ps(b + i + 24), s3);
  }
  for (; i + 8 <= dim; i += 8) {
    s0 = _mm256_fmadd_ps(_mm256_loadu_ps(a + i), _mm256_loadu_ps(b + i), s0);
  }
  if (i < dim) {
    const __m256i m = TailMask(dim - i);
    s1 = _mm256_fmadd_ps(_mm256_maskload_ps(a + i, m), _mm256_maskload_ps(b + i, m), s1);
  }
  return HSum(_mm256_add_ps(_mm256_add_ps(s0, s1), _mm256_add_ps(s2, s3)));
}

LANCET_TARGET_AVX2 float NormL2SqAvx2(const float* a, size_t dim) { return DotAvx2(a, a, dim); }

enum class BatchOp { kL2, kDot, kCosine };

// From this dimension on, the L2 / dot batch kernels take one row at a time: memory then sees one
// sequential stream (a block of 4 rows read side by side is 4 interleaved streams). Measured on
// this VM, single thread over 100k x 512 (BM_DistanceBatch): 4-row blocks with prefetch ~24
// GB/s, row at a time 23.5 (rows 16 bytes off a cache line) to 27-31 GB/s (64-byte aligned, as
// the vector cache's rows are). Shorter rows keep the 4-row blocks, which share each query load
// and horizontal sum across 4 rows.
constexpr size_t kRowAtATimeDim = 128;

template <BatchOp kOp>
LANCET_TARGET_AVX2 inline void Step4(__m256 qv, const __m256* v, __m256* acc, __m256* nrm) {
#pragma GCC unroll 4
  for (int k = 0; k < 4; ++k) {
    if constexpr (kOp == BatchOp::kL2) {
      const __m256 d = _mm256_sub_ps(v[k], qv);
      acc[k] = _mm256_fmadd_ps(d, d, acc[k]);
    } else if constexpr (kOp == BatchOp::kDot) {
      acc[k] = _mm256_fmadd_ps(v[k], qv, acc[k]);
    } else {
      acc[k] = _mm256_fmadd_ps(v[k], qv, acc[k]);
      nrm[k] = _mm256_fmadd_ps(v[k], v[k], nrm[k]);
    }
  }
}

template <BatchOp kOp>
LANCET_TARGET_AVX2 inline void Batch4Avx2(const float* q, const float* r0, size_t dim, float qn,
                                          float* out) {
  const float* r[4] = {r0, r0 + dim, r0 + 2 * dim, r0 + 3 * dim};
  __m256 a[4], b[4];
#pragma GCC unroll 4
  for (int k = 0; k < 4; ++k) a[k] = b[k] = _mm256_setzero_ps();
  constexpr bool kCos = kOp == BatchOp::kCosine;
  __m256 v[4];
  size_t j = 0;
  // Prefetch the same offsets of the next block of 4 rows (see distance_avx512.cc: the
  // hardware prefetchers lose 4 interleaved streams that end every block).
  const size_t ahead = 4 * dim;
  for (; j + 16 <= dim; j += 16) {
#pragma GCC unroll 4
    for (int k = 0; k < 4; ++k) {
      _mm_prefetch(reinterpret_cast<const char*>(r[k] + ahead + j), _MM_HINT_T0);
    }
    const __m256 q0 = _mm256_loadu_ps(q + j);
#pragma GCC unroll 4
    for (int k = 0; k < 4; ++k) v[k] = _mm256_loadu_ps(r[k] + j);
    Step4<kOp>(q0, v, a, b);
    const __m256 q1 = _mm256_loadu_ps(q + j + 8);
#pragma GCC unroll 4
    for (int k = 0; k < 4; ++k) v[k] = _mm256_loadu_ps(r[k] + j + 8);
    if constexpr (kCos) {
      Step4<kOp>(q1, v, a, b);
    } else {
      Step4<kOp>(q1, v, b, nullptr);
    }
  }
  for (; j + 8 <= dim; j += 8) {
#pragma GCC unroll 4
    for (int k = 0; k < 4; ++k) v[k] = _mm256_loadu_ps(r[k] + j);
    Step4<kOp>(_mm256_loadu_ps(q + j), v, a, b);
  }
  if (j < dim) {
    const __m256i m = TailMask(dim - j);
#pragma GCC unroll 4
    for (int k = 0; k < 4; ++k) v[k] = _mm256_maskload_ps(r[k] + j, m);
    Step4<kOp>(_mm256_maskload_ps(q + j, m), v, a, b);
  }
  if constexpr (kCos) {
#pragma GCC unroll 4
    for (int k = 0; k < 4; ++k) {
      const float dot = HSum(a[k]);
      const float denom = qn * std::sqrt(HSum(b[k]));
      out[k] = denom > 0.0f ? 1.0f - dot / denom : 1.0f;
    }
  } else {
#pragma GCC unroll 4
    for (int k = 0; k < 4; ++k) out[k] = HSum(_mm256_add_ps(a[k], b[k]));
  }
}

LANCET_TARGET_AVX2 float CosineOneAvx2(const float* q, float qn, const float* d, size_t dim) {
  const float denom = qn * std::sqrt(NormL2SqAvx2(d, dim));
  return denom > 0.0f ? 1.0f - DotAvx2(q, d, dim) / denom : 1.0f;
}

LANCET_TARGET_AVX2 void L2SqBatchAvx2(const float* q, const float* data, size_t n, size_t dim,
                                      float* out) {
  size_t i = 0;
  if (dim < kRowAtATimeDim) {
    for (; i + 4 <= n; i += 4) Batch4Avx2<BatchOp::kL2>(q, data + i * dim, dim, 0.0f, out + i);
  }
  for (; i < n; ++i) out[i] = L2SqAvx2(q, data + i * dim, dim);
}

LANCET_TARGET_AVX2 void DotBatchAvx2(const float* q, const float* data, size_t n, size_t dim,
                                     float* out) {
  size_t i = 0;
  if (dim < kRowAtATimeDim) {
    for (; i + 4 <= n; i += 4) Batch4Avx2<BatchOp::kDot>(q, data + i * dim, dim, 0.0f, out + i);
  }
  for (; i < n; ++i) out[i] = DotAvx2(q, data + i * dim, dim);
}

LANCET_TARGET_AVX2 void CosineBatchAvx2(const float* q, const float* data, size_t n, size_t dim,
                                        float* out) {
  const float qn = std::sqrt(NormL2SqAvx2(q, dim));
  size_t i = 0;
  for (; i + 4 <= n; i += 4) Batch4Avx2<BatchOp::kCosine>(q, data + i * dim, dim, qn, out + i);
  for (; i < n; ++i) out[i] = CosineOneAvx2(q, qn, data + i * dim, dim);
}

LANCET_TARGET_AVX2 void NormL2SqBatchAvx2(const float* data, size_t n, size_t dim, float* out) {
  for (size_t i = 0; i < n; ++i) out[i] = NormL2SqAvx2(data + i * dim, dim);
}

LANCET_TARGET_AVX2 void PqAccumulateAvx2(const float* table, const uint8_t* codes_t, size_t n,
                                         size_t m, float* out) {
  size_t i = 0;
  for (; i + 16 <= n; i += 16) {
    __m256 acc0 = _mm256_setzero_ps(), acc1 = _mm256_setzero_ps();
    for (size_t s = 0; s < m; ++s) {
      const uint8_t* c = codes_t + s * n + i;
      const float* t = table + s * 256;
      const __m256i i0 = _mm256_cvtepu8_epi32(_mm_loadl_epi64(reinterpret_cast<const __m128i*>(c)));
      const __m256i i1 =
          _mm256_cvtepu8_epi32(_mm_loadl_epi64(reinterpret_cast<const __m128i*>(c + 8)));
      acc0 = _mm256_add_ps(acc0, _mm256_i32gather_ps(t, i0, 4));
      acc1 = _mm256_add_ps(acc1, _mm256_i32gather_ps(t, i1, 4));
    }
    _mm256_storeu_ps(out + i, acc0);
    _mm256_storeu_ps(out + i + 8, acc1);
  }
  for (; i < n; ++i) {
    float acc = 0.0f;
    for (size_t s = 0; s < m; ++s) acc += table[s * 256 + codes_t[s * n + i]];
    out[i] = acc;
  }
}

// ---- blocked dot products: R rows of x against P panels of 8 packed vectors -----------------

constexpr size_t kW = 8;

template <int R, int P>
LANCET_TARGET_AVX2 void MicroKernel(const float* x, size_t dim, const float* panels,
                                    size_t valid_cols, float* out, size_t ldo) {
  __m256 acc[R][P];
#pragma GCC unroll 8
  for (int r = 0; r < R; ++r) {
#pragma GCC unroll 4
    for (int p = 0; p < P; ++p) acc[r][p] = _mm256_setzero_ps();
  }
  const size_t panel_stride = dim * kW;
  for (size_t j = 0; j < dim; ++j) {
    __m256 b[P];
#pragma GCC unroll 4
    for (int p = 0; p < P; ++p) b[p] = _mm256_loadu_ps(panels + p * panel_stride + j * kW);
#pragma GCC unroll 8
    for (int r = 0; r < R; ++r) {
      const __m256 a = _mm256_broadcast_ss(x + r * dim + j);
#pragma GCC unroll 4
      for (int p = 0; p < P; ++p) acc[r][p] = _mm256_fmadd_ps(a, b[p], acc[r][p]);
    }
  }
#pragma GCC unroll 4
  for (int p = 0; p < P; ++p) {
    const size_t col = static_cast<size_t>(p) * kW;
    if (col >= valid_cols) break;
    const size_t cnt = valid_cols - col;
    if (cnt >= kW) {
#pragma GCC unroll 8
      for (int r = 0; r < R; ++r) _mm256_storeu_ps(out + r * ldo + col, acc[r][p]);
    } else {
      const __m256i m = TailMask(cnt);
#pragma GCC unroll 8
      for (int r = 0; r < R; ++r) _mm256_maskstore_ps(out + r * ldo + col, m, acc[r][p]);
    }
  }
}

template <int R>
LANCET_TARGET_AVX2 void RunRows(const float* x, size_t dim, const float* packed, size_t nc,
                                float* out, size_t ldo) {
  constexpr int kP = 2;
  const size_t num_panels = (nc + kW - 1) / kW;
  size_t p = 0;
  for (; p + kP <= num_panels; p += kP) {
    MicroKernel<R, kP>(x, dim, packed + p * dim * kW, nc - p * kW, out + p * kW, ldo);
  }
  if (p < num_panels) {
    MicroKernel<R, 1>(x, dim, packed + p * dim * kW, nc - p * kW, out + p * kW, ldo);
  }
}

LANCET_TARGET_AVX2 void DotBlockPackedAvx2(const float* x, size_t nx, const float* packed,
                                           size_t nc, size_t dim, float* out, size_t ldo) {
  if (nc == 0) return;
  constexpr size_t kR = 6;
  size_t i = 0;
  for (; i + kR <= nx; i += kR) RunRows<kR>(x + i * dim, dim, packed, nc, out + i * ldo, ldo);
  switch (nx - i) {
    case 5: RunRows<5>(x + i * dim, dim, packed, nc, out + i * ldo, ldo); break;
    case 4: RunRows<4>(x + i * dim, dim, packed, nc, out + i * ldo, ldo); break;
    case 3: RunRows<3>(x + i * dim, dim, packed, nc, out + i * ldo, ldo); break;
    case 2: RunRows<2>(x + i * dim, dim, packed, nc, out + i * ldo, ldo); break;
    case 1: RunRows<1>(x + i * dim, dim, packed, nc, out + i * ldo, ldo); break;
    default: break;
  }
}

LANCET_TARGET_AVX2 void ArgminAffineAvx2(const float* dots, const float* bias, const float* mult,
                                          size_t n, uint32_t id0, float* best,
                                          uint32_t* best_id) {
  __m256 vbest = _mm256_set1_ps(*best);
  __m256i vidx = _mm256_set1_epi32(-1);
  __m256i j_vec = _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7);
  const __m256i step = _mm256_set1_epi32(8);
  size_t j = 0;
  for (; j + 8 <= n; j += 8) {
    const __m256 v = _mm256_add_ps(_mm256_loadu_ps(bias + j),
                                   _mm256_mul_ps(_mm256_loadu_ps(mult + j),
                                                 _mm256_loadu_ps(dots + j)));
    const __m256 lt = _mm256_cmp_ps(v, vbest, _CMP_LT_OQ);
    vbest = _mm256_blendv_ps(vbest, v, lt);
    vidx = _mm256_castps_si256(
        _mm256_blendv_ps(_mm256_castsi256_ps(vidx), _mm256_castsi256_ps(j_vec), lt));
    j_vec = _mm256_add_epi32(j_vec, step);
  }
  alignas(32) float lane_best[8];
  alignas(32) int32_t lane_idx[8];
  _mm256_store_ps(lane_best, vbest);
  _mm256_store_si256(reinterpret_cast<__m256i*>(lane_idx), vidx);
  float b = *best;
  int64_t bid = -1;
  for (int l = 0; l < 8; ++l) {
    if (lane_idx[l] < 0) continue;
    if (lane_best[l] < b || (lane_best[l] == b && bid >= 0 && lane_idx[l] < bid)) {
      b = lane_best[l];
      bid = lane_idx[l];
    }
  }
  for (; j < n; ++j) {
    const float prod = mult[j] * dots[j];
    const float v = bias[j] + prod;
    if (v < b) {
      b = v;
      bid = static_cast<int64_t>(j);
    }
  }
  if (bid >= 0) {
    *best = b;
    *best_id = id0 + static_cast<uint32_t>(bid);
  }
}

}  // namespace

const DistanceKernels& Avx2Kernels() {
  static const DistanceKernels kTable = {
      SimdLevel::kAvx2, L2SqAvx2,           DotAvx2,         NormL2SqAvx2,
      L2SqBatchAvx2,    DotBatchAvx2,       CosineBatchAvx2, NormL2SqBatchAvx2,
      PqAccumulateAvx2, DotBlockPackedAvx2, kW,
      ArgminAffineAvx2};
  return kTable;
}

}  // namespace lancet::linalg::internal
#endif  // LANCET_LINALG_X86
