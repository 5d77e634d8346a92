// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The lancet authors
//
// Decoders for the 2.1 / 2.2 CompressiveEncoding tree in the four contexts Lance uses it
// (lance-encoding's DecompressionStrategy): mini-block chunks, whole blocks, fixed-width
// per-value payloads and variable-width per-value payloads. Byte layouts follow the Lance Rust
// sources (physical/{value,binary,bitpacking,rle,fsst,general,block,byte_stream_split,constant,
// packed}.rs); where Lance has no decoder for a variant in a context we return NotSupported.
#include "lancet/encoding/data_block.h"

#include <cstring>
#include <limits>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "encodings_v2_1.pb.h"
#include "lancet/encoding/byte_stream_split.h"
#include "lancet/encoding/fastlanes.h"
#include "lancet/encoding/fsst.h"
#include "lancet/encoding/general_compression.h"
#include "lancet/encoding/rle.h"

namespace lancet::encoding {

namespace {

namespace pb = ::lance::encodings21;
using Enc = pb::CompressiveEncoding;

enum class Ctx { kMiniBlock, kBlock, kFixedPerValue, kVariablePerValue };

const char* CtxName(Ctx ctx) {
  switch (ctx) {
    case Ctx::kMiniBlock:
      return "mini-block chunk";
    case Ctx::kBlock:
      return "block";
    case Ctx::kFixedPerValue:
      return "fixed-width per-value";
    case Ctx::kVariablePerValue:
      return "variable-width per-value";
  }
  return "unknown";
}

Status NotSupportedIn(const Enc& enc, Ctx ctx, std::string_view detail = {}) {
  std::string msg = std::string("compressive encoding '") + CompressiveEncodingName(enc) +
                    "' is not supported in a " + CtxName(ctx) + " context";
  if (!detail.empty()) {
    msg += " (";
    msg += detail;
    msg += ")";
  }
  return Status::NotSupported(std::move(msg));
}

Status Corrupt(std::string_view what, const std::string& msg) {
  return Status::Corruption(std::string(what) + ": " + msg);
}

std::string Str(uint64_t v) { return std::to_string(v); }

// Bytes needed for n values of `bits` bits, with overflow checking.
Result<uint64_t> PackedBytes(std::string_view what, uint64_t n, uint64_t bits) {
  uint64_t total_bits;
  if (__builtin_mul_overflow(n, bits, &total_bits) || total_bits > (uint64_t{1} << 62)) {
    return Corrupt(what, Str(n) + " values of " + Str(bits) + " bits overflow");
  }
  return (total_bits + 7) / 8;
}

// Natural alignment of a fixed-width value (power-of-two byte widths up to 8, else 1).
size_t ValueAlignment(uint64_t bits) {
  if (bits % 8 != 0) return 1;
  const uint64_t bytes = bits / 8;
  if (bytes == 0 || (bytes & (bytes - 1)) != 0) return 1;
  return bytes > 8 ? 8 : static_cast<size_t>(bytes);
}

// Downstream code reads values through typed pointers; copy if a zero-copy slice is misaligned.
Buffer Aligned(Buffer b, size_t align) {
  if (align <= 1 || reinterpret_cast<uintptr_t>(b.data()) % align == 0) return b;
  return Buffer::Copy(b.data(), b.size());
}

template <typename T>
T Load(const uint8_t* p) {
  T v;
  std::memcpy(&v, p, sizeof(T));
  return v;
}

inline uint64_t LoadOffset(const uint8_t* p, uint32_t bits, uint64_t i) {
  return bits == 32 ? Load<uint32_t>(p + 4 * i) : Load<uint64_t>(p + 8 * i);
}

DataBlock FixedBlock(uint64_t bits, uint64_t n, Buffer data) {
  DataBlock b;
  b.kind = DataBlock::Kind::kFixedWidth;
  b.bits_per_value = bits;
  b.num_values = n;
  b.data = Aligned(std::move(data), ValueAlignment(bits));
  return b;
}

DataBlock VariableBlock(uint32_t offset_bits, uint64_t n, Buffer offsets, Buffer data) {
  DataBlock b;
  b.kind = DataBlock::Kind::kVariableWidth;
  b.num_values = n;
  b.offset_bits = offset_bits;
  b.offsets = Aligned(std::move(offsets), offset_bits / 8);
  b.data = std::move(data);
  return b;
}

DataBlock ConstantBlock(const pb::Constant& c, uint64_t n) {
  DataBlock b;
  b.kind = DataBlock::Kind::kConstant;
  b.num_values = n;
  if (c.has_value()) {
    b.data = Buffer::Copy(c.value().data(), static_cast<int64_t>(c.value().size()));
    b.bits_per_value = uint64_t{c.value().size()} * 8;
  }
  return b;
}

// Offsets `src` (n+1 entries of `bits`, any alignment) rebased so that the first is 0, checked
// to be non-decreasing and to end within `limit` bytes past the first offset's base. Returns
// the (possibly zero-copy) offsets buffer; `*first` receives the original first offset.
Result<Buffer> RebaseOffsets(std::string_view what, const Buffer& holder, const uint8_t* src,
                             uint32_t bits, uint64_t n, uint64_t base, uint64_t limit) {
  const uint64_t first = LoadOffset(src, bits, 0);
  if (first < base || first > limit) {
    return Corrupt(
        what, "first offset " + Str(first) + " outside [" + Str(base) + ", " + Str(limit) + "]");
  }
  const uint64_t shift = first;
  const bool zero_copy =
      shift == 0 && reinterpret_cast<uintptr_t>(src) % (bits / 8) == 0 && holder.data() != nullptr;
  std::vector<uint8_t> out;
  if (!zero_copy) out.resize((n + 1) * (bits / 8));
  uint64_t prev = first;
  for (uint64_t i = 1; i <= n; ++i) {
    const uint64_t cur = LoadOffset(src, bits, i);
    if (cur < prev || cur > limit) {
      return Corrupt(
          what, "offset " + Str(i) + " = " + Str(cur) + " is decreasing or beyond " + Str(limit));
    }
    prev = cur;
  }
  if (zero_copy) {
    return holder.Slice(src - holder.data(), static_cast<int64_t>((n + 1) * (bits / 8)));
  }
  for (uint64_t i = 0; i <= n; ++i) {
    const uint64_t v = LoadOffset(src, bits, i) - shift;
    if (bits == 32) {
      const uint32_t w = static_cast<uint32_t>(v);
      std::memcpy(out.data() + 4 * i, &w, 4);
    } else {
      std::memcpy(out.data() + 8 * i, &v, 8);
    }
  }
  return Buffer::FromVector(std::move(out));
}

Result<GeneralScheme> SchemeOf(const pb::BufferCompression& c) {
  switch (c.scheme()) {
    case pb::COMPRESSION_ALGORITHM_LZ4:
      return GeneralScheme::kLz4;
    case pb::COMPRESSION_ALGORITHM_ZSTD:
      return GeneralScheme::kZstd;
    default:
      return Status::NotSupported("general compression scheme " +
                                  std::to_string(static_cast<int>(c.scheme())) +
                                  " is not supported");
  }
}

Result<Buffer> DecompressBuffer(const pb::BufferCompression& c, const Buffer& data) {
  LANCET_ASSIGN_OR_RETURN(GeneralScheme scheme, SchemeOf(c));
  return GeneralDecompress(scheme, data.data(), static_cast<size_t>(data.size()));
}

// ---- Shared leaf decoders.

Result<DataBlock> DecodeFlat(const pb::Flat& flat, Buffer data, uint64_t n) {
  const uint64_t bits = flat.bits_per_value();
  if (bits == 0) return Status::Corruption("flat: bits_per_value is 0");
  if (flat.has_data()) {
    LANCET_ASSIGN_OR_RETURN(data, DecompressBuffer(flat.data(), data));
  }
  LANCET_ASSIGN_OR_RETURN(uint64_t need, PackedBytes("flat", n, bits));
  if (static_cast<uint64_t>(data.size()) < need) {
    return Corrupt("flat", Str(n) + " values of " + Str(bits) + " bits need " + Str(need) +
                               " bytes, got " + Str(data.size()));
  }
  return FixedBlock(bits, n, data.Slice(0, static_cast<int64_t>(need)));
}

Result<uint32_t> WordBits(std::string_view what, uint64_t bits) {
  if (bits != 8 && bits != 16 && bits != 32 && bits != 64) {
    return Corrupt(what, "uncompressed width must be 8/16/32/64 bits, got " + Str(bits));
  }
  return static_cast<uint32_t>(bits);
}

Result<DataBlock> DecodeInline(const pb::InlineBitpacking& ib, const Buffer& data, uint64_t n,
                               Ctx ctx, const Enc& enc) {
  if (ib.has_values()) return NotSupportedIn(enc, ctx, "buffer compression of the values");
  LANCET_ASSIGN_OR_RETURN(uint32_t bits,
                          WordBits("inline_bitpacking", ib.uncompressed_bits_per_value()));
  if (ctx == Ctx::kMiniBlock && n > kFastLanesBlockValues) {
    return Corrupt("inline_bitpacking",
                   "a mini-block chunk holds at most 1024 values, got " + Str(n));
  }
  LANCET_ASSIGN_OR_RETURN(
      Buffer out, InlineBitpackDecode(data.data(), static_cast<size_t>(data.size()), bits, n));
  return FixedBlock(bits, n, std::move(out));
}

Result<DataBlock> DecodeOutOfLine(const pb::OutOfLineBitpacking& ool, const Buffer& data,
                                  uint64_t n, Ctx ctx, const Enc& enc) {
  if (!ool.has_values() || ool.values().compression_case() != Enc::kFlat) {
    return Status::Corruption("out_of_line_bitpacking: values must be a Flat encoding");
  }
  const pb::Flat& flat = ool.values().flat();
  if (flat.has_data()) return NotSupportedIn(enc, ctx, "buffer compression of the packed values");
  LANCET_ASSIGN_OR_RETURN(uint32_t bits,
                          WordBits("out_of_line_bitpacking", ool.uncompressed_bits_per_value()));
  if (flat.bits_per_value() > bits) {
    return Corrupt("out_of_line_bitpacking",
                   "packed width " + Str(flat.bits_per_value()) + " exceeds " + Str(bits));
  }
  LANCET_ASSIGN_OR_RETURN(
      Buffer out, OutOfLineBitpackDecode(data.data(), static_cast<size_t>(data.size()), bits,
                                         static_cast<uint32_t>(flat.bits_per_value()), n));
  return FixedBlock(bits, n, std::move(out));
}

Result<DataBlock> ApplyFsst(const pb::Fsst& fsst, const DataBlock& compressed) {
  if (compressed.kind != DataBlock::Kind::kVariableWidth) {
    return Status::Corruption("fsst: inner encoding did not produce variable-width values");
  }
  const std::string& st = fsst.symbol_table();
  LANCET_ASSIGN_OR_RETURN(
      FsstSymbolTable table,
      FsstSymbolTable::Deserialize(reinterpret_cast<const uint8_t*>(st.data()), st.size()));
  if (!table.enabled()) return compressed;
  DataBlock out;
  out.kind = DataBlock::Kind::kVariableWidth;
  out.num_values = compressed.num_values;
  out.offset_bits = compressed.offset_bits;
  LANCET_RETURN_NOT_OK(FsstDecompress(table, compressed.data.data(),
                                      static_cast<size_t>(compressed.data.size()),
                                      compressed.offsets.data(), compressed.offset_bits,
                                      compressed.num_values, &out.data, &out.offsets));
  return out;
}

// ---- FixedSizeList.

struct FslLayout {
  uint64_t cum_dim = 1;         // items per row
  uint64_t item_bits = 0;       // bits of one item (Flat leaf)
  int num_validity = 0;         // layers with has_validity
  uint64_t validity_bits = 0;   // bits per row of the (single) validity bitmap
  uint64_t validity_bytes = 0;  // sum over validity layers of ceil(bits / 8) (per-value prefix)
};

Result<FslLayout> ParseFsl(const pb::FixedSizeList& top, Ctx ctx, const Enc& enc) {
  FslLayout layout;
  const pb::FixedSizeList* fsl = &top;
  for (int depth = 0;; ++depth) {
    if (depth > 64) return Status::Corruption("fixed_size_list: nesting too deep");
    if (__builtin_mul_overflow(layout.cum_dim, fsl->items_per_value(), &layout.cum_dim) ||
        layout.cum_dim > (uint64_t{1} << 40)) {
      return Status::Corruption("fixed_size_list: dimension overflow");
    }
    if (fsl->has_validity()) {
      ++layout.num_validity;
      layout.validity_bits = layout.cum_dim;
      layout.validity_bytes += (layout.cum_dim + 7) / 8;
    }
    if (!fsl->has_values()) return Status::Corruption("fixed_size_list: missing values encoding");
    const Enc& inner = fsl->values();
    if (inner.compression_case() == Enc::kFixedSizeList) {
      fsl = &inner.fixed_size_list();
      continue;
    }
    if (inner.compression_case() != Enc::kFlat) {
      return NotSupportedIn(
          enc, ctx, std::string("items encoded as '") + CompressiveEncodingName(inner) + "'");
    }
    if (inner.flat().has_data()) {
      return NotSupportedIn(enc, ctx, "buffer compression of the items");
    }
    layout.item_bits = inner.flat().bits_per_value();
    if (layout.item_bits == 0) return Status::Corruption("fixed_size_list: item width 0");
    break;
  }
  if (layout.num_validity > 1) {
    return NotSupportedIn(enc, ctx, "more than one validity layer in nested fixed-size lists");
  }
  uint64_t row_bits;
  if (__builtin_mul_overflow(layout.cum_dim, layout.item_bits, &row_bits) ||
      row_bits > (uint64_t{1} << 40)) {
    return Status::Corruption("fixed_size_list: row width overflow");
  }
  return layout;
}

Result<DataBlock> FslMiniBlock(const pb::FixedSizeList& fsl, std::vector<Buffer>& buffers,
                               uint64_t n, const Enc& enc) {
  LANCET_ASSIGN_OR_RETURN(FslLayout layout, ParseFsl(fsl, Ctx::kMiniBlock, enc));
  const size_t expected = static_cast<size_t>(layout.num_validity) + 1;
  if (buffers.size() != expected) {
    return Corrupt("fixed_size_list", "mini-block chunk has " + Str(buffers.size()) +
                                          " buffers, expected " + Str(expected));
  }
  const uint64_t row_bits = layout.cum_dim * layout.item_bits;
  LANCET_ASSIGN_OR_RETURN(uint64_t need, PackedBytes("fixed_size_list", n, row_bits));
  const Buffer& data = buffers.back();
  if (static_cast<uint64_t>(data.size()) < need) {
    return Corrupt("fixed_size_list",
                   "values need " + Str(need) + " bytes, got " + Str(data.size()));
  }
  DataBlock out = FixedBlock(row_bits, n, data.Slice(0, static_cast<int64_t>(need)));
  if (layout.num_validity == 1) {
    LANCET_ASSIGN_OR_RETURN(uint64_t vneed,
                            PackedBytes("fixed_size_list", n, layout.validity_bits));
    if (static_cast<uint64_t>(buffers[0].size()) < vneed) {
      return Corrupt("fixed_size_list",
                     "item validity needs " + Str(vneed) + " bytes, got " + Str(buffers[0].size()));
    }
    out.fsl_validity = buffers[0].Slice(0, static_cast<int64_t>(vneed));
  }
  return out;
}

// Copy `nbits` bits from `src` (starting at bit 0) to `dst` starting at bit `at`; `dst` must be
// zero-initialized there.
void AppendBits(const uint8_t* src, uint64_t nbits, uint8_t* dst, uint64_t at) {
  if (nbits == 0) return;
  const uint64_t full = nbits / 8;
  const uint32_t rem = static_cast<uint32_t>(nbits % 8);
  const uint32_t shift = static_cast<uint32_t>(at % 8);
  uint8_t* d = dst + at / 8;
  if (shift == 0) {
    std::memcpy(d, src, full);
    if (rem) d[full] = static_cast<uint8_t>(src[full] & ((1u << rem) - 1));
    return;
  }
  auto put = [&](uint64_t k, uint32_t v) {  // v holds <= 8 bits
    d[k] = static_cast<uint8_t>(d[k] | (v << shift));
    const uint32_t hi = v >> (8 - shift);
    if (hi) d[k + 1] = static_cast<uint8_t>(d[k + 1] | hi);
  };
  for (uint64_t k = 0; k < full; ++k) put(k, src[k]);
  if (rem) put(full, src[full] & ((1u << rem) - 1));
}

Result<DataBlock> FslPerValue(const pb::FixedSizeList& fsl, const Buffer& data, uint64_t n,
                              const Enc& enc) {
  LANCET_ASSIGN_OR_RETURN(FslLayout layout, ParseFsl(fsl, Ctx::kFixedPerValue, enc));
  const uint64_t row_bits = layout.cum_dim * layout.item_bits;
  if (layout.num_validity == 0) {
    LANCET_ASSIGN_OR_RETURN(uint64_t need, PackedBytes("fixed_size_list", n, row_bits));
    if (static_cast<uint64_t>(data.size()) < need) {
      return Corrupt("fixed_size_list",
                     "values need " + Str(need) + " bytes, got " + Str(data.size()));
    }
    return FixedBlock(row_bits, n, data.Slice(0, static_cast<int64_t>(need)));
  }
  // Each value is [ceil(validity_bits / 8) bytes of item validity][row bytes of items].
  if (layout.item_bits % 8 != 0) {
    return NotSupportedIn(enc, Ctx::kFixedPerValue, "item validity with sub-byte items");
  }
  const uint64_t row_bytes = row_bits / 8;
  const uint64_t stride = layout.validity_bytes + row_bytes;
  LANCET_ASSIGN_OR_RETURN(uint64_t need, PackedBytes("fixed_size_list", n, stride * 8));
  if (static_cast<uint64_t>(data.size()) < need) {
    return Corrupt("fixed_size_list", Str(n) + " values of " + Str(stride) + " bytes need " +
                                          Str(need) + " bytes, got " + Str(data.size()));
  }
  LANCET_ASSIGN_OR_RETURN(uint64_t vbytes, PackedBytes("fixed_size_list", n, layout.validity_bits));
  std::vector<uint8_t> values(static_cast<size_t>(n * row_bytes));
  std::vector<uint8_t> validity(static_cast<size_t>(vbytes), 0);
  const uint8_t* src = data.data();
  for (uint64_t r = 0; r < n; ++r) {
    const uint8_t* row = src + r * stride;
    AppendBits(row, layout.validity_bits, validity.data(), r * layout.validity_bits);
    std::memcpy(values.data() + r * row_bytes, row + layout.validity_bytes, row_bytes);
  }
  DataBlock out = FixedBlock(row_bits, n, Buffer::FromVector(std::move(values)));
  out.fsl_validity = Buffer::FromVector(std::move(validity));
  return out;
}

// ---- Packed structs.

Result<DataBlock> PackedStructMiniBlock(const pb::PackedStruct& ps, const Buffer& data, uint64_t n,
                                        const Enc& enc) {
  if (!ps.has_values() || ps.values().compression_case() != Enc::kFlat) {
    return NotSupportedIn(enc, Ctx::kMiniBlock, "values must be Flat");
  }
  const uint64_t row_bits = ps.values().flat().bits_per_value();
  if (ps.values().flat().has_data()) {
    return NotSupportedIn(enc, Ctx::kMiniBlock, "buffer compression of the rows");
  }
  if (ps.bits_per_value_size() == 0) return Status::Corruption("packed_struct: no fields");
  uint64_t sum = 0;
  for (uint64_t bits : ps.bits_per_value()) {
    if (bits == 0 || bits % 8 != 0 || bits > (uint64_t{1} << 32)) {
      return Corrupt("packed_struct",
                     "field width " + Str(bits) + " is not a positive whole number of bytes");
    }
    sum += bits;
  }
  if (sum != row_bits) {
    return Corrupt("packed_struct",
                   "field widths sum to " + Str(sum) + " bits but rows are " + Str(row_bits));
  }
  const uint64_t stride = row_bits / 8;
  LANCET_ASSIGN_OR_RETURN(uint64_t need, PackedBytes("packed_struct", n, row_bits));
  if (static_cast<uint64_t>(data.size()) < need) {
    return Corrupt("packed_struct", "rows need " + Str(need) + " bytes, got " + Str(data.size()));
  }
  DataBlock out;
  out.kind = DataBlock::Kind::kStruct;
  out.num_values = n;
  const uint8_t* src = data.data();
  uint64_t field_offset = 0;
  for (uint64_t bits : ps.bits_per_value()) {
    const uint64_t w = bits / 8;
    std::vector<uint8_t> child(static_cast<size_t>(n * w));
    uint8_t* dst = child.data();
    const uint8_t* s = src + field_offset;
    switch (w) {
      case 1:
        for (uint64_t r = 0; r < n; ++r) dst[r] = s[r * stride];
        break;
      case 2:
        for (uint64_t r = 0; r < n; ++r) std::memcpy(dst + 2 * r, s + r * stride, 2);
        break;
      case 4:
        for (uint64_t r = 0; r < n; ++r) std::memcpy(dst + 4 * r, s + r * stride, 4);
        break;
      case 8:
        for (uint64_t r = 0; r < n; ++r) std::memcpy(dst + 8 * r, s + r * stride, 8);
        break;
      default:
        for (uint64_t r = 0; r < n; ++r) std::memcpy(dst + w * r, s + r * stride, w);
    }
    out.children.push_back(FixedBlock(bits, n, Buffer::FromVector(std::move(child))));
    field_offset += w;
  }
  return out;
}

// Validate a caller-provided kVariableWidth block; rebase its offsets to 0 if needed.
Result<DataBlock> CheckVariable(std::string_view what, const DataBlock& values) {
  if (values.kind != DataBlock::Kind::kVariableWidth) {
    return Status::InvalidArgument(std::string(what) + ": expected a variable-width block");
  }
  const uint32_t bits = values.offset_bits;
  if (bits != 32 && bits != 64) {
    return Status::InvalidArgument(std::string(what) + ": offsets must be 32 or 64 bits");
  }
  const uint64_t n = values.num_values;
  if (n >= std::numeric_limits<uint64_t>::max() / 8 ||
      static_cast<uint64_t>(values.offsets.size()) < (n + 1) * (bits / 8)) {
    return Corrupt(what, "offsets buffer of " + Str(values.offsets.size()) + " bytes is too " +
                             "small for " + Str(n) + " values");
  }
  DataBlock out = values;
  LANCET_ASSIGN_OR_RETURN(out.offsets,
                          RebaseOffsets(what, values.offsets, values.offsets.data(), bits, n, 0,
                                        static_cast<uint64_t>(values.data.size())));
  const uint64_t first = LoadOffset(values.offsets.data(), bits, 0);
  const uint64_t last = LoadOffset(values.offsets.data(), bits, n);
  out.data = values.data.Slice(static_cast<int64_t>(first), static_cast<int64_t>(last - first));
  return out;
}

Result<DataBlock> VariablePackedStructPerValue(const pb::VariablePackedStruct& vps,
                                               const DataBlock& rows) {
  LANCET_ASSIGN_OR_RETURN(DataBlock checked, CheckVariable("variable_packed_struct", rows));
  const uint64_t n = checked.num_values;
  const int nf = vps.fields_size();
  if (nf == 0) return Status::Corruption("variable_packed_struct: no fields");
  struct Acc {
    bool fixed = true;
    uint64_t width = 0;  // bytes per fixed value, or bytes of the length prefix
    std::vector<uint8_t> data;
    std::vector<uint64_t> offsets;
  };
  std::vector<Acc> accs(static_cast<size_t>(nf));
  for (int f = 0; f < nf; ++f) {
    const auto& fe = vps.fields(f);
    Acc& acc = accs[static_cast<size_t>(f)];
    if (!fe.has_value()) {
      return Corrupt("variable_packed_struct", "field " + Str(f) + " has no value encoding");
    }
    switch (fe.layout_case()) {
      case pb::VariablePackedStruct::FieldEncoding::kBitsPerValue:
        if (fe.bits_per_value() % 8 != 0 || fe.bits_per_value() > (uint64_t{1} << 32)) {
          return Corrupt("variable_packed_struct", "field " + Str(f) + " width " +
                                                       Str(fe.bits_per_value()) +
                                                       " is not a whole number of bytes");
        }
        acc.fixed = true;
        acc.width = fe.bits_per_value() / 8;
        break;
      case pb::VariablePackedStruct::FieldEncoding::kBitsPerLength:
        if (fe.bits_per_length() != 32 && fe.bits_per_length() != 64) {
          return Corrupt("variable_packed_struct", "field " + Str(f) + " length prefix of " +
                                                       Str(fe.bits_per_length()) + " bits");
        }
        acc.fixed = false;
        acc.width = fe.bits_per_length() / 8;
        acc.offsets.reserve(n + 1);
        acc.offsets.push_back(0);
        break;
      default:
        return Corrupt("variable_packed_struct", "field " + Str(f) + " has no layout");
    }
  }
  const uint32_t obits = checked.offset_bits;
  const uint8_t* base = checked.data.data();
  for (uint64_t r = 0; r < n; ++r) {
    uint64_t cursor = LoadOffset(checked.offsets.data(), obits, r);
    const uint64_t end = LoadOffset(checked.offsets.data(), obits, r + 1);
    for (Acc& acc : accs) {
      if (acc.fixed) {
        if (end - cursor < acc.width) {
          return Corrupt("variable_packed_struct", "row " + Str(r) + " is too short");
        }
        acc.data.insert(acc.data.end(), base + cursor, base + cursor + acc.width);
        cursor += acc.width;
      } else {
        if (end - cursor < acc.width) {
          return Corrupt("variable_packed_struct", "row " + Str(r) + " is too short for a length");
        }
        const uint64_t len =
            acc.width == 4 ? Load<uint32_t>(base + cursor) : Load<uint64_t>(base + cursor);
        cursor += acc.width;
        if (end - cursor < len) {
          return Corrupt("variable_packed_struct",
                         "row " + Str(r) + " value of " + Str(len) + " bytes exceeds the row");
        }
        acc.data.insert(acc.data.end(), base + cursor, base + cursor + len);
        cursor += len;
        if (acc.width == 4 && acc.data.size() > std::numeric_limits<uint32_t>::max()) {
          return Corrupt("variable_packed_struct", "field data overflows 32-bit offsets");
        }
        acc.offsets.push_back(acc.data.size());
      }
    }
    if (cursor != end) {
      return Corrupt("variable_packed_struct",
                     "row " + Str(r) + " has " + Str(end - cursor) + " trailing bytes");
    }
  }
  DataBlock out;
  out.kind = DataBlock::Kind::kStruct;
  out.num_values = n;
  for (int f = 0; f < nf; ++f) {
    Acc& acc = accs[static_cast<size_t>(f)];
    const Enc& value_enc = vps.fields(f).value();
    if (acc.fixed) {
      LANCET_ASSIGN_OR_RETURN(
          DataBlock child,
          DecompressFixedPerValue(value_enc, Buffer::FromVector(std::move(acc.data)), n));
      out.children.push_back(std::move(child));
    } else {
      const uint32_t bits = static_cast<uint32_t>(acc.width * 8);
      std::vector<uint8_t> offs((n + 1) * acc.width);
      for (uint64_t i = 0; i <= n; ++i) {
        if (bits == 32) {
          const uint32_t v = static_cast<uint32_t>(acc.offsets[i]);
          std::memcpy(offs.data() + 4 * i, &v, 4);
        } else {
          std::memcpy(offs.data() + 8 * i, &acc.offsets[i], 8);
        }
      }
      DataBlock block = VariableBlock(bits, n, Buffer::FromVector(std::move(offs)),
                                      Buffer::FromVector(std::move(acc.data)));
      LANCET_ASSIGN_OR_RETURN(DataBlock child, DecompressVariablePerValue(value_enc, block));
      out.children.push_back(std::move(child));
    }
  }
  return out;
}

// ---- Variable-width layouts.

Result<uint32_t> VariableOffsetBits(const pb::Variable& var, Ctx ctx, const Enc& enc) {
  if (var.has_values()) return NotSupportedIn(enc, ctx, "buffer compression of the values");
  if (!var.has_offsets() || var.offsets().compression_case() != Enc::kFlat) {
    return NotSupportedIn(enc, ctx, "offsets must be Flat");
  }
  const uint64_t bits = var.offsets().flat().bits_per_value();
  if (bits != 32 && bits != 64) {
    return Corrupt("variable", "offsets must be 32 or 64 bits, got " + Str(bits));
  }
  if (var.offsets().flat().has_data()) {
    return NotSupportedIn(enc, ctx, "buffer compression of the offsets");
  }
  return static_cast<uint32_t>(bits);
}

// Mini-block chunk: [(m+1) offsets relative to the chunk start][bytes][padding], m >= n.
Result<DataBlock> VariableMiniBlock(uint32_t bits, const Buffer& chunk, uint64_t n) {
  const uint64_t w = bits / 8;
  const uint64_t size = static_cast<uint64_t>(chunk.size());
  if (n == 0 && size == 0) {
    return VariableBlock(bits, 0, Buffer::Zeros(static_cast<int64_t>(w)), Buffer());
  }
  if (n >= size / w) {
    return Corrupt("variable", "chunk of " + Str(size) + " bytes cannot hold " + Str(n + 1) +
                                   " offsets of " + Str(bits) + " bits");
  }
  const uint64_t first = LoadOffset(chunk.data(), bits, 0);
  LANCET_ASSIGN_OR_RETURN(
      Buffer offsets, RebaseOffsets("variable", chunk, chunk.data(), bits, n, (n + 1) * w, size));
  const uint64_t last = LoadOffset(chunk.data(), bits, n);
  return VariableBlock(
      bits, n, std::move(offsets),
      chunk.Slice(static_cast<int64_t>(first), static_cast<int64_t>(last - first)));
}

// Block: [u32 32][u32 data_start][offsets][bytes] or [u64 64][u64 data_start][offsets][bytes];
// an older layout stored [u8 bits][u32|u64 num_values][u32|u64 data_start].
Result<DataBlock> VariableBlockDecode(const Buffer& buf, uint64_t n) {
  const uint8_t* p = buf.data();
  const uint64_t size = static_cast<uint64_t>(buf.size());
  if (size < 4) return Corrupt("variable", "block of " + Str(size) + " bytes is too short");
  const bool old_scheme = p[1] != 0 || p[2] != 0 || p[3] != 0;
  uint32_t bits;
  uint64_t data_start;
  uint64_t offsets_start;
  if (old_scheme) {
    bits = p[0];
    if (bits == 32) {
      if (size < 9) return Corrupt("variable", "block header truncated");
      data_start = Load<uint32_t>(p + 5);
      offsets_start = 9;
    } else if (bits == 64) {
      if (size < 17) return Corrupt("variable", "block header truncated");
      data_start = Load<uint64_t>(p + 9);
      offsets_start = 17;
    } else {
      return Corrupt("variable", "unsupported bits per offset " + Str(bits));
    }
  } else {
    bits = Load<uint32_t>(p);
    if (bits == 32) {
      if (size < 8) return Corrupt("variable", "block header truncated");
      data_start = Load<uint32_t>(p + 4);
      offsets_start = 8;
    } else if (bits == 64) {
      if (size < 16) return Corrupt("variable", "block header truncated");
      data_start = Load<uint64_t>(p + 8);
      offsets_start = 16;
    } else {
      return Corrupt("variable", "unsupported bits per offset " + Str(bits));
    }
  }
  const uint64_t w = bits / 8;
  if (data_start < offsets_start || data_start > size) {
    return Corrupt("variable",
                   "data start " + Str(data_start) + " outside the " + Str(size) + "-byte block");
  }
  if ((data_start - offsets_start) / w < n + 1 || n >= size) {
    return Corrupt("variable", "block holds " + Str((data_start - offsets_start) / w) +
                                   " offsets, need " + Str(n + 1));
  }
  Buffer data =
      buf.Slice(static_cast<int64_t>(data_start), static_cast<int64_t>(size - data_start));
  const uint8_t* offs = p + offsets_start;
  const uint64_t first = LoadOffset(offs, bits, 0);
  LANCET_ASSIGN_OR_RETURN(Buffer offsets,
                          RebaseOffsets("variable", buf, offs, bits, n, 0, size - data_start));
  const uint64_t last = LoadOffset(offs, bits, n);
  return VariableBlock(bits, n, std::move(offsets),
                       data.Slice(static_cast<int64_t>(first), static_cast<int64_t>(last - first)));
}

// ---- Context dispatchers.

Result<DataBlock> MiniBlock(const Enc& enc, std::vector<Buffer>& buffers, uint64_t n);

Status ExpectBuffers(const Enc& enc, const std::vector<Buffer>& buffers, size_t expected) {
  if (buffers.size() == expected) return Status::OK();
  return Status::Corruption(std::string(CompressiveEncodingName(enc)) + ": mini-block chunk has " +
                            Str(buffers.size()) + " value buffers, expected " + Str(expected));
}

// Rle{values: Flat 8/16/32/64, run_lengths: Flat 8} is the only form Lance writes; returns the
// run value width.
Result<uint32_t> RleValueBits(const Enc& enc, Ctx ctx) {
  const pb::Rle& rle = enc.rle();
  if (!rle.has_values() || rle.values().compression_case() != Enc::kFlat ||
      rle.values().flat().has_data()) {
    return NotSupportedIn(enc, ctx, "run values must be uncompressed Flat");
  }
  if (!rle.has_run_lengths() || rle.run_lengths().compression_case() != Enc::kFlat ||
      rle.run_lengths().flat().bits_per_value() != 8 || rle.run_lengths().flat().has_data()) {
    return NotSupportedIn(enc, ctx, "run lengths must be Flat 8-bit");
  }
  return WordBits("rle", rle.values().flat().bits_per_value());
}

Result<DataBlock> MiniBlock(const Enc& enc, std::vector<Buffer>& buffers, uint64_t n) {
  constexpr Ctx ctx = Ctx::kMiniBlock;
  switch (enc.compression_case()) {
    case Enc::kFlat:
      LANCET_RETURN_NOT_OK(ExpectBuffers(enc, buffers, 1));
      return DecodeFlat(enc.flat(), buffers[0], n);
    case Enc::kVariable: {
      LANCET_RETURN_NOT_OK(ExpectBuffers(enc, buffers, 1));
      LANCET_ASSIGN_OR_RETURN(uint32_t bits, VariableOffsetBits(enc.variable(), ctx, enc));
      return VariableMiniBlock(bits, buffers[0], n);
    }
    case Enc::kConstant:
      return ConstantBlock(enc.constant(), n);
    case Enc::kOutOfLineBitpacking:
      LANCET_RETURN_NOT_OK(ExpectBuffers(enc, buffers, 1));
      return DecodeOutOfLine(enc.out_of_line_bitpacking(), buffers[0], n, ctx, enc);
    case Enc::kInlineBitpacking:
      LANCET_RETURN_NOT_OK(ExpectBuffers(enc, buffers, 1));
      return DecodeInline(enc.inline_bitpacking(), buffers[0], n, ctx, enc);
    case Enc::kFsst: {
      if (!enc.fsst().has_values()) return Status::Corruption("fsst: missing values encoding");
      LANCET_ASSIGN_OR_RETURN(DataBlock inner, MiniBlock(enc.fsst().values(), buffers, n));
      return ApplyFsst(enc.fsst(), inner);
    }
    case Enc::kRle: {
      LANCET_RETURN_NOT_OK(ExpectBuffers(enc, buffers, 2));
      LANCET_ASSIGN_OR_RETURN(uint32_t wbits, RleValueBits(enc, ctx));
      const uint64_t bits = wbits;
      LANCET_ASSIGN_OR_RETURN(
          Buffer out,
          RleDecode(buffers[0].data(), static_cast<size_t>(buffers[0].size()), buffers[1].data(),
                    static_cast<size_t>(buffers[1].size()), wbits, n));
      return FixedBlock(bits, n, std::move(out));
    }
    case Enc::kByteStreamSplit: {
      LANCET_RETURN_NOT_OK(ExpectBuffers(enc, buffers, 1));
      const pb::ByteStreamSplit& bss = enc.byte_stream_split();
      if (!bss.has_values() || bss.values().compression_case() != Enc::kFlat ||
          bss.values().flat().has_data()) {
        return NotSupportedIn(enc, ctx, "values must be uncompressed Flat");
      }
      const uint64_t bits = bss.values().flat().bits_per_value();
      if (bits == 0 || bits % 8 != 0 || bits > 1024) {
        return Corrupt("byte_stream_split", "unsupported value width " + Str(bits));
      }
      LANCET_ASSIGN_OR_RETURN(
          Buffer out,
          ByteStreamSplitDecode(buffers[0].data(), static_cast<size_t>(buffers[0].size()),
                                static_cast<uint32_t>(bits), n));
      return FixedBlock(bits, n, std::move(out));
    }
    case Enc::kGeneral: {
      const pb::General& g = enc.general();
      if (!g.has_values()) return Status::Corruption("general: missing values encoding");
      if (!g.has_compression()) return Status::Corruption("general: missing compression");
      if (buffers.empty()) return Status::Corruption("general: mini-block chunk has no buffers");
      LANCET_ASSIGN_OR_RETURN(buffers[0], DecompressBuffer(g.compression(), buffers[0]));
      return MiniBlock(g.values(), buffers, n);
    }
    case Enc::kFixedSizeList:
      return FslMiniBlock(enc.fixed_size_list(), buffers, n, enc);
    case Enc::kPackedStruct:
      LANCET_RETURN_NOT_OK(ExpectBuffers(enc, buffers, 1));
      return PackedStructMiniBlock(enc.packed_struct(), buffers[0], n, enc);
    case Enc::kDictionary:
      return NotSupportedIn(enc, ctx, "Lance defines no layout for the compressive dictionary");
    case Enc::kVariablePackedStruct:
      return NotSupportedIn(enc, ctx, "Lance writes it only per value");
    case Enc::COMPRESSION_NOT_SET:
      return Status::Corruption("compressive encoding has no variant set");
  }
  return NotSupportedIn(enc, ctx);
}

Result<DataBlock> Block(const Enc& enc, const Buffer& data, uint64_t n) {
  constexpr Ctx ctx = Ctx::kBlock;
  switch (enc.compression_case()) {
    case Enc::kFlat:
      return DecodeFlat(enc.flat(), data, n);
    case Enc::kConstant:
      return ConstantBlock(enc.constant(), n);
    case Enc::kVariable: {
      // The block header carries the offset width; Lance writes Flat offsets of that width.
      const pb::Variable& var = enc.variable();
      if (var.has_values()) return NotSupportedIn(enc, ctx, "buffer compression of the values");
      if (var.has_offsets() && (var.offsets().compression_case() != Enc::kFlat ||
                                var.offsets().flat().has_data())) {
        return NotSupportedIn(enc, ctx, "offsets must be uncompressed Flat");
      }
      return VariableBlockDecode(data, n);
    }
    case Enc::kInlineBitpacking:
      return DecodeInline(enc.inline_bitpacking(), data, n, ctx, enc);
    case Enc::kOutOfLineBitpacking:
      return DecodeOutOfLine(enc.out_of_line_bitpacking(), data, n, ctx, enc);
    case Enc::kRle: {
      // [u64 values byte size][run values][u8 run lengths] (2.2 rep/def level buffers).
      LANCET_ASSIGN_OR_RETURN(uint32_t wbits, RleValueBits(enc, ctx));
      LANCET_ASSIGN_OR_RETURN(
          Buffer out, RleDecodeBlock(data.data(), static_cast<size_t>(data.size()), wbits, n));
      return FixedBlock(wbits, n, std::move(out));
    }
    case Enc::kFixedSizeList: {
      LANCET_ASSIGN_OR_RETURN(FslLayout layout, ParseFsl(enc.fixed_size_list(), ctx, enc));
      if (layout.num_validity > 0) return NotSupportedIn(enc, ctx, "item validity");
      const uint64_t row_bits = layout.cum_dim * layout.item_bits;
      LANCET_ASSIGN_OR_RETURN(uint64_t need, PackedBytes("fixed_size_list", n, row_bits));
      if (static_cast<uint64_t>(data.size()) < need) {
        return Corrupt("fixed_size_list",
                       "values need " + Str(need) + " bytes, got " + Str(data.size()));
      }
      return FixedBlock(row_bits, n, data.Slice(0, static_cast<int64_t>(need)));
    }
    case Enc::kGeneral: {
      const pb::General& g = enc.general();
      if (!g.has_values()) return Status::Corruption("general: missing values encoding");
      if (!g.has_compression()) return Status::Corruption("general: missing compression");
      LANCET_ASSIGN_OR_RETURN(Buffer raw, DecompressBuffer(g.compression(), data));
      return Block(g.values(), raw, n);
    }
    case Enc::COMPRESSION_NOT_SET:
      return Status::Corruption("compressive encoding has no variant set");
    default:
      return NotSupportedIn(enc, ctx);
  }
}

}  // namespace

const char* CompressiveEncodingName(const pbCompressiveEncoding& encoding) {
  switch (encoding.compression_case()) {
    case Enc::kFlat:
      return "flat";
    case Enc::kVariable:
      return "variable";
    case Enc::kConstant:
      return "constant";
    case Enc::kOutOfLineBitpacking:
      return "out_of_line_bitpacking";
    case Enc::kInlineBitpacking:
      return "inline_bitpacking";
    case Enc::kFsst:
      return "fsst";
    case Enc::kDictionary:
      return "dictionary";
    case Enc::kRle:
      return "rle";
    case Enc::kByteStreamSplit:
      return "byte_stream_split";
    case Enc::kGeneral:
      return "general";
    case Enc::kFixedSizeList:
      return "fixed_size_list";
    case Enc::kPackedStruct:
      return "packed_struct";
    case Enc::kVariablePackedStruct:
      return "variable_packed_struct";
    case Enc::COMPRESSION_NOT_SET:
      return "unset";
  }
  return "unknown";
}

Result<DataBlock> DecompressMiniBlockChunk(const pbCompressiveEncoding& encoding,
                                           std::vector<Buffer> buffers, uint64_t num_values) {
  return MiniBlock(encoding, buffers, num_values);
}

Result<DataBlock> DecompressBlock(const pbCompressiveEncoding& encoding, const Buffer& data,
                                  uint64_t num_values) {
  return Block(encoding, data, num_values);
}

Result<DataBlock> DecompressFixedPerValue(const pbCompressiveEncoding& encoding, const Buffer& data,
                                          uint64_t num_values) {
  constexpr Ctx ctx = Ctx::kFixedPerValue;
  switch (encoding.compression_case()) {
    case Enc::kFlat:
      if (encoding.flat().has_data()) {
        return NotSupportedIn(encoding, ctx, "buffer compression of the values");
      }
      return DecodeFlat(encoding.flat(), data, num_values);
    case Enc::kFixedSizeList:
      return FslPerValue(encoding.fixed_size_list(), data, num_values, encoding);
    case Enc::kConstant:
      return ConstantBlock(encoding.constant(), num_values);
    case Enc::COMPRESSION_NOT_SET:
      return Status::Corruption("compressive encoding has no variant set");
    default:
      return NotSupportedIn(encoding, ctx);
  }
}

Result<DataBlock> DecompressVariablePerValue(const pbCompressiveEncoding& encoding,
                                             const DataBlock& values) {
  constexpr Ctx ctx = Ctx::kVariablePerValue;
  switch (encoding.compression_case()) {
    case Enc::kVariable: {
      LANCET_RETURN_NOT_OK(VariableOffsetBits(encoding.variable(), ctx, encoding).status());
      return CheckVariable("variable", values);
    }
    case Enc::kFsst: {
      const pb::Fsst& fsst = encoding.fsst();
      DataBlock inner;
      if (fsst.has_values()) {
        LANCET_ASSIGN_OR_RETURN(inner, DecompressVariablePerValue(fsst.values(), values));
      } else {
        LANCET_ASSIGN_OR_RETURN(inner, CheckVariable("fsst", values));
      }
      return ApplyFsst(fsst, inner);
    }
    case Enc::kGeneral: {
      const pb::General& g = encoding.general();
      if (!g.has_compression()) return Status::Corruption("general: missing compression");
      LANCET_ASSIGN_OR_RETURN(GeneralScheme scheme, SchemeOf(g.compression()));
      LANCET_ASSIGN_OR_RETURN(DataBlock in, CheckVariable("general", values));
      DataBlock out;
      out.kind = DataBlock::Kind::kVariableWidth;
      out.num_values = in.num_values;
      out.offset_bits = in.offset_bits;
      LANCET_RETURN_NOT_OK(GeneralDecompressPerValue(
          scheme, in.data.data(), static_cast<size_t>(in.data.size()), in.offsets.data(),
          in.offset_bits, in.num_values, &out.data, &out.offsets));
      // The wrapped encoding applies to the decompressed values (Variable is the identity).
      if (g.has_values() && g.values().compression_case() != Enc::kVariable) {
        return DecompressVariablePerValue(g.values(), out);
      }
      return out;
    }
    case Enc::kVariablePackedStruct:
      return VariablePackedStructPerValue(encoding.variable_packed_struct(), values);
    case Enc::COMPRESSION_NOT_SET:
      return Status::Corruption("compressive encoding has no variant set");
    default:
      return NotSupportedIn(encoding, ctx);
  }
}

}  // namespace lancet::encoding
