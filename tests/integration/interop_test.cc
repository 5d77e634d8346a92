// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The lancet authors
//
// Interop with the real LanceDB (pinned @lancedb/lancedb 0.39.0, the Rust Lance core), driven
// through tests/interop/lancedb_tool.mjs:
//   1. LanceDB writes a table of every type at 2.0, 2.1 and 2.2, at sizes that make it pick each
//      encoding (tool `gen`); lancet reads every value back exactly.
//   2. lancet writes the same rows at the same version (what `lancet import` does); LanceDB opens
//      the table, counts its rows, reads every value back exactly (tool `dump`) and runs a vector
//      search over a fixed_size_list column, which must agree with brute force.
// Tables are generated once per LANCET_INTEROP_DIR (reused while the tool is unchanged).
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>

#include "lancet/core/json_rows.h"
#include "lancet/file/file_writer.h"
#include "lancet/table/dataset.h"
#include "test_util.h"

namespace lancet {
namespace {

namespace fs = std::filesystem;
using testing::RunCommand;
using testing::ShellQuote;

// Cases lancet deliberately does not handle yet, with the reason. Everything else must pass.
// Reading: blob layouts store descriptors (LanceDB itself returns descriptors, not bytes).
const std::set<std::string> kReadNotSupported = {"blob-2.0", "blob-2.1", "blob_v2-2.2"};
// Writing: blob columns and packed structs with variable-width children are opt-in layouts that
// the writer does not produce yet.
const std::set<std::string> kWriteNotSupported = {"blob-2.0", "blob-2.1", "blob_v2-2.2",
                                                  "packed_struct_var-2.2"};

std::string Tool() { return testing::SourceDir() + "/tests/interop/lancedb_tool.mjs"; }

std::string InteropDir() {
  const char* env = std::getenv("LANCET_INTEROP_DIR");
  return env && *env ? env : testing::BinaryDir() + "/interop-gen";
}

class Interop : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    ASSERT_TRUE(fs::exists(testing::SourceDir() + "/tests/interop/node_modules/@lancedb/lancedb"))
        << "tests/interop/node_modules is missing: run scripts/install-deps.sh";
    std::string dir = InteropDir();
    auto hash = RunCommand("sha256sum " + ShellQuote(Tool()) + " | cut -c1-16");
    ASSERT_EQ(hash.exit_code, 0);
    std::string stamp = dir + "/.lancet-stamp";
    auto have = testing::ReadFileToString(stamp);
    if (!have.ok() || *have != hash.out) {
      fs::remove_all(dir);
      fs::create_directories(dir);
      auto gen = RunCommand("node " + ShellQuote(Tool()) + " gen " + ShellQuote(dir));
      ASSERT_EQ(gen.exit_code, 0) << gen.out << gen.err;
      std::ofstream(stamp) << hash.out;
    }
  }

  static std::vector<std::string> Cases() {
    std::vector<std::string> out;
    for (const auto& e : fs::directory_iterator(InteropDir())) {
      if (e.is_directory() && fs::exists(e.path() / "table.lance")) {
        out.push_back(e.path().filename().string());
      }
    }
    std::sort(out.begin(), out.end());
    return out;
  }

  static std::string VersionOf(const std::string& name) { return name.substr(name.rfind('-') + 1); }
};

TEST_F(Interop, LanceDbWritesLancetReadsEveryValue) {
  int checked = 0;
  for (const std::string& name : Cases()) {
    SCOPED_TRACE(name);
    std::string dir = InteropDir() + "/" + name;
    auto expected = testing::LoadExpected(dir + "/schema.json", dir + "/rows.jsonl");
    ASSERT_TRUE(expected.ok()) << expected.status().ToString();
    auto ds = table::Dataset::Open(dir + "/table.lance");
    if (kReadNotSupported.count(name)) {
      // Must be a clean error or data, never a crash.
      if (ds.ok()) (*ds)->ScanAll().status().IgnoreError();
      continue;
    }
    ASSERT_TRUE(ds.ok()) << ds.status().ToString();
    EXPECT_EQ((*ds)->manifest().data_storage_version, VersionOf(name));
    EXPECT_EQ((*ds)->CountRows(), static_cast<uint64_t>(expected->num_rows));
    auto got = (*ds)->ScanAll();
    if (!got.ok()) {
      ADD_FAILURE() << name << ": " << got.status().ToString();
      continue;
    }
    std::string diff = testing::DiffBatches(*expected, *got);
    EXPECT_EQ(diff, "") << name;
    // Random access through the same path as `lancet scan --offset/--limit`.
    table::ScanOptions so;
    so.offset = static_cast<uint64_t>(expected->num_rows / 3);
    so.limit = 7;
    auto part = (*ds)->ScanAll(so);
    ASSERT_TRUE(part.ok()) << part.status().ToString();
    for (size_t c = 0; c < part->columns.size(); ++c) {
      auto want = SliceArray(expected->columns[c], static_cast<int64_t>(so.offset),
                             part->num_rows);
      std::string d;
      EXPECT_TRUE(ArrayEquals(**want, *part->columns[c], &d))
          << name << " column " << expected->schema.fields[c].name << ": " << d;
    }
    ++checked;
  }
  EXPECT_GE(checked, 60) << "too few LanceDB tables were checked";
}

