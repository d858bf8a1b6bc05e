'use strict';
// Concurrency: worker_threads each loading the package and verifying the same kit's callbacks,
// 2000 concurrent parseAsync promises on the main thread, and both at once. Results are
// asserted, never timings.
//
// A verifier cannot be transferred to a worker (it is a native object): each worker requires
// the package itself and builds the same verifier from the kit's public key and APIv3 key,
// given in workerData.

const test = require('node:test');
const assert = require('node:assert/strict');
const { Worker } = require('node:worker_threads');

const { wpn, testing, PACKAGE_DIR, NOW, at, assertLibraryError } = require('./helpers');

const ROUNDS = 2000;
const WORKERS = 4;
const ASYNC_IN_WORKER = 200;

const kit = new testing.Kit();
const verifier = kit.verifier();
const options = at(NOW);

/** Distinct valid callbacks, each with its own id, order number and amount. */
const VALID = [...Array(32).keys()].map((i) => {
  const { headers, body } = kit.notification(
    'transaction',
    { out_trade_no: `T-${i}`, amount: { total: i + 1 } },
    { id: `EV-${i}`, timestamp: NOW },
  );
  return { headers, body, id: `EV-${i}`, outTradeNo: `T-${i}`, total: i + 1 };
});

/** A copy of `body` with one byte changed: no longer what was signed. */
function tamper(body) {
  const copy = Buffer.from(body);
  copy[copy.length >> 1] ^= 1;
  return copy;
}

