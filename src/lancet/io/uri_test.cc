// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The lancet authors
#include <gtest/gtest.h>
#include <unistd.h>

#include "lancet/io/file_system.h"
#include "lancet/io/local_file_system.h"
#include "lancet/io/memory_file_system.h"
#include "lancet/io/test_util_internal.h"

namespace lancet::io {
namespace {

TEST(UriTest, Scheme) {
  EXPECT_EQ(UriScheme("s3://bucket/key"), "s3");
  EXPECT_EQ(UriScheme("FILE:///x"), "file");
  EXPECT_EQ(UriScheme("memory://t/x"), "memory");
  EXPECT_EQ(UriScheme("/abs/path"), "");
  EXPECT_EQ(UriScheme("rel/path:with/colon"), "");
  EXPECT_EQ(UriScheme("a:b"), "");
  EXPECT_EQ(UriScheme("C:/windows"), "");
}

TEST(UriTest, FileUris) {
  LANCET_IO_ASSIGN_OR_FAIL(FileSystemAndPath r, FileSystemFromUri("file:///tmp/x/y"));
  EXPECT_EQ(r.first->type_name(), "local");
  EXPECT_EQ(r.second, "/tmp/x/y");
  EXPECT_EQ(r.first, std::shared_ptr<FileSystem>(LocalFileSystem::Default()));
  LANCET_IO_ASSIGN_OR_FAIL(r, FileSystemFromUri("file://localhost/tmp/a%20b/"));
  EXPECT_EQ(r.second, "/tmp/a b");
  LANCET_IO_ASSIGN_OR_FAIL(r, FileSystemFromUri("file:/tmp/./q/../z"));
  EXPECT_EQ(r.second, "/tmp/z");
  EXPECT_TRUE(FileSystemFromUri("file://otherhost/tmp").status().IsInvalidArgument());
  EXPECT_TRUE(FileSystemFromUri("file:///tmp/%zz").status().IsInvalidArgument());
}

TEST(UriTest, PlainPaths) {
  LANCET_IO_ASSIGN_OR_FAIL(FileSystemAndPath r, FileSystemFromUri("/data/table.lance/"));
  EXPECT_EQ(r.first->type_name(), "local");
  EXPECT_EQ(r.second, "/data/table.lance");
  char cwd[4096];
  ASSERT_NE(::getcwd(cwd, sizeof(cwd)), nullptr);
  LANCET_IO_ASSIGN_OR_FAIL(r, FileSystemFromUri("rel/dir"));
  EXPECT_EQ(r.second, std::string(cwd) + "/rel/dir");
  EXPECT_TRUE(FileSystemFromUri("").status().IsInvalidArgument());
}

TEST(UriTest, MemoryUrisShareNamedInstances) {
  LANCET_IO_ASSIGN_OR_FAIL(FileSystemAndPath a, FileSystemFromUri("memory://uri-test/t/x"));
  EXPECT_EQ(a.first->type_name(), "memory");
  EXPECT_EQ(a.second, "/t/x");
  LANCET_IO_ASSERT_OK(a.first->WriteFile(a.second, testing::StringBuffer("shared")));
  LANCET_IO_ASSIGN_OR_FAIL(FileSystemAndPath b, FileSystemFromUri("memory://uri-test/t/x"));
  EXPECT_EQ(a.first, b.first);
  LANCET_IO_ASSIGN_OR_FAIL(Buffer got, b.first->ReadFile(b.second));
  EXPECT_EQ(got.view(), "shared");
  LANCET_IO_ASSIGN_OR_FAIL(FileSystemAndPath c, FileSystemFromUri("memory://uri-test-2/t/x"));
  EXPECT_NE(a.first, c.first);
  LANCET_IO_ASSIGN_OR_FAIL(bool exists, c.first->Exists(c.second));
  EXPECT_FALSE(exists);
  LANCET_IO_ASSIGN_OR_FAIL(FileSystemAndPath root, FileSystemFromUri("memory://uri-test"));
  EXPECT_EQ(root.second, "/");
}

TEST(UriTest, UnknownSchemesAndRegistry) {
  Result<FileSystemAndPath> gcs = FileSystemFromUri("gs://bucket/key");
  EXPECT_TRUE(gcs.status().IsNotSupported()) << gcs.status().ToString();
  EXPECT_NE(gcs.status().message().find("'gs'"), std::string::npos);
  // s3:// and r2:// are built in.
  EXPECT_TRUE(FileSystemFromUri("s3://bucket/key?endpoint=http://127.0.0.1:1&allow_http=true"
                                "&region=us-east-1&access_key_id=a&secret_access_key=b")
                  .ok());

  // The registry is process-wide: register once even under --gtest_repeat.
  static const auto fake = std::make_shared<MemoryFileSystem>(Capabilities::ObjectStore());
  static const Status registered =
      RegisterFileSystemScheme("FakeS3", [](const std::string& uri) -> Result<FileSystemAndPath> {
        // fakes3://bucket/key -> "/bucket/key"
        return FileSystemAndPath(fake, MemoryFileSystem::NormalizePath(uri.substr(9)));
      });
  LANCET_IO_ASSERT_OK(registered);
  LANCET_IO_ASSIGN_OR_FAIL(FileSystemAndPath r, FileSystemFromUri("fakes3://bucket/a/b"));
  EXPECT_EQ(r.first, std::shared_ptr<FileSystem>(fake));
  EXPECT_EQ(r.second, "/bucket/a/b");
  EXPECT_FALSE(r.first->capabilities().atomic_rename);
  EXPECT_TRUE(RegisterFileSystemScheme("fakes3", [](const std::string&) {
                return Result<FileSystemAndPath>(Status::Internal("unused"));
              }).IsAlreadyExists());
  EXPECT_TRUE(RegisterFileSystemScheme("file", [](const std::string&) {
                return Result<FileSystemAndPath>(Status::Internal("unused"));
              }).IsAlreadyExists());
  EXPECT_TRUE(RegisterFileSystemScheme("x", nullptr).IsInvalidArgument());
}

}  // namespace
}  // namespace lancet::io
