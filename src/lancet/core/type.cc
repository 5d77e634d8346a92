// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The lancet authors
#include "lancet/core/type.h"

#include <charconv>
#include <climits>
#include <string_view>
#include <utility>

namespace lancet {

namespace {

std::shared_ptr<DataType> NewType() { return std::make_shared<DataType>(); }

const char* PrimitiveName(TypeId id) {
  switch (id) {
    case TypeId::kNull:
      return "null";
    case TypeId::kBool:
      return "bool";
    case TypeId::kInt8:
      return "int8";
    case TypeId::kInt16:
      return "int16";
    case TypeId::kInt32:
      return "int32";
    case TypeId::kInt64:
      return "int64";
    case TypeId::kUInt8:
      return "uint8";
    case TypeId::kUInt16:
      return "uint16";
    case TypeId::kUInt32:
      return "uint32";
    case TypeId::kUInt64:
      return "uint64";
    case TypeId::kHalfFloat:
      return "halffloat";
    case TypeId::kFloat:
      return "float";
    case TypeId::kDouble:
      return "double";
    case TypeId::kString:
      return "string";
    case TypeId::kLargeString:
      return "large_string";
    case TypeId::kBinary:
      return "binary";
    case TypeId::kLargeBinary:
      return "large_binary";
    default:
      return nullptr;
  }
}

constexpr TypeId kPrimitiveIds[] = {
    TypeId::kNull,        TypeId::kBool,   TypeId::kInt8,        TypeId::kInt16,
    TypeId::kInt32,       TypeId::kInt64,  TypeId::kUInt8,       TypeId::kUInt16,
    TypeId::kUInt32,      TypeId::kUInt64, TypeId::kHalfFloat,   TypeId::kFloat,
    TypeId::kDouble,      TypeId::kString, TypeId::kLargeString, TypeId::kBinary,
    TypeId::kLargeBinary, TypeId::kDate32, TypeId::kDate64,
};

bool IsParameterless(TypeId id) {
  for (TypeId p : kPrimitiveIds) {
    if (p == id) return true;
  }
  return false;
}

bool ParseTimeUnit(std::string_view s, TimeUnit* unit) {
  if (s == "s") {
    *unit = TimeUnit::kSecond;
  } else if (s == "ms") {
    *unit = TimeUnit::kMilli;
  } else if (s == "us") {
    *unit = TimeUnit::kMicro;
  } else if (s == "ns") {
    *unit = TimeUnit::kNano;
  } else {
    return false;
  }
  return true;
}

bool ParsePositiveInt32(std::string_view s, int32_t* out) {
  if (s.empty()) return false;
  int32_t v = 0;
  auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || ptr != s.data() + s.size() || v <= 0) return false;
  *out = v;
  return true;
}

std::vector<std::string_view> SplitColon(std::string_view s) {
  std::vector<std::string_view> parts;
  size_t start = 0;
  while (true) {
    size_t pos = s.find(':', start);
    if (pos == std::string_view::npos) {
      parts.push_back(s.substr(start));
      return parts;
    }
    parts.push_back(s.substr(start, pos - start));
    start = pos + 1;
  }
}

bool TypeEqualsImpl(const DataType& a, const DataType& b, bool check_ids, bool check_metadata);

bool FieldEqualsImpl(const Field& a, const Field& b, bool check_ids, bool check_metadata) {
  if (a.name != b.name || a.nullable != b.nullable) return false;
  if (check_ids && a.id != b.id) return false;
  if (check_metadata && a.metadata != b.metadata) return false;
  if (a.type == b.type) return true;
  if (!a.type || !b.type) return false;
  return TypeEqualsImpl(*a.type, *b.type, check_ids, check_metadata);
}

bool TypeEqualsImpl(const DataType& a, const DataType& b, bool check_ids, bool check_metadata) {
  if (&a == &b) return true;
  if (a.id() != b.id() || a.fixed_size() != b.fixed_size()) return false;
  switch (a.id()) {
    case TypeId::kTimestamp:
      if (a.timezone() != b.timezone()) return false;
      [[fallthrough]];
    case TypeId::kTime32:
    case TypeId::kTime64:
    case TypeId::kDuration:
      if (a.unit() != b.unit()) return false;
      break;
    default:
      break;
  }
  const auto& ca = a.children();
  const auto& cb = b.children();
  if (ca.size() != cb.size()) return false;
  for (size_t i = 0; i < ca.size(); ++i) {
    if (!FieldEqualsImpl(ca[i], cb[i], check_ids, check_metadata)) return false;
  }
  return true;
}

}  // namespace

