#!/usr/bin/env node
// lancedb_tool.mjs — drives the real LanceDB (npm @lancedb/lancedb 0.39.0, Lance 12) for lancet
// interop tests. Subcommands: gen, dump, schema, search, write, append, delete, compact, index,
// survey, gen-bench, bench-scan. Run without arguments for usage.
//
// JSONL convention (one object per row, keys = top-level columns in schema order):
//   integers (incl. int64/uint64, timestamps in the column's unit, date32 days) as exact digits;
//   floats as the shortest round-trip text of the value widened to double, NaN/Infinity/-Infinity
//   as strings, -0.0 as -0.0; binary as standard base64; lists as arrays; structs as objects.
// Schema JSON: [{"name", "type" (Lance logical type string), "nullable", "children"?}, ...].

import fs from 'node:fs';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';

// LanceDB's dist is CommonJS and require()s apache-arrow; load the same (CJS) instance so that
// `instanceof arrow.Table` holds inside LanceDB and its schema sanitizer (which rejects LargeUtf8 /
// LargeBinary) is bypassed. Importing the ESM build would create a second, incompatible instance.
const require = createRequire(import.meta.url);
const arrow = require('apache-arrow');

// apache-arrow's IPC writer emits an empty values buffer for an all-null bool array; the Rust IPC
// reader rejects that ("Need at least N bytes"). Write a zeroed bitmap instead.
{
  const { VectorAssembler } = require('apache-arrow/visitor/vectorassembler');
  const visitBool = VectorAssembler.prototype.visitBool;
  VectorAssembler.prototype.visitBool = function (data) {
    if (data.length > 0 && data.nullCount >= data.length) {
      return visitBool.call(this, { offset: 0, length: data.length, nullCount: 0, values: new Uint8Array((data.length + 7) >> 3) });
    }
    return visitBool.call(this, data);
  };
}

// Lance logs a WARN for every new table ("No existing dataset ..."); keep stderr for our output.
if (process.env.LANCEDB_LOG === undefined) process.env.LANCEDB_LOG = 'error';

let lancedbModule = null;
async function lancedb() {
  if (!lancedbModule) lancedbModule = await import('@lancedb/lancedb');
  return lancedbModule;
}

class UsageError extends Error {}
function die(msg) { throw new UsageError(msg); }

// ------------------------------------------------------------------------------------------
// JSON: exact integer parsing and canonical serialization
// ------------------------------------------------------------------------------------------

