// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The lancet authors
//
// A writer/reader process for the concurrency and crash tests:
//   table_worker append URI FIRST COUNT      append ids FIRST.. one row per commit
//   table_worker delete URI PRED STOPFILE    delete PRED repeatedly until STOPFILE exists, then
//                                            once more
//   table_worker read URI STOPFILE           open/scan the latest and random old versions until
//                                            STOPFILE exists; fail on any inconsistency
// Exit status 0 on success; the first error goes to stderr.
#include <unistd.h>

#include <filesystem>
#include <iostream>
#include <random>
#include <set>
#include <thread>

#include "lancet/core/array_builder.h"
#include "lancet/table/dataset.h"

using namespace lancet;
using table::Dataset;

namespace {

Schema WorkerSchema() {
  Schema s;
  s.fields.push_back(Field{"id", int64(), false});
  s.fields.push_back(Field{"writer", utf8(), true});
  return s;
}

RecordBatch OneRow(int64_t id, const std::string& writer) {
  ArrayBuilder ids(int64()), w(utf8());
  (void)ids.AppendInt(id);
  (void)w.AppendBytes(writer);
  RecordBatch b;
  b.schema = WorkerSchema();
  b.num_rows = 1;
  b.columns = {*ids.Finish(), *w.Finish()};
  return b;
}

int Fail(const std::string& what, const Status& st) {
  std::cerr << "table_worker: " << what << ": " << st.ToString() << "\n";
  return 1;
}

bool Exists(const std::string& p) { return std::filesystem::exists(p); }

}  // namespace

int main(int argc, char** argv) {
  if (argc < 4) {
    std::cerr << "usage: table_worker append|delete|read URI ...\n";
    return 2;
  }
  std::string mode = argv[1], uri = argv[2];
  table::CommitOptions commit;
  commit.max_retries = 200;
  if (mode == "create") {
    auto ds = Dataset::Create(uri, WorkerSchema(), std::vector<RecordBatch>{});
    return ds.ok() ? 0 : Fail("create", ds.status());
  }
  if (mode == "append" && argc == 5) {
    int64_t first = std::stoll(argv[3]), count = std::stoll(argv[4]);
    std::string name = "lancet-" + std::to_string(getpid());
    auto ds = Dataset::Open(uri);
    if (!ds.ok()) return Fail("open", ds.status());
    std::unique_ptr<Dataset> cur = std::move(*ds);
    table::WriteOptions wo;
    wo.commit = commit;
    for (int64_t i = first; i < first + count; ++i) {
      auto next = cur->Append({OneRow(i, name)}, wo);
      if (!next.ok()) return Fail("append id " + std::to_string(i), next.status());
      cur = std::move(*next);
    }
    return 0;
  }
  if (mode == "delete" && argc == 5) {
    std::string pred = argv[3], stop = argv[4];
    bool last = false;
    while (true) {
      last = Exists(stop);
      auto ds = Dataset::Open(uri);
      if (!ds.ok()) return Fail("open", ds.status());
      auto next = (*ds)->Delete(pred, commit);
      if (!next.ok()) {
        // A delete racing a compaction would be retryable; here only appends race it.
        return Fail("delete", next.status());
      }
      if (last) return 0;
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
  }
  if (mode == "read" && argc == 4) {
    std::string stop = argv[3];
    std::mt19937_64 rng(getpid());
    int64_t scans = 0;
    while (!Exists(stop)) {
      auto ds = Dataset::Open(uri);
      if (!ds.ok()) return Fail("open latest", ds.status());
      uint64_t v = (*ds)->version();
      uint64_t pick = 1 + rng() % v;
      auto old = (*ds)->Checkout(pick);
      if (!old.ok()) return Fail("checkout " + std::to_string(pick), old.status());
      for (const Dataset* d : {ds->get(), old->get()}) {
        auto b = d->ScanAll();
        if (!b.ok()) return Fail("scan version " + std::to_string(d->version()), b.status());
        if (static_cast<uint64_t>(b->num_rows) != d->CountRows()) {
          return Fail("scan", Status::Corruption("version " + std::to_string(d->version()) +
                                                 " scanned " + std::to_string(b->num_rows) +
                                                 " rows but counts " +
                                                 std::to_string(d->CountRows())));
        }
        std::set<int64_t> seen;
        const int64_t* ids = b->columns[0]->values_as<int64_t>();
        for (int64_t i = 0; i < b->num_rows; ++i) {
          if (!seen.insert(ids[i]).second) {
            return Fail("scan", Status::Corruption("id " + std::to_string(ids[i]) +
                                                   " twice in version " +
                                                   std::to_string(d->version())));
          }
        }
      }
      ++scans;
    }
    std::cout << scans << "\n";
    return 0;
  }
  std::cerr << "table_worker: bad arguments\n";
  return 2;
}
