// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The lancet authors
//
// Byte stream split (Lance's ByteStreamSplit, mini-block only): within one chunk of n values of
// w bytes, byte j of value i is stored at j * n + i. Lance writes it for 32- and 64-bit values;
// these helpers accept any whole-byte width. Thread-safe.
#pragma once

#include <cstddef>
#include <cstdint>

#include "lancet/core/buffer.h"
#include "lancet/core/result.h"

namespace lancet::encoding {

/// \brief Split `num_values` values of `bits_per_value` (a multiple of 8) bits into byte streams.
Result<Buffer> ByteStreamSplitEncode(const uint8_t* values, uint64_t num_values,
                                     uint32_t bits_per_value);

/// \brief Inverse of ByteStreamSplitEncode; `size` must be exactly num_values * bytes per value.
Result<Buffer> ByteStreamSplitDecode(const uint8_t* data, size_t size, uint32_t bits_per_value,
                                     uint64_t num_values);

}  // namespace lancet::encoding
