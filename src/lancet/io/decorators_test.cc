// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The lancet authors
//
// Tests of the decorators: CountingFileSystem (exact request accounting), SlowFileSystem and
// FaultInjectionFileSystem; and of ReadPlanner, whose I/O is checked through the counters.
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>

#include "lancet/io/counting_file_system.h"
#include "lancet/io/fault_injection_file_system.h"
#include "lancet/io/io_stats.h"
#include "lancet/io/memory_file_system.h"
#include "lancet/io/read_planner.h"
#include "lancet/io/slow_file_system.h"
#include "lancet/io/test_util_internal.h"

namespace lancet::io {
namespace {

using testing::PatternBuffer;
using testing::StringBuffer;

IoKindStats Kind(const IoStatsSnapshot& s, IoKind k) { return s[k]; }

std::vector<ReadLogEntry> Sorted(std::vector<ReadLogEntry> log) {
  std::sort(log.begin(), log.end(), [](const ReadLogEntry& a, const ReadLogEntry& b) {
    return a.path != b.path ? a.path < b.path : a.offset < b.offset;
  });
  return log;
}

// ---------------------------------------------------------------------------------------------
// IoStats

TEST(IoStatsTest, RecordSnapshotJsonReset) {
  IoStats stats;
  stats.Record(IoKind::kGet, 100, 0, 5);
  stats.Record(IoKind::kGet, 50, 0, 5);
  stats.Record(IoKind::kPut, 0, 7, 3, /*ok=*/false);
  IoStatsSnapshot s = stats.Snapshot();
  EXPECT_EQ(s[IoKind::kGet], (IoKindStats{2, 0, 150, 0, 10}));
  EXPECT_EQ(s[IoKind::kPut], (IoKindStats{1, 1, 0, 7, 3}));
  EXPECT_EQ(s.Total(), (IoKindStats{3, 1, 150, 7, 13}));
  std::string json = stats.ToJson();
  EXPECT_NE(json.find("\"get\":{\"requests\":2,\"errors\":0,\"bytes_read\":150,"
                      "\"bytes_written\":0,\"latency_ns\":10,\"retries\":0,"),
            std::string::npos)
      << json;
  EXPECT_NE(json.find("\"put_if_absent\":{"), std::string::npos) << json;
  EXPECT_NE(json.find("\"total\":{\"requests\":3,"), std::string::npos) << json;
  EXPECT_EQ(json.front(), '{');
  EXPECT_EQ(json.back(), '}');
  stats.Record(IoKind::kGet, 1, 0, 1);
  EXPECT_EQ(stats.Snapshot().Since(s)[IoKind::kGet], (IoKindStats{1, 0, 1, 0, 1}));
  stats.Reset();
  EXPECT_EQ(stats.Snapshot(), IoStatsSnapshot{});
}

// ---------------------------------------------------------------------------------------------
// CountingFileSystem

class CountingFileSystemTest : public ::testing::Test {
 protected:
  void SetUp() override {
    Capabilities caps = Capabilities::Local();
    caps.block_size = 4096;
    caps.max_request_size = 1000 * 1000;
    base_ = std::make_shared<MemoryFileSystem>(caps);
    fs_ = std::make_shared<CountingFileSystem>(base_);
  }

  IoStatsSnapshot Snap() const { return fs_->stats()->Snapshot(); }

