// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The lancet authors
#include "lancet/encoding/repdef_unravel.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace lancet::encoding {
namespace {

using L = RepDefLayer;

std::string Bits(const BitmapBuilder& b) {
  std::string s;
  for (uint64_t i = 0; i < b.length(); ++i) s += b.Get(i) ? '1' : '0';
  return s;
}

std::vector<UnraveledLayer> Unravel(const std::vector<L>& layers, const std::vector<uint16_t>& rep,
                                    const std::vector<uint16_t>& def, uint64_t n = 0) {
  Result<std::vector<UnraveledLayer>> r = UnravelRepDef(layers, rep, def, n);
  EXPECT_TRUE(r.ok()) << r.status().ToString();
  return r.ok() ? *r : std::vector<UnraveledLayer>{};
}

TEST(RepDefUnravelTest, LayerHelpers) {
  const std::vector<L> layers = {L::kNullableItem, L::kNullAndEmptyList, L::kNullableItem,
                                 L::kEmptyableList};
  EXPECT_EQ(MaxRep(layers), 2);
  EXPECT_EQ(MaxDef(layers), 5);
  EXPECT_EQ(MaxVisibleDef(layers), 1);
  EXPECT_EQ(MaxVisibleDef({L::kNullableItem, L::kNullableItem}), 2);
  EXPECT_TRUE(RepDefLayerFromProto(0).status().IsCorruption());
  EXPECT_TRUE(RepDefLayerFromProto(7).status().IsCorruption());
  EXPECT_EQ(*RepDefLayerFromProto(6), L::kNullAndEmptyList);
}

TEST(RepDefUnravelTest, NoLevels) {
  auto out = Unravel({L::kAllValidItem}, {}, {}, 5);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].length, 5u);
  EXPECT_EQ(out[0].validity.null_count(), 0u);
  EXPECT_TRUE(out[0].validity.Finish().empty());
}

TEST(RepDefUnravelTest, NullableItems) {
  auto out = Unravel({L::kNullableItem}, {}, {0, 1, 0, 1});
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(Bits(out[0].validity), "1010");
  EXPECT_EQ(out[0].validity.null_count(), 2u);
}

TEST(RepDefUnravelTest, NullableListOfNullableItems) {
  // [[1, null], null, [], [3]]
  auto out = Unravel({L::kNullableItem, L::kNullAndEmptyList}, {1, 0, 1, 1, 1}, {0, 1, 2, 3, 0});
  ASSERT_EQ(out.size(), 2u);
  EXPECT_EQ(out[0].length, 3u);
  EXPECT_EQ(Bits(out[0].validity), "101");
  EXPECT_TRUE(out[1].is_list);
  EXPECT_EQ(out[1].offsets, (std::vector<int64_t>{0, 2, 2, 2, 3}));
  EXPECT_EQ(Bits(out[1].validity), "1011");
}

TEST(RepDefUnravelTest, EmptyListsOnly) {
  // [[], [1, 2], []]
  auto out = Unravel({L::kAllValidItem, L::kEmptyableList}, {1, 1, 0, 1}, {1, 0, 0, 1});
  ASSERT_EQ(out.size(), 2u);
  EXPECT_EQ(out[0].length, 2u);
  EXPECT_EQ(out[1].offsets, (std::vector<int64_t>{0, 0, 2, 2}));
  EXPECT_EQ(out[1].validity.null_count(), 0u);
}

TEST(RepDefUnravelTest, AllValidListWithNullItems) {
  // [[null, 1], [2]]: a list starting with a null item must not be mistaken for a missing list.
  auto out = Unravel({L::kNullableItem, L::kAllValidList}, {1, 0, 1}, {1, 0, 0});
  ASSERT_EQ(out.size(), 2u);
  EXPECT_EQ(Bits(out[0].validity), "011");
  EXPECT_EQ(out[1].offsets, (std::vector<int64_t>{0, 2, 3}));
}

TEST(RepDefUnravelTest, ListWithoutDefLevels) {
  // [[1, 2, 3], [4], [5, 6]]
  auto out = Unravel({L::kAllValidItem, L::kAllValidList}, {1, 0, 0, 1, 1, 0}, {});
  ASSERT_EQ(out.size(), 2u);
  EXPECT_EQ(out[0].length, 6u);
  EXPECT_EQ(out[1].offsets, (std::vector<int64_t>{0, 3, 4, 6}));
}

TEST(RepDefUnravelTest, StructOfList) {
  // struct<l: list<int>>: {l:[1,2]}, null, {l:null}, {l:[]}
  auto out = Unravel({L::kAllValidItem, L::kNullAndEmptyList, L::kNullableItem}, {1, 0, 1, 1, 1},
                     {0, 0, 3, 1, 2});
  ASSERT_EQ(out.size(), 3u);
  EXPECT_EQ(out[0].length, 2u);
  EXPECT_EQ(out[1].offsets, (std::vector<int64_t>{0, 2, 2, 2, 2}));
  // The list slot under a null struct is null too.
  EXPECT_EQ(Bits(out[1].validity), "1001");
  EXPECT_EQ(out[2].length, 4u);
  EXPECT_EQ(Bits(out[2].validity), "1011");
}

TEST(RepDefUnravelTest, ListOfStruct) {
  // list<struct<a: int>>: [{a:1}, {a:null}, null], null, []
  auto out = Unravel({L::kNullableItem, L::kNullableItem, L::kNullAndEmptyList}, {1, 0, 0, 1, 1},
                     {0, 1, 2, 3, 4});
  ASSERT_EQ(out.size(), 3u);
  EXPECT_EQ(out[0].length, 3u);
  EXPECT_EQ(Bits(out[0].validity), "100");
  EXPECT_EQ(Bits(out[1].validity), "110");
  EXPECT_EQ(out[2].offsets, (std::vector<int64_t>{0, 3, 3, 3}));
  EXPECT_EQ(Bits(out[2].validity), "101");
}

