// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The lancet authors
//
// The table format end to end on local disk: append, delete (both deletion file forms), scan
// with filters, take, versions and time travel, tags, restore, compaction, cleanup, distributed
// writes, concurrent commits through independent handles, feature flags.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <set>

#include "lancet/core/array_builder.h"
#include "lancet/io/file_system.h"
#include "lancet/testing/s3_server_fixture.h"
#include "lancet/table/dataset.h"
#include "lancet/table/deletion_file.h"
#include "lancet/table/manifest_io.h"
#include "lancet/table/transaction.h"
#include "test_util.h"

namespace lancet::table {
namespace {

namespace fs = std::filesystem;


Schema TestSchema() {
  Schema s;
  s.fields.push_back(Field{"id", int64(), false});
  s.fields.push_back(Field{"label", utf8(), true});
  s.fields.push_back(Field{"score", float64(), true});
  return s;
}

const char* kLabels[] = {"car", "house", "tree", "boat"};

// Rows [start, start + n): id = i, label = kLabels[i % 4] (null when i % 10 == 9), score = i/2.
RecordBatch Rows(int64_t start, int64_t n) {
  Schema s = TestSchema();
  ArrayBuilder ids(int64()), labels(utf8()), scores(float64());
  for (int64_t i = start; i < start + n; ++i) {
    EXPECT_TRUE(ids.AppendInt(i).ok());
    if (i % 10 == 9) {
      EXPECT_TRUE(labels.AppendNull().ok());
    } else {
      EXPECT_TRUE(labels.AppendBytes(kLabels[i % 4]).ok());
    }
    EXPECT_TRUE(scores.AppendDouble(static_cast<double>(i) / 2).ok());
  }
  RecordBatch b;
  b.schema = s;
  b.num_rows = n;
  b.columns = {*ids.Finish(), *labels.Finish(), *scores.Finish()};
  return b;
}

std::vector<int64_t> Ids(const Dataset& ds, const std::string& filter = "") {
  ScanOptions so;
  so.columns = {"id"};
  so.filter = filter;
  auto b = ds.ScanAll(so);
  EXPECT_TRUE(b.ok()) << b.status().ToString();
  std::vector<int64_t> out;
  if (!b.ok()) return out;
  const int64_t* v = b->columns[0]->values_as<int64_t>();
  out.assign(v, v + b->num_rows);
  return out;
}

std::vector<int64_t> Range(int64_t a, int64_t b) {
  std::vector<int64_t> v;
  for (int64_t i = a; i < b; ++i) v.push_back(i);
  return v;
}

Transaction TxnOf(const Dataset& ds) {
  auto bytes = ds.fs()->ReadFile(ds.manifest_path());
  EXPECT_TRUE(bytes.ok());
  auto txn = ReadEmbeddedTransaction(*bytes, ds.manifest_path());
  EXPECT_TRUE(txn.ok());
  auto t = ParseTransaction(Buffer::FromString(*txn), "txn");
  EXPECT_TRUE(t.ok()) << t.status().ToString();
  return t.ok() ? *t : Transaction{};
}

// Every test runs on local disk and on a real S3-compatible server (s3rver behind the proxy that
// enforces If-None-Match; see tests/s3/README.md).
class TableOpsTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    static int counter = 0;
    if (GetParam() == "local") {
      dir_ = testing::MakeTempDir("table-ops") + "/t.lance";
    } else {
      auto server = testing::SharedS3TestServer();
      ASSERT_TRUE(server.ok()) << server.status().ToString();
      dir_ = (*server)->Uri("/table-ops-" + std::to_string(getpid()) + "-" +
                            std::to_string(counter++) + "/t.lance");
    }
    auto fs_path = io::FileSystemFromUri(dir_);
    ASSERT_TRUE(fs_path.ok()) << fs_path.status().ToString();
    fs_ = fs_path->first;
    base_ = fs_path->second;
  }
  bool Exists(const std::string& rel) {
    auto e = fs_->Exists(base_ + "/" + rel);
    EXPECT_TRUE(e.ok()) << e.status().ToString();
    return e.ok() && *e;
  }
  bool local() const { return GetParam() == "local"; }
  std::unique_ptr<Dataset> CreateTable(int64_t rows, WriteOptions wo = {}) {
    auto ds = Dataset::Create(dir_, TestSchema(), {Rows(0, rows)}, wo);
    EXPECT_TRUE(ds.ok()) << ds.status().ToString();
    return ds.ok() ? std::move(*ds) : nullptr;
  }
  std::string dir_;
  std::shared_ptr<io::FileSystem> fs_;
  std::string base_;
};

