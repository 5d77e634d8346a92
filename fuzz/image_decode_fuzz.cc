// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The lancet authors
//
// libFuzzer target: CLIP image decode + preprocessing (libvips) on arbitrary bytes. Any input
// must give either 3*S*S finite floats or an error Status; never a crash, leak or hang. Seeds:
// testdata/fuzz/image_decode_fuzz/ (tiny JPEG, PNG, GIF, WebP files written with PIL; see
// src/lancet/embed/README.md).
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <vector>

#include "lancet/embed/image_preprocess.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  lancet::embed::PreprocessOptions options;
  options.image_size = 32;  // small output: keeps iterations fast, same code paths
  options.max_pixels = 4 * 1024 * 1024;
  std::vector<float> out;
  lancet::Status st = lancet::embed::PreprocessImageBytes(data, size, options, &out);
  if (st.ok()) {
    if (out.size() != 3u * 32 * 32) std::abort();
    for (float v : out) {
      if (!std::isfinite(v)) std::abort();
    }
  } else if (!out.empty()) {
    std::abort();  // a failed call must not append
  }
  return 0;
}
