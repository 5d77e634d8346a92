// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The lancet authors
//
// Dataset: one version of a Lance table (a directory with data/, _versions/, _transactions/ ...).
// A Dataset object is an immutable snapshot of one version: reads are thread-safe. Creating a
// table writes the data files, the transaction file and then commits version 1 with
// put-if-absent, so readers never observe a partial version.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "lancet/core/array.h"
#include "lancet/core/result.h"
#include "lancet/encoding/page.h"
#include "lancet/io/file_system.h"
#include "lancet/table/manifest.h"

namespace lancet::table {

/// How a write treats an existing table.
enum class WriteMode : uint8_t {
  kCreate,     // fail with AlreadyExists if the table exists
  kAppend,     // add fragments to the latest version (create if missing)
  kOverwrite,  // replace all fragments (and the schema) in a new version
};

/// Commit retry policy: on a conflicting concurrent commit the writer reloads, checks the
/// transactions committed since its read version, rebases when they are compatible and retries.
struct CommitOptions {
  int max_retries = 20;
  /// Backoff before retry n: uniform in [0, min(max_backoff, base_backoff * 2^n)].
  double base_backoff_ms = 5;
  double max_backoff_ms = 1000;
};

struct WriteOptions {
  WriteMode mode = WriteMode::kCreate;
  encoding::FileVersion data_storage_version = encoding::FileVersion::kV2_2;
  ManifestNaming manifest_naming = ManifestNaming::kV2;
  /// Rows per data file (each file is one fragment).
  int64_t max_rows_per_file = 1024 * 1024;
  /// Allow compressive encodings on write.
  bool enable_compression = false;
  /// Maximum bytes of one page.
  int64_t max_page_bytes = 8 << 20;
  CommitOptions commit;
};

struct OpenOptions {
  std::optional<uint64_t> version;  // default: latest
  std::optional<std::string> tag;   // open the version a tag points to
  /// Storage decorators (counting, latency) to apply; identity when empty.
  std::function<std::shared_ptr<io::FileSystem>(std::shared_ptr<io::FileSystem>)> wrap_fs;
};

struct ScanOptions {
  std::vector<std::string> columns;  // empty = all
  uint64_t offset = 0;
  std::optional<uint64_t> limit;
  /// Rows per emitted batch.
  int64_t batch_size = 8192;
  /// A Lance predicate (see filter.h); empty = every row. offset/limit apply after filtering.
  std::string filter;
  /// Append a "_rowaddr" uint64 column: (fragment id << 32) | row offset in the fragment.
  bool with_row_address = false;
  /// Restrict the scan to these fragments (in this order); empty = all fragments.
  std::vector<uint64_t> fragment_ids;
};

/// Name of the row address column a scan can add.
inline constexpr char kRowAddressColumn[] = "_rowaddr";

struct CompactionOptions {
  /// Fragments with fewer live rows than this are merged.
  int64_t target_rows_per_fragment = 1024 * 1024;
  /// Fragments whose deleted fraction exceeds this are rewritten even if large.
  double materialize_deletions_threshold = 0.1;
  bool materialize_deletions = true;
  WriteOptions write;  // file version / page options of the rewritten files
};

struct CompactionMetrics {
  uint64_t fragments_removed = 0;
  uint64_t fragments_added = 0;
  uint64_t files_removed = 0;
  uint64_t files_added = 0;
};

struct CleanupOptions {
  /// Remove versions older than this many seconds (0 = every version but the latest).
  double older_than_seconds = 7 * 24 * 3600;
  /// Also delete files not referenced by any kept version and older than the cutoff
  /// (orphans of crashed writers).
  bool delete_unverified = false;
};

struct CleanupStats {
  uint64_t old_versions = 0;
  uint64_t bytes_removed = 0;
  uint64_t files_removed = 0;
};

/// A source of record batches for writes.
using BatchSource = std::function<Result<std::optional<RecordBatch>>()>;

struct VersionInfo {
  uint64_t version = 0;
  int64_t timestamp_nanos = 0;
  std::string manifest_path;
};

class Dataset {
 public:
  /// \brief Open a table at `uri` (local path, file://, memory://).
  static Result<std::unique_ptr<Dataset>> Open(const std::string& uri,
                                               const OpenOptions& options = {});
  /// \brief Create a new table (fails with AlreadyExists if version 1 exists).
  static Result<std::unique_ptr<Dataset>> Create(const std::string& uri, Schema schema,
                                                 const BatchSource& source,
                                                 const WriteOptions& options = {},
                                                 const OpenOptions& open_options = {});
  /// \brief Create from batches in memory.
  static Result<std::unique_ptr<Dataset>> Create(const std::string& uri, Schema schema,
                                                 std::vector<RecordBatch> batches,
                                                 const WriteOptions& options = {});
  /// \brief Create, append to or overwrite a table according to options.mode; returns the
  /// committed version.
  static Result<std::unique_ptr<Dataset>> Write(const std::string& uri, Schema schema,
                                                std::vector<RecordBatch> batches,
                                                const WriteOptions& options = {},
                                                const OpenOptions& open_options = {});

