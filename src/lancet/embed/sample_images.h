// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The lancet authors
//
// Procedurally generated, captioned images ("a blue car", "a green star", ...): simple objects
// drawn in one of several colours at a random position, scale and rotation on a varied
// background (solid, gradients, noise, stripes, checks). The training script of the default CLIP
// model (tests/embed/train), the quality test and the demo all draw from this generator.
//
// Everything is deterministic from (seed, index): image i of a seed is the same whatever the
// count, and the pixels do not depend on the platform (own PRNG, no std distributions).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "lancet/core/result.h"
#include "lancet/core/status.h"

namespace lancet::embed {

/// \brief The object names, in label order ("car", "house", ...).
const std::vector<std::string>& SampleObjects();
/// \brief The colour names, in label order ("red", "orange", ...).
const std::vector<std::string>& SampleColors();

/// \brief Description of one generated image.
struct SampleImageInfo {
  int64_t index = 0;
  std::string file;     // file name inside the output directory ("000042.png")
  std::string caption;  // "a blue car"
  std::string object;   // "car"
  std::string color;    // "blue"
  int object_id = 0;    // index into SampleObjects()
  int color_id = 0;     // index into SampleColors()
};

/// \brief A rendered image: interleaved 8-bit RGB, row-major, `size` x `size`.
struct SampleImage {
  SampleImageInfo info;
  int width = 0;
  int height = 0;
  std::vector<uint8_t> rgb;
};

/// \brief Draw image `index` of `seed` at `size` x `size` pixels (16 <= size <= 4096).
[[nodiscard]] Result<SampleImage> RenderSampleImage(uint64_t seed, int64_t index, int size);

/// \brief Encode a rendered image with libvips; format is "png" or "jpg".
[[nodiscard]] Result<std::string> EncodeSampleImage(const SampleImage& image,
                                                    const std::string& format);

struct SampleImageOptions {
  int64_t count = 100;
  uint64_t seed = 0;
  std::string out_dir;
  int size = 224;              // square images; 224 is the input size of the real CLIP models
  std::string format = "png";  // png | jpg
};

/// \brief Write options.count images and `captions.jsonl` (one JSON object per image: file,
/// caption, object, color, index, seed) into options.out_dir, creating it when missing.
/// When `written` is not null it receives the description of every image, in index order.
[[nodiscard]] Status WriteSampleImages(const SampleImageOptions& options,
                                       std::vector<SampleImageInfo>* written = nullptr);

}  // namespace lancet::embed
