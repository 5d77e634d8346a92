// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The lancet authors
#include "lancet/core/array_builder.h"

#include <cmath>
#include <limits>
#include <string>
#include <utility>

#include "lancet/core/float16.h"

namespace lancet {

namespace {

enum class Kind { kNull, kBool, kFixed, kBinary, kList, kFixedSizeList, kStruct };

Kind KindOf(const DataType& type) {
  switch (type.id()) {
    case TypeId::kNull:
      return Kind::kNull;
    case TypeId::kBool:
      return Kind::kBool;
    case TypeId::kString:
    case TypeId::kLargeString:
    case TypeId::kBinary:
    case TypeId::kLargeBinary:
      return Kind::kBinary;
    case TypeId::kList:
    case TypeId::kLargeList:
      return Kind::kList;
    case TypeId::kFixedSizeList:
      return Kind::kFixedSizeList;
    case TypeId::kStruct:
      return Kind::kStruct;
    default:
      return Kind::kFixed;
  }
}

/// Byte width of a kFixed type (fixed_size_binary may be 0 bytes wide).
int64_t ByteWidth(const DataType& type) {
  if (type.id() == TypeId::kFixedSizeBinary) return type.fixed_size() > 0 ? type.fixed_size() : 0;
  return type.bit_width() / 8;
}

int64_t BytesForBits(int64_t bits) { return bits / 8 + (bits % 8 != 0 ? 1 : 0); }

/// Append `n` bits of `src` starting at bit `src_bit` to the bitmap `dst` of `dst_bits` bits.
/// Bits of `dst` beyond `dst_bits` must be zero (builders keep them so).
void AppendBits(std::vector<uint8_t>* dst, int64_t dst_bits, const uint8_t* src, int64_t src_bit,
                int64_t n) {
  dst->resize(static_cast<size_t>(BytesForBits(dst_bits + n)), 0);
  uint8_t* out = dst->data();
  if (dst_bits % 8 == 0 && src_bit % 8 == 0) {
    const int64_t whole = n / 8;
    std::memcpy(out + dst_bits / 8, src + src_bit / 8, static_cast<size_t>(whole));
    for (int64_t k = whole * 8; k < n; ++k) {
      int64_t s = src_bit + k;
      if ((src[s >> 3] >> (s & 7)) & 1) {
        int64_t d = dst_bits + k;
        out[d >> 3] |= static_cast<uint8_t>(1u << (d & 7));
      }
    }
    return;
  }
  for (int64_t k = 0; k < n; ++k) {
    int64_t s = src_bit + k;
    if ((src[s >> 3] >> (s & 7)) & 1) {
      int64_t d = dst_bits + k;
      out[d >> 3] |= static_cast<uint8_t>(1u << (d & 7));
    }
  }
}

void SetBitsTo(std::vector<uint8_t>* dst, int64_t dst_bits, int64_t n, bool value) {
  dst->resize(static_cast<size_t>(BytesForBits(dst_bits + n)), 0);
  if (!value) return;
  uint8_t* out = dst->data();
  int64_t k = 0;
  for (; k < n && (dst_bits + k) % 8 != 0; ++k) {
    int64_t d = dst_bits + k;
    out[d >> 3] |= static_cast<uint8_t>(1u << (d & 7));
  }
  int64_t whole = (n - k) / 8;
  if (whole > 0) {
    std::memset(out + (dst_bits + k) / 8, 0xff, static_cast<size_t>(whole));
    k += whole * 8;
  }
  for (; k < n; ++k) {
    int64_t d = dst_bits + k;
    out[d >> 3] |= static_cast<uint8_t>(1u << (d & 7));
  }
}

template <typename T>
Buffer BufferFromVector(std::vector<T> v) {
  auto holder = std::make_shared<std::vector<T>>(std::move(v));
  const auto* data = reinterpret_cast<const uint8_t*>(holder->data());
  int64_t size = static_cast<int64_t>(holder->size() * sizeof(T));
  return Buffer::Wrap(std::move(holder), data, size);
}

struct IntRange {
  bool is_signed;
  uint64_t max_positive;  // largest magnitude for a non-negative value
  uint64_t max_negative;  // largest magnitude for a negative value (0 when unsigned)
  int bytes;
};

bool IntRangeOf(TypeId id, IntRange* r) {
  switch (id) {
    case TypeId::kInt8:
      *r = {true, 127, 128, 1};
      return true;
    case TypeId::kInt16:
      *r = {true, 32767, 32768, 2};
      return true;
    case TypeId::kInt32:
    case TypeId::kDate32:
    case TypeId::kTime32:
      *r = {true, 2147483647ULL, 2147483648ULL, 4};
      return true;
    case TypeId::kInt64:
    case TypeId::kDate64:
    case TypeId::kTimestamp:
    case TypeId::kTime64:
    case TypeId::kDuration:
      *r = {true, 9223372036854775807ULL, 9223372036854775808ULL, 8};
      return true;
    case TypeId::kUInt8:
      *r = {false, 255, 0, 1};
      return true;
    case TypeId::kUInt16:
      *r = {false, 65535, 0, 2};
      return true;
    case TypeId::kUInt32:
      *r = {false, 4294967295ULL, 0, 4};
      return true;
    case TypeId::kUInt64:
      *r = {false, std::numeric_limits<uint64_t>::max(), 0, 8};
      return true;
    default:
      return false;
  }
}

bool IsFloat(TypeId id) {
  return id == TypeId::kHalfFloat || id == TypeId::kFloat || id == TypeId::kDouble;
}

}  // namespace

ArrayBuilder::ArrayBuilder(DataTypePtr type) : type_(std::move(type)) {
  switch (KindOf(*type_)) {
    case Kind::kList:
    case Kind::kFixedSizeList:
    case Kind::kStruct:
      for (const Field& f : type_->children()) {
        children_.push_back(std::make_unique<ArrayBuilder>(f.type));
      }
      break;
    default:
      break;
  }
  Reset();
}

ArrayBuilder::~ArrayBuilder() = default;

void ArrayBuilder::Reset() {
  length_ = 0;
  null_count_ = 0;
  validity_.clear();
  values_ = BufferBuilder();
  value_bits_ = 0;
  offsets_.clear();
  Kind kind = KindOf(*type_);
  if (kind == Kind::kBinary || kind == Kind::kList) offsets_.push_back(0);
  list_open_ = false;
  list_start_ = 0;
}

void ArrayBuilder::Reserve(int64_t n) {
  if (n <= 0) return;
  validity_.reserve(static_cast<size_t>(BytesForBits(length_ + n)));
  switch (KindOf(*type_)) {
    case Kind::kBool:
      values_.Reserve(static_cast<size_t>(BytesForBits(value_bits_ + n)));
      break;
    case Kind::kFixed:
      values_.Reserve(values_.size() + static_cast<size_t>(n * ByteWidth(*type_)));
      break;
    case Kind::kBinary:
    case Kind::kList:
      offsets_.reserve(offsets_.size() + static_cast<size_t>(n));
      break;
    default:
      break;
  }
}

Status ArrayBuilder::TypeError(const char* method) const {
  return Status::InvalidArgument(std::string(method) + " does not apply to type " +
                                 type_->ToString());
}

void ArrayBuilder::AppendValidity(bool valid) {
  if (length_ % 8 == 0) validity_.push_back(0);
  if (valid) {
    validity_[static_cast<size_t>(length_ >> 3)] |= static_cast<uint8_t>(1u << (length_ & 7));
  } else {
    ++null_count_;
  }
  ++length_;
}

Status ArrayBuilder::AppendNull() { return AppendNulls(1); }

Status ArrayBuilder::AppendNulls(int64_t n) {
  if (n < 0) return Status::InvalidArgument("AppendNulls: negative count");
  if (n == 0) return Status::OK();
  if (list_open_) return Status::InvalidArgument("AppendNull inside an open list slot");
  switch (KindOf(*type_)) {
    case Kind::kNull:
      break;
    case Kind::kBool:
      SetBitsTo(&values_.vector(), value_bits_, n, false);
      value_bits_ += n;
      break;
    case Kind::kFixed:
      values_.AppendFill(0, static_cast<size_t>(n * ByteWidth(*type_)));
      break;
    case Kind::kBinary:
    case Kind::kList:
      offsets_.insert(offsets_.end(), static_cast<size_t>(n), offsets_.back());
      break;
    case Kind::kFixedSizeList:
      LANCET_RETURN_NOT_OK(children_[0]->AppendNulls(n * type_->fixed_size()));
      break;
    case Kind::kStruct:
      for (auto& c : children_) LANCET_RETURN_NOT_OK(c->AppendNulls(n));
      break;
  }
  SetBitsTo(&validity_, length_, n, false);
  length_ += n;
  null_count_ += n;
  return Status::OK();
}

Status ArrayBuilder::AppendBool(bool v) {
  if (type_->id() != TypeId::kBool) return TypeError("AppendBool");
  if (value_bits_ % 8 == 0) values_.vector().push_back(0);
  if (v) values_.vector().back() |= static_cast<uint8_t>(1u << (value_bits_ & 7));
  ++value_bits_;
  AppendValidity(true);
  return Status::OK();
}

Status ArrayBuilder::AppendIntChecked(bool negative, uint64_t magnitude) {
  const TypeId id = type_->id();
  if (IsFloat(id)) {
    double d = static_cast<double>(magnitude);
    return AppendDouble(negative ? -d : d);
  }
  IntRange range;
  if (!IntRangeOf(id, &range)) return TypeError("AppendInt");
  if (negative ? magnitude > range.max_negative : magnitude > range.max_positive) {
    return Status::InvalidArgument("value " + std::string(negative ? "-" : "") +
                                   std::to_string(magnitude) + " out of range for " +
                                   type_->ToString());
  }
  // Two's complement of the (possibly negative) value; its low bytes are the stored value.
  const uint64_t bits = negative ? ~magnitude + 1 : magnitude;
  values_.Append(&bits, static_cast<size_t>(range.bytes));
  AppendValidity(true);
  return Status::OK();
}

Status ArrayBuilder::AppendInt(int64_t v) {
  if (v < 0) return AppendIntChecked(true, ~static_cast<uint64_t>(v) + 1);
  return AppendIntChecked(false, static_cast<uint64_t>(v));
}

Status ArrayBuilder::AppendUInt(uint64_t v) { return AppendIntChecked(false, v); }

Status ArrayBuilder::AppendDouble(double v) {
  switch (type_->id()) {
    case TypeId::kHalfFloat:
      values_.AppendValue<uint16_t>(DoubleToFloat16(v));
      break;
    case TypeId::kFloat:
      values_.AppendValue<float>(static_cast<float>(v));
      break;
    case TypeId::kDouble:
      values_.AppendValue<double>(v);
      break;
    default:
      return TypeError("AppendDouble");
  }
  AppendValidity(true);
  return Status::OK();
}

Status ArrayBuilder::AppendFloat16Bits(uint16_t bits) {
  if (type_->id() != TypeId::kHalfFloat) return TypeError("AppendFloat16Bits");
  values_.AppendValue<uint16_t>(bits);
  AppendValidity(true);
  return Status::OK();
}

Status ArrayBuilder::AppendBytes(std::string_view v) {
  if (type_->id() == TypeId::kFixedSizeBinary) {
    if (static_cast<int64_t>(v.size()) != ByteWidth(*type_)) {
      return Status::InvalidArgument("expected " + std::to_string(ByteWidth(*type_)) +
                                     " bytes for " + type_->ToString() + ", got " +
                                     std::to_string(v.size()));
    }
    values_.Append(v);
    AppendValidity(true);
    return Status::OK();
  }
  if (!type_->is_binary_like()) return TypeError("AppendBytes");
  values_.Append(v);
  offsets_.push_back(static_cast<int64_t>(values_.size()));
  AppendValidity(true);
  return Status::OK();
}

Status ArrayBuilder::BeginList() {
  Kind kind = KindOf(*type_);
  if (kind != Kind::kList && kind != Kind::kFixedSizeList) return TypeError("BeginList");
  if (list_open_) return Status::InvalidArgument("BeginList: a list slot is already open");
  list_open_ = true;
  list_start_ = children_[0]->length();
  return Status::OK();
}

Status ArrayBuilder::EndList() {
  if (!list_open_) return Status::InvalidArgument("EndList without BeginList");
  const int64_t items = children_[0]->length() - list_start_;
  if (type_->id() == TypeId::kFixedSizeList && items != type_->fixed_size()) {
    return Status::InvalidArgument("expected " + std::to_string(type_->fixed_size()) +
                                   " items for " + type_->ToString() + ", got " +
                                   std::to_string(items));
  }
  list_open_ = false;
  if (type_->id() != TypeId::kFixedSizeList) offsets_.push_back(children_[0]->length());
  AppendValidity(true);
  return Status::OK();
}

Status ArrayBuilder::AppendStructValid() {
  if (type_->id() != TypeId::kStruct) return TypeError("AppendStructValid");
  AppendValidity(true);
  return Status::OK();
}

void ArrayBuilder::AppendValidityRange(const ArrayData& array, int64_t offset, int64_t length) {
  if (array.validity.empty()) {
    const bool valid = array.null_count == 0;
    SetBitsTo(&validity_, length_, length, valid);
    if (!valid) null_count_ += length;
  } else {
    AppendBits(&validity_, length_, array.validity.data(), offset, length);
    const int64_t before = length_;
    int64_t nulls = 0;
    for (int64_t k = 0; k < length; ++k) {
      int64_t b = before + k;
      nulls += ((validity_[static_cast<size_t>(b >> 3)] >> (b & 7)) & 1) ? 0 : 1;
    }
    null_count_ += nulls;
  }
  length_ += length;
}

Status ArrayBuilder::AppendArraySlice(const ArrayData& array, int64_t offset, int64_t length) {
  if (offset < 0 || length < 0 || offset > array.length || length > array.length - offset) {
    return Status::InvalidArgument("AppendArraySlice: rows [" + std::to_string(offset) + ", +" +
                                   std::to_string(length) + ") out of range for length " +
                                   std::to_string(array.length));
  }
  if (!array.type || (array.type != type_ && !array.type->Equals(*type_))) {
    return Status::InvalidArgument("AppendArraySlice: type " +
                                   (array.type ? array.type->ToString() : std::string("?")) +
                                   " does not match builder type " + type_->ToString());
  }
  if (list_open_) return Status::InvalidArgument("AppendArraySlice inside an open list slot");
  if (length == 0) return Status::OK();
  switch (KindOf(*type_)) {
    case Kind::kNull:
      break;
    case Kind::kBool:
      AppendBits(&values_.vector(), value_bits_, array.values.data(), offset, length);
      value_bits_ += length;
      break;
    case Kind::kFixed: {
      const int64_t w = ByteWidth(*type_);
      values_.Append(array.values.data() + offset * w, static_cast<size_t>(length * w));
      break;
    }
    case Kind::kBinary: {
      const int64_t start = OffsetAt(array, offset);
      const int64_t end = OffsetAt(array, offset + length);
      const int64_t base = static_cast<int64_t>(values_.size()) - start;
      for (int64_t k = 1; k <= length; ++k) offsets_.push_back(OffsetAt(array, offset + k) + base);
      values_.Append(array.values.data() + start, static_cast<size_t>(end - start));
      break;
    }
    case Kind::kList: {
      const int64_t start = OffsetAt(array, offset);
      const int64_t end = OffsetAt(array, offset + length);
      const int64_t base = children_[0]->length() - start;
      for (int64_t k = 1; k <= length; ++k) offsets_.push_back(OffsetAt(array, offset + k) + base);
      LANCET_RETURN_NOT_OK(children_[0]->AppendArraySlice(*array.children[0], start, end - start));
      break;
    }
    case Kind::kFixedSizeList: {
      const int64_t size = type_->fixed_size();
      LANCET_RETURN_NOT_OK(
          children_[0]->AppendArraySlice(*array.children[0], offset * size, length * size));
      break;
    }
    case Kind::kStruct:
      for (size_t i = 0; i < children_.size(); ++i) {
        LANCET_RETURN_NOT_OK(children_[i]->AppendArraySlice(*array.children[i], offset, length));
      }
      break;
  }
  AppendValidityRange(array, offset, length);
  return Status::OK();
}

Status ArrayBuilder::CheckComplete() const {
  if (list_open_)
    return Status::InvalidArgument("Finish: a list slot of " + type_->ToString() +
                                   " is still open");
  const Kind kind = KindOf(*type_);
  if (kind == Kind::kList && offsets_.back() != children_[0]->length()) {
    return Status::InvalidArgument("Finish: " + std::to_string(children_[0]->length()) +
                                   " items appended to " + type_->ToString() +
                                   " but its lists reference " + std::to_string(offsets_.back()));
  }
  for (size_t i = 0; i < children_.size(); ++i) {
    const int64_t want = kind == Kind::kFixedSizeList ? length_ * type_->fixed_size()
                         : kind == Kind::kStruct      ? length_
                                                      : -1;
    if (want >= 0 && children_[i]->length() != want) {
      return Status::InvalidArgument(
          "Finish: child '" + type_->children()[i].name + "' of " + type_->ToString() + " has " +
          std::to_string(children_[i]->length()) + " values, expected " + std::to_string(want));
    }
    LANCET_RETURN_NOT_OK(children_[i]->CheckComplete());
  }
  return Status::OK();
}

Result<ArrayPtr> ArrayBuilder::Finish() {
  LANCET_RETURN_NOT_OK(CheckComplete());
  return FinishUnchecked();
}

ArrayPtr ArrayBuilder::FinishUnchecked() {
  auto out = std::make_shared<ArrayData>();
  out->type = type_;
  out->length = length_;
  out->null_count = null_count_;
  const Kind kind = KindOf(*type_);
  switch (kind) {
    case Kind::kBool:
      values_.Resize(static_cast<size_t>(BytesForBits(length_)));
      out->values = values_.Finish();
      break;
    case Kind::kFixed:
      out->values = values_.Finish();
      break;
    case Kind::kBinary:
      out->values = values_.Finish();
      out->offsets = BufferFromVector(std::move(offsets_));
      break;
    case Kind::kList:
      out->offsets = BufferFromVector(std::move(offsets_));
      break;
    default:
      break;
  }
  for (auto& child : children_) out->children.push_back(child->FinishUnchecked());
  if (kind == Kind::kNull) {
    out->null_count = length_;
  } else if (null_count_ > 0) {
    validity_.resize(static_cast<size_t>(BytesForBits(length_)));
    out->validity = BufferFromVector(std::move(validity_));
  }
  Reset();
  return out;
}

}  // namespace lancet
