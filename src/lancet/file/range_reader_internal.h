// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The lancet authors
//
// Private: encoding::RangeReader over an io::RandomAccessFile (ReadMany coalesces and
// parallelises; accounting happens in io decorators).
#pragma once

#include <memory>
#include <vector>

#include "lancet/encoding/page.h"
#include "lancet/io/file_system.h"

namespace lancet::file {

class FileRangeReader : public encoding::RangeReader {
 public:
  explicit FileRangeReader(std::shared_ptr<io::RandomAccessFile> file) : file_(std::move(file)) {}
  Result<std::vector<Buffer>> ReadRanges(const std::vector<encoding::ByteRange>& ranges) override {
    std::vector<io::ReadRange> rs;
    rs.reserve(ranges.size());
    for (const auto& r : ranges) {
      rs.push_back({static_cast<int64_t>(r.offset), static_cast<int64_t>(r.length)});
    }
    return file_->ReadMany(rs);
  }

 private:
  std::shared_ptr<io::RandomAccessFile> file_;
};

}  // namespace lancet::file
