// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The lancet authors
//
// Deletion files: which row offsets of a fragment are deleted, in the two forms Lance writes
// under `_deletions/`:
//   - `{fragment}-{read_version}-{id}.arrow`: an Arrow IPC *file* with one non-null uint32
//     column "row_id" (record batch bodies uncompressed or ZSTD / LZ4_FRAME compressed), used
//     for small sets;
//   - `{fragment}-{read_version}-{id}.bin`: a portable-format 32-bit roaring bitmap.
// Parsers treat their input as untrusted: any malformed byte is a Corruption naming the file.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "lancet/core/buffer.h"
#include "lancet/core/result.h"
#include "lancet/io/file_system.h"
#include "lancet/table/manifest.h"

namespace lancet::table {

/// Lance writes an Arrow file up to this many deleted rows, a roaring bitmap above.
inline constexpr size_t kDeletionArrowMaxRows = 5000;

enum class IpcCompression : uint8_t { kNone, kZstd, kLz4Frame };

/// \brief Parse a deletion file; returns the sorted, unique deleted row offsets. `name` is used
/// in error messages.
Result<std::vector<uint32_t>> ParseDeletionFile(const Buffer& bytes, DeletionFile::Type type,
                                                const std::string& name);

/// \brief Serialize sorted unique offsets as an Arrow IPC file (column "row_id": uint32).
Result<Buffer> SerializeArrowDeletionFile(const std::vector<uint32_t>& rows,
                                          IpcCompression compression = IpcCompression::kNone);
/// \brief Serialize sorted unique offsets as a portable roaring bitmap.
Result<Buffer> SerializeBitmapDeletionFile(const std::vector<uint32_t>& rows);

/// \brief Read the deletion file of `fragment_id` under the table at `base`.
Result<std::vector<uint32_t>> ReadDeletionFile(io::FileSystem* fs, const std::string& base,
                                               uint64_t fragment_id, const DeletionFile& file);

struct DeletionWriteOptions {
  /// Compression of .arrow files (LanceDB declares ZSTD but stores these small buffers raw).
  IpcCompression arrow_compression = IpcCompression::kNone;
  /// Up to this many rows an .arrow file, above a .bin bitmap.
  size_t arrow_max_rows = kDeletionArrowMaxRows;
};

/// \brief Write a new deletion file for `fragment_id` holding `rows` (sorted, unique) with a
/// fresh random id; returns its manifest entry. Never overwrites an existing file.
Result<DeletionFile> WriteDeletionFile(io::FileSystem* fs, const std::string& base,
                                       uint64_t fragment_id, uint64_t read_version,
                                       const std::vector<uint32_t>& rows,
                                       const DeletionWriteOptions& options = {});

}  // namespace lancet::table
