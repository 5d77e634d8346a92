// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The lancet authors
//
// Private: conversion between lancet::Schema and the flat, depth-first lance.file.Field list used
// by data files (FileDescriptor) and manifests. Never included from a public header.
#pragma once

#include <google/protobuf/map.h>
#include <google/protobuf/repeated_ptr_field.h>

#include "file.pb.h"
#include "lancet/core/result.h"
#include "lancet/core/type.h"

namespace lancet::file {

using ProtoFields = google::protobuf::RepeatedPtrField<lance::file::Field>;
using ProtoMetadata = google::protobuf::Map<std::string, std::string>;

/// \brief Rebuild the nested schema from Lance's flat field list (parent_id links).
Result<Schema> SchemaFromProto(const ProtoFields& fields, const ProtoMetadata* metadata);

/// \brief Flatten a schema (ids must be assigned) into Lance's field list, depth-first.
Status SchemaToProto(const Schema& schema, ProtoFields* fields, ProtoMetadata* metadata);

}  // namespace lancet::file
