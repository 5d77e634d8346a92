// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The lancet authors
//
// libFuzzer target: arbitrary text as a filter over a fixed schema (every scalar type, a struct,
// a vector and a binary column). Parsing, binding, printing, re-parsing the canonical form and
// evaluating over a small batch with nulls must return an error or a result, never crash.
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "lancet/core/array_builder.h"
#include "lancet/table/filter.h"

namespace {

using namespace lancet;

RecordBatch MakeBatch() {
  RecordBatch b;
  b.schema.fields = {
      Field("i8", int8()),       Field("i32", int32()),     Field("id", int64()),
      Field("u64", uint64()),    Field("h", float16()),     Field("f", float32()),
      Field("d", float64()),     Field("s", utf8()),        Field("ls", large_utf8()),
      Field("b", boolean()),     Field("day", date32()),    Field("ts", timestamp(TimeUnit::kMicro)),
      Field("n", null_type()),   Field("bin", binary()),    Field("v", fixed_size_list(float32(), 2)),
      Field("st", struct_({Field("x", int32()), Field("y", utf8())})), Field("a b", int16())};
  const int64_t rows = 7;
  for (const Field& f : b.schema.fields) {
    ArrayBuilder builder(f.type);
    for (int64_t r = 0; r < rows; ++r) {
      Status st;
      if (r % 3 == 2 || f.type->id() == TypeId::kNull) {
        st = builder.AppendNull();
      } else {
        switch (f.type->id()) {
          case TypeId::kBool:
            st = builder.AppendBool(r % 2 == 0);
            break;
          case TypeId::kString:
          case TypeId::kLargeString:
          case TypeId::kBinary:
            st = builder.AppendBytes(r == 0 ? "" : (r == 1 ? "a%b" : "\xc3\xa9x"));
            break;
          case TypeId::kFixedSizeList:
            st = builder.BeginList();
            if (st.ok()) st = builder.child(0)->AppendDouble(1.5);
            if (st.ok()) st = builder.child(0)->AppendDouble(-2);
            if (st.ok()) st = builder.EndList();
            break;
          case TypeId::kStruct:
            st = builder.AppendStructValid();
            if (st.ok()) st = builder.child(0)->AppendInt(r);
            if (st.ok()) st = r == 1 ? builder.child(1)->AppendNull() : builder.child(1)->AppendBytes("q");
            break;
          case TypeId::kHalfFloat:
          case TypeId::kFloat:
          case TypeId::kDouble:
            st = builder.AppendDouble(r == 4 ? -0.0 : r * 1.25 - 3);
            break;
          case TypeId::kUInt64:
            st = builder.AppendUInt(r == 0 ? ~uint64_t{0} : static_cast<uint64_t>(r));
            break;
          default:
            st = builder.AppendInt(r - 3);
        }
      }
      if (!st.ok()) abort();
    }
    auto arr = builder.Finish();
    if (!arr.ok()) abort();
    b.columns.push_back(*arr);
  }
  b.num_rows = rows;
  return b;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const RecordBatch batch = MakeBatch();
  std::string_view text(reinterpret_cast<const char*>(data), size);
  auto filter = table::Filter::Make(text, batch.schema);
  if (!filter.ok()) {
    if (!filter.status().IsInvalidArgument()) abort();  // only InvalidArgument is documented
    return 0;
  }
  auto result = (*filter)->Evaluate(batch);
  if (!result.ok()) {
    // Arithmetic can fail on the data (division by zero, integer overflow): InvalidArgument.
    if (!result.status().IsInvalidArgument()) abort();
    return 0;
  }
  if (result->size() != static_cast<size_t>(batch.num_rows)) abort();
  // The canonical form must parse again and select the same rows.
  std::string canon = (*filter)->ToString();
  auto again = table::Filter::Make(canon, batch.schema);
  if (!again.ok()) abort();
  auto result2 = (*again)->Evaluate(batch);
  if (!result2.ok() || *result2 != *result) abort();
  if ((*again)->ToString() != canon) abort();
  return 0;
}
