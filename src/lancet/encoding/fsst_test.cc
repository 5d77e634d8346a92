// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The lancet authors
#include "lancet/encoding/fsst.h"

#include <gtest/gtest.h>

#include <cstring>
#include <random>
#include <string>
#include <vector>

namespace lancet::encoding {
namespace {

struct Strings {
  std::string data;
  std::vector<uint32_t> off32{0};
  std::vector<uint64_t> off64{0};
  void Add(const std::string& s) {
    data += s;
    off32.push_back(static_cast<uint32_t>(data.size()));
    off64.push_back(data.size());
  }
  uint64_t size() const { return off32.size() - 1; }
  const uint8_t* bytes() const { return reinterpret_cast<const uint8_t*>(data.data()); }
};

std::vector<std::string> Split(const Buffer& data, const Buffer& offsets, uint32_t bits,
                               uint64_t n) {
  std::vector<std::string> out;
  for (uint64_t i = 0; i < n; ++i) {
    uint64_t s, e;
    if (bits == 32) {
      s = offsets.data_as<uint32_t>()[i];
      e = offsets.data_as<uint32_t>()[i + 1];
    } else {
      s = offsets.data_as<uint64_t>()[i];
      e = offsets.data_as<uint64_t>()[i + 1];
    }
    out.emplace_back(reinterpret_cast<const char*>(data.data()) + s, e - s);
  }
  return out;
}

void RoundTrip(const Strings& in, uint32_t bits, size_t min_input, double* ratio = nullptr) {
  const uint8_t* offs = bits == 32 ? reinterpret_cast<const uint8_t*>(in.off32.data())
                                   : reinterpret_cast<const uint8_t*>(in.off64.data());
  auto comp = FsstCompress(in.bytes(), in.data.size(), offs, bits, in.size(), min_input);
  ASSERT_TRUE(comp.ok()) << comp.status().ToString();
  ASSERT_EQ(comp->symbol_table.size(), kFsstSymbolTableBytes);
  auto table = FsstSymbolTable::Deserialize(
      reinterpret_cast<const uint8_t*>(comp->symbol_table.data()), comp->symbol_table.size());
  ASSERT_TRUE(table.ok()) << table.status().ToString();
  Buffer data, offsets;
  ASSERT_TRUE(FsstDecompress(*table, comp->data.data(), comp->data.size(), comp->offsets.data(),
                             bits, in.size(), &data, &offsets)
                  .ok());
  std::vector<std::string> expected;
  for (uint64_t i = 0; i < in.size(); ++i) {
    expected.push_back(in.data.substr(in.off64[i], in.off64[i + 1] - in.off64[i]));
  }
  EXPECT_EQ(Split(data, offsets, bits, in.size()), expected);
  if (ratio) *ratio = static_cast<double>(comp->data.size()) / std::max<size_t>(1, in.data.size());
}

TEST(FsstTest, TableLayout) {
  auto t = FsstSymbolTable::FromSymbols({"abc", "de", "x", "12345678"});
  ASSERT_TRUE(t.ok());
  const std::string s = t->Serialize();
  ASSERT_EQ(s.size(), 2312u);
  uint64_t header;
  std::memcpy(&header, s.data(), 8);
  EXPECT_EQ(header >> 32, 0x46535354u);
  EXPECT_EQ((header >> 24) & 0xFF, 1u);  // encoder switch
  EXPECT_EQ(header & 0xFF, 4u);
  EXPECT_EQ(s.substr(8, 8), std::string("abc\0\0\0\0\0", 8));
  EXPECT_EQ(s.substr(16, 8), std::string("de\0\0\0\0\0\0", 8));
  EXPECT_EQ(s.substr(32, 8), "12345678");
  EXPECT_EQ(s[8 + 32 + 0], 3);
  EXPECT_EQ(s[8 + 32 + 1], 2);
  EXPECT_EQ(s[8 + 32 + 2], 1);
  EXPECT_EQ(s[8 + 32 + 3], 8);
  auto back = FsstSymbolTable::Deserialize(reinterpret_cast<const uint8_t*>(s.data()), s.size());
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(back->num_symbols(), 4);
  EXPECT_EQ(back->symbol(0), "abc");
  EXPECT_EQ(back->symbol(3), "12345678");
  EXPECT_TRUE(back->enabled());
}

TEST(FsstTest, HandDecode) {
  auto t = FsstSymbolTable::FromSymbols({"abc", "de"});
  ASSERT_TRUE(t.ok());
  const uint8_t codes[] = {0, 1, 255, 'x', 1, 0};
  std::vector<uint8_t> out(8 * sizeof(codes) + 8);
  auto n = t->DecompressValue(codes, sizeof(codes), out.data());
  ASSERT_TRUE(n.ok());
  EXPECT_EQ(std::string(reinterpret_cast<char*>(out.data()), *n), "abcdexdeabc");
  std::vector<uint8_t> enc;
  t->CompressValue(reinterpret_cast<const uint8_t*>("abcdexdeabc"), 11, &enc);
  EXPECT_EQ(enc, std::vector<uint8_t>(codes, codes + sizeof(codes)));
}

TEST(FsstTest, CorruptInputs) {
  auto t = FsstSymbolTable::FromSymbols({"abc", "de"});
  ASSERT_TRUE(t.ok());
  std::vector<uint8_t> out(64);
  const uint8_t bad_code[] = {0, 7};
  EXPECT_TRUE(t->DecompressValue(bad_code, 2, out.data()).status().IsCorruption());
  const uint8_t trailing_escape[] = {0, 255};
  EXPECT_TRUE(t->DecompressValue(trailing_escape, 2, out.data()).status().IsCorruption());

  std::string s = t->Serialize();
  EXPECT_TRUE(FsstSymbolTable::Deserialize(reinterpret_cast<const uint8_t*>(s.data()), 100)
                  .status()
                  .IsCorruption());
  std::string bad_magic = s;
  bad_magic[7] = 'X';
  EXPECT_TRUE(FsstSymbolTable::Deserialize(reinterpret_cast<const uint8_t*>(bad_magic.data()),
                                           bad_magic.size())
                  .status()
                  .IsCorruption());
  std::string bad_len = s;
  bad_len[8 + 16] = 9;
  EXPECT_TRUE(
      FsstSymbolTable::Deserialize(reinterpret_cast<const uint8_t*>(bad_len.data()), bad_len.size())
          .status()
          .IsCorruption());

  // Offsets out of range / decreasing.
  const uint8_t data[] = {0, 1};
  const uint32_t offs1[] = {0, 3};
  Buffer d, o;
  EXPECT_TRUE(FsstDecompress(*t, data, 2, reinterpret_cast<const uint8_t*>(offs1), 32, 1, &d, &o)
                  .IsCorruption());
  const uint32_t offs2[] = {0, 2, 1};
  EXPECT_TRUE(FsstDecompress(*t, data, 2, reinterpret_cast<const uint8_t*>(offs2), 32, 2, &d, &o)
                  .IsCorruption());
}

TEST(FsstTest, RepetitiveStringsCompress) {
  Strings in;
  std::mt19937_64 rng(1);
  const char* hosts[] = {"https://example.com/", "https://images.lancedb.org/", "s3://bucket/"};
  for (int i = 0; i < 4000; ++i) {
    in.Add(std::string(hosts[rng() % 3]) + "photos/2024/img_" + std::to_string(rng() % 100000) +
           ".jpg");
  }
  ASSERT_GT(in.data.size(), kFsstMinInputBytes);
  double ratio = 1;
  RoundTrip(in, 32, kFsstMinInputBytes, &ratio);
  EXPECT_LT(ratio, 0.6);
  RoundTrip(in, 64, kFsstMinInputBytes);
}

TEST(FsstTest, RandomStringsRoundTrip) {
  for (uint64_t seed = 0; seed < 5; ++seed) {
    std::mt19937_64 rng(seed);
    Strings in;
    for (int i = 0; i < 2000; ++i) {
      std::string s(rng() % 40, '\0');
      for (auto& c : s) c = static_cast<char>(seed % 2 ? rng() : 'a' + rng() % 4);
      in.Add(s);
    }
    RoundTrip(in, 32, 0);
    RoundTrip(in, 64, 0);
  }
}

TEST(FsstTest, EdgeCases) {
  Strings empty_values;
  for (int i = 0; i < 10; ++i) empty_values.Add("");
  RoundTrip(empty_values, 32, 0);
  Strings none;
  RoundTrip(none, 32, 0);
  Strings one_long;
  one_long.Add(std::string(100000, 'z') + "tail");
  RoundTrip(one_long, 64, 0);
}

TEST(FsstTest, SmallInputIsStoredUncompressed) {
  Strings in;
  for (int i = 0; i < 100; ++i) in.Add("value-" + std::to_string(i));
  auto comp = FsstCompress(in.bytes(), in.data.size(),
                           reinterpret_cast<const uint8_t*>(in.off32.data()), 32, in.size());
  ASSERT_TRUE(comp.ok());
  uint64_t header;
  std::memcpy(&header, comp->symbol_table.data(), 8);
  EXPECT_EQ((header >> 24) & 1, 0u);
  EXPECT_EQ(comp->data.view(), in.data);
  RoundTrip(in, 32, kFsstMinInputBytes);
}

TEST(FsstTest, SlicedInputOffsets) {
  // Input offsets need not start at 0.
  std::string data = "XXXXhello world hello";
  const uint32_t offs[] = {4, 9, 15, 21};
  auto comp = FsstCompress(reinterpret_cast<const uint8_t*>(data.data()), data.size(),
                           reinterpret_cast<const uint8_t*>(offs), 32, 3, 0);
  ASSERT_TRUE(comp.ok());
  EXPECT_EQ(comp->offsets.data_as<uint32_t>()[0], 0u);
  auto table = FsstSymbolTable::Deserialize(
      reinterpret_cast<const uint8_t*>(comp->symbol_table.data()), comp->symbol_table.size());
  ASSERT_TRUE(table.ok());
  Buffer d, o;
  ASSERT_TRUE(FsstDecompress(*table, comp->data.data(), comp->data.size(), comp->offsets.data(), 32,
                             3, &d, &o)
                  .ok());
  EXPECT_EQ(Split(d, o, 32, 3), (std::vector<std::string>{"hello", " world", " hello"}));
}

}  // namespace
}  // namespace lancet::encoding
