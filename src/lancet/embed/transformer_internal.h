// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The lancet authors
//
// Internal: the pre-LayerNorm transformer encoder shared by CLIP's text and vision towers, on
// OpenBLAS sgemm. Activations are row-major [batch * tokens, hidden].
//
// Threading: every stage runs on a small `ThreadPool` owned by the model (the caller plus
// num_threads - 1 workers). OpenBLAS itself is kept single-threaded (SetBlasThreads(1) at
// model load): each large GEMM is split by output columns into a few blocks that the pool's
// threads take from a shared counter, and the elementwise work that follows a GEMM (bias,
// GELU) is done on the block the same thread just wrote. LayerNorm splits rows, attention
// splits (image/text, head) pairs. A late worker (busy machine) never stalls a stage: the
// caller takes the remaining blocks itself.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace lancet::embed::internal {

struct Linear {
  int in = 0, out = 0;
  std::vector<float> w;  // out x in (PyTorch layout)
  std::vector<float> b;  // out
};

struct LayerNormParams {
  std::vector<float> gamma, beta;
  float eps = 1e-5f;
};

struct LayerWeights {
  LayerNormParams ln1, ln2;
  Linear qkv;  // fused [q * 1/sqrt(head_dim); k; v]: 3d x d
  Linear out, fc1, fc2;
};

struct TowerWeights {
  int hidden = 0, heads = 0, intermediate = 0;
  bool quick_gelu = true;
  std::vector<LayerWeights> layers;
};

/// \brief Fork-join pool: ParallelFor(n, fn) runs fn(0..n-1) on the calling thread and the
/// workers (dynamic: each thread takes the next index from an atomic counter) and returns when
/// all calls have finished. One ParallelFor at a time (the model serialises its calls).
class ThreadPool {
 public:
  /// `threads` counts the caller: 1 = no worker threads.
  explicit ThreadPool(int threads);
  ~ThreadPool();
  ThreadPool(const ThreadPool&) = delete;
  ThreadPool& operator=(const ThreadPool&) = delete;

  int size() const { return static_cast<int>(workers_.size()) + 1; }
  void ParallelFor(int n, const std::function<void(int)>& fn);

 private:
  void Worker();

  std::mutex mu_;
  std::condition_variable wake_, done_;
  std::vector<std::thread> workers_;
  const std::function<void(int)>* fn_ = nullptr;
  int n_ = 0;
  std::atomic<int> next_{0};
  int active_ = 0;
  uint64_t generation_ = 0;
  bool stop_ = false;
};

/// Reusable activation buffers (grow only).
struct Scratch {
  std::vector<float> x, a, qkv, ctx, mlp, scores, cols, patches;
  float* Resize(std::vector<float>* v, size_t n) {
    if (v->size() < n) v->resize(n);
    return v->data();
  }
};

/// \brief out[r] = LayerNorm(in[r]) for `rows` rows of `d` floats (in may equal out).
void LayerNorm(const float* in, int rows, int d, const LayerNormParams& p, float* out);

/// \brief LayerNorm over rows, split across the pool.
void ParallelLayerNorm(ThreadPool* pool, const float* in, int rows, int d, const LayerNormParams& p,
                       float* out);

/// \brief y[:, 0:out] = beta * y + x W^T (+ bias if given) for x: rows x in, W: out x in (row-
/// major), y with leading dimension ldy; split by output columns across the pool.
void ParallelGemm(ThreadPool* pool, const float* x, int rows, int in, const float* w, int out,
                  const float* bias, float beta, float* y, int ldy);

/// \brief Run every encoder layer in place on x ([B*T, hidden]); causal masks future tokens.
void RunEncoder(const TowerWeights& w, int B, int T, bool causal, float* x, Scratch* s,
                ThreadPool* pool);

/// \brief Set the OpenBLAS thread count (0 = all cores).
void SetBlasThreads(int n);

/// \brief Make OpenBLAS single-threaded again if someone (another library, a benchmark) changed
/// its process-global thread count since the model was loaded.
void EnsureBlasSingleThreaded();

/// \brief The OpenBLAS thread count in effect.
int BlasThreads();

/// \brief The thread count `n` resolves to (0 = all cores).
int ResolveThreads(int n);

}  // namespace lancet::embed::internal
