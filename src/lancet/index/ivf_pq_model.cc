// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The lancet authors
#include "lancet/index/ivf_pq_model.h"

#include <cstring>
#include <nlohmann/json.hpp>

#include "index.pb.h"
#include "lancet/core/array.h"
#include "lancet/file/file_reader.h"
#include "lancet/file/file_writer.h"
#include "lancet/index/lance_file_splice_internal.h"

namespace lancet::index {

namespace {

constexpr char kIndexFile[] = "index.idx";
constexpr char kAuxFile[] = "auxiliary.idx";

std::string Join(const std::string& dir, const std::string& name) {
  if (dir.empty() || dir.back() == '/') return dir + name;
  return dir + "/" + name;
}

lance::index::pb::VectorMetricType ProtoMetric(linalg::MetricType m) {
  switch (m) {
    case linalg::MetricType::kCosine:
      return lance::index::pb::Cosine;
    case linalg::MetricType::kDot:
      return lance::index::pb::Dot;
    default:
      return lance::index::pb::L2;
  }
}

void SetFloatTensor(lance::index::pb::Tensor* t, const std::vector<float>& data,
                    std::vector<uint32_t> shape) {
  t->set_data_type(lance::index::pb::Tensor::FLOAT32);
  for (uint32_t s : shape) t->add_shape(s);
  t->set_data(std::string(reinterpret_cast<const char*>(data.data()), data.size() * sizeof(float)));
}

Result<std::vector<float>> TensorToFloats(const lance::index::pb::Tensor& t, const char* what) {
  if (t.data_type() != lance::index::pb::Tensor::FLOAT32) {
    return Status::NotSupported(std::string(what) + " tensor of data type " +
                                std::to_string(t.data_type()) + " (only float32 is supported)");
  }
  uint64_t count = 1;
  for (uint32_t s : t.shape()) count *= s;
  if (t.data().size() != count * sizeof(float)) {
    return Status::Corruption(std::string(what) + " tensor holds " +
                              std::to_string(t.data().size()) + " bytes for " +
                              std::to_string(count) + " floats");
  }
  std::vector<float> out(count);
  if (count) std::memcpy(out.data(), t.data().data(), t.data().size());
  return out;
}

Result<std::unique_ptr<file::FileReader>> OpenLanceFile(io::FileSystem* fs,
                                                        const std::string& path) {
  LANCET_ASSIGN_OR_RETURN(auto in, fs->OpenInputFile(path));
  return file::FileReader::Open(in);
}

Result<int> GlobalBufferRef(const std::map<std::string, std::string>& md, const std::string& key,
                            const std::string& path) {
  auto it = md.find(key);
  if (it == md.end()) return Status::Corruption(path + ": schema metadata has no '" + key + "'");
  try {
    return std::stoi(it->second);
  } catch (...) {
    return Status::Corruption(path + ": '" + key + "' is not a global buffer number: " +
                              it->second);
  }
}

Result<lance::index::pb::IVF> ReadIvf(const file::FileReader& reader,
                                      const std::string& path) {
  LANCET_ASSIGN_OR_RETURN(int gb, GlobalBufferRef(reader.schema().metadata, "lance:ivf", path));
  if (gb <= 0 || gb >= static_cast<int>(reader.global_buffers().size())) {
    return Status::Corruption(path + ": lance:ivf names global buffer " + std::to_string(gb) +
                              " of " + std::to_string(reader.global_buffers().size()));
  }
  LANCET_ASSIGN_OR_RETURN(Buffer buf, reader.ReadGlobalBuffer(gb));
  lance::index::pb::IVF ivf;
  if (!ivf.ParseFromArray(buf.data(), static_cast<int>(buf.size()))) {
    return Status::Corruption(path + ": global buffer " + std::to_string(gb) +
                              " is not an IVF message");
  }
  return ivf;
}

/// Writes into memory (the index files are spliced before they are stored).
class StringOutputStream : public io::OutputStream {
 public:
  explicit StringOutputStream(std::string path) : path_(std::move(path)) {}
  const std::string& path() const override { return path_; }
  Status Write(const void* data, size_t n) override {
    bytes_.append(static_cast<const char*>(data), n);
    return Status::OK();
  }
  Result<int64_t> Tell() const override { return static_cast<int64_t>(bytes_.size()); }
  Status Close() override {
    closed_ = true;
    return Status::OK();
  }
  Status Abort() override { return Close(); }
  bool closed() const override { return closed_; }
  std::string* bytes() { return &bytes_; }

