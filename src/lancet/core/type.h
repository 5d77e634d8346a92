// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The lancet authors
//
// The logical type system: a minimal subset of Arrow's types, enough for every type Lance stores
// in lancet's scope, with conversion to and from Lance logical type strings
// ("int64", "fixed_size_list:float:512", "timestamp:us:UTC", ...). Types are immutable and
// shared (DataTypePtr); Field and Schema are plain value types.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "lancet/core/result.h"

namespace lancet {

enum class TypeId : uint8_t {
  kNull,
  kBool,
  kInt8,
  kInt16,
  kInt32,
  kInt64,
  kUInt8,
  kUInt16,
  kUInt32,
  kUInt64,
  kHalfFloat,
  kFloat,
  kDouble,
  kString,       // utf8, stored with int64 offsets in memory
  kLargeString,  // large_utf8
  kBinary,
  kLargeBinary,
  kFixedSizeBinary,
  kDate32,     // days since epoch, int32
  kDate64,     // ms since epoch, int64
  kTimestamp,  // int64 in `unit`, optional time zone
  kTime32,
  kTime64,
  kDuration,
  kFixedSizeList,
  kList,
  kLargeList,
  kStruct,
};

enum class TimeUnit : uint8_t { kSecond, kMilli, kMicro, kNano };

struct Field;
class DataType;
using DataTypePtr = std::shared_ptr<const DataType>;

/// A (possibly nested) data type. Immutable.
class DataType {
 public:
  TypeId id() const { return id_; }
  /// \brief Byte width of fixed-size binary, or the list size of a fixed-size list.
  int32_t fixed_size() const { return fixed_size_; }
  TimeUnit unit() const { return unit_; }
  const std::string& timezone() const { return timezone_; }
  const std::vector<Field>& children() const { return children_; }
  /// \brief The item type of a list or fixed-size list.
  const DataTypePtr& value_type() const;

  /// \brief Bits per value of a fixed-width primitive (bool = 1, fixed_size_binary:N = 8 * N);
  /// for a fixed-size list of fixed-width items, size * item bits (the flattened value width);
  /// 0 for other types (null, variable-width, list, struct).
  int bit_width() const;
  bool is_fixed_width_primitive() const { return bit_width() > 0 && id_ != TypeId::kFixedSizeList; }
  /// \brief True for string/binary types (utf8, large_utf8, binary, large_binary).
  bool is_binary_like() const;
  bool is_list_like() const { return id_ == TypeId::kList || id_ == TypeId::kLargeList; }
  bool is_nested() const {
    return id_ == TypeId::kStruct || id_ == TypeId::kList || id_ == TypeId::kLargeList ||
           id_ == TypeId::kFixedSizeList;
  }

  /// \brief Return the Lance logical type string ("fixed_size_list:float:512", "list", ...).
  std::string ToLogicalType() const;
  /// \brief Readable form for messages, e.g. "list<int64>".
  std::string ToString() const;
  /// \brief Structural equality: ids, parameters, and children's names, nullability and types.
  /// Field ids and field metadata are not compared (see Field::Equals for that).
  bool Equals(const DataType& other) const;

  // Factories. Primitive() accepts only ids without parameters (null, bool, integers, floats,
  // strings, binaries, date32, date64) and returns nullptr for any other id.
  static DataTypePtr Primitive(TypeId id);
  static DataTypePtr FixedSizeBinary(int32_t width);
  static DataTypePtr Timestamp(TimeUnit unit, std::string tz);
  static DataTypePtr Time(TypeId id, TimeUnit unit);
  static DataTypePtr Duration(TimeUnit unit);
  static DataTypePtr FixedSizeList(DataTypePtr item, int32_t size, bool item_nullable = true);
  static DataTypePtr List(Field item);
  static DataTypePtr LargeList(Field item);
  static DataTypePtr Struct(std::vector<Field> fields);

 private:
  TypeId id_ = TypeId::kNull;
  int32_t fixed_size_ = 0;
  TimeUnit unit_ = TimeUnit::kSecond;
  std::string timezone_;
  std::vector<Field> children_;
};

/// A named, typed column (or child). `id` is the Lance field id (-1 until assigned).
struct Field {
  std::string name;
  DataTypePtr type;
  bool nullable = true;
  std::map<std::string, std::string> metadata;
  int32_t id = -1;

  Field() = default;
  Field(std::string n, DataTypePtr t, bool null = true)
      : name(std::move(n)), type(std::move(t)), nullable(null) {}
  /// \brief Compare names, nullability, metadata and types, recursively including the children's
  /// metadata (and every field id when `check_ids`).
  bool Equals(const Field& other, bool check_ids = false) const;
  /// \brief "name: type" (plus " not null" when not nullable).
  std::string ToString() const;
};

struct Schema {
  std::vector<Field> fields;
  std::map<std::string, std::string> metadata;

  /// \brief Index of the top-level field named `name`, or -1.
  int FieldIndex(const std::string& name) const;
  bool Equals(const Schema& other, bool check_ids = false) const;
  std::string ToString() const;
};

// Shorthands.
DataTypePtr boolean();
DataTypePtr int8();
DataTypePtr int16();
DataTypePtr int32();
DataTypePtr int64();
DataTypePtr uint8();
DataTypePtr uint16();
DataTypePtr uint32();
DataTypePtr uint64();
DataTypePtr float16();
DataTypePtr float32();
DataTypePtr float64();
DataTypePtr utf8();
DataTypePtr large_utf8();
DataTypePtr binary();
DataTypePtr large_binary();
DataTypePtr date32();
DataTypePtr date64();
DataTypePtr null_type();
DataTypePtr fixed_size_binary(int32_t width);
DataTypePtr timestamp(TimeUnit unit, std::string tz = "");
/// \brief list<item> with a nullable item field named "item".
DataTypePtr list(DataTypePtr item);
DataTypePtr large_list(DataTypePtr item);
DataTypePtr fixed_size_list(DataTypePtr item, int32_t size);
DataTypePtr struct_(std::vector<Field> fields);

/// \brief The Lance spelling of a time unit: "s", "ms", "us" or "ns".
const char* TimeUnitName(TimeUnit unit);

/// \brief Parse a Lance logical type string. `list`/`large_list`/`struct` need `children`
/// (`list`, `large_list`, `list.struct` and `large_list.struct` exactly one, the item field).
/// Fixed-size lists are self-describing ("fixed_size_list:float:512") and take no children.
/// Unknown strings are InvalidArgument; Lance types lancet does not implement (decimal, dict,
/// lance.bfloat16) are NotSupported.
Result<DataTypePtr> ParseLogicalType(const std::string& logical, std::vector<Field> children = {});

}  // namespace lancet
