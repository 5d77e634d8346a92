// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The lancet authors
//
// SIMD level detection and selection for the linalg kernels.
//
// The CPU's best level is detected once (cpuid + xgetbv, via Highway's target detection, so the
// OS must also have enabled the AVX/AVX-512 register state). The environment variable
// LANCET_SIMD_LEVEL=scalar|avx2|avx512 lowers the active level; it never raises it above what the
// CPU supports. Thread-safety: all functions are thread-safe; SetActiveSimdLevel() is meant for
// program start (CLI flags, benchmarks, tests) and affects kernels fetched after the call.
#pragma once

#include <string_view>

#include "lancet/core/result.h"

namespace lancet::linalg {

/// Kernel instruction-set levels, ordered: a higher value implies the lower ones.
enum class SimdLevel : int {
  kScalar = 0,  ///< portable C++ (the compiler may still use the SSE2 baseline)
  kAvx2 = 1,    ///< AVX2 + FMA (256-bit)
  kAvx512 = 2,  ///< AVX-512 F/BW/DQ/VL (512-bit)
};

/// \brief "scalar", "avx2" or "avx512".
const char* SimdLevelName(SimdLevel level);

/// \brief Parse "scalar" | "avx2" | "avx512" (case-insensitive; "avx3"/"avx512f" also accepted).
Result<SimdLevel> ParseSimdLevel(std::string_view name);

/// \brief The best level this CPU (and OS) supports; detected once.
SimdLevel DetectedSimdLevel();

/// \brief The level the kernels use: min(DetectedSimdLevel(), LANCET_SIMD_LEVEL if set), or the
/// value passed to SetActiveSimdLevel(). An unparsable LANCET_SIMD_LEVEL is ignored (with a note
/// on stderr).
SimdLevel ActiveSimdLevel();

/// \brief Resolve a LANCET_SIMD_LEVEL-style value against the detected level: nullptr/empty or
/// unparsable -> DetectedSimdLevel(); otherwise min(parsed, detected). Pure; used by
/// ActiveSimdLevel() on first call and exposed for tests and CLI flags.
SimdLevel ResolveSimdLevel(const char* requested);

/// \brief Force the active level (clamped to DetectedSimdLevel()); returns the level now active.
SimdLevel SetActiveSimdLevel(SimdLevel level);

/// \brief Re-read LANCET_SIMD_LEVEL from the environment and make it active; returns the level.
SimdLevel ReloadSimdLevelFromEnv();

}  // namespace lancet::linalg
