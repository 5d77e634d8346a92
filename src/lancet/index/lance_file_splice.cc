// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The lancet authors
#include <cstdint>
#include <cstring>

#include "lancet/index/lance_file_splice_internal.h"

namespace lancet::index {

namespace {
template <typename T>
T Load(const std::string& s, uint64_t pos) {
  T v;
  std::memcpy(&v, s.data() + pos, sizeof(T));
  return v;
}
template <typename T>
void Put(std::string* s, T v) {
  s->append(reinterpret_cast<const char*>(&v), sizeof(T));
}
void Pad64(std::string* s) {
  size_t rem = s->size() % 64;
  if (rem) s->append(64 - rem, '\0');
}
}  // namespace

Result<std::string> AddGlobalBuffers(const std::string& in,
                                     const std::vector<std::string>& buffers) {
  constexpr uint64_t kFooter = 40;
  const uint64_t size = in.size();
  if (size < kFooter || std::memcmp(in.data() + size - 4, "LANC", 4) != 0) {
    return Status::Corruption("not a Lance file (no LANC footer)");
  }
  const uint64_t f = size - kFooter;
  const uint64_t column_meta_start = Load<uint64_t>(in, f);
  const uint64_t cmo_start = Load<uint64_t>(in, f + 8);
  const uint64_t gbo_start = Load<uint64_t>(in, f + 16);
  const uint32_t num_gb = Load<uint32_t>(in, f + 24);
  const uint32_t num_cols = Load<uint32_t>(in, f + 28);
  const uint16_t major = Load<uint16_t>(in, f + 32);
  const uint16_t minor = Load<uint16_t>(in, f + 34);
  if (column_meta_start > cmo_start || cmo_start + 16ull * num_cols > gbo_start ||
      gbo_start + 16ull * num_gb > f) {
    return Status::Corruption("Lance file footer offsets are inconsistent");
  }
  std::string out = in.substr(0, column_meta_start);
  std::vector<std::pair<uint64_t, uint64_t>> gbo;
  for (uint32_t i = 0; i < num_gb; ++i) {
    gbo.emplace_back(Load<uint64_t>(in, gbo_start + 16 * i), Load<uint64_t>(in, gbo_start + 16 * i + 8));
  }
  for (const std::string& b : buffers) {
    Pad64(&out);
    gbo.emplace_back(out.size(), b.size());
    out += b;
  }
  const uint64_t new_cm_start = out.size();
  const int64_t delta = static_cast<int64_t>(new_cm_start) - static_cast<int64_t>(column_meta_start);
  out.append(in, column_meta_start, cmo_start - column_meta_start);
  const uint64_t new_cmo = out.size();
  for (uint32_t i = 0; i < num_cols; ++i) {
    const uint64_t pos = Load<uint64_t>(in, cmo_start + 16 * i);
    const uint64_t len = Load<uint64_t>(in, cmo_start + 16 * i + 8);
    if (pos < column_meta_start || pos + len > cmo_start) {
      return Status::Corruption("column metadata " + std::to_string(i) +
                                " lies outside the column metadata region");
    }
    Put<uint64_t>(&out, static_cast<uint64_t>(static_cast<int64_t>(pos) + delta));
    Put<uint64_t>(&out, len);
  }
  const uint64_t new_gbo = out.size();
  for (auto [pos, len] : gbo) {
    Put<uint64_t>(&out, pos);
    Put<uint64_t>(&out, len);
  }
  Put<uint64_t>(&out, new_cm_start);
  Put<uint64_t>(&out, new_cmo);
  Put<uint64_t>(&out, new_gbo);
  Put<uint32_t>(&out, static_cast<uint32_t>(gbo.size()));
  Put<uint32_t>(&out, num_cols);
  Put<uint16_t>(&out, major);
  Put<uint16_t>(&out, minor);
  out.append("LANC", 4);
  return out;
}

}  // namespace lancet::index
