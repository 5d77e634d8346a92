// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The lancet authors
//
// IvfPqModel: an IVF_PQ vector index in memory, exactly as Lance stores it (index format v3):
// IVF centroids, a PQ codebook in Lance's sub-vector-major order, and the indexed rows grouped by
// partition with their PQ codes transposed per partition. Read/WriteIvfPqFiles convert between it
// and `_indices/<uuid>/index.idx` + `auxiliary.idx` (see docs/format/ivf-pq-index.md).
// An IvfPqModel is a plain value; const access is thread-safe.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "lancet/core/result.h"
#include "lancet/encoding/page.h"
#include "lancet/io/file_system.h"
#include "lancet/linalg/distance.h"

namespace lancet::index {

struct IvfPqModel {
  linalg::MetricType metric = linalg::MetricType::kL2;
  uint32_t dim = 0;
  /// num_partitions x dim, row-major.
  std::vector<float> centroids;
  uint32_t num_sub_vectors = 0;
  uint32_t num_bits = 8;
  /// [sub_vector][2^nbits centroid][dim / num_sub_vectors] floats (Lance's tensor order).
  std::vector<float> codebook;
  /// Per partition: first row in row_ids / codes, and number of rows.
  std::vector<uint64_t> offsets;
  std::vector<uint64_t> lengths;
  /// Row addresses ((fragment << 32) | offset) grouped by partition, in partition order.
  std::vector<uint64_t> row_ids;
  /// PQ codes: partition p occupies bytes [offsets[p]*m, (offsets[p]+lengths[p])*m), stored
  /// sub-vector-major inside the partition (byte s*len + i = code of its i-th row, sub-vector s).
  std::vector<uint8_t> codes;
  std::optional<double> loss;

  uint32_t num_partitions() const { return static_cast<uint32_t>(lengths.size()); }
  uint64_t num_rows() const { return row_ids.size(); }
  const float* centroid(uint32_t p) const { return centroids.data() + size_t{p} * dim; }
  const uint8_t* partition_codes(uint32_t p) const {
    return codes.data() + offsets[p] * num_sub_vectors;
  }
  /// \brief Check sizes and offsets (Corruption on mismatch).
  Status Validate() const;
};

/// The two files of one index and their sizes, as IndexMetadata.files records them.
using IndexFileList = std::vector<std::pair<std::string, uint64_t>>;

/// \brief Write `index.idx` and `auxiliary.idx` into `dir` (created if missing) in Lance's v3
/// layout, as Lance file format `version` (LanceDB writes index files in the table's version).
Result<IndexFileList> WriteIvfPqFiles(io::FileSystem* fs, const std::string& dir,
                                      const IvfPqModel& model, encoding::FileVersion version);

/// \brief Read an IVF_PQ index (written by lancet or by Lance/LanceDB) from `dir`.
/// NotSupported for other index types (IVF_FLAT, IVF_HNSW_*, IVF_SQ, IVF_RQ, 4-bit PQ).
Result<IvfPqModel> ReadIvfPqFiles(io::FileSystem* fs, const std::string& dir);

/// \brief IndexMetadata.index_details for an IVF_PQ index: the type URL
/// "/lance.index.pb.VectorIndexDetails" and the serialized message (metric, PQ parameters and
/// the build parameters as runtime hints, as Lance 12 records them).
std::pair<std::string, std::string> IvfPqIndexDetails(const IvfPqModel& model, int max_iters,
                                                      int sample_rate);

/// Name strings Lance uses in index files.
const char* LanceDistanceTypeName(linalg::MetricType metric);

}  // namespace lancet::index