// Parses JSON text; integer literals that are not safe JS integers become BigInt, so int64 and
// uint64 values survive. Objects become plain objects (key order preserved for non-index keys).
export function parseJsonExact(text) {
  let i = 0;
  const n = text.length;
  const ws = () => { while (i < n) { const c = text.charCodeAt(i); if (c === 32 || c === 9 || c === 10 || c === 13) i++; else break; } };
  const fail = (what) => { throw new Error(`JSON parse error at offset ${i}: ${what}`); };
  function value() {
    ws();
    if (i >= n) fail('unexpected end');
    const c = text[i];
    if (c === '{') {
      i++; const obj = {}; ws();
      if (text[i] === '}') { i++; return obj; }
      for (;;) {
        ws(); if (text[i] !== '"') fail('expected key');
        const k = str(); ws();
        if (text[i] !== ':') fail('expected :'); i++;
        obj[k] = value(); ws();
        if (text[i] === ',') { i++; continue; }
        if (text[i] === '}') { i++; return obj; }
        fail('expected , or }');
      }
    }
    if (c === '[') {
      i++; const arr = []; ws();
      if (text[i] === ']') { i++; return arr; }
      for (;;) {
        arr.push(value()); ws();
        if (text[i] === ',') { i++; continue; }
        if (text[i] === ']') { i++; return arr; }
        fail('expected , or ]');
      }
    }
    if (c === '"') return str();
    if (text.startsWith('true', i)) { i += 4; return true; }
    if (text.startsWith('false', i)) { i += 5; return false; }
    if (text.startsWith('null', i)) { i += 4; return null; }
    const m = /^-?(?:0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/.exec(text.slice(i, i + 400));
    if (!m) fail('unexpected character ' + JSON.stringify(c));
    i += m[0].length;
    if (m[1] === undefined && m[2] === undefined) {
      const num = Number(m[0]);
      if (Number.isSafeInteger(num)) return m[0] === '-0' ? -0 : num;
      return BigInt(m[0]);
    }
    return Number(m[0]);
  }
  function str() {
    // text[i] === '"'
    let j = i + 1;
    let simple = true;
    while (j < n) {
      const c = text.charCodeAt(j);
      if (c === 34) break;
      if (c === 92) { simple = false; j += 2; continue; }
      j++;
    }
    if (j >= n) fail('unterminated string');
    const raw = text.slice(i, j + 1);
    i = j + 1;
    return simple ? raw.slice(1, -1) : JSON.parse(raw);
  }
  const v = value(); ws();
  if (i !== n) fail('trailing characters');
  return v;
}

export function readJsonl(file) {
  const text = fs.readFileSync(file, 'utf8');
  const rows = [];
  let ln = 0;
  for (const line of text.split('\n')) {
    ln++;
    if (line.trim() === '') continue;
    try { rows.push(parseJsonExact(line)); } catch (e) { throw new Error(`${file}:${ln}: ${e.message}`); }
  }
  return rows;
}

function fmtFloat(v) {
  if (Number.isNaN(v)) return '"NaN"';
  if (v === Infinity) return '"Infinity"';
  if (v === -Infinity) return '"-Infinity"';
  if (Object.is(v, -0)) return '-0.0';
  return String(v);
}

// Canonical values in memory: null, boolean, string, bigint (integers), number (floats), Array,
// Map (rows/structs, ordered keys).
export function toJson(v) {
  if (v === null || v === undefined) return 'null';
  switch (typeof v) {
    case 'boolean': return v ? 'true' : 'false';
    case 'bigint': return v.toString();
    case 'number': return fmtFloat(v);
    case 'string': return JSON.stringify(v);
  }
  if (Array.isArray(v)) return '[' + v.map(toJson).join(',') + ']';
  if (v instanceof Map) {
    const parts = [];
    for (const [k, x] of v) parts.push(JSON.stringify(k) + ':' + toJson(x));
    return '{' + parts.join(',') + '}';
  }
  if (typeof v === 'object') {
    return '{' + Object.entries(v).map(([k, x]) => JSON.stringify(k) + ':' + toJson(x)).join(',') + '}';
  }
  throw new Error('cannot serialize ' + typeof v);
}

// ------------------------------------------------------------------------------------------
// Half floats
// ------------------------------------------------------------------------------------------
export function halfToDouble(h) {
  const s = (h & 0x8000) ? -1 : 1;
  const e = (h >> 10) & 0x1f;
  const m = h & 0x3ff;
  if (e === 0) return s * m * 2 ** -24;
  if (e === 31) return m ? NaN : s * Infinity;
  return s * (1 + m / 1024) * 2 ** (e - 15);
}
function roundHalfEven(x) {
  const f = Math.floor(x);
  const d = x - f;
  if (d > 0.5) return f + 1;
  if (d < 0.5) return f;
  return (f % 2 === 0) ? f : f + 1;
}
export function doubleToHalf(x) {
  if (Number.isNaN(x)) return 0x7e00;
  const sign = (x < 0 || Object.is(x, -0)) ? 0x8000 : 0;
  let a = Math.abs(x);
  if (a === Infinity || a >= 65520) return sign | 0x7c00;
  if (a < 2 ** -14) return sign | roundHalfEven(a / 2 ** -24); // subnormal (may round up to 0x400)
  let e = Math.floor(Math.log2(a));
  if (2 ** e > a) e--;
  if (2 ** (e + 1) <= a) e++;
  let mant = roundHalfEven((a / 2 ** e - 1) * 1024);
  if (mant === 1024) { mant = 0; e++; }
  if (e + 15 >= 31) return sign | 0x7c00;
  return sign | ((e + 15) << 10) | mant;
}

// ------------------------------------------------------------------------------------------
// Schema JSON <-> Arrow
// ------------------------------------------------------------------------------------------
const INT_TYPES = {
  int8: [true, 8], int16: [true, 16], int32: [true, 32], int64: [true, 64],
  uint8: [false, 8], uint16: [false, 16], uint32: [false, 32], uint64: [false, 64],
};
const TS_UNITS = { s: arrow.TimeUnit.SECOND, ms: arrow.TimeUnit.MILLISECOND, us: arrow.TimeUnit.MICROSECOND, ns: arrow.TimeUnit.NANOSECOND };
const TS_UNIT_NAMES = ['s', 'ms', 'us', 'ns'];

function splitLast(s) { const k = s.lastIndexOf(':'); return [s.slice(0, k), s.slice(k + 1)]; }

export function arrowTypeOf(f) {
  const t = f.type;
  if (t in INT_TYPES) { const [signed, bits] = INT_TYPES[t]; return new arrow.Int(signed, bits); }
  switch (t) {
    case 'null': return new arrow.Null();
    case 'bool': return new arrow.Bool();
    case 'halffloat': return new arrow.Float16();
    case 'float': return new arrow.Float32();
    case 'double': return new arrow.Float64();
    case 'string': return new arrow.Utf8();
    case 'large_string': return new arrow.LargeUtf8();
    case 'binary': return new arrow.Binary();
    case 'large_binary': return new arrow.LargeBinary();
    case 'date32:day': return new arrow.DateDay();
    case 'date64:ms': return new arrow.DateMillisecond();
    case 'list': {
      const c = (f.children || [])[0];
      if (!c) die(`list field ${f.name} needs one child (the item field)`);
      return new arrow.List(arrowFieldOf(c));
    }
    case 'struct': return new arrow.Struct((f.children || []).map(arrowFieldOf));
  }
  if (t.startsWith('fixed_size_binary:')) return new arrow.FixedSizeBinary(Number(t.split(':')[1]));
  if (t.startsWith('timestamp:')) {
    const parts = t.split(':');
    const unit = TS_UNITS[parts[1]];
    if (unit === undefined) die(`bad timestamp unit in ${t}`);
    const tz = parts.slice(2).join(':');
    return new arrow.Timestamp(unit, tz === '-' || tz === '' ? null : tz);
  }
  if (t.startsWith('fixed_size_list:')) {
    const [inner, n] = splitLast(t.slice('fixed_size_list:'.length));
    const item = (f.children && f.children[0]) || { name: 'item', type: inner, nullable: true };
    return new arrow.FixedSizeList(Number(n), arrowFieldOf(item));
  }
  die(`unsupported logical type ${JSON.stringify(t)} (field ${f.name})`);
}

export function arrowFieldOf(f) {
  const md = f.metadata && Object.keys(f.metadata).length ? new Map(Object.entries(f.metadata).map(([k, v]) => [k, String(v)])) : null;
  return new arrow.Field(f.name, arrowTypeOf(f), f.nullable !== false, md);
}

// Arrow field -> our schema JSON field
export function lanceFieldOf(af) {
  const t = af.type;
  const out = { name: af.name, type: null, nullable: af.nullable };
  let children = [];
  switch (t.typeId) {
    case arrow.Type.Null: out.type = 'null'; break;
    case arrow.Type.Bool: out.type = 'bool'; break;
    case arrow.Type.Int: out.type = (t.isSigned ? 'int' : 'uint') + t.bitWidth; break;
    case arrow.Type.Float: out.type = ['halffloat', 'float', 'double'][t.precision]; break;
    case arrow.Type.Utf8: out.type = 'string'; break;
    case arrow.Type.LargeUtf8: out.type = 'large_string'; break;
    case arrow.Type.Binary: out.type = 'binary'; break;
    case arrow.Type.LargeBinary: out.type = 'large_binary'; break;
    case arrow.Type.FixedSizeBinary: out.type = `fixed_size_binary:${t.byteWidth}`; break;
    case arrow.Type.Date: out.type = t.unit === arrow.DateUnit.DAY ? 'date32:day' : 'date64:ms'; break;
    case arrow.Type.Timestamp: out.type = `timestamp:${TS_UNIT_NAMES[t.unit]}:${t.timezone || '-'}`; break;
    case arrow.Type.List: out.type = 'list'; children = [lanceFieldOf(t.children[0])]; break;
    case arrow.Type.Struct: out.type = 'struct'; children = t.children.map(lanceFieldOf); break;
    case arrow.Type.FixedSizeList: {
      const inner = lanceFieldOf(t.children[0]);
      out.type = `fixed_size_list:${inner.type}:${t.listSize}`;
      break;
    }
    case arrow.Type.Dictionary: return { ...lanceFieldOf(new arrow.Field(af.name, t.dictionary, af.nullable)) };
    default: out.type = `unsupported:${t}`;
  }
  if (children.length) out.children = children;
  if (af.metadata && af.metadata.size) out.metadata = Object.fromEntries(af.metadata);
  return out;
}

// ------------------------------------------------------------------------------------------
// Canonical values -> Arrow Data
// ------------------------------------------------------------------------------------------
function bitmapOf(valid) {
  const bm = new Uint8Array(Math.max(1, (valid.length + 7) >> 3));
  for (let i = 0; i < valid.length; i++) if (valid[i]) bm[i >> 3] |= 1 << (i & 7);
  return bm;
}
function toBig(v, what) {
  if (typeof v === 'bigint') return v;
  if (typeof v === 'number' && Number.isInteger(v)) return BigInt(v);
  if (typeof v === 'string' && /^-?\d+$/.test(v)) return BigInt(v);
  throw new Error(`expected integer for ${what}, got ${typeof v === 'string' ? JSON.stringify(v) : v}`);
}
function toNum(v, what) {
  if (typeof v === 'number') return v;
  if (typeof v === 'bigint') return Number(v);
  if (v === 'NaN') return NaN;
  if (v === 'Infinity') return Infinity;
  if (v === '-Infinity') return -Infinity;
  throw new Error(`expected number for ${what}, got ${JSON.stringify(v)}`);
}
function toBytes(v, what) {
  if (v instanceof Uint8Array) return v;
  if (typeof v === 'string') return new Uint8Array(Buffer.from(v, 'base64'));
  throw new Error(`expected base64 string for ${what}`);
}
const enc = new TextEncoder();
const dec = new TextDecoder('utf-8', { fatal: false });

// Builds arrow.Data of the given field (our schema JSON) from canonical values (null allowed).
export function buildData(f, values, type = arrowTypeOf(f)) {
  const n = values.length;
  const valid = values.map((v) => v !== null && v !== undefined);
  let nullCount = valid.reduce((a, b) => a + (b ? 0 : 1), 0);
  if (nullCount && f.nullable === false) throw new Error(`field ${f.name} is not nullable but has nulls`);
  const nullBitmap = nullCount ? bitmapOf(valid) : undefined;
  const what = f.name;
  const common = { type, length: n, nullCount, nullBitmap };
  if (f.type in INT_TYPES) {
    const [, bits] = INT_TYPES[f.type];
    const data = new type.ArrayType(n);
    for (let i = 0; i < n; i++) if (valid[i]) data[i] = bits === 64 ? toBig(values[i], what) : Number(toBig(values[i], what));
    return arrow.makeData({ ...common, data });
  }
  switch (type.typeId) {
    case arrow.Type.Null: return arrow.makeData({ type, length: n, nullCount: n });
    case arrow.Type.Bool: {
      const data = bitmapOf(values.map((v) => v === true));
      return arrow.makeData({ ...common, data });
    }
    case arrow.Type.Float: {
      const data = new type.ArrayType(n);
      for (let i = 0; i < n; i++) {
        if (!valid[i]) continue;
        const x = toNum(values[i], what);
        data[i] = type.precision === arrow.Precision.HALF ? doubleToHalf(x) : x;
      }
      return arrow.makeData({ ...common, data });
    }
    case arrow.Type.Date: case arrow.Type.Timestamp: {
      const data = new type.ArrayType(n);
      const big = data instanceof BigInt64Array;
      for (let i = 0; i < n; i++) if (valid[i]) data[i] = big ? toBig(values[i], what) : Number(toBig(values[i], what));
      return arrow.makeData({ ...common, data });
    }
    case arrow.Type.Utf8: case arrow.Type.LargeUtf8: case arrow.Type.Binary: case arrow.Type.LargeBinary: {
      const isStr = type.typeId === arrow.Type.Utf8 || type.typeId === arrow.Type.LargeUtf8;
      const large = type.typeId === arrow.Type.LargeUtf8 || type.typeId === arrow.Type.LargeBinary;
      const parts = values.map((v, i) => (!valid[i] ? null : isStr ? enc.encode(String(v)) : toBytes(v, what)));
      let total = 0;
      for (const p of parts) if (p) total += p.length;
      const data = new Uint8Array(total);
      const valueOffsets = large ? new BigInt64Array(n + 1) : new Int32Array(n + 1);
      let off = 0;
      for (let i = 0; i < n; i++) {
        if (parts[i]) { data.set(parts[i], off); off += parts[i].length; }
        valueOffsets[i + 1] = large ? BigInt(off) : off;
      }
      if (!large && off > 0x7fffffff) throw new Error(`field ${what}: more than 2 GiB of data, use a large type`);
      return arrow.makeData({ ...common, data, valueOffsets });
    }
    case arrow.Type.FixedSizeBinary: {
      const w = type.byteWidth;
      const data = new Uint8Array(n * w);
      for (let i = 0; i < n; i++) {
        if (!valid[i]) continue;
        const b = toBytes(values[i], what);
        if (b.length !== w) throw new Error(`field ${what}: row ${i} has ${b.length} bytes, expected ${w}`);
        data.set(b, i * w);
      }
      return arrow.makeData({ ...common, data });
    }
    case arrow.Type.List: {
      const itemF = f.children[0];
      const items = [];
      const valueOffsets = new Int32Array(n + 1);
      for (let i = 0; i < n; i++) {
        if (valid[i]) {
          if (!Array.isArray(values[i])) throw new Error(`field ${what}: expected array`);
          for (const x of values[i]) items.push(x);
        }
        valueOffsets[i + 1] = items.length;
      }
      const child = buildData(itemF, items, type.children[0].type);
      return arrow.makeData({ ...common, valueOffsets, child });
    }
    case arrow.Type.FixedSizeList: {
      const dim = type.listSize;
      const itemF = lanceFieldOf(type.children[0]);
      const items = [];
      const filler = placeholder(itemF);
      for (let i = 0; i < n; i++) {
        if (valid[i]) {
          const v = values[i];
          if (!Array.isArray(v) || v.length !== dim) throw new Error(`field ${what}: row ${i}: expected array of ${dim}`);
          for (const x of v) items.push(x);
        } else {
          for (let j = 0; j < dim; j++) items.push(filler);
        }
      }
      const child = buildData(itemF, items, type.children[0].type);
      return arrow.makeData({ ...common, child });
    }
    case arrow.Type.Struct: {
      const children = (f.children || []).map((cf, k) => {
        const filler = cf.nullable === false ? placeholder(cf) : null;
        const vals = values.map((v, i) => {
          if (!valid[i]) return filler;
          const x = v instanceof Map ? v.get(cf.name) : v[cf.name];
          return x === undefined ? null : x;
        });
        return buildData(cf, vals, type.children[k].type);
      });
      return arrow.makeData({ ...common, children });
    }
  }
  throw new Error(`cannot build arrow data for type ${type} (field ${what})`);
}

function placeholder(f) {
  const t = arrowTypeOf(f);
  switch (t.typeId) {
    case arrow.Type.Bool: return false;
    case arrow.Type.Int: case arrow.Type.Date: case arrow.Type.Timestamp: return 0n;
    case arrow.Type.Float: return 0;
    case arrow.Type.Utf8: case arrow.Type.LargeUtf8: case arrow.Type.Binary: case arrow.Type.LargeBinary: return '';
    case arrow.Type.FixedSizeBinary: return new Uint8Array(t.byteWidth);
    case arrow.Type.List: return [];
    case arrow.Type.FixedSizeList: return new Array(t.listSize).fill(placeholder(lanceFieldOf(t.children[0])));
    case arrow.Type.Struct: return new Map();
    default: return null;
  }
}

// rows: canonical rows (Map or plain object). Returns an arrow.Table with batches of batchSize.
export function buildTable(schemaJson, rows, batchSize = 8192) {
  const fields = schemaJson.map(arrowFieldOf);
  const schema = new arrow.Schema(fields);
  const batches = [];
  for (let start = 0; start < rows.length || (start === 0 && rows.length === 0); start += batchSize) {
    const slice = rows.slice(start, start + batchSize);
    const children = schemaJson.map((f, k) => buildData(f, slice.map((r) => {
      const x = r instanceof Map ? r.get(f.name) : r[f.name];
      return x === undefined ? null : x;
    }), fields[k].type));
    const data = arrow.makeData({ type: new arrow.Struct(fields), length: slice.length, nullCount: 0, children });
    batches.push(new arrow.RecordBatch(schema, data));
    if (rows.length === 0) break;
  }
  return new arrow.Table(schema, batches);
}

// ------------------------------------------------------------------------------------------
// Arrow Data -> canonical values (raw buffers; no JS Date / ms conversions)
// ------------------------------------------------------------------------------------------
function isValidAt(data, i) {
  if (data.typeId === arrow.Type.Null) return false;
  const bm = data.nullBitmap;
  if (!bm || bm.length === 0 || data._nullCount === 0) return true;
  const pos = data.offset + i;
  return (bm[pos >> 3] & (1 << (pos & 7))) !== 0;
}

// Reads element i (relative to data) of an arrow.Data. apache-arrow slices fixed-width value
// buffers and offset buffers on slice(), but not bool bitmaps, validity bitmaps or list children.
export function readValue(data, i) {
  if (!isValidAt(data, i)) return null;
  const t = data.type;
  switch (t.typeId) {
    case arrow.Type.Bool: { const p = data.offset + i; return (data.values[p >> 3] & (1 << (p & 7))) !== 0; }
    case arrow.Type.Int: { const v = data.values[i]; return typeof v === 'bigint' ? v : BigInt(v); }
    case arrow.Type.Float:
      if (t.precision === arrow.Precision.HALF) return halfToDouble(data.values[i]);
      return Number(data.values[i]);
    case arrow.Type.Date: case arrow.Type.Timestamp: case arrow.Type.Time: case arrow.Type.Duration: {
      const v = data.values[i * (data.values instanceof Int32Array && t.typeId !== arrow.Type.Date && data.stride === 2 ? 2 : 1)];
      return typeof v === 'bigint' ? v : BigInt(v);
    }
    case arrow.Type.Utf8: case arrow.Type.LargeUtf8: case arrow.Type.Binary: case arrow.Type.LargeBinary: {
      const o = data.valueOffsets;
      const a = Number(o[i]), b = Number(o[i + 1]);
      const bytes = data.values.subarray(a, b);
      if (t.typeId === arrow.Type.Utf8 || t.typeId === arrow.Type.LargeUtf8) return dec.decode(bytes);
      return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64');
    }
    case arrow.Type.FixedSizeBinary: {
      const w = t.byteWidth;
      const bytes = data.values.subarray(i * w, (i + 1) * w);
      return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64');
    }
    case arrow.Type.List: case arrow.Type.LargeList: {
      const o = data.valueOffsets;
      const a = Number(o[i]), b = Number(o[i + 1]);
      const child = data.children[0];
      const out = new Array(b - a);
      for (let k = a; k < b; k++) out[k - a] = readValue(child, k);
      return out;
    }
    case arrow.Type.FixedSizeList: {
      const dim = t.listSize;
      const child = data.children[0];
      const out = new Array(dim);
      for (let k = 0; k < dim; k++) out[k] = readValue(child, i * dim + k);
      return out;
    }
    case arrow.Type.Struct: {
      const m = new Map();
      t.children.forEach((cf, k) => m.set(cf.name, readValue(data.children[k], i)));
      return m;
    }
    case arrow.Type.Dictionary: {
      const idx = Number(data.values[i]);
      const dict = data.dictionary;
      let base = 0;
      for (const d of dict.data) {
        if (idx < base + d.length) return readValue(d, idx - base);
        base += d.length;
      }
      throw new Error('dictionary index out of range');
    }
  }
  throw new Error(`cannot read arrow type ${t}`);
}

// arrow.Table -> array of Map rows (optionally only some columns), in table order
export function tableRows(table, columns = null) {
  const names = columns || table.schema.fields.map((f) => f.name);
  const idx = names.map((nm) => {
    const k = table.schema.fields.findIndex((f) => f.name === nm);
    if (k < 0) die(`no column ${nm} in result`);
    return k;
  });
  const rows = [];
  for (const batch of table.batches) {
    const cols = idx.map((k) => batch.data.children[k]);
    for (let i = 0; i < batch.numRows; i++) {
      const m = new Map();
      names.forEach((nm, c) => m.set(nm, readValue(cols[c], i)));
      rows.push(m);
    }
  }
  return rows;
}

// ------------------------------------------------------------------------------------------
// LanceDB helpers
// ------------------------------------------------------------------------------------------
function splitTableUri(uri) {
  const u = uri.replace(/\/+$/, '');
  const k = u.lastIndexOf('/');
  const base = k >= 0 ? u.slice(k + 1) : u;
  let parent = k > 0 ? u.slice(0, k) : (k === 0 ? '/' : '.');
  if (/^[a-z0-9+]+:\/\/?$/i.test(parent + '/')) parent = parent + '/';
  if (!base.endsWith('.lance')) die(`table URI must end in .lance: ${uri}`);
  return { parent, name: base.slice(0, -'.lance'.length) };
}

async function openTable(uri, opts = {}) {
  const { parent, name } = splitTableUri(uri);
  const db = await (await lancedb()).connect(parent, opts.storageOptions ? { storageOptions: opts.storageOptions } : undefined);
  return db.openTable(name);
}

async function writeOut(lines) {
  let buf = '';
  for (const l of lines) {
    buf += l + '\n';
    if (buf.length > 1 << 20) { fs.writeSync(1, buf); buf = ''; }
  }
  if (buf) fs.writeSync(1, buf);
}

function sortByRowId(table) {
  const rowIdIdx = table.schema.fields.findIndex((f) => f.name === '_rowid');
  const entries = [];
  let b = 0;
  for (const batch of table.batches) {
    const col = batch.data.children[rowIdIdx];
    for (let i = 0; i < batch.numRows; i++) entries.push([col.values[i], b, i]);
    b++;
  }
  entries.sort((x, y) => (x[0] < y[0] ? -1 : x[0] > y[0] ? 1 : 0));
  return entries;
}

async function dumpRows(tbl, { columns = null, where = null, withRowId = false } = {}) {
  let q = tbl.query().withRowId();
  if (columns) q = q.select(columns);
  if (where) q = q.where(where);
  const result = await q.toArrow();
  const names = (columns || result.schema.fields.map((f) => f.name).filter((n) => n !== '_rowid'));
  if (withRowId) names.push('_rowid');
  const order = sortByRowId(result);
  const idx = names.map((nm) => result.schema.fields.findIndex((f) => f.name === nm));
  const lines = [];
  for (const [, b, i] of order) {
    const batch = result.batches[b];
    const m = new Map();
    names.forEach((nm, c) => m.set(nm, readValue(batch.data.children[idx[c]], i)));
    lines.push(toJson(m));
  }
  return { lines, schema: result.schema };
}

// ------------------------------------------------------------------------------------------
// Deterministic data generation
// ------------------------------------------------------------------------------------------
class Rng {
  constructor(seed) { this.s = [0x9e3779b9 ^ seed, 0x243f6a88 + seed * 7, 0xb7e15162 ^ (seed << 3), 0x12345678 + seed]; for (let i = 0; i < 20; i++) this.u32(); }
  u32() { // xoshiro128**
    const s = this.s;
    const r = Math.imul(rotl(Math.imul(s[1], 5), 7), 9) >>> 0;
    const t = s[1] << 9;
    s[2] ^= s[0]; s[3] ^= s[1]; s[1] ^= s[2]; s[0] ^= s[3]; s[2] ^= t; s[3] = rotl(s[3], 11);
    return r;
  }
  float() { return this.u32() / 4294967296; }
  int(lo, hi) { return lo + Math.floor(this.float() * (hi - lo + 1)); } // inclusive
  u64() { return (BigInt(this.u32()) << 32n) | BigInt(this.u32()); }
  i64() { return BigInt.asIntN(64, this.u64()); }
  pick(a) { return a[Math.floor(this.float() * a.length)]; }
  chance(p) { return this.float() < p; }
  bytes(n) { const b = new Uint8Array(n); for (let i = 0; i < n; i += 4) { const x = this.u32(); b[i] = x; if (i + 1 < n) b[i + 1] = x >>> 8; if (i + 2 < n) b[i + 2] = x >>> 16; if (i + 3 < n) b[i + 3] = x >>> 24; } return b; }
  normal() { const u = this.float() || 1e-12, v = this.float(); return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v); }
}
function rotl(x, k) { return (x << k) | (x >>> (32 - k)); }
const b64 = (u8) => Buffer.from(u8.buffer, u8.byteOffset, u8.byteLength).toString('base64');
const f32 = Math.fround;

const WORDS = ['alpha', 'bravo', 'charlie', 'delta', 'echo', 'foxtrot', 'golf', 'hotel', 'india', 'juliet',
  'kilo', 'lima', 'mike', 'november', 'oscar', 'papa', 'quebec', 'romeo', 'sierra', 'tango', 'uniform',
  'victor', 'whiskey', 'xray', 'yankee', 'zulu', 'images', 'thumbnails', 'data', 'raw', 'processed', 'v2'];

function F(name, type, nullable = true, children, metadata) {
  const f = { name, type, nullable };
  if (children) f.children = children;
  if (metadata) f.metadata = metadata;
  return f;
}

function rowsOf(n, cols) {
  // cols: [name, (i) => value]; returns Map rows
  const rows = new Array(n);
  for (let i = 0; i < n; i++) {
    const m = new Map();
    for (const [name, fn] of cols) m.set(name, fn(i));
    rows[i] = m;
  }
  return rows;
}
const nullEvery = (rng, p, fn) => (i) => (rng.chance(p) ? null : fn(i));

const I64_MIN = -(2n ** 63n), I64_MAX = 2n ** 63n - 1n, U64_MAX = 2n ** 64n - 1n;
const INT_RANGES = {
  int8: [-128n, 127n], int16: [-32768n, 32767n], int32: [-(2n ** 31n), 2n ** 31n - 1n], int64: [I64_MIN, I64_MAX],
  uint8: [0n, 255n], uint16: [0n, 65535n], uint32: [0n, 2n ** 32n - 1n], uint64: [0n, U64_MAX],
};

function randomHalfBits(rng) {
  for (;;) { const h = rng.u32() & 0xffff; if (((h >> 10) & 0x1f) !== 31) return h; }
}

