// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The lancet authors
#include "lancet/core/json_rows.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <limits>
#include <sstream>
#include <string>
#include <vector>

#include "lancet/core/float16.h"

namespace lancet {
namespace {

template <typename T>
T Unwrap(Result<T> r) {
  EXPECT_TRUE(r.ok()) << r.status().ToString();
  if (!r.ok()) std::abort();
  return std::move(r).ValueOrDie();
}

Schema ParseSchema(const std::string& json) { return Unwrap(SchemaFromJson(json)); }

RecordBatch Read(const Schema& schema, const std::string& text) {
  std::istringstream in(text);
  return Unwrap(ReadJsonRows(schema, in));
}

Status ReadError(const Schema& schema, const std::string& text) {
  std::istringstream in(text);
  auto r = ReadJsonRows(schema, in);
  EXPECT_FALSE(r.ok()) << "expected an error reading: " << text;
  return r.ok() ? Status::OK() : r.status();
}

std::string Write(const RecordBatch& batch) {
  std::ostringstream out;
  Status st = WriteJsonRows(batch, out);
  EXPECT_TRUE(st.ok()) << st.ToString();
  return out.str();
}

void ExpectBatchesEqual(const RecordBatch& a, const RecordBatch& b) {
  std::string diff;
  EXPECT_TRUE(RecordBatchEquals(a, b, &diff)) << diff;
}

// Every type in one schema.
const char kAllTypesSchema[] = R"([
  {"name": "b", "type": "bool"},
  {"name": "i8", "type": "int8"},
  {"name": "i16", "type": "int16"},
  {"name": "i32", "type": "int32"},
  {"name": "i64", "type": "int64", "nullable": false},
  {"name": "u8", "type": "uint8"},
  {"name": "u16", "type": "uint16"},
  {"name": "u32", "type": "uint32"},
  {"name": "u64", "type": "uint64"},
  {"name": "f16", "type": "halffloat"},
  {"name": "f32", "type": "float"},
  {"name": "f64", "type": "double"},
  {"name": "s", "type": "string"},
  {"name": "ls", "type": "large_string"},
  {"name": "bin", "type": "binary"},
  {"name": "lbin", "type": "large_binary"},
  {"name": "fsb", "type": "fixed_size_binary:3"},
  {"name": "d32", "type": "date32:day"},
  {"name": "d64", "type": "date64:ms"},
  {"name": "t32", "type": "time32:ms"},
  {"name": "t64", "type": "time64:ns"},
  {"name": "ts", "type": "timestamp:us:UTC"},
  {"name": "dur", "type": "duration:s"},
  {"name": "vec", "type": "fixed_size_list:float:4"},
  {"name": "code", "type": "fixed_size_list:uint8:2"},
  {"name": "tags", "type": "list", "children": [{"name": "item", "type": "string"}]},
  {"name": "big", "type": "large_list", "children": [{"name": "item", "type": "int64"}]},
  {"name": "st", "type": "struct", "children": [
    {"name": "x", "type": "int32", "nullable": false},
    {"name": "ys", "type": "list", "children": [{"name": "item", "type": "double"}]}]},
  {"name": "ls_st", "type": "list.struct", "children": [
    {"name": "item", "type": "struct", "children": [
      {"name": "k", "type": "string"}, {"name": "v", "type": "fixed_size_list:halffloat:2"}]}]},
  {"name": "n", "type": "null"}
])";

