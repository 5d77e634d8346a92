// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The lancet authors
//
// Decoder for Lance file format 2.0 (footer version 0.3): the `lance.encodings.ArrayEncoding`
// page encodings written by Lance's legacy ("previous") encoder strategy, and the 2.0 column
// layout (one column per field of the subtree; list offsets and struct headers have their own
// columns).
//
// Decoding is organised as a tree of nodes, one per encoding node of each page that overlaps the
// requested rows (plus list/struct nodes at the field level). Nodes describe the byte ranges they
// need; the driver issues all ranges of a round in one RangeReader::ReadRanges call and advances
// the nodes, which may request more ranges (Binary: offsets first, then exactly the bytes of the
// requested rows; List: offsets first, then the items of the requested lists) until every node is
// done. Everything read from the file is validated; inconsistencies are Corruption.
#include <lz4.h>
#include <zstd.h>

#include <algorithm>
#include <climits>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "encodings_v2_0.pb.h"
#include "lancet/core/array.h"
#include "lancet/encoding/field_codec.h"
#include "lancet/encoding/v20_describe.h"
#include "lancet/encoding/v20_internal.h"

namespace lancet::encoding {

namespace pb = ::lance::encodings;

// ------------------------------------------------------------------------------------------------
// Shared helpers (declared in v20_internal.h).
// ------------------------------------------------------------------------------------------------
namespace v20 {

void CopyBits(const uint8_t* src, int64_t src_off, uint8_t* dst, int64_t dst_off, int64_t n) {
  if (n <= 0) return;
  if ((src_off & 7) == 0 && (dst_off & 7) == 0) {
    int64_t whole = n >> 3;
    if (whole > 0) std::memcpy(dst + (dst_off >> 3), src + (src_off >> 3), whole);
    for (int64_t i = whole << 3; i < n; ++i) {
      if (GetBit(src, src_off + i)) {
        SetBit(dst, dst_off + i);
      } else {
        ClearBit(dst, dst_off + i);
      }
    }
    return;
  }
  for (int64_t i = 0; i < n; ++i) {
    if (GetBit(src, src_off + i)) {
      SetBit(dst, dst_off + i);
    } else {
      ClearBit(dst, dst_off + i);
    }
  }
}

Buffer SliceBits(const uint8_t* bits, int64_t off, int64_t n) {
  std::vector<uint8_t> out(static_cast<size_t>((n + 7) / 8), 0);
  CopyBits(bits, off, out.data(), 0, n);
  return Buffer::FromVector(std::move(out));
}

int64_t CountZeroBits(const uint8_t* bits, int64_t off, int64_t n) {
  int64_t ones = 0;
  int64_t i = 0;
  while (i < n && ((off + i) & 7) != 0) ones += GetBit(bits, off + i++);
  while (i + 8 <= n) {
    ones += __builtin_popcount(bits[(off + i) >> 3]);
    i += 8;
  }
  while (i < n) ones += GetBit(bits, off + i++);
  return n - ones;
}

namespace {

Result<std::vector<uint8_t>> ZstdStreamDecompress(const uint8_t* data, size_t size, int64_t limit) {
  std::unique_ptr<ZSTD_DCtx, size_t (*)(ZSTD_DCtx*)> dctx(ZSTD_createDCtx(), ZSTD_freeDCtx);
  if (!dctx) return Status::OutOfMemory("cannot create a zstd context");
  std::vector<uint8_t> out;
  ZSTD_inBuffer in{data, size, 0};
  const size_t chunk = ZSTD_DStreamOutSize();
  size_t last = 0;
  while (true) {
    size_t old = out.size();
    out.resize(old + chunk);
    ZSTD_outBuffer ob{out.data() + old, chunk, 0};
    last = ZSTD_decompressStream(dctx.get(), &ob, &in);
    if (ZSTD_isError(last)) {
      return Status::Corruption(std::string("zstd: ") + ZSTD_getErrorName(last));
    }
    out.resize(old + ob.pos);
    if (static_cast<int64_t>(out.size()) > limit) {
      return Status::Corruption("zstd buffer decompresses to more than " + std::to_string(limit) +
                                " bytes");
    }
    bool output_full = ob.pos == ob.size;
    if (in.pos == in.size && !output_full) break;
  }
  if (last != 0) return Status::Corruption("zstd: truncated stream");
  return out;
}

uint64_t LoadLE64(const uint8_t* p) {
  uint64_t v;
  std::memcpy(&v, p, 8);
  return v;
}

}  // namespace

Result<Buffer> DecompressBuffer(std::string_view scheme, const Buffer& input) {
  const uint8_t* p = input.data();
  const size_t n = static_cast<size_t>(input.size());
  if (scheme == "zstd") {
    if (n == 0) return Buffer();
    bool raw = true;  // Lance accepts a bare zstd stream or an 8-byte length prefix + stream.
    if (n >= 8) {
      uint32_t magic;
      std::memcpy(&magic, p, 4);
      raw = magic == 0xFD2FB528u && (p[4] & 0x10) == 0;
    }
    if (raw) {
      LANCET_ASSIGN_OR_RETURN(std::vector<uint8_t> out,
                              ZstdStreamDecompress(p, n, kMaxDecompressedBytes));
      return Buffer::FromVector(std::move(out));
    }
    uint64_t expected = LoadLE64(p);
    if (expected > static_cast<uint64_t>(kMaxDecompressedBytes)) {
      return Status::Corruption("zstd buffer claims " + std::to_string(expected) + " bytes");
    }
    LANCET_ASSIGN_OR_RETURN(std::vector<uint8_t> out,
                            ZstdStreamDecompress(p + 8, n - 8, static_cast<int64_t>(expected)));
    if (out.size() != expected) {
      return Status::Corruption("zstd buffer decompressed to " + std::to_string(out.size()) +
                                " bytes, expected " + std::to_string(expected));
    }
    return Buffer::FromVector(std::move(out));
  }
  if (scheme == "lz4") {
    if (n < 4) return Status::Corruption("lz4 buffer shorter than its size prefix");
    uint32_t expected;
    std::memcpy(&expected, p, 4);
    if (static_cast<int64_t>(expected) > kMaxDecompressedBytes ||
        n - 4 > static_cast<size_t>(INT32_MAX)) {
      return Status::Corruption("lz4 buffer too large");
    }
    std::vector<uint8_t> out(expected);
    int got = LZ4_decompress_safe(reinterpret_cast<const char*>(p + 4),
                                  reinterpret_cast<char*>(out.data()), static_cast<int>(n - 4),
                                  static_cast<int>(expected));
    if (got < 0 || static_cast<uint32_t>(got) != expected) {
      return Status::Corruption("lz4: malformed block");
    }
    return Buffer::FromVector(std::move(out));
  }
  return Status::NotSupported("Flat compression scheme '" + std::string(scheme) + "'");
}

bool IsPackedStructField(const Field& field) {
  if (!field.type || field.type->id() != TypeId::kStruct) return false;
  auto legacy = field.metadata.find("packed");
  if (legacy != field.metadata.end()) return legacy->second == "true";
  return field.metadata.count("lance-encoding:packed") > 0;
}

int NumColumnsV20(const Field& field) {
  if (!field.type) return 1;
  const DataType& t = *field.type;
  if (t.id() == TypeId::kStruct && IsPackedStructField(field)) return 1;
  int n = 1;
  if (t.id() == TypeId::kStruct || t.is_list_like()) {
    for (const Field& c : t.children()) n += NumColumnsV20(c);
  }
  return n;
}

}  // namespace v20

namespace {

using v20::CopyBits;
using v20::CountZeroBits;
using v20::GetBit;

using ValueRanges = std::vector<RowRange>;

uint64_t TotalRows(const ValueRanges& ranges) {
  uint64_t n = 0;
  for (const RowRange& r : ranges) n += r.size();
  return n;
}

const char* EncodingName(const pb::ArrayEncoding& e) {
  switch (e.array_encoding_case()) {
    case pb::ArrayEncoding::kFlat:
      return "flat";
    case pb::ArrayEncoding::kNullable:
      return "nullable";
    case pb::ArrayEncoding::kFixedSizeList:
      return "fixed_size_list";
    case pb::ArrayEncoding::kList:
      return "list";
    case pb::ArrayEncoding::kStruct:
      return "struct";
    case pb::ArrayEncoding::kBinary:
      return "binary";
    case pb::ArrayEncoding::kDictionary:
      return "dictionary";
    case pb::ArrayEncoding::kFsst:
      return "fsst";
    case pb::ArrayEncoding::kPackedStruct:
      return "packed_struct";
    case pb::ArrayEncoding::kBitpacked:
      return "bitpacked";
    case pb::ArrayEncoding::kFixedSizeBinary:
      return "fixed_size_binary";
    case pb::ArrayEncoding::kBitpackedForNonNeg:
      return "bitpacked_for_non_neg";
    case pb::ArrayEncoding::kConstant:
      return "constant";
    case pb::ArrayEncoding::kInlineBitpacking:
      return "inline_bitpacking";
    case pb::ArrayEncoding::kOutOfLineBitpacking:
      return "out_of_line_bitpacking";
    case pb::ArrayEncoding::kVariable:
      return "variable";
    case pb::ArrayEncoding::kPackedStructFixedWidthMiniBlock:
      return "packed_struct_fixed_width_mini_block";
    case pb::ArrayEncoding::kBlock:
      return "block";
    case pb::ArrayEncoding::kRle:
      return "rle";
    case pb::ArrayEncoding::kGeneralMiniBlock:
      return "general_mini_block";
    case pb::ArrayEncoding::kByteStreamSplit:
      return "byte_stream_split";
    case pb::ArrayEncoding::ARRAY_ENCODING_NOT_SET:
      return "<unset>";
  }
  return "<unknown>";
}

std::string TypeName(const DataTypePtr& type) { return type ? type->ToString() : "uint"; }

bool IsBinaryLike(const DataTypePtr& type) { return type && type->is_binary_like(); }

/// Bits of one fixed-width slot of `type` (bool = 1), or 0 when `type` is not fixed width.
int64_t FixedBits(const DataType& type) {
  if (type.id() == TypeId::kBool) return 1;
  return type.bit_width();
}

Result<DataTypePtr> AutoUIntType(uint64_t bits) {
  switch (bits) {
    case 8:
      return uint8();
    case 16:
      return uint16();
    case 32:
      return uint32();
    case 64:
      return uint64();
    default:
      return Status::NotSupported("integer values of " + std::to_string(bits) + " bits");
  }
}

Status CheckFixedType(const DataTypePtr& type, uint64_t bits) {
  if (!type) return AutoUIntType(bits).status();
  int64_t want = FixedBits(*type);
  if (want <= 0 || static_cast<uint64_t>(want) != bits) {
    return Status::Corruption("fixed-width encoding of " + std::to_string(bits) +
                              " bits cannot hold values of type " + type->ToString());
  }
  if (type->id() == TypeId::kFixedSizeList) {
    const DataTypePtr& item = type->value_type();
    if (type->fixed_size() <= 0 || !item) return Status::Corruption("bad fixed-size list type");
    return CheckFixedType(item, bits / static_cast<uint64_t>(type->fixed_size()));
  }
  return Status::OK();
}

/// An array of `n` fixed-width values of `bits` bits each, packed in `values` from bit 0.
Result<ArrayPtr> MakeFixedArray(const DataTypePtr& type, uint64_t bits, Buffer values, int64_t n) {
  DataTypePtr t = type;
  if (!t) {
    LANCET_ASSIGN_OR_RETURN(t, AutoUIntType(bits));
  }
  LANCET_RETURN_NOT_OK(CheckFixedType(t, bits));
  auto out = std::make_shared<ArrayData>();
  out->type = t;
  out->length = n;
  if (t->id() == TypeId::kFixedSizeList) {
    int64_t dim = t->fixed_size();
    LANCET_ASSIGN_OR_RETURN(ArrayPtr child,
                            MakeFixedArray(t->value_type(), bits / static_cast<uint64_t>(dim),
                                           std::move(values), n * dim));
    out->children.push_back(std::move(child));
  } else {
    out->values = std::move(values);
  }
  return ArrayPtr(out);
}

Result<std::vector<uint64_t>> ToU64(const ArrayData& a) {
  std::vector<uint64_t> out(static_cast<size_t>(a.length));
  const uint8_t* p = a.values.data();
  int width = 0;
  switch (a.type->id()) {
    case TypeId::kUInt8:
    case TypeId::kInt8:
      width = 1;
      break;
    case TypeId::kUInt16:
    case TypeId::kInt16:
      width = 2;
      break;
    case TypeId::kUInt32:
    case TypeId::kInt32:
      width = 4;
      break;
    case TypeId::kUInt64:
    case TypeId::kInt64:
      width = 8;
      break;
    default:
      return Status::Corruption("expected integer indices, got " + a.type->ToString());
  }
  if (a.values.size() < a.length * width) return Status::Corruption("short integer buffer");
  for (int64_t i = 0; i < a.length; ++i) {
    uint64_t v = 0;
    std::memcpy(&v, p + i * width, static_cast<size_t>(width));
    out[static_cast<size_t>(i)] = v;
  }
  return out;
}

/// Zero the bits of every null slot of a fixed-width buffer (`slot_bits` bits per slot). Returns
/// `values` itself when nothing needs to change.
Buffer ZeroNullFixedSlots(const Buffer& values, int64_t slot_bits, const uint8_t* validity,
                          int64_t n) {
  if (slot_bits <= 0) return values;
  auto slot_is_zero = [&](int64_t i) {
    if (slot_bits % 8 == 0) {
      const uint8_t* p = values.data() + i * (slot_bits / 8);
      for (int64_t k = 0; k < slot_bits / 8; ++k) {
        if (p[k]) return false;
      }
      return true;
    }
    for (int64_t k = 0; k < slot_bits; ++k) {
      if (GetBit(values.data(), i * slot_bits + k)) return false;
    }
    return true;
  };
  int64_t first = -1;
  for (int64_t i = 0; i < n; ++i) {
    if (!GetBit(validity, i) && !slot_is_zero(i)) {
      first = i;
      break;
    }
  }
  if (first < 0) return values;
  std::vector<uint8_t> copy(values.data(), values.data() + values.size());
  for (int64_t i = first; i < n; ++i) {
    if (GetBit(validity, i)) continue;
    if (slot_bits % 8 == 0) {
      std::memset(copy.data() + i * (slot_bits / 8), 0, static_cast<size_t>(slot_bits / 8));
    } else {
      for (int64_t k = 0; k < slot_bits; ++k) v20::ClearBit(copy.data(), i * slot_bits + k);
    }
  }
  return Buffer::FromVector(std::move(copy));
}

/// Give null slots their canonical content (zeros for fixed-width values and fixed-size-list
/// items, empty ranges for strings/binaries).
void CanonicalizeNullSlots(ArrayData* a) {
  if (a->null_count == 0 || a->validity.empty()) return;
  const uint8_t* valid = a->validity.data();
  const DataType& t = *a->type;
  if (t.is_binary_like()) {
    const int64_t* off = a->offsets64();
    bool dirty = false;
    for (int64_t i = 0; i < a->length && !dirty; ++i) {
      dirty = !GetBit(valid, i) && off[i + 1] != off[i];
    }
    if (!dirty) return;
    std::vector<int64_t> offsets(static_cast<size_t>(a->length + 1), 0);
    BufferBuilder bytes;
    for (int64_t i = 0; i < a->length; ++i) {
      if (GetBit(valid, i)) bytes.Append(a->values.data() + off[i], off[i + 1] - off[i]);
      offsets[static_cast<size_t>(i + 1)] = static_cast<int64_t>(bytes.size());
    }
    a->offsets = Buffer::Copy(offsets.data(), static_cast<int64_t>(offsets.size() * 8));
    a->values = bytes.Finish();
    return;
  }
  if (t.id() == TypeId::kFixedSizeList) {
    if (a->children.empty() || !a->children[0]) return;
    const ArrayData& child = *a->children[0];
    int64_t item_bits = FixedBits(*child.type);
    if (item_bits <= 0 || child.type->id() == TypeId::kFixedSizeList) return;
    Buffer zeroed = ZeroNullFixedSlots(child.values, item_bits * t.fixed_size(), valid, a->length);
    if (zeroed.data() != child.values.data()) {
      auto c = std::make_shared<ArrayData>(child);
      c->values = std::move(zeroed);
      a->children[0] = std::move(c);
    }
    return;
  }
  int64_t bits = FixedBits(t);
  if (bits > 0) a->values = ZeroNullFixedSlots(a->values, bits, valid, a->length);
}

/// Combine `values` with a validity bitmap of `n` bits (1 = valid).
Result<ArrayPtr> ApplyValidity(const ArrayPtr& values, const Buffer& bits, int64_t n) {
  if (values->length != n || bits.size() < (n + 7) / 8) {
    return Status::Corruption("validity and values disagree on the number of rows");
  }
  auto out = std::make_shared<ArrayData>(*values);
  std::vector<uint8_t> v(static_cast<size_t>((n + 7) / 8), 0);
  CopyBits(bits.data(), 0, v.data(), 0, n);
  if (!values->validity.empty()) {
    for (size_t i = 0; i < v.size(); ++i) v[i] &= values->validity.data()[i];
  }
  int64_t nulls = CountZeroBits(v.data(), 0, n);
  if (nulls == 0) {
    out->validity = Buffer();
    out->null_count = 0;
    return ArrayPtr(out);
  }
  out->validity = Buffer::FromVector(std::move(v));
  out->null_count = nulls;
  CanonicalizeNullSlots(out.get());
  return ArrayPtr(out);
}

// ------------------------------------------------------------------------------------------------
// I/O rounds.
// ------------------------------------------------------------------------------------------------

/// Collects the byte ranges of one round; Execute() reads them with a single ReadRanges call.
class ReadBatch {
 public:
  size_t Add(ByteRange range) {
    size_t handle = buffers_.size();
    buffers_.emplace_back();
    if (range.length > 0) {
      pending_.push_back(range);
      pending_handles_.push_back(handle);
    }
    return handle;
  }

