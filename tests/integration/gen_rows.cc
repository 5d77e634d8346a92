// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The lancet authors
#include <cmath>
#include <limits>
#include <nlohmann/json.hpp>
#include <random>

#include "lancet/core/base64.h"
#include "test_util.h"

namespace lancet::testing {
namespace {

using nlohmann::json;

class Gen {
 public:
  Gen(uint64_t seed, const GenOptions& o) : rng_(seed), o_(o) {}

  json Value(const Field& f) {
    if (f.nullable && Chance(o_.null_probability)) return nullptr;
    return NonNull(*f.type);
  }

 private:
  bool Chance(double p) { return std::uniform_real_distribution<double>(0, 1)(rng_) < p; }
  int64_t Int(int64_t lo, int64_t hi) {
    return std::uniform_int_distribution<int64_t>(lo, hi)(rng_);
  }
  std::string Bytes(int64_t lo, int64_t hi) {
    std::string s(static_cast<size_t>(Int(lo, hi)), '\0');
    for (char& c : s) c = static_cast<char>(rng_());
    return s;
  }
  std::string Text(int64_t max_len) {
    static const char* kWords[] = {"red", "car", "blue", "house", "tree", "boat", "é", "日本",
                                   "x",   "",    "star", "ball", "a",    "the"};
    std::string s;
    int64_t n = Int(0, 4);
    for (int64_t i = 0; i < n && static_cast<int64_t>(s.size()) < max_len; ++i) {
      if (i) s += " ";
      s += kWords[Int(0, 13)];
    }
    return s;
  }

  json NonNull(const DataType& t) {
    switch (t.id()) {
      case TypeId::kBool: return Chance(0.5);
      case TypeId::kInt8: return Int(-128, 127);
      case TypeId::kInt16: return Int(-32768, 32767);
      case TypeId::kInt32: return Int(std::numeric_limits<int32_t>::min(), std::numeric_limits<int32_t>::max());
      case TypeId::kInt64:
        return Chance(0.1) ? Int(std::numeric_limits<int64_t>::min(), std::numeric_limits<int64_t>::max())
                           : Int(-1000, 1000);
      case TypeId::kUInt8: return Int(0, 255);
      case TypeId::kUInt16: return Int(0, 65535);
      case TypeId::kUInt32: return Int(0, std::numeric_limits<uint32_t>::max());
      case TypeId::kUInt64:
        return Chance(0.1) ? json(static_cast<uint64_t>(rng_())) : json(Int(0, 5000));
      case TypeId::kHalfFloat: return static_cast<double>(Int(-2048, 2048)) / 8.0;
      case TypeId::kFloat: {
        float v = std::uniform_real_distribution<float>(-100, 100)(rng_);
        return static_cast<double>(v);
      }
      case TypeId::kDouble: {
        if (Chance(0.02)) return "NaN";
        if (Chance(0.02)) return "-Infinity";
        return std::uniform_real_distribution<double>(-1e6, 1e6)(rng_);
      }
      case TypeId::kString:
      case TypeId::kLargeString: return Text(o_.max_string_length);
      case TypeId::kBinary:
      case TypeId::kLargeBinary:
        return Base64Encode(Bytes(o_.min_binary_length, o_.max_binary_length));
      case TypeId::kFixedSizeBinary: return Base64Encode(Bytes(t.fixed_size(), t.fixed_size()));
      case TypeId::kDate32: return Int(-10000, 30000);
      case TypeId::kDate64:
      case TypeId::kTimestamp:
      case TypeId::kTime64:
      case TypeId::kDuration: return Int(0, 4102444800000000LL);
      case TypeId::kTime32: return Int(0, 86399);
      case TypeId::kFixedSizeList: {
        json arr = json::array();
        const Field& item = t.children()[0];
        for (int i = 0; i < t.fixed_size(); ++i) arr.push_back(NonNull(*item.type));
        return arr;
      }
      case TypeId::kList:
      case TypeId::kLargeList: {
        json arr = json::array();
        int64_t n = Int(0, o_.max_list_length);
        for (int64_t i = 0; i < n; ++i) arr.push_back(Value(t.children()[0]));
        return arr;
      }
      case TypeId::kStruct: {
        json obj = json::object();
        for (const Field& c : t.children()) obj[c.name] = Value(c);
        return obj;
      }
      default: return nullptr;
    }
  }

  std::mt19937_64 rng_;
  GenOptions o_;
};

}  // namespace

std::string GenerateRows(const Schema& schema, int64_t num_rows, uint64_t seed,
                         const GenOptions& options) {
  Gen gen(seed, options);
  std::string out;
  for (int64_t r = 0; r < num_rows; ++r) {
    json row = json::object();
    for (const Field& f : schema.fields) row[f.name] = gen.Value(f);
    out += row.dump();
    out += "\n";
  }
  return out;
}

}  // namespace lancet::testing
