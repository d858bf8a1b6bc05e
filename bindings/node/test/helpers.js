'use strict';
// Shared by the tests of this directory (not a test itself): the package under test, the
// repository's fixed test data (tests/vectors, models/) and small independent checks.
//
// The package is loaded from this directory's parent (bindings/node), the repository root is
// found relative to this file, so the tests run from any working directory:
//   node --test bindings/node/test/

const assert = require('node:assert/strict');
const crypto = require('node:crypto');
const fs = require('node:fs');
const path = require('node:path');

// WPN_NODE_PACKAGE loads an installed copy of the package instead (the release's consumer test
// runs the vectors through the arm64 prebuilt package that way: tests/consumers/node/run.sh).
const PACKAGE_DIR = path.resolve(process.env.WPN_NODE_PACKAGE || path.join(__dirname, '..'));
const ROOT = path.resolve(__dirname, '..', '..', '..');
const VECTORS_DIR = path.join(ROOT, 'tests', 'vectors');
const KEYS_DIR = path.join(VECTORS_DIR, 'keys');

const wpn = require(PACKAGE_DIR);
const testing = require(path.join(PACKAGE_DIR, 'testing'));

/** 2023-11-14T22:13:20Z, the `now` of most vectors. */
const NOW = 1_700_000_000;
/** NOW as WeChat Pay writes create_time: RFC 3339 in Beijing time. */
const NOW_BEIJING = '2023-11-15T06:13:20+08:00';

/** Unix seconds as the `now` option takes it. */
const at = (seconds) => ({ now: new Date(seconds * 1000) });

function readJson(...parts) {
  return JSON.parse(fs.readFileSync(path.join(...parts), 'utf8'));
}

let vectorsCache;
/** tests/vectors/notifications.json (format 1). */
function loadVectors() {
  if (!vectorsCache) {
    vectorsCache = readJson(VECTORS_DIR, 'notifications.json');
    assert.equal(vectorsCache.format, 1, 'notifications.json: unknown format');
  }
  return vectorsCache;
}

/** models/events.json: `{ kinds: [...], models: [...] }`. */
const CATALOG = readJson(ROOT, 'models', 'events.json');
const KIND_INFO = Object.fromEntries(CATALOG.kinds.map((k) => [k.kind, k]));
const MODELS = Object.fromEntries(CATALOG.models.map((m) => [m.name, m]));

/** The documented sample resource of a kind (models/samples/<kind>.json). */
function sample(kind) {
  return readJson(ROOT, 'models', 'samples', `${kind}.json`);
}

/** A file of tests/vectors/keys. */
function keyText(name) {
  return fs.readFileSync(path.join(KEYS_DIR, name), 'utf8');
}

/** `partner_transaction` -> `partnerTransaction`: the accessor of a kind. */
function accessorName(kind) {
  return kind.replace(/_([a-z])/g, (_, c) => c.toUpperCase());
}

/** The typed accessor of `kind` called on `n` (a missing accessor fails the test). */
function callAccessor(n, kind) {
  const name = accessorName(kind);
  assert.equal(typeof n[name], 'function', `Notification has no accessor ${name}() for kind ${kind}`);
  return n[name]();
}

/** `{ id: pem }` from the vectors' `[{ id, pem }]`, refusing a repeated id (an object cannot
 * hold it; no vector has one). */
function publicKeysOf(list) {
  const out = {};
  for (const { id, pem } of list) {
    assert.ok(!Object.prototype.hasOwnProperty.call(out, id), `public key id ${id} repeated`);
    out[id] = pem;
  }
  return out;
}

/** A verifier configuration of the vectors, in either form (tests/vectors/README.md). */
function verifierFromConfig(config) {
  const limits = { maxClockSkew: config.max_clock_skew, maxBodySize: config.max_body_size };
  if (!('merchants' in config)) {
    return new wpn.Verifier({
      apiv3Key: config.apiv3_key,
      publicKeys: publicKeysOf(config.public_keys),
      certificates: config.certificates,
      ...limits,
    });
  }
  for (const key of ['apiv3_key', 'public_keys', 'certificates']) {
    assert.ok(!(key in config), `merchants and ${key} in one configuration`);
  }
  return wpn.Verifier.forMerchants(
    config.merchants.map((m) => ({
      mchid: m.mchid,
      apiv3Key: m.apiv3_key,
      publicKeys: publicKeysOf(m.public_keys),
      certificates: m.certificates,
    })),
    limits,
  );
}

/** `verifiers[name]` of the vectors. */
function vectorVerifier(name) {
  return verifierFromConfig(loadVectors().verifiers[name]);
}

/** The APIv3 keys of a verifier configuration, in either form. */
function apiv3KeysOf(config) {
  return 'merchants' in config ? config.merchants.map((m) => m.apiv3_key) : [config.apiv3_key];
}

