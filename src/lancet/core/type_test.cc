// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The lancet authors
#include "lancet/core/type.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace lancet {
namespace {

DataTypePtr Parse(const std::string& s, std::vector<Field> children = {}) {
  auto r = ParseLogicalType(s, std::move(children));
  EXPECT_TRUE(r.ok()) << s << ": " << r.status().ToString();
  return r.ok() ? *r : nullptr;
}

TEST(TypeTest, LeafLogicalTypesRoundTrip) {
  const std::vector<std::string> kLeaves = {
      "null",
      "bool",
      "int8",
      "int16",
      "int32",
      "int64",
      "uint8",
      "uint16",
      "uint32",
      "uint64",
      "halffloat",
      "float",
      "double",
      "string",
      "large_string",
      "binary",
      "large_binary",
      "fixed_size_binary:16",
      "date32:day",
      "date64:ms",
      "time32:s",
      "time32:ms",
      "time64:us",
      "time64:ns",
      "timestamp:s:-",
      "timestamp:ms:America/New_York",
      "timestamp:us:-",
      "timestamp:ns:UTC",
      "duration:s",
      "duration:ms",
      "duration:us",
      "duration:ns",
      "fixed_size_list:float:512",
      "fixed_size_list:uint8:16",
      "fixed_size_list:halffloat:8",
      "fixed_size_list:double:4",
      "fixed_size_list:fixed_size_binary:4:2",
      "fixed_size_list:fixed_size_list:float:3:2",
      "fixed_size_list:timestamp:us:UTC:2",
  };
  for (const std::string& s : kLeaves) {
    DataTypePtr t = Parse(s);
    ASSERT_NE(t, nullptr) << s;
    EXPECT_EQ(t->ToLogicalType(), s);
    DataTypePtr again = Parse(t->ToLogicalType());
    ASSERT_NE(again, nullptr);
    EXPECT_TRUE(t->Equals(*again)) << s;
  }
}

TEST(TypeTest, ParsedDetails) {
  DataTypePtr ts = Parse("timestamp:ns:UTC");
  EXPECT_EQ(ts->id(), TypeId::kTimestamp);
  EXPECT_EQ(ts->unit(), TimeUnit::kNano);
  EXPECT_EQ(ts->timezone(), "UTC");
  EXPECT_EQ(Parse("timestamp:us:-")->timezone(), "");
  // A time zone with ':' survives.
  EXPECT_EQ(Parse("timestamp:s:+05:30")->timezone(), "+05:30");

  DataTypePtr fsl = Parse("fixed_size_list:float:512");
  EXPECT_EQ(fsl->id(), TypeId::kFixedSizeList);
  EXPECT_EQ(fsl->fixed_size(), 512);
  ASSERT_EQ(fsl->children().size(), 1u);
  EXPECT_EQ(fsl->children()[0].name, "item");
  EXPECT_TRUE(fsl->children()[0].nullable);
  EXPECT_EQ(fsl->value_type()->id(), TypeId::kFloat);
  EXPECT_EQ(fsl->bit_width(), 512 * 32);
  EXPECT_FALSE(fsl->is_fixed_width_primitive());

  DataTypePtr nested = Parse("fixed_size_list:fixed_size_binary:4:2");
  EXPECT_EQ(nested->fixed_size(), 2);
  EXPECT_EQ(nested->value_type()->id(), TypeId::kFixedSizeBinary);
  EXPECT_EQ(nested->value_type()->fixed_size(), 4);

  EXPECT_EQ(Parse("fixed_size_binary:16")->bit_width(), 128);
  EXPECT_TRUE(Parse("fixed_size_binary:16")->is_fixed_width_primitive());
}

TEST(TypeTest, NestedLogicalTypes) {
  DataTypePtr l = Parse("list", {Field("item", int64())});
  EXPECT_EQ(l->id(), TypeId::kList);
  EXPECT_EQ(l->ToLogicalType(), "list");
  EXPECT_EQ(l->ToString(), "list<int64>");

  DataTypePtr ll = Parse("large_list", {Field("item", utf8())});
  EXPECT_EQ(ll->id(), TypeId::kLargeList);
  EXPECT_EQ(ll->ToLogicalType(), "large_list");

  DataTypePtr st = Parse("struct", {Field("a", int32()), Field("b", utf8())});
  EXPECT_EQ(st->ToLogicalType(), "struct");
  EXPECT_EQ(st->ToString(), "struct<a: int32, b: string>");

  // Lists of structs are written "list.struct"; both spellings parse.
  DataTypePtr ls = Parse("list.struct", {Field("item", st)});
  EXPECT_EQ(ls->ToLogicalType(), "list.struct");
  EXPECT_TRUE(ls->Equals(*Parse("list", {Field("item", st)})));
  DataTypePtr lls = Parse("large_list.struct", {Field("item", st)});
  EXPECT_EQ(lls->ToLogicalType(), "large_list.struct");
  EXPECT_EQ(lls->id(), TypeId::kLargeList);

  EXPECT_EQ(fixed_size_list(float32(), 512)->ToString(), "fixed_size_list<float, 512>");
  EXPECT_EQ(timestamp(TimeUnit::kMicro, "UTC")->ToString(), "timestamp<us, UTC>");
  EXPECT_EQ(DataType::Struct({})->ToString(), "struct<>");
}

TEST(TypeTest, ParseErrors) {
  const std::vector<std::string> kBad = {
      "",
      "int",
      "flaot",
      "fixed_size_binary",
      "fixed_size_binary:0",
      "fixed_size_binary:-1",
      "fixed_size_binary:x",
      "fixed_size_list:float",
      "fixed_size_list:float:0",
      "fixed_size_list:flaot:4",
      "fixed_size_list::4",
      "timestamp:us",
      "timestamp:xs:-",
      "timestamp:us:",
      "time32:us",
      "time64:s",
      "date32:ms",
      "date64:day",
      "duration",
      "duration:m",
      "INT64",
      "int64 ",
      "fixed_size_list:struct:2",
      "fixed_size_list:float:99999999999",
  };
  for (const std::string& s : kBad) {
    auto r = ParseLogicalType(s);
    ASSERT_FALSE(r.ok()) << s;
    EXPECT_TRUE(r.status().IsInvalidArgument()) << s << ": " << r.status().ToString();
  }
  auto r = ParseLogicalType("flaot");
  EXPECT_NE(r.status().message().find("\"flaot\""), std::string::npos);

  // Known to Lance, not implemented by lancet.
  for (const char* s :
       {"decimal:128:10:2", "dict:string:int32:false", "fixed_size_list:lance.bfloat16:8"}) {
    auto nr = ParseLogicalType(s);
    ASSERT_FALSE(nr.ok()) << s;
    EXPECT_TRUE(nr.status().IsNotSupported()) << s << ": " << nr.status().ToString();
  }

  // Children checks.
  EXPECT_TRUE(ParseLogicalType("list").status().IsInvalidArgument());
  EXPECT_TRUE(ParseLogicalType("list", {Field("a", int32()), Field("b", int32())})
                  .status()
                  .IsInvalidArgument());
  EXPECT_TRUE(
      ParseLogicalType("list.struct", {Field("item", int32())}).status().IsInvalidArgument());
  EXPECT_TRUE(ParseLogicalType("int32", {Field("x", int32())}).status().IsInvalidArgument());
  EXPECT_TRUE(ParseLogicalType("struct", {Field("x", nullptr)}).status().IsInvalidArgument());
  EXPECT_TRUE(ParseLogicalType("struct").ok());  // empty struct
}

TEST(TypeTest, BitWidths) {
  EXPECT_EQ(boolean()->bit_width(), 1);
  EXPECT_EQ(int8()->bit_width(), 8);
  EXPECT_EQ(float16()->bit_width(), 16);
  EXPECT_EQ(date32()->bit_width(), 32);
  EXPECT_EQ(date64()->bit_width(), 64);
  EXPECT_EQ(timestamp(TimeUnit::kNano)->bit_width(), 64);
  EXPECT_EQ(DataType::Time(TypeId::kTime32, TimeUnit::kMilli)->bit_width(), 32);
  EXPECT_EQ(utf8()->bit_width(), 0);
  EXPECT_EQ(null_type()->bit_width(), 0);
  EXPECT_EQ(list(int32())->bit_width(), 0);
  EXPECT_EQ(fixed_size_list(utf8(), 3)->bit_width(), 0);
  EXPECT_TRUE(int64()->is_fixed_width_primitive());
  EXPECT_FALSE(utf8()->is_fixed_width_primitive());
  EXPECT_TRUE(large_binary()->is_binary_like());
  EXPECT_FALSE(fixed_size_binary(3)->is_binary_like());
  EXPECT_TRUE(list(int32())->is_list_like());
  EXPECT_FALSE(fixed_size_list(int32(), 2)->is_list_like());
  EXPECT_TRUE(fixed_size_list(int32(), 2)->is_nested());
}

TEST(TypeTest, PrimitiveFactory) {
  EXPECT_EQ(DataType::Primitive(TypeId::kInt32), int32());  // shared instance
  EXPECT_EQ(DataType::Primitive(TypeId::kTimestamp), nullptr);
  EXPECT_EQ(DataType::Primitive(TypeId::kStruct), nullptr);
  EXPECT_EQ(DataType::Primitive(TypeId::kFixedSizeBinary), nullptr);
  EXPECT_EQ(int32()->value_type(), nullptr);
}

TEST(TypeTest, Equality) {
  EXPECT_TRUE(list(int32())->Equals(*list(int32())));
  EXPECT_FALSE(list(int32())->Equals(*list(int64())));
  EXPECT_FALSE(list(int32())->Equals(*large_list(int32())));
  EXPECT_FALSE(timestamp(TimeUnit::kMicro)->Equals(*timestamp(TimeUnit::kMicro, "UTC")));
  EXPECT_FALSE(timestamp(TimeUnit::kMicro)->Equals(*timestamp(TimeUnit::kNano)));
  EXPECT_FALSE(fixed_size_list(float32(), 4)->Equals(*fixed_size_list(float32(), 8)));
  EXPECT_FALSE(fixed_size_binary(4)->Equals(*fixed_size_binary(5)));
  EXPECT_FALSE(
      DataType::FixedSizeList(float32(), 4, false)->Equals(*fixed_size_list(float32(), 4)));
  EXPECT_FALSE(struct_({Field("a", int32())})->Equals(*struct_({Field("b", int32())})));
  EXPECT_FALSE(struct_({Field("a", int32())})->Equals(*struct_({Field("a", int32(), false)})));

  // Ids and metadata: ignored by DataType::Equals, checked by Field::Equals.
  Field a("a", int32());
  Field b("a", int32());
  b.id = 7;
  EXPECT_TRUE(a.Equals(b));
  EXPECT_FALSE(a.Equals(b, /*check_ids=*/true));
  b.metadata["k"] = "v";
  EXPECT_FALSE(a.Equals(b));
  EXPECT_TRUE(struct_({a})->Equals(*struct_({b})));
  EXPECT_FALSE(Field("s", struct_({a})).Equals(Field("s", struct_({b}))));
}

TEST(TypeTest, Schema) {
  Schema s;
  s.fields = {Field("id", int64(), false), Field("vec", fixed_size_list(float32(), 4))};
  EXPECT_EQ(s.FieldIndex("vec"), 1);
  EXPECT_EQ(s.FieldIndex("nope"), -1);
  EXPECT_EQ(s.ToString(), "id: int64 not null\nvec: fixed_size_list<float, 4>");
  Schema t = s;
  EXPECT_TRUE(s.Equals(t));
  t.metadata["x"] = "y";
  EXPECT_FALSE(s.Equals(t));
}

}  // namespace
}  // namespace lancet
