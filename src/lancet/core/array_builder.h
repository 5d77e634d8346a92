// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The lancet authors
//
// ArrayBuilder: builds an ArrayData (see array.h) of any lancet type one value at a time, or by
// copying row ranges of existing arrays. Used by decoders, the JSON reader, the array kernels
// (Concatenate, SliceArray, TakeArray) and tests.
//
// Usage:
//   ArrayBuilder b(list(int32()));
//   LANCET_RETURN_NOT_OK(b.BeginList());           // a valid list slot...
//   LANCET_RETURN_NOT_OK(b.child(0)->AppendInt(1));  // ...whose items go to the child builder
//   LANCET_RETURN_NOT_OK(b.EndList());
//   LANCET_RETURN_NOT_OK(b.AppendNull());          // a null list
//   LANCET_ASSIGN_OR_RETURN(ArrayPtr array, b.Finish());
//
// Nested types:
//   - list / large_list: BeginList(), items appended to child(0), EndList().
//   - fixed_size_list: the same; EndList() checks that exactly `size` items were appended.
//     AppendNull() appends `size` null items to the child.
//   - struct: AppendStructValid() then one value per child builder; AppendNull() appends a null to
//     every child. Finish() checks that every child has the struct's length.
// Values are checked against the type: a method that does not fit the type, an integer out of the
// type's range, or a fixed-size binary of the wrong width is InvalidArgument, and nothing is
// appended. Not thread-safe; a builder is reusable after Finish().
#pragma once

#include <cstdint>
#include <memory>
#include <string_view>
#include <vector>

#include "lancet/core/array.h"
#include "lancet/core/buffer.h"
#include "lancet/core/result.h"
#include "lancet/core/type.h"

namespace lancet {

class ArrayBuilder {
 public:
  /// \brief A builder for `type` (which must not be null).
  explicit ArrayBuilder(DataTypePtr type);
  ~ArrayBuilder();
  ArrayBuilder(const ArrayBuilder&) = delete;
  ArrayBuilder& operator=(const ArrayBuilder&) = delete;

  const DataTypePtr& type() const { return type_; }
  /// \brief Number of slots appended so far (an open list is not counted yet).
  int64_t length() const { return length_; }
  int64_t null_count() const { return null_count_; }
  int num_children() const { return static_cast<int>(children_.size()); }
  /// \brief Child builder i (list items, fixed-size-list items, or struct field i).
  ArrayBuilder* child(int i) { return children_[static_cast<size_t>(i)].get(); }

  /// \brief Reserve room for `n` more slots (a hint).
  void Reserve(int64_t n);

  /// \brief Append a null slot (any type).
  Status AppendNull();
  Status AppendNulls(int64_t n);

  /// \brief bool.
  Status AppendBool(bool v);
  /// \brief Any integer type (range-checked), date32/date64, timestamp, time32/time64, duration
  /// (in the type's own unit), or a float type (converted to the nearest value).
  Status AppendInt(int64_t v);
  /// \brief As AppendInt, for unsigned input (uint64 values above INT64_MAX fit uint64 only).
  Status AppendUInt(uint64_t v);
  /// \brief halffloat (binary16 bits, rounded to nearest even), float (rounded) or double.
  Status AppendDouble(double v);
  /// \brief halffloat given as its raw binary16 bits.
  Status AppendFloat16Bits(uint16_t bits);
  /// \brief string / large_string / binary / large_binary, or fixed_size_binary of exactly the
  /// type's width.
  Status AppendBytes(std::string_view v);

  /// \brief Open a valid list / fixed-size list slot; append its items to child(0).
  Status BeginList();
  /// \brief Close the slot opened by BeginList().
  Status EndList();
  /// \brief Mark a valid struct slot; append one value to every child.
  Status AppendStructValid();

  /// \brief Append rows [offset, offset + length) of `array` (whose type must equal this
  /// builder's type), including nested children. `array` must be valid (see ValidateArray).
  Status AppendArraySlice(const ArrayData& array, int64_t offset, int64_t length);

  /// \brief Return the built array and reset the builder to empty. Fails (leaving the builder
  /// unchanged) while a list slot is open or when child lengths do not match.
  Result<ArrayPtr> Finish();

 private:
  Status TypeError(const char* method) const;
  void AppendValidity(bool valid);
  void AppendValidityRange(const ArrayData& array, int64_t offset, int64_t length);
  Status AppendIntChecked(bool negative, uint64_t magnitude);
  void Reset();
  Status CheckComplete() const;
  ArrayPtr FinishUnchecked();

  DataTypePtr type_;
  int64_t length_ = 0;
  int64_t null_count_ = 0;
  std::vector<uint8_t> validity_;  // always maintained; dropped by Finish() when no nulls
  BufferBuilder values_;
  int64_t value_bits_ = 0;        // bool: number of bits in values_
  std::vector<int64_t> offsets_;  // string/binary/list: length_ + 1 entries
  std::vector<std::unique_ptr<ArrayBuilder>> children_;
  bool list_open_ = false;
  int64_t list_start_ = 0;  // fixed-size list: child length at BeginList()
};

}  // namespace lancet