function makePath(rng) {
  const depth = rng.int(3, 7);
  const parts = ['', 'mnt', rng.pick(['datasets', 'archive', 'scratch'])];
  for (let d = 0; d < depth; d++) parts.push(rng.pick(WORDS) + (rng.chance(0.4) ? '_' + rng.int(0, 999) : ''));
  parts.push(`img_${String(rng.int(0, 9999999)).padStart(7, '0')}.${rng.pick(['jpg', 'png', 'webp'])}`);
  return parts.join('/');
}

function sentence(rng, minLen, maxLen) {
  const target = rng.int(minLen, maxLen);
  let s = '';
  while (s.length < target) s += (s ? ' ' : '') + rng.pick(WORDS);
  return s.slice(0, target);
}

// Each case: { name, schema, rows(rng) -> Map rows, batch?, skip?: {version: reason} }
function cases() {
  const C = [];

  C.push({
    name: 'ints', doc: 'non-null ints: sequences (bitpacking), runs (RLE), random full-range',
    schema: [F('i8_rand', 'int8', false), F('i16_small', 'int16', false), F('i32_runs', 'int32', false),
      F('i64_seq', 'int64', false), F('i64_neg', 'int64', false), F('u8_small', 'uint8', false),
      F('u16_rand', 'uint16', false), F('u32_seq', 'uint32', false), F('u64_big', 'uint64', false)],
    rows: (rng) => rowsOf(20000, [
      ['i8_rand', () => BigInt(rng.int(-128, 127))], ['i16_small', () => BigInt(rng.int(0, 999))],
      ['i32_runs', (i) => BigInt(Math.floor(i / 250))], ['i64_seq', (i) => BigInt(i)], ['i64_neg', (i) => BigInt(-i)],
      ['u8_small', () => BigInt(rng.int(0, 15))], ['u16_rand', () => BigInt(rng.int(0, 65535))],
      ['u32_seq', (i) => BigInt(1000000 + 3 * i)], ['u64_big', (i) => 2n ** 63n + BigInt(i)]]),
  });

  C.push({
    name: 'ints_nullable', doc: 'nullable ints of every width, ~15% nulls, extremes in the first rows',
    schema: Object.keys(INT_TYPES).map((t) => F(`${t}_n`, t, true)),
    rows: (rng) => rowsOf(20000, Object.keys(INT_TYPES).map((t) => {
      const [lo, hi] = INT_RANGES[t];
      const small = t.startsWith('u') ? 0n : -50n;
      return [`${t}_n`, (i) => {
        if (i === 0) return lo; if (i === 1) return hi; if (i === 2) return null; if (i === 3) return 0n;
        if (rng.chance(0.15)) return null;
        return small + BigInt(rng.int(0, 100));
      }];
    })),
  });

  C.push({
    name: 'int64_random', doc: 'random full-range 64-bit ints (flat)',
    schema: [F('i64', 'int64', false), F('u64', 'uint64', false), F('i64_n', 'int64', true)],
    rows: (rng) => rowsOf(20000, [['i64', () => rng.i64()], ['u64', () => rng.u64()], ['i64_n', nullEvery(rng, 0.1, () => rng.i64())]]),
  });

  C.push({
    name: 'floats', doc: 'halffloat/float/double random + specials (NaN, +-Inf, -0.0, subnormals, extremes)',
    schema: [F('f16', 'halffloat', false), F('f32', 'float', false), F('f64', 'double', false),
      F('f16_n', 'halffloat', true), F('f32_n', 'float', true), F('f64_n', 'double', true), F('f64_smooth', 'double', false)],
    rows: (rng) => {
      const sp64 = [NaN, Infinity, -Infinity, -0, 0, 5e-324, -Number.MAX_VALUE, Number.MAX_VALUE, 2.2250738585072014e-308, 1e21, 1e-7, 0.1];
      const sp32 = [NaN, Infinity, -Infinity, -0, 0, f32(1.4e-45), f32(-3.4028234663852886e38), f32(3.4028234663852886e38), f32(1.1754943508222875e-38), f32(0.1)];
      const sp16 = [0x7e00, 0x7c00, 0xfc00, 0x8000, 0x0000, 0x0001, 0x7bff, 0xfbff, 0x0400, 0x3555];
      return rowsOf(20000, [
        ['f16', (i) => halfToDouble(i < sp16.length ? sp16[i] : randomHalfBits(rng))],
        ['f32', (i) => (i < sp32.length ? sp32[i] : f32(rng.normal() * 1000))],
        ['f64', (i) => (i < sp64.length ? sp64[i] : rng.normal() * 1e6)],
        ['f16_n', nullEvery(rng, 0.2, (i) => halfToDouble(sp16[i % sp16.length]))],
        ['f32_n', nullEvery(rng, 0.2, () => f32(rng.float()))],
        ['f64_n', nullEvery(rng, 0.2, (i) => (i % 97 === 0 ? sp64[(i / 97) % sp64.length] : rng.float() * 100))],
        ['f64_smooth', (i) => Math.sin(i / 100)]]);
    },
  });

  C.push({
    name: 'bools', doc: 'bool: random, nullable, long runs, constant',
    schema: [F('b_rand', 'bool', false), F('b_n', 'bool', true), F('b_runs', 'bool', false), F('b_const', 'bool', false)],
    rows: (rng) => rowsOf(20000, [['b_rand', () => rng.chance(0.5)], ['b_n', nullEvery(rng, 0.3, () => rng.chance(0.5))],
      ['b_runs', (i) => Math.floor(i / 1000) % 2 === 0], ['b_const', () => true]]),
  });

  C.push({
    name: 'constants', doc: 'columns holding one repeated value (2.2 constant layout), with and without nulls',
    schema: [F('c_i32', 'int32', false), F('c_i64', 'int64', false), F('c_f64', 'double', false), F('c_str', 'string', false),
      F('c_fsb', 'fixed_size_binary:16', false), F('c_v4', 'fixed_size_list:float:4', false), F('c_i32_n', 'int32', true),
      F('c_u8', 'uint8', false), F('c_zero', 'int64', false)],
    rows: (rng) => {
      const fsb = b64(new Uint8Array(16).map((_, k) => k * 17));
      return rowsOf(5000, [['c_i32', () => 7n], ['c_i64', () => -123456789012345n], ['c_f64', () => 2.5], ['c_str', () => 'same'],
        ['c_fsb', () => fsb], ['c_v4', () => [1, 2, 3, 4]], ['c_i32_n', nullEvery(rng, 0.2, () => 42n)], ['c_u8', () => 255n], ['c_zero', () => 0n]]);
    },
  });

  C.push({
    name: 'strings_dict', doc: 'low/medium-cardinality strings (dictionary)',
    schema: [F('s_low', 'string', false), F('s_low_n', 'string', true), F('ls_low', 'large_string', false), F('s_medium', 'string', false)],
    rows: (rng) => {
      const low = WORDS.slice(0, 10).map((w) => `category_${w}`);
      const medium = Array.from({ length: 1500 }, (_, k) => `${rng.pick(WORDS)}-${rng.pick(WORDS)}-${rng.pick(WORDS)}-${k}`);
      return rowsOf(20000, [['s_low', () => rng.pick(low)], ['s_low_n', nullEvery(rng, 0.1, () => rng.pick(low))],
        ['ls_low', () => rng.pick(low)], ['s_medium', () => rng.pick(medium)]]);
    },
  });

  C.push({
    name: 'strings_paths', doc: '~20k unique file paths (FSST), utf8 and large_utf8',
    schema: [F('path', 'string', false), F('path_large', 'large_string', false), F('path_n', 'string', true)],
    rows: (rng) => rowsOf(20000, [['path', () => makePath(rng)], ['path_large', () => makePath(rng)], ['path_n', nullEvery(rng, 0.1, () => makePath(rng))]]),
  });

  C.push({
    name: 'strings_short', doc: 'short high-cardinality strings (plain variable), unicode, empty strings',
    schema: [F('s_tiny', 'string', false), F('s_unicode', 'string', true), F('ls_tiny', 'large_string', true)],
    rows: (rng) => {
      const alpha = 'abcdefghijklmnopqrstuvwxyz';
      const uni = ['', 'é', 'ß', '日本', '😀', 'Ω≈', 'a\u0000b', '"q"', '\\', '\n\t', 'Ünï'];
      const tiny = () => Array.from({ length: rng.int(1, 4) }, () => alpha[rng.int(0, 25)]).join('');
      return rowsOf(20000, [['s_tiny', tiny], ['s_unicode', nullEvery(rng, 0.1, (i) => uni[i % uni.length] + (i % 3 ? tiny() : ''))],
        ['ls_tiny', nullEvery(rng, 0.1, tiny)]]);
    },
  });

  C.push({
    name: 'strings_long', doc: 'text values of 300-3000 bytes (full-zip, per-value FSST?)',
    schema: [F('text', 'string', false), F('text_n', 'large_string', true)],
    rows: (rng) => rowsOf(3000, [['text', () => sentence(rng, 300, 3000)], ['text_n', nullEvery(rng, 0.1, () => sentence(rng, 300, 1500))]]),
  });

  C.push({
    name: 'binary', doc: 'binary/large_binary small and medium values, fixed_size_binary:16',
    schema: [F('bin_small', 'binary', true), F('lbin_small', 'large_binary', true), F('fsb16', 'fixed_size_binary:16', true),
      F('fsb16_nn', 'fixed_size_binary:16', false), F('bin_medium', 'binary', false)],
    rows: (rng) => rowsOf(5000, [
      ['bin_small', nullEvery(rng, 0.1, () => b64(rng.bytes(rng.int(0, 64))))],
      ['lbin_small', nullEvery(rng, 0.1, () => b64(rng.bytes(rng.int(0, 64))))],
      ['fsb16', nullEvery(rng, 0.1, () => b64(rng.bytes(16)))],
      ['fsb16_nn', () => b64(rng.bytes(16))],
      ['bin_medium', () => b64(rng.bytes(rng.int(300, 2000)))]]),
  });

  C.push({
    name: 'images', doc: '240 large_binary images of 20-80 KB (random or compressible) + binary thumbnails', batch: 64,
    schema: [F('id', 'int64', false), F('image', 'large_binary', true), F('thumb', 'binary', false)],
    rows: (rng) => rowsOf(240, [['id', (i) => BigInt(i)],
      ['image', (i) => {
        if (i % 37 === 5) return null;
        const n = rng.int(20000, 80000);
        if (i % 2 === 0) return b64(rng.bytes(n));
        const b = new Uint8Array(n); // compressible: smooth gradient + small noise
        for (let k = 0; k < n; k++) b[k] = ((k >> 6) + (k % 7) + (rng.u32() & 3)) & 0xff;
        return b64(b);
      }],
      ['thumb', () => b64(rng.bytes(rng.int(1000, 4000)))]]),
  });

  C.push({
    name: 'vectors', doc: 'fixed_size_list<float> of 2/16/512 and fixed_size_list<uint8,16>', batch: 512,
    schema: [F('id', 'int64', false), F('v2', 'fixed_size_list:float:2', true), F('v16', 'fixed_size_list:float:16', false),
      F('v512', 'fixed_size_list:float:512', false), F('u8x16', 'fixed_size_list:uint8:16', true)],
    rows: (rng) => rowsOf(2000, [['id', (i) => BigInt(i)],
      ['v2', nullEvery(rng, 0.1, () => [f32(rng.normal()), f32(rng.normal())])],
      ['v16', () => Array.from({ length: 16 }, () => f32(rng.normal()))],
      ['v512', () => Array.from({ length: 512 }, () => f32(rng.normal() * 0.05))],
      ['u8x16', nullEvery(rng, 0.1, () => Array.from({ length: 16 }, () => BigInt(rng.int(0, 255))))]]),
  });

  C.push({
    name: 'vectors_4096', doc: 'a few very wide vectors (fixed_size_list<float,4096>)', batch: 4,
    schema: [F('id', 'int64', false), F('v4096', 'fixed_size_list:float:4096', false)],
    rows: (rng) => rowsOf(12, [['id', (i) => BigInt(i)], ['v4096', () => Array.from({ length: 4096 }, () => f32(rng.normal()))]]),
  });

  C.push({
    name: 'lists', doc: 'list<utf8>, list<int64> with null lists, empty lists, null items',
    schema: [F('l_str', 'list', true, [F('item', 'string', true)]), F('l_i64', 'list', true, [F('item', 'int64', true)]),
      F('l_i64_nn', 'list', false, [F('item', 'int64', false)])],
    rows: (rng) => {
      const lst = (item) => () => {
        const r = rng.float();
        if (r < 0.1) return null;
        if (r < 0.2) return [];
        return Array.from({ length: rng.int(1, 6) }, () => (rng.chance(0.1) ? null : item()));
      };
      return rowsOf(5000, [['l_str', lst(() => rng.pick(WORDS))], ['l_i64', lst(() => BigInt(rng.int(-1000, 1000)))],
        ['l_i64_nn', () => Array.from({ length: rng.int(0, 5) }, () => BigInt(rng.int(0, 1 << 20)))]]);
    },
  });

  const structChildren = () => [F('a', 'int32', true), F('s', 'string', true), F('v', 'fixed_size_list:float:16', true),
    F('l', 'list', true, [F('item', 'int64', true)]), F('inner', 'struct', true, [F('x', 'double', true), F('y', 'bool', true)])];
  const structRows = (rng, pNull) => rowsOf(5000, [['id', (i) => BigInt(i)], ['st', (i) => {
    if (rng.chance(pNull)) return null;
    return new Map([
      ['a', rng.chance(0.1) ? null : BigInt(rng.int(-100000, 100000))],
      ['s', rng.chance(0.1) ? null : rng.pick(WORDS)],
      ['v', rng.chance(0.1) ? null : Array.from({ length: 16 }, () => f32(rng.normal()))],
      ['l', rng.chance(0.1) ? null : Array.from({ length: rng.int(0, 3) }, () => BigInt(rng.int(0, 99)))],
      ['inner', rng.chance(0.1) ? null : new Map([['x', rng.chance(0.1) ? null : rng.float()], ['y', rng.chance(0.1) ? null : rng.chance(0.5)]])]]);
  }]]);
  C.push({
    name: 'structs', doc: 'nullable struct with null rows (int32, utf8, fsl<float,16>, list<int64>, nested struct)',
    schema: [F('id', 'int64', false), F('st', 'struct', true, structChildren())],
    rows: (rng) => structRows(rng, 0.1),
    skip: { '2.0': 'format 2.0 cannot store null structs (LanceDB: "Lance file version 2.0 does not encode struct validity")' },
  });
  C.push({
    name: 'structs_nonnull', doc: 'the same struct without null struct rows (children still have nulls)',
    schema: [F('id', 'int64', false), F('st', 'struct', false, structChildren().map((c) => (c.name === 'inner' ? { ...c, nullable: false } : c)))],
    rows: (rng) => structRows(rng, 0).map((r) => { const st = r.get('st'); if (st.get('inner') === null) st.set('inner', new Map([['x', null], ['y', null]])); return r; }),
  });

  C.push({
    name: 'all_null', doc: 'all-null columns of several types',
    schema: [F('id', 'int64', false), F('n_i32', 'int32'), F('n_i64', 'int64'), F('n_f64', 'double'), F('n_bool', 'bool'),
      F('n_str', 'string'), F('n_lbin', 'large_binary'), F('n_fsl', 'fixed_size_list:float:16'),
      F('n_list', 'list', true, [F('item', 'int64', true)]), F('n_ts', 'timestamp:us:-'), F('n_fsb', 'fixed_size_binary:16')],
    rows: () => rowsOf(3000, [['id', (i) => BigInt(i)], ...['n_i32', 'n_i64', 'n_f64', 'n_bool', 'n_str', 'n_lbin', 'n_fsl', 'n_list', 'n_ts', 'n_fsb'].map((c) => [c, () => null])]),
  });
  C.push({
    name: 'all_null_struct', doc: 'an all-null struct column',
    schema: [F('id', 'int64', false), F('n_struct', 'struct', true, [F('a', 'int32'), F('b', 'string')])],
    rows: () => rowsOf(3000, [['id', (i) => BigInt(i)], ['n_struct', () => null]]),
    skip: { '2.0': 'format 2.0 cannot store null structs (LanceDB: "Lance file version 2.0 does not encode struct validity")' },
  });

  C.push({
    name: 'temporal', doc: 'timestamps s/ms/us/ns with and without time zone, date32',
    schema: [F('ts_s', 'timestamp:s:-', false), F('ts_ms_utc', 'timestamp:ms:UTC', true), F('ts_us', 'timestamp:us:-', false),
      F('ts_us_ny', 'timestamp:us:America/New_York', true), F('ts_ns', 'timestamp:ns:-', false), F('ts_ns_utc', 'timestamp:ns:UTC', true),
      F('d32', 'date32:day', true)],
    rows: (rng) => {
      const base = 1700000000n;
      return rowsOf(20000, [
        ['ts_s', (i) => (i === 0 ? -2208988800n : base + BigInt(i) * 60n)],
        ['ts_ms_utc', nullEvery(rng, 0.1, () => base * 1000n + BigInt(rng.int(0, 1e9)))],
        ['ts_us', (i) => (i === 1 ? I64_MAX : i === 2 ? I64_MIN + 1n : base * 1000000n + BigInt(i) * 1000n + BigInt(rng.int(0, 999)))],
        ['ts_us_ny', nullEvery(rng, 0.1, () => base * 1000000n + BigInt(rng.int(-1e9, 1e9)) * 1000n)],
        ['ts_ns', () => rng.i64()],
        ['ts_ns_utc', nullEvery(rng, 0.1, (i) => base * 1000000000n + BigInt(i) * 1000000007n)],
        ['d32', nullEvery(rng, 0.1, (i) => (i === 5 ? -719162n : i === 6 ? 2932896n : BigInt(19000 + rng.int(0, 2000))))]]);
    },
  });

  C.push({
    name: 'every_type_small', doc: '40 rows, one column of every supported type, nulls in every nullable column', batch: 16,
    schema: [F('id', 'int64', false), F('b', 'bool'), F('i8', 'int8'), F('i16', 'int16'), F('i32', 'int32'), F('i64', 'int64'),
      F('u8', 'uint8'), F('u16', 'uint16'), F('u32', 'uint32'), F('u64', 'uint64'), F('f16', 'halffloat'), F('f32', 'float'),
      F('f64', 'double'), F('s', 'string'), F('ls', 'large_string'), F('bin', 'binary'), F('lbin', 'large_binary'),
      F('fsb', 'fixed_size_binary:16'), F('d', 'date32:day'), F('ts_s', 'timestamp:s:-'), F('ts_ms', 'timestamp:ms:UTC'),
      F('ts_us', 'timestamp:us:America/New_York'), F('ts_ns', 'timestamp:ns:-'), F('v4', 'fixed_size_list:float:4'),
      F('u8x16', 'fixed_size_list:uint8:16'), F('l_s', 'list', true, [F('item', 'string', true)]),
      F('l_i', 'list', true, [F('item', 'int64', true)]), F('st', 'struct', false, [F('x', 'int32'), F('y', 'string')])],
    rows: (rng) => {
      const intCol = (t) => (i) => { const [lo, hi] = INT_RANGES[t]; return i === 1 ? lo : i === 2 ? hi : BigInt(rng.int(0, 100)); };
      const n = (fn) => (i) => (i % 5 === 3 ? null : fn(i));
      const fl = [NaN, Infinity, -Infinity, -0, 0.1, 1e300];
      return rowsOf(40, [['id', (i) => BigInt(i)], ['b', n(() => rng.chance(0.5))],
        ...['int8', 'int16', 'int32', 'int64', 'uint8', 'uint16', 'uint32', 'uint64'].map((t) => [{ int8: 'i8', int16: 'i16', int32: 'i32', int64: 'i64', uint8: 'u8', uint16: 'u16', uint32: 'u32', uint64: 'u64' }[t], n(intCol(t))]),
        ['f16', n((i) => halfToDouble([0x7e00, 0x7c00, 0xfc00, 0x8000, 0x3555, 0x7bff][i % 6]))],
        ['f32', n((i) => f32(fl[i % 6]))], ['f64', n((i) => fl[i % 6])],
        ['s', n((i) => (i % 4 === 0 ? '' : rng.pick(WORDS)))], ['ls', n(() => rng.pick(WORDS))],
        ['bin', n((i) => b64(rng.bytes(i % 9)))], ['lbin', n((i) => b64(rng.bytes(i % 13)))], ['fsb', n(() => b64(rng.bytes(16)))],
        ['d', n((i) => BigInt(18000 + i))], ['ts_s', n((i) => BigInt(1700000000 + i))], ['ts_ms', n((i) => 1700000000000n + BigInt(i))],
        ['ts_us', n((i) => 1700000000000000n + BigInt(i))], ['ts_ns', n((i) => 1700000000000000000n + BigInt(i))],
        ['v4', n(() => [f32(rng.float()), -0, 1, f32(rng.normal())])], ['u8x16', n(() => Array.from({ length: 16 }, () => BigInt(rng.int(0, 255))))],
        ['l_s', n((i) => (i % 7 === 0 ? [] : [rng.pick(WORDS), null, 'x']))], ['l_i', n((i) => (i % 7 === 0 ? [] : [BigInt(i), null]))],
        ['st', (i) => new Map([['x', i % 3 === 0 ? null : BigInt(i)], ['y', i % 4 === 0 ? null : rng.pick(WORDS)]])]]);
    },
  });

  const M = (k, v, extra = {}) => ({ [`lance-encoding:${k}`]: v, ...extra });
  C.push({
    name: 'field_options', doc: 'Arrow field metadata lance-encoding:* (zstd/lz4 general compression, bss, forced full-zip, packed struct)',
    schema: [F('id', 'int64', false),
      F('i64_zstd', 'int64', false, undefined, M('compression', 'zstd')),
      F('i32_lz4_n', 'int32', true, undefined, M('compression', 'lz4')),
      F('s_zstd', 'string', false, undefined, M('compression', 'zstd', { 'lance-encoding:compression-level': '3' })),
      F('f32_bss', 'float', false, undefined, M('bss', 'on')),
      F('f64_bss_zstd', 'double', false, undefined, M('bss', 'on', { 'lance-encoding:compression': 'zstd' })),
      F('i32_fullzip', 'int32', true, undefined, M('structural-encoding', 'fullzip')),
      F('s_none', 'string', false, undefined, M('compression', 'none')),
      F('ps', 'struct', false, [F('a', 'int32', false), F('b', 'double', false)], M('packed', 'true'))],
    rows: (rng) => rowsOf(20000, [['id', (i) => BigInt(i)],
      ['i64_zstd', () => BigInt(rng.int(0, 1000)) * 1000003n],
      ['i32_lz4_n', nullEvery(rng, 0.1, (i) => BigInt(i % 5000))],
      ['s_zstd', () => `${rng.pick(WORDS)}/${rng.pick(WORDS)}/${rng.int(0, 99999)}`],
      ['f32_bss', (i) => f32(Math.sin(i / 50) * 100)],
      ['f64_bss_zstd', (i) => 1000 + Math.round(Math.cos(i / 30) * 1e4) / 100],
      ['i32_fullzip', nullEvery(rng, 0.1, () => BigInt(rng.int(-1e6, 1e6)))],
      ['s_none', () => makePath(rng)],
      ['ps', () => new Map([['a', BigInt(rng.int(0, 99))], ['b', rng.float()]])]]),
  });
  C.push({
    name: 'packed_struct_var', doc: 'packed struct with a variable-width child (variable_packed_struct, 2.2 only)',
    schema: [F('id', 'int64', false), F('ps', 'struct', false, [F('a', 'int32', false), F('s', 'string', false), F('b', 'binary', false)], M('packed', 'true'))],
    rows: (rng) => rowsOf(5000, [['id', (i) => BigInt(i)], ['ps', () => new Map([['a', BigInt(rng.int(0, 99))],
      ['s', rng.pick(WORDS)], ['b', b64(rng.bytes(rng.int(0, 20)))]])]]),
    skip: { '2.0': 'packed structs with variable-width children need 2.2', '2.1': 'packed structs with variable-width children need 2.2 ("Variable packed struct encoding is not enabled by the selected file format")' },
  });
  C.push({
    name: 'blob', doc: 'large_binary with lance-encoding:blob=true (blob layout)', batch: 32,
    schema: [F('id', 'int64', false), F('blob', 'large_binary', true, undefined, M('blob', 'true'))],
    rows: (rng) => rowsOf(100, [['id', (i) => BigInt(i)], ['blob', (i) => (i % 10 === 3 ? null : b64(rng.bytes(rng.int(1000, 100000))))]]),
    skip: { '2.2': 'legacy blob metadata is rejected for 2.2 (use blob_v2)' },
    noVerify: 'LanceDB scans return blob descriptions {position,size}, not the bytes',
  });
  C.push({
    name: 'blob_v2', doc: 'blob v2 extension type (struct<data: large_binary, uri: utf8>, ARROW:extension:name=lance.blob.v2), 2.2 only', batch: 16,
    schema: [F('id', 'int64', false), F('blob', 'struct', true, [F('data', 'large_binary', true), F('uri', 'string', true)], { 'ARROW:extension:name': 'lance.blob.v2' })],
    rows: (rng) => rowsOf(40, [['id', (i) => BigInt(i)], ['blob', (i) => (i % 10 === 3 ? null
      : new Map([['data', b64(rng.bytes([10, 1000, 100000, 300000][i % 4]))], ['uri', null]]))]]),
    skip: { '2.0': 'blob v2 needs file format 2.2', '2.1': 'blob v2 needs file format 2.2' },
    noVerify: 'LanceDB scans return blob v2 descriptions {kind,position,size,blob_id,blob_uri}, not the bytes',
  });

  C.push({
    name: 'many_rows', doc: '200k rows of id/double/low-card string/short string: several pages per column',
    schema: [F('id', 'int64', false), F('x', 'double', false), F('tag', 'string', false), F('name', 'string', true)],
    rows: (rng) => {
      const tags = ['red', 'green', 'blue', 'cyan', 'magenta'];
      return rowsOf(200000, [['id', (i) => BigInt(i)], ['x', () => rng.float()], ['tag', () => rng.pick(tags)],
        ['name', nullEvery(rng, 0.05, () => rng.pick(WORDS) + rng.int(0, 99999))]]);
    },
  });

  return C;
}

