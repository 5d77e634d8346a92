// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The lancet authors
//
// Run-length encoding as Lance's Rle compressive encoding lays it out (mini-block only): two
// buffers, the run values as little-endian words of 8/16/32/64 bits and one u8 run length per
// run. Runs longer than 255 are split into several runs of the same value. A decoder expands the
// runs and truncates to the chunk's value count. Thread-safe; decoders treat input as untrusted.
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

}  // namespace lancet::encoding
