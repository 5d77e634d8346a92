// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The lancet authors
#include "lancet/embed/tokenizer.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

namespace lancet::embed {
namespace {

// A byte-level vocabulary in CLIP order (bytes, bytes</w>, merges, specials) with a few merges.
ClipTokenizer MakeTokenizer() {
  std::vector<int> bs;
  for (int b = '!'; b <= '~'; ++b) bs.push_back(b);
  for (int b = 0xA1; b <= 0xAC; ++b) bs.push_back(b);
  for (int b = 0xAE; b <= 0xFF; ++b) bs.push_back(b);
  std::vector<uint32_t> cps(256);
  std::vector<bool> have(256);
  for (int b : bs) cps[b] = b, have[b] = true;
  uint32_t n = 0;
  for (int b = 0; b < 256; ++b) {
    if (!have[b]) cps[b] = 256 + n++;
  }
  std::vector<std::string> vocab;
  auto utf8 = [](uint32_t cp) {
    std::string s;
    if (cp < 0x80) {
      s.push_back(static_cast<char>(cp));
    } else {
      s.push_back(static_cast<char>(0xC0 | (cp >> 6)));
      s.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    }
    return s;
  };
  for (int b = 0; b < 256; ++b) vocab.push_back(utf8(cps[b]));
  for (int b = 0; b < 256; ++b) vocab.push_back(utf8(cps[b]) + "</w>");
  const std::vector<std::pair<std::string, std::string>> merges = {
      {"h", "e"}, {"l", "l"}, {"ll", "o</w>"}, {"he", "llo</w>"}, {"d", "o"}, {"do", "g</w>"}};
  std::string merges_txt = "#version: 0.2\n";
  for (const auto& [a, b] : merges) {
    vocab.push_back(a + b);
    merges_txt += a + " " + b + "\n";
  }
  vocab.push_back("<|startoftext|>");
  vocab.push_back("<|endoftext|>");
  nlohmann::json j;
  for (size_t i = 0; i < vocab.size(); ++i) j[vocab[i]] = i;
  auto t = ClipTokenizer::FromStrings(j.dump(), merges_txt);
  EXPECT_TRUE(t.ok()) << t.status().ToString();
  return std::move(t).ValueOrDie();
}

TEST(ClipTokenizerTest, CleanText) {
  EXPECT_EQ(ClipTokenizer::CleanText("  Hello\t\n  WORLD  "), "hello world");
  EXPECT_EQ(ClipTokenizer::CleanText("a\x01\x7f" "b"), "ab");
  EXPECT_EQ(ClipTokenizer::CleanText(std::string("nul\0byte", 8)), "nulbyte");
  EXPECT_EQ(ClipTokenizer::CleanText("Ⅻ ÉCOLE ΟΔΟΣ"), "ⅻ école οδος");
  EXPECT_EQ(ClipTokenizer::CleanText("e\xcc\x81"), "\xc3\xa9");  // NFC
  // Invalid UTF-8 never crashes and is dropped.
  EXPECT_EQ(ClipTokenizer::CleanText("a\xff\xfe" "b\xc3"), "ab");
}

TEST(ClipTokenizerTest, PreTokenize) {
  EXPECT_EQ(ClipTokenizer::PreTokenize("it's a dog!!! 123 <|endoftext|>x"),
            (std::vector<std::string>{"it", "'s", "a", "dog", "!!!", "1", "2", "3",
                                      "<|endoftext|>", "x"}));
  EXPECT_EQ(ClipTokenizer::PreTokenize("a.<|endoftext|>"),
            (std::vector<std::string>{"a", ".<|", "endoftext", "|>"}));
  EXPECT_EQ(ClipTokenizer::PreTokenize("日本語 ok"),
            (std::vector<std::string>{"日本語", "ok"}));
}

TEST(ClipTokenizerTest, EncodeBpeAndSpecials) {
  ClipTokenizer t = MakeTokenizer();
  const int hello = 512 + 3, dog = 512 + 5;
  EXPECT_EQ(t.EncodeRaw("Hello DOG"), (std::vector<int>{hello, dog}));
  auto enc = t.Encode("hello dog");
  ASSERT_EQ(enc.ids.size(), 77u);
  EXPECT_EQ(enc.length, 4);
  EXPECT_EQ(enc.ids[0], t.bos_id());
  EXPECT_EQ(enc.ids[1], hello);
  EXPECT_EQ(enc.ids[2], dog);
  EXPECT_EQ(enc.ids[3], t.eos_id());
  EXPECT_EQ(enc.ids[76], t.pad_id());
  EXPECT_EQ(t.Decode(enc.ids), "hello dog");
  EXPECT_EQ(t.EncodeRaw("<|endoftext|>"), (std::vector<int>{t.eos_id()}));
  // Every end-of-word token decodes with a following space, as CLIP's decoder does.
  EXPECT_EQ(t.Decode(t.EncodeRaw("Zoë & co.")), "zoë & co .");
}

TEST(ClipTokenizerTest, Truncation) {
  ClipTokenizer t = MakeTokenizer();
  std::string text;
  for (int i = 0; i < 100; ++i) text += "dog ";
  auto enc = t.Encode(text);
  ASSERT_EQ(enc.ids.size(), 77u);
  EXPECT_EQ(enc.length, 77);
  EXPECT_EQ(enc.ids[0], t.bos_id());
  EXPECT_EQ(enc.ids[75], 512 + 5);
  EXPECT_EQ(enc.ids[76], t.eos_id());
  auto short_ctx = t.Encode(text, 5);
  EXPECT_EQ(short_ctx.ids.size(), 5u);
  EXPECT_EQ(short_ctx.ids[4], t.eos_id());
}

TEST(ClipTokenizerTest, RejectsBadFiles) {
  EXPECT_FALSE(ClipTokenizer::FromStrings("[]", "").ok());
  EXPECT_FALSE(ClipTokenizer::FromStrings("{\"a\": 0}", "").ok());  // no specials
  auto missing = ClipTokenizer::Load("/nonexistent/vocab.json", "/nonexistent/merges.txt");
  ASSERT_FALSE(missing.ok());
  EXPECT_TRUE(missing.status().IsNotFound());
}

}  // namespace
}  // namespace lancet::embed
