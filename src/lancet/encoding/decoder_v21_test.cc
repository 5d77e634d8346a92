// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The lancet authors
//
// Field-level tests of the 2.1 / 2.2 decoder: random nested arrays are shredded into rep/def
// levels (repdef_shred.h), laid out as hand-built mini-block, full-zip and all-null pages (in the
// Lance layouts, independently of lancet's encoder), and decoded back, whole and by random row
// subsets; plus random-access I/O accounting, constant pages, error handling and (when
// LANCET_INTEROP_GEN or /tmp/interop-gen holds LanceDB-written tables) real LanceDB 2.1 / 2.2
// files.
#include <google/protobuf/any.pb.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "encodings_v2_1.pb.h"
#include "file2.pb.h"
#include "lancet/core/array_builder.h"
#include "lancet/core/json_rows.h"
#include "lancet/encoding/field_codec.h"
#include "lancet/encoding/miniblock_decoder.h"
#include "lancet/encoding/repdef_shred.h"

namespace lancet::encoding {
namespace {

namespace pb = ::lance::encodings21;

// ---- File / reader.

struct TestFile {
  std::string bytes;
  ByteRange Add(const std::string& buf) {
    while (bytes.size() % 64 != 0) bytes.push_back('\x48');
    ByteRange r{bytes.size(), buf.size()};
    bytes += buf;
    return r;
  }
};

class MemReader : public RangeReader {
 public:
  explicit MemReader(const std::string* data) : data_(data) {}
  Result<std::vector<Buffer>> ReadRanges(const std::vector<ByteRange>& ranges) override {
    ++calls;
    std::vector<Buffer> out;
    for (const ByteRange& r : ranges) {
      if (r.offset + r.length > data_->size()) return Status::IOError("read past end");
      bytes += r.length;
      out.push_back(Buffer::Copy(data_->data() + r.offset, static_cast<int64_t>(r.length)));
    }
    return out;
  }
  int calls = 0;
  uint64_t bytes = 0;

