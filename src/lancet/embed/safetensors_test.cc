// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The lancet authors
#include "lancet/embed/safetensors.h"

#include <gtest/gtest.h>

#include <cstring>
#include <string>

namespace lancet::embed {
namespace {

std::string Build(const std::string& header, const std::string& data) {
  std::string out(8, '\0');
  uint64_t n = header.size();
  for (int i = 0; i < 8; ++i) out[i] = static_cast<char>((n >> (8 * i)) & 0xFF);
  return out + header + data;
}

std::string Floats(std::initializer_list<float> v) {
  std::string s(v.size() * 4, '\0');
  size_t i = 0;
  for (float f : v) std::memcpy(&s[4 * i++], &f, 4);
  return s;
}

TEST(SafeTensorsTest, ReadsF32F16Bf16) {
  std::string data = Floats({1.5f, -2.0f, 0.25f, 3.0f});
  // F16: 1.0 (0x3C00), -0.5 (0xB800); BF16: 2.0 (0x4000), -1.0 (0xBF80)
  const uint16_t h[2] = {0x3C00, 0xB800};
  const uint16_t b[2] = {0x4000, 0xBF80};
  data.append(reinterpret_cast<const char*>(h), 4);
  data.append(reinterpret_cast<const char*>(b), 4);
  const std::string header =
      R"({"a":{"dtype":"F32","shape":[2,2],"data_offsets":[0,16]},)"
      R"("h":{"dtype":"F16","shape":[2],"data_offsets":[16,20]},)"
      R"("b":{"dtype":"BF16","shape":[2],"data_offsets":[20,24]},)"
      R"("__metadata__":{"format":"pt"}})";
  auto f = SafeTensorsFile::Parse(Build(header, data));
  ASSERT_TRUE(f.ok()) << f.status().ToString();
  EXPECT_EQ(f->tensors().size(), 3u);
  EXPECT_EQ(f->metadata().at("format"), "pt");
  auto a = f->ReadFloat("a", {2, 2});
  ASSERT_TRUE(a.ok());
  EXPECT_EQ(*a, (std::vector<float>{1.5f, -2.0f, 0.25f, 3.0f}));
  auto hv = f->ReadFloat("h");
  ASSERT_TRUE(hv.ok());
  EXPECT_EQ(*hv, (std::vector<float>{1.0f, -0.5f}));
  auto bv = f->ReadFloat("b", {2});
  ASSERT_TRUE(bv.ok());
  EXPECT_EQ(*bv, (std::vector<float>{2.0f, -1.0f}));
}

TEST(SafeTensorsTest, ErrorsNameTheTensor) {
  const std::string header = R"({"w":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}})";
  auto f = SafeTensorsFile::Parse(Build(header, Floats({1, 2})));
  ASSERT_TRUE(f.ok());
  auto missing = f->ReadFloat("text_projection.weight");
  ASSERT_FALSE(missing.ok());
  EXPECT_TRUE(missing.status().IsNotFound());
  EXPECT_NE(missing.status().message().find("text_projection.weight"), std::string::npos);
  auto shape = f->ReadFloat("w", {3});
  ASSERT_FALSE(shape.ok());
  EXPECT_NE(shape.status().message().find("'w'"), std::string::npos);
  EXPECT_NE(shape.status().message().find("[2]"), std::string::npos);
}

TEST(SafeTensorsTest, RejectsHostileHeaders) {
  auto bad = [](const std::string& bytes) {
    auto r = SafeTensorsFile::Parse(bytes);
    EXPECT_FALSE(r.ok());
    if (!r.ok()) {
      EXPECT_TRUE(r.status().IsCorruption()) << r.status().ToString();
    }
  };
  bad("");
  bad("1234567");
  std::string huge(8, '\xff');  // header length 2^64-1
  bad(huge + "{}");
  bad(Build("not json", ""));
  bad(Build("[1,2]", ""));
  bad(Build(R"({"w":{"dtype":"F32","shape":[2],"data_offsets":[0,16]}})", Floats({1, 2})));
  bad(Build(R"({"w":{"dtype":"F32","shape":[3],"data_offsets":[0,8]}})", Floats({1, 2})));
  bad(Build(R"({"w":{"dtype":"F32","shape":[2],"data_offsets":[8,0]}})", Floats({1, 2})));
  bad(Build(R"({"w":{"dtype":"F32","shape":[-2],"data_offsets":[0,8]}})", Floats({1, 2})));
  bad(Build(R"({"w":{"dtype":"F32","shape":[4294967296,4294967296],"data_offsets":[0,8]}})",
            Floats({1, 2})));
  bad(Build(R"({"w":{"dtype":"Q9","shape":[2],"data_offsets":[0,8]}})", Floats({1, 2})));
  bad(Build(R"({"w":{"dtype":"F32","shape":[2]}})", Floats({1, 2})));
  bad(Build(R"({"w":{"dtype":"F32","shape":[2],"data_offsets":[0,"8"]}})", Floats({1, 2})));
  bad(Build(R"({"w":5})", ""));
}

TEST(SafeTensorsTest, OtherDtypesListedButNotReadable) {
  const std::string header = R"({"ids":{"dtype":"I64","shape":[1],"data_offsets":[0,8]}})";
  auto f = SafeTensorsFile::Parse(Build(header, std::string(8, '\0')));
  ASSERT_TRUE(f.ok());
  EXPECT_TRUE(f->Has("ids"));
  auto r = f->ReadFloat("ids");
  ASSERT_FALSE(r.ok());
  EXPECT_TRUE(r.status().IsNotSupported());
}

TEST(SafeTensorsTest, OpenMissingFileIsNotFound) {
  auto r = SafeTensorsFile::Open("/nonexistent/model.safetensors");
  ASSERT_FALSE(r.ok());
  EXPECT_TRUE(r.status().IsNotFound());
}

}  // namespace
}  // namespace lancet::embed
