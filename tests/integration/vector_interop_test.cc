// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The lancet authors
//
// IVF_PQ interop with the pinned LanceDB (tests/interop/lancedb_vector.mjs):
//  - LanceDB lists and uses an index lancet built, and finds the same top-10 rows as lancet for
//    the same queries and parameters (allowing ties);
//  - lancet reads an index LanceDB built (codebook order included) and agrees with LanceDB.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <random>
#include <set>
#include <sstream>

#include "lancet/index/vector_search.h"
#include "lancet/io/local_file_system.h"
#include "lancet/table/dataset.h"
#include "test_util.h"

namespace lancet {
namespace {

using testing::RunCommand;
using testing::ShellQuote;

constexpr size_t kDim = 64;
constexpr size_t kRows = 6000;

std::string Tool() { return testing::SourceDir() + "/tests/interop/lancedb_vector.mjs"; }

std::vector<float> MakeVectors(size_t n, uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::normal_distribution<float> g(0, 1);
  std::vector<float> cent(32 * kDim), out(n * kDim);
  for (float& c : cent) c = g(rng);
  for (size_t i = 0; i < n; ++i) {
    const size_t c = rng() % 32;
    for (size_t j = 0; j < kDim; ++j) out[i * kDim + j] = cent[c * kDim + j] + 0.5f * g(rng);
  }
  return out;
}

Result<std::unique_ptr<table::Dataset>> MakeTable(const std::string& uri,
                                                  const std::vector<float>& v) {
  Schema s;
  s.fields.emplace_back("id", int64(), false);
  s.fields.emplace_back("vector", fixed_size_list(float32(), kDim), true);
  const int64_t n = static_cast<int64_t>(v.size() / kDim);
  std::vector<int64_t> ids(n);
  for (int64_t i = 0; i < n; ++i) ids[i] = i;
  auto id = std::make_shared<ArrayData>();
  id->type = int64();
  id->length = n;
  id->values = Buffer::Copy(ids.data(), n * 8);
  auto items = std::make_shared<ArrayData>();
  items->type = float32();
  items->length = n * static_cast<int64_t>(kDim);
  items->values = Buffer::Copy(v.data(), v.size() * 4);
  auto vec = std::make_shared<ArrayData>();
  vec->type = s.fields[1].type;
  vec->length = n;
  vec->children.push_back(items);
  RecordBatch b;
  b.schema = s;
  b.num_rows = n;
  b.columns = {id, vec};
  table::WriteOptions wo;
  wo.max_rows_per_file = 4000;  // two fragments
  return table::Dataset::Create(uri, s, {b}, wo);
}

struct Hit {
  uint64_t id;
  float distance;
};

std::vector<std::vector<float>> Queries(const std::vector<float>& data, size_t nq) {
  std::mt19937_64 rng(5);
  std::normal_distribution<float> g(0, 0.2f);
  std::vector<std::vector<float>> out;
  for (size_t q = 0; q < nq; ++q) {
    const size_t r = (q * 577) % kRows;
    std::vector<float> v(data.begin() + r * kDim, data.begin() + (r + 1) * kDim);
    for (float& x : v) x += g(rng);
    out.push_back(std::move(v));
  }
  return out;
}

std::vector<std::vector<Hit>> LanceDbSearch(const std::string& uri, const std::string& qfile,
                                            const std::string& extra) {
  auto r = RunCommand("node " + ShellQuote(Tool()) + " search " + ShellQuote(uri) +
                      " --column vector --queries " + ShellQuote(qfile) + " -k 10 " + extra);
  EXPECT_EQ(r.exit_code, 0) << r.err;
  std::vector<std::vector<Hit>> out;
  std::istringstream in(r.out);
  std::string line;
  while (std::getline(in, line)) {
    auto j = nlohmann::json::parse(line);
    std::vector<Hit> hits;
    for (size_t i = 0; i < j["ids"].size(); ++i) {
      hits.push_back({j["ids"][i].get<uint64_t>(), j["distances"][i].get<float>()});
    }
    out.push_back(std::move(hits));
  }
  return out;
}

std::vector<Hit> LancetSearch(const table::Dataset& ds, const std::vector<float>& q,
                              uint32_t nprobes, uint32_t refine) {
  index::VectorSearchOptions o;
  o.column = "vector";
  o.query = q;
  o.k = 10;
  o.nprobes = nprobes;
  o.refine_factor = refine;
  o.columns = {"id"};
  o.with_row_id = true;
  auto r = index::VectorSearch(ds, o);
  EXPECT_TRUE(r.ok()) << r.status().ToString();
  std::vector<Hit> out;
  if (!r.ok()) return out;
  int di = r->schema.FieldIndex("_distance"), ri = r->schema.FieldIndex("_rowid");
  for (int64_t i = 0; i < r->num_rows; ++i) {
    out.push_back({r->columns[ri]->values_as<uint64_t>()[i],
                   r->columns[di]->values_as<float>()[i]});
  }
  return out;
}

// Same ids in the same order, except where the neighbouring distances tie (within a relative
// 1e-4: float summation order differs between the two engines).
void ExpectSameTopK(const std::vector<Hit>& a, const std::vector<Hit>& b, const std::string& what) {
  ASSERT_EQ(a.size(), b.size()) << what;
  auto close = [](float x, float y) { return std::abs(x - y) <= 1e-4f * std::max(1.0f, std::abs(x)); };
  for (size_t i = 0; i < a.size(); ++i) {
    EXPECT_TRUE(close(a[i].distance, b[i].distance))
        << what << " rank " << i << ": " << a[i].distance << " vs " << b[i].distance;
  }
  std::multiset<uint64_t> sa, sb;
  for (size_t i = 0; i < a.size(); ++i) {
    if (a[i].id == b[i].id) continue;
    // Allowed only inside a group of tied distances.
    sa.insert(a[i].id);
    sb.insert(b[i].id);
    bool tied = (i > 0 && close(a[i].distance, a[i - 1].distance)) ||
                (i + 1 < a.size() && close(a[i].distance, a[i + 1].distance));
    // The last rank may differ if its distance ties with the (unseen) 11th.
    EXPECT_TRUE(tied || i + 1 == a.size()) << what << " rank " << i << ": " << a[i].id << " vs "
                                           << b[i].id;
  }
  if (!sa.empty() && sa != sb) {
    // Tolerated only at the boundary (the 10th row).
    EXPECT_LE(sa.size(), 1u) << what;
  }
}

class VectorInteropTest : public ::testing::Test {
 protected:
  void SetUp() override {
    namespace fs = std::filesystem;
    ASSERT_TRUE(fs::exists(testing::SourceDir() + "/tests/interop/node_modules/@lancedb/lancedb"))
        << "tests/interop/node_modules is missing: run scripts/install-deps.sh";
    dir_ = testing::MakeTempDir("vector_interop");
    data_ = MakeVectors(kRows, 21);
    queries_ = Queries(data_, 12);
    qfile_ = dir_ + "/queries.json";
    std::ofstream(qfile_) << nlohmann::json(queries_).dump();
  }
  std::string dir_, qfile_;
  std::vector<float> data_;
  std::vector<std::vector<float>> queries_;
};

TEST_F(VectorInteropTest, LanceDbUsesLancetIndex) {
  const std::string uri = dir_ + "/lancet_built.lance";
  auto ds = MakeTable(uri, data_);
  ASSERT_TRUE(ds.ok()) << ds.status().ToString();
  index::CreateIndexOptions co;
  co.column = "vector";
  co.ivf_pq.num_partitions = 16;
  co.ivf_pq.num_sub_vectors = 8;
  co.ivf_pq.max_iters = 25;
  auto indexed = index::CreateIvfPqIndex(**ds, co);
  ASSERT_TRUE(indexed.ok()) << indexed.status().ToString();

  auto list = RunCommand("node " + ShellQuote(Tool()) + " indices " + ShellQuote(uri));
  ASSERT_EQ(list.exit_code, 0) << list.err;
  auto j = nlohmann::json::parse(list.out);
  ASSERT_EQ(j.size(), 1u) << list.out;
  EXPECT_EQ(j[0]["indexType"], "IvfPq") << list.out;
  EXPECT_EQ(j[0]["name"], "vector_idx");
  EXPECT_EQ(j[0]["stats"]["numIndexedRows"], kRows) << list.out;
  EXPECT_EQ(j[0]["stats"]["numUnindexedRows"], 0) << list.out;

  for (auto [nprobes, refine] : {std::pair<uint32_t, uint32_t>{4, 0}, {4, 10}, {16, 20}}) {
    std::string extra = "--nprobes " + std::to_string(nprobes);
    if (refine) extra += " --refine " + std::to_string(refine);
    auto theirs = LanceDbSearch(uri, qfile_, extra);
    ASSERT_EQ(theirs.size(), queries_.size());
    for (size_t q = 0; q < queries_.size(); ++q) {
      auto ours = LancetSearch(**indexed, queries_[q], nprobes, refine);
      ExpectSameTopK(theirs[q], ours, "query " + std::to_string(q) + " " + extra);
    }
  }
}

TEST_F(VectorInteropTest, LancetUsesLanceDbIndex) {
  const std::string uri = dir_ + "/lancedb_built.lance";
  {
    auto ds = MakeTable(uri, data_);
    ASSERT_TRUE(ds.ok()) << ds.status().ToString();
  }
  auto made = RunCommand("node " + ShellQuote(Tool()) + " index " + ShellQuote(uri) +
                         " --column vector --partitions 16 --sub-vectors 8");
  ASSERT_EQ(made.exit_code, 0) << made.err;
  auto ds = table::Dataset::Open(uri);
  ASSERT_TRUE(ds.ok()) << ds.status().ToString();
  auto indices = index::VectorIndicesOf(**ds, "vector");
  ASSERT_TRUE(indices.ok()) << indices.status().ToString();
  ASSERT_EQ(indices->size(), 1u);
  auto idx = index::LoadIvfPqIndex(**ds, (*indices)[0].uuid);
  ASSERT_TRUE(idx.ok()) << idx.status().ToString();
  const index::IvfPqModel& md = (*idx)->model();
  EXPECT_EQ(md.num_partitions(), 16u);
  EXPECT_EQ(md.num_sub_vectors, 8u);
  EXPECT_EQ(md.dim, kDim);
  EXPECT_EQ(md.num_rows(), kRows);

  // Codebook order: reconstruct every row from its partition centroid and codes. Lance's
  // [sub_vector][centroid][sub_dim] order must reconstruct far better than [centroid][sub_vector].
  const size_t m = md.num_sub_vectors, sub = kDim / m;
  double err_lance = 0, err_other = 0;
  for (uint32_t p = 0; p < md.num_partitions(); ++p) {
    const uint64_t len = md.lengths[p];
    const uint8_t* codes = md.partition_codes(p);
    for (uint64_t i = 0; i < len; ++i) {
      const uint64_t addr = md.row_ids[md.offsets[p] + i];
      const uint64_t id = (addr >> 32) * 4000 + (addr & 0xffffffffu);
      ASSERT_LT(id, kRows);
      const float* x = data_.data() + id * kDim;
      for (size_t s = 0; s < m; ++s) {
        const uint8_t c = codes[s * len + i];
        for (size_t t = 0; t < sub; ++t) {
          const float base = md.centroid(p)[s * sub + t];
          const float a = base + md.codebook[(s * 256 + c) * sub + t];
          const float b = base + md.codebook[(c * m + s) * sub + t];
          err_lance += (a - x[s * sub + t]) * (a - x[s * sub + t]);
          err_other += (b - x[s * sub + t]) * (b - x[s * sub + t]);
        }
      }
    }
  }
  EXPECT_LT(err_lance * 3, err_other) << "codebook order";

  for (auto [nprobes, refine] : {std::pair<uint32_t, uint32_t>{4, 0}, {4, 10}, {16, 20}}) {
    std::string extra = "--nprobes " + std::to_string(nprobes);
    if (refine) extra += " --refine " + std::to_string(refine);
    auto theirs = LanceDbSearch(uri, qfile_, extra);
    ASSERT_EQ(theirs.size(), queries_.size());
    for (size_t q = 0; q < queries_.size(); ++q) {
      auto ours = LancetSearch(**ds, queries_[q], nprobes, refine);
      ExpectSameTopK(theirs[q], ours, "query " + std::to_string(q) + " " + extra);
    }
  }
}

}  // namespace
}  // namespace lancet
