// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The lancet authors
//
// The 2.1 / 2.2 page encoder: shreds a field into leaf columns (repdef_shred.h) and writes each
// page as a MiniBlockLayout, FullZipLayout or AllNullLayout. See encoder_v21_internal.h for the
// byte layouts.
#include <algorithm>
#include <cctype>
#include <cstring>
#include <limits>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <utility>
#include <vector>

#include "encodings_v2_1.pb.h"
#include "lancet/encoding/encoder_v21_internal.h"
#include "lancet/encoding/fastlanes.h"
#include "lancet/encoding/field_codec.h"
#include "lancet/encoding/fsst.h"
#include "lancet/encoding/general_compression.h"
#include "lancet/encoding/repdef_shred.h"
#include "lancet/encoding/rle.h"

namespace lancet::encoding {

namespace pb = ::lance::encodings21;

namespace internal {

namespace {

constexpr uint8_t kMiniBlockFill = 0xFE;
constexpr uint8_t kVariablePad = 0x48;
constexpr uint64_t kMaxMiniBlockValues = 4096;
constexpr uint64_t kMaxMiniBlockBytes = 8 * 1024 - 6;  // Lance's aim for fixed-width chunks
constexpr int64_t kAimVariableChunkBytes = 4 * 1024;
constexpr uint64_t kMaxNarrowValueBytes = 256;
constexpr uint64_t kFsstMinMaxLength = 5;          // FSST_LEAST_INPUT_MAX_LENGTH
constexpr uint64_t kFsstMinPageBytes = 32 * 1024;  // FSST_LEAST_INPUT_SIZE
constexpr uint64_t kPerValueGeneralMinBytes = 32 * 1024;
constexpr double kRleThreshold = 0.5;  // runs < 0.5 * values
constexpr uint64_t kDictMinValues = 100;
constexpr double kDictSizeRatio = 0.8;
constexpr char kStructuralEncodingKey[] = "lance-encoding:structural-encoding";

uint64_t Pad8(uint64_t n) { return (n + 7) & ~uint64_t{7}; }

bool GetBit(const uint8_t* bits, uint64_t i) { return (bits[i >> 3] >> (i & 7)) & 1; }
void SetBit(uint8_t* bits, uint64_t i) { bits[i >> 3] |= static_cast<uint8_t>(1u << (i & 7)); }

// Copy `n` bits from src (starting at bit `so`) into dst (starting at bit `dof`, which must be
// zero-initialized).
void CopyBits(const uint8_t* src, uint64_t so, uint8_t* dst, uint64_t dof, uint64_t n) {
  if ((so & 7) == 0 && (dof & 7) == 0) {
    std::memcpy(dst + (dof >> 3), src + (so >> 3), n >> 3);
    for (uint64_t i = n & ~uint64_t{7}; i < n; ++i) {
      if (GetBit(src, so + i)) SetBit(dst, dof + i);
    }
    return;
  }
  for (uint64_t i = 0; i < n; ++i) {
    if (GetBit(src, so + i)) SetBit(dst, dof + i);
  }
}

pb::CompressiveEncoding FlatEncoding(uint64_t bits) {
  pb::CompressiveEncoding e;
  e.mutable_flat()->set_bits_per_value(bits);
  return e;
}

pb::CompressiveEncoding ValueEncoding(const PageValues& v) {
  if (!v.packed_bits.empty()) {
    pb::CompressiveEncoding e;
    for (uint32_t b : v.packed_bits) e.mutable_packed_struct()->add_bits_per_value(b);
    *e.mutable_packed_struct()->mutable_values() = FlatEncoding(v.block.bits_per_value);
    return e;
  }
  if (v.block.kind == DataBlock::Kind::kVariableWidth) {
    pb::CompressiveEncoding e;
    *e.mutable_variable()->mutable_offsets() = FlatEncoding(v.block.offset_bits);
    return e;
  }
  if (v.fsl_dims.empty()) return FlatEncoding(v.block.bits_per_value);
  pb::CompressiveEncoding e = FlatEncoding(v.item_bits);
  for (size_t i = v.fsl_dims.size(); i-- > 0;) {
    pb::CompressiveEncoding outer;
    pb::FixedSizeList* fsl = outer.mutable_fixed_size_list();
    fsl->set_items_per_value(v.fsl_dims[i]);
    *fsl->mutable_values() = std::move(e);
    if (i + 1 == v.fsl_dims.size() && v.fsl_has_validity) fsl->set_has_validity(true);
    e = std::move(outer);
  }
  return e;
}

template <typename M>
void AddLayers(const ShreddedLeaf& page, M* msg) {
  for (RepDefLayer l : page.layers) msg->add_layers(static_cast<pb::RepDefLayer>(l));
}

EncodedPage MakePage(const ShreddedLeaf& page, const pb::PageLayout& layout,
                     std::vector<Buffer> buffers) {
  EncodedPage out;
  out.buffers = std::move(buffers);
  out.num_rows = page.num_rows;
  out.encoding_type_url = kPageLayoutTypeUrl;
  out.encoding = layout.SerializeAsString();
  return out;
}

Buffer LevelsBuffer(const std::vector<uint16_t>& levels, uint64_t begin, uint64_t end) {
  return Buffer::Copy(levels.data() + begin, static_cast<int64_t>((end - begin) * 2));
}

// ---- Mini-block chunk planning.

struct ChunkPlan {
  uint64_t v0 = 0;  // first value
  uint64_t nv = 0;  // number of values
  bool last = false;
  uint8_t log = 0;  // stored log2 (0 for a partial last chunk)
};

int Log2Exact(uint64_t n) {
  int k = 0;
  while ((uint64_t{1} << k) < n) ++k;
  return k;
}

bool IsPow2(uint64_t n) { return n != 0 && (n & (n - 1)) == 0; }

// Lance's ValueEncoder: the largest power-of-two chunk of about 4 KiB.
void FixedChunkSize(uint64_t bytes_per_word, uint64_t values_per_word, uint64_t* log_vals,
                    uint64_t* vals) {
  uint64_t size = 2 * bytes_per_word;
  uint64_t lg = values_per_word == 1 ? 1 : 3;
  uint64_t num = values_per_word == 1 ? 2 : 8;
  if (size >= kMaxMiniBlockBytes) {
    *log_vals = 0;
    *vals = 1;
    return;
  }
  while (2 * size < kMaxMiniBlockBytes && 2 * num <= kMaxMiniBlockValues) {
    lg++;
    size *= 2;
    num *= 2;
  }
  *log_vals = lg;
  *vals = num;
}

std::vector<ChunkPlan> PlanFixedChunks(const PageValues& v) {
  const uint64_t n = v.block.num_values;
  uint64_t row_bits = v.block.bits_per_value;
  uint64_t bpw, vpw;
  if (row_bits % 8 == 0) {
    bpw = row_bits / 8;
    vpw = 1;
  } else {
    bpw = row_bits;
    vpw = 8;
  }
  if (v.fsl_has_validity) {
    uint64_t dim = 1;
    for (uint32_t d : v.fsl_dims) dim *= d;
    bpw += ((dim + 7) / 8) * vpw;
  }
  uint64_t lg, per;
  FixedChunkSize(bpw, vpw, &lg, &per);
  std::vector<ChunkPlan> plan;
  uint64_t off = 0;
  while (off + per <= n) {
    plan.push_back(ChunkPlan{off, per, false, static_cast<uint8_t>(lg)});
    off += per;
  }
  if (off < n) plan.push_back(ChunkPlan{off, n - off, true, 0});
  if (!plan.empty()) plan.back().last = true;
  return plan;
}

// Lance's BinaryMiniBlockEncoder: doubling search for chunks of at most 4 KiB of offsets + data.
std::vector<ChunkPlan> PlanVariableChunks(const PageValues& v) {
  const uint64_t n = v.block.num_values;
  const uint64_t w = v.block.offset_bits / 8;
  std::vector<ChunkPlan> plan;
  uint64_t pos = 0;
  while (pos < n) {
    uint64_t num = 1, next = 2;
    bool to_end = false;
    for (;;) {
      if (pos + next >= n + 1) {
        const uint64_t rem = n - pos;
        const uint64_t all = v.block.OffsetAt(n) - v.block.OffsetAt(pos) + (rem + 1) * w;
        if (static_cast<int64_t>(all) <= kAimVariableChunkBytes) {
          num = rem;
          to_end = true;
        }
        break;
      }
      const uint64_t sz = v.block.OffsetAt(pos + next) - v.block.OffsetAt(pos) + (next + 1) * w;
      if (static_cast<int64_t>(sz) <= kAimVariableChunkBytes) {
        if (next * 2 > kMaxMiniBlockValues) break;
        num = next;
        next *= 2;
      } else {
        break;
      }
    }
    if (pos + num == n) to_end = true;
    plan.push_back(ChunkPlan{pos, num, to_end, static_cast<uint8_t>(to_end ? 0 : Log2Exact(num))});
    pos += num;
  }
  return plan;
}

// Materialize the value buffers of a chunk.
std::vector<Buffer> ChunkBuffers(const PageValues& v, uint64_t v0, uint64_t nv) {
  std::vector<Buffer> out;
  if (v.block.kind == DataBlock::Kind::kVariableWidth) {
    const uint64_t w = v.block.offset_bits / 8;
    const uint64_t base = v.block.OffsetAt(v0);
    const uint64_t data_start = (nv + 1) * w;
    BufferBuilder b;
    b.Reserve(data_start + v.block.OffsetAt(v0 + nv) - base + w);
    for (uint64_t i = 0; i <= nv; ++i) {
      const uint64_t o = v.block.OffsetAt(v0 + i) - base + data_start;
      if (w == 4) {
        b.AppendValue(static_cast<uint32_t>(o));
      } else {
        b.AppendValue(static_cast<uint64_t>(o));
      }
    }
    b.Append(v.block.data.data() + base, v.block.OffsetAt(v0 + nv) - base);
    b.PadTo(w, kVariablePad);
    out.push_back(b.Finish());
    return out;
  }
  auto slice_bits = [](const Buffer& src, uint64_t bit0, uint64_t nbits) {
    if (bit0 % 8 == 0) {
      const uint64_t nbytes = (nbits + 7) / 8;
      if (nbits % 8 == 0) return src.Slice(static_cast<int64_t>(bit0 / 8), nbytes);
      std::vector<uint8_t> bytes(nbytes, 0);
      CopyBits(src.data(), bit0, bytes.data(), 0, nbits);
      return Buffer::FromVector(std::move(bytes));
    }
    std::vector<uint8_t> bytes((nbits + 7) / 8, 0);
    CopyBits(src.data(), bit0, bytes.data(), 0, nbits);
    return Buffer::FromVector(std::move(bytes));
  };
  if (v.fsl_has_validity) {
    uint64_t dim = 1;
    for (uint32_t d : v.fsl_dims) dim *= d;
    out.push_back(slice_bits(v.block.fsl_validity, v0 * dim, nv * dim));
  }
  out.push_back(slice_bits(v.block.data, v0 * v.block.bits_per_value, nv * v.block.bits_per_value));
  return out;
}

// Repetition index of mini-block chunks: per chunk [rows finished, leftover levels].
void AppendRepIndex(const uint16_t* rep, uint64_t n, uint16_t max_rep, bool first, bool last,
                    std::vector<uint64_t>* index) {
  uint64_t rows = 0;
  for (uint64_t i = 1; i < n; ++i) rows += rep[i] == max_rep;
  uint64_t leftovers = 0;
  if (!last) {
    leftovers = n;
    for (uint64_t i = n; i-- > 0;) {
      if (rep[i] == max_rep) {
        leftovers = n - i;
        break;
      }
    }
  }
  if (!first && n > 0 && rep[0] == max_rep) {
    const size_t sz = index->size();
    if ((*index)[sz - 1] != 0) {
      (*index)[sz - 2] += 1;
      (*index)[sz - 1] = 0;
    }
  }
  if (last) rows += 1;
  index->push_back(rows);
  index->push_back(leftovers);
}

uint64_t ByteWidthFor(uint64_t max_value) {
  if (max_value <= 0xFF) return 1;
  if (max_value <= 0xFFFF) return 2;
  if (max_value <= 0xFFFFFFFFull) return 4;
  return 8;
}

void AppendWidth(BufferBuilder* b, uint64_t v, uint64_t width) {
  switch (width) {
    case 1:
      b->AppendValue(static_cast<uint8_t>(v));
      break;
    case 2:
      b->AppendValue(static_cast<uint16_t>(v));
      break;
    case 4:
      b->AppendValue(static_cast<uint32_t>(v));
      break;
    default:
      b->AppendValue(static_cast<uint64_t>(v));
      break;
  }
}

}  // namespace

int BitsNeeded(uint32_t v) {
  int bits = 0;
  while (v) {
    bits++;
    v >>= 1;
  }
  return bits;
}

// ---------------------------------------------------------------------------------------------
// Values

Result<PageValues> BuildPageValues(const ShreddedLeaf& page, const DataType& type) {
  PageValues pv;
  const uint64_t n = page.num_values;
  pv.block.num_values = n;
  auto valid = [&](uint64_t slot) { return page.value_valid.empty() || page.value_valid[slot]; };

  if (type.id() == TypeId::kStruct && !type.children().empty()) {
    // A packed struct: the fields of a row side by side (fixed-width fields only).
    uint64_t row_bytes = 0;
    std::vector<uint64_t> widths;
    for (const Field& c : type.children()) {
      const int bits = c.type->bit_width();
      if (!c.type->is_fixed_width_primitive() || bits % 8 != 0) {
        return Status::NotSupported("packed struct field '" + c.name + "' of type " +
                                    c.type->ToString());
      }
      pv.packed_bits.push_back(static_cast<uint32_t>(bits));
      widths.push_back(static_cast<uint64_t>(bits / 8));
      row_bytes += static_cast<uint64_t>(bits / 8);
    }
    pv.block.kind = DataBlock::Kind::kFixedWidth;
    pv.block.bits_per_value = row_bytes * 8;
    pv.max_value_bytes = row_bytes;
    std::vector<uint8_t> data(n * row_bytes, 0);
    uint64_t slot = 0;
    for (const ValueRun& run : page.values) {
      const ArrayData& a = *run.array;
      if (a.children.size() != widths.size()) {
        return Status::InvalidArgument("packed struct array does not match its type");
      }
      for (size_t c = 0; c < widths.size(); ++c) {
        const ArrayData& child = *a.children[c];
        if (child.values.size() < static_cast<int64_t>((run.start + run.length) * widths[c])) {
          return Status::InvalidArgument("packed struct field values too short");
        }
      }
      for (int64_t j = 0; j < run.length; ++j, ++slot) {
        if (!valid(slot)) continue;
        uint64_t pos = slot * row_bytes;
        for (size_t c = 0; c < widths.size(); ++c) {
          const ArrayData& child = *a.children[c];
          if (child.IsNull(run.start + j)) {
            return Status::NotSupported("nulls inside a packed struct's fields");
          }
          std::memcpy(data.data() + pos, child.values.data() + (run.start + j) * widths[c],
                      widths[c]);
          pos += widths[c];
        }
      }
    }
    pv.block.data = Buffer::FromVector(std::move(data));
    return pv;
  }
  if (type.id() == TypeId::kNull || type.id() == TypeId::kStruct) {
    pv.no_values = true;
    pv.block.kind = DataBlock::Kind::kFixedWidth;
    return pv;
  }

  if (type.is_binary_like()) {
    const bool large = type.id() == TypeId::kLargeString || type.id() == TypeId::kLargeBinary;
    uint64_t total = 0, max_len = 0;
    uint64_t slot = 0;
    for (const ValueRun& run : page.values) {
      const ArrayData& a = *run.array;
      const int64_t* off = a.offsets64();
      for (int64_t j = 0; j < run.length; ++j, ++slot) {
        if (!valid(slot)) continue;
        const int64_t s = off[run.start + j], e = off[run.start + j + 1];
        if (s < 0 || e < s || e > a.values.size()) {
          return Status::InvalidArgument("binary offsets out of range");
        }
        total += static_cast<uint64_t>(e - s);
        max_len = std::max<uint64_t>(max_len, static_cast<uint64_t>(e - s));
      }
    }
    pv.block.kind = DataBlock::Kind::kVariableWidth;
    pv.block.offset_bits = (large || total > std::numeric_limits<uint32_t>::max()) ? 64 : 32;
    pv.max_value_bytes = max_len;
    BufferBuilder offsets, data;
    offsets.Reserve((n + 1) * (pv.block.offset_bits / 8));
    data.Reserve(total);
    auto put_offset = [&](uint64_t o) {
      if (pv.block.offset_bits == 32) {
        offsets.AppendValue(static_cast<uint32_t>(o));
      } else {
        offsets.AppendValue(o);
      }
    };
    put_offset(0);
    slot = 0;
    for (const ValueRun& run : page.values) {
      const ArrayData& a = *run.array;
      const int64_t* off = a.offsets64();
      for (int64_t j = 0; j < run.length; ++j, ++slot) {
        if (valid(slot)) {
          const int64_t s = off[run.start + j], e = off[run.start + j + 1];
          data.Append(a.values.data() + s, static_cast<size_t>(e - s));
        }
        put_offset(data.size());
      }
    }
    pv.block.offsets = offsets.Finish();
    pv.block.data = data.Finish();
    return pv;
  }

  pv.block.kind = DataBlock::Kind::kFixedWidth;
  if (type.id() == TypeId::kFixedSizeList) {
    const DataType* t = &type;
    while (t->id() == TypeId::kFixedSizeList) {
      if (t->fixed_size() <= 0) return Status::NotSupported("fixed-size list of size 0");
      pv.fsl_dims.push_back(static_cast<uint32_t>(t->fixed_size()));
      t = t->value_type().get();
    }
    if (!t->is_fixed_width_primitive()) {
      return Status::NotSupported("fixed-size list of " + t->ToString() +
                                  " is not supported by the 2.1 writer");
    }
    pv.item_bits = static_cast<uint32_t>(t->bit_width());
    uint64_t dim = 1;
    for (uint32_t d : pv.fsl_dims) dim *= d;
    const uint64_t row_bits = dim * pv.item_bits;
    pv.block.bits_per_value = row_bits;
    pv.max_value_bytes = row_bits / 8;
    std::vector<uint8_t> data((n * row_bits + 7) / 8, 0);
    std::vector<uint8_t> item_valid;
    uint64_t item_nulls = 0;
    uint64_t slot = 0;
    for (const ValueRun& run : page.values) {
      // Descend to the innermost items, checking that inner layers have no nulls.
      const ArrayData* items = run.array.get();
      for (size_t d = 0; d < pv.fsl_dims.size(); ++d) {
        if (items->children.size() != 1 || !items->children[0]) {
          return Status::InvalidArgument("fixed-size list array without items");
        }
        if (d > 0 && items->null_count > 0) {
          return Status::NotSupported("nulls inside nested fixed-size lists");
        }
        items = items->children[0].get();
      }
      if (items->length < (run.start + run.length) * static_cast<int64_t>(dim) ||
          items->values.size() <
              static_cast<int64_t>(((run.start + run.length) * dim * pv.item_bits + 7) / 8)) {
        return Status::InvalidArgument("fixed-size list items too short");
      }
      const bool items_have_validity = !items->validity.empty() && items->null_count != 0;
      if (items_have_validity && pv.fsl_dims.size() > 1) {
        return Status::NotSupported("nulls inside nested fixed-size lists");
      }
      for (int64_t j = 0; j < run.length; ++j, ++slot) {
        const uint64_t row = static_cast<uint64_t>(run.start + j);
        if (valid(slot)) {
          if (row_bits % 8 == 0) {
            std::memcpy(data.data() + slot * row_bits / 8,
                        items->values.data() + row * row_bits / 8, row_bits / 8);
          } else {
            CopyBits(items->values.data(), row * row_bits, data.data(), slot * row_bits, row_bits);
          }
        }
        if (items_have_validity && valid(slot) && item_valid.empty()) {
          // Rows before this one had no item nulls: all valid.
          item_valid.assign((n * dim + 7) / 8, 0);
          for (uint64_t b = 0; b < slot * dim; ++b) SetBit(item_valid.data(), b);
        }
        if (!item_valid.empty()) {
          // Null rows (zeroed values) get all-valid items, as Lance writes them.
          const bool copy = items_have_validity && valid(slot);
          for (uint64_t b = 0; b < dim; ++b) {
            if (!copy || GetBit(items->validity.data(), row * dim + b)) {
              SetBit(item_valid.data(), slot * dim + b);
            } else {
              item_nulls++;
            }
          }
        }
      }
    }
    pv.block.data = Buffer::FromVector(std::move(data));
    if (item_nulls > 0) {
      pv.fsl_has_validity = true;
      pv.block.fsl_validity = Buffer::FromVector(std::move(item_valid));
    }
    return pv;
  }

  const int bits = type.bit_width();
  if (bits <= 0) return Status::NotSupported("type " + type.ToString() + " in a 2.1 file");
  pv.block.bits_per_value = static_cast<uint64_t>(bits);
  pv.max_value_bytes = static_cast<uint64_t>(bits / 8);
  if (bits == 1) {
    std::vector<uint8_t> data((n + 7) / 8, 0);
    uint64_t slot = 0;
    for (const ValueRun& run : page.values) {
      const ArrayData& a = *run.array;
      if (a.values.size() < (run.start + run.length + 7) / 8) {
        return Status::InvalidArgument("boolean values buffer too short");
      }
      for (int64_t j = 0; j < run.length; ++j, ++slot) {
        if (valid(slot) && GetBit(a.values.data(), static_cast<uint64_t>(run.start + j))) {
          SetBit(data.data(), slot);
        }
      }
    }
    pv.block.data = Buffer::FromVector(std::move(data));
    return pv;
  }
  const uint64_t w = static_cast<uint64_t>(bits / 8);
  std::vector<uint8_t> data(n * w);
  uint64_t slot = 0;
  for (const ValueRun& run : page.values) {
    const ArrayData& a = *run.array;
    if (a.values.size() < static_cast<int64_t>((run.start + run.length) * w)) {
      return Status::InvalidArgument("values buffer too short");
    }
    std::memcpy(data.data() + slot * w, a.values.data() + run.start * w, run.length * w);
    slot += static_cast<uint64_t>(run.length);
  }
  if (!page.value_valid.empty()) {
    for (uint64_t i = 0; i < n; ++i) {
      if (!page.value_valid[i]) std::memset(data.data() + i * w, 0, w);
    }
  }
  pv.block.data = Buffer::FromVector(std::move(data));
  return pv;
}

// ---------------------------------------------------------------------------------------------
// AllNullLayout

Result<EncodedPage> EncodeAllNull(const ShreddedLeaf& page, bool simple,
                                  const PageEncodeOptions& options) {
  pb::PageLayout layout;
  pb::AllNullLayout* an = layout.mutable_all_null_layout();
  if (simple) {
    an->add_layers(pb::REPDEF_NULLABLE_ITEM);
    return MakePage(page, layout, {});
  }
  AddLayers(page, an);
  std::vector<Buffer> buffers;
  buffers.push_back(page.has_rep() ? LevelsBuffer(page.rep, 0, page.rep.size()) : Buffer());
  buffers.push_back(page.has_def() ? LevelsBuffer(page.def, 0, page.def.size()) : Buffer());
  if (options.version == FileVersion::kV2_2) {
    // 2.2 describes how the level buffers are compressed; Flat(16) is the raw u16 form.
    // (LanceDB 0.39 writes exactly this for small pages.)
    if (page.has_rep()) *an->mutable_rep_compression() = FlatEncoding(16);
    if (page.has_def()) *an->mutable_def_compression() = FlatEncoding(16);
    an->set_num_rep_values(page.rep.size());
    an->set_num_def_values(page.def.size());
  }
  return MakePage(page, layout, std::move(buffers));
}

namespace {

// Constant pages (2.2, "ConstantLayout" upstream, the AllNullLayout message with inline_value):
// every valid visible value equals `value`; levels, if any, follow as raw u16 [rep, def].
Result<EncodedPage> EncodeConstant(const ShreddedLeaf& page, std::string value) {
  pb::PageLayout layout;
  pb::AllNullLayout* an = layout.mutable_all_null_layout();
  AddLayers(page, an);
  an->set_inline_value(std::move(value));
  std::vector<Buffer> buffers;
  if (page.has_rep() || page.has_def()) {
    buffers.push_back(page.has_rep() ? LevelsBuffer(page.rep, 0, page.rep.size()) : Buffer());
    buffers.push_back(page.has_def() ? LevelsBuffer(page.def, 0, page.def.size()) : Buffer());
  }
  return MakePage(page, layout, std::move(buffers));
}

// The single value all valid slots hold (bools as one byte), if there is one.
std::optional<std::string> ConstantValue(const ShreddedLeaf& page, const PageValues& v) {
  if (v.block.kind != DataBlock::Kind::kFixedWidth || !v.fsl_dims.empty() ||
      !v.packed_bits.empty() || v.no_values || v.block.num_values == 0) {
    return std::nullopt;
  }
  const uint64_t n = v.block.num_values;
  const uint8_t* d = v.block.data.data();
  auto valid = [&](uint64_t i) { return page.value_valid.empty() || page.value_valid[i]; };
  if (v.block.bits_per_value == 1) {
    int first = -1;
    for (uint64_t i = 0; i < n; ++i) {
      if (!valid(i)) continue;
      const int b = GetBit(d, i) ? 1 : 0;
      if (first < 0) first = b;
      if (b != first) return std::nullopt;
    }
    if (first < 0) return std::nullopt;
    return std::string(1, static_cast<char>(first));
  }
  if (v.block.bits_per_value % 8 != 0) return std::nullopt;
  const uint64_t w = v.block.bits_per_value / 8;
  const uint8_t* first = nullptr;
  for (uint64_t i = 0; i < n; ++i) {
    if (!valid(i)) continue;
    if (!first) {
      first = d + i * w;
    } else if (std::memcmp(first, d + i * w, w) != 0) {
      return std::nullopt;
    }
  }
  if (!first) return std::nullopt;
  return std::string(reinterpret_cast<const char*>(first), w);
}

}  // namespace

// ---------------------------------------------------------------------------------------------
// MiniBlockLayout

namespace {

// The value side of a mini-block page: how values are cut into chunks and encoded.
class MiniBlockValues {
 public:
  virtual ~MiniBlockValues() = default;
  /// Initial chunking (non-last chunks hold 2^log values).
  virtual std::vector<ChunkPlan> Plan() const = 0;
  /// The value buffers of a chunk holding values [v0, v0 + nv).
  virtual Result<std::vector<Buffer>> Encode(uint64_t v0, uint64_t nv) const = 0;
  virtual pb::CompressiveEncoding Encoding() const = 0;
};

// Flat fixed-width values and fixed-size lists (with an item validity buffer first).
class FlatValues final : public MiniBlockValues {
 public:
  explicit FlatValues(const PageValues& v) : v_(v) {}
  std::vector<ChunkPlan> Plan() const override { return PlanFixedChunks(v_); }
  Result<std::vector<Buffer>> Encode(uint64_t v0, uint64_t nv) const override {
    return ChunkBuffers(v_, v0, nv);
  }
  pb::CompressiveEncoding Encoding() const override { return ValueEncoding(v_); }

