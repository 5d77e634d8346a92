// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The lancet authors
#include "lancet/encoding/field_codec.h"

#include "lancet/encoding/v20_internal.h"

namespace lancet::encoding {

bool IsPackedStruct(const Field& field) {
  return field.type->id() == TypeId::kStruct && v20::IsPackedStructField(field);
}

int NumColumns(const Field& field, FileVersion version) {
  const DataType& t = *field.type;
  const bool packed = IsPackedStruct(field);
  if (version == FileVersion::kV2_0) return v20::NumColumnsV20(field);
  if (t.id() == TypeId::kStruct) {
    // Structs have no column of their own in 2.1+ (their validity travels in the leaves'
    // def levels), except empty structs and packed structs, which are encoded as one leaf.
    if (t.children().empty() || packed) return 1;
    int n = 0;
    for (const Field& c : t.children()) n += NumColumns(c, version);
    return n;
  }
  if (t.is_list_like()) return NumColumns(t.children()[0], version);
  return 1;
}

Result<ArrayPtr> DecodeField(const Field& field, FileVersion version,
                             const std::vector<const ColumnMeta*>& columns,
                             const std::vector<RowRange>& rows, RangeReader* io) {
  if (static_cast<int>(columns.size()) != NumColumns(field, version)) {
    return Status::Corruption("field '" + field.name + "' expects " +
                              std::to_string(NumColumns(field, version)) + " columns, file has " +
                              std::to_string(columns.size()));
  }
  if (version == FileVersion::kV2_0) return DecodeFieldV20(field, columns, rows, io);
  return DecodeFieldV21(field, columns, rows, io);
}

Result<std::unique_ptr<FieldEncoder>> MakeFieldEncoder(const Field& field, FileVersion version,
                                                       const EncoderOptions& options) {
  if (version == FileVersion::kV2_0) return MakeFieldEncoderV20(field, options);
  return MakeFieldEncoderV21(field, version, options);
}

}  // namespace lancet::encoding
