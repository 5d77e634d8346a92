// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The lancet authors
//
// Small helpers shared by the macro benchmarks in bench/: running a peer tool (LanceDB from
// Node, PyTorch from Python) and summarising latencies. Header-only; bench code only.
#pragma once

#include <sys/wait.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <numeric>
#include <string>
#include <vector>

namespace lancet::bench {

/// \brief Run `cmd` through the shell; return its stdout and set `*code` to its exit status
/// (-1 if it could not be started or did not exit normally).
inline std::string RunCommand(const std::string& cmd, int* code) {
  std::string out;
  FILE* p = popen(cmd.c_str(), "r");
  if (!p) {
    *code = -1;
    return out;
  }
  char buf[4096];
  size_t n;
  while ((n = fread(buf, 1, sizeof(buf), p)) > 0) out.append(buf, n);
  int st = pclose(p);
  *code = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
  return out;
}

/// \brief The q-quantile (0..1) by nearest rank; 0 for no samples.
inline double Percentile(std::vector<double> v, double q) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  const double pos = std::floor(q * static_cast<double>(v.size() - 1) + 0.5);
  return v[static_cast<size_t>(std::min<double>(static_cast<double>(v.size() - 1), pos))];
}

inline double Mean(const std::vector<double>& v) {
  return v.empty() ? 0 : std::accumulate(v.begin(), v.end(), 0.0) / static_cast<double>(v.size());
}

/// \brief Wall time of f() in milliseconds.
template <typename F>
double TimeMs(F&& f) {
  auto t0 = std::chrono::steady_clock::now();
  f();
  return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
}

}  // namespace lancet::bench
