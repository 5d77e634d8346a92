// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The lancet authors
//
// Encoder for Lance file format 2.0: the subset of Lance's legacy encoder strategy that every
// LanceDB reads (see lance-format.md B.2/B.6):
//   - fixed-width values and fixed-size lists: Nullable{NoNull|SomeNull{Flat(1) validity, ...}|
//     AllNull} around Flat (or FixedSizeList{dim, Nullable{...Flat}} for fixed-size lists);
//   - strings/binaries: Binary{indices: Nullable{NoNull{Flat(64)}}, bytes: Flat(8)} with u64 end
//     offsets and nulls encoded as end + null_adjustment (null_adjustment = page bytes + 1); the
//     bytes are zstd/lz4 compressed when the field metadata asks for it
//     (`lance-encoding:compression`), and low-cardinality utf8 pages are dictionary encoded when
//     EncoderOptions::enable_compression is set (Lance's 2.0 rule: >= 100 rows, < 100 values);
//   - lists: a List column of u64 end offsets (same null trick, per page) followed by the item
//     column(s); every offsets page closes an items page (Lance's reader relies on it);
//   - structs: a SimpleStruct header column (one page, no buffers, written at Finish) followed by
//     the children; null structs cannot be stored in 2.0 and are rejected; structs marked
//     `lance-encoding:packed` are one PackedStruct column of fixed-width fields.
// Pages are cut at EncoderOptions::max_page_bytes (never above 32 MiB) and hold at least one row.
#include <lz4.h>
#include <zstd.h>

#include <algorithm>
#include <charconv>
#include <cstring>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "encodings_v2_0.pb.h"
#include "lancet/core/array.h"
#include "lancet/core/array_builder.h"
#include "lancet/encoding/field_codec.h"
#include "lancet/encoding/v20_internal.h"

