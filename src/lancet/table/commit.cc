// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The lancet authors
#include <algorithm>
#include <chrono>
#include <cmath>
#include <random>
#include <set>
#include <system_error>
#include <thread>

#include <nlohmann/json.hpp>

#include "lancet/core/uuid.h"
#include "lancet/file/file_writer.h"
#include "lancet/table/commit_internal.h"
#include "lancet/table/deletion_file.h"
#include "lancet/table/manifest_io.h"

namespace lancet::table::internal {

const char kLancetVersion[] = "0.1.0";

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

namespace {

Result<LoadedManifest> LoadManifestAt(io::FileSystem* fs, const std::string& path,
                                      ManifestNaming naming) {
  LoadedManifest out;
  LANCET_ASSIGN_OR_RETURN(Buffer bytes, fs->ReadFile(path));
  LANCET_ASSIGN_OR_RETURN(out.manifest, ParseManifest(bytes, path));
  out.path = path;
  out.naming = naming;
  return out;
}

bool Contains(const std::vector<uint64_t>& v, uint64_t x) {
  return std::find(v.begin(), v.end(), x) != v.end();
}

std::set<uint64_t> RewrittenIds(const Transaction& t) {
  std::set<uint64_t> ids;
  for (const RewriteGroup& g : t.groups) {
    for (const Fragment& f : g.old_fragments) ids.insert(f.id);
  }
  return ids;
}

std::set<uint64_t> TouchedByDelete(const Transaction& t) {
  std::set<uint64_t> ids(t.deleted_fragment_ids.begin(), t.deleted_fragment_ids.end());
  for (const Fragment& f : t.updated_fragments) ids.insert(f.id);
  return ids;
}

Status Conflict(const Transaction& ours, const Transaction& theirs, uint64_t version,
                const std::string& why, bool retryable) {
  return Status::CommitConflict(std::string(OperationName(ours.operation)) +
                                    " conflicts with the " + OperationName(theirs.operation) +
                                    " committed as version " + std::to_string(version) + ": " +
                                    why,
                                retryable);
}

// Merge our deletions of a fragment with a concurrent delete's: write a new deletion file
// holding both sets.
Status RebaseDelete(io::FileSystem* fs, const std::string& base, PendingCommit* p,
                    const Fragment& theirs_frag, uint64_t their_version) {
  Transaction& ours = p->txn;
  auto it = std::find_if(ours.updated_fragments.begin(), ours.updated_fragments.end(),
                         [&](const Fragment& f) { return f.id == theirs_frag.id; });
  if (it == ours.updated_fragments.end()) return Status::OK();
  std::vector<uint32_t> rows;
  if (theirs_frag.deletion_file) {
    LANCET_ASSIGN_OR_RETURN(rows,
                            ReadDeletionFile(fs, base, theirs_frag.id, *theirs_frag.deletion_file));
  }
  const std::vector<uint32_t>& mine = p->deleted_rows[theirs_frag.id];
  std::vector<uint32_t> merged;
  std::set_union(rows.begin(), rows.end(), mine.begin(), mine.end(), std::back_inserter(merged));
  if (merged.size() >= theirs_frag.physical_rows) {
    ours.deleted_fragment_ids.push_back(theirs_frag.id);
    ours.updated_fragments.erase(it);
    return Status::OK();
  }
  LANCET_ASSIGN_OR_RETURN(DeletionFile df,
                          WriteDeletionFile(fs, base, theirs_frag.id, their_version, merged));
  Fragment updated = theirs_frag;
  updated.deletion_file = df;
  *it = std::move(updated);
  return Status::OK();
}

// Decide whether `p` can commit after `theirs` (committed as `version`); rebase in place when
// Lance would.
Status CheckAndRebase(io::FileSystem* fs, const std::string& base, PendingCommit* p,
                      const Transaction& theirs, uint64_t version) {
  Transaction& ours = p->txn;
  if (p->create_only) {
    return Status::AlreadyExists("a Lance table was created concurrently at " + base);
  }
  switch (ours.operation) {
    case Operation::kOverwrite:
    case Operation::kRestore:
    case Operation::kReserveFragments:
      return Status::OK();  // these replace or only reserve; they commit over anything
    default:
      break;
  }
  if (theirs.operation == Operation::kOverwrite || theirs.operation == Operation::kRestore) {
    return Conflict(ours, theirs, version, "the table was replaced", /*retryable=*/false);
  }
  if (theirs.operation == Operation::kOther || theirs.operation == Operation::kMerge ||
      theirs.operation == Operation::kProject) {
    if (ours.operation == Operation::kAppend && theirs.operation == Operation::kOther) {
      return Conflict(ours, theirs, version, "an operation lancet cannot check (field " +
                                                 std::to_string(theirs.operation_field) + ")",
                      true);
    }
    if (ours.operation != Operation::kAppend) {
      return Conflict(ours, theirs, version, "the schema or rows changed", true);
    }
    if (theirs.operation != Operation::kOther) {
      return Conflict(ours, theirs, version, "the schema changed", true);
    }
  }
  switch (ours.operation) {
    case Operation::kAppend:
      return Status::OK();  // fragment ids are assigned when the manifest is built
    case Operation::kDelete: {
      std::set<uint64_t> mine = TouchedByDelete(ours);
      if (theirs.operation == Operation::kRewrite) {
        for (uint64_t id : RewrittenIds(theirs)) {
          if (mine.count(id)) {
            return Conflict(ours, theirs, version,
                            "fragment " + std::to_string(id) + " was rewritten; rerun the delete",
                            true);
          }
        }
        return Status::OK();
      }
      if (theirs.operation == Operation::kDelete) {
        for (uint64_t id : theirs.deleted_fragment_ids) {
          // Every row of the fragment is gone already: our deletions there are moot.
          auto& upd = ours.updated_fragments;
          upd.erase(std::remove_if(upd.begin(), upd.end(),
                                   [&](const Fragment& f) { return f.id == id; }),
                    upd.end());
          auto& del = ours.deleted_fragment_ids;
          del.erase(std::remove(del.begin(), del.end(), id), del.end());
        }
        for (const Fragment& f : theirs.updated_fragments) {
          if (Contains(ours.deleted_fragment_ids, f.id)) continue;  // we delete it all anyway
          LANCET_RETURN_NOT_OK(RebaseDelete(fs, base, p, f, version));
        }
      }
      return Status::OK();
    }
    case Operation::kRewrite: {
      std::set<uint64_t> mine = RewrittenIds(ours);
      std::set<uint64_t> touched;
      if (theirs.operation == Operation::kDelete) touched = TouchedByDelete(theirs);
      if (theirs.operation == Operation::kRewrite) touched = RewrittenIds(theirs);
      for (uint64_t id : touched) {
        if (mine.count(id)) {
          return Conflict(ours, theirs, version,
                          "fragment " + std::to_string(id) + " changed concurrently", true);
        }
      }
      return Status::OK();
    }
    case Operation::kCreateIndex: {
      if (theirs.operation == Operation::kRewrite) {
        std::set<uint64_t> rewritten = RewrittenIds(theirs);
        for (const IndexMetadata& im : ours.new_indices) {
          for (uint32_t f : im.fragment_ids) {
            if (rewritten.count(f)) {
              return Conflict(ours, theirs, version,
                              "indexed fragment " + std::to_string(f) + " was rewritten", true);
            }
          }
        }
      }
      if (theirs.operation == Operation::kCreateIndex) {
        for (const IndexMetadata& a : ours.new_indices) {
          for (const IndexMetadata& b : theirs.new_indices) {
            if (a.name == b.name) {
              return Conflict(ours, theirs, version,
                              "an index named '" + a.name + "' was created concurrently", true);
            }
          }
        }
      }
      return Status::OK();
    }
    default:
      return Status::NotSupported(std::string("committing ") + OperationName(ours.operation));
  }
}

uint64_t MaxFragmentId(const Manifest& m) {
  uint64_t max_id = m.max_fragment_id.value_or(0);
  for (const Fragment& f : m.fragments) max_id = std::max(max_id, f.id);
  return max_id;
}

bool HasFragments(const Manifest& m) {
  return !m.fragments.empty() || m.max_fragment_id.has_value();
}

void DropFragmentsFromIndices(Manifest* m, const std::set<uint64_t>& ids) {
  for (IndexMetadata& im : m->indices) {
    auto& f = im.fragment_ids;
    f.erase(std::remove_if(f.begin(), f.end(), [&](uint32_t x) { return ids.count(x) > 0; }),
            f.end());
  }
}

}  // namespace

BatchSource VectorSource(std::vector<RecordBatch>* batches) {
  auto next = std::make_shared<size_t>(0);
  return [batches, next]() -> Result<std::optional<RecordBatch>> {
    if (*next >= batches->size()) return std::optional<RecordBatch>();
    return std::optional<RecordBatch>(std::move((*batches)[(*next)++]));
  };
}

Status CheckReadable(const Manifest& m, const std::string& path) {
  uint64_t unknown = m.reader_feature_flags & ~kReaderFlagsSupported;
  if (unknown) {
    return Status::NotSupported(path + ": reader feature flags " + std::to_string(unknown) +
                                " are not supported by lancet");
  }
  return m.FileVersion().status().WithContext(path);
}

Result<LoadedManifest> LoadManifestVersion(io::FileSystem* fs, const std::string& base,
                                           uint64_t version) {
  std::string dir = JoinPath(base, "_versions");
  for (ManifestNaming n : {ManifestNaming::kV2, ManifestNaming::kV1}) {
    std::string p = JoinPath(dir, ManifestFileName(version, n));
    auto loaded = LoadManifestAt(fs, p, n);
    if (loaded.ok() || !loaded.status().IsNotFound()) return loaded;
  }
  return Status::NotFound("version " + std::to_string(version) + " of " + base +
                          " does not exist");
}

Result<LoadedManifest> LoadLatestManifest(io::FileSystem* fs, const std::string& base) {
  // A manifest found by listing can disappear only through cleanup of old versions; the
  // latest is never removed, so one retry covers a listing raced by a cleanup.
  for (int attempt = 0;; ++attempt) {
    LANCET_ASSIGN_OR_RETURN(VersionInfo latest, FindLatestVersion(fs, base));
    auto parsed = ParseManifestFileName(BaseName(latest.manifest_path));
    auto loaded = LoadManifestAt(fs, latest.manifest_path,
                                 parsed ? parsed->second : ManifestNaming::kV2);
    if (loaded.ok() || !loaded.status().IsNotFound() || attempt > 0) return loaded;
  }
}

Result<Transaction> LoadTransaction(io::FileSystem* fs, const std::string& base,
                                    const LoadedManifest& m) {
  if (m.manifest.transaction_section) {
    LANCET_ASSIGN_OR_RETURN(Buffer bytes, fs->ReadFile(m.path));
    LANCET_ASSIGN_OR_RETURN(std::string txn, ReadEmbeddedTransaction(bytes, m.path));
    return ParseTransaction(Buffer::FromString(std::move(txn)), m.path + " (transaction)");
  }
  if (m.manifest.transaction_file.empty()) {
    return Status::Corruption("version " + std::to_string(m.manifest.version) + " of " + base +
                              " has no transaction");
  }
  std::string path = JoinPath(base, "_transactions/" + m.manifest.transaction_file);
  LANCET_ASSIGN_OR_RETURN(Buffer bytes, fs->ReadFile(path));
  return ParseTransaction(bytes, path);
}

Result<Manifest> BuildManifest(io::FileSystem* fs, const std::string& base, const Manifest& latest,
                               const Transaction& txn, uint64_t version,
                               const std::optional<std::string>& data_storage_version) {
  Manifest m = latest;
  m.version = version;
  m.timestamp_nanos = NowNanos();
  m.writer_library = "lancet";
  m.writer_version = kLancetVersion;
  m.tag.clear();
  m.transaction_section.reset();
  m.index_section.reset();
  uint64_t next_id = HasFragments(latest) ? MaxFragmentId(latest) + 1 : 0;
  switch (txn.operation) {
    case Operation::kOverwrite: {
      if (!txn.schema) return Status::InvalidArgument("Overwrite without a schema");
      m.schema = *txn.schema;
      if (data_storage_version) m.data_storage_version = *data_storage_version;
      m.fragments.clear();
      m.indices.clear();
      for (const auto& [k, v] : txn.config_upsert) m.config[k] = v;
      for (Fragment f : txn.fragments) {
        f.id = next_id++;
        m.fragments.push_back(std::move(f));
      }
      break;
    }
    case Operation::kAppend:
      for (Fragment f : txn.fragments) {
        f.id = next_id++;
        m.fragments.push_back(std::move(f));
      }
      break;
    case Operation::kDelete: {
      std::set<uint64_t> removed(txn.deleted_fragment_ids.begin(), txn.deleted_fragment_ids.end());
      std::vector<Fragment> out;
      for (const Fragment& f : m.fragments) {
        if (removed.count(f.id)) continue;
        auto it = std::find_if(txn.updated_fragments.begin(), txn.updated_fragments.end(),
                               [&](const Fragment& u) { return u.id == f.id; });
        out.push_back(it == txn.updated_fragments.end() ? f : *it);
      }
      m.fragments = std::move(out);
      break;
    }
    case Operation::kCreateIndex: {
      for (const IndexMetadata& r : txn.removed_indices) {
        m.indices.erase(std::remove_if(m.indices.begin(), m.indices.end(),
                                       [&](const IndexMetadata& x) { return x.uuid == r.uuid; }),
                        m.indices.end());
      }
      for (const IndexMetadata& n : txn.new_indices) m.indices.push_back(n);
      break;
    }
    case Operation::kReserveFragments:
      next_id += txn.num_reserved_fragments;
      break;
    case Operation::kRewrite: {
      std::set<uint64_t> old_ids = RewrittenIds(txn);
      std::vector<Fragment> out;
      for (const Fragment& f : m.fragments) {
        if (!old_ids.count(f.id)) {
          out.push_back(f);
          continue;
        }
        // Put each group's new fragments where its first old fragment was.
        for (const RewriteGroup& g : txn.groups) {
          if (!g.old_fragments.empty() && g.old_fragments.front().id == f.id) {
            for (const Fragment& nf : g.new_fragments) {
              out.push_back(nf);
              next_id = std::max(next_id, nf.id + 1);
            }
          }
        }
      }
      m.fragments = std::move(out);
      for (const Transaction::RewrittenIndex& r : txn.rewritten_indices) {
        for (IndexMetadata& im : m.indices) {
          if (im.uuid != r.old_uuid) continue;
          im.uuid = r.new_uuid;
          im.details_type_url = r.details_type_url;
          im.details_value = r.details_value;
          im.index_version = static_cast<int32_t>(r.new_index_version);
          im.files = r.new_files;
          for (const RewriteGroup& g : txn.groups) {
            for (const Fragment& nf : g.new_fragments) {
              im.fragment_ids.push_back(static_cast<uint32_t>(nf.id));
            }
          }
        }
      }
      DropFragmentsFromIndices(&m, old_ids);
      break;
    }
    case Operation::kRestore: {
      LANCET_ASSIGN_OR_RETURN(LoadedManifest old, LoadManifestVersion(fs, base, txn.restore_version));
      Manifest r = old.manifest;
      r.version = version;
      r.timestamp_nanos = m.timestamp_nanos;
      r.writer_library = m.writer_library;
      r.writer_version = m.writer_version;
      r.tag.clear();
      r.transaction_section.reset();
      r.index_section.reset();
      r.max_fragment_id = m.max_fragment_id;
      next_id = std::max(next_id, HasFragments(r) ? MaxFragmentId(r) + 1 : 0);
      m = std::move(r);
      break;
    }
    default:
      return Status::NotSupported(std::string("building a manifest for ") +
                                  OperationName(txn.operation));
  }
  if (next_id > 0) m.max_fragment_id = static_cast<uint32_t>(next_id - 1);
  bool deletions = std::any_of(m.fragments.begin(), m.fragments.end(),
                               [](const Fragment& f) { return f.deletion_file.has_value(); });
  if (deletions) {
    m.reader_feature_flags |= kFlagDeletionFiles;
    m.writer_feature_flags |= kFlagDeletionFiles;
  } else {
    m.reader_feature_flags &= ~kFlagDeletionFiles;
    m.writer_feature_flags &= ~kFlagDeletionFiles;
  }
  return m;
}

LoadedManifest HeldManifest(const Manifest& m, const std::string& path) {
  LoadedManifest out;
  out.manifest = m;
  out.path = path;
  auto parsed = ParseManifestFileName(BaseName(path));
  out.naming = parsed ? parsed->second : ManifestNaming::kV2;
  return out;
}

namespace {

// Upload the transaction file and the deferred files concurrently (one thread each beyond the
// caller's); returns once all finished, with the first error.
Status UploadBeforeManifest(io::FileSystem* fs, const std::string& txn_path,
                            const std::string& txn_bytes, const std::vector<DeferredFile>& files) {
  std::vector<Status> results(files.size());
  std::vector<std::thread> threads;
  threads.reserve(files.size());
  for (size_t i = 0; i < files.size(); ++i) {
    auto upload = [fs, &files, &results, i] {
      results[i] = fs->WriteFile(files[i].path, files[i].data);
    };
    try {
      threads.emplace_back(upload);
    } catch (const std::system_error&) {
      upload();  // no thread to be had: upload in turn
    }
  }
  Status st = fs->WriteFile(txn_path, Buffer::FromString(txn_bytes));
  for (std::thread& t : threads) t.join();
  for (Status& r : results) {
    if (st.ok() && !r.ok()) st = std::move(r);
  }
  return st;
}

}  // namespace

Result<LoadedManifest> CommitTransaction(io::FileSystem* fs, const std::string& base,
                                         PendingCommit pending, const CommitOptions& options) {
  Transaction& txn = pending.txn;
  if (txn.uuid.empty()) txn.uuid = UuidToString(NewUuid());
  const std::string txn_name = std::to_string(txn.read_version) + "-" + txn.uuid + ".txn";
  const std::string txn_path = JoinPath(base, "_transactions/" + txn_name);
  uint64_t checked = txn.read_version;  // transactions up to here are known compatible
  // The caller's manifest of the read version: the first attempt builds on it without listing.
  std::optional<LoadedManifest> held = std::move(pending.read_manifest);
  if (held && held->manifest.version != txn.read_version) held.reset();
  std::vector<DeferredFile> deferred = std::move(pending.deferred_files);
  std::optional<std::string> uploaded_txn;  // the transaction file's bytes as last uploaded
  std::mt19937_64 rng(RandomU64());
  int attempt = 0;
  while (true) {
    // 1. The latest version (or the held one), and what was committed since our read version.
    const bool optimistic = held.has_value();
    LoadedManifest latest;
    if (optimistic) {
      latest = std::move(*held);
      held.reset();
    } else {
      auto loaded = LoadLatestManifest(fs, base);
      if (loaded.ok()) {
        latest = std::move(*loaded);
      } else if (loaded.status().IsNotFound() && txn.operation == Operation::kOverwrite) {
        latest.manifest = Manifest();
        latest.manifest.version = 0;
        latest.naming = pending.naming;
      } else {
        return loaded.status();
      }
    }
    uint64_t writer_flags = latest.manifest.writer_feature_flags & ~kReaderFlagsSupported;
    if (writer_flags != 0) {
      return Status::NotSupported(base + ": writer feature flags " +
                                  std::to_string(writer_flags) + " are not supported by lancet");
    }
    for (uint64_t v = checked + 1; v <= latest.manifest.version; ++v) {
      LoadedManifest other;
      if (v == latest.manifest.version) {
        other = latest;
      } else {
        LANCET_ASSIGN_OR_RETURN(other, LoadManifestVersion(fs, base, v));
      }
      LANCET_ASSIGN_OR_RETURN(Transaction theirs, LoadTransaction(fs, base, other));
      LANCET_RETURN_NOT_OK(CheckAndRebase(fs, base, &pending, theirs, v));
      checked = v;
    }
    const uint64_t version = latest.manifest.version + 1;
    // 2. The new manifest; the transaction file (again only if a rebase changed it) and the
    // deferred data files, all uploaded concurrently and finished before the manifest exists.
    LANCET_ASSIGN_OR_RETURN(Manifest next,
                            BuildManifest(fs, base, latest.manifest, txn, version,
                                          pending.data_storage_version));
    next.transaction_file = txn_name;
    LANCET_ASSIGN_OR_RETURN(std::string txn_bytes, SerializeTransaction(txn));
    if (!uploaded_txn || *uploaded_txn != txn_bytes) {
      LANCET_RETURN_NOT_OK(UploadBeforeManifest(fs, txn_path, txn_bytes, deferred));
      deferred.clear();
      uploaded_txn = txn_bytes;
    }
    LANCET_ASSIGN_OR_RETURN(Buffer mbytes, SerializeManifest(next, txn_bytes));
    // 3. Create the version: exactly one writer wins.
    std::string mpath = JoinPath(base, "_versions/" + ManifestFileName(version, latest.naming));
    Status st = fs->PutIfAbsent(mpath, mbytes);
    if (st.ok()) {
      if (fs->type_name() == "local") {
        // Best effort, as Lance does on local disk: a stale hint is harmless.
        nlohmann::json hint = {{"version", version}};
        fs->WriteFile(JoinPath(base, "_versions/latest_version_hint.json"),
                      Buffer::FromString(hint.dump()))
            .IgnoreError();
      }
      LoadedManifest out;
      LANCET_ASSIGN_OR_RETURN(out.manifest, ParseManifest(mbytes, mpath));
      out.path = mpath;
      out.naming = latest.naming;
      return out;
    }
    if (!st.IsAlreadyExists() && !st.IsIOError()) return st;
    // The outcome of a failed or conflicting create may be ours: a retried conditional PUT
    // whose first attempt landed (response lost) reports a conflict with itself. The version
    // is ours iff its manifest names our transaction file.
    {
      auto existing = LoadManifestAt(fs, mpath, latest.naming);
      if (existing.ok() && existing->manifest.transaction_file == txn_name) return existing;
      if (!existing.ok() && !existing.status().IsNotFound()) {
        if (st.IsIOError()) return st;
      }
      if (st.IsIOError()) {
        if (!existing.ok() && attempt < options.max_retries && st.retryable()) {
          ++attempt;
          continue;
        }
        if (!existing.ok()) return st;
        // Someone else's manifest is there: a plain conflict.
      }
    }
    if (pending.create_only) {
      return Status::AlreadyExists("a Lance table was created concurrently at " + base);
    }
    // The held manifest was simply not the latest any more: reload and rebase now. That is what
    // a commit without a held manifest starts with, so it is neither a retry nor a reason to
    // back off.
    if (optimistic && st.IsAlreadyExists()) continue;
    if (attempt >= options.max_retries) {
      return Status::CommitConflict("gave up committing " + std::string(OperationName(txn.operation)) +
                                        " to " + base + " after " + std::to_string(attempt + 1) +
                                        " attempts: other writers kept winning",
                                    true);
    }
    double cap = std::min(options.max_backoff_ms,
                          options.base_backoff_ms * std::pow(2.0, std::min(attempt, 20)));
    std::uniform_real_distribution<double> jitter(0, cap);
    std::this_thread::sleep_for(std::chrono::microseconds(static_cast<int64_t>(jitter(rng) * 1000)));
    ++attempt;
  }
}

namespace {

// An output stream that keeps the file in memory while it fits the deferral budget and, on
// Close, hands it to `sink` instead of writing it; a file that outgrows the budget is streamed
// to `fs` from then on.
class DeferringOutputStream : public io::OutputStream {
 public:
  DeferringOutputStream(io::FileSystem* fs, std::string path, DeferredWrites* sink)
      : fs_(fs), path_(std::move(path)), sink_(sink) {}

