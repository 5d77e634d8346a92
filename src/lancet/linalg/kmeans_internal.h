// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The lancet authors
//
// Internal helpers shared by kmeans.cc and pq.cc: a packed centroid set for the blocked
// assignment kernel and a block assignment routine.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <vector>

#include "lancet/linalg/distance.h"
#include "lancet/linalg/parallel.h"

namespace lancet::linalg::internal {

/// Centroids packed once for DistanceKernels::dot_block_packed, plus the affine form of the
/// per-metric score minimised by the assignment: score_j = bias[j] + mult[j] * (x . c_j)
///   l2:     |c|^2 - 2 x.c        cosine: -x.c / |c|        dot: -x.c
struct PackedCentroids {
  const DistanceKernels* kernels = nullptr;
  MetricType metric = MetricType::kL2;
  size_t k = 0;
  size_t dim = 0;
  std::vector<float> packed;
  std::vector<float> bias;
  std::vector<float> mult;
};

PackedCentroids PackCentroids(const float* centroids, size_t k, size_t dim, MetricType metric,
                              const DistanceKernels& kernels);

/// Rows per AssignBlock call used by the callers (scratch must hold kAssignRows * kAssignCols).
inline constexpr size_t kAssignRows = 48;
inline constexpr size_t kAssignCols = 512;

/// Nearest centroid (under c.metric) for nx <= kAssignRows contiguous rows x (nx x dim). `scratch` holds
/// kAssignRows * kAssignCols floats. dist may be nullptr.
void AssignBlock(const PackedCentroids& c, const float* x, size_t nx, uint32_t* ids, float* dist,
                 float* scratch);

using linalg::ParallelFor;
using linalg::ParallelWorkers;

}  // namespace lancet::linalg::internal
