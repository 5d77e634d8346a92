// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The lancet authors
#include <roaring/roaring.h>

#include "lancet/table/roaring_internal.h"

namespace lancet::table {

std::string SerializeRoaring(const std::vector<uint32_t>& values) {
  roaring_bitmap_t* r = roaring_bitmap_of_ptr(values.size(), values.data());
  roaring_bitmap_run_optimize(r);
  std::string out(roaring_bitmap_portable_size_in_bytes(r), '\0');
  size_t n = roaring_bitmap_portable_serialize(r, out.data());
  out.resize(n);
  roaring_bitmap_free(r);
  return out;
}

Result<std::vector<uint32_t>> DeserializeRoaring(std::string_view bytes, const std::string& what) {
  if (bytes.empty()) return std::vector<uint32_t>();
  size_t need = roaring_bitmap_portable_deserialize_size(bytes.data(), bytes.size());
  if (need == 0 || need > bytes.size()) {
    return Status::Corruption(what + ": invalid roaring bitmap");
  }
  roaring_bitmap_t* r = roaring_bitmap_portable_deserialize_safe(bytes.data(), bytes.size());
  if (r == nullptr) return Status::Corruption(what + ": invalid roaring bitmap");
  std::vector<uint32_t> out(roaring_bitmap_get_cardinality(r));
  roaring_bitmap_to_uint32_array(r, out.data());
  roaring_bitmap_free(r);
  return out;
}

}  // namespace lancet::table
