// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The lancet authors
//
// Private to lancet_io: helpers shared by the backends and decorators.
//
// ParallelFor runs on a small process-wide thread pool used to fan out the physical requests of
// one ReadMany call. There is no core thread pool yet; when one lands this moves there.
// ParallelFor is safe to call from any thread, including from inside a task (nested calls
// cannot deadlock: the calling thread always works through the items itself, and pool workers
// only help; it never waits for a helper that has not started an item).
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "lancet/core/buffer.h"
#include "lancet/core/result.h"
#include "lancet/core/status.h"
#include "lancet/io/read_range.h"

namespace lancet::io {
class RandomAccessFile;
}  // namespace lancet::io

namespace lancet::io::internal {

/// \brief Run fn(0) ... fn(count - 1) with at most `parallelism` running concurrently.
///
/// Returns the first non-OK status (items not yet started when an error is seen are skipped).
/// `fn` must be thread-safe; it is only invoked while ParallelFor is running.
Status ParallelFor(size_t count, int parallelism, const std::function<Status(size_t)>& fn);

/// A freshly allocated, uninitialized, 64-byte aligned buffer and a pointer to fill it through.
struct MutableBuffer {
  Buffer buffer;
  uint8_t* data = nullptr;
};

/// \brief Allocate `size` uninitialized bytes; OutOfMemory on failure.
Result<MutableBuffer> AllocateBuffer(int64_t size);

/// \brief Execute the reads of `plan` on `file` (in parallel per `options.io_parallelism`) and
/// return one buffer per entry of plan.reads.
Result<std::vector<Buffer>> ExecuteReads(RandomAccessFile* file, const ReadPlan& plan,
                                         const CoalesceOptions& options);

/// \brief Return a monotonic clock reading in nanoseconds.
int64_t MonotonicNanos();

/// \brief Return the wall clock in nanoseconds since the Unix epoch.
int64_t WallClockNanos();

/// \brief Return "<dir>/.lancet-tmp.<name>.<random>" for a temporary sibling of `path`.
std::string TempSiblingPath(const std::string& path);

/// \brief Return true if a directory entry name is a lancet temporary file (hidden by List).
bool IsTempFileName(const std::string& name);

}  // namespace lancet::io::internal