const VERSIONS = ['2.0', '2.1', '2.2'];

function caseSeed(name) { let h = 2166136261; for (const ch of name) { h ^= ch.charCodeAt(0); h = Math.imul(h, 16777619); } return h >>> 0; }

async function cmdGen(args) {
  const outdir = args._[0] || die('usage: gen OUTDIR [--only NAME[,NAME..]] [--versions 2.0,2.1,2.2] [--no-verify]');
  const only = args.only ? new Set(args.only.split(',')) : null;
  const versions = args.versions ? args.versions.split(',') : VERSIONS;
  const all = cases();
  if (only) for (const o of only) if (!all.some((c) => c.name === o)) die(`unknown case ${o}; known: ${all.map((c) => c.name).join(', ')}`);
  fs.mkdirSync(outdir, { recursive: true });
  const ldb = await lancedb();
  const skipped = [];
  const failed = [];
  const summary = [];
  const t0 = Date.now();
  for (const c of all) {
    if (only && !only.has(c.name)) continue;
    const rows = c.rows(new Rng(caseSeed(c.name)));
    const lines = rows.map(toJson);
    const rowsText = lines.join('\n') + (lines.length ? '\n' : '');
    const schemaText = JSON.stringify(c.schema, null, 1) + '\n';
    const table = buildTable(c.schema, rows, c.batch || 8192);
    let firstRowsFile = null;
    for (const v of versions) {
      if (c.skip && c.skip[v]) { skipped.push({ case: c.name, version: v, reason: c.skip[v] }); continue; }
      const dir = path.join(outdir, `${c.name}-${v}`);
      fs.rmSync(dir, { recursive: true, force: true });
      fs.mkdirSync(dir, { recursive: true });
      fs.writeFileSync(path.join(dir, 'schema.json'), schemaText);
      const rowsFile = path.join(dir, 'rows.jsonl');
      if (firstRowsFile) {
        try { fs.linkSync(firstRowsFile, rowsFile); } catch { fs.writeFileSync(rowsFile, rowsText); }
      } else { fs.writeFileSync(rowsFile, rowsText); firstRowsFile = rowsFile; }
      const tv = Date.now();
      const db = await ldb.connect(dir);
      try {
        await db.createTable('table', table, { mode: 'create', storageOptions: { new_table_data_storage_version: v } });
      } catch (e) {
        failed.push({ case: c.name, version: v, error: 'LanceDB error: ' + String(e.message || e).split('\n')[0] });
        process.stderr.write(JSON.stringify(failed[failed.length - 1]) + '\n');
        fs.rmSync(dir, { recursive: true, force: true });
        continue;
      }
      let verify = 'skipped';
      if (c.noVerify) verify = 'not compared: ' + c.noVerify;
      else if (!args['no-verify']) {
        const tbl = await db.openTable('table');
        const { lines: got, schema } = await dumpRows(tbl);
        const gotSchema = JSON.stringify(schema.fields.filter((f) => f.name !== '_rowid').map(lanceFieldOf));
        const mism = [];
        if (got.length !== lines.length) mism.push(`row count ${got.length} != ${lines.length}`);
        for (let i = 0; i < Math.min(got.length, lines.length) && mism.length < 3; i++) {
          if (got[i] !== lines[i]) mism.push(`row ${i}: wrote ${lines[i].slice(0, 300)} read ${got[i].slice(0, 300)}`);
        }
        const expSchema = JSON.stringify(normSchema(c.schema));
        if (JSON.stringify(normSchema(JSON.parse(gotSchema))) !== expSchema) mism.push(`schema read back ${gotSchema}`);
        verify = mism.length ? 'MISMATCH: ' + mism.join(' | ') : 'ok';
      }
      const bytes = dirSize(path.join(dir, 'table.lance'));
      const rec = { case: c.name, version: v, rows: rows.length, bytes, ms: Date.now() - tv, verify };
      summary.push(rec);
      process.stderr.write(JSON.stringify(rec) + '\n');
    }
  }
  const bad = summary.filter((s) => s.verify.startsWith('MISMATCH'));
  const out = { cases: [...new Set(summary.map((s) => s.case))].length, tables: summary.length, total_bytes: summary.reduce((a, s) => a + s.bytes, 0), seconds: (Date.now() - t0) / 1000, mismatches: bad.length, failed, skipped };
  fs.writeFileSync(path.join(outdir, 'summary.json'), JSON.stringify({ ...out, tables_detail: summary, case_docs: cases().filter((c) => !only || only.has(c.name)).map((c) => ({ name: c.name, doc: c.doc })) }, null, 1) + '\n');
  console.log(JSON.stringify(out, null, 1));
  if (bad.length) { console.error(`${bad.length} table(s) did not read back identically`); process.exitCode = 1; }
  if (failed.length) { console.error(`${failed.length} table(s) could not be written`); process.exitCode = 1; }
}

