// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The lancet authors
//
// FileWriter: writes one Lance v2 data file (2.0, 2.1 or 2.2) from record batches. Pages are
// written as soon as the encoders emit them; every page buffer and global buffer starts at a
// 64-byte aligned offset (a hard requirement of 2.1+ readers). Not thread-safe.
#pragma once

#include <cstdint>
#include <memory>
#include <vector>

#include "lancet/core/array.h"
#include "lancet/core/result.h"
#include "lancet/encoding/field_codec.h"
#include "lancet/io/file_system.h"

namespace lancet::file {

struct FileWriterOptions {
  encoding::FileVersion version = encoding::FileVersion::kV2_2;
  encoding::EncoderOptions encoder;
  /// Extra schema metadata to store in the file.
  std::map<std::string, std::string> schema_metadata;
};

/// What a finished file holds (the manifest's DataFile is built from it).
struct FileWriteSummary {
  uint64_t num_rows = 0;
  int64_t file_size = 0;
  uint16_t major_version = 0;  // as recorded in the manifest's DataFile (2.0 → 2.0, not 0.3)
  uint16_t minor_version = 0;
  std::vector<int32_t> field_ids;       // fields that own a column, in column order
  std::vector<int32_t> column_indices;  // column of field_ids[i]
};

/// \brief Footer (major, minor) for a version: 2.0 → (0, 3), 2.1 → (2, 1), 2.2 → (2, 2).
std::pair<uint16_t, uint16_t> FooterVersion(encoding::FileVersion version);
/// \brief Manifest DataFile (major, minor): 2.0 → (2, 0), 2.1 → (2, 1), 2.2 → (2, 2).
std::pair<uint16_t, uint16_t> DataFileVersion(encoding::FileVersion version);
/// \brief Parse "2.0", "2.1", "2.2" (and the aliases legacy = 2.0, stable = 2.1, next = 2.2).
Result<encoding::FileVersion> ParseFileVersion(const std::string& s);

class FileWriter {
 public:
  /// \brief Start a file. Fields without ids get ids assigned depth-first.
  static Result<std::unique_ptr<FileWriter>> Make(std::unique_ptr<io::OutputStream> out,
                                                  Schema schema, FileWriterOptions options = {});
  ~FileWriter();

  const Schema& schema() const { return schema_; }
  /// \brief Append rows; the batch's columns must match the schema's top-level fields.
  Status Write(const RecordBatch& batch);
  /// \brief Flush, write metadata and footer, and close the stream durably.
  Result<FileWriteSummary> Finish();

 private:
  FileWriter() = default;
  Status WritePages(size_t field_index, std::vector<std::vector<encoding::EncodedPage>>* pages);
  Status WriteAligned(const Buffer& buf, uint64_t* position);

  struct ColumnState;
  std::unique_ptr<io::OutputStream> out_;
  Schema schema_;
  FileWriterOptions options_;
  std::vector<std::unique_ptr<encoding::FieldEncoder>> encoders_;
  std::vector<int> first_column_;  // per top-level field
  std::vector<ColumnState> columns_;
  uint64_t num_rows_ = 0;
  uint64_t position_ = 0;
  bool finished_ = false;
};

}  // namespace lancet::file
