// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The lancet authors
#include "lancet/core/memory.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <cstdlib>
#include <vector>

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

TEST(MemoryTest, LargeBlocksAreAlignedWritableAndFreed) {
  for (size_t bytes : {size_t{0}, size_t{1}, size_t{100}, (size_t{4} << 20) - 1, size_t{4} << 20,
                       (size_t{5} << 20) + 3, size_t{64} << 20}) {
    auto* p = static_cast<unsigned char*>(AllocateLarge(bytes));
    ASSERT_NE(p, nullptr) << bytes;
    const uintptr_t a = reinterpret_cast<uintptr_t>(p);
    EXPECT_EQ(a % 64, 0u) << bytes;
    if (bytes >= (size_t{4} << 20)) {
      EXPECT_EQ(a % (size_t{2} << 20), 0u) << bytes;
    }
    if (bytes >= 2) {
      p[0] = 1;
      p[bytes - 1] = 2;
      EXPECT_EQ(p[0] + p[bytes - 1], 3);
    }
    FreeLarge(p, bytes);
  }
  std::vector<float, LargeAllocator<float>> v(size_t{3} << 20, 1.5f);  // 12 MiB: mapped
  EXPECT_EQ(reinterpret_cast<uintptr_t>(v.data()) % (size_t{2} << 20), 0u);
  v.resize(v.size() * 2, 2.5f);  // reallocates: frees the first block with its size
  EXPECT_EQ(v.front(), 1.5f);
  EXPECT_EQ(v.back(), 2.5f);
}

}  // namespace
}  // namespace lancet
