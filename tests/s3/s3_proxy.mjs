// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The lancet authors
//
// Test infrastructure, not a product: an HTTP proxy in front of a local S3-compatible server
// (s3rver) that adds what s3rver lacks and what lancet's tests need:
//
//  * `If-None-Match: *` on PUT is enforced the way S3 and R2 do it (412 PreconditionFailed if
//    the key exists). Conditional PUTs are serialised per key, so of two concurrent ones exactly
//    one wins (s3rver 3.7 ignores the header and lets the second overwrite).
//  * AWS Signature V4 is verified (s3rver 3.7 does not check V4 signatures at all): a request
//    whose signature does not match gets 403 SignatureDoesNotMatch, and a signed payload hash
//    that does not match the body gets 400 XAmzContentSHA256Mismatch.
//  * Server-side accounting: requests by S3 operation, bytes in/out, HTTP statuses, the Range
//    of every GET (GET /__lancet/stats), so tests can cross-check the client's own counters.
//  * Faults on demand (POST /__lancet/faults): answer 503 SlowDown, drop the connection before
//    forwarding, drop it after the server has applied the request (the client cannot tell
//    whether its write happened), or stall before answering (client time-outs).
//  * Injected latency (`latency_ms` in the same JSON): every S3 request waits that long before
//    it is handled, so clients on the same server pay the same per-request latency, and
//    `sequential_round_trips` in the stats counts requests that arrived while no other S3
//    request was in flight (the latency-bound steps of a client's workload).
//
// Control endpoints live under /__lancet/ and are neither signed, counted nor faulted.
import crypto from 'node:crypto';
import http from 'node:http';

const CONTROL_PREFIX = '/__lancet/';

// AWS's URI encoding: unreserved characters stay, everything else is %XX (upper case).
function awsEncode(s, keepSlash) {
  let out = '';
  for (const byte of Buffer.from(s, 'utf8')) {
    const c = String.fromCharCode(byte);
    if (/[A-Za-z0-9\-._~]/.test(c) || (keepSlash && c === '/')) {
      out += c;
    } else {
      out += '%' + byte.toString(16).toUpperCase().padStart(2, '0');
    }
  }
  return out;
}

function safeDecode(s) {
  try {
    return decodeURIComponent(s.replace(/\+/g, '%20'));
  } catch {
    return s;
  }
}

/// Classify a request as the S3 operation it is (the unit S3 bills).
export function classify(method, url, headers) {
  const q = new URL(url, 'http://x').searchParams;
  const path = url.split('?')[0];
  const isBucket = path.split('/').filter(Boolean).length <= 1;
  switch (method) {
    case 'GET':
      if (isBucket || q.has('list-type')) return 'list';
      if (q.has('session')) return 'create_session';
      return 'get';
    case 'HEAD':
      return 'head';
    case 'PUT':
      if (q.has('uploadId')) return 'upload_part';
      if (headers['x-amz-copy-source']) return 'copy';
      if (headers['if-none-match'] === '*') return 'put_if_absent';
      return 'put';
    case 'POST':
      if (q.has('delete')) return 'delete_objects';
      if (q.has('uploads')) return 'create_multipart';
      if (q.has('uploadId')) return 'complete_multipart';
      return 'post';
    case 'DELETE':
      if (q.has('uploadId')) return 'abort_multipart';
      return 'delete';
    default:
      return method.toLowerCase();
  }
}

function s3ErrorXml(code, message, extra = {}) {
  let body = `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${code}</Code>` +
      `<Message>${message}</Message>`;
  for (const [k, v] of Object.entries(extra)) {
    const esc = String(v).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
    body += `<${k}>${esc}</${k}>`;
  }
  return body + '<RequestId>lancet-proxy</RequestId></Error>';
}

