// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The lancet authors
//
// Micro benchmarks of the compressive-encoding hot paths: FastLanes unpack, mini-block chunk
// decode (InlineBitpacking, RLE, Variable, FSST) and general decompression.
#include <benchmark/benchmark.h>

#include <random>
#include <string>
#include <vector>

#include "encodings_v2_1.pb.h"
#include "lancet/encoding/data_block.h"
#include "lancet/encoding/fastlanes.h"
#include "lancet/encoding/fsst.h"
#include "lancet/encoding/general_compression.h"
#include "lancet/encoding/rle.h"

namespace lancet::encoding {
namespace {

namespace pb = ::lance::encodings21;

template <typename T>
void BM_FastLanesUnpack(benchmark::State& state) {
  const uint32_t width = static_cast<uint32_t>(state.range(0));
  std::mt19937_64 rng(1);
  std::vector<T> values(1024);
  const uint64_t mask = width >= 64 ? ~uint64_t{0} : ((uint64_t{1} << width) - 1);
  for (auto& v : values) v = static_cast<T>(rng() & mask);
  std::vector<T> packed(1024);
  FastLanesPackBlock<T>(width, values.data(), packed.data());
  std::vector<T> out(1024);
  for (auto _ : state) {
    FastLanesUnpackBlock<T>(width, packed.data(), out.data());
    benchmark::DoNotOptimize(out.data());
  }
  state.SetItemsProcessed(state.iterations() * 1024);
  state.SetBytesProcessed(state.iterations() * 1024 * sizeof(T));
}
BENCHMARK_TEMPLATE(BM_FastLanesUnpack, uint8_t)->Arg(3);
BENCHMARK_TEMPLATE(BM_FastLanesUnpack, uint16_t)->Arg(11);
BENCHMARK_TEMPLATE(BM_FastLanesUnpack, uint32_t)->Arg(1)->Arg(7)->Arg(17)->Arg(32);
BENCHMARK_TEMPLATE(BM_FastLanesUnpack, uint64_t)->Arg(20)->Arg(47);

template <typename T>
void BM_FastLanesPack(benchmark::State& state) {
  const uint32_t width = static_cast<uint32_t>(state.range(0));
  std::mt19937_64 rng(1);
  std::vector<T> values(1024);
  for (auto& v : values) v = static_cast<T>(rng());
  std::vector<T> packed(1024);
  for (auto _ : state) {
    FastLanesPackBlock<T>(width, values.data(), packed.data());
    benchmark::DoNotOptimize(packed.data());
  }
  state.SetItemsProcessed(state.iterations() * 1024);
}
BENCHMARK_TEMPLATE(BM_FastLanesPack, uint32_t)->Arg(7)->Arg(17);
BENCHMARK_TEMPLATE(BM_FastLanesPack, uint64_t)->Arg(20);

void BM_InlineBitpackingChunk(benchmark::State& state) {
  std::vector<uint64_t> values(1024);
  for (size_t i = 0; i < values.size(); ++i) values[i] = 1000000 + i * 13;
  Buffer chunk =
      InlineBitpackEncodeChunk(reinterpret_cast<uint8_t*>(values.data()), 1024, 64).ValueOrDie();
  pb::CompressiveEncoding enc;
  enc.mutable_inline_bitpacking()->set_uncompressed_bits_per_value(64);
  for (auto _ : state) {
    auto block = DecompressMiniBlockChunk(enc, {chunk}, 1024);
    benchmark::DoNotOptimize(block);
  }
  state.SetItemsProcessed(state.iterations() * 1024);
}
BENCHMARK(BM_InlineBitpackingChunk);

void BM_RleChunk(benchmark::State& state) {
  std::vector<uint32_t> values(2048);
  for (size_t i = 0; i < values.size(); ++i) values[i] = static_cast<uint32_t>(i / 50);
  RleEncoded rle =
      RleEncode(reinterpret_cast<uint8_t*>(values.data()), values.size(), 32).ValueOrDie();
  pb::CompressiveEncoding enc;
  enc.mutable_rle()->mutable_values()->mutable_flat()->set_bits_per_value(32);
  enc.mutable_rle()->mutable_run_lengths()->mutable_flat()->set_bits_per_value(8);
  for (auto _ : state) {
    auto block = DecompressMiniBlockChunk(enc, {rle.values, rle.run_lengths}, values.size());
    benchmark::DoNotOptimize(block);
  }
  state.SetItemsProcessed(state.iterations() * values.size());
}
BENCHMARK(BM_RleChunk);

struct StringPage {
  std::string data;
  std::vector<uint32_t> offsets{0};
};

StringPage Urls(int n) {
  StringPage p;
  std::mt19937_64 rng(3);
  for (int i = 0; i < n; ++i) {
    p.data += "https://images.example.org/collections/" + std::to_string(rng() % 50) + "/img_" +
              std::to_string(rng() % 1000000) + ".jpg";
    p.offsets.push_back(static_cast<uint32_t>(p.data.size()));
  }
  return p;
}

// A mini-block Variable chunk of the given values: offsets relative to the chunk start.
Buffer VariableChunk(const std::string& data, const std::vector<uint32_t>& offsets, size_t n) {
  std::vector<uint32_t> rel(n + 1);
  const uint32_t head = static_cast<uint32_t>((n + 1) * 4);
  for (size_t i = 0; i <= n; ++i) rel[i] = head + offsets[i] - offsets[0];
  std::string chunk(reinterpret_cast<const char*>(rel.data()), rel.size() * 4);
  chunk.append(data, offsets[0], offsets[n] - offsets[0]);
  while (chunk.size() % 4) chunk.push_back(0x48);
  return Buffer::FromString(std::move(chunk));
}

void BM_VariableChunk(benchmark::State& state) {
  StringPage p = Urls(64);
  Buffer chunk = VariableChunk(p.data, p.offsets, 64);
  pb::CompressiveEncoding enc;
  enc.mutable_variable()->mutable_offsets()->mutable_flat()->set_bits_per_value(32);
  for (auto _ : state) {
    auto block = DecompressMiniBlockChunk(enc, {chunk}, 64);
    benchmark::DoNotOptimize(block);
  }
  state.SetItemsProcessed(state.iterations() * 64);
}
BENCHMARK(BM_VariableChunk);

void BM_FsstChunk(benchmark::State& state) {
  StringPage p = Urls(5000);
  FsstCompressed c = FsstCompress(reinterpret_cast<const uint8_t*>(p.data.data()), p.data.size(),
                                  reinterpret_cast<const uint8_t*>(p.offsets.data()), 32, 5000)
                         .ValueOrDie();
  std::vector<uint32_t> offs(c.offsets.data_as<uint32_t>(), c.offsets.data_as<uint32_t>() + 5001);
  Buffer chunk = VariableChunk(std::string(c.data.view()), offs, 128);
  pb::CompressiveEncoding enc;
  enc.mutable_fsst()->set_symbol_table(c.symbol_table);
  enc.mutable_fsst()
      ->mutable_values()
      ->mutable_variable()
      ->mutable_offsets()
      ->mutable_flat()
      ->set_bits_per_value(32);
  const int64_t raw = p.offsets[128] - p.offsets[0];
  for (auto _ : state) {
    auto block = DecompressMiniBlockChunk(enc, {chunk}, 128);
    benchmark::DoNotOptimize(block);
  }
  state.SetItemsProcessed(state.iterations() * 128);
  state.SetBytesProcessed(state.iterations() * raw);
  state.counters["ratio"] = static_cast<double>(c.data.size()) / p.data.size();
}
BENCHMARK(BM_FsstChunk);

void BM_FsstTrain(benchmark::State& state) {
  StringPage p = Urls(5000);
  for (auto _ : state) {
    auto t = FsstSymbolTable::Train(reinterpret_cast<const uint8_t*>(p.data.data()), p.data.size(),
                                    reinterpret_cast<const uint8_t*>(p.offsets.data()), 32, 5000);
    benchmark::DoNotOptimize(t);
  }
}
BENCHMARK(BM_FsstTrain);

void BM_GeneralDecompress(benchmark::State& state) {
  const GeneralScheme scheme = state.range(0) == 0 ? GeneralScheme::kZstd : GeneralScheme::kLz4;
  StringPage p = Urls(20000);
  Buffer comp = GeneralCompress(scheme, std::nullopt,
                                reinterpret_cast<const uint8_t*>(p.data.data()), p.data.size())
                    .ValueOrDie();
  for (auto _ : state) {
    auto out = GeneralDecompress(scheme, comp.data(), comp.size());
    benchmark::DoNotOptimize(out);
  }
  state.SetBytesProcessed(state.iterations() * static_cast<int64_t>(p.data.size()));
}
BENCHMARK(BM_GeneralDecompress)->Arg(0)->Arg(1);

}  // namespace
}  // namespace lancet::encoding
