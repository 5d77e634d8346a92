// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The lancet authors
#include "lancet/embed/image_preprocess.h"

#include <gtest/gtest.h>

#include <cmath>
#include <string>
#include <vector>

namespace lancet::embed {
namespace {

std::string Encode(const std::vector<uint8_t>& px, int w, int h, int bands,
                   const std::string& format, int orientation = 0) {
  auto r = EncodeImage(px.data(), w, h, bands, format, orientation);
  EXPECT_TRUE(r.ok()) << r.status().ToString();
  return r.ok() ? *r : std::string();
}

Status Preprocess(const std::string& bytes, int size, std::vector<float>* out) {
  PreprocessOptions o;
  o.image_size = size;
  return PreprocessImageBytes(reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size(), o,
                              out);
}

float Norm(int c, float v) {
  PreprocessOptions o;
  return (v / 255.0f - o.mean[c]) / o.std[c];
}

TEST(ImagePreprocessTest, SolidColourNormalises) {
  const int w = 50, h = 30;
  std::vector<uint8_t> px(w * h * 3);
  for (int i = 0; i < w * h; ++i) px[3 * i] = 200, px[3 * i + 1] = 100, px[3 * i + 2] = 10;
  std::vector<float> out;
  ASSERT_TRUE(Preprocess(Encode(px, w, h, 3, "png"), 16, &out).ok());
  ASSERT_EQ(out.size(), 3u * 16 * 16);
  const float want[3] = {Norm(0, 200), Norm(1, 100), Norm(2, 10)};
  for (int c = 0; c < 3; ++c) {
    for (int i = 0; i < 256; ++i) ASSERT_NEAR(out[c * 256 + i], want[c], 1e-4) << c << " " << i;
  }
}

TEST(ImagePreprocessTest, AppendsAndCropsCentre) {
  // 40 x 20 grey: left and right quarters black, middle half white. The shortest side 20 -> 16
  // gives 32 x 16, and the centre crop keeps the middle half (white).
  const int w = 40, h = 20;
  std::vector<uint8_t> px(w * h);
  for (int y = 0; y < h; ++y) {
    for (int x = 0; x < w; ++x) px[y * w + x] = (x >= 10 && x < 30) ? 255 : 0;
  }
  std::vector<float> out(5, 0.0f);
  ASSERT_TRUE(Preprocess(Encode(px, w, h, 1, "png"), 16, &out).ok());
  ASSERT_EQ(out.size(), 5u + 3 * 16 * 16);
  // Grey -> 3 equal channels; centre columns are white.
  EXPECT_NEAR(out[5 + 8 * 16 + 8], Norm(0, 255), 1e-4);
  EXPECT_NEAR(out[5 + 256 + 8 * 16 + 8], Norm(1, 255), 1e-4);
  EXPECT_NEAR(out[5 + 512 + 8 * 16 + 8], Norm(2, 255), 1e-4);
}

TEST(ImagePreprocessTest, AlphaFlattensOnWhite) {
  const int w = 16, h = 16;
  std::vector<uint8_t> px(w * h * 4, 0);  // fully transparent black
  std::vector<float> out;
  ASSERT_TRUE(Preprocess(Encode(px, w, h, 4, "png"), 16, &out).ok());
  for (int c = 0; c < 3; ++c) EXPECT_NEAR(out[c * 256 + 37], Norm(c, 255), 1e-4);
}

TEST(ImagePreprocessTest, HonoursExifOrientation) {
  // Top half red, bottom half blue; orientation 6 (display rotated 90 degrees clockwise) puts
  // red on the right.
  const int s = 32;
  std::vector<uint8_t> px(s * s * 3, 0);
  for (int y = 0; y < s; ++y) {
    for (int x = 0; x < s; ++x) px[(y * s + x) * 3 + (y < s / 2 ? 0 : 2)] = 255;
  }
  std::vector<float> out;
  ASSERT_TRUE(Preprocess(Encode(px, s, s, 3, "jpeg", 6), s, &out).ok());
  auto at = [&](int c, int y, int x) { return out[c * s * s + y * s + x]; };
  EXPECT_GT(at(0, 16, 29), at(2, 16, 29));  // right: red
  EXPECT_GT(at(2, 16, 2), at(0, 16, 2));    // left: blue
  std::vector<float> plain;
  ASSERT_TRUE(Preprocess(Encode(px, s, s, 3, "jpeg"), s, &plain).ok());
  EXPECT_GT(plain[0 * s * s + 2 * s + 16], plain[2 * s * s + 2 * s + 16]);  // top: red
}

TEST(ImagePreprocessTest, CorruptInputIsAnError) {
  std::vector<float> out;
  EXPECT_TRUE(Preprocess("", 16, &out).IsInvalidArgument());
  EXPECT_TRUE(Preprocess("hello world, not an image", 16, &out).IsInvalidArgument());
  EXPECT_TRUE(Preprocess("BM\x00\x00", 16, &out).IsInvalidArgument());
  EXPECT_TRUE(Preprocess("<svg xmlns='http://www.w3.org/2000/svg'/>", 16, &out).IsInvalidArgument());
  std::vector<uint8_t> px(64 * 64 * 3, 128);
  for (size_t i = 0; i < px.size(); ++i) px[i] = static_cast<uint8_t>(i * 7);
  for (const char* fmt : {"png", "jpeg", "webp"}) {
    const std::string good = Encode(px, 64, 64, 3, fmt);
    ASSERT_TRUE(Preprocess(good, 16, &out).ok());
    for (size_t cut : {good.size() / 2, good.size() - 20, size_t{12}}) {
      Status st = Preprocess(good.substr(0, cut), 16, &out);
      EXPECT_FALSE(st.ok()) << fmt << " cut at " << cut;
    }
    std::string flipped = good;
    for (size_t i = 200; i < flipped.size(); i += 97) flipped[i] ^= 0x5A;
    Preprocess(flipped, 16, &out).IgnoreError();  // error or (for lenient formats) pixels; no crash
  }
  EXPECT_EQ(out.size() % (3 * 16 * 16), 0u);
  // Bytes after a complete JPEG (camera trailers) are accepted; a cut GIF is not.
  const std::string jpeg = Encode(px, 64, 64, 3, "jpeg");
  EXPECT_TRUE(Preprocess(jpeg + std::string(50, '\x00'), 16, &out).ok());
  const unsigned char gif_bytes[] = {'G', 'I', 'F', '8', '9', 'a', 1, 0, 1, 0, 0, 0, 0,
                                     ',', 0, 0, 0, 0, 1, 0, 1, 0, 0, 2, 2, 'D', 1, 0, ';'};
  const std::string gif(reinterpret_cast<const char*>(gif_bytes), sizeof(gif_bytes));
  EXPECT_TRUE(Preprocess(gif.substr(0, gif.size() - 3), 16, &out).IsInvalidArgument());
  Status cut = Preprocess(jpeg.substr(0, jpeg.size() - 2), 16, &out);
  EXPECT_NE(cut.message().find("EOI"), std::string::npos) << cut.ToString();
}

TEST(ImagePreprocessTest, RejectsTooManyPixels) {
  std::vector<uint8_t> px(100 * 100 * 3, 7);
  const std::string png = Encode(px, 100, 100, 3, "png");
  PreprocessOptions o;
  o.image_size = 16;
  o.max_pixels = 5000;
  std::vector<float> out;
  Status st = PreprocessImageBytes(reinterpret_cast<const uint8_t*>(png.data()), png.size(), o,
                                   &out);
  EXPECT_TRUE(st.IsInvalidArgument());
  EXPECT_NE(st.message().find("exceeds"), std::string::npos);
}

TEST(ImagePreprocessTest, MissingFileIsNotFound) {
  std::vector<float> out;
  EXPECT_TRUE(PreprocessImageFile("/nonexistent.png", {}, &out).IsNotFound());
}

}  // namespace
}  // namespace lancet::embed
