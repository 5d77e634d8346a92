// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The lancet authors
//
// Internals of the 2.1/2.2 page encoder (encoder_v21.cc), exposed for tests.
//
// A page of one leaf column is a ShreddedLeaf (repdef_shred.h) plus the leaf values gathered
// into a DataBlock. The layout is chosen like Lance's PrimitiveStructuralEncoder:
//   - no visible value, or every visible value null: AllNullLayout (no buffers when the leaf is
//     the top-level field, else [rep u16s, def u16s]; 2.2 adds rep/def_compression = Flat(16)
//     and num_rep/def_values, as LanceDB 0.39 writes it);
//   - with compression, 2.2 only: every valid value equal -> constant page (AllNullLayout with
//     inline_value; [rep, def] raw u16 when there are levels);
//   - with compression, low-cardinality strings (and 64/128-bit values in 2.2) -> mini-block
//     with a structural dictionary (i32 indices);
//   - max value size < 256 bytes: MiniBlockLayout; otherwise FullZipLayout. Field metadata
//     lance-encoding:structural-encoding = miniblock | fullzip forces one. Packed structs
//     (lance-encoding:packed, fixed-width fields) are always mini-block.
// MiniBlock page buffers: [chunk metadata, chunk data, (dictionary), (repetition index)].
//   Chunk metadata: one word per chunk, ((chunk_bytes / 8 - 1) << 4) | log2(values), u16 in 2.1
//   (chunks <= 32 KiB) and u32 in 2.2 (MiniBlockLayout.has_large_chunk = true). The last chunk
//   may hold any number of values (log 0 unless it is a full chunk).
//   Chunk: u16 num_levels, [u16 rep_bytes], [u16 def_bytes], buffer sizes (u16 in 2.1, u32 in
//   2.2), pad to 8 with 0xFE, then rep, def and each value buffer, each padded to 8 with 0xFE.
//   Chunks whose levels or bytes exceed these limits are halved; a page whose single values
//   cannot fit becomes full-zip.
//   Repetition index (lists only): per chunk u64 [rows finished in the chunk, leftover levels].
//   Values: Flat / FixedSizeList / Variable / PackedStruct; with compression also
//   InlineBitpacking, Rle, Fsst and the dictionary; levels Flat(16) or, with compression,
//   InlineBitpacking(16) (pages <= 1024 levels) / OutOfLineBitpacking(16) at the page's width.
// FullZip page buffers: [zipped values, (repetition index)]; each level is
//   [control word (rep << bits_def | def, 1/2/4 bytes, absent without rep/def)][payload]; fixed
//   payloads are always present for visible levels, variable ones ([u32|u64 length][bytes]) only
//   for valid items. The repetition index (always for variable, with lists for fixed) holds
//   rows + 1 byte offsets of 1/2/4/8 bytes. With compression, variable values over 32 KiB are
//   zstd-compressed one by one (General), and long strings FSST-compressed one by one.
#pragma once

#include <cstdint>
#include <vector>

#include "lancet/core/buffer.h"
#include "lancet/core/result.h"
#include "lancet/encoding/data_block.h"
#include "lancet/encoding/field_codec.h"
#include "lancet/encoding/repdef_shred.h"

namespace lancet::encoding::internal {

/// Leaf values of one page, one slot per visible level (null slots zeroed / empty).
struct PageValues {
  DataBlock block;                    // kFixedWidth or kVariableWidth (num_values slots)
  std::vector<uint32_t> fsl_dims;     // fixed-size list dimensions, outermost first (empty if none)
  uint32_t item_bits = 0;             // fixed-size lists: bits of one innermost item
  bool fsl_has_validity = false;      // block.fsl_validity holds item validity (single-level FSL)
  std::vector<uint32_t> packed_bits;  // packed structs: bits of each field (rows interleaved)
  uint64_t max_value_bytes = 0;       // largest value in bytes (the mini-block / full-zip switch)
  bool no_values = false;             // empty structs / null type: nothing to store
};

/// \brief Gather the visible slots of `page` for a leaf of type `type`.
Result<PageValues> BuildPageValues(const ShreddedLeaf& page, const DataType& type);

enum class LayoutChoice : uint8_t { kAuto, kMiniBlock, kFullZip };

struct PageEncodeOptions {
  FileVersion version = FileVersion::kV2_1;
  LayoutChoice layout = LayoutChoice::kAuto;
  bool enable_compression = false;
};

/// \brief Encode one page of one leaf column (chooses the layout).
Result<EncodedPage> EncodeLeafPage(const ShreddedLeaf& page, const LeafPath& path,
                                   const PageEncodeOptions& options);

/// \brief The individual layouts. EncodeMiniBlock returns NotSupported when the levels of a
/// single value cannot fit one chunk (the caller then uses full-zip).
Result<EncodedPage> EncodeMiniBlock(const ShreddedLeaf& page, const PageValues& values,
                                    const PageEncodeOptions& options);
Result<EncodedPage> EncodeFullZip(const ShreddedLeaf& page, const PageValues& values,
                                  const PageEncodeOptions& options);
Result<EncodedPage> EncodeAllNull(const ShreddedLeaf& page, bool simple,
                                  const PageEncodeOptions& options);

/// \brief Bits needed to store `v` (0 for 0), Lance's log_2_ceil.
int BitsNeeded(uint32_t v);

}  // namespace lancet::encoding::internal
