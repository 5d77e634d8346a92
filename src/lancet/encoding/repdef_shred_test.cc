// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The lancet authors
#include "lancet/encoding/repdef_shred.h"

#include <gtest/gtest.h>

#include <sstream>
#include <string>
#include <vector>

#include "lancet/core/json_rows.h"

namespace lancet::encoding {
namespace {

using L = RepDefLayer;

// One column built from a JSON schema (one field) and JSONL rows.
struct Column {
  Field field;
  ArrayPtr array;
};

Column MakeColumn(const std::string& schema_json, const std::vector<std::string>& rows) {
  Result<Schema> schema = SchemaFromJson(schema_json);
  EXPECT_TRUE(schema.ok()) << schema.status().ToString();
  std::string text;
  for (const std::string& r : rows) text += r + "\n";
  std::istringstream in(text);
  Result<RecordBatch> batch = ReadJsonRows(*schema, in);
  EXPECT_TRUE(batch.ok()) << batch.status().ToString();
  return Column{schema->fields[0], batch->columns[0]};
}

std::vector<ShreddedLeaf> Shred(const Column& c) {
  Result<std::vector<ShreddedLeaf>> r = ShredArray(c.field, c.array);
  EXPECT_TRUE(r.ok()) << r.status().ToString();
  return r.ok() ? *r : std::vector<ShreddedLeaf>{};
}

std::vector<uint8_t> Valid(const ShreddedLeaf& leaf) {
  if (!leaf.value_valid.empty()) return leaf.value_valid;
  return std::vector<uint8_t>(leaf.num_values, 1);
}

TEST(RepDefShredTest, LeafPathsFollowTwoOneColumnRules) {
  Column c = MakeColumn(
      R"([{"name":"s","type":"struct","children":[
            {"name":"a","type":"int32"},
            {"name":"l","type":"list","children":[{"name":"item","type":"struct","children":[
                {"name":"x","type":"string"},{"name":"y","type":"fixed_size_list:float:4"}]}]},
            {"name":"e","type":"struct","children":[]}]}])",
      {});
  std::vector<LeafPath> paths = LeafPaths(c.field);
  ASSERT_EQ(paths.size(), 4u);
  EXPECT_EQ(paths[0].leaf.name, "a");
  EXPECT_EQ(paths[1].leaf.name, "x");
  EXPECT_EQ(paths[1].num_lists, 1);
  EXPECT_EQ(paths[1].layers, (std::vector<PathLayer>{PathLayer::kStruct, PathLayer::kList,
                                                     PathLayer::kStruct, PathLayer::kLeaf}));
  EXPECT_EQ(paths[2].leaf.name, "y");
  EXPECT_EQ(paths[3].leaf.name, "e");  // empty struct: one leaf
}

TEST(RepDefShredTest, FlatNonNullHasNoLevels) {
  Column c = MakeColumn(R"([{"name":"v","type":"int64","nullable":false}])",
                        {R"({"v":1})", R"({"v":2})", R"({"v":3})"});
  auto leaves = Shred(c);
  ASSERT_EQ(leaves.size(), 1u);
  EXPECT_EQ(leaves[0].layers, std::vector<L>{L::kAllValidItem});
  EXPECT_FALSE(leaves[0].has_rep());
  EXPECT_FALSE(leaves[0].has_def());
  EXPECT_EQ(leaves[0].num_values, 3u);
  EXPECT_EQ(leaves[0].num_rows, 3u);
}

TEST(RepDefShredTest, NullableColumnWithoutNullsInThePageIsAllValid) {
  Column c = MakeColumn(R"([{"name":"v","type":"int64"}])", {R"({"v":1})", R"({"v":2})"});
  auto leaves = Shred(c);
  EXPECT_EQ(leaves[0].layers, std::vector<L>{L::kAllValidItem});
  EXPECT_FALSE(leaves[0].has_def());
}

TEST(RepDefShredTest, NullableItems) {
  Column c =
      MakeColumn(R"([{"name":"v","type":"int32"}])", {R"({"v":1})", R"({"v":null})", R"({"v":3})"});
  auto leaves = Shred(c);
  EXPECT_EQ(leaves[0].layers, std::vector<L>{L::kNullableItem});
  EXPECT_EQ(leaves[0].def, (std::vector<uint16_t>{0, 1, 0}));
  EXPECT_EQ(Valid(leaves[0]), (std::vector<uint8_t>{1, 0, 1}));
  EXPECT_EQ(leaves[0].num_null_values, 1u);
}

