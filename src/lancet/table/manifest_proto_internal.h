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

}  // namespace lancet::table
