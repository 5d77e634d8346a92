// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The lancet authors
//
// Filters: the predicate language users write in Lance (a SQL WHERE subset) parsed, bound to a
// schema and evaluated over record batches.
//
//   expr      := or
//   or        := and (OR and)*            and := not (AND not)*      not := NOT not | predicate
//   predicate := sum ( (= | == | != | <> | < | <= | > | >=) sum
//                    | [NOT] IN (literal, ...) | [NOT] BETWEEN sum AND sum
//                    | [NOT] LIKE 'pattern' | IS [NOT] NULL )?
//   sum       := term ((+ | -) term)*     term := operand ((* | / | %) operand)*
//   operand   := column | `quoted column` | parent.child | literal | ( expr )
//   literal   := integer | float | 'string' (with '' escape) | TRUE | FALSE | NULL
//
// Keywords are case-insensitive. Comparisons follow SQL three-valued logic: a row is selected
// only when the predicate is TRUE (NULL and FALSE both drop it). A parse or bind error is an
// InvalidArgument naming the offending position and token.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "lancet/core/array.h"
#include "lancet/core/result.h"
#include "lancet/core/type.h"

namespace lancet::table {

class Filter {
 public:
  virtual ~Filter() = default;

  /// \brief Parse `text` and bind it to `schema` (columns exist, types are comparable).
  static Result<std::shared_ptr<const Filter>> Make(std::string_view text, const Schema& schema);

  /// \brief Top-level columns the predicate reads (each once, in first-use order). A batch given
  /// to Evaluate must contain at least these columns (looked up by name).
  virtual const std::vector<std::string>& columns() const = 0;

  /// \brief One byte per row of `batch`: 1 if the predicate is TRUE for the row, else 0.
  virtual Result<std::vector<uint8_t>> Evaluate(const RecordBatch& batch) const = 0;

  /// \brief The predicate in canonical form (fully parenthesised), for messages and logs.
  virtual std::string ToString() const = 0;
};

}  // namespace lancet::table
