// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The lancet authors
//
// The S3 backend against a real S3-compatible server (s3rver behind the lancet test proxy,
// started by lancet::testing::S3TestServer): every operation, pagination, multipart, ranged
// reads and coalescing (counted server-side), conditional-PUT races, retries on injected 503
// SlowDown / dropped connections / stalls, and a Lance file written and read through s3://.
#include "lancet/io/s3_file_system.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <random>
#include <sstream>
#include <thread>

#include <nlohmann/json.hpp>

#include "lancet/core/json_rows.h"
#include "lancet/file/file_reader.h"
#include "lancet/file/file_writer.h"
#include "lancet/io/counting_file_system.h"
#include "lancet/io/test_util_internal.h"
#include "lancet/testing/s3_server_fixture.h"

namespace lancet::io {
namespace {

using testing::PatternBuffer;
using testing::StringBuffer;

class S3FileSystemTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto server = lancet::testing::SharedS3TestServer();
    ASSERT_TRUE(server.ok()) << server.status().ToString();
    server_ = *server;
    LANCET_IO_ASSERT_OK(server_->SetFaults("{}"));
    fs_ = MakeFs(server_->Options());
    ASSERT_NE(fs_, nullptr);
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    root_ = std::string("/t/") + info->name();
    LANCET_IO_ASSERT_OK(fs_->DeleteDir(root_));
    LANCET_IO_ASSERT_OK(server_->ResetStats());
    fs_->stats()->Reset();
  }

  void TearDown() override {
    if (server_ != nullptr) (void)server_->SetFaults("{}");
  }

  static std::shared_ptr<S3FileSystem> MakeFs(S3Options o) {
    auto fs = S3FileSystem::Make(std::move(o));
    EXPECT_TRUE(fs.ok()) << fs.status().ToString();
    return fs.ok() ? *fs : nullptr;
  }

  std::string P(const std::string& rel) const { return root_ + "/" + rel; }

  std::string ReadString(const std::string& path) {
    Result<Buffer> r = fs_->ReadFile(path);
    if (!r.ok()) return "<" + r.status().ToString() + ">";
    return std::string(r->view());
  }

  std::vector<std::string> ListPaths(const std::string& dir, bool recursive) {
    std::vector<std::string> out;
    Result<std::vector<FileInfo>> r = fs_->List(dir, recursive);
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    if (!r.ok()) return out;
    for (const FileInfo& i : *r) {
      out.push_back(i.path.substr(root_.size() + 1) + (i.is_dir ? "/" : ""));
    }
    return out;
  }

  nlohmann::json ServerStats() {
    auto s = server_->StatsJson();
    EXPECT_TRUE(s.ok()) << s.status().ToString();
    return s.ok() ? nlohmann::json::parse(*s) : nlohmann::json::object();
  }

  static int64_t Kind(const nlohmann::json& stats, const std::string& kind) {
    if (!stats["by_kind"].contains(kind)) return 0;
    return stats["by_kind"][kind]["requests"].get<int64_t>();
  }

  lancet::testing::S3TestServer* server_ = nullptr;
  std::shared_ptr<S3FileSystem> fs_;
  std::string root_;
};

TEST_F(S3FileSystemTest, WriteReadOverwrite) {
  LANCET_IO_ASSERT_OK(fs_->WriteFile(P("a.txt"), StringBuffer("hello")));
  EXPECT_EQ(ReadString(P("a.txt")), "hello");
  LANCET_IO_ASSIGN_OR_FAIL(FileInfo info, fs_->GetFileInfo(P("a.txt")));
  EXPECT_EQ(info.size, 5);
  EXPECT_FALSE(info.is_dir);
  EXPECT_GT(info.mtime_ns, 0);
  LANCET_IO_ASSERT_OK(fs_->WriteFile(P("a.txt"), StringBuffer("bye")));
  EXPECT_EQ(ReadString(P("a.txt")), "bye");
  LANCET_IO_ASSERT_OK(fs_->WriteFile(P("empty"), Buffer()));
  EXPECT_EQ(ReadString(P("empty")), "");
  // Keys that need encoding in paths, queries and XML.
  for (std::string name : {"sp ace", "plus+eq=amp&", "uni\xc3\xa9", "pct%41", "q?x#y", "<x>"}) {
    LANCET_IO_ASSERT_OK(fs_->WriteFile(P("odd/" + name), StringBuffer(name)));
    EXPECT_EQ(ReadString(P("odd/" + name)), name);
  }
  EXPECT_EQ(ListPaths(P("odd"), false).size(), 6u);
  EXPECT_EQ(Kind(ServerStats(), "put"), 9);
  EXPECT_EQ(ServerStats()["signature_failures"], 0);
}

