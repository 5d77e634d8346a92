// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The lancet authors
//
// Pieces shared by the command groups of the `lancet` tool.
#pragma once

#include <functional>
#include <iostream>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "lancet/core/result.h"
#include "lancet/io/counting_file_system.h"
#include "lancet/io/file_system.h"

namespace CLI {
class App;
}

namespace lancet::cli {

/// Options shared by every command that touches storage.
struct IoOptions {
  bool io_stats = false;
  std::shared_ptr<io::IoStats> stats = std::make_shared<io::IoStats>();

  /// \brief A file system decorator that counts requests, or null when --io-stats is off.
  std::function<std::shared_ptr<io::FileSystem>(std::shared_ptr<io::FileSystem>)> Wrapper() {
    if (!io_stats) return nullptr;
    auto s = stats;
    return [s](std::shared_ptr<io::FileSystem> base) -> std::shared_ptr<io::FileSystem> {
      return std::make_shared<io::CountingFileSystem>(std::move(base), s);
    };
  }
  /// \brief Print the counters as JSON on stderr (when --io-stats is on).
  void Report() const {
    if (io_stats) std::cerr << stats->ToJson() << "\n";
  }
};

void AddIoOptions(CLI::App* cmd, IoOptions* io);
Result<std::string> ReadTextFile(const std::string& path);
std::vector<std::string> SplitCommas(const std::string& s);

/// Command groups. Each adds its subcommands to `app`; the callback of the subcommand that runs
/// stores its Status in *result, which Main maps to the exit code.
void AddTableCommands(CLI::App* app, std::optional<Status>* result);   // table_commands.cc
void AddSearchCommands(CLI::App* app, std::optional<Status>* result);  // search_commands.cc
void AddEmbedCommands(CLI::App* app, std::optional<Status>* result);   // embed_commands.cc
void AddSampleCommands(CLI::App* app, std::optional<Status>* result);  // sample_commands.cc

/// \brief SIMD level of the distance kernels, for --version (search_commands.cc).
std::string SimdLevelForVersion();

}  // namespace lancet::cli