// Canonical JSONL for kAllTypesSchema (as WriteJsonRows prints it).
const char kAllTypesRows[] =
    R"({"b":true,"i8":-128,"i16":32767,"i32":-2147483648,"i64":-9223372036854775808,"u8":255,"u16":65535,"u32":4294967295,"u64":18446744073709551615,"f16":0.0999755859375,"f32":0.10000000149011612,"f64":0.1,"s":"hé\"\\\n\t\u0001","ls":"","bin":"AAH/","lbin":"","fsb":"YWJj","d32":-1,"d64":1700000000000,"t32":86399999,"t64":1,"ts":1700000000000000,"dur":-5,"vec":[1,-0.0,"NaN","Infinity"],"code":[0,255],"tags":["a",null,""],"big":[9223372036854775807],"st":{"x":1,"ys":[1.5,"-Infinity"]},"ls_st":[{"k":"a","v":[1,65504]},null,{"k":null,"v":null}],"n":null}
{"b":null,"i8":null,"i16":null,"i32":null,"i64":9223372036854775807,"u8":null,"u16":null,"u32":null,"u64":null,"f16":null,"f32":null,"f64":null,"s":null,"ls":null,"bin":null,"lbin":null,"fsb":null,"d32":null,"d64":null,"t32":null,"t64":null,"ts":null,"dur":null,"vec":null,"code":null,"tags":null,"big":null,"st":null,"ls_st":null,"n":null}
{"b":false,"i8":0,"i16":0,"i32":0,"i64":0,"u8":0,"u16":0,"u32":0,"u64":0,"f16":-0.0,"f32":1.401298464324817e-45,"f64":1.7976931348623157e+308,"s":"日本","ls":"x","bin":"","lbin":"AA==","fsb":"AAAA","d32":0,"d64":0,"t32":0,"t64":0,"ts":0,"dur":0,"vec":[null,2.5,3,4],"code":[1,2],"tags":[],"big":[],"st":{"x":-1,"ys":null},"ls_st":[],"n":null}
)";

TEST(SchemaJsonTest, RoundTrip) {
  Schema schema = ParseSchema(kAllTypesSchema);
  ASSERT_EQ(schema.fields.size(), 30u);
  EXPECT_FALSE(schema.fields[4].nullable);
  EXPECT_EQ(schema.fields[23].type->ToString(), "fixed_size_list<float, 4>");
  EXPECT_EQ(schema.fields[27].type->ToString(), "struct<x: int32 not null, ys: list<double>>");
  EXPECT_EQ(schema.fields[28].type->ToLogicalType(), "list.struct");
  std::string json = SchemaToJson(schema);
  Schema again = ParseSchema(json);
  EXPECT_TRUE(schema.Equals(again)) << json;
  EXPECT_EQ(SchemaToJson(again), json);
  EXPECT_NE(json.find(R"({"name":"vec","type":"fixed_size_list:float:4","nullable":true})"),
            std::string::npos)
      << json;
}

TEST(SchemaJsonTest, MetadataAndIds) {
  Schema schema = ParseSchema(
      R"({"fields": [{"name": "a", "type": "int32", "id": 3, "metadata": {"k": "v"}}],
          "metadata": {"owner": "me"}})");
  EXPECT_EQ(schema.fields[0].id, 3);
  EXPECT_EQ(schema.fields[0].metadata.at("k"), "v");
  EXPECT_EQ(schema.metadata.at("owner"), "me");
  std::string json = SchemaToJson(schema);
  EXPECT_EQ(
      json,
      R"({"fields":[{"name":"a","type":"int32","nullable":true,"id":3,"metadata":{"k":"v"}}],)"
      R"("metadata":{"owner":"me"}})");
  EXPECT_TRUE(ParseSchema(json).Equals(schema, /*check_ids=*/true));
  EXPECT_EQ(SchemaToJson(Schema{}), "[]");
}

TEST(SchemaJsonTest, Errors) {
  struct Case {
    const char* json;
    const char* fragment;
  };
  const Case kCases[] = {
      {R"([{"name": "a", "type": "flaot"}])", R"(field "a": unknown Lance logical type "flaot")"},
      {R"([{"name": "a"}])", R"(field "a" has no "type")"},
      {R"([{"type": "int32"}])", R"(has no string "name")"},
      {R"([{"name": "a", "type": "int32", "nulable": false}])", R"(unknown key "nulable")"},
      {R"([{"name": "a", "type": "int32", "nullable": 1}])", R"("nullable" must be a bool)"},
      {R"([{"name": "l", "type": "list"}])", "needs exactly one child"},
      {R"([{"name": "l", "type": "list", "children": [{"name": "a", "type": "int8"},
           {"name": "b", "type": "int8"}]}])",
       "needs exactly one child"},
      {R"([{"name": "s", "type": "struct", "children": [{"name": "x", "type": "nope"}]}])",
       R"(field "s.x": unknown Lance logical type "nope")"},
      {R"([{"name": "a", "type": "int32"}, {"name": "a", "type": "int64"}])",
       R"(duplicate column "a")"},
      {R"([{"name": "a", "type": "int32", "metadata": {"k": 1}}])", "must be a string"},
      {R"({"name": "a"})", "unknown key"},
      {R"([{"name": "a", "type": "int32"})", "schema JSON"},
      {R"(5)", "must be a JSON array"},
      {R"([5])", "must be a JSON object"},
  };
  for (const Case& c : kCases) {
    auto r = SchemaFromJson(c.json);
    ASSERT_FALSE(r.ok()) << c.json;
    EXPECT_TRUE(r.status().IsInvalidArgument()) << r.status().ToString();
    EXPECT_NE(r.status().message().find(c.fragment), std::string::npos)
        << r.status().message() << "\n  wanted: " << c.fragment;
  }
}

