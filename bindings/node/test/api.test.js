'use strict';
// The JS API: argument forms (every Node header object, body types, now), configuration,
// error classes, replies, many merchants, diagnosis, verify/verifyResponse, decryptResource,
// APIv2 and the constants.

const test = require('node:test');
const assert = require('node:assert/strict');
const http = require('node:http');
const { createRequire } = require('node:module');
const path = require('node:path');
const { pathToFileURL } = require('node:url');

const {
  wpn,
  testing,
  PACKAGE_DIR,
  NOW,
  NOW_BEIJING,
  at,
  readJson,
  loadVectors,
  keyText,
  vectorVerifier,
  vectorRequest,
  verifierFromConfig,
  assertLibraryError,
  outcome,
  settle,
  seal,
  rawCallback,
  CATALOG,
} = require('./helpers');

const { Kit } = testing;

const APIV3_KEY = 'wpnTestAPIv3Key0123456789abcdefg';
const PUBLIC_KEY_ID = 'PUB_KEY_ID_0114232134912410000000000000';
const CERT_A_SERIAL = '5157F09EFDC096DE15EBE81A47057A7232F1B8E1';
const EVENT_ID = 'EV-2018022511223320873';

/** A payment result resource (a 直连支付 transaction). */
const TRANSACTION = {
  mchid: '1900000109',
  appid: 'wxd678efh567hg6787',
  out_trade_no: '1217752501201407033233368018',
  transaction_id: '4200001234202311140123456789',
  trade_type: 'JSAPI',
  trade_state: 'SUCCESS',
  trade_state_desc: '支付成功',
  bank_type: 'CMC',
  attach: '',
  success_time: '2023-11-14T22:13:19+08:00',
  payer: { openid: 'oUpF8uMuAJO_M2pxb1Q9zNjWeS6o' },
  amount: { total: 100, payer_total: 100, currency: 'CNY', payer_currency: 'CNY' },
};

/** The fixed text of each code's failure reply (docs/errors.md, error.rs). */
const REPLY_TEXT = {
  BODY_TOO_LARGE: 'body too large',
  WRONG_FORMAT: 'body in the wrong format for this notify_url',
  MISSING_HEADER: 'missing Wechatpay header',
  UNSUPPORTED_SIGNATURE_TYPE: 'unsupported signature type',
  BAD_TIMESTAMP: 'bad timestamp',
  TIMESTAMP_SKEW: 'timestamp outside the accepted window',
  SIGNATURE_PROBE: 'signature probe refused',
  UNKNOWN_SERIAL: 'unknown Wechatpay-Serial',
  KEY_EXPIRED: 'platform certificate expired',
  MALFORMED_SIGNATURE: 'malformed signature',
  SIGNATURE_MISMATCH: 'signature verification failed',
  MALFORMED_BODY: 'malformed body',
  MISSING_FIELD: 'missing field',
  RETURN_FAIL: 'return_code is not SUCCESS',
  UNSUPPORTED_ALGORITHM: 'unsupported algorithm',
  MALFORMED_RESOURCE: 'malformed resource',
  DECRYPT_FAILED: 'decryption failed',
  CONFIG_INVALID: 'receiver misconfigured',
  UNEXPECTED_EVENT: 'unexpected event',
};

const kit = new Kit();
const verifier = kit.verifier();

/** The kit's transaction callback at NOW (fresh each call: the nonce differs). */
function signed(extra = {}) {
  return kit.notification('transaction', {}, { resource: TRANSACTION, id: EVENT_ID, timestamp: NOW, ...extra });
}

/** `fn` throws the library's error for `code`; returns it. */
function throwsCode(fn, code, context) {
  const { error } = outcome(fn);
  assertLibraryError(error, code, context);
  return error;
}

/** `fn` throws a TypeError synchronously, or returns a promise rejected with one. */
async function refusesWithTypeError(fn, pattern, context) {
  let error = null;
  try {
    const result = fn();
    if (result && typeof result.then === 'function') ({ error } = await settle(result));
  } catch (e) {
    error = e;
  }
  assert.ok(error instanceof TypeError, `${context || ''}: expected a TypeError, got ${error && `${error.name}: ${error.message}`}`);
  if (pattern) assert.match(error.message, pattern, context);
  return error;
}

// ---------------------------------------------------------------- the notification

test('parse gives the envelope and the resource', () => {
  const { headers, body } = signed();
  assert.ok(Buffer.isBuffer(body));
  const n = verifier.parse(headers, body, at(NOW));
  assert.equal(n.id, EVENT_ID);
  assert.equal(n.eventType, 'TRANSACTION.SUCCESS');
  assert.equal(n.resourceType, 'encrypt-resource');
  assert.equal(n.summary, '支付成功');
  assert.equal(n.originalType, 'transaction');
  assert.equal(n.createTime, NOW_BEIJING);
  assert.equal(n.serial, kit.keyId);
  assert.equal(n.timestamp, NOW);
  assert.equal(typeof n.timestamp, 'number');
  assert.equal(n.mchid, null);
  assert.equal(n.kind, 'transaction');
  assert.ok(Buffer.isBuffer(n.plaintext));
  assert.deepStrictEqual(JSON.parse(n.plaintext.toString('utf8')), TRANSACTION);
  assert.deepStrictEqual(n.resource, TRANSACTION);
  assert.deepEqual(Object.keys(n.resource), Object.keys(JSON.parse(n.plaintext.toString('utf8'))));
  const t = n.transaction();
  assert.equal(t.out_trade_no, TRANSACTION.out_trade_no);
  assert.equal(t.amount.total, 100);
  assert.equal(t.payer.openid, TRANSACTION.payer.openid);
});

test('parseAsync resolves to the same notification and rejects with the same errors', async () => {
  const { headers, body } = signed();
  const n = await verifier.parseAsync(headers, body, at(NOW));
  assert.equal(n.id, EVENT_ID);
  assert.deepStrictEqual(n.resource, TRANSACTION);
  assert.equal(n.transaction().amount.total, 100);
  const { error } = await settle(verifier.parseAsync(headers, Buffer.concat([body, Buffer.from(' ')]), at(NOW)));
  assertLibraryError(error, 'SIGNATURE_MISMATCH');
  const late = await settle(verifier.parseAsync(headers, body, at(NOW + 3600)));
  assertLibraryError(late.error, 'TIMESTAMP_SKEW');
  // Arguments of the wrong type are refused (at once or as a rejection), never parsed.
  await refusesWithTypeError(() => verifier.parseAsync(headers, body.toString('utf8'), at(NOW)), /raw/i, 'parseAsync(string)');
  await refusesWithTypeError(() => verifier.parseAsync('headers', body, at(NOW)), null, 'parseAsync(string headers)');
});

test('parseAsync copies its arguments: the caller may reuse its buffer at once', async () => {
  const { headers, body } = signed();
  const mine = Buffer.from(body);
  const pending = verifier.parseAsync(headers, mine, at(NOW));
  mine.fill(0x20);
  const n = await pending;
  assert.equal(n.id, EVENT_ID);
});

