// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The lancet authors
//
// JSON forms of schemas and rows, the text interchange lancet uses with tools and tests.
//
// Schema JSON: an array of fields
//   {"name": str, "type": Lance logical type string, "nullable": bool (default true),
//    "children": [fields], "metadata": {str: str}}
// `list`/`large_list` have exactly one child (the item field, usually "item"), `struct` one per
// field, fixed-size lists none ("fixed_size_list:float:512"). When the schema itself has metadata
// the form is an object {"fields": [...], "metadata": {...}} (both forms are accepted).
//
// Rows (JSONL): one JSON object per line whose keys are top-level column names; a missing key is
// null; blank lines are skipped. Per type:
//   - integers, date32/date64, time32/time64, timestamp, duration: JSON integers in the column's
//     own unit, written and read exactly over the full int64/uint64 range;
//   - halffloat/float/double: JSON numbers, written as the shortest representation that round-trips
//     the value widened to double (std::to_chars), -0.0 as `-0.0`; NaN and infinities as the
//     strings "NaN", "Infinity", "-Infinity". On input integer literals are accepted too;
//   - bool: true/false; string/large_string: JSON strings (must be valid UTF-8);
//   - binary/large_binary/fixed_size_binary: standard padded base64 strings;
//   - list/large_list/fixed_size_list: arrays (a fixed-size list's array has exactly `size` items);
//     struct: objects keyed by field name; null: null.
// Errors name the line and the column path, e.g.
//   line 12, column "vec": expected an array of 512 numbers
//   line 3, column "s.tags[2]": expected a string, got 17
// Values of the wrong JSON kind, out-of-range integers, unknown keys and nulls in non-nullable
// fields are InvalidArgument.
//
// Functions are thread-safe; a JsonRowReader is not (one per stream).
#pragma once

#include <cstdint>
#include <istream>
#include <memory>
#include <optional>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

#include "lancet/core/array.h"
#include "lancet/core/array_builder.h"
#include "lancet/core/result.h"
#include "lancet/core/type.h"

namespace lancet {

/// \brief Parse a schema from its JSON form (see above).
Result<Schema> SchemaFromJson(std::string_view json);

/// \brief Return the JSON form of `schema` (one line). Field ids >= 0 are written as "id".
std::string SchemaToJson(const Schema& schema);

/// \brief Read up to `max_rows` rows (all when negative) of JSONL from `in` into one batch.
Result<RecordBatch> ReadJsonRows(const Schema& schema, std::istream& in, int64_t max_rows = -1);

/// \brief Write every row of `batch` as JSONL (one object per line, '\n'-terminated). The batch is
/// validated first (ValidateRecordBatch); a string that is not valid UTF-8 is InvalidArgument.
Status WriteJsonRows(const RecordBatch& batch, std::ostream& out);

/// \brief Write rows [offset, offset + length) of `batch` as JSONL (the whole batch is validated
/// on every call: prefer one call per batch).
Status WriteJsonRows(const RecordBatch& batch, int64_t offset, int64_t length, std::ostream& out);

/// Streaming JSONL reader: reads a large input in batches of at most `max_rows` rows.
/// Not thread-safe. The stream must outlive the reader. After an error every call returns it.
class JsonRowReader {
 public:
  /// \brief A reader of `in` producing batches with `schema`.
  static Result<std::unique_ptr<JsonRowReader>> Make(Schema schema, std::istream& in);
  ~JsonRowReader();

  /// \brief The next batch of at most `max_rows` rows (unlimited when negative), or nullopt at
  /// the end of the input.
  Result<std::optional<RecordBatch>> Next(int64_t max_rows);

  /// \brief Number of lines consumed so far (including blank lines).
  int64_t line_number() const { return line_number_; }

 private:
  JsonRowReader(Schema schema, std::istream& in);
  Status ReadLine(const std::string& line);

  Schema schema_;
  std::istream& in_;
  std::vector<std::unique_ptr<ArrayBuilder>> builders_;
  int64_t line_number_ = 0;
  Status error_;
};

}  // namespace lancet
