// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The lancet authors
//
// IVF_PQ on vectors in memory: training (k-means partitions, PQ on residuals with 8-bit codes)
// into an IvfPqModel in Lance's layout, and approximate search over a model (whether lancet or
// LanceDB built it). Searching is thread-safe; one IvfPqIndex may serve many queries at once.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <vector>

#include "lancet/core/result.h"
#include "lancet/index/ivf_pq_model.h"
#include "lancet/linalg/distance.h"
#include "lancet/linalg/pq.h"
#include "lancet/linalg/topk.h"

namespace lancet::index {

struct IvfPqBuildOptions {
  uint32_t num_partitions = 256;
  uint32_t num_sub_vectors = 16;
  linalg::MetricType metric = linalg::MetricType::kL2;
  /// k-means iterations (IVF and each PQ sub-quantizer), as Lance's max_iters.
  int max_iters = 50;
  /// Training rows per centroid (Lance's sample_rate).
  int sample_rate = 256;
  uint64_t seed = 42;
  int num_threads = 0;  // 0 = hardware concurrency
};

/// \brief Train IVF_PQ on n row-major vectors of `dim` floats; row_ids[i] is the row address of
/// vector i. L2 and cosine quantize residuals (vector - partition centroid; cosine works on
/// normalized vectors), dot quantizes the vectors themselves (as Lance does). Rows are grouped by
/// partition and their codes transposed per partition, ready for WriteIvfPqFiles.
Result<IvfPqModel> BuildIvfPq(const float* data, size_t n, size_t dim, const uint64_t* row_ids,
                              const IvfPqBuildOptions& options);

/// A model prepared for search.
class IvfPqIndex {
 public:
  static Result<std::shared_ptr<const IvfPqIndex>> Make(IvfPqModel model);

  const IvfPqModel& model() const { return model_; }
  const linalg::ProductQuantizer& pq() const { return pq_; }

  /// \brief The `k` best rows by approximate (PQ) distance among the `nprobes` partitions whose
  /// centroids are nearest to `query`. Rows for which `allow` returns false are skipped (deleted
  /// or filtered rows). Distances follow Lance: squared L2 of the reconstruction for l2, the same
  /// on normalized vectors for cosine, 1 - q.x for dot.
  std::vector<linalg::ScoredId> Search(const float* query, size_t k, uint32_t nprobes,
                                       const std::function<bool(uint64_t)>& allow = {}) const;

 private:
  IvfPqIndex(IvfPqModel model, linalg::ProductQuantizer pq)
      : model_(std::move(model)), pq_(std::move(pq)) {}
  IvfPqModel model_;
  linalg::ProductQuantizer pq_;
};

}  // namespace lancet::index
