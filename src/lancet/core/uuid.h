// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The lancet authors
//
// Random (version 4) UUIDs and ids for file names. Thread-safe.
#pragma once

#include <array>
#include <cstdint>
#include <string>

namespace lancet {

using Uuid = std::array<uint8_t, 16>;

/// \brief A random version-4 UUID.
Uuid NewUuid();
/// \brief "xxxxxxxx-xxxx-4xxx-yxxx-xxxxxxxxxxxx".
std::string UuidToString(const Uuid& u);
/// \brief A random 64-bit value (for deletion file ids).
uint64_t RandomU64();

}  // namespace lancet
