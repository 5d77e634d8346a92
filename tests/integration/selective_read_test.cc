// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The lancet authors
//
// Column and row selectivity, measured with a counting file system: reading one column reads no
// byte of any other column's pages; reading 10 random rows of a 2,000-row image column reads about
// 10 images' bytes, not the column.
#include <gtest/gtest.h>

#include <algorithm>
#include <random>

#include "lancet/core/json_rows.h"
#include "lancet/file/file_reader.h"
#include "lancet/file/file_writer.h"
#include "lancet/io/counting_file_system.h"
#include "lancet/io/file_system.h"
#include "lancet/io/slow_file_system.h"
#include "test_util.h"

namespace lancet {
namespace {

using encoding::FileVersion;

struct Span {
  uint64_t begin, end;
  int column;
};

class SelectiveRead : public ::testing::TestWithParam<FileVersion> {
 protected:
  void SetUp() override {
    auto schema = SchemaFromJson(R"([
      {"name": "id", "type": "int64", "nullable": false},
      {"name": "caption", "type": "string"},
      {"name": "vector", "type": "fixed_size_list:float:64"},
      {"name": "image", "type": "large_binary"}])");
    ASSERT_TRUE(schema.ok());
    schema_ = *schema;
    testing::GenOptions g;
    g.min_binary_length = 20 * 1024;
    g.max_binary_length = 40 * 1024;
    g.null_probability = 0.0;
    auto batch = testing::ParseRows(schema_, testing::GenerateRows(schema_, kRows, 5, g));
    ASSERT_TRUE(batch.ok()) << batch.status().ToString();
    batch_ = *batch;
    dir_ = testing::MakeTempDir("lancet-sel");
    auto fsp = io::FileSystemFromUri(dir_ + "/f.lance");
    ASSERT_TRUE(fsp.ok());
    base_ = fsp->first;
    path_ = fsp->second;
    auto out = base_->OpenOutputStream(path_);
    ASSERT_TRUE(out.ok());
    file::FileWriterOptions o;
    o.version = GetParam();
    auto w = file::FileWriter::Make(std::move(*out), schema_, o);
    ASSERT_TRUE(w.ok()) << w.status().ToString();
    for (int64_t s = 0; s < kRows; s += 500) {
      RecordBatch part{schema_, {}, 500};
      for (auto& c : batch_.columns) part.columns.push_back(*SliceArray(c, s, 500));
      ASSERT_TRUE((*w)->Write(part).ok());
    }
    ASSERT_TRUE((*w)->Finish().ok());

    stats_ = std::make_shared<io::IoStats>();
    counting_ = std::make_shared<io::CountingFileSystem>(base_, stats_);
    auto in = counting_->OpenInputFile(path_);
    ASSERT_TRUE(in.ok());
    auto r = file::FileReader::Open(*in);
    ASSERT_TRUE(r.ok()) << r.status().ToString();
    reader_ = std::move(*r);
    auto all = reader_->ProjectAll();
    ASSERT_TRUE(all.ok());
    fields_ = *all;
    for (const auto& pf : fields_) {
      for (int c : pf.columns) {
        for (const auto& page : reader_->columns()[c].pages) {
          for (const auto& b : page.buffers) {
            if (b.length) spans_.push_back({b.offset, b.offset + b.length, c});
          }
        }
      }
    }
    counting_->set_read_log_enabled(true);
  }

  uint64_t ColumnBytes(int field) const {
    uint64_t n = 0;
    for (int c : fields_[field].columns) {
      for (const auto& page : reader_->columns()[c].pages) {
        for (const auto& b : page.buffers) n += b.length;
      }
    }
    return n;
  }

  // Bytes of other columns' page buffers touched by the logged reads.
  uint64_t ForeignBytesRead(int field) const {
    const auto& own = fields_[field].columns;
    uint64_t foreign = 0;
    for (const auto& e : counting_->read_log()) {
      uint64_t a = e.offset, b = e.offset + e.length;
      for (const Span& s : spans_) {
        if (std::find(own.begin(), own.end(), s.column) != own.end()) continue;
        uint64_t lo = std::max(a, s.begin), hi = std::min(b, s.end);
        if (lo < hi) foreign += hi - lo;
      }
    }
    return foreign;
  }

  uint64_t BytesRead() const {
    uint64_t n = 0;
    for (const auto& e : counting_->read_log()) n += e.length;
    return n;
  }