test('the system clock is used without now; now is a Date', () => {
  const fresh = kit.notification('transaction', {}, { id: EVENT_ID });
  assert.equal(verifier.parse(fresh.headers, fresh.body).id, EVENT_ID);
  assert.equal(verifier.parse(fresh.headers, fresh.body, {}).id, EVENT_ID);
  assert.equal(verifier.parse(fresh.headers, fresh.body, { now: undefined }).id, EVENT_ID);
  const { headers, body } = signed();
  throwsCode(() => verifier.parse(headers, body), 'TIMESTAMP_SKEW');
  // Milliseconds are floored to the second, inside the window either way.
  assert.equal(verifier.parse(headers, body, { now: new Date(NOW * 1000 + 999) }).id, EVENT_ID);
  assert.equal(verifier.parse(headers, body, at(NOW + 300)).id, EVENT_ID);
  assert.equal(verifier.parse(headers, body, at(NOW - 300)).id, EVENT_ID);
  throwsCode(() => verifier.parse(headers, body, at(NOW + 301)), 'TIMESTAMP_SKEW');
  throwsCode(() => verifier.parse(headers, body, at(NOW - 301)), 'TIMESTAMP_SKEW');
});

test('now must be a valid Date', async () => {
  const { headers, body } = signed();
  await refusesWithTypeError(() => verifier.parse(headers, body, { now: new Date(NaN) }), null, 'invalid Date');
  await refusesWithTypeError(() => verifier.parse(headers, body, { now: NOW }), null, 'number now');
  await refusesWithTypeError(() => verifier.parse(headers, body, { now: String(NOW) }), null, 'string now');
});

test('the certificate serial matches case-insensitively', () => {
  const certKit = new Kit({ certificate: true });
  // The certificate is valid from a day ago: signed and checked at the system clock.
  const { headers, body } = certKit.notification();
  const serial = headers['Wechatpay-Serial'];
  assert.equal(serial, certKit.keyId);
  assert.equal(serial, serial.toUpperCase());
  assert.notEqual(serial, serial.toLowerCase());
  const n = certKit.verifier().parse({ ...headers, 'Wechatpay-Serial': serial.toLowerCase() }, body);
  assert.equal(n.serial, certKit.keyId);
});

// ---------------------------------------------------------------- header forms

/** The same headers in every form Node code holds them. */
function headerForms(headers) {
  const entries = Object.entries(headers);
  return {
    'kit object (Wechatpay-Serial)': { ...headers },
    'IncomingHttpHeaders (lowercase)': Object.fromEntries(entries.map(([k, v]) => [k.toLowerCase(), v])),
    'UPPERCASE object': Object.fromEntries(entries.map(([k, v]) => [k.toUpperCase(), v])),
    'mixed-case object': Object.fromEntries(entries.map(([k, v], i) => [i % 2 ? k.toLowerCase() : k.toUpperCase(), v])),
    'array values': Object.fromEntries(entries.map(([k, v]) => [k.toLowerCase(), [v]])),
    'WHATWG Headers': new Headers(headers),
    Map: new Map(entries),
    '[name, value] pairs': entries.map(([k, v]) => [k, v]),
    'flat rawHeaders': entries.flat(),
    'object with other headers': { host: 'example.com', 'content-length': '10', 'x-number': 1, ...headers, accept: ['*/*'] },
    'null-prototype object': Object.assign(Object.create(null), headers),
  };
}

test('every Node header form is read', async (t) => {
  const { headers, body } = signed();
  const forms = headerForms(headers);
  for (const [name, form] of Object.entries(forms)) {
    await t.test(name, () => {
      assert.equal(verifier.parse(form, body, at(NOW)).id, EVENT_ID, name);
    });
  }
  await t.test('an empty WHATWG Headers', () => {
    throwsCode(() => verifier.parse(new Headers(), body, at(NOW)), 'MISSING_HEADER');
  });
  // Tampered, every form refuses with the same code.
  for (const [name, form] of Object.entries(headerForms({ ...headers, 'Wechatpay-Nonce': 'other' }))) {
    await t.test(`${name}, tampered`, () => {
      throwsCode(() => verifier.parse(form, body, at(NOW)), 'SIGNATURE_MISMATCH', name);
    });
  }
});

test('a real http.IncomingMessage: req.headers, req.rawHeaders, raw body', async () => {
  const { headers, body } = signed();
  const seen = [];
  const server = http.createServer((req, res) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      const raw = Buffer.concat(chunks);
      for (const [name, form] of [['req.headers', req.headers], ['req.rawHeaders', req.rawHeaders]]) {
        const { value, error } = outcome(() => verifier.parse(form, raw, at(NOW)));
        seen.push([name, error ? error.code : value.id]);
      }
      const { error } = outcome(() => verifier.parse(req.headers, Buffer.concat([raw, Buffer.from('\n')]), at(NOW)));
      const reply = error ? wpn.replyFailure(error) : wpn.replySuccess();
      res.writeHead(reply.status, reply.headers);
      res.end(reply.body);
    });
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  try {
    const { port } = server.address();
    const reply = await new Promise((resolve, reject) => {
      const req = http.request({ host: '127.0.0.1', port, method: 'POST', path: '/notify', headers }, (res) => {
        const chunks = [];
        res.on('data', (c) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode, type: res.headers['content-type'], body: Buffer.concat(chunks).toString() }));
      });
      req.on('error', reject);
      req.end(body);
    });
    assert.deepEqual(seen, [['req.headers', EVENT_ID], ['req.rawHeaders', EVENT_ID]]);
    assert.equal(reply.status, 401);
    assert.equal(reply.type, 'application/json');
    assert.deepEqual(JSON.parse(reply.body), { code: 'FAIL', message: 'SIGNATURE_MISMATCH: signature verification failed' });
  } finally {
    await new Promise((resolve) => server.close(resolve));
  }
});

test('header rules: values trimmed, the first of a repeated name wins, look-alikes ignored', () => {
  const { headers, body } = signed();
  const entries = Object.entries(headers);
  const padded = entries.map(([k, v]) => [k, `  ${v}\t`]);
  assert.equal(verifier.parse(padded, body, at(NOW)).id, EVENT_ID);
  assert.equal(verifier.parse(Object.fromEntries(padded), body, at(NOW)).id, EVENT_ID);
  const repeated = [...entries, ['wechatpay-signature', 'AAAA']];
  assert.equal(verifier.parse(repeated, body, at(NOW)).id, EVENT_ID);
  assert.equal(verifier.parse(repeated.flat(), body, at(NOW)).id, EVENT_ID);
  const firstBad = [['WECHATPAY-SIGNATURE', 'AAAA'], ...entries];
  throwsCode(() => verifier.parse(firstBad, body, at(NOW)), 'MALFORMED_SIGNATURE');
  throwsCode(() => verifier.parse(firstBad.flat(), body, at(NOW)), 'MALFORMED_SIGNATURE');
  // An array value: its first element counts.
  const lower = Object.fromEntries(entries.map(([k, v]) => [k.toLowerCase(), v]));
  const sig = lower['wechatpay-signature'];
  assert.equal(verifier.parse({ ...lower, 'wechatpay-signature': [sig, 'AAAA'] }, body, at(NOW)).id, EVENT_ID);
  throwsCode(() => verifier.parse({ ...lower, 'wechatpay-signature': ['AAAA', sig] }, body, at(NOW)), 'MALFORMED_SIGNATURE');
  // Names that only look alike are not read.
  const near = Object.fromEntries(entries.map(([k, v]) => [k.replace(/-/g, '_'), v]));
  throwsCode(() => verifier.parse(near, body, at(NOW)), 'MISSING_HEADER');
  // An empty or missing header.
  throwsCode(() => verifier.parse({ ...lower, 'wechatpay-nonce': '' }, body, at(NOW)), 'MISSING_HEADER');
  throwsCode(() => verifier.parse({ ...lower, 'wechatpay-nonce': undefined }, body, at(NOW)), 'MISSING_HEADER');
  throwsCode(() => verifier.parse({}, body, at(NOW)), 'MISSING_HEADER');
  throwsCode(() => verifier.parse([], body, at(NOW)), 'MISSING_HEADER');
});

