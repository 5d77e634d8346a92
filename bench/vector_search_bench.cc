// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The lancet authors
//
// Vector search benchmark, one run: for each size (default 100k and 1M clustered 512-d unit
// vectors, generated from a seed), lancet vs LanceDB (tests/interop/lancedb_vector.mjs, timed
// inside Node) vs faiss (Debian libfaiss, in process) on the same vectors:
//   - the memory-bandwidth floor of a flat scan (bytes of the vectors / measured read bandwidth);
//   - warm flat search latency p50/p95 (k=10; lancet's over --flat-rounds passes of the queries,
//     each query after one floor scan, so it also has a floor measured in the same moment);
//   - IVF_PQ build time (same partitions / sub-vectors for all three);
//   - recall@10 (vs exact top-10) and p50 latency over several nprobes, with and without refine.
// Prints JSON lines, then a table with ratios and the SIMD level.
//
//   bench_vector_search [--rows 100000,1000000] [--dim 512] [--queries 50] [--flat-rounds 4]
//                       [--partitions P]
//                       [--sub-vectors M] [--nprobes 5,10,20,40,80] [--refine 0,10,50,100]
//                       [--workdir DIR] [--skip-lancedb] [--skip-faiss]
//                       [--lancedb-build-max-rows N]   (skip LanceDB's index build above N rows;
//                                                       its flat search still runs)
// Every record carries the 1-minute load average (/proc/loadavg) at the start and end of the
// size: on a shared machine, numbers taken under load are indicative only.
#include <faiss/IndexFlat.h>
#include <faiss/IndexIVFPQ.h>
#include <faiss/IndexRefine.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>
#include <random>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "bench_util.h"
#include "lancet/core/memory.h"
#include "lancet/index/vector_search.h"
#include "lancet/linalg/immintrin_quiet.h"
#include "lancet/linalg/kmeans.h"
#include "lancet/linalg/simd.h"
#include "lancet/table/dataset.h"

namespace {

using FaissIdx = faiss::Index::idx_t;

using Clock = std::chrono::steady_clock;
double Since(Clock::time_point t0) {
  return std::chrono::duration<double>(Clock::now() - t0).count();
}

using lancet::bench::RunCommand;

double Pct(std::vector<double> v, double p) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  size_t i = static_cast<size_t>(std::ceil(p * v.size())) - 1;
  return v[std::min(i, v.size() - 1)];
}

std::vector<int64_t> ParseList(const std::string& s) {
  std::vector<int64_t> out;
  std::stringstream ss(s);
  std::string t;
  while (std::getline(ss, t, ',')) out.push_back(std::stoll(t));
  return out;
}

// Clustered unit vectors (64 Gaussian centroids + noise of norm ~0.5, normalised).
std::vector<float> Generate(size_t n, size_t dim, uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::normal_distribution<float> g(0, 1);
  const size_t clusters = 64;
  std::vector<float> cent(clusters * dim), out(n * dim);
  for (size_t c = 0; c < clusters; ++c) {
    double nn = 0;
    for (size_t j = 0; j < dim; ++j) nn += (cent[c * dim + j] = g(rng)) * cent[c * dim + j];
    for (size_t j = 0; j < dim; ++j) cent[c * dim + j] /= std::sqrt(nn);
  }
  const float sigma = 0.5f / std::sqrt(static_cast<float>(dim));
  for (size_t i = 0; i < n; ++i) {
    const size_t c = rng() % clusters;
    double nn = 0;
    for (size_t j = 0; j < dim; ++j) {
      float v = cent[c * dim + j] + sigma * g(rng);
      out[i * dim + j] = v;
      nn += double{v} * v;
    }
    for (size_t j = 0; j < dim; ++j) out[i * dim + j] /= std::sqrt(nn);
  }
  return out;
}

