// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The lancet authors
#include "lancet/core/array.h"

#include <bit>
#include <charconv>
#include <cinttypes>
#include <limits>
#include <utility>

#include "lancet/core/array_builder.h"
#include "lancet/core/float16.h"

namespace lancet {

namespace {

constexpr int kMaxNestingDepth = 64;

int64_t BytesForBits(int64_t bits) { return bits / 8 + (bits % 8 != 0 ? 1 : 0); }

bool GetBit(const uint8_t* bits, int64_t i) { return (bits[i >> 3] >> (i & 7)) & 1; }

std::string TypeName(const ArrayData& a) { return a.type ? a.type->ToString() : "<no type>"; }

// ---- Validation

Status Invalid(const std::string& path, const ArrayData& a, const std::string& what) {
  return Status::Corruption((path.empty() ? std::string() : path + ": ") +
                            "invalid array of type " + TypeName(a) + ": " + what);
}

std::string ChildPath(const std::string& path, const std::string& name) {
  std::string p = "child '" + name + "'";
  return path.empty() ? p : p + " of " + path;
}

Status ValidateImpl(const ArrayData& a, const std::string& path, int depth) {
  if (depth > kMaxNestingDepth) return Invalid(path, a, "nesting too deep");
  if (!a.type) return Invalid(path, a, "no type");
  const DataType& type = *a.type;
  if (a.length < 0) return Invalid(path, a, "negative length " + std::to_string(a.length));
  if (a.null_count < 0 || a.null_count > a.length) {
    return Invalid(path, a,
                   "null_count " + std::to_string(a.null_count) + " out of range [0, " +
                       std::to_string(a.length) + "]");
  }
  // Validity.
  if (!a.validity.empty()) {
    if (a.validity.data() == nullptr || a.validity.size() < BytesForBits(a.length)) {
      return Invalid(path, a,
                     "validity buffer has " + std::to_string(a.validity.size()) + " bytes, need " +
                         std::to_string(BytesForBits(a.length)));
    }
    int64_t nulls = CountNulls(a.validity, a.length);
    if (nulls != a.null_count) {
      return Invalid(path, a,
                     "null_count " + std::to_string(a.null_count) +
                         " but the validity bitmap has " + std::to_string(nulls) + " nulls");
    }
  } else if (type.id() != TypeId::kNull && a.null_count != 0) {
    return Invalid(path, a,
                   "null_count " + std::to_string(a.null_count) + " without a validity bitmap");
  }
  if (type.id() == TypeId::kNull && a.null_count != a.length) {
    return Invalid(path, a, "a null-type array must be all null");
  }

  // Children count and types.
  size_t want_children = 0;
  if (type.is_nested()) {
    want_children = type.children().size();
    if ((type.id() != TypeId::kStruct) && want_children != 1) {
      return Invalid(path, a, "malformed type: list types need exactly one child field");
    }
  }
  if (a.children.size() != want_children) {
    return Invalid(path, a,
                   "has " + std::to_string(a.children.size()) + " children, expected " +
                       std::to_string(want_children));
  }
  for (size_t i = 0; i < want_children; ++i) {
    const Field& f = type.children()[i];
    if (!f.type)
      return Invalid(path, a, "malformed type: child field '" + f.name + "' has no type");
    if (!a.children[i]) return Invalid(path, a, "child '" + f.name + "' is missing");
    const ArrayData& c = *a.children[i];
    if (!c.type || (c.type != f.type && !c.type->Equals(*f.type))) {
      return Invalid(
          path, a,
          "child '" + f.name + "' has type " + TypeName(c) + ", expected " + f.type->ToString());
    }
  }

  auto need_bytes = [&](const Buffer& buf, int64_t bytes, const char* name) -> Status {
    if (buf.size() < bytes || (bytes > 0 && buf.data() == nullptr)) {
      return Invalid(path, a,
                     std::string(name) + " buffer has " + std::to_string(buf.size()) +
                         " bytes, need " + std::to_string(bytes));
    }
    return Status::OK();
  };
  // Offsets: length + 1 int64, non-negative, non-decreasing, last <= limit.
  auto check_offsets = [&](int64_t limit, const char* limit_name) -> Status {
    if (a.length >= std::numeric_limits<int64_t>::max() / 8) {
      return Invalid(path, a, "length too large");
    }
    LANCET_RETURN_NOT_OK(need_bytes(a.offsets, (a.length + 1) * 8, "offsets"));
    int64_t prev = OffsetAt(a, 0);
    if (prev < 0) return Invalid(path, a, "offset 0 is negative (" + std::to_string(prev) + ")");
    for (int64_t i = 1; i <= a.length; ++i) {
      int64_t cur = OffsetAt(a, i);
      if (cur < prev) {
        return Invalid(path, a,
                       "offsets decrease at slot " + std::to_string(i - 1) + " (" +
                           std::to_string(prev) + " > " + std::to_string(cur) + ")");
      }
      prev = cur;
    }
    if (prev > limit) {
      return Invalid(path, a,
                     "last offset " + std::to_string(prev) + " exceeds the " + limit_name + " (" +
                         std::to_string(limit) + ")");
    }
    return Status::OK();
  };

  switch (type.id()) {
    case TypeId::kNull:
      break;
    case TypeId::kBool:
      LANCET_RETURN_NOT_OK(need_bytes(a.values, BytesForBits(a.length), "values"));
      break;
    case TypeId::kString:
    case TypeId::kLargeString:
    case TypeId::kBinary:
    case TypeId::kLargeBinary:
      LANCET_RETURN_NOT_OK(check_offsets(a.values.size(), "values buffer size"));
      break;
    case TypeId::kList:
    case TypeId::kLargeList:
      LANCET_RETURN_NOT_OK(check_offsets(a.children[0]->length, "item count"));
      break;
    case TypeId::kFixedSizeList: {
      const int64_t size = type.fixed_size();
      if (size < 0) return Invalid(path, a, "negative list size");
      if (size > 0 && a.length > std::numeric_limits<int64_t>::max() / size) {
        return Invalid(path, a, "length too large");
      }
      if (a.children[0]->length != a.length * size) {
        return Invalid(path, a,
                       "child has " + std::to_string(a.children[0]->length) + " items, expected " +
                           std::to_string(a.length * size));
      }
      break;
    }
    case TypeId::kStruct:
      for (size_t i = 0; i < a.children.size(); ++i) {
        if (a.children[i]->length != a.length) {
          return Invalid(path, a,
                         "child '" + type.children()[i].name + "' has length " +
                             std::to_string(a.children[i]->length) + ", expected " +
                             std::to_string(a.length));
        }
      }
      break;
    default: {
      // Fixed-width: integers, floats, temporal types, fixed-size binary.
      int64_t width =
          type.id() == TypeId::kFixedSizeBinary ? type.fixed_size() : type.bit_width() / 8;
      if (width < 0) return Invalid(path, a, "negative byte width");
      if (width > 0 && a.length > std::numeric_limits<int64_t>::max() / width) {
        return Invalid(path, a, "length too large");
      }
      LANCET_RETURN_NOT_OK(need_bytes(a.values, a.length * width, "values"));
      break;
    }
  }
  for (size_t i = 0; i < a.children.size(); ++i) {
    LANCET_RETURN_NOT_OK(
        ValidateImpl(*a.children[i], ChildPath(path, type.children()[i].name), depth + 1));
  }
  return Status::OK();
}

// ---- Equality

std::string Quote(std::string_view s, bool binary) {
  constexpr size_t kMax = 48;
  std::string out;
  if (binary) {
    static const char kHex[] = "0123456789abcdef";
    out = "0x";
    for (size_t i = 0; i < s.size() && i < kMax / 2; ++i) {
      auto c = static_cast<uint8_t>(s[i]);
      out.push_back(kHex[c >> 4]);
      out.push_back(kHex[c & 15]);
    }
    if (s.size() > kMax / 2) out += "...";
    return out;
  }
  out = "\"";
  out.append(s.substr(0, kMax));
  if (s.size() > kMax) out += "...";
  return out + "\"";
}

std::string DoubleString(double d) {
  char buf[64];
  auto res = std::to_chars(buf, buf + sizeof(buf), d);
  return std::string(buf, res.ptr);
}

template <typename T>
T Load(const ArrayData& a, int64_t i) {
  T v;
  std::memcpy(&v, a.values.data() + i * static_cast<int64_t>(sizeof(T)), sizeof(T));
  return v;
}

/// Readable value of slot i (for diff messages).
std::string ValueString(const ArrayData& a, int64_t i) {
  if (a.IsNull(i)) return "null";
  switch (a.type->id()) {
    case TypeId::kBool:
      return GetBit(a.values.data(), i) ? "true" : "false";
    case TypeId::kInt8:
      return std::to_string(Load<int8_t>(a, i));
    case TypeId::kInt16:
      return std::to_string(Load<int16_t>(a, i));
    case TypeId::kInt32:
    case TypeId::kDate32:
    case TypeId::kTime32:
      return std::to_string(Load<int32_t>(a, i));
    case TypeId::kInt64:
    case TypeId::kDate64:
    case TypeId::kTimestamp:
    case TypeId::kTime64:
    case TypeId::kDuration:
      return std::to_string(Load<int64_t>(a, i));
    case TypeId::kUInt8:
      return std::to_string(Load<uint8_t>(a, i));
    case TypeId::kUInt16:
      return std::to_string(Load<uint16_t>(a, i));
    case TypeId::kUInt32:
      return std::to_string(Load<uint32_t>(a, i));
    case TypeId::kUInt64:
      return std::to_string(Load<uint64_t>(a, i));
    case TypeId::kHalfFloat:
      return DoubleString(Float16ToDouble(Load<uint16_t>(a, i)));
    case TypeId::kFloat:
      return DoubleString(Load<float>(a, i));
    case TypeId::kDouble:
      return DoubleString(Load<double>(a, i));
    case TypeId::kString:
    case TypeId::kLargeString:
      return Quote(a.GetView(i), false);
    case TypeId::kBinary:
    case TypeId::kLargeBinary:
    case TypeId::kFixedSizeBinary:
      return Quote(a.GetView(i), true);
    case TypeId::kList:
    case TypeId::kLargeList:
      return "list of " + std::to_string(OffsetAt(a, i + 1) - OffsetAt(a, i));
    case TypeId::kFixedSizeList:
      return "fixed_size_list";
    case TypeId::kStruct:
      return "struct";
    default:
      return "?";
  }
}

struct Diff {
  std::string where;  // "row 17 of child 'b'"
  std::string what;   // "3 != 4"
};

bool SetDiff(Diff* diff, int64_t ai, int64_t bi, std::string what) {
  if (diff) {
    diff->where = "row " + std::to_string(ai);
    if (ai != bi) diff->where += " (row " + std::to_string(bi) + " of the right side)";
    diff->what = std::move(what);
  }
  return false;
}

/// Compare rows [ai, ai+len) of `a` with [bi, bi+len) of `b` (same type, both valid).
bool RangeEquals(const ArrayData& a, int64_t ai, const ArrayData& b, int64_t bi, int64_t len,
                 Diff* diff) {
  const DataType& type = *a.type;
  const TypeId id = type.id();
  if (id == TypeId::kNull) return true;
  // Validity first.
  for (int64_t k = 0; k < len; ++k) {
    if (a.IsValid(ai + k) != b.IsValid(bi + k)) {
      return SetDiff(diff, ai + k, bi + k,
                     ValueString(a, ai + k) + " != " + ValueString(b, bi + k));
    }
  }
  switch (id) {
    case TypeId::kBool:
      for (int64_t k = 0; k < len; ++k) {
        if (a.IsValid(ai + k) &&
            GetBit(a.values.data(), ai + k) != GetBit(b.values.data(), bi + k)) {
          return SetDiff(diff, ai + k, bi + k,
                         ValueString(a, ai + k) + " != " + ValueString(b, bi + k));
        }
      }
      return true;
    case TypeId::kString:
    case TypeId::kLargeString:
    case TypeId::kBinary:
    case TypeId::kLargeBinary:
      for (int64_t k = 0; k < len; ++k) {
        if (a.IsValid(ai + k) && a.GetView(ai + k) != b.GetView(bi + k)) {
          return SetDiff(diff, ai + k, bi + k,
                         ValueString(a, ai + k) + " != " + ValueString(b, bi + k));
        }
      }
      return true;
    case TypeId::kList:
    case TypeId::kLargeList: {
      const ArrayData& ca = *a.children[0];
      const ArrayData& cb = *b.children[0];
      for (int64_t k = 0; k < len; ++k) {
        if (a.IsNull(ai + k)) continue;
        const int64_t as = OffsetAt(a, ai + k), ae = OffsetAt(a, ai + k + 1);
        const int64_t bs = OffsetAt(b, bi + k), be = OffsetAt(b, bi + k + 1);
        if (ae - as != be - bs) {
          return SetDiff(
              diff, ai + k, bi + k,
              "list length " + std::to_string(ae - as) + " != " + std::to_string(be - bs));
        }
        if (!RangeEquals(ca, as, cb, bs, ae - as, diff)) {
          if (diff) {
            diff->where += " of child '" + type.children()[0].name + "' (list at row " +
                           std::to_string(ai + k) + ")";
          }
          return false;
        }
      }
      return true;
    }
    case TypeId::kFixedSizeList: {
      const int64_t size = type.fixed_size();
      const ArrayData& ca = *a.children[0];
      const ArrayData& cb = *b.children[0];
      for (int64_t k = 0; k < len; ++k) {
        if (a.IsNull(ai + k)) continue;
        if (!RangeEquals(ca, (ai + k) * size, cb, (bi + k) * size, size, diff)) {
          if (diff) {
            diff->where += " of child '" + type.children()[0].name + "' (list at row " +
                           std::to_string(ai + k) + ")";
          }
          return false;
        }
      }
      return true;
    }
    case TypeId::kStruct: {
      // Compare children over runs of valid struct rows.
      int64_t k = 0;
      while (k < len) {
        if (a.IsNull(ai + k)) {
          ++k;
          continue;
        }
        int64_t run = 1;
        while (k + run < len && a.IsValid(ai + k + run)) ++run;
        for (size_t c = 0; c < a.children.size(); ++c) {
          if (!RangeEquals(*a.children[c], ai + k, *b.children[c], bi + k, run, diff)) {
            if (diff) diff->where += " of child '" + type.children()[c].name + "'";
            return false;
          }
        }
        k += run;
      }
      return true;
    }
    default: {
      // Fixed width: compare bytes of valid slots (floats by bit pattern).
      const int64_t width =
          id == TypeId::kFixedSizeBinary ? type.fixed_size() : type.bit_width() / 8;
      if (width <= 0) return true;
      const uint8_t* pa = a.values.data();
      const uint8_t* pb = b.values.data();
      const bool no_nulls = a.null_count == 0 && b.null_count == 0;
      if (no_nulls && len > 0 &&
          std::memcmp(pa + ai * width, pb + bi * width, static_cast<size_t>(len * width)) == 0) {
        return true;
      }
      for (int64_t k = 0; k < len; ++k) {
        if (a.IsNull(ai + k)) continue;
        if (std::memcmp(pa + (ai + k) * width, pb + (bi + k) * width, static_cast<size_t>(width)) !=
            0) {
          return SetDiff(diff, ai + k, bi + k,
                         ValueString(a, ai + k) + " != " + ValueString(b, bi + k));
        }
      }
      return true;
    }
  }
}

}  // namespace

std::string_view ArrayData::GetView(int64_t i) const {
  if (!type) return {};
  if (type->is_binary_like()) {
    const int64_t start = OffsetAt(*this, i);
    const int64_t end = OffsetAt(*this, i + 1);
    return std::string_view(reinterpret_cast<const char*>(values.data()) + start,
                            static_cast<size_t>(end - start));
  }
  if (type->id() == TypeId::kFixedSizeBinary) {
    const int64_t width = type->fixed_size();
    return std::string_view(reinterpret_cast<const char*>(values.data()) + i * width,
                            static_cast<size_t>(width));
  }
  return {};
}

Status ValidateArray(const ArrayData& array) { return ValidateImpl(array, "", 0); }

Status ValidateRecordBatch(const RecordBatch& batch) {
  if (batch.num_rows < 0) return Status::Corruption("record batch has a negative row count");
  if (batch.columns.size() != batch.schema.fields.size()) {
    return Status::Corruption("record batch has " + std::to_string(batch.columns.size()) +
                              " columns but its schema has " +
                              std::to_string(batch.schema.fields.size()) + " fields");
  }
  for (size_t i = 0; i < batch.columns.size(); ++i) {
    const Field& f = batch.schema.fields[i];
    const std::string where = "column '" + f.name + "'";
    if (!batch.columns[i]) return Status::Corruption(where + " is missing");
    const ArrayData& c = *batch.columns[i];
    if (!f.type || !c.type || (c.type != f.type && !c.type->Equals(*f.type))) {
      return Status::Corruption(where + " has type " + TypeName(c) + ", expected " +
                                (f.type ? f.type->ToString() : std::string("<no type>")));
    }
    if (c.length != batch.num_rows) {
      return Status::Corruption(where + " has " + std::to_string(c.length) + " rows, expected " +
                                std::to_string(batch.num_rows));
    }
    LANCET_RETURN_NOT_OK(ValidateArray(c).WithContext(where));
  }
  return Status::OK();
}

Result<ArrayPtr> Concatenate(const std::vector<ArrayPtr>& arrays) {
  if (arrays.empty()) return Status::InvalidArgument("Concatenate: no arrays");
  for (const ArrayPtr& a : arrays) {
    if (!a || !a->type) return Status::InvalidArgument("Concatenate: null array");
  }
  ArrayBuilder builder(arrays[0]->type);
  int64_t total = 0;
  for (const ArrayPtr& a : arrays) total += a->length;
  builder.Reserve(total);
  for (const ArrayPtr& a : arrays) {
    if (a->type != arrays[0]->type && !a->type->Equals(*arrays[0]->type)) {
      return Status::InvalidArgument("Concatenate: type " + a->type->ToString() +
                                     " does not match " + arrays[0]->type->ToString());
    }
    LANCET_RETURN_NOT_OK(builder.AppendArraySlice(*a, 0, a->length));
  }
  return builder.Finish();
}

Result<ArrayPtr> SliceArray(const ArrayPtr& array, int64_t offset, int64_t length) {
  if (!array || !array->type) return Status::InvalidArgument("SliceArray: null array");
  if (offset < 0 || length < 0 || offset > array->length || length > array->length - offset) {
    return Status::InvalidArgument("SliceArray: rows [" + std::to_string(offset) + ", " +
                                   std::to_string(offset) + " + " + std::to_string(length) +
                                   ") out of range for length " + std::to_string(array->length));
  }
  ArrayBuilder builder(array->type);
  LANCET_RETURN_NOT_OK(builder.AppendArraySlice(*array, offset, length));
  return builder.Finish();
}

Result<ArrayPtr> TakeArray(const ArrayPtr& array, const std::vector<int64_t>& indices) {
  if (!array || !array->type) return Status::InvalidArgument("TakeArray: null array");
  for (int64_t idx : indices) {
    if (idx < 0 || idx >= array->length) {
      return Status::InvalidArgument("TakeArray: index " + std::to_string(idx) +
                                     " out of range for length " + std::to_string(array->length));
    }
  }
  ArrayBuilder builder(array->type);
  builder.Reserve(static_cast<int64_t>(indices.size()));
  size_t i = 0;
  while (i < indices.size()) {
    // Copy runs of consecutive indices at once.
    size_t j = i + 1;
    while (j < indices.size() && indices[j] == indices[j - 1] + 1) ++j;
    LANCET_RETURN_NOT_OK(builder.AppendArraySlice(*array, indices[i], static_cast<int64_t>(j - i)));
    i = j;
  }
  return builder.Finish();
}

Result<ArrayPtr> MakeNullArray(const DataTypePtr& type, int64_t length) {
  if (!type) return Status::InvalidArgument("MakeNullArray: no type");
  if (length < 0) return Status::InvalidArgument("MakeNullArray: negative length");
  ArrayBuilder builder(type);
  LANCET_RETURN_NOT_OK(builder.AppendNulls(length));
  return builder.Finish();
}

bool ArrayEquals(const ArrayData& a, const ArrayData& b, std::string* diff) {
  if (!a.type || !b.type) {
    if (diff) *diff = "array without a type";
    return a.type == b.type && a.length == b.length;
  }
  if (a.type != b.type && !a.type->Equals(*b.type)) {
    if (diff) *diff = "type " + a.type->ToString() + " != " + b.type->ToString();
    return false;
  }
  if (a.length != b.length) {
    if (diff) *diff = "length " + std::to_string(a.length) + " != " + std::to_string(b.length);
    return false;
  }
  Diff d;
  if (RangeEquals(a, 0, b, 0, a.length, diff ? &d : nullptr)) return true;
  if (diff) *diff = d.where + ": " + d.what;
  return false;
}

bool RecordBatchEquals(const RecordBatch& a, const RecordBatch& b, std::string* diff) {
  if (!a.schema.Equals(b.schema)) {
    if (diff) *diff = "schema\n" + a.schema.ToString() + "\n!=\n" + b.schema.ToString();
    return false;
  }
  if (a.num_rows != b.num_rows || a.columns.size() != b.columns.size()) {
    if (diff) {
      *diff = "shape " + std::to_string(a.num_rows) + "x" + std::to_string(a.columns.size()) +
              " != " + std::to_string(b.num_rows) + "x" + std::to_string(b.columns.size());
    }
    return false;
  }
  for (size_t i = 0; i < a.columns.size(); ++i) {
    std::string d;
    if (!ArrayEquals(*a.columns[i], *b.columns[i], diff ? &d : nullptr)) {
      if (diff) *diff = "column '" + a.schema.fields[i].name + "': " + d;
      return false;
    }
  }
  return true;
}

Buffer MakeValidityBitmap(const std::vector<bool>& valid, int64_t* null_count) {
  int64_t nulls = 0;
  std::vector<uint8_t> bits(static_cast<size_t>(BytesForBits(static_cast<int64_t>(valid.size()))),
                            0);
  for (size_t i = 0; i < valid.size(); ++i) {
    if (valid[i]) {
      bits[i >> 3] |= static_cast<uint8_t>(1u << (i & 7));
    } else {
      ++nulls;
    }
  }
  if (null_count) *null_count = nulls;
  if (nulls == 0) return Buffer();
  return Buffer::FromVector(std::move(bits));
}

int64_t CountNulls(const Buffer& validity, int64_t length) {
  if (validity.empty() || length <= 0) return 0;
  const uint8_t* p = validity.data();
  const int64_t whole = length / 8;
  int64_t ones = 0;
  int64_t i = 0;
  for (; i + 8 <= whole; i += 8) {
    uint64_t word;
    std::memcpy(&word, p + i, sizeof(word));
    ones += std::popcount(word);
  }
  for (; i < whole; ++i) ones += std::popcount(static_cast<unsigned>(p[i]));
  const int rem = static_cast<int>(length % 8);
  if (rem) ones += std::popcount(static_cast<unsigned>(p[whole] & ((1u << rem) - 1)));
  return length - ones;
}

}  // namespace lancet
