'use strict';
// Every case of tests/vectors/notifications.json through the Node API (the cases the other
// languages run, tests/vectors/README.md), the official SDKs' samples (tests/vectors/peers)
// and the Wycheproof AES-GCM vectors through decryptResource.

const test = require('node:test');
const assert = require('node:assert/strict');
const path = require('node:path');

const {
  wpn,
  VECTORS_DIR,
  at,
  readJson,
  loadVectors,
  verifierFromConfig,
  assertLibraryError,
  familyClass,
  outcome,
  settle,
  firstHeader,
  callAccessor,
  vectorCase,
  vectorRequest,
} = require('./helpers');

const VECTORS = loadVectors();
const CASES = VECTORS.cases;
const TYPES = ['v3_parse', 'v3_verify', 'v3_config', 'v2_payment', 'v2_refund', 'v2_config'];

const verifierCache = new Map();
/** `verifiers[name]`, built once per name (building is itself checked by the v3_config cases). */
function verifierNamed(name) {
  if (!verifierCache.has(name)) verifierCache.set(name, verifierFromConfig(VECTORS.verifiers[name]));
  return verifierCache.get(name);
}

const hasMerchants = (name) => 'merchants' in VECTORS.verifiers[name];

/** Asserts the expected failure of a case; returns its code. */
function checkError(c, error) {
  const code = c.expect.error;
  assertLibraryError(error, code, c.name);
  for (const part of c.expect.message_contains || []) {
    assert.ok(error.message.includes(part), `${c.name}: ${JSON.stringify(part)} not in ${JSON.stringify(error.message)}`);
  }
  return code;
}

/** A dotted path (`amount.total`, `promotion_detail.0.amount`) into a typed result. */
function fieldAt(value, dotted) {
  for (const step of dotted.split('.')) {
    assert.ok(value !== null && value !== undefined, `no value before ${step} of ${dotted}`);
    value = /^\d+$/.test(step) ? value[Number(step)] : value[step];
  }
  return value;
}

/** Every typed accessor of an `event_` case, called by its kind's name. */
function checkEvents(c, n) {
  const expect = c.expect;
  const events = expect.events || {};
  if (Object.keys(events).length) {
    assert.deepEqual(Object.keys(events).sort(), [...wpn.KINDS].sort(), `${c.name}: events`);
  }
  for (const [kind, want] of Object.entries(events)) {
    const { value, error } = outcome(() => callAccessor(n, kind));
    if (want === 'ok') {
      assert.equal(error, null, `${c.name}: ${kind}(): ${error && `${error.code} ${error.message}`}`);
      assert.ok(value && typeof value === 'object' && !Array.isArray(value), `${c.name}: ${kind}() gave ${value}`);
      for (const [dotted, expected] of Object.entries(expect.event_fields || {})) {
        const got = fieldAt(value, dotted);
        assert.equal(typeof got, typeof expected, `${c.name}: ${dotted} type`);
        assert.equal(got, expected, `${c.name}: ${dotted}`);
      }
      continue;
    }
    assertLibraryError(error, want, `${c.name}: ${kind}()`);
    if (kind === n.kind) {
      if ('event_error_contains' in expect) {
        assert.ok(error.message.includes(expect.event_error_contains), `${c.name}: ${error.message}`);
      }
      if ('event_error_excludes' in expect) {
        assert.ok(!error.message.includes(expect.event_error_excludes), `${c.name}: ${error.message}`);
      }
    } else {
      // UNEXPECTED_EVENT names what the notification is.
      assert.ok(error.message.includes(n.eventType), `${c.name}: ${kind}(): ${error.message}`);
    }
  }
}

/** parse and parseAsync agree: the same error (class, code, message) or the same notification. */
function assertSameOutcome(c, sync, async_) {
  if (sync.error) {
    assert.ok(async_.error, `${c.name}: parse threw ${sync.error.code}, parseAsync resolved`);
    assert.equal(async_.error.constructor, sync.error.constructor, `${c.name}: parseAsync class`);
    assert.equal(async_.error.code, sync.error.code, `${c.name}: parseAsync code`);
    assert.equal(async_.error.message, sync.error.message, `${c.name}: parseAsync message`);
  } else {
    assert.equal(async_.error, null, `${c.name}: parseAsync rejected: ${async_.error && async_.error.message}`);
    for (const field of ['id', 'createTime', 'eventType', 'resourceType', 'summary', 'originalType', 'serial', 'mchid', 'timestamp', 'kind']) {
      assert.deepEqual(async_.value[field], sync.value[field], `${c.name}: parseAsync ${field}`);
    }
    assert.ok(Buffer.from(async_.value.plaintext).equals(Buffer.from(sync.value.plaintext)), `${c.name}: parseAsync plaintext`);
  }
}

