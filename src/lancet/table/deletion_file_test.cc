// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The lancet authors
#include "lancet/table/deletion_file.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <random>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "lancet/io/memory_file_system.h"

namespace lancet::table {
namespace {

[[maybe_unused]] std::string StatusText(const Status& s) { return s.ToString(); }
template <typename T>
std::string StatusText(const Result<T>& r) {
  return r.status().ToString();
}

#define DEL_ASSERT_OK(expr)                    \
  do {                                         \
    const auto& _r = (expr);                   \
    ASSERT_TRUE(_r.ok()) << StatusText(_r);    \
  } while (0)

std::string TestData(const std::string& rel) {
  const char* src = std::getenv("LANCET_SOURCE_DIR");
  std::string root = src ? src : std::string(__FILE__).substr(0, std::string(__FILE__).rfind("/src/"));
  return root + "/testdata/deletion/" + rel;
}

Buffer ReadBytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return Buffer::FromString(ss.str());
}

std::vector<uint32_t> Range(uint32_t begin, uint32_t end, uint32_t step) {
  std::vector<uint32_t> v;
  for (uint32_t i = begin; i < end; i += step) v.push_back(i);
  return v;
}

std::vector<uint32_t> RandomRows(std::mt19937_64* rng, size_t n, uint32_t max) {
  std::set<uint32_t> s;
  std::uniform_int_distribution<uint32_t> d(0, max);
  while (s.size() < n) s.insert(d(*rng));
  return std::vector<uint32_t>(s.begin(), s.end());
}

// --- Golden files written by LanceDB 0.39 (see testdata/deletion/README.md) ---------------

TEST(DeletionFileTest, ParsesLanceDbArrowFile) {
  Buffer bytes = ReadBytes(TestData("lancedb-3rows.arrow"));
  ASSERT_EQ(bytes.size(), 698);
  auto rows = ParseDeletionFile(bytes, DeletionFile::Type::kArrowArray, "lancedb-3rows.arrow");
  DEL_ASSERT_OK(rows);
  // id % 7 = 3 over ids 0..19; LanceDB stores them unsorted (17, 3, 10).
  EXPECT_EQ(*rows, (std::vector<uint32_t>{3, 10, 17}));
}

TEST(DeletionFileTest, ParsesLanceDbArrowFileOfSecondDelete) {
  Buffer bytes = ReadBytes(TestData("lancedb-5rows-second-delete.arrow"));
  auto rows = ParseDeletionFile(bytes, DeletionFile::Type::kArrowArray, "x.arrow");
  DEL_ASSERT_OK(rows);
  EXPECT_EQ(*rows, (std::vector<uint32_t>{0, 3, 10, 17, 19}));
}

TEST(DeletionFileTest, ParsesLanceDbBitmapFile) {
  Buffer bytes = ReadBytes(TestData("lancedb-5500rows.bin"));
  auto rows = ParseDeletionFile(bytes, DeletionFile::Type::kBitmap, "x.bin");
  DEL_ASSERT_OK(rows);
  EXPECT_EQ(*rows, Range(0, 11000, 2));
  // Our serializer produces the identical bytes for the same set (no run containers).
  auto ours = SerializeBitmapDeletionFile(*rows);
  DEL_ASSERT_OK(ours);
  EXPECT_TRUE(ours->Equals(bytes));
}

// --- Round trips ----------------------------------------------------------------------------

TEST(DeletionFileTest, ArrowRoundTripEveryCompression) {
  std::mt19937_64 rng(7);
  for (IpcCompression c : {IpcCompression::kNone, IpcCompression::kZstd, IpcCompression::kLz4Frame}) {
    for (size_t n : {0, 1, 2, 3, 100, 5000}) {
      std::vector<uint32_t> rows = RandomRows(&rng, n, n < 3 ? 0xFFFFFFFFu : 20000);
      auto bytes = SerializeArrowDeletionFile(rows, c);
      DEL_ASSERT_OK(bytes);
      ASSERT_EQ(std::memcmp(bytes->data(), "ARROW1", 6), 0);
      ASSERT_EQ(std::memcmp(bytes->data() + bytes->size() - 6, "ARROW1", 6), 0);
      auto back = ParseDeletionFile(*bytes, DeletionFile::Type::kArrowArray, "rt.arrow");
      DEL_ASSERT_OK(back);
      EXPECT_EQ(*back, rows) << "compression " << static_cast<int>(c) << " n=" << n;
    }
  }
  // Compression is really applied: a dense set shrinks.
  auto plain = SerializeArrowDeletionFile(Range(0, 5000, 1), IpcCompression::kNone);
  DEL_ASSERT_OK(plain);
  auto zstd = SerializeArrowDeletionFile(Range(0, 5000, 1), IpcCompression::kZstd);
  DEL_ASSERT_OK(zstd);
  EXPECT_LT(zstd->size(), plain->size() * 3 / 4);
  // LZ4 cannot shrink distinct sorted u32s much; check that the body holds an LZ4 frame.
  auto lz4 = SerializeArrowDeletionFile(Range(0, 5000, 1), IpcCompression::kLz4Frame);
  DEL_ASSERT_OK(lz4);
  const uint8_t kLz4Magic[4] = {0x04, 0x22, 0x4D, 0x18};
  EXPECT_NE(std::search(lz4->data(), lz4->data() + lz4->size(), kLz4Magic, kLz4Magic + 4),
            lz4->data() + lz4->size());
}

TEST(DeletionFileTest, BitmapRoundTrip) {
  std::mt19937_64 rng(11);
  for (size_t n : {1, 10, 6000, 70000}) {
    std::vector<uint32_t> rows = RandomRows(&rng, n, n > 6000 ? 0xFFFFFFFFu : 100000);
    auto bytes = SerializeBitmapDeletionFile(rows);
    DEL_ASSERT_OK(bytes);
    auto back = ParseDeletionFile(*bytes, DeletionFile::Type::kBitmap, "rt.bin");
    DEL_ASSERT_OK(back);
    EXPECT_EQ(*back, rows);
  }
}

TEST(DeletionFileTest, SerializeRefusesUnsortedOrDuplicateRows) {
  EXPECT_TRUE(SerializeArrowDeletionFile({3, 1}).status().IsInvalidArgument());
  EXPECT_TRUE(SerializeArrowDeletionFile({1, 1}).status().IsInvalidArgument());
  EXPECT_TRUE(SerializeBitmapDeletionFile({5, 2}).status().IsInvalidArgument());
}

// --- Malformed input ------------------------------------------------------------------------

void ExpectCorruptionNamingFile(const Buffer& bytes, DeletionFile::Type type) {
  auto r = ParseDeletionFile(bytes, type, "_deletions/9-1-42.x");
  ASSERT_FALSE(r.ok());
  EXPECT_TRUE(r.status().IsCorruption()) << r.status().ToString();
  EXPECT_NE(r.status().message().find("_deletions/9-1-42.x"), std::string::npos)
      << r.status().ToString();
}

TEST(DeletionFileTest, EveryTruncationIsCorruption) {
  std::vector<Buffer> files = {ReadBytes(TestData("lancedb-3rows.arrow"))};
  for (IpcCompression c : {IpcCompression::kNone, IpcCompression::kZstd, IpcCompression::kLz4Frame})
    files.push_back(*SerializeArrowDeletionFile({1, 5, 9, 1000}, c));
  for (const Buffer& f : files) {
    for (int64_t len = 0; len < f.size(); ++len)
      ExpectCorruptionNamingFile(f.Slice(0, len), DeletionFile::Type::kArrowArray);
  }
  Buffer bin = ReadBytes(TestData("lancedb-5500rows.bin"));
  for (int64_t len = 0; len < bin.size(); len += 7)
    ExpectCorruptionNamingFile(bin.Slice(0, len), DeletionFile::Type::kBitmap);
  // Trailing garbage after a bitmap is refused too.
  std::string extra(bin.view());
  extra += "xx";
  ExpectCorruptionNamingFile(Buffer::FromString(extra), DeletionFile::Type::kBitmap);
}

TEST(DeletionFileTest, ByteFlipsNeverCrash) {
  // Every single-byte corruption either still parses (a byte that does not matter, or a value
  // byte) or is a Corruption; under ASan/UBSan this also proves no out-of-bounds access.
  std::vector<Buffer> files = {ReadBytes(TestData("lancedb-3rows.arrow")),
                               *SerializeArrowDeletionFile({1, 5, 9, 1000}, IpcCompression::kZstd),
                               *SerializeArrowDeletionFile({1, 5, 9}, IpcCompression::kLz4Frame)};
  int corrupt = 0;
  for (const Buffer& f : files) {
    for (int64_t i = 0; i < f.size(); ++i) {
      for (uint8_t x : {0x01, 0x80, 0xFF}) {
        std::string s(f.view());
        s[i] = static_cast<char>(s[i] ^ x);
        auto r = ParseDeletionFile(Buffer::FromString(s), DeletionFile::Type::kArrowArray, "f");
        if (!r.ok()) {
          EXPECT_TRUE(r.status().IsCorruption()) << r.status().ToString();
          ++corrupt;
        }
      }
    }
  }
  EXPECT_GT(corrupt, 100);
}

TEST(DeletionFileTest, RefusesWrongSchemaAndNulls) {
  // A file that is not Arrow at all.
  ExpectCorruptionNamingFile(Buffer::FromString("PAR1 definitely not arrow PAR1"),
                             DeletionFile::Type::kArrowArray);
  // Renaming the column (same length) must be refused like Lance does.
  std::string s(ReadBytes(TestData("lancedb-3rows.arrow")).view());
  for (size_t p = s.find("row_id"); p != std::string::npos; p = s.find("row_id", p + 1))
    s.replace(p, 6, "rowxid");
  auto r = ParseDeletionFile(Buffer::FromString(s), DeletionFile::Type::kArrowArray, "f");
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("rowxid"), std::string::npos) << r.status().ToString();
}

