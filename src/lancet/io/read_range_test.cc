// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The lancet authors
#include "lancet/io/read_range.h"

#include <gtest/gtest.h>

#include <random>

#include "lancet/io/test_util_internal.h"

namespace lancet::io {
namespace {

using Ranges = std::vector<ReadRange>;

TEST(CoalesceRangesTest, Empty) {
  EXPECT_TRUE(CoalesceRanges({}, 10, 100).empty());
  EXPECT_TRUE(CoalesceRanges({{5, 0}, {10, 0}}, 10, 100).empty());
}

TEST(CoalesceRangesTest, MergesWithinHoleLimit) {
  // Gaps 5 and 5 are within the limit of 5: all merged.
  EXPECT_EQ(CoalesceRanges({{0, 10}, {15, 10}, {30, 10}}, 5, 1000), (Ranges{{0, 40}}));
  // Gap of 6 exceeds the limit: split there.
  EXPECT_EQ(CoalesceRanges({{0, 10}, {16, 10}, {30, 10}}, 5, 1000), (Ranges{{0, 10}, {16, 24}}));
  // Adjacent ranges (gap 0) merge even with a zero hole limit.
  EXPECT_EQ(CoalesceRanges({{0, 10}, {10, 10}}, 0, 1000), (Ranges{{0, 20}}));
}

TEST(CoalesceRangesTest, SortsInput) {
  EXPECT_EQ(CoalesceRanges({{30, 10}, {0, 10}, {15, 10}}, 5, 1000), (Ranges{{0, 40}}));
  EXPECT_EQ(CoalesceRanges({{100, 1}, {0, 1}}, 5, 1000), (Ranges{{0, 1}, {100, 1}}));
}

TEST(CoalesceRangesTest, RespectsRangeSizeLimit) {
  // Each pair fits in 25 bytes; three ranges would be 40.
  EXPECT_EQ(CoalesceRanges({{0, 10}, {15, 10}, {30, 10}}, 5, 25), (Ranges{{0, 25}, {30, 10}}));
  // A single range bigger than the limit is kept whole, and nothing merges into it.
  EXPECT_EQ(CoalesceRanges({{0, 100}, {101, 5}}, 5, 50), (Ranges{{0, 100}, {101, 5}}));
  EXPECT_EQ(CoalesceRanges({{0, 5}, {6, 100}}, 5, 50), (Ranges{{0, 5}, {6, 100}}));
}

TEST(CoalesceRangesTest, OverlapsAndDuplicates) {
  // Duplicates collapse.
  EXPECT_EQ(CoalesceRanges({{10, 5}, {10, 5}, {10, 5}}, 0, 1000), (Ranges{{10, 5}}));
  // Contained ranges vanish into the container, in either order.
  EXPECT_EQ(CoalesceRanges({{10, 2}, {0, 100}}, 0, 1000), (Ranges{{0, 100}}));
  EXPECT_EQ(CoalesceRanges({{0, 100}, {0, 10}, {90, 10}}, 0, 1000), (Ranges{{0, 100}}));
  // Partial overlaps merge even beyond the size limit (containment beats the limit).
  EXPECT_EQ(CoalesceRanges({{0, 60}, {50, 60}}, 0, 80), (Ranges{{0, 110}}));
  // A contained range does not shrink the merged range (Arrow's old bug).
  EXPECT_EQ(CoalesceRanges({{0, 100}, {10, 5}, {103, 5}}, 5, 1000), (Ranges{{0, 108}}));
}

TEST(CoalesceRangesTest, RandomizedInvariants) {
  std::mt19937 rng(42);
  for (int iter = 0; iter < 500; ++iter) {
    Ranges in;
    int n = 1 + rng() % 30;
    for (int i = 0; i < n; ++i) {
      in.push_back({static_cast<int64_t>(rng() % 1000), static_cast<int64_t>(rng() % 60)});
    }
    int64_t hole = rng() % 50;
    int64_t limit = 1 + rng() % 200;
    Ranges out = CoalesceRanges(in, hole, limit);
    for (size_t i = 1; i < out.size(); ++i) {
      ASSERT_LE(out[i - 1].end(), out[i].offset) << "sorted and disjoint";
    }
    for (const ReadRange& r : in) {
      if (r.length == 0) continue;
      int containing = 0;
      for (const ReadRange& m : out) containing += m.Contains(r) ? 1 : 0;
      ASSERT_EQ(containing, 1) << r.ToString();
    }
    for (const ReadRange& m : out) {
      // Every output range starts and ends at input boundaries.
      bool starts = false, ends = false;
      for (const ReadRange& r : in) {
        if (r.length == 0) continue;
        starts |= r.offset == m.offset;
        ends |= r.end() == m.end();
      }
      ASSERT_TRUE(starts && ends) << m.ToString();
    }
  }
}

TEST(SplitRangeTest, Splits) {
  EXPECT_TRUE(SplitRange({5, 0}, 10).empty());
  EXPECT_EQ(SplitRange({5, 10}, 10), (Ranges{{5, 10}}));
  EXPECT_EQ(SplitRange({5, 10}, 0), (Ranges{{5, 10}}));
  // 33 with a limit of 16 -> 3 even pieces of 11.
  EXPECT_EQ(SplitRange({0, 33}, 16), (Ranges{{0, 11}, {11, 11}, {22, 11}}));
  // 20 with a limit of 16 -> 10 + 10.
  EXPECT_EQ(SplitRange({100, 20}, 16), (Ranges{{100, 10}, {110, 10}}));
  // Uneven: 10 with a limit of 3 -> 4 pieces of <= 3 covering everything.
  Ranges pieces = SplitRange({0, 10}, 3);
  ASSERT_EQ(pieces.size(), 4u);
  int64_t covered = 0;
  for (const ReadRange& p : pieces) {
    EXPECT_LE(p.length, 3);
    EXPECT_EQ(p.offset, covered);
    covered += p.length;
  }
  EXPECT_EQ(covered, 10);
}

// Like lance's test_split_coalesce: small nearby requests coalesce into one IOP, huge ones split.
TEST(ReadPlanTest, SplitCoalesce) {
  CoalesceOptions o;
  o.hole_size_limit = 4096;
  o.range_size_limit = 64 * 1024;
  o.max_request_size = 64 * 1024;
  Ranges req = {{0, 100}, {200, 100}, {4000, 100}, {1 << 20, 200 * 1024}, {250, 20}};
  LANCET_IO_ASSIGN_OR_FAIL(ReadPlan plan, ReadPlan::Make(req, o));
  // [0,300) and [4000,4100) are within 4 KiB of each other: one read; the big one alone.
  EXPECT_EQ(plan.reads, (Ranges{{0, 4100}, {1 << 20, 200 * 1024}}));
  // The big read is split into 4 requests of 50 KiB.
  ASSERT_EQ(plan.requests.size(), 5u);
  EXPECT_EQ(plan.requests[0].read_index, 0u);
  for (int i = 1; i < 5; ++i) {
    EXPECT_EQ(plan.requests[i].read_index, 1u);
    EXPECT_EQ(plan.requests[i].range.length, 50 * 1024);
  }
  ASSERT_EQ(plan.slices.size(), req.size());
  EXPECT_EQ(plan.slices[1].read_index, 0u);
  EXPECT_EQ(plan.slices[1].offset_in_read, 200);
  EXPECT_EQ(plan.slices[4].offset_in_read, 250);
  EXPECT_EQ(plan.slices[3].read_index, 1u);
  EXPECT_EQ(plan.slices[3].offset_in_read, 0);
  EXPECT_EQ(plan.bytes_to_read(), 4100 + 200 * 1024);
}

TEST(ReadPlanTest, AssembleSlicesOnePerRequest) {
  CoalesceOptions o;
  o.hole_size_limit = 10;
  Ranges req = {{20, 5}, {0, 10}, {3, 4}, {20, 5}, {7, 0}};
  LANCET_IO_ASSIGN_OR_FAIL(ReadPlan plan, ReadPlan::Make(req, o));
  ASSERT_EQ(plan.reads, (Ranges{{0, 25}}));
  Buffer file = testing::PatternBuffer(25);
  LANCET_IO_ASSIGN_OR_FAIL(std::vector<Buffer> out, plan.Assemble({file}));
  ASSERT_EQ(out.size(), req.size());
  for (size_t i = 0; i < req.size(); ++i) {
    EXPECT_TRUE(out[i].Equals(file.Slice(req[i].offset, req[i].length))) << i;
  }
  // Mismatched buffers are an internal error, not a crash.
  EXPECT_TRUE(plan.Assemble({}).status().code() == StatusCode::kInternal);
  EXPECT_TRUE(plan.Assemble({file.Slice(0, 3)}).status().code() == StatusCode::kInternal);
}

TEST(ReadPlanTest, RejectsNegativeRanges) {
  EXPECT_TRUE(ReadPlan::Make({{-1, 5}}, {}).status().IsInvalidArgument());
  EXPECT_TRUE(ReadPlan::Make({{0, -5}}, {}).status().IsInvalidArgument());
}

TEST(CoalesceOptionsTest, FromNetwork) {
  // 10 ms latency at 100 MB/s: 1 MB could be moved while waiting.
  CoalesceOptions o = CoalesceOptions::FromNetwork(10'000'000, 100e6, 64, 0.9, 64 << 20);
  EXPECT_EQ(o.hole_size_limit, 1'000'000);
  EXPECT_EQ(o.range_size_limit, 9'000'000);  // 0.9 / 0.1 * 1 MB
  EXPECT_EQ(o.io_parallelism, 64);
  // The cap applies.
  o = CoalesceOptions::FromNetwork(100'000'000, 1e9, 8, 0.99, 8 << 20);
  EXPECT_EQ(o.range_size_limit, 8 << 20);
  EXPECT_EQ(o.hole_size_limit, 8 << 20);
  EXPECT_EQ(o.max_request_size, 8 << 20);
}

}  // namespace
}  // namespace lancet::io
