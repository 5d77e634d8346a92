// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The lancet authors
#include <gtest/gtest.h>

#include <algorithm>
#include <cstring>
#include <limits>
#include <random>
#include <set>

#include "lancet/index/ivf_pq.h"
#include "lancet/index/ivf_pq_model.h"
#include "lancet/index/lance_file_splice_internal.h"
#include "lancet/io/memory_file_system.h"
#include "index.pb.h"
#include "lancet/file/file_reader.h"

namespace lancet::index {
namespace {

using linalg::MetricType;

// Clustered unit vectors: `clusters` random centroids plus Gaussian noise.
std::vector<float> Clustered(size_t n, size_t dim, size_t clusters, uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::normal_distribution<float> g(0, 1);
  std::vector<float> cent(clusters * dim), out(n * dim);
  for (float& c : cent) c = g(rng);
  for (size_t i = 0; i < n; ++i) {
    const size_t c = rng() % clusters;
    for (size_t j = 0; j < dim; ++j) out[i * dim + j] = cent[c * dim + j] + 0.3f * g(rng);
  }
  return out;
}

std::vector<uint64_t> BruteForce(const std::vector<float>& data, size_t dim, const float* q,
                                 size_t k, MetricType metric, const std::vector<uint64_t>& ids) {
  const size_t n = data.size() / dim;
  std::vector<std::pair<float, uint64_t>> d;
  for (size_t i = 0; i < n; ++i) {
    // Independent reference (no linalg kernels).
    double s = 0, na = 0, nb = 0;
    for (size_t j = 0; j < dim; ++j) {
      const double a = q[j], b = data[i * dim + j];
      if (metric == MetricType::kL2) s += (a - b) * (a - b);
      else s += a * b;
      na += a * a;
      nb += b * b;
    }
    float dist = metric == MetricType::kL2 ? static_cast<float>(s)
                 : metric == MetricType::kDot ? static_cast<float>(1 - s)
                                              : static_cast<float>(1 - s / std::sqrt(na * nb));
    d.emplace_back(dist, ids[i]);
  }
  std::sort(d.begin(), d.end());
  std::vector<uint64_t> out;
  for (size_t i = 0; i < k && i < d.size(); ++i) out.push_back(d[i].second);
  return out;
}

double Recall(const std::vector<uint64_t>& truth, const std::vector<linalg::ScoredId>& got) {
  std::set<uint64_t> t(truth.begin(), truth.end());
  size_t hit = 0;
  for (const auto& s : got) hit += t.count(s.id);
  return static_cast<double>(hit) / truth.size();
}

class IvfPqTest : public ::testing::TestWithParam<MetricType> {};

TEST_P(IvfPqTest, BuildSearchRecallAndLayout) {
  const size_t n = 4000, dim = 32, p = 16, m = 8;
  auto data = Clustered(n, dim, 24, 7);
  std::vector<uint64_t> ids(n);
  for (size_t i = 0; i < n; ++i) ids[i] = (uint64_t{i % 3} << 32) | (i / 3);
  IvfPqBuildOptions o;
  o.num_partitions = p;
  o.num_sub_vectors = m;
  o.metric = GetParam();
  o.max_iters = 20;
  auto model = BuildIvfPq(data.data(), n, dim, ids.data(), o);
  ASSERT_TRUE(model.ok()) << model.status().ToString();
  ASSERT_TRUE(model->Validate().ok());
  EXPECT_EQ(model->num_partitions(), p);
  EXPECT_EQ(model->codebook.size(), 256 * dim);
  // Every row exactly once.
  std::vector<uint64_t> got_ids = model->row_ids;
  std::sort(got_ids.begin(), got_ids.end());
  std::vector<uint64_t> want_ids = ids;
  std::sort(want_ids.begin(), want_ids.end());
  EXPECT_EQ(got_ids, want_ids);

  auto idx = IvfPqIndex::Make(*model);
  ASSERT_TRUE(idx.ok());
  double recall = 0;
  const int nq = 20;
  for (int qi = 0; qi < nq; ++qi) {
    const float* q = data.data() + (qi * 131 % n) * dim;
    auto truth = BruteForce(data, dim, q, 10, GetParam(), ids);
    auto res = (*idx)->Search(q, 10, p);  // all partitions: only PQ error remains
    ASSERT_EQ(res.size(), 10u);
    for (size_t i = 1; i < res.size(); ++i) EXPECT_LE(res[i - 1].distance, res[i].distance);
    recall += Recall(truth, res);
  }
  EXPECT_GE(recall / nq, 0.5) << "PQ recall@10 too low";

  // `allow` excludes rows.
  const float* q = data.data();
  auto res = (*idx)->Search(q, 10, p, [](uint64_t a) { return (a >> 32) != 0; });
  for (const auto& s : res) EXPECT_NE(s.id >> 32, 0u);
}

INSTANTIATE_TEST_SUITE_P(Metrics, IvfPqTest,
                         ::testing::Values(MetricType::kL2, MetricType::kCosine, MetricType::kDot));

// Rows handed over in uneven batches (as a dataset scan with deletions does).
class UnevenSource final : public VectorBatchSource {
 public:
  UnevenSource(const std::vector<float>& data, size_t dim, const std::vector<uint64_t>& ids)
      : data_(data), dim_(dim), ids_(ids) {}
  size_t dim() const override { return dim_; }
  size_t max_rows() const override { return ids_.size() + extra_rows; }
  Status ForEach(const std::function<Status(const float*, const uint64_t*, size_t)>& fn)
      const override {
    ++passes;
    const size_t sizes[] = {1, 7, 300, 2, 1024};
    size_t s = 0, b = 0;
    const size_t n = ids_.size() - (passes > 1 ? drop_on_second_pass : 0);
    while (s < n) {
      const size_t count = std::min(sizes[b++ % 5], n - s);
      LANCET_RETURN_NOT_OK(fn(data_.data() + s * dim_, ids_.data() + s, count));
      s += count;
    }
    return Status::OK();
  }
  size_t extra_rows = 0;
  size_t drop_on_second_pass = 0;
  mutable int passes = 0;