/** diagnose gives parse's verdict, with a failed check of that code. */
function assertDiagnosisAgrees(c, d, parsed) {
  assert.equal(d.kind, 'v3', c.name);
  assert.ok(Array.isArray(d.checks) && d.checks.length > 0, c.name);
  const failed = d.checks.filter((check) => check.status === 'failed');
  for (const check of d.checks) {
    assert.ok(['passed', 'failed', 'skipped'].includes(check.status), `${c.name}: status ${check.status}`);
    assert.equal(typeof check.step, 'number');
    assert.equal(typeof check.name, 'string');
    assert.equal(typeof check.message, 'string');
    // (api.test.js pins `code: null` for a check that did not fail; here only its absence.)
    assert.equal(check.code == null, check.status !== 'failed', `${c.name}: step ${check.step} code ${check.code}`);
  }
  if (parsed.error) {
    assert.equal(d.ok, false, c.name);
    assert.ok(d.error, `${c.name}: diagnosis without error`);
    assert.equal(d.error.code, parsed.error.code, `${c.name}: diagnosis verdict`);
    assert.ok(d.error instanceof parsed.error.constructor, `${c.name}: diagnosis error class`);
    assert.ok(failed.some((check) => check.code === parsed.error.code), `${c.name}: no failed check ${parsed.error.code}`);
  } else {
    assert.equal(d.ok, true, c.name);
    assert.equal(d.error ?? null, null, c.name);
    assert.deepEqual(failed, [], c.name);
  }
}

