// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The lancet authors
//
// ClipModel on a tiny random checkpoint written by the test itself (numerical parity with a
// PyTorch reference is tests/embed/clip_parity.py, ctest embed_parity_test).
#include "lancet/embed/clip_model.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <random>

#include "lancet/embed/image_preprocess.h"
#include "lancet/embed/tokenizer.h"
#include "lancet/linalg/simd.h"

namespace lancet::embed {
namespace {

namespace fs = std::filesystem;

constexpr int kD = 16, kHeads = 2, kMlp = 32, kLayers = 2, kImage = 32, kPatch = 16, kProj = 8;
constexpr int kVocab = 520, kCtx = 77;

using Tensors = std::map<std::string, std::pair<std::vector<int64_t>, std::vector<float>>>;

void WriteSafetensors(const std::string& path, const Tensors& t) {
  nlohmann::json h;
  std::string data;
  for (const auto& [name, v] : t) {
    const auto& [shape, vals] = v;
    h[name] = {{"dtype", "F32"},
               {"shape", shape},
               {"data_offsets", {data.size(), data.size() + vals.size() * 4}}};
    data.append(reinterpret_cast<const char*>(vals.data()), vals.size() * 4);
  }
  const std::string header = h.dump();
  std::ofstream out(path, std::ios::binary);
  uint64_t n = header.size();
  out.write(reinterpret_cast<const char*>(&n), 8);
  out << header << data;
}

Tensors RandomWeights(uint32_t seed) {
  std::mt19937 rng(seed);
  std::normal_distribution<float> nd(0.0f, 0.2f);
  Tensors t;
  auto add = [&](const std::string& name, std::vector<int64_t> shape, float base = 0.0f) {
    int64_t n = 1;
    for (int64_t d : shape) n *= d;
    std::vector<float> v(n);
    for (float& x : v) x = base + nd(rng);
    t[name] = {shape, v};
  };
  auto tower = [&](const std::string& p) {
    for (int i = 0; i < kLayers; ++i) {
      const std::string l = p + ".encoder.layers." + std::to_string(i) + ".";
      for (const char* ln : {"layer_norm1", "layer_norm2"}) {
        add(l + ln + ".weight", {kD}, 1.0f);
        add(l + ln + ".bias", {kD});
      }
      for (const char* proj : {"q_proj", "k_proj", "v_proj", "out_proj"}) {
        add(l + "self_attn." + proj + ".weight", {kD, kD});
        add(l + "self_attn." + proj + ".bias", {kD});
      }
      add(l + "mlp.fc1.weight", {kMlp, kD});
      add(l + "mlp.fc1.bias", {kMlp});
      add(l + "mlp.fc2.weight", {kD, kMlp});
      add(l + "mlp.fc2.bias", {kD});
    }
  };
  add("text_model.embeddings.token_embedding.weight", {kVocab, kD});
  add("text_model.embeddings.position_embedding.weight", {kCtx, kD});
  tower("text_model");
  add("text_model.final_layer_norm.weight", {kD}, 1.0f);
  add("text_model.final_layer_norm.bias", {kD});
  const int g = kImage / kPatch;
  add("vision_model.embeddings.class_embedding", {kD});
  add("vision_model.embeddings.patch_embedding.weight", {kD, 3, kPatch, kPatch});
  add("vision_model.embeddings.position_embedding.weight", {g * g + 1, kD});
  add("vision_model.pre_layrnorm.weight", {kD}, 1.0f);
  add("vision_model.pre_layrnorm.bias", {kD});
  tower("vision_model");
  add("vision_model.post_layernorm.weight", {kD}, 1.0f);
  add("vision_model.post_layernorm.bias", {kD});
  add("visual_projection.weight", {kProj, kD});
  add("text_projection.weight", {kProj, kD});
  t["logit_scale"] = {{}, {2.6592f}};
  return t;
}

std::string ByteSymbol(int b) {
  std::vector<int> bs;
  for (int c = '!'; c <= '~'; ++c) bs.push_back(c);
  for (int c = 0xA1; c <= 0xAC; ++c) bs.push_back(c);
  for (int c = 0xAE; c <= 0xFF; ++c) bs.push_back(c);
  uint32_t cp = 0, n = 0;
  bool found = false;
  for (int c = 0; c < 256; ++c) {
    const bool printable = std::find(bs.begin(), bs.end(), c) != bs.end();
    const uint32_t mapped = printable ? static_cast<uint32_t>(c) : 256 + n++;
    if (c == b) cp = mapped, found = true;
  }
  EXPECT_TRUE(found);
  std::string s;
  if (cp < 0x80) {
    s.push_back(static_cast<char>(cp));
  } else {
    s.push_back(static_cast<char>(0xC0 | (cp >> 6)));
    s.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  }
  return s;
}

class ClipModelTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("lancet_clip_test_" + std::to_string(::getpid()));
    fs::create_directories(dir_);
    Write(RandomWeights(42), "quick_gelu", kD);
  }
  void TearDown() override { fs::remove_all(dir_); }