 private:
  const std::vector<float>& data_;
  size_t dim_;
  const std::vector<uint64_t>& ids_;
};

void ExpectSameModel(const IvfPqModel& a, const IvfPqModel& b) {
  EXPECT_EQ(a.centroids, b.centroids);
  EXPECT_EQ(a.codebook, b.codebook);
  EXPECT_EQ(a.offsets, b.offsets);
  EXPECT_EQ(a.lengths, b.lengths);
  EXPECT_EQ(a.row_ids, b.row_ids);
  EXPECT_EQ(a.codes, b.codes);
}

// The build reads its rows in two passes: the model depends on the rows and their order only,
// not on how a source batches them, nor on the source's row-count bound; the sample really is a
// sample (fewer training rows than rows) and every row is encoded.
TEST(IvfPqBuildTest, StreamingBuildIndependentOfBatching) {
  const size_t n = 3000, dim = 16;
  auto data = Clustered(n, dim, 10, 5);
  std::vector<uint64_t> ids(n);
  for (size_t i = 0; i < n; ++i) ids[i] = (uint64_t{7} << 32) | (i * 2);
  IvfPqBuildOptions o;
  o.num_partitions = 4;
  o.num_sub_vectors = 4;
  o.sample_rate = 300;  // IVF sample 1200 of 3000 rows (reservoir), PQ sample 3000 -> all 1200
  o.max_iters = 10;
  IvfPqBuildStats mem_stats, src_stats;
  auto mem = BuildIvfPq(data.data(), n, dim, ids.data(), o, &mem_stats);
  ASSERT_TRUE(mem.ok()) << mem.status().ToString();
  EXPECT_EQ(mem_stats.rows, n);
  EXPECT_EQ(mem_stats.ivf_sample_rows, 1200u);
  EXPECT_EQ(mem_stats.pq_sample_rows, 1200u);
  EXPECT_GE(mem_stats.ivf_kmeans.iterations, 1);
  UnevenSource src(data, dim, ids);
  src.extra_rows = 5000;  // a loose bound changes nothing
  auto streamed = BuildIvfPq(src, o, &src_stats);
  ASSERT_TRUE(streamed.ok()) << streamed.status().ToString();
  EXPECT_EQ(src.passes, 2);
  ExpectSameModel(*mem, *streamed);
  EXPECT_EQ(mem->row_ids.size(), n);

  // Rows that vanish between the passes are an error, not a silently partial index.
  UnevenSource shrinking(data, dim, ids);
  shrinking.drop_on_second_pass = 10;
  auto bad = BuildIvfPq(shrinking, o);
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().ToString().find("changed between"), std::string::npos);
}

TEST(IvfPqBuildTest, RejectsNonFiniteVectorsNamingTheRow) {
  const size_t n = 600, dim = 8;
  auto data = Clustered(n, dim, 4, 9);
  std::vector<uint64_t> ids(n);
  for (size_t i = 0; i < n; ++i) ids[i] = i;
  data[437 * dim + 5] = std::numeric_limits<float>::infinity();
  IvfPqBuildOptions o;
  o.num_partitions = 4;
  o.num_sub_vectors = 2;
  auto r = BuildIvfPq(data.data(), n, dim, ids.data(), o);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().ToString().find("vector 437"), std::string::npos) << r.status().ToString();
  data[437 * dim + 5] = std::numeric_limits<float>::quiet_NaN();
  r = BuildIvfPq(data.data(), n, dim, ids.data(), o);
  ASSERT_FALSE(r.ok());
  o.num_partitions = 601;
  data[437 * dim + 5] = 0.0f;
  r = BuildIvfPq(data.data(), n, dim, ids.data(), o);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().ToString().find("601 partitions for 600 rows"), std::string::npos);
}