TEST_P(TableOpsTest, AppendDeleteVersionsAndTimeTravel) {
  auto v1 = CreateTable(100);
  ASSERT_TRUE(v1);
  ASSERT_OK_AND_ASSIGN(auto v2, v1->Append({Rows(100, 50)}));
  EXPECT_EQ(v2->version(), 2u);
  EXPECT_EQ(v2->manifest().fragments.size(), 2u);
  EXPECT_EQ(v2->manifest().fragments[1].id, 1u);
  EXPECT_EQ(Ids(*v2), Range(0, 150));
  EXPECT_EQ(TxnOf(*v2).operation, Operation::kAppend);

  ASSERT_OK_AND_ASSIGN(auto v3, v2->Delete("id >= 10 AND id < 20 OR id = 120"));
  EXPECT_EQ(v3->version(), 3u);
  EXPECT_EQ(v3->CountRows(), 139u);
  auto expect = Range(0, 10);
  for (int64_t i = 20; i < 150; ++i) {
    if (i != 120) expect.push_back(i);
  }
  EXPECT_EQ(Ids(*v3), expect);
  Transaction t3 = TxnOf(*v3);
  EXPECT_EQ(t3.operation, Operation::kDelete);
  EXPECT_EQ(t3.predicate, "id >= 10 AND id < 20 OR id = 120");
  EXPECT_EQ(t3.updated_fragments.size(), 2u);
  EXPECT_EQ(v3->manifest().reader_feature_flags & kFlagDeletionFiles, kFlagDeletionFiles);
  // Small deletions are Arrow files named {fragment}-{read_version}-{id}.arrow.
  const Fragment& f0 = v3->manifest().fragments[0];
  ASSERT_TRUE(f0.deletion_file);
  EXPECT_EQ(f0.deletion_file->type, DeletionFile::Type::kArrowArray);
  EXPECT_EQ(f0.deletion_file->read_version, 2u);
  EXPECT_TRUE(Exists(f0.deletion_file->RelativePath(0)));
  ASSERT_OK_AND_ASSIGN(auto del0, v3->DeletedRows(f0));
  EXPECT_EQ(del0, std::vector<uint32_t>({10, 11, 12, 13, 14, 15, 16, 17, 18, 19}));

  // A delete that matches nothing commits nothing.
  ASSERT_OK_AND_ASSIGN(auto same, v3->Delete("id > 100000"));
  EXPECT_EQ(same->version(), 3u);

  // Time travel: every version still reads as it was.
  ASSERT_OK_AND_ASSIGN(auto old1, v3->Checkout(1));
  EXPECT_EQ(Ids(*old1), Range(0, 100));
  ASSERT_OK_AND_ASSIGN(auto old2, Dataset::Open(dir_, OpenOptions{2, std::nullopt, nullptr}));
  EXPECT_EQ(Ids(*old2), Range(0, 150));
  ASSERT_OK_AND_ASSIGN(auto versions, v3->ListVersions());
  ASSERT_EQ(versions.size(), 3u);
  for (size_t i = 0; i < 3; ++i) EXPECT_EQ(versions[i].version, i + 1);
  EXPECT_EQ(Exists("_versions/latest_version_hint.json"), local());  // local disk only
  EXPECT_FALSE(v3->Checkout(9).ok());
}

