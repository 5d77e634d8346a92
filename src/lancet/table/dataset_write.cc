// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The lancet authors
//
// Dataset operations that commit new versions: write/append, delete, restore, indices, tags.
#include <algorithm>
#include <chrono>
#include <ctime>
#include <set>

#include <nlohmann/json.hpp>

#include "lancet/file/schema.h"
#include "lancet/table/commit_internal.h"
#include "lancet/table/dataset.h"
#include "lancet/table/deletion_file.h"
#include "lancet/table/filter.h"

namespace lancet::table {

using internal::JoinPath;
using internal::VectorSource;

namespace {

// Reorder/validate batches against the table schema (which carries the field ids).
Result<std::vector<RecordBatch>> ConformBatches(const Schema& table, std::vector<RecordBatch> in) {
  std::vector<RecordBatch> out;
  for (RecordBatch& b : in) {
    if (b.num_rows == 0) continue;
    if (b.schema.fields.size() != table.fields.size()) {
      return Status::InvalidArgument("appended data has " + std::to_string(b.schema.fields.size()) +
                                     " columns but the table has " +
                                     std::to_string(table.fields.size()) + ": table " +
                                     table.ToString() + ", data " + b.schema.ToString());
    }
    RecordBatch r;
    r.schema = table;
    r.num_rows = b.num_rows;
    for (const Field& f : table.fields) {
      int i = b.schema.FieldIndex(f.name);
      if (i < 0) {
        return Status::InvalidArgument("appended data lacks column '" + f.name + "'");
      }
      Schema a, t;
      a.fields.push_back(b.schema.fields[i]);
      t.fields.push_back(f);
      if (!b.schema.fields[i].type->Equals(*f.type)) {
        return Status::InvalidArgument("column '" + f.name + "' has type " +
                                       b.schema.fields[i].type->ToString() +
                                       " in the appended data but " + f.type->ToString() +
                                       " in the table");
      }
      r.columns.push_back(b.columns[i]);
    }
    LANCET_RETURN_NOT_OK(ValidateRecordBatch(r));
    out.push_back(std::move(r));
  }
  return out;
}

Result<encoding::FileVersion> TableFileVersion(const Manifest& m, const WriteOptions& options) {
  if (m.version == 0) return options.data_storage_version;
  return m.FileVersion();
}

bool ValidTagName(const std::string& name) {
  if (name.empty() || name.front() == '.' || name.back() == '.') return false;
  if (name.size() >= 5 && name.compare(name.size() - 5, 5, ".lock") == 0) return false;
  if (name.find("..") != std::string::npos) return false;
  for (char c : name) {
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '-' || c == '_')) {
      return false;
    }
  }
  return true;
}

std::string IsoNow() {
  std::time_t t = std::time(nullptr);
  char buf[64];
  std::strftime(buf, sizeof(buf), "%Y-%m-%dT%H:%M:%SZ", std::gmtime(&t));
  return buf;
}

}  // namespace

namespace internal {

Result<uint64_t> ReadTagVersion(io::FileSystem* fs, const std::string& base,
                                const std::string& tag) {
  if (!ValidTagName(tag)) return Status::InvalidArgument("invalid tag name '" + tag + "'");
  std::string path = JoinPath(base, "_refs/tags/" + tag + ".json");
  auto bytes = fs->ReadFile(path);
  if (!bytes.ok()) {
    if (bytes.status().IsNotFound()) return Status::NotFound("tag '" + tag + "' does not exist");
    return bytes.status();
  }
  auto j = nlohmann::json::parse(bytes->view(), nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded() || !j.is_object() || !j.contains("version") ||
      !j["version"].is_number_unsigned()) {
    return Status::Corruption(path + ": not a tag file (expected a JSON object with a version)");
  }
  return j["version"].get<uint64_t>();
}

}  // namespace internal

