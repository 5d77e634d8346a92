// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The lancet authors
#include "lancet/file/file_reader.h"

#include <google/protobuf/any.pb.h>

#include <algorithm>
#include <cstring>
#include <thread>

#include "file.pb.h"
#include "file2.pb.h"
#include "lancet/encoding/field_codec.h"
#include "lancet/file/range_reader_internal.h"
#include "lancet/file/schema_proto_internal.h"

namespace lancet::file {
namespace {

template <typename T>
T LoadLE(const char* p) {
  T v;
  std::memcpy(&v, p, sizeof(T));
  return v;
}

Status ParseEncoding(const lance::file::v2::Encoding& enc, std::string* type_url,
                     std::string* value, const std::string& what) {
  if (enc.has_direct()) {
    google::protobuf::Any any;
    if (!any.ParseFromString(enc.direct().encoding())) {
      return Status::Corruption(what + ": encoding is not a valid google.protobuf.Any");
    }
    *type_url = any.type_url();
    *value = any.value();
    return Status::OK();
  }
  if (enc.has_indirect()) {
    return Status::NotSupported(what + ": deferred (indirect) encodings are not supported");
  }
  type_url->clear();
  value->clear();
  return Status::OK();
}

}  // namespace

Result<Footer> ParseFooter(std::string_view bytes, int64_t file_size) {
  if (bytes.size() != static_cast<size_t>(kFooterSize)) {
    return Status::Corruption("footer must be 40 bytes");
  }
  const char* p = bytes.data();
  if (std::memcmp(p + 36, "LANC", 4) != 0) {
    return Status::Corruption("not a Lance file (missing LANC magic at the end)");
  }
  Footer f;
  f.column_meta_start = LoadLE<uint64_t>(p);
  f.column_meta_offsets_start = LoadLE<uint64_t>(p + 8);
  f.global_buff_offsets_start = LoadLE<uint64_t>(p + 16);
  f.num_global_buffers = LoadLE<uint32_t>(p + 24);
  f.num_columns = LoadLE<uint32_t>(p + 28);
  f.major_version = LoadLE<uint16_t>(p + 32);
  f.minor_version = LoadLE<uint16_t>(p + 34);
  uint64_t limit = static_cast<uint64_t>(file_size - kFooterSize);
  if (f.column_meta_start > limit || f.column_meta_offsets_start > limit ||
      f.global_buff_offsets_start > limit ||
      f.column_meta_offsets_start + 16ull * f.num_columns > limit ||
      f.global_buff_offsets_start + 16ull * f.num_global_buffers > limit ||
      f.num_columns > (1u << 24) || f.num_global_buffers > (1u << 24)) {
    return Status::Corruption("footer offsets point outside the file");
  }
  return f;
}

Result<FileVersion> VersionFromFooter(uint16_t major, uint16_t minor) {
  if ((major == 0 && minor == 3) || (major == 2 && minor == 0)) return FileVersion::kV2_0;
  if (major == 2 && minor == 1) return FileVersion::kV2_1;
  if (major == 2 && minor == 2) return FileVersion::kV2_2;
  if (major == 0 && minor < 3) {
    return Status::NotSupported("legacy Lance v1 file (footer version 0." + std::to_string(minor) +
                                ") is not supported");
  }
  return Status::NotSupported("unknown Lance file version " + std::to_string(major) + "." +
                              std::to_string(minor));
}

Result<std::unique_ptr<FileReader>> FileReader::Open(std::shared_ptr<io::RandomAccessFile> file,
                                                     const FileReaderOptions& options) {
  std::unique_ptr<FileReader> reader(new FileReader());
  reader->file_ = std::move(file);
  reader->path_ = reader->file_->path();
  Status st = reader->Init(options);
  if (!st.ok()) return st.WithContext(reader->path_);
  return reader;
}

Status FileReader::Init(const FileReaderOptions& options) {
  if (options.page_metadata_cache_bytes > 0) {
    page_metadata_ = std::make_shared<PageMetadataCache>(options.page_metadata_cache_bytes);
  }
  if (options.known_file_size >= 0) {
    file_size_ = options.known_file_size;
  } else {
    LANCET_ASSIGN_OR_RETURN(file_size_, file_->GetSize());
  }
  if (file_size_ < kFooterSize) {
    return Status::Corruption("file of " + std::to_string(file_size_) +
                              " bytes is too small to be a Lance file");
  }
  // Speculative tail read: usually the footer and all metadata arrive in one request.
  int64_t tail_size = std::min<int64_t>(file_size_, std::max<int64_t>(options.tail_read_size, 64));
  LANCET_ASSIGN_OR_RETURN(Buffer tail, file_->ReadAt(file_size_ - tail_size, tail_size));
  int64_t tail_start = file_size_ - tail_size;
  LANCET_ASSIGN_OR_RETURN(
      footer_, ParseFooter(tail.view().substr(tail_size - kFooterSize), file_size_));
  LANCET_ASSIGN_OR_RETURN(version_,
                          VersionFromFooter(footer_.major_version, footer_.minor_version));
  if (footer_.num_global_buffers < 1) {
    return Status::Corruption("file has no global buffer (schema)");
  }

  // The metadata region starts at the earliest of global buffer 0 and the column metadata; we
  // need the GBO table first to know where GB0 is.
  auto region = [&](uint64_t start, uint64_t len) -> Result<std::string_view> {
    if (start + len > static_cast<uint64_t>(file_size_)) {
      return Status::Corruption("metadata range beyond end of file");
    }
    if (static_cast<int64_t>(start) < tail_start) {
      return Status::Internal("range not in tail");
    }
    return tail.view().substr(start - tail_start, len);
  };
  uint64_t meta_start = std::min(footer_.column_meta_start, footer_.global_buff_offsets_start);
  meta_start = std::min(meta_start, footer_.column_meta_offsets_start);
  if (static_cast<int64_t>(meta_start) < tail_start) {
    // Second read: the rest of the metadata region.
    LANCET_ASSIGN_OR_RETURN(tail, file_->ReadAt(meta_start, file_size_ - meta_start));
    tail_start = meta_start;
  }
  LANCET_ASSIGN_OR_RETURN(std::string_view gbo,
                          region(footer_.global_buff_offsets_start,
                                 16ull * footer_.num_global_buffers));
  global_buffers_.resize(footer_.num_global_buffers);
  for (uint32_t i = 0; i < footer_.num_global_buffers; ++i) {
    global_buffers_[i].offset = LoadLE<uint64_t>(gbo.data() + 16 * i);
    global_buffers_[i].length = LoadLE<uint64_t>(gbo.data() + 16 * i + 8);
    if (global_buffers_[i].offset + global_buffers_[i].length >
            static_cast<uint64_t>(file_size_) ||
        global_buffers_[i].offset + global_buffers_[i].length < global_buffers_[i].offset) {
      return Status::Corruption("global buffer " + std::to_string(i) + " is outside the file");
    }
  }
  // Global buffer 0 (the schema) normally precedes the column metadata.
  const auto& gb0 = global_buffers_[0];
  if (static_cast<int64_t>(gb0.offset) < tail_start) {
    LANCET_ASSIGN_OR_RETURN(tail, file_->ReadAt(gb0.offset, file_size_ - gb0.offset));
    tail_start = gb0.offset;
  }
  LANCET_ASSIGN_OR_RETURN(std::string_view gb0_bytes, region(gb0.offset, gb0.length));
  lance::file::FileDescriptor fd;
  if (!fd.ParseFromArray(gb0_bytes.data(), static_cast<int>(gb0_bytes.size()))) {
    return Status::Corruption("global buffer 0 is not a valid FileDescriptor");
  }
  num_rows_ = fd.length();
  LANCET_ASSIGN_OR_RETURN(schema_, SchemaFromProto(fd.schema().fields(), &fd.schema().metadata()));

  LANCET_ASSIGN_OR_RETURN(std::string_view cmo, region(footer_.column_meta_offsets_start,
                                                       16ull * footer_.num_columns));
  columns_.resize(footer_.num_columns);
  for (uint32_t c = 0; c < footer_.num_columns; ++c) {
    uint64_t pos = LoadLE<uint64_t>(cmo.data() + 16 * c);
    uint64_t len = LoadLE<uint64_t>(cmo.data() + 16 * c + 8);
    if (pos + len < pos) return Status::Corruption("column metadata offset overflow");
    LANCET_ASSIGN_OR_RETURN(std::string_view bytes, region(pos, len));
    lance::file::v2::ColumnMetadata cm;
    std::string what = "column " + std::to_string(c);
    if (!cm.ParseFromArray(bytes.data(), static_cast<int>(bytes.size()))) {
      return Status::Corruption(what + ": invalid ColumnMetadata");
    }
    ColumnMeta& col = columns_[c];
    LANCET_RETURN_NOT_OK(ParseEncoding(cm.encoding(), &col.encoding_type_url, &col.encoding, what));
    if (cm.buffer_offsets_size() != cm.buffer_sizes_size()) {
      return Status::Corruption(what + ": buffer offsets and sizes differ in count");
    }
    for (int b = 0; b < cm.buffer_offsets_size(); ++b) {
      col.buffers.push_back({cm.buffer_offsets(b), cm.buffer_sizes(b)});
    }
    uint64_t expected_priority = 0;
    for (int p = 0; p < cm.pages_size(); ++p) {
      const auto& pp = cm.pages(p);
      std::string pwhat = what + " page " + std::to_string(p);
      if (pp.buffer_offsets_size() != pp.buffer_sizes_size()) {
        return Status::Corruption(pwhat + ": buffer offsets and sizes differ in count");
      }
      encoding::PageMeta page;
      page.num_rows = pp.length();
      page.priority = pp.priority();
      for (int b = 0; b < pp.buffer_offsets_size(); ++b) {
        uint64_t off = pp.buffer_offsets(b), sz = pp.buffer_sizes(b);
        if (off + sz < off || off + sz > static_cast<uint64_t>(file_size_)) {
          return Status::Corruption(pwhat + ": buffer " + std::to_string(b) +
                                    " is outside the file");
        }
        page.buffers.push_back({off, sz});
      }
      LANCET_RETURN_NOT_OK(
          ParseEncoding(pp.encoding(), &page.encoding_type_url, &page.encoding, pwhat));
      (void)expected_priority;
      col.pages.push_back(std::move(page));
    }
  }
  return Status::OK();
}

Result<Buffer> FileReader::ReadGlobalBuffer(int index) const {
  if (index < 0 || index >= static_cast<int>(global_buffers_.size())) {
    return Status::InvalidArgument("no global buffer " + std::to_string(index));
  }
  return file_->ReadAt(global_buffers_[index].offset, global_buffers_[index].length);
}

Result<std::vector<ProjectedField>> FileReader::ProjectAll() const {
  std::vector<ProjectedField> out;
  int next = 0;
  for (const Field& f : schema_.fields) {
    ProjectedField pf{f, {}};
    int n = encoding::NumColumns(f, version_);
    for (int i = 0; i < n; ++i) pf.columns.push_back(next++);
    out.push_back(std::move(pf));
  }
  if (next != static_cast<int>(columns_.size())) {
    return Status::Corruption("schema needs " + std::to_string(next) + " columns but the file has " +
                              std::to_string(columns_.size()));
  }
  return out;
}

Result<std::vector<ProjectedField>> FileReader::ProjectByName(
    const std::vector<std::string>& names) const {
  LANCET_ASSIGN_OR_RETURN(std::vector<ProjectedField> all, ProjectAll());
  std::vector<ProjectedField> out;
  for (const std::string& n : names) {
    auto it = std::find_if(all.begin(), all.end(),
                           [&](const ProjectedField& pf) { return pf.field.name == n; });
    if (it == all.end()) return Status::InvalidArgument("no column named '" + n + "'");
    out.push_back(*it);
  }
  return out;
}

Result<std::vector<ArrayPtr>> FileReader::Read(const std::vector<ProjectedField>& fields,
                                               const std::vector<RowRange>& rows) const {
  for (const RowRange& r : rows) {
    if (r.start > r.end || r.end > num_rows_) {
      return Status::InvalidArgument("row range [" + std::to_string(r.start) + ", " +
                                     std::to_string(r.end) + ") outside the file's " +
                                     std::to_string(num_rows_) + " rows");
    }
  }
  std::vector<std::vector<const ColumnMeta*>> cols(fields.size());
  for (size_t i = 0; i < fields.size(); ++i) {
    for (int c : fields[i].columns) {
      if (c < 0 || c >= static_cast<int>(columns_.size())) {
        return Status::Corruption("field '" + fields[i].field.name + "' maps to missing column " +
                                  std::to_string(c));
      }
      cols[i].push_back(&columns_[c]);
    }
  }
  FileRangeReader io(file_, page_metadata_.get());
  auto decode = [&](size_t i, encoding::RangeReader* reader) -> Result<ArrayPtr> {
    auto arr = encoding::DecodeField(fields[i].field, version_, cols[i], rows, reader);
    if (!arr.ok()) return arr.status().WithContext(path_ + ": column '" + fields[i].field.name + "'");
    return arr;
  };
  std::vector<ArrayPtr> arrays(fields.size());
  // Where a request is expensive (object stores: blocks larger than a local disk's), decode the
  // fields side by side and gather their reads, so each round of reads is one ReadMany over all
  // fields instead of one per field, one after another.
  const bool gather = fields.size() > 1 && file_->coalesce_options().hole_size_limit >
                                               io::Capabilities::kLocalBlockSize;
  if (!gather) {
    for (size_t i = 0; i < fields.size(); ++i) {
      LANCET_ASSIGN_OR_RETURN(arrays[i], decode(i, &io));
    }
    return arrays;
  }
  GatheringRangeReader gathered(&io, fields.size());
  std::vector<Status> statuses(fields.size());
  auto run = [&](size_t i) {
    Result<ArrayPtr> a = decode(i, &gathered);
    gathered.Leave();
    if (a.ok()) {
      arrays[i] = std::move(*a);
    } else {
      statuses[i] = a.status();
    }
  };
  std::vector<std::thread> threads;
  threads.reserve(fields.size() - 1);
  for (size_t i = 1; i < fields.size(); ++i) threads.emplace_back(run, i);
  run(0);
  for (std::thread& t : threads) t.join();
  for (const Status& st : statuses) LANCET_RETURN_NOT_OK(st);
  return arrays;
}

Result<RecordBatch> FileReader::ReadRange(const std::vector<ProjectedField>& fields,
                                          uint64_t start, uint64_t end) const {
  RecordBatch batch;
  for (const auto& pf : fields) batch.schema.fields.push_back(pf.field);
  LANCET_ASSIGN_OR_RETURN(batch.columns, Read(fields, {RowRange{start, end}}));
  batch.num_rows = static_cast<int64_t>(end - start);
  return batch;
}

std::vector<RowRange> IndicesToRanges(const std::vector<uint64_t>& sorted_unique) {
  std::vector<RowRange> out;
  for (uint64_t i : sorted_unique) {
    if (!out.empty() && out.back().end == i) {
      out.back().end = i + 1;
    } else {
      out.push_back({i, i + 1});
    }
  }
  return out;
}

Result<RecordBatch> FileReader::Take(const std::vector<ProjectedField>& fields,
                                     const std::vector<uint64_t>& indices) const {
  std::vector<uint64_t> sorted = indices;
  std::sort(sorted.begin(), sorted.end());
  sorted.erase(std::unique(sorted.begin(), sorted.end()), sorted.end());
  RecordBatch batch;
  for (const auto& pf : fields) batch.schema.fields.push_back(pf.field);
  LANCET_ASSIGN_OR_RETURN(std::vector<ArrayPtr> cols, Read(fields, IndicesToRanges(sorted)));
  bool identity = sorted.size() == indices.size() &&
                  std::equal(sorted.begin(), sorted.end(), indices.begin());
  if (!identity) {
    std::vector<int64_t> positions(indices.size());
    for (size_t i = 0; i < indices.size(); ++i) {
      positions[i] = std::lower_bound(sorted.begin(), sorted.end(), indices[i]) - sorted.begin();
    }
    for (ArrayPtr& c : cols) {
      LANCET_ASSIGN_OR_RETURN(c, TakeArray(c, positions));
    }
  }
  batch.columns = std::move(cols);
  batch.num_rows = static_cast<int64_t>(indices.size());
  return batch;
}

}  // namespace lancet::file
