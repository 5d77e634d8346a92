// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The lancet authors
//
// The narrow interface between the encoding module and the bytes of a file. Decoders never see
// the I/O module: they describe the byte ranges they need and a RangeReader (implemented by the
// file module over io::RandomAccessFile, with coalescing and accounting) returns them. This
// mirrors lance-encoding's EncodingsIo.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "lancet/core/buffer.h"
#include "lancet/core/result.h"

namespace lancet::encoding {

/// Absolute byte range in a file.
struct ByteRange {
  uint64_t offset = 0;
  uint64_t length = 0;
  /// Page metadata (mini-block chunk sizes, dictionary, repetition index): every read of the
  /// page needs the same bytes first, so a RangeReader may keep them for the next read.
  bool metadata = false;
};

/// Reads byte ranges of one file. Implementations must be thread-safe.
class RangeReader {
 public:
  virtual ~RangeReader() = default;
  /// \brief Read every range; return exactly one buffer per range, in request order.
  virtual Result<std::vector<Buffer>> ReadRanges(const std::vector<ByteRange>& ranges) = 0;
};

/// \brief io->ReadRanges(ranges), checked: an IOError unless it returns one buffer per range,
/// Corruption (a short read: the file is shorter than its metadata says) unless each buffer has
/// its range's length. Every decoder reads through this, so no decoder indexes past a buffer.
Result<std::vector<Buffer>> ReadRangesChecked(RangeReader* io, const std::vector<ByteRange>& ranges);

/// A page as described by the column metadata (file2.proto ColumnMetadata.Page).
struct PageMeta {
  std::vector<ByteRange> buffers;
  uint64_t num_rows = 0;
  uint64_t priority = 0;         // row number of the first row of the page
  std::string encoding_type_url;  // google.protobuf.Any type_url of the page encoding
  std::string encoding;           // google.protobuf.Any value bytes
};

/// A column (file2.proto ColumnMetadata).
struct ColumnMeta {
  std::vector<PageMeta> pages;
  std::vector<ByteRange> buffers;  // column metadata buffers
  std::string encoding_type_url;
  std::string encoding;
};

/// Half-open range of rows [start, end).
struct RowRange {
  uint64_t start = 0;
  uint64_t end = 0;
  uint64_t size() const { return end - start; }
};

/// File format versions as lancet models them. 2.0 files carry footer version 0.3.
enum class FileVersion : uint8_t { kV2_0, kV2_1, kV2_2 };

const char* FileVersionName(FileVersion v);

}  // namespace lancet::encoding
