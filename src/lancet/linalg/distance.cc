// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The lancet authors
#include "lancet/linalg/distance.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <string>
#include <vector>

#include "lancet/linalg/kernels/dispatch_internal.h"

namespace lancet::linalg {

const char* MetricTypeName(MetricType metric) {
  switch (metric) {
    case MetricType::kL2:
      return "l2";
    case MetricType::kCosine:
      return "cosine";
    case MetricType::kDot:
      return "dot";
  }
  return "unknown";
}

Result<MetricType> ParseMetricType(std::string_view name) {
  std::string s(name);
  std::transform(s.begin(), s.end(), s.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  if (s == "l2" || s == "euclidean") return MetricType::kL2;
  if (s == "cosine") return MetricType::kCosine;
  if (s == "dot") return MetricType::kDot;
  return Status::InvalidArgument("unknown metric type '" + std::string(name) +
                                 "' (expected l2, euclidean, cosine or dot)");
}

const DistanceKernels& KernelsFor(SimdLevel level) {
  const SimdLevel l = std::min(level, DetectedSimdLevel());
#if LANCET_LINALG_X86
  if (l == SimdLevel::kAvx512) return internal::Avx512Kernels();
  if (l == SimdLevel::kAvx2) return internal::Avx2Kernels();
#endif
  return internal::ScalarKernels();
}

const DistanceKernels& ActiveKernels() { return KernelsFor(ActiveSimdLevel()); }

float L2Sq(const float* a, const float* b, size_t dim) { return ActiveKernels().l2sq(a, b, dim); }

float Dot(const float* a, const float* b, size_t dim) { return ActiveKernels().dot(a, b, dim); }

float DotDistance(const float* a, const float* b, size_t dim) {
  return 1.0f - ActiveKernels().dot(a, b, dim);
}

float CosineDistance(const float* a, const float* b, size_t dim) {
  const DistanceKernels& k = ActiveKernels();
  const float denom = std::sqrt(k.norm_l2sq(a, dim)) * std::sqrt(k.norm_l2sq(b, dim));
  return denom > 0.0f ? 1.0f - k.dot(a, b, dim) / denom : 1.0f;
}

float NormL2Sq(const float* a, size_t dim) { return ActiveKernels().norm_l2sq(a, dim); }

float Distance(MetricType metric, const float* a, const float* b, size_t dim) {
  switch (metric) {
    case MetricType::kL2:
      return L2Sq(a, b, dim);
    case MetricType::kCosine:
      return CosineDistance(a, b, dim);
    case MetricType::kDot:
      return DotDistance(a, b, dim);
  }
  return L2Sq(a, b, dim);
}

void DistanceBatch(MetricType metric, const float* query, const float* data, size_t n, size_t dim,
                   float* out) {
  const DistanceKernels& k = ActiveKernels();
  switch (metric) {
    case MetricType::kL2:
      k.l2sq_batch(query, data, n, dim, out);
      return;
    case MetricType::kCosine:
      k.cosine_batch(query, data, n, dim, out);
      return;
    case MetricType::kDot:
      k.dot_batch(query, data, n, dim, out);
      for (size_t i = 0; i < n; ++i) out[i] = 1.0f - out[i];
      return;
  }
}

void DotBatch(const float* query, const float* data, size_t n, size_t dim, float* out) {
  ActiveKernels().dot_batch(query, data, n, dim, out);
}

void NormL2SqBatch(const float* data, size_t n, size_t dim, float* out) {
  ActiveKernels().norm_l2sq_batch(data, n, dim, out);
}

void NormalizeRows(float* data, size_t n, size_t dim) {
  const DistanceKernels& k = ActiveKernels();
  for (size_t i = 0; i < n; ++i) {
    float* row = data + i * dim;
    const float norm = std::sqrt(k.norm_l2sq(row, dim));
    if (norm > 0.0f) {
      const float inv = 1.0f / norm;
      for (size_t j = 0; j < dim; ++j) row[j] *= inv;
    }
  }
}

void PqDistanceAccumulate(const float* table, const uint8_t* codes_transposed, size_t n, size_t m,
                          float* out) {
  ActiveKernels().pq_accumulate(table, codes_transposed, n, m, out);
}

size_t PackedPanelsSize(size_t nc, size_t dim, size_t panel_width) {
  const size_t panels = (nc + panel_width - 1) / panel_width;
  return panels * panel_width * dim;
}

void PackPanels(const float* c, size_t nc, size_t dim, size_t panel_width, float* packed) {
  const size_t panels = (nc + panel_width - 1) / panel_width;
  for (size_t p = 0; p < panels; ++p) {
    float* dst = packed + p * dim * panel_width;
    for (size_t t = 0; t < panel_width; ++t) {
      const size_t row = p * panel_width + t;
      if (row < nc) {
        const float* src = c + row * dim;
        for (size_t j = 0; j < dim; ++j) dst[j * panel_width + t] = src[j];
      } else {
        for (size_t j = 0; j < dim; ++j) dst[j * panel_width + t] = 0.0f;
      }
    }
  }
}

void DotBlock(const float* x, size_t nx, const float* c, size_t nc, size_t dim, float* out,
              size_t ldo) {
  const DistanceKernels& k = ActiveKernels();
  std::vector<float> packed(PackedPanelsSize(nc, dim, k.panel_width));
  PackPanels(c, nc, dim, k.panel_width, packed.data());
  k.dot_block_packed(x, nx, packed.data(), nc, dim, out, ldo);
}

}  // namespace lancet::linalg