const char* TimeUnitName(TimeUnit unit) {
  switch (unit) {
    case TimeUnit::kSecond:
      return "s";
    case TimeUnit::kMilli:
      return "ms";
    case TimeUnit::kMicro:
      return "us";
    case TimeUnit::kNano:
      return "ns";
  }
  return "?";
}

// ---- DataType

const DataTypePtr& DataType::value_type() const {
  static const DataTypePtr kNone;
  if ((id_ == TypeId::kList || id_ == TypeId::kLargeList || id_ == TypeId::kFixedSizeList) &&
      !children_.empty()) {
    return children_[0].type;
  }
  return kNone;
}

int DataType::bit_width() const {
  switch (id_) {
    case TypeId::kBool:
      return 1;
    case TypeId::kInt8:
    case TypeId::kUInt8:
      return 8;
    case TypeId::kInt16:
    case TypeId::kUInt16:
    case TypeId::kHalfFloat:
      return 16;
    case TypeId::kInt32:
    case TypeId::kUInt32:
    case TypeId::kFloat:
    case TypeId::kDate32:
    case TypeId::kTime32:
      return 32;
    case TypeId::kInt64:
    case TypeId::kUInt64:
    case TypeId::kDouble:
    case TypeId::kDate64:
    case TypeId::kTimestamp:
    case TypeId::kTime64:
    case TypeId::kDuration:
      return 64;
    case TypeId::kFixedSizeBinary:
      return fixed_size_ > 0 && fixed_size_ <= INT_MAX / 8 ? fixed_size_ * 8 : 0;
    case TypeId::kFixedSizeList: {
      const DataTypePtr& item = value_type();
      if (!item || fixed_size_ <= 0) return 0;
      int item_bits = item->bit_width();
      if (item_bits <= 0 || item_bits > INT_MAX / fixed_size_) return 0;
      return item_bits * fixed_size_;
    }
    default:
      return 0;
  }
}

bool DataType::is_binary_like() const {
  return id_ == TypeId::kString || id_ == TypeId::kLargeString || id_ == TypeId::kBinary ||
         id_ == TypeId::kLargeBinary;
}

std::string DataType::ToLogicalType() const {
  if (const char* name = PrimitiveName(id_)) return name;
  switch (id_) {
    case TypeId::kFixedSizeBinary:
      return "fixed_size_binary:" + std::to_string(fixed_size_);
    case TypeId::kDate32:
      return "date32:day";
    case TypeId::kDate64:
      return "date64:ms";
    case TypeId::kTimestamp:
      return std::string("timestamp:") + TimeUnitName(unit_) + ":" +
             (timezone_.empty() ? std::string("-") : timezone_);
    case TypeId::kTime32:
      return std::string("time32:") + TimeUnitName(unit_);
    case TypeId::kTime64:
      return std::string("time64:") + TimeUnitName(unit_);
    case TypeId::kDuration:
      return std::string("duration:") + TimeUnitName(unit_);
    case TypeId::kFixedSizeList: {
      const DataTypePtr& item = value_type();
      return "fixed_size_list:" + (item ? item->ToLogicalType() : std::string("?")) + ":" +
             std::to_string(fixed_size_);
    }
    case TypeId::kList:
    case TypeId::kLargeList: {
      std::string base = id_ == TypeId::kList ? "list" : "large_list";
      const DataTypePtr& item = value_type();
      if (item && item->id() == TypeId::kStruct) base += ".struct";
      return base;
    }
    case TypeId::kStruct:
      return "struct";
    default:
      return "?";
  }
}

