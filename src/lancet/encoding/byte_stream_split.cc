// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The lancet authors
#include "lancet/encoding/byte_stream_split.h"

#include <cstring>
#include <limits>
#include <memory>
#include <new>
#include <string>
#include <utility>

namespace lancet::encoding {

namespace {

Result<Buffer> Allocate(size_t size, uint8_t** out) {
  std::shared_ptr<uint8_t[]> mem(new (std::nothrow) uint8_t[size == 0 ? 1 : size]);
  if (!mem) return Status::OutOfMemory("cannot allocate " + std::to_string(size) + " bytes");
  *out = mem.get();
  const uint8_t* data = mem.get();
  return Buffer::Wrap(std::shared_ptr<const void>(std::move(mem), data), data,
                      static_cast<int64_t>(size));
}

// Transpose an (rows x cols) byte matrix: out[c * rows + r] = in[r * cols + c]. With W a
// compile-time width the inner loops become simple strided copies.
template <size_t W>
void Split(const uint8_t* in, size_t n, uint8_t* out) {
  for (size_t j = 0; j < W; ++j) {
    uint8_t* dst = out + j * n;
    for (size_t i = 0; i < n; ++i) dst[i] = in[i * W + j];
  }
}
template <size_t W>
void Join(const uint8_t* in, size_t n, uint8_t* out) {
  for (size_t i = 0; i < n; ++i) {
    for (size_t j = 0; j < W; ++j) out[i * W + j] = in[j * n + i];
  }
}
void SplitAny(const uint8_t* in, size_t n, size_t w, uint8_t* out) {
  switch (w) {
    case 2:
      return Split<2>(in, n, out);
    case 4:
      return Split<4>(in, n, out);
    case 8:
      return Split<8>(in, n, out);
    default:
      for (size_t j = 0; j < w; ++j) {
        for (size_t i = 0; i < n; ++i) out[j * n + i] = in[i * w + j];
      }
  }
}
void JoinAny(const uint8_t* in, size_t n, size_t w, uint8_t* out) {
  switch (w) {
    case 2:
      return Join<2>(in, n, out);
    case 4:
      return Join<4>(in, n, out);
    case 8:
      return Join<8>(in, n, out);
    default:
      for (size_t i = 0; i < n; ++i) {
        for (size_t j = 0; j < w; ++j) out[i * w + j] = in[j * n + i];
      }
  }
}

}  // namespace

Result<Buffer> ByteStreamSplitEncode(const uint8_t* values, uint64_t num_values,
                                     uint32_t bits_per_value) {
  if (bits_per_value == 0 || bits_per_value % 8 != 0) {
    return Status::InvalidArgument("byte stream split needs whole-byte values, got " +
                                   std::to_string(bits_per_value) + " bits");
  }
  const size_t w = bits_per_value / 8;
  uint8_t* out = nullptr;
  LANCET_ASSIGN_OR_RETURN(Buffer buf, Allocate(num_values * w, &out));
  SplitAny(values, num_values, w, out);
  return buf;
}

Result<Buffer> ByteStreamSplitDecode(const uint8_t* data, size_t size, uint32_t bits_per_value,
                                     uint64_t num_values) {
  if (bits_per_value == 0 || bits_per_value % 8 != 0) {
    return Status::Corruption("byte stream split needs whole-byte values, got " +
                              std::to_string(bits_per_value) + " bits");
  }
  const size_t w = bits_per_value / 8;
  if (num_values > std::numeric_limits<size_t>::max() / w || num_values * w != size) {
    return Status::Corruption("byte stream split chunk of " + std::to_string(size) +
                              " bytes does not hold " + std::to_string(num_values) + " values of " +
                              std::to_string(w) + " bytes");
  }
  uint8_t* out = nullptr;
  LANCET_ASSIGN_OR_RETURN(Buffer buf, Allocate(size, &out));
  JoinAny(data, num_values, w, out);
  return buf;
}

}  // namespace lancet::encoding