// The same rows LanceDB 0.39 wrote as rep 1,1,1,1,1,1,1,0,1,1,1 / def 3,0,2,3,3,0,0,1,2,3,0
// (survey of a real 2.1 file; see encoder_v21_test.cc for the bytes).
TEST(RepDefShredTest, NullableListOfNullableItemsMatchesLanceDb) {
  Column c = MakeColumn(
      R"([{"name":"l","type":"list","children":[{"name":"item","type":"int64"}]}])",
      {R"({"l":[]})", R"({"l":[1]})", R"({"l":null})", R"({"l":[]})", R"({"l":[]})", R"({"l":[5]})",
       R"({"l":[6,null]})", R"({"l":null})", R"({"l":[]})", R"({"l":[9]})"});
  auto leaves = Shred(c);
  ASSERT_EQ(leaves.size(), 1u);
  const ShreddedLeaf& p = leaves[0];
  EXPECT_EQ(p.layers, (std::vector<L>{L::kNullableItem, L::kNullAndEmptyList}));
  EXPECT_EQ(p.rep, (std::vector<uint16_t>{1, 1, 1, 1, 1, 1, 1, 0, 1, 1, 1}));
  EXPECT_EQ(p.def, (std::vector<uint16_t>{3, 0, 2, 3, 3, 0, 0, 1, 2, 3, 0}));
  EXPECT_EQ(p.num_values, 5u);
  EXPECT_EQ(p.max_visible_def, 1);
  EXPECT_EQ(p.max_def, 3);
  EXPECT_EQ(Valid(p), (std::vector<uint8_t>{1, 1, 1, 0, 1}));
}

TEST(RepDefShredTest, ListLayerKindsDependOnThePage) {
  Column c =
      MakeColumn(R"([{"name":"l","type":"list","children":[{"name":"item","type":"int64"}]}])",
                 {R"({"l":[1,2]})", R"({"l":[3]})", R"({"l":[]})", R"({"l":null})"});
  LeafStream s(LeafPaths(c.field)[0]);
  ASSERT_TRUE(s.Append(c.array).ok());
  EXPECT_EQ(s.num_rows(), 4u);
  auto p1 = s.TakePage(2);
  ASSERT_TRUE(p1.ok());
  EXPECT_EQ(p1->layers, (std::vector<L>{L::kAllValidItem, L::kAllValidList}));
  EXPECT_EQ(p1->rep, (std::vector<uint16_t>{1, 0, 1}));
  EXPECT_FALSE(p1->has_def());
  EXPECT_EQ(p1->num_values, 3u);
  auto p2 = s.TakePage(1);
  ASSERT_TRUE(p2.ok());
  EXPECT_EQ(p2->layers, (std::vector<L>{L::kAllValidItem, L::kEmptyableList}));
  EXPECT_EQ(p2->def, (std::vector<uint16_t>{1}));
  EXPECT_EQ(p2->num_values, 0u);
  auto p3 = s.TakePage(1);
  ASSERT_TRUE(p3.ok());
  EXPECT_EQ(p3->layers, (std::vector<L>{L::kAllValidItem, L::kNullableList}));
  EXPECT_EQ(p3->def, (std::vector<uint16_t>{1}));
  EXPECT_EQ(s.num_rows(), 0u);
}

TEST(RepDefShredTest, NestedLists) {
  // [[[0,1],[],[2]], [[3]], []] and [[4]]
  Column c = MakeColumn(
      R"([{"name":"l","type":"list","nullable":false,"children":[{"name":"item","type":"list",
          "nullable":false,"children":[{"name":"item","type":"int32","nullable":false}]}]}])",
      {R"({"l":[[0,1],[],[2]]})", R"({"l":[[3]]})", R"({"l":[]})", R"({"l":[[4]]})"});
  auto leaves = Shred(c);
  const ShreddedLeaf& p = leaves[0];
  EXPECT_EQ(p.layers, (std::vector<L>{L::kAllValidItem, L::kEmptyableList, L::kEmptyableList}));
  // Levels: 0 1 <> 2 | 3 | [] | 4
  EXPECT_EQ(p.rep, (std::vector<uint16_t>{2, 0, 1, 1, 2, 2, 2}));
  EXPECT_EQ(p.def, (std::vector<uint16_t>{0, 0, 1, 0, 0, 2, 0}));
  EXPECT_EQ(p.num_values, 5u);
  EXPECT_EQ(p.max_visible_def, 0);
}

TEST(RepDefShredTest, StructWithList) {
  // Like LanceDB's struct<l: list<int32>> column: layers ALL_VALID_ITEM, NULL_AND_EMPTY_LIST,
  // NULLABLE_ITEM.
  Column c = MakeColumn(
      R"([{"name":"s","type":"struct","children":[{"name":"l","type":"list","children":[
            {"name":"item","type":"int32"}]}]}])",
      {R"({"s":null})", R"({"s":{"l":null}})", R"({"s":{"l":[]}})", R"({"s":{"l":[7,8]}})"});
  auto leaves = Shred(c);
  const ShreddedLeaf& p = leaves[0];
  EXPECT_EQ(p.layers, (std::vector<L>{L::kAllValidItem, L::kNullAndEmptyList, L::kNullableItem}));
  EXPECT_EQ(p.rep, (std::vector<uint16_t>{1, 1, 1, 1, 0}));
  EXPECT_EQ(p.def, (std::vector<uint16_t>{3, 1, 2, 0, 0}));
  EXPECT_EQ(p.num_values, 2u);
}