  void Write(const Tensors& t, const std::string& act, int text_hidden) {
    nlohmann::json tower = {{"hidden_size", kD}, {"intermediate_size", kMlp},
                            {"num_hidden_layers", kLayers}, {"num_attention_heads", kHeads},
                            {"hidden_act", act}};
    nlohmann::json text = tower;
    text["hidden_size"] = text_hidden;
    text["vocab_size"] = kVocab;
    text["max_position_embeddings"] = kCtx;
    text["eos_token_id"] = 2;
    nlohmann::json vision = tower;
    vision["image_size"] = kImage;
    vision["patch_size"] = kPatch;
    nlohmann::json cfg = {{"projection_dim", kProj}, {"text_config", text},
                          {"vision_config", vision}};
    std::ofstream(dir_ / "config.json") << cfg.dump();
    nlohmann::json vocab;
    for (int b = 0; b < 256; ++b) vocab[ByteSymbol(b)] = b;
    for (int b = 0; b < 256; ++b) vocab[ByteSymbol(b) + "</w>"] = 256 + b;
    vocab["<|startoftext|>"] = 512;
    vocab["<|endoftext|>"] = 513;
    std::ofstream(dir_ / "vocab.json") << vocab.dump();
    std::ofstream(dir_ / "merges.txt") << "#version: 0.2\n";
    WriteSafetensors((dir_ / "model.safetensors").string(), t);
  }

  std::unique_ptr<ClipModel> LoadOk(ClipOptions o = {}) {
    auto m = ClipModel::Load(dir_.string(), o);
    EXPECT_TRUE(m.ok()) << m.status().ToString();
    return m.ok() ? std::move(m).ValueOrDie() : nullptr;
  }

  fs::path dir_;
};

double Dot(const std::vector<float>& a, const std::vector<float>& b) {
  double s = 0;
  for (size_t i = 0; i < a.size(); ++i) s += static_cast<double>(a[i]) * b[i];
  return s;
}

TEST_F(ClipModelTest, TextEmbeddingsAreNormalisedAndBatchInvariant) {
  auto m1 = LoadOk({1, 1});
  ASSERT_TRUE(m1);
  EXPECT_EQ(m1->embed_dim(), kProj);
  EXPECT_EQ(m1->image_size(), kImage);
  const std::vector<std::string> texts = {"a dog", "a much longer text about a blue car", "",
                                          "A DOG"};
  auto e1 = m1->EmbedTexts(texts);
  ASSERT_TRUE(e1.ok());
  ASSERT_EQ(e1->size(), 4u);
  for (const auto& v : *e1) {
    ASSERT_EQ(v.size(), static_cast<size_t>(kProj));
    EXPECT_NEAR(Dot(v, v), 1.0, 1e-5);
  }
  EXPECT_NEAR(Dot((*e1)[0], (*e1)[3]), 1.0, 1e-6);  // lower-casing
  EXPECT_LT(Dot((*e1)[0], (*e1)[1]), 0.9999);
  auto m8 = LoadOk({2, 8});
  auto e8 = m8->EmbedTexts(texts);
  ASSERT_TRUE(e8.ok());
  for (size_t i = 0; i < texts.size(); ++i) EXPECT_NEAR(Dot((*e1)[i], (*e8)[i]), 1.0, 1e-5);
}

TEST_F(ClipModelTest, ThreadCountAndSimdLevelDoNotChangeEmbeddings) {
  const std::vector<std::string> texts = {"a dog", "a much longer text about a blue car", "x"};
  std::vector<float> pixels(static_cast<size_t>(5) * 3 * kImage * kImage);
  std::mt19937 rng(5);
  std::normal_distribution<float> nd;
  for (float& x : pixels) x = nd(rng);
  const linalg::SimdLevel saved = linalg::ActiveSimdLevel();
  std::vector<std::vector<float>> ref_t, ref_i;
  for (linalg::SimdLevel level : {linalg::SimdLevel::kScalar, linalg::SimdLevel::kAvx2}) {
    linalg::SetActiveSimdLevel(level);
    for (int threads : {1, 3}) {
      auto m = LoadOk({threads, 4});
      ASSERT_TRUE(m);
      auto t = m->EmbedTexts(texts);
      auto i = m->EmbedPixels(pixels.data(), 5);
      ASSERT_TRUE(t.ok() && i.ok());
      if (ref_t.empty()) {
        ref_t = *t;
        ref_i = *i;
        continue;
      }
      for (size_t k = 0; k < texts.size(); ++k) EXPECT_NEAR(Dot(ref_t[k], (*t)[k]), 1.0, 1e-6);
      for (size_t k = 0; k < 5; ++k) EXPECT_NEAR(Dot(ref_i[k], (*i)[k]), 1.0, 1e-6);
    }
  }
  linalg::SetActiveSimdLevel(saved);
  EXPECT_LT(Dot(ref_i[0], ref_i[1]), 0.9999);
}

