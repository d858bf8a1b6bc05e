'use strict';
// No error, in any form Node shows it (message, String(err), util.inspect(err), the stack), and
// no verifier, as util.inspect shows it, contains an APIv3/APIv2 key or a value of the decrypted
// resource (docs/errors.md: "They never contain a key or decrypted plaintext"), across every
// failure of the vectors and of the testing kit.

const test = require('node:test');
const assert = require('node:assert/strict');
const util = require('node:util');

const {
  wpn,
  testing,
  NOW,
  at,
  loadVectors,
  verifierFromConfig,
  apiv3KeysOf,
  callAccessor,
  outcome,
  settle,
  seal,
} = require('./helpers');

const { Kit, FAILURES } = testing;
const VECTORS = loadVectors();

const SECRET_ORDER = 'OUT-TRADE-NO-SECRET-4711';
const SECRET_OPENID = 'o-SECRET-openid-0815';
const SECRET_ATTACH = 'attach-secret-data-1234';
const SECRET_REFUND = 'OUT-REFUND-NO-SECRET-42';

/** The forms a secret may take in text: itself and, for a key given as a Buffer, its hex
 * (util.inspect shows a Buffer's bytes as spaced hex). */
function forms(secret) {
  const bytes = Buffer.from(secret, 'utf8');
  const spaced = [...bytes.subarray(0, 12)].map((b) => b.toString(16).padStart(2, '0')).join(' ');
  return [secret, bytes.toString('hex'), spaced, bytes.toString('base64')];
}

/** Everything Node prints of an error. */
function errorTexts(error) {
  const texts = [
    String(error.message),
    String(error),
    util.inspect(error),
    util.inspect(error, { showHidden: true, depth: Infinity }),
    String(error.stack),
    JSON.stringify({ ...error }),
  ];
  if (error.cause) texts.push(util.inspect(error.cause, { showHidden: true, depth: Infinity }));
  return texts;
}

/** Everything Node prints of a diagnosis. */
function diagnosisTexts(d) {
  const texts = [util.inspect(d, { depth: Infinity }), JSON.stringify(d.checks), JSON.stringify(d.hints)];
  for (const check of d.checks) texts.push(check.message);
  if (d.error) texts.push(...errorTexts(d.error));
  return texts;
}

/** Asserts that no text holds any secret; returns how many texts were checked. */
function assertNoSecret(texts, secrets, context) {
  for (const text of texts) {
    for (const secret of secrets) {
      for (const form of forms(secret)) {
        assert.ok(!text.includes(form), `${context}: reveals ${JSON.stringify(secret)} in ${JSON.stringify(text.slice(0, 300))}`);
      }
    }
  }
  return texts.length;
}

/** Keys of 8 bytes or more and distinctive plaintext values of every valid case. */
function secretsOfVectors() {
  const secrets = [];
  for (const config of Object.values(VECTORS.verifiers)) {
    for (const key of apiv3KeysOf(config)) if (key.length >= 8) secrets.push(key);
  }
  for (const key of Object.values(VECTORS.v2_keys)) if (key.length >= 8) secrets.push(key);
  for (const c of VECTORS.cases) {
    if (c.type !== 'v3_parse' || typeof c.expect.plaintext !== 'string') continue;
    let resource;
    try {
      resource = JSON.parse(c.expect.plaintext);
    } catch {
      continue;
    }
    if (!resource || typeof resource !== 'object' || Array.isArray(resource)) continue;
    for (const key of ['out_trade_no', 'transaction_id', 'out_refund_no']) {
      if (typeof resource[key] === 'string') secrets.push(resource[key]);
    }
    if (resource.payer && typeof resource.payer.openid === 'string') secrets.push(resource.payer.openid);
  }
  return [...new Set(secrets)];
}

test('the checker finds a secret in any of its forms', () => {
  const secret = 'wpnTestAPIv3Key0123456789abcdefg';
  for (const form of forms(secret)) {
    assert.throws(() => assertNoSecret([`before ${form} after`], [secret], 'self-check'), /reveals/);
  }
  assert.throws(() => assertNoSecret([util.inspect(Buffer.from(secret))], [secret], 'self-check'), /reveals/);
  assert.equal(assertNoSecret(['nothing here'], [secret], 'self-check'), 1);
});

