// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The lancet authors
#include "lancet/encoding/fastlanes.h"

#include <gtest/gtest.h>

#include <cstring>
#include <random>
#include <vector>

namespace lancet::encoding {
namespace {

// An independent, bit-by-bit reference of the FastLanes layout: row r of lane l holds logical
// value FL_ORDER[r/8]*16 + (r%8)*128 + l at bit r*W of lane l's stream, which is made of the
// words packed[LANES*k + l], LSB first.
template <typename T>
std::vector<T> ReferencePack(uint32_t width, const std::vector<T>& values) {
  constexpr uint32_t kT = sizeof(T) * 8;
  constexpr uint32_t kLanes = 1024 / kT;
  static constexpr uint32_t kOrder[8] = {0, 4, 2, 6, 1, 5, 3, 7};
  std::vector<T> packed(1024 * width / kT, 0);
  for (uint32_t l = 0; l < kLanes; ++l) {
    for (uint32_t r = 0; r < kT; ++r) {
      const uint32_t idx = kOrder[r / 8] * 16 + (r % 8) * 128 + l;
      const uint64_t v = static_cast<uint64_t>(values[idx]);
      for (uint32_t b = 0; b < width; ++b) {
        if (((v >> b) & 1) == 0) continue;
        const uint64_t pos = uint64_t{r} * width + b;
        const uint64_t word = pos / kT;
        packed[kLanes * word + l] =
            static_cast<T>(packed[kLanes * word + l] | (T{1} << (pos % kT)));
      }
    }
  }
  return packed;
}

template <typename T>
std::vector<T> RandomValues(std::mt19937_64& rng, uint32_t width, size_t n = 1024) {
  std::vector<T> v(n);
  const uint64_t mask = width >= 64 ? ~uint64_t{0} : ((uint64_t{1} << width) - 1);
  for (auto& x : v) x = static_cast<T>(rng() & mask);
  return v;
}

template <typename T>
void CheckAllWidths() {
  constexpr uint32_t kT = sizeof(T) * 8;
  std::mt19937_64 rng(42 + kT);
  for (uint32_t w = 0; w <= kT; ++w) {
    SCOPED_TRACE("T=" + std::to_string(kT) + " W=" + std::to_string(w));
    const std::vector<T> values = RandomValues<T>(rng, w);
    const std::vector<T> expected = ReferencePack<T>(w, values);
    std::vector<T> packed(1024 * w / kT + 1, 0);
    FastLanesPackBlock<T>(w, values.data(), packed.data());
    packed.resize(expected.size());
    ASSERT_EQ(packed, expected);
    std::vector<T> unpacked(1024, 0x5A);
    FastLanesUnpackBlock<T>(w, packed.data(), unpacked.data());
    ASSERT_EQ(unpacked, values);

    // Bits above the width are dropped when packing.
    std::vector<T> noisy = values;
    if (w < kT) {
      for (auto& x : noisy) x = static_cast<T>(x | (T{1} << w));
    }
    std::vector<T> packed2(expected.size() + 1, 0);
    FastLanesPackBlock<T>(w, noisy.data(), packed2.data());
    packed2.resize(expected.size());
    ASSERT_EQ(packed2, expected);

    // Byte-level API from deliberately misaligned memory.
    std::vector<uint8_t> in_bytes(1024 * sizeof(T) + 1);
    std::memcpy(in_bytes.data() + 1, values.data(), 1024 * sizeof(T));
    auto res = FastLanesPack(in_bytes.data() + 1, kT, w);
    ASSERT_TRUE(res.ok()) << res.status().ToString();
    ASSERT_EQ(static_cast<size_t>(res->size()), FastLanesPackedBytes(w));
    if (w > 0) {
      ASSERT_EQ(std::memcmp(res->data(), expected.data(), FastLanesPackedBytes(w)), 0);
    }
    std::vector<uint8_t> packed_bytes(FastLanesPackedBytes(w) + 3);
    std::memcpy(packed_bytes.data() + 3, res->data(), FastLanesPackedBytes(w));
    std::vector<uint8_t> out(1024 * sizeof(T) + 1);
    ASSERT_TRUE(
        FastLanesUnpack(packed_bytes.data() + 3, FastLanesPackedBytes(w), kT, w, out.data() + 1)
            .ok());
    ASSERT_EQ(std::memcmp(out.data() + 1, values.data(), 1024 * sizeof(T)), 0);
  }
}

TEST(FastLanesTest, RoundTripAllWidthsU8) { CheckAllWidths<uint8_t>(); }
TEST(FastLanesTest, RoundTripAllWidthsU16) { CheckAllWidths<uint16_t>(); }
TEST(FastLanesTest, RoundTripAllWidthsU32) { CheckAllWidths<uint32_t>(); }
TEST(FastLanesTest, RoundTripAllWidthsU64) { CheckAllWidths<uint64_t>(); }

TEST(FastLanesTest, KnownLayoutU8Width1) {
  // With T=8, W=1 lane l, row r holds index r*128 + l and packed word l has bit r set for it.
  std::vector<uint8_t> values(1024, 0);
  values[3 * 128 + 5] = 1;  // lane 5, row 3
  std::vector<uint8_t> packed(128, 0);
  FastLanesPackBlock<uint8_t>(1, values.data(), packed.data());
  for (int i = 0; i < 128; ++i) EXPECT_EQ(packed[i], i == 5 ? 0x08 : 0) << i;
}

TEST(FastLanesTest, KnownLayoutU16RowOrder) {
  // T=16: rows 8..15 come from FL_ORDER[1] = 4, i.e. logical indices 64 + (r%8)*128 + l.
  std::vector<uint16_t> values(1024, 0);
  values[64 + 2 * 128 + 7] = 1;  // lane 7, row 10
  std::vector<uint16_t> packed(64, 0);
  FastLanesPackBlock<uint16_t>(1, values.data(), packed.data());
  for (int i = 0; i < 64; ++i) EXPECT_EQ(packed[i], i == 7 ? (1 << 10) : 0) << i;
}

TEST(FastLanesTest, ArgumentChecks) {
  std::vector<uint8_t> buf(8192);
  EXPECT_TRUE(FastLanesPack(buf.data(), 12, 3).status().IsInvalidArgument());
  EXPECT_TRUE(FastLanesPack(buf.data(), 8, 9).status().IsInvalidArgument());
  EXPECT_TRUE(FastLanesUnpack(buf.data(), 10, 32, 3, buf.data()).IsCorruption());
}

TEST(FastLanesTest, ComputeBitWidth) {
  std::vector<uint32_t> v = {0, 1, 5, 3};
  EXPECT_EQ(ComputeBitWidth(reinterpret_cast<uint8_t*>(v.data()), 4, 32), 3u);
  std::vector<uint64_t> z(10, 0);
  EXPECT_EQ(ComputeBitWidth(reinterpret_cast<uint8_t*>(z.data()), 10, 64), 0u);
  z[9] = ~uint64_t{0};
  EXPECT_EQ(ComputeBitWidth(reinterpret_cast<uint8_t*>(z.data()), 10, 64), 64u);
  std::vector<uint8_t> b = {0x80};
  EXPECT_EQ(ComputeBitWidth(b.data(), 1, 8), 8u);
}

template <typename T>
void CheckInline(size_t n, uint32_t width) {
  std::mt19937_64 rng(n * 131 + width);
  const std::vector<T> values = RandomValues<T>(rng, width, n);
  auto chunk =
      InlineBitpackEncodeChunk(reinterpret_cast<const uint8_t*>(values.data()), n, sizeof(T) * 8);
  ASSERT_TRUE(chunk.ok()) << chunk.status().ToString();
  const uint32_t w =
      ComputeBitWidth(reinterpret_cast<const uint8_t*>(values.data()), n, sizeof(T) * 8);
  ASSERT_EQ(static_cast<size_t>(chunk->size()), sizeof(T) + FastLanesPackedBytes(w));
  T header;
  std::memcpy(&header, chunk->data(), sizeof(T));
  EXPECT_EQ(header, w);
  auto decoded = InlineBitpackDecode(chunk->data(), chunk->size(), sizeof(T) * 8, n);
  ASSERT_TRUE(decoded.ok()) << decoded.status().ToString();
  ASSERT_EQ(static_cast<size_t>(decoded->size()), n * sizeof(T));
  EXPECT_EQ(std::memcmp(decoded->data(), values.data(), n * sizeof(T)), 0);
}

TEST(InlineBitpackingTest, ChunkRoundTrip) {
  for (size_t n : {1, 2, 100, 1023, 1024}) {
    for (uint32_t w : {0u, 1u, 3u, 7u, 8u}) CheckInline<uint8_t>(n, w);
    for (uint32_t w : {0u, 5u, 16u}) CheckInline<uint16_t>(n, w);
    for (uint32_t w : {0u, 1u, 17u, 32u}) CheckInline<uint32_t>(n, w);
    for (uint32_t w : {0u, 33u, 63u, 64u}) CheckInline<uint64_t>(n, w);
  }
}

TEST(InlineBitpackingTest, ZeroWidthChunkIsJustTheHeader) {
  std::vector<uint64_t> zeros(300, 0);
  auto chunk = InlineBitpackEncodeChunk(reinterpret_cast<const uint8_t*>(zeros.data()), 300, 64);
  ASSERT_TRUE(chunk.ok());
  EXPECT_EQ(chunk->size(), 8);
}

TEST(InlineBitpackingTest, BlockOfManyChunks) {
  std::mt19937_64 rng(7);
  std::vector<uint16_t> values(3000);
  for (size_t i = 0; i < values.size(); ++i)
    values[i] = static_cast<uint16_t>(rng() % (i < 1024 ? 4 : 1000));
  auto block =
      InlineBitpackEncodeBlock(reinterpret_cast<const uint8_t*>(values.data()), values.size(), 16);
  ASSERT_TRUE(block.ok());
  auto decoded = InlineBitpackDecode(block->data(), block->size(), 16, values.size());
  ASSERT_TRUE(decoded.ok()) << decoded.status().ToString();
  EXPECT_EQ(std::memcmp(decoded->data(), values.data(), values.size() * 2), 0);
}

TEST(InlineBitpackingTest, CorruptChunks) {
  std::vector<uint32_t> values(1024, 7);
  auto chunk = InlineBitpackEncodeChunk(reinterpret_cast<const uint8_t*>(values.data()), 1024, 32);
  ASSERT_TRUE(chunk.ok());
  // Truncated.
  for (size_t cut : {size_t{0}, size_t{3}, size_t{4}, static_cast<size_t>(chunk->size() - 1)}) {
    EXPECT_TRUE(InlineBitpackDecode(chunk->data(), cut, 32, 1024).status().IsCorruption()) << cut;
  }
  // Width larger than the word.
  std::vector<uint8_t> bad(chunk->data(), chunk->data() + chunk->size());
  bad[0] = 33;
  EXPECT_TRUE(InlineBitpackDecode(bad.data(), bad.size(), 32, 1024).status().IsCorruption());
  // More values than the chunks can hold.
  EXPECT_TRUE(InlineBitpackDecode(chunk->data(), chunk->size(), 32, 5000).status().IsCorruption());
}

TEST(OutOfLineBitpackingTest, RawTailLikeLance) {
  // Lance's test: 1025 u32 values at width 8 store one packed block and one raw tail word.
  std::vector<uint32_t> values(1025);
  for (size_t i = 0; i < values.size(); ++i) values[i] = static_cast<uint32_t>(i % 200);
  auto enc =
      OutOfLineBitpackEncode(reinterpret_cast<const uint8_t*>(values.data()), values.size(), 32, 8);
  ASSERT_TRUE(enc.ok());
  EXPECT_EQ(static_cast<size_t>(enc->size()), (1024 * 8 / 32 + 1) * 4);
  auto dec = OutOfLineBitpackDecode(enc->data(), enc->size(), 32, 8, values.size());
  ASSERT_TRUE(dec.ok()) << dec.status().ToString();
  EXPECT_EQ(std::memcmp(dec->data(), values.data(), values.size() * 4), 0);
}

TEST(OutOfLineBitpackingTest, PaddedTailAndNoTail) {
  std::mt19937_64 rng(3);
  for (size_t n : {size_t{0}, size_t{1000}, size_t{2048}, size_t{2047}, size_t{5000}}) {
    for (uint32_t w : {0u, 1u, 4u, 15u, 16u}) {
      std::vector<uint16_t> values = RandomValues<uint16_t>(rng, w, n);
      auto enc = OutOfLineBitpackEncode(reinterpret_cast<const uint8_t*>(values.data()), n, 16, w);
      ASSERT_TRUE(enc.ok());
      auto dec = OutOfLineBitpackDecode(enc->data(), enc->size(), 16, w, n);
      ASSERT_TRUE(dec.ok()) << dec.status().ToString() << " n=" << n << " w=" << w;
      ASSERT_EQ(static_cast<size_t>(dec->size()), n * 2);
      if (n > 0) {
        EXPECT_EQ(std::memcmp(dec->data(), values.data(), n * 2), 0) << n << " " << w;
      }
    }
  }
  // A mostly full tail is packed: 2047 values at width 4 -> two packed blocks.
  std::vector<uint16_t> v(2047, 3);
  auto enc = OutOfLineBitpackEncode(reinterpret_cast<const uint8_t*>(v.data()), v.size(), 16, 4);
  ASSERT_TRUE(enc.ok());
  EXPECT_EQ(static_cast<size_t>(enc->size()), 2 * FastLanesPackedBytes(4));
}

TEST(OutOfLineBitpackingTest, Corrupt) {
  std::vector<uint8_t> data(100);
  EXPECT_TRUE(OutOfLineBitpackDecode(data.data(), 7, 32, 4, 10).status().IsCorruption());
  EXPECT_TRUE(OutOfLineBitpackDecode(data.data(), 100, 32, 40, 10).status().IsCorruption());
  EXPECT_TRUE(OutOfLineBitpackDecode(data.data(), 100, 12, 4, 10).status().IsCorruption());
  EXPECT_TRUE(OutOfLineBitpackDecode(data.data(), 100, 32, 4, 4096).status().IsCorruption());
  // Zero-width blocks need no bytes, but the output size is still bounded.
  EXPECT_TRUE(
      OutOfLineBitpackDecode(data.data(), 0, 64, 0, uint64_t{1} << 40).status().IsCorruption());
  auto zeros = OutOfLineBitpackDecode(data.data(), 0, 64, 0, 2048);
  ASSERT_TRUE(zeros.ok());
  EXPECT_EQ(zeros->size(), 2048 * 8);
}

}  // namespace
}  // namespace lancet::encoding
