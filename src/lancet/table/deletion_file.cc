// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The lancet authors
#include "lancet/table/deletion_file.h"

#include <roaring/roaring.h>

#include <algorithm>
#include <memory>
#include <string>
#include <utility>

#include "lancet/core/uuid.h"
#include "lancet/table/arrow_ipc_internal.h"

namespace lancet::table {
namespace {

constexpr char kRowIdField[] = "row_id";

Status Corrupt(const std::string& name, const std::string& what) {
  return Status::Corruption("deletion file '" + name + "': " + what);
}

bool SortedUnique(const std::vector<uint32_t>& rows) {
  for (size_t i = 1; i < rows.size(); ++i) {
    if (rows[i - 1] >= rows[i]) return false;
  }
  return true;
}

Result<std::vector<uint32_t>> ParseArrow(const Buffer& bytes, const std::string& name) {
  auto col = internal::ReadUInt32IpcFile(bytes.view());
  if (!col.ok()) return Corrupt(name, col.status().message());
  // Lance compares the schema for equality: exactly `row_id: uint32 not null`.
  if (col->field_name != kRowIdField)
    return Corrupt(name, "column is named '" + col->field_name + "', expected 'row_id'");
  if (col->nullable) return Corrupt(name, "column 'row_id' is nullable");
  std::vector<uint32_t> rows = std::move(col->values);
  // Lance writes the values of a hash set: any order. Duplicates are harmless.
  std::sort(rows.begin(), rows.end());
  rows.erase(std::unique(rows.begin(), rows.end()), rows.end());
  return rows;
}

struct RoaringDeleter {
  void operator()(roaring_bitmap_t* r) const { roaring_bitmap_free(r); }
};
using RoaringPtr = std::unique_ptr<roaring_bitmap_t, RoaringDeleter>;

struct CollectState {
  std::vector<uint32_t>* out;
  uint64_t limit;
  bool unordered;
  bool too_many;
};

bool Collect(uint32_t value, void* p) {
  auto* st = static_cast<CollectState*>(p);
  if (!st->out->empty() && st->out->back() >= value) {
    st->unordered = true;
    return false;
  }
  if (st->out->size() >= st->limit) {
    st->too_many = true;
    return false;
  }
  st->out->push_back(value);
  return true;
}

Result<std::vector<uint32_t>> ParseBitmap(const Buffer& bytes, const std::string& name) {
  const char* data = reinterpret_cast<const char*>(bytes.data());
  const size_t n = static_cast<size_t>(bytes.size());
  // deserialize_size checks every length against `n` before the bitmap is built.
  size_t used = roaring_bitmap_portable_deserialize_size(data, n);
  if (used == 0 || used > n) return Corrupt(name, "not a portable roaring bitmap");
  if (used != n)
    return Corrupt(name, std::to_string(n - used) + " trailing bytes after the roaring bitmap");
  RoaringPtr bitmap(roaring_bitmap_portable_deserialize_safe(data, n));
  if (!bitmap) return Corrupt(name, "not a portable roaring bitmap");
  // Container headers are not verified against their contents by CRoaring 0.2: collect values
  // one by one, refusing anything not strictly increasing (unsorted keys or array values,
  // overlapping runs) and more values than the headers declare.
  const uint64_t declared = roaring_bitmap_get_cardinality(bitmap.get());
  std::vector<uint32_t> rows;
  rows.reserve(static_cast<size_t>(std::min<uint64_t>(declared, 1u << 20)));
  CollectState st{&rows, declared, false, false};
  roaring_iterate(bitmap.get(), &Collect, &st);
  if (st.unordered) return Corrupt(name, "roaring containers are not sorted");
  if (st.too_many || rows.size() != declared)
    return Corrupt(name, "roaring container cardinalities do not match their contents");
  return rows;
}

std::string JoinPath(const std::string& a, const std::string& b) {
  if (a.empty()) return b;
  if (a.back() == '/') return a + b;
  return a + "/" + b;
}

}  // namespace

Result<std::vector<uint32_t>> ParseDeletionFile(const Buffer& bytes, DeletionFile::Type type,
                                                const std::string& name) {
  switch (type) {
    case DeletionFile::Type::kArrowArray:
      return ParseArrow(bytes, name);
    case DeletionFile::Type::kBitmap:
      return ParseBitmap(bytes, name);
  }
  return Status::InvalidArgument("unknown deletion file type");
}

Result<Buffer> SerializeArrowDeletionFile(const std::vector<uint32_t>& rows,
                                          IpcCompression compression) {
  if (!SortedUnique(rows))
    return Status::InvalidArgument("deletion rows must be sorted and unique");
  internal::IpcCodec codec = compression == IpcCompression::kZstd       ? internal::IpcCodec::kZstd
                             : compression == IpcCompression::kLz4Frame ? internal::IpcCodec::kLz4Frame
                                                                        : internal::IpcCodec::kNone;
  return internal::WriteUInt32IpcFile(kRowIdField, /*nullable=*/false, rows, codec);
}

Result<Buffer> SerializeBitmapDeletionFile(const std::vector<uint32_t>& rows) {
  if (!SortedUnique(rows))
    return Status::InvalidArgument("deletion rows must be sorted and unique");
  RoaringPtr bitmap(roaring_bitmap_of_ptr(rows.size(), rows.data()));
  if (!bitmap) return Status::OutOfMemory("roaring bitmap");
  // Lance (Rust `roaring`) writes no run containers unless asked; neither do we, so the output
  // uses the no-run cookie 12346 exactly like LanceDB's files.
  std::vector<char> out(roaring_bitmap_portable_size_in_bytes(bitmap.get()));
  size_t written = roaring_bitmap_portable_serialize(bitmap.get(), out.data());
  out.resize(written);
  return Buffer::Copy(out.data(), static_cast<int64_t>(out.size()));
}

Result<std::vector<uint32_t>> ReadDeletionFile(io::FileSystem* fs, const std::string& base,
                                               uint64_t fragment_id, const DeletionFile& file) {
  const std::string rel = file.RelativePath(fragment_id);
  const std::string path = JoinPath(base, rel);
  LANCET_ASSIGN_OR_RETURN(Buffer bytes, fs->ReadFile(path));
  LANCET_ASSIGN_OR_RETURN(std::vector<uint32_t> rows, ParseDeletionFile(bytes, file.type, path));
  if (file.num_deleted_rows != 0 && file.num_deleted_rows != rows.size()) {
    return Corrupt(path, "holds " + std::to_string(rows.size()) + " rows, the manifest says " +
                             std::to_string(file.num_deleted_rows));
  }
  return rows;
}

Result<DeletionFile> WriteDeletionFile(io::FileSystem* fs, const std::string& base,
                                       uint64_t fragment_id, uint64_t read_version,
                                       const std::vector<uint32_t>& rows,
                                       const DeletionWriteOptions& options) {
  if (rows.empty()) return Status::InvalidArgument("a deletion file needs at least one row");
  DeletionFile file;
  file.type = rows.size() <= options.arrow_max_rows ? DeletionFile::Type::kArrowArray
                                                    : DeletionFile::Type::kBitmap;
  file.read_version = read_version;
  file.num_deleted_rows = rows.size();
  Buffer bytes;
  if (file.type == DeletionFile::Type::kArrowArray) {
    LANCET_ASSIGN_OR_RETURN(bytes, SerializeArrowDeletionFile(rows, options.arrow_compression));
  } else {
    LANCET_ASSIGN_OR_RETURN(bytes, SerializeBitmapDeletionFile(rows));
  }
  // A random 64-bit id never collides in practice; PutIfAbsent makes sure it never overwrites.
  for (int attempt = 0;; ++attempt) {
    file.id = RandomU64();
    Status st = fs->PutIfAbsent(JoinPath(base, file.RelativePath(fragment_id)), bytes);
    if (st.ok()) return file;
    if (!st.IsAlreadyExists() || attempt >= 3) return st;
  }
}

}  // namespace lancet::table
