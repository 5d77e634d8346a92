// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The lancet authors
//
// Issue 4, acceptance 4 (request counts) on a real S3-compatible server (s3rver behind the
// lancet test proxy) with 20 ms injected latency per request:
//  * opening the latest version costs at most 2 requests (LIST _versions/ + GET manifest);
//  * a one-row append on an open dataset costs at most 3 requests in at most 2 sequential round
//    trips (data file and transaction file in parallel, then the conditional manifest PUT);
// both counted by lancet (CountingFileSystem over the S3 backend) and by the server (the
// proxy's request and round-trip counters). Also: an append on a stale snapshot still lands on
// top of the latest version (the optimistic commit falls back to reload + rebase), and tables
// with more than one LIST page of versions (1,000 keys) open at their latest version, with V2
// names in one LIST page and with V1 names by listing everything.
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

#include "lancet/core/array_builder.h"
#include "lancet/io/counting_file_system.h"
#include "lancet/io/file_system.h"
#include "lancet/table/dataset.h"
#include "lancet/table/manifest.h"
#include "lancet/table/manifest_io.h"
#include "lancet/testing/s3_server_fixture.h"
#include "test_util.h"

namespace lancet {
namespace {

using table::Dataset;


Schema RowSchema() {
  Schema s;
  s.fields.push_back(Field{"id", int64(), false});
  s.fields.push_back(Field{"label", utf8(), true});
  return s;
}

RecordBatch Rows(int64_t start, int64_t n) {
  ArrayBuilder ids(int64()), labels(utf8());
  for (int64_t i = start; i < start + n; ++i) {
    EXPECT_TRUE(ids.AppendInt(i).ok());
    EXPECT_TRUE(labels.AppendBytes("row " + std::to_string(i)).ok());
  }
  RecordBatch b;
  b.schema = RowSchema();
  b.num_rows = n;
  b.columns = {*ids.Finish(), *labels.Finish()};
  return b;
}

struct ServerCounts {
  int64_t requests = 0;
  int64_t round_trips = 0;
  nlohmann::json log;
};

class S3RequestsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto server = testing::SharedS3TestServer();
    ASSERT_TRUE(server.ok()) << server.status().ToString();
    server_ = *server;
    static int counter = 0;
    uri_ = server_->Uri("/s3-requests-" + std::to_string(getpid()) + "-" +
                        std::to_string(counter++) + "/t.lance");
    stats_ = std::make_shared<io::IoStats>();
    auto stats = stats_;
    open_.wrap_fs = [stats](std::shared_ptr<io::FileSystem> base) {
      return std::shared_ptr<io::FileSystem>(
          std::make_shared<io::CountingFileSystem>(std::move(base), stats));
    };
  }
  void TearDown() override {
    if (server_) EXPECT_TRUE(server_->SetFaults("{}").ok());
  }
  // Zero both sides' counters before an operation.
  void Reset() {
    ASSERT_OK(server_->ResetStats());
    stats_->Reset();
  }
  ServerCounts Server() {
    ServerCounts c;
    auto j = server_->StatsJson();
    EXPECT_TRUE(j.ok()) << j.status().ToString();
    if (!j.ok()) return c;
    nlohmann::json s = nlohmann::json::parse(*j);
    c.requests = s["requests"].get<int64_t>();
    c.round_trips = s["sequential_round_trips"].get<int64_t>();
    c.log = s["requests_log"];
    return c;
  }
  static void Print(const std::string& op, const io::IoStatsSnapshot& mine,
                    const ServerCounts& theirs) {
    nlohmann::json j = {{"operation", op},
                        {"lancet_requests", mine.Total().requests},
                        {"lancet_round_trips", mine.sequential_round_trips},
                        {"server_requests", theirs.requests},
                        {"server_round_trips", theirs.round_trips},
                        {"server_log", theirs.log}};
    std::printf("%s\n", j.dump().c_str());
  }

  testing::S3TestServer* server_ = nullptr;
  std::string uri_;
  std::shared_ptr<io::IoStats> stats_;
  table::OpenOptions open_;
};

