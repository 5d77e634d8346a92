// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The lancet authors
//
// Helpers shared by the Lance 2.0 decoder (v20_decoder.cc) and encoder (v20_encoder.cc): bitmap
// manipulation and the buffer compression framing the 2.0 `Flat.compression` field uses.
// Private to the encoding module.
#pragma once

#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

#include "lancet/core/buffer.h"
#include "lancet/core/result.h"
#include "lancet/core/type.h"

namespace lancet::encoding::v20 {

/// Largest decompressed size accepted for one compressed 2.0 buffer (Lance pages are <= 32 MiB).
inline constexpr int64_t kMaxDecompressedBytes = int64_t{1} << 30;

/// Lance 2.0 pages never exceed this many bytes (the writer splits larger pages).
inline constexpr int64_t kMaxPageBytes = int64_t{32} << 20;

inline bool GetBit(const uint8_t* bits, int64_t i) { return (bits[i >> 3] >> (i & 7)) & 1; }
inline void SetBit(uint8_t* bits, int64_t i) {
  bits[i >> 3] |= static_cast<uint8_t>(1u << (i & 7));
}
inline void ClearBit(uint8_t* bits, int64_t i) {
  bits[i >> 3] &= static_cast<uint8_t>(~(1u << (i & 7)));
}

/// \brief Copy `n` bits from `src` starting at bit `src_off` to `dst` starting at bit `dst_off`
/// (LSB-first). Bits of `dst` outside the target range are preserved.
void CopyBits(const uint8_t* src, int64_t src_off, uint8_t* dst, int64_t dst_off, int64_t n);

/// \brief Bits [off, off + n) of `bits` as a fresh bitmap starting at bit 0.
Buffer SliceBits(const uint8_t* bits, int64_t off, int64_t n);

/// \brief Number of zero bits in [off, off + n) of `bits`.
int64_t CountZeroBits(const uint8_t* bits, int64_t off, int64_t n);

/// \brief Null count of rows [off, off + n) of an array with validity `validity` (empty = all
/// valid).
inline int64_t NullsInRange(const Buffer& validity, int64_t off, int64_t n) {
  return validity.empty() ? 0 : CountZeroBits(validity.data(), off, n);
}

/// \brief Decompress one buffer written with `Flat.compression.scheme` (Lance's framing: "zstd" is
/// an 8-byte little-endian length prefix followed by a zstd stream, or a bare zstd stream; "lz4"
/// is a 4-byte little-endian length prefix followed by an LZ4 block). Corruption on bad input,
/// NotSupported on an unknown scheme.
Result<Buffer> DecompressBuffer(std::string_view scheme, const Buffer& input);

/// \brief Compress `input` with Lance's framing for `scheme` ("zstd" or "lz4"). `level` applies to
/// zstd (0 = library default).
Result<Buffer> CompressBuffer(std::string_view scheme, int level, const uint8_t* input,
                              int64_t size);

/// \brief True if `field` is a struct stored as one packed column (field metadata
/// `lance-encoding:packed`, or the legacy `packed` = "true").
bool IsPackedStructField(const Field& field);

/// \brief Columns `field` occupies in a 2.0 file: one per field of the subtree (depth-first),
/// except that a packed struct (IsPackedStructField) is a single column.
int NumColumnsV20(const Field& field);

}  // namespace lancet::encoding::v20
