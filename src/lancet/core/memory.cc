// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The lancet authors
#include "lancet/core/memory.h"

#include <cstdlib>
#include <limits>

#if defined(__GLIBC__)
#include <malloc.h>
#endif
#if defined(__linux__)
#include <sys/mman.h>
#endif

namespace lancet {

bool RetainLargeAllocations(size_t max_block_bytes) {
  const char* env = std::getenv("LANCET_MALLOC_DEFAULTS");
  if (env != nullptr && env[0] != '\0' && env[0] != '0') return false;
#if defined(__GLIBC__)
  const int v = max_block_bytes > static_cast<size_t>(std::numeric_limits<int>::max())
                    ? std::numeric_limits<int>::max()
                    : static_cast<int>(max_block_bytes);
  // Blocks below the mmap threshold come from the heap; the trim threshold keeps freed memory
  // at the top of the heap instead of handing it back at once.
  const bool mmap_ok = mallopt(M_MMAP_THRESHOLD, v) == 1;
  const bool trim_ok = mallopt(M_TRIM_THRESHOLD, v) == 1;
  return mmap_ok && trim_ok;
#else
  (void)max_block_bytes;
  return false;
#endif
}

void* AllocateLarge(size_t bytes) {
  constexpr size_t kHuge = size_t{2} << 20;
  if (bytes < 2 * kHuge) {
    // Cache-line aligned, so 64-byte vector loads of rows whose size is a multiple of 64 bytes
    // never straddle two lines.
    return std::aligned_alloc(64, (bytes + 63) / 64 * 64 + (bytes == 0 ? 64 : 0));
  }
  const size_t rounded = (bytes + kHuge - 1) / kHuge * kHuge;
  void* p = std::aligned_alloc(kHuge, rounded);
#if defined(__linux__) && defined(MADV_HUGEPAGE)
  if (p != nullptr) (void)madvise(p, rounded, MADV_HUGEPAGE);  // advice only
#endif
  return p;
}

void FreeLarge(void* p) { std::free(p); }

}  // namespace lancet
