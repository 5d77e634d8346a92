// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The lancet authors
//
// Process-wide cache for warm vector search: decoded vector columns of data files, deletion
// vectors and opened data-file readers, all keyed by the identity of immutable files (dataset
// base + file path [+ column] + file size), under one byte budget with LRU eviction.
// Lance never rewrites a data file or a deletion file in place, so entries never go stale;
// deletions are applied per query from the version's deletion files (a row deleted after its
// file was cached is masked out, never returned). Thread-safe.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <vector>

#include "lancet/core/memory.h"
#include "lancet/core/result.h"
#include "lancet/file/file_reader.h"
#include "lancet/table/dataset.h"

namespace lancet::index {

/// The vector column of one fragment's data file, decoded: row i (physical offset in the
/// fragment) occupies values[i*dim, (i+1)*dim). state[i]: 1 = loaded, 2 = null vector, 0 = not
/// loaded (the row was deleted in the version that filled the entry).
struct CachedVectors {
  size_t dim = 0;
  size_t num_rows = 0;
  /// physical_rows x dim floats, on huge pages where the system allows (streamed by every flat
  /// search: see lancet/core/memory.h).
  std::vector<float, LargeAllocator<float>> values;
  std::vector<uint8_t> state;
  size_t missing = 0;  // rows with state 0
  size_t bytes() const { return values.size() * sizeof(float) + state.size() + 64; }
};

struct VectorCacheStats {
  uint64_t hits = 0;
  uint64_t misses = 0;
  uint64_t evictions = 0;
  uint64_t entries = 0;
  uint64_t bytes = 0;
  uint64_t capacity = 0;
};

/// \brief Byte budget of the cache (default 4 GiB, or env LANCET_VECTOR_CACHE_BYTES). Lowering
/// it evicts least recently used entries at once; 0 disables caching (every query reads).
void SetVectorCacheCapacity(uint64_t bytes);
VectorCacheStats GetVectorCacheStats();
/// \brief Drop every entry (tests, benchmarks measuring cold behaviour).
void ClearVectorCache();

/// \brief Decoded vectors of `column` for one fragment of `ds` (read through the dataset's
/// FileSystem on a miss; `reload` reads and replaces the entry even on a hit). `dim` is the
/// column's fixed size.
Result<std::shared_ptr<const CachedVectors>> FragmentVectors(const table::Dataset& ds,
                                                             const table::Fragment& fragment,
                                                             const Field& field, size_t dim,
                                                             bool reload = false);
/// \brief The cached entry if present (no I/O), else null.
std::shared_ptr<const CachedVectors> PeekFragmentVectors(const table::Dataset& ds,
                                                         const table::Fragment& fragment,
                                                         const Field& field);

/// \brief Deleted row offsets of a fragment (sorted), cached by deletion file.
Result<std::shared_ptr<const std::vector<uint32_t>>> FragmentDeletedRows(
    const table::Dataset& ds, const table::Fragment& fragment);

/// \brief Rows by row address, in the given order, read with cached data-file readers (one
/// footer read per data file per process; the fragments are read in parallel, so a take costs
/// one round of requests). Does not check deletions (callers pass live rows). A field split
/// across data files is NotSupported, as in Dataset::TakeRowAddresses.
Result<RecordBatch> TakeRowsCached(const table::Dataset& ds, const std::vector<uint64_t>& addrs,
                                   const std::vector<std::string>& columns);

}  // namespace lancet::index
