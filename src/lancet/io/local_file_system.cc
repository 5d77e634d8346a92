// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The lancet authors
#include "lancet/io/local_file_system.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <utility>

#include "lancet/io/io_util_internal.h"

namespace lancet::io {
namespace {

constexpr size_t kWriteBufferSize = 256 * 1024;

Status ErrnoStatus(const std::string& op, const std::string& path, int err) {
  std::string msg = op + " " + path + ": " + std::strerror(err);
  switch (err) {
    case ENOENT:
      return Status::NotFound(std::move(msg));
    case EEXIST:
      return Status::AlreadyExists(std::move(msg));
    case EAGAIN:
    case EBUSY:
    case EINTR:
      return Status::IOError(std::move(msg), /*retryable=*/true);
    default:
      return Status::IOError(std::move(msg));
  }
}

std::string ParentDir(const std::string& path) {
  size_t slash = path.rfind('/');
  if (slash == std::string::npos) return ".";
  if (slash == 0) return "/";
  return path.substr(0, slash);
}

std::string StripTrailingSlashes(std::string path) {
  while (path.size() > 1 && path.back() == '/') path.pop_back();
  return path;
}

std::string JoinPath(const std::string& dir, const std::string& name) {
  return dir == "/" ? "/" + name : dir + "/" + name;
}

int64_t MtimeNanos(const struct stat& st) {
  return static_cast<int64_t>(st.st_mtim.tv_sec) * 1000000000 + st.st_mtim.tv_nsec;
}

FileInfo InfoFromStat(std::string path, const struct stat& st) {
  FileInfo info;
  info.path = std::move(path);
  info.is_dir = S_ISDIR(st.st_mode);
  info.size = info.is_dir ? 0 : static_cast<int64_t>(st.st_size);
  info.mtime_ns = MtimeNanos(st);
  return info;
}

void CloseFd(int fd) {
  // Linux always releases the descriptor, even when close reports EINTR: never retry.
  ::close(fd);
}

Status FsyncFd(int fd, const std::string& path) {
  while (::fsync(fd) != 0) {
    if (errno != EINTR) return ErrnoStatus("fsync", path, errno);
  }
  return Status::OK();
}

/// Make directory entries (creations, renames, links) in `dir` durable.
Status FsyncDir(const std::string& dir) {
  int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return ErrnoStatus("open directory", dir, errno);
  Status st;
  while (::fsync(fd) != 0) {
    // Some file systems cannot fsync directories (EINVAL); nothing more can be done there.
    if (errno == EINVAL || errno == EROFS) break;
    if (errno != EINTR) {
      st = ErrnoStatus("fsync directory", dir, errno);
      break;
    }
  }
  CloseFd(fd);
  return st;
}

Status WriteAll(int fd, const void* data, size_t n, const std::string& path) {
  const auto* p = static_cast<const uint8_t*>(data);
  while (n > 0) {
    ssize_t w = ::write(fd, p, n);
    if (w < 0) {
      if (errno == EINTR) continue;
      return ErrnoStatus("write", path, errno);
    }
    p += w;
    n -= static_cast<size_t>(w);
  }
  return Status::OK();
}

/// mkdir -p, fsyncing the parent of every directory it creates.
Status MakeDirs(const std::string& dir) {
  if (dir.empty() || dir == "." || dir == "/") return Status::OK();
  struct stat st;
  if (::stat(dir.c_str(), &st) == 0) {
    if (S_ISDIR(st.st_mode)) return Status::OK();
    return Status::IOError("create directory " + dir + ": a file exists at that path");
  }
  LANCET_RETURN_NOT_OK(MakeDirs(ParentDir(dir)));
  if (::mkdir(dir.c_str(), 0755) != 0) {
    int err = errno;
    if (err == EEXIST && ::stat(dir.c_str(), &st) == 0 && S_ISDIR(st.st_mode)) {
      return Status::OK();  // created concurrently
    }
    if (err == EEXIST) {
      return Status::IOError("create directory " + dir + ": a file exists at that path");
    }
    return ErrnoStatus("create directory", dir, err);
  }
  return FsyncDir(ParentDir(dir));
}

/// Write `data` to a fresh temporary sibling of `path` and fsync it. Returns the temp path.
Result<std::string> WriteTempFile(const std::string& path, const Buffer& data) {
  LANCET_RETURN_NOT_OK(MakeDirs(ParentDir(path)));
  std::string tmp = internal::TempSiblingPath(path);
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
  if (fd < 0) return ErrnoStatus("create", tmp, errno);
  Status st = WriteAll(fd, data.data(), static_cast<size_t>(data.size()), tmp);
  if (st.ok()) st = FsyncFd(fd, tmp);
  CloseFd(fd);
  if (!st.ok()) {
    ::unlink(tmp.c_str());
    return st;
  }
  return tmp;
}

Status RemoveTree(const std::string& path) {
  struct stat st;
  if (::lstat(path.c_str(), &st) != 0) {
    return errno == ENOENT ? Status::OK() : ErrnoStatus("stat", path, errno);
  }
  if (!S_ISDIR(st.st_mode)) {
    if (::unlink(path.c_str()) != 0 && errno != ENOENT) return ErrnoStatus("delete", path, errno);
    return Status::OK();
  }
  DIR* d = ::opendir(path.c_str());
  if (d == nullptr) {
    return errno == ENOENT ? Status::OK() : ErrnoStatus("open directory", path, errno);
  }
  std::vector<std::string> children;
  errno = 0;
  while (struct dirent* e = ::readdir(d)) {
    std::string name = e->d_name;
    if (name != "." && name != "..") children.push_back(JoinPath(path, name));
  }
  int err = errno;
  ::closedir(d);
  if (err != 0) return ErrnoStatus("read directory", path, err);
  for (const std::string& c : children) LANCET_RETURN_NOT_OK(RemoveTree(c));
  if (::rmdir(path.c_str()) != 0 && errno != ENOENT) {
    return ErrnoStatus("delete directory", path, errno);
  }
  return Status::OK();
}

Status ListDir(const std::string& dir, bool recursive, std::vector<FileInfo>* out,
               bool temporaries = false) {
  DIR* d = ::opendir(dir.c_str());
  if (d == nullptr) {
    if (errno == ENOENT || errno == ENOTDIR) return Status::OK();
    return ErrnoStatus("list", dir, errno);
  }
  std::vector<FileInfo> subdirs;
  Status status;
  errno = 0;
  while (struct dirent* e = ::readdir(d)) {
    std::string name = e->d_name;
    if (name == "." || name == "..") continue;
    const bool temp = internal::IsTempFileName(name);
    // Temporaries of atomic writes are hidden; in temporaries mode only they are listed.
    if (temp && !temporaries) continue;
    struct stat st;
    if (::fstatat(::dirfd(d), e->d_name, &st, 0) != 0) {
      if (errno == ENOENT) continue;  // deleted while listing
      status = ErrnoStatus("stat", JoinPath(dir, name), errno);
      break;
    }
    FileInfo info = InfoFromStat(JoinPath(dir, name), st);
    if (temporaries && !temp && !info.is_dir) {
      errno = 0;
      continue;
    }
    if (temporaries && !temp && info.is_dir && !recursive) {
      errno = 0;
      continue;
    }
    if (recursive && info.is_dir) {
      subdirs.push_back(std::move(info));
    } else {
      out->push_back(std::move(info));
    }
    errno = 0;
  }
  if (status.ok() && errno != 0) status = ErrnoStatus("list", dir, errno);
  ::closedir(d);
  LANCET_RETURN_NOT_OK(status);
  for (const FileInfo& sub : subdirs) LANCET_RETURN_NOT_OK(ListDir(sub.path, true, out, temporaries));
  return Status::OK();
}

// ---------------------------------------------------------------------------------------------

class LocalRandomAccessFile : public RandomAccessFile {
 public:
  LocalRandomAccessFile(std::string path, int fd, int64_t size, CoalesceOptions options)
      : path_(std::move(path)), fd_(fd), size_(size), options_(options) {}
  ~LocalRandomAccessFile() override { CloseFd(fd_); }

