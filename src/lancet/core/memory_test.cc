// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The lancet authors
#include "lancet/core/memory.h"

#include <gtest/gtest.h>

#include <cstdlib>

#if defined(__SANITIZE_ADDRESS__)
#define LANCET_TEST_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define LANCET_TEST_ASAN 1
#endif
#endif

namespace lancet {
namespace {

TEST(MemoryTest, RetainLargeAllocationsHonoursTheOptOut) {
  ::setenv("LANCET_MALLOC_DEFAULTS", "1", 1);
  EXPECT_FALSE(RetainLargeAllocations());
  ::unsetenv("LANCET_MALLOC_DEFAULTS");
#if defined(__GLIBC__) && !defined(LANCET_TEST_ASAN)  // ASan's allocator ignores mallopt
  EXPECT_TRUE(RetainLargeAllocations(64 << 20));
#endif
}

}  // namespace
}  // namespace lancet