test('no error of any vector reveals a key or the plaintext', async () => {
  const secrets = secretsOfVectors();
  assert.ok(secrets.length > 10, `only ${secrets.length} secrets`);
  let checked = 0;
  let failingCases = 0;
  for (const c of VECTORS.cases) {
    const body = Buffer.from(c.body_hex || '', 'hex');
    const texts = [];
    const errors = [];
    const collect = (fn) => {
      const { error } = outcome(fn);
      if (error) errors.push(error);
    };
    if (c.type === 'v3_config') {
      collect(() => verifierFromConfig(VECTORS.verifiers[c.verifier]));
    } else if (c.type === 'v2_config') {
      collect(() => new wpn.V2Verifier({ key: VECTORS.v2_keys[c.v2_key] }));
    } else if (c.type === 'v3_parse' || c.type === 'v3_verify') {
      const v = verifierFromConfig(VECTORS.verifiers[c.verifier]);
      const options = at(c.now);
      collect(() => v.verify(c.headers, body, options));
      collect(() => v.verifyResponse(c.headers, body, options));
      const parsed = outcome(() => v.parse(c.headers, body, options));
      if (parsed.error) errors.push(parsed.error);
      const async_ = await settle(v.parseAsync(c.headers, body, options));
      if (async_.error) errors.push(async_.error);
      texts.push(...diagnosisTexts(v.diagnose(c.headers, body, options)));
      // The typed accessors' refusals (UNEXPECTED_EVENT, MALFORMED_RESOURCE).
      if (parsed.value) {
        for (const kind of wpn.KINDS) collect(() => callAccessor(parsed.value, kind));
      }
    } else {
      const v2 = new wpn.V2Verifier({ key: VECTORS.v2_keys[c.v2_key] });
      collect(() => v2.parsePayment(body));
      collect(() => v2.parseRefund(body));
      texts.push(...diagnosisTexts(v2.diagnose(body)));
    }
    if ('error' in c.expect) {
      assert.ok(errors.length > 0, `${c.name}: expected an error`);
      failingCases += 1;
    }
    for (const error of errors) texts.push(...errorTexts(error));
    checked += assertNoSecret(texts, secrets, c.name);
  }
  assert.ok(failingCases > 100, `only ${failingCases} failing cases`);
  assert.ok(checked > 1000, `only ${checked} texts checked`);
});

test('no error of any kit failure reveals the APIv3 key or the resource', async (t) => {
  for (const certificate of [false, true]) {
    const kit = new Kit({ certificate });
    const secrets = [kit.apiv3Key, kit.v2Key, SECRET_ORDER, SECRET_OPENID, SECRET_ATTACH];
    const v = kit.verifier();
    for (const failure of Object.keys(FAILURES)) {
      await t.test(`${certificate ? 'certificate' : 'public key'} kit: ${failure}`, async () => {
        const when = Math.floor(Date.now() / 1000);
        const { headers, body } = kit.notification(
          'transaction',
          { out_trade_no: SECRET_ORDER, payer: { openid: SECRET_OPENID }, attach: SECRET_ATTACH },
          { failure, timestamp: when },
        );
        const texts = [];
        for (const fn of [() => v.parse(headers, body, at(when)), () => v.verify(headers, body, at(when))]) {
          const { error } = outcome(fn);
          if (error) texts.push(...errorTexts(error));
        }
        const { error } = await settle(v.parseAsync(headers, body, at(when)));
        assert.ok(error, failure);
        assert.equal(error.code, FAILURES[failure]);
        texts.push(...errorTexts(error));
        texts.push(...diagnosisTexts(v.diagnose(headers, body, at(when))));
        assertNoSecret(texts, secrets, failure);
      });
    }
  }
});

