// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The lancet authors
//
// Table interop with the real LanceDB (pinned @lancedb/lancedb, driven by
// tests/interop/lancedb_tool.mjs with --storage-options) on the local S3 test server (s3rver
// behind tests/s3/s3_proxy.mjs, which enforces If-None-Match and verifies SigV4). Issue 4,
// acceptance 1: "LanceDB reads what lancet wrote there and vice versa".
//   LancetWritesLanceDbReadsAppendsDeletesAndCompacts: lancet creates an s3:// table (several
//     fragments, a binary and a vector column, a delete); LanceDB reads it exactly; LanceDB
//     appends and deletes on it and lancet reads that exactly; LanceDB compacts it and lancet
//     reads the compacted table; lancet appends on top and LanceDB reads the result.
//   LanceDbWritesLancetReadsEveryVersion: LanceDB creates an s3:// table, appends and deletes;
//     lancet reads every version exactly as LanceDB does; lancet writes on top and LanceDB reads.
// Rows are compared with expected rows built here (not only with the other engine's output).
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <functional>
#include <nlohmann/json.hpp>
#include <sstream>

#include "lancet/core/base64.h"
#include "lancet/core/json_rows.h"
#include "lancet/table/dataset.h"
#include "lancet/testing/s3_server_fixture.h"
#include "test_util.h"

namespace lancet {
namespace {

namespace fs = std::filesystem;
using table::Dataset;
using testing::RunCommand;
using testing::ShellQuote;

const char* kSchemaJson = R"([
  {"name": "id", "type": "int64", "nullable": false},
  {"name": "label", "type": "string"},
  {"name": "score", "type": "double"},
  {"name": "payload", "type": "binary"},
  {"name": "vec", "type": "fixed_size_list:float:8"}
])";

const char* kLabels[] = {"car", "house", "tree", "boat", "ball", "star"};

std::string RowJson(int64_t i) {
  nlohmann::json r;
  r["id"] = i;
  r["label"] = i % 11 == 5 ? nlohmann::json(nullptr) : nlohmann::json(kLabels[i % 6]);
  r["score"] = static_cast<double>(i) * 0.25 - 3.0;
  if (i % 13 == 4) {
    r["payload"] = nullptr;
  } else {
    std::string bytes;
    for (int64_t k = 0; k < (i * 37) % 48; ++k) bytes.push_back(static_cast<char>((i * 31 + k * 7) & 0xff));
    r["payload"] = Base64Encode(bytes);
  }
  nlohmann::json vec = nlohmann::json::array();
  for (int k = 0; k < 8; ++k) vec.push_back(static_cast<double>((i + k) % 9) * 0.5 - 1.0);
  r["vec"] = vec;
  return r.dump();
}

// JSON lines for the ids in [start, start + n) that `keep` accepts.
std::string RowsJsonl(int64_t start, int64_t n,
                      const std::function<bool(int64_t)>& keep = [](int64_t) { return true; }) {
  std::string out;
  for (int64_t i = start; i < start + n; ++i) {
    if (keep(i)) out += RowJson(i) + "\n";
  }
  return out;
}

Schema TestSchema() {
  auto s = SchemaFromJson(kSchemaJson);
  EXPECT_TRUE(s.ok()) << s.status().ToString();
  return s.ok() ? *s : Schema{};
}

RecordBatch Parse(const std::string& jsonl) {
  auto b = testing::ParseRows(TestSchema(), jsonl);
  EXPECT_TRUE(b.ok()) << b.status().ToString();
  return b.ok() ? *b : RecordBatch{};
}

void ExpectSameRows(const RecordBatch& expected, const RecordBatch& actual,
                    const std::string& what) {
  EXPECT_EQ(testing::DiffBatches(testing::SortByInt64Column(expected, "id"),
                                 testing::SortByInt64Column(actual, "id")),
            "")
      << what;
}

