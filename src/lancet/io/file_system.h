// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The lancet authors
//
// The storage abstraction of lancet: a FileSystem hands out RandomAccessFiles (positional,
// thread-safe readers) and OutputStreams (single-writer, publish-on-close writers), lists and
// deletes files, and offers PutIfAbsent, the primitive table commits are built on. Backends:
// local POSIX disk ("local"), process memory ("memory"); object stores (S3) plug into the same
// interface and the scheme registry at the bottom of this file.
//
// Paths are '/'-separated strings. A FileSystem is rooted nowhere in particular: local paths
// are absolute (or relative to the working directory), memory paths are absolute keys such as
// "/a/b". Directories are a convenience: object stores have none, so every operation that
// creates a file creates its parent directories, listing a missing directory is not an error,
// and deleting a missing file or directory succeeds (S3 DELETE is idempotent).
//
// Ownership and threading:
//  * A FileSystem is shared through std::shared_ptr and is thread-safe: any method may be
//    called concurrently from any thread.
//  * A RandomAccessFile is shared through std::shared_ptr (many scanners read one file) and is
//    thread-safe: reads are positional, there is no seek state. It keeps whatever it needs
//    alive (file descriptor, buffer), independently of the FileSystem that opened it.
//  * An OutputStream is owned by one writer (std::unique_ptr) and is not thread-safe.
//  * Buffers returned by reads are immutable, reference-counted and own their memory; they stay
//    valid after the file is closed. Data passed to writes is copied or written before the call
//    returns; the caller keeps ownership.
//  * No method throws. Errors are Status codes: NotFound (missing path), AlreadyExists
//    (PutIfAbsent lost), InvalidArgument (bad path/range), IOError (everything the OS or the
//    store reports; messages name the path and, for reads, offset/length/size), NotSupported.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "lancet/core/buffer.h"
#include "lancet/core/result.h"
#include "lancet/core/status.h"
#include "lancet/io/read_range.h"

namespace lancet::io {

/// Metadata of one file or directory.
struct FileInfo {
  std::string path;  // as the FileSystem spells it (List returns full paths)
  int64_t size = 0;  // bytes; 0 for directories
  bool is_dir = false;
  int64_t mtime_ns = 0;  // last modification, nanoseconds since the Unix epoch
};

/// What a backend guarantees and how it likes to be read. Defaults mirror lance's
/// object_store.rs (local: 4 KiB blocks, 8 parallel requests; object stores: 64 KiB, 64).
struct Capabilities {
  static constexpr int64_t kLocalBlockSize = 4 * 1024;
  static constexpr int kLocalIoParallelism = 8;
  static constexpr int64_t kCloudBlockSize = 64 * 1024;
  static constexpr int kCloudIoParallelism = 64;
  static constexpr int64_t kDefaultMaxRequestSize = 16 * 1024 * 1024;

  /// Rename(from, to) atomically replaces `to` (POSIX rename); false on object stores, where a
  /// rename is copy + delete.
  bool atomic_rename = true;
  /// PutIfAbsent is atomic: of concurrent callers exactly one succeeds. When false (a store
  /// without conditional PUT) commits need an external lock.
  bool conditional_put = true;
  /// The backend's native listing is lexicographic (List() always returns sorted results; this
  /// says whether that is free, which matters for prefix scans over many versions).
  bool list_is_ordered = true;
  /// Smallest efficient read; also the hole size below which reads are merged.
  int64_t block_size = kLocalBlockSize;
  /// Concurrent requests worth issuing for one multi-range read.
  int io_parallelism = kLocalIoParallelism;
  /// Largest single physical read request; bigger reads are split.
  int64_t max_request_size = kDefaultMaxRequestSize;

  /// \brief Return the defaults for local disks.
  static Capabilities Local();
  /// \brief Return the defaults for object stores (S3 and friends).
  static Capabilities ObjectStore();
  /// \brief Return the coalescing options that follow from these capabilities.
  CoalesceOptions coalesce_options() const;
};

/// A readable file with positional, thread-safe reads (Arrow's RandomAccessFile).
///
/// Reading past the end of the file is an error: a read either returns all requested bytes or
/// fails with IOError naming the file, offset, length and size. It never returns fewer bytes.
class RandomAccessFile {
 public:
  virtual ~RandomAccessFile();