test('headers of the wrong shape or type are TypeErrors', async () => {
  const { headers, body } = signed();
  for (const [name, wrong] of [
    ['a string', 'Wechatpay-Serial: x'],
    ['a number', 42],
    ['null', null],
    ['undefined', undefined],
    ['a one-element pair', [['only-one']]],
    ['a triple', [['a', 'b', 'c']]],
    ['a number item', [42]],
    ['a flat array of odd length', ['Wechatpay-Serial', 'x', 'Wechatpay-Nonce']],
    ['a relevant header as a number', { 'Wechatpay-Timestamp': NOW }],
    ['a relevant header as an array of numbers', { 'wechatpay-timestamp': [NOW] }],
  ]) {
    await refusesWithTypeError(() => verifier.parse(wrong, body, at(NOW)), null, name);
  }
  // Other entries are never looked at.
  throwsCode(() => verifier.parse({ 'X-Other': 1, 'x-obj': { a: 1 } }, body, at(NOW)), 'MISSING_HEADER');
  assert.equal(verifier.parse({ ...headers, 'X-Other': 1 }, body, at(NOW)).id, EVENT_ID);
});

// ---------------------------------------------------------------- body

test('the body: Buffer or Uint8Array (any offset), a string refused', async () => {
  const { headers, body } = signed();
  assert.equal(verifier.parse(headers, body, at(NOW)).id, EVENT_ID);
  assert.equal(verifier.parse(headers, new Uint8Array(body), at(NOW)).id, EVENT_ID);
  // Views that do not start at the beginning of their ArrayBuffer.
  const padded = Buffer.concat([Buffer.from('garbage-before'), body, Buffer.from('garbage-after')]);
  const view = padded.subarray(14, 14 + body.length);
  assert.ok(view.byteOffset > 0 || padded.byteOffset !== view.byteOffset);
  assert.equal(verifier.parse(headers, view, at(NOW)).id, EVENT_ID);
  assert.equal(verifier.parse(headers, new Uint8Array(padded.buffer, padded.byteOffset + 14, body.length), at(NOW)).id, EVENT_ID);
  // A string: the raw body is needed; the message says so.
  const error = await refusesWithTypeError(() => verifier.parse(headers, body.toString('utf8'), at(NOW)), /raw/i, 'string body');
  assert.match(error.message, /Buffer/);
  for (const method of ['verify', 'diagnose', 'verifyResponse']) {
    await refusesWithTypeError(() => verifier[method](headers, body.toString('utf8'), at(NOW)), /raw/i, `${method}(string)`);
  }
  for (const [name, wrong] of [['null', null], ['undefined', undefined], ['a number', 1], ['an object', { a: 1 }], ['an array', [1, 2]], ['a parsed body', JSON.parse(body)]]) {
    await refusesWithTypeError(() => verifier.parse(headers, wrong, at(NOW)), null, `body ${name}`);
  }
  // Any change to the bytes is refused.
  throwsCode(() => verifier.parse(headers, Buffer.concat([body, Buffer.from(' ')]), at(NOW)), 'SIGNATURE_MISMATCH');
});

test('the body size limit', () => {
  const small = kit.verifier({ maxBodySize: 100 });
  assert.equal(small.maxBodySize, 100);
  const { headers, body } = signed();
  throwsCode(() => small.parse(headers, body, at(NOW)), 'BODY_TOO_LARGE');
  const exact = kit.verifier({ maxBodySize: body.length });
  assert.equal(exact.parse(headers, body, at(NOW)).id, EVENT_ID);
  const under = kit.verifier({ maxBodySize: body.length - 1 });
  throwsCode(() => under.parse(headers, body, at(NOW)), 'BODY_TOO_LARGE');
});

// ---------------------------------------------------------------- resource fidelity

test('resource equals JSON.parse(plaintext), for the exact plaintext WeChat Pay sends', async (t) => {
  const v = vectorVerifier('default');
  const plaintexts = [
    '{"c":18446744073709551615,"d":-9223372036854775808,"e":9007199254740993,"big":123456789012345678901234567890}',
    '{"f":0.1,"g":-0.0,"h":2.5e-3,"e":1e300,"n":-1.5e-300,"x":1.7976931348623157e308,"y":5e-324,"z":0.30000000000000004}',
    '{"z":1,"a":2,"10":"numeric key","2":"another","m":{"y":[1,{"x":null}],"b":true,"c":false}}',
    '{"s":"\\u00e9\\ud83d\\ude00 \\"q\\" \\\\ \\n \\u0000 \\u2028 é😀","empty":"","arr":[],"obj":{}}',
    '{"lone":"\\ud800"}',
    '{"a":1,"a":2}',
    '{"__proto__":{"polluted":1},"constructor":{"prototype":{"x":1}},"a":1}',
    '[1,{"a":[]}]',
    '"just a string"',
    '42',
    'true',
    'null',
    ' \n {"spaced" : 1 } \n',
  ];
  for (const plaintext of plaintexts) {
    await t.test(plaintext.slice(0, 50), () => {
      const { headers, body } = rawCallback(plaintext);
      const n = v.parse(headers, body, at(NOW));
      assert.ok(n.plaintext.equals(Buffer.from(plaintext, 'utf8')));
      const expected = JSON.parse(plaintext);
      assert.deepStrictEqual(n.resource, expected);
      if (expected && typeof expected === 'object' && !Array.isArray(expected)) {
        assert.deepEqual(Object.keys(n.resource), Object.keys(expected));
        // Own properties, the prototype untouched: "__proto__" is a key like any other.
        assert.equal(Object.getPrototypeOf(n.resource), Object.prototype);
        assert.equal({}.polluted, undefined);
      }
    });
  }
});