  const std::string& path() const override { return path_; }
  Result<int64_t> GetSize() override { return size_; }
  CoalesceOptions coalesce_options() const override { return options_; }

  Result<int64_t> ReadAt(int64_t offset, int64_t length, void* out) override {
    LANCET_RETURN_NOT_OK(CheckBounds(offset, length, size_));
    auto* p = static_cast<uint8_t*>(out);
    int64_t done = 0;
    while (done < length) {
      ssize_t n = ::pread(fd_, p + done, static_cast<size_t>(length - done), offset + done);
      if (n < 0) {
        if (errno == EINTR) continue;
        return ErrnoStatus("read", path_, errno)
            .WithContext("offset " + std::to_string(offset + done) + ", length " +
                         std::to_string(length - done));
      }
      if (n == 0) {
        return Status::IOError("unexpected end of " + path_ + " at offset " +
                               std::to_string(offset + done) + " while reading offset " +
                               std::to_string(offset) + ", length " + std::to_string(length) +
                               " (size at open " + std::to_string(size_) + "; file truncated?)");
      }
      done += n;
    }
    return length;
  }
  using RandomAccessFile::ReadAt;

  Status WillNeed(const std::vector<ReadRange>& ranges) override {
    for (const ReadRange& r : ranges) {
      if (r.length <= 0 || r.offset < 0) continue;
      // Advisory only: a failure does not affect correctness.
      ::posix_fadvise(fd_, r.offset, r.length, POSIX_FADV_WILLNEED);
    }
    return Status::OK();
  }

