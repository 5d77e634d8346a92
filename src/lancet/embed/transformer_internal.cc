// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The lancet authors
#include "lancet/embed/transformer_internal.h"

#include <cblas.h>

#include <algorithm>
#include <cmath>
#include <cstring>

namespace lancet::embed::internal {
namespace {

// y[r] = bias for every row: the GEMM then accumulates onto it (beta = 1).
void FillBias(float* y, int rows, const std::vector<float>& b) {
  const size_t n = b.size();
  for (int r = 0; r < rows; ++r) std::memcpy(y + r * n, b.data(), sizeof(float) * n);
}

void AddBias(float* y, int rows, const std::vector<float>& b) {
  const size_t n = b.size();
  for (int r = 0; r < rows; ++r) {
    float* row = y + r * n;
    for (size_t k = 0; k < n; ++k) row[k] += b[k];
  }
}

// y (+)= x W^T, x: rows x in, W: out x in.
void Gemm(const float* x, int rows, const Linear& l, float beta, float* y) {
  cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, rows, l.out, l.in, 1.0f, x, l.in,
              l.w.data(), l.in, beta, y, l.out);
}

// exp(x) for x <= 0 region used by softmax and sigmoid; vectorisable (no libm call). Range
// reduction x = n ln2 + r, |r| <= ln2/2, degree-6 polynomial: relative error < 2e-7.
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

void QuickGelu(float* x, size_t n) {
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

void Attention(const float* qkv, int B, int T, int d, int heads, bool causal, float* scores,
               float* ctx) {
  const int dh = d / heads;
  const int ld = 3 * d;
  for (int b = 0; b < B; ++b) {
    const float* base = qkv + static_cast<size_t>(b) * T * ld;
    for (int h = 0; h < heads; ++h) {
      const float* q = base + h * dh;
      const float* k = base + d + h * dh;
      const float* v = base + 2 * d + h * dh;
      cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, T, T, dh, 1.0f, q, ld, k, ld, 0.0f,
                  scores, T);
      for (int i = 0; i < T; ++i) {
        float* row = scores + static_cast<size_t>(i) * T;
        const int valid = causal ? i + 1 : T;
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
      cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, T, dh, T, 1.0f, scores, T, v, ld,
                  0.0f, ctx + static_cast<size_t>(b) * T * d + h * dh, d);
    }
  }
}

}  // namespace

void LayerNorm(const float* in, int rows, int d, const LayerNormParams& p, float* out) {
  for (int r = 0; r < rows; ++r) {
    const float* x = in + static_cast<size_t>(r) * d;
    float* y = out + static_cast<size_t>(r) * d;
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
}

void RunEncoder(const TowerWeights& w, int B, int T, bool causal, float* x, Scratch* s) {
  const int d = w.hidden, R = B * T, I = w.intermediate;
  float* a = s->Resize(&s->a, static_cast<size_t>(R) * d);
  float* qkv = s->Resize(&s->qkv, static_cast<size_t>(R) * 3 * d);
  float* ctx = s->Resize(&s->ctx, static_cast<size_t>(R) * d);
  float* mlp = s->Resize(&s->mlp, static_cast<size_t>(R) * I);
  float* scores = s->Resize(&s->scores, static_cast<size_t>(T) * T);
  for (const LayerWeights& L : w.layers) {
    // x += out_proj(attention(ln1(x)))
    LayerNorm(x, R, d, L.ln1, a);
    FillBias(qkv, R, L.qkv.b);
    Gemm(a, R, L.qkv, 1.0f, qkv);
    Attention(qkv, B, T, d, w.heads, causal, scores, ctx);
    AddBias(x, R, L.out.b);
    Gemm(ctx, R, L.out, 1.0f, x);
    // x += fc2(act(fc1(ln2(x))))
    LayerNorm(x, R, d, L.ln2, a);
    FillBias(mlp, R, L.fc1.b);
    Gemm(a, R, L.fc1, 1.0f, mlp);
    if (w.quick_gelu) {
      QuickGelu(mlp, static_cast<size_t>(R) * I);
    } else {
      Gelu(mlp, static_cast<size_t>(R) * I);
    }
    AddBias(x, R, L.fc2.b);
    Gemm(mlp, R, L.fc2, 1.0f, x);
  }
}

void SetBlasThreads(int n) {
  if (n <= 0) n = openblas_get_num_procs();
  openblas_set_num_threads(std::max(1, n));
}

int BlasThreads() { return openblas_get_num_threads(); }

}  // namespace lancet::embed::internal