/// Verify the SigV4 Authorization header of a request; return null if fine, else an error.
export function verifySigV4(method, rawUrl, headers, body, secrets) {
  const auth = headers['authorization'];
  if (!auth) return { code: 'AccessDenied', message: 'missing Authorization header' };
  const m = /^AWS4-HMAC-SHA256 Credential=([^/]+)\/(\d{8})\/([^/]+)\/([^/]+)\/aws4_request,\s*SignedHeaders=([^,]+),\s*Signature=([0-9a-f]{64})$/
      .exec(auth);
  if (!m) return { code: 'AuthorizationHeaderMalformed', message: 'cannot parse ' + auth };
  const [, accessKey, date, region, service, signedHeaders, signature] = m;
  const secret = secrets[accessKey];
  if (secret === undefined) return { code: 'InvalidAccessKeyId', message: accessKey };
  const amzDate = headers['x-amz-date'];
  if (!amzDate || amzDate.slice(0, 8) !== date) {
    return { code: 'AccessDenied', message: 'x-amz-date missing or not on the credential date' };
  }
  const payloadHash = headers['x-amz-content-sha256'];
  if (!payloadHash) return { code: 'InvalidRequest', message: 'missing x-amz-content-sha256' };
  if (payloadHash !== 'UNSIGNED-PAYLOAD') {
    const actual = crypto.createHash('sha256').update(body).digest('hex');
    if (actual !== payloadHash) {
      return { code: 'XAmzContentSHA256Mismatch', status: 400, message: 'payload hash mismatch' };
    }
  }
  const [rawPath, rawQuery = ''] = rawUrl.split(/\?(.*)/s);
  // S3 does not normalise or double-encode the path: it is signed as sent (re-encoded).
  const canonicalUri = awsEncode(safeDecode(rawPath), true);
  const params = rawQuery === '' ? [] : rawQuery.split('&').map(kv => {
    const i = kv.indexOf('=');
    const k = i < 0 ? kv : kv.slice(0, i);
    const v = i < 0 ? '' : kv.slice(i + 1);
    return [awsEncode(safeDecode(k), false), awsEncode(safeDecode(v), false)];
  });
  params.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0));
  const canonicalQuery = params.map(([k, v]) => `${k}=${v}`).join('&');
  const names = signedHeaders.split(';');
  if (!names.includes('host')) return { code: 'AccessDenied', message: 'host is not signed' };
  const canonicalHeaders = names.map(n => {
    const v = headers[n];
    if (v === undefined) return null;
    return `${n}:${String(v).trim().replace(/\s+/g, ' ')}\n`;
  });
  if (canonicalHeaders.includes(null)) {
    return { code: 'AccessDenied', message: 'a signed header is missing' };
  }
  const canonicalRequest = [method, canonicalUri, canonicalQuery, canonicalHeaders.join(''),
    signedHeaders, payloadHash].join('\n');
  const scope = `${date}/${region}/${service}/aws4_request`;
  const stringToSign = ['AWS4-HMAC-SHA256', amzDate, scope,
    crypto.createHash('sha256').update(canonicalRequest).digest('hex')].join('\n');
  const hmac = (key, data) => crypto.createHmac('sha256', key).update(data).digest();
  let key = hmac('AWS4' + secret, date);
  key = hmac(key, region);
  key = hmac(key, service);
  key = hmac(key, 'aws4_request');
  const expected = crypto.createHmac('sha256', key).update(stringToSign).digest('hex');
  if (expected !== signature) {
    return { code: 'SignatureDoesNotMatch', status: 403,
             message: 'The request signature we calculated does not match the signature you provided.',
             extra: { CanonicalRequest: canonicalRequest, StringToSign: stringToSign } };
  }
  return null;
}

function newStats() {
  return {
    requests: 0,
    bytes_in: 0,    // request bodies received from clients
    bytes_out: 0,   // response bodies sent to clients
    by_kind: {},    // kind -> {requests, bytes_in, bytes_out}
    status: {},     // HTTP status -> count (of responses actually sent)
    conditional_conflicts: 0,
    signature_failures: 0,
    injected: { slowdown: 0, drop_before: 0, drop_after: 0, stall: 0 },
    gets: [],       // {key, range} of every GET, in arrival order (bounded)
    // Requests that arrived while no other S3 request was in flight (from arrival of the
    // request head to the end of the response).
    sequential_round_trips: 0,
    requests_log: [],  // {kind, key, range, round_trip} of every request (bounded)
  };
}

function newFaults() {
  // Counts are "the next N matching requests"; percentages use a seeded generator.
  return { slowdown_count: 0, slowdown_percent: 0, drop_before_count: 0, drop_after_count: 0,
           drop_percent: 0, drop_after_percent: 0, stall_count: 0, stall_ms: 0, kinds: null,
           seed: 1, latency_ms: 0 };
}

