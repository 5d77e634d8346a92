// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The lancet authors
//
// Issue 4, acceptance 3, on a real S3-compatible server (s3rver behind the lancet test proxy):
// a 10,000-row image table (id, caption, label, width, height, score, created_at, image as real
// JPEG bytes, vector as fixed_size_list<float, 512>) is written to s3://, then
//  * reading only `vector` must fetch at most 1.05 x the vector column's bytes plus the
//    metadata (the manifest and every data file's metadata region: schema, column metadata,
//    offset tables, footer);
//  * reading only the metadata columns must fetch no byte of any page of `image`.
// Column bytes and metadata regions are computed exactly from the data files (every page buffer's
// position and size, from the column metadata; the metadata region from the footer). Fetched
// bytes are counted twice: by lancet (CountingFileSystem over the S3 backend, with its read log)
// and by the server (the proxy's per-operation bytes and the key + Range of every GET); the two
// must agree request for request, and the overlap checks are done on the server's ranges.
// Each scan prints one JSON line with its measured numbers.
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <functional>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <tuple>
#include <vector>

#include "lancet/core/array_builder.h"
#include "lancet/embed/sample_images.h"
#include "lancet/file/file_reader.h"
#include "lancet/io/counting_file_system.h"
#include "lancet/io/file_system.h"
#include "lancet/table/dataset.h"
#include "lancet/testing/s3_server_fixture.h"
#include "test_util.h"

namespace lancet {
namespace {

using encoding::FileVersion;


constexpr int64_t kRows = 10000;
constexpr int32_t kDim = 512;
constexpr int64_t kBatchRows = 1000;  // rows per ingested batch
constexpr int kDistinctImages = 64;   // rendered once, then reused row by row

const std::vector<std::string>& MetadataColumns() {
  static const std::vector<std::string> cols = {"id",     "caption", "label",     "width",
                                                "height", "score",   "created_at"};
  return cols;
}

float VectorValue(int64_t row, int j) {
  uint64_t h = static_cast<uint64_t>(row) * 0x9E3779B97F4A7C15ull +
               static_cast<uint64_t>(j) * 0xBF58476D1CE4E5B9ull;
  h ^= h >> 31;
  h *= 0x94D049BB133111EBull;
  h ^= h >> 29;
  return static_cast<float>(h % 20001) / 10000.0f - 1.0f;
}

// Half-open byte range of one file.
struct Span {
  int64_t begin = 0;
  int64_t end = 0;
};

int64_t Overlap(const Span& a, const Span& b) {
  return std::max<int64_t>(0, std::min(a.end, b.end) - std::max(a.begin, b.begin));
}

// What one data file holds, from its own metadata.
struct FileLayout {
  int64_t size = 0;
  int64_t metadata_start = 0;                        // schema, column metadata, tables, footer
  std::map<std::string, std::vector<Span>> columns;  // field -> page (and column) buffers

  int64_t ColumnBytes(const std::string& field) const {
    int64_t n = 0;
    for (const Span& s : columns.at(field)) n += s.end - s.begin;
    return n;
  }
  int64_t OverlapWith(const std::string& field, const Span& range) const {
    int64_t n = 0;
    for (const Span& s : columns.at(field)) n += Overlap(s, range);
    return n;
  }
};

// One GET as seen by the client or the server: the object's name below "data/" (or the whole
// key for other objects) and the byte range.
struct Get {
  std::string object;
  Span range;
  bool operator<(const Get& o) const {
    return std::tie(object, range.begin, range.end) <
           std::tie(o.object, o.range.begin, o.range.end);
  }
  bool operator==(const Get& o) const {
    return object == o.object && range.begin == o.range.begin && range.end == o.range.end;
  }
};

std::string ObjectName(const std::string& key) {
  size_t p = key.rfind("/data/");
  return p == std::string::npos ? key.substr(key.rfind('/') + 1) : "data/" + key.substr(p + 6);
}

struct Table {
  std::string uri;
  std::map<std::string, FileLayout> files;  // "data/<name>" -> layout
  std::string manifest_object;
  int64_t manifest_bytes = 0;
  std::vector<int64_t> image_sizes;

