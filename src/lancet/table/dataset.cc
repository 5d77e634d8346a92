// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The lancet authors
#include "lancet/table/dataset.h"

#include <algorithm>
#include <chrono>
#include <map>

#include "lancet/core/uuid.h"
#include "lancet/file/file_reader.h"
#include "lancet/file/file_writer.h"
#include "lancet/file/schema.h"
#include "lancet/file/schema_proto_internal.h"
#include "lancet/table/commit_internal.h"
#include "lancet/table/data_files.h"
#include "lancet/table/deletion_file.h"
#include "lancet/table/filter.h"
#include "lancet/table/manifest_io.h"
#include "lancet/table/manifest_proto_internal.h"
#include "transaction.pb.h"

namespace lancet::table {
namespace {

using internal::BaseName;
using internal::JoinPath;

}  // namespace

Result<std::optional<FieldLocation>> LocateField(const Fragment& fragment, const Field& field,
                                                 encoding::FileVersion table_version) {
  Schema sub;
  sub.fields.push_back(field);
  for (size_t d = 0; d < fragment.files.size(); ++d) {
    const DataFile& df = fragment.files[d];
    // Each data file is read in its own format version (a table may mix versions).
    encoding::FileVersion version = table_version;
    if (df.file_major_version != 0) {
      LANCET_ASSIGN_OR_RETURN(version,
                              file::VersionFromFooter(static_cast<uint16_t>(df.file_major_version),
                                                      static_cast<uint16_t>(df.file_minor_version)));
    }
    const std::vector<int32_t> ids = file::ColumnFieldIds(sub, version);
    FieldLocation loc{d, file::ProjectedField{field, {}}};
    for (int32_t id : ids) {
      auto it = std::find(df.fields.begin(), df.fields.end(), id);
      if (it == df.fields.end()) continue;
      const size_t i = static_cast<size_t>(it - df.fields.begin());
      // Older manifests may omit column_indices: columns follow field order.
      loc.field.columns.push_back(i < df.column_indices.size() ? df.column_indices[i]
                                                               : static_cast<int>(i));
    }
    if (loc.field.columns.empty()) continue;
    if (loc.field.columns.size() != ids.size()) {
      return Status::NotSupported("field '" + field.name + "' is split across data files");
    }
    return std::optional<FieldLocation>(std::move(loc));
  }
  return std::optional<FieldLocation>();
}

Result<std::unique_ptr<file::FileReader>> OpenDataFile(io::FileSystem* fs, const std::string& base,
                                                       const DataFile& df, uint64_t physical_rows) {
  const std::string path = JoinPath(base, "data/" + df.path);
  std::shared_ptr<io::RandomAccessFile> in;
  file::FileReaderOptions fro;
  if (df.file_size_bytes > 0) {
    LANCET_ASSIGN_OR_RETURN(in, fs->OpenInputFile(path, df.file_size_bytes));
    fro.known_file_size = static_cast<int64_t>(df.file_size_bytes);
  } else {
    LANCET_ASSIGN_OR_RETURN(in, fs->OpenInputFile(path));
  }
  LANCET_ASSIGN_OR_RETURN(std::unique_ptr<file::FileReader> reader, file::FileReader::Open(in, fro));
  if (reader->num_rows() != physical_rows) {
    return Status::Corruption(path + " has " + std::to_string(reader->num_rows()) +
                              " rows but the manifest says " + std::to_string(physical_rows));
  }
  return reader;
}

Result<VersionInfo> FindLatestVersion(io::FileSystem* fs, const std::string& base) {
  std::string dir = JoinPath(base, "_versions");
  // One LIST page: V2 names ({u64::MAX - version:020}) sort the latest version first, so the
  // first page suffices unless the table has V1 names (which sort as text, not as numbers) and
  // more versions than the page holds; then the whole directory is listed.
  constexpr int64_t kFirstPage = 1000;
  auto listing = fs->ListFirst(dir, kFirstPage);
  if (listing.ok() && static_cast<int64_t>(listing->size()) >= kFirstPage) {
    for (const io::FileInfo& info : *listing) {
      auto parsed = ParseManifestFileName(BaseName(info.path));
      if (!parsed) continue;
      if (parsed->second == ManifestNaming::kV2) {
        return VersionInfo{parsed->first, 0, info.path};
      }
      break;
    }
    listing = fs->List(dir, /*recursive=*/false);
  }
  if (!listing.ok()) {
    if (listing.status().IsNotFound()) {
      return Status::NotFound("no Lance table at " + base + " (missing _versions/)");
    }
    return listing.status();
  }
  std::optional<VersionInfo> best;
  std::optional<ManifestNaming> naming;
  for (const io::FileInfo& info : *listing) {
    auto parsed = ParseManifestFileName(BaseName(info.path));
    if (!parsed) continue;
    if (naming && *naming != parsed->second) {
      return Status::Corruption(dir + " mixes V1 and V2 manifest names");
    }
    naming = parsed->second;
    if (!best || parsed->first > best->version) {
      best = VersionInfo{parsed->first, 0, info.path};
    }
  }
  if (!best) return Status::NotFound("no committed version in " + dir);
  return *best;
}

Result<std::unique_ptr<Dataset>> Dataset::Open(const std::string& uri, const OpenOptions& options) {
  std::unique_ptr<Dataset> ds(new Dataset());
  ds->uri_ = uri;
  LANCET_ASSIGN_OR_RETURN(auto fs_path, io::FileSystemFromUri(uri));
  ds->fs_ = options.wrap_fs ? options.wrap_fs(fs_path.first) : fs_path.first;
  ds->base_ = fs_path.second;
  std::optional<uint64_t> version = options.version;
  if (options.tag) {
    if (version) return Status::InvalidArgument("open: give a version or a tag, not both");
    LANCET_ASSIGN_OR_RETURN(version, internal::ReadTagVersion(ds->fs_.get(), ds->base_, *options.tag));
  }
  internal::LoadedManifest loaded;
  if (version) {
    LANCET_ASSIGN_OR_RETURN(loaded,
                            internal::LoadManifestVersion(ds->fs_.get(), ds->base_, *version));
  } else {
    LANCET_ASSIGN_OR_RETURN(loaded, internal::LoadLatestManifest(ds->fs_.get(), ds->base_));
  }
  LANCET_RETURN_NOT_OK(internal::CheckReadable(loaded.manifest, loaded.path));
  ds->manifest_ = std::move(loaded.manifest);
  ds->manifest_path_ = std::move(loaded.path);
  return ds;
}

Result<std::unique_ptr<Dataset>> Dataset::Create(const std::string& uri, Schema schema,
                                                 std::vector<RecordBatch> batches,
                                                 const WriteOptions& options) {
  return Create(uri, std::move(schema), internal::VectorSource(&batches), options);
}

Result<std::unique_ptr<Dataset>> Dataset::Create(const std::string& uri, Schema schema,
                                                 const BatchSource& source,
                                                 const WriteOptions& options,
                                                 const OpenOptions& open_options) {
  LANCET_ASSIGN_OR_RETURN(auto fs_path, io::FileSystemFromUri(uri));
  std::shared_ptr<io::FileSystem> fs =
      open_options.wrap_fs ? open_options.wrap_fs(fs_path.first) : fs_path.first;
  const std::string base = fs_path.second;
  {
    auto latest = FindLatestVersion(fs.get(), base);
    if (latest.ok()) return Status::AlreadyExists("a Lance table already exists at " + uri);
    if (!latest.status().IsNotFound()) return latest.status();
  }
  file::AssignFieldIds(&schema, file::MaxFieldId(schema) + 1);
  LANCET_ASSIGN_OR_RETURN(std::vector<Fragment> fragments,
                          internal::WriteDataFiles(fs.get(), base, schema, source, options));
  internal::PendingCommit pending;
  pending.create_only = true;
  pending.naming = options.manifest_naming;
  pending.txn.operation = Operation::kOverwrite;
  pending.txn.read_version = 0;
  pending.txn.schema = schema;
  pending.txn.fragments = std::move(fragments);
  pending.data_storage_version = encoding::FileVersionName(options.data_storage_version);
  LANCET_ASSIGN_OR_RETURN(internal::LoadedManifest committed,
                          internal::CommitTransaction(fs.get(), base, std::move(pending),
                                                      options.commit));
  std::unique_ptr<Dataset> ds(new Dataset());
  ds->uri_ = uri;
  ds->fs_ = fs;
  ds->base_ = base;
  ds->manifest_ = std::move(committed.manifest);
  ds->manifest_path_ = std::move(committed.path);
  return ds;
}

std::unique_ptr<Dataset> Dataset::WithManifest(Manifest manifest, std::string path) const {
  std::unique_ptr<Dataset> ds(new Dataset());
  ds->uri_ = uri_;
  ds->fs_ = fs_;
  ds->base_ = base_;
  ds->manifest_ = std::move(manifest);
  ds->manifest_path_ = std::move(path);
  return ds;
}

Result<Schema> Dataset::Project(const std::vector<std::string>& columns) const {
  if (columns.empty()) return manifest_.schema;
  Schema out;
  for (const std::string& c : columns) {
    int i = manifest_.schema.FieldIndex(c);
    if (i < 0) return Status::InvalidArgument("no column named '" + c + "' in " + uri_);
    out.fields.push_back(manifest_.schema.fields[i]);
  }
  return out;
}

namespace {

// Reads fields of one fragment: maps each field to the data file that stores it.
class FragmentReader {
 public:
  static Result<FragmentReader> Open(io::FileSystem* fs, const std::string& base,
                                     const Fragment& frag, const Schema& schema,
                                     encoding::FileVersion version) {
    FragmentReader r;
    r.num_rows_ = frag.physical_rows;
    for (const Field& f : schema.fields) {
      int which = -1;
      file::ProjectedField pf{f, {}};
      LANCET_ASSIGN_OR_RETURN(std::optional<FieldLocation> loc, LocateField(frag, f, version));
      if (loc) {
        which = static_cast<int>(loc->file_index);
        pf = std::move(loc->field);
        if (!r.readers_.count(which)) {
          LANCET_ASSIGN_OR_RETURN(r.readers_[which],
                                  OpenDataFile(fs, base, frag.files[which], frag.physical_rows));
        }
      }
      r.plan_.emplace_back(which, std::move(pf));
    }
    return r;
  }

