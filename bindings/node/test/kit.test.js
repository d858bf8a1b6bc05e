'use strict';
// The testing kit (`wechatpay-notify/testing`), checked with node:crypto straight from WeChat
// Pay's documentation (RSASSA-PKCS1-v1_5 SHA-256 over `timestamp\nnonce\nbody\n`,
// AEAD_AES_256_GCM, the APIv2 MD5 / HMAC-SHA256 sign, the AES-256-ECB req_info) as well as with
// the verifier: every failure in FAILURES is what it says and is refused with its code.

const test = require('node:test');
const assert = require('node:assert/strict');
const crypto = require('node:crypto');

const {
  wpn,
  testing,
  NOW,
  NOW_BEIJING,
  at,
  KIND_INFO,
  sample,
  assertLibraryError,
  outcome,
  signatureVerifies,
  openResource,
  flatXml,
  v2Sign,
  openReqInfo,
} = require('./helpers');

const { Kit, FAILURES } = testing;

const SIGNATURE_HEADERS = ['Wechatpay-Serial', 'Wechatpay-Signature', 'Wechatpay-Timestamp', 'Wechatpay-Nonce', 'Wechatpay-Signature-Type'];

const publicKit = new Kit();
const certKit = new Kit({ certificate: true });
const KITS = { 'public key': publicKit, certificate: certKit };

const nowSeconds = () => Math.floor(Date.now() / 1000);
const decrypted = (k, callback) => JSON.parse(openResource(k.apiv3Key, JSON.parse(callback.body).resource));

// ---------------------------------------------------------------- the keys

test('a public-key kit: TEST keys, a PUB_KEY_ID_ id', () => {
  const k = publicKit;
  assert.equal(k.certificatePem, null);
  assert.match(k.keyId, /^PUB_KEY_ID_\d{28}$/);
  assert.equal(k.keyId.length, 39);
  const key = crypto.createPublicKey(k.publicKeyPem);
  assert.equal(key.asymmetricKeyType, 'rsa');
  assert.equal(key.asymmetricKeyDetails.modulusLength, 2048);
  assert.ok(k.publicKeyPem.startsWith('-----BEGIN PUBLIC KEY-----'));
  for (const secret of [k.apiv3Key, k.v2Key]) {
    assert.equal(typeof secret, 'string');
    assert.equal(secret.length, 32);
    assert.match(secret, /^[A-Za-z0-9]{32}$/);
    assert.equal(Buffer.byteLength(secret), 32);
  }
  assert.notEqual(k.apiv3Key, k.v2Key);
  assert.deepEqual(k.verifier().keyIds, [k.keyId]);
  assert.deepEqual(k.verifier().mchids, []);
  assert.ok(k.verifier() instanceof wpn.Verifier);
});

test('a kit with a certificate: self-signed, valid from a day ago for years', () => {
  const k = certKit;
  const pem = k.certificatePem;
  assert.ok(pem && pem.startsWith('-----BEGIN CERTIFICATE-----'));
  const cert = new crypto.X509Certificate(pem);
  assert.equal(cert.serialNumber.replace(/^0+/, '').toUpperCase(), k.keyId.replace(/^0+/, '').toUpperCase());
  assert.equal(k.keyId, k.keyId.toUpperCase());
  const fromCert = cert.publicKey.export({ type: 'spki', format: 'pem' });
  assert.equal(fromCert.trim(), k.publicKeyPem.trim());
  assert.equal(cert.publicKey.asymmetricKeyDetails.modulusLength, 2048);
  const now = Date.now();
  assert.ok(new Date(cert.validFrom).getTime() <= now - 23 * 3600 * 1000, cert.validFrom);
  assert.ok(new Date(cert.validTo).getTime() >= now + 4 * 365 * 24 * 3600 * 1000, cert.validTo);
  assert.equal(cert.issuer, cert.subject);
  assert.ok(cert.verify(cert.publicKey), 'self-signed');
  assert.deepEqual(k.verifier().keyIds, [k.keyId]);
  // Its callbacks verify at the clock, under the certificate's serial.
  const { headers, body } = k.notification();
  assert.equal(headers['Wechatpay-Serial'], k.keyId);
  assert.equal(k.verifier().parse(headers, body).serial, k.keyId);
  assert.ok(signatureVerifies(k.publicKeyPem, headers, body));
});

