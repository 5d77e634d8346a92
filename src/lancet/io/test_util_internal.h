// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The lancet authors
//
// Test-only helpers for the io tests (header-only; included by *_test.cc files only). Move to
// src/lancet/testing/ once that module exists.
#pragma once

#include <gtest/gtest.h>
#include <stdlib.h>

#include <cstdint>
#include <string>

#include "lancet/core/buffer.h"
#include "lancet/io/local_file_system.h"

#define LANCET_IO_ASSERT_OK(expr)                             \
  do {                                                        \
    ::lancet::Status _st = (expr);                            \
    ASSERT_TRUE(_st.ok()) << #expr << ": " << _st.ToString(); \
  } while (0)

#define LANCET_IO_EXPECT_OK(expr)                             \
  do {                                                        \
    ::lancet::Status _st = (expr);                            \
    EXPECT_TRUE(_st.ok()) << #expr << ": " << _st.ToString(); \
  } while (0)

#define LANCET_IO_ASSIGN_OR_FAIL_IMPL(tmp, lhs, rexpr)                \
  auto tmp = (rexpr);                                                 \
  ASSERT_TRUE(tmp.ok()) << #rexpr << ": " << tmp.status().ToString(); \
  lhs = std::move(tmp).ValueOrDie()

/// Assign the value of a Result or fail the test.
#define LANCET_IO_ASSIGN_OR_FAIL(lhs, rexpr) \
  LANCET_IO_ASSIGN_OR_FAIL_IMPL(LANCET_CONCAT(_io_res_, __COUNTER__), lhs, rexpr)

namespace lancet::io::testing {

/// \brief Return `n` deterministic pseudo-random bytes.
inline Buffer PatternBuffer(int64_t n, uint32_t seed = 1) {
  BufferBuilder b;
  b.Resize(static_cast<size_t>(n));
  uint32_t x = seed * 2654435761u + 12345u;
  for (int64_t i = 0; i < n; ++i) {
    x = x * 1664525u + 1013904223u;
    b.mutable_data()[i] = static_cast<uint8_t>(x >> 24);
  }
  return b.Finish();
}

inline Buffer StringBuffer(const std::string& s) { return Buffer::FromString(s); }

/// A fresh directory under $TMPDIR (or /tmp), removed with everything in it on destruction.
class TempDir {
 public:
  TempDir() {
    const char* base = std::getenv("TMPDIR");
    std::string tmpl = std::string(base && *base ? base : "/tmp") + "/lancet-io-test-XXXXXX";
    if (::mkdtemp(tmpl.data()) != nullptr) path_ = tmpl;
  }
  ~TempDir() {
    if (!path_.empty()) LocalFileSystem::Default()->DeleteDir(path_).IgnoreError();
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const std::string& path() const { return path_; }
  bool ok() const { return !path_.empty(); }

 private:
  std::string path_;
};

}  // namespace lancet::io::testing
