// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The lancet authors
//
// Process-level allocator policy for lancet's executables.
#pragma once

#include <cstddef>
#include <new>

namespace lancet {

/// \brief Make glibc's malloc serve blocks up to `max_block_bytes` from its heap and keep up to
/// that much freed memory for reuse, instead of mapping every large block afresh and returning it
/// on free (glibc's defaults: blocks above 128 KiB-32 MiB are mmap()ed and munmap()ed).
///
/// Scans decode batches of tens of MiB and index builds allocate and free large arrays over and
/// over; with the defaults each one is fresh memory from the kernel, whose first touch costs a
/// page fault per 4 KiB (measured on the development VM: ~3 s per GiB, i.e. a 2 GiB vector
/// column scan spent 8 s faulting pages and 0.4 s decoding). A library does not change process
/// allocator settings behind its embedder's back: the lancet executables (CLI, benchmarks) call
/// this at start-up, and embedders may too. Setting the environment variable
/// LANCET_MALLOC_DEFAULTS=1 skips it. Returns whether the settings were applied.
bool RetainLargeAllocations(size_t max_block_bytes = size_t{512} << 20);

/// \brief Allocate `bytes` for a large, long-lived array that is streamed over and over (the
/// vector cache): blocks of 4 MiB or more are mapped afresh from the kernel (not reused malloc
/// memory, which may already sit on 4 KiB pages), 2 MiB-aligned and marked for transparent huge
/// pages (madvise(MADV_HUGEPAGE); a no-op where THP is off). On the development VM a 2 GiB scan
/// reads at ~46-55 GB/s from 4 KiB pages and ~72 GB/s from 2 MiB pages (the TLB misses of nested
/// paging) on one host, 27 vs 31 GB/s on another. Smaller blocks are 64-byte aligned malloc
/// memory. Returns nullptr on failure. Free with FreeLarge, passing the same `bytes`.
void* AllocateLarge(size_t bytes);
void FreeLarge(void* p, size_t bytes);

/// std::allocator-compatible use of AllocateLarge / FreeLarge.
template <typename T>
struct LargeAllocator {
  using value_type = T;
  LargeAllocator() = default;
  template <typename U>
  LargeAllocator(const LargeAllocator<U>&) {}  // NOLINT: implicit, as allocators are
  T* allocate(size_t n) {
    if (n > static_cast<size_t>(-1) / sizeof(T)) throw std::bad_array_new_length();
    void* p = AllocateLarge(n * sizeof(T));
    if (p == nullptr) throw std::bad_alloc();
    return static_cast<T*>(p);
  }
  void deallocate(T* p, size_t n) { FreeLarge(p, n * sizeof(T)); }
  template <typename U>
  bool operator==(const LargeAllocator<U>&) const {
    return true;
  }
};

}  // namespace lancet
