// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The lancet authors
//
// Forwarding base classes for decorators (RocksDB's FileSystemWrapper): every call goes to the
// wrapped object unchanged; a decorator overrides only what it changes. Thread-safety is that
// of the wrapped object. Wrappers hold their base through shared_ptr/unique_ptr and keep it
// alive.
//
// Decorators are transparent: type_name() and capabilities() are the base's, so code that
// picks a strategy per backend sees through them.
//
// RandomAccessFileWrapper deliberately does NOT forward ReadMany: it runs the default
// implementation (coalesce with the base's options, then ReadAt per physical request), so a
// decorator that intercepts ReadAt observes each physical request of a multi-range read.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "lancet/io/file_system.h"

namespace lancet::io {

class RandomAccessFileWrapper : public RandomAccessFile {
 public:
  explicit RandomAccessFileWrapper(std::shared_ptr<RandomAccessFile> base)
      : base_(std::move(base)) {}

  const std::shared_ptr<RandomAccessFile>& base() const { return base_; }

  const std::string& path() const override { return base_->path(); }
  Result<int64_t> GetSize() override { return base_->GetSize(); }
  Result<int64_t> ReadAt(int64_t offset, int64_t length, void* out) override {
    return base_->ReadAt(offset, length, out);
  }
  Result<Buffer> ReadAt(int64_t offset, int64_t length) override {
    return base_->ReadAt(offset, length);
  }
  Status WillNeed(const std::vector<ReadRange>& ranges) override { return base_->WillNeed(ranges); }
  CoalesceOptions coalesce_options() const override { return base_->coalesce_options(); }

 private:
  std::shared_ptr<RandomAccessFile> base_;
};

class OutputStreamWrapper : public OutputStream {
 public:
  explicit OutputStreamWrapper(std::unique_ptr<OutputStream> base) : base_(std::move(base)) {}
  /// The base stream's own destructor aborts it if it was not closed.
  ~OutputStreamWrapper() override = default;

  OutputStream* base() const { return base_.get(); }

  const std::string& path() const override { return base_->path(); }
  using OutputStream::Write;
  Status Write(const void* data, size_t n) override { return base_->Write(data, n); }
  Result<int64_t> Tell() const override { return base_->Tell(); }
  Status Close() override { return base_->Close(); }
  Status Abort() override { return base_->Abort(); }
  bool closed() const override { return base_->closed(); }

 private:
  std::unique_ptr<OutputStream> base_;
};

class FileSystemWrapper : public FileSystem {
 public:
  explicit FileSystemWrapper(std::shared_ptr<FileSystem> base) : base_(std::move(base)) {}

  const std::shared_ptr<FileSystem>& base() const { return base_; }

  std::string type_name() const override { return base_->type_name(); }
  Capabilities capabilities() const override { return base_->capabilities(); }
  Result<FileInfo> GetFileInfo(const std::string& path) override {
    return base_->GetFileInfo(path);
  }
  Result<bool> Exists(const std::string& path) override { return base_->Exists(path); }
  Result<std::vector<FileInfo>> List(const std::string& prefix_dir, bool recursive) override {
    return base_->List(prefix_dir, recursive);
  }
  Result<std::vector<FileInfo>> ListFirst(const std::string& prefix_dir,
                                          int64_t max_entries) override {
    return base_->ListFirst(prefix_dir, max_entries);
  }
  Result<std::vector<FileInfo>> ListTemporaries(const std::string& prefix_dir) override {
    return base_->ListTemporaries(prefix_dir);
  }
  Result<std::shared_ptr<RandomAccessFile>> OpenInputFile(const std::string& path) override {
    return base_->OpenInputFile(path);
  }
  Result<std::shared_ptr<RandomAccessFile>> OpenInputFile(const std::string& path,
                                                          int64_t known_size) override {
    return base_->OpenInputFile(path, known_size);
  }
  Result<std::unique_ptr<OutputStream>> OpenOutputStream(const std::string& path) override {
    return base_->OpenOutputStream(path);
  }
  Status PutIfAbsent(const std::string& path, const Buffer& data) override {
    return base_->PutIfAbsent(path, data);
  }
  Status WriteFile(const std::string& path, const Buffer& data) override {
    return base_->WriteFile(path, data);
  }
  Result<Buffer> ReadFile(const std::string& path) override { return base_->ReadFile(path); }
  Status DeleteFile(const std::string& path) override { return base_->DeleteFile(path); }
  Status DeleteFiles(const std::vector<std::string>& paths) override {
    return base_->DeleteFiles(paths);
  }
  Status DeleteDir(const std::string& path) override { return base_->DeleteDir(path); }
  Status Rename(const std::string& from, const std::string& to) override {
    return base_->Rename(from, to);
  }
  Status CreateDir(const std::string& path) override { return base_->CreateDir(path); }

 private:
  std::shared_ptr<FileSystem> base_;
};

}  // namespace lancet::io