  bool has_pending() const { return !pending_.empty(); }

  Status Execute(RangeReader* io) {
    if (pending_.empty()) return Status::OK();
    std::vector<ByteRange> ranges = std::move(pending_);
    std::vector<size_t> handles = std::move(pending_handles_);
    pending_.clear();
    pending_handles_.clear();
    LANCET_ASSIGN_OR_RETURN(std::vector<Buffer> got, ReadRangesChecked(io, ranges));
    for (size_t i = 0; i < got.size(); ++i) buffers_[handles[i]] = std::move(got[i]);
    return Status::OK();
  }

  const Buffer& Get(size_t handle) const { return buffers_[handle]; }

 private:
  std::vector<ByteRange> pending_;
  std::vector<size_t> pending_handles_;
  std::vector<Buffer> buffers_;
};

/// The buffers an encoding of one page may refer to.
struct BufferSource {
  const PageMeta* page = nullptr;
  const ColumnMeta* column = nullptr;
};

Result<ByteRange> ResolveBuffer(const pb::Buffer& b, const BufferSource& src) {
  const std::vector<ByteRange>* list = nullptr;
  switch (b.buffer_type()) {
    case pb::Buffer::page:
      list = &src.page->buffers;
      break;
    case pb::Buffer::column:
      list = &src.column->buffers;
      break;
    default:
      return Status::NotSupported("file-level buffer references in 2.0 page encodings");
  }
  if (b.buffer_index() >= list->size()) {
    return Status::Corruption("encoding refers to buffer " + std::to_string(b.buffer_index()) +
                              " but only " + std::to_string(list->size()) + " exist");
  }
  ByteRange r = (*list)[b.buffer_index()];
  if (r.offset + r.length < r.offset) return Status::Corruption("buffer range overflows");
  return r;
}

/// One decoding step of an encoding node (or of a field). Protocol: Schedule() once, then after
/// every executed round Advance() until it reports done, then Finish() once.
class Node {
 public:
  virtual ~Node() = default;
  virtual Status Schedule(ReadBatch* batch) = 0;
  virtual Status Advance(ReadBatch* batch, bool* done) = 0;
  virtual Result<ArrayPtr> Finish(ReadBatch* batch) = 0;
};

/// Advance `node` unless it already reported done.
Status AdvanceChild(Node* node, bool* child_done, ReadBatch* batch) {
  if (*child_done) return Status::OK();
  return node->Advance(batch, child_done);
}

Result<std::unique_ptr<Node>> MakeNode(const pb::ArrayEncoding& enc, const BufferSource& src,
                                       DataTypePtr type, ValueRanges ranges, int depth);

constexpr int kMaxEncodingDepth = 32;

/// Multiplies value ranges by `factor` (fixed-size lists, fixed-size binaries).
Result<ValueRanges> ScaleRanges(const ValueRanges& ranges, uint64_t factor) {
  ValueRanges out;
  out.reserve(ranges.size());
  for (const RowRange& r : ranges) {
    RowRange s;
    if (__builtin_mul_overflow(r.start, factor, &s.start) ||
        __builtin_mul_overflow(r.end, factor, &s.end)) {
      return Status::Corruption("value range overflows");
    }
    out.push_back(s);
  }
  return out;
}

// ---- Flat ------------------------------------------------------------------------------------

class FlatNode final : public Node {
 public:
  FlatNode(const pb::Flat& flat, BufferSource src, DataTypePtr type, ValueRanges ranges)
      : flat_(flat), src_(src), type_(std::move(type)), ranges_(std::move(ranges)) {}

  Status Schedule(ReadBatch* batch) override {
    bits_ = flat_.bits_per_value();
    if (bits_ == 0 || (bits_ != 1 && bits_ % 8 != 0)) {
      return Status::NotSupported("Flat encoding with " + std::to_string(bits_) +
                                  " bits per value");
    }
    LANCET_RETURN_NOT_OK(CheckFixedType(type_, bits_));
    if (!flat_.has_buffer()) return Status::Corruption("Flat encoding without a buffer");
    LANCET_ASSIGN_OR_RETURN(buffer_, ResolveBuffer(flat_.buffer(), src_));
    if (flat_.has_compression() && bits_ != 1) {
      const std::string& scheme = flat_.compression().scheme();
      if (!scheme.empty() && scheme != "none") {
        if (scheme != "zstd" && scheme != "lz4") {
          return Status::NotSupported("Flat compression scheme '" + scheme + "'");
        }
        scheme_ = scheme;
      }
    }
    total_ = TotalRows(ranges_);
    if (total_ == 0) return Status::OK();
    if (total_ > static_cast<uint64_t>(INT64_MAX) / bits_) {
      return Status::Corruption("Flat value range too large");
    }
    LANCET_RETURN_NOT_OK(ComputeByteRanges());
    if (!scheme_.empty()) {
      whole_ = batch->Add(buffer_);
      return Status::OK();
    }
    for (const ByteRange& r : byte_ranges_) {
      if (r.offset + r.length > buffer_.length) {
        return Status::Corruption("Flat buffer of " + std::to_string(buffer_.length) +
                                  " bytes is too small for the requested values (needs " +
                                  std::to_string(r.offset + r.length) + ")");
      }
    }
    for (const ByteRange& r : byte_ranges_) {
      if (r.length == 0) continue;
      if (!segments_.empty() && r.offset <= segments_.back().hi) {
        segments_.back().hi = std::max(segments_.back().hi, r.offset + r.length);
      } else {
        segments_.push_back({r.offset, r.offset + r.length, 0});
      }
    }
    for (Segment& s : segments_) s.handle = batch->Add({buffer_.offset + s.lo, s.hi - s.lo});
    return Status::OK();
  }