TEST_F(S3FileSystemTest, MissingPathsAndDirectories) {
  EXPECT_TRUE(fs_->GetFileInfo(P("nope")).status().IsNotFound());
  EXPECT_TRUE(fs_->OpenInputFile(P("nope")).status().IsNotFound());
  EXPECT_TRUE(fs_->ReadFile(P("nope")).status().IsNotFound());
  LANCET_IO_ASSIGN_OR_FAIL(bool exists, fs_->Exists(P("nope")));
  EXPECT_FALSE(exists);
  LANCET_IO_ASSERT_OK(fs_->WriteFile(P("a/b/c.bin"), StringBuffer("c")));
  LANCET_IO_ASSIGN_OR_FAIL(FileInfo a, fs_->GetFileInfo(P("a")));
  EXPECT_TRUE(a.is_dir);
  LANCET_IO_ASSIGN_OR_FAIL(exists, fs_->Exists(P("a/b")));
  EXPECT_TRUE(exists);
  EXPECT_TRUE(fs_->OpenInputFile(P("a")).status().IsIOError());
  LANCET_IO_ASSERT_OK(fs_->CreateDir(P("d1/d2")));
  LANCET_IO_ASSERT_OK(fs_->CreateDir(P("d1/d2")));  // idempotent
  LANCET_IO_ASSIGN_OR_FAIL(FileInfo d, fs_->GetFileInfo(P("d1/d2")));
  EXPECT_TRUE(d.is_dir);
  EXPECT_TRUE(fs_->CreateDir(P("a/b/c.bin")).IsIOError());
  EXPECT_TRUE(ListPaths(P("d1/d2"), false).empty());
  EXPECT_EQ(ListPaths(P("d1"), false), (std::vector<std::string>{"d1/d2/"}));
}

TEST_F(S3FileSystemTest, List) {
  for (const char* f : {"b.txt", "a.txt", "sub/z.txt", "sub/deeper/y.txt", "c/x.txt"}) {
    LANCET_IO_ASSERT_OK(fs_->WriteFile(P(f), StringBuffer(f)));
  }
  LANCET_IO_ASSERT_OK(fs_->CreateDir(P("emptydir")));
  EXPECT_EQ(ListPaths(root_, false),
            (std::vector<std::string>{"a.txt", "b.txt", "c/", "emptydir/", "sub/"}));
  EXPECT_EQ(ListPaths(root_, true), (std::vector<std::string>{"a.txt", "b.txt", "c/x.txt",
                                                              "sub/deeper/y.txt", "sub/z.txt"}));
  EXPECT_EQ(ListPaths(P("sub"), false), (std::vector<std::string>{"sub/deeper/", "sub/z.txt"}));
  EXPECT_EQ(ListPaths(P("sub") + "/", false),
            (std::vector<std::string>{"sub/deeper/", "sub/z.txt"}));
  EXPECT_TRUE(ListPaths(P("missing"), true).empty());
  EXPECT_TRUE(ListPaths(P("emptydir"), false).empty());
  LANCET_IO_ASSIGN_OR_FAIL(std::vector<FileInfo> infos, fs_->List(P("sub"), false));
  ASSERT_EQ(infos.size(), 2u);
  EXPECT_TRUE(infos[0].is_dir);
  EXPECT_EQ(infos[1].size, 9);
  EXPECT_GT(infos[1].mtime_ns, 0);
  // A directory named like a prefix of a file is not confused with it.
  LANCET_IO_ASSERT_OK(fs_->WriteFile(P("subway"), StringBuffer("x")));
  EXPECT_EQ(ListPaths(P("sub"), true), (std::vector<std::string>{"sub/deeper/y.txt", "sub/z.txt"}));
}

TEST_F(S3FileSystemTest, ListPaginates) {
  S3Options o = server_->Options();
  o.list_page_size = 7;
  auto fs = MakeFs(o);
  constexpr int kFiles = 30;
  std::vector<std::string> expected;
  for (int i = 0; i < kFiles; ++i) {
    char name[16];
    std::snprintf(name, sizeof(name), "f%03d", i);
    expected.push_back(name);
    LANCET_IO_ASSERT_OK(fs->WriteFile(P(std::string("pages/") + name), StringBuffer(name)));
  }
  for (int i = 0; i < 5; ++i) {
    LANCET_IO_ASSERT_OK(fs->WriteFile(P("pages/dir" + std::to_string(i) + "/x"), StringBuffer("x")));
  }
  LANCET_IO_ASSERT_OK(server_->ResetStats());
  LANCET_IO_ASSIGN_OR_FAIL(std::vector<FileInfo> flat, fs->List(P("pages"), false));
  ASSERT_EQ(flat.size(), static_cast<size_t>(kFiles + 5));
  // 30 files + 5 common prefixes, 7 per page: 5 pages.
  EXPECT_EQ(Kind(ServerStats(), "list"), 5);
  for (int i = 0; i < kFiles; ++i) {
    EXPECT_EQ(flat[5 + i].path, P("pages/" + expected[i]));
    EXPECT_EQ(flat[5 + i].size, 4);
  }
  LANCET_IO_ASSIGN_OR_FAIL(std::vector<FileInfo> deep, fs->List(P("pages"), true));
  EXPECT_EQ(deep.size(), static_cast<size_t>(kFiles + 5));
  EXPECT_TRUE(std::is_sorted(deep.begin(), deep.end(),
                             [](const FileInfo& a, const FileInfo& b) { return a.path < b.path; }));
  // The client's own counters agree with the server's.
  EXPECT_EQ(fs->stats()->Snapshot()[IoKind::kList].requests, 5 + 5);
  // ListFirst stops after the page that holds the first n entries.
  LANCET_IO_ASSERT_OK(server_->ResetStats());
  LANCET_IO_ASSIGN_OR_FAIL(std::vector<FileInfo> first, fs->ListFirst(P("pages"), 7));
  EXPECT_EQ(Kind(ServerStats(), "list"), 1);
  ASSERT_GE(first.size(), 7u);  // s3rver may add common prefixes beyond max-keys
  for (size_t i = 0; i < first.size(); ++i) EXPECT_EQ(first[i].path, flat[i].path);
  LANCET_IO_ASSIGN_OR_FAIL(first, fs->ListFirst(P("pages"), 20));
  EXPECT_LE(Kind(ServerStats(), "list"), 1 + 3);
  EXPECT_LT(Kind(ServerStats(), "list"), 1 + 5);  // not every page
  ASSERT_GE(first.size(), 20u);
  for (size_t i = 0; i < first.size(); ++i) EXPECT_EQ(first[i].path, flat[i].path);
}

