// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The lancet authors
#include "lancet/table/transaction.h"

#include "lancet/file/schema_proto_internal.h"
#include "lancet/table/manifest_proto_internal.h"
#include "transaction.pb.h"

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

namespace {

Status FragmentsFromProto(const google::protobuf::RepeatedPtrField<lance::table::DataFragment>& in,
                          const std::string& name, std::vector<Fragment>* out) {
  for (const auto& fp : in) {
    LANCET_ASSIGN_OR_RETURN(Fragment f, FragmentFromProto(fp, name));
    out->push_back(std::move(f));
  }
  return Status::OK();
}

void FragmentsToProto(const std::vector<Fragment>& in,
                      google::protobuf::RepeatedPtrField<lance::table::DataFragment>* out) {
  for (const Fragment& f : in) FragmentToProto(f, out->Add());
}

}  // namespace

Result<Transaction> ParseTransaction(const Buffer& bytes, const std::string& name) {
  lance::table::Transaction pb;
  if (!pb.ParseFromArray(bytes.data(), static_cast<int>(bytes.size()))) {
    return Status::Corruption(name + ": transaction protobuf is invalid");
  }
  Transaction t;
  t.read_version = pb.read_version();
  t.uuid = pb.uuid();
  t.tag = pb.tag();
  t.operation_field = static_cast<int>(pb.operation_case());
  switch (pb.operation_case()) {
    case lance::table::Transaction::kAppend:
      t.operation = Operation::kAppend;
      LANCET_RETURN_NOT_OK(FragmentsFromProto(pb.append().fragments(), name, &t.fragments));
      break;
    case lance::table::Transaction::kDelete:
      t.operation = Operation::kDelete;
      LANCET_RETURN_NOT_OK(
          FragmentsFromProto(pb.delete_().updated_fragments(), name, &t.updated_fragments));
      t.deleted_fragment_ids.assign(pb.delete_().deleted_fragment_ids().begin(),
                                    pb.delete_().deleted_fragment_ids().end());
      t.predicate = pb.delete_().predicate();
      break;
    case lance::table::Transaction::kOverwrite: {
      t.operation = Operation::kOverwrite;
      const auto& ow = pb.overwrite();
      LANCET_RETURN_NOT_OK(FragmentsFromProto(ow.fragments(), name, &t.fragments));
      auto schema = file::SchemaFromProto(ow.schema(), &ow.schema_metadata());
      if (!schema.ok()) return schema.status().WithContext(name);
      t.schema = std::move(*schema);
      for (const auto& [k, v] : ow.config_upsert_values()) t.config_upsert[k] = v;
      break;
    }
    case lance::table::Transaction::kCreateIndex:
      t.operation = Operation::kCreateIndex;
      for (const auto& ip : pb.create_index().new_indices()) {
        LANCET_ASSIGN_OR_RETURN(IndexMetadata im, IndexFromProto(ip, name));
        t.new_indices.push_back(std::move(im));
      }
      for (const auto& ip : pb.create_index().removed_indices()) {
        LANCET_ASSIGN_OR_RETURN(IndexMetadata im, IndexFromProto(ip, name));
        t.removed_indices.push_back(std::move(im));
      }
      break;
    case lance::table::Transaction::kRewrite: {
      t.operation = Operation::kRewrite;
      const auto& rw = pb.rewrite();
      for (const auto& g : rw.groups()) {
        RewriteGroup group;
        LANCET_RETURN_NOT_OK(FragmentsFromProto(g.old_fragments(), name, &group.old_fragments));
        LANCET_RETURN_NOT_OK(FragmentsFromProto(g.new_fragments(), name, &group.new_fragments));
        t.groups.push_back(std::move(group));
      }
      if (rw.old_fragments_size() > 0 || rw.new_fragments_size() > 0) {
        // Deprecated single-group form.
        RewriteGroup group;
        LANCET_RETURN_NOT_OK(FragmentsFromProto(rw.old_fragments(), name, &group.old_fragments));
        LANCET_RETURN_NOT_OK(FragmentsFromProto(rw.new_fragments(), name, &group.new_fragments));
        t.groups.push_back(std::move(group));
      }
      for (const auto& ri : rw.rewritten_indices()) {
        Transaction::RewrittenIndex r;
        r.old_uuid = UuidFromProto(ri.old_id());
        r.new_uuid = UuidFromProto(ri.new_id());
        r.details_type_url = ri.new_index_details().type_url();
        r.details_value = ri.new_index_details().value();
        r.new_index_version = ri.new_index_version();
        for (const auto& f : ri.new_index_files()) r.new_files.emplace_back(f.path(), f.size_bytes());
        t.rewritten_indices.push_back(std::move(r));
      }
      break;
    }
    case lance::table::Transaction::kMerge: {
      t.operation = Operation::kMerge;
      LANCET_RETURN_NOT_OK(FragmentsFromProto(pb.merge().fragments(), name, &t.fragments));
      auto schema = file::SchemaFromProto(pb.merge().schema(), &pb.merge().schema_metadata());
      if (!schema.ok()) return schema.status().WithContext(name);
      t.schema = std::move(*schema);
      break;
    }
    case lance::table::Transaction::kRestore:
      t.operation = Operation::kRestore;
      t.restore_version = pb.restore().version();
      break;
    case lance::table::Transaction::kReserveFragments:
      t.operation = Operation::kReserveFragments;
      t.num_reserved_fragments = pb.reserve_fragments().num_fragments();
      break;
    case lance::table::Transaction::kProject: {
      t.operation = Operation::kProject;
      auto schema = file::SchemaFromProto(pb.project().schema(), nullptr);
      if (!schema.ok()) return schema.status().WithContext(name);
      t.schema = std::move(*schema);
      break;
    }
    default: {
      // Unmodelled operations (Update = 108, UpdateConfig = 110, ...) keep their field number.
      t.operation = Operation::kOther;
      const auto* reflection = pb.GetReflection();
      const auto& unknown = reflection->GetUnknownFields(pb);
      for (int i = 0; i < unknown.field_count(); ++i) {
        if (unknown.field(i).number() >= 100) t.operation_field = unknown.field(i).number();
      }
      break;
    }
  }
  return t;
}

