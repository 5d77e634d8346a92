// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The lancet authors
#include "lancet/table/manifest.h"

#include <cstdio>
#include <limits>

#include "lancet/core/uuid.h"
#include "lancet/file/file_writer.h"

namespace lancet::table {

std::string DeletionFile::RelativePath(uint64_t fragment_id) const {
  return "_deletions/" + std::to_string(fragment_id) + "-" + std::to_string(read_version) + "-" +
         std::to_string(id) + (type == Type::kArrowArray ? ".arrow" : ".bin");
}

uint64_t Manifest::CountRows() const {
  uint64_t n = 0;
  for (const Fragment& f : fragments) {
    uint64_t del = f.deletion_file ? f.deletion_file->num_deleted_rows : 0;
    n += f.physical_rows - std::min(del, f.physical_rows);
  }
  return n;
}

Result<encoding::FileVersion> Manifest::FileVersion() const {
  if (!data_storage_version.empty()) return file::ParseFileVersion(data_storage_version);
  // Infer from the data files, as Lance does when data_format is missing.
  for (const Fragment& f : fragments) {
    for (const DataFile& d : f.files) {
      if (d.file_major_version == 0 || (d.file_major_version == 2 && d.file_minor_version == 0)) {
        return encoding::FileVersion::kV2_0;
      }
      if (d.file_major_version == 2 && d.file_minor_version == 1) return encoding::FileVersion::kV2_1;
      if (d.file_major_version == 2 && d.file_minor_version == 2) return encoding::FileVersion::kV2_2;
    }
  }
  return encoding::FileVersion::kV2_0;
}

std::string ManifestFileName(uint64_t version, ManifestNaming naming) {
  if (naming == ManifestNaming::kV1) return std::to_string(version) + ".manifest";
  char buf[32];
  std::snprintf(buf, sizeof(buf), "%020llu",
                static_cast<unsigned long long>(std::numeric_limits<uint64_t>::max() - version));
  return std::string(buf) + ".manifest";
}

std::optional<std::pair<uint64_t, ManifestNaming>> ParseManifestFileName(const std::string& name) {
  static const std::string kSuffix = ".manifest";
  if (name.size() <= kSuffix.size() ||
      name.compare(name.size() - kSuffix.size(), kSuffix.size(), kSuffix) != 0) {
    return std::nullopt;
  }
  std::string stem = name.substr(0, name.size() - kSuffix.size());
  if (stem.empty() || stem.size() > 20) return std::nullopt;
  uint64_t value = 0;
  for (char c : stem) {
    if (c < '0' || c > '9') return std::nullopt;  // detached "d…" and others
    uint64_t digit = static_cast<uint64_t>(c - '0');
    if (value > (std::numeric_limits<uint64_t>::max() - digit) / 10) return std::nullopt;
    value = value * 10 + digit;
  }
  if (stem.size() == 20) {
    return std::make_pair(std::numeric_limits<uint64_t>::max() - value, ManifestNaming::kV2);
  }
  return std::make_pair(value, ManifestNaming::kV1);
}

std::string NewDataFileName() {
  Uuid u = NewUuid();
  std::string name;
  for (int i = 0; i < 3; ++i) {
    for (int b = 7; b >= 0; --b) name.push_back(((u[i] >> b) & 1) ? '1' : '0');
  }
  static const char* kHex = "0123456789abcdef";
  for (int i = 3; i < 16; ++i) {
    name.push_back(kHex[u[i] >> 4]);
    name.push_back(kHex[u[i] & 15]);
  }
  return name + ".lance";
}

}  // namespace lancet::table
