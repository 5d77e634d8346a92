// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The lancet authors
#include "lancet/linalg/pq.h"

#include <algorithm>
#include <cstring>
#include <memory>
#include <random>
#include <string>

#include "lancet/linalg/kmeans_internal.h"

namespace lancet::linalg {

Result<ProductQuantizer> ProductQuantizer::Train(const float* data, size_t n, size_t dim,
                                                 size_t num_sub_vectors, int num_bits,
                                                 const KMeansOptions& options,
                                                 int* max_iterations) {
  if (num_bits != 8) {
    return Status::NotSupported("PQ: only num_bits=8 is supported, got " +
                                std::to_string(num_bits));
  }
  if (num_sub_vectors == 0 || dim == 0 || dim % num_sub_vectors != 0) {
    return Status::InvalidArgument("PQ: dimension " + std::to_string(dim) +
                                   " is not divisible by num_sub_vectors " +
                                   std::to_string(num_sub_vectors));
  }
  if (n == 0) return Status::InvalidArgument("PQ: no training rows");
  const size_t m = num_sub_vectors;
  const size_t sub_dim = dim / m;
  const size_t kc = size_t{1} << num_bits;

  // One shared sample for every sub-quantizer (at least kc rows: smaller inputs are repeated
  // cyclically so k-means has k points; duplicates end up as split, perturbed centroids).
  size_t ns = n;
  if (options.sample_per_centroid > 0) ns = std::min(n, kc * options.sample_per_centroid);
  std::vector<size_t> rows(n);
  for (size_t i = 0; i < n; ++i) rows[i] = i;
  if (ns < n) {
    std::mt19937_64 rng(options.seed ^ 0x9E3779B97F4A7C15ull);
    for (size_t i = 0; i < ns; ++i) {
      std::uniform_int_distribution<size_t> pick(i, n - 1);
      std::swap(rows[i], rows[pick(rng)]);
    }
    rows.resize(ns);
    std::sort(rows.begin(), rows.end());
  }
  const size_t nt = std::max(ns, kc);

  std::vector<float> codebook(m * kc * sub_dim);
  std::vector<Status> statuses(m);
  std::vector<KMeansReport> reports(m);
  KMeansOptions sub_opts = options;
  sub_opts.metric = MetricType::kL2;
  sub_opts.sample_per_centroid = 0;  // already sampled
  sub_opts.num_threads = 1;          // parallel across sub-vectors instead
  internal::ParallelFor(m, ResolveNumThreads(options.num_threads), [&](size_t s, size_t) {
    std::unique_ptr<float[]> sub(new float[nt * sub_dim]);  // fully written below
    for (size_t i = 0; i < nt; ++i) {
      std::memcpy(sub.get() + i * sub_dim, data + rows[i % ns] * dim + s * sub_dim,
                  sub_dim * sizeof(float));
    }
    KMeansOptions o = sub_opts;
    o.seed = options.seed + s;
    o.report = &reports[s];
    Result<std::vector<float>> c = KMeansTrain(sub.get(), nt, sub_dim, kc, o);
    if (!c.ok()) {
      statuses[s] = c.status();
      return;
    }
    std::memcpy(codebook.data() + s * kc * sub_dim, c->data(), kc * sub_dim * sizeof(float));
  });
  for (const Status& st : statuses) LANCET_RETURN_NOT_OK(st);
  if (max_iterations != nullptr) {
    *max_iterations = 0;
    for (const KMeansReport& r : reports) *max_iterations = std::max(*max_iterations, r.iterations);
  }
  return ProductQuantizer(std::move(codebook), dim, m, num_bits);
}

Result<ProductQuantizer> ProductQuantizer::FromCodebook(std::vector<float> codebook, size_t dim,
                                                        size_t num_sub_vectors, int num_bits) {
  if (num_bits != 8) {
    return Status::NotSupported("PQ: only num_bits=8 is supported, got " +
                                std::to_string(num_bits));
  }
  if (num_sub_vectors == 0 || dim == 0 || dim % num_sub_vectors != 0) {
    return Status::InvalidArgument("PQ: dimension " + std::to_string(dim) +
                                   " is not divisible by num_sub_vectors " +
                                   std::to_string(num_sub_vectors));
  }
  const size_t expected = (size_t{1} << num_bits) * dim;
  if (codebook.size() != expected) {
    return Status::InvalidArgument("PQ: codebook has " + std::to_string(codebook.size()) +
                                   " floats, expected 2^nbits * dim = " +
                                   std::to_string(expected));
  }
  return ProductQuantizer(std::move(codebook), dim, num_sub_vectors, num_bits);
}

void ProductQuantizer::Encode(const float* data, size_t n, uint8_t* codes, int num_threads) const {
  if (n == 0) return;
  const DistanceKernels& kern = ActiveKernels();
  const size_t m = m_;
  const size_t sd = sub_dim();
  const size_t kc = num_centroids();
  std::vector<internal::PackedCentroids> packed;
  packed.reserve(m);
  for (size_t s = 0; s < m; ++s) {
    packed.push_back(
        internal::PackCentroids(codebook_.data() + s * kc * sd, kc, sd, MetricType::kL2, kern));
  }
  const size_t rows = internal::kAssignRows;
  const size_t blocks = (n + rows - 1) / rows;
  const size_t blocks_per_task = 32;
  const size_t tasks = (blocks + blocks_per_task - 1) / blocks_per_task;
  const int threads = ResolveNumThreads(num_threads);
  const size_t workers = internal::ParallelWorkers(tasks, threads);
  std::vector<std::unique_ptr<float[]>> scratch(workers), sub(workers);
  for (size_t w = 0; w < workers; ++w) {
    scratch[w].reset(new float[rows * internal::kAssignCols]);
    sub[w].reset(new float[rows * sd]);
  }
  internal::ParallelFor(tasks, threads, [&](size_t t, size_t worker) {
    uint32_t ids[internal::kAssignRows];
    float* subv = sub[worker].get();
    const size_t b_end = std::min(blocks, (t + 1) * blocks_per_task);
    for (size_t b = t * blocks_per_task; b < b_end; ++b) {
      const size_t i0 = b * rows;
      const size_t nx = std::min(rows, n - i0);
      for (size_t s = 0; s < m; ++s) {
        for (size_t i = 0; i < nx; ++i) {
          std::memcpy(subv + i * sd, data + (i0 + i) * dim_ + s * sd, sd * sizeof(float));
        }
        internal::AssignBlock(packed[s], subv, nx, ids, nullptr, scratch[worker].get());
        for (size_t i = 0; i < nx; ++i) codes[(i0 + i) * m + s] = static_cast<uint8_t>(ids[i]);
      }
    }
  });
}

void ProductQuantizer::Decode(const uint8_t* codes, size_t n, float* out) const {
  const size_t sd = sub_dim();
  for (size_t i = 0; i < n; ++i) {
    for (size_t s = 0; s < m_; ++s) {
      std::memcpy(out + i * dim_ + s * sd, centroid(s, codes[i * m_ + s]), sd * sizeof(float));
    }
  }
}

void ProductQuantizer::ComputeDistanceTable(const float* query, MetricType metric,
                                            float* table) const {
  const DistanceKernels& kern = ActiveKernels();
  const size_t sd = sub_dim();
  const size_t kc = num_centroids();
  for (size_t s = 0; s < m_; ++s) {
    const float* q = query + s * sd;
    const float* cb = codebook_.data() + s * kc * sd;
    float* t = table + s * kc;
    if (metric == MetricType::kDot) {
      kern.dot_batch(q, cb, kc, sd, t);
      const float bias = s == 0 ? 1.0f : 0.0f;
      for (size_t c = 0; c < kc; ++c) t[c] = bias - t[c];
    } else {
      kern.l2sq_batch(q, cb, kc, sd, t);
    }
  }
}

void ProductQuantizer::TransposeCodes(const uint8_t* row_major, size_t n, size_t m,
                                      uint8_t* transposed) {
  for (size_t i = 0; i < n; ++i) {
    for (size_t s = 0; s < m; ++s) transposed[s * n + i] = row_major[i * m + s];
  }
}

void ProductQuantizer::UntransposeCodes(const uint8_t* transposed, size_t n, size_t m,
                                        uint8_t* row_major) {
  for (size_t i = 0; i < n; ++i) {
    for (size_t s = 0; s < m; ++s) row_major[i * m + s] = transposed[s * n + i];
  }
}

}  // namespace lancet::linalg
