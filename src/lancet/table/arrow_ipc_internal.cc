// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The lancet authors
#include "lancet/table/arrow_ipc_internal.h"

#include <lz4frame.h>
#include <zstd.h>

#include <algorithm>
#include <cstring>
#include <limits>
#include <memory>
#include <utility>

namespace lancet::table::internal {
namespace {

constexpr char kMagic[] = "ARROW1";  // 6 bytes
constexpr uint32_t kContinuation = 0xFFFFFFFFu;
constexpr int16_t kMetadataV5 = 4;
constexpr uint8_t kHeaderSchema = 1;
constexpr uint8_t kHeaderRecordBatch = 3;
constexpr uint8_t kTypeInt = 2;
// BodyCompression.codec values.
constexpr int8_t kCodecLz4Frame = 0;
constexpr int8_t kCodecZstd = 1;

Status Bad(const std::string& what) { return Status::Corruption("Arrow IPC: " + what); }

template <typename T>
T Load(const uint8_t* p) {
  T v;
  std::memcpy(&v, p, sizeof(T));
  return v;
}

// ---------------------------------------------------------------------------------------------
// Flatbuffer reading, bounds-checked. Positions are size_t offsets into one flatbuffer.

class FbReader {
 public:
  struct Table {
    size_t pos = 0;
    size_t vtable = 0;
    size_t vtable_size = 0;
    size_t table_size = 0;
  };

  FbReader(const uint8_t* data, size_t size) : data_(data), size_(size) {}

  Result<Table> Root() const {
    if (size_ < 4) return Bad("flatbuffer too small");
    return TableAt(Load<uint32_t>(data_), "root");
  }

  Result<Table> TableAt(size_t pos, const char* what) const {
    if (pos > size_ || size_ - pos < 4 || pos % 4 != 0) return Bad(Str("table", what, pos));
    int32_t soff = Load<int32_t>(data_ + pos);
    int64_t vt = static_cast<int64_t>(pos) - soff;
    if (vt < 0 || vt % 2 != 0 || static_cast<uint64_t>(vt) > size_ - 4)
      return Bad(Str("vtable", what, pos));
    Table t;
    t.pos = pos;
    t.vtable = static_cast<size_t>(vt);
    t.vtable_size = Load<uint16_t>(data_ + t.vtable);
    t.table_size = Load<uint16_t>(data_ + t.vtable + 2);
    if (t.vtable_size < 4 || t.vtable_size % 2 != 0 || t.vtable_size > size_ - t.vtable ||
        t.table_size < 4 || t.table_size > size_ - pos) {
      return Bad(Str("vtable", what, pos));
    }
    return t;
  }

  // Offset of field `slot` inside the table, or 0 when absent. Checks `width` bytes fit.
  Result<size_t> Field(const Table& t, int slot, size_t width) const {
    size_t e = 4 + 2 * static_cast<size_t>(slot);
    if (e + 2 > t.vtable_size) return size_t{0};
    size_t off = Load<uint16_t>(data_ + t.vtable + e);
    if (off == 0) return size_t{0};
    if (off < 4 || off + width > t.table_size) return Bad(Str("field", "", t.pos));
    return t.pos + off;
  }

  template <typename T>
  Result<T> Scalar(const Table& t, int slot, T def) const {
    LANCET_ASSIGN_OR_RETURN(size_t p, Field(t, slot, sizeof(T)));
    if (p == 0) return def;
    return Load<T>(data_ + p);
  }

  // Follow the uoffset in field `slot`; 0 when absent.
  Result<size_t> Ref(const Table& t, int slot) const {
    LANCET_ASSIGN_OR_RETURN(size_t p, Field(t, slot, 4));
    if (p == 0) return size_t{0};
    uint64_t target = static_cast<uint64_t>(p) + Load<uint32_t>(data_ + p);
    if (target >= size_) return Bad(Str("offset", "", p));
    return static_cast<size_t>(target);
  }

