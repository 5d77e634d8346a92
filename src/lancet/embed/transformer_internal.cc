// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The lancet authors
#include "lancet/embed/transformer_internal.h"

#include <cblas.h>
#include <immintrin.h>

#include <algorithm>
#include <cmath>
#include <cstring>

#include "lancet/linalg/simd.h"

namespace lancet::embed::internal {

// ---- thread pool ------------------------------------------------------------------------------

ThreadPool::ThreadPool(int threads) {
  for (int i = 1; i < threads; ++i) workers_.emplace_back([this] { Worker(); });
}

ThreadPool::~ThreadPool() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stop_ = true;
  }
  wake_.notify_all();
  for (std::thread& t : workers_) t.join();
}

void ThreadPool::Worker() {
  uint64_t seen = 0;
  std::unique_lock<std::mutex> lock(mu_);
  while (true) {
    wake_.wait(lock, [&] { return stop_ || generation_ != seen; });
    if (stop_) return;
    seen = generation_;
    const std::function<void(int)>* fn = fn_;
    if (fn == nullptr) continue;  // woke after the caller already finished that job
    const int n = n_;
    ++active_;
    lock.unlock();
    for (int i; (i = next_.fetch_add(1, std::memory_order_relaxed)) < n;) (*fn)(i);
    lock.lock();
    if (--active_ == 0) done_.notify_all();
  }
}

void ThreadPool::ParallelFor(int n, const std::function<void(int)>& fn) {
  if (n <= 0) return;
  if (workers_.empty() || n == 1) {
    for (int i = 0; i < n; ++i) fn(i);
    return;
  }
  {
    std::lock_guard<std::mutex> lock(mu_);
    fn_ = &fn;
    n_ = n;
    next_.store(0, std::memory_order_relaxed);
    ++generation_;
  }
  wake_.notify_all();
  // The caller works too; a worker that is not scheduled in time simply finds nothing left.
  for (int i; (i = next_.fetch_add(1, std::memory_order_relaxed)) < n;) fn(i);
  std::unique_lock<std::mutex> lock(mu_);
  done_.wait(lock, [&] { return active_ == 0; });
  fn_ = nullptr;
}

namespace {

// One relaxed atomic load per call (per row / block, not per element); follows
// linalg::SetActiveSimdLevel(), so tests can compare the AVX2 and the portable kernels.
bool UseAvx2() { return linalg::ActiveSimdLevel() >= linalg::SimdLevel::kAvx2; }

// ---- scalar kernels ---------------------------------------------------------------------------

// exp(x), vectorisable (no libm call). Range reduction x = n ln2 + r, |r| <= ln2/2, degree-6
// polynomial (Cephes expf): relative error < 2e-7.
inline float FastExp(float x) {
  x = std::min(88.0f, std::max(-87.0f, x));
  const float t = x * 1.44269504088896341f;
  const float n = std::nearbyint(t);
  const float r = x - n * 0.693359375f + n * 2.12194440e-4f;
  float p = 1.9875691500e-4f;
  p = p * r + 1.3981999507e-3f;
  p = p * r + 8.3334519073e-3f;
  p = p * r + 4.1665795894e-2f;
  p = p * r + 1.6666665459e-1f;
  p = p * r + 5.0000001201e-1f;
  p = p * r * r + r + 1.0f;
  const int32_t bits = (static_cast<int32_t>(n) + 127) << 23;
  float scale;
  std::memcpy(&scale, &bits, 4);
  return p * scale;
}

void QuickGeluScalar(float* x, size_t n) {
  for (size_t i = 0; i < n; ++i) {
    const float v = x[i];
    x[i] = v / (1.0f + FastExp(-1.702f * v));
  }
}

void Gelu(float* x, size_t n) {
  for (size_t i = 0; i < n; ++i) {
    const float v = x[i];
    x[i] = 0.5f * v * (1.0f + std::erf(v * 0.70710678118654752f));
  }
}

// Softmax of row[0:valid], row[valid:T] = 0.
void SoftmaxScalar(float* row, int valid, int T) {
  float mx = row[0];
  for (int j = 1; j < valid; ++j) mx = std::max(mx, row[j]);
  float sum = 0;
  for (int j = 0; j < valid; ++j) {
    row[j] = FastExp(row[j] - mx);
    sum += row[j];
  }
  const float inv = 1.0f / sum;
  for (int j = 0; j < valid; ++j) row[j] *= inv;
  for (int j = valid; j < T; ++j) row[j] = 0.0f;
}

void LayerNormRowScalar(const float* x, int d, const LayerNormParams& p, float* y) {
  float mean = 0;
  for (int k = 0; k < d; ++k) mean += x[k];
  mean /= d;
  float var = 0;
  for (int k = 0; k < d; ++k) {
    const float c = x[k] - mean;
    var += c * c;
  }
  var /= d;
  const float inv = 1.0f / std::sqrt(var + p.eps);
  for (int k = 0; k < d; ++k) y[k] = (x[k] - mean) * inv * p.gamma[k] + p.beta[k];
}

// ---- AVX2 + FMA kernels (called only when the CPU has them) -----------------------------------

#define LANCET_AVX2 __attribute__((target("avx2,fma")))

LANCET_AVX2 inline __m256 Exp8(__m256 x) {
  x = _mm256_min_ps(_mm256_set1_ps(88.0f), _mm256_max_ps(_mm256_set1_ps(-87.0f), x));
  const __m256 n = _mm256_round_ps(_mm256_mul_ps(x, _mm256_set1_ps(1.44269504088896341f)),
                                   _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
  __m256 r = _mm256_fnmadd_ps(n, _mm256_set1_ps(0.693359375f), x);
  r = _mm256_fmadd_ps(n, _mm256_set1_ps(2.12194440e-4f), r);
  __m256 p = _mm256_set1_ps(1.9875691500e-4f);
  p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(1.3981999507e-3f));
  p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(8.3334519073e-3f));
  p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(4.1665795894e-2f));
  p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(1.6666665459e-1f));
  p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(5.0000001201e-1f));
  p = _mm256_add_ps(_mm256_fmadd_ps(_mm256_mul_ps(p, r), r, r), _mm256_set1_ps(1.0f));
  const __m256i bits =
      _mm256_slli_epi32(_mm256_add_epi32(_mm256_cvtps_epi32(n), _mm256_set1_epi32(127)), 23);
  return _mm256_mul_ps(p, _mm256_castsi256_ps(bits));
}

