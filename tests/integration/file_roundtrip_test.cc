// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The lancet authors
//
// lancet writes files and tables at 2.0, 2.1 and 2.2 and reads them back exactly: whole files,
// row ranges, random takes, column subsets, through the library and through the CLI.
#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>
#include <random>

#include "lancet/core/json_rows.h"
#include "lancet/file/file_reader.h"
#include "lancet/file/file_writer.h"
#include "lancet/io/file_system.h"
#include "lancet/table/dataset.h"
#include "test_util.h"

namespace lancet {
namespace {

using encoding::FileVersion;
using testing::DiffBatches;

const char* kKitchenSink = R"([
  {"name": "b", "type": "bool"},
  {"name": "i8", "type": "int8"}, {"name": "i16", "type": "int16"},
  {"name": "i32", "type": "int32"}, {"name": "i64", "type": "int64", "nullable": false},
  {"name": "u8", "type": "uint8"}, {"name": "u16", "type": "uint16"},
  {"name": "u32", "type": "uint32"}, {"name": "u64", "type": "uint64"},
  {"name": "f16", "type": "halffloat"}, {"name": "f32", "type": "float"},
  {"name": "f64", "type": "double"},
  {"name": "s", "type": "string"}, {"name": "ls", "type": "large_string"},
  {"name": "bin", "type": "binary"}, {"name": "lbin", "type": "large_binary"},
  {"name": "fsb", "type": "fixed_size_binary:16"},
  {"name": "ts_s", "type": "timestamp:s:-"}, {"name": "ts_ms", "type": "timestamp:ms:UTC"},
  {"name": "ts_us", "type": "timestamp:us:America/New_York"}, {"name": "ts_ns", "type": "timestamp:ns:-"},
  {"name": "d32", "type": "date32:day"},
  {"name": "vec", "type": "fixed_size_list:float:8"},
  {"name": "code", "type": "fixed_size_list:uint8:16"},
  {"name": "tags", "type": "list", "children": [{"name": "item", "type": "string"}]},
  {"name": "nums", "type": "list", "children": [{"name": "item", "type": "int64"}]},
  {"name": "st", "type": "struct", "nullable": false, "children": [
     {"name": "x", "type": "int32"}, {"name": "name", "type": "string"},
     {"name": "v", "type": "fixed_size_list:float:2"}]},
  {"name": "nothing", "type": "int32"}
])";

struct Case {
  FileVersion version;
  const char* name;
};

class FileRoundTrip : public ::testing::TestWithParam<Case> {};

Result<RecordBatch> KitchenSinkRows(int64_t n, uint64_t seed, Schema* schema_out) {
  LANCET_ASSIGN_OR_RETURN(Schema schema, SchemaFromJson(kKitchenSink));
  std::string rows = testing::GenerateRows(schema, n, seed);
  // "nothing" is an all-null column.
  LANCET_ASSIGN_OR_RETURN(RecordBatch batch, testing::ParseRows(schema, rows));
  int idx = schema.FieldIndex("nothing");
  LANCET_ASSIGN_OR_RETURN(batch.columns[idx], MakeNullArray(schema.fields[idx].type, n));
  *schema_out = schema;
  return batch;
}

