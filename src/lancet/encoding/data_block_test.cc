// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The lancet authors
#include "lancet/encoding/data_block.h"

#include <gtest/gtest.h>

#include <cstring>
#include <random>
#include <string>
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

#define LT_ASSERT_OK_AND_ASSIGN(lhs, rexpr)                \
  auto LANCET_CONCAT(_r_, __LINE__) = (rexpr);             \
  ASSERT_TRUE(LANCET_CONCAT(_r_, __LINE__).ok())           \
      << LANCET_CONCAT(_r_, __LINE__).status().ToString(); \
  lhs = std::move(LANCET_CONCAT(_r_, __LINE__)).ValueOrDie()

// ---- Builders.

Enc Flat(uint64_t bits) {
  Enc e;
  e.mutable_flat()->set_bits_per_value(bits);
  return e;
}
Enc Variable(uint64_t offset_bits) {
  Enc e;
  *e.mutable_variable()->mutable_offsets() = Flat(offset_bits);
  return e;
}
Enc General(pb::CompressionScheme scheme, const Enc& inner) {
  Enc e;
  e.mutable_general()->mutable_compression()->set_scheme(scheme);
  *e.mutable_general()->mutable_values() = inner;
  return e;
}
Enc Fsl(uint64_t dim, bool validity, const Enc& inner) {
  Enc e;
  e.mutable_fixed_size_list()->set_items_per_value(dim);
  e.mutable_fixed_size_list()->set_has_validity(validity);
  *e.mutable_fixed_size_list()->mutable_values() = inner;
  return e;
}

template <typename T>
Buffer Buf(const std::vector<T>& v) {
  return Buffer::Copy(v.data(), static_cast<int64_t>(v.size() * sizeof(T)));
}
Buffer Buf(const std::string& s) { return Buffer::FromString(s); }

template <typename T>
std::vector<T> Values(const DataBlock& b) {
  std::vector<T> out(static_cast<size_t>(b.data.size()) / sizeof(T));
  std::memcpy(out.data(), b.data.data(), out.size() * sizeof(T));
  return out;
}

std::vector<std::string> Strings(const DataBlock& b) {
  std::vector<std::string> out;
  for (uint64_t i = 0; i < b.num_values; ++i) {
    const uint64_t s = b.OffsetAt(i), e = b.OffsetAt(i + 1);
    out.emplace_back(b.data.view().substr(s, e - s));
  }
  return out;
}

// Mini-block Variable chunk: offsets relative to the chunk start, then bytes, padded with 0x48.
template <typename O>
Buffer VariableChunk(const std::vector<std::string>& values) {
  std::vector<O> offs;
  O pos = static_cast<O>((values.size() + 1) * sizeof(O));
  offs.push_back(pos);
  std::string bytes;
  for (const auto& v : values) {
    bytes += v;
    pos = static_cast<O>(pos + v.size());
    offs.push_back(pos);
  }
  std::string chunk(reinterpret_cast<const char*>(offs.data()), offs.size() * sizeof(O));
  chunk += bytes;
  while (chunk.size() % sizeof(O)) chunk.push_back(0x48);
  return Buf(chunk);
}

// Variable block: [u32 32][u32 data_start][offsets from 0][bytes] (or the 64-bit analog).
template <typename O>
Buffer VariableBlockBytes(const std::vector<std::string>& values) {
  std::vector<O> offs{0};
  std::string bytes;
  for (const auto& v : values) {
    bytes += v;
    offs.push_back(static_cast<O>(bytes.size()));
  }
  const O bits = sizeof(O) * 8;
  const O start = static_cast<O>(2 * sizeof(O) + offs.size() * sizeof(O));
  std::string out(reinterpret_cast<const char*>(&bits), sizeof(O));
  out.append(reinterpret_cast<const char*>(&start), sizeof(O));
  out.append(reinterpret_cast<const char*>(offs.data()), offs.size() * sizeof(O));
  return Buf(out + bytes);
}

DataBlock VariableInput(const std::vector<std::string>& values, uint32_t bits) {
  DataBlock b;
  b.kind = DataBlock::Kind::kVariableWidth;
  b.num_values = values.size();
  b.offset_bits = bits;
  std::string data;
  std::vector<uint32_t> o32{0};
  std::vector<uint64_t> o64{0};
  for (const auto& v : values) {
    data += v;
    o32.push_back(static_cast<uint32_t>(data.size()));
    o64.push_back(data.size());
  }
  b.data = Buf(data);
  b.offsets = bits == 32 ? Buf(o32) : Buf(o64);
  return b;
}

// ---- Flat.

TEST(DataBlockTest, FlatMiniBlock) {
  std::vector<uint32_t> v = {1, 2, 3, 4, 5};
  LT_ASSERT_OK_AND_ASSIGN(DataBlock b, DecompressMiniBlockChunk(Flat(32), {Buf(v)}, 5));
  EXPECT_EQ(b.kind, DataBlock::Kind::kFixedWidth);
  EXPECT_EQ(b.bits_per_value, 32u);
  EXPECT_EQ(b.num_values, 5u);
  EXPECT_EQ(Values<uint32_t>(b), v);
  // Fewer values than stored is fine; more is corruption.
  LT_ASSERT_OK_AND_ASSIGN(b, DecompressMiniBlockChunk(Flat(32), {Buf(v)}, 3));
  EXPECT_EQ(b.data.size(), 12);
  EXPECT_TRUE(DecompressMiniBlockChunk(Flat(32), {Buf(v)}, 6).status().IsCorruption());
  EXPECT_TRUE(DecompressMiniBlockChunk(Flat(32), {Buf(v), Buf(v)}, 5).status().IsCorruption());
  EXPECT_TRUE(DecompressMiniBlockChunk(Flat(0), {Buf(v)}, 5).status().IsCorruption());
  EXPECT_TRUE(
      DecompressMiniBlockChunk(Flat(64), {Buf(v)}, uint64_t{1} << 62).status().IsCorruption());
}

TEST(DataBlockTest, FlatBooleans) {
  std::vector<uint8_t> bits = {0b10110101, 0b1};
  LT_ASSERT_OK_AND_ASSIGN(DataBlock b, DecompressMiniBlockChunk(Flat(1), {Buf(bits)}, 9));
  EXPECT_EQ(b.bits_per_value, 1u);
  EXPECT_EQ(b.data.size(), 2);
  EXPECT_TRUE(DecompressMiniBlockChunk(Flat(1), {Buf(bits)}, 17).status().IsCorruption());
}

TEST(DataBlockTest, FlatWithBufferCompression) {
  std::vector<uint64_t> v(500);
  for (size_t i = 0; i < v.size(); ++i) v[i] = i * 3;
  LT_ASSERT_OK_AND_ASSIGN(Buffer z,
                          GeneralCompress(GeneralScheme::kZstd, std::nullopt,
                                          reinterpret_cast<uint8_t*>(v.data()), v.size() * 8));
  Enc e = Flat(64);
  e.mutable_flat()->mutable_data()->set_scheme(pb::COMPRESSION_ALGORITHM_ZSTD);
  LT_ASSERT_OK_AND_ASSIGN(DataBlock b, DecompressMiniBlockChunk(e, {z}, 500));
  EXPECT_EQ(Values<uint64_t>(b), v);
  LT_ASSERT_OK_AND_ASSIGN(b, DecompressBlock(e, z, 500));
  EXPECT_EQ(Values<uint64_t>(b), v);
}