LANCET_AVX2 inline float HSum8(__m256 v) {
  __m128 s = _mm_add_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
  s = _mm_add_ps(s, _mm_movehl_ps(s, s));
  s = _mm_add_ss(s, _mm_movehdup_ps(s));
  return _mm_cvtss_f32(s);
}

LANCET_AVX2 inline float HMax8(__m256 v) {
  __m128 s = _mm_max_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
  s = _mm_max_ps(s, _mm_movehl_ps(s, s));
  s = _mm_max_ss(s, _mm_movehdup_ps(s));
  return _mm_cvtss_f32(s);
}

LANCET_AVX2 void QuickGeluAvx2(float* x, size_t n) {
  const __m256 k = _mm256_set1_ps(-1.702f), one = _mm256_set1_ps(1.0f);
  size_t i = 0;
  for (; i + 8 <= n; i += 8) {
    const __m256 v = _mm256_loadu_ps(x + i);
    const __m256 e = Exp8(_mm256_mul_ps(k, v));
    _mm256_storeu_ps(x + i, _mm256_div_ps(v, _mm256_add_ps(one, e)));
  }
  QuickGeluScalar(x + i, n - i);
}

LANCET_AVX2 void SoftmaxAvx2(float* row, int valid, int T) {
  int j = 0;
  __m256 vmx = _mm256_set1_ps(-INFINITY);
  for (; j + 8 <= valid; j += 8) vmx = _mm256_max_ps(vmx, _mm256_loadu_ps(row + j));
  float mx = HMax8(vmx);
  for (; j < valid; ++j) mx = std::max(mx, row[j]);
  const __m256 m8 = _mm256_set1_ps(mx);
  __m256 vs = _mm256_setzero_ps();
  j = 0;
  for (; j + 8 <= valid; j += 8) {
    const __m256 e = Exp8(_mm256_sub_ps(_mm256_loadu_ps(row + j), m8));
    _mm256_storeu_ps(row + j, e);
    vs = _mm256_add_ps(vs, e);
  }
  float sum = HSum8(vs);
  for (; j < valid; ++j) {
    row[j] = FastExp(row[j] - mx);
    sum += row[j];
  }
  const float inv = 1.0f / sum;
  const __m256 i8 = _mm256_set1_ps(inv);
  j = 0;
  for (; j + 8 <= valid; j += 8)
    _mm256_storeu_ps(row + j, _mm256_mul_ps(_mm256_loadu_ps(row + j), i8));
  for (; j < valid; ++j) row[j] *= inv;
  for (j = valid; j < T; ++j) row[j] = 0.0f;
}

