// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The lancet authors
//
// Tests of the Lance 2.0 codec: encode -> lay out -> decode round trips of every supported type,
// random row subsets with I/O accounting, exact byte layouts of the Lance encodings, hand-built
// encodings the writer never produces, corrupt inputs, and (when present) LanceDB-written 2.0
// tables under /tmp/interop-gen (or $LANCET_INTEROP_GEN).
#include <google/protobuf/any.pb.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "encodings_v2_0.pb.h"
#include "file2.pb.h"
#include "lancet/core/array.h"
#include "lancet/core/array_builder.h"
#include "lancet/core/json_rows.h"
#include "lancet/encoding/field_codec.h"
#include "lancet/encoding/fsst.h"
#include "lancet/encoding/v20_describe.h"
#include "lancet/encoding/v20_internal.h"

namespace lancet::encoding {
namespace {

namespace pb = ::lance::encodings;

// ---- In-memory file ----------------------------------------------------------------------------

class MemoryReader : public RangeReader {
 public:
  explicit MemoryReader(std::string bytes) : bytes_(std::move(bytes)) {}

  Result<std::vector<Buffer>> ReadRanges(const std::vector<ByteRange>& ranges) override {
    ++calls;
    std::vector<Buffer> out;
    for (const ByteRange& r : ranges) {
      requested.push_back(r);
      bytes_read += r.length;
      if (r.offset >= bytes_.size()) {
        out.emplace_back();
        continue;
      }
      uint64_t len = std::min<uint64_t>(r.length, bytes_.size() - r.offset);  // EOF: short read
      out.push_back(Buffer::Copy(bytes_.data() + r.offset, static_cast<int64_t>(len)));
    }
    return out;
  }

  void Reset() {
    calls = 0;
    requested.clear();
    bytes_read = 0;
  }

  std::string& bytes() { return bytes_; }

  int calls = 0;
  std::vector<ByteRange> requested;
  uint64_t bytes_read = 0;

 private:
  std::string bytes_;
};

std::string ColumnEncodingValues() {
  pb::ColumnEncoding enc;
  enc.mutable_values();
  return enc.SerializeAsString();
}

/// The columns of one field laid out in an in-memory "file" (64-byte aligned buffers, padding
/// filled with 0x48 like Lance).
struct Written {
  std::string file;
  std::vector<ColumnMeta> columns;