std::string DataType::ToString() const {
  if (const char* name = PrimitiveName(id_)) return name;
  switch (id_) {
    case TypeId::kFixedSizeBinary:
      return "fixed_size_binary<" + std::to_string(fixed_size_) + ">";
    case TypeId::kDate32:
      return "date32";
    case TypeId::kDate64:
      return "date64";
    case TypeId::kTimestamp:
      return std::string("timestamp<") + TimeUnitName(unit_) +
             (timezone_.empty() ? std::string() : ", " + timezone_) + ">";
    case TypeId::kTime32:
      return std::string("time32<") + TimeUnitName(unit_) + ">";
    case TypeId::kTime64:
      return std::string("time64<") + TimeUnitName(unit_) + ">";
    case TypeId::kDuration:
      return std::string("duration<") + TimeUnitName(unit_) + ">";
    case TypeId::kFixedSizeList: {
      const DataTypePtr& item = value_type();
      return "fixed_size_list<" + (item ? item->ToString() : std::string("?")) + ", " +
             std::to_string(fixed_size_) + ">";
    }
    case TypeId::kList:
    case TypeId::kLargeList: {
      const DataTypePtr& item = value_type();
      return std::string(id_ == TypeId::kList ? "list<" : "large_list<") +
             (item ? item->ToString() : std::string("?")) + ">";
    }
    case TypeId::kStruct: {
      std::string out = "struct<";
      for (size_t i = 0; i < children_.size(); ++i) {
        if (i) out += ", ";
        out += children_[i].ToString();
      }
      return out + ">";
    }
    default:
      return "?";
  }
}

bool DataType::Equals(const DataType& other) const {
  return TypeEqualsImpl(*this, other, /*check_ids=*/false, /*check_metadata=*/false);
}

DataTypePtr DataType::Primitive(TypeId id) {
  // One shared instance per parameterless id, created on first use (thread-safe static init).
  static const std::vector<DataTypePtr> kCache = [] {
    std::vector<DataTypePtr> cache(static_cast<size_t>(TypeId::kStruct) + 1);
    for (TypeId p : kPrimitiveIds) {
      auto t = NewType();
      t->id_ = p;
      cache[static_cast<size_t>(p)] = std::move(t);
    }
    return cache;
  }();
  if (!IsParameterless(id)) return nullptr;
  return kCache[static_cast<size_t>(id)];
}

DataTypePtr DataType::FixedSizeBinary(int32_t width) {
  auto t = NewType();
  t->id_ = TypeId::kFixedSizeBinary;
  t->fixed_size_ = width;
  return t;
}

DataTypePtr DataType::Timestamp(TimeUnit unit, std::string tz) {
  auto t = NewType();
  t->id_ = TypeId::kTimestamp;
  t->unit_ = unit;
  t->timezone_ = std::move(tz);
  return t;
}

DataTypePtr DataType::Time(TypeId id, TimeUnit unit) {
  auto t = NewType();
  t->id_ = id;
  t->unit_ = unit;
  return t;
}

DataTypePtr DataType::Duration(TimeUnit unit) {
  auto t = NewType();
  t->id_ = TypeId::kDuration;
  t->unit_ = unit;
  return t;
}

DataTypePtr DataType::FixedSizeList(DataTypePtr item, int32_t size, bool item_nullable) {
  auto t = NewType();
  t->id_ = TypeId::kFixedSizeList;
  t->fixed_size_ = size;
  t->children_.emplace_back("item", std::move(item), item_nullable);
  return t;
}

DataTypePtr DataType::List(Field item) {
  auto t = NewType();
  t->id_ = TypeId::kList;
  t->children_.push_back(std::move(item));
  return t;
}

DataTypePtr DataType::LargeList(Field item) {
  auto t = NewType();
  t->id_ = TypeId::kLargeList;
  t->children_.push_back(std::move(item));
  return t;
}

DataTypePtr DataType::Struct(std::vector<Field> fields) {
  auto t = NewType();
  t->id_ = TypeId::kStruct;
  t->children_ = std::move(fields);
  return t;
}

