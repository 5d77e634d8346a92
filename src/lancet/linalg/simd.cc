// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The lancet authors
#include "lancet/linalg/simd.h"

#include <hwy/targets.h>

#include <algorithm>
#include <atomic>
#include <cctype>
#include <cstdio>
#include <cstdlib>
#include <string>

namespace lancet::linalg {
namespace {

SimdLevel DetectOnce() {
#if defined(__x86_64__) || defined(_M_X64) || defined(__i386__)
  // Highway checks cpuid and xgetbv (the OS must have enabled YMM/ZMM state); its AVX3 target is
  // AVX-512 F+VL+DQ+BW, AVX2 is AVX2+FMA+BMI2+F16C: exactly what our kernels use.
  const int64_t targets = hwy::SupportedTargets();
  if (targets & (HWY_AVX3 | HWY_AVX3_DL)) return SimdLevel::kAvx512;
  if (targets & HWY_AVX2) return SimdLevel::kAvx2;
#endif
  return SimdLevel::kScalar;
}

// -1 = not yet resolved from the environment.
std::atomic<int> g_active{-1};

}  // namespace

const char* SimdLevelName(SimdLevel level) {
  switch (level) {
    case SimdLevel::kScalar:
      return "scalar";
    case SimdLevel::kAvx2:
      return "avx2";
    case SimdLevel::kAvx512:
      return "avx512";
  }
  return "unknown";
}

Result<SimdLevel> ParseSimdLevel(std::string_view name) {
  std::string s(name);
  std::transform(s.begin(), s.end(), s.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  if (s == "scalar" || s == "none" || s == "generic") return SimdLevel::kScalar;
  if (s == "avx2") return SimdLevel::kAvx2;
  if (s == "avx512" || s == "avx512f" || s == "avx3") return SimdLevel::kAvx512;
  return Status::InvalidArgument("unknown SIMD level '" + std::string(name) +
                                 "' (expected scalar, avx2 or avx512)");
}

SimdLevel DetectedSimdLevel() {
  static const SimdLevel kDetected = DetectOnce();
  return kDetected;
}

SimdLevel ResolveSimdLevel(const char* requested) {
  const SimdLevel detected = DetectedSimdLevel();
  if (requested == nullptr || *requested == '\0') return detected;
  Result<SimdLevel> parsed = ParseSimdLevel(requested);
  if (!parsed.ok()) {
    std::fprintf(stderr, "lancet: ignoring LANCET_SIMD_LEVEL: %s\n",
                 parsed.status().message().c_str());
    return detected;
  }
  return std::min(*parsed, detected);
}

SimdLevel ReloadSimdLevelFromEnv() {
  const SimdLevel level = ResolveSimdLevel(std::getenv("LANCET_SIMD_LEVEL"));
  g_active.store(static_cast<int>(level), std::memory_order_release);
  return level;
}

SimdLevel ActiveSimdLevel() {
  const int v = g_active.load(std::memory_order_acquire);
  if (v >= 0) return static_cast<SimdLevel>(v);
  return ReloadSimdLevelFromEnv();
}

SimdLevel SetActiveSimdLevel(SimdLevel level) {
  const SimdLevel clamped = std::min(level, DetectedSimdLevel());
  g_active.store(static_cast<int>(clamped), std::memory_order_release);
  return clamped;
}

}  // namespace lancet::linalg
