// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The lancet authors
//
// Temporary helper (private to the index module): file::FileWriter writes only global buffer 0
// (the FileDescriptor), but Lance index files carry more global buffers (IVF metadata, the PQ
// codebook). AddGlobalBuffers rewrites the tail of a finished Lance v2 file held in memory so that
// `buffers` become global buffers 1..n: they are placed (64-byte aligned, as 2.1+ readers require)
// after the existing data and global buffers, the column metadata is moved behind them, and the
// column-metadata offset table, global-buffer offset table and footer are rewritten. Page
// positions do not change. To be replaced by a FileWriter::AddGlobalBuffer API.
#pragma once

#include <string>
#include <vector>

#include "lancet/core/result.h"

namespace lancet::index {

Result<std::string> AddGlobalBuffers(const std::string& file_bytes,
                                     const std::vector<std::string>& buffers);

}  // namespace lancet::index