TEST_F(S3FileSystemTest, OutputStreamSinglePut) {
  LANCET_IO_ASSIGN_OR_FAIL(std::unique_ptr<OutputStream> out, fs_->OpenOutputStream(P("s.bin")));
  Buffer big = PatternBuffer(1 << 20);
  LANCET_IO_ASSERT_OK(out->Write("abc", 3));
  LANCET_IO_ASSERT_OK(out->Write(big));
  LANCET_IO_ASSIGN_OR_FAIL(int64_t pos, out->Tell());
  EXPECT_EQ(pos, 3 + (1 << 20));
  LANCET_IO_ASSIGN_OR_FAIL(bool exists, fs_->Exists(P("s.bin")));
  EXPECT_FALSE(exists);
  LANCET_IO_ASSERT_OK(out->Close());
  LANCET_IO_ASSERT_OK(out->Close());
  EXPECT_TRUE(out->Write("x", 1).IsInvalidArgument());
  LANCET_IO_ASSIGN_OR_FAIL(Buffer got, fs_->ReadFile(P("s.bin")));
  ASSERT_EQ(got.size(), 3 + (1 << 20));
  EXPECT_TRUE(got.Slice(3, 1 << 20).Equals(big));
  nlohmann::json s = ServerStats();
  EXPECT_EQ(Kind(s, "put"), 1);
  EXPECT_EQ(Kind(s, "create_multipart"), 0);
}

TEST_F(S3FileSystemTest, OutputStreamMultipartEqualParts) {
  S3Options o = server_->Options();
  o.part_size = 5 * 1024 * 1024;  // S3's minimum
  auto fs = MakeFs(o);
  const int64_t total = 2 * o.part_size + 12345;
  Buffer data = PatternBuffer(total, 3);
  LANCET_IO_ASSIGN_OR_FAIL(std::unique_ptr<OutputStream> out, fs->OpenOutputStream(P("mp.bin")));
  // Odd-sized writes; parts must still be exactly part_size (R2 requires equal parts).
  int64_t off = 0;
  std::mt19937 rng(1);
  while (off < total) {
    int64_t n = std::min<int64_t>(total - off, 1 + rng() % (3 << 20));
    LANCET_IO_ASSERT_OK(out->Write(data.data() + off, n));
    off += n;
  }
  LANCET_IO_ASSIGN_OR_FAIL(bool exists, fs->Exists(P("mp.bin")));
  EXPECT_FALSE(exists);  // parts are uploaded, but nothing is visible before Close
  LANCET_IO_ASSERT_OK(out->Close());
  nlohmann::json s = ServerStats();
  EXPECT_EQ(Kind(s, "create_multipart"), 1);
  EXPECT_EQ(Kind(s, "upload_part"), 3);
  EXPECT_EQ(Kind(s, "complete_multipart"), 1);
  EXPECT_EQ(s["by_kind"]["upload_part"]["bytes_in"].get<int64_t>(), total);
  LANCET_IO_ASSIGN_OR_FAIL(Buffer got, fs->ReadFile(P("mp.bin")));
  EXPECT_TRUE(got.Equals(data));

  // Abort discards the upload and keeps the old object.
  LANCET_IO_ASSERT_OK(server_->ResetStats());
  {
    LANCET_IO_ASSIGN_OR_FAIL(auto out2, fs->OpenOutputStream(P("mp.bin")));
    LANCET_IO_ASSERT_OK(out2->Write(data.data(), o.part_size + 1));
    LANCET_IO_ASSERT_OK(out2->Abort());
  }
  s = ServerStats();
  EXPECT_EQ(Kind(s, "abort_multipart"), 1);
  LANCET_IO_ASSIGN_OR_FAIL(Buffer still, fs->ReadFile(P("mp.bin")));
  EXPECT_TRUE(still.Equals(data));
}

