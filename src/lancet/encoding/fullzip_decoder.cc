// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The lancet authors
#include "lancet/encoding/fullzip_decoder.h"

#include <utility>

#include "encodings_v2_1.pb.h"

namespace lancet::encoding {

namespace pb = ::lance::encodings21;

namespace {

// A block with one slot per entry of `valid`: the next value of `dense` where valid is set and a
// zero / empty placeholder elsewhere.
Result<DataBlock> ExpandNulls(const DataBlock& dense, const std::vector<bool>& valid) {
  DataBlock out;
  out.kind = dense.kind;
  out.num_values = valid.size();
  switch (dense.kind) {
    case DataBlock::Kind::kConstant:
      out = dense;
      out.num_values = valid.size();
      return out;
    case DataBlock::Kind::kFixedWidth: {
      out.bits_per_value = dense.bits_per_value;
      if (!dense.fsl_validity.empty()) {
        return Status::NotSupported("item validity in a variable-width full-zip page");
      }
      if (dense.bits_per_value == 1) {
        if (static_cast<uint64_t>(dense.data.size()) * 8 < dense.num_values) {
          return Status::Corruption("decoded values too short");
        }
        BitmapBuilder bits;
        uint64_t k = 0;
        for (bool v : valid) {
          bits.Append(v ? ((dense.data.data()[k >> 3] >> (k & 7)) & 1) : false);
          if (v) ++k;
        }
        std::vector<uint8_t> bytes((valid.size() + 7) / 8, 0);
        for (uint64_t i = 0; i < valid.size(); ++i) {
          if (bits.Get(i)) bytes[i >> 3] |= static_cast<uint8_t>(1u << (i & 7));
        }
        out.data = Buffer::FromVector(std::move(bytes));
        return out;
      }
      if (dense.bits_per_value % 8 != 0) {
        return Status::NotSupported("sub-byte values in a variable-width full-zip page");
      }
      const uint64_t w = dense.bits_per_value / 8;
      if (static_cast<uint64_t>(dense.data.size()) < dense.num_values * w) {
        return Status::Corruption("decoded values too short");
      }
      BufferBuilder data;
      data.Reserve(valid.size() * w);
      uint64_t k = 0;
      for (bool v : valid) {
        if (v) {
          data.Append(dense.data.data() + k * w, w);
          ++k;
        } else {
          data.AppendFill(0, w);
        }
      }
      out.data = data.Finish();
      return out;
    }
    case DataBlock::Kind::kVariableWidth: {
      if (dense.offset_bits != 32 && dense.offset_bits != 64) {
        return Status::Corruption("decoded offsets of " + std::to_string(dense.offset_bits) +
                                  " bits");
      }
      const int w = static_cast<int>(dense.offset_bits / 8);
      if (static_cast<uint64_t>(dense.offsets.size()) < (dense.num_values + 1) * w) {
        return Status::Corruption("decoded offsets too short");
      }
      const uint64_t base = internal::LoadUnsigned(dense.offsets.data(), w);
      std::vector<uint64_t> offsets;
      offsets.reserve(valid.size() + 1);
      offsets.push_back(0);
      uint64_t k = 0;
      for (bool v : valid) {
        if (v) ++k;
        const uint64_t end = internal::LoadUnsigned(dense.offsets.data() + k * w, w);
        if (end < base || end - base < offsets.back()) {
          return Status::Corruption("decoded offsets decrease");
        }
        offsets.push_back(end - base);
      }
      if (base + offsets.back() > static_cast<uint64_t>(dense.data.size())) {
        return Status::Corruption("decoded offsets exceed the data");
      }
      out.offset_bits = 64;
      out.offsets =
          Buffer::Copy(offsets.data(), static_cast<int64_t>(offsets.size() * sizeof(uint64_t)));
      out.data = dense.data.Slice(static_cast<int64_t>(base), static_cast<int64_t>(offsets.back()));
      return out;
    }
    case DataBlock::Kind::kStruct:
      for (const DataBlock& child : dense.children) {
        LANCET_ASSIGN_OR_RETURN(DataBlock c, ExpandNulls(child, valid));
        out.children.push_back(std::move(c));
      }
      return out;
  }
  return Status::Corruption("unknown decoded block kind");
}

class FullZipPageDecoder final : public LeafPageDecoder {
 public:
  FullZipPageDecoder(const PageMeta& page, const pb::FullZipLayout& layout,
                     std::vector<RowRange> rows, std::string context)
      : page_(page), layout_(layout), rows_(std::move(rows)), ctx_(std::move(context)) {}

  Status Init();
  Result<std::vector<ByteRange>> NextReads() override;
  Status OnReads(std::vector<Buffer> buffers) override;
  Result<LeafData> Finish() override;

 private:
  enum class Stage { kIndex, kData, kDone };