/** Runs one case; returns the error code it produced, if any. */
async function runCase(c) {
  const expect = c.expect;
  const body = Buffer.from(c.body_hex || '', 'hex');
  switch (c.type) {
    case 'v3_config': {
      const { error } = outcome(() => verifierFromConfig(VECTORS.verifiers[c.verifier]));
      return checkError(c, error);
    }
    case 'v2_config': {
      const { error } = outcome(() => new wpn.V2Verifier({ key: VECTORS.v2_keys[c.v2_key] }));
      return checkError(c, error);
    }
    case 'v3_parse':
    case 'v3_verify': {
      const verifier = verifierNamed(c.verifier);
      // The headers as they are: an ordered list of [name, value] pairs.
      const headers = c.headers.map(([k, v]) => [k, v]);
      const options = at(c.now);
      const verified = outcome(() => verifier.verify(headers, body, options));
      if (c.type === 'v3_verify') {
        if ('error' in expect) return checkError(c, verified.error);
        assert.equal(verified.error, null, `${c.name}: ${verified.error && verified.error.message}`);
        assert.equal(verified.value, undefined, c.name);
        return null;
      }
      const parsed = outcome(() => verifier.parse(headers, body, options));
      assertSameOutcome(c, parsed, await settle(verifier.parseAsync(headers, body, options)));
      assertDiagnosisAgrees(c, verifier.diagnose(headers, body, options), parsed);
      const { error } = parsed;
      if (error && (wpn.AUTHENTICITY_CODES.includes(error.code) || ['BODY_TOO_LARGE', 'WRONG_FORMAT'].includes(error.code))) {
        // verify() runs the same first steps and stops at the same one.
        assert.ok(verified.error, `${c.name}: verify passed, parse refused ${error.code}`);
        assert.equal(verified.error.code, error.code, c.name);
      }
      if ('error' in expect) return checkError(c, error);
      assert.equal(error, null, `${c.name}: ${error && `${error.code}: ${error.message}`}`);
      assert.equal(verified.error, null, c.name);
      const n = parsed.value;
      assert.equal(n.id, expect.id, `${c.name}: id`);
      assert.equal(n.createTime, expect.create_time, `${c.name}: createTime`);
      assert.equal(n.eventType, expect.event_type, `${c.name}: eventType`);
      assert.equal(n.resourceType, expect.resource_type, `${c.name}: resourceType`);
      assert.equal(n.summary, expect.summary, `${c.name}: summary`);
      assert.equal(n.originalType, expect.original_type, `${c.name}: originalType`);
      assert.ok(Buffer.isBuffer(n.plaintext), `${c.name}: plaintext is not a Buffer`);
      assert.ok(n.plaintext.equals(Buffer.from(expect.plaintext, 'utf8')), `${c.name}: plaintext`);
      assert.deepStrictEqual(n.resource, JSON.parse(expect.plaintext), `${c.name}: resource`);
      assert.ok(verifier.keyIds.includes(n.serial), `${c.name}: serial ${n.serial}`);
      assert.equal(n.timestamp, Number(firstHeader(headers, 'Wechatpay-Timestamp')), `${c.name}: timestamp`);
      assert.equal(n.kind, expect.kind, `${c.name}: kind`);
      // The merchant: null exactly for a single-merchant verifier.
      assert.equal(n.mchid, expect.mchid, `${c.name}: mchid`);
      assert.equal(n.mchid !== null, hasMerchants(c.verifier), `${c.name}: mchid`);
      if (n.mchid !== null) {
        assert.ok(verifier.mchids.includes(n.mchid), c.name);
      } else {
        assert.deepEqual(verifier.mchids, [], c.name);
      }
      checkEvents(c, n);
      return null;
    }
    case 'v2_payment':
    case 'v2_refund': {
      const v2 = new wpn.V2Verifier({ key: VECTORS.v2_keys[c.v2_key] });
      const d = v2.diagnose(body);
      const payment = outcome(() => v2.parsePayment(body));
      const refund = outcome(() => v2.parseRefund(body));
      // The diagnosis gives parse's verdict for the kind it detects; its first failure is it.
      assert.ok(['v2_payment', 'v2_refund'].includes(d.kind), `${c.name}: diagnosis kind ${d.kind}`);
      const same = d.kind === 'v2_payment' ? payment : refund;
      assert.deepEqual(d.checks.map((check) => check.step), d.kind === 'v2_payment' ? [0, 1, 2, 3, 4, 5, 6] : [0, 1, 2, 3, 4, 5], c.name);
      const firstFailed = d.checks.find((check) => check.status === 'failed');
      if (same.error) {
        assert.equal(d.ok, false, c.name);
        assert.equal(d.error.code, same.error.code, `${c.name}: v2 diagnosis verdict`);
        assert.equal(firstFailed.code, same.error.code, c.name);
      } else {
        assert.equal(d.ok, true, c.name);
        assert.equal(d.error ?? null, null, c.name);
        assert.ok(d.checks.every((check) => check.status === 'passed' && check.code == null), c.name);
        assert.equal(d.kind, c.type, `${c.name}: diagnosis kind`);
      }
      assert.deepEqual(d.hints, [], c.name);
      const { value, error } = c.type === 'v2_payment' ? payment : refund;
      if ('error' in expect) return checkError(c, error);
      assert.equal(error, null, `${c.name}: ${error && `${error.code}: ${error.message}`}`);
      if (c.type === 'v2_payment') {
        assert.deepStrictEqual({ ...value }, expect.fields, c.name);
      } else {
        const { req_info: reqInfo, ...fields } = value;
        assert.deepStrictEqual(fields, expect.fields, c.name);
        assert.deepStrictEqual({ ...reqInfo }, expect.req_info, c.name);
      }
      return null;
    }
    default:
      throw new Error(`${c.name}: unknown case type ${c.type}`);
  }
}

test('the vectors file', () => {
  assert.equal(VECTORS.format, 1);
  assert.ok(CASES.length >= 100, `only ${CASES.length} cases`);
  assert.equal(new Set(CASES.map((c) => c.name)).size, CASES.length, 'case names are unique');
  for (const c of CASES) assert.ok(TYPES.includes(c.type), `${c.name}: type ${c.type}`);
});

test('every conformance vector through the Node API', async (t) => {
  let started = 0;
  let finished = 0;
  const seen = new Set();
  for (const c of CASES) {
    await t.test(c.name, async () => {
      started += 1;
      const code = await runCase(c);
      if (code) seen.add(code);
      finished += 1;
    });
  }
  // No case skipped: one subtest per case of the file, each ran to the end.
  assert.equal(started, CASES.length);
  assert.equal(finished, CASES.length);
  // Every code is produced by some case; UNEXPECTED_EVENT by the typed accessors.
  for (const c of CASES) {
    for (const want of Object.values(c.expect.events || {})) if (want !== 'ok') seen.add(want);
  }
  assert.deepEqual([...seen].sort(), [...wpn.ERROR_CODES].sort());
  assert.equal(wpn.ERROR_CODES.length, 19);
  for (const code of wpn.ERROR_CODES) familyClass(code);
});

