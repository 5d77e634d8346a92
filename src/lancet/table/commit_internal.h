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

/// \brief The held manifest at `path` as a LoadedManifest (naming taken from the file name).
LoadedManifest HeldManifest(const Manifest& m, const std::string& path);

/// A file encoded in memory whose upload the commit issues together with the transaction file.
struct DeferredFile {
  std::string path;
  Buffer data;
};

/// Where WriteDataFiles leaves data files small enough to stay in memory until the commit.
struct DeferredWrites {
  /// Bytes that may still be held in memory; a file that outgrows it is streamed as usual.
  int64_t budget_bytes = 8 << 20;
  std::vector<DeferredFile> files;
};

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
  /// The manifest of txn.read_version when the caller holds it (a Dataset's own): the first
  /// attempt commits version read_version + 1 on it without listing. If that version exists by
  /// then, the commit reloads and rebases as usual.
  std::optional<LoadedManifest> read_manifest;
  /// Files the manifest names that are not uploaded yet (see DeferredWrites): uploaded
  /// concurrently with the transaction file, before any manifest is created.
  std::vector<DeferredFile> deferred_files;
};

/// \brief Apply `txn` to `latest` giving the manifest of `version`.
Result<Manifest> BuildManifest(io::FileSystem* fs, const std::string& base, const Manifest& latest,
                               const Transaction& txn, uint64_t version,
                               const std::optional<std::string>& data_storage_version = {});

/// \brief Commit with retries; returns the committed manifest.
Result<LoadedManifest> CommitTransaction(io::FileSystem* fs, const std::string& base,
                                         PendingCommit pending, const CommitOptions& options);

/// \brief Write batches as data files of new fragments (ids unassigned) for `schema` (with the
/// table's field ids). With `deferred`, files that fit its budget are encoded in memory and
/// left there (not written) for the commit to upload (PendingCommit::deferred_files).
Result<std::vector<Fragment>> WriteDataFiles(io::FileSystem* fs, const std::string& base,
                                             const Schema& schema, const BatchSource& source,
                                             const WriteOptions& options,
                                             DeferredWrites* deferred = nullptr);

/// \brief A BatchSource yielding (moving out) `*batches` in order; `batches` must outlive it.
BatchSource VectorSource(std::vector<RecordBatch>* batches);

/// \brief NotSupported if lancet cannot read `m` (unknown reader feature flags, unknown file
/// format version); `path` names the manifest in the message.
Status CheckReadable(const Manifest& m, const std::string& path);

/// \brief The version a tag names (from _refs/tags/<tag>.json).
Result<uint64_t> ReadTagVersion(io::FileSystem* fs, const std::string& base,
                                const std::string& tag);

}  // namespace lancet::table::internal