LANCET_AVX2 void LayerNormRowAvx2(const float* x, int d, const LayerNormParams& p, float* y) {
  int k = 0;
  __m256 s = _mm256_setzero_ps();
  for (; k + 8 <= d; k += 8) s = _mm256_add_ps(s, _mm256_loadu_ps(x + k));
  float mean = HSum8(s);
  for (; k < d; ++k) mean += x[k];
  mean /= d;
  const __m256 m8 = _mm256_set1_ps(mean);
  __m256 v = _mm256_setzero_ps();
  k = 0;
  for (; k + 8 <= d; k += 8) {
    const __m256 c = _mm256_sub_ps(_mm256_loadu_ps(x + k), m8);
    v = _mm256_fmadd_ps(c, c, v);
  }
  float var = HSum8(v);
  for (; k < d; ++k) {
    const float c = x[k] - mean;
    var += c * c;
  }
  var /= d;
  const float inv = 1.0f / std::sqrt(var + p.eps);
  const __m256 i8 = _mm256_set1_ps(inv);
  const float* g = p.gamma.data();
  const float* b = p.beta.data();
  k = 0;
  for (; k + 8 <= d; k += 8) {
    const __m256 c = _mm256_mul_ps(_mm256_sub_ps(_mm256_loadu_ps(x + k), m8), i8);
    _mm256_storeu_ps(y + k, _mm256_fmadd_ps(c, _mm256_loadu_ps(g + k), _mm256_loadu_ps(b + k)));
  }
  for (; k < d; ++k) y[k] = (x[k] - mean) * inv * g[k] + b[k];
}

void QuickGelu(float* x, size_t n) {
  if (UseAvx2()) {
    QuickGeluAvx2(x, n);
  } else {
    QuickGeluScalar(x, n);
  }
}

void Softmax(float* row, int valid, int T) {
  if (UseAvx2()) {
    SoftmaxAvx2(row, valid, T);
  } else {
    SoftmaxScalar(row, valid, T);
  }
}

// ---- parallel stages --------------------------------------------------------------------------

// Output-column blocks of a GEMM: a few per thread (dynamic balance on a busy machine), at least
// 64 columns, multiples of 16 (the sgemm kernels' panel width).
constexpr int kBlocksPerThread = 2;

int ColumnBlockWidth(int out, int threads) {
  if (threads <= 1) return out;
  const int nb = std::max(1, std::min(threads * kBlocksPerThread, out / 64));
  int w = (out + nb - 1) / nb;
  w = (w + 15) / 16 * 16;
  return std::max(1, std::min(w, out));
}

// y[:, n0:n1] = beta y + x W[n0:n1]^T (+ bias), then epi(n0, n1) on that block.
template <typename Epi>
void GemmBlocks(ThreadPool* pool, const float* x, int rows, int in, const float* w, int out,
                const float* bias, float beta, float* y, int ldy, Epi&& epi) {
  const int bw = ColumnBlockWidth(out, pool->size());
  const int nb = (out + bw - 1) / bw;
  pool->ParallelFor(nb, [&](int blk) {
    const int n0 = blk * bw, n1 = std::min(out, n0 + bw), nw = n1 - n0;
    float b = beta;
    if (bias != nullptr) {
      for (int r = 0; r < rows; ++r) {
        float* yr = y + static_cast<size_t>(r) * ldy + n0;
        if (beta == 0.0f) {
          std::memcpy(yr, bias + n0, sizeof(float) * nw);
        } else {
          for (int k = 0; k < nw; ++k) yr[k] = beta * yr[k] + bias[n0 + k];
        }
      }
      b = 1.0f;
    }
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, rows, nw, in, 1.0f, x, in,
                w + static_cast<size_t>(n0) * in, in, b, y + n0, ldy);
    epi(n0, n1);
  });
}

// Row blocks for elementwise / per-row work.
template <typename Fn>
void RowBlocks(ThreadPool* pool, int rows, int min_rows, Fn&& fn) {
  const int threads = pool->size();
  const int nb = std::max(1, std::min(threads * 4, rows / std::max(1, min_rows)));
  const int per = (rows + nb - 1) / nb;
  pool->ParallelFor((rows + per - 1) / per, [&](int blk) {
    const int r0 = blk * per;
    fn(r0, std::min(rows, r0 + per));
  });
}