test("the kit writes the JS values it is given exactly", async (t) => {
  const resources = {
    integers: { a: 1, b: -2, c: 9007199254740991, d: -9007199254740991 },
    'simple floats': { f: 0.1, g: -0.5, h: 2.5e-3, i: 123.456 },
    'a large double (1e300)': { e: 1e300 },
    'a large double (1e20)': { e: 1e20 },
    'a tiny double (-1.5e-300)': { n: -1.5e-300 },
    'the smallest double (5e-324)': { y: 5e-324 },
    'key order and nesting': { z: 1, a: 2, 10: 'numeric key', m: { y: [1, { x: null }], b: true, c: false } },
    strings: { s: 'é😀 "quoted" \\ \n\u0000', empty: '', arr: [], obj: {} },
    'an array': [1, 2, 3],
    'a string': 'just a string',
    'a number': 42,
  };
  for (const [name, resource] of Object.entries(resources)) {
    await t.test(name, () => {
      const { headers, body } = kit.notification('transaction', {}, { resource, timestamp: NOW });
      const n = verifier.parse(headers, body, at(NOW));
      const expected = JSON.parse(n.plaintext.toString('utf8'));
      assert.deepStrictEqual(expected, resource);
      assert.deepStrictEqual(n.resource, expected);
    });
  }
});

// ---------------------------------------------------------------- configuration

test('configuration forms', () => {
  const pub = keyText('test-platform-b.pub.pem');
  const cert = keyText('test-platform-a.cert.pem');
  for (const v of [
    new wpn.Verifier({ apiv3Key: Buffer.from(APIV3_KEY), publicKeys: { [PUBLIC_KEY_ID]: Buffer.from(pub) } }),
    new wpn.Verifier({ apiv3Key: APIV3_KEY, publicKeys: { [PUBLIC_KEY_ID]: pub }, maxClockSkew: 120 }),
    new wpn.Verifier({ apiv3Key: APIV3_KEY, certificates: cert, maxClockSkew: 120, maxBodySize: 4096 }),
    new wpn.Verifier({ apiv3Key: APIV3_KEY, certificates: [Buffer.from(cert)] }),
    new wpn.Verifier({ apiv3Key: new Uint8Array(Buffer.from(APIV3_KEY)), certificates: [cert], publicKeys: undefined }),
  ]) {
    assert.ok(v instanceof wpn.Verifier);
    assert.ok([[PUBLIC_KEY_ID], [CERT_A_SERIAL]].some((ids) => JSON.stringify(ids) === JSON.stringify(v.keyIds)), String(v.keyIds));
  }
  const both = new wpn.Verifier({ apiv3Key: APIV3_KEY, publicKeys: { [PUBLIC_KEY_ID]: pub }, certificates: [cert] });
  assert.deepEqual(both.keyIds, [PUBLIC_KEY_ID, CERT_A_SERIAL]);
  assert.deepEqual(both.mchids, []);
  assert.equal(both.maxClockSkew, wpn.DEFAULT_MAX_CLOCK_SKEW);
  assert.equal(both.maxClockSkew, 300);
  assert.equal(both.maxBodySize, wpn.DEFAULT_MAX_BODY_SIZE);
  assert.equal(both.maxBodySize, 1024 * 1024);
  const limited = new wpn.Verifier({ apiv3Key: APIV3_KEY, certificates: cert, maxClockSkew: 120, maxBodySize: 4096 });
  assert.equal(limited.maxClockSkew, 120);
  assert.equal(limited.maxBodySize, 4096);
  // A verifier built from the vectors' key accepts the vectors' callbacks.
  const { headers, body, now } = vectorRequest('valid_transaction_public_key');
  assert.equal(both.parse(headers, body, at(now)).serial, PUBLIC_KEY_ID);
});

test('a bad configuration is a ConfigError (CONFIG_INVALID), not a NotificationError', async (t) => {
  const pub = keyText('test-platform-b.pub.pem');
  const good = { apiv3Key: APIV3_KEY, publicKeys: { [PUBLIC_KEY_ID]: pub } };
  const cases = {
    'apiv3Key too short': { ...good, apiv3Key: 'short' },
    'apiv3Key of 33 bytes': { ...good, apiv3Key: `${APIV3_KEY}\n` },
    'apiv3Key of 32 characters, 35 bytes': { ...good, apiv3Key: `${APIV3_KEY.slice(0, 31)}支` },
    'apiv3Key missing': { publicKeys: good.publicKeys },
    'no keys at all': { apiv3Key: APIV3_KEY },
    'publicKeys empty': { apiv3Key: APIV3_KEY, publicKeys: {} },
    'garbage public key': { apiv3Key: APIV3_KEY, publicKeys: { [PUBLIC_KEY_ID]: 'garbage' } },
    'garbage certificate': { apiv3Key: APIV3_KEY, certificates: ['garbage'] },
    'RSA-1024 public key': { apiv3Key: APIV3_KEY, publicKeys: { [PUBLIC_KEY_ID]: keyText('test-rsa-1024.pub.pem') } },
    'EC P-256 public key': { apiv3Key: APIV3_KEY, publicKeys: { [PUBLIC_KEY_ID]: keyText('test-ec-p256.pub.pem') } },
    'publicKeys an array': { apiv3Key: APIV3_KEY, publicKeys: [pub] },
    'maxClockSkew negative': { ...good, maxClockSkew: -1 },
    'maxClockSkew NaN': { ...good, maxClockSkew: NaN },
    'maxClockSkew fractional': { ...good, maxClockSkew: 1.5 },
    'maxClockSkew a string': { ...good, maxClockSkew: '300' },
    'maxBodySize negative': { ...good, maxBodySize: -5 },
  };
  for (const [name, options] of Object.entries(cases)) {
    await t.test(name, () => {
      const error = throwsCode(() => new wpn.Verifier(options), 'CONFIG_INVALID', name);
      assert.ok(error instanceof wpn.ConfigError);
      assert.ok(!(error instanceof wpn.NotificationError));
      assert.equal(error.name, 'ConfigError');
      assert.ok(!error.message.includes(APIV3_KEY), error.message);
    });
  }
});

test('every invalid configuration of the vectors is a ConfigError', () => {
  const vectors = loadVectors();
  const invalid = Object.keys(vectors.verifiers).filter((name) => name.startsWith('invalid_'));
  assert.ok(invalid.length >= 10);
  for (const name of invalid) {
    throwsCode(() => verifierFromConfig(vectors.verifiers[name]), 'CONFIG_INVALID', name);
  }
});

// ---------------------------------------------------------------- error classes

/** One real error of each code, from the vectors (and a typed accessor for UNEXPECTED_EVENT). */
function oneErrorPerCode() {
  const vectors = loadVectors();
  const errors = new Map();
  for (const c of vectors.cases) {
    const code = c.expect.error;
    if (!code || errors.has(code)) continue;
    const body = Buffer.from(c.body_hex || '', 'hex');
    let run;
    if (c.type === 'v3_config') run = () => verifierFromConfig(vectors.verifiers[c.verifier]);
    else if (c.type === 'v2_config') run = () => new wpn.V2Verifier({ key: vectors.v2_keys[c.v2_key] });
    else if (c.type === 'v3_parse') run = () => verifierFromConfig(vectors.verifiers[c.verifier]).parse(c.headers, body, at(c.now));
    else if (c.type === 'v3_verify') run = () => verifierFromConfig(vectors.verifiers[c.verifier]).verify(c.headers, body, at(c.now));
    else if (c.type === 'v2_payment') run = () => new wpn.V2Verifier({ key: vectors.v2_keys[c.v2_key] }).parsePayment(body);
    else run = () => new wpn.V2Verifier({ key: vectors.v2_keys[c.v2_key] }).parseRefund(body);
    const { error } = outcome(run);
    assertLibraryError(error, code, c.name);
    errors.set(code, error);
  }
  const { headers, body } = signed();
  const n = verifier.parse(headers, body, at(NOW));
  errors.set('UNEXPECTED_EVENT', outcome(() => n.refund()).error);
  return errors;
}

