// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The lancet authors
#include "lancet/io/slow_file_system.h"

#include <chrono>
#include <cmath>
#include <thread>
#include <utility>

namespace lancet::io {
namespace {

void SleepNanos(int64_t ns) {
  if (ns > 0) std::this_thread::sleep_for(std::chrono::nanoseconds(ns));
}

// The delay model, copied into every opened file and stream so they never refer back to the
// file system (which may be destroyed first).
struct DelayModel {
  int64_t latency_ns = 0;
  double bandwidth = 0;

  int64_t operator()(int64_t bytes) const {
    int64_t d = latency_ns;
    if (bandwidth > 0 && bytes > 0) {
      d += static_cast<int64_t>(std::llround(static_cast<double>(bytes) / bandwidth * 1e9));
    }
    return d;
  }
};

class SlowRandomAccessFile : public RandomAccessFileWrapper {
 public:
  SlowRandomAccessFile(std::shared_ptr<RandomAccessFile> base, DelayModel delay,
                       std::optional<CoalesceOptions> options)
      : RandomAccessFileWrapper(std::move(base)), delay_(delay), options_(options) {}

  Result<int64_t> ReadAt(int64_t offset, int64_t length, void* out) override {
    SleepNanos(delay_(length));
    return base()->ReadAt(offset, length, out);
  }
  Result<Buffer> ReadAt(int64_t offset, int64_t length) override {
    SleepNanos(delay_(length));
    return base()->ReadAt(offset, length);
  }
  CoalesceOptions coalesce_options() const override {
    return options_ ? *options_ : base()->coalesce_options();
  }

 private:
  const DelayModel delay_;
  const std::optional<CoalesceOptions> options_;
};

class SlowOutputStream : public OutputStreamWrapper {
 public:
  SlowOutputStream(std::unique_ptr<OutputStream> base, DelayModel delay)
      : OutputStreamWrapper(std::move(base)), delay_(delay) {}
  Status Close() override {
    if (!base()->closed()) {
      Result<int64_t> pos = base()->Tell();
      SleepNanos(delay_(pos.ok() ? *pos : 0));
    }
    return base()->Close();
  }