TEST(JsonRowsTest, AllTypesRoundTripExactly) {
  Schema schema = ParseSchema(kAllTypesSchema);
  RecordBatch batch = Read(schema, kAllTypesRows);
  ASSERT_EQ(batch.num_rows, 3);
  Status st = ValidateRecordBatch(batch);
  ASSERT_TRUE(st.ok()) << st.ToString();
  // The canonical text is reproduced byte for byte.
  EXPECT_EQ(Write(batch), kAllTypesRows);
  // And reading it back gives equal arrays.
  ExpectBatchesEqual(Read(schema, Write(batch)), batch);

  // Spot checks of the in-memory values.
  const ArrayData& i64 = *batch.columns[4];
  EXPECT_EQ(i64.values_as<int64_t>()[0], std::numeric_limits<int64_t>::min());
  EXPECT_EQ(i64.values_as<int64_t>()[1], std::numeric_limits<int64_t>::max());
  EXPECT_EQ(batch.columns[8]->values_as<uint64_t>()[0], std::numeric_limits<uint64_t>::max());
  EXPECT_EQ(batch.columns[9]->values_as<uint16_t>()[0], DoubleToFloat16(0.1));
  EXPECT_EQ(batch.columns[9]->values_as<uint16_t>()[2], 0x8000);
  EXPECT_EQ(batch.columns[10]->values_as<float>()[0], 0.1f);
  EXPECT_EQ(batch.columns[10]->values_as<float>()[2], std::numeric_limits<float>::denorm_min());
  EXPECT_EQ(batch.columns[12]->GetView(0), "h\xc3\xa9\"\\\n\t\x01");
  EXPECT_EQ(batch.columns[14]->GetView(0), std::string("\x00\x01\xff", 3));
  const ArrayData& vec = *batch.columns[23]->children[0];
  EXPECT_TRUE(std::signbit(vec.values_as<float>()[1]));
  EXPECT_TRUE(std::isnan(vec.values_as<float>()[2]));
  EXPECT_TRUE(std::isinf(vec.values_as<float>()[3]));
  EXPECT_TRUE(vec.IsNull(8));
  EXPECT_EQ(batch.columns[29]->null_count, 3);
}

TEST(JsonRowsTest, AcceptedInputVariants) {
  Schema schema = ParseSchema(R"([{"name": "f", "type": "float"}, {"name": "d", "type": "double"},
    {"name": "h", "type": "halffloat"}, {"name": "s", "type": "struct",
     "children": [{"name": "a", "type": "int8"}, {"name": "b", "type": "int8"}]}])");
  // Integer literals for floats, missing keys, escapes, blank lines and CRLF.
  RecordBatch batch = Read(schema,
                           "{\"f\": 3, \"d\": -7, \"h\": 65519, \"s\": {\"b\": 2}}\r\n"
                           "\n"
                           "   \n"
                           "{\"d\": 18446744073709551615, \"f\": 1e39, \"h\": \"-Infinity\"}\n"
                           "{\"f\": \"NaN\", \"d\": 2.5e-320, \"h\": 1e-8, \"s\": {}}");
  ASSERT_EQ(batch.num_rows, 3);
  EXPECT_EQ(Write(batch),
            "{\"f\":3,\"d\":-7,\"h\":65504,\"s\":{\"a\":null,\"b\":2}}\n"
            "{\"f\":\"Infinity\",\"d\":18446744073709551616,\"h\":\"-Infinity\",\"s\":null}\n"
            "{\"f\":\"NaN\",\"d\":2.5e-320,\"h\":0,\"s\":{\"a\":null,\"b\":null}}\n");
}

