// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The lancet authors
#include "lancet/encoding/miniblock_decoder.h"

#include <algorithm>
#include <cstring>
#include <limits>
#include <utility>

#include "encodings_v2_1.pb.h"

namespace lancet::encoding {

namespace pb = ::lance::encodings21;

void LeafData::AppendValues(std::shared_ptr<const DataBlock> block, uint64_t offset,
                            uint64_t length) {
  if (length == 0) return;
  // Merge with the previous slice when it continues it.
  if (!values.empty() && values.back().block == block && block != nullptr &&
      values.back().offset + values.back().length == offset) {
    values.back().length += length;
  } else {
    values.push_back(ValueSlice{std::move(block), offset, length});
  }
  num_values += length;
}

void LeafData::AppendNullValues(uint64_t length) {
  if (length == 0) return;
  if (!values.empty() && values.back().block == nullptr) {
    values.back().length += length;
  } else {
    values.push_back(ValueSlice{nullptr, 0, length});
  }
  num_values += length;
}

namespace internal {

Result<std::vector<RepDefLayer>> ConvertLayers(const std::vector<int>& proto_layers) {
  std::vector<RepDefLayer> out;
  out.reserve(proto_layers.size());
  for (int v : proto_layers) {
    LANCET_ASSIGN_OR_RETURN(RepDefLayer l, RepDefLayerFromProto(v));
    out.push_back(l);
  }
  return out;
}

uint64_t LoadUnsigned(const uint8_t* p, int width) {
  switch (width) {
    case 1:
      return p[0];
    case 2: {
      uint16_t v;
      std::memcpy(&v, p, 2);
      return v;
    }
    case 4: {
      uint32_t v;
      std::memcpy(&v, p, 4);
      return v;
    }
    default: {
      uint64_t v;
      std::memcpy(&v, p, 8);
      return v;
    }
  }
}

Result<std::vector<uint16_t>> LevelsFromBlock(const DataBlock& block, uint64_t n,
                                              const std::string& what) {
  if (block.kind == DataBlock::Kind::kConstant) {
    if (block.data.size() < 2) return Status::Corruption(what + ": constant level block is empty");
    uint16_t v;
    std::memcpy(&v, block.data.data(), 2);
    return std::vector<uint16_t>(n, v);
  }
  if (block.kind != DataBlock::Kind::kFixedWidth || block.bits_per_value != 16) {
    return Status::Corruption(what + ": levels did not decode to 16-bit values");
  }
  if (block.num_values != n || static_cast<uint64_t>(block.data.size()) < n * 2) {
    return Status::Corruption(what + ": expected " + std::to_string(n) + " levels, got " +
                              std::to_string(block.num_values));
  }
  std::vector<uint16_t> out(n);
  if (n > 0) std::memcpy(out.data(), block.data.data(), n * 2);
  return out;
}

}  // namespace internal

Status RunLeafPageDecoders(const std::vector<LeafPageDecoder*>& decoders, RangeReader* io) {
  std::vector<bool> done(decoders.size(), false);
  while (true) {
    std::vector<ByteRange> all;
    std::vector<size_t> counts(decoders.size(), 0);
    for (size_t i = 0; i < decoders.size(); ++i) {
      if (done[i]) continue;
      LANCET_ASSIGN_OR_RETURN(std::vector<ByteRange> ranges, decoders[i]->NextReads());
      if (ranges.empty()) {
        done[i] = true;
        continue;
      }
      counts[i] = ranges.size();
      all.insert(all.end(), ranges.begin(), ranges.end());
    }
    if (all.empty()) return Status::OK();
    LANCET_ASSIGN_OR_RETURN(std::vector<Buffer> buffers, ReadRangesChecked(io, all));
    size_t pos = 0;
    for (size_t i = 0; i < decoders.size(); ++i) {
      if (counts[i] == 0) continue;
      std::vector<Buffer> mine(std::make_move_iterator(buffers.begin() + pos),
                               std::make_move_iterator(buffers.begin() + pos + counts[i]));
      pos += counts[i];
      LANCET_RETURN_NOT_OK(decoders[i]->OnReads(std::move(mine)));
    }
  }
}

Result<LeafData> DecodeLeafPage(const PageMeta& page, const std::vector<RowRange>& rows,
                                RangeReader* io) {
  LANCET_ASSIGN_OR_RETURN(std::unique_ptr<LeafPageDecoder> decoder,
                          MakeLeafPageDecoder(page, rows, "page"));
  LANCET_RETURN_NOT_OK(RunLeafPageDecoders({decoder.get()}, io));
  return decoder->Finish();
}

namespace {

constexpr uint64_t kMiniBlockAlignment = 8;
constexpr uint64_t kMaxChunkBuffers = 64;

uint64_t Align8(uint64_t v) { return (v + kMiniBlockAlignment - 1) & ~(kMiniBlockAlignment - 1); }

// Checks that a variable-width block's offsets are readable, monotone and within its data.
Status CheckVariableBlock(const DataBlock& b, const std::string& what) {
  if (b.offset_bits != 32 && b.offset_bits != 64) {
    return Status::Corruption(what + ": offsets of " + std::to_string(b.offset_bits) + " bits");
  }
  const int w = static_cast<int>(b.offset_bits / 8);
  if (static_cast<uint64_t>(b.offsets.size()) < (b.num_values + 1) * w) {
    return Status::Corruption(what + ": offsets buffer too small");
  }
  uint64_t prev = internal::LoadUnsigned(b.offsets.data(), w);
  for (uint64_t i = 1; i <= b.num_values; ++i) {
    const uint64_t cur = internal::LoadUnsigned(b.offsets.data() + i * w, w);
    if (cur < prev) return Status::Corruption(what + ": offsets decrease");
    prev = cur;
  }
  if (prev > static_cast<uint64_t>(b.data.size())) {
    return Status::Corruption(what + ": offsets exceed the data");
  }
  return Status::OK();
}

// Replace dictionary indices [offset, offset + length) of `indices` by dictionary values.
Result<std::shared_ptr<const DataBlock>> MapDictionary(const DataBlock& dict,
                                                       const DataBlock& indices, uint64_t offset,
                                                       uint64_t length, const std::string& ctx) {
  if (indices.kind != DataBlock::Kind::kFixedWidth ||
      (indices.bits_per_value != 8 && indices.bits_per_value != 16 &&
       indices.bits_per_value != 32 && indices.bits_per_value != 64)) {
    return Status::Corruption(ctx + ": dictionary indices are not 8/16/32/64-bit integers");
  }
  const int iw = static_cast<int>(indices.bits_per_value / 8);
  if (offset + length > indices.num_values ||
      static_cast<uint64_t>(indices.data.size()) < (offset + length) * iw) {
    return Status::Corruption(ctx + ": dictionary indices out of range of their block");
  }
  auto index_at = [&](uint64_t i) -> Result<uint64_t> {
    uint64_t raw = internal::LoadUnsigned(indices.data.data() + (offset + i) * iw, iw);
    // Indices are signed integers of their width; a negative one is malformed.
    if (iw < 8 && (raw >> (iw * 8 - 1)) != 0) {
      return Status::Corruption(ctx + ": negative dictionary index");
    }
    if (iw == 8 && (raw >> 63) != 0) return Status::Corruption(ctx + ": negative dictionary index");
    if (raw >= dict.num_values) {
      return Status::Corruption(ctx + ": dictionary index " + std::to_string(raw) +
                                " out of range (" + std::to_string(dict.num_values) + " items)");
    }
    return raw;
  };
  auto out = std::make_shared<DataBlock>();
  out->num_values = length;
  if (dict.kind == DataBlock::Kind::kFixedWidth && dict.bits_per_value % 8 == 0 &&
      dict.bits_per_value > 0) {
    const uint64_t vb = dict.bits_per_value / 8;
    out->kind = DataBlock::Kind::kFixedWidth;
    out->bits_per_value = dict.bits_per_value;
    BufferBuilder data;
    data.Reserve(length * vb);
    for (uint64_t i = 0; i < length; ++i) {
      LANCET_ASSIGN_OR_RETURN(uint64_t idx, index_at(i));
      data.Append(dict.data.data() + idx * vb, vb);
    }
    out->data = data.Finish();
    return std::shared_ptr<const DataBlock>(std::move(out));
  }
  if (dict.kind == DataBlock::Kind::kVariableWidth) {
    const int w = static_cast<int>(dict.offset_bits / 8);
    out->kind = DataBlock::Kind::kVariableWidth;
    out->offset_bits = 64;
    std::vector<uint64_t> offsets;
    offsets.reserve(length + 1);
    offsets.push_back(0);
    BufferBuilder data;
    for (uint64_t i = 0; i < length; ++i) {
      LANCET_ASSIGN_OR_RETURN(uint64_t idx, index_at(i));
      const uint64_t s = internal::LoadUnsigned(dict.offsets.data() + idx * w, w);
      const uint64_t e = internal::LoadUnsigned(dict.offsets.data() + (idx + 1) * w, w);
      data.Append(dict.data.data() + s, e - s);
      offsets.push_back(data.size());
    }
    out->data = data.Finish();
    out->offsets = Buffer::Copy(offsets.data(), static_cast<int64_t>(offsets.size() * 8));
    return std::shared_ptr<const DataBlock>(std::move(out));
  }
  return Status::NotSupported(ctx + ": unsupported dictionary value block");
}

class MiniBlockPageDecoder final : public LeafPageDecoder {
 public:
  MiniBlockPageDecoder(const PageMeta& page, const pb::MiniBlockLayout& layout,
                       std::vector<RowRange> rows, std::string context)
      : page_(page), layout_(layout), rows_(std::move(rows)), ctx_(std::move(context)) {}