TEST(DataBlockTest, FlatBlockAndPerValue) {
  std::vector<uint16_t> v = {7, 8, 9};
  LT_ASSERT_OK_AND_ASSIGN(DataBlock b, DecompressBlock(Flat(16), Buf(v), 3));
  EXPECT_EQ(Values<uint16_t>(b), v);
  LT_ASSERT_OK_AND_ASSIGN(b, DecompressFixedPerValue(Flat(16), Buf(v), 3));
  EXPECT_EQ(Values<uint16_t>(b), v);
  EXPECT_TRUE(DecompressFixedPerValue(Flat(16), Buf(v), 4).status().IsCorruption());
}

TEST(DataBlockTest, MisalignedInputIsRealigned) {
  std::vector<uint8_t> raw(17);
  const uint64_t x = 0x1122334455667788ULL;
  std::memcpy(raw.data() + 1, &x, 8);
  Buffer whole = Buf(raw);
  LT_ASSERT_OK_AND_ASSIGN(DataBlock b, DecompressMiniBlockChunk(Flat(64), {whole.Slice(1, 8)}, 1));
  EXPECT_EQ(reinterpret_cast<uintptr_t>(b.data.data()) % 8, 0u);
  EXPECT_EQ(b.data.data_as<uint64_t>()[0], x);
}

// ---- Variable.

TEST(DataBlockTest, VariableMiniBlock32And64) {
  const std::vector<std::string> values = {"alpha", "", "gamma ray", "d"};
  LT_ASSERT_OK_AND_ASSIGN(
      DataBlock b, DecompressMiniBlockChunk(Variable(32), {VariableChunk<uint32_t>(values)}, 4));
  EXPECT_EQ(b.kind, DataBlock::Kind::kVariableWidth);
  EXPECT_EQ(b.offset_bits, 32u);
  EXPECT_EQ(b.OffsetAt(0), 0u);
  EXPECT_EQ(Strings(b), values);
  LT_ASSERT_OK_AND_ASSIGN(
      b, DecompressMiniBlockChunk(Variable(64), {VariableChunk<uint64_t>(values)}, 4));
  EXPECT_EQ(b.offset_bits, 64u);
  EXPECT_EQ(Strings(b), values);
  // A prefix of the chunk's values.
  LT_ASSERT_OK_AND_ASSIGN(
      b, DecompressMiniBlockChunk(Variable(32), {VariableChunk<uint32_t>(values)}, 2));
  EXPECT_EQ(Strings(b), (std::vector<std::string>{"alpha", ""}));
}

TEST(DataBlockTest, VariableMiniBlockCorrupt) {
  const std::vector<std::string> values = {"alpha", "beta"};
  Buffer chunk = VariableChunk<uint32_t>(values);
  std::string bytes(chunk.view());
  auto with = [&](int idx, uint32_t v) {
    std::string b = bytes;
    std::memcpy(b.data() + 4 * idx, &v, 4);
    return Buf(b);
  };
  EXPECT_TRUE(DecompressMiniBlockChunk(Variable(32), {with(2, 1000)}, 2).status().IsCorruption());
  EXPECT_TRUE(DecompressMiniBlockChunk(Variable(32), {with(1, 22)}, 2).status().IsCorruption());
  EXPECT_TRUE(DecompressMiniBlockChunk(Variable(32), {with(0, 2)}, 2).status().IsCorruption());
  EXPECT_TRUE(DecompressMiniBlockChunk(Variable(32), {chunk}, 100).status().IsCorruption());
  EXPECT_TRUE(
      DecompressMiniBlockChunk(Variable(32), {chunk.Slice(0, 3)}, 1).status().IsCorruption());
  EXPECT_TRUE(DecompressMiniBlockChunk(Variable(16), {chunk}, 2).status().IsCorruption());
  Enc inner_bp = Variable(32);
  inner_bp.mutable_variable()->mutable_offsets()->mutable_inline_bitpacking();
  EXPECT_TRUE(DecompressMiniBlockChunk(inner_bp, {chunk}, 2).status().IsNotSupported());
}

TEST(DataBlockTest, VariableBlock) {
  const std::vector<std::string> values = {"red", "green", "", "blue"};
  LT_ASSERT_OK_AND_ASSIGN(DataBlock b,
                          DecompressBlock(Variable(32), VariableBlockBytes<uint32_t>(values), 4));
  EXPECT_EQ(Strings(b), values);
  LT_ASSERT_OK_AND_ASSIGN(b,
                          DecompressBlock(Variable(64), VariableBlockBytes<uint64_t>(values), 4));
  EXPECT_EQ(b.offset_bits, 64u);
  EXPECT_EQ(Strings(b), values);
  // Old layout: [u8 32][u32 num_values][u32 data_start][offsets][bytes].
  std::string old;
  old.push_back(32);
  const uint32_t n = 4, start = 9 + 5 * 4;
  old.append(reinterpret_cast<const char*>(&n), 4);
  old.append(reinterpret_cast<const char*>(&start), 4);
  const uint32_t offs[] = {0, 3, 8, 8, 12};
  old.append(reinterpret_cast<const char*>(offs), sizeof(offs));
  old += "redgreenblue";
  LT_ASSERT_OK_AND_ASSIGN(b, DecompressBlock(Variable(32), Buf(old), 4));
  EXPECT_EQ(Strings(b), values);
  // Corruption: truncated header, data start beyond the end, too few offsets.
  EXPECT_TRUE(
      DecompressBlock(Variable(32), Buf(std::string("\x20\0\0", 3)), 1).status().IsCorruption());
  std::string bad(VariableBlockBytes<uint32_t>(values).view());
  bad[4] = 100;
  EXPECT_TRUE(DecompressBlock(Variable(32), Buf(bad), 4).status().IsCorruption());
  EXPECT_TRUE(DecompressBlock(Variable(32), VariableBlockBytes<uint32_t>(values), 5)
                  .status()
                  .IsCorruption());
  Enc bitpacked_offsets = Variable(32);
  bitpacked_offsets.mutable_variable()->mutable_offsets()->mutable_inline_bitpacking();
  EXPECT_TRUE(DecompressBlock(bitpacked_offsets, VariableBlockBytes<uint32_t>(values), 4)
                  .status()
                  .IsNotSupported());
}

TEST(DataBlockTest, VariablePerValue) {
  const std::vector<std::string> values = {"one", "", "three"};
  LT_ASSERT_OK_AND_ASSIGN(DataBlock b,
                          DecompressVariablePerValue(Variable(64), VariableInput(values, 64)));
  EXPECT_EQ(Strings(b), values);
  DataBlock bad = VariableInput(values, 32);
  bad.offsets = bad.offsets.Slice(0, 8);
  EXPECT_TRUE(DecompressVariablePerValue(Variable(32), bad).status().IsCorruption());
}

// ---- Constant.

TEST(DataBlockTest, Constant) {
  Enc e;
  e.mutable_constant()->set_value(std::string("\x2a\0\0\0", 4));
  LT_ASSERT_OK_AND_ASSIGN(DataBlock b, DecompressBlock(e, Buffer(), 10));
  EXPECT_EQ(b.kind, DataBlock::Kind::kConstant);
  EXPECT_EQ(b.num_values, 10u);
  EXPECT_EQ(b.bits_per_value, 32u);
  EXPECT_EQ(b.data.data_as<uint32_t>()[0], 42u);
  LT_ASSERT_OK_AND_ASSIGN(b, DecompressFixedPerValue(e, Buffer(), 3));
  EXPECT_EQ(b.kind, DataBlock::Kind::kConstant);
  Enc all_null;
  all_null.mutable_constant();
  LT_ASSERT_OK_AND_ASSIGN(b, DecompressBlock(all_null, Buffer(), 4));
  EXPECT_EQ(b.kind, DataBlock::Kind::kConstant);
  EXPECT_TRUE(b.data.empty());
}

// ---- Bitpacking.