TEST(RepDefUnravelTest, ListOfList) {
  // [[[1], []], null, [[2, 3]]]
  auto out = Unravel({L::kAllValidItem, L::kEmptyableList, L::kNullableList}, {2, 1, 2, 2, 0},
                     {0, 1, 2, 0, 0});
  ASSERT_EQ(out.size(), 3u);
  EXPECT_EQ(out[0].length, 3u);
  EXPECT_EQ(out[1].offsets, (std::vector<int64_t>{0, 1, 1, 3}));
  EXPECT_EQ(out[1].validity.null_count(), 0u);
  EXPECT_EQ(out[2].offsets, (std::vector<int64_t>{0, 2, 2, 3}));
  EXPECT_EQ(Bits(out[2].validity), "101");
}

TEST(RepDefUnravelTest, ListOfStructOfList) {
  // list<struct<l: list<int>>>: [{l:[1]}, null, {l:[]}], null
  // layers: item, inner list (empty = 1), struct (null = 2), outer list (null = 3)
  auto out = Unravel({L::kAllValidItem, L::kEmptyableList, L::kNullableItem, L::kNullableList},
                     {2, 1, 1, 2}, {0, 2, 1, 3});
  ASSERT_EQ(out.size(), 4u);
  EXPECT_EQ(out[0].length, 1u);
  EXPECT_EQ(out[1].offsets, (std::vector<int64_t>{0, 1, 1, 1}));
  EXPECT_EQ(Bits(out[1].validity), "101");
  EXPECT_EQ(Bits(out[2].validity), "101");
  EXPECT_EQ(out[3].offsets, (std::vector<int64_t>{0, 3, 3}));
  EXPECT_EQ(Bits(out[3].validity), "10");
}

TEST(RepDefUnravelTest, Errors) {
  // First level must start a row.
  EXPECT_TRUE(
      UnravelRepDef({L::kAllValidItem, L::kAllValidList}, {0, 1}, {}, 0).status().IsCorruption());
  // def beyond the layers.
  EXPECT_TRUE(UnravelRepDef({L::kNullableItem}, {}, {0, 2}, 0).status().IsCorruption());
  // rep beyond the layers.
  EXPECT_TRUE(
      UnravelRepDef({L::kAllValidItem, L::kAllValidList}, {1, 2}, {}, 0).status().IsCorruption());
  // rep and def of different lengths.
  EXPECT_TRUE(
      UnravelRepDef({L::kNullableItem, L::kNullableList}, {1, 0}, {0}, 0).status().IsCorruption());
  // A list layer needs rep levels.
  EXPECT_TRUE(
      UnravelRepDef({L::kAllValidItem, L::kAllValidList}, {}, {}, 3).status().IsCorruption());
  // Innermost layer cannot be a list; no layers at all is corrupt.
  EXPECT_TRUE(UnravelRepDef({L::kAllValidList}, {1}, {}, 0).status().IsCorruption());
  EXPECT_TRUE(UnravelRepDef({}, {}, {}, 3).status().IsCorruption());
  // A level continuing a null list.
  EXPECT_TRUE(UnravelRepDef({L::kAllValidItem, L::kNullableList}, {1, 0}, {1, 0}, 0)
                  .status()
                  .IsCorruption());
}

TEST(RepDefUnravelTest, AppendRebasesOffsets) {
  std::vector<UnraveledLayer> acc;
  ASSERT_TRUE(
      AppendUnraveled(&acc, Unravel({L::kNullableItem, L::kNullAndEmptyList}, {1, 0, 1}, {0, 1, 2}))
          .ok());
  ASSERT_TRUE(
      AppendUnraveled(&acc, Unravel({L::kNullableItem, L::kNullAndEmptyList}, {1, 1}, {3, 0}))
          .ok());
  ASSERT_EQ(acc.size(), 2u);
  EXPECT_EQ(acc[0].length, 3u);
  EXPECT_EQ(Bits(acc[0].validity), "101");
  EXPECT_EQ(acc[1].offsets, (std::vector<int64_t>{0, 2, 2, 2, 3}));
  EXPECT_EQ(Bits(acc[1].validity), "1011");
  // Mismatched kinds are rejected.
  std::vector<UnraveledLayer> other = Unravel({L::kNullableItem, L::kNullableItem}, {}, {0, 0});
  EXPECT_TRUE(AppendUnraveled(&acc, other).IsCorruption());
}

TEST(BitmapBuilderTest, AppendVariants) {
  BitmapBuilder b;
  b.AppendN(true, 3);
  b.AppendN(false, 13);
  b.Append(true);
  const uint8_t src[] = {0b10110010};
  b.AppendBits(src, 1, 5);  // 1,0,0,1,1
  EXPECT_EQ(Bits(b),
            "111"
            "0000000000000"
            "1"
            "10011");
  EXPECT_EQ(b.length(), 22u);
  EXPECT_EQ(b.null_count(), 15u);
  BitmapBuilder c;
  c.Append(false);
  c.AppendBitmap(b);
  EXPECT_EQ(c.length(), 23u);
  EXPECT_EQ(c.null_count(), 16u);
  for (uint64_t i = 0; i < b.length(); ++i) EXPECT_EQ(c.Get(i + 1), b.Get(i)) << i;
  Buffer f = c.Finish();
  ASSERT_EQ(f.size(), 3);
}

}  // namespace
}  // namespace lancet::encoding
