// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The lancet authors
//
// The FileSystem conformance suite (Arrow's GenericFileSystemTest): one set of expectations run
// against every backend. The S3 backend will add itself to kBackends below.
#include "lancet/io/file_system.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <functional>
#include <memory>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "lancet/io/counting_file_system.h"
#include "lancet/io/local_file_system.h"
#include "lancet/io/memory_file_system.h"
#include "lancet/io/test_util_internal.h"

namespace lancet::io {
namespace {

using testing::PatternBuffer;
using testing::StringBuffer;
using testing::TempDir;

/// A backend under test: builds a file system and an empty root directory inside it.
struct Backend {
  std::string name;
  std::function<std::shared_ptr<FileSystem>()> make;
};

std::vector<Backend> Backends() {
  return {
      {"local", [] { return std::shared_ptr<FileSystem>(LocalFileSystem::Default()); }},
      {"memory", [] { return std::shared_ptr<FileSystem>(std::make_shared<MemoryFileSystem>()); }},
      // Decorators must be transparent: the suite also passes through a CountingFileSystem.
      {"counting_memory",
       [] {
         return std::shared_ptr<FileSystem>(
             std::make_shared<CountingFileSystem>(std::make_shared<MemoryFileSystem>()));
       }},
  };
}

class FileSystemConformanceTest : public ::testing::TestWithParam<Backend> {
 protected:
  void SetUp() override {
    fs_ = GetParam().make();
    if (fs_->type_name() == "local") {
      ASSERT_TRUE(tmp_.ok());
      root_ = tmp_.path();
    } else {
      root_ = "/conformance";
      LANCET_IO_ASSERT_OK(fs_->CreateDir(root_));
    }
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

  TempDir tmp_;
  std::shared_ptr<FileSystem> fs_;
  std::string root_;
};

TEST_P(FileSystemConformanceTest, CapabilitiesAreSane) {
  Capabilities c = fs_->capabilities();
  EXPECT_GT(c.block_size, 0);
  EXPECT_GT(c.io_parallelism, 0);
  EXPECT_GE(c.max_request_size, c.block_size);
  EXPECT_TRUE(c.conditional_put);
  EXPECT_FALSE(fs_->type_name().empty());
}

TEST_P(FileSystemConformanceTest, WriteReadOverwrite) {
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
}

TEST_P(FileSystemConformanceTest, MissingPaths) {
  EXPECT_TRUE(fs_->GetFileInfo(P("nope")).status().IsNotFound());
  EXPECT_TRUE(fs_->OpenInputFile(P("nope")).status().IsNotFound());
  EXPECT_TRUE(fs_->ReadFile(P("nope")).status().IsNotFound());
  LANCET_IO_ASSIGN_OR_FAIL(bool exists, fs_->Exists(P("nope")));
  EXPECT_FALSE(exists);
  LANCET_IO_ASSERT_OK(fs_->WriteFile(P("yes"), StringBuffer("x")));
  LANCET_IO_ASSIGN_OR_FAIL(exists, fs_->Exists(P("yes")));
  EXPECT_TRUE(exists);
  LANCET_IO_ASSIGN_OR_FAIL(exists, fs_->Exists(root_));
  EXPECT_TRUE(exists);
}

TEST_P(FileSystemConformanceTest, CreatesParentDirectories) {
  LANCET_IO_ASSERT_OK(fs_->WriteFile(P("a/b/c.bin"), StringBuffer("c")));
  LANCET_IO_ASSIGN_OR_FAIL(FileInfo a, fs_->GetFileInfo(P("a")));
  EXPECT_TRUE(a.is_dir);
  LANCET_IO_ASSIGN_OR_FAIL(FileInfo ab, fs_->GetFileInfo(P("a/b")));
  EXPECT_TRUE(ab.is_dir);
  EXPECT_EQ(ab.size, 0);
  LANCET_IO_ASSERT_OK(fs_->PutIfAbsent(P("x/y/z"), StringBuffer("z")));
  EXPECT_EQ(ReadString(P("x/y/z")), "z");
  LANCET_IO_ASSIGN_OR_FAIL(auto out, fs_->OpenOutputStream(P("s/t/u")));
  LANCET_IO_ASSERT_OK(out->Close());
  LANCET_IO_ASSIGN_OR_FAIL(bool exists, fs_->Exists(P("s/t/u")));
  EXPECT_TRUE(exists);
  // A file cannot be the parent of anything.
  EXPECT_FALSE(fs_->WriteFile(P("a/b/c.bin/d"), StringBuffer("d")).ok());
}

TEST_P(FileSystemConformanceTest, CreateDir) {
  LANCET_IO_ASSERT_OK(fs_->CreateDir(P("d1/d2")));
  LANCET_IO_ASSERT_OK(fs_->CreateDir(P("d1/d2")));  // idempotent
  LANCET_IO_ASSIGN_OR_FAIL(FileInfo info, fs_->GetFileInfo(P("d1/d2")));
  EXPECT_TRUE(info.is_dir);
  LANCET_IO_ASSERT_OK(fs_->WriteFile(P("f"), StringBuffer("f")));
  EXPECT_TRUE(fs_->CreateDir(P("f")).IsIOError());
  EXPECT_EQ(ListPaths(root_, false), (std::vector<std::string>{"d1/", "f"}));
}

TEST_P(FileSystemConformanceTest, List) {
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
}

TEST_P(FileSystemConformanceTest, ListFirstIsAPrefixOfList) {
  for (const char* f : {"b.txt", "a.txt", "d.txt", "c/x.txt"}) {
    LANCET_IO_ASSERT_OK(fs_->WriteFile(P(f), StringBuffer(f)));
  }
  LANCET_IO_ASSIGN_OR_FAIL(std::vector<FileInfo> all, fs_->List(root_, false));
  for (int64_t n : {1, 2, 4, 10}) {
    LANCET_IO_ASSIGN_OR_FAIL(std::vector<FileInfo> first, fs_->ListFirst(root_, n));
    ASSERT_GE(static_cast<int64_t>(first.size()), std::min<int64_t>(n, all.size())) << n;
    ASSERT_LE(first.size(), all.size());
    for (size_t i = 0; i < first.size(); ++i) {
      EXPECT_EQ(first[i].path, all[i].path) << n;
      EXPECT_EQ(first[i].is_dir, all[i].is_dir) << n;
    }
  }
  LANCET_IO_ASSIGN_OR_FAIL(std::vector<FileInfo> none, fs_->ListFirst(P("missing"), 5));
  EXPECT_TRUE(none.empty());
}

TEST_P(FileSystemConformanceTest, OutputStreamPublishesOnClose) {
  LANCET_IO_ASSIGN_OR_FAIL(std::unique_ptr<OutputStream> out, fs_->OpenOutputStream(P("s.bin")));
  EXPECT_EQ(out->path(), P("s.bin"));
  Buffer big = PatternBuffer(1 << 20);
  LANCET_IO_ASSERT_OK(out->Write("abc", 3));
  LANCET_IO_ASSERT_OK(out->Write(big));
  LANCET_IO_ASSERT_OK(out->Write(StringBuffer("xyz")));
  LANCET_IO_ASSIGN_OR_FAIL(int64_t pos, out->Tell());
  EXPECT_EQ(pos, 6 + (1 << 20));
  // Not visible before Close, and not visible in listings either.
  LANCET_IO_ASSIGN_OR_FAIL(bool exists, fs_->Exists(P("s.bin")));
  EXPECT_FALSE(exists);
  EXPECT_TRUE(ListPaths(root_, true).empty());
  EXPECT_FALSE(out->closed());
  LANCET_IO_ASSERT_OK(out->Close());
  EXPECT_TRUE(out->closed());
  LANCET_IO_ASSERT_OK(out->Close());  // idempotent
  EXPECT_TRUE(out->Write("more", 4).IsInvalidArgument());
  LANCET_IO_ASSIGN_OR_FAIL(Buffer got, fs_->ReadFile(P("s.bin")));
  ASSERT_EQ(got.size(), 6 + (1 << 20));
  EXPECT_EQ(got.view().substr(0, 3), "abc");
  EXPECT_TRUE(got.Slice(3, 1 << 20).Equals(big));
  EXPECT_EQ(got.view().substr(3 + (1 << 20)), "xyz");
  EXPECT_EQ(ListPaths(root_, true), (std::vector<std::string>{"s.bin"}));
}

TEST_P(FileSystemConformanceTest, OutputStreamAbortKeepsOldFile) {
  LANCET_IO_ASSERT_OK(fs_->WriteFile(P("keep"), StringBuffer("old")));
  {
    LANCET_IO_ASSIGN_OR_FAIL(auto out, fs_->OpenOutputStream(P("keep")));
    LANCET_IO_ASSERT_OK(out->Write("new!", 4));
    LANCET_IO_ASSERT_OK(out->Abort());
    EXPECT_TRUE(out->closed());
    LANCET_IO_ASSERT_OK(out->Abort());
  }
  EXPECT_EQ(ReadString(P("keep")), "old");
  {
    // Destroyed without Close: same as Abort.
    LANCET_IO_ASSIGN_OR_FAIL(auto out, fs_->OpenOutputStream(P("keep")));
    LANCET_IO_ASSERT_OK(out->Write("new!", 4));
    LANCET_IO_ASSIGN_OR_FAIL(auto out2, fs_->OpenOutputStream(P("never")));
  }
  EXPECT_EQ(ReadString(P("keep")), "old");
  EXPECT_EQ(ListPaths(root_, true), (std::vector<std::string>{"keep"}));
}

TEST_P(FileSystemConformanceTest, ReadAtAndBounds) {
  Buffer data = PatternBuffer(10000);
  LANCET_IO_ASSERT_OK(fs_->WriteFile(P("f"), data));
  LANCET_IO_ASSIGN_OR_FAIL(std::shared_ptr<RandomAccessFile> f, fs_->OpenInputFile(P("f")));
  EXPECT_EQ(f->path(), P("f"));
  LANCET_IO_ASSIGN_OR_FAIL(int64_t size, f->GetSize());
  EXPECT_EQ(size, 10000);
  LANCET_IO_ASSIGN_OR_FAIL(Buffer all, f->ReadAt(0, 10000));
  EXPECT_TRUE(all.Equals(data));
  LANCET_IO_ASSIGN_OR_FAIL(Buffer mid, f->ReadAt(1234, 100));
  EXPECT_TRUE(mid.Equals(data.Slice(1234, 100)));
  LANCET_IO_ASSIGN_OR_FAIL(Buffer none, f->ReadAt(10000, 0));
  EXPECT_EQ(none.size(), 0);
  std::vector<uint8_t> out(50);
  LANCET_IO_ASSIGN_OR_FAIL(int64_t n, f->ReadAt(9950, 50, out.data()));
  EXPECT_EQ(n, 50);
  EXPECT_TRUE(Buffer::Copy(out.data(), 50).Equals(data.Slice(9950, 50)));

  // Past the end: an IOError naming file, offset, length and size; never a short read.
  Result<Buffer> past = f->ReadAt(9990, 20);
  ASSERT_TRUE(past.status().IsIOError()) << past.status().ToString();
  const std::string& msg = past.status().message();
  EXPECT_NE(msg.find(P("f")), std::string::npos) << msg;
  EXPECT_NE(msg.find("9990"), std::string::npos) << msg;
  EXPECT_NE(msg.find("20"), std::string::npos) << msg;
  EXPECT_NE(msg.find("10000"), std::string::npos) << msg;
  EXPECT_TRUE(f->ReadAt(10001, 0).status().IsIOError());
  EXPECT_TRUE(f->ReadAt(9990, 20, out.data()).status().IsIOError());
  EXPECT_TRUE(f->ReadAt(0, int64_t{1} << 62).status().IsIOError());
  EXPECT_TRUE(f->ReadAt(-1, 5).status().IsInvalidArgument());
  EXPECT_TRUE(f->ReadAt(0, -5).status().IsInvalidArgument());
}

TEST_P(FileSystemConformanceTest, ReadManyOneBufferPerRange) {
  Buffer data = PatternBuffer(200000);
  LANCET_IO_ASSERT_OK(fs_->WriteFile(P("f"), data));
  LANCET_IO_ASSIGN_OR_FAIL(std::shared_ptr<RandomAccessFile> f, fs_->OpenInputFile(P("f")));
  std::vector<ReadRange> ranges = {{150000, 100}, {0, 10},  {5, 10},      {100, 0},
                                   {0, 10},       {20, 30}, {199990, 10}, {60000, 70000},
                                   {200000, 0},   {1000, 1}};
  LANCET_IO_ASSIGN_OR_FAIL(std::vector<Buffer> got, f->ReadMany(ranges));
  ASSERT_EQ(got.size(), ranges.size());
  for (size_t i = 0; i < ranges.size(); ++i) {
    EXPECT_TRUE(got[i].Equals(data.Slice(ranges[i].offset, ranges[i].length))) << i;
  }
  LANCET_IO_ASSIGN_OR_FAIL(std::vector<Buffer> empty, f->ReadMany({}));
  EXPECT_TRUE(empty.empty());
  // One bad range fails the whole call.
  EXPECT_TRUE(f->ReadMany({{0, 10}, {199995, 10}}).status().IsIOError());
  EXPECT_TRUE(f->ReadMany({{0, 10}, {-3, 1}}).status().IsInvalidArgument());
}

TEST_P(FileSystemConformanceTest, ConcurrentReadAt) {
  Buffer data = PatternBuffer(1 << 20, 7);
  LANCET_IO_ASSERT_OK(fs_->WriteFile(P("f"), data));
  LANCET_IO_ASSIGN_OR_FAIL(std::shared_ptr<RandomAccessFile> f, fs_->OpenInputFile(P("f")));
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&, t] {
      std::mt19937 rng(t);
      for (int i = 0; i < 300; ++i) {
        int64_t off = rng() % data.size();
        int64_t len = rng() % std::min<int64_t>(8192, data.size() - off + 1);
        if (i % 3 == 0) {
          // A multi-range read: the file's ReadMany fans out on the I/O pool.
          std::vector<ReadRange> ranges = {{off, len}, {off / 2, len / 2}, {0, 100}};
          Result<std::vector<Buffer>> r = f->ReadMany(ranges);
          if (!r.ok()) {
            failures++;
            continue;
          }
          for (size_t k = 0; k < ranges.size(); ++k) {
            if (!(*r)[k].Equals(data.Slice(ranges[k].offset, ranges[k].length))) failures++;
          }
        } else {
          Result<Buffer> r = f->ReadAt(off, len);
          if (!r.ok() || !r->Equals(data.Slice(off, len))) failures++;
        }
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(failures.load(), 0);
}

TEST_P(FileSystemConformanceTest, OpenFileIsASnapshot) {
  LANCET_IO_ASSERT_OK(fs_->WriteFile(P("f"), StringBuffer("first")));
  LANCET_IO_ASSIGN_OR_FAIL(std::shared_ptr<RandomAccessFile> f, fs_->OpenInputFile(P("f")));
  LANCET_IO_ASSERT_OK(fs_->WriteFile(P("f"), StringBuffer("second!")));
  LANCET_IO_ASSERT_OK(fs_->DeleteFile(P("f")));
  LANCET_IO_ASSIGN_OR_FAIL(Buffer b, f->ReadAt(0, 5));
  EXPECT_EQ(b.view(), "first");
}

TEST_P(FileSystemConformanceTest, OpenDirectoryFails) {
  LANCET_IO_ASSERT_OK(fs_->CreateDir(P("d")));
  EXPECT_TRUE(fs_->OpenInputFile(P("d")).status().IsIOError());
}

TEST_P(FileSystemConformanceTest, PutIfAbsent) {
  LANCET_IO_ASSERT_OK(fs_->PutIfAbsent(P("v/1.manifest"), StringBuffer("one")));
  Status again = fs_->PutIfAbsent(P("v/1.manifest"), StringBuffer("two"));
  EXPECT_TRUE(again.IsAlreadyExists()) << again.ToString();
  EXPECT_EQ(ReadString(P("v/1.manifest")), "one");
  LANCET_IO_ASSERT_OK(fs_->CreateDir(P("v/dir")));
  EXPECT_TRUE(fs_->PutIfAbsent(P("v/dir"), StringBuffer("x")).IsAlreadyExists());
  // Losing leaves no debris behind.
  EXPECT_EQ(ListPaths(P("v"), false), (std::vector<std::string>{"v/1.manifest", "v/dir/"}));
}

TEST_P(FileSystemConformanceTest, PutIfAbsentRaceHasExactlyOneWinner) {
  constexpr int kThreads = 8;
  constexpr int kRounds = 25;
  for (int round = 0; round < kRounds; ++round) {
    std::string path = P("race/" + std::to_string(round));
    std::atomic<int> winners{0};
    std::atomic<int> losers{0};
    std::atomic<int> winner_id{-1};
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
  EXPECT_EQ(ListPaths(P("race"), false).size(), static_cast<size_t>(kRounds));
}

TEST_P(FileSystemConformanceTest, DeleteFiles) {
  LANCET_IO_ASSERT_OK(fs_->WriteFile(P("a"), StringBuffer("a")));
  LANCET_IO_ASSERT_OK(fs_->WriteFile(P("b"), StringBuffer("b")));
  LANCET_IO_ASSERT_OK(fs_->WriteFile(P("c"), StringBuffer("c")));
  LANCET_IO_ASSERT_OK(fs_->DeleteFile(P("a")));
  LANCET_IO_ASSERT_OK(fs_->DeleteFile(P("a")));  // idempotent
  LANCET_IO_ASSERT_OK(fs_->DeleteFiles({P("b"), P("missing"), P("c")}));
  EXPECT_TRUE(ListPaths(root_, true).empty());
  LANCET_IO_ASSERT_OK(fs_->CreateDir(P("d")));
  EXPECT_TRUE(fs_->DeleteFile(P("d")).IsIOError());
}

TEST_P(FileSystemConformanceTest, DeleteDirIsRecursive) {
  LANCET_IO_ASSERT_OK(fs_->WriteFile(P("d/x"), StringBuffer("x")));
  LANCET_IO_ASSERT_OK(fs_->WriteFile(P("d/e/y"), StringBuffer("y")));
  LANCET_IO_ASSERT_OK(fs_->CreateDir(P("d/empty")));
  LANCET_IO_ASSERT_OK(fs_->WriteFile(P("dd"), StringBuffer("sibling with a common prefix")));
  LANCET_IO_ASSERT_OK(fs_->DeleteDir(P("d")));
  EXPECT_TRUE(fs_->GetFileInfo(P("d")).status().IsNotFound());
  EXPECT_EQ(ListPaths(root_, true), (std::vector<std::string>{"dd"}));
  LANCET_IO_ASSERT_OK(fs_->DeleteDir(P("d")));  // idempotent
  EXPECT_TRUE(fs_->DeleteDir(P("dd")).IsIOError());
}

TEST_P(FileSystemConformanceTest, Rename) {
  LANCET_IO_ASSERT_OK(fs_->WriteFile(P("from"), StringBuffer("payload")));
  LANCET_IO_ASSERT_OK(fs_->Rename(P("from"), P("to/nested")));
  EXPECT_TRUE(fs_->GetFileInfo(P("from")).status().IsNotFound());
  EXPECT_EQ(ReadString(P("to/nested")), "payload");
  // Replaces an existing file.
  LANCET_IO_ASSERT_OK(fs_->WriteFile(P("other"), StringBuffer("other")));
  LANCET_IO_ASSERT_OK(fs_->Rename(P("other"), P("to/nested")));
  EXPECT_EQ(ReadString(P("to/nested")), "other");
  EXPECT_TRUE(fs_->Rename(P("missing"), P("x")).IsNotFound());
}

TEST_P(FileSystemConformanceTest, ConcurrentWritersAndReaders) {
  // Writers replace files while readers read them: readers always see a complete version.
  constexpr int kFiles = 4;
  std::vector<Buffer> versions = {PatternBuffer(50000, 1), PatternBuffer(50000, 2)};
  for (int i = 0; i < kFiles; ++i) {
    LANCET_IO_ASSERT_OK(fs_->WriteFile(P("cw/" + std::to_string(i)), versions[0]));
  }
  std::atomic<bool> stop{false};
  std::atomic<int> bad{0};
  std::thread writer([&] {
    for (int iter = 0; iter < 12; ++iter) {
      for (int i = 0; i < kFiles; ++i) {
        if (!fs_->WriteFile(P("cw/" + std::to_string(i)), versions[iter % 2]).ok()) bad++;
      }
    }
    stop = true;
  });
  std::vector<std::thread> readers;
  for (int r = 0; r < 3; ++r) {
    readers.emplace_back([&, r] {
      int i = r;
      while (!stop.load()) {
        Result<Buffer> b = fs_->ReadFile(P("cw/" + std::to_string(i++ % kFiles)));
        if (!b.ok() || !(b->Equals(versions[0]) || b->Equals(versions[1]))) bad++;
      }
    });
  }
  writer.join();
  for (auto& t : readers) t.join();
  EXPECT_EQ(bad.load(), 0);
}

INSTANTIATE_TEST_SUITE_P(Backends, FileSystemConformanceTest, ::testing::ValuesIn(Backends()),
                         [](const ::testing::TestParamInfo<Backend>& info) {
                           return info.param.name;
                         });

}  // namespace
}  // namespace lancet::io