class S3Interop : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(fs::exists(testing::SourceDir() + "/tests/interop/node_modules/@lancedb/lancedb"))
        << "run scripts/install-deps.sh";
    auto server = testing::SharedS3TestServer();
    ASSERT_TRUE(server.ok()) << server.status().ToString();
    server_ = *server;
    static int counter = 0;
    std::string prefix = "/s3-interop-" + std::to_string(getpid()) + "-" +
                         std::to_string(counter++) + "/t.lance";
    const testing::S3ServerInfo& info = server_->info();
    uri_ = server_->Uri(prefix);
    lancedb_uri_ = "s3://" + info.bucket + prefix;
    storage_options_ = testing::LanceDbS3StorageOptions(info.endpoint, info.access_key_id,
                                                        info.secret_access_key, info.region);
    dir_ = testing::MakeTempDir("s3-interop");
    std::ofstream(dir_ + "/schema.json") << kSchemaJson;
  }
  std::string Write(const std::string& name, const std::string& text) {
    std::ofstream(dir_ + "/" + name) << text;
    return dir_ + "/" + name;
  }
  // Runs `lancedb_tool.mjs CMD <s3 uri> ARGS --storage-options ...`.
  testing::CommandResult Node(const std::string& cmd, const std::string& args = "") {
    std::string line = "node " +
                       ShellQuote(testing::SourceDir() + "/tests/interop/lancedb_tool.mjs") +
                       " " + cmd + " " + ShellQuote(lancedb_uri_) + " " + args +
                       " --storage-options " + ShellQuote(storage_options_);
    auto r = RunCommand(line);
    EXPECT_EQ(r.exit_code, 0) << line << "\n" << r.out << r.err;
    return r;
  }
  RecordBatch LanceDbRows(const std::string& extra = "") { return Parse(Node("dump", extra).out); }
  RecordBatch LancetRows(std::optional<uint64_t> version = std::nullopt) {
    table::OpenOptions oo;
    oo.version = version;
    return testing::ReadTableThroughJson(uri_, oo, TestSchema());
  }
  size_t LancetFragments() {
    auto ds = Dataset::Open(uri_);
    EXPECT_TRUE(ds.ok()) << ds.status().ToString();
    return ds.ok() ? (*ds)->manifest().fragments.size() : 0;
  }

  testing::S3TestServer* server_ = nullptr;
  std::string uri_, lancedb_uri_, storage_options_, dir_;
};

TEST_F(S3Interop, LancetWritesLanceDbReadsAppendsDeletesAndCompacts) {
  // lancet: create (3 fragments), append (2 more), delete (deletion files).
  table::WriteOptions wo;
  wo.max_rows_per_file = 100;
  auto v = Dataset::Create(uri_, TestSchema(), {Parse(RowsJsonl(0, 250))}, wo);
  ASSERT_TRUE(v.ok()) << v.status().ToString();
  v = (*v)->Append({Parse(RowsJsonl(250, 150))}, wo);
  ASSERT_TRUE(v.ok()) << v.status().ToString();
  v = (*v)->Delete("id % 7 = 3");
  ASSERT_TRUE(v.ok()) << v.status().ToString();
  ASSERT_EQ((*v)->version(), 3u);
  ASSERT_EQ((*v)->manifest().fragments.size(), 5u);
  auto keep1 = [](int64_t i) { return i % 7 != 3; };
  RecordBatch expected1 = Parse(RowsJsonl(0, 400, keep1));
  ASSERT_EQ(expected1.num_rows, 400 - 57);
  ExpectSameRows(expected1, LancetRows(), "lancet reads its own S3 table");
  ExpectSameRows(expected1, LanceDbRows(), "LanceDB reads lancet's S3 table");
  ExpectSameRows(Parse(RowsJsonl(0, 250)), LanceDbRows("--version 1"),
                 "LanceDB reads lancet's version 1");

  // LanceDB appends and deletes on lancet's table; lancet reads the result.
  std::string more = Write("more.jsonl", RowsJsonl(1000, 120));
  nlohmann::json ops = nlohmann::json::array({
      {{"op", "append"}, {"input", more}},
      {{"op", "delete"}, {"where", "id % 5 = 1"}},
  });
  auto out = nlohmann::json::parse(Node("ops", "--ops " + ShellQuote(ops.dump())).out);
  ASSERT_EQ(out.size(), 2u);
  EXPECT_EQ(out[1]["version"], 5);
  // The first delete happened before LanceDB's append: it filters only ids below 1000.
  auto keep2 = [&](int64_t i) { return (i >= 1000 || keep1(i)) && i % 5 != 1; };
  std::string expected2_text = RowsJsonl(0, 400, keep2) + RowsJsonl(1000, 120, keep2);
  RecordBatch expected2 = Parse(expected2_text);
  ExpectSameRows(expected2, LancetRows(), "lancet reads LanceDB's append + delete");
  ExpectSameRows(Parse(RowsJsonl(0, 400, keep1) + RowsJsonl(1000, 120)), LancetRows(4),
                 "lancet reads LanceDB's append (version 4)");

  // LanceDB compacts lancet's table; lancet reads the compacted table.
  size_t before = LancetFragments();
  auto compacted = nlohmann::json::parse(Node("compact").out);
  EXPECT_GT(compacted["version"].get<uint64_t>(), 5u);
  size_t after = LancetFragments();
  EXPECT_LT(after, before) << "LanceDB's optimize() did not compact";
  ExpectSameRows(expected2, LancetRows(), "lancet reads LanceDB's compaction");

  // lancet writes on top of LanceDB's compaction; LanceDB reads it.
  auto latest = Dataset::Open(uri_);
  ASSERT_TRUE(latest.ok()) << latest.status().ToString();
  auto w = (*latest)->Append({Parse(RowsJsonl(2000, 30))});
  ASSERT_TRUE(w.ok()) << w.status().ToString();
  w = (*w)->Delete("id < 50");
  ASSERT_TRUE(w.ok()) << w.status().ToString();
  RecordBatch expected3 = Parse(RowsJsonl(50, 350, keep2) + RowsJsonl(1000, 120, keep2) +
                                RowsJsonl(2000, 30));
  ExpectSameRows(expected3, LanceDbRows(), "LanceDB reads lancet's writes after its compaction");
  ExpectSameRows(expected3, LancetRows(), "lancet reads its writes after LanceDB's compaction");
}