TEST_P(TableOpsTest, LargeDeletesUseBitmapsAndFullyDeletedFragmentsLeave) {
  WriteOptions wo;
  wo.max_rows_per_file = 8000;
  auto v1 = CreateTable(16000, wo);
  ASSERT_TRUE(v1);
  ASSERT_EQ(v1->manifest().fragments.size(), 2u);
  // 6000 rows of fragment 0 -> more than 5000: a roaring .bin file.
  ASSERT_OK_AND_ASSIGN(auto v2, v1->Delete("id < 6000"));
  const Fragment& f0 = v2->manifest().fragments[0];
  ASSERT_TRUE(f0.deletion_file);
  EXPECT_EQ(f0.deletion_file->type, DeletionFile::Type::kBitmap);
  EXPECT_EQ(f0.deletion_file->num_deleted_rows, 6000u);
  EXPECT_TRUE(Exists(f0.deletion_file->RelativePath(0)));
  EXPECT_EQ(v2->CountRows(), 10000u);
  // Deleting the rest of fragment 0 drops it from the manifest.
  ASSERT_OK_AND_ASSIGN(auto v3, v2->Delete("id < 8000"));
  ASSERT_EQ(v3->manifest().fragments.size(), 1u);
  EXPECT_EQ(v3->manifest().fragments[0].id, 1u);
  EXPECT_EQ(TxnOf(*v3).deleted_fragment_ids, std::vector<uint64_t>({0}));
  EXPECT_EQ(Ids(*v3), Range(8000, 16000));
}

TEST_P(TableOpsTest, FilterScanTakeAndRowAddresses) {
  auto v1 = CreateTable(100);
  ASSERT_TRUE(v1);
  ASSERT_OK_AND_ASSIGN(auto v2, v1->Append({Rows(100, 100)}));
  ASSERT_OK_AND_ASSIGN(auto v3, v2->Delete("id % 3 = 0"));
  // label IS NULL for i % 10 == 9; of those, the ones not divisible by 3 survive.
  std::vector<int64_t> expect;
  for (int64_t i = 0; i < 200; ++i) {
    if (i % 10 == 9 && i % 3 != 0) expect.push_back(i);
  }
  EXPECT_EQ(Ids(*v3, "label IS NULL"), expect);
  expect.clear();
  for (int64_t i = 0; i < 200; ++i) {
    if (i % 3 != 0 && i % 10 != 9 && (i % 4 == 0 || i % 4 == 2) && i >= 50) expect.push_back(i);
  }
  EXPECT_EQ(Ids(*v3, "label IN ('car', 'tree') AND score >= 25"), expect);
  EXPECT_FALSE(v3->ScanAll(ScanOptions{{"id"}, 0, std::nullopt, 8192, "id >"}).ok());

  // Offsets and limits count visible rows.
  ScanOptions so;
  so.columns = {"id"};
  so.offset = 60;
  so.limit = 5;
  so.with_row_address = true;
  ASSERT_OK_AND_ASSIGN(auto page, v3->ScanAll(so));
  std::vector<int64_t> live;
  for (int64_t i = 0; i < 200; ++i) {
    if (i % 3 != 0) live.push_back(i);
  }
  ASSERT_EQ(page.num_rows, 5);
  for (int64_t i = 0; i < 5; ++i) {
    int64_t id = page.columns[0]->values_as<int64_t>()[i];
    EXPECT_EQ(id, live[60 + i]);
    uint64_t addr = page.columns[1]->values_as<uint64_t>()[i];
    EXPECT_EQ(addr, (static_cast<uint64_t>(id / 100) << 32) | static_cast<uint64_t>(id % 100));
  }
  // Take by visible offset and by row address, in the order asked.
  ASSERT_OK_AND_ASSIGN(auto taken, v3->Take({120, 0, 65, 3}, {"id", "label"}));
  ASSERT_EQ(taken.num_rows, 4);
  const int64_t* tid = taken.columns[0]->values_as<int64_t>();
  EXPECT_EQ(std::vector<int64_t>(tid, tid + 4),
            std::vector<int64_t>({live[120], live[0], live[65], live[3]}));
  ASSERT_OK_AND_ASSIGN(auto by_addr, v3->TakeRowAddresses({(1ull << 32) | 1, 2, (1ull << 32) | 99}));
  const int64_t* aid = by_addr.columns[0]->values_as<int64_t>();
  EXPECT_EQ(std::vector<int64_t>(aid, aid + 3), std::vector<int64_t>({101, 2, 199}));
  EXPECT_TRUE(v3->TakeRowAddresses({3}).status().IsNotFound());  // deleted
  EXPECT_FALSE(v3->Take({100000}).ok());
}

