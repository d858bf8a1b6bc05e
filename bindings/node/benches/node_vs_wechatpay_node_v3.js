'use strict';
/*
 * Benchmark: wechatpay-notify against wechatpay-node-v3 2.2.1 (npm), on the same signed callback.
 *
 * Not a test of speed: it never fails on a figure. It fails (exit status 1) only when a result
 * is wrong: a callback not accepted, a different out_trade_no, a tampered callback accepted, or
 * one of the testing kit's failures refused by wechatpay-notify with another code than the kit's.
 *
 *     cd bindings/node/benches && npm ci && node node_vs_wechatpay_node_v3.js
 *     (or bash run.sh; options: --rounds 7 --iterations 3000 --warmup 1000
 *      --concurrency 64 --async-rounds 5 --async-callbacks 10000)
 *
 * The callback: one TRANSACTION.SUCCESS payment notification built by this package's testing
 * kit, `new Kit({ certificate: true })`: signed by the kit's TEST key under its self-signed TEST
 * platform certificate (Wechatpay-Serial: the certificate's serial) and encrypted under its TEST
 * APIv3 key. Certificate mode, because wechatpay-node-v3 knows no other: it verifies with the
 * platform certificates it downloads from GET /v3/certificates (no 微信支付公钥 / PUB_KEY_ID_
 * mode). Both libraries get the same headers object (what Node's `req.headers` is: lowercase
 * names, with ordinary headers around the five Wechatpay-* ones) and the same raw body Buffer.
 *
 * What is timed, per callback:
 *
 * - ours: `verifier.parse(headers, body).transaction()`: headers, timestamp skew, RSA-SHA256
 *   signature, AES-256-GCM open with its tag, the envelope and the typed payment object.
 * - peer: what a merchant writes with wechatpay-node-v3 (its docs/verifySign.md and
 *   decipher_gcm): `body.toString()`, `await pay.verifySign({ timestamp, nonce, body, serial,
 *   signature, apiSecret })` with the raw body text (not a re-serialized `req.body`, which
 *   breaks the signature whenever the JSON is not byte for byte what JSON.stringify writes),
 *   `JSON.parse` of the body for `resource`, then `pay.decipher_gcm(ciphertext,
 *   associated_data, nonce, apiv3Key)`, which JSON.parses the plaintext itself (it returns the
 *   text when that fails: the merchant's check that it got an object is included).
 *   verifySign is async (a Promise even when its cache answers), so the peer's loop awaits it.
 *
 * How wechatpay-node-v3 gets the platform key, without patching it: its verifySign looks the
 * serial up in its static cache `Pay.certificates` (serial -> public key PEM) and, on a miss,
 * calls its own fetchCertificates: GET https://api.mch.weixin.qq.com/v3/certificates through
 * `this.httpService`, decrypting each `encrypt_certificate` with decipher_gcm and extracting
 * the public key with @fidm/x509. `pay.createHttp(service)` is its public hook for the HTTP
 * client; the benchmark gives it one (`CertificateEndpoint`) that answers that GET with the
 * kit's certificate encrypted under the APIv3 key, exactly as WeChat Pay's endpoint answers.
 * So the peer fills its cache by its own code on the first callback (one GET, counted and
 * checked) and every timed callback is a cache hit, as in a running server.
 *
 * Not equal work (the figures do not hide it): wechatpay-node-v3 does not check
 * Wechatpay-Timestamp (a stale or future callback passes), hands the PEM to
 * crypto.createVerify on every call (OpenSSL parses it each time), and its decipher_gcm never
 * calls decipher.final(), so the GCM tag is set but never checked. The refusal table and the
 * GCM line below show these on the kit's failures; the breakdown times the peer's parts, and
 * its RSA check with the key parsed once, to show where its time goes.
 *
 * Then throughput with many callbacks in flight (`--concurrency`, 64): ours
 * `await verifier.parseAsync(headers, body)` + `.transaction()`, the verification and
 * decryption on libuv's thread pool (UV_THREADPOOL_SIZE, default 4, on this machine's CPUs),
 * against the peer's same path with as many in flight (its work is synchronous inside an async
 * function: it all runs on the main thread, so concurrency cannot add to it), and ours sync
 * parse for reference.
 */

