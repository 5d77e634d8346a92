// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The lancet authors
//
// `lancet embed`: CLIP embeddings of texts and images, printed as JSON.
//
//   lancet embed --text "blue car" [--text ...] [--image FILE ...] [--model DIR] [--threads N]
//
// One text or image prints {"text": ..., "embedding": [...]} (or "image"); several print one such
// JSON object per line, texts first.
#include <CLI/CLI.hpp>

#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "cli_util.h"
#include "lancet/embed/clip_model.h"

namespace lancet::cli {
namespace {

struct EmbedArgs {
  std::vector<std::string> texts, images;
  std::string model;
  int threads = 0;
  int batch_size = 8;
};

Status RunEmbed(const EmbedArgs& a) {
  if (a.texts.empty() && a.images.empty()) {
    return Status::InvalidArgument("embed: give --text and/or --image");
  }
  embed::ClipOptions opt;
  opt.num_threads = a.threads;
  opt.batch_size = a.batch_size;
  const std::string dir = a.model.empty() ? embed::DefaultModelDir() : a.model;
  LANCET_ASSIGN_OR_RETURN(auto model, embed::ClipModel::Load(dir, opt));
  auto print = [](const char* key, const std::string& input, const std::vector<float>& v) {
    nlohmann::json j;
    j[key] = input;
    j["embedding"] = v;
    std::cout << j.dump() << "\n";
  };
  if (!a.texts.empty()) {
    LANCET_ASSIGN_OR_RETURN(auto vecs, model->EmbedTexts(a.texts));
    for (size_t i = 0; i < vecs.size(); ++i) print("text", a.texts[i], vecs[i]);
  }
  if (!a.images.empty()) {
    LANCET_ASSIGN_OR_RETURN(auto vecs, model->EmbedImageFiles(a.images));
    for (size_t i = 0; i < vecs.size(); ++i) print("image", a.images[i], vecs[i]);
  }
  return Status::OK();
}

}  // namespace

void AddEmbedCommands(CLI::App* app, std::optional<Status>* result) {
  auto args = std::make_shared<EmbedArgs>();
  CLI::App* cmd = app->add_subcommand("embed", "CLIP embeddings of texts and images as JSON");
  cmd->add_option("--text", args->texts, "Text to embed (repeatable)");
  cmd->add_option("--image", args->images, "Image file to embed: JPEG, PNG, WebP, GIF (repeatable)");
  cmd->add_option("--model", args->model,
                  "CLIP checkpoint directory (config.json, model.safetensors, vocab.json, "
                  "merges.txt); default $LANCET_CLIP_MODEL or the shipped models/clip-tiny");
  cmd->add_option("--threads", args->threads, "OpenBLAS threads (0 = all cores)");
  cmd->add_option("--batch-size", args->batch_size, "Inputs per forward pass");
  cmd->callback([=] { *result = RunEmbed(*args); });
}

}  // namespace lancet::cli