TEST_F(S3FileSystemTest, OutputStreamAbortKeepsOldFile) {
  LANCET_IO_ASSERT_OK(fs_->WriteFile(P("keep"), StringBuffer("old")));
  {
    LANCET_IO_ASSIGN_OR_FAIL(auto out, fs_->OpenOutputStream(P("keep")));
    LANCET_IO_ASSERT_OK(out->Write("new!", 4));
    LANCET_IO_ASSERT_OK(out->Abort());
  }
  {
    LANCET_IO_ASSIGN_OR_FAIL(auto out, fs_->OpenOutputStream(P("keep")));
    LANCET_IO_ASSERT_OK(out->Write("new!", 4));
  }
  EXPECT_EQ(ReadString(P("keep")), "old");
  EXPECT_EQ(ListPaths(root_, true), (std::vector<std::string>{"keep"}));
}

TEST_F(S3FileSystemTest, ReadAtIsOneRangedGet) {
  Buffer data = PatternBuffer(10000);
  LANCET_IO_ASSERT_OK(fs_->WriteFile(P("f"), data));
  LANCET_IO_ASSERT_OK(server_->ResetStats());
  // Known size: no HEAD at all.
  LANCET_IO_ASSIGN_OR_FAIL(std::shared_ptr<RandomAccessFile> f, fs_->OpenInputFile(P("f"), 10000));
  LANCET_IO_ASSIGN_OR_FAIL(Buffer mid, f->ReadAt(1234, 100));
  EXPECT_TRUE(mid.Equals(data.Slice(1234, 100)));
  LANCET_IO_ASSIGN_OR_FAIL(Buffer none, f->ReadAt(10000, 0));
  EXPECT_EQ(none.size(), 0);
  nlohmann::json s = ServerStats();
  EXPECT_EQ(Kind(s, "head"), 0);
  EXPECT_EQ(Kind(s, "get"), 1);
  ASSERT_EQ(s["gets"].size(), 1u);
  EXPECT_EQ(s["gets"][0]["range"], "bytes=1234-1333");
  EXPECT_EQ(s["by_kind"]["get"]["bytes_out"].get<int64_t>(), 100);
  // Bounds are checked before any request.
  Result<Buffer> past = f->ReadAt(9990, 20);
  ASSERT_TRUE(past.status().IsIOError());
  EXPECT_NE(past.status().message().find("10000"), std::string::npos);
  EXPECT_TRUE(f->ReadAt(-1, 5).status().IsInvalidArgument());
  EXPECT_EQ(Kind(ServerStats(), "get"), 1);
  // Without the size: one HEAD. ReadFile: one GET, no HEAD.
  LANCET_IO_ASSERT_OK(server_->ResetStats());
  LANCET_IO_ASSIGN_OR_FAIL(auto g, fs_->OpenInputFile(P("f")));
  LANCET_IO_ASSIGN_OR_FAIL(int64_t size, g->GetSize());
  EXPECT_EQ(size, 10000);
  LANCET_IO_ASSIGN_OR_FAIL(Buffer all, fs_->ReadFile(P("f")));
  EXPECT_TRUE(all.Equals(data));
  s = ServerStats();
  EXPECT_EQ(Kind(s, "head"), 1);
  EXPECT_EQ(Kind(s, "get"), 1);
  // A wrong known size shows as an error, not as a short buffer.
  LANCET_IO_ASSIGN_OR_FAIL(auto wrong, fs_->OpenInputFile(P("f"), 20000));
  EXPECT_FALSE(wrong->ReadAt(9000, 2000).ok());
}

