// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The lancet authors
//
// libFuzzer target: arbitrary bytes as a deletion file, both as an Arrow IPC file and as a
// portable roaring bitmap. Either a sorted unique row list or a Corruption, never a crash; what
// parses re-serializes and parses back to the same rows.
#include <roaring/roaring.h>

#include <cstdint>
#include <cstdlib>
#include <vector>

#include "lancet/table/deletion_file.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace lancet;
  using table::DeletionFile;
  Buffer bytes = Buffer::Copy(data, static_cast<int64_t>(size));
  auto check = [](const Result<std::vector<uint32_t>>& r) {
    if (!r.ok()) {
      if (!r.status().IsCorruption()) abort();
      return;
    }
    for (size_t i = 1; i < r->size(); ++i) {
      if ((*r)[i - 1] >= (*r)[i]) abort();
    }
  };
  auto arrow = table::ParseDeletionFile(bytes, DeletionFile::Type::kArrowArray, "f.arrow");
  check(arrow);
  if (arrow.ok()) {
    for (auto c : {table::IpcCompression::kNone, table::IpcCompression::kZstd}) {
      auto ser = table::SerializeArrowDeletionFile(*arrow, c);
      if (!ser.ok()) abort();
      auto back = table::ParseDeletionFile(*ser, DeletionFile::Type::kArrowArray, "rt");
      if (!back.ok() || *back != *arrow) abort();
    }
  }
  // A few bytes of run containers can describe billions of rows: skip bitmaps whose headers
  // declare more than the fuzzer's memory allows (the parser itself caps at the declared size).
  roaring_bitmap_t* probe =
      roaring_bitmap_portable_deserialize_safe(reinterpret_cast<const char*>(data), size);
  if (probe != nullptr) {
    uint64_t card = roaring_bitmap_get_cardinality(probe);
    roaring_bitmap_free(probe);
    if (card > (uint64_t{1} << 22)) return 0;
  }
  auto bin = table::ParseDeletionFile(bytes, DeletionFile::Type::kBitmap, "f.bin");
  check(bin);
  if (bin.ok()) {
    auto ser = table::SerializeBitmapDeletionFile(*bin);
    if (!ser.ok()) abort();
    auto back = table::ParseDeletionFile(*ser, DeletionFile::Type::kBitmap, "rt");
    if (!back.ok() || *back != *bin) abort();
  }
  return 0;
}
