// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The lancet authors
//
// The Lance 2.1 / 2.2 field decoder: decodes the leaf columns of a top-level field page by page
// (miniblock_decoder.h, fullzip_decoder.h, and the all-null / constant and blob layouts below),
// unravels each page's rep/def levels (repdef_unravel.h) and assembles the nested array.
#include <google/protobuf/unknown_field_set.h>

#include <algorithm>
#include <cstring>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "encodings_v2_1.pb.h"
#include "lancet/core/array.h"
#include "lancet/encoding/data_block.h"
#include "lancet/encoding/field_codec.h"
#include "lancet/encoding/fullzip_decoder.h"
#include "lancet/encoding/miniblock_decoder.h"
#include "lancet/encoding/repdef_unravel.h"
#include "lancet/encoding/v20_describe.h"

namespace lancet::encoding {

namespace pb = ::lance::encodings21;

namespace {

// ---------------------------------------------------------------------------------------------
// All-null / constant layout (PageLayout field 2; "ConstantLayout" upstream from Lance 12 on).
// The buffers depend on whether the value is inlined and on their number:
//   inline_value, 0 buffers: every row is the value; no levels.
//   inline_value, 2 buffers: [rep, def]; visible valid levels are the value.
//   no inline,    0 buffers: all null (one level per row, def 1); 2.1's AllNullLayout.
//   no inline,    1 buffer:  [value]; no levels.
//   no inline,    2 buffers: [rep, def]; all null (2.1's complex AllNullLayout).
//   no inline,    3 buffers: [value, rep, def].
// Level buffers are raw u16 unless rep_compression / def_compression describe a block encoding
// (with num_rep_values / num_def_values levels). A value buffer holds the Arrow buffers of a
// one-value array: u32 count, u32 length of each, then the bytes (fixed width: [value];
// variable width: [offsets (2 x i32 or i64), bytes]). An empty rep or def buffer is absent.

class ConstantPageDecoder final : public LeafPageDecoder {
 public:
  ConstantPageDecoder(const PageMeta& page, const pb::AllNullLayout& layout,
                      std::vector<RowRange> rows, std::string context)
      : page_(page), layout_(layout), rows_(std::move(rows)), ctx_(std::move(context)) {}

  Status Init() {
    LANCET_ASSIGN_OR_RETURN(layers_, internal::ConvertLayers(std::vector<int>(
                                         layout_.layers().begin(), layout_.layers().end())));
    if (layers_.empty()) layers_.push_back(RepDefLayer::kNullableItem);
    const size_t n = page_.buffers.size();
    int level_base = -1;  // buffer index of the rep buffer (def follows), -1 for none
    if (layout_.has_inline_value()) {
      if (n == 2) {
        level_base = 0;
      } else if (n != 0) {
        return Status::Corruption(ctx_ + ": constant page with an inline value and " +
                                  std::to_string(n) + " buffers");
      }
    } else if (n == 1 || n == 3) {
      value_buffer_ = 0;
      if (n == 3) level_base = 1;
    } else if (n == 2) {
      level_base = 0;
    } else if (n != 0) {
      return Status::Corruption(ctx_ + ": all-null page with " + std::to_string(n) + " buffers");
    }
    if (level_base >= 0) {
      for (int which = 0; which < 2; ++which) {
        level_buffer_[which] =
            page_.buffers[level_base + which].length > 0 ? level_base + which : -1;
      }
    }
    for (const RowRange& r : rows_) {
      if (r.start >= r.end || r.end > page_.num_rows) {
        return Status::InvalidArgument(ctx_ + ": row range outside the page");
      }
    }
    return Status::OK();
  }

  Result<std::vector<ByteRange>> NextReads() override {
    std::vector<ByteRange> out;
    if (read_) return out;
    if (value_buffer_ >= 0) out.push_back(page_.buffers[value_buffer_]);
    for (int which = 0; which < 2; ++which) {
      if (level_buffer_[which] >= 0) out.push_back(page_.buffers[level_buffer_[which]]);
    }
    out.erase(
        std::remove_if(out.begin(), out.end(), [](const ByteRange& r) { return r.length == 0; }),
        out.end());
    if (out.empty()) {
      read_ = true;
      if (value_buffer_ >= 0) return Status::Corruption(ctx_ + ": empty constant value buffer");
    }
    return out;
  }

  Status OnReads(std::vector<Buffer> buffers) override {
    size_t k = 0;
    if (value_buffer_ >= 0) {
      if (k >= buffers.size()) return Status::Corruption(ctx_ + ": missing value read");
      LANCET_RETURN_NOT_OK(ParseValueBuffer(buffers[k++]));
    }
    for (int which = 0; which < 2; ++which) {
      if (level_buffer_[which] < 0) continue;
      if (k >= buffers.size()) return Status::Corruption(ctx_ + ": missing level reads");
      const Buffer& buf = buffers[k++];
      std::vector<uint16_t>& dst = which == 0 ? rep_ : def_;
      const bool compressed =
          which == 0 ? layout_.has_rep_compression() : layout_.has_def_compression();
      if (compressed) {
        const pb::CompressiveEncoding& enc =
            which == 0 ? layout_.rep_compression() : layout_.def_compression();
        uint64_t n = which == 0 ? layout_.num_rep_values() : layout_.num_def_values();
        LANCET_ASSIGN_OR_RETURN(DataBlock block, DecompressBlock(enc, buf, n));
        LANCET_ASSIGN_OR_RETURN(
            dst, internal::LevelsFromBlock(block, n, ctx_ + (which == 0 ? " rep" : " def")));
      } else {
        if (buf.size() % 2 != 0) return Status::Corruption(ctx_ + ": odd level buffer size");
        dst.resize(static_cast<size_t>(buf.size() / 2));
        if (!dst.empty()) std::memcpy(dst.data(), buf.data(), dst.size() * 2);
      }
    }
    read_ = true;
    return Status::OK();
  }

