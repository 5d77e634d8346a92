// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The lancet authors
#include "lancet/io/fault_injection_file_system.h"

#include <mutex>
#include <utility>

namespace lancet::io {

using FaultTiming = FaultInjectionFileSystem::FaultTiming;

struct FaultInjectionFileSystem::State {
  /// The verdict for one call.
  struct Decision {
    bool fail = false;
    FaultTiming timing = FaultTiming::kBefore;
    Status status;
  };

  std::mutex mu;
  int64_t write_calls = 0;
  int64_t injected = 0;
  int64_t nth_target = 0;  // fail when write_calls reaches this (0: disarmed)
  FaultTiming nth_timing = FaultTiming::kBefore;
  int64_t after_threshold = -1;  // fail when write_calls exceeds this (-1: disarmed)
  FaultTiming after_timing = FaultTiming::kBefore;
  bool fail_reads = false;
  bool retryable = false;
  int64_t slowdown_remaining = 0;  // next calls of any type answer "503 SlowDown"
  int64_t dropped_remaining = 0;   // next write-type calls lose their connection
  FaultTiming dropped_timing = FaultTiming::kBefore;

  static Status SlowDown(const std::string& op, const std::string& path) {
    return Status::IOError("injected HTTP 503 SlowDown: Please reduce your request rate (" + op +
                               " " + path + ")",
                           /*retryable=*/true);
  }

  Decision OnWrite(const std::string& op, const std::string& path) {
    std::lock_guard<std::mutex> lock(mu);
    ++write_calls;
    Decision d;
    if (slowdown_remaining > 0) {
      --slowdown_remaining;
      ++injected;
      d.fail = true;
      d.status = SlowDown(op, path);
      return d;
    }
    if (dropped_remaining > 0) {
      --dropped_remaining;
      ++injected;
      d.fail = true;
      d.timing = dropped_timing;
      d.status = Status::IOError(
          "injected dropped connection (" +
              std::string(d.timing == FaultTiming::kBefore
                              ? "before the request reached the store"
                              : "after the request was sent; outcome unknown") +
              ") in " + op + " " + path,
          /*retryable=*/true);
      return d;
    }
    if (nth_target > 0 && write_calls == nth_target) {
      d.fail = true;
      d.timing = nth_timing;
      nth_target = 0;
    } else if (after_threshold >= 0 && write_calls > after_threshold) {
      d.fail = true;
      d.timing = after_timing;
    }
    if (d.fail) {
      ++injected;
      d.status = Status::IOError(
          "injected fault (" + std::string(d.timing == FaultTiming::kBefore ? "before" : "after") +
              ") in " + op + " " + path + ", write call #" + std::to_string(write_calls),
          retryable);
    }
    return d;
  }

  Status OnRead(const std::string& op, const std::string& path) {
    std::lock_guard<std::mutex> lock(mu);
    if (slowdown_remaining > 0) {
      --slowdown_remaining;
      ++injected;
      return SlowDown(op, path);
    }
    if (!fail_reads) return Status::OK();
    ++injected;
    return Status::IOError("injected read fault in " + op + " " + path, retryable);
  }
};

namespace {

using State = FaultInjectionFileSystem::State;

/// Run `op` under the write fault policy.
template <typename Fn>
Status GuardWrite(State* state, const std::string& name, const std::string& path, Fn&& op) {
  State::Decision d = state->OnWrite(name, path);
  if (d.fail && d.timing == FaultTiming::kBefore) return d.status;
  Status st = op();
  if (d.fail) return d.status;
  return st;
}

class FaultRandomAccessFile : public RandomAccessFileWrapper {
 public:
  FaultRandomAccessFile(std::shared_ptr<RandomAccessFile> base, std::shared_ptr<State> state)
      : RandomAccessFileWrapper(std::move(base)), state_(std::move(state)) {}