  const std::string& path() const override { return path_; }
  using io::OutputStream::Write;
  Status Write(const void* data, size_t n) override {
    if (closed_) return Status::IOError("write to a closed stream: " + path_);
    if (!real_ && static_cast<int64_t>(buf_.size() + n) > sink_->budget_bytes) {
      LANCET_ASSIGN_OR_RETURN(real_, fs_->OpenOutputStream(path_));
      LANCET_RETURN_NOT_OK(real_->Write(buf_.data(), buf_.size()));
      std::string().swap(buf_);
    }
    if (real_) return real_->Write(data, n);
    buf_.append(static_cast<const char*>(data), n);
    return Status::OK();
  }
  Result<int64_t> Tell() const override {
    if (real_) return real_->Tell();
    return static_cast<int64_t>(buf_.size());
  }
  Status Close() override {
    if (closed_) return Status::OK();
    closed_ = true;
    if (real_) return real_->Close();
    sink_->budget_bytes -= static_cast<int64_t>(buf_.size());
    sink_->files.push_back(DeferredFile{path_, Buffer::FromString(std::move(buf_))});
    return Status::OK();
  }
  Status Abort() override {
    closed_ = true;
    buf_.clear();
    return real_ ? real_->Abort() : Status::OK();
  }
  bool closed() const override { return closed_; }

