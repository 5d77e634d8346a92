// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The lancet authors
//
// Table-format interop with the real LanceDB (pinned @lancedb/lancedb 0.39.0) in both
// directions, over the whole life of a table: create, appends, small deletes (.arrow deletion
// files), a large delete (> 5,000 rows of one fragment: a .bin roaring file), tags, compaction,
// restore and cleanup; for file versions 2.0, 2.1 and 2.2 and V1 and V2 manifest names.
//   LanceDbWritesLancetReadsEveryVersion: LanceDB does everything; lancet reads every version
//     (and every tag) and must equal what LanceDB itself returns for it.
//   LancetWritesLanceDbReadsEveryVersion: lancet does everything; LanceDB reads every version;
//     then LanceDB appends and deletes on top and lancet reads the result.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <numeric>
#include <sstream>

#include "lancet/core/json_rows.h"
#include "lancet/table/dataset.h"
#include "test_util.h"

namespace lancet {
namespace {

namespace fs = std::filesystem;
using table::Dataset;
using testing::RunCommand;
using testing::ShellQuote;

std::string Tool() { return "node " + ShellQuote(testing::SourceDir() + "/tests/interop/lancedb_tool.mjs"); }

const char* kSchemaJson = R"([
  {"name": "id", "type": "int64", "nullable": false},
  {"name": "label", "type": "string"},
  {"name": "score", "type": "double"},
  {"name": "tags", "type": "list", "children": [{"name": "item", "type": "string"}]},
  {"name": "vec", "type": "fixed_size_list:float:4"}
])";

const char* kLabels[] = {"car", "house", "tree", "boat", "ball", "star"};

// JSON lines for ids [start, start + n).
std::string RowsJsonl(int64_t start, int64_t n) {
  std::ostringstream out;
  for (int64_t i = start; i < start + n; ++i) {
    nlohmann::json r;
    r["id"] = i;
    r["label"] = i % 11 == 5 ? nlohmann::json(nullptr) : nlohmann::json(kLabels[i % 6]);
    r["score"] = static_cast<double>(i) * 0.25;
    r["tags"] = i % 5 == 0 ? nlohmann::json(nullptr)
                           : nlohmann::json::array({kLabels[(i + 1) % 6], kLabels[(i + 2) % 6]});
    r["vec"] = {static_cast<double>(i % 7), 1.5, -static_cast<double>(i % 3), 0.125};
    out << r.dump() << "\n";
  }
  return out.str();
}

Schema TestSchema() {
  auto s = SchemaFromJson(kSchemaJson);
  EXPECT_TRUE(s.ok()) << s.status().ToString();
  return *s;
}

RecordBatch Parse(const std::string& jsonl) {
  auto b = testing::ParseRows(TestSchema(), jsonl);
  EXPECT_TRUE(b.ok()) << b.status().ToString();
  return b.ok() ? *b : RecordBatch{};
}

RecordBatch LancetRows(const std::string& uri, std::optional<uint64_t> version,
                       std::optional<std::string> tag = std::nullopt) {
  table::OpenOptions oo;
  oo.version = version;
  oo.tag = tag;
  return testing::ReadTableThroughJson(uri, oo, TestSchema());
}

void ExpectSameRows(const RecordBatch& lancedb, const RecordBatch& lancet, const std::string& what) {
  std::string diff = testing::DiffBatches(testing::SortByInt64Column(lancedb, "id"),
                                          testing::SortByInt64Column(lancet, "id"));
  EXPECT_EQ(diff, "") << what;
}

struct Combo {
  std::string file_version;
  bool v1_names;
  std::string Name() const { return file_version + (v1_names ? "-v1names" : "-v2names"); }
};

class TableInterop : public ::testing::TestWithParam<Combo> {
 protected:
  void SetUp() override {
    ASSERT_TRUE(fs::exists(testing::SourceDir() + "/tests/interop/node_modules/@lancedb/lancedb"))
        << "run scripts/install-deps.sh";
    dir_ = testing::MakeTempDir("table-interop");
    uri_ = dir_ + "/t.lance";
    std::ofstream(dir_ + "/schema.json") << kSchemaJson;
    Write("rows1.jsonl", RowsJsonl(0, 300));
    Write("rows2.jsonl", RowsJsonl(300, 200));
    Write("rows3.jsonl", RowsJsonl(1000, 7000));  // one fragment; 6,000 deletions -> .bin
    Write("rows4.jsonl", RowsJsonl(20000, 50));
  }
  void Write(const std::string& name, const std::string& text) {
    std::ofstream(dir_ + "/" + name) << text;
  }
  std::string P(const std::string& name) const { return ShellQuote(dir_ + "/" + name); }
  testing::CommandResult Node(const std::string& args) {
    auto r = RunCommand(Tool() + " " + args);
    EXPECT_EQ(r.exit_code, 0) << args << "\n" << r.out << r.err;
    return r;
  }
  // LanceDB's view of every version and tag.
  nlohmann::json DumpAll(const std::string& out) {
    auto r = Node("dump-all " + ShellQuote(uri_) + " " + ShellQuote(out));
    return nlohmann::json::parse(r.out, nullptr, false);
  }
  void ExpectFileKinds(bool want_arrow, bool want_bin) {
    bool arrow = false, bin = false;
    if (fs::exists(uri_ + "/_deletions")) {
      for (const auto& e : fs::directory_iterator(uri_ + "/_deletions")) {
        arrow |= e.path().extension() == ".arrow";
        bin |= e.path().extension() == ".bin";
      }
    }
    EXPECT_EQ(arrow, want_arrow);
    EXPECT_EQ(bin, want_bin);
  }
  void ExpectManifestNames(bool v1) {
    for (const auto& e : fs::directory_iterator(uri_ + "/_versions")) {
      std::string n = e.path().filename().string();
      if (n.size() < 9 || n.substr(n.size() - 9) != ".manifest") continue;
      EXPECT_EQ(n.size() == 29, !v1) << n;  // V2 names are 20 digits + ".manifest"
    }
  }
  std::string dir_, uri_;
};

