// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The lancet authors
#include "lancet/index/vector_cache.h"

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <list>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <unordered_map>

#include "lancet/file/schema.h"
#include "lancet/table/data_files.h"

namespace lancet::index {

namespace {

using table::DataFile;
using table::Dataset;
using table::Fragment;

/// One byte budget, LRU over type-erased immutable values.
class ByteLru {
 public:
  ByteLru() {
    capacity_ = uint64_t{4} << 30;
    if (const char* env = std::getenv("LANCET_VECTOR_CACHE_BYTES")) {
      char* end = nullptr;
      unsigned long long v = std::strtoull(env, &end, 10);
      if (end && end != env) capacity_ = v;
    }
  }

  std::shared_ptr<const void> Get(const std::string& key, bool count = true) {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = map_.find(key);
    if (it == map_.end()) {
      if (count) ++misses_;
      return nullptr;
    }
    if (count) ++hits_;
    lru_.splice(lru_.begin(), lru_, it->second);
    return it->second->value;
  }

  void Put(const std::string& key, std::shared_ptr<const void> value, uint64_t bytes) {
    std::lock_guard<std::mutex> lock(mu_);
    if (bytes > capacity_) return;
    auto it = map_.find(key);
    if (it != map_.end()) {
      bytes_ -= it->second->bytes;
      lru_.erase(it->second);
      map_.erase(it);
    }
    lru_.push_front(Entry{key, std::move(value), bytes});
    map_[key] = lru_.begin();
    bytes_ += bytes;
    EvictLocked();
  }

  void SetCapacity(uint64_t c) {
    std::lock_guard<std::mutex> lock(mu_);
    capacity_ = c;
    EvictLocked();
  }
  void Clear() {
    std::lock_guard<std::mutex> lock(mu_);
    lru_.clear();
    map_.clear();
    bytes_ = 0;
  }
  VectorCacheStats Stats() {
    std::lock_guard<std::mutex> lock(mu_);
    VectorCacheStats s;
    s.hits = hits_;
    s.misses = misses_;
    s.evictions = evictions_;
    s.entries = map_.size();
    s.bytes = bytes_;
    s.capacity = capacity_;
    return s;
  }

