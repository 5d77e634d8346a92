// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The lancet authors
#include "lancet/table/manifest_io.h"

#include <cstring>

#include "lancet/file/schema_proto_internal.h"
#include "lancet/table/manifest_proto_internal.h"
#include "lancet/table/roaring_internal.h"
#include "table.pb.h"
#include "transaction.pb.h"

namespace lancet::table {
namespace {

constexpr int64_t kManifestFooter = 16;

template <typename T>
T LoadLE(const uint8_t* p) {
  T v;
  std::memcpy(&v, p, sizeof(T));
  return v;
}

// Reads `u32 len + bytes` at `pos`; returns the bytes.
Result<std::string_view> ReadSection(const Buffer& bytes, uint64_t pos, const std::string& name,
                                     const char* what) {
  uint64_t size = static_cast<uint64_t>(bytes.size());
  if (pos + 4 < pos || pos + 4 > size) {
    return Status::Corruption(name + ": " + what + " offset " + std::to_string(pos) +
                              " is beyond the end of the file");
  }
  uint32_t len = LoadLE<uint32_t>(bytes.data() + pos);
  if (pos + 4 + len > size) {
    return Status::Corruption(name + ": " + what + " length " + std::to_string(len) +
                              " runs past the end of the file");
  }
  return bytes.view().substr(pos + 4, len);
}

Result<lance::table::Manifest> ParseProto(const Buffer& bytes, const std::string& name) {
  if (bytes.size() < kManifestFooter + 4) {
    return Status::Corruption(name + ": manifest file of " + std::to_string(bytes.size()) +
                              " bytes is truncated");
  }
  const uint8_t* footer = bytes.data() + bytes.size() - kManifestFooter;
  if (std::memcmp(footer + 12, "LANC", 4) != 0) {
    return Status::Corruption(name + ": not a Lance manifest (missing LANC magic)");
  }
  int64_t pos = LoadLE<int64_t>(footer);
  if (pos < 0 || pos > bytes.size() - kManifestFooter - 4) {
    return Status::Corruption(name + ": manifest position " + std::to_string(pos) +
                              " is outside the file");
  }
  LANCET_ASSIGN_OR_RETURN(std::string_view pb,
                          ReadSection(bytes, static_cast<uint64_t>(pos), name, "manifest"));
  lance::table::Manifest m;
  if (!m.ParseFromArray(pb.data(), static_cast<int>(pb.size()))) {
    return Status::Corruption(name + ": manifest protobuf is invalid");
  }
  return m;
}

}  // namespace

Result<Fragment> FragmentFromProto(const lance::table::DataFragment& fp, const std::string& name) {
  Fragment f;
  f.id = fp.id();
  f.physical_rows = fp.physical_rows();
  for (const auto& dp : fp.files()) {
    DataFile d;
    d.path = dp.path();
    d.fields.assign(dp.fields().begin(), dp.fields().end());
    d.column_indices.assign(dp.column_indices().begin(), dp.column_indices().end());
    d.file_major_version = dp.file_major_version();
    d.file_minor_version = dp.file_minor_version();
    d.file_size_bytes = dp.file_size_bytes();
    if (dp.has_base_id()) {
      return Status::NotSupported(name + ": data files in other base paths are not supported");
    }
    f.files.push_back(std::move(d));
  }
  if (fp.has_deletion_file()) {
    const auto& dp = fp.deletion_file();
    DeletionFile del;
    del.type = dp.file_type() == lance::table::DeletionFile::BITMAP ? DeletionFile::Type::kBitmap
                                                                    : DeletionFile::Type::kArrowArray;
    del.read_version = dp.read_version();
    del.id = dp.id();
    del.num_deleted_rows = dp.num_deleted_rows();
    f.deletion_file = del;
  }
  return f;
}

void FragmentToProto(const Fragment& f, lance::table::DataFragment* fp) {
  fp->set_id(f.id);
  fp->set_physical_rows(f.physical_rows);
  for (const DataFile& d : f.files) {
    auto* dp = fp->add_files();
    dp->set_path(d.path);
    for (int32_t x : d.fields) dp->add_fields(x);
    for (int32_t x : d.column_indices) dp->add_column_indices(x);
    dp->set_file_major_version(d.file_major_version);
    dp->set_file_minor_version(d.file_minor_version);
    dp->set_file_size_bytes(d.file_size_bytes);
  }
  if (f.deletion_file) {
    auto* dp = fp->mutable_deletion_file();
    dp->set_file_type(f.deletion_file->type == DeletionFile::Type::kBitmap
                          ? lance::table::DeletionFile::BITMAP
                          : lance::table::DeletionFile::ARROW_ARRAY);
    dp->set_read_version(f.deletion_file->read_version);
    dp->set_id(f.deletion_file->id);
    dp->set_num_deleted_rows(f.deletion_file->num_deleted_rows);
  }
}

std::string UuidFromProto(const lance::table::UUID& u) {
  const std::string& b = u.uuid();
  static const char* hex = "0123456789abcdef";
  std::string out;
  for (size_t i = 0; i < b.size(); ++i) {
    if (i == 4 || i == 6 || i == 8 || i == 10) out.push_back('-');
    out.push_back(hex[static_cast<uint8_t>(b[i]) >> 4]);
    out.push_back(hex[static_cast<uint8_t>(b[i]) & 15]);
  }
  return out;
}

Status UuidToProto(const std::string& s, lance::table::UUID* u) {
  std::string bytes;
  int nibble = -1;
  for (char c : s) {
    if (c == '-') continue;
    int v;
    if (c >= '0' && c <= '9') v = c - '0';
    else if (c >= 'a' && c <= 'f') v = c - 'a' + 10;
    else if (c >= 'A' && c <= 'F') v = c - 'A' + 10;
    else return Status::InvalidArgument("invalid uuid '" + s + "'");
    if (nibble < 0) {
      nibble = v;
    } else {
      bytes.push_back(static_cast<char>(nibble * 16 + v));
      nibble = -1;
    }
  }
  if (bytes.size() != 16 || nibble >= 0) return Status::InvalidArgument("invalid uuid '" + s + "'");
  u->set_uuid(bytes);
  return Status::OK();
}

Result<IndexMetadata> IndexFromProto(const lance::table::IndexMetadata& ip, const std::string& name) {
  IndexMetadata out;
  out.uuid = UuidFromProto(ip.uuid());
  out.fields.assign(ip.fields().begin(), ip.fields().end());
  out.name = ip.name();
  out.dataset_version = ip.dataset_version();
  LANCET_ASSIGN_OR_RETURN(out.fragment_ids,
                          DeserializeRoaring(ip.fragment_bitmap(),
                                             name + ": fragment bitmap of index " + ip.name()));
  if (ip.has_index_details()) {
    out.details_type_url = ip.index_details().type_url();
    out.details_value = ip.index_details().value();
  }
  if (ip.has_index_version()) out.index_version = ip.index_version();
  if (ip.has_created_at()) out.created_at = ip.created_at();
  if (ip.has_base_id()) {
    return Status::NotSupported(name + ": index files in other base paths are not supported");
  }
  for (const auto& f : ip.files()) out.files.emplace_back(f.path(), f.size_bytes());
  return out;
}

void IndexToProto(const IndexMetadata& in, lance::table::IndexMetadata* ip) {
  UuidToProto(in.uuid, ip->mutable_uuid()).IgnoreError();
  for (int32_t f : in.fields) ip->add_fields(f);
  ip->set_name(in.name);
  ip->set_dataset_version(in.dataset_version);
  ip->set_fragment_bitmap(SerializeRoaring(in.fragment_ids));
  if (!in.details_type_url.empty() || !in.details_value.empty()) {
    ip->mutable_index_details()->set_type_url(in.details_type_url);
    ip->mutable_index_details()->set_value(in.details_value);
  }
  if (in.index_version) ip->set_index_version(*in.index_version);
  if (in.created_at) ip->set_created_at(*in.created_at);
  for (const auto& [path, size] : in.files) {
    auto* f = ip->add_files();
    f->set_path(path);
    f->set_size_bytes(size);
  }
}

Result<Manifest> ManifestFromProto(const lance::table::Manifest& m, const std::string& name) {
  Manifest out;
  auto schema = file::SchemaFromProto(m.fields(), &m.schema_metadata());
  if (!schema.ok()) return schema.status().WithContext(name);
  out.schema = std::move(*schema);
  out.version = m.version();
  {
    int64_t ns = 0;
    if (__builtin_mul_overflow(static_cast<int64_t>(m.timestamp().seconds()), int64_t{1000000000},
                               &ns) ||
        __builtin_add_overflow(ns, static_cast<int64_t>(m.timestamp().nanos()), &ns)) {
      return Status::Corruption(name + ": manifest timestamp is out of range");
    }
    out.timestamp_nanos = ns;
  }
  out.reader_feature_flags = m.reader_feature_flags();
  out.writer_feature_flags = m.writer_feature_flags();
  if (m.has_max_fragment_id()) out.max_fragment_id = m.max_fragment_id();
  out.transaction_file = m.transaction_file();
  out.writer_library = m.writer_version().library();
  out.writer_version = m.writer_version().version();
  out.next_row_id = m.next_row_id();
  out.data_storage_version = m.data_format().version();
  for (const auto& [k, v] : m.config()) out.config[k] = v;
  if (m.has_index_section()) out.index_section = m.index_section();
  if (m.has_transaction_section()) out.transaction_section = m.transaction_section();
  out.tag = m.tag();
  for (const auto& fp : m.fragments()) {
    LANCET_ASSIGN_OR_RETURN(Fragment f, FragmentFromProto(fp, name));
    out.fragments.push_back(std::move(f));
  }
  return out;
}

Status ManifestToProto(const Manifest& in, lance::table::Manifest* m) {
  LANCET_RETURN_NOT_OK(
      file::SchemaToProto(in.schema, m->mutable_fields(), m->mutable_schema_metadata()));
  m->set_version(in.version);
  m->mutable_timestamp()->set_seconds(in.timestamp_nanos / 1000000000LL);
  m->mutable_timestamp()->set_nanos(static_cast<int32_t>(in.timestamp_nanos % 1000000000LL));
  m->set_reader_feature_flags(in.reader_feature_flags);
  m->set_writer_feature_flags(in.writer_feature_flags);
  if (in.max_fragment_id) m->set_max_fragment_id(*in.max_fragment_id);
  m->set_transaction_file(in.transaction_file);
  m->mutable_writer_version()->set_library(in.writer_library);
  m->mutable_writer_version()->set_version(in.writer_version);
  m->set_next_row_id(in.next_row_id);
  m->mutable_data_format()->set_file_format("lance");
  m->mutable_data_format()->set_version(in.data_storage_version);
  for (const auto& [k, v] : in.config) (*m->mutable_config())[k] = v;
  if (in.index_section) m->set_index_section(*in.index_section);
  m->set_tag(in.tag);
  for (const Fragment& f : in.fragments) FragmentToProto(f, m->add_fragments());
  return Status::OK();
}

Result<Manifest> ParseManifest(const Buffer& bytes, const std::string& name) {
  LANCET_ASSIGN_OR_RETURN(lance::table::Manifest m, ParseProto(bytes, name));
  LANCET_ASSIGN_OR_RETURN(Manifest out, ManifestFromProto(m, name));
  if (m.has_index_section()) {
    LANCET_ASSIGN_OR_RETURN(std::string_view pb,
                            ReadSection(bytes, m.index_section(), name, "index section"));
    lance::table::IndexSection section;
    if (!section.ParseFromArray(pb.data(), static_cast<int>(pb.size()))) {
      return Status::Corruption(name + ": index section protobuf is invalid");
    }
    for (const auto& ip : section.indices()) {
      LANCET_ASSIGN_OR_RETURN(IndexMetadata im, IndexFromProto(ip, name));
      out.indices.push_back(std::move(im));
    }
  }
  return out;
}

Result<std::string> ReadEmbeddedTransaction(const Buffer& bytes, const std::string& name) {
  LANCET_ASSIGN_OR_RETURN(lance::table::Manifest m, ParseProto(bytes, name));
  if (!m.has_transaction_section()) return std::string();
  LANCET_ASSIGN_OR_RETURN(std::string_view pb,
                          ReadSection(bytes, m.transaction_section(), name, "transaction"));
  return std::string(pb);
}

Result<Buffer> SerializeManifest(const Manifest& manifest, const std::string& transaction) {
  lance::table::Manifest m;
  LANCET_RETURN_NOT_OK(ManifestToProto(manifest, &m));
  BufferBuilder out;
  m.clear_index_section();
  if (!manifest.indices.empty()) {
    lance::table::IndexSection section;
    for (const IndexMetadata& im : manifest.indices) IndexToProto(im, section.add_indices());
    std::string pb = section.SerializeAsString();
    m.set_index_section(out.size());
    out.AppendValue<uint32_t>(static_cast<uint32_t>(pb.size()));
    out.Append(pb);
  }
  if (!transaction.empty()) {
    m.set_transaction_section(out.size());
    out.AppendValue<uint32_t>(static_cast<uint32_t>(transaction.size()));
    out.Append(transaction);
  }
  int64_t pos = static_cast<int64_t>(out.size());
  std::string pb = m.SerializeAsString();
  out.AppendValue<uint32_t>(static_cast<uint32_t>(pb.size()));
  out.Append(pb);
  out.AppendValue<int64_t>(pos);
  out.AppendValue<uint16_t>(0);
  out.AppendValue<uint16_t>(2);
  out.Append("LANC", 4);
  return out.Finish();
}

}  // namespace lancet::table