  Result<int64_t> ReadAt(int64_t offset, int64_t length, void* out) override {
    LANCET_RETURN_NOT_OK(state_->OnRead("read", path()));
    return base()->ReadAt(offset, length, out);
  }
  Result<Buffer> ReadAt(int64_t offset, int64_t length) override {
    LANCET_RETURN_NOT_OK(state_->OnRead("read", path()));
    return base()->ReadAt(offset, length);
  }

 private:
  std::shared_ptr<State> state_;
};

class FaultOutputStream : public OutputStreamWrapper {
 public:
  FaultOutputStream(std::unique_ptr<OutputStream> base, std::shared_ptr<State> state)
      : OutputStreamWrapper(std::move(base)), state_(std::move(state)) {}

  using OutputStream::Write;
  Status Write(const void* data, size_t n) override {
    if (base()->closed()) return base()->Write(data, n);
    return GuardWrite(state_.get(), "write", path(), [&] { return base()->Write(data, n); });
  }

  Status Close() override {
    if (base()->closed()) return base()->Close();
    State::Decision d = state_->OnWrite("close", path());
    if (d.fail && d.timing == FaultTiming::kBefore) {
      base()->Abort().IgnoreError();  // nothing is published
      return d.status;
    }
    Status st = base()->Close();
    return d.fail ? d.status : st;
  }

