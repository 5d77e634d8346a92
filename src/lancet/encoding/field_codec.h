// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The lancet authors
//
// Field-level entry points of the encoding module: decode the rows of one top-level field from its
// columns, and encode arrays of one field into pages. The file module owns the file layout
// (footer, column metadata, buffer placement); this module owns everything inside a page.
//
// Column mapping:
//   - 2.0: every field of the subtree (struct and list parents included) has one column, in
//     depth-first order. A fixed-size list is one field / one column.
//   - 2.1/2.2: only leaf fields have columns (depth-first); struct and list parents have none. A
//     fixed-size list is a leaf. Rep/def levels in each leaf page carry the parents' structure.
// Decoders and encoders are not thread-safe; create one per thread/field.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "lancet/core/array.h"
#include "lancet/core/result.h"
#include "lancet/core/type.h"
#include "lancet/encoding/page.h"

namespace lancet::encoding {

/// \brief True if `field` is a struct stored packed (field metadata `lance-encoding:packed`,
/// following Lance's rule); a packed struct is a single column in every version.
bool IsPackedStruct(const Field& field);

/// \brief Number of columns `field` occupies in a file of `version`.
int NumColumns(const Field& field, FileVersion version);

/// \brief Decode the rows `rows` (sorted, non-overlapping, within the column's row count) of a
/// top-level field stored in `columns` (the field's columns in order, see above). Reads only the
/// pages and chunks those rows need through `io`. The result has sum(rows[i].size()) rows in
/// order. Unknown encodings are NotSupported naming the encoding; malformed bytes are Corruption.
Result<ArrayPtr> DecodeField(const Field& field, FileVersion version,
                             const std::vector<const ColumnMeta*>& columns,
                             const std::vector<RowRange>& rows, RangeReader* io);

// Version-specific implementations (dispatched to by DecodeField).
Result<ArrayPtr> DecodeFieldV20(const Field& field, const std::vector<const ColumnMeta*>& columns,
                                const std::vector<RowRange>& rows, RangeReader* io);
Result<ArrayPtr> DecodeFieldV21(const Field& field, const std::vector<const ColumnMeta*>& columns,
                                const std::vector<RowRange>& rows, RangeReader* io);

/// \brief Describe a page encoding for humans (`lancet file inspect`): e.g.
/// "MiniBlock[values=InlineBitpacking(64), def=Flat(16), layers=NULLABLE_ITEM]".
std::string DescribePageEncoding(const PageMeta& page);

/// One encoded page of one column, ready to be placed in a file.
struct EncodedPage {
  std::vector<Buffer> buffers;
  uint64_t num_rows = 0;
  std::string encoding_type_url;  // "/lance.encodings.ArrayEncoding" or "/lance.encodings21.PageLayout"
  std::string encoding;           // serialized message of that type
};

struct EncoderOptions {
  /// Target maximum bytes of one page (a page is cut before it grows beyond this, but always
  /// holds at least one row).
  int64_t max_page_bytes = 8 << 20;
  /// Allow compressive encodings (bitpacking, FSST, dictionary, RLE, zstd) where they pay off.
  /// When false only the simple encodings (flat, variable, full-zip, all-null) are written.
  bool enable_compression = false;
};

/// Encodes consecutive chunks of one top-level field into pages.
class FieldEncoder {
 public:
  virtual ~FieldEncoder() = default;
  /// \brief Columns this field occupies (size of the vector passed to Encode/Finish).
  virtual int num_columns() const = 0;
  /// \brief Encode the next `chunk` of rows, appending finished pages to out[column].
  /// An encoder may buffer rows and emit pages later.
  virtual Status Encode(const ArrayPtr& chunk, std::vector<std::vector<EncodedPage>>* out) = 0;
  /// \brief Flush buffered rows.
  virtual Status Finish(std::vector<std::vector<EncodedPage>>* out) = 0;
};

/// \brief Make an encoder for `field` (type, nullability, field metadata) at `version`.
Result<std::unique_ptr<FieldEncoder>> MakeFieldEncoder(const Field& field, FileVersion version,
                                                       const EncoderOptions& options);
Result<std::unique_ptr<FieldEncoder>> MakeFieldEncoderV20(const Field& field,
                                                          const EncoderOptions& options);
Result<std::unique_ptr<FieldEncoder>> MakeFieldEncoderV21(const Field& field, FileVersion version,
                                                          const EncoderOptions& options);

/// Column-level encoding every column carries (ColumnEncoding{values: Empty}), as an Any.
inline constexpr char kColumnEncodingTypeUrl[] = "/lance.encodings.ColumnEncoding";
inline constexpr char kArrayEncodingTypeUrl[] = "/lance.encodings.ArrayEncoding";
inline constexpr char kPageLayoutTypeUrl[] = "/lance.encodings21.PageLayout";

}  // namespace lancet::encoding