  Status Advance(ReadBatch*, bool* done) override {
    *done = true;
    return Status::OK();
  }

  Result<ArrayPtr> Finish(ReadBatch* batch) override {
    if (total_ == 0) return MakeFixedArray(type_, bits_, Buffer(), 0);
    std::vector<std::pair<uint64_t, Buffer>> sources;  // (byte offset in the buffer, bytes)
    if (!scheme_.empty()) {
      LANCET_ASSIGN_OR_RETURN(Buffer plain, v20::DecompressBuffer(scheme_, batch->Get(whole_)));
      for (const ByteRange& r : byte_ranges_) {
        if (r.offset + r.length > static_cast<uint64_t>(plain.size())) {
          return Status::Corruption("compressed Flat buffer holds " + std::to_string(plain.size()) +
                                    " bytes, fewer than the requested values need");
        }
      }
      sources.emplace_back(0, std::move(plain));
    } else {
      for (const Segment& s : segments_) sources.emplace_back(s.lo, batch->Get(s.handle));
    }
    // The source holding all of `r`, or nullptr when none does (inconsistent metadata).
    auto locate = [&](const ByteRange& r) -> const uint8_t* {
      auto it = std::upper_bound(
          sources.begin(), sources.end(), r.offset,
          [](uint64_t off, const std::pair<uint64_t, Buffer>& src) { return off < src.first; });
      if (it == sources.begin()) return nullptr;
      --it;
      const uint64_t rel = r.offset - it->first;
      const uint64_t size = static_cast<uint64_t>(it->second.size());
      if (rel > size || r.length > size - rel) return nullptr;
      return it->second.data() + rel;
    };
    const auto missing = [](const ByteRange& r) {
      return Status::Corruption("flat values at byte " + std::to_string(r.offset) + " (+" +
                                std::to_string(r.length) + ") are outside the bytes read");
    };
    const int64_t n = static_cast<int64_t>(total_);
    if (bits_ == 1) {
      std::vector<uint8_t> out(static_cast<size_t>((n + 7) / 8), 0);
      int64_t pos = 0;
      for (size_t i = 0; i < ranges_.size(); ++i) {
        const RowRange& r = ranges_[i];
        if (r.size() == 0) continue;
        const uint8_t* p = locate(byte_ranges_[i]);
        if (p == nullptr) return missing(byte_ranges_[i]);
        CopyBits(p, static_cast<int64_t>(r.start % 8), out.data(), pos,
                 static_cast<int64_t>(r.size()));
        pos += static_cast<int64_t>(r.size());
      }
      return MakeFixedArray(type_, bits_, Buffer::FromVector(std::move(out)), n);
    }
    // Zero-copy when one requested range covers a whole read segment.
    if (scheme_.empty() && byte_ranges_.size() == 1 && segments_.size() == 1) {
      return MakeFixedArray(type_, bits_, sources[0].second, n);
    }
    BufferBuilder out;
    out.Reserve(static_cast<size_t>(n) * (bits_ / 8));
    for (const ByteRange& r : byte_ranges_) {
      if (r.length == 0) continue;
      const uint8_t* p = locate(r);
      if (p == nullptr) return missing(r);
      out.Append(p, r.length);
    }
    return MakeFixedArray(type_, bits_, out.Finish(), n);
  }

 private:
  struct Segment {
    uint64_t lo;
    uint64_t hi;
    size_t handle;
  };

  Status ComputeByteRanges() {
    byte_ranges_.reserve(ranges_.size());
    for (const RowRange& r : ranges_) {
      if (r.end < r.start) return Status::Internal("inverted value range");
      uint64_t lo, hi;
      if (bits_ == 1) {
        lo = r.start / 8;
        hi = r.end / 8 + (r.end % 8 != 0);
      } else {
        uint64_t width = bits_ / 8;
        if (__builtin_mul_overflow(r.start, width, &lo) ||
            __builtin_mul_overflow(r.end, width, &hi)) {
          return Status::Corruption("Flat value range overflows");
        }
      }
      if (r.size() == 0) hi = lo;
      byte_ranges_.push_back({lo, hi - lo});
    }
    return Status::OK();
  }

  const pb::Flat& flat_;
  BufferSource src_;
  DataTypePtr type_;
  ValueRanges ranges_;
  uint64_t bits_ = 0;
  uint64_t total_ = 0;
  ByteRange buffer_;
  std::string scheme_;
  size_t whole_ = 0;
  std::vector<ByteRange> byte_ranges_;  // per requested range, relative to the buffer
  std::vector<Segment> segments_;       // merged reads
};

// ---- Nullable --------------------------------------------------------------------------------

class NullableNode final : public Node {
 public:
  NullableNode(const pb::Nullable& enc, BufferSource src, DataTypePtr type, ValueRanges ranges,
               int depth)
      : enc_(enc), src_(src), type_(std::move(type)), ranges_(std::move(ranges)), depth_(depth) {}

  Status Schedule(ReadBatch* batch) override {
    switch (enc_.nullability_case()) {
      case pb::Nullable::kNoNulls: {
        if (!enc_.no_nulls().has_values()) return Status::Corruption("Nullable without values");
        LANCET_ASSIGN_OR_RETURN(
            values_, MakeNode(enc_.no_nulls().values(), src_, type_, ranges_, depth_ + 1));
        return values_->Schedule(batch);
      }
      case pb::Nullable::kSomeNulls: {
        if (!enc_.some_nulls().has_values() || !enc_.some_nulls().has_validity()) {
          return Status::Corruption("Nullable(SomeNull) without validity or values");
        }
        LANCET_ASSIGN_OR_RETURN(validity_, MakeNode(enc_.some_nulls().validity(), src_, boolean(),
                                                    ranges_, depth_ + 1));
        LANCET_ASSIGN_OR_RETURN(
            values_, MakeNode(enc_.some_nulls().values(), src_, type_, ranges_, depth_ + 1));
        LANCET_RETURN_NOT_OK(validity_->Schedule(batch));
        return values_->Schedule(batch);
      }
      case pb::Nullable::kAllNulls:
        values_done_ = validity_done_ = true;
        return Status::OK();
      default:
        return Status::Corruption("Nullable encoding without a nullability case");
    }
  }

  Status Advance(ReadBatch* batch, bool* done) override {
    if (values_) LANCET_RETURN_NOT_OK(AdvanceChild(values_.get(), &values_done_, batch));
    if (!validity_) validity_done_ = true;
    if (validity_) LANCET_RETURN_NOT_OK(AdvanceChild(validity_.get(), &validity_done_, batch));
    if (!values_) values_done_ = true;
    *done = values_done_ && validity_done_;
    return Status::OK();
  }

  Result<ArrayPtr> Finish(ReadBatch* batch) override {
    const int64_t n = static_cast<int64_t>(TotalRows(ranges_));
    if (!values_) return MakeNullArray(type_ ? type_ : uint64(), n);
    LANCET_ASSIGN_OR_RETURN(ArrayPtr values, values_->Finish(batch));
    if (values->length != n) return Status::Corruption("Nullable values have the wrong length");
    if (!validity_) return values;
    LANCET_ASSIGN_OR_RETURN(ArrayPtr bits, validity_->Finish(batch));
    if (bits->length != n || bits->type->id() != TypeId::kBool) {
      return Status::Corruption("Nullable validity has the wrong length");
    }
    return ApplyValidity(values, bits->values, n);
  }

 private:
  const pb::Nullable& enc_;
  BufferSource src_;
  DataTypePtr type_;
  ValueRanges ranges_;
  int depth_;
  std::unique_ptr<Node> validity_, values_;
  bool validity_done_ = false, values_done_ = false;
};

// ---- FixedSizeList ---------------------------------------------------------------------------

class FixedSizeListNode final : public Node {
 public:
  FixedSizeListNode(const pb::FixedSizeList& enc, BufferSource src, DataTypePtr type,
                    ValueRanges ranges, int depth)
      : enc_(enc), src_(src), type_(std::move(type)), ranges_(std::move(ranges)), depth_(depth) {}

  Status Schedule(ReadBatch* batch) override {
    if (!type_ || type_->id() != TypeId::kFixedSizeList) {
      return Status::Corruption("FixedSizeList encoding for a column of type " + TypeName(type_));
    }
    if (enc_.dimension() == 0 || static_cast<int64_t>(enc_.dimension()) != type_->fixed_size()) {
      return Status::Corruption("FixedSizeList dimension " + std::to_string(enc_.dimension()) +
                                " does not match type " + type_->ToString());
    }
    if (!enc_.has_items()) return Status::Corruption("FixedSizeList without items");
    LANCET_ASSIGN_OR_RETURN(ValueRanges child, ScaleRanges(ranges_, enc_.dimension()));
    LANCET_ASSIGN_OR_RETURN(items_,
                            MakeNode(enc_.items(), src_, type_->value_type(), child, depth_ + 1));
    return items_->Schedule(batch);
  }

  Status Advance(ReadBatch* batch, bool* done) override {
    LANCET_RETURN_NOT_OK(AdvanceChild(items_.get(), &items_done_, batch));
    *done = items_done_;
    return Status::OK();
  }

  Result<ArrayPtr> Finish(ReadBatch* batch) override {
    const int64_t n = static_cast<int64_t>(TotalRows(ranges_));
    LANCET_ASSIGN_OR_RETURN(ArrayPtr items, items_->Finish(batch));
    if (items->length != n * static_cast<int64_t>(enc_.dimension())) {
      return Status::Corruption("FixedSizeList items have the wrong length");
    }
    auto out = std::make_shared<ArrayData>();
    out->type = type_;
    out->length = n;
    out->children.push_back(std::move(items));
    return ArrayPtr(out);
  }

