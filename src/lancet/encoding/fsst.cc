// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The lancet authors
#include "lancet/encoding/fsst.h"

#include <algorithm>
#include <cstring>
#include <limits>
#include <new>
#include <unordered_map>
#include <utility>

namespace lancet::encoding {

namespace {

constexpr size_t kSampleTarget = 16 * 1024;
constexpr size_t kSamplePieceMax = 512;
constexpr int kTrainingRounds = 5;

constexpr uint64_t LengthMask(uint32_t len) {
  return len >= 8 ? ~uint64_t{0} : ((uint64_t{1} << (8 * len)) - 1);
}

inline uint64_t OffsetAt(const uint8_t* offsets, uint32_t bits, uint64_t i) {
  if (bits == 32) {
    uint32_t v;
    std::memcpy(&v, offsets + 4 * i, 4);
    return v;
  }
  uint64_t v;
  std::memcpy(&v, offsets + 8 * i, 8);
  return v;
}

Status CheckOffsets(const uint8_t* offsets, uint32_t bits, uint64_t num_values, size_t data_size) {
  if (bits != 32 && bits != 64) {
    return Status::InvalidArgument("offsets must be 32 or 64 bits, got " + std::to_string(bits));
  }
  uint64_t prev = OffsetAt(offsets, bits, 0);
  if (prev > data_size) {
    return Status::Corruption("first offset " + std::to_string(prev) + " beyond the " +
                              std::to_string(data_size) + "-byte data");
  }
  for (uint64_t i = 1; i <= num_values; ++i) {
    const uint64_t cur = OffsetAt(offsets, bits, i);
    if (cur < prev || cur > data_size) {
      return Status::Corruption("offset " + std::to_string(i) + " (" + std::to_string(cur) +
                                ") is decreasing or beyond the " + std::to_string(data_size) +
                                "-byte data");
    }
    prev = cur;
  }
  return Status::OK();
}

Buffer OffsetsBuffer(const std::vector<uint64_t>& offs, uint32_t bits) {
  if (bits == 64) return Buffer::Copy(offs.data(), static_cast<int64_t>(offs.size() * 8));
  std::vector<uint8_t> bytes(offs.size() * 4);
  for (size_t i = 0; i < offs.size(); ++i) {
    const uint32_t v = static_cast<uint32_t>(offs[i]);
    std::memcpy(bytes.data() + 4 * i, &v, 4);
  }
  return Buffer::FromVector(std::move(bytes));
}

// A growable byte array without zero-initialization; becomes a Buffer at the end.
class RawBytes {
 public:
  // Ensure room for n bytes, preserving the first `used` bytes.
  Status Reserve(size_t n, size_t used) {
    if (n <= cap_) return Status::OK();
    const size_t want = std::max(n, cap_ * 2);
    std::unique_ptr<uint8_t[]> next(new (std::nothrow) uint8_t[want]);
    if (!next) return Status::OutOfMemory("cannot allocate " + std::to_string(want) + " bytes");
    if (used > 0) std::memcpy(next.get(), data_.get(), used);
    data_ = std::move(next);
    cap_ = want;
    return Status::OK();
  }
  uint8_t* data() { return data_.get(); }
  size_t size() const { return size_; }
  void set_size(size_t n) { size_ = n; }
  Buffer Finish() {
    if (size_ == 0) return Buffer();
    if (cap_ > 2 * size_ + 4096) return Buffer::Copy(data_.get(), static_cast<int64_t>(size_));
    std::shared_ptr<uint8_t[]> owner(data_.release());
    const uint8_t* p = owner.get();
    return Buffer::Wrap(std::shared_ptr<const void>(std::move(owner), p), p,
                        static_cast<int64_t>(size_));
  }

