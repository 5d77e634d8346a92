// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The lancet authors
#include <map>
#include <unordered_map>

#include "lancet/file/schema_proto_internal.h"

namespace lancet::file {
namespace {

struct Node {
  const lance::file::Field* proto = nullptr;
  std::vector<int> children;  // indices into the node array
};

Result<Field> BuildField(const std::vector<Node>& nodes, int index, int depth) {
  if (depth > 64) return Status::Corruption("schema nesting deeper than 64 levels");
  const Node& node = nodes[index];
  const lance::file::Field& p = *node.proto;
  std::vector<Field> children;
  for (int c : node.children) {
    LANCET_ASSIGN_OR_RETURN(Field child, BuildField(nodes, c, depth + 1));
    children.push_back(std::move(child));
  }
  auto type = ParseLogicalType(p.logical_type(), std::move(children));
  if (!type.ok()) {
    return type.status().WithContext("field '" + p.name() + "' (id " + std::to_string(p.id()) +
                                     ")");
  }
  Field f(p.name(), *type, p.nullable());
  f.id = p.id();
  for (const auto& [k, v] : p.metadata()) f.metadata[k] = v;
  return f;
}

std::string LogicalTypeOf(const Field& f) {
  std::string lt = f.type->ToLogicalType();
  return lt;
}

lance::file::Encoding LegacyEncodingOf(const DataType& t) {
  return t.is_binary_like() ? lance::file::VAR_BINARY : lance::file::PLAIN;
}

void FlattenRec(const Field& f, int32_t parent_id, ProtoFields* out) {
  lance::file::Field* p = out->Add();
  p->set_type(lance::file::Field::PARENT);
  p->set_name(f.name);
  p->set_id(f.id);
  p->set_parent_id(parent_id);
  p->set_logical_type(LogicalTypeOf(f));
  p->set_nullable(f.nullable);
  p->set_encoding(LegacyEncodingOf(*f.type));
  for (const auto& [k, v] : f.metadata) (*p->mutable_metadata())[k] = v;
  if (f.type->id() == TypeId::kStruct || f.type->is_list_like()) {
    for (const Field& c : f.type->children()) FlattenRec(c, f.id, out);
  }
}

}  // namespace

Result<Schema> SchemaFromProto(const ProtoFields& fields, const ProtoMetadata* metadata) {
  std::vector<Node> nodes(fields.size());
  std::unordered_map<int32_t, int> by_id;
  std::vector<int> roots;
  for (int i = 0; i < fields.size(); ++i) {
    nodes[i].proto = &fields[i];
    if (!by_id.emplace(fields[i].id(), i).second) {
      return Status::Corruption("schema has duplicate field id " + std::to_string(fields[i].id()));
    }
  }
  for (int i = 0; i < fields.size(); ++i) {
    int32_t parent = fields[i].parent_id();
    if (parent < 0) {
      roots.push_back(i);
      continue;
    }
    auto it = by_id.find(parent);
    if (it == by_id.end() || it->second >= i) {
      return Status::Corruption("field '" + fields[i].name() + "' has unknown or later parent id " +
                                std::to_string(parent));
    }
    nodes[it->second].children.push_back(i);
  }
  Schema schema;
  for (int r : roots) {
    LANCET_ASSIGN_OR_RETURN(Field f, BuildField(nodes, r, 0));
    schema.fields.push_back(std::move(f));
  }
  if (metadata) {
    for (const auto& [k, v] : *metadata) schema.metadata[k] = v;
  }
  return schema;
}

Status SchemaToProto(const Schema& schema, ProtoFields* fields, ProtoMetadata* metadata) {
  for (const Field& f : schema.fields) {
    if (f.id < 0) return Status::InvalidArgument("field '" + f.name + "' has no id assigned");
    FlattenRec(f, -1, fields);
  }
  if (metadata) {
    for (const auto& [k, v] : schema.metadata) (*metadata)[k] = v;
  }
  return Status::OK();
}

}  // namespace lancet::file