const assert = require('node:assert/strict');
const crypto = require('node:crypto');
const os = require('node:os');
const util = require('node:util');

const PEER = 'wechatpay-node-v3';
const PEER_VERSION = require('wechatpay-node-v3/package.json').version;
const CERTIFICATES_URL = 'https://api.mch.weixin.qq.com/v3/certificates';

/** The payment in the callback (merged into the kit's sample transaction). */
const PAYMENT = {
  out_trade_no: '1217752501201407033233368018',
  amount: { total: 100, payer_total: 100 },
};
const EVENT_ID = 'EV-2018022511223320873';

// ---------------------------------------------------------------------------------------------
// wechatpay-node-v3, as a merchant configures and calls it

/** A failure of the peer's path that a merchant's handler turns into a refusal. */
class PeerRefused extends Error {}

function rfc3339(date) {
  return new Date(date).toISOString().replace(/\.\d{3}Z$/, '+00:00');
}

/**
 * The body of GET /v3/certificates as WeChat Pay answers it: each platform certificate
 * AES-256-GCM encrypted under the merchant's APIv3 key (associated data "certificate").
 */
function certificateDownload(apiv3Key, certificatePem, serialNo) {
  const cert = new crypto.X509Certificate(certificatePem);
  const nonce = crypto.randomBytes(6).toString('hex'); // 12 characters, as WeChat Pay's
  const cipher = crypto.createCipheriv('aes-256-gcm', Buffer.from(apiv3Key), Buffer.from(nonce));
  cipher.setAAD(Buffer.from('certificate'));
  const sealed = Buffer.concat([cipher.update(certificatePem, 'utf8'), cipher.final(), cipher.getAuthTag()]);
  return {
    data: [
      {
        serial_no: serialNo,
        effective_time: rfc3339(cert.validFrom),
        expire_time: rfc3339(cert.validTo),
        encrypt_certificate: {
          algorithm: 'AEAD_AES_256_GCM',
          nonce,
          associated_data: 'certificate',
          ciphertext: sealed.toString('base64'),
        },
      },
    ],
  };
}

/**
 * The HTTP service handed to wechatpay-node-v3 with its `createHttp` (the IPayRequest shape:
 * get, post, upload, each resolving to { status, data }): WeChat Pay's certificate endpoint and
 * nothing else. No request leaves the machine.
 */
class CertificateEndpoint {
  constructor(download) {
    this.download = download;
    this.gets = 0;
  }

  async get(url, headers) {
    this.gets += 1;
    if (url !== CERTIFICATES_URL) return { status: 404, error: `not stubbed: GET ${url}` };
    const auth = headers && (headers.Authorization || headers.authorization);
    if (!auth || !String(auth).startsWith('WECHATPAY2-SHA256-RSA2048 ')) {
      return { status: 401, error: 'no merchant signature' };
    }
    return { status: 200, data: this.download };
  }

  async post(url) {
    throw new Error(`the benchmark makes no request: POST ${url}`);
  }

  async upload(url) {
    throw new Error(`the benchmark makes no request: upload ${url}`);
  }
}

/**
 * wechatpay-node-v3 configured as its README says, its HTTP client replaced by the certificate
 * endpoint. The merchant's own key pair is a throwaway one: its private key signs the GET's
 * Authorization header; `publicKey` is the merchant's certificate (apiclient_cert.pem), read
 * only to compute `serial_no` when none is given (one is given, so it is never parsed).
 */
function makePeer(apiv3Key, download) {
  const WxPay = require('wechatpay-node-v3');
  const merchant = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 });
  const pay = new WxPay({
    appid: 'wxd678efh567hg6787',
    mchid: '1900000109',
    publicKey: Buffer.from(merchant.publicKey.export({ type: 'spki', format: 'pem' })),
    privateKey: Buffer.from(merchant.privateKey.export({ type: 'pkcs8', format: 'pem' })),
    serial_no: '444F4864EA9B34415A7BCE2E1B3D4F5A6B7C8D9E',
    key: apiv3Key,
  });
  const endpoint = new CertificateEndpoint(download);
  pay.createHttp(endpoint);
  return { pay, endpoint, apiv3Key };
}