TEST_P(TableOpsTest, TagsRestoreAndV1Names) {
  WriteOptions wo;
  wo.manifest_naming = ManifestNaming::kV1;
  auto v1 = CreateTable(10, wo);
  ASSERT_TRUE(v1);
  EXPECT_TRUE(Exists("_versions/1.manifest"));
  ASSERT_OK_AND_ASSIGN(auto v2, v1->Append({Rows(10, 10)}));
  EXPECT_TRUE(Exists("_versions/2.manifest"));
  ASSERT_OK(v2->CreateTag("first", 1));
  ASSERT_OK(v2->CreateTag("v2.release_1", 2));
  EXPECT_TRUE(v2->CreateTag("first", 2).IsAlreadyExists());
  EXPECT_FALSE(v2->CreateTag("bad/name", 1).ok());
  EXPECT_FALSE(v2->CreateTag("x.lock", 1).ok());
  EXPECT_FALSE(v2->CreateTag("nope", 7).ok());
  ASSERT_OK_AND_ASSIGN(auto tags, v2->ListTags());
  ASSERT_EQ(tags.size(), 2u);
  EXPECT_EQ(tags[0], std::make_pair(std::string("first"), uint64_t{1}));
  OpenOptions oo;
  oo.tag = "first";
  ASSERT_OK_AND_ASSIGN(auto tagged, Dataset::Open(dir_, oo));
  EXPECT_EQ(tagged->version(), 1u);
  EXPECT_EQ(Ids(*tagged), Range(0, 10));
  // Restore version 1 as version 3.
  ASSERT_OK_AND_ASSIGN(auto v3, tagged->Restore());
  EXPECT_EQ(v3->version(), 3u);
  EXPECT_EQ(Ids(*v3), Range(0, 10));
  EXPECT_EQ(TxnOf(*v3).operation, Operation::kRestore);
  EXPECT_EQ(TxnOf(*v3).restore_version, 1u);
  // Appending after a restore continues with fresh fragment ids.
  ASSERT_OK_AND_ASSIGN(auto v4, v3->Append({Rows(100, 5)}));
  EXPECT_EQ(v4->manifest().fragments.back().id, 2u);
  ASSERT_OK(v4->DeleteTag("first"));
  EXPECT_TRUE(v4->DeleteTag("first").IsNotFound());
  EXPECT_TRUE(Exists("_versions/4.manifest"));
}

TEST_P(TableOpsTest, CompactionMaterializesDeletionsAndRecordsReserveAndRewrite) {
  auto v = CreateTable(30);
  ASSERT_TRUE(v);
  for (int i = 1; i < 6; ++i) {
    auto next = v->Append({Rows(30 * i, 30)});
    ASSERT_TRUE(next.ok()) << next.status().ToString();
    v = std::move(*next);
  }
  ASSERT_OK_AND_ASSIGN(auto d, v->Delete("id % 7 = 0"));
  auto before = Ids(*d);
  CompactionOptions co;
  co.target_rows_per_fragment = 100;
  CompactionMetrics m;
  ASSERT_OK_AND_ASSIGN(auto c, d->Compact(co, &m));
  EXPECT_EQ(Ids(*c), before);
  EXPECT_EQ(m.fragments_removed, 6u);
  EXPECT_EQ(m.fragments_added, 2u);
  for (const Fragment& f : c->manifest().fragments) EXPECT_FALSE(f.deletion_file);
  // ReserveFragments then Rewrite, as Lance records compaction.
  EXPECT_EQ(c->version(), d->version() + 2);
  ASSERT_OK_AND_ASSIGN(auto reserve, c->Checkout(d->version() + 1));
  EXPECT_EQ(TxnOf(*reserve).operation, Operation::kReserveFragments);
  EXPECT_EQ(TxnOf(*reserve).num_reserved_fragments, 2u);
  Transaction rw = TxnOf(*c);
  EXPECT_EQ(rw.operation, Operation::kRewrite);
  ASSERT_EQ(rw.groups.size(), 2u);
  EXPECT_EQ(c->manifest().fragments[0].id, 6u);
  EXPECT_EQ(c->manifest().fragments[1].id, 7u);
  // Nothing left to do: no new version.
  ASSERT_OK_AND_ASSIGN(auto again, c->Compact(co));
  EXPECT_EQ(again->version(), c->version());
}

