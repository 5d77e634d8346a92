// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The lancet authors
#include "lancet/io/counting_file_system.h"

#include <atomic>
#include <mutex>
#include <utility>

#include "lancet/io/io_util_internal.h"

namespace lancet::io {

struct CountingFileSystem::ReadLog {
  std::atomic<bool> enabled{false};
  mutable std::mutex mu;
  std::vector<ReadLogEntry> entries;

  void Add(const std::string& path, int64_t offset, int64_t length) {
    if (!enabled.load(std::memory_order_relaxed)) return;
    std::lock_guard<std::mutex> lock(mu);
    entries.push_back(ReadLogEntry{path, offset, length});
  }
};

namespace {

// Times one request (Done records it) and brackets it with BeginRequest/EndRequest, so that
// sequential round trips are counted on every backend.
class RequestTimer {
 public:
  RequestTimer(IoStats* stats, IoKind kind)
      : stats_(stats), kind_(kind), start_(internal::MonotonicNanos()) {
    stats_->BeginRequest();
  }
  ~RequestTimer() { stats_->EndRequest(); }
  RequestTimer(const RequestTimer&) = delete;
  RequestTimer& operator=(const RequestTimer&) = delete;
  int64_t Elapsed() const { return internal::MonotonicNanos() - start_; }
  void Done(const Status& st, int64_t bytes_read = 0, int64_t bytes_written = 0) {
    bool ok = st.ok();
    stats_->Record(kind_, ok ? bytes_read : 0, ok ? bytes_written : 0, Elapsed(), ok);
  }

 private:
  IoStats* stats_;
  IoKind kind_;
  int64_t start_;
};

class CountingRandomAccessFile : public RandomAccessFileWrapper {
 public:
  CountingRandomAccessFile(std::shared_ptr<RandomAccessFile> base, std::shared_ptr<IoStats> stats,
                           std::shared_ptr<CountingFileSystem::ReadLog> log)
      : RandomAccessFileWrapper(std::move(base)), stats_(std::move(stats)), log_(std::move(log)) {}

  Result<int64_t> ReadAt(int64_t offset, int64_t length, void* out) override {
    RequestTimer t(stats_.get(), IoKind::kGet);
    Result<int64_t> r = base()->ReadAt(offset, length, out);
    t.Done(r.status(), r.ok() ? *r : 0);
    if (r.ok()) log_->Add(path(), offset, length);
    return r;
  }

  Result<Buffer> ReadAt(int64_t offset, int64_t length) override {
    RequestTimer t(stats_.get(), IoKind::kGet);
    Result<Buffer> r = base()->ReadAt(offset, length);
    t.Done(r.status(), r.ok() ? r->size() : 0);
    if (r.ok()) log_->Add(path(), offset, length);
    return r;
  }

 private:
  std::shared_ptr<IoStats> stats_;
  std::shared_ptr<CountingFileSystem::ReadLog> log_;
};

class CountingOutputStream : public OutputStreamWrapper {
 public:
  CountingOutputStream(std::unique_ptr<OutputStream> base, std::shared_ptr<IoStats> stats)
      : OutputStreamWrapper(std::move(base)), stats_(std::move(stats)) {}

  using OutputStream::Write;
  Status Write(const void* data, size_t n) override {
    int64_t start = internal::MonotonicNanos();
    Status st = base()->Write(data, n);
    latency_ns_ += internal::MonotonicNanos() - start;
    if (st.ok()) bytes_ += static_cast<int64_t>(n);
    return st;
  }

  Status Close() override {
    if (base()->closed()) return base()->Close();
    int64_t start = internal::MonotonicNanos();
    stats_->BeginRequest();  // the whole upload counts as one round trip, made at Close
    Status st = base()->Close();
    stats_->EndRequest();
    latency_ns_ += internal::MonotonicNanos() - start;
    stats_->Record(IoKind::kPut, 0, st.ok() ? bytes_ : 0, latency_ns_, st.ok());
    return st;
  }