/** A merchant's handling of a callback with wechatpay-node-v3: the decrypted resource, or PeerRefused. */
async function peerCallback(peer, headers, body) {
  const text = body.toString('utf8');
  const ok = await peer.pay.verifySign({
    timestamp: headers['wechatpay-timestamp'],
    nonce: headers['wechatpay-nonce'],
    body: text,
    serial: headers['wechatpay-serial'],
    signature: headers['wechatpay-signature'],
    apiSecret: peer.apiv3Key,
  });
  if (!ok) throw new PeerRefused('verifySign returned false');
  const { resource } = JSON.parse(text);
  const plain = peer.pay.decipher_gcm(resource.ciphertext, resource.associated_data, resource.nonce, peer.apiv3Key);
  if (plain === null || typeof plain !== 'object') throw new PeerRefused('decipher_gcm returned no JSON object');
  return plain;
}

// ---------------------------------------------------------------------------------------------
// The callback, both libraries, and the checks

/** Kit headers as Node's `req.headers` holds them: lowercase, among ordinary ones. */
function requestHeaders(kitHeaders, body) {
  const headers = {
    host: 'merchant.example.com',
    'user-agent': 'Mozilla/4.0',
    'content-length': String(body.length),
    accept: '*/*',
    connection: 'Keep-Alive',
    pragma: 'no-cache',
  };
  for (const [name, value] of Object.entries(kitHeaders)) headers[name.toLowerCase()] = value;
  return headers;
}

function callback(kit, options = {}) {
  const { headers, body } = kit.notification('transaction', PAYMENT, { id: EVENT_ID, ...options });
  assert.ok(Buffer.isBuffer(body), 'the kit gives the body as a Buffer');
  return { headers: requestHeaders(headers, body), body };
}

/** What a call gave: { ok: true, value } or { ok: false, error }. */
async function outcome(fn) {
  try {
    return { ok: true, value: await fn() };
  } catch (error) {
    return { ok: false, error };
  }
}

function describePeer(result) {
  if (result.ok) return `ACCEPTED (out_trade_no ${result.value.out_trade_no})`;
  const e = result.error;
  if (e instanceof PeerRefused) return `refused: ${e.message}`;
  return `threw ${e.name}: ${String(e.message).slice(0, 60)}`;
}

