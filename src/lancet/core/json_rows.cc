// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The lancet authors
#include "lancet/core/json_rows.h"

#include <charconv>
#include <cmath>
#include <cstring>
#include <limits>
#include <nlohmann/json.hpp>
#include <sstream>
#include <utility>

#include "lancet/core/base64.h"
#include "lancet/core/float16.h"

namespace lancet {

namespace {

using json = nlohmann::json;
using ordered_json = nlohmann::ordered_json;

constexpr int kMaxSchemaDepth = 64;

// ---- Schema

Result<Field> FieldFromJson(const json& j, const std::string& parent, int depth);

Result<std::vector<Field>> FieldsFromJson(const json& j, const std::string& parent, int depth) {
  if (!j.is_array()) {
    return Status::InvalidArgument((parent.empty() ? "schema" : "children of \"" + parent + "\"") +
                                   std::string(" must be a JSON array of fields"));
  }
  std::vector<Field> fields;
  fields.reserve(j.size());
  for (const json& f : j) {
    LANCET_ASSIGN_OR_RETURN(Field field, FieldFromJson(f, parent, depth));
    fields.push_back(std::move(field));
  }
  return fields;
}

Result<std::map<std::string, std::string>> MetadataFromJson(const json& j,
                                                            const std::string& where) {
  if (!j.is_object()) return Status::InvalidArgument(where + ": metadata must be an object");
  std::map<std::string, std::string> out;
  for (auto it = j.begin(); it != j.end(); ++it) {
    if (!it.value().is_string()) {
      return Status::InvalidArgument(where + ": metadata value of \"" + it.key() +
                                     "\" must be a string");
    }
    out[it.key()] = it.value().get<std::string>();
  }
  return out;
}

Result<Field> FieldFromJson(const json& j, const std::string& parent, int depth) {
  if (depth > kMaxSchemaDepth) return Status::InvalidArgument("schema nested too deeply");
  if (!j.is_object()) return Status::InvalidArgument("a schema field must be a JSON object");
  auto name_it = j.find("name");
  if (name_it == j.end() || !name_it->is_string()) {
    return Status::InvalidArgument("a schema field" +
                                   (parent.empty() ? std::string() : " in \"" + parent + "\"") +
                                   " has no string \"name\"");
  }
  Field field;
  field.name = name_it->get<std::string>();
  const std::string path = parent.empty() ? field.name : parent + "." + field.name;
  const std::string where = "field \"" + path + "\"";
  std::vector<Field> children;
  std::string logical;
  for (auto it = j.begin(); it != j.end(); ++it) {
    const std::string& key = it.key();
    const json& v = it.value();
    if (key == "name") {
      continue;
    } else if (key == "type") {
      if (!v.is_string()) return Status::InvalidArgument(where + ": \"type\" must be a string");
      logical = v.get<std::string>();
    } else if (key == "nullable") {
      if (!v.is_boolean()) return Status::InvalidArgument(where + ": \"nullable\" must be a bool");
      field.nullable = v.get<bool>();
    } else if (key == "children") {
      LANCET_ASSIGN_OR_RETURN(children, FieldsFromJson(v, path, depth + 1));
    } else if (key == "metadata") {
      LANCET_ASSIGN_OR_RETURN(field.metadata, MetadataFromJson(v, where));
    } else if (key == "id") {
      if (!v.is_number_integer() || v.get<int64_t>() < -1 ||
          v.get<int64_t>() > std::numeric_limits<int32_t>::max()) {
        return Status::InvalidArgument(where + ": \"id\" must be an int32");
      }
      field.id = static_cast<int32_t>(v.get<int64_t>());
    } else {
      return Status::InvalidArgument(where + ": unknown key \"" + key + "\"");
    }
  }
  if (logical.empty()) return Status::InvalidArgument(where + " has no \"type\"");
  auto type = ParseLogicalType(logical, std::move(children));
  if (!type.ok()) return type.status().WithContext(where);
  field.type = std::move(type).ValueOrDie();
  return field;
}

ordered_json FieldToJson(const Field& f) {
  ordered_json j;
  j["name"] = f.name;
  j["type"] = f.type ? f.type->ToLogicalType() : std::string("?");
  j["nullable"] = f.nullable;
  if (f.id >= 0) j["id"] = f.id;
  if (f.type && (f.type->is_list_like() || f.type->id() == TypeId::kStruct)) {
    ordered_json children = ordered_json::array();
    for (const Field& c : f.type->children()) children.push_back(FieldToJson(c));
    j["children"] = std::move(children);
  }
  if (!f.metadata.empty()) {
    ordered_json m = ordered_json::object();
    for (const auto& [k, v] : f.metadata) m[k] = v;
    j["metadata"] = std::move(m);
  }
  return j;
}

// ---- Reading values

/// A lazily materialized column path ("s.tags[2]") for error messages.
struct PathNode {
  const PathNode* parent;
  std::string_view name;  // struct child or top-level column (empty for list items)
  int64_t index;          // list item index when name is empty
};

std::string PathString(const PathNode* node) {
  std::vector<const PathNode*> chain;
  for (; node; node = node->parent) chain.push_back(node);
  std::string out;
  for (auto it = chain.rbegin(); it != chain.rend(); ++it) {
    if ((*it)->name.empty()) {
      out += "[" + std::to_string((*it)->index) + "]";
    } else {
      if (!out.empty()) out += ".";
      out += (*it)->name;
    }
  }
  return out;
}

Status ValueError(const PathNode* path, const std::string& msg) {
  return Status::InvalidArgument("column \"" + PathString(path) + "\": " + msg);
}

std::string Describe(const json& v) {
  std::string text = v.dump(-1, ' ', false, json::error_handler_t::replace);
  if (text.size() > 40) text = text.substr(0, 37) + "...";
  switch (v.type()) {
    case json::value_t::object:
      return "an object";
    case json::value_t::array:
      return "an array of " + std::to_string(v.size());
    default:
      return text;
  }
}

bool IsIntegerLike(TypeId id) {
  switch (id) {
    case TypeId::kInt8:
    case TypeId::kInt16:
    case TypeId::kInt32:
    case TypeId::kInt64:
    case TypeId::kUInt8:
    case TypeId::kUInt16:
    case TypeId::kUInt32:
    case TypeId::kUInt64:
    case TypeId::kDate32:
    case TypeId::kDate64:
    case TypeId::kTimestamp:
    case TypeId::kTime32:
    case TypeId::kTime64:
    case TypeId::kDuration:
      return true;
    default:
      return false;
  }
}

bool IsFloatType(TypeId id) {
  return id == TypeId::kHalfFloat || id == TypeId::kFloat || id == TypeId::kDouble;
}

Status AppendJsonValue(ArrayBuilder* b, const Field& field, const json& v, const PathNode* path);

Status AppendItems(ArrayBuilder* b, const json& v, const PathNode* path) {
  const Field& item = b->type()->children()[0];
  ArrayBuilder* child = b->child(0);
  LANCET_RETURN_NOT_OK(b->BeginList());
  int64_t k = 0;
  for (const json& e : v) {
    PathNode node{path, {}, k++};
    LANCET_RETURN_NOT_OK(AppendJsonValue(child, item, e, &node));
  }
  return b->EndList();
}

Status AppendJsonValue(ArrayBuilder* b, const Field& field, const json& v, const PathNode* path) {
  const DataType& type = *b->type();
  const TypeId id = type.id();
  if (v.is_null()) {
    if (!field.nullable) return ValueError(path, "null in a non-nullable field");
    return b->AppendNull();
  }
  if (IsIntegerLike(id)) {
    Status st;
    if (v.is_number_unsigned()) {
      st = b->AppendUInt(v.get<uint64_t>());
    } else if (v.is_number_integer()) {
      st = b->AppendInt(v.get<int64_t>());
    } else {
      return ValueError(path, "expected an integer, got " + Describe(v));
    }
    if (!st.ok()) return ValueError(path, st.message());
    return Status::OK();
  }
  if (IsFloatType(id)) {
    if (v.is_number_unsigned()) return b->AppendUInt(v.get<uint64_t>());
    if (v.is_number_integer()) return b->AppendInt(v.get<int64_t>());
    if (v.is_number_float()) return b->AppendDouble(v.get<double>());
    if (v.is_string()) {
      const auto& s = v.get_ref<const std::string&>();
      if (s == "NaN") return b->AppendDouble(std::numeric_limits<double>::quiet_NaN());
      if (s == "Infinity") return b->AppendDouble(std::numeric_limits<double>::infinity());
      if (s == "-Infinity") return b->AppendDouble(-std::numeric_limits<double>::infinity());
    }
    return ValueError(
        path, "expected a number, \"NaN\", \"Infinity\" or \"-Infinity\", got " + Describe(v));
  }
  switch (id) {
    case TypeId::kNull:
      return ValueError(path, "expected null, got " + Describe(v));
    case TypeId::kBool:
      if (!v.is_boolean()) return ValueError(path, "expected true or false, got " + Describe(v));
      return b->AppendBool(v.get<bool>());
    case TypeId::kString:
    case TypeId::kLargeString:
      if (!v.is_string()) return ValueError(path, "expected a string, got " + Describe(v));
      return b->AppendBytes(v.get_ref<const std::string&>());
    case TypeId::kBinary:
    case TypeId::kLargeBinary:
    case TypeId::kFixedSizeBinary: {
      if (!v.is_string()) return ValueError(path, "expected a base64 string, got " + Describe(v));
      auto bytes = Base64Decode(v.get_ref<const std::string&>());
      if (!bytes.ok()) return ValueError(path, bytes.status().message());
      Status st = b->AppendBytes(*bytes);
      if (!st.ok()) return ValueError(path, st.message());
      return Status::OK();
    }
    case TypeId::kList:
    case TypeId::kLargeList:
      if (!v.is_array()) return ValueError(path, "expected an array, got " + Describe(v));
      return AppendItems(b, v, path);
    case TypeId::kFixedSizeList: {
      const int32_t size = type.fixed_size();
      if (!v.is_array() || v.size() != static_cast<size_t>(size)) {
        const DataTypePtr& item = type.value_type();
        const bool numeric = item && (IsIntegerLike(item->id()) || IsFloatType(item->id()));
        return ValueError(path, "expected an array of " + std::to_string(size) +
                                    (numeric ? " numbers" : " values") + ", got " + Describe(v));
      }
      return AppendItems(b, v, path);
    }
    case TypeId::kStruct: {
      if (!v.is_object()) return ValueError(path, "expected an object, got " + Describe(v));
      const auto& fields = type.children();
      for (auto it = v.begin(); it != v.end(); ++it) {
        bool known = false;
        for (const Field& f : fields) {
          if (f.name == it.key()) {
            known = true;
            break;
          }
        }
        if (!known) return ValueError(path, "unknown field \"" + it.key() + "\"");
      }
      static const json kNull;
      LANCET_RETURN_NOT_OK(b->AppendStructValid());
      for (size_t i = 0; i < fields.size(); ++i) {
        PathNode node{path, fields[i].name, 0};
        auto it = v.find(fields[i].name);
        LANCET_RETURN_NOT_OK(AppendJsonValue(b->child(static_cast<int>(i)), fields[i],
                                             it == v.end() ? kNull : *it, &node));
      }
      return Status::OK();
    }
    default:
      return ValueError(path, "unsupported type " + type.ToString());
  }
}

// ---- Writing values

/// Length of the valid UTF-8 sequence starting at s[i], or 0 when invalid.
size_t Utf8SequenceLength(std::string_view s, size_t i) {
  const auto c0 = static_cast<uint8_t>(s[i]);
  if (c0 < 0x80) return 1;
  size_t n;
  uint32_t min;
  uint32_t cp;
  if ((c0 & 0xe0) == 0xc0) {
    n = 2, min = 0x80, cp = c0 & 0x1f;
  } else if ((c0 & 0xf0) == 0xe0) {
    n = 3, min = 0x800, cp = c0 & 0x0f;
  } else if ((c0 & 0xf8) == 0xf0) {
    n = 4, min = 0x10000, cp = c0 & 0x07;
  } else {
    return 0;
  }
  if (i + n > s.size()) return 0;
  for (size_t k = 1; k < n; ++k) {
    const auto c = static_cast<uint8_t>(s[i + k]);
    if ((c & 0xc0) != 0x80) return 0;
    cp = (cp << 6) | (c & 0x3f);
  }
  if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return 0;
  return n;
}

Status AppendJsonString(std::string_view s, std::string* out) {
  static const char kHex[] = "0123456789abcdef";
  out->push_back('"');
  size_t i = 0;
  while (i < s.size()) {
    const auto c = static_cast<uint8_t>(s[i]);
    if (c >= 0x80) {
      size_t n = Utf8SequenceLength(s, i);
      if (n == 0) {
        return Status::InvalidArgument("invalid UTF-8 at byte " + std::to_string(i) +
                                       " of a string value");
      }
      out->append(s.data() + i, n);
      i += n;
      continue;
    }
    switch (c) {
      case '"':
        out->append("\\\"");
        break;
      case '\\':
        out->append("\\\\");
        break;
      case '\n':
        out->append("\\n");
        break;
      case '\r':
        out->append("\\r");
        break;
      case '\t':
        out->append("\\t");
        break;
      case '\b':
        out->append("\\b");
        break;
      case '\f':
        out->append("\\f");
        break;
      default:
        if (c < 0x20) {
          out->append("\\u00");
          out->push_back(kHex[c >> 4]);
          out->push_back(kHex[c & 15]);
        } else {
          out->push_back(static_cast<char>(c));
        }
    }
    ++i;
  }
  out->push_back('"');
  return Status::OK();
}

template <typename T>
void AppendInteger(T v, std::string* out) {
  char buf[32];
  auto res = std::to_chars(buf, buf + sizeof(buf), v);
  out->append(buf, res.ptr);
}

void AppendDouble(double d, std::string* out) {
  if (std::isnan(d)) {
    out->append("\"NaN\"");
  } else if (std::isinf(d)) {
    out->append(d > 0 ? "\"Infinity\"" : "\"-Infinity\"");
  } else if (d == 0 && std::signbit(d)) {
    out->append("-0.0");
  } else {
    char buf[64];
    auto res = std::to_chars(buf, buf + sizeof(buf), d);
    out->append(buf, res.ptr);
  }
}

template <typename T>
T LoadValue(const ArrayData& a, int64_t i) {
  T v;
  std::memcpy(&v, a.values.data() + i * static_cast<int64_t>(sizeof(T)), sizeof(T));
  return v;
}

Status WriteJsonValue(const ArrayData& a, int64_t i, std::string* out) {
  if (a.IsNull(i)) {
    out->append("null");
    return Status::OK();
  }
  const DataType& type = *a.type;
  switch (type.id()) {
    case TypeId::kNull:
      out->append("null");
      break;
    case TypeId::kBool:
      out->append(((a.values.data()[i >> 3] >> (i & 7)) & 1) ? "true" : "false");
      break;
    case TypeId::kInt8:
      AppendInteger(LoadValue<int8_t>(a, i), out);
      break;
    case TypeId::kInt16:
      AppendInteger(LoadValue<int16_t>(a, i), out);
      break;
    case TypeId::kInt32:
    case TypeId::kDate32:
    case TypeId::kTime32:
      AppendInteger(LoadValue<int32_t>(a, i), out);
      break;
    case TypeId::kInt64:
    case TypeId::kDate64:
    case TypeId::kTimestamp:
    case TypeId::kTime64:
    case TypeId::kDuration:
      AppendInteger(LoadValue<int64_t>(a, i), out);
      break;
    case TypeId::kUInt8:
      AppendInteger(LoadValue<uint8_t>(a, i), out);
      break;
    case TypeId::kUInt16:
      AppendInteger(LoadValue<uint16_t>(a, i), out);
      break;
    case TypeId::kUInt32:
      AppendInteger(LoadValue<uint32_t>(a, i), out);
      break;
    case TypeId::kUInt64:
      AppendInteger(LoadValue<uint64_t>(a, i), out);
      break;
    case TypeId::kHalfFloat:
      AppendDouble(Float16ToDouble(LoadValue<uint16_t>(a, i)), out);
      break;
    case TypeId::kFloat:
      AppendDouble(static_cast<double>(LoadValue<float>(a, i)), out);
      break;
    case TypeId::kDouble:
      AppendDouble(LoadValue<double>(a, i), out);
      break;
    case TypeId::kString:
    case TypeId::kLargeString:
      return AppendJsonString(a.GetView(i), out);
    case TypeId::kBinary:
    case TypeId::kLargeBinary:
    case TypeId::kFixedSizeBinary:
      out->push_back('"');
      out->append(Base64Encode(a.GetView(i)));
      out->push_back('"');
      break;
    case TypeId::kList:
    case TypeId::kLargeList:
    case TypeId::kFixedSizeList: {
      int64_t start, end;
      if (type.id() == TypeId::kFixedSizeList) {
        start = i * type.fixed_size();
        end = start + type.fixed_size();
      } else {
        start = OffsetAt(a, i);
        end = OffsetAt(a, i + 1);
      }
      out->push_back('[');
      for (int64_t k = start; k < end; ++k) {
        if (k > start) out->push_back(',');
        LANCET_RETURN_NOT_OK(WriteJsonValue(*a.children[0], k, out));
      }
      out->push_back(']');
      break;
    }
    case TypeId::kStruct: {
      out->push_back('{');
      const auto& fields = type.children();
      for (size_t c = 0; c < fields.size(); ++c) {
        if (c) out->push_back(',');
        LANCET_RETURN_NOT_OK(AppendJsonString(fields[c].name, out));
        out->push_back(':');
        LANCET_RETURN_NOT_OK(WriteJsonValue(*a.children[c], i, out));
      }
      out->push_back('}');
      break;
    }
  }
  return Status::OK();
}

Status WriteRow(const RecordBatch& batch, int64_t row, std::string* out) {
  out->push_back('{');
  for (size_t c = 0; c < batch.columns.size(); ++c) {
    if (c) out->push_back(',');
    const std::string& name = batch.schema.fields[c].name;
    LANCET_RETURN_NOT_OK(AppendJsonString(name, out).WithContext("column name"));
    out->push_back(':');
    Status st = WriteJsonValue(*batch.columns[c], row, out);
    if (!st.ok()) {
      return st.WithContext("row " + std::to_string(row) + ", column \"" + name + "\"");
    }
  }
  out->push_back('}');
  return Status::OK();
}

}  // namespace

// ---- Schema JSON

Result<Schema> SchemaFromJson(std::string_view text) {
  json j;
  try {
    j = json::parse(text.begin(), text.end());
  } catch (const json::exception& e) {
    return Status::InvalidArgument(std::string("schema JSON: ") + e.what());
  }
  Schema schema;
  const json* fields = &j;
  if (j.is_object()) {
    for (auto it = j.begin(); it != j.end(); ++it) {
      if (it.key() != "fields" && it.key() != "metadata") {
        return Status::InvalidArgument("schema JSON: unknown key \"" + it.key() + "\"");
      }
    }
    auto f = j.find("fields");
    if (f == j.end()) return Status::InvalidArgument("schema JSON: object without \"fields\"");
    fields = &*f;
    auto m = j.find("metadata");
    if (m != j.end()) {
      LANCET_ASSIGN_OR_RETURN(schema.metadata, MetadataFromJson(*m, "schema"));
    }
  }
  try {
    LANCET_ASSIGN_OR_RETURN(schema.fields, FieldsFromJson(*fields, "", 0));
  } catch (const json::exception& e) {
    return Status::InvalidArgument(std::string("schema JSON: ") + e.what());
  }
  for (size_t i = 0; i < schema.fields.size(); ++i) {
    for (size_t k = 0; k < i; ++k) {
      if (schema.fields[i].name == schema.fields[k].name) {
        return Status::InvalidArgument("schema JSON: duplicate column \"" + schema.fields[i].name +
                                       "\"");
      }
    }
  }
  return schema;
}

std::string SchemaToJson(const Schema& schema) {
  ordered_json fields = ordered_json::array();
  for (const Field& f : schema.fields) fields.push_back(FieldToJson(f));
  ordered_json out;
  if (schema.metadata.empty()) {
    out = std::move(fields);
  } else {
    out["fields"] = std::move(fields);
    ordered_json m = ordered_json::object();
    for (const auto& [k, v] : schema.metadata) m[k] = v;
    out["metadata"] = std::move(m);
  }
  return out.dump(-1, ' ', false, ordered_json::error_handler_t::replace);
}

// ---- Rows

JsonRowReader::JsonRowReader(Schema schema, std::istream& in)
    : schema_(std::move(schema)), in_(in) {
  for (const Field& f : schema_.fields) builders_.push_back(std::make_unique<ArrayBuilder>(f.type));
}

JsonRowReader::~JsonRowReader() = default;

Result<std::unique_ptr<JsonRowReader>> JsonRowReader::Make(Schema schema, std::istream& in) {
  for (const Field& f : schema.fields) {
    if (!f.type) return Status::InvalidArgument("column \"" + f.name + "\" has no type");
  }
  return std::unique_ptr<JsonRowReader>(new JsonRowReader(std::move(schema), in));
}

Status JsonRowReader::ReadLine(const std::string& line) {
  json row;
  try {
    row = json::parse(line);
  } catch (const json::exception& e) {
    return Status::InvalidArgument("invalid JSON: " + std::string(e.what()));
  }
  if (!row.is_object()) {
    return Status::InvalidArgument("expected a JSON object per line, got " + Describe(row));
  }
  for (auto it = row.begin(); it != row.end(); ++it) {
    if (schema_.FieldIndex(it.key()) < 0) {
      return Status::InvalidArgument("unknown column \"" + it.key() + "\"");
    }
  }
  static const json kNull;
  for (size_t c = 0; c < schema_.fields.size(); ++c) {
    const Field& f = schema_.fields[c];
    auto it = row.find(f.name);
    PathNode node{nullptr, f.name, 0};
    LANCET_RETURN_NOT_OK(
        AppendJsonValue(builders_[c].get(), f, it == row.end() ? kNull : *it, &node));
  }
  return Status::OK();
}

Result<std::optional<RecordBatch>> JsonRowReader::Next(int64_t max_rows) {
  if (!error_.ok()) return error_;
  if (max_rows == 0) return Status::InvalidArgument("JsonRowReader::Next: max_rows is 0");
  int64_t rows = 0;
  std::string line;
  while ((max_rows < 0 || rows < max_rows) && std::getline(in_, line)) {
    ++line_number_;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.find_first_not_of(" \t") == std::string::npos) continue;
    Status st = ReadLine(line);
    if (!st.ok()) {
      // "line 12, column "vec": ..." for value errors, "line 12: ..." otherwise.
      const bool column = st.message().starts_with("column \"");
      error_ = Status(st.code(), "line " + std::to_string(line_number_) + (column ? ", " : ": ") +
                                     st.message());
      return error_;
    }
    ++rows;
  }
  if (in_.bad()) {
    error_ = Status::IOError("error reading JSON rows after line " + std::to_string(line_number_));
    return error_;
  }
  if (rows == 0) return std::optional<RecordBatch>();
  RecordBatch batch;
  batch.schema = schema_;
  batch.num_rows = rows;
  for (auto& b : builders_) {
    auto col = b->Finish();
    if (!col.ok()) {
      error_ = col.status();
      return error_;
    }
    batch.columns.push_back(std::move(col).ValueOrDie());
  }
  return std::optional<RecordBatch>(std::move(batch));
}

