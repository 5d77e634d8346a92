// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The lancet authors
//
// Full-zip page decoding (Lance 2.1 / 2.2), for large values (vectors, images, long strings).
//
// Buffer 0 zips, per level: [control word][payload]. The control word is (rep << bits_def) | def
// in 1, 2 or 4 bytes (bits_rep + bits_def <= 8 / 16 / 32), absent when both are 0.
//   - Fixed width (bits_per_value): every visible level carries bits_per_value / 8 payload bytes
//     (null items too); invisible levels (null / empty lists) carry only the control word.
//   - Variable width (bits_per_offset): a valid visible item carries its length
//     (bits_per_offset / 8 bytes) and its bytes; null or invisible levels only the control word.
// Buffer 1, when present (variable width or repetition), is the repetition index: rows + 1
// unsigned offsets into buffer 0 (start of each row, then the end), of width size / (rows + 1).
//
// Random access reads only what the requested rows need: with a repetition index, first the two
// index entries bounding each row range, then exactly those rows' bytes; without one, the fixed
// stride gives the bytes directly. Payloads are decompressed per value
// (DecompressFixedPerValue / DecompressVariablePerValue).
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "lancet/core/result.h"
#include "lancet/encoding/miniblock_decoder.h"
#include "lancet/encoding/page.h"

namespace lance::encodings21 {
class FullZipLayout;
}

namespace lancet::encoding {

/// \brief The full-zip decoder (normally created through MakeLeafPageDecoder).
Result<std::unique_ptr<LeafPageDecoder>> MakeFullZipPageDecoder(
    const PageMeta& page, const lance::encodings21::FullZipLayout& layout,
    std::vector<RowRange> rows, std::string context);

}  // namespace lancet::encoding
