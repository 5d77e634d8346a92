// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The lancet authors
//
// DataBlock: the untyped, decompressed form of a run of values, as the 2.1+ compressive
// encodings produce and consume it (lance-encoding's DataBlock, reduced):
//   - kFixedWidth: `num_values` values of `bits_per_value` bits packed in `data` (bits 1 = bool
//     bitmap LSB-first; otherwise bits is a multiple of 8). Fixed-size lists are flattened into
//     one fixed-width block of (dim * item bits) per value, with `fsl_validity` holding the item
//     validity bitmap (dim * num_values bits) when the FixedSizeList encoding had validity.
//   - kVariableWidth: `offsets` holds num_values+1 offsets of `offset_bits` (32 or 64) into
//     `data`, starting at 0.
//   - kStruct: `children` hold one block per struct field (packed structs).
//   - kConstant: every value equals `data` (bytes of one value).
// Blocks are plain values; thread-compatible.
#pragma once

#include <cstdint>
#include <vector>

#include "lancet/core/buffer.h"
#include "lancet/core/result.h"

namespace lance::encodings21 {
class CompressiveEncoding;
}

namespace lancet::encoding {

struct DataBlock {
  enum class Kind : uint8_t { kFixedWidth, kVariableWidth, kStruct, kConstant };
  Kind kind = Kind::kFixedWidth;
  uint64_t num_values = 0;
  uint64_t bits_per_value = 0;  // kFixedWidth (and kConstant: bits of one value)
  Buffer data;
  Buffer offsets;               // kVariableWidth
  uint32_t offset_bits = 0;     // kVariableWidth: 32 or 64
  Buffer fsl_validity;          // kFixedWidth from FixedSizeList{has_validity}
  std::vector<DataBlock> children;  // kStruct

  /// \brief Byte offset of value i (kVariableWidth).
  uint64_t OffsetAt(uint64_t i) const {
    return offset_bits == 32 ? offsets.data_as<uint32_t>()[i] : offsets.data_as<uint64_t>()[i];
  }
};

using pbCompressiveEncoding = ::lance::encodings21::CompressiveEncoding;

// ---- Decompression (2.1 / 2.2 CompressiveEncoding). All inputs are untrusted: every length is
// checked and a malformed input is a Corruption error; an unknown encoding is NotSupported naming
// it. None of these functions aborts.

/// \brief Decode the value buffers of one mini-block chunk holding `num_values` values.
/// `buffers` are the chunk's value buffers (num_buffers of the layout), padding already removed.
Result<DataBlock> DecompressMiniBlockChunk(const pbCompressiveEncoding& encoding,
                                           std::vector<Buffer> buffers, uint64_t num_values);

/// \brief Decode a whole buffer compressed as a block (dictionaries, rep/def level buffers of a
/// mini-block chunk or of a constant/all-null page), holding `num_values` values.
Result<DataBlock> DecompressBlock(const pbCompressiveEncoding& encoding, const Buffer& data,
                                  uint64_t num_values);

/// \brief Decode one full-zip fixed-width value payload (`data` is the payload bytes of
/// `num_values` consecutive values, already un-zipped from control words).
Result<DataBlock> DecompressFixedPerValue(const pbCompressiveEncoding& encoding, const Buffer& data,
                                          uint64_t num_values);

/// \brief Decode full-zip variable-width values: `values` is a kVariableWidth block of the raw
/// stored payloads (each possibly compressed on its own); returns the decompressed block.
Result<DataBlock> DecompressVariablePerValue(const pbCompressiveEncoding& encoding,
                                             const DataBlock& values);

/// \brief Readable name of the encoding's variant ("inline_bitpacking", "fsst", ...).
const char* CompressiveEncodingName(const pbCompressiveEncoding& encoding);

}  // namespace lancet::encoding