 private:
  const pb::FixedSizeList& enc_;
  BufferSource src_;
  DataTypePtr type_;
  ValueRanges ranges_;
  int depth_;
  std::unique_ptr<Node> items_;
  bool items_done_ = false;
};

// ---- Binary ----------------------------------------------------------------------------------

/// Assembles a string/binary array from per-row lengths, validity and the concatenated bytes of
/// the valid rows.
Result<ArrayPtr> MakeBinaryArray(const DataTypePtr& type, const std::vector<uint64_t>& lengths,
                                 const std::vector<bool>& valid, Buffer bytes) {
  const int64_t n = static_cast<int64_t>(lengths.size());
  std::vector<int64_t> offsets(lengths.size() + 1, 0);
  std::vector<uint8_t> validity(static_cast<size_t>((n + 7) / 8), 0);
  int64_t nulls = 0;
  uint64_t pos = 0;
  for (int64_t i = 0; i < n; ++i) {
    if (valid[static_cast<size_t>(i)]) {
      v20::SetBit(validity.data(), i);
      pos += lengths[static_cast<size_t>(i)];
    } else {
      ++nulls;
    }
    offsets[static_cast<size_t>(i + 1)] = static_cast<int64_t>(pos);
  }
  if (pos != static_cast<uint64_t>(bytes.size())) {
    return Status::Corruption("binary bytes (" + std::to_string(bytes.size()) +
                              ") disagree with the offsets (" + std::to_string(pos) + ")");
  }
  auto out = std::make_shared<ArrayData>();
  out->type = type;
  out->length = n;
  out->null_count = nulls;
  if (nulls > 0) out->validity = Buffer::FromVector(std::move(validity));
  out->offsets = Buffer::Copy(offsets.data(), static_cast<int64_t>(offsets.size() * 8));
  out->values = std::move(bytes);
  return ArrayPtr(out);
}

class BinaryNode final : public Node {
 public:
  BinaryNode(const pb::Binary& enc, BufferSource src, DataTypePtr type, ValueRanges ranges,
             int depth)
      : enc_(enc), src_(src), type_(std::move(type)), ranges_(std::move(ranges)), depth_(depth) {}

  Status Schedule(ReadBatch* batch) override {
    if (!IsBinaryLike(type_)) {
      return Status::Corruption("Binary encoding for a column of type " + TypeName(type_));
    }
    if (!enc_.has_indices() || !enc_.has_bytes()) {
      return Status::Corruption("Binary encoding without indices or bytes");
    }
    // End offsets only: row r needs index r-1 (its start) unless r is the page's first row.
    ValueRanges idx;
    idx.reserve(ranges_.size());
    for (const RowRange& r : ranges_) {
      if (r.size() == 0) continue;
      idx.push_back({r.start > 0 ? r.start - 1 : 0, r.end});
    }
    LANCET_ASSIGN_OR_RETURN(indices_, MakeNode(enc_.indices(), src_, nullptr, idx, depth_ + 1));
    return indices_->Schedule(batch);
  }

  Status Advance(ReadBatch* batch, bool* done) override {
    *done = false;
    if (!bytes_) {
      LANCET_RETURN_NOT_OK(AdvanceChild(indices_.get(), &indices_done_, batch));
      if (!indices_done_) return Status::OK();
      LANCET_RETURN_NOT_OK(ComputeRows(batch));
      LANCET_ASSIGN_OR_RETURN(bytes_,
                              MakeNode(enc_.bytes(), src_, uint8(), byte_ranges_, depth_ + 1));
      return bytes_->Schedule(batch);
    }
    LANCET_RETURN_NOT_OK(AdvanceChild(bytes_.get(), &bytes_done_, batch));
    *done = bytes_done_;
    return Status::OK();
  }

  Result<ArrayPtr> Finish(ReadBatch* batch) override {
    LANCET_ASSIGN_OR_RETURN(ArrayPtr bytes, bytes_->Finish(batch));
    return MakeBinaryArray(type_, lengths_, valid_, bytes->values.Slice(0, bytes->length));
  }

 private:
  Status ComputeRows(ReadBatch* batch) {
    LANCET_ASSIGN_OR_RETURN(ArrayPtr idx_array, indices_->Finish(batch));
    LANCET_ASSIGN_OR_RETURN(std::vector<uint64_t> idx, ToU64(*idx_array));
    const uint64_t adj = enc_.null_adjustment();
    auto normalize = [adj](uint64_t v, bool* valid) -> Result<uint64_t> {
      *valid = v < adj;
      if (!*valid) {
        v -= adj;
        if (adj != 0 && v >= adj) {
          return Status::Corruption("binary offset " + std::to_string(v + adj) +
                                    " exceeds twice the null adjustment " + std::to_string(adj));
        }
      }
      return v;
    };
    size_t pos = 0;
    const uint64_t total = TotalRows(ranges_);
    lengths_.reserve(total);
    valid_.reserve(total);
    for (const RowRange& r : ranges_) {
      if (r.size() == 0) continue;
      uint64_t prev = 0;
      bool valid = true;
      if (r.start > 0) {
        if (pos >= idx.size()) return Status::Corruption("missing binary offsets");
        LANCET_ASSIGN_OR_RETURN(prev, normalize(idx[pos++], &valid));
      }
      for (uint64_t row = r.start; row < r.end; ++row) {
        if (pos >= idx.size()) return Status::Corruption("missing binary offsets");
        LANCET_ASSIGN_OR_RETURN(uint64_t end, normalize(idx[pos++], &valid));
        if (end < prev) {
          return Status::Corruption("binary offsets decrease (" + std::to_string(prev) + " -> " +
                                    std::to_string(end) + ")");
        }
        if (valid && end > prev) {
          if (!byte_ranges_.empty() && byte_ranges_.back().end == prev) {
            byte_ranges_.back().end = end;
          } else {
            byte_ranges_.push_back({prev, end});
          }
        }
        lengths_.push_back(valid ? end - prev : 0);
        valid_.push_back(valid);
        prev = end;
      }
    }
    if (pos != idx.size()) return Status::Corruption("unexpected number of binary offsets");
    return Status::OK();
  }

  const pb::Binary& enc_;
  BufferSource src_;
  DataTypePtr type_;
  ValueRanges ranges_;
  int depth_;
  std::unique_ptr<Node> indices_, bytes_;
  bool indices_done_ = false, bytes_done_ = false;
  std::vector<uint64_t> lengths_;
  std::vector<bool> valid_;
  ValueRanges byte_ranges_;
};

// ---- Dictionary ------------------------------------------------------------------------------

class DictionaryNode final : public Node {
 public:
  DictionaryNode(const pb::Dictionary& enc, BufferSource src, DataTypePtr type, ValueRanges ranges,
                 int depth)
      : enc_(enc), src_(src), type_(std::move(type)), ranges_(std::move(ranges)), depth_(depth) {}

  Status Schedule(ReadBatch* batch) override {
    if (!IsBinaryLike(type_)) {
      return Status::NotSupported("Dictionary encoding for a column of type " + TypeName(type_));
    }
    if (!enc_.has_indices() || !enc_.has_items()) {
      return Status::Corruption("Dictionary encoding without indices or items");
    }
    LANCET_ASSIGN_OR_RETURN(indices_, MakeNode(enc_.indices(), src_, nullptr, ranges_, depth_ + 1));
    if (enc_.num_dictionary_items() > (1u << 24)) {
      return Status::Corruption("dictionary of " + std::to_string(enc_.num_dictionary_items()) +
                                " items");
    }
    ValueRanges all;
    if (enc_.num_dictionary_items() > 0) all.push_back({0, enc_.num_dictionary_items()});
    LANCET_ASSIGN_OR_RETURN(items_, MakeNode(enc_.items(), src_, type_, all, depth_ + 1));
    LANCET_RETURN_NOT_OK(indices_->Schedule(batch));
    return items_->Schedule(batch);
  }

  Status Advance(ReadBatch* batch, bool* done) override {
    LANCET_RETURN_NOT_OK(AdvanceChild(indices_.get(), &indices_done_, batch));
    LANCET_RETURN_NOT_OK(AdvanceChild(items_.get(), &items_done_, batch));
    *done = indices_done_ && items_done_;
    return Status::OK();
  }

  Result<ArrayPtr> Finish(ReadBatch* batch) override {
    LANCET_ASSIGN_OR_RETURN(ArrayPtr idx_array, indices_->Finish(batch));
    LANCET_ASSIGN_OR_RETURN(std::vector<uint64_t> idx, ToU64(*idx_array));
    LANCET_ASSIGN_OR_RETURN(ArrayPtr items, items_->Finish(batch));
    const uint64_t num_items = enc_.num_dictionary_items();
    if (static_cast<uint64_t>(items->length) != num_items) {
      return Status::Corruption("dictionary has the wrong number of items");
    }
    const int64_t* off = items->offsets64();
    std::vector<uint64_t> lengths;
    std::vector<bool> valid;
    lengths.reserve(idx.size());
    valid.reserve(idx.size());
    BufferBuilder bytes;
    for (uint64_t k : idx) {
      if (k > num_items) {
        return Status::Corruption("dictionary index " + std::to_string(k) + " out of range (" +
                                  std::to_string(num_items) + " items)");
      }
      if (k == 0 || items->IsNull(static_cast<int64_t>(k - 1))) {
        lengths.push_back(0);
        valid.push_back(false);
        continue;
      }
      int64_t b = off[k - 1], e = off[k];
      bytes.Append(items->values.data() + b, static_cast<size_t>(e - b));
      lengths.push_back(static_cast<uint64_t>(e - b));
      valid.push_back(true);
    }
    return MakeBinaryArray(type_, lengths, valid, bytes.Finish());
  }

 private:
  const pb::Dictionary& enc_;
  BufferSource src_;
  DataTypePtr type_;
  ValueRanges ranges_;
  int depth_;
  std::unique_ptr<Node> indices_, items_;
  bool indices_done_ = false, items_done_ = false;
};

// ---- Fsst ------------------------------------------------------------------------------------

/// The symbol table of Lance's FSST implementation: u64 header (magic "FSST" in the high 32 bits,
/// bit 24 = compression switched on, low byte = number of symbols), the symbols as u64 each,
/// then one length byte per symbol.
struct FsstTable {
  bool enabled = false;
  int num_symbols = 0;
  uint64_t symbols[256] = {};
  uint8_t lens[256] = {};

  Status Parse(const std::string& table) {
    if (table.size() < 8) return Status::Corruption("FSST symbol table too short");
    uint64_t info;
    std::memcpy(&info, table.data(), 8);
    constexpr uint64_t kMagic = uint64_t{0x46535354} << 32;
    if ((info & kMagic) != kMagic) return Status::Corruption("FSST symbol table without magic");
    enabled = (info >> 24) & 1;
    num_symbols = static_cast<int>(info & 255);
    size_t need = 8 + static_cast<size_t>(num_symbols) * 9;
    if (table.size() < need) return Status::Corruption("FSST symbol table truncated");
    for (int i = 0; i < num_symbols; ++i) {
      std::memcpy(&symbols[i], table.data() + 8 + i * 8, 8);
      lens[i] = static_cast<uint8_t>(table[8 + num_symbols * 8 + i]);
      if (lens[i] == 0 || lens[i] > 8) return Status::Corruption("bad FSST symbol length");
    }
    return Status::OK();
  }

  Status Decode(const uint8_t* in, size_t n, BufferBuilder* out) const {
    if (!enabled) {
      out->Append(in, n);
      return Status::OK();
    }
    size_t i = 0;
    while (i < n) {
      uint8_t code = in[i];
      if (code == 255) {
        if (i + 1 >= n) return Status::Corruption("FSST escape at end of string");
        out->Append(&in[i + 1], 1);
        i += 2;
        continue;
      }
      if (code >= num_symbols) return Status::Corruption("FSST code without a symbol");
      uint8_t sym[8];
      std::memcpy(sym, &symbols[code], 8);
      out->Append(sym, lens[code]);
      ++i;
    }
    return Status::OK();
  }
};

class FsstNode final : public Node {
 public:
  FsstNode(const pb::Fsst& enc, BufferSource src, DataTypePtr type, ValueRanges ranges, int depth)
      : enc_(enc), src_(src), type_(std::move(type)), ranges_(std::move(ranges)), depth_(depth) {}

