// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The lancet authors
//
// Test infrastructure: starts s3rver (a real S3-compatible HTTP server keeping objects on local
// disk) on a free loopback port, puts s3_proxy.mjs in front of it, and prints ONE line of JSON
// on stdout once both accept connections:
//
//   {"endpoint":"http://127.0.0.1:PORT","bucket":"lancet-test","region":"us-east-1",
//    "access_key_id":"S3RVER","secret_access_key":"S3RVER","control":"http://127.0.0.1:PORT/__lancet/",
//    "backend":"http://127.0.0.1:PORT2","data_dir":"/tmp/...","pid":1234}
//
// Usage: node server.mjs [--data-dir DIR] [--bucket NAME] [--port N] [--no-verify-signatures]
//                        [--exit-on-stdin-close]
// Stops on SIGTERM/SIGINT, or when stdin closes with --exit-on-stdin-close (so a test process
// that dies cannot leak the server). The data directory is created if missing and removed on
// exit only if this process created it.
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';
import { startProxy } from './s3_proxy.mjs';

const require = createRequire(import.meta.url);

// s3rver 3.7 makes LIST continuation tokens with single DES ('des'), which OpenSSL 3 (Node 18+)
// only offers in its legacy provider. Three-key DES-EDE3 with K1 = K2 = K3 is single DES, so
// substitute it: tokens are byte-for-byte what s3rver would produce.
for (const name of ['createCipheriv', 'createDecipheriv']) {
  const original = crypto[name];
  crypto[name] = function (algorithm, key, iv, options) {
    if (String(algorithm).toLowerCase() === 'des') {
      const k = Buffer.from(key);
      return original.call(crypto, 'des-ede3-cbc', Buffer.concat([k, k, k]), iv, options);
    }
    return original.call(crypto, algorithm, key, iv, options);
  };
}
let S3rver;
try {
  S3rver = require('s3rver');
} catch (err) {
  process.stderr.write('server.mjs: s3rver is not installed; run `npm ci` in tests/s3\n');
  process.exit(2);
}

const args = process.argv.slice(2);
function opt(name, fallback) {
  const i = args.indexOf(name);
  return i >= 0 && i + 1 < args.length ? args[i + 1] : fallback;
}
const bucket = opt('--bucket', 'lancet-test');
const port = Number(opt('--port', '0'));
let dataDir = opt('--data-dir', '');
let ownDir = false;
if (!dataDir) {
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'lancet-s3rver-'));
  ownDir = true;
} else {
  fs.mkdirSync(dataDir, { recursive: true });
}
// s3rver's built-in account; it does not check V4 signatures itself, the proxy does.
const accessKeyId = 'S3RVER';
const secretAccessKey = 'S3RVER';

const s3 = new S3rver({
  address: '127.0.0.1',
  port: 0,
  silent: true,
  directory: dataDir,
  configureBuckets: [{ name: bucket }],
  vhostBuckets: false,
});
const backendAddr = await s3.run();
const backend = `http://127.0.0.1:${backendAddr.port}`;
const proxy = await startProxy({
  target: backend,
  port,
  secrets: { [accessKeyId]: secretAccessKey },
  verifySignatures: !args.includes('--no-verify-signatures'),
  // s3rver 3.7 has no AbortMultipartUpload (405); emulate it: remove the upload's parts.
  // ...and it answers a CompleteMultipartUpload of an unknown upload with 500; S3 says 404.
  uploadExists: (bucketName, uploadId) => /^[A-Za-z0-9_-]+$/.test(uploadId || '') &&
      fs.existsSync(path.join(s3.store.getResourcePath(bucketName, undefined, 'uploads'), uploadId)),
  abortMultipart: async (bucketName, uploadId) => {
    if (!/^[A-Za-z0-9_-]+$/.test(uploadId)) return 404;
    const dir = path.join(s3.store.getResourcePath(bucketName, undefined, 'uploads'), uploadId);
    if (!fs.existsSync(dir)) return 404;
    fs.rmSync(dir, { recursive: true, force: true });
    return 204;
  },
});

let stopping = false;
async function stop(code) {
  if (stopping) return;
  stopping = true;
  try {
    await proxy.close();
    await s3.close();
  } catch {
    // already closed
  }
  if (ownDir) fs.rmSync(dataDir, { recursive: true, force: true });
  process.exit(code);
}
process.on('SIGTERM', () => stop(0));
process.on('SIGINT', () => stop(0));
if (args.includes('--exit-on-stdin-close')) {
  process.stdin.on('end', () => stop(0));
  process.stdin.on('error', () => stop(0));
  process.stdin.resume();
}

const endpoint = `http://127.0.0.1:${proxy.port}`;
process.stdout.write(JSON.stringify({
  endpoint,
  bucket,
  region: 'us-east-1',
  access_key_id: accessKeyId,
  secret_access_key: secretAccessKey,
  control: `${endpoint}/__lancet/`,
  backend,
  data_dir: dataDir,
  pid: process.pid,
}) + '\n');
