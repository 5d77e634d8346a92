// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The lancet authors
//
// Leaf page decoding for Lance 2.1 / 2.2 (structural encodings). A leaf page decoder turns the
// requested rows of one page into LeafData: the page's rep/def layers, the rep/def levels of those
// rows, and one value slot per visible level (see repdef_unravel.h).
//
// Decoders read in rounds so that many pages (of many columns) can share each I/O call: the
// caller asks every decoder for NextReads(), issues one RangeReader::ReadRanges() for all of them,
// hands each decoder its buffers with OnReads(), and repeats until every decoder returns no
// ranges; then Finish() decodes. Typical rounds: metadata (chunk metadata, dictionary, repetition
// index entries), then data (chunks / value byte ranges), then (blob pages) the blobs.
//
// This header also holds the mini-block decoder:
//   buffers [0] chunk metadata words, [1] chunks, [2] dictionary (if any), [next] repetition index
//   (if repetition_index_depth > 0). A metadata word is u16 (2.1) or u32 (2.2, has_large_chunk):
//   ((chunk_bytes / 8 - 1) << 4) | log2(values) (last chunk: 0, values = the rest). A chunk is
//   u16 num_levels, [u16 rep bytes], [u16 def bytes], per value buffer its size (u16, or u32 with
//   has_large_chunk), pad to 8, then rep, def and value buffers, each padded to 8.
// Decoders are single-use and not thread-safe.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "lancet/core/buffer.h"
#include "lancet/core/result.h"
#include "lancet/encoding/data_block.h"
#include "lancet/encoding/page.h"
#include "lancet/encoding/repdef_unravel.h"

namespace lance::encodings21 {
class MiniBlockLayout;
}

namespace lancet::encoding {

/// `length` consecutive values of `block` starting at value `offset`; a slice without a block
/// stands for `length` null placeholder slots (all-null pages).
struct ValueSlice {
  std::shared_ptr<const DataBlock> block;
  uint64_t offset = 0;
  uint64_t length = 0;
};

/// Decoded rows of one leaf page.
struct LeafData {
  std::vector<RepDefLayer> layers;  // innermost first
  std::vector<uint16_t> rep;        // empty when the page has no repetition
  std::vector<uint16_t> def;        // empty when the page has no definition levels
  uint64_t num_levels = 0;          // levels (== rows when there are no rep levels)
  std::vector<ValueSlice> values;   // one slot per visible level, in order
  uint64_t num_values = 0;          // total slots in `values`

  void AppendValues(std::shared_ptr<const DataBlock> block, uint64_t offset, uint64_t length);
  void AppendNullValues(uint64_t length);
};

class LeafPageDecoder {
 public:
  virtual ~LeafPageDecoder() = default;
  /// \brief Byte ranges to read next (absolute file offsets); empty once the decoder has all it
  /// needs, after which Finish() may be called.
  virtual Result<std::vector<ByteRange>> NextReads() = 0;
  /// \brief The buffers of the ranges returned by the last NextReads(), in order.
  virtual Status OnReads(std::vector<Buffer> buffers) = 0;
  /// \brief Decode the requested rows.
  virtual Result<LeafData> Finish() = 0;
};

/// \brief A decoder for `rows` (sorted, non-overlapping, relative to the page's first row) of a
/// 2.1+ page (any layout: mini-block, full-zip, all-null/constant, blob). `context` names the
/// page in error messages (e.g. "column 3 page 1").
Result<std::unique_ptr<LeafPageDecoder>> MakeLeafPageDecoder(const PageMeta& page,
                                                             std::vector<RowRange> rows,
                                                             std::string context);

/// \brief Drive `decoders` to completion, sharing one ReadRanges() call per round.
Status RunLeafPageDecoders(const std::vector<LeafPageDecoder*>& decoders, RangeReader* io);

/// \brief Convenience: decode `rows` of one page.
Result<LeafData> DecodeLeafPage(const PageMeta& page, const std::vector<RowRange>& rows,
                                RangeReader* io);

/// \brief The mini-block decoder (normally created through MakeLeafPageDecoder).
Result<std::unique_ptr<LeafPageDecoder>> MakeMiniBlockPageDecoder(
    const PageMeta& page, const lance::encodings21::MiniBlockLayout& layout,
    std::vector<RowRange> rows, std::string context);

namespace internal {

/// \brief Layers of a page as RepDefLayer (Corruption for unknown values).
Result<std::vector<RepDefLayer>> ConvertLayers(const std::vector<int>& proto_layers);

/// \brief Little-endian unsigned integer of `width` (1, 2, 4 or 8) bytes at `p`.
uint64_t LoadUnsigned(const uint8_t* p, int width);

/// \brief Copy levels out of a decompressed level block (16-bit fixed width, `n` values).
Result<std::vector<uint16_t>> LevelsFromBlock(const DataBlock& block, uint64_t n,
                                              const std::string& what);

}  // namespace internal

}  // namespace lancet::encoding