 private:
  struct Entry {
    std::string key;
    std::shared_ptr<const void> value;
    uint64_t bytes;
  };
  void EvictLocked() {
    while (bytes_ > capacity_ && !lru_.empty()) {
      bytes_ -= lru_.back().bytes;
      map_.erase(lru_.back().key);
      lru_.pop_back();
      ++evictions_;
    }
  }
  std::mutex mu_;
  std::list<Entry> lru_;
  std::unordered_map<std::string, std::list<Entry>::iterator> map_;
  uint64_t capacity_ = 0, bytes_ = 0, hits_ = 0, misses_ = 0, evictions_ = 0;
};

ByteLru& Lru() {
  static auto* lru = new ByteLru();
  return *lru;
}

/// The data file of `frag` storing `field` and the file columns that hold it (as the table
/// module maps them), or nullopt.
std::string FileKey(const Dataset& ds, const DataFile& df) {
  return ds.base_path() + "|" + df.path + "|" + std::to_string(df.file_size_bytes);
}

std::string VectorKey(const Dataset& ds, const Fragment& frag, const Field& field) {
  // The data file holding the column identifies the vectors; fall back to all files.
  std::string files;
  for (const DataFile& df : frag.files) {
    if (std::find(df.fields.begin(), df.fields.end(), field.id) != df.fields.end()) {
      files = df.path + "|" + std::to_string(df.file_size_bytes);
      break;
    }
  }
  if (files.empty()) {
    for (const DataFile& df : frag.files) files += df.path + "|" + std::to_string(df.file_size_bytes) + "|";
  }
  return "v|" + ds.base_path() + "|" + files + "|" + field.name + "#" + std::to_string(field.id) +
         "|" + std::to_string(frag.physical_rows);
}

Result<std::shared_ptr<const file::FileReader>> CachedReader(const Dataset& ds,
                                                             const Fragment& frag,
                                                             const DataFile& df) {
  const std::string key = "f|" + FileKey(ds, df);
  if (auto hit = Lru().Get(key)) return std::static_pointer_cast<const file::FileReader>(hit);
  LANCET_ASSIGN_OR_RETURN(std::unique_ptr<file::FileReader> r,
                          table::OpenDataFile(ds.fs().get(), ds.base_path(), df, frag.physical_rows));
  std::shared_ptr<const file::FileReader> shared(std::move(r));
  // Charge roughly the column metadata held by the reader.
  Lru().Put(key, shared, 16 * 1024 + shared->columns().size() * 512);
  return shared;
}

}  // namespace

void SetVectorCacheCapacity(uint64_t bytes) { Lru().SetCapacity(bytes); }
VectorCacheStats GetVectorCacheStats() { return Lru().Stats(); }
void ClearVectorCache() { Lru().Clear(); }

std::shared_ptr<const CachedVectors> PeekFragmentVectors(const Dataset& ds, const Fragment& frag,
                                                         const Field& field) {
  return std::static_pointer_cast<const CachedVectors>(
      Lru().Get(VectorKey(ds, frag, field), /*count=*/false));
}

Result<std::shared_ptr<const CachedVectors>> FragmentVectors(const Dataset& ds,
                                                             const Fragment& frag,
                                                             const Field& field, size_t dim,
                                                             bool reload) {
  const std::string key = VectorKey(ds, frag, field);
  if (auto hit = reload ? nullptr : Lru().Get(key)) return std::static_pointer_cast<const CachedVectors>(hit);
  auto entry = std::make_shared<CachedVectors>();
  entry->dim = dim;
  entry->num_rows = frag.physical_rows;
  entry->values.assign(frag.physical_rows * dim, 0.0f);
  entry->state.assign(frag.physical_rows, 0);
  table::ScanOptions so;
  so.columns = {field.name};
  so.with_row_address = true;
  so.fragment_ids = {frag.id};
  so.batch_size = 65536;
  LANCET_RETURN_NOT_OK(ds.Scan(so, [&](const RecordBatch& b) -> Status {
    const int vi = b.schema.FieldIndex(field.name);
    const int ai = b.schema.FieldIndex(table::kRowAddressColumn);
    if (vi < 0 || ai < 0) return Status::Internal("vector cache: scan lacks columns");
    const ArrayData& col = *b.columns[vi];
    const uint64_t* ad = b.columns[ai]->values_as<uint64_t>();
    const float* src = col.children[0]->values_as<float>();
    for (int64_t i = 0; i < b.num_rows; ++i) {
      const uint64_t off = ad[i] & 0xffffffffu;
      if ((ad[i] >> 32) != frag.id || off >= entry->num_rows) {
        return Status::Internal("vector cache: row address outside the fragment");
      }
      if (col.null_count > 0 && col.IsNull(i)) {
        entry->state[off] = 2;
        continue;
      }
      std::memcpy(entry->values.data() + off * dim, src + static_cast<size_t>(i) * dim,
                  dim * sizeof(float));
      entry->state[off] = 1;
    }
    return Status::OK();
  }));
  for (uint8_t s : entry->state) entry->missing += s == 0;
  std::shared_ptr<const CachedVectors> out = entry;
  Lru().Put(key, out, out->bytes());
  return out;
}

Result<std::shared_ptr<const std::vector<uint32_t>>> FragmentDeletedRows(const Dataset& ds,
                                                                         const Fragment& frag) {
  static const auto* empty = new std::shared_ptr<const std::vector<uint32_t>>(
      std::make_shared<const std::vector<uint32_t>>());
  if (!frag.deletion_file) return *empty;
  const std::string key =
      "d|" + ds.base_path() + "|" + frag.deletion_file->RelativePath(frag.id);
  if (auto hit = Lru().Get(key)) {
    return std::static_pointer_cast<const std::vector<uint32_t>>(hit);
  }
  LANCET_ASSIGN_OR_RETURN(std::vector<uint32_t> del, ds.DeletedRows(frag));
  auto out = std::make_shared<const std::vector<uint32_t>>(std::move(del));
  Lru().Put(key, out, out->size() * 4 + 64);
  return std::shared_ptr<const std::vector<uint32_t>>(out);
}

Result<RecordBatch> TakeRowsCached(const Dataset& ds, const std::vector<uint64_t>& addrs,
                                   const std::vector<std::string>& columns) {
  std::vector<const Field*> fields;
  for (const std::string& c : columns) {
    const int fi = ds.schema().FieldIndex(c);
    if (fi < 0) return Status::InvalidArgument("no column named '" + c + "'");
    fields.push_back(&ds.schema().fields[fi]);
  }
  // Group by fragment, keeping each address's output position.
  std::map<uint64_t, std::vector<std::pair<uint64_t, size_t>>> by_frag;
  for (size_t i = 0; i < addrs.size(); ++i) {
    by_frag[addrs[i] >> 32].emplace_back(addrs[i] & 0xffffffffu, i);
  }
  struct Job {
    const Fragment* frag = nullptr;
    std::vector<uint64_t> offsets;
    std::vector<size_t> positions;
    // Per data file: reader, projected fields, and which output column each is.
    std::vector<std::pair<const DataFile*, std::vector<std::pair<file::ProjectedField, size_t>>>> reads;
    std::vector<size_t> null_columns;
    std::vector<ArrayPtr> out;  // per output column
  };
  LANCET_ASSIGN_OR_RETURN(encoding::FileVersion table_version, ds.manifest().FileVersion());
  std::vector<Job> jobs;
  for (auto& [id, rows] : by_frag) {
    const uint64_t frag_id = id;  // a plain variable: lambdas may not capture bindings (C++20)
    auto it = std::find_if(ds.manifest().fragments.begin(), ds.manifest().fragments.end(),
                           [&](const Fragment& f) { return f.id == frag_id; });
    if (it == ds.manifest().fragments.end()) {
      return Status::NotFound("row address in fragment " + std::to_string(frag_id) +
                              ", which is not in version " + std::to_string(ds.version()));
    }
    Job job;
    job.frag = &*it;
    for (const auto& [off, pos] : rows) {
      if (off >= it->physical_rows) {
        return Status::NotFound("row address " + std::to_string((frag_id << 32) | off) +
                                " is past the end of fragment " + std::to_string(frag_id));
      }
      job.offsets.push_back(off);
      job.positions.push_back(pos);
    }
    for (size_t c = 0; c < fields.size(); ++c) {
      LANCET_ASSIGN_OR_RETURN(std::optional<table::FieldLocation> m,
                              table::LocateField(*it, *fields[c], table_version));
      if (!m) {
        // Not stored in this fragment (a column added later): nulls.
        job.null_columns.push_back(c);
        continue;
      }
      const DataFile* file = &it->files[m->file_index];
      auto rit = std::find_if(job.reads.begin(), job.reads.end(),
                              [&](const auto& r) { return r.first == file; });
      if (rit == job.reads.end()) {
        job.reads.emplace_back(file, std::vector<std::pair<file::ProjectedField, size_t>>{});
        rit = job.reads.end() - 1;
      }
      rit->second.emplace_back(std::move(m->field), c);
    }
    job.out.resize(fields.size());
    jobs.push_back(std::move(job));
  }
  // One task per (fragment, data file), run side by side: the file reader gathers its fields'
  // reads, so the whole take is one round of requests.
  struct Task {
    Job* job;
    const DataFile* df;
    const std::vector<std::pair<file::ProjectedField, size_t>>* fields;
    Status status;
  };
  std::vector<Task> tasks;
  for (Job& job : jobs) {
    for (size_t c : job.null_columns) {
      LANCET_ASSIGN_OR_RETURN(job.out[c], MakeNullArray(fields[c]->type,
                                                        static_cast<int64_t>(job.offsets.size())));
    }
    for (auto& [df, pfs] : job.reads) tasks.push_back(Task{&job, df, &pfs, Status::OK()});
  }
  auto run = [&](Task& task) {
    task.status = [&]() -> Status {
      Job& job = *task.job;
      LANCET_ASSIGN_OR_RETURN(auto reader, CachedReader(ds, *job.frag, *task.df));
      std::vector<file::ProjectedField> pfs;
      for (const auto& [pf, c] : *task.fields) pfs.push_back(pf);
      LANCET_ASSIGN_OR_RETURN(RecordBatch b, reader->Take(pfs, job.offsets));
      for (size_t j = 0; j < task.fields->size(); ++j) {
        job.out[(*task.fields)[j].second] = b.columns[j];
      }
      return Status::OK();
    }();
  };
  if (tasks.size() == 1) {
    run(tasks[0]);
  } else if (!tasks.empty()) {
    std::vector<std::thread> pool;
    for (size_t j = 1; j < tasks.size(); ++j) pool.emplace_back(run, std::ref(tasks[j]));
    run(tasks[0]);
    for (auto& t : pool) t.join();
  }
  for (Task& t : tasks) LANCET_RETURN_NOT_OK(t.status);
  std::vector<int64_t> order(addrs.size());
  int64_t pos = 0;
  for (Job& job : jobs) {
    for (size_t p : job.positions) order[p] = pos++;
  }
  RecordBatch out;
  out.num_rows = static_cast<int64_t>(addrs.size());
  for (size_t c = 0; c < fields.size(); ++c) {
    out.schema.fields.push_back(*fields[c]);
    std::vector<ArrayPtr> parts;
    for (Job& job : jobs) parts.push_back(job.out[c]);
    ArrayPtr all;
    if (parts.empty()) {
      LANCET_ASSIGN_OR_RETURN(all, MakeNullArray(fields[c]->type, 0));
    } else if (parts.size() == 1) {
      all = parts[0];
    } else {
      LANCET_ASSIGN_OR_RETURN(all, Concatenate(parts));
    }
    LANCET_ASSIGN_OR_RETURN(ArrayPtr ordered, TakeArray(all, order));
    out.columns.push_back(std::move(ordered));
  }
  return out;
}

}  // namespace lancet::index
