// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The lancet authors
#include "lancet/io/memory_file_system.h"

#include <algorithm>
#include <cstring>
#include <functional>
#include <map>
#include <mutex>
#include <shared_mutex>
#include <utility>
#include <vector>

#include "lancet/io/io_util_internal.h"

namespace lancet::io {
namespace {

std::string ParentKey(const std::string& key) {
  size_t slash = key.rfind('/');
  return slash == 0 || slash == std::string::npos ? "/" : key.substr(0, slash);
}

// The prefix that every key strictly below directory `key` starts with.
std::string ChildPrefix(const std::string& key) { return key == "/" ? "/" : key + "/"; }

bool StartsWith(const std::string& s, const std::string& prefix) {
  return s.size() >= prefix.size() && s.compare(0, prefix.size(), prefix) == 0;
}

class MemoryRandomAccessFile : public RandomAccessFile {
 public:
  MemoryRandomAccessFile(std::string path, Buffer data, CoalesceOptions options)
      : path_(std::move(path)), data_(std::move(data)), options_(options) {}

  const std::string& path() const override { return path_; }
  Result<int64_t> GetSize() override { return data_.size(); }
  CoalesceOptions coalesce_options() const override { return options_; }

  Result<int64_t> ReadAt(int64_t offset, int64_t length, void* out) override {
    LANCET_RETURN_NOT_OK(CheckBounds(offset, length, data_.size()));
    if (length > 0) std::memcpy(out, data_.data() + offset, static_cast<size_t>(length));
    return length;
  }

  Result<Buffer> ReadAt(int64_t offset, int64_t length) override {
    LANCET_RETURN_NOT_OK(CheckBounds(offset, length, data_.size()));
    return data_.Slice(offset, length);
  }

  // The bytes are already in memory: slicing beats coalescing into copies.
  Result<std::vector<Buffer>> ReadMany(const std::vector<ReadRange>& ranges) override {
    std::vector<Buffer> out;
    out.reserve(ranges.size());
    for (const ReadRange& r : ranges) {
      LANCET_RETURN_NOT_OK(CheckBounds(r.offset, r.length, data_.size()));
    }
    for (const ReadRange& r : ranges) out.push_back(data_.Slice(r.offset, r.length));
    return out;
  }

 private:
  const std::string path_;
  const Buffer data_;
  const CoalesceOptions options_;
};

}  // namespace

struct MemoryFileSystem::State {
  struct Entry {
    Buffer data;
    int64_t mtime_ns = 0;
  };

  std::shared_mutex mu;
  std::map<std::string, Entry> files;   // normalized path -> contents
  std::map<std::string, int64_t> dirs;  // normalized directory path -> mtime (never the root)

  bool IsDirLocked(const std::string& key) const { return key == "/" || dirs.count(key) > 0; }

  // IOError if some ancestor of `key` is a file.
  Status CheckParentsLocked(const std::string& key) const {
    for (std::string p = ParentKey(key); p != "/"; p = ParentKey(p)) {
      if (files.count(p)) return Status::IOError(key + ": parent " + p + " is a file");
    }
    return Status::OK();
  }

  void AddParentsLocked(const std::string& key, int64_t now) {
    for (std::string p = ParentKey(key); p != "/"; p = ParentKey(p)) {
      if (!dirs.emplace(p, now).second) break;  // the rest exist already
    }
  }

  Status PutLocked(const std::string& key, Buffer data, bool exclusive) {
    if (key == "/") return Status::InvalidArgument("cannot write a file at the root");
    if (dirs.count(key)) {
      if (exclusive) return Status::AlreadyExists("put-if-absent " + key + ": is a directory");
      return Status::IOError("write " + key + ": is a directory");
    }
    if (exclusive && files.count(key)) return Status::AlreadyExists("put-if-absent " + key);
    LANCET_RETURN_NOT_OK(CheckParentsLocked(key));
    int64_t now = internal::WallClockNanos();
    AddParentsLocked(key, now);
    files[key] = Entry{std::move(data), now};
    return Status::OK();
  }
};

namespace {

class MemoryOutputStream : public OutputStream {
 public:
  using PutFn = std::function<Status(Buffer)>;
  MemoryOutputStream(std::string path, PutFn put) : path_(std::move(path)), put_(std::move(put)) {}
  ~MemoryOutputStream() override {
    if (!closed_) Abort().IgnoreError();
  }

  const std::string& path() const override { return path_; }
  using OutputStream::Write;
  Status Write(const void* data, size_t n) override {
    if (closed_) return Status::InvalidArgument("write to closed stream " + path_);
    builder_.Append(data, n);
    return Status::OK();
  }
  Result<int64_t> Tell() const override { return static_cast<int64_t>(builder_.size()); }
  Status Close() override {
    if (closed_) return Status::OK();
    closed_ = true;
    return put_(builder_.Finish());
  }
  Status Abort() override {
    closed_ = true;
    builder_ = BufferBuilder();
    return Status::OK();
  }
  bool closed() const override { return closed_; }