async function checks(ctx) {
  const { wpn, FAILURES, kit, verifier, peer, good } = ctx;
  const ourParse = (cb) => verifier.parse(cb.headers, cb.body).transaction();

  // Both accept the callback and read the same payment.
  const t = ourParse(good);
  assert.equal(t.out_trade_no, PAYMENT.out_trade_no, 'ours: out_trade_no');
  assert.equal(t.amount.total, PAYMENT.amount.total, 'ours: amount.total');
  const theirs = await peerCallback(peer, good.headers, good.body);
  assert.equal(theirs.out_trade_no, PAYMENT.out_trade_no, 'peer: out_trade_no');
  assert.equal(peer.endpoint.gets, 1, 'the peer fetched the certificate once, through createHttp');
  const n = verifier.parse(good.headers, good.body);
  assert.ok(util.isDeepStrictEqual(theirs, n.resource), 'both decrypt the same resource');
  const again = await peerCallback(peer, good.headers, good.body);
  assert.equal(again.out_trade_no, PAYMENT.out_trade_no);
  assert.equal(peer.endpoint.gets, 1, 'the second callback comes from the peer cache');
  console.log(
    `checked: both accept the callback (event ${n.id}, ${n.eventType}) and decrypt out_trade_no ` +
      `${t.out_trade_no}, amount.total ${t.amount.total}; the same resource object`,
  );

  // The certificate download the peer was given is WeChat Pay's format: ours reads it too.
  const [listed] = verifier.decryptCertificates(Buffer.from(JSON.stringify(peer.endpoint.download)));
  assert.equal(listed.serialNo, good.headers['wechatpay-serial'], 'certificate download: serial');
  assert.equal(
    new crypto.X509Certificate(listed.pem).fingerprint256,
    new crypto.X509Certificate(kit.certificatePem).fingerprint256,
    'certificate download: the kit certificate',
  );

  // Both refuse a tampered callback: the kit's, and one ciphertext character changed here.
  const tampered = callback(kit, { failure: 'tampered_body' });
  const text = good.body.toString('utf8');
  const at = text.indexOf('"ciphertext":"') + '"ciphertext":"'.length + 10;
  const flipped = text.slice(0, at) + (text[at] === 'A' ? 'B' : 'A') + text.slice(at + 1);
  const mine = { headers: good.headers, body: Buffer.from(flipped, 'utf8') };
  for (const [what, cb] of [['kit tampered_body', tampered], ['one ciphertext character changed', mine]]) {
    const ours = await outcome(() => ourParse(cb));
    assert.ok(!ours.ok, `ours accepted a tampered callback (${what})`);
    assert.ok(ours.error instanceof wpn.SignatureError, `ours: ${what}: ${ours.error}`);
    assert.equal(ours.error.code, 'SIGNATURE_MISMATCH', `ours: ${what}`);
    const peers = await outcome(() => peerCallback(peer, cb.headers, cb.body));
    assert.ok(!peers.ok, `${PEER} accepted a tampered callback (${what})`);
    assert.ok(peers.error instanceof PeerRefused, `${PEER}: ${what}: ${peers.error}`);
  }
  console.log('checked: both refuse a tampered callback (the kit\'s tampered_body; a ciphertext character changed)');

  // Every failure of the kit: ours must refuse it with the kit's code; the peer's outcome is shown.
  console.log(`\n== the kit's failures (ours must refuse each with its code; ${PEER}: what it does) ==`);
  const rows = [['failure', 'wechatpay-notify', PEER]];
  for (const [name, code] of Object.entries(FAILURES).sort(([a], [b]) => (a < b ? -1 : 1))) {
    const cb = callback(kit, { failure: name });
    const ours = await outcome(() => ourParse(cb));
    assert.ok(!ours.ok, `ours accepted the kit's ${name}`);
    assert.ok(ours.error instanceof wpn.NotificationError, `ours: ${name}: ${ours.error}`);
    assert.equal(ours.error.code, code, `ours: ${name}`);
    rows.push([name, `refused ${ours.error.code}`, describePeer(await outcome(() => peerCallback(peer, cb.headers, cb.body)))]);
  }
  table(rows, 3);

  // The GCM tag: the resource of the good callback with the last tag byte changed.
  const { resource } = JSON.parse(text);
  const sealed = Buffer.from(resource.ciphertext, 'base64');
  sealed[sealed.length - 1] ^= 0x01;
  const badTag = sealed.toString('base64');
  const oursTag = await outcome(() => wpn.decryptResource(kit.apiv3Key, resource.nonce, resource.associated_data, badTag));
  assert.ok(!oursTag.ok && oursTag.error instanceof wpn.DecryptionError, `ours opened a resource with a wrong GCM tag: ${oursTag.error}`);
  const peerTag = await outcome(() => peer.pay.decipher_gcm(badTag, resource.associated_data, resource.nonce, kit.apiv3Key));
  const peerSays = peerTag.ok
    ? typeof peerTag.value === 'object'
      ? `returned the payment (out_trade_no ${peerTag.value.out_trade_no}): the tag is not checked`
      : 'returned text'
    : `threw ${peerTag.error.name}`;
  console.log(`GCM tag changed: decryptResource refused ${oursTag.error.code}; ${PEER} decipher_gcm ${peerSays}`);
  console.log(`(${PEER} fetched the certificate ${peer.endpoint.gets} times so far: once, then on each unknown serial)`);
}

// ---------------------------------------------------------------------------------------------
// Timing

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

const now = () => process.hrtime.bigint();
const seconds = (t0) => Number(process.hrtime.bigint() - t0) / 1e9;
const cpuSeconds = (c0) => {
  const c = process.cpuUsage(c0);
  return (c.user + c.system) / 1e6;
};