/** One case of the vectors, by name. */
function vectorCase(name) {
  const found = loadVectors().cases.filter((c) => c.name === name);
  assert.equal(found.length, 1, name);
  return found[0];
}

/** A case's request: its headers as [name, value] pairs, the body bytes, its `now`. */
function vectorRequest(name) {
  const c = vectorCase(name);
  return { headers: c.headers.map(([k, v]) => [k, v]), body: Buffer.from(c.body_hex, 'hex'), now: c.now };
}

/** The class each code's error is an instance of (docs/errors.md, "Families"). */
function familyClass(code) {
  if (wpn.AUTHENTICITY_CODES.includes(code)) return wpn.SignatureError;
  switch (code) {
    case 'BODY_TOO_LARGE':
    case 'WRONG_FORMAT':
    case 'MALFORMED_BODY':
    case 'MISSING_FIELD':
    case 'RETURN_FAIL':
    case 'UNEXPECTED_EVENT':
      return wpn.FormatError;
    case 'UNSUPPORTED_ALGORITHM':
    case 'MALFORMED_RESOURCE':
    case 'DECRYPT_FAILED':
      return wpn.DecryptionError;
    case 'CONFIG_INVALID':
      return wpn.ConfigError;
    default:
      throw new Error(`no family for code ${code}`);
  }
}

/** Runs `fn`; returns `{ value }` or `{ error }`. */
function outcome(fn) {
  try {
    return { value: fn(), error: null };
  } catch (error) {
    return { value: undefined, error };
  }
}

/** Awaits `promise`; returns `{ value }` or `{ error }`. */
async function settle(promise) {
  try {
    return { value: await promise, error: null };
  } catch (error) {
    return { value: undefined, error };
  }
}

/** Asserts that `error` is the library's error for `code`: its family's class, `.code`,
 * `.name`, a non-empty log-safe message. */
function assertLibraryError(error, code, context = '') {
  const where = context ? `${context}: ` : '';
  assert.ok(error, `${where}no error, expected ${code}`);
  assert.ok(error instanceof Error, `${where}not an Error: ${error}`);
  const Class = familyClass(code);
  assert.ok(error instanceof Class, `${where}expected ${Class.name} for ${code}, got ${error && error.name}: ${error && error.message}`);
  if (code === 'CONFIG_INVALID') {
    assert.ok(!(error instanceof wpn.NotificationError), `${where}ConfigError is a NotificationError`);
  } else {
    assert.ok(error instanceof wpn.NotificationError, `${where}not a NotificationError`);
  }
  assert.equal(error.code, code, `${where}code ${error.code} (${error.message}), expected ${code}`);
  assert.equal(error.name, Class.name, `${where}name`);
  assert.equal(typeof error.message, 'string');
  assert.ok(error.message.length > 0, `${where}empty message`);
}

/** The value of the first header named `name` (any case) of [name, value] pairs, trimmed. */
function firstHeader(pairs, name) {
  const found = pairs.find(([k]) => k.toLowerCase() === name.toLowerCase());
  return found ? found[1].replace(/^[ \t\r\n]+|[ \t\r\n]+$/g, '') : undefined;
}

/** The kind the catalog's dispatch rule gives (models/README.md, "Dispatch"). */
function expectedKind(eventType, originalType, plaintext) {
  const candidates = CATALOG.kinds.filter(
    (k) =>
      k.event_types.includes(eventType) &&
      (k.original_types.length === 0 || k.original_types.includes(originalType)),
  );
  if (candidates.length === 1) return candidates[0].kind;
  // Presence only; a field that is null counts as absent (docs/events.md).
  const keys =
    plaintext && typeof plaintext === 'object' && !Array.isArray(plaintext)
      ? Object.keys(plaintext).filter((k) => plaintext[k] !== null)
      : [];
  const fitting = candidates.filter((k) => k.requires_fields.every((f) => keys.includes(f)));
  if (fitting.length === 0) return 'unknown';
  const longest = Math.max(...fitting.map((k) => k.requires_fields.length));
  const best = fitting.filter((k) => k.requires_fields.length === longest);
  return best.length === 1 ? best[0].kind : 'unknown';
}

/** Drops `undefined` properties, recursively (an absent optional field may be either). */
function withoutUndefined(value) {
  if (Array.isArray(value)) return value.map(withoutUndefined);
  if (value && typeof value === 'object' && !Buffer.isBuffer(value)) {
    const out = {};
    for (const [k, v] of Object.entries(value)) {
      if (v !== undefined) out[k] = withoutUndefined(v);
    }
    return out;
  }
  return value;
}

/**
 * What a typed accessor must return for `value` decoded as `type` (a model name, `string`,
 * `int`, `bool` or `list<T>`): the model's fields only, null/absent optional fields left out.
 * Throws with the dotted path of a required field that is missing or of the wrong type.
 */
