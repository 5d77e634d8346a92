// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The lancet authors
//
// Umbrella header of lancet_io: the FileSystem / RandomAccessFile / OutputStream interfaces,
// range planning, the local and memory backends, and the decorators. See README.md.
#pragma once

#include "lancet/io/counting_file_system.h"         // IWYU pragma: export
#include "lancet/io/fault_injection_file_system.h"  // IWYU pragma: export
#include "lancet/io/file_system.h"                  // IWYU pragma: export
#include "lancet/io/file_system_wrapper.h"          // IWYU pragma: export
#include "lancet/io/io_stats.h"                     // IWYU pragma: export
#include "lancet/io/local_file_system.h"            // IWYU pragma: export
#include "lancet/io/memory_file_system.h"           // IWYU pragma: export
#include "lancet/io/read_planner.h"                 // IWYU pragma: export
#include "lancet/io/read_range.h"                   // IWYU pragma: export
#include "lancet/io/slow_file_system.h"             // IWYU pragma: export