TEST(DataBlockTest, InlineBitpackingMiniBlock) {
  std::vector<uint64_t> v(700);
  for (size_t i = 0; i < v.size(); ++i) v[i] = (i * 7919) % 1000;
  LT_ASSERT_OK_AND_ASSIGN(Buffer chunk,
                          InlineBitpackEncodeChunk(reinterpret_cast<uint8_t*>(v.data()), 700, 64));
  EXPECT_EQ(chunk.data_as<uint64_t>()[0], 10u);  // bit width header
  Enc e;
  e.mutable_inline_bitpacking()->set_uncompressed_bits_per_value(64);
  LT_ASSERT_OK_AND_ASSIGN(DataBlock b, DecompressMiniBlockChunk(e, {chunk}, 700));
  EXPECT_EQ(b.bits_per_value, 64u);
  EXPECT_EQ(Values<uint64_t>(b), v);
  EXPECT_TRUE(DecompressMiniBlockChunk(e, {chunk}, 1025).status().IsCorruption());
  EXPECT_TRUE(DecompressMiniBlockChunk(e, {chunk.Slice(0, 100)}, 700).status().IsCorruption());
  e.mutable_inline_bitpacking()->set_uncompressed_bits_per_value(24);
  EXPECT_TRUE(DecompressMiniBlockChunk(e, {chunk}, 700).status().IsCorruption());
}

TEST(DataBlockTest, InlineBitpackingHandBuilt) {
  // u8 chunk of width 1: header byte 1, then 128 packed bytes. Lane 0 row 0 = value 0,
  // lane 2 row 1 = value 130.
  std::vector<uint8_t> chunk(1 + 128, 0);
  chunk[0] = 1;
  chunk[1 + 0] = 0b01;
  chunk[1 + 2] = 0b10;
  Enc e;
  e.mutable_inline_bitpacking()->set_uncompressed_bits_per_value(8);
  LT_ASSERT_OK_AND_ASSIGN(DataBlock b, DecompressBlock(e, Buf(chunk), 1024));
  std::vector<uint8_t> expected(1024, 0);
  expected[0] = 1;
  expected[130] = 1;
  EXPECT_EQ(Values<uint8_t>(b), expected);
}

TEST(DataBlockTest, InlineBitpackingBlockOfLevels) {
  std::vector<uint16_t> levels(2500);
  for (size_t i = 0; i < levels.size(); ++i) levels[i] = i % 3 == 0;
  LT_ASSERT_OK_AND_ASSIGN(
      Buffer block, InlineBitpackEncodeBlock(reinterpret_cast<uint8_t*>(levels.data()), 2500, 16));
  Enc e;
  e.mutable_inline_bitpacking()->set_uncompressed_bits_per_value(16);
  LT_ASSERT_OK_AND_ASSIGN(DataBlock b, DecompressBlock(e, block, 2500));
  EXPECT_EQ(Values<uint16_t>(b), levels);
}

TEST(DataBlockTest, OutOfLineBitpackingBlock) {
  std::vector<uint16_t> levels(3000);
  for (size_t i = 0; i < levels.size(); ++i) levels[i] = static_cast<uint16_t>(i % 5);
  LT_ASSERT_OK_AND_ASSIGN(
      Buffer buf, OutOfLineBitpackEncode(reinterpret_cast<uint8_t*>(levels.data()), 3000, 16, 3));
  Enc e;
  e.mutable_out_of_line_bitpacking()->set_uncompressed_bits_per_value(16);
  *e.mutable_out_of_line_bitpacking()->mutable_values() = Flat(3);
  LT_ASSERT_OK_AND_ASSIGN(DataBlock b, DecompressBlock(e, buf, 3000));
  EXPECT_EQ(Values<uint16_t>(b), levels);
  *e.mutable_out_of_line_bitpacking()->mutable_values() = Variable(32);
  EXPECT_TRUE(DecompressBlock(e, buf, 3000).status().IsCorruption());
  *e.mutable_out_of_line_bitpacking()->mutable_values() = Flat(17);
  EXPECT_TRUE(DecompressBlock(e, buf, 3000).status().IsCorruption());
}

// ---- FSST.

Enc FsstEnc(const std::string& table, const Enc& inner) {
  Enc e;
  e.mutable_fsst()->set_symbol_table(table);
  *e.mutable_fsst()->mutable_values() = inner;
  return e;
}

TEST(DataBlockTest, FsstMiniBlockHandBuilt) {
  LT_ASSERT_OK_AND_ASSIGN(FsstSymbolTable t,
                          FsstSymbolTable::FromSymbols({"http://", "www.", ".com"}));
  // "http://www.x.com", "www.", "?"
  const std::vector<std::string> compressed = {std::string("\x00\x01\xff"
                                                           "x\x02",
                                                           5),
                                               std::string("\x01", 1), "\xff?"};
  LT_ASSERT_OK_AND_ASSIGN(DataBlock b,
                          DecompressMiniBlockChunk(FsstEnc(t.Serialize(), Variable(32)),
                                                   {VariableChunk<uint32_t>(compressed)}, 3));
  EXPECT_EQ(Strings(b), (std::vector<std::string>{"http://www.x.com", "www.", "?"}));
  // Invalid code in the data.
  const std::vector<std::string> bad = {std::string("\x07", 1)};
  EXPECT_TRUE(DecompressMiniBlockChunk(FsstEnc(t.Serialize(), Variable(32)),
                                       {VariableChunk<uint32_t>(bad)}, 1)
                  .status()
                  .IsCorruption());
  // Bad table.
  EXPECT_TRUE(DecompressMiniBlockChunk(FsstEnc("short", Variable(32)),
                                       {VariableChunk<uint32_t>(compressed)}, 3)
                  .status()
                  .IsCorruption());
}

TEST(DataBlockTest, FsstSwitchedOffPassesThrough) {
  const std::vector<std::string> values = {"plain", "text"};
  const std::string off_table = FsstSymbolTable().Serialize();
  LT_ASSERT_OK_AND_ASSIGN(DataBlock b,
                          DecompressMiniBlockChunk(FsstEnc(off_table, Variable(64)),
                                                   {VariableChunk<uint64_t>(values)}, 2));
  EXPECT_EQ(Strings(b), values);
}

TEST(DataBlockTest, FsstRoundTripThroughEncoder) {
  std::vector<std::string> values;
  std::string data;
  std::vector<uint32_t> offs{0};
  for (int i = 0; i < 3000; ++i) {
    values.push_back("s3://bucket/prefix/object-" + std::to_string(i * 37 % 1000) + ".parquet");
    data += values.back();
    offs.push_back(static_cast<uint32_t>(data.size()));
  }
  LT_ASSERT_OK_AND_ASSIGN(
      FsstCompressed c,
      FsstCompress(reinterpret_cast<const uint8_t*>(data.data()), data.size(),
                   reinterpret_cast<const uint8_t*>(offs.data()), 32, values.size()));
  std::vector<std::string> comp_values;
  for (size_t i = 0; i < values.size(); ++i) {
    const uint32_t s = c.offsets.data_as<uint32_t>()[i], e = c.offsets.data_as<uint32_t>()[i + 1];
    comp_values.emplace_back(c.data.view().substr(s, e - s));
  }
  // Mini-block: chunk 64 compressed values.
  std::vector<std::string> first(comp_values.begin(), comp_values.begin() + 64);
  LT_ASSERT_OK_AND_ASSIGN(DataBlock b,
                          DecompressMiniBlockChunk(FsstEnc(c.symbol_table, Variable(32)),
                                                   {VariableChunk<uint32_t>(first)}, 64));
  EXPECT_EQ(Strings(b), std::vector<std::string>(values.begin(), values.begin() + 64));
  // Per value (full-zip).
  LT_ASSERT_OK_AND_ASSIGN(b, DecompressVariablePerValue(FsstEnc(c.symbol_table, Variable(32)),
                                                        VariableInput(comp_values, 32)));
  EXPECT_EQ(Strings(b), values);
}