Result<RecordBatch> ReadJsonRows(const Schema& schema, std::istream& in, int64_t max_rows) {
  LANCET_ASSIGN_OR_RETURN(auto reader, JsonRowReader::Make(schema, in));
  if (max_rows == 0) {
    // An empty batch with the schema.
    RecordBatch empty;
    empty.schema = schema;
    for (const Field& f : schema.fields) {
      LANCET_ASSIGN_OR_RETURN(ArrayPtr col, MakeNullArray(f.type, 0));
      empty.columns.push_back(std::move(col));
    }
    return empty;
  }
  LANCET_ASSIGN_OR_RETURN(std::optional<RecordBatch> batch, reader->Next(max_rows));
  if (batch) return std::move(*batch);
  return ReadJsonRows(schema, in, 0);
}

Status WriteJsonRows(const RecordBatch& batch, int64_t offset, int64_t length, std::ostream& out) {
  if (offset < 0 || length < 0 || offset > batch.num_rows || length > batch.num_rows - offset) {
    return Status::InvalidArgument("WriteJsonRows: rows [" + std::to_string(offset) + ", +" +
                                   std::to_string(length) + ") out of range for " +
                                   std::to_string(batch.num_rows) + " rows");
  }
  LANCET_RETURN_NOT_OK(ValidateRecordBatch(batch));
  std::string buf;
  for (int64_t r = offset; r < offset + length; ++r) {
    LANCET_RETURN_NOT_OK(WriteRow(batch, r, &buf));
    buf.push_back('\n');
    if (buf.size() >= (1 << 16)) {
      out.write(buf.data(), static_cast<std::streamsize>(buf.size()));
      buf.clear();
    }
  }
  out.write(buf.data(), static_cast<std::streamsize>(buf.size()));
  if (!out) return Status::IOError("failed writing JSON rows");
  return Status::OK();
}

Status WriteJsonRows(const RecordBatch& batch, std::ostream& out) {
  return WriteJsonRows(batch, 0, batch.num_rows, out);
}

}  // namespace lancet