 private:
  const DelayModel delay_;
};

}  // namespace

namespace {

SlowFileSystemOptions MakeProfile(int64_t latency_ms, double mb_per_sec) {
  SlowFileSystemOptions o;
  o.latency_ns = latency_ms * 1000000;
  o.bandwidth_bytes_per_sec = mb_per_sec * 1e6;
  o.capabilities = Capabilities::ObjectStore();
  return o;
}

}  // namespace

SlowFileSystemOptions SlowFileSystemOptions::S3Standard() { return MakeProfile(100, 90); }
SlowFileSystemOptions SlowFileSystemOptions::S3Express() { return MakeProfile(5, 90); }
SlowFileSystemOptions SlowFileSystemOptions::R2() { return MakeProfile(60, 90); }
SlowFileSystemOptions SlowFileSystemOptions::FixedLatency(int64_t latency_ms) {
  return MakeProfile(latency_ms, 0);
}

Result<SlowFileSystemOptions> SlowFileSystemOptions::Profile(const std::string& name) {
  if (name == "s3" || name == "s3-standard") return S3Standard();
  if (name == "s3-express" || name == "s3express") return S3Express();
  if (name == "r2") return R2();
  if (name.size() > 2 && name.compare(name.size() - 2, 2, "ms") == 0) {
    std::string digits = name.substr(0, name.size() - 2);
    if (!digits.empty() && digits.find_first_not_of("0123456789") == std::string::npos) {
      return FixedLatency(std::stoll(digits));
    }
  }
  return Status::InvalidArgument("unknown latency profile '" + name +
                                 "' (s3, s3-express, r2, or <N>ms)");
}

SlowFileSystem::SlowFileSystem(std::shared_ptr<FileSystem> base, SlowFileSystemOptions options)
    : FileSystemWrapper(std::move(base)), options_(std::move(options)) {}

int64_t SlowFileSystem::DelayNanos(int64_t bytes) const {
  return DelayModel{options_.latency_ns, options_.bandwidth_bytes_per_sec}(bytes);
}

void SlowFileSystem::Sleep(int64_t bytes) const { SleepNanos(DelayNanos(bytes)); }

Capabilities SlowFileSystem::capabilities() const {
  return options_.capabilities ? *options_.capabilities : base()->capabilities();
}

std::shared_ptr<RandomAccessFile> SlowFileSystem::Wrap(
    std::shared_ptr<RandomAccessFile> file) const {
  std::optional<CoalesceOptions> opts;
  if (options_.capabilities) opts = options_.capabilities->coalesce_options();
  return std::make_shared<SlowRandomAccessFile>(
      std::move(file), DelayModel{options_.latency_ns, options_.bandwidth_bytes_per_sec}, opts);
}

Result<FileInfo> SlowFileSystem::GetFileInfo(const std::string& path) {
  Sleep(0);
  return base()->GetFileInfo(path);
}

Result<bool> SlowFileSystem::Exists(const std::string& path) {
  Sleep(0);
  return base()->Exists(path);
}

Result<std::vector<FileInfo>> SlowFileSystem::List(const std::string& prefix_dir, bool recursive) {
  Sleep(0);
  return base()->List(prefix_dir, recursive);
}

Result<std::vector<FileInfo>> SlowFileSystem::ListFirst(const std::string& prefix_dir,
                                                        int64_t max_entries) {
  Sleep(0);
  return base()->ListFirst(prefix_dir, max_entries);
}

Result<std::shared_ptr<RandomAccessFile>> SlowFileSystem::OpenInputFile(const std::string& path) {
  Sleep(0);
  LANCET_ASSIGN_OR_RETURN(std::shared_ptr<RandomAccessFile> f, base()->OpenInputFile(path));
  return Wrap(std::move(f));
}

Result<std::shared_ptr<RandomAccessFile>> SlowFileSystem::OpenInputFile(const std::string& path,
                                                                        int64_t known_size) {
  LANCET_ASSIGN_OR_RETURN(std::shared_ptr<RandomAccessFile> f,
                          base()->OpenInputFile(path, known_size));
  return Wrap(std::move(f));
}

Result<std::unique_ptr<OutputStream>> SlowFileSystem::OpenOutputStream(const std::string& path) {
  LANCET_ASSIGN_OR_RETURN(std::unique_ptr<OutputStream> s, base()->OpenOutputStream(path));
  return std::unique_ptr<OutputStream>(new SlowOutputStream(
      std::move(s), DelayModel{options_.latency_ns, options_.bandwidth_bytes_per_sec}));
}

Status SlowFileSystem::PutIfAbsent(const std::string& path, const Buffer& data) {
  Sleep(data.size());
  return base()->PutIfAbsent(path, data);
}

Status SlowFileSystem::WriteFile(const std::string& path, const Buffer& data) {
  Sleep(data.size());
  return base()->WriteFile(path, data);
}

Result<Buffer> SlowFileSystem::ReadFile(const std::string& path) {
  LANCET_ASSIGN_OR_RETURN(Buffer b, base()->ReadFile(path));
  Sleep(b.size());
  return b;
}

Status SlowFileSystem::DeleteFile(const std::string& path) {
  Sleep(0);
  return base()->DeleteFile(path);
}

Status SlowFileSystem::DeleteFiles(const std::vector<std::string>& paths) {
  Sleep(0);
  return base()->DeleteFiles(paths);
}

Status SlowFileSystem::DeleteDir(const std::string& path) {
  Sleep(0);
  return base()->DeleteDir(path);
}

Status SlowFileSystem::Rename(const std::string& from, const std::string& to) {
  Sleep(0);
  return base()->Rename(from, to);
}

Status SlowFileSystem::CreateDir(const std::string& path) {
  Sleep(0);
  return base()->CreateDir(path);
}

}  // namespace lancet::io
