// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The lancet authors
//
// FSST (Fast Static Symbol Table) string compression, compatible with the symbol tables Lance
// stores in the Fsst compressive encoding.
//
// Serialized table (always kFsstSymbolTableBytes = 2312 bytes, little endian):
//   u64 header = ("FSST" = 0x46535354) << 32 | encoder_switch << 24 | suffix_lim << 16
//                | terminator << 8 | n_symbols
//   n_symbols x 8-byte symbol slots (symbol bytes, zero padded), then n_symbols length bytes
//   (1..8) at offset 8 + 8 * n_symbols; the rest is zero.
// Compressed value: a sequence of codes; code c < n_symbols emits symbol c, code 255 (escape)
// emits the next byte literally. encoder_switch = 0 means the values were stored uncompressed
// (Lance does that for inputs below 32 KiB). suffix_lim and terminator only matter to Lance's
// own encoder; decoders ignore them.
//
// The encoder here is lancet's own greedy implementation of the FSST idea (iterative symbol
// table construction over a sample, longest-match encoding). It produces valid tables and
// streams for any FSST decoder but not the same bytes as Lance's encoder.
//
// FsstSymbolTable is immutable after construction and safe to share between threads.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "lancet/core/buffer.h"
#include "lancet/core/result.h"

namespace lancet::encoding {

inline constexpr size_t kFsstSymbolTableBytes = 8 + 256 * 8 + 256;
inline constexpr uint64_t kFsstMagic = uint64_t{0x46535354} << 32;
inline constexpr uint8_t kFsstEscape = 255;
inline constexpr int kFsstMaxSymbols = 255;
inline constexpr int kFsstMaxSymbolLength = 8;
/// Lance stores page data smaller than this uncompressed (encoder_switch = 0).
inline constexpr size_t kFsstMinInputBytes = 32 * 1024;

struct FsstCompressed;

class FsstSymbolTable {
 public:
  /// An empty, switched-off table (values pass through uncompressed).
  FsstSymbolTable();
  ~FsstSymbolTable();
  FsstSymbolTable(const FsstSymbolTable&);
  FsstSymbolTable& operator=(const FsstSymbolTable&);
  FsstSymbolTable(FsstSymbolTable&&) noexcept;
  FsstSymbolTable& operator=(FsstSymbolTable&&) noexcept;

  /// \brief Parse a serialized table (exactly kFsstSymbolTableBytes bytes, valid magic, symbol
  /// lengths 1..8).
  static Result<FsstSymbolTable> Deserialize(const uint8_t* bytes, size_t size);

  /// \brief Build a table from the values of a variable-width run (`offsets` = num_values+1
  /// offsets of `offset_bits` = 32/64 into `data`, any alignment; checked). Deterministic. The
  /// result is switched on even if no useful symbol was found.
  static Result<FsstSymbolTable> Train(const uint8_t* data, size_t data_size,
                                       const uint8_t* offsets, uint32_t offset_bits,
                                       uint64_t num_values);

  /// \brief Build a table from explicit symbols (tests, tools). At most 255 symbols of 1..8
  /// bytes.
  static Result<FsstSymbolTable> FromSymbols(const std::vector<std::string>& symbols);

  /// \brief The 2312-byte serialized form.
  std::string Serialize() const;

  bool enabled() const { return enabled_; }
  int num_symbols() const { return num_symbols_; }
  std::string_view symbol(int code) const {
    return std::string_view(reinterpret_cast<const char*>(&symbols_[code]), lengths_[code]);
  }

  /// \brief Append the FSST encoding of one value to `out` (requires enabled()).
  void CompressValue(const uint8_t* in, size_t size, std::vector<uint8_t>* out) const;

  /// \brief Decode one compressed value into `out`, which must have room for 8 * size + 8
  /// bytes; returns the decoded length, or Corruption for an invalid code or a trailing escape.
  Result<size_t> DecompressValue(const uint8_t* in, size_t size, uint8_t* out) const;

 private:
  struct EncoderIndex;
  friend Result<FsstCompressed> FsstCompressWithTable(const FsstSymbolTable&, const uint8_t*,
                                                      size_t, const uint8_t*, uint32_t, uint64_t);
  std::shared_ptr<const EncoderIndex> MakeIndex() const;
  void BuildIndex();

  bool enabled_ = false;
  uint8_t terminator_ = 0;
  uint8_t suffix_lim_ = 0;
  int num_symbols_ = 0;
  uint64_t symbols_[256] = {};
  uint8_t lengths_[256] = {};
  std::shared_ptr<const EncoderIndex> index_;  // built lazily for compression
};

/// A compressed variable-width run.
struct FsstCompressed {
  std::string symbol_table;  // kFsstSymbolTableBytes bytes
  Buffer data;
  Buffer offsets;  // num_values+1 offsets of the input's width, starting at 0
};

/// \brief Compress a variable-width run as Lance's Fsst encoder does: when `data_size` is below
/// `min_input_bytes` the table is switched off and the values are copied unchanged; otherwise a
/// table is trained on a sample and every value is compressed.
Result<FsstCompressed> FsstCompress(const uint8_t* data, size_t data_size, const uint8_t* offsets,
                                    uint32_t offset_bits, uint64_t num_values,
                                    size_t min_input_bytes = kFsstMinInputBytes);

/// \brief Compress with a given table.
Result<FsstCompressed> FsstCompressWithTable(const FsstSymbolTable& table, const uint8_t* data,
                                             size_t data_size, const uint8_t* offsets,
                                             uint32_t offset_bits, uint64_t num_values);

/// \brief Decompress a variable-width run. `offsets` (num_values+1 entries of `offset_bits`,
/// any alignment) delimit the compressed values in `data` and are validated. Outputs offsets of
/// the same width starting at 0.
Status FsstDecompress(const FsstSymbolTable& table, const uint8_t* data, size_t data_size,
                      const uint8_t* offsets, uint32_t offset_bits, uint64_t num_values,
                      Buffer* out_data, Buffer* out_offsets);

}  // namespace lancet::encoding
