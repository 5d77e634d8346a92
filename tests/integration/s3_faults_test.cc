// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The lancet authors
//
// Issue 4, acceptance 5: "with injected 503s and dropped connections at 10% of requests, a
// 1,000-row ingest completes with no loss and no duplicate rows". The S3 test server's proxy
// (tests/s3/s3_proxy.mjs) injects, each independently at 3.5% of requests of every kind (about
// 10.1% of requests faulted in all):
//   - 503 SlowDown without forwarding,
//   - a connection destroyed before forwarding (the request never reaches s3rver),
//   - a connection destroyed after s3rver applied the request (the client cannot know that its
//     write happened; a retried conditional PUT then meets its own object).
// lancet ingests 1,000 rows with unique ids as a create and 99 appends of 10 rows (each: LIST,
// manifest GET, data PUT, transaction PUT, conditional manifest PUT), reopening the table every
// 10 batches and scanning it at the end, all under faults. Then, with faults
// disarmed, the table holds exactly the 1,000 rows, each id once, in exactly 100 gapless
// versions, and the proxy and lancet's own counters show that every kind of fault was injected
// and retried.
#include <gtest/gtest.h>
#include <unistd.h>

#include <map>
#include <nlohmann/json.hpp>
#include <string>

#include "lancet/core/base64.h"
#include "lancet/core/json_rows.h"
#include "lancet/io/s3_file_system.h"
#include "lancet/table/dataset.h"
#include "lancet/testing/s3_server_fixture.h"
#include "test_util.h"

namespace lancet {
namespace {

using table::Dataset;

constexpr int64_t kRows = 1000;
constexpr int64_t kBatch = 10;

const char* kSchemaJson = R"([
  {"name": "id", "type": "int64", "nullable": false},
  {"name": "batch", "type": "int32"},
  {"name": "payload", "type": "binary"}
])";

Schema TestSchema() {
  auto s = SchemaFromJson(kSchemaJson);
  EXPECT_TRUE(s.ok()) << s.status().ToString();
  return s.ok() ? *s : Schema{};
}

// Rows of batch `b` (ids b*kBatch ..); odd batches carry ~700-byte payloads.
std::string BatchJsonl(int64_t b) {
  std::string out;
  for (int64_t id = b * kBatch; id < (b + 1) * kBatch; ++id) {
    std::string bytes(static_cast<size_t>(b % 2 == 1 ? 700 + id % 50 : id % 40), '\0');
    for (size_t k = 0; k < bytes.size(); ++k) bytes[k] = static_cast<char>((id * 131 + k) & 0xff);
    out += nlohmann::json{{"id", id}, {"batch", b}, {"payload", Base64Encode(bytes)}}.dump() +
           "\n";
  }
  return out;
}

RecordBatch Batch(int64_t b) {
  auto r = testing::ParseRows(TestSchema(), BatchJsonl(b));
  EXPECT_TRUE(r.ok()) << r.status().ToString();
  return r.ok() ? *r : RecordBatch{};
}

class S3Faults : public ::testing::Test {
 protected:
  void SetUp() override {
    auto server = testing::SharedS3TestServer();
    ASSERT_TRUE(server.ok()) << server.status().ToString();
    server_ = *server;
  }
  void TearDown() override {
    if (server_ != nullptr) (void)server_->SetFaults("{}");
  }
  testing::S3TestServer* server_ = nullptr;
};

