// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The lancet authors
#include "lancet/core/array.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <functional>
#include <limits>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include "lancet/core/array_builder.h"
#include "lancet/core/float16.h"

namespace lancet {
namespace {

const Status& StatusOf(const Status& s) { return s; }
template <typename T>
const Status& StatusOf(const Result<T>& r) {
  return r.status();
}

#define CORE_ASSERT_OK(expr)                                     \
  do {                                                           \
    const auto& _st = (expr);                                    \
    ASSERT_TRUE(StatusOf(_st).ok()) << StatusOf(_st).ToString(); \
  } while (0)

template <typename T>
T Unwrap(Result<T> r) {
  EXPECT_TRUE(r.ok()) << r.status().ToString();
  if (!r.ok()) std::abort();
  return std::move(r).ValueOrDie();
}

ArrayPtr Ints(const DataTypePtr& type, const std::vector<std::optional<int64_t>>& values) {
  ArrayBuilder b(type);
  for (const auto& v : values) {
    Status st = v ? b.AppendInt(*v) : b.AppendNull();
    EXPECT_TRUE(st.ok()) << st.ToString();
  }
  return Unwrap(b.Finish());
}

ArrayPtr Doubles(const DataTypePtr& type, const std::vector<std::optional<double>>& values) {
  ArrayBuilder b(type);
  for (const auto& v : values) {
    Status st = v ? b.AppendDouble(*v) : b.AppendNull();
    EXPECT_TRUE(st.ok()) << st.ToString();
  }
  return Unwrap(b.Finish());
}

ArrayPtr Strings(const DataTypePtr& type, const std::vector<std::optional<std::string>>& values) {
  ArrayBuilder b(type);
  for (const auto& v : values) {
    Status st = v ? b.AppendBytes(*v) : b.AppendNull();
    EXPECT_TRUE(st.ok()) << st.ToString();
  }
  return Unwrap(b.Finish());
}

ArrayPtr Bools(const std::vector<std::optional<bool>>& values) {
  ArrayBuilder b(boolean());
  for (const auto& v : values) {
    Status st = v ? b.AppendBool(*v) : b.AppendNull();
    EXPECT_TRUE(st.ok()) << st.ToString();
  }
  return Unwrap(b.Finish());
}

// list<int32> from nested optionals.
using IntList = std::optional<std::vector<std::optional<int64_t>>>;
ArrayPtr IntLists(const DataTypePtr& type, const std::vector<IntList>& lists) {
  ArrayBuilder b(type);
  for (const auto& l : lists) {
    if (!l) {
      EXPECT_TRUE(b.AppendNull().ok());
      continue;
    }
    EXPECT_TRUE(b.BeginList().ok());
    for (const auto& v : *l) {
      Status st = v ? b.child(0)->AppendInt(*v) : b.child(0)->AppendNull();
      EXPECT_TRUE(st.ok()) << st.ToString();
    }
    Status st = b.EndList();
    EXPECT_TRUE(st.ok()) << st.ToString();
  }
  return Unwrap(b.Finish());
}

void ExpectEqual(const ArrayPtr& a, const ArrayPtr& b) {
  std::string diff;
  EXPECT_TRUE(ArrayEquals(*a, *b, &diff)) << diff;
}

// A list<struct<a: int32, b: list<string>>> with nulls at every level.
DataTypePtr NestedType() { return list(struct_({Field("a", int32()), Field("b", list(utf8()))})); }

struct Row {
  bool list_valid;
  // Each struct: nullopt = null struct; else (a, b) where b nullopt = null list.
  std::vector<std::optional<
      std::pair<std::optional<int64_t>, std::optional<std::vector<std::optional<std::string>>>>>>
      items;
};

ArrayPtr BuildNested(const std::vector<Row>& rows) {
  ArrayBuilder b(NestedType());
  for (const Row& r : rows) {
    if (!r.list_valid) {
      EXPECT_TRUE(b.AppendNull().ok());
      continue;
    }
    EXPECT_TRUE(b.BeginList().ok());
    ArrayBuilder* st = b.child(0);
    for (const auto& item : r.items) {
      if (!item) {
        EXPECT_TRUE(st->AppendNull().ok());
        continue;
      }
      EXPECT_TRUE(st->AppendStructValid().ok());
      EXPECT_TRUE(
          (item->first ? st->child(0)->AppendInt(*item->first) : st->child(0)->AppendNull()).ok());
      ArrayBuilder* lb = st->child(1);
      if (!item->second) {
        EXPECT_TRUE(lb->AppendNull().ok());
      } else {
        EXPECT_TRUE(lb->BeginList().ok());
        for (const auto& s : *item->second) {
          EXPECT_TRUE((s ? lb->child(0)->AppendBytes(*s) : lb->child(0)->AppendNull()).ok());
        }
        EXPECT_TRUE(lb->EndList().ok());
      }
    }
    EXPECT_TRUE(b.EndList().ok());
  }
  return Unwrap(b.Finish());
}

std::vector<Row> NestedRows() {
  using S = std::vector<std::optional<std::string>>;
  return {
      {true, {{{1, S{"x", "y"}}}, std::nullopt, {{std::nullopt, std::nullopt}}}},
      {false, {}},
      {true, {}},
      {true, {{{4, S{}}}, {{5, S{std::nullopt, "z"}}}}},
      {true, {{{6, S{"long string value"}}}}},
      {false, {}},
      {true, {std::nullopt}},
  };
}

// ---- Builder and primitive arrays

TEST(ArrayBuilderTest, IntegerRanges) {
  struct Case {
    DataTypePtr type;
    int64_t min;
    uint64_t max;
  };
  const Case kCases[] = {
      {int8(), -128, 127},
      {int16(), -32768, 32767},
      {int32(), std::numeric_limits<int32_t>::min(), std::numeric_limits<int32_t>::max()},
      {int64(), std::numeric_limits<int64_t>::min(), std::numeric_limits<int64_t>::max()},
      {uint8(), 0, 255},
      {uint16(), 0, 65535},
      {uint32(), 0, std::numeric_limits<uint32_t>::max()},
      {uint64(), 0, std::numeric_limits<uint64_t>::max()},
      {date32(), std::numeric_limits<int32_t>::min(), std::numeric_limits<int32_t>::max()},
      {timestamp(TimeUnit::kNano), std::numeric_limits<int64_t>::min(),
       std::numeric_limits<int64_t>::max()},
  };
  for (const Case& c : kCases) {
    SCOPED_TRACE(c.type->ToString());
    ArrayBuilder b(c.type);
    CORE_ASSERT_OK(b.AppendInt(c.min));
    CORE_ASSERT_OK(b.AppendUInt(c.max));
    if (c.min > std::numeric_limits<int64_t>::min()) {
      Status st = b.AppendInt(c.min - 1);
      EXPECT_TRUE(st.IsInvalidArgument()) << st.ToString();
      EXPECT_NE(st.message().find("out of range for " + c.type->ToString()), std::string::npos)
          << st.message();
    }
    if (c.max < std::numeric_limits<uint64_t>::max()) {
      EXPECT_TRUE(b.AppendUInt(c.max + 1).IsInvalidArgument());
    }
    EXPECT_EQ(b.length(), 2);
    ArrayPtr a = Unwrap(b.Finish());
    CORE_ASSERT_OK(ValidateArray(*a));
    const int width = c.type->bit_width() / 8;
    // Read back min (sign-extended) and max.
    int64_t lo = 0;
    uint64_t hi = 0;
    std::memcpy(&lo, a->values.data(), width);
    std::memcpy(&hi, a->values.data() + width, width);
    if (width < 8 && c.min < 0) lo = (lo << (64 - 8 * width)) >> (64 - 8 * width);
    EXPECT_EQ(lo, c.min);
    EXPECT_EQ(hi, c.max);
  }
  ArrayBuilder b(int64());
  EXPECT_TRUE(b.AppendUInt(uint64_t{1} << 63).IsInvalidArgument());
  ArrayBuilder u(uint64());
  EXPECT_TRUE(u.AppendInt(-1).IsInvalidArgument());
  EXPECT_EQ(u.length(), 0);
}

TEST(ArrayBuilderTest, TypeMismatches) {
  ArrayBuilder i(int32());
  EXPECT_TRUE(i.AppendDouble(1.5).IsInvalidArgument());
  EXPECT_TRUE(i.AppendBytes("x").IsInvalidArgument());
  EXPECT_TRUE(i.AppendBool(true).IsInvalidArgument());
  EXPECT_TRUE(i.BeginList().IsInvalidArgument());
  EXPECT_TRUE(i.AppendStructValid().IsInvalidArgument());
  ArrayBuilder s(utf8());
  EXPECT_TRUE(s.AppendInt(1).IsInvalidArgument());
  ArrayBuilder f(fixed_size_binary(4));
  EXPECT_TRUE(f.AppendBytes("abc").IsInvalidArgument());
  CORE_ASSERT_OK(f.AppendBytes("abcd"));
  ArrayBuilder n(null_type());
  EXPECT_TRUE(n.AppendInt(1).IsInvalidArgument());
  CORE_ASSERT_OK(n.AppendNulls(3));
  ArrayPtr na = Unwrap(n.Finish());
  EXPECT_EQ(na->length, 3);
  EXPECT_EQ(na->null_count, 3);
  EXPECT_TRUE(na->IsNull(1));
  CORE_ASSERT_OK(ValidateArray(*na));
}

TEST(ArrayBuilderTest, FloatsFromIntsAndDoubles) {
  ArrayBuilder d(float64());
  CORE_ASSERT_OK(d.AppendInt(3));
  CORE_ASSERT_OK(d.AppendUInt(std::numeric_limits<uint64_t>::max()));
  CORE_ASSERT_OK(d.AppendDouble(-0.0));
  ArrayPtr a = Unwrap(d.Finish());
  EXPECT_EQ(a->values_as<double>()[0], 3.0);
  EXPECT_EQ(a->values_as<double>()[1], 18446744073709551616.0);
  EXPECT_TRUE(std::signbit(a->values_as<double>()[2]));

  ArrayBuilder h(float16());
  CORE_ASSERT_OK(h.AppendDouble(1.0));
  CORE_ASSERT_OK(h.AppendInt(-2));
  CORE_ASSERT_OK(h.AppendFloat16Bits(0x7bff));
  ArrayPtr ha = Unwrap(h.Finish());
  EXPECT_EQ(ha->values_as<uint16_t>()[0], 0x3c00);
  EXPECT_EQ(ha->values_as<uint16_t>()[1], 0xc000);
  EXPECT_EQ(ha->values_as<uint16_t>()[2], 0x7bff);

  ArrayBuilder f(float32());
  CORE_ASSERT_OK(f.AppendDouble(0.1));
  ArrayPtr fa = Unwrap(f.Finish());
  EXPECT_EQ(fa->values_as<float>()[0], 0.1f);
}

TEST(ArrayBuilderTest, ListMisuse) {
  ArrayBuilder b(list(int32()));
  EXPECT_TRUE(b.EndList().IsInvalidArgument());
  CORE_ASSERT_OK(b.BeginList());
  EXPECT_TRUE(b.BeginList().IsInvalidArgument());
  EXPECT_TRUE(b.AppendNull().IsInvalidArgument());
  EXPECT_TRUE(b.Finish().status().IsInvalidArgument());  // still open
  CORE_ASSERT_OK(b.child(0)->AppendInt(1));
  CORE_ASSERT_OK(b.EndList());
  CORE_ASSERT_OK(b.child(0)->AppendInt(2));  // an item outside any list
  EXPECT_TRUE(b.Finish().status().IsInvalidArgument());

  ArrayBuilder f(fixed_size_list(int32(), 2));
  CORE_ASSERT_OK(f.BeginList());
  CORE_ASSERT_OK(f.child(0)->AppendInt(1));
  Status st = f.EndList();
  EXPECT_TRUE(st.IsInvalidArgument());
  EXPECT_NE(st.message().find("expected 2 items"), std::string::npos) << st.message();

  ArrayBuilder s(struct_({Field("a", int32()), Field("b", int32())}));
  CORE_ASSERT_OK(s.AppendStructValid());
  CORE_ASSERT_OK(s.child(0)->AppendInt(1));
  st = s.Finish().status();
  EXPECT_TRUE(st.IsInvalidArgument());
  EXPECT_NE(st.message().find("child 'b'"), std::string::npos) << st.message();
  // Finish failed without changing the builder: complete the row and finish.
  CORE_ASSERT_OK(s.child(1)->AppendInt(2));
  ArrayPtr a = Unwrap(s.Finish());
  EXPECT_EQ(a->length, 1);
  EXPECT_EQ(s.length(), 0);  // reset
}

TEST(ArrayBuilderTest, ReusableAfterFinish) {
  ArrayBuilder b(utf8());
  CORE_ASSERT_OK(b.AppendBytes("a"));
  ArrayPtr first = Unwrap(b.Finish());
  CORE_ASSERT_OK(b.AppendNull());
  CORE_ASSERT_OK(b.AppendBytes("bc"));
  ArrayPtr second = Unwrap(b.Finish());
  ExpectEqual(first, Strings(utf8(), {"a"}));
  ExpectEqual(second, Strings(utf8(), {std::nullopt, "bc"}));
  CORE_ASSERT_OK(ValidateArray(*second));
  EXPECT_EQ(OffsetAt(*second, 0), 0);
  EXPECT_EQ(OffsetAt(*second, 1), 0);  // null slot: empty range
  EXPECT_EQ(second->GetView(1), "bc");
}

// ---- Float16

TEST(Float16Test, KnownValues) {
  EXPECT_EQ(DoubleToFloat16(0.0), 0x0000);
  EXPECT_EQ(DoubleToFloat16(-0.0), 0x8000);
  EXPECT_EQ(DoubleToFloat16(1.0), 0x3c00);
  EXPECT_EQ(DoubleToFloat16(-2.0), 0xc000);
  EXPECT_EQ(DoubleToFloat16(0.1), 0x2e66);
  EXPECT_EQ(DoubleToFloat16(65504.0), 0x7bff);
  EXPECT_EQ(DoubleToFloat16(65519.99), 0x7bff);
  EXPECT_EQ(DoubleToFloat16(65520.0), 0x7c00);  // tie rounds to even: infinity
  EXPECT_EQ(DoubleToFloat16(1e300), 0x7c00);
  EXPECT_EQ(DoubleToFloat16(-1e300), 0xfc00);
  EXPECT_EQ(DoubleToFloat16(std::numeric_limits<double>::infinity()), 0x7c00);
  EXPECT_EQ(DoubleToFloat16(std::ldexp(1.0, -24)), 0x0001);  // smallest subnormal
  EXPECT_EQ(DoubleToFloat16(std::ldexp(1.0, -25)), 0x0000);  // tie to even: zero
  EXPECT_EQ(DoubleToFloat16(std::ldexp(1.5, -25)), 0x0001);
  EXPECT_EQ(DoubleToFloat16(std::ldexp(3.0, -25)), 0x0002);            // tie to even: 2
  EXPECT_EQ(DoubleToFloat16(std::ldexp(1.0, -14)), 0x0400);            // smallest normal
  EXPECT_EQ(DoubleToFloat16(std::ldexp(1023.5, -24)), 0x0400);         // rounds up into normals
  EXPECT_EQ(DoubleToFloat16(1.0 + std::ldexp(1.0, -11)), 0x3c00);      // tie to even
  EXPECT_EQ(DoubleToFloat16(1.0 + 3 * std::ldexp(1.0, -11)), 0x3c02);  // tie to even
  EXPECT_EQ(DoubleToFloat16(1.0 + std::ldexp(1.0, -11) + 1e-12), 0x3c01);
  EXPECT_EQ(DoubleToFloat16(std::numeric_limits<double>::denorm_min()), 0x0000);
  EXPECT_EQ(DoubleToFloat16(-std::numeric_limits<double>::denorm_min()), 0x8000);
  uint16_t nan = DoubleToFloat16(std::numeric_limits<double>::quiet_NaN());
  EXPECT_EQ(nan & 0x7c00, 0x7c00);
  EXPECT_NE(nan & 0x3ff, 0);

  EXPECT_EQ(Float16ToDouble(0x3c00), 1.0);
  EXPECT_EQ(Float16ToDouble(0x7bff), 65504.0);
  EXPECT_EQ(Float16ToDouble(0x0001), std::ldexp(1.0, -24));
  EXPECT_EQ(Float16ToDouble(0x03ff), std::ldexp(1023.0, -24));
  EXPECT_TRUE(std::signbit(Float16ToDouble(0x8000)));
  EXPECT_TRUE(std::isinf(Float16ToDouble(0xfc00)));
  EXPECT_TRUE(std::isnan(Float16ToDouble(0x7e00)));
}

TEST(Float16Test, AllBitPatternsRoundTrip) {
  for (uint32_t h = 0; h < 0x10000; ++h) {
    const double d = Float16ToDouble(static_cast<uint16_t>(h));
    if (std::isnan(d)) {
      EXPECT_TRUE(std::isnan(Float16ToDouble(DoubleToFloat16(d))));
      EXPECT_EQ(DoubleToFloat16(d), h | 0x0200) << h;  // quieted, payload kept
      continue;
    }
    ASSERT_EQ(DoubleToFloat16(d), h) << h;
    // Midpoints to the next value round to the even one.
    if ((h & 0x7fff) < 0x7bff) {
      const double next = Float16ToDouble(static_cast<uint16_t>(h + 1));
      const double mid = (d + next) / 2;  // exact in double
      const uint16_t want = (h & 1) ? static_cast<uint16_t>(h + 1) : static_cast<uint16_t>(h);
      ASSERT_EQ(DoubleToFloat16(mid), want) << h;
      ASSERT_EQ(DoubleToFloat16(std::nextafter(mid, d)), h) << h;
      ASSERT_EQ(DoubleToFloat16(std::nextafter(mid, next)), h + 1) << h;
    }
  }
}

#if defined(__FLT16_MAX__)
TEST(Float16Test, MatchesCompilerConversion) {
  std::mt19937_64 rng(42);
  for (int i = 0; i < 200000; ++i) {
    uint64_t bits = rng();
    // Bias exponents towards the binary16 range.
    bits = (bits & 0x800fffffffffffffULL) |
           (static_cast<uint64_t>(1023 - 30 + static_cast<int>(rng() % 50)) << 52);
    double d;
    std::memcpy(&d, &bits, sizeof(d));
    _Float16 ref = static_cast<_Float16>(d);
    uint16_t ref_bits;
    std::memcpy(&ref_bits, &ref, sizeof(ref_bits));
    ASSERT_EQ(DoubleToFloat16(d), ref_bits) << d;
  }
}
#endif

// ---- Equality

TEST(ArrayEqualsTest, NullSlotsAndFloatBits) {
  // Same values, different payload under the null slot.
  auto make = [](int32_t hidden) {
    auto a = std::make_shared<ArrayData>();
    a->type = int32();
    a->length = 3;
    std::vector<int32_t> v = {1, hidden, 3};
    a->values = Buffer::Copy(v.data(), 12);
    a->validity = MakeValidityBitmap({true, false, true}, &a->null_count);
    return a;
  };
  auto a = make(0);
  auto b = make(12345);
  CORE_ASSERT_OK(ValidateArray(*a));
  ExpectEqual(a, b);

  const double nan = std::numeric_limits<double>::quiet_NaN();
  ExpectEqual(Doubles(float64(), {nan, 1.0}), Doubles(float64(), {nan, 1.0}));
  std::string diff;
  EXPECT_FALSE(ArrayEquals(*Doubles(float64(), {0.0}), *Doubles(float64(), {-0.0}), &diff));
  EXPECT_EQ(diff, "row 0: 0 != -0");
  EXPECT_FALSE(ArrayEquals(*Ints(int32(), {1, std::nullopt}), *Ints(int32(), {1, 2}), &diff));
  EXPECT_EQ(diff, "row 1: null != 2");
  EXPECT_FALSE(ArrayEquals(*Ints(int32(), {1}), *Ints(int64(), {1}), &diff));
  EXPECT_EQ(diff, "type int32 != int64");
  EXPECT_FALSE(ArrayEquals(*Ints(int32(), {1}), *Ints(int32(), {1, 2}), &diff));
  EXPECT_EQ(diff, "length 1 != 2");
  EXPECT_FALSE(ArrayEquals(*Strings(utf8(), {"ab"}), *Strings(utf8(), {"ac"}), &diff));
  EXPECT_EQ(diff, "row 0: \"ab\" != \"ac\"");
  EXPECT_FALSE(ArrayEquals(*Strings(binary(), {"\x01"}), *Strings(binary(), {"\xff"}), &diff));
  EXPECT_EQ(diff, "row 0: 0x01 != 0xff");
  EXPECT_FALSE(ArrayEquals(*Bools({true, false}), *Bools({true, true}), &diff));
  EXPECT_EQ(diff, "row 1: false != true");
}

TEST(ArrayEqualsTest, NestedDiffMessages) {
  auto type = struct_({Field("a", int32()), Field("b", int32())});
  auto make = [&](int b17) {
    ArrayBuilder b(type);
    for (int i = 0; i < 20; ++i) {
      EXPECT_TRUE(b.AppendStructValid().ok());
      EXPECT_TRUE(b.child(0)->AppendInt(i).ok());
      EXPECT_TRUE(b.child(1)->AppendInt(i == 17 ? b17 : 0).ok());
    }
    return Unwrap(b.Finish());
  };
  std::string diff;
  EXPECT_FALSE(ArrayEquals(*make(3), *make(4), &diff));
  EXPECT_EQ(diff, "row 17 of child 'b': 3 != 4");

  auto l1 = IntLists(list(int32()), {{{1, 2}}, {{3, 4, 5}}});
  auto l2 = IntLists(list(int32()), {{{1, 2}}, {{3, 9, 5}}});
  auto l3 = IntLists(list(int32()), {{{1, 2}}, {{3, 4}}});
  EXPECT_FALSE(ArrayEquals(*l1, *l2, &diff));
  EXPECT_EQ(diff, "row 3 of child 'item' (list at row 1): 4 != 9");
  EXPECT_FALSE(ArrayEquals(*l1, *l3, &diff));
  EXPECT_EQ(diff, "row 1: list length 3 != 2");

  // Null lists compare equal whatever their (absent) items; a null list != an empty list.
  auto n1 = IntLists(list(int32()), {std::nullopt, {{}}});
  auto n2 = IntLists(list(int32()), {{{}}, {{}}});
  EXPECT_FALSE(ArrayEquals(*n1, *n2, &diff));
  EXPECT_EQ(diff, "row 0: null != list of 0");
}

// ---- Kernels on nested arrays

TEST(ArrayKernelsTest, NestedBuildValidateSliceTakeConcat) {
  const std::vector<Row> rows = NestedRows();
  ArrayPtr all = BuildNested(rows);
  CORE_ASSERT_OK(ValidateArray(*all));
  EXPECT_EQ(all->length, 7);
  EXPECT_EQ(all->null_count, 2);

  // Slices equal arrays built from the corresponding rows.
  for (int64_t off = 0; off <= 7; ++off) {
    for (int64_t len = 0; off + len <= 7; ++len) {
      ArrayPtr s = Unwrap(SliceArray(all, off, len));
      CORE_ASSERT_OK(ValidateArray(*s));
      std::vector<Row> expect(rows.begin() + off, rows.begin() + off + len);
      ExpectEqual(s, BuildNested(expect));
      if (len > 0) {
        EXPECT_EQ(OffsetAt(*s, 0), 0);
      }
    }
  }
  // Take with repeats, reversed order and runs.
  const std::vector<int64_t> idx = {6, 0, 1, 2, 3, 3, 5, 4, 0};
  ArrayPtr t = Unwrap(TakeArray(all, idx));
  CORE_ASSERT_OK(ValidateArray(*t));
  std::vector<Row> expect;
  for (int64_t i : idx) expect.push_back(rows[static_cast<size_t>(i)]);
  ExpectEqual(t, BuildNested(expect));
  ArrayPtr none = Unwrap(TakeArray(all, {}));
  EXPECT_EQ(none->length, 0);
  CORE_ASSERT_OK(ValidateArray(*none));

  // Concatenating slices gives back the original.
  ArrayPtr c = Unwrap(Concatenate({Unwrap(SliceArray(all, 0, 3)), Unwrap(SliceArray(all, 3, 0)),
                                   Unwrap(SliceArray(all, 3, 4))}));
  CORE_ASSERT_OK(ValidateArray(*c));
  ExpectEqual(c, all);

  // A different row differs with a path.
  std::vector<Row> changed = rows;
  changed[3].items[1]->second->at(1) = "Z";
  std::string diff;
  EXPECT_FALSE(ArrayEquals(*all, *BuildNested(changed), &diff));
  EXPECT_EQ(diff,
            "row 3 of child 'item' (list at row 4) of child 'b' of child 'item' (list at row 3): "
            "\"z\" != \"Z\"");
}

TEST(ArrayKernelsTest, StructOfListsAndFixedSizeLists) {
  auto type = struct_({Field("v", fixed_size_list(float32(), 3)), Field("tags", list(utf8())),
                       Field("code", fixed_size_list(uint8(), 2))});
  ArrayBuilder b(type);
  for (int r = 0; r < 10; ++r) {
    if (r % 4 == 3) {
      CORE_ASSERT_OK(b.AppendNull());
      continue;
    }
    CORE_ASSERT_OK(b.AppendStructValid());
    ArrayBuilder* v = b.child(0);
    if (r == 5) {
      CORE_ASSERT_OK(v->AppendNull());
    } else {
      CORE_ASSERT_OK(v->BeginList());
      for (int k = 0; k < 3; ++k) {
        CORE_ASSERT_OK(k == 1 && r == 2 ? v->child(0)->AppendNull()
                                        : v->child(0)->AppendDouble(r + k * 0.5));
      }
      CORE_ASSERT_OK(v->EndList());
    }
    ArrayBuilder* tags = b.child(1);
    CORE_ASSERT_OK(tags->BeginList());
    for (int k = 0; k < r % 3; ++k) {
      CORE_ASSERT_OK(tags->child(0)->AppendBytes("t" + std::to_string(r * 10 + k)));
    }
    CORE_ASSERT_OK(tags->EndList());
    ArrayBuilder* code = b.child(2);
    CORE_ASSERT_OK(code->BeginList());
    CORE_ASSERT_OK(code->child(0)->AppendUInt(static_cast<uint64_t>(r)));
    CORE_ASSERT_OK(code->child(0)->AppendUInt(255));
    CORE_ASSERT_OK(code->EndList());
  }
  ArrayPtr a = Unwrap(b.Finish());
  CORE_ASSERT_OK(ValidateArray(*a));
  EXPECT_EQ(a->children[0]->length, 10);
  EXPECT_EQ(a->children[0]->children[0]->length, 30);
  // A null struct's children hold nulls.
  EXPECT_TRUE(a->children[0]->IsNull(3));
  EXPECT_TRUE(a->children[1]->IsNull(3));

  std::mt19937 rng(1);
  for (int iter = 0; iter < 50; ++iter) {
    std::vector<int64_t> idx;
    int n = static_cast<int>(rng() % 15);
    for (int k = 0; k < n; ++k) idx.push_back(rng() % 10);
    ArrayPtr t = Unwrap(TakeArray(a, idx));
    CORE_ASSERT_OK(ValidateArray(*t));
    // Take == concatenation of 1-row slices.
    std::vector<ArrayPtr> parts;
    for (int64_t i : idx) parts.push_back(Unwrap(SliceArray(a, i, 1)));
    if (!parts.empty()) ExpectEqual(t, Unwrap(Concatenate(parts)));
    for (size_t k = 0; k < idx.size(); ++k) {
      std::string diff;
      ArrayPtr one = Unwrap(SliceArray(t, static_cast<int64_t>(k), 1));
      EXPECT_TRUE(ArrayEquals(*one, *Unwrap(SliceArray(a, idx[k], 1)), &diff)) << diff;
    }
  }
}

TEST(ArrayKernelsTest, BoolsAtUnalignedOffsets) {
  std::vector<std::optional<bool>> values;
  std::mt19937 rng(3);
  for (int i = 0; i < 100; ++i) {
    int r = static_cast<int>(rng() % 3);
    values.push_back(r == 2 ? std::nullopt : std::optional<bool>(r == 1));
  }
  ArrayPtr a = Bools(values);
  CORE_ASSERT_OK(ValidateArray(*a));
  for (int64_t off : {0, 1, 7, 8, 9, 63, 64, 65}) {
    for (int64_t len : {0, 1, 7, 8, 17, 35}) {
      ArrayPtr s = Unwrap(SliceArray(a, off, len));
      CORE_ASSERT_OK(ValidateArray(*s));
      ExpectEqual(s, Bools({values.begin() + off, values.begin() + off + len}));
    }
  }
  // Concatenate unaligned pieces.
  ArrayPtr c = Unwrap(Concatenate(
      {Unwrap(SliceArray(a, 0, 3)), Unwrap(SliceArray(a, 3, 50)), Unwrap(SliceArray(a, 53, 47))}));
  ExpectEqual(c, a);
}

TEST(ArrayKernelsTest, EmptyAndAllNull) {
  const std::vector<DataTypePtr> kTypes = {
      null_type(),
      boolean(),
      int8(),
      uint64(),
      float16(),
      float64(),
      utf8(),
      large_binary(),
      fixed_size_binary(5),
      date64(),
      timestamp(TimeUnit::kMicro, "UTC"),
      fixed_size_list(float32(), 4),
      list(int32()),
      large_list(utf8()),
      NestedType(),
      struct_({Field("x", list(struct_({Field("y", float32())}))),
               Field("z", fixed_size_list(uint8(), 16))}),
  };
  for (const DataTypePtr& type : kTypes) {
    SCOPED_TRACE(type->ToString());
    ArrayPtr empty = Unwrap(MakeNullArray(type, 0));
    CORE_ASSERT_OK(ValidateArray(*empty));
    EXPECT_EQ(empty->length, 0);
    ArrayPtr nulls = Unwrap(MakeNullArray(type, 11));
    CORE_ASSERT_OK(ValidateArray(*nulls));
    EXPECT_EQ(nulls->length, 11);
    EXPECT_EQ(nulls->null_count, 11);
    for (int64_t i = 0; i < 11; ++i) EXPECT_TRUE(nulls->IsNull(i));
    if (type->is_list_like()) {
      EXPECT_EQ(nulls->children[0]->length, 0);
    }
    ArrayPtr c = Unwrap(Concatenate({empty, nulls, empty, Unwrap(SliceArray(nulls, 3, 4))}));
    CORE_ASSERT_OK(ValidateArray(*c));
    EXPECT_EQ(c->length, 15);
    EXPECT_EQ(c->null_count, 15);
    ExpectEqual(Unwrap(SliceArray(c, 0, 11)), nulls);
    ExpectEqual(Unwrap(TakeArray(nulls, {10, 0})), Unwrap(MakeNullArray(type, 2)));
    ExpectEqual(Unwrap(SliceArray(nulls, 11, 0)), empty);
  }
  ArrayPtr s = Unwrap(MakeNullArray(struct_({Field("a", int32())}), 4));
  EXPECT_EQ(s->children[0]->length, 4);
  ArrayPtr f = Unwrap(MakeNullArray(fixed_size_list(float32(), 8), 4));
  EXPECT_EQ(f->children[0]->length, 32);
}

TEST(ArrayKernelsTest, FixedSizeListOfFloatAndUInt8) {
  ArrayBuilder b(fixed_size_list(float32(), 4));
  for (int r = 0; r < 6; ++r) {
    if (r == 2) {
      CORE_ASSERT_OK(b.AppendNull());
      continue;
    }
    CORE_ASSERT_OK(b.BeginList());
    for (int k = 0; k < 4; ++k) CORE_ASSERT_OK(b.child(0)->AppendDouble(r * 4 + k));
    CORE_ASSERT_OK(b.EndList());
  }
  ArrayPtr a = Unwrap(b.Finish());
  CORE_ASSERT_OK(ValidateArray(*a));
  ArrayPtr s = Unwrap(SliceArray(a, 3, 2));
  EXPECT_EQ(s->children[0]->length, 8);
  EXPECT_EQ(s->children[0]->values_as<float>()[0], 12.0f);
  EXPECT_EQ(s->children[0]->values_as<float>()[7], 19.0f);

  ArrayBuilder u(fixed_size_list(uint8(), 16));
  CORE_ASSERT_OK(u.BeginList());
  for (int k = 0; k < 16; ++k) CORE_ASSERT_OK(u.child(0)->AppendInt(k * 16));
  CORE_ASSERT_OK(u.EndList());
  ArrayPtr ua = Unwrap(u.Finish());
  CORE_ASSERT_OK(ValidateArray(*ua));
  EXPECT_EQ(ua->children[0]->values.size(), 16);
  EXPECT_EQ(ua->children[0]->values.data()[15], 240);
}

TEST(ArrayKernelsTest, Errors) {
  ArrayPtr a = Ints(int32(), {1, 2, 3});
  EXPECT_TRUE(SliceArray(a, 2, 2).status().IsInvalidArgument());
  EXPECT_TRUE(SliceArray(a, -1, 1).status().IsInvalidArgument());
  EXPECT_TRUE(SliceArray(a, 1, std::numeric_limits<int64_t>::max()).status().IsInvalidArgument());
  EXPECT_TRUE(TakeArray(a, {0, 3}).status().IsInvalidArgument());
  EXPECT_TRUE(TakeArray(a, {-1}).status().IsInvalidArgument());
  EXPECT_TRUE(Concatenate({}).status().IsInvalidArgument());
  EXPECT_TRUE(Concatenate({a, Ints(int64(), {1})}).status().IsInvalidArgument());
  EXPECT_TRUE(MakeNullArray(int32(), -1).status().IsInvalidArgument());
  EXPECT_TRUE(MakeNullArray(nullptr, 1).status().IsInvalidArgument());
}

// ---- Validation of hostile input

ArrayData Clone(const ArrayPtr& a) { return *a; }

void ExpectCorrupt(const ArrayData& a, const std::string& fragment) {
  Status st = ValidateArray(a);
  ASSERT_FALSE(st.ok()) << "expected failure containing: " << fragment;
  EXPECT_TRUE(st.IsCorruption()) << st.ToString();
  EXPECT_NE(st.message().find(fragment), std::string::npos) << st.message();
}

Buffer Offsets(const std::vector<int64_t>& v) {
  return Buffer::Copy(v.data(), static_cast<int64_t>(v.size() * 8));
}

TEST(ValidateArrayTest, RejectsMalformedArrays) {
  ArrayData a = Clone(Ints(int32(), {1, std::nullopt, 3}));
  CORE_ASSERT_OK(ValidateArray(a));

  ArrayData t = a;
  t.type = nullptr;
  ExpectCorrupt(t, "no type");
  t = a;
  t.length = -1;
  ExpectCorrupt(t, "negative length");
  t = a;
  t.null_count = 2;
  ExpectCorrupt(t, "validity bitmap has 1 nulls");
  t = a;
  t.null_count = 4;
  ExpectCorrupt(t, "null_count 4 out of range");
  t = a;
  t.validity = Buffer();
  ExpectCorrupt(t, "without a validity bitmap");
  t = a;
  t.length = 9;
  t.null_count = 0;
  ExpectCorrupt(t, "validity buffer has 1 bytes, need 2");
  t = a;
  t.values = a.values.Slice(0, 11);
  ExpectCorrupt(t, "values buffer has 11 bytes, need 12");
  t = a;
  t.length = std::numeric_limits<int64_t>::max();
  t.validity = Buffer();
  t.null_count = 0;
  ExpectCorrupt(t, "length too large");
  t = a;
  t.children.push_back(Ints(int32(), {1}));
  ExpectCorrupt(t, "has 1 children, expected 0");

  ArrayData s = Clone(Strings(utf8(), {"ab", "", "cde"}));
  CORE_ASSERT_OK(ValidateArray(s));
  t = s;
  t.offsets = Offsets({0, 2, 2});
  ExpectCorrupt(t, "offsets buffer has 24 bytes, need 32");
  t = s;
  t.offsets = Offsets({0, 3, 2, 5});
  ExpectCorrupt(t, "offsets decrease at slot 1");
  t = s;
  t.offsets = Offsets({0, 2, 2, 6});
  ExpectCorrupt(t, "last offset 6 exceeds");
  t = s;
  t.offsets = Offsets({-1, 2, 2, 5});
  ExpectCorrupt(t, "offset 0 is negative");
  t = s;
  t.offsets = Buffer();
  ExpectCorrupt(t, "offsets buffer has 0 bytes");
  t = s;
  t.length = std::numeric_limits<int64_t>::max();
  ExpectCorrupt(t, "length too large");
  // Unaligned offsets are fine.
  std::vector<uint8_t> raw(33);
  std::vector<int64_t> offs = {0, 2, 2, 5};
  std::memcpy(raw.data() + 1, offs.data(), 32);
  t = s;
  t.offsets = Buffer::Copy(raw.data(), 33).Slice(1, 32);
  CORE_ASSERT_OK(ValidateArray(t));
  EXPECT_EQ(t.GetView(2), "cde");

  ArrayData b = Clone(Bools({true, false, true, true, false, true, true, true, false}));
  t = b;
  t.values = b.values.Slice(0, 1);
  ExpectCorrupt(t, "values buffer has 1 bytes, need 2");

  ArrayData l = Clone(IntLists(list(int32()), {{{1, 2}}, std::nullopt, {{3}}}));
  CORE_ASSERT_OK(ValidateArray(l));
  t = l;
  t.offsets = Offsets({0, 2, 2, 4});
  ExpectCorrupt(t, "last offset 4 exceeds the item count (3)");
  t = l;
  t.children.clear();
  ExpectCorrupt(t, "has 0 children, expected 1");
  t = l;
  t.children = {nullptr};
  ExpectCorrupt(t, "child 'item' is missing");
  t = l;
  t.children = {Ints(int64(), {1, 2, 3})};
  ExpectCorrupt(t, "child 'item' has type int64, expected int32");
  // A broken grandchild is reported with its path.
  t = l;
  ArrayData bad_child = *l.children[0];
  bad_child.values = Buffer();
  t.children = {std::make_shared<ArrayData>(bad_child)};
  ExpectCorrupt(t, "child 'item': invalid array of type int32: values buffer has 0 bytes");

  ArrayData f = Clone(Unwrap(MakeNullArray(fixed_size_list(float32(), 4), 2)));
  CORE_ASSERT_OK(ValidateArray(f));
  t = f;
  t.children = {Unwrap(MakeNullArray(float32(), 7))};
  ExpectCorrupt(t, "child has 7 items, expected 8");
  t = f;
  t.length = std::numeric_limits<int64_t>::max() / 2;
  t.validity = Buffer();
  t.null_count = 0;
  ExpectCorrupt(t, "length too large");

  ArrayData st =
      Clone(Unwrap(MakeNullArray(struct_({Field("a", int32()), Field("b", utf8())}), 3)));
  CORE_ASSERT_OK(ValidateArray(st));
  t = st;
  t.children[1] = Unwrap(MakeNullArray(utf8(), 2));
  ExpectCorrupt(t, "child 'b' has length 2, expected 3");
  t = st;
  t.children.pop_back();
  ExpectCorrupt(t, "has 1 children, expected 2");

  ArrayData n;
  n.type = null_type();
  n.length = 3;
  n.null_count = 0;
  ExpectCorrupt(n, "must be all null");
  n.null_count = 3;
  CORE_ASSERT_OK(ValidateArray(n));

  ArrayData fsb = Clone(Strings(fixed_size_binary(4), {"abcd", std::nullopt}));
  CORE_ASSERT_OK(ValidateArray(fsb));
  EXPECT_EQ(fsb.GetView(0), "abcd");
  t = fsb;
  t.values = fsb.values.Slice(0, 7);
  ExpectCorrupt(t, "values buffer has 7 bytes, need 8");

  // Malformed types.
  t = l;
  t.type = DataType::List(Field("item", nullptr));
  ExpectCorrupt(t, "malformed type");
}

TEST(ValidateArrayTest, RandomMutationsNeverCrash) {
  std::vector<Row> rows = NestedRows();
  ArrayPtr base = BuildNested(rows);
  std::mt19937_64 rng(99);
  auto random_buffer = [&](int64_t max_size) {
    std::vector<uint8_t> bytes(static_cast<size_t>(rng() % (max_size + 1)));
    for (auto& x : bytes) x = static_cast<uint8_t>(rng() % 4 == 0 ? rng() : rng() % 8);
    return Buffer::FromVector(std::move(bytes));
  };
  // Mutate one node of the tree (chosen at random) per iteration.
  std::function<ArrayPtr(const ArrayPtr&, int)> mutate = [&](const ArrayPtr& a, int depth) {
    auto copy = std::make_shared<ArrayData>(*a);
    if (!copy->children.empty() && rng() % 2 == 0 && depth < 8) {
      size_t c = rng() % copy->children.size();
      copy->children[c] = mutate(copy->children[c], depth + 1);
      return ArrayPtr(copy);
    }
    switch (rng() % 6) {
      case 0:
        copy->offsets = random_buffer(80);
        break;
      case 1:
        copy->validity = random_buffer(3);
        break;
      case 2:
        copy->values = random_buffer(40);
        break;
      case 3:
        copy->length = static_cast<int64_t>(rng() % 20) - 2;
        break;
      case 4:
        copy->null_count = static_cast<int64_t>(rng() % 10);
        break;
      default:
        copy->length = std::numeric_limits<int64_t>::max() - static_cast<int64_t>(rng() % 3);
        break;
    }
    return ArrayPtr(copy);
  };
  int accepted = 0;
  for (int iter = 0; iter < 3000; ++iter) {
    ArrayPtr m = mutate(base, 0);
    if (!ValidateArray(*m).ok()) continue;
    ++accepted;
    // Whatever passes validation must be safe to use.
    std::string diff;
    (void)ArrayEquals(*m, *base, &diff);
    ArrayPtr copy = Unwrap(SliceArray(m, 0, m->length));
    CORE_ASSERT_OK(ValidateArray(*copy));
    EXPECT_TRUE(ArrayEquals(*copy, *m, &diff)) << diff;
    std::vector<int64_t> idx;
    for (int64_t i = m->length - 1; i >= 0; --i) idx.push_back(i);
    CORE_ASSERT_OK(TakeArray(m, idx));
  }
  EXPECT_GT(accepted, 0);
}

// ---- Bitmaps

TEST(BitmapTest, CountNullsAndMakeValidity) {
  int64_t nulls = -1;
  EXPECT_TRUE(MakeValidityBitmap({true, true, true}, &nulls).empty());
  EXPECT_EQ(nulls, 0);
  EXPECT_TRUE(MakeValidityBitmap({}, &nulls).empty());
  std::vector<bool> valid;
  for (int i = 0; i < 200; ++i) valid.push_back(i % 3 != 0 && i % 7 != 0);
  Buffer bm = MakeValidityBitmap(valid, &nulls);
  int64_t want = 0;
  for (bool v : valid) want += v ? 0 : 1;
  EXPECT_EQ(nulls, want);
  EXPECT_EQ(bm.size(), 25);
  EXPECT_EQ(CountNulls(bm, 200), want);
  for (int64_t len : {0, 1, 7, 8, 9, 63, 64, 65, 130, 199}) {
    int64_t w = 0;
    for (int64_t i = 0; i < len; ++i) w += valid[static_cast<size_t>(i)] ? 0 : 1;
    EXPECT_EQ(CountNulls(bm, len), w) << len;
  }
  EXPECT_EQ(CountNulls(Buffer(), 100), 0);
  // Bits past `length` are ignored.
  uint8_t byte = 0x0f;
  EXPECT_EQ(CountNulls(Buffer::Copy(&byte, 1), 4), 0);
  EXPECT_EQ(CountNulls(Buffer::Copy(&byte, 1), 6), 2);
}

}  // namespace
}  // namespace lancet