TEST(IvfPqFilesTest, RoundTripThroughLanceFiles) {
  const size_t n = 1500, dim = 16;
  auto data = Clustered(n, dim, 8, 3);
  std::vector<uint64_t> ids(n);
  for (size_t i = 0; i < n; ++i) ids[i] = i;
  IvfPqBuildOptions o;
  o.num_partitions = 8;
  o.num_sub_vectors = 4;
  o.max_iters = 10;
  auto model = BuildIvfPq(data.data(), n, dim, ids.data(), o);
  ASSERT_TRUE(model.ok()) << model.status().ToString();
  io::MemoryFileSystem fs;
  for (auto version : {encoding::FileVersion::kV2_0, encoding::FileVersion::kV2_1,
                       encoding::FileVersion::kV2_2}) {
    const std::string dir = "/t/_indices/x" + std::to_string(static_cast<int>(version));
    auto files = WriteIvfPqFiles(&fs, dir, *model, version);
    ASSERT_TRUE(files.ok()) << files.status().ToString();
    ASSERT_EQ(files->size(), 2u);
    auto back = ReadIvfPqFiles(&fs, dir);
    ASSERT_TRUE(back.ok()) << back.status().ToString();
    EXPECT_EQ(back->metric, model->metric);
    EXPECT_EQ(back->dim, model->dim);
    ExpectSameModel(*back, *model);
    EXPECT_EQ(back->num_sub_vectors, 4u);

    // The index file follows Lance's layout: zero rows, __flat_marker, metadata, 2 global buffers.
    auto in = fs.OpenInputFile(dir + "/index.idx");
    ASSERT_TRUE(in.ok());
    auto reader = file::FileReader::Open(*in);
    ASSERT_TRUE(reader.ok()) << reader.status().ToString();
    EXPECT_EQ((*reader)->num_rows(), 0u);
    ASSERT_EQ((*reader)->schema().fields.size(), 1u);
    EXPECT_EQ((*reader)->schema().fields[0].name, "__flat_marker");
    EXPECT_EQ((*reader)->global_buffers().size(), 2u);
    for (const auto& gb : (*reader)->global_buffers()) EXPECT_EQ(gb.offset % 64, 0u);
    // Lance's IvfModel reader asserts len(offsets) == len(lengths) (it panics otherwise).
    auto gb1 = (*reader)->ReadGlobalBuffer(1);
    ASSERT_TRUE(gb1.ok());
    lance::index::pb::IVF ivf;
    ASSERT_TRUE(ivf.ParseFromArray(gb1->data(), static_cast<int>(gb1->size())));
    EXPECT_EQ(ivf.offsets_size(), 8);
    EXPECT_EQ(ivf.lengths_size(), 8);
    EXPECT_EQ(ivf.centroids_tensor().shape_size(), 2);
    EXPECT_EQ((*reader)->schema().metadata.at("lance:index"),
              R"({"type":"IVF_PQ","distance_type":"l2"})");
  }
}

TEST(IvfPqFilesTest, SpliceRejectsGarbage) {
  EXPECT_FALSE(AddGlobalBuffers("not a lance file at all, really not one", {"x"}).ok());
  std::string bad(64, '\0');
  std::memcpy(bad.data() + 60, "LANC", 4);
  bad[24 + 24] = 100;  // num_gb far too many
  EXPECT_FALSE(AddGlobalBuffers(bad, {"x"}).ok());
}

TEST(IvfPqFilesTest, ReadRejectsCorruptIndex) {
  io::MemoryFileSystem fs;
  ASSERT_TRUE(fs.WriteFile("/t/i/index.idx", Buffer::FromString("garbage")).ok());
  ASSERT_TRUE(fs.WriteFile("/t/i/auxiliary.idx", Buffer::FromString("garbage")).ok());
  EXPECT_FALSE(ReadIvfPqFiles(&fs, "/t/i").ok());
}

}  // namespace
}  // namespace lancet::index