  Status Schedule(ReadBatch* batch) override {
    if (!IsBinaryLike(type_)) {
      return Status::Corruption("Fsst encoding for a column of type " + TypeName(type_));
    }
    if (!enc_.has_binary()) return Status::Corruption("Fsst encoding without inner binary");
    LANCET_RETURN_NOT_OK(table_.Parse(enc_.symbol_table()));
    LANCET_ASSIGN_OR_RETURN(inner_, MakeNode(enc_.binary(), src_, binary(), ranges_, depth_ + 1));
    return inner_->Schedule(batch);
  }

  Status Advance(ReadBatch* batch, bool* done) override {
    LANCET_RETURN_NOT_OK(AdvanceChild(inner_.get(), &inner_done_, batch));
    *done = inner_done_;
    return Status::OK();
  }

  Result<ArrayPtr> Finish(ReadBatch* batch) override {
    LANCET_ASSIGN_OR_RETURN(ArrayPtr compressed, inner_->Finish(batch));
    const int64_t n = compressed->length;
    const int64_t* off = compressed->offsets64();
    std::vector<uint64_t> lengths(static_cast<size_t>(n));
    std::vector<bool> valid(static_cast<size_t>(n));
    BufferBuilder bytes;
    for (int64_t i = 0; i < n; ++i) {
      valid[static_cast<size_t>(i)] = compressed->IsValid(i);
      size_t before = bytes.size();
      if (valid[static_cast<size_t>(i)]) {
        LANCET_RETURN_NOT_OK(table_.Decode(compressed->values.data() + off[i],
                                           static_cast<size_t>(off[i + 1] - off[i]), &bytes));
      }
      lengths[static_cast<size_t>(i)] = bytes.size() - before;
    }
    return MakeBinaryArray(type_, lengths, valid, bytes.Finish());
  }

 private:
  const pb::Fsst& enc_;
  BufferSource src_;
  DataTypePtr type_;
  ValueRanges ranges_;
  int depth_;
  FsstTable table_;
  std::unique_ptr<Node> inner_;
  bool inner_done_ = false;
};

// ---- FixedSizeBinary -------------------------------------------------------------------------

class FixedSizeBinaryNode final : public Node {
 public:
  FixedSizeBinaryNode(const pb::FixedSizeBinary& enc, BufferSource src, DataTypePtr type,
                      ValueRanges ranges, int depth)
      : enc_(enc), src_(src), type_(std::move(type)), ranges_(std::move(ranges)), depth_(depth) {}

  Status Schedule(ReadBatch* batch) override {
    const uint32_t w = enc_.byte_width();
    if (w == 0 || w > (1u << 24)) return Status::Corruption("bad FixedSizeBinary width");
    if (!IsBinaryLike(type_)) {
      return Status::Corruption("FixedSizeBinary encoding for a column of type " + TypeName(type_));
    }
    if (!enc_.has_bytes()) return Status::Corruption("FixedSizeBinary without bytes");
    LANCET_ASSIGN_OR_RETURN(
        bytes_, MakeNode(enc_.bytes(), src_, fixed_size_binary(static_cast<int32_t>(w)), ranges_,
                         depth_ + 1));
    return bytes_->Schedule(batch);
  }

  Status Advance(ReadBatch* batch, bool* done) override {
    LANCET_RETURN_NOT_OK(AdvanceChild(bytes_.get(), &bytes_done_, batch));
    *done = bytes_done_;
    return Status::OK();
  }

  Result<ArrayPtr> Finish(ReadBatch* batch) override {
    LANCET_ASSIGN_OR_RETURN(ArrayPtr fixed, bytes_->Finish(batch));
    const uint64_t w = enc_.byte_width();
    std::vector<uint64_t> lengths(static_cast<size_t>(fixed->length), w);
    std::vector<bool> valid(static_cast<size_t>(fixed->length), true);
    BufferBuilder bytes;
    for (int64_t i = 0; i < fixed->length; ++i) {
      if (fixed->IsValid(i)) {
        bytes.Append(fixed->values.data() + i * w, w);
      } else {
        valid[static_cast<size_t>(i)] = false;
        lengths[static_cast<size_t>(i)] = 0;
      }
    }
    return MakeBinaryArray(type_, lengths, valid, bytes.Finish());
  }

 private:
  const pb::FixedSizeBinary& enc_;
  BufferSource src_;
  DataTypePtr type_;
  ValueRanges ranges_;
  int depth_;
  std::unique_ptr<Node> bytes_;
  bool bytes_done_ = false;
};

// ---- Bitpacked (legacy, plain LSB-first bit packing) -----------------------------------------

class BitpackedNode final : public Node {
 public:
  BitpackedNode(const pb::Bitpacked& enc, BufferSource src, DataTypePtr type, ValueRanges ranges)
      : enc_(enc), src_(src), type_(std::move(type)), ranges_(std::move(ranges)) {}

  Status Schedule(ReadBatch* batch) override {
    bits_ = enc_.compressed_bits_per_value();
    out_bits_ = enc_.uncompressed_bits_per_value();
    if (out_bits_ == 0 || out_bits_ > 64 || out_bits_ % 8 != 0 || bits_ == 0 || bits_ > out_bits_) {
      return Status::Corruption("bad Bitpacked widths " + std::to_string(bits_) + "/" +
                                std::to_string(out_bits_));
    }
    LANCET_RETURN_NOT_OK(CheckFixedType(type_, out_bits_));
    if (!enc_.has_buffer()) return Status::Corruption("Bitpacked without a buffer");
    LANCET_ASSIGN_OR_RETURN(ByteRange buf, ResolveBuffer(enc_.buffer(), src_));
    for (const RowRange& r : ranges_) {
      uint64_t lo_bit, hi_bit;
      if (__builtin_mul_overflow(r.start, bits_, &lo_bit) ||
          __builtin_mul_overflow(r.end, bits_, &hi_bit)) {
        return Status::Corruption("Bitpacked range overflows");
      }
      uint64_t lo = lo_bit / 8, hi = (hi_bit + 7) / 8;
      if (r.size() == 0) hi = lo;
      if (hi > buf.length) return Status::Corruption("Bitpacked buffer too small");
      handles_.push_back(batch->Add({buf.offset + lo, hi - lo}));
    }
    return Status::OK();
  }

  Status Advance(ReadBatch*, bool* done) override {
    *done = true;
    return Status::OK();
  }

  Result<ArrayPtr> Finish(ReadBatch* batch) override {
    const uint64_t n = TotalRows(ranges_);
    const uint64_t width = out_bits_ / 8;
    std::vector<uint8_t> out(static_cast<size_t>(n * width), 0);
    uint64_t row = 0;
    for (size_t i = 0; i < ranges_.size(); ++i) {
      const Buffer& data = batch->Get(handles_[i]);
      uint64_t bit = (ranges_[i].start * bits_) % 8;
      for (uint64_t k = 0; k < ranges_[i].size(); ++k, ++row, bit += bits_) {
        uint64_t v = 0;
        for (uint64_t b = 0; b < bits_; ++b) {
          if (GetBit(data.data(), static_cast<int64_t>(bit + b))) v |= uint64_t{1} << b;
        }
        if (enc_.signed_() && bits_ < 64 && ((v >> (bits_ - 1)) & 1)) {
          v |= ~uint64_t{0} << bits_;
        }
        std::memcpy(out.data() + row * width, &v, static_cast<size_t>(width));
      }
    }
    return MakeFixedArray(type_, out_bits_, Buffer::FromVector(std::move(out)),
                          static_cast<int64_t>(n));
  }

 private:
  const pb::Bitpacked& enc_;
  BufferSource src_;
  DataTypePtr type_;
  ValueRanges ranges_;
  uint64_t bits_ = 0, out_bits_ = 0;
  std::vector<size_t> handles_;
};

// ---- Constant --------------------------------------------------------------------------------

class ConstantNode final : public Node {
 public:
  ConstantNode(const pb::Constant& enc, DataTypePtr type, ValueRanges ranges)
      : enc_(enc), type_(std::move(type)), ranges_(std::move(ranges)) {}

  Status Schedule(ReadBatch*) override {
    if (IsBinaryLike(type_)) return Status::OK();
    const uint64_t bits = enc_.value().size() * 8;
    if (type_ && type_->id() == TypeId::kBool) {
      return Status::NotSupported("Constant encoding of booleans");
    }
    return CheckFixedType(type_, bits);
  }

  Status Advance(ReadBatch*, bool* done) override {
    *done = true;
    return Status::OK();
  }

  Result<ArrayPtr> Finish(ReadBatch*) override {
    const uint64_t n = TotalRows(ranges_);
    const std::string& v = enc_.value();
    if (n > 0 && v.size() > static_cast<size_t>(v20::kMaxDecompressedBytes) / n) {
      return Status::Corruption("Constant expands beyond the size limit");
    }
    BufferBuilder bytes;
    bytes.Reserve(v.size() * n);
    for (uint64_t i = 0; i < n; ++i) bytes.Append(v);
    if (IsBinaryLike(type_)) {
      return MakeBinaryArray(type_, std::vector<uint64_t>(n, v.size()), std::vector<bool>(n, true),
                             bytes.Finish());
    }
    return MakeFixedArray(type_, v.size() * 8, bytes.Finish(), static_cast<int64_t>(n));
  }

 private:
  const pb::Constant& enc_;
  DataTypePtr type_;
  ValueRanges ranges_;
};

// ---- PackedStruct ----------------------------------------------------------------------------

class PackedStructNode final : public Node {
 public:
  PackedStructNode(const pb::PackedStruct& enc, BufferSource src, DataTypePtr type,
                   ValueRanges ranges)
      : enc_(enc), src_(src), type_(std::move(type)), ranges_(std::move(ranges)) {}

  Status Schedule(ReadBatch* batch) override {
    if (!type_ || type_->id() != TypeId::kStruct) {
      return Status::Corruption("PackedStruct encoding for a column of type " + TypeName(type_));
    }
    for (const Field& f : type_->children()) {
      int64_t bits = FixedBits(*f.type);
      if (bits <= 0 || bits % 8 != 0) {
        return Status::NotSupported("packed struct field '" + f.name + "' of type " +
                                    f.type->ToString());
      }
      widths_.push_back(static_cast<uint64_t>(bits / 8));
      row_bytes_ += static_cast<uint64_t>(bits / 8);
    }
    if (row_bytes_ == 0) return Status::NotSupported("packed struct without fields");
    if (!enc_.has_buffer()) return Status::Corruption("PackedStruct without a buffer");
    LANCET_ASSIGN_OR_RETURN(ByteRange buf, ResolveBuffer(enc_.buffer(), src_));
    for (const RowRange& r : ranges_) {
      uint64_t lo, hi;
      if (__builtin_mul_overflow(r.start, row_bytes_, &lo) ||
          __builtin_mul_overflow(r.end, row_bytes_, &hi) || hi > buf.length) {
        return Status::Corruption("PackedStruct buffer too small for the requested rows");
      }
      handles_.push_back(batch->Add({buf.offset + lo, hi - lo}));
    }
    return Status::OK();
  }

  Status Advance(ReadBatch*, bool* done) override {
    *done = true;
    return Status::OK();
  }