void Attention(ThreadPool* pool, const float* qkv, int B, int T, int d, int heads, bool causal,
               float* scores, float* ctx) {
  const int dh = d / heads;
  const int ld = 3 * d;
  pool->ParallelFor(B * heads, [&](int item) {
    const int b = item / heads, h = item % heads;
    float* sc = scores + static_cast<size_t>(item) * T * T;
    const float* base = qkv + static_cast<size_t>(b) * T * ld;
    const float* q = base + h * dh;
    const float* k = base + d + h * dh;
    const float* v = base + 2 * d + h * dh;
    // Causal: query i sees keys 0..i; for T queries only the lower triangle is needed, but the
    // full T x T product is one small GEMM (the masked part is zeroed by the softmax).
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, T, T, dh, 1.0f, q, ld, k, ld, 0.0f, sc, T);
    for (int i = 0; i < T; ++i) Softmax(sc + static_cast<size_t>(i) * T, causal ? i + 1 : T, T);
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, T, dh, T, 1.0f, sc, T, v, ld, 0.0f,
                ctx + static_cast<size_t>(b) * T * d + h * dh, d);
  });
}

}  // namespace

void LayerNorm(const float* in, int rows, int d, const LayerNormParams& p, float* out) {
  const bool avx2 = UseAvx2();
  for (int r = 0; r < rows; ++r) {
    const float* x = in + static_cast<size_t>(r) * d;
    float* y = out + static_cast<size_t>(r) * d;
    if (avx2) {
      LayerNormRowAvx2(x, d, p, y);
    } else {
      LayerNormRowScalar(x, d, p, y);
    }
  }
}

void ParallelLayerNorm(ThreadPool* pool, const float* in, int rows, int d, const LayerNormParams& p,
                       float* out) {
  RowBlocks(pool, rows, 16, [&](int r0, int r1) {
    LayerNorm(in + static_cast<size_t>(r0) * d, r1 - r0, d, p, out + static_cast<size_t>(r0) * d);
  });
}

void ParallelGemm(ThreadPool* pool, const float* x, int rows, int in, const float* w, int out,
                  const float* bias, float beta, float* y, int ldy) {
  GemmBlocks(pool, x, rows, in, w, out, bias, beta, y, ldy, [](int, int) {});
}

void RunEncoder(const TowerWeights& w, int B, int T, bool causal, float* x, Scratch* s,
                ThreadPool* pool) {
  const int d = w.hidden, R = B * T, I = w.intermediate;
  float* a = s->Resize(&s->a, static_cast<size_t>(R) * d);
  float* qkv = s->Resize(&s->qkv, static_cast<size_t>(R) * 3 * d);
  float* ctx = s->Resize(&s->ctx, static_cast<size_t>(R) * d);
  float* mlp = s->Resize(&s->mlp, static_cast<size_t>(R) * I);
  float* scores = s->Resize(&s->scores, static_cast<size_t>(B) * w.heads * T * T);
  const bool quick = w.quick_gelu;
  auto act = [&](int n0, int n1) {
    for (int r = 0; r < R; ++r) {
      float* row = mlp + static_cast<size_t>(r) * I + n0;
      if (quick) {
        QuickGelu(row, n1 - n0);
      } else {
        Gelu(row, n1 - n0);
      }
    }
  };
  for (const LayerWeights& L : w.layers) {
    // x += out_proj(attention(ln1(x)))
    ParallelLayerNorm(pool, x, R, d, L.ln1, a);
    ParallelGemm(pool, a, R, d, L.qkv.w.data(), 3 * d, L.qkv.b.data(), 0.0f, qkv, 3 * d);
    Attention(pool, qkv, B, T, d, w.heads, causal, scores, ctx);
    ParallelGemm(pool, ctx, R, d, L.out.w.data(), d, L.out.b.data(), 1.0f, x, d);
    // x += fc2(act(fc1(ln2(x))))
    ParallelLayerNorm(pool, x, R, d, L.ln2, a);
    GemmBlocks(pool, a, R, d, L.fc1.w.data(), I, L.fc1.b.data(), 0.0f, mlp, I, act);
    ParallelGemm(pool, mlp, R, I, L.fc2.w.data(), d, L.fc2.b.data(), 1.0f, x, d);
  }
}

int ResolveThreads(int n) {
  if (n > 0) return n;
  const unsigned hw = std::thread::hardware_concurrency();
  return hw == 0 ? 1 : static_cast<int>(hw);
}

void SetBlasThreads(int n) {
  if (n <= 0) n = openblas_get_num_procs();
  openblas_set_num_threads(std::max(1, n));
}

void EnsureBlasSingleThreaded() {
  if (openblas_get_num_threads() != 1) openblas_set_num_threads(1);
}

int BlasThreads() { return openblas_get_num_threads(); }

}  // namespace lancet::embed::internal
