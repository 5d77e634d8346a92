// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The lancet authors
//
// Table commands: append, delete, checkout, tag, restore, compact, cleanup, inspect.
#include <CLI/CLI.hpp>

#include <fstream>
#include <iostream>
#include <map>
#include <nlohmann/json.hpp>
#include <set>

#include "cli_util.h"
#include "lancet/core/json_rows.h"
#include "lancet/table/dataset.h"
#include "lancet/table/deletion_file.h"
#include "lancet/table/manifest_io.h"
#include "lancet/table/transaction.h"

namespace lancet::cli {
namespace {

struct Common {
  std::string uri;
  int64_t version = -1;
  std::string tag;
  IoOptions io;

  Result<std::unique_ptr<table::Dataset>> Open() {
    table::OpenOptions oo;
    if (version >= 0) oo.version = static_cast<uint64_t>(version);
    if (!tag.empty()) oo.tag = tag;
    oo.wrap_fs = io.Wrapper();
    return table::Dataset::Open(uri, oo);
  }
};

void AddVersionOptions(CLI::App* cmd, Common* c) {
  cmd->add_option("--version", c->version, "Use this version (default: latest)");
  cmd->add_option("--tag", c->tag, "Use the version this tag names");
}

void PrintVersion(const table::Dataset& ds, nlohmann::json extra = nlohmann::json::object()) {
  extra["version"] = ds.version();
  extra["rows"] = ds.CountRows();
  extra["fragments"] = ds.manifest().fragments.size();
  std::cout << extra.dump() << "\n";
}

Status RunAppend(Common& c, const std::string& input, int64_t batch_rows) {
  LANCET_ASSIGN_OR_RETURN(auto ds, c.Open());
  std::ifstream in(input, std::ios::binary);
  if (!in) return Status::NotFound("cannot open " + input);
  Schema schema = ds->schema();
  LANCET_ASSIGN_OR_RETURN(auto reader, JsonRowReader::Make(schema, in));
  std::vector<RecordBatch> batches;
  while (true) {
    LANCET_ASSIGN_OR_RETURN(std::optional<RecordBatch> b, reader->Next(batch_rows));
    if (!b) break;
    batches.push_back(std::move(*b));
  }
  LANCET_ASSIGN_OR_RETURN(auto next, ds->Append(std::move(batches)));
  PrintVersion(*next);
  c.io.Report();
  return Status::OK();
}

Status RunDelete(Common& c, const std::string& where) {
  LANCET_ASSIGN_OR_RETURN(auto ds, c.Open());
  uint64_t before = ds->CountRows();
  LANCET_ASSIGN_OR_RETURN(auto next, ds->Delete(where));
  PrintVersion(*next, {{"deleted_rows", before - next->CountRows()}});
  c.io.Report();
  return Status::OK();
}

Status RunCheckout(Common& c) {
  LANCET_ASSIGN_OR_RETURN(auto ds, c.Open());
  PrintVersion(*ds, {{"manifest", ds->manifest_path()},
                     {"timestamp_ns", ds->manifest().timestamp_nanos},
                     {"data_storage_version", ds->manifest().data_storage_version}});
  c.io.Report();
  return Status::OK();
}

Status RunTag(Common& c, const std::string& action, const std::string& name) {
  table::OpenOptions oo;
  oo.wrap_fs = c.io.Wrapper();
  LANCET_ASSIGN_OR_RETURN(auto ds, table::Dataset::Open(c.uri, oo));
  if (action == "list") {
    LANCET_ASSIGN_OR_RETURN(auto tags, ds->ListTags());
    for (const auto& [n, v] : tags) std::cout << nlohmann::json{{"tag", n}, {"version", v}}.dump() << "\n";
  } else if (action == "create") {
    if (name.empty()) return Status::InvalidArgument("tag create needs a NAME");
    uint64_t v = c.version >= 0 ? static_cast<uint64_t>(c.version) : ds->version();
    LANCET_RETURN_NOT_OK(ds->CreateTag(name, v));
    std::cout << nlohmann::json{{"tag", name}, {"version", v}}.dump() << "\n";
  } else if (action == "delete") {
    if (name.empty()) return Status::InvalidArgument("tag delete needs a NAME");
    LANCET_RETURN_NOT_OK(ds->DeleteTag(name));
  } else {
    return Status::InvalidArgument("tag action must be create, delete or list");
  }
  c.io.Report();
  return Status::OK();
}

Status RunRestore(Common& c) {
  if (c.version < 0 && c.tag.empty()) {
    return Status::InvalidArgument("restore needs --version or --tag");
  }
  LANCET_ASSIGN_OR_RETURN(auto ds, c.Open());
  LANCET_ASSIGN_OR_RETURN(auto next, ds->Restore());
  PrintVersion(*next, {{"restored_version", ds->version()}});
  c.io.Report();
  return Status::OK();
}

Status RunCompact(Common& c, int64_t target_rows, double threshold) {
  LANCET_ASSIGN_OR_RETURN(auto ds, c.Open());
  table::CompactionOptions co;
  co.target_rows_per_fragment = target_rows;
  co.materialize_deletions_threshold = threshold;
  table::CompactionMetrics m;
  LANCET_ASSIGN_OR_RETURN(auto next, ds->Compact(co, &m));
  PrintVersion(*next, {{"fragments_removed", m.fragments_removed},
                       {"fragments_added", m.fragments_added},
                       {"files_removed", m.files_removed},
                       {"files_added", m.files_added}});
  c.io.Report();
  return Status::OK();
}

Status RunCleanup(Common& c, double older_than, bool delete_unverified) {
  LANCET_ASSIGN_OR_RETURN(auto ds, c.Open());
  table::CleanupOptions co;
  co.older_than_seconds = older_than;
  co.delete_unverified = delete_unverified;
  LANCET_ASSIGN_OR_RETURN(table::CleanupStats st, ds->Cleanup(co));
  std::cout << nlohmann::json{{"old_versions", st.old_versions},
                              {"files_removed", st.files_removed},
                              {"bytes_removed", st.bytes_removed}}
                   .dump()
            << "\n";
  c.io.Report();
  return Status::OK();
}

// The files of one version, with sizes and the version that added each; deletion vectors
// decoded.
Status RunInspect(Common& c, bool show_rows) {
  LANCET_ASSIGN_OR_RETURN(auto ds, c.Open());
  io::FileSystem* fs = ds->fs().get();
  const std::string& base = ds->base_path();
  // Which version first referenced each file.
  std::map<std::string, uint64_t> added_in;
  LANCET_ASSIGN_OR_RETURN(auto versions, ds->ListVersions());
  nlohmann::json history = nlohmann::json::array();
  for (const auto& v : versions) {
    if (v.version > ds->version()) break;
    LANCET_ASSIGN_OR_RETURN(Buffer bytes, fs->ReadFile(v.manifest_path));
    LANCET_ASSIGN_OR_RETURN(table::Manifest m, table::ParseManifest(bytes, v.manifest_path));
    nlohmann::json added = nlohmann::json::array();
    auto note = [&](const std::string& rel) {
      if (added_in.emplace(rel, v.version).second) added.push_back(rel);
    };
    for (const auto& f : m.fragments) {
      for (const auto& d : f.files) note("data/" + d.path);
      if (f.deletion_file) note(f.deletion_file->RelativePath(f.id));
    }
    for (const auto& im : m.indices) note("_indices/" + im.uuid + "/");
    std::string op;
    if (m.transaction_section) {
      auto txn = table::ReadEmbeddedTransaction(bytes, v.manifest_path);
      if (txn.ok()) {
        auto t = table::ParseTransaction(Buffer::FromString(*txn), v.manifest_path);
        if (t.ok()) op = table::OperationName(t->operation);
      }
    }
    nlohmann::json mf = {{"path", v.manifest_path.substr(base.size() + 1)},
                         {"bytes", bytes.size()}};
    history.push_back({{"version", v.version},
                       {"operation", op},
                       {"manifest", mf},
                       {"transaction_file", m.transaction_file.empty()
                                                ? nlohmann::json(nullptr)
                                                : nlohmann::json("_transactions/" + m.transaction_file)},
                       {"rows", m.CountRows()},
                       {"added", added}});
  }
  const table::Manifest& m = ds->manifest();
  nlohmann::json frags = nlohmann::json::array();
  uint64_t total_bytes = 0;
  for (const auto& f : m.fragments) {
    nlohmann::json files = nlohmann::json::array();
    for (const auto& d : f.files) {
      std::string rel = "data/" + d.path;
      int64_t size = static_cast<int64_t>(d.file_size_bytes);
      if (size == 0) {
        auto info = fs->GetFileInfo(base + "/" + rel);
        if (info.ok()) size = info->size;
      }
      total_bytes += static_cast<uint64_t>(size);
      files.push_back({{"path", rel},
                       {"bytes", size},
                       {"format", std::to_string(d.file_major_version) + "." +
                                      std::to_string(d.file_minor_version)},
                       {"added_in_version", added_in[rel]}});
    }
    nlohmann::json jf = {{"id", f.id}, {"physical_rows", f.physical_rows}, {"files", files}};
    if (f.deletion_file) {
      std::string rel = f.deletion_file->RelativePath(f.id);
      auto info = fs->GetFileInfo(base + "/" + rel);
      LANCET_ASSIGN_OR_RETURN(std::vector<uint32_t> rows, ds->DeletedRows(f));
      nlohmann::json del = {{"path", rel},
                            {"type", f.deletion_file->type == table::DeletionFile::Type::kBitmap
                                         ? "bitmap (.bin)"
                                         : "arrow (.arrow)"},
                            {"bytes", info.ok() ? info->size : -1},
                            {"num_deleted_rows", rows.size()},
                            {"added_in_version", added_in[rel]}};
      if (show_rows || rows.size() <= 64) {
        del["deleted_rows"] = rows;
      } else {
        del["deleted_rows_head"] = std::vector<uint32_t>(rows.begin(), rows.begin() + 64);
      }
      if (info.ok()) total_bytes += static_cast<uint64_t>(info->size);
      jf["deletion_file"] = del;
    }
    frags.push_back(jf);
  }
  nlohmann::json indices = nlohmann::json::array();
  for (const auto& im : m.indices) {
    nlohmann::json files = nlohmann::json::array();
    auto listing = fs->List(base + "/_indices/" + im.uuid, true);
    if (listing.ok()) {
      for (const auto& info : *listing) {
        files.push_back({{"path", info.path.substr(base.size() + 1)}, {"bytes", info.size}});
        total_bytes += static_cast<uint64_t>(info.size);
      }
    }
    indices.push_back({{"name", im.name},
                       {"uuid", im.uuid},
                       {"fields", im.fields},
                       {"dataset_version", im.dataset_version},
                       {"fragments", im.fragment_ids},
                       {"files", files}});
  }
  nlohmann::json out = {{"uri", ds->uri()},
                        {"version", ds->version()},
                        {"rows", ds->CountRows()},
                        {"data_storage_version", m.data_storage_version},
                        {"reader_feature_flags", m.reader_feature_flags},
                        {"writer_feature_flags", m.writer_feature_flags},
                        {"manifest", ds->manifest_path().substr(base.size() + 1)},
                        {"fragments", frags},
                        {"indices", indices},
                        {"bytes_referenced", total_bytes},
                        {"history", history}};
  std::cout << out.dump(2) << "\n";
  c.io.Report();
  return Status::OK();
}

}  // namespace

void AddTableCommands(CLI::App* app, std::optional<Status>* result) {
  auto common = std::make_shared<Common>();
  auto add_uri = [common](CLI::App* cmd) {
    cmd->add_option("uri", common->uri, "Dataset URI")->required();
    AddIoOptions(cmd, &common->io);
  };

  auto input = std::make_shared<std::string>();
  auto batch_rows = std::make_shared<int64_t>(8192);
  auto* append = app->add_subcommand("append", "Append JSON-lines rows as a new version");
  add_uri(append);
  append->add_option("--input", *input, "Rows as JSON lines")->required();
  append->add_option("--batch-rows", *batch_rows);
  append->callback([=] { *result = RunAppend(*common, *input, *batch_rows); });

  auto where = std::make_shared<std::string>();
  auto* del = app->add_subcommand("delete", "Delete the rows matching a predicate");
  add_uri(del);
  del->add_option("--where", *where, "Lance predicate, e.g. \"id < 10 AND label = 'car'\"")
      ->required();
  del->callback([=] { *result = RunDelete(*common, *where); });

  auto* checkout = app->add_subcommand("checkout", "Open a version (or tag) and describe it");
  add_uri(checkout);
  AddVersionOptions(checkout, common.get());
  checkout->callback([=] { *result = RunCheckout(*common); });

  auto action = std::make_shared<std::string>();
  auto name = std::make_shared<std::string>();
  auto* tag = app->add_subcommand("tag", "Create, delete or list tags");
  tag->add_option("action", *action, "create | delete | list")->required();
  add_uri(tag);
  tag->add_option("name", *name, "Tag name");
  tag->add_option("--version", common->version, "Version to tag (default: latest)");
  tag->callback([=] { *result = RunTag(*common, *action, *name); });

  auto* restore = app->add_subcommand("restore", "Make an old version the latest again");
  add_uri(restore);
  AddVersionOptions(restore, common.get());
  restore->callback([=] { *result = RunRestore(*common); });

  auto target = std::make_shared<int64_t>(1024 * 1024);
  auto threshold = std::make_shared<double>(0.1);
  auto* compact = app->add_subcommand("compact", "Merge small fragments, materialize deletions");
  add_uri(compact);
  compact->add_option("--target-rows", *target, "Rows per output fragment");
  compact->add_option("--deletion-threshold", *threshold,
                      "Rewrite fragments with more than this fraction deleted");
  compact->callback([=] { *result = RunCompact(*common, *target, *threshold); });

  auto older = std::make_shared<double>(7 * 24 * 3600.0);
  auto unverified = std::make_shared<bool>(false);
  auto* cleanup = app->add_subcommand("cleanup", "Remove old versions and unreferenced files");
  add_uri(cleanup);
  cleanup->add_option("--older-than", *older, "Seconds; 0 keeps only the latest (and tagged)");
  cleanup->add_flag("--delete-unverified", *unverified,
                    "Also delete unreferenced files younger than 7 days (no writer may be active)");
  cleanup->callback([=] { *result = RunCleanup(*common, *older, *unverified); });

  auto all_rows = std::make_shared<bool>(false);
  auto* inspect = app->add_subcommand(
      "inspect", "Files of a version with sizes, what each version added, deletion vectors");
  add_uri(inspect);
  AddVersionOptions(inspect, common.get());
  inspect->add_flag("--all-deleted-rows", *all_rows, "Print every deleted row offset");
  inspect->callback([=] { *result = RunInspect(*common, *all_rows); });
}

}  // namespace lancet::cli
