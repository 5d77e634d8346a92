// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The lancet authors
//
// Buffer: an immutable, reference-counted view of contiguous bytes. Copying a Buffer shares the
// underlying memory; Slice() returns a view that keeps the owner alive. Buffers are safe to read
// from many threads. BufferBuilder is the single-owner growable byte vector used to produce them.
#pragma once

#include <cstdint>
#include <cstring>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace lancet {

static_assert(__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__, "lancet requires a little-endian host");

class Buffer {
 public:
  Buffer() = default;

  /// \brief Take ownership of a byte vector.
  static Buffer FromVector(std::vector<uint8_t> bytes);
  /// \brief Take ownership of a string's bytes.
  static Buffer FromString(std::string bytes);
  /// \brief Copy `size` bytes from `data`.
  static Buffer Copy(const void* data, int64_t size);
  /// \brief Wrap memory kept alive by `owner`.
  static Buffer Wrap(std::shared_ptr<const void> owner, const uint8_t* data, int64_t size) {
    Buffer b;
    b.owner_ = std::move(owner);
    b.data_ = data;
    b.size_ = size;
    return b;
  }
  /// \brief Allocate `size` zeroed bytes.
  static Buffer Zeros(int64_t size);

  const uint8_t* data() const { return data_; }
  int64_t size() const { return size_; }
  bool empty() const { return size_ == 0; }
  template <typename T>
  const T* data_as() const {
    return reinterpret_cast<const T*>(data_);
  }
  std::string_view view() const {
    return std::string_view(reinterpret_cast<const char*>(data_), static_cast<size_t>(size_));
  }
  /// \brief Return a view of [offset, offset+length); the caller guarantees the bounds.
  Buffer Slice(int64_t offset, int64_t length) const {
    Buffer b = *this;
    b.data_ += offset;
    b.size_ = length;
    return b;
  }
  bool Equals(const Buffer& other) const {
    return size_ == other.size_ && (size_ == 0 || std::memcmp(data_, other.data_, size_) == 0);
  }

 private:
  std::shared_ptr<const void> owner_;
  const uint8_t* data_ = nullptr;
  int64_t size_ = 0;
};

/// A growable byte vector that becomes a Buffer. Not thread-safe.
class BufferBuilder {
 public:
  void Append(const void* data, size_t n) {
    const auto* p = static_cast<const uint8_t*>(data);
    bytes_.insert(bytes_.end(), p, p + n);
  }
  void Append(std::string_view s) { Append(s.data(), s.size()); }
  template <typename T>
  void AppendValue(T v) {
    Append(&v, sizeof(T));
  }
  void AppendFill(uint8_t byte, size_t n) { bytes_.insert(bytes_.end(), n, byte); }
  /// \brief Pad with `fill` up to a multiple of `alignment`.
  void PadTo(size_t alignment, uint8_t fill = 0) {
    size_t rem = bytes_.size() % alignment;
    if (rem) AppendFill(fill, alignment - rem);
  }
  void Resize(size_t n) { bytes_.resize(n); }
  void Reserve(size_t n) { bytes_.reserve(n); }
  size_t size() const { return bytes_.size(); }
  uint8_t* mutable_data() { return bytes_.data(); }
  const uint8_t* data() const { return bytes_.data(); }
  std::vector<uint8_t>& vector() { return bytes_; }
  Buffer Finish() { return Buffer::FromVector(std::move(bytes_)); }

 private:
  std::vector<uint8_t> bytes_;
};

}  // namespace lancet
