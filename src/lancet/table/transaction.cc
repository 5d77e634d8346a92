// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The lancet authors
#include "lancet/table/transaction.h"

namespace lancet::table {

const char* OperationName(Operation op) {
  switch (op) {
    case Operation::kAppend: return "Append";
    case Operation::kDelete: return "Delete";
    case Operation::kOverwrite: return "Overwrite";
    case Operation::kCreateIndex: return "CreateIndex";
    case Operation::kRewrite: return "Rewrite";
    case Operation::kMerge: return "Merge";
    case Operation::kRestore: return "Restore";
    case Operation::kReserveFragments: return "ReserveFragments";
    case Operation::kProject: return "Project";
    case Operation::kOther: return "Other";
  }
  return "?";
}

}  // namespace lancet::table