namespace lancet::encoding {

namespace pb = ::lance::encodings;

namespace v20 {

Result<Buffer> CompressBuffer(std::string_view scheme, int level, const uint8_t* input,
                              int64_t size) {
  if (scheme == "zstd") {
    size_t bound = ZSTD_compressBound(static_cast<size_t>(size));
    std::vector<uint8_t> out(8 + bound);
    uint64_t len = static_cast<uint64_t>(size);
    std::memcpy(out.data(), &len, 8);
    size_t got = ZSTD_compress(out.data() + 8, bound, input, static_cast<size_t>(size), level);
    if (ZSTD_isError(got)) return Status::Internal(std::string("zstd: ") + ZSTD_getErrorName(got));
    out.resize(8 + got);
    return Buffer::FromVector(std::move(out));
  }
  if (scheme == "lz4") {
    if (size > LZ4_MAX_INPUT_SIZE) return Status::InvalidArgument("buffer too large for lz4");
    int bound = LZ4_compressBound(static_cast<int>(size));
    std::vector<uint8_t> out(4 + static_cast<size_t>(bound));
    uint32_t len = static_cast<uint32_t>(size);
    std::memcpy(out.data(), &len, 4);
    int got = LZ4_compress_default(reinterpret_cast<const char*>(input),
                                   reinterpret_cast<char*>(out.data() + 4), static_cast<int>(size),
                                   bound);
    if (got <= 0 && size > 0) return Status::Internal("lz4 compression failed");
    out.resize(4 + static_cast<size_t>(got));
    return Buffer::FromVector(std::move(out));
  }
  return Status::NotSupported("compression scheme '" + std::string(scheme) + "'");
}

}  // namespace v20

namespace {

using PageOut = std::vector<std::vector<EncodedPage>>;

/// Rows [offset, offset + length) of an array.
struct Segment {
  ArrayPtr array;
  int64_t offset = 0;
  int64_t length = 0;
};

/// Bits of one fixed-width slot (bool = 1), 0 when the type is not fixed width.
int64_t FixedBits(const DataType& type) {
  if (type.id() == TypeId::kBool) return 1;
  return type.bit_width();
}

/// Whether a fixed-width value (or a fixed-size list of them) can be written as Flat/FSL.
bool IsFlatEncodable(const DataType& type) {
  if (type.id() == TypeId::kFixedSizeList) {
    return type.fixed_size() > 0 && type.value_type() && IsFlatEncodable(*type.value_type());
  }
  int64_t bits = FixedBits(type);
  return bits == 1 || (bits > 0 && bits % 8 == 0);
}

pb::ArrayEncoding FlatEncoding(uint64_t bits, uint32_t buffer) {
  pb::ArrayEncoding enc;
  pb::Flat* flat = enc.mutable_flat();
  flat->set_bits_per_value(bits);
  flat->mutable_buffer()->set_buffer_index(buffer);
  flat->mutable_buffer()->set_buffer_type(pb::Buffer::page);
  return enc;
}

pb::ArrayEncoding NoNullEncoding(pb::ArrayEncoding values) {
  pb::ArrayEncoding enc;
  *enc.mutable_nullable()->mutable_no_nulls()->mutable_values() = std::move(values);
  return enc;
}

uint32_t AddBuffer(std::vector<Buffer>* buffers, Buffer b) {
  buffers->push_back(std::move(b));
  return static_cast<uint32_t>(buffers->size() - 1);
}

/// Nullable{...} around Flat or FixedSizeList for rows [off, off + n) of a fixed-width array,
/// appending its buffers (validity first, then values) to `buffers`. `hidden` (n bits, may be
/// null) marks slots under a null fixed-size-list row: like Arrow writers (and so Lance), such
/// items are written as valid, so the items of a vector column with null rows but no null items
/// are Nullable(NoNull).
pb::ArrayEncoding EncodeFixed(const ArrayData& a, int64_t off, int64_t n,
                              const std::vector<uint8_t>* hidden, std::vector<Buffer>* buffers) {
  pb::ArrayEncoding enc;
  pb::Nullable* nullable = enc.mutable_nullable();
  // The validity as written: valid, or hidden by a null parent.
  std::vector<uint8_t> written;
  int64_t nulls = 0;
  if (!a.validity.empty() && v20::NullsInRange(a.validity, off, n) > 0) {
    written.assign(static_cast<size_t>((n + 7) / 8), 0);
    v20::CopyBits(a.validity.data(), off, written.data(), 0, n);
    if (hidden != nullptr) {
      for (size_t i = 0; i < written.size(); ++i) written[i] |= (*hidden)[i];
    }
    nulls = v20::CountZeroBits(written.data(), 0, n);
  }
  if (n > 0 && nulls == n) {
    nullable->mutable_all_nulls();
    return enc;
  }
  pb::ArrayEncoding* values;
  if (nulls == 0) {
    values = nullable->mutable_no_nulls()->mutable_values();
  } else {
    pb::Nullable::SomeNull* some = nullable->mutable_some_nulls();
    uint32_t idx =
        AddBuffer(buffers, Buffer::Copy(written.data(), static_cast<int64_t>(written.size())));
    *some->mutable_validity() = FlatEncoding(1, idx);
    values = some->mutable_values();
  }
  const DataType& t = *a.type;
  if (t.id() == TypeId::kFixedSizeList) {
    const int64_t dim = t.fixed_size();
    // Items of rows that are null or hidden are hidden in turn.
    std::vector<uint8_t> child_hidden;
    const bool any_hidden =
        (hidden != nullptr) || (!a.validity.empty() && v20::NullsInRange(a.validity, off, n) > 0);
    if (any_hidden) {
      child_hidden.assign(static_cast<size_t>((n * dim + 7) / 8), 0);
      for (int64_t i = 0; i < n; ++i) {
        bool visible = a.IsValid(off + i) && (hidden == nullptr || !v20::GetBit(hidden->data(), i));
        if (visible) continue;
        for (int64_t k = 0; k < dim; ++k) v20::SetBit(child_hidden.data(), i * dim + k);
      }
    }
    pb::FixedSizeList* fsl = values->mutable_fixed_size_list();
    fsl->set_dimension(static_cast<uint32_t>(dim));
    *fsl->mutable_items() = EncodeFixed(*a.children[0], off * dim, n * dim,
                                        any_hidden ? &child_hidden : nullptr, buffers);
    return enc;
  }
  const int64_t bits = FixedBits(t);
  Buffer data = bits == 1 ? v20::SliceBits(a.values.data(), off, n)
                          : a.values.Slice(off * (bits / 8), n * (bits / 8));
  *values = FlatEncoding(static_cast<uint64_t>(bits), AddBuffer(buffers, std::move(data)));
  return enc;
}

/// Whether rows [off, off + n) of a fixed-width array (or struct / fixed-size list of them) hold
/// a null at any level.
bool HasNulls(const ArrayData& a, int64_t off, int64_t n) {
  if (v20::NullsInRange(a.validity, off, n) > 0) return true;
  const DataType& t = *a.type;
  if (t.id() == TypeId::kStruct) {
    for (const ArrayPtr& c : a.children) {
      if (HasNulls(*c, off, n)) return true;
    }
  } else if (t.id() == TypeId::kFixedSizeList) {
    return HasNulls(*a.children[0], off * t.fixed_size(), n * t.fixed_size());
  }
  return false;
}

/// Encoding description of a fixed-width value with no nulls (packed struct children).
pb::ArrayEncoding DescribeNoNullFixed(const DataType& t) {
  if (t.id() == TypeId::kFixedSizeList) {
    pb::ArrayEncoding inner;
    pb::FixedSizeList* fsl = inner.mutable_fixed_size_list();
    fsl->set_dimension(static_cast<uint32_t>(t.fixed_size()));
    *fsl->mutable_items() = DescribeNoNullFixed(*t.value_type());
    return NoNullEncoding(std::move(inner));
  }
  return NoNullEncoding(FlatEncoding(static_cast<uint64_t>(FixedBits(t)), 0));
}

/// Lance's Binary: u64 end offsets (nulls + null_adjustment) and the bytes.
void EncodeBinaryRows(const int64_t* offsets, const uint8_t* validity, int64_t off, int64_t n,
                      pb::Binary* enc, Buffer* indices_out, int64_t* data_begin,
                      int64_t* data_size) {
  const int64_t base = offsets[off];
  const uint64_t total = static_cast<uint64_t>(offsets[off + n] - base);
  const uint64_t adj = total + 1;
  std::vector<uint64_t> idx(static_cast<size_t>(n));
  for (int64_t i = 0; i < n; ++i) {
    uint64_t end = static_cast<uint64_t>(offsets[off + i + 1] - base);
    if (validity != nullptr && !v20::GetBit(validity, off + i)) end += adj;
    idx[static_cast<size_t>(i)] = end;
  }
  *indices_out = Buffer::Copy(idx.data(), n * 8);
  *data_begin = base;
  *data_size = static_cast<int64_t>(total);
  enc->set_null_adjustment(adj);
}

class ColumnEncoder {
 public:
  explicit ColumnEncoder(int column) : column_(column) {}
  virtual ~ColumnEncoder() = default;
  virtual int num_columns() const = 0;
  virtual Status Append(const Segment& seg, PageOut* out) = 0;
  /// Emit every buffered row.
  virtual Status Flush(PageOut* out) = 0;
  /// Flush and emit the pages written only at the end (struct headers).
  virtual Status Finish(PageOut* out) { return Flush(out); }

