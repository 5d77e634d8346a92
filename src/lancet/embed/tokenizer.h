// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The lancet authors
//
// ClipTokenizer: the CLIP byte-level BPE tokenizer (vocab.json + merges.txt of a Hugging Face
// checkpoint). Text cleanup: invalid UTF-8 replaced, NFC, control characters dropped, whitespace
// collapsed, lower-cased; then the CLIP pre-tokenizer regex, byte-level BPE with "</w>"
// end-of-word marks, <|startoftext|> ... <|endoftext|>, truncated/padded to the context length.
// Immutable after Load; Encode is thread-safe (the BPE cache is guarded by a mutex).
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "lancet/core/result.h"

namespace lancet::embed {

struct TokenizedText {
  /// context_length ids: <|startoftext|>, tokens, <|endoftext|>, then pad_id.
  std::vector<int> ids;
  /// Number of real ids (including start and end); the attention length.
  int length = 0;
};

class ClipTokenizer {
 public:
  static constexpr int kDefaultContextLength = 77;

  ~ClipTokenizer();
  ClipTokenizer(ClipTokenizer&&) noexcept;
  ClipTokenizer& operator=(ClipTokenizer&&) noexcept;

  /// \brief Load vocab.json and merges.txt (files).
  static Result<ClipTokenizer> Load(const std::string& vocab_json_path,
                                    const std::string& merges_txt_path);
  /// \brief Same, from the file contents.
  static Result<ClipTokenizer> FromStrings(const std::string& vocab_json,
                                           const std::string& merges_txt);

  /// \brief Tokenise one text: ids padded (with pad_id()) or truncated to `context_length`;
  /// truncation keeps the start token, the first context_length-2 tokens and the end token.
  TokenizedText Encode(std::string_view text, int context_length = kDefaultContextLength) const;
  /// \brief The BPE tokens of a text without start/end tokens and without truncation.
  std::vector<int> EncodeRaw(std::string_view text) const;
  /// \brief Decode ids back to text ("</w>" becomes a space; special tokens are dropped).
  std::string Decode(const std::vector<int>& ids) const;

  /// \brief The cleaned text the pre-tokenizer sees (exposed for tests).
  static std::string CleanText(std::string_view text);
  /// \brief The pre-tokenizer's pieces of cleaned text (exposed for tests).
  static std::vector<std::string> PreTokenize(std::string_view cleaned);

  int bos_id() const { return bos_id_; }
  int eos_id() const { return eos_id_; }
  int pad_id() const { return pad_id_; }
  size_t vocab_size() const { return id_to_token_.size(); }

 private:
  ClipTokenizer();
  void Bpe(const std::string& word, std::vector<int>* out) const;

  std::unordered_map<std::string, int> vocab_;
  std::vector<std::string> id_to_token_;
  std::unordered_map<std::string, int> merge_rank_;  // "a b" -> rank
  int bos_id_ = -1, eos_id_ = -1, pad_id_ = -1;
  struct Cache;
  std::unique_ptr<Cache> cache_;
};

}  // namespace lancet::embed
