// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The lancet authors
#include "lancet/encoding/repdef_unravel.h"

#include <utility>

namespace lancet::encoding {

Result<RepDefLayer> RepDefLayerFromProto(int value) {
  if (value < 1 || value > 6) {
    return Status::Corruption("invalid rep/def layer " + std::to_string(value));
  }
  return static_cast<RepDefLayer>(value);
}

bool IsListLayer(RepDefLayer layer) {
  return layer == RepDefLayer::kAllValidList || layer == RepDefLayer::kNullableList ||
         layer == RepDefLayer::kEmptyableList || layer == RepDefLayer::kNullAndEmptyList;
}

uint16_t NumDefLevels(RepDefLayer layer) {
  switch (layer) {
    case RepDefLayer::kNullableItem:
    case RepDefLayer::kNullableList:
    case RepDefLayer::kEmptyableList:
      return 1;
    case RepDefLayer::kNullAndEmptyList:
      return 2;
    default:
      return 0;
  }
}

uint16_t MaxRep(const std::vector<RepDefLayer>& layers) {
  uint16_t n = 0;
  for (RepDefLayer l : layers) n += IsListLayer(l) ? 1 : 0;
  return n;
}

uint16_t MaxDef(const std::vector<RepDefLayer>& layers) {
  uint16_t n = 0;
  for (RepDefLayer l : layers) n += NumDefLevels(l);
  return n;
}

uint16_t MaxVisibleDef(const std::vector<RepDefLayer>& layers) {
  uint16_t n = 0;
  for (RepDefLayer l : layers) {
    if (IsListLayer(l)) break;
    n += NumDefLevels(l);
  }
  return n;
}

void BitmapBuilder::Materialize() {
  bytes_.assign((length_ + 7) / 8, 0xFF);
  if ((length_ & 7) != 0) bytes_.back() = static_cast<uint8_t>((1u << (length_ & 7)) - 1);
  materialized_ = true;
}

void BitmapBuilder::AppendN(bool valid, uint64_t n) {
  if (n == 0) return;
  if (valid && !materialized_) {
    length_ += n;
    return;
  }
  if (!materialized_) Materialize();
  // Fill the current partial byte bit by bit, then whole bytes.
  while (n > 0 && (length_ & 7) != 0) {
    Append(valid);
    --n;
  }
  const uint64_t whole = n / 8;
  bytes_.insert(bytes_.end(), whole, valid ? 0xFF : 0x00);
  length_ += whole * 8;
  if (!valid) null_count_ += whole * 8;
  for (uint64_t i = 0; i < n % 8; ++i) Append(valid);
}

void BitmapBuilder::AppendBits(const uint8_t* bits, uint64_t offset, uint64_t n) {
  uint64_t i = 0;
  if (!materialized_) {
    // Count the leading set bits (whole bytes at a time where aligned).
    while (i < n) {
      const uint64_t b = offset + i;
      if ((b & 7) == 0 && n - i >= 8) {
        if (bits[b >> 3] != 0xFF) break;
        i += 8;
      } else {
        if (((bits[b >> 3] >> (b & 7)) & 1) == 0) break;
        ++i;
      }
    }
    length_ += i;
    if (i == n) return;
  }
  for (; i < n; ++i) {
    const uint64_t b = offset + i;
    Append((bits[b >> 3] >> (b & 7)) & 1);
  }
}

void BitmapBuilder::AppendBitmap(const BitmapBuilder& other) {
  if (!other.materialized_) {
    AppendN(true, other.length_);
    return;
  }
  if (!materialized_) Materialize();
  if ((length_ & 7) == 0) {
    bytes_.insert(bytes_.end(), other.bytes_.begin(), other.bytes_.end());
    length_ += other.length_;
    null_count_ += other.null_count_;
    return;
  }
  AppendBits(other.bytes_.data(), 0, other.length_);
}

Buffer BitmapBuilder::Finish() const {
  if (null_count_ == 0) return Buffer();
  std::vector<uint8_t> out(bytes_);
  // Keep the bits past `length_` clear.
  if ((length_ & 7) != 0 && !out.empty()) {
    out.back() &= static_cast<uint8_t>((1u << (length_ & 7)) - 1);
  }
  return Buffer::FromVector(std::move(out));
}

namespace {

std::string LevelContext(uint64_t i) { return "level " + std::to_string(i); }

}  // namespace

Result<std::vector<UnraveledLayer>> UnravelRepDef(const std::vector<RepDefLayer>& layers,
                                                  const std::vector<uint16_t>& rep,
                                                  const std::vector<uint16_t>& def,
                                                  uint64_t num_levels) {
  if (layers.empty()) return Status::Corruption("page has no rep/def layers");
  if (IsListLayer(layers[0])) {
    return Status::Corruption("innermost rep/def layer is a list layer");
  }
  const bool has_rep = !rep.empty();
  const bool has_def = !def.empty();
  if (has_rep && has_def && rep.size() != def.size()) {
    return Status::Corruption("page has " + std::to_string(rep.size()) + " rep levels but " +
                              std::to_string(def.size()) + " def levels");
  }
  const uint64_t n = has_rep ? rep.size() : (has_def ? def.size() : num_levels);
  const uint16_t max_rep = MaxRep(layers);
  const uint16_t max_def = MaxDef(layers);
  if (max_rep > 0 && !has_rep && n > 0) {
    return Status::Corruption("list layers without repetition levels");
  }

  // lists_through[d]: number of list layers at or inside the layer that owns def value d. A level
  // is a slot of a layer with `c` list layers inside it iff lists_through[def] <= c.
  std::vector<uint16_t> lists_through(static_cast<size_t>(max_def) + 1, 0);
  {
    uint16_t lists = 0;
    uint16_t base = 0;
    for (RepDefLayer l : layers) {
      if (IsListLayer(l)) ++lists;
      for (uint16_t k = 1; k <= NumDefLevels(l); ++k) lists_through[base + k] = lists;
      base += NumDefLevels(l);
    }
  }
  if (has_def) {
    for (uint64_t i = 0; i < n; ++i) {
      if (def[i] > max_def) {
        return Status::Corruption(LevelContext(i) + ": def " + std::to_string(def[i]) +
                                  " exceeds the maximum " + std::to_string(max_def));
      }
    }
  }
  if (has_rep) {
    for (uint64_t i = 0; i < n; ++i) {
      if (rep[i] > max_rep) {
        return Status::Corruption(LevelContext(i) + ": rep " + std::to_string(rep[i]) +
                                  " exceeds the maximum " + std::to_string(max_rep));
      }
    }
    if (n > 0 && rep[0] != max_rep) {
      return Status::Corruption("first level does not start a row (rep " + std::to_string(rep[0]) +
                                ")");
    }
  }

  // Working set of levels: entries that may still be slots of the current or an outer layer.
  std::vector<uint16_t> cur_rep = rep;
  std::vector<uint16_t> cur_def = def;
  uint64_t cur_n = n;
  uint16_t lists_inside = 0;  // list layers already unraveled
  uint16_t base = 0;          // def values owned by the layers already unraveled

  std::vector<UnraveledLayer> out(layers.size());
  for (size_t li = 0; li < layers.size(); ++li) {
    const RepDefLayer layer = layers[li];
    UnraveledLayer& o = out[li];
    const uint16_t own = NumDefLevels(layer);
    if (!IsListLayer(layer)) {
      o.is_list = false;
      const bool nullable = layer == RepDefLayer::kNullableItem;
      if (!has_def) {
        o.length = cur_n;
        o.validity.AppendN(true, cur_n);
      } else {
        for (uint64_t j = 0; j < cur_n; ++j) {
          const uint16_t d = cur_def[j];
          if (lists_through[d] > lists_inside) continue;  // null/empty list further out
          o.validity.Append(!nullable || d <= base);
          ++o.length;
        }
      }
      if (li > 0 && o.length != out[li - 1].length) {
        return Status::Corruption("rep/def layer " + std::to_string(li) + " (" +
                                  RepDefLayerName(layer) + ") has " + std::to_string(o.length) +
                                  " slots but the layer inside has " +
                                  std::to_string(out[li - 1].length));
      }
    } else {
      o.is_list = true;
      // Def values [base+1, upper] are this list's null/empty markers; (upper, max_level] are
      // nulls of the struct layers between this list and the next list outward, which make this
      // list slot null; anything above max_level belongs further out (no slot here).
      const uint16_t upper = static_cast<uint16_t>(base + own);
      uint16_t max_level = upper;
      for (size_t k = li + 1; k < layers.size() && !IsListLayer(layers[k]); ++k) {
        max_level = static_cast<uint16_t>(max_level + NumDefLevels(layers[k]));
      }
      std::vector<uint16_t> next_rep;
      std::vector<uint16_t> next_def;
      next_rep.reserve(cur_n);
      if (has_def) next_def.reserve(cur_n);
      int64_t items = 0;
      bool open = false;  // whether a list with items is open (a rep-0 level may continue it)
      for (uint64_t j = 0; j < cur_n; ++j) {
        const uint16_t r = cur_rep[j];
        const uint16_t d = has_def ? cur_def[j] : 0;
        if (r == 0) {
          // Continues the current list with one more inner slot.
          if (!open) {
            return Status::Corruption("rep/def layer " + std::to_string(li) +
                                      ": level continues a list that was never started");
          }
          ++items;
          continue;
        }
        next_rep.push_back(static_cast<uint16_t>(r - 1));
        if (has_def) next_def.push_back(d);
        if (d <= base) {
          // A valid list whose first inner slot is this level.
          o.offsets.push_back(items);
          ++items;
          o.validity.Append(true);
          open = true;
        } else if (d <= upper) {
          bool is_null = false;
          switch (layer) {
            case RepDefLayer::kNullableList:
              is_null = true;
              break;
            case RepDefLayer::kEmptyableList:
              is_null = false;
              break;
            case RepDefLayer::kNullAndEmptyList:
              is_null = (d == base + 1);
              break;
            default:
              return Status::Corruption("def " + std::to_string(d) + " in an all-valid list");
          }
          o.offsets.push_back(items);
          o.validity.Append(!is_null);
          open = false;
        } else if (d <= max_level) {
          // A struct between this list and the next list outward is null.
          o.offsets.push_back(items);
          o.validity.Append(false);
          open = false;
        } else {
          // Null or empty list of an outer layer: no slot at this layer.
          open = false;
        }
      }
      o.length = o.offsets.size();
      o.offsets.push_back(items);
      const uint64_t inner = out[li - 1].length;
      if (static_cast<uint64_t>(items) != inner) {
        return Status::Corruption("rep/def layer " + std::to_string(li) + " (" +
                                  RepDefLayerName(layer) + ") holds " + std::to_string(items) +
                                  " items but the layer inside has " + std::to_string(inner) +
                                  " slots");
      }
      cur_rep = std::move(next_rep);
      if (has_def) cur_def = std::move(next_def);
      cur_n = cur_rep.size();
      ++lists_inside;
    }
    base = static_cast<uint16_t>(base + own);
  }
  return out;
}

Status AppendUnraveled(std::vector<UnraveledLayer>* dst, std::vector<UnraveledLayer> src) {
  if (dst->empty()) {
    *dst = std::move(src);
    return Status::OK();
  }
  if (dst->size() != src.size()) {
    return Status::Corruption("pages disagree on the number of rep/def layers (" +
                              std::to_string(dst->size()) + " vs " + std::to_string(src.size()) +
                              ")");
  }
  for (size_t i = 0; i < src.size(); ++i) {
    UnraveledLayer& d = (*dst)[i];
    UnraveledLayer& s = src[i];
    if (d.is_list != s.is_list) {
      return Status::Corruption("pages disagree on the kind of rep/def layer " + std::to_string(i));
    }
    if (d.is_list) {
      const int64_t shift = d.offsets.empty() ? 0 : d.offsets.back();
      if (d.offsets.empty()) d.offsets.push_back(0);
      for (size_t k = 1; k < s.offsets.size(); ++k) d.offsets.push_back(s.offsets[k] + shift);
    }
    d.length += s.length;
    d.validity.AppendBitmap(s.validity);
  }
  return Status::OK();
}

}  // namespace lancet::encoding