 private:
  std::shared_ptr<IoStats> stats_;
  int64_t bytes_ = 0;
  int64_t latency_ns_ = 0;
};

}  // namespace

CountingFileSystem::CountingFileSystem(std::shared_ptr<FileSystem> base,
                                       std::shared_ptr<IoStats> stats)
    : FileSystemWrapper(std::move(base)),
      stats_(stats ? std::move(stats) : std::make_shared<IoStats>()),
      log_(std::make_shared<ReadLog>()) {}

void CountingFileSystem::set_read_log_enabled(bool enabled) { log_->enabled = enabled; }

std::vector<ReadLogEntry> CountingFileSystem::read_log() const {
  std::lock_guard<std::mutex> lock(log_->mu);
  return log_->entries;
}

void CountingFileSystem::ClearReadLog() {
  std::lock_guard<std::mutex> lock(log_->mu);
  log_->entries.clear();
}

std::shared_ptr<RandomAccessFile> CountingFileSystem::Wrap(std::shared_ptr<RandomAccessFile> f) {
  return std::make_shared<CountingRandomAccessFile>(std::move(f), stats_, log_);
}

Result<FileInfo> CountingFileSystem::GetFileInfo(const std::string& path) {
  RequestTimer t(stats_.get(), IoKind::kHead);
  Result<FileInfo> r = base()->GetFileInfo(path);
  t.Done(r.status());
  return r;
}

Result<bool> CountingFileSystem::Exists(const std::string& path) {
  RequestTimer t(stats_.get(), IoKind::kHead);
  Result<bool> r = base()->Exists(path);
  t.Done(r.status());
  return r;
}

Result<std::vector<FileInfo>> CountingFileSystem::List(const std::string& prefix_dir,
                                                       bool recursive) {
  RequestTimer t(stats_.get(), IoKind::kList);
  Result<std::vector<FileInfo>> r = base()->List(prefix_dir, recursive);
  t.Done(r.status());
  return r;
}

Result<std::vector<FileInfo>> CountingFileSystem::ListFirst(const std::string& prefix_dir,
                                                            int64_t max_entries) {
  RequestTimer t(stats_.get(), IoKind::kList);
  Result<std::vector<FileInfo>> r = base()->ListFirst(prefix_dir, max_entries);
  t.Done(r.status());
  return r;
}

Result<std::shared_ptr<RandomAccessFile>> CountingFileSystem::OpenInputFile(
    const std::string& path) {
  RequestTimer t(stats_.get(), IoKind::kHead);
  Result<std::shared_ptr<RandomAccessFile>> r = base()->OpenInputFile(path);
  t.Done(r.status());
  if (!r.ok()) return r;
  return Wrap(std::move(r).ValueOrDie());
}

Result<std::shared_ptr<RandomAccessFile>> CountingFileSystem::OpenInputFile(const std::string& path,
                                                                            int64_t known_size) {
  LANCET_ASSIGN_OR_RETURN(std::shared_ptr<RandomAccessFile> f,
                          base()->OpenInputFile(path, known_size));
  return Wrap(std::move(f));
}

Result<std::unique_ptr<OutputStream>> CountingFileSystem::OpenOutputStream(
    const std::string& path) {
  LANCET_ASSIGN_OR_RETURN(std::unique_ptr<OutputStream> s, base()->OpenOutputStream(path));
  return std::unique_ptr<OutputStream>(new CountingOutputStream(std::move(s), stats_));
}

Status CountingFileSystem::PutIfAbsent(const std::string& path, const Buffer& data) {
  RequestTimer t(stats_.get(), IoKind::kPutIfAbsent);
  Status st = base()->PutIfAbsent(path, data);
  t.Done(st, 0, data.size());
  return st;
}

Status CountingFileSystem::WriteFile(const std::string& path, const Buffer& data) {
  RequestTimer t(stats_.get(), IoKind::kPut);
  Status st = base()->WriteFile(path, data);
  t.Done(st, 0, data.size());
  return st;
}

Result<Buffer> CountingFileSystem::ReadFile(const std::string& path) {
  RequestTimer t(stats_.get(), IoKind::kGet);
  Result<Buffer> r = base()->ReadFile(path);
  t.Done(r.status(), r.ok() ? r->size() : 0);
  if (r.ok()) log_->Add(path, 0, r->size());
  return r;
}

Status CountingFileSystem::DeleteFile(const std::string& path) {
  RequestTimer t(stats_.get(), IoKind::kDelete);
  Status st = base()->DeleteFile(path);
  t.Done(st);
  return st;
}

Status CountingFileSystem::DeleteFiles(const std::vector<std::string>& paths) {
  if (paths.empty()) return Status::OK();
  int64_t start = internal::MonotonicNanos();
  stats_->BeginRequest();  // one batch: one round trip here, however the base splits it
  Status st = base()->DeleteFiles(paths);
  stats_->EndRequest();
  int64_t per_path = (internal::MonotonicNanos() - start) / static_cast<int64_t>(paths.size());
  for (size_t i = 0; i < paths.size(); ++i) {
    stats_->Record(IoKind::kDelete, 0, 0, per_path, st.ok());
  }
  return st;
}

Status CountingFileSystem::DeleteDir(const std::string& path) {
  RequestTimer t(stats_.get(), IoKind::kDelete);
  Status st = base()->DeleteDir(path);
  t.Done(st);
  return st;
}

Status CountingFileSystem::Rename(const std::string& from, const std::string& to) {
  RequestTimer t(stats_.get(), IoKind::kRename);
  Status st = base()->Rename(from, to);
  t.Done(st);
  return st;
}

Status CountingFileSystem::CreateDir(const std::string& path) {
  RequestTimer t(stats_.get(), IoKind::kPut);
  Status st = base()->CreateDir(path);
  t.Done(st);
  return st;
}

}  // namespace lancet::io
