// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The lancet authors
//
// ClipModel: a CLIP dual encoder (text tower + vision tower) loaded from a Hugging Face
// checkpoint directory (config.json, model.safetensors, vocab.json, merges.txt) and run in plain
// C++ on OpenBLAS. Outputs are L2-normalised embeddings of embed_dim() floats.
//
// Thread-compatibility: a ClipModel is immutable after Load except for scratch buffers; the Embed*
// methods serialise on an internal mutex, so one instance may be shared between threads (calls
// run one at a time; each call is itself multithreaded on the model's own thread pool).
#pragma once

#include <cstddef>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "lancet/core/result.h"

namespace lancet::embed {

struct ClipOptions {
  /// Threads of the model's pool (the calling thread included); 0 = all cores. Every stage (the
  /// matrix products split by output columns, attention, LayerNorm, GELU) runs on this pool;
  /// OpenBLAS is switched to one thread (process-global in OpenBLAS) and called from the pool.
  int num_threads = 0;
  /// Inputs run through a tower this many at a time (rows of the GEMMs = batch_size * tokens).
  int batch_size = 8;
};

/// Shapes and options read from config.json (text_config / vision_config as in transformers).
struct ClipConfig {
  struct Tower {
    int hidden_size = 0;
    int intermediate_size = 0;
    int num_layers = 0;
    int num_heads = 0;
    double layer_norm_eps = 1e-5;
    bool quick_gelu = true;  // hidden_act: "quick_gelu" (true) or "gelu" (false, erf form)
  };
  Tower text, vision;
  int projection_dim = 512;
  int vocab_size = 49408;
  int max_position_embeddings = 77;
  int eos_token_id = 2;  // 2 = legacy configs: pool at the highest token id (argmax)
  int image_size = 224;
  int patch_size = 32;
  int num_channels = 3;

  /// \brief Parse config.json text; missing fields take the transformers defaults.
  static Result<ClipConfig> FromJson(const std::string& json_text);
};

class ClipTokenizer;
struct ClipWeights;

class ClipModel {
 public:
  ~ClipModel();
  ClipModel(const ClipModel&) = delete;
  ClipModel& operator=(const ClipModel&) = delete;

  /// \brief Load a checkpoint directory. Errors name the missing file or the missing/mis-shaped
  /// tensor.
  static Result<std::unique_ptr<ClipModel>> Load(const std::string& dir,
                                                 const ClipOptions& options = {});

  int embed_dim() const;
  int image_size() const;
  const ClipConfig& config() const;
  const ClipTokenizer& tokenizer() const;

  /// \brief One L2-normalised embedding per text (tokenised, truncated to 77 tokens).
  Result<std::vector<std::vector<float>>> EmbedTexts(const std::vector<std::string>& texts);
  /// \brief Embeddings of already tokenised inputs: ids padded to the context length
  /// (max_position_embeddings) per row.
  Result<std::vector<std::vector<float>>> EmbedTokenIds(const std::vector<std::vector<int>>& ids);
  /// \brief One embedding per image file (JPEG, PNG, WebP, GIF).
  Result<std::vector<std::vector<float>>> EmbedImageFiles(const std::vector<std::string>& paths);
  /// \brief One embedding per encoded image (the bytes of a JPEG, PNG, WebP or GIF file).
  Result<std::vector<std::vector<float>>> EmbedImageBytes(const std::vector<std::string>& encoded);
  /// \brief Already preprocessed pixels: n x 3 x S x S float, CLIP-normalised (S = image_size()).
  Result<std::vector<std::vector<float>>> EmbedPixels(const float* pixels, size_t n);

 private:
  ClipModel();
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

/// The shipped default model directory (see models/README.md), overridable with LANCET_CLIP_MODEL.
/// Looks in $LANCET_CLIP_MODEL, then <source tree>/models/clip-tiny (the LANCET_SOURCE_DIR
/// compile definition, or the LANCET_SOURCE_DIR environment variable), then
/// <install prefix>/share/lancet/models/clip-tiny. Returns the first that has a config.json, or
/// the last candidate when none does (so the error names a path).
std::string DefaultModelDir();

}  // namespace lancet::embed