TEST(DeletionFileTest, RefusesUnsortedBitmapContainers) {
  // Two array containers with keys 1 then 0 (portable format, cookie 12346).
  std::vector<uint8_t> b = {0x3a, 0x30, 0, 0, 2, 0, 0, 0,  // cookie, 2 containers
                            1, 0, 0, 0, 0, 0, 0, 0,        // key 1 card 1, key 0 card 1
                            24, 0, 0, 0, 26, 0, 0, 0,      // offsets
                            5, 0, 7, 0};
  auto r = ParseDeletionFile(Buffer::Copy(b.data(), static_cast<int64_t>(b.size())),
                             DeletionFile::Type::kBitmap, "u.bin");
  ASSERT_FALSE(r.ok());
  EXPECT_TRUE(r.status().IsCorruption());
  // The same with keys in order parses.
  b[8] = 0;
  b[12] = 1;
  auto ok = ParseDeletionFile(Buffer::Copy(b.data(), static_cast<int64_t>(b.size())),
                              DeletionFile::Type::kBitmap, "u.bin");
  DEL_ASSERT_OK(ok);
  EXPECT_EQ(*ok, (std::vector<uint32_t>{5, 65536 + 7}));
}

// --- Writing into a table directory ---------------------------------------------------------

TEST(DeletionFileTest, WriteAndReadBack) {
  auto fs = std::make_shared<io::MemoryFileSystem>();
  const std::string base = "/t.lance";
  std::vector<uint32_t> small = {2, 4, 8};
  auto f1 = WriteDeletionFile(fs.get(), base, 7, 3, small);
  DEL_ASSERT_OK(f1);
  EXPECT_EQ(f1->type, DeletionFile::Type::kArrowArray);
  EXPECT_EQ(f1->read_version, 3u);
  EXPECT_EQ(f1->num_deleted_rows, 3u);
  auto listing = fs->List(base + "/_deletions", false);
  DEL_ASSERT_OK(listing);
  ASSERT_EQ(listing->size(), 1u);
  EXPECT_EQ((*listing)[0].path, base + "/_deletions/7-3-" + std::to_string(f1->id) + ".arrow");
  auto back = ReadDeletionFile(fs.get(), base, 7, *f1);
  DEL_ASSERT_OK(back);
  EXPECT_EQ(*back, small);

  // Above arrow_max_rows: a bitmap.
  DeletionWriteOptions o;
  o.arrow_max_rows = 2;
  auto f2 = WriteDeletionFile(fs.get(), base, 7, 4, small, o);
  DEL_ASSERT_OK(f2);
  EXPECT_EQ(f2->type, DeletionFile::Type::kBitmap);
  EXPECT_NE(f2->id, f1->id);
  EXPECT_TRUE(*fs->Exists(base + "/_deletions/7-4-" + std::to_string(f2->id) + ".bin"));
  auto back2 = ReadDeletionFile(fs.get(), base, 7, *f2);
  DEL_ASSERT_OK(back2);
  EXPECT_EQ(*back2, small);

  // The default threshold is Lance's: 5000 rows still arrow, 5001 a bitmap.
  auto f3 = WriteDeletionFile(fs.get(), base, 8, 4, Range(0, 5000, 1));
  auto f4 = WriteDeletionFile(fs.get(), base, 8, 4, Range(0, 5001, 1));
  DEL_ASSERT_OK(f3);
  DEL_ASSERT_OK(f4);
  EXPECT_EQ(f3->type, DeletionFile::Type::kArrowArray);
  EXPECT_EQ(f4->type, DeletionFile::Type::kBitmap);

  // A manifest entry whose count disagrees with the file is corruption.
  DeletionFile wrong = *f1;
  wrong.num_deleted_rows = 4;
  EXPECT_TRUE(ReadDeletionFile(fs.get(), base, 7, wrong).status().IsCorruption());
  // Missing file: NotFound from the file system.
  DeletionFile missing = *f1;
  missing.id += 1;
  EXPECT_TRUE(ReadDeletionFile(fs.get(), base, 7, missing).status().IsNotFound());
  // Empty set refused.
  EXPECT_TRUE(WriteDeletionFile(fs.get(), base, 7, 3, {}).status().IsInvalidArgument());
}

}  // namespace
}  // namespace lancet::table
