// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The lancet authors
//
// Lance schema helpers that need no protobuf: field id assignment and leaf enumeration.
#pragma once

#include <functional>
#include <vector>

#include "lancet/core/type.h"
#include "lancet/encoding/page.h"

namespace lancet::file {

/// \brief Assign Lance field ids depth-first starting at `next_id` to every field whose id is -1
/// (a list's item field gets an id; a fixed-size list's item does not: Lance stores a fixed-size
/// list as one field). Returns the next free id.
int32_t AssignFieldIds(Schema* schema, int32_t next_id = 0);

/// \brief Maximum field id in the schema, or -1.
int32_t MaxFieldId(const Schema& schema);

/// \brief Visit every Lance field (depth-first, parents before children; fixed-size list items
/// are not Lance fields). `is_leaf` is true when the field has no Lance children.
void VisitLanceFields(const Schema& schema,
                      const std::function<void(const Field&, bool is_leaf)>& visit);

/// \brief Ids of the fields that own a column in a file of `version`, in column order (2.0: every
/// field; 2.1+: leaves, where empty and packed structs count as leaves).
std::vector<int32_t> ColumnFieldIds(const Schema& schema, encoding::FileVersion version);

}  // namespace lancet::file