TEST_P(FileRoundTrip, WriteReadEverything) {
  const Case c = GetParam();
  Schema schema;
  auto batch = KitchenSinkRows(3000, 7, &schema);
  ASSERT_TRUE(batch.ok()) << batch.status().ToString();
  std::string dir = testing::MakeTempDir("lancet-rt");
  auto fs_path = io::FileSystemFromUri(dir + "/f.lance");
  ASSERT_TRUE(fs_path.ok());
  auto [fs, path] = *fs_path;
  {
    auto out = fs->OpenOutputStream(path);
    ASSERT_TRUE(out.ok()) << out.status().ToString();
    file::FileWriterOptions o;
    o.version = c.version;
    o.encoder.max_page_bytes = 16 * 1024;  // several pages per column
    auto w = file::FileWriter::Make(std::move(*out), schema, o);
    ASSERT_TRUE(w.ok()) << w.status().ToString();
    // Write in uneven batches.
    int64_t done = 0;
    for (int64_t size : {1, 999, 1000, 1000}) {
      RecordBatch part{batch->schema, {}, size};
      for (auto& col : batch->columns) part.columns.push_back(*SliceArray(col, done, size));
      ASSERT_TRUE((*w)->Write(part).ok());
      done += size;
    }
    auto summary = (*w)->Finish();
    ASSERT_TRUE(summary.ok()) << summary.status().ToString();
    EXPECT_EQ(summary->num_rows, 3000u);
  }
  auto in = fs->OpenInputFile(path);
  ASSERT_TRUE(in.ok());
  auto reader = file::FileReader::Open(*in);
  ASSERT_TRUE(reader.ok()) << reader.status().ToString();
  EXPECT_EQ((*reader)->version(), c.version);
  EXPECT_EQ((*reader)->num_rows(), 3000u);
  EXPECT_TRUE((*reader)->schema().Equals(schema)) << (*reader)->schema().ToString();
  auto all = (*reader)->ProjectAll();
  ASSERT_TRUE(all.ok()) << all.status().ToString();

  auto full = (*reader)->ReadRange(*all, 0, 3000);
  ASSERT_TRUE(full.ok()) << full.status().ToString();
  EXPECT_EQ(DiffBatches(*batch, *full), "");

  // Row ranges that straddle pages.
  std::mt19937_64 rng(11);
  for (int i = 0; i < 20; ++i) {
    uint64_t a = rng() % 3000, b = rng() % 3000;
    if (a > b) std::swap(a, b);
    auto part = (*reader)->ReadRange(*all, a, b + 1);
    ASSERT_TRUE(part.ok()) << part.status().ToString();
    RecordBatch want{batch->schema, {}, static_cast<int64_t>(b + 1 - a)};
    for (auto& col : batch->columns) want.columns.push_back(*SliceArray(col, a, b + 1 - a));
    ASSERT_EQ(DiffBatches(want, *part), "") << "rows [" << a << ", " << b + 1 << ")";
  }
  // Random takes (unsorted, with duplicates).
  std::vector<uint64_t> idx;
  std::vector<int64_t> idx64;
  for (int i = 0; i < 50; ++i) {
    idx.push_back(rng() % 3000);
    idx64.push_back(static_cast<int64_t>(idx.back()));
  }
  idx.push_back(idx[0]);
  idx64.push_back(idx64[0]);
  auto taken = (*reader)->Take(*all, idx);
  ASSERT_TRUE(taken.ok()) << taken.status().ToString();
  RecordBatch want{batch->schema, {}, static_cast<int64_t>(idx.size())};
  for (auto& col : batch->columns) want.columns.push_back(*TakeArray(col, idx64));
  EXPECT_EQ(DiffBatches(want, *taken), "");

  // A column subset.
  auto sub = (*reader)->ProjectByName({"tags", "vec", "st"});
  ASSERT_TRUE(sub.ok());
  auto subset = (*reader)->ReadRange(*sub, 100, 2100);
  ASSERT_TRUE(subset.ok()) << subset.status().ToString();
  for (int k = 0; k < 3; ++k) {
    int col = schema.FieldIndex((*sub)[k].field.name);
    auto w = SliceArray(batch->columns[col], 100, 2000);
    std::string diff;
    EXPECT_TRUE(ArrayEquals(**w, *subset->columns[k], &diff)) << (*sub)[k].field.name << ": " << diff;
  }
}