// ---- Field / Schema

bool Field::Equals(const Field& other, bool check_ids) const {
  return FieldEqualsImpl(*this, other, check_ids, /*check_metadata=*/true);
}

std::string Field::ToString() const {
  return name + ": " + (type ? type->ToString() : std::string("?")) + (nullable ? "" : " not null");
}

int Schema::FieldIndex(const std::string& name) const {
  for (size_t i = 0; i < fields.size(); ++i) {
    if (fields[i].name == name) return static_cast<int>(i);
  }
  return -1;
}

bool Schema::Equals(const Schema& other, bool check_ids) const {
  if (fields.size() != other.fields.size() || metadata != other.metadata) return false;
  for (size_t i = 0; i < fields.size(); ++i) {
    if (!fields[i].Equals(other.fields[i], check_ids)) return false;
  }
  return true;
}

std::string Schema::ToString() const {
  std::string out;
  for (size_t i = 0; i < fields.size(); ++i) {
    if (i) out += "\n";
    out += fields[i].ToString();
  }
  return out;
}

// ---- Shorthands

DataTypePtr boolean() { return DataType::Primitive(TypeId::kBool); }
DataTypePtr int8() { return DataType::Primitive(TypeId::kInt8); }
DataTypePtr int16() { return DataType::Primitive(TypeId::kInt16); }
DataTypePtr int32() { return DataType::Primitive(TypeId::kInt32); }
DataTypePtr int64() { return DataType::Primitive(TypeId::kInt64); }
DataTypePtr uint8() { return DataType::Primitive(TypeId::kUInt8); }
DataTypePtr uint16() { return DataType::Primitive(TypeId::kUInt16); }
DataTypePtr uint32() { return DataType::Primitive(TypeId::kUInt32); }
DataTypePtr uint64() { return DataType::Primitive(TypeId::kUInt64); }
DataTypePtr float16() { return DataType::Primitive(TypeId::kHalfFloat); }
DataTypePtr float32() { return DataType::Primitive(TypeId::kFloat); }
DataTypePtr float64() { return DataType::Primitive(TypeId::kDouble); }
DataTypePtr utf8() { return DataType::Primitive(TypeId::kString); }
DataTypePtr large_utf8() { return DataType::Primitive(TypeId::kLargeString); }
DataTypePtr binary() { return DataType::Primitive(TypeId::kBinary); }
DataTypePtr large_binary() { return DataType::Primitive(TypeId::kLargeBinary); }
DataTypePtr date32() { return DataType::Primitive(TypeId::kDate32); }
DataTypePtr date64() { return DataType::Primitive(TypeId::kDate64); }
DataTypePtr null_type() { return DataType::Primitive(TypeId::kNull); }
DataTypePtr fixed_size_binary(int32_t width) { return DataType::FixedSizeBinary(width); }
DataTypePtr timestamp(TimeUnit unit, std::string tz) {
  return DataType::Timestamp(unit, std::move(tz));
}
DataTypePtr list(DataTypePtr item) { return DataType::List(Field("item", std::move(item))); }
DataTypePtr large_list(DataTypePtr item) {
  return DataType::LargeList(Field("item", std::move(item)));
}
DataTypePtr fixed_size_list(DataTypePtr item, int32_t size) {
  return DataType::FixedSizeList(std::move(item), size);
}
DataTypePtr struct_(std::vector<Field> fields) { return DataType::Struct(std::move(fields)); }

// ---- Logical type strings

