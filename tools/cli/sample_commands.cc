// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The lancet authors
//
// `lancet sample-images`: procedurally generated, captioned images (see
// lancet/embed/sample_images.h), the data of the default CLIP model, its tests and the demo.
#include <CLI/CLI.hpp>

#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>

#include "cli_util.h"
#include "lancet/embed/sample_images.h"

namespace lancet::cli {

void AddSampleCommands(CLI::App* app, std::optional<Status>* result) {
  auto opts = std::make_shared<embed::SampleImageOptions>();
  auto* cmd = app->add_subcommand(
      "sample-images",
      "Write generated captioned images (\"a blue car\", ...) and captions.jsonl into a directory");
  cmd->add_option("--count", opts->count, "Number of images")->default_val(100);
  cmd->add_option("--seed", opts->seed, "Seed; image i of a seed is always the same")
      ->default_val(0);
  cmd->add_option("--out", opts->out_dir, "Output directory (created when missing)")->required();
  cmd->add_option("--size", opts->size, "Width and height in pixels")->default_val(224);
  cmd->add_option("--format", opts->format, "png or jpg")
      ->default_val("png")
      ->check(CLI::IsMember({"png", "jpg", "jpeg"}));
  cmd->callback([opts, result]() {
    Status st = embed::WriteSampleImages(*opts);
    if (st.ok()) {
      nlohmann::json out = {{"out", opts->out_dir},
                            {"count", opts->count},
                            {"seed", opts->seed},
                            {"size", opts->size},
                            {"format", opts->format},
                            {"captions", opts->out_dir + "/captions.jsonl"}};
      std::cout << out.dump() << "\n";
    }
    *result = st;
  });
}

}  // namespace lancet::cli