// ---- RLE.

Enc RleEnc(uint64_t bits) {
  Enc e;
  *e.mutable_rle()->mutable_values() = Flat(bits);
  *e.mutable_rle()->mutable_run_lengths() = Flat(8);
  return e;
}

TEST(DataBlockTest, RleHandBuilt) {
  std::vector<uint32_t> vals = {5, 7, 9};
  std::vector<uint8_t> lens = {3, 2, 4};
  LT_ASSERT_OK_AND_ASSIGN(DataBlock b,
                          DecompressMiniBlockChunk(RleEnc(32), {Buf(vals), Buf(lens)}, 9));
  EXPECT_EQ(Values<uint32_t>(b), (std::vector<uint32_t>{5, 5, 5, 7, 7, 9, 9, 9, 9}));
  LT_ASSERT_OK_AND_ASSIGN(b, DecompressMiniBlockChunk(RleEnc(32), {Buf(vals), Buf(lens)}, 4));
  EXPECT_EQ(Values<uint32_t>(b), (std::vector<uint32_t>{5, 5, 5, 7}));
  EXPECT_TRUE(
      DecompressMiniBlockChunk(RleEnc(32), {Buf(vals), Buf(lens)}, 10).status().IsCorruption());
  EXPECT_TRUE(DecompressMiniBlockChunk(RleEnc(32), {Buf(vals), Buf(std::vector<uint8_t>{1, 2})}, 3)
                  .status()
                  .IsCorruption());
  EXPECT_TRUE(DecompressMiniBlockChunk(RleEnc(32), {Buf(vals).Slice(0, 7), Buf(lens)}, 3)
                  .status()
                  .IsCorruption());
  EXPECT_TRUE(DecompressMiniBlockChunk(RleEnc(32), {Buf(vals)}, 3).status().IsCorruption());
  Enc bad = RleEnc(32);
  *bad.mutable_rle()->mutable_run_lengths() = Flat(16);
  EXPECT_TRUE(DecompressMiniBlockChunk(bad, {Buf(vals), Buf(lens)}, 3).status().IsNotSupported());
}

TEST(DataBlockTest, RleEncoderSplitsLongRuns) {
  std::vector<uint16_t> v(600, 4);
  v.insert(v.end(), 10, 9);
  LT_ASSERT_OK_AND_ASSIGN(RleEncoded r,
                          RleEncode(reinterpret_cast<uint8_t*>(v.data()), v.size(), 16));
  EXPECT_EQ(r.num_runs, 4u);
  EXPECT_EQ(std::string(r.run_lengths.view()), std::string("\xff\xff\x5a\x0a"));
  EXPECT_EQ(RleCountRuns(reinterpret_cast<uint8_t*>(v.data()), v.size(), 16), 4u);
  EXPECT_EQ(CountValueRuns(reinterpret_cast<uint8_t*>(v.data()), v.size(), 16), 2u);
  LT_ASSERT_OK_AND_ASSIGN(DataBlock b,
                          DecompressMiniBlockChunk(RleEnc(16), {r.values, r.run_lengths}, 610));
  EXPECT_EQ(Values<uint16_t>(b), v);
}

// ---- RLE in a block context: [u64 values byte size][run values][u8 run lengths].

Buffer Hex(const std::string& hex) {
  std::string out;
  for (size_t i = 0; i + 1 < hex.size(); i += 2) {
    out.push_back(static_cast<char>(std::stoi(hex.substr(i, 2), nullptr, 16)));
  }
  return Buffer::FromString(out);
}

TEST(DataBlockTest, RleBlockAllNullListLevels) {
  // LanceDB 0.39 all-null list<int64> page of 3000 rows (AllNullLayout rep/def buffer): 24 bytes
  // of values = 12 u16 ones, runs 11 x 255 + 195.
  std::string hex = "1800000000000000";
  for (int i = 0; i < 12; ++i) hex += "0100";
  for (int i = 0; i < 11; ++i) hex += "ff";
  hex += "c3";
  const Buffer buf = Hex(hex);
  ASSERT_EQ(buf.size(), 44);
  LT_ASSERT_OK_AND_ASSIGN(DataBlock b, DecompressBlock(RleEnc(16), buf, 3000));
  EXPECT_EQ(b.kind, DataBlock::Kind::kFixedWidth);
  EXPECT_EQ(b.bits_per_value, 16u);
  EXPECT_EQ(b.num_values, 3000u);
  EXPECT_EQ(Values<uint16_t>(b), std::vector<uint16_t>(3000, 1));
  // The encoder reproduces Lance's bytes.
  std::vector<uint16_t> ones(3000, 1);
  LT_ASSERT_OK_AND_ASSIGN(Buffer enc,
                          RleEncodeBlock(reinterpret_cast<uint8_t*>(ones.data()), 3000, 16));
  EXPECT_EQ(enc.view(), buf.view());
  // Runs must cover the count exactly in a block.
  EXPECT_TRUE(DecompressBlock(RleEnc(16), buf, 2999).status().IsCorruption());
  EXPECT_TRUE(DecompressBlock(RleEnc(16), buf, 3001).status().IsCorruption());
}

TEST(DataBlockTest, RleBlockMiniBlockDefLevels) {
  // Def part of a 40-row LanceDB 0.39 mini-block chunk (nullable bool, every 5th value null):
  // 34 bytes = 17 u16 values alternating 0/1, then 17 u8 runs 3, 1, (4, 1) x 7, 1.
  std::string hex = "2200000000000000";
  for (int i = 0; i < 8; ++i) hex += "00000100";
  hex += "0000";
  hex += "0301";
  for (int i = 0; i < 7; ++i) hex += "0401";
  hex += "01";
  const Buffer buf = Hex(hex);
  ASSERT_EQ(buf.size(), 59);
  LT_ASSERT_OK_AND_ASSIGN(DataBlock b, DecompressBlock(RleEnc(16), buf, 40));
  std::vector<uint16_t> expect;
  for (int i = 0; i < 40; ++i) expect.push_back(i % 5 == 3 ? 1 : 0);
  EXPECT_EQ(Values<uint16_t>(b), expect);
  LT_ASSERT_OK_AND_ASSIGN(Buffer enc,
                          RleEncodeBlock(reinterpret_cast<uint8_t*>(expect.data()), 40, 16));
  EXPECT_EQ(enc.view(), buf.view());
}

TEST(DataBlockTest, RleBlockRoundTripAllWidths) {
  std::mt19937_64 rng(7);
  for (uint32_t bits : {8u, 16u, 32u, 64u}) {
    const size_t w = bits / 8;
    for (uint64_t n : {1ull, 2ull, 255ull, 256ull, 1000ull}) {
      std::vector<uint8_t> raw(n * w);
      uint64_t v = rng();
      for (uint64_t i = 0; i < n; ++i) {
        if (rng() % 40 == 0) v = rng();
        std::memcpy(raw.data() + i * w, &v, w);
      }
      LT_ASSERT_OK_AND_ASSIGN(Buffer enc, RleEncodeBlock(raw.data(), n, bits));
      uint64_t values_size;
      std::memcpy(&values_size, enc.data(), 8);
      const uint64_t runs = RleCountRuns(raw.data(), n, bits);
      EXPECT_EQ(values_size, runs * w);
      EXPECT_EQ(static_cast<uint64_t>(enc.size()), 8 + runs * (w + 1));
      LT_ASSERT_OK_AND_ASSIGN(DataBlock b, DecompressBlock(RleEnc(bits), enc, n));
      EXPECT_EQ(b.bits_per_value, bits);
      ASSERT_EQ(static_cast<size_t>(b.data.size()), raw.size());
      EXPECT_EQ(std::memcmp(b.data.data(), raw.data(), raw.size()), 0) << bits << " " << n;
    }
  }
  LT_ASSERT_OK_AND_ASSIGN(Buffer empty, RleEncodeBlock(nullptr, 0, 16));
  EXPECT_EQ(empty.view(), std::string(8, '\0'));
  LT_ASSERT_OK_AND_ASSIGN(DataBlock b, DecompressBlock(RleEnc(16), empty, 0));
  EXPECT_EQ(b.num_values, 0u);
  EXPECT_TRUE(RleEncodeBlock(nullptr, 0, 12).status().IsInvalidArgument());
}