function project(value, type, where = '') {
  const list = /^list<(.+)>$/.exec(type);
  if (list) {
    if (!Array.isArray(value)) throw new Error(`wrong type at ${where}`);
    return value.map((item, i) => project(item, list[1], where ? `${where}.${i}` : String(i)));
  }
  switch (type) {
    case 'string':
      if (typeof value !== 'string') throw new Error(`wrong type at ${where}`);
      return value;
    case 'int':
      if (!Number.isInteger(value)) throw new Error(`wrong type at ${where}`);
      return value;
    case 'bool':
      if (typeof value !== 'boolean') throw new Error(`wrong type at ${where}`);
      return value;
    default: {
      const model = MODELS[type];
      assert.ok(model, `unknown model ${type}`);
      if (!value || typeof value !== 'object' || Array.isArray(value)) throw new Error(`wrong type at ${where}`);
      const out = {};
      for (const field of model.fields) {
        const fieldPath = where ? `${where}.${field.name}` : field.name;
        const item = value[field.name];
        if (item === undefined || item === null) {
          if (field.required) throw new Error(`missing ${fieldPath}`);
          continue;
        }
        out[field.name] = project(item, field.type, fieldPath);
      }
      return out;
    }
  }
}

/** The model name of a kind. */
function modelOf(kind) {
  return KIND_INFO[kind].model;
}

/** The required fields of a model as dotted paths, nested models included (lists not
 * descended into). */
function requiredPaths(modelName, prefix = '') {
  const paths = [];
  for (const field of MODELS[modelName].fields) {
    if (!field.required) continue;
    const p = prefix ? `${prefix}.${field.name}` : field.name;
    paths.push(p);
    if (MODELS[field.type]) paths.push(...requiredPaths(field.type, p));
  }
  return paths;
}

/** A deep copy of `value` with the dotted `pathText` removed. */
function withoutPath(value, pathText) {
  const copy = structuredClone(value);
  const steps = pathText.split('.');
  let node = copy;
  for (const step of steps.slice(0, -1)) node = node[step];
  delete node[steps[steps.length - 1]];
  return copy;
}

/** A deep copy of `value` with the dotted `pathText` set to `item`. */
function withPath(value, pathText, item) {
  const copy = structuredClone(value);
  const steps = pathText.split('.');
  let node = copy;
  for (const step of steps.slice(0, -1)) node = node[step];
  node[steps[steps.length - 1]] = item;
  return copy;
}

// ------------------------------------------------------------ independent crypto (node:crypto)

/** RSASSA-PKCS1-v1_5 SHA-256 over `timestamp\nnonce\nbody\n`, as WeChat Pay documents it. */
function signatureVerifies(publicKeyPem, headers, body) {
  const get = (name) => headerOf(headers, name);
  const message = Buffer.concat([
    Buffer.from(`${get('Wechatpay-Timestamp')}\n${get('Wechatpay-Nonce')}\n`),
    Buffer.from(body),
    Buffer.from('\n'),
  ]);
  const signature = Buffer.from(get('Wechatpay-Signature'), 'base64');
  return crypto.verify('sha256', message, publicKeyPem, signature);
}

/** A header of a plain object, any case. */
function headerOf(headers, name) {
  const key = Object.keys(headers).find((k) => k.toLowerCase() === name.toLowerCase());
  return key === undefined ? undefined : headers[key];
}

/** AEAD_AES_256_GCM: opens a callback's `resource` with `apiv3Key`; throws on a bad tag. */
function openResource(apiv3Key, resource) {
  assert.equal(resource.algorithm, 'AEAD_AES_256_GCM');
  const nonce = Buffer.from(resource.nonce, 'utf8');
  assert.equal(nonce.length, 12);
  const sealed = Buffer.from(resource.ciphertext, 'base64');
  const decipher = crypto.createDecipheriv('aes-256-gcm', Buffer.from(apiv3Key, 'utf8'), nonce);
  decipher.setAAD(Buffer.from(resource.associated_data, 'utf8'));
  decipher.setAuthTag(sealed.subarray(sealed.length - 16));
  return Buffer.concat([decipher.update(sealed.subarray(0, sealed.length - 16)), decipher.final()]);
}

/** AEAD_AES_256_GCM sealing: base64(ciphertext || tag). */
function seal(key, nonce, aad, plaintext) {
  const cipher = crypto.createCipheriv('aes-256-gcm', Buffer.from(key), Buffer.from(nonce));
  cipher.setAAD(Buffer.from(aad));
  const ct = Buffer.concat([cipher.update(Buffer.from(plaintext)), cipher.final()]);
  return Buffer.concat([ct, cipher.getAuthTag()]).toString('base64');
}