 private:
  const std::string path_;
  const int fd_;
  const int64_t size_;
  const CoalesceOptions options_;
};

class LocalOutputStream : public OutputStream {
 public:
  static Result<std::unique_ptr<OutputStream>> Open(const std::string& path) {
    LANCET_RETURN_NOT_OK(MakeDirs(ParentDir(path)));
    std::string tmp = internal::TempSiblingPath(path);
    int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
    if (fd < 0) return ErrnoStatus("create", tmp, errno);
    return std::unique_ptr<OutputStream>(new LocalOutputStream(path, std::move(tmp), fd));
  }

  ~LocalOutputStream() override {
    if (!closed_) Abort().IgnoreError();
  }

  const std::string& path() const override { return path_; }
  using OutputStream::Write;

  Status Write(const void* data, size_t n) override {
    if (closed_) return Status::InvalidArgument("write to closed stream " + path_);
    if (pending_.size() + n > kWriteBufferSize) {
      LANCET_RETURN_NOT_OK(Flush());
    }
    if (n >= kWriteBufferSize) {
      LANCET_RETURN_NOT_OK(WriteAll(fd_, data, n, tmp_));
    } else {
      const auto* p = static_cast<const uint8_t*>(data);
      pending_.insert(pending_.end(), p, p + n);
    }
    pos_ += static_cast<int64_t>(n);
    return Status::OK();
  }

  Result<int64_t> Tell() const override { return pos_; }

  Status Close() override {
    if (closed_) return Status::OK();
    Status st = Flush();
    if (st.ok()) st = FsyncFd(fd_, tmp_);
    CloseFd(fd_);
    closed_ = true;
    if (st.ok() && ::rename(tmp_.c_str(), path_.c_str()) != 0) {
      st = ErrnoStatus("rename " + tmp_ + " to", path_, errno);
    }
    if (!st.ok()) {
      ::unlink(tmp_.c_str());
      return st;
    }
    return FsyncDir(ParentDir(path_));
  }

  Status Abort() override {
    if (closed_) return Status::OK();
    CloseFd(fd_);
    closed_ = true;
    pending_.clear();
    if (::unlink(tmp_.c_str()) != 0 && errno != ENOENT) return ErrnoStatus("delete", tmp_, errno);
    return Status::OK();
  }

  bool closed() const override { return closed_; }

 private:
  LocalOutputStream(std::string path, std::string tmp, int fd)
      : path_(std::move(path)), tmp_(std::move(tmp)), fd_(fd) {}

  Status Flush() {
    if (pending_.empty()) return Status::OK();
    Status st = WriteAll(fd_, pending_.data(), pending_.size(), tmp_);
    pending_.clear();
    return st;
  }