TEST(RepDefShredTest, ListOfStructs) {
  Column c = MakeColumn(
      R"([{"name":"l","type":"list","children":[{"name":"item","type":"struct","children":[
            {"name":"x","type":"int32"},{"name":"y","type":"string"}]}]}])",
      {R"({"l":[{"x":1,"y":"a"},null,{"x":null,"y":"c"}]})", R"({"l":null})", R"({"l":[]})"});
  auto leaves = Shred(c);
  ASSERT_EQ(leaves.size(), 2u);
  for (const ShreddedLeaf& p : leaves) {
    // The struct's nulls are pushed into both children: NULLABLE_ITEM for the leaves.
    EXPECT_EQ(p.layers, (std::vector<L>{L::kNullableItem, L::kNullableItem, L::kNullAndEmptyList}));
    EXPECT_EQ(p.rep, (std::vector<uint16_t>{1, 0, 0, 1, 1}));
    EXPECT_EQ(p.num_values, 3u);  // the null struct keeps its slot
    EXPECT_EQ(p.max_visible_def, 2);
  }
  EXPECT_EQ(leaves[0].def, (std::vector<uint16_t>{0, 2, 1, 3, 4}));
  EXPECT_EQ(leaves[1].def, (std::vector<uint16_t>{0, 2, 0, 3, 4}));
  EXPECT_EQ(Valid(leaves[0]), (std::vector<uint8_t>{1, 0, 0}));
  EXPECT_EQ(Valid(leaves[1]), (std::vector<uint8_t>{1, 0, 1}));
}

TEST(RepDefShredTest, StructNullsArePushedToChildren) {
  Column c = MakeColumn(
      R"([{"name":"s","type":"struct","children":[{"name":"a","type":"int32"},
            {"name":"b","type":"int32","nullable":false}]}])",
      {R"({"s":{"a":1,"b":2}})", R"({"s":null})", R"({"s":{"a":null,"b":3}})"});
  auto leaves = Shred(c);
  ASSERT_EQ(leaves.size(), 2u);
  EXPECT_EQ(leaves[0].layers, (std::vector<L>{L::kNullableItem, L::kNullableItem}));
  EXPECT_EQ(leaves[0].def, (std::vector<uint16_t>{0, 2, 1}));
  // b has no nulls of its own but gets the struct's.
  EXPECT_EQ(leaves[1].layers, (std::vector<L>{L::kNullableItem, L::kNullableItem}));
  EXPECT_EQ(leaves[1].def, (std::vector<uint16_t>{0, 2, 0}));
  EXPECT_EQ(leaves[1].num_values, 3u);
  EXPECT_EQ(leaves[1].num_null_values, 1u);
}

TEST(RepDefShredTest, NonNullStructKeepsChildNullability) {
  Column c =
      MakeColumn(R"([{"name":"s","type":"struct","children":[{"name":"a","type":"int32"}]}])",
                 {R"({"s":{"a":1}})", R"({"s":{"a":null}})"});
  auto leaves = Shred(c);
  EXPECT_EQ(leaves[0].layers, (std::vector<L>{L::kNullableItem, L::kAllValidItem}));
  EXPECT_EQ(leaves[0].def, (std::vector<uint16_t>{0, 1}));
}

TEST(RepDefShredTest, RowsWithinCutsOnWholeRows) {
  Column c =
      MakeColumn(R"([{"name":"l","type":"list","children":[{"name":"item","type":"int64"}]}])",
                 {R"({"l":[1,2,3,4]})", R"({"l":[5]})", R"({"l":[6,7]})"});
  LeafStream s(LeafPaths(c.field)[0]);
  ASSERT_TRUE(s.Append(c.array).ok());
  EXPECT_EQ(s.RowsWithin(1), 1u);  // at least one row
  EXPECT_EQ(s.RowsWithin(1 << 20), 3u);
  const uint64_t first_row = s.RowsWithin(1);
  auto p = s.TakePage(first_row);
  ASSERT_TRUE(p.ok());
  EXPECT_EQ(p->num_values, 4u);
  EXPECT_EQ(p->rep, (std::vector<uint16_t>{1, 0, 0, 0}));
  ASSERT_TRUE(s.Append(c.array).ok());
  EXPECT_EQ(s.num_rows(), 5u);
  auto rest = s.TakePage(5);
  ASSERT_TRUE(rest.ok());
  EXPECT_EQ(rest->num_values, 3u + 7u);
  EXPECT_EQ(rest->values.size(), 2u);  // one run per appended array
}

}  // namespace
}  // namespace lancet::encoding
