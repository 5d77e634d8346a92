// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The lancet authors
#include "lancet/encoding/general_compression.h"

#include <lz4.h>
#include <zstd.h>

#include <algorithm>
#include <cstring>
#include <limits>
#include <memory>
#include <new>
#include <string>
#include <utility>

namespace lancet::encoding {

namespace {

constexpr uint32_t kZstdMagic = 0xFD2FB528;
// lz4 never expands a byte of compressed input into more than 255 bytes of output.
constexpr uint64_t kLz4MaxRatio = 255;

struct DCtxDeleter {
  void operator()(ZSTD_DCtx* ctx) const { ZSTD_freeDCtx(ctx); }
};
using DCtxPtr = std::unique_ptr<ZSTD_DCtx, DCtxDeleter>;
struct CCtxDeleter {
  void operator()(ZSTD_CCtx* ctx) const { ZSTD_freeCCtx(ctx); }
};
using CCtxPtr = std::unique_ptr<ZSTD_CCtx, CCtxDeleter>;

Status ZstdError(const char* what, size_t code) {
  return Status::Corruption(std::string(what) + ": " + ZSTD_getErrorName(code));
}

// One decompression context per thread, reused across calls (creating one costs more than
// decoding a small mini-block chunk).
ZSTD_DCtx* ThreadDCtx() {
  thread_local DCtxPtr ctx(ZSTD_createDCtx());
  return ctx.get();
}

// A growable, uninitialized byte array that becomes a Buffer without copying.
class Sink {
 public:
  Status Reserve(size_t n) {
    if (n <= cap_) return Status::OK();
    const size_t want = std::max(n, cap_ + cap_ / 2);
    std::unique_ptr<uint8_t[]> next(new (std::nothrow) uint8_t[want]);
    if (!next) return Status::OutOfMemory("cannot allocate " + std::to_string(want) + " bytes");
    if (size_ > 0) std::memcpy(next.get(), data_.get(), size_);
    data_ = std::move(next);
    cap_ = want;
    return Status::OK();
  }
  uint8_t* end() { return data_.get() + size_; }
  size_t size() const { return size_; }
  size_t capacity() const { return cap_; }
  void Advance(size_t n) { size_ += n; }
  void Truncate(size_t n) { size_ = n; }
  const uint8_t* data() const { return data_.get(); }
  Buffer Finish() {
    if (size_ == 0) return Buffer();
    if (cap_ > size_ + size_ / 4 + 4096) {
      return Buffer::Copy(data_.get(), static_cast<int64_t>(size_));
    }
    std::shared_ptr<uint8_t[]> owner(data_.release());
    const uint8_t* p = owner.get();
    return Buffer::Wrap(std::shared_ptr<const void>(std::move(owner), p), p,
                        static_cast<int64_t>(size_));
  }

