// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The lancet authors
//
// FileReader: opens one Lance v2 data file (format 2.0, 2.1 or 2.2) and decodes rows of any subset
// of its columns. Opening costs one speculative read of the file's tail (plus a second one only
// when the metadata is larger than the first read). Reads touch only the pages/chunks/byte ranges
// of the requested rows and columns. A FileReader is immutable after Open and safe to use from
// several threads at once (each call decodes independently).
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "lancet/core/array.h"
#include "lancet/core/result.h"
#include "lancet/core/type.h"
#include "lancet/encoding/page.h"
#include "lancet/io/file_system.h"

namespace lancet::file {

using encoding::ColumnMeta;
using encoding::FileVersion;
using encoding::RowRange;

class PageMetadataCache;

/// The 40-byte footer at the end of every v2 file.
struct Footer {
  uint64_t column_meta_start = 0;
  uint64_t column_meta_offsets_start = 0;  // CMO table
  uint64_t global_buff_offsets_start = 0;  // GBO table
  uint32_t num_global_buffers = 0;
  uint32_t num_columns = 0;
  uint16_t major_version = 0;
  uint16_t minor_version = 0;
};
inline constexpr int64_t kFooterSize = 40;

/// \brief Parse the 40-byte footer (`bytes` must be exactly the last 40 bytes of a file).
Result<Footer> ParseFooter(std::string_view bytes, int64_t file_size);

/// \brief Map footer version numbers to a file version: (0,3)/(2,0) → 2.0, (2,1) → 2.1,
/// (2,2) → 2.2. Legacy v1 files and unknown versions are NotSupported.
Result<FileVersion> VersionFromFooter(uint16_t major, uint16_t minor);

/// A field to read together with the file columns that store it (in the order the encoding
/// module expects, see encoding/field_codec.h).
struct ProjectedField {
  Field field;
  std::vector<int> columns;
};

struct FileReaderOptions {
  /// Bytes read speculatively from the end of the file when opening.
  int64_t tail_read_size = 64 * 1024;
  /// Size of the file if known (saves a size request).
  int64_t known_file_size = -1;
  /// Page metadata (mini-block chunk sizes, dictionaries, repetition indexes) kept across reads
  /// up to this many bytes, so a second take from the same page needs only its data (0 = off).
  uint64_t page_metadata_cache_bytes = 8u << 20;
};

class FileReader {
 public:
  /// \brief Open a file: read the tail, parse the footer, the schema (global buffer 0) and every
  /// column's metadata. Corrupt or truncated files are a Corruption error naming the file.
  static Result<std::unique_ptr<FileReader>> Open(std::shared_ptr<io::RandomAccessFile> file,
                                                  const FileReaderOptions& options = {});

  const std::string& path() const { return path_; }
  int64_t file_size() const { return file_size_; }
  const Footer& footer() const { return footer_; }
  FileVersion version() const { return version_; }
  uint64_t num_rows() const { return num_rows_; }
  /// \brief The schema stored in the file (field ids as stored).
  const Schema& schema() const { return schema_; }
  const std::vector<ColumnMeta>& columns() const { return columns_; }
  /// \brief Absolute position and size of global buffer `i` (0 = the FileDescriptor).
  const std::vector<encoding::ByteRange>& global_buffers() const { return global_buffers_; }
  Result<Buffer> ReadGlobalBuffer(int index) const;

  /// \brief Map the file's own top-level fields to their columns (used when reading a file on its
  /// own; tables map fields with the manifest's DataFile.fields/column_indices instead).
  Result<std::vector<ProjectedField>> ProjectByName(const std::vector<std::string>& names) const;
  /// \brief All top-level fields.
  Result<std::vector<ProjectedField>> ProjectAll() const;

  /// \brief Decode rows (sorted, non-overlapping ranges) of the given fields.
  Result<std::vector<ArrayPtr>> Read(const std::vector<ProjectedField>& fields,
                                     const std::vector<RowRange>& rows) const;
  /// \brief Rows [start, end) of the given fields as a batch.
  Result<RecordBatch> ReadRange(const std::vector<ProjectedField>& fields, uint64_t start,
                                uint64_t end) const;
  /// \brief Rows at `indices` (any order, duplicates allowed), in that order.
  Result<RecordBatch> Take(const std::vector<ProjectedField>& fields,
                           const std::vector<uint64_t>& indices) const;

 private:
  FileReader() = default;
  Status Init(const FileReaderOptions& options);

  std::shared_ptr<io::RandomAccessFile> file_;
  std::string path_;
  int64_t file_size_ = 0;
  Footer footer_;
  FileVersion version_ = FileVersion::kV2_1;
  uint64_t num_rows_ = 0;
  Schema schema_;
  std::vector<ColumnMeta> columns_;
  std::vector<encoding::ByteRange> global_buffers_;
  // Page metadata kept across reads (range_reader_internal.h); shared so the reader stays
  // copyable-by-pointer and const methods can fill it.
  std::shared_ptr<PageMetadataCache> page_metadata_;
};

/// \brief Convert (sorted, unique) row indices to ranges of consecutive rows.
std::vector<RowRange> IndicesToRanges(const std::vector<uint64_t>& sorted_unique);

}  // namespace lancet::file
