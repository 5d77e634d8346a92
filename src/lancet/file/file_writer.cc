// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The lancet authors
#include "lancet/file/file_writer.h"

#include <google/protobuf/any.pb.h>

#include <algorithm>
#include <cstring>

#include "encodings_v2_0.pb.h"
#include "file.pb.h"
#include "file2.pb.h"
#include "lancet/file/file_reader.h"
#include "lancet/file/schema.h"
#include "lancet/file/schema_proto_internal.h"

namespace lancet::file {

struct FileWriter::ColumnState {
  lance::file::v2::ColumnMetadata meta;
  uint64_t rows = 0;
};

namespace {

constexpr uint64_t kAlignment = 64;
constexpr uint8_t kPadByte = 0;

std::string PackAny(const std::string& type_url, const std::string& value) {
  google::protobuf::Any any;
  any.set_type_url(type_url);
  any.set_value(value);
  return any.SerializeAsString();
}

}  // namespace

std::pair<uint16_t, uint16_t> FooterVersion(encoding::FileVersion version) {
  switch (version) {
    case encoding::FileVersion::kV2_0: return {0, 3};
    case encoding::FileVersion::kV2_1: return {2, 1};
    case encoding::FileVersion::kV2_2: return {2, 2};
  }
  return {2, 2};
}

std::pair<uint16_t, uint16_t> DataFileVersion(encoding::FileVersion version) {
  switch (version) {
    case encoding::FileVersion::kV2_0: return {2, 0};
    case encoding::FileVersion::kV2_1: return {2, 1};
    case encoding::FileVersion::kV2_2: return {2, 2};
  }
  return {2, 2};
}

Result<encoding::FileVersion> ParseFileVersion(const std::string& s) {
  if (s == "2.0" || s == "legacy") return encoding::FileVersion::kV2_0;
  if (s == "2.1" || s == "stable") return encoding::FileVersion::kV2_1;
  if (s == "2.2" || s == "next") return encoding::FileVersion::kV2_2;
  return Status::NotSupported("data storage version '" + s +
                              "' is not supported (use 2.0, 2.1 or 2.2)");
}

Result<std::unique_ptr<FileWriter>> FileWriter::Make(std::unique_ptr<io::OutputStream> out,
                                                     Schema schema, FileWriterOptions options) {
  std::unique_ptr<FileWriter> w(new FileWriter());
  w->out_ = std::move(out);
  AssignFieldIds(&schema, MaxFieldId(schema) + 1);
  w->schema_ = std::move(schema);
  w->options_ = std::move(options);
  int next = 0;
  for (const Field& f : w->schema_.fields) {
    LANCET_ASSIGN_OR_RETURN(auto enc,
                            encoding::MakeFieldEncoder(f, w->options_.version,
                                                       w->options_.encoder));
    w->first_column_.push_back(next);
    next += enc->num_columns();
    w->encoders_.push_back(std::move(enc));
  }
  w->columns_.resize(next);
  LANCET_ASSIGN_OR_RETURN(int64_t pos, w->out_->Tell());
  w->position_ = static_cast<uint64_t>(pos);
  return w;
}

FileWriter::~FileWriter() {
  if (!finished_ && out_) out_->Abort().IgnoreError();
}

Status FileWriter::WriteAligned(const Buffer& buf, uint64_t* position) {
  uint64_t rem = position_ % kAlignment;
  if (rem) {
    uint8_t pad[kAlignment];
    std::memset(pad, kPadByte, sizeof(pad));
    LANCET_RETURN_NOT_OK(out_->Write(pad, kAlignment - rem));
    position_ += kAlignment - rem;
  }
  *position = position_;
  if (buf.size() > 0) LANCET_RETURN_NOT_OK(out_->Write(buf.data(), buf.size()));
  position_ += buf.size();
  return Status::OK();
}

Status FileWriter::WritePages(size_t field_index,
                              std::vector<std::vector<encoding::EncodedPage>>* pages) {
  int base = first_column_[field_index];
  for (size_t c = 0; c < pages->size(); ++c) {
    ColumnState& col = columns_[base + c];
    for (encoding::EncodedPage& page : (*pages)[c]) {
      auto* p = col.meta.add_pages();
      for (const Buffer& b : page.buffers) {
        uint64_t pos;
        LANCET_RETURN_NOT_OK(WriteAligned(b, &pos));
        p->add_buffer_offsets(pos);
        p->add_buffer_sizes(static_cast<uint64_t>(b.size()));
      }
      p->set_length(page.num_rows);
      p->set_priority(col.rows);
      col.rows += page.num_rows;
      p->mutable_encoding()->mutable_direct()->set_encoding(
          PackAny(page.encoding_type_url, page.encoding));
    }
    (*pages)[c].clear();
  }
  return Status::OK();
}

Status FileWriter::Write(const RecordBatch& batch) {
  if (finished_) return Status::InvalidArgument("file writer already finished");
  if (batch.columns.size() != schema_.fields.size()) {
    return Status::InvalidArgument("batch has " + std::to_string(batch.columns.size()) +
                                   " columns, schema has " +
                                   std::to_string(schema_.fields.size()));
  }
  if (batch.num_rows == 0) return Status::OK();
  for (size_t i = 0; i < encoders_.size(); ++i) {
    if (batch.columns[i]->length != batch.num_rows) {
      return Status::InvalidArgument("column '" + schema_.fields[i].name + "' has " +
                                     std::to_string(batch.columns[i]->length) + " rows, batch " +
                                     std::to_string(batch.num_rows));
    }
    std::vector<std::vector<encoding::EncodedPage>> pages(encoders_[i]->num_columns());
    Status st = encoders_[i]->Encode(batch.columns[i], &pages);
    if (!st.ok()) return st.WithContext("column '" + schema_.fields[i].name + "'");
    LANCET_RETURN_NOT_OK(WritePages(i, &pages));
  }
  num_rows_ += static_cast<uint64_t>(batch.num_rows);
  return Status::OK();
}

Result<FileWriteSummary> FileWriter::Finish() {
  if (finished_) return Status::InvalidArgument("file writer already finished");
  // The encoders' last pages are written largest field first, so that the bytes just before the
  // metadata belong to the narrowest fields: a reader's speculative tail read fetches them
  // whatever it projects, and a wide column (images) there would be fetched by every open.
  std::vector<std::vector<std::vector<encoding::EncodedPage>>> last(encoders_.size());
  std::vector<std::pair<int64_t, size_t>> order;  // (bytes, field)
  for (size_t i = 0; i < encoders_.size(); ++i) {
    last[i].resize(encoders_[i]->num_columns());
    Status st = encoders_[i]->Finish(&last[i]);
    if (!st.ok()) return st.WithContext("column '" + schema_.fields[i].name + "'");
    int64_t bytes = 0;
    for (const auto& column : last[i]) {
      for (const encoding::EncodedPage& page : column) {
        for (const Buffer& b : page.buffers) bytes += b.size();
      }
    }
    order.emplace_back(bytes, i);
  }
  std::stable_sort(order.begin(), order.end(),
                   [](const auto& a, const auto& b) { return a.first > b.first; });
  for (const auto& [bytes, i] : order) LANCET_RETURN_NOT_OK(WritePages(i, &last[i]));
  // Global buffer 0: the FileDescriptor.
  lance::file::FileDescriptor fd;
  LANCET_RETURN_NOT_OK(SchemaToProto(schema_, fd.mutable_schema()->mutable_fields(),
                                     fd.mutable_schema()->mutable_metadata()));
  for (const auto& [k, v] : options_.schema_metadata) {
    (*fd.mutable_schema()->mutable_metadata())[k] = v;
  }
  fd.set_length(num_rows_);
  uint64_t gb0_pos;
  std::string gb0 = fd.SerializeAsString();
  LANCET_RETURN_NOT_OK(WriteAligned(Buffer::FromString(gb0), &gb0_pos));

  // Column metadata, back to back.
  lance::encodings::ColumnEncoding col_enc;
  col_enc.mutable_values();
  std::string col_enc_any = PackAny(encoding::kColumnEncodingTypeUrl, col_enc.SerializeAsString());
  uint64_t column_meta_start = position_;
  std::vector<std::pair<uint64_t, uint64_t>> cmo;
  for (ColumnState& col : columns_) {
    col.meta.mutable_encoding()->mutable_direct()->set_encoding(col_enc_any);
    std::string bytes = col.meta.SerializeAsString();
    cmo.emplace_back(position_, bytes.size());
    LANCET_RETURN_NOT_OK(out_->Write(bytes.data(), bytes.size()));
    position_ += bytes.size();
  }
  BufferBuilder tail;
  uint64_t cmo_start = position_;
  for (auto [pos, len] : cmo) {
    tail.AppendValue<uint64_t>(pos);
    tail.AppendValue<uint64_t>(len);
  }
  uint64_t gbo_start = cmo_start + tail.size();
  tail.AppendValue<uint64_t>(gb0_pos);
  tail.AppendValue<uint64_t>(gb0.size());
  auto [major, minor] = FooterVersion(options_.version);
  tail.AppendValue<uint64_t>(column_meta_start);
  tail.AppendValue<uint64_t>(cmo_start);
  tail.AppendValue<uint64_t>(gbo_start);
  tail.AppendValue<uint32_t>(1);
  tail.AppendValue<uint32_t>(static_cast<uint32_t>(columns_.size()));
  tail.AppendValue<uint16_t>(major);
  tail.AppendValue<uint16_t>(minor);
  tail.Append("LANC", 4);
  LANCET_RETURN_NOT_OK(out_->Write(tail.data(), tail.size()));
  position_ += tail.size();
  LANCET_RETURN_NOT_OK(out_->Close());
  finished_ = true;

  FileWriteSummary summary;
  summary.num_rows = num_rows_;
  summary.file_size = static_cast<int64_t>(position_);
  auto [dmajor, dminor] = DataFileVersion(options_.version);
  summary.major_version = dmajor;
  summary.minor_version = dminor;
  summary.field_ids = ColumnFieldIds(schema_, options_.version);
  for (size_t i = 0; i < summary.field_ids.size(); ++i) {
    summary.column_indices.push_back(static_cast<int32_t>(i));
  }
  return summary;
}

}  // namespace lancet::file