TEST_F(S3FileSystemTest, ReadManyCoalescesAndRunsInParallel) {
  Buffer data = PatternBuffer(1 << 20, 9);
  LANCET_IO_ASSERT_OK(fs_->WriteFile(P("f"), data));
  LANCET_IO_ASSIGN_OR_FAIL(auto f, fs_->OpenInputFile(P("f"), data.size()));
  CoalesceOptions co = f->coalesce_options();
  EXPECT_EQ(co.hole_size_limit, Capabilities::kCloudBlockSize);
  // Three clusters far apart (> 64 KiB holes), each of ranges with small holes.
  std::vector<ReadRange> ranges = {{0, 100},      {200, 300},     {1000, 10},   // cluster 1
                                   {300000, 50},  {310000, 5000},               // cluster 2
                                   {900000, 1},   {900001, 1},    {950000, 10}, // cluster 3
                                   {5, 10}};                                   // inside 1
  LANCET_IO_ASSERT_OK(server_->ResetStats());
  LANCET_IO_ASSIGN_OR_FAIL(std::vector<Buffer> got, f->ReadMany(ranges));
  ASSERT_EQ(got.size(), ranges.size());
  for (size_t i = 0; i < ranges.size(); ++i) {
    EXPECT_TRUE(got[i].Equals(data.Slice(ranges[i].offset, ranges[i].length))) << i;
  }
  LANCET_IO_ASSIGN_OR_FAIL(ReadPlan plan, ReadPlan::Make(ranges, co));
  EXPECT_EQ(plan.requests.size(), 3u);
  nlohmann::json s = ServerStats();
  EXPECT_EQ(Kind(s, "get"), static_cast<int64_t>(plan.requests.size()));
  EXPECT_EQ(s["by_kind"]["get"]["bytes_out"].get<int64_t>(), plan.bytes_to_read());

  // Large reads are split into parallel requests of at most max_request_size.
  S3Options o = server_->Options();
  o.capabilities.max_request_size = 256 * 1024;
  auto fs = MakeFs(o);
  LANCET_IO_ASSIGN_OR_FAIL(auto g, fs->OpenInputFile(P("f"), data.size()));
  LANCET_IO_ASSERT_OK(server_->ResetStats());
  LANCET_IO_ASSIGN_OR_FAIL(std::vector<Buffer> whole, g->ReadMany({{0, data.size()}}));
  EXPECT_TRUE(whole[0].Equals(data));
  EXPECT_EQ(Kind(ServerStats(), "get"), 4);
  IoStatsSnapshot snap = fs->stats()->Snapshot();
  EXPECT_EQ(snap[IoKind::kGet].requests, 4);
  EXPECT_EQ(snap[IoKind::kGet].bytes_read, data.size());
  // Parallel requests overlap: fewer sequential round trips than requests.
  EXPECT_GE(snap.sequential_round_trips, 1);
  EXPECT_LE(snap.sequential_round_trips, 4);
}

TEST_F(S3FileSystemTest, PutIfAbsent) {
  LANCET_IO_ASSERT_OK(fs_->PutIfAbsent(P("v/1.manifest"), StringBuffer("one")));
  Status again = fs_->PutIfAbsent(P("v/1.manifest"), StringBuffer("two"));
  EXPECT_TRUE(again.IsAlreadyExists()) << again.ToString();
  EXPECT_EQ(ReadString(P("v/1.manifest")), "one");
  nlohmann::json s = ServerStats();
  EXPECT_EQ(Kind(s, "put_if_absent"), 2);
  EXPECT_EQ(s["conditional_conflicts"], 1);
  EXPECT_EQ(s["status"]["412"], 1);
  EXPECT_EQ(fs_->stats()->Snapshot().http_status[412], 1);
  EXPECT_EQ(ListPaths(P("v"), false), (std::vector<std::string>{"v/1.manifest"}));
}

TEST_F(S3FileSystemTest, PutIfAbsentRaceHasExactlyOneWinner) {
  constexpr int kThreads = 8;
  constexpr int kRounds = 10;
  for (int round = 0; round < kRounds; ++round) {
    std::string path = P("race/" + std::to_string(round));
    std::atomic<int> winners{0}, losers{0}, winner_id{-1};
    std::atomic<bool> go{false};
    std::vector<std::thread> threads;
    for (int t = 0; t < kThreads; ++t) {
      threads.emplace_back([&, t] {
        while (!go.load()) std::this_thread::yield();
        Status st = fs_->PutIfAbsent(path, StringBuffer("writer-" + std::to_string(t)));
        if (st.ok()) {
          winners++;
          winner_id = t;
        } else if (st.IsAlreadyExists()) {
          losers++;
        }
      });
    }
    go = true;
    for (auto& t : threads) t.join();
    ASSERT_EQ(winners.load(), 1) << "round " << round;
    ASSERT_EQ(losers.load(), kThreads - 1) << "round " << round;
    EXPECT_EQ(ReadString(path), "writer-" + std::to_string(winner_id.load()));
  }
  EXPECT_EQ(ServerStats()["conditional_conflicts"].get<int>(), kRounds * (kThreads - 1));
}