test('error classes by family: instanceof, .code, .name, .message', () => {
  const errors = oneErrorPerCode();
  assert.deepEqual([...errors.keys()].sort(), [...wpn.ERROR_CODES].sort());
  for (const [code, error] of errors) {
    assertLibraryError(error, code, code);
    assert.ok(error instanceof Error);
    assert.equal(typeof error.stack, 'string');
    const authenticity = wpn.AUTHENTICITY_CODES.includes(code);
    assert.equal(error instanceof wpn.SignatureError, authenticity, code);
    const classes = [wpn.SignatureError, wpn.DecryptionError, wpn.FormatError, wpn.ConfigError].filter((C) => error instanceof C);
    assert.equal(classes.length, 1, `${code}: instance of ${classes.map((C) => C.name)}`);
    assert.ok(String(error).includes(error.message), code);
  }
  for (const [name, Class] of [['SignatureError', wpn.SignatureError], ['DecryptionError', wpn.DecryptionError], ['FormatError', wpn.FormatError]]) {
    assert.ok(Class.prototype instanceof wpn.NotificationError, name);
    assert.equal(Class.name, name);
  }
  assert.equal(wpn.NotificationError.name, 'NotificationError');
  assert.equal(wpn.ConfigError.name, 'ConfigError');
  assert.ok(wpn.NotificationError.prototype instanceof Error);
  assert.ok(wpn.ConfigError.prototype instanceof Error);
  assert.ok(!(wpn.ConfigError.prototype instanceof wpn.NotificationError));
});

// ---------------------------------------------------------------- replies

test('replySuccess and replyFailure', () => {
  assert.deepStrictEqual(wpn.replySuccess(), { status: 204, headers: {}, body: '' });
  const errors = oneErrorPerCode();
  for (const [code, error] of errors) {
    const reply = wpn.replyFailure(error);
    const expected = code === 'CONFIG_INVALID' ? 500 : wpn.AUTHENTICITY_CODES.includes(code) ? 401 : 500;
    assert.equal(reply.status, expected, code);
    assert.deepStrictEqual(reply.headers, { 'Content-Type': 'application/json' }, code);
    const parsed = JSON.parse(String(reply.body));
    assert.deepEqual(Object.keys(parsed).sort(), ['code', 'message']);
    assert.equal(parsed.code, 'FAIL');
    if (code !== 'CONFIG_INVALID') {
      // The body depends on the code only, never on the (log-only) message.
      assert.equal(parsed.message, `${code}: ${REPLY_TEXT[code]}`, code);
      assert.ok(String(reply.body).length < 120, code);
    }
    assert.equal(wpn.replyFailure(error, { status: 503 }).status, 503, code);
  }
  // Two errors of one code with different messages give the same reply.
  const { headers, body } = signed();
  const a = outcome(() => verifier.parse({ ...headers, 'Wechatpay-Serial': 'PUB_KEY_ID_1' }, body, at(NOW))).error;
  const b = outcome(() => verifier.parse({ ...headers, 'Wechatpay-Serial': 'OTHER_SERIAL' }, body, at(NOW))).error;
  assert.equal(a.code, 'UNKNOWN_SERIAL');
  assert.notEqual(a.message, b.message);
  assert.deepStrictEqual(wpn.replyFailure(a), wpn.replyFailure(b));
  assert.deepStrictEqual(JSON.parse(wpn.replyFailure(a).body), { code: 'FAIL', message: 'UNKNOWN_SERIAL: unknown Wechatpay-Serial' });
  // A message of your own is sent as given; an Error that is not the library's never is.
  const own = wpn.replyFailure('database unavailable');
  assert.equal(own.status, 500);
  assert.deepStrictEqual(JSON.parse(own.body), { code: 'FAIL', message: 'database unavailable' });
  assert.equal(wpn.replyFailure('busy', { status: 429 }).status, 429);
  for (const foreign of [new Error('db at 10.0.0.5 down'), new TypeError('x is undefined'), new Error()]) {
    const reply = wpn.replyFailure(foreign);
    assert.equal(reply.status, 500);
    assert.deepStrictEqual(JSON.parse(reply.body), { code: 'FAIL', message: 'internal error' });
    assert.ok(!String(reply.body).includes('10.0.0.5'));
  }
  // JSON escaping of a message of your own.
  assert.deepStrictEqual(JSON.parse(wpn.replyFailure('say "hi"\n').body), { code: 'FAIL', message: 'say "hi"\n' });
});

test('v2ReplySuccess and v2ReplyFailure', () => {
  const ok = wpn.v2ReplySuccess();
  assert.equal(ok.status, 200);
  assert.match(ok.headers['Content-Type'], /^application\/xml/);
  assert.equal(String(ok.body), '<xml><return_code><![CDATA[SUCCESS]]></return_code><return_msg><![CDATA[OK]]></return_msg></xml>');
  const fail = wpn.v2ReplyFailure('签名失败');
  assert.equal(fail.status, 200);
  assert.match(fail.headers['Content-Type'], /^application\/xml/);
  assert.equal(String(fail.body), '<xml><return_code><![CDATA[FAIL]]></return_code><return_msg><![CDATA[签名失败]]></return_msg></xml>');
  const split = String(wpn.v2ReplyFailure('签名失败 ]]> x').body);
  assert.ok(split.includes('FAIL') && split.includes('签名失败') && split.includes(']]]]><![CDATA[>'), split);
});

// ---------------------------------------------------------------- many merchants