  Result<std::vector<ArrayPtr>> ReadRange(uint64_t start, uint64_t end) const {
    return ReadFields(end - start, [&](const file::FileReader& r,
                                       const std::vector<file::ProjectedField>& pfs) {
      return r.Read(pfs, {file::RowRange{start, end}});
    });
  }

  Result<std::vector<ArrayPtr>> Take(const std::vector<uint64_t>& rows) const {
    return ReadFields(rows.size(), [&](const file::FileReader& r,
                                       const std::vector<file::ProjectedField>& pfs)
                                       -> Result<std::vector<ArrayPtr>> {
      LANCET_ASSIGN_OR_RETURN(RecordBatch b, r.Take(pfs, rows));
      return std::move(b.columns);
    });
  }

 private:
  // Every field of one data file in one call (the file reader gathers their reads into one round
  // on object stores); fields no file stores are nulls.
  template <typename ReadFn>
  Result<std::vector<ArrayPtr>> ReadFields(uint64_t num_rows, ReadFn&& read) const {
    std::vector<ArrayPtr> out(plan_.size());
    std::map<int, std::pair<std::vector<file::ProjectedField>, std::vector<size_t>>> by_file;
    for (size_t i = 0; i < plan_.size(); ++i) {
      const auto& [which, pf] = plan_[i];
      if (which < 0) {
        LANCET_ASSIGN_OR_RETURN(out[i],
                                MakeNullArray(pf.field.type, static_cast<int64_t>(num_rows)));
        continue;
      }
      by_file[which].first.push_back(pf);
      by_file[which].second.push_back(i);
    }
    for (const auto& [which, group] : by_file) {
      LANCET_ASSIGN_OR_RETURN(std::vector<ArrayPtr> cols, read(*readers_.at(which), group.first));
      if (cols.size() != group.second.size()) {
        return Status::Internal("file reader returned " + std::to_string(cols.size()) +
                                " columns for " + std::to_string(group.second.size()) + " fields");
      }
      for (size_t j = 0; j < cols.size(); ++j) out[group.second[j]] = std::move(cols[j]);
    }
    return out;
  }

