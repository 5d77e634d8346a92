// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The lancet authors
//
// LanceDB's side of bench/s3_requests.cc (issue 4, acceptance 4): on the lancet S3 test server
// (s3rver behind tests/s3/s3_proxy.mjs), create a table of id + vectors read from a raw
// little-endian float32 file, build an IVF_PQ index, then with `latency_ms` injected per request
// measure: open latest, flat search k=10 (index bypassed), warm indexed search k=10, one-row
// append on the open table. Each measured repetition resets the proxy's counters first and
// reads them after, so the numbers are the server's: requests, sequential round trips, and the
// log of requests (kind, key, range) of the last repetition. Prints one JSON object on stdout.
//
//   node lancedb_s3_requests.mjs --endpoint http://127.0.0.1:P --bucket B --prefix P
//     --vectors FILE --queries FILE --rows N --dim D [--partitions 64] [--sub-vectors 32]
//     [--reps 5] [--latency-ms 20] [--access-key-id K] [--secret-access-key S]
import fs from 'node:fs';

function parseArgs(argv) {
  const args = {};
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (!a.startsWith('--')) throw new Error(`unexpected argument ${a}`);
    args[a.slice(2)] = argv[++i];
  }
  return args;
}

const args = parseArgs(process.argv.slice(2));
for (const need of ['endpoint', 'bucket', 'prefix', 'vectors', 'queries', 'rows', 'dim']) {
  if (args[need] === undefined) {
    console.error(`missing --${need}`);
    process.exit(2);
  }
}
const rows = Number(args.rows);
const dim = Number(args.dim);
const reps = Number(args.reps ?? 5);
const latencyMs = Number(args['latency-ms'] ?? 20);
const control = args.endpoint.replace(/\/+$/, '') + '/__lancet/';

const lancedb = await import('@lancedb/lancedb');
const arrow = await import('apache-arrow');

const storageOptions = {
  aws_endpoint: args.endpoint,
  aws_access_key_id: args['access-key-id'] ?? 'S3RVER',
  aws_secret_access_key: args['secret-access-key'] ?? 'S3RVER',
  region: 'us-east-1',
  allow_http: 'true',
};
const dbUri = `s3://${args.bucket}/${args.prefix}`;
const connect = () => lancedb.connect(dbUri, { storageOptions });

const schema = new arrow.Schema([
  new arrow.Field('id', new arrow.Int64(), false),
  new arrow.Field('vector',
                  new arrow.FixedSizeList(dim, new arrow.Field('item', new arrow.Float32(), true)),
                  false),
]);

function makeTable(ids, floats) {
  const n = ids.length;
  const idData = arrow.makeData({ type: new arrow.Int64(), length: n, nullCount: 0, data: ids });
  const values = arrow.makeData({ type: new arrow.Float32(), length: n * dim, nullCount: 0,
                                  data: floats });
  const vecData = arrow.makeData({ type: schema.fields[1].type, length: n, nullCount: 0,
                                   child: values });
  const struct = arrow.makeData({ type: new arrow.Struct(schema.fields), length: n, nullCount: 0,
                                  children: [idData, vecData] });
  return new arrow.Table(schema, new arrow.RecordBatch(schema, struct));
}

async function controlCall(path, body) {
  const r = await fetch(control + path, body === undefined ? {} :
                        { method: 'POST', body: JSON.stringify(body) });
  if (!r.ok) throw new Error(`${path}: HTTP ${r.status}`);
  return r.json();
}

// Run fn `reps` times, each with fresh server counters; collect per-repetition numbers.
async function measure(fn, n = reps) {
  const out = { requests: [], round_trips: [], ms: [], log: [] };
  for (let i = 0; i < n; i++) {
    await controlCall('reset', {});
    const t0 = process.hrtime.bigint();
    await fn(i);
    out.ms.push(Number(process.hrtime.bigint() - t0) / 1e6);
    const s = await controlCall('stats');
    out.requests.push(s.requests);
    out.round_trips.push(s.sequential_round_trips);
    out.log = s.requests_log.map(({ kind, key, range, round_trip }) =>
      ({ kind, key, range, round_trip }));
  }
  return out;
}

const buf = fs.readFileSync(args.vectors);
if (buf.length !== rows * dim * 4) throw new Error(`${args.vectors}: expected ${rows * dim * 4} bytes`);
const floats = new Float32Array(buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.length));
const ids = BigInt64Array.from({ length: rows }, (_, i) => BigInt(i));
const queries = JSON.parse(fs.readFileSync(args.queries, 'utf8')).map(q => Float32Array.from(q));

// Setup without latency.
await controlCall('faults', {});
const setupDb = await connect();
const t0 = process.hrtime.bigint();
const created = await setupDb.createTable('lancedb_bench', makeTable(ids, floats), { mode: 'overwrite' });
const createSeconds = Number(process.hrtime.bigint() - t0) / 1e9;
const t1 = process.hrtime.bigint();
await created.createIndex('vector', {
  config: lancedb.Index.ivfPq({ numPartitions: Number(args.partitions ?? 64),
                                numSubVectors: Number(args['sub-vectors'] ?? 32),
                                distanceType: 'l2' }),
});
const indexSeconds = Number(process.hrtime.bigint() - t1) / 1e9;

await controlCall('faults', { latency_ms: latencyMs });
const result = { system: 'lancedb', latency_ms: latencyMs, create_seconds: createSeconds,
                 index_seconds: indexSeconds, ops: {} };
try {
  // Open latest: a fresh connection each time (so nothing is cached), only openTable timed.
  const conns = [];
  for (let i = 0; i < reps; i++) conns.push(await connect());
  result.ops.open = await measure(async i => { await conns[i].openTable('lancedb_bench'); });

  const db = await connect();
  const tbl = await db.openTable('lancedb_bench');
  result.ops.flat_search = await measure(async i => {
    await tbl.search(queries[i % queries.length]).bypassVectorIndex().limit(10).toArrow();
  });
  await tbl.search(queries[0]).limit(10).toArrow();  // warm-up: the index is loaded
  result.ops.indexed_search = await measure(async i => {
    await tbl.search(queries[(i + 1) % queries.length]).limit(10).toArrow();
  });
  let next = rows;
  result.ops.append = await measure(async () => {
    const row = makeTable(BigInt64Array.of(BigInt(next)), floats.slice(0, dim));
    next++;
    await tbl.add(row);
  });
  result.final_rows = await tbl.countRows();
} finally {
  await controlCall('faults', {});
}
console.log(JSON.stringify(result));
