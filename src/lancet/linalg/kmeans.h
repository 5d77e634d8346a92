// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The lancet authors
//
// k-means (Lloyd) for IVF partitioning and PQ codebooks, plus the nearest-centroid assignment
// used to route vectors to partitions. Multithreaded with std::thread; all functions are
// thread-safe (pure, no shared state).
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "lancet/core/result.h"
#include "lancet/linalg/distance.h"

namespace lancet::linalg {

/// What a training run did (for reports and benchmarks).
struct KMeansReport {
  int iterations = 0;
  double objective = 0;  ///< sum of distances at the last assignment
};

struct KMeansOptions {
  /// Lloyd iterations at most.
  int max_iters = 50;
  /// Seed of the sampling and initialisation RNG (results are deterministic for a given seed,
  /// data and thread count-independent).
  uint64_t seed = 42;
  /// The training set is capped at k * sample_per_centroid rows (uniform sample without
  /// replacement); 0 = use every row.
  size_t sample_per_centroid = 256;
  /// k-means++ seeding (on a subsample for speed) instead of k random rows.
  bool kmeans_plus_plus = true;
  /// Worker threads; 0 = std::thread::hardware_concurrency().
  int num_threads = 0;
  /// kL2: plain Lloyd. kCosine: rows and centroids are L2-normalised (spherical k-means).
  /// kDot: assignment by largest inner product, centroids are the plain means.
  MetricType metric = MetricType::kL2;
  /// Stop when the relative improvement of the objective falls below tol.
  double tol = 1e-4;
  /// Filled in when not null.
  KMeansReport* report = nullptr;
};

/// \brief Train k centroids on n row-major vectors of `dim` floats. Returns k x dim row-major
/// centroids. Empty clusters are repaired by splitting the largest cluster. Errors:
/// InvalidArgument for k == 0, dim == 0, n < k or non-finite input.
Result<std::vector<float>> KMeansTrain(const float* data, size_t n, size_t dim, size_t k,
                                       const KMeansOptions& options);

/// \brief For each of the n rows, the nearest of the k centroids under `metric`: out_ids[i] and
/// its distance out_dist[i] (Lance semantics: squared L2, 1-cos, 1-dot; out_dist may be nullptr).
/// Neither rows nor centroids need to be normalised for kCosine. Ties go to the smaller centroid
/// id (up to float rounding of the expanded form). Uses a blocked
/// ||x||^2 - 2 x.c + ||c||^2 kernel for L2; num_threads 0 = hardware concurrency.
void AssignNearest(const float* data, size_t n, const float* centroids, size_t k, size_t dim,
                   MetricType metric, uint32_t* out_ids, float* out_dist, int num_threads = 0);

/// \brief Index of the first of `rows` row-major rows of `dim` floats holding a NaN or an
/// infinity, or `rows` when all are finite.
size_t FirstNonFiniteRow(const float* data, size_t rows, size_t dim);

/// \brief Resolve a num_threads option (0 = hardware concurrency, at least 1).
int ResolveNumThreads(int num_threads);

}  // namespace lancet::linalg
