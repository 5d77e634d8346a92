// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The lancet authors
//
// Mini-block page decoding against pages built by hand (following the Lance layout, not lancet's
// encoder): chunk metadata (u16 and u32 words), chunk headers, rep/def levels, dictionaries and
// the repetition index, including rows that span chunks.
#include "lancet/encoding/miniblock_decoder.h"

#include <gtest/gtest.h>

#include <cstring>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include "encodings_v2_1.pb.h"
#include "lancet/encoding/field_codec.h"

namespace lancet::encoding {
namespace {

namespace pb = ::lance::encodings21;

// ---- Test file and reader.

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
      reads.push_back(r);
      bytes += r.length;
      out.push_back(Buffer::Copy(data_->data() + r.offset, static_cast<int64_t>(r.length)));
    }
    return out;
  }
  int calls = 0;
  uint64_t bytes = 0;
  std::vector<ByteRange> reads;

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

pb::CompressiveEncoding FlatEnc(uint64_t bits) {
  pb::CompressiveEncoding e;
  e.mutable_flat()->set_bits_per_value(bits);
  return e;
}
pb::CompressiveEncoding VariableEnc() {
  pb::CompressiveEncoding e;
  *e.mutable_variable()->mutable_offsets() = FlatEnc(32);
  return e;
}

// ---- Mini-block page builder.

struct MiniBlockSpec {
  std::vector<RepDefLayer> layers = {RepDefLayer::kAllValidItem};
  std::vector<uint16_t> rep, def;   // levels of the whole page (empty = absent)
  std::vector<std::string> values;  // one per visible level: raw bytes (fixed) or the string
  uint32_t bits = 32;               // fixed width
  bool variable = false;
  std::vector<std::string> dictionary;  // when set, values are 4-byte indices
  uint64_t chunk_values = 16;           // values per chunk (power of two)
  bool large = false;
  uint64_t num_rows = 0;
};

struct BuiltPage {
  PageMeta page;
  std::vector<ByteRange> chunks;  // absolute byte range of every chunk
};

