// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The lancet authors
//
// Helpers shared by the integration tests: locations, temp dirs, running commands, loading the
// schema.json + rows.jsonl pairs that describe a table's expected contents.
#pragma once

#include <gtest/gtest.h>

#include <optional>
#include <string>
#include <vector>

#include "lancet/core/array.h"
#include "lancet/core/result.h"
#include "lancet/table/dataset.h"

/// Fail the test (return from it) unless the Status `expr` is OK.
#define ASSERT_OK(expr)                                       \
  do {                                                        \
    auto _st = (expr);                                        \
    ASSERT_TRUE(_st.ok()) << #expr << ": " << _st.ToString(); \
  } while (0)
#define LANCET_TEST_CONCAT_(a, b) a##b
#define LANCET_TEST_CONCAT(a, b) LANCET_TEST_CONCAT_(a, b)
#define LANCET_TEST_ASSIGN_IMPL_(tmp, lhs, ...)                             \
  auto tmp = (__VA_ARGS__);                                                 \
  ASSERT_TRUE(tmp.ok()) << #__VA_ARGS__ << ": " << tmp.status().ToString(); \
  lhs = std::move(*tmp)
/// `ASSERT_OK_AND_ASSIGN(auto x, MakeX())` or `ASSERT_OK_AND_ASSIGN(x, MakeX())`: fail the test
/// unless the Result is OK, else assign its value.
#define ASSERT_OK_AND_ASSIGN(lhs, ...) \
  LANCET_TEST_ASSIGN_IMPL_(LANCET_TEST_CONCAT(_result_, __LINE__), lhs, __VA_ARGS__)

namespace lancet::testing {

/// \brief Source tree root (LANCET_SOURCE_DIR, set by ctest).
std::string SourceDir();
/// \brief Build tree root (LANCET_BINARY_DIR).
std::string BinaryDir();
/// \brief Path of the built `lancet` tool.
std::string LancetBin();
/// \brief A fresh, empty temporary directory (removed at exit unless LANCET_KEEP_TMP=1).
std::string MakeTempDir(const std::string& prefix);

struct CommandResult {
  int exit_code = -1;
  std::string out;  // stdout
  std::string err;  // stderr
};
/// \brief Run a shell command, capturing stdout and stderr.
CommandResult RunCommand(const std::string& command);
/// \brief Single-quote a string for the shell.
std::string ShellQuote(const std::string& s);

/// \brief Read a whole file.
Result<std::string> ReadFileToString(const std::string& path);

/// \brief The schema and rows of schema.json + rows.jsonl in `dir`.
Result<RecordBatch> LoadExpected(const std::string& schema_path, const std::string& rows_path);
/// \brief Parse JSON lines against a schema.
Result<RecordBatch> ParseRows(const Schema& schema, const std::string& jsonl);

/// \brief All rows of the table at `uri` (a version or tag per `options`), written as JSON lines
/// and parsed back with `schema`, so that they went through the same conversion as rows a peer
/// tool printed. An empty batch after a (reported) test failure.
RecordBatch ReadTableThroughJson(const std::string& uri, const table::OpenOptions& options,
                                 const Schema& schema);

/// \brief Compare two batches column by column; returns "" when equal, else the first difference.
std::string DiffBatches(const RecordBatch& expected, const RecordBatch& actual);

/// \brief The rows of `batch` sorted by its int64 column `column` (unchanged if there is none).
/// LanceDB returns rows in row-id order and lancet in fragment order; after a compaction the two
/// orders legitimately differ, so comparisons sort by a unique key first.
RecordBatch SortByInt64Column(const RecordBatch& batch, const std::string& column);

/// \brief LanceDB's storage options (JSON object text, for lancedb_tool.mjs --storage-options)
/// for an S3-compatible endpoint such as the local S3 test server.
std::string LanceDbS3StorageOptions(const std::string& endpoint, const std::string& access_key_id,
                                    const std::string& secret_access_key,
                                    const std::string& region);

}  // namespace lancet::testing

namespace lancet::testing {

struct GenOptions {
  double null_probability = 0.1;  // for nullable fields
  int max_list_length = 4;
  int max_string_length = 24;
  int64_t min_binary_length = 0;
  int64_t max_binary_length = 64;
};

/// \brief Deterministic random rows for `schema` as JSON lines (the JSONL convention of
/// core/json_rows.h): every type of the schema JSON format, nulls where fields are nullable.
std::string GenerateRows(const Schema& schema, int64_t num_rows, uint64_t seed,
                         const GenOptions& options = {});

}  // namespace lancet::testing
