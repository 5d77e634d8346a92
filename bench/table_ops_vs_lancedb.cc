// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The lancet authors
//
// Macro benchmark: table-operation latencies of lancet and LanceDB on the same data, same
// machine, local disk, in one run:
//   1. create a table of --rows rows (id, caption, 128-d vector);
//   2. --appends one-row appends, each a commit (p50/p95/mean latency);
//   3. a full scan after those appends (many tiny fragments; median of --reps);
//   4. compaction (LanceDB optimize(); lancet Compact), then a full scan again;
//   5. one delete of `id % 100 = 7`.
// Prints one JSON object per metric with both numbers and ratio = LanceDB / lancet (> 1: lancet
// faster), then a table.
//   bench_table_ops_vs_lancedb [--rows N] [--appends A] [--reps R] [--version 2.2] [--workdir D]
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>
#include <numeric>

#include "bench_util.h"
#include "lancet/core/memory.h"
#include "lancet/core/json_rows.h"
#include "lancet/file/file_writer.h"
#include "lancet/table/dataset.h"

using lancet::RecordBatch;
using lancet::table::Dataset;

namespace {

const char* kSchema = R"([
  {"name": "id", "type": "int64", "nullable": false},
  {"name": "caption", "type": "string"},
  {"name": "vector", "type": "fixed_size_list:float:128"}
])";

void WriteRows(const std::string& path, int64_t start, int64_t n) {
  const char* colors[] = {"red", "blue", "green", "yellow", "black", "white"};
  const char* objects[] = {"car", "house", "tree", "boat", "ball", "star"};
  std::ofstream out(path);
  for (int64_t i = start; i < start + n; ++i) {
    nlohmann::json r;
    r["id"] = i;
    r["caption"] = std::string("a ") + colors[i % 6] + " " + objects[(i / 6) % 6] + " " +
                   std::to_string(i);
    std::vector<double> v(128);
    for (int k = 0; k < 128; ++k) v[k] = std::sin(0.001 * static_cast<double>(i) * (k + 1));
    r["vector"] = v;
    out << r.dump() << "\n";
  }
}

using lancet::bench::Mean;
using lancet::bench::RunCommand;
using lancet::bench::TimeMs;

double Pct(const std::vector<double>& v, double q) { return lancet::bench::Percentile(v, q); }

[[noreturn]] void Die(const std::string& what, const lancet::Status& st) {
  std::cerr << "bench_table_ops_vs_lancedb: " << what << ": " << st.ToString() << "\n";
  std::exit(1);
}

lancet::Result<std::vector<RecordBatch>> Load(const lancet::Schema& schema, const std::string& path,
                                              int64_t batch_rows) {
  std::ifstream in(path);
  LANCET_ASSIGN_OR_RETURN(auto reader, lancet::JsonRowReader::Make(schema, in));
  std::vector<RecordBatch> out;
  while (true) {
    LANCET_ASSIGN_OR_RETURN(auto b, reader->Next(batch_rows));
    if (!b) break;
    out.push_back(std::move(*b));
  }
  return out;
}

}  // namespace