test('Verifier.forMerchants with kits: each callback names its merchant', () => {
  const [A, B, C] = ['1900000001', '1900000002', '1900000003'];
  const shop = new Kit();
  const group = new Kit({ certificate: true });
  const branch = shop.sharingKey();
  assert.equal(branch.keyId, shop.keyId);
  assert.equal(branch.publicKeyPem, shop.publicKeyPem);
  assert.notEqual(branch.apiv3Key, shop.apiv3Key);
  const merchant = shop.merchant(A);
  assert.equal(merchant.mchid, A);
  assert.equal(merchant.apiv3Key, shop.apiv3Key);
  assert.deepEqual(Object.keys(merchant.publicKeys), [shop.keyId]);
  const groupMerchant = group.merchant(B);
  assert.deepEqual([].concat(groupMerchant.certificates).length, 1);
  const three = wpn.Verifier.forMerchants([merchant, groupMerchant, branch.merchant(C)]);
  assert.deepEqual(three.mchids, [A, B, C]);
  // The shared key is configured once: one serial names one key.
  assert.deepEqual(three.keyIds, [shop.keyId, group.keyId]);
  for (const [k, mchid] of [[shop, A], [group, B], [branch, C]]) {
    const t = k.notification('transaction', { out_trade_no: `T-${mchid}` });
    let n = three.parse(t.headers, t.body);
    assert.equal(n.mchid, mchid);
    assert.equal(n.transaction().mchid, mchid);
    assert.equal(n.transaction().out_trade_no, `T-${mchid}`);
    const r = k.notification('refund');
    n = three.parse(r.headers, r.body);
    assert.equal(n.mchid, mchid);
    assert.equal(n.refund().mchid, mchid);
  }
  // A stranger's key: UNKNOWN_SERIAL listing the serials by merchant.
  const stranger = new Kit();
  const s = stranger.notification();
  const unknown = throwsCode(() => three.parse(s.headers, s.body), 'UNKNOWN_SERIAL');
  for (const part of [`${A} ${shop.keyId}`, `${B} ${group.keyId}`, `${C} ${shop.keyId}`, stranger.keyId]) {
    assert.ok(unknown.message.includes(part), `${part} not in ${unknown.message}`);
  }
  // The shared key with an APIv3 key nobody has: authentic, not decryptable.
  const sharing = shop.sharingKey().notification();
  assert.equal(three.verify(sharing.headers, sharing.body), undefined);
  const failed = throwsCode(() => three.parse(sharing.headers, sharing.body), 'DECRYPT_FAILED');
  assert.ok(failed.message.includes(A) && failed.message.includes(C) && !failed.message.includes(B), failed.message);
  for (const key of [shop.apiv3Key, group.apiv3Key, branch.apiv3Key]) assert.ok(!failed.message.includes(key));
  const diagnosed = three.diagnose(sharing.headers, sharing.body);
  assert.equal(diagnosed.error.code, 'DECRYPT_FAILED');
});

test('Verifier.forMerchants: limits and configuration errors', () => {
  const shop = new Kit();
  const one = wpn.Verifier.forMerchants([shop.merchant('1900000001')], { maxClockSkew: 120, maxBodySize: 4096 });
  assert.equal(one.maxClockSkew, 120);
  assert.equal(one.maxBodySize, 4096);
  const { headers, body } = shop.notification();
  assert.equal(one.parse(headers, body).mchid, '1900000001');
  const defaults = wpn.Verifier.forMerchants([shop.merchant('1900000001')]);
  assert.equal(defaults.maxClockSkew, wpn.DEFAULT_MAX_CLOCK_SKEW);
  assert.equal(defaults.maxBodySize, wpn.DEFAULT_MAX_BODY_SIZE);
  throwsCode(() => wpn.Verifier.forMerchants([]), 'CONFIG_INVALID');
  throwsCode(() => wpn.Verifier.forMerchants([shop.merchant('1900000001'), shop.merchant('1900000001')]), 'CONFIG_INVALID');
  throwsCode(() => wpn.Verifier.forMerchants([{ ...shop.merchant('1900000001'), mchid: undefined }]), 'CONFIG_INVALID');
  throwsCode(() => wpn.Verifier.forMerchants([{ ...shop.merchant('1900000001'), apiv3Key: 'short' }]), 'CONFIG_INVALID');
  // One serial, two different keys.
  const other = new Kit();
  const clash = { ...other.merchant('1900000002'), publicKeys: { [shop.keyId]: other.publicKeyPem } };
  const error = throwsCode(() => wpn.Verifier.forMerchants([shop.merchant('1900000001'), clash]), 'CONFIG_INVALID');
  assert.ok(!error.message.includes(shop.apiv3Key) && !error.message.includes(other.apiv3Key));
});

// ---------------------------------------------------------------- diagnosis

test('diagnose: ok, a late callback, checks', () => {
  const { headers, body } = signed();
  const ok = verifier.diagnose(headers, body, at(NOW));
  assert.equal(ok.kind, 'v3');
  assert.equal(ok.ok, true);
  assert.equal(ok.error ?? null, null);
  assert.deepEqual(ok.hints, []);
  assert.deepEqual(ok.checks.map((c) => c.step), [...Array(16).keys()]);
  for (const check of ok.checks) {
    assert.notEqual(check.status, 'failed');
    assert.equal(check.code ?? null, null);
    assert.equal(typeof check.name, 'string');
    assert.ok(check.name.length > 0);
    assert.equal(typeof check.message, 'string');
  }
  const late = verifier.diagnose(headers, body, at(NOW + 3600));
  assert.equal(late.ok, false);
  assertLibraryError(late.error, 'TIMESTAMP_SKEW');
  const failed = late.checks.filter((c) => c.status === 'failed');
  assert.deepEqual(failed.map((c) => [c.step, c.code]), [[5, 'TIMESTAMP_SKEW']]);
  // Past the skew, the signature and the decryption are still checked and pass.
  assert.equal(late.checks[10].status, 'passed');
  assert.equal(late.checks[14].status, 'passed');
  // diagnose never throws for a refused callback.
  const missing = verifier.diagnose({}, body, at(NOW));
  assert.equal(missing.ok, false);
  assertLibraryError(missing.error, 'MISSING_HEADER');
});

test('diagnose names the signs of a re-serialized body', () => {
  const { headers, body } = kit.notification('transaction', {}, { id: 'EV/2024/1', timestamp: NOW });
  // JSON.stringify(JSON.parse(body)) gives the same bytes back (compact, raw UTF-8)...
  const same = Buffer.from(JSON.stringify(JSON.parse(body)));
  assert.ok(same.equals(body));
  assert.equal(verifier.diagnose(headers, same, at(NOW)).ok, true);
  // ...pretty-printing does not.
  const pretty = Buffer.from(JSON.stringify(JSON.parse(body), null, 2));
  const d = verifier.diagnose(headers, pretty, at(NOW));
  assert.equal(d.ok, false);
  assertLibraryError(d.error, 'SIGNATURE_MISMATCH');
  assert.ok(Array.isArray(d.hints));
  assert.deepEqual([...d.hints].sort(), ['indentation', 'line_breaks', 'space_after_colon']);
  const step10 = d.checks[10];
  assert.equal(step10.status, 'failed');
  assert.equal(step10.code, 'SIGNATURE_MISMATCH');
  assert.ok(step10.message.includes('the body looks re-serialized: it has'), step10.message);
  assert.ok(step10.message.startsWith(d.error.message));
  assert.ok(!d.error.message.includes('looks re-serialized'));
  // The diagnosis goes on: the resource still decrypts.
  assert.equal(d.checks[14].status, 'passed');
  // parse never says it.
  const parsed = throwsCode(() => verifier.parse(headers, pretty, at(NOW)), 'SIGNATURE_MISMATCH');
  assert.ok(!parsed.message.includes('looks re-serialized'));
  // The kit's reserialized callback, and PHP's escaped slashes.
  const re = kit.notification('transaction', {}, { failure: 'reserialized', timestamp: NOW });
  const dr = verifier.diagnose(re.headers, re.body, at(NOW));
  assert.deepEqual(dr.hints, ['line_breaks', 'indentation', 'space_after_colon']);
  assert.ok(dr.checks[10].message.includes('line breaks inside the JSON (pretty-printed)'));
  const php = Buffer.from(body.toString('utf8').replace('EV/2024/1', 'EV\\/2024\\/1'));
  assert.deepEqual(verifier.diagnose(headers, php, at(NOW)).hints, ['escaped_slashes']);
  // No hint without the signs.
  const tampered = kit.notification('transaction', {}, { failure: 'tampered_body', timestamp: NOW });
  const dt = verifier.diagnose(tampered.headers, tampered.body, at(NOW));
  assert.equal(dt.error.code, 'SIGNATURE_MISMATCH');
  assert.deepEqual(dt.hints, []);
  assert.equal(dt.checks[10].message, dt.error.message);
});