test('kits are independent', () => {
  const other = new Kit();
  assert.notEqual(other.keyId, publicKit.keyId);
  assert.notEqual(other.apiv3Key, publicKit.apiv3Key);
  assert.notEqual(other.publicKeyPem, publicKit.publicKeyPem);
  const { headers, body } = other.notification();
  const { error } = outcome(() => publicKit.verifier().parse(headers, body));
  assertLibraryError(error, 'UNKNOWN_SERIAL');
  assert.equal(new Kit({ certificate: false }).certificatePem, null);
});

test('sharingKey: the same platform key, a fresh APIv3 key', () => {
  const shared = publicKit.sharingKey();
  assert.ok(shared instanceof Kit);
  assert.equal(shared.keyId, publicKit.keyId);
  assert.equal(shared.publicKeyPem, publicKit.publicKeyPem);
  assert.notEqual(shared.apiv3Key, publicKit.apiv3Key);
  assert.equal(shared.apiv3Key.length, 32);
  const { headers, body } = shared.notification('transaction', {}, { timestamp: NOW });
  assert.equal(publicKit.verifier().verify(headers, body, at(NOW)), undefined);
  assertLibraryError(outcome(() => publicKit.verifier().parse(headers, body, at(NOW))).error, 'DECRYPT_FAILED');
  assert.equal(shared.verifier().parse(headers, body, at(NOW)).kind, 'transaction');
});

test('merchant(mchid): the configuration of one merchant, its mchid written into callbacks', () => {
  const k = new Kit();
  const m = k.merchant('1900000042');
  assert.equal(m.mchid, '1900000042');
  assert.equal(m.apiv3Key, k.apiv3Key);
  assert.deepEqual(Object.keys(m.publicKeys), [k.keyId]);
  assert.equal(String(m.publicKeys[k.keyId]).trim(), k.publicKeyPem.trim());
  const v = wpn.Verifier.forMerchants([m]);
  for (const kind of ['transaction', 'refund']) {
    const { headers, body } = k.notification(kind, {}, { timestamp: NOW });
    const n = v.parse(headers, body, at(NOW));
    assert.equal(n.mchid, '1900000042');
    assert.equal(n.resource.mchid, '1900000042');
  }
  const c = new Kit({ certificate: true });
  const cm = c.merchant('1900000043');
  assert.deepEqual([].concat(cm.certificates).map((p) => String(p).trim()), [c.certificatePem.trim()]);
  const { headers, body } = c.notification('partner_transaction');
  const n = wpn.Verifier.forMerchants([cm]).parse(headers, body);
  assert.equal(n.mchid, '1900000043');
  assert.equal(n.partnerTransaction().sp_mchid, '1900000043');
});

// ---------------------------------------------------------------- callbacks of every kind

for (const [kitName, k] of Object.entries(KITS)) {
  test(`${kitName} kit: every kind is signed and sealed as WeChat Pay does`, async (t) => {
    for (const kind of wpn.KINDS) {
      await t.test(kind, () => {
        const { headers, body } = k.notification(kind);
        const now = nowSeconds();
        // The headers: the kit's serial, the documented signature type, a fresh nonce.
        assert.deepEqual(Object.keys(headers).sort(), [...SIGNATURE_HEADERS, 'Content-Type'].sort());
        for (const value of Object.values(headers)) assert.equal(typeof value, 'string');
        assert.equal(headers['Wechatpay-Serial'], k.keyId);
        assert.equal(headers['Wechatpay-Signature-Type'], 'WECHATPAY2-SHA256-RSA2048');
        assert.equal(headers['Content-Type'], 'application/json');
        const timestamp = Number(headers['Wechatpay-Timestamp']);
        assert.ok(Number.isInteger(timestamp) && Math.abs(timestamp - now) <= 60, headers['Wechatpay-Timestamp']);
        assert.match(headers['Wechatpay-Nonce'], /^[A-Za-z0-9]{32}$/);
        assert.equal(headers['Wechatpay-Signature'].length, 344);
        assert.ok(signatureVerifies(k.publicKeyPem, headers, body), 'signature');
        // The body: compact JSON with raw UTF-8, the documented envelope.
        assert.ok(Buffer.isBuffer(body));
        const envelope = JSON.parse(body.toString('utf8'));
        assert.ok(body.equals(Buffer.from(JSON.stringify(envelope))), 'compact JSON');
        assert.deepEqual(Object.keys(envelope).sort(), ['create_time', 'event_type', 'id', 'resource', 'resource_type', 'summary']);
        assert.match(envelope.id, /^EV-\d{20}$/);
        assert.ok(envelope.summary);
        assert.equal(envelope.resource_type, 'encrypt-resource');
        assert.equal(envelope.event_type, KIND_INFO[kind].event_types[0]);
        const originalTypes = KIND_INFO[kind].original_types;
        if (originalTypes.length) {
          assert.equal(envelope.resource.original_type, originalTypes[0]);
          assert.equal(envelope.resource.associated_data, originalTypes[0]);
        } else {
          assert.ok(!('original_type' in envelope.resource));
          assert.equal(envelope.resource.associated_data, '');
        }
        // The resource: sealed with the kit's APIv3 key, the kind's documented sample.
        const plaintext = openResource(k.apiv3Key, envelope.resource);
        assert.deepStrictEqual(JSON.parse(plaintext), sample(kind));
        const n = k.verifier().parse(headers, body, at(now));
        assert.ok(n.plaintext.equals(plaintext));
        assert.equal(n.id, envelope.id);
        assert.equal(n.serial, k.keyId);
        assert.equal(n.kind, kind);
      });
    }
  });
}

