// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The lancet authors
//
// A minimal, bounds-checked reader of the safetensors format: 8-byte little-endian header length
// N, N bytes of JSON header {"name": {"dtype", "shape", "data_offsets": [begin, end]}, ...,
// "__metadata__": {...}}, then the data. The file is untrusted input: every offset, shape and size
// is checked; tensors may not overlap the header or run past the end. Dtypes F32, F16 and BF16
// are read (converted to float); others are listed but cannot be read as float.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "lancet/core/result.h"

namespace lancet::embed {

enum class SafeDType { kF32, kF16, kBF16, kOther };

struct SafeTensorInfo {
  std::string dtype;  // as written ("F32", "F16", "BF16", "I64", ...)
  SafeDType type = SafeDType::kOther;
  std::vector<int64_t> shape;
  uint64_t begin = 0, end = 0;  // offsets into the data section
  int64_t num_elements() const;
};

class SafeTensorsFile {
 public:
  /// \brief Parse a whole file held in memory (takes ownership of the bytes).
  static Result<SafeTensorsFile> Parse(std::string bytes);
  /// \brief Map (read-only) and parse a file.
  static Result<SafeTensorsFile> Open(const std::string& path);

  const std::map<std::string, SafeTensorInfo>& tensors() const { return tensors_; }
  const std::map<std::string, std::string>& metadata() const { return metadata_; }
  bool Has(const std::string& name) const { return tensors_.count(name) != 0; }

  /// \brief The tensor `name` as float32, checking its shape equals `expected_shape` (when not
  /// empty). Errors name the tensor.
  Result<std::vector<float>> ReadFloat(const std::string& name,
                                       const std::vector<int64_t>& expected_shape = {}) const;

 private:
  static Result<SafeTensorsFile> ParseBytes(std::shared_ptr<const char> bytes, uint64_t size);

  std::shared_ptr<const char> bytes_;  // the whole file (owned string or a mapping)
  uint64_t size_ = 0;
  uint64_t data_start_ = 0;
  std::map<std::string, SafeTensorInfo> tensors_;
  std::map<std::string, std::string> metadata_;
};

}  // namespace lancet::embed
