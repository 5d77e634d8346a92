// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The lancet authors
#include "lancet/encoding/rle.h"

#include <algorithm>
#include <cstring>
#include <memory>
#include <new>
#include <string>
#include <utility>
#include <vector>

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

template <typename T>
T Load(const uint8_t* p) {
  T v;
  std::memcpy(&v, p, sizeof(T));
  return v;
}

template <typename T>
void Encode(const uint8_t* in, uint64_t n, std::vector<uint8_t>* values,
            std::vector<uint8_t>* lengths) {
  uint64_t i = 0;
  while (i < n) {
    const T v = Load<T>(in + i * sizeof(T));
    uint64_t j = i + 1;
    while (j < n && Load<T>(in + j * sizeof(T)) == v) ++j;
    uint64_t run = j - i;
    while (run > 0) {
      const uint8_t len = static_cast<uint8_t>(std::min<uint64_t>(run, 255));
      const size_t at = values->size();
      values->resize(at + sizeof(T));
      std::memcpy(values->data() + at, &v, sizeof(T));
      lengths->push_back(len);
      run -= len;
    }
    i = j;
  }
}

template <typename T>
void CountRuns(const uint8_t* in, uint64_t n, uint64_t* runs, uint64_t* split_runs) {
  uint64_t i = 0;
  while (i < n) {
    const T v = Load<T>(in + i * sizeof(T));
    uint64_t j = i + 1;
    while (j < n && Load<T>(in + j * sizeof(T)) == v) ++j;
    *runs += 1;
    *split_runs += (j - i + 254) / 255;
    i = j;
  }
}

void CountRuns(const uint8_t* in, uint64_t n, uint32_t bits, uint64_t* runs, uint64_t* split_runs) {
  switch (bits) {
    case 8:
      return CountRuns<uint8_t>(in, n, runs, split_runs);
    case 16:
      return CountRuns<uint16_t>(in, n, runs, split_runs);
    case 32:
      return CountRuns<uint32_t>(in, n, runs, split_runs);
    case 64:
      return CountRuns<uint64_t>(in, n, runs, split_runs);
    default:
      return;
  }
}

template <typename T>
void Expand(const uint8_t* values, const uint8_t* lengths, uint64_t num_values, uint8_t* out) {
  T* dst = reinterpret_cast<T*>(out);  // `out` is freshly allocated, hence aligned
  uint64_t pos = 0;
  for (size_t r = 0; pos < num_values; ++r) {
    const uint64_t len = std::min<uint64_t>(lengths[r], num_values - pos);
    std::fill_n(dst + pos, len, Load<T>(values + r * sizeof(T)));
    pos += len;
  }
}

bool ValidBits(uint32_t bits) { return bits == 8 || bits == 16 || bits == 32 || bits == 64; }

}  // namespace

Result<RleEncoded> RleEncode(const uint8_t* values, uint64_t num_values, uint32_t bits_per_value) {
  if (!ValidBits(bits_per_value)) {
    return Status::InvalidArgument("RLE supports 8/16/32/64-bit values, got " +
                                   std::to_string(bits_per_value));
  }
  std::vector<uint8_t> vals;
  std::vector<uint8_t> lens;
  switch (bits_per_value) {
    case 8:
      Encode<uint8_t>(values, num_values, &vals, &lens);
      break;
    case 16:
      Encode<uint16_t>(values, num_values, &vals, &lens);
      break;
    case 32:
      Encode<uint32_t>(values, num_values, &vals, &lens);
      break;
    default:
      Encode<uint64_t>(values, num_values, &vals, &lens);
      break;
  }
  RleEncoded out;
  out.num_runs = lens.size();
  out.values = Buffer::FromVector(std::move(vals));
  out.run_lengths = Buffer::FromVector(std::move(lens));
  return out;
}

uint64_t RleCountRuns(const uint8_t* values, uint64_t num_values, uint32_t bits_per_value) {
  uint64_t runs = 0, split = 0;
  CountRuns(values, num_values, bits_per_value, &runs, &split);
  return split;
}

uint64_t CountValueRuns(const uint8_t* values, uint64_t num_values, uint32_t bits_per_value) {
  uint64_t runs = 0, split = 0;
  CountRuns(values, num_values, bits_per_value, &runs, &split);
  return runs;
}

