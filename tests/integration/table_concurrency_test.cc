// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The lancet authors
//
// Concurrent writer processes on one table (put-if-absent commits, rebase and retry), on local
// disk and on the S3 test server (s3rver behind tests/s3/s3_proxy.mjs, which enforces
// If-None-Match the way S3 and R2 do; issue 4, acceptance 2):
//   - 4 lancet processes append 100 rows each, one row per commit, while a fifth deletes
//     `id % 10 = 0` over and over and a sixth reads the latest and random old versions;
//   - then 2 lancet processes and 1 LanceDB process (the real Rust core) append concurrently.
// Afterwards every committed row is there exactly once, the deleted ones are gone, versions are
// gapless and each opens, and LanceDB reads the final version identically. On S3 the proxy's
// own counters must show that conditional PUTs really conflicted (412) and that every conflict
// was followed by another attempt.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>
#include <thread>
#include <unistd.h>

#include "lancet/table/dataset.h"
#include "lancet/testing/s3_server_fixture.h"
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

// Versions are gapless; each opens and scans. `stride` > 1 scans every stride-th version and the
// last one (on S3 version n has ~n fragments, so scanning all 400 would take minutes).
void CheckVersions(const std::string& uri, uint64_t stride = 1) {
  auto ds = table::Dataset::Open(uri);
  ASSERT_TRUE(ds.ok()) << ds.status().ToString();
  auto versions = (*ds)->ListVersions();
  ASSERT_TRUE(versions.ok()) << versions.status().ToString();
  for (size_t i = 0; i < versions->size(); ++i) {
    ASSERT_EQ((*versions)[i].version, i + 1) << "versions are not gapless";
    if ((i + 1) % stride != 0 && i + 1 != versions->size()) continue;
    auto old = (*ds)->Checkout(i + 1);
    ASSERT_TRUE(old.ok()) << old.status().ToString();
    auto b = (*old)->ScanAll();
    ASSERT_TRUE(b.ok()) << "version " << i + 1 << ": " << b.status().ToString();
    EXPECT_EQ(static_cast<uint64_t>(b->num_rows), (*old)->CountRows()) << "version " << i + 1;
  }
}

// Each test runs on local disk ("local") and on the shared S3 test server ("s3").
class TableConcurrency : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    dir_ = testing::MakeTempDir("concurrency");
    if (GetParam() == "local") {
      uri_ = dir_ + "/t.lance";
      lancedb_uri_ = uri_;
      return;
    }
    auto server = testing::SharedS3TestServer();
    ASSERT_TRUE(server.ok()) << server.status().ToString();
    server_ = *server;
    static int counter = 0;
    std::string prefix = "/concurrency-" + std::to_string(getpid()) + "-" +
                         std::to_string(counter++) + "/t.lance";
    const testing::S3ServerInfo& info = server_->info();
    uri_ = server_->Uri(prefix);
    lancedb_uri_ = "s3://" + info.bucket + prefix;
    lancedb_options_ = " --storage-options " +
                       ShellQuote(testing::LanceDbS3StorageOptions(
                           info.endpoint, info.access_key_id, info.secret_access_key,
                           info.region));
  }
  bool s3() const { return server_ != nullptr; }

  // LanceDB's ids of the latest version.
  std::multiset<int64_t> LanceDbIds() {
    auto dump = RunCommand(Tool() + " dump " + ShellQuote(lancedb_uri_) + " --columns id" +
                           lancedb_options_);
    EXPECT_EQ(dump.exit_code, 0) << dump.err;
    std::multiset<int64_t> ids;
    std::istringstream lines(dump.out);
    for (std::string line; std::getline(lines, line);) {
      ids.insert(nlohmann::json::parse(line)["id"].get<int64_t>());
    }
    return ids;
  }

  // On S3: zero the proxy's counters before the concurrent phase.
  void ResetServerStats() {
    if (s3()) {
      ASSERT_TRUE(server_->ResetStats().ok());
    }
  }
  // On S3: the proxy saw conditional-PUT conflicts, and every conditional PUT was either one
  // of the `commits` new versions or a 412 conflict that its writer then retried (all writers
  // finished, so every conflict was followed by a later attempt).
  void ExpectConflictsRetried(uint64_t commits) {
    if (!s3()) return;
    auto text = server_->StatsJson();
    ASSERT_TRUE(text.ok()) << text.status().ToString();
    nlohmann::json st = nlohmann::json::parse(*text);
    int64_t conflicts = st["conditional_conflicts"].get<int64_t>();
    int64_t conditional = st["by_kind"]["put_if_absent"]["requests"].get<int64_t>();
    int64_t status412 = st["status"].value("412", 0);
    std::cout << "[ proxy    ] " << commits << " commits, " << conditional
              << " conditional PUTs, " << conflicts << " conflicts (412), "
              << st["requests"].get<int64_t>() << " requests\n";
    EXPECT_GT(conflicts, 0) << "the writers never contended: the test proves nothing";
    EXPECT_EQ(status412, conflicts);
    EXPECT_EQ(conditional, static_cast<int64_t>(commits) + conflicts);
    EXPECT_EQ(st["signature_failures"].get<int64_t>(), 0);
  }

  testing::S3TestServer* server_ = nullptr;
  std::string dir_, uri_, lancedb_uri_, lancedb_options_;
};