  /// \brief Distributed writes, step 1: write data files as new (uncommitted) fragments. Any
  /// number of processes may do this; fragment ids are assigned at commit.
  static Result<std::vector<Fragment>> WriteFragments(const std::string& uri, const Schema& schema,
                                                      std::vector<RecordBatch> batches,
                                                      const WriteOptions& options = {});
  /// \brief Distributed writes, step 2: commit fragments from WriteFragments as one Append.
  static Result<std::unique_ptr<Dataset>> CommitAppend(const std::string& uri,
                                                       std::vector<Fragment> fragments,
                                                       const WriteOptions& options = {},
                                                       const OpenOptions& open_options = {});

  /// \brief Append rows as a new version (rebased onto concurrent commits when compatible).
  Result<std::unique_ptr<Dataset>> Append(std::vector<RecordBatch> batches,
                                          const WriteOptions& options = {}) const;
  /// \brief Delete the rows matching a predicate; returns the new version (or this version's
  /// equal when nothing matched: Lance then commits nothing).
  Result<std::unique_ptr<Dataset>> Delete(const std::string& predicate,
                                          const CommitOptions& options = {}) const;

  /// \brief Rows by offset in this version (offsets count visible rows), in the given order.
  Result<RecordBatch> Take(const std::vector<uint64_t>& offsets,
                           const std::vector<std::string>& columns = {}) const;
  /// \brief Rows by row address ((fragment << 32) | offset in fragment), in the given order.
  Result<RecordBatch> TakeRowAddresses(const std::vector<uint64_t>& addresses,
                                       const std::vector<std::string>& columns = {}) const;

  /// \brief Open another version (or tag) of the same table.
  Result<std::unique_ptr<Dataset>> Checkout(uint64_t version) const;
  Result<std::unique_ptr<Dataset>> CheckoutTag(const std::string& tag) const;
  /// \brief Make this (old) version the latest again, as a new version (Restore transaction).
  Result<std::unique_ptr<Dataset>> Restore(const CommitOptions& options = {}) const;

  /// \brief Tags: names for versions, stored in _refs/tags/<name>.json.
  Status CreateTag(const std::string& name, uint64_t version) const;
  Status DeleteTag(const std::string& name) const;
  Result<std::vector<std::pair<std::string, uint64_t>>> ListTags() const;

  /// \brief Rewrite small fragments and fragments with many deletions (ReserveFragments +
  /// Rewrite, as Lance records compaction). Returns the new version.
  Result<std::unique_ptr<Dataset>> Compact(const CompactionOptions& options = {},
                                           CompactionMetrics* metrics = nullptr) const;
  /// \brief Remove versions older than the cutoff (never the latest, never a tagged one) and
  /// every file only they referenced.
  Result<CleanupStats> Cleanup(const CleanupOptions& options = {}) const;

  /// \brief Indices registered in this version.
  Result<std::vector<IndexMetadata>> LoadIndices() const;
  /// \brief Commit a CreateIndex transaction adding `added` (files already written under
  /// _indices/<uuid>/) and removing the indices named in `removed_uuids`.
  Result<std::unique_ptr<Dataset>> CommitIndex(std::vector<IndexMetadata> added,
                                               std::vector<std::string> removed_uuids = {},
                                               const CommitOptions& options = {}) const;

  /// \brief Deleted row offsets of a fragment of this version (sorted).
  Result<std::vector<uint32_t>> DeletedRows(const Fragment& fragment) const;

  const std::string& uri() const { return uri_; }
  const std::string& base_path() const { return base_; }
  const std::shared_ptr<io::FileSystem>& fs() const { return fs_; }
  const Manifest& manifest() const { return manifest_; }
  const std::string& manifest_path() const { return manifest_path_; }
  uint64_t version() const { return manifest_.version; }
  const Schema& schema() const { return manifest_.schema; }
  uint64_t CountRows() const { return manifest_.CountRows(); }

  /// \brief Committed versions, ascending.
  Result<std::vector<VersionInfo>> ListVersions() const;

  /// \brief Scan rows in order, calling `sink` for each batch (stops early on error).
  Status Scan(const ScanOptions& options,
              const std::function<Status(const RecordBatch&)>& sink) const;
  /// \brief Scan into one batch (convenience for small tables and tests).
  Result<RecordBatch> ScanAll(const ScanOptions& options = {}) const;

 private:
  Dataset() = default;
  friend class DatasetInternal;
  Result<Schema> Project(const std::vector<std::string>& columns) const;
  /// A snapshot over the same storage at another manifest.
  std::unique_ptr<Dataset> WithManifest(Manifest manifest, std::string path) const;

  std::string uri_;
  std::string base_;
  std::shared_ptr<io::FileSystem> fs_;
  Manifest manifest_;
  std::string manifest_path_;
};

/// \brief Find the latest committed version under `<base>/_versions`.
Result<VersionInfo> FindLatestVersion(io::FileSystem* fs, const std::string& base);

}  // namespace lancet::table