TEST_P(TableOpsTest, CleanupRemovesOldVersionsAndTheirFilesButNeverTaggedOnes) {
  auto v1 = CreateTable(20);
  ASSERT_TRUE(v1);
  ASSERT_OK_AND_ASSIGN(auto v2, v1->Append({Rows(20, 20)}));
  ASSERT_OK_AND_ASSIGN(auto v3, v2->Delete("id < 5"));
  ASSERT_OK_AND_ASSIGN(auto v4, v3->Delete("id < 8"));  // a new deletion file replaces v3's
  ASSERT_OK(v4->CreateTag("keep", 2));
  std::string old_del = v3->manifest().fragments[0].deletion_file->RelativePath(0);
  ASSERT_TRUE(Exists(old_del));
  // An orphan of a crashed writer.
  ASSERT_OK(fs_->WriteFile(base_ + "/data/orphan.lance", Buffer::FromString("partial")));
  CleanupOptions co;
  co.older_than_seconds = 0;
  ASSERT_OK_AND_ASSIGN(auto st, v4->Cleanup(co));
  EXPECT_EQ(st.old_versions, 2u);  // 1 and 3; 2 is tagged, 4 is the latest
  EXPECT_FALSE(Exists(old_del));
  EXPECT_TRUE(Exists("data/orphan.lance"));  // unverified and young: kept
  EXPECT_TRUE(v4->Checkout(1).status().IsNotFound());
  ASSERT_OK_AND_ASSIGN(auto tagged, v4->Checkout(2));
  EXPECT_EQ(Ids(*tagged), Range(0, 40));
  EXPECT_EQ(Ids(*v4), Range(8, 40));
  co.delete_unverified = true;
  ASSERT_OK(v4->Cleanup(co).status());
  EXPECT_FALSE(Exists("data/orphan.lance"));
  EXPECT_EQ(Ids(*tagged), Range(0, 40));
}

TEST_P(TableOpsTest, ConcurrentHandlesRebaseAppendsAndDisjointDeletes) {
  WriteOptions wo;
  wo.max_rows_per_file = 50;
  auto v1 = CreateTable(100, wo);  // fragments 0 and 1
  ASSERT_TRUE(v1);
  // Three writers read version 1 and commit in turn; each must rebase onto the others.
  ASSERT_OK_AND_ASSIGN(auto a, v1->Append({Rows(100, 10)}));
  ASSERT_OK_AND_ASSIGN(auto b, v1->Delete("id < 5"));             // fragment 0
  ASSERT_OK_AND_ASSIGN(auto c, v1->Delete("id >= 90 AND id < 95"));  // fragment 1
  ASSERT_OK_AND_ASSIGN(auto d, v1->Delete("id = 7"));             // fragment 0 again: merged
  ASSERT_OK_AND_ASSIGN(auto e, v1->Append({Rows(200, 10)}));
  EXPECT_EQ(e->version(), 6u);
  std::vector<int64_t> expect;
  for (int64_t i = 0; i < 110; ++i) {
    if (i >= 5 && i != 7 && !(i >= 90 && i < 95)) expect.push_back(i);
  }
  for (int64_t i = 200; i < 210; ++i) expect.push_back(i);
  ASSERT_OK_AND_ASSIGN(auto latest, Dataset::Open(dir_));
  EXPECT_EQ(Ids(*latest), expect);
  std::set<uint64_t> ids;
  for (const Fragment& f : latest->manifest().fragments) EXPECT_TRUE(ids.insert(f.id).second);
  // A delete racing a compaction of the same fragment is a conflict, not a lost delete.
  ASSERT_OK_AND_ASSIGN(auto reader, Dataset::Open(dir_));
  CompactionOptions co;
  co.target_rows_per_fragment = 1000;
  ASSERT_OK(latest->Compact(co).status());
  auto lost = reader->Delete("id = 50");
  ASSERT_FALSE(lost.ok());
  EXPECT_EQ(lost.status().code(), StatusCode::kCommitConflict) << lost.status().ToString();
}

