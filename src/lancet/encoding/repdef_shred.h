// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The lancet authors
//
// Shredding for the 2.1+ structural encodings: a top-level field's arrays become one stream per
// leaf column (struct and list parents have no column; fixed-size lists, empty structs and packed
// structs are leaves). Each stream carries
//   - repetition levels (only when a list is above the leaf): the level of the outermost list
//     that starts a new element at this level, outermost list = number of lists, 0 = continues;
//   - definition levels (only when some layer has nulls or empty lists): 0 = valid; the layers,
//     innermost first, take the next values: NULLABLE_ITEM/NULLABLE_LIST +1 (null),
//     EMPTYABLE_LIST +1 (empty), NULL_AND_EMPTY_LIST +1 (null), +2 (empty);
//   - the leaf values with one slot per *visible* level: every leaf item, null items included,
//     and nulls of struct layers that have no list between them and the leaf. Null and empty
//     lists (and everything below them) produce one level and no slot.
// Which kind each layer has depends on the rows of a page, as in Lance: a list is nullable when
// it has nulls, emptyable when it has empty lists; a struct or leaf layer is nullable when it
// has nulls or its direct parent is a nullable struct (Lance pushes struct validity into the
// struct's children). LeafStream therefore records layer-independent "codes" while appending
// and fixes the layer kinds when a page is cut (Page()).
// Not thread-safe; one stream per column.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "lancet/core/array.h"
#include "lancet/core/result.h"
#include "lancet/core/type.h"

namespace lancet::encoding {

/// Structural layers along a leaf path.
enum class PathLayer : uint8_t { kStruct, kList, kLeaf };

/// The path from a top-level field to one of its leaf columns.
struct LeafPath {
  std::vector<PathLayer> layers;  // outermost first; the last one is kLeaf
  std::vector<int> child_index;   // per layer: the struct child leading to the leaf, else -1
  Field leaf;                     // the leaf field (for a top-level leaf, the field itself)
  int num_lists = 0;
};

/// \brief The leaf paths of `field` in column order (depth first), following the 2.1 rules.
/// `packed` structs (field metadata lance-encoding:packed) and empty structs are leaves.
std::vector<LeafPath> LeafPaths(const Field& field);

/// Values of lance.encodings21.RepDefLayer.
enum class RepDefLayer : uint8_t {
  kAllValidItem = 1,
  kAllValidList = 2,
  kNullableItem = 3,
  kNullableList = 4,
  kEmptyableList = 5,
  kNullAndEmptyList = 6,
};

/// \brief "NULLABLE_ITEM", ...
const char* RepDefLayerName(RepDefLayer layer);

/// A run of consecutive slots of one leaf array.
struct ValueRun {
  ArrayPtr array;
  int64_t start = 0;
  int64_t length = 0;
};

/// The shredded form of whole rows of one leaf column, with the layer kinds fixed.
struct ShreddedLeaf {
  uint64_t num_rows = 0;
  std::vector<RepDefLayer> layers;  // innermost first
  std::vector<uint16_t> rep;        // one per level, empty when there is no list
  std::vector<uint16_t> def;        // one per level, empty when no layer has nulls/empties
  uint64_t num_levels = 0;          // rep.size() / def.size() when present
  uint16_t max_rep = 0;             // number of list layers
  uint16_t max_def = 0;             // sum of the def values the layers take
  uint16_t max_visible_def = 0;     // levels with def <= this have a value slot
  // Visible value slots in order (num_values of them), and their validity.
  std::vector<ValueRun> values;
  uint64_t num_values = 0;
  uint64_t num_null_values = 0;
  std::vector<uint8_t> value_valid;  // one byte per slot (1 = valid); empty when all valid

  bool has_rep() const { return !rep.empty(); }
  bool has_def() const { return !def.empty(); }
  /// \brief True when level `def_level` has a value slot.
  bool IsVisible(uint16_t def_level) const { return max_rep == 0 || def_level <= max_visible_def; }
};

/// Accumulates shredded rows of one leaf column; cut into pages with TakePage().
class LeafStream {
 public:
  explicit LeafStream(LeafPath path);

  const LeafPath& path() const { return path_; }

  /// \brief Shred every row of `top` (an array of the top-level field's type) and append it.
  Status Append(const ArrayPtr& top);

  uint64_t num_rows() const { return num_rows_; }
  uint64_t num_levels() const { return codes_.size(); }
  uint64_t num_values() const { return num_values_; }
  /// \brief Rough encoded size of the buffered rows (values plus levels), for page cutting.
  uint64_t estimated_bytes() const { return estimated_bytes_; }

  /// \brief Number of leading rows whose estimated size stays within `max_bytes` (at least 1
  /// when rows are buffered).
  uint64_t RowsWithin(uint64_t max_bytes) const;

  /// \brief Remove the first `rows` rows and return them as a page with fixed layer kinds.
  Result<ShreddedLeaf> TakePage(uint64_t rows);

 private:
  Status Walk(size_t k, const ArrayPtr& arr, int64_t i, uint16_t rep);
  void Emit(uint16_t rep, uint16_t code);
  void PushValue(const ArrayPtr& leaf, int64_t index);
  uint64_t SlotBytes(const ArrayData& leaf, int64_t index) const;

  LeafPath path_;
  int innermost_list_ = -1;           // index of the innermost list layer, -1 if none
  std::vector<uint8_t> visible_;      // per code: has a value slot
  std::vector<uint16_t> list_level_;  // per list layer: its repetition level
  std::vector<uint16_t> rep_;         // per level (only with lists)
  std::vector<uint16_t> codes_;       // per level: 0 valid, 2k+1 null at layer k, 2k+2 empty at k
  std::vector<ValueRun> runs_;
  uint64_t num_rows_ = 0;
  uint64_t num_values_ = 0;
  uint64_t estimated_bytes_ = 0;
  uint64_t fixed_value_bytes_ = 0;  // per slot, fixed-width leaves
  uint64_t level_bytes_ = 0;        // estimated bytes per level
  uint64_t variable_overhead_ = 0;  // estimated bytes per variable-width value beyond its data
  bool variable_ = false;
};

/// \brief Shred all rows of `array` (of `field`'s type) into one ShreddedLeaf per leaf column.
Result<std::vector<ShreddedLeaf>> ShredArray(const Field& field, const ArrayPtr& array);

}  // namespace lancet::encoding