 protected:
  int column_;  // first column of this encoder within the top-level field
};

/// One column of values: fixed width, fixed-size list, string/binary, null, packed struct.
class ValuesEncoder final : public ColumnEncoder {
 public:
  ValuesEncoder(const Field& field, const EncoderOptions& options, int64_t budget, int column)
      : ColumnEncoder(column), field_(field), options_(options), budget_(budget) {
    auto it = field.metadata.find("lance-encoding:compression");
    if (it != field.metadata.end() &&
        (it->second == "zstd" || it->second == "lz4" || it->second == "none")) {
      compression_ = it->second;
      auto lv = field.metadata.find("lance-encoding:compression-level");
      if (lv != field.metadata.end()) {
        int level = 0;
        auto [p, ec] =
            std::from_chars(lv->second.data(), lv->second.data() + lv->second.size(), level);
        if (ec == std::errc() && p == lv->second.data() + lv->second.size()) {
          compression_level_ = level;
          has_level_ = true;
        }
      }
    }
  }

  int num_columns() const override { return 1; }

  Status Append(const Segment& seg, PageOut* out) override {
    if (seg.length == 0) return Status::OK();
    if (field_.type->id() == TypeId::kStruct && HasNulls(*seg.array, seg.offset, seg.length)) {
      return Status::NotSupported("packed struct field '" + field_.name +
                                  "' with nulls in a 2.0 file");
    }
    pending_bytes_ += Bytes(*seg.array, seg.offset, seg.length);
    pending_.push_back(seg);
    if (pending_bytes_ >= budget_) return Emit(out, /*final=*/false);
    return Status::OK();
  }

