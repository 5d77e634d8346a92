// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The lancet authors
#include <CLI/CLI.hpp>

#include "cli_util.h"

namespace lancet::cli {

void AddSampleCommands(CLI::App* app, std::optional<Status>* result) {}

}  // namespace lancet::cli