 private:
  std::shared_ptr<State> state_;
};

}  // namespace

FaultInjectionFileSystem::FaultInjectionFileSystem(std::shared_ptr<FileSystem> base)
    : FileSystemWrapper(std::move(base)), state_(std::make_shared<State>()) {}

void FaultInjectionFileSystem::FailNthWrite(int64_t n, FaultTiming timing) {
  std::lock_guard<std::mutex> lock(state_->mu);
  state_->nth_target = n > 0 ? state_->write_calls + n : 0;
  state_->nth_timing = timing;
}

void FaultInjectionFileSystem::FailWritesAfter(int64_t n, FaultTiming timing) {
  std::lock_guard<std::mutex> lock(state_->mu);
  state_->after_threshold = state_->write_calls + (n > 0 ? n : 0);
  state_->after_timing = timing;
}

void FaultInjectionFileSystem::SetFailReads(bool fail) {
  std::lock_guard<std::mutex> lock(state_->mu);
  state_->fail_reads = fail;
}

void FaultInjectionFileSystem::SetRetryable(bool retryable) {
  std::lock_guard<std::mutex> lock(state_->mu);
  state_->retryable = retryable;
}

void FaultInjectionFileSystem::Reset() {
  std::lock_guard<std::mutex> lock(state_->mu);
  state_->write_calls = 0;
  state_->injected = 0;
  state_->nth_target = 0;
  state_->after_threshold = -1;
  state_->fail_reads = false;
  state_->slowdown_remaining = 0;
  state_->dropped_remaining = 0;
}

void FaultInjectionFileSystem::InjectSlowDown(int64_t n) {
  std::lock_guard<std::mutex> lock(state_->mu);
  state_->slowdown_remaining = n;
}

void FaultInjectionFileSystem::InjectDroppedConnections(int64_t n, FaultTiming timing) {
  std::lock_guard<std::mutex> lock(state_->mu);
  state_->dropped_remaining = n;
  state_->dropped_timing = timing;
}

int64_t FaultInjectionFileSystem::write_calls() const {
  std::lock_guard<std::mutex> lock(state_->mu);
  return state_->write_calls;
}

int64_t FaultInjectionFileSystem::injected_faults() const {
  std::lock_guard<std::mutex> lock(state_->mu);
  return state_->injected;
}

Result<FileInfo> FaultInjectionFileSystem::GetFileInfo(const std::string& path) {
  LANCET_RETURN_NOT_OK(state_->OnRead("stat", path));
  return base()->GetFileInfo(path);
}

Result<bool> FaultInjectionFileSystem::Exists(const std::string& path) {
  LANCET_RETURN_NOT_OK(state_->OnRead("exists", path));
  return base()->Exists(path);
}

Result<std::vector<FileInfo>> FaultInjectionFileSystem::List(const std::string& prefix_dir,
                                                             bool recursive) {
  LANCET_RETURN_NOT_OK(state_->OnRead("list", prefix_dir));
  return base()->List(prefix_dir, recursive);
}

Result<std::vector<FileInfo>> FaultInjectionFileSystem::ListFirst(const std::string& prefix_dir,
                                                                  int64_t max_entries) {
  LANCET_RETURN_NOT_OK(state_->OnRead("list", prefix_dir));
  return base()->ListFirst(prefix_dir, max_entries);
}

Result<std::shared_ptr<RandomAccessFile>> FaultInjectionFileSystem::OpenInputFile(
    const std::string& path) {
  LANCET_RETURN_NOT_OK(state_->OnRead("open", path));
  LANCET_ASSIGN_OR_RETURN(std::shared_ptr<RandomAccessFile> f, base()->OpenInputFile(path));
  return std::shared_ptr<RandomAccessFile>(
      std::make_shared<FaultRandomAccessFile>(std::move(f), state_));
}

Result<std::shared_ptr<RandomAccessFile>> FaultInjectionFileSystem::OpenInputFile(
    const std::string& path, int64_t known_size) {
  LANCET_RETURN_NOT_OK(state_->OnRead("open", path));
  LANCET_ASSIGN_OR_RETURN(std::shared_ptr<RandomAccessFile> f,
                          base()->OpenInputFile(path, known_size));
  return std::shared_ptr<RandomAccessFile>(
      std::make_shared<FaultRandomAccessFile>(std::move(f), state_));
}

Result<std::unique_ptr<OutputStream>> FaultInjectionFileSystem::OpenOutputStream(
    const std::string& path) {
  State::Decision d = state_->OnWrite("open for write", path);
  if (d.fail && d.timing == FaultTiming::kBefore) return d.status;
  LANCET_ASSIGN_OR_RETURN(std::unique_ptr<OutputStream> s, base()->OpenOutputStream(path));
  if (d.fail) return d.status;  // the base stream is destroyed, hence aborted
  return std::unique_ptr<OutputStream>(new FaultOutputStream(std::move(s), state_));
}

Status FaultInjectionFileSystem::PutIfAbsent(const std::string& path, const Buffer& data) {
  return GuardWrite(state_.get(), "put-if-absent", path,
                    [&] { return base()->PutIfAbsent(path, data); });
}

Status FaultInjectionFileSystem::WriteFile(const std::string& path, const Buffer& data) {
  return GuardWrite(state_.get(), "write file", path,
                    [&] { return base()->WriteFile(path, data); });
}

Result<Buffer> FaultInjectionFileSystem::ReadFile(const std::string& path) {
  LANCET_RETURN_NOT_OK(state_->OnRead("read file", path));
  return base()->ReadFile(path);
}

Status FaultInjectionFileSystem::DeleteFile(const std::string& path) {
  return GuardWrite(state_.get(), "delete", path, [&] { return base()->DeleteFile(path); });
}

Status FaultInjectionFileSystem::DeleteFiles(const std::vector<std::string>& paths) {
  std::string what = paths.empty() ? "" : paths.front() + (paths.size() > 1 ? ", ..." : "");
  return GuardWrite(state_.get(), "delete files", what, [&] { return base()->DeleteFiles(paths); });
}

Status FaultInjectionFileSystem::DeleteDir(const std::string& path) {
  return GuardWrite(state_.get(), "delete directory", path,
                    [&] { return base()->DeleteDir(path); });
}

Status FaultInjectionFileSystem::Rename(const std::string& from, const std::string& to) {
  return GuardWrite(state_.get(), "rename", from + " to " + to,
                    [&] { return base()->Rename(from, to); });
}

Status FaultInjectionFileSystem::CreateDir(const std::string& path) {
  return GuardWrite(state_.get(), "create directory", path,
                    [&] { return base()->CreateDir(path); });
}

}  // namespace lancet::io