test('the merchants cases are run', () => {
  const withMerchants = Object.keys(VECTORS.verifiers).filter(hasMerchants);
  assert.ok(withMerchants.length > 0);
  const named = new Set(CASES.filter((c) => c.type === 'v3_parse' && c.expect.ok).map((c) => c.expect.mchid));
  for (const name of withMerchants) {
    const { value: built } = outcome(() => verifierFromConfig(VECTORS.verifiers[name]));
    if (built) {
      assert.deepEqual(built.mchids, VECTORS.verifiers[name].merchants.map((m) => m.mchid));
      for (const mchid of built.mchids) assert.ok(named.has(mchid), `${name}: no accepted case for ${mchid}`);
    }
  }
  assert.ok(CASES.some((c) => 'message_contains' in c.expect));
  assert.ok(CASES.some((c) => c.type === 'v3_config' && hasMerchants(c.verifier)));
});

// ---------------------------------------------------------------- peers (tests/vectors/peers)

const PLACEHOLDER_APIV3_KEY = '0000000000000000placeholder00000';
const peer = (name) => readJson(VECTORS_DIR, 'peers', name);

test('peers: the wechatpay-go notification verifies with its certificate', () => {
  const go = peer('wechatpay-go-notify.json');
  const body = Buffer.from(go.body, 'utf8');
  const verifier = new wpn.Verifier({ apiv3Key: PLACEHOLDER_APIV3_KEY, certificates: go.platform_certificate_pem });
  assert.deepEqual(verifier.keyIds, ['D7CE59D1F522D701']);
  assert.equal(verifier.verify(go.headers, body, at(go.now)), undefined);
  const altered = Buffer.from(body);
  altered[10] ^= 1;
  assert.throws(() => verifier.verify(go.headers, altered, at(go.now)), (e) => {
    assertLibraryError(e, 'SIGNATURE_MISMATCH');
    return true;
  });
  // Verified, then refused at decryption: the sample was sealed with a 16-byte key.
  assert.throws(() => verifier.parse(go.headers, body, at(go.now)), (e) => {
    assertLibraryError(e, 'DECRYPT_FAILED');
    assert.ok(e.message.includes('APIv3'), e.message);
    return true;
  });
  // Outside the clock window the same request is refused before the signature.
  assert.throws(() => verifier.verify(go.headers, body, at(go.now + 301)), (e) => {
    assertLibraryError(e, 'TIMESTAMP_SKEW');
    return true;
  });
});

test('peers: the wechatpay-go 16-byte key is a config error', () => {
  const go = peer('wechatpay-go-notify.json');
  const key = go.apiv3_key_16_bytes;
  assert.throws(() => new wpn.Verifier({ apiv3Key: key, certificates: [go.platform_certificate_pem] }), (e) => {
    assertLibraryError(e, 'CONFIG_INVALID');
    assert.ok(!e.message.includes(key));
    return true;
  });
  const resource = JSON.parse(go.body).resource;
  assert.throws(() => wpn.decryptResource(key, resource.nonce, resource.associated_data, resource.ciphertext), (e) => {
    assertLibraryError(e, 'CONFIG_INVALID');
    assert.ok(!e.message.includes(key));
    return true;
  });
});

test('peers: the wechatpay-java certificate download decrypts', () => {
  const download = peer('wechatpay-java.json').certificate_download;
  const certs = wpn.decryptCertificates(download.apiv3_key, download.response_body);
  assert.deepEqual(certs.map((c) => c.serialNo), download.expected_serials);
  const cert = certs[0];
  assert.ok(cert.notBefore < cert.notAfter, `${cert.notBefore} < ${cert.notAfter}`);
  assert.ok(cert.pem.startsWith('-----BEGIN CERTIFICATE-----'));
  for (const field of ['effectiveTime', 'expireTime']) assert.ok(cert[field], field);
  const verifier = new wpn.Verifier({ apiv3Key: download.apiv3_key, certificates: [cert.pem] });
  assert.deepEqual(verifier.keyIds, [cert.serialNo]);
  const again = verifier.decryptCertificates(Buffer.from(download.response_body, 'utf8'));
  assert.deepEqual(again.map((c) => c.pem), [cert.pem]);
  assert.throws(() => wpn.decryptCertificates(PLACEHOLDER_APIV3_KEY, download.response_body), (e) => {
    assertLibraryError(e, 'DECRYPT_FAILED');
    return true;
  });
  assert.throws(() => wpn.decryptCertificates(PLACEHOLDER_APIV3_KEY, 'not json'), (e) => {
    assertLibraryError(e, 'MALFORMED_BODY');
    return true;
  });
});

