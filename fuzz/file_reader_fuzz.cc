// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The lancet authors
//
// libFuzzer target: arbitrary bytes as a Lance data file. Opening and decoding every column must
// return an error or data, never crash, hang or trip a sanitizer.
#include <cstdint>
#include <memory>

#include "lancet/file/file_reader.h"
#include "lancet/io/memory_file_system.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace lancet;
  auto fs = std::make_shared<io::MemoryFileSystem>();
  if (!fs->WriteFile("/f.lance", Buffer::Copy(data, static_cast<int64_t>(size))).ok()) return 0;
  auto in = fs->OpenInputFile("/f.lance");
  if (!in.ok()) return 0;
  auto reader = file::FileReader::Open(*in);
  if (!reader.ok()) return 0;
  auto fields = (*reader)->ProjectAll();
  if (!fields.ok()) return 0;
  uint64_t rows = (*reader)->num_rows();
  // Bound the work a tiny input can ask for (a header may claim billions of rows).
  if (rows > 100000) rows = 100000;
  for (const auto& f : *fields) {
    (*reader)->Read({f}, {{0, rows}}).status().IgnoreError();
    if (rows > 2) (*reader)->Take({f}, {rows - 1, 0, rows / 2}).status().IgnoreError();
  }
  return 0;
}