Result<std::unique_ptr<Dataset>> Dataset::Write(const std::string& uri, Schema schema,
                                                std::vector<RecordBatch> batches,
                                                const WriteOptions& options,
                                                const OpenOptions& open_options) {
  if (options.mode == WriteMode::kCreate) {
    BatchSource src = VectorSource(&batches);
    return Create(uri, std::move(schema), src, options, open_options);
  }
  auto existing = Open(uri, open_options);
  if (!existing.ok()) {
    if (!existing.status().IsNotFound()) return existing.status();
    BatchSource src = VectorSource(&batches);
    return Create(uri, std::move(schema), src, options, open_options);
  }
  if (options.mode == WriteMode::kAppend) return (*existing)->Append(std::move(batches), options);
  // Overwrite: a new schema (fresh field ids) and new fragments.
  const Dataset& ds = **existing;
  file::AssignFieldIds(&schema, file::MaxFieldId(schema) + 1);
  for (RecordBatch& b : batches) b.schema = schema;
  // (The overwrite keeps writing options.data_storage_version.)
  BatchSource src = VectorSource(&batches);
  LANCET_ASSIGN_OR_RETURN(std::vector<Fragment> frags,
                          internal::WriteDataFiles(ds.fs_.get(), ds.base_, schema, src, options));
  internal::PendingCommit p;
  p.txn.operation = Operation::kOverwrite;
  p.txn.read_version = ds.version();
  p.txn.schema = schema;
  p.data_storage_version = encoding::FileVersionName(options.data_storage_version);
  p.txn.fragments = std::move(frags);
  p.read_manifest = internal::HeldManifest(ds.manifest_, ds.manifest_path_);
  LANCET_ASSIGN_OR_RETURN(internal::LoadedManifest m,
                          internal::CommitTransaction(ds.fs_.get(), ds.base_, std::move(p),
                                                      options.commit));
  return ds.WithManifest(std::move(m.manifest), std::move(m.path));
}

Result<std::vector<Fragment>> Dataset::WriteFragments(const std::string& uri,
                                                      const Schema& schema,
                                                      std::vector<RecordBatch> batches,
                                                      const WriteOptions& options) {
  LANCET_ASSIGN_OR_RETURN(std::unique_ptr<Dataset> ds, Open(uri));
  LANCET_ASSIGN_OR_RETURN(std::vector<RecordBatch> conformed,
                          ConformBatches(ds->schema(), std::move(batches)));
  (void)schema;
  WriteOptions wo = options;
  LANCET_ASSIGN_OR_RETURN(wo.data_storage_version, ds->manifest().FileVersion());
  BatchSource src = VectorSource(&conformed);
  return internal::WriteDataFiles(ds->fs_.get(), ds->base_, ds->schema(), src, wo);
}

Result<std::unique_ptr<Dataset>> Dataset::CommitAppend(const std::string& uri,
                                                       std::vector<Fragment> fragments,
                                                       const WriteOptions& options,
                                                       const OpenOptions& open_options) {
  LANCET_ASSIGN_OR_RETURN(std::unique_ptr<Dataset> ds, Open(uri, open_options));
  internal::PendingCommit p;
  p.txn.operation = Operation::kAppend;
  p.txn.read_version = ds->version();
  p.txn.fragments = std::move(fragments);
  p.read_manifest = internal::HeldManifest(ds->manifest_, ds->manifest_path_);
  LANCET_ASSIGN_OR_RETURN(internal::LoadedManifest m,
                          internal::CommitTransaction(ds->fs_.get(), ds->base_, std::move(p),
                                                      options.commit));
  return ds->WithManifest(std::move(m.manifest), std::move(m.path));
}

