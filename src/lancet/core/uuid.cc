// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The lancet authors
#include "lancet/core/uuid.h"

#include <mutex>
#include <random>

namespace lancet {
namespace {

std::mt19937_64& Engine() {
  static std::mt19937_64 engine([] {
    std::random_device rd;
    std::seed_seq seq{rd(), rd(), rd(), rd(), rd(), rd(), rd(), rd()};
    return std::mt19937_64(seq);
  }());
  return engine;
}
std::mutex g_mu;

}  // namespace

uint64_t RandomU64() {
  std::lock_guard<std::mutex> lock(g_mu);
  return Engine()();
}

Uuid NewUuid() {
  Uuid u;
  uint64_t a = RandomU64(), b = RandomU64();
  for (int i = 0; i < 8; ++i) {
    u[i] = static_cast<uint8_t>(a >> (8 * i));
    u[8 + i] = static_cast<uint8_t>(b >> (8 * i));
  }
  u[6] = (u[6] & 0x0F) | 0x40;
  u[8] = (u[8] & 0x3F) | 0x80;
  return u;
}

std::string UuidToString(const Uuid& u) {
  static const char* kHex = "0123456789abcdef";
  std::string s;
  for (int i = 0; i < 16; ++i) {
    if (i == 4 || i == 6 || i == 8 || i == 10) s.push_back('-');
    s.push_back(kHex[u[i] >> 4]);
    s.push_back(kHex[u[i] & 15]);
  }
  return s;
}

}  // namespace lancet