// The worker: requires the package by its path, builds the verifier, parses ROUNDS callbacks
// (every fourth one tampered) with parse, then ASYNC_IN_WORKER with parseAsync, and reports
// counts and the first problems. Runs as CommonJS (eval), so require is available.
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const wpn = require(workerData.packageDir);
const verifier = new wpn.Verifier({
  apiv3Key: workerData.apiv3Key,
  publicKeys: { [workerData.keyId]: workerData.publicKeyPem },
});
const options = { now: new Date(workerData.now * 1000) };
const problems = [];
let ok = 0;
let refused = 0;
function tamper(body) {
  const copy = Uint8Array.from(body);
  copy[copy.length >> 1] ^= 1;
  return copy;
}
function check(n, cb, where) {
  const t = n.transaction();
  if (n.id !== cb.id || t.out_trade_no !== cb.outTradeNo || t.amount.total !== cb.total || n.kind !== 'transaction') {
    problems.push(where + ': wrong notification ' + n.id + ' for ' + cb.id);
    return false;
  }
  return true;
}
function refusal(e, where) {
  if (e instanceof wpn.SignatureError && e instanceof wpn.NotificationError && e.code === 'SIGNATURE_MISMATCH' && e.name === 'SignatureError') return true;
  problems.push(where + ': ' + (e && e.name) + ' ' + (e && e.code) + ' ' + (e && e.message));
  return false;
}
(async () => {
  if (workerData.signalStart) parentPort.postMessage({ started: true });
  const { callbacks, offset, rounds } = workerData;
  for (let i = 0; i < rounds; i++) {
    const cb = callbacks[(i + offset) % callbacks.length];
    const tampered = i % 4 === 3;
    try {
      const n = verifier.parse(cb.headers, tampered ? tamper(cb.body) : cb.body, options);
      if (tampered) problems.push('parse ' + i + ': tampered callback accepted');
      else if (check(n, cb, 'parse ' + i)) ok += 1;
    } catch (e) {
      if (!tampered) problems.push('parse ' + i + ': ' + (e && e.code) + ' ' + (e && e.message));
      else if (refusal(e, 'parse ' + i)) refused += 1;
    }
  }
  let asyncOk = 0;
  let asyncRefused = 0;
  const pending = [];
  for (let i = 0; i < workerData.asyncRounds; i++) {
    const cb = callbacks[(i + offset) % callbacks.length];
    const tampered = i % 4 === 3;
    pending.push(
      verifier.parseAsync(cb.headers, tampered ? tamper(cb.body) : cb.body, options).then(
        (n) => {
          if (tampered) problems.push('parseAsync ' + i + ': tampered callback accepted');
          else if (check(n, cb, 'parseAsync ' + i)) asyncOk += 1;
        },
        (e) => {
          if (!tampered) problems.push('parseAsync ' + i + ': ' + (e && e.code) + ' ' + (e && e.message));
          else if (refusal(e, 'parseAsync ' + i)) asyncRefused += 1;
        },
      ),
    );
  }
  await Promise.all(pending);
  parentPort.postMessage({ ok, refused, asyncOk, asyncRefused, problemCount: problems.length, problems: problems.slice(0, 10) });
})().catch((e) => {
  parentPort.postMessage({ fatal: String(e && e.stack || e) });
});
`;

/** Starts a worker; resolves with its report. */
function runWorker(offset, { rounds = ROUNDS, asyncRounds = ASYNC_IN_WORKER } = {}) {
  return new Promise((resolve, reject) => {
    const worker = new Worker(WORKER_SOURCE, {
      eval: true,
      workerData: {
        packageDir: PACKAGE_DIR,
        apiv3Key: kit.apiv3Key,
        keyId: kit.keyId,
        publicKeyPem: kit.publicKeyPem,
        now: NOW,
        offset,
        rounds,
        asyncRounds,
        // Buffers arrive as Uint8Arrays.
        callbacks: VALID.map(({ headers, body, id, outTradeNo, total }) => ({ headers, body, id, outTradeNo, total })),
      },
    });
    let report = null;
    worker.on('message', (m) => {
      if (!m.started) report = m;
    });
    worker.on('error', reject);
    worker.on('exit', (code) => {
      if (code !== 0) reject(new Error(`worker ${offset} exited with ${code}`));
      else if (!report) reject(new Error(`worker ${offset} sent no report`));
      else resolve(report);
    });
  });
}

/** A worker's report is all correct. */
function assertReport(report, rounds = ROUNDS, asyncRounds = ASYNC_IN_WORKER) {
  assert.equal(report.fatal, undefined, report.fatal);
  assert.deepEqual(report.problems, [], `${report.problemCount} problems`);
  assert.equal(report.problemCount, 0);
  const tamperedOf = (n) => Math.floor(n / 4);
  assert.equal(report.ok, rounds - tamperedOf(rounds));
  assert.equal(report.refused, tamperedOf(rounds));
  assert.equal(report.asyncOk, asyncRounds - tamperedOf(asyncRounds));
  assert.equal(report.asyncRefused, tamperedOf(asyncRounds));
}

test(`${WORKERS} worker_threads each parse ${ROUNDS} callbacks with the same configuration`, async () => {
  const reports = await Promise.all([...Array(WORKERS).keys()].map((w) => runWorker(w * 7)));
  assert.equal(reports.length, WORKERS);
  for (const report of reports) assertReport(report);
  // The main thread's verifier still works, its errors of its own classes.
  assert.equal(verifier.parse(VALID[0].headers, VALID[0].body, options).id, 'EV-0');
  assertLibraryError(
    (() => {
      try {
        verifier.parse(VALID[0].headers, tamper(VALID[0].body), options);
      } catch (e) {
        return e;
      }
      return null;
    })(),
    'SIGNATURE_MISMATCH',
  );
});

/** The main thread's mix: valid callbacks and each failure, with what each must give. */
function mixedRequests(count) {
  const failures = {
    tampered: VALID.slice(0, 8).map((cb) => ({ headers: cb.headers, body: tamper(cb.body), code: 'SIGNATURE_MISMATCH' })),
    stale: [...Array(8).keys()].map((i) => ({ ...kit.notification('transaction', {}, { failure: 'stale_timestamp', timestamp: NOW, id: `EV-stale-${i}` }), code: 'TIMESTAMP_SKEW' })),
    otherKey: [...Array(8).keys()].map((i) => ({ ...kit.notification('transaction', {}, { failure: 'other_apiv3_key', timestamp: NOW, id: `EV-other-${i}` }), code: 'DECRYPT_FAILED' })),
    unknownSerial: [...Array(8).keys()].map((i) => ({ ...kit.notification('transaction', {}, { failure: 'unknown_serial', timestamp: NOW, id: `EV-serial-${i}` }), code: 'UNKNOWN_SERIAL' })),
    missingHeader: VALID.slice(0, 8).map((cb) => ({ headers: { 'Wechatpay-Serial': cb.headers['Wechatpay-Serial'] }, body: cb.body, code: 'MISSING_HEADER' })),
  };
  const kinds = ['valid', 'valid', ...Object.keys(failures)];
  const requests = [];
  for (let i = 0; i < count; i++) {
    const kind = kinds[i % kinds.length];
    if (kind === 'valid') {
      const cb = VALID[i % VALID.length];
      requests.push({ headers: cb.headers, body: cb.body, expect: cb });
    } else {
      const list = failures[kind];
      const r = list[i % list.length];
      requests.push({ headers: r.headers, body: r.body, code: r.code });
    }
  }
  return requests;
}

/** Asserts the settled result of one request. */
function assertSettled(request, result, where) {
  if (request.expect) {
    assert.equal(result.status, 'fulfilled', `${where}: ${result.reason && `${result.reason.code} ${result.reason.message}`}`);
    const n = result.value;
    assert.equal(n.id, request.expect.id, where);
    const t = n.transaction();
    assert.equal(t.out_trade_no, request.expect.outTradeNo, where);
    assert.equal(t.amount.total, request.expect.total, where);
  } else {
    assert.equal(result.status, 'rejected', `${where}: expected ${request.code}`);
    assertLibraryError(result.reason, request.code, where);
  }
}

test('2000 concurrent parseAsync promises on the main thread, each settles with its own result', async () => {
  const requests = mixedRequests(2000);
  const results = await Promise.allSettled(requests.map((r) => verifier.parseAsync(r.headers, r.body, options)));
  assert.equal(results.length, 2000);
  let fulfilled = 0;
  results.forEach((result, i) => {
    assertSettled(requests[i], result, `request ${i}`);
    if (result.status === 'fulfilled') fulfilled += 1;
  });
  assert.equal(fulfilled, requests.filter((r) => r.expect).length);
  // The sync path agrees on every request.
  requests.forEach((r, i) => {
    let result;
    try {
      result = { status: 'fulfilled', value: verifier.parse(r.headers, r.body, options) };
    } catch (reason) {
      result = { status: 'rejected', reason };
    }
    assertSettled(r, result, `parse ${i}`);
  });
});

test('parse and parseAsync interleaved on the main thread while workers run', async () => {
  const running = [runWorker(3), runWorker(11, { rounds: 1000, asyncRounds: 400 })];
  const requests = mixedRequests(1000);
  for (let start = 0; start < requests.length; start += 50) {
    const batch = requests.slice(start, start + 50);
    const pending = [];
    batch.forEach((r, j) => {
      const i = start + j;
      if (i % 2 === 0) {
        pending.push(verifier.parseAsync(r.headers, r.body, options).then(
          (value) => assertSettled(r, { status: 'fulfilled', value }, `async ${i}`),
          (reason) => assertSettled(r, { status: 'rejected', reason }, `async ${i}`),
        ));
      } else {
        let result;
        try {
          result = { status: 'fulfilled', value: verifier.parse(r.headers, r.body, options) };
        } catch (reason) {
          result = { status: 'rejected', reason };
        }
        assertSettled(r, result, `sync ${i}`);
      }
    });
    await Promise.all(pending);
  }
  const [first, second] = await Promise.all(running);
  assertReport(first);
  assertReport(second, 1000, 400);
});

test('a worker terminated with parseAsync calls in flight does not disturb the process', async () => {
  const source = `
