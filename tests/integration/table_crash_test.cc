// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The lancet authors
//
// Crash safety of the commit protocol.
//   - A fault-injecting file system stops a writer at every write step of append, delete and
//     compaction, both before the step happens and after it happened but reported failure (an
//     unknown outcome). Afterwards the table opens at the last committed version with all of its
//     rows (the old one, or the new one when the commit itself landed), every version opens, and
//     cleanup with delete_unverified removes every orphan the writer left.
//   - Writer processes are killed with SIGKILL at random times; the same must hold.
#include <gtest/gtest.h>

#include <filesystem>
#include <random>
#include <set>

#include "lancet/core/array_builder.h"
#include "lancet/io/fault_injection_file_system.h"
#include "lancet/table/dataset.h"
#include "test_util.h"

namespace lancet {
namespace {

namespace fs = std::filesystem;
using io::FaultInjectionFileSystem;
using table::Dataset;

Schema CrashSchema() {
  Schema s;
  s.fields.push_back(Field{"id", int64(), false});
  s.fields.push_back(Field{"writer", utf8(), true});
  return s;
}

RecordBatch Rows(int64_t start, int64_t n) {
  ArrayBuilder ids(int64()), w(utf8());
  for (int64_t i = start; i < start + n; ++i) {
    EXPECT_TRUE(ids.AppendInt(i).ok());
    EXPECT_TRUE(w.AppendBytes("w" + std::to_string(i % 3)).ok());
  }
  RecordBatch b;
  b.schema = CrashSchema();
  b.num_rows = n;
  b.columns = {*ids.Finish(), *w.Finish()};
  return b;
}

std::set<int64_t> Ids(const Dataset& ds) {
  auto b = ds.ScanAll(table::ScanOptions{{"id"}});
  EXPECT_TRUE(b.ok()) << b.status().ToString();
  std::set<int64_t> out;
  if (!b.ok()) return out;
  const int64_t* v = b->columns[0]->values_as<int64_t>();
  for (int64_t i = 0; i < b->num_rows; ++i) EXPECT_TRUE(out.insert(v[i]).second) << "dup " << v[i];
  return out;
}

// Every file under the table that no manifest references (besides _versions/ and _refs/).
std::set<std::string> Orphans(const std::string& dir) {
  std::set<std::string> referenced;
  auto ds = Dataset::Open(dir);
  EXPECT_TRUE(ds.ok());
  auto versions = (*ds)->ListVersions();
  EXPECT_TRUE(versions.ok());
  for (const auto& v : *versions) {
    auto d = (*ds)->Checkout(v.version);
    EXPECT_TRUE(d.ok());
    const auto& m = (*d)->manifest();
    for (const auto& f : m.fragments) {
      for (const auto& df : f.files) referenced.insert("data/" + df.path);
      if (f.deletion_file) referenced.insert(f.deletion_file->RelativePath(f.id));
    }
    referenced.insert("_transactions/" + m.transaction_file);
  }
  std::set<std::string> orphans;
  for (const char* sub : {"data", "_deletions", "_transactions"}) {
    if (!fs::exists(dir + "/" + sub)) continue;
    for (const auto& e : fs::recursive_directory_iterator(dir + "/" + sub)) {
      if (!e.is_regular_file()) continue;
      std::string rel = fs::relative(e.path(), dir).string();
      if (!referenced.count(rel)) orphans.insert(rel);
    }
  }
  for (const auto& e : fs::directory_iterator(dir + "/_versions")) {
    std::string n = e.path().filename().string();
    bool manifest = n.size() > 9 && n.substr(n.size() - 9) == ".manifest";
    if (!manifest && n != "latest_version_hint.json") orphans.insert("_versions/" + n);
  }
  return orphans;
}

// Open the table and check that it is at `before` or `after` (version, ids).
void ExpectConsistent(const std::string& dir, uint64_t v_before, const std::set<int64_t>& before,
                      const std::set<int64_t>& after, const std::string& what) {
  auto ds = Dataset::Open(dir);
  ASSERT_TRUE(ds.ok()) << what << ": " << ds.status().ToString();
  std::set<int64_t> ids = Ids(**ds);
  if ((*ds)->version() == v_before) {
    EXPECT_EQ(ids, before) << what;
  } else {
    EXPECT_EQ(ids, after) << what << " (version " << (*ds)->version() << ")";
  }
  auto versions = (*ds)->ListVersions();
  ASSERT_TRUE(versions.ok());
  for (size_t i = 0; i < versions->size(); ++i) {
    EXPECT_EQ((*versions)[i].version, i + 1) << what;
    auto old = (*ds)->Checkout(i + 1);
    ASSERT_TRUE(old.ok()) << what;
    EXPECT_TRUE((*old)->ScanAll().ok()) << what << " version " << i + 1;
  }
}

enum class Op { kAppend, kDelete, kCompact };

// Runs `op` on a fresh copy of a base table with the n-th write failing; returns false when n
// exceeds the number of writes the operation makes.
bool RunWithFault(const std::string& base_dir, const std::string& dir, Op op, int64_t n,
                  FaultInjectionFileSystem::FaultTiming timing, const std::string& what) {
  fs::remove_all(dir);
  fs::copy(base_dir, dir, fs::copy_options::recursive);
  auto plain = Dataset::Open(dir);
  EXPECT_TRUE(plain.ok());
  const uint64_t v_before = (*plain)->version();
  std::set<int64_t> before = Ids(**plain), after = before;
  std::shared_ptr<FaultInjectionFileSystem> fault;
  table::OpenOptions oo;
  oo.wrap_fs = [&](std::shared_ptr<io::FileSystem> b) -> std::shared_ptr<io::FileSystem> {
    fault = std::make_shared<FaultInjectionFileSystem>(b);
    return fault;
  };
  auto ds = Dataset::Open(dir, oo);
  EXPECT_TRUE(ds.ok());
  fault->FailNthWrite(n, timing);
  Status st;
  switch (op) {
    case Op::kAppend:
      st = (*ds)->Append({Rows(1000, 20)}).status();
      for (int64_t i = 1000; i < 1020; ++i) after.insert(i);
      break;
    case Op::kDelete:
      st = (*ds)->Delete("id >= 90 AND id < 210").status();
      for (auto it = after.begin(); it != after.end();) {
        it = *it >= 90 && *it < 210 ? after.erase(it) : ++it;
      }
      break;
    case Op::kCompact: {
      table::CompactionOptions co;
      co.target_rows_per_fragment = 1000;
      st = (*ds)->Compact(co).status();
      break;
    }
  }
  bool injected = fault->injected_faults() > 0;
  if (!injected) {
    EXPECT_TRUE(st.ok()) << what << ": " << st.ToString();
    return false;
  }
  ExpectConsistent(dir, v_before, before, after, what + " (" + st.ToString() + ")");
  // Cleanup removes what the failed writer left behind.
  auto latest = Dataset::Open(dir);
  EXPECT_TRUE(latest.ok());
  table::CleanupOptions co;
  co.older_than_seconds = 1e9;  // keep every version
  co.delete_unverified = true;
  auto cleaned = (*latest)->Cleanup(co);
  EXPECT_TRUE(cleaned.ok()) << what << ": " << cleaned.status().ToString();
  EXPECT_EQ(Orphans(dir), std::set<std::string>()) << what;
  ExpectConsistent(dir, v_before, before, after, what + " after cleanup");
  return true;
}

TEST(TableCrash, FaultAtEveryWriteStepOfAppendDeleteAndCompaction) {
  std::string root = testing::MakeTempDir("crash");
  std::string base = root + "/base.lance";
  {
    table::WriteOptions wo;
    wo.max_rows_per_file = 100;
    auto ds = Dataset::Create(base, CrashSchema(), {Rows(0, 300)}, wo);
    ASSERT_TRUE(ds.ok());
    auto d = (*ds)->Delete("id < 30 OR id >= 280 OR id = 150");  // deletion files present before the faults
    ASSERT_TRUE(d.ok());
  }
  int cases = 0;
  for (Op op : {Op::kAppend, Op::kDelete, Op::kCompact}) {
    const char* name = op == Op::kAppend ? "append" : op == Op::kDelete ? "delete" : "compact";
    for (auto timing : {FaultInjectionFileSystem::FaultTiming::kBefore,
                        FaultInjectionFileSystem::FaultTiming::kAfter}) {
      int64_t n = 1;
      for (; n < 200; ++n) {
        std::string what = std::string(name) + " write " + std::to_string(n) +
                           (timing == FaultInjectionFileSystem::FaultTiming::kBefore ? " before"
                                                                                      : " after");
        if (!RunWithFault(base, root + "/t.lance", op, n, timing, what)) break;
        ++cases;
        if (::testing::Test::HasFailure()) return;
      }
      EXPECT_GT(n, 3) << name << " made too few writes to test";
    }
  }
  std::cout << "fault cases: " << cases << "\n";
  EXPECT_GT(cases, 20);
}

TEST(TableCrash, KilledWriterProcessesLeaveACommittedTable) {
  std::string root = testing::MakeTempDir("kill");
  std::string uri = root + "/t.lance";
  std::string worker = testing::BinaryDir() + "/tests/table_worker";
  ASSERT_EQ(testing::RunCommand(worker + " create " + uri + " x").exit_code, 0);
  std::mt19937_64 rng(7);
  for (int round = 0; round < 8; ++round) {
    // Two appenders; kill -9 both after a random delay.
    int ms = 20 + static_cast<int>(rng() % 200);
    std::string cmd = worker + " append " + uri + " " + std::to_string(round * 10000) +
                      " 1000 & a=$!; " + worker + " append " + uri + " " +
                      std::to_string(round * 10000 + 5000) + " 1000 & b=$!; sleep " +
                      std::to_string(ms / 1000.0) + "; kill -9 $a $b; wait; true";
    auto r = testing::RunCommand("bash -c " + testing::ShellQuote(cmd));
    ASSERT_EQ(r.exit_code, 0) << r.err;
    auto ds = Dataset::Open(uri);
    ASSERT_TRUE(ds.ok()) << ds.status().ToString();
    std::set<int64_t> ids = Ids(**ds);
    // Each appender commits its ids in order: what is there is a prefix of each sequence.
    EXPECT_EQ(ids.size(), (*ds)->CountRows());
    auto versions = (*ds)->ListVersions();
    ASSERT_TRUE(versions.ok());
    EXPECT_EQ(versions->size(), (*ds)->version());
  }
  auto ds = Dataset::Open(uri);
  ASSERT_TRUE(ds.ok());
  std::set<int64_t> ids = Ids(**ds);
  for (int round = 0; round < 8; ++round) {
    for (int64_t start : {round * 10000, round * 10000 + 5000}) {
      int64_t k = 0;
      while (ids.count(start + k)) ++k;
      for (int64_t j = k; j < 1000; ++j) EXPECT_FALSE(ids.count(start + j)) << "gap before " << start + j;
    }
  }
  table::CleanupOptions co;
  co.older_than_seconds = 1e9;
  co.delete_unverified = true;
  ASSERT_TRUE((*ds)->Cleanup(co).ok());
  EXPECT_EQ(Orphans(uri), std::set<std::string>());
  EXPECT_EQ(Ids(**ds), ids);
}

}  // namespace
}  // namespace lancet