/** { wall, cpu } seconds per callback over n calls of ours, sync. */
function timeOurs(verifier, cb, n) {
  let sink = 0;
  const c0 = process.cpuUsage();
  const t0 = now();
  for (let i = 0; i < n; i++) sink += verifier.parse(cb.headers, cb.body).transaction().amount.total;
  const wall = seconds(t0);
  const cpu = cpuSeconds(c0);
  assert.equal(sink, n * PAYMENT.amount.total, 'ours: every timed callback read');
  return { wall: wall / n, cpu: cpu / n };
}

async function timePeer(peer, cb, n) {
  let sink = 0;
  const c0 = process.cpuUsage();
  const t0 = now();
  for (let i = 0; i < n; i++) {
    const payment = await peerCallback(peer, cb.headers, cb.body);
    sink += payment.amount.total;
  }
  const wall = seconds(t0);
  const cpu = cpuSeconds(c0);
  assert.equal(sink, n * PAYMENT.amount.total, 'peer: every timed callback read');
  return { wall: wall / n, cpu: cpu / n };
}

/** Callbacks per second with `concurrency` in flight, `total` callbacks. */
async function throughput(fn, total, concurrency) {
  let started = 0;
  let sink = 0;
  const c0 = process.cpuUsage();
  const t0 = now();
  const worker = async () => {
    while (started < total) {
      started += 1;
      const payment = await fn(); // (not `sink += await fn()`: that reads sink before the await)
      sink += payment.amount.total;
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  const wall = seconds(t0);
  const cpu = cpuSeconds(c0);
  assert.equal(sink, total * PAYMENT.amount.total, 'every callback in flight read');
  return { rate: total / wall, cpu: cpu / total };
}

const us = (s) => (s * 1e6).toFixed(1);
const int = (x) => Math.round(x).toLocaleString('en-US');
const x2 = (r) => `${r.toFixed(2)}x`;

/** Prints rows as columns: the first `left` columns aligned left, the others right. */
function table(rows, left = 1) {
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => String(r[i]).length)));
  for (const r of rows) {
    const cells = r.map((cell, i) => (i < left ? String(cell).padEnd(widths[i]) : String(cell).padStart(widths[i])));
    console.log(cells.join('  ').trimEnd());
  }
}

async function headToHead(ctx, { rounds, iterations, warmup }) {
  const { verifier, peer, good, wpn } = ctx;
  timeOurs(verifier, good, warmup);
  await timePeer(peer, good, warmup);
  const ours = [];
  const theirs = [];
  for (let r = 0; r < rounds; r++) {
    if (r % 2 === 0) {
      theirs.push(await timePeer(peer, good, iterations));
      ours.push(timeOurs(verifier, good, iterations));
    } else {
      ours.push(timeOurs(verifier, good, iterations));
      theirs.push(await timePeer(peer, good, iterations));
    }
  }
  assert.equal(peer.endpoint.gets, ctx.getsBeforeTiming, 'the peer fetched no certificate while timed');
  const wall = (xs) => xs.map((x) => x.wall);
  const cpu = (xs) => xs.map((x) => x.cpu);
  console.log(
    `\n== one payment callback (${good.body.length} B body, certificate mode): ${rounds} alternating rounds x ` +
      `${int(iterations)} callbacks, after ${int(warmup)} of each ==`,
  );
  const row = (label, xs) => [
    label,
    us(median(wall(xs))),
    us(Math.min(...wall(xs))),
    us(Math.max(...wall(xs))),
    us(median(cpu(xs))),
    int(1 / median(wall(xs))),
  ];
  table([
    ['per callback (wall time; cpu: process CPU time)', 'median µs', 'min µs', 'max µs', 'cpu µs', 'ops/s'],
    row(`wechatpay-notify ${wpn.version} parse + transaction()`, ours),
    row(`${PEER} ${PEER_VERSION} verifySign + decipher_gcm`, theirs),
  ]);
  const perRound = theirs.map((t, i) => t.wall / ours[i].wall).sort((a, b) => a - b);
  const ratio = median(wall(theirs)) / median(wall(ours));
  console.log(
    `${PEER} / wechatpay-notify: ${x2(ratio)} on medians; per round median ${x2(median(perRound))}, ` +
      `${x2(perRound[0])}..${x2(perRound[perRound.length - 1])}; cpu ${x2(median(cpu(theirs)) / median(cpu(ours)))} ` +
      `(target: at least 1.50x: ${ratio >= 1.5 ? 'met' : 'NOT met'})`,
  );
  return ratio;
}