BuiltPage BuildMiniBlock(TestFile* file, const MiniBlockSpec& s) {
  const bool has_rep = !s.rep.empty();
  const bool has_def = !s.def.empty();
  const uint16_t max_visible = MaxVisibleDef(s.layers);
  const uint16_t max_rep = MaxRep(s.layers);
  const uint64_t n_levels = has_rep ? s.rep.size() : has_def ? s.def.size() : s.values.size();
  auto visible = [&](uint64_t i) { return !has_def || !has_rep || s.def[i] <= max_visible; };

  // Cut values into chunks; levels follow (trailing invisible levels go to the next chunk).
  struct Chunk {
    uint64_t v0, v1, l0, l1;
  };
  std::vector<Chunk> chunks;
  uint64_t v = 0, l = 0;
  while (v < s.values.size()) {
    Chunk c;
    c.v0 = v;
    c.v1 = std::min<uint64_t>(v + s.chunk_values, s.values.size());
    c.l0 = l;
    uint64_t taken = 0;
    while (taken < c.v1 - c.v0) {
      if (visible(l)) ++taken;
      ++l;
    }
    c.l1 = l;
    v = c.v1;
    chunks.push_back(c);
  }
  if (!chunks.empty()) chunks.back().l1 = n_levels;

  std::string data, meta, rep_index;
  BuiltPage out;
  std::vector<uint64_t> chunk_offsets;
  for (size_t ci = 0; ci < chunks.size(); ++ci) {
    const Chunk& c = chunks[ci];
    const uint64_t nv = c.v1 - c.v0;
    // Value buffer.
    std::string vb;
    if (s.variable) {
      uint32_t off = static_cast<uint32_t>((nv + 1) * 4);
      for (uint64_t i = c.v0; i <= c.v1; ++i) {
        Put<uint32_t>(&vb, off);
        if (i < c.v1) off += static_cast<uint32_t>(s.values[i].size());
      }
      for (uint64_t i = c.v0; i < c.v1; ++i) vb += s.values[i];
      while (vb.size() % 4 != 0) vb.push_back('\x48');
    } else {
      for (uint64_t i = c.v0; i < c.v1; ++i) vb += s.values[i];
    }
    std::string chunk;
    Put<uint16_t>(&chunk, (has_rep || has_def) ? static_cast<uint16_t>(c.l1 - c.l0) : 0);
    if (has_rep) Put<uint16_t>(&chunk, static_cast<uint16_t>((c.l1 - c.l0) * 2));
    if (has_def) Put<uint16_t>(&chunk, static_cast<uint16_t>((c.l1 - c.l0) * 2));
    if (s.large) {
      Put<uint32_t>(&chunk, static_cast<uint32_t>(vb.size()));
    } else {
      Put<uint16_t>(&chunk, static_cast<uint16_t>(vb.size()));
    }
    Pad8(&chunk);
    if (has_rep) {
      for (uint64_t i = c.l0; i < c.l1; ++i) Put<uint16_t>(&chunk, s.rep[i]);
      Pad8(&chunk);
    }
    if (has_def) {
      for (uint64_t i = c.l0; i < c.l1; ++i) Put<uint16_t>(&chunk, s.def[i]);
      Pad8(&chunk);
    }
    chunk += vb;
    Pad8(&chunk);
    chunk_offsets.push_back(data.size());
    data += chunk;
    const uint64_t log = ci + 1 < chunks.size() ? static_cast<uint64_t>(__builtin_ctzll(nv)) : 0;
    const uint64_t word = ((chunk.size() / 8 - 1) << 4) | log;
    if (s.large) {
      Put<uint32_t>(&meta, static_cast<uint32_t>(word));
    } else {
      Put<uint16_t>(&meta, static_cast<uint16_t>(word));
    }
    if (has_rep) {
      // [rows that finish in the chunk, leftover levels after the last finished row]
      uint64_t finished = 0;
      for (uint64_t i = c.l0 + 1; i < c.l1; ++i) finished += s.rep[i] == max_rep ? 1 : 0;
      uint64_t leftover = 0;
      if (ci + 1 < chunks.size()) {
        uint64_t i = c.l1;
        while (i > c.l0 && s.rep[i - 1] != max_rep) --i;
        leftover = i > c.l0 ? c.l1 - (i - 1) : c.l1 - c.l0;
      } else {
        ++finished;
      }
      if (ci > 0 && s.rep[c.l0] == max_rep) {
        uint64_t* prev = reinterpret_cast<uint64_t*>(rep_index.data() + rep_index.size() - 16);
        if (prev[1] != 0) {
          prev[0] += 1;
          prev[1] = 0;
        }
      }
      Put<uint64_t>(&rep_index, finished);
      Put<uint64_t>(&rep_index, leftover);
    }
  }

  pb::PageLayout layout;
  pb::MiniBlockLayout* m = layout.mutable_mini_block_layout();
  if (has_rep) *m->mutable_rep_compression() = FlatEnc(16);
  if (has_def) *m->mutable_def_compression() = FlatEnc(16);
  *m->mutable_value_compression() = s.variable ? VariableEnc() : FlatEnc(s.bits);
  for (RepDefLayer layer : s.layers) m->add_layers(static_cast<pb::RepDefLayer>(layer));
  m->set_num_buffers(1);
  m->set_num_items(s.values.size());
  m->set_has_large_chunk(s.large);
  if (has_rep) m->set_repetition_index_depth(1);
  std::string dict;
  if (!s.dictionary.empty()) {
    *m->mutable_dictionary() = VariableEnc();
    m->set_num_dictionary_items(s.dictionary.size());
    const uint32_t n = static_cast<uint32_t>(s.dictionary.size());
    Put<uint32_t>(&dict, 32);
    Put<uint32_t>(&dict, 8 + 4 * (n + 1));
    uint32_t off = 0;
    Put<uint32_t>(&dict, 0);
    for (const std::string& d : s.dictionary) {
      off += static_cast<uint32_t>(d.size());
      Put<uint32_t>(&dict, off);
    }
    for (const std::string& d : s.dictionary) dict += d;
  }

  out.page.buffers.push_back(file->Add(meta));
  out.page.buffers.push_back(file->Add(data));
  if (!s.dictionary.empty()) out.page.buffers.push_back(file->Add(dict));
  if (has_rep) out.page.buffers.push_back(file->Add(rep_index));
  out.page.num_rows = s.num_rows;
  out.page.encoding_type_url = kPageLayoutTypeUrl;
  out.page.encoding = layout.SerializeAsString();
  for (size_t ci = 0; ci < chunks.size(); ++ci) {
    const uint64_t end = ci + 1 < chunks.size() ? chunk_offsets[ci + 1] : data.size();
    out.chunks.push_back(
        ByteRange{out.page.buffers[1].offset + chunk_offsets[ci], end - chunk_offsets[ci]});
  }
  return out;
}

