// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The lancet authors
//
// A fork-join parallel-for on short-lived std::threads, for the compute loops of k-means, PQ and
// index builds (each call is milliseconds to seconds of work, so thread start-up is noise).
#pragma once

#include <cstddef>
#include <functional>

namespace lancet::linalg {

/// Number of workers ParallelFor will use (<= num_tasks, >= 1).
size_t ParallelWorkers(size_t num_tasks, int num_threads);

/// Run fn(task, worker) for task in [0, num_tasks) on ParallelWorkers() threads (dynamic
/// scheduling; worker < ParallelWorkers(), so callers can keep per-worker scratch). Falls back
/// to fewer threads (at least the calling one) when threads cannot be created.
void ParallelFor(size_t num_tasks, int num_threads,
                 const std::function<void(size_t task, size_t worker)>& fn);

}  // namespace lancet::linalg
