// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The lancet authors
//
// Portable 32-bit roaring bitmaps (IndexMetadata.fragment_bitmap) via CRoaring.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "lancet/core/result.h"

namespace lancet::table {

/// \brief Portable serialization of a set of u32 values (any order, duplicates allowed).
std::string SerializeRoaring(const std::vector<uint32_t>& values);
/// \brief Sorted values of a portable serialized bitmap; Corruption naming `what` if malformed.
Result<std::vector<uint32_t>> DeserializeRoaring(std::string_view bytes, const std::string& what);

}  // namespace lancet::table