/// Start the proxy. Returns {server, port, close()}.
export async function startProxy({ target, port = 0, host = '127.0.0.1', secrets = {},
                                   verifySignatures = true, abortMultipart = null,
                                   uploadExists = null }) {
  const targetUrl = new URL(target);
  const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });
  let stats = newStats();
  let faults = newFaults();
  let rngState = 1;
  const random = () => {  // xorshift32, deterministic per seed
    rngState ^= rngState << 13; rngState >>>= 0;
    rngState ^= rngState >>> 17;
    rngState ^= rngState << 5; rngState >>>= 0;
    return rngState / 4294967296;
  };
  const keyLocks = new Map();  // key -> promise chain of conditional PUTs
  let inFlight = 0;             // S3 requests received and not yet answered

  function count(kind, field, n) {
    const k = (stats.by_kind[kind] ??= { requests: 0, bytes_in: 0, bytes_out: 0 });
    k[field] += n;
  }

  function reply(res, kind, status, body, headers = {}) {
    const buf = Buffer.from(body);
    stats.status[status] = (stats.status[status] || 0) + 1;
    stats.bytes_out += buf.length;
    count(kind, 'bytes_out', buf.length);
    res.writeHead(status, { 'content-type': 'application/xml', 'content-length': buf.length,
                            ...headers });
    res.end(buf);
  }

  function forward(req, body, kind, { dropAfter = false, stripHeaders = [] } = {}) {
    return new Promise(resolve => {
      const headers = { ...req.headers };
      for (const h of stripHeaders) delete headers[h];
      headers['content-length'] = String(body.length);
      delete headers['transfer-encoding'];
      const up = http.request({ host: targetUrl.hostname, port: targetUrl.port, method: req.method,
                                path: req.url, headers, agent }, upRes => {
        const chunks = [];
        upRes.on('data', c => chunks.push(c));
        upRes.on('end', () => resolve({ status: upRes.statusCode, headers: upRes.headers,
                                         body: Buffer.concat(chunks), dropAfter }));
      });
      up.on('error', err => resolve({ status: 502, headers: {},
                                      body: Buffer.from(s3ErrorXml('BadGateway', err.message)) }));
      up.end(body);
    });
  }

  function relay(res, kind, method, r) {
    const headers = { ...r.headers };
    delete headers['transfer-encoding'];
    delete headers['connection'];
    delete headers['keep-alive'];
    stats.status[r.status] = (stats.status[r.status] || 0) + 1;
    const n = method === 'HEAD' ? 0 : r.body.length;
    stats.bytes_out += n;
    count(kind, 'bytes_out', n);
    res.writeHead(r.status, headers);
    res.end(method === 'HEAD' ? undefined : r.body);
  }

  async function withKeyLock(key, fn) {
    const prev = keyLocks.get(key) || Promise.resolve();
    let release;
    const mine = new Promise(r => { release = r; });
    const chain = prev.then(() => mine);
    keyLocks.set(key, chain);
    await prev;
    try {
      return await fn();
    } finally {
      release();
      if (keyLocks.get(key) === chain) keyLocks.delete(key);
    }
  }

  function matches(kind) {
    return !faults.kinds || faults.kinds.includes(kind);
  }

  async function handleControl(req, res, body) {
    const path = req.url.split('?')[0].slice(CONTROL_PREFIX.length);
    const json = obj => {
      const buf = Buffer.from(JSON.stringify(obj));
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': buf.length });
      res.end(buf);
    };
    if (path === 'stats') return json(stats);
    if (path === 'reset') {
      stats = newStats();
      return json({ ok: true });
    }
    if (path === 'faults') {
      if (req.method === 'POST' || req.method === 'PUT') {
        const spec = body.length ? JSON.parse(body.toString('utf8')) : {};
        faults = { ...newFaults(), ...spec };
        rngState = (faults.seed >>> 0) || 1;
      }
      return json(faults);
    }
    res.writeHead(404);
    res.end();
  }

  async function handle(req, res, body, roundTrip) {
    if (req.url.startsWith(CONTROL_PREFIX)) return handleControl(req, res, body);
    const kind = classify(req.method, req.url, req.headers);
    if (stats.requests_log.length < 100000) {
      stats.requests_log.push({ kind, key: req.url.split('?')[0],
                                range: req.headers['range'] || null, round_trip: roundTrip });
    }
    if (faults.latency_ms > 0) await new Promise(r => setTimeout(r, faults.latency_ms));
    stats.requests++;
    stats.bytes_in += body.length;
    count(kind, 'requests', 1);
    count(kind, 'bytes_in', body.length);
    if (kind === 'get' && stats.gets.length < 100000) {
      stats.gets.push({ key: req.url.split('?')[0], range: req.headers['range'] || null });
    }

    // Faults first: a faulted request never reaches the server (except drop_after).
    if (matches(kind)) {
      if (faults.stall_count > 0) {
        faults.stall_count--;
        stats.injected.stall++;
        await new Promise(r => setTimeout(r, faults.stall_ms));
      }
      if (faults.slowdown_count > 0 ||
          (faults.slowdown_percent > 0 && random() * 100 < faults.slowdown_percent)) {
        if (faults.slowdown_count > 0) faults.slowdown_count--;
        stats.injected.slowdown++;
        return reply(res, kind, 503, s3ErrorXml('SlowDown', 'Please reduce your request rate.'));
      }
      if (faults.drop_before_count > 0 ||
          (faults.drop_percent > 0 && random() * 100 < faults.drop_percent)) {
        if (faults.drop_before_count > 0) faults.drop_before_count--;
        stats.injected.drop_before++;
        req.socket.destroy();
        return;
      }
    }
    let dropAfter = false;
    if (matches(kind) && faults.drop_after_count > 0) {
      faults.drop_after_count--;
      dropAfter = true;
    } else if (matches(kind) && faults.drop_after_percent > 0 &&
               random() * 100 < faults.drop_after_percent) {
      dropAfter = true;
    }

    if (verifySignatures) {
      const err = verifySigV4(req.method, req.url, req.headers, body, secrets);
      if (err) {
        stats.signature_failures++;
        return reply(res, kind, err.status || 403, s3ErrorXml(err.code, err.message, err.extra));
      }
    }

    let r;
    if (kind === 'abort_multipart' && abortMultipart) {
      const bucketName = req.url.split('?')[0].split('/').filter(Boolean)[0];
      const uploadId = new URL(req.url, 'http://x').searchParams.get('uploadId');
      const status = await abortMultipart(bucketName, uploadId);
      r = { status, headers: {}, body: status === 204 ? Buffer.alloc(0)
            : Buffer.from(s3ErrorXml('NoSuchUpload', 'The specified upload does not exist.')) };
    } else if (kind === 'complete_multipart' && uploadExists &&
               !uploadExists(req.url.split('?')[0].split('/').filter(Boolean)[0],
                             new URL(req.url, 'http://x').searchParams.get('uploadId'))) {
      r = { status: 404, headers: { 'content-type': 'application/xml' },
            body: Buffer.from(s3ErrorXml('NoSuchUpload', 'The specified upload does not exist.')) };
    } else if (kind === 'put_if_absent') {
      const key = req.url.split('?')[0];
      r = await withKeyLock(key, async () => {
        const head = await forward({ method: 'HEAD', url: key, headers: req.headers },
                                   Buffer.alloc(0), 'head', { stripHeaders: ['if-none-match'] });
        if (head.status === 200) {
          stats.conditional_conflicts++;
          return { status: 412, headers: { 'content-type': 'application/xml' },
                   body: Buffer.from(s3ErrorXml('PreconditionFailed',
                                                'At least one of the pre-conditions you specified did not hold',
                                                { Condition: 'If-None-Match' })) };
        }
        return forward(req, body, kind, { stripHeaders: ['if-none-match'] });
      });
    } else {
      r = await forward(req, body, kind);
    }
    if (dropAfter) {
      stats.injected.drop_after++;
      req.socket.destroy();
      return;
    }
    relay(res, kind, req.method, r);
  }

  const server = http.createServer((req, res) => {
    // A client that timed out or a connection we dropped on purpose: nothing to report.
    req.on('error', () => {});
    res.on('error', () => {});
    // Round trips: an S3 request whose head arrives while none is in flight starts a new one.
    let roundTrip = null;
    if (!req.url.startsWith(CONTROL_PREFIX)) {
      if (inFlight === 0) stats.sequential_round_trips++;
      roundTrip = stats.sequential_round_trips;
      inFlight++;
      let done = false;
      const finish = () => {
        if (!done) { done = true; inFlight--; }
      };
      res.on('finish', finish);
      res.on('close', finish);
    }
    const chunks = [];
    req.on('data', c => chunks.push(c));
    req.on('end', () => {
      handle(req, res, Buffer.concat(chunks), roundTrip).catch(err => {
        if (!res.headersSent) {
          res.writeHead(500);
          res.end(String(err && err.stack));
        }
      });
    });
  });
  server.keepAliveTimeout = 30000;
  await new Promise(resolve => server.listen(port, host, resolve));
  return {
    server,
    port: server.address().port,
    close: () => new Promise(resolve => { agent.destroy(); server.close(() => resolve());
                                          server.closeAllConnections?.(); }),
  };
}