  Status Flush(PageOut* out) override { return Emit(out, /*final=*/true); }

 private:
  /// Approximate encoded bytes of rows [off, off + n).
  int64_t Bytes(const ArrayData& a, int64_t off, int64_t n) const {
    const DataType& t = *a.type;
    if (t.is_binary_like()) {
      const int64_t* o = a.offsets64();
      return o[off + n] - o[off] + 8 * n;
    }
    return (RowBits(t) * n + 7) / 8;
  }

  /// Bits per row of a fixed-width column (a packed struct: the sum of its fields).
  static int64_t RowBits(const DataType& t) {
    if (t.id() != TypeId::kStruct) return FixedBits(t);
    int64_t bits = 0;
    for (const Field& c : t.children()) bits += FixedBits(*c.type);
    return bits;
  }

  /// Rows from `off` (at most `n`) that fit one page; *all_fit when all `n` rows stay below the
  /// page budget.
  int64_t RowsThatFit(const ArrayData& a, int64_t off, int64_t n, bool* all_fit) const {
    const DataType& t = *a.type;
    if (t.is_binary_like()) {
      const int64_t* o = a.offsets64();
      int64_t bytes = 0;
      for (int64_t k = 0; k < n; ++k) {
        int64_t row = o[off + k + 1] - o[off + k] + 8;
        if (k > 0 && bytes + row > budget_) {
          *all_fit = false;
          return k;
        }
        bytes += row;
      }
      *all_fit = bytes < budget_;
      return n;
    }
    const int64_t bits = RowBits(t);
    if (bits <= 0) {  // null type: no data at all
      *all_fit = true;
      return n;
    }
    const int64_t max_rows = std::max<int64_t>(1, budget_ * 8 / bits);
    *all_fit = n < max_rows;
    return std::min(n, max_rows);
  }

  Status Emit(PageOut* out, bool final) {
    if (pending_.empty()) return Status::OK();
    Segment seg;
    if (pending_.size() == 1) {
      seg = pending_[0];
    } else {
      ArrayBuilder builder(field_.type);
      int64_t total = 0;
      for (const Segment& s : pending_) total += s.length;
      builder.Reserve(total);
      for (const Segment& s : pending_) {
        LANCET_RETURN_NOT_OK(builder.AppendArraySlice(*s.array, s.offset, s.length));
      }
      LANCET_ASSIGN_OR_RETURN(seg.array, builder.Finish());
      seg.offset = 0;
      seg.length = total;
    }
    pending_.clear();
    pending_bytes_ = 0;
    while (seg.length > 0) {
      bool all_fit = false;
      int64_t k = RowsThatFit(*seg.array, seg.offset, seg.length, &all_fit);
      if (all_fit && !final) break;
      LANCET_ASSIGN_OR_RETURN(EncodedPage page, EncodePage(*seg.array, seg.offset, k));
      (*out)[static_cast<size_t>(column_)].push_back(std::move(page));
      seg.offset += k;
      seg.length -= k;
    }
    if (seg.length > 0) {
      pending_bytes_ = Bytes(*seg.array, seg.offset, seg.length);
      pending_.push_back(std::move(seg));
    }
    return Status::OK();
  }

