#!/usr/bin/env node
// lancedb_vector.mjs — vector-search commands on the pinned LanceDB (npm @lancedb/lancedb 0.39.0)
// for lancet's vector interop tests and benchmark (tests/integration/vector_interop_test.cc,
// bench/vector_search_bench.cc). Output is JSON on stdout; errors go to stderr with exit 1
// (2 for usage errors).
//
//   index URI --column C [--partitions P] [--sub-vectors M] [--distance l2|cosine|dot]
//         [--max-iters N] [--sample-rate N]              -> {"seconds", "indices": [...]}
//   indices URI                                           -> listIndices() + stats
//   search URI --column C --queries FILE -k K [--nprobes N] [--refine R] [--where P]
//         [--postfilter] [--distance D] [--bypass-index] [--reps R]
//       FILE holds a JSON array of query vectors. Prints one JSON line per query:
//       {"ids": [row ids], "distances": [...], "seconds": [t per rep]} (warm-up run first when
//       --reps is given).
import fs from 'node:fs';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
require('apache-arrow');  // the same CJS instance LanceDB uses
if (process.env.LANCEDB_LOG === undefined) process.env.LANCEDB_LOG = 'error';

class UsageError extends Error {}
const die = (m) => { throw new UsageError(m); };

function parseArgs(argv) {
  const args = { _: [] };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '-k') { args.k = argv[++i]; continue; }
    if (a.startsWith('--')) {
      const k = a.slice(2);
      const next = argv[i + 1];
      if (next === undefined || next.startsWith('--')) args[k] = true;
      else { args[k] = next; i++; }
    } else args._.push(a);
  }
  return args;
}

async function openTable(uri) {
  const u = uri.replace(/\/+$/, '');
  const k = u.lastIndexOf('/');
  const base = u.slice(k + 1);
  if (!base.endsWith('.lance')) die(`table URI must end in .lance: ${uri}`);
  const lancedb = await import('@lancedb/lancedb');
  const db = await lancedb.connect(k > 0 ? u.slice(0, k) : '.');
  return { lancedb, tbl: await db.openTable(base.slice(0, -'.lance'.length)) };
}

async function cmdIndex(args) {
  const uri = args._[0];
  if (!uri || !args.column) die('usage: index URI --column C [--partitions P] [--sub-vectors M] [--distance D]');
  const { lancedb, tbl } = await openTable(uri);
  const cfg = { distanceType: args.distance || 'l2' };
  if (args.partitions) cfg.numPartitions = Number(args.partitions);
  if (args['sub-vectors']) cfg.numSubVectors = Number(args['sub-vectors']);
  if (args['max-iters']) cfg.maxIterations = Number(args['max-iters']);
  if (args['sample-rate']) cfg.sampleRate = Number(args['sample-rate']);
  const t0 = process.hrtime.bigint();
  await tbl.createIndex(args.column, { config: lancedb.Index.ivfPq(cfg), replace: true });
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  console.log(JSON.stringify({ seconds, version: await tbl.version(), indices: await tbl.listIndices() }));
}

async function cmdIndices(args) {
  const uri = args._[0] || die('usage: indices URI');
  const { tbl } = await openTable(uri);
  const out = [];
  for (const ix of await tbl.listIndices()) {
    out.push({ ...ix, stats: await tbl.indexStats(ix.name) });
  }
  console.log(JSON.stringify(out));
}

async function cmdSearch(args) {
  const uri = args._[0];
  if (!uri || !args.queries) die('usage: search URI --column C --queries FILE -k K [--nprobes N] [--refine R] [--where P] [--bypass-index] [--reps R]');
  const { tbl } = await openTable(uri);
  const queries = JSON.parse(fs.readFileSync(args.queries, 'utf8'));
  const k = Number(args.k ?? 10);
  const reps = Number(args.reps ?? 0);
  const build = (vec) => {
    let q = tbl.search(Float32Array.from(vec));
    if (args.column) q = q.column(args.column);
    q = q.limit(k).withRowId().select(['_rowid']);
    if (args.nprobes !== undefined) q = q.nprobes(Number(args.nprobes));
    if (args.refine !== undefined) q = q.refineFactor(Number(args.refine));
    if (args.where) q = q.where(args.where);
    if (args.postfilter) q = q.postfilter();
    if (args.distance) q = q.distanceType(args.distance);
    if (args['bypass-index']) q = q.bypassVectorIndex();
    return q;
  };
  let out = '';
  for (const vec of queries) {
    if (reps > 0) await build(vec).toArrow();  // warm-up
    const seconds = [];
    let res;
    for (let r = 0; r < Math.max(1, reps); r++) {
      const t0 = process.hrtime.bigint();
      res = await build(vec).toArrow();
      seconds.push(Number(process.hrtime.bigint() - t0) / 1e9);
    }
    const ids = Array.from(res.getChild('_rowid').toArray(), (x) => Number(x));
    const distances = Array.from(res.getChild('_distance').toArray());
    out += JSON.stringify({ ids, distances, seconds }) + '\n';
  }
  fs.writeSync(1, out);
}

async function main() {
  const [cmd, ...rest] = process.argv.slice(2);
  const args = parseArgs(rest);
  const cmds = { index: cmdIndex, indices: cmdIndices, search: cmdSearch };
  if (!cmds[cmd]) die(`unknown command ${JSON.stringify(cmd)} (index | indices | search)`);
  await cmds[cmd](args);
}

main().catch((e) => {
  console.error(`error: ${process.env.LANCEDB_TOOL_DEBUG && e.stack ? e.stack : e.message || e}`);
  process.exit(e instanceof UsageError ? 2 : 1);
});