// Streaming sums used to measure read bandwidth: plain C++ (vectorised by the compiler for the
// SSE2 baseline) and explicit AVX2 / AVX-512 loops with independent accumulators, each AVX loop
// also with a software prefetch 1 KiB and 4 KiB ahead (on this VM, 2 threads over 2 GiB on huge
// pages: none 31 GB/s, 4 KiB 32.5, 1 KiB 36), so the floor is what the fastest code this machine
// runs can stream, not what one compiler loop manages.
double SumPortable(const float* p, size_t n) {
  float acc[16] = {0};
  size_t i = 0;
  for (; i + 16 <= n; i += 16) {
    for (int j = 0; j < 16; ++j) acc[j] += p[i + j];
  }
  double total = 0;
  for (float a : acc) total += a;
  for (; i < n; ++i) total += p[i];
  return total;
}

// kAhead: floats ahead to prefetch (0 = none); a prefetch past the end is harmless.
template <size_t kAhead>
__attribute__((target("avx2"))) double SumAvx2(const float* p, size_t n) {
  __m256 a0 = _mm256_setzero_ps(), a1 = a0, a2 = a0, a3 = a0;
  size_t i = 0;
  for (; i + 32 <= n; i += 32) {
    if constexpr (kAhead > 0) {
      _mm_prefetch(reinterpret_cast<const char*>(p + i + kAhead), _MM_HINT_T0);
      _mm_prefetch(reinterpret_cast<const char*>(p + i + kAhead + 16), _MM_HINT_T0);
    }
    a0 = _mm256_add_ps(a0, _mm256_loadu_ps(p + i));
    a1 = _mm256_add_ps(a1, _mm256_loadu_ps(p + i + 8));
    a2 = _mm256_add_ps(a2, _mm256_loadu_ps(p + i + 16));
    a3 = _mm256_add_ps(a3, _mm256_loadu_ps(p + i + 24));
  }
  alignas(32) float lanes[8];
  _mm256_store_ps(lanes, _mm256_add_ps(_mm256_add_ps(a0, a1), _mm256_add_ps(a2, a3)));
  double total = 0;
  for (float l : lanes) total += l;
  for (; i < n; ++i) total += p[i];
  return total;
}

template <size_t kAhead>
__attribute__((target("avx512f"))) double SumAvx512(const float* p, size_t n) {
  __m512 a0 = _mm512_setzero_ps(), a1 = a0, a2 = a0, a3 = a0;
  size_t i = 0;
  for (; i + 64 <= n; i += 64) {
    if constexpr (kAhead > 0) {
      for (size_t l = 0; l < 64; l += 16) {
        _mm_prefetch(reinterpret_cast<const char*>(p + i + kAhead + l), _MM_HINT_T0);
      }
    }
    a0 = _mm512_add_ps(a0, _mm512_loadu_ps(p + i));
    a1 = _mm512_add_ps(a1, _mm512_loadu_ps(p + i + 16));
    a2 = _mm512_add_ps(a2, _mm512_loadu_ps(p + i + 32));
    a3 = _mm512_add_ps(a3, _mm512_loadu_ps(p + i + 48));
  }
  double total = _mm512_reduce_add_ps(_mm512_add_ps(_mm512_add_ps(a0, a1), _mm512_add_ps(a2, a3)));
  for (; i < n; ++i) total += p[i];
  return total;
}

// The memory-bandwidth floor of a flat scan: how fast this machine streams the vectors' bytes.
// Calibrate() takes the best of 5 runs of each sum kernel the active SIMD level allows, with all
// cores, over the caller's buffer (4 KiB pages) and over a copy on transparent huge pages
// (lancet::AllocateLarge, as the vector cache that flat search streams is allocated; 2 MiB pages
// read faster on this VM). A best-of floor tolerates a busy moment that a p95 over the queries
// does not, so ScanMs() also times one scan with the winning kernel and pages on demand: the
// benchmark runs one before each timed query, so every query has a floor taken in the same
// machine state (the host's memory bandwidth varies from minute to minute on this VM).
class BandwidthProbe {
 public:
  using SumFn = double (*)(const float*, size_t);

  explicit BandwidthProbe(const std::vector<float>& buf)
      : buf_(buf), huge_(buf.begin(), buf.end()),
        threads_(lancet::linalg::ResolveNumThreads(0)), best_data_(huge_.data()) {}