// FSL item fields and list item names are not part of our comparison contract beyond the type.
function normSchema(fields) {
  return fields.map((f) => {
    const o = { name: f.name, type: f.type, nullable: f.nullable !== false };
    if (f.type === 'list' || f.type === 'struct') o.children = normSchema(f.children || []);
    return o;
  });
}

function dirSize(p) {
  let s = 0;
  for (const e of fs.readdirSync(p, { withFileTypes: true })) {
    const q = path.join(p, e.name);
    s += e.isDirectory() ? dirSize(q) : fs.statSync(q).size;
  }
  return s;
}

// ------------------------------------------------------------------------------------------
// Table commands: dump, schema, search, write, append, delete, compact, index
// ------------------------------------------------------------------------------------------
function storageOpts(args) { return args['storage-options'] ? JSON.parse(args['storage-options']) : undefined; }

async function cmdDump(args) {
  const uri = args._[0] || die('usage: dump URI [--version N] [--columns a,b] [--where PRED] [--with-rowid]');
  const tbl = await openTable(uri, { storageOptions: storageOpts(args) });
  if (args.version !== undefined) await tbl.checkout(Number(args.version));
  if (args.tag !== undefined) await tbl.checkout(String(args.tag));
  const columns = args.columns ? args.columns.split(',') : null;
  const where = args.where || null;
  const count = await tbl.countRows(where || undefined);
  const { lines } = await dumpRows(tbl, { columns, where, withRowId: !!args['with-rowid'] });
  await writeOut(lines);
  process.stderr.write(JSON.stringify({ count, version: await tbl.version() }) + '\n');
  if (lines.length !== count) die(`query returned ${lines.length} rows but countRows() says ${count}`);
}

async function cmdSchema(args) {
  const uri = args._[0] || die('usage: schema URI');
  const tbl = await openTable(uri, { storageOptions: storageOpts(args) });
  const s = await tbl.schema();
  console.log(JSON.stringify(s.fields.map(lanceFieldOf), null, 1));
}

async function cmdSearch(args) {
  const uri = args._[0];
  if (!uri || !args.column || !args.vector) die('usage: search URI --column C --vector JSON -k K [--nprobes N] [--refine R] [--where P] [--distance l2|cosine|dot] [--bypass-index]');
  const tbl = await openTable(uri, { storageOptions: storageOpts(args) });
  const vec = parseJsonExact(args.vector).map(Number);
  const k = Number(args.k ?? 10);
  let q = tbl.search(vec).column(args.column).limit(k).withRowId();
  if (args.nprobes !== undefined) q = q.nprobes(Number(args.nprobes));
  if (args.refine !== undefined) q = q.refineFactor(Number(args.refine));
  if (args.where) q = q.where(args.where);
  if (args.distance) q = q.distanceType(args.distance);
  if (args['bypass-index']) q = q.bypassVectorIndex();
  const res = await q.toArrow();
  const names = res.schema.fields.map((f) => f.name).filter((n) => n !== args.column && n !== '_distance' && n !== '_rowid');
  const all = tableRows(res, [...names, '_distance', '_rowid']);
  const lines = all.map((m) => { m.set('_rowid', Number(m.get('_rowid'))); return toJson(m); });
  await writeOut(lines);
}

function readSchemaFile(file) {
  const s = JSON.parse(fs.readFileSync(file, 'utf8'));
  if (!Array.isArray(s)) die(`${file}: schema must be a JSON array of fields`);
  return s;
}

async function cmdWrite(args) {
  const uri = args._[0];
  if (!uri || !args.schema || !args.input) die('usage: write URI --schema schema.json --input rows.jsonl [--version 2.2] [--batch 8192] [--mode create|overwrite] [--v1-manifest-paths]');
  const schema = readSchemaFile(args.schema);
  const rows = readJsonl(args.input);
  const table = buildTable(schema, rows, Number(args.batch || 8192));
  const { parent, name } = splitTableUri(uri);
  const so = { ...(storageOpts(args) || {}), new_table_data_storage_version: args.version || '2.2' };
  if (args['v1-manifest-paths']) so.new_table_enable_v2_manifest_paths = 'false';
  const connectOpts = storageOpts(args);
  const db = await (await lancedb()).connect(parent, connectOpts ? { storageOptions: connectOpts } : undefined);
  const tbl = await db.createTable(name, table, { mode: args.mode || 'create', storageOptions: so });
  console.log(JSON.stringify({ rows: await tbl.countRows(), version: await tbl.version() }));
}

async function cmdAppend(args) {
  const uri = args._[0];
  if (!uri || !args.input) die('usage: append URI --input rows.jsonl [--batch 8192]');
  const tbl = await openTable(uri, { storageOptions: storageOpts(args) });
  const schema = args.schema ? readSchemaFile(args.schema) : (await tbl.schema()).fields.map(lanceFieldOf);
  const rows = readJsonl(args.input);
  await tbl.add(buildTable(schema, rows, Number(args.batch || 8192)));
  console.log(JSON.stringify({ rows: await tbl.countRows(), version: await tbl.version() }));
}

async function cmdDelete(args) {
  const uri = args._[0];
  if (!uri || !args.where) die('usage: delete URI --where PRED');
  const tbl = await openTable(uri, { storageOptions: storageOpts(args) });
  await tbl.delete(args.where);
  console.log(JSON.stringify({ rows: await tbl.countRows(), version: await tbl.version() }));
}

async function cmdCompact(args) {
  const uri = args._[0] || die('usage: compact URI [--cleanup]');
  const tbl = await openTable(uri, { storageOptions: storageOpts(args) });
  const opts = args.cleanup ? { cleanupOlderThan: new Date(Date.now() + 1000), deleteUnverified: true } : {};
  const stats = await tbl.optimize(opts);
  console.log(JSON.stringify({ stats, rows: await tbl.countRows(), version: await tbl.version() }));
}

async function cmdTag(args) {
  const [action, uri, name] = args._;
  if (!action || !uri) die('usage: tag create|delete|list URI [NAME] [--version N]');
  const tbl = await openTable(uri, { storageOptions: storageOpts(args) });
  const tags = await tbl.tags();
  if (action === 'create') await tags.create(name, Number(args.version ?? await tbl.version()));
  else if (action === 'delete') await tags.delete(name);
  else if (action !== 'list') die('tag action must be create, delete or list');
  const all = await tags.list();
  const out = {};
  for (const [k, v] of Object.entries(all)) out[k] = Number(v.version);
  console.log(JSON.stringify({ tags: out }));
}

async function cmdRestore(args) {
  const uri = args._[0];
  if (!uri || (args.version === undefined && args.tag === undefined)) die('usage: restore URI --version N|--tag T');
  const tbl = await openTable(uri, { storageOptions: storageOpts(args) });
  await tbl.checkout(args.tag !== undefined ? String(args.tag) : Number(args.version));
  await tbl.restore();
  console.log(JSON.stringify({ rows: await tbl.countRows(), version: await tbl.version() }));
}

async function cmdCleanup(args) {
  const uri = args._[0] || die('usage: cleanup URI [--older-than-seconds S] [--delete-unverified]');
  const tbl = await openTable(uri, { storageOptions: storageOpts(args) });
  const secs = Number(args['older-than-seconds'] ?? 0);
  const stats = await tbl.optimize({ cleanupOlderThan: new Date(Date.now() - secs * 1000),
                                     deleteUnverified: !!args['delete-unverified'] });
  console.log(JSON.stringify({ stats, rows: await tbl.countRows(), version: await tbl.version() }));
}

async function cmdVersions(args) {
  const uri = args._[0] || die('usage: versions URI');
  const tbl = await openTable(uri, { storageOptions: storageOpts(args) });
  const vs = await tbl.listVersions();
  console.log(JSON.stringify(vs.map((v) => Number(v.version))));
}

// Appends rows one at a time, each its own commit (the concurrency tests' LanceDB writer).
async function cmdAppendEach(args) {
  const uri = args._[0];
  if (!uri || !args.input) die('usage: append-each URI --input rows.jsonl');
  const tbl = await openTable(uri, { storageOptions: storageOpts(args) });
  const schema = (await tbl.schema()).fields.map(lanceFieldOf);
  const rows = readJsonl(args.input);
  for (const r of rows) {
    for (let attempt = 0; ; ++attempt) {
      try {
        await tbl.add(buildTable(schema, [r], 1));
        break;
      } catch (e) {
        if (attempt >= 20) throw e;
        await new Promise((res) => setTimeout(res, 5 + Math.random() * 20 * (attempt + 1)));
      }
    }
  }
  console.log(JSON.stringify({ appended: rows.length, version: await tbl.version() }));
}

// Dumps every version (and every tag) in one process: OUTDIR/v<N>.jsonl, OUTDIR/tags.json.
async function cmdDumpAll(args) {
  const [uri, outdir] = args._;
  if (!uri || !outdir) die('usage: dump-all URI OUTDIR');
  const tbl = await openTable(uri, { storageOptions: storageOpts(args) });
  fs.mkdirSync(outdir, { recursive: true });
  const versions = (await tbl.listVersions()).map((v) => Number(v.version));
  const counts = {};
  for (const v of versions) {
    await tbl.checkout(v);
    const { lines } = await dumpRows(tbl, {});
    const count = await tbl.countRows();
    if (lines.length !== count) die(`version ${v}: query returned ${lines.length} rows but countRows() says ${count}`);
    fs.writeFileSync(`${outdir}/v${v}.jsonl`, lines.map((l) => l + '\n').join(''));
    counts[v] = count;
  }
  await tbl.checkoutLatest();
  const tags = {};
  for (const [k, t] of Object.entries(await (await tbl.tags()).list())) tags[k] = Number(t.version);
  fs.writeFileSync(`${outdir}/tags.json`, JSON.stringify(tags));
  console.log(JSON.stringify({ versions, counts, tags }));
}

// Runs a list of operations in one process: --ops '[{"op":"append","input":F}, {"op":"delete",
// "where":P}, {"op":"compact"}, {"op":"tag","name":N,"version":V}, {"op":"restore","version":V},
// {"op":"cleanup"}]'. Prints the version after each.
async function cmdOps(args) {
  const uri = args._[0];
  if (!uri || !args.ops) die('usage: ops URI --ops JSON');
  const ops = JSON.parse(args.ops);
  const tbl = await openTable(uri, { storageOptions: storageOpts(args) });
  const out = [];
  for (const o of ops) {
    await tbl.checkoutLatest();
    if (o.op === 'append') {
      const schema = (await tbl.schema()).fields.map(lanceFieldOf);
      await tbl.add(buildTable(schema, readJsonl(o.input), 8192));
    } else if (o.op === 'delete') {
      await tbl.delete(o.where);
    } else if (o.op === 'compact') {
      await tbl.optimize({});
    } else if (o.op === 'tag') {
      await (await tbl.tags()).create(o.name, Number(o.version));
    } else if (o.op === 'restore') {
      await tbl.checkout(Number(o.version));
      await tbl.restore();
    } else if (o.op === 'cleanup') {
      await tbl.optimize({ cleanupOlderThan: new Date(Date.now() + 1000), deleteUnverified: false });
    } else {
      die(`unknown op ${o.op}`);
    }
    out.push({ op: o.op, version: await tbl.version(), rows: await tbl.countRows() });
  }
  console.log(JSON.stringify(out));
}

async function cmdIndex(args) {
  const uri = args._[0];
  if (!uri || !args.column) die('usage: index URI --column C [--partitions P] [--sub-vectors M] [--distance l2|cosine|dot]');
  const ldb = await lancedb();
  const tbl = await openTable(uri, { storageOptions: storageOpts(args) });
  const cfg = { distanceType: args.distance || 'l2' };
  if (args.partitions) cfg.numPartitions = Number(args.partitions);
  if (args['sub-vectors']) cfg.numSubVectors = Number(args['sub-vectors']);
  await tbl.createIndex(args.column, { config: ldb.Index.ivfPq(cfg), replace: true });
  console.log(JSON.stringify({ indices: await tbl.listIndices(), version: await tbl.version() }));
}

// ------------------------------------------------------------------------------------------
// Benchmark commands: gen-bench, bench-scan (used by bench/scan_vs_lancedb.cc)
// ------------------------------------------------------------------------------------------
const BENCH_CATEGORIES = ['animals', 'architecture', 'art', 'food', 'vehicles', 'landscape', 'people', 'sports', 'music',
  'technology', 'fashion', 'nature', 'travel', 'science', 'history', 'interiors', 'plants', 'ocean', 'space', 'weather'];
const BENCH_COLORS = ['red', 'green', 'blue', 'yellow', 'black', 'white', 'orange', 'purple', 'pink', 'brown', 'grey', 'golden'];
const BENCH_OBJECTS = ['cat', 'dog', 'car', 'house', 'tree', 'boat', 'bird', 'chair', 'lamp', 'bicycle', 'mountain', 'flower',
  'guitar', 'train', 'cup', 'horse'];
const BENCH_CLUSTERS = 64;
const BENCH_T0_US = 1700000000000000; // 2023-11-14T22:13:20Z in microseconds

function positiveInt(args, key, dflt) {
  const v = args[key] === undefined ? dflt : args[key];
  const n = Number(v);
  if (v === undefined || v === true || !Number.isSafeInteger(n) || n <= 0) die(`--${key} must be a positive integer (got ${v === true ? 'no value' : v})`);
  return n;
}

// Offsets + bytes of a utf8 column whose values are all ASCII (string length == byte length).
function asciiUtf8Data(type, strings) {
  const valueOffsets = new Int32Array(strings.length + 1);
  let off = 0;
  for (let i = 0; i < strings.length; i++) { off += strings[i].length; valueOffsets[i + 1] = off; }
  const data = enc.encode(strings.join(''));
  if (data.length !== off) throw new Error('non-ASCII benchmark string');
  return arrow.makeData({ type, length: strings.length, nullCount: 0, valueOffsets, data });
}

