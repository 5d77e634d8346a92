// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The lancet authors
#include "lancet/table/dataset.h"

namespace lancet::table {

namespace {
Status Pending(const char* what) {
  return Status::NotSupported(std::string(what) + " is not implemented yet");
}
}  // namespace

Result<std::unique_ptr<Dataset>> Dataset::Write(const std::string&, Schema,
                                                std::vector<RecordBatch>, const WriteOptions&,
                                                const OpenOptions&) {
  return Pending("Dataset::Write");
}
Result<std::vector<Fragment>> Dataset::WriteFragments(const std::string&, const Schema&,
                                                      std::vector<RecordBatch>,
                                                      const WriteOptions&) {
  return Pending("Dataset::WriteFragments");
}
Result<std::unique_ptr<Dataset>> Dataset::CommitAppend(const std::string&, std::vector<Fragment>,
                                                       const WriteOptions&, const OpenOptions&) {
  return Pending("Dataset::CommitAppend");
}
Result<std::unique_ptr<Dataset>> Dataset::Append(std::vector<RecordBatch>,
                                                 const WriteOptions&) const {
  return Pending("Dataset::Append");
}
Result<std::unique_ptr<Dataset>> Dataset::Delete(const std::string&, const CommitOptions&) const {
  return Pending("Dataset::Delete");
}
Result<RecordBatch> Dataset::Take(const std::vector<uint64_t>&,
                                  const std::vector<std::string>&) const {
  return Pending("Dataset::Take");
}
Result<RecordBatch> Dataset::TakeRowAddresses(const std::vector<uint64_t>&,
                                              const std::vector<std::string>&) const {
  return Pending("Dataset::TakeRowAddresses");
}
Result<std::unique_ptr<Dataset>> Dataset::Checkout(uint64_t) const {
  return Pending("Dataset::Checkout");
}
Result<std::unique_ptr<Dataset>> Dataset::CheckoutTag(const std::string&) const {
  return Pending("Dataset::CheckoutTag");
}
Result<std::unique_ptr<Dataset>> Dataset::Restore(const CommitOptions&) const {
  return Pending("Dataset::Restore");
}
Status Dataset::CreateTag(const std::string&, uint64_t) const { return Pending("CreateTag"); }
Status Dataset::DeleteTag(const std::string&) const { return Pending("DeleteTag"); }
Result<std::vector<std::pair<std::string, uint64_t>>> Dataset::ListTags() const {
  return Pending("ListTags");
}
Result<std::unique_ptr<Dataset>> Dataset::Compact(const CompactionOptions&,
                                                  CompactionMetrics*) const {
  return Pending("Dataset::Compact");
}
Result<CleanupStats> Dataset::Cleanup(const CleanupOptions&) const { return Pending("Cleanup"); }
Result<std::vector<IndexMetadata>> Dataset::LoadIndices() const { return Pending("LoadIndices"); }
Result<std::unique_ptr<Dataset>> Dataset::CommitIndex(std::vector<IndexMetadata>,
                                                      std::vector<std::string>,
                                                      const CommitOptions&) const {
  return Pending("Dataset::CommitIndex");
}
Result<std::vector<uint32_t>> Dataset::DeletedRows(const Fragment&) const {
  return Pending("Dataset::DeletedRows");
}

}  // namespace lancet::table
