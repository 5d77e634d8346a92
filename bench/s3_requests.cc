// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The lancet authors
//
// Macro benchmark (issue 4, acceptance 4): requests, sequential round trips and wall time of
// lancet and LanceDB on the same S3-compatible server (s3rver behind tests/s3/s3_proxy.mjs,
// started here) with --latency-ms injected per request by the proxy:
//   open latest; flat search k=10 (index bypassed); warm indexed search k=10 (after one query
//   on the open table); one-row append on the open table.
// The table: --rows rows of id + --dim-d float vectors (seeded; the same bytes for both, handed
// to LanceDB as a raw float32 file) with an IVF_PQ index (--partitions, --sub-vectors, l2).
// Per operation and system: the server's request count and sequential round trips (proxy
// counters reset before each repetition), lancet's own IoStats (CountingFileSystem) and the
// wall-time p50 over --reps repetitions; ratios LanceDB / lancet (> 1: lancet cheaper). Prints
// one JSON object, then a table. The request log (kind, key, range) of the last repetition of
// each operation is in the JSON.
//   bench_s3_requests [--rows 20000] [--dim 512] [--reps 5] [--latency-ms 20]
//                     [--partitions 64] [--sub-vectors 32] [--no-lancedb] [--workdir DIR]
#include <unistd.h>

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iostream>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "bench_util.h"
#include "lancet/core/memory.h"
#include "lancet/core/array_builder.h"
#include "lancet/index/vector_search.h"
#include "lancet/io/counting_file_system.h"
#include "lancet/table/dataset.h"
#include "lancet/testing/s3_server_fixture.h"

using lancet::RecordBatch;
using lancet::Status;
using lancet::table::Dataset;
using nlohmann::json;

namespace {

struct Config {
  int64_t rows = 20000;
  int32_t dim = 512;
  int reps = 5;
  int latency_ms = 20;
  uint32_t partitions = 64;
  uint32_t sub_vectors = 32;
  bool lancedb = true;
  std::string workdir;
};

[[noreturn]] void Die(const std::string& what) {
  std::cerr << "bench_s3_requests: " << what << "\n";
  std::exit(1);
}

template <typename T>
T Check(lancet::Result<T> r, const std::string& what) {
  if (!r.ok()) Die(what + ": " + r.status().ToString());
  return std::move(*r);
}
void Check(const Status& st, const std::string& what) {
  if (!st.ok()) Die(what + ": " + st.ToString());
}

// xorshift32 in [-1, 1): the data and the queries.
struct Rng {
  uint32_t s;
  float Next() {
    s ^= s << 13;
    s ^= s >> 17;
    s ^= s << 5;
    return static_cast<float>(static_cast<double>(s) / 4294967296.0 * 2.0 - 1.0);
  }
};

lancet::Schema TableSchema(int32_t dim) {
  lancet::Schema s;
  s.fields.push_back(lancet::Field{"id", lancet::int64(), false});
  s.fields.emplace_back("vector", lancet::fixed_size_list(lancet::float32(), dim), true);
  return s;
}

RecordBatch Batch(int32_t dim, int64_t first_id, const float* v, int64_t n) {
  lancet::ArrayBuilder ids(lancet::int64());
  lancet::ArrayBuilder vecs(lancet::fixed_size_list(lancet::float32(), dim));
  for (int64_t i = 0; i < n; ++i) {
    Check(ids.AppendInt(first_id + i), "id");
    Check(vecs.BeginList(), "vector");
    for (int32_t d = 0; d < dim; ++d) Check(vecs.child(0)->AppendDouble(v[i * dim + d]), "item");
    Check(vecs.EndList(), "vector");
  }
  RecordBatch b;
  b.schema = TableSchema(dim);
  b.num_rows = n;
  b.columns = {Check(ids.Finish(), "ids"), Check(vecs.Finish(), "vectors")};
  return b;
}

// Per-repetition numbers of one operation.
struct Samples {
  std::vector<double> requests, round_trips, ms, lancet_requests, lancet_round_trips;
  json log;
};

json Summary(const Samples& s) {
  auto p50 = [](const std::vector<double>& v) { return lancet::bench::Percentile(v, 0.5); };
  json j = {{"requests_p50", p50(s.requests)},
            {"requests", s.requests},
            {"round_trips_p50", p50(s.round_trips)},
            {"round_trips", s.round_trips},
            {"ms_p50", p50(s.ms)},
            {"ms", s.ms},
            {"last_log", s.log}};
  if (!s.lancet_requests.empty()) {
    j["lancet_io_requests_p50"] = p50(s.lancet_requests);
    j["lancet_io_round_trips_p50"] = p50(s.lancet_round_trips);
  }
  return j;
}

}  // namespace

