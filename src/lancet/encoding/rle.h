// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The lancet authors
//
// Run-length encoding as Lance's Rle compressive encoding lays it out: the run values as
// little-endian words of 8/16/32/64 bits and one u8 run length per run. Runs longer than 255 are
// split into several runs of the same value.
//   - Mini-block context: two buffers (values, run lengths). A decoder expands the runs and
//     truncates to the chunk's value count (Lance's legacy mini-block encoder could overshoot).
//   - Block context (rep/def levels of 2.2 mini-block chunks and constant/all-null pages): one
//     buffer `[u64 LE size of the values in bytes][values][run lengths]`. The runs must cover the
//     value count exactly (Lance decodes block payloads strictly).
// Thread-safe; decoders treat input as untrusted.
#pragma once

#include <cstddef>
#include <cstdint>

#include "lancet/core/buffer.h"
#include "lancet/core/result.h"

namespace lancet::encoding {

struct RleEncoded {
  Buffer values;       // one word per run
  Buffer run_lengths;  // one u8 per run, 1..255
  uint64_t num_runs = 0;
};

/// \brief Run-length encode `num_values` values of `bits_per_value` (8/16/32/64) bits.
Result<RleEncoded> RleEncode(const uint8_t* values, uint64_t num_values, uint32_t bits_per_value);

/// \brief Number of runs RleEncode would produce (runs of > 255 values count several times).
uint64_t RleCountRuns(const uint8_t* values, uint64_t num_values, uint32_t bits_per_value);

/// \brief Number of maximal runs of equal values (Lance's RunCount statistic, which ignores the
/// 255 split).
uint64_t CountValueRuns(const uint8_t* values, uint64_t num_values, uint32_t bits_per_value);

/// \brief Expand runs into `num_values` values (the runs must cover at least that many values).
Result<Buffer> RleDecode(const uint8_t* values, size_t values_size, const uint8_t* run_lengths,
                         size_t run_lengths_size, uint32_t bits_per_value, uint64_t num_values);

/// \brief Run-length encode into Lance's block framing:
/// `[u64 LE values byte size][run values][u8 run lengths]`. Empty input gives an 8-byte header
/// of 0.
Result<Buffer> RleEncodeBlock(const uint8_t* values, uint64_t num_values, uint32_t bits_per_value);

/// \brief Decode a block-framed RLE buffer holding exactly `num_values` values of
/// `bits_per_value` bits. Malformed framing, a zero run length or runs not summing to exactly
/// `num_values` are Corruption.
Result<Buffer> RleDecodeBlock(const uint8_t* data, size_t size, uint32_t bits_per_value,
                              uint64_t num_values);

}  // namespace lancet::encoding
