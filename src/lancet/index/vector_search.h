// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The lancet authors
//
// Vector search over a Lance dataset version, and IVF_PQ index creation.
//
// Search semantics follow LanceDB: `_distance` is Lance's distance (squared L2 for "l2",
// 1 - cos for "cosine", 1 - dot for "dot"); a filter is applied before the vector search
// (prefilter, the default) or to its k results (postfilter, may return fewer rows); rows
// deleted in this version are never returned. With an IVF_PQ index on the column, the fragments
// it covers are searched through it (nprobes partitions; with refine_factor r, r*k candidates
// are re-ranked by exact distance) and the fragments it does not cover (appended after the index
// was built) are searched exactly, and the results merged. Without an index (or with
// use_index = false) the search is exact over every fragment, multithreaded.
// All functions are thread-safe; a process-wide cache keeps loaded index files.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "lancet/core/array.h"
#include "lancet/core/result.h"
#include "lancet/index/ivf_pq.h"
#include "lancet/table/dataset.h"

namespace lancet::index {

/// Name of the distance column of search results.
inline constexpr char kDistanceColumn[] = "_distance";
/// Name of the optional row-address column of search results (LanceDB's withRowId()).
inline constexpr char kRowIdColumn[] = "_rowid";

struct VectorSearchOptions {
  /// The vector column (fixed_size_list<float>); empty = the table's only such column.
  std::string column;
  std::vector<float> query;
  size_t k = 10;
  /// Lance predicate; empty = no filter.
  std::string filter;
  bool prefilter = true;
  /// Partitions to probe (LanceDB's default is 20).
  uint32_t nprobes = 20;
  /// Re-rank refine_factor * k index candidates with exact distances (0 = off).
  uint32_t refine_factor = 0;
  /// Distance; default the index's metric, or l2 without an index.
  std::optional<linalg::MetricType> metric;
  /// Output columns (in this order) before _distance; empty = every column of the table.
  std::vector<std::string> columns;
  bool use_index = true;
  /// Add a "_rowid" uint64 column (the row address) after _distance.
  bool with_row_id = false;
  int num_threads = 0;  // 0 = hardware concurrency
};

/// What a search did (for tests, the CLI's --explain and benchmarks).
struct SearchStats {
  std::vector<std::string> index_uuids;  // index segments used
  uint64_t flat_rows = 0;                // rows compared exactly (flat part)
  uint64_t index_candidates = 0;         // candidates taken from the index
};

/// \brief The k nearest rows of `options.query`, sorted by (_distance, row address).
Result<RecordBatch> VectorSearch(const table::Dataset& dataset, const VectorSearchOptions& options,
                                 SearchStats* stats = nullptr);

struct CreateIndexOptions {
  std::string column;
  /// Index name; default "<column>_idx" (as LanceDB names them).
  std::string name;
  IvfPqBuildOptions ivf_pq;
  /// Remove existing indices of the same name in the same commit.
  bool replace = true;
  /// Filled in when not null: the build's phases, plus reading the vectors and writing and
  /// committing the index.
  IvfPqBuildStats* stats = nullptr;
};

/// \brief Build an IVF_PQ index on every live row of the column, write it under
/// _indices/<uuid>/ in Lance's layout and commit it (CreateIndex). Returns the new version.
Result<std::unique_ptr<table::Dataset>> CreateIvfPqIndex(const table::Dataset& dataset,
                                                         const CreateIndexOptions& options);

/// \brief Rebuild every IVF_PQ index of the version with its parameters over all live rows (after
/// compaction, or to fold appended fragments in). Returns the new version (this one's equal if
/// there is nothing to rebuild).
Result<std::unique_ptr<table::Dataset>> RebuildVectorIndices(const table::Dataset& dataset);

/// \brief Vector indices of this version on `column` (empty column = any), IVF_PQ only.
Result<std::vector<table::IndexMetadata>> VectorIndicesOf(const table::Dataset& dataset,
                                                          const std::string& column);

/// \brief Load (through the process-wide cache) the index files of one index.
Result<std::shared_ptr<const IvfPqIndex>> LoadIvfPqIndex(const table::Dataset& dataset,
                                                         const std::string& uuid);

}  // namespace lancet::index