int main(int argc, char** argv) {
  lancet::RetainLargeAllocations();  // as the CLI does (lancet/core/memory.h)
  int64_t rows = 10000, appends = 200;
  int reps = 5;
  std::string version = "2.2";
  std::string workdir = (std::filesystem::temp_directory_path() / "lancet-bench-table").string();
  for (int i = 1; i + 1 < argc; i += 2) {
    std::string k = argv[i], v = argv[i + 1];
    if (k == "--rows") rows = std::stoll(v);
    else if (k == "--appends") appends = std::stoll(v);
    else if (k == "--reps") reps = std::stoi(v);
    else if (k == "--version") version = v;
    else if (k == "--workdir") workdir = v;
  }
  const char* src_env = std::getenv("LANCET_SOURCE_DIR");
  std::string src = src_env ? src_env : LANCET_SOURCE_DIR_DEFAULT;
  std::filesystem::remove_all(workdir);
  std::filesystem::create_directories(workdir);
  std::ofstream(workdir + "/schema.json") << kSchema;
  WriteRows(workdir + "/initial.jsonl", 0, rows);
  WriteRows(workdir + "/appends.jsonl", rows, appends);
  const std::string where = "id % 100 = 7";

  // ---- LanceDB (timed inside Node, around each call) -------------------------------------
  int code = 0;
  std::string out = RunCommand("node '" + src + "/tests/interop/lancedb_tool.mjs' bench-table '" +
                            workdir + "/lancedb/t.lance' --schema '" + workdir +
                            "/schema.json' --input '" + workdir + "/initial.jsonl' --appends '" +
                            workdir + "/appends.jsonl' --where '" + where + "' --reps " +
                            std::to_string(reps) + " --version " + version,
                        &code);
  if (code != 0) {
    std::cerr << "LanceDB run failed\n" << out;
    return 1;
  }
  nlohmann::json ldb = nlohmann::json::parse(out);

  // ---- lancet ------------------------------------------------------------------------------
  auto schema = lancet::SchemaFromJson(kSchema);
  if (!schema.ok()) Die("schema", schema.status());
  auto initial = Load(*schema, workdir + "/initial.jsonl", 8192);
  if (!initial.ok()) Die("rows", initial.status());
  auto single = Load(*schema, workdir + "/appends.jsonl", 1);
  if (!single.ok()) Die("rows", single.status());
  lancet::table::WriteOptions wo;
  auto fv = lancet::file::ParseFileVersion(version);
  if (!fv.ok()) Die("version", fv.status());
  wo.data_storage_version = *fv;
  std::string uri = workdir + "/lancet/t.lance";
  auto created = Dataset::Create(uri, *schema, *initial, wo);
  if (!created.ok()) Die("create", created.status());
  std::unique_ptr<Dataset> ds = std::move(*created);
  std::vector<double> append_ms;
  for (RecordBatch& b : *single) {
    append_ms.push_back(TimeMs([&] {
      auto next = ds->Append({b});
      if (!next.ok()) Die("append", next.status());
      ds = std::move(*next);
    }));
  }
  auto scans = [&]() {
    std::vector<double> ms;
    for (int r = 0; r <= reps; ++r) {
      double t = TimeMs([&] {
        auto fresh = Dataset::Open(uri);  // as LanceDB's query, which plans on the latest
        if (!fresh.ok()) Die("open", fresh.status());
        int64_t n = 0;
        auto st = (*fresh)->Scan({}, [&](const RecordBatch& b) {
          n += b.num_rows;
          return lancet::Status::OK();
        });
        if (!st.ok()) Die("scan", st);
      });
      if (r > 0) ms.push_back(t);  // the first scan warms up
    }
    return ms;
  };
  std::vector<double> scan_after_appends = scans();
  double compact_ms = TimeMs([&] {
    auto next = ds->Compact();
    if (!next.ok()) Die("compact", next.status());
    ds = std::move(*next);
  });
  std::vector<double> scan_after_compact = scans();
  double delete_ms = TimeMs([&] {
    auto next = ds->Delete(where);
    if (!next.ok()) Die("delete", next.status());
    ds = std::move(*next);
  });
  if (static_cast<int64_t>(ds->CountRows()) != ldb["rows"].get<int64_t>()) {
    std::cerr << "row counts differ: lancet " << ds->CountRows() << ", LanceDB " << ldb["rows"]
              << "\n";
    return 1;
  }

  struct Metric {
    std::string name;
    double lancet, lancedb;
  };
  std::vector<double> ldb_append = ldb["append_ms"].get<std::vector<double>>();
  std::vector<Metric> metrics = {
      {"append_1row_p50_ms", Pct(append_ms, 0.5), Pct(ldb_append, 0.5)},
      {"append_1row_p95_ms", Pct(append_ms, 0.95), Pct(ldb_append, 0.95)},
      {"append_1row_mean_ms", Mean(append_ms), Mean(ldb_append)},
      {"scan_after_appends_ms", Pct(scan_after_appends, 0.5),
       Pct(ldb["scan_after_appends_ms"].get<std::vector<double>>(), 0.5)},
      {"compact_ms", compact_ms, ldb["compact_ms"].get<double>()},
      {"scan_after_compact_ms", Pct(scan_after_compact, 0.5),
       Pct(ldb["scan_after_compact_ms"].get<std::vector<double>>(), 0.5)},
      {"delete_ms", delete_ms, ldb["delete_ms"].get<double>()},
  };
  for (const Metric& m : metrics) {
    nlohmann::json j = {{"metric", m.name},          {"lancet", m.lancet},
                        {"lancedb", m.lancedb},      {"ratio_lancedb_over_lancet", m.lancedb / m.lancet},
                        {"rows", rows},              {"appends", appends},
                        {"version", version}};
    std::cout << j.dump() << "\n";
  }
  std::printf("\n%-24s %12s %12s %10s\n", "metric", "lancet", "LanceDB", "ratio");
  for (const Metric& m : metrics) {
    std::printf("%-24s %12.2f %12.2f %9.2fx\n", m.name.c_str(), m.lancet, m.lancedb,
                m.lancedb / m.lancet);
  }
  std::printf("(ms; ratio = LanceDB / lancet, > 1 means lancet is faster; %lld rows + %lld one-row "
              "appends, file format %s, local disk)\n",
              static_cast<long long>(rows), static_cast<long long>(appends), version.c_str());
  return 0;
}