TEST_P(TableInterop, LanceDbWritesLancetReadsEveryVersion) {
  const Combo c = GetParam();
  Node("write " + ShellQuote(uri_) + " --schema " + P("schema.json") + " --input " +
       P("rows1.jsonl") + " --version " + c.file_version +
       (c.v1_names ? " --v1-manifest-paths" : ""));
  nlohmann::json ops = nlohmann::json::array({
      {{"op", "append"}, {"input", dir_ + "/rows2.jsonl"}},          // v2
      {{"op", "delete"}, {"where", "id % 7 = 3"}},                   // v3: .arrow files
      {{"op", "tag"}, {"name", "after-delete"}, {"version", 3}},
      {{"op", "append"}, {"input", dir_ + "/rows3.jsonl"}},          // v4
      {{"op", "delete"}, {"where", "id >= 1000 AND id < 7000"}},    // v5: a .bin file
      {{"op", "restore"}, {"version", 2}},                           // v6
      {{"op", "append"}, {"input", dir_ + "/rows3.jsonl"}},          // v7
      {{"op", "delete"}, {"where", "id >= 1500 AND id < 7600"}},    // v8: .bin again
      {{"op", "delete"}, {"where", "label = 'car' OR label IS NULL"}},
      {{"op", "compact"}},
  });
  Node("ops " + ShellQuote(uri_) + " --ops " + ShellQuote(ops.dump()));
  ExpectFileKinds(true, true);
  ExpectManifestNames(c.v1_names);
  nlohmann::json all = DumpAll(dir_ + "/dump");
  ASSERT_TRUE(all.is_object());
  ASSERT_GE(all["versions"].size(), 11u);
  for (const auto& v : all["versions"]) {
    uint64_t version = v.get<uint64_t>();
    auto text = testing::ReadFileToString(dir_ + "/dump/v" + std::to_string(version) + ".jsonl");
    ASSERT_TRUE(text.ok());
    ExpectSameRows(Parse(*text), LancetRows(uri_, version),
                   c.Name() + " version " + std::to_string(version));
  }
  // Tags name the same version in both.
  ASSERT_EQ(all["tags"]["after-delete"], 3);
  auto v3 = testing::ReadFileToString(dir_ + "/dump/v3.jsonl");
  ExpectSameRows(Parse(*v3), LancetRows(uri_, std::nullopt, "after-delete"), "tag");
  auto ds = Dataset::Open(uri_);
  ASSERT_TRUE(ds.ok());
  auto tags = (*ds)->ListTags();
  ASSERT_TRUE(tags.ok());
  ASSERT_EQ(tags->size(), 1u);
  EXPECT_EQ((*tags)[0].second, 3u);
  // LanceDB refuses to clean up while a tag names an old version (lancet keeps tagged versions
  // instead); after deleting the tag, its cleanup removes old versions and lancet sees exactly
  // the versions that remain.
  Node("tag delete " + ShellQuote(uri_) + " after-delete");
  Node("cleanup " + ShellQuote(uri_) + " --older-than-seconds 0");
  auto versions = Node("versions " + ShellQuote(uri_));
  auto remaining = nlohmann::json::parse(versions.out);
  ds = Dataset::Open(uri_);
  ASSERT_TRUE(ds.ok());
  auto listed = (*ds)->ListVersions();
  ASSERT_TRUE(listed.ok());
  std::vector<uint64_t> ours;
  for (const auto& vi : *listed) ours.push_back(vi.version);
  EXPECT_EQ(nlohmann::json(ours), remaining);
  auto latest = Node("dump " + ShellQuote(uri_));
  ExpectSameRows(Parse(latest.out), LancetRows(uri_, std::nullopt), "after LanceDB cleanup");
}

