// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The lancet authors
#include "lancet/embed/safetensors.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <array>
#include <cstring>
#include <fstream>
#include <limits>
#include <nlohmann/json.hpp>
#include <sstream>

#include "lancet/core/float16.h"

namespace lancet::embed {
namespace {

constexpr uint64_t kMaxHeaderBytes = 100ULL * 1024 * 1024;

size_t ElementSize(SafeDType t, const std::string& dtype) {
  switch (t) {
    case SafeDType::kF32:
      return 4;
    case SafeDType::kF16:
    case SafeDType::kBF16:
      return 2;
    default:
      break;
  }
  if (dtype == "F64" || dtype == "I64" || dtype == "U64") return 8;
  if (dtype == "I32" || dtype == "U32") return 4;
  if (dtype == "I16" || dtype == "U16") return 2;
  if (dtype == "I8" || dtype == "U8" || dtype == "BOOL" || dtype == "F8_E4M3" ||
      dtype == "F8_E5M2")
    return 1;
  return 0;
}

inline float HalfToFloat(uint16_t h) {
  static const std::vector<float> table = [] {
    std::vector<float> t(65536);
    for (uint32_t i = 0; i < 65536; ++i) {
      t[i] = static_cast<float>(Float16ToDouble(static_cast<uint16_t>(i)));
    }
    return t;
  }();
  return table[h];
}

inline float Bf16ToFloat(uint16_t b) {
  uint32_t bits = static_cast<uint32_t>(b) << 16;
  float f;
  std::memcpy(&f, &bits, 4);
  return f;
}

std::string ShapeString(const std::vector<int64_t>& s) {
  std::ostringstream o;
  o << "[";
  for (size_t i = 0; i < s.size(); ++i) o << (i ? ", " : "") << s[i];
  o << "]";
  return o.str();
}

}  // namespace

int64_t SafeTensorInfo::num_elements() const {
  int64_t n = 1;
  for (int64_t d : shape) n *= d;
  return n;
}

Result<SafeTensorsFile> SafeTensorsFile::Open(const std::string& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return Status::NotFound("cannot open safetensors file " + path);
  struct stat st;
  if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    ::close(fd);
    return Status::IOError("cannot stat " + path);
  }
  const uint64_t size = static_cast<uint64_t>(st.st_size);
  if (size == 0) {
    ::close(fd);
    return Status::Corruption(path + ": safetensors file is empty");
  }
  void* map = ::mmap(nullptr, size, PROT_READ, MAP_PRIVATE, fd, 0);
  ::close(fd);
  if (map == MAP_FAILED) return Status::IOError("cannot map " + path);
  std::shared_ptr<const char> bytes(static_cast<const char*>(map),
                                    [size](const char* p) { ::munmap(const_cast<char*>(p), size); });
  auto r = ParseBytes(std::move(bytes), size);
  if (!r.ok()) return r.status().WithContext(path);
  return r;
}

Result<SafeTensorsFile> SafeTensorsFile::Parse(std::string bytes) {
  auto owned = std::make_shared<std::string>(std::move(bytes));
  const uint64_t size = owned->size();
  std::shared_ptr<const char> view(owned, owned->data());
  return ParseBytes(std::move(view), size);
}

