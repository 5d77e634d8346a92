// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The lancet authors
//
// Repetition / definition levels of Lance 2.1+ pages, turned back into nested structure.
//
// A leaf page of a field stores, per *level*, a repetition level (rep) and a definition level
// (def), plus one value slot per *visible* level. The page's `layers` describe every structural
// layer between the leaf and the top-level field, innermost first: the leaf item itself, then
// each struct (an item layer) and each list (a list layer) going outward. Each layer owns
// NumDefLevels() consecutive def values, counted upward from 1 in layer order:
//   - NULLABLE_ITEM: base+1 = this item/struct is null.
//   - NULLABLE_LIST: base+1 = null list.       EMPTYABLE_LIST: base+1 = empty list.
//   - NULL_AND_EMPTY_LIST: base+1 = null list, base+2 = empty list.
//   - ALL_VALID_*: no def values.
// def 0 means valid all the way down. rep = number of list layers (counted from the innermost)
// that start a new element at this level; rep == MaxRep() starts a new top-level row.
// A level whose def is owned by a list layer (or by a layer outside a list) has no leaf value
// slot ("invisible"): values exist for def <= MaxVisibleDef() only.
//
// UnravelRepDef() rebuilds, for each layer, the slots of that layer: their count, validity and
// (for lists) offsets into the slots of the layer inside it. Thread-compatible value types.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "lancet/core/buffer.h"
#include "lancet/core/result.h"
#include "lancet/encoding/repdef_shred.h"

namespace lancet::encoding {

// RepDefLayer (values as numbered in encodings_v2_1.proto) and RepDefLayerName() come from
// repdef_shred.h, shared with the encoder.

/// \brief Convert a raw proto enum value; values outside 1..6 are Corruption.
Result<RepDefLayer> RepDefLayerFromProto(int value);
bool IsListLayer(RepDefLayer layer);
/// \brief Number of def values the layer owns (0, 1 or 2).
uint16_t NumDefLevels(RepDefLayer layer);
/// \brief Number of list layers: the rep value that starts a new row.
uint16_t MaxRep(const std::vector<RepDefLayer>& layers);
/// \brief Largest def value any layer can produce.
uint16_t MaxDef(const std::vector<RepDefLayer>& layers);
/// \brief Largest def value that still has a leaf value slot: the def levels of the layers inside
/// the innermost list (all layers when there is no list).
uint16_t MaxVisibleDef(const std::vector<RepDefLayer>& layers);

/// A growable LSB-first validity bitmap. Not thread-safe. Holds no bytes while every bit is set
/// (a vector column of a million rows has 512 million valid items): the bitmap is materialized
/// when the first null arrives.
class BitmapBuilder {
 public:
  void Append(bool valid) {
    if (!valid && !materialized_) Materialize();
    if (materialized_) {
      if ((length_ & 7) == 0) bytes_.push_back(0);
      if (valid) {
        bytes_.back() |= static_cast<uint8_t>(1u << (length_ & 7));
      } else {
        ++null_count_;
      }
    }
    ++length_;
  }
  void AppendN(bool valid, uint64_t n);
  /// \brief Append bits [offset, offset + n) of an LSB-first bitmap.
  void AppendBits(const uint8_t* bits, uint64_t offset, uint64_t n);
  void AppendBitmap(const BitmapBuilder& other);
  bool Get(uint64_t i) const { return !materialized_ || ((bytes_[i >> 3] >> (i & 7)) & 1); }
  uint64_t length() const { return length_; }
  uint64_t null_count() const { return null_count_; }
  /// \brief The bitmap as a Buffer, or an empty Buffer when every bit is set.
  Buffer Finish() const;

 private:
  /// Write out the all-set bits so far (bits past length_ clear).
  void Materialize();

  std::vector<uint8_t> bytes_;
  bool materialized_ = false;
  uint64_t length_ = 0;
  uint64_t null_count_ = 0;
};

/// The slots of one structural layer.
struct UnraveledLayer {
  bool is_list = false;
  uint64_t length = 0;           // number of slots
  BitmapBuilder validity;        // `length` bits
  std::vector<int64_t> offsets;  // lists: length + 1 entries into the inner layer's slots
};

/// \brief Rebuild the per-layer structure of one run of levels (e.g. one page's share of the
/// requested rows). `rep` / `def` may each be empty (absent); when both are empty every one of
/// `num_levels` levels is a valid item. Returns one entry per layer, innermost first; entry 0 has
/// one slot per value. Inconsistent levels are Corruption.
Result<std::vector<UnraveledLayer>> UnravelRepDef(const std::vector<RepDefLayer>& layers,
                                                  const std::vector<uint16_t>& rep,
                                                  const std::vector<uint16_t>& def,
                                                  uint64_t num_levels);

/// \brief Append the layers of `src` after those of `dst` (same number and kinds of layers;
/// list offsets are rebased). An empty `dst` takes `src` as is.
Status AppendUnraveled(std::vector<UnraveledLayer>* dst, std::vector<UnraveledLayer> src);

}  // namespace lancet::encoding