TEST(JsonRowsTest, ErrorsNameLineAndColumn) {
  Schema schema = ParseSchema(R"([
    {"name": "id", "type": "int64", "nullable": false},
    {"name": "u", "type": "uint8"},
    {"name": "vec", "type": "fixed_size_list:float:4"},
    {"name": "bin", "type": "binary"},
    {"name": "fsb", "type": "fixed_size_binary:2"},
    {"name": "s", "type": "struct", "children": [
      {"name": "tags", "type": "list", "children": [{"name": "item", "type": "string"}]},
      {"name": "req", "type": "bool", "nullable": false}]},
    {"name": "f", "type": "double"},
    {"name": "n", "type": "null"}])");
  const std::string ok = R"({"id": 1})"
                         "\n";
  struct Case {
    std::string line;
    std::string message;
  };
  const std::vector<Case> kCases = {
      {R"({"id": 1, "vec": [1, 2, 3]})",
       R"(line 2, column "vec": expected an array of 4 numbers, got an array of 3)"},
      {R"({"id": 1, "vec": "x"})",
       R"(line 2, column "vec": expected an array of 4 numbers, got "x")"},
      {R"({"id": 1, "vec": [1, 2, "a", 4]})",
       R"(line 2, column "vec[2]": expected a number, "NaN", "Infinity" or "-Infinity", got "a")"},
      {R"({"id": null})", R"(line 2, column "id": null in a non-nullable field)"},
      {R"({"u": 1})", R"(line 2, column "id": null in a non-nullable field)"},
      {R"({"id": 9223372036854775808})",
       R"(line 2, column "id": value 9223372036854775808 out of range for int64)"},
      {R"({"id": 18446744073709551616})",
       R"(line 2, column "id": expected an integer, got 1.8446744073709552e+19)"},
      {R"({"id": 1, "u": 256})", R"(line 2, column "u": value 256 out of range for uint8)"},
      {R"({"id": 1, "u": -1})", R"(line 2, column "u": value -1 out of range for uint8)"},
      {R"({"id": 1.5})", R"(line 2, column "id": expected an integer, got 1.5)"},
      {R"({"id": "1"})", R"(line 2, column "id": expected an integer, got "1")"},
      {R"({"id": 1, "bin": "abc"})",
       R"(line 2, column "bin": invalid base64: length 3 is not a multiple of 4)"},
      {R"({"id": 1, "bin": 5})", R"(line 2, column "bin": expected a base64 string, got 5)"},
      {R"({"id": 1, "fsb": "AAAA"})",
       R"(line 2, column "fsb": expected 2 bytes for fixed_size_binary<2>, got 3)"},
      {R"({"id": 1, "s": {"tags": ["a", "b", 17], "req": true}})",
       R"(line 2, column "s.tags[2]": expected a string, got 17)"},
      {R"({"id": 1, "s": {"tags": []}})",
       R"(line 2, column "s.req": null in a non-nullable field)"},
      {R"({"id": 1, "s": {"req": true, "extra": 1}})",
       R"(line 2, column "s": unknown field "extra")"},
      {R"({"id": 1, "s": [1]})", R"(line 2, column "s": expected an object, got an array of 1)"},
      {R"({"id": 1, "s": {"req": 1}})", R"(line 2, column "s.req": expected true or false, got 1)"},
      {R"({"id": 1, "f": "nan"})",
       R"(line 2, column "f": expected a number, "NaN", "Infinity" or "-Infinity", got "nan")"},
      {R"({"id": 1, "f": true})",
       R"(line 2, column "f": expected a number, "NaN", "Infinity" or "-Infinity", got true)"},
      {R"({"id": 1, "n": 0})", R"(line 2, column "n": expected null, got 0)"},
      {R"({"id": 1, "zzz": 0})", R"(line 2: unknown column "zzz")"},
      {R"([1, 2])", R"(line 2: expected a JSON object per line, got an array of 2)"},
      {R"({"id": 1,)", "line 2: invalid JSON: [json.exception.parse_error.101]"},
  };
  for (const Case& c : kCases) {
    Status st = ReadError(schema, ok + c.line + "\n" + ok);
    EXPECT_TRUE(st.IsInvalidArgument()) << st.ToString();
    EXPECT_EQ(st.message().substr(0, c.message.size()), c.message) << "input: " << c.line;
  }
}