 private:
  std::unique_ptr<uint8_t[]> data_;
  size_t cap_ = 0;
  size_t size_ = 0;
};

struct SymbolKey {
  uint64_t val;
  uint32_t len;
  bool operator==(const SymbolKey& o) const { return val == o.val && len == o.len; }
};
struct SymbolKeyHash {
  size_t operator()(const SymbolKey& k) const {
    uint64_t h = (k.val ^ (uint64_t{k.len} << 59)) * 0x9E3779B97F4A7C15ULL;
    return static_cast<size_t>(h ^ (h >> 29));
  }
};

}  // namespace

// Longest-match lookup: for every first byte, the codes starting with it, longest first.
struct FsstSymbolTable::EncoderIndex {
  uint16_t bucket_start[257] = {};
  uint8_t codes[256] = {};
};

FsstSymbolTable::FsstSymbolTable() = default;
FsstSymbolTable::~FsstSymbolTable() = default;
FsstSymbolTable::FsstSymbolTable(const FsstSymbolTable&) = default;
FsstSymbolTable& FsstSymbolTable::operator=(const FsstSymbolTable&) = default;
FsstSymbolTable::FsstSymbolTable(FsstSymbolTable&&) noexcept = default;
FsstSymbolTable& FsstSymbolTable::operator=(FsstSymbolTable&&) noexcept = default;

std::shared_ptr<const FsstSymbolTable::EncoderIndex> FsstSymbolTable::MakeIndex() const {
  auto index = std::make_shared<EncoderIndex>();
  std::vector<uint8_t> order(static_cast<size_t>(num_symbols_));
  for (int i = 0; i < num_symbols_; ++i) order[i] = static_cast<uint8_t>(i);
  std::stable_sort(order.begin(), order.end(), [&](uint8_t a, uint8_t b) {
    const uint8_t fa = static_cast<uint8_t>(symbols_[a]);
    const uint8_t fb = static_cast<uint8_t>(symbols_[b]);
    if (fa != fb) return fa < fb;
    return lengths_[a] > lengths_[b];
  });
  size_t k = 0;
  for (int b = 0; b < 256; ++b) {
    index->bucket_start[b] = static_cast<uint16_t>(k);
    while (k < order.size() && static_cast<uint8_t>(symbols_[order[k]]) == b) {
      index->codes[k] = order[k];
      ++k;
    }
  }
  index->bucket_start[256] = static_cast<uint16_t>(k);
  return index;
}

void FsstSymbolTable::BuildIndex() { index_ = MakeIndex(); }

Result<FsstSymbolTable> FsstSymbolTable::Deserialize(const uint8_t* bytes, size_t size) {
  if (size != kFsstSymbolTableBytes) {
    return Status::Corruption("FSST symbol table must be " + std::to_string(kFsstSymbolTableBytes) +
                              " bytes, got " + std::to_string(size));
  }
  uint64_t header;
  std::memcpy(&header, bytes, 8);
  if ((header >> 32) != (kFsstMagic >> 32)) {
    return Status::Corruption("FSST symbol table has a bad magic number");
  }
  FsstSymbolTable t;
  t.enabled_ = ((header >> 24) & 1) != 0;
  t.suffix_lim_ = static_cast<uint8_t>(header >> 16);
  t.terminator_ = static_cast<uint8_t>(header >> 8);
  t.num_symbols_ = static_cast<int>(header & 0xFF);
  const int n = t.num_symbols_;
  for (int i = 0; i < n; ++i) {
    const uint8_t len = bytes[8 + 8 * n + i];
    if (len == 0 || len > kFsstMaxSymbolLength) {
      return Status::Corruption("FSST symbol " + std::to_string(i) + " has invalid length " +
                                std::to_string(len));
    }
    uint64_t sym;
    std::memcpy(&sym, bytes + 8 + 8 * i, 8);
    t.symbols_[i] = sym & LengthMask(len);
    t.lengths_[i] = len;
  }
  // The encoder index is built on first use by CompressValue; decoding does not need it.
  return t;
}

Result<FsstSymbolTable> FsstSymbolTable::FromSymbols(const std::vector<std::string>& symbols) {
  if (symbols.size() > static_cast<size_t>(kFsstMaxSymbols)) {
    return Status::InvalidArgument("FSST tables hold at most 255 symbols");
  }
  FsstSymbolTable t;
  t.enabled_ = true;
  t.num_symbols_ = static_cast<int>(symbols.size());
  for (size_t i = 0; i < symbols.size(); ++i) {
    const std::string& s = symbols[i];
    if (s.empty() || s.size() > static_cast<size_t>(kFsstMaxSymbolLength)) {
      return Status::InvalidArgument("FSST symbols are 1..8 bytes, got " +
                                     std::to_string(s.size()));
    }
    uint64_t v = 0;
    std::memcpy(&v, s.data(), s.size());
    t.symbols_[i] = v;
    t.lengths_[i] = static_cast<uint8_t>(s.size());
  }
  t.BuildIndex();
  return t;
}

std::string FsstSymbolTable::Serialize() const {
  std::string out(kFsstSymbolTableBytes, '\0');
  const uint64_t header = kFsstMagic | (uint64_t{enabled_ ? 1u : 0u} << 24) |
                          (uint64_t{suffix_lim_} << 16) | (uint64_t{terminator_} << 8) |
                          static_cast<uint64_t>(num_symbols_ & 0xFF);
  std::memcpy(out.data(), &header, 8);
  for (int i = 0; i < num_symbols_; ++i) {
    std::memcpy(out.data() + 8 + 8 * i, &symbols_[i], 8);
    out[8 + 8 * num_symbols_ + i] = static_cast<char>(lengths_[i]);
  }
  return out;
}

void FsstSymbolTable::CompressValue(const uint8_t* in, size_t size,
                                    std::vector<uint8_t>* out) const {
  std::shared_ptr<const EncoderIndex> local;
  if (!index_) local = MakeIndex();
  const EncoderIndex& index = index_ ? *index_ : *local;
  size_t p = 0;
  while (p < size) {
    const size_t rem = size - p;
    uint64_t word = 0;
    std::memcpy(&word, in + p, rem >= 8 ? 8 : rem);
    const uint8_t first = in[p];
    int code = -1;
    for (uint32_t k = index.bucket_start[first]; k < index.bucket_start[first + 1]; ++k) {
      const uint8_t c = index.codes[k];
      const uint32_t len = lengths_[c];
      if (len <= rem && (word & LengthMask(len)) == symbols_[c]) {
        code = c;
        break;
      }
    }
    if (code >= 0) {
      out->push_back(static_cast<uint8_t>(code));
      p += lengths_[code];
    } else {
      out->push_back(kFsstEscape);
      out->push_back(first);
      p += 1;
    }
  }
}

Result<size_t> FsstSymbolTable::DecompressValue(const uint8_t* in, size_t size,
                                                uint8_t* out) const {
  const uint8_t* end = in + size;
  uint8_t* dst = out;
  const uint32_t n = static_cast<uint32_t>(num_symbols_);
  while (in < end) {
    const uint8_t c = *in++;
    if (c < n) {
      std::memcpy(dst, &symbols_[c], 8);
      dst += lengths_[c];
    } else if (c == kFsstEscape) {
      if (in == end) return Status::Corruption("FSST value ends with an escape code");
      *dst++ = *in++;
    } else {
      return Status::Corruption("FSST code " + std::to_string(c) + " is not in the " +
                                std::to_string(n) + "-symbol table");
    }
  }
  return static_cast<size_t>(dst - out);
}

Result<FsstSymbolTable> FsstSymbolTable::Train(const uint8_t* data, size_t data_size,
                                               const uint8_t* offsets, uint32_t offset_bits,
                                               uint64_t num_values) {
  LANCET_RETURN_NOT_OK(CheckOffsets(offsets, offset_bits, num_values, data_size));
  // 1. A deterministic sample of at most ~16 KiB of value pieces.
  std::vector<std::pair<const uint8_t*, size_t>> sample;
  const uint64_t first = OffsetAt(offsets, offset_bits, 0);
  const uint64_t total = OffsetAt(offsets, offset_bits, num_values) - first;
  if (total <= kSampleTarget) {
    for (uint64_t i = 0; i < num_values; ++i) {
      const uint64_t s = OffsetAt(offsets, offset_bits, i);
      const uint64_t e = OffsetAt(offsets, offset_bits, i + 1);
      if (e > s) sample.emplace_back(data + s, static_cast<size_t>(e - s));
    }
  } else {
    uint64_t rng = 0x243F6A8885A308D3ULL;
    auto next = [&rng]() {
      rng ^= rng << 13;
      rng ^= rng >> 7;
      rng ^= rng << 17;
      return rng;
    };
    size_t taken = 0;
    for (uint64_t attempts = 0; taken < kSampleTarget && attempts < 4 * num_values + 4096;
         ++attempts) {
      const uint64_t i = next() % num_values;
      const uint64_t s = OffsetAt(offsets, offset_bits, i);
      const uint64_t e = OffsetAt(offsets, offset_bits, i + 1);
      if (e == s) continue;
      size_t len = static_cast<size_t>(e - s);
      uint64_t start = s;
      if (len > kSamplePieceMax) {
        start += next() % (len - kSamplePieceMax + 1);
        len = kSamplePieceMax;
      }
      sample.emplace_back(data + start, len);
      taken += len;
    }
  }

  // 2. Terminator: the least frequent byte of the sample (as Lance's encoder picks it).
  uint64_t histo[256] = {};
  for (const auto& [p, n] : sample) {
    for (size_t i = 0; i < n; ++i) ++histo[p[i]];
  }
  uint8_t terminator = 0;
  for (int b = 1; b < 256; ++b) {
    if (histo[b] < histo[terminator]) terminator = static_cast<uint8_t>(b);
  }

  // 3. Iteratively: parse the sample with the current table, count symbols and adjacent symbol
  // pairs, and keep the 255 candidates (used symbols and concatenations of pairs) of highest
  // gain = frequency x length (single bytes weighted x8, since each avoids a 2-byte escape).
  // Token ids: code c -> c, literal byte b -> 256 + b.
  FsstSymbolTable table;
  table.enabled_ = true;
  table.terminator_ = terminator;
  table.BuildIndex();
  FsstSymbolTable best = table;
  uint64_t best_size = std::numeric_limits<uint64_t>::max();
  std::vector<uint32_t> count1(512);
  std::vector<uint32_t> count2(512 * 512);
  auto token_symbol = [](const FsstSymbolTable& t, uint32_t id) -> SymbolKey {
    if (id >= 256) return {id - 256, 1};
    return {t.symbols_[id], t.lengths_[id]};
  };
  for (int round = 0; round <= kTrainingRounds; ++round) {
    std::fill(count1.begin(), count1.end(), 0);
    std::fill(count2.begin(), count2.end(), 0);
    const EncoderIndex& index = *table.index_;
    uint64_t encoded_size = 0;
    for (const auto& [in, size] : sample) {
      size_t p = 0;
      uint32_t prev = UINT32_MAX;
      while (p < size) {
        const size_t rem = size - p;
        uint64_t word = 0;
        std::memcpy(&word, in + p, rem >= 8 ? 8 : rem);
        const uint8_t b = in[p];
        uint32_t id = 256 + b;
        for (uint32_t k = index.bucket_start[b]; k < index.bucket_start[b + 1]; ++k) {
          const uint8_t c = index.codes[k];
          const uint32_t len = table.lengths_[c];
          if (len <= rem && (word & LengthMask(len)) == table.symbols_[c]) {
            id = c;
            break;
          }
        }
        encoded_size += id >= 256 ? 2 : 1;
        p += id >= 256 ? 1 : table.lengths_[id];
        ++count1[id];
        if (prev != UINT32_MAX) ++count2[prev * 512 + id];
        prev = id;
      }
    }
    if (encoded_size < best_size) {
      best_size = encoded_size;
      best = table;
    }
    if (round == kTrainingRounds) break;

    std::unordered_map<SymbolKey, uint64_t, SymbolKeyHash> gains;
    for (uint32_t id = 0; id < 512; ++id) {
      if (count1[id] == 0) continue;
      const SymbolKey s = token_symbol(table, id);
      gains[s] += uint64_t{count1[id]} * s.len * (s.len == 1 ? 8 : 1);
      if (s.len == static_cast<uint32_t>(kFsstMaxSymbolLength)) continue;
      for (uint32_t id2 = 0; id2 < 512; ++id2) {
        const uint32_t cnt = count2[id * 512 + id2];
        if (cnt == 0) continue;
        const SymbolKey s2 = token_symbol(table, id2);
        const uint32_t len = std::min<uint32_t>(s.len + s2.len, kFsstMaxSymbolLength);
        const SymbolKey cat{(s.val | (s2.val << (8 * s.len))) & LengthMask(len), len};
        gains[cat] += uint64_t{cnt} * len;
      }
    }
    std::vector<std::pair<uint64_t, SymbolKey>> ranked;
    ranked.reserve(gains.size());
    for (const auto& [k, g] : gains) ranked.emplace_back(g, k);
    std::sort(ranked.begin(), ranked.end(), [](const auto& a, const auto& b) {
      if (a.first != b.first) return a.first > b.first;
      if (a.second.len != b.second.len) return a.second.len > b.second.len;
      return a.second.val < b.second.val;
    });
    FsstSymbolTable next;
    next.enabled_ = true;
    next.terminator_ = terminator;
    for (const auto& [g, k] : ranked) {
      if (next.num_symbols_ == kFsstMaxSymbols) break;
      next.symbols_[next.num_symbols_] = k.val;
      next.lengths_[next.num_symbols_] = static_cast<uint8_t>(k.len);
      ++next.num_symbols_;
    }
    next.BuildIndex();
    table = std::move(next);
  }
  if (!best.index_) best.BuildIndex();
  return best;
}

Result<FsstCompressed> FsstCompressWithTable(const FsstSymbolTable& table, const uint8_t* data,
                                             size_t data_size, const uint8_t* offsets,
                                             uint32_t offset_bits, uint64_t num_values) {
  LANCET_RETURN_NOT_OK(CheckOffsets(offsets, offset_bits, num_values, data_size));
  FsstCompressed result;
  result.symbol_table = table.Serialize();
  FsstSymbolTable indexed = table;
  if (!indexed.index_) indexed.BuildIndex();
  std::vector<uint64_t> out_offsets;
  out_offsets.reserve(num_values + 1);
  out_offsets.push_back(0);
  std::vector<uint8_t> out;
  const uint64_t base = OffsetAt(offsets, offset_bits, 0);
  if (!table.enabled()) {
    const uint64_t end = OffsetAt(offsets, offset_bits, num_values);
    out.assign(data + base, data + end);
    for (uint64_t i = 1; i <= num_values; ++i) {
      out_offsets.push_back(OffsetAt(offsets, offset_bits, i) - base);
    }
  } else {
    out.reserve(data_size / 2 + 16);
    uint64_t prev = base;
    for (uint64_t i = 1; i <= num_values; ++i) {
      const uint64_t cur = OffsetAt(offsets, offset_bits, i);
      indexed.CompressValue(data + prev, static_cast<size_t>(cur - prev), &out);
      out_offsets.push_back(out.size());
      prev = cur;
    }
  }
  if (offset_bits == 32 && out.size() > std::numeric_limits<uint32_t>::max()) {
    return Status::InvalidArgument("FSST output overflows 32-bit offsets");
  }
  result.data = Buffer::FromVector(std::move(out));
  result.offsets = OffsetsBuffer(out_offsets, offset_bits);
  return result;
}

Result<FsstCompressed> FsstCompress(const uint8_t* data, size_t data_size, const uint8_t* offsets,
                                    uint32_t offset_bits, uint64_t num_values,
                                    size_t min_input_bytes) {
  LANCET_RETURN_NOT_OK(CheckOffsets(offsets, offset_bits, num_values, data_size));
  const uint64_t used =
      OffsetAt(offsets, offset_bits, num_values) - OffsetAt(offsets, offset_bits, 0);
  if (used < min_input_bytes) {
    return FsstCompressWithTable(FsstSymbolTable(), data, data_size, offsets, offset_bits,
                                 num_values);
  }
  LANCET_ASSIGN_OR_RETURN(FsstSymbolTable table, FsstSymbolTable::Train(data, data_size, offsets,
                                                                        offset_bits, num_values));
  return FsstCompressWithTable(table, data, data_size, offsets, offset_bits, num_values);
}

Status FsstDecompress(const FsstSymbolTable& table, const uint8_t* data, size_t data_size,
                      const uint8_t* offsets, uint32_t offset_bits, uint64_t num_values,
                      Buffer* out_data, Buffer* out_offsets) {
  LANCET_RETURN_NOT_OK(CheckOffsets(offsets, offset_bits, num_values, data_size));
  const uint64_t base = OffsetAt(offsets, offset_bits, 0);
  const uint64_t last = OffsetAt(offsets, offset_bits, num_values);
  std::vector<uint64_t> offs;
  offs.reserve(num_values + 1);
  offs.push_back(0);
  if (!table.enabled()) {
    for (uint64_t i = 1; i <= num_values; ++i)
      offs.push_back(OffsetAt(offsets, offset_bits, i) - base);
    *out_data = Buffer::Copy(data + base, static_cast<int64_t>(last - base));
    *out_offsets = OffsetsBuffer(offs, offset_bits);
    return Status::OK();
  }
  RawBytes out;
  LANCET_RETURN_NOT_OK(out.Reserve(static_cast<size_t>(3 * (last - base)) + 64, 0));
  size_t pos = 0;
  uint64_t prev = base;
  for (uint64_t i = 1; i <= num_values; ++i) {
    const uint64_t cur = OffsetAt(offsets, offset_bits, i);
    const size_t in_len = static_cast<size_t>(cur - prev);
    LANCET_RETURN_NOT_OK(out.Reserve(pos + 8 * in_len + 8, pos));
    LANCET_ASSIGN_OR_RETURN(size_t n, table.DecompressValue(data + prev, in_len, out.data() + pos));
    pos += n;
    if (offset_bits == 32 && pos > std::numeric_limits<uint32_t>::max()) {
      return Status::Corruption("FSST output overflows 32-bit offsets");
    }
    offs.push_back(pos);
    prev = cur;
  }
  out.set_size(pos);
  *out_data = out.Finish();
  *out_offsets = OffsetsBuffer(offs, offset_bits);
  return Status::OK();
}

}  // namespace lancet::encoding