/**
 * Where the peer's time goes, its parts timed one by one (best of 3 rounds, per call), next to
 * the same RSA check with the key parsed once: what verifySign does with its cached PEM string
 * on every call against what it could do.
 */
function breakdown(ctx, { iterations }) {
  const { verifier, peer, good, kit } = ctx;
  const h = good.headers;
  const text = good.body.toString('utf8');
  const message = `${h['wechatpay-timestamp']}\n${h['wechatpay-nonce']}\n${text}\n`;
  const signature = h['wechatpay-signature'];
  const pem = crypto.createPublicKey(kit.certificatePem).export({ type: 'spki', format: 'pem' });
  const key = crypto.createPublicKey(pem);
  const { resource } = JSON.parse(text);
  const verifyWith = (k) => crypto.createVerify('RSA-SHA256').update(message).verify(k, signature, 'base64');
  assert.ok(verifyWith(pem) && verifyWith(key), 'the bare RSA checks accept the callback');
  const best = (fn) => {
    let b = Infinity;
    for (let r = 0; r < 3; r++) {
      const t0 = now();
      for (let i = 0; i < iterations; i++) fn();
      b = Math.min(b, seconds(t0) / iterations);
    }
    return b;
  };
  const rows = [
    ['part (best of 3, per call)', 'µs'],
    [`${PEER} verifySign's RSA check: createVerify, key given as the PEM string it caches`, us(best(() => verifyWith(pem)))],
    ['the same check with the key parsed once (a KeyObject)', us(best(() => verifyWith(key)))],
    [
      `${PEER} decipher_gcm (AES-256-GCM, JSON.parse of the plaintext)`,
      us(best(() => peer.pay.decipher_gcm(resource.ciphertext, resource.associated_data, resource.nonce, peer.apiv3Key))),
    ],
    ['JSON.parse(body) for the resource', us(best(() => JSON.parse(text)))],
    ['wechatpay-notify verify (authenticity only: headers, skew, RSA)', us(best(() => verifier.verify(h, good.body)))],
    ['wechatpay-notify parse (verify, AES-GCM open, envelope)', us(best(() => verifier.parse(h, good.body)))],
    ['wechatpay-notify parse + .resource', us(best(() => verifier.parse(h, good.body).resource))],
    ['wechatpay-notify parse + transaction()', us(best(() => verifier.parse(h, good.body).transaction()))],
  ];
  console.log(`\n== breakdown (Node's OpenSSL ${process.versions.openssl}) ==`);
  table(rows);
}