// ---------------------------------------------------------------- failures

test('FAILURES: every failure of the core, each with a code', () => {
  assert.deepEqual(Object.keys(FAILURES).sort(), [
    'future_timestamp', 'other_apiv3_key', 'probe', 'reserialized', 'stale_timestamp', 'tampered_body', 'unknown_serial', 'xml_body',
  ]);
  assert.equal(FAILURES.probe, 'SIGNATURE_PROBE');
  assert.equal(FAILURES.tampered_body, 'SIGNATURE_MISMATCH');
  assert.equal(FAILURES.stale_timestamp, 'TIMESTAMP_SKEW');
  assert.equal(FAILURES.future_timestamp, 'TIMESTAMP_SKEW');
  assert.equal(FAILURES.other_apiv3_key, 'DECRYPT_FAILED');
  assert.equal(FAILURES.unknown_serial, 'UNKNOWN_SERIAL');
  assert.equal(FAILURES.xml_body, 'WRONG_FORMAT');
  assert.equal(FAILURES.reserialized, 'SIGNATURE_MISMATCH');
  for (const code of Object.values(FAILURES)) assert.ok(wpn.ERROR_CODES.includes(code));
});

/** Asserts, without the library, that the callback is the failure it claims to be. */
function checkFailure(k, failure, headers, body, when) {
  const timestamp = Number(headers['Wechatpay-Timestamp']);
  const signed = failure === 'probe' ? false : signatureVerifies(k.publicKeyPem, headers, body);
  switch (failure) {
    case 'probe':
      assert.ok(headers['Wechatpay-Signature'].startsWith('WECHATPAY/SIGNTEST/'));
      break;
    case 'tampered_body':
    case 'reserialized': {
      assert.ok(!signed);
      const envelope = JSON.parse(body.toString('utf8')); // still JSON that decrypts
      openResource(k.apiv3Key, envelope.resource);
      if (failure === 'reserialized') {
        assert.ok(!body.equals(Buffer.from(JSON.stringify(envelope))));
        assert.ok(body.includes('\n'));
      }
      break;
    }
    case 'stale_timestamp':
    case 'future_timestamp':
      assert.ok(signed);
      assert.equal(timestamp, when + (failure === 'stale_timestamp' ? -600 : 600));
      break;
    case 'other_apiv3_key':
      assert.ok(signed);
      assert.throws(() => openResource(k.apiv3Key, JSON.parse(body.toString('utf8')).resource));
      break;
    case 'unknown_serial':
      assert.ok(signed);
      assert.notEqual(headers['Wechatpay-Serial'], k.keyId);
      assert.ok(headers['Wechatpay-Serial'].startsWith('PUB_KEY_ID_'));
      break;
    case 'xml_body': {
      assert.ok(signed);
      assert.equal(headers['Content-Type'], 'text/xml');
      const fields = flatXml(body, 'xml'); // an APIv2 payment result, signed with the APIv2 key
      assert.equal(fields.sign, v2Sign(fields, k.v2Key, 'MD5'));
      break;
    }
    default:
      assert.fail(`unknown failure ${failure}`);
  }
  if (failure !== 'stale_timestamp' && failure !== 'future_timestamp') assert.equal(timestamp, when);
  if (failure !== 'unknown_serial') assert.equal(headers['Wechatpay-Serial'], k.keyId);
}

