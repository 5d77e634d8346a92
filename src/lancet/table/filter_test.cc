// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The lancet authors
#include "lancet/table/filter.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <functional>
#include <limits>
#include <optional>
#include <random>
#include <string>
#include <variant>
#include <vector>

#include "lancet/core/array_builder.h"
#include "lancet/core/float16.h"

namespace lancet::table {
namespace {

[[maybe_unused]] std::string StatusText(const Status& s) { return s.ToString(); }
template <typename T>
std::string StatusText(const Result<T>& r) {
  return r.status().ToString();
}
#define FILTER_ASSERT_OK(expr)                \
  do {                                        \
    const auto& _r = (expr);                  \
    ASSERT_TRUE(_r.ok()) << StatusText(_r);   \
  } while (0)

// ---------------------------------------------------------------------------------------------
// A test table: every scalar type, nulls everywhere.

using Val = std::variant<std::monostate, bool, int64_t, uint64_t, double, std::string>;

struct Col {
  std::string name;
  DataTypePtr type;
  std::vector<Val> rows;  // monostate = null
};

Schema MakeSchema(const std::vector<Col>& cols) {
  Schema s;
  for (const auto& c : cols) s.fields.emplace_back(c.name, c.type);
  return s;
}

ArrayPtr Build(const DataTypePtr& type, const std::vector<Val>& rows) {
  ArrayBuilder b(type);
  for (const Val& v : rows) {
    Status st;
    if (std::holds_alternative<std::monostate>(v)) {
      st = b.AppendNull();
    } else if (auto* x = std::get_if<bool>(&v)) {
      st = b.AppendBool(*x);
    } else if (auto* i = std::get_if<int64_t>(&v)) {
      st = b.AppendInt(*i);
    } else if (auto* u = std::get_if<uint64_t>(&v)) {
      st = b.AppendUInt(*u);
    } else if (auto* d = std::get_if<double>(&v)) {
      st = b.AppendDouble(*d);
    } else {
      st = b.AppendBytes(std::get<std::string>(v));
    }
    EXPECT_TRUE(st.ok()) << st.ToString();
  }
  auto r = b.Finish();
  EXPECT_TRUE(r.ok()) << r.status().ToString();
  return *r;
}

RecordBatch MakeBatch(const std::vector<Col>& cols) {
  RecordBatch batch;
  batch.schema = MakeSchema(cols);
  for (const auto& c : cols) batch.columns.push_back(Build(c.type, c.rows));
  batch.num_rows = cols.empty() ? 0 : static_cast<int64_t>(cols[0].rows.size());
  return batch;
}

std::vector<uint8_t> Eval(const std::string& text, const RecordBatch& batch) {
  auto f = Filter::Make(text, batch.schema);
  EXPECT_TRUE(f.ok()) << text << ": " << f.status().ToString();
  if (!f.ok()) return {};
  auto r = (*f)->Evaluate(batch);
  EXPECT_TRUE(r.ok()) << text << ": " << r.status().ToString();
  return r.ok() ? *r : std::vector<uint8_t>{};
}

std::string Canon(const std::string& text, const Schema& schema) {
  auto f = Filter::Make(text, schema);
  if (!f.ok()) return "ERROR: " + f.status().ToString();
  return (*f)->ToString();
}

Schema ParseSchema() {
  Schema s;
  s.fields = {Field("a", int64()),     Field("b", int64()),   Field("c", boolean()),
              Field("s", utf8()),      Field("f", float64()), Field("my col", int32()),
              Field("v", fixed_size_list(float32(), 4)), Field("bin", binary()),
              Field("d", date32()),    Field("ts", timestamp(TimeUnit::kMicro)),
              Field("st", struct_({Field("x", int32()), Field("in", utf8())}))};
  return s;
}

// ---------------------------------------------------------------------------------------------
// Parsing

TEST(FilterParseTest, PrecedenceAndCanonicalForm) {
  Schema s = ParseSchema();
  EXPECT_EQ(Canon("a = 1 OR b = 2 AND NOT c", s), "((a = 1) OR ((b = 2) AND (NOT c)))");
  EXPECT_EQ(Canon("(a = 1 OR b = 2) AND c", s), "(((a = 1) OR (b = 2)) AND c)");
  EXPECT_EQ(Canon("NOT NOT c", s), "(NOT (NOT c))");
  EXPECT_EQ(Canon("NOT a > 1", s), "(NOT (a > 1))");
  EXPECT_EQ(Canon("a == 1 and b <> 2 or a != b", s), "(((a = 1) AND (b != 2)) OR (a != b))");
  EXPECT_EQ(Canon("a<=1 AND a>=-1 AND a<3 AND a>-3", s),
            "((a <= 1) AND (a >= -1) AND (a < 3) AND (a > -3))");
  EXPECT_EQ(Canon("a in (1, -2, 3) AND b NOT IN (4)", s),
            "((a IN (1, -2, 3)) AND (b NOT IN (4)))");
  EXPECT_EQ(Canon("a IS NULL OR s IS NOT NULL", s), "((a IS NULL) OR (s IS NOT NULL))");
  EXPECT_EQ(Canon("a BETWEEN 1 AND 5 AND b NOT BETWEEN a AND 9", s),
            "((a BETWEEN 1 AND 5) AND (b NOT BETWEEN a AND 9))");
  EXPECT_EQ(Canon("s LIKE 'a%' OR s NOT LIKE '_b\\%'", s),
            "((s LIKE 'a%') OR (s NOT LIKE '_b\\%'))");
  EXPECT_EQ(Canon("s = 'it''s'", s), "(s = 'it''s')");
  EXPECT_EQ(Canon("f > 1e3 AND f < 2.5 AND f <> -0.5E-2", s),
            "((f > 1000.0) AND (f < 2.5) AND (f != -0.0050000000000000001))");
  EXPECT_EQ(Canon("`my col` = 3 AND st.x = 1 AND st.`in` = 'q'", s),
            "((`my col` = 3) AND (st.x = 1) AND (st.`in` = 'q'))");
  EXPECT_EQ(Canon("c = TRUE OR c = false OR c IS NULL", s),
            "((c = TRUE) OR (c = FALSE) OR (c IS NULL))");
  EXPECT_EQ(Canon("a > 18446744073709551615", s), "(a > 18446744073709551615)");
  EXPECT_EQ(Canon("a > -9223372036854775808", s), "(a > -9223372036854775808)");
  EXPECT_EQ(Canon("d > 19000 AND ts >= 0", s), "((d > 19000) AND (ts >= 0))");
  EXPECT_EQ(Canon("v IS NOT NULL AND bin IS NULL", s), "((v IS NOT NULL) AND (bin IS NULL))");
  EXPECT_EQ(Canon("a = NULL", s), "(a = NULL)");
  EXPECT_EQ(Canon("(a > 1) = (b > 1)", s), "((a > 1) = (b > 1))");
  // The canonical form parses back to itself.
  for (const char* t : {"a = 1 OR b = 2 AND NOT c", "s LIKE 'x\\_%' AND `my col` IN (1, 2)",
                        "f BETWEEN -1.5 AND 1e300", "st.`in` NOT LIKE '%'"}) {
    std::string c = Canon(t, s);
    EXPECT_EQ(Canon(c, s), c) << t;
  }
}

TEST(FilterParseTest, ColumnsInFirstUseOrder) {
  Schema s = ParseSchema();
  auto f = Filter::Make("st.x = 1 AND a > b AND a < 3 AND st.`in` IS NULL", s);
  FILTER_ASSERT_OK(f);
  EXPECT_EQ((*f)->columns(), (std::vector<std::string>{"st", "a", "b"}));
}

TEST(FilterParseTest, SyntaxErrorsNameColumnAndToken) {
  Schema s = ParseSchema();
  auto msg = [&](const std::string& t) {
    auto f = Filter::Make(t, s);
    EXPECT_FALSE(f.ok()) << t;
    EXPECT_TRUE(f.status().IsInvalidArgument()) << f.status().ToString();
    return f.status().message();
  };
  EXPECT_EQ(msg("a > 3 AND )"), "filter: unexpected token ')' at column 11 in \"a > 3 AND )\"");
  EXPECT_EQ(msg("a > "), "filter: unexpected end of input at column 5 in \"a > \"");
  EXPECT_EQ(msg("a > 1 b"), "filter: unexpected token 'b' at column 7 in \"a > 1 b\"");
  EXPECT_EQ(msg("a = = 1"), "filter: unexpected token '=' at column 5 in \"a = = 1\"");
  EXPECT_EQ(msg("a = 1 = 2"), "filter: unexpected token '=' at column 7 in \"a = 1 = 2\"");
  EXPECT_EQ(msg("s = 'abc"), "filter: unterminated string literal at column 5 in \"s = 'abc\"");
  EXPECT_EQ(msg("a # 1"), "filter: unexpected character '#' at column 3 in \"a # 1\"");
  EXPECT_EQ(msg("(a = 1"), "filter: unexpected end of input at column 7 in \"(a = 1\"");
  EXPECT_EQ(msg("a IN ()"), "filter: unexpected token ')' at column 7 in \"a IN ()\"");
  EXPECT_EQ(msg("a IN (b)"), "filter: unexpected token 'b' at column 7 in \"a IN (b)\"");
  EXPECT_EQ(msg("a IS 1"), "filter: unexpected token '1' at column 6 in \"a IS 1\"");
  EXPECT_EQ(msg("s LIKE a"), "filter: unexpected token 'a' at column 8 in \"s LIKE a\"");
  EXPECT_EQ(msg("a BETWEEN 1 OR 2"),
            "filter: unexpected token 'OR' at column 13 in \"a BETWEEN 1 OR 2\"");
  EXPECT_EQ(msg("a > 99999999999999999999"),
            "filter: integer literal 99999999999999999999 out of range at column 5 in "
            "\"a > 99999999999999999999\"");
  EXPECT_EQ(msg("a > 12abc"), "filter: malformed number '12a' at column 5 in \"a > 12abc\"");
  EXPECT_EQ(msg("a > - b"), "filter: unexpected token 'b' at column 7 in \"a > - b\"");
  EXPECT_EQ(msg(""), "filter: empty filter at column 1 in \"\"");
  EXPECT_EQ(msg("st. = 1"), "filter: unexpected token '=' at column 5 in \"st. = 1\"");
  EXPECT_EQ(msg("``= 1"), "filter: empty quoted identifier at column 1 in \"``= 1\"");
  // Too deep nesting is an error, not a stack overflow.
  EXPECT_NE(msg(std::string(5000, '(') + "c" + std::string(5000, ')')).find("nested too deeply"),
            std::string::npos);
  EXPECT_NE(msg(std::string(5000 * 4, ' ').replace(0, 0, [] {
              std::string n;
              for (int i = 0; i < 5000; ++i) n += "NOT ";
              return n;
            }()) + "c")
                .find("nested too deeply"),
            std::string::npos);
}

TEST(FilterParseTest, BindErrors) {
  Schema s = ParseSchema();
  auto msg = [&](const std::string& t) {
    auto f = Filter::Make(t, s);
    EXPECT_FALSE(f.ok()) << t;
    EXPECT_TRUE(f.status().IsInvalidArgument()) << f.status().ToString();
    return f.status().message();
  };
  EXPECT_EQ(msg("a > 1 AND zz = 2"),
            "filter: unknown column 'zz' at column 11 in \"a > 1 AND zz = 2\"");
  EXPECT_EQ(msg("s = 5"),
            "filter: cannot compare column 's' (string) with 5 (integer) at column 1 in "
            "\"s = 5\"");
  EXPECT_NE(msg("v = 1").find("column 'v' of type fixed_size_list"), std::string::npos);
  EXPECT_NE(msg("bin = 'x'").find("column 'bin' of type binary cannot be used"),
            std::string::npos);
  EXPECT_NE(msg("a LIKE 'x'").find("LIKE needs a string operand"), std::string::npos);
  EXPECT_NE(msg("a").find("expected a boolean expression"), std::string::npos);
  EXPECT_NE(msg("a AND c").find("expected a boolean expression"), std::string::npos);
  EXPECT_NE(msg("c = 1").find("cannot compare"), std::string::npos);
  EXPECT_NE(msg("a IN (1, 'x')").find("cannot compare"), std::string::npos);
  EXPECT_NE(msg("d = ts").find("cannot compare"), std::string::npos);
  EXPECT_NE(msg("d = a").find("cannot compare"), std::string::npos);
  EXPECT_NE(msg("st = 1").find("cannot be used in a comparison"), std::string::npos);
  EXPECT_NE(msg("st.zz = 1").find("struct 'st' has no field 'zz'"), std::string::npos);
  EXPECT_NE(msg("a.x = 1").find("column 'a' is not a struct"), std::string::npos);
  EXPECT_NE(msg("s BETWEEN 1 AND 2").find("cannot compare"), std::string::npos);
}

// ---------------------------------------------------------------------------------------------
// Every operator on nulls (SQL three-valued logic), checked by hand.

TEST(FilterEvalTest, ThreeValuedLogic) {
  const Val N;
  // Rows: (x, y) over {1, 2, null} x {1, 2, null}.
  std::vector<Val> xs = {int64_t{1}, int64_t{1}, int64_t{1}, int64_t{2}, int64_t{2},
                         int64_t{2}, N,          N,          N};
  std::vector<Val> ys = {int64_t{1}, int64_t{2}, N, int64_t{1}, int64_t{2}, N,
                         int64_t{1}, int64_t{2}, N};
  RecordBatch b = MakeBatch({{"x", int64(), xs}, {"y", int64(), ys}});
  using V = std::vector<uint8_t>;
  EXPECT_EQ(Eval("x = y", b), (V{1, 0, 0, 0, 1, 0, 0, 0, 0}));
  EXPECT_EQ(Eval("x != y", b), (V{0, 1, 0, 1, 0, 0, 0, 0, 0}));
  EXPECT_EQ(Eval("NOT (x = y)", b), (V{0, 1, 0, 1, 0, 0, 0, 0, 0}));
  EXPECT_EQ(Eval("x < y", b), (V{0, 1, 0, 0, 0, 0, 0, 0, 0}));
  EXPECT_EQ(Eval("x >= y", b), (V{1, 0, 0, 1, 1, 0, 0, 0, 0}));
  // x = 1 is T,T,T,F,F,F,N,N,N; y = 1 is T,F,N,T,F,N,T,F,N.
  EXPECT_EQ(Eval("x = 1 AND y = 1", b), (V{1, 0, 0, 0, 0, 0, 0, 0, 0}));
  EXPECT_EQ(Eval("x = 1 OR y = 1", b), (V{1, 1, 1, 1, 0, 0, 1, 0, 0}));
  // NOT of AND: F AND N = F -> NOT -> T; N AND T = N -> stays N.
  EXPECT_EQ(Eval("NOT (x = 1 AND y = 1)", b), (V{0, 1, 0, 1, 1, 1, 0, 1, 0}));
  EXPECT_EQ(Eval("NOT (x = 1 OR y = 1)", b), (V{0, 0, 0, 0, 1, 0, 0, 0, 0}));
  EXPECT_EQ(Eval("x IS NULL", b), (V{0, 0, 0, 0, 0, 0, 1, 1, 1}));
  EXPECT_EQ(Eval("x IS NOT NULL AND y IS NULL", b), (V{0, 0, 1, 0, 0, 1, 0, 0, 0}));
  EXPECT_EQ(Eval("(x = y) IS NULL", b), (V{0, 0, 1, 0, 0, 1, 1, 1, 1}));
  EXPECT_EQ(Eval("x IN (1, 3)", b), (V{1, 1, 1, 0, 0, 0, 0, 0, 0}));
  EXPECT_EQ(Eval("x NOT IN (1, 3)", b), (V{0, 0, 0, 1, 1, 1, 0, 0, 0}));
  // With a NULL in the list: IN is TRUE or NULL, NOT IN never TRUE.
  EXPECT_EQ(Eval("x IN (1, NULL)", b), (V{1, 1, 1, 0, 0, 0, 0, 0, 0}));
  EXPECT_EQ(Eval("x NOT IN (3, NULL)", b), (V{0, 0, 0, 0, 0, 0, 0, 0, 0}));
  EXPECT_EQ(Eval("NOT (x IN (2, NULL))", b), (V{0, 0, 0, 0, 0, 0, 0, 0, 0}));
  EXPECT_EQ(Eval("x BETWEEN y AND 2", b), (V{1, 0, 0, 1, 1, 0, 0, 0, 0}));
  // 1 NOT BETWEEN NULL AND 0: (1 >= NULL) AND (1 <= 0) = N AND F = F -> NOT -> T.
  EXPECT_EQ(Eval("x NOT BETWEEN y AND 0", b), (V{1, 1, 1, 1, 1, 1, 0, 0, 0}));
  EXPECT_EQ(Eval("x = NULL OR x <> NULL", b), (V(9, 0)));
  EXPECT_EQ(Eval("TRUE", b), (V(9, 1)));
  EXPECT_EQ(Eval("NULL OR x = 2", b), (V{0, 0, 0, 1, 1, 1, 0, 0, 0}));
  EXPECT_EQ(Eval("NOT NULL", b), (V(9, 0)));
}

TEST(FilterEvalTest, StringsLikeAndEscapes) {
  const Val N;
  std::vector<Val> s = {std::string("apple"), std::string("a%b"), std::string("a_b"),
                        std::string(""),      N,                  std::string("é!"),
                        std::string("Apple"), std::string("ab")};
  RecordBatch b = MakeBatch({{"s", utf8(), s}, {"l", large_utf8(), s}});
  using V = std::vector<uint8_t>;
  EXPECT_EQ(Eval("s LIKE 'a%'", b), (V{1, 1, 1, 0, 0, 0, 0, 1}));
  EXPECT_EQ(Eval("l LIKE 'a%'", b), (V{1, 1, 1, 0, 0, 0, 0, 1}));
  EXPECT_EQ(Eval("s LIKE 'a_b'", b), (V{0, 1, 1, 0, 0, 0, 0, 0}));
  EXPECT_EQ(Eval("s LIKE 'a\\%b'", b), (V{0, 1, 0, 0, 0, 0, 0, 0}));
  EXPECT_EQ(Eval("s LIKE 'a\\_b'", b), (V{0, 0, 1, 0, 0, 0, 0, 0}));
  EXPECT_EQ(Eval("s NOT LIKE '%'", b), (V{0, 0, 0, 0, 0, 0, 0, 0}));
  EXPECT_EQ(Eval("s LIKE ''", b), (V{0, 0, 0, 1, 0, 0, 0, 0}));
  // '_' is one UTF-8 character, not one byte.
  EXPECT_EQ(Eval("s LIKE '_!'", b), (V{0, 0, 0, 0, 0, 1, 0, 0}));
  EXPECT_EQ(Eval("s LIKE '%p%e'", b), (V{1, 0, 0, 0, 0, 0, 1, 0}));
  // Byte order: 'A' < 'a' < 'é' (0xC3 ...).
  EXPECT_EQ(Eval("s < 'a'", b), (V{0, 0, 0, 1, 0, 0, 1, 0}));
  EXPECT_EQ(Eval("s > 'b'", b), (V{0, 0, 0, 0, 0, 1, 0, 0}));
  EXPECT_EQ(Eval("s = l AND s IN ('ab', 'apple')", b), (V{1, 0, 0, 0, 0, 0, 0, 1}));
}

TEST(FilterEvalTest, NumbersAcrossWidthsAndFloats) {
  const Val N;
  const double nan = std::nan("");
  std::vector<Val> i8 = {int64_t{-128}, int64_t{0}, int64_t{127}, N, int64_t{5}};
  std::vector<Val> u64 = {uint64_t{18446744073709551615ull}, uint64_t{0}, uint64_t{127}, N,
                          uint64_t{9223372036854775808ull}};
  std::vector<Val> f32 = {-0.0, 0.0, nan, 1.5, 1e10};
  std::vector<Val> h = {-2.0, 0.5, nan, N, 65504.0};
  RecordBatch b = MakeBatch({{"i8", int8(), i8},
                             {"u64", uint64(), u64},
                             {"f32", float32(), f32},
                             {"h", float16(), h},
                             {"d", date32(), {int64_t{0}, int64_t{19000}, N, int64_t{-1}, int64_t{5}}},
                             {"ts", timestamp(TimeUnit::kNano),
                              {int64_t{std::numeric_limits<int64_t>::max()}, int64_t{0}, N,
                               int64_t{-5}, int64_t{1}}},
                             {"b", boolean(), {true, false, N, true, false}}});
  using V = std::vector<uint8_t>;
  EXPECT_EQ(Eval("i8 = u64", b), (V{0, 1, 1, 0, 0}));
  EXPECT_EQ(Eval("i8 < u64", b), (V{1, 0, 0, 0, 1}));
  EXPECT_EQ(Eval("u64 > 9223372036854775807", b), (V{1, 0, 0, 0, 1}));
  EXPECT_EQ(Eval("u64 = 18446744073709551615", b), (V{1, 0, 0, 0, 0}));
  EXPECT_EQ(Eval("i8 > -1e3 AND i8 < 127.5", b), (V{1, 1, 1, 0, 1}));
  // Total order like arrow-rs: -0.0 < 0.0, NaN equals NaN and is above everything.
  EXPECT_EQ(Eval("f32 = 0", b), (V{0, 1, 0, 0, 0}));
  EXPECT_EQ(Eval("f32 < 0", b), (V{1, 0, 0, 0, 0}));
  EXPECT_EQ(Eval("f32 > 1e10", b), (V{0, 0, 1, 0, 0}));
  EXPECT_EQ(Eval("f32 = h", b), (V{0, 0, 1, 0, 0}));
  EXPECT_EQ(Eval("h >= 65504 OR h = 0.5", b), (V{0, 1, 1, 0, 1}));
  EXPECT_EQ(Eval("d >= 0", b), (V{1, 1, 0, 0, 1}));
  EXPECT_EQ(Eval("ts > 0 AND ts <= 9223372036854775807", b), (V{1, 0, 0, 0, 1}));
  EXPECT_EQ(Eval("b AND NOT b = FALSE", b), (V{1, 0, 0, 1, 0}));
  EXPECT_EQ(Eval("b = TRUE OR b < TRUE", b), (V{1, 1, 0, 1, 1}));
  EXPECT_EQ(Eval("b IN (FALSE)", b), (V{0, 1, 0, 0, 1}));
}

TEST(FilterEvalTest, Arithmetic) {
  const Val N;
  RecordBatch b = MakeBatch({{"i", int64(), {int64_t{0}, int64_t{7}, int64_t{-7}, N, int64_t{20}}},
                             {"j", int32(), {int64_t{3}, int64_t{2}, int64_t{2}, int64_t{1}, N}},
                             {"f", float64(), {0.5, 1.5, -2.0, 1.0, 4.0}},
                             {"s", utf8(), {std::string("a"), std::string("b"), N, N, N}},
                             {"d", date32(), {int64_t{1}, int64_t{2}, N, N, N}}});
  using V = std::vector<uint8_t>;
  // Precedence: * / % before + -, both before comparisons; left associative.
  EXPECT_EQ(Eval("i % 7 = 0", b), (V{1, 1, 1, 0, 0}));
  EXPECT_EQ(Eval("i - 1 - 1 = 5", b), (V{0, 1, 0, 0, 0}));
  EXPECT_EQ(Eval("i + j * 2 = 11", b), (V{0, 1, 0, 0, 0}));
  EXPECT_EQ(Eval("(i + j) * 2 = 18", b), (V{0, 1, 0, 0, 0}));
  // SQL: the remainder takes the dividend's sign; integer division truncates.
  EXPECT_EQ(Eval("i % j = -1", b), (V{0, 0, 1, 0, 0}));
  EXPECT_EQ(Eval("i / j = 3", b), (V{0, 1, 0, 0, 0}));
  EXPECT_EQ(Eval("i / j = -3", b), (V{0, 0, 1, 0, 0}));
  // Floats: true division; NULL operands give NULL (not selected, also under NOT).
  EXPECT_EQ(Eval("i * f > 10", b), (V{0, 1, 1, 0, 1}));
  EXPECT_EQ(Eval("NOT (i + j > 0)", b), (V{0, 0, 1, 0, 0}));
  EXPECT_EQ(Eval("i / 2.0 BETWEEN 3 AND 3.5", b), (V{0, 1, 0, 0, 0}));
  EXPECT_EQ(Eval("i % 10 IN (0, 7)", b), (V{1, 1, 0, 0, 1}));
  EXPECT_EQ(Eval("i + j IS NULL", b), (V{0, 0, 0, 1, 1}));
  EXPECT_EQ(Canon("a + b * 2 % 3 - -1 > 0", ParseSchema()), "((a + (b * 2 % 3) - -1) > 0)");
  EXPECT_EQ(Canon("a - (b - 1) - 2 = 0", ParseSchema()), "((a - (b - 1) - 2) = 0)");
  // Errors: non-numbers, division by zero, overflow.
  auto err = [&](const std::string& t) -> std::string {
    auto f = Filter::Make(t, b.schema);
    if (!f.ok()) return f.status().ToString();
    auto r = (*f)->Evaluate(b);
    return r.ok() ? "" : r.status().ToString();
  };
  EXPECT_NE(err("s + 1 = 2").find("needs numbers"), std::string::npos);
  EXPECT_NE(err("d + 1 = 2").find("needs numbers"), std::string::npos);
  EXPECT_NE(err("i % (j - j) = 0").find("division by zero"), std::string::npos);
  EXPECT_NE(err("i * 9223372036854775807 > 0").find("overflow"), std::string::npos);
  EXPECT_EQ(err("f % 0 > 0"), "");  // float remainder by zero is NaN, not an error
}

TEST(FilterEvalTest, StructFieldsCombineParentNulls) {
  ArrayBuilder sb(struct_({Field("x", int32()), Field("y", utf8())}));
  ASSERT_TRUE(sb.AppendStructValid().ok());
  ASSERT_TRUE(sb.child(0)->AppendInt(1).ok());
  ASSERT_TRUE(sb.child(1)->AppendBytes("a").ok());
  ASSERT_TRUE(sb.AppendNull().ok());  // null struct: x and y null too
  ASSERT_TRUE(sb.AppendStructValid().ok());
  ASSERT_TRUE(sb.child(0)->AppendNull().ok());
  ASSERT_TRUE(sb.child(1)->AppendBytes("b").ok());
  auto arr = sb.Finish();
  FILTER_ASSERT_OK(arr);
  RecordBatch b;
  b.schema.fields = {Field("st", (*arr)->type)};
  b.columns = {*arr};
  b.num_rows = 3;
  using V = std::vector<uint8_t>;
  EXPECT_EQ(Eval("st.x IS NULL", b), (V{0, 1, 1}));
  EXPECT_EQ(Eval("st.y IS NOT NULL", b), (V{1, 0, 1}));
  EXPECT_EQ(Eval("st IS NULL", b), (V{0, 1, 0}));
  EXPECT_EQ(Eval("st.x = 1 OR st.y = 'b'", b), (V{1, 0, 1}));
}

TEST(FilterEvalTest, BatchMismatchesAreErrors) {
  RecordBatch b = MakeBatch({{"x", int64(), {int64_t{1}}}});
  Schema other;
  other.fields = {Field("x", int32())};
  auto f = Filter::Make("x = 1", other);
  FILTER_ASSERT_OK(f);
  EXPECT_TRUE((*f)->Evaluate(b).status().IsInvalidArgument());
  Schema s2;
  s2.fields = {Field("y", int64())};
  auto g = Filter::Make("y = 1", s2);
  FILTER_ASSERT_OK(g);
  EXPECT_TRUE((*g)->Evaluate(b).status().IsInvalidArgument());
}

// ---------------------------------------------------------------------------------------------
// Random expressions against a per-row reference evaluator.

struct RefExpr {
  enum Kind { kCmp, kAnd, kOr, kNot, kIn, kIsNull, kBetween, kLike, kBoolCol } kind;
  std::string op;
  std::vector<std::string> operands;  // rendered operand text (column or literal)
  std::vector<int> operand_cols;      // column index or -1 for literal
  std::vector<Val> operand_lits;
  std::vector<Val> list;
  std::string pattern;
  bool negated = false;
  std::vector<RefExpr> kids;
};

struct Fixture {
  std::vector<Col> cols;
  std::vector<int> group;  // 0 numeric, 1 string, 2 bool
};

bool IsNull(const Val& v) { return std::holds_alternative<std::monostate>(v); }

int64_t TotalKey(double d) {
  int64_t k;
  std::memcpy(&k, &d, 8);
  return k ^ static_cast<int64_t>(static_cast<uint64_t>(k >> 63) >> 1);
}

int RefCmp(const Val& a, const Val& b) {
  if (auto* sa = std::get_if<std::string>(&a)) {
    const std::string& sb = std::get<std::string>(b);
    return sa->compare(sb) < 0 ? -1 : (*sa == sb ? 0 : 1);
  }
  if (auto* ba = std::get_if<bool>(&a)) return int(*ba) - int(std::get<bool>(b));
  auto is_float = [](const Val& v) { return std::holds_alternative<double>(v); };
  if (is_float(a) || is_float(b)) {
    auto to_d = [](const Val& v) {
      if (auto* d = std::get_if<double>(&v)) return *d;
      if (auto* i = std::get_if<int64_t>(&v)) return static_cast<double>(*i);
      return static_cast<double>(std::get<uint64_t>(v));
    };
    int64_t x = TotalKey(to_d(a)), y = TotalKey(to_d(b));
    return (x > y) - (x < y);
  }
  auto to_i = [](const Val& v) -> __int128 {
    if (auto* i = std::get_if<int64_t>(&v)) return *i;
    return static_cast<__int128>(std::get<uint64_t>(v));
  };
  __int128 x = to_i(a), y = to_i(b);
  return (x > y) - (x < y);
}

using Ref = std::optional<bool>;

Ref RefCmpOp(const Val& a, const Val& b, const std::string& op) {
  if (IsNull(a) || IsNull(b)) return std::nullopt;
  int c = RefCmp(a, b);
  if (op == "=") return c == 0;
  if (op == "!=") return c != 0;
  if (op == "<") return c < 0;
  if (op == "<=") return c <= 0;
  if (op == ">") return c > 0;
  return c >= 0;
}

Ref RefAnd(Ref a, Ref b) {
  if (a == false || b == false) return false;
  if (!a || !b) return std::nullopt;
  return true;
}
Ref RefOr(Ref a, Ref b) {
  if (a == true || b == true) return true;
  if (!a || !b) return std::nullopt;
  return false;
}
Ref RefNot(Ref a) { return a ? Ref(!*a) : std::nullopt; }

// Straightforward recursive LIKE (no escapes in generated patterns except '\%' and '\_').
bool RefLike(const std::string& p, size_t pi, const std::string& s, size_t si) {
  if (pi == p.size()) return si == s.size();
  if (p[pi] == '%') {
    for (size_t k = si; k <= s.size(); ++k)
      if (RefLike(p, pi + 1, s, k)) return true;
    return false;
  }
  if (si == s.size()) return false;
  if (p[pi] == '_') {
    size_t n = 1;
    while (si + n < s.size() && (static_cast<uint8_t>(s[si + n]) & 0xC0) == 0x80) ++n;
    return RefLike(p, pi + 1, s, si + n);
  }
  char c = p[pi];
  size_t adv = 1;
  if (c == '\\' && pi + 1 < p.size()) {
    c = p[pi + 1];
    adv = 2;
  }
  return s[si] == c && RefLike(p, pi + adv, s, si + 1);
}

Ref RefEval(const RefExpr& e, const Fixture& fx, size_t row) {
  auto operand = [&](size_t i) -> Val {
    return e.operand_cols[i] >= 0 ? fx.cols[static_cast<size_t>(e.operand_cols[i])].rows[row]
                                  : e.operand_lits[i];
  };
  switch (e.kind) {
    case RefExpr::kCmp:
      return RefCmpOp(operand(0), operand(1), e.op);
    case RefExpr::kAnd:
      return RefAnd(RefEval(e.kids[0], fx, row), RefEval(e.kids[1], fx, row));
    case RefExpr::kOr:
      return RefOr(RefEval(e.kids[0], fx, row), RefEval(e.kids[1], fx, row));
    case RefExpr::kNot:
      return RefNot(RefEval(e.kids[0], fx, row));
    case RefExpr::kIn: {
      Ref acc = false;
      for (const Val& l : e.list) acc = RefOr(acc, RefCmpOp(operand(0), l, "="));
      return e.negated ? RefNot(acc) : acc;
    }
    case RefExpr::kIsNull:
      return IsNull(operand(0)) != e.negated;
    case RefExpr::kBetween: {
      Ref r = RefAnd(RefCmpOp(operand(0), operand(1), ">="),
                     RefCmpOp(operand(0), operand(2), "<="));
      return e.negated ? RefNot(r) : r;
    }
    case RefExpr::kLike: {
      Val v = operand(0);
      if (IsNull(v)) return std::nullopt;
      return RefLike(e.pattern, 0, std::get<std::string>(v), 0) != e.negated;
    }
    case RefExpr::kBoolCol: {
      Val v = operand(0);
      if (IsNull(v)) return std::nullopt;
      return std::get<bool>(v);
    }
  }
  return std::nullopt;
}

std::string LitText(const Val& v) {
  if (IsNull(v)) return "NULL";
  if (auto* b = std::get_if<bool>(&v)) return *b ? "TRUE" : "false";
  if (auto* i = std::get_if<int64_t>(&v)) return std::to_string(*i);
  if (auto* u = std::get_if<uint64_t>(&v)) return std::to_string(*u);
  if (auto* d = std::get_if<double>(&v)) {
    char buf[40];
    std::snprintf(buf, sizeof(buf), "%.17g", *d);
    std::string s = buf;
    if (s.find_first_of(".e") == std::string::npos) s += ".0";
    return s;
  }
  std::string out = "'";
  for (char c : std::get<std::string>(v)) {
    out += c;
    if (c == '\'') out += '\'';
  }
  return out + "'";
}

std::string Render(const RefExpr& e, const Fixture& fx) {
  auto op = [&](size_t i) {
    return e.operand_cols[i] >= 0 ? "`" + fx.cols[static_cast<size_t>(e.operand_cols[i])].name + "`"
                                  : LitText(e.operand_lits[i]);
  };
  switch (e.kind) {
    case RefExpr::kCmp:
      return op(0) + " " + e.op + " " + op(1);
    case RefExpr::kAnd:
      return "(" + Render(e.kids[0], fx) + ") AND (" + Render(e.kids[1], fx) + ")";
    case RefExpr::kOr:
      return "(" + Render(e.kids[0], fx) + ") or (" + Render(e.kids[1], fx) + ")";
    case RefExpr::kNot:
      return "NOT (" + Render(e.kids[0], fx) + ")";
    case RefExpr::kIn: {
      std::string s = op(0) + (e.negated ? " NOT IN (" : " IN (");
      for (size_t i = 0; i < e.list.size(); ++i) s += (i ? ", " : "") + LitText(e.list[i]);
      return s + ")";
    }
    case RefExpr::kIsNull:
      return op(0) + (e.negated ? " IS NOT NULL" : " IS NULL");
    case RefExpr::kBetween:
      return op(0) + (e.negated ? " NOT BETWEEN " : " BETWEEN ") + op(1) + " AND " + op(2);
    case RefExpr::kLike:
      return op(0) + (e.negated ? " NOT LIKE " : " LIKE ") + LitText(e.pattern);
    case RefExpr::kBoolCol:
      return op(0);
  }
  return "";
}

class RandomFilterTest : public ::testing::Test {
 protected:
  std::mt19937_64 rng_{12345};

