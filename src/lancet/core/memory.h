// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The lancet authors
//
// Process-level allocator policy for lancet's executables.
#pragma once

#include <cstddef>

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

}  // namespace lancet