  Status Corrupt(const std::string& msg) const {
    return Status::Corruption(ctx_ + " (full-zip): " + msg);
  }
  std::vector<ByteRange> DataRanges() const;
  Status Walk(const Buffer& buf, uint64_t expected_rows, LeafData* out);

  PageMeta page_;
  pb::FullZipLayout layout_;
  std::vector<RowRange> rows_;
  std::string ctx_;

  std::vector<RepDefLayer> layers_;
  uint32_t bits_rep_ = 0;
  uint32_t bits_def_ = 0;
  int cw_bytes_ = 0;
  uint16_t max_rep_ = 0;
  uint16_t max_visible_def_ = 0;
  bool fixed_ = false;
  uint64_t value_bytes_ = 0;  // fixed: payload bytes per visible level
  int length_bytes_ = 0;      // variable: bytes of the length prefix
  bool has_index_ = false;
  int index_width_ = 0;

  Stage stage_ = Stage::kIndex;
  std::vector<std::pair<uint64_t, uint64_t>> spans_;  // per row range: [begin, end) in buffer 0
  std::vector<Buffer> data_;                          // per row range

  // Walk output.
  BufferBuilder fixed_payload_;
  uint64_t visible_ = 0;
  std::vector<uint64_t> var_offsets_;  // valid items only, starting at 0
  BufferBuilder var_data_;
  std::vector<bool> var_valid_;  // per visible item
};

Status FullZipPageDecoder::Init() {
  if (!layout_.has_value_compression()) return Corrupt("no value compression");
  LANCET_ASSIGN_OR_RETURN(layers_, internal::ConvertLayers(std::vector<int>(
                                       layout_.layers().begin(), layout_.layers().end())));
  bits_rep_ = layout_.bits_rep();
  bits_def_ = layout_.bits_def();
  if (layers_.empty()) {
    if (bits_rep_ > 0 || bits_def_ > 0) return Corrupt("control words without layers");
    layers_.push_back(RepDefLayer::kAllValidItem);
  }
  const uint32_t total_bits = bits_rep_ + bits_def_;
  if (bits_rep_ > 16 || bits_def_ > 16) return Corrupt("control word too wide");
  cw_bytes_ = total_bits == 0 ? 0 : total_bits <= 8 ? 1 : total_bits <= 16 ? 2 : 4;
  max_rep_ = MaxRep(layers_);
  max_visible_def_ = MaxVisibleDef(layers_);
  if (bits_rep_ > 0 && max_rep_ == 0) return Corrupt("repetition without a list layer");
  if (bits_rep_ == 0 && max_rep_ > 0) return Corrupt("list layers without repetition");
  switch (layout_.details_case()) {
    case pb::FullZipLayout::kBitsPerValue:
      fixed_ = true;
      if (layout_.bits_per_value() == 0) return Corrupt("zero bits per value");
      if (layout_.bits_per_value() % 8 != 0) {
        return Status::NotSupported(ctx_ + ": full-zip values of " +
                                    std::to_string(layout_.bits_per_value()) +
                                    " bits (not byte aligned)");
      }
      value_bytes_ = layout_.bits_per_value() / 8;
      break;
    case pb::FullZipLayout::kBitsPerOffset: {
      const uint32_t b = layout_.bits_per_offset();
      if (b != 8 && b != 16 && b != 32 && b != 64) {
        return Corrupt("invalid bits_per_offset " + std::to_string(b));
      }
      length_bytes_ = static_cast<int>(b / 8);
      break;
    }
    default:
      return Corrupt("neither bits_per_value nor bits_per_offset is set");
  }
  if (page_.buffers.empty()) return Corrupt("page has no buffers");
  has_index_ = page_.buffers.size() >= 2 && page_.buffers[1].length > 0;
  if (has_index_) {
    const uint64_t entries = page_.num_rows + 1;
    const uint64_t size = page_.buffers[1].length;
    const uint64_t w = size / entries;
    if (size % entries != 0 || (w != 1 && w != 2 && w != 4 && w != 8)) {
      return Corrupt("repetition index of " + std::to_string(size) + " bytes for " +
                     std::to_string(page_.num_rows) + " rows");
    }
    index_width_ = static_cast<int>(w);
  } else if (!fixed_ || bits_rep_ > 0) {
    return Corrupt("no repetition index");
  }
  for (const RowRange& r : rows_) {
    if (r.start >= r.end || r.end > page_.num_rows) {
      return Status::InvalidArgument(ctx_ + ": row range [" + std::to_string(r.start) + ", " +
                                     std::to_string(r.end) + ") outside the page's " +
                                     std::to_string(page_.num_rows) + " rows");
    }
  }
  if (!has_index_) {
    const uint64_t stride = static_cast<uint64_t>(cw_bytes_) + value_bytes_;
    for (const RowRange& r : rows_) {
      if (r.end > page_.buffers[0].length / stride) {
        return Corrupt("rows up to " + std::to_string(r.end) + " need " +
                       std::to_string(r.end * stride) + " bytes, buffer has " +
                       std::to_string(page_.buffers[0].length));
      }
      spans_.emplace_back(r.start * stride, r.end * stride);
    }
    stage_ = Stage::kData;
  }
  return Status::OK();
}

std::vector<ByteRange> FullZipPageDecoder::DataRanges() const {
  std::vector<ByteRange> out;
  for (const auto& [b, e] : spans_) {
    if (e > b) out.push_back(ByteRange{page_.buffers[0].offset + b, e - b});
  }
  return out;
}

Result<std::vector<ByteRange>> FullZipPageDecoder::NextReads() {
  std::vector<ByteRange> out;
  switch (stage_) {
    case Stage::kIndex: {
      const ByteRange& idx = page_.buffers[1];
      const uint64_t w = static_cast<uint64_t>(index_width_);
      for (const RowRange& r : rows_) {
        if (r.end == r.start + 1) {
          out.push_back(ByteRange{idx.offset + r.start * w, 2 * w});
        } else {
          out.push_back(ByteRange{idx.offset + r.start * w, w});
          out.push_back(ByteRange{idx.offset + r.end * w, w});
        }
      }
      return out;
    }
    case Stage::kData:
      out = DataRanges();
      if (out.empty()) {
        data_.assign(spans_.size(), Buffer());
        stage_ = Stage::kDone;
      }
      return out;
    case Stage::kDone:
      return out;
  }
  return out;
}

Status FullZipPageDecoder::OnReads(std::vector<Buffer> buffers) {
  switch (stage_) {
    case Stage::kIndex: {
      size_t k = 0;
      const int w = index_width_;
      for (const RowRange& r : rows_) {
        uint64_t begin = 0, end = 0;
        if (r.end == r.start + 1) {
          if (k >= buffers.size() || buffers[k].size() != 2 * w) return Corrupt("bad index read");
          begin = internal::LoadUnsigned(buffers[k].data(), w);
          end = internal::LoadUnsigned(buffers[k].data() + w, w);
          ++k;
        } else {
          if (k + 1 >= buffers.size()) return Corrupt("bad index read");
          if (buffers[k].size() != w || buffers[k + 1].size() != w) {
            return Corrupt("bad index read");
          }
          begin = internal::LoadUnsigned(buffers[k].data(), w);
          end = internal::LoadUnsigned(buffers[k + 1].data(), w);
          k += 2;
        }
        if (begin > end || end > page_.buffers[0].length) {
          return Corrupt("repetition index gives bytes [" + std::to_string(begin) + ", " +
                         std::to_string(end) + ") for rows [" + std::to_string(r.start) + ", " +
                         std::to_string(r.end) + ") in a buffer of " +
                         std::to_string(page_.buffers[0].length) + " bytes");
        }
        spans_.emplace_back(begin, end);
      }
      stage_ = Stage::kData;
      return Status::OK();
    }
    case Stage::kData: {
      size_t k = 0;
      data_.assign(spans_.size(), Buffer());
      for (size_t i = 0; i < spans_.size(); ++i) {
        if (spans_[i].second == spans_[i].first) continue;
        if (k >= buffers.size()) return Corrupt("missing data reads");
        data_[i] = std::move(buffers[k++]);
      }
      stage_ = Stage::kDone;
      return Status::OK();
    }
    case Stage::kDone:
      break;
  }
  return Status::Internal(ctx_ + ": unexpected reads");
}

Status FullZipPageDecoder::Walk(const Buffer& buf, uint64_t expected_rows, LeafData* out) {
  const uint8_t* p = buf.data();
  const uint64_t size = static_cast<uint64_t>(buf.size());
  const bool has_rep = bits_rep_ > 0;
  const bool has_def = bits_def_ > 0;
  const uint64_t def_mask = (uint64_t{1} << bits_def_) - 1;
  uint64_t pos = 0;
  uint64_t rows = 0;
  bool first = true;
  while (pos < size) {
    uint64_t rep = 0, def = 0;
    if (cw_bytes_ > 0) {
      if (pos + cw_bytes_ > size) return Corrupt("control word runs past the data");
      const uint64_t word = internal::LoadUnsigned(p + pos, cw_bytes_);
      pos += cw_bytes_;
      if (has_rep && has_def) {
        rep = word >> bits_def_;
        def = word & def_mask;
      } else if (has_rep) {
        rep = word;
      } else {
        def = word;
      }
      if (rep > max_rep_ || def > 0xFFFF) return Corrupt("control word out of range");
    }
    if (has_rep) {
      out->rep.push_back(static_cast<uint16_t>(rep));
      if (rep == max_rep_) {
        ++rows;
      } else if (first) {
        return Corrupt("row range does not start at a row boundary");
      }
    } else {
      ++rows;
    }
    if (has_def) out->def.push_back(static_cast<uint16_t>(def));
    ++out->num_levels;
    first = false;
    const bool visible = !has_rep || def <= max_visible_def_;
    if (!visible) continue;
    if (fixed_) {
      if (value_bytes_ > size - pos) return Corrupt("value runs past the data");
      if (cw_bytes_ > 0) fixed_payload_.Append(p + pos, value_bytes_);
      pos += value_bytes_;
      ++visible_;
    } else {
      if (def == 0) {
        if (static_cast<uint64_t>(length_bytes_) > size - pos) {
          return Corrupt("value length runs past the data");
        }
        const uint64_t len = internal::LoadUnsigned(p + pos, length_bytes_);
        pos += length_bytes_;
        if (len > size - pos) {
          return Corrupt("value of " + std::to_string(len) + " bytes runs past the data");
        }
        var_data_.Append(p + pos, len);
        var_offsets_.push_back(var_data_.size());
        pos += len;
        var_valid_.push_back(true);
      } else {
        var_valid_.push_back(false);
      }
      ++visible_;
    }
  }
  if (rows != expected_rows) {
    return Corrupt("expected " + std::to_string(expected_rows) + " rows, found " +
                   std::to_string(rows));
  }
  return Status::OK();
}

Result<LeafData> FullZipPageDecoder::Finish() {
  if (stage_ != Stage::kDone && !rows_.empty()) return Status::Internal(ctx_ + ": data not read");
  LeafData out;
  out.layers = layers_;
  var_offsets_.assign(1, 0);
  std::vector<Buffer> raw_parts;  // fixed width without control words: the buffers themselves
  for (size_t i = 0; i < rows_.size(); ++i) {
    const uint64_t n = rows_[i].end - rows_[i].start;
    LANCET_RETURN_NOT_OK(Walk(data_[i], n, &out));
    if (fixed_ && cw_bytes_ == 0 && !data_[i].empty()) raw_parts.push_back(data_[i]);
  }
  if (out.num_levels == 0) return out;
  if (visible_ == 0) return out;

  DataBlock values;
  if (fixed_) {
    Buffer payload;
    if (cw_bytes_ > 0) {
      payload = fixed_payload_.Finish();
    } else if (raw_parts.size() == 1) {
      payload = raw_parts[0];
    } else {
      BufferBuilder all;
      for (const Buffer& b : raw_parts) all.Append(b.data(), static_cast<size_t>(b.size()));
      payload = all.Finish();
    }
    LANCET_ASSIGN_OR_RETURN(
        values, DecompressFixedPerValue(layout_.value_compression(), payload, visible_));
    if (values.num_values != visible_) {
      return Corrupt("values decoded to " + std::to_string(values.num_values) +
                     " values, expected " + std::to_string(visible_));
    }
  } else {
    // Decompress the valid items only, then give every null item an empty slot.
    DataBlock raw;
    raw.kind = DataBlock::Kind::kVariableWidth;
    raw.num_values = var_offsets_.size() - 1;
    raw.offset_bits = 64;
    raw.offsets = Buffer::Copy(var_offsets_.data(),
                               static_cast<int64_t>(var_offsets_.size() * sizeof(uint64_t)));
    raw.data = var_data_.Finish();
    LANCET_ASSIGN_OR_RETURN(DataBlock dec,
                            DecompressVariablePerValue(layout_.value_compression(), raw));
    if (dec.num_values != raw.num_values) {
      return Corrupt("values decoded to " + std::to_string(dec.num_values) + " values, expected " +
                     std::to_string(raw.num_values));
    }
    if (dec.num_values == visible_) {
      values = std::move(dec);
    } else {
      Result<DataBlock> expanded = ExpandNulls(dec, var_valid_);
      if (!expanded.ok()) return expanded.status().WithContext(ctx_);
      values = std::move(*expanded);
    }
  }
  out.AppendValues(std::make_shared<DataBlock>(std::move(values)), 0, visible_);
  return out;
}

}  // namespace

Result<std::unique_ptr<LeafPageDecoder>> MakeFullZipPageDecoder(const PageMeta& page,
                                                                const pb::FullZipLayout& layout,
                                                                std::vector<RowRange> rows,
                                                                std::string context) {
  auto d = std::make_unique<FullZipPageDecoder>(page, layout, std::move(rows), std::move(context));
  LANCET_RETURN_NOT_OK(d->Init());
  return std::unique_ptr<LeafPageDecoder>(std::move(d));
}

}  // namespace lancet::encoding
