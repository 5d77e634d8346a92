// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The lancet authors
#include "lancet/encoding/page.h"

namespace lancet::encoding {

const char* FileVersionName(FileVersion v) {
  switch (v) {
    case FileVersion::kV2_0: return "2.0";
    case FileVersion::kV2_1: return "2.1";
    case FileVersion::kV2_2: return "2.2";
  }
  return "?";
}

Result<std::vector<Buffer>> ReadRangesChecked(RangeReader* io,
                                              const std::vector<ByteRange>& ranges) {
  LANCET_ASSIGN_OR_RETURN(std::vector<Buffer> got, io->ReadRanges(ranges));
  if (got.size() != ranges.size()) {
    return Status::IOError("range reader returned " + std::to_string(got.size()) +
                           " buffers for " + std::to_string(ranges.size()) + " ranges");
  }
  for (size_t i = 0; i < got.size(); ++i) {
    if (static_cast<uint64_t>(got[i].size()) != ranges[i].length) {
      return Status::Corruption("short read at offset " + std::to_string(ranges[i].offset) +
                                ": wanted " + std::to_string(ranges[i].length) + " bytes, got " +
                                std::to_string(got[i].size()));
    }
  }
  return got;
}

}  // namespace lancet::encoding