std::string I32(int32_t v) {
  std::string s;
  Put<int32_t>(&s, v);
  return s;
}

// Flattens the value slices of `d` (32-bit fixed width or variable width) to strings.
std::vector<std::string> Values(const LeafData& d) {
  std::vector<std::string> out;
  for (const ValueSlice& s : d.values) {
    for (uint64_t i = s.offset; i < s.offset + s.length; ++i) {
      if (!s.block) {
        out.push_back("<null>");
      } else if (s.block->kind == DataBlock::Kind::kFixedWidth) {
        const uint64_t w = s.block->bits_per_value / 8;
        out.emplace_back(reinterpret_cast<const char*>(s.block->data.data()) + i * w, w);
      } else {
        const DataBlock& b = *s.block;
        const uint64_t st = b.OffsetAt(i), en = b.OffsetAt(i + 1);
        out.emplace_back(reinterpret_cast<const char*>(b.data.data()) + st, en - st);
      }
    }
  }
  return out;
}

Result<LeafData> Decode(const BuiltPage& p, const std::vector<RowRange>& rows, MemReader* io) {
  return DecodeLeafPage(p.page, rows, io);
}

TEST(MiniBlockDecoderTest, FlatValuesAcrossChunks) {
  for (bool large : {false, true}) {
    SCOPED_TRACE(large ? "u32 metadata" : "u16 metadata");
    TestFile file;
    MiniBlockSpec s;
    for (int i = 0; i < 1000; ++i) s.values.push_back(I32(i * 7 - 3));
    s.num_rows = 1000;
    s.chunk_values = 256;
    s.large = large;
    BuiltPage p = BuildMiniBlock(&file, s);
    ASSERT_EQ(p.chunks.size(), 4u);

    MemReader io(&file.bytes);
    Result<LeafData> all = Decode(p, {RowRange{0, 1000}}, &io);
    ASSERT_TRUE(all.ok()) << all.status().ToString();
    EXPECT_EQ(all->num_values, 1000u);
    EXPECT_EQ(all->num_levels, 1000u);
    EXPECT_TRUE(all->rep.empty());
    EXPECT_TRUE(all->def.empty());
    EXPECT_EQ(Values(*all), s.values);
    EXPECT_EQ(io.calls, 2);

    // A range inside chunk 1 reads the metadata and that chunk only.
    MemReader io2(&file.bytes);
    Result<LeafData> part = Decode(p, {RowRange{300, 310}}, &io2);
    ASSERT_TRUE(part.ok()) << part.status().ToString();
    EXPECT_EQ(Values(*part),
              std::vector<std::string>(s.values.begin() + 300, s.values.begin() + 310));
    ASSERT_EQ(io2.reads.size(), 2u);
    EXPECT_EQ(io2.reads[1].offset, p.chunks[1].offset);
    EXPECT_EQ(io2.reads[1].length, p.chunks[1].length);

    // Several ranges: chunks 0 and 3 only, each decoded once.
    MemReader io3(&file.bytes);
    Result<LeafData> multi = Decode(p, {{5, 6}, {7, 9}, {999, 1000}}, &io3);
    ASSERT_TRUE(multi.ok()) << multi.status().ToString();
    EXPECT_EQ(Values(*multi),
              (std::vector<std::string>{s.values[5], s.values[7], s.values[8], s.values[999]}));
    EXPECT_EQ(io3.bytes, p.page.buffers[0].length + p.chunks[0].length + p.chunks[3].length);
  }
}

TEST(MiniBlockDecoderTest, NullableValues) {
  TestFile file;
  MiniBlockSpec s;
  s.layers = {RepDefLayer::kNullableItem};
  for (int i = 0; i < 100; ++i) {
    s.def.push_back(i % 3 == 0 ? 1 : 0);
    s.values.push_back(I32(i % 3 == 0 ? 0 : i));
  }
  s.num_rows = 100;
  BuiltPage p = BuildMiniBlock(&file, s);
  MemReader io(&file.bytes);
  Result<LeafData> d = Decode(p, {{10, 40}}, &io);
  ASSERT_TRUE(d.ok()) << d.status().ToString();
  EXPECT_EQ(d->def, std::vector<uint16_t>(s.def.begin() + 10, s.def.begin() + 40));
  EXPECT_EQ(Values(*d), std::vector<std::string>(s.values.begin() + 10, s.values.begin() + 40));
  EXPECT_EQ(d->layers, s.layers);
}