TEST_F(S3RequestsTest, OpenLatestAndOneRowAppend) {
  {
    table::WriteOptions wo;
    ASSERT_OK_AND_ASSIGN(auto created, Dataset::Create(uri_, RowSchema(), {Rows(0, 100)}, wo));
    ASSERT_OK_AND_ASSIGN(auto second, created->Append({Rows(100, 10)}));
    EXPECT_EQ(second->version(), 2u);
  }
  ASSERT_OK(server_->SetFaults(R"({"latency_ms": 20})"));

  Reset();
  ASSERT_OK_AND_ASSIGN(std::unique_ptr<Dataset> ds, Dataset::Open(uri_, open_));
  io::IoStatsSnapshot open_stats = stats_->Snapshot();
  ServerCounts open_server = Server();
  Print("open_latest", open_stats, open_server);
  EXPECT_EQ(ds->version(), 2u);
  EXPECT_LE(open_stats.Total().requests, 2);
  EXPECT_LE(open_server.requests, 2);
  EXPECT_EQ(open_stats.Total().requests, open_server.requests);

  Reset();
  ASSERT_OK_AND_ASSIGN(std::unique_ptr<Dataset> appended, ds->Append({Rows(110, 1)}));
  io::IoStatsSnapshot append_stats = stats_->Snapshot();
  ServerCounts append_server = Server();
  Print("append_one_row", append_stats, append_server);
  EXPECT_EQ(appended->version(), 3u);
  EXPECT_LE(append_stats.Total().requests, 3);
  EXPECT_LE(append_stats.sequential_round_trips, 2);
  EXPECT_LE(append_server.requests, 3);
  EXPECT_LE(append_server.round_trips, 2);
  EXPECT_EQ(append_stats.Total().requests, append_server.requests);
  // The manifest was created last, after both files it names were complete.
  ASSERT_EQ(append_server.log.size(), 3u);
  EXPECT_EQ(append_server.log[2]["kind"], "put_if_absent");
  EXPECT_NE(append_server.log[2]["round_trip"], append_server.log[0]["round_trip"]);

  ASSERT_OK(server_->SetFaults("{}"));
  ASSERT_OK_AND_ASSIGN(std::unique_ptr<Dataset> reopened, Dataset::Open(uri_));
  EXPECT_EQ(reopened->version(), 3u);
  EXPECT_EQ(reopened->CountRows(), 111u);
  ASSERT_OK_AND_ASSIGN(RecordBatch all, reopened->ScanAll());
  EXPECT_EQ(all.num_rows, 111);
}

// A snapshot that is no longer the latest: the optimistic commit at its version + 1 loses, and
// the append is rebased onto what was committed meanwhile (nothing lost, no version skipped).
TEST_F(S3RequestsTest, AppendOnStaleSnapshotRebases) {
  ASSERT_OK_AND_ASSIGN(auto created, Dataset::Create(uri_, RowSchema(), {Rows(0, 10)}));
  ASSERT_OK_AND_ASSIGN(std::unique_ptr<Dataset> stale, Dataset::Open(uri_));
  ASSERT_OK_AND_ASSIGN(std::unique_ptr<Dataset> other, Dataset::Open(uri_));
  ASSERT_OK_AND_ASSIGN(auto v2, other->Append({Rows(10, 5)}));
  ASSERT_OK_AND_ASSIGN(auto v3, v2->Append({Rows(15, 5)}));
  EXPECT_EQ(v3->version(), 3u);
  table::WriteOptions wo;
  wo.commit.max_retries = 0;  // the lost optimistic attempt is not a retry
  ASSERT_OK_AND_ASSIGN(auto mine, stale->Append({Rows(20, 1)}, wo));
  EXPECT_EQ(mine->version(), 4u);
  EXPECT_EQ(mine->CountRows(), 21u);
  ASSERT_OK_AND_ASSIGN(std::unique_ptr<Dataset> latest, Dataset::Open(uri_));
  EXPECT_EQ(latest->version(), 4u);
  ASSERT_OK_AND_ASSIGN(RecordBatch all, latest->ScanAll(table::ScanOptions{{"id"}}));
  ASSERT_EQ(all.num_rows, 21);
  std::vector<int64_t> ids(all.columns[0]->values_as<int64_t>(),
                           all.columns[0]->values_as<int64_t>() + all.num_rows);
  std::sort(ids.begin(), ids.end());
  for (int64_t i = 0; i < 21; ++i) EXPECT_EQ(ids[i], i);
}