  Result<Table> SubTable(const Table& t, int slot, const char* what) const {
    LANCET_ASSIGN_OR_RETURN(size_t p, Ref(t, slot));
    if (p == 0) return Bad(std::string("missing ") + what);
    return TableAt(p, what);
  }

  // A vector at `pos`: returns (count, position of the first element).
  Result<std::pair<size_t, size_t>> Vector(size_t pos, size_t elem_size, const char* what) const {
    if (pos > size_ || size_ - pos < 4 || pos % 4 != 0) return Bad(Str("vector", what, pos));
    uint64_t n = Load<uint32_t>(data_ + pos);
    if (n * elem_size > size_ - pos - 4) return Bad(Str("vector length", what, pos));
    return std::make_pair(static_cast<size_t>(n), pos + 4);
  }

  Result<std::string> String(size_t pos) const {
    LANCET_ASSIGN_OR_RETURN(auto v, Vector(pos, 1, "string"));
    return std::string(reinterpret_cast<const char*>(data_ + v.second), v.first);
  }

  // Element i of a vector of tables.
  Result<Table> TableElement(std::pair<size_t, size_t> vec, size_t i, const char* what) const {
    size_t p = vec.second + 4 * i;
    uint64_t target = static_cast<uint64_t>(p) + Load<uint32_t>(data_ + p);
    if (target >= size_) return Bad(Str("offset", what, p));
    return TableAt(static_cast<size_t>(target), what);
  }

  const uint8_t* data() const { return data_; }

 private:
  static std::string Str(const char* kind, const char* what, size_t pos) {
    return std::string("malformed flatbuffer ") + kind + (*what ? " of " : "") + what +
           " at byte " + std::to_string(pos);
  }

  const uint8_t* data_;
  size_t size_;
};

// ---------------------------------------------------------------------------------------------
// Flatbuffer writing, front to back: a table is written with placeholders for its offset
// fields, which are patched once the referenced objects (always written later) are placed.

class FbWriter {
 public:
  struct FieldSpec {
    int slot;
    int width;       // 1, 2, 4 or 8
    uint64_t value;  // scalars
    bool is_offset;  // uoffset to patch
  };

  FbWriter() { Put<uint32_t>(0); }  // root offset, patched by SetRoot

  size_t pos() const { return bytes_.size(); }
  void Align(size_t a) {
    while (bytes_.size() % a != 0) bytes_.push_back(0);
  }
  template <typename T>
  size_t Put(T v) {
    size_t p = bytes_.size();
    bytes_.resize(p + sizeof(T));
    std::memcpy(bytes_.data() + p, &v, sizeof(T));
    return p;
  }
  void PutBytes(const void* d, size_t n) {
    const auto* b = static_cast<const uint8_t*>(d);
    bytes_.insert(bytes_.end(), b, b + n);
  }
  void Patch(size_t at, size_t target) {
    uint32_t rel = static_cast<uint32_t>(target - at);
    std::memcpy(bytes_.data() + at, &rel, 4);
  }
  void SetRoot(size_t table) { Patch(0, table); }