TEST_F(S3FileSystemTest, DeleteRenameAndBatches) {
  LANCET_IO_ASSERT_OK(fs_->WriteFile(P("a"), StringBuffer("a")));
  LANCET_IO_ASSERT_OK(fs_->DeleteFile(P("a")));
  LANCET_IO_ASSERT_OK(fs_->DeleteFile(P("a")));  // idempotent
  S3Options o = server_->Options();
  o.delete_batch_size = 4;  // S3 takes 1000 keys per request; batching is the same code
  auto fs = MakeFs(o);
  std::vector<std::string> many;
  for (int i = 0; i < 10; ++i) {
    many.push_back(P("many/" + std::to_string(i) + (i % 3 ? "" : " &<odd>")));
    LANCET_IO_ASSERT_OK(fs->WriteFile(many.back(), StringBuffer("x")));
  }
  LANCET_IO_ASSERT_OK(fs->WriteFile(P("many/keep"), StringBuffer("x")));
  LANCET_IO_ASSERT_OK(server_->ResetStats());
  many.push_back(P("many/missing"));
  LANCET_IO_ASSERT_OK(fs->DeleteFiles(many));
  EXPECT_EQ(Kind(ServerStats(), "delete_objects"), 3) << ServerStats().dump();  // 11 keys / 4
  EXPECT_EQ(ListPaths(P("many"), true), (std::vector<std::string>{"many/keep"}));

  LANCET_IO_ASSERT_OK(fs_->WriteFile(P("d/x"), StringBuffer("x")));
  LANCET_IO_ASSERT_OK(fs_->WriteFile(P("d/e/y"), StringBuffer("y")));
  LANCET_IO_ASSERT_OK(fs_->CreateDir(P("d/empty")));
  LANCET_IO_ASSERT_OK(fs_->WriteFile(P("dd"), StringBuffer("sibling with a common prefix")));
  LANCET_IO_ASSERT_OK(fs_->DeleteDir(P("d")));
  EXPECT_TRUE(fs_->GetFileInfo(P("d")).status().IsNotFound());
  EXPECT_EQ(ListPaths(root_, true), (std::vector<std::string>{"dd", "many/keep"}));
  LANCET_IO_ASSERT_OK(fs_->DeleteDir(P("d")));
  EXPECT_TRUE(fs_->DeleteDir(P("dd")).IsIOError());

  LANCET_IO_ASSERT_OK(fs_->Rename(P("dd"), P("to/nested name")));
  EXPECT_TRUE(fs_->GetFileInfo(P("dd")).status().IsNotFound());
  EXPECT_EQ(ReadString(P("to/nested name")), "sibling with a common prefix");
  EXPECT_TRUE(fs_->Rename(P("missing"), P("x")).IsNotFound());
}

TEST_F(S3FileSystemTest, RetriesSlowDown) {
  LANCET_IO_ASSERT_OK(server_->SetFaults(R"({"slowdown_count": 3})"));
  LANCET_IO_ASSERT_OK(fs_->WriteFile(P("w"), StringBuffer("payload")));
  EXPECT_EQ(ReadString(P("w")), "payload");
  nlohmann::json s = ServerStats();
  EXPECT_EQ(s["injected"]["slowdown"], 3);
  EXPECT_EQ(s["status"]["503"], 3);
  IoStatsSnapshot snap = fs_->stats()->Snapshot();
  EXPECT_EQ(snap.http_status[503], 3);
  EXPECT_EQ(snap[IoKind::kPut].retries, 3);
  EXPECT_EQ(snap[IoKind::kPut].requests, 4);  // every attempt is a billed request
  EXPECT_EQ(snap[IoKind::kPut].errors, 3);

  // Throttling that does not stop: the error names the cause, after max_retries + 1 attempts.
  S3Options o = server_->Options();
  o.retry.max_retries = 2;
  auto fs = MakeFs(o);
  LANCET_IO_ASSERT_OK(server_->SetFaults(R"({"slowdown_count": 100})"));
  Status st = fs->WriteFile(P("w2"), StringBuffer("x"));
  ASSERT_TRUE(st.IsIOError()) << st.ToString();
  EXPECT_NE(st.message().find("SlowDown"), std::string::npos) << st.ToString();
  EXPECT_EQ(fs->stats()->Snapshot()[IoKind::kPut].requests, 3);
  LANCET_IO_ASSERT_OK(server_->SetFaults("{}"));
  EXPECT_TRUE(fs_->GetFileInfo(P("w2")).status().IsNotFound());
}

TEST_F(S3FileSystemTest, RetriesDroppedConnections) {
  Buffer data = PatternBuffer(200000, 5);
  LANCET_IO_ASSERT_OK(fs_->WriteFile(P("f"), data));
  LANCET_IO_ASSERT_OK(server_->SetFaults(R"({"drop_before_count": 3, "kinds": ["get"]})"));
  LANCET_IO_ASSIGN_OR_FAIL(auto f, fs_->OpenInputFile(P("f"), data.size()));
  LANCET_IO_ASSIGN_OR_FAIL(Buffer b, f->ReadAt(1000, 50000));
  EXPECT_TRUE(b.Equals(data.Slice(1000, 50000)));
  nlohmann::json s = ServerStats();
  EXPECT_EQ(s["injected"]["drop_before"], 3);
  EXPECT_EQ(Kind(s, "get"), 4);
  // libcurl itself re-sends a request once when a *reused* connection turns out dead, so an
  // attempt of ours can absorb one drop below us (its second connection is fresh); three
  // drops need at least two attempts.
  IoStatsSnapshot snap = fs_->stats()->Snapshot();
  EXPECT_GE(snap[IoKind::kGet].retries, 1);
  EXPECT_LE(snap[IoKind::kGet].retries, 3);
  EXPECT_EQ(snap.http_status[0], snap[IoKind::kGet].retries);

  // Conditional PUTs always use a fresh connection (libcurl must not replay them), so every
  // drop is one retry of ours.
  LANCET_IO_ASSERT_OK(server_->SetFaults(R"({"drop_before_count": 2, "kinds": ["put_if_absent"]})"));
  LANCET_IO_ASSERT_OK(fs_->PutIfAbsent(P("c"), StringBuffer("c")));
  EXPECT_EQ(ReadString(P("c")), "c");
  snap = fs_->stats()->Snapshot();
  EXPECT_EQ(snap[IoKind::kPutIfAbsent].retries, 2);
  EXPECT_EQ(snap[IoKind::kPutIfAbsent].requests, 3);
  EXPECT_EQ(ServerStats()["conditional_conflicts"], 0);
}