test('peers: the wechatpay-java key pair through its certificate and its public key', () => {
  const pair = peer('wechatpay-java.json').wechat_pay_keypair;
  const apiv3Key = VECTORS.verifiers.java_peer_cert.apiv3_key;
  const serial = '440024045C4A427599D09BB4E3DE0279F2E813FD';
  const byCert = new wpn.Verifier({ apiv3Key, certificates: [pair.certificate_pem] });
  assert.deepEqual(byCert.keyIds, [serial]);
  const valid = vectorRequest('valid_java_peer_certificate');
  let n = byCert.parse(valid.headers, valid.body, at(valid.now));
  assert.ok(n.plaintext.equals(Buffer.from(vectorCase('valid_java_peer_certificate').expect.plaintext, 'utf8')));
  assert.ok(n.resource.out_trade_no);
  assert.equal(n.summary, '支付成功');
  assert.equal(n.serial, serial);
  assert.equal(n.timestamp, valid.now);
  const expired = vectorRequest('java_peer_certificate_expired');
  assert.throws(() => byCert.parse(expired.headers, expired.body, at(expired.now)), (e) => {
    assertLibraryError(e, 'KEY_EXPIRED');
    return true;
  });
  // The same key as a 微信支付公钥 under an id: no validity period. The serial is not signed,
  // so the request of the expired certificate is re-addressed to the id.
  const keyId = 'PUB_KEY_ID_0114232134912410000000000042';
  const byKey = new wpn.Verifier({ apiv3Key, publicKeys: { [keyId]: pair.public_key_pem } });
  const viaKey = vectorRequest('valid_java_peer_public_key');
  n = byKey.parse(viaKey.headers, viaKey.body, at(valid.now));
  assert.equal(n.serial, keyId);
  const readdressed = expired.headers.map(([k, v]) => [k, k.toLowerCase() === 'wechatpay-serial' ? keyId : v]);
  n = byKey.parse(readdressed, expired.body, at(expired.now));
  assert.equal(n.serial, keyId);
  assert.equal(n.timestamp, expired.now);
});

// ---------------------------------------------------------------- Wycheproof AES-GCM

test('wycheproof AES-GCM through decryptResource', async (t) => {
  const file = readJson(path.join(VECTORS_DIR, 'wycheproof', 'aes_gcm_test.json'));
  let wechatSized = 0;
  let otherSized = 0;
  let total = 0;
  for (const group of file.testGroups) {
    const sizes = [group.keySize, group.ivSize, group.tagSize];
    const isWechat = sizes.join() === '256,96,128';
    for (const tc of group.tests) {
      total += 1;
      const key = Buffer.from(tc.key, 'hex');
      const iv = Buffer.from(tc.iv, 'hex');
      const aad = Buffer.from(tc.aad, 'hex');
      const sealed = Buffer.concat([Buffer.from(tc.ct, 'hex'), Buffer.from(tc.tag, 'hex')]).toString('base64');
      const run = () => wpn.decryptResource(key, iv, aad, sealed);
      if (isWechat) {
        wechatSized += 1;
        await t.test(`tcId ${tc.tcId} (${tc.result})`, () => {
          const { value, error } = outcome(run);
          if (tc.result === 'valid') {
            assert.equal(error, null, `tcId ${tc.tcId}: ${error && error.message}`);
            assert.ok(Buffer.isBuffer(value));
            assert.ok(value.equals(Buffer.from(tc.msg, 'hex')), `tcId ${tc.tcId}`);
          } else {
            assert.equal(tc.result, 'invalid');
            assert.ok(error, `tcId ${tc.tcId}: accepted`);
            assert.ok(['DECRYPT_FAILED', 'MALFORMED_RESOURCE'].includes(error.code), `tcId ${tc.tcId}: ${error.code}`);
            assert.ok(error instanceof wpn.DecryptionError);
          }
        });
      } else {
        otherSized += 1;
        const { error } = outcome(run);
        assert.ok(error, `tcId ${tc.tcId} ${sizes}: accepted`);
        const expected = group.keySize !== 256 ? 'CONFIG_INVALID' : group.ivSize !== 96 ? 'MALFORMED_RESOURCE' : 'DECRYPT_FAILED';
        assert.ok([expected, 'MALFORMED_RESOURCE'].includes(error.code), `tcId ${tc.tcId} ${sizes}: ${error.code}`);
        assertLibraryError(error, error.code, `tcId ${tc.tcId}`);
      }
    }
  }
  assert.equal(wechatSized, 66);
  assert.ok(otherSized > 0);
  assert.equal(total, file.numberOfTests);
});