  Status Init();
  Result<std::vector<ByteRange>> NextReads() override;
  Status OnReads(std::vector<Buffer> buffers) override;
  Result<LeafData> Finish() override;

 private:
  struct Chunk {
    uint64_t offset = 0;  // within the chunk buffer
    uint64_t size = 0;
    uint64_t num_values = 0;
    uint64_t first_row = 0;  // first row that starts in this chunk (or after it)
    uint64_t starts = 0;     // rows that start in this chunk
    bool has_trailer = false;
  };
  struct Segment {
    size_t c0 = 0, c1 = 0;  // chunks [c0, c1]
    uint64_t first = 0;     // rep: index of the first row among the row starts from c0 on;
                            // no rep: page row of the first row
    uint64_t count = 0;     // rows
  };
  struct Group {
    size_t c0 = 0, c1 = 0;  // contiguous chunks read as one range
    Buffer data;
  };
  struct DecodedChunk {
    bool decoded = false;
    std::vector<uint16_t> rep, def;
    uint64_t num_levels = 0;
    std::shared_ptr<const DataBlock> values;
  };

  Status Corrupt(const std::string& msg) const {
    return Status::Corruption(ctx_ + " (mini-block): " + msg);
  }
  Result<std::vector<Chunk>> ParseChunkMeta(const Buffer& meta, int width) const;
  Status LoadMetadata(std::vector<Buffer> buffers);
  Result<size_t> FindChunk(uint64_t row) const;
  Status Plan();
  Result<DecodedChunk*> GetChunk(size_t c);
  bool Visible(const DecodedChunk& ch, uint64_t i) const {
    return ch.def.empty() || ch.def[i] <= max_visible_def_;
  }
  Status AppendSlice(const DecodedChunk& ch, uint64_t level_begin, uint64_t level_end,
                     uint64_t value_begin, uint64_t value_end, LeafData* out);