test('a diagnosis says "none" with null: error of an accepted callback, code of a check that did not fail', () => {
  const { headers, body } = signed();
  const diagnoses = {
    'v3 accepted': verifier.diagnose(headers, body, at(NOW)),
    'v3 refused': verifier.diagnose(headers, body, at(NOW + 3600)),
    'v2 accepted': kit.v2Verifier().diagnose(kit.v2Payment()),
  };
  for (const [name, d] of Object.entries(diagnoses)) {
    assert.deepEqual(Object.keys(d).filter((k) => d[k] === undefined), [], `${name}: undefined fields`);
    if (d.ok) assert.strictEqual(d.error, null, `${name}: error`);
    for (const check of d.checks) {
      for (const field of ['step', 'name', 'status', 'code', 'message']) {
        assert.ok(field in check, `${name}: step ${check.step} has no ${field}`);
      }
      if (check.status !== 'failed') assert.strictEqual(check.code, null, `${name}: step ${check.step} code`);
    }
  }
});

// ---------------------------------------------------------------- verify, verifyResponse

test('verify checks authenticity only', () => {
  // Sealed with another APIv3 key: authentic, so verify passes; parse cannot decrypt it.
  const other = kit.notification('transaction', {}, { failure: 'other_apiv3_key', timestamp: NOW });
  assert.equal(verifier.verify(other.headers, other.body, at(NOW)), undefined);
  throwsCode(() => verifier.parse(other.headers, other.body, at(NOW)), 'DECRYPT_FAILED');
  // A signed body that is no notification at all (a conformance vector).
  const vectors = vectorVerifier('default');
  const garbage = vectorRequest('verify_ok_garbage_resource');
  assert.equal(vectors.verify(garbage.headers, garbage.body, at(garbage.now)), undefined);
  throwsCode(() => vectors.parse(garbage.headers, garbage.body, at(garbage.now)), 'MALFORMED_BODY');
  const tampered = kit.notification('transaction', {}, { failure: 'tampered_body', timestamp: NOW });
  throwsCode(() => verifier.verify(tampered.headers, tampered.body, at(NOW)), 'SIGNATURE_MISMATCH');
});

test('verifyResponse accepts any signed body', () => {
  const xml = kit.notification('transaction', {}, { failure: 'xml_body', timestamp: NOW });
  assert.ok(xml.body.toString('utf8').startsWith('<xml>'));
  assert.equal(verifier.verifyResponse(xml.headers, xml.body, at(NOW)), undefined);
  throwsCode(() => verifier.verifyResponse(xml.headers, Buffer.concat([xml.body, Buffer.from(' ')]), at(NOW)), 'SIGNATURE_MISMATCH');
  throwsCode(() => verifier.verify(xml.headers, xml.body, at(NOW)), 'WRONG_FORMAT');
  const vectors = vectorVerifier('default');
  for (const name of ['verify_ok_body_not_json', 'verify_wrong_format', 'verify_ok_garbage_resource']) {
    const { headers, body, now } = vectorRequest(name);
    assert.equal(vectors.verifyResponse(headers, body, at(now)), undefined, name);
    const { error } = outcome(() => vectors.verifyResponse(headers, Buffer.concat([body, Buffer.from(' ')]), at(now)));
    assert.ok(error instanceof wpn.SignatureError, name);
  }
});

// ---------------------------------------------------------------- decryptResource, decryptCertificates

test('decryptResource', () => {
  const key = APIV3_KEY;
  const nonce = 'abcdefghijkl';
  const aad = 'transaction';
  const plaintext = JSON.stringify(TRANSACTION);
  const ciphertext = seal(key, nonce, aad, plaintext);
  const opened = wpn.decryptResource(key, nonce, aad, ciphertext);
  assert.ok(Buffer.isBuffer(opened));
  assert.equal(opened.toString('utf8'), plaintext);
  const fromBuffers = wpn.decryptResource(Buffer.from(key), Buffer.from(nonce), Buffer.from(aad), Buffer.from(ciphertext));
  assert.ok(fromBuffers.equals(opened));
  // An empty plaintext.
  assert.equal(wpn.decryptResource(key, nonce, '', seal(key, nonce, '', '')).length, 0);
  throwsCode(() => wpn.decryptResource('x'.repeat(32), nonce, aad, ciphertext), 'DECRYPT_FAILED');
  throwsCode(() => wpn.decryptResource(key, nonce, 'other', ciphertext), 'DECRYPT_FAILED');
  throwsCode(() => wpn.decryptResource(key, 'abcdefghijk', aad, ciphertext), 'MALFORMED_RESOURCE');
  throwsCode(() => wpn.decryptResource(key, nonce, aad, '!!'), 'MALFORMED_RESOURCE');
  throwsCode(() => wpn.decryptResource(key, nonce, aad, Buffer.alloc(8).toString('base64')), 'MALFORMED_RESOURCE');
  const config = throwsCode(() => wpn.decryptResource('short', nonce, aad, ciphertext), 'CONFIG_INVALID');
  assert.ok(config instanceof wpn.ConfigError);
  // The kit's own callback opens with its key.
  const { body } = signed();
  const resource = JSON.parse(body).resource;
  const own = wpn.decryptResource(kit.apiv3Key, resource.nonce, resource.associated_data, resource.ciphertext);
  assert.deepStrictEqual(JSON.parse(own), TRANSACTION);
});

// ---------------------------------------------------------------- APIv2

test('V2Verifier: parsePayment and parseRefund', () => {
  const v2 = kit.v2Verifier();
  assert.ok(v2 instanceof wpn.V2Verifier);
  const fields = v2.parsePayment(kit.v2Payment({ attach: '订单', out_trade_no: '1409811653' }));
  assert.equal(fields.out_trade_no, '1409811653');
  assert.equal(fields.attach, '订单');
  assert.equal(fields.return_code, 'SUCCESS');
  for (const value of Object.values(fields)) assert.equal(typeof value, 'string');
  const xml = kit.v2Payment();
  assert.ok(Buffer.isBuffer(xml));
  assert.deepStrictEqual({ ...v2.parsePayment(new Uint8Array(xml)) }, { ...v2.parsePayment(xml) });
  const hmac = v2.parsePayment(kit.v2Payment({}, { signType: 'HMAC-SHA256' }));
  assert.equal(hmac.sign_type, 'HMAC-SHA256');
  throwsCode(() => new wpn.V2Verifier({ key: 'x'.repeat(32) }).parsePayment(xml), 'SIGNATURE_MISMATCH');
  throwsCode(() => v2.parsePayment(Buffer.from('{"id":"json"}')), 'WRONG_FORMAT');
  const refund = v2.parseRefund(kit.v2Refund({ out_refund_no: 'R1', refund_status: 'SUCCESS' }));
  const reqInfo = refund.req_info;
  assert.ok(reqInfo && typeof reqInfo === 'object');
  for (const value of Object.values(reqInfo)) assert.equal(typeof value, 'string');
  assert.equal(reqInfo.out_refund_no, 'R1');
  assert.equal(reqInfo.refund_status, 'SUCCESS');
  assert.equal(refund.return_code, 'SUCCESS');
  assert.ok(!('sign' in refund));
  throwsCode(() => new wpn.V2Verifier({ key: 'y'.repeat(32) }).parseRefund(kit.v2Refund()), 'DECRYPT_FAILED');
  const small = new wpn.V2Verifier({ key: kit.v2Key, maxBodySize: 10 });
  throwsCode(() => small.parsePayment(xml), 'BODY_TOO_LARGE');
  throwsCode(() => new wpn.V2Verifier({ key: 'short' }), 'CONFIG_INVALID');
  throwsCode(() => new wpn.V2Verifier({ key: kit.v2Key.slice(1) }), 'CONFIG_INVALID');
  assert.equal(new wpn.V2Verifier({ key: kit.v2Key }).parsePayment(xml).sign, v2.parsePayment(xml).sign);
});

