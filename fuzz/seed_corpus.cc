// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The lancet authors
//
// Writes a seed corpus for the file reader fuzzer: small lancet-written files of every version
// covering every type (fuzzers mutate from valid structure much faster than from nothing).
// Usage: fuzz_seed_corpus OUT_DIR
#include <fstream>
#include <iostream>
#include <sstream>

#include <string>

#include "lancet/core/json_rows.h"
#include "lancet/file/file_writer.h"
#include "lancet/io/memory_file_system.h"

int main(int argc, char** argv) {
  using namespace lancet;
  if (argc != 2 && argc != 3) {
    std::cerr << "usage: fuzz_seed_corpus OUT_DIR [TARGET]\n";
    return 1;
  }
  // Targets other than the file reader bring their seeds in testdata/fuzz/<target>/.
  if (argc == 3 && std::string(argv[2]) != "file_reader_fuzz") return 0;
  const char* schema_json = R"([
    {"name": "i", "type": "int64"}, {"name": "s", "type": "string"},
    {"name": "b", "type": "bool"}, {"name": "v", "type": "fixed_size_list:float:4"},
    {"name": "img", "type": "large_binary"},
    {"name": "l", "type": "list", "children": [{"name": "item", "type": "int32"}]},
    {"name": "st", "type": "struct", "nullable": false, "children": [{"name": "x", "type": "double"}]}
  ])";
  auto schema = SchemaFromJson(schema_json);
  if (!schema.ok()) return 2;
  std::string big(300, 'x');
  std::stringstream rows;
  for (int r = 0; r < 12; ++r) {
    rows << "{\"i\":" << (r % 5 == 0 ? "null" : std::to_string(r * 7)) << ",\"s\":\"row" << r
         << "\",\"b\":" << (r % 2 ? "true" : "false") << ",\"v\":[1,2,3," << r
         << "],\"img\":" << (r % 4 == 0 ? "null" : "\"" + std::string(r % 3 ? "AAEC" : "") + "\"")
         << ",\"l\":" << (r % 3 == 0 ? "null" : "[1,2]") << ",\"st\":{\"x\":" << r << ".5}}\n";
  }
  int n = 0;
  for (auto version : {encoding::FileVersion::kV2_0, encoding::FileVersion::kV2_1,
                       encoding::FileVersion::kV2_2}) {
    std::stringstream in(rows.str());
    auto batch = ReadJsonRows(*schema, in);
    if (!batch.ok()) {
      std::cerr << batch.status().ToString() << "\n";
      return 3;
    }
    auto fs = std::make_shared<io::MemoryFileSystem>();
    auto out = fs->OpenOutputStream("/seed");
    if (!out.ok()) return 4;
    file::FileWriterOptions o;
    o.version = version;
    auto w = file::FileWriter::Make(std::move(*out), *schema, o);
    if (!w.ok() || !(*w)->Write(*batch).ok() || !(*w)->Finish().ok()) {
      std::cerr << "cannot write seed for " << encoding::FileVersionName(version) << "\n";
      return 5;
    }
    auto bytes = fs->ReadFile("/seed");
    if (!bytes.ok()) return 6;
    std::ofstream(std::string(argv[1]) + "/seed-" + std::to_string(n++), std::ios::binary)
        .write(reinterpret_cast<const char*>(bytes->data()), bytes->size());
  }
  return 0;
}