  // Writes vtable + table; returns the table position and, per spec with is_offset, the
  // position of its placeholder (same order as `fields`, 0 for scalars).
  size_t Table(const std::vector<FieldSpec>& fields, std::vector<size_t>* placeholders) {
    int max_slot = -1;
    for (const auto& f : fields) max_slot = std::max(max_slot, f.slot);
    // Layout of the table body: soffset (4 bytes) then fields by decreasing width.
    std::vector<size_t> order(fields.size());
    for (size_t i = 0; i < order.size(); ++i) order[i] = i;
    std::stable_sort(order.begin(), order.end(),
                     [&](size_t a, size_t b) { return fields[a].width > fields[b].width; });
    std::vector<size_t> field_off(fields.size());
    size_t off = 4;
    for (size_t i : order) {
      size_t w = static_cast<size_t>(fields[i].width);
      off = (off + w - 1) / w * w;
      field_off[i] = off;
      off += w;
    }
    size_t table_size = (off + 3) / 4 * 4;
    size_t vt_size = 4 + 2 * static_cast<size_t>(max_slot + 1);
    // The vtable goes first (2-aligned); the table then starts 8-aligned.
    Align(2);
    size_t vt = pos();
    Put<uint16_t>(static_cast<uint16_t>(vt_size));
    Put<uint16_t>(static_cast<uint16_t>(table_size));
    std::vector<uint16_t> slots(static_cast<size_t>(max_slot + 1), 0);
    for (size_t i = 0; i < fields.size(); ++i)
      slots[static_cast<size_t>(fields[i].slot)] = static_cast<uint16_t>(field_off[i]);
    for (uint16_t s : slots) Put<uint16_t>(s);
    Align(8);
    size_t table = pos();
    bytes_.resize(table + table_size, 0);
    int32_t soff = static_cast<int32_t>(table - vt);
    std::memcpy(bytes_.data() + table, &soff, 4);
    if (placeholders) placeholders->assign(fields.size(), 0);
    for (size_t i = 0; i < fields.size(); ++i) {
      const auto& f = fields[i];
      std::memcpy(bytes_.data() + table + field_off[i], &f.value, static_cast<size_t>(f.width));
      if (f.is_offset && placeholders) (*placeholders)[i] = table + field_off[i];
    }
    return table;
  }

  // A vector of structs of `elem_size` bytes (8-aligned elements); returns its position.
  size_t StructVector(const std::vector<uint8_t>& elems, size_t count) {
    Align(4);
    if (pos() % 8 == 0) Put<uint32_t>(0);  // padding so that the elements are 8-aligned
    size_t p = Put<uint32_t>(static_cast<uint32_t>(count));
    PutBytes(elems.data(), elems.size());
    return p;
  }
  size_t String(const std::string& s) {
    Align(4);
    size_t p = Put<uint32_t>(static_cast<uint32_t>(s.size()));
    PutBytes(s.data(), s.size());
    bytes_.push_back(0);
    return p;
  }
  // A vector of `n` uoffsets; returns its position; element i sits at pos + 4 + 4 * i.
  size_t OffsetVector(size_t n) {
    Align(4);
    size_t p = Put<uint32_t>(static_cast<uint32_t>(n));
    for (size_t i = 0; i < n; ++i) Put<uint32_t>(0);
    return p;
  }

  std::vector<uint8_t> Finish() {
    Align(8);
    return std::move(bytes_);
  }

