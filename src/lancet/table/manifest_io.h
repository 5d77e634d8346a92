// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The lancet authors
//
// Reading and writing manifest files:
//   [u32 len + Transaction pb]   (optional; Manifest.transaction_section points here)
//   [u32 len + Manifest pb]      (at manifest_pos)
//   i64 manifest_pos | u16 major=0 | u16 minor=2 | "LANC"
// All functions are thread-safe (no shared state).
#pragma once

#include <string>

#include "lancet/core/buffer.h"
#include "lancet/core/result.h"
#include "lancet/table/manifest.h"

namespace lancet::table {

/// \brief Parse a manifest file's bytes. `name` is used in error messages.
Result<Manifest> ParseManifest(const Buffer& bytes, const std::string& name);

/// \brief Serialize a manifest with an embedded transaction (`transaction` = serialized
/// Transaction pb, may be empty). Sets transaction_section accordingly.
Result<Buffer> SerializeManifest(const Manifest& manifest, const std::string& transaction);

/// \brief The serialized Transaction embedded in a manifest file, or empty if none.
Result<std::string> ReadEmbeddedTransaction(const Buffer& bytes, const std::string& name);

}  // namespace lancet::table
