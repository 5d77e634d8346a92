// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The lancet authors
#include "lancet/core/memory.h"

#include <cstdint>
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

namespace {
constexpr size_t kHuge = size_t{2} << 20;
constexpr size_t kMappedMin = 2 * kHuge;  // blocks from here on are mapped, not malloc()ed
size_t RoundToHuge(size_t bytes) { return (bytes + kHuge - 1) / kHuge * kHuge; }
}  // namespace

void* AllocateLarge(size_t bytes) {
  if (bytes < kMappedMin) {
    // Cache-line aligned, so 64-byte vector loads of rows whose size is a multiple of 64 bytes
    // never straddle two lines.
    return std::aligned_alloc(64, (bytes + 63) / 64 * 64 + (bytes == 0 ? 64 : 0));
  }
  const size_t rounded = RoundToHuge(bytes);
#if defined(__linux__)
  // Fresh, untouched pages straight from the kernel: memory malloc() hands back may already be
  // backed by 4 KiB pages (a heap kept by RetainLargeAllocations is), and advice does not turn
  // those into huge pages; untouched ones fault in as 2 MiB pages. Map one huge page more than
  // needed and unmap the slack on both sides, leaving a 2 MiB-aligned block.
  if (rounded > static_cast<size_t>(-1) - kHuge) return nullptr;
  void* m = mmap(nullptr, rounded + kHuge, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
                 -1, 0);
  if (m == MAP_FAILED) return nullptr;
  const uintptr_t base = reinterpret_cast<uintptr_t>(m);
  const uintptr_t aligned = (base + kHuge - 1) / kHuge * kHuge;
  if (aligned > base) (void)munmap(m, aligned - base);
  const size_t tail = base + rounded + kHuge - (aligned + rounded);
  if (tail > 0) (void)munmap(reinterpret_cast<void*>(aligned + rounded), tail);
  void* p = reinterpret_cast<void*>(aligned);
#if defined(MADV_HUGEPAGE)
  (void)madvise(p, rounded, MADV_HUGEPAGE);  // advice only: a no-op where THP is off
#endif
  return p;
#else
  return std::aligned_alloc(kHuge, rounded);
#endif
}

void FreeLarge(void* p, size_t bytes) {
  if (p == nullptr) return;
#if defined(__linux__)
  if (bytes >= kMappedMin) {
    (void)munmap(p, RoundToHuge(bytes));
    return;
  }
#else
  (void)bytes;
#endif
  std::free(p);
}

}  // namespace lancet
