// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The lancet authors
//
// IEEE 754 binary16 ("halffloat") conversions. Lance stores halffloat values as their 16 raw bits;
// lancet keeps them as uint16_t and converts at the edges. Pure functions, thread-safe.
#pragma once

#include <cstdint>
#include <cstring>

namespace lancet {

/// \brief Widen binary16 bits to a double (exact: every binary16 value is a double).
/// NaN payloads are preserved in the top mantissa bits.
inline double Float16ToDouble(uint16_t h) {
  const uint64_t sign = static_cast<uint64_t>(h & 0x8000) << 48;
  const int exp = (h >> 10) & 0x1f;
  uint64_t mant = h & 0x3ff;
  uint64_t bits;
  if (exp == 0x1f) {
    bits = sign | (0x7ffULL << 52) | (mant << 42);  // inf or NaN
  } else if (exp == 0) {
    if (mant == 0) {
      bits = sign;  // +-0
    } else {
      // Subnormal: normalize. value = mant * 2^-24.
      int e = -14;
      while ((mant & 0x400) == 0) {
        mant <<= 1;
        --e;
      }
      mant &= 0x3ff;
      bits = sign | (static_cast<uint64_t>(e + 1023) << 52) | (mant << 42);
    }
  } else {
    bits = sign | (static_cast<uint64_t>(exp - 15 + 1023) << 52) | (mant << 42);
  }
  double d;
  std::memcpy(&d, &bits, sizeof(d));
  return d;
}

/// \brief Narrow a double to binary16 bits, rounding to nearest, ties to even (directly from the
/// double, so there is no double rounding). Overflow gives +-infinity; NaN stays a (quiet) NaN.
inline uint16_t DoubleToFloat16(double d) {
  uint64_t bits;
  std::memcpy(&bits, &d, sizeof(bits));
  const uint16_t sign = static_cast<uint16_t>((bits >> 48) & 0x8000);
  const int exp = static_cast<int>((bits >> 52) & 0x7ff);
  const uint64_t mant = bits & ((1ULL << 52) - 1);
  if (exp == 0x7ff) {
    if (mant == 0) return sign | 0x7c00;
    return static_cast<uint16_t>(sign | 0x7e00 | ((mant >> 42) & 0x1ff));
  }
  const int e = exp - 1023 + 15;  // biased binary16 exponent
  if (e >= 31) return sign | 0x7c00;
  if (e >= 1) {
    uint64_t m = mant >> 42;
    const uint64_t rem = mant & ((1ULL << 42) - 1);
    const uint64_t half = 1ULL << 41;
    uint32_t out = (static_cast<uint32_t>(e) << 10) | static_cast<uint32_t>(m);
    if (rem > half || (rem == half && (m & 1))) ++out;  // a carry may reach infinity: correct
    return static_cast<uint16_t>(sign | out);
  }
  // Subnormal (or zero) result: value = sig * 2^(exp - 1075); unit = 2^-24.
  if (exp == 0) return sign;  // double zero or subnormal: far below half the smallest subnormal
  const uint64_t sig = mant | (1ULL << 52);
  const int shift = 1051 - exp;  // >= 43 here
  if (shift >= 54) return sign;  // < half of the smallest subnormal
  uint64_t m = sig >> shift;
  const uint64_t rem = sig & ((1ULL << shift) - 1);
  const uint64_t half = 1ULL << (shift - 1);
  if (rem > half || (rem == half && (m & 1))) ++m;  // may become the smallest normal: correct
  return static_cast<uint16_t>(sign | m);
}

/// \brief Narrow a float to binary16 bits (round to nearest even).
inline uint16_t FloatToFloat16(float f) { return DoubleToFloat16(static_cast<double>(f)); }

}  // namespace lancet
