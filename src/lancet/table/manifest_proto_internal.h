// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The lancet authors
//
// Private: conversion between table::Manifest and the lance.table.Manifest protobuf.
#pragma once

#include <string>

#include "lancet/table/manifest.h"
#include "table.pb.h"

namespace lancet::table {

Result<Manifest> ManifestFromProto(const lance::table::Manifest& m, const std::string& name);
Status ManifestToProto(const Manifest& in, lance::table::Manifest* m);

Result<Fragment> FragmentFromProto(const lance::table::DataFragment& fp, const std::string& name);
void FragmentToProto(const Fragment& f, lance::table::DataFragment* fp);

Result<IndexMetadata> IndexFromProto(const lance::table::IndexMetadata& ip, const std::string& name);
void IndexToProto(const IndexMetadata& in, lance::table::IndexMetadata* ip);

/// \brief "8-4-4-4-12" form of a 16-byte UUID message, and back.
std::string UuidFromProto(const lance::table::UUID& u);
Status UuidToProto(const std::string& s, lance::table::UUID* u);

}  // namespace lancet::table