  int64_t ColumnBytes(const std::string& field) const {
    int64_t n = 0;
    for (const auto& [name, f] : files) n += f.ColumnBytes(field);
    return n;
  }
  int64_t MetadataBytes() const {
    int64_t n = manifest_bytes;
    for (const auto& [name, f] : files) n += f.size - f.metadata_start;
    return n;
  }
  // Bytes of `field`'s pages inside the given GETs.
  int64_t FetchedOf(const std::string& field, const std::vector<Get>& gets) const {
    int64_t n = 0;
    for (const Get& g : gets) {
      auto it = files.find(g.object);
      if (it != files.end()) n += it->second.OverlapWith(field, g.range);
    }
    return n;
  }
};

// The image store's rows: real JPEGs of several sizes from the sample image generator.
Result<std::vector<RecordBatch>> MakeRows(const Schema& schema, std::vector<int64_t>* image_sizes) {
  std::vector<std::string> jpegs;
  std::vector<embed::SampleImageInfo> infos;
  std::vector<int> dims;
  static const int kSizes[] = {48, 56, 64, 72, 80, 96, 112, 128};
  for (int i = 0; i < kDistinctImages; ++i) {
    int size = kSizes[i % 8];
    LANCET_ASSIGN_OR_RETURN(embed::SampleImage img, embed::RenderSampleImage(42, i, size));
    LANCET_ASSIGN_OR_RETURN(std::string jpg, embed::EncodeSampleImage(img, "jpg"));
    jpegs.push_back(std::move(jpg));
    infos.push_back(img.info);
    dims.push_back(size);
  }
  std::vector<RecordBatch> batches;
  for (int64_t start = 0; start < kRows; start += kBatchRows) {
    std::vector<std::unique_ptr<ArrayBuilder>> builders;
    for (const Field& f : schema.fields) builders.push_back(std::make_unique<ArrayBuilder>(f.type));
    auto b = [&](const char* name) { return builders[schema.FieldIndex(name)].get(); };
    for (int64_t row = start; row < start + kBatchRows; ++row) {
      // Rows cycle through the images with a stride so neighbours differ in size.
      int i = static_cast<int>((row * 7) % kDistinctImages);
      LANCET_RETURN_NOT_OK(b("id")->AppendInt(row));
      LANCET_RETURN_NOT_OK(
          b("caption")->AppendBytes(infos[i].caption + " #" + std::to_string(row)));
      LANCET_RETURN_NOT_OK(b("label")->AppendBytes(infos[i].object));
      LANCET_RETURN_NOT_OK(b("width")->AppendInt(dims[i]));
      LANCET_RETURN_NOT_OK(b("height")->AppendInt(dims[i]));
      LANCET_RETURN_NOT_OK(
          b("score")->AppendDouble(static_cast<double>((row * 37) % 1000) / 100.0));
      LANCET_RETURN_NOT_OK(b("created_at")->AppendInt(1700000000000000 + row * 1000));
      LANCET_RETURN_NOT_OK(b("image")->AppendBytes(jpegs[i]));
      image_sizes->push_back(static_cast<int64_t>(jpegs[i].size()));
    }
    // The vectors, built in one buffer.
    std::vector<float> values(static_cast<size_t>(kBatchRows * kDim));
    for (int64_t r = 0; r < kBatchRows; ++r) {
      for (int j = 0; j < kDim; ++j)
        values[static_cast<size_t>(r * kDim + j)] = VectorValue(start + r, j);
    }
    auto items = std::make_shared<ArrayData>();
    items->type = float32();
    items->length = kBatchRows * kDim;
    items->values =
        Buffer::Copy(values.data(), static_cast<int64_t>(values.size() * sizeof(float)));
    auto vectors = std::make_shared<ArrayData>();
    vectors->type = schema.fields[schema.FieldIndex("vector")].type;
    vectors->length = kBatchRows;
    vectors->children.push_back(std::move(items));
    RecordBatch batch;
    batch.schema = schema;
    batch.num_rows = kBatchRows;
    for (size_t c = 0; c < builders.size(); ++c) {
      if (schema.fields[c].name == "vector") {
        batch.columns.push_back(vectors);
        continue;
      }
      LANCET_ASSIGN_OR_RETURN(ArrayPtr a, builders[c]->Finish());
      batch.columns.push_back(std::move(a));
    }
    batches.push_back(std::move(batch));
  }
  return batches;
}

// The image store's columns; `image_last` puts the image column after the vector (the column
// written last is the one next to the metadata when the writer flushes in schema order).
Schema ImageStoreSchema(bool image_last) {
  Schema s;
  s.fields.push_back(Field{"id", int64(), false});
  s.fields.push_back(Field{"caption", utf8()});
  s.fields.push_back(Field{"label", utf8()});
  s.fields.push_back(Field{"width", int32()});
  s.fields.push_back(Field{"height", int32()});
  s.fields.push_back(Field{"score", float32()});
  s.fields.push_back(Field{"created_at", int64()});
  s.fields.push_back(Field{"image", binary()});
  s.fields.push_back(Field{"vector", fixed_size_list(float32(), kDim)});
  if (image_last) std::swap(s.fields[7], s.fields[8]);
  return s;
}

// Lay out one data file from its own metadata.
Result<FileLayout> ReadLayout(io::FileSystem* fs, const std::string& path, const Schema& schema) {
  LANCET_ASSIGN_OR_RETURN(auto in, fs->OpenInputFile(path));
  LANCET_ASSIGN_OR_RETURN(auto reader, file::FileReader::Open(in));
  FileLayout layout;
  layout.size = reader->file_size();
  const file::Footer& ft = reader->footer();
  uint64_t meta =
      std::min({ft.column_meta_start, ft.column_meta_offsets_start, ft.global_buff_offsets_start});
  for (const auto& gb : reader->global_buffers()) meta = std::min(meta, gb.offset);
  layout.metadata_start = static_cast<int64_t>(meta);
  for (const Field& f : schema.fields) {
    LANCET_ASSIGN_OR_RETURN(auto projected, reader->ProjectByName({f.name}));
    std::vector<Span>& spans = layout.columns[f.name];
    for (int c : projected[0].columns) {
      const encoding::ColumnMeta& col = reader->columns()[static_cast<size_t>(c)];
      for (const auto& page : col.pages) {
        for (const auto& b : page.buffers) {
          if (b.length) {
            spans.push_back(
                {static_cast<int64_t>(b.offset), static_cast<int64_t>(b.offset + b.length)});
          }
        }
      }
      for (const auto& b : col.buffers) {
        if (b.length) {
          spans.push_back(
              {static_cast<int64_t>(b.offset), static_cast<int64_t>(b.offset + b.length)});
        }
      }
    }
  }
  return layout;
}

// Build (once per file version) the table on the shared server and lay out its files.
using Param = std::tuple<FileVersion, bool>;  // (file version, image column last)

Result<const Table*> GetTable(const Param& param) {
  static std::map<Param, Table> tables;
  const auto [version, image_last] = param;
  auto it = tables.find(param);
  if (it != tables.end()) return &it->second;
  LANCET_ASSIGN_OR_RETURN(testing::S3TestServer * server, testing::SharedS3TestServer());
  Table t;
  t.uri = server->Uri("/s3-accounting-" + std::to_string(getpid()) + "-" +
                      encoding::FileVersionName(version) + (image_last ? "-image-last" : "") +
                      "/images.lance");
  Schema schema = ImageStoreSchema(image_last);
  LANCET_ASSIGN_OR_RETURN(std::vector<RecordBatch> batches, MakeRows(schema, &t.image_sizes));
  table::WriteOptions wo;
  wo.data_storage_version = version;
  LANCET_ASSIGN_OR_RETURN(auto ds, table::Dataset::Create(t.uri, schema, std::move(batches), wo));
  io::FileSystem* fs = ds->fs().get();
  LANCET_ASSIGN_OR_RETURN(io::FileInfo manifest, fs->GetFileInfo(ds->manifest_path()));
  t.manifest_bytes = manifest.size;
  t.manifest_object = ObjectName(ds->manifest_path());
  for (const table::Fragment& frag : ds->manifest().fragments) {
    for (const table::DataFile& df : frag.files) {
      LANCET_ASSIGN_OR_RETURN(FileLayout layout,
                              ReadLayout(fs, ds->base_path() + "/data/" + df.path, ds->schema()));
      t.files["data/" + df.path] = std::move(layout);
    }
  }
  return &tables.emplace(param, std::move(t)).first->second;
}

// What one scan cost, from both sides.
struct ScanCost {
  int64_t rows = 0;
  io::IoStatsSnapshot lancet;
  std::vector<Get> lancet_gets;
  nlohmann::json server;
  std::vector<Get> server_gets;
};

Result<std::vector<Get>> ServerGets(const nlohmann::json& stats, const Table& table) {
  std::vector<Get> out;
  for (const auto& g : stats["gets"]) {
    Get get;
    get.object = ObjectName(g["key"].get<std::string>());
    if (g["range"].is_null()) {  // a whole-object GET
      auto f = table.files.find(get.object);
      if (f != table.files.end()) {
        get.range = {0, f->second.size};
      } else if (get.object == table.manifest_object) {
        get.range = {0, table.manifest_bytes};
      } else {
        return Status::Internal("unexpected whole-object GET of " + get.object);
      }
    } else {
      long long a = -1, b = -1;
      std::string range = g["range"].get<std::string>();
      if (std::sscanf(range.c_str(), "bytes=%lld-%lld", &a, &b) != 2 || a < 0 || b < a) {
        return Status::Internal("unexpected Range header '" + range + "'");
      }
      get.range = {a, b + 1};
    }
    out.push_back(get);
  }
  return out;
}

// Open the table through a counting decorator and scan `columns`; collect both sides' counts.
// `check` sees every batch (to verify the values that came back).
Result<ScanCost> MeasureScan(const Table& table, const std::vector<std::string>& columns,
                             const std::function<Status(const RecordBatch&, int64_t)>& check) {
  LANCET_ASSIGN_OR_RETURN(testing::S3TestServer * server, testing::SharedS3TestServer());
  LANCET_RETURN_NOT_OK(server->ResetStats());
  auto counting = std::make_shared<std::shared_ptr<io::CountingFileSystem>>();
  table::OpenOptions oo;
  oo.wrap_fs = [counting](std::shared_ptr<io::FileSystem> base) {
    *counting = std::make_shared<io::CountingFileSystem>(std::move(base));
    (*counting)->set_read_log_enabled(true);
    return std::static_pointer_cast<io::FileSystem>(*counting);
  };
  ScanCost cost;
  {
    LANCET_ASSIGN_OR_RETURN(auto ds, table::Dataset::Open(table.uri, oo));
    table::ScanOptions so;
    so.columns = columns;
    LANCET_RETURN_NOT_OK(ds->Scan(so, [&](const RecordBatch& b) {
      LANCET_RETURN_NOT_OK(check(b, cost.rows));
      cost.rows += b.num_rows;
      return Status::OK();
    }));
  }
  if (!*counting) return Status::Internal("the wrap_fs hook was not called");
  cost.lancet = (*counting)->stats()->Snapshot();
  for (const io::ReadLogEntry& e : (*counting)->read_log()) {
    cost.lancet_gets.push_back({ObjectName(e.path), {e.offset, e.offset + e.length}});
  }
  LANCET_ASSIGN_OR_RETURN(std::string json, server->StatsJson());
  cost.server = nlohmann::json::parse(json);
  LANCET_ASSIGN_OR_RETURN(cost.server_gets, ServerGets(cost.server, table));
  return cost;
}

int64_t ServerKind(const nlohmann::json& stats, const std::string& kind, const char* what) {
  if (!stats["by_kind"].contains(kind)) return 0;
  return stats["by_kind"][kind][what].get<int64_t>();
}

std::string DescribeGets(const std::vector<Get>& gets) {
  std::string s;
  for (const Get& g : gets) {
    s += "  " + g.object + " [" + std::to_string(g.range.begin) + ", " +
         std::to_string(g.range.end) + ")\n";
  }
  return s;
}

// Lancet's own accounting must match the server's, request for request.
void ExpectAccountingAgrees(const ScanCost& cost) {
  const io::IoKindStats& get = cost.lancet[io::IoKind::kGet];
  EXPECT_EQ(get.requests, ServerKind(cost.server, "get", "requests"));
  EXPECT_EQ(get.bytes_read, ServerKind(cost.server, "get", "bytes_out"));
  EXPECT_EQ(cost.lancet[io::IoKind::kHead].requests, ServerKind(cost.server, "head", "requests"));
  EXPECT_EQ(cost.lancet[io::IoKind::kList].requests, ServerKind(cost.server, "list", "requests"));
  std::vector<Get> a = cost.lancet_gets, b = cost.server_gets;
  std::sort(a.begin(), a.end());
  std::sort(b.begin(), b.end());
  EXPECT_TRUE(a == b) << "lancet:\n" << DescribeGets(a) << "server:\n" << DescribeGets(b);
  int64_t server_bytes = 0;
  for (const Get& g : cost.server_gets) server_bytes += g.range.end - g.range.begin;
  EXPECT_EQ(server_bytes, ServerKind(cost.server, "get", "bytes_out"));
}

class S3Accounting : public ::testing::TestWithParam<Param> {
 protected:
  void SetUp() override {
    auto t = GetTable(GetParam());
    ASSERT_TRUE(t.ok()) << t.status().ToString();
    table_ = *t;
    ASSERT_EQ(table_->files.size(), 1u);  // 10k rows fit one data file by default
  }
  const Table* table_ = nullptr;
};

TEST_P(S3Accounting, VectorColumnOnly) {
  const Table& t = *table_;
  const int64_t vector_bytes = t.ColumnBytes("vector");
  const int64_t metadata_bytes = t.MetadataBytes();
  ASSERT_GE(vector_bytes, kRows * kDim * 4);
  ScanCost cost;
  ASSERT_OK_AND_ASSIGN(
      cost, MeasureScan(t, {"vector"}, [](const RecordBatch& b, int64_t first) {
        const ArrayData& items = *b.columns[0]->children[0];
        for (int64_t r = 0; r < b.num_rows; r += 97) {
          for (int j : {0, kDim - 1}) {
            float got = items.values_as<float>()[r * kDim + j];
            if (got != VectorValue(first + r, j)) {
              return Status::Internal("vector of row " + std::to_string(first + r) + " differs");
            }
          }
        }
        return Status::OK();
      }));
  EXPECT_EQ(cost.rows, kRows);
  ExpectAccountingAgrees(cost);

  const int64_t fetched = cost.lancet[io::IoKind::kGet].bytes_read;
  const double allowed = 1.05 * static_cast<double>(vector_bytes) + metadata_bytes;
  EXPECT_LE(static_cast<double>(fetched), allowed)
      << "vector column " << vector_bytes << " B, metadata " << metadata_bytes << " B\n"
      << DescribeGets(cost.server_gets);
  // Every vector byte was fetched once at least (the scan read the whole column).
  EXPECT_GE(t.FetchedOf("vector", cost.server_gets), vector_bytes);

  nlohmann::json report = {
      {"scan", "vector"},
      {"file_version", encoding::FileVersionName(std::get<0>(GetParam()))},
      {"image_last", std::get<1>(GetParam())},
      {"vector_column_bytes", vector_bytes},
      {"image_column_bytes", t.ColumnBytes("image")},
      {"image_bytes_min", *std::min_element(t.image_sizes.begin(), t.image_sizes.end())},
      {"image_bytes_max", *std::max_element(t.image_sizes.begin(), t.image_sizes.end())},
      {"metadata_bytes", metadata_bytes},
      {"manifest_bytes", t.manifest_bytes},
      {"file_bytes", t.files.begin()->second.size},
      {"fetched_bytes", fetched},
      {"ratio_to_vector_plus_metadata",
       static_cast<double>(fetched) / static_cast<double>(vector_bytes + metadata_bytes)},
      {"image_bytes_fetched", t.FetchedOf("image", cost.server_gets)},
      {"get_requests", cost.lancet[io::IoKind::kGet].requests},
      {"server_get_requests", ServerKind(cost.server, "get", "requests")},
      {"head_requests", cost.lancet[io::IoKind::kHead].requests},
      {"list_requests", cost.lancet[io::IoKind::kList].requests}};
  std::printf("%s\n", report.dump().c_str());
}

TEST_P(S3Accounting, MetadataColumnsOnly) {
  const Table& t = *table_;
  ScanCost cost;
  ASSERT_OK_AND_ASSIGN(
      cost, MeasureScan(t, MetadataColumns(), [](const RecordBatch& b, int64_t first) {
        const int64_t* ids = b.columns[0]->values_as<int64_t>();
        for (int64_t r = 0; r < b.num_rows; ++r) {
          if (ids[r] != first + r) {
            return Status::Internal("id of row " + std::to_string(first + r) + " differs");
          }
        }
        return Status::OK();
      }));
  EXPECT_EQ(cost.rows, kRows);
  ExpectAccountingAgrees(cost);

  // No fetched range touches an image page (checked on the server's own record of the ranges).
  const int64_t image_fetched = t.FetchedOf("image", cost.server_gets);
  EXPECT_EQ(image_fetched, 0) << DescribeGets(cost.server_gets);
  int64_t metadata_column_bytes = 0;
  for (const std::string& c : MetadataColumns()) metadata_column_bytes += t.ColumnBytes(c);
  // Every byte of the projected columns was fetched.
  int64_t projected_fetched = 0;
  for (const std::string& c : MetadataColumns())
    projected_fetched += t.FetchedOf(c, cost.server_gets);
  EXPECT_GE(projected_fetched, metadata_column_bytes);

  nlohmann::json report = {{"scan", "metadata"},
                           {"file_version", encoding::FileVersionName(std::get<0>(GetParam()))},
                           {"image_last", std::get<1>(GetParam())},
                           {"metadata_columns_bytes", metadata_column_bytes},
                           {"metadata_bytes", t.MetadataBytes()},
                           {"fetched_bytes", cost.lancet[io::IoKind::kGet].bytes_read},
                           {"image_bytes_fetched", image_fetched},
                           {"vector_bytes_fetched", t.FetchedOf("vector", cost.server_gets)},
                           {"get_requests", cost.lancet[io::IoKind::kGet].requests},
                           {"server_get_requests", ServerKind(cost.server, "get", "requests")},
                           {"head_requests", cost.lancet[io::IoKind::kHead].requests},
                           {"list_requests", cost.lancet[io::IoKind::kList].requests}};
  std::printf("%s\n", report.dump().c_str());
}

INSTANTIATE_TEST_SUITE_P(Layouts, S3Accounting,
                         // The image column next to the metadata is the case the writer's page
                         // placement is for; 2.0 and 2.1+ have different encoders.
                         ::testing::Values(Param{FileVersion::kV2_2, false},
                                           Param{FileVersion::kV2_2, true},
                                           Param{FileVersion::kV2_0, true}),
                         [](const ::testing::TestParamInfo<Param>& info) {
                           std::string n = encoding::FileVersionName(std::get<0>(info.param));
                           std::replace(n.begin(), n.end(), '.', '_');
                           return "V" + n +
                                  (std::get<1>(info.param) ? "_ImageLast" : "_VectorLast");
                         });

}  // namespace
}  // namespace lancet
