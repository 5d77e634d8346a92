// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The lancet authors
#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <deque>
#include <memory>
#include <mutex>
#include <random>
#include <thread>
#include <vector>

#include "lancet/io/file_system.h"
#include "lancet/io/io_util_internal.h"

namespace lancet::io::internal {
namespace {

// Workers draining a FIFO of tasks. Threads are spawned on demand (when a task is queued and no
// worker is idle) up to kMaxThreads, so a process that only reads local files keeps a handful
// while object-store fan-out can reach 64. Created on first use and intentionally never
// destroyed: workers may still be parked at process exit and own no resources.
class IoThreadPool {
 public:
  static constexpr int kMaxThreads = 64;

  static IoThreadPool* Get() {
    static IoThreadPool* pool = new IoThreadPool();
    return pool;
  }

  void Submit(std::function<void()> task) {
    bool spawn = false;
    {
      std::lock_guard<std::mutex> lock(mu_);
      tasks_.push_back(std::move(task));
      if (static_cast<size_t>(idle_) < tasks_.size() && threads_ < kMaxThreads) {
        ++threads_;
        spawn = true;
      }
    }
    if (spawn) {
      std::thread([this] { Run(); }).detach();
    } else {
      cv_.notify_one();
    }
  }

 private:
  IoThreadPool() = default;

  void Run() {
    for (;;) {
      std::function<void()> task;
      {
        std::unique_lock<std::mutex> lock(mu_);
        ++idle_;
        cv_.wait(lock, [this] { return !tasks_.empty(); });
        --idle_;
        task = std::move(tasks_.front());
        tasks_.pop_front();
      }
      task();
    }
  }

  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<std::function<void()>> tasks_;
  int threads_ = 0;
  int idle_ = 0;
};

struct ForState {
  const std::function<Status(size_t)>* fn = nullptr;
  size_t count = 0;
  std::atomic<size_t> next{0};
  std::mutex mu;
  std::condition_variable done_cv;
  size_t done = 0;  // items finished (run or skipped), guarded by mu
  Status first_error;
  std::atomic<bool> failed{false};

  // Claim and run items until none are left. Only dereferences `fn` for a claimed item, which
  // the caller is guaranteed to be waiting on, so a late helper never touches a dead function.
  void Work() {
    for (;;) {
      size_t i = next.fetch_add(1);
      if (i >= count) return;
      Status st;
      if (!failed.load(std::memory_order_relaxed)) st = (*fn)(i);
      std::lock_guard<std::mutex> lock(mu);
      if (!st.ok() && first_error.ok()) {
        first_error = st;
        failed = true;
      }
      if (++done == count) done_cv.notify_all();
    }
  }
};

}  // namespace

Status ParallelFor(size_t count, int parallelism, const std::function<Status(size_t)>& fn) {
  if (count == 0) return Status::OK();
  size_t width = std::min<size_t>(count, static_cast<size_t>(std::max(parallelism, 1)));
  if (width == 1) {
    for (size_t i = 0; i < count; ++i) LANCET_RETURN_NOT_OK(fn(i));
    return Status::OK();
  }
  auto state = std::make_shared<ForState>();
  state->fn = &fn;
  state->count = count;
  IoThreadPool* pool = IoThreadPool::Get();
  for (size_t h = 1; h < width; ++h) {
    pool->Submit([state] { state->Work(); });
  }
  state->Work();
  std::unique_lock<std::mutex> lock(state->mu);
  state->done_cv.wait(lock, [&] { return state->done == state->count; });
  return state->first_error;
}

Result<MutableBuffer> AllocateBuffer(int64_t size) {
  if (size < 0) return Status::InvalidArgument("negative buffer size " + std::to_string(size));
  constexpr size_t kAlign = 64;
  size_t bytes = (static_cast<size_t>(size) + kAlign - 1) / kAlign * kAlign;
  if (bytes == 0) bytes = kAlign;
  void* p = std::aligned_alloc(kAlign, bytes);
  if (p == nullptr) {
    return Status::OutOfMemory("cannot allocate " + std::to_string(size) + " bytes");
  }
  auto* data = static_cast<uint8_t*>(p);
  std::shared_ptr<const void> owner(p, [](const void* q) { std::free(const_cast<void*>(q)); });
  MutableBuffer out;
  out.buffer = Buffer::Wrap(std::move(owner), data, size);
  out.data = data;
  return out;
}

Result<std::vector<Buffer>> ExecuteReads(RandomAccessFile* file, const ReadPlan& plan,
                                         const CoalesceOptions& options) {
  std::vector<Buffer> buffers(plan.reads.size());
  std::vector<uint8_t*> slots(plan.reads.size());
  for (size_t i = 0; i < plan.reads.size(); ++i) {
    LANCET_ASSIGN_OR_RETURN(MutableBuffer mb, AllocateBuffer(plan.reads[i].length));
    buffers[i] = std::move(mb.buffer);
    slots[i] = mb.data;
  }
  LANCET_RETURN_NOT_OK(
      ParallelFor(plan.requests.size(), options.io_parallelism, [&](size_t i) -> Status {
        const ReadPlan::Request& req = plan.requests[i];
        const ReadRange& read = plan.reads[req.read_index];
        uint8_t* out = slots[req.read_index] + (req.range.offset - read.offset);
        LANCET_ASSIGN_OR_RETURN(int64_t n, file->ReadAt(req.range.offset, req.range.length, out));
        if (n != req.range.length) {
          return Status::IOError("short read of " + file->path() + " at offset " +
                                 std::to_string(req.range.offset) + ": got " + std::to_string(n) +
                                 " of " + std::to_string(req.range.length) + " bytes");
        }
        return Status::OK();
      }));
  return buffers;
}

int64_t MonotonicNanos() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

int64_t WallClockNanos() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

namespace {
constexpr char kTempPrefix[] = ".lancet-tmp.";
}  // namespace

std::string TempSiblingPath(const std::string& path) {
  static std::atomic<uint64_t> counter{0};
  thread_local std::mt19937_64 rng(std::random_device{}() ^
                                   (counter.fetch_add(1) * 0x9E3779B97F4A7C15ull));
  size_t slash = path.rfind('/');
  std::string dir = slash == std::string::npos ? "" : path.substr(0, slash + 1);
  std::string name = slash == std::string::npos ? path : path.substr(slash + 1);
  char suffix[17];
  std::snprintf(suffix, sizeof(suffix), "%016llx", static_cast<unsigned long long>(rng()));
  return dir + kTempPrefix + name + "." + suffix;
}

bool IsTempFileName(const std::string& name) { return name.rfind(kTempPrefix, 0) == 0; }

}  // namespace lancet::io::internal
