// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The lancet authors
#include "commands.h"

#include "cli_util.h"

#include <CLI/CLI.hpp>

#include <cmath>
#include <fstream>
#include <iomanip>
#include <iostream>
#include <nlohmann/json.hpp>
#include <random>
#include <sstream>

#include "lancet/core/json_rows.h"
#include "lancet/encoding/field_codec.h"
#include "lancet/encoding/v20_describe.h"
#include "lancet/file/file_reader.h"
#include "lancet/file/file_writer.h"
#include "lancet/io/counting_file_system.h"
#include "lancet/io/file_system.h"
#include "lancet/table/dataset.h"
#include "lancet/table/filter.h"

namespace lancet::cli {
namespace {

constexpr char kVersion[] = "0.1.0";

// ---- import ---------------------------------------------------------------------------------

struct ImportArgs {
  std::string uri, schema_path, input_path, storage_version = "2.2";
  int64_t max_rows_per_file = 1024 * 1024;
  int64_t batch_rows = 8192;
  bool compression = false;
  bool v1_manifest = false;
  IoOptions io;
};

Status RunImport(ImportArgs& a) {
  LANCET_ASSIGN_OR_RETURN(std::string schema_json, ReadTextFile(a.schema_path));
  LANCET_ASSIGN_OR_RETURN(Schema schema, SchemaFromJson(schema_json));
  std::ifstream in(a.input_path, std::ios::binary);
  if (!in) return Status::NotFound("cannot open " + a.input_path);
  LANCET_ASSIGN_OR_RETURN(auto reader, JsonRowReader::Make(schema, in));
  table::WriteOptions wo;
  LANCET_ASSIGN_OR_RETURN(wo.data_storage_version, file::ParseFileVersion(a.storage_version));
  wo.max_rows_per_file = a.max_rows_per_file;
  wo.enable_compression = a.compression;
  wo.manifest_naming = a.v1_manifest ? table::ManifestNaming::kV1 : table::ManifestNaming::kV2;
  table::BatchSource source = [&]() { return reader->Next(a.batch_rows); };
  table::OpenOptions oo;
  oo.wrap_fs = a.io.Wrapper();
  LANCET_ASSIGN_OR_RETURN(auto ds, table::Dataset::Create(a.uri, schema, source, wo, oo));
  nlohmann::json out = {{"uri", a.uri},
                        {"version", ds->version()},
                        {"rows", ds->CountRows()},
                        {"fragments", ds->manifest().fragments.size()},
                        {"data_storage_version", ds->manifest().data_storage_version}};
  std::cout << out.dump() << "\n";
  a.io.Report();
  return Status::OK();
}

// ---- scan -----------------------------------------------------------------------------------

struct ScanArgs {
  std::string uri, columns, format = "jsonl", tag, where;
  bool with_row_address = false;
  int64_t limit = -1, offset = 0, version = -1;
  IoOptions io;
};

Status RunScan(ScanArgs& a) {
  if (a.format != "jsonl") return Status::InvalidArgument("unsupported --format " + a.format);
  table::OpenOptions oo;
  if (a.version >= 0) oo.version = static_cast<uint64_t>(a.version);
  if (!a.tag.empty()) oo.tag = a.tag;
  oo.wrap_fs = a.io.Wrapper();
  LANCET_ASSIGN_OR_RETURN(auto ds, table::Dataset::Open(a.uri, oo));
  table::ScanOptions so;
  so.columns = SplitCommas(a.columns);
  so.filter = a.where;
  so.with_row_address = a.with_row_address;
  so.offset = static_cast<uint64_t>(std::max<int64_t>(0, a.offset));
  if (a.limit >= 0) so.limit = static_cast<uint64_t>(a.limit);
  std::ios::sync_with_stdio(false);
  LANCET_RETURN_NOT_OK(ds->Scan(so, [&](const RecordBatch& b) { return WriteJsonRows(b, std::cout); }));
  std::cout.flush();
  a.io.Report();
  return Status::OK();
}

// ---- count-rows / versions ------------------------------------------------------------------

Status RunCountRows(const std::string& uri, int64_t version, const std::string& tag,
                    const std::string& where) {
  table::OpenOptions oo;
  if (!tag.empty()) oo.tag = tag;
  if (version >= 0) oo.version = static_cast<uint64_t>(version);
  LANCET_ASSIGN_OR_RETURN(auto ds, table::Dataset::Open(uri, oo));
  if (where.empty()) {
    std::cout << ds->CountRows() << "\n";
    return Status::OK();
  }
  table::ScanOptions so;
  so.filter = where;
  LANCET_ASSIGN_OR_RETURN(auto filter, table::Filter::Make(where, ds->schema()));
  so.columns = filter->columns();
  uint64_t n = 0;
  LANCET_RETURN_NOT_OK(ds->Scan(so, [&](const RecordBatch& b) {
    n += static_cast<uint64_t>(b.num_rows);
    return Status::OK();
  }));
  std::cout << n << "\n";
  return Status::OK();
}

Status RunVersions(const std::string& uri) {
  LANCET_ASSIGN_OR_RETURN(auto ds, table::Dataset::Open(uri));
  LANCET_ASSIGN_OR_RETURN(auto versions, ds->ListVersions());
  for (const auto& v : versions) {
    nlohmann::json j = {{"version", v.version},
                        {"timestamp_ns", v.timestamp_nanos},
                        {"manifest", v.manifest_path}};
    std::cout << j.dump() << "\n";
  }
  return Status::OK();
}

// ---- file inspect ---------------------------------------------------------------------------

Status RunFileInspect(const std::string& path, IoOptions& io_opts) {
  LANCET_ASSIGN_OR_RETURN(auto fs_path, io::FileSystemFromUri(path));
  std::shared_ptr<io::FileSystem> fs = fs_path.first;
  if (auto w = io_opts.Wrapper()) fs = w(fs);
  LANCET_ASSIGN_OR_RETURN(auto in, fs->OpenInputFile(fs_path.second));
  LANCET_ASSIGN_OR_RETURN(auto reader, file::FileReader::Open(in));
  const file::Footer& f = reader->footer();
  nlohmann::json out;
  out["path"] = path;
  out["file_size"] = reader->file_size();
  out["version"] = encoding::FileVersionName(reader->version());
  out["footer"] = {{"major_version", f.major_version},
                   {"minor_version", f.minor_version},
                   {"column_meta_start", f.column_meta_start},
                   {"column_meta_offsets_start", f.column_meta_offsets_start},
                   {"global_buff_offsets_start", f.global_buff_offsets_start},
                   {"num_global_buffers", f.num_global_buffers},
                   {"num_columns", f.num_columns}};
  out["num_rows"] = reader->num_rows();
  out["schema"] = nlohmann::json::parse(SchemaToJson(reader->schema()));
  nlohmann::json gbs = nlohmann::json::array();
  for (const auto& gb : reader->global_buffers()) {
    gbs.push_back({{"offset", gb.offset}, {"size", gb.length}});
  }
  out["global_buffers"] = gbs;
  nlohmann::json cols = nlohmann::json::array();
  for (size_t c = 0; c < reader->columns().size(); ++c) {
    const auto& col = reader->columns()[c];
    nlohmann::json pages = nlohmann::json::array();
    for (const auto& p : col.pages) {
      nlohmann::json bufs = nlohmann::json::array();
      uint64_t bytes = 0;
      for (const auto& b : p.buffers) {
        bufs.push_back({{"offset", b.offset}, {"size", b.length}});
        bytes += b.length;
      }
      std::string desc;
      if (p.encoding_type_url == encoding::kArrayEncodingTypeUrl) {
        desc = encoding::DescribeArrayEncodingV20(p.encoding);
      } else {
        desc = encoding::DescribePageEncoding(p);
      }
      pages.push_back({{"rows", p.num_rows},
                       {"first_row", p.priority},
                       {"bytes", bytes},
                       {"buffers", bufs},
                       {"encoding", desc}});
    }
    cols.push_back({{"column", c}, {"pages", pages}});
  }
  out["columns"] = cols;
  std::cout << out.dump(2) << "\n";
  io_opts.Report();
  return Status::OK();
}

// ---- demo (the README's main job) -----------------------------------------------------------

Status RunDemo(const std::string& dir, int64_t rows, int dim, const std::string& version) {
  // Generated rows: image metadata plus a unit-norm embedding per row.
  std::string schema_json = R"([
    {"name": "id", "type": "int64", "nullable": false},
    {"name": "path", "type": "string"},
    {"name": "caption", "type": "string"},
    {"name": "width", "type": "int32"},
    {"name": "height", "type": "int32"},
    {"name": "created_at", "type": "timestamp:us:UTC"},
    {"name": "tags", "type": "list", "children": [{"name": "item", "type": "string"}]},
    {"name": "vector", "type": "fixed_size_list:float:)" +
                            std::to_string(dim) + R"(", "nullable": false}
  ])";
  LANCET_ASSIGN_OR_RETURN(Schema schema, SchemaFromJson(schema_json));
  static const char* kColors[] = {"red", "green", "blue", "yellow", "purple", "orange"};
  static const char* kObjects[] = {"car", "house", "tree", "boat", "ball", "star"};
  std::mt19937_64 rng(42);
  std::normal_distribution<float> normal;
  std::stringstream lines;
  for (int64_t i = 0; i < rows; ++i) {
    const char* color = kColors[rng() % 6];
    const char* object = kObjects[rng() % 6];
    std::vector<float> v(dim);
    double norm = 0;
    for (float& x : v) {
      x = normal(rng);
      norm += double(x) * x;
    }
    for (float& x : v) x = static_cast<float>(x / std::sqrt(norm));
    nlohmann::json row = {{"id", i},
                          {"path", "images/" + std::to_string(i) + ".png"},
                          {"caption", std::string("a ") + color + " " + object},
                          {"width", 224},
                          {"height", 224},
                          {"created_at", 1764000000000000LL + i * 1000000LL},
                          {"tags", {color, object}},
                          {"vector", v}};
    lines << row.dump() << "\n";
  }
  LANCET_ASSIGN_OR_RETURN(auto reader, JsonRowReader::Make(schema, lines));
  table::WriteOptions wo;
  LANCET_ASSIGN_OR_RETURN(wo.data_storage_version, file::ParseFileVersion(version));
  std::string uri = dir + "/images.lance";
  LANCET_ASSIGN_OR_RETURN(auto fs_path, io::FileSystemFromUri(uri));
  LANCET_ASSIGN_OR_RETURN(bool exists, fs_path.first->Exists(fs_path.second));
  if (exists) LANCET_RETURN_NOT_OK(fs_path.first->DeleteDir(fs_path.second));
  table::BatchSource source = [&]() { return reader->Next(1024); };
  LANCET_ASSIGN_OR_RETURN(auto ds, table::Dataset::Create(uri, schema, source, wo));