TEST_F(ClipModelTest, TokenIdsAreChecked) {
  auto m = LoadOk();
  EXPECT_TRUE(m->EmbedTokenIds({std::vector<int>(5, 1)}).status().IsInvalidArgument());
  EXPECT_TRUE(m->EmbedTokenIds({std::vector<int>(kCtx, kVocab)}).status().IsInvalidArgument());
  EXPECT_TRUE(m->EmbedTokenIds({}).ok());
}

TEST_F(ClipModelTest, ImageBytesMatchPixels) {
  auto m = LoadOk({1, 2});
  ASSERT_TRUE(m);
  std::vector<std::string> pngs;
  std::vector<float> pixels;
  for (int k = 0; k < 3; ++k) {
    std::vector<uint8_t> px(kImage * kImage * 3);
    for (size_t i = 0; i < px.size(); ++i) px[i] = static_cast<uint8_t>((i * (k + 3)) % 251);
    auto png = EncodeImage(px.data(), kImage, kImage, 3, "png");
    ASSERT_TRUE(png.ok());
    pngs.push_back(*png);
    PreprocessOptions po;
    for (int c = 0; c < 3; ++c) {
      for (int i = 0; i < kImage * kImage; ++i) {
        pixels.push_back((px[3 * i + c] / 255.0f - po.mean[c]) / po.std[c]);
      }
    }
  }
  auto from_bytes = m->EmbedImageBytes(pngs);
  ASSERT_TRUE(from_bytes.ok()) << from_bytes.status().ToString();
  auto from_pixels = m->EmbedPixels(pixels.data(), 3);
  ASSERT_TRUE(from_pixels.ok());
  ASSERT_EQ(from_bytes->size(), 3u);
  for (int k = 0; k < 3; ++k) {
    EXPECT_NEAR(Dot((*from_bytes)[k], (*from_pixels)[k]), 1.0, 1e-5);
    EXPECT_NEAR(Dot((*from_bytes)[k], (*from_bytes)[k]), 1.0, 1e-5);
  }
  EXPECT_LT(Dot((*from_pixels)[0], (*from_pixels)[1]), 0.9999);
  auto bad = m->EmbedImageBytes({pngs[0], "garbage"});
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("image 1"), std::string::npos);
  EXPECT_TRUE(m->EmbedImageFiles({(dir_ / "none.png").string()}).status().IsNotFound());
}

TEST_F(ClipModelTest, MissingOrMisshapedTensorIsNamed) {
  Tensors t = RandomWeights(1);
  t.erase("vision_model.post_layernorm.bias");
  Write(t, "quick_gelu", kD);
  auto m = ClipModel::Load(dir_.string());
  ASSERT_FALSE(m.ok());
  EXPECT_NE(m.status().message().find("vision_model.post_layernorm.bias"), std::string::npos)
      << m.status().ToString();

  t = RandomWeights(1);
  t["text_model.encoder.layers.1.mlp.fc1.weight"].first = {kMlp / 2, 2 * kD};
  Write(t, "quick_gelu", kD);
  m = ClipModel::Load(dir_.string());
  ASSERT_FALSE(m.ok());
  EXPECT_NE(m.status().message().find("text_model.encoder.layers.1.mlp.fc1.weight"),
            std::string::npos)
      << m.status().ToString();
}

TEST_F(ClipModelTest, BadConfigAndMissingFiles) {
  Write(RandomWeights(1), "relu", kD);
  EXPECT_TRUE(ClipModel::Load(dir_.string()).status().IsNotSupported());
  Write(RandomWeights(1), "quick_gelu", 15);  // not divisible by the heads
  EXPECT_TRUE(ClipModel::Load(dir_.string()).status().IsInvalidArgument());
  Write(RandomWeights(1), "gelu", kD);
  EXPECT_TRUE(ClipModel::Load(dir_.string()).ok());
  fs::remove(dir_ / "merges.txt");
  auto m = ClipModel::Load(dir_.string());
  EXPECT_TRUE(m.status().IsNotFound());
  EXPECT_NE(m.status().message().find("merges.txt"), std::string::npos);
  EXPECT_TRUE(ClipModel::Load((dir_ / "nope").string()).status().IsNotFound());
  EXPECT_TRUE(ClipModel::Load(dir_.string(), {0, 0}).status().IsInvalidArgument());
}

TEST(DefaultModelDirTest, EnvironmentOverrides) {
  ::setenv("LANCET_CLIP_MODEL", "/some/where/clip", 1);
  EXPECT_EQ(DefaultModelDir(), "/some/where/clip");
  ::unsetenv("LANCET_CLIP_MODEL");
  const std::string d = DefaultModelDir();
  EXPECT_NE(d.find("clip-tiny"), std::string::npos);
}

}  // namespace
}  // namespace lancet::embed
