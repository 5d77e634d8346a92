// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The lancet authors
#include "lancet/index/ivf_pq.h"

#include <algorithm>
#include <chrono>
#include <cstring>
#include <memory>
#include <numeric>
#include <random>

#include "lancet/linalg/kmeans.h"
#include "lancet/linalg/parallel.h"

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

namespace {

class MemoryVectorSource final : public VectorBatchSource {
 public:
  MemoryVectorSource(const float* data, size_t n, size_t dim, const uint64_t* row_ids)
      : data_(data), n_(n), dim_(dim), row_ids_(row_ids) {}
  size_t dim() const override { return dim_; }
  size_t max_rows() const override { return n_; }
  Status ForEach(const std::function<Status(const float*, const uint64_t*, size_t)>& fn)
      const override {
    constexpr size_t kBatch = 16384;
    for (size_t s = 0; s < n_; s += kBatch) {
      LANCET_RETURN_NOT_OK(fn(data_ + s * dim_, row_ids_ + s, std::min(kBatch, n_ - s)));
    }
    return Status::OK();
  }

 private:
  const float* data_;
  size_t n_, dim_;
  const uint64_t* row_ids_;
};

/// Residuals (or, for dot, copies) of `count` rows against their partitions' centroids, in
/// parallel (for cosine the caller passes normalized rows).
void Residuals(MetricType metric, const float* x, size_t count, size_t dim, const uint32_t* part,
               const float* centroids, int threads, float* out) {
  constexpr size_t kRows = 512;
  linalg::ParallelFor((count + kRows - 1) / kRows, threads, [&](size_t t, size_t) {
    const size_t e = std::min(count, (t + 1) * kRows);
    for (size_t i = t * kRows; i < e; ++i) {
      Residual(metric, x + i * dim, centroids + size_t{part[i]} * dim, dim, out + i * dim);
    }
  });
}

class Stopwatch {
 public:
  double Lap() {
    const auto now = std::chrono::steady_clock::now();
    const double s = std::chrono::duration<double>(now - t_).count();
    t_ = now;
    return s;
  }

 private:
  std::chrono::steady_clock::time_point t_ = std::chrono::steady_clock::now();
};

}  // namespace

std::vector<std::pair<const char*, double>> BuildPhases(const IvfPqBuildStats& s) {
  return {{"sample_pass", s.sample_seconds}, {"ivf_kmeans", s.ivf_train_seconds},
          {"pq_kmeans", s.pq_train_seconds}, {"read_pass2", s.scan_seconds},
          {"assign", s.assign_seconds},      {"encode", s.encode_seconds},
          {"group", s.group_seconds},        {"write_commit", s.write_seconds}};
}

