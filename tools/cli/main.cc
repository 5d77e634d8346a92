// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The lancet authors
#include "commands.h"
#include "lancet/core/memory.h"

int main(int argc, char** argv) {
  lancet::RetainLargeAllocations();  // see lancet/core/memory.h
  return lancet::cli::Main(argc, argv);
}
