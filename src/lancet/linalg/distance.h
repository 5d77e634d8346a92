// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The lancet authors
//
// Vector distances with Lance's semantics, for float32 vectors:
//   l2     = squared euclidean distance  sum((a-b)^2)           (Lance's "l2"/"euclidean")
//   cosine = 1 - a.b / (|a| |b|)                                  (range [0, 2])
//   dot    = 1 - a.b                                              (Lance's dot *distance*)
// Cosine of a zero vector is defined here as distance 1.0 (Lance would produce NaN).
//
// Every kernel has a scalar reference and AVX2 / AVX-512 versions; the best one for the active
// SimdLevel (see simd.h) is used. The free functions fetch the active kernel table per call (one
// relaxed atomic load), so prefer the batch forms in hot loops, or bind a DistanceKernels table
// once. Pointers may be unaligned. All functions are thread-safe (pure).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "lancet/core/result.h"
#include "lancet/linalg/simd.h"

namespace lancet::linalg {

enum class MetricType : int { kL2 = 0, kCosine = 1, kDot = 2 };

/// \brief "l2", "cosine" or "dot" (the names Lance and LanceDB print).
const char* MetricTypeName(MetricType metric);

/// \brief Parse "l2" / "euclidean" / "cosine" / "dot" (case-insensitive).
Result<MetricType> ParseMetricType(std::string_view name);

// ---- single pair ---------------------------------------------------------------------------

/// \brief sum((a[i]-b[i])^2).
float L2Sq(const float* a, const float* b, size_t dim);
/// \brief sum(a[i]*b[i]) (the raw inner product, not a distance).
float Dot(const float* a, const float* b, size_t dim);
/// \brief 1 - a.b (Lance's dot distance).
float DotDistance(const float* a, const float* b, size_t dim);
/// \brief 1 - a.b/(|a||b|); 1.0 when either vector is zero.
float CosineDistance(const float* a, const float* b, size_t dim);
/// \brief sum(a[i]^2).
float NormL2Sq(const float* a, size_t dim);
/// \brief The distance of `metric` between a and b.
float Distance(MetricType metric, const float* a, const float* b, size_t dim);

// ---- batch: one query against n row-major vectors (the flat-search hot loop) ----------------

/// \brief out[i] = distance(metric, query, data + i*dim) for i in [0, n).
void DistanceBatch(MetricType metric, const float* query, const float* data, size_t n, size_t dim,
                   float* out);
/// \brief out[i] = query . data_i (raw inner products).
void DotBatch(const float* query, const float* data, size_t n, size_t dim, float* out);
/// \brief out[i] = |data_i|^2.
void NormL2SqBatch(const float* data, size_t n, size_t dim, float* out);
/// \brief Scale each of the n rows to unit L2 norm in place (zero rows stay zero).
void NormalizeRows(float* data, size_t n, size_t dim);

// ---- PQ asymmetric distance (ADC) ------------------------------------------------------------

/// \brief out[i] = sum_{s<m} table[s*256 + codes_transposed[s*n + i]] for i in [0, n).
/// `table` is m x 256 (one row of 256 centroid distances per sub-vector, see
/// ProductQuantizer::ComputeDistanceTable); `codes_transposed` is Lance's transposed PQ code
/// layout: m rows of n codes (byte s*n+i = code of row i for sub-vector s). Overwrites `out`.
void PqDistanceAccumulate(const float* table, const uint8_t* codes_transposed, size_t n, size_t m,
                          float* out);

// ---- kernel tables (bind once, no per-call dispatch) -----------------------------------------

/// One implementation of every kernel, for one SimdLevel. Semantics as the free functions above.
struct DistanceKernels {
  SimdLevel level;
  float (*l2sq)(const float* a, const float* b, size_t dim);
  float (*dot)(const float* a, const float* b, size_t dim);
  float (*norm_l2sq)(const float* a, size_t dim);
  void (*l2sq_batch)(const float* q, const float* data, size_t n, size_t dim, float* out);
  void (*dot_batch)(const float* q, const float* data, size_t n, size_t dim, float* out);
  /// out[i] = 1 - q.d_i/(|q||d_i|) (1.0 when a norm is zero); |q| computed inside.
  void (*cosine_batch)(const float* q, const float* data, size_t n, size_t dim, float* out);
  void (*norm_l2sq_batch)(const float* data, size_t n, size_t dim, float* out);
  void (*pq_accumulate)(const float* table, const uint8_t* codes_t, size_t n, size_t m,
                        float* out);
  /// Blocked inner products (sgemm-like), the k-means / IVF assignment kernel:
  /// out[i*ldo + j] = x_i . c_j for i < nx, j < nc, with x nx x dim row-major and the nc
  /// vectors c packed by PackPanels(panel_width) (see below).
  void (*dot_block_packed)(const float* x, size_t nx, const float* packed_c, size_t nc,
                           size_t dim, float* out, size_t ldo);
  /// Number of vectors per packed panel for dot_block_packed (1 for scalar, 8 AVX2, 16 AVX-512).
  size_t panel_width;
  /// Running argmin of v_j = bias[j] + mult[j] * dots[j] (multiply then add, no FMA, so every
  /// level computes identical values) over j < n: when min v_j < *best, sets *best to it and
  /// *best_id = id0 + the first j attaining it. (The assignment step's scan.)
  void (*argmin_affine)(const float* dots, const float* bias, const float* mult, size_t n,
                        uint32_t id0, float* best, uint32_t* best_id);
};

/// \brief Floats needed to pack nc vectors of dim floats in panels of `panel_width`.
size_t PackedPanelsSize(size_t nc, size_t dim, size_t panel_width);

/// \brief Pack nc row-major vectors into panels of `panel_width` vectors, column-interleaved:
/// packed[(p*dim + j)*panel_width + t] = c[(p*panel_width + t)*dim + j], zero past nc.
/// `packed` must hold PackedPanelsSize(nc, dim, panel_width) floats.
void PackPanels(const float* c, size_t nc, size_t dim, size_t panel_width, float* packed);

/// \brief out[i*ldo + j] = x_i . c_j with row-major c (packs internally; convenience form of
/// DistanceKernels::dot_block_packed using the active kernels).
void DotBlock(const float* x, size_t nx, const float* c, size_t nc, size_t dim, float* out,
              size_t ldo);

/// \brief The kernels of `level`, clamped to DetectedSimdLevel() (so always safe to call).
const DistanceKernels& KernelsFor(SimdLevel level);

/// \brief KernelsFor(ActiveSimdLevel()).
const DistanceKernels& ActiveKernels();

}  // namespace lancet::linalg