TEST(JsonRowsTest, StreamingReader) {
  Schema schema = ParseSchema(R"([{"name": "x", "type": "int32"}])");
  std::string text;
  for (int i = 0; i < 10; ++i) text += "{\"x\": " + std::to_string(i) + "}\n";
  std::istringstream in(text);
  auto reader = Unwrap(JsonRowReader::Make(schema, in));
  std::vector<int64_t> sizes;
  int32_t expect = 0;
  while (true) {
    auto batch = Unwrap(reader->Next(3));
    if (!batch) break;
    sizes.push_back(batch->num_rows);
    ASSERT_TRUE(ValidateRecordBatch(*batch).ok());
    for (int64_t i = 0; i < batch->num_rows; ++i) {
      EXPECT_EQ(batch->columns[0]->values_as<int32_t>()[i], expect++);
    }
  }
  EXPECT_EQ(sizes, (std::vector<int64_t>{3, 3, 3, 1}));
  EXPECT_EQ(reader->line_number(), 10);
  EXPECT_FALSE(Unwrap(reader->Next(3)).has_value());

  // ReadJsonRows with max_rows leaves the rest in the stream.
  std::istringstream in2(text);
  EXPECT_EQ(Unwrap(ReadJsonRows(schema, in2, 4)).num_rows, 4);
  EXPECT_EQ(Unwrap(ReadJsonRows(schema, in2)).num_rows, 6);
  RecordBatch empty = Unwrap(ReadJsonRows(schema, in2));
  EXPECT_EQ(empty.num_rows, 0);
  ASSERT_EQ(empty.columns.size(), 1u);
  EXPECT_EQ(empty.columns[0]->length, 0);

  // Errors stick.
  std::istringstream bad("{\"x\": 1}\n{\"x\": \"a\"}\n{\"x\": 3}\n");
  auto r2 = Unwrap(JsonRowReader::Make(schema, bad));
  EXPECT_FALSE(r2->Next(10).ok());
  EXPECT_FALSE(r2->Next(10).ok());
}

TEST(JsonRowsTest, AllNullAndEmpty) {
  Schema schema = ParseSchema(kAllTypesSchema);
  schema.fields[4].nullable = true;  // i64
  RecordBatch nulls = Read(schema, "{}\n{}\n");
  EXPECT_EQ(nulls.num_rows, 2);
  for (const ArrayPtr& c : nulls.columns) EXPECT_EQ(c->null_count, 2);
  ExpectBatchesEqual(Read(schema, Write(nulls)), nulls);
  RecordBatch none = Read(schema, "");
  EXPECT_EQ(none.num_rows, 0);
  EXPECT_EQ(none.columns.size(), schema.fields.size());
  EXPECT_EQ(Write(none), "");
}