// The benchmark table, built straight from typed arrays. Vectors: BENCH_CLUSTERS unit-norm Gaussian
// centroids, each row = centroid + N(0, 0.5^2/D) per component, then normalised to unit length.
function benchTable(rows, dim, seed, batchSize) {
  const rng = new Rng(seed);
  const fillNormal = (a) => { // Box-Muller, both outputs
    for (let j = 0; j < a.length; j += 2) {
      const u = rng.float() || 1e-12, v = 2 * Math.PI * rng.float(), r = Math.sqrt(-2 * Math.log(u));
      a[j] = r * Math.cos(v);
      if (j + 1 < a.length) a[j + 1] = r * Math.sin(v);
    }
  };
  const tmp = new Float64Array(dim);
  const centroids = new Float64Array(BENCH_CLUSTERS * dim);
  for (let c = 0; c < BENCH_CLUSTERS; c++) {
    fillNormal(tmp);
    let ss = 0;
    for (let j = 0; j < dim; j++) ss += tmp[j] * tmp[j];
    const inv = 1 / Math.sqrt(ss);
    for (let j = 0; j < dim; j++) centroids[c * dim + j] = tmp[j] * inv;
  }
  const sigma = 0.5 / Math.sqrt(dim);

  const itemField = new arrow.Field('item', new arrow.Float32(), true);
  const fields = [
    new arrow.Field('id', new arrow.Int64(), false),
    new arrow.Field('category', new arrow.Utf8(), true),
    new arrow.Field('caption', new arrow.Utf8(), true),
    new arrow.Field('created_at', new arrow.Timestamp(arrow.TimeUnit.MICROSECOND, 'UTC'), true),
    new arrow.Field('vector', new arrow.FixedSizeList(dim, itemField), false),
  ];
  const schema = new arrow.Schema(fields);
  const structType = new arrow.Struct(fields);
  const batches = [];
  for (let start = 0; start < rows; start += batchSize) {
    const n = Math.min(batchSize, rows - start);
    const ids = new BigInt64Array(n);
    const ts = new BigInt64Array(n);
    const cats = new Array(n);
    const caps = new Array(n);
    const vec = new Float32Array(n * dim);
    for (let i = 0; i < n; i++) {
      const row = start + i;
      ids[i] = BigInt(row);
      // one row per second plus < 1 s of jitter: strictly increasing
      ts[i] = BigInt(BENCH_T0_US + row * 1000000 + Math.floor(rng.float() * 1000000));
      cats[i] = BENCH_CATEGORIES[rng.u32() % BENCH_CATEGORIES.length];
      caps[i] = `a ${BENCH_COLORS[rng.u32() % BENCH_COLORS.length]} ${BENCH_OBJECTS[rng.u32() % BENCH_OBJECTS.length]} number ${row}`;
      const c = (rng.u32() % BENCH_CLUSTERS) * dim;
      fillNormal(tmp);
      let ss = 0;
      for (let j = 0; j < dim; j++) { const x = centroids[c + j] + sigma * tmp[j]; tmp[j] = x; ss += x * x; }
      const inv = 1 / Math.sqrt(ss);
      const o = i * dim;
      for (let j = 0; j < dim; j++) vec[o + j] = tmp[j] * inv;
    }
    const children = [
      arrow.makeData({ type: fields[0].type, length: n, nullCount: 0, data: ids }),
      asciiUtf8Data(fields[1].type, cats),
      asciiUtf8Data(fields[2].type, caps),
      arrow.makeData({ type: fields[3].type, length: n, nullCount: 0, data: ts }),
      arrow.makeData({ type: fields[4].type, length: n, nullCount: 0,
        child: arrow.makeData({ type: itemField.type, length: n * dim, nullCount: 0, data: vec }) }),
    ];
    batches.push(new arrow.RecordBatch(schema, arrow.makeData({ type: structType, length: n, nullCount: 0, children })));
  }
  return new arrow.Table(schema, batches);
}

async function cmdGenBench(args) {
  const usage = 'usage: gen-bench URI --rows N --dim D [--version 2.2] [--seed S] [--batch 8192]';
  const uri = args._[0] || die(usage);
  if (args.rows === undefined || args.dim === undefined) die(usage);
  const rows = positiveInt(args, 'rows');
  const dim = positiveInt(args, 'dim');
  const batch = positiveInt(args, 'batch', 8192);
  const seedArg = args.seed === undefined ? 42 : Number(args.seed);
  if (!Number.isSafeInteger(seedArg)) die(`--seed must be an integer (got ${args.seed})`);
  const { parent, name } = splitTableUri(uri);
  const t0 = process.hrtime.bigint();
  const table = benchTable(rows, dim, seedArg | 0, batch);
  // A local table is removed first, so that no old versions or data files of another format
  // version remain; 'overwrite' covers object-store URIs.
  if (!/^[a-z][a-z0-9+.-]*:\/\//i.test(uri)) {
    fs.rmSync(uri, { recursive: true, force: true });
    fs.mkdirSync(parent, { recursive: true });
  }
  const so = { ...(storageOpts(args) || {}), new_table_data_storage_version: args.version || '2.2' };
  const db = await (await lancedb()).connect(parent);
  const tbl = await db.createTable(name, table, { mode: 'overwrite', storageOptions: so });
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  const count = await tbl.countRows();
  if (count !== rows) throw new Error(`wrote ${rows} rows but countRows() says ${count}`);
  console.log(JSON.stringify({ rows: count, seconds }));
}

// Table-operation latencies (bench/table_ops_vs_lancedb.cc runs the same sequence in lancet):
// create from --input, N one-row appends from --appends (each timed), R full scans, optimize()
// (compaction), R full scans, one delete of --where. Prints milliseconds as JSON.
async function cmdBenchTable(args) {
  const uri = args._[0];
  if (!uri || !args.schema || !args.input || !args.appends || !args.where) {
    die('usage: bench-table URI --schema S --input ROWS --appends ROWS --where PRED [--reps R] [--version 2.2]');
  }
  const reps = Number(args.reps || 5);
  const schema = readSchemaFile(args.schema);
  const { parent, name } = splitTableUri(uri);
  fs.rmSync(uri, { recursive: true, force: true });
  const db = await (await lancedb()).connect(parent);
  const so = { new_table_data_storage_version: args.version || '2.2' };
  let tbl = await db.createTable(name, buildTable(schema, readJsonl(args.input), 8192),
                                 { mode: 'overwrite', storageOptions: so });
  const ms = (t0) => Number(process.hrtime.bigint() - t0) / 1e6;
  const appendMs = [];
  for (const r of readJsonl(args.appends)) {
    const batch = buildTable(schema, [r], 1);
    const t0 = process.hrtime.bigint();
    await tbl.add(batch);
    appendMs.push(ms(t0));
  }
  const scan = async () => {
    const t0 = process.hrtime.bigint();
    let n = 0;
    for await (const b of tbl.query().execute()) n += b.numRows;
    return [ms(t0), n];
  };
  const scans = async () => {
    await scan();
    const out = [];
    for (let i = 0; i < reps; i++) out.push((await scan())[0]);
    return out;
  };
  const scanAfterAppends = await scans();
  let t0 = process.hrtime.bigint();
  await tbl.optimize({});
  const compactMs = ms(t0);
  const scanAfterCompact = await scans();
  t0 = process.hrtime.bigint();
  await tbl.delete(args.where);
  const deleteMs = ms(t0);
  console.log(JSON.stringify({ append_ms: appendMs, scan_after_appends_ms: scanAfterAppends,
    compact_ms: compactMs, scan_after_compact_ms: scanAfterCompact, delete_ms: deleteMs,
    rows: await tbl.countRows(), version: await tbl.version() }));
}

async function cmdBenchScan(args) {
  const usage = 'usage: bench-scan URI [--columns a,b] --reps R';
  const uri = args._[0] || die(usage);
  if (args.reps === undefined) die(usage);
  const reps = positiveInt(args, 'reps');
  if (args.columns === true) die(usage);
  const columns = args.columns ? args.columns.split(',') : null;
  const tbl = await openTable(uri, { storageOptions: storageOpts(args) });
  // query().execute() is the batch stream toArrow() collects, minus building the arrow.Table.
  // Each batch arrives as an IPC buffer and is decoded into arrow.Data; counting touches no values.
  let names = null;
  const scan = async () => {
    let q = tbl.query();
    if (columns) q = q.select(columns);
    let n = 0;
    for await (const b of q.execute()) {
      n += b.numRows;
      if (!names) names = b.schema.fields.map((f) => f.name);
    }
    return n;
  };
  const rows = await scan(); // warm-up (page cache, table metadata), not timed
  const seconds = [];
  for (let r = 0; r < reps; r++) {
    const t0 = process.hrtime.bigint();
    const n = await scan();
    seconds.push(Number(process.hrtime.bigint() - t0) / 1e9);
    if (n !== rows) throw new Error(`scan ${r + 1} returned ${n} rows, the warm-up ${rows}`);
  }
  if (!names) names = columns || (await tbl.schema()).fields.map((f) => f.name);
  console.log(JSON.stringify({ rows, columns: names, seconds }));
}

// ------------------------------------------------------------------------------------------
// survey: Lance file footer / column metadata / page encodings / manifest, decoded with a small
// protobuf wire-format walker. Message definitions follow the Lance protos of Nov 2025
// (protos/*.proto); fields marked !new come from later Lance protos and are printed as name[new];
// fields in neither are printed as #N.
// ------------------------------------------------------------------------------------------
const PB_SRC = {
  Empty: '',
  Any: '1 type_url string; 2 value bytes',
  'f2.ColumnMetadata': '1 encoding f2.Encoding; 2 pages f2.Page*; 3 buffer_offsets u64*; 4 buffer_sizes u64*',
  'f2.Page': '1 buffer_offsets u64*; 2 buffer_sizes u64*; 3 length u64; 4 encoding f2.Encoding; 5 priority u64',
  '|f2.Encoding': '1 indirect f2.Deferred; 2 direct f2.Direct; 3 none Empty',
  'f2.Deferred': '1 buffer_location u64; 2 buffer_length u64',
  '|f2.Direct': '1 encoding any',
  'f.FileDescriptor': '1 schema f.Schema; 2 length u64',
  'f.Schema': '1 fields f.Field*; 5 metadata map',
  'f.Field': '1 type enum:FieldType; 2 name string; 3 id i32; 4 parent_id i32; 5 logical_type string; 6 nullable bool; 7 encoding enum:FieldEncoding; 8 dictionary f.Dictionary; 9 extension_name string; 10 metadata map; 12 unenforced_primary_key bool',
  'f.Dictionary': '1 offset i64; 2 length i64',
  '|e20.ArrayEncoding': '1 flat e20.Flat; 2 nullable e20.Nullable; 3 fixed_size_list e20.FixedSizeList; 4 list e20.List; 5 struct Empty; 6 binary e20.Binary; 7 dictionary e20.Dictionary; 8 fsst e20.Fsst; 9 packed_struct e20.PackedStruct; 10 bitpacked e20.Bitpacked; 11 fixed_size_binary e20.FixedSizeBinary; 12 bitpacked_for_non_neg e20.BitpackedForNonNeg; 13 constant e20.Constant; 14 inline_bitpacking e20.InlineBitpacking; 15 out_of_line_bitpacking e20.OutOfLineBitpacking; 16 variable e20.Variable; 17 packed_struct_fixed_width_mini_block e20.PSFWMB; 18 block e20.Block; 19 rle e20.Rle; 20 general_mini_block e20.GeneralMiniBlock; 21 byte_stream_split e20.BSS',
  'e20.Buffer': '1 buffer_index u32; 2 buffer_type enum:BufferType',
  '|e20.Nullable': '1 no_nulls e20.NoNull; 2 some_nulls e20.SomeNull; 3 all_nulls Empty',
  'e20.NoNull': '1 values e20.ArrayEncoding',
  'e20.SomeNull': '1 validity e20.ArrayEncoding; 2 values e20.ArrayEncoding',
  'e20.List': '1 offsets e20.ArrayEncoding; 2 null_offset_adjustment u64; 3 num_items u64',
  'e20.FixedSizeList': '1 dimension u32; 2 items e20.ArrayEncoding; 3 has_validity bool',
  'e20.Compression': '1 scheme string; 2 level i32',
  'e20.Flat': '1 bits_per_value u64; 2 buffer e20.Buffer; 3 compression e20.Compression',
  'e20.Constant': '1 value bytes',
  'e20.Bitpacked': '1 compressed_bits_per_value u64; 2 uncompressed_bits_per_value u64; 3 buffer e20.Buffer; 4 signed bool',
  'e20.BitpackedForNonNeg': '1 compressed_bits_per_value u64; 2 uncompressed_bits_per_value u64; 3 buffer e20.Buffer',
  'e20.InlineBitpacking': '2 uncompressed_bits_per_value u64',
  'e20.OutOfLineBitpacking': '2 uncompressed_bits_per_value u64; 3 compressed_bits_per_value u64',
  'e20.Binary': '1 indices e20.ArrayEncoding; 2 bytes e20.ArrayEncoding; 3 null_adjustment u64',
  'e20.Variable': '1 bits_per_offset u32',
  'e20.Fsst': '1 binary e20.ArrayEncoding; 2 symbol_table bytes',
  'e20.Dictionary': '1 indices e20.ArrayEncoding; 2 items e20.ArrayEncoding; 3 num_dictionary_items u32',
  'e20.PackedStruct': '1 inner e20.ArrayEncoding*; 2 buffer e20.Buffer',
  'e20.PSFWMB': '1 Flat e20.ArrayEncoding; 2 bits_per_values u32*',
  'e20.FixedSizeBinary': '1 bytes e20.ArrayEncoding; 2 byte_width u32',
  'e20.Block': '1 scheme string',
  'e20.Rle': '1 bits_per_value u64',
  'e20.BSS': '1 bits_per_value u64',
  'e20.GeneralMiniBlock': '1 inner e20.ArrayEncoding; 2 compression e20.Compression',
  '|e20.ColumnEncoding': '1 values Empty; 2 zone_index e20.ZoneIndex; 3 blob e20.Blob',
  'e20.ZoneIndex': '1 rows_per_zone u32; 2 zone_map_buffer e20.Buffer; 3 inner e20.ColumnEncoding',
  'e20.Blob': '1 inner e20.ColumnEncoding',
  '|e21.PageLayout': '1 mini_block_layout e21.MiniBlockLayout; 2 all_null_layout e21.AllNullLayout; 3 full_zip_layout e21.FullZipLayout; 4 blob_layout e21.BlobLayout; 5 sparse_layout bytes !new',
  'e21.MiniBlockLayout': '1 rep_compression e21.CE; 2 def_compression e21.CE; 3 value_compression e21.CE; 4 dictionary e21.CE; 5 num_dictionary_items u64; 6 layers enum:RepDefLayer*; 7 num_buffers u64; 8 repetition_index_depth u32; 9 num_items u64; 10 has_large_chunk bool !new',
  'e21.FullZipLayout': '1 bits_rep u32; 2 bits_def u32; 3 bits_per_value u32; 4 bits_per_offset u32; 5 num_items u32; 6 num_visible_items u32; 7 value_compression e21.CE; 8 layers enum:RepDefLayer*',
  'e21.AllNullLayout': '5 layers enum:RepDefLayer*; 6 inline_value bytes !new; 7 rep_compression e21.CE !new; 8 def_compression e21.CE !new; 9 num_rep_values u64 !new; 10 num_def_values u64 !new',
  'e21.BlobLayout': '1 inner_layout e21.PageLayout; 2 layers enum:RepDefLayer*',
  'e21.BufferCompression': '1 scheme enum:CompressionScheme; 2 level i32',
  'e21.Flat': '1 bits_per_value u64; 2 data e21.BufferCompression',
  'e21.Variable': '1 offsets e21.CE; 2 values e21.BufferCompression',
  'e21.Constant': '1 value bytes',
  'e21.OutOfLineBitpacking': '1 uncompressed_bits_per_value u64; 3 values e21.CE',
  'e21.InlineBitpacking': '1 uncompressed_bits_per_value u64; 2 values e21.BufferCompression',
  'e21.Fsst': '1 symbol_table bytes; 2 values e21.CE',
  'e21.Dictionary': '1 indices e21.CE; 2 items e21.CE; 3 num_dictionary_items u32',
  'e21.Rle': '1 values e21.CE; 2 run_lengths e21.CE',
  'e21.FixedSizeList': '1 items_per_value u64; 2 values e21.CE; 3 has_validity bool',
  'e21.PackedStruct': '1 bits_per_value u64*; 2 values e21.CE',
  'e21.VariablePackedStruct': '1 fields e21.VPSField*',
  'e21.VPSField': '1 value e21.CE; 2 bits_per_value u64; 3 bits_per_length u64',
  'e21.General': '1 compression e21.BufferCompression; 3 values e21.CE',
  'e21.ByteStreamSplit': '1 values e21.CE',
  'e21.Range': '1 uncompressed_bits_per_value u64; 2 start u64; 3 step u64',
  'e21.Delta': '1 uncompressed_bits_per_value u64; 2 base u64; 3 deltas e21.CE',
  '|e21.CE': '1 flat e21.Flat; 2 variable e21.Variable; 3 constant e21.Constant; 4 out_of_line_bitpacking e21.OutOfLineBitpacking; 5 inline_bitpacking e21.InlineBitpacking; 6 fsst e21.Fsst; 7 dictionary e21.Dictionary; 8 rle e21.Rle; 9 byte_stream_split e21.ByteStreamSplit; 10 general e21.General; 11 fixed_size_list e21.FixedSizeList; 12 packed_struct e21.PackedStruct; 13 variable_packed_struct e21.VariablePackedStruct; 14 range e21.Range !new; 15 delta e21.Delta !new',
  't.Manifest': '1 fields f.Field*; 2 fragments t.DataFragment*; 3 version u64; 4 version_aux_data u64; 5 schema_metadata map; 6 index_section u64; 7 timestamp t.Timestamp; 8 tag string; 9 reader_feature_flags u64; 10 writer_feature_flags u64; 11 max_fragment_id u32; 12 transaction_file string; 13 writer_version t.WriterVersion; 14 next_row_id u64; 15 data_format t.DataStorageFormat; 16 config map; 18 base_paths t.BasePath*; 19 table_metadata map; 20 branch string; 21 transaction_section u64',
  't.Timestamp': '1 seconds i64; 2 nanos i32',
  't.WriterVersion': '1 library string; 2 version string; 3 prerelease string; 4 build_metadata string',
  't.DataStorageFormat': '1 file_format string; 2 version string',
  't.BasePath': '1 id u32; 2 name string; 3 is_dataset_root bool; 4 path string',
  't.DataFragment': '1 id u64; 2 files t.DataFile*; 3 deletion_file t.DeletionFile; 4 physical_rows u64; 5 inline_row_ids bytes; 6 external_row_ids t.ExternalFile; 7 inline_last_updated_at_versions bytes; 8 external_last_updated_at_versions t.ExternalFile; 9 inline_created_at_versions bytes; 10 external_created_at_versions t.ExternalFile',
  't.DataFile': '1 path string; 2 fields i32*; 3 column_indices i32*; 4 file_major_version u32; 5 file_minor_version u32; 6 file_size_bytes u64; 7 base_id u32',
  't.DeletionFile': '1 file_type enum:DeletionFileType; 2 read_version u64; 3 id u64; 4 num_deleted_rows u64; 7 base_id u32',
  't.ExternalFile': '1 path string; 2 offset u64; 3 size u64',
  't.IndexSection': '1 indices t.IndexMetadata*',
  't.IndexMetadata': '1 uuid t.UUID; 2 fields i32*; 3 name string; 4 dataset_version u64; 5 fragment_bitmap bytes; 6 index_details any; 7 index_version i32; 8 created_at u64; 9 base_id u32; 10 files t.IndexFile* !new',
  't.IndexFile': '1 path string; 2 size_bytes u64',
  't.UUID': '1 uuid bytes',
  't.Transaction': '1 read_version u64; 2 uuid string; 3 tag string; 4 transaction_properties map; 100 append t.TxAppend; 101 delete t.TxDelete; 102 overwrite t.TxOverwrite; 103 create_index t.TxCreateIndex; 104 rewrite t.TxRewrite; 105 merge t.TxMerge; 106 restore t.TxRestore; 107 reserve_fragments t.TxReserve; 108 update t.TxUpdate; 109 project t.TxProject; 110 update_config bytes; 111 data_replacement bytes; 112 update_mem_wal_state bytes; 113 clone bytes; 114 update_bases bytes',
  't.TxAppend': '1 fragments t.DataFragment*',
  't.TxDelete': '1 updated_fragments t.DataFragment*; 2 deleted_fragment_ids u64*; 3 predicate string',
  't.TxOverwrite': '1 fragments t.DataFragment*; 2 schema f.Field*; 3 schema_metadata map; 4 config_upsert_values map; 5 initial_bases t.BasePath*',
  't.TxCreateIndex': '1 new_indices t.IndexMetadata*; 2 removed_indices t.IndexMetadata*',
  't.TxRewrite': '1 old_fragments t.DataFragment*; 2 new_fragments t.DataFragment*; 3 groups t.TxRewriteGroup*; 4 rewritten_indices t.TxRewrittenIndex*',
  't.TxRewriteGroup': '1 old_fragments t.DataFragment*; 2 new_fragments t.DataFragment*',
  't.TxRewrittenIndex': '1 old_id t.UUID; 2 new_id t.UUID; 3 new_index_details any; 4 new_index_version u32; 5 new_index_files t.IndexFile* !new',
  't.TxMerge': '1 fragments t.DataFragment*; 2 schema f.Field*; 3 schema_metadata map',
  't.TxRestore': '1 version u64',
  't.TxReserve': '1 num_fragments u32',
  't.TxUpdate': '1 removed_fragment_ids u64*; 2 updated_fragments t.DataFragment*; 3 new_fragments t.DataFragment*; 4 fields_modified u32*; 6 fields_for_preserving_frag_bitmap u32*; 7 update_mode u32',
  't.TxProject': '1 schema f.Field*',
};
const PB_ENUMS = {
  FieldType: ['PARENT', 'REPEATED', 'LEAF'],
  FieldEncoding: ['NONE', 'PLAIN', 'VAR_BINARY', 'DICTIONARY', 'RLE'],
  BufferType: ['page', 'column', 'file'],
  RepDefLayer: ['UNSPECIFIED', 'ALL_VALID_ITEM', 'ALL_VALID_LIST', 'NULLABLE_ITEM', 'NULLABLE_LIST', 'EMPTYABLE_LIST', 'NULL_AND_EMPTY_LIST'],
  CompressionScheme: ['UNSPECIFIED', 'LZ4', 'ZSTD'],
  DeletionFileType: ['ARROW_ARRAY', 'BITMAP'],
};
const ANY_TYPES = {
  '/lance.encodings.ArrayEncoding': 'e20.ArrayEncoding',
  '/lance.encodings.ColumnEncoding': 'e20.ColumnEncoding',
  '/lance.encodings21.PageLayout': 'e21.PageLayout',
};
const PB = {};
for (const [key, src] of Object.entries(PB_SRC)) {
  const wrapper = key.startsWith('|');
  const name = wrapper ? key.slice(1) : key;
  const fields = {};
  for (const part of src.split(';').map((s) => s.trim()).filter(Boolean)) {
    const [num, fname, kindRaw, flag] = part.split(/\s+/);
    const repeated = kindRaw.endsWith('*');
    fields[num] = { name: fname, kind: repeated ? kindRaw.slice(0, -1) : kindRaw, repeated, isNew: flag === '!new' };
  }
  PB[name] = { name, wrapper, fields };
}