for (const [kitName, k] of Object.entries(KITS)) {
  test(`${kitName} kit: every failure is what it says and refused with its code`, async (t) => {
    let ran = 0;
    for (const [failure, code] of Object.entries(FAILURES)) {
      await t.test(failure, async () => {
        ran += 1;
        const when = nowSeconds();
        for (const kind of ['transaction', 'refund']) {
          const { headers, body } = k.notification(kind, { out_trade_no: 'T-failure' }, { failure, timestamp: when, id: 'EV-failure' });
          checkFailure(k, failure, headers, body, when);
          const v = k.verifier();
          assertLibraryError(outcome(() => v.parse(headers, body, at(when))).error, code, `${failure} ${kind}`);
          const async_ = await v.parseAsync(headers, body, at(when)).then(() => null, (e) => e);
          assertLibraryError(async_, code, `${failure} ${kind} parseAsync`);
          const d = v.diagnose(headers, body, at(when));
          assert.equal(d.ok, false);
          assert.equal(d.error.code, code);
        }
      });
    }
    assert.equal(ran, Object.keys(FAILURES).length);
  });
}

test('an unknown failure name is refused', () => {
  assert.throws(() => publicKit.notification('transaction', {}, { failure: 'no_such_failure' }));
});

// ---------------------------------------------------------------- arguments

test('overrides merge into the sample, nested objects key by key; resource replaces it', () => {
  const k = publicKit;
  const expected = sample('transaction');
  expected.out_trade_no = 'T1';
  expected.amount.total = 1;
  expected.payer = { openid: 'o-1', extra: [1] };
  const got = decrypted(k, k.notification('transaction', { out_trade_no: 'T1', amount: { total: 1 }, payer: { openid: 'o-1', extra: [1] } }));
  assert.deepStrictEqual(got, expected);
  // Arrays are replaced, not merged.
  const replacedList = decrypted(k, k.notification('transaction', { promotion_detail: [] }));
  assert.deepStrictEqual(replacedList.promotion_detail, []);
  assert.deepStrictEqual(decrypted(k, k.notification('refund', {}, { resource: { a: { b: 1 } } })), { a: { b: 1 } });
  assert.deepStrictEqual(decrypted(k, k.notification('transaction', {}, { resource: [1, 'x'] })), [1, 'x']);
  // Defaults: the transaction sample.
  assert.deepStrictEqual(decrypted(k, k.notification()), sample('transaction'));
  assert.deepStrictEqual(decrypted(k, k.notification('refund')), sample('refund'));
  // The kit's objects are not changed by a call.
  const overrides = { amount: { total: 7 } };
  k.notification('transaction', overrides);
  assert.deepStrictEqual(overrides, { amount: { total: 7 } });
});

test('overrides merge into a resource given in options, as into the sample', () => {
  // As Python's kit.notification(kind, resource, **overrides): the resource replaces the
  // sample, then the overrides are merged into it (not silently dropped).
  const k = publicKit;
  const replaced = decrypted(k, k.notification('refund', { a: { c: 2 }, d: null }, { resource: { a: { b: 1 } } }));
  assert.deepStrictEqual(replaced, { a: { b: 1, c: 2 }, d: null });
  const order = decrypted(k, k.notification('transaction', { out_trade_no: 'T-2' }, { resource: sample('transaction') }));
  assert.equal(order.out_trade_no, 'T-2');
});

