// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The lancet authors
//
// libFuzzer target: arbitrary bytes as a manifest file (ParseManifest and
// ReadEmbeddedTransaction). An error or a manifest, never a crash; a parsed manifest serializes
// again.
#include <cstdint>
#include <string>

#include "lancet/table/manifest_io.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace lancet;
  Buffer bytes = Buffer::Copy(data, static_cast<int64_t>(size));
  auto m = table::ParseManifest(bytes, "f.manifest");
  if (m.ok()) {
    (void)m->CountRows();
    (void)m->FileVersion();
    auto again = table::SerializeManifest(*m, "");
    (void)again;
  }
  auto txn = table::ReadEmbeddedTransaction(bytes, "f.manifest");
  (void)txn;
  return 0;
}