  Result<LeafData> Finish() override {
    LeafData out;
    out.layers = layers_;
    const uint16_t max_rep = MaxRep(layers_);
    const uint16_t max_visible = MaxVisibleDef(layers_);
    const bool has_rep = !rep_.empty();
    const bool has_def = !def_.empty();
    if (has_rep && has_def && rep_.size() != def_.size()) {
      return Status::Corruption(ctx_ + ": rep and def level counts differ");
    }
    if (max_rep > 0 && !has_rep && page_.num_rows > 0) {
      return Status::Corruption(ctx_ + ": list layers without repetition levels");
    }
    std::shared_ptr<DataBlock> constant;
    if (layout_.has_inline_value() || value_buffer_ >= 0) {
      constant = std::make_shared<DataBlock>();
      constant->kind = DataBlock::Kind::kConstant;
      constant->data =
          layout_.has_inline_value() ? Buffer::FromString(layout_.inline_value()) : value_;
      constant->bits_per_value = static_cast<uint64_t>(constant->data.size()) * 8;
    }
    // Without stored levels an all-null page has one null level (def 1) per row.
    std::vector<uint16_t> synthetic_def;
    const std::vector<uint16_t>* def = &def_;
    if (!has_rep && !has_def && !constant && MaxDef(layers_) > 0) {
      synthetic_def.assign(page_.num_rows, 1);
      def = &synthetic_def;
    }
    if (!has_rep && !def->empty() && def->size() != page_.num_rows) {
      return Status::Corruption(ctx_ + ": " + std::to_string(def->size()) + " def levels for " +
                                std::to_string(page_.num_rows) + " rows");
    }
    std::vector<uint64_t> row_starts;
    if (has_rep) {
      for (uint64_t i = 0; i < rep_.size(); ++i) {
        if (rep_[i] == max_rep) row_starts.push_back(i);
      }
      if (row_starts.size() != page_.num_rows || rep_[0] != max_rep) {
        return Status::Corruption(ctx_ + ": repetition levels describe " +
                                  std::to_string(row_starts.size()) + " rows, page has " +
                                  std::to_string(page_.num_rows));
      }
      row_starts.push_back(rep_.size());
    }
    for (const RowRange& r : rows_) {
      const uint64_t lb = has_rep ? row_starts[r.start] : r.start;
      const uint64_t le = has_rep ? row_starts[r.end] : r.end;
      if (has_rep) out.rep.insert(out.rep.end(), rep_.begin() + lb, rep_.begin() + le);
      uint64_t visible = le - lb;
      if (!def->empty()) {
        out.def.insert(out.def.end(), def->begin() + lb, def->begin() + le);
        visible = 0;
        for (uint64_t i = lb; i < le; ++i) visible += (*def)[i] <= max_visible ? 1 : 0;
      }
      out.num_levels += le - lb;
      if (constant) {
        // A constant block repeats its one value for any slice.
        auto block = std::make_shared<DataBlock>(*constant);
        block->num_values = visible;
        out.AppendValues(std::move(block), 0, visible);
      } else {
        out.AppendNullValues(visible);
      }
    }
    return out;
  }

 private:
  Status ParseValueBuffer(const Buffer& buf) {
    const uint8_t* p = buf.data();
    const uint64_t size = static_cast<uint64_t>(buf.size());
    if (size < 4) return Status::Corruption(ctx_ + ": truncated constant value buffer");
    const uint64_t count = internal::LoadUnsigned(p, 4);
    if (count == 0 || count > 3 || 4 + 4 * count > size) {
      return Status::Corruption(ctx_ + ": malformed constant value buffer");
    }
    std::vector<Buffer> parts;
    uint64_t pos = 4 + 4 * count;
    for (uint64_t i = 0; i < count; ++i) {
      const uint64_t len = internal::LoadUnsigned(p + 4 + 4 * i, 4);
      if (len > size - pos) return Status::Corruption(ctx_ + ": malformed constant value buffer");
      parts.push_back(buf.Slice(static_cast<int64_t>(pos), static_cast<int64_t>(len)));
      pos += len;
    }
    if (count == 1) {
      value_ = parts[0];
      return Status::OK();
    }
    // Variable width: [offsets of a one-value array, bytes].
    const uint64_t ow = static_cast<uint64_t>(parts[0].size()) / 2;
    if ((ow != 4 && ow != 8) || parts[0].size() != static_cast<int64_t>(2 * ow)) {
      return Status::Corruption(ctx_ + ": malformed constant value offsets");
    }
    const uint64_t s = internal::LoadUnsigned(parts[0].data(), static_cast<int>(ow));
    const uint64_t e = internal::LoadUnsigned(parts[0].data() + ow, static_cast<int>(ow));
    if (s > e || e > static_cast<uint64_t>(parts[1].size())) {
      return Status::Corruption(ctx_ + ": malformed constant value offsets");
    }
    value_ = parts[1].Slice(static_cast<int64_t>(s), static_cast<int64_t>(e - s));
    return Status::OK();
  }

  PageMeta page_;
  pb::AllNullLayout layout_;
  std::vector<RowRange> rows_;
  std::string ctx_;
  std::vector<RepDefLayer> layers_;
  int value_buffer_ = -1;
  int level_buffer_[2] = {-1, -1};
  bool read_ = false;
  Buffer value_;
  std::vector<uint16_t> rep_, def_;
};

// ---------------------------------------------------------------------------------------------
// Blob layout (v1): the inner layout stores one (position u64, size u64) description per row and
// the blob bytes live elsewhere in the file. size 0 and position 0 = empty value; size 0 and
// position != 0 = null, with rep = position & 0xFFFF and def = (position >> 16) & 0xFFFF.

class BlobPageDecoder final : public LeafPageDecoder {
 public:
  BlobPageDecoder(std::unique_ptr<LeafPageDecoder> inner, std::vector<RepDefLayer> layers,
                  std::vector<RowRange> rows, std::string context)
      : inner_(std::move(inner)),
        layers_(std::move(layers)),
        rows_(std::move(rows)),
        ctx_(std::move(context)) {}

  Result<std::vector<ByteRange>> NextReads() override {
    if (stage_ == 0) {
      LANCET_ASSIGN_OR_RETURN(std::vector<ByteRange> r, inner_->NextReads());
      if (!r.empty()) return r;
      LANCET_RETURN_NOT_OK(LoadDescriptions());
      stage_ = 1;
    }
    if (stage_ == 1) {
      std::vector<ByteRange> out;
      for (size_t i = 0; i < sizes_.size(); ++i) {
        if (sizes_[i] > 0) out.push_back(ByteRange{positions_[i], sizes_[i]});
      }
      if (out.empty()) stage_ = 2;
      return out;
    }
    return std::vector<ByteRange>{};
  }

  Status OnReads(std::vector<Buffer> buffers) override {
    if (stage_ == 0) return inner_->OnReads(std::move(buffers));
    if (stage_ == 1) {
      blobs_ = std::move(buffers);
      stage_ = 2;
      return Status::OK();
    }
    return Status::Internal(ctx_ + ": unexpected reads");
  }

  Result<LeafData> Finish() override {
    LeafData out;
    out.layers = layers_;
    const uint16_t max_visible = MaxVisibleDef(layers_);
    const bool has_def = MaxDef(layers_) > 0;
    std::vector<uint64_t> offsets{0};
    BufferBuilder data;
    size_t k = 0;
    for (size_t i = 0; i < sizes_.size(); ++i) {
      uint16_t def = 0;
      if (sizes_[i] == 0 && positions_[i] != 0) {
        if ((positions_[i] & 0xFFFF) != 0) {
          return Status::NotSupported(ctx_ + ": blob pages with repetition");
        }
        def = static_cast<uint16_t>((positions_[i] >> 16) & 0xFFFF);
      }
      if (has_def) out.def.push_back(def);
      ++out.num_levels;
      if (def > max_visible) continue;
      if (sizes_[i] > 0) {
        if (k >= blobs_.size()) return Status::Corruption(ctx_ + ": missing blob read");
        data.Append(blobs_[k].data(), static_cast<size_t>(blobs_[k].size()));
        ++k;
      }
      offsets.push_back(data.size());
    }
    auto block = std::make_shared<DataBlock>();
    block->kind = DataBlock::Kind::kVariableWidth;
    block->num_values = offsets.size() - 1;
    block->offset_bits = 64;
    block->offsets =
        Buffer::Copy(offsets.data(), static_cast<int64_t>(offsets.size() * sizeof(uint64_t)));
    block->data = data.Finish();
    const uint64_t n = block->num_values;
    out.AppendValues(std::move(block), 0, n);
    return out;
  }

