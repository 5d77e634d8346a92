// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The lancet authors
#include "lancet/embed/tokenizer.h"

#include <glib.h>

#include <algorithm>
#include <climits>
#include <fstream>
#include <mutex>
#include <nlohmann/json.hpp>
#include <sstream>

namespace lancet::embed {
namespace {

constexpr char kStartOfText[] = "<|startoftext|>";
constexpr char kEndOfText[] = "<|endoftext|>";
constexpr size_t kMaxCacheEntries = 1 << 16;

// ---- UTF-8 ------------------------------------------------------------------------------------

void AppendUtf8(uint32_t cp, std::string* out) {
  if (cp < 0x80) {
    out->push_back(static_cast<char>(cp));
  } else if (cp < 0x800) {
    out->push_back(static_cast<char>(0xC0 | (cp >> 6)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else if (cp < 0x10000) {
    out->push_back(static_cast<char>(0xE0 | (cp >> 12)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else {
    out->push_back(static_cast<char>(0xF0 | (cp >> 18)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  }
}

// Decode UTF-8 leniently: every invalid or truncated sequence becomes U+FFFD.
std::vector<uint32_t> DecodeUtf8(std::string_view s) {
  std::vector<uint32_t> cps;
  cps.reserve(s.size());
  size_t i = 0;
  while (i < s.size()) {
    const uint8_t c = static_cast<uint8_t>(s[i]);
    int len = 0;
    uint32_t cp = 0, min = 0;
    if (c < 0x80) {
      cps.push_back(c);
      ++i;
      continue;
    } else if ((c & 0xE0) == 0xC0) {
      len = 2, cp = c & 0x1F, min = 0x80;
    } else if ((c & 0xF0) == 0xE0) {
      len = 3, cp = c & 0x0F, min = 0x800;
    } else if ((c & 0xF8) == 0xF0) {
      len = 4, cp = c & 0x07, min = 0x10000;
    } else {
      cps.push_back(0xFFFD);
      ++i;
      continue;
    }
    bool ok = i + len <= s.size();
    for (int k = 1; ok && k < len; ++k) {
      const uint8_t cc = static_cast<uint8_t>(s[i + k]);
      if ((cc & 0xC0) != 0x80) {
        ok = false;
      } else {
        cp = (cp << 6) | (cc & 0x3F);
      }
    }
    if (!ok || cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) {
      cps.push_back(0xFFFD);
      ++i;
      continue;
    }
    cps.push_back(cp);
    i += len;
  }
  return cps;
}

// Python's str.isspace(): bidi whitespace/separators or category Zs; plus Zl/Zp.
bool IsSpace(uint32_t cp) {
  if ((cp >= 9 && cp <= 13) || (cp >= 0x1C && cp <= 0x20) || cp == 0x85) return true;
  switch (g_unichar_type(cp)) {
    case G_UNICODE_SPACE_SEPARATOR:
    case G_UNICODE_LINE_SEPARATOR:
    case G_UNICODE_PARAGRAPH_SEPARATOR:
      return true;
    default:
      return false;
  }
}

bool IsLetter(uint32_t cp) {
  switch (g_unichar_type(cp)) {
    case G_UNICODE_LOWERCASE_LETTER:
    case G_UNICODE_UPPERCASE_LETTER:
    case G_UNICODE_TITLECASE_LETTER:
    case G_UNICODE_MODIFIER_LETTER:
    case G_UNICODE_OTHER_LETTER:
      return true;
    default:
      return false;
  }
}

bool IsNumber(uint32_t cp) {
  switch (g_unichar_type(cp)) {
    case G_UNICODE_DECIMAL_NUMBER:
    case G_UNICODE_LETTER_NUMBER:
    case G_UNICODE_OTHER_NUMBER:
      return true;
    default:
      return false;
  }
}

bool IsControl(uint32_t cp) {
  const GUnicodeType t = g_unichar_type(cp);
  return t == G_UNICODE_CONTROL || t == G_UNICODE_FORMAT;
}

// Cased characters that are not letters (Other_Uppercase: Roman numerals, circled letters):
// g_utf8_strdown leaves them, Python's str.lower() and Unicode's full mapping lower them.
uint32_t LowerNonLetter(uint32_t cp) {
  if (cp >= 0x2160 && cp <= 0x216F) return cp + 0x10;
  if (cp == 0x2183) return 0x2184;
  if (cp >= 0x24B6 && cp <= 0x24CF) return cp + 26;
  return cp;
}

// Unicode "Cased" (approximation: Lu, Ll, Lt and the non-letter cased ranges).
bool IsCased(uint32_t cp) {
  switch (g_unichar_type(cp)) {
    case G_UNICODE_LOWERCASE_LETTER:
    case G_UNICODE_UPPERCASE_LETTER:
    case G_UNICODE_TITLECASE_LETTER:
      return true;
    default:
      return (cp >= 0x2160 && cp <= 0x217F) || (cp >= 0x24B6 && cp <= 0x24E9);
  }
}

// Unicode "Case_Ignorable": Mn, Me, Cf, Lm, Sk and the word-break MidLetter/MidNumLet/quote set.
bool IsCaseIgnorable(uint32_t cp) {
  switch (cp) {
    case 0x27: case 0x2E: case 0x3A: case 0x5E: case 0x60: case 0xA8: case 0xAD: case 0xAF:
    case 0xB4: case 0xB7: case 0xB8: case 0x387: case 0x5F4: case 0x2018: case 0x2019:
    case 0x2024: case 0x2027: case 0xFE13: case 0xFE52: case 0xFE55: case 0xFF07: case 0xFF0E:
    case 0xFF1A:
      return true;
    default:
      break;
  }
  switch (g_unichar_type(cp)) {
    case G_UNICODE_NON_SPACING_MARK:
    case G_UNICODE_ENCLOSING_MARK:
    case G_UNICODE_FORMAT:
    case G_UNICODE_MODIFIER_LETTER:
    case G_UNICODE_MODIFIER_SYMBOL:
      return true;
    default:
      return false;
  }
}

// GPT-2 / CLIP byte -> printable code point table.
const std::vector<std::string>& ByteEncoder() {
  static const std::vector<std::string> table = [] {
    std::vector<int> bs;
    for (int b = '!'; b <= '~'; ++b) bs.push_back(b);
    for (int b = 0xA1; b <= 0xAC; ++b) bs.push_back(b);
    for (int b = 0xAE; b <= 0xFF; ++b) bs.push_back(b);
    std::vector<uint32_t> map(256, 0);
    std::vector<bool> have(256, false);
    for (int b : bs) map[b] = static_cast<uint32_t>(b), have[b] = true;
    uint32_t n = 0;
    for (int b = 0; b < 256; ++b) {
      if (!have[b]) map[b] = 256 + n++;
    }
    std::vector<std::string> out(256);
    for (int b = 0; b < 256; ++b) AppendUtf8(map[b], &out[b]);
    return out;
  }();
  return table;
}

size_t Utf8Len(uint8_t lead) {
  if (lead < 0x80) return 1;
  if ((lead & 0xE0) == 0xC0) return 2;
  if ((lead & 0xF0) == 0xE0) return 3;
  return 4;
}

}  // namespace

struct ClipTokenizer::Cache {
  std::mutex mu;
  std::unordered_map<std::string, std::vector<int>> map;
};

ClipTokenizer::ClipTokenizer() : cache_(std::make_unique<Cache>()) {}
ClipTokenizer::~ClipTokenizer() = default;
ClipTokenizer::ClipTokenizer(ClipTokenizer&&) noexcept = default;
ClipTokenizer& ClipTokenizer::operator=(ClipTokenizer&&) noexcept = default;

Result<ClipTokenizer> ClipTokenizer::Load(const std::string& vocab_json_path,
                                          const std::string& merges_txt_path) {
  auto read = [](const std::string& path) -> Result<std::string> {
    std::ifstream in(path, std::ios::binary);
    if (!in) return Status::NotFound("cannot open tokenizer file " + path);
    std::ostringstream ss;
    ss << in.rdbuf();
    return ss.str();
  };
  LANCET_ASSIGN_OR_RETURN(std::string vocab, read(vocab_json_path));
  LANCET_ASSIGN_OR_RETURN(std::string merges, read(merges_txt_path));
  return FromStrings(vocab, merges);
}

Result<ClipTokenizer> ClipTokenizer::FromStrings(const std::string& vocab_json,
                                                 const std::string& merges_txt) {
  ClipTokenizer t;
  nlohmann::json v = nlohmann::json::parse(vocab_json, nullptr, /*allow_exceptions=*/false);
  if (v.is_discarded() || !v.is_object() || v.empty()) {
    return Status::Corruption("vocab.json is not a JSON object of token -> id");
  }
  int max_id = -1;
  for (auto it = v.begin(); it != v.end(); ++it) {
    if (!it.value().is_number_integer()) {
      return Status::Corruption("vocab.json: id of '" + it.key() + "' is not an integer");
    }
    const int64_t id = it.value().get<int64_t>();
    if (id < 0 || id > 10'000'000) {
      return Status::Corruption("vocab.json: id of '" + it.key() + "' out of range");
    }
    t.vocab_[it.key()] = static_cast<int>(id);
    max_id = std::max(max_id, static_cast<int>(id));
  }
  t.id_to_token_.assign(static_cast<size_t>(max_id) + 1, std::string());
  for (const auto& [tok, id] : t.vocab_) t.id_to_token_[id] = tok;
  auto bos = t.vocab_.find(kStartOfText);
  auto eos = t.vocab_.find(kEndOfText);
  if (bos == t.vocab_.end() || eos == t.vocab_.end()) {
    return Status::Corruption("vocab.json lacks <|startoftext|> or <|endoftext|>");
  }
  t.bos_id_ = bos->second;
  t.eos_id_ = eos->second;
  t.pad_id_ = t.eos_id_;  // as the Hugging Face CLIP tokenizers pad
  // Every single byte symbol must be in the vocabulary (with and without </w>) for BPE to be
  // total.
  for (const std::string& b : ByteEncoder()) {
    if (!t.vocab_.count(b) || !t.vocab_.count(b + "</w>")) {
      return Status::Corruption("vocab.json lacks the byte symbol '" + b + "'");
    }
  }
  std::istringstream in(merges_txt);
  std::string line;
  int rank = 0;
  while (std::getline(in, line)) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.empty() || line[0] == '#') continue;  // "#version: 0.2"
    const size_t sp = line.find(' ');
    if (sp == std::string::npos || sp == 0 || sp + 1 >= line.size() ||
        line.find(' ', sp + 1) != std::string::npos) {
      return Status::Corruption("merges.txt line " + std::to_string(rank + 1) +
                                " is not 'a b': " + line.substr(0, 80));
    }
    t.merge_rank_.emplace(line, rank++);  // keeps the first rank of duplicates
  }
  return t;
}

std::string ClipTokenizer::CleanText(std::string_view text) {
  // 1. Decode (invalid bytes -> U+FFFD), NFC.
  std::string valid;
  valid.reserve(text.size());
  for (uint32_t cp : DecodeUtf8(text)) {
    if (cp != 0) AppendUtf8(cp, &valid);  // glib stops at NUL
  }
  gchar* nfc = g_utf8_normalize(valid.data(), static_cast<gssize>(valid.size()), G_NORMALIZE_NFC);
  std::string normalized = nfc ? std::string(nfc) : valid;
  g_free(nfc);
  // 2. Whitespace -> ' ', drop NUL, U+FFFD, control and format characters.
  std::vector<uint32_t> cps;
  for (uint32_t cp : DecodeUtf8(normalized)) {
    if (IsSpace(cp)) {
      cps.push_back(' ');
    } else if (cp == 0 || cp == 0xFFFD || IsControl(cp)) {
      continue;
    } else {
      cps.push_back(LowerNonLetter(cp));
    }
  }
  // Capital sigma: final form when it ends a word (Unicode Final_Sigma, as Python's str.lower();
  // glib's rule differs).
  for (size_t i = 0; i < cps.size(); ++i) {
    if (cps[i] != 0x3A3) continue;
    size_t j = i;
    while (j > 0 && IsCaseIgnorable(cps[j - 1])) --j;
    bool final_sigma = j > 0 && IsCased(cps[j - 1]);
    if (final_sigma) {
      size_t k = i + 1;
      while (k < cps.size() && IsCaseIgnorable(cps[k])) ++k;
      final_sigma = k == cps.size() || !IsCased(cps[k]);
    }
    cps[i] = final_sigma ? 0x3C2 : 0x3C3;
  }
  std::string cleaned;
  cleaned.reserve(normalized.size());
  for (uint32_t cp : cps) AppendUtf8(cp, &cleaned);
  // 3. Lower-case (full Unicode case mapping).
  gchar* lower = g_utf8_strdown(cleaned.data(), static_cast<gssize>(cleaned.size()));
  std::string lowered = lower ? std::string(lower) : cleaned;
  g_free(lower);
  // 4. Collapse whitespace runs, strip.
  std::string out;
  out.reserve(lowered.size());
  bool pending_space = false;
  for (uint32_t cp : DecodeUtf8(lowered)) {
    if (IsSpace(cp)) {
      pending_space = true;
      continue;
    }
    if (pending_space && !out.empty()) out.push_back(' ');
    pending_space = false;
    AppendUtf8(cp, &out);
  }
  return out;
}

std::vector<std::string> ClipTokenizer::PreTokenize(std::string_view s) {
  // <\|startoftext\|>|<\|endoftext\|>|'s|'t|'re|'ve|'m|'ll|'d|[\p{L}]+|[\p{N}]|[^\s\p{L}\p{N}]+
  static const char* const kLiterals[] = {kStartOfText, kEndOfText, "'s", "'t", "'re",
                                          "'ve",        "'m",       "'ll", "'d"};
  std::vector<uint32_t> cps = DecodeUtf8(s);
  // Byte offsets of every code point (s is valid UTF-8 after CleanText; recompute regardless).
  std::string text;
  std::vector<size_t> off;
  off.reserve(cps.size() + 1);
  for (uint32_t cp : cps) {
    off.push_back(text.size());
    AppendUtf8(cp, &text);
  }
  off.push_back(text.size());
  std::vector<std::string> pieces;
  size_t i = 0;
  const size_t n = cps.size();
  while (i < n) {
    bool matched = false;
    for (const char* lit : kLiterals) {
      const size_t len = std::char_traits<char>::length(lit);
      if (off[i] + len <= text.size() && text.compare(off[i], len, lit) == 0) {
        // Literals are ASCII: len code points.
        pieces.emplace_back(lit);
        i += len;
        matched = true;
        break;
      }
    }
    if (matched) continue;
    const uint32_t cp = cps[i];
    size_t j = i + 1;
    if (IsLetter(cp)) {
      while (j < n && IsLetter(cps[j])) ++j;
    } else if (IsNumber(cp)) {
      // single code point
    } else if (!IsSpace(cp)) {
      while (j < n && !IsSpace(cps[j]) && !IsLetter(cps[j]) && !IsNumber(cps[j])) ++j;
    } else {
      ++i;  // whitespace: not part of any match
      continue;
    }
    pieces.emplace_back(text.substr(off[i], off[j] - off[i]));
    i = j;
  }
  return pieces;
}

void ClipTokenizer::Bpe(const std::string& piece, std::vector<int>* out) const {
  if (piece == kStartOfText) {
    out->push_back(bos_id_);
    return;
  }
  if (piece == kEndOfText) {
    out->push_back(eos_id_);
    return;
  }
  {
    std::lock_guard<std::mutex> lock(cache_->mu);
    auto it = cache_->map.find(piece);
    if (it != cache_->map.end()) {
      out->insert(out->end(), it->second.begin(), it->second.end());
      return;
    }
  }
  // Byte-level symbols; the last one carries the end-of-word mark.
  const auto& enc = ByteEncoder();
  std::vector<std::string> word;
  for (unsigned char c : piece) word.push_back(enc[c]);
  if (word.empty()) return;
  word.back() += "</w>";
  std::string key;
  while (word.size() > 1) {
    int best = INT_MAX;
    size_t best_i = 0;
    for (size_t i = 0; i + 1 < word.size(); ++i) {
      key.assign(word[i]).append(" ").append(word[i + 1]);
      auto it = merge_rank_.find(key);
      if (it != merge_rank_.end() && it->second < best) best = it->second, best_i = i;
    }
    if (best == INT_MAX) break;
    const std::string first = word[best_i], second = word[best_i + 1];
    std::vector<std::string> merged;
    merged.reserve(word.size());
    for (size_t i = 0; i < word.size();) {
      if (i + 1 < word.size() && word[i] == first && word[i + 1] == second) {
        merged.push_back(first + second);
        i += 2;
      } else {
        merged.push_back(word[i]);
        ++i;
      }
    }
    word.swap(merged);
  }
  std::vector<int> ids;
  ids.reserve(word.size());
  for (const std::string& sym : word) {
    auto it = vocab_.find(sym);
    ids.push_back(it == vocab_.end() ? eos_id_ : it->second);  // unk = <|endoftext|>, as HF
  }
  out->insert(out->end(), ids.begin(), ids.end());
  std::lock_guard<std::mutex> lock(cache_->mu);
  if (cache_->map.size() >= kMaxCacheEntries) cache_->map.clear();
  cache_->map.emplace(piece, std::move(ids));
}

std::vector<int> ClipTokenizer::EncodeRaw(std::string_view text) const {
  std::vector<int> ids;
  for (const std::string& piece : PreTokenize(CleanText(text))) Bpe(piece, &ids);
  return ids;
}

TokenizedText ClipTokenizer::Encode(std::string_view text, int context_length) const {
  if (context_length < 2) context_length = 2;
  std::vector<int> raw = EncodeRaw(text);
  TokenizedText t;
  t.ids.reserve(context_length);
  t.ids.push_back(bos_id_);
  const size_t keep = std::min(raw.size(), static_cast<size_t>(context_length - 2));
  t.ids.insert(t.ids.end(), raw.begin(), raw.begin() + static_cast<std::ptrdiff_t>(keep));
  t.ids.push_back(eos_id_);
  t.length = static_cast<int>(t.ids.size());
  t.ids.resize(context_length, pad_id_);
  return t;
}

std::string ClipTokenizer::Decode(const std::vector<int>& ids) const {
  static const std::unordered_map<std::string, uint8_t> decoder = [] {
    std::unordered_map<std::string, uint8_t> m;
    const auto& enc = ByteEncoder();
    for (int b = 0; b < 256; ++b) m[enc[b]] = static_cast<uint8_t>(b);
    return m;
  }();
  std::string joined;
  for (int id : ids) {
    if (id == bos_id_ || id == eos_id_ || id < 0 ||
        static_cast<size_t>(id) >= id_to_token_.size()) {
      continue;
    }
    std::string tok = id_to_token_[id];
    bool eow = false;
    if (tok.size() >= 4 && tok.compare(tok.size() - 4, 4, "</w>") == 0) {
      tok.resize(tok.size() - 4);
      eow = true;
    }
    for (size_t i = 0; i < tok.size();) {
      const size_t len = std::min(Utf8Len(static_cast<uint8_t>(tok[i])), tok.size() - i);
      auto it = decoder.find(tok.substr(i, len));
      if (it != decoder.end()) joined.push_back(static_cast<char>(it->second));
      i += len;
    }
    if (eow) joined.push_back(' ');
  }
  while (!joined.empty() && joined.back() == ' ') joined.pop_back();
  return joined;
}

}  // namespace lancet::embed
