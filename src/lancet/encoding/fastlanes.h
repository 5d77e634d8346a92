// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The lancet authors
//
// FastLanes bit packing, as Lance's InlineBitpacking / OutOfLineBitpacking encodings use it.
//
// A FastLanes block packs exactly 1024 values of an unsigned word type T (T = 8, 16, 32 or 64
// bits) into W bits each (0 <= W <= T). The packed block is 1024 * W / T words of type T
// (128 * W bytes). With LANES = 1024 / T, lane l (l < LANES) owns the packed words
// packed[LANES * k + l] for k = 0, 1, ...; read LSB first, those words form one bit stream in
// which row r (r < T) occupies the W bits starting at bit r * W (a field may straddle two
// words). Row r of lane l holds the logical value at index
//     FL_ORDER[r / 8] * 16 + (r % 8) * 128 + l,   FL_ORDER = {0, 4, 2, 6, 1, 5, 3, 7}.
// W = 0 packs to nothing (all values zero).
//
// Lance chunk layouts built on it (all little endian):
//   - InlineBitpacking (mini-block chunk, and the block form used for rep/def levels):
//     [W as one word of type T][128 * W bytes]; the values of the chunk are zero-padded to 1024.
//     The block form concatenates such chunks for every 1024 values.
//   - OutOfLineBitpacking (block form): whole packed blocks of a fixed W with no header; the
//     tail (n mod 1024 values) is either one more zero-padded packed block or the raw T words.
//     Readers tell the two apart by size: raw iff size == full_blocks * (1024 * W / T) + tail
//     words.
//
// All functions are thread-safe (no shared state). Decoders treat their input as untrusted.
#pragma once

#include <cstddef>
#include <cstdint>

#include "lancet/core/buffer.h"
#include "lancet/core/result.h"

namespace lancet::encoding {

inline constexpr uint32_t kFastLanesBlockValues = 1024;

/// \brief Bytes of one packed FastLanes block of 1024 values of `width` bits.
constexpr size_t FastLanesPackedBytes(uint32_t width) { return size_t{128} * width; }

// ---- Typed kernels. T is uint8_t, uint16_t, uint32_t or uint64_t; width <= bits of T (not
// checked); `in` and `out` must be suitably aligned for T and must not overlap.

/// \brief Pack 1024 values (each masked to `width` bits) into 1024 * width / bits(T) words.
template <typename T>
void FastLanesPackBlock(uint32_t width, const T* in, T* out);

/// \brief Unpack 1024 * width / bits(T) words into 1024 values.
template <typename T>
void FastLanesUnpackBlock(uint32_t width, const T* in, T* out);

// ---- Byte-level helpers (any alignment, checked arguments).

/// \brief Pack exactly 1024 little-endian values of `bits_per_value` (8/16/32/64) bits into
/// FastLanesPackedBytes(width) bytes. Bits above `width` are dropped.
Result<Buffer> FastLanesPack(const uint8_t* values, uint32_t bits_per_value, uint32_t width);

/// \brief Unpack one block of `packed_size` bytes (must be FastLanesPackedBytes(width)) into
/// 1024 values of `bits_per_value` bits at `out` (1024 * bits_per_value / 8 bytes).
Status FastLanesUnpack(const uint8_t* packed, size_t packed_size, uint32_t bits_per_value,
                       uint32_t width, uint8_t* out);

/// \brief Smallest W such that every one of the `num_values` values (of `bits_per_value` =
/// 8/16/32/64 bits, read as unsigned) fits in W bits; 0 when all are zero (or none).
uint32_t ComputeBitWidth(const uint8_t* values, uint64_t num_values, uint32_t bits_per_value);

// ---- InlineBitpacking.

/// \brief Encode one mini-block chunk of 1..1024 values: [W as a T word][packed block]. `width`
/// = UINT32_MAX computes the minimal width; otherwise it must be >= the values' bit width.
Result<Buffer> InlineBitpackEncodeChunk(const uint8_t* values, uint64_t num_values,
                                        uint32_t bits_per_value, uint32_t width = UINT32_MAX);

/// \brief Encode any number of values as consecutive inline chunks of 1024 values (the block
/// form, e.g. for rep/def levels); each chunk picks its own width.
Result<Buffer> InlineBitpackEncodeBlock(const uint8_t* values, uint64_t num_values,
                                        uint32_t bits_per_value);

/// \brief Decode one inline chunk starting at `chunk` (`size` bytes available) into `out`, which
/// must have room for 1024 values. Sets *consumed to the chunk's byte length.
Status InlineBitpackDecodeChunk(const uint8_t* chunk, size_t size, uint32_t bits_per_value,
                                uint8_t* out, size_t* consumed);

/// \brief Decode `num_values` values stored as consecutive inline chunks (mini-block chunk:
/// one chunk with num_values <= 1024; block form: ceil(num_values / 1024) chunks).
Result<Buffer> InlineBitpackDecode(const uint8_t* data, size_t size, uint32_t bits_per_value,
                                   uint64_t num_values);

// ---- OutOfLineBitpacking.

/// \brief Encode `num_values` values at a fixed `width` as Lance does: whole packed blocks, then
/// the tail as a padded block when that is smaller than the raw tail, else as raw T words.
Result<Buffer> OutOfLineBitpackEncode(const uint8_t* values, uint64_t num_values,
                                      uint32_t bits_per_value, uint32_t width);

/// \brief Decode `num_values` values from an OutOfLineBitpacking buffer.
Result<Buffer> OutOfLineBitpackDecode(const uint8_t* data, size_t size, uint32_t bits_per_value,
                                      uint32_t width, uint64_t num_values);

}  // namespace lancet::encoding
