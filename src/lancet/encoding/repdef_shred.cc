// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The lancet authors
#include "lancet/encoding/repdef_shred.h"

#include <algorithm>
#include <utility>

namespace lancet::encoding {

namespace {

constexpr char kPackedKey[] = "lance-encoding:packed";

bool IsStructLeaf(const Field& f) {
  return f.type->children().empty() || f.metadata.count(kPackedKey) > 0;
}

void CollectPaths(const Field& f, LeafPath prefix, std::vector<LeafPath>* out) {
  const DataType& t = *f.type;
  if (t.id() == TypeId::kStruct && !IsStructLeaf(f)) {
    for (size_t i = 0; i < t.children().size(); ++i) {
      LeafPath p = prefix;
      p.layers.push_back(PathLayer::kStruct);
      p.child_index.push_back(static_cast<int>(i));
      CollectPaths(t.children()[i], std::move(p), out);
    }
    return;
  }
  if (t.is_list_like()) {
    prefix.layers.push_back(PathLayer::kList);
    prefix.child_index.push_back(-1);
    prefix.num_lists++;
    CollectPaths(t.children()[0], std::move(prefix), out);
    return;
  }
  prefix.layers.push_back(PathLayer::kLeaf);
  prefix.child_index.push_back(-1);
  prefix.leaf = f;
  out->push_back(std::move(prefix));
}

uint16_t NullCode(size_t k) { return static_cast<uint16_t>(2 * k + 1); }
uint16_t EmptyCode(size_t k) { return static_cast<uint16_t>(2 * k + 2); }

}  // namespace

std::vector<LeafPath> LeafPaths(const Field& field) {
  std::vector<LeafPath> out;
  CollectPaths(field, LeafPath{}, &out);
  return out;
}

const char* RepDefLayerName(RepDefLayer layer) {
  switch (layer) {
    case RepDefLayer::kAllValidItem:
      return "ALL_VALID_ITEM";
    case RepDefLayer::kAllValidList:
      return "ALL_VALID_LIST";
    case RepDefLayer::kNullableItem:
      return "NULLABLE_ITEM";
    case RepDefLayer::kNullableList:
      return "NULLABLE_LIST";
    case RepDefLayer::kEmptyableList:
      return "EMPTYABLE_LIST";
    case RepDefLayer::kNullAndEmptyList:
      return "NULL_AND_EMPTY_LIST";
  }
  return "UNSPECIFIED";
}

LeafStream::LeafStream(LeafPath path) : path_(std::move(path)) {
  const size_t n = path_.layers.size();
  for (size_t k = 0; k < n; ++k) {
    if (path_.layers[k] == PathLayer::kList) innermost_list_ = static_cast<int>(k);
  }
  list_level_.assign(n, 0);
  int lists_before = 0;
  for (size_t k = 0; k < n; ++k) {
    if (path_.layers[k] == PathLayer::kList) {
      list_level_[k] = static_cast<uint16_t>(path_.num_lists - lists_before);
      lists_before++;
    }
  }
  visible_.assign(2 * n + 1, 0);
  visible_[0] = 1;
  for (size_t k = 0; k < n; ++k) {
    // A null at a struct / leaf layer keeps its slot when no list lies between it and the leaf.
    if (path_.layers[k] != PathLayer::kList && static_cast<int>(k) > innermost_list_) {
      visible_[NullCode(k)] = 1;
    }
  }
  const DataType& t = *path_.leaf.type;
  variable_ = t.is_binary_like();
  variable_overhead_ = (t.id() == TypeId::kLargeString || t.id() == TypeId::kLargeBinary) ? 9 : 5;
  if (!variable_) fixed_value_bytes_ = static_cast<uint64_t>((std::max(t.bit_width(), 0) + 7) / 8);
  if (t.id() == TypeId::kStruct) {  // packed struct: the fields side by side
    for (const Field& c : t.children()) {
      fixed_value_bytes_ += static_cast<uint64_t>((std::max(c.type->bit_width(), 0) + 7) / 8);
    }
  }
  level_bytes_ = (path_.num_lists > 0 ? 2 : 0) + 1;
}

uint64_t LeafStream::SlotBytes(const ArrayData& leaf, int64_t index) const {
  if (!variable_) return fixed_value_bytes_;
  // Bytes plus the stored length (full-zip) or offset (mini-block) and a control word.
  const int64_t* off = leaf.offsets64();
  return static_cast<uint64_t>(off[index + 1] - off[index]) + variable_overhead_;
}

void LeafStream::Emit(uint16_t rep, uint16_t code) {
  if (path_.num_lists > 0) rep_.push_back(rep);
  codes_.push_back(code);
  estimated_bytes_ += level_bytes_;
}

void LeafStream::PushValue(const ArrayPtr& leaf, int64_t index) {
  if (!runs_.empty() && runs_.back().array.get() == leaf.get() &&
      runs_.back().start + runs_.back().length == index) {
    runs_.back().length++;
  } else {
    runs_.push_back(ValueRun{leaf, index, 1});
  }
  num_values_++;
  estimated_bytes_ += SlotBytes(*leaf, index);
}

Status LeafStream::Walk(size_t k, const ArrayPtr& arr, int64_t i, uint16_t rep) {
  const ArrayData& a = *arr;
  switch (path_.layers[k]) {
    case PathLayer::kStruct: {
      const int c = path_.child_index[k];
      if (c < 0 || static_cast<size_t>(c) >= a.children.size() || !a.children[c] ||
          a.children[c]->length < a.length) {
        return Status::InvalidArgument("struct array does not match its type (child " +
                                       std::to_string(c) + ")");
      }
      if (a.IsNull(i)) {
        Emit(rep, NullCode(k));
        if (visible_[NullCode(k)]) {
          // Only struct layers lie below: the leaf slot has the same index.
          const ArrayPtr* cur = &a.children[c];
          for (size_t j = k + 1; j + 1 < path_.layers.size(); ++j) {
            const ArrayData& s = **cur;
            const int cj = path_.child_index[j];
            if (cj < 0 || static_cast<size_t>(cj) >= s.children.size() || !s.children[cj] ||
                s.children[cj]->length < s.length) {
              return Status::InvalidArgument("struct array does not match its type");
            }
            cur = &s.children[cj];
          }
          PushValue(*cur, i);
        }
        return Status::OK();
      }
      return Walk(k + 1, a.children[c], i, rep);
    }
    case PathLayer::kList: {
      if (a.children.size() != 1 || !a.children[0] ||
          a.offsets.size() < static_cast<int64_t>((a.length + 1) * sizeof(int64_t))) {
        return Status::InvalidArgument("list array does not match its type");
      }
      if (a.IsNull(i)) {
        Emit(rep, NullCode(k));
        return Status::OK();
      }
      const int64_t* off = a.offsets64();
      const int64_t s = off[i], e = off[i + 1];
      if (s < 0 || e < s || e > a.children[0]->length) {
        return Status::InvalidArgument("list offsets out of range");
      }
      if (s == e) {
        Emit(rep, EmptyCode(k));
        return Status::OK();
      }
      const uint16_t level = list_level_[k];
      for (int64_t j = s; j < e; ++j) {
        LANCET_RETURN_NOT_OK(Walk(k + 1, a.children[0], j, j == s ? rep : level - 1));
      }
      return Status::OK();
    }
    case PathLayer::kLeaf: {
      if (variable_ && a.offsets.size() < static_cast<int64_t>((a.length + 1) * sizeof(int64_t))) {
        return Status::InvalidArgument("binary array without offsets");
      }
      if (!variable_ && a.type->id() != TypeId::kNull && fixed_value_bytes_ > 0 &&
          a.type->id() != TypeId::kFixedSizeList && a.type->id() != TypeId::kBool &&
          a.type->id() != TypeId::kStruct &&
          a.values.size() < static_cast<int64_t>(fixed_value_bytes_) * a.length) {
        return Status::InvalidArgument("fixed-width array with a short values buffer");
      }
      const bool is_null = a.type->id() == TypeId::kNull || a.IsNull(i);
      Emit(rep, is_null ? NullCode(k) : 0);
      PushValue(arr, i);
      return Status::OK();
    }
  }
  return Status::Internal("bad path layer");
}

Status LeafStream::Append(const ArrayPtr& top) {
  if (!top) return Status::InvalidArgument("null array");
  const uint16_t rep = static_cast<uint16_t>(path_.num_lists);
  for (int64_t i = 0; i < top->length; ++i) {
    LANCET_RETURN_NOT_OK(Walk(0, top, i, rep));
  }
  num_rows_ += static_cast<uint64_t>(top->length);
  return Status::OK();
}

uint64_t LeafStream::RowsWithin(uint64_t max_bytes) const {
  const bool lists = path_.num_lists > 0;
  const uint16_t max_rep = static_cast<uint16_t>(path_.num_lists);
  uint64_t total = 0, rows = 0, cur = 0;
  bool in_row = false;
  size_t run = 0;
  int64_t in_run = 0;
  for (size_t l = 0; l < codes_.size(); ++l) {
    if ((!lists || rep_[l] == max_rep) && in_row) {
      if (rows > 0 && total + cur > max_bytes) return rows;
      total += cur;
      rows++;
      cur = 0;
    }
    in_row = true;
    cur += level_bytes_;
    if (visible_[codes_[l]]) {
      while (in_run >= runs_[run].length) {
        run++;
        in_run = 0;
      }
      cur += SlotBytes(*runs_[run].array, runs_[run].start + in_run);
      in_run++;
    }
  }
  if (in_row && !(rows > 0 && total + cur > max_bytes)) rows++;
  return rows;
}

Result<ShreddedLeaf> LeafStream::TakePage(uint64_t rows) {
  if (rows > num_rows_) return Status::Internal("TakePage beyond buffered rows");
  const size_t n = path_.layers.size();
  const bool lists = path_.num_lists > 0;
  const uint16_t max_rep = static_cast<uint16_t>(path_.num_lists);

  // Level and slot extent of the page.
  size_t level_end = 0;
  if (!lists) {
    level_end = rows;
  } else if (rows == num_rows_) {
    level_end = codes_.size();
  } else {
    uint64_t seen = 0;
    for (; level_end < codes_.size(); ++level_end) {
      if (rep_[level_end] == max_rep) {
        if (seen == rows) break;
        seen++;
      }
    }
  }

  ShreddedLeaf page;
  page.num_rows = rows;
  page.num_levels = level_end;
  page.max_rep = max_rep;

  // Which codes occur decides the layer kinds.
  std::vector<uint8_t> present(2 * n + 1, 0);
  uint64_t slots = 0, null_slots = 0;
  for (size_t l = 0; l < level_end; ++l) {
    const uint16_t c = codes_[l];
    present[c] = 1;
    if (visible_[c]) {
      slots++;
      null_slots += c != 0;
    }
  }
  std::vector<uint8_t> nullable(n, 0), emptyable(n, 0);
  for (size_t k = 0; k < n; ++k) {
    nullable[k] = present[NullCode(k)] ||
                  (k > 0 && path_.layers[k - 1] == PathLayer::kStruct && nullable[k - 1]);
    if (path_.layers[k] == PathLayer::kList) emptyable[k] = present[EmptyCode(k)];
  }
  // Def values, innermost layer first.
  std::vector<uint16_t> def_of(2 * n + 1, 0);
  uint16_t next = 1;
  int visible_layers_end = innermost_list_;  // layers above this index are "visible" ones
  uint16_t max_visible = 0;
  for (size_t kk = n; kk-- > 0;) {
    if (path_.layers[kk] == PathLayer::kList) {
      RepDefLayer kind;
      if (nullable[kk] && emptyable[kk]) {
        kind = RepDefLayer::kNullAndEmptyList;
        def_of[NullCode(kk)] = next++;
        def_of[EmptyCode(kk)] = next++;
      } else if (nullable[kk]) {
        kind = RepDefLayer::kNullableList;
        def_of[NullCode(kk)] = next++;
      } else if (emptyable[kk]) {
        kind = RepDefLayer::kEmptyableList;
        def_of[EmptyCode(kk)] = next++;
      } else {
        kind = RepDefLayer::kAllValidList;
      }
      page.layers.push_back(kind);
    } else {
      if (nullable[kk]) {
        def_of[NullCode(kk)] = next++;
        page.layers.push_back(RepDefLayer::kNullableItem);
      } else {
        page.layers.push_back(RepDefLayer::kAllValidItem);
      }
      if (static_cast<int>(kk) > visible_layers_end) max_visible = next - 1;
    }
  }
  page.max_def = next - 1;
  page.max_visible_def = lists ? max_visible : page.max_def;

  if (lists) page.rep.assign(rep_.begin(), rep_.begin() + level_end);
  if (page.max_def > 0) {
    page.def.resize(level_end);
    for (size_t l = 0; l < level_end; ++l) page.def[l] = def_of[codes_[l]];
  }
  page.num_values = slots;
  page.num_null_values = null_slots;
  if (null_slots > 0) {
    page.value_valid.reserve(slots);
    for (size_t l = 0; l < level_end; ++l) {
      const uint16_t c = codes_[l];
      if (visible_[c]) page.value_valid.push_back(c == 0);
    }
  }

  // Move the slots out, splitting the last run if needed.
  uint64_t need = slots;
  size_t r = 0;
  uint64_t page_value_bytes = 0;
  while (need > 0) {
    ValueRun& run = runs_[r];
    const int64_t take = static_cast<int64_t>(std::min<uint64_t>(need, run.length));
    ValueRun part{run.array, run.start, take};
    for (int64_t j = 0; j < take; ++j) page_value_bytes += SlotBytes(*run.array, run.start + j);
    page.values.push_back(part);
    need -= take;
    if (take == run.length) {
      r++;
    } else {
      run.start += take;
      run.length -= take;
    }
  }
  runs_.erase(runs_.begin(), runs_.begin() + r);
  if (lists) rep_.erase(rep_.begin(), rep_.begin() + level_end);
  codes_.erase(codes_.begin(), codes_.begin() + level_end);
  num_rows_ -= rows;
  num_values_ -= slots;
  const uint64_t page_bytes = page_value_bytes + level_end * level_bytes_;
  estimated_bytes_ = estimated_bytes_ > page_bytes ? estimated_bytes_ - page_bytes : 0;
  if (num_rows_ == 0) estimated_bytes_ = 0;
  return page;
}

Result<std::vector<ShreddedLeaf>> ShredArray(const Field& field, const ArrayPtr& array) {
  std::vector<ShreddedLeaf> out;
  for (LeafPath& p : LeafPaths(field)) {
    LeafStream s(std::move(p));
    LANCET_RETURN_NOT_OK(s.Append(array));
    LANCET_ASSIGN_OR_RETURN(ShreddedLeaf page, s.TakePage(s.num_rows()));
    out.push_back(std::move(page));
  }
  return out;
}

}  // namespace lancet::encoding