TEST_F(S3Faults, ThousandRowIngestThroughTenPercentFaultsLosesAndDuplicatesNothing) {
  // Ten attempts per request: with 10% faults an operation fails only if ten attempts in a row
  // are faulted (1e-10).
  std::string uri = server_->Uri("/s3-faults-" + std::to_string(getpid()) + "/t.lance",
                                 "max_retries=9");
  ASSERT_TRUE(server_->ResetStats().ok());
  ASSERT_TRUE(server_
                  ->SetFaults(R"({"slowdown_percent": 3.5, "drop_percent": 3.5,)"
                              R"( "drop_after_percent": 3.5, "seed": 20261124})")
                  .ok());

  table::WriteOptions wo;
  auto created = Dataset::Create(uri, TestSchema(), {Batch(0)}, wo);
  ASSERT_TRUE(created.ok()) << created.status().ToString();
  std::unique_ptr<Dataset> ds = std::move(*created);
  auto* s3fs = dynamic_cast<io::S3FileSystem*>(ds->fs().get());
  ASSERT_NE(s3fs, nullptr);
  std::shared_ptr<io::IoStats> lancet_stats = s3fs->stats();
  for (int64_t b = 1; b < kRows / kBatch; ++b) {
    if (b % 10 == 0) {
      // Also open the latest version under faults now and then (LIST + GET of the manifest).
      auto opened = Dataset::Open(uri);
      ASSERT_TRUE(opened.ok()) << "batch " << b << ": " << opened.status().ToString();
      ASSERT_EQ((*opened)->version(), static_cast<uint64_t>(b));
    }
    auto next = ds->Append({Batch(b)}, wo);
    ASSERT_TRUE(next.ok()) << "batch " << b << ": " << next.status().ToString();
    ds = std::move(*next);
  }
  // A full scan under faults sees every row too.
  auto under_faults = ds->ScanAll();
  ASSERT_TRUE(under_faults.ok()) << under_faults.status().ToString();
  EXPECT_EQ(under_faults->num_rows, kRows);
  io::IoStatsSnapshot ours = lancet_stats->Snapshot();

  ASSERT_TRUE(server_->SetFaults("{}").ok());
  auto text = server_->StatsJson();
  ASSERT_TRUE(text.ok()) << text.status().ToString();
  nlohmann::json st = nlohmann::json::parse(*text);

  // With faults disarmed, on a fresh handle: exactly the 1,000 rows, each id once, with the
  // content written, in exactly 100 versions (a commit applied twice would add a version).
  auto fresh = Dataset::Open(uri);
  ASSERT_TRUE(fresh.ok()) << fresh.status().ToString();
  EXPECT_EQ((*fresh)->version(), static_cast<uint64_t>(kRows / kBatch));
  EXPECT_EQ((*fresh)->CountRows(), static_cast<uint64_t>(kRows));
  auto got = (*fresh)->ScanAll();
  ASSERT_TRUE(got.ok()) << got.status().ToString();
  ASSERT_EQ(got->num_rows, kRows);
  std::map<int64_t, int> seen;
  const int64_t* ids = got->columns[0]->values_as<int64_t>();
  for (int64_t i = 0; i < got->num_rows; ++i) ++seen[ids[i]];
  ASSERT_EQ(seen.size(), static_cast<size_t>(kRows));
  for (const auto& [id, n] : seen) {
    ASSERT_TRUE(id >= 0 && id < kRows) << id;
    ASSERT_EQ(n, 1) << "id " << id << " appears " << n << " times";
  }
  std::string all;
  for (int64_t b = 0; b < kRows / kBatch; ++b) all += BatchJsonl(b);
  auto expected = testing::ParseRows(TestSchema(), all);
  ASSERT_TRUE(expected.ok());
  EXPECT_EQ(testing::DiffBatches(testing::SortByInt64Column(*expected, "id"),
                                 testing::SortByInt64Column(*got, "id")),
            "");
  auto versions = (*fresh)->ListVersions();
  ASSERT_TRUE(versions.ok()) << versions.status().ToString();
  ASSERT_EQ(versions->size(), static_cast<size_t>(kRows / kBatch));
  for (size_t i = 0; i < versions->size(); ++i) EXPECT_EQ((*versions)[i].version, i + 1);

  // The faults really happened, every kind of them, at about the configured rate.
  int64_t requests = st["requests"].get<int64_t>();
  int64_t slowdown = st["injected"]["slowdown"].get<int64_t>();
  int64_t drop_before = st["injected"]["drop_before"].get<int64_t>();
  int64_t drop_after = st["injected"]["drop_after"].get<int64_t>();
  std::cout << "[ proxy    ] " << requests << " requests, injected " << slowdown
            << " SlowDown, " << drop_before << " dropped before, " << drop_after
            << " dropped after applying; by kind " << st["by_kind"].dump() << "\n";
  std::cout << "[ lancet   ] " << ours.ToJson() << "\n";
  EXPECT_GT(slowdown, 0);
  EXPECT_GT(drop_before, 0);
  EXPECT_GT(drop_after, 0);
  EXPECT_GE(slowdown + drop_before + drop_after, requests / 20) << "fewer than 5% faulted";
  EXPECT_EQ(st["signature_failures"].get<int64_t>(), 0);
  // PUTs, conditional PUTs, GETs and LISTs were all exercised, and lancet retried requests of
  // each kind (data and transaction PUTs, commits, reads). (Data files of this size are single
  // PUTs; multipart retries are covered by src/lancet/io/s3_file_system_test.cc.)
  for (const char* kind : {"put", "put_if_absent", "get", "list"}) {
    EXPECT_GT(st["by_kind"].value(kind, nlohmann::json::object()).value("requests", 0), 0)
        << kind;
  }
  for (io::IoKind kind : {io::IoKind::kPut, io::IoKind::kPutIfAbsent, io::IoKind::kGet,
                          io::IoKind::kList}) {
    EXPECT_GT(ours[kind].retries, 0) << io::IoKindName(kind);
  }
}

}  // namespace
}  // namespace lancet