TEST(DataBlockTest, RleBlockRejectsMalformed) {
  // Valid: values {7, 9} as u32, runs {2, 3}.
  const std::string good = "0800000000000000" "07000000" "09000000" "0203";
  LT_ASSERT_OK_AND_ASSIGN(DataBlock b, DecompressBlock(RleEnc(32), Hex(good), 5));
  EXPECT_EQ(Values<uint32_t>(b), (std::vector<uint32_t>{7, 7, 9, 9, 9}));
  const std::vector<std::string> bad = {
      "",                                                      // no header
      "08000000000000",                                        // short header
      "0900000000000000" "07000000" "09000000" "0203",         // size not a multiple of 4
      "1000000000000000" "07000000" "09000000" "0203",         // size past the end
      "ffffffffffffffff" "07000000" "09000000" "0203",         // huge size
      "0800000000000000" "07000000" "09000000" "02",           // too few run lengths
      "0800000000000000" "07000000" "09000000" "020300",       // too many run lengths
      "0800000000000000" "07000000" "09000000" "0500",         // zero run length
      "0800000000000000" "07000000" "09000000" "0202",         // runs cover 4 < 5
      "0800000000000000" "07000000" "09000000" "0204",         // runs cover 6 > 5
      "0000000000000000",                                      // no runs
  };
  for (const std::string& h : bad) {
    auto r = DecompressBlock(RleEnc(32), Hex(h), 5);
    EXPECT_TRUE(r.status().IsCorruption()) << h << ": " << r.status().ToString();
  }
  // Unsupported forms of the encoding itself.
  Enc rl16 = RleEnc(32);
  *rl16.mutable_rle()->mutable_run_lengths() = Flat(16);
  EXPECT_TRUE(DecompressBlock(rl16, Hex(good), 5).status().IsNotSupported());
  Enc no_values;
  *no_values.mutable_rle()->mutable_run_lengths() = Flat(8);
  EXPECT_TRUE(DecompressBlock(no_values, Hex(good), 5).status().IsNotSupported());
  EXPECT_FALSE(DecompressBlock(RleEnc(12), Hex(good), 5).ok());
}

// ---- Byte stream split.

TEST(DataBlockTest, ByteStreamSplit) {
  std::vector<float> v = {1.0f, 2.0f, 3.0f, 4.0f};
  LT_ASSERT_OK_AND_ASSIGN(Buffer split,
                          ByteStreamSplitEncode(reinterpret_cast<uint8_t*>(v.data()), 4, 32));
  const uint8_t expected[] = {0, 0, 0, 0, 0, 0, 0, 0, 0x80, 0, 0x40, 0x80, 0x3F, 0x40, 0x40, 0x40};
  ASSERT_EQ(split.size(), 16);
  EXPECT_EQ(std::memcmp(split.data(), expected, 16), 0);
  Enc e;
  *e.mutable_byte_stream_split()->mutable_values() = Flat(32);
  LT_ASSERT_OK_AND_ASSIGN(DataBlock b, DecompressMiniBlockChunk(e, {split}, 4));
  EXPECT_EQ(Values<float>(b), v);
  EXPECT_TRUE(DecompressMiniBlockChunk(e, {split}, 3).status().IsCorruption());
}

// ---- General.

TEST(DataBlockTest, GeneralMiniBlockCompressesFirstBufferOnly) {
  std::vector<uint32_t> vals(200);
  for (size_t i = 0; i < vals.size(); ++i) vals[i] = static_cast<uint32_t>(i / 10);
  std::vector<uint8_t> lens(200, 1);
  for (auto scheme : {pb::COMPRESSION_ALGORITHM_ZSTD, pb::COMPRESSION_ALGORITHM_LZ4}) {
    const GeneralScheme gs =
        scheme == pb::COMPRESSION_ALGORITHM_ZSTD ? GeneralScheme::kZstd : GeneralScheme::kLz4;
    LT_ASSERT_OK_AND_ASSIGN(
        Buffer z, GeneralCompress(gs, std::nullopt, reinterpret_cast<uint8_t*>(vals.data()),
                                  vals.size() * 4));
    LT_ASSERT_OK_AND_ASSIGN(
        DataBlock b, DecompressMiniBlockChunk(General(scheme, RleEnc(32)), {z, Buf(lens)}, 200));
    EXPECT_EQ(Values<uint32_t>(b), vals);
    LT_ASSERT_OK_AND_ASSIGN(b, DecompressMiniBlockChunk(General(scheme, Flat(32)), {z}, 200));
    EXPECT_EQ(Values<uint32_t>(b), vals);
    // Corrupt frame.
    EXPECT_TRUE(DecompressMiniBlockChunk(General(scheme, Flat(32)), {z.Slice(0, z.size() - 3)}, 200)
                    .status()
                    .IsCorruption());
  }
  EXPECT_TRUE(DecompressMiniBlockChunk(General(pb::COMPRESSION_ALGORITHM_UNSPECIFIED, Flat(32)),
                                       {Buf(vals)}, 200)
                  .status()
                  .IsNotSupported());
}

TEST(DataBlockTest, GeneralVariableMiniBlock) {
  const std::vector<std::string> values = {"aaaaaaaaaaaa", "bbbbbbbbbbbbbbbbbbbbbbb",
                                           "aaaaaaaaaaaa"};
  Buffer chunk = VariableChunk<uint32_t>(values);
  LT_ASSERT_OK_AND_ASSIGN(Buffer z,
                          GeneralCompress(GeneralScheme::kZstd, 1, chunk.data(), chunk.size()));
  LT_ASSERT_OK_AND_ASSIGN(
      DataBlock b,
      DecompressMiniBlockChunk(General(pb::COMPRESSION_ALGORITHM_ZSTD, Variable(32)), {z}, 3));
  EXPECT_EQ(Strings(b), values);
}

TEST(DataBlockTest, GeneralBlock) {
  // 2.2: large blocks (dictionaries) wrapped in general compression.
  std::vector<std::string> dict;
  for (int i = 0; i < 500; ++i) dict.push_back("dictionary entry " + std::to_string(i));
  Buffer raw = VariableBlockBytes<uint32_t>(dict);
  LT_ASSERT_OK_AND_ASSIGN(
      Buffer z, GeneralCompress(GeneralScheme::kZstd, std::nullopt, raw.data(), raw.size()));
  LT_ASSERT_OK_AND_ASSIGN(
      DataBlock b, DecompressBlock(General(pb::COMPRESSION_ALGORITHM_ZSTD, Variable(32)), z, 500));
  EXPECT_EQ(Strings(b), dict);
  std::vector<uint64_t> fixed(5000, 77);
  LT_ASSERT_OK_AND_ASSIGN(Buffer l,
                          GeneralCompress(GeneralScheme::kLz4, std::nullopt,
                                          reinterpret_cast<uint8_t*>(fixed.data()), 40000));
  LT_ASSERT_OK_AND_ASSIGN(
      b, DecompressBlock(General(pb::COMPRESSION_ALGORITHM_LZ4, Flat(64)), l, 5000));
  EXPECT_EQ(Values<uint64_t>(b), fixed);
}