function pbVarint(buf, pos) {
  let result = 0n, shift = 0n;
  for (;;) {
    if (pos >= buf.length) throw new Error('truncated varint');
    const b = buf[pos++];
    result |= BigInt(b & 0x7f) << shift;
    if (!(b & 0x80)) break;
    shift += 7n;
    if (shift > 70n) throw new Error('varint too long');
  }
  return [result, pos];
}
const bigToNum = (b) => (b <= BigInt(Number.MAX_SAFE_INTEGER) && b >= -BigInt(Number.MAX_SAFE_INTEGER) ? Number(b) : b);

// Returns a list of [fieldNumber, wireType, value] (value: BigInt for varint/fixed, Uint8Array for
// length-delimited); throws on malformed input.
function pbFields(buf) {
  const out = [];
  let pos = 0;
  while (pos < buf.length) {
    let key; [key, pos] = pbVarint(buf, pos);
    const num = Number(key >> 3n), wt = Number(key & 7n);
    if (num === 0) throw new Error('field number 0');
    if (wt === 0) { let v; [v, pos] = pbVarint(buf, pos); out.push([num, wt, v]); }
    else if (wt === 1) { if (pos + 8 > buf.length) throw new Error('truncated'); out.push([num, wt, Buffer.from(buf.buffer, buf.byteOffset + pos, 8).readBigUInt64LE()]); pos += 8; }
    else if (wt === 5) { if (pos + 4 > buf.length) throw new Error('truncated'); out.push([num, wt, BigInt(Buffer.from(buf.buffer, buf.byteOffset + pos, 4).readUInt32LE())]); pos += 4; }
    else if (wt === 2) { let len; [len, pos] = pbVarint(buf, pos); const l = Number(len); if (pos + l > buf.length) throw new Error('truncated bytes'); out.push([num, wt, buf.subarray(pos, pos + l)]); pos += l; }
    else throw new Error(`unsupported wire type ${wt}`);
  }
  return out;
}

const SCALARS = new Set(['u64', 'u32', 'i32', 'i64', 'bool', 'string', 'bytes', 'map', 'any']);

function pbScalar(kind, wt, v) {
  if (kind.startsWith('enum:')) { const names = PB_ENUMS[kind.slice(5)]; const n = Number(v); return (names && names[n]) || `${kind.slice(5)}(${n})`; }
  switch (kind) {
    case 'u64': case 'u32': return bigToNum(v);
    case 'i32': return Number(BigInt.asIntN(32, v));
    case 'i64': return bigToNum(BigInt.asIntN(64, v));
    case 'bool': return v !== 0n;
  }
  return bigToNum(v);
}

function decodeUnknown(buf) {
  // try as a message; fall back to bytes/string
  try {
    const fields = pbFields(buf);
    if (fields.length === 0) return buf.length ? buf : {};
    const o = {};
    for (const [num, wt, v] of fields) {
      const val = wt === 2 ? decodeUnknown(v) : bigToNum(v);
      const k = `#${num}`;
      if (k in o) { if (!Array.isArray(o[k]) || !o[k].__rep) { o[k] = Object.assign([o[k]], { __rep: true }); } o[k].push(val); } else o[k] = val;
    }
    return o;
  } catch { return buf; }
}

export function pbDecode(buf, typeName) {
  const def = PB[typeName];
  if (!def) throw new Error(`no protobuf definition for ${typeName}`);
  const obj = {};
  Object.defineProperty(obj, '__def', { value: def, enumerable: false });
  for (const [num, wt, v] of pbFields(buf)) {
    const fd = def.fields[num];
    if (!fd) {
      const val = wt === 2 ? decodeUnknown(v) : bigToNum(v);
      const k = `#${num}`;
      if (k in obj) { obj[k] = [].concat(obj[k], [val]); } else obj[k] = val;
      continue;
    }
    const key = fd.isNew ? `${fd.name}[new]` : fd.name;
    let vals;
    if (fd.kind === 'string') vals = [Buffer.from(v).toString('utf8')];
    else if (fd.kind === 'bytes') vals = [v];
    else if (fd.kind === 'map') {
      const kv = pbFields(v);
      const k = kv.find((f) => f[0] === 1), x = kv.find((f) => f[0] === 2);
      const keyS = k ? Buffer.from(k[2]).toString('utf8') : '';
      const valB = x ? x[2] : new Uint8Array(0);
      const valS = Buffer.from(valB).toString('utf8');
      vals = [[keyS, /^[\x20-\x7e\n\t]*$/.test(valS) ? valS : valB]];
    } else if (fd.kind === 'any') {
      const a = pbDecode(v, 'Any');
      const tname = ANY_TYPES[a.type_url];
      const inner = tname && a.value ? pbDecode(a.value, tname) : tname ? pbDecode(new Uint8Array(0), tname) : decodeUnknown(a.value || new Uint8Array(0));
      vals = [{ __any: a.type_url, value: inner }];
    } else if (!SCALARS.has(fd.kind) && !fd.kind.startsWith('enum:')) {
      if (wt !== 2) throw new Error(`${typeName}.${fd.name}: expected a message`);
      vals = [pbDecode(v, fd.kind)];
    } else if (wt === 2) { // packed scalars
      vals = [];
      let p = 0;
      while (p < v.length) { let x; [x, p] = pbVarint(v, p); vals.push(pbScalar(fd.kind, 0, x)); }
    } else vals = [pbScalar(fd.kind, wt, v)];
    if (fd.kind === 'map') {
      if (!(key in obj)) obj[key] = {};
      for (const [k, x] of vals) obj[key][k] = x;
    } else if (fd.repeated) {
      if (!(key in obj)) obj[key] = [];
      obj[key].push(...vals);
    } else obj[key] = vals[vals.length - 1];
  }
  return obj;
}

function hex(u8, max = 32) {
  const s = Buffer.from(u8.buffer, u8.byteOffset, Math.min(u8.length, max)).toString('hex');
  return s + (u8.length > max ? '…' : '');
}

// compact one-line rendering
export function pbFormat(v) {
  if (v === null || v === undefined) return 'null';
  if (typeof v === 'bigint') return v.toString();
  if (typeof v === 'string') return JSON.stringify(v);
  if (typeof v !== 'object') return String(v);
  if (v instanceof Uint8Array) return `<${v.length}B ${hex(v, 24)}>`;
  if (Array.isArray(v)) {
    if (v.length > 24 && v.every((x) => typeof x === 'number')) return `[${v.slice(0, 20).join(',')},… (${v.length})]`;
    return '[' + v.map(pbFormat).join(',') + ']';
  }
  if ('__any' in v) return `Any(${v.__any})` + pbFormat(v.value);
  const keys = Object.keys(v);
  const def = v.__def;
  if (def && def.wrapper && keys.length === 1) {
    const inner = v[keys[0]];
    const s = pbFormat(inner);
    return keys[0] + (s.startsWith('{') ? s : `{${s}}`);
  }
  return '{' + keys.map((k) => `${k}=${pbFormat(v[k])}`).join(' ') + '}';
}

function pbToJson(v) {
  if (typeof v === 'bigint') return v.toString();
  if (v instanceof Uint8Array) return { bytes: v.length, hex: hex(v, 64) };
  if (Array.isArray(v)) return v.map(pbToJson);
  if (v && typeof v === 'object') {
    if ('__any' in v) return { type_url: v.__any, value: pbToJson(v.value) };
    const o = {};
    for (const k of Object.keys(v)) o[k] = pbToJson(v[k]);
    return o;
  }
  return v;
}

// --- Lance file ------------------------------------------------------------------------------
export function parseLanceFile(buf) {
  if (buf.length < 40) throw new Error('file too small for a Lance footer');
  const dv = Buffer.from(buf.buffer, buf.byteOffset, buf.length);
  const f = buf.length - 40;
  const magic = dv.toString('latin1', f + 36, f + 40);
  if (magic !== 'LANC') throw new Error(`bad magic ${JSON.stringify(magic)}`);
  const footer = {
    column_meta_start: Number(dv.readBigUInt64LE(f)), cmo_table: Number(dv.readBigUInt64LE(f + 8)),
    gbo_table: Number(dv.readBigUInt64LE(f + 16)), num_global_buffers: dv.readUInt32LE(f + 24),
    num_columns: dv.readUInt32LE(f + 28), major: dv.readUInt16LE(f + 32), minor: dv.readUInt16LE(f + 34),
  };
  const gbs = [];
  for (let k = 0; k < footer.num_global_buffers; k++) gbs.push({ pos: Number(dv.readBigUInt64LE(footer.gbo_table + 16 * k)), size: Number(dv.readBigUInt64LE(footer.gbo_table + 16 * k + 8)) });
  const cmos = [];
  for (let k = 0; k < footer.num_columns; k++) cmos.push({ pos: Number(dv.readBigUInt64LE(footer.cmo_table + 16 * k)), size: Number(dv.readBigUInt64LE(footer.cmo_table + 16 * k + 8)) });
  const descriptor = gbs.length ? pbDecode(buf.subarray(gbs[0].pos, gbs[0].pos + gbs[0].size), 'f.FileDescriptor') : null;
  const columns = cmos.map((c) => pbDecode(buf.subarray(c.pos, c.pos + c.size), 'f2.ColumnMetadata'));
  return { footer, global_buffers: gbs, column_metadata: cmos, descriptor, columns };
}

