// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The lancet authors
//
// Concurrent writer processes on one local table (put-if-absent commits, rebase and retry):
//   - 4 lancet processes append 100 rows each, one row per commit, while a fifth deletes
//     `id % 10 = 0` over and over and a sixth reads the latest and random old versions;
//   - then 2 lancet processes and 1 LanceDB process (the real Rust core) append concurrently.
// Afterwards every committed row is there exactly once, the deleted ones are gone, versions are
// gapless and each opens, and LanceDB reads the final version identically.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <set>
#include <thread>

#include "lancet/table/dataset.h"
#include "test_util.h"

namespace lancet {
namespace {

namespace fs = std::filesystem;
using testing::RunCommand;
using testing::ShellQuote;

std::string Worker() { return testing::BinaryDir() + "/tests/table_worker"; }
std::string Tool() {
  return "node " + ShellQuote(testing::SourceDir() + "/tests/interop/lancedb_tool.mjs");
}

std::multiset<int64_t> IdsOf(const table::Dataset& ds) {
  auto b = ds.ScanAll(table::ScanOptions{{"id"}});
  EXPECT_TRUE(b.ok()) << b.status().ToString();
  std::multiset<int64_t> out;
  if (!b.ok()) return out;
  const int64_t* v = b->columns[0]->values_as<int64_t>();
  out.insert(v, v + b->num_rows);
  return out;
}

void CheckVersions(const std::string& uri) {
  auto ds = table::Dataset::Open(uri);
  ASSERT_TRUE(ds.ok());
  auto versions = (*ds)->ListVersions();
  ASSERT_TRUE(versions.ok());
  for (size_t i = 0; i < versions->size(); ++i) {
    ASSERT_EQ((*versions)[i].version, i + 1) << "versions are not gapless";
    auto old = (*ds)->Checkout(i + 1);
    ASSERT_TRUE(old.ok()) << old.status().ToString();
    auto b = (*old)->ScanAll();
    ASSERT_TRUE(b.ok()) << "version " << i + 1 << ": " << b.status().ToString();
  }
}

TEST(TableConcurrency, FourAppendersADeleterAndAReaderLoseNothing) {
  std::string dir = testing::MakeTempDir("concurrency");
  std::string uri = dir + "/t.lance";
  ASSERT_EQ(RunCommand(Worker() + " create " + ShellQuote(uri) + " x").exit_code, 0);
  std::string stop = dir + "/stop";
  std::string cmd;
  for (int w = 0; w < 4; ++w) {
    cmd += Worker() + " append " + ShellQuote(uri) + " " + std::to_string(w * 1000) +
           " 100 > " + dir + "/a" + std::to_string(w) + ".log 2>&1 & ";
  }
  // The deleter and the reader run until the appenders are done.
  cmd += Worker() + " delete " + ShellQuote(uri) + " 'id % 10 = 0' " + stop + " > " + dir +
         "/d.log 2>&1 & dpid=$!; ";
  cmd += Worker() + " read " + ShellQuote(uri) + " " + stop + " > " + dir +
         "/r.log 2>&1 & rpid=$!; ";
  cmd += "fail=0; for j in $(jobs -p); do if [ $j != $dpid ] && [ $j != $rpid ]; then wait $j || "
         "fail=1; fi; done; touch " + stop + "; wait $dpid || fail=1; wait $rpid || fail=1; "
         "cat " + dir + "/*.log; exit $fail";
  auto r = RunCommand("bash -c " + ShellQuote(cmd));
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;

  auto ds = table::Dataset::Open(uri);
  ASSERT_TRUE(ds.ok());
  std::multiset<int64_t> expect;
  for (int w = 0; w < 4; ++w) {
    for (int64_t i = w * 1000; i < w * 1000 + 100; ++i) {
      if (i % 10 != 0) expect.insert(i);
    }
  }
  EXPECT_EQ(IdsOf(**ds), expect);
  // 1 create + 400 appends + the deletes that matched something.
  EXPECT_GE((*ds)->version(), 401u);
  CheckVersions(uri);
  // LanceDB reads the final version identically.
  auto dump = RunCommand(Tool() + " dump " + ShellQuote(uri) + " --columns id");
  ASSERT_EQ(dump.exit_code, 0) << dump.err;
  std::multiset<int64_t> lancedb_ids;
  std::istringstream lines(dump.out);
  for (std::string line; std::getline(lines, line);) {
    lancedb_ids.insert(nlohmann::json::parse(line)["id"].get<int64_t>());
  }
  EXPECT_EQ(lancedb_ids, expect);
}

TEST(TableConcurrency, MixedLancetAndLanceDbWritersLoseNothing) {
  std::string dir = testing::MakeTempDir("mixed");
  std::string uri = dir + "/t.lance";
  ASSERT_EQ(RunCommand(Worker() + " create " + ShellQuote(uri) + " x").exit_code, 0);
  {
    std::ofstream rows(dir + "/lancedb.jsonl");
    for (int64_t i = 5000; i < 5040; ++i) {
      rows << nlohmann::json{{"id", i}, {"writer", "lancedb"}}.dump() << "\n";
    }
  }
  std::string cmd = Worker() + " append " + ShellQuote(uri) + " 0 60 & " + Worker() +
                    " append " + ShellQuote(uri) + " 1000 60 & " + Tool() + " append-each " +
                    ShellQuote(uri) + " --input " + ShellQuote(dir + "/lancedb.jsonl") +
                    " & fail=0; for j in $(jobs -p); do wait $j || fail=1; done; exit $fail";
  auto r = RunCommand("bash -c " + ShellQuote(cmd));
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  auto ds = table::Dataset::Open(uri);
  ASSERT_TRUE(ds.ok());
  std::multiset<int64_t> expect;
  for (int64_t i = 0; i < 60; ++i) expect.insert(i);
  for (int64_t i = 1000; i < 1060; ++i) expect.insert(i);
  for (int64_t i = 5000; i < 5040; ++i) expect.insert(i);
  EXPECT_EQ(IdsOf(**ds), expect);
  EXPECT_EQ((*ds)->version(), 1u + 160u);
  CheckVersions(uri);
  auto dump = RunCommand(Tool() + " dump " + ShellQuote(uri) + " --columns id");
  ASSERT_EQ(dump.exit_code, 0) << dump.err;
  std::multiset<int64_t> lancedb_ids;
  std::istringstream lines(dump.out);
  for (std::string line; std::getline(lines, line);) {
    lancedb_ids.insert(nlohmann::json::parse(line)["id"].get<int64_t>());
  }
  EXPECT_EQ(lancedb_ids, expect);
}

}  // namespace
}  // namespace lancet