  /// \brief Return the path this file was opened with.
  virtual const std::string& path() const = 0;

  /// \brief Return the size of the file in bytes.
  virtual Result<int64_t> GetSize() = 0;

  /// \brief Read exactly `length` bytes at `offset` into `out`, which must hold `length` bytes.
  ///
  /// Returns the number of bytes read (always `length`). Thread-safe.
  virtual Result<int64_t> ReadAt(int64_t offset, int64_t length, void* out) = 0;

  /// \brief Read exactly `length` bytes at `offset` into a new buffer.
  ///
  /// The default allocates and calls the pointer form; backends that already hold the bytes
  /// (memory) return zero-copy slices. Thread-safe.
  virtual Result<Buffer> ReadAt(int64_t offset, int64_t length);

  /// \brief Read many ranges; return exactly one buffer per range, in request order.
  ///
  /// Ranges may come in any order and may overlap or repeat. The default coalesces them with
  /// coalesce_options() (ReadPlan), issues the merged reads through ReadAt(offset, length, out)
  /// with up to io_parallelism in flight, and returns zero-copy slices of the merged buffers,
  /// so the returned buffers may share (and keep alive) memory larger than themselves.
  /// Every range is checked against GetSize() first; no range is read if any is out of bounds.
  virtual Result<std::vector<Buffer>> ReadMany(const std::vector<ReadRange>& ranges);

  /// \brief Hint that `ranges` will be read soon (readahead / prefetch). Default: no-op.
  virtual Status WillNeed(const std::vector<ReadRange>& ranges);

  /// \brief Return the options ReadMany uses to merge and split requests.
  virtual CoalesceOptions coalesce_options() const;

 protected:
  /// \brief Return OK if [offset, offset+length) lies within a file of `size` bytes, else
  /// InvalidArgument (negative values) or IOError naming the path, offset, length and size.
  Status CheckBounds(int64_t offset, int64_t length, int64_t size) const;
};

/// A file being written sequentially by one writer. Not thread-safe.
///
/// The data becomes visible at path() only when Close() succeeds, atomically and durably
/// (local: temp file + fsync + rename + directory fsync; object stores: single or multipart
/// PUT completion). Abort(), or destroying the stream without Close(), discards everything and
/// leaves any previous file at path() untouched. The destructor never throws.
class OutputStream {
 public:
  virtual ~OutputStream();

  /// \brief Return the final path of the file.
  virtual const std::string& path() const = 0;

  /// \brief Append `n` bytes. The bytes are copied or written before returning.
  virtual Status Write(const void* data, size_t n) = 0;
  /// \brief Append a buffer.
  virtual Status Write(const Buffer& data) { return Write(data.data(), data.size()); }

  /// \brief Return the number of bytes written so far.
  virtual Result<int64_t> Tell() const = 0;

  /// \brief Flush, make durable and publish the file. Calling Close twice is an error-free no-op.
  virtual Status Close() = 0;

  /// \brief Discard the file. No-op after Close or Abort.
  virtual Status Abort() = 0;

  /// \brief Return true once Close or Abort has been called.
  virtual bool closed() const = 0;
};

/// A storage backend. Shared through std::shared_ptr; thread-safe.
class FileSystem {
 public:
  virtual ~FileSystem();

  /// \brief Return the backend name: "local", "memory", "s3", or a decorator's name.
  virtual std::string type_name() const = 0;

  /// \brief Return what this backend guarantees and how it prefers to be read.
  virtual Capabilities capabilities() const = 0;

  /// \brief Return metadata of a file or directory; NotFound if it does not exist.
  virtual Result<FileInfo> GetFileInfo(const std::string& path) = 0;

  /// \brief Return true if a file or directory exists at `path`.
  virtual Result<bool> Exists(const std::string& path);

  /// \brief List the entries under directory `prefix_dir`, sorted by path.
  ///
  /// Non-recursive: the immediate children, files and directories. Recursive: every file at any
  /// depth (directories are not listed, as on object stores). Paths are full paths
  /// (`prefix_dir + "/" + name`). A missing directory yields an empty list.
  virtual Result<std::vector<FileInfo>> List(const std::string& prefix_dir, bool recursive) = 0;