  size_t Pick(size_t n) { return std::uniform_int_distribution<size_t>(0, n - 1)(rng_); }
  bool Coin(double p) { return std::uniform_real_distribution<double>(0, 1)(rng_) < p; }

  Val RandomValue(const DataTypePtr& t) {
    static const std::vector<std::string> kStrings = {"", "a", "ab", "abc", "b%", "a_c",
                                                      "é", "éa", "B", "it's"};
    static const std::vector<double> kDoubles = {-1.5, 0.0, -0.0, 2.0, 3.25, -7.0, 1e3};
    switch (t->id()) {
      case TypeId::kBool:
        return Coin(0.5);
      case TypeId::kString:
      case TypeId::kLargeString:
        return kStrings[Pick(kStrings.size())];
      case TypeId::kFloat:
      case TypeId::kDouble:
        if (Coin(0.05)) return std::nan("");
        return kDoubles[Pick(kDoubles.size())];
      case TypeId::kHalfFloat:
        return kDoubles[Pick(kDoubles.size())];
      case TypeId::kUInt8:
      case TypeId::kUInt16:
      case TypeId::kUInt32:
        return static_cast<int64_t>(Pick(6));
      case TypeId::kUInt64:
        if (Coin(0.1)) return uint64_t{18446744073709551615ull};
        return static_cast<uint64_t>(Pick(6));
      case TypeId::kInt64:
        if (Coin(0.05)) return std::numeric_limits<int64_t>::min();
        [[fallthrough]];
      default:
        return static_cast<int64_t>(Pick(11)) - 5;
    }
  }