  std::cout << "Created " << uri << " (Lance file format " << ds->manifest().data_storage_version
            << ", version " << ds->version() << ", " << ds->CountRows() << " rows)\n\nFiles:\n";
  LANCET_ASSIGN_OR_RETURN(auto files, fs_path.first->List(fs_path.second, true));
  for (const auto& f : files) {
    if (f.is_dir) continue;
    std::cout << "  " << std::setw(10) << f.size << "  "
              << f.path.substr(fs_path.second.size() + 1) << "\n";
  }
  // Read back: the first rows without the vector, and the data file's layout.
  table::ScanOptions so;
  so.columns = {"id", "path", "caption", "created_at", "tags"};
  so.limit = 3;
  std::cout << "\nFirst rows (lancet scan " << uri << " --columns id,path,caption,created_at,tags"
            << " --limit 3):\n";
  LANCET_RETURN_NOT_OK(ds->Scan(so, [](const RecordBatch& b) { return WriteJsonRows(b, std::cout); }));
  const auto& frag = ds->manifest().fragments.at(0);
  std::string data_path = fs_path.second + "/data/" + frag.files.at(0).path;
  LANCET_ASSIGN_OR_RETURN(auto in, fs_path.first->OpenInputFile(data_path));
  LANCET_ASSIGN_OR_RETURN(auto fr, file::FileReader::Open(in));
  std::cout << "\nColumns of " << frag.files.at(0).path << ":\n";
  for (size_t c = 0; c < fr->columns().size(); ++c) {
    const auto& col = fr->columns()[c];
    uint64_t bytes = 0;
    for (const auto& p : col.pages) {
      for (const auto& b : p.buffers) bytes += b.length;
    }
    std::string enc = col.pages.empty() ? "(no pages)" : (col.pages[0].encoding_type_url ==
                                                                  encoding::kArrayEncodingTypeUrl
                                                              ? encoding::DescribeArrayEncodingV20(
                                                                    col.pages[0].encoding)
                                                              : encoding::DescribePageEncoding(
                                                                    col.pages[0]));
    std::cout << "  column " << c << ": " << col.pages.size() << " page(s), " << bytes
              << " bytes, " << enc << "\n";
  }
  // Check: every value read back equals what was written.
  std::stringstream again(lines.str());
  LANCET_ASSIGN_OR_RETURN(auto reader2, JsonRowReader::Make(schema, again));
  LANCET_ASSIGN_OR_RETURN(auto expected, reader2->Next(rows));
  LANCET_ASSIGN_OR_RETURN(RecordBatch actual, ds->ScanAll());
  if (!expected) return Status::Internal("demo rows vanished");
  for (size_t c = 0; c < actual.columns.size(); ++c) {
    std::string diff;
    if (!ArrayEquals(*expected->columns[c], *actual.columns[c], &diff)) {
      return Status::Corruption("demo read-back mismatch in column '" +
                                schema.fields[c].name + "': " + diff);
    }
  }
  std::cout << "\nRead back all " << actual.num_rows << " rows: every value matches.\n";
  return Status::OK();
}

}  // namespace

