// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The lancet authors
#include "lancet/linalg/kmeans.h"

#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>
#include <memory>
#include <random>
#include <string>
#include <system_error>
#include <thread>

#include "lancet/linalg/kmeans_internal.h"

namespace lancet::linalg {
namespace internal {

PackedCentroids PackCentroids(const float* centroids, size_t k, size_t dim, MetricType metric,
                              const DistanceKernels& kernels) {
  PackedCentroids c;
  c.kernels = &kernels;
  c.metric = metric;
  c.k = k;
  c.dim = dim;
  c.packed.resize(PackedPanelsSize(k, dim, kernels.panel_width));
  PackPanels(centroids, k, dim, kernels.panel_width, c.packed.data());
  c.bias.assign(k, 0.0f);
  c.mult.assign(k, -1.0f);
  if (metric == MetricType::kL2) {
    kernels.norm_l2sq_batch(centroids, k, dim, c.bias.data());
    std::fill(c.mult.begin(), c.mult.end(), -2.0f);
  } else if (metric == MetricType::kCosine) {
    std::vector<float> norms(k);
    kernels.norm_l2sq_batch(centroids, k, dim, norms.data());
    for (size_t j = 0; j < k; ++j) c.mult[j] = norms[j] > 0.0f ? -1.0f / std::sqrt(norms[j]) : 0.0f;
  }
  return c;
}

void AssignBlock(const PackedCentroids& c, const float* x, size_t nx, uint32_t* ids, float* dist,
                 float* scratch) {
  const DistanceKernels& kern = *c.kernels;
  const size_t w = kern.panel_width;
  float best[kAssignRows];
  uint32_t best_id[kAssignRows];
  for (size_t i = 0; i < nx; ++i) {
    best[i] = std::numeric_limits<float>::infinity();
    best_id[i] = 0;
  }
  // Centroid chunks of kAssignCols (a multiple of every panel width) keep scratch small.
  for (size_t j0 = 0; j0 < c.k; j0 += kAssignCols) {
    const size_t nc = std::min(kAssignCols, c.k - j0);
    const float* panels = c.packed.data() + (j0 / w) * w * c.dim;
    kern.dot_block_packed(x, nx, panels, nc, c.dim, scratch, kAssignCols);
    for (size_t i = 0; i < nx; ++i) {
      kern.argmin_affine(scratch + i * kAssignCols, c.bias.data() + j0, c.mult.data() + j0, nc,
                         static_cast<uint32_t>(j0), &best[i], &best_id[i]);
    }
  }
  for (size_t i = 0; i < nx; ++i) {
    ids[i] = best_id[i];
    if (dist == nullptr) continue;
    const float* row = x + i * c.dim;
    switch (c.metric) {
      case MetricType::kL2:
        dist[i] = std::max(0.0f, kern.norm_l2sq(row, c.dim) + best[i]);
        break;
      case MetricType::kCosine: {
        // best = -x.c/|c| (0 for a zero centroid) -> 1 - cos
        const float xn = std::sqrt(kern.norm_l2sq(row, c.dim));
        dist[i] = xn > 0.0f ? 1.0f + best[i] / xn : 1.0f;
        break;
      }
      case MetricType::kDot:
        dist[i] = 1.0f + best[i];
        break;
    }
  }
}

}  // namespace internal

size_t ParallelWorkers(size_t num_tasks, int num_threads) {
  return std::max<size_t>(1, std::min(static_cast<size_t>(std::max(num_threads, 1)), num_tasks));
}

void ParallelFor(size_t num_tasks, int num_threads,
                 const std::function<void(size_t task, size_t worker)>& fn) {
  const size_t workers = ParallelWorkers(num_tasks, num_threads);
  if (workers <= 1) {
    for (size_t t = 0; t < num_tasks; ++t) fn(t, 0);
    return;
  }
  std::atomic<size_t> next{0};
  auto work = [&](size_t worker) {
    for (size_t t = next.fetch_add(1); t < num_tasks; t = next.fetch_add(1)) fn(t, worker);
  };
  std::vector<std::thread> pool;
  pool.reserve(workers - 1);
  for (size_t w = 1; w < workers; ++w) {
    try {
      pool.emplace_back(work, w);
    } catch (const std::system_error&) {
      break;  // run with fewer threads
    }
  }
  work(0);
  for (std::thread& t : pool) t.join();
}

namespace {

// Uniform sample of `count` distinct row indices out of n (sorted, for locality).
std::vector<size_t> SampleRows(size_t n, size_t count, std::mt19937_64& rng) {
  std::vector<size_t> idx(n);
  for (size_t i = 0; i < n; ++i) idx[i] = i;
  for (size_t i = 0; i < count; ++i) {
    std::uniform_int_distribution<size_t> pick(i, n - 1);
    std::swap(idx[i], idx[pick(rng)]);
  }
  idx.resize(count);
  std::sort(idx.begin(), idx.end());
  return idx;
}

// k-means++ seeding on (a subsample of) x; writes k x dim centroids.
void SeedPlusPlus(const float* x, size_t n, size_t dim, size_t k, std::mt19937_64& rng,
                  const DistanceKernels& kern, int threads, float* centroids) {
  // D^2 sampling costs k passes over the candidates: cap them at 16 per centroid (they stay in
  // cache), which is what makes ++ seeding affordable at k = 256, dim = 512.
  const size_t cap = std::max<size_t>(k * 16, 1024);
  std::unique_ptr<float[]> sub_buf;  // not zero-filled: every float is copied in
  const float* cand = x;
  size_t nc = n;
  if (n > cap) {
    const std::vector<size_t> rows = SampleRows(n, cap, rng);
    sub_buf.reset(new float[cap * dim]);
    for (size_t i = 0; i < cap; ++i) {
      std::memcpy(sub_buf.get() + i * dim, x + rows[i] * dim, dim * sizeof(float));
    }
    cand = sub_buf.get();
    nc = cap;
  }
  std::vector<float> d2(nc, std::numeric_limits<float>::infinity());
  std::vector<float> tmp(nc);
  std::uniform_int_distribution<size_t> first(0, nc - 1);
  size_t chosen = first(rng);
  for (size_t c = 0; c < k; ++c) {
    std::memcpy(centroids + c * dim, cand + chosen * dim, dim * sizeof(float));
    if (c + 1 == k) break;
    // One distance pass per centroid; split across threads when it is large enough to pay.
    constexpr size_t kSeedChunk = 4096;
    const size_t chunks = nc * dim >= (size_t{1} << 20) ? (nc + kSeedChunk - 1) / kSeedChunk : 1;
    const size_t chunk_rows = (nc + chunks - 1) / chunks;
    ParallelFor(chunks, threads, [&](size_t t, size_t) {
      const size_t b = t * chunk_rows;
      const size_t e = std::min(nc, b + chunk_rows);
      if (b < e) kern.l2sq_batch(centroids + c * dim, cand + b * dim, e - b, dim, tmp.data() + b);
    });
    double total = 0.0;
    for (size_t i = 0; i < nc; ++i) {
      d2[i] = std::min(d2[i], tmp[i]);
      total += d2[i];
    }
    if (!(total > 0.0)) {  // all remaining candidates coincide with a centroid
      std::uniform_int_distribution<size_t> any(0, nc - 1);
      chosen = any(rng);
      continue;
    }
    std::uniform_real_distribution<double> u(0.0, total);
    double r = u(rng);
    chosen = nc - 1;
    for (size_t i = 0; i < nc; ++i) {
      r -= d2[i];
      if (r <= 0.0 && d2[i] > 0.0f) {
        chosen = i;
        break;
      }
    }
  }
}

// Split the largest clusters into the empty ones (faiss-style symmetric perturbation).
void RepairEmptyClusters(std::vector<float>& centroids, std::vector<size_t>& counts, size_t dim) {
  constexpr float kEps = 1.0f / 1024.0f;
  const size_t k = counts.size();
  for (size_t e = 0; e < k; ++e) {
    if (counts[e] != 0) continue;
    const size_t big =
        static_cast<size_t>(std::max_element(counts.begin(), counts.end()) - counts.begin());
    if (counts[big] < 2) return;  // nothing left to split
    float* ce = centroids.data() + e * dim;
    float* cb = centroids.data() + big * dim;
    for (size_t j = 0; j < dim; ++j) {
      const float v = cb[j];
      const float delta = kEps * (std::fabs(v) > 1e-12f ? v : 1e-6f);
      if (j % 2 == 0) {
        ce[j] = v + delta;
        cb[j] = v - delta;
      } else {
        ce[j] = v - delta;
        cb[j] = v + delta;
      }
    }
    counts[e] = counts[big] / 2;
    counts[big] -= counts[e];
  }
}

}  // namespace

size_t FirstNonFiniteRow(const float* data, size_t rows, size_t dim) {
  // Exponent bits all set = NaN or infinity; OR-reduced per row so the loop vectorizes.
  for (size_t r = 0; r < rows; ++r) {
    const float* row = data + r * dim;
    uint32_t bad = 0;
    for (size_t j = 0; j < dim; ++j) {
      uint32_t bits;
      std::memcpy(&bits, row + j, sizeof(bits));
      bad |= static_cast<uint32_t>((bits & 0x7f800000u) == 0x7f800000u);
    }
    if (bad != 0) return r;
  }
  return rows;
}

int ResolveNumThreads(int num_threads) {
  if (num_threads > 0) return num_threads;
  const unsigned hw = std::thread::hardware_concurrency();
  return hw == 0 ? 1 : static_cast<int>(hw);
}

void AssignNearest(const float* data, size_t n, const float* centroids, size_t k, size_t dim,
                   MetricType metric, uint32_t* out_ids, float* out_dist, int num_threads) {
  if (n == 0 || k == 0) return;
  const DistanceKernels& kern = ActiveKernels();
  const internal::PackedCentroids packed =
      internal::PackCentroids(centroids, k, dim, metric, kern);
  const size_t rows = internal::kAssignRows;
  const size_t blocks = (n + rows - 1) / rows;
  const int threads = ResolveNumThreads(num_threads);
  // Tasks are runs of row blocks; scratch is per worker and not zero-filled.
  const size_t blocks_per_task = 16;
  const size_t tasks = (blocks + blocks_per_task - 1) / blocks_per_task;
  const size_t workers = internal::ParallelWorkers(tasks, threads);
  std::vector<std::unique_ptr<float[]>> scratch(workers);
  for (auto& s : scratch) s.reset(new float[rows * internal::kAssignCols]);
  internal::ParallelFor(tasks, threads, [&](size_t t, size_t worker) {
    const size_t b_end = std::min(blocks, (t + 1) * blocks_per_task);
    for (size_t b = t * blocks_per_task; b < b_end; ++b) {
      const size_t i0 = b * rows;
      const size_t nx = std::min(rows, n - i0);
      internal::AssignBlock(packed, data + i0 * dim, nx, out_ids + i0,
                            out_dist == nullptr ? nullptr : out_dist + i0, scratch[worker].get());
    }
  });
}

Result<std::vector<float>> KMeansTrain(const float* data, size_t n, size_t dim, size_t k,
                                       const KMeansOptions& options) {
  if (k == 0 || dim == 0) return Status::InvalidArgument("kmeans: k and dim must be positive");
  if (n < k) {
    return Status::InvalidArgument("kmeans: need at least k=" + std::to_string(k) +
                                   " rows, got " + std::to_string(n));
  }
  if (k > std::numeric_limits<uint32_t>::max()) {
    return Status::InvalidArgument("kmeans: k too large");
  }
  if (const size_t bad = FirstNonFiniteRow(data, n, dim); bad < n) {
    return Status::InvalidArgument("kmeans: input contains NaN or infinity at row " +
                                   std::to_string(bad));
  }
  const DistanceKernels& kern = ActiveKernels();
  const int threads = ResolveNumThreads(options.num_threads);
  std::mt19937_64 rng(options.seed);

  // Training set: a uniform sample capped at k * sample_per_centroid rows.
  // (Buffers are not zero-filled: every float is copied in; at 100k x 512 that saves a pass.)
  std::unique_ptr<float[]> train_buf;
  const float* x = data;
  size_t ns = n;
  if (options.sample_per_centroid > 0 && k * options.sample_per_centroid < n) {
    ns = k * options.sample_per_centroid;
    const std::vector<size_t> rows = SampleRows(n, ns, rng);
    train_buf.reset(new float[ns * dim]);
    for (size_t i = 0; i < ns; ++i) {
      std::memcpy(train_buf.get() + i * dim, data + rows[i] * dim, dim * sizeof(float));
    }
    x = train_buf.get();
  }
  const bool cosine = options.metric == MetricType::kCosine;
  if (cosine) {
    if (!train_buf) {
      train_buf.reset(new float[n * dim]);
      std::memcpy(train_buf.get(), data, n * dim * sizeof(float));
    }
    NormalizeRows(train_buf.get(), ns, dim);
    x = train_buf.get();
  }

  std::vector<float> centroids(k * dim);
  if (options.kmeans_plus_plus) {
    SeedPlusPlus(x, ns, dim, k, rng, kern, threads, centroids.data());
  } else {
    const std::vector<size_t> rows = SampleRows(ns, k, rng);
    for (size_t c = 0; c < k; ++c) {
      std::memcpy(centroids.data() + c * dim, x + rows[c] * dim, dim * sizeof(float));
    }
  }

  std::vector<uint32_t> ids(ns);
  std::vector<float> dist(ns);
  std::vector<double> sums(k * dim);
  std::vector<size_t> counts(k);
  double prev_objective = std::numeric_limits<double>::infinity();
  if (options.report != nullptr) *options.report = KMeansReport{};
  // Dimension slices for the update step: each thread sums every row over its own columns, in
  // row order, so the result does not depend on the thread count.
  const size_t slice = std::max<size_t>(16, (dim + threads - 1) / threads);
  const size_t num_slices = (dim + slice - 1) / slice;
  for (int iter = 0; iter < std::max(options.max_iters, 1); ++iter) {
    AssignNearest(x, ns, centroids.data(), k, dim, options.metric, ids.data(), dist.data(),
                  threads);
    double objective = 0.0;
    for (size_t i = 0; i < ns; ++i) objective += dist[i];
    if (options.report != nullptr) {
      options.report->iterations = iter + 1;
      options.report->objective = objective;
    }

    std::fill(counts.begin(), counts.end(), 0);
    for (size_t i = 0; i < ns; ++i) ++counts[ids[i]];
    std::fill(sums.begin(), sums.end(), 0.0);
    internal::ParallelFor(num_slices, threads, [&](size_t s, size_t) {
      const size_t d0 = s * slice;
      const size_t d1 = std::min(dim, d0 + slice);
      for (size_t i = 0; i < ns; ++i) {
        double* acc = sums.data() + ids[i] * dim;
        const float* row = x + i * dim;
        for (size_t j = d0; j < d1; ++j) acc[j] += row[j];
      }
    });
    for (size_t c = 0; c < k; ++c) {
      if (counts[c] == 0) continue;
      const double inv = 1.0 / static_cast<double>(counts[c]);
      float* dst = centroids.data() + c * dim;
      const double* src = sums.data() + c * dim;
      for (size_t j = 0; j < dim; ++j) dst[j] = static_cast<float>(src[j] * inv);
    }
    RepairEmptyClusters(centroids, counts, dim);
    if (cosine) NormalizeRows(centroids.data(), k, dim);

    const bool converged = prev_objective < std::numeric_limits<double>::infinity() &&
                           prev_objective - objective <= options.tol * std::fabs(prev_objective);
    prev_objective = objective;
    if (converged) break;
  }
  return centroids;
}

}  // namespace lancet::linalg
