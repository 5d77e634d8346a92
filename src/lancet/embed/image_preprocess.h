// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The lancet authors
//
// CLIP image preprocessing on libvips: decode (JPEG, PNG, WebP, GIF only; the first frame of
// animations), apply EXIF orientation, convert to 8-bit sRGB, flatten alpha onto white, resize the
// shortest side to S with a bicubic kernel, center-crop S x S, normalise with CLIP's mean/std into
// a planar 3 x S x S float tensor. Corrupt, truncated or oversized input is an error Status; the
// function never crashes on hostile bytes (fuzzed by fuzz/image_decode_fuzz.cc). Thread-safe.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "lancet/core/result.h"

namespace lancet::embed {

struct PreprocessOptions {
  int image_size = 224;
  /// Images with more pixels (width * height, before resizing) are rejected (decompression bombs).
  int64_t max_pixels = 64LL * 1024 * 1024;
  float mean[3] = {0.48145466f, 0.4578275f, 0.40821073f};
  float std[3] = {0.26862954f, 0.26130258f, 0.27577711f};
};

/// \brief Decode and preprocess one encoded image; appends 3*S*S floats (CHW) to *out.
[[nodiscard]] Status PreprocessImageBytes(const uint8_t* data, size_t size,
                                          const PreprocessOptions& options,
                                          std::vector<float>* out);

/// \brief Same, reading the file at `path` first.
[[nodiscard]] Status PreprocessImageFile(const std::string& path, const PreprocessOptions& options,
                                         std::vector<float>* out);

/// \brief Encode interleaved 8-bit pixels (1 grey, 2 grey+alpha, 3 RGB or 4 RGBA bands) as
/// "png", "jpeg" (quality 95) or "webp" (lossless); orientation 1..8 is written as EXIF
/// orientation (JPEG). Used for thumbnails and test images.
Result<std::string> EncodeImage(const uint8_t* pixels, int width, int height, int bands,
                                const std::string& format, int orientation = 0);

/// \brief Initialise libvips once per process (idempotent, thread-safe).
[[nodiscard]] Status EnsureVipsInitialized();

}  // namespace lancet::embed
