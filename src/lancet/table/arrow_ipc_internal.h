// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The lancet authors
//
// The smallest Arrow IPC *file* reader and writer that deletion files need: one record batch
// holding one uint32 column. There is no Arrow C++ on Debian, so the three flatbuffer messages
// involved (Schema, RecordBatch, Footer; see Arrow's format/Schema.fbs, Message.fbs, File.fbs)
// are read and written by hand here. The reader takes untrusted bytes: every offset, length and
// count is checked against the buffer before it is used, and every failure is a Corruption.
//
// File layout written (and expected):
//   "ARROW1\0\0" | message(Schema) | message(RecordBatch) + body | 0xFFFFFFFF 0x00000000 (EOS)
//   | Footer flatbuffer | int32 footer length | "ARROW1"
// where message = 0xFFFFFFFF, int32 metadata length (padded to 8), Message flatbuffer, padding.
// Reading also accepts the pre-0.15 message prefix (no 0xFFFFFFFF continuation marker).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "lancet/core/buffer.h"
#include "lancet/core/result.h"

namespace lancet::table::internal {

enum class IpcCodec : uint8_t { kNone, kZstd, kLz4Frame };

/// The single uint32 column of an IPC file.
struct IpcUInt32Column {
  std::string field_name;
  bool nullable = false;
  /// Values in file order (not sorted). Files with nulls are refused.
  std::vector<uint32_t> values;
};

/// Upper bound on the rows of one IPC column we agree to materialise (1 GiB of values): a few
/// bytes of ZSTD can claim gigabytes, so the declared length is capped before allocating.
inline constexpr int64_t kMaxIpcRows = int64_t{1} << 28;

/// \brief Parse an Arrow IPC file holding exactly one record batch of exactly one non-null uint32
/// column. Errors are Corruption without a file name (the caller adds it).
Result<IpcUInt32Column> ReadUInt32IpcFile(std::string_view bytes);

/// \brief Write an Arrow IPC file with one record batch of one uint32 column. With a codec,
/// every non-empty body buffer is compressed (int64 uncompressed length + frame).
Result<Buffer> WriteUInt32IpcFile(const std::string& field_name, bool nullable,
                                  const std::vector<uint32_t>& values, IpcCodec codec);

}  // namespace lancet::table::internal
