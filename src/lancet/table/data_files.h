// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The lancet authors
//
// Reading a fragment's data files directly: which data file (and which of its columns) stores a
// field, and opening a data file as the manifest describes it. Used by the table's own scans
// and takes and by modules that keep readers of immutable data files (the vector cache).
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "lancet/core/result.h"
#include "lancet/encoding/page.h"
#include "lancet/file/file_reader.h"
#include "lancet/io/file_system.h"
#include "lancet/table/manifest.h"

namespace lancet::table {

/// Where a fragment stores one top-level field.
struct FieldLocation {
  size_t file_index = 0;        // into Fragment::files
  file::ProjectedField field;   // the field and its columns in that file
};

/// \brief Locate `field` in `fragment`. Each data file is read in the format version it records
/// (`table_version` for files that record none). nullopt when no data file stores the field;
/// NotSupported when it is split across data files.
Result<std::optional<FieldLocation>> LocateField(const Fragment& fragment, const Field& field,
                                                 encoding::FileVersion table_version);

/// \brief Open data file `df` of the table at `base` (with its known size: no size request) and
/// check that it holds `physical_rows` rows (Corruption naming the file otherwise).
Result<std::unique_ptr<file::FileReader>> OpenDataFile(io::FileSystem* fs, const std::string& base,
                                                       const DataFile& df, uint64_t physical_rows);

}  // namespace lancet::table