 private:
  io::FileSystem* fs_;
  std::string path_;
  DeferredWrites* sink_;
  std::string buf_;
  std::unique_ptr<io::OutputStream> real_;
  bool closed_ = false;
};

}  // namespace

Result<std::vector<Fragment>> WriteDataFiles(io::FileSystem* fs, const std::string& base,
                                             const Schema& schema, const BatchSource& source,
                                             const WriteOptions& options,
                                             DeferredWrites* deferred) {
  file::FileWriterOptions fopts;
  fopts.version = options.data_storage_version;
  fopts.encoder.enable_compression = options.enable_compression;
  fopts.encoder.max_page_bytes = options.max_page_bytes;
  std::vector<Fragment> out;
  std::unique_ptr<file::FileWriter> writer;
  std::string writer_name;
  uint64_t rows_in_file = 0;
  auto finish_file = [&]() -> Status {
    if (!writer) return Status::OK();
    LANCET_ASSIGN_OR_RETURN(file::FileWriteSummary s, writer->Finish());
    writer.reset();
    Fragment frag;
    frag.physical_rows = s.num_rows;
    DataFile df;
    df.path = writer_name;
    df.fields = s.field_ids;
    df.column_indices = s.column_indices;
    df.file_major_version = s.major_version;
    df.file_minor_version = s.minor_version;
    df.file_size_bytes = static_cast<uint64_t>(s.file_size);
    frag.files.push_back(std::move(df));
    out.push_back(std::move(frag));
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
        const std::string path = JoinPath(base, "data/" + writer_name);
        std::unique_ptr<io::OutputStream> stream;
        if (deferred && deferred->budget_bytes > 0) {
          stream = std::make_unique<DeferringOutputStream>(fs, path, deferred);
        } else {
          LANCET_ASSIGN_OR_RETURN(stream, fs->OpenOutputStream(path));
        }
        LANCET_ASSIGN_OR_RETURN(writer, file::FileWriter::Make(std::move(stream), schema, fopts));
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
  return out;
}

}  // namespace lancet::table::internal