test('typed accessor errors name the field, never its value', () => {
  const kit = new Kit();
  const v = kit.verifier();
  const secrets = [kit.apiv3Key, SECRET_ORDER, SECRET_OPENID, 'SECRET-TOTAL-VALUE', '987654321'];
  const cases = [
    { amount: { total: 'SECRET-TOTAL-VALUE' }, out_trade_no: SECRET_ORDER, payer: { openid: SECRET_OPENID } },
    { out_trade_no: 987654321, payer: { openid: SECRET_OPENID } },
    { payer: { openid: ['SECRET-TOTAL-VALUE'] }, out_trade_no: SECRET_ORDER },
    { transaction_id: { secret: 'SECRET-TOTAL-VALUE' }, out_trade_no: SECRET_ORDER },
  ];
  for (const overrides of cases) {
    const { headers, body } = kit.notification('transaction', overrides, { timestamp: NOW });
    const n = v.parse(headers, body, at(NOW));
    const texts = [];
    for (const kind of wpn.KINDS) {
      const { error } = outcome(() => callAccessor(n, kind));
      assert.ok(error, kind);
      assert.equal(error.code, kind === 'transaction' ? 'MALFORMED_RESOURCE' : 'UNEXPECTED_EVENT', `${kind} ${JSON.stringify(overrides)}`);
      texts.push(...errorTexts(error));
    }
    assertNoSecret(texts, secrets, JSON.stringify(overrides));
  }
});

test('configuration errors never show the key', () => {
  const kit = new Kit();
  const shortKey = 'wpnSecretButShortKey0123456789'; // 30 bytes
  const longKey = 'wpnSecretButLongKey0123456789abcdefgh'; // 37 bytes
  const texts = [];
  for (const apiv3Key of [shortKey, longKey, Buffer.from(shortKey), Buffer.from(longKey)]) {
    const { error } = outcome(() => new wpn.Verifier({ apiv3Key, publicKeys: { [kit.keyId]: kit.publicKeyPem } }));
    assert.equal(error.code, 'CONFIG_INVALID');
    texts.push(...errorTexts(error));
    const merchants = outcome(() => wpn.Verifier.forMerchants([{ ...kit.merchant('1900000001'), apiv3Key }]));
    assert.equal(merchants.error.code, 'CONFIG_INVALID');
    texts.push(...errorTexts(merchants.error));
    const standalone = outcome(() => wpn.decryptResource(apiv3Key, 'abcdefghijkl', '', 'AAAAAAAAAAAAAAAAAAAAAA=='));
    assert.equal(standalone.error.code, 'CONFIG_INVALID');
    texts.push(...errorTexts(standalone.error));
  }
  for (const key of [shortKey, longKey]) {
    const { error } = outcome(() => new wpn.V2Verifier({ key }));
    assert.equal(error.code, 'CONFIG_INVALID');
    texts.push(...errorTexts(error));
  }
  // Two merchants sharing a serial and an APIv3 key cannot be told apart.
  const clash = outcome(() => wpn.Verifier.forMerchants([kit.merchant('1900000001'), { ...kit.merchant('1900000002'), apiv3Key: kit.apiv3Key }]));
  assert.equal(clash.error.code, 'CONFIG_INVALID');
  texts.push(...errorTexts(clash.error));
  assertNoSecret(texts, [shortKey, longKey, kit.apiv3Key], 'configuration');
});