  Result<ArrayPtr> Finish(ReadBatch* batch) override {
    const int64_t n = static_cast<int64_t>(TotalRows(ranges_));
    std::vector<BufferBuilder> cols(widths_.size());
    for (size_t c = 0; c < widths_.size(); ++c) cols[c].Reserve(widths_[c] * n);
    for (size_t i = 0; i < ranges_.size(); ++i) {
      const uint8_t* p = batch->Get(handles_[i]).data();
      for (uint64_t k = 0; k < ranges_[i].size(); ++k) {
        for (size_t c = 0; c < widths_.size(); ++c) {
          cols[c].Append(p, widths_[c]);
          p += widths_[c];
        }
      }
    }
    auto out = std::make_shared<ArrayData>();
    out->type = type_;
    out->length = n;
    for (size_t c = 0; c < widths_.size(); ++c) {
      LANCET_ASSIGN_OR_RETURN(ArrayPtr child, MakeFixedArray(type_->children()[c].type,
                                                             widths_[c] * 8, cols[c].Finish(), n));
      out->children.push_back(std::move(child));
    }
    return ArrayPtr(out);
  }

 private:
  const pb::PackedStruct& enc_;
  BufferSource src_;
  DataTypePtr type_;
  ValueRanges ranges_;
  std::vector<uint64_t> widths_;
  uint64_t row_bytes_ = 0;
  std::vector<size_t> handles_;
};

Result<std::unique_ptr<Node>> MakeNode(const pb::ArrayEncoding& enc, const BufferSource& src,
                                       DataTypePtr type, ValueRanges ranges, int depth) {
  if (depth > kMaxEncodingDepth) return Status::Corruption("2.0 encoding nested too deeply");
  std::unique_ptr<Node> node;
  switch (enc.array_encoding_case()) {
    case pb::ArrayEncoding::kFlat:
      node = std::make_unique<FlatNode>(enc.flat(), src, std::move(type), std::move(ranges));
      break;
    case pb::ArrayEncoding::kNullable:
      node = std::make_unique<NullableNode>(enc.nullable(), src, std::move(type), std::move(ranges),
                                            depth);
      break;
    case pb::ArrayEncoding::kFixedSizeList:
      node = std::make_unique<FixedSizeListNode>(enc.fixed_size_list(), src, std::move(type),
                                                 std::move(ranges), depth);
      break;
    case pb::ArrayEncoding::kBinary:
      node = std::make_unique<BinaryNode>(enc.binary(), src, std::move(type), std::move(ranges),
                                          depth);
      break;
    case pb::ArrayEncoding::kDictionary:
      node = std::make_unique<DictionaryNode>(enc.dictionary(), src, std::move(type),
                                              std::move(ranges), depth);
      break;
    case pb::ArrayEncoding::kFsst:
      node = std::make_unique<FsstNode>(enc.fsst(), src, std::move(type), std::move(ranges), depth);
      break;
    case pb::ArrayEncoding::kFixedSizeBinary:
      node = std::make_unique<FixedSizeBinaryNode>(enc.fixed_size_binary(), src, std::move(type),
                                                   std::move(ranges), depth);
      break;
    case pb::ArrayEncoding::kBitpacked:
      node =
          std::make_unique<BitpackedNode>(enc.bitpacked(), src, std::move(type), std::move(ranges));
      break;
    case pb::ArrayEncoding::kConstant:
      node = std::make_unique<ConstantNode>(enc.constant(), std::move(type), std::move(ranges));
      break;
    case pb::ArrayEncoding::kPackedStruct:
      node = std::make_unique<PackedStructNode>(enc.packed_struct(), src, std::move(type),
                                                std::move(ranges));
      break;
    case pb::ArrayEncoding::kList:
    case pb::ArrayEncoding::kStruct:
      return Status::Corruption(std::string("2.0 '") + EncodingName(enc) +
                                "' encoding where values were expected (type " + TypeName(type) +
                                ")");
    case pb::ArrayEncoding::ARRAY_ENCODING_NOT_SET:
      return Status::Corruption("2.0 page encoding without an encoding");
    default:
      return Status::NotSupported(std::string("Lance 2.0 array encoding '") + EncodingName(enc) +
                                  "'");
  }
  return node;
}

// ------------------------------------------------------------------------------------------------
// Field level: columns, pages, lists and structs.
// ------------------------------------------------------------------------------------------------

bool EndsWith(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

Result<std::unique_ptr<pb::ArrayEncoding>> ParsePageEncoding(const PageMeta& page) {
  if (!EndsWith(page.encoding_type_url, "lance.encodings.ArrayEncoding")) {
    if (EndsWith(page.encoding_type_url, "lance.encodings21.PageLayout")) {
      return Status::NotSupported("2.1 page layout in a 2.0 column");
    }
    return Status::NotSupported("page encoding type '" + page.encoding_type_url + "'");
  }
  auto enc = std::make_unique<pb::ArrayEncoding>();
  if (!enc->ParseFromString(page.encoding)) {
    return Status::Corruption("cannot parse the 2.0 page encoding");
  }
  return enc;
}

/// Checks the column-level encoding: plain values (or, when `allow_blob`, Lance's blob wrapper
/// around plain values).
Status CheckColumnEncoding(const ColumnMeta& col, bool allow_blob = false) {
  if (col.encoding_type_url.empty() && col.encoding.empty()) return Status::OK();
  if (!EndsWith(col.encoding_type_url, "lance.encodings.ColumnEncoding")) {
    return Status::NotSupported("column encoding type '" + col.encoding_type_url + "'");
  }
  pb::ColumnEncoding enc;
  if (!enc.ParseFromString(col.encoding)) {
    return Status::Corruption("cannot parse the column encoding");
  }
  switch (enc.column_encoding_case()) {
    case pb::ColumnEncoding::kZoneIndex:
      return Status::NotSupported("zone-index column encoding");
    case pb::ColumnEncoding::kBlob:
      if (!allow_blob) return Status::NotSupported("blob column encoding for a non-binary field");
      if (enc.blob().has_inner() &&
          enc.blob().inner().column_encoding_case() != pb::ColumnEncoding::kValues &&
          enc.blob().inner().column_encoding_case() !=
              pb::ColumnEncoding::COLUMN_ENCODING_NOT_SET) {
        return Status::NotSupported("blob column encoding around a non-values encoding");
      }
      return Status::OK();
    default:
      return Status::OK();
  }
}

bool IsBlobColumn(const ColumnMeta& col) {
  if (!EndsWith(col.encoding_type_url, "lance.encodings.ColumnEncoding")) return false;
  pb::ColumnEncoding enc;
  return enc.ParseFromString(col.encoding) && enc.has_blob();
}

struct PageSpan {
  const PageMeta* page;
  uint64_t start;  // first row of the page within the column
  uint64_t rows;
};

/// Pages with rows (Lance skips empty pages) and their row positions.
Result<std::vector<PageSpan>> LayoutPages(const ColumnMeta& col, uint64_t* total) {
  std::vector<PageSpan> spans;
  uint64_t pos = 0;
  for (const PageMeta& p : col.pages) {
    if (p.num_rows == 0) continue;
    spans.push_back({&p, pos, p.num_rows});
    if (pos + p.num_rows < pos) return Status::Corruption("page row counts overflow");
    pos += p.num_rows;
  }
  *total = pos;
  return spans;
}

/// For every page overlapping `rows`, the requested rows relative to the page.
std::vector<std::pair<size_t, ValueRanges>> SplitByPages(const std::vector<PageSpan>& spans,
                                                         const ValueRanges& rows) {
  std::vector<std::pair<size_t, ValueRanges>> out;
  size_t p = 0;
  for (const RowRange& r : rows) {
    uint64_t start = r.start;
    while (start < r.end && p < spans.size()) {
      const PageSpan& s = spans[p];
      if (s.start + s.rows <= start) {
        ++p;
        continue;
      }
      uint64_t end = std::min(r.end, s.start + s.rows);
      if (out.empty() || out.back().first != p) out.emplace_back(p, ValueRanges{});
      out.back().second.push_back({start - s.start, end - s.start});
      start = end;
    }
  }
  return out;
}

Status CheckRowsWithin(const ValueRanges& rows, uint64_t total, const char* what) {
  if (!rows.empty() && rows.back().end > total) {
    return Status::Corruption(std::string(what) + " has " + std::to_string(total) +
                              " rows, but rows up to " + std::to_string(rows.back().end) +
                              " are needed");
  }
  return Status::OK();
}

/// Sorted, non-empty, non-adjacent ranges.
ValueRanges Normalize(const ValueRanges& rows) {
  ValueRanges out;
  for (const RowRange& r : rows) {
    if (r.size() == 0) continue;
    if (!out.empty() && out.back().end == r.start) {
      out.back().end = r.end;
    } else {
      out.push_back(r);
    }
  }
  return out;
}

Result<ArrayPtr> ConcatPieces(const DataTypePtr& type, std::vector<ArrayPtr> pieces) {
  if (pieces.empty()) return MakeNullArray(type, 0);
  if (pieces.size() == 1) return std::move(pieces[0]);
  return Concatenate(pieces);
}

/// A column holding values (everything but list offsets and struct headers).
class ValuesColumnNode final : public Node {
 public:
  ValuesColumnNode(const ColumnMeta* col, DataTypePtr type, ValueRanges rows,
                   bool blob_descriptions = false)
      : col_(col),
        type_(std::move(type)),
        rows_(std::move(rows)),
        blob_descriptions_(blob_descriptions) {}

  Status Schedule(ReadBatch* batch) override {
    LANCET_RETURN_NOT_OK(CheckColumnEncoding(*col_, blob_descriptions_));
    uint64_t total = 0;
    LANCET_ASSIGN_OR_RETURN(std::vector<PageSpan> spans, LayoutPages(*col_, &total));
    LANCET_RETURN_NOT_OK(CheckRowsWithin(rows_, total, "column"));
    for (auto& [page_idx, ranges] : SplitByPages(spans, rows_)) {
      const PageMeta& page = *spans[page_idx].page;
      LANCET_ASSIGN_OR_RETURN(auto enc, ParsePageEncoding(page));
      Part part;
      part.rows = TotalRows(ranges);
      BufferSource src{&page, col_};
      LANCET_ASSIGN_OR_RETURN(part.node, MakeNode(*enc, src, type_, std::move(ranges), 0));
      part.encoding = std::move(enc);
      LANCET_RETURN_NOT_OK(part.node->Schedule(batch));
      parts_.push_back(std::move(part));
    }
    return Status::OK();
  }

  Status Advance(ReadBatch* batch, bool* done) override {
    bool all = true;
    for (Part& p : parts_) {
      LANCET_RETURN_NOT_OK(AdvanceChild(p.node.get(), &p.done, batch));
      all = all && p.done;
    }
    *done = all;
    return Status::OK();
  }

  Result<ArrayPtr> Finish(ReadBatch* batch) override {
    std::vector<ArrayPtr> pieces;
    for (Part& p : parts_) {
      LANCET_ASSIGN_OR_RETURN(ArrayPtr a, p.node->Finish(batch));
      if (static_cast<uint64_t>(a->length) != p.rows) {
        return Status::Corruption("page decoded to " + std::to_string(a->length) +
                                  " rows, expected " + std::to_string(p.rows));
      }
      pieces.push_back(std::move(a));
    }
    return ConcatPieces(type_, std::move(pieces));
  }

 private:
  struct Part {
    std::unique_ptr<pb::ArrayEncoding> encoding;  // owns what `node` refers to
    std::unique_ptr<Node> node;
    uint64_t rows = 0;
    bool done = false;
  };
  const ColumnMeta* col_;
  DataTypePtr type_;
  ValueRanges rows_;
  bool blob_descriptions_;
  std::vector<Part> parts_;
};

/// A binary column written with Lance's blob encoding: the column holds (position, size)
/// descriptions (a packed struct of two u64) and every value lives at that absolute position in
/// the file. A null value is (1, 0), an empty one (0, 0).
class BlobColumnNode final : public Node {
 public:
  BlobColumnNode(const ColumnMeta* col, DataTypePtr type, ValueRanges rows)
      : type_(std::move(type)),
        descriptions_(std::make_unique<ValuesColumnNode>(
            col, struct_({Field("position", uint64(), false), Field("size", uint64(), false)}),
            std::move(rows), /*blob_descriptions=*/true)) {}

  Status Schedule(ReadBatch* batch) override { return descriptions_->Schedule(batch); }

  Status Advance(ReadBatch* batch, bool* done) override {
    *done = false;
    if (!described_) {
      LANCET_RETURN_NOT_OK(AdvanceChild(descriptions_.get(), &descriptions_done_, batch));
      if (!descriptions_done_) return Status::OK();
      LANCET_ASSIGN_OR_RETURN(ArrayPtr desc, descriptions_->Finish(batch));
      if (desc->type->id() != TypeId::kStruct || desc->children.size() != 2) {
        return Status::Corruption("blob descriptions are not (position, size) pairs");
      }
      LANCET_ASSIGN_OR_RETURN(std::vector<uint64_t> positions, ToU64(*desc->children[0]));
      LANCET_ASSIGN_OR_RETURN(std::vector<uint64_t> sizes, ToU64(*desc->children[1]));
      for (size_t i = 0; i < positions.size(); ++i) {
        const uint64_t p = positions[i], n = sizes[i];
        const bool valid = !(p == 1 && n == 0);
        if (p + n < p) return Status::Corruption("blob range overflows");
        if (n > static_cast<uint64_t>(v20::kMaxDecompressedBytes) * 4) {
          return Status::Corruption("blob of " + std::to_string(n) + " bytes");
        }
        valid_.push_back(valid);
        lengths_.push_back(valid ? n : 0);
        handles_.push_back(valid && n > 0 ? batch->Add({p, n}) : SIZE_MAX);
      }
      described_ = true;
      return Status::OK();
    }
    *done = true;
    return Status::OK();
  }

  Result<ArrayPtr> Finish(ReadBatch* batch) override {
    BufferBuilder bytes;
    for (size_t h : handles_) {
      if (h != SIZE_MAX) bytes.Append(batch->Get(h).data(), batch->Get(h).size());
    }
    return MakeBinaryArray(type_, lengths_, valid_, bytes.Finish());
  }

 private:
  DataTypePtr type_;
  std::unique_ptr<ValuesColumnNode> descriptions_;
  bool descriptions_done_ = false;
  bool described_ = false;
  std::vector<uint64_t> lengths_;
  std::vector<bool> valid_;
  std::vector<size_t> handles_;
};

Result<std::unique_ptr<Node>> MakeFieldNode(const Field& field,
                                            const std::vector<const ColumnMeta*>& columns,
                                            size_t col, ValueRanges rows, int depth);

Result<const ColumnMeta*> ColumnAt(const std::vector<const ColumnMeta*>& columns, size_t col) {
  if (col >= columns.size() || columns[col] == nullptr) {
    return Status::Corruption("field needs column " + std::to_string(col) + " but only " +
                              std::to_string(columns.size()) + " are given");
  }
  return columns[col];
}

/// A struct stored as one column: by schema metadata, or because the writer chose PackedStruct.
bool IsPackedColumn(const Field& field, const ColumnMeta& col) {
  if (v20::IsPackedStructField(field)) return true;
  for (const PageMeta& p : col.pages) {
    if (p.num_rows == 0) continue;
    pb::ArrayEncoding enc;
    return enc.ParseFromString(p.encoding) && enc.has_packed_struct();
  }
  return false;
}

/// Number of columns `field` occupies starting at `col` (2.0 layout).
Result<size_t> ColumnsUsed(const Field& field, const std::vector<const ColumnMeta*>& columns,
                           size_t col, int depth) {
  if (depth > kMaxEncodingDepth) return Status::NotSupported("schema nested too deeply");
  const DataType& t = *field.type;
  if (t.id() == TypeId::kStruct) {
    LANCET_ASSIGN_OR_RETURN(const ColumnMeta* header, ColumnAt(columns, col));
    if (IsPackedColumn(field, *header)) return size_t{1};
    size_t n = 1;
    for (const Field& c : t.children()) {
      LANCET_ASSIGN_OR_RETURN(size_t k, ColumnsUsed(c, columns, col + n, depth + 1));
      n += k;
    }
    return n;
  }
  if (t.is_list_like()) {
    if (t.children().size() != 1) return Status::InvalidArgument("list without an item field");
    LANCET_ASSIGN_OR_RETURN(size_t k, ColumnsUsed(t.children()[0], columns, col + 1, depth + 1));
    return k + 1;
  }
  return size_t{1};
}

class StructNode final : public Node {
 public:
  StructNode(const Field& field, const std::vector<const ColumnMeta*>& columns, size_t col,
             ValueRanges rows, int depth)
      : field_(field), columns_(columns), col_(col), rows_(std::move(rows)), depth_(depth) {}

  Status Schedule(ReadBatch* batch) override {
    LANCET_ASSIGN_OR_RETURN(const ColumnMeta* header, ColumnAt(columns_, col_));
    LANCET_RETURN_NOT_OK(CheckColumnEncoding(*header));
    uint64_t total = 0;
    for (const PageMeta& p : header->pages) {
      if (p.num_rows == 0) continue;
      LANCET_ASSIGN_OR_RETURN(auto enc, ParsePageEncoding(p));
      if (!enc->has_struct_()) {
        return Status::Corruption(std::string("struct header page has encoding '") +
                                  EncodingName(*enc) + "'");
      }
      if (total + p.num_rows < total) return Status::Corruption("struct rows overflow");
      total += p.num_rows;
    }
    LANCET_RETURN_NOT_OK(CheckRowsWithin(rows_, total, "struct column"));
    size_t col = col_ + 1;
    for (const Field& child : field_.type->children()) {
      LANCET_ASSIGN_OR_RETURN(size_t used, ColumnsUsed(child, columns_, col, depth_ + 1));
      Child c;
      LANCET_ASSIGN_OR_RETURN(c.node, MakeFieldNode(child, columns_, col, rows_, depth_ + 1));
      LANCET_RETURN_NOT_OK(c.node->Schedule(batch));
      children_.push_back(std::move(c));
      col += used;
    }
    return Status::OK();
  }

  Status Advance(ReadBatch* batch, bool* done) override {
    bool all = true;
    for (Child& c : children_) {
      LANCET_RETURN_NOT_OK(AdvanceChild(c.node.get(), &c.done, batch));
      all = all && c.done;
    }
    *done = all;
    return Status::OK();
  }

  Result<ArrayPtr> Finish(ReadBatch* batch) override {
    const int64_t n = static_cast<int64_t>(TotalRows(rows_));
    auto out = std::make_shared<ArrayData>();
    out->type = field_.type;
    out->length = n;
    for (Child& c : children_) {
      LANCET_ASSIGN_OR_RETURN(ArrayPtr a, c.node->Finish(batch));
      if (a->length != n) return Status::Corruption("struct child has the wrong length");
      out->children.push_back(std::move(a));
    }
    return ArrayPtr(out);
  }

 private:
  struct Child {
    std::unique_ptr<Node> node;
    bool done = false;
  };
  const Field& field_;
  const std::vector<const ColumnMeta*>& columns_;
  size_t col_;
  ValueRanges rows_;
  int depth_;
  std::vector<Child> children_;
};

class ListNode final : public Node {
 public:
  ListNode(const Field& field, const std::vector<const ColumnMeta*>& columns, size_t col,
           ValueRanges rows, int depth)
      : field_(field), columns_(columns), col_(col), rows_(std::move(rows)), depth_(depth) {}

  Status Schedule(ReadBatch* batch) override {
    if (field_.type->children().size() != 1) {
      return Status::InvalidArgument("list without an item field");
    }
    LANCET_ASSIGN_OR_RETURN(const ColumnMeta* offsets, ColumnAt(columns_, col_));
    LANCET_RETURN_NOT_OK(CheckColumnEncoding(*offsets));
    uint64_t total = 0;
    LANCET_ASSIGN_OR_RETURN(std::vector<PageSpan> spans, LayoutPages(*offsets, &total));
    LANCET_RETURN_NOT_OK(CheckRowsWithin(rows_, total, "list offsets column"));
    // Items of a page follow the items of every earlier page.
    std::vector<uint64_t> item_base(spans.size(), 0);
    std::vector<std::unique_ptr<pb::ArrayEncoding>> encodings(spans.size());
    uint64_t base = 0;
    for (size_t i = 0; i < spans.size(); ++i) {
      LANCET_ASSIGN_OR_RETURN(encodings[i], ParsePageEncoding(*spans[i].page));
      if (!encodings[i]->has_list()) {
        return Status::Corruption(std::string("list offsets page has encoding '") +
                                  EncodingName(*encodings[i]) + "'");
      }
      item_base[i] = base;
      uint64_t items = encodings[i]->list().num_items();
      if (base + items < base) return Status::Corruption("list item counts overflow");
      base += items;
    }
    for (auto& [page_idx, ranges] : SplitByPages(spans, rows_)) {
      Part part;
      part.ranges = ranges;
      part.item_base = item_base[page_idx];
      const pb::List& list = encodings[page_idx]->list();
      if (!list.has_offsets()) return Status::Corruption("List encoding without offsets");
      if (list.null_offset_adjustment() == 0) {
        return Status::Corruption("List encoding with a zero null offset adjustment");
      }
      ValueRanges idx;
      for (const RowRange& r : ranges) idx.push_back({r.start > 0 ? r.start - 1 : 0, r.end});
      BufferSource src{spans[page_idx].page, offsets};
      LANCET_ASSIGN_OR_RETURN(part.node, MakeNode(list.offsets(), src, nullptr, idx, 0));
      part.encoding = std::move(encodings[page_idx]);
      LANCET_RETURN_NOT_OK(part.node->Schedule(batch));
      parts_.push_back(std::move(part));
    }
    return Status::OK();
  }

  Status Advance(ReadBatch* batch, bool* done) override {
    *done = false;
    if (!items_) {
      bool all = true;
      for (Part& p : parts_) {
        LANCET_RETURN_NOT_OK(AdvanceChild(p.node.get(), &p.done, batch));
        all = all && p.done;
      }
      if (!all) return Status::OK();
      LANCET_RETURN_NOT_OK(ComputeItems(batch));
      LANCET_ASSIGN_OR_RETURN(items_, MakeFieldNode(field_.type->children()[0], columns_, col_ + 1,
                                                    item_ranges_, depth_ + 1));
      return items_->Schedule(batch);
    }
    LANCET_RETURN_NOT_OK(AdvanceChild(items_.get(), &items_done_, batch));
    *done = items_done_;
    return Status::OK();
  }

  Result<ArrayPtr> Finish(ReadBatch* batch) override {
    LANCET_ASSIGN_OR_RETURN(ArrayPtr items, items_->Finish(batch));
    const int64_t n = static_cast<int64_t>(lengths_.size());
    std::vector<int64_t> offsets(lengths_.size() + 1, 0);
    std::vector<uint8_t> validity(static_cast<size_t>((n + 7) / 8), 0);
    int64_t nulls = 0;
    for (int64_t i = 0; i < n; ++i) {
      offsets[static_cast<size_t>(i + 1)] =
          offsets[static_cast<size_t>(i)] + static_cast<int64_t>(lengths_[static_cast<size_t>(i)]);
      if (valid_[static_cast<size_t>(i)]) {
        v20::SetBit(validity.data(), i);
      } else {
        ++nulls;
      }
    }
    if (offsets.back() != items->length) {
      return Status::Corruption("list items decoded to " + std::to_string(items->length) +
                                " rows, offsets need " + std::to_string(offsets.back()));
    }
    auto out = std::make_shared<ArrayData>();
    out->type = field_.type;
    out->length = n;
    out->null_count = nulls;
    if (nulls > 0) out->validity = Buffer::FromVector(std::move(validity));
    out->offsets = Buffer::Copy(offsets.data(), static_cast<int64_t>(offsets.size() * 8));
    out->children.push_back(std::move(items));
    return ArrayPtr(out);
  }

 private:
  struct Part {
    std::unique_ptr<pb::ArrayEncoding> encoding;
    std::unique_ptr<Node> node;
    ValueRanges ranges;
    uint64_t item_base = 0;
    bool done = false;
  };

  Status ComputeItems(ReadBatch* batch) {
    for (Part& p : parts_) {
      LANCET_ASSIGN_OR_RETURN(ArrayPtr arr, p.node->Finish(batch));
      LANCET_ASSIGN_OR_RETURN(std::vector<uint64_t> idx, ToU64(*arr));
      const pb::List& list = p.encoding->list();
      const uint64_t adj = list.null_offset_adjustment();
      const uint64_t num_items = list.num_items();
      size_t pos = 0;
      auto next = [&](bool* valid) -> Result<uint64_t> {
        if (pos >= idx.size()) return Status::Corruption("missing list offsets");
        uint64_t v = idx[pos++];
        *valid = v < adj;
        uint64_t end = *valid ? v : v - adj;
        if (end >= adj || end > num_items) {
          return Status::Corruption("list offset " + std::to_string(v) + " out of range (" +
                                    std::to_string(num_items) + " items, null adjustment " +
                                    std::to_string(adj) + ")");
        }
        return end;
      };
      for (const RowRange& r : p.ranges) {
        uint64_t prev = 0;
        bool valid = true;
        if (r.start > 0) {
          LANCET_ASSIGN_OR_RETURN(prev, next(&valid));
        }
        for (uint64_t row = r.start; row < r.end; ++row) {
          LANCET_ASSIGN_OR_RETURN(uint64_t end, next(&valid));
          if (end < prev) return Status::Corruption("list offsets decrease");
          if (valid && end > prev) {
            RowRange items{p.item_base + prev, p.item_base + end};
            if (!item_ranges_.empty() && item_ranges_.back().end == items.start) {
              item_ranges_.back().end = items.end;
            } else {
              item_ranges_.push_back(items);
            }
          }
          lengths_.push_back(valid ? end - prev : 0);
          valid_.push_back(valid);
          prev = end;
        }
      }
      if (pos != idx.size()) return Status::Corruption("unexpected number of list offsets");
    }
    return Status::OK();
  }

  const Field& field_;
  const std::vector<const ColumnMeta*>& columns_;
  size_t col_;
  ValueRanges rows_;
  int depth_;
  std::vector<Part> parts_;
  std::vector<uint64_t> lengths_;
  std::vector<bool> valid_;
  ValueRanges item_ranges_;
  std::unique_ptr<Node> items_;
  bool items_done_ = false;
};

Result<std::unique_ptr<Node>> MakeFieldNode(const Field& field,
                                            const std::vector<const ColumnMeta*>& columns,
                                            size_t col, ValueRanges rows, int depth) {
  if (depth > kMaxEncodingDepth) return Status::NotSupported("schema nested too deeply");
  if (!field.type) return Status::InvalidArgument("field '" + field.name + "' has no type");
  LANCET_ASSIGN_OR_RETURN(const ColumnMeta* column, ColumnAt(columns, col));
  rows = Normalize(rows);
  const DataType& t = *field.type;
  if (t.id() == TypeId::kStruct && !IsPackedColumn(field, *column)) {
    return std::unique_ptr<Node>(
        std::make_unique<StructNode>(field, columns, col, std::move(rows), depth));
  }
  if (t.is_list_like()) {
    return std::unique_ptr<Node>(
        std::make_unique<ListNode>(field, columns, col, std::move(rows), depth));
  }
  if (t.is_binary_like() && IsBlobColumn(*column)) {
    return std::unique_ptr<Node>(
        std::make_unique<BlobColumnNode>(column, field.type, std::move(rows)));
  }
  return std::unique_ptr<Node>(
      std::make_unique<ValuesColumnNode>(column, field.type, std::move(rows)));
}

// ---- Description -------------------------------------------------------------------------------

void Describe(const pb::ArrayEncoding& e, std::string* out, int depth) {
  if (depth > kMaxEncodingDepth) {
    *out += "...";
    return;
  }
  auto sub = [&](const char* name, const pb::ArrayEncoding& child, bool first) {
    if (!first) *out += ",";
    *out += name;
    *out += "=";
    Describe(child, out, depth + 1);
  };
  switch (e.array_encoding_case()) {
    case pb::ArrayEncoding::kFlat: {
      *out += "Flat(" + std::to_string(e.flat().bits_per_value());
      if (e.flat().has_compression() && !e.flat().compression().scheme().empty()) {
        *out += "," + e.flat().compression().scheme();
        if (e.flat().compression().has_level()) {
          *out += ":" + std::to_string(e.flat().compression().level());
        }
      }
      if (e.flat().has_buffer() && e.flat().buffer().buffer_type() != pb::Buffer::page) {
        *out += e.flat().buffer().buffer_type() == pb::Buffer::column ? ",column-buffer"
                                                                      : ",file-buffer";
      }
      *out += ")";
      return;
    }
    case pb::ArrayEncoding::kNullable: {
      const pb::Nullable& n = e.nullable();
      switch (n.nullability_case()) {
        case pb::Nullable::kNoNulls:
          *out += "Nullable(NoNull){";
          sub("values", n.no_nulls().values(), true);
          *out += "}";
          return;
        case pb::Nullable::kSomeNulls:
          *out += "Nullable(SomeNull){";
          sub("validity", n.some_nulls().validity(), true);
          sub("values", n.some_nulls().values(), false);
          *out += "}";
          return;
        case pb::Nullable::kAllNulls:
          *out += "Nullable(AllNull)";
          return;
        default:
          *out += "Nullable(?)";
          return;
      }
    }
    case pb::ArrayEncoding::kFixedSizeList:
      *out += "FixedSizeList(" + std::to_string(e.fixed_size_list().dimension()) +
              (e.fixed_size_list().has_validity() ? ",validity" : "") + "){";
      sub("items", e.fixed_size_list().items(), true);
      *out += "}";
      return;
    case pb::ArrayEncoding::kList:
      *out += "List(num_items=" + std::to_string(e.list().num_items()) +
              ",null_adj=" + std::to_string(e.list().null_offset_adjustment()) + "){";
      sub("offsets", e.list().offsets(), true);
      *out += "}";
      return;
    case pb::ArrayEncoding::kStruct:
      *out += "SimpleStruct";
      return;
    case pb::ArrayEncoding::kBinary:
      *out += "Binary(null_adj=" + std::to_string(e.binary().null_adjustment()) + "){";
      sub("indices", e.binary().indices(), true);
      sub("bytes", e.binary().bytes(), false);
      *out += "}";
      return;
    case pb::ArrayEncoding::kDictionary:
      *out += "Dictionary(" + std::to_string(e.dictionary().num_dictionary_items()) + "){";
      sub("indices", e.dictionary().indices(), true);
      sub("items", e.dictionary().items(), false);
      *out += "}";
      return;
    case pb::ArrayEncoding::kFsst:
      *out += "Fsst(table=" + std::to_string(e.fsst().symbol_table().size()) + "B){";
      sub("binary", e.fsst().binary(), true);
      *out += "}";
      return;
    case pb::ArrayEncoding::kPackedStruct: {
      *out += "PackedStruct{";
      bool first = true;
      for (const pb::ArrayEncoding& c : e.packed_struct().inner()) {
        if (!first) *out += ",";
        first = false;
        Describe(c, out, depth + 1);
      }
      *out += "}";
      return;
    }
    case pb::ArrayEncoding::kBitpacked:
      *out += "Bitpacked(" + std::to_string(e.bitpacked().compressed_bits_per_value()) + "/" +
              std::to_string(e.bitpacked().uncompressed_bits_per_value()) +
              (e.bitpacked().signed_() ? ",signed" : "") + ")";
      return;
    case pb::ArrayEncoding::kBitpackedForNonNeg:
      *out += "BitpackedForNonNeg(" +
              std::to_string(e.bitpacked_for_non_neg().compressed_bits_per_value()) + "/" +
              std::to_string(e.bitpacked_for_non_neg().uncompressed_bits_per_value()) + ")";
      return;
    case pb::ArrayEncoding::kFixedSizeBinary:
      *out += "FixedSizeBinary(" + std::to_string(e.fixed_size_binary().byte_width()) + "){";
      sub("bytes", e.fixed_size_binary().bytes(), true);
      *out += "}";
      return;
    case pb::ArrayEncoding::kConstant:
      *out += "Constant(" + std::to_string(e.constant().value().size()) + "B)";
      return;
    default:
      *out += EncodingName(e);
      return;
  }
}

}  // namespace

std::string DescribeArrayEncodingV20(const std::string& serialized) {
  pb::ArrayEncoding enc;
  if (!enc.ParseFromString(serialized)) return "<invalid ArrayEncoding>";
  std::string out;
  Describe(enc, &out, 0);
  return out;
}

Result<ArrayPtr> DecodeFieldV20(const Field& field, const std::vector<const ColumnMeta*>& columns,
                                const std::vector<RowRange>& rows, RangeReader* io) {
  if (!field.type) return Status::InvalidArgument("field '" + field.name + "' has no type");
  for (size_t i = 0; i < rows.size(); ++i) {
    if (rows[i].end < rows[i].start || (i > 0 && rows[i].start < rows[i - 1].end)) {
      return Status::InvalidArgument("row ranges must be sorted and non-overlapping");
    }
  }
  LANCET_ASSIGN_OR_RETURN(size_t used, ColumnsUsed(field, columns, 0, 0));
  if (used != columns.size()) {
    return Status::Corruption("field '" + field.name + "' uses " + std::to_string(used) +
                              " columns in a 2.0 file, " + std::to_string(columns.size()) +
                              " were given");
  }
  auto decode = [&]() -> Result<ArrayPtr> {
    LANCET_ASSIGN_OR_RETURN(std::unique_ptr<Node> root, MakeFieldNode(field, columns, 0, rows, 0));
    ReadBatch batch;
    LANCET_RETURN_NOT_OK(root->Schedule(&batch));
    bool done = false;
    for (int round = 0; !done; ++round) {
      if (round > 4 * kMaxEncodingDepth + 16) {
        return Status::Internal("2.0 decoder did not converge");
      }
      LANCET_RETURN_NOT_OK(batch.Execute(io));
      LANCET_RETURN_NOT_OK(root->Advance(&batch, &done));
    }
    LANCET_ASSIGN_OR_RETURN(ArrayPtr out, root->Finish(&batch));
    Status valid = ValidateArray(*out);
    if (!valid.ok()) return Status::Corruption("decoded array is invalid: " + valid.message());
    return out;
  };
  Result<ArrayPtr> result = decode();
  if (!result.ok()) return result.status().WithContext("field '" + field.name + "' (2.0)");
  return result;
}

}  // namespace lancet::encoding
