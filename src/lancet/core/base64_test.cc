// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The lancet authors
#include "lancet/core/base64.h"

#include <gtest/gtest.h>

#include <random>
#include <string>

namespace lancet {
namespace {

TEST(Base64Test, Rfc4648Vectors) {
  const std::pair<std::string, std::string> kVectors[] = {
      {"", ""},
      {"f", "Zg=="},
      {"fo", "Zm8="},
      {"foo", "Zm9v"},
      {"foob", "Zm9vYg=="},
      {"fooba", "Zm9vYmE="},
      {"foobar", "Zm9vYmFy"},
  };
  for (const auto& [plain, encoded] : kVectors) {
    EXPECT_EQ(Base64Encode(plain), encoded);
    auto decoded = Base64Decode(encoded);
    ASSERT_TRUE(decoded.ok()) << encoded << ": " << decoded.status().ToString();
    EXPECT_EQ(*decoded, plain);
  }
}

TEST(Base64Test, AllByteValuesRoundTrip) {
  std::string all;
  for (int i = 0; i < 256; ++i) all.push_back(static_cast<char>(i));
  EXPECT_EQ(Base64Encode(std::string("\xfb\xff\xbf", 3)), "+/+/");
  std::mt19937 rng(7);
  for (int len = 0; len < 70; ++len) {
    std::string s;
    for (int i = 0; i < len; ++i) s.push_back(static_cast<char>(rng() & 0xff));
    auto back = Base64Decode(Base64Encode(s));
    ASSERT_TRUE(back.ok());
    EXPECT_EQ(*back, s);
  }
  auto back = Base64Decode(Base64Encode(all));
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(*back, all);
}

TEST(Base64Test, StrictDecoding) {
  const char* kBad[] = {
      "Zg",        // missing padding
      "Zg=",       // short
      "Zm9v\n",    // whitespace
      " Zm9v",     // whitespace
      "Zm9",       // not a multiple of 4
      "Z===",      // too much padding
      "====",      // only padding
      "Zg==Zg==",  // padding in the middle
      "Zm=v",      // padding inside a group
      "Zh==",      // non-zero padding bits (canonical is Zg==)
      "Zm9=",      // non-zero padding bits (canonical is Zm8=)
      "Zm9v-_==",  // URL-safe alphabet
      "Zm9v!!==",  // junk
  };
  for (const char* s : kBad) {
    auto r = Base64Decode(s);
    EXPECT_FALSE(r.ok()) << s;
    if (!r.ok()) {
      EXPECT_TRUE(r.status().IsInvalidArgument());
    }
  }
  EXPECT_NE(Base64Decode("Zm9v!!==").status().message().find("offset 4"), std::string::npos);
}

}  // namespace
}  // namespace lancet