  Result<EncodedPage> EncodePage(const ArrayData& a, int64_t off, int64_t n) {
    EncodedPage page;
    page.num_rows = static_cast<uint64_t>(n);
    page.encoding_type_url = kArrayEncodingTypeUrl;
    pb::ArrayEncoding enc;
    const DataType& t = *a.type;
    if (t.id() == TypeId::kNull) {
      enc.mutable_nullable()->mutable_all_nulls();
    } else if (t.is_binary_like()) {
      bool dictionary = false;
      if (options_.enable_compression && t.id() == TypeId::kString) {
        LANCET_ASSIGN_OR_RETURN(dictionary, EncodeDictionary(a, off, n, &enc, &page.buffers));
      }
      if (!dictionary) LANCET_RETURN_NOT_OK(EncodeBinary(a, off, n, &enc, &page.buffers));
    } else if (t.id() == TypeId::kStruct) {
      EncodePacked(a, off, n, &enc, &page.buffers);
    } else {
      enc = EncodeFixed(a, off, n, /*hidden=*/nullptr, &page.buffers);
    }
    if (!enc.SerializeToString(&page.encoding)) {
      return Status::Internal("cannot serialize a 2.0 page encoding");
    }
    return page;
  }

  Status EncodeBinary(const ArrayData& a, int64_t off, int64_t n, pb::ArrayEncoding* enc,
                      std::vector<Buffer>* buffers) {
    pb::Binary* bin = enc->mutable_binary();
    Buffer indices;
    int64_t begin = 0, size = 0;
    EncodeBinaryRows(a.offsets64(), a.validity.empty() ? nullptr : a.validity.data(), off, n, bin,
                     &indices, &begin, &size);
    *bin->mutable_indices() = NoNullEncoding(FlatEncoding(64, AddBuffer(buffers, indices)));
    Buffer bytes = a.values.Slice(begin, size);
    pb::ArrayEncoding bytes_enc;
    if (!compression_.empty() && compression_ != "none") {
      LANCET_ASSIGN_OR_RETURN(bytes, v20::CompressBuffer(compression_, compression_level_,
                                                         a.values.data() + begin, size));
    }
    bytes_enc = FlatEncoding(8, AddBuffer(buffers, std::move(bytes)));
    if (!compression_.empty()) {
      pb::Compression* c = bytes_enc.mutable_flat()->mutable_compression();
      c->set_scheme(compression_);
      if (has_level_) c->set_level(compression_level_);
    }
    *bin->mutable_bytes() = std::move(bytes_enc);
    return Status::OK();
  }

  /// Lance 2.0's dictionary for utf8 pages of >= 100 rows with < 100 distinct values: u8 indices
  /// (0 = null, k = item k-1) and the items as Binary. Returns false when not applicable.
  Result<bool> EncodeDictionary(const ArrayData& a, int64_t off, int64_t n, pb::ArrayEncoding* enc,
                                std::vector<Buffer>* buffers) {
    constexpr int64_t kThreshold = 100;
    if (n < kThreshold) return false;
    const int64_t* o = a.offsets64();
    std::unordered_map<std::string_view, uint8_t> ids;
    std::vector<std::string_view> items;
    std::vector<uint8_t> indices(static_cast<size_t>(n), 0);
    for (int64_t i = 0; i < n; ++i) {
      const int64_t row = off + i;
      if (!a.IsValid(row)) continue;
      std::string_view v(reinterpret_cast<const char*>(a.values.data()) + o[row],
                         static_cast<size_t>(o[row + 1] - o[row]));
      auto it = ids.find(v);
      if (it == ids.end()) {
        if (static_cast<int64_t>(items.size()) + 1 >= kThreshold) return false;
        items.push_back(v);
        it = ids.emplace(v, static_cast<uint8_t>(items.size())).first;
      }
      indices[static_cast<size_t>(i)] = it->second;
    }
    // The dictionary items: the distinct values, or one null item when every row is null.
    std::vector<int64_t> item_offsets(1, 0);
    BufferBuilder item_bytes;
    std::vector<uint8_t> item_validity(1, 1);
    if (items.empty()) {
      item_offsets.push_back(0);
      item_validity[0] = 0;
    }
    for (std::string_view v : items) {
      item_bytes.Append(v);
      item_offsets.push_back(static_cast<int64_t>(item_bytes.size()));
    }
    const int64_t num_items = static_cast<int64_t>(item_offsets.size() - 1);
    Buffer item_data = item_bytes.Finish();

    pb::Dictionary* dict = enc->mutable_dictionary();
    *dict->mutable_indices() =
        NoNullEncoding(FlatEncoding(8, AddBuffer(buffers, Buffer::FromVector(std::move(indices)))));
    pb::Binary* bin = dict->mutable_items()->mutable_binary();
    Buffer item_indices;
    int64_t begin = 0, size = 0;
    EncodeBinaryRows(item_offsets.data(), items.empty() ? item_validity.data() : nullptr, 0,
                     num_items, bin, &item_indices, &begin, &size);
    *bin->mutable_indices() = NoNullEncoding(FlatEncoding(64, AddBuffer(buffers, item_indices)));
    *bin->mutable_bytes() = FlatEncoding(8, AddBuffer(buffers, std::move(item_data)));
    dict->set_num_dictionary_items(static_cast<uint32_t>(num_items));
    return true;
  }