 private:
  Status LoadDescriptions() {
    LANCET_ASSIGN_OR_RETURN(LeafData desc, inner_->Finish());
    for (const ValueSlice& s : desc.values) {
      if (!s.block) return Status::Corruption(ctx_ + ": null blob descriptions");
      const DataBlock& b = *s.block;
      const uint8_t* pos_data = nullptr;
      const uint8_t* size_data = nullptr;
      uint64_t stride = 8;
      if (b.kind == DataBlock::Kind::kStruct && b.children.size() == 2 &&
          b.children[0].kind == DataBlock::Kind::kFixedWidth &&
          b.children[1].kind == DataBlock::Kind::kFixedWidth &&
          b.children[0].bits_per_value == 64 && b.children[1].bits_per_value == 64 &&
          static_cast<uint64_t>(b.children[0].data.size()) >= (s.offset + s.length) * 8 &&
          static_cast<uint64_t>(b.children[1].data.size()) >= (s.offset + s.length) * 8) {
        pos_data = b.children[0].data.data() + s.offset * 8;
        size_data = b.children[1].data.data() + s.offset * 8;
      } else if (b.kind == DataBlock::Kind::kFixedWidth && b.bits_per_value == 128 &&
                 static_cast<uint64_t>(b.data.size()) >= (s.offset + s.length) * 16) {
        pos_data = b.data.data() + s.offset * 16;
        size_data = pos_data + 8;
        stride = 16;
      } else {
        return Status::NotSupported(ctx_ + ": unsupported blob description encoding");
      }
      for (uint64_t i = 0; i < s.length; ++i) {
        positions_.push_back(internal::LoadUnsigned(pos_data + i * stride, 8));
        sizes_.push_back(internal::LoadUnsigned(size_data + i * stride, 8));
      }
    }
    uint64_t rows = 0;
    for (const RowRange& r : rows_) rows += r.size();
    if (positions_.size() != rows) {
      return Status::Corruption(ctx_ + ": " + std::to_string(positions_.size()) +
                                " blob descriptions for " + std::to_string(rows) + " rows");
    }
    return Status::OK();
  }

  std::unique_ptr<LeafPageDecoder> inner_;
  std::vector<RepDefLayer> layers_;
  std::vector<RowRange> rows_;
  std::string ctx_;
  int stage_ = 0;
  std::vector<uint64_t> positions_, sizes_;
  std::vector<Buffer> blobs_;
};

Result<std::unique_ptr<LeafPageDecoder>> MakeFromLayout(const PageMeta& page,
                                                        const pb::PageLayout& layout,
                                                        std::vector<RowRange> rows,
                                                        std::string context, int depth) {
  switch (layout.layout_case()) {
    case pb::PageLayout::kMiniBlockLayout:
      return MakeMiniBlockPageDecoder(page, layout.mini_block_layout(), std::move(rows),
                                      std::move(context));
    case pb::PageLayout::kFullZipLayout:
      return MakeFullZipPageDecoder(page, layout.full_zip_layout(), std::move(rows),
                                    std::move(context));
    case pb::PageLayout::kAllNullLayout: {
      auto d = std::make_unique<ConstantPageDecoder>(page, layout.all_null_layout(),
                                                     std::move(rows), std::move(context));
      LANCET_RETURN_NOT_OK(d->Init());
      return std::unique_ptr<LeafPageDecoder>(std::move(d));
    }
    case pb::PageLayout::kBlobLayout: {
      const pb::BlobLayout& blob = layout.blob_layout();
      if (depth > 0 || !blob.has_inner_layout()) {
        return Status::Corruption(context + ": malformed blob layout");
      }
      LANCET_ASSIGN_OR_RETURN(
          std::vector<RepDefLayer> layers,
          internal::ConvertLayers(std::vector<int>(blob.layers().begin(), blob.layers().end())));
      if (layers.empty()) layers.push_back(RepDefLayer::kAllValidItem);
      if (MaxRep(layers) > 0) {
        return Status::NotSupported(context + ": unsupported 2.1 page layout 'blob_layout' " +
                                    "with list layers");
      }
      LANCET_ASSIGN_OR_RETURN(std::unique_ptr<LeafPageDecoder> inner,
                              MakeFromLayout(page, blob.inner_layout(), rows, context, depth + 1));
      return std::unique_ptr<LeafPageDecoder>(std::make_unique<BlobPageDecoder>(
          std::move(inner), std::move(layers), std::move(rows), std::move(context)));
    }
    case pb::PageLayout::LAYOUT_NOT_SET:
      break;
  }
  std::string which = "unknown";
  const auto& unknown = layout.GetReflection()->GetUnknownFields(layout);
  if (unknown.field_count() > 0) which = "field " + std::to_string(unknown.field(0).number());
  return Status::NotSupported(context + ": unsupported 2.1 page layout '" + which + "'");
}

// ---------------------------------------------------------------------------------------------
// Leaf values: DataBlock slices -> the in-memory layout of the leaf type.

class ValuesBuilder {
 public:
  virtual ~ValuesBuilder() = default;
  /// Values [offset, offset + length) of `block`.
  virtual Status Append(const DataBlock& block, uint64_t offset, uint64_t length) = 0;
  /// Placeholder slots (the validity says they are null).
  virtual void AppendNulls(uint64_t n) = 0;
  virtual Result<ArrayPtr> Finish(const BitmapBuilder& validity) = 0;
  /// Room for `n` more values (a hint: appends grow the buffers as needed anyway). A fixed-width
  /// builder reserves at most `max_bytes` (the bytes of the pages they come from: page headers
  /// are not trusted to size allocations).
  virtual void Reserve(uint64_t n, uint64_t max_bytes) {
    (void)n;
    (void)max_bytes;
  }
  uint64_t length() const { return length_; }