 private:
  const PageValues& v_;
};

// Variable-width values (possibly FSST-compressed first): [offsets][bytes] per chunk.
class VariableValues final : public MiniBlockValues {
 public:
  VariableValues(PageValues v, std::string fsst_table)
      : v_(std::move(v)), fsst_table_(std::move(fsst_table)) {}
  std::vector<ChunkPlan> Plan() const override { return PlanVariableChunks(v_); }
  Result<std::vector<Buffer>> Encode(uint64_t v0, uint64_t nv) const override {
    return ChunkBuffers(v_, v0, nv);
  }
  pb::CompressiveEncoding Encoding() const override {
    pb::CompressiveEncoding variable = ValueEncoding(v_);
    if (fsst_table_.empty()) return variable;
    pb::CompressiveEncoding e;
    e.mutable_fsst()->set_symbol_table(fsst_table_);
    *e.mutable_fsst()->mutable_values() = std::move(variable);
    return e;
  }

 private:
  PageValues v_;
  std::string fsst_table_;
};

// InlineBitpacking: one FastLanes block of up to 1024 values per chunk.
class InlineBitpackValues final : public MiniBlockValues {
 public:
  explicit InlineBitpackValues(const PageValues& v) : v_(v) {}
  std::vector<ChunkPlan> Plan() const override {
    std::vector<ChunkPlan> plan;
    const uint64_t n = v_.block.num_values;
    for (uint64_t off = 0; off < n; off += kFastLanesBlockValues) {
      const uint64_t nv = std::min<uint64_t>(kFastLanesBlockValues, n - off);
      const bool last = off + nv == n;
      plan.push_back(
          ChunkPlan{off, nv, last, static_cast<uint8_t>(nv == kFastLanesBlockValues ? 10 : 0)});
    }
    return plan;
  }
  Result<std::vector<Buffer>> Encode(uint64_t v0, uint64_t nv) const override {
    const uint32_t bits = static_cast<uint32_t>(v_.block.bits_per_value);
    LANCET_ASSIGN_OR_RETURN(
        Buffer b, InlineBitpackEncodeChunk(v_.block.data.data() + v0 * bits / 8, nv, bits));
    return std::vector<Buffer>{std::move(b)};
  }
  pb::CompressiveEncoding Encoding() const override {
    pb::CompressiveEncoding e;
    e.mutable_inline_bitpacking()->set_uncompressed_bits_per_value(v_.block.bits_per_value);
    return e;
  }