 private:
  std::unique_ptr<uint8_t[]> data_;
  size_t cap_ = 0;
  size_t size_ = 0;
};

// Lance's test for a bare zstd stream: the magic number and a zero in bit 4 of the frame header
// descriptor (otherwise it is a length prefix that happens to look like the magic).
bool IsRawZstdStream(const uint8_t* data, size_t size) {
  if (size < 8) return true;
  uint32_t magic;
  std::memcpy(&magic, data, 4);
  return magic == kZstdMagic && (data[4] & 0x10) == 0;
}

// Outputs up to this size (or this multiple of the input) are allocated up front when a length
// is declared; larger claims are decoded with incremental growth so that a lying header cannot
// force a huge allocation.
constexpr uint64_t kTrustedDeclaredBytes = uint64_t{64} << 20;
constexpr uint64_t kTrustedRatio = 64;

bool PlausibleLength(uint64_t declared, size_t compressed) {
  return declared <= kTrustedDeclaredBytes || declared / kTrustedRatio <= compressed;
}

// Stream-decode every zstd frame in [src, src+size) into `out`, producing at most `limit` bytes.
Status ZstdStreamDecode(ZSTD_DCtx* dctx, const uint8_t* src, size_t size, uint64_t limit,
                        Sink* out) {
  size_t rc = ZSTD_DCtx_reset(dctx, ZSTD_reset_session_only);
  if (ZSTD_isError(rc)) return ZstdError("zstd reset", rc);
  const size_t start = out->size();
  auto fail = [&](Status st) {
    out->Truncate(start);
    return st;
  };
  const uint64_t initial =
      std::min<uint64_t>(limit, std::max<uint64_t>(uint64_t{size} * 4, uint64_t{64} << 10));
  LANCET_RETURN_NOT_OK(out->Reserve(start + static_cast<size_t>(std::max<uint64_t>(initial, 1))));
  ZSTD_inBuffer in{src, size, 0};
  while (true) {
    const uint64_t produced = out->size() - start;
    const size_t room =
        static_cast<size_t>(std::min<uint64_t>(out->capacity() - out->size(), limit - produced));
    ZSTD_outBuffer ob{out->end(), room, 0};
    const size_t ret = ZSTD_decompressStream(dctx, &ob, &in);
    if (ZSTD_isError(ret)) return fail(ZstdError("zstd decompression failed", ret));
    out->Advance(ob.pos);
    if (in.pos == in.size && ret == 0) break;
    if (in.pos == in.size && ob.pos < ob.size) {
      return fail(Status::Corruption("truncated zstd frame"));
    }
    if (ob.pos == ob.size) {
      const uint64_t now = out->size() - start;
      if (now >= limit) {
        return fail(
            Status::Corruption("zstd output exceeds the declared length " + std::to_string(limit)));
      }
      if (out->size() == out->capacity()) {
        const uint64_t grown = std::min<uint64_t>(limit, std::max<uint64_t>(now * 2, 1 << 16));
        if (grown > std::numeric_limits<size_t>::max() - start) {
          return fail(Status::Corruption("zstd output too large"));
        }
        Status st = out->Reserve(start + static_cast<size_t>(grown));
        if (!st.ok()) return fail(st);
      }
    }
  }
  return Status::OK();
}

// Decode exactly `expected` bytes (every frame of [src, src+size)) in one call.
Status ZstdOneShot(ZSTD_DCtx* dctx, const uint8_t* src, size_t size, uint64_t expected, Sink* out) {
  const size_t start = out->size();
  LANCET_RETURN_NOT_OK(out->Reserve(start + static_cast<size_t>(expected)));
  const size_t n = ZSTD_decompressDCtx(dctx, out->end(), static_cast<size_t>(expected), src, size);
  if (ZSTD_isError(n)) return ZstdError("zstd decompression failed", n);
  if (n != expected) {
    return Status::Corruption("zstd buffer declares " + std::to_string(expected) +
                              " bytes but holds " + std::to_string(n));
  }
  out->Advance(n);
  return Status::OK();
}

Status ZstdDecompressInto(ZSTD_DCtx* dctx, const uint8_t* data, size_t size, Sink* out) {
  if (size == 0) return Status::OK();
  if (IsRawZstdStream(data, size)) {
    // A single frame that records its size decodes in one shot.
    const unsigned long long fcs = ZSTD_getFrameContentSize(data, size);
    if (fcs != ZSTD_CONTENTSIZE_UNKNOWN && fcs != ZSTD_CONTENTSIZE_ERROR &&
        PlausibleLength(fcs, size)) {
      const size_t frame = ZSTD_findFrameCompressedSize(data, size);
      if (!ZSTD_isError(frame) && frame == size) return ZstdOneShot(dctx, data, size, fcs, out);
    }
    return ZstdStreamDecode(dctx, data, size, std::numeric_limits<uint64_t>::max(), out);
  }
  uint64_t declared;
  std::memcpy(&declared, data, 8);
  if (PlausibleLength(declared, size)) return ZstdOneShot(dctx, data + 8, size - 8, declared, out);
  const size_t start = out->size();
  LANCET_RETURN_NOT_OK(ZstdStreamDecode(dctx, data + 8, size - 8, declared, out));
  if (out->size() - start != declared) {
    const uint64_t got = out->size() - start;
    out->Truncate(start);
    return Status::Corruption("zstd buffer declares " + std::to_string(declared) +
                              " bytes but holds " + std::to_string(got));
  }
  return Status::OK();
}

Status Lz4DecompressInto(const uint8_t* data, size_t size, Sink* out) {
  if (size < 4) {
    return Status::Corruption("lz4 buffer of " + std::to_string(size) +
                              " bytes is too short for its length prefix");
  }
  uint32_t declared;
  std::memcpy(&declared, data, 4);
  if (declared > static_cast<uint32_t>(std::numeric_limits<int32_t>::max()) ||
      declared > (uint64_t{size} - 4) * kLz4MaxRatio + 64) {
    return Status::Corruption("lz4 buffer of " + std::to_string(size) +
                              " bytes declares an implausible length " + std::to_string(declared));
  }
  if (size - 4 > static_cast<size_t>(std::numeric_limits<int>::max())) {
    return Status::Corruption("lz4 block too large");
  }
  LANCET_RETURN_NOT_OK(out->Reserve(out->size() + declared + 1));
  const int got = LZ4_decompress_safe(reinterpret_cast<const char*>(data + 4),
                                      reinterpret_cast<char*>(out->end()),
                                      static_cast<int>(size - 4), static_cast<int>(declared));
  if (got < 0 || static_cast<uint32_t>(got) != declared) {
    return Status::Corruption("lz4 decompression failed (declared " + std::to_string(declared) +
                              " bytes, result " + std::to_string(got) + ")");
  }
  out->Advance(declared);
  return Status::OK();
}

Status UnsupportedScheme(GeneralScheme scheme);

Status DecompressInto(GeneralScheme scheme, const uint8_t* data, size_t size, Sink* out) {
  switch (scheme) {
    case GeneralScheme::kZstd: {
      ZSTD_DCtx* dctx = ThreadDCtx();
      if (!dctx) return Status::OutOfMemory("cannot create a zstd context");
      return ZstdDecompressInto(dctx, data, size, out);
    }
    case GeneralScheme::kLz4:
      return Lz4DecompressInto(data, size, out);
    default:
      return UnsupportedScheme(scheme);
  }
}

Status ZstdCompressAppend(ZSTD_CCtx* cctx, int level, const uint8_t* data, size_t size,
                          std::vector<uint8_t>* out) {
  const size_t start = out->size();
  const size_t bound = ZSTD_compressBound(size);
  out->resize(start + 8 + bound);
  const uint64_t len = size;
  std::memcpy(out->data() + start, &len, 8);
  const size_t n = ZSTD_compressCCtx(cctx, out->data() + start + 8, bound, data, size, level);
  if (ZSTD_isError(n)) {
    out->resize(start);
    return Status::Internal(std::string("zstd compression failed: ") + ZSTD_getErrorName(n));
  }
  out->resize(start + 8 + n);
  return Status::OK();
}

Status Lz4CompressAppend(const uint8_t* data, size_t size, std::vector<uint8_t>* out) {
  if (size > static_cast<size_t>(LZ4_MAX_INPUT_SIZE)) {
    return Status::InvalidArgument("lz4 input of " + std::to_string(size) + " bytes is too large");
  }
  const size_t start = out->size();
  const int bound = LZ4_compressBound(static_cast<int>(size));
  out->resize(start + 4 + static_cast<size_t>(bound));
  const uint32_t len = static_cast<uint32_t>(size);
  std::memcpy(out->data() + start, &len, 4);
  const int n = LZ4_compress_default(reinterpret_cast<const char*>(data),
                                     reinterpret_cast<char*>(out->data() + start + 4),
                                     static_cast<int>(size), bound);
  if (n <= 0 && size > 0) {
    out->resize(start);
    return Status::Internal("lz4 compression failed");
  }
  out->resize(start + 4 + static_cast<size_t>(std::max(n, 0)));
  return Status::OK();
}

Status UnsupportedScheme(GeneralScheme scheme) {
  return Status::NotSupported(std::string("general compression scheme ") +
                              GeneralSchemeName(scheme) + " is not supported");
}

// Reads offset i of a 32/64-bit offsets array (any alignment).
inline uint64_t OffsetAt(const uint8_t* offsets, uint32_t bits, uint64_t i) {
  if (bits == 32) {
    uint32_t v;
    std::memcpy(&v, offsets + 4 * i, 4);
    return v;
  }
  uint64_t v;
  std::memcpy(&v, offsets + 8 * i, 8);
  return v;
}

Buffer OffsetsBuffer(const std::vector<uint64_t>& offs, uint32_t bits) {
  if (bits == 64) return Buffer::Copy(offs.data(), static_cast<int64_t>(offs.size() * 8));
  std::vector<uint8_t> bytes(offs.size() * 4);
  for (size_t i = 0; i < offs.size(); ++i) {
    const uint32_t v = static_cast<uint32_t>(offs[i]);
    std::memcpy(bytes.data() + 4 * i, &v, 4);
  }
  return Buffer::FromVector(std::move(bytes));
}

// Shared driver for the per-value functions: `fn(src, len, out)` transforms one value.
template <typename Fn>
Status PerValue(const uint8_t* data, size_t data_size, const uint8_t* offsets, uint32_t offset_bits,
                uint64_t num_values, Buffer* out_data, Buffer* out_offsets, Fn&& fn) {
  if (offset_bits != 32 && offset_bits != 64) {
    return Status::InvalidArgument("offsets must be 32 or 64 bits, got " +
                                   std::to_string(offset_bits));
  }
  std::vector<uint8_t> out;
  out.reserve(data_size);
  std::vector<uint64_t> new_offsets;
  new_offsets.reserve(num_values + 1);
  new_offsets.push_back(0);
  uint64_t prev = OffsetAt(offsets, offset_bits, 0);
  for (uint64_t i = 0; i < num_values; ++i) {
    const uint64_t end = OffsetAt(offsets, offset_bits, i + 1);
    if (end < prev || end > data_size) {
      return Status::Corruption("value " + std::to_string(i) + " has offsets [" +
                                std::to_string(prev) + ", " + std::to_string(end) +
                                ") outside the " + std::to_string(data_size) + "-byte data");
    }
    LANCET_RETURN_NOT_OK(fn(data + prev, static_cast<size_t>(end - prev), &out));
    if (offset_bits == 32 && out.size() > std::numeric_limits<uint32_t>::max()) {
      return Status::Corruption("per-value output overflows 32-bit offsets");
    }
    new_offsets.push_back(out.size());
    prev = end;
  }
  *out_data = Buffer::FromVector(std::move(out));
  *out_offsets = OffsetsBuffer(new_offsets, offset_bits);
  return Status::OK();
}

}  // namespace

const char* GeneralSchemeName(GeneralScheme scheme) {
  switch (scheme) {
    case GeneralScheme::kLz4:
      return "lz4";
    case GeneralScheme::kZstd:
      return "zstd";
    case GeneralScheme::kUnspecified:
      return "unspecified";
  }
  return "unknown";
}

Status GeneralCompressAppend(GeneralScheme scheme, std::optional<int32_t> level,
                             const uint8_t* data, size_t size, std::vector<uint8_t>* out) {
  switch (scheme) {
    case GeneralScheme::kZstd: {
      CCtxPtr cctx(ZSTD_createCCtx());
      if (!cctx) return Status::OutOfMemory("cannot create a zstd context");
      return ZstdCompressAppend(cctx.get(), level.value_or(0), data, size, out);
    }
    case GeneralScheme::kLz4:
      return Lz4CompressAppend(data, size, out);
    default:
      return UnsupportedScheme(scheme);
  }
}

Result<Buffer> GeneralCompress(GeneralScheme scheme, std::optional<int32_t> level,
                               const uint8_t* data, size_t size) {
  std::vector<uint8_t> out;
  LANCET_RETURN_NOT_OK(GeneralCompressAppend(scheme, level, data, size, &out));
  return Buffer::FromVector(std::move(out));
}

Status GeneralDecompressAppend(GeneralScheme scheme, const uint8_t* data, size_t size,
                               std::vector<uint8_t>* out) {
  Sink sink;
  LANCET_RETURN_NOT_OK(DecompressInto(scheme, data, size, &sink));
  out->insert(out->end(), sink.data(), sink.data() + sink.size());
  return Status::OK();
}

Result<Buffer> GeneralDecompress(GeneralScheme scheme, const uint8_t* data, size_t size) {
  Sink sink;
  LANCET_RETURN_NOT_OK(DecompressInto(scheme, data, size, &sink));
  return sink.Finish();
}

Status GeneralCompressPerValue(GeneralScheme scheme, std::optional<int32_t> level,
                               const uint8_t* data, size_t data_size, const uint8_t* offsets,
                               uint32_t offset_bits, uint64_t num_values, Buffer* out_data,
                               Buffer* out_offsets) {
  switch (scheme) {
    case GeneralScheme::kZstd: {
      CCtxPtr cctx(ZSTD_createCCtx());
      if (!cctx) return Status::OutOfMemory("cannot create a zstd context");
      const int lvl = level.value_or(0);
      return PerValue(data, data_size, offsets, offset_bits, num_values, out_data, out_offsets,
                      [&](const uint8_t* p, size_t n, std::vector<uint8_t>* out) {
                        return ZstdCompressAppend(cctx.get(), lvl, p, n, out);
                      });
    }
    case GeneralScheme::kLz4:
      return PerValue(data, data_size, offsets, offset_bits, num_values, out_data, out_offsets,
                      [](const uint8_t* p, size_t n, std::vector<uint8_t>* out) {
                        return Lz4CompressAppend(p, n, out);
                      });
    default:
      return UnsupportedScheme(scheme);
  }
}

Status GeneralDecompressPerValue(GeneralScheme scheme, const uint8_t* data, size_t data_size,
                                 const uint8_t* offsets, uint32_t offset_bits, uint64_t num_values,
                                 Buffer* out_data, Buffer* out_offsets) {
  if (scheme != GeneralScheme::kZstd && scheme != GeneralScheme::kLz4) {
    return UnsupportedScheme(scheme);
  }
  if (offset_bits != 32 && offset_bits != 64) {
    return Status::InvalidArgument("offsets must be 32 or 64 bits, got " +
                                   std::to_string(offset_bits));
  }
  Sink out;
  std::vector<uint64_t> new_offsets;
  new_offsets.reserve(num_values + 1);
  new_offsets.push_back(0);
  uint64_t prev = OffsetAt(offsets, offset_bits, 0);
  for (uint64_t i = 0; i < num_values; ++i) {
    const uint64_t end = OffsetAt(offsets, offset_bits, i + 1);
    if (end < prev || end > data_size) {
      return Status::Corruption("value " + std::to_string(i) + " has offsets [" +
                                std::to_string(prev) + ", " + std::to_string(end) +
                                ") outside the " + std::to_string(data_size) + "-byte data");
    }
    LANCET_RETURN_NOT_OK(
        DecompressInto(scheme, data + prev, static_cast<size_t>(end - prev), &out));
    if (offset_bits == 32 && out.size() > std::numeric_limits<uint32_t>::max()) {
      return Status::Corruption("per-value output overflows 32-bit offsets");
    }
    new_offsets.push_back(out.size());
    prev = end;
  }
  *out_data = out.Finish();
  *out_offsets = OffsetsBuffer(new_offsets, offset_bits);
  return Status::OK();
}

}  // namespace lancet::encoding