TEST_P(TableConcurrency, FourAppendersADeleterAndAReaderLoseNothing) {
  const std::string& dir = dir_;
  const std::string& uri = uri_;
  ASSERT_EQ(RunCommand(Worker() + " create " + ShellQuote(uri) + " x").exit_code, 0);
  ResetServerStats();
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
  ASSERT_TRUE(ds.ok()) << ds.status().ToString();
  std::multiset<int64_t> expect;
  for (int w = 0; w < 4; ++w) {
    for (int64_t i = w * 1000; i < w * 1000 + 100; ++i) {
      if (i % 10 != 0) expect.insert(i);
    }
  }
  EXPECT_EQ(IdsOf(**ds), expect);
  // 1 create + 400 appends + the deletes that matched something.
  EXPECT_GE((*ds)->version(), 401u);
  ExpectConflictsRetried((*ds)->version() - 1);
  CheckVersions(uri, s3() ? 25 : 1);
  // LanceDB reads the final version identically.
  EXPECT_EQ(LanceDbIds(), expect);
}

TEST_P(TableConcurrency, MixedLancetAndLanceDbWritersLoseNothing) {
  const std::string& dir = dir_;
  const std::string& uri = uri_;
  ASSERT_EQ(RunCommand(Worker() + " create " + ShellQuote(uri) + " x").exit_code, 0);
  {
    std::ofstream rows(dir + "/lancedb.jsonl");
    for (int64_t i = 5000; i < 5040; ++i) {
      rows << nlohmann::json{{"id", i}, {"writer", "lancedb"}}.dump() << "\n";
    }
  }
  ResetServerStats();
  std::string cmd = Worker() + " append " + ShellQuote(uri) + " 0 60 & " + Worker() +
                    " append " + ShellQuote(uri) + " 1000 60 & " + Tool() + " append-each " +
                    ShellQuote(lancedb_uri_) + " --input " + ShellQuote(dir + "/lancedb.jsonl") +
                    lancedb_options_ +
                    " & fail=0; for j in $(jobs -p); do wait $j || fail=1; done; exit $fail";
  auto r = RunCommand("bash -c " + ShellQuote(cmd));
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  auto ds = table::Dataset::Open(uri);
  ASSERT_TRUE(ds.ok()) << ds.status().ToString();
  std::multiset<int64_t> expect;
  for (int64_t i = 0; i < 60; ++i) expect.insert(i);
  for (int64_t i = 1000; i < 1060; ++i) expect.insert(i);
  for (int64_t i = 5000; i < 5040; ++i) expect.insert(i);
  EXPECT_EQ(IdsOf(**ds), expect);
  EXPECT_EQ((*ds)->version(), 1u + 160u);
  ExpectConflictsRetried(160);
  CheckVersions(uri, s3() ? 10 : 1);
  EXPECT_EQ(LanceDbIds(), expect);
}

INSTANTIATE_TEST_SUITE_P(Backends, TableConcurrency, ::testing::Values("local", "s3"),
                         [](const auto& info) { return info.param; });

}  // namespace
}  // namespace lancet