  /// Encoded size of the whole page (for the choice against Flat).
  static uint64_t EncodedBytes(const PageValues& v) {
    const uint32_t bits = static_cast<uint32_t>(v.block.bits_per_value);
    uint64_t total = 0;
    for (uint64_t off = 0; off < v.block.num_values; off += kFastLanesBlockValues) {
      const uint64_t nv = std::min<uint64_t>(kFastLanesBlockValues, v.block.num_values - off);
      const uint32_t w = ComputeBitWidth(v.block.data.data() + off * bits / 8, nv, bits);
      total += bits / 8 + FastLanesPackedBytes(w);
    }
    return total;
  }

 private:
  const PageValues& v_;
};

// Rle: [run values][u8 run lengths] per chunk; runs restart in every chunk.
class RleValues final : public MiniBlockValues {
 public:
  explicit RleValues(const PageValues& v) : v_(v) {}
  std::vector<ChunkPlan> Plan() const override {
    std::vector<ChunkPlan> plan;
    const uint64_t n = v_.block.num_values;
    const uint32_t bits = static_cast<uint32_t>(v_.block.bits_per_value);
    const uint64_t run_bytes = bits / 8 + 1;
    uint64_t pos = 0;
    while (pos < n) {
      const uint64_t rem = n - pos;
      const uint8_t* base = v_.block.data.data() + pos * bits / 8;
      if (rem <= kMaxMiniBlockValues &&
          RleCountRuns(base, rem, bits) * run_bytes <= kMaxMiniBlockBytes) {
        plan.push_back(ChunkPlan{pos, rem, true, 0});
        break;
      }
      uint64_t k = kMaxMiniBlockValues;
      while (k > 2 && (k >= rem || RleCountRuns(base, k, bits) * run_bytes > kMaxMiniBlockBytes)) {
        k /= 2;
      }
      plan.push_back(ChunkPlan{pos, k, false, static_cast<uint8_t>(Log2Exact(k))});
      pos += k;
    }
    if (!plan.empty()) plan.back().last = true;
    return plan;
  }
  Result<std::vector<Buffer>> Encode(uint64_t v0, uint64_t nv) const override {
    const uint32_t bits = static_cast<uint32_t>(v_.block.bits_per_value);
    LANCET_ASSIGN_OR_RETURN(RleEncoded r,
                            RleEncode(v_.block.data.data() + v0 * bits / 8, nv, bits));
    return std::vector<Buffer>{std::move(r.values), std::move(r.run_lengths)};
  }
  pb::CompressiveEncoding Encoding() const override {
    pb::CompressiveEncoding e;
    *e.mutable_rle()->mutable_values() = FlatEncoding(v_.block.bits_per_value);
    *e.mutable_rle()->mutable_run_lengths() = FlatEncoding(8);
    return e;
  }