Result<SafeTensorsFile> SafeTensorsFile::ParseBytes(std::shared_ptr<const char> data,
                                                    uint64_t size) {
  SafeTensorsFile f;
  const std::string_view bytes(data.get(), size);
  if (bytes.size() < 8) return Status::Corruption("safetensors: file shorter than 8 bytes");
  uint64_t n = 0;
  for (int i = 7; i >= 0; --i) n = (n << 8) | static_cast<uint8_t>(bytes[i]);
  if (n > kMaxHeaderBytes || n > bytes.size() - 8) {
    return Status::Corruption("safetensors: header length " + std::to_string(n) +
                              " exceeds the file (" + std::to_string(bytes.size()) + " bytes)");
  }
  nlohmann::json header = nlohmann::json::parse(bytes.data() + 8, bytes.data() + 8 + n, nullptr,
                                                /*allow_exceptions=*/false);
  if (header.is_discarded() || !header.is_object()) {
    return Status::Corruption("safetensors: header is not a JSON object");
  }
  f.data_start_ = 8 + n;
  const uint64_t data_size = bytes.size() - f.data_start_;
  for (auto it = header.begin(); it != header.end(); ++it) {
    const std::string& name = it.key();
    const auto& v = it.value();
    if (name == "__metadata__") {
      if (v.is_object()) {
        for (auto m = v.begin(); m != v.end(); ++m) {
          if (m.value().is_string()) f.metadata_[m.key()] = m.value().get<std::string>();
        }
      }
      continue;
    }
    auto bad = [&](const std::string& why) {
      return Status::Corruption("safetensors: tensor '" + name + "': " + why);
    };
    if (!v.is_object()) return bad("entry is not an object");
    auto dt = v.find("dtype");
    auto sh = v.find("shape");
    auto off = v.find("data_offsets");
    if (dt == v.end() || !dt->is_string()) return bad("missing dtype");
    if (sh == v.end() || !sh->is_array()) return bad("missing shape");
    if (off == v.end() || !off->is_array() || off->size() != 2) return bad("missing data_offsets");
    SafeTensorInfo info;
    info.dtype = dt->get<std::string>();
    if (info.dtype == "F32") info.type = SafeDType::kF32;
    if (info.dtype == "F16") info.type = SafeDType::kF16;
    if (info.dtype == "BF16") info.type = SafeDType::kBF16;
    // Element count with overflow checks.
    uint64_t count = 1;
    for (const auto& d : *sh) {
      if (!d.is_number_integer() || d.get<int64_t>() < 0) return bad("bad shape");
      uint64_t dim = d.get<uint64_t>();
      if (dim != 0 && count > std::numeric_limits<uint64_t>::max() / 8 / dim) {
        return bad("shape too large");
      }
      count *= dim;
      info.shape.push_back(static_cast<int64_t>(dim));
    }
    for (const auto& o : *off) {
      if (!o.is_number_unsigned() && !(o.is_number_integer() && o.get<int64_t>() >= 0)) {
        return bad("bad data_offsets");
      }
    }
    info.begin = (*off)[0].get<uint64_t>();
    info.end = (*off)[1].get<uint64_t>();
    if (info.begin > info.end || info.end > data_size) {
      return bad("data_offsets [" + std::to_string(info.begin) + ", " + std::to_string(info.end) +
                 ") outside the data section (" + std::to_string(data_size) + " bytes)");
    }
    size_t es = ElementSize(info.type, info.dtype);
    if (es == 0) return bad("unknown dtype " + info.dtype);
    if (count * es != info.end - info.begin) {
      return bad("byte size " + std::to_string(info.end - info.begin) + " does not match shape " +
                 ShapeString(info.shape) + " of " + info.dtype);
    }
    f.tensors_[name] = std::move(info);
  }
  f.bytes_ = std::move(data);
  f.size_ = size;
  return f;
}

Result<std::vector<float>> SafeTensorsFile::ReadFloat(
    const std::string& name, const std::vector<int64_t>& expected_shape) const {
  auto it = tensors_.find(name);
  if (it == tensors_.end()) return Status::NotFound("missing tensor '" + name + "'");
  const SafeTensorInfo& info = it->second;
  if (!expected_shape.empty() && info.shape != expected_shape) {
    return Status::InvalidArgument("tensor '" + name + "' has shape " + ShapeString(info.shape) +
                                   ", expected " + ShapeString(expected_shape));
  }
  const size_t n = static_cast<size_t>(info.num_elements());
  std::vector<float> out(n);
  const char* p = bytes_.get() + data_start_ + info.begin;
  switch (info.type) {
    case SafeDType::kF32:
      if (n) std::memcpy(out.data(), p, n * 4);
      break;
    case SafeDType::kF16:
      for (size_t i = 0; i < n; ++i) {
        uint16_t h;
        std::memcpy(&h, p + 2 * i, 2);
        out[i] = HalfToFloat(h);
      }
      break;
    case SafeDType::kBF16:
      for (size_t i = 0; i < n; ++i) {
        uint16_t h;
        std::memcpy(&h, p + 2 * i, 2);
        out[i] = Bf16ToFloat(h);
      }
      break;
    default:
      return Status::NotSupported("tensor '" + name + "' has dtype " + info.dtype +
                                  " (only F32, F16, BF16 are supported)");
  }
  return out;
}

}  // namespace lancet::embed