const { parentPort, workerData } = require('node:worker_threads');
const wpn = require(workerData.packageDir);
const v = new wpn.Verifier({ apiv3Key: workerData.apiv3Key, publicKeys: { [workerData.keyId]: workerData.publicKeyPem } });
const options = { now: new Date(workerData.now * 1000) };
for (let i = 0; i < 500; i++) v.parseAsync(workerData.headers, workerData.body, options).catch(() => {});
parentPort.postMessage('started');
setInterval(() => {}, 1000);
`;
  for (let round = 0; round < 3; round++) {
    const worker = new Worker(source, {
      eval: true,
      workerData: {
        packageDir: PACKAGE_DIR,
        apiv3Key: kit.apiv3Key,
        keyId: kit.keyId,
        publicKeyPem: kit.publicKeyPem,
        now: NOW,
        headers: VALID[0].headers,
        body: VALID[0].body,
      },
    });
    await new Promise((resolve, reject) => {
      worker.once('message', resolve);
      worker.once('error', reject);
    });
    await worker.terminate();
  }
  // The main thread goes on.
  const results = await Promise.all(VALID.map((cb) => verifier.parseAsync(cb.headers, cb.body, options)));
  assert.deepEqual(results.map((n) => n.id), VALID.map((cb) => cb.id));
});