test('V2Verifier: diagnose reports every check', () => {
  const v2 = kit.v2Verifier();
  const ok = v2.diagnose(kit.v2Payment());
  assert.equal(ok.kind, 'v2_payment');
  assert.equal(ok.ok, true);
  assert.equal(ok.error ?? null, null);
  assert.deepEqual(ok.hints, []);
  assert.deepEqual(ok.checks.map((c) => c.step), [0, 1, 2, 3, 4, 5, 6]);
  assert.ok(ok.checks.every((c) => c.status === 'passed' && (c.code ?? null) === null));
  const bad = new wpn.V2Verifier({ key: 'x'.repeat(32) }).diagnose(kit.v2Payment({}, { signType: 'HMAC-SHA256' }));
  assert.equal(bad.ok, false);
  assertLibraryError(bad.error, 'SIGNATURE_MISMATCH');
  assert.deepEqual(bad.checks.filter((c) => c.status !== 'passed').map((c) => [c.step, c.status, c.code]), [[6, 'failed', 'SIGNATURE_MISMATCH']]);
  const refund = v2.diagnose(kit.v2Refund({ out_refund_no: 'R1' }));
  assert.equal(refund.kind, 'v2_refund');
  assert.equal(refund.ok, true);
  assert.equal(refund.checks.length, 6);
  const wrongKey = new wpn.V2Verifier({ key: 'y'.repeat(32) }).diagnose(kit.v2Refund());
  assert.equal(wrongKey.checks[5].code, 'DECRYPT_FAILED');
  assertLibraryError(wrongKey.error, 'DECRYPT_FAILED');
  const json = v2.diagnose(Buffer.from('{"id":"json"}'));
  assert.equal(json.checks[1].code, 'WRONG_FORMAT');
  assert.deepEqual([...new Set(json.checks.slice(2).map((c) => c.status))], ['skipped']);
});

// ---------------------------------------------------------------- constants

test('constants', () => {
  assert.deepEqual(wpn.ERROR_CODES, [
    'BODY_TOO_LARGE', 'WRONG_FORMAT', 'MISSING_HEADER', 'UNSUPPORTED_SIGNATURE_TYPE', 'BAD_TIMESTAMP',
    'TIMESTAMP_SKEW', 'SIGNATURE_PROBE', 'UNKNOWN_SERIAL', 'KEY_EXPIRED', 'MALFORMED_SIGNATURE',
    'SIGNATURE_MISMATCH', 'MALFORMED_BODY', 'MISSING_FIELD', 'RETURN_FAIL', 'UNSUPPORTED_ALGORITHM',
    'MALFORMED_RESOURCE', 'DECRYPT_FAILED', 'CONFIG_INVALID', 'UNEXPECTED_EVENT',
  ]);
  assert.deepEqual(wpn.AUTHENTICITY_CODES, wpn.ERROR_CODES.slice(2, 11));
  assert.deepEqual(wpn.KINDS, CATALOG.kinds.map((k) => k.kind));
  assert.ok(!wpn.KINDS.includes('unknown'));
  assert.equal(wpn.BACKEND, 'aws-lc');
  const pkg = readJson(path.join(PACKAGE_DIR, 'package.json'));
  assert.equal(pkg.name, 'wechatpay-notify');
  assert.equal(wpn.version, pkg.version);
  assert.match(wpn.version, /^\d+\.\d+\.\d+/);
  assert.equal(wpn.DEFAULT_MAX_BODY_SIZE, 1024 * 1024);
  assert.equal(wpn.DEFAULT_MAX_CLOCK_SKEW, 300);
  // The testing module's failures are the core's, each refused with a code of ERROR_CODES.
  const { FAILURES } = testing;
  assert.deepEqual(Object.keys(FAILURES).sort(), [
    'future_timestamp', 'other_apiv3_key', 'probe', 'reserialized', 'stale_timestamp', 'tampered_body', 'unknown_serial', 'xml_body',
  ]);
  for (const code of Object.values(FAILURES)) assert.ok(wpn.ERROR_CODES.includes(code), code);
  // The same classes from the testing module's verifiers.
  const { error } = outcome(() => kit.verifier().parse({}, Buffer.from('{}')));
  assert.ok(error instanceof wpn.SignatureError);
});

test('the package by its name: CommonJS and ESM, main module and testing', async () => {
  // By name, through package.json "exports", as an application loads it: a self-reference from
  // inside the package under test (this checkout's, or the installed copy of WPN_NODE_PACKAGE).
  const own = createRequire(path.join(PACKAGE_DIR, 'package.json'));
  assert.equal(own('wechatpay-notify'), wpn);
  assert.equal(own('wechatpay-notify/testing'), testing);
  const ownCopy = PACKAGE_DIR === path.resolve(__dirname, '..');
  const exportsMap = readJson(path.join(PACKAGE_DIR, 'package.json')).exports;
  const esmEntry = (subpath) => pathToFileURL(path.join(PACKAGE_DIR, exportsMap[subpath].import)).href;
  const esm = ownCopy ? await import('wechatpay-notify') : await import(esmEntry('.'));
  for (const name of Object.keys(wpn)) assert.equal(esm[name], wpn[name], `ESM export ${name}`);
  assert.equal(esm.default, wpn);
  const esmTesting = ownCopy ? await import('wechatpay-notify/testing') : await import(esmEntry('./testing'));
  assert.equal(esmTesting.Kit, testing.Kit);
  assert.equal(esmTesting.FAILURES, testing.FAILURES);
});

// ---------------------------------------------------------------- inspection

test('util.inspect of a notification shows its envelope, never the decrypted resource', () => {
  const { inspect } = require('node:util');
  const { headers, body } = kit.notification('transaction', { out_trade_no: 'INSPECT-ME-1' });
  const n = verifier.parse(headers, body);
  const shown = inspect(n);
  assert.match(shown, /^Notification \{/);
  assert.ok(shown.includes(n.id) && shown.includes("'transaction'") && shown.includes(n.serial), shown);
  assert.ok(!shown.includes('INSPECT-ME-1'), shown);
  assert.ok(!shown.includes(kit.apiv3Key), shown);
});
