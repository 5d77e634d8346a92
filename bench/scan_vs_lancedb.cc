// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The lancet authors
//
// Macro benchmark: decode the same table with lancet and with LanceDB, full scan and column-only
// scan, and print both throughputs and their ratio (JSON lines, then a table).
//
//   bench_scan_vs_lancedb [--rows N] [--dim D] [--version 2.2] [--reps R] [--workdir DIR]
//
// LanceDB writes the table (tests/interop/lancedb_tool.mjs gen-bench: id int64, category string
// (low cardinality), caption string, created_at timestamp, vector fixed_size_list<float, D>), so
// both engines decode LanceDB's own encodings. LanceDB is timed inside Node (its native core does
// the decoding; time to materialise Arrow batches in JS is included, as a user would see it).
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "bench_util.h"
#include "lancet/core/memory.h"
#include "lancet/table/dataset.h"

namespace {

using lancet::bench::RunCommand;

double Median(const std::vector<double>& v) { return lancet::bench::Percentile(v, 0.5); }

}  // namespace

int main(int argc, char** argv) {
  lancet::RetainLargeAllocations();  // as the CLI does (lancet/core/memory.h)
  int64_t rows = 100000;
  int dim = 128;
  int reps = 5;
  std::string version = "2.2";
  std::string workdir = (std::filesystem::temp_directory_path() / "lancet-bench-scan").string();
  for (int i = 1; i + 1 < argc; i += 2) {
    std::string k = argv[i], v = argv[i + 1];
    if (k == "--rows") rows = std::stoll(v);
    else if (k == "--dim") dim = std::stoi(v);
    else if (k == "--reps") reps = std::stoi(v);
    else if (k == "--version") version = v;
    else if (k == "--workdir") workdir = v;
    else {
      std::cerr << "unknown option " << k << "\n";
      return 1;
    }
  }
  const char* src = std::getenv("LANCET_SOURCE_DIR");
  std::string tool = std::string(src ? src : LANCET_SOURCE_DIR_DEFAULT) +
                     "/tests/interop/lancedb_tool.mjs";
  std::filesystem::remove_all(workdir);
  std::filesystem::create_directories(workdir);
  std::string uri = workdir + "/bench.lance";
  int code = 0;
  std::string gen = RunCommand("node " + tool + " gen-bench " + uri + " --rows " + std::to_string(rows) +
                            " --dim " + std::to_string(dim) + " --version " + version,
                        &code);
  if (code != 0) {
    std::cerr << "LanceDB could not write the table (" << code << "): " << gen << "\n";
    return 2;
  }

  struct Mode {
    std::string name;
    std::vector<std::string> columns;
  };
  std::vector<Mode> modes = {{"full_scan", {}}, {"metadata_columns", {"id", "category", "caption"}},
                             {"vector_column", {"vector"}}};
  nlohmann::json results = nlohmann::json::array();
  for (const Mode& m : modes) {
    // lancet: open + scan, timed per repetition (warm page cache after the first).
    std::vector<double> secs;
    uint64_t got_rows = 0;
    for (int r = 0; r < reps + 1; ++r) {
      auto t0 = std::chrono::steady_clock::now();
      auto ds = lancet::table::Dataset::Open(uri);
      if (!ds.ok()) {
        std::cerr << ds.status().ToString() << "\n";
        return 3;
      }
      lancet::table::ScanOptions so;
      so.columns = m.columns;
      got_rows = 0;
      auto st = (*ds)->Scan(so, [&](const lancet::RecordBatch& b) {
        got_rows += static_cast<uint64_t>(b.num_rows);
        return lancet::Status::OK();
      });
      if (!st.ok()) {
        std::cerr << st.ToString() << "\n";
        return 3;
      }
      double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
      if (r > 0) secs.push_back(s);  // first run warms the page cache
    }
    std::string cols;
    for (const auto& c : m.columns) cols += (cols.empty() ? "" : ",") + c;
    std::string out = RunCommand("node " + tool + " bench-scan " + uri + " --reps " +
                              std::to_string(reps) + (cols.empty() ? "" : " --columns " + cols),
                          &code);
    if (code != 0) {
      std::cerr << "LanceDB scan failed: " << out << "\n";
      return 4;
    }
    auto lj = nlohmann::json::parse(out.substr(out.find('{')));
    std::vector<double> lsecs = lj["seconds"].get<std::vector<double>>();
    double lancet_s = Median(secs), lancedb_s = Median(lsecs);
    nlohmann::json row = {{"benchmark", "scan"},
                          {"mode", m.name},
                          {"rows", rows},
                          {"dim", dim},
                          {"data_storage_version", version},
                          {"lancet_rows", got_rows},
                          {"lancedb_rows", lj["rows"]},
                          {"lancet_seconds_p50", lancet_s},
                          {"lancedb_seconds_p50", lancedb_s},
                          {"lancet_rows_per_s", rows / lancet_s},
                          {"lancedb_rows_per_s", rows / lancedb_s},
                          {"speedup_lancet_over_lancedb", lancedb_s / lancet_s}};
    std::cout << row.dump() << "\n";
    results.push_back(row);
  }
  std::printf("\n| mode | lancet rows/s | LanceDB rows/s | lancet / LanceDB |\n|---|---|---|---|\n");
  for (const auto& r : results) {
    std::printf("| %s | %.0f | %.0f | %.2fx |\n", r["mode"].get<std::string>().c_str(),
                r["lancet_rows_per_s"].get<double>(), r["lancedb_rows_per_s"].get<double>(),
                r["speedup_lancet_over_lancedb"].get<double>());
  }
  return 0;
}