TEST(DataBlockTest, GeneralPerValue) {
  // Full-zip large binary: General(ZSTD) -> Variable(64), each value compressed on its own.
  std::vector<std::string> values = {std::string(50000, 'q'), "", "tiny"};
  DataBlock in = VariableInput(values, 64);
  Buffer cdata, coffs;
  ASSERT_TRUE(GeneralCompressPerValue(GeneralScheme::kZstd, std::nullopt, in.data.data(),
                                      in.data.size(), in.offsets.data(), 64, 3, &cdata, &coffs)
                  .ok());
  DataBlock comp = in;
  comp.data = cdata;
  comp.offsets = coffs;
  LT_ASSERT_OK_AND_ASSIGN(
      DataBlock b,
      DecompressVariablePerValue(General(pb::COMPRESSION_ALGORITHM_ZSTD, Variable(64)), comp));
  EXPECT_EQ(Strings(b), values);
  EXPECT_EQ(b.offset_bits, 64u);
}

// ---- FixedSizeList.

TEST(DataBlockTest, FixedSizeListMiniBlock) {
  std::vector<float> items(12);
  for (size_t i = 0; i < items.size(); ++i) items[i] = static_cast<float>(i);
  LT_ASSERT_OK_AND_ASSIGN(DataBlock b,
                          DecompressMiniBlockChunk(Fsl(4, false, Flat(32)), {Buf(items)}, 3));
  EXPECT_EQ(b.bits_per_value, 128u);
  EXPECT_EQ(b.num_values, 3u);
  EXPECT_EQ(Values<float>(b), items);
  EXPECT_TRUE(b.fsl_validity.empty());
  // With item validity: [validity][data].
  std::vector<uint8_t> validity = {0b11101111, 0b1011};
  LT_ASSERT_OK_AND_ASSIGN(
      b, DecompressMiniBlockChunk(Fsl(4, true, Flat(32)), {Buf(validity), Buf(items)}, 3));
  EXPECT_EQ(Values<float>(b), items);
  ASSERT_EQ(b.fsl_validity.size(), 2);
  EXPECT_EQ(b.fsl_validity.data()[0], 0b11101111);
  EXPECT_TRUE(
      DecompressMiniBlockChunk(Fsl(4, true, Flat(32)), {Buf(items)}, 3).status().IsCorruption());
  // Nested FSL<FSL<i16, 2>, 3>.
  std::vector<int16_t> nested(6 * 2);
  LT_ASSERT_OK_AND_ASSIGN(
      b, DecompressMiniBlockChunk(Fsl(3, false, Fsl(2, false, Flat(16))), {Buf(nested)}, 2));
  EXPECT_EQ(b.bits_per_value, 96u);
  // Two validity layers are not representable.
  EXPECT_TRUE(DecompressMiniBlockChunk(Fsl(3, true, Fsl(2, true, Flat(16))),
                                       {Buf(validity), Buf(validity), Buf(nested)}, 2)
                  .status()
                  .IsNotSupported());
  // FSL of booleans: 5 bits per row.
  std::vector<uint8_t> bools = {0xFF, 0x03};
  LT_ASSERT_OK_AND_ASSIGN(b, DecompressMiniBlockChunk(Fsl(5, false, Flat(1)), {Buf(bools)}, 2));
  EXPECT_EQ(b.bits_per_value, 5u);
  EXPECT_EQ(b.data.size(), 2);
}

TEST(DataBlockTest, FixedSizeListPerValueWithValidity) {
  // dim 3 (validity is 1 byte per row with 3 meaningful bits), two rows of u16.
  std::vector<uint8_t> payload = {
      0b101, 1, 0, 2, 0, 3, 0,  // row 0: validity 1,0,1; items 1,2,3
      0b011, 4, 0, 5, 0, 6, 0,  // row 1: validity 1,1,0; items 4,5,6
  };
  Enc e = Fsl(3, true, Flat(16));
  LT_ASSERT_OK_AND_ASSIGN(DataBlock b, DecompressFixedPerValue(e, Buf(payload), 2));
  EXPECT_EQ(b.bits_per_value, 48u);
  EXPECT_EQ(Values<uint16_t>(b), (std::vector<uint16_t>{1, 2, 3, 4, 5, 6}));
  ASSERT_EQ(b.fsl_validity.size(), 1);
  EXPECT_EQ(b.fsl_validity.data()[0], 0b011101);  // bits packed back to back
  EXPECT_TRUE(DecompressFixedPerValue(e, Buf(payload), 3).status().IsCorruption());
  // Without validity it is zero-copy.
  std::vector<float> vec(2 * 512, 1.5f);
  Buffer vb = Buf(vec);
  LT_ASSERT_OK_AND_ASSIGN(b, DecompressFixedPerValue(Fsl(512, false, Flat(32)), vb, 2));
  EXPECT_EQ(b.bits_per_value, 16384u);
  EXPECT_EQ(b.data.data(), vb.data());
  // Vector with validity: 64 bytes bitmap + 2048 bytes per row (the observed 16896 bits).
  std::vector<uint8_t> row(64 + 2048, 0);
  row[0] = 0xFF;
  std::memcpy(row.data() + 64, vec.data(), 2048);
  LT_ASSERT_OK_AND_ASSIGN(b, DecompressFixedPerValue(Fsl(512, true, Flat(32)), Buf(row), 1));
  EXPECT_EQ(b.fsl_validity.size(), 64);
  EXPECT_EQ(b.data.size(), 2048);
}

TEST(DataBlockTest, FixedSizeListBlock) {
  std::vector<uint8_t> data(6, 1);
  LT_ASSERT_OK_AND_ASSIGN(DataBlock b, DecompressBlock(Fsl(3, false, Flat(8)), Buf(data), 2));
  EXPECT_EQ(b.bits_per_value, 24u);
  EXPECT_TRUE(DecompressBlock(Fsl(3, true, Flat(8)), Buf(data), 2).status().IsNotSupported());
  EXPECT_TRUE(DecompressBlock(Fsl(3, false, Variable(32)), Buf(data), 2).status().IsNotSupported());
}

// ---- Packed structs.

TEST(DataBlockTest, PackedStructMiniBlock) {
  // struct<a: u32, b: u16> rows interleaved.
  std::vector<uint8_t> rows;
  for (uint32_t i = 0; i < 5; ++i) {
    const uint32_t a = 1000 + i;
    const uint16_t b = static_cast<uint16_t>(i * 2);
    rows.insert(rows.end(), reinterpret_cast<const uint8_t*>(&a),
                reinterpret_cast<const uint8_t*>(&a) + 4);
    rows.insert(rows.end(), reinterpret_cast<const uint8_t*>(&b),
                reinterpret_cast<const uint8_t*>(&b) + 2);
  }
  Enc e;
  e.mutable_packed_struct()->add_bits_per_value(32);
  e.mutable_packed_struct()->add_bits_per_value(16);
  *e.mutable_packed_struct()->mutable_values() = Flat(48);
  LT_ASSERT_OK_AND_ASSIGN(DataBlock s, DecompressMiniBlockChunk(e, {Buf(rows)}, 5));
  EXPECT_EQ(s.kind, DataBlock::Kind::kStruct);
  ASSERT_EQ(s.children.size(), 2u);
  EXPECT_EQ(Values<uint32_t>(s.children[0]), (std::vector<uint32_t>{1000, 1001, 1002, 1003, 1004}));
  EXPECT_EQ(Values<uint16_t>(s.children[1]), (std::vector<uint16_t>{0, 2, 4, 6, 8}));
  EXPECT_TRUE(DecompressMiniBlockChunk(e, {Buf(rows)}, 6).status().IsCorruption());
  *e.mutable_packed_struct()->mutable_values() = Flat(40);
  EXPECT_TRUE(DecompressMiniBlockChunk(e, {Buf(rows)}, 5).status().IsCorruption());
}

