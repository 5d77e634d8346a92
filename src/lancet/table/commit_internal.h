// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The lancet authors
//
// The commit protocol (internal): build the next manifest from the latest one and a
// transaction, write the .txn file, create the manifest with put-if-absent, and on conflict
// reload, check and rebase against the transactions committed since, back off and retry.
#pragma once

#include <map>
#include <optional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "lancet/core/result.h"
#include "lancet/io/file_system.h"
#include "lancet/table/dataset.h"
#include "lancet/table/manifest.h"
#include "lancet/table/transaction.h"

namespace lancet::table::internal {

std::string JoinPath(const std::string& a, const std::string& b);
std::string BaseName(const std::string& p);
int64_t NowNanos();
extern const char kLancetVersion[];

struct LoadedManifest {
  Manifest manifest;
  std::string path;
  ManifestNaming naming = ManifestNaming::kV2;
};

/// \brief The manifest of `version` (either naming scheme); NotFound if missing.
Result<LoadedManifest> LoadManifestVersion(io::FileSystem* fs, const std::string& base,
                                           uint64_t version);
/// \brief The latest committed manifest; NotFound if the table does not exist.
Result<LoadedManifest> LoadLatestManifest(io::FileSystem* fs, const std::string& base);
/// \brief The transaction a version committed (inline section, else its .txn file).
Result<Transaction> LoadTransaction(io::FileSystem* fs, const std::string& base,
                                    const LoadedManifest& m);

/// A transaction on its way to being committed, with what rebasing needs.
struct PendingCommit {
  Transaction txn;
  /// Delete: rows this delete removes, per fragment (physical offsets, sorted).
  std::map<uint64_t, std::vector<uint32_t>> deleted_rows;
  /// Create (Overwrite at read version 0): fail with AlreadyExists if the table exists.
  bool create_only = false;
  /// Naming of a new table's manifests.
  ManifestNaming naming = ManifestNaming::kV2;
  /// Overwrite: the table's data storage version ("2.0", "2.1", "2.2").
  std::optional<std::string> data_storage_version;
};

/// \brief Apply `txn` to `latest` giving the manifest of `version`.
Result<Manifest> BuildManifest(io::FileSystem* fs, const std::string& base, const Manifest& latest,
                               const Transaction& txn, uint64_t version,
                               const std::optional<std::string>& data_storage_version = {});

/// \brief Commit with retries; returns the committed manifest.
Result<LoadedManifest> CommitTransaction(io::FileSystem* fs, const std::string& base,
                                         PendingCommit pending, const CommitOptions& options);

/// \brief Write batches as data files of new fragments (ids unassigned) for `schema` (with the
/// table's field ids).
Result<std::vector<Fragment>> WriteDataFiles(io::FileSystem* fs, const std::string& base,
                                             const Schema& schema, const BatchSource& source,
                                             const WriteOptions& options);

/// \brief A BatchSource yielding (moving out) `*batches` in order; `batches` must outlive it.
BatchSource VectorSource(std::vector<RecordBatch>* batches);

/// \brief NotSupported if lancet cannot read `m` (unknown reader feature flags, unknown file
/// format version); `path` names the manifest in the message.
Status CheckReadable(const Manifest& m, const std::string& path);

/// \brief The version a tag names (from _refs/tags/<tag>.json).
Result<uint64_t> ReadTagVersion(io::FileSystem* fs, const std::string& base,
                                const std::string& tag);

}  // namespace lancet::table::internal