  /// \brief List the first entries (in path order) of the non-recursive List(prefix_dir): all
  /// of them if there are at most `max_entries`, else at least `max_entries`. Object stores
  /// answer with one LIST page where List fetches every page (the latest V2-named manifest is
  /// the first entry of `_versions/`). The default calls List.
  virtual Result<std::vector<FileInfo>> ListFirst(const std::string& prefix_dir,
                                                  int64_t max_entries);

  /// \brief Temporaries the backend created for atomic writes under `prefix_dir` (recursively)
  /// that List hides: after a crash they are garbage for cleanup. Default: none.
  virtual Result<std::vector<FileInfo>> ListTemporaries(const std::string& prefix_dir);

  /// \brief Open a file for reading; NotFound if it does not exist.
  virtual Result<std::shared_ptr<RandomAccessFile>> OpenInputFile(const std::string& path) = 0;

  /// \brief Open a file whose size is already known (from a manifest), saving a metadata
  /// request on object stores. The default ignores the size.
  virtual Result<std::shared_ptr<RandomAccessFile>> OpenInputFile(const std::string& path,
                                                                  int64_t known_size);

  /// \brief Open a new file for writing, replacing any file at `path` on Close. Parent
  /// directories are created.
  virtual Result<std::unique_ptr<OutputStream>> OpenOutputStream(const std::string& path) = 0;

  /// \brief Create `path` with `data` unless it exists: the commit primitive.
  ///
  /// Returns AlreadyExists if a file (or directory) exists at `path`. Of concurrent callers on
  /// one path exactly one succeeds (when capabilities().conditional_put). A partially written
  /// file is never visible at `path`: it either does not exist or holds all of `data`, durably.
  virtual Status PutIfAbsent(const std::string& path, const Buffer& data) = 0;

  /// \brief Atomically create or replace `path` with `data` (durable when it returns).
  virtual Status WriteFile(const std::string& path, const Buffer& data) = 0;

  /// \brief Read a whole file. The default opens it and reads [0, size).
  virtual Result<Buffer> ReadFile(const std::string& path);

  /// \brief Delete a file. Succeeds if it does not exist; IOError if `path` is a directory.
  virtual Status DeleteFile(const std::string& path) = 0;

  /// \brief Delete files; stops at the first error. The default calls DeleteFile in order.
  virtual Status DeleteFiles(const std::vector<std::string>& paths);

  /// \brief Delete a directory and everything under it. Succeeds if it does not exist.
  virtual Status DeleteDir(const std::string& path) = 0;

  /// \brief Move `from` to `to`, replacing `to` if it is a file. Parent directories of `to`
  /// are created. Atomic if capabilities().atomic_rename. NotFound if `from` does not exist.
  virtual Status Rename(const std::string& from, const std::string& to) = 0;

  /// \brief Create a directory and its parents. Succeeds if it exists already.
  virtual Status CreateDir(const std::string& path) = 0;
};

/// A FileSystem together with the path inside it that a URI designates.
using FileSystemAndPath = std::pair<std::shared_ptr<FileSystem>, std::string>;

/// Builds a FileSystem for a URI of its scheme. Must be thread-safe.
using FileSystemFactory = std::function<Result<FileSystemAndPath>(const std::string& uri)>;

/// \brief Resolve a URI to a FileSystem and a path inside it.
///
/// Supported: `file:///abs/path` and plain paths (relative paths are made absolute against the
/// working directory) map to the process-wide local FileSystem; `memory://name/a/b` maps to the
/// process-wide in-memory FileSystem called `name` with path "/a/b" (created on first use, kept
/// until exit; handy for tests). Other schemes must have been registered
/// (RegisterFileSystemScheme), else NotSupported.
Result<FileSystemAndPath> FileSystemFromUri(const std::string& uri);

/// \brief Register a factory for URIs of `scheme` ("s3"), case-insensitive.
///
/// Returns AlreadyExists if the scheme is taken (including the built-in "file" and "memory").
/// Thread-safe.
Status RegisterFileSystemScheme(const std::string& scheme, FileSystemFactory factory);

/// \brief Return the scheme of `uri` in lower case ("file", "s3"), or "" for a plain path.
std::string UriScheme(const std::string& uri);

}  // namespace lancet::io