  uint64_t num_rows_ = 0;
  std::map<size_t, std::unique_ptr<file::FileReader>> readers_;
  std::vector<std::pair<int, file::ProjectedField>> plan_;
};

ArrayPtr MakeUInt64Array(std::vector<uint64_t> values) {
  auto a = std::make_shared<ArrayData>();
  a->type = uint64();
  a->length = static_cast<int64_t>(values.size());
  a->values = Buffer::Copy(values.data(), static_cast<int64_t>(values.size() * 8));
  return a;
}

}  // namespace

Result<std::vector<uint32_t>> Dataset::DeletedRows(const Fragment& fragment) const {
  if (!fragment.deletion_file) return std::vector<uint32_t>();
  return ReadDeletionFile(fs_.get(), base_, fragment.id, *fragment.deletion_file);
}

Status Dataset::Scan(const ScanOptions& options,
                     const std::function<Status(const RecordBatch&)>& sink) const {
  LANCET_ASSIGN_OR_RETURN(Schema projected, Project(options.columns));
  LANCET_ASSIGN_OR_RETURN(encoding::FileVersion version, manifest_.FileVersion());
  std::shared_ptr<const Filter> filter;
  Schema read_schema = projected;
  if (!options.filter.empty()) {
    LANCET_ASSIGN_OR_RETURN(filter, Filter::Make(options.filter, manifest_.schema));
    for (const std::string& c : filter->columns()) {
      if (read_schema.FieldIndex(c) >= 0) continue;
      int i = manifest_.schema.FieldIndex(c);
      if (i < 0) return Status::InvalidArgument("filter column '" + c + "' is not in " + uri_);
      read_schema.fields.push_back(manifest_.schema.fields[i]);
    }
  }
  Schema out_schema = projected;
  if (options.with_row_address) {
    out_schema.fields.push_back(Field{kRowAddressColumn, uint64(), false});
  }
  std::vector<const Fragment*> fragments;
  if (options.fragment_ids.empty()) {
    for (const Fragment& f : manifest_.fragments) fragments.push_back(&f);
  } else {
    for (uint64_t id : options.fragment_ids) {
      auto it = std::find_if(manifest_.fragments.begin(), manifest_.fragments.end(),
                             [&](const Fragment& f) { return f.id == id; });
      if (it == manifest_.fragments.end()) {
        return Status::NotFound("fragment " + std::to_string(id) + " is not in version " +
                                std::to_string(manifest_.version));
      }
      fragments.push_back(&*it);
    }
  }
  uint64_t skip = options.offset;
  uint64_t remaining = options.limit ? *options.limit : UINT64_MAX;
  const uint64_t batch_size = static_cast<uint64_t>(std::max<int64_t>(1, options.batch_size));
  const size_t num_projected = projected.fields.size();
  for (const Fragment* frag_ptr : fragments) {
    const Fragment& frag = *frag_ptr;
    if (remaining == 0) break;
    const uint64_t live = frag.physical_rows -
                          (frag.deletion_file ? frag.deletion_file->num_deleted_rows : 0);
    // Without a filter, whole fragments before the offset are skipped unread.
    if (!filter && skip >= live) {
      skip -= live;
      continue;
    }
    LANCET_ASSIGN_OR_RETURN(std::vector<uint32_t> deleted, DeletedRows(frag));
    LANCET_ASSIGN_OR_RETURN(FragmentReader reader,
                            FragmentReader::Open(fs_.get(), base_, frag, read_schema, version));
    size_t del_pos = 0;
    uint64_t start = 0;
    if (!filter && deleted.empty()) {
      start = skip;  // physical == logical
      skip = 0;
    }
    for (uint64_t s = start; s < frag.physical_rows && remaining > 0; s += batch_size) {
      uint64_t e = std::min<uint64_t>(frag.physical_rows, s + batch_size);
      if (!filter && deleted.empty() && e - s > remaining) e = s + remaining;
      LANCET_ASSIGN_OR_RETURN(std::vector<ArrayPtr> cols, reader.ReadRange(s, e));
      const int64_t n = static_cast<int64_t>(e - s);
      // Selected rows of this batch: not deleted and matching the filter.
      std::vector<uint8_t> keep(static_cast<size_t>(n), 1);
      while (del_pos < deleted.size() && deleted[del_pos] < e) {
        if (deleted[del_pos] >= s) keep[deleted[del_pos] - s] = 0;
        ++del_pos;
      }
      if (filter) {
        RecordBatch fb;
        fb.schema = read_schema;
        fb.columns = cols;
        fb.num_rows = n;
        LANCET_ASSIGN_OR_RETURN(std::vector<uint8_t> match, filter->Evaluate(fb));
        for (int64_t i = 0; i < n; ++i) keep[i] &= match[i];
      }
      std::vector<int64_t> take;
      take.reserve(static_cast<size_t>(n));
      for (int64_t i = 0; i < n && remaining > 0; ++i) {
        if (!keep[i]) continue;
        if (skip > 0) {
          --skip;
          continue;
        }
        take.push_back(i);
        --remaining;
      }
      if (take.empty()) continue;
      RecordBatch batch;
      batch.schema = out_schema;
      batch.num_rows = static_cast<int64_t>(take.size());
      const bool all = batch.num_rows == n;
      for (size_t c = 0; c < num_projected; ++c) {
        if (all) {
          batch.columns.push_back(cols[c]);
        } else {
          LANCET_ASSIGN_OR_RETURN(ArrayPtr t, TakeArray(cols[c], take));
          batch.columns.push_back(std::move(t));
        }
      }
      if (options.with_row_address) {
        std::vector<uint64_t> addr(take.size());
        for (size_t i = 0; i < take.size(); ++i) {
          addr[i] = (frag.id << 32) | (s + static_cast<uint64_t>(take[i]));
        }
        batch.columns.push_back(MakeUInt64Array(std::move(addr)));
      }
      LANCET_RETURN_NOT_OK(sink(batch));
    }
  }
  return Status::OK();
}

Result<RecordBatch> Dataset::TakeRowAddresses(const std::vector<uint64_t>& addresses,
                                              const std::vector<std::string>& columns) const {
  LANCET_ASSIGN_OR_RETURN(Schema projected, Project(columns));
  LANCET_ASSIGN_OR_RETURN(encoding::FileVersion version, manifest_.FileVersion());
  // Group by fragment, keeping each address's output position.
  std::map<uint64_t, std::vector<std::pair<uint64_t, size_t>>> by_frag;
  for (size_t i = 0; i < addresses.size(); ++i) {
    by_frag[addresses[i] >> 32].emplace_back(addresses[i] & 0xffffffffu, i);
  }
  std::vector<std::vector<ArrayPtr>> parts(projected.fields.size());
  std::vector<int64_t> order(addresses.size());
  int64_t pos = 0;
  for (auto& entry : by_frag) {
    const uint64_t frag_id = entry.first;
    const auto& rows = entry.second;
    auto it = std::find_if(manifest_.fragments.begin(), manifest_.fragments.end(),
                           [&](const Fragment& f) { return f.id == frag_id; });
    if (it == manifest_.fragments.end()) {
      return Status::NotFound("row address in fragment " + std::to_string(frag_id) +
                              ", which is not in version " + std::to_string(manifest_.version));
    }
    LANCET_ASSIGN_OR_RETURN(std::vector<uint32_t> deleted, DeletedRows(*it));
    std::vector<uint64_t> offsets;
    for (const auto& [off, out_pos] : rows) {
      if (off >= it->physical_rows) {
        return Status::NotFound("row address " + std::to_string((frag_id << 32) | off) +
                                " is past the end of fragment " + std::to_string(frag_id));
      }
      if (std::binary_search(deleted.begin(), deleted.end(), static_cast<uint32_t>(off))) {
        return Status::NotFound("row " + std::to_string((frag_id << 32) | off) +
                                " is deleted in version " + std::to_string(manifest_.version));
      }
      offsets.push_back(off);
      order[out_pos] = pos++;
    }
    LANCET_ASSIGN_OR_RETURN(FragmentReader reader,
                            FragmentReader::Open(fs_.get(), base_, *it, projected, version));
    LANCET_ASSIGN_OR_RETURN(std::vector<ArrayPtr> cols, reader.Take(offsets));
    for (size_t c = 0; c < cols.size(); ++c) parts[c].push_back(std::move(cols[c]));
  }
  RecordBatch out;
  out.schema = projected;
  out.num_rows = static_cast<int64_t>(addresses.size());
  for (size_t c = 0; c < projected.fields.size(); ++c) {
    ArrayPtr all;
    if (parts[c].empty()) {
      LANCET_ASSIGN_OR_RETURN(all, MakeNullArray(projected.fields[c].type, 0));
    } else {
      LANCET_ASSIGN_OR_RETURN(all, Concatenate(parts[c]));
    }
    LANCET_ASSIGN_OR_RETURN(ArrayPtr ordered, TakeArray(all, order));
    out.columns.push_back(std::move(ordered));
  }
  return out;
}

Result<RecordBatch> Dataset::Take(const std::vector<uint64_t>& offsets,
                                  const std::vector<std::string>& columns) const {
  // Map visible offsets to row addresses.
  std::vector<std::pair<uint64_t, size_t>> sorted;
  for (size_t i = 0; i < offsets.size(); ++i) sorted.emplace_back(offsets[i], i);
  std::sort(sorted.begin(), sorted.end());
  std::vector<uint64_t> addresses(offsets.size());
  size_t k = 0;
  uint64_t base_offset = 0;
  for (const Fragment& frag : manifest_.fragments) {
    if (k == sorted.size()) break;
    uint64_t live = frag.physical_rows -
                    (frag.deletion_file ? frag.deletion_file->num_deleted_rows : 0);
    if (sorted[k].first >= base_offset + live) {
      base_offset += live;
      continue;
    }
    LANCET_ASSIGN_OR_RETURN(std::vector<uint32_t> deleted, DeletedRows(frag));
    // Walk live rows: the j-th live row is the physical row p with p - (#deleted <= p) == j.
    size_t d = 0;
    uint64_t physical = 0, logical = base_offset;
    while (k < sorted.size() && sorted[k].first < base_offset + live) {
      uint64_t want = sorted[k].first;
      while (true) {
        while (d < deleted.size() && deleted[d] < physical) ++d;
        if (d < deleted.size() && deleted[d] == physical) {
          ++physical;
          continue;
        }
        if (logical == want) break;
        ++physical;
        ++logical;
      }
      addresses[sorted[k].second] = (frag.id << 32) | physical;
      ++k;
    }
    base_offset += live;
  }
  if (k < sorted.size()) {
    return Status::InvalidArgument("row offset " + std::to_string(sorted[k].first) +
                                   " is past the end (" + std::to_string(CountRows()) + " rows)");
  }
  return TakeRowAddresses(addresses, columns);
}

Result<RecordBatch> Dataset::ScanAll(const ScanOptions& options) const {
  std::vector<RecordBatch> batches;
  LANCET_RETURN_NOT_OK(Scan(options, [&](const RecordBatch& b) {
    batches.push_back(b);
    return Status::OK();
  }));
  RecordBatch out;
  LANCET_ASSIGN_OR_RETURN(out.schema, Project(options.columns));
  if (options.with_row_address) {
    out.schema.fields.push_back(Field{kRowAddressColumn, uint64(), false});
  }
  for (size_t c = 0; c < out.schema.fields.size(); ++c) {
    std::vector<ArrayPtr> parts;
    for (const RecordBatch& b : batches) parts.push_back(b.columns[c]);
    if (parts.empty()) {
      LANCET_ASSIGN_OR_RETURN(ArrayPtr empty, MakeNullArray(out.schema.fields[c].type, 0));
      out.columns.push_back(empty);
    } else {
      LANCET_ASSIGN_OR_RETURN(ArrayPtr all, Concatenate(parts));
      out.columns.push_back(all);
    }
  }
  for (const RecordBatch& b : batches) out.num_rows += b.num_rows;
  return out;
}

}  // namespace lancet::table
