// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The lancet authors
#include "lancet/io/file_system.h"

#include "lancet/io/s3_file_system.h"

#include <cctype>
#include <filesystem>
#include <map>
#include <mutex>

#include "lancet/io/io_util_internal.h"
#include "lancet/io/local_file_system.h"
#include "lancet/io/memory_file_system.h"

namespace lancet::io {

// ---------------------------------------------------------------------------------------------
// Capabilities

Capabilities Capabilities::Local() { return Capabilities{}; }

Capabilities Capabilities::ObjectStore() {
  Capabilities c;
  c.atomic_rename = false;
  c.conditional_put = true;
  c.list_is_ordered = true;
  c.block_size = kCloudBlockSize;
  c.io_parallelism = kCloudIoParallelism;
  c.max_request_size = kDefaultMaxRequestSize;
  return c;
}

CoalesceOptions Capabilities::coalesce_options() const {
  CoalesceOptions o;
  o.hole_size_limit = block_size;
  o.range_size_limit = max_request_size;
  o.max_request_size = max_request_size;
  o.io_parallelism = io_parallelism;
  return o;
}

// ---------------------------------------------------------------------------------------------
// RandomAccessFile

RandomAccessFile::~RandomAccessFile() = default;

Result<Buffer> RandomAccessFile::ReadAt(int64_t offset, int64_t length) {
  // Check before allocating, so a bogus length fails as a bounds error rather than OOM.
  LANCET_ASSIGN_OR_RETURN(int64_t size, GetSize());
  LANCET_RETURN_NOT_OK(CheckBounds(offset, length, size));
  LANCET_ASSIGN_OR_RETURN(internal::MutableBuffer mb, internal::AllocateBuffer(length));
  LANCET_ASSIGN_OR_RETURN(int64_t n, ReadAt(offset, length, mb.data));
  if (n != length) {
    return Status::IOError("short read of " + path() + " at offset " + std::to_string(offset) +
                           ": got " + std::to_string(n) + " of " + std::to_string(length) +
                           " bytes");
  }
  return std::move(mb.buffer);
}

Result<std::vector<Buffer>> RandomAccessFile::ReadMany(const std::vector<ReadRange>& ranges) {
  if (ranges.empty()) return std::vector<Buffer>{};
  LANCET_ASSIGN_OR_RETURN(int64_t size, GetSize());
  for (const ReadRange& r : ranges) LANCET_RETURN_NOT_OK(CheckBounds(r.offset, r.length, size));
  CoalesceOptions options = coalesce_options();
  LANCET_ASSIGN_OR_RETURN(ReadPlan plan, ReadPlan::Make(ranges, options));
  LANCET_ASSIGN_OR_RETURN(std::vector<Buffer> reads, internal::ExecuteReads(this, plan, options));
  return plan.Assemble(reads);
}

Status RandomAccessFile::WillNeed(const std::vector<ReadRange>& ranges) { return Status::OK(); }

CoalesceOptions RandomAccessFile::coalesce_options() const {
  return Capabilities::Local().coalesce_options();
}

Status RandomAccessFile::CheckBounds(int64_t offset, int64_t length, int64_t size) const {
  if (offset < 0 || length < 0) {
    return Status::InvalidArgument("invalid read of " + path() + ": offset " +
                                   std::to_string(offset) + ", length " + std::to_string(length));
  }
  if (offset > size || length > size - offset) {
    return Status::IOError("read past end of " + path() + ": offset " + std::to_string(offset) +
                           ", length " + std::to_string(length) + ", file size " +
                           std::to_string(size));
  }
  return Status::OK();
}

// ---------------------------------------------------------------------------------------------
// OutputStream, FileSystem defaults

OutputStream::~OutputStream() = default;

FileSystem::~FileSystem() = default;

Result<bool> FileSystem::Exists(const std::string& path) {
  Result<FileInfo> info = GetFileInfo(path);
  if (info.ok()) return true;
  if (info.status().IsNotFound()) return false;
  return info.status();
}

Result<std::shared_ptr<RandomAccessFile>> FileSystem::OpenInputFile(const std::string& path,
                                                                    int64_t known_size) {
  return OpenInputFile(path);
}

Result<Buffer> FileSystem::ReadFile(const std::string& path) {
  LANCET_ASSIGN_OR_RETURN(std::shared_ptr<RandomAccessFile> file, OpenInputFile(path));
  LANCET_ASSIGN_OR_RETURN(int64_t size, file->GetSize());
  return file->ReadAt(0, size);
}

Status FileSystem::DeleteFiles(const std::vector<std::string>& paths) {
  for (const std::string& p : paths) LANCET_RETURN_NOT_OK(DeleteFile(p));
  return Status::OK();
}

// ---------------------------------------------------------------------------------------------
// URI resolution and the scheme registry

namespace {

std::string ToLower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

Result<std::string> PercentDecode(const std::string& s) {
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] != '%') {
      out.push_back(s[i]);
      continue;
    }
    if (i + 2 >= s.size() || !std::isxdigit(static_cast<unsigned char>(s[i + 1])) ||
        !std::isxdigit(static_cast<unsigned char>(s[i + 2]))) {
      return Status::InvalidArgument("bad percent escape in URI path: " + s);
    }
    out.push_back(static_cast<char>(std::stoi(s.substr(i + 1, 2), nullptr, 16)));
    i += 2;
  }
  return out;
}