Result<std::unique_ptr<Dataset>> Dataset::Append(std::vector<RecordBatch> batches,
                                                 const WriteOptions& options) const {
  LANCET_ASSIGN_OR_RETURN(std::vector<RecordBatch> conformed,
                          ConformBatches(manifest_.schema, std::move(batches)));
  WriteOptions wo = options;
  LANCET_ASSIGN_OR_RETURN(wo.data_storage_version, TableFileVersion(manifest_, options));
  BatchSource src = VectorSource(&conformed);
  // Small data files stay in memory and are uploaded by the commit together with the
  // transaction file; the commit builds on this snapshot's manifest without listing first.
  internal::DeferredWrites deferred;
  LANCET_ASSIGN_OR_RETURN(std::vector<Fragment> frags,
                          internal::WriteDataFiles(fs_.get(), base_, manifest_.schema, src, wo,
                                                   &deferred));
  internal::PendingCommit p;
  p.txn.operation = Operation::kAppend;
  p.txn.read_version = version();
  p.txn.fragments = std::move(frags);
  p.read_manifest = internal::HeldManifest(manifest_, manifest_path_);
  p.deferred_files = std::move(deferred.files);
  LANCET_ASSIGN_OR_RETURN(internal::LoadedManifest m,
                          internal::CommitTransaction(fs_.get(), base_, std::move(p),
                                                      options.commit));
  return WithManifest(std::move(m.manifest), std::move(m.path));
}

Result<std::unique_ptr<Dataset>> Dataset::Delete(const std::string& predicate,
                                                 const CommitOptions& options) const {
  LANCET_ASSIGN_OR_RETURN(std::shared_ptr<const Filter> filter,
                          Filter::Make(predicate, manifest_.schema));
  internal::PendingCommit p;
  p.txn.operation = Operation::kDelete;
  p.txn.read_version = version();
  p.txn.predicate = predicate;
  for (const Fragment& frag : manifest_.fragments) {
    // Physical offsets of the matching live rows of this fragment.
    std::vector<uint32_t> hits;
    ScanOptions so;
    so.columns = filter->columns();
    so.filter = predicate;
    so.with_row_address = true;
    so.fragment_ids = {frag.id};
    LANCET_RETURN_NOT_OK(Scan(so, [&](const RecordBatch& b) {
      const uint64_t* addr = b.columns.back()->values_as<uint64_t>();
      for (int64_t i = 0; i < b.num_rows; ++i) {
        hits.push_back(static_cast<uint32_t>(addr[i] & 0xffffffffu));
      }
      return Status::OK();
    }));
    if (hits.empty()) continue;
    LANCET_ASSIGN_OR_RETURN(std::vector<uint32_t> old, DeletedRows(frag));
    std::vector<uint32_t> merged;
    std::set_union(old.begin(), old.end(), hits.begin(), hits.end(), std::back_inserter(merged));
    p.deleted_rows[frag.id] = hits;
    if (merged.size() >= frag.physical_rows) {
      p.txn.deleted_fragment_ids.push_back(frag.id);
      continue;
    }
    LANCET_ASSIGN_OR_RETURN(DeletionFile df,
                            WriteDeletionFile(fs_.get(), base_, frag.id, version(), merged));
    Fragment updated = frag;
    updated.deletion_file = df;
    p.txn.updated_fragments.push_back(std::move(updated));
  }
  if (p.deleted_rows.empty()) {
    // Nothing matched: Lance commits nothing either.
    return WithManifest(manifest_, manifest_path_);
  }
  p.read_manifest = internal::HeldManifest(manifest_, manifest_path_);
  LANCET_ASSIGN_OR_RETURN(internal::LoadedManifest m,
                          internal::CommitTransaction(fs_.get(), base_, std::move(p), options));
  return WithManifest(std::move(m.manifest), std::move(m.path));
}

Result<std::unique_ptr<Dataset>> Dataset::Checkout(uint64_t version) const {
  LANCET_ASSIGN_OR_RETURN(internal::LoadedManifest m,
                          internal::LoadManifestVersion(fs_.get(), base_, version));
  LANCET_RETURN_NOT_OK(internal::CheckReadable(m.manifest, m.path));
  return WithManifest(std::move(m.manifest), std::move(m.path));
}

Result<std::unique_ptr<Dataset>> Dataset::CheckoutTag(const std::string& tag) const {
  LANCET_ASSIGN_OR_RETURN(uint64_t v, internal::ReadTagVersion(fs_.get(), base_, tag));
  return Checkout(v);
}