int main(int argc, char** argv) {
  lancet::RetainLargeAllocations();  // as the CLI does (lancet/core/memory.h)
  Config cfg;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    auto value = [&]() -> std::string {
      if (i + 1 >= argc) Die("missing value for " + a);
      return argv[++i];
    };
    if (a == "--rows") cfg.rows = std::stoll(value());
    else if (a == "--dim") cfg.dim = std::stoi(value());
    else if (a == "--reps") cfg.reps = std::stoi(value());
    else if (a == "--latency-ms") cfg.latency_ms = std::stoi(value());
    else if (a == "--partitions") cfg.partitions = static_cast<uint32_t>(std::stoul(value()));
    else if (a == "--sub-vectors") cfg.sub_vectors = static_cast<uint32_t>(std::stoul(value()));
    else if (a == "--no-lancedb") cfg.lancedb = false;
    else if (a == "--workdir") cfg.workdir = value();
    else Die("unknown argument " + a);
  }
  if (cfg.rows < 1 || cfg.dim < 1 || cfg.reps < 1) Die("--rows, --dim and --reps must be positive");
  namespace fs = std::filesystem;
  if (cfg.workdir.empty()) {
    cfg.workdir = (fs::temp_directory_path() / ("bench-s3-requests-" + std::to_string(getpid())))
                      .string();
  }
  fs::create_directories(cfg.workdir);
  const std::string src_dir = Check(lancet::testing::LancetSourceDir(), "source dir");

  auto server = Check(lancet::testing::S3TestServer::Start(), "start the S3 test server");
  const lancet::testing::S3ServerInfo& info = server->info();

  // The data, the same bytes for both systems.
  std::vector<float> data(static_cast<size_t>(cfg.rows) * cfg.dim);
  Rng rng{12345};
  for (float& x : data) x = rng.Next();
  const std::string vectors_path = cfg.workdir + "/vectors.f32";
  {
    std::ofstream out(vectors_path, std::ios::binary);
    out.write(reinterpret_cast<const char*>(data.data()),
              static_cast<std::streamsize>(data.size() * sizeof(float)));
    if (!out) Die("cannot write " + vectors_path);
  }
  std::vector<std::vector<float>> queries(8, std::vector<float>(cfg.dim));
  Rng qrng{777};
  for (auto& q : queries) {
    for (float& x : q) x = qrng.Next();
  }
  const std::string queries_path = cfg.workdir + "/queries.json";
  std::ofstream(queries_path) << json(queries).dump();

  // lancet: create and index without latency.
  const std::string uri = server->Uri("/bench-lancet/t.lance");
  auto t_create = std::chrono::steady_clock::now();
  auto created = Check(Dataset::Create(uri, TableSchema(cfg.dim),
                                       {Batch(cfg.dim, 0, data.data(), cfg.rows)}),
                       "create");
  double create_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t_create).count();
  lancet::index::CreateIndexOptions io;
  io.column = "vector";
  io.ivf_pq.num_partitions = cfg.partitions;
  io.ivf_pq.num_sub_vectors = cfg.sub_vectors;
  auto t_index = std::chrono::steady_clock::now();
  auto indexed = Check(lancet::index::CreateIvfPqIndex(*created, io), "create index");
  double index_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t_index).count();
  (void)indexed;

  auto stats = std::make_shared<lancet::io::IoStats>();
  lancet::table::OpenOptions open_opts;
  open_opts.wrap_fs = [stats](std::shared_ptr<lancet::io::FileSystem> base) {
    return std::shared_ptr<lancet::io::FileSystem>(
        std::make_shared<lancet::io::CountingFileSystem>(std::move(base), stats));
  };
  Check(server->SetFaults("{\"latency_ms\": " + std::to_string(cfg.latency_ms) + "}"), "latency");
  auto measure = [&](const std::function<void(int)>& fn) {
    Samples s;
    for (int i = 0; i < cfg.reps; ++i) {
      Check(server->ResetStats(), "reset");
      stats->Reset();
      s.ms.push_back(lancet::bench::TimeMs([&] { fn(i); }));
      lancet::io::IoStatsSnapshot snap = stats->Snapshot();
      json st = json::parse(Check(server->StatsJson(), "stats"));
      s.requests.push_back(st["requests"].get<double>());
      s.round_trips.push_back(st["sequential_round_trips"].get<double>());
      s.lancet_requests.push_back(static_cast<double>(snap.Total().requests));
      s.lancet_round_trips.push_back(static_cast<double>(snap.sequential_round_trips));
      s.log = json::array();
      for (const json& e : st["requests_log"]) {
        s.log.push_back({{"kind", e["kind"]}, {"key", e["key"]}, {"range", e["range"]},
                         {"round_trip", e["round_trip"]}});
      }
    }
    return s;
  };
  std::map<std::string, Samples> lancet_ops;
  lancet_ops["open"] = measure([&](int) { Check(Dataset::Open(uri, open_opts), "open"); });
  std::unique_ptr<Dataset> ds = Check(Dataset::Open(uri, open_opts), "open");
  auto search = [&](const std::vector<float>& q, bool use_index) {
    lancet::index::VectorSearchOptions so;
    so.column = "vector";
    so.query = q;
    so.k = 10;
    so.use_index = use_index;
    RecordBatch r = Check(lancet::index::VectorSearch(*ds, so), "search");
    if (r.num_rows != 10) Die("search returned " + std::to_string(r.num_rows) + " rows");
  };
  lancet_ops["flat_search"] =
      measure([&](int i) { search(queries[static_cast<size_t>(i) % queries.size()], false); });
  search(queries[0], true);  // warm-up: the index is loaded
  lancet_ops["indexed_search"] = measure(
      [&](int i) { search(queries[static_cast<size_t>(i + 1) % queries.size()], true); });
  int64_t next_id = cfg.rows;
  lancet_ops["append"] = measure([&](int) {
    ds = Check(ds->Append({Batch(cfg.dim, next_id++, data.data(), 1)}), "append");
  });
  Check(server->SetFaults("{}"), "latency off");
  if (ds->CountRows() != static_cast<uint64_t>(cfg.rows + cfg.reps)) Die("lost appended rows");

  json lancedb = nullptr;
  if (cfg.lancedb) {
    std::string cmd = "node '" + src_dir + "/tests/interop/lancedb_s3_requests.mjs' --endpoint '" +
                      info.endpoint + "' --bucket '" + info.bucket +
                      "' --prefix bench-lancedb --vectors '" + vectors_path + "' --queries '" +
                      queries_path + "' --rows " + std::to_string(cfg.rows) + " --dim " +
                      std::to_string(cfg.dim) + " --partitions " + std::to_string(cfg.partitions) +
                      " --sub-vectors " + std::to_string(cfg.sub_vectors) + " --reps " +
                      std::to_string(cfg.reps) + " --latency-ms " +
                      std::to_string(cfg.latency_ms) + " --access-key-id '" + info.access_key_id +
                      "' --secret-access-key '" + info.secret_access_key + "'";
    int code = 0;
    std::string out = lancet::bench::RunCommand(cmd, &code);
    if (code != 0) Die("LanceDB script failed (" + std::to_string(code) + "): " + cmd);
    size_t line = out.rfind("\n{");
    lancedb = json::parse(line == std::string::npos ? out : out.substr(line + 1), nullptr,
                          /*allow_exceptions=*/false);
    if (lancedb.is_discarded() || !lancedb.contains("ops")) Die("LanceDB script output: " + out);
  }

  // Report.
  json report = {{"benchmark", "s3_requests"},
                 {"rows", cfg.rows},
                 {"dim", cfg.dim},
                 {"reps", cfg.reps},
                 {"latency_ms", cfg.latency_ms},
                 {"ivf_pq", {{"partitions", cfg.partitions}, {"sub_vectors", cfg.sub_vectors}}},
                 {"lancet", {{"create_seconds", create_s}, {"index_seconds", index_s}}}};
  const char* ops[] = {"open", "append", "flat_search", "indexed_search"};
  for (const char* op : ops) report["lancet"]["ops"][op] = Summary(lancet_ops[op]);
  if (!lancedb.is_null()) {
    report["lancedb"] = {{"create_seconds", lancedb["create_seconds"]},
                         {"index_seconds", lancedb["index_seconds"]}};
    for (const char* op : ops) {
      const json& o = lancedb["ops"][op];
      Samples s;
      s.requests = o["requests"].get<std::vector<double>>();
      s.round_trips = o["round_trips"].get<std::vector<double>>();
      s.ms = o["ms"].get<std::vector<double>>();
      s.log = o["log"];
      report["lancedb"]["ops"][op] = Summary(s);
      const json& l = report["lancet"]["ops"][op];
      const json& d = report["lancedb"]["ops"][op];
      auto ratio = [](double a, double b) { return b > 0 ? a / b : 0.0; };
      report["ratios_lancedb_over_lancet"][op] = {
          {"requests", ratio(d["requests_p50"], l["requests_p50"])},
          {"round_trips", ratio(d["round_trips_p50"], l["round_trips_p50"])},
          {"ms", ratio(d["ms_p50"], l["ms_p50"])}};
    }
  }
  std::cout << report.dump() << "\n\n";
  std::printf("%-16s | %8s %8s %9s %9s | %8s %8s %9s | %6s %6s %6s\n", "operation",
              "lc reqs", "lc rtts", "lc io rt", "lc ms", "ldb reqs", "ldb rtts", "ldb ms",
              "x reqs", "x rtts", "x ms");
  for (const char* op : ops) {
    const json& l = report["lancet"]["ops"][op];
    std::printf("%-16s | %8.0f %8.0f %9.0f %9.1f", op, l["requests_p50"].get<double>(),
                l["round_trips_p50"].get<double>(), l["lancet_io_round_trips_p50"].get<double>(),
                l["ms_p50"].get<double>());
    if (report.contains("lancedb")) {
      const json& d = report["lancedb"]["ops"][op];
      const json& r = report["ratios_lancedb_over_lancet"][op];
      std::printf(" | %8.0f %8.0f %9.1f | %6.2f %6.2f %6.2f", d["requests_p50"].get<double>(),
                  d["round_trips_p50"].get<double>(), d["ms_p50"].get<double>(),
                  r["requests"].get<double>(), r["round_trips"].get<double>(),
                  r["ms"].get<double>());
    }
    std::printf("\n");
  }
  std::printf("(server-side counts from the proxy, p50 over %d reps, %d ms per request; "
              "x = LanceDB / lancet)\n",
              cfg.reps, cfg.latency_ms);
  return 0;
}
