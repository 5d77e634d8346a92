// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The lancet authors
//
// Compaction (ReserveFragments + Rewrite, as Lance records it) and cleanup of old versions.
#include <algorithm>
#include <set>

#include "lancet/table/commit_internal.h"
#include "lancet/table/dataset.h"
#include "lancet/table/manifest_io.h"

namespace lancet::table {

using internal::JoinPath;

namespace {

uint64_t LiveRows(const Fragment& f) {
  return f.physical_rows - (f.deletion_file ? f.deletion_file->num_deleted_rows : 0);
}

// Every file of the table a manifest references, relative to the table root.
void ReferencedFiles(const Manifest& m, const std::string& manifest_txn,
                     std::set<std::string>* files, std::set<std::string>* index_dirs) {
  for (const Fragment& f : m.fragments) {
    for (const DataFile& d : f.files) files->insert("data/" + d.path);
    if (f.deletion_file) files->insert(f.deletion_file->RelativePath(f.id));
  }
  for (const IndexMetadata& im : m.indices) index_dirs->insert("_indices/" + im.uuid);
  if (!manifest_txn.empty()) files->insert("_transactions/" + manifest_txn);
}

}  // namespace

Result<std::unique_ptr<Dataset>> Dataset::Compact(const CompactionOptions& options,
                                                  CompactionMetrics* metrics) const {
  CompactionMetrics local;
  if (metrics == nullptr) metrics = &local;
  *metrics = CompactionMetrics{};
  const uint64_t target = static_cast<uint64_t>(std::max<int64_t>(1, options.target_rows_per_fragment));
  // Plan: runs of adjacent candidate fragments, each run at most `target` live rows.
  auto candidate = [&](const Fragment& f) {
    if (LiveRows(f) < target) return true;
    if (!options.materialize_deletions || !f.deletion_file || f.physical_rows == 0) return false;
    return static_cast<double>(f.deletion_file->num_deleted_rows) /
               static_cast<double>(f.physical_rows) >
           options.materialize_deletions_threshold;
  };
  std::vector<std::vector<const Fragment*>> groups;
  std::vector<const Fragment*> cur;
  uint64_t cur_rows = 0;
  auto flush = [&]() {
    bool worth = cur.size() > 1 || (cur.size() == 1 && cur[0]->deletion_file.has_value());
    if (worth) groups.push_back(cur);
    cur.clear();
    cur_rows = 0;
  };
  for (const Fragment& f : manifest_.fragments) {
    if (!candidate(f)) {
      flush();
      continue;
    }
    if (!cur.empty() && cur_rows + LiveRows(f) > target) flush();
    cur.push_back(&f);
    cur_rows += LiveRows(f);
  }
  flush();
  if (groups.empty()) return WithManifest(manifest_, manifest_path_);

  // How many new fragments each group yields (max_rows_per_file = target).
  std::vector<uint64_t> outputs;
  uint32_t total_new = 0;
  for (const auto& g : groups) {
    uint64_t rows = 0;
    for (const Fragment* f : g) rows += LiveRows(*f);
    uint64_t n = (rows + target - 1) / target;
    outputs.push_back(n);
    total_new += static_cast<uint32_t>(n);
  }
  // 1. Reserve fragment ids.
  uint64_t first_id = 0;
  if (total_new > 0) {
    internal::PendingCommit reserve;
    reserve.txn.operation = Operation::kReserveFragments;
    reserve.txn.read_version = version();
    reserve.txn.num_reserved_fragments = total_new;
    LANCET_ASSIGN_OR_RETURN(internal::LoadedManifest r,
                            internal::CommitTransaction(fs_.get(), base_, std::move(reserve),
                                                        options.write.commit));
    first_id = static_cast<uint64_t>(*r.manifest.max_fragment_id) + 1 - total_new;
  }
  // 2. Rewrite each group's live rows into new files.
  WriteOptions wo = options.write;
  LANCET_ASSIGN_OR_RETURN(wo.data_storage_version, manifest_.FileVersion());
  wo.max_rows_per_file = static_cast<int64_t>(target);
  Transaction rewrite;
  rewrite.operation = Operation::kRewrite;
  rewrite.read_version = version();
  uint64_t next_id = first_id;
  for (size_t gi = 0; gi < groups.size(); ++gi) {
    std::vector<uint64_t> ids;
    for (const Fragment* f : groups[gi]) ids.push_back(f->id);
    ScanOptions so;
    so.fragment_ids = ids;
    so.batch_size = 65536;
    std::vector<RecordBatch> batches;
    LANCET_RETURN_NOT_OK(Scan(so, [&](const RecordBatch& b) {
      batches.push_back(b);
      return Status::OK();
    }));
    BatchSource src = internal::VectorSource(&batches);
    LANCET_ASSIGN_OR_RETURN(std::vector<Fragment> written,
                            internal::WriteDataFiles(fs_.get(), base_, manifest_.schema, src, wo));
    if (written.size() > outputs[gi]) {
      return Status::Internal("compaction wrote more fragments than it reserved");
    }
    RewriteGroup g;
    for (const Fragment* f : groups[gi]) g.old_fragments.push_back(*f);
    for (Fragment& f : written) {
      f.id = next_id++;
      g.new_fragments.push_back(std::move(f));
    }
    metrics->fragments_removed += g.old_fragments.size();
    metrics->fragments_added += g.new_fragments.size();
    for (const Fragment& f : g.old_fragments) metrics->files_removed += f.files.size();
    for (const Fragment& f : g.new_fragments) metrics->files_added += f.files.size();
    rewrite.groups.push_back(std::move(g));
  }
  // 3. Commit the rewrite.
  internal::PendingCommit p;
  p.txn = std::move(rewrite);
  LANCET_ASSIGN_OR_RETURN(internal::LoadedManifest m,
                          internal::CommitTransaction(fs_.get(), base_, std::move(p),
                                                      options.write.commit));
  return WithManifest(std::move(m.manifest), std::move(m.path));
}

namespace {

struct LoadedVersion {
  VersionInfo info;
  Manifest manifest;
};

// Every committed version of the table, oldest first, with its manifest (one read each).
Result<std::vector<LoadedVersion>> LoadAllVersions(io::FileSystem* fs, const std::string& base) {
  LANCET_ASSIGN_OR_RETURN(auto listing, fs->List(JoinPath(base, "_versions"), false));
  std::vector<LoadedVersion> out;
  for (const io::FileInfo& info : listing) {
    auto parsed = ParseManifestFileName(internal::BaseName(info.path));
    if (!parsed) continue;
    LANCET_ASSIGN_OR_RETURN(Buffer bytes, fs->ReadFile(info.path));
    LANCET_ASSIGN_OR_RETURN(Manifest m, ParseManifest(bytes, info.path));
    out.push_back(LoadedVersion{VersionInfo{parsed->first, m.timestamp_nanos, info.path},
                                std::move(m)});
  }
  std::sort(out.begin(), out.end(), [](const LoadedVersion& a, const LoadedVersion& b) {
    return a.info.version < b.info.version;
  });
  return out;
}

}  // namespace

Result<std::vector<VersionInfo>> Dataset::ListVersions() const {
  LANCET_ASSIGN_OR_RETURN(std::vector<LoadedVersion> all, LoadAllVersions(fs_.get(), base_));
  std::vector<VersionInfo> out;
  out.reserve(all.size());
  for (LoadedVersion& v : all) out.push_back(std::move(v.info));
  return out;
}

Result<CleanupStats> Dataset::Cleanup(const CleanupOptions& options) const {
  CleanupStats stats;
  const int64_t now = internal::NowNanos();
  const int64_t cutoff = now - static_cast<int64_t>(options.older_than_seconds * 1e9);
  // Unreferenced files younger than this may belong to a writer still in flight.
  const int64_t unverified_cutoff = options.delete_unverified ? now : now - 7LL * 24 * 3600 * 1000000000LL;
  LANCET_ASSIGN_OR_RETURN(std::vector<LoadedVersion> versions, LoadAllVersions(fs_.get(), base_));
  if (versions.empty()) return stats;
  const uint64_t latest = versions.back().info.version;
  LANCET_ASSIGN_OR_RETURN(auto tags, ListTags());
  std::set<uint64_t> tagged;
  for (const auto& [name, v] : tags) tagged.insert(v);

  std::set<std::string> kept_files, kept_dirs, removed_files, removed_dirs;
  std::vector<VersionInfo> removed;
  for (const LoadedVersion& lv : versions) {
    const VersionInfo& v = lv.info;
    const Manifest& m = lv.manifest;
    bool keep = v.version == latest || tagged.count(v.version) ||
                (options.older_than_seconds > 0 && v.timestamp_nanos >= cutoff);
    if (keep) {
      ReferencedFiles(m, m.transaction_file, &kept_files, &kept_dirs);
    } else {
      ReferencedFiles(m, m.transaction_file, &removed_files, &removed_dirs);
      removed.push_back(v);
    }
  }
  // Manifests first: a crash part-way leaves unreferenced files, never a version whose
  // files are gone.
  for (const VersionInfo& v : removed) {
    LANCET_ASSIGN_OR_RETURN(io::FileInfo info, fs_->GetFileInfo(v.manifest_path));
    LANCET_RETURN_NOT_OK(fs_->DeleteFile(v.manifest_path));
    ++stats.old_versions;
    ++stats.files_removed;
    stats.bytes_removed += static_cast<uint64_t>(info.size);
  }
  // Temporaries of interrupted writes (atomic writes go through hidden temp files) and stray
  // files in _versions/.
  {
    LANCET_ASSIGN_OR_RETURN(auto listing, fs_->List(JoinPath(base_, "_versions"), false));
    LANCET_ASSIGN_OR_RETURN(auto temps, fs_->ListTemporaries(base_));
    listing.insert(listing.end(), temps.begin(), temps.end());
    std::vector<std::string> doomed;
    for (const io::FileInfo& info : listing) {
      std::string name = internal::BaseName(info.path);
      if (info.is_dir || ParseManifestFileName(name) || name == "latest_version_hint.json") continue;
      if (info.mtime_ns > unverified_cutoff) continue;
      doomed.push_back(info.path);
      ++stats.files_removed;
      stats.bytes_removed += static_cast<uint64_t>(info.size);
    }
    LANCET_RETURN_NOT_OK(fs_->DeleteFiles(doomed));
  }
  const std::string prefix = base_.empty() || base_.back() == '/' ? base_ : base_ + "/";
  for (const char* dir : {"data", "_deletions", "_transactions", "_indices"}) {
    LANCET_ASSIGN_OR_RETURN(auto listing, fs_->List(JoinPath(base_, dir), /*recursive=*/true));
    std::vector<std::string> doomed;
    for (const io::FileInfo& info : listing) {
      if (info.is_dir || info.path.compare(0, prefix.size(), prefix) != 0) continue;
      std::string rel = info.path.substr(prefix.size());
      std::string index_dir;
      if (rel.compare(0, 9, "_indices/") == 0) {
        size_t slash = rel.find('/', 9);
        index_dir = slash == std::string::npos ? rel : rel.substr(0, slash);
      }
      bool kept = index_dir.empty() ? kept_files.count(rel) > 0 : kept_dirs.count(index_dir) > 0;
      if (kept) continue;
      bool was_referenced =
          index_dir.empty() ? removed_files.count(rel) > 0 : removed_dirs.count(index_dir) > 0;
      if (!was_referenced && info.mtime_ns > unverified_cutoff) continue;
      doomed.push_back(info.path);
      ++stats.files_removed;
      stats.bytes_removed += static_cast<uint64_t>(info.size);
    }
    LANCET_RETURN_NOT_OK(fs_->DeleteFiles(doomed));
  }
  return stats;
}

}  // namespace lancet::table