  Fixture MakeFixture(size_t rows) {
    Fixture fx;
    std::vector<std::pair<std::string, DataTypePtr>> defs = {
        {"i8", int8()},     {"i16", int16()},   {"i32", int32()},     {"i64", int64()},
        {"u8", uint8()},    {"u16", uint16()},  {"u32", uint32()},    {"u64", uint64()},
        {"h", float16()},   {"f32", float32()}, {"f64", float64()},   {"s", utf8()},
        {"ls", large_utf8()}, {"b", boolean()}, {"b2", boolean()}};
    for (auto& [name, type] : defs) {
      Col c{name, type, {}};
      double null_p = Pick(3) == 0 ? 0.0 : 0.25;
      for (size_t r = 0; r < rows; ++r) c.rows.push_back(Coin(null_p) ? Val() : RandomValue(type));
      int g = type->id() == TypeId::kBool ? 2 : (type->is_binary_like() ? 1 : 0);
      fx.cols.push_back(std::move(c));
      fx.group.push_back(g);
    }
    return fx;
  }

  // An operand of `group`: a column of that group, or a literal.
  void AddOperand(RefExpr* e, const Fixture& fx, int group, bool allow_column = true) {
    if (allow_column && Coin(0.6)) {
      std::vector<int> cands;
      for (size_t i = 0; i < fx.cols.size(); ++i)
        if (fx.group[i] == group) cands.push_back(static_cast<int>(i));
      e->operand_cols.push_back(cands[Pick(cands.size())]);
      e->operand_lits.emplace_back();
      return;
    }
    e->operand_cols.push_back(-1);
    e->operand_lits.push_back(RandomLiteral(fx, group));
  }