namespace {

Status Unknown(const std::string& logical) {
  return Status::InvalidArgument("unknown Lance logical type \"" + logical + "\"");
}

Status NoChildren(const std::string& logical, const std::vector<Field>& children) {
  if (!children.empty()) {
    return Status::InvalidArgument("logical type \"" + logical + "\" takes no child fields, got " +
                                   std::to_string(children.size()));
  }
  return Status::OK();
}

Result<DataTypePtr> ParseLeaf(const std::string& logical) {
  for (TypeId id : kPrimitiveIds) {
    const char* name = PrimitiveName(id);
    if (name && logical == name) return DataType::Primitive(id);
  }
  std::vector<std::string_view> parts = SplitColon(logical);
  std::string_view head = parts[0];
  TimeUnit unit;
  if (head == "date32" && parts.size() == 2 && parts[1] == "day") return date32();
  if (head == "date64" && parts.size() == 2 && parts[1] == "ms") return date64();
  if (head == "time32" && parts.size() == 2 && ParseTimeUnit(parts[1], &unit) &&
      (unit == TimeUnit::kSecond || unit == TimeUnit::kMilli)) {
    return DataType::Time(TypeId::kTime32, unit);
  }
  if (head == "time64" && parts.size() == 2 && ParseTimeUnit(parts[1], &unit) &&
      (unit == TimeUnit::kMicro || unit == TimeUnit::kNano)) {
    return DataType::Time(TypeId::kTime64, unit);
  }
  if (head == "duration" && parts.size() == 2 && ParseTimeUnit(parts[1], &unit)) {
    return DataType::Duration(unit);
  }
  if (head == "timestamp" && parts.size() >= 3 && ParseTimeUnit(parts[1], &unit)) {
    // The time zone is everything after the second ':' (so "+05:30" survives).
    size_t tz_start = parts[0].size() + parts[1].size() + 2;
    std::string tz = logical.substr(tz_start);
    if (tz.empty()) return Unknown(logical);
    if (tz == "-") tz.clear();
    return DataType::Timestamp(unit, std::move(tz));
  }
  int32_t n = 0;
  if (head == "fixed_size_binary" && parts.size() == 2 && ParsePositiveInt32(parts[1], &n)) {
    return DataType::FixedSizeBinary(n);
  }
  if (head == "fixed_size_list" && parts.size() >= 3) {
    if (!ParsePositiveInt32(parts.back(), &n)) return Unknown(logical);
    size_t inner_start = parts[0].size() + 1;
    size_t inner_len = logical.size() - inner_start - parts.back().size() - 1;
    std::string inner = logical.substr(inner_start, inner_len);
    if (inner == "lance.bfloat16") {
      return Status::NotSupported("logical type \"" + logical + "\" (bfloat16) is not supported");
    }
    auto item = ParseLeaf(inner);
    if (!item.ok()) {
      return Status(item.status().code(),
                    "bad item type in \"" + logical + "\": " + item.status().message());
    }
    return DataType::FixedSizeList(std::move(item).ValueOrDie(), n);
  }
  if (head == "decimal" || head == "dict" || head == "map") {
    return Status::NotSupported("logical type \"" + logical + "\" is not supported by lancet");
  }
  return Unknown(logical);
}

}  // namespace

Result<DataTypePtr> ParseLogicalType(const std::string& logical, std::vector<Field> children) {
  if (logical == "struct") {
    for (const Field& f : children) {
      if (!f.type) return Status::InvalidArgument("struct child \"" + f.name + "\" has no type");
    }
    return DataType::Struct(std::move(children));
  }
  if (logical == "list" || logical == "large_list" || logical == "list.struct" ||
      logical == "large_list.struct") {
    if (children.size() != 1) {
      return Status::InvalidArgument("logical type \"" + logical +
                                     "\" needs exactly one child field, got " +
                                     std::to_string(children.size()));
    }
    if (!children[0].type) return Status::InvalidArgument("list item field has no type");
    bool want_struct = logical.size() > 7 && logical.ends_with(".struct");
    if (want_struct && children[0].type->id() != TypeId::kStruct) {
      return Status::InvalidArgument("logical type \"" + logical + "\" needs a struct item, got " +
                                     children[0].type->ToString());
    }
    bool large = logical.starts_with("large_list");
    return large ? DataType::LargeList(std::move(children[0]))
                 : DataType::List(std::move(children[0]));
  }
  auto leaf = ParseLeaf(logical);
  if (leaf.ok()) LANCET_RETURN_NOT_OK(NoChildren(logical, children));
  return leaf;
}

}  // namespace lancet