 private:
  const PageValues& v_;
};

// How the rep or def levels of each chunk are stored.
class LevelCodec {
 public:
  // Flat(16): raw u16 levels.
  LevelCodec() = default;

  // Chooses bitpacking for the levels of a page, as Lance's block compressor does: inline
  // bitpacking (one 1024-level block per chunk) for pages of at most 1024 levels, else
  // out-of-line bitpacking at the page's bit width.
  static LevelCodec Choose(const std::vector<uint16_t>& levels) {
    LevelCodec c;
    uint16_t max_level = 0;
    for (uint16_t l : levels) max_level = std::max(max_level, l);
    c.width_ = static_cast<uint32_t>(BitsNeeded(max_level));
    if (c.width_ == 0 || c.width_ >= 16) return LevelCodec();
    c.kind_ = levels.size() <= kFastLanesBlockValues ? Kind::kInline : Kind::kOutOfLine;
    return c;
  }

  pb::CompressiveEncoding Encoding() const {
    pb::CompressiveEncoding e;
    switch (kind_) {
      case Kind::kFlat:
        return FlatEncoding(16);
      case Kind::kInline:
        e.mutable_inline_bitpacking()->set_uncompressed_bits_per_value(16);
        return e;
      case Kind::kOutOfLine:
        e.mutable_out_of_line_bitpacking()->set_uncompressed_bits_per_value(16);
        *e.mutable_out_of_line_bitpacking()->mutable_values() = FlatEncoding(width_);
        return e;
    }
    return e;
  }