Result<std::unique_ptr<Dataset>> Dataset::Restore(const CommitOptions& options) const {
  LANCET_ASSIGN_OR_RETURN(internal::LoadedManifest latest,
                          internal::LoadLatestManifest(fs_.get(), base_));
  internal::PendingCommit p;
  p.txn.operation = Operation::kRestore;
  p.txn.read_version = latest.manifest.version;
  p.txn.restore_version = version();
  LANCET_ASSIGN_OR_RETURN(internal::LoadedManifest m,
                          internal::CommitTransaction(fs_.get(), base_, std::move(p), options));
  return WithManifest(std::move(m.manifest), std::move(m.path));
}

Status Dataset::CreateTag(const std::string& name, uint64_t version) const {
  if (!ValidTagName(name)) {
    return Status::InvalidArgument("invalid tag name '" + name +
                                   "': use letters, digits, '.', '-', '_'; no leading or "
                                   "trailing '.', no '..', no '.lock' suffix");
  }
  LANCET_ASSIGN_OR_RETURN(internal::LoadedManifest m,
                          internal::LoadManifestVersion(fs_.get(), base_, version));
  LANCET_ASSIGN_OR_RETURN(io::FileInfo info, fs_->GetFileInfo(m.path));
  std::string now = IsoNow();
  nlohmann::json j = {{"branch", nullptr},       {"version", version},
                      {"createdAt", now},        {"updatedAt", now},
                      {"manifestSize", info.size}, {"metadata", nlohmann::json::object()}};
  Status st = fs_->PutIfAbsent(JoinPath(base_, "_refs/tags/" + name + ".json"),
                               Buffer::FromString(j.dump()));
  if (st.IsAlreadyExists()) return Status::AlreadyExists("tag '" + name + "' already exists");
  return st;
}

Status Dataset::DeleteTag(const std::string& name) const {
  if (!ValidTagName(name)) return Status::InvalidArgument("invalid tag name '" + name + "'");
  std::string path = JoinPath(base_, "_refs/tags/" + name + ".json");
  LANCET_ASSIGN_OR_RETURN(bool exists, fs_->Exists(path));
  if (!exists) return Status::NotFound("tag '" + name + "' does not exist");
  return fs_->DeleteFile(path);
}

Result<std::vector<std::pair<std::string, uint64_t>>> Dataset::ListTags() const {
  LANCET_ASSIGN_OR_RETURN(auto listing, fs_->List(JoinPath(base_, "_refs/tags"), false));
  std::vector<std::pair<std::string, uint64_t>> out;
  for (const io::FileInfo& info : listing) {
    std::string name = internal::BaseName(info.path);
    if (name.size() <= 5 || name.compare(name.size() - 5, 5, ".json") != 0) continue;
    name.resize(name.size() - 5);
    if (!ValidTagName(name)) continue;
    LANCET_ASSIGN_OR_RETURN(uint64_t v, internal::ReadTagVersion(fs_.get(), base_, name));
    out.emplace_back(name, v);
  }
  return out;
}

Result<std::vector<IndexMetadata>> Dataset::LoadIndices() const { return manifest_.indices; }

Result<std::unique_ptr<Dataset>> Dataset::CommitIndex(std::vector<IndexMetadata> added,
                                                      std::vector<std::string> removed_uuids,
                                                      const CommitOptions& options) const {
  internal::PendingCommit p;
  p.txn.operation = Operation::kCreateIndex;
  p.txn.read_version = version();
  for (IndexMetadata& im : added) {
    if (im.dataset_version == 0) im.dataset_version = version();
    p.txn.new_indices.push_back(std::move(im));
  }
  for (const std::string& uuid : removed_uuids) {
    auto it = std::find_if(manifest_.indices.begin(), manifest_.indices.end(),
                           [&](const IndexMetadata& x) { return x.uuid == uuid; });
    if (it == manifest_.indices.end()) {
      return Status::NotFound("no index " + uuid + " in version " + std::to_string(version()));
    }
    p.txn.removed_indices.push_back(*it);
  }
  p.read_manifest = internal::HeldManifest(manifest_, manifest_path_);
  LANCET_ASSIGN_OR_RETURN(internal::LoadedManifest m,
                          internal::CommitTransaction(fs_.get(), base_, std::move(p), options));
  return WithManifest(std::move(m.manifest), std::move(m.path));
}

}  // namespace lancet::table