 private:
  const std::string path_;
  const PutFn put_;
  BufferBuilder builder_;
  bool closed_ = false;
};

}  // namespace

MemoryFileSystem::MemoryFileSystem(Capabilities caps)
    : caps_(caps), state_(std::make_shared<State>()) {}

std::shared_ptr<MemoryFileSystem> MemoryFileSystem::Named(const std::string& name) {
  static std::mutex mu;
  static auto* instances = new std::map<std::string, std::shared_ptr<MemoryFileSystem>>();
  std::lock_guard<std::mutex> lock(mu);
  auto& fs = (*instances)[name];
  if (!fs) fs = std::make_shared<MemoryFileSystem>();
  return fs;
}

std::string MemoryFileSystem::NormalizePath(const std::string& path) {
  std::vector<std::string> parts;
  size_t i = 0;
  while (i <= path.size()) {
    size_t j = path.find('/', i);
    if (j == std::string::npos) j = path.size();
    std::string part = path.substr(i, j - i);
    if (part == "..") {
      if (!parts.empty()) parts.pop_back();
    } else if (!part.empty() && part != ".") {
      parts.push_back(std::move(part));
    }
    i = j + 1;
  }
  if (parts.empty()) return "/";
  std::string out;
  for (const std::string& p : parts) out += "/" + p;
  return out;
}

Result<FileInfo> MemoryFileSystem::GetFileInfo(const std::string& path) {
  std::string key = NormalizePath(path);
  std::shared_lock<std::shared_mutex> lock(state_->mu);
  FileInfo info;
  info.path = key;
  if (auto it = state_->files.find(key); it != state_->files.end()) {
    info.size = it->second.data.size();
    info.mtime_ns = it->second.mtime_ns;
    return info;
  }
  if (key == "/") {
    info.is_dir = true;
    return info;
  }
  if (auto it = state_->dirs.find(key); it != state_->dirs.end()) {
    info.is_dir = true;
    info.mtime_ns = it->second;
    return info;
  }
  return Status::NotFound("stat " + key + ": no such file or directory");
}

Result<std::vector<FileInfo>> MemoryFileSystem::List(const std::string& prefix_dir,
                                                     bool recursive) {
  std::string key = NormalizePath(prefix_dir);
  std::string prefix = ChildPrefix(key);
  std::vector<FileInfo> out;
  std::shared_lock<std::shared_mutex> lock(state_->mu);
  if (!state_->IsDirLocked(key)) return out;
  for (auto it = state_->files.lower_bound(prefix);
       it != state_->files.end() && StartsWith(it->first, prefix); ++it) {
    if (!recursive && it->first.find('/', prefix.size()) != std::string::npos) continue;
    out.push_back(FileInfo{it->first, it->second.data.size(), false, it->second.mtime_ns});
  }
  if (!recursive) {
    for (auto it = state_->dirs.lower_bound(prefix);
         it != state_->dirs.end() && StartsWith(it->first, prefix); ++it) {
      if (it->first.find('/', prefix.size()) != std::string::npos) continue;
      out.push_back(FileInfo{it->first, 0, true, it->second});
    }
    std::sort(out.begin(), out.end(),
              [](const FileInfo& a, const FileInfo& b) { return a.path < b.path; });
  }
  return out;
}

Result<std::shared_ptr<RandomAccessFile>> MemoryFileSystem::OpenInputFile(const std::string& path) {
  std::string key = NormalizePath(path);
  std::shared_lock<std::shared_mutex> lock(state_->mu);
  auto it = state_->files.find(key);
  if (it == state_->files.end()) {
    if (state_->IsDirLocked(key)) return Status::IOError("open " + key + ": is a directory");
    return Status::NotFound("open " + key + ": no such file");
  }
  return std::shared_ptr<RandomAccessFile>(
      std::make_shared<MemoryRandomAccessFile>(path, it->second.data, caps_.coalesce_options()));
}

Result<std::unique_ptr<OutputStream>> MemoryFileSystem::OpenOutputStream(const std::string& path) {
  std::string key = NormalizePath(path);
  {
    std::shared_lock<std::shared_mutex> lock(state_->mu);
    if (state_->IsDirLocked(key)) return Status::IOError("create " + key + ": is a directory");
    LANCET_RETURN_NOT_OK(state_->CheckParentsLocked(key));
  }
  std::shared_ptr<State> state = state_;
  return std::unique_ptr<OutputStream>(
      new MemoryOutputStream(path, [state, key](Buffer data) -> Status {
        std::unique_lock<std::shared_mutex> lock(state->mu);
        return state->PutLocked(key, std::move(data), /*exclusive=*/false);
      }));
}

Status MemoryFileSystem::PutIfAbsent(const std::string& path, const Buffer& data) {
  std::string key = NormalizePath(path);
  Buffer copy = Buffer::Copy(data.data(), data.size());
  std::unique_lock<std::shared_mutex> lock(state_->mu);
  return state_->PutLocked(key, std::move(copy), /*exclusive=*/true);
}

Status MemoryFileSystem::WriteFile(const std::string& path, const Buffer& data) {
  std::string key = NormalizePath(path);
  Buffer copy = Buffer::Copy(data.data(), data.size());
  std::unique_lock<std::shared_mutex> lock(state_->mu);
  return state_->PutLocked(key, std::move(copy), /*exclusive=*/false);
}

Result<Buffer> MemoryFileSystem::ReadFile(const std::string& path) {
  std::string key = NormalizePath(path);
  std::shared_lock<std::shared_mutex> lock(state_->mu);
  auto it = state_->files.find(key);
  if (it != state_->files.end()) return it->second.data;
  if (state_->IsDirLocked(key)) return Status::IOError("read " + key + ": is a directory");
  return Status::NotFound("read " + key + ": no such file");
}

Status MemoryFileSystem::DeleteFile(const std::string& path) {
  std::string key = NormalizePath(path);
  std::unique_lock<std::shared_mutex> lock(state_->mu);
  if (state_->IsDirLocked(key)) {
    return Status::IOError("delete " + key + ": is a directory (use DeleteDir)");
  }
  state_->files.erase(key);
  return Status::OK();
}

Status MemoryFileSystem::DeleteDir(const std::string& path) {
  std::string key = NormalizePath(path);
  std::string prefix = ChildPrefix(key);
  std::unique_lock<std::shared_mutex> lock(state_->mu);
  if (state_->files.count(key)) {
    return Status::IOError("delete directory " + key + ": not a directory");
  }
  auto erase_under = [&](auto& m) {
    auto it = m.lower_bound(prefix);
    while (it != m.end() && StartsWith(it->first, prefix)) it = m.erase(it);
  };
  erase_under(state_->files);
  erase_under(state_->dirs);
  state_->dirs.erase(key);
  return Status::OK();
}

Status MemoryFileSystem::Rename(const std::string& from, const std::string& to) {
  std::string src = NormalizePath(from);
  std::string dst = NormalizePath(to);
  std::unique_lock<std::shared_mutex> lock(state_->mu);
  if (src == dst) {
    if (state_->files.count(src) || state_->IsDirLocked(src)) return Status::OK();
    return Status::NotFound("rename " + src + ": no such file or directory");
  }
  LANCET_RETURN_NOT_OK(state_->CheckParentsLocked(dst));
  int64_t now = internal::WallClockNanos();
  if (auto it = state_->files.find(src); it != state_->files.end()) {
    if (state_->IsDirLocked(dst)) return Status::IOError("rename to " + dst + ": is a directory");
    State::Entry entry = std::move(it->second);
    state_->files.erase(it);
    state_->AddParentsLocked(dst, now);
    state_->files[dst] = std::move(entry);
    return Status::OK();
  }
  if (src == "/" || !state_->dirs.count(src)) {
    return Status::NotFound("rename " + src + ": no such file or directory");
  }
  // Directory rename (POSIX semantics: onto a missing or empty directory).
  std::string src_prefix = ChildPrefix(src);
  if (StartsWith(dst, src_prefix)) {
    return Status::InvalidArgument("rename " + src + " into its own subdirectory " + dst);
  }
  if (state_->files.count(dst)) return Status::IOError("rename to " + dst + ": is a file");
  std::string dst_prefix = ChildPrefix(dst);
  auto has_children = [&](const auto& m) {
    auto it = m.lower_bound(dst_prefix);
    return it != m.end() && StartsWith(it->first, dst_prefix);
  };
  if (has_children(state_->files) || has_children(state_->dirs)) {
    return Status::IOError("rename to " + dst + ": directory not empty");
  }
  auto move_under = [&](auto& m) {
    auto it = m.lower_bound(src_prefix);
    while (it != m.end() && StartsWith(it->first, src_prefix)) {
      m.emplace(dst_prefix + it->first.substr(src_prefix.size()), std::move(it->second));
      it = m.erase(it);
    }
  };
  move_under(state_->files);
  move_under(state_->dirs);
  int64_t mtime = state_->dirs[src];
  state_->dirs.erase(src);
  state_->AddParentsLocked(dst, now);
  state_->dirs[dst] = mtime;
  return Status::OK();
}

Status MemoryFileSystem::CreateDir(const std::string& path) {
  std::string key = NormalizePath(path);
  if (key == "/") return Status::OK();
  std::unique_lock<std::shared_mutex> lock(state_->mu);
  if (state_->files.count(key)) {
    return Status::IOError("create directory " + key + ": a file exists at that path");
  }
  LANCET_RETURN_NOT_OK(state_->CheckParentsLocked(key));
  int64_t now = internal::WallClockNanos();
  state_->AddParentsLocked(key, now);
  state_->dirs.emplace(key, now);
  return Status::OK();
}

int64_t MemoryFileSystem::TotalBytes() const {
  std::shared_lock<std::shared_mutex> lock(state_->mu);
  int64_t total = 0;
  for (const auto& [key, entry] : state_->files) total += entry.data.size();
  return total;
}

}  // namespace lancet::io
