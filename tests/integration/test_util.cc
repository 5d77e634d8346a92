// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The lancet authors
#include "test_util.h"

#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <numeric>
#include <sstream>

#include "lancet/core/json_rows.h"

namespace lancet::testing {
namespace {

std::string EnvOr(const char* name, const std::string& fallback) {
  const char* v = std::getenv(name);
  return v && *v ? std::string(v) : fallback;
}

// Never destroyed: the cleaner below runs during static destruction.
std::vector<std::string>& TempDirs() {
  static auto* dirs = new std::vector<std::string>();
  return *dirs;
}

struct TempDirCleaner {
  ~TempDirCleaner() {
    if (EnvOr("LANCET_KEEP_TMP", "0") == "1") return;
    std::error_code ec;
    for (const auto& d : TempDirs()) std::filesystem::remove_all(d, ec);
  }
} g_cleaner;

}  // namespace

std::string SourceDir() { return EnvOr("LANCET_SOURCE_DIR", "."); }
std::string BinaryDir() { return EnvOr("LANCET_BINARY_DIR", "."); }
std::string LancetBin() { return BinaryDir() + "/bin/lancet"; }

std::string MakeTempDir(const std::string& prefix) {
  std::string tmpl = (std::filesystem::temp_directory_path() / (prefix + "-XXXXXX")).string();
  std::vector<char> buf(tmpl.begin(), tmpl.end());
  buf.push_back('\0');
  char* d = mkdtemp(buf.data());
  if (!d) std::abort();
  TempDirs().push_back(d);
  return d;
}

std::string ShellQuote(const std::string& s) {
  std::string out = "'";
  for (char c : s) {
    if (c == '\'') out += "'\\''";
    else out.push_back(c);
  }
  return out + "'";
}

CommandResult RunCommand(const std::string& command) {
  CommandResult r;
  std::string err_path = MakeTempDir("lancet-cmd") + "/stderr";
  std::string full = "(" + command + ") 2>" + ShellQuote(err_path);
  FILE* p = popen(full.c_str(), "r");
  if (!p) return r;
  char buf[65536];
  size_t n;
  while ((n = fread(buf, 1, sizeof(buf), p)) > 0) r.out.append(buf, n);
  int status = pclose(p);
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  auto err = ReadFileToString(err_path);
  if (err.ok()) r.err = *err;
  return r;
}

Result<std::string> ReadFileToString(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::NotFound("cannot open " + path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

Result<RecordBatch> ParseRows(const Schema& schema, const std::string& jsonl) {
  std::istringstream in(jsonl);
  return ReadJsonRows(schema, in);
}

Result<RecordBatch> LoadExpected(const std::string& schema_path, const std::string& rows_path) {
  LANCET_ASSIGN_OR_RETURN(std::string schema_json, ReadFileToString(schema_path));
  LANCET_ASSIGN_OR_RETURN(Schema schema, SchemaFromJson(schema_json));
  LANCET_ASSIGN_OR_RETURN(std::string rows, ReadFileToString(rows_path));
  return ParseRows(schema, rows);
}

std::string DiffBatches(const RecordBatch& expected, const RecordBatch& actual) {
  if (expected.num_rows != actual.num_rows) {
    return "row count " + std::to_string(actual.num_rows) + " != expected " +
           std::to_string(expected.num_rows);
  }
  if (expected.columns.size() != actual.columns.size()) {
    return "column count " + std::to_string(actual.columns.size()) + " != expected " +
           std::to_string(expected.columns.size());
  }
  for (size_t c = 0; c < expected.columns.size(); ++c) {
    std::string diff;
    if (!ArrayEquals(*expected.columns[c], *actual.columns[c], &diff)) {
      return "column '" + expected.schema.fields[c].name + "': " + diff;
    }
  }
  return "";
}

RecordBatch ReadTableThroughJson(const std::string& uri, const table::OpenOptions& options,
                                 const Schema& schema) {
  auto ds = table::Dataset::Open(uri, options);
  EXPECT_TRUE(ds.ok()) << ds.status().ToString();
  if (!ds.ok()) return {};
  auto b = (*ds)->ScanAll();
  EXPECT_TRUE(b.ok()) << b.status().ToString();
  if (!b.ok()) return {};
  std::ostringstream js;
  EXPECT_TRUE(WriteJsonRows(*b, js).ok());
  auto parsed = ParseRows(schema, js.str());
  EXPECT_TRUE(parsed.ok()) << parsed.status().ToString();
  return parsed.ok() ? *parsed : RecordBatch{};
}

RecordBatch SortByInt64Column(const RecordBatch& batch, const std::string& column) {
  int c = batch.schema.FieldIndex(column);
  if (c < 0 || batch.num_rows == 0) return batch;
  std::vector<int64_t> perm(static_cast<size_t>(batch.num_rows));
  std::iota(perm.begin(), perm.end(), 0);
  const int64_t* keys = batch.columns[c]->values_as<int64_t>();
  std::stable_sort(perm.begin(), perm.end(),
                   [&](int64_t x, int64_t y) { return keys[x] < keys[y]; });
  RecordBatch out;
  out.schema = batch.schema;
  out.num_rows = batch.num_rows;
  for (const ArrayPtr& col : batch.columns) out.columns.push_back(*TakeArray(col, perm));
  return out;
}

std::string LanceDbS3StorageOptions(const std::string& endpoint, const std::string& access_key_id,
                                    const std::string& secret_access_key,
                                    const std::string& region) {
  nlohmann::json o = {{"aws_endpoint", endpoint},
                      {"aws_access_key_id", access_key_id},
                      {"aws_secret_access_key", secret_access_key},
                      {"region", region},
                      {"allow_http", "true"}};
  return o.dump();
}

}  // namespace lancet::testing