TEST_F(S3Interop, LanceDbWritesLancetReadsEveryVersion) {
  std::string first = Write("first.jsonl", RowsJsonl(0, 300));
  std::string second = Write("second.jsonl", RowsJsonl(300, 200));
  std::string third = Write("third.jsonl", RowsJsonl(600, 50));
  Node("write", "--schema " + ShellQuote(dir_ + "/schema.json") + " --input " + ShellQuote(first));
  nlohmann::json ops = nlohmann::json::array({
      {{"op", "append"}, {"input", second}},                // v2
      {{"op", "delete"}, {"where", "id % 4 = 2"}},          // v3
      {{"op", "append"}, {"input", third}},                 // v4
      {{"op", "delete"}, {"where", "id >= 100 AND id < 130"}},  // v5
  });
  Node("ops", "--ops " + ShellQuote(ops.dump()));
  auto all = nlohmann::json::parse(Node("dump-all", ShellQuote(dir_ + "/dump")).out);
  ASSERT_EQ(all["versions"].size(), 5u);
  for (const auto& jv : all["versions"]) {
    uint64_t version = jv.get<uint64_t>();
    auto text = testing::ReadFileToString(dir_ + "/dump/v" + std::to_string(version) + ".jsonl");
    ASSERT_TRUE(text.ok());
    ExpectSameRows(Parse(*text), LancetRows(version),
                   "lancet reads LanceDB's version " + std::to_string(version));
  }
  // `id % 4 = 2` was deleted before ids 600.. were appended.
  auto keep = [](int64_t i) { return (i >= 600 || i % 4 != 2) && !(i >= 100 && i < 130); };
  RecordBatch expected = Parse(RowsJsonl(0, 500, keep) + RowsJsonl(600, 50, keep));
  ExpectSameRows(expected, LancetRows(), "lancet reads LanceDB's latest version");
  auto ds = Dataset::Open(uri_);
  ASSERT_TRUE(ds.ok());
  EXPECT_EQ((*ds)->version(), 5u);
  EXPECT_GE((*ds)->manifest().fragments.size(), 3u);

  // lancet appends and deletes on LanceDB's table; LanceDB reads the result.
  auto w = (*ds)->Append({Parse(RowsJsonl(3000, 40))});
  ASSERT_TRUE(w.ok()) << w.status().ToString();
  w = (*w)->Delete("id % 3 = 0");
  ASSERT_TRUE(w.ok()) << w.status().ToString();
  auto keep2 = [&](int64_t i) { return (i >= 3000 || keep(i)) && i % 3 != 0; };
  RecordBatch expected2 =
      Parse(RowsJsonl(0, 500, keep2) + RowsJsonl(600, 50, keep2) + RowsJsonl(3000, 40, keep2));
  ExpectSameRows(expected2, LanceDbRows(), "LanceDB reads lancet's writes on its table");
  ExpectSameRows(expected2, LancetRows(), "lancet reads its writes on LanceDB's table");
  auto versions = nlohmann::json::parse(Node("versions").out);
  EXPECT_EQ(versions, nlohmann::json({1, 2, 3, 4, 5, 6, 7}));
}

}  // namespace
}  // namespace lancet