  PageMeta page_;
  pb::MiniBlockLayout layout_;
  std::vector<RowRange> rows_;
  std::string ctx_;

  std::vector<RepDefLayer> layers_;
  bool has_rep_ = false;
  bool has_def_ = false;
  bool has_dict_ = false;
  bool large_chunks_ = false;
  uint16_t max_rep_ = 0;
  uint16_t max_visible_def_ = 0;
  uint64_t num_buffers_ = 0;
  size_t dict_buffer_ = 0;
  size_t rep_index_buffer_ = 0;
  uint32_t rep_index_depth_ = 0;

  int stage_ = 0;
  std::vector<Chunk> chunks_;
  std::shared_ptr<DataBlock> dictionary_;
  std::vector<Segment> segments_;
  std::vector<Group> groups_;
  std::vector<int64_t> chunk_group_;  // per chunk: index into groups_, or -1 when not read
  std::vector<DecodedChunk> decoded_;
};

Status MiniBlockPageDecoder::Init() {
  if (!layout_.has_value_compression()) return Corrupt("no value compression");
  LANCET_ASSIGN_OR_RETURN(layers_, internal::ConvertLayers(std::vector<int>(
                                       layout_.layers().begin(), layout_.layers().end())));
  has_rep_ = layout_.has_rep_compression();
  has_def_ = layout_.has_def_compression();
  if (layers_.empty()) {
    if (has_rep_ || has_def_) return Corrupt("rep/def levels without layers");
    layers_.push_back(RepDefLayer::kAllValidItem);
  }
  max_rep_ = MaxRep(layers_);
  max_visible_def_ = MaxVisibleDef(layers_);
  if (has_rep_ && max_rep_ == 0) return Corrupt("repetition levels without a list layer");
  if (!has_rep_ && max_rep_ > 0) return Corrupt("list layers without repetition levels");
  num_buffers_ = layout_.num_buffers();
  if (num_buffers_ == 0 || num_buffers_ > kMaxChunkBuffers) {
    return Corrupt("invalid num_buffers " + std::to_string(num_buffers_));
  }
  has_dict_ = layout_.has_dictionary();
  rep_index_depth_ = layout_.repetition_index_depth();
  size_t next = 2;
  if (has_dict_) dict_buffer_ = next++;
  if (rep_index_depth_ > 0) rep_index_buffer_ = next++;
  if (page_.buffers.size() < next) {
    return Corrupt("page has " + std::to_string(page_.buffers.size()) + " buffers, expected " +
                   std::to_string(next));
  }
  large_chunks_ = layout_.has_large_chunk();
  for (const RowRange& r : rows_) {
    if (r.start >= r.end || r.end > page_.num_rows) {
      return Status::InvalidArgument(ctx_ + ": row range [" + std::to_string(r.start) + ", " +
                                     std::to_string(r.end) + ") outside the page's " +
                                     std::to_string(page_.num_rows) + " rows");
    }
  }
  return Status::OK();
}

Result<std::vector<ByteRange>> MiniBlockPageDecoder::NextReads() {
  std::vector<ByteRange> out;
  if (stage_ == 0) {
    out.push_back(page_.buffers[0]);
    if (has_dict_) out.push_back(page_.buffers[dict_buffer_]);
    if (rep_index_depth_ > 0) out.push_back(page_.buffers[rep_index_buffer_]);
    for (ByteRange& r : out) r.metadata = true;
    // Zero-length buffers are not read; OnReads() restores them.
    out.erase(
        std::remove_if(out.begin(), out.end(), [](const ByteRange& r) { return r.length == 0; }),
        out.end());
    if (out.empty()) {
      // Nothing to read (an empty page): go straight to planning.
      stage_ = 1;
      LANCET_RETURN_NOT_OK(LoadMetadata({}));
      return NextReads();
    }
    return out;
  }
  if (stage_ == 1) {
    const ByteRange& data = page_.buffers[1];
    for (const Group& g : groups_) {
      const uint64_t begin = chunks_[g.c0].offset;
      const uint64_t end = chunks_[g.c1].offset + chunks_[g.c1].size;
      out.push_back(ByteRange{data.offset + begin, end - begin});
    }
    return out;
  }
  return out;
}

Status MiniBlockPageDecoder::OnReads(std::vector<Buffer> buffers) {
  if (stage_ == 0) {
    stage_ = 1;
    return LoadMetadata(std::move(buffers));
  }
  if (stage_ == 1) {
    if (buffers.size() != groups_.size()) return Corrupt("unexpected number of chunk reads");
    for (size_t i = 0; i < groups_.size(); ++i) groups_[i].data = std::move(buffers[i]);
    stage_ = 2;
    return Status::OK();
  }
  return Status::Internal(ctx_ + ": unexpected reads");
}

Result<std::vector<MiniBlockPageDecoder::Chunk>> MiniBlockPageDecoder::ParseChunkMeta(
    const Buffer& meta, int width) const {
  if (meta.size() % width != 0) {
    return Corrupt("chunk metadata of " + std::to_string(meta.size()) +
                   " bytes is not a multiple of " + std::to_string(width));
  }
  const uint64_t n = static_cast<uint64_t>(meta.size()) / width;
  const uint64_t num_items = layout_.num_items();
  const uint64_t data_size = page_.buffers[1].length;
  std::vector<Chunk> chunks;
  chunks.reserve(n);
  uint64_t values = 0;
  uint64_t offset = 0;
  for (uint64_t i = 0; i < n; ++i) {
    const uint64_t word = internal::LoadUnsigned(meta.data() + i * width, width);
    const uint64_t log = word & 0xF;
    const uint64_t bytes = ((word >> 4) + 1) * kMiniBlockAlignment;
    Chunk c;
    c.offset = offset;
    c.size = bytes;
    if (i + 1 < n) {
      c.num_values = uint64_t{1} << log;
    } else {
      if (values > num_items) break;
      c.num_values = num_items - values;
      if (log != 0 && (uint64_t{1} << log) != c.num_values) {
        return Corrupt("last chunk claims " + std::to_string(uint64_t{1} << log) + " values but " +
                       std::to_string(c.num_values) + " remain");
      }
    }
    values += c.num_values;
    offset += bytes;
    if (offset > data_size) {
      return Corrupt("chunks (" + std::to_string(offset) + "+ bytes) exceed the chunk buffer (" +
                     std::to_string(data_size) + " bytes)");
    }
    chunks.push_back(c);
  }
  if (values != num_items) {
    return Corrupt("chunks hold " + std::to_string(values) + " values, layout says " +
                   std::to_string(num_items));
  }
  return chunks;
}

Status MiniBlockPageDecoder::LoadMetadata(std::vector<Buffer> buffers) {
  // Restore the zero-length buffers NextReads() skipped.
  std::vector<size_t> wanted = {0};
  if (has_dict_) wanted.push_back(dict_buffer_);
  if (rep_index_depth_ > 0) wanted.push_back(rep_index_buffer_);
  std::vector<Buffer> by_index(page_.buffers.size());
  size_t k = 0;
  for (size_t idx : wanted) {
    if (page_.buffers[idx].length == 0) continue;
    if (k >= buffers.size()) return Corrupt("missing metadata reads");
    by_index[idx] = std::move(buffers[k++]);
  }

  // Chunk metadata: u32 words with has_large_chunk (2.2), u16 words otherwise. If the flag and
  // the bytes disagree (the other width accounts for the chunk buffer exactly), trust the bytes.
  const Buffer& meta = by_index[0];
  const int preferred = large_chunks_ ? 4 : 2;
  const int other = large_chunks_ ? 2 : 4;
  auto total = [](const std::vector<Chunk>& cs) {
    return cs.empty() ? uint64_t{0} : cs.back().offset + cs.back().size;
  };
  Result<std::vector<Chunk>> parsed = ParseChunkMeta(meta, preferred);
  if (!parsed.ok() || total(*parsed) != page_.buffers[1].length) {
    Result<std::vector<Chunk>> alt = ParseChunkMeta(meta, other);
    if (alt.ok() && total(*alt) == page_.buffers[1].length && !alt->empty()) {
      parsed = std::move(alt);
      large_chunks_ = !large_chunks_;
    }
  }
  if (!parsed.ok()) return parsed.status();
  chunks_ = std::move(*parsed);
  decoded_.assign(chunks_.size(), DecodedChunk{});

  // Rows per chunk.
  if (has_rep_ && rep_index_depth_ > 0) {
    const Buffer& ri = by_index[rep_index_buffer_];
    const uint64_t stride = uint64_t{rep_index_depth_} + 1;
    if (static_cast<uint64_t>(ri.size()) != chunks_.size() * stride * 8) {
      return Corrupt("repetition index has " + std::to_string(ri.size()) + " bytes, expected " +
                     std::to_string(chunks_.size() * stride * 8));
    }
    bool prev_trailer = false;
    uint64_t first_row = 0;
    for (size_t c = 0; c < chunks_.size(); ++c) {
      const uint64_t ends = internal::LoadUnsigned(ri.data() + c * stride * 8, 8);
      const uint64_t partial = internal::LoadUnsigned(ri.data() + (c * stride + 1) * 8, 8);
      const bool trailer = partial > 0;
      if (ends > page_.num_rows || ends + (trailer ? 1 : 0) < (prev_trailer ? 1 : 0)) {
        return Corrupt("invalid repetition index entry for chunk " + std::to_string(c));
      }
      chunks_[c].first_row = first_row;
      chunks_[c].starts = ends + (trailer ? 1 : 0) - (prev_trailer ? 1 : 0);
      chunks_[c].has_trailer = trailer;
      first_row += chunks_[c].starts;
      prev_trailer = trailer;
    }
    if (prev_trailer) return Corrupt("last chunk ends inside a row");
    if (first_row != page_.num_rows) {
      return Corrupt("repetition index counts " + std::to_string(first_row) + " rows, page has " +
                     std::to_string(page_.num_rows));
    }
  } else if (!has_rep_) {
    uint64_t first_row = 0;
    for (Chunk& c : chunks_) {
      c.first_row = first_row;
      c.starts = c.num_values;
      first_row += c.num_values;
    }
    if (first_row != page_.num_rows) {
      return Corrupt("chunks hold " + std::to_string(first_row) + " rows, page has " +
                     std::to_string(page_.num_rows));
    }
  }

  // Dictionary.
  if (has_dict_) {
    const uint64_t n = layout_.num_dictionary_items();
    LANCET_ASSIGN_OR_RETURN(DataBlock dict,
                            DecompressBlock(layout_.dictionary(), by_index[dict_buffer_], n));
    if (dict.num_values != n) {
      return Corrupt("dictionary decoded to " + std::to_string(dict.num_values) +
                     " items, layout says " + std::to_string(n));
    }
    if (dict.kind == DataBlock::Kind::kVariableWidth) {
      LANCET_RETURN_NOT_OK(CheckVariableBlock(dict, ctx_ + " dictionary"));
    } else if (dict.kind == DataBlock::Kind::kFixedWidth) {
      if (dict.bits_per_value == 0 || dict.bits_per_value % 8 != 0 ||
          static_cast<uint64_t>(dict.data.size()) < n * (dict.bits_per_value / 8)) {
        return Corrupt("malformed fixed-width dictionary");
      }
    } else {
      return Status::NotSupported(ctx_ + ": unsupported dictionary block kind");
    }
    dictionary_ = std::make_shared<DataBlock>(std::move(dict));
  }
  return Plan();
}

Result<size_t> MiniBlockPageDecoder::FindChunk(uint64_t row) const {
  // Last chunk whose first row is <= row; that chunk starts `row`.
  auto it = std::upper_bound(chunks_.begin(), chunks_.end(), row,
                             [](uint64_t r, const Chunk& c) { return r < c.first_row; });
  if (it == chunks_.begin()) return Corrupt("no chunk holds row " + std::to_string(row));
  const size_t c = static_cast<size_t>(it - chunks_.begin()) - 1;
  if (chunks_[c].starts == 0 || row >= chunks_[c].first_row + chunks_[c].starts) {
    return Corrupt("no chunk starts row " + std::to_string(row));
  }
  return c;
}

Status MiniBlockPageDecoder::Plan() {
  if (chunks_.empty()) {
    if (!rows_.empty()) return Corrupt("page has no chunks");
    return Status::OK();
  }
  const size_t n = chunks_.size();
  for (const RowRange& r : rows_) {
    Segment s;
    s.count = r.end - r.start;
    if (has_rep_ && rep_index_depth_ == 0) {
      // No repetition index (not written by Lance): scan every chunk.
      s.c0 = 0;
      s.c1 = n - 1;
      s.first = r.start;
    } else if (has_rep_) {
      LANCET_ASSIGN_OR_RETURN(s.c0, FindChunk(r.start));
      LANCET_ASSIGN_OR_RETURN(size_t c1, FindChunk(r.end - 1));
      // The last row continues into following chunks while it is the chunk's trailing row.
      while (chunks_[c1].has_trailer &&
             (chunks_[c1].starts == 0 ||
              chunks_[c1].first_row + chunks_[c1].starts - 1 == r.end - 1)) {
        if (c1 + 1 >= n) return Corrupt("row " + std::to_string(r.end - 1) + " runs off the page");
        ++c1;
      }
      s.c1 = c1;
      s.first = r.start - chunks_[s.c0].first_row;
    } else {
      LANCET_ASSIGN_OR_RETURN(s.c0, FindChunk(r.start));
      LANCET_ASSIGN_OR_RETURN(s.c1, FindChunk(r.end - 1));
      s.first = r.start;
    }
    segments_.push_back(s);
  }
  std::vector<bool> needed(n, false);
  chunk_group_.assign(n, -1);
  for (const Segment& s : segments_) {
    for (size_t c = s.c0; c <= s.c1; ++c) needed[c] = true;
  }
  for (size_t c = 0; c < n; ++c) {
    if (!needed[c]) continue;
    if (!groups_.empty() && groups_.back().c1 + 1 == c) {
      groups_.back().c1 = c;
      chunk_group_[c] = static_cast<int64_t>(groups_.size()) - 1;
    } else {
      groups_.push_back(Group{c, c, Buffer()});
      chunk_group_[c] = static_cast<int64_t>(groups_.size()) - 1;
    }
  }
  return Status::OK();
}

Result<MiniBlockPageDecoder::DecodedChunk*> MiniBlockPageDecoder::GetChunk(size_t c) {
  DecodedChunk& out = decoded_[c];
  if (out.decoded) return &out;
  const Chunk& chunk = chunks_[c];
  const Group* group =
      chunk_group_[c] >= 0 ? &groups_[static_cast<size_t>(chunk_group_[c])] : nullptr;
  if (group == nullptr)
    return Status::Internal(ctx_ + ": chunk " + std::to_string(c) + " not read");
  const uint64_t rel = chunk.offset - chunks_[group->c0].offset;
  if (rel + chunk.size > static_cast<uint64_t>(group->data.size())) {
    return Corrupt("chunk " + std::to_string(c) + " outside its read");
  }
  const Buffer buf = group->data.Slice(static_cast<int64_t>(rel), static_cast<int64_t>(chunk.size));
  const uint8_t* p = buf.data();
  const uint64_t size = chunk.size;
  const std::string where = "chunk " + std::to_string(c);

  uint64_t pos = 0;
  auto read_word = [&](int width, uint64_t* v) -> Status {
    if (pos + width > size) return Corrupt(where + ": header runs past the chunk");
    *v = internal::LoadUnsigned(p + pos, width);
    pos += width;
    return Status::OK();
  };
  uint64_t num_levels = 0, rep_size = 0, def_size = 0;
  LANCET_RETURN_NOT_OK(read_word(2, &num_levels));
  if (has_rep_) LANCET_RETURN_NOT_OK(read_word(2, &rep_size));
  if (has_def_) LANCET_RETURN_NOT_OK(read_word(2, &def_size));
  std::vector<uint64_t> sizes(num_buffers_);
  for (uint64_t& s : sizes) LANCET_RETURN_NOT_OK(read_word(large_chunks_ ? 4 : 2, &s));
  pos = Align8(pos);
  auto take = [&](uint64_t len, Buffer* out_buf) -> Status {
    if (pos > size || len > size - pos) {
      return Corrupt(where + ": buffer of " + std::to_string(len) + " bytes runs past the chunk");
    }
    *out_buf = buf.Slice(static_cast<int64_t>(pos), static_cast<int64_t>(len));
    pos = Align8(pos + len);
    return Status::OK();
  };
  Buffer rep_buf, def_buf;
  if (has_rep_) LANCET_RETURN_NOT_OK(take(rep_size, &rep_buf));
  if (has_def_) LANCET_RETURN_NOT_OK(take(def_size, &def_buf));
  std::vector<Buffer> value_bufs(num_buffers_);
  for (uint64_t i = 0; i < num_buffers_; ++i) LANCET_RETURN_NOT_OK(take(sizes[i], &value_bufs[i]));

  if (!has_rep_ && !has_def_) {
    num_levels = chunk.num_values;
  } else if (!has_rep_ && num_levels != chunk.num_values) {
    return Corrupt(where + ": " + std::to_string(num_levels) + " levels for " +
                   std::to_string(chunk.num_values) + " values");
  }
  if (has_rep_) {
    LANCET_ASSIGN_OR_RETURN(DataBlock block,
                            DecompressBlock(layout_.rep_compression(), rep_buf, num_levels));
    LANCET_ASSIGN_OR_RETURN(
        out.rep, internal::LevelsFromBlock(block, num_levels, ctx_ + " " + where + " rep"));
  }
  if (has_def_) {
    LANCET_ASSIGN_OR_RETURN(DataBlock block,
                            DecompressBlock(layout_.def_compression(), def_buf, num_levels));
    LANCET_ASSIGN_OR_RETURN(
        out.def, internal::LevelsFromBlock(block, num_levels, ctx_ + " " + where + " def"));
  }
  uint64_t visible = num_levels;
  if (has_def_) {
    visible = 0;
    for (uint16_t d : out.def) visible += d <= max_visible_def_ ? 1 : 0;
  }
  if (visible != chunk.num_values) {
    return Corrupt(where + ": levels describe " + std::to_string(visible) + " values, chunk has " +
                   std::to_string(chunk.num_values));
  }
  LANCET_ASSIGN_OR_RETURN(
      DataBlock values, DecompressMiniBlockChunk(layout_.value_compression(), std::move(value_bufs),
                                                 chunk.num_values));
  if (values.num_values != chunk.num_values) {
    return Corrupt(where + ": values decoded to " + std::to_string(values.num_values) +
                   " values, expected " + std::to_string(chunk.num_values));
  }
  out.values = std::make_shared<DataBlock>(std::move(values));
  out.num_levels = num_levels;
  out.decoded = true;
  return &out;
}

Status MiniBlockPageDecoder::AppendSlice(const DecodedChunk& ch, uint64_t level_begin,
                                         uint64_t level_end, uint64_t value_begin,
                                         uint64_t value_end, LeafData* out) {
  if (has_rep_)
    out->rep.insert(out->rep.end(), ch.rep.begin() + level_begin, ch.rep.begin() + level_end);
  if (has_def_)
    out->def.insert(out->def.end(), ch.def.begin() + level_begin, ch.def.begin() + level_end);
  out->num_levels += level_end - level_begin;
  const uint64_t n = value_end - value_begin;
  if (n == 0) return Status::OK();
  if (dictionary_) {
    LANCET_ASSIGN_OR_RETURN(std::shared_ptr<const DataBlock> mapped,
                            MapDictionary(*dictionary_, *ch.values, value_begin, n, ctx_));
    out->AppendValues(std::move(mapped), 0, n);
  } else {
    out->AppendValues(ch.values, value_begin, n);
  }
  return Status::OK();
}

Result<LeafData> MiniBlockPageDecoder::Finish() {
  if (stage_ != 2 && !segments_.empty()) return Status::Internal(ctx_ + ": chunks not read");
  LeafData out;
  out.layers = layers_;
  for (const Segment& s : segments_) {
    if (!has_rep_) {
      for (size_t c = s.c0; c <= s.c1; ++c) {
        LANCET_ASSIGN_OR_RETURN(DecodedChunk * ch, GetChunk(c));
        const uint64_t first = chunks_[c].first_row;
        const uint64_t lo = std::max(s.first, first) - first;
        const uint64_t hi = std::min(s.first + s.count, first + chunks_[c].num_values) - first;
        if (lo < hi) LANCET_RETURN_NOT_OK(AppendSlice(*ch, lo, hi, lo, hi, &out));
      }
      continue;
    }
    const uint64_t begin_row = s.first;
    const uint64_t end_row = s.first + s.count;
    uint64_t starts_seen = 0;
    bool capturing = false;
    bool done = false;
    for (size_t c = s.c0; c <= s.c1 && !done; ++c) {
      LANCET_ASSIGN_OR_RETURN(DecodedChunk * ch, GetChunk(c));
      uint64_t level_begin = capturing ? 0 : std::numeric_limits<uint64_t>::max();
      uint64_t level_end = ch->num_levels;
      uint64_t vis = 0;
      uint64_t vis_begin = 0;
      for (uint64_t i = 0; i < ch->num_levels; ++i) {
        if (ch->rep[i] == max_rep_) {
          if (starts_seen == end_row) {
            level_end = i;
            done = true;
            break;
          }
          if (starts_seen == begin_row) {
            capturing = true;
            level_begin = i;
            vis_begin = vis;
          }
          ++starts_seen;
        }
        if (Visible(*ch, i)) ++vis;
      }
      if (capturing && level_begin != std::numeric_limits<uint64_t>::max()) {
        LANCET_RETURN_NOT_OK(AppendSlice(*ch, level_begin, level_end, vis_begin, vis, &out));
      }
    }
    if (!capturing || (!done && starts_seen != end_row)) {
      return Corrupt("rows [" + std::to_string(begin_row) + ", " + std::to_string(end_row) +
                     ") not found in chunks " + std::to_string(s.c0) + ".." + std::to_string(s.c1));
    }
  }
  return out;
}

}  // namespace

Result<std::unique_ptr<LeafPageDecoder>> MakeMiniBlockPageDecoder(const PageMeta& page,
                                                                  const pb::MiniBlockLayout& layout,
                                                                  std::vector<RowRange> rows,
                                                                  std::string context) {
  auto d =
      std::make_unique<MiniBlockPageDecoder>(page, layout, std::move(rows), std::move(context));
  LANCET_RETURN_NOT_OK(d->Init());
  return std::unique_ptr<LeafPageDecoder>(std::move(d));
}

}  // namespace lancet::encoding