  Result<Buffer> Encode(const uint16_t* levels, uint64_t n) const {
    const auto* bytes = reinterpret_cast<const uint8_t*>(levels);
    switch (kind_) {
      case Kind::kFlat:
        return Buffer::Copy(levels, static_cast<int64_t>(2 * n));
      case Kind::kInline: {
        BufferBuilder b;
        for (uint64_t off = 0; off < n; off += kFastLanesBlockValues) {
          const uint64_t m = std::min<uint64_t>(kFastLanesBlockValues, n - off);
          LANCET_ASSIGN_OR_RETURN(Buffer c,
                                  InlineBitpackEncodeChunk(bytes + 2 * off, m, 16, width_));
          b.Append(c.data(), static_cast<size_t>(c.size()));
        }
        return b.Finish();
      }
      case Kind::kOutOfLine:
        return OutOfLineBitpackEncode(bytes, n, 16, width_);
    }
    return Status::Internal("bad level codec");
  }

 private:
  enum class Kind : uint8_t { kFlat, kInline, kOutOfLine };
  Kind kind_ = Kind::kFlat;
  uint32_t width_ = 16;
};

// A structural dictionary: the page's distinct values, stored once in a page buffer; the chunks
// then hold i32 indices.
struct MiniBlockDictionary {
  pb::CompressiveEncoding encoding;
  Buffer data;
  uint64_t num_items = 0;
};

Result<EncodedPage> EncodeMiniBlockWith(const ShreddedLeaf& page, uint64_t n,
                                        const MiniBlockValues& values, const LevelCodec& rep_codec,
                                        const LevelCodec& def_codec,
                                        const PageEncodeOptions& options,
                                        const MiniBlockDictionary* dictionary = nullptr) {
  const bool v22 = options.version == FileVersion::kV2_2;
  const bool has_rep = page.has_rep();
  const bool has_def = page.has_def();
  const uint64_t num_levels = page.num_levels;
  const uint64_t size_width = v22 ? 4 : 2;
  const uint64_t max_buffer_size = v22 ? 0xFFFFFFFFull : 0xFFFFull;
  const uint64_t max_chunk_bytes = v22 ? (uint64_t{1} << 31) : 32 * 1024;

  // Level index of each visible slot, when levels and slots differ (lists with def levels).
  std::vector<uint64_t> slot_level;
  const bool levels_differ = has_rep && has_def && num_levels != n;
  if (levels_differ) {
    slot_level.reserve(n);
    for (uint64_t l = 0; l < num_levels; ++l) {
      if (page.def[l] <= page.max_visible_def) slot_level.push_back(l);
    }
    if (slot_level.size() != n) return Status::Internal("visible levels != values");
  }
  auto level_end_of_slot = [&](uint64_t slot) {
    return levels_differ ? slot_level[slot] + 1 : slot + 1;
  };

  struct Chunk {
    ChunkPlan p;
    uint64_t l0 = 0, nl = 0;
    Buffer rep, def;
    std::vector<Buffer> buffers;
    uint64_t bytes = 0;
  };
  std::vector<Chunk> chunks;
  std::vector<ChunkPlan> plan = values.Plan();
  std::vector<ChunkPlan> work(plan.rbegin(), plan.rend());  // a stack, front at the back
  uint64_t level_pos = 0;
  size_t num_value_buffers = 0;
  while (!work.empty()) {
    ChunkPlan p = work.back();
    work.pop_back();
    Chunk ch;
    ch.p = p;
    ch.l0 = level_pos;
    if (has_rep || has_def) {
      const uint64_t le = p.last ? num_levels : level_end_of_slot(p.v0 + p.nv - 1);
      ch.nl = le - ch.l0;
    }
    LANCET_ASSIGN_OR_RETURN(ch.buffers, values.Encode(p.v0, p.nv));
    if (has_rep) {
      LANCET_ASSIGN_OR_RETURN(ch.rep, rep_codec.Encode(page.rep.data() + ch.l0, ch.nl));
    }
    if (has_def) {
      LANCET_ASSIGN_OR_RETURN(ch.def, def_codec.Encode(page.def.data() + ch.l0, ch.nl));
    }
    uint64_t header = 2 + (has_rep ? 2 : 0) + (has_def ? 2 : 0) + size_width * ch.buffers.size();
    ch.bytes = Pad8(header) + Pad8(ch.rep.size()) + Pad8(ch.def.size());
    bool fits = p.nv <= kMaxMiniBlockValues && ch.nl <= 0xFFFF && ch.rep.size() <= 0xFFFF &&
                ch.def.size() <= 0xFFFF;
    for (const Buffer& b : ch.buffers) {
      fits = fits && static_cast<uint64_t>(b.size()) <= max_buffer_size;
      ch.bytes += Pad8(b.size());
    }
    fits = fits && ch.bytes <= max_chunk_bytes;
    if (!fits) {
      uint64_t half = IsPow2(p.nv) ? p.nv / 2 : uint64_t{1} << (Log2Exact(p.nv) - 1);
      if (p.nv <= 1 || half < 2) {
        return Status::NotSupported("values do not fit a mini-block chunk");
      }
      ChunkPlan second{p.v0 + half, p.nv - half, p.last,
                       static_cast<uint8_t>(p.last ? 0 : Log2Exact(p.nv - half))};
      ChunkPlan first{p.v0, half, false, static_cast<uint8_t>(Log2Exact(half))};
      work.push_back(second);
      work.push_back(first);
      continue;
    }
    level_pos = ch.l0 + ch.nl;
    num_value_buffers = ch.buffers.size();
    chunks.push_back(std::move(ch));
  }

  BufferBuilder meta, data;
  uint64_t total_bytes = 0;
  for (const Chunk& ch : chunks) total_bytes += ch.bytes;
  data.Reserve(total_bytes);
  meta.Reserve(chunks.size() * size_width);
  std::vector<uint64_t> rep_index;
  for (size_t c = 0; c < chunks.size(); ++c) {
    const Chunk& ch = chunks[c];
    const size_t start = data.size();
    data.AppendValue(static_cast<uint16_t>(ch.nl));
    if (has_rep) data.AppendValue(static_cast<uint16_t>(ch.rep.size()));
    if (has_def) data.AppendValue(static_cast<uint16_t>(ch.def.size()));
    for (const Buffer& b : ch.buffers) {
      if (v22) {
        data.AppendValue(static_cast<uint32_t>(b.size()));
      } else {
        data.AppendValue(static_cast<uint16_t>(b.size()));
      }
    }
    data.PadTo(8, kMiniBlockFill);
    if (has_rep) {
      data.Append(ch.rep.data(), static_cast<size_t>(ch.rep.size()));
      data.PadTo(8, kMiniBlockFill);
      AppendRepIndex(page.rep.data() + ch.l0, ch.nl, page.max_rep, c == 0, c + 1 == chunks.size(),
                     &rep_index);
    }
    if (has_def) {
      data.Append(ch.def.data(), static_cast<size_t>(ch.def.size()));
      data.PadTo(8, kMiniBlockFill);
    }
    for (const Buffer& b : ch.buffers) {
      data.Append(b.data(), static_cast<size_t>(b.size()));
      data.PadTo(8, kMiniBlockFill);
    }
    const uint64_t chunk_bytes = data.size() - start;
    if (chunk_bytes != ch.bytes) return Status::Internal("mini-block chunk size mismatch");
    const uint64_t word = ((chunk_bytes / 8 - 1) << 4) | ch.p.log;
    if (v22) {
      meta.AppendValue(static_cast<uint32_t>(word));
    } else {
      meta.AppendValue(static_cast<uint16_t>(word));
    }
  }

  pb::PageLayout layout;
  pb::MiniBlockLayout* mb = layout.mutable_mini_block_layout();
  if (has_rep) *mb->mutable_rep_compression() = rep_codec.Encoding();
  if (has_def) *mb->mutable_def_compression() = def_codec.Encoding();
  *mb->mutable_value_compression() = values.Encoding();
  AddLayers(page, mb);
  mb->set_num_buffers(num_value_buffers);
  if (has_rep) mb->set_repetition_index_depth(1);
  mb->set_num_items(n);
  if (v22) mb->set_has_large_chunk(true);
  if (dictionary) {
    *mb->mutable_dictionary() = dictionary->encoding;
    mb->set_num_dictionary_items(dictionary->num_items);
  }

  std::vector<Buffer> buffers;
  buffers.push_back(meta.Finish());
  buffers.push_back(data.Finish());
  if (dictionary) buffers.push_back(dictionary->data);
  if (has_rep) {
    buffers.push_back(Buffer::Copy(rep_index.data(), static_cast<int64_t>(rep_index.size() * 8)));
  }
  return MakePage(page, layout, std::move(buffers));
}

bool IsBitpackable(const PageValues& v) {
  const uint64_t b = v.block.bits_per_value;
  return v.block.kind == DataBlock::Kind::kFixedWidth && v.fsl_dims.empty() &&
         (b == 8 || b == 16 || b == 32 || b == 64);
}

// Lance's rule: at least 100 values, and the estimated dictionary + i32-index size is below 80%
// of the value bytes.
bool ShouldDictionaryEncode(const PageValues& v, uint64_t* cardinality) {
  const uint64_t n = v.block.num_values;
  if (v.block.kind != DataBlock::Kind::kVariableWidth || n < kDictMinValues) return false;
  const uint64_t data_size = static_cast<uint64_t>(v.block.data.size());
  if (data_size == 0) return false;
  std::unordered_set<std::string_view> distinct;
  const char* base = reinterpret_cast<const char*>(v.block.data.data());
  const uint64_t offset_bytes = v.block.offset_bits / 8;
  const uint64_t avg = data_size / n;
  // Give up as soon as the estimate cannot stay under the threshold.
  const double limit = kDictSizeRatio * static_cast<double>(data_size);
  for (uint64_t i = 0; i < n; ++i) {
    const uint64_t s = v.block.OffsetAt(i), e = v.block.OffsetAt(i + 1);
    distinct.insert(std::string_view(base + s, e - s));
    const double est =
        static_cast<double>(distinct.size() * (avg + offset_bytes) + n * offset_bytes);
    if (est >= limit) return false;
  }
  *cardinality = distinct.size();
  return true;
}

Result<EncodedPage> EncodeFixedMiniBlock(const ShreddedLeaf& page, const PageValues& values,
                                         const LevelCodec& rep_codec, const LevelCodec& def_codec,
                                         const PageEncodeOptions& options,
                                         const MiniBlockDictionary* dictionary) {
  const uint64_t n = values.block.num_values;
  if (options.enable_compression && IsBitpackable(values) && n > 0) {
    const uint32_t bits = static_cast<uint32_t>(values.block.bits_per_value);
    const uint64_t runs = CountValueRuns(values.block.data.data(), n, bits);
    if (static_cast<double>(runs) < static_cast<double>(n) * kRleThreshold) {
      return EncodeMiniBlockWith(page, n, RleValues(values), rep_codec, def_codec, options,
                                 dictionary);
    }
    if (InlineBitpackValues::EncodedBytes(values) < n * bits / 8) {
      return EncodeMiniBlockWith(page, n, InlineBitpackValues(values), rep_codec, def_codec,
                                 options, dictionary);
    }
  }
  return EncodeMiniBlockWith(page, n, FlatValues(values), rep_codec, def_codec, options,
                             dictionary);
}

// Compresses a dictionary block with LZ4 and records `inner` as its encoding, as LanceDB 0.39
// does for every 2.2 dictionary.
Status SetLz4Dictionary(const Buffer& raw, pb::CompressiveEncoding inner, MiniBlockDictionary* d) {
  LANCET_ASSIGN_OR_RETURN(d->data, GeneralCompress(GeneralScheme::kLz4, std::nullopt, raw.data(),
                                                   static_cast<size_t>(raw.size())));
  pb::General* g = d->encoding.mutable_general();
  g->mutable_compression()->set_scheme(pb::COMPRESSION_ALGORITHM_LZ4);
  *g->mutable_values() = std::move(inner);
  return Status::OK();
}

// Writes the i32 dictionary indices of a page as a fixed-width mini-block with dictionary `d`.
Result<EncodedPage> EncodeDictionaryIndices(const ShreddedLeaf& page,
                                            const std::vector<int32_t>& indices,
                                            const LevelCodec& rep_codec,
                                            const LevelCodec& def_codec,
                                            const PageEncodeOptions& options,
                                            const MiniBlockDictionary* d) {
  PageValues idx;
  idx.block.kind = DataBlock::Kind::kFixedWidth;
  idx.block.num_values = indices.size();
  idx.block.bits_per_value = 32;
  idx.block.data = Buffer::Copy(indices.data(), static_cast<int64_t>(indices.size() * 4));
  idx.max_value_bytes = 4;
  return EncodeFixedMiniBlock(page, idx, rep_codec, def_codec, options, d);
}

Result<EncodedPage> EncodeDictionary(const ShreddedLeaf& page, const PageValues& values,
                                     const LevelCodec& rep_codec, const LevelCodec& def_codec,
                                     const PageEncodeOptions& options) {
  const uint64_t n = values.block.num_values;
  const uint32_t offset_bits = values.block.offset_bits;
  const char* base = reinterpret_cast<const char*>(values.block.data.data());
  std::unordered_map<std::string_view, int32_t> ids;
  std::vector<std::string_view> items;
  std::vector<int32_t> indices(n, 0);
  for (uint64_t i = 0; i < n; ++i) {
    // Null slots keep index 0; their def level says they are null.
    if (!page.value_valid.empty() && !page.value_valid[i]) continue;
    const uint64_t s = values.block.OffsetAt(i), e = values.block.OffsetAt(i + 1);
    const std::string_view v(base + s, e - s);
    auto [it, inserted] = ids.emplace(v, static_cast<int32_t>(items.size()));
    if (inserted) items.push_back(v);
    indices[i] = it->second;
  }
  // The dictionary as a Variable block: [bits][data start][offsets from 0][bytes].
  BufferBuilder dict;
  const uint64_t w = offset_bits / 8;
  const uint64_t data_start = 2 * w + (items.size() + 1) * w;
  AppendWidth(&dict, offset_bits, w);
  AppendWidth(&dict, data_start, w);
  uint64_t off = 0;
  AppendWidth(&dict, 0, w);
  for (std::string_view v : items) {
    off += v.size();
    AppendWidth(&dict, off, w);
  }
  for (std::string_view v : items) dict.Append(v);
  MiniBlockDictionary d;
  d.num_items = items.size();
  pb::CompressiveEncoding variable;
  *variable.mutable_variable()->mutable_offsets() = FlatEncoding(offset_bits);
  if (options.version == FileVersion::kV2_2) {
    LANCET_RETURN_NOT_OK(SetLz4Dictionary(dict.Finish(), std::move(variable), &d));
  } else {
    d.data = dict.Finish();
    d.encoding = std::move(variable);
  }
  return EncodeDictionaryIndices(page, indices, rep_codec, def_codec, options, &d);
}

// 2.2 (Lance 12) also dictionary-encodes wide fixed-width values (64 / 128 bits) of low
// cardinality; the dictionary is the raw values, LZ4-compressed. Lance's estimate assumes 16-byte
// items and 4-byte indices.
Result<std::optional<EncodedPage>> MaybeEncodeFixedDictionary(const ShreddedLeaf& page,
                                                              const PageValues& values,
                                                              const LevelCodec& rep_codec,
                                                              const LevelCodec& def_codec,
                                                              const PageEncodeOptions& options) {
  const uint64_t n = values.block.num_values;
  const uint64_t bits = values.block.bits_per_value;
  if (!options.enable_compression || options.version != FileVersion::kV2_2 ||
      values.block.kind != DataBlock::Kind::kFixedWidth || !values.fsl_dims.empty() ||
      !values.packed_bits.empty() || (bits != 64 && bits != 128) || n < kDictMinValues) {
    return std::optional<EncodedPage>();
  }
  const uint64_t w = bits / 8;
  const double limit = kDictSizeRatio * static_cast<double>(n * w);
  const char* base = reinterpret_cast<const char*>(values.block.data.data());
  std::unordered_map<std::string_view, int32_t> ids;
  std::vector<std::string_view> items;
  std::vector<int32_t> indices(n, 0);
  for (uint64_t i = 0; i < n; ++i) {
    if (!page.value_valid.empty() && !page.value_valid[i]) continue;
    auto [it, inserted] =
        ids.emplace(std::string_view(base + i * w, w), static_cast<int32_t>(items.size()));
    if (inserted) {
      items.push_back(it->first);
      if (static_cast<double>(items.size() * 16 + n * 4) >= limit) {
        return std::optional<EncodedPage>();
      }
    }
    indices[i] = it->second;
  }
  if (items.empty()) return std::optional<EncodedPage>();
  BufferBuilder raw;
  for (std::string_view v : items) raw.Append(v);
  MiniBlockDictionary d;
  d.num_items = items.size();
  LANCET_RETURN_NOT_OK(SetLz4Dictionary(raw.Finish(), FlatEncoding(bits), &d));
  LANCET_ASSIGN_OR_RETURN(EncodedPage out,
                          EncodeDictionaryIndices(page, indices, rep_codec, def_codec, options, &d));
  return std::optional<EncodedPage>(std::move(out));
}

void ChooseLevelCodecs(const ShreddedLeaf& page, const PageEncodeOptions& options,
                       LevelCodec* rep_codec, LevelCodec* def_codec) {
  if (!options.enable_compression) return;
  if (page.has_rep()) *rep_codec = LevelCodec::Choose(page.rep);
  if (page.has_def()) *def_codec = LevelCodec::Choose(page.def);
}

bool PrefersDictionary(const PageValues& values, const PageEncodeOptions& options) {
  uint64_t cardinality = 0;
  return options.enable_compression && ShouldDictionaryEncode(values, &cardinality);
}

}  // namespace

namespace {

Result<EncodedPage> EncodeMiniBlockImpl(const ShreddedLeaf& page, const PageValues& values,
                                        const PageEncodeOptions& options,
                                        std::optional<bool> use_dictionary) {
  const uint64_t n = values.block.num_values;
  LevelCodec rep_codec, def_codec;
  ChooseLevelCodecs(page, options, &rep_codec, &def_codec);
  if (values.block.kind == DataBlock::Kind::kVariableWidth) {
    if (!use_dictionary) use_dictionary = PrefersDictionary(values, options);
    if (*use_dictionary) {
      return EncodeDictionary(page, values, rep_codec, def_codec, options);
    }
    // FSST when the strings are long enough and the page has enough of them (Lance's rule).
    const uint64_t data_size = static_cast<uint64_t>(values.block.data.size());
    if (options.enable_compression && values.max_value_bytes >= kFsstMinMaxLength &&
        data_size >= kFsstMinPageBytes) {
      Result<FsstCompressed> compressed =
          FsstCompress(values.block.data.data(), static_cast<size_t>(data_size),
                       values.block.offsets.data(), values.block.offset_bits, n);
      if (compressed.ok()) {
        PageValues fsst;
        fsst.block.kind = DataBlock::Kind::kVariableWidth;
        fsst.block.num_values = n;
        fsst.block.offset_bits = values.block.offset_bits;
        fsst.block.offsets = compressed->offsets;
        fsst.block.data = compressed->data;
        VariableValues vv(std::move(fsst), std::move(compressed->symbol_table));
        return EncodeMiniBlockWith(page, n, vv, rep_codec, def_codec, options);
      }
    }
    VariableValues vv(values, "");
    return EncodeMiniBlockWith(page, n, vv, rep_codec, def_codec, options);
  }
  LANCET_ASSIGN_OR_RETURN(std::optional<EncodedPage> dict,
                          MaybeEncodeFixedDictionary(page, values, rep_codec, def_codec, options));
  if (dict) return std::move(*dict);
  return EncodeFixedMiniBlock(page, values, rep_codec, def_codec, options, nullptr);
}

}  // namespace

Result<EncodedPage> EncodeMiniBlock(const ShreddedLeaf& page, const PageValues& values,
                                    const PageEncodeOptions& options) {
  return EncodeMiniBlockImpl(page, values, options, std::nullopt);
}

// ---------------------------------------------------------------------------------------------
// FullZipLayout

Result<EncodedPage> EncodeFullZip(const ShreddedLeaf& page, const PageValues& input,
                                  const PageEncodeOptions& options) {
  // Per-value compression of large variable-width values (Lance's rules): zstd for values over
  // 32 KiB, FSST for strings of >= 5 bytes when the page has >= 32 KiB of them.
  const PageValues* vp = &input;
  PageValues compressed;
  pb::CompressiveEncoding value_encoding = ValueEncoding(input);
  if (options.enable_compression && input.block.kind == DataBlock::Kind::kVariableWidth) {
    const uint64_t data_size = static_cast<uint64_t>(input.block.data.size());
    const uint64_t n = input.block.num_values;
    if (input.max_value_bytes > kPerValueGeneralMinBytes && data_size >= kFsstMinPageBytes) {
      compressed = input;
      LANCET_RETURN_NOT_OK(GeneralCompressPerValue(
          GeneralScheme::kZstd, 0, input.block.data.data(), static_cast<size_t>(data_size),
          input.block.offsets.data(), input.block.offset_bits, n, &compressed.block.data,
          &compressed.block.offsets));
      pb::CompressiveEncoding e;
      pb::General* g = e.mutable_general();
      g->mutable_compression()->set_scheme(pb::COMPRESSION_ALGORITHM_ZSTD);
      g->mutable_compression()->set_level(0);
      *g->mutable_values() = std::move(value_encoding);
      value_encoding = std::move(e);
      vp = &compressed;
    } else if (input.max_value_bytes >= kFsstMinMaxLength && data_size >= kFsstMinPageBytes) {
      Result<FsstCompressed> f =
          FsstCompress(input.block.data.data(), static_cast<size_t>(data_size),
                       input.block.offsets.data(), input.block.offset_bits, n);
      if (f.ok()) {
        compressed = input;
        compressed.block.data = f->data;
        compressed.block.offsets = f->offsets;
        pb::CompressiveEncoding e;
        e.mutable_fsst()->set_symbol_table(std::move(f->symbol_table));
        *e.mutable_fsst()->mutable_values() = std::move(value_encoding);
        value_encoding = std::move(e);
        vp = &compressed;
      }
    }
  }
  const PageValues& values = *vp;

  const bool has_rep = page.has_rep();
  const bool has_def = page.has_def();
  uint16_t max_rep = 0, max_def = 0;
  for (uint16_t r : page.rep) max_rep = std::max(max_rep, r);
  for (uint16_t d : page.def) max_def = std::max(max_def, d);
  const int bits_rep = has_rep ? BitsNeeded(max_rep) : 0;
  const int bits_def = has_def ? BitsNeeded(max_def) : 0;
  const int total_bits = bits_rep + bits_def;
  const uint64_t cw_bytes =
      (!has_rep && !has_def) ? 0 : (total_bits <= 8 ? 1 : (total_bits <= 16 ? 2 : 4));
  const uint64_t num_items = has_rep ? page.num_levels : values.block.num_values;
  const bool variable = values.block.kind == DataBlock::Kind::kVariableWidth;
  if (num_items > std::numeric_limits<uint32_t>::max()) {
    return Status::NotSupported("too many items for one full-zip page");
  }

  // Fixed payload: bytes per value (validity bitmap of fixed-size list items first).
  uint64_t dim = 1;
  for (uint32_t d : values.fsl_dims) dim *= d;
  const uint64_t validity_bytes = values.fsl_has_validity ? (dim + 7) / 8 : 0;
  uint64_t value_bytes = 0;
  if (!variable) {
    if (values.block.bits_per_value % 8 != 0) {
      return Status::NotSupported("full-zip of values that are not whole bytes");
    }
    value_bytes = values.block.bits_per_value / 8;
  }
  const uint64_t payload_bytes = validity_bytes + value_bytes;
  const uint64_t offset_bytes = variable ? values.block.offset_bits / 8 : 0;

  // Lance sizes the repetition index for an upper bound of the zipped length.
  const uint64_t estimate =
      variable
          ? values.block.data.size() + cw_bytes * num_items + offset_bytes * values.block.num_values
          : payload_bytes * values.block.num_values + cw_bytes * num_items;
  const bool write_rep_index = variable || has_rep;
  const uint64_t index_width = ByteWidthFor(estimate);

  BufferBuilder zipped, index;
  zipped.Reserve(estimate);
  uint64_t slot = 0;
  uint64_t rows = 0;
  for (uint64_t l = 0; l < num_items; ++l) {
    const uint16_t r = has_rep ? page.rep[l] : 0;
    const uint16_t d = has_def ? page.def[l] : 0;
    const bool new_row = !has_rep || r == max_rep;
    const bool visible = !(has_rep && has_def) || d <= page.max_visible_def;
    const bool valid_item = d == 0;
    if (new_row) {
      rows++;
      if (write_rep_index) AppendWidth(&index, zipped.size(), index_width);
    }
    if (cw_bytes > 0) {
      const uint32_t cw = (static_cast<uint32_t>(r) << bits_def) | d;
      switch (cw_bytes) {
        case 1:
          zipped.AppendValue(static_cast<uint8_t>(cw));
          break;
        case 2:
          zipped.AppendValue(static_cast<uint16_t>(cw));
          break;
        default:
          zipped.AppendValue(cw);
          break;
      }
    }
    if (!visible) continue;
    if (variable) {
      if (valid_item) {
        const uint64_t s = values.block.OffsetAt(slot), e = values.block.OffsetAt(slot + 1);
        AppendWidth(&zipped, e - s, offset_bytes);
        zipped.Append(values.block.data.data() + s, e - s);
      }
    } else {
      if (validity_bytes > 0) {
        std::vector<uint8_t> bits(validity_bytes, 0);
        CopyBits(values.block.fsl_validity.data(), slot * dim, bits.data(), 0, dim);
        zipped.Append(bits.data(), bits.size());
      }
      zipped.Append(values.block.data.data() + slot * value_bytes, value_bytes);
    }
    slot++;
  }
  if (slot != values.block.num_values) return Status::Internal("full-zip value count mismatch");
  if (rows != page.num_rows) return Status::Internal("full-zip row count mismatch");
  if (write_rep_index) AppendWidth(&index, zipped.size(), index_width);

  pb::PageLayout layout;
  pb::FullZipLayout* fz = layout.mutable_full_zip_layout();
  fz->set_bits_rep(static_cast<uint32_t>(bits_rep));
  fz->set_bits_def(static_cast<uint32_t>(bits_def));
  if (variable) {
    fz->set_bits_per_offset(static_cast<uint32_t>(values.block.offset_bits));
  } else {
    fz->set_bits_per_value(static_cast<uint32_t>(payload_bytes * 8));
  }
  fz->set_num_items(static_cast<uint32_t>(num_items));
  fz->set_num_visible_items(static_cast<uint32_t>(values.block.num_values));
  *fz->mutable_value_compression() = std::move(value_encoding);
  AddLayers(page, fz);

  std::vector<Buffer> buffers;
  buffers.push_back(zipped.Finish());
  if (write_rep_index) buffers.push_back(index.Finish());
  return MakePage(page, layout, std::move(buffers));
}

// ---------------------------------------------------------------------------------------------

Result<EncodedPage> EncodeLeafPage(const ShreddedLeaf& page, const LeafPath& path,
                                   const PageEncodeOptions& options) {
  const DataType& type = *path.leaf.type;
  const bool top_level_leaf = path.layers.size() == 1;
  if (type.id() == TypeId::kStruct && type.children().empty()) {
    if (page.has_rep() || page.has_def()) {
      return Status::NotSupported("empty structs with nulls or inside lists");
    }
    return EncodeAllNull(page, /*simple=*/true, options);
  }
  if (page.num_values == 0) return EncodeAllNull(page, /*simple=*/false, options);
  if (page.num_null_values == page.num_values) {
    return EncodeAllNull(page, /*simple=*/top_level_leaf, options);
  }
  LANCET_ASSIGN_OR_RETURN(PageValues values, BuildPageValues(page, type));
  if (options.enable_compression && options.version == FileVersion::kV2_2) {
    if (std::optional<std::string> c = ConstantValue(page, values)) {
      return EncodeConstant(page, std::move(*c));
    }
  }
  LayoutChoice choice = options.layout;
  const bool whole_bytes =
      values.block.kind == DataBlock::Kind::kVariableWidth || values.block.bits_per_value % 8 == 0;
  if (!values.packed_bits.empty()) {
    // Lance writes fixed-width packed structs as mini-blocks only.
    return EncodeMiniBlock(page, values, options);
  }
  std::optional<bool> use_dictionary;
  if (!whole_bytes) {
    choice = LayoutChoice::kMiniBlock;
  } else if (choice == LayoutChoice::kAuto) {
    // Lance dictionary-encodes low-cardinality data before looking at the value sizes.
    use_dictionary = PrefersDictionary(values, options);
    if (*use_dictionary || values.max_value_bytes < kMaxNarrowValueBytes) {
      choice = LayoutChoice::kMiniBlock;
    } else {
      choice = LayoutChoice::kFullZip;
    }
  }
  if (choice == LayoutChoice::kMiniBlock) {
    Result<EncodedPage> mb = EncodeMiniBlockImpl(page, values, options, use_dictionary);
    if (mb.ok() || !mb.status().IsNotSupported() || !whole_bytes) return mb;
  }
  return EncodeFullZip(page, values, options);
}

}  // namespace internal

// ---------------------------------------------------------------------------------------------
// FieldEncoder

namespace {

using internal::LayoutChoice;

LayoutChoice LayoutFromMetadata(const std::map<std::string, std::string>& metadata,
                                LayoutChoice fallback) {
  auto it = metadata.find(internal::kStructuralEncodingKey);
  if (it == metadata.end()) return fallback;
  std::string v = it->second;
  std::transform(v.begin(), v.end(), v.begin(), [](unsigned char c) { return std::tolower(c); });
  if (v == "miniblock") return LayoutChoice::kMiniBlock;
  if (v == "fullzip") return LayoutChoice::kFullZip;
  return fallback;
}

Status CheckLeafType(const Field& leaf) {
  const DataType& t = *leaf.type;
  if (t.id() == TypeId::kStruct) {
    for (const Field& c : t.children()) {
      if (!c.type->is_fixed_width_primitive() || c.type->bit_width() % 8 != 0) {
        return Status::NotSupported("packed struct '" + leaf.name + "' with field '" + c.name +
                                    "' of type " + c.type->ToString() +
                                    " (only fixed-width fields are supported)");
      }
    }
    return Status::OK();
  }
  if (t.id() == TypeId::kNull || t.is_binary_like()) return Status::OK();
  if (t.id() == TypeId::kFixedSizeList) {
    const DataType* it = &t;
    while (it->id() == TypeId::kFixedSizeList) it = it->value_type().get();
    if (!it->is_fixed_width_primitive()) {
      return Status::NotSupported("fixed-size list of " + it->ToString() + " in field '" +
                                  leaf.name + "'");
    }
    return Status::OK();
  }
  if (t.bit_width() <= 0) {
    return Status::NotSupported("type " + t.ToString() + " of field '" + leaf.name + "'");
  }
  return Status::OK();
}

class FieldEncoderV21 final : public FieldEncoder {
 public:
  FieldEncoderV21(const Field& field, FileVersion version, const EncoderOptions& options,
                  std::vector<LeafPath> paths)
      : field_(field), options_(options) {
    page_options_.version = version;
    page_options_.enable_compression = options.enable_compression;
    const LayoutChoice top = LayoutFromMetadata(field.metadata, LayoutChoice::kAuto);
    for (LeafPath& p : paths) {
      layouts_.push_back(LayoutFromMetadata(p.leaf.metadata, top));
      streams_.emplace_back(std::move(p));
    }
  }