  /// Lance's PackedStruct: the fields of each row back to back in one buffer.
  void EncodePacked(const ArrayData& a, int64_t off, int64_t n, pb::ArrayEncoding* enc,
                    std::vector<Buffer>* buffers) {
    std::vector<const uint8_t*> data;
    std::vector<int64_t> widths;
    int64_t row_bytes = 0;
    pb::PackedStruct* packed = enc->mutable_packed_struct();
    for (size_t c = 0; c < a.children.size(); ++c) {
      const ArrayData* leaf = a.children[c].get();
      const int64_t width = FixedBits(*leaf->type) / 8;
      while (leaf->type->id() == TypeId::kFixedSizeList) leaf = leaf->children[0].get();
      data.push_back(leaf->values.data());
      widths.push_back(width);
      row_bytes += width;
      *packed->add_inner() = DescribeNoNullFixed(*a.children[c]->type);
    }
    std::vector<uint8_t> out(static_cast<size_t>(row_bytes * n));
    uint8_t* p = out.data();
    for (int64_t r = off; r < off + n; ++r) {
      for (size_t c = 0; c < data.size(); ++c) {
        std::memcpy(p, data[c] + r * widths[c], static_cast<size_t>(widths[c]));
        p += widths[c];
      }
    }
    uint32_t idx = AddBuffer(buffers, Buffer::FromVector(std::move(out)));
    packed->mutable_buffer()->set_buffer_index(idx);
    packed->mutable_buffer()->set_buffer_type(pb::Buffer::page);
  }

  Field field_;
  EncoderOptions options_;
  int64_t budget_;
  std::string compression_;
  int compression_level_ = 0;
  bool has_level_ = false;
  std::vector<Segment> pending_;
  int64_t pending_bytes_ = 0;
};

/// A list: its offsets column, then the item column(s).
class ListEncoder final : public ColumnEncoder {
 public:
  ListEncoder(std::unique_ptr<ColumnEncoder> items, int64_t budget, int column)
      : ColumnEncoder(column),
        items_(std::move(items)),
        max_rows_(std::max<int64_t>(1, budget / 8)) {}

  int num_columns() const override { return 1 + items_->num_columns(); }

  Status Append(const Segment& seg, PageOut* out) override {
    const ArrayData& a = *seg.array;
    const int64_t* o = a.offsets64();
    int64_t i = seg.offset;
    const int64_t end = seg.offset + seg.length;
    while (i < end) {
      const int64_t k = std::min<int64_t>(end - i, max_rows_ - static_cast<int64_t>(ends_.size()));
      if (o[i + k] > o[i]) {
        LANCET_RETURN_NOT_OK(items_->Append({a.children[0], o[i], o[i + k] - o[i]}, out));
      }
      for (int64_t r = i; r < i + k; ++r) {
        page_items_ += static_cast<uint64_t>(o[r + 1] - o[r]);
        ends_.push_back(page_items_);
        valid_.push_back(a.IsValid(r));
      }
      i += k;
      if (static_cast<int64_t>(ends_.size()) >= max_rows_) {
        EmitOffsets(out);
        LANCET_RETURN_NOT_OK(items_->Flush(out));
      }
    }
    return Status::OK();
  }