// Versions 2..n of a table as manifests derived from version 1 (cheap: no data files, no
// transactions to check), uploaded in parallel.
void WriteVersions(io::FileSystem* fs, const std::string& base, const std::string& v1_path,
                   uint64_t n, table::ManifestNaming naming) {
  auto bytes = fs->ReadFile(v1_path);
  ASSERT_TRUE(bytes.ok()) << bytes.status().ToString();
  auto m = table::ParseManifest(*bytes, v1_path);
  ASSERT_TRUE(m.ok()) << m.status().ToString();
  std::atomic<uint64_t> next{2};
  std::atomic<bool> failed{false};
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&] {
      for (uint64_t v = next++; v <= n && !failed; v = next++) {
        table::Manifest mv = *m;
        mv.version = v;
        auto out = table::SerializeManifest(mv, "");
        Status st = out.ok() ? fs->WriteFile(base + "/_versions/" +
                                                 table::ManifestFileName(v, naming),
                                             *out)
                             : out.status();
        if (!st.ok()) {
          ADD_FAILURE() << st.ToString();
          failed = true;
        }
      }
    });
  }
  for (std::thread& t : threads) t.join();
}

TEST_F(S3RequestsTest, OpenLatestBeyondOneListPage) {
  constexpr uint64_t kVersions = 1234;  // more than one LIST page (1,000 keys)
  for (table::ManifestNaming naming : {table::ManifestNaming::kV2, table::ManifestNaming::kV1}) {
    const bool v2 = naming == table::ManifestNaming::kV2;
    std::string uri = server_->Uri("/s3-requests-pages-" + std::to_string(getpid()) +
                                   (v2 ? "-v2" : "-v1") + "/t.lance");
    table::WriteOptions wo;
    wo.manifest_naming = naming;
    ASSERT_OK_AND_ASSIGN(auto created, Dataset::Create(uri, RowSchema(), {Rows(0, 7)}, wo));
    ASSERT_OK_AND_ASSIGN(auto fs_path, io::FileSystemFromUri(uri));
    WriteVersions(fs_path.first.get(), fs_path.second, created->manifest_path(), kVersions,
                  naming);
    Reset();
    ASSERT_OK_AND_ASSIGN(std::unique_ptr<Dataset> ds, Dataset::Open(uri, open_));
    io::IoStatsSnapshot s = stats_->Snapshot();
    ServerCounts server = Server();
    Print(v2 ? "open_latest_1234_versions_v2" : "open_latest_1234_versions_v1", s,
          ServerCounts{server.requests, server.round_trips, nlohmann::json::array()});
    EXPECT_EQ(ds->version(), kVersions);
    EXPECT_EQ(ds->CountRows(), 7u);
    if (v2) {
      EXPECT_EQ(s[io::IoKind::kList].requests, 1);
      EXPECT_LE(s.Total().requests, 2);
      EXPECT_EQ(s.Total().requests, server.requests);
    } else {
      // V1 names sort as text: the first page is not enough and everything is listed (lancet
      // counts one List call, the server one request per page).
      EXPECT_GT(server.requests, 2);
      EXPECT_LE(s.Total().requests, server.requests);
    }
    // The commit path agrees: a one-row append lands on top.
    ASSERT_OK_AND_ASSIGN(auto appended, ds->Append({Rows(7, 1)}));
    EXPECT_EQ(appended->version(), kVersions + 1);
    ASSERT_OK_AND_ASSIGN(std::unique_ptr<Dataset> reopened, Dataset::Open(uri));
    EXPECT_EQ(reopened->version(), kVersions + 1);
    EXPECT_EQ(reopened->CountRows(), 8u);
  }
}

}  // namespace
}  // namespace lancet