TEST_P(TableOpsTest, DistributedWritesCommitAsOneAppend) {
  auto v1 = CreateTable(10);
  ASSERT_TRUE(v1);
  ASSERT_OK_AND_ASSIGN(auto w1, Dataset::WriteFragments(dir_, TestSchema(), {Rows(10, 10)}));
  ASSERT_OK_AND_ASSIGN(auto w2, Dataset::WriteFragments(dir_, TestSchema(), {Rows(20, 10)}));
  // Nothing is visible before the commit.
  ASSERT_OK_AND_ASSIGN(auto still, Dataset::Open(dir_));
  EXPECT_EQ(still->version(), 1u);
  std::vector<Fragment> all = w1;
  all.insert(all.end(), w2.begin(), w2.end());
  ASSERT_OK_AND_ASSIGN(auto v2, Dataset::CommitAppend(dir_, all));
  EXPECT_EQ(v2->version(), 2u);
  EXPECT_EQ(Ids(*v2), Range(0, 30));
  EXPECT_EQ(TxnOf(*v2).fragments.size(), 2u);
}

TEST_P(TableOpsTest, SchemaMismatchAndUnknownWriterFlagsAreRefused) {
  auto v1 = CreateTable(10);
  ASSERT_TRUE(v1);
  RecordBatch bad = Rows(10, 3);
  bad.schema.fields[2].type = float32();
  EXPECT_EQ(v1->Append({bad}).status().code(), StatusCode::kInvalidArgument);
  // A writer feature flag lancet does not know (e.g. stable row ids) blocks writes.
  Manifest m = v1->manifest();
  m.version = 2;
  m.writer_feature_flags |= kFlagStableRowIds;
  m.reader_feature_flags = 0;
  ASSERT_OK_AND_ASSIGN(auto bytes, SerializeManifest(m, ""));
  ASSERT_OK(fs_->PutIfAbsent(base_ + "/_versions/" + ManifestFileName(2, ManifestNaming::kV2),
                             bytes));
  auto st = v1->Append({Rows(10, 1)});
  EXPECT_EQ(st.status().code(), StatusCode::kNotSupported) << st.status().ToString();
  EXPECT_EQ(Dataset::Create(dir_, TestSchema(), {Rows(0, 1)}).status().code(),
            StatusCode::kAlreadyExists);
}

TEST_P(TableOpsTest, OverwriteReplacesSchemaAndRows) {
  auto v1 = CreateTable(10);
  ASSERT_TRUE(v1);
  WriteOptions wo;
  wo.mode = WriteMode::kOverwrite;
  ASSERT_OK_AND_ASSIGN(auto v2, Dataset::Write(dir_, TestSchema(), {Rows(500, 3)}, wo));
  EXPECT_EQ(v2->version(), 2u);
  EXPECT_EQ(Ids(*v2), Range(500, 503));
  EXPECT_EQ(TxnOf(*v2).operation, Operation::kOverwrite);
  wo.mode = WriteMode::kAppend;
  ASSERT_OK_AND_ASSIGN(auto v3, Dataset::Write(dir_, TestSchema(), {Rows(503, 2)}, wo));
  EXPECT_EQ(Ids(*v3), Range(500, 505));
}

TEST_P(TableOpsTest, CorruptManifestIsAClearErrorNamingTheFile) {
  auto v1 = CreateTable(10);
  ASSERT_TRUE(v1);
  ASSERT_OK_AND_ASSIGN(auto v2, v1->Append({Rows(10, 10)}));
  const std::string path = v2->manifest_path();
  ASSERT_OK_AND_ASSIGN(auto good, fs_->ReadFile(path));
  std::string bytes(good.view());
  for (const std::string& bad : {std::string("not a manifest"), bytes.substr(0, bytes.size() / 2),
                                 bytes.substr(0, bytes.size() - 20) + std::string(20, 'x')}) {
    ASSERT_OK(fs_->WriteFile(path, Buffer::FromString(bad)));
    auto ds = Dataset::Open(dir_);
    ASSERT_FALSE(ds.ok());
    EXPECT_EQ(ds.status().code(), StatusCode::kCorruption) << ds.status().ToString();
    EXPECT_NE(ds.status().message().find(path), std::string::npos) << ds.status().ToString();
    // Older versions are untouched and still open.
    OpenOptions oo;
    oo.version = 1;
    ASSERT_OK_AND_ASSIGN(auto old, Dataset::Open(dir_, oo));
    EXPECT_EQ(Ids(*old), Range(0, 10));
  }
}

INSTANTIATE_TEST_SUITE_P(Backends, TableOpsTest, ::testing::Values("local", "s3"),
                         [](const auto& info) { return info.param; });

}  // namespace
}  // namespace lancet::table