 private:
  std::vector<uint8_t> bytes_;
};

// Writes a Schema table (one uint32 field) and everything it references.
size_t WriteSchema(FbWriter* w, const std::string& name, bool nullable) {
  std::vector<size_t> ph;
  size_t schema = w->Table({{1, 4, 0, true}}, &ph);  // fields; endianness = Little (default)
  size_t fields = w->OffsetVector(1);
  w->Patch(ph[0], fields);
  std::vector<size_t> fph;
  size_t field = w->Table({{0, 4, 0, true},                          // name
                           {1, 1, nullable ? 1u : 0u, false},        // nullable
                           {2, 1, kTypeInt, false},                  // type_type = Int
                           {3, 4, 0, true},                          // type
                           {5, 4, 0, true}},                         // children
                          &fph);
  w->Patch(fields + 4, field);
  w->Patch(fph[0], w->String(name));
  size_t int_type = w->Table({{0, 4, 32, false}, {1, 1, 0, false}}, nullptr);  // u32
  w->Patch(fph[3], int_type);
  w->Patch(fph[4], w->OffsetVector(0));
  return schema;
}

std::vector<uint8_t> SchemaMessage(const std::string& name, bool nullable) {
  FbWriter w;
  std::vector<size_t> ph;
  size_t msg = w.Table({{0, 2, static_cast<uint64_t>(kMetadataV5), false},
                        {1, 1, kHeaderSchema, false},
                        {2, 4, 0, true},
                        {3, 8, 0, false}},
                       &ph);
  w.SetRoot(msg);
  w.Patch(ph[2], WriteSchema(&w, name, nullable));
  return w.Finish();
}

struct BufferSpec {
  int64_t offset;
  int64_t length;
};

std::vector<uint8_t> RecordBatchMessage(int64_t length, const std::vector<BufferSpec>& buffers,
                                        int64_t body_length, IpcCodec codec) {
  FbWriter w;
  std::vector<size_t> ph;
  size_t msg = w.Table({{0, 2, static_cast<uint64_t>(kMetadataV5), false},
                        {1, 1, kHeaderRecordBatch, false},
                        {2, 4, 0, true},
                        {3, 8, static_cast<uint64_t>(body_length), false}},
                       &ph);
  w.SetRoot(msg);
  std::vector<FbWriter::FieldSpec> rb_fields = {
      {0, 8, static_cast<uint64_t>(length), false}, {1, 4, 0, true}, {2, 4, 0, true}};
  if (codec != IpcCodec::kNone) rb_fields.push_back({3, 4, 0, true});
  std::vector<size_t> rph;
  size_t rb = w.Table(rb_fields, &rph);
  w.Patch(ph[2], rb);
  std::vector<uint8_t> node(16, 0);  // FieldNode {length, null_count = 0}
  std::memcpy(node.data(), &length, 8);
  w.Patch(rph[1], w.StructVector(node, 1));
  std::vector<uint8_t> bufs(16 * buffers.size());
  for (size_t i = 0; i < buffers.size(); ++i) {
    std::memcpy(bufs.data() + 16 * i, &buffers[i].offset, 8);
    std::memcpy(bufs.data() + 16 * i + 8, &buffers[i].length, 8);
  }
  w.Patch(rph[2], w.StructVector(bufs, buffers.size()));
  if (codec != IpcCodec::kNone) {
    int8_t c = codec == IpcCodec::kZstd ? kCodecZstd : kCodecLz4Frame;
    // codec is written explicitly even when it equals the default (LZ4_FRAME).
    size_t comp = w.Table({{0, 1, static_cast<uint8_t>(c), false}, {1, 1, 0, false}}, nullptr);
    w.Patch(rph[3], comp);
  }
  return w.Finish();
}

struct Block {
  int64_t offset;
  int32_t metadata_length;
  int64_t body_length;
};

std::vector<uint8_t> Footer(const std::string& name, bool nullable, const Block& batch) {
  FbWriter w;
  std::vector<size_t> ph;
  size_t footer = w.Table({{0, 2, static_cast<uint64_t>(kMetadataV5), false},
                           {1, 4, 0, true},
                           {2, 4, 0, true},
                           {3, 4, 0, true}},
                          &ph);
  w.SetRoot(footer);
  w.Patch(ph[1], WriteSchema(&w, name, nullable));
  w.Patch(ph[2], w.StructVector({}, 0));
  std::vector<uint8_t> block(24, 0);
  std::memcpy(block.data(), &batch.offset, 8);
  std::memcpy(block.data() + 8, &batch.metadata_length, 4);
  std::memcpy(block.data() + 16, &batch.body_length, 8);
  w.Patch(ph[3], w.StructVector(block, 1));
  return w.Finish();
}

// Appends an encapsulated message; returns its metadata length (prefix + flatbuffer + padding).
int32_t AppendMessage(BufferBuilder* out, const std::vector<uint8_t>& fb) {
  size_t padded = (fb.size() + 7) / 8 * 8;
  out->AppendValue<uint32_t>(kContinuation);
  out->AppendValue<int32_t>(static_cast<int32_t>(padded));
  out->Append(fb.data(), fb.size());
  out->AppendFill(0, padded - fb.size());
  return static_cast<int32_t>(8 + padded);
}

Result<std::vector<uint8_t>> Compress(IpcCodec codec, const uint8_t* data, size_t n) {
  std::vector<uint8_t> out;
  if (codec == IpcCodec::kZstd) {
    out.resize(ZSTD_compressBound(n));
    size_t r = ZSTD_compress(out.data(), out.size(), data, n, 1);
    if (ZSTD_isError(r)) return Status::Internal(std::string("zstd: ") + ZSTD_getErrorName(r));
    out.resize(r);
  } else {
    LZ4F_preferences_t prefs;
    std::memset(&prefs, 0, sizeof(prefs));
    prefs.frameInfo.contentSize = n;
    out.resize(LZ4F_compressFrameBound(n, &prefs));
    size_t r = LZ4F_compressFrame(out.data(), out.size(), data, n, &prefs);
    if (LZ4F_isError(r)) return Status::Internal(std::string("lz4: ") + LZ4F_getErrorName(r));
    out.resize(r);
  }
  return out;
}

// Decompresses exactly `expected` bytes from one frame.
Status Decompress(int8_t codec, const uint8_t* src, size_t n, uint8_t* dst, size_t expected) {
  if (codec == kCodecZstd) {
    size_t r = ZSTD_decompress(dst, expected, src, n);
    if (ZSTD_isError(r)) return Bad(std::string("zstd: ") + ZSTD_getErrorName(r));
    if (r != expected) return Bad("zstd buffer decompressed to the wrong length");
    return Status::OK();
  }
  LZ4F_dctx* ctx = nullptr;
  if (LZ4F_isError(LZ4F_createDecompressionContext(&ctx, LZ4F_VERSION)))
    return Status::OutOfMemory("lz4 context");
  std::unique_ptr<LZ4F_dctx, decltype(&LZ4F_freeDecompressionContext)> guard(
      ctx, &LZ4F_freeDecompressionContext);
  size_t produced = 0, consumed = 0;
  while (true) {
    size_t dst_size = expected - produced;
    size_t src_size = n - consumed;
    size_t r = LZ4F_decompress(ctx, dst + produced, &dst_size, src + consumed, &src_size, nullptr);
    if (LZ4F_isError(r)) return Bad(std::string("lz4: ") + LZ4F_getErrorName(r));
    produced += dst_size;
    consumed += src_size;
    if (r == 0) break;  // frame complete
    if (src_size == 0 && dst_size == 0) return Bad("lz4 buffer truncated or longer than declared");
  }
  if (produced != expected) return Bad("lz4 buffer decompressed to the wrong length");
  return Status::OK();
}

// Parses the Footer's (or a Schema message's) schema: exactly one uint32 field.
Status ReadSchema(const FbReader& fb, const FbReader::Table& schema, IpcUInt32Column* out) {
  LANCET_ASSIGN_OR_RETURN(int16_t endianness, fb.Scalar<int16_t>(schema, 0, 0));
  if (endianness != 0) return Bad("big-endian files are not supported");
  LANCET_ASSIGN_OR_RETURN(size_t fields_pos, fb.Ref(schema, 1));
  if (fields_pos == 0) return Bad("schema without fields");
  LANCET_ASSIGN_OR_RETURN(auto fields, fb.Vector(fields_pos, 4, "fields"));
  if (fields.first != 1)
    return Bad("expected exactly one field, found " + std::to_string(fields.first));
  LANCET_ASSIGN_OR_RETURN(auto field, fb.TableElement(fields, 0, "field"));
  LANCET_ASSIGN_OR_RETURN(size_t name_pos, fb.Ref(field, 0));
  if (name_pos != 0) {
    LANCET_ASSIGN_OR_RETURN(out->field_name, fb.String(name_pos));
  }
  LANCET_ASSIGN_OR_RETURN(uint8_t nullable, fb.Scalar<uint8_t>(field, 1, 0));
  out->nullable = nullable != 0;
  LANCET_ASSIGN_OR_RETURN(uint8_t type_type, fb.Scalar<uint8_t>(field, 2, 0));
  LANCET_ASSIGN_OR_RETURN(size_t dict, fb.Ref(field, 4));
  if (dict != 0) return Bad("dictionary-encoded field");
  if (type_type != kTypeInt) return Bad("field type " + std::to_string(type_type) + " is not Int");
  LANCET_ASSIGN_OR_RETURN(auto int_type, fb.SubTable(field, 3, "Int type"));
  LANCET_ASSIGN_OR_RETURN(int32_t bit_width, fb.Scalar<int32_t>(int_type, 0, 0));
  LANCET_ASSIGN_OR_RETURN(uint8_t is_signed, fb.Scalar<uint8_t>(int_type, 1, 0));
  if (bit_width != 32 || is_signed != 0) {
    return Bad("field type is " + std::string(is_signed ? "int" : "uint") +
               std::to_string(bit_width) + ", expected uint32");
  }
  return Status::OK();
}

}  // namespace

Result<IpcUInt32Column> ReadUInt32IpcFile(std::string_view bytes) {
  const auto* d = reinterpret_cast<const uint8_t*>(bytes.data());
  const size_t n = bytes.size();
  // magic(6) + pad(2) ... footer + int32 length + magic(6)
  if (n < 8 + 10 || std::memcmp(d, kMagic, 6) != 0 || std::memcmp(d + n - 6, kMagic, 6) != 0)
    return Bad("missing ARROW1 magic (not an Arrow IPC file)");
  int32_t footer_len = Load<int32_t>(d + n - 10);
  if (footer_len <= 0 || static_cast<size_t>(footer_len) > n - 10 - 8)
    return Bad("footer length " + std::to_string(footer_len) + " out of range");
  const size_t footer_start = n - 10 - static_cast<size_t>(footer_len);
  FbReader footer(d + footer_start, static_cast<size_t>(footer_len));
  LANCET_ASSIGN_OR_RETURN(auto root, footer.Root());
  IpcUInt32Column out;
  LANCET_ASSIGN_OR_RETURN(auto schema, footer.SubTable(root, 1, "footer schema"));
  LANCET_RETURN_NOT_OK(ReadSchema(footer, schema, &out));
  LANCET_ASSIGN_OR_RETURN(size_t dicts_pos, footer.Ref(root, 2));
  if (dicts_pos != 0) {
    LANCET_ASSIGN_OR_RETURN(auto dicts, footer.Vector(dicts_pos, 24, "dictionaries"));
    if (dicts.first != 0) return Bad("dictionary batches are not expected");
  }
  LANCET_ASSIGN_OR_RETURN(size_t batches_pos, footer.Ref(root, 3));
  if (batches_pos == 0) return Bad("footer lists no record batches");
  LANCET_ASSIGN_OR_RETURN(auto batches, footer.Vector(batches_pos, 24, "record batches"));
  if (batches.first != 1)
    return Bad("expected exactly one record batch, found " + std::to_string(batches.first));
  const uint8_t* blk = d + footer_start + batches.second;
  const int64_t blk_offset = Load<int64_t>(blk);
  const int32_t blk_meta = Load<int32_t>(blk + 8);
  const int64_t blk_body = Load<int64_t>(blk + 16);
  // The message and its body must lie between the leading magic and the footer.
  if (blk_offset < 8 || blk_meta < 8 || blk_body < 0 ||
      static_cast<uint64_t>(blk_offset) > footer_start ||
      static_cast<uint64_t>(blk_meta) > footer_start - static_cast<size_t>(blk_offset) ||
      static_cast<uint64_t>(blk_body) >
          footer_start - static_cast<size_t>(blk_offset) - static_cast<size_t>(blk_meta)) {
    return Bad("record batch block out of range");
  }
  const size_t msg_start = static_cast<size_t>(blk_offset);
  const size_t msg_end = msg_start + static_cast<size_t>(blk_meta);
  size_t fb_start = msg_start + 4;
  int32_t fb_len = Load<int32_t>(d + msg_start);
  if (static_cast<uint32_t>(fb_len) == kContinuation) {
    fb_start = msg_start + 8;
    fb_len = Load<int32_t>(d + msg_start + 4);
  }
  if (fb_len <= 0 || static_cast<size_t>(fb_len) > msg_end - fb_start)
    return Bad("record batch message length out of range");
  FbReader msg(d + fb_start, static_cast<size_t>(fb_len));
  LANCET_ASSIGN_OR_RETURN(auto mroot, msg.Root());
  LANCET_ASSIGN_OR_RETURN(uint8_t header_type, msg.Scalar<uint8_t>(mroot, 1, 0));
  if (header_type != kHeaderRecordBatch)
    return Bad("block does not point at a RecordBatch message");
  LANCET_ASSIGN_OR_RETURN(int64_t body_length, msg.Scalar<int64_t>(mroot, 3, 0));
  if (body_length < 0 || body_length > blk_body) return Bad("message body length out of range");
  LANCET_ASSIGN_OR_RETURN(auto rb, msg.SubTable(mroot, 2, "record batch"));
  LANCET_ASSIGN_OR_RETURN(int64_t length, msg.Scalar<int64_t>(rb, 0, 0));
  if (length < 0 || length > kMaxIpcRows)
    return Bad("record batch length " + std::to_string(length) + " out of range");
  LANCET_ASSIGN_OR_RETURN(size_t nodes_pos, msg.Ref(rb, 1));
  if (nodes_pos == 0) return Bad("record batch without field nodes");
  LANCET_ASSIGN_OR_RETURN(auto nodes, msg.Vector(nodes_pos, 16, "nodes"));
  if (nodes.first != 1) return Bad("expected one field node, found " + std::to_string(nodes.first));
  const int64_t node_length = Load<int64_t>(msg.data() + nodes.second);
  const int64_t node_nulls = Load<int64_t>(msg.data() + nodes.second + 8);
  if (node_length != length) return Bad("field node length differs from the batch length");
  if (node_nulls != 0) return Bad("null values are not allowed");
  LANCET_ASSIGN_OR_RETURN(size_t bufs_pos, msg.Ref(rb, 2));
  if (bufs_pos == 0) return Bad("record batch without buffers");
  LANCET_ASSIGN_OR_RETURN(auto bufs, msg.Vector(bufs_pos, 16, "buffers"));
  if (bufs.first != 2) return Bad("expected 2 buffers, found " + std::to_string(bufs.first));
  int8_t codec = -1;
  LANCET_ASSIGN_OR_RETURN(size_t comp_pos, msg.Ref(rb, 3));
  if (comp_pos != 0) {
    LANCET_ASSIGN_OR_RETURN(auto comp, msg.TableAt(comp_pos, "body compression"));
    LANCET_ASSIGN_OR_RETURN(codec, msg.Scalar<int8_t>(comp, 0, kCodecLz4Frame));
    LANCET_ASSIGN_OR_RETURN(int8_t method, msg.Scalar<int8_t>(comp, 1, 0));
    if (codec != kCodecZstd && codec != kCodecLz4Frame)
      return Bad("unknown compression codec " + std::to_string(codec));
    if (method != 0) return Bad("unknown body compression method");
  }
  const uint8_t* body = d + msg_end;
  // The data buffer (index 1); the validity buffer (index 0) is irrelevant with no nulls.
  const int64_t buf_off = Load<int64_t>(msg.data() + bufs.second + 16);
  const int64_t buf_len = Load<int64_t>(msg.data() + bufs.second + 24);
  if (buf_off < 0 || buf_len < 0 || buf_off > body_length || buf_len > body_length - buf_off)
    return Bad("data buffer out of the message body");
  const uint8_t* src = body + buf_off;
  const size_t need = static_cast<size_t>(length) * 4;
  out.values.resize(static_cast<size_t>(length));
  if (codec < 0 || buf_len == 0) {
    if (static_cast<size_t>(buf_len) < need) return Bad("data buffer too short");
    if (need) std::memcpy(out.values.data(), src, need);
  } else {
    if (buf_len < 8) return Bad("compressed buffer without its length prefix");
    const int64_t ulen = Load<int64_t>(src);
    const uint8_t* frame = src + 8;
    const size_t frame_len = static_cast<size_t>(buf_len) - 8;
    if (ulen == -1) {
      if (frame_len < need) return Bad("data buffer too short");
      if (need) std::memcpy(out.values.data(), frame, need);
    } else {
      // Writers may compress a padded buffer: allow up to 64 bytes of trailing padding.
      if (ulen < static_cast<int64_t>(need) || ulen > static_cast<int64_t>(need) + 64)
        return Bad("compressed buffer declares " + std::to_string(ulen) + " bytes for " +
                   std::to_string(length) + " values");
      // (At least one byte, so that the decompressors never see a null destination.)
      std::vector<uint8_t> tmp(std::max<size_t>(static_cast<size_t>(ulen), 1));
      LANCET_RETURN_NOT_OK(
          Decompress(codec, frame, frame_len, tmp.data(), static_cast<size_t>(ulen)));
      if (need) std::memcpy(out.values.data(), tmp.data(), need);
    }
  }
  return out;
}

Result<Buffer> WriteUInt32IpcFile(const std::string& field_name, bool nullable,
                                  const std::vector<uint32_t>& values, IpcCodec codec) {
  if (static_cast<int64_t>(values.size()) > kMaxIpcRows)
    return Status::InvalidArgument("too many values for one Arrow IPC batch");
  const int64_t length = static_cast<int64_t>(values.size());
  // Body: validity buffer empty (no nulls), then the data buffer.
  std::vector<uint8_t> data;
  const auto* raw = reinterpret_cast<const uint8_t*>(values.data());
  const size_t raw_len = values.size() * 4;
  if (codec == IpcCodec::kNone || raw_len == 0) {
    data.assign(raw, raw + raw_len);
  } else {
    LANCET_ASSIGN_OR_RETURN(auto frame, Compress(codec, raw, raw_len));
    data.resize(8);
    int64_t ulen = static_cast<int64_t>(raw_len);
    std::memcpy(data.data(), &ulen, 8);
    data.insert(data.end(), frame.begin(), frame.end());
  }
  const int64_t body_length = static_cast<int64_t>((data.size() + 7) / 8 * 8);
  BufferBuilder out;
  out.Append(kMagic, 6);
  out.AppendFill(0, 2);
  AppendMessage(&out, SchemaMessage(field_name, nullable));
  Block block;
  block.offset = static_cast<int64_t>(out.size());
  block.metadata_length = AppendMessage(
      &out, RecordBatchMessage(length, {{0, 0}, {0, static_cast<int64_t>(data.size())}},
                               body_length, codec));
  block.body_length = body_length;
  out.Append(data.data(), data.size());
  out.AppendFill(0, static_cast<size_t>(body_length) - data.size());
  out.AppendValue<uint32_t>(kContinuation);  // end-of-stream marker
  out.AppendValue<uint32_t>(0);
  std::vector<uint8_t> footer = Footer(field_name, nullable, block);
  out.Append(footer.data(), footer.size());
  out.AppendValue<int32_t>(static_cast<int32_t>(footer.size()));
  out.Append(kMagic, 6);
  return out.Finish();
}

}  // namespace lancet::table::internal
