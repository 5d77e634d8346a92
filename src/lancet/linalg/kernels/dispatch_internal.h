// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The lancet authors
//
// Internal: the per-ISA kernel tables and the target-attribute macros used by the kernel files.
//
// ISA selection is per function (GCC/Clang `__attribute__((target(...)))`, the mechanism Highway's
// HWY_ATTR uses), so the kernel files need no special compile flags and the rest of the library
// stays baseline x86-64. Each table is only handed out when the CPU supports it (KernelsFor()).
#pragma once

#include "lancet/linalg/distance.h"

#if defined(__x86_64__) || defined(_M_X64) || defined(__i386__)
#define LANCET_LINALG_X86 1
#define LANCET_TARGET_AVX2 __attribute__((target("avx,avx2,fma")))
#define LANCET_TARGET_AVX512 \
  __attribute__((target("avx,avx2,fma,avx512f,avx512bw,avx512dq,avx512vl")))
#else
#define LANCET_LINALG_X86 0
#endif

namespace lancet::linalg::internal {

const DistanceKernels& ScalarKernels();
#if LANCET_LINALG_X86
const DistanceKernels& Avx2Kernels();
const DistanceKernels& Avx512Kernels();
#endif

}  // namespace lancet::linalg::internal