TEST_P(FileRoundTrip, DatasetCreateOpenScanAndCli) {
  const Case c = GetParam();
  Schema schema;
  auto batch = KitchenSinkRows(2500, 3, &schema);
  ASSERT_TRUE(batch.ok());
  std::string dir = testing::MakeTempDir("lancet-ds");
  table::WriteOptions wo;
  wo.data_storage_version = c.version;
  wo.max_rows_per_file = 1000;  // three fragments
  auto ds = table::Dataset::Create(dir + "/t.lance", schema, {*batch}, wo);
  ASSERT_TRUE(ds.ok()) << ds.status().ToString();
  EXPECT_EQ((*ds)->version(), 1u);
  EXPECT_EQ((*ds)->manifest().fragments.size(), 3u);
  auto reopened = table::Dataset::Open(dir + "/t.lance");
  ASSERT_TRUE(reopened.ok()) << reopened.status().ToString();
  EXPECT_EQ((*reopened)->CountRows(), 2500u);
  auto all = (*reopened)->ScanAll();
  ASSERT_TRUE(all.ok()) << all.status().ToString();
  EXPECT_EQ(DiffBatches(*batch, *all), "");
  // Offset + limit across fragment boundaries.
  table::ScanOptions so;
  so.offset = 900;
  so.limit = 1200;
  so.columns = {"i64", "tags"};
  auto part = (*reopened)->ScanAll(so);
  ASSERT_TRUE(part.ok()) << part.status().ToString();
  ASSERT_EQ(part->num_rows, 1200);
  std::string diff;
  EXPECT_TRUE(ArrayEquals(**SliceArray(batch->columns[schema.FieldIndex("tags")], 900, 1200),
                          *part->columns[1], &diff))
      << diff;

  // The CLI: import the same rows, scan them back as JSON lines.
  std::string schema_path = dir + "/schema.json", rows_path = dir + "/rows.jsonl";
  {
    std::ofstream(schema_path) << kKitchenSink;
    std::ofstream rows(rows_path);
    ASSERT_TRUE(WriteJsonRows(*batch, rows).ok());
  }
  std::string uri = dir + "/cli.lance";
  auto imp = testing::RunCommand(testing::LancetBin() + " import " + testing::ShellQuote(uri) +
                                 " --schema " + schema_path + " --input " + rows_path +
                                 " --data-storage-version " + c.name);
  ASSERT_EQ(imp.exit_code, 0) << imp.err;
  auto scan = testing::RunCommand(testing::LancetBin() + " scan " + testing::ShellQuote(uri) +
                                  " --format jsonl");
  ASSERT_EQ(scan.exit_code, 0) << scan.err;
  auto parsed = testing::ParseRows(schema, scan.out);
  ASSERT_TRUE(parsed.ok()) << parsed.status().ToString();
  EXPECT_EQ(DiffBatches(*batch, *parsed), "");
  auto limited = testing::RunCommand(testing::LancetBin() + " scan " + testing::ShellQuote(uri) +
                                     " --columns i64,s --offset 10 --limit 5 --format jsonl");
  ASSERT_EQ(limited.exit_code, 0) << limited.err;
  EXPECT_EQ(std::count(limited.out.begin(), limited.out.end(), '\n'), 5);
  // Creating the same table twice is a clear error, not a silent overwrite.
  auto again = testing::RunCommand(testing::LancetBin() + " import " + testing::ShellQuote(uri) +
                                   " --schema " + schema_path + " --input " + rows_path);
  EXPECT_NE(again.exit_code, 0);
  EXPECT_NE(again.err.find("already exists"), std::string::npos) << again.err;
}

INSTANTIATE_TEST_SUITE_P(Versions, FileRoundTrip,
                         ::testing::Values(Case{FileVersion::kV2_0, "2.0"},
                                           Case{FileVersion::kV2_1, "2.1"},
                                           Case{FileVersion::kV2_2, "2.2"}),
                         [](const auto& info) {
                           std::string n = info.param.name;
                           n.erase(std::remove(n.begin(), n.end(), '.'), n.end());
                           return "V" + n;
                         });

}  // namespace
}  // namespace lancet
