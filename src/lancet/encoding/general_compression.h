// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The lancet authors
//
// General-purpose (zstd / lz4) buffer compression with Lance's framing (lance-encoding's
// BufferCompressor). One compressed buffer is:
//   - ZSTD: [u64 uncompressed_len][zstd frame]. Readers also accept a bare zstd frame (starting
//     with magic 0xFD2FB528 and a valid frame header descriptor) with no length prefix, and an
//     empty input (empty output).
//   - LZ4:  [u32 uncompressed_len][LZ4 block] (lz4's "prepend size" block format).
// Where it is applied (from the CompressiveEncoding General / BufferCompression messages):
//   - mini-block: only the first value buffer of each chunk is compressed;
//   - block: the whole block buffer;
//   - per value (full-zip variable): every value is compressed on its own.
// Functions are thread-safe. Decompressors treat their input as untrusted.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <vector>

#include "lancet/core/buffer.h"
#include "lancet/core/result.h"

namespace lancet::encoding {

/// Values match lance.encodings21.CompressionScheme.
enum class GeneralScheme : int { kUnspecified = 0, kLz4 = 1, kZstd = 2 };

const char* GeneralSchemeName(GeneralScheme scheme);

/// \brief Compress `size` bytes with Lance framing and append the result to `out`. `level` is
/// the zstd level (none/0 = zstd's default); lz4 ignores it.
Status GeneralCompressAppend(GeneralScheme scheme, std::optional<int32_t> level,
                             const uint8_t* data, size_t size, std::vector<uint8_t>* out);

/// \brief Compress one buffer with Lance framing.
Result<Buffer> GeneralCompress(GeneralScheme scheme, std::optional<int32_t> level,
                               const uint8_t* data, size_t size);

/// \brief Decompress one Lance-framed buffer and append the bytes to `out`.
Status GeneralDecompressAppend(GeneralScheme scheme, const uint8_t* data, size_t size,
                               std::vector<uint8_t>* out);

/// \brief Decompress one Lance-framed buffer.
Result<Buffer> GeneralDecompress(GeneralScheme scheme, const uint8_t* data, size_t size);

/// \brief Compress every value of a variable-width run independently (Lance's per-value general
/// compression). `offsets` holds num_values+1 offsets of `offset_bits` (32/64) into `data`;
/// writes the concatenated compressed values to *out_data and their offsets (same width,
/// starting at 0) to *out_offsets.
Status GeneralCompressPerValue(GeneralScheme scheme, std::optional<int32_t> level,
                               const uint8_t* data, size_t data_size, const uint8_t* offsets,
                               uint32_t offset_bits, uint64_t num_values, Buffer* out_data,
                               Buffer* out_offsets);

/// \brief Inverse of GeneralCompressPerValue; validates the input offsets.
Status GeneralDecompressPerValue(GeneralScheme scheme, const uint8_t* data, size_t data_size,
                                 const uint8_t* offsets, uint32_t offset_bits, uint64_t num_values,
                                 Buffer* out_data, Buffer* out_offsets);

}  // namespace lancet::encoding