TEST(DataBlockTest, VariablePackedStructPerValue) {
  // struct<id: u32, name: utf8> rows: [u32 id][u32 len][bytes].
  Enc e;
  auto* f0 = e.mutable_variable_packed_struct()->add_fields();
  *f0->mutable_value() = Flat(32);
  f0->set_bits_per_value(32);
  auto* f1 = e.mutable_variable_packed_struct()->add_fields();
  *f1->mutable_value() = Variable(32);
  f1->set_bits_per_length(32);
  std::vector<std::string> rows;
  const std::vector<std::string> names = {"ann", "", "bartholomew"};
  for (uint32_t i = 0; i < 3; ++i) {
    std::string r(reinterpret_cast<const char*>(&i), 4);
    const uint32_t len = static_cast<uint32_t>(names[i].size());
    r.append(reinterpret_cast<const char*>(&len), 4);
    r += names[i];
    rows.push_back(r);
  }
  LT_ASSERT_OK_AND_ASSIGN(DataBlock s, DecompressVariablePerValue(e, VariableInput(rows, 32)));
  EXPECT_EQ(s.kind, DataBlock::Kind::kStruct);
  ASSERT_EQ(s.children.size(), 2u);
  EXPECT_EQ(Values<uint32_t>(s.children[0]), (std::vector<uint32_t>{0, 1, 2}));
  EXPECT_EQ(Strings(s.children[1]), names);
  // A row with a lying length.
  std::vector<std::string> bad = rows;
  bad[2][4] = 100;
  EXPECT_TRUE(DecompressVariablePerValue(e, VariableInput(bad, 32)).status().IsCorruption());
  // Trailing bytes in a row.
  bad = rows;
  bad[0] += "x";
  EXPECT_TRUE(DecompressVariablePerValue(e, VariableInput(bad, 32)).status().IsCorruption());
  // Not in mini-block.
  auto st = DecompressMiniBlockChunk(e, {Buffer()}, 1).status();
  EXPECT_TRUE(st.IsNotSupported());
  EXPECT_NE(st.message().find("variable_packed_struct"), std::string::npos);
  EXPECT_NE(st.message().find("mini-block"), std::string::npos);
}

// ---- Unsupported / malformed descriptions and names.

TEST(DataBlockTest, UnsupportedAndUnset) {
  Enc dict;
  dict.mutable_dictionary()->set_num_dictionary_items(3);
  auto st = DecompressMiniBlockChunk(dict, {Buffer()}, 1).status();
  EXPECT_TRUE(st.IsNotSupported());
  EXPECT_NE(st.message().find("dictionary"), std::string::npos);
  EXPECT_TRUE(DecompressBlock(dict, Buffer(), 1).status().IsNotSupported());
  st = DecompressFixedPerValue(General(pb::COMPRESSION_ALGORITHM_ZSTD, Flat(32)), Buffer(), 1)
           .status();
  EXPECT_TRUE(st.IsNotSupported());
  EXPECT_NE(st.message().find("fixed-width per-value"), std::string::npos);
  EXPECT_TRUE(
      DecompressVariablePerValue(Flat(8), VariableInput({"a"}, 32)).status().IsNotSupported());
  Enc unset;
  EXPECT_TRUE(DecompressMiniBlockChunk(unset, {Buffer()}, 1).status().IsCorruption());
  EXPECT_TRUE(DecompressBlock(unset, Buffer(), 1).status().IsCorruption());
}

TEST(DataBlockTest, Names) {
  Enc e;
  EXPECT_STREQ(CompressiveEncodingName(e), "unset");
  EXPECT_STREQ(CompressiveEncodingName(Flat(8)), "flat");
  EXPECT_STREQ(CompressiveEncodingName(Variable(32)), "variable");
  e.mutable_constant();
  EXPECT_STREQ(CompressiveEncodingName(e), "constant");
  e.mutable_out_of_line_bitpacking();
  EXPECT_STREQ(CompressiveEncodingName(e), "out_of_line_bitpacking");
  e.mutable_inline_bitpacking();
  EXPECT_STREQ(CompressiveEncodingName(e), "inline_bitpacking");
  e.mutable_fsst();
  EXPECT_STREQ(CompressiveEncodingName(e), "fsst");
  e.mutable_dictionary();
  EXPECT_STREQ(CompressiveEncodingName(e), "dictionary");
  EXPECT_STREQ(CompressiveEncodingName(RleEnc(8)), "rle");
  e.mutable_byte_stream_split();
  EXPECT_STREQ(CompressiveEncodingName(e), "byte_stream_split");
  EXPECT_STREQ(CompressiveEncodingName(General(pb::COMPRESSION_ALGORITHM_LZ4, Flat(8))), "general");
  EXPECT_STREQ(CompressiveEncodingName(Fsl(2, false, Flat(8))), "fixed_size_list");
  e.mutable_packed_struct();
  EXPECT_STREQ(CompressiveEncodingName(e), "packed_struct");
  e.mutable_variable_packed_struct();
  EXPECT_STREQ(CompressiveEncodingName(e), "variable_packed_struct");
}

// Random bytes through every decoder: any status is fine, crashing is not (run under ASan/UBSan).
TEST(DataBlockTest, GarbageNeverCrashes) {
  LT_ASSERT_OK_AND_ASSIGN(FsstSymbolTable t, FsstSymbolTable::FromSymbols({"ab", "cde"}));
  Enc inline64;
  inline64.mutable_inline_bitpacking()->set_uncompressed_bits_per_value(64);
  Enc ool;
  ool.mutable_out_of_line_bitpacking()->set_uncompressed_bits_per_value(32);
  *ool.mutable_out_of_line_bitpacking()->mutable_values() = Flat(5);
  Enc bss;
  *bss.mutable_byte_stream_split()->mutable_values() = Flat(64);
  Enc packed;
  packed.mutable_packed_struct()->add_bits_per_value(8);
  packed.mutable_packed_struct()->add_bits_per_value(24);
  *packed.mutable_packed_struct()->mutable_values() = Flat(32);
  Enc vps;
  auto* f = vps.mutable_variable_packed_struct()->add_fields();
  *f->mutable_value() = Variable(64);
  f->set_bits_per_length(64);
  const std::vector<Enc> encs = {Flat(32),
                                 Flat(1),
                                 Variable(32),
                                 Variable(64),
                                 inline64,
                                 ool,
                                 RleEnc(16),
                                 bss,
                                 FsstEnc(t.Serialize(), Variable(32)),
                                 General(pb::COMPRESSION_ALGORITHM_ZSTD, Flat(32)),
                                 General(pb::COMPRESSION_ALGORITHM_LZ4, Variable(32)),
                                 Fsl(3, true, Flat(16)),
                                 Fsl(7, true, Flat(8)),
                                 packed,
                                 vps};
  std::mt19937_64 rng(99);
  for (int iter = 0; iter < 400; ++iter) {
    std::vector<uint8_t> bytes(rng() % 300);
    for (auto& c : bytes) c = static_cast<uint8_t>(rng() % 4 == 0 ? 0 : rng());
    const Buffer b = Buf(bytes);
    const uint64_t n = rng() % 2000;
    for (const Enc& e : encs) {
      (void)DecompressMiniBlockChunk(e, {b}, n);
      (void)DecompressMiniBlockChunk(e, {b, b}, n);
      (void)DecompressBlock(e, b, n);
      (void)DecompressFixedPerValue(e, b, n);
      DataBlock v;
      v.kind = DataBlock::Kind::kVariableWidth;
      v.offset_bits = rng() % 2 ? 32 : 64;
      v.num_values = n % 20;
      v.offsets = b;
      v.data = b;
      (void)DecompressVariablePerValue(e, v);
    }
  }
}