  std::shared_ptr<MemoryFileSystem> base_;
  std::shared_ptr<CountingFileSystem> fs_;
};

TEST_F(CountingFileSystemTest, CountsEveryRequestExactly) {
  Buffer data = PatternBuffer(100000);
  LANCET_IO_ASSERT_OK(fs_->WriteFile("/d/f", data));
  LANCET_IO_ASSIGN_OR_FAIL(std::shared_ptr<RandomAccessFile> f, fs_->OpenInputFile("/d/f"));
  LANCET_IO_ASSIGN_OR_FAIL(Buffer b, f->ReadAt(0, 10));
  std::vector<uint8_t> out(20);
  LANCET_IO_ASSIGN_OR_FAIL(int64_t n, f->ReadAt(30, 20, out.data()));
  EXPECT_EQ(n, 20);
  EXPECT_FALSE(f->ReadAt(99999, 2).ok());                // an error: counted, no bytes
  LANCET_IO_ASSIGN_OR_FAIL(int64_t size, f->GetSize());  // free
  EXPECT_EQ(size, 100000);
  LANCET_IO_ASSIGN_OR_FAIL(auto known, fs_->OpenInputFile("/d/f", 100000));  // no HEAD
  LANCET_IO_ASSIGN_OR_FAIL(FileInfo info, fs_->GetFileInfo("/d/f"));
  LANCET_IO_ASSIGN_OR_FAIL(bool exists, fs_->Exists("/d/nope"));
  EXPECT_FALSE(exists);
  LANCET_IO_ASSIGN_OR_FAIL(std::vector<FileInfo> listed, fs_->List("/d", true));
  LANCET_IO_ASSERT_OK(fs_->PutIfAbsent("/d/commit", StringBuffer("12345")));
  EXPECT_TRUE(fs_->PutIfAbsent("/d/commit", StringBuffer("12345")).IsAlreadyExists());
  {
    LANCET_IO_ASSIGN_OR_FAIL(auto s, fs_->OpenOutputStream("/d/stream"));
    LANCET_IO_ASSERT_OK(s->Write("abc", 3));
    LANCET_IO_ASSERT_OK(s->Write(PatternBuffer(1000)));
    LANCET_IO_ASSERT_OK(s->Close());
    LANCET_IO_ASSERT_OK(s->Close());  // no second request
    LANCET_IO_ASSIGN_OR_FAIL(auto aborted, fs_->OpenOutputStream("/d/aborted"));
    LANCET_IO_ASSERT_OK(aborted->Write("xyz", 3));
  }
  LANCET_IO_ASSIGN_OR_FAIL(Buffer whole, fs_->ReadFile("/d/stream"));
  LANCET_IO_ASSERT_OK(fs_->Rename("/d/stream", "/d/stream2"));
  LANCET_IO_ASSERT_OK(fs_->CreateDir("/e"));
  LANCET_IO_ASSERT_OK(fs_->DeleteFile("/d/stream2"));
  LANCET_IO_ASSERT_OK(fs_->DeleteFiles({"/d/commit", "/d/f", "/d/none"}));
  LANCET_IO_ASSERT_OK(fs_->DeleteDir("/e"));

  IoStatsSnapshot s = Snap();
  EXPECT_EQ(Kind(s, IoKind::kGet).requests, 4);  // 2 ReadAt + 1 failed ReadAt + ReadFile
  EXPECT_EQ(Kind(s, IoKind::kGet).errors, 1);
  EXPECT_EQ(Kind(s, IoKind::kGet).bytes_read, 10 + 20 + 1003);
  EXPECT_EQ(Kind(s, IoKind::kHead).requests, 3);  // OpenInputFile, GetFileInfo, Exists
  EXPECT_EQ(Kind(s, IoKind::kList).requests, 1);
  EXPECT_EQ(Kind(s, IoKind::kPut).requests, 3);  // WriteFile, stream Close, CreateDir
  EXPECT_EQ(Kind(s, IoKind::kPut).bytes_written, 100000 + 1003);
  EXPECT_EQ(Kind(s, IoKind::kPutIfAbsent),
            (IoKindStats{2, 1, 0, 5, Kind(s, IoKind::kPutIfAbsent).latency_ns}));
  EXPECT_EQ(Kind(s, IoKind::kDelete).requests, 5);  // 1 + 3 + DeleteDir
  EXPECT_EQ(Kind(s, IoKind::kRename).requests, 1);
  EXPECT_EQ(s.Total().requests, 4 + 3 + 1 + 3 + 2 + 5 + 1);
  EXPECT_GT(s.Total().latency_ns, 0);
  fs_->stats()->Reset();
  EXPECT_EQ(Snap().Total().requests, 0);
}

TEST_F(CountingFileSystemTest, ReadManyCountsPhysicalRequests) {
  Buffer data = PatternBuffer(5 * 1000 * 1000);
  LANCET_IO_ASSERT_OK(fs_->WriteFile("/f", data));
  fs_->set_read_log_enabled(true);
  LANCET_IO_ASSIGN_OR_FAIL(auto f, fs_->OpenInputFile("/f", data.size()));
  // [0,100) [200,300) [250,260) merge (gaps <= 4096); [50000,50100) alone; the 2.5 MB range is
  // split into 3 requests of <= 1 MB; the zero-length range costs nothing.
  std::vector<ReadRange> ranges = {{200, 100}, {50000, 100},       {0, 100},
                                   {250, 10},  {1000000, 2500000}, {7, 0}};
  IoStatsSnapshot before = Snap();
  LANCET_IO_ASSIGN_OR_FAIL(std::vector<Buffer> got, f->ReadMany(ranges));
  ASSERT_EQ(got.size(), ranges.size());
  for (size_t i = 0; i < ranges.size(); ++i) {
    EXPECT_TRUE(got[i].Equals(data.Slice(ranges[i].offset, ranges[i].length))) << i;
  }
  IoStatsSnapshot d = Snap().Since(before);
  EXPECT_EQ(d[IoKind::kGet].requests, 5);
  EXPECT_EQ(d[IoKind::kGet].bytes_read, 300 + 100 + 2500000);
  EXPECT_EQ(d.Total().requests, 5);
  std::vector<ReadLogEntry> expected = {{"/f", 0, 300},
                                        {"/f", 50000, 100},
                                        {"/f", 1000000, 833334},
                                        {"/f", 1833334, 833334},
                                        {"/f", 2666668, 833332}};
  EXPECT_EQ(Sorted(fs_->read_log()), expected);
  fs_->ClearReadLog();
  EXPECT_TRUE(fs_->read_log().empty());
  fs_->set_read_log_enabled(false);
  LANCET_IO_ASSIGN_OR_FAIL(Buffer b, f->ReadAt(0, 1));
  EXPECT_TRUE(fs_->read_log().empty());
}

TEST_F(CountingFileSystemTest, SharedStatsAcrossFileSystems) {
  auto stats = std::make_shared<IoStats>();
  CountingFileSystem a(std::make_shared<MemoryFileSystem>(), stats);
  CountingFileSystem b(std::make_shared<MemoryFileSystem>(), stats);
  LANCET_IO_ASSERT_OK(a.WriteFile("/x", StringBuffer("1")));
  LANCET_IO_ASSERT_OK(b.WriteFile("/x", StringBuffer("22")));
  EXPECT_EQ(stats->Snapshot()[IoKind::kPut].requests, 2);
  EXPECT_EQ(stats->Snapshot()[IoKind::kPut].bytes_written, 3);
  EXPECT_EQ(a.type_name(), "memory");  // transparent
}

// ---------------------------------------------------------------------------------------------
// ReadPlanner

TEST_F(CountingFileSystemTest, ReadPlannerLoadsOnceAndServesSlices) {
  Buffer data = PatternBuffer(300000);
  LANCET_IO_ASSERT_OK(fs_->WriteFile("/p", data));
  LANCET_IO_ASSIGN_OR_FAIL(auto f, fs_->OpenInputFile("/p", data.size()));
  fs_->set_read_log_enabled(true);
  ReadPlanner planner(f);
  LANCET_IO_ASSERT_OK(planner.Cache({{1000, 500}, {2000, 100}, {200000, 1000}, {0, 0}}));
  EXPECT_EQ(Snap()[IoKind::kGet].requests, 0);  // lazy
  LANCET_IO_ASSIGN_OR_FAIL(Buffer a, planner.Read({2000, 100}));
  EXPECT_TRUE(a.Equals(data.Slice(2000, 100)));
  EXPECT_EQ(Snap()[IoKind::kGet].requests, 2);  // [1000,2100) and [200000,201000)
  LANCET_IO_ASSIGN_OR_FAIL(Buffer b, planner.Read({200100, 10}));  // a sub-range
  EXPECT_TRUE(b.Equals(data.Slice(200100, 10)));
  LANCET_IO_ASSIGN_OR_FAIL(std::vector<Buffer> many,
                           planner.ReadMany({{1000, 500}, {1500, 600}, {0, 0}}));
  EXPECT_TRUE(many[1].Equals(data.Slice(1500, 600)));  // the hole was read too
  EXPECT_EQ(Snap()[IoKind::kGet].requests, 2);
  EXPECT_EQ(planner.cached_bytes(), 1100 + 1000);
  EXPECT_TRUE(planner.Read({5000, 10}).status().IsInvalidArgument());
  // More ranges later: only the new ones are fetched.
  LANCET_IO_ASSERT_OK(planner.Cache({{1000, 10}, {100000, 10}}));
  LANCET_IO_ASSERT_OK(planner.Load());
  EXPECT_EQ(Snap()[IoKind::kGet].requests, 3);
  std::vector<ReadLogEntry> expected = {
      {"/p", 1000, 1100}, {"/p", 100000, 10}, {"/p", 200000, 1000}};
  EXPECT_EQ(Sorted(fs_->read_log()), expected);
  planner.Clear();
  EXPECT_EQ(planner.cached_bytes(), 0);
  // Out-of-bounds ranges fail on load, with the file's name.
  LANCET_IO_ASSERT_OK(planner.Cache({{299990, 20}}));
  Status st = planner.Load();
  EXPECT_TRUE(st.IsIOError()) << st.ToString();
  EXPECT_NE(st.message().find("/p"), std::string::npos);
}

// ---------------------------------------------------------------------------------------------
// SlowFileSystem

int64_t ElapsedMs(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() -
                                                               start)
      .count();
}

TEST(SlowFileSystemTest, AddsLatencyPerRequestAndOverlapsParallelReads) {
  SlowFileSystemOptions o;
  o.latency_ns = 50'000'000;  // 50 ms
  o.capabilities = Capabilities::ObjectStore();
  auto counting = std::make_shared<CountingFileSystem>(std::make_shared<MemoryFileSystem>());
  auto fs = std::make_shared<SlowFileSystem>(counting, o);
  EXPECT_EQ(fs->capabilities().io_parallelism, Capabilities::kCloudIoParallelism);
  Buffer data = PatternBuffer(10 * 1000 * 1000);
  auto start = std::chrono::steady_clock::now();
  LANCET_IO_ASSERT_OK(fs->WriteFile("/f", data));
  EXPECT_GE(ElapsedMs(start), 50);
  LANCET_IO_ASSIGN_OR_FAIL(auto f, fs->OpenInputFile("/f", data.size()));
  EXPECT_EQ(f->coalesce_options().hole_size_limit, Capabilities::kCloudBlockSize);
  start = std::chrono::steady_clock::now();
  for (int i = 0; i < 3; ++i) {
    LANCET_IO_ASSIGN_OR_FAIL(Buffer b, f->ReadAt(i * 1000000, 10));
  }
  EXPECT_GE(ElapsedMs(start), 150);
  // Six ranges far apart: six requests in parallel, about one latency in total (sequential
  // requests would take 300 ms). The first call warms up the I/O thread pool.
  std::vector<ReadRange> ranges;
  for (int i = 0; i < 6; ++i) ranges.push_back({i * 1000000, 10});
  LANCET_IO_ASSIGN_OR_FAIL(std::vector<Buffer> warm, f->ReadMany(ranges));
  start = std::chrono::steady_clock::now();
  LANCET_IO_ASSIGN_OR_FAIL(std::vector<Buffer> got, f->ReadMany(ranges));
  int64_t ms = ElapsedMs(start);
  EXPECT_GE(ms, 50);
  EXPECT_LT(ms, 6 * 50) << "parallel requests should overlap their latency";
  EXPECT_EQ(counting->stats()->Snapshot()[IoKind::kGet].requests, 3 + 6 + 6);
}

// CountingFileSystem brackets every counted call, so round trips are counted on any backend:
// dependent calls one each, the physical requests of one ReadMany (issued in parallel, each
// held 50 ms by the slow layer below) as one, an output stream once at Close.
TEST(CountingRoundTripsTest, CountsSequentialRoundTrips) {
  auto slow = std::make_shared<SlowFileSystem>(std::make_shared<MemoryFileSystem>(),
                                               SlowFileSystemOptions::FixedLatency(50));
  CountingFileSystem fs(slow);
  Buffer data = PatternBuffer(10 * 1000 * 1000);
  LANCET_IO_ASSERT_OK(fs.WriteFile("/f", data));
  {
    LANCET_IO_ASSIGN_OR_FAIL(auto out, fs.OpenOutputStream("/g"));
    LANCET_IO_ASSERT_OK(out->Write(data.data(), 100));
    LANCET_IO_ASSERT_OK(out->Write(data.data(), 100));
    LANCET_IO_ASSERT_OK(out->Close());
  }
  IoStatsSnapshot s = fs.stats()->Snapshot();
  EXPECT_EQ(s.sequential_round_trips, 2);
  LANCET_IO_ASSIGN_OR_FAIL(auto f, fs.OpenInputFile("/f", data.size()));
  for (int i = 0; i < 3; ++i) {
    LANCET_IO_ASSIGN_OR_FAIL(Buffer b, f->ReadAt(i * 1000000, 10));
  }
  EXPECT_EQ(fs.stats()->Snapshot().Since(s).sequential_round_trips, 3);
  std::vector<ReadRange> ranges;
  for (int i = 0; i < 6; ++i) ranges.push_back({i * 1000000, 10});
  LANCET_IO_ASSIGN_OR_FAIL(std::vector<Buffer> warm, f->ReadMany(ranges));  // thread pool
  s = fs.stats()->Snapshot();
  LANCET_IO_ASSIGN_OR_FAIL(std::vector<Buffer> got, f->ReadMany(ranges));
  IoStatsSnapshot d = fs.stats()->Snapshot().Since(s);
  EXPECT_EQ(d[IoKind::kGet].requests, 6);
  EXPECT_EQ(d.sequential_round_trips, 1) << "six parallel requests held 50 ms each overlap";
  s = fs.stats()->Snapshot();
  LANCET_IO_ASSERT_OK(fs.DeleteFiles({"/f", "/g"}));
  LANCET_IO_ASSIGN_OR_FAIL(auto listing, fs.List("/", false));
  EXPECT_EQ(fs.stats()->Snapshot().Since(s).sequential_round_trips, 2);
}

TEST(SlowFileSystemTest, BandwidthCap) {
  SlowFileSystemOptions o;
  o.bandwidth_bytes_per_sec = 10e6;  // 10 MB/s: 1 MB takes 100 ms
  SlowFileSystem fs(std::make_shared<MemoryFileSystem>(), o);
  EXPECT_EQ(fs.DelayNanos(1000000), 100'000'000);
  EXPECT_EQ(fs.DelayNanos(0), 0);
  auto start = std::chrono::steady_clock::now();
  LANCET_IO_ASSERT_OK(fs.WriteFile("/f", PatternBuffer(500000)));
  EXPECT_GE(ElapsedMs(start), 50);
}

// ---------------------------------------------------------------------------------------------
// FaultInjectionFileSystem

using FaultTiming = FaultInjectionFileSystem::FaultTiming;

TEST(FaultInjectionFileSystemTest, FailNthWrite) {
  auto base = std::make_shared<MemoryFileSystem>();
  FaultInjectionFileSystem fs(base);
  fs.FailNthWrite(2);
  LANCET_IO_ASSERT_OK(fs.WriteFile("/a", StringBuffer("a")));
  Status st = fs.WriteFile("/b", StringBuffer("b"));
  EXPECT_TRUE(st.IsIOError()) << st.ToString();
  EXPECT_NE(st.message().find("injected"), std::string::npos);
  EXPECT_NE(st.message().find("/b"), std::string::npos);
  EXPECT_FALSE(st.retryable());
  LANCET_IO_ASSERT_OK(fs.WriteFile("/c", StringBuffer("c")));  // only once
  LANCET_IO_ASSIGN_OR_FAIL(bool b_exists, base->Exists("/b"));
  EXPECT_FALSE(b_exists);  // kBefore: the operation did not happen
  EXPECT_EQ(fs.write_calls(), 3);
  EXPECT_EQ(fs.injected_faults(), 1);
  // Reads are not write-type calls.
  LANCET_IO_ASSIGN_OR_FAIL(Buffer a, fs.ReadFile("/a"));
  EXPECT_EQ(fs.write_calls(), 3);
}

TEST(FaultInjectionFileSystemTest, FailWritesAfterAndReset) {
  FaultInjectionFileSystem fs(std::make_shared<MemoryFileSystem>());
  fs.SetRetryable(true);
  fs.FailWritesAfter(2);
  LANCET_IO_ASSERT_OK(fs.CreateDir("/d"));
  LANCET_IO_ASSERT_OK(fs.WriteFile("/d/1", StringBuffer("1")));
  Status st = fs.DeleteFile("/d/1");
  EXPECT_TRUE(st.IsIOError());
  EXPECT_TRUE(st.retryable());
  EXPECT_TRUE(fs.Rename("/d/1", "/d/2").IsIOError());
  EXPECT_TRUE(fs.PutIfAbsent("/d/3", StringBuffer("3")).IsIOError());
  EXPECT_TRUE(fs.DeleteDir("/d").IsIOError());
  EXPECT_FALSE(fs.OpenOutputStream("/d/4").ok());
  EXPECT_EQ(fs.injected_faults(), 5);
  fs.Reset();
  LANCET_IO_ASSERT_OK(fs.DeleteFile("/d/1"));
  EXPECT_EQ(fs.write_calls(), 1);
}

TEST(FaultInjectionFileSystemTest, FaultAfterTheOperationIsAmbiguous) {
  // A commit whose PUT succeeded but whose response was lost: the retry must see AlreadyExists.
  FaultInjectionFileSystem fs(std::make_shared<MemoryFileSystem>());
  fs.FailNthWrite(1, FaultTiming::kAfter);
  EXPECT_TRUE(fs.PutIfAbsent("/v/1", StringBuffer("manifest")).IsIOError());
  EXPECT_TRUE(fs.PutIfAbsent("/v/1", StringBuffer("manifest")).IsAlreadyExists());
  LANCET_IO_ASSIGN_OR_FAIL(Buffer b, fs.ReadFile("/v/1"));
  EXPECT_EQ(b.view(), "manifest");
}

TEST(FaultInjectionFileSystemTest, StreamFaults) {
  auto base = std::make_shared<MemoryFileSystem>();
  FaultInjectionFileSystem fs(base);
  // Calls: open (1), write (2), write (3), close (4).
  fs.FailNthWrite(4);
  LANCET_IO_ASSIGN_OR_FAIL(auto out, fs.OpenOutputStream("/s"));
  LANCET_IO_ASSERT_OK(out->Write("ab", 2));
  LANCET_IO_ASSERT_OK(out->Write("cd", 2));
  EXPECT_TRUE(out->Close().IsIOError());
  EXPECT_TRUE(out->closed());
  LANCET_IO_ASSIGN_OR_FAIL(bool exists, base->Exists("/s"));
  EXPECT_FALSE(exists);  // nothing published
  // A failing Write leaves the stream usable for Abort.
  fs.FailNthWrite(2);
  LANCET_IO_ASSIGN_OR_FAIL(auto out2, fs.OpenOutputStream("/t"));
  EXPECT_TRUE(out2->Write("x", 1).IsIOError());
  LANCET_IO_ASSERT_OK(out2->Abort());
}

TEST(FaultInjectionFileSystemTest, FailReads) {
  FaultInjectionFileSystem fs(std::make_shared<MemoryFileSystem>());
  LANCET_IO_ASSERT_OK(fs.WriteFile("/f", PatternBuffer(100)));
  LANCET_IO_ASSIGN_OR_FAIL(auto f, fs.OpenInputFile("/f"));
  fs.SetFailReads(true);
  EXPECT_TRUE(f->ReadAt(0, 10).status().IsIOError());
  EXPECT_TRUE(f->ReadMany({{0, 10}, {50, 10}}).status().IsIOError());
  EXPECT_TRUE(fs.ReadFile("/f").status().IsIOError());
  EXPECT_TRUE(fs.GetFileInfo("/f").status().IsIOError());
  EXPECT_TRUE(fs.List("/", true).status().IsIOError());
  EXPECT_TRUE(fs.OpenInputFile("/f").status().IsIOError());
  LANCET_IO_ASSERT_OK(fs.WriteFile("/g", PatternBuffer(10)));  // writes unaffected
  fs.SetFailReads(false);
  LANCET_IO_ASSIGN_OR_FAIL(std::vector<Buffer> got, f->ReadMany({{0, 10}, {50, 10}}));
  EXPECT_EQ(got.size(), 2u);
}

// ---------------------------------------------------------------------------------------------
// IoStats extensions: histogram percentiles, retries, HTTP statuses, sequential round trips

TEST(IoStatsTest, PercentilesRetriesHttpAndRoundTrips) {
  IoStats stats;
  // 90 fast requests (~1 ms) and 10 slow ones (~100 ms).
  for (int i = 0; i < 90; ++i) stats.Record(IoKind::kGet, 1, 0, 1'000'000);
  for (int i = 0; i < 10; ++i) stats.Record(IoKind::kGet, 1, 0, 100'000'000);
  stats.RecordRetry(IoKind::kGet);
  stats.RecordHttp(200, 0);
  stats.RecordHttp(503, 7);
  stats.RecordHttp(0, 0);
  IoStatsSnapshot s = stats.Snapshot();
  const LatencyHistogram& h = s.latency[static_cast<int>(IoKind::kGet)];
  EXPECT_EQ(h.count(), 100);
  // Bucket upper bounds are powers of two microseconds: 1 ms -> 1024 us, 100 ms -> 131072 us.
  EXPECT_EQ(h.PercentileNanos(0.5), 1024 * 1000);
  EXPECT_EQ(h.PercentileNanos(0.9), 1024 * 1000);
  EXPECT_EQ(h.PercentileNanos(0.99), 131072 * 1000);
  EXPECT_EQ(LatencyHistogram{}.PercentileNanos(0.5), 0);
  EXPECT_EQ(s[IoKind::kGet].retries, 1);
  EXPECT_EQ(s.http_status[200], 1);
  EXPECT_EQ(s.http_status[503], 1);
  EXPECT_EQ(s.http_status[0], 1);
  EXPECT_EQ(s.bytes_sent, 7);
  std::string json = s.ToJson();
  EXPECT_NE(json.find("\"http_status\":{\"0\":1,\"200\":1,\"503\":1}"), std::string::npos) << json;
  EXPECT_NE(json.find("\"p99_ns\":131072000"), std::string::npos) << json;
  EXPECT_NE(json.find("\"retries\":1"), std::string::npos) << json;

  // Round trips: overlapping requests count once, back-to-back ones each.
  stats.BeginRequest();
  stats.BeginRequest();
  stats.EndRequest();
  stats.BeginRequest();
  stats.EndRequest();
  stats.EndRequest();
  stats.BeginRequest();
  stats.EndRequest();
  IoStatsSnapshot t = stats.Snapshot();
  EXPECT_EQ(t.sequential_round_trips, 2);
  EXPECT_EQ(t.Since(s).sequential_round_trips, 2);
  EXPECT_EQ(t.Since(s).http_status[503], 0);
  stats.Reset();
  EXPECT_EQ(stats.Snapshot(), IoStatsSnapshot{});
}

// ---------------------------------------------------------------------------------------------
// Latency profiles and object-store faults

TEST(SlowFileSystemTest, Profiles) {
  auto s3 = SlowFileSystemOptions::Profile("s3");
  ASSERT_TRUE(s3.ok());
  EXPECT_EQ(s3->latency_ns, 100'000'000);
  EXPECT_DOUBLE_EQ(s3->bandwidth_bytes_per_sec, 90e6);
  ASSERT_TRUE(s3->capabilities.has_value());
  EXPECT_FALSE(s3->capabilities->atomic_rename);
  EXPECT_EQ(SlowFileSystemOptions::Profile("s3-express")->latency_ns, 5'000'000);
  EXPECT_EQ(SlowFileSystemOptions::Profile("r2")->latency_ns, 60'000'000);
  EXPECT_EQ(SlowFileSystemOptions::Profile("20ms")->latency_ns, 20'000'000);
  EXPECT_EQ(SlowFileSystemOptions::Profile("20ms")->bandwidth_bytes_per_sec, 0);
  EXPECT_TRUE(SlowFileSystemOptions::Profile("fast").status().IsInvalidArgument());
  // The profile's delay model: 100 ms + 9 MB at 90 MB/s = 200 ms.
  SlowFileSystem fs(std::make_shared<MemoryFileSystem>(), *s3);
  EXPECT_EQ(fs.DelayNanos(9'000'000), 200'000'000);
  EXPECT_EQ(fs.capabilities().block_size, Capabilities::kCloudBlockSize);
}

TEST(FaultInjectionFileSystemTest, SlowDownAndDroppedConnections) {
  auto mem = std::make_shared<MemoryFileSystem>();
  FaultInjectionFileSystem fs(mem);
  LANCET_IO_ASSERT_OK(fs.WriteFile("/a", StringBuffer("a")));
  fs.InjectSlowDown(2);
  Result<Buffer> r = fs.ReadFile("/a");  // a read-type call
  ASSERT_TRUE(r.status().IsIOError());
  EXPECT_TRUE(r.status().retryable());
  EXPECT_NE(r.status().message().find("503 SlowDown"), std::string::npos);
  Status w = fs.WriteFile("/b", StringBuffer("b"));  // a write-type call, not performed
  EXPECT_TRUE(w.IsIOError());
  EXPECT_TRUE(mem->GetFileInfo("/b").status().IsNotFound());
  LANCET_IO_ASSERT_OK(fs.WriteFile("/b", StringBuffer("b")));  // the third call passes
  EXPECT_EQ(fs.injected_faults(), 2);

  // A dropped connection after the request was sent: the write happened, the caller was told
  // it failed (and may retry: the second PutIfAbsent sees its own first attempt).
  fs.InjectDroppedConnections(1, FaultInjectionFileSystem::FaultTiming::kAfter);
  Status p = fs.PutIfAbsent("/m", StringBuffer("m"));
  EXPECT_TRUE(p.IsIOError());
  EXPECT_TRUE(p.retryable());
  EXPECT_NE(p.message().find("outcome unknown"), std::string::npos);
  EXPECT_TRUE(fs.PutIfAbsent("/m", StringBuffer("m")).IsAlreadyExists());
  fs.InjectDroppedConnections(1, FaultInjectionFileSystem::FaultTiming::kBefore);
  EXPECT_TRUE(fs.PutIfAbsent("/n", StringBuffer("n")).IsIOError());
  EXPECT_TRUE(mem->GetFileInfo("/n").status().IsNotFound());
  fs.Reset();
  LANCET_IO_ASSERT_OK(fs.PutIfAbsent("/n", StringBuffer("n")));
}

}  // namespace
}  // namespace lancet::io
