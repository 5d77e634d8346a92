// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The lancet authors
//
// libFuzzer target: arbitrary bytes as a serialized lance.table.Transaction (.txn file). An
// error or a transaction, never a crash; a parsed transaction serializes again.
#include <cstdint>

#include "lancet/table/transaction.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace lancet;
  Buffer bytes = Buffer::Copy(data, static_cast<int64_t>(size));
  auto txn = table::ParseTransaction(bytes, "f.txn");
  if (txn.ok()) {
    auto again = table::SerializeTransaction(*txn);
    (void)again;
  }
  return 0;
}