 private:
  const std::string* data_;
};

template <typename T>
void Put(std::string* s, T v) {
  s->append(reinterpret_cast<const char*>(&v), sizeof(T));
}
void Pad8(std::string* s) {
  while (s->size() % 8 != 0) s->push_back('\xFE');
}
void PutWidth(std::string* s, uint64_t v, int width) {
  s->append(reinterpret_cast<const char*>(&v), static_cast<size_t>(width));
}
int BitsFor(uint64_t v) {
  int b = 0;
  while (v > 0) {
    ++b;
    v >>= 1;
  }
  return b;
}

pb::CompressiveEncoding FlatEnc(uint64_t bits) {
  pb::CompressiveEncoding e;
  e.mutable_flat()->set_bits_per_value(bits);
  return e;
}
pb::CompressiveEncoding VariableEnc(uint64_t bits = 32) {
  pb::CompressiveEncoding e;
  *e.mutable_variable()->mutable_offsets() = FlatEnc(bits);
  return e;
}

PageMeta MakePage(const pb::PageLayout& layout, std::vector<ByteRange> buffers, uint64_t rows) {
  PageMeta p;
  p.buffers = std::move(buffers);
  p.num_rows = rows;
  p.encoding_type_url = kPageLayoutTypeUrl;
  p.encoding = layout.SerializeAsString();
  return p;
}

// ---- Leaf values of a shredded page, as bytes per slot.

struct LeafValues {
  bool variable = false;
  uint64_t bits = 0;  // fixed: bits per slot
  pb::CompressiveEncoding value_encoding;
  std::vector<std::string> slots;
};

LeafValues SlotValues(const ShreddedLeaf& page, const DataType& type) {
  LeafValues out;
  if (type.is_binary_like()) {
    out.variable = true;
    out.value_encoding = VariableEnc();
  } else if (type.id() == TypeId::kFixedSizeList) {
    const uint64_t ib = static_cast<uint64_t>(type.value_type()->bit_width());
    out.bits = ib * static_cast<uint64_t>(type.fixed_size());
    pb::FixedSizeList* f = out.value_encoding.mutable_fixed_size_list();
    f->set_items_per_value(static_cast<uint64_t>(type.fixed_size()));
    *f->mutable_values() = FlatEnc(ib);
  } else {
    out.bits = static_cast<uint64_t>(type.bit_width());
    out.value_encoding = FlatEnc(out.bits);
  }
  for (const ValueRun& run : page.values) {
    const ArrayData& a = *run.array;
    for (int64_t i = run.start; i < run.start + run.length; ++i) {
      if (out.variable) {
        out.slots.emplace_back(a.IsNull(i) ? std::string_view() : a.GetView(i));
      } else if (type.id() == TypeId::kFixedSizeList) {
        const uint64_t w = out.bits / 8;
        const ArrayData& child = *a.children[0];
        std::string v(reinterpret_cast<const char*>(child.values.data()) + i * w, w);
        if (a.IsNull(i)) v.assign(w, '\0');
        out.slots.push_back(v);
      } else {
        const uint64_t w = out.bits / 8;
        std::string v(reinterpret_cast<const char*>(a.values.data()) + i * w, w);
        if (a.IsNull(i)) v.assign(w, '\0');
        out.slots.push_back(v);
      }
    }
  }
  return out;
}

// ---- Page builders (Lance layouts).

PageMeta BuildMiniBlock(TestFile* file, const ShreddedLeaf& page, const LeafValues& vals,
                        bool large, uint64_t chunk_values, bool dictionary) {
  const bool has_rep = page.has_rep();
  const bool has_def = page.has_def();
  const uint64_t n_levels = page.num_levels;
  auto visible = [&](uint64_t i) { return !has_def || page.IsVisible(page.def[i]); };

  // Dictionary: distinct slot strings, values become u32 indices.
  std::vector<std::string> dict;
  std::vector<std::string> slots = vals.slots;
  if (dictionary) {
    for (std::string& s : slots) {
      auto it = std::find(dict.begin(), dict.end(), s);
      uint32_t idx = static_cast<uint32_t>(it - dict.begin());
      if (it == dict.end()) dict.push_back(s);
      s.assign(reinterpret_cast<const char*>(&idx), 4);
    }
  }
  const bool variable = vals.variable && !dictionary;

  std::string data, meta, rep_index;
  uint64_t v = 0, l = 0;
  std::vector<std::pair<uint64_t, uint64_t>> chunk_levels;
  while (v < slots.size()) {
    const uint64_t v1 = std::min<uint64_t>(v + chunk_values, slots.size());
    const uint64_t l0 = l;
    uint64_t taken = 0;
    while (taken < v1 - v) {
      if (visible(l)) ++taken;
      ++l;
    }
    const bool last = v1 == slots.size();
    const uint64_t l1 = last ? n_levels : l;
    std::string vb;
    if (variable) {
      uint32_t off = static_cast<uint32_t>((v1 - v + 1) * 4);
      for (uint64_t i = v; i <= v1; ++i) {
        Put<uint32_t>(&vb, off);
        if (i < v1) off += static_cast<uint32_t>(slots[i].size());
      }
      for (uint64_t i = v; i < v1; ++i) vb += slots[i];
      while (vb.size() % 4 != 0) vb.push_back('\x48');
    } else {
      for (uint64_t i = v; i < v1; ++i) vb += slots[i];
    }
    std::string chunk;
    Put<uint16_t>(&chunk, (has_rep || has_def) ? static_cast<uint16_t>(l1 - l0) : 0);
    if (has_rep) Put<uint16_t>(&chunk, static_cast<uint16_t>((l1 - l0) * 2));
    if (has_def) Put<uint16_t>(&chunk, static_cast<uint16_t>((l1 - l0) * 2));
    if (large) {
      Put<uint32_t>(&chunk, static_cast<uint32_t>(vb.size()));
    } else {
      Put<uint16_t>(&chunk, static_cast<uint16_t>(vb.size()));
    }
    Pad8(&chunk);
    if (has_rep) {
      for (uint64_t i = l0; i < l1; ++i) Put<uint16_t>(&chunk, page.rep[i]);
      Pad8(&chunk);
    }
    if (has_def) {
      for (uint64_t i = l0; i < l1; ++i) Put<uint16_t>(&chunk, page.def[i]);
      Pad8(&chunk);
    }
    chunk += vb;
    Pad8(&chunk);
    data += chunk;
    const uint64_t log = last ? 0 : static_cast<uint64_t>(__builtin_ctzll(v1 - v));
    const uint64_t word = ((chunk.size() / 8 - 1) << 4) | log;
    if (large) {
      Put<uint32_t>(&meta, static_cast<uint32_t>(word));
    } else {
      Put<uint16_t>(&meta, static_cast<uint16_t>(word));
    }
    if (has_rep) {
      uint64_t finished = 0;
      for (uint64_t i = l0 + 1; i < l1; ++i) finished += page.rep[i] == page.max_rep ? 1 : 0;
      uint64_t leftover = 0;
      if (!last) {
        uint64_t i = l1;
        while (i > l0 && page.rep[i - 1] != page.max_rep) --i;
        leftover = i > l0 ? l1 - (i - 1) : l1 - l0;
      } else {
        ++finished;
      }
      if (!rep_index.empty() && page.rep[l0] == page.max_rep) {
        uint64_t prev[2];
        std::memcpy(prev, rep_index.data() + rep_index.size() - 16, 16);
        if (prev[1] != 0) {
          prev[0] += 1;
          prev[1] = 0;
          std::memcpy(rep_index.data() + rep_index.size() - 16, prev, 16);
        }
      }
      Put<uint64_t>(&rep_index, finished);
      Put<uint64_t>(&rep_index, leftover);
    }
    v = v1;
    l = l1;
  }

  pb::PageLayout layout;
  pb::MiniBlockLayout* m = layout.mutable_mini_block_layout();
  if (has_rep) *m->mutable_rep_compression() = FlatEnc(16);
  if (has_def) *m->mutable_def_compression() = FlatEnc(16);
  *m->mutable_value_compression() = dictionary ? FlatEnc(32) : vals.value_encoding;
  for (RepDefLayer layer : page.layers) m->add_layers(static_cast<pb::RepDefLayer>(layer));
  m->set_num_buffers(1);
  m->set_num_items(slots.size());
  m->set_has_large_chunk(large);
  if (has_rep) m->set_repetition_index_depth(1);
  std::vector<ByteRange> buffers = {file->Add(meta), file->Add(data)};
  if (dictionary) {
    std::string d;
    if (vals.variable) {
      *m->mutable_dictionary() = VariableEnc();
      const uint32_t n = static_cast<uint32_t>(dict.size());
      Put<uint32_t>(&d, 32);
      Put<uint32_t>(&d, 8 + 4 * (n + 1));
      uint32_t off = 0;
      Put<uint32_t>(&d, 0);
      for (const std::string& s : dict) Put<uint32_t>(&d, off += static_cast<uint32_t>(s.size()));
      for (const std::string& s : dict) d += s;
    } else {
      *m->mutable_dictionary() = FlatEnc(vals.bits);
      for (const std::string& s : dict) d += s;
    }
    m->set_num_dictionary_items(dict.size());
    buffers.push_back(file->Add(d));
  }
  if (has_rep) buffers.push_back(file->Add(rep_index));
  return MakePage(layout, std::move(buffers), page.num_rows);
}

PageMeta BuildFullZip(TestFile* file, const ShreddedLeaf& page, const LeafValues& vals) {
  const bool has_rep = page.has_rep();
  const bool has_def = page.has_def();
  uint16_t max_rep_seen = 0, max_def_seen = 0;
  for (uint16_t r : page.rep) max_rep_seen = std::max(max_rep_seen, r);
  for (uint16_t d : page.def) max_def_seen = std::max(max_def_seen, d);
  const int bits_rep = has_rep ? BitsFor(max_rep_seen) : 0;
  const int bits_def = has_def ? std::max(1, BitsFor(max_def_seen)) : 0;
  const int total = bits_rep + bits_def;
  const int cw = total == 0 ? 0 : total <= 8 ? 1 : total <= 16 ? 2 : 4;
  std::string data;
  std::vector<uint64_t> row_offsets;
  uint64_t v = 0;
  for (uint64_t i = 0; i < page.num_levels; ++i) {
    const uint16_t rep = has_rep ? page.rep[i] : 0;
    const uint16_t def = has_def ? page.def[i] : 0;
    if (!has_rep || rep == page.max_rep) row_offsets.push_back(data.size());
    if (cw > 0) PutWidth(&data, (uint64_t{rep} << bits_def) | def, cw);
    if (has_def && !page.IsVisible(def)) continue;
    const std::string& slot = vals.slots[v++];
    if (vals.variable) {
      if (def == 0) {
        Put<uint32_t>(&data, static_cast<uint32_t>(slot.size()));
        data += slot;
      }
    } else {
      data += slot;
    }
  }
  row_offsets.push_back(data.size());
  pb::PageLayout layout;
  pb::FullZipLayout* f = layout.mutable_full_zip_layout();
  f->set_bits_rep(static_cast<uint32_t>(bits_rep));
  f->set_bits_def(static_cast<uint32_t>(bits_def));
  if (vals.variable) {
    f->set_bits_per_offset(32);
  } else {
    f->set_bits_per_value(static_cast<uint32_t>(vals.bits));
  }
  f->set_num_items(static_cast<uint32_t>(page.num_levels));
  f->set_num_visible_items(static_cast<uint32_t>(vals.slots.size()));
  *f->mutable_value_compression() = vals.value_encoding;
  for (RepDefLayer layer : page.layers) f->add_layers(static_cast<pb::RepDefLayer>(layer));
  std::vector<ByteRange> buffers = {file->Add(data)};
  if (vals.variable || has_rep) {
    const int w = data.size() < 256 ? 1 : data.size() < 65536 ? 2 : 4;
    std::string idx;
    for (uint64_t o : row_offsets) PutWidth(&idx, o, w);
    buffers.push_back(file->Add(idx));
  }
  return MakePage(layout, std::move(buffers), page.num_rows);
}

// All-null page: [rep, def] raw u16 buffers, or none for a plain nullable leaf.
PageMeta BuildAllNull(TestFile* file, const ShreddedLeaf& page) {
  pb::PageLayout layout;
  pb::AllNullLayout* a = layout.mutable_all_null_layout();
  for (RepDefLayer layer : page.layers) a->add_layers(static_cast<pb::RepDefLayer>(layer));
  std::vector<ByteRange> buffers;
  const bool simple =
      !page.has_rep() && page.layers.size() == 1 && page.layers[0] == RepDefLayer::kNullableItem;
  if (!simple) {
    std::string rep, def;
    for (uint16_t r : page.rep) Put<uint16_t>(&rep, r);
    for (uint16_t d : page.def) Put<uint16_t>(&def, d);
    buffers.push_back(file->Add(rep));
    buffers.push_back(file->Add(def));
  }
  return MakePage(layout, std::move(buffers), page.num_rows);
}

// ---- Random arrays.

void GenValue(ArrayBuilder* b, const Field& f, std::mt19937_64& rng, int depth) {
  const DataType& t = *f.type;
  if (f.nullable && rng() % 6 == 0) {
    ASSERT_TRUE(b->AppendNull().ok());
    return;
  }
  switch (t.id()) {
    case TypeId::kInt32:
    case TypeId::kInt64:
      ASSERT_TRUE(b->AppendInt(static_cast<int64_t>(rng() % 2000) - 1000).ok());
      break;
    case TypeId::kFloat:
      ASSERT_TRUE(b->AppendDouble(static_cast<double>(rng() % 1000) / 8).ok());
      break;
    case TypeId::kString:
    case TypeId::kBinary:
    case TypeId::kLargeBinary: {
      std::string s(rng() % 12, 'a');
      for (char& c : s) c = static_cast<char>('a' + rng() % 26);
      ASSERT_TRUE(b->AppendBytes(s).ok());
      break;
    }
    case TypeId::kList:
    case TypeId::kLargeList: {
      ASSERT_TRUE(b->BeginList().ok());
      const uint64_t len = rng() % 9 == 0 ? 20 + rng() % 20 : rng() % 4;
      for (uint64_t i = 0; i < len; ++i) GenValue(b->child(0), t.children()[0], rng, depth + 1);
      ASSERT_TRUE(b->EndList().ok());
      break;
    }
    case TypeId::kFixedSizeList: {
      ASSERT_TRUE(b->BeginList().ok());
      Field item("item", t.value_type(), false);
      for (int i = 0; i < t.fixed_size(); ++i) GenValue(b->child(0), item, rng, depth + 1);
      ASSERT_TRUE(b->EndList().ok());
      break;
    }
    case TypeId::kStruct:
      ASSERT_TRUE(b->AppendStructValid().ok());
      for (size_t i = 0; i < t.children().size(); ++i) {
        GenValue(b->child(static_cast<int>(i)), t.children()[i], rng, depth + 1);
      }
      break;
    default:
      FAIL() << "unsupported type in generator: " << t.ToString();
  }
}

ArrayPtr RandomArray(const Field& f, int64_t n, uint64_t seed) {
  ArrayBuilder b(f.type);
  std::mt19937_64 rng(seed);
  for (int64_t i = 0; i < n; ++i) GenValue(&b, f, rng, 0);
  Result<ArrayPtr> a = b.Finish();
  EXPECT_TRUE(a.ok()) << a.status().ToString();
  return a.ok() ? *a : nullptr;
}

enum class Layout { kMiniBlock, kMiniBlockLarge, kMiniBlockDict, kFullZip };

// Encodes `array` into pages of `rows_per_page` rows, cycling through `layouts`; pages whose
// values are all null become all-null pages.
struct BuiltField {
  TestFile file;
  std::vector<ColumnMeta> columns;
  std::vector<const ColumnMeta*> Columns() const {
    std::vector<const ColumnMeta*> out;
    for (const ColumnMeta& c : columns) out.push_back(&c);
    return out;
  }
};

void BuildField(const Field& field, const ArrayPtr& array, uint64_t rows_per_page,
                const std::vector<Layout>& layouts, BuiltField* out) {
  size_t next_layout = 0;
  for (LeafPath& path : LeafPaths(field)) {
    LeafStream stream(path);
    ASSERT_TRUE(stream.Append(array).ok());
    ColumnMeta col;
    while (stream.num_rows() > 0) {
      Result<ShreddedLeaf> page = stream.TakePage(std::min(rows_per_page, stream.num_rows()));
      ASSERT_TRUE(page.ok()) << page.status().ToString();
      LeafValues vals = SlotValues(*page, *path.leaf.type);
      const bool all_null = page->num_values == page->num_null_values;
      const Layout layout = layouts[next_layout++ % layouts.size()];
      if (all_null) {
        col.pages.push_back(BuildAllNull(&out->file, *page));
      } else if (layout == Layout::kFullZip) {
        col.pages.push_back(BuildFullZip(&out->file, *page, vals));
      } else {
        col.pages.push_back(BuildMiniBlock(&out->file, *page, vals,
                                           layout == Layout::kMiniBlockLarge, 8,
                                           layout == Layout::kMiniBlockDict));
      }
    }
    out->columns.push_back(std::move(col));
  }
}

std::vector<RowRange> RandomRanges(uint64_t n, std::mt19937_64& rng) {
  std::vector<RowRange> out;
  uint64_t at = rng() % 10;
  while (at < n) {
    const uint64_t len = 1 + rng() % 12;
    out.push_back({at, std::min(n, at + len)});
    at = out.back().end + rng() % 40;
  }
  return out;
}

void CheckRoundTrip(const Field& field, int64_t n, uint64_t rows_per_page,
                    const std::vector<Layout>& layouts, uint64_t seed) {
  SCOPED_TRACE(field.ToString());
  ArrayPtr array = RandomArray(field, n, seed);
  ASSERT_NE(array, nullptr);
  BuiltField built;
  BuildField(field, array, rows_per_page, layouts, &built);
  if (::testing::Test::HasFatalFailure()) return;
  MemReader io(&built.file.bytes);
  Result<ArrayPtr> all =
      DecodeFieldV21(field, built.Columns(), {RowRange{0, static_cast<uint64_t>(n)}}, &io);
  ASSERT_TRUE(all.ok()) << all.status().ToString();
  std::string diff;
  ASSERT_TRUE(ArrayEquals(*array, **all, &diff)) << diff;
  EXPECT_EQ(io.calls, 2);  // one round of metadata, one of data

  std::mt19937_64 rng(seed * 31 + 1);
  for (int t = 0; t < 30; ++t) {
    std::vector<RowRange> ranges = RandomRanges(static_cast<uint64_t>(n), rng);
    std::vector<int64_t> idx;
    for (const RowRange& r : ranges) {
      for (uint64_t i = r.start; i < r.end; ++i) idx.push_back(static_cast<int64_t>(i));
    }
    Result<ArrayPtr> want = TakeArray(array, idx);
    ASSERT_TRUE(want.ok());
    MemReader io2(&built.file.bytes);
    Result<ArrayPtr> got = DecodeFieldV21(field, built.Columns(), ranges, &io2);
    ASSERT_TRUE(got.ok()) << got.status().ToString();
    ASSERT_TRUE(ArrayEquals(**want, **got, &diff)) << "subset " << t << ": " << diff;
  }
  // No rows at all.
  Result<ArrayPtr> none = DecodeFieldV21(field, built.Columns(), {}, &io);
  ASSERT_TRUE(none.ok()) << none.status().ToString();
  EXPECT_EQ((*none)->length, 0);
}

const std::vector<Layout> kAllLayouts = {Layout::kMiniBlock, Layout::kFullZip,
                                         Layout::kMiniBlockLarge, Layout::kMiniBlockDict};

Field F(const std::string& name, DataTypePtr t, bool nullable = true) {
  return Field(name, std::move(t), nullable);
}

TEST(DecoderV21Test, Primitives) {
  CheckRoundTrip(F("i", int32()), 300, 70, kAllLayouts, 1);
  CheckRoundTrip(F("i", int64(), false), 300, 300, kAllLayouts, 2);
  CheckRoundTrip(F("s", utf8()), 300, 64, kAllLayouts, 3);
  CheckRoundTrip(F("b", large_binary(), false), 200, 50, kAllLayouts, 4);
  CheckRoundTrip(F("v", fixed_size_list(float32(), 4)), 200, 50, kAllLayouts, 5);
}

TEST(DecoderV21Test, Lists) {
  CheckRoundTrip(F("l", list(int32())), 300, 40, kAllLayouts, 6);
  CheckRoundTrip(F("l", large_list(utf8())), 200, 64, kAllLayouts, 7);
  CheckRoundTrip(F("l", list(list(int32()))), 200, 50, kAllLayouts, 8);
  Field nn_item("item", int64(), false);
  CheckRoundTrip(F("l", DataType::List(nn_item), false), 200, 64, kAllLayouts, 9);
}

TEST(DecoderV21Test, Structs) {
  CheckRoundTrip(F("st", struct_({F("a", int32()), F("s", utf8())})), 300, 64, kAllLayouts, 10);
  CheckRoundTrip(F("st", struct_({F("a", int32(), false), F("s", utf8(), false)}), false), 100, 100,
                 kAllLayouts, 11);
  CheckRoundTrip(F("st", struct_({F("l", list(int64())), F("x", float32())})), 300, 80, kAllLayouts,
                 12);
  CheckRoundTrip(F("st", struct_({F("inner", struct_({F("x", int32()), F("y", utf8())}))})), 200,
                 64, kAllLayouts, 13);
}

TEST(DecoderV21Test, ListOfStruct) {
  CheckRoundTrip(F("ls", list(struct_({F("x", int32()), F("y", utf8())}))), 200, 50, kAllLayouts,
                 14);
  CheckRoundTrip(F("lsl", list(struct_({F("l", list(int32())), F("z", int64())}))), 150, 64,
                 kAllLayouts, 15);
}

TEST(DecoderV21Test, AllNullPages) {
  // Every value null: the nullable leaf pages are all-null (no buffers, or [rep, def]).
  for (const Field& f : {F("i", int32()), F("l", list(int32())),
                         F("st", struct_({F("a", int32()), F("b", utf8())}))}) {
    SCOPED_TRACE(f.ToString());
    Result<ArrayPtr> nulls = MakeNullArray(f.type, 120);
    ASSERT_TRUE(nulls.ok());
    BuiltField built;
    BuildField(f, *nulls, 50, {Layout::kMiniBlock}, &built);
    for (const ColumnMeta& c : built.columns) {
      for (const PageMeta& p : c.pages) {
        EXPECT_EQ(DescribePageEncoding(p).rfind("AllNull[", 0), 0u) << DescribePageEncoding(p);
      }
    }
    MemReader io(&built.file.bytes);
    Result<ArrayPtr> got = DecodeFieldV21(f, built.Columns(), {{0, 120}}, &io);
    ASSERT_TRUE(got.ok()) << got.status().ToString();
    std::string diff;
    EXPECT_TRUE(ArrayEquals(**nulls, **got, &diff)) << diff;
    MemReader io2(&built.file.bytes);
    got = DecodeFieldV21(f, built.Columns(), {{3, 4}, {60, 110}}, &io2);
    ASSERT_TRUE(got.ok()) << got.status().ToString();
    EXPECT_EQ((*got)->length, 51);
    EXPECT_EQ((*got)->null_count, 51);
  }
}

TEST(DecoderV21Test, ConstantPages) {
  TestFile file;
  ColumnMeta ints, strs;
  // Inline value, no levels.
  {
    pb::PageLayout layout;
    layout.mutable_all_null_layout()->add_layers(pb::REPDEF_ALL_VALID_ITEM);
    int32_t seven = 7;
    layout.mutable_all_null_layout()->set_inline_value(
        std::string(reinterpret_cast<char*>(&seven), 4));
    ints.pages.push_back(MakePage(layout, {}, 10));
  }
  // Inline value with def levels (nullable constant): [rep (empty), def].
  {
    pb::PageLayout layout;
    layout.mutable_all_null_layout()->add_layers(pb::REPDEF_NULLABLE_ITEM);
    int32_t v = -2;
    layout.mutable_all_null_layout()->set_inline_value(std::string(reinterpret_cast<char*>(&v), 4));
    std::string def;
    for (int i = 0; i < 6; ++i) Put<uint16_t>(&def, i % 2);
    ints.pages.push_back(MakePage(layout, {file.Add(""), file.Add(def)}, 6));
  }
  // Variable-width constant in a value buffer: [u32 2][u32 8][u32 4][offsets 0, 4]["same"].
  {
    pb::PageLayout layout;
    layout.mutable_all_null_layout()->add_layers(pb::REPDEF_ALL_VALID_ITEM);
    std::string v;
    Put<uint32_t>(&v, 2);
    Put<uint32_t>(&v, 8);
    Put<uint32_t>(&v, 4);
    Put<uint32_t>(&v, 0);
    Put<uint32_t>(&v, 4);
    v += "same";
    strs.pages.push_back(MakePage(layout, {file.Add(v)}, 16));
    EXPECT_EQ(DescribePageEncoding(strs.pages[0]), "Constant[value=buffer, layers=ALL_VALID_ITEM]");
  }
  MemReader io(&file.bytes);
  Result<ArrayPtr> got = DecodeFieldV21(F("c", int32()), {&ints}, {{8, 13}}, &io);
  ASSERT_TRUE(got.ok()) << got.status().ToString();
  ArrayBuilder want2(int32());
  ASSERT_TRUE(want2.AppendInt(7).ok());
  ASSERT_TRUE(want2.AppendInt(7).ok());
  ASSERT_TRUE(want2.AppendInt(-2).ok());
  ASSERT_TRUE(want2.AppendNull().ok());
  ASSERT_TRUE(want2.AppendInt(-2).ok());
  Result<ArrayPtr> w = want2.Finish();
  ASSERT_TRUE(w.ok());
  std::string diff;
  EXPECT_TRUE(ArrayEquals(**w, **got, &diff)) << diff;

  got = DecodeFieldV21(F("s", utf8(), false), {&strs}, {{0, 16}}, &io);
  ASSERT_TRUE(got.ok()) << got.status().ToString();
  ASSERT_EQ((*got)->length, 16);
  for (int64_t i = 0; i < 16; ++i) EXPECT_EQ((*got)->GetView(i), "same");
}

TEST(DecoderV21Test, RandomAccessReadsOnlyTheRequestedValues) {
  // An "image" column: one full-zip variable page of 2000 values of ~5 KB.
  Field f = F("image", large_binary());
  ArrayBuilder b(f.type);
  std::mt19937_64 rng(77);
  std::vector<uint64_t> sizes;
  for (int i = 0; i < 2000; ++i) {
    if (i % 50 == 7) {
      ASSERT_TRUE(b.AppendNull().ok());
      sizes.push_back(0);
      continue;
    }
    std::string img(4000 + rng() % 2000, '\0');
    for (char& c : img) c = static_cast<char>(rng());
    sizes.push_back(img.size());
    ASSERT_TRUE(b.AppendBytes(img).ok());
  }
  Result<ArrayPtr> array = b.Finish();
  ASSERT_TRUE(array.ok());
  BuiltField built;
  BuildField(f, *array, 2000, {Layout::kFullZip}, &built);
  ASSERT_EQ(built.columns[0].pages.size(), 1u);
  std::vector<uint64_t> rows;
  for (int i = 0; i < 10; ++i) rows.push_back(rng() % 2000);
  std::sort(rows.begin(), rows.end());
  rows.erase(std::unique(rows.begin(), rows.end()), rows.end());
  std::vector<RowRange> ranges;
  uint64_t payload = 0;
  for (uint64_t r : rows) {
    ranges.push_back({r, r + 1});
    payload += sizes[r] + 5;  // control word + u32 length
  }
  MemReader io(&built.file.bytes);
  Result<ArrayPtr> got = DecodeFieldV21(f, built.Columns(), ranges, &io);
  ASSERT_TRUE(got.ok()) << got.status().ToString();
  std::vector<int64_t> idx(rows.begin(), rows.end());
  Result<ArrayPtr> want = TakeArray(*array, idx);
  std::string diff;
  EXPECT_TRUE(ArrayEquals(**want, **got, &diff)) << diff;
  EXPECT_EQ(io.calls, 2);
  // Two 4-byte index entries per row, then exactly the rows' bytes.
  EXPECT_EQ(io.bytes, payload + rows.size() * 8);
  EXPECT_LT(io.bytes, built.file.bytes.size() / 100);

  // Fixed-width full-zip (vectors): the stride locates rows directly, one round.
  Field vf = F("v", fixed_size_list(float32(), 64), false);
  ArrayPtr vectors = RandomArray(vf, 500, 5);
  BuiltField vb;
  BuildField(vf, vectors, 500, {Layout::kFullZip}, &vb);
  MemReader vio(&vb.file.bytes);
  got = DecodeFieldV21(vf, vb.Columns(), {{3, 4}, {100, 103}, {499, 500}}, &vio);
  ASSERT_TRUE(got.ok()) << got.status().ToString();
  EXPECT_EQ(vio.calls, 1);
  EXPECT_EQ(vio.bytes, 5u * 64 * 4);
}

TEST(DecoderV21Test, MiniBlockRangeReadsOnlyCoveringChunks) {
  Field f = F("i", int64(), false);
  ArrayPtr array = RandomArray(f, 4096, 21);
  BuiltField built;
  BuildField(f, array, 4096, {Layout::kMiniBlock}, &built);
  MemReader io(&built.file.bytes);
  Result<ArrayPtr> got = DecodeFieldV21(f, built.Columns(), {{1000, 1010}}, &io);
  ASSERT_TRUE(got.ok()) << got.status().ToString();
  // Chunks of 8 values: [1000, 1010) touches chunks 125 and 126 (2 x (8 header + 64 bytes)).
  const uint64_t meta = built.columns[0].pages[0].buffers[0].length;
  EXPECT_EQ(io.bytes, meta + 2 * 72);
}

TEST(DecoderV21Test, Errors) {
  Field f = F("l", list(int32()));
  ArrayPtr array = RandomArray(f, 50, 3);
  BuiltField built;
  BuildField(f, array, 50, {Layout::kMiniBlock}, &built);
  MemReader io(&built.file.bytes);

  // The field's structure does not match the page layers.
  Status st = DecodeFieldV21(F("l", int32()), built.Columns(), {{0, 50}}, &io).status();
  EXPECT_TRUE(st.IsCorruption()) << st.ToString();
  EXPECT_NE(st.message().find("layers"), std::string::npos) << st.ToString();

  // Rows past the end of the column.
  st = DecodeFieldV21(f, built.Columns(), {{40, 51}}, &io).status();
  EXPECT_TRUE(st.IsInvalidArgument()) << st.ToString();
  // Unsorted ranges.
  st = DecodeFieldV21(f, built.Columns(), {{10, 20}, {5, 6}}, &io).status();
  EXPECT_TRUE(st.IsInvalidArgument()) << st.ToString();
  // Wrong number of columns.
  st = DecodeFieldV21(F("st", struct_({F("a", int32()), F("b", int32())})), built.Columns(),
                      {{0, 5}}, &io)
           .status();
  EXPECT_TRUE(st.IsCorruption()) << st.ToString();

  // An unknown page layout (a PageLayout variant from the future).
  ColumnMeta unknown = built.columns[0];
  std::string layout_bytes;
  layout_bytes.push_back(static_cast<char>((9 << 3) | 2));  // field 9, length-delimited
  layout_bytes.push_back(0);
  unknown.pages[0].encoding = layout_bytes;
  st = DecodeFieldV21(f, {&unknown}, {{0, 5}}, &io).status();
  EXPECT_TRUE(st.IsNotSupported()) << st.ToString();
  EXPECT_NE(st.message().find("unsupported 2.1 page layout"), std::string::npos);

  // A 2.0 encoding in a 2.1 column, and garbage layout bytes.
  ColumnMeta v20 = built.columns[0];
  v20.pages[0].encoding_type_url = kArrayEncodingTypeUrl;
  EXPECT_TRUE(DecodeFieldV21(f, {&v20}, {{0, 5}}, &io).status().IsNotSupported());
  ColumnMeta garbage = built.columns[0];
  garbage.pages[0].encoding = "\xff\xff\xff\xff";
  EXPECT_TRUE(DecodeFieldV21(f, {&garbage}, {{0, 5}}, &io).status().IsCorruption());

  // Random byte flips in the data never crash.
  std::mt19937_64 rng(4);
  for (int t = 0; t < 300; ++t) {
    BuiltField bad = built;
    bad.file.bytes[rng() % bad.file.bytes.size()] ^= static_cast<char>(1 + rng() % 255);
    MemReader bio(&bad.file.bytes);
    Result<ArrayPtr> r = DecodeFieldV21(f, bad.Columns(), {{0, 50}}, &bio);
    if (r.ok()) {
      EXPECT_TRUE(ValidateArray(**r).ok());
    }
  }
}

TEST(DecoderV21Test, DescribePageEncoding) {
  Field f = F("l", list(utf8()));
  ArrayPtr array = RandomArray(f, 20, 3);
  BuiltField built;
  BuildField(f, array, 20, {Layout::kMiniBlockDict}, &built);
  pb::PageLayout l;
  ASSERT_TRUE(l.ParseFromString(built.columns[0].pages[0].encoding));
  EXPECT_EQ(DescribePageEncoding(built.columns[0].pages[0]),
            "MiniBlock[values=Flat(32), rep=Flat(16), def=Flat(16), dict=Variable(Flat(32))x" +
                std::to_string(l.mini_block_layout().num_dictionary_items()) +
                ", layers=NULLABLE_ITEM,NULL_AND_EMPTY_LIST, rep_index=1]");
  BuiltField fz;
  BuildField(F("v", fixed_size_list(float32(), 4), false),
             RandomArray(F("v", fixed_size_list(float32(), 4), false), 5, 1), 5, {Layout::kFullZip},
             &fz);
  EXPECT_EQ(DescribePageEncoding(fz.columns[0].pages[0]),
            "FullZip[values=FixedSizeList(4, Flat(32)), bits_per_value=128, "
            "layers=ALL_VALID_ITEM]");
}

// ---- Real LanceDB files (tests/interop/lancedb_tool.mjs gen): decode every 2.1 / 2.2 table and
// compare with its rows.jsonl. Footer and column metadata are parsed here (the file module is not
// a dependency of the encoding tests).

struct RealFile {
  std::string bytes;
  std::vector<ColumnMeta> columns;
  uint16_t major = 0, minor = 0;
};

bool LoadRealFile(const std::string& path, RealFile* out, std::string* error) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  out->bytes = ss.str();
  const std::string& b = out->bytes;
  if (b.size() < 40 || b.compare(b.size() - 4, 4, "LANC") != 0) {
    *error = "not a Lance file";
    return false;
  }
  uint64_t cmo;
  uint32_t ncols;
  std::memcpy(&cmo, b.data() + b.size() - 32, 8);
  std::memcpy(&ncols, b.data() + b.size() - 12, 4);
  std::memcpy(&out->major, b.data() + b.size() - 8, 2);
  std::memcpy(&out->minor, b.data() + b.size() - 6, 2);
  for (uint32_t c = 0; c < ncols; ++c) {
    uint64_t pos, size;
    std::memcpy(&pos, b.data() + cmo + 16 * c, 8);
    std::memcpy(&size, b.data() + cmo + 16 * c + 8, 8);
    ::lance::file::v2::ColumnMetadata cm;
    if (!cm.ParseFromArray(b.data() + pos, static_cast<int>(size))) {
      *error = "bad column metadata";
      return false;
    }
    ColumnMeta col;
    for (const auto& p : cm.pages()) {
      PageMeta page;
      for (int i = 0; i < p.buffer_offsets_size(); ++i) {
        page.buffers.push_back(ByteRange{p.buffer_offsets(i), p.buffer_sizes(i)});
      }
      page.num_rows = p.length();
      page.priority = p.priority();
      // The page encoding is an Any {1: type_url, 2: value} inside DirectEncoding.
      ::google::protobuf::Any any;
      if (!any.ParseFromString(p.encoding().direct().encoding())) {
        *error = "bad page encoding";
        return false;
      }
      page.encoding_type_url = any.type_url();
      page.encoding = any.value();
      col.pages.push_back(std::move(page));
    }
    out->columns.push_back(std::move(col));
  }
  return true;
}

TEST(DecoderV21Test, RealLanceDbFiles) {
  const char* env = std::getenv("LANCET_INTEROP_GEN");
  const std::string root = env ? env : "/tmp/interop-gen";
  if (!std::filesystem::exists(root)) GTEST_SKIP() << root << " does not exist";
  int tables = 0;
  for (const auto& entry : std::filesystem::directory_iterator(root)) {
    const std::string dir = entry.path().string();
    const std::string name = entry.path().filename().string();
    if (name.size() < 4 ||
        (name.substr(name.size() - 4) != "-2.1" && name.substr(name.size() - 4) != "-2.2")) {
      continue;
    }
    const std::string data_dir = dir + "/table.lance/data";
    if (!std::filesystem::exists(data_dir)) continue;
    std::vector<std::string> files;
    for (const auto& f : std::filesystem::directory_iterator(data_dir)) files.push_back(f.path());
    if (files.size() != 1) continue;  // single-fragment tables only
    SCOPED_TRACE(name);
    std::ifstream sj(dir + "/schema.json");
    std::stringstream ss;
    ss << sj.rdbuf();
    Result<Schema> schema = SchemaFromJson(ss.str());
    if (!schema.ok()) continue;
    std::ifstream rj(dir + "/rows.jsonl");
    // The first rows only, to keep the test quick; they still span many chunks.
    Result<RecordBatch> rows = ReadJsonRows(*schema, rj, 3000);
    if (!rows.ok()) continue;
    RealFile file;
    std::string error;
    ASSERT_TRUE(LoadRealFile(files[0], &file, &error)) << error;
    ++tables;
    size_t col = 0;
    for (size_t fi = 0; fi < schema->fields.size(); ++fi) {
      const Field& field = schema->fields[fi];
      const int ncols = NumColumns(field, FileVersion::kV2_1);
      std::vector<const ColumnMeta*> cols;
      for (int k = 0; k < ncols && col < file.columns.size(); ++k) {
        cols.push_back(&file.columns[col++]);
      }
      SCOPED_TRACE(field.ToString());
      MemReader io(&file.bytes);
      const uint64_t n = static_cast<uint64_t>(rows->num_rows);
      Result<ArrayPtr> got = DecodeFieldV21(field, cols, {{0, n}}, &io);
      if (!got.ok() && got.status().IsNotSupported()) {
        // Compressive encodings another module does not implement yet.
        std::cerr << "[ skipped ] " << name << " " << field.name << ": " << got.status().ToString()
                  << "\n";
        continue;
      }
      ASSERT_TRUE(got.ok()) << got.status().ToString();
      std::string diff;
      EXPECT_TRUE(ArrayEquals(*rows->columns[fi], **got, &diff)) << diff;
      std::mt19937_64 rng(n);
      std::vector<RowRange> ranges = RandomRanges(n, rng);
      std::vector<int64_t> idx;
      for (const RowRange& r : ranges) {
        for (uint64_t i = r.start; i < r.end; ++i) idx.push_back(static_cast<int64_t>(i));
      }
      Result<ArrayPtr> part = DecodeFieldV21(field, cols, ranges, &io);
      ASSERT_TRUE(part.ok()) << part.status().ToString();
      Result<ArrayPtr> want = TakeArray(rows->columns[fi], idx);
      EXPECT_TRUE(ArrayEquals(**want, **part, &diff)) << "subset: " << diff;
    }
  }
  if (tables == 0) GTEST_SKIP() << "no 2.1 / 2.2 tables under " << root;
}

}  // namespace
}  // namespace lancet::encoding