test('envelope options: id, eventType, timestamp', () => {
  const { headers, body } = publicKit.notification('refund', {}, { eventType: 'REFUND.ABNORMAL', id: 'EV-own', timestamp: NOW });
  const envelope = JSON.parse(body.toString('utf8'));
  assert.equal(envelope.id, 'EV-own');
  assert.equal(envelope.event_type, 'REFUND.ABNORMAL');
  assert.equal(headers['Wechatpay-Timestamp'], String(NOW));
  assert.equal(envelope.create_time, NOW_BEIJING);
  const n = publicKit.verifier().parse(headers, body, at(NOW));
  assert.equal(n.kind, 'refund');
  assert.equal(n.eventType, 'REFUND.ABNORMAL');
  assert.equal(n.id, 'EV-own');
  assert.equal(n.timestamp, NOW);
  assert.equal(n.createTime, NOW_BEIJING);
  // Timestamp 0 is allowed; a negative one cannot be accepted by any verifier.
  assert.equal(publicKit.notification('transaction', {}, { timestamp: 0 }).headers['Wechatpay-Timestamp'], '0');
  const { error } = outcome(() => publicKit.notification('transaction', {}, { timestamp: -1 }));
  assert.ok(error, 'a negative timestamp was signed');
  if (error.code !== undefined) assert.equal(error.code, 'CONFIG_INVALID');
  // Fresh ids and nonces.
  const a = publicKit.notification();
  const b = publicKit.notification();
  assert.notEqual(JSON.parse(a.body).id, JSON.parse(b.body).id);
  assert.notEqual(a.headers['Wechatpay-Nonce'], b.headers['Wechatpay-Nonce']);
});

test('verifier options pass through', () => {
  const stale = publicKit.notification('transaction', {}, { failure: 'stale_timestamp' });
  const lenient = publicKit.verifier({ maxClockSkew: 1200 });
  assert.equal(lenient.maxClockSkew, 1200);
  assert.equal(lenient.parse(stale.headers, stale.body).kind, 'transaction');
  assertLibraryError(outcome(() => publicKit.verifier().parse(stale.headers, stale.body)).error, 'TIMESTAMP_SKEW');
  const small = publicKit.verifier({ maxBodySize: 100 });
  assert.equal(small.maxBodySize, 100);
  const { headers, body } = publicKit.notification();
  assertLibraryError(outcome(() => small.parse(headers, body)).error, 'BODY_TOO_LARGE');
  assertLibraryError(outcome(() => publicKit.verifier({ maxClockSkew: -1 })).error, 'CONFIG_INVALID');
});

test('a kind outside the catalog is refused', () => {
  assert.throws(() => publicKit.notification('payment'));
});

// ---------------------------------------------------------------- APIv2

for (const signType of ['MD5', 'HMAC-SHA256']) {
  test(`v2Payment (${signType}) is signed with the APIv2 key`, () => {
    const k = publicKit;
    const xml = k.v2Payment({ out_trade_no: 'T-v2', total_fee: '88', attach: '订单' }, { signType });
    assert.ok(Buffer.isBuffer(xml));
    const fields = flatXml(xml, 'xml');
    assert.equal(fields.sign, v2Sign(fields, k.v2Key, signType));
    assert.equal(fields.sign_type || 'MD5', signType);
    assert.equal(fields.out_trade_no, 'T-v2');
    assert.equal(fields.total_fee, '88');
    assert.equal(fields.attach, '订单');
    assert.equal(fields.return_code, 'SUCCESS');
    assert.equal(fields.result_code, 'SUCCESS');
    assert.deepStrictEqual({ ...k.v2Verifier().parsePayment(xml) }, fields);
  });
}

test('v2Refund is encrypted with the APIv2 key', () => {
  const k = publicKit;
  const xml = k.v2Refund({ out_refund_no: 'R-v2', refund_fee: '7' });
  const fields = flatXml(xml, 'xml');
  const reqInfo = openReqInfo(k.v2Key, fields.req_info);
  delete fields.req_info;
  assert.equal(reqInfo.out_refund_no, 'R-v2');
  assert.equal(reqInfo.refund_fee, '7');
  assert.equal(fields.return_code, 'SUCCESS');
  const { req_info: parsedReqInfo, ...parsed } = k.v2Verifier().parseRefund(xml);
  assert.deepStrictEqual({ ...parsedReqInfo }, reqInfo);
  assert.deepStrictEqual(parsed, fields);
});

test('an unknown APIv2 sign type is refused', () => {
  assert.throws(() => publicKit.v2Payment({}, { signType: 'SHA1' }));
});

test('a kit is usable from many async callers', async () => {
  const callbacks = await Promise.all([...Array(16).keys()].map(async (i) => publicKit.notification('transaction', {}, { id: `EV-${i}` })));
  const v = publicKit.verifier();
  assert.deepEqual(callbacks.map(({ headers, body }) => v.parse(headers, body).id), [...Array(16).keys()].map((i) => `EV-${i}`));
  assert.equal(new Set(callbacks.map(({ headers }) => headers['Wechatpay-Nonce'])).size, 16);
});