  static constexpr int64_t kRows = 2000;
  Schema schema_;
  RecordBatch batch_;
  std::string dir_, path_;
  std::shared_ptr<io::FileSystem> base_;
  std::shared_ptr<io::IoStats> stats_;
  std::shared_ptr<io::CountingFileSystem> counting_;
  std::unique_ptr<file::FileReader> reader_;
  std::vector<file::ProjectedField> fields_;
  std::vector<Span> spans_;
};

TEST_P(SelectiveRead, OneColumnReadsNoOtherColumnsPages) {
  for (int f = 0; f < 4; ++f) {
    counting_->ClearReadLog();
    auto got = reader_->Read({fields_[f]}, {{0, kRows}});
    ASSERT_TRUE(got.ok()) << got.status().ToString();
    std::string diff;
    EXPECT_TRUE(ArrayEquals(*batch_.columns[f], *(*got)[0], &diff)) << diff;
    EXPECT_EQ(ForeignBytesRead(f), 0u) << "column " << fields_[f].field.name;
    // And hardly more than the column itself: metadata was read at open; coalesced reads may
    // only bridge small holes (padding, metadata) between the column's own buffers.
    EXPECT_LE(BytesRead(), ColumnBytes(f) + 4096 * spans_.size()) << fields_[f].field.name;
  }
}

TEST_P(SelectiveRead, TenRandomImagesReadAboutTenImages) {
  const int image = 3;
  std::mt19937_64 rng(99);
  std::vector<uint64_t> rows;
  while (rows.size() < 10) {
    uint64_t r = rng() % kRows;
    if (std::find(rows.begin(), rows.end(), r) == rows.end()) rows.push_back(r);
  }
  counting_->ClearReadLog();
  auto got = reader_->Take({fields_[image]}, rows);
  ASSERT_TRUE(got.ok()) << got.status().ToString();
  uint64_t image_bytes = 0;
  for (size_t i = 0; i < rows.size(); ++i) {
    std::string_view want = batch_.columns[image]->GetView(static_cast<int64_t>(rows[i]));
    ASSERT_EQ(got->columns[0]->GetView(static_cast<int64_t>(i)), want) << "row " << rows[i];
    image_bytes += want.size();
  }
  uint64_t read = BytesRead();
  uint64_t column = ColumnBytes(image);
  std::cout << "10 images: " << image_bytes << " bytes; read " << read << " bytes in "
            << counting_->read_log().size() << " requests; the column holds " << column
            << " bytes\n";
  EXPECT_GE(read, image_bytes);
  // Per row: at most one block of offsets / repetition index / framing besides the image.
  EXPECT_LE(read, image_bytes + 10 * 8 * 1024);
  EXPECT_EQ(ForeignBytesRead(image), 0u);
}

// Round trips of a take of every field, 20 ms per request. With object-store capabilities the
// fields decode side by side and each round of their reads is one ReadMany, so the take costs as
// many round trips as its slowest field (2: offsets or repetition index, then the values), not
// the sum over fields. With local-disk capabilities the same take decodes field after field, and
// there the reader's page-metadata cache shows as fewer requests on the second take (2.1+).
TEST_P(SelectiveRead, TakeOfAllFieldsIsOneRoundPerStepOnObjectStores) {
  const std::vector<uint64_t> first = {5, 700, 1999, 42}, second = {6, 1500, 3, 1998};
  auto take = [&](const io::Capabilities& caps, io::IoStatsSnapshot* cost1,
                  io::IoStatsSnapshot* cost2) {
    io::SlowFileSystemOptions so = io::SlowFileSystemOptions::FixedLatency(20);
    so.capabilities = caps;
    auto stats = std::make_shared<io::IoStats>();
    auto fs = std::make_shared<io::CountingFileSystem>(
        std::make_shared<io::SlowFileSystem>(base_, so), stats);
    ASSERT_OK_AND_ASSIGN(auto in, fs->OpenInputFile(path_));
    ASSERT_OK_AND_ASSIGN(auto reader, file::FileReader::Open(in));
    int round = 0;
    for (const auto* rows : {&first, &second}) {
      stats->Reset();
      ASSERT_OK_AND_ASSIGN(RecordBatch got, reader->Take(fields_, *rows));
      *(round++ == 0 ? cost1 : cost2) = stats->Snapshot();
      ASSERT_EQ(got.num_rows, static_cast<int64_t>(rows->size()));
      for (size_t f = 0; f < fields_.size(); ++f) {
        std::vector<int64_t> idx(rows->begin(), rows->end());
        ASSERT_OK_AND_ASSIGN(ArrayPtr want, TakeArray(batch_.columns[f], idx));
        std::string diff;
        EXPECT_TRUE(ArrayEquals(*want, *got.columns[f], &diff)) << fields_[f].field.name << diff;
      }
    }
  };
  io::IoStatsSnapshot cloud1, cloud2, local1, local2;
  take(io::Capabilities::ObjectStore(), &cloud1, &cloud2);
  take(io::Capabilities::Local(), &local1, &local2);
  std::cout << "object store: first take " << cloud1.Total().requests << " requests / "
            << cloud1.sequential_round_trips << " round trips, second "
            << cloud2.Total().requests << " / " << cloud2.sequential_round_trips
            << "; local: first " << local1.Total().requests << " / "
            << local1.sequential_round_trips << ", second " << local2.Total().requests << " / "
            << local2.sequential_round_trips << "\n";
  EXPECT_LE(cloud1.sequential_round_trips, 3);
  EXPECT_LE(cloud2.sequential_round_trips, 2);
  EXPECT_GE(local2.sequential_round_trips, 4);  // one field after another
  EXPECT_LT(cloud2.sequential_round_trips, local2.sequential_round_trips);
  EXPECT_LE(cloud2.Total().bytes_read, cloud1.Total().bytes_read + 4 * 64 * 1024);
  if (GetParam() != FileVersion::kV2_0) {
    // 2.1+: the pages' chunk sizes are read by the first take only (on the object store they
    // share requests with adjacent data, so there the saving is in bytes and rounds, not counts).
    EXPECT_LT(local2.Total().requests, local1.Total().requests);
  }
}

INSTANTIATE_TEST_SUITE_P(Versions, SelectiveRead,
                         ::testing::Values(FileVersion::kV2_0, FileVersion::kV2_1,
                                           FileVersion::kV2_2),
                         [](const auto& info) {
                           std::string n = encoding::FileVersionName(info.param);
                           n.erase(std::remove(n.begin(), n.end(), '.'), n.end());
                           return "V" + n;
                         });

}  // namespace
}  // namespace lancet