  Status Flush(PageOut* out) override {
    if (!ends_.empty()) EmitOffsets(out);
    return items_->Flush(out);
  }

  Status Finish(PageOut* out) override {
    if (!ends_.empty()) EmitOffsets(out);
    return items_->Finish(out);
  }

 private:
  void EmitOffsets(PageOut* out) {
    const uint64_t adj = page_items_ + 1;
    std::vector<uint64_t> values(ends_.size());
    for (size_t i = 0; i < ends_.size(); ++i) values[i] = ends_[i] + (valid_[i] ? 0 : adj);
    EncodedPage page;
    page.num_rows = ends_.size();
    page.encoding_type_url = kArrayEncodingTypeUrl;
    page.buffers.push_back(Buffer::Copy(values.data(), static_cast<int64_t>(values.size() * 8)));
    pb::ArrayEncoding enc;
    pb::List* list = enc.mutable_list();
    *list->mutable_offsets() = NoNullEncoding(FlatEncoding(64, 0));
    list->set_null_offset_adjustment(adj);
    list->set_num_items(page_items_);
    enc.SerializeToString(&page.encoding);
    (*out)[static_cast<size_t>(column_)].push_back(std::move(page));
    ends_.clear();
    valid_.clear();
    page_items_ = 0;
  }

  std::unique_ptr<ColumnEncoder> items_;
  int64_t max_rows_;
  std::vector<uint64_t> ends_;  // end offsets relative to the page's first item
  std::vector<bool> valid_;
  uint64_t page_items_ = 0;
};

/// A struct: a SimpleStruct header column, then one encoder per child.
class StructEncoder final : public ColumnEncoder {
 public:
  StructEncoder(std::string name, std::vector<std::unique_ptr<ColumnEncoder>> children, int column)
      : ColumnEncoder(column), name_(std::move(name)), children_(std::move(children)) {}

  int num_columns() const override {
    int n = 1;
    for (const auto& c : children_) n += c->num_columns();
    return n;
  }

  Status Append(const Segment& seg, PageOut* out) override {
    if (v20::NullsInRange(seg.array->validity, seg.offset, seg.length) > 0) {
      return Status::NotSupported("struct field '" + name_ +
                                  "' has null rows, which Lance 2.0 files cannot store");
    }
    if (seg.array->children.size() != children_.size()) {
      return Status::InvalidArgument("struct array has the wrong number of children");
    }
    for (size_t i = 0; i < children_.size(); ++i) {
      LANCET_RETURN_NOT_OK(
          children_[i]->Append({seg.array->children[i], seg.offset, seg.length}, out));
    }
    rows_ += static_cast<uint64_t>(seg.length);
    return Status::OK();
  }

  Status Flush(PageOut* out) override {
    for (auto& c : children_) LANCET_RETURN_NOT_OK(c->Flush(out));
    return Status::OK();
  }

  Status Finish(PageOut* out) override {
    for (auto& c : children_) LANCET_RETURN_NOT_OK(c->Finish(out));
    // Lance's reader expects exactly one header page (even for zero rows).
    EncodedPage page;
    page.num_rows = rows_;
    page.encoding_type_url = kArrayEncodingTypeUrl;
    pb::ArrayEncoding enc;
    enc.mutable_struct_();
    enc.SerializeToString(&page.encoding);
    (*out)[static_cast<size_t>(column_)].push_back(std::move(page));
    return Status::OK();
  }