  Val RandomLiteral(const Fixture& fx, int group) {
    if (Coin(0.05)) return Val();
    if (group == 2) return Coin(0.5);
    if (group == 1) return RandomValue(utf8());
    switch (Pick(3)) {
      case 0:
        return RandomValue(int64());
      case 1: {
        Val v = RandomValue(float64());
        return std::isnan(std::get<double>(v)) ? Val(2.5) : v;
      }
      default:
        return RandomValue(uint64());
    }
  }

  RefExpr RandomExpr(const Fixture& fx, int depth) {
    RefExpr e;
    size_t k = depth > 3 ? 4 + Pick(6) : Pick(10);
    switch (k) {
      case 0:
        e.kind = RefExpr::kAnd;
        break;
      case 1:
        e.kind = RefExpr::kOr;
        break;
      case 2:
        e.kind = RefExpr::kNot;
        break;
      case 3:
      case 4: {
        e.kind = RefExpr::kCmp;
        static const char* kOps[] = {"=", "!=", "<", "<=", ">", ">="};
        e.op = kOps[Pick(6)];
        int g = static_cast<int>(Pick(3));
        AddOperand(&e, fx, g);
        AddOperand(&e, fx, g);
        return e;
      }
      case 5: {
        e.kind = RefExpr::kIn;
        e.negated = Coin(0.5);
        int g = static_cast<int>(Pick(3));
        AddOperand(&e, fx, g);
        size_t n = 1 + Pick(4);
        for (size_t i = 0; i < n; ++i) e.list.push_back(RandomLiteral(fx, g));
        return e;
      }
      case 6:
        e.kind = RefExpr::kIsNull;
        e.negated = Coin(0.5);
        AddOperand(&e, fx, static_cast<int>(Pick(3)), true);
        return e;
      case 7: {
        e.kind = RefExpr::kBetween;
        e.negated = Coin(0.5);
        int g = static_cast<int>(Pick(3));
        AddOperand(&e, fx, g);
        AddOperand(&e, fx, g);
        AddOperand(&e, fx, g);
        return e;
      }
      case 8: {
        e.kind = RefExpr::kLike;
        e.negated = Coin(0.5);
        e.operand_cols.push_back(Coin(0.5) ? 11 : 12);
        e.operand_lits.emplace_back();
        static const std::vector<std::string> kPatterns = {
            "%", "a%", "%b", "_", "__", "a_c", "%\\%", "a\\_c", "", "é%", "_a", "%a%b%", "it''s"};
        e.pattern = kPatterns[Pick(kPatterns.size())];
        if (e.pattern == "it''s") e.pattern = "it's";
        return e;
      }
      default:
        e.kind = RefExpr::kBoolCol;
        e.operand_cols.push_back(Coin(0.5) ? 13 : 14);
        e.operand_lits.emplace_back();
        return e;
    }
    e.kids.push_back(RandomExpr(fx, depth + 1));
    if (e.kind != RefExpr::kNot) e.kids.push_back(RandomExpr(fx, depth + 1));
    return e;
  }
};

TEST_F(RandomFilterTest, MatchesReferenceEvaluator) {
  int checked = 0;
  int64_t outcomes[3] = {0, 0, 0};  // rows whose reference result was TRUE, FALSE, NULL
  for (int round = 0; round < 40; ++round) {
    Fixture fx = MakeFixture(1 + Pick(70));
    RecordBatch batch = MakeBatch(fx.cols);
    for (int q = 0; q < 50; ++q) {
      RefExpr e = RandomExpr(fx, 0);
      std::string text = Render(e, fx);
      auto f = Filter::Make(text, batch.schema);
      ASSERT_TRUE(f.ok()) << text << ": " << f.status().ToString();
      auto got = (*f)->Evaluate(batch);
      ASSERT_TRUE(got.ok()) << text << ": " << got.status().ToString();
      ASSERT_EQ(got->size(), static_cast<size_t>(batch.num_rows));
      for (size_t r = 0; r < got->size(); ++r) {
        Ref want = RefEval(e, fx, r);
        ASSERT_EQ((*got)[r], want == true ? 1 : 0) << text << " at row " << r;
        ++outcomes[want ? (*want ? 0 : 1) : 2];
      }
      // The canonical form means the same thing.
      auto again = Filter::Make((*f)->ToString(), batch.schema);
      ASSERT_TRUE(again.ok()) << (*f)->ToString() << ": " << again.status().ToString();
      auto got2 = (*again)->Evaluate(batch);
      ASSERT_TRUE(got2.ok());
      ASSERT_EQ(*got2, *got) << (*f)->ToString();
      ++checked;
    }
  }
  EXPECT_EQ(checked, 2000);
  // The generator exercises all three truth values substantially.
  for (int64_t o : outcomes) EXPECT_GT(o, 5000);
}

}  // namespace
}  // namespace lancet::table