 protected:
  uint64_t length_ = 0;
};

Result<std::unique_ptr<ValuesBuilder>> MakeValuesBuilder(const DataTypePtr& type,
                                                         const std::string& ctx);

Status BlockMismatch(const std::string& ctx, const DataType& type, const DataBlock& b) {
  const char* kinds[] = {"fixed-width", "variable-width", "struct", "constant"};
  std::string got = kinds[static_cast<int>(b.kind)];
  if (b.kind == DataBlock::Kind::kFixedWidth || b.kind == DataBlock::Kind::kConstant) {
    got += " (" + std::to_string(b.bits_per_value) + " bits)";
  }
  return Status::Corruption(ctx + ": " + type.ToString() + " column decoded to " + got + " values");
}

class FixedBuilder final : public ValuesBuilder {
 public:
  FixedBuilder(DataTypePtr type, uint64_t bits, std::string ctx)
      : type_(std::move(type)), bits_(bits), ctx_(std::move(ctx)) {}

  Status Append(const DataBlock& b, uint64_t offset, uint64_t length) override {
    if (b.kind == DataBlock::Kind::kConstant) {
      if (bits_ == 1) {
        if (b.data.empty()) return BlockMismatch(ctx_, *type_, b);
        bits_out_.AppendN(b.data.data()[0] & 1, length);
      } else {
        if (static_cast<uint64_t>(b.data.size()) != bits_ / 8)
          return BlockMismatch(ctx_, *type_, b);
        for (uint64_t i = 0; i < length; ++i) bytes_.Append(b.data.data(), bits_ / 8);
      }
      length_ += length;
      return Status::OK();
    }
    if (b.kind != DataBlock::Kind::kFixedWidth || b.bits_per_value != bits_) {
      return BlockMismatch(ctx_, *type_, b);
    }
    if (offset + length > b.num_values ||
        static_cast<uint64_t>(b.data.size()) * 8 < (offset + length) * bits_) {
      return Status::Corruption(ctx_ + ": value block holds fewer values than it claims");
    }
    if (bits_ == 1) {
      bits_out_.AppendBits(b.data.data(), offset, length);
    } else {
      bytes_.Append(b.data.data() + offset * (bits_ / 8), length * (bits_ / 8));
    }
    length_ += length;
    return Status::OK();
  }

  void Reserve(uint64_t n, uint64_t max_bytes) override {
    if (bits_ != 1) bytes_.Reserve(bytes_.size() + std::min(n * (bits_ / 8), max_bytes));
  }

  void AppendNulls(uint64_t n) override {
    if (bits_ == 1) {
      bits_out_.AppendN(false, n);
    } else {
      bytes_.AppendFill(0, n * (bits_ / 8));
    }
    length_ += n;
  }

  /// Zero the values of slots [start, start + n) (children of null parents).
  void ZeroSlots(uint64_t start, uint64_t n) {
    if (bits_ == 1) {
      zero_ranges_.emplace_back(start, n);
    } else {
      std::memset(bytes_.mutable_data() + start * (bits_ / 8), 0, n * (bits_ / 8));
    }
  }

  Result<ArrayPtr> Finish(const BitmapBuilder& validity) override {
    auto a = std::make_shared<ArrayData>();
    a->type = type_;
    a->length = static_cast<int64_t>(length_);
    a->validity = validity.Finish();
    a->null_count = static_cast<int64_t>(validity.null_count());
    if (bits_ == 1) {
      // Rebuild the value bitmap with null slots cleared.
      BitmapBuilder clean;
      std::vector<bool> zero(length_, false);
      for (const auto& [s, n] : zero_ranges_) {
        for (uint64_t i = s; i < s + n && i < length_; ++i) zero[i] = true;
      }
      for (uint64_t i = 0; i < length_; ++i) {
        const bool v =
            bits_out_.Get(i) && !zero[i] && (validity.null_count() == 0 || validity.Get(i));
        clean.Append(v);
      }
      // Finish() drops an all-ones bitmap; values need the bytes regardless.
      std::vector<uint8_t> bytes((length_ + 7) / 8, 0);
      for (uint64_t i = 0; i < length_; ++i) {
        if (clean.Get(i)) bytes[i >> 3] |= static_cast<uint8_t>(1u << (i & 7));
      }
      a->values = Buffer::FromVector(std::move(bytes));
    } else {
      if (validity.null_count() > 0) {
        const uint64_t w = bits_ / 8;
        uint8_t* p = bytes_.mutable_data();
        for (uint64_t i = 0; i < length_; ++i) {
          if (!validity.Get(i)) std::memset(p + i * w, 0, w);
        }
      }
      a->values = bytes_.Finish();
    }
    return ArrayPtr(std::move(a));
  }

 private:
  DataTypePtr type_;
  uint64_t bits_;
  std::string ctx_;
  BufferBuilder bytes_;
  BitmapBuilder bits_out_;  // bool values
  std::vector<std::pair<uint64_t, uint64_t>> zero_ranges_;
};

class BinaryBuilder final : public ValuesBuilder {
 public:
  BinaryBuilder(DataTypePtr type, std::string ctx) : type_(std::move(type)), ctx_(std::move(ctx)) {
    offsets_.push_back(0);
  }

  Status Append(const DataBlock& b, uint64_t offset, uint64_t length) override {
    if (b.kind == DataBlock::Kind::kConstant) {
      for (uint64_t i = 0; i < length; ++i) {
        data_.Append(b.data.data(), static_cast<size_t>(b.data.size()));
        offsets_.push_back(static_cast<int64_t>(data_.size()));
      }
      length_ += length;
      return Status::OK();
    }
    if (b.kind != DataBlock::Kind::kVariableWidth || (b.offset_bits != 32 && b.offset_bits != 64)) {
      return BlockMismatch(ctx_, *type_, b);
    }
    const int w = static_cast<int>(b.offset_bits / 8);
    if (offset + length > b.num_values ||
        static_cast<uint64_t>(b.offsets.size()) < (offset + length + 1) * w) {
      return Status::Corruption(ctx_ + ": value block holds fewer values than it claims");
    }
    const uint8_t* off = b.offsets.data();
    const uint64_t start = internal::LoadUnsigned(off + offset * w, w);
    uint64_t prev = start;
    const int64_t base = static_cast<int64_t>(data_.size());
    for (uint64_t i = 1; i <= length; ++i) {
      const uint64_t cur = internal::LoadUnsigned(off + (offset + i) * w, w);
      if (cur < prev) return Status::Corruption(ctx_ + ": value offsets decrease");
      prev = cur;
      offsets_.push_back(base + static_cast<int64_t>(cur - start));
    }
    if (prev > static_cast<uint64_t>(b.data.size())) {
      return Status::Corruption(ctx_ + ": value offsets exceed the value bytes");
    }
    data_.Append(b.data.data() + start, prev - start);
    length_ += length;
    return Status::OK();
  }

  void Reserve(uint64_t n, uint64_t max_bytes) override {
    offsets_.reserve(offsets_.size() + std::min(n, max_bytes));  // >= 1 byte per offset read
  }

  void AppendNulls(uint64_t n) override {
    offsets_.insert(offsets_.end(), n, offsets_.back());
    length_ += n;
  }

