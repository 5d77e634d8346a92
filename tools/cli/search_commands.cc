// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The lancet authors
//
// Vector commands: `index create` (IVF_PQ in Lance's layout) and `search` (flat or indexed k-NN).
#include <CLI/CLI.hpp>

#include <chrono>
#include <iostream>
#include <nlohmann/json.hpp>

#include "cli_util.h"
#include "lancet/core/json_rows.h"
#include "lancet/index/vector_search.h"
#include "lancet/linalg/simd.h"
#include "lancet/table/dataset.h"

namespace lancet::cli {
namespace {

struct IndexCreateArgs {
  std::string uri;
  std::string column;
  std::string type = "ivf_pq";
  std::string name;
  uint32_t partitions = 256;
  uint32_t sub_vectors = 16;
  std::string metric = "l2";
  int max_iters = 50;
  int sample_rate = 256;
  uint64_t seed = 42;
  int threads = 0;
  IoOptions io;
};

struct SearchArgs {
  std::string uri;
  std::string column;
  std::string vector_file;
  std::string vector_json;
  int64_t k = 10;
  std::string where;
  bool postfilter = false;
  uint32_t nprobes = 20;
  uint32_t refine_factor = 0;
  std::string columns;
  std::string metric;
  bool no_index = false;
  bool with_row_id = false;
  bool explain = false;
  int64_t version = -1;
  int threads = 0;
  IoOptions io;
};

Result<std::unique_ptr<table::Dataset>> OpenTable(const std::string& uri, int64_t version,
                                                  IoOptions* io) {
  table::OpenOptions oo;
  if (version >= 0) oo.version = static_cast<uint64_t>(version);
  oo.wrap_fs = io->Wrapper();
  return table::Dataset::Open(uri, oo);
}

Status RunIndexCreate(IndexCreateArgs& a) {
  std::string type = a.type;
  for (char& c : type) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (type != "ivf_pq") {
    return Status::NotSupported("index type '" + a.type + "' (only ivf_pq is supported)");
  }
  LANCET_ASSIGN_OR_RETURN(auto ds, OpenTable(a.uri, -1, &a.io));
  index::CreateIndexOptions o;
  o.column = a.column;
  o.name = a.name;
  o.ivf_pq.num_partitions = a.partitions;
  o.ivf_pq.num_sub_vectors = a.sub_vectors;
  LANCET_ASSIGN_OR_RETURN(o.ivf_pq.metric, linalg::ParseMetricType(a.metric));
  o.ivf_pq.max_iters = a.max_iters;
  o.ivf_pq.sample_rate = a.sample_rate;
  o.ivf_pq.seed = a.seed;
  o.ivf_pq.num_threads = a.threads;
  index::IvfPqBuildStats st;
  o.stats = &st;
  auto t0 = std::chrono::steady_clock::now();
  LANCET_ASSIGN_OR_RETURN(auto out, index::CreateIvfPqIndex(*ds, o));
  double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  nlohmann::json phases = nlohmann::json::object();
  for (const auto& [name, seconds] : index::BuildPhases(st)) phases[name] = seconds;
  LANCET_ASSIGN_OR_RETURN(auto indices, index::VectorIndicesOf(*out, a.column));
  nlohmann::json list = nlohmann::json::array();
  for (const auto& md : indices) {
    list.push_back({{"name", md.name}, {"uuid", md.uuid}, {"fragments", md.fragment_ids}});
  }
  std::cout << nlohmann::json{{"version", out->version()},
                              {"indices", list},
                              {"seconds", secs},
                              {"phases_seconds", phases},
                              {"rows", st.rows},
                              {"ivf_sample_rows", st.ivf_sample_rows},
                              {"ivf_iterations", st.ivf_kmeans.iterations},
                              {"pq_sample_rows", st.pq_sample_rows},
                              {"simd", linalg::SimdLevelName(linalg::ActiveSimdLevel())}}
                   .dump()
            << "\n";
  a.io.Report();
  return Status::OK();
}

Result<std::vector<float>> ParseVector(const std::string& text) {
  nlohmann::json j = nlohmann::json::parse(text, nullptr, false);
  if (j.is_discarded() || !j.is_array()) {
    return Status::InvalidArgument("the query vector must be a JSON array of numbers");
  }
  std::vector<float> v;
  for (const auto& x : j) {
    if (!x.is_number()) return Status::InvalidArgument("the query vector holds a non-number");
    v.push_back(x.get<float>());
  }
  return v;
}

Status RunSearch(SearchArgs& a) {
  if (a.vector_file.empty() == a.vector_json.empty()) {
    return Status::InvalidArgument("give exactly one of --vector-file and --vector");
  }
  std::string text = a.vector_json;
  if (!a.vector_file.empty()) {
    LANCET_ASSIGN_OR_RETURN(text, ReadTextFile(a.vector_file));
  }
  index::VectorSearchOptions o;
  LANCET_ASSIGN_OR_RETURN(o.query, ParseVector(text));
  if (a.k < 0) return Status::InvalidArgument("-k must be >= 0");
  o.column = a.column;
  o.k = static_cast<size_t>(a.k);
  o.filter = a.where;
  o.prefilter = !a.postfilter;
  o.nprobes = a.nprobes;
  o.refine_factor = a.refine_factor;
  if (!a.metric.empty()) {
    LANCET_ASSIGN_OR_RETURN(auto m, linalg::ParseMetricType(a.metric));
    o.metric = m;
  }
  o.columns = SplitCommas(a.columns);
  o.use_index = !a.no_index;
  o.with_row_id = a.with_row_id;
  o.num_threads = a.threads;
  LANCET_ASSIGN_OR_RETURN(auto ds, OpenTable(a.uri, a.version, &a.io));
  index::SearchStats stats;
  auto t0 = std::chrono::steady_clock::now();
  LANCET_ASSIGN_OR_RETURN(RecordBatch rows, index::VectorSearch(*ds, o, &stats));
  double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  LANCET_RETURN_NOT_OK(WriteJsonRows(rows, std::cout));
  if (a.explain) {
    std::cerr << nlohmann::json{{"indices", stats.index_uuids},
                                {"index_candidates", stats.index_candidates},
                                {"flat_rows", stats.flat_rows},
                                {"seconds", secs},
                                {"simd", linalg::SimdLevelName(linalg::ActiveSimdLevel())}}
                     .dump()
              << "\n";
  }
  a.io.Report();
  return Status::OK();
}

}  // namespace

void AddSearchCommands(CLI::App* app, std::optional<Status>* result) {
  auto ic = std::make_shared<IndexCreateArgs>();
  auto* index_cmd = app->add_subcommand("index", "Vector index tools");
  index_cmd->require_subcommand(1);
  auto* create = index_cmd->add_subcommand("create", "Build an IVF_PQ index in Lance's layout");
  create->add_option("uri", ic->uri, "Dataset URI")->required();
  create->add_option("--column", ic->column, "Vector column (default: the only one)");
  create->add_option("--type", ic->type, "Index type (ivf_pq)");
  create->add_option("--name", ic->name, "Index name (default <column>_idx)");
  create->add_option("--partitions", ic->partitions, "IVF partitions (default 256)");
  create->add_option("--sub-vectors", ic->sub_vectors, "PQ sub-vectors (default 16)");
  create->add_option("--metric", ic->metric, "l2 | cosine | dot (default l2)");
  create->add_option("--max-iters", ic->max_iters, "k-means iterations (default 50)");
  create->add_option("--sample-rate", ic->sample_rate, "Training rows per centroid (default 256)");
  create->add_option("--seed", ic->seed, "Training seed (default 42)");
  create->add_option("--threads", ic->threads, "Worker threads (default: all cores)");
  AddIoOptions(create, &ic->io);
  create->callback([=] { *result = RunIndexCreate(*ic); });

  auto sa = std::make_shared<SearchArgs>();
  auto* search = app->add_subcommand("search", "k nearest rows of a query vector (JSON lines)");
  search->add_option("uri", sa->uri, "Dataset URI")->required();
  search->add_option("--column", sa->column, "Vector column (default: the only one)");
  search->add_option("--vector-file", sa->vector_file, "File holding the query as a JSON array");
  search->add_option("--vector", sa->vector_json, "The query as a JSON array");
  search->add_option("-k", sa->k, "Rows to return (default 10)");
  search->add_option("--where", sa->where, "Filter predicate (applied before the search)");
  search->add_flag("--postfilter", sa->postfilter, "Apply --where to the k results instead");
  search->add_option("--nprobes", sa->nprobes, "IVF partitions to probe (default 20)");
  search->add_option("--refine-factor", sa->refine_factor,
                     "Re-rank refine_factor*k index candidates exactly");
  search->add_option("--columns", sa->columns, "Columns to return (default all)");
  search->add_option("--metric", sa->metric, "l2 | cosine | dot (default: the index's, or l2)");
  search->add_flag("--no-index", sa->no_index, "Exact search even if an index exists");
  search->add_flag("--with-row-id", sa->with_row_id, "Add the _rowid (row address) column");
  search->add_flag("--explain", sa->explain, "Print what the search did on stderr");
  search->add_option("--version", sa->version, "Search this version (default latest)");
  search->add_option("--threads", sa->threads, "Worker threads (default: all cores)");
  AddIoOptions(search, &sa->io);
  search->callback([=] { *result = RunSearch(*sa); });
}

std::string SimdLevelForVersion() {
  return linalg::SimdLevelName(linalg::ActiveSimdLevel());
}

}  // namespace lancet::cli
