// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The lancet authors
#include "lancet/core/buffer.h"

namespace lancet {

Buffer Buffer::FromVector(std::vector<uint8_t> bytes) {
  auto holder = std::make_shared<std::vector<uint8_t>>(std::move(bytes));
  const uint8_t* data = holder->data();
  int64_t size = static_cast<int64_t>(holder->size());
  return Wrap(std::move(holder), data, size);
}

Buffer Buffer::FromString(std::string bytes) {
  auto holder = std::make_shared<std::string>(std::move(bytes));
  const auto* data = reinterpret_cast<const uint8_t*>(holder->data());
  int64_t size = static_cast<int64_t>(holder->size());
  return Wrap(std::move(holder), data, size);
}

Buffer Buffer::Copy(const void* data, int64_t size) {
  const auto* p = static_cast<const uint8_t*>(data);
  return FromVector(std::vector<uint8_t>(p, p + size));
}

Buffer Buffer::Zeros(int64_t size) {
  return FromVector(std::vector<uint8_t>(static_cast<size_t>(size), 0));
}

}  // namespace lancet