 private:
  std::string path_;
  std::string bytes_;
  bool closed_ = false;
};

/// Write a Lance file holding `batch` into memory, add `extra_buffers` as global buffers 1..n,
/// and store it at `path`. Returns the file size.
Result<uint64_t> WriteIndexLanceFile(io::FileSystem* fs, const std::string& path, Schema schema,
                                     const RecordBatch* batch,
                                     const std::vector<std::string>& extra_buffers,
                                     encoding::FileVersion version) {
  auto stream = std::make_unique<StringOutputStream>(path);
  StringOutputStream* raw = stream.get();
  file::FileWriterOptions opts;
  opts.version = version;
  opts.schema_metadata = schema.metadata;
  LANCET_ASSIGN_OR_RETURN(auto writer, file::FileWriter::Make(std::move(stream), schema, opts));
  if (batch != nullptr) LANCET_RETURN_NOT_OK(writer->Write(*batch));
  LANCET_ASSIGN_OR_RETURN(auto summary, writer->Finish());
  (void)summary;
  LANCET_ASSIGN_OR_RETURN(std::string bytes, AddGlobalBuffers(*raw->bytes(), extra_buffers));
  uint64_t size = bytes.size();
  LANCET_RETURN_NOT_OK(fs->WriteFile(path, Buffer::FromString(std::move(bytes))));
  return size;
}

}  // namespace

const char* LanceDistanceTypeName(linalg::MetricType metric) {
  return linalg::MetricTypeName(metric);
}

Status IvfPqModel::Validate() const {
  const uint32_t p = num_partitions();
  if (dim == 0 || p == 0) return Status::Corruption("IVF_PQ index has no partitions or dim 0");
  if (centroids.size() != size_t{p} * dim) {
    return Status::Corruption("IVF centroids: " + std::to_string(centroids.size()) +
                              " floats for " + std::to_string(p) + " x " + std::to_string(dim));
  }
  if (offsets.size() != p) return Status::Corruption("IVF offsets/lengths differ in size");
  if (num_bits != 8) {
    return Status::NotSupported("PQ with " + std::to_string(num_bits) +
                                " bits per code (only 8 is supported)");
  }
  if (num_sub_vectors == 0 || dim % num_sub_vectors != 0) {
    return Status::Corruption("PQ: dimension " + std::to_string(dim) +
                              " is not a multiple of num_sub_vectors " +
                              std::to_string(num_sub_vectors));
  }
  if (codebook.size() != size_t{256} * dim) {
    return Status::Corruption("PQ codebook: " + std::to_string(codebook.size()) +
                              " floats, expected 256 x " + std::to_string(dim));
  }
  uint64_t expect = 0;
  for (uint32_t i = 0; i < p; ++i) {
    if (offsets[i] != expect) {
      return Status::Corruption("IVF partition " + std::to_string(i) + " starts at row " +
                                std::to_string(offsets[i]) + ", expected " +
                                std::to_string(expect));
    }
    expect += lengths[i];
  }
  if (expect != row_ids.size() || codes.size() != row_ids.size() * num_sub_vectors) {
    return Status::Corruption("IVF_PQ: partitions hold " + std::to_string(expect) + " rows, " +
                              std::to_string(row_ids.size()) + " row ids, " +
                              std::to_string(codes.size()) + " code bytes");
  }
  return Status::OK();
}

Result<IndexFileList> WriteIvfPqFiles(io::FileSystem* fs, const std::string& dir,
                                      const IvfPqModel& model, encoding::FileVersion version) {
  LANCET_RETURN_NOT_OK(model.Validate());
  LANCET_RETURN_NOT_OK(fs->CreateDir(dir));
  const uint32_t p = model.num_partitions();
  const char* dist = LanceDistanceTypeName(model.metric);
  IndexFileList files;

  // auxiliary.idx: _rowid, __pq_code (transposed per partition); GB1 = IVF offsets/lengths,
  // GB2 = codebook tensor.
  {
    const uint32_t m = model.num_sub_vectors;
    Schema schema;
    schema.fields.emplace_back("_rowid", uint64(), true);
    schema.fields.emplace_back("__pq_code", fixed_size_list(uint8(), static_cast<int32_t>(m)),
                               true);
    nlohmann::ordered_json sm = {{"codebook_position", 2},
                         {"nbits", model.num_bits},
                         {"num_sub_vectors", m},
                         {"dimension", model.dim},
                         {"codebook_tensor", nlohmann::ordered_json::array()},
                         {"transposed", true}};
    schema.metadata["distance_type"] = dist;
    schema.metadata["lance:ivf"] = "1";
    schema.metadata["storage_metadata"] = nlohmann::json::array({sm.dump()}).dump();

    lance::index::pb::IVF ivf;
    for (uint32_t i = 0; i < p; ++i) {
      ivf.add_offsets(model.offsets[i]);
      ivf.add_lengths(static_cast<uint32_t>(model.lengths[i]));
    }
    lance::index::pb::Tensor codebook;
    SetFloatTensor(&codebook, model.codebook, {256u, model.dim});

    const int64_t n = static_cast<int64_t>(model.row_ids.size());
    RecordBatch batch;
    batch.schema = schema;
    batch.num_rows = n;
    auto ids = std::make_shared<ArrayData>();
    ids->type = uint64();
    ids->length = n;
    ids->values = Buffer::Copy(model.row_ids.data(), n * 8);
    auto items = std::make_shared<ArrayData>();
    items->type = uint8();
    items->length = n * m;
    items->values = Buffer::Copy(model.codes.data(), n * m);
    auto codes = std::make_shared<ArrayData>();
    codes->type = schema.fields[1].type;
    codes->length = n;
    codes->children.push_back(items);
    batch.columns = {ids, codes};
    LANCET_ASSIGN_OR_RETURN(
        uint64_t size,
        WriteIndexLanceFile(fs, Join(dir, kAuxFile), schema, n > 0 ? &batch : nullptr,
                            {ivf.SerializeAsString(), codebook.SerializeAsString()}, version));
    files.emplace_back(kAuxFile, size);
  }

  // index.idx: no rows, one page-less column __flat_marker; GB1 = IVF with the centroids.
  {
    Schema schema;
    schema.fields.emplace_back("__flat_marker", uint64(), false);
    nlohmann::ordered_json idx = {{"type", "IVF_PQ"}, {"distance_type", dist}};
    schema.metadata["lance:index"] = idx.dump();
    schema.metadata["lance:ivf"] = "1";
    nlohmann::json flat = nlohmann::json::array();
    for (uint32_t i = 0; i < p; ++i) flat.push_back("");
    schema.metadata["lance:flat"] = flat.dump();
    lance::index::pb::IVF ivf;
    // Lance writes one zero offset and one zero length per partition here (its reader asserts
    // equal counts); the rows live in auxiliary.idx.
    for (uint32_t i = 0; i < p; ++i) {
      ivf.add_offsets(0);
      ivf.add_lengths(0);
    }
    SetFloatTensor(ivf.mutable_centroids_tensor(), model.centroids, {p, model.dim});
    if (model.loss) ivf.set_loss(*model.loss);
    LANCET_ASSIGN_OR_RETURN(uint64_t size,
                            WriteIndexLanceFile(fs, Join(dir, kIndexFile), schema, nullptr,
                                                {ivf.SerializeAsString()}, version));
    files.emplace_back(kIndexFile, size);
  }
  return files;
}

Result<IvfPqModel> ReadIvfPqFiles(io::FileSystem* fs, const std::string& dir) {
  IvfPqModel model;
  // index.idx: type, metric, centroids.
  {
    const std::string path = Join(dir, kIndexFile);
    LANCET_ASSIGN_OR_RETURN(auto reader, OpenLanceFile(fs, path));
    const auto& md = reader->schema().metadata;
    auto it = md.find("lance:index");
    if (it == md.end()) return Status::Corruption(path + ": no 'lance:index' metadata");
    nlohmann::json j = nlohmann::json::parse(it->second, nullptr, false);
    if (j.is_discarded() || !j.is_object()) {
      return Status::Corruption(path + ": 'lance:index' is not a JSON object");
    }
    std::string type = j.value("type", "");
    if (type != "IVF_PQ") {
      return Status::NotSupported(path + ": index type '" + type +
                                  "' (only IVF_PQ is supported)");
    }
    LANCET_ASSIGN_OR_RETURN(model.metric,
                            linalg::ParseMetricType(j.value("distance_type", std::string("l2"))));
    LANCET_ASSIGN_OR_RETURN(auto ivf, ReadIvf(*reader, path));
    if (!ivf.has_centroids_tensor()) {
      return Status::NotSupported(path + ": IVF without centroids_tensor (legacy index)");
    }
    const auto& t = ivf.centroids_tensor();
    if (t.shape_size() != 2) return Status::Corruption(path + ": centroids tensor is not 2-D");
    model.dim = t.shape(1);
    LANCET_ASSIGN_OR_RETURN(model.centroids, TensorToFloats(t, "IVF centroids"));
    if (ivf.has_loss()) model.loss = ivf.loss();
    model.lengths.assign(t.shape(0), 0);
  }
  // auxiliary.idx: partitions, PQ parameters, codebook, row ids and codes.
  {
    const std::string path = Join(dir, kAuxFile);
    LANCET_ASSIGN_OR_RETURN(auto reader, OpenLanceFile(fs, path));
    const auto& md = reader->schema().metadata;
    LANCET_ASSIGN_OR_RETURN(auto ivf, ReadIvf(*reader, path));
    const uint32_t p = static_cast<uint32_t>(model.lengths.size());
    if (static_cast<uint32_t>(ivf.lengths_size()) != p) {
      return Status::Corruption(path + ": " + std::to_string(ivf.lengths_size()) +
                                " partition lengths for " + std::to_string(p) + " centroids");
    }
    model.offsets.resize(p);
    uint64_t acc = 0;
    for (uint32_t i = 0; i < p; ++i) {
      model.lengths[i] = ivf.lengths(i);
      model.offsets[i] = ivf.offsets_size() == static_cast<int>(p) ? ivf.offsets(i) : acc;
      acc += model.lengths[i];
    }
    auto it = md.find("storage_metadata");
    if (it == md.end()) return Status::Corruption(path + ": no 'storage_metadata'");
    nlohmann::json outer = nlohmann::json::parse(it->second, nullptr, false);
    if (outer.is_discarded() || !outer.is_array() || outer.empty() || !outer[0].is_string()) {
      return Status::Corruption(path + ": storage_metadata is not a JSON array of strings");
    }
    nlohmann::json pq = nlohmann::json::parse(outer[0].get<std::string>(), nullptr, false);
    if (pq.is_discarded() || !pq.is_object()) {
      return Status::Corruption(path + ": PQ storage metadata is not a JSON object");
    }
    model.num_bits = pq.value("nbits", 8u);
    model.num_sub_vectors = pq.value("num_sub_vectors", 0u);
    const uint32_t pq_dim = pq.value("dimension", 0u);
    const bool transposed = pq.value("transposed", false);
    if (pq_dim != model.dim) {
      return Status::Corruption(path + ": PQ dimension " + std::to_string(pq_dim) +
                                " differs from the IVF centroids' " + std::to_string(model.dim));
    }
    const int cb_pos = pq.value("codebook_position", 0);
    if (cb_pos <= 0 || cb_pos >= static_cast<int>(reader->global_buffers().size())) {
      return Status::Corruption(path + ": codebook_position " + std::to_string(cb_pos) +
                                " is not a global buffer");
    }
    LANCET_ASSIGN_OR_RETURN(Buffer cb, reader->ReadGlobalBuffer(cb_pos));
    lance::index::pb::Tensor tensor;
    if (!tensor.ParseFromArray(cb.data(), static_cast<int>(cb.size()))) {
      return Status::Corruption(path + ": codebook global buffer is not a Tensor");
    }
    LANCET_ASSIGN_OR_RETURN(model.codebook, TensorToFloats(tensor, "PQ codebook"));

    LANCET_ASSIGN_OR_RETURN(auto fields, reader->ProjectByName({"_rowid", "__pq_code"}));
    const uint64_t n = reader->num_rows();
    model.row_ids.resize(n);
    model.codes.resize(n * model.num_sub_vectors);
    if (n > 0) {
      LANCET_ASSIGN_OR_RETURN(RecordBatch batch, reader->ReadRange(fields, 0, n));
      const ArrayData& ids = *batch.columns[0];
      const ArrayData& codes = *batch.columns[1];
      if (ids.type->id() != TypeId::kUInt64 || codes.type->id() != TypeId::kFixedSizeList ||
          codes.type->fixed_size() != static_cast<int32_t>(model.num_sub_vectors) ||
          codes.children.empty() || codes.children[0]->type->id() != TypeId::kUInt8) {
        return Status::Corruption(path + ": unexpected column types " + ids.type->ToString() +
                                  ", " + codes.type->ToString());
      }
      std::memcpy(model.row_ids.data(), ids.values.data(), n * 8);
      const uint8_t* src = codes.children[0]->values.data();
      if (transposed) {
        std::memcpy(model.codes.data(), src, model.codes.size());
      } else {
        // Row-major codes: transpose each partition.
        const uint32_t m = model.num_sub_vectors;
        for (uint32_t part = 0; part < p; ++part) {
          const uint64_t off = model.offsets[part], len = model.lengths[part];
          if (off + len > n) break;  // Validate reports it
          uint8_t* dst = model.codes.data() + off * m;
          for (uint64_t i = 0; i < len; ++i) {
            for (uint32_t s = 0; s < m; ++s) dst[s * len + i] = src[(off + i) * m + s];
          }
        }
      }
    }
  }
  LANCET_RETURN_NOT_OK(model.Validate());
  return model;
}

std::pair<std::string, std::string> IvfPqIndexDetails(const IvfPqModel& model, int max_iters,
                                                      int sample_rate) {
  lance::index::pb::VectorIndexDetails d;
  d.set_metric_type(ProtoMetric(model.metric));
  d.mutable_pq()->set_num_bits(model.num_bits);
  d.mutable_pq()->set_num_sub_vectors(model.num_sub_vectors);
  auto& hints = *d.mutable_runtime_hints();
  hints["lance.ivf.max_iters"] = std::to_string(max_iters);
  hints["lance.ivf.sample_rate"] = std::to_string(sample_rate);
  hints["lance.pq.max_iters"] = std::to_string(max_iters);
  hints["lance.pq.sample_rate"] = std::to_string(sample_rate);
  return {"/lance.index.pb.VectorIndexDetails", d.SerializeAsString()};
}

}  // namespace lancet::index