TEST(MiniBlockDecoderTest, VariableWidthValues) {
  TestFile file;
  MiniBlockSpec s;
  s.variable = true;
  for (int i = 0; i < 70; ++i)
    s.values.push_back(std::string(static_cast<size_t>(i % 9), 'a' + i % 26));
  s.num_rows = 70;
  BuiltPage p = BuildMiniBlock(&file, s);
  MemReader io(&file.bytes);
  Result<LeafData> d = Decode(p, {{0, 3}, {15, 33}, {69, 70}}, &io);
  ASSERT_TRUE(d.ok()) << d.status().ToString();
  std::vector<std::string> want(s.values.begin(), s.values.begin() + 3);
  want.insert(want.end(), s.values.begin() + 15, s.values.begin() + 33);
  want.push_back(s.values[69]);
  EXPECT_EQ(Values(*d), want);
}

TEST(MiniBlockDecoderTest, Dictionary) {
  TestFile file;
  MiniBlockSpec s;
  s.dictionary = {"red", "green", "", "blue"};
  std::vector<std::string> want;
  for (int i = 0; i < 50; ++i) {
    s.values.push_back(I32((i * 5) % 4));
    want.push_back(s.dictionary[(i * 5) % 4]);
  }
  s.num_rows = 50;
  BuiltPage p = BuildMiniBlock(&file, s);
  MemReader io(&file.bytes);
  Result<LeafData> d = Decode(p, {{3, 47}}, &io);
  ASSERT_TRUE(d.ok()) << d.status().ToString();
  EXPECT_EQ(Values(*d), std::vector<std::string>(want.begin() + 3, want.begin() + 47));

  // An index past the dictionary is Corruption.
  MiniBlockSpec bad = s;
  bad.values[7] = I32(4);
  TestFile file2;
  BuiltPage p2 = BuildMiniBlock(&file2, bad);
  MemReader io2(&file2.bytes);
  EXPECT_TRUE(Decode(p2, {{0, 50}}, &io2).status().IsCorruption());
}

// list<int32?> rows with nulls, empties, null items and long lists that span chunks.
struct ListPage {
  MiniBlockSpec spec;
  std::vector<uint64_t> row_start;  // level index of each row, plus the total
};

ListPage MakeListPage(uint64_t rows, uint64_t seed) {
  ListPage lp;
  MiniBlockSpec& s = lp.spec;
  s.layers = {RepDefLayer::kNullableItem, RepDefLayer::kNullAndEmptyList};
  std::mt19937_64 rng(seed);
  for (uint64_t r = 0; r < rows; ++r) {
    lp.row_start.push_back(s.rep.size());
    const uint64_t kind = rng() % 10;
    if (kind == 0) {  // null list
      s.rep.push_back(1);
      s.def.push_back(2);
    } else if (kind == 1) {  // empty list
      s.rep.push_back(1);
      s.def.push_back(3);
    } else {
      const uint64_t len = (rng() % 17 == 0) ? 40 + rng() % 60 : 1 + rng() % 6;
      for (uint64_t j = 0; j < len; ++j) {
        const bool null_item = rng() % 7 == 0;
        s.rep.push_back(j == 0 ? 1 : 0);
        s.def.push_back(null_item ? 1 : 0);
        s.values.push_back(I32(null_item ? 0 : static_cast<int32_t>(r * 1000 + j)));
      }
    }
  }
  lp.row_start.push_back(s.rep.size());
  s.num_rows = rows;
  s.chunk_values = 16;
  return lp;
}

// The levels and values rows [a, b) must decode to.
void ExpectRows(const ListPage& lp, const LeafData& d, const std::vector<RowRange>& ranges) {
  std::vector<uint16_t> rep, def;
  std::vector<std::string> values;
  for (const RowRange& r : ranges) {
    const uint64_t l0 = lp.row_start[r.start], l1 = lp.row_start[r.end];
    // Visible levels before l0 give the value index.
    uint64_t vis = 0;
    for (uint64_t i = 0; i < l0; ++i) vis += lp.spec.def[i] <= 1 ? 1 : 0;
    for (uint64_t i = l0; i < l1; ++i) {
      rep.push_back(lp.spec.rep[i]);
      def.push_back(lp.spec.def[i]);
      if (lp.spec.def[i] <= 1) values.push_back(lp.spec.values[vis++]);
    }
  }
  EXPECT_EQ(d.rep, rep);
  EXPECT_EQ(d.def, def);
  EXPECT_EQ(d.num_levels, rep.size());
  EXPECT_EQ(Values(d), values);
}