  Result<ArrayPtr> Finish(const BitmapBuilder& validity) override {
    auto a = std::make_shared<ArrayData>();
    a->type = type_;
    a->length = static_cast<int64_t>(length_);
    a->validity = validity.Finish();
    a->null_count = static_cast<int64_t>(validity.null_count());
    bool dirty = false;
    if (validity.null_count() > 0) {
      for (uint64_t i = 0; i < length_ && !dirty; ++i) {
        dirty = !validity.Get(i) && offsets_[i + 1] != offsets_[i];
      }
    }
    if (dirty) {
      // Drop the bytes of null slots.
      BufferBuilder data;
      std::vector<int64_t> offsets{0};
      const uint8_t* src = data_.data();
      for (uint64_t i = 0; i < length_; ++i) {
        if (validity.Get(i)) data.Append(src + offsets_[i], offsets_[i + 1] - offsets_[i]);
        offsets.push_back(static_cast<int64_t>(data.size()));
      }
      offsets_ = std::move(offsets);
      a->values = data.Finish();
    } else {
      a->values = data_.Finish();
    }
    a->offsets = Buffer::Copy(offsets_.data(), static_cast<int64_t>(offsets_.size() * 8));
    return ArrayPtr(std::move(a));
  }

 private:
  DataTypePtr type_;
  std::string ctx_;
  BufferBuilder data_;
  std::vector<int64_t> offsets_;
};

// fixed_size_list<fixed-width item>: values are flattened (dim * item bits per row); the item
// validity, when present, is the block's fsl_validity.
class FslBuilder final : public ValuesBuilder {
 public:
  FslBuilder(DataTypePtr type, uint64_t item_bits, std::string ctx)
      : type_(std::move(type)),
        dim_(static_cast<uint64_t>(type_->fixed_size())),
        item_bits_(item_bits),
        ctx_(ctx),
        items_(type_->value_type(), item_bits, ctx) {}

  Status Append(const DataBlock& b, uint64_t offset, uint64_t length) override {
    if (b.kind != DataBlock::Kind::kFixedWidth || b.bits_per_value != dim_ * item_bits_) {
      return BlockMismatch(ctx_, *type_, b);
    }
    DataBlock view;
    view.kind = DataBlock::Kind::kFixedWidth;
    view.bits_per_value = item_bits_;
    view.num_values = b.num_values * dim_;
    view.data = b.data;
    LANCET_RETURN_NOT_OK(items_.Append(view, offset * dim_, length * dim_));
    if (!b.fsl_validity.empty()) {
      if (static_cast<uint64_t>(b.fsl_validity.size()) * 8 < (offset + length) * dim_) {
        return Status::Corruption(ctx_ + ": item validity too short");
      }
      item_validity_.AppendBits(b.fsl_validity.data(), offset * dim_, length * dim_);
    } else {
      item_validity_.AppendN(true, length * dim_);
    }
    length_ += length;
    return Status::OK();
  }

  void Reserve(uint64_t n, uint64_t max_bytes) override { items_.Reserve(n * dim_, max_bytes); }

  void AppendNulls(uint64_t n) override {
    items_.AppendNulls(n * dim_);
    item_validity_.AppendN(true, n * dim_);
    length_ += n;
  }

  Result<ArrayPtr> Finish(const BitmapBuilder& validity) override {
    if (validity.null_count() > 0) {
      for (uint64_t i = 0; i < length_; ++i) {
        if (!validity.Get(i)) items_.ZeroSlots(i * dim_, dim_);
      }
    }
    LANCET_ASSIGN_OR_RETURN(ArrayPtr child, items_.Finish(item_validity_));
    auto a = std::make_shared<ArrayData>();
    a->type = type_;
    a->length = static_cast<int64_t>(length_);
    a->validity = validity.Finish();
    a->null_count = static_cast<int64_t>(validity.null_count());
    a->children.push_back(std::move(child));
    return ArrayPtr(std::move(a));
  }

 private:
  DataTypePtr type_;
  uint64_t dim_;
  uint64_t item_bits_;
  std::string ctx_;
  FixedBuilder items_;
  BitmapBuilder item_validity_;
};

// Packed struct (and empty struct): one column whose values are a kStruct block.
class PackedStructBuilder final : public ValuesBuilder {
 public:
  PackedStructBuilder(DataTypePtr type, std::string ctx)
      : type_(std::move(type)), ctx_(std::move(ctx)) {}

  Status Init() {
    for (const Field& f : type_->children()) {
      LANCET_ASSIGN_OR_RETURN(std::unique_ptr<ValuesBuilder> b,
                              MakeValuesBuilder(f.type, ctx_ + "." + f.name));
      children_.push_back(std::move(b));
    }
    return Status::OK();
  }

  Status Append(const DataBlock& b, uint64_t offset, uint64_t length) override {
    if (!children_.empty()) {
      if (b.kind != DataBlock::Kind::kStruct || b.children.size() != children_.size()) {
        return BlockMismatch(ctx_, *type_, b);
      }
      for (size_t i = 0; i < children_.size(); ++i) {
        LANCET_RETURN_NOT_OK(children_[i]->Append(b.children[i], offset, length));
      }
    }
    length_ += length;
    return Status::OK();
  }

  void Reserve(uint64_t n, uint64_t max_bytes) override {
    for (auto& c : children_) c->Reserve(n, max_bytes);
  }

  void AppendNulls(uint64_t n) override {
    for (auto& c : children_) c->AppendNulls(n);
    length_ += n;
  }

  Result<ArrayPtr> Finish(const BitmapBuilder& validity) override {
    auto a = std::make_shared<ArrayData>();
    a->type = type_;
    a->length = static_cast<int64_t>(length_);
    a->validity = validity.Finish();
    a->null_count = static_cast<int64_t>(validity.null_count());
    BitmapBuilder all_valid;
    all_valid.AppendN(true, length_);
    for (auto& c : children_) {
      LANCET_ASSIGN_OR_RETURN(ArrayPtr child, c->Finish(all_valid));
      a->children.push_back(std::move(child));
    }
    return ArrayPtr(std::move(a));
  }

 private:
  DataTypePtr type_;
  std::string ctx_;
  std::vector<std::unique_ptr<ValuesBuilder>> children_;
};

class NullTypeBuilder final : public ValuesBuilder {
 public:
  explicit NullTypeBuilder(DataTypePtr type) : type_(std::move(type)) {}
  Status Append(const DataBlock&, uint64_t, uint64_t length) override {
    length_ += length;
    return Status::OK();
  }
  void AppendNulls(uint64_t n) override { length_ += n; }
  Result<ArrayPtr> Finish(const BitmapBuilder&) override {
    auto a = std::make_shared<ArrayData>();
    a->type = type_;
    a->length = static_cast<int64_t>(length_);
    a->null_count = a->length;
    return ArrayPtr(std::move(a));
  }

