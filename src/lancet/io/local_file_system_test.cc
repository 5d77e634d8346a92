// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The lancet authors
//
// Local-backend specifics that the conformance suite cannot express: temporary files, errno
// messages, on-disk effects.
#include "lancet/io/local_file_system.h"

#include <dirent.h>
#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lancet/io/test_util_internal.h"

namespace lancet::io {
namespace {

using testing::StringBuffer;
using testing::TempDir;

// Every entry in `dir`, hidden ones included.
std::vector<std::string> RawEntries(const std::string& dir) {
  std::vector<std::string> out;
  DIR* d = ::opendir(dir.c_str());
  if (d == nullptr) return out;
  while (struct dirent* e = ::readdir(d)) {
    std::string name = e->d_name;
    if (name != "." && name != "..") out.push_back(name);
  }
  ::closedir(d);
  std::sort(out.begin(), out.end());
  return out;
}

class LocalFileSystemTest : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_TRUE(tmp_.ok()); }
  std::string P(const std::string& rel) const { return tmp_.path() + "/" + rel; }

  TempDir tmp_;
  std::shared_ptr<LocalFileSystem> fs_ = LocalFileSystem::Default();
};

TEST_F(LocalFileSystemTest, CapabilitiesMatchLanceDefaults) {
  Capabilities c = fs_->capabilities();
  EXPECT_EQ(c.block_size, 4096);
  EXPECT_EQ(c.io_parallelism, 8);
  EXPECT_EQ(c.max_request_size, 16 << 20);
  EXPECT_TRUE(c.atomic_rename);
  EXPECT_TRUE(c.conditional_put);
  Capabilities s3 = Capabilities::ObjectStore();
  EXPECT_EQ(s3.block_size, 64 * 1024);
  EXPECT_EQ(s3.io_parallelism, 64);
  EXPECT_FALSE(s3.atomic_rename);
}

TEST_F(LocalFileSystemTest, TemporaryFilesAreHiddenAndCleanedUp) {
  LANCET_IO_ASSIGN_OR_FAIL(auto out, fs_->OpenOutputStream(P("data.bin")));
  LANCET_IO_ASSERT_OK(out->Write("abc", 3));
  // The in-progress file exists on disk under a temporary name, but List hides it.
  std::vector<std::string> raw = RawEntries(tmp_.path());
  ASSERT_EQ(raw.size(), 1u);
  EXPECT_EQ(raw[0].rfind(".lancet-tmp.data.bin.", 0), 0u) << raw[0];
  LANCET_IO_ASSIGN_OR_FAIL(std::vector<FileInfo> listed, fs_->List(tmp_.path(), false));
  EXPECT_TRUE(listed.empty());
  LANCET_IO_ASSERT_OK(out->Close());
  EXPECT_EQ(RawEntries(tmp_.path()), (std::vector<std::string>{"data.bin"}));

  LANCET_IO_ASSIGN_OR_FAIL(auto aborted, fs_->OpenOutputStream(P("gone.bin")));
  LANCET_IO_ASSERT_OK(aborted->Abort());
  LANCET_IO_ASSERT_OK(fs_->PutIfAbsent(P("m"), StringBuffer("1")));
  EXPECT_TRUE(fs_->PutIfAbsent(P("m"), StringBuffer("2")).IsAlreadyExists());
  LANCET_IO_ASSERT_OK(fs_->WriteFile(P("w"), StringBuffer("w")));
  EXPECT_EQ(RawEntries(tmp_.path()), (std::vector<std::string>{"data.bin", "m", "w"}));
}

TEST_F(LocalFileSystemTest, PutIfAbsentOntoDirectoryLeavesNoDebris) {
  // (The link/renameat2 step itself is exercised by the conformance race test, where several
  // writers pass the existence pre-check at once.)
  LANCET_IO_ASSERT_OK(fs_->CreateDir(P("dir")));
  EXPECT_TRUE(fs_->PutIfAbsent(P("dir"), StringBuffer("x")).IsAlreadyExists());
  EXPECT_EQ(RawEntries(tmp_.path()), (std::vector<std::string>{"dir"}));
}

TEST_F(LocalFileSystemTest, ErrorsNameThePathAndReason) {
  LANCET_IO_ASSERT_OK(fs_->WriteFile(P("file"), StringBuffer("x")));
  Status st = fs_->WriteFile(P("file/child"), StringBuffer("y"));
  EXPECT_TRUE(st.IsIOError()) << st.ToString();
  EXPECT_NE(st.message().find(P("file")), std::string::npos) << st.ToString();
  Result<std::shared_ptr<RandomAccessFile>> r = fs_->OpenInputFile(P("missing"));
  EXPECT_TRUE(r.status().IsNotFound());
  EXPECT_NE(r.status().message().find("No such file or directory"), std::string::npos)
      << r.status().ToString();
  EXPECT_NE(r.status().message().find(P("missing")), std::string::npos);
}

TEST_F(LocalFileSystemTest, DetectsTruncationAfterOpen) {
  LANCET_IO_ASSERT_OK(fs_->WriteFile(P("t"), testing::PatternBuffer(1000)));
  LANCET_IO_ASSIGN_OR_FAIL(auto f, fs_->OpenInputFile(P("t")));
  ASSERT_EQ(::truncate(P("t").c_str(), 100), 0);
  Result<Buffer> r = f->ReadAt(50, 500);
  EXPECT_TRUE(r.status().IsIOError()) << r.status().ToString();
  EXPECT_NE(r.status().message().find("unexpected end"), std::string::npos);
}

TEST_F(LocalFileSystemTest, WillNeedAndFilePermissions) {
  LANCET_IO_ASSERT_OK(fs_->WriteFile(P("f"), testing::PatternBuffer(100000)));
  LANCET_IO_ASSIGN_OR_FAIL(auto f, fs_->OpenInputFile(P("f")));
  LANCET_IO_ASSERT_OK(f->WillNeed({{0, 4096}, {50000, 100}, {-1, 5}}));
  struct stat st;
  ASSERT_EQ(::stat(P("f").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777 & ~0022, 0644 & ~0022);
}

TEST_F(LocalFileSystemTest, RelativePathsWork) {
  char cwd[4096];
  ASSERT_NE(::getcwd(cwd, sizeof(cwd)), nullptr);
  ASSERT_EQ(::chdir(tmp_.path().c_str()), 0);
  Status st = fs_->WriteFile("rel/x.txt", StringBuffer("rel"));
  LANCET_IO_ASSIGN_OR_FAIL(std::vector<FileInfo> listed, fs_->List("rel", false));
  ASSERT_EQ(::chdir(cwd), 0);
  LANCET_IO_ASSERT_OK(st);
  ASSERT_EQ(listed.size(), 1u);
  EXPECT_EQ(listed[0].path, "rel/x.txt");
}

}  // namespace
}  // namespace lancet::io