TEST_F(S3FileSystemTest, LostResponsesLoseNoWriteAndDuplicateNone) {
  // The server applies the conditional PUT, then the connection drops: the retry finds the
  // key taken, recognises its own bytes and reports success.
  LANCET_IO_ASSERT_OK(server_->SetFaults(R"({"drop_after_count": 1, "kinds": ["put_if_absent"]})"));
  LANCET_IO_ASSERT_OK(fs_->PutIfAbsent(P("_versions/1.manifest"), StringBuffer("mine")));
  nlohmann::json s = ServerStats();
  EXPECT_EQ(s["injected"]["drop_after"], 1);
  EXPECT_EQ(Kind(s, "put_if_absent"), 2);
  EXPECT_EQ(s["conditional_conflicts"], 1);
  EXPECT_EQ(ReadString(P("_versions/1.manifest")), "mine");
  // ...whereas someone else's object at the key is still a conflict, retried or not.
  LANCET_IO_ASSERT_OK(server_->SetFaults(R"({"drop_after_count": 1, "kinds": ["put_if_absent"]})"));
  EXPECT_TRUE(fs_->PutIfAbsent(P("_versions/1.manifest"), StringBuffer("other")).IsAlreadyExists());
  EXPECT_EQ(ReadString(P("_versions/1.manifest")), "mine");

  // Plain PUTs and multipart completion survive lost responses too; nothing is duplicated.
  LANCET_IO_ASSERT_OK(server_->SetFaults(R"({"drop_after_count": 1, "kinds": ["put"]})"));
  LANCET_IO_ASSERT_OK(fs_->WriteFile(P("plain"), StringBuffer("plain")));
  EXPECT_EQ(ReadString(P("plain")), "plain");
  S3Options o = server_->Options();
  o.part_size = 5 * 1024 * 1024;
  auto fs = MakeFs(o);
  Buffer data = PatternBuffer(o.part_size + 100, 11);
  LANCET_IO_ASSERT_OK(server_->SetFaults(
      R"({"drop_after_count": 1, "kinds": ["complete_multipart"]})"));
  LANCET_IO_ASSIGN_OR_FAIL(auto out, fs->OpenOutputStream(P("mp")));
  LANCET_IO_ASSERT_OK(out->Write(data));
  LANCET_IO_ASSERT_OK(out->Close());
  LANCET_IO_ASSIGN_OR_FAIL(Buffer got, fs_->ReadFile(P("mp")));
  EXPECT_TRUE(got.Equals(data));
  EXPECT_EQ(ListPaths(root_, true),
            (std::vector<std::string>{"_versions/1.manifest", "mp", "plain"}));
}

TEST_F(S3FileSystemTest, TimeoutsAreRetried) {
  S3Options o = server_->Options();
  o.request_timeout_ms = 300;
  auto fs = MakeFs(o);
  LANCET_IO_ASSERT_OK(fs->WriteFile(P("t"), StringBuffer("slow")));
  LANCET_IO_ASSERT_OK(server_->SetFaults(R"({"stall_count": 1, "stall_ms": 1500})"));
  auto t0 = std::chrono::steady_clock::now();
  EXPECT_EQ(std::string(fs->ReadFile(P("t"))->view()), "slow");
  auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - t0).count();
  EXPECT_LT(ms, 1500);  // did not wait for the stalled answer
  IoStatsSnapshot snap = fs->stats()->Snapshot();
  EXPECT_EQ(snap[IoKind::kGet].retries, 1);
  EXPECT_EQ(snap.http_status[0], 1);
}

TEST_F(S3FileSystemTest, BadSignatureIsRejected) {
  S3Options o = server_->Options();
  o.secret_access_key = "wrong";
  auto fs = MakeFs(o);
  Status st = fs->WriteFile(P("x"), StringBuffer("x"));
  ASSERT_TRUE(st.IsIOError());
  EXPECT_NE(st.message().find("SignatureDoesNotMatch"), std::string::npos) << st.ToString();
  EXPECT_GE(ServerStats()["signature_failures"].get<int>(), 1);
}