 private:
  DataTypePtr type_;
};

Result<std::unique_ptr<ValuesBuilder>> MakeValuesBuilder(const DataTypePtr& type,
                                                         const std::string& ctx) {
  const DataType& t = *type;
  if (t.id() == TypeId::kNull) return std::unique_ptr<ValuesBuilder>(new NullTypeBuilder(type));
  if (t.is_binary_like()) return std::unique_ptr<ValuesBuilder>(new BinaryBuilder(type, ctx));
  if (t.id() == TypeId::kFixedSizeList) {
    const DataTypePtr& item = t.value_type();
    if (!item || !item->is_fixed_width_primitive()) {
      return Status::NotSupported(ctx + ": decoding " + t.ToString() +
                                  " (fixed-size lists of non-primitive items) from 2.1 files");
    }
    return std::unique_ptr<ValuesBuilder>(
        new FslBuilder(type, static_cast<uint64_t>(item->bit_width()), ctx));
  }
  if (t.id() == TypeId::kStruct) {
    auto b = std::make_unique<PackedStructBuilder>(type, ctx);
    LANCET_RETURN_NOT_OK(b->Init());
    return std::unique_ptr<ValuesBuilder>(std::move(b));
  }
  if (t.is_fixed_width_primitive()) {
    return std::unique_ptr<ValuesBuilder>(
        new FixedBuilder(type, static_cast<uint64_t>(t.bit_width()), ctx));
  }
  return Status::NotSupported(ctx + ": decoding " + t.ToString() + " from 2.1 files");
}

// ---------------------------------------------------------------------------------------------
// Field assembly.

enum class NodeKind { kStruct, kList, kLeaf };

bool IsPackedStruct(const Field& f) {
  return f.type->id() == TypeId::kStruct &&
         (f.type->children().empty() || f.metadata.count("lance-encoding:packed") > 0);
}

// Lance 2.2 "blob v2" fields are stored as one column of descriptions (a variable packed
// struct of kind / position / size / blob id / uri) whose bytes live elsewhere.
const Field* FindBlobV2(const Field& f) {
  auto it = f.metadata.find("ARROW:extension:name");
  if (it != f.metadata.end() && it->second == "lance.blob.v2") return &f;
  for (const Field& c : f.type->children()) {
    if (const Field* b = FindBlobV2(c)) return b;
  }
  return nullptr;
}

struct LeafColumn {
  const ColumnMeta* column = nullptr;
  const Field* field = nullptr;
  std::vector<NodeKind> path;  // top-level field first, leaf last
  std::string name;            // dotted path for messages
  std::vector<std::unique_ptr<LeafPageDecoder>> decoders;
  std::vector<size_t> pages;           // page index of each decoder
  std::vector<UnraveledLayer> layers;  // innermost first
  std::unique_ptr<ValuesBuilder> values;
};

void CollectLeaves(const Field& f, std::vector<NodeKind>* path, const std::string& name,
                   std::vector<LeafColumn>* out) {
  const DataType& t = *f.type;
  if (t.id() == TypeId::kStruct && !IsPackedStruct(f)) {
    path->push_back(NodeKind::kStruct);
    for (const Field& c : t.children()) CollectLeaves(c, path, name + "." + c.name, out);
    path->pop_back();
    return;
  }
  if (t.is_list_like()) {
    path->push_back(NodeKind::kList);
    CollectLeaves(t.children()[0], path, name + "." + t.children()[0].name, out);
    path->pop_back();
    return;
  }
  LeafColumn leaf;
  leaf.field = &f;
  leaf.path = *path;
  leaf.path.push_back(NodeKind::kLeaf);
  leaf.name = name;
  out->push_back(std::move(leaf));
}

Status CheckLayers(const LeafColumn& leaf, const std::vector<RepDefLayer>& layers,
                   const std::string& ctx) {
  auto describe = [&]() {
    std::string s;
    for (RepDefLayer l : layers) s += std::string(s.empty() ? "" : ",") + RepDefLayerName(l);
    return s;
  };
  if (layers.size() != leaf.path.size()) {
    return Status::Corruption(ctx + ": page layers [" + describe() + "] do not match the " +
                              std::to_string(leaf.path.size()) + " levels of field '" + leaf.name +
                              "'");
  }
  for (size_t i = 0; i < layers.size(); ++i) {
    const NodeKind k = leaf.path[leaf.path.size() - 1 - i];
    if (IsListLayer(layers[i]) != (k == NodeKind::kList)) {
      return Status::Corruption(ctx + ": page layers [" + describe() +
                                "] do not match the structure of field '" + leaf.name + "'");
    }
  }
  return Status::OK();
}

class Assembler {
 public:
  explicit Assembler(std::vector<LeafColumn>* leaves) : leaves_(leaves) {}

  Result<ArrayPtr> Build(const Field& f, size_t depth) {
    const DataType& t = *f.type;
    if (t.id() == TypeId::kStruct && !IsPackedStruct(f)) {
      const LeafColumn& first = (*leaves_)[next_];
      const UnraveledLayer& layer = first.layers[first.path.size() - 1 - depth];
      auto a = std::make_shared<ArrayData>();
      a->type = f.type;
      a->length = static_cast<int64_t>(layer.length);
      a->validity = layer.validity.Finish();
      a->null_count = static_cast<int64_t>(layer.validity.null_count());
      for (const Field& c : t.children()) {
        LANCET_ASSIGN_OR_RETURN(ArrayPtr child, Build(c, depth + 1));
        if (child->length != a->length) {
          return Status::Corruption("field '" + f.name + "': child '" + c.name + "' has " +
                                    std::to_string(child->length) + " rows, struct has " +
                                    std::to_string(a->length));
        }
        a->children.push_back(std::move(child));
      }
      return ArrayPtr(std::move(a));
    }
    if (t.is_list_like()) {
      const LeafColumn& first = (*leaves_)[next_];
      const UnraveledLayer& layer = first.layers[first.path.size() - 1 - depth];
      LANCET_ASSIGN_OR_RETURN(ArrayPtr child, Build(t.children()[0], depth + 1));
      if (layer.offsets.size() != layer.length + 1 || layer.offsets.back() != child->length) {
        return Status::Corruption("field '" + f.name + "': list offsets do not match its items");
      }
      auto a = std::make_shared<ArrayData>();
      a->type = f.type;
      a->length = static_cast<int64_t>(layer.length);
      a->validity = layer.validity.Finish();
      a->null_count = static_cast<int64_t>(layer.validity.null_count());
      a->offsets = Buffer::Copy(layer.offsets.data(),
                                static_cast<int64_t>(layer.offsets.size() * sizeof(int64_t)));
      a->children.push_back(std::move(child));
      return ArrayPtr(std::move(a));
    }
    LeafColumn& leaf = (*leaves_)[next_++];
    if (depth + 1 != leaf.path.size()) return Status::Internal("leaf depth mismatch");
    return leaf.values->Finish(leaf.layers[0].validity);
  }

