// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The lancet authors
//
// Result<T>: either a value of type T or a non-OK Status. Thread-compatible value type.
#pragma once

#include <cstdlib>
#include <optional>
#include <utility>
#include <variant>

#include "lancet/core/status.h"

namespace lancet {

template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : value_(std::move(value)) {}  // NOLINT(runtime/explicit)
  Result(Status status) : status_(std::move(status)) {  // NOLINT(runtime/explicit)
    if (status_.ok()) status_ = Status::Internal("Result constructed from an OK status");
  }
  template <typename U,
            typename = std::enable_if_t<std::is_convertible_v<U&&, T> &&
                                        !std::is_same_v<std::decay_t<U>, T> &&
                                        !std::is_same_v<std::decay_t<U>, Status>>>
  Result(U&& value) : value_(T(std::forward<U>(value))) {}  // NOLINT(runtime/explicit)

  bool ok() const { return value_.has_value(); }
  const Status& status() const& {
    static const Status kOk;
    return value_ ? kOk : status_;
  }
  Status status() && { return value_ ? Status::OK() : std::move(status_); }

  const T& ValueOrDie() const& {
    if (!value_) std::abort();
    return *value_;
  }
  T& ValueOrDie() & {
    if (!value_) std::abort();
    return *value_;
  }
  T ValueOrDie() && {
    if (!value_) std::abort();
    return std::move(*value_);
  }
  T MoveValueUnsafe() { return std::move(*value_); }

  const T& operator*() const& { return *value_; }
  T& operator*() & { return *value_; }
  const T* operator->() const { return &*value_; }
  T* operator->() { return &*value_; }

  T ValueOr(T alt) && { return value_ ? std::move(*value_) : std::move(alt); }

 private:
  std::optional<T> value_;
  Status status_;
};

}  // namespace lancet

#define LANCET_ASSIGN_OR_RETURN_IMPL(tmp, lhs, rexpr) \
  auto tmp = (rexpr);                                 \
  if (!tmp.ok()) return std::move(tmp).status();      \
  lhs = tmp.MoveValueUnsafe()

/// Evaluate `rexpr` (a Result<T>); on error return its status, otherwise assign the value.
#define LANCET_ASSIGN_OR_RETURN(lhs, rexpr) \
  LANCET_ASSIGN_OR_RETURN_IMPL(LANCET_CONCAT(_lancet_res_, __COUNTER__), lhs, rexpr)