  int num_columns() const override { return static_cast<int>(streams_.size()); }

  Status Encode(const ArrayPtr& chunk, std::vector<std::vector<EncodedPage>>* out) override {
    if (!chunk || !chunk->type || chunk->type->id() != field_.type->id()) {
      return Status::InvalidArgument("array does not match field '" + field_.name + "'");
    }
    if (out->size() < streams_.size()) out->resize(streams_.size());
    for (size_t c = 0; c < streams_.size(); ++c) {
      LANCET_RETURN_NOT_OK(streams_[c].Append(chunk));
      LANCET_RETURN_NOT_OK(Flush(c, /*final=*/false, out));
    }
    return Status::OK();
  }

  Status Finish(std::vector<std::vector<EncodedPage>>* out) override {
    if (out->size() < streams_.size()) out->resize(streams_.size());
    for (size_t c = 0; c < streams_.size(); ++c) {
      LANCET_RETURN_NOT_OK(Flush(c, /*final=*/true, out));
    }
    return Status::OK();
  }

 private:
  Status Flush(size_t c, bool final, std::vector<std::vector<EncodedPage>>* out) {
    LeafStream& s = streams_[c];
    const uint64_t max_bytes = static_cast<uint64_t>(std::max<int64_t>(options_.max_page_bytes, 1));
    while (s.num_rows() > 0 && (final || s.estimated_bytes() >= max_bytes)) {
      const uint64_t rows = s.RowsWithin(max_bytes);
      if (!final && rows == s.num_rows()) break;  // wait for more rows to fill the page
      LANCET_ASSIGN_OR_RETURN(ShreddedLeaf page, s.TakePage(rows));
      internal::PageEncodeOptions opts = page_options_;
      opts.layout = layouts_[c];
      LANCET_ASSIGN_OR_RETURN(EncodedPage encoded, internal::EncodeLeafPage(page, s.path(), opts));
      (*out)[c].push_back(std::move(encoded));
    }
    return Status::OK();
  }

  Field field_;
  EncoderOptions options_;
  internal::PageEncodeOptions page_options_;
  std::vector<LeafStream> streams_;
  std::vector<LayoutChoice> layouts_;
};

}  // namespace

Result<std::unique_ptr<FieldEncoder>> MakeFieldEncoderV21(const Field& field, FileVersion version,
                                                          const EncoderOptions& options) {
  if (version != FileVersion::kV2_1 && version != FileVersion::kV2_2) {
    return Status::InvalidArgument("MakeFieldEncoderV21 needs version 2.1 or 2.2");
  }
  if (!field.type) return Status::InvalidArgument("field '" + field.name + "' has no type");
  std::vector<LeafPath> paths = LeafPaths(field);
  for (const LeafPath& p : paths) LANCET_RETURN_NOT_OK(CheckLeafType(p.leaf));
  return std::unique_ptr<FieldEncoder>(
      new FieldEncoderV21(field, version, options, std::move(paths)));
}

}  // namespace lancet::encoding