 private:
  std::string name_;
  std::vector<std::unique_ptr<ColumnEncoder>> children_;
  uint64_t rows_ = 0;
};

Result<std::unique_ptr<ColumnEncoder>> MakeColumnEncoder(const Field& field,
                                                         const EncoderOptions& options,
                                                         int64_t budget, int* next_column,
                                                         int depth) {
  if (depth > 32) return Status::NotSupported("schema nested too deeply");
  if (!field.type) return Status::InvalidArgument("field '" + field.name + "' has no type");
  const DataType& t = *field.type;
  if (t.id() == TypeId::kStruct) {
    if (v20::IsPackedStructField(field)) {
      for (const Field& c : t.children()) {
        int64_t bits = FixedBits(*c.type);
        if (bits <= 0 || bits % 8 != 0 || !IsFlatEncodable(*c.type)) {
          return Status::NotSupported("packed struct field '" + c.name + "' of type " +
                                      c.type->ToString());
        }
      }
      if (t.children().empty()) return Status::NotSupported("packed struct without fields");
      return std::unique_ptr<ColumnEncoder>(
          std::make_unique<ValuesEncoder>(field, options, budget, (*next_column)++));
    }
    int column = (*next_column)++;
    std::vector<std::unique_ptr<ColumnEncoder>> children;
    for (const Field& c : t.children()) {
      LANCET_ASSIGN_OR_RETURN(auto child,
                              MakeColumnEncoder(c, options, budget, next_column, depth + 1));
      children.push_back(std::move(child));
    }
    return std::unique_ptr<ColumnEncoder>(
        std::make_unique<StructEncoder>(field.name, std::move(children), column));
  }
  if (t.is_list_like()) {
    if (t.children().size() != 1) return Status::InvalidArgument("list without an item field");
    int column = (*next_column)++;
    LANCET_ASSIGN_OR_RETURN(
        auto items, MakeColumnEncoder(t.children()[0], options, budget, next_column, depth + 1));
    return std::unique_ptr<ColumnEncoder>(
        std::make_unique<ListEncoder>(std::move(items), budget, column));
  }
  if (t.id() == TypeId::kNull || t.is_binary_like() || IsFlatEncodable(t)) {
    return std::unique_ptr<ColumnEncoder>(
        std::make_unique<ValuesEncoder>(field, options, budget, (*next_column)++));
  }
  return Status::NotSupported("cannot write " + t.ToString() + " ('" + field.name +
                              "') to a Lance 2.0 file");
}

class FieldEncoderV20 final : public FieldEncoder {
 public:
  FieldEncoderV20(Field field, EncoderOptions options)
      : field_(std::move(field)), options_(options) {}

  Status Init() {
    const int64_t budget = std::clamp<int64_t>(options_.max_page_bytes, 1, v20::kMaxPageBytes);
    int next = 0;
    LANCET_ASSIGN_OR_RETURN(root_, MakeColumnEncoder(field_, options_, budget, &next, 0));
    return Status::OK();
  }

  int num_columns() const override { return root_->num_columns(); }

  Status Encode(const ArrayPtr& chunk, std::vector<std::vector<EncodedPage>>* out) override {
    if (!chunk || !chunk->type) return Status::InvalidArgument("null chunk");
    if (chunk->type != field_.type && !chunk->type->Equals(*field_.type)) {
      return Status::InvalidArgument("chunk of type " + chunk->type->ToString() + " for field '" +
                                     field_.name + "' of type " + field_.type->ToString());
    }
    if (finished_) return Status::InvalidArgument("Encode after Finish");
    Status valid = ValidateArray(*chunk);
    if (!valid.ok()) return Status::InvalidArgument("invalid chunk: " + valid.message());
    EnsureColumns(out);
    return root_->Append({chunk, 0, chunk->length}, out);
  }

  Status Finish(std::vector<std::vector<EncodedPage>>* out) override {
    if (finished_) return Status::OK();
    finished_ = true;
    EnsureColumns(out);
    return root_->Finish(out);
  }

 private:
  void EnsureColumns(std::vector<std::vector<EncodedPage>>* out) const {
    if (out->size() < static_cast<size_t>(num_columns())) {
      out->resize(static_cast<size_t>(num_columns()));
    }
  }

  Field field_;
  EncoderOptions options_;
  std::unique_ptr<ColumnEncoder> root_;
  bool finished_ = false;
};

}  // namespace

Result<std::unique_ptr<FieldEncoder>> MakeFieldEncoderV20(const Field& field,
                                                          const EncoderOptions& options) {
  auto enc = std::make_unique<FieldEncoderV20>(field, options);
  LANCET_RETURN_NOT_OK(enc->Init());
  return std::unique_ptr<FieldEncoder>(std::move(enc));
}

}  // namespace lancet::encoding