Result<IvfPqModel> BuildIvfPq(const VectorBatchSource& source, const IvfPqBuildOptions& options,
                              IvfPqBuildStats* stats) {
  IvfPqBuildStats local_stats;
  IvfPqBuildStats& st = stats != nullptr ? *stats : local_stats;
  st = IvfPqBuildStats{};
  Stopwatch clock;

  const size_t dim = source.dim();
  const size_t p = options.num_partitions;
  const size_t m = options.num_sub_vectors;
  if (dim == 0) return Status::InvalidArgument("IVF_PQ: vectors of dimension 0");
  if (p == 0) return Status::InvalidArgument("IVF_PQ: 0 partitions");
  if (m == 0 || dim % m != 0) {
    return Status::InvalidArgument("IVF_PQ: dimension " + std::to_string(dim) +
                                   " is not a multiple of num_sub_vectors " + std::to_string(m));
  }
  const int threads = linalg::ResolveNumThreads(options.num_threads);
  const MetricType metric = options.metric;
  const size_t rate = static_cast<size_t>(std::max(1, options.sample_rate));

  // Pass 1: a uniform sample (reservoir, algorithm R) of up to p * rate rows for the partition
  // k-means; every row is checked for NaN / infinity on the way.
  const size_t cap = std::min(p * rate, source.max_rows());
  std::unique_ptr<float[]> sample;  // not zero-filled: slots are written before they are read
  size_t n = 0;
  std::mt19937_64 rng(options.seed);
  LANCET_RETURN_NOT_OK(source.ForEach([&](const float* v, const uint64_t*, size_t count) -> Status {
    const size_t bad = linalg::FirstNonFiniteRow(v, count, dim);
    if (bad < count) {
      return Status::InvalidArgument("IVF_PQ: vector " + std::to_string(n + bad) +
                                     " contains NaN or infinity");
    }
    if (!sample) sample.reset(new float[cap * dim]);
    for (size_t i = 0; i < count; ++i, ++n) {
      size_t slot = n;
      if (n >= cap) {
        std::uniform_int_distribution<size_t> u(0, n);
        slot = u(rng);
        if (slot >= cap) continue;
      }
      std::memcpy(sample.get() + slot * dim, v + i * dim, dim * sizeof(float));
    }
    return Status::OK();
  }));
  if (n == 0) return Status::InvalidArgument("IVF_PQ: no vectors to index");
  if (p > n) {
    return Status::InvalidArgument("IVF_PQ: " + std::to_string(p) + " partitions for " +
                                   std::to_string(n) + " rows");
  }
  const size_t ns = std::min(n, cap);
  // Cosine works on normalized vectors.
  if (metric == MetricType::kCosine) linalg::NormalizeRows(sample.get(), ns, dim);
  st.rows = n;
  st.ivf_sample_rows = ns;
  st.sample_seconds = clock.Lap();

  IvfPqModel model;
  model.metric = metric;
  model.dim = static_cast<uint32_t>(dim);
  model.num_sub_vectors = static_cast<uint32_t>(m);
  model.num_bits = 8;

  linalg::KMeansOptions km;
  km.max_iters = options.max_iters;
  km.seed = options.seed;
  km.sample_per_centroid = 0;  // already sampled
  km.num_threads = threads;
  km.metric = metric;
  km.report = &st.ivf_kmeans;
  LANCET_ASSIGN_OR_RETURN(model.centroids, linalg::KMeansTrain(sample.get(), ns, dim, p, km));
  st.ivf_train_seconds = clock.Lap();

  // PQ training rows: residuals of up to 256 * rate rows of the sample (a uniform sample of a
  // uniform sample), against the final centroids.
  const size_t nq = std::min(ns, size_t{256} * rate);
  {
    std::vector<size_t> pick(ns);
    std::iota(pick.begin(), pick.end(), size_t{0});
    if (nq < ns) {
      std::mt19937_64 prng(options.seed + 1);
      for (size_t i = 0; i < nq; ++i) {
        std::uniform_int_distribution<size_t> u(i, ns - 1);
        std::swap(pick[i], pick[u(prng)]);
      }
      pick.resize(nq);
      std::sort(pick.begin(), pick.end());
      // Compact the picked rows to the front of the sample (ascending, so in place).
      for (size_t i = 0; i < nq; ++i) {
        if (pick[i] != i) {
          std::memcpy(sample.get() + i * dim, sample.get() + pick[i] * dim, dim * sizeof(float));
        }
      }
    }
  }
  std::vector<uint32_t> part(nq);
  linalg::AssignNearest(sample.get(), nq, model.centroids.data(), p, dim, metric, part.data(),
                        nullptr, threads);
  std::unique_ptr<float[]> train(new float[nq * dim]);
  Residuals(metric, sample.get(), nq, dim, part.data(), model.centroids.data(), threads,
            train.get());
  sample.reset();
  linalg::KMeansOptions pq_km = km;
  pq_km.metric = MetricType::kL2;
  pq_km.report = nullptr;
  LANCET_ASSIGN_OR_RETURN(auto pq, linalg::ProductQuantizer::Train(train.get(), nq, dim, m, 8,
                                                                     pq_km,
                                                                     &st.pq_max_iterations));
  train.reset();
  model.codebook = pq.codebook();
  st.pq_sample_rows = nq;
  st.pq_train_seconds = clock.Lap();

  // Pass 2: every row to its partition and its PQ code (row-major), in source order.
  std::vector<uint32_t> assign;
  std::vector<uint64_t> ids;
  std::vector<uint8_t> row_codes;
  assign.reserve(n);
  ids.reserve(n);
  row_codes.reserve(n * m);
  std::vector<float> dist, norm, resid;
  double loss = 0;
  size_t seen = 0;
  LANCET_RETURN_NOT_OK(source.ForEach([&](const float* v, const uint64_t* rid,
                                          size_t count) -> Status {
    if (seen + count > n) {
      return Status::Internal("IVF_PQ: the rows changed between the build's two passes");
    }
    st.scan_seconds += clock.Lap();
    const float* x = v;
    if (metric == MetricType::kCosine) {
      norm.assign(v, v + count * dim);
      linalg::NormalizeRows(norm.data(), count, dim);
      x = norm.data();
    }
    assign.resize(seen + count);
    dist.resize(count);
    linalg::AssignNearest(x, count, model.centroids.data(), p, dim, metric,
                          assign.data() + seen, dist.data(), threads);
    for (size_t i = 0; i < count; ++i) loss += dist[i];
    st.assign_seconds += clock.Lap();
    resid.resize(count * dim);
    Residuals(metric, x, count, dim, assign.data() + seen, model.centroids.data(), threads,
              resid.data());
    row_codes.resize((seen + count) * m);
    pq.Encode(resid.data(), count, row_codes.data() + seen * m, threads);
    ids.insert(ids.end(), rid, rid + count);
    seen += count;
    st.encode_seconds += clock.Lap();
    return Status::OK();
  }));
  st.scan_seconds += clock.Lap();
  if (seen != n) return Status::Internal("IVF_PQ: the rows changed between the build's two passes");
  model.loss = loss;
  resid = {};
  norm = {};

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
  linalg::ParallelFor(p, threads, [&](size_t part_id, size_t) {
    const uint64_t off = model.offsets[part_id], len = model.lengths[part_id];
    uint8_t* dst = model.codes.data() + off * m;
    for (uint64_t i = 0; i < len; ++i) {
      const size_t r = order[off + i];
      model.row_ids[off + i] = ids[r];
      for (size_t s = 0; s < m; ++s) dst[s * len + i] = row_codes[r * m + s];
    }
  });
  st.group_seconds = clock.Lap();
  LANCET_RETURN_NOT_OK(model.Validate());
  return model;
}

Result<IvfPqModel> BuildIvfPq(const float* data, size_t n, size_t dim, const uint64_t* row_ids,
                              const IvfPqBuildOptions& options, IvfPqBuildStats* stats) {
  if (n == 0 || dim == 0) return Status::InvalidArgument("IVF_PQ: no vectors to index");
  return BuildIvfPq(MemoryVectorSource(data, n, dim, row_ids), options, stats);
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
