// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The lancet authors
#include "lancet/encoding/fastlanes.h"

#include <array>
#include <bit>
#include <cstring>
#include <memory>
#include <new>
#include <string>
#include <utility>

namespace lancet::encoding {

namespace {

constexpr uint32_t kOrder[8] = {0, 4, 2, 6, 1, 5, 3, 7};
// Decoders refuse to materialize more than this many bytes from inputs whose size does not bound
// the output (zero-width bitpacking).
constexpr uint64_t kMaxDecodedBytes = uint64_t{1} << 32;

// Uninitialized, 16-byte aligned heap bytes owned by the returned Buffer.
Result<Buffer> Allocate(size_t size, uint8_t** out) {
  std::shared_ptr<uint8_t[]> mem(new (std::nothrow) uint8_t[size == 0 ? 1 : size]);
  if (!mem) return Status::OutOfMemory("cannot allocate " + std::to_string(size) + " bytes");
  *out = mem.get();
  const uint8_t* data = mem.get();
  return Buffer::Wrap(std::shared_ptr<const void>(std::move(mem), data), data,
                      static_cast<int64_t>(size));
}

// Start of row `row` of lane 0 in the unpacked (logical) order.
constexpr uint32_t RowBase(uint32_t row) { return kOrder[row / 8] * 16 + (row % 8) * 128; }

// The kernels loop over rows (bit position in a lane's stream) and, innermost, over lanes: both
// the packed words of a row and the logical values of a row are contiguous runs of LANES
// elements, so the lane loops are plain element-wise loops that the compiler vectorizes.
template <typename T, uint32_t W>
void UnpackKernel(const T* __restrict in, T* __restrict out) {
  constexpr uint32_t kT = sizeof(T) * 8;
  constexpr uint32_t kLanes = 1024 / kT;
  if constexpr (W == 0) {
    std::memset(out, 0, 1024 * sizeof(T));
  } else if constexpr (W == kT) {
    for (uint32_t row = 0; row < kT; ++row) {
      const T* __restrict src = in + kLanes * row;
      T* __restrict dst = out + RowBase(row);
      for (uint32_t l = 0; l < kLanes; ++l) dst[l] = src[l];
    }
  } else {
    constexpr T kMask = static_cast<T>((T{1} << W) - 1);
    for (uint32_t row = 0; row < kT; ++row) {
      const uint32_t bit = row * W;
      const uint32_t shift = bit % kT;
      const T* __restrict a = in + kLanes * (bit / kT);
      T* __restrict dst = out + RowBase(row);
      if (shift + W <= kT) {
        for (uint32_t l = 0; l < kLanes; ++l) dst[l] = static_cast<T>(a[l] >> shift) & kMask;
      } else {
        const T* __restrict b = a + kLanes;
        const uint32_t lo = kT - shift;
        for (uint32_t l = 0; l < kLanes; ++l) {
          dst[l] =
              static_cast<T>(static_cast<T>(a[l] >> shift) | static_cast<T>(b[l] << lo)) & kMask;
        }
      }
    }
  }
}

template <typename T, uint32_t W>
void PackKernel(const T* __restrict in, T* __restrict out) {
  constexpr uint32_t kT = sizeof(T) * 8;
  constexpr uint32_t kLanes = 1024 / kT;
  if constexpr (W == 0) {
    return;
  } else if constexpr (W == kT) {
    for (uint32_t row = 0; row < kT; ++row) {
      const T* __restrict src = in + RowBase(row);
      T* __restrict dst = out + kLanes * row;
      for (uint32_t l = 0; l < kLanes; ++l) dst[l] = src[l];
    }
  } else {
    constexpr T kMask = static_cast<T>((T{1} << W) - 1);
    std::memset(out, 0, 128 * W);
    for (uint32_t row = 0; row < kT; ++row) {
      const uint32_t bit = row * W;
      const uint32_t shift = bit % kT;
      const T* __restrict src = in + RowBase(row);
      T* __restrict a = out + kLanes * (bit / kT);
      for (uint32_t l = 0; l < kLanes; ++l) {
        a[l] = static_cast<T>(a[l] | static_cast<T>((src[l] & kMask) << shift));
      }
      if (shift + W > kT) {
        T* __restrict b = a + kLanes;
        const uint32_t lo = kT - shift;
        for (uint32_t l = 0; l < kLanes; ++l) {
          b[l] = static_cast<T>(b[l] | static_cast<T>((src[l] & kMask) >> lo));
        }
      }
    }
  }
}

template <typename T>
using KernelFn = void (*)(const T*, T*);

template <typename T, size_t... Ws>
constexpr std::array<KernelFn<T>, sizeof...(Ws)> MakeUnpackTable(std::index_sequence<Ws...>) {
  return {&UnpackKernel<T, static_cast<uint32_t>(Ws)>...};
}
template <typename T, size_t... Ws>
constexpr std::array<KernelFn<T>, sizeof...(Ws)> MakePackTable(std::index_sequence<Ws...>) {
  return {&PackKernel<T, static_cast<uint32_t>(Ws)>...};
}

template <typename T>
constexpr auto kUnpackTable = MakeUnpackTable<T>(std::make_index_sequence<sizeof(T) * 8 + 1>());
template <typename T>
constexpr auto kPackTable = MakePackTable<T>(std::make_index_sequence<sizeof(T) * 8 + 1>());

bool ValidWordBits(uint32_t bits) { return bits == 8 || bits == 16 || bits == 32 || bits == 64; }

uint64_t LoadWord(const uint8_t* p, uint32_t bytes) {
  uint64_t v = 0;
  std::memcpy(&v, p, bytes);  // little-endian host
  return v;
}

// Unpack one block of `width` from possibly unaligned `packed` into aligned `out`.
template <typename T>
void UnpackAnyAlign(uint32_t width, const uint8_t* packed, T* out) {
  if (reinterpret_cast<uintptr_t>(packed) % alignof(T) == 0) {
    kUnpackTable<T>[width](reinterpret_cast<const T*>(packed), out);
  } else {
    alignas(64) T tmp[1024];
    std::memcpy(tmp, packed, FastLanesPackedBytes(width));
    kUnpackTable<T>[width](tmp, out);
  }
}

// Unpack into possibly unaligned `out`.
template <typename T>
void UnpackToBytes(uint32_t width, const uint8_t* packed, uint8_t* out) {
  if (reinterpret_cast<uintptr_t>(out) % alignof(T) == 0) {
    UnpackAnyAlign<T>(width, packed, reinterpret_cast<T*>(out));
  } else {
    alignas(64) T tmp[1024];
    UnpackAnyAlign<T>(width, packed, tmp);
    std::memcpy(out, tmp, sizeof(tmp));
  }
}

template <typename T>
void PackFromBytes(uint32_t width, const uint8_t* values, uint8_t* out) {
  alignas(64) T in[1024];
  alignas(64) T packed[1024];
  std::memcpy(in, values, sizeof(in));
  kPackTable<T>[width](in, packed);
  std::memcpy(out, packed, FastLanesPackedBytes(width));
}

void PackFromBytes(uint32_t bits, uint32_t width, const uint8_t* values, uint8_t* out) {
  switch (bits) {
    case 8:
      return PackFromBytes<uint8_t>(width, values, out);
    case 16:
      return PackFromBytes<uint16_t>(width, values, out);
    case 32:
      return PackFromBytes<uint32_t>(width, values, out);
    default:
      return PackFromBytes<uint64_t>(width, values, out);
  }
}

void UnpackToBytes(uint32_t bits, uint32_t width, const uint8_t* packed, uint8_t* out) {
  switch (bits) {
    case 8:
      return UnpackToBytes<uint8_t>(width, packed, out);
    case 16:
      return UnpackToBytes<uint16_t>(width, packed, out);
    case 32:
      return UnpackToBytes<uint32_t>(width, packed, out);
    default:
      return UnpackToBytes<uint64_t>(width, packed, out);
  }
}

Status CheckArgs(const char* what, uint32_t bits, uint32_t width) {
  if (!ValidWordBits(bits)) {
    return Status::InvalidArgument(std::string(what) + ": word size must be 8/16/32/64 bits, got " +
                                   std::to_string(bits));
  }
  if (width > bits) {
    return Status::InvalidArgument(std::string(what) + ": bit width " + std::to_string(width) +
                                   " exceeds word size " + std::to_string(bits));
  }
  return Status::OK();
}

// Copy n (< 1024) values into a zero-padded 1024-value staging block.
void StageTail(const uint8_t* values, uint64_t n, uint32_t bytes, uint8_t* staging) {
  std::memcpy(staging, values, n * bytes);
  std::memset(staging + n * bytes, 0, (1024 - n) * bytes);
}

}  // namespace

template <typename T>
void FastLanesPackBlock(uint32_t width, const T* in, T* out) {
  kPackTable<T>[width](in, out);
}
template <typename T>
void FastLanesUnpackBlock(uint32_t width, const T* in, T* out) {
  kUnpackTable<T>[width](in, out);
}

template void FastLanesPackBlock<uint8_t>(uint32_t, const uint8_t*, uint8_t*);
template void FastLanesPackBlock<uint16_t>(uint32_t, const uint16_t*, uint16_t*);
template void FastLanesPackBlock<uint32_t>(uint32_t, const uint32_t*, uint32_t*);
template void FastLanesPackBlock<uint64_t>(uint32_t, const uint64_t*, uint64_t*);
template void FastLanesUnpackBlock<uint8_t>(uint32_t, const uint8_t*, uint8_t*);
template void FastLanesUnpackBlock<uint16_t>(uint32_t, const uint16_t*, uint16_t*);
template void FastLanesUnpackBlock<uint32_t>(uint32_t, const uint32_t*, uint32_t*);
template void FastLanesUnpackBlock<uint64_t>(uint32_t, const uint64_t*, uint64_t*);

Result<Buffer> FastLanesPack(const uint8_t* values, uint32_t bits_per_value, uint32_t width) {
  LANCET_RETURN_NOT_OK(CheckArgs("FastLanesPack", bits_per_value, width));
  uint8_t* out = nullptr;
  LANCET_ASSIGN_OR_RETURN(Buffer buf, Allocate(FastLanesPackedBytes(width), &out));
  PackFromBytes(bits_per_value, width, values, out);
  return buf;
}

Status FastLanesUnpack(const uint8_t* packed, size_t packed_size, uint32_t bits_per_value,
                       uint32_t width, uint8_t* out) {
  LANCET_RETURN_NOT_OK(CheckArgs("FastLanesUnpack", bits_per_value, width));
  if (packed_size != FastLanesPackedBytes(width)) {
    return Status::Corruption("FastLanes block of width " + std::to_string(width) + " needs " +
                              std::to_string(FastLanesPackedBytes(width)) + " bytes, got " +
                              std::to_string(packed_size));
  }
  UnpackToBytes(bits_per_value, width, packed, out);
  return Status::OK();
}

uint32_t ComputeBitWidth(const uint8_t* values, uint64_t num_values, uint32_t bits_per_value) {
  uint64_t acc = 0;
  switch (bits_per_value) {
    case 8: {
      uint8_t a = 0;
      for (uint64_t i = 0; i < num_values; ++i) a |= values[i];
      acc = a;
      break;
    }
    case 16: {
      uint16_t a = 0;
      for (uint64_t i = 0; i < num_values; ++i) {
        uint16_t v;
        std::memcpy(&v, values + 2 * i, 2);
        a |= v;
      }
      acc = a;
      break;
    }
    case 32: {
      uint32_t a = 0;
      for (uint64_t i = 0; i < num_values; ++i) {
        uint32_t v;
        std::memcpy(&v, values + 4 * i, 4);
        a |= v;
      }
      acc = a;
      break;
    }
    case 64: {
      for (uint64_t i = 0; i < num_values; ++i) {
        uint64_t v;
        std::memcpy(&v, values + 8 * i, 8);
        acc |= v;
      }
      break;
    }
    default:
      return 0;
  }
  return static_cast<uint32_t>(std::bit_width(acc));
}

Result<Buffer> InlineBitpackEncodeChunk(const uint8_t* values, uint64_t num_values,
                                        uint32_t bits_per_value, uint32_t width) {
  if (num_values == 0 || num_values > kFastLanesBlockValues) {
    return Status::InvalidArgument("InlineBitpackEncodeChunk: 1..1024 values per chunk, got " +
                                   std::to_string(num_values));
  }
  const uint32_t needed = ComputeBitWidth(values, num_values, bits_per_value);
  if (width == UINT32_MAX) width = needed;
  LANCET_RETURN_NOT_OK(CheckArgs("InlineBitpackEncodeChunk", bits_per_value, width));
  if (width < needed) {
    return Status::InvalidArgument("InlineBitpackEncodeChunk: width " + std::to_string(width) +
                                   " < required " + std::to_string(needed));
  }
  const uint32_t bytes = bits_per_value / 8;
  uint8_t* out = nullptr;
  LANCET_ASSIGN_OR_RETURN(Buffer buf, Allocate(bytes + FastLanesPackedBytes(width), &out));
  const uint64_t header = width;
  std::memcpy(out, &header, bytes);
  if (num_values == kFastLanesBlockValues) {
    PackFromBytes(bits_per_value, width, values, out + bytes);
  } else {
    alignas(64) uint8_t staging[1024 * 8];
    StageTail(values, num_values, bytes, staging);
    PackFromBytes(bits_per_value, width, staging, out + bytes);
  }
  return buf;
}

Result<Buffer> InlineBitpackEncodeBlock(const uint8_t* values, uint64_t num_values,
                                        uint32_t bits_per_value) {
  LANCET_RETURN_NOT_OK(CheckArgs("InlineBitpackEncodeBlock", bits_per_value, 0));
  const uint32_t bytes = bits_per_value / 8;
  BufferBuilder builder;
  for (uint64_t start = 0; start < num_values; start += kFastLanesBlockValues) {
    const uint64_t n = std::min<uint64_t>(kFastLanesBlockValues, num_values - start);
    LANCET_ASSIGN_OR_RETURN(Buffer chunk,
                            InlineBitpackEncodeChunk(values + start * bytes, n, bits_per_value));
    builder.Append(chunk.data(), static_cast<size_t>(chunk.size()));
  }
  return builder.Finish();
}

Status InlineBitpackDecodeChunk(const uint8_t* chunk, size_t size, uint32_t bits_per_value,
                                uint8_t* out, size_t* consumed) {
  LANCET_RETURN_NOT_OK(CheckArgs("InlineBitpacking", bits_per_value, 0));
  const uint32_t bytes = bits_per_value / 8;
  if (size < bytes) {
    return Status::Corruption("InlineBitpacking chunk of " + std::to_string(size) +
                              " bytes is too short for its bit-width header");
  }
  const uint64_t width = LoadWord(chunk, bytes);
  if (width > bits_per_value) {
    return Status::Corruption("InlineBitpacking chunk bit width " + std::to_string(width) +
                              " exceeds the word size " + std::to_string(bits_per_value));
  }
  const size_t packed = FastLanesPackedBytes(static_cast<uint32_t>(width));
  if (size - bytes < packed) {
    return Status::Corruption("InlineBitpacking chunk of width " + std::to_string(width) +
                              " needs " + std::to_string(bytes + packed) + " bytes, got " +
                              std::to_string(size));
  }
  UnpackToBytes(bits_per_value, static_cast<uint32_t>(width), chunk + bytes, out);
  *consumed = bytes + packed;
  return Status::OK();
}

Result<Buffer> InlineBitpackDecode(const uint8_t* data, size_t size, uint32_t bits_per_value,
                                   uint64_t num_values) {
  LANCET_RETURN_NOT_OK(CheckArgs("InlineBitpacking", bits_per_value, 0));
  const uint32_t bytes = bits_per_value / 8;
  const uint64_t num_chunks = (num_values + kFastLanesBlockValues - 1) / kFastLanesBlockValues;
  // Every chunk has at least its header word, which bounds the output by the input size.
  if (num_chunks > size / bytes) {
    return Status::Corruption("InlineBitpacking: " + std::to_string(size) + " bytes cannot hold " +
                              std::to_string(num_values) + " values");
  }
  uint8_t* out = nullptr;
  LANCET_ASSIGN_OR_RETURN(Buffer buf, Allocate(num_chunks * kFastLanesBlockValues * bytes, &out));
  size_t pos = 0;
  for (uint64_t c = 0; c < num_chunks; ++c) {
    size_t consumed = 0;
    LANCET_RETURN_NOT_OK(InlineBitpackDecodeChunk(data + pos, size - pos, bits_per_value,
                                                  out + c * kFastLanesBlockValues * bytes,
                                                  &consumed));
    pos += consumed;
  }
  return buf.Slice(0, static_cast<int64_t>(num_values * bytes));
}

Result<Buffer> OutOfLineBitpackEncode(const uint8_t* values, uint64_t num_values,
                                      uint32_t bits_per_value, uint32_t width) {
  LANCET_RETURN_NOT_OK(CheckArgs("OutOfLineBitpackEncode", bits_per_value, width));
  const uint32_t bytes = bits_per_value / 8;
  const uint64_t full = num_values / kFastLanesBlockValues;
  const uint64_t tail = num_values % kFastLanesBlockValues;
  const size_t block_bytes = FastLanesPackedBytes(width);
  // Lance packs the tail as a padded block only when the padding costs less than packing saves.
  const bool pack_tail =
      tail > 0 && width * (kFastLanesBlockValues - tail) < (bits_per_value - width) * tail;
  const size_t total =
      full * block_bytes + (tail == 0 ? 0 : (pack_tail ? block_bytes : tail * bytes));
  uint8_t* out = nullptr;
  LANCET_ASSIGN_OR_RETURN(Buffer buf, Allocate(total, &out));
  for (uint64_t b = 0; b < full; ++b) {
    PackFromBytes(bits_per_value, width, values + b * kFastLanesBlockValues * bytes,
                  out + b * block_bytes);
  }
  if (tail > 0) {
    const uint8_t* src = values + full * kFastLanesBlockValues * bytes;
    uint8_t* dst = out + full * block_bytes;
    if (pack_tail) {
      alignas(64) uint8_t staging[1024 * 8];
      StageTail(src, tail, bytes, staging);
      PackFromBytes(bits_per_value, width, staging, dst);
    } else {
      std::memcpy(dst, src, tail * bytes);
    }
  }
  return buf;
}

Result<Buffer> OutOfLineBitpackDecode(const uint8_t* data, size_t size, uint32_t bits_per_value,
                                      uint32_t width, uint64_t num_values) {
  if (!ValidWordBits(bits_per_value)) {
    return Status::Corruption("OutOfLineBitpacking: word size must be 8/16/32/64 bits, got " +
                              std::to_string(bits_per_value));
  }
  if (width > bits_per_value) {
    return Status::Corruption("OutOfLineBitpacking: bit width " + std::to_string(width) +
                              " exceeds the word size " + std::to_string(bits_per_value));
  }
  const uint32_t bytes = bits_per_value / 8;
  if (size % bytes != 0) {
    return Status::Corruption("OutOfLineBitpacking: buffer size " + std::to_string(size) +
                              " is not a multiple of the word size");
  }
  if (num_values > kMaxDecodedBytes / bytes) {
    return Status::Corruption("OutOfLineBitpacking: implausible value count " +
                              std::to_string(num_values));
  }
  const uint64_t words = size / bytes;
  const uint64_t words_per_block = uint64_t{1024} * width / bits_per_value;
  const uint64_t full = num_values / kFastLanesBlockValues;
  const uint64_t tail = num_values % kFastLanesBlockValues;
  const uint64_t full_words = full * words_per_block;
  const bool raw_tail = tail > 0 && words == full_words + tail;
  const uint64_t expected = full_words + (tail == 0 ? 0 : (raw_tail ? tail : words_per_block));
  if (words < expected) {
    return Status::Corruption("OutOfLineBitpacking: " + std::to_string(size) +
                              " bytes are too few for " + std::to_string(num_values) +
                              " values of width " + std::to_string(width));
  }
  const uint64_t padded_values = (full + (tail > 0 && !raw_tail ? 1 : 0)) * kFastLanesBlockValues;
  const uint64_t alloc_values = std::max(padded_values, num_values);
  uint8_t* out = nullptr;
  LANCET_ASSIGN_OR_RETURN(Buffer buf, Allocate(alloc_values * bytes, &out));
  const size_t block_bytes = FastLanesPackedBytes(width);
  for (uint64_t b = 0; b < full; ++b) {
    UnpackToBytes(bits_per_value, width, data + b * block_bytes,
                  out + b * kFastLanesBlockValues * bytes);
  }
  if (tail > 0) {
    uint8_t* dst = out + full * kFastLanesBlockValues * bytes;
    const uint8_t* src = data + full * block_bytes;
    if (raw_tail) {
      std::memcpy(dst, src, tail * bytes);
    } else {
      UnpackToBytes(bits_per_value, width, src, dst);
    }
  }
  return buf.Slice(0, static_cast<int64_t>(num_values * bytes));
}

}  // namespace lancet::encoding
