// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The lancet authors
//
// ArrayData: lancet's minimal in-memory columnar array (Arrow's layout, reduced):
//   - validity: LSB-first bitmap of `length` bits, 1 = valid; an empty buffer means all valid
//               when null_count == 0 (and all null when null_count == length: the `null` type,
//               whose arrays have no buffers at all).
//   - values:   fixed-width values packed back to back (bool: LSB bitmap; fixed-size binary:
//               width bytes per slot); for string/binary the concatenated bytes.
//   - offsets:  string/binary/list: int64[length + 1] (always 64-bit in memory, whatever the
//               logical type's offset width).
//   - children: list / fixed-size list: one child (the items); struct: one per field.
// Null slots still occupy space in `values` (zeros) and have equal start/end offsets.
// Arrays are immutable once built and safe to share across threads.
#pragma once

#include <cstdint>
#include <cstring>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "lancet/core/buffer.h"
#include "lancet/core/result.h"
#include "lancet/core/type.h"

namespace lancet {

struct ArrayData;
using ArrayPtr = std::shared_ptr<const ArrayData>;

struct ArrayData {
  DataTypePtr type;
  int64_t length = 0;
  int64_t null_count = 0;
  Buffer validity;
  Buffer values;
  Buffer offsets;
  std::vector<ArrayPtr> children;

  bool IsValid(int64_t i) const {
    return validity.empty() ? null_count == 0 : ((validity.data()[i >> 3] >> (i & 7)) & 1);
  }
  bool IsNull(int64_t i) const { return !IsValid(i); }
  const int64_t* offsets64() const { return offsets.data_as<int64_t>(); }
  template <typename T>
  const T* values_as() const {
    return values.data_as<T>();
  }
  /// \brief Bytes of a string/binary/fixed-size-binary slot.
  std::string_view GetView(int64_t i) const;
};

/// A set of equal-length columns with a schema.
struct RecordBatch {
  Schema schema;
  std::vector<ArrayPtr> columns;
  int64_t num_rows = 0;
};

/// \brief Check structural invariants (buffer sizes, offsets monotone and in range, children
/// lengths, null_count consistent). Used on everything decoded from untrusted bytes: every size
/// is checked before anything is read, so any ArrayData is safe to pass. Buffers may be larger
/// than needed and need not be aligned. Returns Corruption naming the first violation (with the
/// path of the child, e.g. "child 'b' of child 'item': ...").
Status ValidateArray(const ArrayData& array);

/// \brief Check that a batch's columns match its schema (count, types, num_rows) and that every
/// column is valid (ValidateArray). Errors name the column.
Status ValidateRecordBatch(const RecordBatch& batch);

/// \brief Concatenate arrays of equal type.
Result<ArrayPtr> Concatenate(const std::vector<ArrayPtr>& arrays);

/// \brief Rows [offset, offset + length) as a new array (copies; children sliced accordingly).
/// The copy is compact: offsets start at 0 and children hold only the referenced items.
Result<ArrayPtr> SliceArray(const ArrayPtr& array, int64_t offset, int64_t length);

/// \brief Gather rows by index (indices must be < length).
Result<ArrayPtr> TakeArray(const ArrayPtr& array, const std::vector<int64_t>& indices);

/// \brief An array of `length` nulls of `type` (nested types get valid, empty children).
Result<ArrayPtr> MakeNullArray(const DataTypePtr& type, int64_t length);

/// \brief Deep value equality (validity-aware: null slots compare equal regardless of payload;
/// floats compare by bit pattern so NaN == NaN and -0.0 != 0.0). On mismatch, `diff` (if not null)
/// receives a description of the first difference, e.g. "row 17 of child 'b': 3 != 4" or
/// "row 2 of child 'item' (list at row 0): 1 != 5".
bool ArrayEquals(const ArrayData& a, const ArrayData& b, std::string* diff = nullptr);

/// \brief ArrayEquals for every column, plus schema (Schema::Equals) and row count; `diff` names
/// the column: "column 'x': row 3: 1 != 2".
bool RecordBatchEquals(const RecordBatch& a, const RecordBatch& b, std::string* diff = nullptr);

/// \brief Build a validity bitmap buffer from bools (returns empty buffer when all are valid).
Buffer MakeValidityBitmap(const std::vector<bool>& valid, int64_t* null_count);

/// \brief Count zero bits in the first `length` bits of an LSB bitmap (an empty buffer counts 0;
/// the caller guarantees the buffer holds `length` bits).
int64_t CountNulls(const Buffer& validity, int64_t length);

/// \brief Offset i of a string/binary/list array, read without alignment assumptions (the caller
/// guarantees bounds; ValidateArray checks them).
inline int64_t OffsetAt(const ArrayData& array, int64_t i) {
  int64_t v;
  std::memcpy(&v, array.offsets.data() + i * 8, sizeof(v));
  return v;
}

}  // namespace lancet
