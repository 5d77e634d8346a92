// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The lancet authors
//
// Creates a Lance dataset, appends to it, deletes rows, reads it back (latest and an old
// version) and tags a version, using only lancet's installed public headers.
#include <filesystem>
#include <iostream>

#include "lancet/core/array_builder.h"
#include "lancet/table/dataset.h"

using lancet::ArrayBuilder;
using lancet::RecordBatch;
using lancet::Schema;
using lancet::Status;
using lancet::table::Dataset;

namespace {

Schema ImageSchema() {
  Schema s;
  s.fields.push_back({"id", lancet::int64(), false});
  s.fields.push_back({"caption", lancet::utf8(), true});
  s.fields.push_back({"embedding", lancet::fixed_size_list(lancet::float32(), 4), true});
  return s;
}

lancet::Result<RecordBatch> MakeRows(int64_t start, int64_t n) {
  ArrayBuilder ids(lancet::int64()), captions(lancet::utf8());
  ArrayBuilder emb(lancet::fixed_size_list(lancet::float32(), 4));
  const char* colors[] = {"red", "blue", "green"};
  for (int64_t i = start; i < start + n; ++i) {
    LANCET_RETURN_NOT_OK(ids.AppendInt(i));
    LANCET_RETURN_NOT_OK(captions.AppendBytes(std::string("a ") + colors[i % 3] + " car"));
    LANCET_RETURN_NOT_OK(emb.BeginList());
    for (int k = 0; k < 4; ++k) LANCET_RETURN_NOT_OK(emb.child(0)->AppendDouble(i * 0.5 + k));
    LANCET_RETURN_NOT_OK(emb.EndList());
  }
  RecordBatch b;
  b.schema = ImageSchema();
  b.num_rows = n;
  LANCET_ASSIGN_OR_RETURN(auto c0, ids.Finish());
  LANCET_ASSIGN_OR_RETURN(auto c1, captions.Finish());
  LANCET_ASSIGN_OR_RETURN(auto c2, emb.Finish());
  b.columns = {c0, c1, c2};
  return b;
}

Status Run(const std::string& uri) {
  std::filesystem::remove_all(uri);
  LANCET_ASSIGN_OR_RETURN(RecordBatch first, MakeRows(0, 100));
  LANCET_ASSIGN_OR_RETURN(auto v1, Dataset::Create(uri, ImageSchema(), {first}));
  LANCET_ASSIGN_OR_RETURN(RecordBatch more, MakeRows(100, 50));
  LANCET_ASSIGN_OR_RETURN(auto v2, v1->Append({more}));
  LANCET_ASSIGN_OR_RETURN(auto v3, v2->Delete("caption = 'a red car' AND id < 120"));
  LANCET_RETURN_NOT_OK(v3->CreateTag("first-load", 1));
  lancet::table::ScanOptions so;
  so.columns = {"id", "caption"};
  so.filter = "caption LIKE '%blue%'";
  LANCET_ASSIGN_OR_RETURN(RecordBatch blue, v3->ScanAll(so));
  LANCET_ASSIGN_OR_RETURN(auto old, v3->CheckoutTag("first-load"));
  std::cout << "version " << v3->version() << ": " << v3->CountRows() << " rows, "
            << blue.num_rows << " blue; tagged version " << old->version() << ": "
            << old->CountRows() << " rows\n";
  if (v3->CountRows() != 110 || blue.num_rows != 50 || old->CountRows() != 100) {
    return Status::Internal("unexpected row counts");
  }
  return Status::OK();
}

}  // namespace

int main(int argc, char** argv) {
  std::string uri = argc > 1 ? argv[1] : "/tmp/lancet-example.lance";
  Status st = Run(uri);
  if (!st.ok()) {
    std::cerr << "lancet_example: " << st.ToString() << "\n";
    return 1;
  }
  return 0;
}