TEST(JsonRowsTest, WriteRangesAndErrors) {
  Schema schema =
      ParseSchema(R"([{"name": "s", "type": "string"}, {"name": "b", "type": "binary"}])");
  RecordBatch batch =
      Read(schema, "{\"s\": \"a\"}\n{\"s\": \"b\"}\n{\"s\": \"c\", \"b\": \"/w==\"}\n");
  std::ostringstream out;
  ASSERT_TRUE(WriteJsonRows(batch, 1, 2, out).ok());
  EXPECT_EQ(out.str(), "{\"s\":\"b\",\"b\":null}\n{\"s\":\"c\",\"b\":\"/w==\"}\n");
  EXPECT_TRUE(WriteJsonRows(batch, 2, 2, out).IsInvalidArgument());
  EXPECT_TRUE(WriteJsonRows(batch, -1, 1, out).IsInvalidArgument());

  // Invalid UTF-8 in a string column cannot be written as JSON (binary columns are fine).
  for (const std::string bad : {"\xff", "\xc3", "\xc0\x80", "\xed\xa0\x80", "\xf4\x90\x80\x80"}) {
    ArrayBuilder sb(utf8());
    ASSERT_TRUE(sb.AppendBytes(bad).ok());
    ArrayBuilder bb(binary());
    ASSERT_TRUE(bb.AppendBytes(bad).ok());
    RecordBatch b2{schema, {Unwrap(sb.Finish()), Unwrap(bb.Finish())}, 1};
    std::ostringstream o2;
    Status st = WriteJsonRows(b2, o2);
    EXPECT_TRUE(st.IsInvalidArgument()) << st.ToString();
    EXPECT_NE(st.message().find("row 0, column \"s\": invalid UTF-8"), std::string::npos)
        << st.message();
  }
  // Valid multi-byte sequences pass through unescaped.
  ArrayBuilder sb(utf8());
  ASSERT_TRUE(sb.AppendBytes("\xf0\x9f\x98\x80 \xe2\x82\xac \x7f").ok());
  RecordBatch b3{Schema{{Field("s", utf8())}, {}}, {Unwrap(sb.Finish())}, 1};
  EXPECT_EQ(Write(b3), "{\"s\":\"\xf0\x9f\x98\x80 \xe2\x82\xac \x7f\"}\n");

  // A batch that does not match its schema is rejected before writing.
  RecordBatch mismatch{Schema{{Field("s", int32())}, {}}, {batch.columns[0]}, 3};
  std::ostringstream o3;
  EXPECT_TRUE(WriteJsonRows(mismatch, o3).IsCorruption());
  EXPECT_EQ(o3.str(), "");
}

TEST(JsonRowsTest, FloatFormatting) {
  Schema schema =
      ParseSchema(R"([{"name": "h", "type": "halffloat"}, {"name": "f", "type": "float"},
    {"name": "d", "type": "double"}])");
  ArrayBuilder h(float16()), f(float32()), d(float64());
  const double kValues[] = {0.0,
                            -0.0,
                            1.0,
                            -2.5,
                            1e-7,
                            123456789.0,
                            65504.0,
                            1e300,
                            std::numeric_limits<double>::quiet_NaN(),
                            -std::numeric_limits<double>::infinity()};
  for (double v : kValues) {
    ASSERT_TRUE(h.AppendDouble(v).ok());
    ASSERT_TRUE(f.AppendDouble(v).ok());
    ASSERT_TRUE(d.AppendDouble(v).ok());
  }
  RecordBatch batch{schema, {Unwrap(h.Finish()), Unwrap(f.Finish()), Unwrap(d.Finish())}, 10};
  const std::string text = Write(batch);
  EXPECT_EQ(text,
            "{\"h\":0,\"f\":0,\"d\":0}\n"
            "{\"h\":-0.0,\"f\":-0.0,\"d\":-0.0}\n"
            "{\"h\":1,\"f\":1,\"d\":1}\n"
            "{\"h\":-2.5,\"f\":-2.5,\"d\":-2.5}\n"
            "{\"h\":1.1920928955078125e-07,\"f\":1.0000000116860974e-07,\"d\":1e-07}\n"
            "{\"h\":\"Infinity\",\"f\":123456792,\"d\":123456789}\n"
            "{\"h\":65504,\"f\":65504,\"d\":65504}\n"
            "{\"h\":\"Infinity\",\"f\":\"Infinity\",\"d\":1e+300}\n"
            "{\"h\":\"NaN\",\"f\":\"NaN\",\"d\":\"NaN\"}\n"
            "{\"h\":\"-Infinity\",\"f\":\"-Infinity\",\"d\":\"-Infinity\"}\n");
  // Bit-exact round trip (NaN == NaN, -0.0 != 0.0 in ArrayEquals).
  ExpectBatchesEqual(Read(schema, text), batch);
}

}  // namespace
}  // namespace lancet