async function inFlight(ctx, { asyncRounds, asyncCallbacks, concurrency }) {
  const { verifier, peer, good } = ctx;
  const ourAsync = () => verifier.parseAsync(good.headers, good.body).then((n) => n.transaction());
  const ourSync = async () => verifier.parse(good.headers, good.body).transaction();
  const theirs = () => peerCallback(peer, good.headers, good.body);
  const runs = { async: [], sync: [], peer: [] };
  const order = [
    ['async', ourAsync, concurrency],
    ['sync', ourSync, 1],
    ['peer', theirs, concurrency],
  ];
  for (const [, fn, c] of order) await throughput(fn, Math.max(1000, asyncCallbacks / 10), c); // warm up
  for (let r = 0; r < asyncRounds; r++) {
    const rotated = order.slice(r % 3).concat(order.slice(0, r % 3));
    for (const [key, fn, c] of rotated) runs[key].push(await throughput(fn, asyncCallbacks, c));
  }
  assert.equal(peer.endpoint.gets, ctx.getsBeforeTiming, 'the peer fetched no certificate while timed');
  const pool = process.env.UV_THREADPOOL_SIZE || '4 (default)';
  console.log(
    `\n== throughput: ${asyncRounds} rotating rounds x ${int(asyncCallbacks)} callbacks; ${os.cpus().length} CPUs, ` +
      `UV_THREADPOOL_SIZE ${pool} ==`,
  );
  const rates = (k) => runs[k].map((x) => x.rate);
  const row = (label, k) => {
    const rs = rates(k);
    return [label, int(median(rs)), int(Math.min(...rs)), int(Math.max(...rs)), us(median(runs[k].map((x) => x.cpu)))];
  };
  table([
    ['callbacks/s (cpu: process CPU time per callback, all threads)', 'median', 'min', 'max', 'cpu µs'],
    row(`wechatpay-notify parseAsync + transaction(), ${concurrency} in flight (libuv pool)`, 'async'),
    row('wechatpay-notify parse + transaction(), sync, one at a time', 'sync'),
    row(`${PEER} verifySign + decipher_gcm, ${concurrency} in flight (main thread)`, 'peer'),
  ]);
  const perRound = runs.async.map((a, i) => a.rate / runs.peer[i].rate).sort((a, b) => a - b);
  console.log(
    `parseAsync (${concurrency} in flight) / ${PEER}: ${x2(median(rates('async')) / median(rates('peer')))} on medians ` +
      `(${x2(perRound[0])}..${x2(perRound[perRound.length - 1])} per round); parseAsync / sync parse: ` +
      `${x2(median(rates('async')) / median(rates('sync')))}`,
  );
}

function options(argv) {
  const o = { rounds: 7, iterations: 3000, warmup: 1000, concurrency: 64, asyncRounds: 5, asyncCallbacks: 10000 };
  for (let i = 0; i < argv.length; i++) {
    const m = /^--([a-z-]+)(?:=(.*))?$/.exec(argv[i]);
    const key = m && m[1].replace(/-([a-z])/g, (_, c) => c.toUpperCase());
    if (!m || !(key in o)) throw new Error(`unknown option ${argv[i]} (options: ${Object.keys(o).join(', ')})`);
    const value = Number(m[2] !== undefined ? m[2] : argv[++i]);
    if (!Number.isInteger(value) || value < 1) throw new Error(`--${m[1]} takes a positive integer`);
    o[key] = value;
  }
  return o;
}

async function main() {
  const opts = options(process.argv.slice(2));
  const wpn = require('wechatpay-notify');
  const { Kit, FAILURES } = require('wechatpay-notify/testing');
  console.log(
    `Node ${process.version}, wechatpay-notify ${wpn.version} (${wpn.BACKEND}), ${PEER} ${PEER_VERSION}, ` +
      `${os.cpus().length} CPUs`,
  );
  const kit = new Kit({ certificate: true });
  // Configured as a merchant would: the APIv3 key and the platform certificate.
  const verifier = new wpn.Verifier({ apiv3Key: kit.apiv3Key, certificates: kit.certificatePem });
  const good = callback(kit);
  const serial = good.headers['wechatpay-serial'];
  assert.equal(new crypto.X509Certificate(kit.certificatePem).serialNumber, serial, 'Wechatpay-Serial: the certificate serial');
  const peer = makePeer(kit.apiv3Key, certificateDownload(kit.apiv3Key, kit.certificatePem, serial));
  const ctx = { wpn, FAILURES, kit, verifier, peer, good };
  await checks(ctx);
  ctx.getsBeforeTiming = peer.endpoint.gets;
  // The callback was signed now: the default rounds take seconds, far within the 300 s skew.
  await headToHead(ctx, opts);
  breakdown(ctx, opts);
  await inFlight(ctx, opts);
}

module.exports = { certificateDownload, CertificateEndpoint, makePeer, peerCallback, PeerRefused, requestHeaders };

if (require.main === module) {
  main().catch((error) => {
    console.error(`FAILED: ${error && error.stack ? error.stack : error}`);
    process.exitCode = 1;
  });
}
