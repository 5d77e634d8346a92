// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The lancet authors
//
// Scalar reference kernels: the ground truth the SIMD versions are tested against. Plain loops,
// one accumulator, in index order.
#include <cmath>
#include <cstddef>
#include <cstdint>

#include "lancet/linalg/kernels/dispatch_internal.h"

namespace lancet::linalg::internal {
namespace {

float L2SqScalar(const float* a, const float* b, size_t dim) {
  float s = 0.0f;
  for (size_t i = 0; i < dim; ++i) {
    const float d = a[i] - b[i];
    s += d * d;
  }
  return s;
}

float DotScalar(const float* a, const float* b, size_t dim) {
  float s = 0.0f;
  for (size_t i = 0; i < dim; ++i) s += a[i] * b[i];
  return s;
}

float NormL2SqScalar(const float* a, size_t dim) { return DotScalar(a, a, dim); }

void L2SqBatchScalar(const float* q, const float* data, size_t n, size_t dim, float* out) {
  for (size_t i = 0; i < n; ++i) out[i] = L2SqScalar(q, data + i * dim, dim);
}

void DotBatchScalar(const float* q, const float* data, size_t n, size_t dim, float* out) {
  for (size_t i = 0; i < n; ++i) out[i] = DotScalar(q, data + i * dim, dim);
}

void CosineBatchScalar(const float* q, const float* data, size_t n, size_t dim, float* out) {
  const float qn = std::sqrt(NormL2SqScalar(q, dim));
  for (size_t i = 0; i < n; ++i) {
    const float* d = data + i * dim;
    const float dn = std::sqrt(NormL2SqScalar(d, dim));
    const float denom = qn * dn;
    out[i] = denom > 0.0f ? 1.0f - DotScalar(q, d, dim) / denom : 1.0f;
  }
}

void NormL2SqBatchScalar(const float* data, size_t n, size_t dim, float* out) {
  for (size_t i = 0; i < n; ++i) out[i] = NormL2SqScalar(data + i * dim, dim);
}

void PqAccumulateScalar(const float* table, const uint8_t* codes_t, size_t n, size_t m,
                        float* out) {
  for (size_t i = 0; i < n; ++i) out[i] = 0.0f;
  for (size_t s = 0; s < m; ++s) {
    const float* t = table + s * 256;
    const uint8_t* c = codes_t + s * n;
    for (size_t i = 0; i < n; ++i) out[i] += t[c[i]];
  }
}

// Panel width 1: packed_c is simply the row-major c.
void DotBlockPackedScalar(const float* x, size_t nx, const float* packed_c, size_t nc, size_t dim,
                          float* out, size_t ldo) {
  for (size_t i = 0; i < nx; ++i) {
    for (size_t j = 0; j < nc; ++j) {
      out[i * ldo + j] = DotScalar(x + i * dim, packed_c + j * dim, dim);
    }
  }
}

void ArgminAffineScalar(const float* dots, const float* bias, const float* mult, size_t n,
                        uint32_t id0, float* best, uint32_t* best_id) {
  float b = *best;
  uint32_t bid = *best_id;
  for (size_t j = 0; j < n; ++j) {
    const float prod = mult[j] * dots[j];
    const float v = bias[j] + prod;
    if (v < b) {
      b = v;
      bid = id0 + static_cast<uint32_t>(j);
    }
  }
  *best = b;
  *best_id = bid;
}

}  // namespace

const DistanceKernels& ScalarKernels() {
  static const DistanceKernels kTable = {
      SimdLevel::kScalar, L2SqScalar,          DotScalar,         NormL2SqScalar,
      L2SqBatchScalar,    DotBatchScalar,      CosineBatchScalar, NormL2SqBatchScalar,
      PqAccumulateScalar, DotBlockPackedScalar, 1,
      ArgminAffineScalar};
  return kTable;
}

}  // namespace lancet::linalg::internal
