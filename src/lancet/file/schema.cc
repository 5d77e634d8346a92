// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The lancet authors
#include "lancet/file/schema.h"

#include <algorithm>

#include "lancet/encoding/field_codec.h"

namespace lancet::file {
namespace {

// Children that are Lance fields of their own (fixed-size list items are not).
bool HasLanceChildren(const DataType& t) {
  return t.id() == TypeId::kStruct || t.is_list_like();
}

void AssignRec(Field* f, int32_t* next) {
  if (f->id < 0) f->id = (*next)++;
  else *next = std::max(*next, f->id + 1);
  if (!HasLanceChildren(*f->type)) return;
  // Types are immutable and shared: rebuild the nested type with ids assigned.
  std::vector<Field> children = f->type->children();
  for (Field& c : children) AssignRec(&c, next);
  switch (f->type->id()) {
    case TypeId::kStruct: f->type = DataType::Struct(std::move(children)); break;
    case TypeId::kList: f->type = DataType::List(std::move(children[0])); break;
    case TypeId::kLargeList: f->type = DataType::LargeList(std::move(children[0])); break;
    default: break;
  }
}

void VisitRec(const Field& f, const std::function<void(const Field&, bool)>& visit) {
  bool leaf = !HasLanceChildren(*f.type) || f.type->children().empty();
  visit(f, leaf);
  if (!leaf) {
    for (const Field& c : f.type->children()) VisitRec(c, visit);
  }
}

void ColumnIdsRec(const Field& f, encoding::FileVersion version, std::vector<int32_t>* out) {
  const DataType& t = *f.type;
  const bool packed = encoding::IsPackedStruct(f);
  if (version == encoding::FileVersion::kV2_0) {
    out->push_back(f.id);
    if (HasLanceChildren(t) && !packed) {
      for (const Field& c : t.children()) ColumnIdsRec(c, version, out);
    }
    return;
  }
  if (t.id() == TypeId::kStruct && (t.children().empty() || packed)) {
    out->push_back(f.id);
    return;
  }
  if (HasLanceChildren(t)) {
    for (const Field& c : t.children()) ColumnIdsRec(c, version, out);
    return;
  }
  out->push_back(f.id);
}

}  // namespace

int32_t AssignFieldIds(Schema* schema, int32_t next_id) {
  for (Field& f : schema->fields) AssignRec(&f, &next_id);
  return next_id;
}

void VisitLanceFields(const Schema& schema,
                      const std::function<void(const Field&, bool is_leaf)>& visit) {
  for (const Field& f : schema.fields) VisitRec(f, visit);
}

int32_t MaxFieldId(const Schema& schema) {
  int32_t max_id = -1;
  VisitLanceFields(schema, [&](const Field& f, bool) { max_id = std::max(max_id, f.id); });
  return max_id;
}

std::vector<int32_t> ColumnFieldIds(const Schema& schema, encoding::FileVersion version) {
  std::vector<int32_t> out;
  for (const Field& f : schema.fields) ColumnIdsRec(f, version, &out);
  return out;
}

}  // namespace lancet::file
