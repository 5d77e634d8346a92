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
#include "lancet/table/manifest_io.h"
#include "lancet/table/manifest_proto_internal.h"
#include "transaction.pb.h"

namespace lancet::table {
namespace {

constexpr char kLancetVersion[] = "0.1.0";

std::string JoinPath(const std::string& a, const std::string& b) {
  if (a.empty()) return b;
  if (a.back() == '/') return a + b;
  return a + "/" + b;
}

std::string BaseName(const std::string& p) {
  auto pos = p.find_last_of('/');
  return pos == std::string::npos ? p : p.substr(pos + 1);
}

int64_t NowNanos() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// Columns of a projected top-level field within one data file, or an empty vector if the file
// does not store it.
Result<std::optional<file::ProjectedField>> MapField(const Field& field, const DataFile& df,
                                                     encoding::FileVersion version) {
  Schema sub;
  sub.fields.push_back(field);
  std::vector<int32_t> ids = file::ColumnFieldIds(sub, version);
  file::ProjectedField pf{field, {}};
  int found = 0;
  for (int32_t id : ids) {
    auto it = std::find(df.fields.begin(), df.fields.end(), id);
    if (it == df.fields.end()) continue;
    size_t i = static_cast<size_t>(it - df.fields.begin());
    if (i >= df.column_indices.size()) {
      // Older manifests may omit column_indices: columns follow field order.
      pf.columns.push_back(static_cast<int>(i));
    } else {
      pf.columns.push_back(df.column_indices[i]);
    }
    ++found;
  }
  if (found == 0) return std::optional<file::ProjectedField>();
  if (found != static_cast<int>(ids.size())) {
    return Status::NotSupported("field '" + field.name + "' is split across data files");
  }
  return std::optional<file::ProjectedField>(std::move(pf));
}

}  // namespace

Result<VersionInfo> FindLatestVersion(io::FileSystem* fs, const std::string& base) {
  std::string dir = JoinPath(base, "_versions");
  auto listing = fs->List(dir, /*recursive=*/false);
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

Result<std::vector<VersionInfo>> Dataset::ListVersions() const {
  std::string dir = JoinPath(base_, "_versions");
  LANCET_ASSIGN_OR_RETURN(auto listing, fs_->List(dir, false));
  std::vector<VersionInfo> out;
  for (const io::FileInfo& info : listing) {
    auto parsed = ParseManifestFileName(BaseName(info.path));
    if (!parsed) continue;
    LANCET_ASSIGN_OR_RETURN(Buffer bytes, fs_->ReadFile(info.path));
    LANCET_ASSIGN_OR_RETURN(Manifest m, ParseManifest(bytes, info.path));
    out.push_back(VersionInfo{parsed->first, m.timestamp_nanos, info.path});
  }
  std::sort(out.begin(), out.end(),
            [](const VersionInfo& a, const VersionInfo& b) { return a.version < b.version; });
  return out;
}

Result<std::unique_ptr<Dataset>> Dataset::Open(const std::string& uri, const OpenOptions& options) {
  std::unique_ptr<Dataset> ds(new Dataset());
  ds->uri_ = uri;
  LANCET_ASSIGN_OR_RETURN(auto fs_path, io::FileSystemFromUri(uri));
  ds->fs_ = options.wrap_fs ? options.wrap_fs(fs_path.first) : fs_path.first;
  ds->base_ = fs_path.second;
  std::string manifest_path;
  if (options.version) {
    std::string dir = JoinPath(ds->base_, "_versions");
    // Try both naming schemes.
    for (ManifestNaming n : {ManifestNaming::kV2, ManifestNaming::kV1}) {
      std::string p = JoinPath(dir, ManifestFileName(*options.version, n));
      LANCET_ASSIGN_OR_RETURN(bool exists, ds->fs_->Exists(p));
      if (exists) {
        manifest_path = p;
        break;
      }
    }
    if (manifest_path.empty()) {
      return Status::NotFound("version " + std::to_string(*options.version) + " of " + uri +
                              " does not exist");
    }
  } else {
    LANCET_ASSIGN_OR_RETURN(VersionInfo latest, FindLatestVersion(ds->fs_.get(), ds->base_));
    manifest_path = latest.manifest_path;
  }
  LANCET_ASSIGN_OR_RETURN(Buffer bytes, ds->fs_->ReadFile(manifest_path));
  LANCET_ASSIGN_OR_RETURN(ds->manifest_, ParseManifest(bytes, manifest_path));
  ds->manifest_path_ = manifest_path;
  uint64_t unknown = ds->manifest_.reader_feature_flags & ~kReaderFlagsSupported;
  if (unknown) {
    return Status::NotSupported(manifest_path + ": reader feature flags " +
                                std::to_string(unknown) + " are not supported by lancet");
  }
  LANCET_RETURN_NOT_OK(ds->manifest_.FileVersion().status().WithContext(manifest_path));
  return ds;
}

Result<std::unique_ptr<Dataset>> Dataset::Create(const std::string& uri, Schema schema,
                                                 std::vector<RecordBatch> batches,
                                                 const WriteOptions& options) {
  size_t next = 0;
  BatchSource source = [&]() -> Result<std::optional<RecordBatch>> {
    if (next >= batches.size()) return std::optional<RecordBatch>();
    return std::optional<RecordBatch>(std::move(batches[next++]));
  };
  return Create(uri, std::move(schema), source, options);
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

  file::FileWriterOptions fopts;
  fopts.version = options.data_storage_version;
  fopts.encoder.enable_compression = options.enable_compression;
  fopts.encoder.max_page_bytes = options.max_page_bytes;

  Manifest manifest;
  manifest.schema = schema;
  std::unique_ptr<file::FileWriter> writer;
  std::string writer_name;
  uint64_t rows_in_file = 0;
  auto finish_file = [&]() -> Status {
    if (!writer) return Status::OK();
    LANCET_ASSIGN_OR_RETURN(file::FileWriteSummary s, writer->Finish());
    writer.reset();
    Fragment frag;
    frag.id = manifest.fragments.size();
    frag.physical_rows = s.num_rows;
    DataFile df;
    df.path = writer_name;
    df.fields = s.field_ids;
    df.column_indices = s.column_indices;
    df.file_major_version = s.major_version;
    df.file_minor_version = s.minor_version;
    df.file_size_bytes = static_cast<uint64_t>(s.file_size);
    frag.files.push_back(std::move(df));
    manifest.fragments.push_back(std::move(frag));
    rows_in_file = 0;
    return Status::OK();
  };
  while (true) {
    LANCET_ASSIGN_OR_RETURN(std::optional<RecordBatch> batch, source());
    if (!batch) break;
    int64_t done = 0;
    while (done < batch->num_rows) {
      if (!writer) {
        writer_name = NewDataFileName();
        LANCET_ASSIGN_OR_RETURN(auto out,
                                fs->OpenOutputStream(JoinPath(base, "data/" + writer_name)));
        LANCET_ASSIGN_OR_RETURN(writer, file::FileWriter::Make(std::move(out), schema, fopts));
      }
      int64_t room = options.max_rows_per_file - static_cast<int64_t>(rows_in_file);
      int64_t take = std::min<int64_t>(room, batch->num_rows - done);
      RecordBatch part;
      if (done == 0 && take == batch->num_rows) {
        part = *batch;
      } else {
        part.schema = batch->schema;
        part.num_rows = take;
        for (const ArrayPtr& c : batch->columns) {
          LANCET_ASSIGN_OR_RETURN(ArrayPtr s, SliceArray(c, done, take));
          part.columns.push_back(std::move(s));
        }
      }
      LANCET_RETURN_NOT_OK(writer->Write(part));
      rows_in_file += static_cast<uint64_t>(take);
      done += take;
      if (static_cast<int64_t>(rows_in_file) >= options.max_rows_per_file) {
        LANCET_RETURN_NOT_OK(finish_file());
      }
    }
  }
  LANCET_RETURN_NOT_OK(finish_file());

  manifest.version = 1;
  manifest.timestamp_nanos = NowNanos();
  manifest.max_fragment_id =
      manifest.fragments.empty() ? 0 : static_cast<uint32_t>(manifest.fragments.size() - 1);
  manifest.writer_library = "lancet";
  manifest.writer_version = kLancetVersion;
  manifest.data_storage_version = encoding::FileVersionName(options.data_storage_version);

  // The transaction: Overwrite with read_version 0, as Lance records table creation.
  lance::table::Transaction txn;
  std::string txn_uuid = UuidToString(NewUuid());
  txn.set_read_version(0);
  txn.set_uuid(txn_uuid);
  lance::table::Manifest proto;
  LANCET_RETURN_NOT_OK(ManifestToProto(manifest, &proto));
  auto* ow = txn.mutable_overwrite();
  *ow->mutable_fragments() = proto.fragments();
  *ow->mutable_schema() = proto.fields();
  *ow->mutable_schema_metadata() = proto.schema_metadata();
  std::string txn_bytes = txn.SerializeAsString();
  manifest.transaction_file = "0-" + txn_uuid + ".txn";
  LANCET_RETURN_NOT_OK(fs->WriteFile(JoinPath(base, "_transactions/" + manifest.transaction_file),
                                     Buffer::FromString(txn_bytes)));

  LANCET_ASSIGN_OR_RETURN(Buffer mbytes, SerializeManifest(manifest, txn_bytes));
  std::string mpath =
      JoinPath(base, "_versions/" + ManifestFileName(1, options.manifest_naming));
  Status st = fs->PutIfAbsent(mpath, mbytes);
  if (st.IsAlreadyExists()) {
    return Status::CommitConflict("another writer created " + uri + " concurrently", false);
  }
  LANCET_RETURN_NOT_OK(st);
  OpenOptions oo;
  oo.version = 1;
  oo.wrap_fs = open_options.wrap_fs;
  return Open(uri, oo);
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

Status Dataset::Scan(const ScanOptions& options,
                     const std::function<Status(const RecordBatch&)>& sink) const {
  LANCET_ASSIGN_OR_RETURN(Schema projected, Project(options.columns));
  LANCET_ASSIGN_OR_RETURN(encoding::FileVersion version, manifest_.FileVersion());
  uint64_t skip = options.offset;
  uint64_t remaining = options.limit ? *options.limit : UINT64_MAX;
  const uint64_t batch_size = static_cast<uint64_t>(std::max<int64_t>(1, options.batch_size));
  for (const Fragment& frag : manifest_.fragments) {
    if (remaining == 0) break;
    if (frag.deletion_file) {
      return Status::NotSupported("fragment " + std::to_string(frag.id) +
                                  " has a deletion file; deletions are not supported yet");
    }
    if (skip >= frag.physical_rows) {
      skip -= frag.physical_rows;
      continue;
    }
    // Open the data files this projection needs and map fields to columns.
    std::map<size_t, std::unique_ptr<file::FileReader>> readers;
    std::vector<std::pair<int, file::ProjectedField>> plan;  // (-1 = missing) per field
    for (const Field& f : projected.fields) {
      int which = -1;
      file::ProjectedField pf{f, {}};
      for (size_t d = 0; d < frag.files.size(); ++d) {
        LANCET_ASSIGN_OR_RETURN(auto mapped, MapField(f, frag.files[d], version));
        if (mapped) {
          which = static_cast<int>(d);
          pf = std::move(*mapped);
          break;
        }
      }
      if (which >= 0 && !readers.count(which)) {
        const DataFile& df = frag.files[which];
        std::string path = JoinPath(base_, "data/" + df.path);
        std::shared_ptr<io::RandomAccessFile> in;
        if (df.file_size_bytes > 0) {
          LANCET_ASSIGN_OR_RETURN(in, fs_->OpenInputFile(path, df.file_size_bytes));
        } else {
          LANCET_ASSIGN_OR_RETURN(in, fs_->OpenInputFile(path));
        }
        file::FileReaderOptions fro;
        if (df.file_size_bytes > 0) fro.known_file_size = static_cast<int64_t>(df.file_size_bytes);
        LANCET_ASSIGN_OR_RETURN(readers[which], file::FileReader::Open(in, fro));
        if (readers[which]->num_rows() != frag.physical_rows) {
          return Status::Corruption(path + " has " + std::to_string(readers[which]->num_rows()) +
                                    " rows but the manifest says " +
                                    std::to_string(frag.physical_rows));
        }
      }
      plan.emplace_back(which, std::move(pf));
    }
    uint64_t start = skip;
    skip = 0;
    uint64_t end = frag.physical_rows;
    if (end - start > remaining) end = start + remaining;
    for (uint64_t s = start; s < end; s += batch_size) {
      uint64_t e = std::min(end, s + batch_size);
      RecordBatch batch;
      batch.schema = projected;
      batch.num_rows = static_cast<int64_t>(e - s);
      for (auto& [which, pf] : plan) {
        if (which < 0) {
          LANCET_ASSIGN_OR_RETURN(ArrayPtr nulls, MakeNullArray(pf.field.type, batch.num_rows));
          batch.columns.push_back(std::move(nulls));
          continue;
        }
        LANCET_ASSIGN_OR_RETURN(auto cols, readers[which]->Read({pf}, {file::RowRange{s, e}}));
        batch.columns.push_back(std::move(cols[0]));
      }
      LANCET_RETURN_NOT_OK(sink(batch));
    }
    remaining -= end - start;
  }
  return Status::OK();
}

Result<RecordBatch> Dataset::ScanAll(const ScanOptions& options) const {
  std::vector<RecordBatch> batches;
  LANCET_RETURN_NOT_OK(Scan(options, [&](const RecordBatch& b) {
    batches.push_back(b);
    return Status::OK();
  }));
  RecordBatch out;
  LANCET_ASSIGN_OR_RETURN(out.schema, Project(options.columns));
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
