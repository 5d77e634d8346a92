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

}  // namespace lancet::encoding
