// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The lancet authors
//
// Driver for tests/embed/clip_parity.py: runs lancet's tokenizer, preprocessing and both towers
// on the inputs of a JSON request and writes the results as JSON.
//
//   clip_parity_tool MODEL_DIR REQUEST.json RESPONSE.json
//
// Request: {"tokenize": [str], "texts": [str], "images": [path], "pixels_out": path,
//           "pixels_in": path, "pixels_in_count": n, "threads": n, "batch_size": n}
// Response: {"tokens": [[id]], "lengths": [n], "text_emb": [[f]], "image_emb": [[f]],
//            "pixels_emb": [[f]]}; preprocessed pixels of "images" go to pixels_out (raw f32).
#include <cstdio>
#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "lancet/embed/clip_model.h"
#include "lancet/embed/image_preprocess.h"
#include "lancet/embed/tokenizer.h"

using lancet::embed::ClipModel;

int Fail(const std::string& msg) {
  std::cerr << "clip_parity_tool: " << msg << "\n";
  return 1;
}

int main(int argc, char** argv) {
  if (argc != 4) return Fail("usage: clip_parity_tool MODEL_DIR REQUEST.json RESPONSE.json");
  std::ifstream in(argv[2]);
  std::stringstream ss;
  ss << in.rdbuf();
  nlohmann::json req = nlohmann::json::parse(ss.str());
  lancet::embed::ClipOptions opt;
  opt.num_threads = req.value("threads", 0);
  opt.batch_size = req.value("batch_size", 8);
  auto model = ClipModel::Load(argv[1], opt);
  if (!model.ok()) return Fail(model.status().ToString());
  ClipModel& m = **model;
  nlohmann::json resp;
  resp["tokens"] = nlohmann::json::array();
  resp["lengths"] = nlohmann::json::array();
  for (const auto& t : req.value("tokenize", nlohmann::json::array())) {
    auto enc = m.tokenizer().Encode(t.get<std::string>());
    resp["tokens"].push_back(enc.ids);
    resp["lengths"].push_back(enc.length);
  }
  if (req.contains("texts")) {
    auto e = m.EmbedTexts(req["texts"].get<std::vector<std::string>>());
    if (!e.ok()) return Fail(e.status().ToString());
    resp["text_emb"] = *e;
  }
  if (req.contains("images")) {
    auto paths = req["images"].get<std::vector<std::string>>();
    auto e = m.EmbedImageFiles(paths);
    if (!e.ok()) return Fail(e.status().ToString());
    resp["image_emb"] = *e;
    std::vector<float> pixels;
    lancet::embed::PreprocessOptions po;
    po.image_size = m.image_size();
    for (const auto& p : paths) {
      auto st = lancet::embed::PreprocessImageFile(p, po, &pixels);
      if (!st.ok()) return Fail(st.ToString());
    }
    std::ofstream out(req.value("pixels_out", std::string("pixels.f32")), std::ios::binary);
    out.write(reinterpret_cast<const char*>(pixels.data()),
              static_cast<std::streamsize>(pixels.size() * sizeof(float)));
  }
  if (req.contains("pixels_in")) {
    const size_t n = req.value("pixels_in_count", 0);
    const size_t per = 3ull * m.image_size() * m.image_size();
    std::vector<float> px(n * per);
    std::ifstream pin(req["pixels_in"].get<std::string>(), std::ios::binary);
    if (!pin.read(reinterpret_cast<char*>(px.data()),
                  static_cast<std::streamsize>(px.size() * sizeof(float)))) {
      return Fail("cannot read pixels_in");
    }
    auto e = m.EmbedPixels(px.data(), n);
    if (!e.ok()) return Fail(e.status().ToString());
    resp["pixels_emb"] = *e;
  }
  std::ofstream out(argv[3]);
  out << resp.dump();
  return 0;
}
