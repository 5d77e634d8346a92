// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The lancet authors
#include "lancet/index/vector_search.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <limits>
#include <set>
#include <cstring>
#include <map>
#include <mutex>
#include <thread>
#include <unordered_map>
#include <unordered_set>

#include "lancet/core/uuid.h"
#include "lancet/index/vector_cache.h"
#include "lancet/linalg/kmeans.h"
#include "lancet/table/filter.h"

namespace lancet::index {

using linalg::MetricType;
using linalg::ScoredId;
using table::Dataset;

namespace {

constexpr char kVectorDetailsUrl[] = "/lance.index.pb.VectorIndexDetails";

std::string JoinPath(const std::string& a, const std::string& b) {
  if (a.empty() || a.back() == '/') return a + b;
  return a + "/" + b;
}

struct VectorColumn {
  const Field* field = nullptr;
  size_t dim = 0;
};

Result<VectorColumn> ResolveVectorColumn(const Dataset& ds, const std::string& name) {
  const Schema& schema = ds.schema();
  auto is_vec = [](const Field& f) {
    return f.type->id() == TypeId::kFixedSizeList && f.type->value_type() &&
           f.type->value_type()->id() == TypeId::kFloat;
  };
  VectorColumn out;
  if (name.empty()) {
    for (const Field& f : schema.fields) {
      if (!is_vec(f)) continue;
      if (out.field) {
        return Status::InvalidArgument(
            "the table has several vector columns; name one (" + out.field->name + ", " +
            f.name + ")");
      }
      out.field = &f;
    }
    if (!out.field) return Status::InvalidArgument("the table has no fixed_size_list<float> column");
  } else {
    int i = schema.FieldIndex(name);
    if (i < 0) return Status::InvalidArgument("no column named '" + name + "'");
    out.field = &schema.fields[i];
    if (!is_vec(*out.field)) {
      return Status::InvalidArgument("column '" + name + "' is " + out.field->type->ToString() +
                                     ", not a fixed_size_list<float> vector column");
    }
  }
  out.dim = static_cast<size_t>(out.field->type->fixed_size());
  return out;
}

/// Allowed rows per fragment (1 = may be returned): live rows, optionally restricted by a
/// prefilter.
struct RowMask {
  std::unordered_map<uint64_t, std::vector<uint8_t>> bits;
  bool Allowed(uint64_t addr) const {
    auto it = bits.find(addr >> 32);
    if (it == bits.end()) return false;
    const uint64_t off = addr & 0xffffffffu;
    return off < it->second.size() && it->second[off] != 0;
  }
};

Result<RowMask> LiveRows(const Dataset& ds) {
  RowMask mask;
  for (const table::Fragment& frag : ds.manifest().fragments) {
    std::vector<uint8_t>& b = mask.bits[frag.id];
    b.assign(frag.physical_rows, 1);
    if (frag.deletion_file) {
      LANCET_ASSIGN_OR_RETURN(auto del, FragmentDeletedRows(ds, frag));
      for (uint32_t d : *del) {
        if (d < b.size()) b[d] = 0;
      }
    }
  }
  return mask;
}

/// Scan `columns` of the given fragments (empty = all) with the row address of every row:
/// fn(batch, addresses). Uses the scan's "_rowaddr" column; while the table layer lacks it,
/// falls back to a full scan with positional addresses (valid because such scans refuse
/// deletion files) — callers must therefore check fragment membership themselves.
Status ScanWithAddresses(
    const Dataset& ds, const std::vector<std::string>& columns,
    const std::vector<uint64_t>& fragment_ids, int64_t batch_size,
    const std::function<Status(const RecordBatch&, const uint64_t*)>& fn) {
  table::ScanOptions so;
  so.columns = columns;
  so.with_row_address = true;
  so.fragment_ids = fragment_ids;
  so.batch_size = batch_size;
  bool missing = false;
  std::vector<uint64_t> tmp;
  Status st = ds.Scan(so, [&](const RecordBatch& b) -> Status {
    int ai = b.schema.FieldIndex(table::kRowAddressColumn);
    if (ai < 0) {
      missing = true;
      return Status::Cancelled("no _rowaddr");
    }
    const ArrayData& a = *b.columns[ai];
    tmp.resize(b.num_rows);
    std::memcpy(tmp.data(), a.values.data(), b.num_rows * 8);
    return fn(b, tmp.data());
  });
  if (!missing) return st;
  // Fallback: positional addresses over a full scan in manifest order.
  so.with_row_address = false;
  so.fragment_ids.clear();
  const auto& frags = ds.manifest().fragments;
  size_t fi = 0;
  uint64_t off = 0;
  return ds.Scan(so, [&](const RecordBatch& b) -> Status {
    tmp.resize(b.num_rows);
    for (int64_t i = 0; i < b.num_rows; ++i) {
      while (fi < frags.size() && off >= frags[fi].physical_rows) {
        ++fi;
        off = 0;
      }
      if (fi >= frags.size()) return Status::Internal("scan returned more rows than the manifest");
      tmp[i] = (frags[fi].id << 32) | off;
      ++off;
    }
    return fn(b, tmp.data());
  });
}

/// Float values of row i of a fixed_size_list<float> column (nullptr for a null row).
inline const float* VectorAt(const ArrayData& col, int64_t i, size_t dim) {
  if (col.null_count > 0 && col.IsNull(i)) return nullptr;
  return col.children[0]->values_as<float>() + static_cast<size_t>(i) * dim;
}

std::mutex& CacheMutex() {
  static std::mutex mu;
  return mu;
}
std::map<std::string, std::shared_ptr<const IvfPqIndex>>& Cache() {
  static auto* cache = new std::map<std::string, std::shared_ptr<const IvfPqIndex>>();
  return *cache;
}

/// Exact top-k over the rows of `fragments` (empty = all) that `mask` allows, over the decoded
/// vectors of the process-wide cache (filled from the files on a miss).
Status FlatSearch(const Dataset& ds, const Field& field, size_t dim, const float* query,
                  MetricType metric, size_t k, const std::vector<uint64_t>& fragments,
                  const RowMask& mask, int threads, std::vector<ScoredId>* out,
                  uint64_t* rows_compared) {
  struct Part {
    uint64_t frag_id;
    std::shared_ptr<const CachedVectors> vecs;
    const std::vector<uint8_t>* allowed;
  };
  std::vector<Part> parts;
  std::unordered_set<uint64_t> wanted(fragments.begin(), fragments.end());
  uint64_t total = 0;
  for (const table::Fragment& frag : ds.manifest().fragments) {
    if (!wanted.empty() && !wanted.count(frag.id)) continue;
    auto mit = mask.bits.find(frag.id);
    if (mit == mask.bits.end() || frag.physical_rows == 0) continue;
    LANCET_ASSIGN_OR_RETURN(auto vecs, FragmentVectors(ds, frag, field, dim));
    if (vecs->missing > 0) {
      // Filled from a version where some rows were deleted; if this version allows one of
      // them (an older version checked out), read this version's rows instead.
      bool stale = false;
      const auto& allowed = mit->second;
      for (size_t i = 0; i < vecs->num_rows && i < allowed.size(); ++i) {
        if (allowed[i] && vecs->state[i] == 0) {
          stale = true;
          break;
        }
      }
      if (stale) {
        LANCET_ASSIGN_OR_RETURN(vecs, FragmentVectors(ds, frag, field, dim, /*reload=*/true));
      }
    }
    total += vecs->num_rows;
    parts.push_back({frag.id, std::move(vecs), &mit->second});
  }
  threads = std::max(1, threads);
  if (total < 16384) threads = 1;
  std::vector<linalg::TopK> tops(threads, linalg::TopK(k));
  // Units of rows claimed dynamically: a thread the OS preempts (a busy machine) holds up one
  // unit, not a fixed half of the scan, which keeps the tail latency near the median. About 8
  // units per thread (1024 to 16384 rows each), so the last unit claimed is a small share of the
  // scan (fixed 16384-row units cut 100k rows into 7; A/B runs of that case showed no difference
  // beyond noise, 6.2-6.7 ms either way, but the split now matches the benchmark's floor scan).
  const size_t unit_rows =
      std::clamp<size_t>(total / (static_cast<size_t>(threads) * 8), 1024, 16384);
  std::vector<std::pair<size_t, size_t>> units;  // (part, first row)
  for (size_t pi = 0; pi < parts.size(); ++pi) {
    for (size_t s = 0; s < parts[pi].vecs->num_rows; s += unit_rows) units.emplace_back(pi, s);
  }
  std::atomic<size_t> next_unit{0};
  auto work = [&](int t) {
    constexpr size_t kChunk = 2048;
    std::vector<float> dist(kChunk);
    linalg::TopK& top = tops[t];
    for (size_t u = next_unit.fetch_add(1); u < units.size(); u = next_unit.fetch_add(1)) {
      const Part& p = parts[units[u].first];
      const size_t s0 = units[u].second, e0 = std::min(p.vecs->num_rows, s0 + unit_rows);
      const float* data = p.vecs->values.data();
      const uint8_t* state = p.vecs->state.data();
      const uint8_t* allowed = p.allowed->data();
      const size_t allowed_n = p.allowed->size();
      for (size_t s = s0; s < e0; s += kChunk) {
        const size_t e = std::min(e0, s + kChunk);
        linalg::DistanceBatch(metric, query, data + s * dim, e - s, dim, dist.data());
        float thr = top.Threshold();
        for (size_t i = s; i < e; ++i) {
          const float d = dist[i - s];
          if (!(d <= thr)) continue;
          if (state[i] != 1 || i >= allowed_n || !allowed[i]) continue;
          top.Push(d, (p.frag_id << 32) | i);
          thr = top.Threshold();
        }
      }
    }
  };
  if (threads == 1) {
    work(0);
  } else {
    std::vector<std::thread> pool;
    for (int t = 1; t < threads; ++t) pool.emplace_back(work, t);
    work(0);
    for (auto& th : pool) th.join();
  }
  for (int t = 1; t < threads; ++t) tops[0].Merge(tops[t]);
  *out = tops[0].Finish();
  if (rows_compared) *rows_compared += total;
  return Status::OK();
}

Result<RowMask> ApplyFilter(const Dataset& ds, const std::string& text, RowMask mask) {
  LANCET_ASSIGN_OR_RETURN(auto filter, table::Filter::Make(text, ds.schema()));
  RowMask out;
  for (auto& [frag, bits] : mask.bits) out.bits[frag].assign(bits.size(), 0);
  std::vector<std::string> cols = filter->columns();
  if (cols.empty()) cols.push_back(ds.schema().fields[0].name);
  LANCET_RETURN_NOT_OK(ScanWithAddresses(
      ds, cols, {}, 16384, [&](const RecordBatch& b, const uint64_t* ad) -> Status {
        LANCET_ASSIGN_OR_RETURN(std::vector<uint8_t> sel, filter->Evaluate(b));
        for (int64_t i = 0; i < b.num_rows; ++i) {
          if (!sel[i] || !mask.Allowed(ad[i])) continue;
          out.bits[ad[i] >> 32][ad[i] & 0xffffffffu] = 1;
        }
        return Status::OK();
      }));
  return out;
}


/// The vector column for `addrs` assembled from the process-wide vector cache (no I/O), or null
/// when a row's fragment is not cached or the row was not loaded: the caller then reads it.
Result<ArrayPtr> VectorsFromCache(const Dataset& ds, const Field& field, size_t dim,
                                  const std::vector<uint64_t>& addrs) {
  std::unordered_map<uint64_t, std::shared_ptr<const CachedVectors>> frags;
  for (uint64_t a : addrs) frags.emplace(a >> 32, nullptr);
  for (const table::Fragment& f : ds.manifest().fragments) {
    auto it = frags.find(f.id);
    if (it != frags.end()) it->second = PeekFragmentVectors(ds, f, field);
  }
  const size_t n = addrs.size();
  std::vector<float> values(n * dim, 0.0f);
  std::vector<uint8_t> validity((n + 7) / 8, 0);
  int64_t nulls = 0;
  for (size_t i = 0; i < n; ++i) {
    const std::shared_ptr<const CachedVectors>& v = frags[addrs[i] >> 32];
    const uint64_t off = addrs[i] & 0xffffffffu;
    if (!v || v->dim != dim || off >= v->num_rows || v->state[off] == 0) return ArrayPtr{};
    if (v->state[off] == 2) {
      ++nulls;
      continue;
    }
    std::memcpy(values.data() + i * dim, v->values.data() + off * dim, dim * sizeof(float));
    validity[i >> 3] |= static_cast<uint8_t>(1u << (i & 7));
  }
  auto child = std::make_shared<ArrayData>();
  child->type = field.type->value_type();
  child->length = static_cast<int64_t>(n * dim);
  child->values = Buffer::Copy(values.data(), static_cast<int64_t>(values.size() * sizeof(float)));
  auto col = std::make_shared<ArrayData>();
  col->type = field.type;
  col->length = static_cast<int64_t>(n);
  col->null_count = nulls;
  if (nulls > 0) col->validity = Buffer::FromVector(std::move(validity));
  col->children.push_back(std::move(child));
  return ArrayPtr(std::move(col));
}

/// The result rows' `columns`: the vector column from the cache when every row is there (a warm
/// search then reads only the other columns), the rest with one parallel take.
Result<RecordBatch> TakeOutputRows(const Dataset& ds, const std::vector<uint64_t>& addrs,
                                   const std::vector<std::string>& columns,
                                   const Field& vector_field, size_t dim) {
  if (std::find(columns.begin(), columns.end(), vector_field.name) == columns.end()) {
    return TakeRowsCached(ds, addrs, columns);
  }
  LANCET_ASSIGN_OR_RETURN(ArrayPtr vectors, VectorsFromCache(ds, vector_field, dim, addrs));
  if (!vectors) return TakeRowsCached(ds, addrs, columns);
  std::vector<std::string> rest;
  for (const std::string& c : columns) {
    if (c != vector_field.name) rest.push_back(c);
  }
  RecordBatch others;
  if (!rest.empty()) {
    LANCET_ASSIGN_OR_RETURN(others, TakeRowsCached(ds, addrs, rest));
  }
  RecordBatch out;
  out.num_rows = static_cast<int64_t>(addrs.size());
  size_t j = 0;
  for (const std::string& c : columns) {
    if (c == vector_field.name) {
      out.schema.fields.push_back(vector_field);
      out.columns.push_back(vectors);
    } else {
      out.schema.fields.push_back(others.schema.fields[j]);
      out.columns.push_back(others.columns[j]);
      ++j;
    }
  }
  return out;
}

}  // namespace

Result<std::vector<table::IndexMetadata>> VectorIndicesOf(const Dataset& dataset,
                                                          const std::string& column) {
  std::vector<table::IndexMetadata> all;
  auto loaded = dataset.LoadIndices();
  if (loaded.ok()) {
    all = std::move(*loaded);
  } else if (loaded.status().IsNotSupported()) {
    all = dataset.manifest().indices;
  } else {
    return loaded.status();
  }
  int32_t field_id = -1;
  if (!column.empty()) {
    int fi = dataset.schema().FieldIndex(column);
    if (fi < 0) return Status::InvalidArgument("no column named '" + column + "'");
    field_id = dataset.schema().fields[fi].id;
  }
  std::vector<table::IndexMetadata> out;
  for (auto& md : all) {
    if (md.details_type_url != kVectorDetailsUrl) continue;
    if (md.fields.size() != 1) continue;
    if (field_id >= 0 && md.fields[0] != field_id) continue;
    out.push_back(std::move(md));
  }
  return out;
}

Result<std::shared_ptr<const IvfPqIndex>> LoadIvfPqIndex(const Dataset& dataset,
                                                         const std::string& uuid) {
  const std::string dir = JoinPath(dataset.base_path(), "_indices/" + uuid);
  {
    std::lock_guard<std::mutex> lock(CacheMutex());
    auto it = Cache().find(dir);
    if (it != Cache().end()) return it->second;
  }
  LANCET_ASSIGN_OR_RETURN(IvfPqModel model, ReadIvfPqFiles(dataset.fs().get(), dir));
  LANCET_ASSIGN_OR_RETURN(auto idx, IvfPqIndex::Make(std::move(model)));
  std::lock_guard<std::mutex> lock(CacheMutex());
  if (Cache().size() >= 16) Cache().erase(Cache().begin());
  Cache()[dir] = idx;
  return idx;
}

Result<RecordBatch> VectorSearch(const Dataset& ds, const VectorSearchOptions& options,
                                 SearchStats* stats) {
  SearchStats local;
  if (!stats) stats = &local;
  LANCET_ASSIGN_OR_RETURN(VectorColumn vc, ResolveVectorColumn(ds, options.column));
  const std::string column = vc.field->name;
  const size_t dim = vc.dim;
  if (options.query.size() != dim) {
    return Status::InvalidArgument("query has " + std::to_string(options.query.size()) +
                                   " values, column '" + column + "' has dimension " +
                                   std::to_string(dim));
  }
  const int threads = linalg::ResolveNumThreads(options.num_threads);
  const size_t k = options.k;

  // Indices on the column whose metric matches.
  std::vector<std::pair<table::IndexMetadata, std::shared_ptr<const IvfPqIndex>>> segments;
  MetricType metric = options.metric.value_or(MetricType::kL2);
  if (options.use_index) {
    LANCET_ASSIGN_OR_RETURN(auto indices, VectorIndicesOf(ds, column));
    for (auto& md : indices) {
      LANCET_ASSIGN_OR_RETURN(auto idx, LoadIvfPqIndex(ds, md.uuid));
      if (idx->model().dim != dim) {
        return Status::Corruption("index " + md.uuid + " has dimension " +
                                  std::to_string(idx->model().dim) + ", column " +
                                  std::to_string(dim));
      }
      segments.emplace_back(std::move(md), std::move(idx));
    }
    if (!segments.empty()) {
      const MetricType index_metric = segments[0].second->model().metric;
      if (!options.metric) metric = index_metric;
      if (metric != index_metric) segments.clear();  // searched exactly instead
    }
  }

  // Allowed rows: live rows, and the prefilter.
  LANCET_ASSIGN_OR_RETURN(RowMask mask, LiveRows(ds));
  const bool has_filter = !options.filter.empty();
  std::vector<std::string> out_cols = options.columns;
  if (out_cols.empty()) {
    for (const Field& f : ds.schema().fields) out_cols.push_back(f.name);
  }
  // Refine candidates taken together with the output columns (one round of reads on object
  // storage instead of two): rows of `prefetched` by address; columns 1.. are out_cols.
  RecordBatch prefetched;
  std::unordered_map<uint64_t, int64_t> prefetched_row;
  if (has_filter && options.prefilter) {
    LANCET_ASSIGN_OR_RETURN(mask, ApplyFilter(ds, options.filter, std::move(mask)));
  }

  std::vector<ScoredId> candidates;
  std::unordered_set<uint64_t> covered;
  if (k > 0) {
    // Index part.
    const size_t kk = options.refine_factor > 0 ? k * options.refine_factor : k;
    std::vector<ScoredId> from_index;
    for (auto& [md, idx] : segments) {
      for (uint32_t f : md.fragment_ids) covered.insert(f);
      auto allow = [&mask](uint64_t a) { return mask.Allowed(a); };
      std::vector<ScoredId> r = idx->Search(options.query.data(), kk, options.nprobes, allow);
      from_index.insert(from_index.end(), r.begin(), r.end());
      stats->index_uuids.push_back(md.uuid);
    }
    stats->index_candidates = from_index.size();
    if (options.refine_factor > 0 && !from_index.empty()) {
      std::vector<uint64_t> addrs;
      for (const ScoredId& s : from_index) addrs.push_back(s.id);
      // Exact distances: from the cached vectors of the fragment when warm, else one take.
      std::vector<size_t> need;
      std::unordered_map<uint64_t, std::shared_ptr<const CachedVectors>> warm;
      for (const table::Fragment& f : ds.manifest().fragments) {
        if (auto v = PeekFragmentVectors(ds, f, *vc.field)) warm.emplace(f.id, std::move(v));
      }
      for (size_t i = 0; i < from_index.size(); ++i) {
        const uint64_t a = from_index[i].id;
        auto it = warm.find(a >> 32);
        const uint64_t off = a & 0xffffffffu;
        if (it != warm.end() && off < it->second->num_rows && it->second->state[off] != 0) {
          from_index[i].distance =
              it->second->state[off] == 1
                  ? linalg::Distance(metric, options.query.data(),
                                     it->second->values.data() + off * dim, dim)
                  : std::numeric_limits<float>::infinity();
        } else {
          need.push_back(i);
        }
      }
      if (!need.empty()) {
        std::vector<uint64_t> addrs;
        for (size_t i : need) addrs.push_back(from_index[i].id);
        std::vector<std::string> take_cols = {column};
        const bool prefetch = !(has_filter && !options.prefilter);
        if (prefetch) take_cols.insert(take_cols.end(), out_cols.begin(), out_cols.end());
        LANCET_ASSIGN_OR_RETURN(RecordBatch vb, TakeRowsCached(ds, addrs, take_cols));
        if (prefetch) {
          for (size_t j = 0; j < addrs.size(); ++j) {
            prefetched_row.emplace(addrs[j], static_cast<int64_t>(j));
          }
          prefetched = vb;
        }
        const ArrayData& col = *vb.columns[0];
        for (size_t j = 0; j < need.size(); ++j) {
          const float* v = VectorAt(col, static_cast<int64_t>(j), dim);
          from_index[need[j]].distance = v ? linalg::Distance(metric, options.query.data(), v, dim)
                                           : std::numeric_limits<float>::infinity();
        }
      }
    }
    candidates = std::move(from_index);

    // Flat part: every fragment no index covers.
    std::vector<uint64_t> flat_frags;
    for (const table::Fragment& f : ds.manifest().fragments) {
      if (!covered.count(static_cast<uint32_t>(f.id))) flat_frags.push_back(f.id);
    }
    if (!flat_frags.empty()) {
      std::vector<ScoredId> flat;
      // With segments present, restrict to the uncovered fragments; without, scan everything.
      const std::vector<uint64_t> scope = segments.empty() ? std::vector<uint64_t>{} : flat_frags;
      LANCET_RETURN_NOT_OK(FlatSearch(ds, *vc.field, dim, options.query.data(), metric, k, scope,
                                      mask, threads, &flat, &stats->flat_rows));
      candidates.insert(candidates.end(), flat.begin(), flat.end());
    }
  }
  std::sort(candidates.begin(), candidates.end(), linalg::ScoredIdLess);
  {
    std::unordered_set<uint64_t> seen;
    std::vector<ScoredId> uniq;
    for (const ScoredId& s : candidates) {
      if (std::isinf(s.distance)) continue;
      if (seen.insert(s.id).second) uniq.push_back(s);
    }
    candidates = std::move(uniq);
  }
  if (candidates.size() > k) candidates.resize(k);

  // Postfilter.
  if (has_filter && !options.prefilter && !candidates.empty()) {
    LANCET_ASSIGN_OR_RETURN(auto filter, table::Filter::Make(options.filter, ds.schema()));
    std::vector<uint64_t> addrs;
    for (const ScoredId& s : candidates) addrs.push_back(s.id);
    std::vector<std::string> cols = filter->columns();
    if (cols.empty()) cols.push_back(ds.schema().fields[0].name);
    LANCET_ASSIGN_OR_RETURN(RecordBatch fb, TakeRowsCached(ds, addrs, cols));
    LANCET_ASSIGN_OR_RETURN(std::vector<uint8_t> sel, filter->Evaluate(fb));
    std::vector<ScoredId> kept;
    for (size_t i = 0; i < candidates.size(); ++i) {
      if (sel[i]) kept.push_back(candidates[i]);
    }
    candidates = std::move(kept);
  }

  // Output rows.
  std::vector<uint64_t> addrs;
  for (const ScoredId& s : candidates) addrs.push_back(s.id);
  RecordBatch out;
  bool all_prefetched = !addrs.empty() && !prefetched_row.empty();
  for (uint64_t a : addrs) {
    if (!all_prefetched) break;
    all_prefetched = prefetched_row.count(a) > 0;
  }
  if (all_prefetched && !out_cols.empty()) {
    std::vector<int64_t> rows;
    for (uint64_t a : addrs) rows.push_back(prefetched_row[a]);
    for (size_t c = 0; c < out_cols.size(); ++c) {
      out.schema.fields.push_back(prefetched.schema.fields[c + 1]);
      LANCET_ASSIGN_OR_RETURN(ArrayPtr t, TakeArray(prefetched.columns[c + 1], rows));
      out.columns.push_back(std::move(t));
    }
  } else if (!addrs.empty() && !out_cols.empty()) {
    LANCET_ASSIGN_OR_RETURN(out, TakeOutputRows(ds, addrs, out_cols, *vc.field, dim));
  } else {
    for (const std::string& c : out_cols) {
      int fi = ds.schema().FieldIndex(c);
      if (fi < 0) return Status::InvalidArgument("no column named '" + c + "'");
      out.schema.fields.push_back(ds.schema().fields[fi]);
      LANCET_ASSIGN_OR_RETURN(ArrayPtr e, MakeNullArray(ds.schema().fields[fi].type, 0));
      out.columns.push_back(e);
    }
  }
  out.num_rows = static_cast<int64_t>(addrs.size());
  auto dist = std::make_shared<ArrayData>();
  dist->type = float32();
  dist->length = out.num_rows;
  std::vector<float> dv;
  for (const ScoredId& s : candidates) dv.push_back(s.distance);
  dist->values = Buffer::Copy(dv.data(), dv.size() * sizeof(float));
  out.schema.fields.emplace_back(kDistanceColumn, float32(), true);
  out.columns.push_back(dist);
  if (options.with_row_id) {
    auto ids = std::make_shared<ArrayData>();
    ids->type = uint64();
    ids->length = out.num_rows;
    ids->values = Buffer::Copy(addrs.data(), addrs.size() * 8);
    out.schema.fields.emplace_back(kRowIdColumn, uint64(), true);
    out.columns.push_back(ids);
  }
  return out;
}

namespace {

/// The live, non-null vectors of a column, scanned batch after batch in fragment order (rows
/// of a batch that are deleted or null are compacted out into a reused buffer).
class DatasetVectorSource final : public VectorBatchSource {
 public:
  DatasetVectorSource(const Dataset& ds, std::string column, size_t dim, RowMask live)
      : ds_(ds), column_(std::move(column)), dim_(dim), live_(std::move(live)) {}
  size_t dim() const override { return dim_; }
  size_t max_rows() const override { return static_cast<size_t>(ds_.CountRows()); }
  Status ForEach(const std::function<Status(const float*, const uint64_t*, size_t)>& fn)
      const override {
    std::vector<float> vecs;
    std::vector<uint64_t> addrs;
    return ScanWithAddresses(
        ds_, {column_}, {}, 16384, [&](const RecordBatch& b, const uint64_t* ad) -> Status {
          const ArrayData& col = *b.columns[b.schema.FieldIndex(column_)];
          const size_t rows = static_cast<size_t>(b.num_rows);
          size_t keep = 0;
          for (size_t i = 0; i < rows; ++i) {
            keep += VectorAt(col, static_cast<int64_t>(i), dim_) != nullptr && live_.Allowed(ad[i]);
          }
          if (keep == rows) return fn(VectorAt(col, 0, dim_), ad, rows);
          vecs.resize(keep * dim_);
          addrs.resize(keep);
          size_t k = 0;
          for (size_t i = 0; i < rows; ++i) {
            const float* v = VectorAt(col, static_cast<int64_t>(i), dim_);
            if (v == nullptr || !live_.Allowed(ad[i])) continue;
            std::memcpy(vecs.data() + k * dim_, v, dim_ * sizeof(float));
            addrs[k++] = ad[i];
          }
          return keep == 0 ? Status::OK() : fn(vecs.data(), addrs.data(), keep);
        });
  }