TEST(MiniBlockDecoderTest, ListsWithRepetitionIndex) {
  for (bool large : {false, true}) {
    ListPage lp = MakeListPage(150, large ? 11 : 7);
    lp.spec.large = large;
    TestFile file;
    BuiltPage p = BuildMiniBlock(&file, lp.spec);
    ASSERT_GT(p.chunks.size(), 10u);
    {
      MemReader io(&file.bytes);
      Result<LeafData> d = Decode(p, {{0, 150}}, &io);
      ASSERT_TRUE(d.ok()) << d.status().ToString();
      ExpectRows(lp, *d, {{0, 150}});
    }
    // Every single row.
    for (uint64_t r = 0; r < 150; ++r) {
      MemReader io(&file.bytes);
      Result<LeafData> d = Decode(p, {{r, r + 1}}, &io);
      ASSERT_TRUE(d.ok()) << "row " << r << ": " << d.status().ToString();
      ExpectRows(lp, *d, {{r, r + 1}});
      if (HasFailure()) return;
    }
    // Random multi-range requests.
    std::mt19937_64 rng(3);
    for (int t = 0; t < 200; ++t) {
      std::vector<RowRange> ranges;
      uint64_t at = rng() % 20;
      while (at < 150) {
        const uint64_t len = 1 + rng() % 25;
        ranges.push_back({at, std::min<uint64_t>(150, at + len)});
        at = ranges.back().end + rng() % 30;
      }
      if (ranges.empty()) continue;
      MemReader io(&file.bytes);
      Result<LeafData> d = Decode(p, ranges, &io);
      ASSERT_TRUE(d.ok()) << d.status().ToString();
      ExpectRows(lp, *d, ranges);
      if (HasFailure()) return;
    }
  }
}

TEST(MiniBlockDecoderTest, RowSpanningManyChunksReadsOnlyThoseChunks) {
  MiniBlockSpec s;
  s.layers = {RepDefLayer::kAllValidItem, RepDefLayer::kAllValidList};
  std::vector<uint64_t> row_start;
  // Rows: 3 short, one of 200 items, 3 short.
  const uint64_t lens[] = {2, 3, 1, 200, 4, 1, 2};
  for (uint64_t len : lens) {
    row_start.push_back(s.rep.size());
    for (uint64_t j = 0; j < len; ++j) {
      s.rep.push_back(j == 0 ? 1 : 0);
      s.values.push_back(I32(static_cast<int32_t>(s.values.size())));
    }
  }
  row_start.push_back(s.rep.size());
  s.num_rows = 7;
  s.chunk_values = 32;
  TestFile file;
  BuiltPage p = BuildMiniBlock(&file, s);
  MemReader io(&file.bytes);
  Result<LeafData> d = Decode(p, {{3, 4}}, &io);
  ASSERT_TRUE(d.ok()) << d.status().ToString();
  EXPECT_EQ(d->num_values, 200u);
  EXPECT_EQ(Values(*d), std::vector<std::string>(s.values.begin() + 6, s.values.begin() + 206));
  // Items 6..205 live in chunks 0..6 (32 values each); chunk 7 is not read.
  uint64_t want = p.page.buffers[0].length + p.page.buffers[2].length;
  for (int c = 0; c <= 6; ++c) want += p.chunks[static_cast<size_t>(c)].length;
  EXPECT_EQ(io.bytes, want);

  MemReader io2(&file.bytes);
  Result<LeafData> tail = Decode(p, {{4, 7}}, &io2);
  ASSERT_TRUE(tail.ok()) << tail.status().ToString();
  EXPECT_EQ(Values(*tail), std::vector<std::string>(s.values.begin() + 206, s.values.end()));
}

