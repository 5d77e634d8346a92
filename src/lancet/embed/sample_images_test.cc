// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The lancet authors
#include "lancet/embed/sample_images.h"

#include <gtest/gtest.h>
#include <stdlib.h>

#include <array>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>

namespace lancet::embed {
namespace {

class ScratchDir {
 public:
  ScratchDir() {
    const char* base = std::getenv("TMPDIR");
    std::string tmpl = std::string(base && *base ? base : "/tmp") + "/lancet-sample-test-XXXXXX";
    if (::mkdtemp(tmpl.data()) != nullptr) path_ = tmpl;
  }
  ~ScratchDir() {
    std::error_code ec;
    if (!path_.empty()) std::filesystem::remove_all(path_, ec);
  }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

std::string ReadAll(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  std::stringstream ss;
  ss << f.rdbuf();
  return ss.str();
}

uint32_t BigEndian32(const std::string& s, size_t at) {
  return (static_cast<uint32_t>(static_cast<uint8_t>(s[at])) << 24) |
         (static_cast<uint32_t>(static_cast<uint8_t>(s[at + 1])) << 16) |
         (static_cast<uint32_t>(static_cast<uint8_t>(s[at + 2])) << 8) |
         static_cast<uint32_t>(static_cast<uint8_t>(s[at + 3]));
}

TEST(SampleImagesTest, DeterministicAndIndependentOfCount) {
  auto a = RenderSampleImage(7, 3, 64);
  auto b = RenderSampleImage(7, 3, 64);
  ASSERT_TRUE(a.ok()) << a.status().ToString();
  ASSERT_TRUE(b.ok());
  EXPECT_EQ(a->rgb, b->rgb);
  EXPECT_EQ(a->info.caption, b->info.caption);
  EXPECT_EQ(a->rgb.size(), 64u * 64u * 3u);
  // Another seed or index draws something else.
  auto c = RenderSampleImage(8, 3, 64);
  auto d = RenderSampleImage(7, 4, 64);
  ASSERT_TRUE(c.ok());
  ASSERT_TRUE(d.ok());
  EXPECT_NE(a->rgb, c->rgb);
  EXPECT_NE(a->rgb, d->rgb);
}

TEST(SampleImagesTest, EveryBlockHoldsEachClassOnce) {
  const size_t classes = SampleObjects().size() * SampleColors().size();
  ASSERT_GE(SampleObjects().size(), 6u);
  ASSERT_GE(SampleColors().size(), 8u);
  for (uint64_t seed : {0u, 1u, 99u}) {
    std::set<std::string> captions;
    for (size_t i = classes; i < 2 * classes; ++i) {
      auto img = RenderSampleImage(seed, static_cast<int64_t>(i), 16);
      ASSERT_TRUE(img.ok());
      const auto& info = img->info;
      EXPECT_EQ(info.caption, "a " + info.color + " " + info.object);
      EXPECT_EQ(SampleObjects()[static_cast<size_t>(info.object_id)], info.object);
      EXPECT_EQ(SampleColors()[static_cast<size_t>(info.color_id)], info.color);
      captions.insert(info.caption);
    }
    EXPECT_EQ(captions.size(), classes) << "seed " << seed;
  }
}

// The named colour is what the picture shows: a good share of the pixels are close to the
// palette colour of the caption, and the object changes the picture (it is not hidden).
TEST(SampleImagesTest, ObjectColourIsVisible) {
  const std::map<std::string, std::array<int, 3>> palette = {
      {"red", {215, 35, 35}},     {"orange", {245, 135, 20}}, {"yellow", {240, 215, 30}},
      {"green", {40, 165, 50}},   {"blue", {35, 80, 215}},    {"purple", {135, 50, 180}},
      {"pink", {245, 125, 185}},  {"brown", {125, 75, 35}}};
  ASSERT_EQ(palette.size(), SampleColors().size());
  for (int64_t i = 0; i < 64; ++i) {
    auto img = RenderSampleImage(5, i, 96);
    ASSERT_TRUE(img.ok());
    const auto& ref = palette.at(img->info.color);
    int64_t close = 0;
    const size_t n = img->rgb.size() / 3;
    for (size_t p = 0; p < n; ++p) {
      double d = 0;
      for (int ch = 0; ch < 3; ++ch) {
        const double diff = double(img->rgb[p * 3 + ch]) - ref[static_cast<size_t>(ch)];
        d += diff * diff;
      }
      if (std::sqrt(d) < 40) ++close;
    }
    EXPECT_GT(static_cast<double>(close) / n, 0.015) << img->info.caption << " index " << i;
  }
}

TEST(SampleImagesTest, WritesImagesAndCaptions) {
  ScratchDir dir;
  ASSERT_FALSE(dir.path().empty());
  SampleImageOptions o;
  o.count = 5;
  o.seed = 42;
  o.size = 48;
  o.out_dir = dir.path() + "/png";
  std::vector<SampleImageInfo> written;
  Status st = WriteSampleImages(o, &written);
  ASSERT_TRUE(st.ok()) << st.ToString();
  ASSERT_EQ(written.size(), 5u);

  std::ifstream captions(o.out_dir + "/captions.jsonl");
  std::string line;
  int64_t i = 0;
  while (std::getline(captions, line)) {
    auto j = nlohmann::json::parse(line);
    ASSERT_LT(i, 5);
    EXPECT_EQ(j["index"], i);
    EXPECT_EQ(j["seed"], 42);
    EXPECT_EQ(j["file"], written[static_cast<size_t>(i)].file);
    EXPECT_EQ(j["caption"], written[static_cast<size_t>(i)].caption);
    EXPECT_EQ(j["object"], written[static_cast<size_t>(i)].object);
    EXPECT_EQ(j["color"], written[static_cast<size_t>(i)].color);
    // Same image as rendering index i directly: the count does not matter.
    auto direct = RenderSampleImage(42, i, 48);
    ASSERT_TRUE(direct.ok());
    EXPECT_EQ(direct->info.caption, j["caption"].get<std::string>());
    const std::string png = ReadAll(o.out_dir + "/" + j["file"].get<std::string>());
    ASSERT_GT(png.size(), 24u);
    EXPECT_EQ(png.substr(0, 8), std::string("\x89PNG\r\n\x1a\n", 8));
    EXPECT_EQ(BigEndian32(png, 16), 48u);  // IHDR width
    EXPECT_EQ(BigEndian32(png, 20), 48u);  // IHDR height
    ++i;
  }
  EXPECT_EQ(i, 5);
  EXPECT_EQ(written[0].file, "000000.png");

  o.out_dir = dir.path() + "/jpg";
  o.format = "jpg";
  o.count = 2;
  ASSERT_TRUE(WriteSampleImages(o).ok());
  const std::string jpg = ReadAll(o.out_dir + "/000001.jpg");
  ASSERT_GT(jpg.size(), 4u);
  EXPECT_EQ(static_cast<uint8_t>(jpg[0]), 0xFF);
  EXPECT_EQ(static_cast<uint8_t>(jpg[1]), 0xD8);
}

TEST(SampleImagesTest, RejectsBadOptions) {
  EXPECT_TRUE(RenderSampleImage(0, 0, 8).status().IsInvalidArgument());
  EXPECT_TRUE(RenderSampleImage(0, -1, 64).status().IsInvalidArgument());
  auto img = RenderSampleImage(0, 0, 32);
  ASSERT_TRUE(img.ok());
  EXPECT_TRUE(EncodeSampleImage(*img, "gif").status().IsInvalidArgument());
  img->rgb.pop_back();
  EXPECT_TRUE(EncodeSampleImage(*img, "png").status().IsInvalidArgument());
  SampleImageOptions o;
  EXPECT_TRUE(WriteSampleImages(o).IsInvalidArgument());  // no directory
  ScratchDir dir;
  o.out_dir = dir.path();
  o.format = "bmp";
  EXPECT_TRUE(WriteSampleImages(o).IsInvalidArgument());
}

}  // namespace
}  // namespace lancet::embed
