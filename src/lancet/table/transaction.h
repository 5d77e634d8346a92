// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The lancet authors
//
// Transactions: what one commit did, as Lance records it (in `_transactions/{read_version}-
// {uuid}.txn` and inline in the manifest). The commit loop reads the transactions committed
// after a writer's read version to decide whether its own transaction can be rebased.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "lancet/core/buffer.h"
#include "lancet/core/result.h"
#include "lancet/core/type.h"
#include "lancet/table/manifest.h"

namespace lancet::table {

enum class Operation : uint8_t {
  kAppend,
  kDelete,
  kOverwrite,
  kCreateIndex,
  kRewrite,
  kMerge,
  kRestore,
  kReserveFragments,
  kProject,
  kOther,  // an operation lancet does not model (Update, UpdateConfig, ...)
};

const char* OperationName(Operation op);

struct RewriteGroup {
  std::vector<Fragment> old_fragments;
  std::vector<Fragment> new_fragments;
};

struct Transaction {
  uint64_t read_version = 0;
  std::string uuid;
  std::string tag;
  Operation operation = Operation::kOther;
  /// The protobuf field number of the operation (100 Append ... 114), also for kOther.
  int operation_field = 0;

  // Append / Overwrite / Merge: the fragments of the operation.
  std::vector<Fragment> fragments;
  // Delete: fragments whose deletion file changed, fragments removed entirely, the predicate.
  std::vector<Fragment> updated_fragments;
  std::vector<uint64_t> deleted_fragment_ids;
  std::string predicate;
  // Overwrite / Merge / Project: the new schema.
  std::optional<Schema> schema;
  // Rewrite.
  std::vector<RewriteGroup> groups;
  // Restore.
  uint64_t restore_version = 0;
  // ReserveFragments.
  uint32_t num_reserved_fragments = 0;
  // CreateIndex: the added and removed indices.
  std::vector<IndexMetadata> new_indices;
  std::vector<IndexMetadata> removed_indices;
  // Rewrite: indices remapped by the rewrite (old uuid -> new metadata).
  struct RewrittenIndex {
    std::string old_uuid;
    std::string new_uuid;
    std::string details_type_url, details_value;
    uint32_t new_index_version = 0;
    std::vector<std::pair<std::string, uint64_t>> new_files;
  };
  std::vector<RewrittenIndex> rewritten_indices;
  // Overwrite: config values upserted.
  std::map<std::string, std::string> config_upsert;
};

/// \brief Parse a serialized lance.table.Transaction (a .txn file or the manifest's inline
/// transaction). Untrusted input: malformed bytes are a Corruption naming `name`.
Result<Transaction> ParseTransaction(const Buffer& bytes, const std::string& name);
/// \brief Serialize as a lance.table.Transaction protobuf.
Result<std::string> SerializeTransaction(const Transaction& txn);

}  // namespace lancet::table
