// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The lancet authors
#include "lancet/encoding/general_compression.h"

#include <gtest/gtest.h>
#include <lz4.h>
#include <zstd.h>

#include <cstring>
#include <random>
#include <string>
#include <vector>

namespace lancet::encoding {
namespace {

std::string Compressible(size_t n) {
  std::string s;
  while (s.size() < n) s += "lance columnar format " + std::to_string(s.size() % 97) + "; ";
  s.resize(n);
  return s;
}

const uint8_t* U8(const std::string& s) { return reinterpret_cast<const uint8_t*>(s.data()); }

TEST(GeneralCompressionTest, ZstdFraming) {
  const std::string in = Compressible(100000);
  auto comp = GeneralCompress(GeneralScheme::kZstd, 3, U8(in), in.size());
  ASSERT_TRUE(comp.ok());
  uint64_t len;
  std::memcpy(&len, comp->data(), 8);
  EXPECT_EQ(len, in.size());
  uint32_t magic;
  std::memcpy(&magic, comp->data() + 8, 4);
  EXPECT_EQ(magic, 0xFD2FB528u);
  EXPECT_LT(comp->size(), 20000);
  auto out = GeneralDecompress(GeneralScheme::kZstd, comp->data(), comp->size());
  ASSERT_TRUE(out.ok()) << out.status().ToString();
  EXPECT_EQ(out->view(), in);
}

TEST(GeneralCompressionTest, ZstdBareFrameAndEmpty) {
  const std::string in = Compressible(5000);
  std::vector<uint8_t> frame(ZSTD_compressBound(in.size()));
  frame.resize(ZSTD_compress(frame.data(), frame.size(), in.data(), in.size(), 1));
  auto out = GeneralDecompress(GeneralScheme::kZstd, frame.data(), frame.size());
  ASSERT_TRUE(out.ok()) << out.status().ToString();
  EXPECT_EQ(out->view(), in);

  // Two concatenated bare frames decode to the concatenation.
  std::vector<uint8_t> two = frame;
  two.insert(two.end(), frame.begin(), frame.end());
  out = GeneralDecompress(GeneralScheme::kZstd, two.data(), two.size());
  ASSERT_TRUE(out.ok());
  EXPECT_EQ(out->view(), in + in);

  out = GeneralDecompress(GeneralScheme::kZstd, nullptr, 0);
  ASSERT_TRUE(out.ok());
  EXPECT_EQ(out->size(), 0);

  // Empty payload round trip.
  auto comp = GeneralCompress(GeneralScheme::kZstd, std::nullopt, nullptr, 0);
  ASSERT_TRUE(comp.ok());
  out = GeneralDecompress(GeneralScheme::kZstd, comp->data(), comp->size());
  ASSERT_TRUE(out.ok());
  EXPECT_EQ(out->size(), 0);
}

TEST(GeneralCompressionTest, Lz4Framing) {
  const std::string in = Compressible(70000);
  auto comp = GeneralCompress(GeneralScheme::kLz4, std::nullopt, U8(in), in.size());
  ASSERT_TRUE(comp.ok());
  uint32_t len;
  std::memcpy(&len, comp->data(), 4);
  EXPECT_EQ(len, in.size());
  // The rest is a plain LZ4 block.
  std::string raw(in.size(), '\0');
  ASSERT_EQ(LZ4_decompress_safe(reinterpret_cast<const char*>(comp->data() + 4), raw.data(),
                                static_cast<int>(comp->size() - 4), static_cast<int>(raw.size())),
            static_cast<int>(in.size()));
  EXPECT_EQ(raw, in);
  auto out = GeneralDecompress(GeneralScheme::kLz4, comp->data(), comp->size());
  ASSERT_TRUE(out.ok()) << out.status().ToString();
  EXPECT_EQ(out->view(), in);

  comp = GeneralCompress(GeneralScheme::kLz4, std::nullopt, nullptr, 0);
  ASSERT_TRUE(comp.ok());
  out = GeneralDecompress(GeneralScheme::kLz4, comp->data(), comp->size());
  ASSERT_TRUE(out.ok()) << out.status().ToString();
  EXPECT_EQ(out->size(), 0);
}

TEST(GeneralCompressionTest, CorruptInputs) {
  const std::string in = Compressible(20000);
  for (GeneralScheme scheme : {GeneralScheme::kZstd, GeneralScheme::kLz4}) {
    SCOPED_TRACE(GeneralSchemeName(scheme));
    auto comp = GeneralCompress(scheme, std::nullopt, U8(in), in.size());
    ASSERT_TRUE(comp.ok());
    std::vector<uint8_t> bytes(comp->data(), comp->data() + comp->size());
    // Truncations.
    for (size_t cut : {size_t{1}, size_t{3}, size_t{9}, bytes.size() / 2, bytes.size() - 1}) {
      auto out = GeneralDecompress(scheme, bytes.data(), cut);
      EXPECT_FALSE(out.ok()) << cut;
      if (!out.ok()) {
        EXPECT_TRUE(out.status().IsCorruption()) << out.status().ToString();
      }
    }
    // Wrong declared length (too small, too large, absurd).
    for (uint64_t lie : {uint64_t{10}, uint64_t{in.size() + 1}, uint64_t{1} << 31}) {
      std::vector<uint8_t> b = bytes;
      if (scheme == GeneralScheme::kZstd) {
        std::memcpy(b.data(), &lie, 8);
      } else {
        const uint32_t l32 = static_cast<uint32_t>(lie);
        std::memcpy(b.data(), &l32, 4);
      }
      auto out = GeneralDecompress(scheme, b.data(), b.size());
      EXPECT_TRUE(out.status().IsCorruption()) << lie;
    }
    // Garbage.
    std::mt19937_64 rng(5);
    for (int i = 0; i < 50; ++i) {
      std::vector<uint8_t> g(rng() % 200);
      for (auto& c : g) c = static_cast<uint8_t>(rng());
      auto out = GeneralDecompress(scheme, g.data(), g.size());
      (void)out;  // must not crash
    }
  }
  auto out = GeneralDecompress(GeneralScheme::kUnspecified, U8(in), in.size());
  EXPECT_TRUE(out.status().IsNotSupported());
}

TEST(GeneralCompressionTest, PerValueRoundTrip) {
  std::vector<std::string> values = {Compressible(1000), "", "x", Compressible(40000)};
  std::string data;
  std::vector<uint32_t> off32{0};
  std::vector<uint64_t> off64{0};
  for (const auto& v : values) {
    data += v;
    off32.push_back(static_cast<uint32_t>(data.size()));
    off64.push_back(data.size());
  }
  for (GeneralScheme scheme : {GeneralScheme::kZstd, GeneralScheme::kLz4}) {
    for (uint32_t bits : {32u, 64u}) {
      const uint8_t* offs = bits == 32 ? reinterpret_cast<const uint8_t*>(off32.data())
                                       : reinterpret_cast<const uint8_t*>(off64.data());
      Buffer cdata, coffs;
      ASSERT_TRUE(GeneralCompressPerValue(scheme, std::nullopt, U8(data), data.size(), offs, bits,
                                          values.size(), &cdata, &coffs)
                      .ok());
      Buffer ddata, doffs;
      ASSERT_TRUE(GeneralDecompressPerValue(scheme, cdata.data(), cdata.size(), coffs.data(), bits,
                                            values.size(), &ddata, &doffs)
                      .ok());
      EXPECT_EQ(ddata.view(), data);
      EXPECT_EQ(doffs.size(), static_cast<int64_t>((values.size() + 1) * bits / 8));
      // Each compressed value decodes on its own.
      const uint64_t s = bits == 32 ? coffs.data_as<uint32_t>()[3] : coffs.data_as<uint64_t>()[3];
      const uint64_t e = bits == 32 ? coffs.data_as<uint32_t>()[4] : coffs.data_as<uint64_t>()[4];
      auto one = GeneralDecompress(scheme, cdata.data() + s, e - s);
      ASSERT_TRUE(one.ok());
      EXPECT_EQ(one->view(), values[3]);
      // Bad offsets.
      std::vector<uint64_t> bad = {0, cdata.size() + 5ull};
      EXPECT_TRUE(GeneralDecompressPerValue(scheme, cdata.data(), cdata.size(),
                                            reinterpret_cast<const uint8_t*>(bad.data()), 64, 1,
                                            &ddata, &doffs)
                      .IsCorruption());
    }
  }
}

}  // namespace
}  // namespace lancet::encoding
