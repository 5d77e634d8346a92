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

struct WriteOptions {
  encoding::FileVersion data_storage_version = encoding::FileVersion::kV2_2;
  ManifestNaming manifest_naming = ManifestNaming::kV2;
  /// Rows per data file (each file is one fragment).
  int64_t max_rows_per_file = 1024 * 1024;
  /// Allow compressive encodings on write.
  bool enable_compression = false;
  /// Maximum bytes of one page.
  int64_t max_page_bytes = 8 << 20;
};

struct OpenOptions {
  std::optional<uint64_t> version;  // default: latest
  /// Storage decorators (counting, latency) to apply; identity when empty.
  std::function<std::shared_ptr<io::FileSystem>(std::shared_ptr<io::FileSystem>)> wrap_fs;
};

struct ScanOptions {
  std::vector<std::string> columns;  // empty = all
  uint64_t offset = 0;
  std::optional<uint64_t> limit;
  /// Rows per emitted batch.
  int64_t batch_size = 8192;
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
  Result<Schema> Project(const std::vector<std::string>& columns) const;

  std::string uri_;
  std::string base_;
  std::shared_ptr<io::FileSystem> fs_;
  Manifest manifest_;
  std::string manifest_path_;
};

/// \brief Find the latest committed version under `<base>/_versions`.
Result<VersionInfo> FindLatestVersion(io::FileSystem* fs, const std::string& base);

}  // namespace lancet::table
