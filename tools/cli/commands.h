// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The lancet authors
//
// The `lancet` command-line tool. Owns the single Status -> exit code mapping.
#pragma once

#include "lancet/core/status.h"

namespace lancet::cli {

/// \brief Entry point of the `lancet` tool.
int Main(int argc, char** argv);

/// \brief Exit code for a status: 0 ok, 1 invalid argument, 2 not found, 3 corruption,
/// 4 not supported, 5 commit conflict / already exists, 6 I/O and everything else.
int ExitCode(const Status& st);

}  // namespace lancet::cli
