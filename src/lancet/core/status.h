// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The lancet authors
//
// Status: the outcome of an operation that returns no value. A Status is either OK or carries a
// code, a message and a `retryable` bit (set for transient I/O failures and commit conflicts that
// a caller may retry). Status is a small value type; copies are cheap and thread-compatible.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <utility>

namespace lancet {

enum class StatusCode : int {
  kOk = 0,
  kInvalidArgument,
  kNotFound,
  kAlreadyExists,
  kIOError,
  kCorruption,
  kNotSupported,
  kCommitConflict,
  kCancelled,
  kOutOfMemory,
  kUnavailable,
  kInternal,
};

/// \brief Return the readable name of a status code ("Corruption", ...).
const char* StatusCodeName(StatusCode code);

class [[nodiscard]] Status {
 public:
  Status() = default;
  Status(StatusCode code, std::string msg, bool retryable = false);

  static Status OK() { return Status(); }
  static Status InvalidArgument(std::string msg) {
    return Status(StatusCode::kInvalidArgument, std::move(msg));
  }
  static Status NotFound(std::string msg) { return Status(StatusCode::kNotFound, std::move(msg)); }
  static Status AlreadyExists(std::string msg) {
    return Status(StatusCode::kAlreadyExists, std::move(msg));
  }
  static Status IOError(std::string msg, bool retryable = false) {
    return Status(StatusCode::kIOError, std::move(msg), retryable);
  }
  static Status Corruption(std::string msg) {
    return Status(StatusCode::kCorruption, std::move(msg));
  }
  static Status NotSupported(std::string msg) {
    return Status(StatusCode::kNotSupported, std::move(msg));
  }
  static Status CommitConflict(std::string msg, bool retryable = true) {
    return Status(StatusCode::kCommitConflict, std::move(msg), retryable);
  }
  static Status Cancelled(std::string msg) { return Status(StatusCode::kCancelled, std::move(msg)); }
  static Status OutOfMemory(std::string msg) {
    return Status(StatusCode::kOutOfMemory, std::move(msg));
  }
  static Status Unavailable(std::string msg) {
    return Status(StatusCode::kUnavailable, std::move(msg), true);
  }
  static Status Internal(std::string msg) { return Status(StatusCode::kInternal, std::move(msg)); }

  bool ok() const { return state_ == nullptr; }
  StatusCode code() const { return state_ ? state_->code : StatusCode::kOk; }
  const std::string& message() const;
  bool retryable() const { return state_ && state_->retryable; }

  bool IsInvalidArgument() const { return code() == StatusCode::kInvalidArgument; }
  bool IsNotFound() const { return code() == StatusCode::kNotFound; }
  bool IsAlreadyExists() const { return code() == StatusCode::kAlreadyExists; }
  bool IsIOError() const { return code() == StatusCode::kIOError; }
  bool IsCorruption() const { return code() == StatusCode::kCorruption; }
  bool IsNotSupported() const { return code() == StatusCode::kNotSupported; }
  bool IsCommitConflict() const { return code() == StatusCode::kCommitConflict; }

  /// \brief Return "Code: message", or "OK".
  std::string ToString() const;

  /// \brief Return a copy whose message is prefixed with `context + ": "`.
  Status WithContext(std::string_view context) const;

  /// \brief Explicitly ignore this status (makes deliberate drops visible in review).
  void IgnoreError() const {}

 private:
  struct State {
    StatusCode code;
    std::string msg;
    bool retryable;
  };
  std::shared_ptr<const State> state_;
};

}  // namespace lancet

#define LANCET_CONCAT_INNER(a, b) a##b
#define LANCET_CONCAT(a, b) LANCET_CONCAT_INNER(a, b)

/// Return the status from the enclosing function if `expr` is not OK.
#define LANCET_RETURN_NOT_OK(expr)                 \
  do {                                             \
    ::lancet::Status _lancet_st = (expr);          \
    if (!_lancet_st.ok()) return _lancet_st;       \
  } while (0)

/// Return a status from the enclosing function if `cond` is false.
#define LANCET_CHECK_OR_RETURN(cond, status) \
  do {                                       \
    if (!(cond)) return (status);            \
  } while (0)