// Brute-force top-k (squared L2) over a fixed_size_list<float> column; returns the k-th distance.
std::vector<std::pair<float, int64_t>> BruteForce(const ArrayData& fsl, int64_t query_row, int k) {
  int dim = fsl.type->fixed_size();
  const float* v = fsl.children[0]->values_as<float>();
  std::vector<std::pair<float, int64_t>> d;
  for (int64_t r = 0; r < fsl.length; ++r) {
    if (fsl.IsNull(r)) continue;
    float s = 0;
    for (int j = 0; j < dim; ++j) {
      float x = v[r * dim + j] - v[query_row * dim + j];
      s += x * x;
    }
    d.emplace_back(s, r);
  }
  std::partial_sort(d.begin(), d.begin() + std::min<size_t>(k, d.size()), d.end());
  d.resize(std::min<size_t>(k, d.size()));
  return d;
}

TEST_F(Interop, LancetWritesLanceDbReadsEveryValueAndSearches) {
  std::string out_root = testing::MakeTempDir("lancet-interop-out");
  int checked = 0, searched = 0;
  for (const std::string& name : Cases()) {
    if (kWriteNotSupported.count(name)) continue;
    SCOPED_TRACE(name);
    std::string dir = InteropDir() + "/" + name;
    auto expected = testing::LoadExpected(dir + "/schema.json", dir + "/rows.jsonl");
    ASSERT_TRUE(expected.ok()) << expected.status().ToString();
    table::WriteOptions wo;
    auto version = file::ParseFileVersion(VersionOf(name));
    ASSERT_TRUE(version.ok());
    wo.data_storage_version = *version;
    wo.max_rows_per_file = std::max<int64_t>(1, expected->num_rows / 2 + 1);  // two fragments
    std::string uri = out_root + "/" + name + "/table.lance";
    auto ds = table::Dataset::Create(uri, expected->schema, {*expected}, wo);
    if (!ds.ok()) {
      ADD_FAILURE() << name << ": lancet could not write: " << ds.status().ToString();
      continue;
    }
    auto dump = RunCommand("node " + ShellQuote(Tool()) + " dump " + ShellQuote(uri));
    if (dump.exit_code != 0) {
      ADD_FAILURE() << name << ": LanceDB could not read lancet's table: " << dump.err;
      continue;
    }
    auto count_line = dump.err.substr(dump.err.rfind("{\"count\""));
    auto count = nlohmann::json::parse(count_line.substr(0, count_line.find('\n')));
    EXPECT_EQ(count["count"].get<int64_t>(), expected->num_rows) << name;
    auto got = testing::ParseRows(expected->schema, dump.out);
    ASSERT_TRUE(got.ok()) << got.status().ToString();
    EXPECT_EQ(testing::DiffBatches(*expected, *got), "") << name << " as read by LanceDB";
    ++checked;

    // Vector search over every non-null fixed_size_list<float> column.
    for (size_t c = 0; c < expected->schema.fields.size(); ++c) {
      const Field& f = expected->schema.fields[c];
      if (f.type->id() != TypeId::kFixedSizeList ||
          f.type->value_type()->id() != TypeId::kFloat || f.nullable) {
        continue;
      }
      const ArrayData& col = *expected->columns[c];
      int64_t q = col.length / 2;
      nlohmann::json vec = nlohmann::json::array();
      for (int j = 0; j < f.type->fixed_size(); ++j) {
        vec.push_back(col.children[0]->values_as<float>()[q * f.type->fixed_size() + j]);
      }
      std::string vec_path = out_root + "/" + name + "/query.json";
      std::ofstream(vec_path) << vec.dump();
      auto res = RunCommand("node " + ShellQuote(Tool()) + " search " + ShellQuote(uri) +
                            " --column " + f.name + " --vector \"$(cat " + vec_path + ")\" -k 10");
      ASSERT_EQ(res.exit_code, 0) << res.err;
      auto want = BruteForce(col, q, 10);
      std::vector<float> got_d;
      std::set<int64_t> got_rows;
      std::istringstream lines(res.out);
      std::string line;
      const int dim = f.type->fixed_size();
      const float* values = col.children[0]->values_as<float>();
      while (std::getline(lines, line)) {
        if (line.empty()) continue;
        auto j = nlohmann::json::parse(line);
        float reported = j["_distance"].get<float>();
        got_d.push_back(reported);
        // Row addresses: fragment id << 32 | offset; fragment i holds rows from i * per_file.
        uint64_t addr = j["_rowid"].get<uint64_t>();
        int64_t row = static_cast<int64_t>((addr >> 32) * wo.max_rows_per_file +
                                           (addr & 0xffffffffu));
        ASSERT_LT(row, col.length) << f.name;
        got_rows.insert(row);
        // The reported distance is the true squared L2 distance of the row LanceDB returned.
        float truth = 0;
        for (int x = 0; x < dim; ++x) {
          float t = values[row * dim + x] - values[q * dim + x];
          truth += t * t;
        }
        EXPECT_NEAR(reported, truth, 1e-3f * std::max(1.0f, truth)) << f.name << " row " << row;
      }
      ASSERT_EQ(got_d.size(), want.size()) << f.name;
      float kth = want.back().first;
      for (const auto& [d, row] : want) {
        // Every brute-force neighbour strictly closer than the k-th distance must be returned
        // (ties at the boundary may go either way).
        if (d < kth * (1 - 1e-5f)) EXPECT_EQ(got_rows.count(row), 1u) << f.name << " row " << row;
      }
      for (size_t i = 0; i < got_d.size(); ++i) {
        EXPECT_NEAR(got_d[i], want[i].first, 1e-3f * std::max(1.0f, want[i].first)) << f.name;
      }
      ++searched;
    }
  }
  EXPECT_GE(checked, 55) << "too few lancet tables were checked by LanceDB";
  EXPECT_GE(searched, 3) << "too few vector searches";
}

}  // namespace
}  // namespace lancet