 private:
  const Dataset& ds_;
  std::string column_;
  size_t dim_;
  RowMask live_;
};

}  // namespace

Result<std::unique_ptr<Dataset>> CreateIvfPqIndex(const Dataset& ds,
                                                  const CreateIndexOptions& options) {
  LANCET_ASSIGN_OR_RETURN(VectorColumn vc, ResolveVectorColumn(ds, options.column));
  const std::string column = vc.field->name;
  const size_t dim = vc.dim;
  LANCET_ASSIGN_OR_RETURN(RowMask live, LiveRows(ds));
  IvfPqBuildStats local_stats;
  IvfPqBuildStats* stats = options.stats != nullptr ? options.stats : &local_stats;
  LANCET_ASSIGN_OR_RETURN(
      IvfPqModel model,
      BuildIvfPq(DatasetVectorSource(ds, column, dim, std::move(live)), options.ivf_pq, stats));
  const auto t_write = std::chrono::steady_clock::now();
  LANCET_ASSIGN_OR_RETURN(encoding::FileVersion version, ds.manifest().FileVersion());
  table::IndexMetadata md;
  md.uuid = UuidToString(NewUuid());
  LANCET_ASSIGN_OR_RETURN(md.files, WriteIvfPqFiles(ds.fs().get(),
                                                    JoinPath(ds.base_path(), "_indices/" + md.uuid),
                                                    model, version));
  md.fields = {vc.field->id};
  md.name = options.name.empty() ? column + "_idx" : options.name;
  md.dataset_version = ds.version();
  for (const table::Fragment& f : ds.manifest().fragments) {
    md.fragment_ids.push_back(static_cast<uint32_t>(f.id));
  }
  auto [url, value] = IvfPqIndexDetails(model, options.ivf_pq.max_iters, options.ivf_pq.sample_rate);
  md.details_type_url = url;
  md.details_value = value;
  md.index_version = 1;
  md.created_at = static_cast<uint64_t>(std::chrono::duration_cast<std::chrono::milliseconds>(
                                            std::chrono::system_clock::now().time_since_epoch())
                                            .count());
  std::vector<std::string> removed;
  if (options.replace) {
    LANCET_ASSIGN_OR_RETURN(auto existing, VectorIndicesOf(ds, ""));
    for (const auto& e : existing) {
      if (e.name == md.name) removed.push_back(e.uuid);
    }
  }
  auto committed = ds.CommitIndex({md}, removed);
  stats->write_seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - t_write).count();
  return committed;
}

Result<std::unique_ptr<Dataset>> RebuildVectorIndices(const Dataset& ds) {
  LANCET_ASSIGN_OR_RETURN(auto indices, VectorIndicesOf(ds, ""));
  std::unique_ptr<Dataset> cur;
  std::set<std::string> done;
  for (const auto& md : indices) {
    if (!done.insert(md.name).second) continue;
    LANCET_ASSIGN_OR_RETURN(auto idx, LoadIvfPqIndex(ds, md.uuid));
    const Dataset& base = cur ? *cur : ds;
    CreateIndexOptions o;
    o.name = md.name;
    for (const Field& f : base.schema().fields) {
      if (f.id == md.fields[0]) o.column = f.name;
    }
    o.ivf_pq.num_partitions = idx->model().num_partitions();
    o.ivf_pq.num_sub_vectors = idx->model().num_sub_vectors;
    o.ivf_pq.metric = idx->model().metric;
    LANCET_ASSIGN_OR_RETURN(cur, CreateIvfPqIndex(base, o));
  }
  if (!cur) return Dataset::Open(ds.uri());
  return cur;
}

}  // namespace lancet::index