test('decryption, many-merchant and APIv2 errors never show a key or the plaintext', () => {
  const shop = new Kit();
  const branch = shop.sharingKey();
  const group = new Kit();
  const stranger = shop.sharingKey();
  const three = wpn.Verifier.forMerchants([shop.merchant('1900000001'), group.merchant('1900000002'), branch.merchant('1900000003')]);
  const secrets = [shop.apiv3Key, branch.apiv3Key, group.apiv3Key, stranger.apiv3Key, shop.v2Key, SECRET_ORDER, SECRET_REFUND, SECRET_ATTACH];
  const texts = [];
  const push = (fn, code) => {
    const { error } = outcome(fn);
    assert.ok(error, code);
    assert.equal(error.code, code);
    texts.push(...errorTexts(error));
  };
  const s = stranger.notification('transaction', { out_trade_no: SECRET_ORDER });
  push(() => three.parse(s.headers, s.body), 'DECRYPT_FAILED');
  texts.push(...diagnosisTexts(three.diagnose(s.headers, s.body)));
  const u = new Kit().notification('transaction', { out_trade_no: SECRET_ORDER });
  push(() => three.parse(u.headers, u.body), 'UNKNOWN_SERIAL');
  // A merchant's key opening a resource that names another merchant (step 15): configured
  // by hand, so that the kit keeps its sample's mchid (1900000001).
  const loner = new Kit();
  const filedAs = wpn.Verifier.forMerchants([{ mchid: '1900000077', apiv3Key: loner.apiv3Key, publicKeys: { [loner.keyId]: loner.publicKeyPem } }]);
  const misfiled = loner.notification('transaction', { out_trade_no: SECRET_ORDER });
  push(() => filedAs.parse(misfiled.headers, misfiled.body), 'MALFORMED_RESOURCE');
  secrets.push(loner.apiv3Key);
  // decryptResource with the wrong key, and with altered data.
  const sealed = seal(shop.apiv3Key, 'abcdefghijkl', 'transaction', JSON.stringify({ out_trade_no: SECRET_ORDER }));
  push(() => wpn.decryptResource(group.apiv3Key, 'abcdefghijkl', 'transaction', sealed), 'DECRYPT_FAILED');
  push(() => wpn.decryptResource(shop.apiv3Key, 'abcdefghijkl', 'refund', sealed), 'DECRYPT_FAILED');
  // A resource that decrypts to something that is not JSON.
  const notJson = seal(shop.apiv3Key, 'abcdefghijkl', 'x', `not json ${SECRET_ORDER}`);
  assert.equal(wpn.decryptResource(shop.apiv3Key, 'abcdefghijkl', 'x', notJson).toString(), `not json ${SECRET_ORDER}`);
  // APIv2: the wrong key.
  const otherV2 = new wpn.V2Verifier({ key: group.v2Key });
  push(() => otherV2.parsePayment(shop.v2Payment({ out_trade_no: SECRET_ORDER, attach: SECRET_ATTACH })), 'SIGNATURE_MISMATCH');
  push(() => otherV2.parseRefund(shop.v2Refund({ out_refund_no: SECRET_REFUND })), 'DECRYPT_FAILED');
  texts.push(...diagnosisTexts(otherV2.diagnose(shop.v2Refund({ out_refund_no: SECRET_REFUND }))));
  assertNoSecret(texts, secrets, 'errors');
});

test('util.inspect of a verifier shows no key', () => {
  const kit = new Kit();
  const certKit = new Kit({ certificate: true });
  const v2 = kit.v2Verifier();
  const verifiers = {
    'kit.verifier()': kit.verifier(),
    'new Verifier (string key)': new wpn.Verifier({ apiv3Key: kit.apiv3Key, publicKeys: { [kit.keyId]: kit.publicKeyPem } }),
    'new Verifier (Buffer key)': new wpn.Verifier({ apiv3Key: Buffer.from(kit.apiv3Key), publicKeys: { [kit.keyId]: Buffer.from(kit.publicKeyPem) } }),
    'certificate kit.verifier()': certKit.verifier(),
    'Verifier.forMerchants': wpn.Verifier.forMerchants([kit.merchant('1900000001'), certKit.merchant('1900000002')]),
    'kit.v2Verifier()': v2,
    'new V2Verifier': new wpn.V2Verifier({ key: kit.v2Key }),
  };
  const secrets = [kit.apiv3Key, kit.v2Key, certKit.apiv3Key];
  for (const [name, v] of Object.entries(verifiers)) {
    const texts = [
      util.inspect(v),
      util.inspect(v, { showHidden: true, depth: Infinity, getters: true }),
      String(v),
      JSON.stringify(v) || '',
      JSON.stringify(Object.getOwnPropertyNames(v).map((k) => [k, typeof v[k] === 'function' ? 'fn' : v[k]])),
    ];
    assertNoSecret(texts, secrets, name);
  }
});
