// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The lancet authors
//
// The Lance table manifest as lancet models it: the schema, the fragments (data files and
// deletion files) and the version's metadata. Plain value types (thread-compatible); reading and
// writing the on-disk form (`_versions/*.manifest`) lives in manifest_io.h.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "lancet/core/result.h"
#include "lancet/core/type.h"
#include "lancet/encoding/page.h"

namespace lancet::table {

struct DataFile {
  std::string path;  // relative to <table>/data/
  std::vector<int32_t> fields;
  std::vector<int32_t> column_indices;
  uint32_t file_major_version = 2;
  uint32_t file_minor_version = 2;
  uint64_t file_size_bytes = 0;  // 0 = unknown
};

struct DeletionFile {
  enum class Type : uint8_t { kArrowArray = 0, kBitmap = 1 };
  Type type = Type::kArrowArray;
  uint64_t read_version = 0;
  uint64_t id = 0;
  uint64_t num_deleted_rows = 0;
  /// \brief "_deletions/{fragment}-{read_version}-{id}.{arrow|bin}".
  std::string RelativePath(uint64_t fragment_id) const;
};

struct Fragment {
  uint64_t id = 0;
  std::vector<DataFile> files;
  std::optional<DeletionFile> deletion_file;
  uint64_t physical_rows = 0;
};

/// A vector (or scalar) index registered in a version's index section.
struct IndexMetadata {
  std::string uuid;  // canonical 8-4-4-4-12 form; the index files are in _indices/<uuid>/
  std::vector<int32_t> fields;
  std::string name;
  uint64_t dataset_version = 0;
  /// Fragments the index covers (serialized as a portable roaring bitmap).
  std::vector<uint32_t> fragment_ids;
  /// google.protobuf.Any index_details.
  std::string details_type_url;
  std::string details_value;
  std::optional<int32_t> index_version;
  std::optional<uint64_t> created_at;  // ms since epoch
  std::vector<std::pair<std::string, uint64_t>> files;  // (path, size) as Lance 10+ records them
};

enum class ManifestNaming : uint8_t { kV1, kV2 };

/// Feature flags (reader_feature_flags / writer_feature_flags).
inline constexpr uint64_t kFlagDeletionFiles = 1;
inline constexpr uint64_t kFlagStableRowIds = 2;
inline constexpr uint64_t kFlagUseV2FormatDeprecated = 4;
inline constexpr uint64_t kFlagTableConfig = 8;
inline constexpr uint64_t kFlagBasePaths = 16;
inline constexpr uint64_t kFlagDisableTransactionFile = 32;
/// Flags lancet understands when reading.
inline constexpr uint64_t kReaderFlagsSupported =
    kFlagDeletionFiles | kFlagUseV2FormatDeprecated | kFlagTableConfig |
    kFlagDisableTransactionFile;

struct Manifest {
  Schema schema;  // field ids as in the table
  std::vector<Fragment> fragments;
  uint64_t version = 0;
  int64_t timestamp_nanos = 0;
  uint64_t reader_feature_flags = 0;
  uint64_t writer_feature_flags = 0;
  std::optional<uint32_t> max_fragment_id;
  std::string transaction_file;  // relative to _transactions/
  std::string writer_library = "lancet";
  std::string writer_version;
  uint64_t next_row_id = 0;
  std::string data_storage_version = "2.2";  // data_format.version
  std::map<std::string, std::string> config;
  std::optional<uint64_t> index_section;
  std::optional<uint64_t> transaction_section;
  std::string tag;
  /// The index section (Lance writes it before the manifest in the same file).
  std::vector<IndexMetadata> indices;

  /// \brief Rows visible in this version (physical rows minus deleted rows).
  uint64_t CountRows() const;
  /// \brief The table's file format version.
  Result<encoding::FileVersion> FileVersion() const;
};

/// \brief Manifest file name of `version` under a naming scheme ("1.manifest" or
/// "18446744073709551614.manifest").
std::string ManifestFileName(uint64_t version, ManifestNaming naming);
/// \brief Parse a manifest file name; nullopt for names that are not committed manifests
/// (detached "d…" versions, staging "….manifest-uuid", temporaries).
std::optional<std::pair<uint64_t, ManifestNaming>> ParseManifestFileName(const std::string& name);

/// \brief A new data file name as Lance makes them (24 binary digits + 26 hex digits + ".lance").
std::string NewDataFileName();

}  // namespace lancet::table
