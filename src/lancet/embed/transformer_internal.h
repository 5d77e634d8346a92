// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The lancet authors
//
// Internal: the pre-LayerNorm transformer encoder shared by CLIP's text and vision towers, on
// OpenBLAS sgemm. Activations are row-major [batch * tokens, hidden].
#pragma once

#include <cstddef>
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

/// Reusable activation buffers (grow only).
struct Scratch {
  std::vector<float> x, a, qkv, ctx, mlp, scores, cols;
  float* Resize(std::vector<float>* v, size_t n) {
    if (v->size() < n) v->resize(n);
    return v->data();
  }
};

/// \brief out[r] = LayerNorm(in[r]) for `rows` rows of `d` floats (in may equal out).
void LayerNorm(const float* in, int rows, int d, const LayerNormParams& p, float* out);

/// \brief Run every encoder layer in place on x ([B*T, hidden]); causal masks future tokens.
void RunEncoder(const TowerWeights& w, int B, int T, bool causal, float* x, Scratch* s);

/// \brief Set the OpenBLAS thread count (0 = all cores).
void SetBlasThreads(int n);

/// \brief The OpenBLAS thread count in effect.
int BlasThreads();

}  // namespace lancet::embed::internal