Result<Buffer> RleDecode(const uint8_t* values, size_t values_size, const uint8_t* run_lengths,
                         size_t run_lengths_size, uint32_t bits_per_value, uint64_t num_values) {
  if (!ValidBits(bits_per_value)) {
    return Status::Corruption("RLE values must be 8/16/32/64 bits, got " +
                              std::to_string(bits_per_value));
  }
  const size_t width = bits_per_value / 8;
  if (num_values == 0) return Buffer();
  if (values_size % width != 0) {
    return Status::Corruption("RLE values buffer of " + std::to_string(values_size) +
                              " bytes is not a multiple of " + std::to_string(width));
  }
  const size_t runs = values_size / width;
  if (runs != run_lengths_size) {
    return Status::Corruption("RLE has " + std::to_string(runs) + " run values but " +
                              std::to_string(run_lengths_size) + " run lengths");
  }
  uint64_t covered = 0;
  for (size_t r = 0; r < runs; ++r) covered += run_lengths[r];
  if (covered < num_values) {
    return Status::Corruption("RLE runs cover " + std::to_string(covered) + " values, expected " +
                              std::to_string(num_values));
  }
  uint8_t* out = nullptr;
  LANCET_ASSIGN_OR_RETURN(Buffer buf, Allocate(num_values * width, &out));
  switch (bits_per_value) {
    case 8:
      Expand<uint8_t>(values, run_lengths, num_values, out);
      break;
    case 16:
      Expand<uint16_t>(values, run_lengths, num_values, out);
      break;
    case 32:
      Expand<uint32_t>(values, run_lengths, num_values, out);
      break;
    default:
      Expand<uint64_t>(values, run_lengths, num_values, out);
      break;
  }
  return buf;
}

Result<Buffer> RleEncodeBlock(const uint8_t* values, uint64_t num_values,
                              uint32_t bits_per_value) {
  LANCET_ASSIGN_OR_RETURN(RleEncoded r, RleEncode(values, num_values, bits_per_value));
  const uint64_t values_size = static_cast<uint64_t>(r.values.size());
  std::vector<uint8_t> out(8 + r.values.size() + r.run_lengths.size());
  for (int i = 0; i < 8; ++i) out[i] = static_cast<uint8_t>(values_size >> (8 * i));
  if (r.values.size() > 0) std::memcpy(out.data() + 8, r.values.data(), r.values.size());
  if (r.run_lengths.size() > 0) {
    std::memcpy(out.data() + 8 + r.values.size(), r.run_lengths.data(), r.run_lengths.size());
  }
  return Buffer::FromVector(std::move(out));
}

Result<Buffer> RleDecodeBlock(const uint8_t* data, size_t size, uint32_t bits_per_value,
                              uint64_t num_values) {
  if (!ValidBits(bits_per_value)) {
    return Status::Corruption("RLE values must be 8/16/32/64 bits, got " +
                              std::to_string(bits_per_value));
  }
  // Like Lance, an empty block is empty whatever its bytes hold.
  if (num_values == 0) return Buffer();
  if (size < 8) {
    return Status::Corruption("RLE block of " + std::to_string(size) +
                              " bytes is shorter than its 8-byte header");
  }
  uint64_t values_size = 0;
  for (int i = 7; i >= 0; --i) values_size = (values_size << 8) | data[i];
  const size_t body = size - 8;
  if (values_size > body) {
    return Status::Corruption("RLE block declares " + std::to_string(values_size) +
                              " bytes of run values but holds " + std::to_string(body));
  }
  const uint8_t* vals = data + 8;
  const uint8_t* lens = vals + values_size;
  const size_t lens_size = body - static_cast<size_t>(values_size);
  const size_t width = bits_per_value / 8;
  if (values_size % width != 0) {
    return Status::Corruption("RLE values of " + std::to_string(values_size) +
                              " bytes are not a multiple of " + std::to_string(width));
  }
  const size_t runs = static_cast<size_t>(values_size) / width;
  if (runs != lens_size) {
    return Status::Corruption("RLE block has " + std::to_string(runs) + " run values but " +
                              std::to_string(lens_size) + " run lengths");
  }
  uint64_t covered = 0;
  for (size_t r = 0; r < runs; ++r) {
    if (lens[r] == 0) {
      return Status::Corruption("RLE run " + std::to_string(r) + " has length 0");
    }
    covered += lens[r];
  }
  if (covered != num_values) {
    return Status::Corruption("RLE block runs cover " + std::to_string(covered) +
                              " values, expected exactly " + std::to_string(num_values));
  }
  return RleDecode(vals, static_cast<size_t>(values_size), lens, lens_size, bits_per_value,
                   num_values);
}

}  // namespace lancet::encoding