function versionName(major, minor) {
  if (major === 0 && minor === 3) return '2.0';
  if (major === 0) return `legacy-v1(0.${minor})`;
  return `${major}.${minor}`;
}

// --- manifests --------------------------------------------------------------------------------
function listManifests(tableDir) {
  const vdir = path.join(tableDir, '_versions');
  if (!fs.existsSync(vdir)) return [];
  const out = [];
  for (const nm of fs.readdirSync(vdir)) {
    const m = /^(d?)(\d+)\.manifest$/.exec(nm);
    if (!m || m[1]) continue;
    const stem = BigInt(m[2]);
    const version = m[2].length === 20 ? (2n ** 64n - 1n) - stem : stem;
    out.push({ file: path.join(vdir, nm), name: nm, version: Number(version), scheme: m[2].length === 20 ? 'V2' : 'V1' });
  }
  return out.sort((a, b) => a.version - b.version);
}

export function parseManifest(buf) {
  const dv = Buffer.from(buf.buffer, buf.byteOffset, buf.length);
  const n = buf.length;
  if (dv.toString('latin1', n - 4, n) !== 'LANC') throw new Error('manifest: bad magic');
  const pos = Number(dv.readBigInt64LE(n - 16));
  const major = dv.readUInt16LE(n - 8), minor = dv.readUInt16LE(n - 6);
  const len = dv.readUInt32LE(pos);
  const manifest = pbDecode(buf.subarray(pos + 4, pos + 4 + len), 't.Manifest');
  const res = { size: n, manifest_pos: pos, footer_major: major, footer_minor: minor, manifest_len: len, len_check: len === n - pos - 20, manifest };
  const sect = (off, type) => { const l = dv.readUInt32LE(off); return pbDecode(buf.subarray(off + 4, off + 4 + l), type); };
  if (manifest.transaction_section !== undefined) res.transaction = sect(manifest.transaction_section, 't.Transaction');
  if (manifest.index_section !== undefined) res.index_section = sect(manifest.index_section, 't.IndexSection');
  return res;
}

// --- mini-block chunk metadata ------------------------------------------------------------------
function chunkSummary(buf, page, layout, hexBytes) {
  // chunk metadata = buffer 0; word width 2 bytes (4 with has_large_chunk, see docs)
  const b0 = buf.subarray(page.buffer_offsets[0], page.buffer_offsets[0] + page.buffer_sizes[0]);
  const large = !!layout['has_large_chunk[new]'];
  const w = large ? 4 : 2;
  const dv = Buffer.from(b0.buffer, b0.byteOffset, b0.length);
  const words = [];
  for (let p = 0; p + w <= b0.length; p += w) words.push(w === 2 ? dv.readUInt16LE(p) : dv.readUInt32LE(p));
  const chunks = words.map((x) => ({ bytes: ((x >>> 4) + 1) * 8, log2: x & 0xf }));
  const sizes = chunks.map((c) => c.bytes);
  const total = sizes.reduce((a, b) => a + b, 0);
  const lines = [`chunks(word=${w}B)=${chunks.length} bytes_sum=${total} buf1=${page.buffer_sizes[1]} values/chunk=${[...new Set(chunks.map((c) => (c.log2 ? 1 << c.log2 : 'rest')))].join('|')} sizes[min/max]=${Math.min(...sizes)}/${Math.max(...sizes)}`];
  if (hexBytes) {
    const b1 = buf.subarray(page.buffer_offsets[1], page.buffer_offsets[1] + Math.min(page.buffer_sizes[1], hexBytes));
    lines.push(`chunk0 head: ${hex(b1, hexBytes)}`);
  }
  return lines;
}

async function cmdSurvey(args) {
  let target = args._[0] || die('usage: survey TABLEDIR|FILE.lance [--brief] [--json] [--hex N] [--chunks] [--all-manifests]');
  if (fs.existsSync(path.join(target, 'table.lance')) && !fs.existsSync(path.join(target, '_versions'))) target = path.join(target, 'table.lance');
  const st = fs.statSync(target);
  const hexN = args.hex ? Number(args.hex) : 0;
  const out = { table: target, manifests: [], files: [] };
  let files = [];
  let fieldsById = new Map();
  if (st.isDirectory()) {
    const ms = listManifests(target);
    if (!ms.length) die(`${target}: no _versions/*.manifest found`);
    const chosen = args['all-manifests'] ? ms : [ms[ms.length - 1]];
    for (const m of chosen) {
      const pm = parseManifest(fs.readFileSync(m.file));
      out.manifests.push({ file: m.name, version: m.version, scheme: m.scheme, ...pm });
    }
    const latest = out.manifests[out.manifests.length - 1].manifest;
    for (const f of latest.fields || []) fieldsById.set(f.id || 0, f);
    for (const frag of latest.fragments || []) for (const df of frag.files || []) files.push({ path: path.join(target, 'data', df.path), frag: frag.id || 0, df });
  } else files = [{ path: target, frag: null, df: null }];

  for (const f of files) {
    const buf = new Uint8Array(fs.readFileSync(f.path));
    const info = parseLanceFile(buf);
    if (info.descriptor && !fieldsById.size) for (const fl of info.descriptor.schema?.fields || []) fieldsById.set(fl.id || 0, fl);
    const colToField = new Map();
    if (f.df) (f.df.column_indices || []).forEach((c, k) => colToField.set(c, f.df.fields[k]));
    else if (info.descriptor) {
      // without a manifest: 2.1+ has columns for leaf fields only (not exact for all layouts)
      (info.descriptor.schema?.fields || []).forEach((fl, k) => colToField.set(k, fl.id || 0));
    }
    const fileRec = { path: path.relative(target, f.path) || path.basename(f.path), fragment: f.frag, size: buf.length, version: versionName(info.footer.major, info.footer.minor), ...info, pages_hex: [] };
    fileRec.column_fields = info.columns.map((_, c) => colToField.get(c));
    if (hexN || args.chunks) {
      info.columns.forEach((col, c) => (col.pages || []).forEach((p, k) => {
        const layout = p.encoding?.direct?.encoding?.value;
        const extra = [];
        if (args.chunks && layout && layout.mini_block_layout && p.buffer_sizes && p.buffer_sizes.length >= 2) extra.push(...chunkSummary(buf, p, layout.mini_block_layout, hexN));
        else if (hexN) (p.buffer_offsets || []).forEach((off, b) => extra.push(`buf${b}: ${hex(buf.subarray(off, off + Math.min(p.buffer_sizes[b], hexN)), hexN)}`));
        fileRec.pages_hex.push({ column: c, page: k, lines: extra });
      }));
    }
    out.files.push(fileRec);
  }

  if (args.json) { console.log(JSON.stringify(pbToJson(out), null, 1)); return; }
  const P = (s) => process.stdout.write(s + '\n');
  P(`table ${out.table}`);
  if (args.brief) {
    for (const m of out.manifests) {
      const mf = m.manifest;
      P(`manifest ${m.file} v${m.version} data_format=${mf.data_format?.version} writer=${mf.writer_version?.library}/${mf.writer_version?.version} fragments=${(mf.fragments || []).map((f) => `${f.id || 0}:${f.physical_rows}rows/${(f.files || []).length}file(s)`).join(',')}`);
    }
  }
  for (const m of args.brief ? [] : out.manifests) {
    const mf = m.manifest;
    P(`manifest ${m.file} (${m.scheme}, version ${m.version}, ${m.size} B, footer ${m.footer_major}.${m.footer_minor}, manifest_pos ${m.manifest_pos}, len ok: ${m.len_check})`);
    const { fields, fragments, ...rest } = mf;
    P(`  ${pbFormat(rest)}`);
    for (const fl of fields || []) P(`  field ${pbFormat(fl)}`);
    for (const fr of fragments || []) P(`  fragment ${pbFormat(fr)}`);
    if (m.transaction) P(`  transaction ${pbFormat(m.transaction)}`);
    if (m.index_section) P(`  index_section ${pbFormat(m.index_section)}`);
  }
  if (args.brief) {
    // one line per column: pages, rows per page, and the distinct page encodings
    for (const fr of out.files) {
      P(`file ${fr.path} ${fr.version} (${fr.size} B, ${fr.footer.num_columns} columns, rows=${fr.descriptor?.length ?? '?'})`);
      fr.columns.forEach((col, c) => {
        const fid = fr.column_fields[c];
        const fl = fid !== undefined ? fieldsById.get(fid) : undefined;
        const pages = col.pages || [];
        const encs = [...new Set(pages.map((p) => pbFormat(p.encoding?.direct?.encoding?.value ?? p.encoding)))];
        const rows = pages.map((p) => p.length ?? 0);
        const bytes = pages.map((p) => (p.buffer_sizes || []).reduce((a, b) => a + b, 0));
        P(`  col ${c} ${fl ? `${fl.name}:${fl.logical_type}` : `field ${fid}`} pages=${pages.length} rows=[${rows.join(',')}] bytes=[${bytes.join(',')}]`);
        for (const e of encs) P(`    ${e}`);
      });
    }
    return;
  }
  for (const fr of out.files) {
    const ft = fr.footer;
    P(`file ${fr.path} (fragment ${fr.fragment}, ${fr.size} B): footer major=${ft.major} minor=${ft.minor} => ${fr.version}; columns=${ft.num_columns} global_buffers=${ft.num_global_buffers} column_meta_start=${ft.column_meta_start} cmo_table=${ft.cmo_table} gbo_table=${ft.gbo_table}`);
    P(`  global buffers: ${fr.global_buffers.map((g) => `@${g.pos}+${g.size}`).join(' ')}; rows=${fr.descriptor?.length ?? '?'}`);
    for (const fl of fr.descriptor?.schema?.fields || []) P(`  schema field ${pbFormat(fl)}`);
    if (fr.descriptor?.schema?.metadata) P(`  schema metadata ${pbFormat(fr.descriptor.schema.metadata)}`);
    fr.columns.forEach((col, c) => {
      const fid = fr.column_fields[c];
      const fl = fid !== undefined ? fieldsById.get(fid) : undefined;
      const cm = fr.column_metadata[c];
      P(`  column ${c} -> field ${fid ?? '?'} ${fl ? `${fl.name} (${fl.logical_type})` : ''}: meta @${cm.pos}+${cm.size} encoding=${pbFormat(col.encoding)} pages=${(col.pages || []).length}` +
        (col.buffer_offsets ? ` column_buffers=[${col.buffer_offsets.map((o, b) => `@${o}+${col.buffer_sizes[b]}`).join(' ')}]` : ''));
      (col.pages || []).forEach((p, k) => {
        const bufs = (p.buffer_offsets || []).map((o, b) => `@${o}+${p.buffer_sizes[b]}`).join(' ');
        P(`    page ${k}: rows=${p.length ?? 0} priority=${p.priority ?? 0} buffers=[${bufs}]`);
        P(`      ${pbFormat(p.encoding)}`);
        const h = fr.pages_hex.find((x) => x.column === c && x.page === k);
        if (h) for (const l of h.lines) P(`      ${l}`);
      });
    });
  }
}

// ------------------------------------------------------------------------------------------
// CLI
// ------------------------------------------------------------------------------------------
function parseArgs(argv) {
  const args = { _: [] };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a.startsWith('--')) {
      const eq = a.indexOf('=');
      if (eq > 0) { args[a.slice(2, eq)] = a.slice(eq + 1); continue; }
      const k = a.slice(2);
      const next = argv[i + 1];
      if (next === undefined || (next.startsWith('--') && !/^--?\d/.test(next))) args[k] = true;
      else { args[k] = next; i++; }
    } else if (a === '-k') { args.k = argv[++i]; }
    else args._.push(a);
  }
  return args;
}

const USAGE = `usage: node lancedb_tool.mjs COMMAND ...
  gen OUTDIR [--only NAME[,NAME]] [--versions 2.0,2.1,2.2] [--no-verify]   write the named test tables
  list-cases                                                             print the case names
  dump URI [--version N] [--columns a,b] [--where P] [--with-rowid]      rows as JSONL (stdout), {"count"} (stderr)
  schema URI                                                             table schema in our schema JSON
  search URI --column C --vector JSON -k K [--nprobes N] [--refine R] [--where P] [--distance D] [--bypass-index]
  write URI --schema schema.json --input rows.jsonl [--version 2.2] [--batch 8192] [--mode create|overwrite]
  append URI --input rows.jsonl [--schema schema.json]
  delete URI --where PRED
  compact URI [--cleanup]                                                table.optimize()
  index URI --column C [--partitions P] [--sub-vectors M] [--distance l2|cosine|dot]
  survey TABLEDIR|FILE.lance [--brief] [--json] [--hex N] [--chunks] [--all-manifests]
  gen-bench URI --rows N --dim D [--version 2.2] [--seed S] [--batch 8192]   benchmark table, {"rows","seconds"}
  bench-scan URI [--columns a,b] --reps R                                 timed full scans, {"rows","columns","seconds"}
URI is a table directory ending in .lance (its parent is the database). --storage-options JSON is
passed to connect() by every table command (dump, dump-all, schema, search, write, append,
append-each, delete, compact, tag, restore, cleanup, versions, ops, index, gen-bench, bench-scan),
e.g. '{"aws_endpoint":"http://127.0.0.1:P","aws_access_key_id":"K","aws_secret_access_key":"S",
"region":"us-east-1","allow_http":"true"}' for an s3:// URI.`;

async function main() {
  const [cmd, ...rest] = process.argv.slice(2);
  const args = parseArgs(rest);
  const cmds = {
    gen: cmdGen, dump: cmdDump, schema: cmdSchema, search: cmdSearch, write: cmdWrite, append: cmdAppend,
    delete: cmdDelete, compact: cmdCompact, tag: cmdTag, restore: cmdRestore, cleanup: cmdCleanup,
    versions: cmdVersions, 'append-each': cmdAppendEach, 'bench-table': cmdBenchTable, 'dump-all': cmdDumpAll, ops: cmdOps, index: cmdIndex, survey: cmdSurvey,
    'gen-bench': cmdGenBench, 'bench-scan': cmdBenchScan,
    'list-cases': async () => { for (const c of cases()) console.log(`${c.name}\t${c.doc}`); },
  };
  if (!cmd || cmd === '-h' || cmd === '--help' || cmd === 'help') { console.log(USAGE); return; }
  if (!cmds[cmd]) { console.error(`unknown command ${JSON.stringify(cmd)}\n${USAGE}`); process.exit(2); }
  await cmds[cmd](args);
}

const isMain = import.meta.url === `file://${process.argv[1]}` || (process.argv[1] && import.meta.url.endsWith(path.basename(process.argv[1])));
if (isMain) {
  main().catch((e) => {
    if (e instanceof UsageError || !process.env.LANCEDB_TOOL_DEBUG) console.error(`error: ${e && e.message ? e.message : e}`);
    else console.error(`error: ${e && e.stack ? e.stack : e}`);
    process.exit(e instanceof UsageError ? 2 : 1);
  });
}
