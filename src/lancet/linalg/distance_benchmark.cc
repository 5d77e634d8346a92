// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The lancet authors
//
// Micro benchmarks of the linalg hot paths, per SIMD level where it matters:
//   - the flat-search batch kernels over 100k x 512 float32 (205 MB, larger than any cache),
//     against a read-bandwidth floor (an integer XOR over the same bytes) and memcpy;
//   - PQ ADC accumulation (100k rows, 32 sub-vectors);
//   - the blocked k-means assignment (65536 x 512 against 256 centroids) and a full
//     KMeansTrain / PQ train+encode at the issue-5 sizes (100k x 512, k = 256, m = 32).
// bytes_per_second of the batch kernels is the data streamed (n * dim * 4).
#include <benchmark/benchmark.h>

#include <cstdint>
#include <cstring>
#include <vector>

#include "lancet/core/memory.h"
#include "lancet/linalg/distance.h"
#include "lancet/linalg/kmeans.h"
#include "lancet/linalg/pq.h"
#include "lancet/linalg/simd.h"

namespace lancet::linalg {
namespace {

constexpr size_t kRows = 100000;
constexpr size_t kDim = 512;

// Cheap deterministic pseudo-gaussian data (sum of 4 uniforms), generated once.
// 64-byte aligned (as the vector cache is): a malloc()ed block sits 16 bytes past a page
// boundary, so every 64-byte load of a row would straddle two cache lines.
using AlignedFloats = std::vector<float, LargeAllocator<float>>;

const AlignedFloats& Dataset() {
  static const AlignedFloats data = [] {
    AlignedFloats v(kRows * kDim);
    uint64_t s = 0x9E3779B97F4A7C15ull;
    for (float& f : v) {
      float acc = 0.0f;
      for (int r = 0; r < 4; ++r) {
        s = s * 6364136223846793005ull + 1442695040888963407ull;
        acc += static_cast<float>(s >> 40) * (1.0f / 16777216.0f);
      }
      f = acc - 2.0f;
    }
    return v;
  }();
  return data;
}

void BM_ReadBandwidthFloor(benchmark::State& state) {
  const AlignedFloats& data = Dataset();
  const size_t words = data.size() / 2;
  for (auto _ : state) {
    // XOR of every 8-byte word into 8 independent accumulators: a few integer ops per cache
    // line, so this is bound by memory reads only: the floor any flat scan has to pay.
    uint64_t acc[8] = {0, 0, 0, 0, 0, 0, 0, 0};
    const char* p = reinterpret_cast<const char*>(data.data());
    for (size_t i = 0; i + 8 <= words; i += 8) {
      for (int j = 0; j < 8; ++j) {
        uint64_t w;
        std::memcpy(&w, p + (i + j) * 8, 8);
        acc[j] ^= w;
      }
    }
    benchmark::DoNotOptimize(acc);
  }
  state.SetBytesProcessed(state.iterations() * static_cast<int64_t>(data.size() * 4));
}
BENCHMARK(BM_ReadBandwidthFloor)->Unit(benchmark::kMillisecond);

void BM_Memcpy(benchmark::State& state) {
  const AlignedFloats& data = Dataset();
  std::vector<float> dst(data.size());
  for (auto _ : state) {
    std::memcpy(dst.data(), data.data(), data.size() * sizeof(float));
    benchmark::DoNotOptimize(dst.data());
  }
  state.SetBytesProcessed(state.iterations() * static_cast<int64_t>(data.size() * 4));
}
BENCHMARK(BM_Memcpy)->Unit(benchmark::kMillisecond);

// range(0) = SimdLevel, range(1) = 0 l2, 1 dot, 2 cosine.
void BM_DistanceBatch(benchmark::State& state) {
  const SimdLevel level = static_cast<SimdLevel>(state.range(0));
  if (level > DetectedSimdLevel()) {
    state.SkipWithError("SIMD level not supported by this CPU");
    return;
  }
  const DistanceKernels& k = KernelsFor(level);
  const AlignedFloats& data = Dataset();
  std::vector<float> query(data.begin() + 7 * kDim, data.begin() + 8 * kDim);
  std::vector<float> out(kRows);
  auto fn = state.range(1) == 0 ? k.l2sq_batch : state.range(1) == 1 ? k.dot_batch
                                                                     : k.cosine_batch;
  for (auto _ : state) {
    fn(query.data(), data.data(), kRows, kDim, out.data());
    benchmark::DoNotOptimize(out.data());
  }
  state.SetLabel(std::string(SimdLevelName(level)) + "/" +
                 (state.range(1) == 0 ? "l2" : state.range(1) == 1 ? "dot" : "cosine"));
  state.SetBytesProcessed(state.iterations() * static_cast<int64_t>(kRows * kDim * 4));
}
BENCHMARK(BM_DistanceBatch)
    ->ArgsProduct({{0, 1, 2}, {0}})
    ->Args({2, 1})
    ->Args({2, 2})
    ->Unit(benchmark::kMillisecond);

// Small dimensions: IVF centroid search (k = 256 partitions) and PQ tables (sub_dim 16).
void BM_DistanceBatchSmall(benchmark::State& state) {
  const SimdLevel level = static_cast<SimdLevel>(state.range(0));
  const size_t dim = static_cast<size_t>(state.range(1));
  if (level > DetectedSimdLevel()) {
    state.SkipWithError("SIMD level not supported by this CPU");
    return;
  }
  const DistanceKernels& k = KernelsFor(level);
  const AlignedFloats& data = Dataset();
  std::vector<float> out(256);
  for (auto _ : state) {
    k.l2sq_batch(data.data() + 999 * dim, data.data(), 256, dim, out.data());
    benchmark::DoNotOptimize(out.data());
  }
  state.SetLabel(SimdLevelName(level));
  state.SetItemsProcessed(state.iterations() * 256);
}
BENCHMARK(BM_DistanceBatchSmall)->ArgsProduct({{0, 1, 2}, {16, 512}});

void BM_PqAccumulate(benchmark::State& state) {
  const SimdLevel level = static_cast<SimdLevel>(state.range(0));
  if (level > DetectedSimdLevel()) {
    state.SkipWithError("SIMD level not supported by this CPU");
    return;
  }
  const size_t m = 32;
  const DistanceKernels& k = KernelsFor(level);
  std::vector<float> table(Dataset().begin(), Dataset().begin() + m * 256);
  std::vector<uint8_t> codes(kRows * m);
  uint32_t s = 1;
  for (uint8_t& c : codes) {
    s = s * 1664525u + 1013904223u;
    c = static_cast<uint8_t>(s >> 24);
  }
  std::vector<float> out(kRows);
  for (auto _ : state) {
    k.pq_accumulate(table.data(), codes.data(), kRows, m, out.data());
    benchmark::DoNotOptimize(out.data());
  }
  state.SetLabel(SimdLevelName(level));
  state.SetItemsProcessed(state.iterations() * static_cast<int64_t>(kRows));
  state.SetBytesProcessed(state.iterations() * static_cast<int64_t>(kRows * m));
}
BENCHMARK(BM_PqAccumulate)->DenseRange(0, 2)->Unit(benchmark::kMicrosecond);

// One k-means assignment step at the training-sample size (256 * 256 rows), range(0) threads.
void BM_AssignNearest(benchmark::State& state) {
  const AlignedFloats& data = Dataset();
  const size_t n = 65536, k = 256;
  std::vector<float> cent(data.end() - static_cast<std::ptrdiff_t>(k * kDim), data.end());
  std::vector<uint32_t> ids(n);
  std::vector<float> dist(n);
  for (auto _ : state) {
    AssignNearest(data.data(), n, cent.data(), k, kDim, MetricType::kL2, ids.data(),
                  dist.data(), static_cast<int>(state.range(0)));
    benchmark::DoNotOptimize(ids.data());
  }
  state.SetLabel(SimdLevelName(ActiveSimdLevel()));
  state.counters["GFLOPS"] = benchmark::Counter(
      2.0 * n * k * kDim * static_cast<double>(state.iterations()) / 1e9,
      benchmark::Counter::kIsRate);
}
BENCHMARK(BM_AssignNearest)->Arg(1)->Arg(2)->Unit(benchmark::kMillisecond)->UseRealTime();

// Full IVF training at the issue-5 size: 100k x 512, k = 256 (sample cap 256 per centroid).
void BM_KMeansTrain(benchmark::State& state) {
  const AlignedFloats& data = Dataset();
  KMeansOptions opts;
  opts.max_iters = static_cast<int>(state.range(0));
  opts.tol = 0.0;  // run every iteration: a stable amount of work
  for (auto _ : state) {
    Result<std::vector<float>> c = KMeansTrain(data.data(), kRows, kDim, 256, opts);
    benchmark::DoNotOptimize(c.ok());
  }
  state.SetLabel(std::string(SimdLevelName(ActiveSimdLevel())) + " iters=" +
                 std::to_string(opts.max_iters));
}
BENCHMARK(BM_KMeansTrain)->Arg(10)->Arg(50)->Unit(benchmark::kSecond)->Iterations(1)->UseRealTime();

// PQ (m = 32 sub-vectors of 16, 8 bits) train on 65536 sampled rows + encode all 100k rows.
void BM_PqTrainEncode(benchmark::State& state) {
  const AlignedFloats& data = Dataset();
  KMeansOptions opts;
  opts.max_iters = static_cast<int>(state.range(0));
  opts.tol = 0.0;
  std::vector<uint8_t> codes(kRows * 32);
  for (auto _ : state) {
    Result<ProductQuantizer> pq = ProductQuantizer::Train(data.data(), kRows, kDim, 32, 8, opts);
    if (!pq.ok()) {
      state.SkipWithError(pq.status().ToString().c_str());
      return;
    }
    pq->Encode(data.data(), kRows, codes.data());
    benchmark::DoNotOptimize(codes.data());
  }
  state.SetLabel(std::string(SimdLevelName(ActiveSimdLevel())) + " iters=" +
                 std::to_string(opts.max_iters));
}
BENCHMARK(BM_PqTrainEncode)->Arg(50)->Unit(benchmark::kSecond)->Iterations(1)->UseRealTime();

void BM_PqEncode(benchmark::State& state) {
  const AlignedFloats& data = Dataset();
  KMeansOptions opts;
  opts.max_iters = 2;
  Result<ProductQuantizer> pq = ProductQuantizer::Train(data.data(), 20000, kDim, 32, 8, opts);
  std::vector<uint8_t> codes(kRows * 32);
  for (auto _ : state) {
    pq->Encode(data.data(), kRows, codes.data());
    benchmark::DoNotOptimize(codes.data());
  }
  state.SetItemsProcessed(state.iterations() * static_cast<int64_t>(kRows));
}
BENCHMARK(BM_PqEncode)->Unit(benchmark::kMillisecond)->UseRealTime();

}  // namespace
}  // namespace lancet::linalg
