// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The lancet authors
#include "lancet/index/ivf_pq.h"

#include <algorithm>
#include <cstring>
#include <numeric>
#include <random>
#include <thread>

#include "lancet/linalg/kmeans.h"

namespace lancet::index {

using linalg::MetricType;

namespace {

/// Residual (or, for dot, the vector itself) of row x against centroid c.
void Residual(MetricType metric, const float* x, const float* c, size_t dim, float* out) {
  if (metric == MetricType::kDot) {
    std::memcpy(out, x, dim * sizeof(float));
    return;
  }
  for (size_t j = 0; j < dim; ++j) out[j] = x[j] - c[j];
}

}  // namespace

Result<IvfPqModel> BuildIvfPq(const float* data, size_t n, size_t dim, const uint64_t* row_ids,
                              const IvfPqBuildOptions& options) {
  const size_t p = options.num_partitions;
  const size_t m = options.num_sub_vectors;
  if (n == 0 || dim == 0) return Status::InvalidArgument("IVF_PQ: no vectors to index");
  if (p == 0 || p > n) {
    return Status::InvalidArgument("IVF_PQ: " + std::to_string(p) + " partitions for " +
                                   std::to_string(n) + " rows");
  }
  if (m == 0 || dim % m != 0) {
    return Status::InvalidArgument("IVF_PQ: dimension " + std::to_string(dim) +
                                   " is not a multiple of num_sub_vectors " + std::to_string(m));
  }
  const int threads = linalg::ResolveNumThreads(options.num_threads);
  const MetricType metric = options.metric;

  // Cosine works on normalized vectors.
  std::vector<float> normalized;
  const float* x = data;
  if (metric == MetricType::kCosine) {
    normalized.assign(data, data + n * dim);
    linalg::NormalizeRows(normalized.data(), n, dim);
    x = normalized.data();
  }

  IvfPqModel model;
  model.metric = metric;
  model.dim = static_cast<uint32_t>(dim);
  model.num_sub_vectors = static_cast<uint32_t>(m);
  model.num_bits = 8;

  linalg::KMeansOptions km;
  km.max_iters = options.max_iters;
  km.seed = options.seed;
  km.sample_per_centroid = static_cast<size_t>(std::max(1, options.sample_rate));
  km.num_threads = threads;
  km.metric = metric;
  LANCET_ASSIGN_OR_RETURN(model.centroids, linalg::KMeansTrain(x, n, dim, p, km));

  std::vector<uint32_t> assign(n);
  std::vector<float> assign_dist(n);
  linalg::AssignNearest(x, n, model.centroids.data(), p, dim, metric, assign.data(),
                        assign_dist.data(), threads);
  double loss = 0;
  for (float d : assign_dist) loss += d;
  model.loss = loss;

  // PQ training sample: residuals of up to 256 * sample_rate rows.
  const size_t sample = std::min(n, size_t{256} * km.sample_per_centroid);
  std::vector<size_t> pick(n);
  std::iota(pick.begin(), pick.end(), size_t{0});
  if (sample < n) {
    std::mt19937_64 rng(options.seed + 1);
    for (size_t i = 0; i < sample; ++i) {
      std::uniform_int_distribution<size_t> u(i, n - 1);
      std::swap(pick[i], pick[u(rng)]);
    }
    pick.resize(sample);
    std::sort(pick.begin(), pick.end());
  }
  std::vector<float> train(sample * dim);
  for (size_t i = 0; i < sample; ++i) {
    const size_t r = pick[i];
    Residual(metric, x + r * dim, model.centroids.data() + size_t{assign[r]} * dim, dim,
             train.data() + i * dim);
  }
  linalg::KMeansOptions pq_km = km;
  pq_km.metric = MetricType::kL2;
  pq_km.sample_per_centroid = 0;  // already sampled
  LANCET_ASSIGN_OR_RETURN(auto pq, linalg::ProductQuantizer::Train(train.data(), sample, dim, m,
                                                                     8, pq_km));
  train = {};
  model.codebook = pq.codebook();

  // Encode every row (residuals in chunks), row-major.
  std::vector<uint8_t> row_codes(n * m);
  {
    constexpr size_t kChunk = 8192;
    std::vector<float> buf(kChunk * dim);
    for (size_t s = 0; s < n; s += kChunk) {
      const size_t e = std::min(n, s + kChunk);
      for (size_t i = s; i < e; ++i) {
        Residual(metric, x + i * dim, model.centroids.data() + size_t{assign[i]} * dim, dim,
                 buf.data() + (i - s) * dim);
      }
      pq.Encode(buf.data(), e - s, row_codes.data() + s * m, threads);
    }
  }

  // Group rows by partition (stable), transpose codes per partition.
  model.lengths.assign(p, 0);
  for (uint32_t a : assign) model.lengths[a]++;
  model.offsets.assign(p, 0);
  for (size_t i = 1; i < p; ++i) model.offsets[i] = model.offsets[i - 1] + model.lengths[i - 1];
  std::vector<uint64_t> cursor = model.offsets;
  std::vector<size_t> order(n);
  for (size_t i = 0; i < n; ++i) order[cursor[assign[i]]++] = i;
  model.row_ids.resize(n);
  model.codes.resize(n * m);
  for (size_t part = 0; part < p; ++part) {
    const uint64_t off = model.offsets[part], len = model.lengths[part];
    uint8_t* dst = model.codes.data() + off * m;
    for (uint64_t i = 0; i < len; ++i) {
      const size_t r = order[off + i];
      model.row_ids[off + i] = row_ids[r];
      for (size_t s = 0; s < m; ++s) dst[s * len + i] = row_codes[r * m + s];
    }
  }
  LANCET_RETURN_NOT_OK(model.Validate());
  return model;
}

Result<std::shared_ptr<const IvfPqIndex>> IvfPqIndex::Make(IvfPqModel model) {
  LANCET_RETURN_NOT_OK(model.Validate());
  LANCET_ASSIGN_OR_RETURN(auto pq, linalg::ProductQuantizer::FromCodebook(
                                       model.codebook, model.dim, model.num_sub_vectors, 8));
  return std::shared_ptr<const IvfPqIndex>(new IvfPqIndex(std::move(model), std::move(pq)));
}

std::vector<linalg::ScoredId> IvfPqIndex::Search(const float* query, size_t k, uint32_t nprobes,
                                                 const std::function<bool(uint64_t)>& allow) const {
  const IvfPqModel& md = model_;
  const size_t dim = md.dim, m = md.num_sub_vectors;
  const uint32_t p = md.num_partitions();
  std::vector<float> q(query, query + dim);
  if (md.metric == MetricType::kCosine) linalg::NormalizeRows(q.data(), 1, dim);

  // Partitions to probe: nearest centroids (cosine: L2 on normalized vectors ranks the same as
  // cosine when the centroids are normalized; use the cosine distance itself to be safe).
  std::vector<float> cd(p);
  linalg::DistanceBatch(md.metric, q.data(), md.centroids.data(), p, dim, cd.data());
  std::vector<linalg::ScoredId> probes = linalg::SelectTopK(cd.data(), p, std::max(1u, nprobes));

  const MetricType table_metric =
      md.metric == MetricType::kDot ? MetricType::kDot : MetricType::kL2;
  linalg::TopK top(k);
  std::vector<float> table(m * 256), rq(dim), dist;
  for (const linalg::ScoredId& probe : probes) {
    const uint32_t part = static_cast<uint32_t>(probe.id);
    const uint64_t len = md.lengths[part];
    if (len == 0) continue;
    Residual(md.metric, q.data(), md.centroid(part), dim, rq.data());
    pq_.ComputeDistanceTable(rq.data(), table_metric, table.data());
    dist.resize(len);
    linalg::PqDistanceAccumulate(table.data(), md.partition_codes(part), len, m, dist.data());
    const uint64_t* ids = md.row_ids.data() + md.offsets[part];
    if (allow) {
      for (uint64_t i = 0; i < len; ++i) {
        if (dist[i] <= top.Threshold() && allow(ids[i])) top.Push(dist[i], ids[i]);
      }
    } else {
      top.PushBatch(dist.data(), ids, len);
    }
  }
  return top.Finish();
}

}  // namespace lancet::index