// Structural invariants every successfully decoded block must satisfy.
void ExpectConsistent(const DataBlock& b) {
  switch (b.kind) {
    case DataBlock::Kind::kFixedWidth:
      EXPECT_GE(static_cast<uint64_t>(b.data.size()) * 8, b.num_values * b.bits_per_value);
      break;
    case DataBlock::Kind::kVariableWidth: {
      ASSERT_TRUE(b.offset_bits == 32 || b.offset_bits == 64);
      ASSERT_GE(static_cast<uint64_t>(b.offsets.size()), (b.num_values + 1) * (b.offset_bits / 8));
      EXPECT_EQ(b.OffsetAt(0), 0u);
      for (uint64_t i = 0; i < b.num_values; ++i) ASSERT_LE(b.OffsetAt(i), b.OffsetAt(i + 1));
      EXPECT_LE(b.OffsetAt(b.num_values), static_cast<uint64_t>(b.data.size()));
      break;
    }
    case DataBlock::Kind::kStruct:
      for (const DataBlock& c : b.children) {
        EXPECT_EQ(c.num_values, b.num_values);
        ExpectConsistent(c);
      }
      break;
    case DataBlock::Kind::kConstant:
      break;
  }
}

// Valid inputs with random byte flips and truncations: decoding may fail but must not crash,
// and whatever it returns must be self-consistent.
TEST(DataBlockTest, MutatedInputsStayConsistent) {
  struct Case {
    Enc enc;
    std::vector<Buffer> buffers;
    uint64_t n;
    int context;  // 0 mini-block, 1 block, 2 fixed per-value, 3 variable per-value (buffers[0]
                  // = offsets u32, buffers[1] = data)
  };
  std::vector<Case> cases;
  std::vector<std::string> words;
  for (int i = 0; i < 40; ++i) words.push_back("word-" + std::to_string(i * i));
  cases.push_back({Variable(32), {VariableChunk<uint32_t>(words)}, 40, 0});
  cases.push_back({Variable(64), {VariableChunk<uint64_t>(words)}, 40, 0});
  cases.push_back({Variable(32), {VariableBlockBytes<uint32_t>(words)}, 40, 1});
  std::vector<uint32_t> ints(1000);
  for (size_t i = 0; i < ints.size(); ++i) ints[i] = static_cast<uint32_t>(i % 77);
  {
    Enc e;
    e.mutable_inline_bitpacking()->set_uncompressed_bits_per_value(32);
    auto chunk = InlineBitpackEncodeChunk(reinterpret_cast<uint8_t*>(ints.data()), 1000, 32);
    ASSERT_TRUE(chunk.ok());
    cases.push_back({e, {*chunk}, 1000, 0});
  }
  {
    Enc e;
    e.mutable_out_of_line_bitpacking()->set_uncompressed_bits_per_value(32);
    *e.mutable_out_of_line_bitpacking()->mutable_values() = Flat(7);
    auto buf = OutOfLineBitpackEncode(reinterpret_cast<uint8_t*>(ints.data()), 1000, 32, 7);
    ASSERT_TRUE(buf.ok());
    cases.push_back({e, {*buf}, 1000, 1});
  }
  {
    auto rle = RleEncode(reinterpret_cast<uint8_t*>(ints.data()), 1000, 32);
    ASSERT_TRUE(rle.ok());
    cases.push_back({RleEnc(32), {rle->values, rle->run_lengths}, 1000, 0});
    auto block = RleEncodeBlock(reinterpret_cast<uint8_t*>(ints.data()), 1000, 32);
    ASSERT_TRUE(block.ok());
    cases.push_back({RleEnc(32), {*block}, 1000, 1});
  }
  {
    auto z = GeneralCompress(GeneralScheme::kZstd, std::nullopt,
                             reinterpret_cast<uint8_t*>(ints.data()), 4000);
    ASSERT_TRUE(z.ok());
    cases.push_back({General(pb::COMPRESSION_ALGORITHM_ZSTD, Flat(32)), {*z}, 1000, 0});
    auto l = GeneralCompress(GeneralScheme::kLz4, std::nullopt,
                             reinterpret_cast<uint8_t*>(ints.data()), 4000);
    ASSERT_TRUE(l.ok());
    cases.push_back({General(pb::COMPRESSION_ALGORITHM_LZ4, Flat(32)), {*l}, 1000, 1});
  }
  {
    std::string data;
    std::vector<uint32_t> offs{0};
    for (int i = 0; i < 2000; ++i) {
      data += "https://host/path/" + std::to_string(i % 300);
      offs.push_back(static_cast<uint32_t>(data.size()));
    }
    auto c = FsstCompress(reinterpret_cast<const uint8_t*>(data.data()), data.size(),
                          reinterpret_cast<const uint8_t*>(offs.data()), 32, 2000);
    ASSERT_TRUE(c.ok());
    std::vector<std::string> comp;
    for (int i = 0; i < 50; ++i) {
      const uint32_t s = c->offsets.data_as<uint32_t>()[i],
                     e = c->offsets.data_as<uint32_t>()[i + 1];
      comp.emplace_back(c->data.view().substr(s, e - s));
    }
    cases.push_back(
        {FsstEnc(c->symbol_table, Variable(32)), {VariableChunk<uint32_t>(comp)}, 50, 0});
    cases.push_back(
        {FsstEnc(c->symbol_table, Variable(32)), {c->offsets.Slice(0, 51 * 4), c->data}, 50, 3});
  }
  {
    std::vector<uint8_t> payload(7 * 10, 0x35);
    cases.push_back({Fsl(3, true, Flat(16)), {Buf(payload)}, 10, 2});
    std::vector<uint8_t> validity = {0xFF, 0x0F, 0x33, 0x44};
    cases.push_back({Fsl(3, true, Flat(16)), {Buf(validity), Buf(payload)}, 10, 0});
  }
  std::mt19937_64 rng(2024);
  for (const Case& c : cases) {
    for (int iter = 0; iter < 300; ++iter) {
      std::vector<Buffer> bufs;
      for (const Buffer& b : c.buffers) {
        std::string bytes(b.view());
        const int mode = static_cast<int>(rng() % 3);
        if (mode == 0 && !bytes.empty()) {
          for (int k = 0; k < 3; ++k) bytes[rng() % bytes.size()] = static_cast<char>(rng());
        } else if (mode == 1 && !bytes.empty()) {
          bytes.resize(rng() % bytes.size());
        }
        bufs.push_back(Buf(bytes));
      }
      Result<DataBlock> r = Status::Internal("unset");
      switch (c.context) {
        case 0:
          r = DecompressMiniBlockChunk(c.enc, bufs, c.n);
          break;
        case 1:
          r = DecompressBlock(c.enc, bufs[0], c.n);
          break;
        case 2:
          r = DecompressFixedPerValue(c.enc, bufs[0], c.n);
          break;
        default: {
          DataBlock v;
          v.kind = DataBlock::Kind::kVariableWidth;
          v.offset_bits = 32;
          v.num_values = c.n;
          v.offsets = bufs[0];
          v.data = bufs[1];
          r = DecompressVariablePerValue(c.enc, v);
        }
      }
      if (r.ok()) {
        ExpectConsistent(*r);
      } else {
        EXPECT_TRUE(r.status().IsCorruption() || r.status().IsNotSupported())
            << r.status().ToString();
      }
    }
  }
}

}  // namespace
}  // namespace lancet::encoding