  /// Best read bandwidth (bytes/s); `kernel` names the kernel and pages that reached it.
  double Calibrate(std::string* kernel) {
    std::vector<std::pair<const char*, SumFn>> kernels = {{"portable", SumPortable}};
    const auto level = lancet::linalg::ActiveSimdLevel();
    if (level >= lancet::linalg::SimdLevel::kAvx2) {
      kernels.emplace_back("avx2", SumAvx2<0>);
      kernels.emplace_back("avx2+prefetch 1 KiB", SumAvx2<256>);
      kernels.emplace_back("avx2+prefetch 4 KiB", SumAvx2<1024>);
    }
    if (level >= lancet::linalg::SimdLevel::kAvx512) {
      kernels.emplace_back("avx512", SumAvx512<0>);
      kernels.emplace_back("avx512+prefetch 1 KiB", SumAvx512<256>);
      kernels.emplace_back("avx512+prefetch 4 KiB", SumAvx512<1024>);
    }
    const std::pair<const char*, const float*> copies[] = {{"4 KiB pages", buf_.data()},
                                                          {"huge pages", huge_.data()}};
    double best = 0;
    for (const auto& [pages, data] : copies) {
      for (const auto& [name, fn] : kernels) {
        for (int rep = 0; rep < 5; ++rep) {
          const double bw = Bytes() / Scan(fn, data);
          if (bw > best) {
            best = bw;
            best_fn_ = fn;
            best_data_ = data;
            *kernel = std::string(name) + " sum, " + pages;
          }
        }
      }
    }
    return best;
  }

  /// One scan (ms) with the kernel and pages Calibrate() found fastest.
  double ScanMs() { return Scan(best_fn_, best_data_) * 1e3; }

 private:
  double Bytes() const { return buf_.size() * 4.0; }

  // Seconds to stream all of `data` once with every thread, in units claimed dynamically, about
  // 8 per thread and at most 32 MiB (as lancet's flat search claims its units: a preempted thread
  // then delays one unit, not a fixed share, and the last unit leaves no thread idle for long,
  // so the floor is not made lenient by a busy moment or by a coarse split).
  double Scan(SumFn fn, const float* data) {
    const size_t kUnit = std::clamp<size_t>(buf_.size() / (threads_ * 8), 4096, size_t{8} << 20);
    std::vector<double> sums(threads_);
    std::atomic<size_t> next{0};
    auto t0 = Clock::now();
    auto work = [&](int t) {
      double acc = 0;
      for (size_t s = next.fetch_add(kUnit); s < buf_.size(); s = next.fetch_add(kUnit)) {
        acc += fn(data + s, std::min(kUnit, buf_.size() - s));
      }
      sums[t] = acc;
    };
    // The calling thread works too, beside threads_ - 1 new ones, as lancet's flat search does:
    // with all threads new and the caller waiting, the scheduler placed lancet's next query
    // differently (its per-query times spread 7-11 ms after such scans, 7.3-7.9 without them).
    std::vector<std::thread> pool;
    for (int t = 1; t < threads_; ++t) pool.emplace_back(work, t);
    work(0);
    for (auto& th : pool) th.join();
    const double secs = Since(t0);
    volatile double sink = sums[0];
    (void)sink;
    return secs;
  }

  const std::vector<float>& buf_;
  std::vector<float, lancet::LargeAllocator<float>> huge_;
  int threads_;
  SumFn best_fn_ = SumPortable;
  const float* best_data_;
};

// Flush every dirty page to disk and wait (sync(2)). Called after each phase that writes files
// (the table, the index builds, LanceDB's copy) and before the next timed one: on this VM the
// kernel otherwise writes the just-written table back (1.2 GB dirty at 1M rows) during the
// following measurements, and the flusher's CPU time lands in random queries of a 2-vCPU machine.
void SettleWrites() { ::sync(); }

double Recall(const std::vector<std::vector<int64_t>>& truth,
              const std::vector<std::vector<int64_t>>& got) {
  double hit = 0, total = 0;
  for (size_t q = 0; q < truth.size(); ++q) {
    std::set<int64_t> t(truth[q].begin(), truth[q].end());
    for (int64_t id : got[q]) hit += t.count(id);
    total += truth[q].size();
  }
  return total ? hit / total : 0;
}

double LoadAvg() {
  std::ifstream f("/proc/loadavg");
  double l = -1;
  f >> l;
  return l;
}

