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
#include <utility>
#include <vector>

#include "lancet/core/result.h"
#include "lancet/index/ivf_pq_model.h"
#include "lancet/linalg/distance.h"
#include "lancet/linalg/kmeans.h"
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

/// Where a build spent its time (seconds) and what its k-means did.
struct IvfPqBuildStats {
  double sample_seconds = 0;      ///< pass 1: every row read once, the training sample kept
  double ivf_train_seconds = 0;   ///< k-means of the partition centroids on the sample
  double pq_train_seconds = 0;    ///< the sub-quantizers' k-means on residuals of the sample
  double scan_seconds = 0;        ///< pass 2: reading the rows again
  double assign_seconds = 0;      ///< pass 2: every row to its partition
  double encode_seconds = 0;      ///< pass 2: every row's residual to PQ codes
  double group_seconds = 0;       ///< rows grouped by partition, codes transposed
  double write_seconds = 0;       ///< CreateIvfPqIndex: writing the index files and committing
  uint64_t rows = 0;
  uint64_t ivf_sample_rows = 0;
  uint64_t pq_sample_rows = 0;
  linalg::KMeansReport ivf_kmeans;
  int pq_max_iterations = 0;       ///< most iterations any sub-quantizer ran
};

/// The timed phases of `stats` in build order as (name, seconds): the one naming the CLI and the
/// benchmark report them under.
std::vector<std::pair<const char*, double>> BuildPhases(const IvfPqBuildStats& stats);

/// The rows to index, visited in batches. Every call of ForEach must visit the same rows in
/// the same order (the build reads them twice: once to sample, once to encode).
class VectorBatchSource {
 public:
  virtual ~VectorBatchSource() = default;
  virtual size_t dim() const = 0;
  /// At most this many rows will be visited (sizes the training sample's buffer).
  virtual size_t max_rows() const = 0;
  /// Calls fn with consecutive runs of `count` row-major vectors and their row ids (row
  /// addresses); the pointers are valid during the call only. A non-OK status from fn stops the
  /// visit and is returned.
  virtual Status ForEach(
      const std::function<Status(const float* vectors, const uint64_t* row_ids, size_t count)>& fn)
      const = 0;
};

/// \brief Train IVF_PQ on the rows of `source`: L2 and cosine quantize residuals (vector -
/// partition centroid; cosine works on normalized vectors), dot quantizes the vectors themselves
/// (as Lance does). The rows are read twice and never held in memory all at once: pass 1 keeps a
/// uniform sample (num_partitions * sample_rate rows) for the partition k-means, whose residuals
/// (256 * sample_rate of them) train the PQ; pass 2 assigns and encodes every row. Rows are
/// grouped by partition and their codes transposed per partition, ready for WriteIvfPqFiles.
/// Non-finite values are InvalidArgument naming the row.
Result<IvfPqModel> BuildIvfPq(const VectorBatchSource& source, const IvfPqBuildOptions& options,
                              IvfPqBuildStats* stats = nullptr);

/// \brief BuildIvfPq over n row-major vectors of `dim` floats in memory; row_ids[i] is the row
/// address of vector i.
Result<IvfPqModel> BuildIvfPq(const float* data, size_t n, size_t dim, const uint64_t* row_ids,
                              const IvfPqBuildOptions& options, IvfPqBuildStats* stats = nullptr);

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