Result<std::string> AbsoluteLocalPath(const std::string& path) {
  if (path.empty()) return Status::InvalidArgument("empty path");
  std::error_code ec;
  std::filesystem::path abs = std::filesystem::absolute(std::filesystem::path(path), ec);
  if (ec) return Status::IOError("cannot make " + path + " absolute: " + ec.message());
  std::string out = abs.lexically_normal().generic_string();
  while (out.size() > 1 && out.back() == '/') out.pop_back();
  return out;
}

Result<FileSystemAndPath> LocalFromUri(const std::string& uri) {
  std::string path = uri;
  if (!UriScheme(uri).empty()) {
    // file:///abs, file://localhost/abs, file:/abs
    std::string rest = uri.substr(uri.find(':') + 1);
    if (rest.rfind("//", 0) == 0) {
      size_t slash = rest.find('/', 2);
      std::string host = rest.substr(2, slash == std::string::npos ? std::string::npos : slash - 2);
      if (!host.empty() && ToLower(host) != "localhost") {
        return Status::InvalidArgument("file URI with a remote host is not supported: " + uri);
      }
      rest = slash == std::string::npos ? "/" : rest.substr(slash);
    }
    if (rest.empty() || rest[0] != '/') {
      return Status::InvalidArgument("file URI must hold an absolute path: " + uri);
    }
    LANCET_ASSIGN_OR_RETURN(path, PercentDecode(rest));
  }
  LANCET_ASSIGN_OR_RETURN(std::string abs, AbsoluteLocalPath(path));
  return FileSystemAndPath(LocalFileSystem::Default(), std::move(abs));
}

Result<FileSystemAndPath> MemoryFromUri(const std::string& uri) {
  std::string rest = uri.substr(uri.find(':') + 1);
  if (rest.rfind("//", 0) != 0) {
    return Status::InvalidArgument("memory URI must look like memory://name/path: " + uri);
  }
  rest = rest.substr(2);
  size_t slash = rest.find('/');
  std::string name = rest.substr(0, slash);
  std::string path = slash == std::string::npos ? "/" : rest.substr(slash);
  LANCET_ASSIGN_OR_RETURN(path, PercentDecode(path));
  return FileSystemAndPath(MemoryFileSystem::Named(name), MemoryFileSystem::NormalizePath(path));
}

class SchemeRegistry {
 public:
  static SchemeRegistry* Get() {
    static SchemeRegistry* registry = new SchemeRegistry();
    return registry;
  }

  Status Register(const std::string& scheme, FileSystemFactory factory) {
    std::string key = ToLower(scheme);
    if (key.empty()) return Status::InvalidArgument("empty URI scheme");
    std::lock_guard<std::mutex> lock(mu_);
    if (!factories_.emplace(key, std::move(factory)).second) {
      return Status::AlreadyExists("URI scheme already registered: " + key);
    }
    return Status::OK();
  }

  Result<FileSystemFactory> Find(const std::string& scheme) {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = factories_.find(scheme);
    if (it == factories_.end()) {
      return Status::NotSupported("no file system registered for URI scheme '" + scheme + "'");
    }
    return it->second;
  }

 private:
  SchemeRegistry() {
    factories_.emplace("file", LocalFromUri);
    factories_.emplace("memory", MemoryFromUri);
    // Built in (not self-registering from s3_file_system.cc, whose static initializer a static
    // link would drop when nothing else references that object).
    factories_.emplace("s3", S3FileSystemFromUri);
    factories_.emplace("r2", S3FileSystemFromUri);
  }

  std::mutex mu_;
  std::map<std::string, FileSystemFactory> factories_;
};

}  // namespace

std::string UriScheme(const std::string& uri) {
  size_t colon = uri.find(':');
  if (colon == std::string::npos || colon == 0) return "";
  for (size_t i = 0; i < colon; ++i) {
    unsigned char c = static_cast<unsigned char>(uri[i]);
    bool ok = std::isalpha(c) || (i > 0 && (std::isdigit(c) || c == '+' || c == '-' || c == '.'));
    if (!ok) return "";
  }
  // "C:\..." style single letters are not URIs; a scheme needs "scheme:/..." after it.
  if (colon == 1 || colon + 1 >= uri.size() || uri[colon + 1] != '/') return "";
  return ToLower(uri.substr(0, colon));
}

Result<FileSystemAndPath> FileSystemFromUri(const std::string& uri) {
  std::string scheme = UriScheme(uri);
  if (scheme.empty()) return LocalFromUri(uri);
  LANCET_ASSIGN_OR_RETURN(FileSystemFactory factory, SchemeRegistry::Get()->Find(scheme));
  return factory(uri);
}

Status RegisterFileSystemScheme(const std::string& scheme, FileSystemFactory factory) {
  if (!factory) return Status::InvalidArgument("null file system factory for " + scheme);
  return SchemeRegistry::Get()->Register(scheme, std::move(factory));
}

Result<std::vector<FileInfo>> FileSystem::ListFirst(const std::string& prefix_dir,
                                                    int64_t max_entries) {
  (void)max_entries;
  return List(prefix_dir, /*recursive=*/false);
}

Result<std::vector<FileInfo>> FileSystem::ListTemporaries(const std::string& prefix_dir) {
  return std::vector<FileInfo>();
}

}  // namespace lancet::io