/** The fields of a flat `<root>` XML document (CDATA sections and plain text). */
function flatXml(data, root) {
  const text = Buffer.from(data).toString('utf8').trim();
  const outer = new RegExp(`^<${root}>([\\s\\S]*)</${root}>$`).exec(text);
  assert.ok(outer, `not a <${root}> document: ${text.slice(0, 80)}`);
  const fields = {};
  const element = /<([A-Za-z_][A-Za-z0-9_]*)>((?:<!\[CDATA\[[\s\S]*?\]\]>|[^<])*)<\/\1>/g;
  const rest = outer[1];
  let m;
  let consumed = 0;
  while ((m = element.exec(rest)) !== null) {
    assert.equal(rest.slice(consumed, m.index).trim(), '', 'unexpected content in flat XML');
    consumed = m.index + m[0].length;
    let value = '';
    const part = /<!\[CDATA\[([\s\S]*?)\]\]>|([^<]+)/g;
    let p;
    while ((p = part.exec(m[2])) !== null) value += p[1] !== undefined ? p[1] : p[2];
    assert.ok(!(m[1] in fields), `repeated field ${m[1]}`);
    fields[m[1]] = value;
  }
  assert.equal(rest.slice(consumed).trim(), '', 'unexpected content in flat XML');
  return fields;
}

/** The APIv2 sign: non-empty fields but `sign`, sorted, `k=v&...&key=<key>`. */
function v2Sign(fields, key, signType) {
  const text =
    Object.keys(fields)
      .filter((k) => k !== 'sign' && fields[k] !== '')
      .sort()
      .map((k) => `${k}=${fields[k]}`)
      .join('&') + `&key=${key}`;
  if (signType === 'MD5') return crypto.createHash('md5').update(text, 'utf8').digest('hex').toUpperCase();
  return crypto.createHmac('sha256', key).update(text, 'utf8').digest('hex').toUpperCase();
}

/** The APIv2 refund's req_info: AES-256-ECB under the hex MD5 of the APIv2 key, PKCS#7. */
function openReqInfo(v2Key, reqInfo) {
  const key = Buffer.from(crypto.createHash('md5').update(v2Key, 'utf8').digest('hex'), 'utf8');
  const decipher = crypto.createDecipheriv('aes-256-ecb', key, null);
  const plain = Buffer.concat([decipher.update(Buffer.from(reqInfo, 'base64')), decipher.final()]);
  return flatXml(plain, 'root');
}

/**
 * A callback whose decrypted resource is exactly `plaintext` (the kit writes its JSON from JS
 * values), signed with the vectors' key B (tests/vectors/keys) under its public-key id and
 * sealed with the APIv3 key of the vectors' `default` verifier, which accepts it at NOW.
 */
function rawCallback(plaintext, { eventType = 'TRANSACTION.SUCCESS', originalType = 'transaction', id = 'EV-raw' } = {}) {
  const config = loadVectors().verifiers.default;
  const nonce = '0123456789ab';
  const envelope = {
    id,
    create_time: NOW_BEIJING,
    resource_type: 'encrypt-resource',
    event_type: eventType,
    summary: 'raw',
    resource: {
      original_type: originalType,
      algorithm: 'AEAD_AES_256_GCM',
      ciphertext: seal(config.apiv3_key, nonce, originalType, Buffer.from(plaintext, 'utf8')),
      associated_data: originalType,
      nonce,
    },
  };
  const body = Buffer.from(JSON.stringify(envelope));
  const timestamp = String(NOW);
  const headerNonce = 'raw-nonce';
  const message = Buffer.concat([Buffer.from(`${timestamp}\n${headerNonce}\n`), body, Buffer.from('\n')]);
  const signature = crypto.sign('sha256', message, keyText('test-platform-b.key.pem')).toString('base64');
  const headers = {
    'Wechatpay-Timestamp': timestamp,
    'Wechatpay-Nonce': headerNonce,
    'Wechatpay-Signature': signature,
    'Wechatpay-Serial': config.public_keys[0].id,
  };
  return { headers, body };
}

module.exports = {
  rawCallback,
  wpn,
  testing,
  ROOT,
  PACKAGE_DIR,
  VECTORS_DIR,
  NOW,
  NOW_BEIJING,
  at,
  readJson,
  loadVectors,
  CATALOG,
  KIND_INFO,
  MODELS,
  sample,
  keyText,
  accessorName,
  callAccessor,
  verifierFromConfig,
  vectorVerifier,
  apiv3KeysOf,
  vectorCase,
  vectorRequest,
  familyClass,
  outcome,
  settle,
  assertLibraryError,
  firstHeader,
  expectedKind,
  withoutUndefined,
  project,
  modelOf,
  requiredPaths,
  withoutPath,
  withPath,
  signatureVerifies,
  headerOf,
  openResource,
  seal,
  flatXml,
  v2Sign,
  openReqInfo,
};