void AddIoOptions(CLI::App* cmd, IoOptions* io) {
  cmd->add_flag("--io-stats", io->io_stats,
                "Print storage requests, bytes and latency of the command as JSON on stderr");
}

Result<std::string> ReadTextFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::NotFound("cannot open " + path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::vector<std::string> SplitCommas(const std::string& s) {
  std::vector<std::string> out;
  std::string cur;
  for (char c : s) {
    if (c == ',') {
      if (!cur.empty()) out.push_back(cur);
      cur.clear();
    } else {
      cur.push_back(c);
    }
  }
  if (!cur.empty()) out.push_back(cur);
  return out;
}

int ExitCode(const Status& st) {
  switch (st.code()) {
    case StatusCode::kOk: return 0;
    case StatusCode::kInvalidArgument: return 1;
    case StatusCode::kNotFound: return 2;
    case StatusCode::kCorruption: return 3;
    case StatusCode::kNotSupported: return 4;
    case StatusCode::kCommitConflict:
    case StatusCode::kAlreadyExists: return 5;
    default: return 6;
  }
}

int Main(int argc, char** argv) {
  CLI::App app{"lancet: a native C++ engine for the Lance columnar format"};
  app.require_subcommand(0, 1);
  bool show_version = false;
  app.add_flag("--version", show_version, "Print the version and build information");

  ImportArgs import_args;
  auto* import_cmd = app.add_subcommand("import", "Create a dataset from JSON lines");
  import_cmd->add_option("uri", import_args.uri, "Dataset URI")->required();
  import_cmd->add_option("--schema", import_args.schema_path, "Schema JSON file")->required();
  import_cmd->add_option("--input", import_args.input_path, "Rows as JSON lines")->required();
  import_cmd->add_option("--data-storage-version", import_args.storage_version,
                         "Lance file format version: 2.0, 2.1 or 2.2");
  import_cmd->add_option("--max-rows-per-file", import_args.max_rows_per_file);
  import_cmd->add_option("--batch-rows", import_args.batch_rows, "Rows per write batch");
  import_cmd->add_flag("--compression", import_args.compression,
                       "Use compressive encodings where they pay off");
  import_cmd->add_flag("--v1-manifest-paths", import_args.v1_manifest,
                       "Name manifests with the V1 scheme ({version}.manifest)");
  AddIoOptions(import_cmd, &import_args.io);

  ScanArgs scan_args;
  auto* scan_cmd = app.add_subcommand("scan", "Print rows of a dataset");
  scan_cmd->add_option("uri", scan_args.uri, "Dataset URI")->required();
  scan_cmd->add_option("--columns", scan_args.columns, "Comma-separated columns");
  scan_cmd->add_option("--limit", scan_args.limit);
  scan_cmd->add_option("--offset", scan_args.offset);
  scan_cmd->add_option("--version", scan_args.version, "Read this version (default: latest)");
  scan_cmd->add_option("--tag", scan_args.tag, "Read the version this tag names");
  scan_cmd->add_option("--where", scan_args.where, "Only rows matching this Lance predicate");
  scan_cmd->add_flag("--with-row-address", scan_args.with_row_address,
                     "Add the _rowaddr column ((fragment << 32) | offset)");
  scan_cmd->add_option("--format", scan_args.format, "Output format (jsonl)");
  AddIoOptions(scan_cmd, &scan_args.io);

  std::string count_uri;
  int64_t count_version = -1;
  std::string count_tag, count_where;
  auto* count_cmd = app.add_subcommand("count-rows", "Print the number of rows");
  count_cmd->add_option("uri", count_uri)->required();
  count_cmd->add_option("--version", count_version);
  count_cmd->add_option("--tag", count_tag);
  count_cmd->add_option("--where", count_where, "Count only rows matching this predicate");

  std::string versions_uri;
  auto* versions_cmd = app.add_subcommand("versions", "List the versions of a dataset");
  versions_cmd->add_option("uri", versions_uri)->required();

  auto* file_cmd = app.add_subcommand("file", "Lance data file tools");
  file_cmd->require_subcommand(1);
  std::string inspect_path;
  IoOptions inspect_io;
  auto* inspect_cmd =
      file_cmd->add_subcommand("inspect", "Print footer, schema, pages and encodings of a file");
  inspect_cmd->add_option("file", inspect_path)->required();
  AddIoOptions(inspect_cmd, &inspect_io);

  std::string demo_dir = "lancet-demo";
  int64_t demo_rows = 1000;
  int demo_dim = 128;
  std::string demo_version = "2.2";
  auto* demo_cmd = app.add_subcommand(
      "demo", "Build a small local dataset of generated rows with vectors and show what was written");
  demo_cmd->add_option("--dir", demo_dir);
  demo_cmd->add_option("--rows", demo_rows);
  demo_cmd->add_option("--dim", demo_dim);
  demo_cmd->add_option("--data-storage-version", demo_version);

  std::optional<Status> group_result;
  AddTableCommands(&app, &group_result);
  AddSearchCommands(&app, &group_result);
  AddEmbedCommands(&app, &group_result);
  AddSampleCommands(&app, &group_result);

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e);
  }
  if (show_version) {
    std::cout << "lancet " << kVersion << " (Lance file formats 2.0, 2.1, 2.2; simd: "
              << SimdLevelForVersion() << ")\n";
    return 0;
  }
  Status st;
  if (group_result.has_value()) {
    st = *group_result;
  } else if (*import_cmd) {
    st = RunImport(import_args);
  } else if (*scan_cmd) {
    st = RunScan(scan_args);
  } else if (*count_cmd) {
    st = RunCountRows(count_uri, count_version, count_tag, count_where);
  } else if (*versions_cmd) {
    st = RunVersions(versions_uri);
  } else if (*inspect_cmd) {
    st = RunFileInspect(inspect_path, inspect_io);
  } else if (*demo_cmd) {
    st = RunDemo(demo_dir, demo_rows, demo_dim, demo_version);
  } else {
    std::cout << app.help();
    return 0;
  }
  if (!st.ok()) {
    std::cerr << "lancet: " << st.ToString() << "\n";
    return ExitCode(st);
  }
  return 0;
}

}  // namespace lancet::cli
