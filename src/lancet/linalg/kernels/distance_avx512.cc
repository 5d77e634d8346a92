// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The lancet authors
//
// AVX-512 (F/BW/DQ/VL) kernels. Every function carries LANCET_TARGET_AVX512; the table is only
// handed out by KernelsFor() when the CPU and OS support AVX-512 state.
//
// Design: single-pair kernels use 4 independent 16-lane accumulators (hides FMA latency) and a
// masked tail load (no scalar epilogue, no over-read). Batch kernels process 4 data rows per
// pass over the query so each query load feeds 4 FMAs; 8 accumulators in flight. The blocked
// dot kernel is an sgemm-style 6 x 64 register tile over column-interleaved centroid panels.
#include "lancet/linalg/kernels/dispatch_internal.h"

#if LANCET_LINALG_X86
#include "lancet/linalg/immintrin_quiet.h"

#include <cmath>
#include <cstddef>
#include <cstdint>

namespace lancet::linalg::internal {
namespace {

LANCET_TARGET_AVX512 inline __mmask16 TailMask(size_t r) {
  return static_cast<__mmask16>((1u << r) - 1u);
}

LANCET_TARGET_AVX512 float L2SqAvx512(const float* a, const float* b, size_t dim) {
  __m512 s0 = _mm512_setzero_ps(), s1 = _mm512_setzero_ps();
  __m512 s2 = _mm512_setzero_ps(), s3 = _mm512_setzero_ps();
  size_t i = 0;
  for (; i + 64 <= dim; i += 64) {
    const __m512 d0 = _mm512_sub_ps(_mm512_loadu_ps(a + i), _mm512_loadu_ps(b + i));
    const __m512 d1 = _mm512_sub_ps(_mm512_loadu_ps(a + i + 16), _mm512_loadu_ps(b + i + 16));
    const __m512 d2 = _mm512_sub_ps(_mm512_loadu_ps(a + i + 32), _mm512_loadu_ps(b + i + 32));
    const __m512 d3 = _mm512_sub_ps(_mm512_loadu_ps(a + i + 48), _mm512_loadu_ps(b + i + 48));
    s0 = _mm512_fmadd_ps(d0, d0, s0);
    s1 = _mm512_fmadd_ps(d1, d1, s1);
    s2 = _mm512_fmadd_ps(d2, d2, s2);
    s3 = _mm512_fmadd_ps(d3, d3, s3);
  }
  for (; i + 16 <= dim; i += 16) {
    const __m512 d = _mm512_sub_ps(_mm512_loadu_ps(a + i), _mm512_loadu_ps(b + i));
    s0 = _mm512_fmadd_ps(d, d, s0);
  }
  if (i < dim) {
    const __mmask16 m = TailMask(dim - i);
    const __m512 d = _mm512_sub_ps(_mm512_maskz_loadu_ps(m, a + i), _mm512_maskz_loadu_ps(m, b + i));
    s1 = _mm512_fmadd_ps(d, d, s1);
  }
  return _mm512_reduce_add_ps(_mm512_add_ps(_mm512_add_ps(s0, s1), _mm512_add_ps(s2, s3)));
}

LANCET_TARGET_AVX512 float DotAvx512(const float* a, const float* b, size_t dim) {
  __m512 s0 = _mm512_setzero_ps(), s1 = _mm512_setzero_ps();
  __m512 s2 = _mm512_setzero_ps(), s3 = _mm512_setzero_ps();
  size_t i = 0;
  for (; i + 64 <= dim; i += 64) {
    s0 = _mm512_fmadd_ps(_mm512_loadu_ps(a + i), _mm512_loadu_ps(b + i), s0);
    s1 = _mm512_fmadd_ps(_mm512_loadu_ps(a + i + 16), _mm512_loadu_ps(b + i + 16), s1);
    s2 = _mm512_fmadd_ps(_mm512_loadu_ps(a + i + 32), _mm512_loadu_ps(b + i + 32), s2);
    s3 = _mm512_fmadd_ps(_mm512_loadu_ps(a + i + 48), _mm512_loadu_ps(b + i + 48), s3);
  }
  for (; i + 16 <= dim; i += 16) {
    s0 = _mm512_fmadd_ps(_mm512_loadu_ps(a + i), _mm512_loadu_ps(b + i), s0);
  }
  if (i < dim) {
    const __mmask16 m = TailMask(dim - i);
    s1 = _mm512_fmadd_ps(_mm512_maskz_loadu_ps(m, a + i), _mm512_maskz_loadu_ps(m, b + i), s1);
  }
  return _mm512_reduce_add_ps(_mm512_add_ps(_mm512_add_ps(s0, s1), _mm512_add_ps(s2, s3)));
}

LANCET_TARGET_AVX512 float NormL2SqAvx512(const float* a, size_t dim) { return DotAvx512(a, a, dim); }

enum class BatchOp { kL2, kDot, kCosine };

// Long rows that start on a cache line (the vector cache's are) go one row at a time: memory then
// sees one sequential stream, where a block of 4 rows read side by side is 4 interleaved ones.
// Measured on this VM: flat search over 1M x 512 cached floats, 2 threads: p50 45 -> 37.5 ms;
// single thread over 100k x 512 (lancet_micro_benchmarks BM_DistanceBatch, 64-byte aligned
// rows): ~30 GB/s either way. Misaligned rows (every 64-byte load straddling two lines) stream at
// ~17 GB/s one at a time, so they keep the 4-row blocks with software prefetch, as do short rows
// (whose query loads and horizontal sums the blocks share).
constexpr size_t kRowAtATimeDim = 128;
inline bool RowAtATime(const float* data, size_t dim) {
  return dim >= kRowAtATimeDim && (reinterpret_cast<uintptr_t>(data) % 64) == 0 &&
         (dim * sizeof(float)) % 64 == 0;
}

// Rows ahead to prefetch in the batch kernels: the next block of 4. Measured single-threaded on
// 100k x 512 (lancet_micro_benchmarks BM_DistanceBatch, l2): none 16.5 GB/s, 4 rows 34.1,
// 8 rows 29.8, 16 rows 32.0.
constexpr size_t kPrefetchRows = 4;

// Accumulate one 16-lane step of the query against 4 rows into bank `acc` (and `nrm` for
// cosine, which tracks both q.v and v.v).
template <BatchOp kOp>
LANCET_TARGET_AVX512 inline void Step4(__m512 qv, const __m512* v, __m512* acc, __m512* nrm) {
#pragma GCC unroll 4
  for (int k = 0; k < 4; ++k) {
    if constexpr (kOp == BatchOp::kL2) {
      const __m512 d = _mm512_sub_ps(v[k], qv);
      acc[k] = _mm512_fmadd_ps(d, d, acc[k]);
    } else if constexpr (kOp == BatchOp::kDot) {
      acc[k] = _mm512_fmadd_ps(v[k], qv, acc[k]);
    } else {
      acc[k] = _mm512_fmadd_ps(v[k], qv, acc[k]);
      nrm[k] = _mm512_fmadd_ps(v[k], v[k], nrm[k]);
    }
  }
}

// One pass of the query over 4 consecutive rows starting at r0; writes 4 results (for kCosine:
// 1 - cos, with qn = |q|). L2/dot use two accumulator banks (even/odd 16-lane steps).
template <BatchOp kOp>
LANCET_TARGET_AVX512 inline void Batch4Avx512(const float* q, const float* r0, size_t dim,
                                              float qn, float* out) {
  const float* r[4] = {r0, r0 + dim, r0 + 2 * dim, r0 + 3 * dim};
  // a/b: the two banks (cosine: dots/norms of even steps); c/d: cosine's odd steps, so no
  // accumulator takes two dependent FMAs per iteration.
  __m512 a[4], b[4], c[4], d[4];
#pragma GCC unroll 4
  for (int k = 0; k < 4; ++k) a[k] = b[k] = c[k] = d[k] = _mm512_setzero_ps();
  constexpr bool kCos = kOp == BatchOp::kCosine;
  __m512 v[4];
  size_t j = 0;
  // Software prefetch of the rows kPrefetchRows ahead (the same offsets of the next block): the
  // hardware prefetchers lose track of 4 interleaved 2 KB streams that end every block, and a
  // flat scan over memory is otherwise bound by one core's outstanding misses.
  const size_t ahead = kPrefetchRows * dim;
  for (; j + 32 <= dim; j += 32) {
#pragma GCC unroll 4
    for (int k = 0; k < 4; ++k) {
      _mm_prefetch(reinterpret_cast<const char*>(r[k] + ahead + j), _MM_HINT_T0);
      _mm_prefetch(reinterpret_cast<const char*>(r[k] + ahead + j + 16), _MM_HINT_T0);
    }
    const __m512 q0 = _mm512_loadu_ps(q + j);
#pragma GCC unroll 4
    for (int k = 0; k < 4; ++k) v[k] = _mm512_loadu_ps(r[k] + j);
    Step4<kOp>(q0, v, a, b);
    const __m512 q1 = _mm512_loadu_ps(q + j + 16);
#pragma GCC unroll 4
    for (int k = 0; k < 4; ++k) v[k] = _mm512_loadu_ps(r[k] + j + 16);
    if constexpr (kCos) {
      Step4<kOp>(q1, v, c, d);
    } else {
      Step4<kOp>(q1, v, b, nullptr);
    }
  }
  for (; j + 16 <= dim; j += 16) {
#pragma GCC unroll 4
    for (int k = 0; k < 4; ++k) v[k] = _mm512_loadu_ps(r[k] + j);
    Step4<kOp>(_mm512_loadu_ps(q + j), v, a, b);
  }
  if (j < dim) {
    const __mmask16 m = TailMask(dim - j);
#pragma GCC unroll 4
    for (int k = 0; k < 4; ++k) v[k] = _mm512_maskz_loadu_ps(m, r[k] + j);
    Step4<kOp>(_mm512_maskz_loadu_ps(m, q + j), v, a, b);
  }
  if constexpr (kCos) {
#pragma GCC unroll 4
    for (int k = 0; k < 4; ++k) {
      const float dot = _mm512_reduce_add_ps(_mm512_add_ps(a[k], c[k]));
      const float denom = qn * std::sqrt(_mm512_reduce_add_ps(_mm512_add_ps(b[k], d[k])));
      out[k] = denom > 0.0f ? 1.0f - dot / denom : 1.0f;
    }
  } else {
#pragma GCC unroll 4
    for (int k = 0; k < 4; ++k) out[k] = _mm512_reduce_add_ps(_mm512_add_ps(a[k], b[k]));
  }
}

LANCET_TARGET_AVX512 float CosineOneAvx512(const float* q, float qn, const float* d, size_t dim) {
  const float denom = qn * std::sqrt(NormL2SqAvx512(d, dim));
  return denom > 0.0f ? 1.0f - DotAvx512(q, d, dim) / denom : 1.0f;
}

LANCET_TARGET_AVX512 void L2SqBatchAvx512(const float* q, const float* data, size_t n, size_t dim,
                                          float* out) {
  size_t i = 0;
  if (!RowAtATime(data, dim)) {
    for (; i + 4 <= n; i += 4) Batch4Avx512<BatchOp::kL2>(q, data + i * dim, dim, 0.0f, out + i);
  }
  for (; i < n; ++i) out[i] = L2SqAvx512(q, data + i * dim, dim);
}

LANCET_TARGET_AVX512 void DotBatchAvx512(const float* q, const float* data, size_t n, size_t dim,
                                         float* out) {
  size_t i = 0;
  if (!RowAtATime(data, dim)) {
    for (; i + 4 <= n; i += 4) Batch4Avx512<BatchOp::kDot>(q, data + i * dim, dim, 0.0f, out + i);
  }
  for (; i < n; ++i) out[i] = DotAvx512(q, data + i * dim, dim);
}

LANCET_TARGET_AVX512 void CosineBatchAvx512(const float* q, const float* data, size_t n,
                                            size_t dim, float* out) {
  const float qn = std::sqrt(NormL2SqAvx512(q, dim));
  size_t i = 0;
  for (; i + 4 <= n; i += 4) Batch4Avx512<BatchOp::kCosine>(q, data + i * dim, dim, qn, out + i);
  for (; i < n; ++i) out[i] = CosineOneAvx512(q, qn, data + i * dim, dim);
}

LANCET_TARGET_AVX512 void NormL2SqBatchAvx512(const float* data, size_t n, size_t dim,
                                              float* out) {
  for (size_t i = 0; i < n; ++i) out[i] = NormL2SqAvx512(data + i * dim, dim);
}

LANCET_TARGET_AVX512 void PqAccumulateAvx512(const float* table, const uint8_t* codes_t, size_t n,
                                             size_t m, float* out) {
  size_t i = 0;
  for (; i + 32 <= n; i += 32) {
    __m512 acc0 = _mm512_setzero_ps(), acc1 = _mm512_setzero_ps();
    for (size_t s = 0; s < m; ++s) {
      const uint8_t* c = codes_t + s * n + i;
      const float* t = table + s * 256;
      const __m512i i0 =
          _mm512_cvtepu8_epi32(_mm_loadu_si128(reinterpret_cast<const __m128i*>(c)));
      const __m512i i1 =
          _mm512_cvtepu8_epi32(_mm_loadu_si128(reinterpret_cast<const __m128i*>(c + 16)));
      acc0 = _mm512_add_ps(acc0, _mm512_i32gather_ps(i0, t, 4));
      acc1 = _mm512_add_ps(acc1, _mm512_i32gather_ps(i1, t, 4));
    }
    _mm512_storeu_ps(out + i, acc0);
    _mm512_storeu_ps(out + i + 16, acc1);
  }
  for (; i < n; i += 16) {
    const size_t rem = n - i < 16 ? n - i : 16;
    const __mmask16 mask = rem == 16 ? static_cast<__mmask16>(0xFFFF) : TailMask(rem);
    __m512 acc = _mm512_setzero_ps();
    for (size_t s = 0; s < m; ++s) {
      const __m512i idx = _mm512_cvtepu8_epi32(_mm_maskz_loadu_epi8(mask, codes_t + s * n + i));
      acc = _mm512_add_ps(acc, _mm512_mask_i32gather_ps(_mm512_setzero_ps(), mask, idx,
                                                        table + s * 256, 4));
    }
    _mm512_mask_storeu_ps(out + i, mask, acc);
  }
}

// ---- blocked dot products: R rows of x against P panels of 16 packed vectors ----------------

constexpr size_t kW = 16;

template <int R, int P>
LANCET_TARGET_AVX512 void MicroKernel(const float* x, size_t dim, const float* panels,
                                      size_t valid_cols, float* out, size_t ldo) {
  __m512 acc[R][P];
#pragma GCC unroll 8
  for (int r = 0; r < R; ++r) {
#pragma GCC unroll 4
    for (int p = 0; p < P; ++p) acc[r][p] = _mm512_setzero_ps();
  }
  const size_t panel_stride = dim * kW;
  for (size_t j = 0; j < dim; ++j) {
    __m512 b[P];
#pragma GCC unroll 4
    for (int p = 0; p < P; ++p) b[p] = _mm512_loadu_ps(panels + p * panel_stride + j * kW);
#pragma GCC unroll 8
    for (int r = 0; r < R; ++r) {
      const __m512 a = _mm512_set1_ps(x[r * dim + j]);
#pragma GCC unroll 4
      for (int p = 0; p < P; ++p) acc[r][p] = _mm512_fmadd_ps(a, b[p], acc[r][p]);
    }
  }
#pragma GCC unroll 4
  for (int p = 0; p < P; ++p) {
    const size_t col = static_cast<size_t>(p) * kW;
    if (col >= valid_cols) break;
    const size_t cnt = valid_cols - col;
    const __mmask16 m = cnt >= kW ? static_cast<__mmask16>(0xFFFF) : TailMask(cnt);
#pragma GCC unroll 8
    for (int r = 0; r < R; ++r) _mm512_mask_storeu_ps(out + r * ldo + col, m, acc[r][p]);
  }
}

using MicroFn = void (*)(const float*, size_t, const float*, size_t, float*, size_t);

template <int R>
LANCET_TARGET_AVX512 void RunRows(const float* x, size_t dim, const float* packed, size_t nc,
                                  float* out, size_t ldo) {
  constexpr int kP = 4;
  const size_t num_panels = (nc + kW - 1) / kW;
  size_t p = 0;
  for (; p + kP <= num_panels; p += kP) {
    MicroKernel<R, kP>(x, dim, packed + p * dim * kW, nc - p * kW, out + p * kW, ldo);
  }
  const size_t rest = num_panels - p;
  const float* pp = packed + p * dim * kW;
  float* o = out + p * kW;
  const size_t valid = nc - p * kW;
  if (rest == 3) MicroKernel<R, 3>(x, dim, pp, valid, o, ldo);
  if (rest == 2) MicroKernel<R, 2>(x, dim, pp, valid, o, ldo);
  if (rest == 1) MicroKernel<R, 1>(x, dim, pp, valid, o, ldo);
}

LANCET_TARGET_AVX512 void DotBlockPackedAvx512(const float* x, size_t nx, const float* packed,
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

LANCET_TARGET_AVX512 void ArgminAffineAvx512(const float* dots, const float* bias,
                                              const float* mult, size_t n, uint32_t id0,
                                              float* best, uint32_t* best_id) {
  // Per lane: the smallest value seen and the first j that produced it (strict <).
  __m512 vbest = _mm512_set1_ps(*best);
  __m512i vidx = _mm512_set1_epi32(-1);
  __m512i j_vec = _mm512_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15);
  const __m512i step = _mm512_set1_epi32(16);
  size_t j = 0;
  for (; j + 16 <= n; j += 16) {
    const __m512 v = _mm512_add_ps(_mm512_loadu_ps(bias + j),
                                   _mm512_mul_ps(_mm512_loadu_ps(mult + j),
                                                 _mm512_loadu_ps(dots + j)));
    const __mmask16 lt = _mm512_cmp_ps_mask(v, vbest, _CMP_LT_OQ);
    vbest = _mm512_mask_mov_ps(vbest, lt, v);
    vidx = _mm512_mask_mov_epi32(vidx, lt, j_vec);
    j_vec = _mm512_add_epi32(j_vec, step);
  }
  if (j < n) {
    const __mmask16 m = TailMask(n - j);
    const __m512 v = _mm512_add_ps(_mm512_maskz_loadu_ps(m, bias + j),
                                   _mm512_mul_ps(_mm512_maskz_loadu_ps(m, mult + j),
                                                 _mm512_maskz_loadu_ps(m, dots + j)));
    const __mmask16 lt = _mm512_mask_cmp_ps_mask(m, v, vbest, _CMP_LT_OQ);
    vbest = _mm512_mask_mov_ps(vbest, lt, v);
    vidx = _mm512_mask_mov_epi32(vidx, lt, j_vec);
  }
  const float m = _mm512_reduce_min_ps(vbest);
  if (!(m < *best)) return;
  // Among lanes holding the minimum, the smallest j is the first occurrence overall.
  const __mmask16 eq = _mm512_cmp_ps_mask(vbest, _mm512_set1_ps(m), _CMP_EQ_OQ);
  const __m512i cand = _mm512_mask_mov_epi32(_mm512_set1_epi32(0x7FFFFFFF), eq, vidx);
  *best = m;
  *best_id = id0 + static_cast<uint32_t>(_mm512_reduce_min_epi32(cand));
}

}  // namespace

const DistanceKernels& Avx512Kernels() {
  static const DistanceKernels kTable = {
      SimdLevel::kAvx512, L2SqAvx512,           DotAvx512,         NormL2SqAvx512,
      L2SqBatchAvx512,    DotBatchAvx512,       CosineBatchAvx512, NormL2SqBatchAvx512,
      PqAccumulateAvx512, DotBlockPackedAvx512, kW,
      ArgminAffineAvx512};
  return kTable;
}

}  // namespace lancet::linalg::internal
#endif  // LANCET_LINALG_X86