  const std::string path_;
  const std::string tmp_;
  const int fd_;
  std::vector<uint8_t> pending_;
  int64_t pos_ = 0;
  bool closed_ = false;
};

}  // namespace

// ---------------------------------------------------------------------------------------------

LocalFileSystem::LocalFileSystem(Capabilities caps) : caps_(caps) {}

std::shared_ptr<LocalFileSystem> LocalFileSystem::Default() {
  static const std::shared_ptr<LocalFileSystem> instance = std::make_shared<LocalFileSystem>();
  return instance;
}

Result<FileInfo> LocalFileSystem::GetFileInfo(const std::string& path) {
  struct stat st;
  if (::stat(path.c_str(), &st) != 0) return ErrnoStatus("stat", path, errno);
  return InfoFromStat(path, st);
}

Result<std::vector<FileInfo>> LocalFileSystem::List(const std::string& prefix_dir, bool recursive) {
  std::vector<FileInfo> out;
  LANCET_RETURN_NOT_OK(ListDir(StripTrailingSlashes(prefix_dir), recursive, &out));
  std::sort(out.begin(), out.end(),
            [](const FileInfo& a, const FileInfo& b) { return a.path < b.path; });
  return out;
}

Result<std::vector<FileInfo>> LocalFileSystem::ListTemporaries(const std::string& prefix_dir) {
  std::vector<FileInfo> out;
  LANCET_RETURN_NOT_OK(ListDir(StripTrailingSlashes(prefix_dir), /*recursive=*/true, &out,
                               /*temporaries=*/true));
  std::sort(out.begin(), out.end(),
            [](const FileInfo& a, const FileInfo& b) { return a.path < b.path; });
  return out;
}

Result<std::shared_ptr<RandomAccessFile>> LocalFileSystem::OpenInputFile(const std::string& path) {
  int fd;
  do {
    fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  } while (fd < 0 && errno == EINTR);
  if (fd < 0) return ErrnoStatus("open", path, errno);
  struct stat st;
  if (::fstat(fd, &st) != 0) {
    Status s = ErrnoStatus("stat", path, errno);
    CloseFd(fd);
    return s;
  }
  if (S_ISDIR(st.st_mode)) {
    CloseFd(fd);
    return Status::IOError("open " + path + ": is a directory");
  }
  return std::shared_ptr<RandomAccessFile>(std::make_shared<LocalRandomAccessFile>(
      path, fd, static_cast<int64_t>(st.st_size), caps_.coalesce_options()));
}

Result<std::unique_ptr<OutputStream>> LocalFileSystem::OpenOutputStream(const std::string& path) {
  return LocalOutputStream::Open(path);
}

Status LocalFileSystem::PutIfAbsent(const std::string& path, const Buffer& data) {
  // Cheap early exit for the common lost-race case; the link/rename below is the real check.
  struct stat st;
  if (::stat(path.c_str(), &st) == 0) return Status::AlreadyExists("put-if-absent " + path);
  LANCET_ASSIGN_OR_RETURN(std::string tmp, WriteTempFile(path, data));
  if (::renameat2(AT_FDCWD, tmp.c_str(), AT_FDCWD, path.c_str(), RENAME_NOREPLACE) == 0) {
    return FsyncDir(ParentDir(path));
  }
  int err = errno;
  if (err == EINVAL || err == ENOSYS || err == ENOTSUP) {
    // No RENAME_NOREPLACE on this file system: link() also refuses to replace.
    err = ::link(tmp.c_str(), path.c_str()) == 0 ? 0 : errno;
    ::unlink(tmp.c_str());
  } else {
    ::unlink(tmp.c_str());
  }
  if (err == EEXIST) return Status::AlreadyExists("put-if-absent " + path);
  if (err != 0) return ErrnoStatus("put-if-absent", path, err);
  return FsyncDir(ParentDir(path));
}

Status LocalFileSystem::WriteFile(const std::string& path, const Buffer& data) {
  LANCET_ASSIGN_OR_RETURN(std::string tmp, WriteTempFile(path, data));
  if (::rename(tmp.c_str(), path.c_str()) != 0) {
    Status st = ErrnoStatus("rename " + tmp + " to", path, errno);
    ::unlink(tmp.c_str());
    return st;
  }
  return FsyncDir(ParentDir(path));
}

Status LocalFileSystem::DeleteFile(const std::string& path) {
  if (::unlink(path.c_str()) == 0 || errno == ENOENT) return Status::OK();
  if (errno == EISDIR || errno == EPERM) {
    struct stat st;
    if (::stat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode)) {
      return Status::IOError("delete " + path + ": is a directory (use DeleteDir)");
    }
  }
  return ErrnoStatus("delete", path, errno);
}

Status LocalFileSystem::DeleteDir(const std::string& path) {
  std::string dir = StripTrailingSlashes(path);
  struct stat st;
  if (::lstat(dir.c_str(), &st) != 0) {
    return errno == ENOENT ? Status::OK() : ErrnoStatus("stat", dir, errno);
  }
  if (!S_ISDIR(st.st_mode)) return Status::IOError("delete directory " + dir + ": not a directory");
  LANCET_RETURN_NOT_OK(RemoveTree(dir));
  return FsyncDir(ParentDir(dir));
}

Status LocalFileSystem::Rename(const std::string& from, const std::string& to) {
  struct stat st;
  if (::stat(from.c_str(), &st) != 0) return ErrnoStatus("rename", from, errno);
  LANCET_RETURN_NOT_OK(MakeDirs(ParentDir(to)));
  if (::rename(from.c_str(), to.c_str()) != 0) {
    return ErrnoStatus("rename", from + " to " + to, errno);
  }
  LANCET_RETURN_NOT_OK(FsyncDir(ParentDir(to)));
  if (ParentDir(from) != ParentDir(to)) LANCET_RETURN_NOT_OK(FsyncDir(ParentDir(from)));
  return Status::OK();
}

Status LocalFileSystem::CreateDir(const std::string& path) {
  return MakeDirs(StripTrailingSlashes(path));
}

}  // namespace lancet::io