struct Point {
  std::string engine;
  int nprobes;
  int refine;
  double recall;
  double p50_ms;
};

}  // namespace

int main(int argc, char** argv) {
  lancet::RetainLargeAllocations();  // as the CLI does (lancet/core/memory.h)
  std::vector<int64_t> sizes = {100000, 1000000};
  size_t dim = 512;
  size_t nq = 50;
  int flat_rounds = 4;
  int64_t partitions_opt = 0, sub_vectors = 32;
  std::vector<int64_t> refine_list = {0, 10, 50, 100};
  int64_t lancedb_build_max_rows = 1000000;
  std::vector<int64_t> nprobes_list = {5, 10, 20, 40, 80};
  bool skip_lancedb = false, skip_faiss = false;
  std::string workdir = (std::filesystem::temp_directory_path() / "lancet-bench-vector").string();
  for (int i = 1; i < argc; ++i) {
    std::string k = argv[i];
    auto next = [&]() -> std::string { return i + 1 < argc ? argv[++i] : ""; };
    if (k == "--rows") sizes = ParseList(next());
    else if (k == "--dim") dim = std::stoul(next());
    else if (k == "--queries") nq = std::stoul(next());
    else if (k == "--flat-rounds") flat_rounds = std::max(1, std::stoi(next()));
    else if (k == "--partitions") partitions_opt = std::stoll(next());
    else if (k == "--sub-vectors") sub_vectors = std::stoll(next());
    else if (k == "--nprobes") nprobes_list = ParseList(next());
    else if (k == "--refine") refine_list = ParseList(next());
    else if (k == "--lancedb-build-max-rows") lancedb_build_max_rows = std::stoll(next());
    else if (k == "--workdir") workdir = next();
    else if (k == "--skip-lancedb") skip_lancedb = true;
    else if (k == "--skip-faiss") skip_faiss = true;
    else {
      std::cerr << "unknown option " << k << "\n";
      return 2;
    }
  }
  const std::string src = LANCET_SOURCE_DIR_DEFAULT;
  const std::string tool = src + "/tests/interop/lancedb_vector.mjs";
  const std::string simd = lancet::linalg::SimdLevelName(lancet::linalg::ActiveSimdLevel());
  const int threads = lancet::linalg::ResolveNumThreads(0);
  std::filesystem::create_directories(workdir);
  std::ostringstream table;

  for (int64_t rows : sizes) {
    const size_t n = static_cast<size_t>(rows);
    const int64_t partitions = partitions_opt > 0 ? partitions_opt : (n >= 1000000 ? 1024 : 256);
    nlohmann::json rec = {{"rows", rows}, {"dim", dim}, {"simd", simd}, {"threads", threads},
                          {"partitions", partitions}, {"sub_vectors", sub_vectors},
                          {"load_start", LoadAvg()}};
    auto data = Generate(n, dim, 42);
    // Queries: perturbed rows (so they are in-distribution but not stored).
    std::vector<std::vector<float>> queries;
    {
      std::mt19937_64 rng(7);
      std::normal_distribution<float> g(0, 0.3f / std::sqrt(static_cast<float>(dim)));
      for (size_t q = 0; q < nq; ++q) {
        size_t r = rng() % n;
        std::vector<float> v(data.begin() + r * dim, data.begin() + (r + 1) * dim);
        for (float& x : v) x += g(rng);
        queries.push_back(std::move(v));
      }
    }
    const std::string uri = workdir + "/bench_" + std::to_string(rows) + ".lance";
    const std::string qfile = workdir + "/queries_" + std::to_string(rows) + ".json";
    std::ofstream(qfile) << nlohmann::json(queries).dump();
    std::filesystem::remove_all(uri);
    lancet::Schema schema;
    schema.fields.emplace_back("id", lancet::int64(), false);
    schema.fields.emplace_back("vector",
                               lancet::fixed_size_list(lancet::float32(), static_cast<int>(dim)),
                               true);
    {
      std::vector<lancet::RecordBatch> batches;
      const size_t per = 65536;
      for (size_t s = 0; s < n; s += per) {
        const size_t e = std::min(n, s + per);
        lancet::RecordBatch b;
        b.schema = schema;
        b.num_rows = static_cast<int64_t>(e - s);
        std::vector<int64_t> ids(e - s);
        for (size_t i = s; i < e; ++i) ids[i - s] = static_cast<int64_t>(i);
        auto id = std::make_shared<lancet::ArrayData>();
        id->type = lancet::int64();
        id->length = b.num_rows;
        id->values = lancet::Buffer::Copy(ids.data(), ids.size() * 8);
        auto items = std::make_shared<lancet::ArrayData>();
        items->type = lancet::float32();
        items->length = b.num_rows * static_cast<int64_t>(dim);
        items->values = lancet::Buffer::Copy(data.data() + s * dim, (e - s) * dim * 4);
        auto vec = std::make_shared<lancet::ArrayData>();
        vec->type = schema.fields[1].type;
        vec->length = b.num_rows;
        vec->children.push_back(items);
        b.columns = {id, vec};
        batches.push_back(std::move(b));
      }
      auto ds = lancet::table::Dataset::Create(uri, schema, std::move(batches));
      if (!ds.ok()) {
        std::cerr << "create: " << ds.status().ToString() << "\n";
        return 1;
      }
    }
    SettleWrites();
    auto opened = lancet::table::Dataset::Open(uri);
    if (!opened.ok()) return 1;
    std::unique_ptr<lancet::table::Dataset> ds = std::move(*opened);

    // Memory-bandwidth floor of one flat scan.
    std::string bw_kernel;
    auto probe = std::make_unique<BandwidthProbe>(data);  // freed after the flat queries
    const double bw = probe->Calibrate(&bw_kernel);
    const double floor_ms = n * dim * 4.0 / bw * 1e3;
    rec["bandwidth_gbps"] = bw / 1e9;
    rec["bandwidth_kernel"] = bw_kernel;
    rec["flat_floor_ms"] = floor_ms;

    // Exact ground truth (faiss flat, independent of lancet's kernels) + faiss flat latency.
    std::vector<std::vector<int64_t>> truth(nq);
    std::vector<double> faiss_flat_ms;
    {
      faiss::IndexFlatL2 flat(static_cast<int>(dim));
      flat.add(static_cast<FaissIdx>(n), data.data());
      std::vector<float> d(10);
      std::vector<FaissIdx> l(10);
      flat.search(1, queries[0].data(), 10, d.data(), l.data());  // warm-up
      for (size_t q = 0; q < nq; ++q) {
        auto t0 = Clock::now();
        flat.search(1, queries[q].data(), 10, d.data(), l.data());
        faiss_flat_ms.push_back(Since(t0) * 1e3);
        truth[q].assign(l.begin(), l.end());
      }
    }

    // lancet flat (warm: one untimed query first).
    std::vector<double> lancet_flat_ms;
    std::vector<std::vector<int64_t>> lancet_flat_ids(nq);
    auto lancet_search = [&](const std::vector<float>& q, bool use_index, int np, int rf,
                             std::vector<int64_t>* ids) -> double {
      lancet::index::VectorSearchOptions o;
      o.column = "vector";
      o.query = q;
      o.k = 10;
      o.use_index = use_index;
      o.nprobes = static_cast<uint32_t>(np);
      o.refine_factor = static_cast<uint32_t>(rf);
      o.columns = {"id"};
      auto t0 = Clock::now();
      auto r = lancet::index::VectorSearch(*ds, o);
      double ms = Since(t0) * 1e3;
      if (!r.ok()) {
        std::cerr << "search: " << r.status().ToString() << "\n";
        std::exit(1);
      }
      if (ids) {
        ids->clear();
        for (int64_t i = 0; i < r->num_rows; ++i) ids->push_back(r->columns[0]->values_as<int64_t>()[i]);
      }
      return ms;
    };
    // Each timed query follows one floor scan (BandwidthProbe::ScanMs), so query i can be set
    // against a floor taken moments before it; --flat-rounds repeats the query set for a
    // steadier p95.
    std::vector<double> floor_now_ms, ratio_now;
    lancet_search(queries[0], false, 0, 0, nullptr);
    for (int round = 0; round < flat_rounds; ++round) {
      for (size_t q = 0; q < nq; ++q) {
        floor_now_ms.push_back(probe->ScanMs());
        lancet_flat_ms.push_back(
            lancet_search(queries[q], false, 0, 0, round == 0 ? &lancet_flat_ids[q] : nullptr));
        ratio_now.push_back(lancet_flat_ms.back() / floor_now_ms.back());
      }
    }
    probe.reset();
    rec["lancet_flat_recall"] = Recall(truth, lancet_flat_ids);
    rec["flat_floor_interleaved_ms"] = {{"min", *std::min_element(floor_now_ms.begin(), floor_now_ms.end())},
                                        {"p50", Pct(floor_now_ms, 0.5)},
                                        {"p95", Pct(floor_now_ms, 0.95)}};
    rec["lancet_flat_over_interleaved_floor"] = {{"p50", Pct(ratio_now, 0.5)},
                                                 {"p95", Pct(ratio_now, 0.95)}};

    // LanceDB flat.
    std::vector<double> lancedb_flat_ms;
    int code = 0;
    if (!skip_lancedb) {
      std::string out = RunCommand("node " + tool + " search " + uri + " --column vector --queries " +
                                qfile + " -k 10 --bypass-index --reps 1",
                            &code);
      std::istringstream in(out);
      std::string line;
      while (std::getline(in, line)) {
        auto j = nlohmann::json::parse(line);
        lancedb_flat_ms.push_back(j["seconds"][0].get<double>() * 1e3);
      }
    }

    // IVF_PQ builds.
    double lancet_build = 0, lancedb_build = 0, faiss_build = 0;
    lancet::index::IvfPqBuildStats bstats;
    {
      lancet::index::CreateIndexOptions co;
      co.column = "vector";
      co.ivf_pq.num_partitions = static_cast<uint32_t>(partitions);
      co.ivf_pq.num_sub_vectors = static_cast<uint32_t>(sub_vectors);
      co.stats = &bstats;
      auto t0 = Clock::now();
      auto r = lancet::index::CreateIvfPqIndex(*ds, co);
      lancet_build = Since(t0);
      if (!r.ok()) {
        std::cerr << "index: " << r.status().ToString() << "\n";
        return 1;
      }
      ds = std::move(*r);
    }
    SettleWrites();
    // LanceDB builds its own index on a copy of the table (same vectors).
    const std::string uri_ldb = workdir + "/bench_" + std::to_string(rows) + "_lancedb.lance";
    const bool lancedb_build_on = !skip_lancedb && rows <= lancedb_build_max_rows;
    if (lancedb_build_on) {
      std::filesystem::remove_all(uri_ldb);
      std::filesystem::copy(uri, uri_ldb, std::filesystem::copy_options::recursive);
      std::filesystem::remove_all(uri_ldb + "/_indices");
      SettleWrites();
      // Drop lancet's index from the copy by building LanceDB's with replace=true (same name).
      std::string out = RunCommand("node " + tool + " index " + uri_ldb + " --column vector --partitions " +
                                std::to_string(partitions) + " --sub-vectors " +
                                std::to_string(sub_vectors),
                            &code);
      if (code == 0) lancedb_build = nlohmann::json::parse(out)["seconds"].get<double>();
      else std::cerr << "lancedb index failed: " << out << "\n";
    }
    std::unique_ptr<faiss::IndexIVFPQ> fivf;
    faiss::IndexFlatL2 quantizer(static_cast<int>(dim));
    if (!skip_faiss) {
      fivf = std::make_unique<faiss::IndexIVFPQ>(&quantizer, static_cast<int>(dim),
                                                 static_cast<size_t>(partitions),
                                                 static_cast<size_t>(sub_vectors), 8);
      auto t0 = Clock::now();
      const size_t train_n = std::min(n, static_cast<size_t>(partitions) * 256);
      fivf->train(static_cast<FaissIdx>(train_n), data.data());
      fivf->add(static_cast<FaissIdx>(n), data.data());
      faiss_build = Since(t0);
    }
    // faiss's refine: the IVF_PQ candidates re-ranked with exact distances over a flat copy of
    // the vectors (k_factor = refine), as Lance's refine_factor does.
    std::unique_ptr<faiss::IndexRefineFlat> frefine;
    if (fivf) frefine = std::make_unique<faiss::IndexRefineFlat>(fivf.get(), data.data());
    rec["build_s"] = {{"lancet", lancet_build}, {"lancedb", lancedb_build}, {"faiss", faiss_build}};
    SettleWrites();

    // Recall / latency curves.
    std::vector<Point> points;
    for (int64_t np : nprobes_list) {
      for (int64_t rf64 : refine_list) {
        const int rf = static_cast<int>(rf64);
        std::vector<std::vector<int64_t>> got(nq);
        std::vector<double> ms;
        lancet_search(queries[0], true, static_cast<int>(np), rf, nullptr);
        for (size_t q = 0; q < nq; ++q) {
          ms.push_back(lancet_search(queries[q], true, static_cast<int>(np), rf, &got[q]));
        }
        points.push_back({"lancet", static_cast<int>(np), rf, Recall(truth, got), Pct(ms, 0.5)});
        if (!skip_lancedb && lancedb_build > 0) {
          std::string extra = " --nprobes " + std::to_string(np);
          if (rf) extra += " --refine " + std::to_string(rf);
          std::string out = RunCommand("node " + tool + " search " + uri_ldb +
                                    " --column vector --queries " + qfile + " -k 10 --reps 1" +
                                    extra,
                                &code);
          std::istringstream in(out);
          std::string line;
          std::vector<std::vector<int64_t>> lg;
          std::vector<double> lms;
          while (std::getline(in, line)) {
            auto j = nlohmann::json::parse(line);
            std::vector<int64_t> ids;
            for (auto& x : j["ids"]) ids.push_back(x.get<int64_t>());  // row address == id here
            lg.push_back(ids);
            lms.push_back(j["seconds"][0].get<double>() * 1e3);
          }
          if (lg.size() == nq) {
            points.push_back({"lancedb", static_cast<int>(np), rf, Recall(truth, lg), Pct(lms, 0.5)});
          }
        }
        if (fivf) {
          fivf->nprobe = static_cast<size_t>(np);
          faiss::Index* index = fivf.get();
          if (rf > 0) {
            frefine->k_factor = static_cast<float>(rf);
            index = frefine.get();
          }
          std::vector<std::vector<int64_t>> fg(nq);
          std::vector<double> fms;
          std::vector<float> d(10);
          std::vector<FaissIdx> l(10);
          for (size_t q = 0; q < nq; ++q) {
            auto t0 = Clock::now();
            index->search(1, queries[q].data(), 10, d.data(), l.data());
            fms.push_back(Since(t0) * 1e3);
            fg[q].assign(l.begin(), l.end());
          }
          points.push_back({"faiss", static_cast<int>(np), rf, Recall(truth, fg), Pct(fms, 0.5)});
        }
      }
    }
    nlohmann::json pts = nlohmann::json::array();
    for (const auto& p : points) {
      pts.push_back({{"engine", p.engine}, {"nprobes", p.nprobes}, {"refine", p.refine},
                     {"recall10", p.recall}, {"p50_ms", p.p50_ms}});
    }
    rec["flat_ms"] = {
        {"lancet", {{"p50", Pct(lancet_flat_ms, 0.5)}, {"p95", Pct(lancet_flat_ms, 0.95)}}},
        {"lancedb", {{"p50", Pct(lancedb_flat_ms, 0.5)}, {"p95", Pct(lancedb_flat_ms, 0.95)}}},
        {"faiss", {{"p50", Pct(faiss_flat_ms, 0.5)}, {"p95", Pct(faiss_flat_ms, 0.95)}}}};
    rec["ivf_pq"] = pts;
    const auto& km = bstats.ivf_kmeans;
    nlohmann::json phases = nlohmann::json::object();
    for (const auto& [name, seconds] : lancet::index::BuildPhases(bstats)) phases[name] = seconds;
    rec["lancet_build_phases_s"] = phases;
    rec["lancet_build_counts"] = {{"ivf_sample_rows", bstats.ivf_sample_rows},
                                  {"pq_sample_rows", bstats.pq_sample_rows},
                                  {"ivf_iterations", km.iterations},
                                  {"pq_max_iterations", bstats.pq_max_iterations}};
    rec["load_end"] = LoadAvg();
    std::cout << rec.dump() << std::endl;

    // Table.
    char line[512];
    table << "\n== " << rows << " x " << dim << "  (SIMD " << simd << ", " << threads
          << " threads, " << partitions << " partitions, " << sub_vectors
          << " sub-vectors; load average " << rec["load_start"].get<double>() << " -> "
          << rec["load_end"].get<double>() << ")\n";
    std::snprintf(line, sizeof(line),
                  "memory bandwidth %.1f GB/s (%s) -> flat floor %.2f ms; floor scans between "
                  "the %zu timed lancet queries: min %.2f, p50 %.2f, p95 %.2f ms\n",
                  bw / 1e9, bw_kernel.c_str(), floor_ms, lancet_flat_ms.size(),
                  rec["flat_floor_interleaved_ms"]["min"].get<double>(), Pct(floor_now_ms, 0.5),
                  Pct(floor_now_ms, 0.95));
    table << line;
    // lancet/floor: against the best-of floor; lancet/floor-now: percentile of each query's
    // time over the floor scan just before it.
    std::snprintf(line, sizeof(line), "%-18s %10s %10s %10s %13s %16s %15s\n", "flat search (ms)",
                  "lancet", "lancedb", "faiss", "lancet/floor", "lancet/floor-now",
                  "lancedb/lancet");
    table << line;
    for (double p : {0.5, 0.95}) {
      double a = Pct(lancet_flat_ms, p), b = Pct(lancedb_flat_ms, p), c = Pct(faiss_flat_ms, p);
      std::snprintf(line, sizeof(line), "%-18s %10.2f %10.2f %10.2f %12.2fx %15.2fx %14.2fx\n",
                    p == 0.5 ? "  p50" : "  p95", a, b, c, a / floor_ms, Pct(ratio_now, p),
                    a > 0 ? b / a : 0);
      table << line;
    }
    std::snprintf(line, sizeof(line), "IVF_PQ build (s)       %10.2f %10.2f %10.2f   lancedb/lancet %.2fx\n",
                  lancet_build, lancedb_build, faiss_build,
                  lancet_build > 0 ? lancedb_build / lancet_build : 0);
    table << line;
    std::snprintf(line, sizeof(line),
                  "  lancet build phases (s): sample pass %.2f, IVF k-means %.2f (%d iterations), "
                  "PQ k-means %.2f (<= %d iterations), "
                  "pass 2: read %.2f, assign %.2f, encode %.2f; group %.2f, write+commit %.2f\n",
                  bstats.sample_seconds, bstats.ivf_train_seconds, km.iterations,
                  bstats.pq_train_seconds, bstats.pq_max_iterations, bstats.scan_seconds,
                  bstats.assign_seconds, bstats.encode_seconds, bstats.group_seconds,
                  bstats.write_seconds);
    table << line;
    std::snprintf(line, sizeof(line), "%-8s %7s %6s %9s %9s\n", "engine", "nprobes", "refine",
                  "recall@10", "p50 ms");
    table << line;
    for (const auto& p : points) {
      std::snprintf(line, sizeof(line), "%-8s %7d %6d %9.3f %9.3f\n", p.engine.c_str(), p.nprobes,
                    p.refine, p.recall, p.p50_ms);
      table << line;
    }
    // Speed at recall >= 0.95: fastest point of each engine reaching it.
    auto best = [&](const std::string& e) {
      double b = -1;
      for (const auto& p : points) {
        if (p.engine == e && p.recall >= 0.95 && (b < 0 || p.p50_ms < b)) b = p.p50_ms;
      }
      return b;
    };
    double bl = best("lancet"), bd = best("lancedb"), bf = best("faiss");
    std::snprintf(line, sizeof(line),
                  "fastest p50 at recall@10 >= 0.95: lancet %.3f ms, lancedb %.3f ms (%.2fx), "
                  "faiss %.3f ms\n",
                  bl, bd, (bl > 0 && bd > 0) ? bd / bl : 0, bf);
    table << line;
  }
  std::cout << table.str();
  return 0;
}