TEST(MiniBlockDecoderTest, CorruptPagesFailCleanly) {
  ListPage lp = MakeListPage(60, 5);
  TestFile file;
  BuiltPage p = BuildMiniBlock(&file, lp.spec);
  // Flip bytes all over the page's buffers: never crash, and errors are Corruption (or, when the
  // flip lands somewhere harmless, success).
  std::mt19937_64 rng(9);
  int errors = 0;
  for (int t = 0; t < 400; ++t) {
    TestFile bad = file;
    const ByteRange& buf = p.page.buffers[rng() % p.page.buffers.size()];
    if (buf.length == 0) continue;
    bad.bytes[buf.offset + rng() % buf.length] ^= static_cast<char>(1 + rng() % 255);
    MemReader io(&bad.bytes);
    Result<LeafData> d = Decode(p, {{0, 60}}, &io);
    if (!d.ok()) {
      ++errors;
      EXPECT_TRUE(d.status().IsCorruption() || d.status().IsNotSupported())
          << d.status().ToString();
    }
  }
  EXPECT_GT(errors, 0);
  // Truncated metadata / inconsistent num_items.
  pb::PageLayout layout;
  ASSERT_TRUE(layout.ParseFromString(p.page.encoding));
  layout.mutable_mini_block_layout()->set_num_items(layout.mini_block_layout().num_items() + 5);
  PageMeta bad = p.page;
  bad.encoding = layout.SerializeAsString();
  MemReader io(&file.bytes);
  EXPECT_TRUE(DecodeLeafPage(bad, {{0, 60}}, &io).status().IsCorruption());
  // Rows outside the page are rejected up front.
  EXPECT_TRUE(DecodeLeafPage(p.page, {{50, 61}}, &io).status().IsInvalidArgument());
}

TEST(MiniBlockDecoderTest, UnknownValueEncodingIsNotSupported) {
  TestFile file;
  MiniBlockSpec s;
  for (int i = 0; i < 10; ++i) s.values.push_back(I32(i));
  s.num_rows = 10;
  BuiltPage p = BuildMiniBlock(&file, s);
  pb::PageLayout layout;
  ASSERT_TRUE(layout.ParseFromString(p.page.encoding));
  // A variant lancet does not know (a future field number) parses as "no variant".
  layout.mutable_mini_block_layout()->mutable_value_compression()->mutable_dictionary();
  p.page.encoding = layout.SerializeAsString();
  MemReader io(&file.bytes);
  Status st = DecodeLeafPage(p.page, {{0, 10}}, &io).status();
  EXPECT_TRUE(st.IsNotSupported()) << st.ToString();
  EXPECT_NE(st.message().find("dictionary"), std::string::npos) << st.ToString();
}

// A reader that returns what it is told to, whatever was asked.
class ScriptedReader : public RangeReader {
 public:
  explicit ScriptedReader(std::vector<Buffer> out) : out_(std::move(out)) {}
  Result<std::vector<Buffer>> ReadRanges(const std::vector<ByteRange>&) override { return out_; }

 private:
  std::vector<Buffer> out_;
};

TEST(ReadRangesCheckedTest, RejectsWrongCountsAndShortBuffers) {
  const std::string bytes = "0123456789";
  const std::vector<ByteRange> ranges = {{0, 4}, {6, 4}};
  ScriptedReader good({Buffer::Copy(bytes.data(), 4), Buffer::Copy(bytes.data() + 6, 4)});
  Result<std::vector<Buffer>> read = ReadRangesChecked(&good, ranges);
  ASSERT_TRUE(read.ok()) << read.status().ToString();
  const std::vector<Buffer>& got = *read;
  ASSERT_EQ(got.size(), 2u);
  EXPECT_EQ(std::string(reinterpret_cast<const char*>(got[1].data()), 4), "6789");

  ScriptedReader one({Buffer::Copy(bytes.data(), 4)});
  Status st = ReadRangesChecked(&one, ranges).status();
  EXPECT_TRUE(st.IsIOError()) << st.ToString();
  EXPECT_NE(st.message().find("1 buffers for 2 ranges"), std::string::npos) << st.ToString();

  ScriptedReader shorter({Buffer::Copy(bytes.data(), 4), Buffer::Copy(bytes.data() + 6, 3)});
  st = ReadRangesChecked(&shorter, ranges).status();
  EXPECT_TRUE(st.IsCorruption()) << st.ToString();
  EXPECT_NE(st.message().find("short read at offset 6"), std::string::npos) << st.ToString();
}

}  // namespace
}  // namespace lancet::encoding