 private:
  std::vector<LeafColumn>* leaves_;
  size_t next_ = 0;
};

// Empty per-layer structure for a leaf that no page contributed to (no rows requested).
std::vector<UnraveledLayer> EmptyLayers(const LeafColumn& leaf) {
  std::vector<UnraveledLayer> out(leaf.path.size());
  for (size_t i = 0; i < out.size(); ++i) {
    out[i].is_list = leaf.path[leaf.path.size() - 1 - i] == NodeKind::kList;
    if (out[i].is_list) out[i].offsets.push_back(0);
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Descriptions.

std::string DescribeBufferCompression(const pb::BufferCompression& c) {
  std::string s = c.scheme() == pb::COMPRESSION_ALGORITHM_ZSTD  ? "ZSTD"
                  : c.scheme() == pb::COMPRESSION_ALGORITHM_LZ4 ? "LZ4"
                                                                : "NONE";
  if (c.has_level()) s += ":" + std::to_string(c.level());
  return s;
}

std::string Describe(const pb::CompressiveEncoding& e) {
  using E = pb::CompressiveEncoding;
  switch (e.compression_case()) {
    case E::kFlat: {
      std::string s = "Flat(" + std::to_string(e.flat().bits_per_value());
      if (e.flat().has_data()) s += ", " + DescribeBufferCompression(e.flat().data());
      return s + ")";
    }
    case E::kVariable: {
      std::string s = "Variable(" + Describe(e.variable().offsets());
      if (e.variable().has_values()) s += ", " + DescribeBufferCompression(e.variable().values());
      return s + ")";
    }
    case E::kConstant:
      return "Constant(" + std::to_string(e.constant().value().size()) + " bytes)";
    case E::kOutOfLineBitpacking:
      return "OutOfLineBitpacking(" +
             std::to_string(e.out_of_line_bitpacking().uncompressed_bits_per_value()) + ", " +
             Describe(e.out_of_line_bitpacking().values()) + ")";
    case E::kInlineBitpacking:
      return "InlineBitpacking(" +
             std::to_string(e.inline_bitpacking().uncompressed_bits_per_value()) + ")";
    case E::kFsst:
      return "Fsst(" + Describe(e.fsst().values()) + ")";
    case E::kDictionary:
      return "Dictionary(" + Describe(e.dictionary().indices()) + ", " +
             Describe(e.dictionary().items()) + ")";
    case E::kRle:
      return "Rle(" + Describe(e.rle().values()) + ", " + Describe(e.rle().run_lengths()) + ")";
    case E::kByteStreamSplit:
      return "ByteStreamSplit(" + Describe(e.byte_stream_split().values()) + ")";
    case E::kGeneral:
      return "General(" + DescribeBufferCompression(e.general().compression()) + ", " +
             Describe(e.general().values()) + ")";
    case E::kFixedSizeList:
      return "FixedSizeList(" + std::to_string(e.fixed_size_list().items_per_value()) + ", " +
             Describe(e.fixed_size_list().values()) +
             (e.fixed_size_list().has_validity() ? ", validity" : "") + ")";
    case E::kPackedStruct: {
      std::string s = "PackedStruct([";
      for (int i = 0; i < e.packed_struct().bits_per_value_size(); ++i) {
        s += (i ? "," : "") + std::to_string(e.packed_struct().bits_per_value(i));
      }
      return s + "], " + Describe(e.packed_struct().values()) + ")";
    }
    case E::kVariablePackedStruct:
      return "VariablePackedStruct(" + std::to_string(e.variable_packed_struct().fields_size()) +
             " fields)";
    case E::COMPRESSION_NOT_SET:
      break;
  }
  return "?";
}

template <typename Layers>
std::string DescribeLayers(const Layers& layers) {
  std::string s;
  for (int v : layers) {
    Result<RepDefLayer> l = RepDefLayerFromProto(v);
    s += std::string(s.empty() ? "" : ",") + (l.ok() ? RepDefLayerName(*l) : "?");
  }
  return s;
}

std::string DescribeLayout(const pb::PageLayout& layout, size_t page_buffers) {
  switch (layout.layout_case()) {
    case pb::PageLayout::kMiniBlockLayout: {
      const pb::MiniBlockLayout& m = layout.mini_block_layout();
      std::string s = "MiniBlock[values=" + Describe(m.value_compression());
      if (m.has_rep_compression()) s += ", rep=" + Describe(m.rep_compression());
      if (m.has_def_compression()) s += ", def=" + Describe(m.def_compression());
      if (m.has_dictionary()) {
        s += ", dict=" + Describe(m.dictionary()) + "x" + std::to_string(m.num_dictionary_items());
      }
      s += ", layers=" + DescribeLayers(m.layers());
      if (m.repetition_index_depth() > 0) {
        s += ", rep_index=" + std::to_string(m.repetition_index_depth());
      }
      if (m.has_large_chunk()) s += ", large_chunks";
      return s + "]";
    }
    case pb::PageLayout::kFullZipLayout: {
      const pb::FullZipLayout& f = layout.full_zip_layout();
      std::string s = "FullZip[values=" + Describe(f.value_compression());
      if (f.details_case() == pb::FullZipLayout::kBitsPerValue) {
        s += ", bits_per_value=" + std::to_string(f.bits_per_value());
      } else {
        s += ", bits_per_offset=" + std::to_string(f.bits_per_offset());
      }
      if (f.bits_rep() > 0) s += ", bits_rep=" + std::to_string(f.bits_rep());
      if (f.bits_def() > 0) s += ", bits_def=" + std::to_string(f.bits_def());
      return s + ", layers=" + DescribeLayers(f.layers()) + "]";
    }
    case pb::PageLayout::kAllNullLayout: {
      const pb::AllNullLayout& a = layout.all_null_layout();
      std::string s;
      if (a.has_inline_value()) {
        s = "Constant[value=" + std::to_string(a.inline_value().size()) + " bytes, ";
      } else if (page_buffers == 1 || page_buffers == 3) {
        s = "Constant[value=buffer, ";
      } else {
        s = "AllNull[";
      }
      if (a.has_rep_compression()) s += "rep=" + Describe(a.rep_compression()) + ", ";
      if (a.has_def_compression()) s += "def=" + Describe(a.def_compression()) + ", ";
      return s + "layers=" + DescribeLayers(a.layers()) + "]";
    }
    case pb::PageLayout::kBlobLayout:
      return "Blob[inner=" + DescribeLayout(layout.blob_layout().inner_layout(), page_buffers) +
             ", layers=" + DescribeLayers(layout.blob_layout().layers()) + "]";
    case pb::PageLayout::LAYOUT_NOT_SET:
      break;
  }
  return "<unknown 2.1 page layout>";
}

}  // namespace

Result<std::unique_ptr<LeafPageDecoder>> MakeLeafPageDecoder(const PageMeta& page,
                                                             std::vector<RowRange> rows,
                                                             std::string context) {
  if (page.encoding_type_url != kPageLayoutTypeUrl) {
    return Status::NotSupported(context + ": page encoding '" + page.encoding_type_url +
                                "' in a 2.1+ file (expected " + kPageLayoutTypeUrl + ")");
  }
  pb::PageLayout layout;
  if (!layout.ParseFromString(page.encoding)) {
    return Status::Corruption(context + ": malformed PageLayout");
  }
  return MakeFromLayout(page, layout, std::move(rows), std::move(context), 0);
}

Result<ArrayPtr> DecodeFieldV21(const Field& field, const std::vector<const ColumnMeta*>& columns,
                                const std::vector<RowRange>& rows, RangeReader* io) {
  if (!field.type) return Status::InvalidArgument("field '" + field.name + "' has no type");
  if (const Field* blob = FindBlobV2(field)) {
    return Status::NotSupported(
        "field '" + blob->name +
        "': blob v2 columns (lance.blob.v2 descriptions) are not supported");
  }
  std::vector<LeafColumn> leaves;
  std::vector<NodeKind> path;
  CollectLeaves(field, &path, field.name, &leaves);
  if (leaves.size() != columns.size()) {
    return Status::Corruption("field '" + field.name + "' has " + std::to_string(leaves.size()) +
                              " leaf columns, got " + std::to_string(columns.size()));
  }
  uint64_t prev_end = 0;
  for (const RowRange& r : rows) {
    if (r.start > r.end || r.start < prev_end) {
      return Status::InvalidArgument("row ranges must be sorted and non-overlapping");
    }
    prev_end = r.end;
  }

  // Pages and the rows each must decode.
  for (size_t ci = 0; ci < leaves.size(); ++ci) {
    LeafColumn& leaf = leaves[ci];
    leaf.column = columns[ci];
    if (leaf.column == nullptr) return Status::InvalidArgument("null column metadata");
    LANCET_ASSIGN_OR_RETURN(leaf.values, MakeValuesBuilder(leaf.field->type, leaf.name));
    uint64_t page_start = 0;
    uint64_t wanted_rows = 0, wanted_page_bytes = 0;
    size_t ri = 0;
    for (size_t pi = 0; pi < leaf.column->pages.size(); ++pi) {
      const PageMeta& page = leaf.column->pages[pi];
      const uint64_t page_end = page_start + page.num_rows;
      std::vector<RowRange> in_page;
      while (ri < rows.size() && rows[ri].end <= page_start) ++ri;
      for (size_t k = ri; k < rows.size() && rows[k].start < page_end; ++k) {
        const uint64_t s = std::max(rows[k].start, page_start);
        const uint64_t e = std::min(rows[k].end, page_end);
        if (s < e) {
          in_page.push_back(RowRange{s - page_start, e - page_start});
          wanted_rows += e - s;
        }
      }
      if (!in_page.empty()) {
        for (const ByteRange& b : page.buffers) wanted_page_bytes += b.length;
        LANCET_ASSIGN_OR_RETURN(
            std::unique_ptr<LeafPageDecoder> d,
            MakeLeafPageDecoder(page, std::move(in_page),
                                "field '" + leaf.name + "' column " + std::to_string(ci) +
                                    " page " + std::to_string(pi)));
        leaf.decoders.push_back(std::move(d));
        leaf.pages.push_back(pi);
      }
      page_start = page_end;
    }
    if (prev_end > page_start) {
      return Status::InvalidArgument("rows up to " + std::to_string(prev_end) +
                                     " requested from field '" + leaf.name + "' which has " +
                                     std::to_string(page_start) + " rows");
    }
    // Without a list layer there is one value per row: size the output once instead of growing
    // it page after page (a 2 GB vector read would otherwise be copied ~log2 times over).
    if (std::find(leaf.path.begin(), leaf.path.end(), NodeKind::kList) == leaf.path.end()) {
      leaf.values->Reserve(wanted_rows, wanted_page_bytes);
    }
  }

  // I/O: every page of every column shares each round's single read call.
  std::vector<LeafPageDecoder*> all;
  for (LeafColumn& leaf : leaves) {
    for (auto& d : leaf.decoders) all.push_back(d.get());
  }
  LANCET_RETURN_NOT_OK(RunLeafPageDecoders(all, io));

  // Decode, unravel and accumulate page by page.
  for (size_t ci = 0; ci < leaves.size(); ++ci) {
    LeafColumn& leaf = leaves[ci];
    for (size_t k = 0; k < leaf.decoders.size(); ++k) {
      const std::string ctx = "field '" + leaf.name + "' column " + std::to_string(ci) + " page " +
                              std::to_string(leaf.pages[k]);
      LANCET_ASSIGN_OR_RETURN(LeafData data, leaf.decoders[k]->Finish());
      leaf.decoders[k].reset();
      LANCET_RETURN_NOT_OK(CheckLayers(leaf, data.layers, ctx));
      Result<std::vector<UnraveledLayer>> unraveled =
          UnravelRepDef(data.layers, data.rep, data.def, data.num_levels);
      if (!unraveled.ok()) return unraveled.status().WithContext(ctx);
      if ((*unraveled)[0].length != data.num_values) {
        return Status::Corruption(ctx + ": levels describe " +
                                  std::to_string((*unraveled)[0].length) + " values, page has " +
                                  std::to_string(data.num_values));
      }
      for (const ValueSlice& s : data.values) {
        if (s.block) {
          Status st = leaf.values->Append(*s.block, s.offset, s.length);
          if (!st.ok()) return st.WithContext(ctx);
        } else {
          leaf.values->AppendNulls(s.length);
        }
      }
      LANCET_RETURN_NOT_OK(AppendUnraveled(&leaf.layers, std::move(*unraveled)));
    }
    if (leaf.layers.empty()) leaf.layers = EmptyLayers(leaf);
  }

  uint64_t expected_rows = 0;
  for (const RowRange& r : rows) expected_rows += r.size();
  Assembler assembler(&leaves);
  LANCET_ASSIGN_OR_RETURN(ArrayPtr result, assembler.Build(field, 0));
  if (static_cast<uint64_t>(result->length) != expected_rows) {
    return Status::Corruption("field '" + field.name + "' decoded to " +
                              std::to_string(result->length) + " rows, expected " +
                              std::to_string(expected_rows));
  }
  Status valid = ValidateArray(*result);
  if (!valid.ok()) return valid.WithContext("field '" + field.name + "'");
  return result;
}

std::string DescribePageEncoding(const PageMeta& page) {
  if (page.encoding_type_url == kPageLayoutTypeUrl) {
    pb::PageLayout layout;
    if (!layout.ParseFromString(page.encoding)) return "<invalid PageLayout>";
    return DescribeLayout(layout, page.buffers.size());
  }
  if (page.encoding_type_url == kArrayEncodingTypeUrl) {
    return DescribeArrayEncodingV20(page.encoding);
  }
  return "<unknown encoding " + page.encoding_type_url + ">";
}

}  // namespace lancet::encoding