TEST_F(S3FileSystemTest, StatsMatchTheServer) {
  // A mixed workload: the client's request counts and bytes equal the proxy's.
  Buffer data = PatternBuffer(300000, 2);
  LANCET_IO_ASSERT_OK(fs_->WriteFile(P("a"), data));
  LANCET_IO_ASSERT_OK(fs_->PutIfAbsent(P("b"), StringBuffer("bee")));
  (void)fs_->PutIfAbsent(P("b"), StringBuffer("bee2"));
  LANCET_IO_ASSIGN_OR_FAIL(auto f, fs_->OpenInputFile(P("a")));
  LANCET_IO_ASSERT_OK(f->ReadMany({{0, 10}, {200000, 1000}}).status());
  LANCET_IO_ASSERT_OK(fs_->List(root_, true).status());
  LANCET_IO_ASSERT_OK(fs_->DeleteFile(P("b")));
  IoStatsSnapshot c = fs_->stats()->Snapshot();
  nlohmann::json s = ServerStats();
  EXPECT_EQ(c[IoKind::kGet].requests, Kind(s, "get"));
  EXPECT_EQ(c[IoKind::kHead].requests, Kind(s, "head"));
  EXPECT_EQ(c[IoKind::kList].requests, Kind(s, "list"));
  EXPECT_EQ(c[IoKind::kPut].requests, Kind(s, "put"));
  EXPECT_EQ(c[IoKind::kPutIfAbsent].requests, Kind(s, "put_if_absent"));
  EXPECT_EQ(c[IoKind::kDelete].requests, Kind(s, "delete"));
  EXPECT_EQ(c.Total().requests, s["requests"].get<int64_t>());
  EXPECT_EQ(c.bytes_sent, s["bytes_in"].get<int64_t>());
  EXPECT_EQ(c[IoKind::kGet].bytes_read, s["by_kind"]["get"]["bytes_out"].get<int64_t>());
  std::string json = c.ToJson();
  EXPECT_NE(json.find("\"http_status\":{\"200\":"), std::string::npos) << json;
  EXPECT_NE(json.find("\"p99_ns\""), std::string::npos) << json;
}

TEST_F(S3FileSystemTest, UriSchemeAndLanceFileRoundTrip) {
  // S3FileSystemFromUri is the factory RegisterS3FileSystemSchemes() installs for "s3" and
  // "r2". (Not registered here: uri_test.cc checks that "s3" is unregistered by default.)
  LANCET_IO_ASSIGN_OR_FAIL(FileSystemAndPath fsp,
                           S3FileSystemFromUri(server_->Uri(root_ + "/ds/data/f.lance")));
  EXPECT_EQ(fsp.first->type_name(), "s3");
  EXPECT_EQ(fsp.second, root_ + "/ds/data/f.lance");
  // The same configuration shares one file system (and its connections).
  LANCET_IO_ASSIGN_OR_FAIL(FileSystemAndPath again, S3FileSystemFromUri(server_->Uri("/other")));
  EXPECT_EQ(again.first.get(), fsp.first.get());

  auto schema = SchemaFromJson(R"([
      {"name": "id", "type": "int64", "nullable": false},
      {"name": "caption", "type": "string"},
      {"name": "vector", "type": "fixed_size_list:float:8"}])");
  ASSERT_TRUE(schema.ok()) << schema.status().ToString();
  std::string rows;
  for (int i = 0; i < 500; ++i) {
    rows += "{\"id\": " + std::to_string(i) + ", \"caption\": " +
            (i % 7 == 0 ? std::string("null") : "\"row " + std::to_string(i) + "\"") +
            ", \"vector\": [" + std::to_string(i) + ",1,2,3,4,5,6,7.5]}\n";
  }
  std::istringstream in(rows);
  auto batch = ReadJsonRows(*schema, in);
  ASSERT_TRUE(batch.ok()) << batch.status().ToString();
  LANCET_IO_ASSIGN_OR_FAIL(auto out, fsp.first->OpenOutputStream(fsp.second));
  auto writer = file::FileWriter::Make(std::move(out), *schema);
  ASSERT_TRUE(writer.ok()) << writer.status().ToString();
  LANCET_IO_ASSERT_OK((*writer)->Write(*batch));
  auto summary = (*writer)->Finish();
  ASSERT_TRUE(summary.ok()) << summary.status().ToString();

  auto counting = std::make_shared<CountingFileSystem>(fsp.first);
  LANCET_IO_ASSIGN_OR_FAIL(auto file, counting->OpenInputFile(fsp.second, summary->file_size));
  auto reader = file::FileReader::Open(file);
  ASSERT_TRUE(reader.ok()) << reader.status().ToString();
  EXPECT_EQ((*reader)->num_rows(), 500u);
  auto fields = (*reader)->ProjectAll();
  ASSERT_TRUE(fields.ok());
  auto back = (*reader)->ReadRange(*fields, 0, 500);
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  std::string diff;
  EXPECT_TRUE(RecordBatchEquals(*back, *batch, &diff)) << diff;
  IoStatsSnapshot snap = counting->stats()->Snapshot();
  EXPECT_EQ(snap[IoKind::kHead].requests, 0);
  EXPECT_GE(snap[IoKind::kGet].requests, 1);
}

}  // namespace
}  // namespace lancet::io
