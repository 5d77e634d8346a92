// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The lancet authors
//
// Product quantizer with Lance's codebook layout: dimension d split into m sub-vectors of
// d/m floats, 2^nbits centroids per sub-vector. codebook() is ordered
// [sub_vector][centroid][sub_dim] (sub-vector major), which is exactly the flat float order of
// Lance's codebook tensor (shape [2^nbits, d] but stored sub-vector major). Codes from Encode()
// are row-major n x m; Lance stores them transposed per partition (see TransposeCodes).
// A ProductQuantizer is immutable after construction; const methods are thread-safe.
#pragma once

#include <cstddef>
#include <cstdint>
#include <utility>
#include <vector>

#include "lancet/core/result.h"
#include "lancet/linalg/distance.h"
#include "lancet/linalg/kmeans.h"

namespace lancet::linalg {

class ProductQuantizer {
 public:
  /// \brief Train on n row-major vectors (for IVF_PQ with L2/cosine: the residuals). Only
  /// num_bits == 8 is supported; dim must be divisible by num_sub_vectors; n >= 256 is not
  /// required (fewer distinct rows leave duplicate centroids). options.metric is ignored: the
  /// sub-quantizers are always trained with L2, as Lance does. `max_iterations`, when not null,
  /// receives the most k-means iterations any sub-quantizer ran.
  static Result<ProductQuantizer> Train(const float* data, size_t n, size_t dim,
                                        size_t num_sub_vectors, int num_bits,
                                        const KMeansOptions& options,
                                        int* max_iterations = nullptr);

  /// \brief Adopt an existing codebook ([m][2^nbits][dim/m] floats, e.g. read from a
  /// LanceDB-built index). Validates sizes.
  static Result<ProductQuantizer> FromCodebook(std::vector<float> codebook, size_t dim,
                                               size_t num_sub_vectors, int num_bits);

  size_t dim() const { return dim_; }
  size_t num_sub_vectors() const { return m_; }
  size_t sub_dim() const { return dim_ / m_; }
  int num_bits() const { return num_bits_; }
  size_t num_centroids() const { return size_t{1} << num_bits_; }

  /// \brief [m][2^nbits][sub_dim] floats (Lance's order).
  const std::vector<float>& codebook() const { return codebook_; }
  /// \brief Centroid c of sub-vector s (sub_dim floats).
  const float* centroid(size_t s, size_t c) const {
    return codebook_.data() + (s * num_centroids() + c) * sub_dim();
  }

  /// \brief Nearest (L2) sub-centroid per sub-vector: codes is n x m row-major.
  void Encode(const float* data, size_t n, uint8_t* codes, int num_threads = 0) const;

  /// \brief Reconstruct n vectors from n x m row-major codes.
  void Decode(const uint8_t* codes, size_t n, float* out) const;

  /// \brief ADC table, m x 2^nbits, such that summing table[s][code_s] over s gives the distance:
  ///   kL2 / kCosine: ||q_s - c_s||^2 (squared L2; for cosine the caller normalises first, as
  ///                  Lance does, so the sum is the L2 distance of normalised vectors);
  ///   kDot:          -q_s.c_s, with 1.0 added to sub-vector 0's row, so the sum is 1 - q.c.
  /// Feed it to PqDistanceAccumulate().
  void ComputeDistanceTable(const float* query, MetricType metric, float* table) const;

  /// \brief Row-major n x m codes -> Lance's transposed layout (m rows of n codes).
  static void TransposeCodes(const uint8_t* row_major, size_t n, size_t m, uint8_t* transposed);
  /// \brief Lance's transposed layout -> row-major n x m.
  static void UntransposeCodes(const uint8_t* transposed, size_t n, size_t m, uint8_t* row_major);

 private:
  ProductQuantizer(std::vector<float> codebook, size_t dim, size_t m, int num_bits)
      : codebook_(std::move(codebook)), dim_(dim), m_(m), num_bits_(num_bits) {}

  std::vector<float> codebook_;
  size_t dim_ = 0;
  size_t m_ = 0;
  int num_bits_ = 8;
};

}  // namespace lancet::linalg