Result<std::string> SerializeTransaction(const Transaction& t) {
  lance::table::Transaction pb;
  pb.set_read_version(t.read_version);
  pb.set_uuid(t.uuid);
  pb.set_tag(t.tag);
  switch (t.operation) {
    case Operation::kAppend:
      FragmentsToProto(t.fragments, pb.mutable_append()->mutable_fragments());
      break;
    case Operation::kDelete: {
      auto* d = pb.mutable_delete_();
      FragmentsToProto(t.updated_fragments, d->mutable_updated_fragments());
      for (uint64_t id : t.deleted_fragment_ids) d->add_deleted_fragment_ids(id);
      d->set_predicate(t.predicate);
      break;
    }
    case Operation::kOverwrite: {
      auto* ow = pb.mutable_overwrite();
      FragmentsToProto(t.fragments, ow->mutable_fragments());
      if (t.schema) {
        LANCET_RETURN_NOT_OK(file::SchemaToProto(*t.schema, ow->mutable_schema(),
                                                 ow->mutable_schema_metadata()));
      }
      for (const auto& [k, v] : t.config_upsert) (*ow->mutable_config_upsert_values())[k] = v;
      break;
    }
    case Operation::kCreateIndex: {
      auto* ci = pb.mutable_create_index();
      for (const IndexMetadata& im : t.new_indices) IndexToProto(im, ci->add_new_indices());
      for (const IndexMetadata& im : t.removed_indices) IndexToProto(im, ci->add_removed_indices());
      break;
    }
    case Operation::kRewrite: {
      auto* rw = pb.mutable_rewrite();
      for (const RewriteGroup& g : t.groups) {
        auto* gp = rw->add_groups();
        FragmentsToProto(g.old_fragments, gp->mutable_old_fragments());
        FragmentsToProto(g.new_fragments, gp->mutable_new_fragments());
      }
      for (const auto& r : t.rewritten_indices) {
        auto* rp = rw->add_rewritten_indices();
        LANCET_RETURN_NOT_OK(UuidToProto(r.old_uuid, rp->mutable_old_id()));
        LANCET_RETURN_NOT_OK(UuidToProto(r.new_uuid, rp->mutable_new_id()));
        rp->mutable_new_index_details()->set_type_url(r.details_type_url);
        rp->mutable_new_index_details()->set_value(r.details_value);
        rp->set_new_index_version(r.new_index_version);
        for (const auto& [path, size] : r.new_files) {
          auto* f = rp->add_new_index_files();
          f->set_path(path);
          f->set_size_bytes(size);
        }
      }
      break;
    }
    case Operation::kRestore:
      pb.mutable_restore()->set_version(t.restore_version);
      break;
    case Operation::kReserveFragments:
      pb.mutable_reserve_fragments()->set_num_fragments(t.num_reserved_fragments);
      break;
    case Operation::kMerge:
    case Operation::kProject:
    case Operation::kOther:
      return Status::NotSupported(std::string("lancet does not write ") +
                                  OperationName(t.operation) + " transactions");
  }
  return pb.SerializeAsString();
}

}  // namespace lancet::table