TEST_P(TableInterop, LancetWritesLanceDbReadsEveryVersion) {
  const Combo c = GetParam();
  auto load = [&](const std::string& f) {
    auto text = testing::ReadFileToString(dir_ + "/" + f);
    EXPECT_TRUE(text.ok());
    return Parse(*text);
  };
  table::WriteOptions wo;
  auto fv = encoding::FileVersion::kV2_2;
  if (c.file_version == "2.0") fv = encoding::FileVersion::kV2_0;
  if (c.file_version == "2.1") fv = encoding::FileVersion::kV2_1;
  wo.data_storage_version = fv;
  wo.manifest_naming = c.v1_names ? table::ManifestNaming::kV1 : table::ManifestNaming::kV2;
  auto step = [&](Result<std::unique_ptr<Dataset>> r) {
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    return r.ok() ? std::move(*r) : nullptr;
  };
  auto v = step(Dataset::Create(uri_, TestSchema(), {load("rows1.jsonl")}, wo));  // v1
  ASSERT_TRUE(v);
  v = step(v->Append({load("rows2.jsonl")}));                          // v2
  ASSERT_TRUE(v);
  v = step(v->Delete("id % 7 = 3"));                                   // v3
  ASSERT_TRUE(v);
  ASSERT_TRUE(v->CreateTag("after-delete", 3).ok());
  v = step(v->Append({load("rows3.jsonl")}));                          // v4
  ASSERT_TRUE(v);
  v = step(v->Delete("id >= 1000 AND id < 7000"));                     // v5 (.bin)
  ASSERT_TRUE(v);
  auto v2 = step(v->Checkout(2));
  ASSERT_TRUE(v2);
  v = step(v2->Restore());                                             // v6
  ASSERT_TRUE(v);
  v = step(v->Append({load("rows3.jsonl")}));                          // v7
  ASSERT_TRUE(v);
  v = step(v->Delete("id >= 1500 AND id < 7600"));                     // v8
  ASSERT_TRUE(v);
  v = step(v->Delete("label = 'car' OR label IS NULL"));               // v9
  ASSERT_TRUE(v);
  table::CompactionOptions co;
  co.target_rows_per_fragment = 100000;
  v = step(v->Compact(co));                                            // v10, v11
  ASSERT_TRUE(v);
  EXPECT_EQ(v->version(), 11u);
  ExpectFileKinds(true, true);
  ExpectManifestNames(c.v1_names);

  nlohmann::json all = DumpAll(dir_ + "/dump");
  ASSERT_TRUE(all.is_object());
  ASSERT_EQ(all["versions"].size(), 11u);
  for (uint64_t version = 1; version <= 11; ++version) {
    auto text = testing::ReadFileToString(dir_ + "/dump/v" + std::to_string(version) + ".jsonl");
    ASSERT_TRUE(text.ok());
    ExpectSameRows(Parse(*text), LancetRows(uri_, version),
                   c.Name() + " version " + std::to_string(version));
  }
  EXPECT_EQ(all["tags"]["after-delete"], 3);

  // LanceDB writes on top of lancet's table; lancet reads LanceDB's versions.
  nlohmann::json ops = nlohmann::json::array({
      {{"op", "append"}, {"input", dir_ + "/rows4.jsonl"}},
      {{"op", "delete"}, {"where", "id % 2 = 0"}},
      {{"op", "compact"}},
  });
  Node("ops " + ShellQuote(uri_) + " --ops " + ShellQuote(ops.dump()));
  all = DumpAll(dir_ + "/dump2");
  for (const auto& jv : all["versions"]) {
    uint64_t version = jv.get<uint64_t>();
    if (version <= 11) continue;
    auto text = testing::ReadFileToString(dir_ + "/dump2/v" + std::to_string(version) + ".jsonl");
    ASSERT_TRUE(text.ok());
    ExpectSameRows(Parse(*text), LancetRows(uri_, version),
                   c.Name() + " LanceDB version " + std::to_string(version));
  }
  // lancet appends after LanceDB again, then cleans up; LanceDB reads the result.
  auto latest = step(Dataset::Open(uri_));
  ASSERT_TRUE(latest);
  latest = step(latest->Append({load("rows4.jsonl")}));
  ASSERT_TRUE(latest);
  latest = step(latest->Delete("id < 100"));
  ASSERT_TRUE(latest);
  table::CleanupOptions clean;
  clean.older_than_seconds = 0;
  auto stats = latest->Cleanup(clean);
  ASSERT_TRUE(stats.ok()) << stats.status().ToString();
  EXPECT_GT(stats->old_versions, 0u);
  auto dumped = Node("dump " + ShellQuote(uri_));
  ExpectSameRows(Parse(dumped.out), LancetRows(uri_, std::nullopt), c.Name() + " after cleanup");
  auto tagged = Node("dump " + ShellQuote(uri_) + " --tag after-delete");
  ExpectSameRows(Parse(tagged.out), LancetRows(uri_, 3), c.Name() + " tagged version kept");
}

INSTANTIATE_TEST_SUITE_P(Versions, TableInterop,
                         ::testing::Values(Combo{"2.0", false}, Combo{"2.1", true},
                                           Combo{"2.2", false}, Combo{"2.2", true}),
                         [](const auto& info) {
                           std::string n = info.param.Name();
                           std::replace(n.begin(), n.end(), '.', '_');
                           std::replace(n.begin(), n.end(), '-', '_');
                           return n;
                         });

}  // namespace
}  // namespace lancet