  std::vector<const ColumnMeta*> ptrs() const {
    std::vector<const ColumnMeta*> out;
    for (const ColumnMeta& c : columns) out.push_back(&c);
    return out;
  }
};

Written Layout(const std::vector<std::vector<EncodedPage>>& pages) {
  Written w;
  for (const auto& col : pages) {
    ColumnMeta cm;
    cm.encoding_type_url = kColumnEncodingTypeUrl;
    cm.encoding = ColumnEncodingValues();
    for (const EncodedPage& p : col) {
      PageMeta pm;
      for (const Buffer& b : p.buffers) {
        while (w.file.size() % 64 != 0) w.file.push_back('\x48');
        pm.buffers.push_back({w.file.size(), static_cast<uint64_t>(b.size())});
        w.file.append(reinterpret_cast<const char*>(b.data()), static_cast<size_t>(b.size()));
      }
      pm.num_rows = p.num_rows;
      pm.priority = 0;  // Lance's 2.0 writer leaves it 0; the decoder must not rely on it
      pm.encoding_type_url = p.encoding_type_url;
      pm.encoding = p.encoding;
      cm.pages.push_back(std::move(pm));
    }
    w.columns.push_back(std::move(cm));
  }
  while (w.file.size() % 64 != 0) w.file.push_back('\x48');
  return w;
}

Result<std::vector<std::vector<EncodedPage>>> EncodeChunks(const Field& field,
                                                           const std::vector<ArrayPtr>& chunks,
                                                           const EncoderOptions& options) {
  LANCET_ASSIGN_OR_RETURN(auto enc, MakeFieldEncoderV20(field, options));
  std::vector<std::vector<EncodedPage>> pages(static_cast<size_t>(enc->num_columns()));
  for (const ArrayPtr& c : chunks) LANCET_RETURN_NOT_OK(enc->Encode(c, &pages));
  LANCET_RETURN_NOT_OK(enc->Finish(&pages));
  return pages;
}

Result<ArrayPtr> Decode(const Field& field, const Written& w, const std::vector<RowRange>& rows,
                        MemoryReader* reader) {
  return DecodeFieldV20(field, w.ptrs(), rows, reader);
}

std::vector<int64_t> IndicesOf(const std::vector<RowRange>& rows) {
  std::vector<int64_t> idx;
  for (const RowRange& r : rows) {
    for (uint64_t i = r.start; i < r.end; ++i) idx.push_back(static_cast<int64_t>(i));
  }
  return idx;
}

std::vector<RowRange> RandomRanges(std::mt19937_64& rng, uint64_t n) {
  std::vector<RowRange> out;
  if (n == 0) return out;
  uint64_t pos = rng() % std::max<uint64_t>(1, n / 4);
  int count = 1 + static_cast<int>(rng() % 6);
  for (int i = 0; i < count && pos < n; ++i) {
    uint64_t len = 1 + rng() % std::max<uint64_t>(1, n / 8);
    uint64_t end = std::min(n, pos + len);
    out.push_back({pos, end});
    pos = end + rng() % std::max<uint64_t>(1, n / 6);
  }
  return out;
}

// ---- Random data -------------------------------------------------------------------------------

void Gen(ArrayBuilder* b, const DataType& t, double null_p, std::mt19937_64& rng) {
  std::uniform_real_distribution<double> unit(0, 1);
  if (t.id() != TypeId::kStruct && (t.id() == TypeId::kNull || unit(rng) < null_p)) {
    ASSERT_TRUE(b->AppendNull().ok());
    return;
  }
  auto rand_bytes = [&](size_t len, bool text) {
    std::string s(len, 'a');
    for (char& c : s) c = text ? static_cast<char>('a' + rng() % 26) : static_cast<char>(rng());
    return s;
  };
  Status st;
  switch (t.id()) {
    case TypeId::kBool:
      st = b->AppendBool(rng() & 1);
      break;
    case TypeId::kInt8:
      st = b->AppendInt(static_cast<int64_t>(rng() % 256) - 128);
      break;
    case TypeId::kInt16:
      st = b->AppendInt(static_cast<int64_t>(rng() % 65536) - 32768);
      break;
    case TypeId::kInt32:
      st = b->AppendInt(static_cast<int32_t>(rng()));
      break;
    case TypeId::kInt64:
    case TypeId::kTimestamp:
    case TypeId::kDate64:
      st = b->AppendInt(static_cast<int64_t>(rng()));
      break;
    case TypeId::kDate32:
      st = b->AppendInt(static_cast<int64_t>(rng() % 40000));
      break;
    case TypeId::kUInt8:
      st = b->AppendUInt(rng() % 256);
      break;
    case TypeId::kUInt16:
      st = b->AppendUInt(rng() % 65536);
      break;
    case TypeId::kUInt32:
      st = b->AppendUInt(rng() % (uint64_t{1} << 32));
      break;
    case TypeId::kUInt64:
      st = b->AppendUInt(rng());
      break;
    case TypeId::kHalfFloat:
      st = b->AppendFloat16Bits(static_cast<uint16_t>(rng()));
      break;
    case TypeId::kFloat:
    case TypeId::kDouble:
      st = b->AppendDouble(unit(rng) * 1000 - 500);
      break;
    case TypeId::kString:
    case TypeId::kLargeString:
      st = b->AppendBytes(rand_bytes(rng() % 20, true));
      break;
    case TypeId::kBinary:
    case TypeId::kLargeBinary:
      st = b->AppendBytes(rand_bytes(rng() % 40, false));
      break;
    case TypeId::kFixedSizeBinary:
      st = b->AppendBytes(rand_bytes(static_cast<size_t>(t.fixed_size()), false));
      break;
    case TypeId::kFixedSizeList:
      ASSERT_TRUE(b->BeginList().ok());
      for (int i = 0; i < t.fixed_size(); ++i) Gen(b->child(0), *t.value_type(), null_p / 4, rng);
      st = b->EndList();
      break;
    case TypeId::kList:
    case TypeId::kLargeList: {
      ASSERT_TRUE(b->BeginList().ok());
      int k = static_cast<int>(rng() % 5);
      for (int i = 0; i < k; ++i) Gen(b->child(0), *t.value_type(), null_p, rng);
      st = b->EndList();
      break;
    }
    case TypeId::kStruct:
      ASSERT_TRUE(b->AppendStructValid().ok());
      for (size_t i = 0; i < t.children().size(); ++i) {
        Gen(b->child(static_cast<int>(i)), *t.children()[i].type, null_p, rng);
      }
      break;
    default:
      FAIL() << "no generator for " << t.ToString();
  }
  ASSERT_TRUE(st.ok()) << st.ToString() << " for " << t.ToString();
}

ArrayPtr GenArray(const DataTypePtr& type, int64_t n, double null_p, uint64_t seed) {
  std::mt19937_64 rng(seed);
  ArrayBuilder b(type);
  for (int64_t i = 0; i < n; ++i) Gen(&b, *type, null_p, rng);
  auto r = b.Finish();
  EXPECT_TRUE(r.ok()) << r.status().ToString();
  return r.ok() ? *r : nullptr;
}

/// Split `a` into chunks of random sizes.
std::vector<ArrayPtr> Chunk(const ArrayPtr& a, uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::vector<ArrayPtr> out;
  int64_t pos = 0;
  while (pos < a->length) {
    int64_t len = std::min<int64_t>(a->length - pos, 1 + static_cast<int64_t>(rng() % 700));
    auto s = SliceArray(a, pos, len);
    EXPECT_TRUE(s.ok());
    out.push_back(*s);
    pos += len;
  }
  return out;
}

std::string Describe(const EncodedPage& p) { return DescribeArrayEncodingV20(p.encoding); }

// ---- Round trips -------------------------------------------------------------------------------

struct TypeCase {
  const char* name;
  DataTypePtr type;
};

std::vector<TypeCase> AllTypes() {
  return {
      {"bool", boolean()},
      {"int8", int8()},
      {"int16", int16()},
      {"int32", int32()},
      {"int64", int64()},
      {"uint8", uint8()},
      {"uint16", uint16()},
      {"uint32", uint32()},
      {"uint64", uint64()},
      {"float16", float16()},
      {"float32", float32()},
      {"float64", float64()},
      {"utf8", utf8()},
      {"large_utf8", large_utf8()},
      {"binary", binary()},
      {"large_binary", large_binary()},
      {"fsb5", fixed_size_binary(5)},
      {"date32", date32()},
      {"ts_us_utc", timestamp(TimeUnit::kMicro, "UTC")},
      {"ts_ns", timestamp(TimeUnit::kNano)},
      {"ts_s_ny", timestamp(TimeUnit::kSecond, "America/New_York")},
      {"fsl_f32_16", fixed_size_list(float32(), 16)},
      {"fsl_u8_4", fixed_size_list(uint8(), 4)},
      {"fsl_bool_3", fixed_size_list(boolean(), 3)},
      {"fsl_fsl", fixed_size_list(fixed_size_list(int16(), 2), 3)},
      {"list_utf8", list(utf8())},
      {"list_int64", list(int64())},
      {"large_list_f64", large_list(float64())},
      {"list_list_i32", list(list(int32()))},
      {"list_fsl", list(fixed_size_list(float32(), 2))},
      {"struct", struct_({Field("a", int32()), Field("b", utf8()), Field("c", list(int64())),
                          Field("d", struct_({Field("x", float64()), Field("y", boolean())}))})},
      {"list_struct", list(struct_({Field("k", utf8()), Field("v", int64())}))},
      {"null", null_type()},
  };
}

struct RoundTripResult {
  std::vector<std::vector<EncodedPage>> pages;
  Written written;
  ArrayPtr expected;
};

void CheckRoundTrip(const Field& field, const ArrayPtr& data, const EncoderOptions& options,
                    uint64_t seed, RoundTripResult* result = nullptr) {
  SCOPED_TRACE(field.ToString());
  auto pages = EncodeChunks(field, Chunk(data, seed), options);
  ASSERT_TRUE(pages.ok()) << pages.status().ToString();
  ASSERT_EQ(static_cast<int>(pages->size()), v20::NumColumnsV20(field));
  for (const auto& col : *pages) {
    for (const EncodedPage& p : col) {
      EXPECT_EQ(p.encoding_type_url, kArrayEncodingTypeUrl);
      int64_t bytes = 0;
      for (const Buffer& b : p.buffers) bytes += b.size();
      EXPECT_LE(bytes, v20::kMaxPageBytes);
    }
  }
  Written w = Layout(*pages);
  MemoryReader reader(w.file);
  const uint64_t n = static_cast<uint64_t>(data->length);
  auto all = Decode(field, w, {{0, n}}, &reader);
  ASSERT_TRUE(all.ok()) << all.status().ToString();
  std::string diff;
  ASSERT_TRUE(ArrayEquals(*data, **all, &diff)) << diff;
  ASSERT_TRUE(ValidateArray(**all).ok());

  std::mt19937_64 rng(seed * 7 + 1);
  for (int i = 0; i < 12; ++i) {
    std::vector<RowRange> rows = RandomRanges(rng, n);
    auto got = Decode(field, w, rows, &reader);
    ASSERT_TRUE(got.ok()) << got.status().ToString();
    auto want = TakeArray(data, IndicesOf(rows));
    ASSERT_TRUE(want.ok());
    ASSERT_TRUE(ArrayEquals(**want, **got, &diff)) << "subset " << i << ": " << diff;
  }
  // Empty request.
  auto none = Decode(field, w, {}, &reader);
  ASSERT_TRUE(none.ok()) << none.status().ToString();
  EXPECT_EQ((*none)->length, 0);
  if (result) {
    result->pages = std::move(*pages);
    result->written = std::move(w);
    result->expected = data;
  }
}

class V20RoundTrip : public ::testing::TestWithParam<TypeCase> {};

TEST_P(V20RoundTrip, NoNulls) {
  Field f("f", GetParam().type);
  ArrayPtr data = GenArray(f.type, 1500, 0.0, 1);
  ASSERT_TRUE(data);
  CheckRoundTrip(f, data, EncoderOptions{}, 11);
}

TEST_P(V20RoundTrip, SomeNulls) {
  Field f("f", GetParam().type);
  ArrayPtr data = GenArray(f.type, 1500, 0.25, 2);
  ASSERT_TRUE(data);
  CheckRoundTrip(f, data, EncoderOptions{}, 12);
}

TEST_P(V20RoundTrip, AllNulls) {
  Field f("f", GetParam().type);
  ArrayPtr data = GenArray(f.type, 700, 1.0, 3);
  ASSERT_TRUE(data);
  CheckRoundTrip(f, data, EncoderOptions{}, 13);
}

TEST_P(V20RoundTrip, SmallPages) {
  Field f("f", GetParam().type);
  ArrayPtr data = GenArray(f.type, 2000, 0.2, 4);
  ASSERT_TRUE(data);
  EncoderOptions options;
  options.max_page_bytes = 100;
  RoundTripResult r;
  CheckRoundTrip(f, data, options, 14, &r);
  if (GetParam().type->id() != TypeId::kNull) {
    size_t max_pages = 0;
    for (const auto& col : r.pages) max_pages = std::max(max_pages, col.size());
    EXPECT_GT(max_pages, 1u) << "expected the column to be split into pages";
  }
}

TEST_P(V20RoundTrip, Compressed) {
  Field f("f", GetParam().type);
  ArrayPtr data = GenArray(f.type, 1200, 0.1, 5);
  ASSERT_TRUE(data);
  EncoderOptions options;
  options.enable_compression = true;
  CheckRoundTrip(f, data, options, 15);
}

INSTANTIATE_TEST_SUITE_P(AllTypes, V20RoundTrip, ::testing::ValuesIn(AllTypes()),
                         [](const ::testing::TestParamInfo<TypeCase>& info) {
                           return std::string(info.param.name);
                         });

TEST(V20, EmptyAndSingleRow) {
  for (const TypeCase& tc : AllTypes()) {
    Field f("f", tc.type);
    ArrayPtr one = GenArray(f.type, 1, 0.0, 9);
    CheckRoundTrip(f, one, EncoderOptions{}, 3);
    // Zero rows: no pages at all (structs still get their header page).
    auto pages = EncodeChunks(f, {}, EncoderOptions{});
    ASSERT_TRUE(pages.ok());
    Written w = Layout(*pages);
    MemoryReader reader(w.file);
    auto got = Decode(f, w, {}, &reader);
    ASSERT_TRUE(got.ok()) << tc.name << ": " << got.status().ToString();
    EXPECT_EQ((*got)->length, 0);
  }
}

// ---- Exact layouts ---------------------------------------------------------------------------

Result<ArrayPtr> FromJson(const std::string& schema_json, const std::string& rows) {
  LANCET_ASSIGN_OR_RETURN(Schema schema, SchemaFromJson(schema_json));
  std::istringstream in(rows);
  LANCET_ASSIGN_OR_RETURN(RecordBatch batch, ReadJsonRows(schema, in));
  return batch.columns[0];
}

std::vector<uint64_t> U64s(const Buffer& b) {
  std::vector<uint64_t> v(static_cast<size_t>(b.size() / 8));
  std::memcpy(v.data(), b.data(), v.size() * 8);
  return v;
}

TEST(V20Layout, FixedWidthNullability) {
  Field f("x", int64());
  auto no_nulls = FromJson(R"([{"name":"x","type":"int64"}])", "{\"x\":1}\n{\"x\":2}\n");
  ASSERT_TRUE(no_nulls.ok()) << no_nulls.status().ToString();
  auto pages = EncodeChunks(f, {*no_nulls}, EncoderOptions{});
  ASSERT_TRUE(pages.ok());
  ASSERT_EQ((*pages)[0].size(), 1u);
  EXPECT_EQ(Describe((*pages)[0][0]), "Nullable(NoNull){values=Flat(64)}");
  ASSERT_EQ((*pages)[0][0].buffers.size(), 1u);
  EXPECT_EQ(U64s((*pages)[0][0].buffers[0]), (std::vector<uint64_t>{1, 2}));

  auto some = FromJson(R"([{"name":"x","type":"int64"}])", "{\"x\":1}\n{\"x\":null}\n{\"x\":3}\n");
  ASSERT_TRUE(some.ok());
  pages = EncodeChunks(f, {*some}, EncoderOptions{});
  ASSERT_TRUE(pages.ok());
  const EncodedPage& p = (*pages)[0][0];
  EXPECT_EQ(Describe(p), "Nullable(SomeNull){validity=Flat(1),values=Flat(64)}");
  ASSERT_EQ(p.buffers.size(), 2u);
  EXPECT_EQ(p.buffers[0].size(), 1);
  EXPECT_EQ(p.buffers[0].data()[0] & 7, 0b101);
  EXPECT_EQ(p.buffers[1].size(), 24);

  auto all = FromJson(R"([{"name":"x","type":"int64"}])", "{\"x\":null}\n{}\n");
  ASSERT_TRUE(all.ok());
  pages = EncodeChunks(f, {*all}, EncoderOptions{});
  ASSERT_TRUE(pages.ok());
  EXPECT_EQ(Describe((*pages)[0][0]), "Nullable(AllNull)");
  EXPECT_TRUE((*pages)[0][0].buffers.empty());
}

TEST(V20Layout, BinaryNullAdjustment) {
  Field f("s", utf8());
  auto a = FromJson(R"([{"name":"s","type":"string"}])",
                    "{\"s\":\"a\"}\n{\"s\":null}\n{\"s\":\"bc\"}\n{\"s\":\"\"}\n");
  ASSERT_TRUE(a.ok());
  auto pages = EncodeChunks(f, {*a}, EncoderOptions{});
  ASSERT_TRUE(pages.ok());
  const EncodedPage& p = (*pages)[0][0];
  EXPECT_EQ(Describe(p),
            "Binary(null_adj=4){indices=Nullable(NoNull){values=Flat(64)},"
            "bytes=Flat(8)}");
  ASSERT_EQ(p.buffers.size(), 2u);
  EXPECT_EQ(U64s(p.buffers[0]), (std::vector<uint64_t>{1, 5, 3, 3}));
  EXPECT_EQ(p.buffers[1].view(), "abc");

  // All null: Lance still writes Binary (null_adjustment 1, every index 1, no bytes).
  auto nulls = FromJson(R"([{"name":"s","type":"string"}])", "{}\n{}\n");
  ASSERT_TRUE(nulls.ok());
  pages = EncodeChunks(f, {*nulls}, EncoderOptions{});
  ASSERT_TRUE(pages.ok());
  EXPECT_EQ(Describe((*pages)[0][0]),
            "Binary(null_adj=1){indices=Nullable(NoNull){values=Flat(64)},bytes=Flat(8)}");
  EXPECT_EQ(U64s((*pages)[0][0].buffers[0]), (std::vector<uint64_t>{1, 1}));
  EXPECT_EQ((*pages)[0][0].buffers[1].size(), 0);
}

TEST(V20Layout, ListOffsets) {
  const char* schema =
      R"([{"name":"l","type":"list","children":[{"name":"item","type":"int64"}]}])";
  auto a = FromJson(schema, "{\"l\":[1,2]}\n{\"l\":null}\n{\"l\":[]}\n{\"l\":[3]}\n");
  ASSERT_TRUE(a.ok()) << a.status().ToString();
  Field f("l", (*a)->type);
  auto pages = EncodeChunks(f, {*a}, EncoderOptions{});
  ASSERT_TRUE(pages.ok());
  ASSERT_EQ(pages->size(), 2u);
  const EncodedPage& p = (*pages)[0][0];
  EXPECT_EQ(Describe(p), "List(num_items=3,null_adj=4){offsets=Nullable(NoNull){values=Flat(64)}}");
  EXPECT_EQ(U64s(p.buffers[0]), (std::vector<uint64_t>{2, 6, 2, 3}));
  EXPECT_EQ(Describe((*pages)[1][0]), "Nullable(NoNull){values=Flat(64)}");
  EXPECT_EQ(U64s((*pages)[1][0].buffers[0]), (std::vector<uint64_t>{1, 2, 3}));
}

TEST(V20Layout, FixedSizeListAndStruct) {
  Field v("v", fixed_size_list(float32(), 16));
  ArrayPtr data = GenArray(v.type, 10, 0.0, 1);
  auto pages = EncodeChunks(v, {data}, EncoderOptions{});
  ASSERT_TRUE(pages.ok());
  EXPECT_EQ(Describe((*pages)[0][0]),
            "Nullable(NoNull){values=FixedSizeList(16){items=Nullable(NoNull){values=Flat(32)}}}");

  Field s("s", struct_({Field("a", int32()), Field("b", utf8())}));
  data = GenArray(s.type, 10, 0.0, 1);
  pages = EncodeChunks(s, {data, data}, EncoderOptions{});
  ASSERT_TRUE(pages.ok());
  ASSERT_EQ(pages->size(), 3u);
  ASSERT_EQ((*pages)[0].size(), 1u);
  EXPECT_EQ(Describe((*pages)[0][0]), "SimpleStruct");
  EXPECT_EQ((*pages)[0][0].num_rows, 20u);
  EXPECT_TRUE((*pages)[0][0].buffers.empty());

  // Null structs cannot be stored in 2.0.
  ArrayBuilder b(s.type);
  ASSERT_TRUE(b.AppendNull().ok());
  auto with_null = b.Finish();
  ASSERT_TRUE(with_null.ok());
  auto rejected = EncodeChunks(s, {*with_null}, EncoderOptions{});
  EXPECT_TRUE(rejected.status().IsNotSupported()) << rejected.status().ToString();
}

TEST(V20Layout, DictionaryAndCompression) {
  // Low cardinality utf8 with compression enabled: Lance's 2.0 dictionary.
  ArrayBuilder b(utf8());
  for (int i = 0; i < 300; ++i) {
    if (i % 7 == 0) {
      ASSERT_TRUE(b.AppendNull().ok());
    } else {
      ASSERT_TRUE(b.AppendBytes("cat_" + std::to_string(i % 5)).ok());
    }
  }
  auto data = b.Finish();
  ASSERT_TRUE(data.ok());
  Field f("s", utf8());
  EncoderOptions options;
  options.enable_compression = true;
  RoundTripResult r;
  CheckRoundTrip(f, *data, options, 5, &r);
  ASSERT_FALSE(r.pages[0].empty());
  EXPECT_EQ(Describe(r.pages[0][0]),
            "Dictionary(5){indices=Nullable(NoNull){values=Flat(8)},items=Binary(null_adj=26){"
            "indices=Nullable(NoNull){values=Flat(64)},bytes=Flat(8)}}");

  // Field metadata asks for zstd / lz4 bytes.
  for (const char* scheme : {"zstd", "lz4"}) {
    Field z("z", utf8());
    z.metadata["lance-encoding:compression"] = scheme;
    if (std::string(scheme) == "zstd") z.metadata["lance-encoding:compression-level"] = "3";
    ArrayPtr strings = GenArray(utf8(), 2000, 0.1, 8);
    RoundTripResult zr;
    CheckRoundTrip(z, strings, EncoderOptions{}, 6, &zr);
    std::string d = Describe(zr.pages[0][0]);
    EXPECT_NE(d.find(std::string("bytes=Flat(8,") + scheme), std::string::npos) << d;
  }
}

TEST(V20Layout, PackedStruct) {
  Field ps("ps", struct_({Field("a", int32()), Field("b", float64()),
                          Field("v", fixed_size_list(uint8(), 3))}));
  ps.metadata["lance-encoding:packed"] = "true";
  EXPECT_EQ(v20::NumColumnsV20(ps), 1);
  ArrayPtr data = GenArray(ps.type, 500, 0.0, 3);
  RoundTripResult r;
  EncoderOptions options;
  options.max_page_bytes = 1000;
  CheckRoundTrip(ps, data, options, 3, &r);
  ASSERT_EQ(r.pages.size(), 1u);
  EXPECT_EQ(Describe(r.pages[0][0]).rfind("PackedStruct{", 0), 0u) << Describe(r.pages[0][0]);
  EXPECT_EQ(r.pages[0].size(), 8u);  // 500 rows of 15 bytes, at most 1000 bytes per page

  // Nulls cannot be packed.
  ArrayPtr with_nulls = GenArray(ps.type, 50, 0.3, 4);
  auto rejected = EncodeChunks(ps, {with_nulls}, EncoderOptions{});
  EXPECT_TRUE(rejected.status().IsNotSupported()) << rejected.status().ToString();
}

// ---- I/O accounting --------------------------------------------------------------------------

TEST(V20Io, FixedWidthReadsExactSlices) {
  Field f("x", int64());
  ArrayPtr data = GenArray(int64(), 10000, 0.0, 1);
  EncoderOptions options;
  options.max_page_bytes = 8000;  // 1000 rows per page
  auto pages = EncodeChunks(f, {data}, options);
  ASSERT_TRUE(pages.ok());
  ASSERT_EQ((*pages)[0].size(), 10u);
  Written w = Layout(*pages);
  MemoryReader reader(w.file);
  auto got = Decode(f, w, {{5000, 5010}}, &reader);
  ASSERT_TRUE(got.ok());
  EXPECT_EQ(reader.calls, 1);
  ASSERT_EQ(reader.requested.size(), 1u);
  EXPECT_EQ(reader.requested[0].length, 80u);
  EXPECT_EQ(reader.requested[0].offset, w.columns[0].pages[5].buffers[0].offset);

  // Rows in three pages: one call, one range per page.
  reader.Reset();
  got = Decode(f, w, {{10, 20}, {1990, 2010}, {9999, 10000}}, &reader);
  ASSERT_TRUE(got.ok());
  auto want = TakeArray(data, IndicesOf({{10, 20}, {1990, 2010}, {9999, 10000}}));
  EXPECT_TRUE(ArrayEquals(**want, **got));
  EXPECT_EQ(reader.calls, 1);
  EXPECT_EQ(reader.requested.size(), 4u);
  EXPECT_EQ(reader.bytes_read, 31u * 8);
}

TEST(V20Io, NullableAndBoolReadOnlyNeededBytes) {
  Field f("b", boolean());
  ArrayPtr data = GenArray(boolean(), 80000, 0.3, 2);
  auto pages = EncodeChunks(f, {data}, EncoderOptions{});
  ASSERT_TRUE(pages.ok());
  Written w = Layout(*pages);
  MemoryReader reader(w.file);
  auto got = Decode(f, w, {{40003, 40020}}, &reader);
  ASSERT_TRUE(got.ok());
  auto want = TakeArray(data, IndicesOf({{40003, 40020}}));
  EXPECT_TRUE(ArrayEquals(**want, **got));
  EXPECT_EQ(reader.calls, 1);
  EXPECT_EQ(reader.requested.size(), 2u);  // validity bits + value bits
  EXPECT_LE(reader.bytes_read, 8u);
}

TEST(V20Io, BinaryReadsOffsetsThenBytes) {
  Field f("s", large_binary());
  ArrayBuilder b(large_binary());
  for (int i = 0; i < 300; ++i)
    ASSERT_TRUE(b.AppendBytes(std::string(1000 + i, 'a' + i % 26)).ok());
  auto data = b.Finish();
  ASSERT_TRUE(data.ok());
  auto pages = EncodeChunks(f, {*data}, EncoderOptions{});
  ASSERT_TRUE(pages.ok());
  Written w = Layout(*pages);
  MemoryReader reader(w.file);
  auto got = Decode(f, w, {{150, 151}}, &reader);
  ASSERT_TRUE(got.ok());
  EXPECT_EQ((*got)->GetView(0), std::string(1150, 'a' + 150 % 26));
  EXPECT_EQ(reader.calls, 2);
  ASSERT_EQ(reader.requested.size(), 2u);
  EXPECT_EQ(reader.requested[0].length, 16u);    // offsets of rows 149 and 150
  EXPECT_EQ(reader.requested[1].length, 1150u);  // exactly the value

  reader.Reset();
  got = Decode(f, w, {{0, 1}}, &reader);  // first row: a single offset
  ASSERT_TRUE(got.ok());
  EXPECT_EQ(reader.requested[0].length, 8u);
  EXPECT_EQ(reader.requested[1].length, 1000u);
}

TEST(V20Io, ListReadsOnlyRequestedItems) {
  DataTypePtr t = list(int64());
  Field f("l", t);
  ArrayBuilder b(t);
  for (int i = 0; i < 1000; ++i) {
    ASSERT_TRUE(b.BeginList().ok());
    for (int k = 0; k < 10; ++k) ASSERT_TRUE(b.child(0)->AppendInt(i * 10 + k).ok());
    ASSERT_TRUE(b.EndList().ok());
  }
  auto data = b.Finish();
  ASSERT_TRUE(data.ok());
  auto pages = EncodeChunks(f, {*data}, EncoderOptions{});
  ASSERT_TRUE(pages.ok());
  Written w = Layout(*pages);
  MemoryReader reader(w.file);
  auto got = Decode(f, w, {{500, 502}}, &reader);
  ASSERT_TRUE(got.ok());
  auto want = TakeArray(*data, {500, 501});
  EXPECT_TRUE(ArrayEquals(**want, **got));
  EXPECT_EQ(reader.calls, 2);
  ASSERT_EQ(reader.requested.size(), 2u);
  EXPECT_EQ(reader.requested[0].length, 24u);   // offsets 499..501
  EXPECT_EQ(reader.requested[1].length, 160u);  // 20 items
}

// ---- Hand-built encodings ----------------------------------------------------------------------

/// One column of one page with the given encoding and buffers.
Written SinglePage(const pb::ArrayEncoding& enc, const std::vector<std::string>& buffers,
                   uint64_t rows) {
  EncodedPage p;
  for (const std::string& b : buffers) p.buffers.push_back(Buffer::FromString(b));
  p.num_rows = rows;
  p.encoding_type_url = kArrayEncodingTypeUrl;
  p.encoding = enc.SerializeAsString();
  return Layout({{p}});
}

template <typename T>
std::string Bytes(const std::vector<T>& v) {
  return std::string(reinterpret_cast<const char*>(v.data()), v.size() * sizeof(T));
}

pb::ArrayEncoding Flat(uint64_t bits, uint32_t buffer) {
  pb::ArrayEncoding e;
  e.mutable_flat()->set_bits_per_value(bits);
  e.mutable_flat()->mutable_buffer()->set_buffer_index(buffer);
  return e;
}

TEST(V20Decode, FlatZstdAndLz4) {
  std::vector<int64_t> values(1000);
  for (size_t i = 0; i < values.size(); ++i) values[i] = static_cast<int64_t>(i * i);
  std::string raw = Bytes(values);
  for (const char* scheme : {"zstd", "lz4"}) {
    auto c = v20::CompressBuffer(scheme, 0, reinterpret_cast<const uint8_t*>(raw.data()),
                                 static_cast<int64_t>(raw.size()));
    ASSERT_TRUE(c.ok());
    pb::ArrayEncoding e = Flat(64, 0);
    e.mutable_flat()->mutable_compression()->set_scheme(scheme);
    Written w = SinglePage(e, {std::string(c->view())}, 1000);
    MemoryReader reader(w.file);
    auto got = Decode(Field("x", int64()), w, {{10, 13}, {998, 1000}}, &reader);
    ASSERT_TRUE(got.ok()) << got.status().ToString();
    const int64_t* v = (*got)->values_as<int64_t>();
    EXPECT_EQ(v[0], 100);
    EXPECT_EQ(v[2], 144);
    EXPECT_EQ(v[4], 999 * 999);
  }
}

TEST(V20Decode, Bitpacked) {
  // 5-bit signed values packed LSB first.
  std::vector<int64_t> values = {-16, -1, 0, 1, 15, 7, -8, 3, 2, -2};
  std::string packed((values.size() * 5 + 7) / 8, '\0');
  for (size_t i = 0; i < values.size(); ++i) {
    uint64_t v = static_cast<uint64_t>(values[i]) & 31;
    for (int b = 0; b < 5; ++b) {
      if ((v >> b) & 1) packed[(i * 5 + b) / 8] |= static_cast<char>(1 << ((i * 5 + b) % 8));
    }
  }
  pb::ArrayEncoding e;
  e.mutable_bitpacked()->set_compressed_bits_per_value(5);
  e.mutable_bitpacked()->set_uncompressed_bits_per_value(16);
  e.mutable_bitpacked()->set_signed_(true);
  e.mutable_bitpacked()->mutable_buffer()->set_buffer_index(0);
  Written w = SinglePage(e, {packed}, values.size());
  MemoryReader reader(w.file);
  auto got = Decode(Field("x", int16()), w, {{0, 3}, {5, 10}}, &reader);
  ASSERT_TRUE(got.ok()) << got.status().ToString();
  const int16_t* v = (*got)->values_as<int16_t>();
  std::vector<int16_t> want = {-16, -1, 0, 7, -8, 3, 2, -2};
  EXPECT_EQ(std::vector<int16_t>(v, v + 8), want);
}

TEST(V20Decode, ConstantFixedSizeBinaryAndFsst) {
  pb::ArrayEncoding c;
  int32_t seven = 7;
  c.mutable_constant()->set_value(std::string(reinterpret_cast<char*>(&seven), 4));
  Written w = SinglePage(c, {}, 50);
  MemoryReader reader(w.file);
  auto got = Decode(Field("x", int32()), w, {{3, 8}}, &reader);
  ASSERT_TRUE(got.ok()) << got.status().ToString();
  EXPECT_EQ((*got)->length, 5);
  EXPECT_EQ((*got)->values_as<int32_t>()[4], 7);

  pb::ArrayEncoding fsb;
  fsb.mutable_fixed_size_binary()->set_byte_width(3);
  *fsb.mutable_fixed_size_binary()->mutable_bytes() = Flat(24, 0);
  w = SinglePage(fsb, {"abcdefghi"}, 3);
  MemoryReader r2(w.file);
  got = Decode(Field("s", utf8()), w, {{1, 3}}, &r2);
  ASSERT_TRUE(got.ok()) << got.status().ToString();
  EXPECT_EQ((*got)->GetView(0), "def");
  EXPECT_EQ((*got)->GetView(1), "ghi");

  // FSST: symbol 0 = "hello", symbol 1 = " "; escape 255 + literal.
  std::string table(8 + 2 * 8 + 2, '\0');
  uint64_t info = (uint64_t{0x46535354} << 32) | (uint64_t{1} << 24) | 2;
  std::memcpy(table.data(), &info, 8);
  std::memcpy(table.data() + 8, "hello\0\0\0", 8);
  std::memcpy(table.data() + 16, " \0\0\0\0\0\0\0", 8);
  table[24] = 5;
  table[25] = 1;
  std::string compressed = std::string("\x00\x01\xff!", 4) + std::string("\x00", 1);
  std::vector<uint64_t> ends = {4, 5};
  pb::ArrayEncoding fsst;
  fsst.mutable_fsst()->set_symbol_table(table);
  pb::Binary* bin = fsst.mutable_fsst()->mutable_binary()->mutable_binary();
  *bin->mutable_indices() = Flat(64, 0);
  *bin->mutable_bytes() = Flat(8, 1);
  bin->set_null_adjustment(6);
  w = SinglePage(fsst, {Bytes(ends), compressed}, 2);
  MemoryReader r3(w.file);
  got = Decode(Field("s", utf8()), w, {{0, 2}}, &r3);
  ASSERT_TRUE(got.ok()) << got.status().ToString();
  EXPECT_EQ((*got)->GetView(0), "hello !");
  EXPECT_EQ((*got)->GetView(1), "hello");
}

TEST(V20Decode, FsstFromAnotherEncoder) {
  // Values compressed by lancet's FSST implementation (same table format as Lance's), stored
  // the way Lance's 2.0 FsstArrayEncoder does: Fsst{Binary over the compressed values}.
  ArrayPtr data = GenArray(utf8(), 3000, 0.1, 21);
  std::vector<int32_t> offsets32(static_cast<size_t>(data->length + 1));
  for (int64_t i = 0; i <= data->length; ++i) {
    offsets32[static_cast<size_t>(i)] = static_cast<int32_t>(data->offsets64()[i]);
  }
  auto c = FsstCompress(data->values.data(), static_cast<size_t>(data->values.size()),
                        reinterpret_cast<const uint8_t*>(offsets32.data()), 32,
                        static_cast<uint64_t>(data->length), /*min_input_bytes=*/0);
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  const int32_t* co = c->offsets.data_as<int32_t>();
  const uint64_t total = static_cast<uint64_t>(co[data->length]);
  std::vector<uint64_t> ends(static_cast<size_t>(data->length));
  for (int64_t i = 0; i < data->length; ++i) {
    ends[static_cast<size_t>(i)] =
        static_cast<uint64_t>(co[i + 1]) + (data->IsNull(i) ? total + 1 : 0);
  }
  pb::ArrayEncoding e;
  e.mutable_fsst()->set_symbol_table(c->symbol_table);
  pb::Binary* bin = e.mutable_fsst()->mutable_binary()->mutable_binary();
  *bin->mutable_indices() = Flat(64, 0);
  *bin->mutable_bytes() = Flat(8, 1);
  bin->set_null_adjustment(total + 1);
  Written w = SinglePage(e, {Bytes(ends), std::string(c->data.view())},
                         static_cast<uint64_t>(data->length));
  MemoryReader reader(w.file);
  Field f("s", utf8());
  auto got = Decode(f, w, {{0, static_cast<uint64_t>(data->length)}}, &reader);
  ASSERT_TRUE(got.ok()) << got.status().ToString();
  std::string diff;
  EXPECT_TRUE(ArrayEquals(*data, **got, &diff)) << diff;
  got = Decode(f, w, {{100, 200}, {2990, 3000}}, &reader);
  ASSERT_TRUE(got.ok()) << got.status().ToString();
  auto want = TakeArray(data, IndicesOf({{100, 200}, {2990, 3000}}));
  EXPECT_TRUE(ArrayEquals(**want, **got, &diff)) << diff;
}

TEST(V20Decode, BlobColumn) {
  // Descriptions (position, size) as a packed struct; values at absolute file positions.
  std::vector<uint64_t> desc = {0, 0, 1, 0, 0, 0, 0, 0};  // patched below
  pb::ArrayEncoding e;
  pb::PackedStruct* ps = e.mutable_packed_struct();
  *ps->add_inner() = Flat(64, 0);
  *ps->add_inner() = Flat(64, 0);
  ps->mutable_buffer()->set_buffer_index(0);
  Written w = SinglePage(e, {Bytes(desc)}, 4);
  const uint64_t hello = w.file.size();
  w.file += "HELLOWORLD";
  desc = {hello, 5, 1, 0, 0, 0, hello + 5, 5};
  std::string d = Bytes(desc);
  w.file.replace(w.columns[0].pages[0].buffers[0].offset, d.size(), d);
  pb::ColumnEncoding blob;
  blob.mutable_blob()->mutable_inner()->mutable_values();
  w.columns[0].encoding = blob.SerializeAsString();
  MemoryReader reader(w.file);
  Field f("b", large_binary());
  auto got = Decode(f, w, {{0, 4}}, &reader);
  ASSERT_TRUE(got.ok()) << got.status().ToString();
  EXPECT_EQ((*got)->GetView(0), "HELLO");
  EXPECT_TRUE((*got)->IsNull(1));
  EXPECT_TRUE((*got)->IsValid(2));
  EXPECT_EQ((*got)->GetView(2), "");
  EXPECT_EQ((*got)->GetView(3), "WORLD");
  reader.Reset();
  got = Decode(f, w, {{3, 4}}, &reader);
  ASSERT_TRUE(got.ok());
  EXPECT_EQ((*got)->GetView(0), "WORLD");
  EXPECT_EQ(reader.calls, 2);
  EXPECT_EQ(reader.bytes_read, 16u + 5u);
}

TEST(V20Decode, UnsupportedEncodingIsNamed) {
  pb::ArrayEncoding e;
  e.mutable_rle()->set_bits_per_value(32);
  Written w = SinglePage(e, {}, 10);
  MemoryReader reader(w.file);
  auto got = Decode(Field("x", int32()), w, {{0, 10}}, &reader);
  ASSERT_TRUE(got.status().IsNotSupported());
  EXPECT_NE(got.status().message().find("rle"), std::string::npos) << got.status().ToString();

  pb::ArrayEncoding nn;
  nn.mutable_bitpacked_for_non_neg()->set_compressed_bits_per_value(3);
  w = SinglePage(nn, {}, 10);
  got = Decode(Field("x", int32()), w, {{0, 10}}, &reader);
  EXPECT_TRUE(got.status().IsNotSupported());
  EXPECT_NE(got.status().message().find("bitpacked_for_non_neg"), std::string::npos);
}

// ---- Corruption ------------------------------------------------------------------------------

TEST(V20Corrupt, TruncatedAndInconsistent) {
  Field f("x", int64());
  ArrayPtr data = GenArray(int64(), 100, 0.0, 1);
  auto pages = EncodeChunks(f, {data}, EncoderOptions{});
  ASSERT_TRUE(pages.ok());
  Written w = Layout(*pages);
  // Page buffer shorter than the rows need.
  Written bad = w;
  bad.columns[0].pages[0].buffers[0].length = 100;
  MemoryReader reader(bad.file);
  auto got = Decode(f, bad, {{0, 100}}, &reader);
  EXPECT_TRUE(got.status().IsCorruption()) << got.status().ToString();
  // Buffer beyond the end of the file (short read).
  bad = w;
  bad.columns[0].pages[0].buffers[0].offset = w.file.size() - 10;
  MemoryReader r2(bad.file);
  got = Decode(f, bad, {{0, 100}}, &r2);
  EXPECT_TRUE(got.status().IsCorruption()) << got.status().ToString();
  // Rows beyond the column.
  got = Decode(f, w, {{50, 101}}, &reader);
  EXPECT_TRUE(got.status().IsCorruption()) << got.status().ToString();
  // Garbage encoding bytes.
  bad = w;
  bad.columns[0].pages[0].encoding = "\xff\xff\xff\xff";
  got = Decode(f, bad, {{0, 1}}, &reader);
  EXPECT_TRUE(got.status().IsCorruption()) << got.status().ToString();
  // Wrong buffer index.
  bad = w;
  bad.columns[0].pages[0].buffers.clear();
  got = Decode(f, bad, {{0, 1}}, &reader);
  EXPECT_TRUE(got.status().IsCorruption()) << got.status().ToString();
  // Type mismatch (Flat 64 read as int32).
  got = Decode(Field("x", int32()), w, {{0, 1}}, &reader);
  EXPECT_TRUE(got.status().IsCorruption()) << got.status().ToString();
  // Unsorted ranges are the caller's error.
  got = Decode(f, w, {{5, 10}, {0, 2}}, &reader);
  EXPECT_TRUE(got.status().IsInvalidArgument()) << got.status().ToString();
}

TEST(V20Corrupt, BadBinaryAndListOffsets) {
  // Binary: decreasing end offsets.
  std::vector<uint64_t> ends = {3, 1, 4};
  pb::ArrayEncoding e;
  *e.mutable_binary()->mutable_indices() = Flat(64, 0);
  *e.mutable_binary()->mutable_bytes() = Flat(8, 1);
  e.mutable_binary()->set_null_adjustment(5);
  Written w = SinglePage(e, {Bytes(ends), "abcd"}, 3);
  MemoryReader reader(w.file);
  auto got = Decode(Field("s", utf8()), w, {{0, 3}}, &reader);
  EXPECT_TRUE(got.status().IsCorruption()) << got.status().ToString();
  // Offsets beyond the bytes buffer.
  ends = {3, 9, 40};
  e.mutable_binary()->set_null_adjustment(50);
  w = SinglePage(e, {Bytes(ends), "abcd"}, 3);
  MemoryReader r2(w.file);
  got = Decode(Field("s", utf8()), w, {{0, 3}}, &r2);
  EXPECT_TRUE(got.status().IsCorruption()) << got.status().ToString();

  // List: offsets beyond num_items.
  const char* schema =
      R"([{"name":"l","type":"list","children":[{"name":"item","type":"int64"}]}])";
  auto a = FromJson(schema, "{\"l\":[1,2]}\n{\"l\":[3]}\n");
  ASSERT_TRUE(a.ok());
  Field f("l", (*a)->type);
  auto pages = EncodeChunks(f, {*a}, EncoderOptions{});
  ASSERT_TRUE(pages.ok());
  Written lw = Layout(*pages);
  pb::ArrayEncoding le;
  ASSERT_TRUE(le.ParseFromString(lw.columns[0].pages[0].encoding));
  le.mutable_list()->set_num_items(2);
  lw.columns[0].pages[0].encoding = le.SerializeAsString();
  MemoryReader r3(lw.file);
  got = Decode(f, lw, {{0, 2}}, &r3);
  EXPECT_TRUE(got.status().IsCorruption()) << got.status().ToString();
  le.mutable_list()->set_num_items(3);
  le.mutable_list()->set_null_offset_adjustment(0);
  lw.columns[0].pages[0].encoding = le.SerializeAsString();
  got = Decode(f, lw, {{0, 2}}, &r3);
  EXPECT_TRUE(got.status().IsCorruption()) << got.status().ToString();
  // Item column shorter than the offsets claim.
  le.mutable_list()->set_null_offset_adjustment(4);
  lw.columns[0].pages[0].encoding = le.SerializeAsString();
  lw.columns[1].pages[0].num_rows = 2;
  got = Decode(f, lw, {{0, 2}}, &r3);
  EXPECT_TRUE(got.status().IsCorruption()) << got.status().ToString();
  // Wrong number of columns.
  Written one = lw;
  one.columns.pop_back();
  got = Decode(f, one, {{0, 2}}, &r3);
  EXPECT_TRUE(got.status().IsCorruption()) << got.status().ToString();
}

TEST(V20Corrupt, DictionaryIndexOutOfRange) {
  pb::ArrayEncoding e;
  pb::Dictionary* d = e.mutable_dictionary();
  *d->mutable_indices() = Flat(8, 0);
  pb::Binary* items = d->mutable_items()->mutable_binary();
  *items->mutable_indices() = Flat(64, 1);
  *items->mutable_bytes() = Flat(8, 2);
  items->set_null_adjustment(3);
  d->set_num_dictionary_items(2);
  std::vector<uint64_t> item_ends = {1, 2};
  Written w = SinglePage(e, {std::string("\x01\x00\x02\x03", 4), Bytes(item_ends), "xy"}, 4);
  MemoryReader reader(w.file);
  auto got = Decode(Field("s", utf8()), w, {{0, 3}}, &reader);
  ASSERT_TRUE(got.ok()) << got.status().ToString();
  EXPECT_EQ((*got)->GetView(0), "x");
  EXPECT_TRUE((*got)->IsNull(1));
  EXPECT_EQ((*got)->GetView(2), "y");
  got = Decode(Field("s", utf8()), w, {{3, 4}}, &reader);
  EXPECT_TRUE(got.status().IsCorruption()) << got.status().ToString();
}

TEST(V20Corrupt, RandomMutationsNeverCrash) {
  std::mt19937_64 rng(42);
  std::vector<TypeCase> cases = AllTypes();
  for (const TypeCase& tc : cases) {
    Field f("f", tc.type);
    ArrayPtr data = GenArray(f.type, 300, 0.2, 7);
    EncoderOptions options;
    options.max_page_bytes = 500;
    options.enable_compression = true;
    auto pages = EncodeChunks(f, {data}, options);
    ASSERT_TRUE(pages.ok());
    Written base = Layout(*pages);
    const char* iters_env = std::getenv("LANCET_V20_FUZZ_ITERS");
    const int iters = iters_env ? std::atoi(iters_env) : 60;
    for (int iter = 0; iter < iters; ++iter) {
      Written w = base;
      int what = static_cast<int>(rng() % 4);
      if (what == 0 && !w.file.empty()) {
        for (int k = 0; k < 8; ++k) w.file[rng() % w.file.size()] = static_cast<char>(rng());
      } else {
        ColumnMeta& col = w.columns[rng() % w.columns.size()];
        if (col.pages.empty()) continue;
        PageMeta& page = col.pages[rng() % col.pages.size()];
        if (what == 1 && !page.encoding.empty()) {
          page.encoding[rng() % page.encoding.size()] = static_cast<char>(rng());
        } else if (what == 2) {
          page.num_rows = rng() % 1000;
        } else if (!page.buffers.empty()) {
          ByteRange& b = page.buffers[rng() % page.buffers.size()];
          b.length = rng() % (b.length + 64);
        }
      }
      MemoryReader reader(w.file);
      auto got = Decode(f, w, RandomRanges(rng, 300), &reader);
      if (got.ok()) {
        EXPECT_TRUE(ValidateArray(**got).ok());
      }
    }
  }
}

TEST(V20Describe, Encodings) {
  EXPECT_EQ(DescribeArrayEncodingV20("\xff\xff"), "<invalid ArrayEncoding>");
  pb::ArrayEncoding e;
  pb::Nullable::SomeNull* s = e.mutable_nullable()->mutable_some_nulls();
  *s->mutable_validity() = Flat(1, 0);
  *s->mutable_values() = Flat(64, 1);
  EXPECT_EQ(DescribeArrayEncodingV20(e.SerializeAsString()),
            "Nullable(SomeNull){validity=Flat(1),values=Flat(64)}");
  pb::ArrayEncoding r;
  r.mutable_byte_stream_split();
  EXPECT_EQ(DescribeArrayEncodingV20(r.SerializeAsString()), "byte_stream_split");
}

// ---- LanceDB-written files ---------------------------------------------------------------------

bool IsBlob(const ColumnMeta& col) {
  pb::ColumnEncoding enc;
  return enc.ParseFromString(col.encoding) && enc.has_blob();
}

struct LanceFile {
  std::string bytes;
  std::vector<ColumnMeta> columns;
};

bool UnpackAny(const lance::file::v2::Encoding& enc, std::string* url, std::string* value) {
  if (!enc.has_direct()) return false;
  google::protobuf::Any any;
  if (!any.ParseFromString(enc.direct().encoding())) return false;
  *url = any.type_url();
  *value = any.value();
  return true;
}

bool ReadLanceFile(const std::string& path, LanceFile* out, std::string* error) {
  std::ifstream in(path, std::ios::binary);
  out->bytes.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  const std::string& b = out->bytes;
  if (b.size() < 40 || b.substr(b.size() - 4) != "LANC") {
    *error = "not a Lance file";
    return false;
  }
  auto u64 = [&](size_t at) {
    uint64_t v;
    std::memcpy(&v, b.data() + at, 8);
    return v;
  };
  const size_t footer = b.size() - 40;
  uint64_t cmo = u64(footer + 8);
  uint32_t num_columns;
  uint16_t major, minor;
  std::memcpy(&num_columns, b.data() + footer + 28, 4);
  std::memcpy(&major, b.data() + footer + 32, 2);
  std::memcpy(&minor, b.data() + footer + 34, 2);
  if (!(major == 0 && minor == 3) && !(major == 2 && minor == 0)) {
    *error = "not a 2.0 file (" + std::to_string(major) + "." + std::to_string(minor) + ")";
    return false;
  }
  for (uint32_t c = 0; c < num_columns; ++c) {
    uint64_t pos = u64(cmo + c * 16), size = u64(cmo + c * 16 + 8);
    lance::file::v2::ColumnMetadata meta;
    if (!meta.ParseFromArray(b.data() + pos, static_cast<int>(size))) {
      *error = "bad column metadata";
      return false;
    }
    ColumnMeta cm;
    UnpackAny(meta.encoding(), &cm.encoding_type_url, &cm.encoding);
    for (int i = 0; i < meta.buffer_offsets_size(); ++i) {
      cm.buffers.push_back({meta.buffer_offsets(i), meta.buffer_sizes(i)});
    }
    for (const auto& p : meta.pages()) {
      PageMeta pm;
      for (int i = 0; i < p.buffer_offsets_size(); ++i) {
        pm.buffers.push_back({p.buffer_offsets(i), p.buffer_sizes(i)});
      }
      pm.num_rows = p.length();
      pm.priority = p.priority();
      UnpackAny(p.encoding(), &pm.encoding_type_url, &pm.encoding);
      cm.pages.push_back(std::move(pm));
    }
    out->columns.push_back(std::move(cm));
  }
  return true;
}

/// Compares what our encoder writes for the rows of a LanceDB-written table with the pages
/// LanceDB wrote, column by column, where both wrote a single page: same encoding tree and
/// byte-identical buffers.
TEST(V20RealFiles, EncoderMatchesLanceDB) {
  const char* env = std::getenv("LANCET_INTEROP_GEN");
  std::filesystem::path root = env ? env : "/tmp/interop-gen";
  if (!std::filesystem::exists(root)) GTEST_SKIP() << "no generated tables at " << root;
  int compared = 0;
  for (const auto& entry : std::filesystem::directory_iterator(root)) {
    std::string name = entry.path().filename().string();
    if (name.size() <= 4 || name.substr(name.size() - 4) != "-2.0") continue;
    SCOPED_TRACE(name);
    std::filesystem::path dir = entry.path();
    std::ifstream schema_in(dir / "schema.json");
    std::string schema_json((std::istreambuf_iterator<char>(schema_in)),
                            std::istreambuf_iterator<char>());
    auto schema = SchemaFromJson(schema_json);
    ASSERT_TRUE(schema.ok()) << schema.status().ToString();
    std::ifstream rows_in(dir / "rows.jsonl");
    auto batch = ReadJsonRows(*schema, rows_in);
    ASSERT_TRUE(batch.ok()) << batch.status().ToString();
    std::vector<std::filesystem::path> files;
    for (const auto& e : std::filesystem::directory_iterator(dir / "table.lance" / "data")) {
      if (e.path().extension() == ".lance") files.push_back(e.path());
    }
    if (files.size() != 1) continue;
    LanceFile file;
    std::string error;
    ASSERT_TRUE(ReadLanceFile(files[0].string(), &file, &error)) << error;
    size_t col = 0;
    for (size_t i = 0; i < schema->fields.size(); ++i) {
      const Field& field = schema->fields[i];
      SCOPED_TRACE(field.ToString());
      const size_t n = static_cast<size_t>(v20::NumColumnsV20(field));
      EncoderOptions options;
      options.enable_compression = true;
      options.max_page_bytes = v20::kMaxPageBytes;
      auto pages = EncodeChunks(field, {batch->columns[i]}, options);
      if (!pages.ok()) {
        std::cout << "[ info ] " << name << "/" << field.name
                  << " not encodable: " << pages.status().ToString() << "\n";
        col += n;
        continue;
      }
      ASSERT_EQ(pages->size(), n);
      for (size_t k = 0; k < n; ++k, ++col) {
        const ColumnMeta& theirs = file.columns[col];
        const auto& ours = (*pages)[k];
        if (theirs.pages.size() != 1 || ours.size() != 1) continue;
        if (IsBlob(theirs)) continue;
        const PageMeta& tp = theirs.pages[0];
        const EncodedPage& op = ours[0];
        EXPECT_EQ(DescribeArrayEncodingV20(tp.encoding), DescribeArrayEncodingV20(op.encoding))
            << "column " << col;
        EXPECT_EQ(tp.num_rows, op.num_rows);
        if (tp.buffers.size() != op.buffers.size()) {
          ADD_FAILURE() << "column " << col << ": " << tp.buffers.size() << " vs "
                        << op.buffers.size() << " buffers";
          continue;
        }
        // Compressed buffers depend on the zstd/lz4 build; their decoding is checked elsewhere.
        const std::string desc = DescribeArrayEncodingV20(op.encoding);
        if (desc.find("zstd") != std::string::npos || desc.find("lz4") != std::string::npos) {
          continue;
        }
        for (size_t b = 0; b < tp.buffers.size(); ++b) {
          std::string_view lance(file.bytes.data() + tp.buffers[b].offset, tp.buffers[b].length);
          EXPECT_TRUE(lance == op.buffers[b].view())
              << "column " << col << " buffer " << b << ": " << lance.size() << " vs "
              << op.buffers[b].size() << " bytes";
        }
        ++compared;
      }
    }
  }
  std::cout << "[ info ] compared " << compared << " single-page columns with LanceDB's\n";
}

TEST(V20RealFiles, InteropTables) {
  const char* env = std::getenv("LANCET_INTEROP_GEN");
  std::filesystem::path root = env ? env : "/tmp/interop-gen";
  if (!std::filesystem::exists(root)) GTEST_SKIP() << "no generated tables at " << root;
  int decoded = 0;
  std::vector<std::string> dirs;
  for (const auto& entry : std::filesystem::directory_iterator(root)) {
    std::string name = entry.path().filename().string();
    if (name.size() > 4 && name.substr(name.size() - 4) == "-2.0") dirs.push_back(name);
  }
  std::sort(dirs.begin(), dirs.end());
  for (const std::string& name : dirs) {
    SCOPED_TRACE(name);
    std::filesystem::path dir = root / name;
    std::ifstream schema_in(dir / "schema.json");
    std::string schema_json((std::istreambuf_iterator<char>(schema_in)),
                            std::istreambuf_iterator<char>());
    auto schema = SchemaFromJson(schema_json);
    ASSERT_TRUE(schema.ok()) << schema.status().ToString();
    std::ifstream rows_in(dir / "rows.jsonl");
    auto batch = ReadJsonRows(*schema, rows_in);
    ASSERT_TRUE(batch.ok()) << batch.status().ToString();
    std::vector<std::filesystem::path> files;
    for (const auto& e : std::filesystem::directory_iterator(dir / "table.lance" / "data")) {
      if (e.path().extension() == ".lance") files.push_back(e.path());
    }
    if (files.size() != 1) continue;
    LanceFile file;
    std::string error;
    ASSERT_TRUE(ReadLanceFile(files[0].string(), &file, &error)) << error;
    MemoryReader reader(file.bytes);
    size_t col = 0;
    for (size_t i = 0; i < schema->fields.size(); ++i) {
      const Field& field = schema->fields[i];
      SCOPED_TRACE(field.ToString());
      const size_t n = static_cast<size_t>(v20::NumColumnsV20(field));
      ASSERT_LE(col + n, file.columns.size());
      std::vector<const ColumnMeta*> cols;
      for (size_t k = 0; k < n; ++k) cols.push_back(&file.columns[col + k]);
      col += n;
      const ArrayPtr& want = batch->columns[i];
      const uint64_t rows = static_cast<uint64_t>(want->length);
      auto got = DecodeFieldV20(field, cols, {{0, rows}}, &reader);
      if (!got.ok() && got.status().IsNotSupported()) {
        std::cout << "[ info ] " << name << "/" << field.name
                  << " not supported: " << got.status().ToString() << "\n";
        continue;
      }
      ASSERT_TRUE(got.ok()) << got.status().ToString();
      std::string diff;
      ASSERT_TRUE(ArrayEquals(*want, **got, &diff)) << diff;
      std::mt19937_64 rng(i + 1);
      for (int k = 0; k < 5; ++k) {
        std::vector<RowRange> subset = RandomRanges(rng, rows);
        auto part = DecodeFieldV20(field, cols, subset, &reader);
        ASSERT_TRUE(part.ok()) << part.status().ToString();
        auto expect = TakeArray(want, IndicesOf(subset));
        ASSERT_TRUE(ArrayEquals(**expect, **part, &diff)) << diff;
      }
      ++decoded;
    }
    EXPECT_EQ(col, file.columns.size());
  }
  std::cout << "[ info ] decoded " << decoded << " LanceDB-written 2.0 columns\n";
}

}  // namespace
}  // namespace lancet::encoding
